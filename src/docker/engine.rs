//! The engine task: connects (with backoff), lists once, follows the events stream and fetches
//! only the container an event names. Carries out the app's commands.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use bollard::Docker;
use bollard::query_parameters::{
    EventsOptionsBuilder, KillContainerOptionsBuilder, ListContainersOptionsBuilder,
    RemoveContainerOptionsBuilder,
};
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::client::{self, Target, friendly_error};
use super::task::AbortOnDrop;
use super::{convert, exec, logs, stats};
use crate::app::model::{CState, Container};
use crate::app::msg::{Cmd, ConnStatus, ContainerAction, Msg};

/// Start the engine task. Commands go in on the returned sender; messages come out on `tx`.
pub fn spawn(target: Target, tx: mpsc::Sender<Msg>) -> mpsc::UnboundedSender<Cmd> {
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    // A weak sender: commands held during a connection attempt are put back in the queue
    // once it succeeds, without keeping the channel open after the app is gone.
    tokio::spawn(run(target, tx, cmd_rx, cmd_tx.downgrade()));
    cmd_tx
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

async fn run(
    target: Target,
    tx: mpsc::Sender<Msg>,
    mut cmds: mpsc::UnboundedReceiver<Cmd>,
    requeue: mpsc::WeakUnboundedSender<Cmd>,
) {
    let mut target = target;
    let mut attempt: u32 = 0;
    'engine: loop {
        let addr = target.addr.clone();
        attempt += 1;
        // Commands keep being answered while an attempt hangs (a dead tcp:// address takes
        // minutes to time out): a switch or quit does not wait for it.
        // Other commands wait for the outcome: served if it connects, refused if not.
        let attempt_fut = connect(&addr);
        tokio::pin!(attempt_fut);
        let mut held: Vec<Cmd> = Vec::new();
        let result = loop {
            tokio::select! {
                r = &mut attempt_fut => break r,
                cmd = cmds.recv() => match cmd {
                    None | Some(Cmd::Quit) => return,
                    Some(Cmd::SwitchEngine { addr, source }) => {
                        for cmd in held.drain(..) {
                            refuse(&tx, cmd, "dockside switched to another engine").await;
                        }
                        target = Target { addr, source };
                        attempt = 0;
                        continue 'engine;
                    }
                    Some(Cmd::ListEngines) => {
                        let _ = tx.send(Msg::Engines(super::client::engine_choices())).await;
                    }
                    Some(cmd) => held.push(cmd),
                },
            }
        };
        if result.is_ok() {
            // Back in the queue, in the order they were sent: take what else is queued
            // first, so nothing overtakes them.
            while let Ok(cmd) = cmds.try_recv() {
                held.push(cmd);
            }
            if let Some(requeue) = requeue.upgrade() {
                for cmd in held.drain(..) {
                    let _ = requeue.send(cmd);
                }
            }
        }
        for cmd in held.drain(..) {
            refuse(&tx, cmd, "not connected to the engine").await;
        }
        let conn = match result {
            Ok(c) => c,
            Err(error) => {
                // 250 ms, doubling, at most 5 s.
                let retry =
                    Duration::from_millis((250u64 << attempt.min(5).saturating_sub(1)).min(5000));
                let status = ConnStatus::Failed {
                    addr: format!("{addr} ({})", target.source),
                    error,
                    retry_in_ms: retry.as_millis() as u64,
                    attempt,
                };
                if tx.send(Msg::Conn(status)).await.is_err() {
                    return;
                }
                let sleep = tokio::time::sleep(retry);
                tokio::pin!(sleep);
                loop {
                    tokio::select! {
                        () = &mut sleep => break,
                        cmd = cmds.recv() => match offline(&tx, cmd, "not connected to the engine").await {
                            Offline::Quit => return,
                            Offline::Switch(t) => {
                                target = t;
                                attempt = 0;
                                continue 'engine;
                            }
                            Offline::Handled => {}
                        },
                    }
                }
                continue;
            }
        };
        attempt = 0;
        match session(conn, &target, &tx, &mut cmds).await {
            SessionEnd::Quit => return,
            SessionEnd::Switch(t) => target = t,
            SessionEnd::Lost(error) => {
                let status = ConnStatus::Failed {
                    addr: format!("{addr} ({})", target.source),
                    error: format!("connection lost: {error}"),
                    retry_in_ms: 0,
                    attempt: 0,
                };
                if tx.send(Msg::Conn(status)).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// What a command asks of the engine task while it has no engine.
enum Offline {
    Quit,
    Switch(Target),
    Handled,
}

/// Serve a command without an engine: list the engines, switch, quit, or refuse it.
async fn offline(tx: &mpsc::Sender<Msg>, cmd: Option<Cmd>, why: &str) -> Offline {
    match cmd {
        None | Some(Cmd::Quit) => Offline::Quit,
        Some(Cmd::SwitchEngine { addr, source }) => Offline::Switch(Target { addr, source }),
        Some(Cmd::ListEngines) => {
            let _ = tx.send(Msg::Engines(super::client::engine_choices())).await;
            Offline::Handled
        }
        Some(cmd) => {
            refuse(tx, cmd, why).await;
            Offline::Handled
        }
    }
}

async fn refuse(tx: &mpsc::Sender<Msg>, cmd: Cmd, why: &str) {
    // Every command someone waits on gets an answer, so nothing shows "Loading…" forever.
    let answer = match &cmd {
        Cmd::EventHistory => Some(Msg::EventHistory(Err(why.to_string()))),
        Cmd::Top(id) => Some(Msg::Top {
            id: id.clone(),
            result: Err(why.to_string()),
        }),
        Cmd::Inspect(id) => Some(Msg::Inspect {
            id: id.clone(),
            text: why.to_string(),
        }),
        Cmd::Update { id, name, .. } => Some(Msg::ActionDone {
            id: id.clone(),
            what: format!("update {name}"),
            result: Err(why.to_string()),
        }),
        Cmd::ExecOnce { name, .. } => Some(Msg::ExecOnceDone {
            title: name.clone(),
            result: Err(why.to_string()),
        }),
        Cmd::SaveFullLog { .. } => Some(Msg::Notice(Err(format!("cannot save the log: {why}")))),
        Cmd::Res(r) => Some(Msg::Res(refused_res(r, why))),
        _ => None,
    };
    if let Some(msg) = answer {
        let _ = tx.send(msg).await;
        return;
    }
    if let Cmd::Exec(crate::app::exec::ExecCmd::Open(req)) = &cmd {
        let ev = crate::app::exec::ExecEvent::Failed {
            session: req.session,
            error: why.to_string(),
        };
        let _ = tx.send(Msg::Exec(ev)).await;
        return;
    }
    if let Cmd::Container { id, name, action } = cmd {
        let _ = tx
            .send(Msg::ActionDone {
                id,
                what: format!("{} {name}", action.verb()),
                result: Err(why.to_string()),
            })
            .await;
    }
}

/// The answer to a refused command of the resource views: its list, detail or job fails.
fn refused_res(cmd: &crate::app::views::ResCmd, why: &str) -> crate::app::views::ResMsg {
    use crate::app::images::Progress;
    use crate::app::views::{Kind, ResCmd, ResMsg};
    let why = why.to_string();
    match cmd {
        ResCmd::Watch(Kind::Images) => ResMsg::Images(Err(why)),
        ResCmd::Watch(Kind::Volumes) | ResCmd::VolumeSizes => ResMsg::Volumes(Err(why)),
        ResCmd::Watch(Kind::Networks) => ResMsg::Networks(Err(why)),
        ResCmd::Watch(Kind::DiskUsage) => ResMsg::Disk(Err(why)),
        ResCmd::Info => ResMsg::Info(Err(why)),
        ResCmd::ImageDetail(_) => ResMsg::ImageDetail(Err(why)),
        ResCmd::Pull { job, .. } | ResCmd::Push { job, .. } | ResCmd::Build { job, .. } => {
            ResMsg::Job {
                id: *job,
                progress: Progress::Error(why),
            }
        }
        ResCmd::Run(_) => ResMsg::Ran(Err(why)),
        other => ResMsg::Done {
            what: match other {
                ResCmd::RemoveImage { .. } => "remove image",
                ResCmd::PruneImages { .. } => "prune images",
                ResCmd::Tag { .. } => "tag",
                ResCmd::Commit { .. } => "commit",
                ResCmd::CreateVolume(_) => "create volume",
                ResCmd::RemoveVolume(_) => "remove volume",
                ResCmd::PruneVolumes => "prune volumes",
                ResCmd::CreateNetwork { .. } => "create network",
                ResCmd::RemoveNetwork(_) => "remove network",
                ResCmd::Connect { .. } => "connect",
                ResCmd::Disconnect { .. } => "disconnect",
                ResCmd::PruneNetworks => "prune networks",
                ResCmd::SystemPrune => "system prune",
                _ => "request",
            }
            .to_string(),
            result: Err(why),
        },
    }
}

enum SessionEnd {
    Quit,
    Lost(String),
    /// The user picked another engine.
    Switch(Target),
}

/// Engine events that change what the list shows.
fn relevant(action: &str) -> bool {
    matches!(
        action,
        "create"
            | "start"
            | "restart"
            | "stop"
            | "die"
            | "kill"
            | "pause"
            | "unpause"
            | "rename"
            | "update"
            | "destroy"
            | "oom"
    ) || action.starts_with("health_status")
}

/// Times (unix seconds) learned from events: exact start/finish, better than the list's text.
#[derive(Default, Clone, Copy)]
struct Times {
    started: Option<i64>,
    died: Option<i64>,
}

/// The states an event implies. The engine emits some events before its list view catches
/// up (e.g. `pause`), so a fetch that disagrees is retried shortly.
fn implied(action: &str) -> &'static [CState] {
    match action {
        "start" | "unpause" | "restart" => &[CState::Running, CState::Exited, CState::Restarting],
        "pause" => &[CState::Paused],
        "die" => &[CState::Exited, CState::Restarting, CState::Dead],
        "create" => &[CState::Created, CState::Running],
        _ => &[],
    }
}

/// Retries of a fetch whose state disagrees with the event, and their delay.
const RECHECKS: u32 = 5;
const RECHECK_DELAY: Duration = Duration::from_millis(15);

fn apply_times(c: &mut Container, t: Option<&Times>) {
    let Some(t) = t else { return };
    match c.state {
        CState::Running | CState::Paused => {
            if let Some(s) = t.started {
                c.since = Some(s);
            }
        }
        CState::Exited | CState::Restarting => {
            if let Some(d) = t.died {
                c.since = Some(d);
            }
        }
        _ => {}
    }
}

async fn fetch_one(
    docker: Docker,
    id: String,
    delay: Duration,
) -> (String, Result<Option<Container>, String>) {
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let mut filters = HashMap::new();
    filters.insert("id", vec![id.as_str()]);
    let opts = ListContainersOptionsBuilder::default()
        .all(true)
        .filters(&filters)
        .build();
    let res = docker
        .list_containers(Some(opts))
        .await
        .map_err(|e| friendly_error(&e.to_string()))
        .map(|list| {
            let now = unix_now();
            list.into_iter()
                .filter_map(|s| convert::container(s, now))
                .find(|c| c.id == id)
        });
    (id, res)
}

type EventRx = mpsc::Receiver<Result<bollard::models::EventMessage, String>>;

/// The event types dockside follows (and shows in the events view).
const EVENT_TYPES: [&str; 4] = ["container", "image", "volume", "network"];

/// Most events taken from the engine's past.
const MAX_HISTORY: usize = crate::app::events::MAX_EVENTS;

/// The engine's events of the last hour, up to now (a bounded request that ends by itself).
async fn event_history(docker: &Docker) -> Result<Vec<crate::app::events::EngineEvent>, String> {
    // Up to this very instant (seconds.nanoseconds): whole seconds would leave out what
    // happened in the current one.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let since = (now.as_secs() as i64 - crate::app::events::HISTORY_SECS).to_string();
    let until = format!("{}.{:09}", now.as_secs(), now.subsec_nanos());
    let mut filters = HashMap::new();
    filters.insert("type", EVENT_TYPES.to_vec());
    let opts = EventsOptionsBuilder::default()
        .since(&since)
        .until(&until)
        .filters(&filters)
        .build();
    let mut stream = docker.events(Some(opts));
    // The newest ones are kept.
    let mut out = std::collections::VecDeque::new();
    while let Some(ev) = stream.next().await {
        let ev = ev.map_err(|e| friendly_error(&e.to_string()))?;
        out.push_back(convert::engine_event(&ev));
        if out.len() > MAX_HISTORY {
            out.pop_front();
        }
    }
    Ok(out.into())
}

/// Subscribe to container events in a task; the stream's errors end it.
fn start_events(docker: &Docker) -> (EventRx, AbortOnDrop) {
    let (ev_tx, ev_rx) = mpsc::channel(256);
    let ev_docker = docker.clone();
    let task = tokio::spawn(async move {
        let mut filters = HashMap::new();
        filters.insert("type", EVENT_TYPES.to_vec());
        let opts = EventsOptionsBuilder::default().filters(&filters).build();
        let mut stream = ev_docker.events(Some(opts));
        while let Some(ev) = stream.next().await {
            let stop = ev.is_err();
            if ev_tx
                .send(ev.map_err(|e| friendly_error(&e.to_string())))
                .await
                .is_err()
                || stop
            {
                return;
            }
        }
        let _ = ev_tx.send(Err("events stream closed".to_string())).await;
    });
    (ev_rx, AbortOnDrop(task.abort_handle()))
}

fn list_all() -> bollard::query_parameters::ListContainersOptions {
    ListContainersOptionsBuilder::default().all(true).build()
}

/// What a connection attempt brings: the negotiated client, its events stream (subscribed
/// before the first list, so nothing is missed), and the first list when it was fetched
/// during negotiation.
struct Connected {
    docker: Docker,
    events: (EventRx, AbortOnDrop),
    first_list: Option<Vec<bollard::models::ContainerSummary>>,
}

/// Connect. On a unix socket the first list runs while the API version is negotiated, on a
/// client pinned to an API version every current engine accepts; if the engine refuses it,
/// the list is fetched again with the negotiated version.
async fn connect(addr: &str) -> Result<Connected, String> {
    if let Some(fast) = client::pinned_client(addr) {
        let events = start_events(&fast);
        let (negotiated, list) = tokio::join!(
            client::connect(addr),
            fast.list_containers(Some(list_all()))
        );
        let docker = negotiated?;
        return Ok(match list {
            Ok(list) => Connected {
                docker,
                events,
                first_list: Some(list),
            },
            Err(_) => Connected {
                events: start_events(&docker),
                docker,
                first_list: None,
            },
        });
    }
    let docker = client::connect(addr).await?;
    Ok(Connected {
        events: start_events(&docker),
        docker,
        first_list: None,
    })
}

async fn session(
    conn: Connected,
    target: &Target,
    tx: &mpsc::Sender<Msg>,
    cmds: &mut mpsc::UnboundedReceiver<Cmd>,
) -> SessionEnd {
    let Connected {
        docker,
        events: (mut ev_rx, _events_guard),
        first_list,
    } = conn;
    let docker = &docker;
    let list = match first_list {
        Some(l) => l,
        None => match docker.list_containers(Some(list_all())).await {
            Ok(l) => l,
            Err(e) => return SessionEnd::Lost(friendly_error(&e.to_string())),
        },
    };
    let now = unix_now();
    let snapshot: Vec<Container> = list
        .into_iter()
        .filter_map(|s| convert::container(s, now))
        .collect();
    let conn = ConnStatus::Connected {
        addr: target.addr.clone(),
        version: String::new(),
        api: docker.client_version().to_string(),
        os: String::new(),
        ncpu: 0,
        mem_total: 0,
    };
    if tx.send(Msg::Conn(conn)).await.is_err() || tx.send(Msg::Snapshot(snapshot)).await.is_err() {
        return SessionEnd::Quit;
    }
    let mut fetches: JoinSet<(String, Result<Option<Container>, String>)> = JoinSet::new();
    let mut inflight: HashSet<String> = HashSet::new();
    let mut again: HashSet<String> = HashSet::new();
    let mut times: HashMap<String, Times> = HashMap::new();
    // Last state-changing event per container, and how often its fetch was rechecked.
    let mut expect: HashMap<String, (&'static [CState], u32)> = HashMap::new();
    let mut actions: JoinSet<()> = JoinSet::new();
    let mut log_stream = logs::LogTask::default();
    let mut stats = stats::StatsWatch::default();
    let mut shells = exec::ExecManager::new();
    let mut views = super::views::ViewsTask::default();

    // The engine's version for the header, after the first frame. In the session's set, so
    // it ends with the session (a switch of engine must not hear from the old one).
    {
        let docker = docker.clone();
        let tx = tx.clone();
        let addr = target.addr.clone();
        actions.spawn(async move {
            if let Ok(v) = docker.version().await {
                let conn = ConnStatus::Connected {
                    addr,
                    version: v.version.unwrap_or_default(),
                    api: v.api_version.unwrap_or_default(),
                    os: v.os.unwrap_or_default(),
                    ncpu: 0,
                    mem_total: 0,
                };
                let _ = tx.send(Msg::Conn(conn)).await;
            }
        });
    }

    loop {
        tokio::select! {
            ev = ev_rx.recv() => {
                let ev = match ev {
                    Some(Ok(ev)) => ev,
                    Some(Err(e)) => return SessionEnd::Lost(e),
                    None => return SessionEnd::Lost("events stream closed".into()),
                };
                if tx.send(Msg::Event(super::convert::engine_event(&ev))).await.is_err() {
                    return SessionEnd::Quit;
                }
                let action = ev.action.unwrap_or_default();
                let typ = ev.typ.map(|t| t.to_string()).unwrap_or_default();
                views.on_event(docker, tx, &typ, &action);
                if typ != "container" {
                    continue;
                }
                let Some(id) = ev.actor.and_then(|a| a.id) else { continue };
                if !relevant(&action) {
                    continue;
                }
                let t = ev.time.unwrap_or_else(unix_now);
                match action.as_str() {
                    "start" => times.entry(id.clone()).or_default().started = Some(t),
                    "die" => times.entry(id.clone()).or_default().died = Some(t),
                    _ => {}
                }
                let implied = implied(&action);
                if !implied.is_empty() {
                    expect.insert(id.clone(), (implied, 0));
                }
                if action == "destroy" {
                    times.remove(&id);
                    expect.remove(&id);
                    again.remove(&id);
                    stats.forget(&id);
                    if tx.send(Msg::Gone(id)).await.is_err() {
                        return SessionEnd::Quit;
                    }
                    continue;
                }
                if matches!(action.as_str(), "die" | "stop" | "kill" | "pause") {
                    stats.forget(&id);
                }
                if inflight.contains(&id) {
                    again.insert(id);
                } else {
                    inflight.insert(id.clone());
                    fetches.spawn(fetch_one(docker.clone(), id, Duration::ZERO));
                }
            }
            Some(done) = fetches.join_next(), if !fetches.is_empty() => {
                let Ok((id, res)) = done else { continue };
                inflight.remove(&id);
                let msg = match res {
                    Ok(Some(mut c)) => {
                        apply_times(&mut c, times.get(&id));
                        if let Some((states, tries)) = expect.get_mut(&id) {
                            if states.contains(&c.state) || *tries >= RECHECKS {
                                expect.remove(&id);
                            } else {
                                *tries += 1;
                                again.insert(id.clone());
                            }
                        }
                        Msg::Upsert(c)
                    }
                    Ok(None) => Msg::Gone(id.clone()),
                    Err(_) => {
                        // Fetch failed (engine busy?): try once more on the next event.
                        continue;
                    }
                };
                if tx.send(msg).await.is_err() {
                    return SessionEnd::Quit;
                }
                if again.remove(&id) {
                    let delay = match expect.get(&id) {
                        Some((_, tries)) if *tries > 0 => RECHECK_DELAY * *tries,
                        _ => Duration::ZERO,
                    };
                    inflight.insert(id.clone());
                    fetches.spawn(fetch_one(docker.clone(), id, delay));
                }
            }
            Some(_) = actions.join_next(), if !actions.is_empty() => {}
            Some(Ok(kind)) = views.tasks.join_next(), if !views.tasks.is_empty() => {
                views.finished(docker, tx, kind);
            }
            cmd = cmds.recv() => {
                let Some(cmd) = cmd else { return SessionEnd::Quit };
                match cmd {
                    Cmd::Quit => return SessionEnd::Quit,
                    Cmd::Container { id, name, action } => {
                        let docker = docker.clone();
                        let tx = tx.clone();
                        actions.spawn(async move {
                            let result = container_action(&docker, &id, action).await;
                            let _ = tx.send(Msg::ActionDone {
                                id,
                                what: format!("{} {name}", action.verb()),
                                result,
                            }).await;
                        });
                    }
                    Cmd::Logs(req) => log_stream.replace(docker, tx, req),
                    Cmd::WatchStats(ids) => stats.set(docker, tx, ids),
                    Cmd::Inspect(id) => {
                        let docker = docker.clone();
                        let tx = tx.clone();
                        actions.spawn(async move {
                            let text = match docker.inspect_container(&id, None).await {
                                Ok(info) => serde_json::to_string_pretty(&info)
                                    .unwrap_or_else(|e| format!("cannot show inspect: {e}")),
                                Err(e) => format!("inspect failed: {}", friendly_error(&e.to_string())),
                            };
                            let _ = tx.send(Msg::Inspect { id, text }).await;
                        });
                    }
                    Cmd::Exec(cmd) => shells.handle(docker, tx, cmd, Msg::Exec),
                    Cmd::EventHistory => {
                        let docker = docker.clone();
                        let tx = tx.clone();
                        actions.spawn(async move {
                            let r = event_history(&docker).await;
                            let _ = tx.send(Msg::EventHistory(r)).await;
                        });
                    }
                    Cmd::ListEngines => {
                        let _ = tx.send(Msg::Engines(super::client::engine_choices())).await;
                    }
                    Cmd::SwitchEngine { addr, source } => {
                        return SessionEnd::Switch(Target { addr, source });
                    }
                    Cmd::Top(id) => {
                        let docker = docker.clone();
                        let tx = tx.clone();
                        actions.spawn(async move {
                            let result = top(&docker, &id).await;
                            let _ = tx.send(Msg::Top { id, result }).await;
                        });
                    }
                    Cmd::Limits(id) => {
                        let docker = docker.clone();
                        let tx = tx.clone();
                        actions.spawn(async move {
                            if let Ok(limits) = limits(&docker, &id).await {
                                let _ = tx.send(Msg::Limits { id, limits }).await;
                            }
                        });
                    }
                    Cmd::Update { id, name, update } => {
                        let docker = docker.clone();
                        let tx = tx.clone();
                        actions.spawn(async move {
                            let result = update_limits(&docker, &id, update).await;
                            let ok = result.is_ok();
                            let _ = tx.send(Msg::ActionDone { id: id.clone(), what: format!("update {name}"), result }).await;
                            if ok
                                && let Ok(limits) = limits(&docker, &id).await {
                                    let _ = tx.send(Msg::Limits { id, limits }).await;
                                }
                        });
                    }
                    Cmd::ExecOnce { id, name, cmd } => {
                        let docker = docker.clone();
                        let tx = tx.clone();
                        actions.spawn(async move {
                            let title = format!("{name}: {}", cmd.join(" "));
                            let result = exec::run_once(&docker, &id, cmd).await;
                            let _ = tx.send(Msg::ExecOnceDone { title, result }).await;
                        });
                    }
                    Cmd::SaveFullLog { id, path } => {
                        let docker = docker.clone();
                        let tx = tx.clone();
                        actions.spawn(async move {
                            let r = logs::save_full(&docker, &id, &path).await;
                            let _ = tx.send(Msg::Notice(r)).await;
                        });
                    }
                    Cmd::Res(cmd) => views.handle(docker, tx, cmd),
                    Cmd::Handoff { .. } => {}
                    Cmd::SaveFile { .. } | Cmd::Clipboard(_) => {}
                }
            }
        }
    }
}

/// The limits a container runs under, from inspect.
/// `ps` columns for the processes tab: what a person looks for first (who, how much CPU and
/// memory, since when, what).
const TOP_PS_ARGS: &str = "-eo pid,ppid,user,pcpu,rss,etime,args";

/// `docker top`, with our columns; the engine's default (`-ef`) when the host's `ps` does not
/// take them (a busybox `ps`).
async fn top(docker: &Docker, id: &str) -> Result<crate::app::top::Processes, String> {
    use bollard::query_parameters::TopOptionsBuilder;
    let ours = TopOptionsBuilder::default().ps_args(TOP_PS_ARGS).build();
    let answer = match docker.top_processes(id, Some(ours)).await {
        Ok(a) => a,
        Err(first) => match docker.top_processes(id, None).await {
            Ok(a) => a,
            Err(_) => return Err(friendly_error(&first.to_string())),
        },
    };
    let clean = |v: Vec<String>| -> Vec<String> {
        v.iter().map(|s| crate::app::sanitize::plain(s)).collect()
    };
    Ok(crate::app::top::Processes::new(
        clean(answer.titles.unwrap_or_default()),
        answer
            .processes
            .unwrap_or_default()
            .into_iter()
            .map(clean)
            .collect(),
    ))
}

async fn limits(docker: &Docker, id: &str) -> Result<crate::app::model::Limits, String> {
    let info = docker
        .inspect_container(id, None)
        .await
        .map_err(|e| friendly_error(&e.to_string()))?;
    let hc = info.host_config.unwrap_or_default();
    Ok(crate::app::model::Limits {
        nano_cpus: hc.nano_cpus.unwrap_or(0),
        cpu_quota: hc.cpu_quota.unwrap_or(0),
        cpu_period: hc.cpu_period.unwrap_or(0),
        cpu_shares: hc.cpu_shares.unwrap_or(0),
        memory: hc.memory.unwrap_or(0),
        memory_swap: hc.memory_swap.unwrap_or(0),
        pids_limit: hc.pids_limit.unwrap_or(0),
    })
}

/// `docker update --memory --cpus`. A new memory limit above the current swap limit moves the
/// swap limit along (to twice the memory, docker run's default) instead of being refused.
async fn update_limits(
    docker: &Docker,
    id: &str,
    up: crate::app::model::LimitUpdate,
) -> Result<(), String> {
    let mut body = bollard::models::ContainerUpdateBody {
        nano_cpus: up.nano_cpus,
        ..Default::default()
    };
    if let Some(mem) = up.memory {
        body.memory = Some(mem);
        let current = limits(docker, id).await?;
        if current.memory_swap > 0 && current.memory_swap < mem {
            body.memory_swap = Some(mem.saturating_mul(2));
        }
    }
    docker
        .update_container(id, body)
        .await
        .map_err(|e| friendly_error(&e.to_string()))
}

async fn container_action(
    docker: &Docker,
    id: &str,
    action: ContainerAction,
) -> Result<(), String> {
    let r = match action {
        ContainerAction::Start => docker.start_container(id, None).await,
        ContainerAction::Stop => docker.stop_container(id, None).await,
        ContainerAction::Restart => docker.restart_container(id, None).await,
        ContainerAction::Pause => docker.pause_container(id).await,
        ContainerAction::Unpause => docker.unpause_container(id).await,
        ContainerAction::Kill => {
            let opts = KillContainerOptionsBuilder::default()
                .signal("SIGKILL")
                .build();
            docker.kill_container(id, Some(opts)).await
        }
        ContainerAction::Remove { force, volumes } => {
            let opts = RemoveContainerOptionsBuilder::default()
                .force(force)
                .v(volumes)
                .build();
            docker.remove_container(id, Some(opts)).await
        }
    };
    r.map_err(|e| friendly_error(&e.to_string()))
}
