//! Images: the list's rows, an image's details, and the progress of long operations
//! (pull, push, build). Pure data and helpers: no I/O here. The docker layer
//! (`crate::docker::images`) fills these in and streams [`Progress`] events; a
//! [`ProgressView`] aggregates them for display with bounded memory.

use std::cmp::Ordering;
use std::collections::VecDeque;

/// The tag the engine reports for an untagged image; never kept in [`Image::tags`].
pub const NONE_TAG: &str = "<none>:<none>";

/// One row of the images list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Image {
    /// The engine it is on when the lists of several engines are merged (None: one engine).
    pub host: Option<crate::app::model::EngineId>,
    /// Full id (`sha256:…`).
    pub id: String,
    /// `repo:tag` references; `<none>:<none>` excluded.
    pub tags: Vec<String>,
    /// Bytes.
    pub size: i64,
    /// Unix seconds.
    pub created: i64,
    /// Containers (running or not) using the image; `-1` when unknown.
    pub containers: i64,
    /// Neither tagged nor referenced by digest.
    pub dangling: bool,
    /// `repo@sha256:…`: what it was pulled or pushed as (`RepoDigests`).
    pub digests: Vec<String>,
}

impl Image {
    /// The first tag, or `<none>:<none>`.
    pub fn name(&self) -> &str {
        self.tags.first().map(String::as_str).unwrap_or(NONE_TAG)
    }

    /// The 12-character id shown in listings.
    pub fn short_id(&self) -> &str {
        short_id(&self.id)
    }
}

/// One layer of an image's history, newest first (as the engine gives it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HistoryEntry {
    pub created_by: String,
    /// Bytes the step added.
    pub size: i64,
    /// Unix seconds.
    pub created: i64,
}

/// What `inspect` tells about an image.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageDetail {
    pub id: String,
    pub tags: Vec<String>,
    pub digests: Vec<String>,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub env: Vec<String>,
    /// `80/tcp`, … sorted.
    pub exposed_ports: Vec<String>,
    /// Sorted.
    pub volumes: Vec<String>,
    /// Sorted by key.
    pub labels: Vec<(String, String)>,
    pub working_dir: String,
    pub user: String,
    pub architecture: String,
    pub os: String,
    pub author: String,
    pub comment: String,
    /// Bytes.
    pub size: i64,
    /// Unix seconds (0 when unknown).
    pub created: i64,
    pub history: Vec<HistoryEntry>,
}

/// Progress of a pull or push (per layer) and of a build (lines).
///
/// A stream ends with exactly one of [`Progress::Error`] or [`Progress::Done`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// A layer's state: `status` as the engine words it (`Downloading`, `Pushed`, …),
    /// `current`/`total` bytes of the current phase (0 when the engine gives none).
    Layer {
        id: String,
        status: String,
        current: u64,
        total: u64,
    },
    /// Status lines and build output: one or more lines, separated by `\n`.
    Line(String),
    /// The operation failed with this message (the engine's, when it gave one).
    Error(String),
    /// The operation finished; the image's id when known.
    Done { image_id: Option<String> },
}

/// A layer as shown by a [`ProgressView`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LayerView {
    pub id: String,
    pub status: String,
    /// Bytes of the current phase (downloading, extracting, pushing).
    pub current: u64,
    pub total: u64,
    /// Bytes transferred (downloaded or pushed) and to transfer, for the overall total.
    pub transferred: u64,
    pub to_transfer: u64,
    /// Downloaded/extracted/pushed or already there.
    pub complete: bool,
}

impl LayerView {
    /// Progress of the current phase in `0.0..=1.0`; `None` without a known total.
    pub fn fraction(&self) -> Option<f64> {
        if self.complete {
            return Some(1.0);
        }
        (self.total > 0).then(|| (self.current.min(self.total) as f64) / self.total as f64)
    }
}

/// How a layer status counts towards the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Bytes moving over the network.
    Transfer,
    /// The layer is there: whatever was to transfer was transferred.
    Complete,
    /// Waiting, extracting, verifying, …
    Other,
}

