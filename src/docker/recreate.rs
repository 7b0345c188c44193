//! Update and recreate containers: the container's own configuration, read back from
//! inspect, and the swap that keeps the old container until the new one runs.
//!
//! The configuration a container was created with is its inspect (`Config`, `HostConfig`,
//! the networks' endpoints) minus what the engine merged in from its image at create time
//! (env, command, entrypoint, labels, volumes, exposed ports, user, working dir… equal to the
//! image's): that part comes from the (new) image again, as it did the first time. Anonymous
//! volumes (`-v /data`, `VOLUME` in the image) are carried over by name, so their data stays.
//!
//! The swap: rename the old container to `<name>-dockside-old`, stop it, create the new one
//! under the name (on every network, with its aliases), start it and watch it ~2 s. The old
//! one is removed only then. When the new one cannot be created or started, or exits,
//! restarts or dies within that time, it is removed and the old one gets its name back and
//! is started again: the report says so.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use bollard::Docker;
use bollard::models::{
    ContainerCreateBody, ContainerInspectResponse, EndpointIpamConfig, EndpointSettings,
    HostConfig, ImageConfig, Mount, MountType, NetworkConnectRequest, NetworkingConfig,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, CreateImageOptionsBuilder, LogsOptionsBuilder,
    RemoveContainerOptionsBuilder, RenameContainerOptions,
};
use futures::StreamExt;
use tokio::sync::mpsc;

use super::client::{engine_error, friendly};
use super::credentials;
use crate::app::images::Reference;
use crate::app::msg::Msg;
use crate::app::recreate::{How, OLD_SUFFIX, Outcome, Recreate, Report, Target};
use crate::app::runform::{
    Link, PortSpec, Proto, Restart, RunForm, RunSpec, cpus_arg, memory_arg, shell_quote,
};

/// How long a new container must keep running before the old one is removed.
pub const SETTLE: Duration = Duration::from_secs(2);
const SETTLE_POLL: Duration = Duration::from_millis(200);

/// Carry out `req`, one container after the other, sending each one's report as it is done.
pub async fn run(docker: &Docker, tx: &mpsc::Sender<Msg>, req: Recreate) {
    let Recreate { targets, how } = req;
    for t in targets {
        let result = match &how {
            How::Update => update(docker, &t).await,
            How::Replace(spec) => replace(docker, &t, spec).await,
            How::Duplicate(spec) => duplicate(docker, &t, spec).await,
        };
        let report = Report {
            id: t.id,
            name: t.name,
            result,
        };
        if tx.send(Msg::Recreated(vec![report])).await.is_err() {
            return;
        }
    }
}

/// A container's configuration as the run form shows it (what it was created with).
pub async fn form(docker: &Docker, id: &str) -> Result<RunForm, String> {
    let info = inspect(docker, id).await?;
    let image = image_config(docker, &info).await;
    Ok(form_of(&info, image.as_ref()))
}

// ---- the three requests ------------------------------------------------------------------

/// Pull the container's image tag again; recreate it when the tag now names another image.
async fn update(docker: &Docker, t: &Target) -> Result<Outcome, String> {
    let info = inspect(docker, &t.id).await?;
    let reference = info
        .config
        .as_ref()
        .and_then(|c| c.image.clone())
        .unwrap_or_default();
    let running_id = info.image.clone().unwrap_or_default();
    if reference.is_empty() || is_image_id(&reference, &running_id) {
        return Err(format!(
            "it was created from an image id ({}), not a tag: there is nothing to pull",
            crate::app::images::short_id(&running_id)
        ));
    }
    pull(docker, &reference)
        .await
        .map_err(|e| format!("pull {reference}: {e}"))?;
    let now = docker
        .inspect_image(&reference)
        .await
        .map_err(engine_error)?
        .id
        .unwrap_or_default();
    if now == running_id {
        return Ok(Outcome::UpToDate { image: reference });
    }
    let image = image_config(docker, &info).await;
    let plan = plan(&info, image.as_ref(), None, Carry::Anonymous)?;
    swap(docker, &info, plan, &container_name(&info)).await
}

/// Recreate in place with the run form's fields.
async fn replace(docker: &Docker, t: &Target, spec: &RunSpec) -> Result<Outcome, String> {
    let info = inspect(docker, &t.id).await?;
    let image = image_config(docker, &info).await;
    let plan = plan(&info, image.as_ref(), Some(spec), Carry::Anonymous)?;
    let name = spec.name.clone().unwrap_or_else(|| container_name(&info));
    swap(docker, &info, plan, &name).await
}

