//! The files tab: a container's filesystem through the engine's archive endpoints (no shell
//! needed in the image), a bounded file viewer, downloads and uploads, and `docker diff`.
//! Pure data and state; the tab's actions are in `files_tab.rs`.

/// Bytes of a file the viewer reads: past this it shows the first MiB and says so.
pub const MAX_VIEW: usize = 1 << 20;
/// Entries kept per directory listing.
pub const MAX_ENTRIES: usize = 20_000;
/// Where a download goes unless the user types another directory.
pub const DEFAULT_DOWNLOAD_DIR: &str = "~/Downloads";
/// The largest file opened in `$EDITOR`.
pub const MAX_EDIT: u64 = 1 << 20;
pub const MAX_EDIT_LABEL: &str = "1 MiB";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Dir,
    File,
    Symlink,
    Other,
}

/// One entry of a directory, from its tar header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub kind: EntryKind,
    pub size: u64,
    /// Permission bits (`0o755`).
    pub mode: u32,
    /// User and group: names when the archive has them, else numbers.
    pub owner: String,
    /// Modification time, unix seconds.
    pub mtime: i64,
    /// Where a symlink points.
    pub link: Option<String>,
}

/// A directory's entries, directories first, then by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Listing {
    pub entries: Vec<Entry>,
    /// Entries left out past [`MAX_ENTRIES`].
    pub dropped: usize,
}

impl Listing {
    pub fn new(mut entries: Vec<Entry>) -> Listing {
        entries.sort_by(|a, b| {
            (a.kind != EntryKind::Dir, &a.name).cmp(&(b.kind != EntryKind::Dir, &b.name))
        });
        let dropped = entries.len().saturating_sub(MAX_ENTRIES);
        entries.truncate(MAX_ENTRIES);
        Listing { entries, dropped }
    }
}

/// A mount of the container, from its inspect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub destination: String,
    /// `volume`, `bind`, `tmpfs`…
    pub kind: String,
    pub rw: bool,
    /// The host path of a bind, the volume's name…
    pub source: String,
}

impl Mount {
    pub fn label(&self) -> String {
        format!("{}{}", self.kind, if self.rw { "" } else { ", ro" })
    }
}

/// The first [`MAX_VIEW`] bytes of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub path: String,
    pub bytes: Vec<u8>,
    /// The file's whole size.
    pub size: u64,
}

impl Content {
    pub fn truncated(&self) -> bool {
        (self.bytes.len() as u64) < self.size
    }

    /// Text (valid UTF-8 without NULs) or not.
    pub fn is_text(&self) -> bool {
        if self.bytes.contains(&0) {
            return false;
        }
        match std::str::from_utf8(&self.bytes) {
            Ok(_) => true,
            // Cut in the middle of a character by the size bound.
            Err(e) => self.truncated() && e.error_len().is_none(),
        }
    }

    /// The lines the viewer shows: text as is (control characters made visible), anything
    /// else as a hex dump.
    pub fn lines(&self) -> Vec<String> {
        if self.is_text() {
            String::from_utf8_lossy(&self.bytes)
                .lines()
                .map(|l| {
                    l.chars()
                        .map(|c| match c {
                            '\t' => "    ".to_string(),
                            c if c.is_control() => '·'.to_string(),
                            c => c.to_string(),
                        })
                        .collect()
                })
                .collect()
        } else {
            hex_dump(&self.bytes)
        }
    }
}

/// `00000000  7f 45 4c 46 …  |.ELF…|`, 16 bytes a line.
pub fn hex_dump(bytes: &[u8]) -> Vec<String> {
    bytes
        .chunks(16)
        .enumerate()
        .map(|(i, chunk)| {
            let mut hex = String::new();
            for (j, b) in chunk.iter().enumerate() {
                if j == 8 {
                    hex.push(' ');
                }
                hex.push_str(&format!("{b:02x} "));
            }
            let ascii: String = chunk
                .iter()
                .map(|b| {
                    if b.is_ascii_graphic() || *b == b' ' {
                        *b as char
                    } else {
                        '.'
                    }
                })
                .collect();
            format!("{:08x}  {hex:<49} |{ascii}|", i * 16)
        })
        .collect()
}

