//! The log behind the events view: newest first, bounded, repeats folded, filterable.

use std::collections::VecDeque;

use crate::app::events::{EngineEvent, MAX_EVENTS, REPEAT_WINDOW};
use crate::views::list::ListView;

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

/// Fold a step of an exec (`ev`: `exec_create`, `exec_start`, `exec_die`) into the recent
/// rows, newest first: a step of an exec listed joins its row (a die sets the exit code),
/// another run of a command listed (a health check every few seconds) is counted on its row;
/// either row moves to the top with the new time. Otherwise the row to add is returned.
fn fold_exec(items: &mut VecDeque<EngineEvent>, ev: EngineEvent) -> Option<EngineEvent> {
    let exec = ev.exec_step().unwrap_or("").to_string();
    let first = ev.action.starts_with("exec_create");
    let exit = ev.attr("exitCode").map(str::to_string);
    // The row of this very exec: by its id, else (an engine without ids) the newest exec
    // row of the container.
    let own = (!first)
        .then(|| {
            items.iter().take(REPEAT_WINDOW).position(|r| {
                r.is_exec_row()
                    && r.id == ev.id
                    && if exec.is_empty() {
                        r.attr("execID").is_none()
                    } else {
                        r.attr("execID") == Some(exec.as_str())
                    }
            })
        })
        .flatten();
    let row = ev.into_exec_row();
    let pos = own.or_else(|| {
        items
            .iter()
            .take(REPEAT_WINDOW)
            .position(|r| r.same_exec_command(&row))
    });
    let Some(pos) = pos else {
        return Some(row);
    };
    let mut earlier = items.remove(pos)?;
    if own.is_none() {
        earlier.repeats += 1;
        if !exec.is_empty() {
            earlier.set_attr("execID", &exec);
        }
        earlier.attrs.retain(|(k, _)| k != "exitCode");
    }
    if earlier.action == "exec" && row.action != "exec" {
        earlier.action = row.action.clone();
    }
    if let Some(code) = exit {
        earlier.set_attr("exitCode", &code);
    }
    earlier.time_nano = row.time_nano;
    items.push_front(earlier);
    None
}

/// The events view: the engine's events. Index 0 is the newest event.
#[derive(Debug, Default)]
pub struct EventsView {
    items: VecDeque<EngineEvent>,
    /// Events received since dockside started (including dropped ones).
    pub total: u64,
    /// Rows under the current filter (indices into the log, newest first) and the cursor.
    pub list: ListView,
    filter: String,
    pub history: History,
}

