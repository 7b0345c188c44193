//! The containers view's own actions (the list, and the detail panes: logs, stats, inspect,
//! processes, shells) and what follows a change of the selected container. Pure: commands
//! out, no I/O.

use super::action::{Action, Handled};
use super::exec::ExecKind;
use super::logs::LogInputKind;
use super::model::CState;
use super::msg::{Cmd, ConnStatus, ContainerAction, Effect, LogWindow, Req};
use super::state::{Confirm, DetailTab, Focus, Overlay, PromptKind, SortKey, State, StatusKind};

/// Ask for `docker top` of the selection while the processes tab shows it: at once for a new
/// selection, then every few seconds while it runs. Nothing while the tab is hidden.
pub(crate) fn refresh_top(state: &mut State, out: &mut Vec<Cmd>) {
    let shown = state.tab == DetailTab::Top
        && state.view == crate::views::View::Containers
        && state.areas().detail.height > 0;
    if !shown || !matches!(state.conn, ConnStatus::Connected { .. }) {
        return;
    }
    let Some(c) = state.selected_container() else {
        return;
    };
    let id = c.id.clone();
    let live = c.state.is_live();
    let new = state.top.shown.as_ref().is_none_or(|(i, _)| *i != id);
    // A stopped container is asked once more, so its old processes do not linger.
    let stale = matches!(&state.top.shown, Some((_, Ok(p))) if !p.rows.is_empty());
    if (live || new || stale) && state.top.due(&id, state.now) {
        state.top.inflight = true;
        out.push(Cmd::Engine(Req::Top(id)));
    }
}

/// Send the stats watch set when it changed.
pub(crate) fn sync_watch(state: &mut State, out: &mut Vec<Cmd>) {
    if !matches!(state.conn, super::msg::ConnStatus::Connected { .. }) {
        return;
    }
    let wanted = state.wanted_stats();
    if wanted != state.watching {
        state.watching = wanted.clone();
        out.push(Cmd::Engine(Req::WatchStats(wanted)));
    }
}

/// Point the logs pane at the selection (closing the old stream).
pub(crate) fn open_logs_for_selection(state: &mut State, out: &mut Vec<Cmd>) {
    // A group row: its project's containers interleaved, as the projects view shows them.
    if let Some((host, project)) = state.selected_group().and_then(super::groups::parse) {
        let project = project.to_string();
        let sources = crate::views::projects::model::log_sources(
            state.containers.values().filter(|c| c.host == host),
            &project,
            None,
        );
        let same =
            state.logs.group.as_ref().is_some_and(|g| {
                g.project == project && g.service.is_none() && g.sources == sources
            });
        if !same {
            let group = super::logs::LogGroup {
                project,
                service: None,
                sources,
            };
            let req = state.logs.open_group(group, state.now);
            out.push(Cmd::Engine(Req::Logs(req)));
            state.dirty = true;
        }
        return;
    }
    let sel = state.selected_id();
    if state.logs.target == sel && sel.is_some() {
        return;
    }
    let req = state.logs.open(sel, state.now);
    out.push(Cmd::Engine(Req::Logs(req)));
    if state.tab == DetailTab::Inspect
        && let Some(id) = state.selected_id()
    {
        out.push(Cmd::Engine(Req::Inspect(id)));
    }
    state.dirty = true;
}

pub(crate) fn move_selection(state: &mut State, delta: i64) {
    if state.rows.is_empty() {
        return;
    }
    let len = state.rows.len() as i64;
    let cur = state.selected_index().map_or(0, |i| i as i64);
    let next = (cur + delta).clamp(0, len - 1) as usize;
    state.selected = state.rows.get(next).cloned();
    state.clamp_offset();
    state.dirty = true;
}

/// Lines of `text` containing `q` (lower case), in order.
pub fn inspect_matches(text: &str, q: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.to_lowercase().contains(q))
        .map(|(i, _)| i)
        .collect()
}

/// Put the next (or previous) line matching the inspect search at the top of the tab
/// (`here`: the top line itself counts). Whether a search is on; the status says when
/// nothing more matches.
pub(crate) fn inspect_jump(state: &mut State, forward: bool, here: bool) -> bool {
    let (Some(q), Some((_, text))) = (&state.inspect_search, &state.inspect) else {
        return false;
    };
    let lines = inspect_matches(text, q);
    let at = state.inspect_scroll;
    let found = if forward {
        lines
            .iter()
            .find(|l| **l > at || (here && **l == at))
            .copied()
    } else {
        lines.iter().rev().find(|l| **l < at).copied()
    };
    match found {
        Some(l) => {
            state.inspect_scroll = l;
            true
        }
        None => {
            let what = if lines.is_empty() {
                "no line matches"
            } else if forward {
                "no more matches below"
            } else {
                "no more matches above"
            };
            state.set_status(StatusKind::Info, what);
            true
        }
    }
}