/// A new container from the run form, the rest copied from the original.
async fn duplicate(docker: &Docker, t: &Target, spec: &RunSpec) -> Result<Outcome, String> {
    let info = inspect(docker, &t.id).await?;
    let image = image_config(docker, &info).await;
    let mut plan = plan(&info, image.as_ref(), Some(spec), Carry::Nothing)?;
    // A copy is no member of the compose project, and cannot have the same addresses.
    if let Some(labels) = plan.body.labels.as_mut() {
        labels.retain(|k, _| !k.starts_with("com.docker.compose."));
    }
    for (_, ep) in plan.endpoints_mut() {
        ep.ipam_config = None;
    }
    let mut opts = CreateContainerOptionsBuilder::default();
    if let Some(n) = &spec.name {
        opts = opts.name(n);
    }
    let created = docker
        .create_container(Some(opts.build()), plan.body.clone())
        .await
        .map_err(engine_error)?;
    let id = created.id;
    let started = async {
        connect_extra(docker, &id, &plan.extra).await?;
        docker
            .start_container(&id, None)
            .await
            .map_err(engine_error)
    };
    if let Err(e) = started.await {
        let _ = remove(docker, &id).await;
        return Err(e);
    }
    let name = match docker.inspect_container(&id, None).await {
        Ok(i) => container_name(&i),
        Err(_) => spec.name.clone().unwrap_or_default(),
    };
    Ok(Outcome::Duplicated { new_id: id, name })
}

// ---- the swap ----------------------------------------------------------------------------

/// Replace the container of `old` by one created from `plan` under `name`; the old one is
/// kept aside until the new one runs, and put back when it does not.
async fn swap(
    docker: &Docker,
    old: &ContainerInspectResponse,
    plan: Plan,
    name: &str,
) -> Result<Outcome, String> {
    let old_id = old.id.clone().unwrap_or_default();
    let old_name = container_name(old);
    let hc = old.host_config.clone().unwrap_or_default();
    if hc.auto_remove == Some(true) {
        return Err(
            "it runs with --rm: stopping it would remove it, so it could not come back if the new one failed (recreate it by hand)"
                .into(),
        );
    }
    let state = old.state.clone().unwrap_or_default();
    let was_running = state.running == Some(true) || state.restarting == Some(true);
    let aside = format!("{old_name}{OLD_SUFFIX}");
    if docker.inspect_container(&aside, None).await.is_ok() {
        return Err(format!(
            "a container named {aside} is in the way (left by an earlier update?): remove or rename it first"
        ));
    }
    rename(docker, &old_id, &aside).await?;
    if was_running && let Err(e) = docker.stop_container(&old_id, None).await {
        let e = engine_error(e);
        return match rename(docker, &old_id, &old_name).await {
            Ok(()) => Err(format!("could not stop it: {e}")),
            Err(e2) => Err(format!(
                "could not stop it ({e}), nor give its name back ({e2}): it is {aside}"
            )),
        };
    }
    let opts = CreateContainerOptionsBuilder::default().name(name).build();
    let new_id = match docker.create_container(Some(opts), plan.body.clone()).await {
        Ok(c) => c.id,
        Err(e) => {
            let why = format!(
                "the new container could not be created: {}",
                engine_error(e)
            );
            return put_back(docker, &old_id, &old_name, None, was_running, why).await;
        }
    };
    if let Err(why) = connect_extra(docker, &new_id, &plan.extra).await {
        let why = format!("the new container could not join its networks: {why}");
        return put_back(docker, &old_id, &old_name, Some(&new_id), was_running, why).await;
    }
    if was_running {
        if let Err(e) = docker.start_container(&new_id, None).await {
            let why = format!("the new container did not start: {}", engine_error(e));
            return put_back(docker, &old_id, &old_name, Some(&new_id), was_running, why).await;
        }
        if let Err(why) = settle(docker, &new_id).await {
            return put_back(docker, &old_id, &old_name, Some(&new_id), was_running, why).await;
        }
    }
    let image_id = docker
        .inspect_container(&new_id, None)
        .await
        .ok()
        .and_then(|i| i.image)
        .unwrap_or_default();
    // Its anonymous volumes now belong to the new container: never `-v`.
    let leftover = remove(docker, &old_id)
        .await
        .err()
        .map(|e| format!("the old container {aside} could not be removed: {e}"));
    Ok(Outcome::Replaced {
        new_id,
        image_id,
        leftover,
    })
}

/// The new container failed: remove it, give the old one its name back, start it again.
async fn put_back(
    docker: &Docker,
    old_id: &str,
    name: &str,
    new_id: Option<&str>,
    start: bool,
    why: String,
) -> Result<Outcome, String> {
    let back = async {
        if let Some(id) = new_id {
            remove(docker, id)
                .await
                .map_err(|e| format!("removing the new container: {e}"))?;
        }
        rename(docker, old_id, name).await?;
        if start {
            docker
                .start_container(old_id, None)
                .await
                .map_err(|e| format!("starting the old one again: {}", engine_error(e)))?;
        }
        Ok::<(), String>(())
    };
    match back.await {
        Ok(()) => Ok(Outcome::RolledBack { why }),
        Err(e) => Err(format!(
            "{why}; putting the old container back failed too ({e}): it may be {name}{OLD_SUFFIX}"
        )),
    }
}