fn phase(status: &str) -> Phase {
    match status {
        "Downloading" | "Pushing" => Phase::Transfer,
        "Download complete"
        | "Pull complete"
        | "Pushed"
        | "Already exists"
        | "Layer already exists" => Phase::Complete,
        s if s.starts_with("Mounted from") => Phase::Complete,
        _ => Phase::Other,
    }
}

/// Layers kept by default; older complete layers are folded into the totals.
pub const DEFAULT_MAX_LAYERS: usize = 64;
/// Lines kept by default (a ring: the oldest go first).
pub const DEFAULT_MAX_LINES: usize = 500;
/// Longest line kept, in bytes; longer lines are cut.
pub const MAX_LINE_BYTES: usize = 4096;

/// Aggregates [`Progress`] events: per-layer bars (a bounded number of layers), overall
/// bytes, the last lines (a bounded ring), the error, whether it is done.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressView {
    layers: Vec<LayerView>,
    max_layers: usize,
    /// Bytes of layers dropped from `layers`.
    retired_transferred: u64,
    retired_to_transfer: u64,
    lines: VecDeque<String>,
    max_lines: usize,
    /// Lines dropped from the ring.
    dropped_lines: u64,
    error: Option<String>,
    done: bool,
    image_id: Option<String>,
}

impl Default for ProgressView {
    fn default() -> Self {
        ProgressView::new()
    }
}

impl ProgressView {
    pub fn new() -> ProgressView {
        ProgressView::with_limits(DEFAULT_MAX_LAYERS, DEFAULT_MAX_LINES)
    }

    /// At most `max_layers` layers and `max_lines` lines (each at least 1).
    pub fn with_limits(max_layers: usize, max_lines: usize) -> ProgressView {
        ProgressView {
            layers: Vec::new(),
            max_layers: max_layers.max(1),
            retired_transferred: 0,
            retired_to_transfer: 0,
            lines: VecDeque::new(),
            max_lines: max_lines.max(1),
            dropped_lines: 0,
            error: None,
            done: false,
            image_id: None,
        }
    }

    pub fn apply(&mut self, p: Progress) {
        match p {
            Progress::Layer {
                id,
                status,
                current,
                total,
            } => self.apply_layer(id, status, current, total),
            Progress::Line(text) => {
                for line in text.split('\n') {
                    let line = line.strip_suffix('\r').unwrap_or(line);
                    // A carriage return inside a line rewrites it: keep what shows last.
                    let line = line.rsplit('\r').next().unwrap_or(line);
                    if line.trim().is_empty() {
                        continue;
                    }
                    self.push_line(line);
                }
            }
            Progress::Error(e) => {
                self.error = Some(e);
            }
            Progress::Done { image_id } => {
                self.done = true;
                self.image_id = image_id;
                for l in &mut self.layers {
                    if l.to_transfer > 0 {
                        l.transferred = l.to_transfer;
                    }
                }
            }
        }
    }

    fn push_line(&mut self, line: &str) {
        let mut s = line.to_string();
        if s.len() > MAX_LINE_BYTES {
            let mut cut = MAX_LINE_BYTES;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            s.truncate(cut);
            s.push('…');
        }
        if self.lines.len() >= self.max_lines {
            self.lines.pop_front();
            self.dropped_lines += 1;
        }
        self.lines.push_back(s);
    }

    fn apply_layer(&mut self, id: String, status: String, current: u64, total: u64) {
        let idx = match self.layers.iter().position(|l| l.id == id) {
            Some(i) => i,
            None => {
                if self.layers.len() >= self.max_layers {
                    self.retire_one();
                }
                self.layers.push(LayerView {
                    id,
                    ..LayerView::default()
                });
                self.layers.len() - 1
            }
        };
        let Some(l) = self.layers.get_mut(idx) else {
            return;
        };
        match phase(&status) {
            Phase::Transfer => {
                if total > 0 {
                    l.to_transfer = l.to_transfer.max(total);
                }
                l.transferred = if l.to_transfer > 0 {
                    current.min(l.to_transfer)
                } else {
                    current
                };
                l.complete = false;
            }
            Phase::Complete => {
                l.transferred = l.to_transfer;
                l.complete = true;
            }
            Phase::Other => {}
        }
        l.current = current;
        l.total = total;
        l.status = status;
    }

