//! Key bindings are data: `assets/keymap.toml` is embedded and parsed at start-up; a user file
//! is layered over it (add, replace, or unbind with `action = "none"`). Every mistake in a
//! file (unknown action, group or field, a key bound twice, a pane key hiding a global one,
//! quit or help left without a key) is refused with the file and line. The help overlay and
//! the footer hints are generated from the same table.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde::Deserialize;
use toml::Spanned;

use super::action::Action;

pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

macro_rules! contexts {
    ($($variant:ident => ($name:literal, $title:literal)),* $(,)?) => {
        /// Where a binding applies: a `[[group]]` of the keymap file.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Context {
            $($variant),*
        }

        impl Context {
            pub const ALL: &'static [Context] = &[$(Context::$variant),*];

            /// The group name in a keymap file (`[[containers]]`).
            pub fn name(self) -> &'static str {
                match self {
                    $(Context::$variant => $name),*
                }
            }

            /// The heading in the help.
            pub fn title(self) -> &'static str {
                match self {
                    $(Context::$variant => $title),*
                }
            }

            pub fn from_name(name: &str) -> Option<Context> {
                match name {
                    $($name => Some(Context::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

contexts! {
    Global => ("global", "Everywhere"),
    // Any list pane (containers, images, volumes, networks, events…).
    List => ("list", "Lists"),
    Containers => ("containers", "Containers"),
    Logs => ("logs", "Logs"),
    Exec => ("exec", "Inside a shell"),
    ExecTabs => ("exec_tabs", "Shell sessions"),
    Images => ("images", "Images"),
    Volumes => ("volumes", "Volumes"),
    Networks => ("networks", "Networks"),
    Engine => ("engine", "Engine"),
    Events => ("events", "Events"),
    Inspect => ("inspect", "Inspect tab"),
    Commands => ("commands", "Command log"),
    Services => ("services", "Swarm services"),
    Nodes => ("nodes", "Swarm nodes"),
    Secrets => ("secrets", "Swarm secrets and configs"),
    Projects => ("projects", "Compose projects"),
    Registries => ("registries", "Registries"),
    Hosts => ("hosts", "Hosts (engines)"),
    Files => ("files", "Files tab"),
    // Over everything: while one is open, only its keys count.
    Dialog => ("dialog", "Dialogs (yes/no questions)"),
    HelpPage => ("help_page", "This help"),
    Picker => ("picker", "Engine picker"),
    Palette => ("palette", "Command palette"),
}

impl Context {
    /// Whether it belongs to something shown over the screen, which takes every key: a global
    /// key cannot be hidden by it.
    pub fn is_overlay(self) -> bool {
        matches!(
            self,
            Context::Dialog | Context::HelpPage | Context::Picker | Context::Palette
        )
    }
}

/// A key press, normalised: shift is folded into the character for printable keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match ev.code {
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Some(Key { code, mods })
    }

    pub fn parse(s: &str) -> Result<Key, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                mods |= KeyModifiers::CONTROL;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                mods |= KeyModifiers::ALT;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("shift-") {
                mods |= KeyModifiers::SHIFT;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" => KeyCode::PageUp,
            "pgdn" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "delete" => KeyCode::Delete,
            "insert" => KeyCode::Insert,
            "backspace" => KeyCode::Backspace,
            f if f.starts_with('f')
                && f.len() > 1
                && f[1..].chars().all(|c| c.is_ascii_digit()) =>
            {
                let n: u8 = f[1..]
                    .parse()
                    .map_err(|_| format!("bad function key `{s}`"))?;
                KeyCode::F(n)
            }
            c if c.chars().count() == 1 => {
                let ch = c
                    .chars()
                    .next()
                    .ok_or_else(|| format!("empty key in `{s}`"))?;
                if mods.contains(KeyModifiers::SHIFT) {
                    mods.remove(KeyModifiers::SHIFT);
                    KeyCode::Char(ch.to_ascii_uppercase())
                } else {
                    KeyCode::Char(ch)
                }
            }
            _ => return Err(format!("unknown key `{s}`")),
        };
        Ok(Key { code, mods })
    }

    pub fn label(&self) -> String {
        let mut s = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            s.push_str("ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            s.push_str("alt-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            s.push_str("shift-");
        }
        match self.code {
            KeyCode::Char(' ') => s.push_str("space"),
            KeyCode::Char(c) => s.push(c),
            KeyCode::Enter => s.push_str("enter"),
            KeyCode::Esc => s.push_str("esc"),
            KeyCode::Tab => s.push_str("tab"),
            KeyCode::BackTab => s.push_str("shift-tab"),
            KeyCode::Up => s.push('↑'),
            KeyCode::Down => s.push('↓'),
            KeyCode::Left => s.push('←'),
            KeyCode::Right => s.push('→'),
            KeyCode::PageUp => s.push_str("pgup"),
            KeyCode::PageDown => s.push_str("pgdn"),
            KeyCode::Home => s.push_str("home"),
            KeyCode::End => s.push_str("end"),
            KeyCode::Delete => s.push_str("del"),
            KeyCode::Insert => s.push_str("ins"),
            KeyCode::Backspace => s.push_str("bksp"),
            KeyCode::F(n) => s.push_str(&format!("f{n}")),
            _ => s.push('?'),
        }
        s
    }
}

/// One `[[context]]` entry of a keymap file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    keys: Vec<Spanned<String>>,
    action: Spanned<String>,
    #[serde(default)]
    desc: Option<String>,
}

