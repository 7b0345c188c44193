//! Styles, degraded for NO_COLOR and 16-colour terminals.

use ratatui::style::{Color, Modifier, Style};

use crate::app::palette::{ColorLevel, Pair, Palette};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub level: ColorLevel,
    pub palette: Palette,
}

impl Theme {
    /// The default (dark) theme at `level`.
    pub fn new(level: ColorLevel) -> Self {
        Theme::with(level, Palette::default())
    }

    pub fn with(level: ColorLevel, palette: Palette) -> Self {
        Theme { level, palette }
    }

    fn color(&self, p: Pair) -> Option<Color> {
        match self.level {
            ColorLevel::None => None,
            ColorLevel::Basic => Some(p.basic),
            ColorLevel::Full => Some(p.full),
        }
    }

    fn fg(&self, p: Pair) -> Style {
        match self.color(p) {
            Some(c) => Style::default().fg(c),
            None => Style::default(),
        }
    }

    pub fn ok(&self) -> Style {
        self.fg(self.palette.ok)
    }
    pub fn warn(&self) -> Style {
        self.fg(self.palette.warn)
    }
    pub fn bad(&self) -> Style {
        self.fg(self.palette.bad)
    }
    pub fn dim(&self) -> Style {
        self.fg(self.palette.dim)
    }
    pub fn accent(&self) -> Style {
        self.fg(self.palette.accent)
    }
    pub fn title(&self) -> Style {
        self.accent().add_modifier(Modifier::BOLD)
    }
    pub fn header_row(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    pub fn selected(&self, focused: bool) -> Style {
        let bg = if focused {
            self.palette.selected
        } else {
            self.palette.selected_unfocused
        };
        match (self.color(bg), self.level, focused) {
            (None, ..) => Style::default().add_modifier(Modifier::REVERSED),
            // On 16 colours the text needs its own colour to read on the background.
            (Some(c), ColorLevel::Basic, true) => Style::default().bg(c).fg(Color::White),
            (Some(c), ..) => Style::default().bg(c),
        }
    }
    pub fn marked(&self) -> Style {
        self.warn().add_modifier(Modifier::BOLD)
    }
    pub fn border(&self, focused: bool) -> Style {
        if focused { self.accent() } else { self.dim() }
    }
    pub fn highlight(&self) -> Style {
        match self.color(self.palette.highlight) {
            None => Style::default().add_modifier(Modifier::REVERSED),
            Some(c) => Style::default().bg(c).fg(Color::Black),
        }
    }
    pub fn current_match(&self) -> Style {
        match self.color(self.palette.current_match) {
            None => Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            Some(c) => Style::default().bg(c).fg(Color::Black),
        }
    }
    /// Strip colours from a style coming from a container's output when colours are off.
    pub fn content(&self, s: Style) -> Style {
        match self.level {
            ColorLevel::None => Style {
                fg: None,
                bg: None,
                ..s
            },
            ColorLevel::Basic => Style {
                fg: s.fg.map(to_basic),
                bg: s.bg.map(to_basic),
                ..s
            },
            ColorLevel::Full => s,
        }
    }

    /// Degrade the colours a program drew into `area` (a shell's screen) to this level.
    pub fn degrade_area(&self, buf: &mut ratatui::buffer::Buffer, area: ratatui::layout::Rect) {
        if self.level == ColorLevel::Full {
            return;
        }
        let area = area.intersection(buf.area);
        for y in area.top()..area.bottom() {
            for x in area.left()..area.right() {
                if let Some(cell) = buf.cell_mut((x, y)) {
                    let style = self.content(cell.style());
                    cell.fg = style.fg.unwrap_or(Color::Reset);
                    cell.bg = style.bg.unwrap_or(Color::Reset);
                }
            }
        }
    }
}

pub use crate::app::palette::to_basic;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrade_strips_or_maps_a_programs_colours() {
        use ratatui::buffer::Buffer;
        use ratatui::layout::Rect;
        let area = Rect::new(0, 0, 2, 1);
        let mut buf = Buffer::empty(area);
        buf.set_string(
            0,
            0,
            "ab",
            Style::default()
                .fg(Color::Rgb(250, 0, 0))
                .bg(Color::Indexed(21)),
        );
        let mut basic = buf.clone();
        Theme::new(ColorLevel::None).degrade_area(&mut buf, area);
        let cell = &buf[(0, 0)];
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
        Theme::new(ColorLevel::Basic).degrade_area(&mut basic, area);
        let cell = &basic[(1, 0)];
        assert_eq!((cell.fg, cell.bg), (Color::LightRed, Color::Blue));
    }
}
