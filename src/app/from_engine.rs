//! What the engine reports about containers: the connection, the whole list on
//! (re)connection, one container changed or gone. Pure: state changed, commands out.

use super::containers::{open_logs_for_selection, refresh_top};
use super::logs::StreamState;
use super::model::{CState, Container, Listed};
use super::msg::{Cmd, ConnStatus, Req};
use super::state::{State, StatusKind};

/// The connection changed: connected, lost, retrying.
pub(crate) fn on_conn(state: &mut State, c: ConnStatus) {
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

/// The whole list of engine `host`, on (re)connection: a new session. Only that engine's
/// rows are replaced; the rest of the state starts again only for the primary.
pub(crate) fn on_snapshot(
    state: &mut State,
    host: super::model::EngineId,
    primary: bool,
    list: Listed,
    out: &mut Vec<Cmd>,
) {
    state.urgent = true;
    // A new session: it has no stats watch yet, and a history request of the old one
    // died with it.
    state.watching.clear();
    // Samples of the previous session are stale (an engine restart stops what ran):
    // the header's totals are rebuilt from this session's samples only.
    let old: Vec<String> = state
        .containers
        .values()
        .filter(|c| c.host == host)
        .map(|c| c.id.clone())
        .collect();
    for id in &old {
        state.stats.remove(id);
        state.containers.remove(id);
    }
    state.containers.extend(list);
    if !primary {
        super::router::containers_changed(state, out);
        state.recompute_rows();
        state.dirty = true;
        return;
    }
    state.top.inflight = false;
    if !state.views.events.is_empty() {
        let mark = super::events::EngineEvent::ours(
            state.now,
            "resync",
            "engine reconnected: events in between are not shown".into(),
        );
        super::router::on_event(state, mark);
    }
    // Every view keeps what it listed fresh and asks again for what failed.
    super::router::reconnected(state, out);
    super::router::containers_changed(state, out);
    state.pending.retain(|id| state.containers.contains_key(id));
    state.recompute_rows();
    // An aggregated log stays (it follows its project).
    if state.logs.group.is_none()
        && (state.logs.target.is_none()
            || !state
                .logs
                .target
                .as_ref()
                .is_some_and(|t| state.containers.contains_key(t)))
    {
        open_logs_for_selection(state, out);
    }
}

/// One container changed (fetched after an engine event).
pub(crate) fn on_upsert(state: &mut State, c: Container, out: &mut Vec<Cmd>) {
    let id = c.id.clone();
    let was = state.containers.get(&id).map(|o| o.state);
    let now_running = c.state == CState::Running;
    let now_state = c.state;
    if c.state != CState::Running {
        state.stats.remove(&id);
    }
    state.containers.insert(Box::new(c));
    super::router::containers_changed(state, out);
    let just_ran = state.select_when_listed.as_deref() == Some(id.as_str());
    if just_ran {
        state.select_when_listed = None;
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
        out.push(Cmd::Engine(Req::Logs(Some(req))));
    }
    if state.logs.target.is_none() && state.logs.group.is_none() {
        open_logs_for_selection(state, out);
    }
}

/// A container no longer exists.
pub(crate) fn on_gone(state: &mut State, id: String, out: &mut Vec<Cmd>) {
    state.exec.container_gone(&id);
    state.containers.remove(&id);
    super::router::containers_changed(state, out);
    state.stats.remove(&id);
    state.pending.forget(&id);
    state.recompute_rows();
    if state.logs.target.as_deref() == Some(id.as_str()) {
        state.logs.state = StreamState::Ended("container removed".into());
        state.dirty = true;
    }
}
