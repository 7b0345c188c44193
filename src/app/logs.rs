//! The logs pane's state: which stream, the bounded buffer, scrolling, search and filter.

use super::logbuf::{LogBuffer, LogLine, LogQuery};
use super::msg::{LogSource, LogWindow, LogsRequest};

/// Default lines fetched when a log opens (`--tail`).
pub const DEFAULT_TAIL: u64 = 1000;
/// Default ring-buffer cap.
pub const DEFAULT_MAX_LINES: usize = 100_000;
/// Default per-line cap in bytes.
pub const DEFAULT_MAX_LINE_BYTES: usize = 16 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogInputKind {
    Search,
    Grep,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamState {
    Idle,
    Loading,
    Streaming,
    /// The stream ended (container stopped, or removed); text says why.
    Ended(String),
    Error(String),
}

/// An aggregated log: a compose project's (or one service's) containers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogGroup {
    pub project: String,
    pub service: Option<String>,
    pub sources: Vec<LogSource>,
}

impl LogGroup {
    /// "project shop", "service api of shop".
    pub fn title(&self) -> String {
        if self.project.is_empty() {
            return format!("{} marked containers", self.sources.len());
        }
        match &self.service {
            Some(s) => format!("{s} of {}", self.project),
            None => format!("project {}", self.project),
        }
    }
}

pub struct LogsView {
    /// The container whose logs are shown.
    pub target: Option<String>,
    /// Or the containers of a compose project, interleaved.
    pub group: Option<LogGroup>,
    pub generation: u64,
    pub buf: LogBuffer,
    pub state: StreamState,
    /// Follow the newest line.
    pub follow: bool,
    /// When not following: seq of the last line visible at the bottom.
    pub anchor: u64,
    pub hscroll: usize,
    pub wrap: bool,
    pub timestamps: bool,
    pub zoom: bool,
    pub window: LogWindow,
    pub tail: u64,
    pub query: Option<(String, LogQuery)>,
    /// Lines in the buffer matching `query`, kept up to date as lines arrive and are evicted,
    /// so drawing the count never scans the buffer.
    matches: usize,
    /// Show only matching lines.
    pub grep: bool,
    pub input: Option<(LogInputKind, String)>,
    /// Seq of the current match (n/N).
    pub current_match: Option<u64>,
    /// Timestamp of the newest line seen, to resume after a restart without repeats.
    pub last_ts: Option<i64>,
    pub max_line_bytes: usize,
    /// Where a line selection started (`v`): the selection runs from here to the bottom line
    /// of the view, which moves with the scroll keys.
    pub mark: Option<u64>,
}

/// Most text one copy sends to the clipboard (terminals cap OSC 52 payloads).
pub const MAX_COPY_BYTES: usize = 1 << 20;

impl Default for LogsView {
    fn default() -> Self {
        LogsView::new(DEFAULT_MAX_LINES, DEFAULT_TAIL)
    }
}

impl LogsView {
    pub fn new(max_lines: usize, tail: u64) -> Self {
        LogsView {
            target: None,
            group: None,
            generation: 0,
            buf: LogBuffer::new(max_lines),
            state: StreamState::Idle,
            follow: true,
            anchor: 0,
            hscroll: 0,
            wrap: false,
            timestamps: false,
            zoom: false,
            window: LogWindow::Tail(tail),
            tail,
            query: None,
            matches: 0,
            grep: false,
            input: None,
            current_match: None,
            last_ts: None,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            mark: None,
        }
    }

    /// Point the pane at `id` (or nothing) and return the request for the new stream.
    pub fn open(&mut self, id: Option<String>, now: i64) -> Option<LogsRequest> {
        self.generation += 1;
        self.target = id;
        self.group = None;
        self.buf.clear();
        self.matches = 0;
        self.follow = true;
        self.anchor = 0;
        self.hscroll = 0;
        self.current_match = None;
        self.last_ts = None;
        self.mark = None;
        let id = self.target.clone()?;
        self.state = StreamState::Loading;
        Some(self.request(id, now, None))
    }

    /// Point the pane at a compose project's containers, interleaved.
    pub fn open_group(&mut self, group: LogGroup, now: i64) -> Option<LogsRequest> {
        self.open(None, now);
        let id = group.sources.first()?.id.clone();
        self.group = Some(group);
        self.state = StreamState::Loading;
        Some(self.request(id, now, None))
    }

    /// The same stream again (another window): the container, or the group.
    pub fn reopen(&mut self, now: i64) -> Option<LogsRequest> {
        match self.group.clone() {
            Some(g) => self.open_group(g, now),
            None => self.open(self.target.clone(), now),
        }
    }

