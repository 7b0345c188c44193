//! Small drawing helpers.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use super::theme::Theme;
use crate::app::state::DetailTab;

/// The detail pane's block: tabs in the title, focus shown by the border colour.
pub fn detail_block<'a>(
    state_tab: DetailTab,
    extra: Line<'a>,
    theme: &Theme,
    focused: bool,
) -> Block<'a> {
    let mut title: Vec<Span> = vec![Span::raw(" ")];
    for (i, tab) in DetailTab::ALL.iter().enumerate() {
        if i > 0 {
            title.push(Span::styled(" │ ", theme.dim()));
        }
        if *tab == state_tab {
            title.push(Span::styled(tab.title(), theme.title()));
        } else {
            title.push(Span::styled(tab.title(), theme.dim()));
        }
    }
    title.push(Span::raw(" "));
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .title(Line::from(title))
        .title_bottom(extra)
}

/// Centre a rect of at most `w`x`h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

pub fn styled(text: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(text.into(), style)
}
