//! The pure update function: a message in, state changed, commands out. No I/O.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, Handled};
use super::exec::ExecKind;
use super::keymap::{Context, Key};
use super::logs::{LogInputKind, StreamState};
use super::model::CState;
use super::model::{parse_exec_line, parse_limit_update};
use super::msg::{Cmd, ConnStatus, ContainerAction, LogEventKind, LogWindow, Msg};
use super::state::{Confirm, DetailTab, Focus, Overlay, PromptKind, SortKey, State, StatusKind};

/// Apply one message. Commands for the outside world are pushed onto `out`.
pub fn update(state: &mut State, msg: Msg, out: &mut Vec<Cmd>) {
    if from_old_engine(state, &msg) {
        return;
    }
    match msg {
        Msg::Key(key) => on_key(state, key, out),
        Msg::Paste(text) => {
            if shell_typing(state) {
                if let Some(cmd) = state.exec.paste(&text) {
                    out.push(Cmd::Exec(cmd));
                }
            } else if state.filter.active {
                state.filter.text.push_str(&text.replace(['\n', '\r'], " "));
                state.recompute_rows();
            } else if let Overlay::RunForm { form, field } = &mut state.overlay {
                let f =
                    super::runform::Field::ALL[(*field).min(super::runform::Field::ALL.len() - 1)];
                if let Some(t) = form.text_mut(f) {
                    t.push_str(&text.replace(['\n', '\r'], " "));
                }
                state.dirty = true;
            } else if let Some((_, buf)) = state.logs.input.as_mut() {
                buf.push_str(&text.replace(['\n', '\r'], " "));
                state.dirty = true;
            }
        }
        Msg::Resize(w, h) => {
            state.width = w;
            state.height = h;
            state.clamp_offset();
            state.dirty = true;
        }
        Msg::Tick(now) => {
            state.now = now;
            refresh_top(state, out);
            let print = state.clock_fingerprint();
            if print != state.clock_print {
                state.dirty = true;
            }
        }
        Msg::Conn(c) => {
            // The outcome of a switch replaces its progress message.
            let switching = state
                .status
                .as_ref()
                .is_some_and(|m| m.text.starts_with("switching to "));
            if switching {
                match &c {
                    ConnStatus::Connected { addr, .. } => {
                        state.set_status(StatusKind::Info, format!("connected to {addr}"));
                    }
                    ConnStatus::Failed { .. } => state.status = None,
                    ConnStatus::Connecting { .. } => {}
                }
            }
            if matches!(c, ConnStatus::Failed { .. }) {
                // What was under way died with the connection: no answer will come.
                state.pending = Default::default();
                state.top.inflight = false;
            }
            state.conn = c;
            state.dirty = true;
        }
        Msg::Snapshot(list) => {
            // A new session: it has no stats watch yet, and a history request of the old one
            // died with it.
            state.watching.clear();
            state.top.inflight = false;
            {
                use super::events::History;
                let h = &mut state.views.events.history;
                if matches!(h, History::Loading | History::Failed(_)) {
                    *h = History::NotAsked;
                    if state.view == super::views::View::Events {
                        *h = History::Loading;
                        out.push(Cmd::EventHistory);
                    }
                }
            }
            if !state.views.events.is_empty() {
                let mark = super::events::EngineEvent::ours(
                    state.now,
                    "resync",
                    "engine reconnected: events in between are not shown".into(),
                );
                super::views_update::on_event(state, mark);
            }
            // A (re)connected engine: keep the lists of the views already opened fresh, and
            // ask again for those that could not be listed (no engine at the time).
            use super::views::{Kind, ResCmd};
            let v = &state.views;
            let mut again = Vec::new();
            for (loaded, kind) in [
                (v.images.is_some(), Kind::Images),
                (v.volumes.is_some(), Kind::Volumes),
                (v.networks.is_some(), Kind::Networks),
                (v.disk.is_some(), Kind::DiskUsage),
            ] {
                if loaded || v.error(kind).is_some() {
                    again.push(kind);
                    out.push(Cmd::Res(ResCmd::Watch(kind)));
                }
            }
            for kind in again {
                state.views.set_error(kind, None);
            }
            state.containers = list.into_iter().map(|c| (c.id.clone(), c)).collect();
            state.pending.retain(|id| state.containers.contains_key(id));
            // Samples of the previous session are stale (an engine restart stops what ran):
            // the header's totals are rebuilt from this session's samples only.
            state.stats.clear();
            state.recompute_rows();
            if state.logs.target.is_none()
                || !state
                    .logs
                    .target
                    .as_ref()
                    .is_some_and(|t| state.containers.contains_key(t))
            {
                open_logs_for_selection(state, out);
            }
        }
        Msg::Upsert(c) => {
            let id = c.id.clone();
            let was = state.containers.get(&id).map(|o| o.state);
            let now_running = c.state == CState::Running;
            let now_state = c.state;
            if c.state != CState::Running {
                state.stats.remove(&id);
            }
            state.containers.insert(id.clone(), c);
            let just_ran = state.views.select_when_listed.as_deref() == Some(id.as_str());
            if just_ran {
                state.views.select_when_listed = None;
                state.selected = Some(id.clone());
            }
            state.recompute_rows();
            if just_ran {
                open_logs_for_selection(state, out);
            }
            // Its processes changed with its state: ask now, not on the next refresh.
            let changed = was.is_some_and(|w| w != now_state);
            if changed && state.top.shown.as_ref().is_some_and(|(i, _)| *i == id) {
                state.top.invalidate();
                refresh_top(state, out);
            }
            // Follow the logs across a restart.
            if state.logs.target.as_deref() == Some(id.as_str())
                && now_running
                && was != Some(CState::Running)
                && matches!(state.logs.state, StreamState::Ended(_))
                && let Some(req) = state.logs.resume(state.now)
            {
                out.push(Cmd::Logs(Some(req)));
            }
            if state.logs.target.is_none() {
                open_logs_for_selection(state, out);
            }
        }
        Msg::Gone(id) => {
            state.exec.container_gone(&id);
            state.containers.remove(&id);
            state.stats.remove(&id);
            state.pending.forget(&id);
            state.recompute_rows();
            if state.logs.target.as_deref() == Some(id.as_str()) {
                state.logs.state = StreamState::Ended("container removed".into());
                state.dirty = true;
            }
        }
        Msg::ActionDone { id, what, result } => {
            state.pending.finish(&id);
            match result {
                Ok(()) => {
                    if state.pending.is_empty() {
                        state.set_status(StatusKind::Info, format!("done: {what}"));
                    }
                }
                Err(e) => state.set_status(StatusKind::Error, format!("{what}: {e}")),
            }
        }
        Msg::Logs(ev) => {
            if ev.generation != state.logs.generation {
                return;
            }
            match ev.kind {
                LogEventKind::Lines(lines) => state.logs.push_lines(lines),
                LogEventKind::Ended => {
                    let why = match state
                        .logs
                        .target
                        .as_ref()
                        .and_then(|t| state.containers.get(t))
                    {
                        Some(c) if !c.state.is_live() => {
                            format!("container {} — waiting for it to start", c.state.as_str())
                        }
                        Some(_) => "stream ended".to_string(),
                        None => "container removed".to_string(),
                    };
                    state.logs.state = StreamState::Ended(why);
                }
                LogEventKind::Error(e) => state.logs.state = StreamState::Error(e),
            }
            if state.tab == DetailTab::Logs {
                state.dirty = true;
            }
        }
        Msg::Stats { id, sample } => {
            let Some(c) = state.containers.get(&id) else {
                return;
            };
            if c.state != CState::Running {
                return;
            }
            // Redraw only when a number on screen changes.
            let row_before = state.row_stats_text(&id);
            let totals_before = state.totals_text();
            state
                .stats
                .entry(id.clone())
                .or_insert_with(|| super::stats::StatsHistory::new(super::state::STATS_HISTORY))
                .push(sample);
            let on_screen = state.visible_rows().contains(&id);
            let chart =
                state.tab == DetailTab::Stats && state.selected.as_deref() == Some(id.as_str());
            if matches!(state.sort, SortKey::Cpu | SortKey::Mem)
                && row_before != state.row_stats_text(&id)
            {
                state.recompute_rows();
            }
            if chart
                || (on_screen && row_before != state.row_stats_text(&id))
                || totals_before != state.totals_text()
            {
                state.dirty = true;
            }
        }
        Msg::Inspect { id, text } => {
            state.inspect = Some((id, text));
            state.dirty = true;
        }
        Msg::Top { id, result } => {
            if state.top.answer(id, result, state.now) && state.tab == DetailTab::Top {
                state.dirty = true;
            }
            // The selection may have moved while this was asked.
            refresh_top(state, out);
        }
        Msg::Exec(ev) => {
            let changed = state.exec.apply(ev);
            for reply in state.exec.take_replies() {
                out.push(Cmd::Exec(reply));
            }
            if changed && state.tab == DetailTab::Shells {
                state.dirty = true;
            }
        }
        Msg::Limits { id, limits } => {
            state.limits = Some((id, limits));
            state.dirty = true;
        }
        Msg::ExecOnceDone { title, result } => {
            let text = match result {
                Ok((output, code)) => {
                    let clean: Vec<String> = output
                        .lines()
                        .map(|l| super::sanitize::sanitize_line(l.as_bytes(), 4096).text)
                        .collect();
                    format!("{}\n— exit code {code} —", clean.join("\n"))
                }
                Err(e) => format!("could not run: {e}"),
            };
            state.overlay = Overlay::Output { title, text };
            state.dirty = true;
        }
        Msg::HandoffDone(r) => match r {
            Ok(t) => state.set_status(StatusKind::Info, t),
            Err(e) => state.set_status(StatusKind::Error, e),
        },
        Msg::Res(m) => super::views_update::on_msg(state, m),
        Msg::Event(e) => super::views_update::on_event(state, e),
        Msg::Mouse(ev) => super::mouse::on_mouse(state, ev, out),
        Msg::EventHistory(r) => {
            let p = state.areas().list_rows().max(1);
            let log = &mut state.views.events;
            log.history = match r {
                Ok(evs) => super::events::History::Loaded(log.backfill(evs, p)),
                Err(e) => super::events::History::Failed(e),
            };
            if state.view == super::views::View::Events {
                state.dirty = true;
            }
        }
        Msg::Engines(_) if state.overlay != Overlay::None => {}
        Msg::Engines(list) => {
            let sel = list
                .iter()
                .position(|e| state.conn.addr().starts_with(&e.addr))
                .unwrap_or(0);
            state.overlay = Overlay::Engines { list, sel };
            state.status = None;
            state.dirty = true;
        }
        Msg::Notice(r) => match r {
            Ok(t) => state.set_status(StatusKind::Info, t),
            Err(e) => state.set_status(StatusKind::Error, e),
        },
    }
    sync_watch(state, out);
    for cmd in state
        .exec
        .resize_all(state.shell_size().0, state.shell_size().1)
    {
        out.push(Cmd::Exec(cmd));
    }
}