impl EventsView {
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
        self.list
            .rows
            .get(self.list.cur.sel)
            .and_then(|i| self.items.get(*i))
    }

    /// Add the newest event. A user looking at an older event keeps looking at it;
    /// one at the top keeps seeing the newest.
    pub fn push(&mut self, ev: EngineEvent, page: usize) {
        if !ev.worth_logging() {
            return;
        }
        self.total += 1;
        let ev = if ev.exec_step().is_some() {
            let selected = self.selected().cloned();
            let at_top = self.list.cur.sel == 0 && self.list.cur.off == 0;
            match fold_exec(&mut self.items, ev) {
                None => {
                    self.rebuild(page, if at_top { None } else { selected });
                    return;
                }
                Some(row) => row,
            }
        } else {
            ev
        };
        let shown = self.filter.is_empty() || ev.matches(&self.filter);
        self.items.push_front(ev);
        let dropped = self.items.len() > MAX_EVENTS;
        if dropped {
            self.items.pop_back();
        }
        // Every index moves down by one; the dropped one leaves.
        for i in &mut self.list.rows {
            *i += 1;
        }
        if dropped {
            self.list.rows.retain(|i| *i < self.items.len());
        }
        if shown {
            self.list.rows.insert(0, 0);
            if self.list.cur.sel > 0 || self.list.cur.off > 0 {
                self.list.cur.sel += 1;
                self.list.cur.off += 1;
            }
        }
        self.list.cur.clamp(self.list.rows.len(), page);
    }

    /// Merge events from before the live stream began (`older`, in any order): events already
    /// here are not repeated, the log stays newest first and bounded. Returns how many came in.
    pub fn backfill(&mut self, older: Vec<EngineEvent>, page: usize) -> usize {
        let before = self.items.len();
        let selected = self.selected().cloned();
        // Rows below the newest switch of engine are another engine's: they stay where they
        // are, under it; the history of the engine now shown joins the rows above it.
        let switch = self
            .items
            .iter()
            .position(|e| e.typ == "dockside" && e.action == "switch");
        let earlier: Vec<EngineEvent> = match switch {
            Some(i) => self.items.drain(i..).collect(),
            None => Vec::new(),
        };
        let mut all: Vec<EngineEvent> = self.items.drain(..).collect();
        let mut older: Vec<EngineEvent> = older
            .into_iter()
            .filter(|ev| ev.worth_logging() && !all.iter().any(|e| e.same(ev)))
            // A step of an exec listed already (the stream and the history overlap).
            .filter(|ev| {
                ev.exec_step().is_none_or(|x| {
                    x.is_empty() || !all.iter().any(|e| e.attr("execID") == Some(x))
                })
            })
            .collect();
        // Oldest first through the same folding as live events.
        older.sort_by_key(|e| e.time_nano);
        let mut folded: VecDeque<EngineEvent> = VecDeque::new();
        for ev in older {
            if ev.exec_step().is_none() {
                folded.push_front(ev);
            } else if let Some(row) = fold_exec(&mut folded, ev) {
                folded.push_front(row);
            }
        }
        all.extend(folded);
        // Newest first; equal times keep their order (live ones first).
        all.sort_by_key(|e| std::cmp::Reverse(e.time_nano));
        all.extend(earlier);
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
                .list
                .rows
                .iter()
                .position(|i| self.items.get(*i).is_some_and(|e| e.same(&sel)))
        {
            self.list.cur.sel = pos;
            self.list.cur.clamp(self.list.rows.len(), page);
        }
    }

    /// Apply a filter (case-insensitive substring of type, action, id and attributes).
    pub fn set_filter(&mut self, filter: &str, page: usize) {
        self.filter = filter.to_lowercase();
        self.list.rows = (0..self.items.len())
            .filter(|i| {
                self.filter.is_empty()
                    || self.items.get(*i).is_some_and(|e| e.matches(&self.filter))
            })
            .collect();
        self.list.cur.clamp(self.list.rows.len(), page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::list::Cursor;

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
        let mut log = EventsView::default();
        for i in 0..(MAX_EVENTS as i64 + 10) {
            log.push(ev(i, "start", "web"), 10);
        }
        assert_eq!(log.len(), MAX_EVENTS);
        assert_eq!(log.list.rows.len(), MAX_EVENTS);
        assert_eq!(log.total, MAX_EVENTS as u64 + 10);
        assert_eq!(
            log.selected().map(|e| e.time_nano),
            Some(MAX_EVENTS as i64 + 9)
        );
        assert!(log.list.rows.iter().all(|i| *i < log.len()));
    }

    #[test]
    fn a_user_reading_an_older_event_keeps_it_selected() {
        let mut log = EventsView::default();
        for i in 0..5 {
            log.push(ev(i, "start", "web"), 3);
        }
        log.list.cur.go(2, log.list.rows.len(), 3);
        assert_eq!(log.selected().map(|e| e.time_nano), Some(2));
        log.push(ev(5, "die", "web"), 3);
        assert_eq!(log.selected().map(|e| e.time_nano), Some(2));
        // At the top, the newest stays in view.
        log.list.cur = Cursor::default();
        log.push(ev(6, "stop", "web"), 3);
        assert_eq!(log.selected().map(|e| e.time_nano), Some(6));
    }

    #[test]
    fn filter_applies_to_new_events_too() {
        let mut log = EventsView::default();
        log.push(ev(1, "start", "web"), 10);
        log.push(ev(2, "start", "db"), 10);
        log.set_filter("DB", 10);
        assert_eq!(log.list.rows, vec![0]);
        log.push(ev(3, "die", "web"), 10);
        log.push(ev(4, "die", "db"), 10);
        let shown: Vec<i64> = log
            .list
            .rows
            .iter()
            .filter_map(|i| log.get(*i))
            .map(|e| e.time_nano)
            .collect();
        assert_eq!(shown, vec![4, 2]);
        log.set_filter("", 10);
        assert_eq!(log.list.rows.len(), 4);
    }

    #[test]
    fn backfill_merges_older_events_without_repeats() {
        let mut log = EventsView::default();
        log.push(ev(10, "start", "web"), 10);
        log.push(ev(12, "die", "web"), 10);
        log.list.cur.go(1, log.list.rows.len(), 10); // on the start at 10
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

    /// A health check's exec as the engine reports it: three events, each with the exec's id.
    fn health_check(t: i64, n: i64, exit: &str) -> [EngineEvent; 3] {
        let of_web = |t: i64, action: &str| {
            let mut e = ev(t, action, "web");
            e.id = "f".repeat(64);
            e.set_attr("execID", &format!("{n:064x}"));
            e
        };
        let mut die = of_web(t + 2, "exec_die");
        die.set_attr("exitCode", exit);
        [
            of_web(t, "exec_create: /bin/sh -c check"),
            of_web(t + 1, "exec_start: /bin/sh -c check"),
            die,
        ]
    }

    #[test]
    fn a_health_check_is_one_row_with_a_count() {
        let mut log = EventsView::default();
        for i in 0..10 {
            for e in health_check(3 * i, i, if i == 9 { "1" } else { "0" }) {
                log.push(e, 10);
            }
        }
        // Other events are listed each time.
        let mut die = ev(100, "die", "web");
        die.id = "f".repeat(64);
        log.push(die.clone(), 10);
        die.time_nano = 101;
        log.push(die, 10);
        assert_eq!(log.len(), 3, "one exec row and both dies");
        let row = log.get(2).expect("exec row");
        assert_eq!(row.action, "exec: /bin/sh -c check");
        assert_eq!((row.repeats, row.time_nano), (9, 29));
        assert_eq!(row.attr("exitCode"), Some("1"), "the last run's exit code");
        assert_eq!(row.summary(), "image=busybox exitCode=1");
        assert_eq!(log.list.rows.len(), 3);
        // The same from the engine's history.
        let mut past = EventsView::default();
        past.backfill(
            (0..10).flat_map(|i| health_check(3 * i, i, "0")).collect(),
            10,
        );
        assert_eq!(past.len(), 1);
        assert_eq!(past.get(0).map(|e| e.repeats), Some(9));
        // A history overlapping the live rows adds nothing.
        let mut both = EventsView::default();
        for e in health_check(0, 1, "0") {
            both.push(e, 10);
        }
        assert_eq!(both.backfill(health_check(0, 1, "0").to_vec(), 10), 0);
        assert_eq!(both.len(), 1);
    }

    #[test]
    fn exec_steps_without_ids_fold_too() {
        let mut log = EventsView::default();
        for i in 0..4 {
            for mut e in health_check(3 * i, i, "0") {
                e.attrs.retain(|(k, _)| k != "execID");
                log.push(e, 10);
            }
        }
        assert_eq!(log.len(), 1);
        assert_eq!(log.get(0).map(|e| e.repeats), Some(3));
        // A different command is its own row.
        let mut other = ev(50, "exec_create: sh", "web");
        other.id = "f".repeat(64);
        log.push(other, 10);
        assert_eq!(log.len(), 2);
    }

    #[test]
    fn after_a_switch_of_engine_the_old_rows_stay_below_its_mark() {
        let mut log = EventsView::default();
        // The old engine's events, the last in the same second as the switch.
        log.push(ev(5_000_000_000, "start", "old-a"), 10);
        log.push(ev(7_400_000_000, "die", "old-b"), 10);
        log.push(
            EngineEvent::ours(7, "switch", "to tcp://new:2376".into()),
            10,
        );
        log.push(ev(9_000_000_000, "start", "new-a"), 10);
        // The new engine's past hour comes in.
        log.backfill(vec![ev(2_000_000_000, "create", "new-b")], 10);
        let names: Vec<String> = (0..log.len())
            .filter_map(|i| log.get(i))
            .map(|e| e.subject())
            .collect();
        assert_eq!(
            names,
            vec!["new-a", "new-b", "to tcp://new:2376", "old-b", "old-a"],
            "{names:?}"
        );
    }

    #[test]
    fn top_events_are_not_logged() {
        let mut log = EventsView::default();
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
