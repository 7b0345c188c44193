//! What the command palette offers and what each entry does: every action of the screen under
//! it (with its key and description from the keymap), every view, the containers, images,
//! volumes and networks listed, and commands with an argument — `logs api1`, `stop api1`,
//! `ctx prod`, `run busybox` — matched fuzzily against what is typed.

use super::action::Action;
use super::command_palette::CommandPalette;
use super::keymap::{Context, Key};
use super::msg::Cmd;
use super::state::{Focus, Overlay, State, StatusKind};
use crate::views::View;
use crate::views::list::Fuzzy;

/// What an entry does when run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A keymap action of the screen under the palette.
    Action(Context, Action),
    View(View),
    /// Select a container; then do this containers action on it (logs, stop…).
    Container {
        id: String,
        action: Option<Action>,
    },
    /// Show a view with this row selected (an image, a volume, a network).
    Item(View, String),
    /// Switch to the engine at this index of the contexts read.
    Engine(usize),
    /// Switch to the context of this name once the contexts are read.
    EngineNamed(String),
    /// Connect to an address typed in.
    Address(String),
    /// The `docker run` form with this image.
    Run(String),
    /// Not a command yet: put this on the line (`logs ` then a container).
    Complete(String),
}

/// One line of the palette.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What is typed to run it (and what the history keeps).
    pub label: String,
    /// Its key, when it has one on this screen.
    pub key: String,
    pub desc: String,
    pub target: Target,
}

/// Commands that take a container: the word, the containers action, what it does.
const CONTAINER_VERBS: [(&str, Action, &str); 13] = [
    ("logs", Action::Open, "show a container's logs"),
    (
        "stats",
        Action::TabStats,
        "show a container's CPU, memory, network",
    ),
    (
        "inspect",
        Action::TabInspect,
        "show a container's docker inspect",
    ),
    ("top", Action::TabTop, "show a container's processes"),
    ("files", Action::TabFiles, "browse a container's files"),
    ("shell", Action::ExecShell, "open a shell in a container"),
    (
        "attach",
        Action::Attach,
        "attach to a container's main process",
    ),
    ("start", Action::Start, "start a container"),
    ("stop", Action::Stop, "stop a container"),
    ("restart", Action::Restart, "restart a container"),
    ("pause", Action::Pause, "pause or unpause a container"),
    ("kill", Action::Kill, "kill a container"),
    ("rm", Action::Remove, "remove a container"),
];

/// Other names a view answers to.
fn view_aliases(v: View) -> &'static [&'static str] {
    match v {
        View::Containers => &["ps", "co"],
        View::Images => &["img"],
        View::Volumes => &["vol"],
        View::Networks => &["net"],
        View::Engine => &["system", "df", "info"],
        View::Events => &["ev"],
        View::Commands => &["history", "cmd"],
        View::Services => &["svc"],
        View::Nodes => &["no"],
        View::Projects => &["compose", "proj"],
        View::Registries => &["reg"],
        View::Secrets => &["secret", "config"],
        View::Hosts => &["host", "ctx", "fleet"],
    }
}

/// Other names an action answers to (`:q`).
fn action_aliases(a: Action) -> &'static [&'static str] {
    match a {
        Action::Quit => &["q", "q!", "exit"],
        Action::Help => &["h"],
        Action::Engines => &["ctx", "context"],
        _ => &[],
    }
}

/// The matches of the palette's line, best first.
pub fn entries(state: &State, p: &CommandPalette) -> Vec<Entry> {
    let query = p.text.trim_start();
    if let Some((verb, arg)) = query.split_once(' ')
        && let Some(list) = with_argument(state, p, verb, arg.trim())
    {
        return list;
    }
    let plain = plain_entries(state, !query.trim().is_empty());
    rank(plain, query.trim())
}

