//! Drawing of the projects view: projects (or the open project's services) in the list, the
//! selection's details and services (or the service's containers) below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::{PState, Project, ProjectsView, Service};
use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::app::model::CState;
use crate::views::Dx;
use crate::views::widgets::page_rows;

const OUTDATED: &str = "outdated";

fn state_style(p: &Project, dx: &Dx) -> Style {
    match p.state() {
        PState::Running => dx.theme.ok(),
        PState::Partly | PState::Paused => dx.theme.warn(),
        PState::Exited => dx.theme.bad(),
    }
}

fn replicas_style(s: &Service, dx: &Dx) -> Style {
    match s.running() {
        (up, total) if up == total && total > 0 => dx.theme.ok(),
        (0, _) => dx.theme.bad(),
        _ => dx.theme.warn(),
    }
}

fn cstate_style(state: CState, dx: &Dx) -> Style {
    match state {
        CState::Running => dx.theme.ok(),
        CState::Paused | CState::Restarting | CState::Created => dx.theme.warn(),
        _ => dx.theme.bad(),
    }
}

pub fn list(v: &ProjectsView, f: &mut Frame, area: Rect, dx: &Dx) {
    match v.open.as_ref().and_then(|_| v.selected()) {
        Some(p) => services(v, p, f, area, dx),
        None => projects(v, f, area, dx),
    }
}

fn projects(v: &ProjectsView, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    let page = usize::from(area.height.saturating_sub(3));
    let marked = if v.marked.is_empty() {
        String::new()
    } else {
        format!(", {} marked", v.marked.len())
    };
    let b = dx.block(format!("{} projects{marked}", v.list.len()));
    if v.list.is_empty() {
        let text = if v.projects.is_empty() {
            "No compose projects on this engine.".to_string()
        } else {
            "No project matches the filter.".to_string()
        };
        return dx.message(f, area, b, text);
    }
    let rows = page_rows(
        &v.list,
        page,
        theme.selected(dx.focused),
        |i| v.projects.get(i),
        |p| {
            let mark = if v.marked.contains(&p.name) {
                "● "
            } else {
                "  "
            };
            let names: Vec<&str> = p.services.iter().map(|s| s.name.as_str()).collect();
            let mut state = vec![Span::styled(p.state_text(), state_style(p, dx))];
            if p.outdated() {
                state.push(Span::styled(format!(" {OUTDATED}"), theme.warn()));
            }
            vec![
                Cell::from(Line::from(vec![
                    Span::styled(mark, theme.marked()),
                    Span::raw(p.name.clone()),
                ])),
                Cell::from(Line::from(state)),
                Cell::from(format!("{} {}", p.services.len(), names.join(", "))),
                Cell::from(p.containers().to_string()),
                Cell::from(dx.ago(p.created)),
                Cell::from(Span::styled(p.working_dir.clone(), theme.dim())),
            ]
        },
    );
    let header = Row::new(vec![
        "  PROJECT",
        "STATE",
        "SERVICES",
        "CTRS",
        "CREATED",
        "WORKING DIR",
    ])
    .style(theme.header_row());
    let widths = [
        Constraint::Fill(2),
        Constraint::Length(22),
        Constraint::Fill(3),
        Constraint::Length(4),
        Constraint::Length(14),
        Constraint::Fill(2),
    ];
    f.render_widget(Table::new(rows, widths).header(header).block(b), area);
}

fn services(v: &ProjectsView, p: &Project, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    let page = usize::from(area.height.saturating_sub(3));
    let b = dx.block(format!(
        "{} › {} services ({})",
        p.name,
        v.services.len(),
        p.state_text()
    ));
    if v.services.is_empty() {
        return dx.message(f, area, b, "No service matches the filter.".into());
    }
    let rows = page_rows(
        &v.services,
        page,
        theme.selected(dx.focused),
        |i| p.services.get(i),
        |s| {
            let (up, total) = s.running();
            let health = s.health();
            let hstyle = match health {
                "unhealthy" => theme.bad(),
                "starting" => theme.warn(),
                _ => theme.ok(),
            };
            vec![
                Cell::from(s.name.clone()),
                Cell::from(s.image.clone()),
                Cell::from(Span::styled(format!("{up}/{total}"), replicas_style(s, dx))),
                Cell::from(s.ports()),
                Cell::from(Span::styled(health, hstyle)),
                Cell::from(if s.outdated() {
                    Span::styled(OUTDATED, theme.warn())
                } else {
                    Span::raw("")
                }),
            ]
        },
    );
    let header = Row::new(vec![
        "SERVICE",
        "IMAGE",
        "UP",
        "PORTS",
        "HEALTH",
        "IMAGE AGE",
    ])
    .style(theme.header_row());
    let widths = [
        Constraint::Fill(2),
        Constraint::Fill(3),
        Constraint::Length(5),
        Constraint::Fill(3),
        Constraint::Length(9),
        Constraint::Length(9),
    ];
    f.render_widget(Table::new(rows, widths).header(header).block(b), area);
}

