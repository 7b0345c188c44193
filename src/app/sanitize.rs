//! Turning untrusted container output into safe, display-ready text.
//!
//! Containers can print anything. Colours (SGR) are parsed into ratatui styles; every other
//! escape or control is neutralised so that it can never reach the user's terminal. Each line is
//! parsed once, when it arrives; drawing only slices the result.
//!
//! # Rules (what [`sanitize_line`] does with each kind of input)
//!
//! | input | output |
//! |---|---|
//! | printable text (incl. non-ASCII) | kept |
//! | invalid UTF-8 | U+FFFD `�` per invalid sequence (`String::from_utf8_lossy` semantics) |
//! | TAB | spaces up to the next multiple of 8 display columns (wide chars count 2) |
//! | SGR `ESC [ … m` | removed; sets the style of the text that follows (see below) |
//! | other CSI `ESC [ … final` (cursor moves, `2J`, `?1049h`, `>4;2m` …) | removed |
//! | malformed / unterminated CSI | the bytes consumed so far are removed; the byte that broke it is processed normally |
//! | OSC 8 hyperlink `ESC ] 8 ; … ST` | removed (the link text between two OSC 8 is ordinary text and stays) |
//! | any other OSC `ESC ] Ps ; Pt ST` (title, clipboard …) | `␛]` + `Ps` (at most 8 leading digits) + `;…` if a `;` follows the digits, else `…` if any other content follows, else nothing. The payload is never shown. The same applies to an OSC left unterminated at the end of the line. |
//! | OSC terminators | BEL, `ESC \`, C1 ST (U+009C), CAN, SUB; a lone `ESC` ends the OSC and starts a new sequence |
//! | DCS/SOS/PM/APC `ESC P`/`ESC X`/`ESC ^`/`ESC _` … ST | removed, with their content, up to `ESC \`, U+009C, CAN or SUB (or the end of the line) |
//! | other escapes `ESC` [0x20–0x2F]* [0x30–0x7E] (`ESC ( B`, `ESC 7`, `ESC c` …) | removed |
//! | lone `ESC` (at the end, or followed by anything else) | `␛` (U+241B); what follows is processed normally |
//! | other C0 bytes 0x00–0x1F (NUL, BEL, BS, LF, VT, FF, …) | the control picture U+2400 + byte (`␀`, `␇`, `␈`, `␊` …) |
//! | DEL 0x7F | `␡` (U+2421) |
//! | C1 controls U+0080–U+009F (UTF-8 `C2 80`–`C2 9F`, incl. 8-bit CSI U+009B) | U+FFFD `�` |
//! | raw bytes 0x80–0xFF that are not valid UTF-8 (e.g. a bare `9B`) | U+FFFD `�` (invalid UTF-8) |
//! | trailing `\r` (any number) | removed |
//! | interior `\r` | only what follows the **last** `\r` is shown (what a terminal would finally show for a progress bar); the part before it is scanned only for its SGR effect, so the colour in force carries over |
//! | line longer than `max_bytes` (counted after the `\r` rule) | cut at `max_bytes` (backed off to a UTF-8 boundary), then the unstyled suffix `…[+N bytes]` with N the number of bytes cut |
//!
//! SGR support: 0 reset, 1 bold, 2 dim, 3 italic, 4 underline (`4:0` off, `4:n` on), 7 reverse,
//! 9 crossed-out, 22 (bold and dim off), 23, 24, 27, 29, 30–37/90–97 foreground, 40–47/100–107
//! background, 39/49 default colour, `38;5;n` / `48;5;n` (indexed), `38;2;r;g;b` / `48;2;r;g;b`
//! (true colour), and the colon forms `38:5:n`, `38:2:r:g:b`, `38:2:cs:r:g:b`. Blink (5, 6) and
//! conceal (8) are deliberately ignored (a log viewer should not flash or hide text); 58 (underline
//! colour) is parsed and ignored; an SGR with a private marker (`<=>?`) or intermediates is not an
//! SGR and is simply removed. A colour value out of range (> 255) is ignored.
//!
//! Styles are canonical: "default" is `Style::default()` (`fg`/`bg` `None`, no modifiers, empty
//! `sub_modifier`), so that a line's base style set by the widget shows through; ranges are only
//! recorded for text whose style differs from the default, adjacent equal ranges are merged.

use ratatui::style::{Color, Modifier, Style};
use unicode_width::UnicodeWidthStr;

/// One log line parsed once.
///
/// `text` is the display text (only printable chars; tabs expanded to 8-column stops; neutralised
/// controls shown visibly), `styles` are non-overlapping, sorted byte ranges `[start, end)` into
/// `text` with the SGR style in force (only non-default styles are listed), `width` is the display
/// width of `text` (unicode-width).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StyledText {
    pub text: String,
    pub styles: Vec<(u32, u32, Style)>,
    pub width: u32,
}

impl StyledText {
    /// Unstyled text that is already known to be safe (no controls); see [`plain`] otherwise.
    pub fn unstyled(text: String) -> Self {
        let width = to_u32(text.width());
        StyledText {
            text,
            styles: Vec::new(),
            width,
        }
    }