/// Keys go to the embedded shell.
fn shell_typing(state: &State) -> bool {
    state.focus == Focus::Detail && state.tab == DetailTab::Shells && state.exec.typing
}

/// Ask for `docker top` of the selection while the processes tab shows it: at once for a new
/// selection, then every few seconds while it runs. Nothing while the tab is hidden.
fn refresh_top(state: &mut State, out: &mut Vec<Cmd>) {
    let shown = state.tab == DetailTab::Top
        && state.view == super::views::View::Containers
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
        out.push(Cmd::Top(id));
    }
}

/// Send the stats watch set when it changed.
fn sync_watch(state: &mut State, out: &mut Vec<Cmd>) {
    if !matches!(state.conn, super::msg::ConnStatus::Connected { .. }) {
        return;
    }
    let wanted = state.wanted_stats();
    if wanted != state.watching {
        state.watching = wanted.clone();
        out.push(Cmd::WatchStats(wanted));
    }
}

/// Point the logs pane at the selection (closing the old stream).
fn open_logs_for_selection(state: &mut State, out: &mut Vec<Cmd>) {
    let sel = state.selected.clone();
    if state.logs.target == sel && sel.is_some() {
        return;
    }
    let req = state.logs.open(sel, state.now);
    out.push(Cmd::Logs(req));
    if state.tab == DetailTab::Inspect
        && let Some(id) = state.selected.clone()
    {
        out.push(Cmd::Inspect(id));
    }
    state.dirty = true;
}

