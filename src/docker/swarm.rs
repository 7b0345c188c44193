//! Swarm: services (with their running/desired counts), tasks, nodes; scale, force update,
//! rollback and remove a service; drain/pause/activate, promote/demote and remove a node.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use bollard::Docker;
use bollard::models::{NodeSpecAvailabilityEnum, NodeSpecRoleEnum, ServiceSpecModeReplicated};
use bollard::query_parameters::{
    DeleteNodeOptions, InspectServiceOptions, ListNodesOptions, ListServicesOptions,
    ListTasksOptions, UpdateNodeOptions, UpdateServiceOptions,
};
use tokio::sync::mpsc;

use super::client::friendly;
use crate::app::Msg;
use crate::app::msg::ResMsg;
use crate::app::swarm::{Node, NodeChange, SecretKind, Service, ServiceChange, SwarmObject, Task};

/// Unix seconds of an engine date (its JSON form: RFC 3339 text).
fn unix<T: serde::Serialize>(t: &Option<T>) -> i64 {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| {
            v.as_str()
                .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        })
        .map_or(0, |t| t.timestamp())
}

fn text<T: ToString>(t: Option<T>) -> String {
    t.map(|t| t.to_string()).unwrap_or_default()
}

fn service_of(s: bollard::models::Service) -> Service {
    let spec = s.spec.clone().unwrap_or_default();
    let mode = spec.mode.clone().unwrap_or_default();
    let (mode_name, replicas) = if mode.global.is_some() {
        ("global", None)
    } else if mode.replicated_job.is_some() {
        ("replicated-job", None)
    } else if mode.global_job.is_some() {
        ("global-job", None)
    } else {
        (
            "replicated",
            mode.replicated.and_then(|r| r.replicas).map(|r| r as u64),
        )
    };
    let status = s.service_status.clone().unwrap_or_default();
    let container = spec
        .task_template
        .as_ref()
        .and_then(|t| t.container_spec.as_ref());
    let image_ref = container.and_then(|c| c.image.clone()).unwrap_or_default();
    let env = container.and_then(|c| c.env.clone()).unwrap_or_default();
    let (image, digest) = match image_ref.split_once('@') {
        Some((i, d)) => (i.to_string(), Some(d.to_string())),
        None => (image_ref, None),
    };
    let ports = s
        .endpoint
        .as_ref()
        .and_then(|e| e.ports.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|p| {
            format!(
                "{}:{}/{}",
                p.published_port.unwrap_or(0),
                p.target_port.unwrap_or(0),
                text(p.protocol)
            )
        })
        .collect();
    let update = s.update_status.clone().unwrap_or_default();
    Service {
        id: s.id.clone().unwrap_or_default(),
        name: spec.name.clone().unwrap_or_default(),
        mode: mode_name.into(),
        running: status.running_tasks.unwrap_or(0),
        desired: replicas.or(status.desired_tasks).unwrap_or(0),
        image,
        digest,
        ports,
        update_state: text(update.state),
        update_message: update.message.unwrap_or_default(),
        created: unix(&s.created_at),
        updated: unix(&s.updated_at),
        labels: spec.labels.unwrap_or_default().into_iter().collect(),
        env,
    }
}

/// Every service with its task counts.
pub async fn list_services(docker: &Docker) -> Result<Vec<Service>, String> {
    let opts = ListServicesOptions {
        status: Some(true),
        ..Default::default()
    };
    let list = docker.list_services(Some(opts)).await.map_err(friendly)?;
    Ok(list.into_iter().map(service_of).collect())
}

/// One service with its task counts (`docker service ls --filter id=ID`); None when gone.
pub async fn one_service(docker: &Docker, id: &str) -> Result<Option<Service>, String> {
    let opts = ListServicesOptions {
        status: Some(true),
        filters: Some(HashMap::from([("id".to_string(), vec![id.to_string()])])),
    };
    let list = docker.list_services(Some(opts)).await.map_err(friendly)?;
    // The filter matches id prefixes: the one whose id is this one.
    Ok(list.into_iter().map(service_of).find(|s| s.id == id))
}

