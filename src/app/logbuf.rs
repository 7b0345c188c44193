//! Log lines: splitting the engine's byte stream into lines, the timestamp prefix, a bounded
//! ring buffer with stable sequence numbers, and search.

use std::collections::VecDeque;

use chrono::{DateTime, TimeZone};

use super::sanitize::{self, StyledText};

/// Where a log line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogStream {
    Stdout,
    Stderr,
    /// TTY containers (stdout and stderr are merged by the engine).
    Console,
    /// Messages from dockside itself, e.g. "container restarted".
    System,
}

/// One parsed log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub stream: LogStream,
    /// Unix nanoseconds from the engine timestamp, when the stream carried one.
    pub ts_nanos: Option<i64>,
    pub body: StyledText,
}

impl LogLine {
    /// Parse one raw line from the engine: the optional RFC 3339 timestamp prefix is split off
    /// (see [`split_timestamp`]) and the rest is sanitised with the per-line cap `max_bytes`.
    pub fn parse(stream: LogStream, raw: &[u8], max_bytes: usize) -> Self {
        let (ts_nanos, rest) = split_timestamp(raw);
        LogLine {
            stream,
            ts_nanos,
            body: sanitize::sanitize_line(rest, max_bytes),
        }
    }

    /// A message from dockside itself (control characters removed, unstyled).
    pub fn system(text: &str, ts_nanos: Option<i64>) -> Self {
        LogLine {
            stream: LogStream::System,
            ts_nanos,
            body: StyledText::unstyled(sanitize::plain(text)),
        }
    }

    /// Rough heap + inline size of this line.
    pub fn approx_bytes(&self) -> usize {
        std::mem::size_of::<LogLine>()
            + self.body.text.capacity()
            + self.body.styles.capacity() * std::mem::size_of::<(u32, u32, ratatui::style::Style)>()
    }
}

/// Bounded ring buffer of parsed lines.
///
/// Every line pushed gets the next absolute sequence number (starting at 0 and never reused,
/// not even by [`clear`](LogBuffer::clear)). When the cap is reached the oldest line is evicted
/// and [`first_seq`](LogBuffer::first_seq) grows, so a view position expressed as a seq
/// survives eviction.
#[derive(Debug, Clone)]
pub struct LogBuffer {
    lines: VecDeque<LogLine>,
    max_lines: usize,
    first_seq: u64,
    evicted: u64,
    bytes: usize,
}

impl LogBuffer {
    /// A buffer holding at most `max_lines` lines (at least 1).
    pub fn new(max_lines: usize) -> Self {
        let max_lines = max_lines.max(1);
        LogBuffer {
            lines: VecDeque::with_capacity(max_lines.min(4096)),
            max_lines,
            first_seq: 0,
            evicted: 0,
            bytes: 0,
        }
    }

    pub fn max_lines(&self) -> usize {
        self.max_lines
    }

    pub fn push(&mut self, line: LogLine) {
        while self.lines.len() >= self.max_lines {
            self.evict_one();
        }
        self.bytes += line.approx_bytes();
        self.lines.push_back(line);
    }

    fn evict_one(&mut self) {
        if let Some(old) = self.lines.pop_front() {
            self.bytes = self.bytes.saturating_sub(old.approx_bytes());
            self.first_seq += 1;
            self.evicted += 1;
        }
    }