fn on_key(state: &mut State, ev: KeyEvent, out: &mut Vec<Cmd>) {
    let Some(key) = Key::from_event(&ev) else {
        return;
    };
    // A focused shell takes every key but the leave key.
    if shell_typing(state) && state.overlay == Overlay::None {
        if state.keymap.is(Context::Exec, &key, Action::Leave) {
            state.exec.typing = false;
            state.dirty = true;
        } else if let Some(cmd) = state.exec.key(&ev) {
            out.push(Cmd::Exec(cmd));
        }
        return;
    }
    // Overlays take keys first.
    match &mut state.overlay {
        Overlay::Help => {
            // Arrows and pages scroll a help taller than the screen; any other key closes it.
            let page = usize::from(state.height.saturating_sub(4)).max(1);
            let last = state.help_max_scroll();
            let s = state.help_scroll;
            state.help_scroll = match key.code {
                KeyCode::Down | KeyCode::Char('j') => (s + 1).min(last),
                KeyCode::Up | KeyCode::Char('k') => s.saturating_sub(1),
                KeyCode::PageDown | KeyCode::Char(' ') => (s + page).min(last),
                KeyCode::PageUp => s.saturating_sub(page),
                _ => {
                    state.overlay = Overlay::None;
                    s
                }
            };
            state.dirty = true;
            return;
        }
        Overlay::Confirm(c) => {
            match key.code {
                KeyCode::Char('y') | KeyCode::Enter => {
                    let c = c.clone();
                    state.overlay = Overlay::None;
                    let action = ContainerAction::Remove {
                        force: c.force,
                        volumes: c.volumes,
                    };
                    for (id, name) in c.targets {
                        issue(state, id, name, action, out);
                    }
                    state.marked.clear();
                }
                KeyCode::Char('v') => c.volumes = !c.volumes,
                KeyCode::Char('f') => c.force = !c.force,
                KeyCode::Char('n') | KeyCode::Esc => state.overlay = Overlay::None,
                _ => {}
            }
            state.dirty = true;
            return;
        }
        Overlay::Ask { yes, force, .. } => {
            let (yes, force) = (yes.clone(), force.clone());
            match key.code {
                KeyCode::Char('y') | KeyCode::Enter => {
                    state.overlay = Overlay::None;
                    out.push(yes);
                }
                KeyCode::Char('f') if force.is_some() => {
                    state.overlay = Overlay::None;
                    out.extend(force);
                }
                KeyCode::Char('n') | KeyCode::Esc => state.overlay = Overlay::None,
                _ => {}
            }
            state.dirty = true;
            return;
        }
        Overlay::RunForm { .. } => {
            super::views_update::form_key(state, &key, out);
            return;
        }
        Overlay::Output { .. } => {
            state.overlay = Overlay::None;
            state.dirty = true;
            return;
        }
        Overlay::Engines { list, sel } => {
            match key.code {
                KeyCode::Down | KeyCode::Char('j') => *sel = (*sel + 1).min(list.len()),
                KeyCode::Up | KeyCode::Char('k') => *sel = sel.saturating_sub(1),
                KeyCode::Enter => match list.get(*sel).cloned() {
                    Some(e) => {
                        state.overlay = Overlay::None;
                        let source = if e.name == "default" {
                            e.description.clone()
                        } else {
                            format!("docker context `{}`", e.name)
                        };
                        switch_engine(state, e.addr, source, out);
                    }
                    // The last row: another address.
                    None => {
                        state.overlay = Overlay::Prompt {
                            kind: PromptKind::Host,
                            text: String::new(),
                        }
                    }
                },
                KeyCode::Esc | KeyCode::Char('q') => state.overlay = Overlay::None,
                _ => {}
            }
            state.dirty = true;
            return;
        }
        Overlay::Prompt { kind, text } => {
            let mut finished = None;
            edit_line(text, &key, |done| finished = Some(done));
            let (kind, text) = (kind.clone(), text.clone());
            match finished {
                Some(true) => {
                    state.overlay = Overlay::None;
                    submit_prompt(state, kind, &text, out);
                }
                Some(false) => state.overlay = Overlay::None,
                None => {}
            }
            state.dirty = true;
            return;
        }
        Overlay::None => {}
    }
    // Text inputs.
    if state.filter.active {
        edit_line(&mut state.filter.text, &key, |done| {
            state.filter.active = !done;
        });
        if key.code == KeyCode::Esc {
            state.filter.text.clear();
        }
        if state.view != super::views::View::Containers {
            super::views_update::refilter(state);
            return;
        }
        state.recompute_rows();
        after_selection_change(state, out);
        return;
    }
    if let Some(mut text) = state.inspect_input.take() {
        let mut finished = None;
        edit_line(&mut text, &key, |done| finished = Some(done));
        match finished {
            Some(true) => {
                let q = text.trim().to_lowercase();
                state.inspect_search = (!q.is_empty()).then_some(q);
                // The first match from the top line down.
                inspect_jump(state, true, true);
            }
            Some(false) => {}
            None => state.inspect_input = Some(text),
        }
        state.dirty = true;
        return;
    }
    if let Some((kind, mut text)) = state.logs.input.take() {
        let mut finished = None;
        edit_line(&mut text, &key, |done| finished = Some(done));
        match (key.code, finished) {
            (KeyCode::Esc, _) => {}
            (_, Some(true)) => {
                let grep = kind == LogInputKind::Grep;
                match state.logs.set_query(&text, grep) {
                    Ok(()) => {
                        if !grep {
                            state.logs.jump_match(false);
                        }
                    }
                    Err(e) => state.set_status(StatusKind::Error, format!("search: {e}")),
                }
            }
            _ => state.logs.input = Some((kind, text)),
        }
        state.dirty = true;
        return;
    }

    let contexts = state.active_contexts();
    if let Some((ctx, action)) = state.keymap.resolve(&contexts, &key) {
        dispatch(state, ctx, action, out);
    }
}