/// The selection moved: point the detail tabs at it.
pub(crate) fn selection_changed(state: &mut State, out: &mut Vec<Cmd>) {
    after_selection_change(state, out);
}

pub(crate) fn after_selection_change(state: &mut State, out: &mut Vec<Cmd>) {
    refresh_top(state, out);
    super::files_tab::refresh(state, out);
    if state.tab == DetailTab::Stats
        && let Some(id) = state.selected_id()
        && state.limits.as_ref().map(|(i, _)| i) != Some(&id)
    {
        out.push(Cmd::Engine(Req::Limits(id)));
    }
    if state.logs.target != state.selected_id() || state.selected_group().is_some() {
        open_logs_for_selection(state, out);
    }
    if state.tab == DetailTab::Inspect
        && let Some(id) = state.selected_id()
        && state.inspect.as_ref().map(|(i, _)| i) != Some(&id)
    {
        state.inspect_scroll = 0;
        out.push(Cmd::Engine(Req::Inspect(id)));
    }
}

pub(crate) fn issue(
    state: &mut State,
    id: String,
    name: String,
    action: ContainerAction,
    out: &mut Vec<Cmd>,
) {
    let verb = action.progressive();
    if state.pending.is_empty() {
        // A new batch: what the last one finished is no longer news.
        state.done_batch.clear();
    }
    // Several at once (marked rows, a confirmed list): the status names them all.
    let text = match &state.status {
        Some(s)
            if s.kind == StatusKind::Progress
                && !state.pending.is_empty()
                && !state.pending.contains(&id)
                && s.text.starts_with(&format!("{verb} "))
                && s.text.ends_with('…') =>
        {
            format!("{}, {name}…", s.text.trim_end_matches('…'))
        }
        _ => format!("{verb} {name}…"),
    };
    state.pending.begin(&id, verb);
    state.set_status(StatusKind::Progress, text);
    out.push(Cmd::Engine(Req::Container { id, name, action }));
}

