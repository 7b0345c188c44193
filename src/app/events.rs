//! The engine's events as `docker events` shows them: a bounded log of what happened to
//! containers, images, volumes and networks, newest first (pure).

use std::collections::VecDeque;

use super::views::Cursor;

/// One engine event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineEvent {
    /// Unix nanoseconds.
    pub time_nano: i64,
    /// `container`, `image`, `volume`, `network`, … (`dockside` for our own markers).
    pub typ: String,
    /// `start`, `die`, `pull`, `connect`, `exec_start: sh`, …
    pub action: String,
    /// The actor's id (container id, image name, volume name, network id).
    pub id: String,
    /// The actor's attributes, sorted by key (`name`, `image`, `exitCode`, labels…).
    pub attrs: Vec<(String, String)>,
    /// How many more times the same exec event came just before (healthchecks repeat
    /// `exec_create`/`exec_start`/`exec_die` every few seconds): shown once, counted.
    pub repeats: u32,
}

/// Attributes shown in a row, in this order, when present.
const ROW_ATTRS: [&str; 6] = ["image", "exitCode", "signal", "container", "driver", "type"];

impl EngineEvent {
    /// A mark of dockside's own (a reconnect, a switch of engine) at `now` (unix seconds).
    pub fn ours(now: i64, action: &str, what: String) -> EngineEvent {
        EngineEvent {
            time_nano: now.saturating_mul(1_000_000_000),
            typ: "dockside".into(),
            action: action.into(),
            id: what,
            attrs: Vec::new(),
            repeats: 0,
        }
    }

    /// The same event, whatever its repeat count.
    pub fn same(&self, other: &EngineEvent) -> bool {
        self.time_nano == other.time_nano && self.is_repeat_of(other)
    }

    /// Another run of the same exec (same container, command and attributes).
    fn is_repeat_of(&self, other: &EngineEvent) -> bool {
        self.typ == other.typ
            && self.action == other.action
            && self.id == other.id
            && self.attrs == other.attrs
    }

    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// What the event is about, as a person names it: the `name` attribute, else the id
    /// (shortened when it is a 64-hex id).
    pub fn subject(&self) -> String {
        if let Some(n) = self.attr("name") {
            return n.to_string();
        }
        let hex = self.id.len() == 64 && self.id.bytes().all(|b| b.is_ascii_hexdigit());
        if hex {
            self.id[..12].to_string()
        } else {
            self.id.clone()
        }
    }

    /// The few attributes worth a row (`image=busybox exitCode=137`).
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for key in ROW_ATTRS {
            if let Some(v) = self.attr(key) {
                // A network event's `container` is an id: shorten it (labels can hold
                // anything, so only a real 64-hex id).
                let hex = v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit());
                let v = if key == "container" && hex {
                    v.get(..12).unwrap_or(v)
                } else {
                    v
                };
                parts.push(format!("{key}={v}"));
            }
        }
        parts.join(" ")
    }

    /// `docker top` leaves a `top` event each time it is asked: the processes tab asks every
    /// 2 s, which would bury everything else. Those are not logged.
    pub fn worth_logging(&self) -> bool {
        !(self.typ == "container" && self.action == "top")
    }

    fn matches(&self, q: &str) -> bool {
        let has = |s: &str| s.to_lowercase().contains(q);
        has(&self.typ)
            || has(&self.action)
            || has(&self.id)
            || self.attrs.iter().any(|(k, v)| has(k) || has(v))
    }
}

/// How far back (newest events) a repeated exec event is looked for.
const REPEAT_WINDOW: usize = 8;

/// Events kept; older ones are dropped.
pub const MAX_EVENTS: usize = 2000;

/// How far back the engine is asked for events that happened before dockside started.
pub const HISTORY_SECS: i64 = 3600;

/// The engine's recent past (events from before dockside connected), fetched once per engine
/// when the events view is first shown.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum History {
    #[default]
    NotAsked,
    Loading,
    /// How many older events it added.
    Loaded(usize),
    Failed(String),
}

/// The event log of the events view. Index 0 is the newest event.
#[derive(Debug, Default)]
pub struct EventLog {
    items: VecDeque<EngineEvent>,
    /// Events received since dockside started (including dropped ones).
    pub total: u64,
    /// Rows under the current filter: indices into the log, newest first.
    pub rows: Vec<usize>,
    pub cur: Cursor,
    filter: String,
    pub history: History,
}

impl EventLog {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&EngineEvent> {
        self.items.get(i)
    }

