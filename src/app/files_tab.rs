//! The files tab's actions: navigation, the viewer's search, downloads, uploads, changes.
//! Pure: requests out.

use super::action::{Action, Handled};
use super::files::{
    DEFAULT_DOWNLOAD_DIR, EditOutcome, EntryKind, FilesMsg, FilesReq, FilesView, MAX_EDIT,
    MAX_EDIT_LABEL, join, normalize, parent,
};
use super::msg::{Cmd, ContainerAction, Effect, Req};
use super::overlay::{Overlay, PromptKind, StatusKind};
use super::state::{DetailTab, Focus, State};

fn req(out: &mut Vec<Cmd>, r: FilesReq) {
    out.push(Cmd::Engine(Req::Files(r)));
}

/// Open `path` of the selected container.
fn open_dir(state: &mut State, path: String, out: &mut Vec<Cmd>) {
    let Some(id) = state.files.id.clone() else {
        return;
    };
    state.files.path = path.clone();
    state.files.listing = None;
    state.files.cursor = 0;
    state.files.offset = 0;
    state.files.show_changes = false;
    req(out, FilesReq::List { id, path });
}

/// The tab is shown, or the selection moved while it is: list `/` of the selection when it is
/// not the one listed.
pub(crate) fn refresh(state: &mut State, out: &mut Vec<Cmd>) {
    if state.tab != DetailTab::Files || state.view != crate::views::View::Containers {
        return;
    }
    let sel = state.selected_id();
    if sel.is_none() || state.files.id == sel {
        return;
    }
    state.files = FilesView {
        id: sel,
        ..FilesView::default()
    };
    open_dir(state, "/".to_string(), out);
}

/// `F`: show the tab.
pub(crate) fn show(state: &mut State, out: &mut Vec<Cmd>) {
    state.tab = DetailTab::Files;
    state.focus = Focus::Detail;
    refresh(state, out);
    state.dirty = true;
}

/// A key typed into the viewer's search.
pub(crate) fn on_input(state: &mut State, text: String, finished: Option<bool>) {
    match finished {
        Some(true) => {
            let q = text.trim().to_lowercase();
            state.files.search = (!q.is_empty()).then_some(q);
            jump(state, true, true);
        }
        Some(false) => {}
        None => state.files.input = Some(text),
    }
    state.dirty = true;
}

fn jump(state: &mut State, forward: bool, here: bool) {
    let lines = state.files.matches();
    let at = state.files.scroll;
    let found = if forward {
        lines.iter().find(|l| **l > at || (here && **l == at))
    } else {
        lines.iter().rev().find(|l| **l < at)
    };
    match found {
        Some(l) => state.files.scroll = *l,
        None if state.files.search.is_none() => {
            state.set_status(StatusKind::Info, "search first: /")
        }
        None => state.set_status(StatusKind::Info, "no more matches"),
    }
}

/// An action of the `files` group (the tab has the focus).
pub(crate) fn action(state: &mut State, action: Action, out: &mut Vec<Cmd>) -> Handled {
    let page = state.areas().detail_rows().saturating_sub(2).max(1);
    if state.files.viewer.is_some() {
        let len = match &state.files.viewer {
            Some(Ok(c)) => c.lines().len(),
            _ => 0,
        };
        let max = len.saturating_sub(page);
        let f = &mut state.files;
        match action {
            Action::Down => f.scroll += 1,
            Action::Up => f.scroll = f.scroll.saturating_sub(1),
            Action::PageDown => f.scroll += page,
            Action::PageUp => f.scroll = f.scroll.saturating_sub(page),
            Action::Top => f.scroll = 0,
            Action::Bottom => f.scroll = max,
            Action::Search => f.input = Some(String::new()),
            Action::NextMatch => jump(state, true, false),
            Action::PrevMatch => jump(state, false, false),
            Action::Clear if f.search.is_some() => f.search = None,
            Action::Clear | Action::Parent => {
                f.viewer = None;
                f.search = None;
            }
            _ => return list_action(state, action, out),
        }
        let f = &mut state.files;
        f.scroll = f.scroll.min(max);
        return Handled::Redraw;
    }
    list_action(state, action, out)
}

