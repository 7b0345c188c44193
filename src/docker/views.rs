//! The engine side of the images, volumes, networks and engine views: lists kept fresh from
//! the events stream (a burst of events costs one fetch), and the operations on them.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use bollard::Docker;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::{images, resources};
use crate::app::Msg;
use crate::app::images::Progress;
use crate::app::views::{Kind, ResCmd, ResMsg};

#[derive(Default)]
pub struct ViewsTask {
    watched: HashSet<Kind>,
    inflight: HashSet<Kind>,
    again: HashSet<Kind>,
    pub tasks: JoinSet<Kind>,
    ops: JoinSet<()>,
    jobs: HashMap<u64, images::OpTask>,
}

/// The list kinds an engine event of `typ` makes stale.
pub fn kinds_for_event(typ: &str) -> &'static [Kind] {
    match typ {
        "image" => &[Kind::Images, Kind::DiskUsage],
        "volume" => &[Kind::Volumes, Kind::DiskUsage],
        "network" => &[Kind::Networks],
        _ => &[],
    }
}

fn identity(p: Progress) -> Progress {
    p
}

impl ViewsTask {
    /// An engine event of type `typ` (image, volume, network, container) arrived.
    pub fn on_event(&mut self, docker: &Docker, tx: &mpsc::Sender<Msg>, typ: &str, action: &str) {
        let mut kinds: Vec<Kind> = kinds_for_event(typ).to_vec();
        // Containers coming and going change volumes' users and disk usage.
        if typ == "container" && matches!(action, "create" | "destroy") {
            kinds.extend([Kind::Volumes, Kind::DiskUsage, Kind::Images]);
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
                Kind::Volumes => ResMsg::Volumes(resources::list_volumes(&docker, false).await),
                Kind::Networks => ResMsg::Networks(resources::list_networks(&docker).await),
                Kind::DiskUsage => ResMsg::Disk(resources::disk_usage(&docker).await),
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

    /// Reap finished operations (keeps the sets small).
    pub fn reap(&mut self) {
        while self.ops.try_join_next().is_some() {}
        self.jobs.retain(|_, t| !t.is_finished());
    }

    pub fn handle(&mut self, docker: &Docker, tx: &mpsc::Sender<Msg>, cmd: ResCmd) {
        self.reap();
        let done =
            |what: String, result: Result<String, String>| Msg::Res(ResMsg::Done { what, result });
        let d = docker.clone();
        let t = tx.clone();
        match cmd {
            ResCmd::Watch(kind) => {
                self.watched.insert(kind);
                self.refresh(docker, tx, kind);
            }
            ResCmd::Info => {
                self.ops.spawn(async move {
                    let r = resources::info(&d).await.map(|i| {
                        vec![
                            ("Engine".into(), format!("{} (API {})", i.version, i.api)),
                            ("Host".into(), i.name),
                            (
                                "OS".into(),
                                format!("{} · kernel {} · {}", i.os, i.kernel, i.arch),
                            ),
                            (
                                "CPUs / memory".into(),
                                format!("{} / {}", i.ncpu, resources_size(i.mem_total)),
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
                    });
                    let _ = t.send(Msg::Res(ResMsg::Info(r))).await;
                });
            }
            ResCmd::ImageDetail(id) => {
                self.ops.spawn(async move {
                    let r = images::inspect(&d, &id).await.map(Box::new);
                    let _ = t.send(Msg::Res(ResMsg::ImageDetail(r))).await;
                });
            }
            ResCmd::Pull { job, reference } => {
                let (ptx, prx) = mpsc::channel(64);
                let task = images::pull(docker, &reference, &ptx, identity);
                self.forward(tx, job, prx);
                self.jobs.insert(job, task);
            }
            ResCmd::Push { job, reference } => {
                let (ptx, prx) = mpsc::channel(64);
                let task = images::push(docker, &reference, &ptx, identity);
                self.forward(tx, job, prx);
                self.jobs.insert(job, task);
            }
            ResCmd::Build {
                job,
                dir,
                tag,
                dockerfile,
                build_args,
            } => {
                let (ptx, prx) = mpsc::channel(64);
                let task = images::build(
                    docker,
                    Path::new(&dir),
                    dockerfile.as_deref(),
                    &tag,
                    &build_args,
                    &ptx,
                    identity,
                );
                self.forward(tx, job, prx);
                self.jobs.insert(job, task);
            }
            ResCmd::VolumeSizes => {
                self.ops.spawn(async move {
                    let r = resources::list_volumes(&d, true).await;
                    let _ = t.send(Msg::Res(ResMsg::Volumes(r))).await;
                });
            }
            ResCmd::CancelJob(job) => {
                if let Some(task) = self.jobs.remove(&job) {
                    task.abort();
                    let t = tx.clone();
                    self.ops.spawn(async move {
                        let progress = Progress::Error("cancelled".into());
                        let _ = t.send(Msg::Res(ResMsg::Job { id: job, progress })).await;
                    });
                }
            }
            other => {
                self.ops.spawn(async move {
                    let msg = match other {
                        ResCmd::RemoveImage { id, force } => done(
                            "remove image".into(),
                            images::remove(&d, &id, force).await.map(|v| v.join(", ")),
                        ),
                        ResCmd::PruneImages { all } => done(
                            "prune images".into(),
                            images::prune(&d, !all).await.map(|(v, bytes)| {
                                format!("{} removed, {} reclaimed", v.len(), resources_size(bytes))
                            }),
                        ),
                        ResCmd::Tag { id, repo, tag } => done(
                            format!("tag {repo}:{tag}"),
                            images::tag(&d, &id, &repo, &tag)
                                .await
                                .map(|()| String::new()),
                        ),
                        ResCmd::Commit {
                            container,
                            repo,
                            tag,
                            author,
                            message,
                        } => done(
                            format!("commit {repo}:{tag}"),
                            images::commit(&d, &container, &repo, &tag, &author, &message)
                                .await
                                .map(|id| format!("image {}", crate::app::images::short_id(&id))),
                        ),
                        ResCmd::CreateVolume(name) => done(
                            "create volume".into(),
                            resources::create_volume(&d, &name, None, &[])
                                .await
                                .map(|v| v.name),
                        ),
                        ResCmd::RemoveVolume(name) => done(
                            format!("remove volume {name}"),
                            resources::remove_volume(&d, &name, false)
                                .await
                                .map(|()| String::new()),
                        ),
                        ResCmd::PruneVolumes => done(
                            "prune volumes".into(),
                            resources::prune_volumes(&d, None, false)
                                .await
                                .map(|(v, bytes)| {
                                    format!(
                                        "{} removed, {} reclaimed",
                                        v.len(),
                                        resources_size(bytes)
                                    )
                                }),
                        ),
                        ResCmd::CreateNetwork { name, subnet } => done(
                            format!("create network {name}"),
                            resources::create_network(&d, &name, None, subnet.as_deref(), &[])
                                .await
                                .map(|_| String::new()),
                        ),
                        ResCmd::RemoveNetwork(id) => done(
                            "remove network".into(),
                            resources::remove_network(&d, &id)
                                .await
                                .map(|()| String::new()),
                        ),
                        ResCmd::Connect {
                            network,
                            container,
                            alias,
                        } => done(
                            format!("connect {container} to {network}"),
                            resources::connect_network(
                                &d,
                                &network,
                                &container,
                                &alias.into_iter().collect::<Vec<_>>(),
                            )
                            .await
                            .map(|()| String::new()),
                        ),
                        ResCmd::Disconnect { network, container } => done(
                            format!("disconnect {container} from {network}"),
                            resources::disconnect_network(&d, &network, &container, false)
                                .await
                                .map(|()| String::new()),
                        ),
                        ResCmd::PruneNetworks => done(
                            "prune networks".into(),
                            resources::prune_networks(&d, None)
                                .await
                                .map(|v| format!("{} removed", v.len())),
                        ),
                        ResCmd::SystemPrune => done(
                            "system prune".into(),
                            resources::prune_all(&d, None).await.map(|s| s.text()),
                        ),
                        ResCmd::Run(spec) => Msg::Res(ResMsg::Ran(resources::run(&d, &spec).await)),
                        _ => return,
                    };
                    let _ = t.send(msg).await;
                });
            }
        }
    }

    /// Forward a job's progress to the app, tagged with the job id.
    fn forward(&mut self, tx: &mpsc::Sender<Msg>, job: u64, mut prx: mpsc::Receiver<Progress>) {
        let tx = tx.clone();
        self.ops.spawn(async move {
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

fn resources_size(bytes: u64) -> String {
    crate::app::resources::human_size(bytes)
}