/// The entries of a command that takes an argument (`logs a…`), None when `verb` is none.
fn with_argument(state: &State, p: &CommandPalette, verb: &str, arg: &str) -> Option<Vec<Entry>> {
    let mut out = Vec::new();
    if let Some((word, action, _)) = CONTAINER_VERBS.iter().find(|(w, ..)| *w == verb) {
        for c in containers_in_order(state) {
            out.push((
                Entry {
                    label: format!("{word} {}", c.name),
                    key: String::new(),
                    desc: format!("{} · {}", c.state.as_str(), c.image),
                    target: Target::Container {
                        id: c.id.clone(),
                        action: Some(*action),
                    },
                },
                c.name.clone(),
            ));
        }
        return Some(rank_by(out, arg));
    }
    match verb {
        "ctx" | "context" => {
            match &p.engines {
                Some(list) => {
                    for (i, e) in list.iter().enumerate() {
                        let here = state.conn.addr().starts_with(&e.addr);
                        out.push((
                            Entry {
                                label: format!("ctx {}", e.name),
                                key: if here { "●".into() } else { String::new() },
                                desc: format!("{} {}", e.addr, e.description),
                                target: Target::Engine(i),
                            },
                            e.name.clone(),
                        ));
                    }
                }
                None if !arg.is_empty() && !arg.contains("://") => out.push((
                    Entry {
                        label: format!("ctx {arg}"),
                        key: String::new(),
                        desc: "the docker context of this name (reading the contexts…)".into(),
                        target: Target::EngineNamed(arg.to_string()),
                    },
                    arg.to_string(),
                )),
                None => {}
            }
            let mut ranked = rank_by(out, arg);
            if arg.contains("://") {
                ranked.insert(
                    0,
                    Entry {
                        label: format!("ctx {arg}"),
                        key: String::new(),
                        desc: "connect to this address".into(),
                        target: Target::Address(arg.to_string()),
                    },
                );
            }
            Some(ranked)
        }
        "run" => {
            let mut seen = std::collections::BTreeSet::new();
            for img in state.views.images.images.iter().flatten() {
                for tag in &img.tags {
                    if seen.insert(tag.clone()) {
                        out.push((
                            Entry {
                                label: format!("run {tag}"),
                                key: String::new(),
                                desc: format!(
                                    "image · {}",
                                    super::images::human_size(img.size.max(0))
                                ),
                                target: Target::Run(tag.clone()),
                            },
                            tag.clone(),
                        ));
                    }
                }
            }
            let mut ranked = rank_by(out, arg);
            // An image not listed (yet): as typed; the engine pulls it if it can.
            if !arg.is_empty() && !seen.contains(arg) {
                ranked.push(Entry {
                    label: format!("run {arg}"),
                    key: String::new(),
                    desc: "image as typed".into(),
                    target: Target::Run(arg.to_string()),
                });
            }
            Some(ranked)
        }
        _ => None,
    }
}

fn containers_in_order(state: &State) -> Vec<&super::model::Container> {
    let mut list: Vec<&super::model::Container> = state.containers.values().collect();
    list.sort_by(|a, b| crate::views::list::natural_cmp(&a.name, &b.name));
    list
}

