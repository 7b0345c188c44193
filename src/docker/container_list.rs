//! The container list kept current from the events stream: an event naming a container
//! fetches only that one (a burst of events for it costs one fetch at a time), exact start
//! and finish times come from the events, and a fetch the engine answers before its list
//! caught up with the event is asked again shortly.
//!
//! A container once destroyed stays gone: a fetch started before its `destroy` event (on
//! `kill`, `die`, …) that answers after it ("Removal In Progress") is dropped, whatever order
//! events and answers arrive in. A fetch that fails is asked again a few times.

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
pub type Fetched = (String, Result<Option<Container>, String>);

/// How many destroyed ids are remembered (ids are never reused; the oldest are forgotten).
const TOMBSTONES: usize = 65_536;
/// Retries of a fetch that failed (the engine busy), and their delay.
const FAIL_RETRIES: u32 = 5;
const FAIL_DELAY: Duration = Duration::from_millis(100);

#[derive(Default)]
pub struct ContainerList {
    fetches: JoinSet<Fetched>,
    inflight: HashSet<String>,
    again: HashSet<String>,
    times: HashMap<String, Times>,
    /// What the last events said a container's fetch should show.
    expect: HashMap<String, Expect>,
    /// Destroyed containers, oldest first: nothing brings them back.
    destroyed: HashSet<String>,
    destroyed_order: std::collections::VecDeque<String>,
    /// Failed fetches per container.
    failures: HashMap<String, u32>,
}

/// What events said a container's fetch should show, and how often it was asked again.
#[derive(Default)]
struct Expect {
    /// The states the last state-changing event implies (any, when empty).
    states: &'static [CState],
    /// The name a `rename` event gave: the engine logs the event before it releases the old
    /// name, so a list asked at once may still name the container both ways (old first).
    name: Option<String>,
    tries: u32,
}

impl Expect {
    fn met(&self, c: &Container) -> bool {
        (self.states.is_empty() || self.states.contains(&c.state))
            && self.name.as_ref().is_none_or(|n| c.name == *n)
    }
}