    /// Makes room for one layer: drops the oldest complete layer (else the oldest one),
    /// keeping its bytes in the totals.
    fn retire_one(&mut self) {
        let idx = self.layers.iter().position(|l| l.complete).unwrap_or(0);
        if idx < self.layers.len() {
            let l = self.layers.remove(idx);
            self.retired_transferred += l.transferred;
            self.retired_to_transfer += l.to_transfer;
        }
    }

    /// The layers, in the order the engine first named them.
    pub fn layers(&self) -> &[LayerView] {
        &self.layers
    }

    /// Bytes transferred and to transfer, over all layers seen (also those no longer kept).
    pub fn total(&self) -> (u64, u64) {
        let (mut cur, mut tot) = (self.retired_transferred, self.retired_to_transfer);
        for l in &self.layers {
            cur += l.transferred;
            tot += l.to_transfer;
        }
        (cur, tot)
    }

    /// The last lines, oldest first.
    pub fn lines(&self) -> impl ExactSizeIterator<Item = &str> + DoubleEndedIterator {
        self.lines.iter().map(String::as_str)
    }

    /// Lines dropped from the front of the ring.
    pub fn dropped_lines(&self) -> u64 {
        self.dropped_lines
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Finished successfully ([`Progress::Done`] arrived).
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Finished, successfully or not.
    pub fn is_finished(&self) -> bool {
        self.done || self.error.is_some()
    }

    /// The image id [`Progress::Done`] gave.
    pub fn image_id(&self) -> Option<&str> {
        self.image_id.as_deref()
    }
}

/// The 12-character id shown in listings (without `sha256:`).
pub fn short_id(id: &str) -> &str {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    id.get(..12).unwrap_or(id)
}

/// What to sort the images list by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImageSort {
    /// By first tag, case-insensitively; untagged images last.
    #[default]
    Name,
    /// Biggest first.
    Size,
    /// Newest first.
    Created,
}

impl ImageSort {
    pub fn next(self) -> ImageSort {
        match self {
            ImageSort::Name => ImageSort::Size,
            ImageSort::Size => ImageSort::Created,
            ImageSort::Created => ImageSort::Name,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ImageSort::Name => "name",
            ImageSort::Size => "size",
            ImageSort::Created => "created",
        }
    }
}

fn cmp_name(a: &Image, b: &Image) -> Ordering {
    match (a.tags.is_empty(), b.tags.is_empty()) {
        (false, true) => return Ordering::Less,
        (true, false) => return Ordering::Greater,
        _ => {}
    }
    crate::views::list::natural_cmp(a.name(), b.name())
}

/// The natural order of `by` (see [`ImageSort`]), ties broken by name then id.
pub fn compare(a: &Image, b: &Image, by: ImageSort) -> Ordering {
    let primary = match by {
        ImageSort::Name => Ordering::Equal,
        ImageSort::Size => b.size.cmp(&a.size),
        ImageSort::Created => b.created.cmp(&a.created),
    };
    primary
        .then_with(|| cmp_name(a, b))
        .then_with(|| a.id.cmp(&b.id))
}

/// `1.5 MB`-style sizes (decimal units, like the docker CLI).
pub fn human_size(bytes: i64) -> String {
    if bytes < 0 {
        return "?".into();
    }
    const UNITS: [&str; 6] = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < UNITS.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else if v < 10.0 {
        format!("{v:.2} {}", UNITS[u])
    } else if v < 100.0 {
        format!("{v:.1} {}", UNITS[u])
    } else {
        format!("{v:.0} {}", UNITS[u])
    }
}

/// A reference split the way the engine's API wants it: repository (with its registry),
/// and tag or digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// `registry:5000/name/space` or `name` (as given, not normalised).
    pub repo: String,
    pub tag: Option<String>,
    /// `sha256:…`.
    pub digest: Option<String>,
}

