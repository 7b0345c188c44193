//! Drawing of the registries view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::{Level, RegistriesView};
use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::app::registry::short_digest;
use crate::app::resources::human_size;
use crate::views::Dx;
use crate::views::widgets::page_rows;

fn title(v: &RegistriesView) -> String {
    let reg = v.registry().map_or("", |r| r.name.as_str());
    match v.level {
        Level::Registries => format!("{} registries", v.list.len()),
        Level::Repos => format!("{reg} · {} repositories", v.list.len()),
        Level::Tags => format!(
            "{reg} · {} · {} tags",
            v.repo.as_deref().unwrap_or(""),
            v.list.len()
        ),
    }
}

pub fn list(v: &RegistriesView, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    let page = usize::from(area.height.saturating_sub(3));
    let b = dx.block(title(v));
    if let Some(e) = v.error() {
        return dx.message(f, area, b, e.to_string());
    }
    if v.loading() {
        let host = v.registry().map_or("", |r| r.host.as_str());
        return dx.message(f, area, b, format!("Asking {host}…"));
    }
    if v.list.is_empty() {
        let text = match v.level {
            Level::Registries => {
                "No registries: add [[registries]] to the config, or docker login to one."
                    .to_string()
            }
            Level::Repos => "No repositories.".into(),
            Level::Tags => "No tags.".into(),
        };
        return dx.message(f, area, b, text);
    }
    let names = v.names();
    let (header, widths, rows): (Vec<&str>, Vec<Constraint>, Vec<Row>) = match v.level {
        Level::Registries => (
            vec!["NAME", "HOST", "TRANSPORT", "FROM"],
            vec![
                Constraint::Fill(2),
                Constraint::Fill(2),
                Constraint::Length(10),
                Constraint::Fill(1),
            ],
            page_rows(
                &v.list,
                page,
                theme.selected(dx.focused),
                |i| v.registries.get(i),
                |r| {
                    vec![
                        Cell::from(r.name.clone()),
                        Cell::from(r.host.clone()),
                        Cell::from(if r.insecure { "http" } else { "https" }),
                        Cell::from(Span::styled(r.source.clone(), theme.dim())),
                    ]
                },
            ),
        ),
        Level::Repos => (
            vec!["REPOSITORY"],
            vec![Constraint::Fill(1)],
            page_rows(
                &v.list,
                page,
                theme.selected(dx.focused),
                |i| names.get(i),
                |n| vec![Cell::from(n.clone())],
            ),
        ),
        Level::Tags => (
            vec!["", "TAG", "DIGEST", "SIZE", "CREATED", "PLATFORMS"],
            vec![
                Constraint::Length(1),
                Constraint::Fill(2),
                Constraint::Length(19),
                Constraint::Length(9),
                Constraint::Length(20),
                Constraint::Fill(2),
            ],
            page_rows(
                &v.list,
                page,
                theme.selected(dx.focused),
                |i| names.get(i),
                |t| {
                    let mark = if v.marked.as_deref() == Some(t.as_str()) {
                        "*"
                    } else {
                        " "
                    };
                    let mut cells = vec![Cell::from(mark), Cell::from(t.clone())];
                    match v.info.get(t) {
                        Some(Ok(i)) => cells.extend([
                            Cell::from(short_digest(&i.digest)),
                            Cell::from(human_size(i.size)),
                            Cell::from(created(i.created.as_deref())),
                            Cell::from(i.platforms.join(",")),
                        ]),
                        Some(Err(e)) => {
                            cells.push(Cell::from(Span::styled(e.clone(), theme.dim())))
                        }
                        None => cells.push(Cell::from(Span::styled("…", theme.dim()))),
                    }
                    cells
                },
            ),
        ),
    };
    let header = Row::new(header).style(theme.header_row());
    f.render_widget(Table::new(rows, widths).header(header).block(b), area);
}

/// `2024-05-01T10:20:30.123Z` → `2024-05-01 10:20:30`.
fn created(t: Option<&str>) -> String {
    t.map_or(String::new(), |t| {
        t.get(..19).unwrap_or(t).replace('T', " ")
    })
}

pub fn detail(v: &RegistriesView, f: &mut Frame, area: Rect, dx: &Dx) {
    if let Some(lines) = &v.compared {
        let lines = lines.iter().map(|l| Line::from(l.clone())).collect();
        return dx.details(f, area, lines);
    }
    let hint = |actions: &[(Action, &str)]| {
        vec![Line::from(Span::styled(
            dx.hints(Context::Registries, actions),
            dx.theme.dim(),
        ))]
    };
    let lines = match v.level {
        Level::Registries => match v.list.selected().and_then(|i| v.registries.get(i)) {
            Some(r) => vec![
                dx.kv("Name", r.name.clone()),
                dx.kv("Host", r.host.clone()),
                dx.kv(
                    "Transport",
                    if r.insecure {
                        "plain HTTP (insecure)".into()
                    } else {
                        "HTTPS".into()
                    },
                ),
                dx.kv("From", r.source.clone()),
            ],
            None => hint(&[(Action::Open, "opens a registry")]),
        },
        Level::Repos => hint(&[(Action::Open, "lists its tags"), (Action::Close, "back")]),
        Level::Tags => match v.selected().map(|t| (v.info.get(&t), t)) {
            Some((Some(Ok(i)), tag)) => {
                let mut lines = vec![
                    dx.kv("Tag", tag),
                    dx.kv("Digest", i.digest.clone()),
                    dx.kv("Media type", i.media_type.clone()),
                    dx.kv("Size", human_size(i.size)),
                    dx.kv("Created", created(i.created.as_deref())),
                    dx.kv("Platforms", i.platforms.join(", ")),
                    dx.kv("Layers", i.layers.len().to_string()),
                ];
                for (k, val) in &i.labels {
                    lines.push(dx.kv("Label", format!("{k}={val}")));
                }
                lines.extend(hint(&[
                    (Action::Pull, "pulls"),
                    (Action::Remove, "deletes"),
                    (Action::Mark, "marks"),
                    (Action::Compare, "compares with the marked"),
                ]));
                lines
            }
            Some((Some(Err(e)), tag)) => vec![dx.kv("Tag", tag), Line::from(e.clone())],
            _ => hint(&[(Action::Pull, "pulls"), (Action::Close, "back")]),
        },
    };
    dx.details(f, area, lines);
}
