//! Task handles shared by the engine side: a task aborted when its handle is dropped, a
//! long operation's handle, and the set of one-off requests whose replies go to the app.
//! A leaf: it imports nothing else from `docker/`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinError, JoinHandle, JoinSet};

/// Aborts a task when dropped.
pub struct AbortOnDrop(pub AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A running pull, push or build. Dropping it cancels the operation (so does
/// [`OpTask::abort`]); awaiting it waits for the end.
#[must_use = "dropping an OpTask cancels the operation"]
#[derive(Debug)]
pub struct OpTask {
    handle: JoinHandle<()>,
}

impl OpTask {
    pub(crate) fn spawn(fut: impl Future<Output = ()> + Send + 'static) -> OpTask {
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

/// One-off requests of a session: each runs in its own task on a clone of the client and
/// sends its reply (or replies) to the app. Dropping the set aborts what is still running,
/// so a switched-away engine's answers never arrive.
pub struct Requests<C, M> {
    client: C,
    tx: mpsc::Sender<M>,
    tasks: JoinSet<()>,
}

impl<C: Clone + Send + 'static, M: Send + 'static> Requests<C, M> {
    pub fn new(client: C, tx: mpsc::Sender<M>) -> Self {
        Requests {
            client,
            tx,
            tasks: JoinSet::new(),
        }
    }

    /// Run `request` on the client and send its reply.
    pub fn reply<F, Fut>(&mut self, request: F)
    where
        F: FnOnce(C) -> Fut,
        Fut: Future<Output = M> + Send + 'static,
    {
        let fut = request(self.client.clone());
        let tx = self.tx.clone();
        self.tasks.spawn(async move {
            let _ = tx.send(fut.await).await;
        });
    }

    /// Run `request` on the client and send its reply when it has one.
    pub fn reply_if<F, Fut>(&mut self, request: F)
    where
        F: FnOnce(C) -> Fut,
        Fut: Future<Output = Option<M>> + Send + 'static,
    {
        let fut = request(self.client.clone());
        let tx = self.tx.clone();
        self.tasks.spawn(async move {
            if let Some(msg) = fut.await {
                let _ = tx.send(msg).await;
            }
        });
    }

    /// Run a task that sends what it has to say itself, as it goes (several replies, a
    /// forwarded stream).
    pub fn spawn<F, Fut>(&mut self, task: F)
    where
        F: FnOnce(C, mpsc::Sender<M>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let fut = task(self.client.clone(), self.tx.clone());
        self.tasks.spawn(fut);
    }

    /// Waits until a request ends (pending forever when none runs: for `select!`).
    pub async fn join_next(&mut self) {
        if self.tasks.join_next().await.is_none() {
            std::future::pending::<()>().await;
        }
    }
}
