//! The engine task: connects (with backoff), runs a [`session`] while connected, and answers
//! what it can without an engine (list engines, switch, quit; anything else is refused).

use std::time::Duration;

use tokio::sync::mpsc;

use super::ToEngine;
use super::client::{self, Target};
use super::session::{Connected, EngineVersion, SessionEnd, VersionAnswer, session};
use super::{containers, events, refuse};
use crate::app::msg::{ConnStatus, EngineId, EngineRef, Msg, Req};

/// How long a connection attempt may take before it counts as failed (and is retried with
/// backoff): a socket that accepts and never answers is not waited on forever.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Start the engine task. Commands go in on the returned sender; messages come out on `tx`,
/// each tagged with the engine and connection epoch it came from ([`Msg::Engine`]).
pub fn spawn(target: Target, tx: mpsc::Sender<Msg>) -> mpsc::UnboundedSender<ToEngine> {
    spawn_engine(EngineId::default(), target, 0, tx)
}

/// [`spawn`] for the engine `id` among several; its first connection's messages carry
/// `epoch`.
pub fn spawn_engine(
    id: EngineId,
    target: Target,
    epoch: u64,
    tx: mpsc::Sender<Msg>,
) -> mpsc::UnboundedSender<ToEngine> {
    spawn_asked(id, target, epoch, tx, None)
}

/// [`spawn_engine`] with the first list already asked ([`ask_first_list`]): its first
/// connection reads that answer instead of asking.
fn spawn_asked(
    id: EngineId,
    target: Target,
    epoch: u64,
    tx: mpsc::Sender<Msg>,
    asked: Option<client::Asked>,
) -> mpsc::UnboundedSender<ToEngine> {
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    // A weak sender: commands held during a connection attempt are put back in the queue
    // once it succeeds, without keeping the channel open after the app is gone.
    let first = First {
        id,
        target,
        epoch,
        asked,
    };
    tokio::spawn(run(first, tx, cmd_rx, cmd_tx.downgrade()));
    cmd_tx
}

/// What an engine task starts with.
struct First {
    id: EngineId,
    target: Target,
    epoch: u64,
    asked: Option<client::Asked>,
}

/// The engine tasks of a fleet, by id: what the runtime (and the tests' driver) sends
/// requests through.
#[derive(Default)]
pub struct Engines {
    tasks: std::collections::HashMap<EngineId, mpsc::UnboundedSender<ToEngine>>,
}

impl Engines {
    /// Start engine `id` (ending a task it already had).
    pub fn start(&mut self, id: EngineId, target: Target, epoch: u64, tx: &mpsc::Sender<Msg>) {
        self.start_asked(id, target, epoch, tx, None);
    }

    /// [`Engines::start`] with its first list already asked ([`ask_first_list`]).
    pub fn start_asked(
        &mut self,
        id: EngineId,
        target: Target,
        epoch: u64,
        tx: &mpsc::Sender<Msg>,
        asked: Option<client::Asked>,
    ) {
        self.stop(id);
        let task = spawn_asked(id, target, epoch, tx.clone(), asked);
        self.tasks.insert(id, task);
    }

    /// End engine `id`'s task: its streams and sessions end with it.
    pub fn stop(&mut self, id: EngineId) {
        if let Some(t) = self.tasks.remove(&id) {
            let _ = t.send(ToEngine::Quit);
        }
    }

    pub fn send(&self, id: EngineId, msg: ToEngine) {
        if let Some(t) = self.tasks.get(&id) {
            let _ = t.send(msg);
        }
    }

    /// End every task.
    pub fn quit_all(&mut self) {
        for (_, t) in self.tasks.drain() {
            let _ = t.send(ToEngine::Quit);
        }
    }
}

/// A sender whose messages reach `outer` tagged `from`. Everything a connection starts
/// holds one, so what it sends after a switch still says where it came from.
fn tagged(outer: &mpsc::Sender<Msg>, from: EngineRef) -> mpsc::Sender<Msg> {
    let (tx, mut rx) = mpsc::channel::<Msg>(1024);
    let outer = outer.clone();
    tokio::spawn(async move {
        while let Some(msg) = rx.recv().await {
            let msg = Msg::Engine {
                from,
                msg: Box::new(msg),
            };
            if outer.send(msg).await.is_err() {
                break;
            }
        }
    });
    tx
}

