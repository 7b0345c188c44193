//! Overlays: help (generated from the keymap) and the remove confirmation.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::theme::Theme;
use super::util::centered;
use crate::app::State;
use crate::app::state::Confirm;

/// The frame of a dialog: accent border, its title, and a hint at the bottom.
fn dialog<'a>(title: &str, hint: Option<&str>, theme: &Theme) -> Block<'a> {
    let b = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent())
        .title(Span::styled(format!(" {title} "), theme.title()));
    match hint {
        Some(h) => b.title_bottom(Span::styled(format!(" {h} "), theme.dim())),
        None => b,
    }
}

pub fn help_lines(state: &State, theme: &Theme, col_w: usize) -> Vec<Line<'static>> {
    use crate::app::state::{HELP_KEYS_W, HelpRow};
    state
        .help_rows(col_w)
        .into_iter()
        .map(|row| match row {
            HelpRow::Title(t) => Line::from(Span::styled(t.to_string(), theme.title())),
            HelpRow::Key(keys, desc) => Line::from(vec![
                Span::styled(format!("  {keys:<12} "), theme.accent()),
                Span::raw(desc),
            ]),
            HelpRow::More(desc) => Line::from(format!("{}{desc}", " ".repeat(HELP_KEYS_W))),
            HelpRow::Blank => Line::from(""),
        })
        .collect()
}

pub fn help(f: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let (rows, cols, col_w, _) = state.help_layout();
    let mut lines = help_lines(state, theme, col_w);
    let col_w = col_w as u16;
    let fits = lines.len() <= rows * cols;
    if !fits {
        // Scrolled by the arrows; the last line says when there is more.
        let skip = state.help_scroll.min(state.help_max_scroll());
        lines.drain(..skip.min(lines.len()));
        if lines.len() > rows * cols {
            lines.truncate(rows * cols - 1);
            lines.push(Line::from(Span::styled(
                "↓ more (↑↓ pgup pgdn scroll)",
                theme.dim(),
            )));
        }
    }
    let h = (lines.len().min(rows) as u16 + 2).min(area.height);
    let w = (col_w * cols as u16 + 2).min(area.width);
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    f.render_widget(Clear, rect);
    let title = if fits {
        "Keys (any key closes)"
    } else {
        "Keys (↑↓ scroll, any other key closes)"
    };
    let block = dialog(title, None, theme);
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    for (i, chunk) in lines.chunks(rows).enumerate() {
        let x = inner.x + col_w * i as u16;
        if x >= inner.x + inner.width {
            break;
        }
        let width = col_w.min(inner.x + inner.width - x);
        f.render_widget(
            Paragraph::new(chunk.to_vec()),
            Rect::new(x, inner.y, width, inner.height),
        );
    }
}

pub fn confirm(f: &mut Frame, area: Rect, c: &Confirm, theme: &Theme) {
    let names: Vec<&str> = c.targets.iter().map(|(_, n)| n.as_str()).collect();
    let what = if names.len() == 1 {
        format!("Remove container {}?", names[0])
    } else {
        format!("Remove {} containers ({})?", names.len(), names.join(", "))
    };
    let check = |on: bool| if on { "[x]" } else { "[ ]" };
    let mut lines = vec![
        Line::from(Span::styled(what, theme.title())),
        Line::from(""),
    ];
    lines.push(Line::from(format!(
        "  v  {} also remove anonymous volumes",
        check(c.volumes)
    )));
    let force_note = if c.any_running {
        " (needed: it is running)"
    } else {
        ""
    };
    lines.push(Line::from(format!(
        "  f  {} force{force_note}",
        check(c.force)
    )));
    lines.push(Line::from(""));
    lines.push(Line::from(vec![
        Span::styled("  y", theme.accent()),
        Span::raw("/enter remove   "),
        Span::styled("n", theme.accent()),
        Span::raw("/esc cancel"),
    ]));
    let rect = centered(area, 64, lines.len() as u16 + 2);
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.bad())
        .title(" Confirm ");
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        rect,
    );
}

