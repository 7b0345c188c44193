//! Live stats only for what the user can see: one stream per watched container (the running
//! rows on screen and the selection). Streams close when a row leaves the set.

use std::collections::HashMap;

use bollard::Docker;
use bollard::query_parameters::StatsOptionsBuilder;
use futures::StreamExt;
use tokio::sync::mpsc;

use super::engine::AbortOnDrop;
use crate::app::msg::Msg;
use crate::app::stats::StatsSample;

#[derive(Default)]
pub struct StatsWatch {
    streams: HashMap<String, AbortOnDrop>,
}

impl StatsWatch {
    /// Make the set of live streams equal to `ids`.
    pub fn set(&mut self, docker: &Docker, tx: &mpsc::Sender<Msg>, ids: Vec<String>) {
        self.streams.retain(|id, _| ids.contains(id));
        for id in ids {
            if self.streams.contains_key(&id) {
                continue;
            }
            let handle = tokio::spawn(stream(docker.clone(), tx.clone(), id.clone()));
            self.streams.insert(id, AbortOnDrop(handle.abort_handle()));
        }
    }

    /// The container stopped or went away: close its stream.
    pub fn forget(&mut self, id: &str) {
        self.streams.remove(id);
    }

    pub fn len(&self) -> usize {
        self.streams.len()
    }

    pub fn is_empty(&self) -> bool {
        self.streams.is_empty()
    }
}

async fn stream(docker: Docker, tx: mpsc::Sender<Msg>, id: String) {
    let opts = StatsOptionsBuilder::default().stream(true).build();
    let mut s = docker.stats(&id, Some(opts));
    while let Some(Ok(resp)) = s.next().await {
        let sample = StatsSample::from_response(&resp);
        if tx
            .send(Msg::Stats {
                id: id.clone(),
                sample,
            })
            .await
            .is_err()
        {
            return;
        }
    }
}
