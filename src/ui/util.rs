//! Small drawing helpers.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use super::theme::Theme;
use crate::app::state::DetailTab;

/// The detail pane's block: tabs in the title, focus shown by the border colour.
pub fn detail_block<'a>(
    state_tab: DetailTab,
    extra: Line<'a>,
    theme: &Theme,
    focused: bool,
) -> Block<'a> {
    let mut title: Vec<Span> = vec![Span::raw(" ")];
    for (i, tab) in DetailTab::ALL.iter().enumerate() {
        if i > 0 {
            title.push(Span::styled(" │ ", theme.dim()));
        }
        if *tab == state_tab {
            title.push(Span::styled(tab.title(), theme.title()));
        } else {
            title.push(Span::styled(tab.title(), theme.dim()));
        }
    }
    title.push(Span::raw(" "));
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .title(Line::from(title))
        .title_bottom(extra)
}

/// Centre a rect of at most `w`x`h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// `text` in exactly `width` cells: cut with `…` when longer, padded when shorter.
pub fn fit(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let total = unicode_width::UnicodeWidthStr::width(text);
    let mut out = String::new();
    let mut used = 0;
    if total <= width {
        out.push_str(text);
        used = total;
    } else if width > 0 {
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width - 1 {
                break;
            }
            out.push(c);
            used += w;
        }
        out.push('…');
        used += 1;
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

pub fn styled(text: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(text.into(), style)
}

/// A container's image, with a `⇡` badge when its registry holds a newer one under the tag
/// (`u` updates it).
pub fn image_cell(
    state: &crate::app::State,
    c: &crate::app::model::Container,
    theme: &Theme,
) -> Line<'static> {
    if state.views.images.fresh.container_outdated(&c.image) {
        Line::from(vec![
            Span::styled("⇡", theme.warn()),
            Span::styled(c.image.clone(), theme.warn()),
        ])
    } else {
        Line::from(c.image.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::state::ColorLevel;
    use ratatui::buffer::Buffer;
    use ratatui::widgets::Widget;

    #[test]
    fn fit_cuts_and_pads_by_cells() {
        assert_eq!(fit("logs", 6), "logs  ");
        assert_eq!(fit("container", 5), "cont…");
        assert_eq!(fit("数据库备份", 6), "数据… ");
        assert_eq!(fit("abc", 0), "");
    }

    /// The mouse finds each tab where the block draws its title.
    #[test]
    fn tab_clicks_land_on_the_drawn_titles() {
        let area = Rect::new(3, 5, 90, 6);
        let mut buf = Buffer::empty(Rect::new(0, 0, 100, 12));
        let theme = Theme::new(ColorLevel::None);
        detail_block(DetailTab::Logs, Line::from(""), &theme, true).render(area, &mut buf);
        let line: String = (0..100)
            .map(|x| buf[(x, area.y)].symbol().to_string())
            .collect();
        for tab in DetailTab::ALL {
            let byte = line.find(tab.title()).expect("title drawn");
            let x = line[..byte].chars().count() as u16;
            let last = x + tab.title().len() as u16 - 1;
            assert_eq!(crate::app::mouse::tab_at(area, x), Some(tab), "{line}");
            assert_eq!(crate::app::mouse::tab_at(area, last), Some(tab), "{line}");
            assert_ne!(crate::app::mouse::tab_at(area, last + 2), Some(tab));
        }
    }
}
