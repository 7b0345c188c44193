//! Drawing of the services view: the services, and the selected one's tasks.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::ServicesView;
use super::logs::ServiceLogs;
use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::app::logbuf::LogStream;
use crate::app::logs::StreamState;
use crate::app::swarm::refusal_text;
use crate::views::Dx;
use crate::views::widgets::page_rows;

pub fn list(v: &ServicesView, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    let page = usize::from(area.height.saturating_sub(3));
    let b = dx.block(format!("{} services", v.list.len()));
    let Some(all) = &v.services else {
        let text = v.error.as_ref().map_or("Loading services…".into(), |e| {
            refusal_text("services", e)
        });
        return dx.message(f, area, b, text);
    };
    let rows = page_rows(
        &v.list,
        page,
        theme.selected(dx.focused),
        |i| all.get(i),
        |s| {
            let replicas = if s.running == 0 && s.desired > 0 {
                theme.bad()
            } else if s.short() {
                theme.warn()
            } else {
                theme.ok()
            };
            let update = if s.update_state.starts_with("rollback") || s.update_state == "paused" {
                theme.warn()
            } else {
                theme.dim()
            };
            vec![
                Cell::from(s.name.clone()),
                Cell::from(Span::styled(
                    s.stack().unwrap_or("").to_string(),
                    theme.dim(),
                )),
                Cell::from(s.mode.clone()),
                Cell::from(Span::styled(s.replicas_text(), replicas)),
                Cell::from(s.image.clone()),
                Cell::from(s.ports.join(",")),
                Cell::from(Span::styled(s.update_state.clone(), update)),
                Cell::from(Span::styled(dx.ago(s.updated), theme.dim())),
            ]
        },
    );
    let header = Row::new(vec![
        "NAME", "STACK", "MODE", "REPLICAS", "IMAGE", "PORTS", "UPDATE", "UPDATED",
    ])
    .style(theme.header_row());
    let widths = [
        Constraint::Fill(2),
        Constraint::Fill(1),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Fill(2),
        Constraint::Fill(1),
        Constraint::Length(10),
        Constraint::Length(14),
    ];
    f.render_widget(Table::new(rows, widths).header(header).block(b), area);
}

pub fn detail(v: &ServicesView, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    if v.show_deploy
        && let Some(run) = &v.deploy
    {
        return crate::views::projects::cli_run(run, Context::Services, f, area, dx);
    }
    if let Some(logs) = &v.logs {
        return service_logs(logs, f, area, dx);
    }
    let Some(s) = v.selected() else {
        let hints = dx.hints(
            Context::Services,
            &[
                (Action::DeployStack, "deploys a stack"),
                (Action::TabLogs, "shows the logs"),
                (Action::Scale, "scales"),
                (Action::UpdateImage, "updates the image"),
                (Action::EditEnv, "edits the environment"),
                (Action::EditLabels, "edits labels"),
                (Action::ForceUpdate, "restarts every task"),
                (Action::Rollback, "rolls back"),
                (Action::Remove, "removes"),
                (Action::Inspect, "inspects"),
            ],
        );
        return dx.details(f, area, vec![Line::from(Span::styled(hints, theme.dim()))]);
    };
    let mut l = vec![
        dx.kv("Service", format!("{} ({})", s.name, s.short_id())),
        dx.kv(
            "Mode",
            format!("{} · {} running", s.mode, s.replicas_text()),
        ),
        dx.kv(
            "Image",
            match &s.digest {
                Some(d) => format!("{} @ {d}", s.image),
                None => s.image.clone(),
            },
        ),
    ];
    if !s.ports.is_empty() {
        l.push(dx.kv("Ports", s.ports.join(", ")));
    }
    if !s.update_state.is_empty() {
        l.push(dx.kv("Update", s.update_text()));
    }
    l.push(dx.kv(
        "Created",
        format!("{} · updated {}", dx.ago(s.created), dx.ago(s.updated)),
    ));
    l.push(Line::from(Span::styled(
        format!(
            "{:<6} {:<16} {:<9} {:<10} {:<14} {:<12} ERROR",
            "SLOT", "NODE", "DESIRED", "STATE", "SINCE", "CONTAINER"
        ),
        theme.header_row(),
    )));
    match v.selected_tasks() {
        None => l.push(Line::from(Span::styled("Loading tasks…", theme.dim()))),
        Some(Err(e)) => l.push(Line::from(Span::styled(
            format!("Cannot list tasks: {e}"),
            theme.bad(),
        ))),
        Some(Ok(tasks)) if tasks.is_empty() => {
            l.push(Line::from(Span::styled("No tasks", theme.dim())))
        }
        Some(Ok(tasks)) => {
            for t in tasks {
                let style = match t.state.as_str() {
                    "running" | "complete" => theme.ok(),
                    "failed" | "rejected" | "orphaned" => theme.bad(),
                    "shutdown" => theme.dim(),
                    _ => theme.warn(),
                };
                let slot = if t.slot > 0 {
                    t.slot.to_string()
                } else {
                    "-".into()
                };
                let why = if t.error.is_empty() && t.state != "running" {
                    t.message.clone()
                } else {
                    t.error.clone()
                };
                l.push(Line::from(vec![
                    Span::raw(format!("{slot:<6} {:<16} {:<9} ", t.node, t.desired)),
                    Span::styled(format!("{:<10}", t.state), style),
                    Span::raw(format!(
                        " {:<14} {:<12} ",
                        dx.ago(t.since),
                        t.short_container()
                    )),
                    Span::styled(why, theme.bad()),
                ]));
            }
        }
    }
    // After the tasks: they matter more in a small pane.
    if !s.env.is_empty() {
        let env: Vec<String> = s
            .env
            .iter()
            .map(|e| crate::app::inspect::env_entry(e, false))
            .collect();
        l.push(dx.kv("Env", env.join(" ")));
    }
    let labels = s.labels_text();
    if !labels.is_empty() {
        l.push(dx.kv("Labels", labels));
    }
    dx.details(f, area, l);
}

