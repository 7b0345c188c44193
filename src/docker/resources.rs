//! Volumes, networks, `system df`/`prune`/`info`, and creating and starting a container from
//! a checked `docker run` form: the engine side of the resource views. Every function returns
//! the engine's own message (shortened by [`friendly_error`]) on failure.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use bollard::Docker;
use bollard::models::{
    ContainerCreateBody, ContainerSummary, EndpointSettings, HostConfig, Ipam, IpamConfig,
    NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest, NetworkInspect,
    PortBinding, RestartPolicy, RestartPolicyNameEnum, VolumeCreateRequest,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, ListContainersOptionsBuilder, PruneBuildOptionsBuilder,
    PruneContainersOptionsBuilder, PruneImagesOptionsBuilder, PruneNetworksOptionsBuilder,
    PruneVolumesOptionsBuilder, RemoveContainerOptionsBuilder, RemoveVolumeOptionsBuilder,
    StartContainerOptions,
};
use futures::future::join_all;
use serde_json::Value;

use super::client::friendly_error;
use crate::app::resources::{
    DiskUsage, EngineInfo, Network, NetworkSort, PruneSummary, Usage, Volume, sort_networks,
};
use crate::app::runform::{Restart, RunSpec};

fn err(e: bollard::errors::Error) -> String {
    friendly_error(&e.to_string())
}

/// A label filter (`key` or `key=value`) as the engine's filters map.
fn label_filter(label: Option<&str>) -> HashMap<String, Vec<String>> {
    let mut f = HashMap::new();
    if let Some(l) = label.filter(|l| !l.is_empty()) {
        f.insert("label".to_string(), vec![l.to_string()]);
    }
    f
}

/// Whether the client talks API 1.`minor` or newer.
fn api_at_least(docker: &Docker, minor: usize) -> bool {
    let v = docker.client_version();
    v.major_version > 1 || (v.major_version == 1 && v.minor_version >= minor)
}

fn container_name(c: &ContainerSummary) -> String {
    c.names
        .as_ref()
        .and_then(|n| n.first())
        .map(|n| n.trim_start_matches('/').to_string())
        .or_else(|| c.id.as_ref().map(|id| id.chars().take(12).collect()))
        .unwrap_or_default()
}

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
    let body = rewriting.ping().await.map_err(err)?;
    serde_json::from_str(&body).map_err(|e| format!("unexpected answer to {path_and_query}: {e}"))
}

