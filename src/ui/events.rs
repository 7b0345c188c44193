//! The events pane: what the engine reported, newest first, like `docker events`.

use chrono::{DateTime, FixedOffset};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

use super::theme::Theme;
use crate::app::State;
use crate::app::events::EngineEvent;
use crate::app::state::Focus;

/// The event's time in the user's time zone, with `fmt`.
fn local(state: &State, ev: &EngineEvent, fmt: &str) -> String {
    let tz = FixedOffset::east_opt(state.utc_offset)
        .or_else(|| FixedOffset::east_opt(0))
        .map(|tz| DateTime::from_timestamp_nanos(ev.time_nano).with_timezone(&tz));
    tz.map(|t| t.format(fmt).to_string()).unwrap_or_default()
}

fn action_style(ev: &EngineEvent, theme: &Theme) -> ratatui::style::Style {
    match ev.action.as_str() {
        "die" | "kill" | "oom" | "destroy" | "delete" | "untag" | "disconnect" => theme.bad(),
        "start" | "create" | "pull" | "tag" | "connect" | "unpause" => theme.ok(),
        "health_status: unhealthy" => theme.bad(),
        _ if ev.typ == "dockside" => theme.warn(),
        _ => ratatui::style::Style::default(),
    }
}

pub fn draw_list(f: &mut Frame, area: Rect, state: &State, theme: &Theme, b: Block) {
    let focused = state.focus == Focus::List;
    let log = &state.views.events;
    let page = usize::from(area.height.saturating_sub(3));
    if log.rows.is_empty() {
        let text = if log.is_empty() {
            "No events in the last hour. They appear here as the engine reports them: start, \
             stop, pull, create, connect…"
        } else {
            "No event matches the filter."
        };
        f.render_widget(
            Paragraph::new(text)
                .style(theme.dim())
                .wrap(Wrap { trim: false })
                .block(b),
            area,
        );
        return;
    }
    let rows = super::views::page_rows(
        &log.rows,
        log.cur,
        page,
        theme.selected(focused),
        |i| log.get(i),
        |ev| {
            vec![
                Cell::from(Span::styled(local(state, ev, "%H:%M:%S"), theme.dim())),
                Cell::from(ev.typ.clone()),
                Cell::from(Span::styled(ev.action.clone(), action_style(ev, theme))),
                Cell::from(ev.subject()),
                Cell::from(Span::styled(
                    if ev.repeats > 0 {
                        format!("×{} {}", ev.repeats + 1, ev.summary())
                    } else {
                        ev.summary()
                    },
                    theme.dim(),
                )),
            ]
        },
    );
    let header =
        Row::new(vec!["TIME", "TYPE", "ACTION", "NAME", "DETAILS"]).style(theme.header_row());
    let widths = [
        Constraint::Length(8),
        Constraint::Length(9),
        Constraint::Length(18),
        Constraint::Fill(2),
        Constraint::Fill(3),
    ];
    f.render_widget(Table::new(rows, widths).header(header).block(b), area);
}

/// Every attribute of the selected event.
pub fn draw_detail(f: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let focused = state.focus == Focus::Detail;
    let b = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .title(Span::styled(" Event (enter: go to it) ", theme.title()));
    let Some(ev) = state.views.events.selected() else {
        f.render_widget(b, area);
        return;
    };
    let kv = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:<15}"), theme.accent()),
            Span::raw(v),
        ])
    };
    let mut lines = vec![
        kv("Time", local(state, ev, "%Y-%m-%d %H:%M:%S%.3f %:z")),
        kv("Type", ev.typ.clone()),
        kv("Action", ev.action.clone()),
        kv("Id", ev.id.clone()),
    ];
    for (k, v) in &ev.attrs {
        lines.push(kv(k, v.clone()));
    }
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(b),
        area,
    );
}
