//! The containers pane.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use crate::app::State;
use crate::app::model::{CState, Container, Health, ports_display};
use crate::app::msg::ConnStatus;
use crate::app::state::{Focus, SortKey};
use crate::app::stats::{fmt_bytes_binary, fmt_percent};

/// Icon and style for a container's state.
pub fn state_icon(c: &Container, theme: &Theme) -> (&'static str, Style) {
    match c.state {
        CState::Running => match c.health {
            Some(Health::Unhealthy) => ("●", theme.bad()),
            Some(Health::Starting) => ("●", theme.warn()),
            _ => ("●", theme.ok()),
        },
        CState::Paused => ("‖", theme.warn()),
        CState::Restarting => ("↻", theme.warn()),
        CState::Created => ("+", theme.dim()),
        CState::Removing => ("✖", theme.warn()),
        CState::Exited if c.exit_code.unwrap_or(0) != 0 => ("■", theme.bad()),
        CState::Exited => ("■", theme.dim()),
        CState::Dead => ("✖", theme.bad()),
        CState::Unknown => ("?", theme.dim()),
    }
}

fn sort_label(state: &State, key: SortKey, label: &'static str) -> String {
    if state.sort == key {
        format!("{label}{}", if state.sort_desc { "▼" } else { "▲" })
    } else {
        label.to_string()
    }
}

