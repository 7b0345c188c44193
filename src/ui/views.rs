//! The images, volumes, networks and engine panes, and the jobs (pull/push/build) pane.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Gauge, Paragraph, Row, Table, Wrap};

use super::theme::Theme;
use crate::app::State;
use crate::app::images::human_size;
use crate::app::model::human_duration;
use crate::app::state::Focus;
use crate::app::views::{Cursor, Kind, View};
use crate::app::views_update::{network_rows, volume_rows};

/// "1 Containers  2 Images  …" with the current view highlighted.
pub fn view_tabs(state: &State, theme: &Theme) -> Vec<Span<'static>> {
    let mut tabs: Vec<Span> = vec![Span::raw(" ")];
    for (i, v) in View::ALL.iter().enumerate() {
        let label = format!("{} {}", i + 1, v.title());
        if *v == state.view {
            tabs.push(Span::styled(label, theme.title()));
        } else {
            tabs.push(Span::styled(label, theme.dim()));
        }
        tabs.push(Span::raw(" "));
    }
    tabs
}

fn block<'a>(title: String, state: &State, theme: &Theme, focused: bool) -> Block<'a> {
    let mut tabs = view_tabs(state, theme);
    tabs.push(Span::styled(format!(" {title} "), theme.accent()));
    let mut b = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .title(Line::from(tabs));
    if !state.filter.text.is_empty() || state.filter.active {
        let cursor = if state.filter.active { "▏" } else { "" };
        b = b.title_bottom(Line::from(vec![
            Span::styled(" filter: ", theme.accent()),
            Span::raw(format!("{}{cursor} ", state.filter.text)),
        ]));
    }
    b
}

fn message(f: &mut Frame, area: Rect, b: Block, text: String, theme: &Theme) {
    f.render_widget(
        Paragraph::new(text)
            .style(theme.dim())
            .wrap(Wrap { trim: false })
            .block(b),
        area,
    );
}

fn ago(state: &State, t: i64) -> String {
    if t <= 0 {
        return String::new();
    }
    format!("{} ago", human_duration(state.now - t))
}

/// One page of a list: `rows` index the items `get` returns, starting at the cursor's offset;
/// the selected row is highlighted.
pub(super) fn page_rows<'a, T: 'a>(
    rows: &[usize],
    cur: Cursor,
    page: usize,
    selected: Style,
    get: impl Fn(usize) -> Option<&'a T>,
    cells: impl Fn(&'a T) -> Vec<Cell<'a>>,
) -> Vec<Row<'a>> {
    rows.iter()
        .enumerate()
        .skip(cur.off)
        .take(page)
        .filter_map(|(pos, i)| get(*i).map(|x| (pos, x)))
        .map(|(pos, x)| {
            let row = Row::new(cells(x));
            if pos == cur.sel {
                row.style(selected)
            } else {
                row
            }
        })
        .collect()
}

