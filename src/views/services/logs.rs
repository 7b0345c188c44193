//! The logs of one service in the services view's detail pane: every task's lines (as
//! `docker service logs -f`), in a bounded buffer; followed, or held at a line while scrolled
//! back.

use crate::app::logbuf::{LogBuffer, LogLine};
use crate::app::logs::{DEFAULT_MAX_LINES, DEFAULT_TAIL, StreamState};
use crate::app::msg::{LogEvent, LogEventKind, ServiceLogsRequest};

pub struct ServiceLogs {
    pub id: String,
    pub name: String,
    pub generation: u64,
    pub buf: LogBuffer,
    pub state: StreamState,
    /// The seq of the bottom line shown while scrolled back; None: the newest (following).
    pub bottom: Option<u64>,
}

impl ServiceLogs {
    /// The logs of `id`, asked for with `generation`: the request to send.
    pub fn open(id: String, name: String, generation: u64) -> (ServiceLogs, ServiceLogsRequest) {
        let req = ServiceLogsRequest {
            service: id.clone(),
            name: name.clone(),
            generation,
            tail: DEFAULT_TAIL,
            follow: true,
        };
        let logs = ServiceLogs {
            id,
            name,
            generation,
            buf: LogBuffer::new(DEFAULT_MAX_LINES),
            state: StreamState::Loading,
            bottom: None,
        };
        (logs, req)
    }

    /// An event of the stream; false when it is of another (older) one.
    pub fn on_event(&mut self, ev: LogEvent) -> bool {
        if ev.generation != self.generation {
            return false;
        }
        match ev.kind {
            LogEventKind::Lines(lines) => {
                self.state = StreamState::Streaming;
                for l in lines {
                    self.buf.push(l);
                }
            }
            LogEventKind::Ended => self.state = StreamState::Ended("the stream ended".into()),
            LogEventKind::Error(e) => self.state = StreamState::Error(e),
        }
        true
    }

    pub fn following(&self) -> bool {
        self.bottom.is_none()
    }

    /// Scroll by `delta` lines (negative: back in time). Reaching the newest follows again.
    pub fn scroll(&mut self, delta: i64) {
        let Some((newest, _)) = self.buf.last() else {
            return;
        };
        let from = self.bottom.unwrap_or(newest).max(self.buf.first_seq());
        let to = if delta < 0 {
            from.saturating_sub(delta.unsigned_abs())
                .max(self.buf.first_seq())
        } else {
            from.saturating_add(delta.unsigned_abs())
        };
        self.bottom = (to < newest).then_some(to);
    }

    /// Follow, or hold the line shown at the bottom now.
    pub fn toggle_follow(&mut self) {
        self.bottom = match self.bottom {
            Some(_) => None,
            None => self.buf.last().map(|(seq, _)| seq),
        };
    }

    /// The `rows` lines that end at the bottom line, oldest first.
    pub fn window(&self, rows: usize) -> Vec<&LogLine> {
        let end = match self.bottom {
            Some(seq) => seq.max(self.buf.first_seq()) + 1,
            None => self.buf.end_seq(),
        };
        let start = end.saturating_sub(rows as u64);
        self.buf.range(start, end).map(|(_, l)| l).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(from: usize, n: usize) -> LogEvent {
        LogEvent {
            generation: 7,
            kind: LogEventKind::Lines(
                (from..from + n)
                    .map(|i| LogLine::system(&format!("line {i}"), None))
                    .collect(),
            ),
        }
    }

    fn texts(l: &ServiceLogs, rows: usize) -> Vec<String> {
        l.window(rows).iter().map(|l| l.body.text.clone()).collect()
    }

    #[test]
    fn followed_until_scrolled_back_then_held() {
        let (mut l, req) = ServiceLogs::open("abc".into(), "web".into(), 7);
        assert!(req.follow && req.service == "abc" && req.name == "web");
        assert!(l.on_event(lines(0, 10)));
        assert!(!l.on_event(LogEvent {
            generation: 6,
            kind: LogEventKind::Ended
        }));
        assert_eq!(texts(&l, 2), ["line 8", "line 9"]);
        l.scroll(-3);
        assert!(!l.following());
        l.on_event(lines(10, 5));
        assert_eq!(
            texts(&l, 2),
            ["line 5", "line 6"],
            "held while new lines come"
        );
        l.scroll(100);
        assert!(l.following(), "back at the newest: followed again");
        assert_eq!(texts(&l, 1), ["line 14"]);
        l.scroll(-1000);
        assert_eq!(texts(&l, 3), ["line 0"], "not before the first line");
        l.toggle_follow();
        assert!(l.following());
        l.toggle_follow();
        assert_eq!(l.bottom, Some(14));
    }
}