/// Watch a started container for [`SETTLE`]: an exit, a restart or death fails it.
async fn settle(docker: &Docker, id: &str) -> Result<(), String> {
    let start = tokio::time::Instant::now();
    loop {
        let info = docker.inspect_container(id, None).await.map_err(|e| {
            format!(
                "the new container vanished while starting: {}",
                engine_error(e)
            )
        })?;
        let st = info.state.unwrap_or_default();
        let restarts = info.restart_count.unwrap_or(0);
        if st.running != Some(true) || st.restarting == Some(true) || restarts > 0 {
            let mut why = match st.exit_code {
                Some(code) if st.running != Some(true) || st.restarting == Some(true) => {
                    format!("the new container exited at once (code {code})")
                }
                _ => "the new container did not keep running".to_string(),
            };
            if let Some(e) = st.error.filter(|e| !e.is_empty()) {
                why.push_str(&format!(": {}", crate::app::sanitize::plain(&e)));
            } else if let Some(line) = last_log_line(docker, id).await {
                why.push_str(&format!(": {line}"));
            }
            return Err(why);
        }
        if start.elapsed() >= SETTLE {
            return Ok(());
        }
        tokio::time::sleep(SETTLE_POLL).await;
    }
}

/// The last non-empty line a container wrote, shortened (asked a few times: a process that
/// just died may not have its output logged yet).
async fn last_log_line(docker: &Docker, id: &str) -> Option<String> {
    for _ in 0..5 {
        if let Some(line) = last_log_line_once(docker, id).await {
            return Some(line);
        }
        tokio::time::sleep(SETTLE_POLL).await;
    }
    None
}

async fn last_log_line_once(docker: &Docker, id: &str) -> Option<String> {
    let opts = LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .tail("5")
        .build();
    let stream = docker.logs(id, Some(opts));
    let chunks: Vec<_> = tokio::time::timeout(Duration::from_secs(5), stream.collect::<Vec<_>>())
        .await
        .ok()?;
    let text: String = chunks
        .into_iter()
        .filter_map(Result::ok)
        .map(|c| c.to_string())
        .collect();
    let line = text.lines().rev().find(|l| !l.trim().is_empty())?;
    let line = crate::app::sanitize::plain(line.trim());
    Some(line.chars().take(160).collect())
}

async fn connect_extra(
    docker: &Docker,
    id: &str,
    extra: &[(String, EndpointSettings)],
) -> Result<(), String> {
    for (net, ep) in extra {
        let req = NetworkConnectRequest {
            container: id.to_string(),
            endpoint_config: Some(ep.clone()),
        };
        docker
            .connect_network(net, req)
            .await
            .map_err(|e| format!("{net}: {}", engine_error(e)))?;
    }
    Ok(())
}

async fn rename(docker: &Docker, id: &str, to: &str) -> Result<(), String> {
    let opts = RenameContainerOptions {
        name: to.to_string(),
    };
    docker
        .rename_container(id, opts)
        .await
        .map_err(|e| format!("renaming to {to}: {}", engine_error(e)))
}

/// Remove a container, its volumes kept.
async fn remove(docker: &Docker, id: &str) -> Result<(), String> {
    let opts = RemoveContainerOptionsBuilder::default()
        .force(true)
        .v(false)
        .build();
    docker
        .remove_container(id, Some(opts))
        .await
        .map_err(engine_error)
}

async fn inspect(docker: &Docker, id: &str) -> Result<ContainerInspectResponse, String> {
    docker.inspect_container(id, None).await.map_err(friendly)
}

/// The configuration of the image the container runs (what the engine merged in).
async fn image_config(docker: &Docker, info: &ContainerInspectResponse) -> Option<ImageConfig> {
    let id = info.image.as_deref()?;
    docker.inspect_image(id).await.ok()?.config
}

/// Pull `reference` to the end (credentials from the docker config, as `docker pull`).
async fn pull(docker: &Docker, reference: &str) -> Result<(), String> {
    let r = Reference::parse(reference);
    let tag = r
        .digest
        .clone()
        .or_else(|| r.tag.clone())
        .unwrap_or_else(|| "latest".into());
    let creds = credentials::registry_credentials(r.registry());
    let opts = CreateImageOptionsBuilder::default()
        .from_image(&r.repo)
        .tag(&tag)
        .build();
    let docker = super::progress::long_client(docker);
    let mut stream = std::pin::pin!(docker.create_image(Some(opts), None, creds));
    while let Some(item) = stream.next().await {
        let info = item.map_err(engine_error)?;
        if let Some(e) = info.error_detail.and_then(|d| d.message) {
            return Err(e);
        }
    }
    Ok(())
}