    pub fn selected(&self) -> Option<&EngineEvent> {
        self.rows.get(self.cur.sel).and_then(|i| self.items.get(*i))
    }

    /// Add the newest event. A user looking at an older event keeps looking at it;
    /// one at the top keeps seeing the newest.
    pub fn push(&mut self, ev: EngineEvent, page: usize) {
        if !ev.worth_logging() {
            return;
        }
        self.total += 1;
        if ev.action.starts_with("exec_")
            && let Some(pos) = self
                .items
                .iter()
                .take(REPEAT_WINDOW)
                .position(|e| e.is_repeat_of(&ev))
        {
            // A repeat: the earlier one moves to the top with the new time and a count.
            let selected = self.selected().cloned();
            let at_top = self.cur.sel == 0 && self.cur.off == 0;
            if let Some(mut earlier) = self.items.remove(pos) {
                earlier.repeats += 1;
                earlier.time_nano = ev.time_nano;
                self.items.push_front(earlier);
            }
            self.rebuild(page, if at_top { None } else { selected });
            return;
        }
        let shown = self.filter.is_empty() || ev.matches(&self.filter);
        self.items.push_front(ev);
        let dropped = self.items.len() > MAX_EVENTS;
        if dropped {
            self.items.pop_back();
        }
        // Every index moves down by one; the dropped one leaves.
        for i in &mut self.rows {
            *i += 1;
        }
        if dropped {
            self.rows.retain(|i| *i < self.items.len());
        }
        if shown {
            self.rows.insert(0, 0);
            if self.cur.sel > 0 || self.cur.off > 0 {
                self.cur.sel += 1;
                self.cur.off += 1;
            }
        }
        self.cur.clamp(self.rows.len(), page);
    }

    /// Merge events from before the live stream began (`older`, in any order): events already
    /// here are not repeated, the log stays newest first and bounded. Returns how many came in.
    pub fn backfill(&mut self, older: Vec<EngineEvent>, page: usize) -> usize {
        let before = self.items.len();
        let selected = self.selected().cloned();
        let mut all: Vec<EngineEvent> = self.items.drain(..).collect();
        for ev in older {
            if ev.worth_logging() && !all.iter().any(|e| e.same(&ev)) {
                all.push(ev);
            }
        }
        // Newest first; equal times keep their order (live ones first).
        all.sort_by_key(|e| std::cmp::Reverse(e.time_nano));
        all.truncate(MAX_EVENTS);
        self.items = all.into();
        self.rebuild(page, selected);
        self.items.len().saturating_sub(before)
    }

    /// Recompute the rows after the log changed; keep `selected` selected if it is listed.
    fn rebuild(&mut self, page: usize, selected: Option<EngineEvent>) {
        let filter = self.filter.clone();
        self.set_filter(&filter, page);
        if let Some(sel) = selected
            && let Some(pos) = self
                .rows
                .iter()
                .position(|i| self.items.get(*i).is_some_and(|e| e.same(&sel)))
        {
            self.cur.sel = pos;
            self.cur.clamp(self.rows.len(), page);
        }
    }

