//! Colour themes: the colours the UI draws with, for full-colour and 16-colour terminals.
//! Built-in themes live in `assets/themes/`; a user file has the same form.

use ratatui::style::Color;
use serde::Deserialize;

/// One colour, with the one to use on a 16-colour terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub full: Color,
    pub basic: Color,
}

/// The colours of a theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub ok: Pair,
    pub warn: Pair,
    pub bad: Pair,
    pub dim: Pair,
    pub accent: Pair,
    pub selected: Pair,
    pub selected_unfocused: Pair,
    pub highlight: Pair,
    pub current_match: Pair,
}

/// Built-in themes by name.
pub const BUILT_IN: [(&str, &str); 3] = [
    ("dark", include_str!("../../assets/themes/dark.toml")),
    ("light", include_str!("../../assets/themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../assets/themes/high-contrast.toml"),
    ),
];

#[derive(Deserialize)]
#[serde(untagged)]
enum RawPair {
    One(String),
    Two(String, String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPalette {
    ok: RawPair,
    warn: RawPair,
    bad: RawPair,
    dim: RawPair,
    accent: RawPair,
    selected: RawPair,
    selected_unfocused: RawPair,
    #[serde(rename = "match")]
    highlight: RawPair,
    current_match: RawPair,
}

fn color(name: &str, text: &str) -> Result<Color, String> {
    text.parse::<Color>()
        .map_err(|_| format!("{name}: `{text}` is not a colour (#rrggbb, a name or 0-255)"))
}

fn pair(name: &str, raw: RawPair) -> Result<Pair, String> {
    Ok(match raw {
        RawPair::One(c) => {
            let full = color(name, &c)?;
            Pair {
                full,
                basic: crate::app::palette::to_basic(full),
            }
        }
        RawPair::Two(f, b) => Pair {
            full: color(name, &f)?,
            basic: crate::app::palette::to_basic(color(name, &b)?),
        },
    })
}

impl Palette {
    /// Parse a theme file's text.
    pub fn parse(text: &str) -> Result<Palette, String> {
        let r: RawPalette = toml::from_str(text).map_err(|e| e.to_string())?;
        Ok(Palette {
            ok: pair("ok", r.ok)?,
            warn: pair("warn", r.warn)?,
            bad: pair("bad", r.bad)?,
            dim: pair("dim", r.dim)?,
            accent: pair("accent", r.accent)?,
            selected: pair("selected", r.selected)?,
            selected_unfocused: pair("selected_unfocused", r.selected_unfocused)?,
            highlight: pair("match", r.highlight)?,
            current_match: pair("current_match", r.current_match)?,
        })
    }

    /// A built-in theme by name.
    pub fn built_in(name: &str) -> Option<Palette> {
        BUILT_IN
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, text)| Palette::parse(text).ok())
    }
}

impl Default for Palette {
    /// The dark theme (tested to parse).
    fn default() -> Self {
        let p = |full, basic| Pair { full, basic };
        Palette::built_in("dark").unwrap_or(Palette {
            ok: p(Color::Green, Color::Green),
            warn: p(Color::Yellow, Color::Yellow),
            bad: p(Color::Red, Color::Red),
            dim: p(Color::DarkGray, Color::DarkGray),
            accent: p(Color::Cyan, Color::Cyan),
            selected: p(Color::Blue, Color::Blue),
            selected_unfocused: p(Color::DarkGray, Color::DarkGray),
            highlight: p(Color::Yellow, Color::Yellow),
            current_match: p(Color::LightRed, Color::LightRed),
        })
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

/// Colours the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorLevel {
    None,
    Basic,
    Full,
}

impl ColorLevel {
    /// From the environment values of NO_COLOR, COLORTERM and TERM.
    pub fn detect(no_color: Option<&str>, colorterm: Option<&str>, term: Option<&str>) -> Self {
        if no_color.is_some_and(|v| !v.is_empty()) {
            return ColorLevel::None;
        }
        if term == Some("dumb") {
            return ColorLevel::None;
        }
        if colorterm.is_some_and(|c| c.contains("truecolor") || c.contains("24bit"))
            || term.is_some_and(|t| t.contains("256color"))
        {
            return ColorLevel::Full;
        }
        ColorLevel::Basic
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_theme_parses() {
        for (name, text) in BUILT_IN {
            assert!(
                Palette::parse(text).is_ok(),
                "{name}: {:?}",
                Palette::parse(text)
            );
        }
        let dark = Palette::default();
        assert_eq!(dark.ok.full, Color::Rgb(0x50, 0xc8, 0x78));
        assert_eq!(dark.ok.basic, Color::Green);
        let hc = Palette::built_in("high-contrast").expect("built in");
        assert_eq!(
            hc.bad,
            Pair {
                full: Color::LightRed,
                basic: Color::LightRed
            }
        );
    }

    #[test]
    fn a_bad_theme_says_what_is_wrong() {
        let text = BUILT_IN[0].1.replace("\"#f05a5a\"", "\"#nothex\"");
        let e = Palette::parse(&text).expect_err("bad colour");
        assert!(e.contains("bad") && e.contains("#nothex"), "{e}");
        let e = Palette::parse("ok = \"red\"").expect_err("missing keys");
        assert!(e.contains("missing field"), "{e}");
        let e =
            Palette::parse(&format!("{}\nsparkle = \"red\"", BUILT_IN[0].1)).expect_err("unknown");
        assert!(e.contains("sparkle"), "{e}");
    }

    #[test]
    fn colours_map_to_the_nearest_basic_one() {
        assert_eq!(to_basic(Color::Rgb(250, 10, 10)), Color::LightRed);
        assert_eq!(to_basic(Color::Rgb(0, 0, 0)), Color::Black);
        assert_eq!(to_basic(Color::Indexed(1)), Color::Red);
        assert_eq!(to_basic(Color::Indexed(46)), Color::LightGreen);
        assert_eq!(to_basic(Color::Indexed(244)), Color::DarkGray);
        assert_eq!(to_basic(Color::Blue), Color::Blue);
    }
}
