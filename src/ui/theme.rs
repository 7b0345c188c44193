//! Styles, degraded for NO_COLOR and 16-colour terminals.

use ratatui::style::{Color, Modifier, Style};

use crate::app::state::ColorLevel;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub level: ColorLevel,
}

impl Theme {
    pub fn new(level: ColorLevel) -> Self {
        Theme { level }
    }

    fn fg(&self, full: Color, basic: Color) -> Style {
        match self.level {
            ColorLevel::None => Style::default(),
            ColorLevel::Basic => Style::default().fg(basic),
            ColorLevel::Full => Style::default().fg(full),
        }
    }

    pub fn ok(&self) -> Style {
        self.fg(Color::Rgb(80, 200, 120), Color::Green)
    }
    pub fn warn(&self) -> Style {
        self.fg(Color::Rgb(230, 190, 60), Color::Yellow)
    }
    pub fn bad(&self) -> Style {
        self.fg(Color::Rgb(240, 90, 90), Color::Red)
    }
    pub fn dim(&self) -> Style {
        match self.level {
            ColorLevel::None => Style::default(),
            ColorLevel::Basic => Style::default().fg(Color::DarkGray),
            ColorLevel::Full => Style::default().fg(Color::Rgb(130, 130, 140)),
        }
    }
    pub fn accent(&self) -> Style {
        self.fg(Color::Rgb(100, 170, 255), Color::Cyan)
    }
    pub fn title(&self) -> Style {
        self.accent().add_modifier(Modifier::BOLD)
    }
    pub fn header_row(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    pub fn selected(&self, focused: bool) -> Style {
        match (self.level, focused) {
            (ColorLevel::None, _) => Style::default().add_modifier(Modifier::REVERSED),
            (ColorLevel::Basic, true) => Style::default().bg(Color::Blue).fg(Color::White),
            (ColorLevel::Basic, false) => Style::default().bg(Color::DarkGray),
            (ColorLevel::Full, true) => Style::default().bg(Color::Rgb(40, 70, 120)),
            (ColorLevel::Full, false) => Style::default().bg(Color::Rgb(50, 50, 60)),
        }
    }
    pub fn marked(&self) -> Style {
        self.warn().add_modifier(Modifier::BOLD)
    }
    pub fn border(&self, focused: bool) -> Style {
        if focused { self.accent() } else { self.dim() }
    }
    pub fn highlight(&self) -> Style {
        match self.level {
            ColorLevel::None => Style::default().add_modifier(Modifier::REVERSED),
            _ => Style::default().bg(Color::Yellow).fg(Color::Black),
        }
    }
    pub fn current_match(&self) -> Style {
        match self.level {
            ColorLevel::None => Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            _ => Style::default()
                .bg(Color::Rgb(255, 140, 0))
                .fg(Color::Black),
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

/// The 16 ANSI colours with their usual (xterm) values.
const BASIC: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

/// The RGB value of a 256-colour palette index (16..=255: the 6x6x6 cube and the greys).
fn indexed_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => BASIC[usize::from(i)].1,
        16..=231 => {
            let i = i - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            (level(i / 36), level((i / 6) % 6), level(i % 6))
        }
        _ => {
            let g = 8 + (i - 232) * 10;
            (g, g, g)
        }
    }
}

/// The nearest of the 16 ANSI colours (what a 16-colour terminal can show).
pub fn to_basic(c: Color) -> Color {
    let rgb = match c {
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Indexed(i) if i < 16 => return BASIC[usize::from(i)].0,
        Color::Indexed(i) => indexed_rgb(i),
        other => return other,
    };
    let dist = |(r, g, b): (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(r, rgb.0) + d(g, rgb.1) + d(b, rgb.2)
    };
    BASIC
        .iter()
        .min_by_key(|(_, v)| dist(*v))
        .map_or(Color::Reset, |(c, _)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_map_to_the_nearest_basic_one() {
        assert_eq!(to_basic(Color::Rgb(250, 10, 10)), Color::LightRed);
        assert_eq!(to_basic(Color::Rgb(0, 0, 0)), Color::Black);
        assert_eq!(to_basic(Color::Indexed(1)), Color::Red);
        assert_eq!(to_basic(Color::Indexed(46)), Color::LightGreen);
        assert_eq!(to_basic(Color::Indexed(244)), Color::DarkGray);
        assert_eq!(to_basic(Color::Blue), Color::Blue);
    }

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
