//! Compose projects through the Engine API, without the compose CLI: `down` (stop and remove
//! a project's containers, then its networks and, when asked, its named volumes), found by
//! the labels compose writes.

use bollard::Docker;
use bollard::query_parameters::{ListNetworksOptionsBuilder, ListVolumesOptionsBuilder};
use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use bollard::models::ContainerInspectResponse;
use futures::future::join_all;

use super::client::friendly;
use super::containers::{all_containers, container_action};
use super::query::label_filter;
use super::{networks, volumes};
use crate::app::msg::ContainerAction;

const PROJECT: &str = "com.docker.compose.project";
const SERVICE: &str = "com.docker.compose.service";
const DEPENDS_ON: &str = "com.docker.compose.depends_on";

/// Runs `action` on `targets` (id, name) in waves: a wave's containers at once, each wave
/// after the one it depends on (links, `network_mode: container:`, `volumes_from`, compose's
/// `depends_on` label). Starting goes dependencies first; stopping, killing, pausing and
/// removing go dependents first. `report` hears each container's outcome as it comes.
pub async fn act_in_order<F, Fut>(
    docker: &Docker,
    targets: Vec<(String, String)>,
    action: ContainerAction,
    mut report: F,
) where
    F: FnMut(String, String, Result<(), String>) -> Fut,
    Fut: Future<Output = ()>,
{
    let infos = join_all(
        targets
            .iter()
            .map(|(id, _)| docker.inspect_container(id, None)),
    )
    .await;
    let infos: Vec<Option<ContainerInspectResponse>> = infos.into_iter().map(Result::ok).collect();
    let deps = dependencies(&targets, &infos);
    let mut order = waves(&deps);
    if matches!(
        action,
        ContainerAction::Stop
            | ContainerAction::Kill
            | ContainerAction::Pause
            | ContainerAction::Remove { .. }
    ) {
        order.reverse();
    }
    for wave in order {
        let results = join_all(
            wave.iter()
                .map(|&i| container_action(docker, &targets[i].0, action)),
        )
        .await;
        for (i, result) in wave.into_iter().zip(results) {
            let (id, name) = targets[i].clone();
            report(id, name, result).await;
        }
    }
}

/// For each target, the other targets it needs running before it.
fn dependencies(
    targets: &[(String, String)],
    infos: &[Option<ContainerInspectResponse>],
) -> Vec<Vec<usize>> {
    let labels = |i: usize| {
        infos[i]
            .as_ref()
            .and_then(|x| x.config.as_ref()?.labels.as_ref())
    };
    let label = |i: usize, key: &str| labels(i).and_then(|l| l.get(key)).cloned();
    // A reference (a name, a full or short id) to the target it names.
    let find = |r: &str| {
        let r = r.trim_start_matches('/');
        targets
            .iter()
            .position(|(id, name)| name == r || (r.len() >= 12 && id.starts_with(r)))
    };
    let mut by_service: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for i in 0..targets.len() {
        if let (Some(p), Some(s)) = (label(i, PROJECT), label(i, SERVICE)) {
            by_service.entry((p, s)).or_default().push(i);
        }
    }
    (0..targets.len())
        .map(|i| {
            let mut refs: Vec<String> = Vec::new();
            if let Some(hc) = infos[i].as_ref().and_then(|x| x.host_config.as_ref()) {
                // "/proj_db_1:/proj_api_1/db": the linked container comes first.
                for l in hc.links.iter().flatten() {
                    refs.extend(l.split(':').next().map(str::to_string));
                }
                if let Some(other) = hc
                    .network_mode
                    .as_deref()
                    .and_then(|m| m.strip_prefix("container:"))
                {
                    refs.push(other.to_string());
                }
                for v in hc.volumes_from.iter().flatten() {
                    refs.extend(v.split(':').next().map(str::to_string));
                }
            }
            let mut out: Vec<usize> = refs.iter().filter_map(|r| find(r)).collect();
            // "db:service_started:false,cache:service_healthy:true"
            if let (Some(p), Some(on)) = (label(i, PROJECT), label(i, DEPENDS_ON)) {
                for svc in on.split(',').filter_map(|d| d.split(':').next()) {
                    if let Some(js) = by_service.get(&(p.clone(), svc.trim().to_string())) {
                        out.extend(js);
                    }
                }
            }
            out.retain(|&j| j != i);
            out.sort_unstable();
            out.dedup();
            out
        })
        .collect()
}

