//! Images against the engine: list, inspect, remove, prune, tag, commit, and the long
//! operations pull, push and build, which stream [`Progress`] events on the app's channel
//! (wrapped into the app's message type by `wrap`).
//!
//! Long operations run in a task owned by the returned [`OpTask`]: dropping it (or calling
//! [`OpTask::abort`]) cancels the operation, and so does dropping the channel's receiver.
//! Progress is coalesced: at most one [`Progress::Layer`] per layer per [`TICK`], lines in
//! batches (one [`Progress::Line`] carries every line that arrived during a tick). A stream
//! ends with exactly one [`Progress::Error`] or [`Progress::Done`] (nothing when cancelled).
//!
//! Registry credentials come from the docker CLI's `config.json` (`$DOCKER_CONFIG`, else
//! `~/.docker`): the `auths` entry of the reference's registry (base64 `user:password` in
//! `auth`, or `identitytoken`). Credential helpers (`credsStore`, `credHelpers`) are not
//! run: images on registries whose credentials live only in a helper are pulled and pushed
//! anonymously.
//!
//! Builds use the classic builder (API `version=1`, no BuildKit). The context directory is
//! sent as a tar streamed while it is read, honouring its `.dockerignore` (see
//! [`DockerIgnore`]); the Dockerfile must be inside the context.

use std::collections::HashMap;
use std::fs;
use std::future::Future;
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bollard::Docker;
use bollard::auth::DockerCredentials;
use bollard::errors::Error as BollardError;
use bollard::models::{ContainerConfig, ProgressDetail};
use bollard::query_parameters::{
    BuildImageOptionsBuilder, BuilderVersion, CommitContainerOptionsBuilder, CreateImageOptions,
    CreateImageOptionsBuilder, ListContainersOptionsBuilder, ListImagesOptionsBuilder,
    PruneImagesOptionsBuilder, RemoveImageOptionsBuilder, TagImageOptionsBuilder,
};
use futures::{Stream, StreamExt};
use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinError, JoinHandle};

use super::client::friendly_error;
use crate::app::images::{HistoryEntry, Image, ImageDetail, NONE_TAG, Progress, Reference};

/// At most one [`Progress::Layer`] per layer, and one batch of lines, per tick.
pub const TICK: Duration = Duration::from_millis(50);
/// A batch of lines is sent early when it grows past this many bytes.
const MAX_BATCH_BYTES: usize = 64 * 1024;
/// Long operations may take this long before the engine's first answer (a build answers
/// only once it has the whole context).
const LONG_TIMEOUT: Duration = Duration::from_secs(24 * 3600);
/// Context tar chunks.
const CHUNK_BYTES: usize = 64 * 1024;

/// A running pull, push or build. Dropping it cancels the operation (so does
/// [`OpTask::abort`]); awaiting it waits for the end.
#[must_use = "dropping an OpTask cancels the operation"]
#[derive(Debug)]
pub struct OpTask {
    handle: JoinHandle<()>,
}

impl OpTask {
    fn spawn(fut: impl Future<Output = ()> + Send + 'static) -> OpTask {
        OpTask {
            handle: tokio::spawn(fut),
        }
    }

    /// Cancels the operation.
    pub fn abort(&self) {
        self.handle.abort();
    }

    /// A handle that cancels the operation, e.g. to keep elsewhere.
    pub fn abort_handle(&self) -> AbortHandle {
        self.handle.abort_handle()
    }

    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }
}

impl Drop for OpTask {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

impl Future for OpTask {
    type Output = Result<(), JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.handle).poll(cx)
    }
}

/// The engine's own message for an error when it gave one.
fn engine_error(e: BollardError) -> String {
    match e {
        BollardError::DockerStreamError { error } => error.trim().to_string(),
        BollardError::DockerResponseServerError { message, .. } => message.trim().to_string(),
        e => friendly_error(&e.to_string()),
    }
}

fn long_client(docker: &Docker) -> Docker {
    docker.clone().with_timeout(LONG_TIMEOUT)
}

// ---------------------------------------------------------------------------------------
// Plain requests.

fn image_from(s: bollard::models::ImageSummary) -> Image {
    let tags: Vec<String> = s.repo_tags.into_iter().filter(|t| t != NONE_TAG).collect();
    let digests = s
        .repo_digests
        .iter()
        .filter(|d| *d != "<none>@<none>")
        .count();
    Image {
        dangling: tags.is_empty() && digests == 0,
        id: s.id,
        tags,
        size: s.size,
        created: s.created,
        containers: s.containers,
    }
}

/// The images (`all`: also intermediate layers). The containers count comes from the
/// containers list when the engine does not give it.
pub async fn list(docker: &Docker, all: bool) -> Result<Vec<Image>, String> {
    let opts = ListImagesOptionsBuilder::default().all(all).build();
    let copts = ListContainersOptionsBuilder::default().all(true).build();
    let (images, containers) = tokio::join!(
        docker.list_images(Some(opts)),
        docker.list_containers(Some(copts))
    );
    let mut images: Vec<Image> = images
        .map_err(engine_error)?
        .into_iter()
        .map(image_from)
        .collect();
    if let Ok(containers) = containers
        && images.iter().any(|i| i.containers < 0)
    {
        let mut counts: HashMap<String, i64> = HashMap::new();
        for c in containers {
            if let Some(id) = c.image_id {
                *counts.entry(id).or_default() += 1;
            }
        }
        for i in images.iter_mut().filter(|i| i.containers < 0) {
            i.containers = counts.get(&i.id).copied().unwrap_or(0);
        }
    }
    Ok(images)
}

fn unix_time(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.timestamp())
        .unwrap_or(0)
}

/// An image's configuration and history.
pub async fn inspect(docker: &Docker, id: &str) -> Result<ImageDetail, String> {
    let (info, history) = tokio::join!(docker.inspect_image(id), docker.image_history(id));
    let info = info.map_err(engine_error)?;
    // The date's type depends on bollard's features: go through its JSON form.
    let created = serde_json::to_value(&info.created)
        .ok()
        .and_then(|v| v.as_str().map(unix_time))
        .unwrap_or(0);
    let config = info.config.unwrap_or_default();
    let mut exposed_ports = config.exposed_ports.unwrap_or_default();
    exposed_ports.sort();
    let mut volumes = config.volumes.unwrap_or_default();
    volumes.sort();
    let mut labels: Vec<(String, String)> = config.labels.unwrap_or_default().into_iter().collect();
    labels.sort();
    let history = history
        .unwrap_or_default()
        .into_iter()
        .map(|h| HistoryEntry {
            created_by: h.created_by,
            size: h.size,
            created: h.created,
        })
        .collect();
    Ok(ImageDetail {
        id: info.id.unwrap_or_default(),
        tags: info
            .repo_tags
            .unwrap_or_default()
            .into_iter()
            .filter(|t| t != NONE_TAG)
            .collect(),
        digests: info.repo_digests.unwrap_or_default(),
        entrypoint: config.entrypoint.unwrap_or_default(),
        cmd: config.cmd.unwrap_or_default(),
        env: config.env.unwrap_or_default(),
        exposed_ports,
        volumes,
        labels,
        working_dir: config.working_dir.unwrap_or_default(),
        user: config.user.unwrap_or_default(),
        architecture: info.architecture.unwrap_or_default(),
        os: info.os.unwrap_or_default(),
        author: info.author.unwrap_or_default(),
        comment: info.comment.unwrap_or_default(),
        size: info.size.unwrap_or(0),
        created,
        history,
    })
}

