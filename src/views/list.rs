//! The one list component every view uses: which rows a filter keeps and in what order
//! (fuzzy matches ranked by score, then the view's sort, names compared naturally so
//! `bench-2` comes before `bench-10`), and the selection and scroll over them.

use std::cmp::Ordering;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Selection and scroll of a list of `len` rows shown `page` at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor {
    pub sel: usize,
    pub off: usize,
}

impl Cursor {
    pub fn go(&mut self, delta: i64, len: usize, page: usize) {
        if len == 0 {
            *self = Cursor::default();
            return;
        }
        let next = (self.sel as i64 + delta).clamp(0, len as i64 - 1) as usize;
        self.sel = next;
        self.clamp(len, page);
    }

    pub fn clamp(&mut self, len: usize, page: usize) {
        let page = page.max(1);
        if len == 0 {
            *self = Cursor::default();
            return;
        }
        self.sel = self.sel.min(len - 1);
        if self.sel < self.off {
            self.off = self.sel;
        } else if self.sel >= self.off + page {
            self.off = self.sel + 1 - page;
        }
        if self.off + page > len {
            self.off = len.saturating_sub(page);
        }
    }
}

/// Compare names as people read them: runs of digits by their value (`web-2` < `web-10`),
/// the rest case-insensitively, ties broken by the exact text.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    // Byte positions, always on character boundaries: a sort of a thousand rows compares
    // names ten thousand times, so nothing here allocates.
    let (x, y) = (a.as_bytes(), b.as_bytes());
    // The bytes both begin with compare equal (names in a list share prefixes: `web-`,
    // `bench-0`): start after them, back at the start of a run of digits or a character
    // they end inside.
    let mut k = x.iter().zip(y).take_while(|(c, d)| c == d).count();
    while k > 0 && (x[k - 1].is_ascii_digit() || !a.is_char_boundary(k)) {
        k -= 1;
    }
    let (mut i, mut j) = (k, k);
    loop {
        match (x.get(i), y.get(j)) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let digits = |s: &[u8], from: usize| {
                    from + s[from..].iter().take_while(|b| b.is_ascii_digit()).count()
                };
                let (ei, ej) = (digits(x, i), digits(y, j));
                let zeros = |s: &[u8]| s.iter().take_while(|b| **b == b'0').count();
                let n = &x[i..ei][zeros(&x[i..ei])..];
                let m = &y[j..ej][zeros(&y[j..ej])..];
                let ord = n.len().cmp(&m.len()).then_with(|| n.cmp(m));
                if ord != Ordering::Equal {
                    return ord;
                }
                (i, j) = (ei, ej);
            }
            (Some(c), Some(d)) if c.is_ascii() && d.is_ascii() => {
                let ord = c.to_ascii_lowercase().cmp(&d.to_ascii_lowercase());
                if ord != Ordering::Equal {
                    return ord;
                }
                (i, j) = (i + 1, j + 1);
            }
            _ => {
                let (Some(c), Some(d)) = (a[i..].chars().next(), b[j..].chars().next()) else {
                    return a.cmp(b);
                };
                let ord = c.to_lowercase().cmp(d.to_lowercase());
                if ord != Ordering::Equal {
                    return ord;
                }
                (i, j) = (i + c.len_utf8(), j + d.len_utf8());
            }
        }
    }
}

