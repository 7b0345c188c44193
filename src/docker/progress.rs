//! Progress of the long image operations (pull, push, build): the engine's JSON messages
//! coalesced into [`Progress`] events, at most one [`Progress::Layer`] per layer per
//! [`TICK`], lines in batches (one [`Progress::Line`] carries every line that arrived during
//! a tick). A stream ends with exactly one [`Progress::Error`] or [`Progress::Done`]
//! (nothing when cancelled).

use std::time::Duration;

use bollard::Docker;
use bollard::errors::Error as BollardError;
use bollard::models::ProgressDetail;
use futures::{Stream, StreamExt};
use tokio::sync::mpsc;

use super::client::engine_error;
use crate::app::images::Progress;

/// At most one [`Progress::Layer`] per layer, and one batch of lines, per tick.
pub const TICK: Duration = Duration::from_millis(50);
/// A batch of lines is sent early when it grows past this many bytes.
const MAX_BATCH_BYTES: usize = 64 * 1024;
/// Long operations may take this long before the engine's first answer (a build answers
/// only once it has the whole context).
const LONG_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// A client for a long operation: the same connection, a timeout of a day.
pub fn long_client(docker: &Docker) -> Docker {
    docker.clone().with_timeout(LONG_TIMEOUT)
}

/// Collects progress between ticks: the latest state of each layer, lines.
pub struct Coalesce<M> {
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
    pub fn new(tx: mpsc::Sender<M>, wrap: fn(Progress) -> M) -> Coalesce<M> {
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

    pub fn line(&mut self, s: &str) {
        self.lines.push_str(s.trim_end_matches(['\r', '\n']));
        self.lines.push('\n');
    }

    /// Output that may hold several lines, or end inside one.
    pub fn text(&mut self, s: &str) {
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

    pub async fn send(&self, p: Progress) -> bool {
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
    pub async fn flush(&mut self, end: bool) -> bool {
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
    pub fn message(
        &mut self,
        id: Option<String>,
        status: Option<String>,
        pd: Option<ProgressDetail>,
    ) {
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

pub enum Outcome {
    Finished,
    Failed(String),
    /// The receiver is gone: stop quietly.
    Gone,
}

/// Reads `stream` to its end, feeding each item to `on_item`, sending what collects once
/// per tick.
pub async fn pump<M, T, S>(
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

pub async fn image_id(docker: &Docker, reference: &str) -> Option<String> {
    docker
        .inspect_image(reference)
        .await
        .ok()
        .and_then(|i| i.id)
}

/// Ends a pull or push: its error, or `Done` with the id `reference` now names.
pub async fn finish<M>(docker: &Docker, c: &Coalesce<M>, outcome: Outcome, reference: &str) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_ids() {
        assert!(is_layer_id("0123456789ab"));
        assert!(!is_layer_id("v1"));
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