/// `GET /system/df`, retried while another disk-usage computation is running (the engine
/// refuses concurrent ones).
async fn raw_df(docker: &Docker) -> Result<Value, String> {
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

fn pos(n: i64) -> u64 {
    n.max(0) as u64
}

/// `docker system df` from the engine's answer, in either shape: API 1.52+ (`ImageUsage`,
/// `ContainerUsage`, … with totals) or older (lists of images, containers, volumes and
/// cache records, totalled here the way the docker CLI does).
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
        return DiskUsage {
            images: row("ImageUsage"),
            containers: row("ContainerUsage"),
            volumes: row("VolumeUsage"),
            build_cache: row("BuildCacheUsage"),
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
fn volume_sizes(v: &Value) -> HashMap<String, i64> {
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

fn volume_of(v: bollard::models::Volume) -> Volume {
    Volume {
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

async fn all_containers(
    docker: &Docker,
    filters: Option<&HashMap<String, Vec<String>>>,
) -> Result<Vec<ContainerSummary>, String> {
    let mut b = ListContainersOptionsBuilder::default().all(true);
    if let Some(f) = filters {
        b = b.filters(f);
    }
    docker.list_containers(Some(b.build())).await.map_err(err)
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
    let list = list.map_err(err)?;
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
    let mut vol = volume_of(vol.map_err(err)?);
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
    docker.create_volume(req).await.map(volume_of).map_err(err)
}

/// `docker volume rm [-f]`. A volume in use is refused with the engine's message
/// (`remove NAME: volume is in use - [ID]`), `force` or not.
pub async fn remove_volume(docker: &Docker, name: &str, force: bool) -> Result<(), String> {
    let opts = RemoveVolumeOptionsBuilder::default().force(force).build();
    docker.remove_volume(name, Some(opts)).await.map_err(err)
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
    let r = docker.prune_volumes(Some(opts)).await.map_err(err)?;
    Ok((
        r.volumes_deleted.unwrap_or_default(),
        pos(r.space_reclaimed.unwrap_or(0)),
    ))
}

fn strip_prefix_len(ip: &str) -> String {
    ip.split('/').next().unwrap_or(ip).to_string()
}

fn network_of(n: NetworkInspect) -> Network {
    let subnets = n
        .ipam
        .and_then(|i| i.config)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|c| Some((c.subnet?, c.gateway.unwrap_or_default())))
        .collect();
    let mut containers: Vec<(String, String)> = n
        .containers
        .unwrap_or_default()
        .into_iter()
        .map(|(id, e)| {
            (
                e.name.unwrap_or_else(|| id.chars().take(12).collect()),
                strip_prefix_len(e.ipv4_address.as_deref().unwrap_or("")),
            )
        })
        .collect();
    containers.sort();
    Network {
        id: n.id.unwrap_or_default(),
        name: n.name.unwrap_or_default(),
        driver: n.driver.unwrap_or_default(),
        scope: n.scope.unwrap_or_default(),
        subnets,
        internal: n.internal.unwrap_or(false),
        containers,
    }
}

/// The list entry as an inspect answer without containers.
fn summary_as_inspect(n: bollard::models::Network) -> NetworkInspect {
    NetworkInspect {
        name: n.name,
        id: n.id,
        scope: n.scope,
        driver: n.driver,
        ipam: n.ipam,
        internal: n.internal,
        ..Default::default()
    }
}

/// All networks, built-in ones first then by name, each with its attached containers and
/// their IPv4 addresses. The list endpoint leaves containers out, so only the networks a
/// running container is attached to are inspected, all at once.
pub async fn list_networks(docker: &Docker) -> Result<Vec<Network>, String> {
    let running = ListContainersOptionsBuilder::default().build();
    let (nets, containers) = tokio::join!(
        docker.list_networks(None),
        docker.list_containers(Some(running))
    );
    let nets = nets.map_err(err)?;
    let containers = containers.map_err(err)?;
    // network id → (container name, ip) as the container list tells it: the fallback.
    let mut attached: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for c in &containers {
        let name = container_name(c);
        let networks = c
            .network_settings
            .as_ref()
            .and_then(|s| s.networks.as_ref());
        for ep in networks.into_iter().flat_map(|m| m.values()) {
            if let Some(id) = &ep.network_id {
                attached
                    .entry(id.clone())
                    .or_default()
                    .push((name.clone(), ep.ip_address.clone().unwrap_or_default()));
            }
        }
    }
    let inspects = nets.into_iter().map(|n| {
        let id = n.id.clone().unwrap_or_default();
        let from_list = attached.remove(&id);
        async move {
            let Some(mut fallback) = from_list else {
                return network_of(summary_as_inspect(n));
            };
            match docker.inspect_network(&id, None).await {
                Ok(full) => network_of(full),
                Err(_) => {
                    let mut net = network_of(summary_as_inspect(n));
                    fallback.sort();
                    net.containers = fallback;
                    net
                }
            }
        }
    });
    let mut out = join_all(inspects).await;
    sort_networks(&mut out, NetworkSort::Name);
    Ok(out)
}

/// One network by name or id, with its containers.
pub async fn inspect_network(docker: &Docker, network: &str) -> Result<Network, String> {
    docker
        .inspect_network(network, None)
        .await
        .map(network_of)
        .map_err(err)
}

/// `docker network create [--driver D] [--subnet S] [--label …] NAME`; returns the new id.
pub async fn create_network(
    docker: &Docker,
    name: &str,
    driver: Option<&str>,
    subnet: Option<&str>,
    labels: &[(String, String)],
) -> Result<String, String> {
    let ipam = subnet.filter(|s| !s.is_empty()).map(|s| Ipam {
        config: Some(vec![IpamConfig {
            subnet: Some(s.to_string()),
            ..Default::default()
        }]),
        ..Default::default()
    });
    let req = NetworkCreateRequest {
        name: name.to_string(),
        driver: driver.filter(|d| !d.is_empty()).map(str::to_string),
        ipam,
        labels: Some(labels.iter().cloned().collect()),
        ..Default::default()
    };
    docker.create_network(req).await.map(|r| r.id).map_err(err)
}

/// `docker network rm`. Refused with the engine's message while containers are attached.
pub async fn remove_network(docker: &Docker, network: &str) -> Result<(), String> {
    docker.remove_network(network).await.map_err(err)
}

/// `docker network connect [--alias A]… NETWORK CONTAINER`.
pub async fn connect_network(
    docker: &Docker,
    network: &str,
    container: &str,
    aliases: &[String],
) -> Result<(), String> {
    let req = NetworkConnectRequest {
        container: container.to_string(),
        endpoint_config: Some(EndpointSettings {
            aliases: Some(aliases.to_vec()).filter(|a| !a.is_empty()),
            ..Default::default()
        }),
    };
    docker.connect_network(network, req).await.map_err(err)
}

/// `docker network disconnect [-f] NETWORK CONTAINER`.
pub async fn disconnect_network(
    docker: &Docker,
    network: &str,
    container: &str,
    force: bool,
) -> Result<(), String> {
    let req = NetworkDisconnectRequest {
        container: container.to_string(),
        force: Some(force),
    };
    docker.disconnect_network(network, req).await.map_err(err)
}

/// `docker network prune`: removes networks no container uses (only those carrying `label`
/// when given); returns their names.
pub async fn prune_networks(docker: &Docker, label: Option<&str>) -> Result<Vec<String>, String> {
    let opts = PruneNetworksOptionsBuilder::default()
        .filters(&label_filter(label))
        .build();
    let r = docker.prune_networks(Some(opts)).await.map_err(err)?;
    Ok(r.networks_deleted.unwrap_or_default())
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
    let r = docker.prune_containers(Some(opts)).await.map_err(err)?;
    out.containers = r.containers_deleted.unwrap_or_default();
    out.reclaimed += pos(r.space_reclaimed.unwrap_or(0));

    out.networks = prune_networks(docker, label).await?;

    let mut image_filters = filters.clone();
    image_filters.insert("dangling".into(), vec!["true".into()]);
    let opts = PruneImagesOptionsBuilder::default()
        .filters(&image_filters)
        .build();
    let r = docker.prune_images(Some(opts)).await.map_err(err)?;
    out.images = r
        .images_deleted
        .unwrap_or_default()
        .into_iter()
        .filter_map(|i| i.deleted.or(i.untagged))
        .collect();
    out.reclaimed += pos(r.space_reclaimed.unwrap_or(0));

    if label.is_none() {
        let opts = PruneBuildOptionsBuilder::default().build();
        let r = docker.prune_build(Some(opts)).await.map_err(err)?;
        out.build_cache = r.caches_deleted.unwrap_or_default();
        out.reclaimed += pos(r.space_reclaimed.unwrap_or(0));
    }
    Ok(out)
}

/// `docker info` and `docker version` in one.
pub async fn info(docker: &Docker) -> Result<EngineInfo, String> {
    let (info, version) = tokio::join!(raw_get(docker, "/info"), docker.version());
    let info = info?;
    let version = version.map_err(err)?;
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

/// The create request for `spec`, as `docker run -d` sends it. A bare `KEY` in the env takes
/// its value from dockside's own environment, as the docker CLI does.
pub fn create_body(spec: &RunSpec) -> ContainerCreateBody {
    let mut port_bindings: HashMap<String, Option<Vec<PortBinding>>> = HashMap::new();
    for (key, ip, host) in spec.port_bindings() {
        port_bindings
            .entry(key)
            .or_insert_with(|| Some(Vec::new()))
            .get_or_insert_with(Vec::new)
            .push(PortBinding {
                host_ip: Some(ip),
                host_port: Some(host),
            });
    }
    let mut exposed: Vec<String> = port_bindings.keys().cloned().collect();
    exposed.sort();
    let some_vec = |v: Vec<String>| Some(v).filter(|v| !v.is_empty());
    let restart = RestartPolicy {
        name: Some(match spec.restart {
            Restart::No => RestartPolicyNameEnum::NO,
            Restart::Always => RestartPolicyNameEnum::ALWAYS,
            Restart::UnlessStopped => RestartPolicyNameEnum::UNLESS_STOPPED,
            Restart::OnFailure(_) => RestartPolicyNameEnum::ON_FAILURE,
        }),
        maximum_retry_count: Some(i64::from(spec.restart.max_retries())),
    };
    let host_config = HostConfig {
        port_bindings: Some(port_bindings).filter(|p| !p.is_empty()),
        binds: some_vec(spec.binds()),
        volumes_from: some_vec(spec.volumes_from.clone()),
        links: some_vec(spec.links.iter().map(|l| l.to_arg()).collect()),
        restart_policy: Some(restart),
        auto_remove: Some(spec.auto_remove),
        memory: spec.memory,
        nano_cpus: spec.nano_cpus,
        network_mode: spec.network.clone(),
        ..Default::default()
    };
    ContainerCreateBody {
        image: Some(spec.image.clone()),
        cmd: some_vec(spec.cmd.clone()),
        env: some_vec(spec.env_list(|k| std::env::var(k).ok())),
        exposed_ports: some_vec(exposed),
        volumes: some_vec(spec.anonymous_volumes()),
        tty: Some(spec.tty),
        open_stdin: Some(spec.interactive),
        attach_stdin: Some(false),
        attach_stdout: Some(false),
        attach_stderr: Some(false),
        host_config: Some(host_config),
        ..Default::default()
    }
}

/// An engine error, prefixed with the form field it is about when that can be told
/// (`name: Conflict. The container name "/web" is already in use …`).
fn field_error(spec: &RunSpec, message: String) -> String {
    match spec.field_for_error(&message) {
        Some(f) => format!("{}: {message}", f.label()),
        None => message,
    }
}

/// `docker run -d`: create the container from `spec`, then start it; returns its id. The
/// image must be present (nothing is pulled). When the engine's refusal is about a field of
/// the form, the error starts with that field's label (`image: No such image: …`), so
/// [`RunSpec::field_for_error`] or the prefix can point at it. A container that was created
/// but failed to start is removed again, so the form can be fixed and submitted unchanged.
pub async fn run(docker: &Docker, spec: &RunSpec) -> Result<String, String> {
    let mut opts = CreateContainerOptionsBuilder::default();
    if let Some(name) = &spec.name {
        opts = opts.name(name);
    }
    let created = docker
        .create_container(Some(opts.build()), create_body(spec))
        .await
        .map_err(|e| field_error(spec, err(e)))?;
    if let Err(e) = docker
        .start_container(&created.id, None::<StartContainerOptions>)
        .await
    {
        let message = field_error(spec, err(e));
        let rm = RemoveContainerOptionsBuilder::default()
            .force(true)
            .v(true)
            .build();
        let _ = docker.remove_container(&created.id, Some(rm)).await;
        return Err(message);
    }
    Ok(created.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::runform::RunForm;

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

    #[test]
    fn create_body_carries_every_field() {
        let form = RunForm {
            image: "busybox".into(),
            name: "web".into(),
            command: "sleep 60".into(),
            ports: "127.0.0.1::80 8080:80 53:53/udp".into(),
            env: "A=1".into(),
            volumes: "/tmp:/data:ro vol:/cache /anon".into(),
            volumes_from: "other:ro".into(),
            network: "my-net".into(),
            links: "redis:cache".into(),
            restart: "on-failure:3".into(),
            memory: "64m".into(),
            cpus: "0.5".into(),
            auto_remove: false,
            interactive: true,
            tty: true,
        };
        let spec = form.validate().expect("valid");
        let body = create_body(&spec);
        assert_eq!(body.cmd, Some(vec!["sleep".into(), "60".into()]));
        assert_eq!(body.env, Some(vec!["A=1".into()]));
        assert_eq!(
            body.exposed_ports,
            Some(vec!["53/udp".into(), "80/tcp".into()])
        );
        assert_eq!(body.volumes, Some(vec!["/anon".into()]));
        assert_eq!((body.tty, body.open_stdin), (Some(true), Some(true)));
        let hc = body.host_config.expect("host config");
        let pb = hc.port_bindings.expect("ports");
        assert_eq!(
            pb.get("80/tcp").cloned().flatten().map(|v| v.len()),
            Some(2)
        );
        assert_eq!(
            hc.binds,
            Some(vec!["/tmp:/data:ro".into(), "vol:/cache".into()])
        );
        assert_eq!(hc.volumes_from, Some(vec!["other:ro".into()]));
        assert_eq!(hc.links, Some(vec!["redis:cache".into()]));
        let rp = hc.restart_policy.expect("restart");
        assert_eq!(rp.name, Some(RestartPolicyNameEnum::ON_FAILURE));
        assert_eq!(rp.maximum_retry_count, Some(3));
        assert_eq!(hc.memory, Some(67_108_864));
        assert_eq!(hc.nano_cpus, Some(500_000_000));
        assert_eq!(hc.network_mode.as_deref(), Some("my-net"));
        // The request body the engine gets: ExposedPorts and Volumes as objects.
        let json = serde_json::to_value(create_body(&spec)).expect("json");
        assert!(json["ExposedPorts"]["80/tcp"].is_object(), "{json}");
        assert!(json["Volumes"]["/anon"].is_object(), "{json}");
    }

    #[test]
    fn minimal_body_leaves_defaults_to_the_image() {
        let spec = RunForm::for_image("busybox").validate().expect("valid");
        let body = create_body(&spec);
        assert_eq!(body.cmd, None);
        assert_eq!(body.env, None);
        assert_eq!(body.exposed_ports, None);
        let hc = body.host_config.expect("hc");
        assert_eq!(hc.port_bindings, None);
        assert_eq!(hc.binds, None);
        assert_eq!(hc.network_mode, None);
    }

    #[test]
    fn field_errors_are_prefixed() {
        let spec = RunForm::for_image("busybox").validate().expect("valid");
        assert_eq!(
            field_error(&spec, "No such image: busybox:latest".into()),
            "image: No such image: busybox:latest"
        );
        assert_eq!(field_error(&spec, "boom".into()), "boom");
    }
}
