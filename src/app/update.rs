//! The pure update function: a message in, state changed, commands out. No I/O.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, Handled};
use super::containers::{
    after_selection_change, detail_action, inspect_jump, list_action, refresh_top, sync_watch,
};
use super::keymap::{Context, Key};
use super::logs::{LogInputKind, StreamState};
use super::model::CState;
use super::model::{parse_exec_line, parse_limit_update};
use super::msg::{Cmd, Effect, LogEventKind, Msg, Req};
use super::state::{DetailTab, Focus, Overlay, PromptKind, SortKey, State, StatusKind};

/// Apply one message. Commands for the outside world are pushed onto `out`. In read-only
/// mode no request that changes the engine leaves, whatever asked for it.
pub fn update(state: &mut State, msg: Msg, out: &mut Vec<Cmd>) {
    let before = out.len();
    apply(state, msg, out);
    // Merged lists made ready by a change of the engines shown (focus, disconnect).
    for m in state.lists.take_ready() {
        apply(state, Msg::Res(m), out);
    }
    if state.readonly {
        let mut refused = None;
        let mut i = before;
        while i < out.len() {
            match &out[i] {
                Cmd::Engine(req) | Cmd::At(_, req) if req.mutates() => {
                    refused = Some(format!("{req:?}"));
                    out.remove(i);
                }
                // `docker exec -it` in the real terminal runs a process too.
                Cmd::Effect(e @ Effect::Handoff { .. }) => {
                    refused = Some(format!("{e:?}"));
                    out.remove(i);
                }
                _ => i += 1,
            }
        }
        if let Some(what) = refused {
            let what: String = what.chars().take(60).collect();
            state.set_status(
                StatusKind::Error,
                format!("read-only: not sent to the engine ({what}…)"),
            );
        }
    }
    refuse_read_only_engines(state, before, out);
    // The command log: what was sent that changes the engine, as the CLI would say it.
    // (The layout is worked out only when there is one: not on every log line or sample.)
    for cmd in &out[before.min(out.len())..] {
        if let Cmd::Engine(req) | Cmd::At(_, req) = cmd
            && let Some(cli) = super::cli::docker_cli(req)
        {
            // Several engines: what went to another than the primary names it, as `-H`.
            let host = match cmd {
                Cmd::At(h, _) => Some(*h),
                _ if state.fleet.several() => super::fleet::route(state, req.clone())
                    .first()
                    .map(|(h, _)| *h),
                _ => None,
            };
            let cli = match host.and_then(|h| state.fleet.host(h)) {
                Some(h) if state.fleet.several() => super::cli::with_host(&cli, &h.spec.addr),
                _ => cli,
            };
            let page = state.areas().list_rows().max(1);
            state.views.commands.record(state.now, cli, page);
        }
        // Whoever sent it (a key, a dialog, the form), its containers are busy until answered.
        if let Cmd::Engine(Req::Recreate(r)) = cmd {
            super::recreate_flow::sent(state, r);
        }
    }
}