/// The list pane of the current view.
pub fn draw_list(f: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let focused = state.focus == Focus::List;
    let v = &state.views;
    let page = usize::from(area.height.saturating_sub(3));
    match state.view {
        View::Events => {
            let log = &v.events;
            use crate::app::events::History;
            let count = if log.rows.len() == log.len() {
                format!("{} events", log.len())
            } else {
                format!("{} of {} events", log.rows.len(), log.len())
            };
            let past = match &log.history {
                History::NotAsked => String::new(),
                History::Loading => " · loading the last hour…".into(),
                History::Loaded(_) => " · from an hour before dockside started".into(),
                History::Failed(e) => format!(" · earlier events unavailable: {e}"),
            };
            let title = format!("{count}{past}");
            let b = block(title, state, theme, focused);
            super::events::draw_list(f, area, state, theme, b);
        }
        View::Images => {
            let b = block(
                format!(
                    "{} images{} · sorted by {}{}",
                    v.image_rows.len(),
                    if v.show_dangling {
                        " (with dangling)"
                    } else {
                        ""
                    },
                    v.image_sort.label(),
                    if v.image_sort_rev { "▼" } else { "▲" }
                ),
                state,
                theme,
                focused,
            );
            let Some(images) = &v.images else {
                let text = v.error(Kind::Images).map_or("Loading images…".into(), |e| {
                    format!("Cannot list images: {e}")
                });
                return message(f, area, b, text, theme);
            };
            if v.image_rows.is_empty() {
                return message(
                    f,
                    area,
                    b,
                    "No images. p pulls one, b builds one.".into(),
                    theme,
                );
            }
            let rows = page_rows(
                &v.image_rows,
                v.image_cur,
                page,
                theme.selected(focused),
                |i| images.get(i),
                |img| {
                    let used = if img.containers > 0 {
                        img.containers.to_string()
                    } else {
                        String::new()
                    };
                    vec![
                        Cell::from(img.name().to_string()),
                        Cell::from(Span::styled(img.short_id().to_string(), theme.dim())),
                        Cell::from(human_size(img.size)),
                        Cell::from(ago(state, img.created)),
                        Cell::from(used),
                    ]
                },
            );
            let header = Row::new(vec!["REPOSITORY:TAG", "ID", "SIZE", "CREATED", "USED BY"])
                .style(theme.header_row());
            let widths = [
                Constraint::Fill(3),
                Constraint::Length(12),
                Constraint::Length(10),
                Constraint::Length(16),
                Constraint::Length(8),
            ];
            f.render_widget(Table::new(rows, widths).header(header).block(b), area);
        }
        View::Volumes => {
            let rows_idx = volume_rows(state);
            let b = block(format!("{} volumes", rows_idx.len()), state, theme, focused);
            let Some(vols) = &v.volumes else {
                let text = v
                    .error(Kind::Volumes)
                    .map_or("Loading volumes…".into(), |e| {
                        format!("Cannot list volumes: {e}")
                    });
                return message(f, area, b, text, theme);
            };
            if rows_idx.is_empty() {
                return message(f, area, b, "No volumes. c creates one.".into(), theme);
            }
            let rows = page_rows(
                &rows_idx,
                v.volume_cur,
                page,
                theme.selected(focused),
                |i| vols.get(i),
                |vol| {
                    vec![
                        Cell::from(vol.display_name().to_string()),
                        Cell::from(vol.driver.clone()),
                        Cell::from(vol.used_by.join(", ")),
                        Cell::from(vol.size_text()),
                        Cell::from(Span::styled(vol.mountpoint.clone(), theme.dim())),
                    ]
                },
            );
            let header = Row::new(vec!["NAME", "DRIVER", "USED BY", "SIZE", "MOUNTPOINT"])
                .style(theme.header_row());
            let widths = [
                Constraint::Fill(2),
                Constraint::Length(8),
                Constraint::Fill(2),
                Constraint::Length(9),
                Constraint::Fill(3),
            ];
            f.render_widget(Table::new(rows, widths).header(header).block(b), area);
        }
        View::Networks => {
            let rows_idx = network_rows(state);
            let b = block(
                format!("{} networks", rows_idx.len()),
                state,
                theme,
                focused,
            );
            let Some(nets) = &v.networks else {
                let text = v
                    .error(Kind::Networks)
                    .map_or("Loading networks…".into(), |e| {
                        format!("Cannot list networks: {e}")
                    });
                return message(f, area, b, text, theme);
            };
            let rows = page_rows(
                &rows_idx,
                v.network_cur,
                page,
                theme.selected(focused),
                |i| nets.get(i),
                |n| {
                    vec![
                        Cell::from(n.name.clone()),
                        Cell::from(n.driver.clone()),
                        Cell::from(n.scope.clone()),
                        Cell::from(n.subnets_text()),
                        Cell::from(n.containers.len().to_string()),
                        Cell::from(Span::styled(n.short_id().to_string(), theme.dim())),
                    ]
                },
            );
            let header = Row::new(vec![
                "NAME",
                "DRIVER",
                "SCOPE",
                "SUBNET / GATEWAY",
                "CONTAINERS",
                "ID",
            ])
            .style(theme.header_row());
            let widths = [
                Constraint::Fill(2),
                Constraint::Length(8),
                Constraint::Length(6),
                Constraint::Fill(3),
                Constraint::Length(10),
                Constraint::Length(12),
            ];
            f.render_widget(Table::new(rows, widths).header(header).block(b), area);
        }
        View::Engine => {
            let b = block("disk usage".into(), state, theme, focused);
            let Some(d) = &v.disk else {
                let text = v
                    .error(Kind::DiskUsage)
                    .map_or("Loading disk usage…".into(), |e| {
                        format!("Cannot read disk usage: {e}")
                    });
                return message(f, area, b, text, theme);
            };
            let rows: Vec<Row> = d
                .rows()
                .iter()
                .map(|(name, u)| {
                    Row::new(vec![
                        Cell::from(*name),
                        Cell::from(u.count.to_string()),
                        Cell::from(u.active.to_string()),
                        Cell::from(crate::app::resources::human_size(u.size)),
                        Cell::from(u.reclaimable_text()),
                    ])
                })
                .collect();
            let header = Row::new(vec!["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"])
                .style(theme.header_row());
            let widths = [
                Constraint::Length(14),
                Constraint::Length(8),
                Constraint::Length(8),
                Constraint::Length(12),
                Constraint::Fill(1),
            ];
            f.render_widget(Table::new(rows, widths).header(header).block(b), area);
        }
        View::Containers => {}
    }
}