/// A keymap file: one array of bindings per group (context), by name.
type RawKeymap = std::collections::BTreeMap<Spanned<String>, Vec<RawBinding>>;

#[derive(Debug, Clone)]
pub struct Binding {
    pub keys: Vec<Key>,
    pub action: Action,
    pub desc: String,
    /// The line of the user's keymap file that made this binding (None: built in).
    pub line: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    pub contexts: Vec<(Context, Vec<Binding>)>,
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    Lines::new(text).of(offset)
}

/// Where each line of a text starts: a byte offset's line number by binary search (a
/// keymap names a line for each of its hundreds of keys; counting newlines from the start
/// each time made loading the keymap quadratic).
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        Lines(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        )
    }

    /// The 1-based line of `offset`.
    fn of(&self, offset: usize) -> usize {
        self.0.partition_point(|nl| *nl < offset) + 1
    }
}

/// A keymap error: `file:line: message` (the line when it is known).
fn located(file: &str, line: Option<usize>, msg: impl std::fmt::Display) -> String {
    match line {
        Some(l) => format!("{file}:{l}: {msg}"),
        None => format!("{file}: {msg}"),
    }
}

/// The actions that must always keep a key, and where.
const ESSENTIAL: [(Context, Action); 3] = [
    (Context::Global, Action::Quit),
    (Context::Global, Action::Help),
    (Context::Exec, Action::Leave),
];

impl Keymap {
    /// Parse a complete keymap (the built-in one). Errors read `file:line: message`.
    pub fn parse(text: &str) -> Result<Keymap, String> {
        let mut km = Keymap {
            contexts: Context::ALL.iter().map(|c| (*c, Vec::new())).collect(),
        };
        km.layer(text, "built-in keymap", false)?;
        km.check(text, "built-in keymap")?;
        Ok(km)
    }

    /// The built-in keymap with a user's file layered over it: each entry adds a binding or
    /// replaces the built-in keys of its action, `action = "none"` unbinds its keys.
    pub fn with_user(text: &str, file: &str) -> Result<Keymap, String> {
        let mut km = Keymap::parse(DEFAULT_KEYMAP)?;
        km.layer(text, file, true)?;
        km.check(text, file)?;
        Ok(km)
    }

    /// The embedded default keymap.
    pub fn default_map() -> Keymap {
        // The embedded file is tested to parse; fall back to an empty map rather than panic.
        Keymap::parse(DEFAULT_KEYMAP).unwrap_or(Keymap { contexts: vec![] })
    }

    fn bindings_mut(&mut self, ctx: Context) -> &mut Vec<Binding> {
        if let Some(i) = self.contexts.iter().position(|(c, _)| *c == ctx) {
            return &mut self.contexts[i].1;
        }
        self.contexts.push((ctx, Vec::new()));
        let last = self.contexts.len() - 1;
        &mut self.contexts[last].1
    }