/// Carry out an action bound in `ctx` (one of the active contexts). Every binding of every
/// context ends here; `Handled::No` means the handler did not take it (a bug the keymap test
/// catches).
pub(crate) fn dispatch(
    state: &mut State,
    ctx: Context,
    action: Action,
    out: &mut Vec<Cmd>,
) -> Handled {
    let handled = if ctx == Context::Global {
        global_action(state, action, out)
    } else if state.view != super::views::View::Containers {
        super::views_update::action(state, action, out)
    } else if state.focus == Focus::Detail {
        detail_action(state, action, out)
    } else {
        list_action(state, action, out)
    };
    if handled == Handled::Redraw {
        state.dirty = true;
    }
    handled
}

/// Actions that work in every view: quit, help, switching views and panes.
fn global_action(state: &mut State, action: Action, out: &mut Vec<Cmd>) -> Handled {
    use super::views::View;
    let view = match action {
        Action::ViewContainers => View::Containers,
        Action::ViewImages => View::Images,
        Action::ViewVolumes => View::Volumes,
        Action::ViewNetworks => View::Networks,
        Action::ViewEngine => View::Engine,
        Action::ViewEvents => View::Events,
        Action::Engines => {
            state.set_status(StatusKind::Progress, "reading docker contexts…");
            out.push(Cmd::ListEngines);
            return Handled::Redraw;
        }
        Action::Quit => {
            state.quit = true;
            out.push(Cmd::Quit);
            return Handled::Quiet;
        }
        Action::Help => {
            state.overlay = Overlay::Help;
            state.help_scroll = 0;
            return Handled::Redraw;
        }
        Action::FocusNext | Action::FocusPrev => {
            // Only the containers view has a pane that takes the focus.
            if state.view != View::Containers {
                return Handled::Quiet;
            }
            state.focus = match state.focus {
                Focus::List => Focus::Detail,
                Focus::Detail => Focus::List,
            };
            return Handled::Redraw;
        }
        _ => return Handled::No,
    };
    super::views_update::switch(state, view, out);
    Handled::Redraw
}