pub fn draw(f: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let focused = state.focus == Focus::List;
    let (running, total) = state.counts();
    let mut title = vec![
        Span::raw(" "),
        Span::styled("Containers", theme.title()),
        Span::raw(format!(
            " {}/{} ",
            state
                .rows
                .iter()
                .filter(|id| state.containers.contains_key(id))
                .count(),
            total
        )),
    ];
    if state.group_projects {
        title.push(Span::styled("· by project ", theme.dim()));
    }
    if area.width >= 100 {
        // The other views, each with the key that shows it.
        let others: Vec<String> = crate::views::View::ALL
            .iter()
            .filter(|v| **v != crate::views::View::Containers)
            .filter_map(|v| {
                let key = state
                    .keymap
                    .key_for(crate::app::keymap::Context::Global, v.action())?;
                Some(format!("{key} {}", v.title()))
            })
            .collect();
        let wide = area.width >= 160;
        let text = if wide {
            format!("· {} ", others.join(" "))
        } else {
            let keys: Vec<&str> = others.iter().filter_map(|o| o.split(' ').next()).collect();
            format!("· views {} ", keys.join(" "))
        };
        title.push(Span::styled(text, theme.dim()));
    }
    // A sort without a column on screen to carry its arrow says so here.
    let sort_shown = match state.sort {
        SortKey::Created => false,
        SortKey::Id => area.width.saturating_sub(2) >= 150,
        SortKey::Project => {
            area.width.saturating_sub(2) >= 110
                && state.containers.values().any(|c| c.project.is_some())
        }
        _ => true,
    };
    if !sort_shown {
        let label = sort_label(state, state.sort, state.sort.label()).to_lowercase();
        title.push(Span::styled(format!("· by {label} "), theme.dim()));
    }
    if !state.show_all {
        title.push(Span::styled("(running only) ", theme.dim()));
    }
    if !state.live_stats {
        title.push(Span::styled("(stats off) ", theme.dim()));
    }
    if !state.marked.is_empty() {
        title.push(Span::styled(
            format!("{} marked ", state.marked.len()),
            theme.marked(),
        ));
    }
    let _ = running;
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .title(Line::from(title));
    if !state.filter.text.is_empty() || state.filter.active {
        let cursor = if state.filter.active { "▏" } else { "" };
        block = block.title_bottom(Line::from(vec![
            Span::styled(" filter: ", theme.accent()),
            Span::raw(format!("{}{cursor} ", state.filter.text)),
        ]));
    }

    if state.rows.is_empty() {
        let msg = match &state.conn {
            ConnStatus::Connecting { addr } => format!("Connecting to {addr}…"),
            ConnStatus::Failed { addr, error, .. } => format!(
                "Cannot reach the Docker engine at {addr}:\n{error}\n\nRetrying with backoff; dockside connects by itself when the engine answers.\nSet the address with -H/--host, DOCKER_HOST or `docker context use`."
            ),
            ConnStatus::Connected { .. } if !state.filter.text.is_empty() => {
                format!("No container matches `{}` (esc clears the filter).", state.filter.text)
            }
            ConnStatus::Connected { .. } if total > 0 => {
                "No running containers (a shows stopped ones).".to_string()
            }
            ConnStatus::Connected { .. } => {
                "No containers on this engine yet. Start one with `docker run`, it appears here at once.".to_string()
            }
        };
        let style = if matches!(state.conn, ConnStatus::Failed { .. }) {
            theme.bad()
        } else {
            theme.dim()
        };
        f.render_widget(
            Paragraph::new(msg)
                .style(style)
                .wrap(Wrap { trim: false })
                .block(block),
            area,
        );
        return;
    }

    let inner_w = area.width.saturating_sub(2);
    let show_id = inner_w >= 150;
    let show_project = inner_w >= 110 && state.containers.values().any(|c| c.project.is_some());
    let wide = show_project;
    // Columns as wide as their widest visible value, within a share of the width.
    let widest = |f: &dyn Fn(&Container) -> usize| -> u16 {
        state
            .visible_rows()
            .iter()
            .filter_map(|id| state.containers.get(id))
            .map(f)
            .max()
            .unwrap_or(0)
            .min(usize::from(u16::MAX)) as u16
    };
    // Grouped: a container of a group is indented under it, the group row names it.
    let indent = |c: &Container| usize::from(state.group_projects && c.project.is_some()) * 2;
    let group_w = state
        .visible_rows()
        .iter()
        .filter_map(|k| crate::app::groups::parse(k))
        .map(|(_, p)| p.width() + 2)
        .max()
        .unwrap_or(0) as u16;
    let name_w = (widest(&|c| {
        let n = match &c.project {
            Some(p) => p.width() + 1 + c.service.as_deref().unwrap_or(&c.name).width(),
            None => c.name.width(),
        };
        n.max(c.name.width()) + indent(c)
    })
    .max(group_w)
        + 1)
    .clamp(12, (inner_w * 30 / 100).max(12));
    let image_w = (widest(&|c| c.image.width()) + 1).clamp(10, (inner_w * 22 / 100).max(10));
    // STATUS as wide as its longest text on screen (`Up 2 hours (unhealthy)` whole when
    // there is room), the project column too; PORTS takes the rest.
    let status_w = (widest(&|c| {
        let pending = state.pending.get(&c.id).map_or(0, |p| p.width() + 1);
        c.status_text(state.now).width().max(pending)
    }) + 1)
        .clamp(
            10,
            (inner_w * if inner_w >= 110 { 28 } else { 23 } / 100).max(10),
        );
    let project_w = (widest(&|c| {
        c.project.as_deref().map_or(0, str::width)
            + c.service.as_deref().map_or(0, |s| s.width() + 1)
    }) + 1)
        .clamp(16, (inner_w * 20 / 100).max(16));
    // Several engines: which one each row lives on.
    let show_host = state.fleet.several();
    let host_w = (widest(&|c| state.fleet.name(c.host).width()) + 1).clamp(5, 16);
    let mut widths = vec![Constraint::Length(2)];
    if show_host {
        widths.push(Constraint::Length(host_w));
    }
    widths.extend([
        Constraint::Length(name_w),
        Constraint::Length(image_w),
        Constraint::Length(status_w),
        Constraint::Length(6),
        Constraint::Length(8),
    ]);
    let mut header = vec![Cell::from("")];
    if show_host {
        header.push(Cell::from("HOST"));
    }
    header.extend([
        Cell::from(sort_label(state, SortKey::Name, "NAME")),
        Cell::from(sort_label(state, SortKey::Image, "IMAGE")),
        Cell::from(sort_label(state, SortKey::State, "STATUS")),
        Cell::from(sort_label(state, SortKey::Cpu, "CPU")),
        Cell::from(sort_label(state, SortKey::Mem, "MEM")),
    ]);
    if show_id {
        widths.push(Constraint::Length(13));
        header.push(Cell::from(sort_label(state, SortKey::Id, "ID")));
    }
    if show_project {
        widths.push(Constraint::Length(project_w));
        header.push(Cell::from(sort_label(
            state,
            SortKey::Project,
            "PROJECT/SERVICE",
        )));
    }
    widths.push(Constraint::Fill(1));
    header.push(Cell::from(sort_label(state, SortKey::Ports, "PORTS")));

    let sel = state.selected.as_deref();
    let columns = widths.len();
    let rows: Vec<Row> = state
        .visible_rows()
        .iter()
        .filter_map(|id| match state.containers.get(id) {
            Some(c) => Some(Ok(c)),
            None => crate::app::groups::is_group(id).then_some(Err(id.as_str())),
        })
        .map(|c| {
            let c = match c {
                Ok(c) => c,
                Err(key) => {
                    let mut row = Row::new(group_cells(state, key, theme, show_host, columns));
                    if Some(key) == sel {
                        row = row.style(theme.selected(focused));
                    }
                    return row;
                }
            };
            let (icon, icon_style) = state_icon(c, theme);
            let marked = state.marked.contains(&c.id);
            let mark = if marked { "▌" } else { " " };
            // A row of an engine that stopped answering: greyed, saying since when.
            let down = state
                .fleet
                .host(c.host)
                .filter(|h| show_host && !h.connected())
                .map(|h| h.down_since.unwrap_or(state.now));
            let status = match state.pending.get(&c.id) {
                _ if down.is_some() => Span::styled(
                    format!(
                        "unreachable {}",
                        crate::app::engines::short_duration(state.now - down.unwrap_or(state.now))
                    ),
                    theme.bad(),
                ),
                Some(p) => Span::styled(format!("{p}…"), theme.warn()),
                None => {
                    let style = match (c.state, c.health) {
                        (_, Some(Health::Unhealthy)) => theme.bad(),
                        (CState::Running, _) => Style::default(),
                        _ => theme.dim(),
                    };
                    Span::styled(c.status_text(state.now), style)
                }
            };
            let (cpu, mem) = match state.stats.get(&c.id).and_then(|h| h.latest()) {
                _ if !state.live_stats => ("–".into(), "–".into()),
                Some(s) if c.state == CState::Running => {
                    (fmt_percent(s.cpu_percent), fmt_bytes_binary(s.mem_used))
                }
                _ if c.state == CState::Running => ("…".into(), "…".into()),
                _ => (String::new(), String::new()),
            };
            let name = match (&c.project, wide) {
                // Under its group row: the project is said there.
                (Some(_), _) if state.group_projects => Line::from(format!("  {}", c.name)),
                (Some(p), false) => Line::from(vec![
                    Span::styled(format!("{p}/"), theme.dim()),
                    Span::raw(c.service.clone().unwrap_or_else(|| c.name.clone())),
                ]),
                _ => Line::from(c.name.clone()),
            };
            let mut cells = vec![Cell::from(Line::from(vec![
                Span::styled(mark, theme.marked()),
                Span::styled(icon, icon_style),
            ]))];
            if show_host {
                cells.push(Cell::from(Span::styled(
                    state.fleet.name(c.host).to_string(),
                    theme.accent(),
                )));
            }
            cells.extend([
                Cell::from(name),
                Cell::from(crate::ui::util::image_cell(state, c, theme)),
                Cell::from(status),
                Cell::from(cpu),
                Cell::from(mem),
            ]);
            if show_id {
                cells.push(Cell::from(Span::styled(
                    c.short_id().to_string(),
                    theme.dim(),
                )));
            }
            if show_project {
                let p = match (&c.project, &c.service) {
                    (Some(p), Some(svc)) => format!("{p}/{svc}"),
                    (Some(p), None) => p.clone(),
                    _ => String::new(),
                };
                cells.push(Cell::from(p));
            }
            cells.push(Cell::from(ports_display(&c.ports)));
            let mut row = Row::new(cells);
            if Some(c.id.as_str()) == sel {
                row = row.style(theme.selected(focused));
            } else if down.is_some() {
                row = row.style(theme.dim());
            } else if marked {
                row = row.style(Style::default().add_modifier(Modifier::BOLD));
            }
            row
        })
        .collect();
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.header_row()))
        .column_spacing(1)
        .block(block);
    f.render_widget(table, area);
}