/// A one-line prompt.
pub fn prompt(
    f: &mut Frame,
    area: Rect,
    title: &str,
    text: &str,
    hint: Option<(bool, String)>,
    theme: &Theme,
) {
    let max_w = area.width.saturating_sub(2).max(1);
    let w = if hint.is_some() {
        area.width.saturating_sub(4).max(1)
    } else {
        (title.chars().count().max(text.chars().count() + 4) as u16 + 6).clamp(40.min(max_w), max_w)
    };
    let h = if hint.is_some() { 8 } else { 5 };
    let rect = centered(area, w, h);
    f.render_widget(Clear, rect);
    let block = dialog(title, None, theme);
    // Keep the end of a long input (where the cursor is) in view.
    let room = usize::from(w.saturating_sub(5));
    let n = text.chars().count();
    let shown: String = if n > room {
        text.chars().skip(n - room).collect()
    } else {
        text.to_string()
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled("> ", theme.accent()),
            Span::raw(format!("{shown}▏")),
        ]),
        Line::from(""),
    ];
    if let Some((ok, h)) = hint {
        let (mark, style) = if ok {
            ("✓ ", theme.ok())
        } else {
            ("✗ ", theme.bad())
        };
        lines.push(Line::from(vec![Span::styled(mark, style), Span::raw(h)]));
        lines.push(Line::from(""));
    }
    lines.push(Line::from(Span::styled(
        "enter runs · esc cancels",
        theme.dim(),
    )));
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        rect,
    );
}

/// Output of a one-off command, or the messages: the last lines that fit, long ones wrapped.
pub fn output(f: &mut Frame, area: Rect, title: &str, text: &str, theme: &Theme) {
    let rect = centered(
        area,
        area.width.saturating_sub(8).max(20),
        area.height.saturating_sub(4).max(5),
    );
    f.render_widget(Clear, rect);
    let inner_h = usize::from(rect.height.saturating_sub(2));
    let inner_w = usize::from(rect.width.saturating_sub(2)).max(1);
    let lines: Vec<String> = text.lines().flat_map(|l| wrap(l, inner_w)).collect();
    let skip = lines.len().saturating_sub(inner_h);
    let shown: Vec<Line> = lines[skip..]
        .iter()
        .map(|l| {
            // Standard error is marked (`! …`) by the one-off command's output.
            if l.starts_with("! ") {
                Line::from(Span::styled(l.clone(), theme.bad()))
            } else {
                Line::from(l.clone())
            }
        })
        .collect();
    let hint = if text.lines().any(|l| l.starts_with("! ")) {
        "! marks stderr · any key closes"
    } else {
        "any key closes"
    };
    let block = dialog(title, Some(hint), theme);
    f.render_widget(Paragraph::new(shown).block(block), rect);
}

/// `line` cut into rows of at most `width` cells.
fn wrap(line: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let mut rows = vec![String::new()];
    let mut used = 0;
    for c in line.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width && used > 0 {
            rows.push(String::new());
            used = 0;
        }
        if let Some(r) = rows.last_mut() {
            r.push(c);
        }
        used += w;
    }
    rows
}

/// A yes/no question.
pub fn ask(f: &mut Frame, area: Rect, question: &str, theme: &Theme) {
    let w = (question.chars().count() as u16 + 4).clamp(30, area.width.saturating_sub(2).max(1));
    let h = if question.chars().count() as u16 + 4 > w {
        5
    } else {
        3
    };
    let rect = centered(area, w, h);
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.bad())
        .title(" Confirm ");
    f.render_widget(
        Paragraph::new(question.to_string())
            .wrap(Wrap { trim: false })
            .block(block),
        rect,
    );
}