/// One line of `docker diff`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `A`dded, `C`hanged or `D`eleted.
    pub kind: char,
    pub path: String,
}

/// What the files tab asks of the engine (and of the host, for downloads and uploads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilesReq {
    /// A directory's entries, and the container's mounts.
    List { id: String, path: String },
    /// The first [`MAX_VIEW`] bytes of a file.
    Read { id: String, path: String },
    /// `docker cp id:path dir` (the directory is created when missing; `~` is the home).
    Download {
        id: String,
        name: String,
        path: String,
        dir: String,
    },
    /// `docker cp src id:dir`.
    Upload {
        id: String,
        name: String,
        src: String,
        dir: String,
    },
    /// `docker diff`.
    Changes(String),
    /// `docker export -o dest` (the file must not exist yet; `~` is the home).
    Export {
        id: String,
        name: String,
        dest: String,
    },
    /// Fetch a text file into a private scratch file for `$EDITOR` (refused when it could not
    /// be written back: read-only, too large, not text).
    Fetch {
        id: String,
        name: String,
        path: String,
    },
    /// Write an edited file back where it came from, with its mode and owner.
    PutBack(Box<EditFile>),
}

/// A container's file copied out for `$EDITOR`, and what is needed to put it back as it was.
/// The scratch directory goes with the last copy of this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditFile {
    pub id: String,
    /// The container's name.
    pub name: String,
    /// The file in the container.
    pub path: String,
    /// The private copy the editor opens.
    pub local: std::path::PathBuf,
    pub scratch: crate::scratch::Scratch,
    /// Its size when fetched.
    pub size: u64,
    /// Permission bits, owner ids and names, as the archive had them.
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    pub user: String,
    pub group: String,
}

impl EditFile {
    /// `root:root` (names when the archive has them, else ids).
    pub fn owner(&self) -> String {
        let or = |n: &str, id: u64| {
            if n.is_empty() {
                id.to_string()
            } else {
                n.to_string()
            }
        };
        format!("{}:{}", or(&self.user, self.uid), or(&self.group, self.gid))
    }
}

/// What the editor did to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditOutcome {
    Unchanged,
    /// Saved with other contents: its new size.
    Changed(u64),
    /// Nothing to write back, and why (the editor failed, the file is gone…).
    Failed(String),
}

/// Why a file of a container cannot be written back, said before the editor opens: on a
/// read-only mount, on a read-only root filesystem (outside a writable mount), or a single
/// file bind-mounted from the host (the engine cannot replace a mount point).
/// `managed`: the files the engine writes for the container (`/etc/hosts`, `/etc/hostname`,
/// `/etc/resolv.conf`), mounted over the image's.
pub fn edit_refusal(
    path: &str,
    name: &str,
    readonly_rootfs: bool,
    mounts: &[Mount],
    managed: &[&str],
) -> Option<String> {
    if managed.contains(&path) {
        return Some(format!(
            "{path} is written by the engine for {name} (docker run --add-host, --dns, --hostname): not editable here"
        ));
    }
    let view = FilesView {
        mounts: mounts.to_vec(),
        ..FilesView::default()
    };
    match view.mount_of(path) {
        Some(m) if !m.rw => Some(format!(
            "{path} is on a read-only {} mount ({} at {}): it cannot be written",
            m.kind, m.source, m.destination
        )),
        Some(m) if m.destination.trim_end_matches('/') == path && m.kind == "bind" => {
            Some(format!(
                "{path} is a single file bind-mounted from the host ({}): the engine cannot replace it, edit it on the host",
                m.source
            ))
        }
        Some(_) => None,
        None if readonly_rootfs => Some(format!(
            "{name} has a read-only root filesystem (--read-only): {path} cannot be written"
        )),
        None => None,
    }
}

/// The editor to run: `$VISUAL`, then `$EDITOR`, then `vi` (empty values skipped).
pub fn editor_command(visual: Option<&str>, editor: Option<&str>) -> String {
    [visual, editor]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|e| !e.is_empty())
        .unwrap_or("vi")
        .to_string()
}