    /// Apply a filter (case-insensitive substring of type, action, id and attributes).
    pub fn set_filter(&mut self, filter: &str, page: usize) {
        self.filter = filter.to_lowercase();
        self.rows = (0..self.items.len())
            .filter(|i| {
                self.filter.is_empty()
                    || self.items.get(*i).is_some_and(|e| e.matches(&self.filter))
            })
            .collect();
        self.cur.clamp(self.rows.len(), page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(n: i64, action: &str, name: &str) -> EngineEvent {
        EngineEvent {
            time_nano: n,
            typ: "container".into(),
            action: action.into(),
            id: format!("{n:064x}"),
            attrs: vec![
                ("image".into(), "busybox".into()),
                ("name".into(), name.into()),
            ],
            repeats: 0,
        }
    }

    #[test]
    fn newest_first_and_bounded() {
        let mut log = EventLog::default();
        for i in 0..(MAX_EVENTS as i64 + 10) {
            log.push(ev(i, "start", "web"), 10);
        }
        assert_eq!(log.len(), MAX_EVENTS);
        assert_eq!(log.rows.len(), MAX_EVENTS);
        assert_eq!(log.total, MAX_EVENTS as u64 + 10);
        assert_eq!(
            log.selected().map(|e| e.time_nano),
            Some(MAX_EVENTS as i64 + 9)
        );
        assert!(log.rows.iter().all(|i| *i < log.len()));
    }

    #[test]
    fn a_user_reading_an_older_event_keeps_it_selected() {
        let mut log = EventLog::default();
        for i in 0..5 {
            log.push(ev(i, "start", "web"), 3);
        }
        log.cur.go(2, log.rows.len(), 3);
        assert_eq!(log.selected().map(|e| e.time_nano), Some(2));
        log.push(ev(5, "die", "web"), 3);
        assert_eq!(log.selected().map(|e| e.time_nano), Some(2));
        // At the top, the newest stays in view.
        log.cur = Cursor::default();
        log.push(ev(6, "stop", "web"), 3);
        assert_eq!(log.selected().map(|e| e.time_nano), Some(6));
    }

    #[test]
    fn filter_applies_to_new_events_too() {
        let mut log = EventLog::default();
        log.push(ev(1, "start", "web"), 10);
        log.push(ev(2, "start", "db"), 10);
        log.set_filter("DB", 10);
        assert_eq!(log.rows, vec![0]);
        log.push(ev(3, "die", "web"), 10);
        log.push(ev(4, "die", "db"), 10);
        let shown: Vec<i64> = log
            .rows
            .iter()
            .filter_map(|i| log.get(*i))
            .map(|e| e.time_nano)
            .collect();
        assert_eq!(shown, vec![4, 2]);
        log.set_filter("", 10);
        assert_eq!(log.rows.len(), 4);
    }

    #[test]
    fn backfill_merges_older_events_without_repeats() {
        let mut log = EventLog::default();
        log.push(ev(10, "start", "web"), 10);
        log.push(ev(12, "die", "web"), 10);
        log.cur.go(1, log.rows.len(), 10); // on the start at 10
        let added = log.backfill(vec![ev(3, "create", "web"), ev(10, "start", "web")], 10);
        assert_eq!(added, 1, "the start was already here");
        let times: Vec<i64> = (0..log.len())
            .filter_map(|i| log.get(i))
            .map(|e| e.time_nano)
            .collect();
        assert_eq!(times, vec![12, 10, 3]);
        assert_eq!(
            log.selected().map(|e| e.time_nano),
            Some(10),
            "selection kept"
        );
    }

    #[test]
    fn repeated_exec_events_are_counted_not_listed() {
        let mut log = EventLog::default();
        let of_web = |t: i64, action: &str| {
            let mut e = ev(t, action, "web");
            e.id = "f".repeat(64);
            e
        };
        for i in 0..10 {
            log.push(of_web(3 * i, "exec_create: /bin/sh -c check"), 10);
            log.push(of_web(3 * i + 1, "exec_start: /bin/sh -c check"), 10);
            log.push(of_web(3 * i + 2, "exec_die"), 10);
        }
        // Other events are listed each time.
        log.push(of_web(100, "die"), 10);
        log.push(of_web(101, "die"), 10);
        assert_eq!(log.len(), 5, "three exec rows and both dies");
        let top: Vec<(String, u32, i64)> = (0..3)
            .filter_map(|i| log.get(i + 2))
            .map(|e| (e.action.clone(), e.repeats, e.time_nano))
            .collect();
        assert_eq!(
            top,
            vec![
                ("exec_die".to_string(), 9, 29),
                ("exec_start: /bin/sh -c check".to_string(), 9, 28),
                ("exec_create: /bin/sh -c check".to_string(), 9, 27),
            ]
        );
        assert_eq!(log.rows.len(), 5);
    }

    #[test]
    fn top_events_are_not_logged() {
        let mut log = EventLog::default();
        log.push(ev(1, "top", "web"), 10);
        assert!(log.is_empty());
        log.backfill(vec![ev(0, "top", "web"), ev(2, "start", "web")], 10);
        assert_eq!(log.len(), 1);
    }

    #[test]
    fn subject_and_summary() {
        let mut e = ev(1, "die", "web");
        e.attrs.push(("exitCode".into(), "137".into()));
        assert_eq!(e.subject(), "web");
        assert_eq!(e.summary(), "image=busybox exitCode=137");
        e.attrs.retain(|(k, _)| k != "name");
        assert_eq!(e.subject(), format!("{:012x}", 0));
        // A label named `container` with 64 bytes of non-ASCII text is shown whole.
        let label = format!("a{}b", "é".repeat(31));
        assert_eq!(label.len(), 64);
        e.attrs.push(("container".into(), label.clone()));
        assert!(e.summary().ends_with(&format!("container={label}")));
    }
}
