//! Drawing of the volumes view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::VolumesView;
use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::views::Dx;
use crate::views::widgets::page_rows;

pub fn list(v: &VolumesView, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    let page = usize::from(area.height.saturating_sub(3));
    let b = dx.block(format!("{} volumes", v.list.len()));
    let Some(vols) = &v.volumes else {
        let text = v.error.as_ref().map_or("Loading volumes…".into(), |e| {
            format!("Cannot list volumes: {e}")
        });
        return dx.message(f, area, b, text);
    };
    if v.list.is_empty() {
        let hint = dx.hints(Context::Volumes, &[(Action::Create, "creates one")]);
        return dx.message(f, area, b, format!("No volumes. {hint}."));
    }
    // Several engines' volumes: which one each is on.
    let merged = vols.iter().any(|v| v.host.is_some());
    let rows = page_rows(
        &v.list,
        page,
        theme.selected(dx.focused),
        |i| vols.get(i),
        |vol| {
            let mut cells = vec![
                Cell::from(vol.display_name().to_string()),
                Cell::from(vol.driver.clone()),
                Cell::from(vol.used_by.join(", ")),
                Cell::from(vol.size_text()),
                Cell::from(Span::styled(vol.mountpoint.clone(), theme.dim())),
            ];
            if merged {
                cells.insert(1, Cell::from(dx.host_name(vol.host)));
            }
            cells
        },
    );
    let mut header = vec!["NAME", "DRIVER", "USED BY", "SIZE", "MOUNTPOINT"];
    let mut widths = vec![
        Constraint::Fill(2),
        Constraint::Length(8),
        Constraint::Fill(2),
        Constraint::Length(9),
        Constraint::Fill(3),
    ];
    if merged {
        header.insert(1, "HOST");
        widths.insert(1, Constraint::Length(dx.host_width()));
    }
    let header = Row::new(header).style(theme.header_row());
    f.render_widget(Table::new(rows, widths).header(header).block(b), area);
}

pub fn detail(v: &VolumesView, f: &mut Frame, area: Rect, dx: &Dx) {
    let lines = match v.selected() {
        Some(vol) => vec![
            dx.kv("Name", vol.name.clone()),
            dx.kv("Driver", vol.driver.clone()),
            dx.kv("Mountpoint", vol.mountpoint.clone()),
            dx.kv("Created", vol.created.clone()),
            dx.kv("Used by", vol.used_by.join(", ")),
            dx.kv(
                "Labels",
                vol.labels
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join("  "),
            ),
        ],
        None => vec![Line::from(Span::styled(
            dx.hints(
                Context::Volumes,
                &[
                    (Action::Create, "creates a volume"),
                    (Action::Remove, "removes"),
                    (Action::Prune, "prunes unused"),
                ],
            ),
            dx.theme.dim(),
        ))],
    };
    dx.details(f, area, lines);
}
