//! Encode crossterm key events as the bytes an xterm-compatible terminal sends,
//! for feeding an embedded exec shell (a remote pty).
//!
//! Follows xterm's default ("legacy") encoding:
//! - printable characters as UTF-8; `Enter` → `\r`; `Tab` → `\t`;
//!   `BackTab` / shift+Tab → `ESC [ Z`; `Backspace` → `0x7f` (ctrl → `0x08`);
//!   `Esc` → `0x1b`;
//! - ctrl+letter → `0x01..=0x1a`; ctrl+space / ctrl+@ / ctrl+2 → `0x00`;
//!   ctrl+`[ \ ] ^ _` → `0x1b..=0x1f` (and xterm's ctrl+3..7 / ctrl+/ / ctrl+8
//!   aliases);
//! - alt (meta-sends-escape) → `ESC` prefix;
//! - cursor keys: `ESC [ A` (normal) or `ESC O A` (application cursor mode,
//!   DECCKM); with modifiers `ESC [ 1 ; m A` where
//!   `m = 1 + shift·1 + alt·2 + ctrl·4 + meta·8`; Home/End likewise with `H`/`F`;
//! - Insert/Delete/PageUp/PageDown: `ESC [ 2~ 3~ 5~ 6~` (`ESC [ n ; m ~`);
//! - F1–F4: `ESC O P..S` (`ESC [ 1 ; m P..S` with modifiers);
//!   F5–F12: `ESC [ 15~ 17~ 18~ 19~ 20~ 21~ 23~ 24~`; F13–F24 as xterm's
//!   shift+F1–F12.
//!
//! Key release events, and keys a terminal would not send (lock keys, media
//! keys, bare modifiers), produce no bytes.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

const ESC: u8 = 0x1b;

/// The bytes xterm would send for `key`.
///
/// `app_cursor`: the remote program enabled application cursor keys (DECCKM;
/// `vt100::Screen::application_cursor()`), which switches unmodified cursor
/// keys and Home/End from `CSI` to `SS3` form.
pub fn encode_key(key: &KeyEvent, app_cursor: bool) -> Vec<u8> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    let mods = key.modifiers;
    let shift = mods.contains(KeyModifiers::SHIFT);
    let ctrl = mods.contains(KeyModifiers::CONTROL);
    let alt = mods.contains(KeyModifiers::ALT);
    let param = modifier_param(mods);

    match key.code {
        KeyCode::Char(c) => with_alt(alt, encode_char(c, ctrl)),
        KeyCode::Enter => with_alt(alt, vec![b'\r']),
        KeyCode::Tab if shift => csi_letter(b'Z', 1),
        KeyCode::Tab => with_alt(alt, vec![b'\t']),
        // Shift is implied by BackTab itself.
        KeyCode::BackTab => csi_letter(b'Z', modifier_param(mods - KeyModifiers::SHIFT)),
        KeyCode::Backspace => with_alt(alt, vec![if ctrl { 0x08 } else { 0x7f }]),
        KeyCode::Esc => with_alt(alt, vec![ESC]),
        KeyCode::Null => with_alt(alt, vec![0x00]),
        KeyCode::Up => cursor(b'A', param, app_cursor),
        KeyCode::Down => cursor(b'B', param, app_cursor),
        KeyCode::Right => cursor(b'C', param, app_cursor),
        KeyCode::Left => cursor(b'D', param, app_cursor),
        KeyCode::Home => cursor(b'H', param, app_cursor),
        KeyCode::End => cursor(b'F', param, app_cursor),
        KeyCode::KeypadBegin => csi_letter(b'E', param),
        KeyCode::Insert => csi_tilde(2, param),
        KeyCode::Delete => csi_tilde(3, param),
        KeyCode::PageUp => csi_tilde(5, param),
        KeyCode::PageDown => csi_tilde(6, param),
        KeyCode::F(n) => function_key(n, param),
        _ => Vec::new(),
    }
}