/// The detail pane of the current view.
pub fn draw_detail(f: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let focused = state.focus == Focus::Detail;
    let v = &state.views;
    let b = |title: &str| {
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border(focused))
            .title(Span::styled(format!(" {title} "), theme.title()))
    };
    if state.view == View::Events {
        return super::events::draw_detail(f, area, state, theme);
    }
    if state.view == View::Images
        && (state.show_jobs || v.image_detail.is_none())
        && !v.jobs.is_empty()
    {
        return jobs(f, area, state, theme, b("Jobs (J toggles)"));
    }
    let lines: Vec<Line> = match state.view {
        View::Images => match &v.image_detail {
            Some(d) => {
                let mut l = vec![
                    kv(theme, "Tags", d.tags.join(", ")),
                    kv(theme, "Id", d.id.clone()),
                    kv(theme, "Entrypoint", d.entrypoint.join(" ")),
                    kv(theme, "Cmd", d.cmd.join(" ")),
                    kv(theme, "Env", d.env.join("  ")),
                    kv(theme, "Ports", d.exposed_ports.join(", ")),
                    kv(theme, "Volumes", d.volumes.join(", ")),
                    kv(theme, "Arch / OS", format!("{} / {}", d.architecture, d.os)),
                    kv(
                        theme,
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
            None => vec![Line::from(Span::styled(
                "enter inspects the image (config and layer history). p pull · b build · T tag · P push · r run · D remove · X prune",
                theme.dim(),
            ))],
        },
        View::Volumes => match v.volumes.as_ref().and_then(|vs| {
            volume_rows(state)
                .get(v.volume_cur.sel)
                .and_then(|i| vs.get(*i))
        }) {
            Some(vol) => vec![
                kv(theme, "Name", vol.name.clone()),
                kv(theme, "Driver", vol.driver.clone()),
                kv(theme, "Mountpoint", vol.mountpoint.clone()),
                kv(theme, "Created", vol.created.clone()),
                kv(theme, "Used by", vol.used_by.join(", ")),
                kv(
                    theme,
                    "Labels",
                    vol.labels
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join("  "),
                ),
            ],
            None => vec![Line::from(Span::styled(
                "c creates a volume · D removes · X prunes unused",
                theme.dim(),
            ))],
        },
        View::Networks => match v.networks.as_ref().and_then(|ns| {
            network_rows(state)
                .get(v.network_cur.sel)
                .and_then(|i| ns.get(*i))
        }) {
            Some(n) => {
                let mut l = vec![
                    kv(theme, "Name", n.name.clone()),
                    kv(
                        theme,
                        "Driver / scope",
                        format!("{} / {}", n.driver, n.scope),
                    ),
                    kv(theme, "Subnet", n.subnets_text()),
                    kv(theme, "Internal", n.internal.to_string()),
                    Line::from(Span::styled("Containers", theme.title())),
                ];
                for (name, ip) in &n.containers {
                    l.push(Line::from(format!("  {name:<30} {ip}")));
                }
                l
            }
            None => vec![Line::from(Span::styled(
                "c creates · C connects · x disconnects · D removes · X prunes",
                theme.dim(),
            ))],
        },
        View::Engine => match &v.info {
            Some(info) => info
                .iter()
                .map(|(k, val)| kv(theme, k, val.clone()))
                .collect(),
            None => vec![Line::from(Span::styled(
                "Loading engine info…",
                theme.dim(),
            ))],
        },
        View::Containers | View::Events => Vec::new(),
    };
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(b("Details")),
        area,
    );
}

fn kv(theme: &Theme, k: &str, v: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{k:<15}"), theme.accent()),
        Span::raw(v),
    ])
}

/// Pull/push/build progress: per-layer bars, a total, and the last lines.
fn jobs(f: &mut Frame, area: Rect, state: &State, theme: &Theme, b: Block) {
    let inner = b.inner(area);
    f.render_widget(b, area);
    let Some(job) = state.views.current_job() else {
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
        Span::styled("running (c cancels)", theme.warn())
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
