//! What a container without a TTY prints, made fit for the terminal pane an attach shows it
//! in: its output is a stream of lines, not a terminal's, so a line feed also returns the
//! carriage (no staircase), colours (SGR) pass, and every other control sequence (`ESC [2J`,
//! cursor moves, titles, OSC…) is dropped, so it cannot clear or move around the pane. Works
//! across chunks: a sequence cut between two reads is still recognised.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum At {
    #[default]
    Text,
    /// After ESC.
    Esc,
    /// In `ESC [` … : the bytes so far are kept in `csi`.
    Csi,
    /// In an OSC, DCS, SOS, PM or APC string, until BEL or `ESC \`.
    Str,
    /// ESC inside such a string.
    StrEsc,
}

/// The filter of one session's output.
#[derive(Debug, Clone, Default)]
pub struct NoTty {
    at: At,
    csi: Vec<u8>,
    /// The last byte passed was a carriage return.
    cr: bool,
}

/// A CSI longer than this is not one a program meant: dropped.
const MAX_CSI: usize = 64;

impl NoTty {
    /// The bytes to feed the terminal for `input`.
    pub fn filter(&mut self, input: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(input.len() + input.len() / 16);
        for &b in input {
            match self.at {
                At::Text => match b {
                    0x1b => self.at = At::Esc,
                    b'\n' => {
                        if !self.cr {
                            out.push(b'\r');
                        }
                        out.push(b'\n');
                    }
                    // Printable, UTF-8, and the controls a line may hold.
                    b'\r' | b'\t' | 0x08 | 0x20.. => out.push(b),
                    _ => {}
                },
                At::Esc => {
                    self.at = match b {
                        b'[' => {
                            self.csi.clear();
                            At::Csi
                        }
                        b']' | b'P' | b'X' | b'^' | b'_' => At::Str,
                        // Intermediate bytes of a two-or-more byte escape: wait for its end.
                        0x20..=0x2f => At::Esc,
                        _ => At::Text,
                    };
                }
                At::Csi => {
                    if (0x40..=0x7e).contains(&b) {
                        // Only colours: `ESC [ params m`, without private markers.
                        let sgr = b == b'm'
                            && self
                                .csi
                                .iter()
                                .all(|c| c.is_ascii_digit() || *c == b';' || *c == b':');
                        if sgr {
                            out.extend_from_slice(b"\x1b[");
                            out.extend_from_slice(&self.csi);
                            out.push(b'm');
                        }
                        self.at = At::Text;
                    } else if (0x20..=0x3f).contains(&b) && self.csi.len() < MAX_CSI {
                        self.csi.push(b);
                    } else {
                        // Not a CSI after all: dropped with what came before.
                        self.at = At::Text;
                    }
                }
                At::Str => match b {
                    0x07 => self.at = At::Text,
                    0x1b => self.at = At::StrEsc,
                    _ => {}
                },
                At::StrEsc => self.at = if b == b'\\' { At::Text } else { At::Str },
            }
            if let Some(&last) = out.last() {
                self.cr = last == b'\r';
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(chunks: &[&[u8]]) -> Vec<u8> {
        let mut f = NoTty::default();
        chunks.iter().flat_map(|c| f.filter(c)).collect()
    }

    #[test]
    fn line_feeds_return_the_carriage() {
        assert_eq!(run(&[b"one\ntwo\n"]), b"one\r\ntwo\r\n");
        // Already there: not doubled, across chunks too.
        assert_eq!(run(&[b"one\r", b"\ntwo\r\n"]), b"one\r\ntwo\r\n");
    }

    #[test]
    fn colours_pass_and_other_sequences_are_dropped() {
        assert_eq!(
            run(&[b"\x1b[2J\x1b[Hstart \x1b[1;31mred\x1b[0m\n"]),
            b"start \x1b[1;31mred\x1b[0m\r\n"
        );
        // Cut between chunks.
        assert_eq!(run(&[b"a\x1b", b"[2", b"Jb\x1b[3", b"2mc"]), b"ab\x1b[32mc");
        // A title (OSC), a private mode, a charset switch, a bell.
        assert_eq!(
            run(&[b"\x1b]0;pwned\x07x\x1b[?1049hy\x1b(Bz\x07\n"]),
            b"xyz\r\n"
        );
        assert_eq!(run(&[b"\x1b]52;c;AAAA\x1b\\ok"]), b"ok");
    }
}