/// `Config.Image` names the image by id (`sha256:…` or a prefix of the running image's id).
fn is_image_id(reference: &str, running_id: &str) -> bool {
    let bare = reference.trim_start_matches("sha256:");
    reference.starts_with("sha256:")
        || (bare.len() >= 12
            && bare.chars().all(|c| c.is_ascii_hexdigit())
            && running_id.trim_start_matches("sha256:").starts_with(bare))
}

pub fn container_name(info: &ContainerInspectResponse) -> String {
    info.name
        .as_deref()
        .unwrap_or_default()
        .trim_start_matches('/')
        .to_string()
}

// ---- the configuration -------------------------------------------------------------------

/// What the old container's anonymous volumes become in the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carry {
    /// Mounted by name at the same place: the data stays (update, recreate).
    Anonymous,
    /// Fresh ones (a duplicate).
    Nothing,
}

/// The create request, and the networks to join before starting.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub body: ContainerCreateBody,
    pub extra: Vec<(String, EndpointSettings)>,
}

impl Plan {
    fn endpoints_mut(&mut self) -> impl Iterator<Item = (&String, &mut EndpointSettings)> {
        let primary = self
            .body
            .networking_config
            .as_mut()
            .and_then(|n| n.endpoints_config.as_mut())
            .into_iter()
            .flat_map(|m| m.iter_mut());
        primary.chain(self.extra.iter_mut().map(|(n, e)| (&*n, e)))
    }
}

/// `a` without the items also in `b` (None when nothing is left).
fn subtract(a: Option<Vec<String>>, b: Option<&Vec<String>>) -> Option<Vec<String>> {
    let b: HashSet<&String> = b.into_iter().flatten().collect();
    let left: Vec<String> = a.into_iter().flatten().filter(|x| !b.contains(x)).collect();
    Some(left).filter(|v| !v.is_empty())
}

fn same<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
    a.is_some() && a == b
}

/// `/redis:/web/cache` (inspect) → `redis:cache` (create).
pub fn link_arg(link: &str) -> String {
    match link.split_once(':') {
        Some((c, a)) => {
            let c = c.trim_start_matches('/');
            let alias = a.rsplit('/').next().unwrap_or(a);
            format!("{c}:{alias}")
        }
        None => link.trim_start_matches('/').to_string(),
    }
}

/// The network mode, `default` for none given.
fn mode_of(m: Option<&str>) -> &str {
    match m {
        None | Some("") | Some("bridge") => "default",
        Some(m) => m,
    }
}

/// The configuration `info` was created with: its inspect minus what the engine took from
/// `image`, the old `-v /path` volumes carried by name, and every network with its aliases.
/// `edit`: the run form's fields, which replace the container's.
pub fn plan(
    info: &ContainerInspectResponse,
    image: Option<&ImageConfig>,
    edit: Option<&RunSpec>,
    carry: Carry,
) -> Result<Plan, String> {
    let id = info.id.clone().unwrap_or_default();
    let config = info.config.clone().unwrap_or_default();
    // Config and create body have the same fields: go through their JSON.
    let mut body: ContainerCreateBody = serde_json::to_value(&config)
        .and_then(serde_json::from_value)
        .map_err(|e| format!("reading its configuration: {e}"))?;
    let img = image.cloned().unwrap_or_default();
    body.env = subtract(body.env, img.env.as_ref());
    body.volumes = subtract(body.volumes, img.volumes.as_ref());
    body.exposed_ports = subtract(body.exposed_ports, img.exposed_ports.as_ref());
    if let Some(labels) = body.labels.as_mut() {
        for (k, v) in img.labels.iter().flatten() {
            if labels.get(k) == Some(v) {
                labels.remove(k);
            }
        }
    }
    if same(&body.entrypoint, &img.entrypoint) {
        body.entrypoint = None;
    }
    if body.entrypoint.is_none() && same(&body.cmd, &img.cmd) {
        body.cmd = None;
    }
    if same(&body.working_dir, &img.working_dir) {
        body.working_dir = None;
    }
    if same(&body.user, &img.user) {
        body.user = None;
    }
    if same(&body.stop_signal, &img.stop_signal) {
        body.stop_signal = None;
    }
    if same(&body.healthcheck, &img.healthcheck) {
        body.healthcheck = None;
    }
    body.shell = None;
    body.on_build = None;
    body.args_escaped = None;

    let mut hc = info.host_config.clone().unwrap_or_default();
    hc.links = hc
        .links
        .map(|ls| ls.iter().map(|l| link_arg(l)).collect::<Vec<_>>())
        .filter(|v| !v.is_empty());
    let old_mode = mode_of(hc.network_mode.as_deref()).to_string();
    // A hostname the engine made up (the short id) is made up again.
    let short: String = id.chars().take(12).collect();
    if body.hostname.as_deref() == Some(short.as_str())
        || old_mode == "host"
        || old_mode.starts_with("container:")
    {
        body.hostname = None;
    }
    let (mut primary, mut extra) = networks(info, &old_mode, &short);

    let mut keep_paths: Vec<String> = body.volumes.clone().unwrap_or_default();
    keep_paths.extend(img.volumes.iter().flatten().cloned());
    if let Some(spec) = edit {
        let new_mode = mode_of(spec.network.as_deref()).to_string();
        apply_form(&mut body, &mut hc, spec);
        keep_paths = spec.anonymous_volumes();
        keep_paths.extend(img.volumes.iter().flatten().cloned());
        if new_mode != old_mode {
            // Another network: its endpoint is a fresh one, the others stay joined unless
            // the new mode shares another's stack.
            primary = None;
            if new_mode == "host" || new_mode == "none" || new_mode.starts_with("container:") {
                extra.clear();
                body.hostname = None;
            }
            extra.retain(|(n, _)| *n != new_mode);
        }
    }
    if carry == Carry::Anonymous {
        carry_anonymous(info, &mut body, &mut hc, &keep_paths);
    }
    body.networking_config = primary.map(|(net, ep)| NetworkingConfig {
        endpoints_config: Some(HashMap::from([(net, ep)])),
    });
    body.host_config = Some(hc);
    Ok(Plan { body, extra })
}

