//! The processes tab: what `docker top` shows for the selected container, refreshed while
//! the tab is on screen (pure).

/// Seconds between refreshes while the tab is shown and the container runs.
pub const REFRESH_SECS: i64 = 2;

/// Processes kept per answer: a fork bomb cannot grow memory.
pub const MAX_PROCESSES: usize = 2000;

/// The engine's answer for one container.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Processes {
    /// Column titles from `ps` (`PID`, `USER`, `%CPU`, `RSS`, `COMMAND`…).
    pub titles: Vec<String>,
    /// One row per process, a value per title.
    pub rows: Vec<Vec<String>>,
    /// Processes left out past [`MAX_PROCESSES`].
    pub dropped: usize,
}

impl Processes {
    pub fn new(titles: Vec<String>, mut rows: Vec<Vec<String>>) -> Processes {
        let dropped = rows.len().saturating_sub(MAX_PROCESSES);
        rows.truncate(MAX_PROCESSES);
        Processes {
            titles,
            rows,
            dropped,
        }
    }
}

/// The tab's state: the answer shown, for which container, and whether a request is out.
#[derive(Debug, Clone, Default)]
pub struct TopView {
    /// Container id and the engine's answer (or its refusal).
    pub shown: Option<(String, Result<Processes, String>)>,
    /// When the last answer came (unix seconds).
    pub at: i64,
    /// A request is under way: no second one until it is answered.
    pub inflight: bool,
}

impl TopView {
    /// Should `id` be asked for now? A different container, or the last answer is stale.
    pub fn due(&self, id: &str, now: i64) -> bool {
        if self.inflight {
            return false;
        }
        match &self.shown {
            Some((shown, _)) if shown == id => now.saturating_sub(self.at) >= REFRESH_SECS,
            _ => true,
        }
    }

    /// The answer is out of date (the container changed state): the next check asks again.
    pub fn invalidate(&mut self) {
        self.at = i64::MIN;
    }

    /// Take an answer; whether the screen changes.
    pub fn answer(&mut self, id: String, result: Result<Processes, String>, now: i64) -> bool {
        self.inflight = false;
        self.at = now;
        let same = self
            .shown
            .as_ref()
            .is_some_and(|(i, r)| *i == id && *r == result);
        if !same {
            self.shown = Some((id, result));
        }
        !same
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(cmd: &str) -> Processes {
        Processes::new(
            vec!["PID".into(), "COMMAND".into()],
            vec![vec!["1".into(), cmd.into()]],
        )
    }

    #[test]
    fn refreshes_on_a_cadence_and_one_request_at_a_time() {
        let mut t = TopView::default();
        assert!(t.due("a", 100));
        t.inflight = true;
        assert!(!t.due("a", 100), "one request at a time");
        assert!(t.answer("a".into(), Ok(p("sh")), 100));
        assert!(!t.due("a", 101));
        assert!(t.due("a", 102));
        assert!(t.due("b", 101), "another container is asked at once");
    }

    #[test]
    fn an_unchanged_answer_does_not_redraw() {
        let mut t = TopView::default();
        assert!(t.answer("a".into(), Ok(p("sh")), 100));
        assert!(!t.answer("a".into(), Ok(p("sh")), 102));
        assert!(t.answer("a".into(), Ok(p("sleep 5")), 104));
        assert!(t.answer("a".into(), Err("container is not running".into()), 106));
    }

    #[test]
    fn bounded() {
        let rows = (0..MAX_PROCESSES + 5)
            .map(|i| vec![i.to_string()])
            .collect();
        let p = Processes::new(vec!["PID".into()], rows);
        assert_eq!(p.rows.len(), MAX_PROCESSES);
        assert_eq!(p.dropped, 5);
    }
}