fn list_action(state: &mut State, action: Action, out: &mut Vec<Cmd>) -> Handled {
    let page = state.areas().detail_rows().saturating_sub(2).max(1);
    let len = state.files.len();
    let cname = state.selected_container().map(|c| c.name.clone());
    let f = &mut state.files;
    match action {
        Action::Down => f.cursor = (f.cursor + 1).min(len.saturating_sub(1)),
        Action::Up => f.cursor = f.cursor.saturating_sub(1),
        Action::PageDown => f.cursor = (f.cursor + page).min(len.saturating_sub(1)),
        Action::PageUp => f.cursor = f.cursor.saturating_sub(page),
        Action::Top => f.cursor = 0,
        Action::Bottom => f.cursor = len.saturating_sub(1),
        Action::Enter if f.show_changes => {
            let Some(Ok(changes)) = &f.changes else {
                return Handled::Quiet;
            };
            let Some(c) = changes.get(f.cursor) else {
                return Handled::Quiet;
            };
            let path = c.path.clone();
            if c.kind == 'D' {
                let dir = parent(&path);
                state.set_status(
                    StatusKind::Info,
                    format!("{path} was deleted: showing {dir}"),
                );
                open_dir(state, dir, out);
            } else {
                // A changed directory opens; a file opens in its directory and the viewer.
                open_dir(state, parent(&path), out);
                if let Some(id) = state.files.id.clone() {
                    req(out, FilesReq::Read { id, path });
                    state.files.viewer = None;
                }
            }
        }
        Action::Enter => {
            let Some(e) = f.selected().cloned() else {
                return Handled::Quiet;
            };
            let path = join(&f.path, &e.name);
            match e.kind {
                EntryKind::Dir => open_dir(state, path, out),
                EntryKind::Symlink => {
                    let target = e.link.clone().unwrap_or_default();
                    let to = if target.starts_with('/') {
                        normalize(&target)
                    } else {
                        normalize(&join(&state.files.path, &target))
                    };
                    // Where it points is listed; a file there fails to list and says so.
                    open_dir(state, to, out);
                }
                EntryKind::File => {
                    let Some(id) = f.id.clone() else {
                        return Handled::Quiet;
                    };
                    req(out, FilesReq::Read { id, path });
                    state.files.viewer = None;
                    state.set_status(StatusKind::Progress, "reading…");
                }
                EntryKind::Other => {
                    state.set_status(StatusKind::Info, "not a file or a directory");
                }
            }
        }
        Action::Parent => {
            if f.show_changes {
                f.show_changes = false;
            } else if f.path != "/" {
                let up = parent(&f.path);
                let came_from = f.path.rsplit('/').next().unwrap_or_default().to_string();
                open_dir(state, up, out);
                state.files.pending_cursor(came_from);
            }
        }
        Action::Changes => {
            f.show_changes = !f.show_changes;
            f.cursor = 0;
            if f.show_changes
                && let Some(id) = f.id.clone()
            {
                f.changes = None;
                req(out, FilesReq::Changes(id));
            }
        }
        Action::Download => {
            let (Some(id), Some(name)) = (f.id.clone(), cname) else {
                return Handled::Quiet;
            };
            let path = if f.show_changes {
                match &f.changes {
                    Some(Ok(ch)) => match ch.get(f.cursor) {
                        Some(c) => c.path.clone(),
                        None => return Handled::Quiet,
                    },
                    _ => return Handled::Quiet,
                }
            } else {
                match f.selected() {
                    Some(e) => join(&f.path, &e.name),
                    None => f.path.clone(),
                }
            };
            state.overlay = Overlay::Prompt {
                kind: PromptKind::Download { id, name, path },
                text: DEFAULT_DOWNLOAD_DIR.to_string(),
            };
        }
        Action::Upload => {
            let (Some(id), Some(name)) = (f.id.clone(), cname) else {
                return Handled::Quiet;
            };
            let dir = f.path.clone();
            state.overlay = Overlay::Prompt {
                kind: PromptKind::Upload { id, name, dir },
                text: String::new(),
            };
        }
        Action::Export => {
            let (Some(id), Some(name)) = (f.id.clone(), cname) else {
                return Handled::Quiet;
            };
            let file = format!(
                "{DEFAULT_DOWNLOAD_DIR}/{}.tar",
                name.replace(
                    |c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_',
                    "_"
                )
            );
            state.overlay = Overlay::Prompt {
                kind: PromptKind::Export { id, name },
                text: file,
            };
        }
        Action::EditFile => return edit(state, out),
        Action::Search => state.set_status(StatusKind::Info, "open a file first (enter)"),
        Action::NextMatch | Action::PrevMatch => {
            state.set_status(StatusKind::Info, "open a file first (enter)")
        }
        Action::Clear => state.focus = Focus::List,
        Action::Filter => {
            state.focus = Focus::List;
            state.filter.active = true;
        }
        _ => return Handled::No,
    }
    Handled::Redraw
}

