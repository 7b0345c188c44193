//! The inspect tab: `docker inspect` of the selection, scrollable.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::util::detail_block;
use crate::app::State;

pub fn draw(f: &mut Frame, area: Rect, state: &State, theme: &Theme, focused: bool) {
    let block = detail_block(state.tab, Line::from(""), theme, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let text = match (&state.inspect, &state.selected) {
        (Some((id, text)), Some(sel)) if id == sel => text.as_str(),
        (_, None) => "Select a container.",
        _ => "Loading…",
    };
    let lines: Vec<Line> = text
        .lines()
        .skip(state.inspect_scroll)
        .take(usize::from(inner.height))
        .map(|l| Line::from(Span::raw(crate::app::sanitize::plain(l))))
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

/// The shells tab before any session was opened.
pub fn empty_shells(f: &mut Frame, area: Rect, state: &State, theme: &Theme, focused: bool) {
    let block = detail_block(state.tab, Line::from(""), theme, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let key = |a: &str| {
        state
            .keymap
            .key_for(crate::app::keymap::Context::Containers, a)
            .unwrap_or_default()
    };
    let text = format!(
        "No shell open. On a running container: {} opens a shell here, {} attaches to its main process.\nSessions keep running while you browse; ctrl-g gives the keys back to dockside.",
        key("exec_shell"),
        key("attach")
    );
    f.render_widget(
        ratatui::widgets::Paragraph::new(text)
            .style(theme.dim())
            .wrap(ratatui::widgets::Wrap { trim: false }),
        inner,
    );
}