impl FilesReq {
    /// The container it is about (its engine is the one to ask).
    pub fn container(&self) -> &str {
        match self {
            FilesReq::List { id, .. }
            | FilesReq::Read { id, .. }
            | FilesReq::Download { id, .. }
            | FilesReq::Upload { id, .. }
            | FilesReq::Changes(id)
            | FilesReq::Export { id, .. }
            | FilesReq::Fetch { id, .. } => id,
            FilesReq::PutBack(f) => &f.id,
        }
    }
}

/// The answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilesMsg {
    Listed {
        id: String,
        path: String,
        result: Result<(Listing, Vec<Mount>), String>,
    },
    Read {
        id: String,
        result: Result<Content, String>,
    },
    /// Bytes moved so far by a download or an upload.
    Progress { what: String, bytes: u64 },
    /// A download or an upload finished (the line to show).
    Done {
        id: String,
        result: Result<String, String>,
    },
    Changes {
        id: String,
        result: Result<Vec<Change>, String>,
    },
    /// A file fetched for `$EDITOR`, or why not.
    Fetched {
        id: String,
        path: String,
        result: Result<Box<EditFile>, String>,
    },
    /// The editor exited (from the runtime).
    Edited {
        file: Box<EditFile>,
        outcome: EditOutcome,
    },
    /// An edited file was written back (the line to show), or why not.
    Written {
        id: String,
        name: String,
        path: String,
        result: Result<String, String>,
    },
}

/// What an answer has the status line say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Progress(String),
    Done(Result<String, String>),
}

/// The tab's state.
#[derive(Debug, Clone, Default)]
pub struct FilesView {
    /// The container the listing is of.
    pub id: Option<String>,
    /// The directory shown (absolute, no trailing slash but for `/`).
    pub path: String,
    pub listing: Option<Result<Listing, String>>,
    pub mounts: Vec<Mount>,
    pub cursor: usize,
    pub offset: usize,
    /// A file open in the viewer, and its scroll.
    pub viewer: Option<Result<Content, String>>,
    pub scroll: usize,
    /// The viewer's search: typed text, then the query.
    pub input: Option<String>,
    pub search: Option<String>,
    /// `docker diff` shown instead of the directory.
    pub changes: Option<Result<Vec<Change>, String>>,
    pub show_changes: bool,
    /// After going up: the entry to put the cursor on once listed.
    pub back_to: Option<String>,
}

/// `/a/b` + `c` → `/a/b/c`.
pub fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// The parent of an absolute path (`/` is its own).
pub fn parent(path: &str) -> String {
    match path.trim_end_matches('/').rsplit_once('/') {
        Some(("", _)) | None => "/".to_string(),
        Some((p, _)) => p.to_string(),
    }
}