    /// Drop every line. Sequence numbers continue from where they were (so stale seqs held by a
    /// view never point at new lines); the eviction count is reset.
    pub fn clear(&mut self) {
        self.first_seq += self.lines.len() as u64;
        self.lines.clear();
        self.evicted = 0;
        self.bytes = 0;
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Seq of the oldest line held (equal to `end_seq()` when empty).
    pub fn first_seq(&self) -> u64 {
        self.first_seq
    }

    /// Seq the next pushed line will get.
    pub fn end_seq(&self) -> u64 {
        self.first_seq + self.lines.len() as u64
    }

    pub fn get(&self, seq: u64) -> Option<&LogLine> {
        let idx = usize::try_from(seq.checked_sub(self.first_seq)?).ok()?;
        self.lines.get(idx)
    }

    /// The newest line.
    pub fn last(&self) -> Option<(u64, &LogLine)> {
        let line = self.lines.back()?;
        Some((self.end_seq() - 1, line))
    }

    /// Every line with its seq, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (u64, &LogLine)> + ExactSizeIterator {
        let first = self.first_seq;
        self.lines
            .iter()
            .enumerate()
            .map(move |(i, l)| (first + i as u64, l))
    }

    /// Lines with `start <= seq < end` (clamped to what is held), oldest first. O(1) to start.
    pub fn range(
        &self,
        start: u64,
        end: u64,
    ) -> impl DoubleEndedIterator<Item = (u64, &LogLine)> + ExactSizeIterator {
        let lo = start.clamp(self.first_seq, self.end_seq());
        let hi = end.clamp(lo, self.end_seq());
        let a = usize::try_from(lo - self.first_seq).unwrap_or(usize::MAX);
        let b = usize::try_from(hi - self.first_seq).unwrap_or(usize::MAX);
        let (a, b) = (a.min(self.lines.len()), b.min(self.lines.len()));
        self.lines
            .range(a..b)
            .enumerate()
            .map(move |(i, l)| (lo + i as u64, l))
    }

    /// How many lines were dropped for the cap (since creation or the last `clear`).
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// Rough memory held by the lines, in bytes.
    pub fn approx_bytes(&self) -> usize {
        self.bytes
    }
}

/// Longest timestamp prefix considered ("2026-11-23T21:56:05.123456789+00:00" is 35 bytes).
const MAX_TS_LEN: usize = 40;

/// Split the engine's RFC 3339 (nano) timestamp prefix, e.g.
/// `"2026-11-23T21:56:05.123456789Z rest"`, off a raw line. The single space after the
/// timestamp is removed. A line holding only a timestamp gives an empty rest. Anything that does
/// not start with a valid timestamp gives `(None, raw)`.
pub fn split_timestamp(raw: &[u8]) -> (Option<i64>, &[u8]) {
    let head = &raw[..raw.len().min(MAX_TS_LEN + 1)];
    let (cand, rest) = match head.iter().position(|&b| b == b' ') {
        Some(k) => (&raw[..k], &raw[k + 1..]),
        None if raw.len() <= MAX_TS_LEN => (raw, &raw[raw.len()..]),
        None => return (None, raw),
    };
    // Quick reject before the real parse: "YYYY-MM-DDT".
    if cand.len() < 20
        || !cand[..4].iter().all(u8::is_ascii_digit)
        || cand[4] != b'-'
        || cand[10] != b'T'
    {
        return (None, raw);
    }
    let parsed = std::str::from_utf8(cand)
        .ok()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .and_then(|dt| dt.timestamp_nanos_opt());
    match parsed {
        Some(ns) => (Some(ns), rest),
        None => (None, raw),
    }
}

/// Format a unix-nanos timestamp in the local time zone, e.g. `"2026-11-23 21:56:05.123"`.
pub fn format_local(ts_nanos: i64) -> String {
    format_in(ts_nanos, &chrono::Local)
}

/// Format a unix-nanos timestamp in `tz` as `"%Y-%m-%d %H:%M:%S%.3f"`.
pub fn format_in<Tz: TimeZone>(ts_nanos: i64, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    DateTime::from_timestamp_nanos(ts_nanos)
        .with_timezone(tz)
        .format("%Y-%m-%d %H:%M:%S%.3f")
        .to_string()
}

