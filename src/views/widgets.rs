//! Drawing shared by the views: the framed list with the view tabs and the filter, a message
//! in place of a list, one page of rows, key/value lines and key hints from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Wrap};

use crate::app::action::Action;
use crate::app::keymap::{Context, Keymap};
use crate::app::model::human_duration;
use crate::app::overlay::Input;
use crate::ui::theme::Theme;

use super::View;
use super::list::ListView;

/// What a view's drawing may read besides its own state.
pub struct Dx<'a> {
    pub theme: &'a Theme,
    /// The view shown (for the tabs).
    pub view: View,
    /// Whether the pane being drawn has the focus.
    pub focused: bool,
    pub filter: &'a Input,
    /// Unix seconds.
    pub now: i64,
    /// The user's time zone, seconds east of UTC.
    pub utc_offset: i32,
    /// The screen's width: narrow screens get a compact tab strip.
    pub width: u16,
    pub keymap: &'a Keymap,
    /// The engine the view shows, when several are shown (the primary).
    pub engine: Option<&'a str>,
    /// The engines' names, for the HOST column of merged lists.
    pub hosts: &'a [(crate::app::model::EngineId, String)],
}

impl Dx<'_> {
    /// The HOST column's width: the longest engine name (at least the header's, at most 16).
    pub fn host_width(&self) -> u16 {
        let w = self
            .hosts
            .iter()
            .map(|(_, n)| unicode_width::UnicodeWidthStr::width(n.as_str()))
            .max()
            .unwrap_or(0);
        w.clamp(4, 16) as u16
    }

    /// The HOST column's text for a row of a merged list.
    pub fn host_name(&self, host: Option<crate::app::model::EngineId>) -> String {
        host.and_then(|h| self.hosts.iter().find(|(id, _)| *id == h))
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    }

    /// "3 days ago" (empty for an unknown time).
    pub fn ago(&self, t: i64) -> String {
        if t <= 0 {
            return String::new();
        }
        format!("{} ago", human_duration(self.now - t))
    }

    /// "c creates · D removes" from the keys bound now in `ctx`.
    pub fn hints(&self, ctx: Context, actions: &[(Action, &str)]) -> String {
        actions
            .iter()
            .filter_map(|(a, label)| self.keymap.key_for(ctx, *a).map(|k| format!("{k} {label}")))
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// The list's frame: view tabs, a title, and the filter when one is set.
    pub fn block<'b>(&self, title: String) -> Block<'b> {
        let mut tabs = view_tabs(self.view, self.keymap, self.theme, self.width >= 160);
        tabs.push(Span::styled(format!(" {title} "), self.theme.accent()));
        if let Some(e) = self.engine {
            tabs.push(Span::styled(format!("on {e} "), self.theme.warn()));
        }
        let mut b = Block::default()
            .borders(Borders::ALL)
            .border_style(self.theme.border(self.focused))
            .title(Line::from(tabs));
        if !self.filter.text.is_empty() || self.filter.active {
            let cursor = if self.filter.active { "▏" } else { "" };
            b = b.title_bottom(Line::from(vec![
                Span::styled(" filter: ", self.theme.accent()),
                Span::raw(format!("{}{cursor} ", self.filter.text)),
            ]));
        }
        b
    }

    /// The detail pane's frame.
    pub fn detail_block<'b>(&self, title: &str) -> Block<'b> {
        Block::default()
            .borders(Borders::ALL)
            .border_style(self.theme.border(self.focused))
            .title(Span::styled(format!(" {title} "), self.theme.title()))
    }

    /// A message in place of a list (loading, an error, nothing there).
    pub fn message(&self, f: &mut Frame, area: Rect, b: Block, text: String) {
        f.render_widget(
            Paragraph::new(text)
                .style(self.theme.dim())
                .wrap(Wrap { trim: false })
                .block(b),
            area,
        );
    }

    /// "Key           value" for a details pane.
    pub fn kv(&self, k: &str, v: String) -> Line<'static> {
        Line::from(vec![
            Span::styled(format!("{k:<15}"), self.theme.accent()),
            Span::raw(v),
        ])
    }

    /// Lines in the detail pane's frame, wrapped.
    pub fn details(&self, f: &mut Frame, area: Rect, lines: Vec<Line>) {
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(self.detail_block("Details")),
            area,
        );
    }
}

/// "1 Containers  2 Images  …" (each with the key that shows it) with the current view
/// highlighted; not `wide`, only the keys of the others ("1 2 Images 3 4 …").
pub fn view_tabs(current: View, keymap: &Keymap, theme: &Theme, wide: bool) -> Vec<Span<'static>> {
    let mut tabs: Vec<Span> = vec![Span::raw(" ")];
    for v in View::ALL {
        let key = keymap.key_for(Context::Global, v.action());
        let label = match key {
            Some(k) if wide || v == current => format!("{k} {}", v.title()),
            Some(k) => k,
            None if wide || v == current => v.title().to_string(),
            None => continue,
        };
        if v == current {
            tabs.push(Span::styled(label, theme.title()));
        } else {
            tabs.push(Span::styled(label, theme.dim()));
        }
        tabs.push(Span::raw(" "));
    }
    tabs
}

/// One page of a list: the rows from the cursor's offset, each item's cells; the selected
/// row highlighted.
pub fn page_rows<'a, T: 'a>(
    list: &ListView,
    page: usize,
    selected: Style,
    get: impl Fn(usize) -> Option<&'a T>,
    cells: impl Fn(&'a T) -> Vec<Cell<'a>>,
) -> Vec<Row<'a>> {
    list.rows
        .iter()
        .enumerate()
        .skip(list.cur.off)
        .take(page)
        .filter_map(|(pos, i)| get(*i).map(|x| (pos, x)))
        .map(|(pos, x)| {
            let row = Row::new(cells(x));
            if pos == list.cur.sel {
                row.style(selected)
            } else {
                row
            }
        })
        .collect()
}
