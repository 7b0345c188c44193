//! Drawing of the events view: what the engine reported, newest first, like `docker events`.

use chrono::{DateTime, FixedOffset};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};

use crate::app::action::Action;
use crate::app::keymap::Context;

use super::EventsView;
use super::log::History;
use crate::app::events::EngineEvent;
use crate::ui::theme::Theme;
use crate::views::Dx;
use crate::views::widgets::page_rows;

/// The event's time in the user's time zone, with `fmt`.
fn local(dx: &Dx, ev: &EngineEvent, fmt: &str) -> String {
    let tz = FixedOffset::east_opt(dx.utc_offset)
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

pub fn list(log: &EventsView, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    let count = if log.list.len() == log.len() {
        format!("{} events", log.len())
    } else {
        format!("{} of {} events", log.list.len(), log.len())
    };
    let past = match &log.history {
        History::NotAsked => String::new(),
        History::Loading => " · loading the last hour…".into(),
        History::Loaded(_) => " · from an hour before dockside started".into(),
        History::Failed(e) => format!(" · earlier events unavailable: {e}"),
    };
    let b = dx.block(format!("{count}{past}"));
    let page = usize::from(area.height.saturating_sub(3));
    if log.list.is_empty() {
        let text = if log.is_empty() {
            "No events in the last hour. They appear here as the engine reports them: start, \
             stop, pull, create, connect…"
        } else {
            "No event matches the filter."
        };
        return dx.message(f, area, b, text.into());
    }
    let rows = page_rows(
        &log.list,
        page,
        theme.selected(dx.focused),
        |i| log.get(i),
        |ev| {
            vec![
                Cell::from(Span::styled(local(dx, ev, "%H:%M:%S"), theme.dim())),
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
    // ACTION as wide as the longest listed (`exec: /bin/sh -c …` whole), within a third.
    let action_w = log
        .list
        .rows
        .iter()
        .filter_map(|i| log.get(*i))
        .map(|e| unicode_width::UnicodeWidthStr::width(e.action.as_str()))
        .max()
        .unwrap_or(0)
        .clamp(6, usize::from(area.width / 3).max(6));
    let widths = [
        Constraint::Length(8),
        Constraint::Length(9),
        Constraint::Length(action_w as u16),
        Constraint::Fill(2),
        Constraint::Fill(3),
    ];
    f.render_widget(Table::new(rows, widths).header(header).block(b), area);
}

/// Every attribute of the selected event.
pub fn detail(log: &EventsView, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    let title = match dx.keymap.key_for(Context::Events, Action::Open) {
        Some(k) => format!("Event ({k}: go to it)"),
        None => "Event".into(),
    };
    let b = dx.detail_block(&title);
    let Some(ev) = log.selected() else {
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
        kv("Time", local(dx, ev, "%Y-%m-%d %H:%M:%S%.3f %:z")),
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
