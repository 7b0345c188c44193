//! Several engines at once: which engines are shown, how each one is doing, and which
//! engine each request goes to. Pure: the runtime runs one engine task per host and sends
//! each request where [`route`] says.
//!
//! One engine is the *primary*: the resource views (images, volumes, networks, Swarm,
//! projects' compose runs, the engine view) show it. The containers list merges every
//! engine, with a HOST column; every action on a row goes to the engine the row lives on.

use std::collections::HashMap;
use std::path::PathBuf;

use super::model::{Container, EngineId};
use super::msg::{Cmd, ConnStatus, Effect, Req, ResCmd};
use super::state::State;

/// TLS material given in the config for an engine (`[[engines]]`): CA, certificate, key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// How to reach an engine: what the runtime needs to start its task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSpec {
    /// What the user calls it: the context's name, the config's `name`, or the address.
    pub name: String,
    pub addr: String,
    /// Where the address came from (`--host`, `docker context \`x\``, `config`).
    pub source: String,
    pub tls: Option<Tls>,
}

/// What `docker info` (and, on request, `docker system df`) says of an engine.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostFacts {
    pub version: String,
    pub os: String,
    pub arch: String,
    pub ncpu: u64,
    pub mem_total: u64,
    pub images: u64,
    /// `manager`, `worker`, or empty when not in a swarm.
    pub swarm: String,
    /// Bytes used by images, containers, volumes and build cache (None: not asked yet).
    pub disk: Option<u64>,
}

/// One engine of the fleet.
#[derive(Debug, Clone, PartialEq)]
pub struct Host {
    pub id: EngineId,
    pub spec: HostSpec,
    /// Connection epoch: what an older connection of this engine still sends is dropped.
    pub epoch: u64,
    pub conn: ConnStatus,
    /// Since when it does not answer (unix seconds); None while connected.
    pub down_since: Option<i64>,
    pub facts: Option<HostFacts>,
    /// Why the last facts request failed.
    pub facts_error: Option<String>,
    /// Disconnected by the user: no task runs for it, its rows are gone.
    pub off: bool,
}

impl Host {
    pub fn new(id: EngineId, spec: HostSpec) -> Host {
        Host {
            id,
            conn: ConnStatus::Connecting {
                addr: format!("{} ({})", spec.addr, spec.source),
            },
            spec,
            epoch: 0,
            down_since: None,
            facts: None,
            facts_error: None,
            off: false,
        }
    }

    pub fn connected(&self) -> bool {
        matches!(self.conn, ConnStatus::Connected { .. })
    }

    /// What the hosts view's STATE column says.
    pub fn state_text(&self, now: i64) -> String {
        if self.off {
            return "disconnected".into();
        }
        match &self.conn {
            ConnStatus::Connected { .. } => "connected".into(),
            ConnStatus::Connecting { .. } => "connecting…".into(),
            ConnStatus::Failed {
                error, retry_in_ms, ..
            } => {
                let since = self
                    .down_since
                    .map(|t| format!(" for {}", super::model::human_duration(now - t)))
                    .unwrap_or_default();
                let retry = if *retry_in_ms > 0 {
                    format!(", retrying in {:.1} s", *retry_in_ms as f64 / 1000.0)
                } else {
                    ", retrying".into()
                };
                format!("unreachable{since}{retry}: {error}")
            }
        }
    }
}

/// The engines dockside shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fleet {
    pub hosts: Vec<Host>,
    /// Show only this engine's rows (the hosts view's focus); None: all of them.
    pub focus: Option<EngineId>,
    /// The next id to give an engine added while running.
    next: u32,
}

impl Fleet {
    /// The engines given at start; the first one is the primary.
    pub fn new(specs: Vec<HostSpec>) -> Fleet {
        let hosts: Vec<Host> = specs
            .into_iter()
            .enumerate()
            .map(|(i, s)| Host::new(EngineId(i as u32), s))
            .collect();
        Fleet {
            next: hosts.len() as u32,
            hosts,
            focus: None,
        }
    }

