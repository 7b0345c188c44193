//! One connection to an engine: the container list kept current from the events stream,
//! the watched resource lists, and the app's commands, each routed to the file of its
//! resource. A command that asks one thing and waits for one answer goes through
//! [`Requests`]: run this request, send the reply.

use std::collections::HashMap;
use std::path::Path;

use bollard::Docker;
use tokio::sync::mpsc;

use super::ToEngine;
use super::client::Target;
use super::container_list::{ContainerList, relevant};
use super::events::EventRx;
use super::lists::ListWatch;
use super::swarm;
use super::task::{AbortOnDrop, OpTask, Requests};
use super::{build, containers, events, exec, images, logs, networks, stats, system, volumes};
use super::{compose_cli, projects};
use crate::app::images::{Progress, short_id};
use crate::app::model::Listed;
use crate::app::msg::{ConnStatus, Msg, Req};
use crate::app::msg::{ResCmd, ResMsg};
use crate::app::resources::human_size;

pub enum SessionEnd {
    Quit,
    Lost(String),
    /// The user picked another engine.
    Switch(Target, u64),
}

/// What a connection attempt brings: the negotiated client, its events stream (subscribed
/// before the first list, so nothing is missed), and the first list when it was fetched
/// during negotiation.
pub struct Connected {
    pub docker: Docker,
    pub events: (EventRx, AbortOnDrop),
    pub first_list: Option<Listed>,
    pub version: EngineVersion,
}

/// How long the session waits for a pending `/version` answer.
const VERSION_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The `/version` answer asked while connecting, on its way.
pub type VersionAnswer = std::pin::Pin<
    Box<
        dyn std::future::Future<
                Output = Result<bollard::models::SystemVersion, bollard::errors::Error>,
            > + Send,
    >,
>;

/// What connecting knows of the engine's version.
pub enum EngineVersion {
    /// Not asked: the session asks it after the first frame.
    Unknown,
    /// Answered, and `docker` speaks the API version it agreed.
    Known(Box<bollard::models::SystemVersion>),
    /// To ask: the first list came on a client pinned to an API version every current
    /// engine accepts. The session shows that list at once, then asks and waits for this
    /// answer to agree the API version before anything else.
    Pending(VersionAnswer),
}

/// What a session holds besides the client: every stream and request it started ends with
/// it, so a switched-away engine is never heard from again.
struct Session {
    docker: Docker,
    tx: mpsc::Sender<Msg>,
    requests: Requests<Docker, Msg>,
    containers: ContainerList,
    lists: ListWatch,
    logs: logs::LogTask,
    stats: stats::StatsWatch,
    shells: exec::ExecManager,
    /// Pulls, pushes and builds by job id.
    jobs: HashMap<u64, OpTask>,
    /// The service log followed.
    service_logs: Option<AbortOnDrop>,
}

/// The header's engine line from its `/version` answer.
fn connected(addr: &str, v: bollard::models::SystemVersion) -> ConnStatus {
    ConnStatus::Connected {
        addr: addr.to_string(),
        version: v.version.unwrap_or_default(),
        api: v.api_version.unwrap_or_default(),
        os: v.os.unwrap_or_default(),
        ncpu: 0,
        mem_total: 0,
    }
}

fn identity(p: Progress) -> Progress {
    p
}

