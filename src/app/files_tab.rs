//! The files tab's actions: navigation, the viewer's search, downloads, uploads, changes.
//! Pure: requests out.

use super::action::{Action, Handled};
use super::files::{DEFAULT_DOWNLOAD_DIR, EntryKind, FilesReq, FilesView, join, normalize, parent};
use super::msg::{Cmd, Req};
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
    let sel = state.selected.clone();
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