    pub fn host(&self, id: EngineId) -> Option<&Host> {
        self.hosts.iter().find(|h| h.id == id)
    }

    pub fn host_mut(&mut self, id: EngineId) -> Option<&mut Host> {
        self.hosts.iter_mut().find(|h| h.id == id)
    }

    /// More than one engine: the lists show a HOST column.
    pub fn several(&self) -> bool {
        self.hosts.len() > 1
    }

    /// The name shown in the HOST column.
    pub fn name(&self, id: EngineId) -> &str {
        self.host(id).map_or("?", |h| h.spec.name.as_str())
    }

    /// The engine a message tagged `from` may be applied for: a known engine, on its current
    /// connection, not disconnected by the user.
    pub fn accepts(&self, id: EngineId, epoch: u64) -> bool {
        self.host(id).is_some_and(|h| h.epoch == epoch && !h.off)
    }

    /// Whether the engine answers now (rows of one that doesn't are greyed).
    pub fn reachable(&self, id: EngineId) -> bool {
        self.host(id).is_none_or(|h| h.connected())
    }

    /// Add an engine (or turn a disconnected one with the same address back on). Returns its
    /// id, and whether a task must be started for it.
    pub fn add(&mut self, spec: HostSpec) -> (EngineId, bool) {
        if let Some(h) = self.hosts.iter_mut().find(|h| h.spec.addr == spec.addr) {
            let start = h.off;
            h.off = false;
            return (h.id, start);
        }
        let id = EngineId(self.next);
        self.next += 1;
        self.hosts.push(Host::new(id, spec));
        (id, true)
    }

    /// Container-level figures of a host: (running, total).
    pub fn counts<'a>(
        id: EngineId,
        containers: impl Iterator<Item = &'a Container>,
    ) -> (usize, usize) {
        containers
            .filter(|c| c.host == id)
            .fold((0, 0), |(r, t), c| {
                (r + usize::from(c.state.is_live()), t + 1)
            })
    }
}

/// A name for an engine given by address alone: the host of a `tcp://`/`ssh://` address,
/// the socket's file name without `.sock` (`docker` for the default socket).
pub fn short_name(addr: &str) -> String {
    let rest = addr.split_once("://").map_or(addr, |(_, r)| r);
    if addr.starts_with("unix://") || addr.starts_with('/') {
        let file = rest.rsplit('/').next().unwrap_or(rest);
        let stem = file.strip_suffix(".sock").unwrap_or(file);
        return if stem.is_empty() {
            "local".into()
        } else {
            stem.into()
        };
    }
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let host = host.split('/').next().unwrap_or(host);
    match host.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) && !h.is_empty() => h.into(),
        _ => host.into(),
    }
}

/// The `host:NAME` words of a filter: the rest of the text, and the names asked for.
pub fn split_host_filter(text: &str) -> (String, Vec<String>) {
    let mut rest = Vec::new();
    let mut hosts = Vec::new();
    for word in text.split_whitespace() {
        match word.strip_prefix("host:") {
            Some(h) if !h.is_empty() => hosts.push(h.to_lowercase()),
            _ => rest.push(word),
        }
    }
    (rest.join(" "), hosts)
}