async fn run(
    first: First,
    outer: mpsc::Sender<Msg>,
    mut cmds: mpsc::UnboundedReceiver<ToEngine>,
    requeue: mpsc::WeakUnboundedSender<ToEngine>,
) {
    let First {
        id,
        mut target,
        mut epoch,
        mut asked,
    } = first;
    let mut attempt: u32 = 0;
    'engine: loop {
        let tx = tagged(&outer, EngineRef { id, epoch });
        let addr = target.addr.clone();
        attempt += 1;
        // Commands keep being answered while an attempt hangs (a dead tcp:// address takes
        // minutes to time out): a switch or quit does not wait for it.
        // Other commands wait for the outcome: served if it connects, refused if not.
        let attempt_target = target.clone();
        // Only the first attempt reads an answer asked before the task began.
        let attempt_asked = asked.take();
        let attempt_fut = async move {
            match tokio::time::timeout(CONNECT_TIMEOUT, connect(&attempt_target, attempt_asked))
                .await
            {
                Ok(r) => r,
                Err(_) => Err(format!(
                    "no answer within {} s (the address accepts connections but the engine does not answer)",
                    CONNECT_TIMEOUT.as_secs()
                )),
            }
        };
        tokio::pin!(attempt_fut);
        let mut held: Vec<Req> = Vec::new();
        let result = loop {
            tokio::select! {
                r = &mut attempt_fut => break r,
                cmd = cmds.recv() => match cmd {
                    None | Some(ToEngine::Quit) => return,
                    Some(ToEngine::Switch(to, new_epoch)) => {
                        epoch = new_epoch;
                        for cmd in held.drain(..) {
                            refuse::refuse(&tx, cmd, "dockside switched to another engine").await;
                        }
                        target = to;
                        attempt = 0;
                        continue 'engine;
                    }
                    Some(ToEngine::Req(Req::ListEngines)) => {
                        let _ = tx.send(Msg::Engines(super::client::engine_choices())).await;
                    }
                    Some(ToEngine::Req(req)) => held.push(req),
                },
            }
        };
        if result.is_ok() {
            // Back in the queue, in the order they were sent: take what else is queued
            // first, so nothing overtakes them.
            let mut queued = Vec::new();
            while let Ok(cmd) = cmds.try_recv() {
                queued.push(cmd);
            }
            if let Some(requeue) = requeue.upgrade() {
                for cmd in held.drain(..).map(ToEngine::Req).chain(queued) {
                    let _ = requeue.send(cmd);
                }
            }
        }
        for cmd in held.drain(..) {
            refuse::refuse(&tx, cmd, "not connected to the engine").await;
        }
        let conn = match result {
            Ok(c) => c,
            Err(error) => {
                // 250 ms, doubling, at most 5 s.
                let retry =
                    Duration::from_millis((250u64 << attempt.min(5).saturating_sub(1)).min(5000));
                let status = ConnStatus::Failed {
                    addr: format!("{addr} ({})", target.source),
                    error,
                    retry_in_ms: retry.as_millis() as u64,
                    attempt,
                };
                if tx.send(Msg::Conn(status)).await.is_err() {
                    return;
                }
                let sleep = tokio::time::sleep(retry);
                tokio::pin!(sleep);
                loop {
                    tokio::select! {
                        () = &mut sleep => break,
                        cmd = cmds.recv() => match offline(&tx, cmd, "not connected to the engine").await {
                            Offline::Quit => return,
                            Offline::Switch(t, new_epoch) => {
                                target = t;
                                epoch = new_epoch;
                                attempt = 0;
                                continue 'engine;
                            }
                            Offline::Handled => {}
                        },
                    }
                }
                continue;
            }
        };
        attempt = 0;
        match session(conn, &target, &tx, &mut cmds).await {
            SessionEnd::Quit => return,
            SessionEnd::Switch(t, new_epoch) => {
                target = t;
                epoch = new_epoch;
            }
            SessionEnd::Lost(error) => {
                let status = ConnStatus::Failed {
                    addr: format!("{addr} ({})", target.source),
                    error: format!("connection lost: {error}"),
                    retry_in_ms: 0,
                    attempt: 0,
                };
                if tx.send(Msg::Conn(status)).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// What a command asks of the engine task while it has no engine.
enum Offline {
    Quit,
    Switch(Target, u64),
    Handled,
}

/// Serve a command without an engine: list the engines, switch, quit, or refuse it.
async fn offline(tx: &mpsc::Sender<Msg>, cmd: Option<ToEngine>, why: &str) -> Offline {
    match cmd {
        None | Some(ToEngine::Quit) => Offline::Quit,
        Some(ToEngine::Switch(to, epoch)) => Offline::Switch(to, epoch),
        Some(ToEngine::Req(Req::ListEngines)) => {
            let _ = tx.send(Msg::Engines(super::client::engine_choices())).await;
            Offline::Handled
        }
        Some(ToEngine::Req(req)) => {
            refuse::refuse(tx, req, why).await;
            Offline::Handled
        }
    }
}

/// Connect. On a unix socket the first list is asked at once, in an API version every
/// current engine accepts, read straight into rows ([`first_list`]), and shown without
/// waiting for `/version` ([`EngineVersion::Pending`]): that one is asked after the list
/// has answered, since it runs `runc` and asks containerd, work the engine would otherwise
/// do beside the list (8–10 ms on an idle engine, more on a busy machine). If the engine
/// refuses the pinned list, its `/version` agrees the API version and the session lists
/// again.
async fn connect(target: &Target, asked: Option<client::Asked>) -> Result<Connected, String> {
    if let Some(fast) = client::pinned_client(&target.addr) {
        // From when the list was asked, if it was before this task began.
        let events = events::start_events_since(&fast, asked.as_ref().map(|a| a.at));
        let asking = fast.clone();
        // Not polled, so not asked, until the session awaits it.
        let version: VersionAnswer = Box::pin(async move { asking.version().await });
        let list = match asked {
            Some(asked) => read_first_list(asked).await,
            None => first_list(&target.addr).await,
        };
        if let Ok(list) = list {
            return Ok(Connected {
                docker: fast,
                events,
                first_list: Some(list),
                version: EngineVersion::Pending(version),
            });
        }
        let version = version
            .await
            .map_err(|e| client::cause(&target.addr, &e, None))?;
        let docker = client::agreed_client(&target.addr, &version)?;
        return Ok(Connected {
            events: events::start_events(&docker),
            docker,
            first_list: None,
            version: EngineVersion::Known(Box::new(version)),
        });
    }
    let docker = client::connect_target(target).await?;
    Ok(Connected {
        events: events::start_events(&docker),
        docker,
        first_list: None,
        version: EngineVersion::Unknown,
    })
}

/// The first list on a unix socket: asked in [`client::PINNED_API`] and read straight into
/// rows as it comes ([`containers::ListReader`]), not through bollard's models: at 1,000
/// containers those are 800 KB of settings the list does not show, built and dropped before
/// the first frame.
async fn first_list(addr: &str) -> Result<crate::app::model::Listed, String> {
    let mut reader = containers::ListReader::new(containers::unix_now());
    client::unix_get(addr, &first_list_path(), |piece| reader.feed(piece)).await?;
    reader.finish()
}

fn first_list_path() -> String {
    let (major, minor) = client::PINNED_API;
    format!("/v{major}.{minor}/containers/json?all=1")
}

/// Ask a unix socket engine for its first list now, before the runtime exists: the process
/// goes on starting while the engine answers (what the engine takes to list a thousand
/// containers, 100 ms and more, is longer than dockside's whole start). The engine task
/// reads the answer ([`Engines::start_asked`]). `None` when it cannot be asked this way: the
/// engine task connects as usual, and says why if it cannot.
pub fn ask_first_list(addr: &str) -> Option<client::Asked> {
    client::ask(addr, &first_list_path())
}

/// The answer to [`ask_first_list`], read into rows as it comes.
pub async fn read_first_list(asked: client::Asked) -> Result<crate::app::model::Listed, String> {
    let mut reader = containers::ListReader::new(containers::unix_now());
    client::read_asked(asked, |piece| reader.feed(piece)).await?;
    reader.finish()
}