/// Entries without an argument, with the words they answer to. `all`: the containers and
/// other resources too (not shown before anything is typed).
fn plain_entries(state: &State, all: bool) -> Vec<(Entry, Vec<&'static str>)> {
    let mut out: Vec<(Entry, Vec<&'static str>)> = Vec::new();
    let view_actions: Vec<Action> = View::ALL.iter().map(|v| v.action()).collect();
    let mut seen = std::collections::HashSet::new();
    for ctx in state.screen_contexts() {
        // Typing into a shell takes every key; its leave key means nothing here.
        if ctx == Context::Exec {
            continue;
        }
        for b in state.help_bindings(ctx) {
            // Views are listed once below; the palette is open already.
            if view_actions.contains(&b.action)
                || b.action == Action::Palette
                || !seen.insert(b.action)
            {
                continue;
            }
            let keys: Vec<String> = b.keys.iter().map(Key::label).collect();
            out.push((
                Entry {
                    label: b.action.name().replace('_', " "),
                    key: keys.join(","),
                    desc: b.desc.clone(),
                    target: Target::Action(ctx, b.action),
                },
                action_aliases(b.action).to_vec(),
            ));
        }
    }
    for v in View::ALL {
        let key = state
            .keymap
            .key_for(Context::Global, v.action())
            .unwrap_or_default();
        let desc = state
            .keymap
            .bindings(Context::Global)
            .iter()
            .find(|b| b.action == v.action())
            .map_or_else(|| format!("{} view", v.title()), |b| b.desc.clone());
        out.push((
            Entry {
                label: v.title().to_lowercase(),
                key,
                desc,
                target: Target::View(v),
            },
            view_aliases(v).to_vec(),
        ));
    }
    for (word, _, what) in CONTAINER_VERBS {
        out.push((
            Entry {
                label: format!("{word} …"),
                key: String::new(),
                desc: format!("{word} NAME: {what}"),
                target: Target::Complete(format!("{word} ")),
            },
            Vec::new(),
        ));
    }
    out.push((
        Entry {
            label: "ctx …".into(),
            key: String::new(),
            desc: "ctx NAME: switch to a docker context (or ctx tcp://host:2376)".into(),
            target: Target::Complete("ctx ".into()),
        },
        Vec::new(),
    ));
    out.push((
        Entry {
            label: "run …".into(),
            key: String::new(),
            desc: "run IMAGE: the docker run form with this image".into(),
            target: Target::Complete("run ".into()),
        },
        Vec::new(),
    ));
    if !all {
        return out;
    }
    for c in containers_in_order(state) {
        out.push((
            Entry {
                label: c.name.clone(),
                key: String::new(),
                desc: format!("container · {} · {}", c.state.as_str(), c.image),
                target: Target::Container {
                    id: c.id.clone(),
                    action: None,
                },
            },
            Vec::new(),
        ));
    }
    let v = &state.views;
    let mut tags = std::collections::BTreeSet::new();
    for img in v.images.images.iter().flatten() {
        for t in &img.tags {
            tags.insert(t.clone());
        }
    }
    for t in tags {
        let desc = "image".to_string();
        out.push((item(t, desc, View::Images), Vec::new()));
    }
    for vol in v.volumes.volumes.iter().flatten() {
        let desc = format!("volume · {}", vol.driver);
        out.push((item(vol.name.clone(), desc, View::Volumes), Vec::new()));
    }
    for net in v.networks.networks.iter().flatten() {
        let desc = format!("network · {}", net.driver);
        out.push((item(net.name.clone(), desc, View::Networks), Vec::new()));
    }
    out
}

fn item(name: String, desc: String, view: View) -> Entry {
    Entry {
        label: name.clone(),
        key: String::new(),
        desc,
        target: Target::Item(view, name),
    }
}

/// Rank plain entries: a label or alias typed exactly first, then labels that begin with what
/// is typed, then labels that match (by score), then descriptions that match; ties keep the
/// order given.
fn rank(list: Vec<(Entry, Vec<&'static str>)>, query: &str) -> Vec<Entry> {
    let Some(mut fuzzy) = Fuzzy::new(query) else {
        return list.into_iter().map(|(e, _)| e).collect();
    };
    let q = query.to_lowercase();
    let mut scored: Vec<(u64, usize, Entry)> = Vec::new();
    for (i, (e, aliases)) in list.into_iter().enumerate() {
        // `logs` is the command `logs …` exactly (before the action `logs_marked`).
        let label_lc = e.label.to_lowercase();
        let exact = label_lc == q
            || label_lc.strip_suffix(" …") == Some(q.as_str())
            || aliases.iter().any(|a| *a == q);
        let label = fuzzy.score(&e.label);
        let alias = aliases.iter().filter_map(|a| fuzzy.score(a)).max();
        let desc = fuzzy.score(&e.desc);
        let prefix =
            e.label.to_lowercase().starts_with(&q) || aliases.iter().any(|a| a.starts_with(&q));
        let score = if exact {
            u64::MAX
        } else if let (true, Some(s)) = (prefix, label.max(alias)) {
            (2 << 32) + u64::from(s)
        } else if let Some(s) = label.max(alias) {
            (1 << 32) + u64::from(s)
        } else if let Some(s) = desc {
            u64::from(s)
        } else {
            continue;
        };
        scored.push((score, i, e));
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, e)| e).collect()
}

/// Rank the entries of a command's argument by the name they carry (exact first).
fn rank_by(list: Vec<(Entry, String)>, arg: &str) -> Vec<Entry> {
    let Some(mut fuzzy) = Fuzzy::new(arg) else {
        return list.into_iter().map(|(e, _)| e).collect();
    };
    let mut scored: Vec<(u64, usize, Entry)> = list
        .into_iter()
        .enumerate()
        .filter_map(|(i, (e, name))| {
            let s = if name == arg {
                u64::MAX
            } else {
                u64::from(fuzzy.score(&name)?)
            };
            Some((s, i, e))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, e)| e).collect()
}

/// What the root does after an entry ran here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {
    Nothing,
    /// Carry out this keymap action (the palette is closed).
    Dispatch(Context, Action),
    /// Connect to this address (as the engine picker's "another address").
    Host(String),
}

