//! The lists of the images, volumes, networks and disk-usage views, kept fresh from the
//! events stream once the app watches them (a burst of events costs one fetch). A service's
//! event (or its task's container starting or dying here) fetches that service only.

use std::collections::HashSet;

use bollard::Docker;
use bollard::models::EventActor;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::{images, networks, swarm, system, volumes};
use crate::app::Msg;
use crate::app::msg::{Kind, ResMsg};
use crate::app::swarm::SecretKind;

/// What a fetch was for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Fetch {
    List(Kind),
    /// One service, by id.
    Service(String),
    /// One node, by id.
    Node(String),
}

#[derive(Default)]
pub struct ListWatch {
    watched: HashSet<Kind>,
    inflight: HashSet<Fetch>,
    again: HashSet<Fetch>,
    tasks: JoinSet<Fetch>,
}

/// The labels the engine puts on a task's container: its service's id, its node's.
const SERVICE_ID_LABEL: &str = "com.docker.swarm.service.id";
const NODE_ID_LABEL: &str = "com.docker.swarm.node.id";

/// The list kinds an engine event of `typ` makes stale.
pub fn kinds_for_event(typ: &str) -> &'static [Kind] {
    match typ {
        "image" => &[Kind::Images, Kind::DiskUsage],
        "volume" => &[Kind::Volumes, Kind::DiskUsage],
        "network" => &[Kind::Networks],
        // A service's own event fetches it alone, a node's the node (`ListWatch::on_event`);
        // a node's can move any task.
        "node" => &[Kind::Services],
        "secret" => &[Kind::Secrets],
        "config" => &[Kind::Configs],
        _ => &[],
    }
}

impl ListWatch {
    /// The app shows `kind`: send it now, and again whenever events make it stale.
    pub fn watch(&mut self, docker: &Docker, tx: &mpsc::Sender<Msg>, kind: Kind) {
        self.watched.insert(kind);
        self.refresh(docker, tx, Fetch::List(kind));
    }

    /// Waits for a refresh to end (pending forever when none runs: for `select!`).
    pub async fn next_done(&mut self) -> Option<Fetch> {
        match self.tasks.join_next().await {
            Some(done) => done.ok(),
            None => std::future::pending().await,
        }
    }

    /// An engine event of type `typ` (image, volume, network, container, service…) arrived,
    /// about `actor`.
    pub fn on_event(
        &mut self,
        docker: &Docker,
        tx: &mpsc::Sender<Msg>,
        typ: &str,
        action: &str,
        actor: Option<&EventActor>,
    ) {
        let mut kinds: Vec<Kind> = kinds_for_event(typ).to_vec();
        // Containers coming and going change volumes' users and disk usage.
        if typ == "container" && matches!(action, "create" | "destroy") {
            kinds.extend([Kind::Volumes, Kind::DiskUsage, Kind::Images]);
        }
        let mut service = None;
        if typ == "service" {
            service = actor.and_then(|a| a.id.clone());
            // No id to fetch by: the whole list.
            if service.is_none() {
                kinds.push(Kind::Services);
            }
        }
        let mut node = None;
        if typ == "node" {
            node = actor.and_then(|a| a.id.clone());
            if node.is_none() {
                kinds.push(Kind::Nodes);
            }
        }
        // A task's container starting or ending here changes its service's running count
        // and its node's.
        if typ == "container" && matches!(action, "start" | "die") {
            let label = |k| {
                actor
                    .and_then(|a| a.attributes.as_ref())
                    .and_then(|a| a.get(k))
                    .cloned()
            };
            service = label(SERVICE_ID_LABEL);
            node = label(NODE_ID_LABEL);
        }
        for k in kinds {
            if self.watched.contains(&k) {
                self.refresh(docker, tx, Fetch::List(k));
            }
        }
        if let Some(id) = service
            && self.watched.contains(&Kind::Services)
        {
            self.refresh(docker, tx, Fetch::Service(id));
        }
        if let Some(id) = node
            && self.watched.contains(&Kind::Nodes)
        {
            self.refresh(docker, tx, Fetch::Node(id));
        }
    }

    fn refresh(&mut self, docker: &Docker, tx: &mpsc::Sender<Msg>, fetch: Fetch) {
        if self.inflight.contains(&fetch) {
            self.again.insert(fetch);
            return;
        }
        self.inflight.insert(fetch.clone());
        let docker = docker.clone();
        let tx = tx.clone();
        let kind = match fetch {
            Fetch::List(kind) => kind,
            Fetch::Service(id) => {
                self.tasks.spawn(async move {
                    swarm::service_until_settled(&docker, &tx, &id).await;
                    Fetch::Service(id)
                });
                return;
            }
            Fetch::Node(id) => {
                self.tasks.spawn(async move {
                    // A failure leaves the list as it was: the next event fetches again.
                    if let Ok(node) = swarm::one_node(&docker, &id).await {
                        let msg = ResMsg::Node {
                            id: id.clone(),
                            node,
                        };
                        let _ = tx.send(Msg::Res(msg)).await;
                    }
                    Fetch::Node(id)
                });
                return;
            }
        };
        self.tasks.spawn(async move {
            let msg = match kind {
                Kind::Images => ResMsg::Images(images::list(&docker, true).await.map(per_tag)),
                Kind::Volumes => ResMsg::Volumes(volumes::list_volumes(&docker, false).await),
                Kind::Networks => ResMsg::Networks(networks::list_networks(&docker).await),
                Kind::DiskUsage => ResMsg::Disk(system::disk_usage(&docker).await),
                // Sent now, and again while tasks start or an update runs.
                Kind::Services => {
                    swarm::services_until_settled(&docker, &tx).await;
                    return Fetch::List(kind);
                }
                Kind::Nodes => ResMsg::Nodes(swarm::list_nodes(&docker).await),
                Kind::Secrets | Kind::Configs => {
                    let kind = if kind == Kind::Secrets {
                        SecretKind::Secret
                    } else {
                        SecretKind::Config
                    };
                    let result = swarm::list_secrets(&docker, kind).await;
                    ResMsg::Secrets { kind, result }
                }
            };
            let _ = tx.send(Msg::Res(msg)).await;
            Fetch::List(kind)
        });
    }

    /// A refresh finished: run it again if events came meanwhile.
    pub fn finished(&mut self, docker: &Docker, tx: &mpsc::Sender<Msg>, done: Fetch) {
        self.inflight.remove(&done);
        if self.again.remove(&done) {
            self.refresh(docker, tx, done);
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
                host: None,
                tags: vec![tag.clone()],
                ..img.clone()
            });
        }
    }
    out
}
