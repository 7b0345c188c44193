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
    /// The engine's answer, each row made to hold one value per title whatever the engine
    /// did: a header line left whole is split into its titles, values beyond the titles (a
    /// command line split at its spaces, as podman answers) are joined back into the last
    /// column, missing ones are left empty.
    pub fn new(mut titles: Vec<String>, mut rows: Vec<Vec<String>>) -> Processes {
        let dropped = rows.len().saturating_sub(MAX_PROCESSES);
        rows.truncate(MAX_PROCESSES);
        if let [whole] = titles.as_slice()
            && whole.split_whitespace().count() > 1
        {
            titles = whole.split_whitespace().map(str::to_string).collect();
        }
        let n = titles.len().max(1);
        for row in &mut rows {
            if let [line] = row.as_slice()
                && n > 1
            {
                // A process line left whole: split at runs of spaces, the rest is the last.
                let line = line.trim().to_string();
                let mut parts: Vec<String> = Vec::with_capacity(n);
                let mut rest = line.as_str();
                while parts.len() + 1 < n {
                    let Some((word, tail)) = rest.split_once(char::is_whitespace) else {
                        break;
                    };
                    parts.push(word.to_string());
                    rest = tail.trim_start();
                }
                parts.push(rest.to_string());
                *row = parts;
            }
            if row.len() > n {
                let tail = row.split_off(n - 1).join(" ");
                row.push(tail);
            }
            row.resize(n, String::new());
        }
        Processes {
            titles,
            rows,
            dropped,
        }
    }

    /// The column that holds the command line, which takes the width left: the one titled
    /// so, else the last.
    pub fn command_column(&self) -> usize {
        self.titles
            .iter()
            .position(|t| matches!(t.as_str(), "CMD" | "COMMAND" | "ARGS"))
            .unwrap_or(self.titles.len().saturating_sub(1))
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

    fn words(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn every_row_holds_one_value_per_title() {
        // Podman: its own titles and order, a command line split at its spaces.
        let p = Processes::new(
            words(&[
                "USER", "PID", "PPID", "%CPU", "ELAPSED", "TTY", "TIME", "COMMAND",
            ]),
            vec![words(&[
                "0", "1", "0", "0.000", "4m2s", "?", "0s", "sleep", "300", "--flag",
            ])],
        );
        assert_eq!(p.rows[0].len(), 8);
        assert_eq!(p.rows[0][0], "0");
        assert_eq!(p.rows[0][7], "sleep 300 --flag");
        assert_eq!(p.command_column(), 7);
        // A header and lines left whole (a `ps` that printed columns with spaces).
        let p = Processes::new(
            words(&["PID   USER     TIME  COMMAND"]),
            vec![words(&["    1 0         0:00 sleep 300"])],
        );
        assert_eq!(p.titles, words(&["PID", "USER", "TIME", "COMMAND"]));
        assert_eq!(p.rows[0], words(&["1", "0", "0:00", "sleep 300"]));
        // Short rows are padded; with no command title the last column is the command.
        let p = Processes::new(words(&["PID", "STATE", "WHAT"]), vec![words(&["7", "S"])]);
        assert_eq!(p.rows[0], words(&["7", "S", ""]));
        assert_eq!(p.command_column(), 2);
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