/// Removes an image (id or reference). Returns what the engine did, one line each
/// (`Untagged: …`, `Deleted: …`), or its refusal (e.g. "conflict: unable to remove
/// repository reference … container … is using its referenced image …").
pub async fn remove(docker: &Docker, id: &str, force: bool) -> Result<Vec<String>, String> {
    let opts = RemoveImageOptionsBuilder::default().force(force).build();
    let items = docker
        .remove_image(id, Some(opts), None)
        .await
        .map_err(engine_error)?;
    Ok(deleted_lines(items))
}

fn deleted_lines(items: Vec<bollard::models::ImageDeleteResponseItem>) -> Vec<String> {
    let mut out = Vec::new();
    for i in items {
        if let Some(u) = i.untagged {
            out.push(format!("Untagged: {u}"));
        }
        if let Some(d) = i.deleted {
            out.push(format!("Deleted: {d}"));
        }
    }
    out
}

/// Removes unused images: dangling ones only, or every image no container uses.
/// Returns what was removed (`Untagged: …`, `Deleted: …`) and the bytes reclaimed.
pub async fn prune(docker: &Docker, dangling_only: bool) -> Result<(Vec<String>, u64), String> {
    prune_with(docker, dangling_only, &[]).await
}

/// [`prune`], limited to images with these labels (`key` or `key=value`).
pub async fn prune_with(
    docker: &Docker,
    dangling_only: bool,
    labels: &[&str],
) -> Result<(Vec<String>, u64), String> {
    let mut filters: HashMap<&str, Vec<&str>> = HashMap::new();
    filters.insert(
        "dangling",
        vec![if dangling_only { "true" } else { "false" }],
    );
    if !labels.is_empty() {
        filters.insert("label", labels.to_vec());
    }
    let opts = PruneImagesOptionsBuilder::default()
        .filters(&filters)
        .build();
    let res = docker
        .prune_images(Some(opts))
        .await
        .map_err(engine_error)?;
    Ok((
        deleted_lines(res.images_deleted.unwrap_or_default()),
        res.space_reclaimed.unwrap_or(0).max(0) as u64,
    ))
}

/// Tags image `id` as `repo:tag` (`latest` when `tag` is empty).
pub async fn tag(docker: &Docker, id: &str, repo: &str, tag: &str) -> Result<(), String> {
    let tag = if tag.is_empty() { "latest" } else { tag };
    let opts = TagImageOptionsBuilder::default()
        .repo(repo)
        .tag(tag)
        .build();
    docker.tag_image(id, Some(opts)).await.map_err(engine_error)
}

/// Creates an image from a container's changes (the container is paused meanwhile).
/// `repo` empty: an untagged image. Returns the new image's id.
pub async fn commit(
    docker: &Docker,
    container_id: &str,
    repo: &str,
    tag: &str,
    author: &str,
    message: &str,
) -> Result<String, String> {
    let mut b = CommitContainerOptionsBuilder::default()
        .container(container_id)
        .pause(true);
    if !repo.is_empty() {
        b = b
            .repo(repo)
            .tag(if tag.is_empty() { "latest" } else { tag });
    }
    if !author.is_empty() {
        b = b.author(author);
    }
    if !message.is_empty() {
        b = b.comment(message);
    }
    docker
        .commit_container(b.build(), ContainerConfig::default())
        .await
        .map(|r| r.id)
        .map_err(engine_error)
}

// ---------------------------------------------------------------------------------------
// Registry credentials.

fn docker_config_file() -> PathBuf {
    if let Ok(d) = std::env::var("DOCKER_CONFIG")
        && !d.is_empty()
    {
        return PathBuf::from(d).join("config.json");
    }
    directories::BaseDirs::new()
        .map(|b| b.home_dir().join(".docker"))
        .unwrap_or_else(|| PathBuf::from(".docker"))
        .join("config.json")
}