/// Where a request goes: the engine its container lives on; every engine for what closes a
/// stream everywhere (the log stream) or is split by engine (the stats watch set); the
/// primary for the rest.
pub fn route(state: &State, req: Req) -> Vec<(EngineId, Req)> {
    let primary = state.engine.id;
    if state.fleet.hosts.len() <= 1 {
        return vec![(primary, req)];
    }
    let host_of = |id: &str| state.containers.get(id).map_or(primary, |c| c.host);
    let live = || {
        state
            .fleet
            .hosts
            .iter()
            .filter(|h| !h.off)
            .map(|h| h.id)
            .collect::<Vec<_>>()
    };
    let to = match &req {
        Req::Container { id, .. }
        | Req::Inspect(id)
        | Req::Top(id)
        | Req::Limits(id)
        | Req::SaveFullLog { id, .. }
        | Req::Update { id, .. }
        | Req::ExecOnce { id, .. }
        | Req::Rename { id, .. } => host_of(id),
        Req::Files(f) => host_of(f.container()),
        Req::Exec(cmd) => match cmd {
            super::exec::ExecCmd::Open(r) => host_of(&r.container_id),
            super::exec::ExecCmd::Input { session, .. }
            | super::exec::ExecCmd::Resize { session, .. }
            | super::exec::ExecCmd::Close(session) => state
                .exec
                .get(*session)
                .map_or(primary, |s| host_of(&s.container_id)),
        },
        // One log stream at a time: the engine of its container opens it, the others close
        // theirs.
        Req::Logs(Some(r)) => {
            let at = host_of(&r.id);
            return live()
                .into_iter()
                .map(|h| (h, Req::Logs((h == at).then(|| r.clone()))))
                .collect();
        }
        Req::Logs(None) => {
            return live().into_iter().map(|h| (h, Req::Logs(None))).collect();
        }
        Req::WatchStats(ids) => {
            let mut by: HashMap<EngineId, Vec<String>> =
                live().into_iter().map(|h| (h, Vec::new())).collect();
            for id in ids {
                by.entry(host_of(id)).or_default().push(id.clone());
            }
            let mut v: Vec<_> = by
                .into_iter()
                .map(|(h, ids)| (h, Req::WatchStats(ids)))
                .collect();
            v.sort_by_key(|(h, _)| *h);
            return v;
        }
        Req::Res(ResCmd::Connect { container, .. } | ResCmd::Disconnect { container, .. })
        | Req::Res(ResCmd::Commit { container, .. }) => host_of(container),
        Req::Res(_) | Req::EventHistory | Req::ListEngines => primary,
    };
    vec![(to, req)]
}

/// What the hosts view (or the engine picker) asks of the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FleetOp {
    /// Show only this engine's rows, and make it the primary.
    Focus(EngineId),
    /// Show every engine's rows again.
    All,
    Connect(EngineId),
    Disconnect(EngineId),
    /// Ask every connected engine for its facts again, disk use included.
    Facts,
    /// Add an engine beside the others.
    Add(HostSpec),
}

/// Carry out a [`FleetOp`].
pub(crate) fn apply_op(state: &mut State, op: FleetOp, out: &mut Vec<Cmd>) {
    use super::state::StatusKind;
    match op {
        FleetOp::Focus(id) => {
            let name = state.fleet.name(id).to_string();
            state.fleet.focus = Some(id);
            make_primary(state, id, out);
            state.recompute_rows();
            state.set_status(
                StatusKind::Info,
                format!(
                    "showing {name} only (every view); all engines again: the hosts view's all"
                ),
            );
        }
        FleetOp::All => {
            state.fleet.focus = None;
            state.recompute_rows();
            state.set_status(StatusKind::Info, "showing every engine");
        }
        FleetOp::Connect(id) => {
            let connected = state
                .fleet
                .host(id)
                .is_some_and(|h| !h.off && h.connected());
            if connected {
                state.set_status(StatusKind::Info, "already connected");
            } else {
                connect(state, id, out);
            }
        }
        FleetOp::Disconnect(id) => {
            let name = state.fleet.name(id).to_string();
            match disconnect(state, id, out) {
                Ok(()) => state.set_status(StatusKind::Info, format!("disconnected from {name}")),
                Err(e) => state.set_status(StatusKind::Error, e),
            }
        }
        FleetOp::Facts => {
            for h in state.fleet.hosts.iter().filter(|h| h.connected() && !h.off) {
                out.push(Cmd::At(h.id, Req::Res(ResCmd::HostFacts { disk: true })));
            }
            state.set_status(
                StatusKind::Progress,
                "asking every engine (docker info, system df)…",
            );
        }
        FleetOp::Add(spec) => {
            let name = spec.name.clone();
            let (id, start) = state.fleet.add(spec);
            if start {
                connect(state, id, out);
                state.set_status(StatusKind::Progress, format!("connecting to {name}…"));
            } else {
                state.set_status(StatusKind::Info, format!("{name} is shown already"));
            }
            state.recompute_rows();
        }
    }
    sync_view(state);
}