/// A network and the container's endpoint on it.
type Endpoint = (String, EndpointSettings);

/// The endpoints to recreate: the one of the network mode (given at create), the others
/// (joined before the start). Only what the user chose is kept: aliases (without the old
/// short id the engine added), static addresses, links, driver options.
fn networks(
    info: &ContainerInspectResponse,
    mode: &str,
    short_id: &str,
) -> (Option<Endpoint>, Vec<Endpoint>) {
    if mode == "host" || mode == "none" || mode.starts_with("container:") {
        return (None, Vec::new());
    }
    let primary_name = if mode == "default" { "bridge" } else { mode };
    let mut nets: Vec<(String, EndpointSettings)> = info
        .network_settings
        .as_ref()
        .and_then(|n| n.networks.clone())
        .unwrap_or_default()
        .into_iter()
        .collect();
    nets.sort_by(|a, b| a.0.cmp(&b.0));
    let mut primary = None;
    let mut extra = Vec::new();
    for (name, ep) in nets {
        let user_net = name != "bridge";
        let aliases: Vec<String> = ep
            .aliases
            .unwrap_or_default()
            .into_iter()
            .filter(|a| user_net && a != short_id && info.id.as_deref().is_none_or(|i| i != a))
            .collect();
        let ipam = ep.ipam_config.filter(|i| {
            i.ipv4_address.as_deref().is_some_and(|a| !a.is_empty())
                || i.ipv6_address.as_deref().is_some_and(|a| !a.is_empty())
                || i.link_local_ips.as_ref().is_some_and(|l| !l.is_empty())
        });
        let clean = EndpointSettings {
            aliases: Some(aliases).filter(|a| !a.is_empty()),
            ipam_config: ipam.map(|i| EndpointIpamConfig {
                ipv4_address: i.ipv4_address,
                ipv6_address: i.ipv6_address,
                link_local_ips: i.link_local_ips,
            }),
            links: ep.links.filter(|l| !l.is_empty()),
            driver_opts: ep.driver_opts.filter(|d| !d.is_empty()),
            ..Default::default()
        };
        if name == primary_name {
            if clean != EndpointSettings::default() {
                primary = Some((name, clean));
            }
        } else {
            extra.push((name, clean));
        }
    }
    (primary, extra)
}