impl Reference {
    /// Splits `name[:tag][@digest]`; the registry's port is not taken for a tag.
    pub fn parse(reference: &str) -> Reference {
        let reference = reference.trim();
        let (rest, digest) = match reference.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (reference, None),
        };
        let slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
        let (repo, tag) = match rest[slash..].rfind(':') {
            Some(i) => (
                rest[..slash + i].to_string(),
                Some(rest[slash + i + 1..].to_string()),
            ),
            None => (rest.to_string(), None),
        };
        Reference { repo, tag, digest }
    }

    /// The tag, `latest` when neither tag nor digest is given (like the docker CLI).
    pub fn tag_or_latest(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(t), _) => Some(t),
            (None, None) => Some("latest"),
            (None, Some(_)) => None,
        }
    }

    /// The registry host (`host[:port]`), or `docker.io` for Docker Hub.
    pub fn registry(&self) -> &str {
        match self.repo.split_once('/') {
            Some((first, _))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                first
            }
            _ => "docker.io",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn img(id: &str, tags: &[&str], size: i64, created: i64) -> Image {
        Image {
            host: None,
            id: id.into(),
            tags: tags.iter().map(|s| s.to_string()).collect(),
            size,
            created,
            containers: 0,
            dangling: tags.is_empty(),
            digests: Vec::new(),
        }
    }

    fn sample() -> Vec<Image> {
        vec![
            img("sha256:cccccccccccccccc", &[], 50, 300),
            img("sha256:aaaaaaaaaaaaaaaa", &["Zeta:1"], 10, 100),
            img(
                "sha256:bbbbbbbbbbbbbbbb",
                &["alpha:latest", "zzz:1"],
                30,
                200,
            ),
            img("sha256:dddddddddddddddd", &["beta:2"], 30, 400),
        ]
    }

    fn ids(v: &[Image]) -> Vec<&str> {
        v.iter().map(|i| &i.id[7..8]).collect()
    }

    #[test]
    fn sort_by_name_untagged_last_case_insensitive() {
        let mut v = sample();
        let sort_images = |v: &mut Vec<Image>, by, rev: bool| {
            v.sort_by(|a, b| {
                let o = compare(a, b, by);
                if rev { o.reverse() } else { o }
            })
        };
        sort_images(&mut v, ImageSort::Name, false);
        assert_eq!(ids(&v), ["b", "d", "a", "c"]);
        sort_images(&mut v, ImageSort::Name, true);
        assert_eq!(ids(&v), ["c", "a", "d", "b"]);
    }

    #[test]
    fn sort_by_size_biggest_first_ties_by_name() {
        let mut v = sample();
        v.sort_by(|a, b| compare(a, b, ImageSort::Size));
        assert_eq!(ids(&v), ["c", "b", "d", "a"]);
    }

    #[test]
    fn sort_by_created_newest_first() {
        let mut v = sample();
        v.sort_by(|a, b| compare(a, b, ImageSort::Created));
        assert_eq!(ids(&v), ["d", "c", "b", "a"]);
        v.sort_by(|a, b| compare(a, b, ImageSort::Created).reverse());
        assert_eq!(ids(&v), ["a", "b", "c", "d"]);
    }

    #[test]
    fn sort_cycles() {
        assert_eq!(ImageSort::Name.next().next().next(), ImageSort::Name);
        assert_eq!(ImageSort::Size.label(), "size");
    }

    #[test]
    fn names_and_ids() {
        let v = sample();
        assert_eq!(v[0].name(), NONE_TAG);
        assert_eq!(v[2].name(), "alpha:latest");
        assert_eq!(v[1].short_id(), "aaaaaaaaaaaa");
        assert_eq!(short_id("abc"), "abc");
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(1_990_000), "1.99 MB");
        assert_eq!(human_size(72_800_000), "72.8 MB");
        assert_eq!(human_size(123_000_000_000), "123 GB");
        assert_eq!(human_size(-1), "?");
    }

    #[test]
    fn references() {
        let r = Reference::parse("127.0.0.1:5000/dockside-test-1:v1");
        assert_eq!(r.repo, "127.0.0.1:5000/dockside-test-1");
        assert_eq!(r.tag.as_deref(), Some("v1"));
        assert_eq!(r.registry(), "127.0.0.1:5000");
        let r = Reference::parse("localhost:5000/a/b");
        assert_eq!(r.repo, "localhost:5000/a/b");
        assert_eq!(r.tag_or_latest(), Some("latest"));
        assert_eq!(r.registry(), "localhost:5000");
        let r = Reference::parse("busybox");
        assert_eq!(r.registry(), "docker.io");
        assert_eq!(r.tag_or_latest(), Some("latest"));
        let r = Reference::parse("library/busybox:1.36@sha256:abc");
        assert_eq!(r.repo, "library/busybox");
        assert_eq!(r.tag.as_deref(), Some("1.36"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        assert_eq!(r.registry(), "docker.io");
        let r = Reference::parse("ghcr.io/o/i@sha256:abc");
        assert_eq!(r.tag_or_latest(), None);
        assert_eq!(r.registry(), "ghcr.io");
        assert_eq!(Reference::parse("localhost/x").registry(), "localhost");
    }

    fn layer(id: &str, status: &str, current: u64, total: u64) -> Progress {
        Progress::Layer {
            id: id.into(),
            status: status.into(),
            current,
            total,
        }
    }

    #[test]
    fn progress_layers_and_totals() {
        let mut v = ProgressView::new();
        v.apply(Progress::Line("Pulling from x".into()));
        v.apply(layer("a", "Pulling fs layer", 0, 0));
        v.apply(layer("b", "Pulling fs layer", 0, 0));
        v.apply(layer("a", "Downloading", 50, 100));
        v.apply(layer("b", "Downloading", 10, 1000));
        assert_eq!(v.total(), (60, 1100));
        assert_eq!(v.layers()[0].fraction(), Some(0.5));
        v.apply(layer("a", "Download complete", 0, 0));
        assert_eq!(v.total(), (110, 1100));
        // Extracting reports its own bytes: the bar follows them, the total does not.
        v.apply(layer("a", "Extracting", 30, 100));
        assert_eq!(v.layers()[0].status, "Extracting");
        assert_eq!(v.layers()[0].current, 30);
        assert_eq!(v.total(), (110, 1100));
        v.apply(layer("a", "Pull complete", 0, 0));
        assert!(v.layers()[0].complete);
        assert_eq!(v.layers()[0].fraction(), Some(1.0));
        assert_eq!(v.layers().len(), 2);
        assert!(!v.is_done());
        v.apply(Progress::Done {
            image_id: Some("sha256:x".into()),
        });
        assert!(v.is_done() && v.is_finished());
        assert_eq!(v.image_id(), Some("sha256:x"));
        assert_eq!(v.total(), (1100, 1100));
        assert_eq!(v.error(), None);
    }

    #[test]
    fn progress_layers_are_bounded_totals_kept() {
        let mut v = ProgressView::with_limits(2, 10);
        v.apply(layer("a", "Pushing", 10, 10));
        v.apply(layer("a", "Pushed", 0, 0));
        v.apply(layer("b", "Pushing", 5, 20));
        v.apply(layer("c", "Pushing", 1, 30));
        // `a` (complete) made room.
        let ids: Vec<&str> = v.layers().iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["b", "c"]);
        assert_eq!(v.total(), (16, 60));
        // No complete layer: the oldest goes.
        v.apply(layer("d", "Layer already exists", 0, 0));
        let ids: Vec<&str> = v.layers().iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["c", "d"]);
        assert_eq!(v.total(), (16, 60));
    }

    #[test]
    fn progress_lines_ring_and_splitting() {
        let mut v = ProgressView::with_limits(4, 3);
        v.apply(Progress::Line("one\ntwo\r\n\n".into()));
        v.apply(Progress::Line("progress 10%\rprogress 100%".into()));
        assert_eq!(
            v.lines().collect::<Vec<_>>(),
            ["one", "two", "progress 100%"]
        );
        v.apply(Progress::Line("four".into()));
        assert_eq!(
            v.lines().collect::<Vec<_>>(),
            ["two", "progress 100%", "four"]
        );
        assert_eq!(v.dropped_lines(), 1);
        let long = "é".repeat(MAX_LINE_BYTES);
        v.apply(Progress::Line(long));
        let last = v.lines().last().unwrap_or_default();
        assert!(last.len() <= MAX_LINE_BYTES + '…'.len_utf8());
        assert!(last.ends_with('…'));
    }

    #[test]
    fn progress_error() {
        let mut v = ProgressView::new();
        v.apply(Progress::Error(
            "The command '/bin/sh -c exit 7' returned a non-zero code: 7".into(),
        ));
        assert!(v.is_finished());
        assert!(!v.is_done());
        assert!(v.error().is_some_and(|e| e.contains("exit 7")));
    }
}