/// Run the highlighted entry of the palette shown (enter).
pub fn run(state: &mut State, out: &mut Vec<Cmd>) -> Then {
    let Overlay::Palette(p) = &state.overlay else {
        return Then::Nothing;
    };
    let list = entries(state, p);
    let Some(entry) = list.get(p.sel.min(list.len().saturating_sub(1))).cloned() else {
        let note = if p.text.trim().is_empty() {
            "type a command".to_string()
        } else {
            format!("nothing matches `{}`", p.text.trim())
        };
        if let Overlay::Palette(p) = &mut state.overlay {
            p.note = Some(note);
        }
        return Then::Nothing;
    };
    let mut palette = match std::mem::replace(&mut state.overlay, Overlay::None) {
        Overlay::Palette(p) => p,
        other => {
            state.overlay = other;
            return Then::Nothing;
        }
    };
    state.dirty = true;
    if !matches!(entry.target, Target::Complete(_) | Target::EngineNamed(_)) {
        super::command_palette::remember(&mut state.palette_history, &entry.label);
    }
    match entry.target {
        Target::Complete(text) => {
            palette.text = text;
            palette.typed();
            state.overlay = Overlay::Palette(palette);
            Then::Nothing
        }
        Target::Action(ctx, action) => Then::Dispatch(ctx, action),
        Target::View(v) => {
            super::router::switch(state, v, out);
            Then::Nothing
        }
        Target::Container { id, action } => {
            select_container(state, &id, out);
            match action {
                Some(a) => {
                    // The command names its container: marks elsewhere do not join in.
                    state.marked.clear();
                    Then::Dispatch(Context::Containers, a)
                }
                None => Then::Nothing,
            }
        }
        Target::Item(view, key) => {
            super::router::switch(state, view, out);
            let page = state.areas().list_rows().max(1);
            if let Some(v) = state.views.get_mut(view) {
                v.select(&key, page);
            }
            Then::Nothing
        }
        Target::Engine(i) => {
            let list = palette.engines.take().unwrap_or_default();
            state.overlay = Overlay::Engines {
                sel: i.min(list.len()),
                list,
            };
            Then::Dispatch(Context::Picker, Action::Open)
        }
        Target::EngineNamed(name) => {
            // Run again when the contexts are read (the root asked for them on opening).
            palette.waiting = true;
            palette.note = Some(format!("reading docker contexts for `{name}`…"));
            state.overlay = Overlay::Palette(palette);
            Then::Nothing
        }
        Target::Address(addr) => Then::Host(addr),
        Target::Run(image) => {
            if state.readonly {
                state.set_status(
                    StatusKind::Error,
                    "read-only: `run` changes the engine (started with --readonly or ui.readonly)",
                );
            } else {
                state.overlay = Overlay::RunForm {
                    form: Box::new(super::runform::RunForm::for_image(&image)),
                    field: 1,
                    purpose: super::recreate::FormPurpose::Run,
                };
            }
            Then::Nothing
        }
    }
}

