//! What the app hears when a command cannot be carried out (no engine, or the user switched
//! to another): every command someone waits on gets an answer, so nothing shows
//! "Loading…" forever.

use tokio::sync::mpsc;

use crate::app::msg::{Cmd, Msg};

/// Answers `cmd` with `why` it was not carried out, when someone waits on it.
pub async fn refuse(tx: &mpsc::Sender<Msg>, cmd: Cmd, why: &str) {
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
fn refused_res(cmd: &crate::app::msg::ResCmd, why: &str) -> crate::app::msg::ResMsg {
    use crate::app::images::Progress;
    use crate::app::msg::{Kind, ResCmd, ResMsg};
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
