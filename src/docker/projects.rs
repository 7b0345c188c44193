//! Compose projects through the Engine API, without the compose CLI: `down` (stop and remove
//! a project's containers, then its networks and, when asked, its named volumes), found by
//! the labels compose writes.

use bollard::Docker;
use bollard::query_parameters::{ListNetworksOptionsBuilder, ListVolumesOptionsBuilder};
use futures::future::join_all;

use super::client::friendly;
use super::containers::{all_containers, container_action};
use super::query::label_filter;
use super::{networks, volumes};
use crate::app::msg::ContainerAction;

const PROJECT: &str = "com.docker.compose.project";
const SERVICE: &str = "com.docker.compose.service";

/// `docker-compose down [-v]` for `project` (only `service`'s containers when given: then
/// no network or volume is touched). Returns what was removed; the first failure is reported
/// after everything else was tried.
pub async fn down(
    docker: &Docker,
    project: &str,
    service: Option<&str>,
    with_volumes: bool,
) -> Result<String, String> {
    let mut filters = label_filter(Some(&format!("{PROJECT}={project}")));
    if let Some(s) = service
        && let Some(labels) = filters.get_mut("label")
    {
        labels.push(format!("{SERVICE}={s}"));
    }
    let containers = all_containers(docker, Some(&filters)).await?;
    let ids: Vec<String> = containers.into_iter().filter_map(|c| c.id).collect();
    let mut errors: Vec<String> = Vec::new();
    // Stopped gracefully first, all at once, as compose does; then removed.
    let stops = join_all(
        ids.iter()
            .map(|id| container_action(docker, id, ContainerAction::Stop)),
    )
    .await;
    // A container already stopped answers "not modified": not a failure.
    drop(stops);
    let removes = join_all(ids.iter().map(|id| {
        let action = ContainerAction::Remove {
            force: true,
            volumes: with_volumes,
        };
        container_action(docker, id, action)
    }))
    .await;
    let removed = removes.iter().filter(|r| r.is_ok()).count();
    errors.extend(removes.into_iter().filter_map(Result::err));
    let mut what = vec![format!("{removed} container(s)")];
    if service.is_none() {
        let opts = ListNetworksOptionsBuilder::default()
            .filters(&label_filter(Some(&format!("{PROJECT}={project}"))))
            .build();
        let nets = docker.list_networks(Some(opts)).await.map_err(friendly)?;
        let mut n = 0;
        for net in nets {
            let Some(id) = net.id.or(net.name) else {
                continue;
            };
            match networks::remove_network(docker, &id).await {
                Ok(()) => n += 1,
                Err(e) => errors.push(e),
            }
        }
        what.push(format!("{n} network(s)"));
        if with_volumes {
            let opts = ListVolumesOptionsBuilder::default()
                .filters(&label_filter(Some(&format!("{PROJECT}={project}"))))
                .build();
            let vols = docker.list_volumes(Some(opts)).await.map_err(friendly)?;
            let mut v = 0;
            for vol in vols.volumes.unwrap_or_default() {
                match volumes::remove_volume(docker, &vol.name, false).await {
                    Ok(()) => v += 1,
                    Err(e) => errors.push(e),
                }
            }
            what.push(format!("{v} volume(s)"));
        }
    }
    match errors.into_iter().next() {
        Some(e) => Err(format!("{e} (removed {})", what.join(", "))),
        None => Ok(format!("removed {}", what.join(", "))),
    }
}