/// Bytes that compare (as bytes) the way [`natural_cmp`] compares names, but for the
/// final tie on the exact text: a sort of a thousand rows builds a thousand of these once
/// and compares them with `memcmp`, instead of walking two names ten thousand times. Put
/// the exact text after it ([`push_text_key`]) for the whole order.
///
/// A run of digits is `0` (the byte of the digits, so a run compares with any other
/// character as its first digit does), the count of its digits without leading zeros in
/// four bytes, then those digits. Any other character is its lowercase followed by a 1, so
/// a character whose lowercase is several (`İ`) is compared whole before the next one, as
/// [`natural_cmp`] does. The end is a 0, below everything.
pub fn push_natural_key(name: &str, out: &mut Vec<u8>) {
    let b = name.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() {
            let end = i + b[i..].iter().take_while(|d| d.is_ascii_digit()).count();
            let run = &b[i..end];
            let value = &run[run.iter().take_while(|d| **d == b'0').count()..];
            out.push(b'0');
            push_len(value.len(), out);
            out.extend_from_slice(value);
            i = end;
        } else if c.is_ascii() {
            push_escaped(c.to_ascii_lowercase(), out);
            out.push(1);
            i += 1;
        } else {
            let Some(ch) = name[i..].chars().next() else {
                break;
            };
            let mut utf8 = [0; 4];
            for l in ch.to_lowercase() {
                for &x in l.encode_utf8(&mut utf8).as_bytes() {
                    push_escaped(x, out);
                }
            }
            out.push(1);
            i += ch.len_utf8();
        }
    }
    out.push(0);
}

/// Bytes that compare as `text` does (`str::cmp`), with an end below everything: the next
/// part of a key is only reached on equal texts.
pub fn push_text_key(text: &str, out: &mut Vec<u8>) {
    let b = text.as_bytes();
    // Names and ids have no byte to escape: copied whole, not a byte at a time.
    if b.iter().all(|c| *c > 1) {
        out.extend_from_slice(b);
    } else {
        for &c in b {
            push_escaped(c, out);
        }
    }
    out.push(0);
}

/// 0 and 1 mark ends: as bytes of a text they are written 1 1 and 1 2, which keeps their
/// order below every other byte and makes no 0.
fn push_escaped(c: u8, out: &mut Vec<u8>) {
    if c <= 1 {
        out.extend_from_slice(&[1, c + 1]);
    } else {
        out.push(c);
    }
}

/// A count in four base-255 digits, none of them 0, so no end mark is needed after it.
fn push_len(n: usize, out: &mut Vec<u8>) {
    let n = n.min(255usize.pow(4) - 1);
    for p in (0..4).rev() {
        out.push((n / 255usize.pow(p) % 255) as u8 + 1);
    }
}

/// A fuzzy query (fzf-like syntax), compiled once and scored against many rows.
pub struct Fuzzy {
    pattern: Pattern,
    matcher: Matcher,
    buf: Vec<char>,
}

impl Fuzzy {
    /// None for an empty query: everything matches, nothing is ranked.
    pub fn new(query: &str) -> Option<Fuzzy> {
        let query = query.trim();
        (!query.is_empty()).then(|| Fuzzy {
            pattern: Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart),
            matcher: Matcher::new(Config::DEFAULT),
            buf: Vec::new(),
        })
    }

    /// The score of `hay`, None when it does not match.
    pub fn score(&mut self, hay: &str) -> Option<u32> {
        self.pattern
            .score(Utf32Str::new(hay, &mut self.buf), &mut self.matcher)
    }
}

/// The rows a filter keeps, best first: with a query, by fuzzy score (then `cmp`); without
/// one, in `cmp` order. `hay` writes the text a row is matched against into the buffer.
pub fn rank<K: Copy, T>(
    items: impl Iterator<Item = (K, T)>,
    query: &str,
    mut hay: impl FnMut(&T, &mut String),
    mut cmp: impl FnMut(&T, &T) -> Ordering,
) -> Vec<K> {
    let mut fuzzy = Fuzzy::new(query);
    let mut text = String::new();
    let rows: Vec<(K, T, u32)> = items
        .filter_map(|(k, t)| match fuzzy.as_mut() {
            None => Some((k, t, 0)),
            Some(f) => {
                text.clear();
                hay(&t, &mut text);
                f.score(&text).map(|s| (k, t, s))
            }
        })
        .collect();
    // Sorted as positions, not as rows: a row is a hundred bytes, moved many times over by
    // a sort of a thousand.
    let mut order: Vec<u32> = (0..rows.len() as u32).collect();
    order.sort_by(|&i, &j| {
        let ((_, a, sa), (_, b, sb)) = (&rows[i as usize], &rows[j as usize]);
        sb.cmp(sa).then_with(|| cmp(a, b))
    });
    order.into_iter().map(|i| rows[i as usize].0).collect()
}

