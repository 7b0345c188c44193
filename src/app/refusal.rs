//! What the app hears when a request is not carried out (no engine, the user switched to
//! another, the engine is read-only): one exhaustive match, so a new request cannot silently
//! lose its answer, and nothing shows "Loading…" forever. Pure: the docker layer sends these
//! answers for what it cannot do, the update function for what it refuses itself.

use super::exec::{ExecCmd, ExecEvent};
use super::images::Progress;
use super::msg::{Kind, LogEvent, LogEventKind, Msg, Req, ResCmd, ResMsg};
use super::swarm::SecretKind;

/// The answer to a refused request; None where nobody waits on one.
pub fn answer(req: Req, why: &str) -> Option<Msg> {
    let why = why.to_string();
    Some(match req {
        Req::Container { id, name, action } => Msg::ActionDone {
            id,
            what: format!("{} {name}", action.verb()),
            result: Err(why),
        },
        Req::On(_, r) => return answer(*r, &why),
        // Nobody marks a group's containers one by one: one answer names them all.
        Req::Group { targets, action } => Msg::ActionDone {
            id: targets
                .first()
                .map(|(id, _)| id.clone())
                .unwrap_or_default(),
            what: format!(
                "{} {}",
                action.verb(),
                targets
                    .iter()
                    .map(|(_, n)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            result: Err(why),
        },
        Req::Logs(Some(r)) => Msg::Logs(LogEvent {
            generation: r.generation,
            kind: LogEventKind::Error(why),
        }),
        // Closing a stream: nothing to answer.
        Req::Logs(None) => return None,
        // The watch set is sent again on every (re)connection.
        Req::WatchStats(_) => return None,
        Req::Inspect(id) => Msg::Inspect { id, text: why },
        Req::Top(id) => Msg::Top {
            id,
            result: Err(why),
        },
        Req::EventHistory => Msg::EventHistory(Err(why)),
        // Reading the docker contexts needs no engine: the docker layer answers it itself.
        Req::ListEngines => return None,
        Req::Exec(ExecCmd::Open(r)) => Msg::Exec(ExecEvent::Failed {
            session: r.session,
            error: why,
        }),
        // Keys, sizes and closes for a session that failed or ended with the connection.
        Req::Exec(ExecCmd::Input { .. } | ExecCmd::Resize { .. } | ExecCmd::Close(_)) => {
            return None;
        }
        // The stats tab shows no limits until they come: nothing waits on them.
        Req::Limits(_) => return None,
        Req::Res(r) => Msg::Res(refused_res(r, why)?),
        Req::SaveFullLog { .. } => Msg::Notice(Err(format!("cannot save the log: {why}"))),
        Req::Update { id, name, .. } => Msg::ActionDone {
            id,
            what: format!("update {name}"),
            result: Err(why),
        },
        Req::ExecOnce { name, .. } => Msg::ExecOnceDone {
            title: name,
            result: Err(why),
        },
        Req::Files(f) => Msg::Files(super::files::refused(f, why)),
        Req::Rename { id, name, to } => Msg::ActionDone {
            id,
            what: format!("rename {name} to {to}"),
            result: Err(why),
        },
        Req::Recreate(r) => Msg::Recreated(
            r.targets
                .into_iter()
                .map(|t| super::recreate::Report {
                    id: t.id,
                    name: t.name,
                    result: Err(why.clone()),
                })
                .collect(),
        ),
        Req::ContainerForm { purpose, .. } => Msg::ContainerForm {
            purpose,
            result: Err(why),
        },
    })
}

/// The answer to a refused request of the resource views: its list, detail or job fails.
fn refused_res(cmd: ResCmd, why: String) -> Option<ResMsg> {
    let done = |what: &str, why: String| ResMsg::Done {
        what: what.to_string(),
        result: Err(why),
    };
    Some(match cmd {
        ResCmd::Watch(Kind::Images) => ResMsg::Images(Err(why)),
        ResCmd::Watch(Kind::Volumes) | ResCmd::VolumeSizes => ResMsg::Volumes(Err(why)),
        ResCmd::Watch(Kind::Networks) => ResMsg::Networks(Err(why)),
        ResCmd::Watch(Kind::DiskUsage) => ResMsg::Disk(Err(why)),
        ResCmd::Info => ResMsg::Info(Err(why)),
        ResCmd::HostFacts { .. } => ResMsg::HostFacts(Err(why)),
        ResCmd::ImageDetail(_) => ResMsg::ImageDetail(Err(why)),
        ResCmd::Pull { job, .. }
        | ResCmd::Push { job, .. }
        | ResCmd::Build { job, .. }
        | ResCmd::SaveImages { job, .. }
        | ResCmd::LoadImages { job, .. }
        | ResCmd::Deploy { job, .. } => ResMsg::Job {
            id: job,
            progress: Progress::Error(why),
        },
        ResCmd::Run(_) => ResMsg::Ran(Err(why)),
        // The job it would cancel was refused too.
        ResCmd::CancelJob(_) => return None,
        ResCmd::RemoveImage { .. } => done("remove image", why),
        ResCmd::PruneImages { .. } => done("prune images", why),
        ResCmd::Tag { .. } => done("tag", why),
        ResCmd::Commit { .. } => done("commit", why),
        ResCmd::CreateVolume(_) => done("create volume", why),
        ResCmd::RemoveVolume(_) => done("remove volume", why),
        ResCmd::PruneVolumes => done("prune volumes", why),
        ResCmd::CreateNetwork { .. } => done("create network", why),
        ResCmd::RemoveNetwork(_) => done("remove network", why),
        ResCmd::Connect { .. } => done("connect", why),
        ResCmd::Disconnect { .. } => done("disconnect", why),
        ResCmd::PruneNetworks => done("prune networks", why),
        ResCmd::SystemPrune => done("system prune", why),
        ResCmd::Watch(Kind::Services) => ResMsg::Services(Err(why)),
        ResCmd::Watch(Kind::Nodes) => ResMsg::Nodes(Err(why)),
        ResCmd::Watch(Kind::Secrets) => ResMsg::Secrets {
            kind: SecretKind::Secret,
            result: Err(why),
        },
        ResCmd::Watch(Kind::Configs) => ResMsg::Secrets {
            kind: SecretKind::Config,
            result: Err(why),
        },
        ResCmd::CreateSecret { kind, name, .. } => {
            done(&format!("create {} {name}", kind.noun()), why)
        }
        ResCmd::RemoveSecret { kind, name, .. } => {
            done(&format!("remove {} {name}", kind.noun()), why)
        }
        ResCmd::Tasks(service) => ResMsg::Tasks {
            service,
            result: Err(why),
        },
        ResCmd::InspectService { name, .. } => ResMsg::ServiceInspect {
            name,
            result: Err(why),
        },
        ResCmd::ChangeService { name, change, .. } => {
            done(&format!("{} {name}", change.verb()), why)
        }
        ResCmd::RemoveService { name, .. } => done(&format!("remove service {name}"), why),
        ResCmd::RemoveStack(name) => done(&format!("remove stack {name}"), why),
        ResCmd::ChangeNode { name, change, .. } => done(&format!("{} {name}", change.verb()), why),
        ResCmd::RemoveNode { name, .. } => done(&format!("remove node {name}"), why),
        ResCmd::ComposeDown { .. } => done("down", why),
        ResCmd::Compose(run) => ResMsg::Compose {
            job: run.job,
            progress: Progress::Error(why),
        },
        ResCmd::ServiceLogs(Some(r)) => ResMsg::ServiceLogs(LogEvent {
            generation: r.generation,
            kind: LogEventKind::Error(why),
        }),
        // Closing a stream: nothing to answer.
        ResCmd::ServiceLogs(None) => return None,
        ResCmd::DeployStack(d) => ResMsg::Job {
            id: d.job,
            progress: Progress::Error(why),
        },
        ResCmd::Registries => ResMsg::Registries(Err(why)),
        ResCmd::Catalog(reg) => ResMsg::Catalog {
            host: reg.host,
            result: Err(why),
        },
        ResCmd::RegistryTags { registry, repo } => ResMsg::RegistryTags {
            host: registry.host,
            repo,
            result: Err(why),
        },
        ResCmd::RegistryTag {
            registry,
            repo,
            tag,
        } => ResMsg::RegistryTag {
            host: registry.host,
            repo,
            tag,
            result: Err(why),
        },
        ResCmd::Retag {
            registry,
            repo,
            tag,
            to,
        } => ResMsg::Retagged {
            host: registry.host,
            repo,
            tag,
            to,
            result: Err(why),
        },
        ResCmd::CheckTags { tags, .. } => {
            ResMsg::TagDigests(tags.into_iter().map(|t| (t, Err(why.clone()))).collect())
        }
        ResCmd::DeleteTag {
            registry,
            repo,
            tag,
            ..
        } => ResMsg::TagDeleted {
            host: registry.host,
            repo,
            tag,
            result: Err(why),
        },
    })
}
