//! Drawing of the nodes view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::NodesView;
use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::app::resources::human_size;
use crate::app::swarm::refusal_text;
use crate::views::Dx;
use crate::views::widgets::page_rows;

pub fn list(v: &NodesView, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    let page = usize::from(area.height.saturating_sub(3));
    let b = dx.block(format!("{} nodes", v.list.len()));
    let Some(all) = &v.nodes else {
        let text = v
            .error
            .as_ref()
            .map_or("Loading nodes…".into(), |e| refusal_text("nodes", e));
        return dx.message(f, area, b, text);
    };
    let rows = page_rows(
        &v.list,
        page,
        theme.selected(dx.focused),
        |i| all.get(i),
        |n| {
            let status = if n.status == "ready" {
                theme.ok()
            } else {
                theme.bad()
            };
            let avail = if n.availability == "active" {
                theme.ok()
            } else {
                theme.warn()
            };
            let me = if n.is_self { " *" } else { "" };
            vec![
                Cell::from(format!("{}{me}", n.hostname)),
                Cell::from(n.role.clone()),
                Cell::from(if n.leader { "leader" } else { "" }),
                Cell::from(Span::styled(n.availability.clone(), avail)),
                Cell::from(Span::styled(n.status.clone(), status)),
                Cell::from(n.tasks.to_string()),
                Cell::from(n.engine.clone()),
                Cell::from(n.addr.clone()),
                Cell::from(Span::styled(n.labels_text(), theme.dim())),
                Cell::from(Span::styled(n.short_id().to_string(), theme.dim())),
            ]
        },
    );
    let header = Row::new(vec![
        "HOSTNAME", "ROLE", "LEADER", "AVAIL", "STATUS", "TASKS", "ENGINE", "ADDRESS", "LABELS",
        "ID",
    ])
    .style(theme.header_row());
    let widths = [
        Constraint::Fill(2),
        Constraint::Length(7),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(7),
        Constraint::Length(5),
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Length(12),
    ];
    f.render_widget(Table::new(rows, widths).header(header).block(b), area);
}

pub fn detail(v: &NodesView, f: &mut Frame, area: Rect, dx: &Dx) {
    let lines = match v.selected() {
        Some(n) => {
            let mut l = vec![
                dx.kv("Node", format!("{} ({})", n.hostname, n.short_id())),
                dx.kv(
                    "Role",
                    format!("{}{}", n.role, if n.leader { " · leader" } else { "" }),
                ),
                dx.kv(
                    "Availability",
                    format!("{} · status {}", n.availability, n.status),
                ),
                dx.kv("Engine", n.engine.clone()),
                dx.kv("Address", n.addr.clone()),
                dx.kv(
                    "CPUs / memory",
                    format!("{} / {}", n.cpus, human_size(n.memory)),
                ),
                dx.kv("Tasks running", n.tasks.to_string()),
            ];
            if !n.labels.is_empty() {
                l.push(dx.kv("Labels", n.labels_text()));
            }
            l
        }
        None => vec![Line::from(Span::styled(
            dx.hints(
                Context::Nodes,
                &[
                    (Action::Drain, "drains"),
                    (Action::Pause, "pauses"),
                    (Action::Activate, "activates"),
                    (Action::Promote, "promotes"),
                    (Action::Demote, "demotes"),
                    (Action::EditLabels, "edits labels"),
                    (Action::Remove, "removes"),
                ],
            ),
            dx.theme.dim(),
        ))],
    };
    dx.details(f, area, lines);
}