    /// The group's containers changed (one joined, left, stopped or started): follow the new
    /// set from the last line seen. None when nothing changed.
    pub fn regroup(&mut self, sources: Vec<LogSource>, now: i64) -> Option<LogsRequest> {
        let g = self.group.as_mut()?;
        if g.sources == sources {
            return None;
        }
        let id = sources.first().map(|s| s.id.clone()).unwrap_or_default();
        g.sources = sources;
        self.generation += 1;
        self.state = StreamState::Streaming;
        let after = self.last_ts.unwrap_or(now.saturating_mul(1_000_000_000));
        Some(self.request(id, now, Some(after)))
    }

    fn request(&self, id: String, now: i64, after_nanos: Option<i64>) -> LogsRequest {
        let (tail, since) = match (after_nanos, self.window) {
            (Some(_), _) => (None, None),
            (None, LogWindow::Tail(n)) => (Some(n), None),
            (None, LogWindow::Since(s)) => (None, Some(now - s)),
            (None, LogWindow::All) => (None, None),
        };
        LogsRequest {
            id,
            generation: self.generation,
            tail,
            since,
            after_nanos,
            follow: true,
            group: self
                .group
                .as_ref()
                .map(|g| g.sources.clone())
                .unwrap_or_default(),
        }
    }

    /// After the followed container started again: resume after the last line seen.
    pub fn resume(&mut self, now: i64) -> Option<LogsRequest> {
        let id = self.target.clone()?;
        self.generation += 1;
        self.state = StreamState::Streaming;
        let after = self.last_ts.unwrap_or(now.saturating_mul(1_000_000_000));
        Some(self.request(id, now, Some(after)))
    }

    pub fn push_lines(&mut self, lines: Vec<LogLine>) {
        for line in lines {
            if let Some(ts) = line.ts_nanos {
                self.last_ts = Some(ts);
            }
            if let Some((_, q)) = &self.query {
                if self.buf.len() >= self.buf.max_lines() {
                    let evicted = self.buf.get(self.buf.first_seq());
                    if evicted.is_some_and(|l| q.is_match(&l.body.text)) {
                        self.matches -= 1;
                    }
                }
                if q.is_match(&line.body.text) {
                    self.matches += 1;
                }
            }
            self.buf.push(line);
        }
        if self.state == StreamState::Loading {
            self.state = StreamState::Streaming;
        }
        if !self.follow && self.anchor < self.buf.first_seq() {
            self.anchor = self.buf.first_seq();
        }
    }

    /// Whether a line is shown under the current filter.
    pub fn shown(&self, line: &LogLine) -> bool {
        match (&self.query, self.grep) {
            (Some((_, q)), true) => q.is_match(&line.body.text),
            _ => true,
        }
    }

    /// Seq of the line at the bottom of the view.
    pub fn bottom_seq(&self) -> Option<u64> {
        if self.buf.is_empty() {
            return None;
        }
        let last = self.buf.end_seq() - 1;
        if self.follow {
            Some(last)
        } else {
            Some(self.anchor.clamp(self.buf.first_seq(), last))
        }
    }

    /// Move the view by `delta` shown lines (negative: up). Scrolling up pauses follow.
    pub fn scroll(&mut self, delta: i64) {
        let Some(bottom) = self.bottom_seq() else {
            return;
        };
        let mut seq = bottom;
        let mut left = delta.unsigned_abs();
        let last = self.buf.end_seq().saturating_sub(1);
        let first = self.buf.first_seq();
        while left > 0 {
            let next = if delta < 0 {
                if seq <= first {
                    break;
                }
                seq - 1
            } else {
                if seq >= last {
                    break;
                }
                seq + 1
            };
            seq = next;
            if self.buf.get(seq).is_some_and(|l| self.shown(l)) {
                left -= 1;
            }
        }
        self.anchor = seq;
        self.follow = delta > 0 && seq >= last;
    }

    pub fn to_bottom(&mut self) {
        self.follow = true;
    }

    pub fn to_top(&mut self, page: usize) {
        self.follow = false;
        // Bottom of the first page.
        let mut seq = self.buf.first_seq();
        let mut shown = 0;
        for (s, l) in self.buf.iter() {
            if self.shown(l) {
                shown += 1;
                seq = s;
                if shown >= page {
                    break;
                }
            }
        }
        self.anchor = seq;
    }

    pub fn set_query(&mut self, pattern: &str, grep: bool) -> Result<(), String> {
        if pattern.is_empty() {
            self.matches = 0;
            self.query = None;
            self.grep = false;
            self.current_match = None;
            return Ok(());
        }
        let (regex, pat) = match pattern.strip_prefix("r/") {
            Some(p) => (true, p),
            None => (false, pattern),
        };
        let case_sensitive = pat.chars().any(char::is_uppercase);
        let q = LogQuery::new(pat, regex, case_sensitive)?;
        self.matches = self
            .buf
            .iter()
            .filter(|(_, l)| q.is_match(&l.body.text))
            .count();
        self.query = Some((pattern.to_string(), q));
        self.grep = grep;
        self.current_match = None;
        Ok(())
    }

