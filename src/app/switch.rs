//! Leaving the engine shown for another: everything shown came from the old one, so it goes.

use super::msg::{Cmd, ConnStatus, Effect, Req};
use super::state::{Focus, State, StatusKind};

/// Leave the current engine for `addr`: everything shown came from the old one, so it goes;
/// shells on it end. The events log stays, with a mark.
pub(crate) fn switch_engine(state: &mut State, addr: String, source: String, out: &mut Vec<Cmd>) {
    // The other engines of the fleet stay, with their rows.
    let primary = state.engine.id;
    state.containers.retain(|c| c.host != primary);
    state.recompute_rows();
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
    state.views.events.history = crate::views::events::History::NotAsked;
    state.view = crate::views::View::Containers;
    state.focus = Focus::List;
    let req = state.logs.open(None, state.now);
    out.push(Cmd::Engine(Req::Logs(req)));
    let ended = state
        .exec
        .engine_gone("dockside switched to another engine");
    let mark =
        super::events::EngineEvent::ours(state.now, "switch", format!("to {addr} ({source})"));
    super::router::on_event(state, mark);
    state.conn = ConnStatus::Connecting {
        addr: format!("{addr} ({source})"),
    };
    let shells = if ended > 0 {
        format!("; {ended} shell session(s) on the old engine ended")
    } else {
        String::new()
    };
    state.set_status(
        StatusKind::Progress,
        format!("switching to {addr}{shells}…"),
    );
    // What the old connection still sends carries the old epoch, and is dropped.
    let epoch = match state.fleet.host_mut(primary) {
        Some(h) => {
            h.epoch += 1;
            h.spec.name = super::fleet::short_name(&addr);
            h.spec.addr = addr.clone();
            h.spec.source = source.clone();
            h.spec.tls = None;
            // Another engine: the read-only of the config's entry was the old one's.
            h.spec.readonly = false;
            h.conn = state.conn.clone();
            h.facts = None;
            h.epoch
        }
        None => state.engine.epoch + 1,
    };
    state.engine.epoch = epoch;
    out.push(Cmd::Effect(Effect::SwitchEngine {
        id: primary,
        addr,
        source,
        epoch,
    }));
}