/// `https://index.docker.io/v1/` → `docker.io`, `http://h:5000/v2/` → `h:5000`.
fn normalize_registry(key: &str) -> String {
    let k = key.trim();
    let k = k
        .strip_prefix("https://")
        .or_else(|| k.strip_prefix("http://"))
        .unwrap_or(k);
    let host = k.split('/').next().unwrap_or(k).to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            "docker.io".into()
        }
        _ => host,
    }
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    }
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.trim().bytes().filter(|c| !c.is_ascii_whitespace()) {
        if c == b'=' {
            break;
        }
        acc = (acc << 6) | val(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn entry_credentials(key: &str, entry: &serde_json::Value) -> Option<DockerCredentials> {
    let field = |name: &str| {
        entry
            .get(name)
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let mut creds = DockerCredentials {
        serveraddress: Some(key.to_string()),
        username: field("username"),
        password: field("password"),
        identitytoken: field("identitytoken"),
        ..DockerCredentials::default()
    };
    if let Some(auth) = field("auth") {
        let decoded = String::from_utf8(base64_decode(&auth)?).ok()?;
        let (user, pass) = decoded.split_once(':')?;
        creds.username = Some(user.to_string());
        creds.password = Some(pass.to_string());
    }
    (creds.username.is_some() || creds.identitytoken.is_some()).then_some(creds)
}

/// Every registry's credentials in a `config.json`, keyed as written there.
pub fn all_credentials_from_config(config_json: &str) -> HashMap<String, DockerCredentials> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(config_json) else {
        return HashMap::new();
    };
    let Some(auths) = v.get("auths").and_then(|a| a.as_object()) else {
        return HashMap::new();
    };
    auths
        .iter()
        .filter_map(|(k, e)| entry_credentials(k, e).map(|c| (k.clone(), c)))
        .collect()
}

/// The credentials a `config.json` holds for `registry` (`host[:port]`, `docker.io` for
/// Docker Hub), matching its keys the way the docker CLI does (with or without scheme and
/// path).
pub fn credentials_from_config(config_json: &str, registry: &str) -> Option<DockerCredentials> {
    let want = normalize_registry(registry);
    let mut all: Vec<(String, DockerCredentials)> = all_credentials_from_config(config_json)
        .into_iter()
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all.into_iter()
        .find(|(k, _)| normalize_registry(k) == want)
        .map(|(_, c)| c)
}

/// The credentials the docker CLI's `config.json` holds for `registry`.
pub fn registry_credentials(registry: &str) -> Option<DockerCredentials> {
    let text = fs::read_to_string(docker_config_file()).ok()?;
    credentials_from_config(&text, registry)
}

// ---------------------------------------------------------------------------------------
// Progress: coalescing and pumping a stream.

/// Collects progress between ticks: the latest state of each layer, lines.
struct Coalesce<M> {
    tx: mpsc::Sender<M>,
    wrap: fn(Progress) -> M,
    /// Latest state per layer, in the order the layers first changed.
    layers: Vec<(String, String, u64, u64)>,
    /// Complete lines, each ending with `\n`.
    lines: String,
    /// Build output not ended by a newline yet.
    partial: String,
}

impl<M> Coalesce<M> {
    fn new(tx: mpsc::Sender<M>, wrap: fn(Progress) -> M) -> Coalesce<M> {
        Coalesce {
            tx,
            wrap,
            layers: Vec::new(),
            lines: String::new(),
            partial: String::new(),
        }
    }

    fn layer(&mut self, id: String, status: String, current: u64, total: u64) {
        if let Some(l) = self.layers.iter_mut().find(|l| l.0 == id) {
            l.1 = status;
            l.2 = current;
            l.3 = total;
        } else {
            self.layers.push((id, status, current, total));
        }
    }

    fn line(&mut self, s: &str) {
        self.lines.push_str(s.trim_end_matches(['\r', '\n']));
        self.lines.push('\n');
    }

    /// Output that may hold several lines, or end inside one.
    fn text(&mut self, s: &str) {
        self.partial.push_str(s);
        if let Some(i) = self.partial.rfind('\n') {
            let rest = self.partial.split_off(i + 1);
            let done = std::mem::replace(&mut self.partial, rest);
            self.lines.push_str(&done);
        }
        if self.partial.len() > MAX_BATCH_BYTES {
            let p = std::mem::take(&mut self.partial);
            self.line(&p);
        }
    }

    /// Lines collected since the last send are many.
    fn lines_full(&self) -> bool {
        self.lines.len() >= MAX_BATCH_BYTES
    }

    async fn send(&self, p: Progress) -> bool {
        self.tx.send((self.wrap)(p)).await.is_ok()
    }

    async fn flush_lines(&mut self) -> bool {
        if self.lines.is_empty() {
            return true;
        }
        let mut lines = std::mem::take(&mut self.lines);
        while lines.ends_with('\n') {
            lines.pop();
        }
        self.send(Progress::Line(lines)).await
    }

    /// Sends everything collected; `end`: also an unfinished line.
    async fn flush(&mut self, end: bool) -> bool {
        if end && !self.partial.is_empty() {
            let p = std::mem::take(&mut self.partial);
            self.line(&p);
        }
        if !self.flush_lines().await {
            return false;
        }
        for (id, status, current, total) in std::mem::take(&mut self.layers) {
            let p = Progress::Layer {
                id,
                status,
                current,
                total,
            };
            if !self.send(p).await {
                return false;
            }
        }
        true
    }

    /// A JSON message of a pull, push or build: per-layer when its id is a layer's.
    fn message(&mut self, id: Option<String>, status: Option<String>, pd: Option<ProgressDetail>) {
        let Some(status) = status.filter(|s| !s.is_empty()) else {
            return;
        };
        match id {
            Some(id) if is_layer_id(&id) => {
                let pd = pd.unwrap_or_default();
                let current = pd.current.unwrap_or(0).max(0) as u64;
                let total = pd.total.unwrap_or(0).max(0) as u64;
                self.layer(id, status, current, total);
            }
            Some(id) if !id.is_empty() => self.line(&format!("{id}: {status}")),
            _ => self.line(&status),
        }
    }
}

/// Layers are named by the first 12 hex digits of their digest.
fn is_layer_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

enum Outcome {
    Finished,
    Failed(String),
    /// The receiver is gone: stop quietly.
    Gone,
}

/// Reads `stream` to its end, feeding each item to `on_item`, sending what collects once
/// per tick.
async fn pump<M, T, S>(
    stream: S,
    c: &mut Coalesce<M>,
    mut on_item: impl FnMut(T, &mut Coalesce<M>),
) -> Outcome
where
    S: Stream<Item = Result<T, BollardError>>,
{
    let mut stream = std::pin::pin!(stream);
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let tx = c.tx.clone();
    loop {
        tokio::select! {
            item = stream.next() => match item {
                Some(Ok(v)) => {
                    on_item(v, c);
                    if c.lines_full() && !c.flush_lines().await {
                        return Outcome::Gone;
                    }
                }
                Some(Err(e)) => {
                    if !c.flush(true).await {
                        return Outcome::Gone;
                    }
                    return Outcome::Failed(engine_error(e));
                }
                None => {
                    if !c.flush(true).await {
                        return Outcome::Gone;
                    }
                    return Outcome::Finished;
                }
            },
            _ = tick.tick() => {
                if !c.flush(false).await {
                    return Outcome::Gone;
                }
            }
            () = tx.closed() => return Outcome::Gone,
        }
    }
}

async fn image_id(docker: &Docker, reference: &str) -> Option<String> {
    docker
        .inspect_image(reference)
        .await
        .ok()
        .and_then(|i| i.id)
}

// ---------------------------------------------------------------------------------------
// Pull and push.

/// What the engine's API wants for `reference`: the repository, the tag or digest
/// (`latest` when neither is given), and the full reference to inspect afterwards.
fn api_reference(reference: &str) -> (Reference, String, String) {
    let r = Reference::parse(reference);
    let tag = r
        .digest
        .clone()
        .or_else(|| r.tag.clone())
        .unwrap_or_else(|| "latest".into());
    let full = if tag.contains(':') {
        format!("{}@{tag}", r.repo)
    } else {
        format!("{}:{tag}", r.repo)
    };
    (r, tag, full)
}

/// Pulls `reference` (`latest` when it names no tag or digest), with per-layer progress.
/// Ends with `Done` carrying the image's id.
pub fn pull<M: Send + 'static>(
    docker: &Docker,
    reference: &str,
    tx: &mpsc::Sender<M>,
    wrap: fn(Progress) -> M,
) -> OpTask {
    let docker = long_client(docker);
    let reference = reference.to_string();
    let tx = tx.clone();
    OpTask::spawn(async move {
        let (r, tag, full) = api_reference(&reference);
        let creds = registry_credentials(r.registry());
        let opts = CreateImageOptionsBuilder::default()
            .from_image(&r.repo)
            .tag(&tag)
            .build();
        let stream = docker.create_image(Some(opts), None, creds);
        let mut c = Coalesce::new(tx, wrap);
        let outcome = pump(stream, &mut c, |m, c| {
            c.message(m.id, m.status, m.progress_detail)
        })
        .await;
        finish(&docker, &c, outcome, &full).await;
    })
}

async fn finish<M>(docker: &Docker, c: &Coalesce<M>, outcome: Outcome, reference: &str) {
    match outcome {
        Outcome::Gone => {}
        Outcome::Failed(e) => {
            let _ = c.send(Progress::Error(e)).await;
        }
        Outcome::Finished => {
            let image_id = image_id(docker, reference).await;
            let _ = c.send(Progress::Done { image_id }).await;
        }
    }
}

/// `%`-escapes what may not appear in a URL path or query as is.
fn url_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Pushes `reference` (`latest` when it names no tag) to its registry, with per-layer
/// progress. Ends with `Done` carrying the local image's id.
pub fn push<M: Send + 'static>(
    docker: &Docker,
    reference: &str,
    tx: &mpsc::Sender<M>,
    wrap: fn(Progress) -> M,
) -> OpTask {
    let r = Reference::parse(reference);
    let tag = r.tag.clone().unwrap_or_else(|| "latest".into());
    let full = format!("{}:{tag}", r.repo);
    // bollard's push drops the layer ids from the engine's messages; its pull keeps them
    // and reads the same messages. So: a pull request, sent to the push endpoint.
    let path = format!(
        "/images/{}/push?tag={}",
        url_escape(&r.repo),
        url_escape(&tag)
    );
    let docker = long_client(docker).with_request_modifier(move |mut req| {
        let uri = req.uri().to_string();
        if let Some(i) = uri.find("/images/create")
            && let Ok(u) = format!("{}{path}", &uri[..i]).parse()
        {
            *req.uri_mut() = u;
        }
        req
    });
    let tx = tx.clone();
    OpTask::spawn(async move {
        // The engine wants an X-Registry-Auth header, even an empty one.
        let creds = registry_credentials(r.registry()).unwrap_or_default();
        let stream = docker.create_image(None::<CreateImageOptions>, None, Some(creds));
        let mut c = Coalesce::new(tx, wrap);
        let outcome = pump(stream, &mut c, |m, c| {
            c.message(m.id, m.status, m.progress_detail)
        })
        .await;
        finish(&docker, &c, outcome, &full).await;
    })
}

