//! The archive endpoint read as a tar stream (`GET /containers/{id}/archive`), on a blocking
//! thread as the bytes come; and a container's mounts as inspect gives them. Shared by the
//! files tab ([`super::files`]) and editing ([`super::edit`]).

use std::io::Read;

use bollard::Docker;
use bollard::query_parameters::DownloadFromContainerOptionsBuilder;
use futures::StreamExt;
use tokio::sync::mpsc;

use super::client::friendly;
use crate::app::files::Mount;
use crate::app::sanitize::plain;

/// Reads the chunks a stream sends over a channel, on a blocking thread.
pub struct ChanReader {
    rx: mpsc::Receiver<Result<Vec<u8>, String>>,
    cur: Vec<u8>,
    pos: usize,
}

impl Read for ChanReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos >= self.cur.len() {
            match self.rx.blocking_recv() {
                Some(Ok(chunk)) => {
                    self.cur = chunk;
                    self.pos = 0;
                }
                Some(Err(e)) => return Err(std::io::Error::other(e)),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.cur.len() - self.pos);
        buf[..n].copy_from_slice(&self.cur[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// GET the archive of `path` and hand it, as it streams, to `f` on a blocking thread.
/// `on_bytes` hears the running total. When `f` returns early the download stops.
pub async fn with_archive<T: Send + 'static>(
    docker: &Docker,
    id: &str,
    path: &str,
    mut on_bytes: impl FnMut(u64),
    f: impl FnOnce(tar::Archive<ChanReader>) -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    let opts = DownloadFromContainerOptionsBuilder::new()
        .path(path)
        .build();
    let mut stream = docker.download_from_container(id, Some(opts));
    let (tx, rx) = mpsc::channel(16);
    let worker = tokio::task::spawn_blocking(move || {
        f(tar::Archive::new(ChanReader {
            rx,
            cur: Vec::new(),
            pos: 0,
        }))
    });
    let mut total = 0u64;
    let mut failed = None;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(b) => {
                total += b.len() as u64;
                on_bytes(total);
                if tx.send(Ok(b.to_vec())).await.is_err() {
                    break;
                }
            }
            Err(e) => {
                let why = friendly(e);
                let _ = tx.send(Err(why.clone())).await;
                failed = Some(why);
                break;
            }
        }
    }
    drop(tx);
    let result = worker.await.map_err(|e| e.to_string())?;
    match (result, failed) {
        (Err(_), Some(why)) => Err(why),
        (r, _) => r,
    }
}

/// Mounts as inspect gives them: a volume's source is its name, a bind's its host path.
pub fn mounts_of(list: Vec<bollard::models::MountPoint>) -> Vec<Mount> {
    list.into_iter()
        .filter_map(|m| {
            let kind = m.typ.map_or_else(|| "mount".into(), |t| t.to_string());
            let source = if kind == "volume" {
                m.name.or(m.source)
            } else {
                m.source.or(m.name)
            };
            Some(Mount {
                destination: m.destination?,
                kind,
                rw: m.rw.unwrap_or(true),
                source: plain(&source.unwrap_or_default()),
            })
        })
        .collect()
}