/// A submitted download or upload prompt.
pub(crate) fn submit(kind: PromptKind, text: &str, out: &mut Vec<Cmd>) -> Result<String, String> {
    let text = text.trim().to_string();
    match kind {
        PromptKind::Download { id, name, path } => {
            if text.is_empty() {
                return Err("download: a directory on this host, please".into());
            }
            let msg = format!("downloading {name}:{path} to {text}…");
            req(
                out,
                FilesReq::Download {
                    id,
                    name,
                    path,
                    dir: text,
                },
            );
            Ok(msg)
        }
        PromptKind::Upload { id, name, dir } => {
            if text.is_empty() {
                return Err("upload: a file or directory on this host, please".into());
            }
            let msg = format!("uploading {text} to {name}:{dir}…");
            req(
                out,
                FilesReq::Upload {
                    id,
                    name,
                    src: text,
                    dir,
                },
            );
            Ok(msg)
        }
        PromptKind::Export { id, name } => {
            if text.is_empty() {
                return Err("export: a file on this host, please".into());
            }
            let msg = format!("exporting {name} to {text}…");
            req(
                out,
                FilesReq::Export {
                    id,
                    name,
                    dest: text,
                },
            );
            Ok(msg)
        }
        PromptKind::Rename { id, name } => {
            let ok = !text.is_empty()
                && text
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
                && text.starts_with(|c: char| c.is_ascii_alphanumeric());
            if !ok {
                return Err(format!(
                    "rename: `{text}` is not a container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)"
                ));
            }
            let msg = format!("renaming {name} to {text}…");
            out.push(Cmd::Engine(Req::Rename { id, name, to: text }));
            Ok(msg)
        }
        _ => Err("not a files prompt".into()),
    }
}

/// `R` on the list: ask the new name of the selection.
pub(crate) fn ask_rename(state: &mut State) {
    let Some(c) = state.selected_container() else {
        state.set_status(StatusKind::Error, "no container selected");
        return;
    };
    let (id, name) = (c.id.clone(), c.name.clone());
    state.overlay = Overlay::Prompt {
        kind: PromptKind::Rename {
            id,
            name: name.clone(),
        },
        text: name,
    };
    state.dirty = true;
}

/// The file `e` edits: the one shown, else the change or the entry under the cursor.
fn edit_target(f: &FilesView) -> Result<String, String> {
    if let Some(Ok(c)) = &f.viewer {
        return Ok(c.path.clone());
    }
    if f.show_changes {
        return match &f.changes {
            Some(Ok(ch)) => match ch.get(f.cursor) {
                Some(c) if c.kind == 'D' => Err(format!("{} was deleted: nothing to edit", c.path)),
                Some(c) => Ok(c.path.clone()),
                None => Err("no change selected".into()),
            },
            _ => Err("no change selected".into()),
        };
    }
    let Some(e) = f.selected() else {
        return Err("no file selected".into());
    };
    let path = join(&f.path, &e.name);
    match e.kind {
        EntryKind::File if e.size > MAX_EDIT => Err(format!(
            "{path} is {}: too large to edit here (at most {MAX_EDIT_LABEL})",
            super::resources::human_size(e.size),
        )),
        EntryKind::File => Ok(path),
        EntryKind::Dir => Err(format!("{path} is a directory: choose a file to edit")),
        EntryKind::Symlink => Err(format!(
            "{path} is a link to {}: edit that file",
            e.link.clone().unwrap_or_default()
        )),
        EntryKind::Other => Err(format!("{path} is not a regular file")),
    }
}

/// `e`: fetch the file for `$EDITOR` (the rest follows from the answers, in [`on_msg`]).
fn edit(state: &mut State, out: &mut Vec<Cmd>) -> Handled {
    let (Some(id), Some(name)) = (
        state.files.id.clone(),
        state.selected_container().map(|c| c.name.clone()),
    ) else {
        return Handled::Quiet;
    };
    match edit_target(&state.files) {
        Ok(path) => {
            state.set_status(
                StatusKind::Progress,
                format!("fetching {name}:{path} for the editor…"),
            );
            req(out, FilesReq::Fetch { id, name, path });
        }
        Err(e) => state.set_status(StatusKind::Error, e),
    }
    Handled::Redraw
}

/// List the directory shown again, the cursor kept on its entry (after a write).
fn relist(state: &mut State, out: &mut Vec<Cmd>) {
    let Some(id) = state.files.id.clone() else {
        return;
    };
    if let Some(e) = state.files.selected() {
        let name = e.name.clone();
        state.files.pending_cursor(name);
    }
    let path = state.files.path.clone();
    req(out, FilesReq::List { id, path });
}

