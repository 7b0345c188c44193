//! The container list kept current from the events stream: an event naming a container
//! fetches only that one (a burst of events for it costs one fetch at a time), exact start
//! and finish times come from the events, and a fetch the engine answers before its list
//! caught up with the event is asked again shortly.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use bollard::Docker;
use tokio::task::JoinSet;

use super::containers::fetch_one;
use crate::app::model::{CState, Container};
use crate::app::msg::Msg;

/// Engine events that change what the list shows.
pub fn relevant(action: &str) -> bool {
    matches!(
        action,
        "create"
            | "start"
            | "restart"
            | "stop"
            | "die"
            | "kill"
            | "pause"
            | "unpause"
            | "rename"
            | "update"
            | "destroy"
            | "oom"
    ) || action.starts_with("health_status")
}

/// Times (unix seconds) learned from events: exact start/finish, better than the list's text.
#[derive(Default, Clone, Copy)]
struct Times {
    started: Option<i64>,
    died: Option<i64>,
}

/// The states an event implies. The engine emits some events before its list view catches
/// up (e.g. `pause`), so a fetch that disagrees is retried shortly.
fn implied(action: &str) -> &'static [CState] {
    match action {
        "start" | "unpause" | "restart" => &[CState::Running, CState::Exited, CState::Restarting],
        "pause" => &[CState::Paused],
        "die" => &[CState::Exited, CState::Restarting, CState::Dead],
        "create" => &[CState::Created, CState::Running],
        _ => &[],
    }
}

/// Retries of a fetch whose state disagrees with the event, and their delay.
const RECHECKS: u32 = 5;
const RECHECK_DELAY: Duration = Duration::from_millis(15);

fn apply_times(c: &mut Container, t: Option<&Times>) {
    let Some(t) = t else { return };
    match c.state {
        CState::Running | CState::Paused => {
            if let Some(s) = t.started {
                c.since = Some(s);
            }
        }
        CState::Exited | CState::Restarting => {
            if let Some(d) = t.died {
                c.since = Some(d);
            }
        }
        _ => {}
    }
}

/// A fetch's outcome: the id asked for and the container, `None` when it is gone.
type Fetched = (String, Result<Option<Container>, String>);

#[derive(Default)]
pub struct ContainerList {
    fetches: JoinSet<Fetched>,
    inflight: HashSet<String>,
    again: HashSet<String>,
    times: HashMap<String, Times>,
    /// Last state-changing event per container, and how often its fetch was rechecked.
    expect: HashMap<String, (&'static [CState], u32)>,
}

impl ContainerList {
    /// A [`relevant`] event `action` about container `id` at `time` (unix seconds): fetch
    /// it, or tell it is gone.
    pub fn on_event(
        &mut self,
        docker: &Docker,
        id: String,
        action: &str,
        time: i64,
    ) -> Option<Msg> {
        match action {
            "start" => self.times.entry(id.clone()).or_default().started = Some(time),
            "die" => self.times.entry(id.clone()).or_default().died = Some(time),
            _ => {}
        }
        let implied = implied(action);
        if !implied.is_empty() {
            self.expect.insert(id.clone(), (implied, 0));
        }
        if action == "destroy" {
            self.times.remove(&id);
            self.expect.remove(&id);
            self.again.remove(&id);
            return Some(Msg::Gone(id));
        }
        if self.inflight.contains(&id) {
            self.again.insert(id);
        } else {
            self.inflight.insert(id.clone());
            self.fetches
                .spawn(fetch_one(docker.clone(), id, Duration::ZERO));
        }
        None
    }

    /// Waits for a fetch to end (pending forever when none runs: for `select!`).
    pub async fn next_fetch(&mut self) -> Option<Fetched> {
        match self.fetches.join_next().await {
            Some(done) => done.ok(),
            None => std::future::pending().await,
        }
    }

    /// A fetch ended: what to tell the app (nothing when it failed: the engine may be busy,
    /// the next event tries again). A container fetched again meanwhile, or whose state
    /// does not show its last event yet, is fetched once more.
    pub fn fetched(&mut self, docker: &Docker, (id, res): Fetched) -> Option<Msg> {
        self.inflight.remove(&id);
        let msg = match res {
            Ok(Some(mut c)) => {
                apply_times(&mut c, self.times.get(&id));
                if let Some((states, tries)) = self.expect.get_mut(&id) {
                    if states.contains(&c.state) || *tries >= RECHECKS {
                        self.expect.remove(&id);
                    } else {
                        *tries += 1;
                        self.again.insert(id.clone());
                    }
                }
                Msg::Upsert(c)
            }
            Ok(None) => Msg::Gone(id.clone()),
            Err(_) => return None,
        };
        if self.again.remove(&id) {
            let delay = match self.expect.get(&id) {
                Some((_, tries)) if *tries > 0 => RECHECK_DELAY * *tries,
                _ => Duration::ZERO,
            };
            self.inflight.insert(id.clone());
            self.fetches.spawn(fetch_one(docker.clone(), id, delay));
        }
        Some(msg)
    }
}
