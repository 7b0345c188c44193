//! The engine as a whole: `system df`, `system prune`, `info` and `version`.

use std::collections::HashMap;
use std::time::Duration;

use bollard::Docker;
use bollard::query_parameters::{
    PruneBuildOptionsBuilder, PruneContainersOptionsBuilder, PruneImagesOptionsBuilder,
};
use serde_json::Value;

use super::client::friendly;
use super::networks::prune_networks;
use super::query::{label_filter, pos};
use crate::app::resources::{DiskUsage, EngineInfo, PruneSummary, Usage};

/// `GET path` with the answer as raw JSON, whatever its shape. The engine's `/system/df`
/// answer changed shape in API 1.52 and bollard only reads the new one, so this reuses the
/// client's transport (socket, TLS, SSH alike) through `/_ping`, whose body bollard hands
/// back as text, with the path rewritten on the way out.
async fn raw_get(docker: &Docker, path_and_query: &str) -> Result<Value, String> {
    let target = path_and_query.to_string();
    let rewriting = docker.clone().with_request_modifier(move |mut req| {
        let uri = req.uri().to_string();
        if let Some(base) = uri.strip_suffix("/_ping")
            && let Ok(new) = format!("{base}{target}").parse()
        {
            *req.uri_mut() = new;
        }
        req
    });
    let body = rewriting.ping().await.map_err(friendly)?;
    serde_json::from_str(&body).map_err(|e| format!("unexpected answer to {path_and_query}: {e}"))
}

/// `GET /system/df`, retried while another disk-usage computation is running (the engine
/// refuses concurrent ones).
pub(crate) async fn raw_df(docker: &Docker) -> Result<Value, String> {
    let mut tries = 0;
    loop {
        match raw_get(docker, "/system/df?verbose=1").await {
            Err(e) if e.contains("already running") && tries < 50 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            other => return other,
        }
    }
}

fn num(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(Value::as_i64).unwrap_or(0)
}

fn items<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// `docker system df` from the engine's answer, in either shape: API 1.52+ (`ImageUsage`,
/// `ContainerUsage`, … with totals) or older (lists of images, containers, volumes and
/// cache records, totalled here the way the docker CLI does).
/// The bytes removing the dangling images of a `system df` image list frees: dangling as
/// `docker image prune` sees it (untagged, no image built on it, no container using it),
/// each counted for what it does not share.
fn dangling_bytes(images: &[Value]) -> u64 {
    let parents: std::collections::HashSet<&str> = images
        .iter()
        .filter_map(|i| i.get("ParentId").and_then(Value::as_str))
        .filter(|p| !p.is_empty())
        .collect();
    let mut dangling = 0u64;
    for i in images {
        let tagged = items(i, "RepoTags")
            .iter()
            .any(|t| t.as_str().is_some_and(|t| t != "<none>:<none>"));
        let id = i.get("Id").and_then(Value::as_str).unwrap_or("");
        if tagged || parents.contains(id) || num(i, "Containers") > 0 {
            continue;
        }
        let (size, shared) = (num(i, "Size"), num(i, "SharedSize"));
        dangling += pos(if shared > 0 { size - shared } else { size });
    }
    dangling
}

pub fn disk_usage_from_json(v: &Value) -> DiskUsage {
    if v.get("ImageUsage").is_some() || v.get("ContainerUsage").is_some() {
        let row = |key: &str| {
            let u = v.get(key).unwrap_or(&Value::Null);
            Usage {
                count: pos(num(u, "TotalCount")),
                active: pos(num(u, "ActiveCount")),
                size: pos(num(u, "TotalSize")),
                reclaimable: pos(num(u, "Reclaimable")),
            }
        };
        let listed = v.get("ImageUsage").and_then(|u| u.get("Items"));
        return DiskUsage {
            images: row("ImageUsage"),
            containers: row("ContainerUsage"),
            volumes: row("VolumeUsage"),
            build_cache: row("BuildCacheUsage"),
            dangling_images: listed
                .and_then(Value::as_array)
                .map(|list| dangling_bytes(list)),
        };
    }
    let mut du = DiskUsage::default();

    let images = items(v, "Images");
    let layers = pos(num(v, "LayersSize"));
    let mut used = 0i64;
    for i in images {
        if num(i, "Containers") > 0 {
            du.images.active += 1;
            let (size, shared) = (num(i, "Size"), num(i, "SharedSize"));
            if size != -1 && shared != -1 {
                used += size - shared;
            }
        }
    }
    du.dangling_images = Some(dangling_bytes(images));
    du.images.count = images.len() as u64;
    du.images.size = layers;
    du.images.reclaimable = layers.saturating_sub(pos(used));

    for c in items(v, "Containers") {
        du.containers.count += 1;
        let state = c.get("State").and_then(Value::as_str).unwrap_or("");
        let size = pos(num(c, "SizeRw"));
        du.containers.size += size;
        if ["running", "paused", "restarting"]
            .iter()
            .any(|s| state.contains(s))
        {
            du.containers.active += 1;
        } else {
            du.containers.reclaimable += size;
        }
    }

    for vol in items(v, "Volumes") {
        du.volumes.count += 1;
        let usage = vol.get("UsageData").unwrap_or(&Value::Null);
        let size = num(usage, "Size");
        let refs = num(usage, "RefCount");
        if refs > 0 {
            du.volumes.active += 1;
        }
        if size > 0 {
            du.volumes.size += size as u64;
            if refs == 0 {
                du.volumes.reclaimable += size as u64;
            }
        }
    }

    for bc in items(v, "BuildCache") {
        du.build_cache.count += 1;
        let in_use = bc.get("InUse").and_then(Value::as_bool).unwrap_or(false);
        let shared = bc.get("Shared").and_then(Value::as_bool).unwrap_or(false);
        let size = pos(num(bc, "Size"));
        if in_use {
            du.build_cache.active += 1;
        }
        if !shared {
            du.build_cache.size += size;
            if !in_use {
                du.build_cache.reclaimable += size;
            }
        }
    }
    du
}

