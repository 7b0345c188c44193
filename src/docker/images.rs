//! Images against the engine: list, inspect, remove, prune, tag, commit, and the long
//! operations pull and push (build: [`super::build`]), which stream [`Progress`] events on
//! the app's channel (wrapped into the app's message type by `wrap`; see
//! [`super::progress`]).
//!
//! Long operations run in a task owned by the returned [`OpTask`]: dropping it (or calling
//! [`OpTask::abort`]) cancels the operation, and so does dropping the channel's receiver.
//!
//! Registry credentials come from the docker CLI's `config.json` ([`super::credentials`]).

use std::collections::HashMap;

use bollard::Docker;
use bollard::models::ContainerConfig;
use bollard::query_parameters::{
    CommitContainerOptionsBuilder, CreateImageOptions, CreateImageOptionsBuilder,
    ListContainersOptionsBuilder, ListImagesOptionsBuilder, PruneImagesOptionsBuilder,
    RemoveImageOptionsBuilder, TagImageOptionsBuilder,
};
use tokio::sync::mpsc;

pub use super::build::build;
use super::client::engine_error;
use super::credentials;
pub use super::progress::TICK;
use super::progress::{Coalesce, finish, long_client, pump};
pub use super::task::OpTask;
use crate::app::images::{HistoryEntry, Image, ImageDetail, NONE_TAG, Progress, Reference};

// ---------------------------------------------------------------------------------------
// Plain requests.

/// An image as listed. Dangling as `docker image prune` sees it: no tag (a digest alone does
/// not keep it) and no image built on it (an intermediate layer of a classic build is the
/// parent of the next step's image: prune leaves it, and so its child, alone).
fn image_from(
    s: bollard::models::ImageSummary,
    parents: &std::collections::HashSet<String>,
) -> Image {
    let tags: Vec<String> = s.repo_tags.into_iter().filter(|t| t != NONE_TAG).collect();
    let digests: Vec<String> = s
        .repo_digests
        .into_iter()
        .filter(|d| d != "<none>@<none>")
        .collect();
    Image {
        host: None,
        dangling: tags.is_empty() && !parents.contains(&s.id),
        digests,
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
    let images = images.map_err(engine_error)?;
    let parents: std::collections::HashSet<String> = images
        .iter()
        .map(|i| i.parent_id.clone())
        .filter(|p| !p.is_empty())
        .collect();
    let mut images: Vec<Image> = images
        .into_iter()
        .map(|i| image_from(i, &parents))
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
        let creds = credentials::registry_credentials(r.registry());
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
        let creds = credentials::registry_credentials(r.registry()).unwrap_or_default();
        let stream = docker.create_image(None::<CreateImageOptions>, None, Some(creds));
        let mut c = Coalesce::new(tx, wrap);
        let outcome = pump(stream, &mut c, |m, c| {
            c.message(m.id, m.status, m.progress_detail)
        })
        .await;
        finish(&docker, &c, outcome, &full).await;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_escapes() {
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
}