/// The `docker run` form: every field, what is wrong with it as typed, and the command line.
pub fn run_form(
    f: &mut Frame,
    area: Rect,
    state: &State,
    form: &crate::app::runform::RunForm,
    field: usize,
    purpose: &crate::app::recreate::FormPurpose,
    theme: &Theme,
) {
    use crate::app::recreate::FormPurpose;
    use crate::app::runform::Field;
    let result = crate::app::prompts::check_form(state, form, purpose);
    let errors: Vec<(Field, String)> = match &result {
        Ok(_) => Vec::new(),
        Err(e) => e.clone(),
    };
    let w = area.width.saturating_sub(4).clamp(20, 110);
    let h = (Field::ALL.len() as u16 + 6).min(area.height);
    let rect = centered(area, w, h);
    f.render_widget(Clear, rect);
    let keys = match purpose {
        FormPurpose::Run => "tab/↑↓ fields · space toggles · enter runs · esc cancels",
        FormPurpose::Replace { .. } => {
            "tab/↑↓ fields · space toggles · enter recreates (asks) · esc cancels"
        }
        FormPurpose::Duplicate { .. } => {
            "tab/↑↓ fields · space toggles · enter creates the copy · esc cancels"
        }
    };
    let title = purpose.title();
    let block = dialog(&title, Some(keys), theme);
    let mut lines: Vec<Line> = Vec::new();
    for (i, fl) in Field::ALL.iter().enumerate() {
        let current = i == field;
        let label = Span::styled(
            format!("{}{:<22}", if current { "▸ " } else { "  " }, fl.label()),
            if current {
                theme.title()
            } else {
                theme.accent()
            },
        );
        let value = if fl.is_toggle() {
            let on = form.flag(*fl).unwrap_or(false);
            Span::raw(if on { "[x]" } else { "[ ]" })
        } else {
            let text = form.text(*fl).unwrap_or_default();
            if text.is_empty() && !current {
                Span::styled(fl.hint().to_string(), theme.dim())
            } else if current {
                Span::raw(format!("{text}▏"))
            } else {
                Span::raw(text.to_string())
            }
        };
        let mut spans = vec![label, value];
        if let Some((_, e)) = errors.iter().find(|(ef, _)| ef == fl) {
            spans.push(Span::styled(format!("  ✗ {e}"), theme.bad()));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::from(""));
    match &result {
        Ok(spec) => lines.push(Line::from(vec![
            Span::styled("✓ ", theme.ok()),
            Span::raw(spec.docker_command()),
        ])),
        Err(e) => lines.push(Line::from(Span::styled(
            format!("✗ {} field(s) to fix", e.len()),
            theme.bad(),
        ))),
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        rect,
    );
}

/// The engine switcher: `default`, the docker contexts, and a last row for another address.
pub fn engines(
    f: &mut Frame,
    area: Rect,
    list: &[crate::app::msg::EngineChoice],
    sel: usize,
    current: &str,
    theme: &Theme,
) {
    let rows = list.len() + 1;
    let rect = centered(
        area,
        area.width.saturating_sub(8).clamp(20, 100),
        (rows as u16).saturating_add(2).min(area.height),
    );
    f.render_widget(Clear, rect);
    let inner_h = usize::from(rect.height.saturating_sub(2)).max(1);
    let skip = (sel + 1).saturating_sub(inner_h);
    let mut lines: Vec<Line> = list
        .iter()
        .map(|e| {
            let here = current.starts_with(&e.addr);
            let mut spans = vec![
                Span::raw(if here { "● " } else { "  " }),
                Span::styled(format!("{:<16} ", e.name), theme.accent()),
                Span::raw(e.addr.clone()),
            ];
            if !e.description.is_empty() {
                spans.push(Span::styled(format!("  {}", e.description), theme.dim()));
            }
            Line::from(spans)
        })
        .collect();
    lines.push(Line::from(Span::styled(
        "  Another address… (unix://, tcp://, ssh://)",
        theme.dim(),
    )));
    let lines: Vec<Line> = lines
        .into_iter()
        .enumerate()
        .skip(skip)
        .map(|(i, l)| {
            if i == sel {
                l.style(theme.selected(true))
            } else {
                l
            }
        })
        .collect();
    let block = dialog(
        "Switch engine",
        Some("↑↓ choose · enter connects · esc closes"),
        theme,
    );
    f.render_widget(Paragraph::new(lines).block(block), rect);
}