pub fn detail(v: &ProjectsView, f: &mut Frame, area: Rect, dx: &Dx) {
    let hint = || {
        Line::from(Span::styled(
            dx.hints(
                Context::Projects,
                &[
                    (Action::Open, "services"),
                    (Action::Mark, "marks"),
                    (Action::Stop, "stops"),
                    (Action::Start, "starts"),
                    (Action::Remove, "down"),
                ],
            ),
            dx.theme.dim(),
        ))
    };
    if v.show_cli
        && let Some(run) = &v.cli
    {
        return cli_run(run, Context::Projects, f, area, dx);
    }
    let Some(p) = v.selected() else {
        return dx.details(f, area, vec![hint()]);
    };
    let wide = area.width >= 120;
    let lines = match (&v.open, v.selected_service()) {
        (Some(_), Some(s)) => service_lines(s, dx, wide),
        (Some(_), None) => vec![hint()],
        (None, _) => project_lines(p, dx, wide),
    };
    // Tables: cut at the edge, not wrapped.
    f.render_widget(
        Paragraph::new(lines).block(dx.detail_block("Details")),
        area,
    );
}

fn project_lines(p: &Project, dx: &Dx, wide: bool) -> Vec<Line<'static>> {
    let theme = dx.theme;
    let (nw, iw) = if wide { (20, 28) } else { (14, 18) };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{:<15}", "Project"), theme.accent()),
            Span::raw(format!("{}  ", p.name)),
            Span::styled(p.state_text(), state_style(p, dx)),
        ]),
        dx.kv("Working dir", p.working_dir.clone()),
        dx.kv("Config files", p.config_files.join(", ")),
        dx.kv("Networks", p.networks.join(", ")),
        dx.kv("Volumes", p.volumes.join(", ")),
        Line::from(Span::styled(
            format!(
                "{:<nw$} {:<iw$} {:>5}  {:<9} {:<8} {}",
                "SERVICE", "IMAGE", "UP", "HEALTH", "UPDATE", "PORTS"
            ),
            theme.header_row(),
        )),
    ];
    for s in &p.services {
        let (up, total) = s.running();
        lines.push(Line::from(vec![
            Span::raw(format!(
                "{:<nw$} {:<iw$} ",
                cut(&s.name, nw),
                cut(&s.image, iw)
            )),
            Span::styled(
                format!("{:>5}", format!("{up}/{total}")),
                replicas_style(s, dx),
            ),
            Span::raw(format!("  {:<9} ", s.health())),
            Span::styled(
                format!("{:<8}", if s.outdated() { OUTDATED } else { "" }),
                theme.warn(),
            ),
            Span::raw(format!(" {}", s.ports())),
        ]));
    }
    lines
}

fn service_lines(s: &Service, dx: &Dx, wide: bool) -> Vec<Line<'static>> {
    let theme = dx.theme;
    let (nw, sw) = if wide { (28, 30) } else { (20, 24) };
    let mut lines = vec![
        dx.kv("Service", s.name.clone()),
        dx.kv("Image", s.image.clone()),
        dx.kv("Ports", s.ports()),
        Line::from(Span::styled(
            format!(
                "{:<nw$} {:<10} {:<sw$} {}",
                "CONTAINER", "STATE", "STATUS", "IMAGE"
            ),
            theme.header_row(),
        )),
    ];
    for m in &s.members {
        let mut spans = vec![
            Span::raw(format!("{:<nw$} ", cut(&m.c.name, nw))),
            Span::styled(
                format!("{:<10} ", m.c.state.as_str()),
                cstate_style(m.c.state, dx),
            ),
            Span::raw(format!(
                "{:<sw$} {}",
                cut(&m.c.status_text(dx.now), sw),
                m.c.image
            )),
        ];
        if m.outdated {
            spans.push(Span::styled(format!("  {OUTDATED}"), theme.warn()));
        }
        if m.oneoff() {
            spans.push(Span::styled("  (run)", theme.dim()));
        }
        lines.push(Line::from(spans));
    }
    lines
}

/// At most `n` characters.
fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A CLI run's output (compose, stack deploy), newest at the bottom; the hints name the keys
/// of `keys`' cancel and jobs.
pub(crate) fn cli_run(run: &super::CliRun, keys: Context, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    let state = match (run.progress.error(), run.progress.is_finished()) {
        (Some(e), _) => Span::styled(format!(" {e} "), theme.bad()),
        (None, true) => Span::styled(" done ".to_string(), theme.ok()),
        (None, false) => Span::styled(" running… ".to_string(), theme.warn()),
    };
    let keys = dx.hints(
        keys,
        &[(Action::Cancel, "cancels"), (Action::Jobs, "hides")],
    );
    let b = dx.detail_block(&run.title).title_bottom(Line::from(vec![
        state,
        Span::styled(format!(" {keys} "), theme.dim()),
    ]));
    let rows = usize::from(area.height.saturating_sub(2));
    let lines: Vec<Line> = run
        .progress
        .lines()
        .rev()
        .take(rows)
        .rev()
        .map(|l| Line::from(l.to_string()))
        .collect();
    f.render_widget(Paragraph::new(lines).block(b), area);
}
