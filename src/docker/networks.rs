//! Networks: list (with attached containers and their addresses), inspect, create,
//! remove, connect, disconnect, prune.

use std::collections::HashMap;

use bollard::Docker;
use bollard::models::{
    EndpointSettings, Ipam, IpamConfig, NetworkConnectRequest, NetworkCreateRequest,
    NetworkDisconnectRequest, NetworkInspect,
};
use bollard::query_parameters::{ListContainersOptionsBuilder, PruneNetworksOptionsBuilder};
use futures::future::join_all;

use super::client::friendly;
use super::containers::container_name;
use super::query::label_filter;
use crate::app::resources::{Network, NetworkSort, sort_networks};

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
        host: None,
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
    let nets = nets.map_err(friendly)?;
    let containers = containers.map_err(friendly)?;
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
        .map_err(friendly)
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
    docker
        .create_network(req)
        .await
        .map(|r| r.id)
        .map_err(friendly)
}

/// `docker network rm`. Refused with the engine's message while containers are attached.
pub async fn remove_network(docker: &Docker, network: &str) -> Result<(), String> {
    docker.remove_network(network).await.map_err(friendly)
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
    docker.connect_network(network, req).await.map_err(friendly)
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
    docker
        .disconnect_network(network, req)
        .await
        .map_err(friendly)
}

/// `docker network prune`: removes networks no container uses (only those carrying `label`
/// when given); returns their names.
pub async fn prune_networks(docker: &Docker, label: Option<&str>) -> Result<Vec<String>, String> {
    let opts = PruneNetworksOptionsBuilder::default()
        .filters(&label_filter(label))
        .build();
    let r = docker.prune_networks(Some(opts)).await.map_err(friendly)?;
    Ok(r.networks_deleted.unwrap_or_default())
}
