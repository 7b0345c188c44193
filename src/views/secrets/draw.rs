//! Drawing of the secrets and configs view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::SecretsView;
use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::app::resources::human_size;
use crate::app::swarm::{SecretKind, refusal_text};
use crate::views::Dx;
use crate::views::widgets::page_rows;

pub fn list(v: &SecretsView, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    let page = usize::from(area.height.saturating_sub(3));
    let tabs = [SecretKind::Secret, SecretKind::Config]
        .iter()
        .map(|k| {
            let n = v
                .listing(*k)
                .items
                .as_ref()
                .map_or(String::new(), |l| format!(" {}", l.len()));
            if *k == v.tab {
                format!("[{}s{n}]", k.noun())
            } else {
                format!("{}s{n}", k.noun())
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    let b = dx.block(tabs);
    let listing = v.listing(v.tab);
    let Some(all) = &listing.items else {
        let what = format!("{}s", v.tab.noun());
        let text = listing
            .error
            .as_ref()
            .map_or(format!("Loading {what}…"), |e| refusal_text(&what, e));
        return dx.message(f, area, b, text);
    };
    let rows = page_rows(
        &v.list,
        page,
        theme.selected(dx.focused),
        |i| all.get(i),
        |x| {
            vec![
                Cell::from(x.name.clone()),
                Cell::from(Span::styled(
                    x.stack().unwrap_or("").to_string(),
                    theme.dim(),
                )),
                // The stack has its column.
                Cell::from(
                    x.labels
                        .iter()
                        .filter(|(k, _)| k.as_str() != crate::app::swarm::STACK_LABEL)
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                Cell::from(Span::styled(dx.ago(x.created), theme.dim())),
                Cell::from(Span::styled(dx.ago(x.updated), theme.dim())),
                Cell::from(Span::styled(x.short_id().to_string(), theme.dim())),
            ]
        },
    );
    let header = Row::new(vec!["NAME", "STACK", "LABELS", "CREATED", "UPDATED", "ID"])
        .style(theme.header_row());
    let widths = [
        Constraint::Fill(2),
        Constraint::Fill(1),
        Constraint::Fill(2),
        Constraint::Length(16),
        Constraint::Length(16),
        Constraint::Length(12),
    ];
    f.render_widget(Table::new(rows, widths).header(header).block(b), area);
}

pub fn detail(v: &SecretsView, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    let Some(x) = v.selected() else {
        let hints = dx.hints(
            Context::Secrets,
            &[
                (Action::NextTab, "switches secrets/configs"),
                (Action::Create, "creates one from a file"),
                (Action::Remove, "removes"),
            ],
        );
        return dx.details(f, area, vec![Line::from(Span::styled(hints, theme.dim()))]);
    };
    let noun = v.tab.noun();
    let mut l = vec![
        dx.kv(
            if v.tab == SecretKind::Secret {
                "Secret"
            } else {
                "Config"
            },
            x.name.clone(),
        ),
        dx.kv("ID", x.id.clone()),
        dx.kv(
            "Created",
            format!("{} · updated {}", dx.ago(x.created), dx.ago(x.updated)),
        ),
    ];
    if !x.driver.is_empty() {
        l.push(dx.kv("Driver", x.driver.clone()));
    }
    for (k, val) in &x.labels {
        l.push(dx.kv("Label", format!("{k}={val}")));
    }
    l.push(match x.size {
        Some(n) => dx.kv("Size", human_size(n)),
        None => dx.kv(
            "Value",
            format!("never shown: a {noun}'s value stays in the swarm"),
        ),
    });
    dx.details(f, area, l);
}
