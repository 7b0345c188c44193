//! The command palette (`:`): the line typed, then its matches, best first, each with its
//! key and description; the highlighted one runs on enter.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme::Theme;
use super::util::fit;
use crate::app::State;
use crate::app::action::Action;
use crate::app::command_palette::CommandPalette;
use crate::app::keymap::Context;
use crate::app::palette_entries::entries;

pub fn draw(f: &mut Frame, area: Rect, state: &State, p: &CommandPalette, theme: &Theme) {
    let list = entries(state, p);
    let w = area.width.saturating_sub(4).clamp(20.min(area.width), 110);
    // Under the header, as tall as the matches need and the screen allows.
    let room = area.height.saturating_sub(4).max(3);
    let h = (list.len() as u16 + 4).clamp(5, room);
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + 2,
        w,
        h.min(area.height),
    );
    f.render_widget(Clear, rect);
    let key = |a: Action| {
        state
            .keymap
            .key_for(Context::Palette, a)
            .unwrap_or_default()
    };
    let hint = format!(
        " {} runs · {} next · {}{} history · {} closes ",
        key(Action::Open),
        key(Action::NextMatch),
        key(Action::Up),
        key(Action::Down),
        key(Action::Close)
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent())
        .title(Span::styled(
            match list.len() {
                1 => " Command (1 match) ".to_string(),
                n => format!(" Command ({n} matches) "),
            },
            theme.title(),
        ))
        .title_bottom(Span::styled(hint, theme.dim()));
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let width = usize::from(inner.width);
    // The end of a long line (where the cursor is) stays in view.
    let shown: String = {
        let n = p.text.chars().count();
        let room = width.saturating_sub(3);
        p.text.chars().skip(n.saturating_sub(room)).collect()
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(": ", theme.accent()),
        Span::raw(format!("{shown}▏")),
    ])];
    lines.push(match (&p.note, list.is_empty()) {
        (Some(n), _) => Line::from(Span::styled(n.clone(), theme.bad())),
        (None, true) => Line::from(Span::styled(
            "nothing matches: try a view (images), an action (stop), logs NAME, ctx NAME, run IMAGE, q",
            theme.dim(),
        )),
        (None, false) => Line::from(Span::styled("─".repeat(width), theme.dim())),
    });
    let rows = usize::from(inner.height.saturating_sub(2));
    let sel = p.sel.min(list.len().saturating_sub(1));
    let skip = (sel + 1).saturating_sub(rows);
    let label_w = list
        .iter()
        .skip(skip)
        .take(rows)
        .map(|e| unicode_width::UnicodeWidthStr::width(e.label.as_str()))
        .max()
        .unwrap_or(0)
        .clamp(8, (width / 3).max(8));
    let key_w = list
        .iter()
        .skip(skip)
        .take(rows)
        .map(|e| unicode_width::UnicodeWidthStr::width(e.key.as_str()))
        .max()
        .unwrap_or(0)
        .min(12);
    for (i, e) in list.iter().enumerate().skip(skip).take(rows) {
        let here = i == sel;
        let desc_w = width.saturating_sub(2 + label_w + 1 + key_w + 1);
        let mut line = Line::from(vec![
            Span::raw(if here { "▸ " } else { "  " }),
            Span::styled(
                format!("{} ", fit(&e.label, label_w)),
                if here { theme.title() } else { theme.accent() },
            ),
            Span::styled(format!("{} ", fit(&e.key, key_w)), theme.dim()),
            Span::raw(fit(&e.desc, desc_w)),
        ]);
        if here {
            line = line.style(theme.selected(true));
        }
        lines.push(line);
    }
    f.render_widget(Paragraph::new(lines), inner);
}
