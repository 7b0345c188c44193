//! Live stats only for what the user can see: one stream per watched container (the running
//! rows on screen and the selection). Streams close when a row leaves the set.

use std::collections::HashMap;

use bollard::Docker;
use bollard::query_parameters::StatsOptionsBuilder;
use futures::StreamExt;
use tokio::sync::mpsc;

use super::task::AbortOnDrop;
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

/// Sampling period of a container whose numbers move.
const ACTIVE: std::time::Duration = std::time::Duration::from_secs(1);
/// Sampling period of a container that has been idle for `IDLE_AFTER` samples: its numbers
/// do not change, so sampling it every second would only make the engine work.
const IDLE: std::time::Duration = std::time::Duration::from_secs(5);
const IDLE_AFTER: u32 = 5;

/// Whether `cur` shows no activity since `prev`: under 0.5 % CPU, memory within 1 MiB, and
/// at most background noise on the network and disks (a bridge sees a few multicast packets).
fn quiet(prev: &StatsSample, cur: &StatsSample) -> bool {
    const NOISE: u64 = 4096;
    cur.cpu_percent < 0.5
        && cur.mem_used.abs_diff(prev.mem_used) < 1 << 20
        && cur.net_rx.abs_diff(prev.net_rx) < NOISE
        && cur.net_tx.abs_diff(prev.net_tx) < NOISE
        && cur.blk_read.abs_diff(prev.blk_read) < NOISE
        && cur.blk_write.abs_diff(prev.blk_write) < NOISE
}

/// One-shot samples (no engine-side wait), every second while the container is active and
/// every five seconds once it has been quiet for a while.
async fn stream(docker: Docker, tx: mpsc::Sender<Msg>, id: String) {
    let opts = StatsOptionsBuilder::default()
        .stream(false)
        .one_shot(true)
        .build();
    let mut prev: Option<StatsSample> = None;
    let mut quiet_for = 0u32;
    let mut next = tokio::time::Instant::now();
    loop {
        tokio::time::sleep_until(next).await;
        let started = tokio::time::Instant::now();
        let Some(Ok(resp)) = docker.stats(&id, Some(opts.clone())).next().await else {
            return;
        };
        let sample = StatsSample::from_response_after(&resp, prev.as_ref());
        if let Some(p) = &prev {
            if quiet(p, &sample) {
                quiet_for = quiet_for.saturating_add(1);
            } else {
                quiet_for = 0;
            }
        }
        // The first sample of a one-shot series has no CPU figure yet: don't show it.
        if prev.is_some() || sample.cpu_from_precpu {
            let msg = Msg::Stats {
                id: id.clone(),
                sample,
            };
            if tx.send(msg).await.is_err() {
                return;
            }
        }
        prev = Some(sample);
        let period = if quiet_for >= IDLE_AFTER {
            IDLE
        } else {
            ACTIVE
        };
        next = started + period;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_ignores_noise_but_not_activity() {
        let a = StatsSample {
            mem_used: 10 << 20,
            net_rx: 1000,
            ..Default::default()
        };
        let noise = StatsSample {
            mem_used: (10 << 20) + 4096,
            net_rx: 1180,
            cpu_percent: 0.01,
            ..Default::default()
        };
        assert!(quiet(&a, &noise));
        let busy = StatsSample {
            cpu_percent: 12.0,
            ..noise
        };
        assert!(!quiet(&a, &busy));
        let traffic = StatsSample {
            net_rx: 1_000_000,
            ..noise
        };
        assert!(!quiet(&a, &traffic));
        let growing = StatsSample {
            mem_used: 20 << 20,
            ..noise
        };
        assert!(!quiet(&a, &growing));
    }
}
