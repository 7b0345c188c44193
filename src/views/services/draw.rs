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
use crate::app::swarm::{Task, refusal_text};
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
    let tasks = v.selected_tasks();
    let live: Vec<&Task> = match tasks {
        Some(Ok(t)) => t.iter().filter(|t| t.desired == "running").collect(),
        _ => Vec::new(),
    };
    if !s.update_state.is_empty() {
        let mut text = s.update_text();
        // How far a rolling update got: the tasks running the spec's image.
        let moving = matches!(s.update_state.as_str(), "updating" | "rollback_started");
        if moving && !live.is_empty() {
            let want = match &s.digest {
                Some(d) => format!("{}@{d}", s.image),
                None => s.image.clone(),
            };
            let done = live
                .iter()
                .filter(|t| t.image == want && t.state == "running")
                .count();
            text.push_str(&format!(" · {done}/{} tasks on the new image", live.len()));
        }
        l.push(dx.kv("Update", text));
    }
    l.push(dx.kv(
        "Created",
        format!("{} · updated {}", dx.ago(s.created), dx.ago(s.updated)),
    ));
    // The image column when the tasks run different ones (a rolling update, a failed pull);
    // in a narrow pane it takes the container's place.
    let mixed = match tasks {
        Some(Ok(t)) => {
            let mut images = t.iter().map(|t| t.image.as_str()).filter(|i| !i.is_empty());
            images
                .next()
                .is_some_and(|first| images.any(|i| i != first))
        }
        _ => false,
    };
    let narrow = area.width < 100;
    let (show_container, show_image) = (!(mixed && narrow), mixed);
    let mut head = format!(
        "{:<6} {:<16} {:<9} {:<10} {:<14} ",
        "SLOT", "NODE", "DESIRED", "STATE", "SINCE"
    );
    if show_container {
        head.push_str(&format!("{:<12} ", "CONTAINER"));
    }
    if show_image {
        head.push_str(&format!("{:<12} ", "IMAGE"));
    }
    head.push_str("ERROR");
    l.push(Line::from(Span::styled(head, theme.header_row())));
    match tasks {
        None => l.push(Line::from(Span::styled("Loading tasks…", theme.dim()))),
        Some(Err(e)) => l.push(Line::from(Span::styled(
            format!("Cannot list tasks: {e}"),
            theme.bad(),
        ))),
        Some(Ok(tasks)) if tasks.is_empty() => {
            l.push(Line::from(Span::styled("No tasks", theme.dim())))
        }
        Some(Ok(tasks)) => {
            let picked = v.task_cursor.min(tasks.len().saturating_sub(1));
            for (i, t) in tasks.iter().enumerate() {
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
                let mut rest = format!(" {:<14} ", dx.ago(t.since));
                if show_container {
                    rest.push_str(&format!("{:<12} ", t.short_container()));
                }
                if show_image {
                    rest.push_str(&format!("{:<12} ", t.image_short()));
                }
                let line = Line::from(vec![
                    Span::raw(format!("{slot:<6} {:<16} {:<9} ", t.node, t.desired)),
                    Span::styled(format!("{:<10}", t.state), style),
                    Span::raw(rest),
                    Span::styled(why, theme.bad()),
                ]);
                // The picked task (for a shell), when there is more than one to pick from.
                l.push(if i == picked && tasks.len() > 1 {
                    line.style(theme.selected(false))
                } else {
                    line
                });
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