/// Minimal line editing; `done(true)` on enter, `done(false)` on esc.
fn edit_line(text: &mut String, key: &Key, mut done: impl FnMut(bool)) {
    match key.code {
        KeyCode::Enter => done(true),
        KeyCode::Esc => done(false),
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char('u') if key.mods.contains(KeyModifiers::CONTROL) => text.clear(),
        KeyCode::Char('w') if key.mods.contains(KeyModifiers::CONTROL) => {
            let trimmed = text.trim_end().len();
            let cut = text[..trimmed].rfind(' ').map_or(0, |i| i + 1);
            text.truncate(cut);
        }
        KeyCode::Char(c) if !key.mods.contains(KeyModifiers::CONTROL) => text.push(c),
        _ => {}
    }
}

fn move_selection(state: &mut State, delta: i64) {
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

/// Carry out what a prompt was for.
fn submit_prompt(state: &mut State, kind: PromptKind, text: &str, out: &mut Vec<Cmd>) {
    match kind {
        PromptKind::Update { .. }
        | PromptKind::ExecCommand { .. }
        | PromptKind::ExecOnce { .. }
        | PromptKind::Host => {}
        other => {
            super::views_update::submit(state, other, text, out);
            return;
        }
    }
    match kind {
        PromptKind::Update { id, name } => match parse_limit_update(text) {
            Ok(update) => {
                state.set_status(StatusKind::Progress, format!("Updating {name}…"));
                state.pending.begin(&id, "Updating");
                out.push(Cmd::Update { id, name, update });
            }
            Err(e) => state.set_status(StatusKind::Error, format!("update {name}: {e}")),
        },
        PromptKind::ExecCommand { id, name } => match parse_exec_line(text) {
            Ok((user, cmd)) => {
                let kind = if cmd.is_empty() {
                    super::exec::ExecKind::Shell
                } else {
                    super::exec::ExecKind::Command(cmd)
                };
                state.tab = DetailTab::Shells;
                state.focus = Focus::Detail;
                let (cols, rows) = state.shell_size();
                let c = state.exec.open(&id, &name, kind, user, cols, rows);
                out.push(Cmd::Exec(c));
            }
            Err(e) => state.set_status(StatusKind::Error, format!("exec: {e}")),
        },
        PromptKind::ExecOnce { id, name } => match super::model::split_command(text) {
            Ok(cmd) if !cmd.is_empty() => {
                state.set_status(StatusKind::Progress, format!("Running `{text}` in {name}…"));
                out.push(Cmd::ExecOnce { id, name, cmd });
            }
            Ok(_) => state.set_status(StatusKind::Error, "no command given"),
            Err(e) => state.set_status(StatusKind::Error, format!("run: {e}")),
        },
        PromptKind::Host => {
            let addr = text.trim();
            if addr.is_empty() {
                state.set_status(StatusKind::Error, "no address given");
            } else {
                switch_engine(state, addr.to_string(), "typed in".into(), out);
            }
        }
        _ => {}
    }
}

/// After a switch of engine, messages of the old one may still be queued: they are dropped
/// until the new engine's first connection status arrives (the channel keeps their order).
fn from_old_engine(state: &mut State, msg: &Msg) -> bool {
    let Some(new) = &state.switching else {
        return false;
    };
    match msg {
        Msg::Conn(c) if c.addr().starts_with(new.as_str()) => {
            state.switching = None;
            false
        }
        Msg::Conn(_)
        | Msg::Snapshot(_)
        | Msg::Upsert(_)
        | Msg::Gone(_)
        | Msg::ActionDone { .. }
        | Msg::Logs(_)
        | Msg::Stats { .. }
        | Msg::Inspect { .. }
        | Msg::Top { .. }
        | Msg::Limits { .. }
        | Msg::Exec(_)
        | Msg::ExecOnceDone { .. }
        | Msg::Res(_)
        | Msg::Event(_)
        | Msg::EventHistory(_) => true,
        _ => false,
    }
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
fn inspect_jump(state: &mut State, forward: bool, here: bool) -> bool {
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

/// Leave the current engine for `addr`: everything shown came from the old one, so it goes;
/// shells on it end. The events log stays, with a mark.
pub(crate) fn switch_engine(state: &mut State, addr: String, source: String, out: &mut Vec<Cmd>) {
    state.containers.clear();
    state.rows.clear();
    state.selected = None;
    state.offset = 0;
    state.marked.clear();
    state.pending = Default::default();
    state.stats.clear();
    state.watching.clear();
    state.inspect = None;
    state.top = Default::default();
    state.limits = None;
    let events = std::mem::take(&mut state.views.events);
    state.views = Default::default();
    state.views.events = events;
    state.views.events.history = super::events::History::NotAsked;
    state.view = super::views::View::Containers;
    state.focus = Focus::List;
    let req = state.logs.open(None, state.now);
    out.push(Cmd::Logs(req));
    let ended = state
        .exec
        .engine_gone("dockside switched to another engine");
    let mark =
        super::events::EngineEvent::ours(state.now, "switch", format!("to {addr} ({source})"));
    super::views_update::on_event(state, mark);
    state.conn = ConnStatus::Connecting {
        addr: format!("{addr} ({source})"),
    };
    state.switching = Some(addr.clone());
    let shells = if ended > 0 {
        format!("; {ended} shell session(s) on the old engine ended")
    } else {
        String::new()
    };
    state.set_status(
        StatusKind::Progress,
        format!("switching to {addr}{shells}…"),
    );
    out.push(Cmd::SwitchEngine { addr, source });
}

/// The selection moved: point the detail tabs at it.
pub(crate) fn selection_changed(state: &mut State, out: &mut Vec<Cmd>) {
    after_selection_change(state, out);
}

fn after_selection_change(state: &mut State, out: &mut Vec<Cmd>) {
    refresh_top(state, out);
    if state.tab == DetailTab::Stats
        && let Some(id) = state.selected.clone()
        && state.limits.as_ref().map(|(i, _)| i) != Some(&id)
    {
        out.push(Cmd::Limits(id));
    }
    if state.logs.target != state.selected {
        open_logs_for_selection(state, out);
    }
    if state.tab == DetailTab::Inspect
        && let Some(id) = state.selected.clone()
        && state.inspect.as_ref().map(|(i, _)| i) != Some(&id)
    {
        state.inspect_scroll = 0;
        out.push(Cmd::Inspect(id));
    }
}

fn issue(state: &mut State, id: String, name: String, action: ContainerAction, out: &mut Vec<Cmd>) {
    state.pending.begin(&id, action.progressive());
    state.set_status(
        StatusKind::Progress,
        format!("{} {name}…", action.progressive()),
    );
    out.push(Cmd::Container { id, name, action });
}

pub(super) fn list_action(state: &mut State, action: Action, out: &mut Vec<Cmd>) -> Handled {
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
            state.dirty = true;
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
        Action::Mark => {
            if let Some(id) = state.selected.clone() {
                if !state.marked.remove(&id) {
                    state.marked.insert(id);
                }
                move_selection(state, 1);
                state.dirty = true;
            }
        }
        Action::MarkProject => {
            let Some(project) = state.selected_container().and_then(|c| c.project.clone()) else {
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
            state.dirty = true;
        }
        Action::Open | Action::TabLogs => {
            state.tab = DetailTab::Logs;
            if action == Action::Open {
                state.focus = Focus::Detail;
            }
            state.dirty = true;
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
            out.push(Cmd::Exec(cmd));
            state.dirty = true;
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
                    out.push(Cmd::Handoff {
                        id,
                        name,
                        user: None,
                        cmd: Vec::new(),
                    });
                    return Handled::Redraw;
                }
            };
            state.overlay = Overlay::Prompt {
                kind,
                text: String::new(),
            };
            state.dirty = true;
        }
        Action::Commit => {
            if let Some(c) = state.selected_container() {
                let (id, name) = (c.id.clone(), c.name.clone());
                state.overlay = Overlay::Prompt {
                    kind: PromptKind::Commit { id, name },
                    text: String::new(),
                };
                state.dirty = true;
            }
        }
        Action::TabShells => {
            state.tab = DetailTab::Shells;
            state.dirty = true;
        }
        Action::TabStats => {
            state.tab = DetailTab::Stats;
            if let Some(id) = state.selected.clone() {
                out.push(Cmd::Limits(id));
            }
            state.dirty = true;
        }
        Action::TabTop => {
            state.tab = DetailTab::Top;
            state.inspect_scroll = 0;
            state.dirty = true;
            refresh_top(state, out);
        }
        Action::TabInspect => {
            state.tab = DetailTab::Inspect;
            state.inspect = None;
            state.inspect_scroll = 0;
            if let Some(id) = state.selected.clone() {
                out.push(Cmd::Inspect(id));
            }
            state.dirty = true;
        }
        _ => return Handled::No,
    }
    after_selection_change(state, out);
    Handled::Redraw
}

pub(super) fn detail_action(state: &mut State, action: Action, out: &mut Vec<Cmd>) -> Handled {
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
                    out.push(Cmd::Exec(cmd));
                }
            }
            Action::Restart => {
                if let Some(cmd) = exec.restart_active() {
                    out.push(Cmd::Exec(cmd));
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
            if !logs.jump_match(true) {
                state.set_status(StatusKind::Info, "no more matches below");
            }
        }
        Action::PrevMatch => {
            if !logs.jump_match(false) {
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
            let target = logs.target.clone();
            let req = logs.open(target, state.now);
            out.push(Cmd::Logs(req));
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
            out.push(Cmd::SaveFile { path, contents });
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
            out.push(Cmd::SaveFullLog { id, path });
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
                out.push(Cmd::Clipboard(text));
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
                .window_lines(n)
                .into_iter()
                .map(|(_, l)| l.body.text.as_str())
                .collect();
            let lines = text.len();
            out.push(Cmd::Clipboard(text.join("\n")));
            state.set_status(StatusKind::Info, format!("copied {lines} lines (OSC 52)"));
        }
        _ => return Handled::No,
    }
    Handled::Redraw
}

