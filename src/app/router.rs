//! The root's side of the views: show one, hand it the actions of its contexts and the
//! engine's answers, and carry out what it asks of the root ([`Cx`]).

use super::action::{Action, Handled};
use super::events::EngineEvent;
use super::msg::{Cmd, ResMsg};
use super::state::{Focus, State, StatusKind};
use crate::views::{Cx, Goto, View};

/// Rows of a list on screen.
fn page(state: &State) -> usize {
    state.areas().list_rows().max(1)
}

/// Run `f` on the view shown with a [`Cx`], then carry out what it asked.
fn with_view(
    state: &mut State,
    view: View,
    out: &mut Vec<Cmd>,
    f: impl FnOnce(&mut dyn crate::views::Shape, &mut Cx) -> Handled,
) -> Handled {
    let page = page(state);
    let now = state.now;
    let filter = state.filter.text.clone();
    let engine = state.conn.addr().to_string();
    let marked_hosts: Vec<_> = state
        .views
        .hosts
        .marked
        .iter()
        .filter(|id| {
            state
                .fleet
                .host(**id)
                .is_some_and(|h| h.connected() && !h.off)
        })
        .map(|id| (*id, state.fleet.name(*id).to_string()))
        .collect();
    let Some(v) = state.views.get_mut(view) else {
        return Handled::No;
    };
    let primary = state.engine.id;
    let mut cx = Cx::new(&filter, page, now, out);
    cx.engine = &engine;
    cx.primary = primary;
    cx.marked_hosts = marked_hosts;
    let handled = f(v, &mut cx);
    let Cx {
        status,
        overlay,
        goto,
        out,
        ..
    } = cx;
    apply(state, status, overlay, goto, out);
    handled
}

fn apply(
    state: &mut State,
    status: Option<(StatusKind, String)>,
    overlay: Option<super::overlay::Overlay>,
    goto: Option<Goto>,
    out: &mut Vec<Cmd>,
) {
    if let Some((kind, text)) = status {
        state.set_status(kind, text);
    }
    if let Some(o) = overlay {
        state.overlay = o;
        state.dirty = true;
    }
    match goto {
        None => {}
        Some(Goto::Shell(id)) => {
            apply(state, None, None, Some(Goto::Container(id.clone())), out);
            if state.selected.as_deref() == Some(id.as_str()) {
                super::containers::list_action(state, super::action::Action::ExecShell, out);
            }
        }
        Some(Goto::Container(id)) => {
            if !state.containers.contains_key(&id) {
                state.set_status(StatusKind::Error, "that container no longer exists");
                return;
            }
            switch(state, View::Containers, out);
            if !state.rows.contains(&id) {
                state.show_all = true;
                state.recompute_rows();
            }
            state.selected = Some(id);
            state.clamp_offset();
            state.dirty = true;
            super::containers::selection_changed(state, out);
        }
        Some(Goto::Logs(group)) => {
            switch(state, View::Containers, out);
            state.tab = super::state::DetailTab::Logs;
            state.focus = Focus::Detail;
            let req = state.logs.open_group(group, state.now);
            out.push(Cmd::Engine(super::msg::Req::Logs(req)));
            state.dirty = true;
        }
        Some(Goto::Fleet(op)) => super::fleet::apply_op(state, op, out),
        Some(Goto::Item(view, key)) => {
            switch(state, view, out);
            let p = page(state);
            if let Some(v) = state.views.get_mut(view) {
                v.select(&key, p);
            }
            state.dirty = true;
        }
    }
}

/// Show `view`; its first visit asks the engine for what it lists.
pub fn switch(state: &mut State, view: View, out: &mut Vec<Cmd>) {
    if state.view == view {
        return;
    }
    state.view = view;
    state.filter.text.clear();
    state.filter.active = false;
    state.focus = Focus::List;
    state.dirty = true;
    if view == View::Containers {
        state.recompute_rows();
        return;
    }
    with_view(state, view, out, |v, cx| {
        v.enter(cx);
        v.refilter(cx.filter, cx.page);
        Handled::Redraw
    });
}

/// Re-apply the filter to the rows of the view shown.
pub fn refilter(state: &mut State) {
    let (p, view) = (page(state), state.view);
    let filter = state.filter.text.clone();
    if let Some(v) = state.views.get_mut(view) {
        v.refilter(&filter, p);
    }
    state.dirty = true;
}

/// An action of one of the view's contexts: moves and the filter for any list, the rest for
/// the view itself.
pub fn action(state: &mut State, action: Action, out: &mut Vec<Cmd>) -> Handled {
    let (p, view) = (page(state), state.view);
    // Freshness reads the images and the registries, and updates containers: the root's.
    match (view, action) {
        (View::Images | View::Registries, Action::CheckUpdates) => {
            return super::freshness::check(state, false, out);
        }
        (View::Images, Action::UpdateImage) => return super::freshness::update_from_image(state),
        _ => {}
    }
    let Some(v) = state.views.get_mut(view) else {
        return Handled::No;
    };
    if let Some(list) = v.list() {
        if let Some(d) = crate::views::move_delta(action, p) {
            let before = list.cur;
            list.go(d, p);
            if list.cur == before {
                return Handled::Quiet;
            }
            v.selection_changed();
            return Handled::Redraw;
        }
        match action {
            Action::Filter => {
                state.filter.active = true;
                return Handled::Redraw;
            }
            Action::Clear => {
                state.filter.text.clear();
                with_view(state, view, out, |v, cx| v.on_action(action, cx));
                refilter(state);
                return Handled::Redraw;
            }
            _ => {}
        }
    }
    with_view(state, view, out, |v, cx| v.on_action(action, cx))
}

