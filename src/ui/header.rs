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
    if state.readonly {
        spans.push(Span::styled("READ-ONLY ", theme.warn()));
    }
    match &state.conn {
        ConnStatus::Connecting { addr } => {
            spans.push(Span::styled(format!("connecting to {addr}…"), theme.warn()));
        }
        ConnStatus::Connected {
            addr, version, api, ..
        } => {
            spans.push(Span::styled("● ", theme.ok()));
            let version = if version.is_empty() {
                "…"
            } else {
                version.as_str()
            };
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