// ---------------------------------------------------------------------------------------
// Build.

/// Builds `context_dir` (its `.dockerignore` honoured) with the classic builder, tagging
/// the result `tag` (none when empty). `dockerfile`: a path inside the context (default
/// `Dockerfile`). Output comes as lines, base images' pulls as layers; a failing step ends
/// with `Error` carrying the engine's message, success with `Done` and the image's id.
pub fn build<M: Send + 'static>(
    docker: &Docker,
    context_dir: &Path,
    dockerfile: Option<&str>,
    tag: &str,
    build_args: &[(String, String)],
    tx: &mpsc::Sender<M>,
    wrap: fn(Progress) -> M,
) -> OpTask {
    let docker = long_client(docker);
    let context_dir = context_dir.to_path_buf();
    let dockerfile = dockerfile.map(str::to_owned);
    let tag = tag.to_string();
    let build_args: HashMap<String, String> = build_args.iter().cloned().collect();
    let tx = tx.clone();
    OpTask::spawn(async move {
        let c = Coalesce::new(tx, wrap);
        run_build(docker, context_dir, dockerfile, tag, build_args, c).await;
    })
}

async fn run_build<M>(
    docker: Docker,
    context_dir: PathBuf,
    dockerfile: Option<String>,
    tag: String,
    build_args: HashMap<String, String>,
    mut c: Coalesce<M>,
) {
    let prepared = prepare_context(&context_dir, dockerfile.as_deref());
    let (ignore, dockerfile) = match prepared {
        Ok(p) => p,
        Err(e) => {
            let _ = c.send(Progress::Error(e)).await;
            return;
        }
    };
    let keep = vec![dockerfile.clone(), ".dockerignore".to_string()];

    // The tar is written by a blocking task into a small channel, read as the body.
    let (chunk_tx, chunk_rx) = mpsc::channel::<io::Result<Vec<u8>>>(4);
    let tar_error: Arc<Mutex<Option<String>>> = Arc::default();
    {
        let tar_error = tar_error.clone();
        let root = context_dir.clone();
        tokio::task::spawn_blocking(move || {
            let mut w = ChunkWriter {
                tx: chunk_tx.clone(),
                buf: Vec::with_capacity(CHUNK_BYTES),
            };
            let res = write_context(&root, &ignore, &keep, &mut w).and_then(|()| w.flush());
            if let Err(e) = res
                && e.kind() != io::ErrorKind::BrokenPipe
            {
                let msg = format!("sending the build context: {e}");
                if let Ok(mut slot) = tar_error.lock() {
                    *slot = Some(msg.clone());
                }
                let _ = chunk_tx.blocking_send(Err(io::Error::other(msg)));
            }
        });
    }
    let body = futures::stream::unfold(chunk_rx, |mut rx| async move {
        let item = rx.recv().await?;
        Some((item.map(Into::into), rx))
    });
    let body = bollard::body_try_stream(body);

    let mut b = BuildImageOptionsBuilder::default()
        .dockerfile(&dockerfile)
        .rm(true)
        .forcerm(true)
        .version(BuilderVersion::BuilderV1);
    if !tag.is_empty() {
        b = b.t(&tag);
    }
    if !build_args.is_empty() {
        b = b.buildargs(&build_args);
    }
    let creds = fs::read_to_string(docker_config_file())
        .map(|t| all_credentials_from_config(&t))
        .unwrap_or_default();
    let creds = (!creds.is_empty()).then_some(creds);
    let stream = docker.build_image(b.build(), creds, Some(body));

    let mut built: Option<String> = None;
    let outcome = pump(stream, &mut c, |m, c| {
        if let Some(s) = &m.stream {
            c.text(s);
        }
        if let Some(id) = m.aux.and_then(|a| a.id) {
            built = Some(id);
        }
        c.message(m.id, m.status, m.progress_detail);
    })
    .await;
    match outcome {
        Outcome::Gone => {}
        Outcome::Failed(e) => {
            let e = tar_error.lock().ok().and_then(|s| s.clone()).unwrap_or(e);
            let _ = c.send(Progress::Error(e)).await;
        }
        Outcome::Finished => {
            if built.is_none() && !tag.is_empty() {
                built = image_id(&docker, &tag).await;
            }
            let _ = c.send(Progress::Done { image_id: built }).await;
        }
    }
}