    /// Number of lines matching the query in the buffer.
    pub fn match_count(&self) -> usize {
        if self.query.is_some() {
            self.matches
        } else {
            0
        }
    }

    /// Drop the search (and the grep filter).
    pub fn clear_query(&mut self) {
        self.query = None;
        self.grep = false;
        self.current_match = None;
        self.matches = 0;
    }

    /// Jump to the next (forward) or previous match, from the current match or the view (the
    /// bottom line included), and show it amid its neighbours: about half of a `page` of
    /// shown lines below it, fewer at the end of the log.
    pub fn jump_match(&mut self, forward: bool, page: usize) -> bool {
        let Some((_, q)) = &self.query else {
            return false;
        };
        let (from, inclusive) = match self.current_match {
            Some(m) => (m, false),
            None => (self.bottom_seq().unwrap_or(0), !forward),
        };
        let found = if forward {
            self.buf
                .iter()
                .find(|(s, l)| *s > from && q.is_match(&l.body.text))
                .map(|(s, _)| s)
        } else {
            self.buf
                .iter()
                .rev()
                .find(|(s, l)| (*s < from || (inclusive && *s == from)) && q.is_match(&l.body.text))
                .map(|(s, _)| s)
        };
        match found {
            Some(s) => {
                self.current_match = Some(s);
                self.follow = false;
                let below = page.saturating_sub(1) / 2;
                self.anchor = self
                    .buf
                    .range(s + 1, self.buf.end_seq())
                    .filter(|(_, l)| self.shown(l))
                    .take(below)
                    .last()
                    .map_or(s, |(seq, _)| seq);
                true
            }
            None => false,
        }
    }

    /// Start a selection at the bottom line of the view (pausing the follow), or drop it.
    pub fn toggle_mark(&mut self) {
        if self.mark.take().is_some() {
            return;
        }
        if let Some(bottom) = self.bottom_seq() {
            self.mark = Some(bottom);
            self.anchor = bottom;
            self.follow = false;
        }
    }

    /// The selected seqs, first to last inclusive (lines evicted since are left out).
    pub fn selection(&self) -> Option<(u64, u64)> {
        let mark = self.mark?.max(self.buf.first_seq());
        let bottom = self.bottom_seq()?;
        Some((mark.min(bottom), mark.max(bottom)))
    }

    /// The selected lines that are shown (a grep filter applies), as plain text, at most
    /// [`MAX_COPY_BYTES`]: the text, how many lines, and whether some were left out.
    pub fn selected_text(&self) -> Option<(String, usize, bool)> {
        let (first, last) = self.selection()?;
        let mut text = String::new();
        let mut lines = 0;
        for (_, l) in self.buf.range(first, last + 1) {
            if !self.shown(l) {
                continue;
            }
            if text.len() + l.body.text.len() + 1 > MAX_COPY_BYTES {
                return Some((text, lines, true));
            }
            if lines > 0 {
                text.push('\n');
            }
            text.push_str(&l.body.text);
            lines += 1;
        }
        Some((text, lines, false))
    }

    /// Shown lines after the bottom line, oldest first, at most `n`: what fills the pane
    /// when the lines up to the bottom line do not (the view is near the top of the log).
    pub fn lines_after(&self, n: usize) -> Vec<(u64, &LogLine)> {
        let Some(bottom) = self.bottom_seq() else {
            return Vec::new();
        };
        self.buf
            .range(bottom + 1, self.buf.end_seq())
            .filter(|(_, l)| self.shown(l))
            .take(n)
            .collect()
    }

    /// The lines on screen in a pane of `n` rows (one row a line): those up to the bottom
    /// line, then those after it while there is room.
    pub fn visible_lines(&self, n: usize) -> Vec<(u64, &LogLine)> {
        let mut lines = self.window_lines(n);
        let room = n.saturating_sub(lines.len());
        lines.extend(self.lines_after(room));
        lines
    }

    /// Lines to show, oldest first, ending at the bottom line: at most `n` shown lines.
    pub fn window_lines(&self, n: usize) -> Vec<(u64, &LogLine)> {
        let Some(bottom) = self.bottom_seq() else {
            return Vec::new();
        };
        let mut out: Vec<(u64, &LogLine)> = self
            .buf
            .range(self.buf.first_seq(), bottom + 1)
            .rev()
            .filter(|(_, l)| self.shown(l))
            .take(n)
            .collect();
        out.reverse();
        out
    }
}

#[cfg(test)]
mod selection_tests {
    use super::*;
    use crate::app::logbuf::LogStream;
    use crate::app::sanitize::sanitize_line;