/// The run form's fields replace the container's.
fn apply_form(body: &mut ContainerCreateBody, hc: &mut HostConfig, spec: &RunSpec) {
    let form = super::containers::create_body(spec);
    let fh = form.host_config.unwrap_or_default();
    let old_published: HashSet<String> = hc
        .port_bindings
        .as_ref()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let mut exposed: Vec<String> = body
        .exposed_ports
        .take()
        .unwrap_or_default()
        .into_iter()
        .filter(|k| !old_published.contains(k))
        .collect();
    exposed.extend(form.exposed_ports.unwrap_or_default());
    exposed.sort();
    exposed.dedup();
    body.exposed_ports = Some(exposed).filter(|e| !e.is_empty());
    body.image = form.image;
    body.cmd = form.cmd;
    body.env = form.env;
    body.volumes = form.volumes;
    body.tty = form.tty;
    body.open_stdin = form.open_stdin;
    if hc.memory != fh.memory {
        // The swap limit went with the old memory limit (docker's default: twice it).
        hc.memory_swap = None;
    }
    hc.port_bindings = fh.port_bindings;
    hc.binds = fh.binds;
    hc.volumes_from = fh.volumes_from;
    hc.links = fh.links;
    hc.restart_policy = fh.restart_policy;
    hc.auto_remove = fh.auto_remove;
    hc.memory = fh.memory;
    hc.nano_cpus = fh.nano_cpus;
    hc.network_mode = fh.network_mode;
}

/// The container path of a `src:dst[:opts]` bind.
fn bind_target(b: &str) -> Option<&str> {
    b.split(':').nth(1)
}

/// The old container's anonymous volumes whose path is still wanted, mounted by name.
fn carry_anonymous(
    info: &ContainerInspectResponse,
    body: &mut ContainerCreateBody,
    hc: &mut HostConfig,
    keep_paths: &[String],
) {
    let mut taken: HashSet<String> = hc
        .binds
        .iter()
        .flatten()
        .filter_map(|b| bind_target(b))
        .map(str::to_string)
        .collect();
    taken.extend(hc.mounts.iter().flatten().filter_map(|m| m.target.clone()));
    let mut mounts = hc.mounts.take().unwrap_or_default();
    for m in info.mounts.iter().flatten() {
        let (Some(name), Some(dest)) = (m.name.as_deref(), m.destination.as_deref()) else {
            continue;
        };
        if m.typ.as_deref() != Some("volume")
            || taken.contains(dest)
            || !keep_paths.iter().any(|p| p.trim_end_matches('/') == dest)
        {
            continue;
        }
        mounts.push(Mount {
            target: Some(dest.to_string()),
            source: Some(name.to_string()),
            typ: Some(MountType::VOLUME),
            read_only: Some(m.rw == Some(false)),
            ..Default::default()
        });
        if let Some(v) = body.volumes.as_mut() {
            v.retain(|p| p.trim_end_matches('/') != dest);
        }
    }
    body.volumes = body.volumes.take().filter(|v| !v.is_empty());
    hc.mounts = Some(mounts).filter(|m| !m.is_empty());
}