pub async fn session(
    conn: Connected,
    target: &Target,
    tx: &mpsc::Sender<Msg>,
    cmds: &mut mpsc::UnboundedReceiver<ToEngine>,
) -> SessionEnd {
    let Connected {
        docker,
        events: (mut ev_rx, _events_guard),
        first_list,
        version,
    } = conn;
    let snapshot: Listed = match first_list {
        Some(l) => l,
        None => match docker.list_containers(Some(containers::list_all())).await {
            Ok(list) => {
                let now = containers::unix_now();
                list.into_iter()
                    .filter_map(|s| containers::container(s, now).map(Box::new))
                    .collect()
            }
            Err(e) => return SessionEnd::Lost(super::client::friendly(e)),
        },
    };
    // Without a version answer yet: the header shows "…" where it goes.
    let unversioned = |api: String| ConnStatus::Connected {
        addr: target.addr.clone(),
        version: String::new(),
        api,
        os: String::new(),
        ncpu: 0,
        mem_total: 0,
    };
    let (conn, known) = match &version {
        EngineVersion::Known(v) => (connected(&target.addr, (**v).clone()), true),
        EngineVersion::Pending(_) => (unversioned(String::new()), true),
        EngineVersion::Unknown => (unversioned(docker.client_version().to_string()), false),
    };
    if tx.send(Msg::Conn(conn)).await.is_err() || tx.send(Msg::Snapshot(snapshot)).await.is_err() {
        return SessionEnd::Quit;
    }
    // The list is on its way to the screen: now the API version every later request speaks.
    let docker = match version {
        EngineVersion::Pending(answer) => {
            // As long as connecting may take: an engine that lists but never says its
            // version is lost (and retried), not waited on forever.
            let v = match tokio::time::timeout(VERSION_TIMEOUT, answer).await {
                Ok(Ok(v)) => v,
                Ok(Err(e)) => {
                    return SessionEnd::Lost(super::client::cause(&target.addr, &e, None));
                }
                Err(_) => {
                    let secs = VERSION_TIMEOUT.as_secs();
                    return SessionEnd::Lost(format!("no answer to /version in {secs} s"));
                }
            };
            let agreed = match super::client::agreed_client(&target.addr, &v) {
                Ok(d) => d,
                Err(e) => return SessionEnd::Lost(e),
            };
            if tx
                .send(Msg::Conn(connected(&target.addr, v)))
                .await
                .is_err()
            {
                return SessionEnd::Quit;
            }
            agreed
        }
        _ => docker,
    };
    let mut s = Session {
        requests: Requests::new(docker.clone(), tx.clone()),
        docker,
        tx: tx.clone(),
        containers: ContainerList::default(),
        lists: ListWatch::default(),
        logs: logs::LogTask::default(),
        stats: stats::StatsWatch::default(),
        shells: exec::ExecManager::new(),
        jobs: HashMap::new(),
        service_logs: None,
    };

    // The engine's version for the header, after the first frame, unless connecting asked.
    if !known {
        let addr = target.addr.clone();
        s.requests.reply_if(|docker| async move {
            let v = docker.version().await.ok()?;
            Some(Msg::Conn(connected(&addr, v)))
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
                if !s.on_event(ev).await {
                    return SessionEnd::Quit;
                }
            }
            Some(done) = s.containers.next_fetch() => {
                if let Some(msg) = s.containers.fetched(&s.docker, done)
                    && tx.send(msg).await.is_err()
                {
                    return SessionEnd::Quit;
                }
            }
            () = s.requests.join_next() => {}
            Some(kind) = s.lists.next_done() => s.lists.finished(&s.docker, &s.tx, kind),
            cmd = cmds.recv() => {
                let Some(cmd) = cmd else { return SessionEnd::Quit };
                if let Some(end) = s.route(cmd) {
                    return end;
                }
            }
        }
    }
}

impl Session {
    /// An engine event: to the app, to the lists it makes stale, to the container it names.
    /// False when the app is gone.
    async fn on_event(&mut self, ev: bollard::models::EventMessage) -> bool {
        if self
            .tx
            .send(Msg::Event(events::engine_event(&ev)))
            .await
            .is_err()
        {
            return false;
        }
        let action = ev.action.unwrap_or_default();
        let typ = ev.typ.map(|t| t.to_string()).unwrap_or_default();
        self.lists
            .on_event(&self.docker, &self.tx, &typ, &action, ev.actor.as_ref());
        if typ != "container" {
            return true;
        }
        let Some(actor) = ev.actor else {
            return true;
        };
        let Some(id) = actor.id else {
            return true;
        };
        let name = actor.attributes.as_ref().and_then(|a| a.get("name"));
        if !relevant(&action) {
            return true;
        }
        if matches!(
            action.as_str(),
            "destroy" | "die" | "stop" | "kill" | "pause"
        ) {
            self.stats.forget(&id);
        }
        let time = ev.time.unwrap_or_else(containers::unix_now);
        match self
            .containers
            .on_event(&self.docker, id, &action, time, name.map(String::as_str))
        {
            Some(msg) => self.tx.send(msg).await.is_ok(),
            None => true,
        }
    }