/// The service's logs, newest at the bottom (or held where scrolled back).
fn service_logs(logs: &ServiceLogs, f: &mut Frame, area: Rect, dx: &Dx) {
    let theme = dx.theme;
    let mut info = vec![Span::styled(
        format!(" logs of {} ", logs.name),
        theme.title(),
    )];
    info.push(if logs.following() {
        Span::styled("following ", theme.ok())
    } else {
        let key = dx.hints(Context::Services, &[(Action::Follow, "follows")]);
        Span::styled(format!("held ({key}) "), theme.warn())
    });
    if logs.buf.evicted() > 0 {
        info.push(Span::styled(
            format!("{} older dropped ", logs.buf.evicted()),
            theme.dim(),
        ));
    }
    let keys = dx.hints(
        Context::Services,
        &[
            (Action::ScrollUp, "back"),
            (Action::Follow, "follow/hold"),
            (Action::TabLogs, "tasks"),
        ],
    );
    let b = ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_style(theme.border(dx.focused))
        .title(Line::from(info))
        .title_bottom(Line::from(Span::styled(format!(" {keys} "), theme.dim())));
    let inner = b.inner(area);
    f.render_widget(b, area);
    let (rows, cols) = (usize::from(inner.height), usize::from(inner.width));
    if rows == 0 || cols < 2 {
        return;
    }
    let window = logs.window(rows);
    if window.is_empty() {
        let msg = match &logs.state {
            StreamState::Loading | StreamState::Idle => "Loading…".to_string(),
            StreamState::Error(e) => format!("Cannot read the logs: {e}"),
            StreamState::Ended(why) => format!("No output ({why})."),
            StreamState::Streaming => {
                "No output yet; new lines appear here as the tasks write them.".to_string()
            }
        };
        return f.render_widget(Paragraph::new(msg).style(theme.dim()), inner);
    }
    let mut lines: Vec<Line> = window
        .into_iter()
        .map(|l| {
            let gutter = match l.stream {
                LogStream::Stderr => Span::styled("▌", theme.bad()),
                _ => Span::raw(" "),
            };
            let mut spans = vec![gutter];
            let body = crate::ui::logs::layout_text(&l.body, &[], 0, cols - 1, false, theme);
            spans.extend(body.into_iter().next().unwrap_or_default());
            Line::from(spans)
        })
        .collect();
    if let StreamState::Error(e) = &logs.state {
        lines.push(Line::from(Span::styled(format!("— {e} —"), theme.bad())));
    }
    let skip = lines.len().saturating_sub(rows);
    f.render_widget(Paragraph::new(lines.split_off(skip)), inner);
}