/// The run form showing what `info` was created with (`image`: the image it runs, whose
/// defaults are left out).
pub fn form_of(info: &ContainerInspectResponse, image: Option<&ImageConfig>) -> RunForm {
    let Ok(plan) = plan(info, image, None, Carry::Nothing) else {
        return RunForm::default();
    };
    let body = plan.body;
    let hc = body.host_config.clone().unwrap_or_default();
    let join = |items: Vec<String>| {
        items
            .iter()
            .map(|s| shell_quote(s))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut ports: Vec<(u16, String, String)> = Vec::new();
    for (key, bindings) in hc.port_bindings.iter().flatten() {
        let (port, proto) = key.split_once('/').unwrap_or((key.as_str(), "tcp"));
        let Ok(port) = port.parse::<u16>() else {
            continue;
        };
        let proto = match proto {
            "udp" => Proto::Udp,
            "sctp" => Proto::Sctp,
            _ => Proto::Tcp,
        };
        let bindings = bindings.clone().unwrap_or_default();
        for b in if bindings.is_empty() {
            vec![Default::default()]
        } else {
            bindings
        } {
            let ip = b.host_ip.filter(|i| !i.is_empty());
            let host = b.host_port.filter(|h| !h.is_empty());
            // Through the form's own port text, so it reads back the same.
            let text = match (&ip, &host) {
                (Some(ip), h) if ip.contains(':') => {
                    format!("[{ip}]:{}:{port}", h.clone().unwrap_or_default())
                }
                (Some(ip), h) => format!("{ip}:{}:{port}", h.clone().unwrap_or_default()),
                (None, Some(h)) => format!("{h}:{port}"),
                (None, None) => port.to_string(),
            };
            let arg = match PortSpec::parse(&text) {
                Ok(mut p) => {
                    p.proto = proto;
                    p.to_arg()
                }
                Err(_) => text,
            };
            ports.push((port, proto.as_str().to_string(), arg));
        }
    }
    ports.sort();
    let mut volumes: Vec<String> = hc.binds.clone().unwrap_or_default();
    let mut anon = body.volumes.clone().unwrap_or_default();
    anon.sort();
    volumes.extend(anon);
    let restart = match hc.restart_policy.as_ref() {
        Some(p) => {
            let name = p.name.map(|n| n.to_string()).unwrap_or_default();
            let policy = match name.as_str() {
                "always" => Restart::Always,
                "unless-stopped" => Restart::UnlessStopped,
                "on-failure" => Restart::OnFailure(
                    p.maximum_retry_count
                        .filter(|n| *n > 0)
                        .and_then(|n| u32::try_from(n).ok()),
                ),
                _ => Restart::No,
            };
            match policy {
                Restart::No => String::new(),
                r => r.as_arg(),
            }
        }
        None => String::new(),
    };
    let network = match hc.network_mode.as_deref() {
        None | Some("") | Some("default") => String::new(),
        Some(m) => m.to_string(),
    };
    let links: Vec<String> = hc
        .links
        .clone()
        .unwrap_or_default()
        .iter()
        .map(|l| match Link::parse(l) {
            Ok(link) if link.container == link.alias => link.container,
            _ => l.clone(),
        })
        .collect();
    RunForm {
        image: body.image.clone().unwrap_or_default(),
        name: container_name(info),
        command: join(body.cmd.clone().unwrap_or_default()),
        ports: join(ports.into_iter().map(|(_, _, a)| a).collect()),
        env: join(body.env.clone().unwrap_or_default()),
        volumes: join(volumes),
        volumes_from: join(hc.volumes_from.clone().unwrap_or_default()),
        network,
        links: join(links),
        restart,
        memory: hc
            .memory
            .filter(|m| *m > 0)
            .map(memory_arg)
            .unwrap_or_default(),
        cpus: hc
            .nano_cpus
            .filter(|n| *n > 0)
            .map(cpus_arg)
            .unwrap_or_default(),
        auto_remove: hc.auto_remove == Some(true),
        interactive: body.open_stdin == Some(true),
        tty: body.tty == Some(true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A container as `docker inspect` shows one made with
    /// `docker run -d --name web -e A=1 -p 127.0.0.1:8080:80 -v data:/data -v /cache
    ///  --network net --network-alias api --restart on-failure:3 -m 64m --cpus 0.5
    ///  -l team=ops app:v1 serve --port 80` from an image with `ENV PATH=/bin`,
    /// `CMD ["sh"]`, `LABEL team=dev vendor=x`, `VOLUME /var/lib`, `EXPOSE 80`.
    fn inspect() -> ContainerInspectResponse {
        serde_json::from_str(
            r#"{
            "Id": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "Name": "/web",
            "Image": "sha256:aaaa",
            "State": {"Running": true},
            "Config": {
                "Hostname": "0123456789ab",
                "Env": ["A=1", "PATH=/bin"],
                "Cmd": ["serve", "--port", "80"],
                "Image": "app:v1",
                "Volumes": {"/cache": {}, "/var/lib": {}},
                "ExposedPorts": {"80/tcp": {}},
                "Labels": {"team": "ops", "vendor": "x"},
                "WorkingDir": "/srv",
                "User": ""
            },
            "HostConfig": {
                "Binds": ["data:/data"],
                "NetworkMode": "net",
                "PortBindings": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]},
                "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 3},
                "Memory": 67108864,
                "MemorySwap": 134217728,
                "NanoCpus": 500000000,
                "Links": ["/db:/web/database"]
            },
            "Mounts": [
                {"Type": "volume", "Name": "data", "Destination": "/data", "RW": true},
                {"Type": "volume", "Name": "c0ffee", "Destination": "/cache", "RW": true},
                {"Type": "volume", "Name": "f00d", "Destination": "/var/lib", "RW": true}
            ],
            "NetworkSettings": {"Networks": {
                "net": {"Aliases": ["api", "0123456789ab"], "IPAddress": "10.0.0.2",
                        "NetworkID": "n1", "EndpointID": "e1"},
                "other": {"Aliases": ["0123456789ab"], "IPAMConfig": {"IPv4Address": "10.1.0.9"}}
            }}
        }"#,
        )
        .expect("inspect json")
    }

    fn image() -> ImageConfig {
        serde_json::from_str(
            r#"{"Env": ["PATH=/bin"], "Cmd": ["sh"], "Volumes": {"/var/lib": {}},
                "ExposedPorts": {"80/tcp": {}}, "Labels": {"team": "dev", "vendor": "x"},
                "WorkingDir": "/srv"}"#,
        )
        .expect("image json")
    }

    #[test]
    fn the_configuration_is_the_containers_own() {
        let p = plan(&inspect(), Some(&image()), None, Carry::Anonymous).expect("plan");
        let b = &p.body;
        assert_eq!(b.env, Some(vec!["A=1".to_string()]));
        assert_eq!(
            b.cmd,
            Some(vec!["serve".into(), "--port".into(), "80".into()])
        );
        assert_eq!(b.image.as_deref(), Some("app:v1"));
        assert_eq!(b.working_dir, None, "the image's");
        assert_eq!(b.hostname, None, "made up by the engine");
        assert_eq!(b.exposed_ports, None, "the image's");
        let labels = b.labels.clone().unwrap_or_default();
        assert_eq!(labels.get("team").map(String::as_str), Some("ops"));
        assert!(!labels.contains_key("vendor"), "the image's");
        let hc = b.host_config.clone().expect("hc");
        assert_eq!(hc.links, Some(vec!["db:database".to_string()]));
        assert_eq!(hc.binds, Some(vec!["data:/data".to_string()]));
        // The anonymous volumes go on by name, the named one through its bind.
        let mounts = hc.mounts.unwrap_or_default();
        let carried: Vec<(&str, &str)> = mounts
            .iter()
            .map(|m| {
                (
                    m.source.as_deref().unwrap_or(""),
                    m.target.as_deref().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(carried, [("c0ffee", "/cache"), ("f00d", "/var/lib")]);
        assert_eq!(b.volumes, None);
        // The network of the mode at create, with its alias and not the old id; the other
        // joined after, its static address kept.
        let eps = b
            .networking_config
            .clone()
            .and_then(|n| n.endpoints_config)
            .unwrap_or_default();
        assert_eq!(eps["net"].aliases, Some(vec!["api".to_string()]));
        assert_eq!(eps["net"].ip_address, None);
        assert_eq!(p.extra.len(), 1);
        assert_eq!(p.extra[0].0, "other");
        assert_eq!(p.extra[0].1.aliases, None);
        assert_eq!(
            p.extra[0]
                .1
                .ipam_config
                .as_ref()
                .and_then(|i| i.ipv4_address.as_deref()),
            Some("10.1.0.9")
        );
    }

    #[test]
    fn the_form_shows_what_the_user_gave() {
        let f = form_of(&inspect(), Some(&image()));
        assert_eq!(f.image, "app:v1");
        assert_eq!(f.name, "web");
        assert_eq!(f.command, "serve --port 80");
        assert_eq!(f.env, "A=1");
        assert_eq!(f.ports, "127.0.0.1:8080:80");
        assert_eq!(f.volumes, "data:/data /cache");
        assert_eq!(f.network, "net");
        assert_eq!(f.links, "db:database");
        assert_eq!(f.restart, "on-failure:3");
        assert_eq!(f.memory, "64m");
        assert_eq!(f.cpus, "0.5");
        assert!(!f.auto_remove && !f.tty && !f.interactive);
        // And it checks: submitting it unchanged gives the same container.
        let spec = f.validate().expect("valid form");
        assert_eq!(spec.name.as_deref(), Some("web"));
    }

    #[test]
    fn a_form_edit_replaces_its_fields_and_keeps_the_rest() {
        let mut f = form_of(&inspect(), Some(&image()));
        f.env = "A=2 B=3".into();
        f.ports = "9090:80".into();
        f.memory = "128m".into();
        let spec = f.validate().expect("valid");
        let p = plan(&inspect(), Some(&image()), Some(&spec), Carry::Anonymous).expect("plan");
        let b = &p.body;
        assert_eq!(b.env, Some(vec!["A=2".to_string(), "B=3".to_string()]));
        let labels = b.labels.clone().unwrap_or_default();
        assert_eq!(labels.get("team").map(String::as_str), Some("ops"));
        let hc = b.host_config.clone().expect("hc");
        let pb = hc.port_bindings.unwrap_or_default();
        let b80 = pb.get("80/tcp").cloned().flatten().unwrap_or_default();
        assert_eq!(b80.len(), 1);
        assert_eq!(b80[0].host_port.as_deref(), Some("9090"));
        assert_eq!(hc.memory, Some(134_217_728));
        assert_eq!(hc.memory_swap, None, "follows the new memory limit");
        // Same network: its alias stays; the anonymous volume still asked for is carried.
        assert!(b.networking_config.is_some());
        assert!(
            hc.mounts
                .unwrap_or_default()
                .iter()
                .any(|m| m.target.as_deref() == Some("/cache"))
        );
    }

    #[test]
    fn ids_links_and_modes() {
        assert!(is_image_id("sha256:abc", "sha256:abc"));
        assert!(is_image_id("0123456789ab", "sha256:0123456789abcdef"));
        assert!(!is_image_id("app:v1", "sha256:0123"));
        assert_eq!(link_arg("/redis:/web/cache"), "redis:cache");
        assert_eq!(link_arg("redis:cache"), "redis:cache");
        assert_eq!(mode_of(Some("bridge")), "default");
        assert_eq!(mode_of(None), "default");
        assert_eq!(mode_of(Some("net")), "net");
    }
}