    /// Carries out a command; `Some` when it ends the session.
    fn route(&mut self, cmd: ToEngine) -> Option<SessionEnd> {
        let req = match cmd {
            ToEngine::Quit => return Some(SessionEnd::Quit),
            ToEngine::Switch(to, epoch) => return Some(SessionEnd::Switch(to, epoch)),
            ToEngine::Req(req) => req,
        };
        let r = &mut self.requests;
        match req {
            // Addressed to this engine: it is here.
            Req::On(_, req) => return self.route(ToEngine::Req(*req)),
            Req::Container { id, name, action } => r.reply(|d| async move {
                let result = containers::container_action(&d, &id, action).await;
                let what = format!("{} {name}", action.verb());
                Msg::ActionDone { id, what, result }
            }),
            Req::Group { targets, action } => r.spawn(move |d, tx| async move {
                super::projects::act_in_order(&d, targets, action, |id, name, result| {
                    let what = format!("{} {name}", action.verb());
                    let tx = tx.clone();
                    async move {
                        let _ = tx.send(Msg::ActionDone { id, what, result }).await;
                    }
                })
                .await;
            }),
            Req::Logs(req) => self.logs.replace(&self.docker, &self.tx, req),
            Req::WatchStats(ids) => self.stats.set(&self.docker, &self.tx, ids),
            Req::Inspect(id) => r.reply(|d| async move {
                let text = containers::inspect_text(&d, &id).await;
                Msg::Inspect { id, text }
            }),
            Req::Exec(cmd) => self.shells.handle(&self.docker, &self.tx, cmd, Msg::Exec),
            Req::EventHistory => {
                r.reply(|d| async move { Msg::EventHistory(events::event_history(&d).await) });
            }
            Req::ListEngines => {
                r.reply(|_| async { Msg::Engines(super::client::engine_choices()) });
            }
            Req::Top(id) => r.reply(|d| async move {
                let result = containers::top(&d, &id).await;
                Msg::Top { id, result }
            }),
            Req::Limits(id) => r.reply_if(|d| async move {
                let limits = containers::limits(&d, &id).await.ok()?;
                Some(Msg::Limits { id, limits })
            }),
            Req::Update { id, name, update } => r.spawn(|d, tx| async move {
                // Two replies: the outcome, then the limits now in force.
                let result = containers::update_limits(&d, &id, update).await;
                let ok = result.is_ok();
                let what = format!("update {name}");
                let _ = tx
                    .send(Msg::ActionDone {
                        id: id.clone(),
                        what,
                        result,
                    })
                    .await;
                if ok && let Ok(limits) = containers::limits(&d, &id).await {
                    let _ = tx.send(Msg::Limits { id, limits }).await;
                }
            }),
            Req::ExecOnce { id, name, cmd } => r.reply(|d| async move {
                let title = exec::once_title(&name, &cmd);
                let result = exec::run_once(&d, &id, cmd).await;
                Msg::ExecOnceDone { title, result }
            }),
            Req::SaveFullLog { id, path } => {
                r.reply(|d| async move { Msg::Notice(logs::save_full(&d, &id, &path).await) });
            }
            Req::Res(cmd) => self.route_res(cmd),
            Req::Files(f) => super::files::route(r, f),
            Req::Rename { id, name, to } => r.reply(|d| async move {
                let result = super::files::rename(&d, &id, &to).await;
                let what = format!("rename {name} to {to}");
                Msg::ActionDone { id, what, result }
            }),
            // Its own task: a swap under way is finished even when the session ends (the
            // old container would be left aside otherwise).
            Req::Recreate(req) => r.spawn(|d, tx| async move {
                let task = tokio::spawn(async move { super::recreate::run(&d, &tx, *req).await });
                let _ = task.await;
            }),
            Req::ContainerForm { id, purpose } => r.reply(|d| async move {
                let result = super::recreate::form(&d, &id).await.map(Box::new);
                Msg::ContainerForm { purpose, result }
            }),
        }
        None
    }

