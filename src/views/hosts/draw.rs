//! Drawing of the hosts view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::{HostRow, HostsView};
use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::app::msg::ConnStatus;
use crate::app::resources::human_size;
use crate::views::Dx;
use crate::views::widgets::page_rows;

/// The STATE column: connected; or unreachable, since when, and why.
pub fn state_text(h: &HostRow, dx: &Dx) -> String {
    if h.off {
        return "disconnected".into();
    }
    match &h.conn {
        Some(ConnStatus::Connected { .. }) => "connected".into(),
        Some(ConnStatus::Failed { error, .. }) => {
            let since = h
                .down_since
                .map(|t| format!(" since {}", dx.ago(t)))
                .unwrap_or_default();
            format!("unreachable{since}: {error}")
        }
        Some(ConnStatus::Connecting { .. }) | None => "connecting…".into(),
    }
}

fn version(h: &HostRow) -> String {
    match &h.conn {
        Some(ConnStatus::Connected { version, .. }) => version.clone(),
        _ => h
            .facts
            .as_ref()
            .map(|f| f.version.clone())
            .unwrap_or_default(),
    }
}

/// The STATE column, short: `connected`, `unreachable 2m`, `connecting…`, `off`.
fn state_short(h: &HostRow, dx: &Dx) -> String {
    if h.off {
        return "disconnected".into();
    }
    match &h.conn {
        Some(ConnStatus::Connected { .. }) => "connected".into(),
        Some(ConnStatus::Failed { .. }) => match h.down_since {
            Some(t) => format!(
                "unreachable {}",
                crate::app::engines::short_duration(dx.now - t)
            ),
            None => "unreachable".into(),
        },
        Some(ConnStatus::Connecting { .. }) | None => "connecting…".into(),
    }
}

pub fn list(v: &HostsView, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    let page = usize::from(area.height.saturating_sub(3));
    let up = v.hosts.iter().filter(|h| h.connected()).count();
    let b = dx.block(format!("{} engines, {up} connected", v.hosts.len()));
    let inner = area.width.saturating_sub(2);
    // Narrow: name, state, version, containers, images; wide: everything.
    let wide = inner >= 110;
    let name_w = v
        .hosts
        .iter()
        .map(|h| {
            unicode_width::UnicodeWidthStr::width(h.name.as_str()) + 2 + 3 * usize::from(h.readonly)
        })
        .max()
        .unwrap_or(6)
        .clamp(6, 24) as u16;
    let rows = page_rows(
        &v.list,
        page,
        theme.selected(dx.focused),
        |i| v.hosts.get(i),
        |h| {
            let facts = h.facts.as_ref();
            let mark = match (v.marked.contains(&h.id), h.primary, h.focused) {
                (true, ..) => "▌ ",
                (_, _, true) => "◉ ",
                (_, true, false) => "● ",
                _ => "  ",
            };
            let state_style = if h.connected() {
                theme.ok()
            } else if h.off {
                theme.dim()
            } else {
                theme.bad()
            };
            let fact =
                |g: fn(&crate::app::engines::HostFacts) -> String| facts.map(g).unwrap_or_default();
            // Read-only engines carry a badge after their name.
            let name = if h.readonly {
                Line::from(vec![
                    Span::raw(format!("{mark}{} ", h.name)),
                    Span::styled("RO", theme.warn()),
                ])
            } else {
                Line::from(format!("{mark}{}", h.name))
            };
            let mut cells = vec![
                Cell::from(name),
                Cell::from(Span::styled(state_short(h, dx), state_style)),
                Cell::from(version(h)),
                Cell::from(format!("{}/{}", h.running, h.total)),
                Cell::from(fact(|f| f.images.to_string())),
            ];
            if wide {
                cells.extend([
                    Cell::from(fact(|f| format!("{}/{}", short_os(&f.os), f.arch))),
                    Cell::from(fact(|f| f.ncpu.to_string())),
                    Cell::from(fact(|f| human_size(f.mem_total))),
                    Cell::from(fact(|f| {
                        f.disk.map(human_size).unwrap_or_else(|| "-".into())
                    })),
                    Cell::from(fact(|f| f.swarm.clone())),
                    Cell::from(Span::styled(h.addr.clone(), theme.dim())),
                ]);
            }
            cells
        },
    );
    let mut header = vec!["HOST", "STATE", "VERSION", "CTRS", "IMAGES"];
    let mut widths = vec![
        Constraint::Length(name_w),
        Constraint::Length(17),
        Constraint::Length(9),
        Constraint::Length(9),
        Constraint::Length(6),
    ];
    if wide {
        header.extend(["OS/ARCH", "CPUS", "MEMORY", "DISK", "SWARM", "ADDRESS"]);
        widths.extend([
            Constraint::Length(14),
            Constraint::Length(4),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(7),
            Constraint::Fill(1),
        ]);
    } else {
        widths.push(Constraint::Fill(1));
        header.push("");
    }
    let header = Row::new(header).style(theme.header_row());
    f.render_widget(Table::new(rows, widths).header(header).block(b), area);
}