/// The hosts view's rows, from the fleet and the containers.
pub(crate) fn sync_view(state: &mut State) {
    let rows = state
        .fleet
        .hosts
        .iter()
        .map(|h| {
            let (running, total) = Fleet::counts(h.id, state.containers.values());
            crate::views::hosts::HostRow {
                id: h.id,
                name: h.spec.name.clone(),
                addr: h.spec.addr.clone(),
                source: h.spec.source.clone(),
                conn: Some(h.conn.clone()),
                down_since: h.down_since,
                off: h.off,
                facts: h.facts.clone(),
                facts_error: h.facts_error.clone(),
                running,
                total,
                primary: h.id == state.engine.id,
                focused: state.fleet.focus == Some(h.id),
            }
        })
        .collect();
    let page = state.areas().list_rows().max(1);
    let filter = if state.view == crate::views::View::Hosts {
        state.filter.text.as_str()
    } else {
        ""
    };
    if state.views.hosts.sync(rows, filter, page) && state.view == crate::views::View::Hosts {
        state.dirty = true;
    }
}

/// Start (or restart) the task of engine `id`: its messages will carry a new epoch.
pub(crate) fn connect(state: &mut State, id: EngineId, out: &mut Vec<Cmd>) {
    let Some(h) = state.fleet.host_mut(id) else {
        return;
    };
    h.epoch += 1;
    h.off = false;
    h.conn = ConnStatus::Connecting {
        addr: format!("{} ({})", h.spec.addr, h.spec.source),
    };
    h.down_since = None;
    let (spec, epoch) = (h.spec.clone(), h.epoch);
    if id == state.engine.id {
        state.engine.epoch = epoch;
        state.conn = state
            .fleet
            .host(id)
            .map_or(state.conn.clone(), |h| h.conn.clone());
    }
    out.push(Cmd::Effect(Effect::StartEngine { id, spec, epoch }));
    state.dirty = true;
}

/// Stop the task of engine `id`: its rows go (they would only be stale), its shells end.
/// The primary cannot be disconnected (the resource views show it): focus another first.
pub(crate) fn disconnect(
    state: &mut State,
    id: EngineId,
    out: &mut Vec<Cmd>,
) -> Result<(), String> {
    if id == state.engine.id {
        return Err(
            "the primary engine (the one the images, volumes and networks views show) stays connected: focus another engine first"
                .into(),
        );
    }
    let Some(h) = state.fleet.host_mut(id) else {
        return Err("no such engine".into());
    };
    h.off = true;
    h.epoch += 1;
    h.facts = None;
    let gone: Vec<String> = state
        .containers
        .values()
        .filter(|c| c.host == id)
        .map(|c| c.id.clone())
        .collect();
    for c in gone {
        super::from_engine::on_gone(state, c, out);
    }
    out.push(Cmd::Effect(Effect::StopEngine(id)));
    state.dirty = true;
    Ok(())
}

/// A connection change of a non-primary engine (the primary's also goes through here).
pub(crate) fn on_conn(state: &mut State, id: EngineId, c: &ConnStatus, out: &mut Vec<Cmd>) {
    let now = state.now;
    let Some(h) = state.fleet.host_mut(id) else {
        return;
    };
    match c {
        ConnStatus::Connected { .. } => {
            h.down_since = None;
            // What it is: asked once per connection (a few fields of `docker info`).
            out.push(Cmd::At(id, Req::Res(ResCmd::HostFacts { disk: false })));
        }
        ConnStatus::Failed { .. } => {
            h.down_since.get_or_insert(now);
        }
        ConnStatus::Connecting { .. } => {}
    }
    h.conn = c.clone();
    state.dirty = true;
    sync_view(state);
}