    fn layer(&mut self, text: &str, file: &str, user: bool) -> Result<(), String> {
        let raw: RawKeymap = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            located(file, line, e.message().trim())
        })?;
        let lines = Lines::new(text);
        for (group, entries) in raw {
            let Some(ctx) = Context::from_name(group.get_ref()) else {
                let names: Vec<&str> = Context::ALL.iter().map(|c| c.name()).collect();
                return Err(located(
                    file,
                    Some(lines.of(group.span().start)),
                    format!(
                        "unknown group [[{}]]: the groups are {}",
                        group.get_ref(),
                        names.join(", ")
                    ),
                ));
            };
            // Keys this file binds in this context, with their lines: twice is an error.
            let mut seen: Vec<(Key, usize)> = Vec::new();
            for b in entries {
                let line = lines.of(b.action.span().start);
                if b.keys.is_empty() {
                    return Err(located(
                        file,
                        Some(line),
                        "a binding needs at least one key",
                    ));
                }
                let mut keys = Vec::with_capacity(b.keys.len());
                for k in &b.keys {
                    let kline = lines.of(k.span().start);
                    let key = Key::parse(k.get_ref()).map_err(|e| located(file, Some(kline), e))?;
                    if let Some((_, first)) = seen.iter().find(|(s, _)| *s == key) {
                        return Err(located(
                            file,
                            Some(kline),
                            format!(
                                "key `{}` is bound twice in [[{}]] (first on line {first})",
                                k.get_ref(),
                                ctx.name()
                            ),
                        ));
                    }
                    seen.push((key, kline));
                    keys.push(key);
                }
                let name = b.action.get_ref().as_str();
                let action = if name == "none" {
                    None
                } else {
                    Some(Action::from_name(name).ok_or_else(|| {
                        located(
                            file,
                            Some(line),
                            format!(
                                "unknown action `{name}` in [[{}]] (dockside --print-keymap lists them)",
                                ctx.name()
                            ),
                        )
                    })?)
                };
                let desc = b.desc.clone();
                let list = self.bindings_mut(ctx);
                // These keys now mean this entry alone.
                for other in list.iter_mut() {
                    other.keys.retain(|k| !keys.contains(k));
                }
                let Some(action) = action else {
                    list.retain(|o| !o.keys.is_empty());
                    continue;
                };
                // Replace the built-in keys of the same action; keep its description.
                let old_desc = list
                    .iter()
                    .find(|o| o.action == action)
                    .map(|o| o.desc.clone());
                if user {
                    list.retain(|o| o.action != action);
                }
                list.retain(|o| !o.keys.is_empty());
                let desc = desc
                    .or(old_desc)
                    .unwrap_or_else(|| action.name().replace('_', " "));
                list.push(Binding {
                    keys,
                    action,
                    desc,
                    line: user.then_some(line),
                });
            }
        }
        Ok(())
    }

    /// What must hold after loading: no pane key hides a global one, and quit, help and
    /// leaving a shell always keep a key.
    fn check(&self, _text: &str, file: &str) -> Result<(), String> {
        for (ctx, action) in ESSENTIAL {
            if !self.bindings(ctx).iter().any(|b| b.action == action) {
                return Err(located(
                    file,
                    None,
                    format!(
                        "`{}` has no key left in [[{}]]: it must keep one",
                        action.name(),
                        ctx.name()
                    ),
                ));
            }
        }
        let global = self.bindings(Context::Global);
        for (ctx, list) in &self.contexts {
            // Inside a shell every key but `leave` goes to the shell, and an overlay takes
            // every key while open: nothing to shadow.
            if matches!(ctx, Context::Global | Context::Exec) || ctx.is_overlay() {
                continue;
            }
            for b in list {
                for k in &b.keys {
                    if let Some(g) = global.iter().find(|g| g.keys.contains(k)) {
                        return Err(located(
                            file,
                            b.line.or(g.line),
                            format!(
                                "key `{}` for `{}` in [[{}]] hides the global `{}`: choose another key",
                                k.label(),
                                b.action.name(),
                                ctx.name(),
                                g.action.name()
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    pub fn bindings(&self, ctx: Context) -> &[Binding] {
        self.contexts
            .iter()
            .find(|(c, _)| *c == ctx)
            .map(|(_, b)| b.as_slice())
            .unwrap_or(&[])
    }

    /// The action bound to `key` in `ctx`, if any.
    pub fn lookup(&self, ctx: Context, key: &Key) -> Option<Action> {
        self.bindings(ctx)
            .iter()
            .find(|b| b.keys.contains(key))
            .map(|b| b.action)
    }

    /// The action bound to `key` in the first of `contexts` that binds it.
    pub fn resolve(&self, contexts: &[Context], key: &Key) -> Option<(Context, Action)> {
        contexts
            .iter()
            .find_map(|c| self.lookup(*c, key).map(|a| (*c, a)))
    }

    /// Whether `key` is bound to `action` in `ctx`.
    pub fn is(&self, ctx: Context, key: &Key, action: Action) -> bool {
        self.lookup(ctx, key) == Some(action)
    }

    /// The first key bound to an action, for hints ("s stop").
    pub fn key_for(&self, ctx: Context, action: Action) -> Option<String> {
        self.bindings(ctx)
            .iter()
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(Key::label)
    }

    /// The first key bound to an action in the first of `contexts` that binds it.
    pub fn key_in(&self, contexts: &[Context], action: Action) -> Option<String> {
        contexts.iter().find_map(|c| self.key_for(*c, action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Key {
        Key::parse(s).expect("key")
    }

    fn user(text: &str) -> Result<Keymap, String> {
        Keymap::with_user(text, "my.toml")
    }

    #[test]
    fn a_line_number_is_the_count_of_newlines_before_the_offset_plus_one() {
        for text in ["", "a", "\n", "ab\ncd\n\nef", "\n\nx\n", DEFAULT_KEYMAP] {
            let lines = Lines::new(text);
            let step = if text.len() > 100 { 97 } else { 1 };
            for offset in (0..=text.len() + 1).step_by(step) {
                let naive = text.as_bytes()[..offset.min(text.len())]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count()
                    + 1;
                assert_eq!(lines.of(offset), naive, "offset {offset} of {text:?}");
            }
        }
    }

    #[test]
    fn default_keymap_parses_and_has_every_context() {
        let km = Keymap::parse(DEFAULT_KEYMAP).expect("default keymap parses");
        for ctx in Context::ALL {
            assert!(!km.bindings(*ctx).is_empty(), "{ctx:?} has bindings");
        }
        assert_eq!(km.lookup(Context::Global, &key("q")), Some(Action::Quit));
        assert_eq!(
            km.lookup(Context::Containers, &key("S")),
            Some(Action::Start)
        );
        assert_eq!(
            km.lookup(Context::Exec, &key("ctrl-g")),
            Some(Action::Leave)
        );
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        let km = Keymap::default_map();
        for (ctx, bindings) in &km.contexts {
            let mut seen = std::collections::HashSet::new();
            for b in bindings {
                for k in &b.keys {
                    assert!(seen.insert(*k), "{ctx:?}: {} bound twice", k.label());
                }
            }
        }
    }

    #[test]
    fn key_events_normalise_shift() {
        let ev = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(&ev), Key::parse("G").ok());
        let ev = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(Key::from_event(&ev), Key::parse("ctrl-c").ok());
        let ev = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(&ev), Key::parse("backtab").ok());
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let err = user("[[global]]\nkeys=[\"hyper-x\"]\naction=\"quit\"\n").expect_err("must fail");
        assert_eq!(err, "my.toml:2: unknown key `hyper-x`");
        let err = user("\n[[global]\n").expect_err("must fail");
        assert!(err.starts_with("my.toml:2: "), "{err}");
    }

    #[test]
    fn unknown_action_group_or_field_is_refused_with_its_line() {
        let err =
            user("[[global]]\nkeys = [\"z\"]\naction = \"fly_to_moon\"\n").expect_err("action");
        assert!(
            err.starts_with("my.toml:3: unknown action `fly_to_moon` in [[global]]"),
            "{err}"
        );
        let err = user("\n\n[[galaxy]]\nkeys = [\"z\"]\naction = \"quit\"\n").expect_err("group");
        assert!(err.starts_with("my.toml:3: "), "{err}");
        assert!(err.contains("galaxy"), "{err}");
        let err = user("[[global]]\nkeys = [\"z\"]\naction = \"quit\"\ncolour = \"red\"\n")
            .expect_err("field");
        assert!(err.starts_with("my.toml:4: "), "{err}");
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn a_key_bound_twice_in_a_context_is_refused() {
        let err = user("[[containers]]\nkeys = [\"x\", \"x\"]\naction = \"stop\"\n")
            .expect_err("twice in one entry");
        assert!(
            err.starts_with("my.toml:2: key `x` is bound twice"),
            "{err}"
        );
        let err = user(
            "[[containers]]\nkeys = [\"x\"]\naction = \"stop\"\n\n[[containers]]\nkeys = [\"x\"]\naction = \"kill\"\n",
        )
        .expect_err("twice in two entries");
        assert!(
            err.starts_with(
                "my.toml:6: key `x` is bound twice in [[containers]] (first on line 2)"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_pane_key_may_not_hide_a_global_key() {
        let err = user("[[containers]]\nkeys = [\"q\"]\naction = \"kill\"\n").expect_err("shadow");
        assert!(
            err.starts_with(
                "my.toml:3: key `q` for `kill` in [[containers]] hides the global `quit`"
            ),
            "{err}"
        );
        // Moving the global key away first makes room for it.
        let km = user(
            "[[global]]\nkeys = [\"ctrl-q\"]\naction = \"quit\"\n[[containers]]\nkeys = [\"q\"]\naction = \"kill\"\n",
        )
        .expect("q is free once quit moved");
        assert_eq!(
            km.lookup(Context::Containers, &key("q")),
            Some(Action::Kill)
        );
        assert_eq!(
            km.lookup(Context::Global, &key("ctrl-q")),
            Some(Action::Quit)
        );
        assert_eq!(km.lookup(Context::Global, &key("q")), None);
    }

    #[test]
    fn the_built_in_keymap_hides_no_global_key() {
        // `check` runs on the built-in map too: this is the same rule, stated as a test.
        let km = Keymap::default_map();
        let global = km.bindings(Context::Global);
        for (ctx, list) in &km.contexts {
            if matches!(ctx, Context::Global | Context::Exec) || ctx.is_overlay() {
                continue;
            }
            for b in list {
                for k in &b.keys {
                    assert!(
                        !global.iter().any(|g| g.keys.contains(k)),
                        "{ctx:?} {} hides a global key",
                        k.label()
                    );
                }
            }
        }
    }

    #[test]
    fn a_one_line_user_keymap_keeps_every_other_key() {
        let builtin = Keymap::default_map();
        let km = user("[[containers]]\nkeys = [\"x\"]\naction = \"stop\"\n").expect("loads");
        assert_eq!(
            km.lookup(Context::Containers, &key("x")),
            Some(Action::Stop)
        );
        // `s` was stop's key: replaced. `x` was the shells tab's: it is stop's now.
        assert_eq!(km.lookup(Context::Containers, &key("s")), None);
        assert_eq!(km.key_for(Context::Containers, Action::TabShells), None);
        for (ctx, list) in &builtin.contexts {
            for b in list {
                if *ctx == Context::Containers
                    && matches!(b.action, Action::Stop | Action::TabShells)
                {
                    continue;
                }
                for k in &b.keys {
                    assert_eq!(km.lookup(*ctx, k), Some(b.action), "{ctx:?} {}", k.label());
                }
            }
        }
        // The description of a replaced action is kept when the user gives none.
        let stop = km
            .bindings(Context::Containers)
            .iter()
            .find(|b| b.action == Action::Stop)
            .expect("stop bound");
        assert_eq!(stop.line, Some(3));
        assert!(!stop.desc.is_empty());
    }

    #[test]
    fn none_unbinds_and_quit_help_leave_are_never_lost() {
        let km = user("[[containers]]\nkeys = [\"K\"]\naction = \"none\"\n").expect("unbind");
        assert_eq!(km.lookup(Context::Containers, &key("K")), None);
        assert_eq!(km.key_for(Context::Containers, Action::Kill), None);
        // One of quit's keys may go, not both.
        let km = user("[[global]]\nkeys = [\"q\"]\naction = \"none\"\n").expect("ctrl-c stays");
        assert_eq!(
            km.lookup(Context::Global, &key("ctrl-c")),
            Some(Action::Quit)
        );
        let err = user("[[global]]\nkeys = [\"q\", \"ctrl-c\"]\naction = \"none\"\n")
            .expect_err("quit lost");
        assert!(err.contains("`quit` has no key left"), "{err}");
        let err = user("[[exec]]\nkeys = [\"ctrl-g\"]\naction = \"none\"\n").expect_err("leave");
        assert!(err.contains("`leave` has no key left"), "{err}");
        // Rebinding leave moves it.
        let km = user("[[exec]]\nkeys = [\"ctrl-x\"]\naction = \"leave\"\n").expect("rebind");
        assert_eq!(
            km.lookup(Context::Exec, &key("ctrl-x")),
            Some(Action::Leave)
        );
        assert_eq!(km.lookup(Context::Exec, &key("ctrl-g")), None);
    }

    #[test]
    fn a_binding_needs_keys() {
        let err = user("[[global]]\nkeys = []\naction = \"quit\"\n").expect_err("no keys");
        assert_eq!(err, "my.toml:3: a binding needs at least one key");
    }
}