/// `Debian GNU/Linux 12 (bookworm)` → `Debian`; `Docker Desktop` stays.
fn short_os(os: &str) -> String {
    let first = os.split_whitespace().next().unwrap_or("");
    if first.is_empty() {
        "?".into()
    } else {
        first.into()
    }
}

pub fn detail(v: &HostsView, f: &mut Frame, area: Rect, dx: &Dx) {
    let lines = match v.selected() {
        Some(h) => {
            let mut l = vec![
                dx.kv("Engine", h.name.clone()),
                dx.kv("Address", format!("{} ({})", h.addr, h.source)),
                dx.kv("State", state_text(h, dx)),
            ];
            if let Some(fx) = &h.facts {
                l.push(dx.kv("Version", version(h)));
                l.push(dx.kv("OS", format!("{} · {}", fx.os, fx.arch)));
                l.push(dx.kv(
                    "CPUs / memory",
                    format!("{} / {}", fx.ncpu, human_size(fx.mem_total)),
                ));
                l.push(dx.kv("Images", fx.images.to_string()));
                if !fx.swarm.is_empty() {
                    l.push(dx.kv("Swarm", fx.swarm.clone()));
                }
            }
            if let Some(e) = &h.facts_error {
                l.push(dx.kv("docker info", format!("failed: {e}")));
            }
            l.push(dx.kv(
                "Containers",
                format!("{} running of {}", h.running, h.total),
            ));
            let role = match (h.primary, h.focused) {
                (true, true) => "primary, focused: the lists show only this engine",
                (true, false) => "primary: the images, volumes, networks and Swarm views show it",
                (false, true) => "focused",
                (false, false) => "",
            };
            if !role.is_empty() {
                l.push(dx.kv("Role", role.into()));
            }
            if h.readonly {
                l.push(dx.kv(
                    "Read-only",
                    "nothing that changes it is sent (config: [[engines]] readonly)".into(),
                ));
            }
            l.push(Line::from(""));
            l.push(Line::from(Span::styled(
                dx.hints(
                    Context::Hosts,
                    &[
                        (Action::FocusHost, "focuses"),
                        (Action::AllHosts, "shows all"),
                        (Action::ConnectHost, "connects"),
                        (Action::DisconnectHost, "disconnects"),
                        (Action::AddHost, "adds an engine"),
                        (Action::Mark, "marks"),
                        (Action::Deploy, "deploys to the marked ones"),
                        (Action::Refresh, "measures disk use"),
                    ],
                ),
                dx.theme.dim(),
            )));
            l
        }
        None => vec![Line::from(Span::styled(
            dx.hints(Context::Hosts, &[(Action::AddHost, "adds an engine")]),
            dx.theme.dim(),
        ))],
    };
    dx.details(f, area, lines);
}
