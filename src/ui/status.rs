//! The bottom line: the status message, else key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::State;
use crate::app::keymap::Context;
use crate::app::state::{Focus, StatusKind};

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
    let view_ctx = state.view.context();
    if state.focus == Focus::Detail && state.tab == crate::app::state::DetailTab::Shells {
        let typing = state.exec.typing;
        let pairs: &[(&str, &str)] = if typing {
            &[(
                "ctrl-g",
                "leave the shell (keys go to the shell until then)",
            )]
        } else {
            &[
                ("enter", "type"),
                ("[ ]", "sessions"),
                ("pgup/pgdn", "scroll"),
                ("z", "zoom"),
                ("X", "close"),
                ("R", "restart"),
                ("esc", "list"),
            ]
        };
        let mut spans = vec![Span::raw(" ")];
        for (k, label) in pairs {
            spans.push(Span::styled(*k, theme.accent()));
            spans.push(Span::raw(format!(" {label}  ")));
        }
        return Line::from(spans);
    }
    if let Some(ctx) = view_ctx {
        let mut spans = vec![Span::raw(" ")];
        for (k, label) in [("?", "help"), ("1-6", "views")] {
            spans.push(Span::styled(k, theme.accent()));
            spans.push(Span::raw(format!(" {label}  ")));
        }
        for b in km.bindings(ctx) {
            if let Some(k) = b.keys.first() {
                spans.push(Span::styled(k.label(), theme.accent()));
                spans.push(Span::raw(format!(" {}  ", b.action.replace('_', " "))));
            }
        }
        return Line::from(spans);
    }
    let list: &[(Context, &str, &str)] = match state.focus {
        Focus::List => &[
            (Context::Global, "help", "help"),
            (Context::List, "filter", "filter"),
            (Context::Containers, "stop", "stop"),
            (Context::Containers, "start", "start"),
            (Context::Containers, "restart", "restart"),
            (Context::Containers, "remove", "rm"),
            (Context::Containers, "exec_shell", "shell"),
            (Context::Containers, "tab_stats", "stats"),
            (Context::Global, "focus_next", "logs"),
            (Context::Global, "quit", "quit"),
        ],
        Focus::Detail => &[
            (Context::Global, "help", "help"),
            (Context::Logs, "search", "search"),
            (Context::Logs, "grep", "grep"),
            (Context::Logs, "follow", "follow"),
            (Context::Logs, "timestamps", "time"),
            (Context::Logs, "wrap", "wrap"),
            (Context::Logs, "zoom", "zoom"),
            (Context::Global, "focus_next", "list"),
        ],
    };
    let mut spans = vec![Span::raw(" ")];
    for (ctx, action, label) in list {
        if let Some(k) = km.key_for(*ctx, action) {
            spans.push(Span::styled(k, theme.accent()));
            spans.push(Span::raw(format!(" {label}  ")));
        }
    }
    Line::from(spans)
}
