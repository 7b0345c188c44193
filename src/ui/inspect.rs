//! The inspect tab: `docker inspect` of the selection, scrollable.

use crate::app::action::Action;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::util::detail_block;
use crate::app::State;

pub fn draw(f: &mut Frame, area: Rect, state: &State, theme: &Theme, focused: bool) {
    // A group row of the grouped list is no container: nothing to inspect.
    let text = match (&state.inspect, state.selected_id()) {
        (Some((id, text)), Some(sel)) if *id == sel => text.as_str(),
        (_, None) => "Select a container.",
        _ => "Loading…",
    };
    let info = match (&state.inspect_input, &state.inspect_search) {
        (Some(typed), _) => Line::from(vec![
            Span::styled(" /", theme.accent()),
            Span::raw(format!("{typed}▏ ")),
        ]),
        (None, Some(q)) => {
            let n = crate::app::containers::inspect_matches(text, q).len();
            Line::from(Span::styled(
                format!(
                    " search `{q}`: {n} {} (n/N, esc clears) ",
                    if n == 1 {
                        "line matches"
                    } else {
                        "lines match"
                    }
                ),
                theme.accent(),
            ))
        }
        _ => Line::from(""),
    };
    let block = detail_block(state.tab, info, theme, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let q = state.inspect_search.as_deref().unwrap_or("");
    let lines: Vec<Line> = text
        .lines()
        .skip(state.inspect_scroll)
        .take(usize::from(inner.height))
        .map(|l| highlighted(&crate::app::sanitize::plain(l), q, theme))
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

/// A line with every case-insensitive occurrence of `q` highlighted.
fn highlighted(line: &str, q: &str, theme: &Theme) -> Line<'static> {
    let lower = line.to_lowercase();
    if q.is_empty() || !lower.contains(q) {
        return Line::from(line.to_string());
    }
    // Lower-casing kept the byte offsets (almost always): highlight each occurrence;
    // otherwise the whole line.
    if lower.len() != line.len() {
        return Line::from(Span::styled(line.to_string(), theme.highlight()));
    }
    let mut spans = Vec::new();
    let mut at = 0;
    for (start, _) in lower.match_indices(q) {
        if start < at || !line.is_char_boundary(start) || !line.is_char_boundary(start + q.len()) {
            continue;
        }
        spans.push(Span::raw(line[at..start].to_string()));
        spans.push(Span::styled(
            line[start..start + q.len()].to_string(),
            theme.highlight(),
        ));
        at = start + q.len();
    }
    spans.push(Span::raw(line[at..].to_string()));
    Line::from(spans)
}

/// The shells tab before any session was opened.
pub fn empty_shells(f: &mut Frame, area: Rect, state: &State, theme: &Theme, focused: bool) {
    let block = detail_block(state.tab, Line::from(""), theme, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let key = |a: Action| {
        state
            .keymap
            .key_for(crate::app::keymap::Context::Containers, a)
            .unwrap_or_default()
    };
    let text = format!(
        "No shell open. On a running container: {} opens a shell here, {} attaches to its main process.\nSessions keep running while you browse; {} gives the keys back to dockside.",
        key(Action::ExecShell),
        key(Action::Attach),
        state.leave_key()
    );
    f.render_widget(
        ratatui::widgets::Paragraph::new(text)
            .style(theme.dim())
            .wrap(ratatui::widgets::Wrap { trim: false }),
        inner,
    );
}