/// Kahn's layering: wave 0 needs nothing, wave n needs only earlier waves. Targets caught in
/// a cycle come last, together, rather than never.
fn waves(deps: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut placed = vec![false; deps.len()];
    let mut out: Vec<Vec<usize>> = Vec::new();
    loop {
        let wave: Vec<usize> = (0..deps.len())
            .filter(|&i| !placed[i] && deps[i].iter().all(|&j| placed[j]))
            .collect();
        if wave.is_empty() {
            break;
        }
        for &i in &wave {
            placed[i] = true;
        }
        out.push(wave);
    }
    let rest: Vec<usize> = (0..deps.len()).filter(|&i| !placed[i]).collect();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

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
    let ids: Vec<String> = containers.iter().filter_map(|c| c.id.clone()).collect();
    let mut errors: Vec<String> = Vec::new();
    // Stopped gracefully first, dependents before what they depend on, as compose does;
    // then removed. A container already stopped answers "not modified": not a failure.
    let targets = containers
        .iter()
        .filter_map(|c| Some((c.id.clone()?, super::containers::container_name(c))))
        .collect();
    act_in_order(docker, targets, ContainerAction::Stop, |_, _, _| async {}).await;
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
            // The engine may still be releasing the endpoints of the containers just
            // removed: "has active endpoints" is tried again for a few seconds.
            let mut tries = 0;
            loop {
                match networks::remove_network(docker, &id).await {
                    Ok(()) => n += 1,
                    Err(e) if tries < 20 && e.contains("active endpoints") => {
                        tries += 1;
                        tokio::time::sleep(Duration::from_millis(250)).await;
                        continue;
                    }
                    Err(e) => errors.push(e),
                }
                break;
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

#[cfg(test)]
mod tests {
    use super::*;
    use bollard::models::{ContainerConfig, HostConfig};

    fn info(links: &[&str], labels: &[(&str, &str)]) -> Option<ContainerInspectResponse> {
        Some(ContainerInspectResponse {
            host_config: Some(HostConfig {
                links: Some(links.iter().map(|l| l.to_string()).collect()),
                ..Default::default()
            }),
            config: Some(ContainerConfig {
                labels: Some(
                    labels
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                ),
                ..Default::default()
            }),
            ..Default::default()
        })
    }

    #[test]
    fn links_and_depends_on_order_the_waves() {
        let t = |n: &str| (format!("{n}0123456789abcdef"), n.to_string());
        let targets = vec![t("web"), t("api1"), t("api2"), t("db"), t("worker")];
        let svc = |s: &'static str| [(PROJECT, "p"), (SERVICE, s)];
        let infos = vec![
            info(&["/api1:/web/api1", "/api2:/web/api2"], &svc("web")),
            info(&["/db:/api1/db"], &svc("api")),
            info(&["/db:/api2/db"], &svc("api")),
            info(&[], &svc("db")),
            // compose v2's label instead of a link; and a link to a container not targeted.
            info(
                &["/elsewhere:/worker/x"],
                &[
                    (PROJECT, "p"),
                    (SERVICE, "worker"),
                    (DEPENDS_ON, "api:service_started:false"),
                ],
            ),
        ];
        let deps = dependencies(&targets, &infos);
        assert_eq!(deps, vec![vec![1, 2], vec![3], vec![3], vec![], vec![1, 2]]);
        assert_eq!(waves(&deps), vec![vec![3], vec![1, 2], vec![0, 4]]);
    }

    #[test]
    fn a_cycle_still_acts_on_everyone() {
        let deps = vec![vec![1], vec![0], vec![]];
        assert_eq!(waves(&deps), vec![vec![2], vec![0, 1]]);
    }
}
