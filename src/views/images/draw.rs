//! Drawing of the images view: the list, the inspected image, the jobs' progress.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Gauge, Paragraph, Row, Table};

use super::ImagesView;
use crate::app::action::Action;
use crate::app::images::human_size;
use crate::app::keymap::Context;
use crate::views::Dx;
use crate::views::widgets::page_rows;

pub fn list(v: &ImagesView, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    let page = usize::from(area.height.saturating_sub(3));
    let marked = if v.marked.is_empty() {
        String::new()
    } else {
        format!(", {} marked", v.marked.len())
    };
    let b = dx.block(format!(
        "{} images{}{marked} · sorted by {}{}",
        v.list.len(),
        if v.show_dangling {
            " (with dangling)"
        } else {
            ""
        },
        v.sort.label(),
        if v.sort_rev { "▼" } else { "▲" }
    ));
    let Some(images) = &v.images else {
        let text = v.error.as_ref().map_or("Loading images…".into(), |e| {
            format!("Cannot list images: {e}")
        });
        return dx.message(f, area, b, text);
    };
    if v.list.is_empty() {
        let hint = dx.hints(
            Context::Images,
            &[(Action::Pull, "pulls one"), (Action::Build, "builds one")],
        );
        return dx.message(f, area, b, format!("No images. {hint}."));
    }
    // The registry column once the registries were asked (U).
    let checked = !v.fresh.remote.is_empty();
    // Several engines' images: which one each is on.
    let merged = images.iter().any(|i| i.host.is_some());
    let rows = page_rows(
        &v.list,
        page,
        theme.selected(dx.focused),
        |i| images.get(i),
        |img| {
            let used = if img.containers > 0 {
                img.containers.to_string()
            } else {
                String::new()
            };
            let mark = if v.marked.contains(&super::row_ref(img)) {
                "● "
            } else {
                "  "
            };
            let fresh = match v.fresh.badge(img, img.name()) {
                Some("outdated") => Span::styled("outdated", theme.warn()),
                Some("?") => Span::styled("?", theme.bad()),
                Some(b) => Span::styled(b, theme.dim()),
                None => Span::raw(""),
            };
            let mut cells = vec![
                Cell::from(Line::from(vec![
                    Span::styled(mark, theme.marked()),
                    Span::raw(img.name().to_string()),
                ])),
                Cell::from(Span::styled(img.short_id().to_string(), theme.dim())),
                Cell::from(human_size(img.size)),
                Cell::from(dx.ago(img.created)),
                Cell::from(used),
            ];
            if checked {
                cells.push(Cell::from(fresh));
            }
            if merged {
                cells.insert(1, Cell::from(dx.host_name(img.host)));
            }
            cells
        },
    );
    let mut header = vec!["  REPOSITORY:TAG", "ID", "SIZE", "CREATED", "USED BY"];
    let mut widths = vec![
        Constraint::Fill(3),
        Constraint::Length(12),
        Constraint::Length(10),
        Constraint::Length(16),
        Constraint::Length(8),
    ];
    if checked {
        header.push("REGISTRY");
        widths.push(Constraint::Length(8));
    }
    if merged {
        header.insert(1, "HOST");
        widths.insert(1, Constraint::Length(dx.host_width()));
    }
    let header = Row::new(header).style(theme.header_row());
    f.render_widget(Table::new(rows, widths).header(header).block(b), area);
}

