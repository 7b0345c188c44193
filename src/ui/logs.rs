//! The logs pane: lines are parsed once on arrival; drawing slices the visible window only.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthChar;

use super::theme::Theme;
use super::util::detail_block;
use crate::app::State;
use crate::app::logbuf::{LogLine, LogStream, format_local};
use crate::app::logs::{LogInputKind, StreamState};
use crate::app::sanitize::StyledText;

/// What the detail pane says while no engine answers: how to get one.
pub const GET_AN_ENGINE: &str = "No Docker engine answers. To get one:
· Linux: install Docker Engine (apt install docker.io, or see
  docs.docker.com/engine/install), then: sudo systemctl start docker
· macOS, Windows: start Docker Desktop (or colima start, podman machine start)
· Podman: systemctl --user start podman.socket, then
  dockside -H unix://$XDG_RUNTIME_DIR/podman/podman.sock
· Another machine: dockside -H ssh://user@host (ctrl-o: your docker contexts)
· A demo: scripts/demo.sh in dockside's repository: an engine and a project";

/// Cut a styled text into visual rows of `width` columns, starting at column `skip`.
/// `wrap`: every row; else only the first. Highlights override the text's own style.
pub fn layout_text(
    body: &StyledText,
    highlights: &[(usize, usize, Style)],
    skip: usize,
    width: usize,
    wrap: bool,
    theme: &Theme,
) -> Vec<Vec<Span<'static>>> {
    let mut rows: Vec<Vec<Span<'static>>> = Vec::new();
    let mut row: Vec<Span<'static>> = Vec::new();
    let mut cur = String::new();
    let mut cur_style = Style::default();
    let mut col = 0usize; // columns used in this row
    let mut abs = 0usize; // absolute column in the line
    let mut si = 0usize; // index into body.styles
    let mut hi = 0usize;
    let width = width.max(1);
    for (byte, ch) in body.text.char_indices() {
        let w = ch.width().unwrap_or(0);
        if abs < skip {
            abs += w;
            continue;
        }
        while si < body.styles.len() && (body.styles[si].1 as usize) <= byte {
            si += 1;
        }
        let mut style = match body.styles.get(si) {
            Some((s, _, st)) if (*s as usize) <= byte => theme.content(*st),
            _ => Style::default(),
        };
        while hi < highlights.len() && highlights[hi].1 <= byte {
            hi += 1;
        }
        if let Some((s, _, hs)) = highlights.get(hi)
            && *s <= byte
        {
            style = *hs;
        }
        if col + w > width {
            if !cur.is_empty() {
                row.push(Span::styled(std::mem::take(&mut cur), cur_style));
            }
            rows.push(std::mem::take(&mut row));
            if !wrap {
                return rows;
            }
            col = 0;
        }
        if style != cur_style && !cur.is_empty() {
            row.push(Span::styled(std::mem::take(&mut cur), cur_style));
        }
        cur_style = style;
        cur.push(ch);
        col += w;
        abs += w;
    }
    if !cur.is_empty() {
        row.push(Span::styled(cur, cur_style));
    }
    rows.push(row);
    rows
}

fn gutter(line: &LogLine, theme: &Theme) -> Span<'static> {
    match line.stream {
        LogStream::Stderr => Span::styled("▌", theme.bad()),
        LogStream::System => Span::styled("»", theme.accent()),
        _ => Span::raw(" "),
    }
}