pub(crate) fn list_action(state: &mut State, action: Action, out: &mut Vec<Cmd>) -> Handled {
    let page = state.areas().list_rows().max(1) as i64;
    match action {
        Action::Down => move_selection(state, 1),
        Action::Up => move_selection(state, -1),
        Action::PageDown => move_selection(state, page),
        Action::PageUp => move_selection(state, -page),
        Action::Top => move_selection(state, i64::MIN / 2),
        Action::Bottom => move_selection(state, i64::MAX / 2),
        Action::Filter => {
            state.filter.active = true;
        }
        Action::Clear => {
            state.filter.text.clear();
            state.marked.clear();
            state.recompute_rows();
        }
        Action::SortNext => {
            let i = SortKey::ALL
                .iter()
                .position(|k| *k == state.sort)
                .unwrap_or(0);
            state.sort = SortKey::ALL[(i + 1) % SortKey::ALL.len()];
            state.recompute_rows();
        }
        Action::SortReverse => {
            state.sort_desc = !state.sort_desc;
            state.recompute_rows();
        }
        // On a group row: its containers, all marked or all unmarked.
        Action::Mark if state.selected_group().is_some() => {
            let members: Vec<String> = state
                .selected_group()
                .map(|k| state.group_members(k))
                .unwrap_or_default()
                .into_iter()
                .map(|c| c.id.clone())
                .collect();
            let all_marked = members.iter().all(|id| state.marked.contains(id));
            for id in members {
                if all_marked {
                    state.marked.remove(&id);
                } else {
                    state.marked.insert(id);
                }
            }
            move_selection(state, 1);
        }
        Action::GroupProjects => {
            state.group_projects = !state.group_projects;
            state.recompute_rows();
            let what = if state.group_projects {
                "grouped by compose project (enter on a group folds it)"
            } else {
                "not grouped"
            };
            state.set_status(StatusKind::Info, format!("containers {what}"));
        }
        // Enter on a group row folds or unfolds it.
        Action::Open if state.selected_group().is_some() => {
            if let Some(k) = state.selected_group().map(str::to_string)
                && !state.collapsed.remove(&k)
            {
                state.collapsed.insert(k);
            }
            state.recompute_rows();
        }
        Action::Mark => {
            if let Some(id) = state.selected.clone() {
                if !state.marked.remove(&id) {
                    state.marked.insert(id);
                }
                move_selection(state, 1);
            }
        }
        // The marked containers' logs, interleaved by time, each line prefixed with its name.
        Action::LogsMarked => {
            let mut cs: Vec<&super::model::Container> = state
                .marked
                .iter()
                .filter_map(|id| state.containers.get(id))
                .collect();
            if cs.len() < 2 {
                state.set_status(
                    StatusKind::Info,
                    "mark two or more containers first (space): their logs are shown together",
                );
                return Handled::Redraw;
            }
            if cs.iter().any(|c| c.host != cs[0].host) {
                state.set_status(
                    StatusKind::Error,
                    "the marked containers are on several engines: mark those of one engine (/host:NAME)",
                );
                return Handled::Redraw;
            }
            cs.sort_by(|a, b| crate::views::list::natural_cmp(&a.name, &b.name));
            let sources = cs
                .iter()
                .map(|c| super::msg::LogSource {
                    id: c.id.clone(),
                    prefix: c.name.clone(),
                    live: c.state.is_live(),
                })
                .collect();
            let group = super::logs::LogGroup {
                project: String::new(),
                service: None,
                sources,
            };
            state.tab = DetailTab::Logs;
            state.focus = Focus::Detail;
            let req = state.logs.open_group(group, state.now);
            out.push(Cmd::Engine(Req::Logs(req)));
            return Handled::Redraw;
        }
        Action::MarkProject => {
            let group = state
                .selected_group()
                .and_then(super::groups::parse)
                .map(|(_, p)| p.to_string());
            let Some(project) = state
                .selected_container()
                .and_then(|c| c.project.clone())
                .or(group)
            else {
                state.set_status(StatusKind::Error, "not part of a compose project");
                return Handled::Redraw;
            };
            // Every container of the project, shown or not (`a` may hide stopped ones).
            let members: Vec<String> = state
                .containers
                .values()
                .filter(|c| c.project.as_deref() == Some(project.as_str()))
                .map(|c| c.id.clone())
                .collect();
            let all_marked = members.iter().all(|id| state.marked.contains(id));
            for id in &members {
                if all_marked {
                    state.marked.remove(id);
                } else {
                    state.marked.insert(id.clone());
                }
            }
            let what = if all_marked { "unmarked" } else { "marked" };
            state.set_status(
                StatusKind::Info,
                format!(
                    "{what} the {} containers of project {project}: actions apply to them",
                    members.len()
                ),
            );
        }
        Action::ToggleStats => {
            state.live_stats = !state.live_stats;
            if !state.live_stats {
                // Samples of rows no longer watched would only go stale on screen.
                let wanted = state.wanted_stats();
                state.stats.retain(|id, _| wanted.contains(id));
            }
            let what = if state.live_stats {
                "live CPU/MEM on"
            } else {
                "live CPU/MEM off: no engine calls while idle"
            };
            state.set_status(StatusKind::Info, what);
        }
        Action::ToggleAll => {
            state.show_all = !state.show_all;
            state.recompute_rows();
            let what = if state.show_all {
                "all containers"
            } else {
                "running containers only"
            };
            state.set_status(StatusKind::Info, format!("showing {what}"));
        }
        Action::Start | Action::Stop | Action::Restart | Action::Pause | Action::Kill => {
            let targets: Vec<(String, String, ContainerAction)> = state
                .targets()
                .into_iter()
                .map(|c| {
                    let a = match action {
                        Action::Start => ContainerAction::Start,
                        Action::Stop => ContainerAction::Stop,
                        Action::Restart => ContainerAction::Restart,
                        Action::Kill => ContainerAction::Kill,
                        _ => State::action_for_pause(c),
                    };
                    (c.id.clone(), c.name.clone(), a)
                })
                .collect();
            if targets.is_empty() {
                state.set_status(StatusKind::Error, "no container selected");
            }
            // Actions the user listed in `ui.confirm` ask first.
            if state.confirm.contains(&action) && !targets.is_empty() {
                state.overlay = Overlay::ConfirmAction { targets };
                return Handled::Redraw;
            }
            for (id, name, a) in targets {
                issue(state, id, name, a, out);
            }
            state.marked.clear();
        }
        Action::Remove => {
            let targets = state.targets();
            if targets.is_empty() {
                state.set_status(StatusKind::Error, "no container selected");
                return Handled::Redraw;
            }
            if !state.confirm.contains(&Action::Remove) {
                let remove = ContainerAction::Remove {
                    force: false,
                    volumes: false,
                };
                let targets: Vec<(String, String)> = targets
                    .into_iter()
                    .map(|c| (c.id.clone(), c.name.clone()))
                    .collect();
                for (id, name) in targets {
                    issue(state, id, name, remove, out);
                }
                state.marked.clear();
                return Handled::Redraw;
            }
            let any_running = targets.iter().any(|c| c.state.is_live());
            let targets = targets
                .into_iter()
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect();
            state.overlay = Overlay::Confirm(Confirm {
                targets,
                any_running,
                force: false,
                volumes: false,
            });
        }
        Action::Open | Action::TabLogs => {
            state.tab = DetailTab::Logs;
            if action == Action::Open {
                state.focus = Focus::Detail;
            }
        }
        Action::ExecShell | Action::Attach => {
            let Some(c) = state.selected_container() else {
                state.set_status(StatusKind::Error, "no container selected");
                return Handled::Redraw;
            };
            if c.state != CState::Running {
                let msg = format!("{} is {}: start it first", c.name, c.state.as_str());
                state.set_status(StatusKind::Error, msg);
                return Handled::Redraw;
            }
            let kind = if action == Action::Attach {
                ExecKind::Attach
            } else {
                ExecKind::Shell
            };
            let (id, name) = (c.id.clone(), c.name.clone());
            state.tab = DetailTab::Shells;
            state.focus = Focus::Detail;
            let (cols, rows) = state.shell_size();
            let cmd = state.exec.open(&id, &name, kind, None, cols, rows);
            out.push(Cmd::Engine(Req::Exec(cmd)));
        }
        Action::UpdateLimits | Action::ExecCommand | Action::ExecOnce | Action::ExecHandoff => {
            let Some(c) = state.selected_container() else {
                state.set_status(StatusKind::Error, "no container selected");
                return Handled::Redraw;
            };
            if action != Action::UpdateLimits && c.state != CState::Running {
                let msg = format!("{} is {}: start it first", c.name, c.state.as_str());
                state.set_status(StatusKind::Error, msg);
                return Handled::Redraw;
            }
            let (id, name) = (c.id.clone(), c.name.clone());
            let kind = match action {
                Action::UpdateLimits => PromptKind::Update { id, name },
                Action::ExecCommand => PromptKind::ExecCommand { id, name },
                Action::ExecOnce => PromptKind::ExecOnce { id, name },
                _ => {
                    let host = state
                        .containers
                        .get(&id)
                        .map_or(state.engine.id, |c| c.host);
                    let addr = state
                        .fleet
                        .host(host)
                        .map_or_else(|| state.conn.addr().to_string(), |h| h.spec.addr.clone());
                    out.push(Cmd::Effect(Effect::Handoff {
                        addr,
                        id,
                        name,
                        user: None,
                        cmd: Vec::new(),
                    }));
                    return Handled::Redraw;
                }
            };
            state.overlay = Overlay::Prompt {
                kind,
                text: String::new(),
            };
        }
        Action::Commit => {
            if let Some(c) = state.selected_container() {
                let (id, name) = (c.id.clone(), c.name.clone());
                state.overlay = Overlay::Prompt {
                    kind: PromptKind::Commit { id, name },
                    text: String::new(),
                };
            }
        }
        Action::TabFiles => super::files_tab::show(state, out),
        Action::Rename => super::files_tab::ask_rename(state),
        Action::UpdateImage => {
            let targets = state
                .targets()
                .into_iter()
                .map(|c| super::recreate::Target {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    image: c.image.clone(),
                })
                .collect();
            return super::recreate_flow::ask_update(state, targets);
        }
        Action::RecreateForm | Action::Duplicate => {
            let Some(c) = state.selected_container() else {
                state.set_status(StatusKind::Error, "no container selected");
                return Handled::Redraw;
            };
            let (id, name) = (c.id.clone(), c.name.clone());
            state.set_status(
                StatusKind::Progress,
                format!("reading the configuration of {name}…"),
            );
            let purpose = if action == Action::Duplicate {
                super::recreate::FormPurpose::Duplicate {
                    id: id.clone(),
                    name,
                }
            } else {
                super::recreate::FormPurpose::Replace {
                    id: id.clone(),
                    name,
                }
            };
            out.push(Cmd::Engine(Req::ContainerForm { id, purpose }));
        }
        Action::TabShells => {
            state.tab = DetailTab::Shells;
        }
        Action::TabStats => {
            state.tab = DetailTab::Stats;
            if let Some(id) = state.selected_id() {
                out.push(Cmd::Engine(Req::Limits(id)));
            }
        }
        Action::TabTop => {
            state.tab = DetailTab::Top;
            state.inspect_scroll = 0;
            refresh_top(state, out);
        }
        Action::TabInspect => {
            state.tab = DetailTab::Inspect;
            state.inspect = None;
            state.inspect_scroll = 0;
            if let Some(id) = state.selected_id() {
                out.push(Cmd::Engine(Req::Inspect(id)));
            }
        }
        _ => return Handled::No,
    }
    after_selection_change(state, out);
    Handled::Redraw
}

