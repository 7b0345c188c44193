//! What the app hears when a request cannot be carried out (no engine, or the user switched
//! to another): the answers are the app's ([`crate::app::refusal`]); reading the docker
//! contexts needs no engine and is answered here.

use tokio::sync::mpsc;

use crate::app::msg::{Msg, Req};

/// Answers `req` with `why` it was not carried out, when someone waits on it.
pub async fn refuse(tx: &mpsc::Sender<Msg>, req: Req, why: &str) {
    if let Some(msg) = answer(req, why) {
        let _ = tx.send(msg).await;
    }
}

/// The answer to a refused request; None where nobody waits on one.
pub fn answer(req: Req, why: &str) -> Option<Msg> {
    match req {
        Req::ListEngines => Some(Msg::Engines(super::client::engine_choices())),
        req => crate::app::refusal::answer(req, why),
    }
}