pub fn draw(f: &mut Frame, area: Rect, state: &State, theme: &Theme, focused: bool) {
    let logs = &state.logs;
    let name = match &logs.group {
        Some(g) => g.title(),
        None => logs
            .target
            .as_ref()
            .and_then(|id| state.containers.get(id))
            .map(|c| c.name.clone())
            .unwrap_or_default(),
    };
    let mut info = vec![Span::raw(" ")];
    if !name.is_empty() {
        info.push(Span::styled(name, theme.accent()));
        info.push(Span::raw(" "));
    }
    info.push(Span::styled(
        format!("[{}] ", logs.window.label()),
        theme.dim(),
    ));
    info.push(if logs.follow {
        Span::styled("following ", theme.ok())
    } else {
        Span::styled("paused (G resumes) ", theme.warn())
    });
    if logs.wrap {
        info.push(Span::styled("wrap ", theme.dim()));
    }
    if logs.buf.evicted() > 0 {
        info.push(Span::styled(
            format!("{} older dropped ", logs.buf.evicted()),
            theme.dim(),
        ));
    }
    if let Some((pat, _)) = &logs.query {
        let n = logs.match_count();
        let mode = if logs.grep { "grep" } else { "search" };
        info.push(Span::styled(
            if n == 1 {
                format!("{mode} `{pat}`: 1 line matches ")
            } else {
                format!("{mode} `{pat}`: {n} lines match ")
            },
            theme.accent(),
        ));
    }
    if let Some((first, last)) = logs.selection() {
        // Counted without a scan: under a grep filter only the matching ones are copied.
        let what = if logs.grep {
            "matching lines selected".to_string()
        } else {
            format!("{} lines selected", last - first + 1)
        };
        info.push(Span::styled(
            format!("{what} (c copies, esc cancels) "),
            theme.marked(),
        ));
    }
    if let Some((kind, text)) = &logs.input {
        let label = match kind {
            LogInputKind::Search => "/",
            LogInputKind::Grep => "grep: ",
        };
        info = vec![
            Span::styled(format!(" {label}"), theme.accent()),
            Span::raw(format!("{text}▏ ")),
        ];
    }
    let block = detail_block(state.tab, Line::from(info), theme, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let rows = usize::from(inner.height);
    let cols = usize::from(inner.width);
    if rows == 0 || cols < 2 {
        return;
    }

    let lines = logs.window_lines(rows);
    if lines.is_empty() {
        let msg = match (&logs.state, logs.target.as_ref()) {
            _ if matches!(state.conn, crate::app::msg::ConnStatus::Failed { .. }) => {
                GET_AN_ENGINE.to_string()
            }
            (_, None) if logs.group.is_none() => "Select a container to see its logs.".to_string(),
            (StreamState::Loading, _) => "Loading…".to_string(),
            (StreamState::Error(e), _) => format!("Cannot read logs: {e}"),
            (StreamState::Ended(why), _) => format!("No output. ({why})"),
            _ if logs.grep => "No line matches the filter yet.".to_string(),
            _ => "No output yet; new lines appear here as the container writes them.".to_string(),
        };
        f.render_widget(
            Paragraph::new(msg)
                .style(theme.dim())
                .wrap(ratatui::widgets::Wrap { trim: false }),
            inner,
        );
        return;
    }

    let mut visual = visual_rows(logs, &lines, cols, theme);
    let at_end = lines.last().map(|(s, _)| *s + 1) == Some(logs.buf.end_seq());
    if visual.len() >= rows {
        // The bottom line stays the bottom row: wrapped lines push the first ones out.
        if at_end && let StreamState::Ended(why) = &logs.state {
            visual.push(Line::from(Span::styled(format!("— {why} —"), theme.dim())));
        }
        let skip = visual.len().saturating_sub(rows);
        let visual: Vec<Line> = visual.into_iter().skip(skip).collect();
        f.render_widget(Paragraph::new(visual), inner);
        return;
    }
    // Room left (a view near the top of the log, a match shown amid its neighbours): the
    // lines after the bottom one fill it.
    let after = logs.lines_after(rows - visual.len());
    let reaches_end = match after.last() {
        Some((s, _)) => *s + 1 == logs.buf.end_seq(),
        None => at_end,
    };
    visual.extend(visual_rows(logs, &after, cols, theme));
    if reaches_end && let StreamState::Ended(why) = &logs.state {
        visual.push(Line::from(Span::styled(format!("— {why} —"), theme.dim())));
    }
    visual.truncate(rows);
    f.render_widget(Paragraph::new(visual), inner);
}

/// The screen rows of `lines` (wrapped or cut to `cols`), with gutter, timestamps, search
/// highlights and the selection.
fn visual_rows(
    logs: &crate::app::logs::LogsView,
    lines: &[(u64, &LogLine)],
    cols: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let selected = logs.selection();
    let mut visual: Vec<Line<'static>> = Vec::new();
    for &(seq, line) in lines {
        let in_selection = selected.is_some_and(|(a, b)| (a..=b).contains(&seq));
        let mut prefix = vec![gutter(line, theme)];
        if logs.timestamps {
            let ts = line
                .ts_nanos
                .map(format_local)
                .unwrap_or_else(|| " ".repeat(23));
            prefix.push(Span::styled(format!("{ts} "), theme.dim()));
        }
        let prefix_w: usize = prefix.iter().map(Span::width).sum();
        let highlights: Vec<(usize, usize, Style)> = match &logs.query {
            Some((_, q)) => {
                let style = if logs.current_match == Some(seq) {
                    theme.current_match()
                } else {
                    theme.highlight()
                };
                q.find_iter(&line.body.text)
                    .into_iter()
                    .map(|(s, e)| (s, e, style))
                    .collect()
            }
            None => Vec::new(),
        };
        let body_w = cols.saturating_sub(prefix_w).max(1);
        let parts = layout_text(
            &line.body,
            &highlights,
            logs.hscroll,
            body_w,
            logs.wrap,
            theme,
        );
        for (i, part) in parts.into_iter().enumerate() {
            let mut spans = if i == 0 {
                prefix.clone()
            } else {
                vec![Span::raw(" ".repeat(prefix_w))]
            };
            spans.extend(part);
            let l = Line::from(spans);
            visual.push(if in_selection {
                l.style(theme.selected(true))
            } else {
                l
            });
        }
    }
    visual
}