/// The contexts were read: a `ctx NAME` waiting for them runs now, or says it is not one.
pub fn engines_read(state: &mut State, out: &mut Vec<Cmd>) -> Then {
    let Overlay::Palette(p) = &mut state.overlay else {
        return Then::Nothing;
    };
    if !std::mem::take(&mut p.waiting) {
        return Then::Nothing;
    }
    let name = p
        .text
        .trim()
        .split_once(' ')
        .map(|(_, n)| n.trim().to_string());
    let known = name.as_ref().is_some_and(|n| {
        p.engines
            .iter()
            .flatten()
            .any(|e| e.name.eq_ignore_ascii_case(n))
    });
    if !known {
        p.note = Some(format!(
            "no docker context `{}` (docker context ls)",
            name.unwrap_or_default()
        ));
        return Then::Nothing;
    }
    p.sel = 0;
    run(state, out)
}

/// Show the containers view with `id` selected (shown even when stopped or filtered out).
fn select_container(state: &mut State, id: &str, out: &mut Vec<Cmd>) {
    super::router::switch(state, View::Containers, out);
    state.focus = Focus::List;
    if !state.rows.iter().any(|r| r == id) {
        state.show_all = true;
        state.filter.text.clear();
        state.filter.active = false;
        state.recompute_rows();
    }
    state.selected = Some(id.to_string());
    state.clamp_offset();
    super::containers::selection_changed(state, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures;
    use crate::app::msg::{ContainerAction, EngineChoice, Msg, Req};
    use crate::app::state::DetailTab;
    use crate::app::update;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn key(s: &mut State, code: KeyCode, out: &mut Vec<Cmd>) {
        update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)), out);
    }

    /// `:` then the text, as typed.
    fn type_in(s: &mut State, text: &str, out: &mut Vec<Cmd>) {
        key(s, KeyCode::Char(':'), out);
        for c in text.chars() {
            key(s, KeyCode::Char(c), out);
        }
    }

    fn shown(s: &State) -> Vec<Entry> {
        match &s.overlay {
            Overlay::Palette(p) => entries(s, p),
            other => panic!("no palette: {other:?}"),
        }
    }

    fn id_of(s: &State, name: &str) -> String {
        s.containers
            .values()
            .find(|c| c.name == name)
            .map(|c| c.id.clone())
            .expect("container")
    }

    #[test]
    fn colon_opens_it_with_every_action_of_the_screen_and_every_view() {
        let mut s = fixtures::state(120, 40);
        let mut out = Vec::new();
        key(&mut s, KeyCode::Char(':'), &mut out);
        assert!(matches!(s.overlay, Overlay::Palette(_)));
        assert!(
            out.iter()
                .any(|c| matches!(c, Cmd::Engine(Req::ListEngines)))
        );
        let list = shown(&s);
        let stop = list
            .iter()
            .find(|e| e.target == Target::Action(Context::Containers, Action::Stop))
            .expect("stop listed");
        assert_eq!(stop.label, "stop");
        assert_eq!(stop.key, "s");
        assert!(!stop.desc.is_empty());
        for v in View::ALL {
            assert!(list.iter().any(|e| e.target == Target::View(v)), "{v:?}");
        }
        // In another view, that view's actions.
        let mut s = fixtures::state(120, 40);
        crate::app::router::switch(&mut s, View::Images, &mut out);
        key(&mut s, KeyCode::Char(':'), &mut out);
        let list = shown(&s);
        assert!(
            list.iter()
                .any(|e| e.target == Target::Action(Context::Images, Action::Pull))
        );
        assert!(
            !list
                .iter()
                .any(|e| e.target == Target::Action(Context::Containers, Action::Stop))
        );
    }

    #[test]
    fn typing_filters_and_ranks_what_was_meant_first() {
        let mut s = fixtures::state(120, 40);
        let mut out = Vec::new();
        type_in(&mut s, "img", &mut out);
        assert_eq!(shown(&s)[0].target, Target::View(View::Images));
        let n = shown(&s).len();
        key(&mut s, KeyCode::Backspace, &mut out);
        key(&mut s, KeyCode::Backspace, &mut out);
        assert!(shown(&s).len() > n, "a shorter query matches more");
        let mut s = fixtures::state(120, 40);
        type_in(&mut s, "stop", &mut out);
        assert_eq!(
            shown(&s)[0].target,
            Target::Action(Context::Containers, Action::Stop)
        );
        // Containers by name, and a command's argument.
        let mut s = fixtures::state(120, 40);
        type_in(&mut s, "logs api", &mut out);
        let list = shown(&s);
        assert_eq!(list[0].label, "logs shop-api-1");
        assert!(list.iter().all(|e| e.label.starts_with("logs ")));
        let mut s = fixtures::state(120, 40);
        type_in(&mut s, "zzzqqq", &mut out);
        assert!(shown(&s).is_empty());
        key(&mut s, KeyCode::Enter, &mut out);
        match &s.overlay {
            Overlay::Palette(p) => {
                assert_eq!(p.note.as_deref(), Some("nothing matches `zzzqqq`"))
            }
            other => panic!("closed: {other:?}"),
        }
    }

    #[test]
    fn tab_moves_the_highlight_and_enter_runs_it() {
        let mut s = fixtures::state(120, 40);
        let mut out = Vec::new();
        type_in(&mut s, "volumes", &mut out);
        let second = shown(&s)[1].target.clone();
        key(&mut s, KeyCode::Tab, &mut out);
        key(&mut s, KeyCode::BackTab, &mut out);
        key(&mut s, KeyCode::Tab, &mut out);
        match &s.overlay {
            Overlay::Palette(p) => assert_eq!(p.sel, 1),
            other => panic!("{other:?}"),
        }
        assert_ne!(second, Target::View(View::Volumes));
        key(&mut s, KeyCode::Esc, &mut out);
        assert_eq!(s.overlay, Overlay::None);
        assert_eq!(s.view, View::Containers, "esc runs nothing");
    }

    #[test]
    fn enter_runs_views_actions_and_commands_on_a_named_container() {
        let mut out = Vec::new();
        let mut s = fixtures::state(120, 40);
        type_in(&mut s, "images", &mut out);
        key(&mut s, KeyCode::Enter, &mut out);
        assert_eq!((s.view, &s.overlay), (View::Images, &Overlay::None));

        // :logs NAME selects it and opens its logs.
        let mut s = fixtures::state(120, 40);
        let api = id_of(&s, "shop-api-1");
        assert_ne!(s.selected.as_ref(), Some(&api));
        out.clear();
        type_in(&mut s, "logs shop-api-1", &mut out);
        key(&mut s, KeyCode::Enter, &mut out);
        assert_eq!(s.overlay, Overlay::None);
        assert_eq!(s.selected.as_ref(), Some(&api));
        assert_eq!((s.tab, s.focus), (DetailTab::Logs, Focus::Detail));
        assert!(
            out.iter().any(|c| matches!(c, Cmd::Engine(Req::Logs(_)))),
            "{out:?}"
        );

        // :stop NAME stops that one, not the selection.
        let mut s = fixtures::state(120, 40);
        let web = id_of(&s, "web");
        out.clear();
        type_in(&mut s, "stop web", &mut out);
        key(&mut s, KeyCode::Enter, &mut out);
        let stopped: Vec<&String> = out
            .iter()
            .filter_map(|c| match c {
                Cmd::Engine(Req::Container {
                    id,
                    action: ContainerAction::Stop,
                    ..
                }) => Some(id),
                _ => None,
            })
            .collect();
        assert_eq!(stopped, vec![&web]);

        // :run IMAGE opens the run form with it.
        let mut s = fixtures::state(120, 40);
        type_in(&mut s, "run busybox", &mut out);
        key(&mut s, KeyCode::Enter, &mut out);
        match &s.overlay {
            Overlay::RunForm { form, .. } => assert_eq!(form.image, "busybox"),
            other => panic!("{other:?}"),
        }

        // :q quits.
        let mut s = fixtures::state(120, 40);
        type_in(&mut s, "q", &mut out);
        key(&mut s, KeyCode::Enter, &mut out);
        assert!(s.quit);

        // `logs` alone completes to the command and waits for its container.
        let mut s = fixtures::state(120, 40);
        type_in(&mut s, "logs", &mut out);
        key(&mut s, KeyCode::Enter, &mut out);
        match &s.overlay {
            Overlay::Palette(p) => assert_eq!(p.text, "logs "),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ctx_switches_engine_like_the_picker_once_the_contexts_are_read() {
        let lab = EngineChoice {
            name: "prod".into(),
            addr: "tcp://prod:2376".into(),
            description: "production".into(),
        };
        // Typed and entered before the contexts arrive: it waits for them.
        let mut s = fixtures::state(120, 40);
        let mut out = Vec::new();
        type_in(&mut s, "ctx prod", &mut out);
        key(&mut s, KeyCode::Enter, &mut out);
        assert!(matches!(s.overlay, Overlay::Palette(_)));
        out.clear();
        update(&mut s, Msg::Engines(vec![lab.clone()]), &mut out);
        assert_eq!(s.overlay, Overlay::None);
        assert!(s.conn.addr().starts_with("tcp://prod:2376"), "{:?}", s.conn);
        assert!(s.palette_history.contains(&"ctx prod".to_string()));

        // Read first: completed from them.
        let mut s = fixtures::state(120, 40);
        key(&mut s, KeyCode::Char(':'), &mut out);
        update(&mut s, Msg::Engines(vec![lab.clone()]), &mut out);
        for c in "ctx pr".chars() {
            key(&mut s, KeyCode::Char(c), &mut out);
        }
        assert_eq!(shown(&s)[0].label, "ctx prod");
        key(&mut s, KeyCode::Enter, &mut out);
        assert!(s.conn.addr().starts_with("tcp://prod:2376"));

        // A name that is no context says so and stays.
        let mut s = fixtures::state(120, 40);
        type_in(&mut s, "ctx nope", &mut out);
        key(&mut s, KeyCode::Enter, &mut out);
        update(&mut s, Msg::Engines(vec![lab]), &mut out);
        match &s.overlay {
            Overlay::Palette(p) => {
                assert_eq!(
                    p.note.as_deref(),
                    Some("no docker context `nope` (docker context ls)")
                )
            }
            other => panic!("{other:?}"),
        }
        assert!(s.conn.addr().starts_with("unix://"));
    }

    #[test]
    fn up_and_down_recall_what_was_run() {
        let mut s = fixtures::state(120, 40);
        let mut out = Vec::new();
        for cmd in ["volumes", "networks"] {
            type_in(&mut s, cmd, &mut out);
            key(&mut s, KeyCode::Enter, &mut out);
        }
        assert_eq!(s.palette_history, vec!["volumes", "networks"]);
        type_in(&mut s, "ima", &mut out);
        let text = |s: &State| match &s.overlay {
            Overlay::Palette(p) => p.text.clone(),
            other => panic!("{other:?}"),
        };
        key(&mut s, KeyCode::Up, &mut out);
        assert_eq!(text(&s), "networks");
        key(&mut s, KeyCode::Up, &mut out);
        assert_eq!(text(&s), "volumes");
        key(&mut s, KeyCode::Down, &mut out);
        key(&mut s, KeyCode::Down, &mut out);
        assert_eq!(text(&s), "ima");
        key(&mut s, KeyCode::Up, &mut out);
        key(&mut s, KeyCode::Up, &mut out);
        key(&mut s, KeyCode::Enter, &mut out);
        assert_eq!(s.view, View::Volumes);
        assert_eq!(s.palette_history, vec!["networks", "volumes"]);
    }

    #[test]
    fn read_only_refuses_what_it_would_change() {
        let mut s = fixtures::state(120, 40);
        s.readonly = true;
        let mut out = Vec::new();
        type_in(&mut s, "stop web", &mut out);
        key(&mut s, KeyCode::Enter, &mut out);
        assert!(
            !out.iter()
                .any(|c| matches!(c, Cmd::Engine(r) if r.mutates()))
        );
        let said = s
            .status
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default();
        assert!(said.starts_with("read-only"), "{said}");
        type_in(&mut s, "run busybox", &mut out);
        key(&mut s, KeyCode::Enter, &mut out);
        assert_eq!(s.overlay, Overlay::None);
    }
}
