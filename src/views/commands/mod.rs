//! The command log: every request dockside sent that changed the engine, as the docker CLI
//! command that does the same, newest first; `c` copies one.

mod draw;

use std::collections::VecDeque;

use crate::app::action::{Action, Handled};
use crate::app::keymap::Context;
use crate::app::msg::{Cmd, Effect};
use crate::app::overlay::StatusKind;

use super::list::ListView;
use super::{Cx, Shape};

/// Commands kept; the oldest go first.
pub const MAX_COMMANDS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Unix seconds.
    pub at: i64,
    /// `docker stop api1`.
    pub cli: String,
}

#[derive(Default)]
pub struct CommandsView {
    /// Newest first.
    entries: VecDeque<Entry>,
    pub list: ListView,
    filter: String,
}

impl CommandsView {
    pub fn entries(&self) -> &VecDeque<Entry> {
        &self.entries
    }

    pub fn selected(&self) -> Option<&Entry> {
        self.list.selected().and_then(|i| self.entries.get(i))
    }

    /// Record a command sent now.
    pub fn record(&mut self, at: i64, cli: String, page: usize) {
        self.entries.push_front(Entry { at, cli });
        self.entries.truncate(MAX_COMMANDS);
        // A user reading an older command keeps reading it.
        let keep = self.list.cur.sel > 0;
        let filter = self.filter.clone();
        self.refilter(&filter, page);
        if keep {
            self.list.cur.sel += 1;
            self.list.clamp(page);
        }
    }
}

impl Shape for CommandsView {
    fn contexts(&self) -> &'static [Context] {
        &[Context::Commands, Context::List, Context::Global]
    }

    fn list(&mut self) -> Option<&mut ListView> {
        Some(&mut self.list)
    }

    fn refilter(&mut self, filter: &str, page: usize) {
        self.filter = filter.to_string();
        let items: Vec<&Entry> = self.entries.iter().collect();
        // Newest first whatever the match: the order things happened in.
        self.list.rows = super::list::rank(
            items.iter().enumerate(),
            filter,
            |e, s| s.push_str(&e.cli),
            |a, b| b.at.cmp(&a.at),
        );
        if filter.trim().is_empty() {
            self.list.rows.sort_unstable();
        }
        self.list.clamp(page);
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Handled {
        match action {
            Action::Copy => {
                if let Some(e) = self.selected() {
                    cx.out.push(Cmd::Effect(Effect::Clipboard(e.cli.clone())));
                    let text = format!("copied: {}", e.cli);
                    cx.status(StatusKind::Info, text);
                }
                Handled::Redraw
            }
            Action::Clear => Handled::Quiet,
            _ => Handled::No,
        }
    }

    fn draw_list(&self, f: &mut ratatui::Frame, area: ratatui::layout::Rect, dx: &super::Dx) {
        draw::list(self, f, area, dx);
    }

    fn draw_detail(&self, f: &mut ratatui::Frame, area: ratatui::layout::Rect, dx: &super::Dx) {
        draw::detail(self, f, area, dx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_bounded_and_a_reader_keeps_their_row() {
        let mut v = CommandsView::default();
        for i in 0..(MAX_COMMANDS + 5) {
            v.record(i as i64, format!("docker stop c{i}"), 10);
        }
        assert_eq!(v.entries().len(), MAX_COMMANDS);
        assert_eq!(
            v.selected().map(|e| e.cli.as_str()),
            Some(format!("docker stop c{}", MAX_COMMANDS + 4).as_str())
        );
        v.list.go(2, 10);
        let reading = v.selected().cloned();
        v.record(9999, "docker start x".into(), 10);
        assert_eq!(v.selected().cloned(), reading);
        v.refilter("start", 10);
        assert_eq!(v.list.len(), 1);
    }
}
