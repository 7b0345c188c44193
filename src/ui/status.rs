//! The bottom line: the status message, else key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::State;
use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::app::state::{DetailTab, Focus, StatusKind};

pub fn draw(f: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let line = match state.status_visible() {
        Some(s) => {
            let style = match s.kind {
                StatusKind::Info => theme.ok(),
                StatusKind::Progress => theme.warn(),
                StatusKind::Error => theme.bad(),
            };
            let text = format!(" {}", s.text);
            let room = usize::from(area.width);
            // Too long for the line: cut, and say which key shows it whole.
            let text = match state.keymap.key_for(Context::Global, Action::Messages) {
                Some(k) if unicode_width::UnicodeWidthStr::width(text.as_str()) > room => {
                    let tail = format!(" ({k}: all)");
                    let keep = room.saturating_sub(tail.chars().count());
                    format!("{}{tail}", super::util::fit(&text, keep))
                }
                _ => text,
            };
            Line::from(Span::styled(text, style))
        }
        None => hints(state, theme),
    };
    f.render_widget(Paragraph::new(line), area);
}

fn hints(state: &State, theme: &Theme) -> Line<'static> {
    let km = &state.keymap;
    let contexts = state.screen_contexts();
    let key = |a: Action| km.key_in(&contexts, a);
    let mut spans = vec![Span::raw(" ")];
    let mut push = |k: String, label: &str| {
        spans.push(Span::styled(k, theme.accent()));
        spans.push(Span::raw(format!(" {label}  ")));
    };
    let containers = state.view == crate::views::View::Containers;
    if !containers {
        // The view's own keys, after help and the view keys.
        if let Some(k) = key(Action::Help) {
            push(k, "help");
        }
        let keys: Vec<String> = crate::views::View::ALL
            .iter()
            .filter_map(|v| km.key_for(crate::app::keymap::Context::Global, v.action()))
            .collect();
        push(key_runs(&keys), "views");
        for b in km.bindings(contexts[0]) {
            if let Some(k) = b.keys.first() {
                push(k.label(), &b.action.name().replace('_', " "));
            }
        }
        return Line::from(spans);
    }
    let list: &[(Action, &str)] = match (state.focus, state.tab) {
        (Focus::Detail, DetailTab::Shells) if state.exec.typing => &[(
            Action::Leave,
            "leave the shell (keys go to the shell until then)",
        )],
        (Focus::Detail, DetailTab::Shells) => &[
            (Action::Enter, "type"),
            (Action::NextSession, "next session"),
            (Action::ScrollUp, "scroll"),
            (Action::Zoom, "zoom"),
            (Action::Close, "close"),
            (Action::Restart, "restart"),
            (Action::Clear, "list"),
        ],
        (Focus::List, _) => &[
            (Action::Help, "help"),
            (Action::Filter, "filter"),
            (Action::Stop, "stop"),
            (Action::Start, "start"),
            (Action::Restart, "restart"),
            (Action::Remove, "rm"),
            (Action::ExecShell, "shell"),
            (Action::TabStats, "stats"),
            (Action::FocusNext, "logs"),
            (Action::Quit, "quit"),
        ],
        (Focus::Detail, _) => &[
            (Action::Help, "help"),
            (Action::Search, "search"),
            (Action::Grep, "grep"),
            (Action::Follow, "follow"),
            (Action::Timestamps, "time"),
            (Action::Wrap, "wrap"),
            (Action::Zoom, "zoom"),
            (Action::FocusNext, "list"),
        ],
    };
    for (action, label) in list {
        if let Some(k) = key(*action) {
            push(k, label);
        }
    }
    Line::from(spans)
}

/// Keys as short as they read: runs of consecutive digits as a range ("1-6,H").
fn key_runs(keys: &[String]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut run: Option<(u32, u32)> = None;
    let flush = |run: &mut Option<(u32, u32)>, out: &mut Vec<String>| {
        if let Some((a, b)) = run.take() {
            out.push(if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            });
        }
    };
    for k in keys {
        match k.parse::<u32>() {
            Ok(d) if k.len() == 1 => match &mut run {
                Some((_, b)) if *b + 1 == d => *b = d,
                _ => {
                    flush(&mut run, &mut out);
                    run = Some((d, d));
                }
            },
            _ => {
                flush(&mut run, &mut out);
                out.push(k.clone());
            }
        }
    }
    flush(&mut run, &mut out);
    out.join(",")
}

#[cfg(test)]
mod tests {
    #[test]
    fn key_runs_read_as_ranges() {
        let k = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(super::key_runs(&k(&["1", "2", "3", "H"])), "1-3,H");
        assert_eq!(super::key_runs(&k(&["1", "3", "4"])), "1,3-4");
        assert_eq!(super::key_runs(&k(&[])), "");
    }
}
