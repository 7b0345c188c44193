//! The engine task: connects (with backoff), runs a [`session`] while connected, and answers
//! what it can without an engine (list engines, switch, quit; anything else is refused).

use std::time::Duration;

use tokio::sync::mpsc;

use super::client::{self, Target};
use super::session::{Connected, SessionEnd, session};
use super::{containers, events, refuse};
use crate::app::msg::{Cmd, ConnStatus, Msg};

/// How long a connection attempt may take before it counts as failed (and is retried with
/// backoff): a socket that accepts and never answers is not waited on forever.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Start the engine task. Commands go in on the returned sender; messages come out on `tx`.
pub fn spawn(target: Target, tx: mpsc::Sender<Msg>) -> mpsc::UnboundedSender<Cmd> {
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    // A weak sender: commands held during a connection attempt are put back in the queue
    // once it succeeds, without keeping the channel open after the app is gone.
    tokio::spawn(run(target, tx, cmd_rx, cmd_tx.downgrade()));
    cmd_tx
}

async fn run(
    target: Target,
    tx: mpsc::Sender<Msg>,
    mut cmds: mpsc::UnboundedReceiver<Cmd>,
    requeue: mpsc::WeakUnboundedSender<Cmd>,
) {
    let mut target = target;
    let mut attempt: u32 = 0;
    'engine: loop {
        let addr = target.addr.clone();
        attempt += 1;
        // Commands keep being answered while an attempt hangs (a dead tcp:// address takes
        // minutes to time out): a switch or quit does not wait for it.
        // Other commands wait for the outcome: served if it connects, refused if not.
        let attempt_target = target.clone();
        let attempt_fut = async move {
            match tokio::time::timeout(CONNECT_TIMEOUT, connect(&attempt_target)).await {
                Ok(r) => r,
                Err(_) => Err(format!(
                    "no answer within {} s (the address accepts connections but the engine does not answer)",
                    CONNECT_TIMEOUT.as_secs()
                )),
            }
        };
        tokio::pin!(attempt_fut);
        let mut held: Vec<Cmd> = Vec::new();
        let result = loop {
            tokio::select! {
                r = &mut attempt_fut => break r,
                cmd = cmds.recv() => match cmd {
                    None | Some(Cmd::Quit) => return,
                    Some(Cmd::SwitchEngine { addr, source }) => {
                        for cmd in held.drain(..) {
                            refuse::refuse(&tx, cmd, "dockside switched to another engine").await;
                        }
                        target = Target { addr, source };
                        attempt = 0;
                        continue 'engine;
                    }
                    Some(Cmd::ListEngines) => {
                        let _ = tx.send(Msg::Engines(super::client::engine_choices())).await;
                    }
                    Some(cmd) => held.push(cmd),
                },
            }
        };
        if result.is_ok() {
            // Back in the queue, in the order they were sent: take what else is queued
            // first, so nothing overtakes them.
            while let Ok(cmd) = cmds.try_recv() {
                held.push(cmd);
            }
            if let Some(requeue) = requeue.upgrade() {
                for cmd in held.drain(..) {
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
                            Offline::Switch(t) => {
                                target = t;
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
            SessionEnd::Switch(t) => target = t,
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
    Switch(Target),
    Handled,
}

/// Serve a command without an engine: list the engines, switch, quit, or refuse it.
async fn offline(tx: &mpsc::Sender<Msg>, cmd: Option<Cmd>, why: &str) -> Offline {
    match cmd {
        None | Some(Cmd::Quit) => Offline::Quit,
        Some(Cmd::SwitchEngine { addr, source }) => Offline::Switch(Target { addr, source }),
        Some(Cmd::ListEngines) => {
            let _ = tx.send(Msg::Engines(super::client::engine_choices())).await;
            Offline::Handled
        }
        Some(cmd) => {
            refuse::refuse(tx, cmd, why).await;
            Offline::Handled
        }
    }
}

/// Connect. On a unix socket the first list runs while the API version is negotiated, on a
/// client pinned to an API version every current engine accepts; if the engine refuses it,
/// the list is fetched again with the negotiated version.
async fn connect(target: &Target) -> Result<Connected, String> {
    if let Some(fast) = client::pinned_client(&target.addr) {
        let events = events::start_events(&fast);
        let (negotiated, list) = tokio::join!(
            client::connect_target(target),
            fast.list_containers(Some(containers::list_all()))
        );
        let docker = negotiated?;
        return Ok(match list {
            Ok(list) => Connected {
                docker,
                events,
                first_list: Some(list),
            },
            Err(_) => Connected {
                events: events::start_events(&docker),
                docker,
                first_list: None,
            },
        });
    }
    let docker = client::connect_target(target).await?;
    Ok(Connected {
        events: events::start_events(&docker),
        docker,
        first_list: None,
    })
}
