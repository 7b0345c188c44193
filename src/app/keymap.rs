//! Key bindings are data: `assets/keymap.toml` is embedded and parsed at start-up; a user file
//! may replace it. The help overlay is generated from the same table.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde::Deserialize;

pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Global,
    /// Any list pane (containers, images, volumes, networks).
    List,
    Containers,
    Logs,
    Exec,
    ExecTabs,
    Images,
    Volumes,
    Networks,
    Engine,
    Events,
    Inspect,
}

impl Context {
    pub const ALL: [Context; 12] = [
        Context::Global,
        Context::List,
        Context::Containers,
        Context::Logs,
        Context::Exec,
        Context::ExecTabs,
        Context::Images,
        Context::Volumes,
        Context::Networks,
        Context::Engine,
        Context::Events,
        Context::Inspect,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::List => "Lists",
            Context::Containers => "Containers",
            Context::Logs => "Logs",
            Context::Exec => "Inside a shell",
            Context::ExecTabs => "Shell sessions",
            Context::Images => "Images",
            Context::Volumes => "Volumes",
            Context::Networks => "Networks",
            Context::Engine => "Engine",
            Context::Events => "Events",
            Context::Inspect => "Inspect tab",
        }
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

#[derive(Debug, Deserialize)]
struct RawBinding {
    keys: Vec<String>,
    action: String,
    desc: String,
}

#[derive(Debug, Deserialize, Default)]
struct RawKeymap {
    #[serde(default)]
    global: Vec<RawBinding>,
    #[serde(default)]
    list: Vec<RawBinding>,
    #[serde(default)]
    containers: Vec<RawBinding>,
    #[serde(default)]
    logs: Vec<RawBinding>,
    #[serde(default)]
    exec: Vec<RawBinding>,
    #[serde(default)]
    exec_tabs: Vec<RawBinding>,
    #[serde(default)]
    images: Vec<RawBinding>,
    #[serde(default)]
    volumes: Vec<RawBinding>,
    #[serde(default)]
    networks: Vec<RawBinding>,
    #[serde(default)]
    engine: Vec<RawBinding>,
    #[serde(default)]
    events: Vec<RawBinding>,
    #[serde(default)]
    inspect: Vec<RawBinding>,
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub keys: Vec<Key>,
    pub action: String,
    pub desc: String,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    pub contexts: Vec<(Context, Vec<Binding>)>,
}

impl Keymap {
    /// Parse a keymap file. Errors name the binding that is wrong.
    pub fn parse(text: &str) -> Result<Keymap, String> {
        let raw: RawKeymap = toml::from_str(text).map_err(|e| format!("keymap: {e}"))?;
        let convert =
            |ctx: Context, list: Vec<RawBinding>| -> Result<(Context, Vec<Binding>), String> {
                let mut out = Vec::with_capacity(list.len());
                for b in list {
                    let keys = b
                        .keys
                        .iter()
                        .map(|k| Key::parse(k))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| format!("keymap [{}] {}: {e}", ctx.title(), b.action))?;
                    out.push(Binding {
                        keys,
                        action: b.action,
                        desc: b.desc,
                    });
                }
                Ok((ctx, out))
            };
        Ok(Keymap {
            contexts: vec![
                convert(Context::Global, raw.global)?,
                convert(Context::List, raw.list)?,
                convert(Context::Containers, raw.containers)?,
                convert(Context::Logs, raw.logs)?,
                convert(Context::Exec, raw.exec)?,
                convert(Context::ExecTabs, raw.exec_tabs)?,
                convert(Context::Images, raw.images)?,
                convert(Context::Volumes, raw.volumes)?,
                convert(Context::Networks, raw.networks)?,
                convert(Context::Engine, raw.engine)?,
                convert(Context::Events, raw.events)?,
                convert(Context::Inspect, raw.inspect)?,
            ],
        })
    }

    /// The embedded default keymap.
    pub fn default_map() -> Keymap {
        // The embedded file is tested to parse; fall back to an empty map rather than panic.
        Keymap::parse(DEFAULT_KEYMAP).unwrap_or(Keymap { contexts: vec![] })
    }

    pub fn bindings(&self, ctx: Context) -> &[Binding] {
        self.contexts
            .iter()
            .find(|(c, _)| *c == ctx)
            .map(|(_, b)| b.as_slice())
            .unwrap_or(&[])
    }

    /// The action bound to `key` in `ctx`, if any.
    pub fn lookup(&self, ctx: Context, key: &Key) -> Option<&str> {
        self.bindings(ctx)
            .iter()
            .find(|b| b.keys.contains(key))
            .map(|b| b.action.as_str())
    }

    /// The first key bound to an action, for hints ("s stop").
    pub fn key_for(&self, ctx: Context, action: &str) -> Option<String> {
        self.bindings(ctx)
            .iter()
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(Key::label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_keymap_parses_and_has_every_context() {
        let km = Keymap::parse(DEFAULT_KEYMAP).expect("default keymap parses");
        for ctx in Context::ALL {
            assert!(!km.bindings(ctx).is_empty(), "{ctx:?} has bindings");
        }
        let q = Key::parse("q").expect("key");
        assert_eq!(km.lookup(Context::Global, &q), Some("quit"));
        let s = Key::parse("S").expect("key");
        assert_eq!(km.lookup(Context::Containers, &s), Some("start"));
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
    fn bad_keymap_gives_a_clear_error() {
        let err = Keymap::parse("[[global]]\nkeys=[\"hyper-x\"]\naction=\"quit\"\ndesc=\"\"\n")
            .expect_err("must fail");
        assert!(err.contains("unknown key `hyper-x`"), "{err}");
        let err = Keymap::parse("[[global]\n").expect_err("must fail");
        assert!(err.starts_with("keymap:"), "{err}");
    }
}