/// The engines' names, for `host:NAME` in the filter of a merged list (set by the root).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostNames(pub Vec<(crate::app::model::EngineId, String)>);

impl HostNames {
    /// The filter without its `host:NAME` words, and the engines they keep (None: all).
    pub fn split(&self, filter: &str) -> (String, Option<Vec<crate::app::model::EngineId>>) {
        let (text, names) = crate::app::engines::split_host_filter(filter);
        if names.is_empty() {
            return (text, None);
        }
        let keep = self
            .0
            .iter()
            .filter(|(_, n)| {
                let n = n.to_lowercase();
                names.iter().any(|h| n.contains(h.as_str()))
            })
            .map(|(id, _)| *id)
            .collect();
        (text, Some(keep))
    }
}

/// Whether a row on `host` is kept by [`HostNames::split`]'s answer.
pub fn host_kept(
    keep: &Option<Vec<crate::app::model::EngineId>>,
    host: Option<crate::app::model::EngineId>,
) -> bool {
    match keep {
        None => true,
        Some(ids) => host.is_some_and(|h| ids.contains(&h)),
    }
}

/// A list of items shown through a filter: `rows` index the items, `cur` selects among rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListView {
    pub rows: Vec<usize>,
    pub cur: Cursor,
    /// Each row's key as of the last [`ListView::refilter`]: the selection follows its item
    /// across a change of the items themselves (an index into the old items means another
    /// item in the new ones).
    keys: Vec<String>,
}

impl ListView {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The index of the selected item.
    pub fn selected(&self) -> Option<usize> {
        self.rows.get(self.cur.sel).copied()
    }

    pub fn go(&mut self, delta: i64, page: usize) {
        let len = self.rows.len();
        self.cur.go(delta, len, page);
    }

    pub fn clamp(&mut self, page: usize) {
        let len = self.rows.len();
        self.cur.clamp(len, page);
    }

    /// Select the row of the first item `is` accepts; false when none is listed.
    pub fn select_where(&mut self, page: usize, mut is: impl FnMut(usize) -> bool) -> bool {
        match self.rows.iter().position(|i| is(*i)) {
            Some(pos) => {
                self.cur.sel = pos;
                self.clamp(page);
                true
            }
            None => false,
        }
    }

    /// A click on the `row`-th row on screen.
    pub fn click(&mut self, row: usize, page: usize) -> bool {
        let idx = self.cur.off + row;
        if idx >= self.rows.len() || idx == self.cur.sel {
            return false;
        }
        self.cur.sel = idx;
        self.clamp(page);
        true
    }

    /// Recompute the rows of `items` under `query` (ranked, see [`rank`]), keeping the
    /// selection on the item `same` recognises (its key before the change).
    pub fn refilter<T>(
        &mut self,
        items: &[T],
        query: &str,
        page: usize,
        hay: impl FnMut(&&T, &mut String),
        cmp: impl FnMut(&&T, &&T) -> Ordering,
        key: impl Fn(&T) -> String,
    ) {
        self.refilter_where(items, query, page, hay, cmp, key, |_| true);
    }