    /// The style in force at byte offset `at` of `text` (the default style if none).
    pub fn style_at(&self, at: usize) -> Style {
        let at = to_u32(at);
        let idx = self.styles.partition_point(|&(_, end, _)| end <= at);
        match self.styles.get(idx) {
            Some(&(start, _, style)) if start <= at => style,
            _ => Style::default(),
        }
    }
}

/// Visible marker for a neutralised ESC.
pub const ESC_PICTURE: char = '\u{241B}';
/// Visible marker for DEL.
pub const DEL_PICTURE: char = '\u{2421}';
/// What a C1 control becomes.
pub const C1_REPLACEMENT: char = '\u{FFFD}';

/// The visible suffix of a line cut at the per-line cap: `…[+N bytes]`.
pub fn truncation_marker(dropped: usize) -> String {
    format!("…[+{dropped} bytes]")
}

/// Parse raw bytes (one line, without the trailing newline; may contain `\r`) into a
/// [`StyledText`]. `max_bytes` caps the bytes parsed; see the module docs for every rule.
pub fn sanitize_line(raw: &[u8], max_bytes: usize) -> StyledText {
    // Trailing carriage returns are dropped.
    let mut end = raw.len();
    while end > 0 && raw[end - 1] == b'\r' {
        end -= 1;
    }
    let raw = &raw[..end];

    // Interior carriage return: only what follows the last one is shown.
    let (prefix, body) = match raw.iter().rposition(|&b| b == b'\r') {
        Some(pos) => (Some(&raw[..pos]), &raw[pos + 1..]),
        None => (None, raw),
    };

    // Per-line cap.
    let (body, dropped) = if body.len() > max_bytes {
        let cut = utf8_floor(body, max_bytes);
        (&body[..cut], body.len() - cut)
    } else {
        (body, 0)
    };

    let mut out = match (prefix, fast_ascii(body)) {
        (None, Some(s)) => StyledText {
            text: s.to_owned(),
            styles: Vec::new(),
            width: to_u32(s.len()),
        },
        _ => {
            let mut p = Parser::new(Mode::Display, body.len());
            if let Some(prefix) = prefix {
                p.emit = false;
                p.run(&String::from_utf8_lossy(prefix));
                p.emit = true;
            }
            p.run(&String::from_utf8_lossy(body));
            p.finish()
        }
    };

    if dropped > 0 {
        let marker = truncation_marker(dropped);
        out.width = out.width.saturating_add(to_u32(marker.width()));
        out.text.push_str(&marker);
    }
    out
}

/// Strip every control char and escape sequence, keeping printable text only. For container
/// names, image names, labels and the like.
///
/// Escape sequences (CSI, OSC, DCS, …) and lone ESC are removed entirely, C0 controls, DEL and
/// C1 controls are removed, except TAB, LF, VT, FF and CR which each become one space. No tab
/// expansion, no styles.
pub fn plain(raw: &str) -> String {
    if is_clean(raw) {
        return raw.to_owned();
    }
    let mut p = Parser::new(Mode::Plain, raw.len());
    p.run(raw);
    p.finish().text
}

fn is_clean(raw: &str) -> bool {
    raw.bytes().all(|b| (0x20..0x7f).contains(&b) || b >= 0x80) && !has_c1(raw.as_bytes())
}

fn has_c1(b: &[u8]) -> bool {
    b.windows(2)
        .any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]))
}

/// `Some` if the line is entirely printable ASCII (no ESC, TAB or other control).
fn fast_ascii(b: &[u8]) -> Option<&str> {
    if b.iter().all(|c| (0x20..0x7f).contains(c)) {
        std::str::from_utf8(b).ok()
    } else {
        None
    }
}

/// Largest `cut <= at` that does not split a (valid) UTF-8 sequence of `b`.
fn utf8_floor(b: &[u8], at: usize) -> usize {
    let mut cut = at.min(b.len());
    let mut back = 0;
    while cut > 0 && cut < b.len() && back < 3 && (b[cut] & 0xc0) == 0x80 {
        cut -= 1;
        back += 1;
    }
    if back > 0 && cut < b.len() && (b[cut] & 0xc0) != 0xc0 {
        // Not a lead byte: the input is not valid UTF-8 here, so cut where asked.
        return at.min(b.len());
    }
    cut
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Log lines: styles, tab expansion, visible neutralised controls.
    Display,
    /// [`plain`]: controls removed, no styles.
    Plain,
}

struct Parser {
    mode: Mode,
    /// When false (the part of a line before the last `\r`), only the SGR state is tracked.
    emit: bool,
    text: String,
    styles: Vec<(u32, u32, Style)>,
    width: usize,
    style: Style,
    run_start: usize,
}

impl Parser {
    fn new(mode: Mode, cap: usize) -> Self {
        Parser {
            mode,
            emit: true,
            text: String::with_capacity(cap),
            styles: Vec::new(),
            width: 0,
            style: Style::default(),
            run_start: 0,
        }
    }

    fn finish(mut self) -> StyledText {
        self.close_run();
        StyledText {
            text: self.text,
            styles: self.styles,
            width: to_u32(self.width),
        }
    }

