//! The top line: engine, counts, totals.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::State;
use crate::app::msg::ConnStatus;

pub fn draw(f: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let mut spans = vec![Span::styled(" dockside ", theme.title())];
    // Read-only: the whole app, or the engine the lists show (the only one, or the focused
    // one) by its `[[engines]]` entry.
    let shown = match state.fleet.focus {
        Some(id) => Some(id),
        None if !state.fleet.several() => Some(state.engine.id),
        None => None,
    };
    if state.readonly || shown.is_some_and(|id| state.fleet.read_only(id)) {
        spans.push(Span::styled("READ-ONLY ", theme.warn()));
    }
    if state.fleet.several() {
        // Several engines: how many answer, and which one the resource views show.
        let hosts = &state.fleet.hosts;
        let on: Vec<_> = hosts.iter().filter(|h| !h.off).collect();
        let up = on.iter().filter(|h| h.connected()).count();
        let style = if up == on.len() {
            theme.ok()
        } else {
            theme.warn()
        };
        spans.push(Span::styled(format!("● {up}/{} engines ", on.len()), style));
        let down: Vec<&str> = on
            .iter()
            .filter(|h| !h.connected())
            .map(|h| h.spec.name.as_str())
            .collect();
        if !down.is_empty() {
            spans.push(Span::styled(
                format!("({} unreachable) ", down.join(", ")),
                theme.bad(),
            ));
        }
        let primary = state.fleet.name(state.engine.id);
        let shown = match state.fleet.focus {
            Some(id) => format!("only {}", state.fleet.name(id)),
            None => format!("primary {primary}"),
        };
        spans.push(Span::styled(shown, theme.dim()));
        // Showing them all: which of them are read-only.
        let ro: Vec<&str> = on
            .iter()
            .filter(|h| h.spec.readonly)
            .map(|h| h.spec.name.as_str())
            .collect();
        if state.fleet.focus.is_none() && !ro.is_empty() && !state.readonly {
            spans.push(Span::styled(
                format!(" (read-only: {})", ro.join(", ")),
                theme.warn(),
            ));
        }
        let (running, total) = state.counts();
        spans.push(Span::styled("  │ ", theme.dim()));
        spans.push(Span::raw(format!("{running} running / {total}")));
        let (cpu, mem, n) = state.totals_text();
        if n > 0 {
            spans.push(Span::styled("  │ ", theme.dim()));
            spans.push(Span::raw(format!("CPU {cpu}  MEM {mem} ({n} sampled)")));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
    match &state.conn {
        ConnStatus::Connecting { addr } => {
            spans.push(Span::styled(format!("connecting to {addr}…"), theme.warn()));
        }
        ConnStatus::Connected {
            addr, version, api, ..
        } => {
            spans.push(Span::styled("● ", theme.ok()));
            let (version, api) = (or_ellipsis(version), or_ellipsis(api));
            if area.width >= 120 {
                spans.push(Span::raw(format!("engine {version} (API {api}) {addr}")));
            } else {
                spans.push(Span::raw(format!("engine {version}")));
            }
            let (running, total) = state.counts();
            spans.push(Span::styled("  │ ", theme.dim()));
            spans.push(Span::raw(format!("{running} running / {total}")));
            let (cpu, mem, n) = state.totals_text();
            if n > 0 {
                spans.push(Span::styled("  │ ", theme.dim()));
                spans.push(Span::raw(format!("CPU {cpu}  MEM {mem} ({n} sampled)")));
            }
        }
        ConnStatus::Failed {
            addr,
            error,
            retry_in_ms,
            attempt,
        } => {
            spans.push(Span::styled("✖ ", theme.bad()));
            let retry = if *retry_in_ms == 0 {
                "reconnecting…".to_string()
            } else {
                format!(
                    "retrying in {:.1}s (attempt {attempt})",
                    *retry_in_ms as f64 / 1000.0
                )
            };
            spans.push(Span::styled(
                format!("cannot reach {addr}: {error} — {retry}"),
                theme.bad(),
            ));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A header field not known yet shows as "…".
fn or_ellipsis(s: &str) -> &str {
    if s.is_empty() { "…" } else { s }
}
