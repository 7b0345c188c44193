//! Drawing of the command log.

use chrono::{DateTime, FixedOffset};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::CommandsView;
use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::views::Dx;
use crate::views::widgets::page_rows;

fn clock(dx: &Dx, at: i64) -> String {
    FixedOffset::east_opt(dx.utc_offset)
        .and_then(|tz| DateTime::from_timestamp(at, 0).map(|t| t.with_timezone(&tz)))
        .map(|t| t.format("%H:%M:%S").to_string())
        .unwrap_or_default()
}

pub fn list(v: &CommandsView, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    let page = usize::from(area.height.saturating_sub(3));
    let n = v.entries().len();
    let b = dx.block(format!("{n} command{} sent", if n == 1 { "" } else { "s" }));
    if v.list.is_empty() {
        let text = if v.entries().is_empty() {
            "Nothing sent yet. Every action that changes the engine (start, stop, remove, run, \
             pull, prune…) appears here as the docker CLI command that does the same."
        } else {
            "No command matches the filter."
        };
        return dx.message(f, area, b, text.into());
    }
    let rows = page_rows(
        &v.list,
        page,
        theme.selected(dx.focused),
        |i| v.entries().get(i),
        |e| {
            vec![
                Cell::from(Span::styled(clock(dx, e.at), theme.dim())),
                Cell::from(e.cli.clone()),
            ]
        },
    );
    let header = Row::new(vec!["TIME", "COMMAND"]).style(theme.header_row());
    let widths = [Constraint::Length(8), Constraint::Fill(1)];
    f.render_widget(Table::new(rows, widths).header(header).block(b), area);
}

pub fn detail(v: &CommandsView, f: &mut Frame, area: Rect, dx: &Dx) {
    let hint = dx.hints(Context::Commands, &[(Action::Copy, "copies it")]);
    let lines = match v.selected() {
        Some(e) => vec![
            Line::from(e.cli.clone()),
            Line::from(""),
            Line::from(Span::styled(hint, dx.theme.dim())),
        ],
        None => vec![Line::from(Span::styled(
            "What dockside did, as docker CLI commands you can run or script.",
            dx.theme.dim(),
        ))],
    };
    dx.details(f, area, lines);
}
