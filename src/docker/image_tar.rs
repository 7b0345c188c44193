//! Images to and from tar files: `docker save -o FILE IMAGE…` and `docker load -i FILE`, as
//! jobs with progress (the bytes written or read against the expected size, the engine's
//! per-layer "Loading layer" bars) that end with one line saying what happened. A save never
//! overwrites a file, and a failed or cancelled save leaves no partial file behind.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bollard::Docker;
use bollard::query_parameters::ImportImageOptionsBuilder;
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

use super::client::engine_error;
use super::files::expand;
use super::progress::{Coalesce, TICK, long_client};
use super::task::OpTask;
use crate::app::images::{Progress, human_size};

/// A file being written: removed when dropped before [`Partial::keep`] (an error, a cancel).
struct Partial(Option<PathBuf>);

impl Partial {
    fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn absolute(p: &Path) -> String {
    std::path::absolute(p)
        .unwrap_or_else(|_| p.to_path_buf())
        .display()
        .to_string()
}

/// The bar of the tar file itself: `current` bytes of about `total`.
fn tar_bar(verb: &str, current: u64, total: u64) -> Progress {
    let total = total.max(current);
    Progress::Layer {
        id: "tar".into(),
        status: format!(
            "{verb} {} / {}",
            human_size(current as i64),
            human_size(total as i64)
        ),
        current,
        total,
    }
}

/// `docker save -o dest refs…`. `estimate`: the images' size, for the bar.
pub fn save<M: Send + 'static>(
    docker: &Docker,
    refs: Vec<String>,
    dest: String,
    estimate: u64,
    tx: &mpsc::Sender<M>,
    wrap: fn(Progress) -> M,
) -> OpTask {
    let docker = long_client(docker);
    let c = Coalesce::new(tx.clone(), wrap);
    OpTask::spawn(async move {
        let end = match save_to(&docker, &refs, &dest, estimate, &c).await {
            Ok(line) => {
                let _ = c.send(Progress::Line(line)).await;
                Progress::Done { image_id: None }
            }
            Err(e) => Progress::Error(e),
        };
        let _ = c.send(end).await;
    })
}

async fn save_to<M>(
    docker: &Docker,
    refs: &[String],
    dest: &str,
    estimate: u64,
    c: &Coalesce<M>,
) -> Result<String, String> {
    if refs.is_empty() {
        return Err("no image to save".into());
    }
    let path = expand(dest)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut file = match tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .await
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(format!(
                "{} already exists: nothing overwritten, choose another file",
                absolute(&path)
            ));
        }
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let partial = Partial(Some(path.clone()));
    let names: Vec<&str> = refs.iter().map(String::as_str).collect();
    let mut stream = std::pin::pin!(docker.export_images(&names));
    let (mut total, mut last) = (0u64, tokio::time::Instant::now());
    while let Some(chunk) = stream.next().await {
        let b = chunk.map_err(engine_error)?;
        file.write_all(&b)
            .await
            .map_err(|e| format!("{}: {e}", path.display()))?;
        total += b.len() as u64;
        if last.elapsed() >= TICK {
            last = tokio::time::Instant::now();
            if !c.send(tar_bar("writing", total, estimate)).await {
                return Err("cancelled".into());
            }
        }
    }
    file.flush().await.map_err(|e| e.to_string())?;
    file.sync_all().await.map_err(|e| e.to_string())?;
    if total == 0 {
        return Err("the engine sent nothing".into());
    }
    partial.keep();
    let _ = c.send(tar_bar("written", total, total)).await;
    Ok(format!(
        "saved {} to {} ({})",
        refs.join(", "),
        absolute(&path),
        human_size(total as i64)
    ))
}

/// `docker load -i src`.
pub fn load<M: Send + 'static>(
    docker: &Docker,
    src: String,
    tx: &mpsc::Sender<M>,
    wrap: fn(Progress) -> M,
) -> OpTask {
    let docker = long_client(docker);
    let c = Coalesce::new(tx.clone(), wrap);
    OpTask::spawn(async move {
        let mut c = c;
        let result = load_from(&docker, &src, &mut c).await;
        // The engine's last lines first: the summary is the job's last line.
        let _ = c.flush(true).await;
        let end = match result {
            Ok(line) => {
                let _ = c.send(Progress::Line(line)).await;
                Progress::Done { image_id: None }
            }
            Err(e) => Progress::Error(e),
        };
        let _ = c.send(end).await;
    })
}

/// The file as a stream of chunks, counting the bytes read.
fn file_chunks(
    file: tokio::fs::File,
    read: Arc<AtomicU64>,
) -> impl futures::Stream<Item = Result<hyper::body::Bytes, std::io::Error>> + Send + 'static {
    futures::stream::unfold(Some(file), move |file| {
        let read = read.clone();
        async move {
            let mut file = file?;
            let mut buf = vec![0u8; 256 * 1024];
            match file.read(&mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    read.fetch_add(n as u64, Ordering::Relaxed);
                    Some((Ok(hyper::body::Bytes::from(buf)), Some(file)))
                }
                Err(e) => Some((Err(e), None)),
            }
        }
    })
}

async fn load_from<M>(docker: &Docker, src: &str, c: &mut Coalesce<M>) -> Result<String, String> {
    let path = expand(src)?;
    let meta = std::fs::metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!("{} is not a file", absolute(&path)));
    }
    let size = meta.len();
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let read = Arc::new(AtomicU64::new(0));
    let opts = ImportImageOptionsBuilder::new().quiet(false).build();
    let mut stream =
        std::pin::pin!(docker.import_image_stream(opts, file_chunks(file, read.clone()), None));
    let mut loaded: Vec<String> = Vec::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            item = stream.next() => match item {
                Some(Ok(info)) => {
                    if let Some(s) = info.stream.as_deref() {
                        for l in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
                            if let Some(what) = l
                                .strip_prefix("Loaded image: ")
                                .or_else(|| l.strip_prefix("Loaded image ID: "))
                            {
                                loaded.push(crate::app::sanitize::plain(what));
                            }
                            c.line(l);
                        }
                    }
                    c.message(info.id, info.status, info.progress_detail);
                }
                Some(Err(e)) => return Err(engine_error(e)),
                None => break,
            },
            _ = tick.tick() => {
                let bar = tar_bar("reading", read.load(Ordering::Relaxed), size);
                if !c.send(bar).await || !c.flush(false).await {
                    return Err("cancelled".into());
                }
            }
        }
    }
    let _ = c.send(tar_bar("read", size, size)).await;
    if loaded.is_empty() {
        return Err(format!(
            "{}: the engine loaded no image from it",
            absolute(&path)
        ));
    }
    Ok(format!(
        "loaded {} from {}",
        loaded.join(", "),
        absolute(&path)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_file_goes_unless_kept() {
        let s = crate::scratch::Scratch::new("dockside-test-partial").expect("scratch");
        let a = s.write_new("a.tar", b"half").expect("a");
        drop(Partial(Some(a.clone())));
        assert!(!a.exists(), "an unfinished save leaves nothing");
        let b = s.write_new("b.tar", b"whole").expect("b");
        Partial(Some(b.clone())).keep();
        assert!(b.exists(), "a finished save stays");
    }
}