/// An answer for the files tab. The editing round trip goes on from here: a fetched file
/// goes to the editor (runtime), an edited one back to the engine, a written one offers a
/// restart of its container.
pub(crate) fn on_msg(state: &mut State, msg: FilesMsg, out: &mut Vec<Cmd>) {
    use super::files::Notice;
    match msg {
        FilesMsg::Fetched { result, .. } => match result {
            Ok(file) => {
                state.set_status(
                    StatusKind::Progress,
                    format!("editing {}:{}…", file.name, file.path),
                );
                out.push(Cmd::Effect(Effect::EditFile(file)));
            }
            Err(e) => state.set_status(StatusKind::Error, e),
        },
        FilesMsg::Edited { file, outcome } => match outcome {
            EditOutcome::Unchanged => state.set_status(
                StatusKind::Info,
                format!("{}:{} unchanged: nothing written", file.name, file.path),
            ),
            EditOutcome::Failed(e) => state.set_status(StatusKind::Error, e),
            EditOutcome::Changed(size) => {
                state.set_status(
                    StatusKind::Progress,
                    format!(
                        "writing {}:{} ({})…",
                        file.name,
                        file.path,
                        super::resources::human_size(size)
                    ),
                );
                req(out, FilesReq::PutBack(file));
            }
        },
        FilesMsg::Written {
            id,
            name,
            path,
            result,
        } => match result {
            Ok(line) => {
                if state.files.id.as_deref() == Some(id.as_str()) {
                    if state.files.path == parent(&path) && !state.files.show_changes {
                        relist(state, out);
                    }
                    if matches!(&state.files.viewer, Some(Ok(c)) if c.path == path) {
                        req(
                            out,
                            FilesReq::Read {
                                id: id.clone(),
                                path: path.clone(),
                            },
                        );
                    }
                }
                let running = state
                    .containers
                    .get(&id)
                    .is_some_and(|c| c.state == super::model::CState::Running);
                if running && state.overlay == Overlay::None {
                    state.overlay = Overlay::Ask {
                        question: format!("{line}. Restart {name} so that it reads the change?"),
                        yes: Req::Container {
                            id,
                            name,
                            action: ContainerAction::Restart,
                        },
                        force: None,
                    };
                }
                state.set_status(StatusKind::Info, line);
            }
            Err(e) => state.set_status(StatusKind::Error, e),
        },
        other => match state.files.on_msg(other) {
            Some(Notice::Progress(t)) => state.set_status(StatusKind::Progress, t),
            Some(Notice::Done(Ok(t))) => state.set_status(StatusKind::Info, t),
            Some(Notice::Done(Err(e))) => state.set_status(StatusKind::Error, e),
            None => {}
        },
    }
    state.dirty = true;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::files::{EditFile, Entry, Listing};
    use crate::app::fixtures;
    use crate::app::msg::Msg;
    use crate::scratch::Scratch;

    fn entry(name: &str, kind: EntryKind, size: u64) -> Entry {
        Entry {
            name: name.into(),
            kind,
            size,
            mode: 0o644,
            owner: "root:root".into(),
            mtime: 0,
            link: (kind == EntryKind::Symlink).then(|| "/etc/real.conf".into()),
        }
    }

    /// The files tab on the selected (running) container, `/etc` listed.
    fn at_etc() -> (State, String) {
        let mut s = fixtures::state(120, 40);
        let mut out = Vec::new();
        show(&mut s, &mut out);
        let id = s.selected.clone().expect("a selection");
        s.files.path = "/etc".into();
        let listing = Listing::new(vec![
            entry("nginx", EntryKind::Dir, 0),
            entry("app.conf", EntryKind::File, 120),
            entry("big.log", EntryKind::File, 5_000_000),
            entry("link.conf", EntryKind::Symlink, 0),
        ]);
        crate::app::update(
            &mut s,
            Msg::Files(FilesMsg::Listed {
                id: id.clone(),
                path: "/etc".into(),
                result: Ok((listing, Vec::new())),
            }),
            &mut out,
        );
        (s, id)
    }

    fn press_e_on(s: &mut State, name: &str) -> Vec<Cmd> {
        s.files.cursor = s
            .files
            .listing
            .as_ref()
            .and_then(|l| l.as_ref().ok())
            .and_then(|l| l.entries.iter().position(|e| e.name == name))
            .expect("entry");
        let mut out = Vec::new();
        action(s, Action::EditFile, &mut out);
        out
    }

    fn status(s: &State) -> String {
        s.status
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default()
    }

    fn edit_file(id: &str, name: &str) -> Box<EditFile> {
        let scratch = Scratch::new("dockside-test-tab").expect("scratch");
        Box::new(EditFile {
            id: id.into(),
            name: name.into(),
            path: "/etc/app.conf".into(),
            local: scratch.path().join("app.conf"),
            scratch,
            size: 120,
            mode: 0o640,
            uid: 0,
            gid: 0,
            user: "root".into(),
            group: "root".into(),
        })
    }

    #[test]
    fn e_fetches_a_text_file_and_refuses_the_rest_with_a_line() {
        let (mut s, id) = at_etc();
        let name = s
            .selected_container()
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let out = press_e_on(&mut s, "app.conf");
        assert_eq!(
            out,
            vec![Cmd::Engine(Req::Files(FilesReq::Fetch {
                id,
                name,
                path: "/etc/app.conf".into()
            }))]
        );
        assert!(status(&s).starts_with("fetching"), "{}", status(&s));
        for (entry, said) in [
            ("nginx", "/etc/nginx is a directory: choose a file to edit"),
            (
                "big.log",
                "/etc/big.log is 5MB: too large to edit here (at most 1 MiB)",
            ),
            (
                "link.conf",
                "/etc/link.conf is a link to /etc/real.conf: edit that file",
            ),
        ] {
            let out = press_e_on(&mut s, entry);
            assert!(out.is_empty(), "{entry}: {out:?}");
            assert_eq!(status(&s), said);
        }
    }

    #[test]
    fn the_round_trip_edit_write_back_and_offer_a_restart() {
        let (mut s, id) = at_etc();
        let name = s
            .selected_container()
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let mut out = Vec::new();
        // Fetched: the editor opens (runtime).
        let file = edit_file(&id, &name);
        let dir = file.scratch.path().to_path_buf();
        on_msg(
            &mut s,
            FilesMsg::Fetched {
                id: id.clone(),
                path: "/etc/app.conf".into(),
                result: Ok(file.clone()),
            },
            &mut out,
        );
        assert_eq!(out, vec![Cmd::Effect(Effect::EditFile(file.clone()))]);
        // Unchanged: said, nothing sent.
        out.clear();
        on_msg(
            &mut s,
            FilesMsg::Edited {
                file: file.clone(),
                outcome: EditOutcome::Unchanged,
            },
            &mut out,
        );
        assert!(out.is_empty());
        assert_eq!(
            status(&s),
            format!("{name}:/etc/app.conf unchanged: nothing written")
        );
        // Changed: written back.
        on_msg(
            &mut s,
            FilesMsg::Edited {
                file: file.clone(),
                outcome: EditOutcome::Changed(130),
            },
            &mut out,
        );
        assert_eq!(
            out,
            vec![Cmd::Engine(Req::Files(FilesReq::PutBack(file.clone())))]
        );
        assert!(
            out.iter()
                .all(|c| matches!(c, Cmd::Engine(r) if r.mutates()))
        );
        // Written: the directory is listed again and a restart offered.
        out.clear();
        let line = format!("wrote {name}:/etc/app.conf (130 B, mode 0640, owner root:root)");
        on_msg(
            &mut s,
            FilesMsg::Written {
                id: id.clone(),
                name: name.clone(),
                path: "/etc/app.conf".into(),
                result: Ok(line.clone()),
            },
            &mut out,
        );
        assert_eq!(
            out,
            vec![Cmd::Engine(Req::Files(FilesReq::List {
                id: id.clone(),
                path: "/etc".into()
            }))]
        );
        assert_eq!(status(&s), line);
        match &s.overlay {
            Overlay::Ask { question, yes, .. } => {
                assert!(question.contains("Restart"), "{question}");
                assert_eq!(
                    *yes,
                    Req::Container {
                        id: id.clone(),
                        name: name.clone(),
                        action: ContainerAction::Restart
                    }
                );
            }
            other => panic!("no restart offered: {other:?}"),
        }
        // A failure is its line; the editor failing is too.
        s.overlay = Overlay::None;
        on_msg(
            &mut s,
            FilesMsg::Edited {
                file: file.clone(),
                outcome: EditOutcome::Failed("the editor `vi` failed".into()),
            },
            &mut out,
        );
        assert_eq!(status(&s), "the editor `vi` failed");
        drop(out);
        drop(file);
        assert!(!dir.exists(), "the scratch copy went with the last handle");
    }
}