    fn view(n: usize) -> LogsView {
        let mut v = LogsView::new(100, 100);
        v.push_lines(
            (0..n)
                .map(|i| LogLine {
                    stream: LogStream::Stdout,
                    ts_nanos: None,
                    body: sanitize_line(format!("line {i}").as_bytes(), 1024),
                })
                .collect(),
        );
        v
    }

    #[test]
    fn a_selection_runs_from_the_mark_to_the_bottom_line() {
        let mut v = view(10);
        assert_eq!(v.selected_text(), None);
        v.toggle_mark();
        assert!(!v.follow, "selecting pauses the follow");
        v.scroll(-2);
        let (text, n, cut) = v.selected_text().expect("a selection");
        assert_eq!(
            (text.as_str(), n, cut),
            ("line 7\nline 8\nline 9", 3, false)
        );
        // New lines do not move it.
        v.push_lines(vec![LogLine {
            stream: LogStream::Stdout,
            ts_nanos: None,
            body: sanitize_line(b"line 10", 1024),
        }]);
        assert_eq!(v.selected_text().map(|t| t.1), Some(3));
        v.toggle_mark();
        assert_eq!(v.selection(), None);
    }

    fn texts(lines: &[(u64, &LogLine)]) -> Vec<String> {
        lines.iter().map(|(_, l)| l.body.text.clone()).collect()
    }

    #[test]
    fn a_match_is_shown_amid_its_neighbours_and_the_pane_stays_full() {
        // Near the top of the log: the match and what follows it fill the pane.
        let mut v = view(30);
        v.set_query("r/^line 3$", false).expect("query");
        assert!(v.jump_match(false, 10));
        assert_eq!(v.current_match, Some(3));
        let shown = texts(&v.visible_lines(10));
        assert_eq!(shown.len(), 10, "{shown:?}");
        assert_eq!(shown[0], "line 0");
        assert!(shown.contains(&"line 3".to_string()));
        // Amid a long log: lines after it too, the match about the middle.
        let mut v = view(100);
        v.set_query("r/^line 50$", false).expect("query");
        assert!(v.jump_match(false, 11));
        let shown = texts(&v.visible_lines(11));
        assert_eq!(shown.len(), 11);
        assert_eq!(
            shown.iter().position(|l| l == "line 50"),
            Some(5),
            "{shown:?}"
        );
        // The bottom line matching is found too.
        let mut v = view(10);
        v.set_query("r/^line 9$", false).expect("query");
        assert!(v.jump_match(false, 5));
        assert_eq!(v.current_match, Some(9));
    }

    #[test]
    fn grep_while_paused_shows_the_lines_that_came_since_when_there_is_room() {
        let mut v = view(10);
        v.set_query("r/line [2468]", true).expect("query");
        v.scroll(-1);
        assert!(!v.follow);
        v.push_lines(vec![LogLine {
            stream: LogStream::Stdout,
            ts_nanos: None,
            body: sanitize_line(b"line 2 again", 1024),
        }]);
        assert_eq!(v.match_count(), 5);
        assert_eq!(v.visible_lines(10).len(), 5, "as many as the count says");
    }

    #[test]
    fn a_grep_filter_applies_to_the_copy() {
        let mut v = view(10);
        v.set_query("r/line [2468]", true).expect("query");
        v.toggle_mark();
        v.scroll(-3);
        let (text, n, _) = v.selected_text().expect("a selection");
        assert_eq!((text.as_str(), n), ("line 4\nline 6\nline 8", 3));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::logbuf::LogStream;
    use crate::app::sanitize::sanitize_line;

    fn line(t: &str) -> LogLine {
        LogLine {
            stream: LogStream::Stdout,
            ts_nanos: None,
            body: sanitize_line(t.as_bytes(), 1024),
        }
    }

    #[test]
    fn match_count_follows_arrivals_and_evictions() {
        let mut v = LogsView::new(10, 10);
        v.push_lines(
            (0..8)
                .map(|i| line(&format!("{} {i}", if i % 2 == 0 { "err" } else { "ok" })))
                .collect(),
        );
        v.set_query("err", false).expect("query");
        assert_eq!(v.match_count(), 4);
        // 12 more lines: the buffer keeps 10; the count equals a full scan throughout.
        for i in 8..20 {
            v.push_lines(vec![line(&format!(
                "{} {i}",
                if i % 3 == 0 { "err" } else { "ok" }
            ))]);
            let scan = v
                .buf
                .iter()
                .filter(|(_, l)| l.body.text.contains("err"))
                .count();
            assert_eq!(v.match_count(), scan, "after line {i}");
        }
        v.clear_query();
        assert_eq!(v.match_count(), 0);
    }
}
