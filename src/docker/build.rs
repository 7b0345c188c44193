//! `docker build` with the classic builder (API `version=1`, no BuildKit). The context
//! directory is sent as a tar streamed while it is read (see [`super::build_context`]),
//! honouring its `.dockerignore`; the Dockerfile must be inside the context.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bollard::Docker;
use bollard::query_parameters::{BuildImageOptionsBuilder, BuilderVersion};
use tokio::sync::mpsc;

use super::progress::{Coalesce, Outcome, image_id, long_client, pump};
use super::task::OpTask;
use super::{build_context, credentials};
use crate::app::images::Progress;

/// Context tar chunks.
const CHUNK_BYTES: usize = 64 * 1024;

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
    let prepared = build_context::prepare_context(&context_dir, dockerfile.as_deref());
    let (ignore, dockerfile) = match prepared {
        Ok(p) => p,
        Err(e) => {
            let _ = c.send(Progress::Error(e)).await;
            return;
        }
    };
    let keep = build_context::always_sent(&dockerfile);

    // The tar is written by a blocking task into a small channel, read as the body.
    let (chunk_tx, chunk_rx) = mpsc::channel::<io::Result<Vec<u8>>>(4);
    let tar_error: Arc<Mutex<Option<String>>> = Arc::default();
    {
        let tar_error = tar_error.clone();
        let root = context_dir.clone();
        tokio::task::spawn_blocking(move || {
            let w = ChunkWriter {
                tx: chunk_tx.clone(),
                buf: Vec::with_capacity(CHUNK_BYTES),
            };
            let res =
                build_context::write_context(&root, &ignore, &keep, w).and_then(|mut w| w.flush());
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
    let creds = fs::read_to_string(credentials::docker_config_file())
        .map(|t| credentials::all_credentials_from_config(&t))
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