pub fn detail(v: &ImagesView, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    if (v.show_jobs || v.detail.is_none()) && !v.jobs.is_empty() {
        let title = match dx.keymap.key_for(Context::Images, Action::Jobs) {
            Some(k) => format!("Jobs ({k} toggles)"),
            None => "Jobs".into(),
        };
        return jobs(v, f, area, dx, dx.detail_block(&title));
    }
    let lines = match &v.detail {
        Some(d) => {
            let mut l = vec![
                dx.kv("Tags", d.tags.join(", ")),
                dx.kv("Id", d.id.clone()),
                dx.kv("Entrypoint", d.entrypoint.join(" ")),
                dx.kv("Cmd", d.cmd.join(" ")),
                dx.kv("Env", d.env.join("  ")),
                dx.kv("Ports", d.exposed_ports.join(", ")),
                dx.kv("Volumes", d.volumes.join(", ")),
                dx.kv("Arch / OS", format!("{} / {}", d.architecture, d.os)),
                dx.kv(
                    "Labels",
                    d.labels
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join("  "),
                ),
                Line::from(Span::styled("History", theme.title())),
            ];
            for h in &d.history {
                l.push(Line::from(vec![
                    Span::styled(format!("{:>9} ", human_size(h.size)), theme.dim()),
                    Span::raw(crate::app::sanitize::plain(&h.created_by)),
                ]));
            }
            l
        }
        None => {
            let hint = dx.hints(
                Context::Images,
                &[
                    (Action::Pull, "pull"),
                    (Action::Build, "build"),
                    (Action::Tag, "tag"),
                    (Action::Push, "push"),
                    (Action::RunForm, "run"),
                    (Action::Remove, "remove"),
                    (Action::Prune, "prune"),
                ],
            );
            let inspect = dx
                .keymap
                .key_for(Context::Images, Action::Inspect)
                .unwrap_or_default();
            vec![Line::from(Span::styled(
                format!("{inspect} inspects the image (config and layer history). {hint}"),
                theme.dim(),
            ))]
        }
    };
    dx.details(f, area, lines);
}

/// Pull/push/build progress: per-layer bars, a total, and the last lines.
fn jobs(v: &ImagesView, f: &mut Frame, area: Rect, dx: &Dx, b: Block) {
    let theme = dx.theme;
    let inner = b.inner(area);
    f.render_widget(b, area);
    let Some(job) = v.jobs.current() else {
        return;
    };
    let p = &job.progress;
    let mut y = inner.y;
    let bottom = inner.y + inner.height;
    let status = if let Some(e) = p.error() {
        Span::styled(format!("failed: {e}"), theme.bad())
    } else if p.is_done() {
        Span::styled("done", theme.ok())
    } else {
        let cancel = match dx.keymap.key_for(Context::Images, Action::Cancel) {
            Some(k) => format!("running ({k} cancels)"),
            None => "running".into(),
        };
        Span::styled(cancel, theme.warn())
    };
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!("{}  ", job.title), theme.title()),
            status,
        ])),
        Rect::new(inner.x, y, inner.width, 1),
    );
    y += 1;
    let (cur, total) = p.total();
    if total > 0 && y < bottom {
        let ratio = (cur as f64 / total as f64).clamp(0.0, 1.0);
        f.render_widget(
            Gauge::default()
                .ratio(ratio)
                .label(format!(
                    "total {} / {}",
                    human_size(cur as i64),
                    human_size(total as i64)
                ))
                .gauge_style(theme.accent()),
            Rect::new(inner.x, y, inner.width, 1),
        );
        y += 1;
    }
    for layer in p.layers() {
        if y >= bottom {
            break;
        }
        let label = format!(
            "{:<12} {}",
            layer.id.chars().take(12).collect::<String>(),
            layer.status
        );
        match layer.fraction() {
            Some(r) if !layer.complete => {
                f.render_widget(
                    Gauge::default()
                        .ratio(r.clamp(0.0, 1.0))
                        .label(label)
                        .gauge_style(theme.ok()),
                    Rect::new(inner.x, y, inner.width, 1),
                );
            }
            _ => f.render_widget(
                Paragraph::new(label).style(theme.dim()),
                Rect::new(inner.x, y, inner.width, 1),
            ),
        }
        y += 1;
    }
    if y < bottom {
        let room = usize::from(bottom - y);
        let lines: Vec<Line> = p
            .lines()
            .rev()
            .take(room)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .map(|l| Line::from(crate::app::sanitize::plain(l)))
            .collect();
        f.render_widget(
            Paragraph::new(lines),
            Rect::new(inner.x, y, inner.width, bottom - y),
        );
    }
}