/// An absolute path without `.`, `..` or doubled slashes.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// `drwxr-xr-x`.
pub fn mode_string(kind: EntryKind, mode: u32) -> String {
    let mut s = String::with_capacity(10);
    s.push(match kind {
        EntryKind::Dir => 'd',
        EntryKind::Symlink => 'l',
        EntryKind::File => '-',
        EntryKind::Other => '?',
    });
    for shift in [6, 3, 0] {
        let bits = (mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        s.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    s
}

impl FilesView {
    pub fn selected(&self) -> Option<&Entry> {
        match &self.listing {
            Some(Ok(l)) => l.entries.get(self.cursor),
            _ => None,
        }
    }

    /// The mount a path is on (the longest destination that holds it).
    pub fn mount_of(&self, path: &str) -> Option<&Mount> {
        self.mounts
            .iter()
            .filter(|m| {
                path == m.destination
                    || path.starts_with(&format!("{}/", m.destination.trim_end_matches('/')))
            })
            .max_by_key(|m| m.destination.len())
    }

    /// Rows the list has (the changes or the entries).
    pub fn len(&self) -> usize {
        if self.show_changes {
            return match &self.changes {
                Some(Ok(c)) => c.len(),
                _ => 0,
            };
        }
        match &self.listing {
            Some(Ok(l)) => l.entries.len(),
            _ => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Lines of the viewer matching the search.
    pub fn matches(&self) -> Vec<usize> {
        let (Some(q), Some(Ok(c))) = (&self.search, &self.viewer) else {
            return Vec::new();
        };
        c.lines()
            .iter()
            .enumerate()
            .filter(|(_, l)| l.to_lowercase().contains(q))
            .map(|(i, _)| i)
            .collect()
    }

    /// Take an answer; the line for the status, if any.
    pub fn on_msg(&mut self, msg: FilesMsg) -> Option<Notice> {
        match msg {
            FilesMsg::Listed { id, path, result } => {
                if self.id.as_deref() != Some(id.as_str()) || self.path != path {
                    return None;
                }
                match result {
                    Ok((listing, mounts)) => {
                        if let Some(n) = self.back_to.take() {
                            self.cursor = listing
                                .entries
                                .iter()
                                .position(|e| e.name == n)
                                .unwrap_or(0);
                        }
                        self.listing = Some(Ok(listing));
                        self.mounts = mounts;
                    }
                    Err(e) => self.listing = Some(Err(e)),
                }
                self.cursor = self.cursor.min(self.len().saturating_sub(1));
                None
            }
            FilesMsg::Read { id, result } => {
                if self.id.as_deref() == Some(id.as_str()) {
                    self.viewer = Some(result);
                    self.scroll = 0;
                }
                None
            }
            FilesMsg::Progress { what, bytes } => Some(Notice::Progress(format!(
                "{what}: {}…",
                super::resources::human_size(bytes)
            ))),
            FilesMsg::Done { result, .. } => Some(Notice::Done(result)),
            FilesMsg::Changes { id, result } => {
                if self.id.as_deref() == Some(id.as_str()) {
                    self.changes = Some(result);
                    self.cursor = self.cursor.min(self.len().saturating_sub(1));
                }
                None
            }
            // The editing round trip sends requests and effects: `files_tab::on_msg`.
            FilesMsg::Fetched { .. } | FilesMsg::Edited { .. } | FilesMsg::Written { .. } => None,
        }
    }
}

impl FilesView {
    /// After going up, the cursor lands on the directory we came from once it is listed.
    pub fn pending_cursor(&mut self, name: String) {
        self.back_to = Some(name);
    }
}

/// The answer to a refused request of the files tab.
pub fn refused(req: FilesReq, why: String) -> FilesMsg {
    match req {
        FilesReq::List { id, path } => FilesMsg::Listed {
            id,
            path,
            result: Err(why),
        },
        FilesReq::Read { id, .. } => FilesMsg::Read {
            id,
            result: Err(why),
        },
        FilesReq::Download { id, .. }
        | FilesReq::Upload { id, .. }
        | FilesReq::Export { id, .. } => FilesMsg::Done {
            id,
            result: Err(why),
        },
        FilesReq::Changes(id) => FilesMsg::Changes {
            id,
            result: Err(why),
        },
        FilesReq::Fetch { id, path, .. } => FilesMsg::Fetched {
            id,
            path,
            result: Err(why),
        },
        FilesReq::PutBack(f) => FilesMsg::Written {
            id: f.id.clone(),
            name: f.name.clone(),
            path: f.path.clone(),
            result: Err(format!("{}:{} not written: {why}", f.name, f.path)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(name: &str, kind: EntryKind) -> Entry {
        Entry {
            name: name.into(),
            kind,
            size: 1,
            mode: 0o644,
            owner: "0:0".into(),
            mtime: 0,
            link: None,
        }
    }

    #[test]
    fn paths() {
        assert_eq!(join("/", "etc"), "/etc");
        assert_eq!(join("/etc", "hosts"), "/etc/hosts");
        assert_eq!(parent("/etc/hosts"), "/etc");
        assert_eq!(parent("/etc"), "/");
        assert_eq!(parent("/"), "/");
        assert_eq!(normalize("/bin/../usr/./lib//x"), "/usr/lib/x");
        assert_eq!(normalize("/.."), "/");
        assert_eq!(mode_string(EntryKind::Dir, 0o755), "drwxr-xr-x");
        assert_eq!(mode_string(EntryKind::File, 0o640), "-rw-r-----");
    }

    #[test]
    fn directories_first_then_by_name() {
        let l = Listing::new(vec![
            e("b", EntryKind::File),
            e("z", EntryKind::Dir),
            e("a", EntryKind::File),
        ]);
        let names: Vec<&str> = l.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["z", "a", "b"]);
    }

    #[test]
    fn text_or_hex() {
        let c = Content {
            path: "/x".into(),
            bytes: b"hello\tworld\n".to_vec(),
            size: 12,
        };
        assert!(c.is_text());
        assert_eq!(c.lines(), ["hello    world"]);
        let b = Content {
            path: "/y".into(),
            bytes: vec![0x7f, b'E', b'L', b'F', 0, 1],
            size: 100,
        };
        assert!(!b.is_text() && b.truncated());
        assert_eq!(
            b.lines()[0],
            format!("00000000  {:<49} |.ELF..|", "7f 45 4c 46 00 01 ")
        );
    }

    #[test]
    fn mounts_by_longest_destination() {
        let f = FilesView {
            mounts: vec![
                Mount {
                    destination: "/data".into(),
                    kind: "volume".into(),
                    rw: true,
                    source: "data".into(),
                },
                Mount {
                    destination: "/data/conf".into(),
                    kind: "bind".into(),
                    rw: false,
                    source: "/srv/conf".into(),
                },
            ],
            ..FilesView::default()
        };
        assert_eq!(
            f.mount_of("/data/x").map(|m| m.label()),
            Some("volume".into())
        );
        assert_eq!(
            f.mount_of("/data/conf/a").map(|m| m.label()),
            Some("bind, ro".into())
        );
        assert!(f.mount_of("/database").is_none());
    }

    fn m(destination: &str, kind: &str, rw: bool, source: &str) -> Mount {
        Mount {
            destination: destination.into(),
            kind: kind.into(),
            rw,
            source: source.into(),
        }
    }

    #[test]
    fn what_cannot_be_written_back_is_said_before_the_editor_opens() {
        let mounts = [
            m("/conf", "bind", false, "/srv/conf"),
            m("/data", "volume", true, "web-data"),
            m("/etc/app.conf", "bind", true, "/srv/app.conf"),
        ];
        assert_eq!(
            edit_refusal("/etc/hosts.allow", "web", false, &mounts, &["/etc/hosts"]),
            None
        );
        assert_eq!(
            edit_refusal("/data/x.conf", "web", true, &mounts, &[]),
            None,
            "a writable mount of a read-only container"
        );
        assert_eq!(
            edit_refusal("/conf/nginx.conf", "web", false, &mounts, &[]).as_deref(),
            Some(
                "/conf/nginx.conf is on a read-only bind mount (/srv/conf at /conf): it cannot be written"
            )
        );
        assert_eq!(
            edit_refusal("/etc/motd", "web", true, &mounts, &[]).as_deref(),
            Some("web has a read-only root filesystem (--read-only): /etc/motd cannot be written")
        );
        let hosts = edit_refusal("/etc/hosts", "web", false, &mounts, &["/etc/hosts"]);
        assert!(hosts.is_some_and(|h| h.contains("written by the engine for web")));
        let single = edit_refusal("/etc/app.conf", "web", false, &mounts, &[]).unwrap_or_default();
        assert!(
            single.contains("single file bind-mounted from the host (/srv/app.conf)"),
            "{single}"
        );
    }

    #[test]
    fn the_editor_is_visual_then_editor_then_vi() {
        assert_eq!(
            editor_command(Some("code --wait"), Some("nano")),
            "code --wait"
        );
        assert_eq!(editor_command(Some(" "), Some("nano")), "nano");
        assert_eq!(editor_command(None, Some("")), "vi");
        assert_eq!(editor_command(None, None), "vi");
    }

    #[test]
    fn owner_names_or_ids() {
        let s = crate::scratch::Scratch::new("dockside-test-owner").expect("scratch");
        let mut f = EditFile {
            id: "c1".into(),
            name: "web".into(),
            path: "/etc/x".into(),
            local: s.path().join("x"),
            scratch: s,
            size: 1,
            mode: 0o644,
            uid: 0,
            gid: 101,
            user: "root".into(),
            group: String::new(),
        };
        assert_eq!(f.owner(), "root:101");
        f.group = "nginx".into();
        assert_eq!(f.owner(), "root:nginx");
    }
}