/// Volume sizes (name → bytes) from a `system df` answer of either shape.
pub(crate) fn volume_sizes(v: &Value) -> HashMap<String, i64> {
    let list = match v.get("VolumeUsage") {
        Some(u) => items(u, "Items"),
        None => items(v, "Volumes"),
    };
    list.iter()
        .filter_map(|vol| {
            let name = vol.get("Name")?.as_str()?.to_string();
            let size = vol.get("UsageData")?.get("Size")?.as_i64()?;
            (size >= 0).then_some((name, size))
        })
        .collect()
}

/// `docker system df`.
pub async fn disk_usage(docker: &Docker) -> Result<DiskUsage, String> {
    raw_df(docker).await.map(|v| disk_usage_from_json(&v))
}

/// `docker system prune` (without `--volumes`): stopped containers, then unused networks,
/// dangling images and unused build cache. With `label`, only what carries it is pruned, and
/// the build cache (which has no labels) is left alone.
pub async fn prune_all(docker: &Docker, label: Option<&str>) -> Result<PruneSummary, String> {
    let filters = label_filter(label);
    let mut out = PruneSummary::default();

    let opts = PruneContainersOptionsBuilder::default()
        .filters(&filters)
        .build();
    let r = docker
        .prune_containers(Some(opts))
        .await
        .map_err(friendly)?;
    out.containers = r.containers_deleted.unwrap_or_default();
    out.reclaimed += pos(r.space_reclaimed.unwrap_or(0));

    out.networks = prune_networks(docker, label).await?;

    let mut image_filters = filters.clone();
    image_filters.insert("dangling".into(), vec!["true".into()]);
    let opts = PruneImagesOptionsBuilder::default()
        .filters(&image_filters)
        .build();
    let r = docker.prune_images(Some(opts)).await.map_err(friendly)?;
    out.images = r
        .images_deleted
        .unwrap_or_default()
        .into_iter()
        .filter_map(|i| i.deleted.or(i.untagged))
        .collect();
    out.reclaimed += pos(r.space_reclaimed.unwrap_or(0));

    if label.is_none() {
        let opts = PruneBuildOptionsBuilder::default().build();
        let r = docker.prune_build(Some(opts)).await.map_err(friendly)?;
        out.build_cache = r.caches_deleted.unwrap_or_default();
        out.reclaimed += pos(r.space_reclaimed.unwrap_or(0));
    }
    Ok(out)
}