    fn push_str(&mut self, s: &str) {
        if self.emit {
            self.text.push_str(s);
            self.width += s.width();
        }
    }

    fn push_char(&mut self, c: char) {
        if self.emit {
            self.text.push(c);
            self.width += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        }
    }

    fn close_run(&mut self) {
        let end = self.text.len();
        if self.style == Style::default() || end <= self.run_start {
            return;
        }
        let (start, end) = (to_u32(self.run_start), to_u32(end));
        if let Some(last) = self.styles.last_mut()
            && last.1 == start
            && last.2 == self.style
        {
            last.1 = end;
            return;
        }
        self.styles.push((start, end, self.style));
    }

    fn set_style(&mut self, style: Style) {
        if style == self.style {
            return;
        }
        self.close_run();
        self.style = style;
        self.run_start = self.text.len();
    }

    fn run(&mut self, s: &str) {
        let b = s.as_bytes();
        let len = b.len();
        let mut i = 0;
        while i < len {
            // A run of printable text (ASCII or not, but no C0, DEL or C1).
            let start = i;
            while i < len {
                let c = b[i];
                if c < 0x20 || c == 0x7f || (c == 0xc2 && matches!(b.get(i + 1), Some(0x80..=0x9f)))
                {
                    break;
                }
                i += 1;
            }
            if i > start {
                self.push_str(&s[start..i]);
            }
            if i >= len {
                break;
            }
            let c = b[i];
            i = match c {
                0x1b => self.escape(s, i),
                b'\t' => {
                    match self.mode {
                        Mode::Display => {
                            let n = 8 - self.width % 8;
                            for _ in 0..n {
                                self.push_char(' ');
                            }
                        }
                        Mode::Plain => self.push_char(' '),
                    }
                    i + 1
                }
                0x00..=0x1f => {
                    match self.mode {
                        Mode::Display => self.push_char(
                            char::from_u32(0x2400 + u32::from(c)).unwrap_or(C1_REPLACEMENT),
                        ),
                        Mode::Plain => {
                            if matches!(c, b'\n' | 0x0b | 0x0c | b'\r') {
                                self.push_char(' ');
                            }
                        }
                    }
                    i + 1
                }
                0x7f => {
                    if self.mode == Mode::Display {
                        self.push_char(DEL_PICTURE);
                    }
                    i + 1
                }
                // 0xc2 followed by 0x80..=0x9f: a C1 control.
                _ => {
                    if self.mode == Mode::Display {
                        self.push_char(C1_REPLACEMENT);
                    }
                    i + 2
                }
            };
        }
    }

    /// `b[i]` is ESC. Returns the index to continue at.
    fn escape(&mut self, s: &str, i: usize) -> usize {
        let b = s.as_bytes();
        match b.get(i + 1) {
            Some(b'[') => self.csi(b, i + 2),
            Some(b']') => self.osc(b, i + 2),
            Some(b'P' | b'X' | b'^' | b'_') => skip_string(b, i + 2),
            Some(0x20..=0x2f) => {
                let mut j = i + 1;
                while j < b.len() && (0x20..=0x2f).contains(&b[j]) {
                    j += 1;
                }
                if j < b.len() && (0x30..=0x7e).contains(&b[j]) {
                    j + 1
                } else {
                    self.lone_esc();
                    i + 1
                }
            }
            Some(0x30..=0x7e) => i + 2,
            _ => {
                self.lone_esc();
                i + 1
            }
        }
    }

    fn lone_esc(&mut self) {
        if self.mode == Mode::Display {
            self.push_char(ESC_PICTURE);
        }
    }

    /// `p` is just after `ESC [`.
    fn csi(&mut self, b: &[u8], p: usize) -> usize {
        let mut j = p;
        while j < b.len() && (0x30..=0x3f).contains(&b[j]) {
            j += 1;
        }
        let params_end = j;
        while j < b.len() && (0x20..=0x2f).contains(&b[j]) {
            j += 1;
        }
        match b.get(j) {
            Some(0x40..=0x7e) => {
                if b[j] == b'm' && params_end == j && self.mode == Mode::Display {
                    let style = apply_sgr(self.style, &b[p..params_end]);
                    self.set_style(style);
                }
                j + 1
            }
            // Malformed or unterminated: drop what was consumed, process the offender normally.
            _ => j,
        }
    }

    /// `p` is just after `ESC ]`.
    fn osc(&mut self, b: &[u8], p: usize) -> usize {
        let mut j = p;
        let next = loop {
            match b.get(j) {
                None => break j,
                Some(0x07 | 0x18 | 0x1a) => break j + 1,
                Some(0x1b) => {
                    break if b.get(j + 1) == Some(&b'\\') {
                        j + 2
                    } else {
                        j
                    };
                }
                Some(0xc2) if b.get(j + 1) == Some(&0x9c) => break j + 2,
                Some(_) => j += 1,
            }
        };
        let content = &b[p..j];
        if self.mode == Mode::Display {
            let digits = content.iter().take_while(|c| c.is_ascii_digit()).count();
            let shown = digits.min(8);
            let is_link = digits == 1 && content[0] == b'8' && content.get(1) == Some(&b';');
            if !is_link {
                self.push_char(ESC_PICTURE);
                self.push_char(']');
                // ASCII digits: valid UTF-8.
                if let Ok(d) = std::str::from_utf8(&content[..shown]) {
                    self.push_str(d);
                }
                if shown == digits && content.get(digits) == Some(&b';') {
                    self.push_str(";…");
                } else if content.len() > shown {
                    self.push_char('…');
                }
            }
        }
        next
    }
}