fn sanitize_file(name: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures;
    use crate::app::views::View;

    /// The places a user reaches, by name: each context is active in one of them at least.
    const PLACES: [&str; 12] = [
        "containers list",
        "logs",
        "stats",
        "inspect",
        "processes",
        "shells",
        "typing in a shell",
        "Images",
        "Volumes",
        "Networks",
        "Engine",
        "Events",
    ];

    /// A state at one of [`PLACES`], reached as a user would.
    fn place(name: &str) -> State {
        let mut s = fixtures::state(120, 40);
        let mut out = Vec::new();
        let tab = match name {
            "logs" => Some(DetailTab::Logs),
            "stats" => Some(DetailTab::Stats),
            "inspect" => Some(DetailTab::Inspect),
            "processes" => Some(DetailTab::Top),
            "shells" => Some(DetailTab::Shells),
            _ => None,
        };
        if let Some(tab) = tab {
            s.tab = tab;
            s.focus = Focus::Detail;
        }
        if name == "typing in a shell" {
            list_action(&mut s, Action::ExecShell, &mut out);
            assert!(s.tab == DetailTab::Shells && !s.exec.is_empty());
            s.exec.typing = true;
        }
        for view in [
            View::Images,
            View::Volumes,
            View::Networks,
            View::Engine,
            View::Events,
        ] {
            if view.title() == name {
                super::super::views_update::switch(&mut s, view, &mut out);
            }
        }
        s
    }

    fn states() -> Vec<(&'static str, State)> {
        PLACES.iter().map(|n| (*n, place(n))).collect()
    }

    #[test]
    fn every_binding_of_every_context_has_a_handler() {
        let mut reached = std::collections::HashSet::new();
        for (name, state) in states() {
            let contexts = state.active_contexts();
            for ctx in &contexts {
                reached.insert(*ctx);
                for b in state.keymap.bindings(*ctx).to_vec() {
                    // A fresh state per action: one action must not hide another's failure.
                    let mut s = place(name);
                    let key = b.keys[0];
                    // Resolution goes through the same contexts dispatch uses.
                    let resolved = s.keymap.resolve(&s.active_contexts(), &key);
                    if *ctx == Context::Exec {
                        // Typing or not, the leave key gives the keys back.
                        s.exec.typing = !s.exec.is_empty();
                        let mut out = Vec::new();
                        let ev = KeyEvent::new(key.code, key.mods);
                        update(&mut s, Msg::Key(ev), &mut out);
                        assert!(!s.exec.typing, "{name}: leave still typing");
                        continue;
                    }
                    if resolved.map(|(c, _)| c) != Some(*ctx) {
                        // Hidden here by a more specific context (the help leaves it out).
                        assert!(
                            !s.help_bindings(*ctx).iter().any(|h| h.action == b.action),
                            "{name}: the help shows the hidden `{}`",
                            b.action.name()
                        );
                        continue;
                    }
                    let mut out = Vec::new();
                    let handled = dispatch(&mut s, *ctx, b.action, &mut out);
                    assert!(
                        handled.taken(),
                        "{name}: `{}` ({}) in [[{}]] has no handler",
                        b.action.name(),
                        key.label(),
                        ctx.name()
                    );
                }
            }
        }
        for ctx in Context::ALL {
            assert!(
                reached.contains(&ctx),
                "no state reaches [[{}]]",
                ctx.name()
            );
        }
    }

    #[test]
    fn the_leave_key_comes_from_the_keymap() {
        let km = crate::app::keymap::Keymap::with_user(
            "[[exec]]\nkeys = [\"ctrl-x\"]\naction = \"leave\"\n",
            "k.toml",
        )
        .expect("keymap");
        let mut s = fixtures::state(120, 40);
        s.keymap = km;
        let mut out = Vec::new();
        list_action(&mut s, Action::ExecShell, &mut out);
        s.exec.typing = true;
        let ctrl = |c| Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        // ctrl-g now goes to the shell; ctrl-x leaves.
        update(&mut s, ctrl('g'), &mut out);
        assert!(s.exec.typing, "ctrl-g is the shell's once leave moved");
        update(&mut s, ctrl('x'), &mut out);
        assert!(!s.exec.typing, "ctrl-x leaves");
    }

    #[test]
    fn a_pane_key_rebound_over_quit_cannot_kill() {
        // The keymap refuses it; and with the built-in map `q` quits from every pane.
        for (name, mut s) in states() {
            if s.exec.typing {
                continue;
            }
            let mut out = Vec::new();
            update(
                &mut s,
                Msg::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE)),
                &mut out,
            );
            assert!(s.quit, "{name}: q does not quit");
            assert!(
                !out.iter().any(|c| matches!(c, Cmd::Container { .. })),
                "{name}: q acted on a container"
            );
        }
    }
}