/// The bytes a terminal sends when `text` is pasted.
///
/// Line breaks (`\r\n`, `\n`) become `\r`, like xterm. With `bracketed`
/// (the program enabled bracketed paste, DECSET 2004) the text is wrapped in
/// `ESC [ 200 ~` … `ESC [ 201 ~`, and ESC characters inside it are dropped so
/// pasted text cannot end the bracket early and inject input.
pub fn encode_paste(text: &str, bracketed: bool) -> Vec<u8> {
    let text = text.replace("\r\n", "\r").replace('\n', "\r");
    if bracketed {
        let mut out = Vec::with_capacity(text.len() + 12);
        out.extend_from_slice(b"\x1b[200~");
        out.extend(text.bytes().filter(|&b| b != ESC));
        out.extend_from_slice(b"\x1b[201~");
        out
    } else {
        text.into_bytes()
    }
}

/// xterm modifier parameter: 1 + shift(1) + alt(2) + ctrl(4) + meta(8);
/// 1 means "no modifiers".
fn modifier_param(mods: KeyModifiers) -> u8 {
    let mut p = 1;
    if mods.contains(KeyModifiers::SHIFT) {
        p += 1;
    }
    if mods.contains(KeyModifiers::ALT) {
        p += 2;
    }
    if mods.contains(KeyModifiers::CONTROL) {
        p += 4;
    }
    if mods.contains(KeyModifiers::META) {
        p += 8;
    }
    p
}

fn with_alt(alt: bool, bytes: Vec<u8>) -> Vec<u8> {
    if alt {
        let mut out = Vec::with_capacity(bytes.len() + 1);
        out.push(ESC);
        out.extend(bytes);
        out
    } else {
        bytes
    }
}

/// A character, with its C0 control code when ctrl is held.
fn encode_char(c: char, ctrl: bool) -> Vec<u8> {
    if ctrl && let Some(b) = ctrl_code(c) {
        return vec![b];
    }
    let mut buf = [0u8; 4];
    c.encode_utf8(&mut buf).as_bytes().to_vec()
}

/// xterm's control codes for ctrl+key, if the key has one.
fn ctrl_code(c: char) -> Option<u8> {
    Some(match c {
        'a'..='z' | 'A'..='Z' => (c.to_ascii_uppercase() as u8) & 0x1f,
        ' ' | '@' | '2' | '`' => 0x00,
        '[' | '3' | '{' => 0x1b,
        '\\' | '4' | '|' => 0x1c,
        ']' | '5' | '}' => 0x1d,
        '^' | '6' | '~' => 0x1e,
        '_' | '7' | '/' | '-' => 0x1f,
        '8' | '?' => 0x7f,
        _ => return None,
    })
}

/// `ESC [ letter` or, with modifiers, `ESC [ 1 ; m letter`.
fn csi_letter(letter: u8, param: u8) -> Vec<u8> {
    if param > 1 {
        format!("\x1b[1;{param}{}", letter as char).into_bytes()
    } else {
        vec![ESC, b'[', letter]
    }
}

/// Cursor keys and Home/End: SS3 in application cursor mode when unmodified.
fn cursor(letter: u8, param: u8, app_cursor: bool) -> Vec<u8> {
    if param == 1 && app_cursor {
        vec![ESC, b'O', letter]
    } else {
        csi_letter(letter, param)
    }
}

/// `ESC [ n ~` or, with modifiers, `ESC [ n ; m ~`.
fn csi_tilde(n: u8, param: u8) -> Vec<u8> {
    if param > 1 {
        format!("\x1b[{n};{param}~").into_bytes()
    } else {
        format!("\x1b[{n}~").into_bytes()
    }
}