/// Splits the engine's chunks (which may hold several lines or part of one) into lines.
///
/// Lines end at `\n`; one `\r` before it (CRLF) is removed. A line longer than
/// `max_line_bytes` does not grow memory without bound: only its first `max_line_bytes` bytes
/// are kept while the rest is counted, and the line is emitted as a prefix followed by the
/// marker `…[+N bytes]` ([`sanitize::truncation_marker`]), N being the number of bytes of the
/// original line not kept. The prefix is shortened (at a UTF-8 boundary) so that prefix plus
/// marker fit in `max_line_bytes` — so a later `sanitize_line(.., max_line_bytes)` never cuts
/// the marker — unless `max_line_bytes` is smaller than the marker itself.
#[derive(Debug, Clone)]
pub struct LineSplitter {
    max: usize,
    buf: Vec<u8>,
    dropped: usize,
}

impl LineSplitter {
    pub fn new(max_line_bytes: usize) -> Self {
        LineSplitter {
            max: max_line_bytes,
            buf: Vec::new(),
            dropped: 0,
        }
    }

    /// Feed a chunk; every line it completes is appended to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<Vec<u8>>) {
        let mut rest = chunk;
        while let Some(pos) = rest.iter().position(|&b| b == b'\n') {
            self.append(&rest[..pos]);
            out.push(self.take_line());
            rest = &rest[pos + 1..];
        }
        self.append(rest);
    }

    /// The pending partial line, if any (at the end of the stream).
    pub fn flush(&mut self) -> Option<Vec<u8>> {
        if self.buf.is_empty() && self.dropped == 0 {
            return None;
        }
        Some(self.take_line())
    }

    /// Bytes held for the pending partial line.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    fn append(&mut self, bytes: &[u8]) {
        let room = self.max.saturating_sub(self.buf.len());
        let take = room.min(bytes.len());
        self.buf.extend_from_slice(&bytes[..take]);
        self.dropped += bytes.len() - take;
    }

    fn take_line(&mut self) -> Vec<u8> {
        let mut line = std::mem::take(&mut self.buf);
        let dropped = std::mem::take(&mut self.dropped);
        if dropped == 0 {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return line;
        }
        let total = line.len() + dropped;
        // The marker for `total` is at least as long as the final one.
        let room = self
            .max
            .saturating_sub(sanitize::truncation_marker(total).len());
        let mut keep = room.min(line.len());
        let mut back = 0;
        while keep > 0 && keep < line.len() && back < 3 && (line[keep] & 0xc0) == 0x80 {
            keep -= 1;
            back += 1;
        }
        if back > 0 && (line[keep] & 0xc0) != 0xc0 {
            keep = room.min(line.len());
        }
        line.truncate(keep);
        line.extend_from_slice(sanitize::truncation_marker(total - keep).as_bytes());
        line
    }
}

/// Search over log lines (run against [`LogLine::body`]`.text`, the sanitised display text).
///
/// A literal pattern matches literally; `regex` patterns use the `regex` crate syntax. Without
/// `case_sensitive` matching is Unicode case-insensitive. An empty pattern matches every line
/// (`is_match`) but yields no ranges (`find_iter` never returns empty matches).
#[derive(Debug, Clone)]
pub struct LogQuery {
    re: regex::Regex,
    pattern: String,
    regex: bool,
    case_sensitive: bool,
}

impl LogQuery {
    /// Invalid regex: `Err` with the regex crate's error message.
    pub fn new(pattern: &str, regex: bool, case_sensitive: bool) -> Result<Self, String> {
        let src = if regex {
            pattern.to_owned()
        } else {
            regex::escape(pattern)
        };
        let re = regex::RegexBuilder::new(&src)
            .case_insensitive(!case_sensitive)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(LogQuery {
            re,
            pattern: pattern.to_owned(),
            regex,
            case_sensitive,
        })
    }

    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    pub fn is_regex(&self) -> bool {
        self.regex
    }

    pub fn is_case_sensitive(&self) -> bool {
        self.case_sensitive
    }

