//! Volumes: list (with the containers that mount each, and sizes on request), inspect,
//! create, remove, prune.

use std::collections::{BTreeMap, HashMap};

use bollard::Docker;
use bollard::models::{ContainerSummary, VolumeCreateRequest};
use bollard::query_parameters::{PruneVolumesOptionsBuilder, RemoveVolumeOptionsBuilder};

use super::client::friendly;
use super::containers::{all_containers, container_name};
use super::query::{api_at_least, label_filter, pos};
use super::system::{raw_df, volume_sizes};
use crate::app::resources::Volume;

fn volume_of(v: bollard::models::Volume) -> Volume {
    Volume {
        host: None,
        size: v.usage_data.as_ref().map(|u| u.size).filter(|s| *s >= 0),
        name: v.name,
        driver: v.driver,
        mountpoint: v.mountpoint,
        created: v.created_at.unwrap_or_default(),
        labels: v.labels.into_iter().collect::<BTreeMap<_, _>>(),
        used_by: Vec::new(),
    }
}

/// Volume name → names of the containers that mount it (sorted).
fn volume_users(containers: &[ContainerSummary]) -> HashMap<String, Vec<String>> {
    let mut users: HashMap<String, Vec<String>> = HashMap::new();
    for c in containers {
        let cname = container_name(c);
        for m in c.mounts.iter().flatten() {
            if m.typ.as_deref() == Some("volume")
                && let Some(v) = &m.name
            {
                let list = users.entry(v.clone()).or_default();
                if !list.contains(&cname) {
                    list.push(cname.clone());
                }
            }
        }
    }
    for list in users.values_mut() {
        list.sort();
    }
    users
}

/// All volumes, sorted by name, each with the containers that mount it. With `sizes`, also
/// asks `system df` for their sizes (slow on big hosts: the engine measures every volume);
/// sizes stay `None` when it can't say.
pub async fn list_volumes(docker: &Docker, sizes: bool) -> Result<Vec<Volume>, String> {
    let df = async {
        if sizes {
            raw_df(docker).await.ok().map(|v| volume_sizes(&v))
        } else {
            None
        }
    };
    let (list, containers, sizes) = tokio::join!(
        docker.list_volumes(None::<bollard::query_parameters::ListVolumesOptions>),
        all_containers(docker, None),
        df
    );
    let list = list.map_err(friendly)?;
    let users = volume_users(&containers?);
    let mut out: Vec<Volume> = list
        .volumes
        .unwrap_or_default()
        .into_iter()
        .map(|v| {
            let mut vol = volume_of(v);
            vol.used_by = users.get(&vol.name).cloned().unwrap_or_default();
            if let Some(s) = sizes.as_ref().and_then(|s| s.get(&vol.name)) {
                vol.size = Some(*s);
            }
            vol
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// One volume, with the containers that mount it.
pub async fn inspect_volume(docker: &Docker, name: &str) -> Result<Volume, String> {
    let mut f = HashMap::new();
    f.insert("volume".to_string(), vec![name.to_string()]);
    let (vol, containers) = tokio::join!(
        docker.inspect_volume(name),
        all_containers(docker, Some(&f))
    );
    let mut vol = volume_of(vol.map_err(friendly)?);
    vol.used_by = volume_users(&containers?)
        .remove(&vol.name)
        .unwrap_or_default();
    Ok(vol)
}

/// `docker volume create`. An empty name lets the engine pick one; `driver` defaults to
/// `local`.
pub async fn create_volume(
    docker: &Docker,
    name: &str,
    driver: Option<&str>,
    labels: &[(String, String)],
) -> Result<Volume, String> {
    let req = VolumeCreateRequest {
        name: Some(name.to_string()).filter(|n| !n.is_empty()),
        driver: driver.filter(|d| !d.is_empty()).map(str::to_string),
        labels: Some(labels.iter().cloned().collect()),
        ..Default::default()
    };
    docker
        .create_volume(req)
        .await
        .map(volume_of)
        .map_err(friendly)
}

/// `docker volume rm [-f]`. A volume in use is refused with the engine's message
/// (`remove NAME: volume is in use - [ID]`), `force` or not.
pub async fn remove_volume(docker: &Docker, name: &str, force: bool) -> Result<(), String> {
    let opts = RemoveVolumeOptionsBuilder::default().force(force).build();
    docker
        .remove_volume(name, Some(opts))
        .await
        .map_err(friendly)
}

/// `docker volume prune`: removes unused volumes (only those carrying `label` when given) and
/// returns their names and the bytes freed. Engines on API 1.42+ prune only anonymous
/// volumes unless `all` (`--all`); older ones always prune named ones too.
pub async fn prune_volumes(
    docker: &Docker,
    label: Option<&str>,
    all: bool,
) -> Result<(Vec<String>, u64), String> {
    let mut filters = label_filter(label);
    if all && api_at_least(docker, 42) {
        filters.insert("all".into(), vec!["true".into()]);
    }
    let opts = PruneVolumesOptionsBuilder::default()
        .filters(&filters)
        .build();
    let r = docker.prune_volumes(Some(opts)).await.map_err(friendly)?;
    Ok((
        r.volumes_deleted.unwrap_or_default(),
        pos(r.space_reclaimed.unwrap_or(0)),
    ))
}