impl ContainerList {
    /// A [`relevant`] event `action` about container `id` at `time` (unix seconds), `name`
    /// the container's name the event gives: fetch it, or tell it is gone.
    pub fn on_event(
        &mut self,
        docker: &Docker,
        id: String,
        action: &str,
        time: i64,
        name: Option<&str>,
    ) -> Option<Msg> {
        match action {
            "start" => self.times.entry(id.clone()).or_default().started = Some(time),
            "die" => self.times.entry(id.clone()).or_default().died = Some(time),
            _ => {}
        }
        let implied = implied(action);
        let renamed = name.filter(|_| action == "rename");
        if !implied.is_empty() || renamed.is_some() {
            let e = self.expect.entry(id.clone()).or_default();
            if !implied.is_empty() {
                e.states = implied;
            }
            if let Some(n) = renamed {
                e.name = Some(n.to_string());
            }
            e.tries = 0;
        }
        if action == "destroy" {
            self.times.remove(&id);
            self.expect.remove(&id);
            self.again.remove(&id);
            self.failures.remove(&id);
            self.bury(id.clone());
            return Some(Msg::Gone(id));
        }
        if self.destroyed.contains(&id) {
            return None;
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
        if self.destroyed.contains(&id) {
            // Answered after the `destroy` event: whatever it says is the past.
            self.again.remove(&id);
            return None;
        }
        if res.is_err() {
            let n = self.failures.entry(id.clone()).or_insert(0);
            *n += 1;
            if *n <= FAIL_RETRIES {
                let delay = FAIL_DELAY * *n;
                self.again.remove(&id);
                self.inflight.insert(id.clone());
                self.fetches.spawn(fetch_one(docker.clone(), id, delay));
                return None;
            }
        }
        self.failures.remove(&id);
        let msg = match res {
            Ok(Some(mut c)) => {
                apply_times(&mut c, self.times.get(&id));
                if let Some(e) = self.expect.get_mut(&id) {
                    if e.met(&c) {
                        self.expect.remove(&id);
                    } else if e.tries >= RECHECKS {
                        // The event's word on the name stands.
                        if let Some(name) = e.name.take() {
                            c.name = name;
                        }
                        self.expect.remove(&id);
                    } else {
                        e.tries += 1;
                        self.again.insert(id.clone());
                    }
                }
                Msg::Upsert(c)
            }
            Ok(None) => {
                self.again.remove(&id);
                self.times.remove(&id);
                self.expect.remove(&id);
                return Some(Msg::Gone(id));
            }
            Err(_) => return None,
        };
        if self.again.remove(&id) {
            let delay = RECHECK_DELAY * self.expect.get(&id).map_or(0, |e| e.tries);
            self.inflight.insert(id.clone());
            self.fetches.spawn(fetch_one(docker.clone(), id, delay));
        }
        Some(msg)
    }

    /// Remembers a destroyed container (forgetting the oldest beyond [`TOMBSTONES`]).
    fn bury(&mut self, id: String) {
        if self.destroyed.insert(id.clone()) {
            self.destroyed_order.push_back(id);
            while self.destroyed_order.len() > TOMBSTONES {
                if let Some(old) = self.destroyed_order.pop_front() {
                    self.destroyed.remove(&old);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, state: CState) -> Container {
        Container {
            host: Default::default(),
            id: id.into(),
            name: format!("n-{id}"),
            image: "img".into(),
            command: String::new(),
            state,
            health: None,
            status: String::new(),
            created: 0,
            since: None,
            exit_code: None,
            ports: Vec::new(),
            project: None,
            service: None,
            compose: None,
        }
    }

    /// A client that never reaches an engine: the fetches it starts fail, and the test feeds
    /// the answers itself, in the order it chooses.
    fn nowhere() -> Docker {
        Docker::connect_with_http("tcp://127.0.0.1:1", 1, bollard::API_DEFAULT_VERSION)
            .expect("client")
    }

    fn is_gone(m: &Option<Msg>, id: &str) -> bool {
        matches!(m, Some(Msg::Gone(g)) if g == id)
    }

    #[tokio::test]
    async fn a_fetch_answered_after_destroy_does_not_bring_the_row_back() {
        let d = nowhere();
        let mut l = ContainerList::default();
        assert!(l.on_event(&d, "a".into(), "kill", 1, None).is_none());
        assert!(l.on_event(&d, "a".into(), "die", 1, None).is_none());
        assert!(is_gone(
            &l.on_event(&d, "a".into(), "destroy", 1, None),
            "a"
        ));
        // The fetch started on `kill` answers now: "Removal In Progress".
        let late = l.fetched(&d, ("a".into(), Ok(Some(c("a", CState::Removing)))));
        assert!(late.is_none(), "{late:?}");
        let late = l.fetched(&d, ("a".into(), Ok(Some(c("a", CState::Exited)))));
        assert!(late.is_none(), "{late:?}");
        // Late events about it start nothing and say nothing.
        assert!(l.on_event(&d, "a".into(), "die", 2, None).is_none());
        assert!(!l.again.contains("a"));
    }

    #[tokio::test]
    async fn answers_before_destroy_then_destroy_ends_with_gone() {
        let d = nowhere();
        let mut l = ContainerList::default();
        l.on_event(&d, "b".into(), "create", 1, None);
        let up = l.fetched(&d, ("b".into(), Ok(Some(c("b", CState::Created)))));
        assert!(
            matches!(up, Some(Msg::Upsert(ref x)) if x.id == "b"),
            "{up:?}"
        );
        l.on_event(&d, "b".into(), "start", 1, None);
        l.on_event(&d, "b".into(), "kill", 2, None);
        assert!(is_gone(
            &l.on_event(&d, "b".into(), "destroy", 2, None),
            "b"
        ));
        // Answers of both fetches (the first, and the one asked again) arrive afterwards,
        // in either order.
        for st in [CState::Running, CState::Removing, CState::Dead] {
            assert!(l.fetched(&d, ("b".into(), Ok(Some(c("b", st))))).is_none());
        }
    }

    #[tokio::test]
    async fn other_containers_are_unaffected_and_failed_fetches_are_asked_again() {
        let d = nowhere();
        let mut l = ContainerList::default();
        l.on_event(&d, "x".into(), "destroy", 1, None);
        l.on_event(&d, "y".into(), "create", 1, None);
        // A failure is asked again (nothing to tell yet).
        assert!(l.fetched(&d, ("y".into(), Err("busy".into()))).is_none());
        assert!(l.inflight.contains("y"));
        let up = l.fetched(&d, ("y".into(), Ok(Some(c("y", CState::Created)))));
        assert!(
            matches!(up, Some(Msg::Upsert(ref x)) if x.id == "y"),
            "{up:?}"
        );
        assert!(is_gone(&l.fetched(&d, ("y".into(), Ok(None))), "y"));
    }

    #[tokio::test]
    async fn a_rename_is_asked_again_until_the_list_shows_the_new_name() {
        let d = nowhere();
        let mut l = ContainerList::default();
        let named = |n: &str| {
            let mut x = c("r", CState::Running);
            x.name = n.into();
            x
        };
        l.on_event(&d, "r".into(), "rename", 1, Some("new"));
        // The engine still lists the old name first: shown as it is, and asked again.
        let up = l.fetched(&d, ("r".into(), Ok(Some(named("old")))));
        assert!(
            matches!(up, Some(Msg::Upsert(ref x)) if x.name == "old"),
            "{up:?}"
        );
        assert!(l.inflight.contains("r"), "asked again");
        let up = l.fetched(&d, ("r".into(), Ok(Some(named("new")))));
        assert!(
            matches!(up, Some(Msg::Upsert(ref x)) if x.name == "new"),
            "{up:?}"
        );
        assert!(!l.inflight.contains("r") && l.expect.is_empty());
        // A list that never catches up: after the rechecks, the event's name stands.
        l.on_event(&d, "r".into(), "rename", 2, Some("newer"));
        let mut last = None;
        for _ in 0..=RECHECKS {
            last = l.fetched(&d, ("r".into(), Ok(Some(named("new")))));
        }
        assert!(
            matches!(last, Some(Msg::Upsert(ref x)) if x.name == "newer"),
            "{last:?}"
        );
        assert!(l.expect.is_empty());
    }
}