    /// Carries out a command of the resource views.
    fn route_res(&mut self, cmd: ResCmd) {
        self.jobs.retain(|_, t| !t.is_finished());
        let r = &mut self.requests;
        let res = Msg::Res;
        let done =
            |what: String, result: Result<String, String>| Msg::Res(ResMsg::Done { what, result });
        let empty = |r: Result<(), String>| r.map(|()| String::new());
        match cmd {
            ResCmd::Watch(kind) => self.lists.watch(&self.docker, &self.tx, kind),
            ResCmd::HostFacts { disk } => {
                r.reply(
                    |d| async move { res(ResMsg::HostFacts(system::host_facts(&d, disk).await)) },
                )
            }
            ResCmd::Info => {
                r.reply(|d| async move { res(ResMsg::Info(system::info(&d).await.map(info_rows))) })
            }
            ResCmd::ImageDetail(id) => r.reply(|d| async move {
                res(ResMsg::ImageDetail(
                    images::inspect(&d, &id).await.map(Box::new),
                ))
            }),
            ResCmd::Deploy { job, spec, labels } => {
                let (ptx, prx) = mpsc::channel(64);
                let task = super::deploy::deploy(&self.docker, *spec, labels, &ptx);
                self.job(job, task, prx);
            }
            ResCmd::Pull { job, reference } => {
                let (ptx, prx) = mpsc::channel(64);
                let task = images::pull(&self.docker, &reference, &ptx, identity);
                self.job(job, task, prx);
            }
            ResCmd::Push { job, reference } => {
                let (ptx, prx) = mpsc::channel(64);
                let task = images::push(&self.docker, &reference, &ptx, identity);
                self.job(job, task, prx);
            }
            ResCmd::SaveImages {
                job,
                refs,
                dest,
                estimate,
            } => {
                let (ptx, prx) = mpsc::channel(64);
                let task =
                    super::image_tar::save(&self.docker, refs, dest, estimate, &ptx, identity);
                self.job(job, task, prx);
            }
            ResCmd::LoadImages { job, src } => {
                let (ptx, prx) = mpsc::channel(64);
                let task = super::image_tar::load(&self.docker, src, &ptx, identity);
                self.job(job, task, prx);
            }
            ResCmd::Build {
                job,
                dir,
                tag,
                dockerfile,
                build_args,
            } => {
                let (ptx, prx) = mpsc::channel(64);
                let task = build::build(
                    &self.docker,
                    Path::new(&dir),
                    dockerfile.as_deref(),
                    &tag,
                    &build_args,
                    &ptx,
                    identity,
                );
                self.job(job, task, prx);
            }
            ResCmd::VolumeSizes => {
                r.reply(
                    |d| async move { res(ResMsg::Volumes(volumes::list_volumes(&d, true).await)) },
                )
            }
            ResCmd::CancelJob(job) => {
                if let Some(task) = self.jobs.remove(&job) {
                    task.abort();
                    r.reply(move |_| async move {
                        let progress = Progress::Error("cancelled".into());
                        res(ResMsg::Job { id: job, progress })
                    });
                }
            }
            ResCmd::RemoveImage { id, force } => r.reply(move |d| async move {
                let result = images::remove(&d, &id, force).await.map(|v| v.join(", "));
                done("remove image".into(), result)
            }),
            ResCmd::PruneImages { all } => r.reply(move |d| async move {
                let result = images::prune(&d, !all).await.map(|(v, bytes)| {
                    format!("{} removed, {} reclaimed", v.len(), human_size(bytes))
                });
                done("prune images".into(), result)
            }),
            ResCmd::Tag { id, repo, tag } => r.reply(move |d| async move {
                let result = empty(images::tag(&d, &id, &repo, &tag).await);
                done(format!("tag {repo}:{tag}"), result)
            }),
            ResCmd::Commit {
                container,
                repo,
                tag,
                author,
                message,
            } => r.reply(move |d| async move {
                let result = images::commit(&d, &container, &repo, &tag, &author, &message)
                    .await
                    .map(|id| format!("image {}", short_id(&id)));
                done(format!("commit {repo}:{tag}"), result)
            }),
            ResCmd::CreateVolume(name) => r.reply(move |d| async move {
                let result = volumes::create_volume(&d, &name, None, &[])
                    .await
                    .map(|v| v.name);
                done("create volume".into(), result)
            }),
            ResCmd::RemoveVolume(name) => r.reply(move |d| async move {
                let result = empty(volumes::remove_volume(&d, &name, false).await);
                done(format!("remove volume {name}"), result)
            }),
            ResCmd::PruneVolumes => r.reply(move |d| async move {
                let result = volumes::prune_volumes(&d, None, false)
                    .await
                    .map(|(v, bytes)| {
                        format!("{} removed, {} reclaimed", v.len(), human_size(bytes))
                    });
                done("prune volumes".into(), result)
            }),
            ResCmd::CreateNetwork { name, subnet } => r.reply(move |d| async move {
                let result = networks::create_network(&d, &name, None, subnet.as_deref(), &[])
                    .await
                    .map(|_| String::new());
                done(format!("create network {name}"), result)
            }),
            ResCmd::RemoveNetwork(id) => r.reply(move |d| async move {
                let result = empty(networks::remove_network(&d, &id).await);
                done("remove network".into(), result)
            }),
            ResCmd::Connect {
                network,
                container,
                alias,
            } => r.reply(move |d| async move {
                let aliases: Vec<String> = alias.into_iter().collect();
                let result =
                    empty(networks::connect_network(&d, &network, &container, &aliases).await);
                done(format!("connect {container} to {network}"), result)
            }),
            ResCmd::Disconnect { network, container } => r.reply(move |d| async move {
                let result =
                    empty(networks::disconnect_network(&d, &network, &container, false).await);
                done(format!("disconnect {container} from {network}"), result)
            }),
            ResCmd::PruneNetworks => r.reply(move |d| async move {
                let result = networks::prune_networks(&d, None)
                    .await
                    .map(|v| format!("{} removed", v.len()));
                done("prune networks".into(), result)
            }),
            ResCmd::SystemPrune => r.reply(move |d| async move {
                let result = system::prune_all(&d, None).await.map(|s| s.text());
                done("system prune".into(), result)
            }),
            ResCmd::Run(spec) => {
                r.reply(move |d| async move { res(ResMsg::Ran(containers::run(&d, &spec).await)) })
            }
            ResCmd::Tasks(service) => r.reply(move |d| async move {
                let result = swarm::tasks(&d, &service).await;
                res(ResMsg::Tasks { service, result })
            }),
            ResCmd::InspectService { id, name } => r.reply(move |d| async move {
                let result = swarm::inspect_service(&d, &id).await;
                res(ResMsg::ServiceInspect { name, result })
            }),
            ResCmd::ChangeService { id, name, change } => r.reply(move |d| async move {
                let what = format!("{} {name}", change.verb());
                let result = swarm::change_service(&d, &id, change).await;
                done(what, result)
            }),
            ResCmd::RemoveService { id, name } => r.reply(move |d| async move {
                let result = empty(swarm::remove_service(&d, &id).await);
                done(format!("remove service {name}"), result)
            }),
            ResCmd::RemoveStack(name) => r.reply(move |d| async move {
                let result = swarm::remove_stack(&d, &name).await;
                done(format!("remove stack {name}"), result)
            }),
            ResCmd::ChangeNode { id, name, change } => r.reply(move |d| async move {
                let what = format!("{} {name}", change.verb());
                let result = empty(swarm::change_node(&d, &id, change).await);
                done(what, result)
            }),
            ResCmd::RemoveNode { id, name, force } => r.reply(move |d| async move {
                let result = empty(swarm::remove_node(&d, &id, force).await);
                done(format!("remove node {name}"), result)
            }),
            ResCmd::Compose(run) => {
                let job = run.job;
                self.jobs
                    .insert(job, compose_cli::run(run, self.tx.clone()));
            }
            ResCmd::CreateSecret { kind, name, file } => r.reply(move |d| async move {
                let result = swarm::create_secret(&d, kind, &name, &file).await;
                done(format!("create {} {name}", kind.noun()), result)
            }),
            ResCmd::RemoveSecret { kind, id, name } => r.reply(move |d| async move {
                let result = empty(swarm::remove_secret(&d, kind, &id).await);
                done(format!("remove {} {name}", kind.noun()), result)
            }),
            ResCmd::ServiceLogs(req) => {
                self.service_logs = None;
                self.service_logs =
                    req.map(|req| super::service_logs::start(&self.docker, &self.tx, req));
            }
            ResCmd::DeployStack(deploy) => {
                let job = deploy.job;
                self.jobs
                    .insert(job, compose_cli::deploy_stack(deploy, self.tx.clone()));
            }
            ResCmd::ComposeDown {
                projects,
                service,
                volumes,
            } => r.reply(move |d| async move {
                let mut texts = Vec::new();
                let mut result = Ok(());
                for p in &projects {
                    match projects::down(&d, p, service.as_deref(), volumes).await {
                        Ok(t) => texts.push(format!("{p}: {t}")),
                        Err(e) => result = Err(format!("{p}: {e}")),
                    }
                }
                let what = match &service {
                    Some(s) => format!("down {s} of {}", projects.join(", ")),
                    None => format!("down {}", projects.join(", ")),
                };
                done(what, result.map(|()| texts.join("; ")))
            }),
            // Registries: HTTP to the registry, no engine involved.
            ResCmd::Registries => r.reply(move |_| async move {
                res(ResMsg::Registries(super::registry::list_registries().await))
            }),
            ResCmd::Catalog(reg) => r.reply(move |_| async move {
                let result = super::registry::catalog(&reg).await;
                res(ResMsg::Catalog {
                    host: reg.host,
                    result,
                })
            }),
            ResCmd::RegistryTags { registry, repo } => r.reply(move |_| async move {
                let result = super::registry::tags(&registry, &repo).await;
                res(ResMsg::RegistryTags {
                    host: registry.host,
                    repo,
                    result,
                })
            }),
            ResCmd::RegistryTag {
                registry,
                repo,
                tag,
            } => r.reply(move |_| async move {
                let result = super::registry::tag_info(&registry, &repo, &tag)
                    .await
                    .map(Box::new);
                res(ResMsg::RegistryTag {
                    host: registry.host,
                    repo,
                    tag,
                    result,
                })
            }),
            ResCmd::Retag {
                registry,
                repo,
                tag,
                to,
            } => r.reply(move |_| async move {
                let result = super::registry::retag(&registry, &repo, &tag, &to).await;
                res(ResMsg::Retagged {
                    host: registry.host,
                    repo,
                    tag,
                    to,
                    result,
                })
            }),
            ResCmd::CheckTags { tags, insecure } => r.reply(move |_| async move {
                res(ResMsg::TagDigests(
                    super::registry::digests(tags, &insecure).await,
                ))
            }),
            ResCmd::DeleteTag {
                registry,
                repo,
                tag,
                digest,
            } => r.reply(move |_| async move {
                let result = super::registry::delete(&registry, &repo, &digest).await;
                res(ResMsg::TagDeleted {
                    host: registry.host,
                    repo,
                    tag,
                    result,
                })
            }),
        }
    }

    /// Keeps a pull, push or build by its job id, its progress forwarded to the app.
    fn job(&mut self, job: u64, task: OpTask, mut prx: mpsc::Receiver<Progress>) {
        self.requests.spawn(move |_, tx| async move {
            while let Some(progress) = prx.recv().await {
                if tx
                    .send(Msg::Res(ResMsg::Job { id: job, progress }))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        });
        self.jobs.insert(job, task);
    }
}

/// The engine view's rows.
fn info_rows(i: crate::app::resources::EngineInfo) -> Vec<(String, String)> {
    vec![
        ("Engine".into(), format!("{} (API {})", i.version, i.api)),
        ("Host".into(), i.name),
        (
            "OS".into(),
            format!("{} · kernel {} · {}", i.os, i.kernel, i.arch),
        ),
        (
            "CPUs / memory".into(),
            format!("{} / {}", i.ncpu, human_size(i.mem_total)),
        ),
        (
            "Containers".into(),
            format!(
                "{} ({} running, {} paused, {} stopped)",
                i.containers, i.running, i.paused, i.stopped
            ),
        ),
        ("Images".into(), i.images.to_string()),
        ("Storage driver".into(), i.storage_driver),
    ]
}