fn function_key(n: u8, param: u8) -> Vec<u8> {
    match n {
        1..=4 => {
            let letter = b'P' + (n - 1);
            if param > 1 {
                csi_letter(letter, param)
            } else {
                vec![ESC, b'O', letter]
            }
        }
        5..=12 => {
            const CODES: [u8; 8] = [15, 17, 18, 19, 20, 21, 23, 24];
            csi_tilde(CODES[usize::from(n - 5)], param)
        }
        // xterm sends F13–F24 as shift+F1–F12.
        13..=24 => function_key(n - 12, param.max(1) + 1),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventState;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    fn enc(code: KeyCode, mods: KeyModifiers) -> Vec<u8> {
        encode_key(&key(code, mods), false)
    }

    fn enc_app(code: KeyCode, mods: KeyModifiers) -> Vec<u8> {
        encode_key(&key(code, mods), true)
    }

    const NONE: KeyModifiers = KeyModifiers::NONE;
    const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
    const CTRL: KeyModifiers = KeyModifiers::CONTROL;
    const ALT: KeyModifiers = KeyModifiers::ALT;

    #[test]
    fn printable_chars_utf8() {
        assert_eq!(enc(KeyCode::Char('a'), NONE), b"a");
        assert_eq!(enc(KeyCode::Char('A'), SHIFT), b"A");
        assert_eq!(enc(KeyCode::Char(' '), NONE), b" ");
        assert_eq!(enc(KeyCode::Char('~'), SHIFT), b"~");
        assert_eq!(enc(KeyCode::Char('é'), NONE), "é".as_bytes());
        assert_eq!(enc(KeyCode::Char('€'), NONE), b"\xe2\x82\xac");
        assert_eq!(enc(KeyCode::Char('🦀'), NONE), "🦀".as_bytes());
    }

    #[test]
    fn basic_keys() {
        assert_eq!(enc(KeyCode::Enter, NONE), b"\r");
        assert_eq!(enc(KeyCode::Tab, NONE), b"\t");
        assert_eq!(enc(KeyCode::BackTab, SHIFT), b"\x1b[Z");
        assert_eq!(enc(KeyCode::BackTab, NONE), b"\x1b[Z");
        assert_eq!(enc(KeyCode::Tab, SHIFT), b"\x1b[Z");
        assert_eq!(enc(KeyCode::Backspace, NONE), b"\x7f");
        assert_eq!(enc(KeyCode::Backspace, CTRL), b"\x08");
        assert_eq!(enc(KeyCode::Esc, NONE), b"\x1b");
        assert_eq!(enc(KeyCode::Null, NONE), b"\x00");
    }

    #[test]
    fn ctrl_letters() {
        assert_eq!(enc(KeyCode::Char('a'), CTRL), [0x01]);
        assert_eq!(enc(KeyCode::Char('c'), CTRL), [0x03]);
        assert_eq!(enc(KeyCode::Char('d'), CTRL), [0x04]);
        assert_eq!(enc(KeyCode::Char('z'), CTRL), [0x1a]);
        // ctrl+shift+letter (crossterm may report the uppercase char)
        assert_eq!(enc(KeyCode::Char('A'), CTRL | SHIFT), [0x01]);
        assert_eq!(enc(KeyCode::Char('Z'), CTRL), [0x1a]);
        for (i, c) in ('a'..='z').enumerate() {
            assert_eq!(enc(KeyCode::Char(c), CTRL), [i as u8 + 1], "ctrl+{c}");
        }
    }

    #[test]
    fn ctrl_symbols() {
        assert_eq!(enc(KeyCode::Char(' '), CTRL), [0x00]);
        assert_eq!(enc(KeyCode::Char('@'), CTRL), [0x00]);
        assert_eq!(enc(KeyCode::Char('@'), CTRL | SHIFT), [0x00]);
        assert_eq!(enc(KeyCode::Char('2'), CTRL), [0x00]);
        assert_eq!(enc(KeyCode::Char('['), CTRL), [0x1b]);
        assert_eq!(enc(KeyCode::Char('\\'), CTRL), [0x1c]);
        assert_eq!(enc(KeyCode::Char(']'), CTRL), [0x1d]);
        assert_eq!(enc(KeyCode::Char('^'), CTRL), [0x1e]);
        assert_eq!(enc(KeyCode::Char('_'), CTRL), [0x1f]);
        assert_eq!(enc(KeyCode::Char('/'), CTRL), [0x1f]);
        assert_eq!(enc(KeyCode::Char('3'), CTRL), [0x1b]);
        assert_eq!(enc(KeyCode::Char('4'), CTRL), [0x1c]);
        assert_eq!(enc(KeyCode::Char('5'), CTRL), [0x1d]);
        assert_eq!(enc(KeyCode::Char('6'), CTRL), [0x1e]);
        assert_eq!(enc(KeyCode::Char('7'), CTRL), [0x1f]);
        assert_eq!(enc(KeyCode::Char('8'), CTRL), [0x7f]);
        // no control code: the character itself
        assert_eq!(enc(KeyCode::Char('1'), CTRL), b"1");
        assert_eq!(enc(KeyCode::Char('é'), CTRL), "é".as_bytes());
    }

    #[test]
    fn alt_prefixes_escape() {
        assert_eq!(enc(KeyCode::Char('x'), ALT), b"\x1bx");
        assert_eq!(enc(KeyCode::Char('X'), ALT | SHIFT), b"\x1bX");
        assert_eq!(enc(KeyCode::Char('b'), ALT), b"\x1bb");
        assert_eq!(enc(KeyCode::Char('c'), ALT | CTRL), b"\x1b\x03");
        assert_eq!(enc(KeyCode::Char('é'), ALT), "\x1bé".as_bytes());
        assert_eq!(enc(KeyCode::Enter, ALT), b"\x1b\r");
        assert_eq!(enc(KeyCode::Backspace, ALT), b"\x1b\x7f");
        assert_eq!(enc(KeyCode::Esc, ALT), b"\x1b\x1b");
        assert_eq!(enc(KeyCode::Tab, ALT), b"\x1b\t");
    }

    #[test]
    fn arrows_normal_and_application_mode() {
        assert_eq!(enc(KeyCode::Up, NONE), b"\x1b[A");
        assert_eq!(enc(KeyCode::Down, NONE), b"\x1b[B");
        assert_eq!(enc(KeyCode::Right, NONE), b"\x1b[C");
        assert_eq!(enc(KeyCode::Left, NONE), b"\x1b[D");
        assert_eq!(enc_app(KeyCode::Up, NONE), b"\x1bOA");
        assert_eq!(enc_app(KeyCode::Down, NONE), b"\x1bOB");
        assert_eq!(enc_app(KeyCode::Right, NONE), b"\x1bOC");
        assert_eq!(enc_app(KeyCode::Left, NONE), b"\x1bOD");
    }

    #[test]
    fn arrows_with_modifiers() {
        assert_eq!(enc(KeyCode::Up, CTRL), b"\x1b[1;5A");
        assert_eq!(enc(KeyCode::Left, CTRL), b"\x1b[1;5D");
        assert_eq!(enc(KeyCode::Right, ALT), b"\x1b[1;3C");
        assert_eq!(enc(KeyCode::Down, SHIFT), b"\x1b[1;2B");
        assert_eq!(enc(KeyCode::Up, CTRL | SHIFT), b"\x1b[1;6A");
        assert_eq!(enc(KeyCode::Up, CTRL | ALT), b"\x1b[1;7A");
        assert_eq!(enc(KeyCode::Up, CTRL | ALT | SHIFT), b"\x1b[1;8A");
        // modified keys ignore application cursor mode
        assert_eq!(enc_app(KeyCode::Up, CTRL), b"\x1b[1;5A");
        assert_eq!(enc_app(KeyCode::Right, ALT), b"\x1b[1;3C");
    }

    #[test]
    fn home_end() {
        assert_eq!(enc(KeyCode::Home, NONE), b"\x1b[H");
        assert_eq!(enc(KeyCode::End, NONE), b"\x1b[F");
        assert_eq!(enc_app(KeyCode::Home, NONE), b"\x1bOH");
        assert_eq!(enc_app(KeyCode::End, NONE), b"\x1bOF");
        assert_eq!(enc(KeyCode::Home, CTRL), b"\x1b[1;5H");
        assert_eq!(enc_app(KeyCode::End, SHIFT), b"\x1b[1;2F");
    }

    #[test]
    fn editing_keys() {
        assert_eq!(enc(KeyCode::Insert, NONE), b"\x1b[2~");
        assert_eq!(enc(KeyCode::Delete, NONE), b"\x1b[3~");
        assert_eq!(enc(KeyCode::PageUp, NONE), b"\x1b[5~");
        assert_eq!(enc(KeyCode::PageDown, NONE), b"\x1b[6~");
        // unaffected by application cursor mode
        assert_eq!(enc_app(KeyCode::Delete, NONE), b"\x1b[3~");
        assert_eq!(enc(KeyCode::Delete, CTRL), b"\x1b[3;5~");
        assert_eq!(enc(KeyCode::PageUp, SHIFT), b"\x1b[5;2~");
        assert_eq!(enc(KeyCode::PageDown, ALT), b"\x1b[6;3~");
    }

    #[test]
    fn function_keys() {
        let expected: [&[u8]; 12] = [
            b"\x1bOP",
            b"\x1bOQ",
            b"\x1bOR",
            b"\x1bOS",
            b"\x1b[15~",
            b"\x1b[17~",
            b"\x1b[18~",
            b"\x1b[19~",
            b"\x1b[20~",
            b"\x1b[21~",
            b"\x1b[23~",
            b"\x1b[24~",
        ];
        for (i, want) in expected.iter().enumerate() {
            let n = i as u8 + 1;
            assert_eq!(enc(KeyCode::F(n), NONE), *want, "F{n}");
            assert_eq!(enc_app(KeyCode::F(n), NONE), *want, "F{n} app");
        }
        assert_eq!(enc(KeyCode::F(1), CTRL), b"\x1b[1;5P");
        assert_eq!(enc(KeyCode::F(4), SHIFT), b"\x1b[1;2S");
        assert_eq!(enc(KeyCode::F(5), CTRL), b"\x1b[15;5~");
        assert_eq!(enc(KeyCode::F(12), ALT), b"\x1b[24;3~");
        // xterm: F13 = shift+F1, F17 = shift+F5
        assert_eq!(enc(KeyCode::F(13), NONE), b"\x1b[1;2P");
        assert_eq!(enc(KeyCode::F(17), NONE), b"\x1b[15;2~");
        assert_eq!(enc(KeyCode::F(0), NONE), b"");
        assert_eq!(enc(KeyCode::F(25), NONE), b"");
    }

    #[test]
    fn release_and_unsupported_produce_nothing() {
        let release = KeyEvent::new_with_kind(KeyCode::Char('a'), NONE, KeyEventKind::Release);
        assert!(encode_key(&release, false).is_empty());
        let release = KeyEvent::new_with_kind(KeyCode::Up, NONE, KeyEventKind::Release);
        assert!(encode_key(&release, true).is_empty());
        let repeat = KeyEvent::new_with_kind(KeyCode::Char('a'), NONE, KeyEventKind::Repeat);
        assert_eq!(encode_key(&repeat, false), b"a");
        let mut k = key(KeyCode::Enter, NONE);
        k.state = KeyEventState::KEYPAD;
        assert_eq!(encode_key(&k, false), b"\r");
        assert!(enc(KeyCode::CapsLock, NONE).is_empty());
        assert!(enc(KeyCode::Menu, NONE).is_empty());
    }

    #[test]
    fn paste() {
        assert_eq!(encode_paste("echo hi", false), b"echo hi");
        assert_eq!(encode_paste("echo hi", true), b"\x1b[200~echo hi\x1b[201~");
        assert_eq!(encode_paste("a\nb\r\nc", false), b"a\rb\rc");
        assert_eq!(encode_paste("a\nb", true), b"\x1b[200~a\rb\x1b[201~");
        assert_eq!(encode_paste("héllo", false), "héllo".as_bytes());
        assert_eq!(encode_paste("", true), b"\x1b[200~\x1b[201~");
        // embedded end marker cannot escape the bracket
        assert_eq!(
            encode_paste("x\x1b[201~rm -rf /\n", true),
            b"\x1b[200~x[201~rm -rf /\r\x1b[201~"
        );
    }
}
