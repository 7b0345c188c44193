//! Drawing of the networks view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::NetworksView;
use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::views::Dx;
use crate::views::widgets::page_rows;

pub fn list(v: &NetworksView, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    let page = usize::from(area.height.saturating_sub(3));
    let b = dx.block(format!("{} networks", v.list.len()));
    let Some(nets) = &v.networks else {
        let text = v.error.as_ref().map_or("Loading networks…".into(), |e| {
            format!("Cannot list networks: {e}")
        });
        return dx.message(f, area, b, text);
    };
    // Several engines' networks: which one each is on.
    let merged = nets.iter().any(|n| n.host.is_some());
    let rows = page_rows(
        &v.list,
        page,
        theme.selected(dx.focused),
        |i| nets.get(i),
        |n| {
            let mut cells = vec![
                Cell::from(n.name.clone()),
                Cell::from(n.driver.clone()),
                Cell::from(n.scope.clone()),
                Cell::from(n.subnets_text()),
                Cell::from(n.containers.len().to_string()),
                Cell::from(Span::styled(n.short_id().to_string(), theme.dim())),
            ];
            if merged {
                cells.insert(1, Cell::from(dx.host_name(n.host)));
            }
            cells
        },
    );
    let mut header = vec![
        "NAME",
        "DRIVER",
        "SCOPE",
        "SUBNET / GATEWAY",
        "CONTAINERS",
        "ID",
    ];
    let mut widths = vec![
        Constraint::Fill(2),
        Constraint::Length(8),
        Constraint::Length(6),
        Constraint::Fill(3),
        Constraint::Length(10),
        Constraint::Length(12),
    ];
    if merged {
        header.insert(1, "HOST");
        widths.insert(1, Constraint::Length(dx.host_width()));
    }
    let header = Row::new(header).style(theme.header_row());
    f.render_widget(Table::new(rows, widths).header(header).block(b), area);
}

pub fn detail(v: &NetworksView, f: &mut Frame, area: Rect, dx: &Dx) {
    let lines = match v.selected() {
        Some(n) => {
            let mut l = vec![
                dx.kv("Name", n.name.clone()),
                dx.kv("Driver / scope", format!("{} / {}", n.driver, n.scope)),
                dx.kv("Subnet", n.subnets_text()),
                dx.kv("Internal", n.internal.to_string()),
                Line::from(Span::styled("Containers", dx.theme.title())),
            ];
            for (name, ip) in &n.containers {
                l.push(Line::from(format!("  {name:<30} {ip}")));
            }
            l
        }
        None => vec![Line::from(Span::styled(
            dx.hints(
                Context::Networks,
                &[
                    (Action::Create, "creates"),
                    (Action::Connect, "connects"),
                    (Action::Disconnect, "disconnects"),
                    (Action::Remove, "removes"),
                    (Action::Prune, "prunes"),
                ],
            ),
            dx.theme.dim(),
        ))],
    };
    dx.details(f, area, lines);
}