/// A group row of the grouped list: folded or not, the project, its state over all its
/// containers ("running 2/3", coloured as in the projects view), how many it has.
fn group_cells<'a>(
    state: &'a State,
    key: &'a str,
    theme: &Theme,
    show_host: bool,
    columns: usize,
) -> Vec<Cell<'a>> {
    use crate::views::projects::PState;
    let members = state.group_members(key);
    let (host, name) = crate::app::groups::parse(key).unwrap_or_default();
    let project = crate::views::projects::model::derive(members.iter().copied())
        .into_iter()
        .next();
    let (text, style) = match &project {
        Some(p) => (
            p.state_text(),
            match p.state() {
                PState::Running => theme.ok(),
                PState::Partly | PState::Paused => theme.warn(),
                PState::Exited => theme.bad(),
            },
        ),
        None => (String::new(), theme.dim()),
    };
    let all_marked = !members.is_empty() && members.iter().all(|c| state.marked.contains(&c.id));
    let folded = state.collapsed.contains(key);
    let mut cells = vec![Cell::from(Line::from(vec![
        Span::styled(if all_marked { "▌" } else { " " }, theme.marked()),
        Span::styled(if folded { "▸" } else { "▾" }, theme.accent()),
    ]))];
    if show_host {
        cells.push(Cell::from(Span::styled(
            state.fleet.name(host).to_string(),
            theme.accent(),
        )));
    }
    let n = members.len();
    cells.extend([
        Cell::from(Span::styled(name, theme.title())),
        Cell::from(Span::styled(
            format!("{n} container{}", if n == 1 { "" } else { "s" }),
            theme.dim(),
        )),
        Cell::from(Span::styled(text, style)),
    ]);
    while cells.len() < columns {
        cells.push(Cell::from(""));
    }
    cells
}
