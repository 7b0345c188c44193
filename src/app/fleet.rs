//! Several engines at once: which engines are shown, how each one is doing, and which
//! engine each request goes to. Pure: the runtime runs one engine task per host and sends
//! each request where [`route`] says.
//!
//! One engine is the *primary*: the resource views (images, volumes, networks, Swarm,
//! projects' compose runs, the engine view) show it. The containers list merges every
//! engine, with a HOST column; every action on a row goes to the engine the row lives on.

use std::collections::HashMap;

pub use super::engines::{
    Fleet, FleetOp, Host, HostFacts, HostSpec, Tls, short_name, split_host_filter,
};
use super::model::EngineId;
use super::msg::{Cmd, ConnStatus, Effect, Kind, Req, ResCmd, ResMsg};
use super::state::State;

/// Where a request goes: the engine its container lives on; every engine for what closes a
/// stream everywhere (the log stream) or is split by engine (the stats watch set); the
/// primary for the rest.
pub fn route(state: &State, req: Req) -> Vec<(EngineId, Req)> {
    let primary = state.engine.id;
    if let Req::On(h, r) = req {
        return vec![(h, *r)];
    }
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
        Req::On(h, _) => *h,
        Req::Container { id, .. }
        | Req::Inspect(id)
        | Req::Top(id)
        | Req::Limits(id)
        | Req::SaveFullLog { id, .. }
        | Req::Update { id, .. }
        | Req::ExecOnce { id, .. }
        | Req::Rename { id, .. }
        | Req::ContainerForm { id, .. } => host_of(id),
        // Update or recreate: each engine gets its own containers (the same name marked on
        // several engines is updated on each).
        Req::Recreate(r) => {
            let mut by: Vec<(EngineId, Vec<super::recreate::Target>)> = Vec::new();
            for t in &r.targets {
                let h = host_of(&t.id);
                match by.iter_mut().find(|(x, _)| *x == h) {
                    Some((_, ts)) => ts.push(t.clone()),
                    None => by.push((h, vec![t.clone()])),
                }
            }
            return by
                .into_iter()
                .map(|(h, targets)| {
                    let how = r.how.clone();
                    (
                        h,
                        Req::Recreate(Box::new(super::recreate::Recreate { targets, how })),
                    )
                })
                .collect();
        }
        Req::Group { targets, action } => {
            let mut by: Vec<(EngineId, Vec<(String, String)>)> = Vec::new();
            for t in targets {
                let h = host_of(&t.0);
                match by.iter_mut().find(|(x, _)| *x == h) {
                    Some((_, ts)) => ts.push(t.clone()),
                    None => by.push((h, vec![t.clone()])),
                }
            }
            let action = *action;
            return by
                .into_iter()
                .map(|(h, targets)| (h, Req::Group { targets, action }))
                .collect();
        }
        // The merged lists: every engine shown lists, sizes and prunes its own.
        Req::Res(
            ResCmd::Watch(Kind::Images | Kind::Volumes | Kind::Networks)
            | ResCmd::VolumeSizes
            | ResCmd::PruneImages { .. }
            | ResCmd::PruneVolumes
            | ResCmd::PruneNetworks,
        ) => {
            return shown_engines(state)
                .into_iter()
                .map(|h| (h, req.clone()))
                .collect();
        }
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

/// The engines whose images, volumes and networks are shown: the focused one, else every
/// connected one not switched off (the primary first).
pub fn shown_engines(state: &State) -> Vec<EngineId> {
    if let Some(f) = state.fleet.focus {
        return vec![f];
    }
    let primary = state.engine.id;
    std::iter::once(primary)
        .chain(
            state
                .fleet
                .hosts
                .iter()
                .filter(|h| !h.off && h.id != primary)
                .map(|h| h.id),
        )
        .collect()
}

/// [`shown_engines`] with their names (for the merged lists).
pub fn shown_named(state: &State) -> Vec<(EngineId, String)> {
    shown_engines(state)
        .into_iter()
        .map(|id| (id, state.fleet.name(id).to_string()))
        .collect()
}

/// An engine's list answer: kept; the merged list is what the views get (None: nothing for
/// them, e.g. an engine out of focus).
pub(crate) fn on_list(state: &mut State, from: EngineId, msg: ResMsg) -> Option<ResMsg> {
    let shown = shown_named(state);
    if !shown.iter().any(|(id, _)| *id == from) {
        return None;
    }
    state.lists.put(from, msg, &shown)
}

/// The engines shown changed (focus, disconnect): the merged lists again from what each
/// engine last said (handed to the views after this message), and asked again.
pub(crate) fn relist(state: &mut State, out: &mut Vec<Cmd>) {
    let shown = shown_named(state);
    let ids: Vec<EngineId> = shown.iter().map(|(id, _)| *id).collect();
    state.lists.retain(&ids);
    for kind in state.lists.kinds() {
        out.push(Cmd::Engine(Req::Res(ResCmd::Watch(kind))));
        if let Some(m) = state.lists.merged(kind, &shown) {
            state.lists.ready(m);
        }
    }
}

/// Carry out a [`FleetOp`].
pub(crate) fn apply_op(state: &mut State, op: FleetOp, out: &mut Vec<Cmd>) {
    use super::state::StatusKind;
    match op {
        // The header says which engine is shown (`only prod1`, `primary prod1`).
        FleetOp::Focus(id) => {
            state.fleet.focus = Some(id);
            make_primary(state, id, out);
            state.recompute_rows();
        }
        FleetOp::All => {
            state.fleet.focus = None;
            state.recompute_rows();
            relist(state, out);
            state.dirty = true;
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
        FleetOp::Deploy(hosts) => {
            let hosts: Vec<EngineId> = hosts
                .into_iter()
                .filter(|h| state.fleet.host(*h).is_some_and(|h| h.connected()))
                .collect();
            if hosts.is_empty() {
                state.set_status(StatusKind::Error, "deploy: no connected engine marked");
            } else if state.fleet.environments.is_empty() {
                open_deploy_form(state, hosts, None);
            } else {
                let names: Vec<&str> = state
                    .fleet
                    .environments
                    .iter()
                    .map(|e| e.name.as_str())
                    .collect();
                let first = names.first().map(|n| n.to_string()).unwrap_or_default();
                state.overlay = super::overlay::Overlay::Prompt {
                    kind: super::overlay::PromptKind::DeployEnv {
                        hosts,
                        choices: names.join(", "),
                    },
                    text: first,
                };
                state.dirty = true;
            }
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

/// Open the run form for a deploy to `hosts`, with environment `env`'s variables and ports
/// filled in (its labels go with the deploy).
pub(crate) fn open_deploy_form(state: &mut State, hosts: Vec<EngineId>, env: Option<&str>) {
    use super::runform::{RunForm, shell_quote};
    let env = env
        .and_then(|n| state.fleet.environments.iter().find(|e| e.name == n))
        .cloned();
    let image = state.views.images.selected_ref().unwrap_or_default();
    let mut form = RunForm::for_image(&image);
    if let Some(e) = &env {
        let words = |v: &[String]| {
            v.iter()
                .map(|s| shell_quote(s))
                .collect::<Vec<_>>()
                .join(" ")
        };
        form.env = words(&e.env);
        form.ports = words(&e.ports);
    }
    let names: Vec<String> = hosts
        .iter()
        .map(|h| state.fleet.name(*h).to_string())
        .collect();
    state.fleet.deploy = Some(super::engines::Deploy {
        hosts,
        labels: env.as_ref().map(|e| e.labels.clone()).unwrap_or_default(),
        environment: env.map(|e| e.name),
    });
    state.overlay = super::overlay::Overlay::RunForm {
        form: Box::new(form),
        field: 0,
        purpose: super::recreate::FormPurpose::Run,
    };
    state.set_status(
        super::state::StatusKind::Info,
        format!(
            "deploy to {}: fill in the form, enter runs it on each",
            names.join(", ")
        ),
    );
}

/// The run form of a deploy was submitted: pull and run on each engine, each a job of the
/// images view (its progress, its result).
pub(crate) fn deploy(
    state: &mut State,
    d: super::engines::Deploy,
    spec: super::runform::RunSpec,
    out: &mut Vec<Cmd>,
) {
    let env = d
        .environment
        .as_deref()
        .map(|e| format!(" ({e})"))
        .unwrap_or_default();
    for h in &d.hosts {
        let title = format!("deploy {}{env} on {}", spec.image, state.fleet.name(*h));
        let job = state.views.images.start_job(title);
        out.push(Cmd::At(
            *h,
            Req::Res(ResCmd::Deploy {
                job,
                spec: Box::new(spec.clone()),
                labels: d.labels.clone(),
            }),
        ));
    }
    state.set_status(
        super::state::StatusKind::Progress,
        format!(
            "deploying {} to {} engine(s): the images view's jobs show each",
            spec.image,
            d.hosts.len()
        ),
    );
}

/// The hosts view's rows, from the fleet and the containers.
pub(crate) fn sync_view(state: &mut State) {
    // The merged lists' `host:NAME` filter knows the names (built again only when the
    // engines changed: this runs on every container change).
    let same = state
        .views
        .images
        .hosts
        .0
        .iter()
        .map(|(id, n)| (*id, n.as_str()))
        .eq(state
            .fleet
            .hosts
            .iter()
            .map(|h| (h.id, h.spec.name.as_str())));
    if !same {
        let names = crate::views::list::HostNames(
            state
                .fleet
                .hosts
                .iter()
                .map(|h| (h.id, h.spec.name.clone()))
                .collect(),
        );
        state.views.images.hosts = names.clone();
        state.views.volumes.hosts = names.clone();
        state.views.networks.hosts = names;
    }
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
                readonly: h.spec.readonly,
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
            "the primary engine (the one compose, the engine and the Swarm views reach) stays connected: focus another engine first"
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
    for id in &gone {
        state.exec.container_gone(id);
        state.containers.remove(id);
        state.stats.remove(id);
        state.pending.forget(id);
        state.marked.remove(id);
        if state.logs.target.as_deref() == Some(id.as_str()) {
            state.logs.state =
                super::logs::StreamState::Ended("its engine was disconnected".into());
        }
    }
    views_follow(state, out);
    state.recompute_rows();
    state.lists.forget(id);
    relist(state, out);
    out.push(Cmd::Effect(Effect::StopEngine(id)));
    state.dirty = true;
    Ok(())
}

/// A connection change of a non-primary engine (the primary's also goes through here).
pub(crate) fn on_conn(state: &mut State, id: EngineId, c: &ConnStatus, out: &mut Vec<Cmd>) {
    let now = state.now;
    let rewatch = if id != state.engine.id && shown_engines(state).contains(&id) {
        state.lists.kinds()
    } else {
        Vec::new()
    };
    let Some(h) = state.fleet.host_mut(id) else {
        return;
    };
    match c {
        ConnStatus::Connected { .. } => {
            h.down_since = None;
            // What it is: asked once per connection (a few fields of `docker info`).
            out.push(Cmd::At(id, Req::Res(ResCmd::HostFacts { disk: false })));
            // The merged lists it is part of (a new connection watches nothing yet).
            for kind in &rewatch {
                out.push(Cmd::At(id, Req::Res(ResCmd::Watch(*kind))));
            }
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
    // Every view asks the new primary for what it lists.
    let (page, now, shown) = (state.areas().list_rows().max(1), state.now, state.view);
    let filter = state.filter.text.clone();
    let mut cx = crate::views::Cx::new(&filter, page, now, out);
    for (view, v) in state.views.all_mut() {
        v.reconnected(view == shown, &mut cx);
        if view == shown {
            v.enter(&mut cx);
        }
    }
    views_follow(state, out);
    state.dirty = true;
}

/// The views derived from the containers (projects) follow a change of them.
fn views_follow(state: &mut State, _out: &mut [Cmd]) {
    let (page, shown) = (state.areas().list_rows().max(1), state.view);
    let filter = state.filter.text.clone();
    if state
        .views
        .containers_changed(state.containers.values(), shown, &filter, page)
    {
        state.dirty = true;
    }
    sync_view(state);
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
            readonly: false,
        }
    }

    #[test]
    fn names_from_addresses() {
        assert_eq!(short_name("unix:///var/run/docker.sock"), "local");
        assert_eq!(short_name("unix:///run/user/1000/docker.sock"), "rootless");
        assert_eq!(
            short_name("unix:///tmp/dockside-engines/e2/docker.sock"),
            "e2"
        );
        let f = Fleet::new(vec![spec("a"), spec("a"), spec("a")]);
        let names: Vec<&str> = f.hosts.iter().map(|h| h.spec.name.as_str()).collect();
        assert_eq!(names, ["a", "a-2", "a-3"]);
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