    /// Byte ranges `(start, end)` of every non-empty, non-overlapping match in `text`.
    pub fn find_iter(&self, text: &str) -> Vec<(usize, usize)> {
        self.re
            .find_iter(text)
            .filter(|m| !m.is_empty())
            .map(|m| (m.start(), m.end()))
            .collect()
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.re.is_match(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> LogLine {
        LogLine::parse(LogStream::Stdout, s.as_bytes(), 1024)
    }

    fn texts(buf: &LogBuffer) -> Vec<(u64, String)> {
        buf.iter().map(|(s, l)| (s, l.body.text.clone())).collect()
    }

    #[test]
    fn ring_buffer_cap_and_stable_seqs() {
        let mut buf = LogBuffer::new(3);
        assert!(buf.is_empty());
        assert_eq!((buf.first_seq(), buf.end_seq()), (0, 0));
        assert_eq!(buf.approx_bytes(), 0);
        for i in 0..5 {
            buf.push(line(&format!("l{i}")));
        }
        assert_eq!(buf.len(), 3);
        assert_eq!(buf.first_seq(), 2);
        assert_eq!(buf.end_seq(), 5);
        assert_eq!(buf.evicted(), 2);
        assert_eq!(
            texts(&buf),
            vec![(2, "l2".into()), (3, "l3".into()), (4, "l4".into())]
        );
        assert_eq!(buf.get(1), None);
        assert_eq!(buf.get(3).map(|l| l.body.text.as_str()), Some("l3"));
        assert_eq!(buf.get(5), None);
        assert_eq!(buf.last().map(|(s, _)| s), Some(4));
        let rev: Vec<u64> = buf.iter().rev().map(|(s, _)| s).collect();
        assert_eq!(rev, vec![4, 3, 2]);
        assert_eq!(buf.iter().len(), 3);
        let r: Vec<u64> = buf.range(0, 4).map(|(s, _)| s).collect();
        assert_eq!(r, vec![2, 3]);
        let r: Vec<u64> = buf.range(3, 100).rev().map(|(s, _)| s).collect();
        assert_eq!(r, vec![4, 3]);
        assert_eq!(buf.range(7, 9).count(), 0);
        assert_eq!(buf.range(4, 2).count(), 0);

        let one = line("l9").approx_bytes();
        assert_eq!(buf.approx_bytes(), 3 * one);

        buf.clear();
        assert!(buf.is_empty());
        assert_eq!((buf.first_seq(), buf.end_seq()), (5, 5));
        assert_eq!(buf.evicted(), 0);
        assert_eq!(buf.approx_bytes(), 0);
        buf.push(line("new"));
        assert_eq!(texts(&buf), vec![(5, "new".into())]);
    }

    #[test]
    fn ring_buffer_zero_cap_holds_one() {
        let mut buf = LogBuffer::new(0);
        buf.push(line("a"));
        buf.push(line("b"));
        assert_eq!(texts(&buf), vec![(1, "b".into())]);
        assert_eq!(buf.evicted(), 1);
    }

    #[test]
    fn ring_buffer_many() {
        let mut buf = LogBuffer::new(1000);
        for i in 0..10_000u32 {
            buf.push(line(&i.to_string()));
        }
        assert_eq!(buf.len(), 1000);
        assert_eq!(buf.evicted(), 9000);
        assert_eq!(buf.first_seq(), 9000);
        assert_eq!(buf.get(9500).map(|l| l.body.text.as_str()), Some("9500"));
    }

    fn split_all(sp: &mut LineSplitter, chunks: &[&[u8]]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for c in chunks {
            sp.push(c, &mut out);
        }
        out
    }

    #[test]
    fn splitter_chunks_mid_line() {
        let mut sp = LineSplitter::new(100);
        let out = split_all(&mut sp, &[b"hel", b"lo\nwor", b"ld\n\nlast"]);
        assert_eq!(
            out,
            vec![b"hello".to_vec(), b"world".to_vec(), b"".to_vec()]
        );
        assert_eq!(sp.pending(), 4);
        assert_eq!(sp.flush(), Some(b"last".to_vec()));
        assert_eq!(sp.flush(), None);
    }

    #[test]
    fn splitter_crlf() {
        let mut sp = LineSplitter::new(100);
        let out = split_all(&mut sp, &[b"a\r\nb\r", b"\nc\r\r\n"]);
        // Only one \r of CRLF is removed; sanitize_line drops any further trailing \r.
        assert_eq!(out, vec![b"a".to_vec(), b"b".to_vec(), b"c\r".to_vec()]);
        assert_eq!(sp.flush(), None);
    }

    #[test]
    fn splitter_giant_partial_line_bounded() {
        let mut sp = LineSplitter::new(64);
        let mut out = Vec::new();
        let chunk = [b'x'; 1000];
        for _ in 0..1000 {
            sp.push(&chunk, &mut out);
            assert!(sp.pending() <= 64);
        }
        assert!(out.is_empty());
        sp.push(b"yy\nnext", &mut out);
        // 1_000_002 bytes: room = 64 - len("…[+1000002 bytes]") = 45 kept, 999_957 counted.
        let mut expect = vec![b'x'; 45];
        expect.extend_from_slice("…[+999957 bytes]".as_bytes());
        assert_eq!(out, vec![expect.clone()]);
        assert!(expect.len() <= 64);
        assert_eq!(sp.flush(), Some(b"next".to_vec()));

        // The marker survives sanitising with the same cap.
        let l = LogLine::parse(LogStream::Stdout, &out[0], 64);
        assert_eq!(l.body.text, String::from_utf8_lossy(&expect));

        // Truncated at flush, and never cutting a UTF-8 char.
        let mut sp = LineSplitter::new(24);
        let mut out = Vec::new();
        sp.push("日本語日本語日本語日本語".as_bytes(), &mut out);
        assert!(out.is_empty());
        // 36 bytes; marker "…[+36 bytes]" is 14 bytes, room 10 -> 9 bytes (3 chars) kept.
        assert_eq!(sp.flush(), Some("日本語…[+27 bytes]".as_bytes().to_vec()));
    }

    #[test]
    fn timestamp_split() {
        let (ts, rest) = split_timestamp(b"2026-11-23T21:56:05.123456789Z hello world");
        assert_eq!(ts, Some(1_795_470_965_123_456_789));
        assert_eq!(rest, b"hello world");
        // Offset and fewer fraction digits.
        let (ts, rest) = split_timestamp(b"2026-11-23T22:56:05.5+01:00 x");
        assert_eq!(ts, Some(1_795_470_965_500_000_000));
        assert_eq!(rest, b"x");
        // Only a timestamp: empty line.
        let (ts, rest) = split_timestamp(b"2026-11-23T21:56:05Z");
        assert_eq!(ts, Some(1_795_470_965_000_000_000));
        assert_eq!(rest, b"");
        // Empty message after the space.
        assert_eq!(split_timestamp(b"2026-11-23T21:56:05Z ").1, b"");
        // Not timestamps.
        for raw in [
            &b"hello world"[..],
            b"",
            b"2026-11-23 21:56:05 not rfc3339",
            b"2026-13-45T99:99:99Z bad",
            b"2026-11-23T21:56:05.123456789Zgarbage-without-space-but-quite-long-indeed",
        ] {
            assert_eq!(split_timestamp(raw), (None, raw));
        }
    }

    #[test]
    fn timestamp_format() {
        let ts = 1_795_470_965_123_456_789;
        assert_eq!(format_in(ts, &chrono::Utc), "2026-11-23 21:56:05.123");
        let east = chrono::FixedOffset::east_opt(2 * 3600).expect("offset");
        assert_eq!(format_in(ts, &east), "2026-11-23 23:56:05.123");
        assert_eq!(format_in(-1, &chrono::Utc), "1969-12-31 23:59:59.999");
        // Local: same shape whatever the zone.
        let s = format_local(ts);
        assert_eq!(s.len(), "2026-11-23 21:56:05.123".len());
        assert!(s.ends_with(":05.123"));
    }

    #[test]
    fn parse_line_and_system() {
        let l = LogLine::parse(
            LogStream::Stderr,
            b"2026-11-23T21:56:05.000000001Z \x1b[31merr\x1b[0m\r",
            1024,
        );
        assert_eq!(l.ts_nanos, Some(1_795_470_965_000_000_001));
        assert_eq!(l.stream, LogStream::Stderr);
        assert_eq!(l.body.text, "err");
        assert_eq!(l.body.styles.len(), 1);
        let s = LogLine::system("container \x1b[2Jrestarted\n", None);
        assert_eq!(s.stream, LogStream::System);
        assert_eq!(s.body.text, "container restarted ");
        assert_eq!(s.body.width, 20);
    }

    #[test]
    fn query_literal_case_insensitive() {
        let q = LogQuery::new("error", false, false).expect("query");
        assert_eq!(
            q.find_iter("Error: ERROR and error"),
            vec![(0, 5), (7, 12), (17, 22)]
        );
        assert!(q.is_match("an ErRoR"));
        assert!(!q.is_match("err or"));
        // Regex metacharacters are literal.
        let q = LogQuery::new("a.b(", false, false).expect("query");
        assert_eq!(q.find_iter("axb( a.b( A.B("), vec![(5, 9), (10, 14)]);
    }

    #[test]
    fn query_case_sensitive() {
        let q = LogQuery::new("Error", false, true).expect("query");
        assert_eq!(
            q.find_iter("error Error ERROR Error"),
            vec![(6, 11), (18, 23)]
        );
        assert!(!q.is_match("error"));
    }

    #[test]
    fn query_regex() {
        let q = LogQuery::new(r"\d+ms", true, true).expect("query");
        assert_eq!(q.find_iter("took 12ms then 345ms"), vec![(5, 9), (15, 20)]);
        let q = LogQuery::new("^warn|fail$", true, false).expect("query");
        assert!(q.is_match("WARN: x"));
        assert!(q.is_match("it did FAIL"));
        assert!(!q.is_match("a warning"));
        assert!(q.is_regex());
        assert_eq!(q.pattern(), "^warn|fail$");
    }

    #[test]
    fn query_invalid_regex() {
        let e = LogQuery::new("(unclosed", true, false).expect_err("invalid");
        assert!(e.contains("unclosed group"), "{e}");
        // The same text as a literal is fine.
        let q = LogQuery::new("(unclosed", false, false).expect("literal");
        assert_eq!(q.find_iter("x (UNCLOSED"), vec![(2, 11)]);
    }

    #[test]
    fn query_non_ascii_and_empty() {
        let q = LogQuery::new("日本", false, false).expect("query");
        assert_eq!(q.find_iter("日本語 und 日本"), vec![(0, 6), (14, 20)]);
        let q = LogQuery::new("straße", false, false).expect("query");
        assert_eq!(
            q.find_iter("STRASSE Straße STRAẞE"),
            vec![(8, 15), (16, 24)]
        );
        let q = LogQuery::new("é", false, false).expect("query");
        assert_eq!(q.find_iter("É é e"), vec![(0, 2), (3, 5)]);
        let q = LogQuery::new("", false, false).expect("query");
        assert!(q.is_match("anything"));
        assert_eq!(q.find_iter("abc"), vec![]);
        // Matches run on the sanitised text: escapes are not matchable.
        let l = LogLine::parse(LogStream::Stdout, b"\x1b[31mred\x1b[0m alert", 1024);
        let q = LogQuery::new("red alert", false, false).expect("query");
        assert_eq!(q.find_iter(&l.body.text), vec![(0, 9)]);
    }
}
