//! The bottom line: the status message, else key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::State;
use crate::app::action::Action;
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
            Line::from(Span::styled(format!(" {}", s.text), style))
        }
        None => hints(state, theme),
    };
    f.render_widget(Paragraph::new(line), area);
}

fn hints(state: &State, theme: &Theme) -> Line<'static> {
    let km = &state.keymap;
    let contexts = state.active_contexts();
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
        push(format!("1-{}", crate::views::View::ALL.len()), "views");
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
