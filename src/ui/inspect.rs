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