pub(crate) fn detail_action(state: &mut State, action: Action, out: &mut Vec<Cmd>) -> Handled {
    if state.tab == DetailTab::Files {
        return super::files_tab::action(state, action, out);
    }
    if state.tab == DetailTab::Shells {
        let exec = &mut state.exec;
        match action {
            Action::NextSession => exec.next(),
            Action::ScrollUp => exec.scroll_up(5),
            Action::ScrollDown => exec.scroll_down(5),
            Action::PrevSession => exec.prev(),
            Action::Enter => exec.typing = !exec.is_empty(),
            Action::Zoom => exec.zoom = !exec.zoom,
            Action::Close => {
                if let Some(cmd) = exec.close_active() {
                    out.push(Cmd::Engine(Req::Exec(cmd)));
                }
            }
            Action::Restart => {
                if let Some(cmd) = exec.restart_active() {
                    out.push(Cmd::Engine(Req::Exec(cmd)));
                }
            }
            Action::Clear => {
                exec.zoom = false;
                state.focus = Focus::List;
            }
            // Leaving a shell that is not being typed into: nothing to do.
            Action::Leave => return Handled::Quiet,
            _ => return Handled::No,
        }
        return Handled::Redraw;
    }
    if state.tab == DetailTab::Inspect {
        let handled = match action {
            Action::Search => {
                state.inspect_input = Some(String::new());
                true
            }
            Action::NextMatch | Action::PrevMatch => {
                let forward = action == Action::NextMatch;
                if !inspect_jump(state, forward, false) {
                    let msg = match (&state.inspect_search, forward) {
                        (None, _) => "search first: /",
                        (Some(_), true) => "no more matches below",
                        (Some(_), false) => "no more matches above",
                    };
                    state.set_status(StatusKind::Info, msg);
                }
                true
            }
            Action::Clear if state.inspect_search.is_some() => {
                state.inspect_search = None;
                true
            }
            Action::RawJson | Action::Reveal => {
                super::inspect_tab::toggle(state, action == Action::RawJson);
                true
            }
            _ => false,
        };
        if handled {
            return Handled::Redraw;
        }
    }
    if state.tab != DetailTab::Logs {
        let page = state.areas().detail_rows().max(1);
        // How far the tab's text can scroll: no further than its last page.
        let len = match state.tab {
            DetailTab::Inspect => state.inspect.as_ref().map_or(0, |(_, t)| t.lines().count()),
            // The processes table has a header line.
            DetailTab::Top => match &state.top.shown {
                Some((_, Ok(p))) => p.rows.len() + 1,
                _ => 0,
            },
            _ => 0,
        };
        let max = len.saturating_sub(page);
        let before = (state.inspect_scroll, state.focus);
        match action {
            Action::Down => state.inspect_scroll += 1,
            Action::Up => state.inspect_scroll = state.inspect_scroll.saturating_sub(1),
            Action::PageDown => state.inspect_scroll += page,
            Action::PageUp => state.inspect_scroll = state.inspect_scroll.saturating_sub(page),
            Action::Top => state.inspect_scroll = 0,
            Action::Bottom => state.inspect_scroll = max,
            Action::Clear => state.focus = Focus::List,
            // Filtering is the list's: it takes the focus back.
            Action::Filter => {
                state.focus = Focus::List;
                state.filter.active = true;
            }
            _ => return Handled::No,
        }
        state.inspect_scroll = state.inspect_scroll.min(max);
        return if (state.inspect_scroll, state.focus) != before {
            Handled::Redraw
        } else {
            Handled::Quiet
        };
    }
    let page = state.areas().detail_rows().max(1) as i64;
    let logs = &mut state.logs;
    match action {
        Action::Down => logs.scroll(1),
        Action::Up => logs.scroll(-1),
        Action::PageDown => logs.scroll(page),
        Action::PageUp => logs.scroll(-page),
        Action::Top => logs.to_top(page as usize),
        Action::Bottom => logs.to_bottom(),
        Action::ScrollLeft => logs.hscroll = logs.hscroll.saturating_sub(8),
        Action::ScrollRight => {
            if !logs.wrap {
                logs.hscroll += 8;
            }
        }
        Action::Search => logs.input = Some((LogInputKind::Search, String::new())),
        Action::Grep => logs.input = Some((LogInputKind::Grep, String::new())),
        Action::NextMatch => {
            if !logs.jump_match(true, page as usize) {
                state.set_status(StatusKind::Info, "no more matches below");
            }
        }
        Action::PrevMatch => {
            if !logs.jump_match(false, page as usize) {
                state.set_status(StatusKind::Info, "no more matches above");
            }
        }
        Action::Clear if logs.mark.is_some() => logs.mark = None,
        Action::Clear => {
            if logs.query.is_some() {
                logs.clear_query();
                logs.follow = true;
            } else {
                logs.zoom = false;
                state.focus = Focus::List;
            }
        }
        Action::Follow => {
            if logs.follow {
                logs.anchor = logs.bottom_seq().unwrap_or(0);
                logs.follow = false;
            } else {
                logs.follow = true;
            }
        }
        Action::Timestamps => logs.timestamps = !logs.timestamps,
        Action::Wrap => {
            logs.wrap = !logs.wrap;
            logs.hscroll = 0;
        }
        Action::Zoom => logs.zoom = !logs.zoom,
        Action::SinceTail
        | Action::Since1m
        | Action::Since5m
        | Action::Since15m
        | Action::Since1h
        | Action::SinceAll => {
            logs.window = match action {
                Action::Since1m => LogWindow::Since(60),
                Action::Since5m => LogWindow::Since(300),
                Action::Since15m => LogWindow::Since(900),
                Action::Since1h => LogWindow::Since(3600),
                Action::SinceAll => LogWindow::All,
                _ => LogWindow::Tail(logs.tail),
            };
            let req = logs.reopen(state.now);
            out.push(Cmd::Engine(Req::Logs(req)));
        }
        Action::Save => {
            let name = state
                .selected_container()
                .map_or_else(|| "logs".to_string(), |c| c.name.clone());
            let path = format!("dockside-{}-{}.log", sanitize_file(&name), state.now);
            let mut contents = String::new();
            for (_, l) in state.logs.buf.iter() {
                if state.logs.shown(l) {
                    contents.push_str(&l.body.text);
                    contents.push('\n');
                }
            }
            out.push(Cmd::Effect(Effect::SaveFile { path, contents }));
        }
        Action::SaveAll => {
            let Some(c) = state
                .logs
                .target
                .as_ref()
                .and_then(|t| state.containers.get(t))
            else {
                state.set_status(StatusKind::Error, "no container selected");
                return Handled::Redraw;
            };
            let path = format!("dockside-{}-{}-full.log", sanitize_file(&c.name), state.now);
            let id = c.id.clone();
            state.set_status(
                StatusKind::Progress,
                format!("Saving the whole log of {}…", c.name),
            );
            out.push(Cmd::Engine(Req::SaveFullLog { id, path }));
        }
        Action::Select => {
            state.logs.toggle_mark();
            if state.logs.mark.is_some() {
                state.set_status(
                    StatusKind::Info,
                    "selecting lines: j/k extend, c copies, esc cancels",
                );
            }
        }
        Action::Copy if state.logs.mark.is_some() => {
            if let Some((text, lines, cut)) = state.logs.selected_text() {
                out.push(Cmd::Effect(Effect::Clipboard(text)));
                let more = if cut {
                    " (the first MiB of the selection)"
                } else {
                    ""
                };
                state.set_status(
                    StatusKind::Info,
                    format!("copied {lines} selected lines{more} (OSC 52)"),
                );
            }
            state.logs.mark = None;
        }
        Action::Copy => {
            let n = state.areas().detail_rows();
            let text: Vec<&str> = state
                .logs
                .visible_lines(n)
                .into_iter()
                .map(|(_, l)| l.body.text.as_str())
                .collect();
            let lines = text.len();
            out.push(Cmd::Effect(Effect::Clipboard(text.join("\n"))));
            state.set_status(StatusKind::Info, format!("copied {lines} lines (OSC 52)"));
        }
        _ => return Handled::No,
    }
    Handled::Redraw
}

pub(crate) fn sanitize_file(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