/// `docker info` of an engine arrived.
pub(crate) fn on_facts(state: &mut State, id: EngineId, r: Result<HostFacts, String>) {
    let Some(h) = state.fleet.host_mut(id) else {
        return;
    };
    match r {
        Ok(mut f) => {
            // A facts answer without disk keeps the disk figure already known.
            if f.disk.is_none() {
                f.disk = h.facts.as_ref().and_then(|o| o.disk);
            }
            h.facts = Some(f);
            h.facts_error = None;
        }
        Err(e) => h.facts_error = Some(e),
    }
    state.dirty = true;
    sync_view(state);
}

/// Make `id` the primary engine: the resource views show it from now on (they are emptied
/// and ask it again). The containers list keeps every engine.
pub(crate) fn make_primary(state: &mut State, id: EngineId, out: &mut Vec<Cmd>) {
    if id == state.engine.id {
        return;
    }
    let Some(h) = state.fleet.host(id) else {
        return;
    };
    state.engine = super::msg::EngineRef { id, epoch: h.epoch };
    state.conn = h.conn.clone();
    let keep_events = std::mem::take(&mut state.views.events);
    let keep_commands = std::mem::take(&mut state.views.commands);
    let keep_hosts = std::mem::take(&mut state.views.hosts);
    let registries = std::mem::take(&mut state.views.registries);
    state.views = Default::default();
    state.views.events = keep_events;
    state.views.commands = keep_commands;
    state.views.hosts = keep_hosts;
    state.views.registries = registries;
    super::router::reconnected(state, out);
    super::router::containers_changed(state, out);
    state.dirty = true;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::container;
    use crate::app::model::CState;

    fn spec(name: &str) -> HostSpec {
        HostSpec {
            name: name.into(),
            addr: format!("unix:///run/{name}.sock"),
            source: "--host".into(),
            tls: None,
        }
    }

    #[test]
    fn names_from_addresses() {
        assert_eq!(short_name("unix:///var/run/docker.sock"), "docker");
        assert_eq!(short_name("unix:///tmp/e/prod1.sock"), "prod1");
        assert_eq!(short_name("tcp://10.0.0.5:2376"), "10.0.0.5");
        assert_eq!(short_name("ssh://deploy@web1:2222"), "web1");
        assert_eq!(short_name("ssh://web2"), "web2");
    }

    #[test]
    fn host_words_are_taken_out_of_the_filter() {
        assert_eq!(
            split_host_filter("web host:prod1 api"),
            ("web api".to_string(), vec!["prod1".to_string()])
        );
        assert_eq!(split_host_filter("host:"), ("host:".to_string(), vec![]));
    }

    #[test]
    fn adding_the_same_address_again_turns_it_back_on() {
        let mut f = Fleet::new(vec![spec("a"), spec("b")]);
        assert_eq!(f.add(spec("c")), (EngineId(2), true));
        f.hosts[1].off = true;
        assert_eq!(f.add(spec("b")), (EngineId(1), true));
        assert_eq!(f.add(spec("b")), (EngineId(1), false));
        assert_eq!(f.hosts.len(), 3);
    }

    #[test]
    fn counts_are_per_host() {
        let mut a = container(1, "a", "x", CState::Running);
        a.host = EngineId(1);
        let b = container(2, "b", "x", CState::Exited);
        let mut c = container(3, "c", "x", CState::Exited);
        c.host = EngineId(1);
        assert_eq!(Fleet::counts(EngineId(1), [a, b, c].iter()), (1, 2));
    }
}
