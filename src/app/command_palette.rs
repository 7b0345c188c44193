//! The command palette (`:`): the line typed, the match highlighted, the walk through the
//! history of what was run. Plain data; what the entries are and what they do is
//! `palette_entries.rs`, the drawing `ui/command_palette.rs`.

use super::msg::EngineChoice;

/// Commands kept in the history (the oldest goes first).
pub const HISTORY: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommandPalette {
    pub text: String,
    /// The highlighted match (an index in the matches of `text`).
    pub sel: usize,
    /// Walking the history: the index shown, and the line typed before the walk began.
    pub recall: Option<(usize, String)>,
    /// The docker contexts `ctx` offers, once read.
    pub engines: Option<Vec<EngineChoice>>,
    /// `ctx NAME` was entered before the contexts were read: run it when they are.
    pub waiting: bool,
    /// Why the last enter did nothing.
    pub note: Option<String>,
}

impl CommandPalette {
    /// The line changed by typing: the first match is highlighted again.
    pub fn typed(&mut self) {
        self.sel = 0;
        self.recall = None;
        self.note = None;
        self.waiting = false;
    }

    /// Show the command before the one shown (up). False when there is none.
    pub fn older(&mut self, history: &[String]) -> bool {
        let at = match &self.recall {
            None if history.is_empty() => return false,
            None => {
                self.recall = Some((history.len() - 1, self.text.clone()));
                history.len() - 1
            }
            Some((0, _)) => return false,
            Some((i, draft)) => {
                let i = i - 1;
                self.recall = Some((i, draft.clone()));
                i
            }
        };
        self.show(history, at);
        true
    }

    /// Show the command after the one shown (down); past the newest, the line typed before.
    pub fn newer(&mut self, history: &[String]) -> bool {
        let Some((i, draft)) = self.recall.clone() else {
            return false;
        };
        if i + 1 < history.len() {
            self.recall = Some((i + 1, draft));
            self.show(history, i + 1);
        } else {
            self.recall = None;
            self.text = draft;
            self.sel = 0;
        }
        self.note = None;
        true
    }

    fn show(&mut self, history: &[String], at: usize) {
        self.text = history.get(at).cloned().unwrap_or_default();
        self.sel = 0;
        self.note = None;
    }

    /// Move the highlight among `len` matches, wrapping around.
    pub fn step(&mut self, forward: bool, len: usize) {
        if len == 0 {
            self.sel = 0;
        } else if forward {
            self.sel = (self.sel + 1) % len;
        } else {
            self.sel = (self.sel + len - 1) % len;
        }
    }
}

/// Remember a command that was run: newest last, once, at most [`HISTORY`].
pub fn remember(history: &mut Vec<String>, line: &str) {
    let line = line.trim();
    if line.is_empty() {
        return;
    }
    history.retain(|h| h != line);
    history.push(line.to_string());
    if history.len() > HISTORY {
        let extra = history.len() - HISTORY;
        history.drain(..extra);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_bounded_newest_last_and_once() {
        let mut h = Vec::new();
        for i in 0..HISTORY + 10 {
            remember(&mut h, &format!("logs c{i}"));
        }
        assert_eq!(h.len(), HISTORY);
        assert_eq!(h[0], "logs c10");
        remember(&mut h, "logs c10");
        assert_eq!(h.len(), HISTORY);
        assert_eq!(h.last().map(String::as_str), Some("logs c10"));
        assert_eq!(h[0], "logs c11");
        remember(&mut h, "   ");
        assert_eq!(h.len(), HISTORY);
    }

    #[test]
    fn up_and_down_walk_the_history_and_come_back_to_the_draft() {
        let h: Vec<String> = ["images", "logs api1", "ctx prod"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut p = CommandPalette {
            text: "sto".into(),
            ..Default::default()
        };
        assert!(p.older(&h));
        assert_eq!(p.text, "ctx prod");
        assert!(p.older(&h));
        assert!(p.older(&h));
        assert_eq!(p.text, "images");
        assert!(!p.older(&h), "nothing before the oldest");
        assert_eq!(p.text, "images");
        assert!(p.newer(&h));
        assert_eq!(p.text, "logs api1");
        assert!(p.newer(&h));
        assert!(p.newer(&h));
        assert_eq!(p.text, "sto", "past the newest: what was typed");
        assert!(!p.newer(&h));
        let mut empty = CommandPalette::default();
        assert!(!empty.older(&[]));
    }

    #[test]
    fn the_highlight_wraps() {
        let mut p = CommandPalette::default();
        p.step(false, 3);
        assert_eq!(p.sel, 2);
        p.step(true, 3);
        assert_eq!(p.sel, 0);
        p.step(true, 0);
        assert_eq!(p.sel, 0);
    }
}