/// Skip a DCS/SOS/PM/APC string whose content starts at `p`; returns the index after it.
fn skip_string(b: &[u8], p: usize) -> usize {
    let mut j = p;
    loop {
        match b.get(j) {
            None => return j,
            Some(0x18 | 0x1a) => return j + 1,
            Some(0x1b) => {
                return if b.get(j + 1) == Some(&b'\\') {
                    j + 2
                } else {
                    j
                };
            }
            Some(0xc2) if b.get(j + 1) == Some(&0x9c) => return j + 2,
            Some(_) => j += 1,
        }
    }
}

/// Parse a decimal parameter; `None` when empty. Saturates.
fn num(p: &[u8]) -> Option<u32> {
    if p.is_empty() {
        return None;
    }
    let mut n: u32 = 0;
    for &c in p {
        if c.is_ascii_digit() {
            n = n.saturating_mul(10).saturating_add(u32::from(c - b'0'));
        }
    }
    Some(n)
}

fn byte(n: Option<u32>) -> Option<u8> {
    u8::try_from(n.unwrap_or(0)).ok()
}

const BASIC: [Color; 8] = [
    Color::Black,
    Color::Red,
    Color::Green,
    Color::Yellow,
    Color::Blue,
    Color::Magenta,
    Color::Cyan,
    Color::Gray,
];
const BRIGHT: [Color; 8] = [
    Color::DarkGray,
    Color::LightRed,
    Color::LightGreen,
    Color::LightYellow,
    Color::LightBlue,
    Color::LightMagenta,
    Color::LightCyan,
    Color::White,
];

fn basic(n: u32, base: u32, table: &[Color; 8]) -> Color {
    table[((n - base) & 7) as usize]
}

/// Where an extended colour (38/48/58) goes.
#[derive(Clone, Copy)]
enum Target {
    Fg,
    Bg,
    Underline,
}

fn set_color(style: &mut Style, target: Target, color: Option<Color>) {
    match (target, color) {
        (Target::Fg, Some(c)) => style.fg = Some(c),
        (Target::Bg, Some(c)) => style.bg = Some(c),
        _ => {}
    }
}

/// Apply SGR parameters (the bytes between `ESC [` and `m`) to `style`.
fn apply_sgr(mut style: Style, params: &[u8]) -> Style {
    if params.iter().any(|c| (0x3c..=0x3f).contains(c)) {
        // Private marker: not a standard SGR.
        return style;
    }
    let mut it = params.split(|&c| c == b';');
    while let Some(p) = it.next() {
        if p.contains(&b':') {
            let mut subs = [None::<u32>; 6];
            let mut count = 0;
            for (k, s) in p.split(|&c| c == b':').enumerate() {
                if k < subs.len() {
                    subs[k] = num(s);
                    count = k + 1;
                }
            }
            let target = match subs[0] {
                Some(38) => Target::Fg,
                Some(48) => Target::Bg,
                Some(58) => Target::Underline,
                Some(4) => {
                    if subs[1].unwrap_or(0) == 0 {
                        style.add_modifier.remove(Modifier::UNDERLINED);
                    } else {
                        style.add_modifier.insert(Modifier::UNDERLINED);
                    }
                    continue;
                }
                first => {
                    style = apply_one(style, first.unwrap_or(0));
                    continue;
                }
            };
            let color = match subs[1] {
                Some(5) if count >= 3 => byte(subs[2]).map(Color::Indexed),
                Some(2) if count >= 6 => rgb(subs[3], subs[4], subs[5]),
                Some(2) if count == 5 => rgb(subs[2], subs[3], subs[4]),
                _ => None,
            };
            set_color(&mut style, target, color);
            continue;
        }
        let n = num(p).unwrap_or(0);
        let target = match n {
            38 => Target::Fg,
            48 => Target::Bg,
            58 => Target::Underline,
            _ => {
                style = apply_one(style, n);
                continue;
            }
        };
        let color = match it.next().map(num) {
            Some(Some(5)) => match it.next() {
                Some(v) => byte(num(v)).map(Color::Indexed),
                None => None,
            },
            Some(Some(2)) => match (it.next(), it.next(), it.next()) {
                (Some(r), Some(g), Some(b)) => rgb(num(r), num(g), num(b)),
                _ => None,
            },
            _ => None,
        };
        set_color(&mut style, target, color);
    }
    style
}

fn rgb(r: Option<u32>, g: Option<u32>, b: Option<u32>) -> Option<Color> {
    Some(Color::Rgb(byte(r)?, byte(g)?, byte(b)?))
}