/// One service (after its event), sent now and again every second while it converges, for
/// at most a minute.
pub async fn service_until_settled(docker: &Docker, tx: &mpsc::Sender<Msg>, id: &str) {
    for _ in 0..60 {
        let msg = match one_service(docker, id).await {
            Ok(Some(s)) => {
                let converging = s.converging();
                if tx.send(Msg::Res(ResMsg::Service(s))).await.is_err() || !converging {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            Ok(None) => ResMsg::ServiceGone(id.to_string()),
            // A failure here leaves the list as it was: the next event fetches again.
            Err(_) => return,
        };
        let _ = tx.send(Msg::Res(msg)).await;
        return;
    }
}

/// The services, sent now and again every second while one of them converges (tasks
/// starting, an update running), for at most a minute: no polling once settled.
pub async fn services_until_settled(docker: &Docker, tx: &mpsc::Sender<Msg>) {
    for _ in 0..60 {
        let r = list_services(docker).await;
        let converging = r.as_ref().is_ok_and(|l| l.iter().any(Service::converging));
        if tx.send(Msg::Res(ResMsg::Services(r))).await.is_err() || !converging {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn node_names(docker: &Docker) -> HashMap<String, String> {
    docker
        .list_nodes(None::<ListNodesOptions>)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|n| {
            let host = n.description.and_then(|d| d.hostname).unwrap_or_default();
            Some((n.id?, host))
        })
        .collect()
}

fn task_of(t: bollard::models::Task, names: &HashMap<String, String>, me: &str) -> Task {
    let image = t
        .spec
        .as_ref()
        .and_then(|s| s.container_spec.as_ref())
        .and_then(|c| c.image.clone())
        .unwrap_or_default();
    let status = t.status.unwrap_or_default();
    let node_id = t.node_id.unwrap_or_default();
    Task {
        here: !me.is_empty() && node_id == me,
        id: t.id.unwrap_or_default(),
        service_id: t.service_id.unwrap_or_default(),
        slot: t.slot.unwrap_or(0),
        node: names.get(&node_id).cloned().unwrap_or_default(),
        node_id,
        desired: text(t.desired_state),
        state: text(status.state),
        message: status.message.unwrap_or_default(),
        error: status.err.unwrap_or_default(),
        since: unix(&status.timestamp),
        container_id: status
            .container_status
            .and_then(|c| c.container_id)
            .unwrap_or_default(),
        image,
    }
}

/// The tasks of a service, by slot, the newest first in each.
pub async fn tasks(docker: &Docker, service_id: &str) -> Result<Vec<Task>, String> {
    let filters = HashMap::from([("service".to_string(), vec![service_id.to_string()])]);
    let opts = ListTasksOptions {
        filters: Some(filters),
    };
    let (list, names, me) = tokio::join!(
        docker.list_tasks(Some(opts)),
        node_names(docker),
        self_node(docker)
    );
    let mut tasks: Vec<Task> = list
        .map_err(friendly)?
        .into_iter()
        .map(|t| task_of(t, &names, &me))
        .collect();
    tasks.sort_by(|a, b| {
        a.slot
            .cmp(&b.slot)
            .then(a.node.cmp(&b.node))
            .then(b.since.cmp(&a.since))
    });
    Ok(tasks)
}

/// How many tasks run on each node (of those `filters` picks, desired running).
async fn running_per_node(
    docker: &Docker,
    mut filters: HashMap<String, Vec<String>>,
) -> HashMap<String, usize> {
    filters.insert("desired-state".into(), vec!["running".into()]);
    let tasks = docker
        .list_tasks(Some(ListTasksOptions {
            filters: Some(filters),
        }))
        .await
        .unwrap_or_default();
    let mut per_node: HashMap<String, usize> = HashMap::new();
    for t in tasks {
        let is_running = t
            .status
            .as_ref()
            .and_then(|s| s.state)
            .is_some_and(|s| s.to_string() == "running");
        if is_running && let Some(n) = t.node_id {
            *per_node.entry(n).or_default() += 1;
        }
    }
    per_node
}

/// The id of the node this engine is.
async fn self_node(docker: &Docker) -> String {
    docker
        .info()
        .await
        .ok()
        .and_then(|i| i.swarm)
        .and_then(|s| s.node_id)
        .unwrap_or_default()
}

fn node_of(n: bollard::models::Node, per_node: &HashMap<String, usize>, me: &str) -> Node {
    let id = n.id.unwrap_or_default();
    let spec = n.spec.unwrap_or_default();
    let desc = n.description.unwrap_or_default();
    let res = desc.resources.unwrap_or_default();
    let status = n.status.unwrap_or_default();
    let manager = n.manager_status.unwrap_or_default();
    Node {
        tasks: per_node.get(&id).copied().unwrap_or(0),
        is_self: !me.is_empty() && me == id,
        id,
        hostname: desc.hostname.unwrap_or_default(),
        role: text(spec.role),
        leader: manager.leader.unwrap_or(false),
        availability: text(spec.availability),
        status: text(status.state),
        engine: desc
            .engine
            .and_then(|e| e.engine_version)
            .unwrap_or_default(),
        addr: status.addr.unwrap_or_default(),
        cpus: res.nano_cpus.unwrap_or(0) as f64 / 1e9,
        memory: res.memory_bytes.unwrap_or(0).max(0) as u64,
        labels: spec
            .labels
            .unwrap_or_default()
            .into_iter()
            .collect::<BTreeMap<_, _>>(),
    }
}

/// Every node, with the tasks running on it.
pub async fn list_nodes(docker: &Docker) -> Result<Vec<Node>, String> {
    let (nodes, per_node, me) = tokio::join!(
        docker.list_nodes(None::<ListNodesOptions>),
        running_per_node(docker, HashMap::new()),
        self_node(docker)
    );
    let nodes = nodes.map_err(friendly)?;
    Ok(nodes
        .into_iter()
        .map(|n| node_of(n, &per_node, &me))
        .collect())
}

/// One node (after its event, or a task's container here), with the tasks running on it;
/// None when it is gone.
pub async fn one_node(docker: &Docker, id: &str) -> Result<Option<Node>, String> {
    let on_it = HashMap::from([("node".to_string(), vec![id.to_string()])]);
    let (node, per_node, me) = tokio::join!(
        docker.inspect_node(id),
        running_per_node(docker, on_it),
        self_node(docker)
    );
    match node {
        Ok(n) => Ok(Some(node_of(n, &per_node, &me))),
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(None),
        Err(e) => Err(friendly(e)),
    }
}

/// Scale, force an update of, or roll back a service (at the version read just before).
///
/// The engine refuses a write at a version it has moved past ("update out of sequence"),
/// and a rolling update moves it by itself (its "completed" is a write): the change is then
/// made again on what the service is now, a few times, before saying so.
pub async fn change_service(
    docker: &Docker,
    id: &str,
    change: ServiceChange,
) -> Result<String, String> {
    let mut tries = 0;
    loop {
        match change_at_version(docker, id, change.clone()).await {
            Ok(said) => return Ok(said),
            Err(Refused::Stale(_)) if tries < 3 => tries += 1,
            Err(Refused::Stale(why) | Refused::Said(why)) => return Err(why),
        }
    }
}

/// Why a service change was refused: the version read was overtaken, or anything else.
#[derive(Debug, PartialEq, Eq)]
enum Refused {
    Stale(String),
    Said(String),
}

impl From<String> for Refused {
    fn from(why: String) -> Self {
        Refused::Said(why)
    }
}

fn refused(e: bollard::errors::Error) -> Refused {
    match &e {
        bollard::errors::Error::DockerResponseServerError { message, .. }
            if message.contains("update out of sequence") =>
        {
            Refused::Stale(friendly(e))
        }
        _ => Refused::Said(friendly(e)),
    }
}

/// One try of [`change_service`].
async fn change_at_version(
    docker: &Docker,
    id: &str,
    change: ServiceChange,
) -> Result<String, Refused> {
    let svc = docker
        .inspect_service(id, None::<InspectServiceOptions>)
        .await
        .map_err(friendly)?;
    let version = svc.version.and_then(|v| v.index).unwrap_or(0);
    let mut spec = svc.spec.unwrap_or_default();
    let mut opts = UpdateServiceOptions {
        version: version as i32,
        ..Default::default()
    };
    match change {
        ServiceChange::Scale(n) => {
            let mode = spec.mode.get_or_insert_with(Default::default);
            if mode.global.is_some() || mode.global_job.is_some() {
                return Err(Refused::Said(
                    "a global service runs one task per node: it cannot be scaled".into(),
                ));
            }
            mode.replicated = Some(ServiceSpecModeReplicated {
                replicas: Some(n as i64),
            });
        }
        ServiceChange::Force => {
            let t = spec.task_template.get_or_insert_with(Default::default);
            t.force_update = Some(t.force_update.unwrap_or(0) + 1);
        }
        ServiceChange::Rollback => opts.rollback = Some("previous".into()),
        ServiceChange::Env(edits) => {
            let c = container_spec(&mut spec)?;
            let env = c.env.get_or_insert_with(Vec::new);
            crate::app::swarm::apply_to_env(env, &edits);
        }
        ServiceChange::Labels(edits) => {
            crate::app::swarm::apply_to_labels(
                spec.labels.get_or_insert_with(HashMap::new),
                &edits,
            );
        }
        ServiceChange::Image(image) => {
            let pinned = pin_digest(docker, &image).await?;
            container_spec(&mut spec)?.image = Some(pinned.clone());
            // Workers pull it with the credentials dockside has for its registry.
            let auth = super::credentials::registry_credentials(
                crate::app::images::Reference::parse(&pinned).registry(),
            );
            let r = docker
                .update_service(id, spec, opts, auth)
                .await
                .map_err(refused)?;
            let mut said = vec![format!("now {pinned}")];
            said.extend(r.warnings.unwrap_or_default());
            return Ok(said.join("; "));
        }
    }
    let r = docker
        .update_service(id, spec, opts, None)
        .await
        .map_err(refused)?;
    Ok(r.warnings.unwrap_or_default().join("; "))
}

/// The container spec of a service's tasks (a plugin service has none).
fn container_spec(
    spec: &mut bollard::models::ServiceSpec,
) -> Result<&mut bollard::models::TaskSpecContainerSpec, String> {
    let t = spec.task_template.get_or_insert_with(Default::default);
    if t.plugin_spec.is_some() {
        return Err("a plugin service has no container to change".into());
    }
    Ok(t.container_spec.get_or_insert_with(Default::default))
}

/// `IMAGE@sha256:…`: what the tag names in its registry now, as the engine resolves it
/// (`GET /distribution/{name}/json`); a digest already there is dropped first.
pub async fn pin_digest(docker: &Docker, image: &str) -> Result<String, String> {
    let tag = image.split_once('@').map_or(image, |(t, _)| t).trim();
    if tag.is_empty() {
        return Err("no image given".into());
    }
    let auth = super::credentials::registry_credentials(
        crate::app::images::Reference::parse(tag).registry(),
    );
    let found = docker
        .inspect_registry_image(tag, auth)
        .await
        .map_err(|e| format!("cannot resolve {tag} in its registry: {}", friendly(e)))?;
    let digest = found.descriptor.digest.unwrap_or_default();
    if digest.is_empty() {
        return Err(format!("the registry told no digest for {tag}"));
    }
    Ok(format!("{tag}@{digest}"))
}

pub async fn remove_service(docker: &Docker, id: &str) -> Result<(), String> {
    docker.delete_service(id).await.map_err(friendly)
}

/// `docker stack rm NAME`: the stack's services, then its networks, secrets and configs
/// (everything carrying its namespace label), as the CLI does. A network still in use by
/// tasks that are stopping is tried again for a few seconds.
pub async fn remove_stack(docker: &Docker, name: &str) -> Result<String, String> {
    use bollard::query_parameters::{ListConfigsOptions, ListNetworksOptions, ListSecretsOptions};
    let label = format!("{}={name}", crate::app::swarm::STACK_LABEL);
    let filters = super::query::label_filter(Some(&label));
    let services = docker
        .list_services(Some(ListServicesOptions {
            filters: Some(filters.clone()),
            ..Default::default()
        }))
        .await
        .map_err(friendly)?;
    if services.is_empty() {
        return Err(format!("no service carries the stack label {label}"));
    }
    let mut errors = Vec::new();
    let mut removed = 0;
    for id in services.iter().filter_map(|s| s.id.as_deref()) {
        match docker.delete_service(id).await {
            Ok(_) => removed += 1,
            Err(e) => errors.push(friendly(e)),
        }
    }
    let networks = docker
        .list_networks(Some(ListNetworksOptions {
            filters: Some(filters.clone()),
        }))
        .await
        .map_err(friendly)?;
    let mut nets = 0;
    for id in networks.iter().filter_map(|n| n.id.as_deref()) {
        let mut last = None;
        for _ in 0..20 {
            match docker.remove_network(id).await {
                Ok(()) => {
                    last = None;
                    nets += 1;
                    break;
                }
                Err(e) => last = Some(friendly(e)),
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        errors.extend(last);
    }
    let secrets = docker
        .list_secrets(Some(ListSecretsOptions {
            filters: Some(filters.clone()),
        }))
        .await
        .map_err(friendly)?;
    for id in secrets.iter().filter_map(|s| s.id.as_deref()) {
        if let Err(e) = docker.delete_secret(id).await {
            errors.push(friendly(e));
        }
    }
    let configs = docker
        .list_configs(Some(ListConfigsOptions {
            filters: Some(filters),
        }))
        .await
        .map_err(friendly)?;
    for id in configs.iter().filter_map(|c| c.id.as_deref()) {
        if let Err(e) = docker.delete_config(id).await {
            errors.push(friendly(e));
        }
    }
    if errors.is_empty() {
        Ok(format!("removed {removed} services, {nets} networks"))
    } else {
        Err(errors.join("; "))
    }
}

/// The service as the engine has it, as JSON.
pub async fn inspect_service(docker: &Docker, id: &str) -> Result<String, String> {
    let svc = docker
        .inspect_service(id, None::<InspectServiceOptions>)
        .await
        .map_err(friendly)?;
    serde_json::to_string_pretty(&svc).map_err(|e| e.to_string())
}

pub async fn change_node(docker: &Docker, id: &str, change: NodeChange) -> Result<(), String> {
    let node = docker.inspect_node(id).await.map_err(friendly)?;
    let version = node.version.and_then(|v| v.index).unwrap_or(0);
    let mut spec = node.spec.unwrap_or_default();
    match change {
        NodeChange::Availability(a) => {
            spec.availability = Some(match a {
                "drain" => NodeSpecAvailabilityEnum::DRAIN,
                "pause" => NodeSpecAvailabilityEnum::PAUSE,
                _ => NodeSpecAvailabilityEnum::ACTIVE,
            })
        }
        NodeChange::Role(r) => {
            spec.role = Some(if r == "manager" {
                NodeSpecRoleEnum::MANAGER
            } else {
                NodeSpecRoleEnum::WORKER
            })
        }
        NodeChange::Labels(edits) => {
            crate::app::swarm::apply_to_labels(
                spec.labels.get_or_insert_with(HashMap::new),
                &edits,
            );
        }
    }
    docker
        .update_node(
            id,
            spec,
            UpdateNodeOptions {
                version: version as i64,
            },
        )
        .await
        .map_err(friendly)
}

pub async fn remove_node(docker: &Docker, id: &str, force: bool) -> Result<(), String> {
    docker
        .delete_node(id, Some(DeleteNodeOptions { force }))
        .await
        .map_err(friendly)
}

/// Secrets or configs, without their values.
pub async fn list_secrets(docker: &Docker, kind: SecretKind) -> Result<Vec<SwarmObject>, String> {
    use bollard::query_parameters::{ListConfigsOptions, ListSecretsOptions};
    match kind {
        SecretKind::Secret => {
            let list = docker
                .list_secrets(None::<ListSecretsOptions>)
                .await
                .map_err(friendly)?;
            Ok(list
                .into_iter()
                .map(|x| {
                    let spec = x.spec.unwrap_or_default();
                    SwarmObject {
                        id: x.id.unwrap_or_default(),
                        name: spec.name.unwrap_or_default(),
                        created: unix(&x.created_at),
                        updated: unix(&x.updated_at),
                        labels: spec.labels.unwrap_or_default().into_iter().collect(),
                        driver: spec.driver.map(|d| d.name).unwrap_or_default(),
                        size: None,
                    }
                })
                .collect())
        }
        SecretKind::Config => {
            let list = docker
                .list_configs(None::<ListConfigsOptions>)
                .await
                .map_err(friendly)?;
            Ok(list
                .into_iter()
                .map(|x| {
                    let spec = x.spec.unwrap_or_default();
                    SwarmObject {
                        id: x.id.unwrap_or_default(),
                        name: spec.name.unwrap_or_default(),
                        created: unix(&x.created_at),
                        updated: unix(&x.updated_at),
                        labels: spec.labels.unwrap_or_default().into_iter().collect(),
                        driver: String::new(),
                        size: spec.data.as_deref().map(base64_len),
                    }
                })
                .collect())
        }
    }
}

/// The length of what base64 text decodes to.
fn base64_len(b64: &str) -> u64 {
    let b64 = b64.trim_end();
    let pad = b64.bytes().rev().take_while(|&b| b == b'=').count() as u64;
    (b64.len() as u64 / 4 * 3).saturating_sub(pad)
}

/// The most a secret (500 KiB) or a config (1000 KiB) may hold: the engine's limits.
fn max_size(kind: SecretKind) -> u64 {
    match kind {
        SecretKind::Secret => 500 * 1024,
        SecretKind::Config => 1000 * 1024,
    }
}

/// `docker secret create NAME FILE` (or config): the file's content is the value.
pub async fn create_secret(
    docker: &Docker,
    kind: SecretKind,
    name: &str,
    file: &str,
) -> Result<String, String> {
    use base64::Engine as _;
    let meta = tokio::fs::metadata(file)
        .await
        .map_err(|e| format!("cannot read {file}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{file} is not a file"));
    }
    if meta.len() > max_size(kind) {
        return Err(format!(
            "{file} holds {} bytes: a {} holds at most {} KiB",
            meta.len(),
            kind.noun(),
            max_size(kind) / 1024
        ));
    }
    let data = tokio::fs::read(file)
        .await
        .map_err(|e| format!("cannot read {file}: {e}"))?;
    let data = base64::engine::general_purpose::STANDARD.encode(data);
    let id = match kind {
        SecretKind::Secret => {
            let spec = bollard::models::SecretSpec {
                name: Some(name.to_string()),
                data: Some(data),
                ..Default::default()
            };
            docker.create_secret(spec).await.map_err(friendly)?.id
        }
        SecretKind::Config => {
            let spec = bollard::models::ConfigSpec {
                name: Some(name.to_string()),
                data: Some(data),
                ..Default::default()
            };
            docker.create_config(spec).await.map_err(friendly)?.id
        }
    };
    Ok(id.get(..12).unwrap_or(&id).to_string())
}

pub async fn remove_secret(docker: &Docker, kind: SecretKind, id: &str) -> Result<(), String> {
    match kind {
        SecretKind::Secret => docker.delete_secret(id).await.map_err(friendly),
        SecretKind::Config => docker.delete_config(id).await.map_err(friendly),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_configs_size_is_what_its_base64_decodes_to() {
        assert_eq!(super::base64_len("aGVsbG8="), 5);
        assert_eq!(super::base64_len("aGVsbG8h"), 6);
        assert_eq!(super::base64_len("aGk="), 2);
        assert_eq!(super::base64_len(""), 0);
    }

    #[test]
    fn an_overtaken_version_is_told_apart_from_other_refusals() {
        use super::Refused;
        let engine = |status_code: u16, message: &str| {
            super::refused(bollard::errors::Error::DockerResponseServerError {
                status_code,
                message: message.into(),
            })
        };
        // What a 20.10 engine answers a write at an old version.
        assert_eq!(
            engine(
                500,
                "rpc error: code = Unknown desc = update out of sequence"
            ),
            Refused::Stale("rpc error: code = Unknown desc = update out of sequence".into())
        );
        assert_eq!(
            engine(404, "service x not found"),
            Refused::Said("service x not found".into())
        );
    }
}
