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
            _ => s,
        }
    }
}