fn apply_one(mut style: Style, n: u32) -> Style {
    let m = &mut style.add_modifier;
    match n {
        0 => return Style::default(),
        1 => m.insert(Modifier::BOLD),
        2 => m.insert(Modifier::DIM),
        3 => m.insert(Modifier::ITALIC),
        4 => m.insert(Modifier::UNDERLINED),
        7 => m.insert(Modifier::REVERSED),
        9 => m.insert(Modifier::CROSSED_OUT),
        22 => m.remove(Modifier::BOLD | Modifier::DIM),
        23 => m.remove(Modifier::ITALIC),
        24 => m.remove(Modifier::UNDERLINED),
        27 => m.remove(Modifier::REVERSED),
        29 => m.remove(Modifier::CROSSED_OUT),
        30..=37 => style.fg = Some(basic(n, 30, &BASIC)),
        39 => style.fg = None,
        40..=47 => style.bg = Some(basic(n, 40, &BASIC)),
        49 => style.bg = None,
        90..=97 => style.fg = Some(basic(n, 90, &BRIGHT)),
        100..=107 => style.bg = Some(basic(n, 100, &BRIGHT)),
        _ => {}
    }
    style
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAP: usize = 16 * 1024;

    fn s(raw: &[u8]) -> StyledText {
        sanitize_line(raw, CAP)
    }

    fn text(raw: &[u8]) -> String {
        let out = s(raw);
        assert_invariants(&out);
        out.text
    }

    fn fg(c: Color) -> Style {
        Style::default().fg(c)
    }

    fn assert_invariants(out: &StyledText) {
        for c in out.text.chars() {
            let u = c as u32;
            assert!(
                u >= 0x20 && !(0x7f..=0x9f).contains(&u),
                "control {u:#x} in {:?}",
                out.text
            );
        }
        assert!(!out.text.contains('\u{1b}'));
        let mut prev_end = 0;
        for &(a, b, st) in &out.styles {
            assert!(a < b, "empty range in {:?}", out.styles);
            assert!(a >= prev_end, "overlap/unsorted in {:?}", out.styles);
            assert!(b as usize <= out.text.len());
            assert!(out.text.is_char_boundary(a as usize));
            assert!(out.text.is_char_boundary(b as usize));
            assert_ne!(st, Style::default());
            assert!(st.sub_modifier.is_empty());
            prev_end = b;
        }
    }

    #[test]
    fn fast_path_plain_ascii() {
        let out = s(b"hello world 123 ~!");
        assert_eq!(
            out,
            StyledText {
                text: "hello world 123 ~!".into(),
                styles: vec![],
                width: 18
            }
        );
        assert_eq!(s(b""), StyledText::default());
    }

    #[test]
    fn osc52_clipboard_write() {
        assert_eq!(text(b"a\x1b]52;c;aGVsbG8=\x07b"), "a\u{241b}]52;\u{2026}b");
    }

    #[test]
    fn osc_title_bel_and_st() {
        assert_eq!(text(b"\x1b]0;pwned title\x07x"), "\u{241b}]0;\u{2026}x");
        assert_eq!(text(b"\x1b]2;pwned\x1b\\x"), "\u{241b}]2;\u{2026}x");
        // C1 ST (U+009C encoded in UTF-8) also terminates.
        assert_eq!(text(b"\x1b]2;pwned\xc2\x9cx"), "\u{241b}]2;\u{2026}x");
        // No payload at all, and a non-numeric OSC.
        assert_eq!(text(b"\x1b]104\x07x"), "\u{241b}]104x");
        assert_eq!(text(b"\x1b]Pabcdef\x07x"), "\u{241b}]\u{2026}x");
        // Very long Ps is abbreviated.
        assert_eq!(text(b"\x1b]1234567890\x07"), "\u{241b}]12345678\u{2026}");
        // A lone ESC ends the OSC and starts a new sequence.
        assert_eq!(text(b"\x1b]0;t\x1b[31mred"), "\u{241b}]0;\u{2026}red");
        assert_eq!(
            s(b"\x1b]0;t\x1b[31mred").styles,
            vec![(9, 12, fg(Color::Red))]
        );
    }

    #[test]
    fn osc8_hyperlink_dropped_text_kept() {
        assert_eq!(
            text(b"see \x1b]8;;http://evil.example/\x1b\\docs\x1b]8;;\x1b\\ now"),
            "see docs now"
        );
        assert_eq!(text(b"\x1b]8;id=1;http://x\x07link\x1b]8;;\x07"), "link");
    }

    #[test]
    fn unterminated_osc_at_end() {
        assert_eq!(text(b"ok \x1b]0;never ends"), "ok \u{241b}]0;\u{2026}");
        assert_eq!(text(b"ok \x1b]"), "ok \u{241b}]");
        assert_eq!(text(b"ok \x1b]8;;http://x"), "ok ");
    }

    #[test]
    fn csi_non_sgr_dropped() {
        assert_eq!(text(b"\x1b[2J\x1b[Hclear"), "clear");
        assert_eq!(text(b"a\x1b[?1049hb\x1b[?1049l"), "ab");
        assert_eq!(text(b"\x1b[10;20Hx\x1b[3Ay\x1b[K\x1b[6n"), "xy");
        // Private-marker "m" (xterm modifyOtherKeys) is not SGR.
        let out = s(b"\x1b[>4;2mz");
        assert_eq!(out.text, "z");
        assert!(out.styles.is_empty());
        // Intermediates: not SGR either.
        assert_eq!(s(b"\x1b[1 mz").styles, vec![]);
        // Unterminated CSI at end: dropped.
        assert_eq!(text(b"abc\x1b[12;3"), "abc");
        // Malformed CSI: consumed part dropped, offender processed normally.
        assert_eq!(text(b"a\x1b[12\x07b"), "a\u{2407}b");
        assert_eq!(text(b"a\x1b[12\xc3\xa9b"), "a\u{e9}b");
    }

    #[test]
    fn dcs_sos_pm_apc_dropped() {
        assert_eq!(text(b"a\x1bPq#0;2;0;0;0#1!7~\x1b\\b"), "ab");
        assert_eq!(text(b"a\x1bX sos \x1b\\b"), "ab");
        assert_eq!(text(b"a\x1b^ pm \x1b\\b"), "ab");
        assert_eq!(text(b"a\x1b_Gf=100;AAAA\x1b\\b"), "ab");
        // Unterminated: rest of the line swallowed.
        assert_eq!(text(b"a\x1bP1$r\x07 hidden"), "a");
        // tmux passthrough: ESC inside ends the string; inner OSC shown neutralised.
        assert_eq!(
            text(b"\x1bPtmux;\x1b\x1b]52;c;eA==\x07\x1b\\x"),
            "\u{241b}\u{241b}]52;\u{2026}x"
        );
    }

    #[test]
    fn other_escapes() {
        assert_eq!(text(b"\x1b(B\x1b7x\x1b8\x1bc\x1bMy\x1b=z"), "xyz");
        assert_eq!(text(b"end\x1b"), "end\u{241b}");
        assert_eq!(text(b"\x1b\x1b"), "\u{241b}\u{241b}");
        assert_eq!(text(b"\x1b\x7f"), "\u{241b}\u{2421}");
        assert_eq!(text(b"\x1b\xc3\xa9"), "\u{241b}\u{e9}");
        // ESC + intermediates without a final byte.
        assert_eq!(text(b"\x1b( "), "\u{241b}( ");
    }

    #[test]
    fn c1_controls() {
        // U+009B (8-bit CSI) as UTF-8, followed by what would be a clear screen.
        assert_eq!(text(b"a\xc2\x9b2Jb"), "a\u{fffd}2Jb");
        assert_eq!(text(b"\xc2\x9d0;title\xc2\x9c"), "\u{fffd}0;title\u{fffd}");
        assert_eq!(
            text(b"\xc2\x85\xc2\x80\xc2\x9f"),
            "\u{fffd}\u{fffd}\u{fffd}"
        );
        // Raw 8-bit CSI byte: invalid UTF-8.
        assert_eq!(text(b"a\x9b2Jb"), "a\u{fffd}2Jb");
        // U+00A0 is not C1.
        assert_eq!(text(b"\xc2\xa0"), "\u{a0}");
    }

    #[test]
    fn invalid_utf8() {
        let out = s(b"x\xff\xfey");
        assert_eq!(out.text, "x\u{fffd}\u{fffd}y");
        assert_eq!(out.width, 4);
        assert_eq!(text(b"\xe6\x97"), "\u{fffd}");
    }

    #[test]
    fn c0_controls_and_del() {
        assert_eq!(text(b"a\0b\0"), "a\u{2400}b\u{2400}");
        assert_eq!(text(b"ding\x07"), "ding\u{2407}");
        assert_eq!(text(b"abc\x08\x08x"), "abc\u{2408}\u{2408}x");
        assert_eq!(
            text(b"\x0b\x0c\x01\x1f\n"),
            "\u{240b}\u{240c}\u{2401}\u{241f}\u{240a}"
        );
        assert_eq!(text(b"a\x7fb"), "a\u{2421}b");
        assert_eq!(s(b"\0\x07").width, 2);
    }

    #[test]
    fn sgr_basic_colours_and_reset() {
        let out = s(b"\x1b[31mred\x1b[0m plain \x1b[1;32mbold green\x1b[m!");
        assert_eq!(out.text, "red plain bold green!");
        assert_eq!(
            out.styles,
            vec![
                (0, 3, fg(Color::Red)),
                (10, 20, fg(Color::Green).add_modifier(Modifier::BOLD)),
            ]
        );
        let out = s(b"\x1b[90ma\x1b[97mb\x1b[41mc\x1b[107md\x1b[39me\x1b[49mf");
        assert_eq!(out.text, "abcdef");
        assert_eq!(
            out.styles,
            vec![
                (0, 1, fg(Color::DarkGray)),
                (1, 2, fg(Color::White)),
                (2, 3, fg(Color::White).bg(Color::Red)),
                (3, 4, fg(Color::White).bg(Color::White)),
                (4, 5, Style::default().bg(Color::White)),
            ]
        );
        let out = s(b"\x1b[37;40mx");
        assert_eq!(out.styles, vec![(0, 1, fg(Color::Gray).bg(Color::Black))]);
    }

    #[test]
    fn sgr_modifiers_on_off() {
        let out = s(b"\x1b[1;2;3;4;7;9ma\x1b[22mb\x1b[23;24mc\x1b[27;29md");
        assert_eq!(out.text, "abcd");
        let all = Modifier::BOLD
            | Modifier::DIM
            | Modifier::ITALIC
            | Modifier::UNDERLINED
            | Modifier::REVERSED
            | Modifier::CROSSED_OUT;
        let st = |m: Modifier| Style::default().add_modifier(m);
        assert_eq!(
            out.styles,
            vec![
                (0, 1, st(all)),
                (1, 2, st(all - Modifier::BOLD - Modifier::DIM)),
                (2, 3, st(Modifier::REVERSED | Modifier::CROSSED_OUT)),
            ]
        );
        // Bold then off: back to the canonical default, no range.
        let out = s(b"\x1b[1mB\x1b[22mn");
        assert_eq!(out.styles, vec![(0, 1, st(Modifier::BOLD))]);
        // Blink and conceal are ignored.
        assert_eq!(s(b"\x1b[5;6;8mx").styles, vec![]);
        // Underline sub-parameters.
        assert_eq!(
            s(b"\x1b[4:3mx\x1b[4:0my").styles,
            vec![(0, 1, st(Modifier::UNDERLINED))]
        );
    }

    #[test]
    fn sgr_256_and_truecolour() {
        let out = s(b"\x1b[38;5;208ma\x1b[48;5;17mb\x1b[0;38;2;255;128;0mc\x1b[48;2;1;2;3md");
        assert_eq!(out.text, "abcd");
        assert_eq!(
            out.styles,
            vec![
                (0, 1, fg(Color::Indexed(208))),
                (1, 2, fg(Color::Indexed(208)).bg(Color::Indexed(17))),
                (2, 3, fg(Color::Rgb(255, 128, 0))),
                (3, 4, fg(Color::Rgb(255, 128, 0)).bg(Color::Rgb(1, 2, 3))),
            ]
        );
        // Colon forms, with and without the colour-space id.
        let out = s(b"\x1b[38:5:9ma\x1b[38:2::10:20:30mb\x1b[48:2:4:5:6mc");
        assert_eq!(
            out.styles,
            vec![
                (0, 1, fg(Color::Indexed(9))),
                (1, 2, fg(Color::Rgb(10, 20, 30))),
                (2, 3, fg(Color::Rgb(10, 20, 30)).bg(Color::Rgb(4, 5, 6))),
            ]
        );
        // Parameters after an extended colour still apply; out-of-range and truncated are ignored.
        let out = s(b"\x1b[38;5;300;1mx\x1b[0;38;2;1;2my");
        assert_eq!(
            out.styles,
            vec![(0, 1, Style::default().add_modifier(Modifier::BOLD))]
        );
        // Underline colour (58) is consumed, not misread as colours.
        let out = s(b"\x1b[58;5;1;31mx");
        assert_eq!(out.styles, vec![(0, 1, fg(Color::Red))]);
    }

    #[test]
    fn adjacent_equal_runs_merge() {
        let out = s(b"\x1b[31ma\x1b[32m\x1b[31mb");
        assert_eq!(out.styles, vec![(0, 2, fg(Color::Red))]);
    }

    #[test]
    fn tabs_expand_to_8_columns() {
        let out = s(b"a\tb");
        assert_eq!(out.text, "a       b");
        assert_eq!(out.width, 9);
        assert_eq!(text(b"\t"), "        ");
        assert_eq!(text(b"12345678\tx"), "12345678        x");
        // CJK chars are 2 columns: "日本" is 4 columns, tab pads 4.
        let out = s("日本\tx".as_bytes());
        assert_eq!(out.text, "日本    x");
        assert_eq!(out.width, 9);
        // Emoji (2 columns) + 'a' = 3, tab pads 5; a neutralised control counts 1.
        assert_eq!(text("😀a\tb".as_bytes()), "😀a     b");
        assert_eq!(text(b"\x07\tb"), "\u{2407}       b");
        // Styled tab: the spaces carry the style.
        assert_eq!(
            s(b"\x1b[41m\tx").styles,
            vec![(0, 9, Style::default().bg(Color::Red))]
        );
    }

    #[test]
    fn wide_width() {
        let out = s("日本語 ok 😀".as_bytes());
        assert_eq!(out.width, 6 + 1 + 2 + 1 + 2);
    }

    #[test]
    fn carriage_returns() {
        assert_eq!(s(b"done\r"), s(b"done"));
        assert_eq!(text(b"done\r\r"), "done");
        assert_eq!(text(b" 10%\r 50%\r100%"), "100%");
        assert_eq!(text(b"abc\r"), "abc");
        assert_eq!(text(b"\rabc"), "abc");
        // Erase after the last \r: the terminal shows nothing.
        assert_eq!(text(b"50%\r\x1b[K"), "");
        // SGR before the last \r carries over; text before it does not.
        let out = s(b"\x1b[32mgreen 10%\rgreen 20%");
        assert_eq!(out.text, "green 20%");
        assert_eq!(out.styles, vec![(0, 9, fg(Color::Green))]);
        // Tab stops restart after the \r.
        assert_eq!(text(b"xxxxxx\ra\tb"), "a       b");
    }

    #[test]
    fn truncation_suffix() {
        let mut line = vec![b'x'; 1024 * 1024];
        line.extend_from_slice(b"tail");
        let out = sanitize_line(&line, 16 * 1024);
        let expect = format!(
            "{}…[+{} bytes]",
            "x".repeat(16 * 1024),
            1024 * 1024 + 4 - 16 * 1024
        );
        assert_eq!(out.text, expect);
        assert_eq!(out.text.len(), 16384 + "…[+1032196 bytes]".len());
        assert_eq!(
            out.width as usize,
            16384 + "…[+1032196 bytes]".chars().count()
        );
        assert!(out.styles.is_empty());

        // Cut inside a multibyte char backs off to the char boundary.
        let out = sanitize_line("ab日本".as_bytes(), 4);
        assert_eq!(out.text, "ab…[+6 bytes]");
        // Styled text before the cut keeps its style; the suffix is unstyled.
        let out = sanitize_line(b"\x1b[31mredredred", 8);
        assert_eq!(out.text, "red…[+6 bytes]");
        assert_eq!(out.styles, vec![(0, 3, fg(Color::Red))]);
        // Cut in an OSC: still neutralised.
        assert_eq!(
            sanitize_line(b"\x1b]0;title", 4).text,
            "\u{241b}]0;\u{2026}…[+5 bytes]"
        );
        // Exactly at the cap: no suffix.
        assert_eq!(sanitize_line(b"abcd", 4).text, "abcd");
    }

    #[test]
    fn huge_hostile_line_is_linear_and_bounded() {
        // 1 MB of mixed escapes, parsed with a cap larger than the line.
        let unit: &[u8] = b"\x1b[31mx\x1b]0;t\x07\t\xc2\x9b\x00\xff";
        let mut line = Vec::new();
        while line.len() < 1024 * 1024 {
            line.extend_from_slice(unit);
        }
        let t0 = std::time::Instant::now();
        let out = sanitize_line(&line, 2 * 1024 * 1024);
        assert!(t0.elapsed() < std::time::Duration::from_secs(2));
        assert_invariants(&out);
        assert!(out.text.starts_with("x\u{241b}]0;\u{2026}"));
        // Long unterminated OSC / DCS / CSI parameters.
        let mut osc = b"\x1b]52;c;".to_vec();
        osc.resize(1024 * 1024, b'A');
        assert_eq!(sanitize_line(&osc, 2 << 20).text, "\u{241b}]52;…");
        let mut csi = b"\x1b[".to_vec();
        csi.resize(1024 * 1024, b';');
        csi.push(b'm');
        assert_eq!(sanitize_line(&csi, 2 << 20), StyledText::default());
    }

    #[test]
    fn plain_strips_everything() {
        assert_eq!(plain("web-1"), "web-1");
        assert_eq!(plain("日本"), "日本");
        assert_eq!(plain("\x1b[31mred\x1b[0m"), "red");
        assert_eq!(plain("a\x1b]0;title\x07b"), "ab");
        assert_eq!(plain("a\x1bPdcs\x1b\\b\x1b"), "ab");
        assert_eq!(plain("a\tb\nc\rd"), "a b c d");
        assert_eq!(plain("a\0\x07\x7f\u{9b}b"), "ab");
    }

    #[test]
    fn style_at_lookup() {
        let out = s(b"ab\x1b[31mcd\x1b[0mef");
        assert_eq!(out.style_at(0), Style::default());
        assert_eq!(out.style_at(2), fg(Color::Red));
        assert_eq!(out.style_at(3), fg(Color::Red));
        assert_eq!(out.style_at(4), Style::default());
    }

    /// Deterministic xorshift64.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }
    }

    #[test]
    fn random_bytes_never_leak_controls() {
        const INTERESTING: &[u8] =
            b"\x1b\x1b\x1b[]P_^X\\;:0123456789m\x07\x9b\x9c\xc2\xc2\xe2\x80\r\t\0\x7f\x18\x1a?>";
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..5000 {
            let len = (rng.next() % 64) as usize;
            let mut line = Vec::with_capacity(len);
            for _ in 0..len {
                let r = rng.next();
                let b = if r.is_multiple_of(3) {
                    (r >> 8) as u8
                } else {
                    INTERESTING[((r >> 8) % INTERESTING.len() as u64) as usize]
                };
                line.push(b);
            }
            let cap = if round % 7 == 0 {
                (rng.next() % 40) as usize
            } else {
                CAP
            };
            let out = sanitize_line(&line, cap);
            assert_invariants(&out);
            let p = plain(&String::from_utf8_lossy(&line));
            assert!(
                p.chars()
                    .all(|c| c as u32 >= 0x20 && !(0x7f..=0x9f).contains(&(c as u32))),
                "{p:?}"
            );
        }
    }
}
