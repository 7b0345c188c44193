//! Drawing of the engine view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::EngineView;
use crate::app::resources::human_size;
use crate::views::Dx;

pub fn list(v: &EngineView, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    let b = dx.block("disk usage".into());
    let Some(d) = &v.disk else {
        let text = v.error.as_ref().map_or("Loading disk usage…".into(), |e| {
            format!("Cannot read disk usage: {e}")
        });
        return dx.message(f, area, b, text);
    };
    let rows: Vec<Row> = d
        .rows()
        .iter()
        .map(|(name, u)| {
            Row::new(vec![
                Cell::from(*name),
                Cell::from(u.count.to_string()),
                Cell::from(u.active.to_string()),
                Cell::from(human_size(u.size)),
                Cell::from(u.reclaimable_text()),
            ])
        })
        .collect();
    let header =
        Row::new(vec!["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"]).style(theme.header_row());
    let widths = [
        Constraint::Length(14),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(12),
        Constraint::Fill(1),
    ];
    f.render_widget(Table::new(rows, widths).header(header).block(b), area);
}

pub fn detail(v: &EngineView, f: &mut Frame, area: Rect, dx: &Dx) {
    let lines = match &v.info {
        Some(info) => info.iter().map(|(k, val)| dx.kv(k, val.clone())).collect(),
        None => vec![Line::from(Span::styled(
            "Loading engine info…",
            dx.theme.dim(),
        ))],
    };
    dx.details(f, area, lines);
}