/// Engines read-only by their `[[engines]]` entry: what would change one of them (a request
/// routed there, a shell handed off to the terminal) is taken out of `out[before..]` and
/// answered as refused, so nothing waits on it; the status line names the engine. What goes
/// to the other engines (a bulk action over rows of several) still leaves.
fn refuse_read_only_engines(state: &mut State, before: usize, out: &mut Vec<Cmd>) {
    if !state.fleet.hosts.iter().any(|h| h.spec.readonly) {
        return;
    }
    let mut refused: Vec<(super::model::EngineId, Option<Req>, String)> = Vec::new();
    let mut i = before.min(out.len());
    while i < out.len() {
        let parts = match &out[i] {
            Cmd::At(h, req) if req.mutates() && !req.registry_only() => {
                vec![(*h, req.clone())]
            }
            Cmd::Engine(req) if req.mutates() && !req.registry_only() => {
                super::fleet::route(state, req.clone())
            }
            Cmd::Effect(Effect::Handoff { id, name, .. }) => {
                let h = state.containers.get(id).map_or(state.engine.id, |c| c.host);
                if state.fleet.read_only(h) {
                    refused.push((h, None, format!("shell in {name}")));
                    out.remove(i);
                } else {
                    i += 1;
                }
                continue;
            }
            _ => Vec::new(),
        };
        if !parts.iter().any(|(h, _)| state.fleet.read_only(*h)) {
            i += 1;
            continue;
        }
        let whole = out.remove(i);
        for (h, req) in parts {
            if state.fleet.read_only(h) {
                let what = super::cli::docker_cli(&req).unwrap_or_else(|| {
                    let d = format!("{req:?}");
                    d.chars().take(40).collect()
                });
                refused.push((h, Some(req), what));
            } else {
                // Still routed by its rows: the part of a bulk action for a writable engine.
                let keep = match &whole {
                    Cmd::At(..) => Cmd::At(h, req),
                    _ => Cmd::Engine(req),
                };
                out.insert(i, keep);
                i += 1;
            }
        }
    }
    if refused.is_empty() {
        return;
    }
    let mut lines: Vec<String> = Vec::new();
    for (h, req, what) in refused {
        let why = state.fleet.read_only_line(h);
        // Answered as the engine would answer a refusal: busy rows and jobs end.
        if let Some(answer) = req.and_then(|r| super::refusal::answer(r, &why)) {
            let from = super::msg::EngineRef {
                id: h,
                epoch: state.fleet.host(h).map_or(0, |x| x.epoch),
            };
            let mut more = Vec::new();
            apply(
                state,
                Msg::Engine {
                    from,
                    msg: Box::new(answer),
                },
                &mut more,
            );
            // What an answer asks for is reading (a refresh), never a change.
            out.extend(more.into_iter().filter(|c| match c {
                Cmd::Engine(r) | Cmd::At(_, r) => !r.mutates(),
                Cmd::Effect(e) => !matches!(e, Effect::Handoff { .. }),
            }));
        }
        let line = format!("{why}: `{what}` not sent");
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    let text = match lines.len() {
        1 => lines.remove(0),
        n => format!("{} (and {} more)", lines.remove(0), n - 1),
    };
    state.set_status(StatusKind::Error, text);
}

fn apply(state: &mut State, msg: Msg, out: &mut Vec<Cmd>) {
    match msg {
        // What an engine sent: dropped when it comes from a connection the user left.
        // What an engine sent: dropped when it comes from a connection the user left (an
        // engine switched away from, or disconnected).
        Msg::Engine { from, msg } => {
            if !state.fleet.accepts(from.id, from.epoch) {
                return;
            }
            let primary = from.id == state.engine.id;
            match *msg {
                Msg::Conn(c) if primary => return apply(state, Msg::Conn(c), out),
                Msg::Conn(c) => {
                    super::fleet::on_conn(state, from.id, &c, out);
                    // Its rows are greyed or back: the list shows it.
                    state.recompute_rows();
                    state.dirty = true;
                }
                Msg::Snapshot(mut list) => {
                    for c in &mut list {
                        c.host = from.id;
                    }
                    super::from_engine::on_snapshot(state, from.id, primary, list, out);
                }
                Msg::Upsert(mut c) => {
                    c.host = from.id;
                    return apply(state, Msg::Upsert(c), out);
                }
                Msg::Gone(id) => {
                    if state.containers.get(&id).is_some_and(|c| c.host == from.id) {
                        return apply(state, Msg::Gone(id), out);
                    }
                }
                Msg::Res(super::msg::ResMsg::HostFacts(r)) => {
                    super::fleet::on_facts(state, from.id, r);
                }
                // The images, volumes and networks of every engine shown, merged.
                Msg::Res(
                    r @ (super::msg::ResMsg::Images(_)
                    | super::msg::ResMsg::Volumes(_)
                    | super::msg::ResMsg::Networks(_)),
                ) => {
                    if let Some(m) = super::fleet::on_list(state, from.id, r) {
                        return apply(state, Msg::Res(m), out);
                    }
                }
                // Another engine's lists would replace the primary's: only what answers a
                // request made of it (a job, an action's outcome) is taken.
                Msg::Res(
                    r @ (super::msg::ResMsg::Job { .. }
                    | super::msg::ResMsg::Done { .. }
                    | super::msg::ResMsg::Ran(_)),
                ) if !primary => return apply(state, Msg::Res(r), out),
                Msg::Res(_) | Msg::EventHistory(_) if !primary => {}
                Msg::Event(mut e) if state.fleet.several() => {
                    let host = state.fleet.name(from.id).to_string();
                    e.attrs.push(("host".into(), host));
                    e.attrs.sort();
                    return apply(state, Msg::Event(e), out);
                }
                other => return apply(state, other, out),
            }
        }
        Msg::Key(key) => on_key(state, key, out),
        Msg::Paste(text) => on_paste(state, text, out),
        Msg::Resize(w, h) => {
            state.width = w;
            state.height = h;
            state.clamp_offset();
            state.dirty = true;
        }
        Msg::Tick(now) => {
            state.now = now;
            refresh_top(state, out);
            super::freshness::tick(state, out);
            let print = state.clock_fingerprint();
            if print != state.clock_print {
                state.dirty = true;
            }
        }
        Msg::Conn(c) => {
            let primary = state.engine.id;
            super::fleet::on_conn(state, primary, &c, out);
            super::from_engine::on_conn(state, c);
        }
        Msg::Snapshot(list) => {
            let id = state.engine.id;
            super::from_engine::on_snapshot(state, id, true, list, out)
        }
        Msg::Upsert(c) => super::from_engine::on_upsert(state, c, out),
        Msg::Gone(id) => super::from_engine::on_gone(state, id, out),
        Msg::ActionDone { id, what, result } => {
            state.pending.finish(&id);
            match result {
                Ok(()) => {
                    state.done_batch.push(what);
                    if state.pending.is_empty() {
                        let done = merge_done(&std::mem::take(&mut state.done_batch));
                        state.set_status(StatusKind::Info, format!("done: {done}"));
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
                        None if state.logs.group.is_some() => {
                            "every container stopped — waiting for one to start".to_string()
                        }
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
        Msg::Inspect { id, text } => super::inspect_tab::on_inspect(state, id, text),
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
                out.push(Cmd::Engine(Req::Exec(reply)));
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
            // "Running `…`…" is over.
            match &result {
                Ok((_, code)) => {
                    state.set_status(StatusKind::Info, format!("ran {title}: exit code {code}"))
                }
                Err(e) => state.set_status(StatusKind::Error, format!("{title}: {e}")),
            }
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
        Msg::Res(m) => super::router::on_msg(state, m, out),
        Msg::Files(m) => super::files_tab::on_msg(state, m, out),
        Msg::Event(e) => super::router::on_event(state, e),
        Msg::Recreated(reports) => super::recreate_flow::answered(state, reports),
        Msg::ContainerForm { purpose, result } => {
            super::recreate_flow::form_arrived(state, purpose, result)
        }
        Msg::Mouse(ev) => super::mouse::on_mouse(state, ev, out),
        Msg::EventHistory(r) => {
            let p = state.areas().list_rows().max(1);
            let log = &mut state.views.events;
            log.history = match r {
                Ok(evs) => crate::views::events::History::Loaded(log.backfill(evs, p)),
                Err(e) => crate::views::events::History::Failed(e),
            };
            if state.view == crate::views::View::Events {
                state.dirty = true;
            }
        }
        // Asked for when the palette opened: what `ctx` offers.
        Msg::Engines(list) if matches!(state.overlay, Overlay::Palette(_)) => {
            if let Overlay::Palette(p) = &mut state.overlay {
                p.engines = Some(list);
            }
            let then = super::palette_entries::engines_read(state, out);
            palette_then(state, then, out);
            state.dirty = true;
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
        Msg::ComposeFile { path, project } => {
            super::router::open_compose_file(state, path, project, out);
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
        out.push(Cmd::Engine(Req::Exec(cmd)));
    }
}

/// What a batch finished, as one line: `stop web, db` when the verb is the same.
fn merge_done(done: &[String]) -> String {
    let verb = |w: &String| w.split_once(' ').map(|(v, _)| v.to_string());
    let first = done.first().and_then(verb);
    if done.len() > 1
        && let Some(v) = &first
        && done.iter().all(|w| verb(w).as_ref() == Some(v))
    {
        let names: Vec<&str> = done
            .iter()
            .filter_map(|w| w.split_once(' ').map(|(_, n)| n))
            .collect();
        return format!("{v} {}", names.join(", "));
    }
    done.join("; ")
}

/// Pasted text goes to what is being typed into.
fn on_paste(state: &mut State, text: String, out: &mut Vec<Cmd>) {
    if shell_typing(state) {
        if let Some(cmd) = state.exec.paste(&text) {
            out.push(Cmd::Engine(Req::Exec(cmd)));
        }
    } else if state.filter.active {
        state.filter.text.push_str(&text.replace(['\n', '\r'], " "));
        state.recompute_rows();
    } else if let Overlay::RunForm { form, field, .. } = &mut state.overlay {
        let f = super::runform::Field::ALL[(*field).min(super::runform::Field::ALL.len() - 1)];
        if let Some(t) = form.text_mut(f) {
            t.push_str(&text.replace(['\n', '\r'], " "));
        }
        state.dirty = true;
    } else if let Overlay::Palette(p) = &mut state.overlay {
        p.text.push_str(&text.replace(['\n', '\r'], " "));
        p.typed();
        state.dirty = true;
    } else if let Some((_, buf)) = state.logs.input.as_mut() {
        buf.push_str(&text.replace(['\n', '\r'], " "));
        state.dirty = true;
    }
}

/// Keys go to the embedded shell.
fn shell_typing(state: &State) -> bool {
    state.focus == Focus::Detail && state.tab == DetailTab::Shells && state.exec.typing
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
            out.push(Cmd::Engine(Req::Exec(cmd)));
        }
        return;
    }
    // Overlays take keys first: dialogs, the help and the picker through their keymap group.
    if let Some(ctx) = state.overlay.context() {
        match state.keymap.lookup(ctx, &key) {
            Some(action) => {
                dispatch(state, ctx, action, out);
            }
            // Any other key closes the help.
            None if ctx == Context::HelpPage => {
                state.overlay = Overlay::None;
                state.dirty = true;
            }
            // Any other key edits the palette's line.
            None if ctx == Context::Palette => {
                if let Overlay::Palette(p) = &mut state.overlay {
                    let before = p.text.clone();
                    edit_line(&mut p.text, &key, |_| {});
                    if p.text != before {
                        p.typed();
                    }
                    state.dirty = true;
                }
            }
            None => {}
        }
        return;
    }
    match &mut state.overlay {
        Overlay::RunForm { .. } => {
            super::prompts::form_key(state, &key, out);
            return;
        }
        Overlay::Output { .. } => {
            state.overlay = Overlay::None;
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
        // Taken through the keymap above.
        Overlay::None
        | Overlay::Help
        | Overlay::Confirm(_)
        | Overlay::ConfirmAction { .. }
        | Overlay::Ask { .. }
        | Overlay::Palette(_)
        | Overlay::Engines { .. } => {}
    }
    // Text inputs.
    if state.filter.active {
        // Enter keeps the filter and leaves the prompt; esc clears it and leaves too.
        edit_line(&mut state.filter.text, &key, |_| {
            state.filter.active = false;
        });
        if key.code == KeyCode::Esc {
            state.filter.text.clear();
        }
        state.dirty = true;
        if state.view != crate::views::View::Containers {
            super::router::refilter(state);
            return;
        }
        state.recompute_rows();
        after_selection_change(state, out);
        return;
    }
    if let Some(mut text) = state.files.input.take() {
        let mut finished = None;
        edit_line(&mut text, &key, |done| finished = Some(done));
        super::files_tab::on_input(state, text, finished);
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
                            let page = state.areas().detail_rows().max(1);
                            state.logs.jump_match(false, page);
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
    if state.readonly && action.mutates() {
        state.set_status(
            StatusKind::Error,
            format!(
                "read-only: `{}` changes the engine (started with --readonly or ui.readonly)",
                action.name()
            ),
        );
        return Handled::Redraw;
    }
    // Everything it would act on lives on read-only engines: said at once (no question asked
    // first). What is mixed goes on, and only the writable engines' part leaves (`update`).
    if action.mutates() && !ctx.is_overlay() && ctx != Context::Palette {
        use crate::views::View;
        let hosts: Vec<super::model::EngineId> = match state.view {
            View::Containers => state.targets().iter().map(|c| c.host).collect(),
            View::Hosts | View::Registries | View::Events | View::Commands => Vec::new(),
            _ => vec![state.engine.id],
        };
        if let Some(h) = hosts.first()
            && hosts.iter().all(|h| state.fleet.read_only(*h))
        {
            let line = state.fleet.read_only_line(*h);
            state.set_status(
                StatusKind::Error,
                format!("{line}: `{}` not sent", action.name()),
            );
            return Handled::Redraw;
        }
    }
    let handled = if ctx == Context::Palette {
        palette_action(state, action, out)
    } else if ctx.is_overlay() {
        super::dialogs::action(state, action, out)
    } else if ctx == Context::Global {
        global_action(state, action, out)
    } else if state.view != crate::views::View::Containers {
        super::router::action(state, action, out)
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
    use crate::views::View;
    // Each view names the action that shows it.
    if let Some(view) = View::ALL.into_iter().find(|v| v.action() == action) {
        super::router::switch(state, view, out);
        return Handled::Redraw;
    }
    match action {
        Action::Engines => {
            state.set_status(StatusKind::Progress, "reading docker contexts…");
            out.push(Cmd::Engine(Req::ListEngines));
            Handled::Redraw
        }
        Action::Quit => {
            state.quit = true;
            out.push(Cmd::Effect(Effect::Quit));
            Handled::Quiet
        }
        Action::Help => {
            state.overlay = Overlay::Help;
            state.help_scroll = 0;
            Handled::Redraw
        }
        Action::Palette => {
            state.overlay = Overlay::Palette(Box::default());
            // What `ctx` offers: the docker contexts, read while the command is typed.
            out.push(Cmd::Engine(Req::ListEngines));
            Handled::Redraw
        }
        Action::Messages => {
            state.overlay = Overlay::Output {
                title: format!("Messages ({} kept, newest last)", state.status_log.len()),
                text: state.status_log_text(),
            };
            Handled::Redraw
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
            Handled::Redraw
        }
        _ => Handled::No,
    }
}

/// An action of the command palette: walk the history, move the highlight, run, close.
fn palette_action(state: &mut State, action: Action, out: &mut Vec<Cmd>) -> Handled {
    let matches = match &state.overlay {
        Overlay::Palette(p) if matches!(action, Action::NextMatch | Action::PrevMatch) => {
            super::palette_entries::entries(state, p).len()
        }
        Overlay::Palette(_) => 0,
        _ => return Handled::No,
    };
    let Overlay::Palette(p) = &mut state.overlay else {
        return Handled::No;
    };
    match action {
        Action::Up => {
            p.older(&state.palette_history);
        }
        Action::Down => {
            p.newer(&state.palette_history);
        }
        Action::NextMatch => p.step(true, matches),
        Action::PrevMatch => p.step(false, matches),
        Action::Close => state.overlay = Overlay::None,
        Action::Open => {
            let then = super::palette_entries::run(state, out);
            palette_then(state, then, out);
        }
        _ => return Handled::No,
    }
    Handled::Redraw
}

/// Carry out what a palette entry left to the root.
fn palette_then(state: &mut State, then: super::palette_entries::Then, out: &mut Vec<Cmd>) {
    use super::palette_entries::Then;
    match then {
        Then::Nothing => {}
        Then::Dispatch(ctx, action) => {
            if dispatch(state, ctx, action, out) == Handled::No {
                state.set_status(
                    StatusKind::Error,
                    format!("`{}` does nothing here", action.name().replace('_', " ")),
                );
            }
        }
        Then::Host(addr) => submit_prompt(state, PromptKind::Host, &addr, out),
    }
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

/// Carry out what a prompt was for.
fn submit_prompt(state: &mut State, kind: PromptKind, text: &str, out: &mut Vec<Cmd>) {
    match kind {
        PromptKind::Update { .. }
        | PromptKind::ExecCommand { .. }
        | PromptKind::ExecOnce { .. }
        | PromptKind::Host => {}
        other => {
            super::prompts::submit(state, other, text, out);
            return;
        }
    }
    match kind {
        PromptKind::Update { id, name } => match parse_limit_update(text) {
            Ok(update) => {
                state.set_status(StatusKind::Progress, format!("Updating {name}…"));
                state.pending.begin(&id, "Updating");
                out.push(Cmd::Engine(Req::Update { id, name, update }));
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
                out.push(Cmd::Engine(Req::Exec(c)));
            }
            Err(e) => state.set_status(StatusKind::Error, format!("exec: {e}")),
        },
        PromptKind::ExecOnce { id, name } => match super::model::split_command(text) {
            Ok(cmd) if !cmd.is_empty() => {
                state.set_status(StatusKind::Progress, format!("Running `{text}` in {name}…"));
                out.push(Cmd::Engine(Req::ExecOnce { id, name, cmd }));
            }
            Ok(_) => state.set_status(StatusKind::Error, "no command given"),
            Err(e) => state.set_status(StatusKind::Error, format!("run: {e}")),
        },
        PromptKind::Host => {
            let addr = text.trim();
            if addr.is_empty() {
                state.set_status(StatusKind::Error, "no address given");
            } else {
                super::switch::switch_engine(state, addr.to_string(), "typed in".into(), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures;
    use crate::views::View;

    /// The places a user reaches, by name: each context is active in one of them at least.
    const PLACES: [&str; 25] = [
        "containers list",
        "files",
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
        "Commands",
        "Services",
        "Nodes",
        "Secrets",
        "Registries",
        "remove dialog",
        "question",
        "help",
        "engine picker",
        "Projects",
        "Hosts",
        "command palette",
    ];

    #[test]
    fn an_engine_s_list_is_drawn_without_waiting_for_the_frame_interval_and_nothing_else_is() {
        let mut s = fixtures::state(120, 40);
        // The fixture's list arrived: its frame is not held back.
        assert!(s.urgent);
        s.urgent = false;
        let mut out = Vec::new();
        update(&mut s, Msg::Tick(fixtures::NOW + 1), &mut out);
        update(&mut s, Msg::Key(KeyEvent::from(KeyCode::Down)), &mut out);
        assert!(!s.urgent, "a key or a tick waits for the frame interval");
        update(&mut s, Msg::snapshot(fixtures::fleet()), &mut out);
        assert!(s.urgent, "a list after a reconnection is drawn at once too");
    }

    /// A state at one of [`PLACES`], reached as a user would.
    fn place(name: &str) -> State {
        let mut s = fixtures::state(120, 40);
        let mut out = Vec::new();
        let tab = match name {
            "logs" => Some(DetailTab::Logs),
            "stats" => Some(DetailTab::Stats),
            "inspect" => Some(DetailTab::Inspect),
            "processes" => Some(DetailTab::Top),
            "files" => Some(DetailTab::Files),
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
            View::Commands,
            View::Services,
            View::Nodes,
            View::Secrets,
            View::Projects,
            View::Registries,
            View::Hosts,
        ] {
            if name == "Hosts" {
                let spec = |n: &str| crate::app::fleet::HostSpec {
                    name: n.into(),
                    addr: format!("ssh://{n}"),
                    source: "--host".into(),
                    tls: None,
                    readonly: false,
                };
                s.fleet = crate::app::fleet::Fleet::new(vec![spec("a"), spec("b")]);
                crate::app::fleet::sync_view(&mut s);
            }
            if view.title() == name {
                super::super::router::switch(&mut s, view, &mut out);
            }
        }
        match name {
            "remove dialog" => {
                list_action(&mut s, Action::Remove, &mut out);
            }
            "question" => {
                super::super::router::switch(&mut s, View::Volumes, &mut out);
                dispatch(&mut s, Context::Volumes, Action::Prune, &mut out);
            }
            "help" => {
                dispatch(&mut s, Context::Global, Action::Help, &mut out);
            }
            "command palette" => {
                dispatch(&mut s, Context::Global, Action::Palette, &mut out);
            }
            "engine picker" => {
                let choice = crate::app::msg::EngineChoice {
                    name: "lab".into(),
                    addr: "tcp://lab:2376".into(),
                    description: "a lab engine".into(),
                };
                update(&mut s, Msg::Engines(vec![choice]), &mut out);
            }
            _ => {}
        }
        if name.contains("dialog")
            || name == "question"
            || name == "help"
            || name.contains("picker")
            || name.contains("palette")
        {
            assert!(s.overlay != Overlay::None, "{name}: no overlay");
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
            assert!(reached.contains(ctx), "no state reaches [[{}]]", ctx.name());
        }
    }

    #[test]
    fn read_only_mode_sends_nothing_that_changes_the_engine() {
        let mut tried = 0;
        for name in PLACES {
            let probe = place(name);
            for ctx in probe.active_contexts() {
                for b in probe.keymap.bindings(ctx).to_vec() {
                    let mut s = place(name);
                    s.readonly = true;
                    let mut out = Vec::new();
                    let key = |k: Key| Msg::Key(KeyEvent::new(k.code, k.mods));
                    update(&mut s, key(b.keys[0]), &mut out);
                    // Whatever dialog or prompt it opened, say yes, force, submit.
                    for k in ["y", "f", "enter"] {
                        if let Ok(k) = Key::parse(k) {
                            update(&mut s, key(k), &mut out);
                        }
                    }
                    tried += 1;
                    let sent: Vec<&Cmd> = out
                        .iter()
                        .filter(|c| match c {
                            Cmd::Engine(r) | Cmd::At(_, r) => r.mutates(),
                            Cmd::Effect(e) => matches!(e, Effect::Handoff { .. }),
                        })
                        .collect();
                    assert!(
                        sent.is_empty(),
                        "{name}: `{}` sent {sent:?} in read-only mode",
                        b.action.name()
                    );
                    if b.action.mutates() {
                        let said = s
                            .status
                            .as_ref()
                            .map(|m| m.text.clone())
                            .unwrap_or_default();
                        assert!(said.starts_with("read-only"), "{name}: {said}");
                    }
                }
            }
        }
        assert!(tried > 100, "only {tried} bindings tried");
        // The same keys without read-only do reach the engine.
        let mut s = place("containers list");
        let mut out = Vec::new();
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::NONE)),
            &mut out,
        );
        assert!(
            out.iter()
                .any(|c| matches!(c, Cmd::Engine(r) if r.mutates()))
        );
    }

    /// The only engine read-only by its `[[engines]]` entry: every binding of every place,
    /// with yes, force and submit after it, sends nothing that changes it (what changes a
    /// registry alone still goes), and what was refused names the engine.
    #[test]
    fn a_read_only_engine_gets_nothing_that_changes_it_from_any_place() {
        let mut tried = 0;
        let mut refused = 0;
        for name in PLACES {
            let probe = place(name);
            for ctx in probe.active_contexts() {
                for b in probe.keymap.bindings(ctx).to_vec() {
                    let mut s = place(name);
                    let id = s.engine.id;
                    if let Some(h) = s.fleet.host_mut(id) {
                        h.spec.readonly = true;
                    }
                    let mut out = Vec::new();
                    let mut said = String::new();
                    let key = |k: Key| Msg::Key(KeyEvent::new(k.code, k.mods));
                    let mut keys = vec![b.keys[0]];
                    keys.extend(
                        ["y", "f", "enter"]
                            .iter()
                            .filter_map(|k| Key::parse(k).ok()),
                    );
                    for k in keys {
                        update(&mut s, key(k), &mut out);
                        if let Some(m) = &s.status {
                            said.push_str(&m.text);
                        }
                    }
                    tried += 1;
                    let sent: Vec<&Cmd> = out
                        .iter()
                        .filter(|c| match c {
                            Cmd::Engine(r) | Cmd::At(_, r) => r.mutates() && !r.registry_only(),
                            Cmd::Effect(e) => matches!(e, Effect::Handoff { .. }),
                        })
                        .collect();
                    assert!(
                        sent.is_empty(),
                        "{name}: `{}` sent {sent:?} to a read-only engine",
                        b.action.name()
                    );
                    if said.contains("is read-only (config: [[engines]] readonly)") {
                        refused += 1;
                    }
                }
            }
        }
        assert!(tried > 100, "only {tried} bindings tried");
        assert!(refused > 20, "only {refused} refusals named the engine");
    }

    #[test]
    fn the_messages_key_shows_the_status_messages_kept_in_full() {
        let mut s = fixtures::state(80, 24);
        for i in 0..super::super::state::STATUS_LOG + 50 {
            s.now += 1;
            s.set_status(StatusKind::Info, format!("done: stop c{i}"));
        }
        let long = format!("update web: {}", "the engine said no; ".repeat(20));
        s.set_status(StatusKind::Error, long.clone());
        // The same message again is kept once.
        s.set_status(StatusKind::Error, long.clone());
        assert_eq!(s.status_log.len(), super::super::state::STATUS_LOG);
        assert_eq!(
            s.status_log.front().map(|m| m.text.as_str()),
            Some("done: stop c51")
        );
        let mut out = Vec::new();
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL)),
            &mut out,
        );
        let Overlay::Output { title, text } = &s.overlay else {
            panic!("no messages: {:?}", s.overlay);
        };
        assert!(title.starts_with("Messages (200 kept"), "{title}");
        assert!(text.ends_with(&format!("✗ {long}")), "{text}");
        assert!(out.is_empty());
    }

    #[test]
    fn a_one_off_command_says_it_ended_and_marks_stderr() {
        let mut s = fixtures::state(80, 24);
        let mut out = Vec::new();
        let key = |c| Msg::Key(KeyEvent::new(c, KeyModifiers::NONE));
        update(&mut s, key(KeyCode::Char('!')), &mut out);
        for c in "sh -c \"echo out1; echo err1 >&2\"".chars() {
            update(&mut s, key(KeyCode::Char(c)), &mut out);
        }
        update(&mut s, key(KeyCode::Enter), &mut out);
        assert_eq!(
            s.status.as_ref().map(|m| m.kind),
            Some(StatusKind::Progress)
        );
        let result = Ok(("  out1\n! err1".to_string(), 0));
        let title = "web: sh -c 'echo out1; echo err1 >&2'".to_string();
        update(&mut s, Msg::ExecOnceDone { title, result }, &mut out);
        let status = s.status.clone().expect("a status");
        assert_eq!(status.kind, StatusKind::Info, "{status:?}");
        assert!(!status.text.starts_with("Running"), "{status:?}");
        let Overlay::Output { text, .. } = &s.overlay else {
            panic!("{:?}", s.overlay);
        };
        assert!(text.starts_with("  out1\n! err1\n"), "{text}");
    }

    #[test]
    fn a_bulk_stop_names_every_container_going_and_done() {
        let mut s = fixtures::state(120, 40);
        let mut out = Vec::new();
        let key = |c| Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        update(&mut s, key(' '), &mut out);
        update(&mut s, key('j'), &mut out);
        update(&mut s, key(' '), &mut out);
        out.clear();
        update(&mut s, key('s'), &mut out);
        let stops: Vec<(String, String)> = out
            .iter()
            .filter_map(|c| match c {
                Cmd::Engine(Req::Container { id, name, .. }) => Some((id.clone(), name.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(stops.len(), 2);
        let said = s.status.clone().map(|m| m.text).unwrap_or_default();
        assert_eq!(said, format!("Stopping {}, {}…", stops[0].1, stops[1].1));
        for (id, name) in &stops {
            update(
                &mut s,
                Msg::ActionDone {
                    id: id.clone(),
                    what: format!("stop {name}"),
                    result: Ok(()),
                },
                &mut out,
            );
        }
        let said = s.status.clone().map(|m| m.text).unwrap_or_default();
        assert_eq!(said, format!("done: stop {}, {}", stops[0].1, stops[1].1));
        assert_eq!(
            merge_done(&["start a".into(), "stop b".into()]),
            "start a; stop b"
        );
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
            // Typing goes to the shell; a dialog or picker takes every key while open.
            if s.exec.typing || s.overlay.context().is_some() {
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
                !out.iter()
                    .any(|c| matches!(c, Cmd::Engine(Req::Container { .. }))),
                "{name}: q acted on a container"
            );
        }
    }
}
