//! The lists of the images, volumes, networks and disk-usage views, kept fresh from the
//! events stream once the app watches them (a burst of events costs one fetch).

use std::collections::HashSet;

use bollard::Docker;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::{images, networks, swarm, system, volumes};
use crate::app::Msg;
use crate::app::msg::{Kind, ResMsg};

#[derive(Default)]
pub struct ListWatch {
    watched: HashSet<Kind>,
    inflight: HashSet<Kind>,
    again: HashSet<Kind>,
    tasks: JoinSet<Kind>,
}

/// The list kinds an engine event of `typ` makes stale.
pub fn kinds_for_event(typ: &str) -> &'static [Kind] {
    match typ {
        "image" => &[Kind::Images, Kind::DiskUsage],
        "volume" => &[Kind::Volumes, Kind::DiskUsage],
        "network" => &[Kind::Networks],
        "service" => &[Kind::Services],
        "node" => &[Kind::Nodes, Kind::Services],
        _ => &[],
    }
}

impl ListWatch {
    /// The app shows `kind`: send it now, and again whenever events make it stale.
    pub fn watch(&mut self, docker: &Docker, tx: &mpsc::Sender<Msg>, kind: Kind) {
        self.watched.insert(kind);
        self.refresh(docker, tx, kind);
    }

    /// Waits for a refresh to end (pending forever when none runs: for `select!`).
    pub async fn next_done(&mut self) -> Option<Kind> {
        match self.tasks.join_next().await {
            Some(done) => done.ok(),
            None => std::future::pending().await,
        }
    }

    /// An engine event of type `typ` (image, volume, network, container) arrived.
    pub fn on_event(&mut self, docker: &Docker, tx: &mpsc::Sender<Msg>, typ: &str, action: &str) {
        let mut kinds: Vec<Kind> = kinds_for_event(typ).to_vec();
        // Containers coming and going change volumes' users and disk usage.
        if typ == "container" && matches!(action, "create" | "destroy") {
            kinds.extend([Kind::Volumes, Kind::DiskUsage, Kind::Images]);
        }
        // A task's container starting or ending here changes its service's running count.
        if typ == "container" && matches!(action, "start" | "die") {
            kinds.extend([Kind::Services, Kind::Nodes]);
        }
        for k in kinds {
            if self.watched.contains(&k) {
                self.refresh(docker, tx, k);
            }
        }
    }

    fn refresh(&mut self, docker: &Docker, tx: &mpsc::Sender<Msg>, kind: Kind) {
        if self.inflight.contains(&kind) {
            self.again.insert(kind);
            return;
        }
        self.inflight.insert(kind);
        let docker = docker.clone();
        let tx = tx.clone();
        self.tasks.spawn(async move {
            let msg = match kind {
                Kind::Images => ResMsg::Images(images::list(&docker, true).await.map(per_tag)),
                Kind::Volumes => ResMsg::Volumes(volumes::list_volumes(&docker, false).await),
                Kind::Networks => ResMsg::Networks(networks::list_networks(&docker).await),
                Kind::DiskUsage => ResMsg::Disk(system::disk_usage(&docker).await),
                // Sent now, and again while tasks start or an update runs.
                Kind::Services => {
                    swarm::services_until_settled(&docker, &tx).await;
                    return kind;
                }
                Kind::Nodes => ResMsg::Nodes(swarm::list_nodes(&docker).await),
            };
            let _ = tx.send(Msg::Res(msg)).await;
            kind
        });
    }

    /// A refresh finished: run it again if events came meanwhile.
    pub fn finished(&mut self, docker: &Docker, tx: &mpsc::Sender<Msg>, kind: Kind) {
        self.inflight.remove(&kind);
        if self.again.remove(&kind) {
            self.refresh(docker, tx, kind);
        }
    }
}

/// One row per tag, as `docker images` shows them (an untagged image is one row).
pub fn per_tag(list: Vec<crate::app::images::Image>) -> Vec<crate::app::images::Image> {
    let mut out = Vec::with_capacity(list.len());
    for img in list {
        if img.tags.len() <= 1 {
            out.push(img);
            continue;
        }
        for tag in &img.tags {
            out.push(crate::app::images::Image {
                tags: vec![tag.clone()],
                ..img.clone()
            });
        }
    }
    out
}