/// Checks the context, reads its `.dockerignore`, and gives the Dockerfile's path inside it
/// (`/`-separated, relative).
fn prepare_context(
    context_dir: &Path,
    dockerfile: Option<&str>,
) -> Result<(DockerIgnore, String), String> {
    let meta = fs::metadata(context_dir)
        .map_err(|e| format!("build context {}: {e}", context_dir.display()))?;
    if !meta.is_dir() {
        return Err(format!(
            "build context {} is not a directory",
            context_dir.display()
        ));
    }
    let ignore = match fs::read_to_string(context_dir.join(".dockerignore")) {
        Ok(t) => DockerIgnore::parse(&t),
        Err(e) if e.kind() == io::ErrorKind::NotFound => DockerIgnore::default(),
        Err(e) => return Err(format!(".dockerignore: {e}")),
    };
    let df = dockerfile.filter(|d| !d.is_empty()).unwrap_or("Dockerfile");
    let df_path = Path::new(df);
    let rel = if df_path.is_absolute() {
        let root = context_dir
            .canonicalize()
            .unwrap_or_else(|_| context_dir.to_path_buf());
        let abs = df_path
            .canonicalize()
            .unwrap_or_else(|_| df_path.to_path_buf());
        abs.strip_prefix(&root)
            .map(Path::to_path_buf)
            .map_err(|_| format!("the Dockerfile {df} is not inside the build context"))?
    } else {
        df_path.to_path_buf()
    };
    let mut parts: Vec<String> = Vec::new();
    for comp in rel.components() {
        match comp {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::CurDir => {}
            _ => {
                return Err(format!(
                    "the Dockerfile {df} is not inside the build context"
                ));
            }
        }
    }
    if parts.is_empty() {
        return Err(format!("no Dockerfile in {df}"));
    }
    Ok((ignore, parts.join("/")))
}

/// Feeds the request body: fixed-size chunks into a channel, from a blocking thread.
struct ChunkWriter {
    tx: mpsc::Sender<io::Result<Vec<u8>>>,
    buf: Vec<u8>,
}

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK_BYTES {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK_BYTES));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "build cancelled"))
    }
}

// ---------------------------------------------------------------------------------------
// .dockerignore

#[derive(Debug, Clone, PartialEq, Eq)]
struct IgnoreRule {
    pattern: Vec<char>,
    exception: bool,
}

/// The rules of a `.dockerignore`: one pattern a line, `#` comments, blank lines skipped.
/// Patterns are relative to the context (a leading `/` is dropped, paths are cleaned):
/// `*` matches within a path segment, `?` one character, `[a-z]`/`[^a-z]` a class, `\`
/// escapes, `**` any number of directories. A pattern matching a directory excludes what
/// it holds. `!pattern` re-includes; the last matching rule wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DockerIgnore {
    rules: Vec<IgnoreRule>,
}

/// `/a//b/./c/../d/` → `a/b/d`; empty when nothing is left.
fn clean_pattern(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

impl DockerIgnore {
    pub fn parse(text: &str) -> DockerIgnore {
        let mut rules = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (exception, pat) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let pat = clean_pattern(pat);
            if pat.is_empty() {
                continue;
            }
            rules.push(IgnoreRule {
                pattern: pat.chars().collect(),
                exception,
            });
        }
        DockerIgnore { rules }
    }

    /// Whether `path` (relative to the context, `/`-separated) is left out.
    pub fn is_excluded(&self, path: &str) -> bool {
        let path: Vec<char> = clean_pattern(path).chars().collect();
        let mut excluded = false;
        for r in &self.rules {
            if r.exception != excluded {
                // Cannot change the outcome.
                continue;
            }
            if rule_matches(&r.pattern, &path) {
                excluded = !r.exception;
            }
        }
        excluded
    }

    /// Whether some `!` rule may re-include files inside an excluded directory.
    pub fn has_exceptions(&self) -> bool {
        self.rules.iter().any(|r| r.exception)
    }
}

/// The pattern matches the path or one of its parent directories.
fn rule_matches(pattern: &[char], path: &[char]) -> bool {
    if glob(pattern, path) {
        return true;
    }
    path.iter()
        .enumerate()
        .filter(|(_, c)| **c == '/')
        .any(|(i, _)| glob(pattern, &path[..i]))
}

/// Matches a whole path.
fn glob(p: &[char], s: &[char]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some('*') if p.get(1) == Some(&'*') => {
            let mut rest = &p[2..];
            if rest.first() == Some(&'/') {
                rest = &rest[1..];
            }
            if rest.is_empty() {
                return true;
            }
            // Any number of whole directories, then the rest.
            glob(rest, s)
                || s.iter()
                    .enumerate()
                    .any(|(i, c)| *c == '/' && glob(rest, &s[i + 1..]))
        }
        Some('*') => {
            for i in 0..=s.len() {
                if glob(&p[1..], &s[i..]) {
                    return true;
                }
                if s.get(i) == Some(&'/') {
                    break;
                }
            }
            false
        }
        Some('?') => s.first().is_some_and(|c| *c != '/') && glob(&p[1..], &s[1..]),
        Some('[') => match (class(&p[1..]), s.first()) {
            (Some((matcher, used)), Some(&c)) => {
                c != '/' && matcher(c) && glob(&p[1 + used..], &s[1..])
            }
            (Some(_), None) => false,
            // No closing bracket: a plain `[`.
            (None, _) => s.first() == Some(&'[') && glob(&p[1..], &s[1..]),
        },
        Some('\\') if p.len() > 1 => s.first() == Some(&p[1]) && glob(&p[2..], &s[1..]),
        Some(c) => s.first() == Some(c) && glob(&p[1..], &s[1..]),
    }
}

type ClassMatcher = Box<dyn Fn(char) -> bool>;