/// `docker info` and `docker version` in one.
pub async fn info(docker: &Docker) -> Result<EngineInfo, String> {
    let (info, version) = tokio::join!(raw_get(docker, "/info"), docker.version());
    let info = info?;
    let version = version.map_err(friendly)?;
    let s = |k: &str| {
        info.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let n = |k: &str| pos(num(&info, k));
    Ok(EngineInfo {
        version: version.version.unwrap_or_else(|| s("ServerVersion")),
        api: docker.client_version().to_string(),
        os: s("OperatingSystem"),
        kernel: s("KernelVersion"),
        arch: s("Architecture"),
        ncpu: n("NCPU"),
        mem_total: n("MemTotal"),
        containers: n("Containers"),
        running: n("ContainersRunning"),
        paused: n("ContainersPaused"),
        stopped: n("ContainersStopped"),
        images: n("Images"),
        storage_driver: s("Driver"),
        name: s("Name"),
    })
}

/// What the hosts view shows of an engine: `docker info` (and `system df` with `disk`).
pub async fn host_facts(
    docker: &Docker,
    disk: bool,
) -> Result<crate::app::fleet::HostFacts, String> {
    let (info, version) = tokio::join!(raw_get(docker, "/info"), docker.version());
    let info = info?;
    let version = version.map_err(friendly)?;
    let s = |v: &Value, k: &str| {
        crate::app::sanitize::plain(v.get(k).and_then(Value::as_str).unwrap_or_default())
    };
    let swarm = info.get("Swarm").map_or(String::new(), |sw| {
        match (s(sw, "LocalNodeState").as_str(), sw.get("ControlAvailable")) {
            ("active", Some(Value::Bool(true))) => "manager".into(),
            ("active", _) => "worker".into(),
            ("inactive", _) | ("", _) => String::new(),
            (other, _) => other.to_string(),
        }
    });
    let disk = if disk {
        Some(disk_usage(docker).await?.total_size())
    } else {
        None
    };
    Ok(crate::app::fleet::HostFacts {
        version: version
            .version
            .map(|v| crate::app::sanitize::plain(&v))
            .unwrap_or_else(|| s(&info, "ServerVersion")),
        os: s(&info, "OperatingSystem"),
        arch: s(&info, "Architecture"),
        ncpu: pos(num(&info, "NCPU")),
        mem_total: pos(num(&info, "MemTotal")),
        images: pos(num(&info, "Images")),
        swarm,
        disk,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_df_is_totalled_like_the_cli() {
        let v: Value = serde_json::from_str(
            r#"{
              "LayersSize": 1000,
              "Images": [
                {"Id":"a","Containers":2,"Size":600,"SharedSize":100},
                {"Id":"b","Containers":0,"Size":300,"SharedSize":100},
                {"Id":"c","Containers":1,"Size":-1,"SharedSize":-1}
              ],
              "Containers": [
                {"State":"running","SizeRw":10},
                {"State":"exited","SizeRw":20},
                {"State":"paused","SizeRw":5},
                {"State":"created"}
              ],
              "Volumes": [
                {"Name":"v1","UsageData":{"Size":100,"RefCount":1}},
                {"Name":"v2","UsageData":{"Size":50,"RefCount":0}},
                {"Name":"v3","UsageData":{"Size":-1,"RefCount":0}}
              ],
              "BuildCache": [
                {"InUse":true,"Shared":false,"Size":7},
                {"InUse":false,"Shared":false,"Size":3},
                {"InUse":false,"Shared":true,"Size":100}
              ]
            }"#,
        )
        .expect("json");
        let du = disk_usage_from_json(&v);
        assert_eq!(
            du.images,
            Usage {
                count: 3,
                active: 2,
                size: 1000,
                reclaimable: 500
            }
        );
        assert_eq!(
            du.containers,
            Usage {
                count: 4,
                active: 2,
                size: 35,
                reclaimable: 20
            }
        );
        assert_eq!(
            du.volumes,
            Usage {
                count: 3,
                active: 1,
                size: 150,
                reclaimable: 50
            }
        );
        assert_eq!(
            du.build_cache,
            Usage {
                count: 3,
                active: 1,
                size: 10,
                reclaimable: 3
            }
        );
        let sizes = volume_sizes(&v);
        assert_eq!(sizes.get("v1"), Some(&100));
        assert_eq!(sizes.get("v3"), None);
    }

    #[test]
    fn system_prune_frees_the_dangling_images_not_every_unused_one() {
        let v: Value = serde_json::from_str(
            r#"{
              "LayersSize": 1000,
              "Images": [
                {"Id":"tagged-unused","RepoTags":["app:1"],"Containers":0,"Size":400,"SharedSize":0},
                {"Id":"dangling","RepoTags":["<none>:<none>"],"Containers":0,"Size":130,"SharedSize":30},
                {"Id":"parent","RepoTags":[],"Containers":0,"Size":50,"SharedSize":0},
                {"Id":"child","ParentId":"parent","RepoTags":["app:2"],"Containers":1,"Size":60,"SharedSize":50},
                {"Id":"used","RepoTags":[],"Containers":1,"Size":70,"SharedSize":0}
              ],
              "Containers": [{"State":"exited","SizeRw":20}],
              "BuildCache": [{"InUse":false,"Shared":false,"Size":3}]
            }"#,
        )
        .expect("json");
        let du = disk_usage_from_json(&v);
        assert_eq!(du.dangling_images, Some(100));
        assert!(du.images.reclaimable > 100, "{:?}", du.images);
        assert_eq!(
            du.system_prune_text(),
            "Frees 123B (stopped containers 20B, dangling images 100B, build cache 3B)"
        );
    }

    #[test]
    fn new_df_shape_is_read_as_is() {
        let v: Value = serde_json::from_str(
            r#"{
              "ImageUsage": {"TotalCount":4,"ActiveCount":1,"TotalSize":900,"Reclaimable":300},
              "ContainerUsage": {"TotalCount":2,"ActiveCount":2,"TotalSize":10,"Reclaimable":0},
              "VolumeUsage": {"TotalCount":1,"ActiveCount":0,"TotalSize":5,"Reclaimable":5,
                "Items":[{"Name":"v","UsageData":{"Size":5,"RefCount":0}}]},
              "BuildCacheUsage": {"TotalCount":0,"ActiveCount":0,"TotalSize":0,"Reclaimable":0}
            }"#,
        )
        .expect("json");
        let du = disk_usage_from_json(&v);
        assert_eq!(du.images.count, 4);
        assert_eq!(du.images.reclaimable, 300);
        assert_eq!(du.containers.active, 2);
        assert_eq!(du.volumes.size, 5);
        assert_eq!(volume_sizes(&v).get("v"), Some(&5));
    }
}
