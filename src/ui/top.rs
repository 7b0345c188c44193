//! The processes tab: `docker top` of the selection, refreshed while shown.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use super::util::detail_block;
use crate::app::State;

pub fn draw(f: &mut Frame, area: Rect, state: &State, theme: &Theme, focused: bool) {
    let shown = match (&state.top.shown, state.selected_container()) {
        (Some((id, r)), Some(c)) if *id == c.id => Some((r, c)),
        _ => None,
    };
    let extra = match shown {
        Some((Ok(p), c)) => {
            let more = if p.dropped > 0 {
                format!(" (+{} not shown)", p.dropped)
            } else {
                String::new()
            };
            let live = if c.state.is_live() {
                " · refreshed every 2 s"
            } else {
                ""
            };
            Line::from(Span::styled(
                format!(" {} processes{more}{live} ", p.rows.len()),
                theme.dim(),
            ))
        }
        _ => Line::from(""),
    };
    let block = detail_block(state.tab, extra, theme, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let text = match (shown, state.selected_container()) {
        (_, None) => Some("Select a container.".to_string()),
        (None, Some(_)) => Some("Loading…".to_string()),
        (Some((Err(e), _)), _) => Some(e.clone()),
        (Some((Ok(p), c)), _) if p.rows.is_empty() => Some(if c.state.is_live() {
            "No processes.".to_string()
        } else {
            format!("{} is not running: no processes.", c.name)
        }),
        _ => None,
    };
    if let Some(text) = text {
        f.render_widget(
            Paragraph::new(text)
                .style(theme.dim())
                .wrap(Wrap { trim: false }),
            inner,
        );
        return;
    }
    let Some((Ok(p), _)) = shown else { return };
    // Columns as the engine titled them; the command line takes the width left.
    let command = p.command_column();
    let widths: Vec<Constraint> = p
        .titles
        .iter()
        .enumerate()
        .map(|(i, t)| {
            if i == command {
                Constraint::Fill(1)
            } else {
                let w = p
                    .rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|v| v.width())
                    .chain([t.width()])
                    .max()
                    .unwrap_or(4)
                    .min(20);
                Constraint::Length(w as u16)
            }
        })
        .collect();
    let header = Row::new(p.titles.clone()).style(theme.header_row());
    let page = usize::from(inner.height.saturating_sub(1));
    let skip = state.inspect_scroll.min(p.rows.len().saturating_sub(page));
    let rows: Vec<Row> = p
        .rows
        .iter()
        .skip(skip)
        .take(page)
        .map(|r| Row::new(r.clone()))
        .collect();
    f.render_widget(Table::new(rows, widths).header(header), inner);
}