/// A character class after its `[`: the matcher and how many pattern characters it used
/// (including the closing `]`).
fn class(p: &[char]) -> Option<(ClassMatcher, usize)> {
    let mut i = 0;
    let negate = matches!(p.first(), Some('^') | Some('!'));
    if negate {
        i += 1;
    }
    let mut ranges: Vec<(char, char)> = Vec::new();
    let mut first = true;
    loop {
        let c = *p.get(i)?;
        if c == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        let lo = if c == '\\' {
            i += 1;
            *p.get(i)?
        } else {
            c
        };
        i += 1;
        if p.get(i) == Some(&'-') && p.get(i + 1).is_some_and(|c| *c != ']') {
            let mut hi = *p.get(i + 1)?;
            i += 2;
            if hi == '\\' {
                hi = *p.get(i)?;
                i += 1;
            }
            ranges.push((lo, hi));
        } else {
            ranges.push((lo, lo));
        }
    }
    let m = move |c: char| ranges.iter().any(|(lo, hi)| *lo <= c && c <= *hi) != negate;
    Some((Box::new(m), i))
}

// ---------------------------------------------------------------------------------------
// Context tar (ustar, with PAX records for long names and big files).

const BLOCK: usize = 512;
/// Biggest size an 11-digit octal field holds.
const MAX_OCTAL_SIZE: u64 = 0o77777777777;

fn put_str(field: &mut [u8], s: &str) {
    let b = s.as_bytes();
    let n = b.len().min(field.len());
    field[..n].copy_from_slice(&b[..n]);
}

fn put_octal(field: &mut [u8], v: u64) {
    let digits = field.len() - 1;
    let s = format!("{v:0digits$o}");
    let s = if s.len() > digits {
        "0".repeat(digits)
    } else {
        s
    };
    put_str(field, &s);
}

/// Splits a path into ustar's prefix and name fields, when it fits.
fn ustar_split(path: &str) -> Option<(&str, &str)> {
    if path.len() <= 100 {
        return Some(("", path));
    }
    let trimmed = path.trim_end_matches('/');
    path.char_indices()
        .filter(|(i, c)| *c == '/' && *i < trimmed.len())
        .map(|(i, _)| (&path[..i], &path[i + 1..]))
        .find(|(pre, name)| pre.len() <= 155 && name.len() <= 100 && !name.is_empty())
}

/// One PAX record: `<len> key=value\n`, its length counting itself.
fn pax_record(key: &str, value: &str) -> String {
    let body = format!(" {key}={value}\n");
    let mut n = body.len() + 1;
    loop {
        let total = n.to_string().len() + body.len();
        if total == n {
            return format!("{n}{body}");
        }
        n = total;
    }
}

fn header(
    prefix: &str,
    name: &str,
    mode: u32,
    size: u64,
    mtime: u64,
    kind: u8,
    link: &str,
) -> [u8; BLOCK] {
    let mut h = [0u8; BLOCK];
    put_str(&mut h[0..100], name);
    put_octal(&mut h[100..108], u64::from(mode & 0o7777));
    put_octal(&mut h[108..116], 0);
    put_octal(&mut h[116..124], 0);
    put_octal(
        &mut h[124..136],
        if size > MAX_OCTAL_SIZE { 0 } else { size },
    );
    put_octal(&mut h[136..148], mtime.min(MAX_OCTAL_SIZE));
    h[148..156].copy_from_slice(b"        ");
    h[156] = kind;
    put_str(&mut h[157..257], link);
    put_str(&mut h[257..263], "ustar\0");
    put_str(&mut h[263..265], "00");
    put_str(&mut h[265..297], "root");
    put_str(&mut h[297..329], "root");
    put_str(&mut h[345..500], prefix);
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    put_str(&mut h[148..156], &format!("{sum:06o}\0 "));
    h
}

fn pad<W: Write>(w: &mut W, written: u64) -> io::Result<()> {
    let rem = (written % BLOCK as u64) as usize;
    if rem != 0 {
        w.write_all(&[0u8; BLOCK][..BLOCK - rem])?;
    }
    Ok(())
}

/// Writes an entry's header(s): a PAX header first when the path, link or size does not
/// fit ustar.
fn write_header<W: Write>(
    w: &mut W,
    path: &str,
    mode: u32,
    size: u64,
    mtime: u64,
    kind: u8,
    link: &str,
) -> io::Result<()> {
    let split = ustar_split(path);
    let mut pax = String::new();
    if split.is_none() {
        pax.push_str(&pax_record("path", path));
    }
    if link.len() > 100 {
        pax.push_str(&pax_record("linkpath", link));
    }
    if size > MAX_OCTAL_SIZE {
        pax.push_str(&pax_record("size", &size.to_string()));
    }
    let (prefix, name) = split.unwrap_or(("", path));
    let name = cut(name, 100);
    if !pax.is_empty() {
        let pax_name = format!("PaxHeaders/{}", cut(name.trim_end_matches('/'), 80));
        let h = header("", &pax_name, 0o644, pax.len() as u64, mtime, b'x', "");
        w.write_all(&h)?;
        w.write_all(pax.as_bytes())?;
        pad(w, pax.len() as u64)?;
    }
    w.write_all(&header(
        prefix,
        name,
        mode,
        size,
        mtime,
        kind,
        cut(link, 100),
    ))
}

/// At most `n` bytes of `s`, on a character boundary.
fn cut(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    let mut i = n;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    &s[..i]
}

/// Writes the context as a tar: entries in name order, symlinks not followed, excluded
/// paths left out (`keep` always in), owner root.
fn write_context<W: Write>(
    root: &Path,
    ignore: &DockerIgnore,
    keep: &[String],
    w: &mut W,
) -> io::Result<()> {
    walk(root, "", ignore, keep, w)?;
    w.write_all(&[0u8; BLOCK * 2])
}