    /// [`ListView::refilter`] over the items `keep` accepts.
    #[allow(clippy::too_many_arguments)]
    pub fn refilter_where<T>(
        &mut self,
        items: &[T],
        query: &str,
        page: usize,
        hay: impl FnMut(&&T, &mut String),
        cmp: impl FnMut(&&T, &&T) -> Ordering,
        key: impl Fn(&T) -> String,
        keep: impl Fn(&T) -> bool,
    ) {
        let before = self.keys.get(self.cur.sel).cloned();
        self.rows = rank(
            items.iter().enumerate().filter(|(_, t)| keep(t)),
            query,
            hay,
            cmp,
        );
        self.keys = self.rows.iter().map(|&i| key(&items[i])).collect();
        if let Some(k) = before
            && let Some(pos) = self.keys.iter().position(|x| *x == k)
        {
            self.cur.sel = pos;
        }
        self.clamp(page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_stays_in_range_and_scrolls() {
        let mut c = Cursor::default();
        c.go(5, 3, 2);
        assert_eq!(c, Cursor { sel: 2, off: 1 });
        c.go(-10, 3, 2);
        assert_eq!(c, Cursor { sel: 0, off: 0 });
        c.go(1, 0, 2);
        assert_eq!(c, Cursor::default());
    }

    #[test]
    fn the_selection_follows_its_item_when_the_items_change() {
        let mut l = ListView::default();
        let name = |s: &&&str, out: &mut String| out.push_str(s);
        let by = |a: &&&str, b: &&&str| a.cmp(b);
        let key = |s: &&str| s.to_string();
        let before = ["b", "d"];
        l.refilter(&before, "", 10, name, by, key);
        l.go(1, 10);
        assert_eq!(l.selected().map(|i| before[i]), Some("d"));
        // Two items arrive, one of them before the selection, in a new order of the vec.
        let after = ["a", "c", "d", "b"];
        l.refilter(&after, "", 10, name, by, key);
        assert_eq!(l.selected().map(|i| after[i]), Some("d"));
    }

    /// Names that test a natural order: case, leading zeros, digit runs of every length,
    /// characters beyond ASCII, prefixes shared up to inside a run or a character.
    const WORDS: &[&str] = &[
        "",
        "a",
        "A",
        "ab",
        "a1",
        "a01",
        "a001b",
        "a1b",
        "a10",
        "a2",
        "web-2",
        "web-10",
        "Web-2",
        "web-02",
        "x9y",
        "x09y",
        "x9Y",
        "é1",
        "É1",
        "e1",
        "ß",
        "ss",
        "日本2",
        "日本10",
        "0",
        "00",
        "000a",
        "1a",
        "a-1-2",
        "a-1-10",
        "Ä",
        "a\u{301}",
        // Shared prefixes ending inside a digit run or a character.
        "web-12",
        "web-123",
        "bench-0001",
        "bench-0002",
        "bench-00010",
        "bench-001a",
        "a1b2",
        "a1b10",
        "a12b",
        "éa",
        "èa",
        "日x",
        "日本",
        "a\u{300}",
    ];

    #[test]
    fn natural_order_is_the_same_as_the_allocating_reference() {
        // The first version, kept as the reference: digit runs copied into Strings.
        fn reference(a: &str, b: &str) -> Ordering {
            let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
            loop {
                match (x.peek().copied(), y.peek().copied()) {
                    (None, None) => return a.cmp(b),
                    (None, Some(_)) => return Ordering::Less,
                    (Some(_), None) => return Ordering::Greater,
                    (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                        let (mut n, mut m) = (String::new(), String::new());
                        while let Some(c) = x.next_if(char::is_ascii_digit) {
                            n.push(c);
                        }
                        while let Some(d) = y.next_if(char::is_ascii_digit) {
                            m.push(d);
                        }
                        let (n, m) = (n.trim_start_matches('0'), m.trim_start_matches('0'));
                        let ord = n.len().cmp(&m.len()).then_with(|| n.cmp(m));
                        if ord != Ordering::Equal {
                            return ord;
                        }
                    }
                    (Some(c), Some(d)) => {
                        let ord = c.to_lowercase().cmp(d.to_lowercase());
                        if ord != Ordering::Equal {
                            return ord;
                        }
                        x.next();
                        y.next();
                    }
                }
            }
        }
        for a in WORDS {
            for b in WORDS {
                assert_eq!(natural_cmp(a, b), reference(a, b), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn the_natural_key_orders_as_natural_order() {
        let mut words: Vec<String> = WORDS
            .iter()
            .chain(&[
                "a/1",
                "a:1",
                "a 1",
                // Lowercase of several characters, a Kelvin sign (lowercase ASCII), ends
                // against control bytes, a long run.
                "İ",
                "İa",
                "iz",
                "i",
                "i\u{307}",
                "i\u{307}я",
                "iя",
                "\u{212a}",
                "k",
                "K1",
                "a\u{0}",
                "a\u{1}",
                "a\u{2}",
                "a\u{0}b",
                "\u{1}",
                "\u{0}",
                "9",
                "a9",
                "a900000000000000000000000000000001",
                "a900000000000000000000000000000002",
            ])
            .map(|w| w.to_string())
            .collect();
        words.push(format!("a{}", "7".repeat(300)));
        words.push(format!("a{}", "8".repeat(299)));
        let key = |w: &str| {
            let mut k = Vec::new();
            push_natural_key(w, &mut k);
            push_text_key(w, &mut k);
            k
        };
        for a in &words {
            for b in &words {
                assert_eq!(key(a).cmp(&key(b)), natural_cmp(a, b), "{a:?} vs {b:?}");
            }
        }
        // A text key is the text's own order, ends included.
        let text = |w: &str| {
            let mut k = Vec::new();
            push_text_key(w, &mut k);
            k.push(9);
            k
        };
        for a in &words {
            for b in &words {
                assert_eq!(text(a).cmp(&text(b)), a.cmp(b), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn natural_order_reads_numbers_as_numbers() {
        let mut names = vec![
            "bench-10", "bench-2", "Bench-3", "bench-1", "api", "bench-02",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "api", "bench-1", "bench-02", "bench-2", "Bench-3", "bench-10"
            ]
        );
        assert_eq!(natural_cmp("a", "a"), Ordering::Equal);
        assert_eq!(natural_cmp("a", "ab"), Ordering::Less);
    }

    #[test]
    fn fuzzy_results_are_ranked_by_score_then_sort() {
        let items = ["web-proxy", "w-e-b", "web", "db"];
        let rows = rank(
            items.iter().enumerate(),
            "web",
            |t, s| s.push_str(t),
            |a, b| natural_cmp(a, b),
        );
        let names: Vec<&str> = rows.iter().map(|i| items[*i]).collect();
        // Contiguous matches score above scattered ones; `db` does not match.
        assert_eq!(names.len(), 3, "{names:?}");
        assert_eq!(names[2], "w-e-b", "{names:?}");
        // Without a query: the sort alone.
        let rows = rank(
            items.iter().enumerate(),
            "",
            |t, s| s.push_str(t),
            |a, b| natural_cmp(a, b),
        );
        let names: Vec<&str> = rows.iter().map(|i| items[*i]).collect();
        assert_eq!(names, ["db", "w-e-b", "web", "web-proxy"]);
    }

    #[test]
    fn refilter_keeps_the_selected_item() {
        let items = vec!["a-1".to_string(), "b-2".into(), "a-3".into()];
        let mut l = ListView::default();
        let by_name = |a: &&String, b: &&String| natural_cmp(a, b);
        l.refilter(&items, "", 10, |t, s| s.push_str(t), by_name, |t| t.clone());
        assert_eq!(l.rows, [0, 2, 1]);
        l.go(2, 10);
        assert_eq!(l.selected(), Some(1));
        l.refilter(
            &items,
            "b",
            10,
            |t, s| s.push_str(t),
            by_name,
            |t| t.clone(),
        );
        assert_eq!(l.selected(), Some(1));
        l.refilter(&items, "", 10, |t, s| s.push_str(t), by_name, |t| t.clone());
        assert_eq!(l.selected(), Some(1), "still on b-2");
        assert!(l.click(0, 10));
        assert_eq!(l.selected(), Some(0));
        assert!(!l.click(7, 10), "no row there");
    }
}