/// A click on the `row`-th data row on screen of the view's list.
pub fn click_row(state: &mut State, row: usize) {
    let (p, view) = (page(state), state.view);
    if let Some(v) = state.views.get_mut(view)
        && let Some(list) = v.list()
        && list.click(row, p)
    {
        v.selection_changed();
        state.dirty = true;
    }
}

/// An engine answer about images, volumes, networks or the engine.
pub fn on_msg(state: &mut State, msg: ResMsg, out: &mut Vec<Cmd>) {
    let msg = match msg {
        ResMsg::Ran(result) => return ran(state, result, out),
        ResMsg::Done { what, result } => {
            match result {
                Ok(t) if t.is_empty() => {
                    state.set_status(StatusKind::Info, format!("done: {what}"))
                }
                Ok(t) => state.set_status(StatusKind::Info, format!("{what}: {t}")),
                Err(e) => state.set_status(StatusKind::Error, format!("{what}: {e}")),
            }
            return;
        }
        other => other,
    };
    let (p, now, shown) = (page(state), state.now, state.view);
    let filter = state.filter.text.clone();
    let mut cx = Cx::new(&filter, p, now, out);
    let handled = state.views.on_msg(msg, shown, &mut cx);
    let Cx {
        status,
        overlay,
        goto,
        out,
        ..
    } = cx;
    apply(state, status, overlay, goto, out);
    if handled == Handled::Redraw {
        state.dirty = true;
    }
}

/// A container was created and started from the run prompt or form: show it.
fn ran(state: &mut State, result: Result<String, String>, out: &mut Vec<Cmd>) {
    match result {
        Ok(id) => {
            state.set_status(
                StatusKind::Info,
                format!("started {}", super::images::short_id(&id)),
            );
            // Back to the containers view, selected once listed.
            state.select_when_listed = Some(id.clone());
            switch(state, View::Containers, out);
            if state.containers.contains_key(&id) {
                state.selected = Some(id);
                state.select_when_listed = None;
                state.clamp_offset();
            }
        }
        Err(e) => state.set_status(StatusKind::Error, format!("run: {e}")),
    }
}

/// An engine event (or one of dockside's own marks) for the events view; a redraw only when
/// it is shown.
pub fn on_event(state: &mut State, ev: EngineEvent) {
    let p = page(state);
    state.views.events.push(ev, p);
    if state.view == View::Events {
        state.dirty = true;
    }
}

/// The containers changed (listed, one changed, one gone): views derived from them follow.
/// An aggregated log follows its project's containers as they come, go, stop and start.
pub fn containers_changed(state: &mut State, out: &mut Vec<Cmd>) {
    if state.fleet.several() {
        super::fleet::sync_view(state);
    }
    let (p, shown) = (page(state), state.view);
    let views = &mut state.views;
    if views.containers_changed(state.containers.values(), shown, &state.filter.text, p) {
        state.dirty = true;
    }
    // A project's (or service's) log follows its containers; marked containers stay as
    // they were marked.
    if let Some(g) = &state.logs.group
        && !g.project.is_empty()
    {
        let sources = crate::views::projects::model::log_sources(
            state.containers.values(),
            &g.project,
            g.service.as_deref(),
        );
        if let Some(req) = state.logs.regroup(sources, state.now) {
            out.push(Cmd::Engine(super::msg::Req::Logs(Some(req))));
        }
    }
}

/// A (re)connected engine: every view keeps what it listed fresh and asks again for what
/// failed.
pub fn reconnected(state: &mut State, out: &mut Vec<Cmd>) {
    let (p, now, shown) = (page(state), state.now, state.view);
    let filter = state.filter.text.clone();
    let mut cx = Cx::new(&filter, p, now, out);
    for (view, v) in state.views.all_mut() {
        v.reconnected(view == shown, &mut cx);
    }
}

/// Bring up a compose file's project: the projects view shows its output, then the project.
pub fn open_compose_file(
    state: &mut State,
    path: String,
    project: Option<String>,
    out: &mut Vec<Cmd>,
) {
    switch(state, View::Projects, out);
    let engine = state.conn.addr().to_string();
    let run = state.views.projects.open_file(&path, project, &engine);
    state.set_status(
        StatusKind::Progress,
        format!("docker compose -f {path} up -d…"),
    );
    out.push(Cmd::Engine(super::msg::Req::Res(
        super::msg::ResCmd::Compose(run),
    )));
    state.dirty = true;
}