fn walk<W: Write>(
    root: &Path,
    rel: &str,
    ignore: &DockerIgnore,
    keep: &[String],
    w: &mut W,
) -> io::Result<()> {
    let dir = if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    };
    let mut entries = fs::read_dir(&dir)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?
        .collect::<io::Result<Vec<_>>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        let full = e.path();
        let meta = fs::symlink_metadata(&full)
            .map_err(|err| io::Error::new(err.kind(), format!("{path}: {err}")))?;
        let excluded = ignore.is_excluded(&path) && !keep.contains(&path);
        let mode = meta.permissions().mode();
        let mtime = meta.mtime().max(0) as u64;
        let ft = meta.file_type();
        if ft.is_dir() {
            if !excluded {
                write_header(w, &format!("{path}/"), mode, 0, mtime, b'5', "")?;
                walk(root, &path, ignore, keep, w)?;
            } else if ignore.has_exceptions()
                || keep.iter().any(|k| k.starts_with(&format!("{path}/")))
            {
                // Files inside may be re-included; their directory comes with them.
                walk(root, &path, ignore, keep, w)?;
            }
        } else if excluded {
            continue;
        } else if ft.is_symlink() {
            let target = fs::read_link(&full)?;
            let target = target.to_string_lossy();
            write_header(w, &path, mode, 0, mtime, b'2', &target)?;
        } else if ft.is_file() {
            let size = meta.len();
            let file = fs::File::open(&full)
                .map_err(|err| io::Error::new(err.kind(), format!("{path}: {err}")))?;
            write_header(w, &path, mode, size, mtime, b'0', "")?;
            // Exactly `size` bytes, whatever happens to the file meanwhile.
            let copied = io::copy(&mut file.take(size), w)?;
            let mut missing = size - copied;
            while missing > 0 {
                let n = missing.min(BLOCK as u64) as usize;
                w.write_all(&[0u8; BLOCK][..n])?;
                missing -= n as u64;
            }
            pad(w, size)?;
        }
        // Sockets, fifos and devices are left out, like the docker CLI.
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ig(text: &str) -> DockerIgnore {
        DockerIgnore::parse(text)
    }

    #[test]
    fn dockerignore_exact_dirs_and_comments() {
        let i = ig("# comment\n\nsecret.txt\nlogs/\n/build\n  spaced  \n");
        assert!(i.is_excluded("secret.txt"));
        assert!(!i.is_excluded("a/secret.txt"));
        assert!(i.is_excluded("logs"));
        assert!(i.is_excluded("logs/a.log"));
        assert!(i.is_excluded("logs/deep/a.log"));
        assert!(!i.is_excluded("logsx"));
        assert!(i.is_excluded("build/out"));
        assert!(i.is_excluded("spaced"));
        assert!(!i.is_excluded("# comment"));
        assert!(!i.is_excluded("Dockerfile"));
    }

    #[test]
    fn dockerignore_globs() {
        let i = ig("*.md\n?.tmp\ndocs/*/draft\n[a-c]x\n[^0-9]y\n\\*lit\n");
        assert!(i.is_excluded("README.md"));
        assert!(!i.is_excluded("docs/README.md"), "* stays in one segment");
        assert!(i.is_excluded("a.tmp"));
        assert!(!i.is_excluded("ab.tmp"));
        assert!(i.is_excluded("docs/v1/draft"));
        assert!(i.is_excluded("docs/v1/draft/x"));
        assert!(!i.is_excluded("docs/v1/v2/draft"));
        assert!(i.is_excluded("bx"));
        assert!(!i.is_excluded("dx"));
        assert!(i.is_excluded("ay"));
        assert!(!i.is_excluded("1y"));
        assert!(i.is_excluded("*lit"));
        assert!(!i.is_excluded("xlit"));
    }

    #[test]
    fn dockerignore_double_star() {
        let i = ig("**/*.log\nnode_modules\na/**/z\n**/cache\n");
        assert!(i.is_excluded("x.log"));
        assert!(i.is_excluded("a/b/c/x.log"));
        assert!(i.is_excluded("a/z"));
        assert!(i.is_excluded("a/b/c/z"));
        assert!(!i.is_excluded("b/z"));
        assert!(i.is_excluded("cache"));
        assert!(i.is_excluded("p/q/cache/file"));
        assert!(i.is_excluded("node_modules/x/y"));
        assert!(!i.is_excluded("src/main.rs"));
        assert!(ig("**").is_excluded("any/thing"));
    }

    #[test]
    fn dockerignore_exceptions_last_wins() {
        let i = ig("*.md\n!README.md\nlogs\n!logs/keep.txt\n");
        assert!(i.is_excluded("CHANGES.md"));
        assert!(!i.is_excluded("README.md"));
        assert!(i.is_excluded("logs/x"));
        assert!(!i.is_excluded("logs/keep.txt"));
        assert!(i.has_exceptions());
        let i = ig("!README.md\n*.md\n");
        assert!(i.is_excluded("README.md"));
        assert!(!ig("a").has_exceptions());
        // A bad class is a literal.
        assert!(ig("[ab").is_excluded("[ab"));
    }

    fn tar_entries(data: &[u8]) -> Vec<(String, u8, Vec<u8>)> {
        // A small reader for the writer's own output (ustar + PAX path).
        let mut out = Vec::new();
        let mut off = 0;
        let mut pax_path: Option<String> = None;
        while off + BLOCK <= data.len() {
            let h = &data[off..off + BLOCK];
            if h.iter().all(|b| *b == 0) {
                break;
            }
            let sum: u32 = h
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    if (148..156).contains(&i) {
                        32
                    } else {
                        u32::from(*b)
                    }
                })
                .sum();
            let field = |r: std::ops::Range<usize>| {
                String::from_utf8_lossy(&h[r])
                    .trim_end_matches('\0')
                    .trim()
                    .to_string()
            };
            assert_eq!(
                u32::from_str_radix(field(148..154).as_str(), 8).ok(),
                Some(sum)
            );
            let size = u64::from_str_radix(&field(124..135), 8).unwrap_or(0) as usize;
            let kind = h[156];
            let data_start = off + BLOCK;
            let content = data[data_start..data_start + size].to_vec();
            off = data_start + size.div_ceil(BLOCK) * BLOCK;
            if kind == b'x' {
                let text = String::from_utf8_lossy(&content).into_owned();
                let rec = text
                    .split_once(" path=")
                    .map(|(_, v)| v.trim_end().to_string());
                pax_path = rec;
                continue;
            }
            let prefix = field(345..500);
            let name = field(0..100);
            let full = match pax_path.take() {
                Some(p) => p,
                None if prefix.is_empty() => name,
                None => format!("{prefix}/{name}"),
            };
            out.push((full, kind, content));
        }
        out
    }

    #[test]
    fn context_tar_honours_dockerignore() {
        let dir = std::env::temp_dir().join(format!("dockside-tar-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let long_dir = "d".repeat(120);
        let long_name = format!("{}/{}", "e".repeat(90), "f".repeat(120));
        fs::create_dir_all(dir.join("logs")).expect("mkdir");
        fs::create_dir_all(dir.join("src")).expect("mkdir");
        fs::create_dir_all(dir.join(&long_dir)).expect("mkdir");
        fs::create_dir_all(dir.join(&long_name)).expect("mkdir");
        fs::write(dir.join("Dockerfile"), "FROM scratch\n").expect("write");
        fs::write(
            dir.join(".dockerignore"),
            "secret.txt\nlogs/\n.dockerignore\nDockerfile\n",
        )
        .expect("write");
        fs::write(dir.join("secret.txt"), "s").expect("write");
        fs::write(dir.join("logs/a.log"), "l").expect("write");
        fs::write(dir.join("src/main.rs"), "fn main() {}\n").expect("write");
        fs::write(dir.join(&long_dir).join("x"), vec![7u8; 1000]).expect("write");
        fs::write(dir.join(&long_name).join("y"), "y").expect("write");
        std::os::unix::fs::symlink("src/main.rs", dir.join("link")).expect("symlink");

        let (ignore, df) = prepare_context(&dir, None).expect("prepare");
        assert_eq!(df, "Dockerfile");
        let keep = vec![df, ".dockerignore".to_string()];
        let mut buf = Vec::new();
        write_context(&dir, &ignore, &keep, &mut buf).expect("tar");
        assert_eq!(buf.len() % BLOCK, 0);
        let entries = tar_entries(&buf);
        let names: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
        assert!(names.contains(&"Dockerfile"), "{names:?}");
        assert!(names.contains(&".dockerignore"), "{names:?}");
        assert!(names.contains(&"src/"), "{names:?}");
        assert!(names.contains(&"src/main.rs"), "{names:?}");
        assert!(!names.iter().any(|n| n.contains("secret")), "{names:?}");
        assert!(!names.iter().any(|n| n.starts_with("logs")), "{names:?}");
        let x = format!("{long_dir}/x");
        let e = entries.iter().find(|e| e.0 == x).expect("long dir entry");
        assert_eq!(e.2, vec![7u8; 1000]);
        let y = format!("{long_name}/y");
        assert!(names.contains(&y.as_str()), "{names:?}");
        let link = entries.iter().find(|e| e.0 == "link").expect("link");
        assert_eq!(link.1, b'2');
        let main = entries.iter().find(|e| e.0 == "src/main.rs").expect("main");
        assert_eq!(main.2, b"fn main() {}\n");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn dockerfile_must_be_inside() {
        let dir = std::env::temp_dir().join(format!("dockside-df-{}", std::process::id()));
        fs::create_dir_all(dir.join("sub")).expect("mkdir");
        assert_eq!(
            prepare_context(&dir, Some("./sub/Dockerfile.dev")).map(|p| p.1),
            Ok("sub/Dockerfile.dev".to_string())
        );
        assert!(prepare_context(&dir, Some("../Dockerfile")).is_err());
        assert!(prepare_context(&dir.join("nope"), None).is_err());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn pax_records_count_themselves() {
        let r = pax_record("path", "abc");
        assert_eq!(r, "12 path=abc\n");
        assert_eq!(r.len(), 12);
        let v = "x".repeat(95);
        let r = pax_record("path", &v);
        assert_eq!(r.len().to_string(), r.split(' ').next().unwrap_or_default());
    }

    #[test]
    fn credentials_from_config_json() {
        // "user:pa:ss" in base64.
        let cfg = r#"{"auths":{
            "https://index.docker.io/v1/":{"auth":"dXNlcjpwYTpzcw=="},
            "127.0.0.1:5000":{"auth":"YTpi"},
            "https://ghcr.io":{"identitytoken":"tok"},
            "empty.io":{}
        },"credsStore":"desktop"}"#;
        let hub = credentials_from_config(cfg, "docker.io").expect("hub");
        assert_eq!(hub.username.as_deref(), Some("user"));
        assert_eq!(hub.password.as_deref(), Some("pa:ss"));
        assert_eq!(
            hub.serveraddress.as_deref(),
            Some("https://index.docker.io/v1/")
        );
        let local = credentials_from_config(cfg, "127.0.0.1:5000").expect("local");
        assert_eq!(local.username.as_deref(), Some("a"));
        assert_eq!(local.password.as_deref(), Some("b"));
        let gh = credentials_from_config(cfg, "ghcr.io").expect("ghcr");
        assert_eq!(gh.identitytoken.as_deref(), Some("tok"));
        assert!(credentials_from_config(cfg, "empty.io").is_none());
        assert!(credentials_from_config(cfg, "quay.io").is_none());
        assert!(credentials_from_config("not json", "docker.io").is_none());
        assert_eq!(all_credentials_from_config(cfg).len(), 3);
    }

    #[test]
    fn base64_and_ids() {
        assert_eq!(base64_decode("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(base64_decode("aGVsbG8"), Some(b"hello".to_vec()));
        assert_eq!(base64_decode("a*"), None);
        assert!(is_layer_id("0123456789ab"));
        assert!(!is_layer_id("v1"));
        assert_eq!(url_escape("127.0.0.1:5000/a b"), "127.0.0.1:5000/a%20b");
        let (r, tag, full) = api_reference("127.0.0.1:5000/x");
        assert_eq!(
            (r.repo.as_str(), tag.as_str()),
            ("127.0.0.1:5000/x", "latest")
        );
        assert_eq!(full, "127.0.0.1:5000/x:latest");
        let (_, tag, full) = api_reference("x@sha256:ab");
        assert_eq!(tag, "sha256:ab");
        assert_eq!(full, "x@sha256:ab");
    }

    #[tokio::test]
    async fn coalesce_keeps_latest_per_layer_and_batches_lines() {
        let (tx, mut rx) = mpsc::channel(16);
        let mut c = Coalesce::new(tx, |p| p);
        let pd = |cur, tot| {
            Some(ProgressDetail {
                current: Some(cur),
                total: Some(tot),
            })
        };
        let id = || Some("0123456789ab".to_string());
        c.message(id(), Some("Downloading".into()), pd(1, 10));
        c.message(id(), Some("Downloading".into()), pd(5, 10));
        c.message(None, Some("Digest: sha256:x".into()), None);
        c.message(Some("v1".into()), Some("Pulling from x".into()), None);
        c.text("Step 1/2 : FROM x\n ---> abc\nStep 2/2");
        assert!(c.flush(false).await);
        assert_eq!(
            rx.recv().await,
            Some(Progress::Line(
                "Digest: sha256:x\nv1: Pulling from x\nStep 1/2 : FROM x\n ---> abc".into()
            ))
        );
        assert_eq!(
            rx.recv().await,
            Some(Progress::Layer {
                id: "0123456789ab".into(),
                status: "Downloading".into(),
                current: 5,
                total: 10
            })
        );
        assert!(rx.try_recv().is_err());
        c.text(" : RUN x\n");
        assert!(c.flush(true).await);
        assert_eq!(
            rx.recv().await,
            Some(Progress::Line("Step 2/2 : RUN x".into()))
        );
        drop(rx);
        c.line("late");
        assert!(!c.flush(true).await);
    }
}
