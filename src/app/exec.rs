//! Exec shells embedded in the UI: one terminal emulator (vt100) per session, several at
//! once, shown as tabs in one pane. Pure state: no I/O here. The docker layer
//! (`crate::docker::exec`) carries out [`ExecCmd`]s and reports [`ExecEvent`]s.
//!
//! Keys: while [`Sessions::typing`], every key goes to the active shell through
//! [`Sessions::key`], **except the keymap's `leave` key** (ctrl-g unless rebound), which the
//! caller intercepts (before calling `key`) to give the focus back to dockside. `key` itself
//! never treats any key specially: if it gets ctrl-g, it sends it (BEL) to the shell.
//!
//! Memory is bounded: output is fed straight into the vt100 parser, whose scrollback is
//! capped at [`SCROLLBACK_LINES`]; raw output is never kept.

use crossterm::event::KeyEvent;

use super::keys::{encode_key, encode_paste};

pub type SessionId = u64;

/// Lines of scrollback kept per session.
pub const SCROLLBACK_LINES: usize = 1000;

/// What to run in the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecKind {
    /// The user's login shell (from /etc/passwd), else bash, else sh.
    Shell,
    /// This command, with a TTY.
    Command(Vec<String>),
    /// Attach to the container's main process (its TTY). Detaching never stops it.
    Attach,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecRequest {
    pub session: SessionId,
    pub container_id: String,
    pub container_name: String,
    pub kind: ExecKind,
    /// `user`, `user:group`, `uid` or `uid:gid`; `None`: the container's user.
    pub user: Option<String>,
    pub cols: u16,
    pub rows: u16,
}

/// Commands to the docker layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecCmd {
    Open(ExecRequest),
    Input {
        session: SessionId,
        bytes: Vec<u8>,
    },
    Resize {
        session: SessionId,
        cols: u16,
        rows: u16,
    },
    /// Drop the connection (an attached container keeps running).
    Close(SessionId),
}

/// Events from the docker layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecEvent {
    /// The process runs; `shell` is the command actually run (e.g. `/bin/sh`).
    Started {
        session: SessionId,
        shell: String,
    },
    Output {
        session: SessionId,
        bytes: Vec<u8>,
    },
    Exited {
        session: SessionId,
        code: Option<i64>,
    },
    Failed {
        session: SessionId,
        error: String,
    },
}

impl ExecEvent {
    pub fn session(&self) -> SessionId {
        match self {
            ExecEvent::Started { session, .. }
            | ExecEvent::Output { session, .. }
            | ExecEvent::Exited { session, .. }
            | ExecEvent::Failed { session, .. } => *session,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionState {
    Starting,
    Running,
    Exited(Option<i64>),
    Failed(String),
}

impl SessionState {
    /// Starting or running: input and resizes go to the engine.
    pub fn is_live(&self) -> bool {
        matches!(self, SessionState::Starting | SessionState::Running)
    }
}

/// Terminal-side state of a session outside the screen: answers to the program's
/// terminal queries (cursor position, device attributes) and its window title.
#[derive(Debug, Default)]
pub struct Term {
    /// Replies waiting to be sent to the program (see [`Sessions::take_replies`]).
    pub replies: Vec<u8>,
    /// Last window title set by the program (OSC 0/2), capped.
    pub window_title: String,
}

/// Cap on queued replies: a program flooding queries cannot grow memory.
const MAX_REPLIES: usize = 4096;

impl vt100::Callbacks for Term {
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        let t = String::from_utf8_lossy(title);
        self.window_title = t.chars().filter(|c| !c.is_control()).take(200).collect();
    }

    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        i1: Option<u8>,
        _i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        if self.replies.len() > MAX_REPLIES {
            return;
        }
        if let Some(reply) = answer_query(screen, i1, params, c) {
            self.replies.extend_from_slice(&reply);
        }
    }
}

/// The reply a terminal gives to a query a program may block on (cursor
/// position, device status and attributes, text area size), or `None` for any
/// other sequence. Shared by the shell panes, the test pty and the bench.
pub fn answer_query(
    screen: &vt100::Screen,
    i1: Option<u8>,
    params: &[&[u16]],
    c: char,
) -> Option<Vec<u8>> {
    let first = params.first().and_then(|p| p.first()).copied().unwrap_or(0);
    match (i1, c, first) {
        // Cursor position report.
        (None, 'n', 6) => {
            let (row, col) = screen.cursor_position();
            Some(format!("\x1b[{};{}R", row + 1, col + 1).into_bytes())
        }
        // Device status: OK.
        (None, 'n', 5) => Some(b"\x1b[0n".to_vec()),
        // Primary device attributes: VT220 with ANSI colour, like xterm.
        (None, 'c', 0) => Some(b"\x1b[?62;22c".to_vec()),
        // Text area size in characters.
        (None, 't', 18) => {
            let (rows, cols) = screen.size();
            Some(format!("\x1b[8;{rows};{cols}t").into_bytes())
        }
        _ => None,
    }
}

pub struct Session {
    pub id: SessionId,
    pub container_id: String,
    pub container_name: String,
    /// Short label for the tab: the shell's or command's name (`sh`, `bash`, `attach`).
    pub title: String,
    /// The emulated screen, with [`SCROLLBACK_LINES`] of scrollback.
    pub parser: vt100::Parser<Term>,
    pub state: SessionState,
    pub cols: u16,
    pub rows: u16,
    /// What was asked for, to restart it.
    pub request: ExecRequest,
    /// Lines scrolled back from the bottom (0: live view).
    pub scroll: usize,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("container_name", &self.container_name)
            .field("title", &self.title)
            .field("state", &self.state)
            .field("cols", &self.cols)
            .field("rows", &self.rows)
            .field("scroll", &self.scroll)
            .finish_non_exhaustive()
    }
}

impl Session {
    fn new(request: ExecRequest) -> Session {
        let rows = request.rows.max(1);
        let cols = request.cols.max(1);
        Session {
            id: request.session,
            container_id: request.container_id.clone(),
            container_name: request.container_name.clone(),
            title: initial_title(&request.kind),
            parser: vt100::Parser::new_with_callbacks(
                rows,
                cols,
                SCROLLBACK_LINES,
                Term::default(),
            ),
            state: SessionState::Starting,
            cols,
            rows,
            request,
            scroll: 0,
        }
    }

    pub fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
    }

    /// The visible screen's text (rows joined with `\n`).
    pub fn screen_text(&self) -> String {
        self.parser.screen().contents()
    }

    /// Label for the tab after the container name: the title, or how it ended.
    pub fn label(&self) -> String {
        match &self.state {
            SessionState::Starting | SessionState::Running => self.title.clone(),
            SessionState::Exited(Some(code)) => format!("exit {code}"),
            SessionState::Exited(None) => "ended".to_string(),
            SessionState::Failed(_) => "failed".to_string(),
        }
    }

    fn set_scroll(&mut self, lines: usize) {
        self.parser.screen_mut().set_scrollback(lines);
        // vt100 clamps to the scrollback it has.
        self.scroll = self.parser.screen().scrollback();
    }
}

fn initial_title(kind: &ExecKind) -> String {
    match kind {
        ExecKind::Shell => "shell".to_string(),
        ExecKind::Command(cmd) => cmd
            .first()
            .map(|c| basename(c).to_string())
            .unwrap_or_else(|| "exec".to_string()),
        ExecKind::Attach => "attach".to_string(),
    }
}

fn basename(path: &str) -> &str {
    path.rsplit('/').find(|s| !s.is_empty()).unwrap_or(path)
}

/// All exec sessions, shown as tabs in the exec pane.
#[derive(Debug)]
pub struct Sessions {
    pub list: Vec<Session>,
    /// Index into `list` of the session shown.
    pub active: usize,
    /// Keys go to the active shell (until the leave key).
    pub typing: bool,
    /// The exec pane fills the screen.
    pub zoom: bool,
    next_id: SessionId,
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions::new()
    }
}

impl Sessions {
    pub fn new() -> Sessions {
        Sessions {
            list: Vec::new(),
            active: 0,
            typing: false,
            zoom: false,
            next_id: 1,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn active_session(&self) -> Option<&Session> {
        self.list.get(self.active)
    }

    pub fn active_session_mut(&mut self) -> Option<&mut Session> {
        self.list.get_mut(self.active)
    }

    pub fn get(&self, id: SessionId) -> Option<&Session> {
        self.list.iter().find(|s| s.id == id)
    }

    fn alloc_id(&mut self) -> SessionId {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Adds a session (size `cols`x`rows`), makes it active and starts typing into it.
    pub fn open(
        &mut self,
        container_id: &str,
        container_name: &str,
        kind: ExecKind,
        user: Option<String>,
        cols: u16,
        rows: u16,
    ) -> ExecCmd {
        let request = ExecRequest {
            session: self.alloc_id(),
            container_id: container_id.to_string(),
            container_name: container_name.to_string(),
            kind,
            user,
            cols: cols.max(1),
            rows: rows.max(1),
        };
        self.list.push(Session::new(request.clone()));
        self.active = self.list.len() - 1;
        self.typing = true;
        ExecCmd::Open(request)
    }

    /// Applies an event from the docker layer. Returns whether something visible changed:
    /// the active session's screen, or any session's state (its tab label).
    /// Events for sessions that no longer exist are ignored.
    pub fn apply(&mut self, ev: ExecEvent) -> bool {
        let id = ev.session();
        let Some(idx) = self.list.iter().position(|s| s.id == id) else {
            return false;
        };
        let active = idx == self.active;
        let s = &mut self.list[idx];
        match ev {
            ExecEvent::Started { shell, .. } => {
                if s.state == SessionState::Starting {
                    s.state = SessionState::Running;
                }
                if matches!(s.request.kind, ExecKind::Shell) && !shell.is_empty() {
                    s.title = basename(&shell).to_string();
                }
                true
            }
            ExecEvent::Output { bytes, .. } => {
                s.parser.process(&bytes);
                // Keep the scrolled-back view where vt100 left it (clamped).
                s.scroll = s.parser.screen().scrollback();
                active
            }
            ExecEvent::Exited { code, .. } => {
                if s.state.is_live() {
                    s.state = SessionState::Exited(code);
                }
                true
            }
            ExecEvent::Failed { error, .. } => {
                if s.state.is_live() {
                    s.state = SessionState::Failed(error);
                }
                true
            }
        }
    }

    /// Answers to terminal queries the programs made (cursor position, ...), as `Input`
    /// commands. Call after [`Sessions::apply`]; replies of ended sessions are dropped.
    pub fn take_replies(&mut self) -> Vec<ExecCmd> {
        let mut out = Vec::new();
        for s in &mut self.list {
            let bytes = std::mem::take(&mut s.parser.callbacks_mut().replies);
            if !bytes.is_empty() && s.state.is_live() {
                out.push(ExecCmd::Input {
                    session: s.id,
                    bytes,
                });
            }
        }
        out
    }

    /// A key typed while [`Sessions::typing`]: the bytes a terminal would send, for the
    /// active session. The caller intercepts the leave key before this.
    /// `None` when not typing, no live session, or the key sends nothing.
    pub fn key(&mut self, key: &KeyEvent) -> Option<ExecCmd> {
        if !self.typing {
            return None;
        }
        let s = self.list.get_mut(self.active)?;
        if !s.state.is_live() {
            return None;
        }
        let bytes = encode_key(key, s.parser.screen().application_cursor());
        if bytes.is_empty() {
            return None;
        }
        if s.scroll > 0 {
            s.set_scroll(0);
        }
        Some(ExecCmd::Input {
            session: s.id,
            bytes,
        })
    }

    /// Pasted text for the active session, bracketed when the program asked for it.
    pub fn paste(&mut self, text: &str) -> Option<ExecCmd> {
        if !self.typing {
            return None;
        }
        let s = self.list.get_mut(self.active)?;
        if !s.state.is_live() || text.is_empty() {
            return None;
        }
        let bytes = encode_paste(text, s.parser.screen().bracketed_paste());
        if s.scroll > 0 {
            s.set_scroll(0);
        }
        Some(ExecCmd::Input {
            session: s.id,
            bytes,
        })
    }

    /// Resizes every session's screen to `cols`x`rows`; `Resize` commands for the live
    /// sessions whose size changed.
    pub fn resize_all(&mut self, cols: u16, rows: u16) -> Vec<ExecCmd> {
        let cols = cols.max(1);
        let rows = rows.max(1);
        let mut out = Vec::new();
        for s in &mut self.list {
            if s.cols == cols && s.rows == rows {
                continue;
            }
            s.cols = cols;
            s.rows = rows;
            s.request.cols = cols;
            s.request.rows = rows;
            s.parser.screen_mut().set_size(rows, cols);
            if s.state.is_live() {
                out.push(ExecCmd::Resize {
                    session: s.id,
                    cols,
                    rows,
                });
            }
        }
        out
    }

    /// Closes the active session (its connection is dropped; an attached container keeps
    /// running). The next session to the left becomes active.
    pub fn close_active(&mut self) -> Option<ExecCmd> {
        if self.active >= self.list.len() {
            return None;
        }
        let s = self.list.remove(self.active);
        if self.active >= self.list.len() {
            self.active = self.list.len().saturating_sub(1);
        }
        if self.list.is_empty() {
            self.typing = false;
            self.zoom = false;
        }
        Some(ExecCmd::Close(s.id))
    }

    /// Starts an ended (exited or failed) active session again, in place, with a fresh
    /// screen and a new id. `None` while it is still starting or running.
    pub fn restart_active(&mut self) -> Option<ExecCmd> {
        let idx = self.active;
        if self.list.get(idx)?.state.is_live() {
            return None;
        }
        let id = self.alloc_id();
        let s = &mut self.list[idx];
        let mut request = s.request.clone();
        request.session = id;
        request.cols = s.cols;
        request.rows = s.rows;
        *s = Session::new(request.clone());
        self.typing = true;
        Some(ExecCmd::Open(request))
    }

    pub fn next(&mut self) {
        if !self.list.is_empty() {
            self.active = (self.active + 1) % self.list.len();
        }
    }

    pub fn prev(&mut self) {
        if !self.list.is_empty() {
            self.active = (self.active + self.list.len() - 1) % self.list.len();
        }
    }

    /// Makes the session at `index` (0-based) active.
    pub fn select(&mut self, index: usize) {
        if index < self.list.len() {
            self.active = index;
        }
    }

    /// Scrolls the active session back by `lines` (towards older output).
    pub fn scroll_up(&mut self, lines: usize) {
        if let Some(s) = self.list.get_mut(self.active) {
            s.set_scroll(s.scroll.saturating_add(lines));
        }
    }

    /// Scrolls the active session forward by `lines` (towards the live screen).
    pub fn scroll_down(&mut self, lines: usize) {
        if let Some(s) = self.list.get_mut(self.active) {
            s.set_scroll(s.scroll.saturating_sub(lines));
        }
    }

    /// The engine is left: every live session ends with `why`. Returns how many did.
    pub fn engine_gone(&mut self, why: &str) -> usize {
        let mut n = 0;
        for s in &mut self.list {
            if s.state.is_live() {
                s.state = SessionState::Failed(why.to_string());
                n += 1;
            }
        }
        n
    }

    /// The container `id` was removed: its live sessions fail with "container removed".
    /// Matches full ids and id prefixes (either way round).
    pub fn container_gone(&mut self, id: &str) {
        if id.is_empty() {
            return;
        }
        for s in &mut self.list {
            let same = s.container_id == id
                || s.container_id.starts_with(id)
                || id.starts_with(&s.container_id);
            if same && s.state.is_live() {
                s.state = SessionState::Failed("container removed".to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn open_id(cmd: &ExecCmd) -> SessionId {
        match cmd {
            ExecCmd::Open(r) => r.session,
            other => panic!("expected Open, got {other:?}"),
        }
    }

    #[test]
    fn open_makes_active_and_typing() {
        let mut s = Sessions::new();
        assert!(!s.typing);
        let c1 = s.open("aaa", "web", ExecKind::Shell, None, 80, 24);
        let c2 = s.open(
            "bbb",
            "redis",
            ExecKind::Shell,
            Some("1000".into()),
            100,
            30,
        );
        let (id1, id2) = (open_id(&c1), open_id(&c2));
        assert_ne!(id1, id2);
        assert_eq!(s.len(), 2);
        assert_eq!(s.active, 1);
        assert!(s.typing);
        match c2 {
            ExecCmd::Open(r) => {
                assert_eq!(r.container_id, "bbb");
                assert_eq!(r.container_name, "redis");
                assert_eq!(r.user.as_deref(), Some("1000"));
                assert_eq!((r.cols, r.rows), (100, 30));
            }
            _ => unreachable!(),
        }
        let sess = s.active_session().expect("active");
        assert_eq!(sess.screen().size(), (30, 100));
        assert_eq!(sess.state, SessionState::Starting);
    }

    #[test]
    fn next_prev_wrap_and_close() {
        let mut s = Sessions::new();
        let ids: Vec<_> = (0..3)
            .map(|i| open_id(&s.open(&format!("c{i}"), "n", ExecKind::Shell, None, 80, 24)))
            .collect();
        assert_eq!(s.active, 2);
        s.next();
        assert_eq!(s.active, 0);
        s.prev();
        assert_eq!(s.active, 2);
        s.prev();
        assert_eq!(s.active, 1);
        assert_eq!(s.close_active(), Some(ExecCmd::Close(ids[1])));
        assert_eq!(s.len(), 2);
        assert_eq!(s.active, 1);
        assert_eq!(s.active_session().map(|x| x.id), Some(ids[2]));
        assert_eq!(s.close_active(), Some(ExecCmd::Close(ids[2])));
        assert_eq!(s.active, 0);
        assert!(s.typing);
        assert_eq!(s.close_active(), Some(ExecCmd::Close(ids[0])));
        assert!(s.is_empty());
        assert!(!s.typing);
        assert_eq!(s.close_active(), None);
        s.next();
        s.prev();
        assert_eq!(s.active, 0);
    }

    #[test]
    fn apply_events_and_labels() {
        let mut s = Sessions::new();
        let a = open_id(&s.open("a", "web", ExecKind::Shell, None, 40, 5));
        let b = open_id(&s.open("b", "redis", ExecKind::Shell, None, 40, 5));
        // b is active; output for a is not a visible change, its start is (tab label).
        assert!(s.apply(ExecEvent::Started {
            session: a,
            shell: "/bin/ash".into()
        }));
        assert!(!s.apply(ExecEvent::Output {
            session: a,
            bytes: b"hello from a".to_vec()
        }));
        assert!(s.apply(ExecEvent::Output {
            session: b,
            bytes: b"hello from b".to_vec()
        }));
        assert_eq!(s.list[0].title, "ash");
        assert_eq!(s.list[0].state, SessionState::Running);
        assert!(s.list[0].screen_text().contains("hello from a"));
        assert!(!s.list[1].screen_text().contains("from a"));
        assert!(s.apply(ExecEvent::Exited {
            session: a,
            code: Some(3)
        }));
        assert_eq!(s.list[0].label(), "exit 3");
        // Terminal states stick.
        s.apply(ExecEvent::Failed {
            session: a,
            error: "late".into(),
        });
        assert_eq!(s.list[0].state, SessionState::Exited(Some(3)));
        // Unknown sessions are ignored.
        assert!(!s.apply(ExecEvent::Output {
            session: 999,
            bytes: b"x".to_vec()
        }));
        assert_eq!(s.list[1].label(), "shell");
        let _ = b;
    }

    #[test]
    fn keys_go_to_active_live_session() {
        let mut s = Sessions::new();
        let id = open_id(&s.open("a", "web", ExecKind::Shell, None, 80, 24));
        assert_eq!(
            s.key(&key(KeyCode::Char('x'))),
            Some(ExecCmd::Input {
                session: id,
                bytes: b"x".to_vec()
            })
        );
        assert_eq!(
            s.key(&key(KeyCode::Up)),
            Some(ExecCmd::Input {
                session: id,
                bytes: b"\x1b[A".to_vec()
            })
        );
        // Application cursor mode from the screen.
        s.apply(ExecEvent::Output {
            session: id,
            bytes: b"\x1b[?1h".to_vec(),
        });
        assert_eq!(
            s.key(&key(KeyCode::Up)),
            Some(ExecCmd::Input {
                session: id,
                bytes: b"\x1bOA".to_vec()
            })
        );
        // Paste: plain, then bracketed once asked for.
        assert_eq!(
            s.paste("a\nb"),
            Some(ExecCmd::Input {
                session: id,
                bytes: b"a\rb".to_vec()
            })
        );
        s.apply(ExecEvent::Output {
            session: id,
            bytes: b"\x1b[?2004h".to_vec(),
        });
        assert_eq!(
            s.paste("ls"),
            Some(ExecCmd::Input {
                session: id,
                bytes: b"\x1b[200~ls\x1b[201~".to_vec()
            })
        );
        s.typing = false;
        assert_eq!(s.key(&key(KeyCode::Char('x'))), None);
        s.typing = true;
        s.apply(ExecEvent::Exited {
            session: id,
            code: Some(0),
        });
        assert_eq!(s.key(&key(KeyCode::Char('x'))), None);
    }

    #[test]
    fn resize_all_only_changed_live_sessions() {
        let mut s = Sessions::new();
        let a = open_id(&s.open("a", "web", ExecKind::Shell, None, 80, 24));
        let b = open_id(&s.open("b", "db", ExecKind::Shell, None, 100, 30));
        let c = open_id(&s.open("c", "x", ExecKind::Shell, None, 80, 24));
        s.apply(ExecEvent::Failed {
            session: c,
            error: "boom".into(),
        });
        let cmds = s.resize_all(100, 30);
        assert_eq!(
            cmds,
            vec![ExecCmd::Resize {
                session: a,
                cols: 100,
                rows: 30
            }]
        );
        for sess in &s.list {
            assert_eq!(sess.screen().size(), (30, 100));
            assert_eq!((sess.request.cols, sess.request.rows), (100, 30));
        }
        assert!(s.resize_all(100, 30).is_empty());
        let _ = b;
    }

    #[test]
    fn scrollback_is_bounded() {
        let mut s = Sessions::new();
        let id = open_id(&s.open("a", "web", ExecKind::Shell, None, 20, 5));
        let mut out = Vec::new();
        for i in 0..(SCROLLBACK_LINES * 3) {
            out.extend_from_slice(format!("line {i}\r\n").as_bytes());
        }
        s.apply(ExecEvent::Output {
            session: id,
            bytes: out,
        });
        s.scroll_up(usize::MAX / 2);
        let sess = s.active_session().expect("session");
        assert_eq!(sess.scroll, SCROLLBACK_LINES);
        // The oldest visible line is the first one still kept.
        // 6000 lines + the empty last row; 5 rows visible; the last 2000 scrolled off kept.
        let first_kept = SCROLLBACK_LINES * 3 + 1 - 5 - SCROLLBACK_LINES;
        assert!(
            sess.screen_text()
                .starts_with(&format!("line {first_kept}\n")),
            "{}",
            sess.screen_text()
        );
        // Typing returns to the live view.
        s.key(&key(KeyCode::Char('x')));
        assert_eq!(s.active_session().map(|x| x.scroll), Some(0));
        s.scroll_up(3);
        s.scroll_down(1);
        assert_eq!(s.active_session().map(|x| x.scroll), Some(2));
    }

    #[test]
    fn container_gone_fails_its_live_sessions() {
        let mut s = Sessions::new();
        let a = open_id(&s.open("abcdef123456", "web", ExecKind::Shell, None, 80, 24));
        let b = open_id(&s.open("abcdef123456", "web", ExecKind::Attach, None, 80, 24));
        let c = open_id(&s.open("ffff", "db", ExecKind::Shell, None, 80, 24));
        s.apply(ExecEvent::Exited {
            session: b,
            code: Some(0),
        });
        s.container_gone("abcdef123456");
        assert_eq!(
            s.get(a).map(|x| x.state.clone()),
            Some(SessionState::Failed("container removed".into()))
        );
        assert_eq!(
            s.get(b).map(|x| x.state.clone()),
            Some(SessionState::Exited(Some(0)))
        );
        assert_eq!(
            s.get(c).map(|x| x.state.clone()),
            Some(SessionState::Starting)
        );
        // A late exit does not hide why it ended.
        s.apply(ExecEvent::Exited {
            session: a,
            code: None,
        });
        assert_eq!(s.get(a).map(|x| x.label()), Some("failed".to_string()));
    }

    #[test]
    fn restart_reopens_ended_session_in_place() {
        let mut s = Sessions::new();
        let a = open_id(&s.open("a", "web", ExecKind::Shell, Some("root".into()), 80, 24));
        assert_eq!(s.restart_active(), None);
        s.apply(ExecEvent::Output {
            session: a,
            bytes: b"old".to_vec(),
        });
        s.apply(ExecEvent::Exited {
            session: a,
            code: Some(1),
        });
        s.resize_all(90, 20);
        let cmd = s.restart_active().expect("restart");
        let ExecCmd::Open(req) = cmd else {
            panic!("expected Open")
        };
        assert_ne!(req.session, a);
        assert_eq!(req.kind, ExecKind::Shell);
        assert_eq!(req.user.as_deref(), Some("root"));
        assert_eq!((req.cols, req.rows), (90, 20));
        assert_eq!(s.len(), 1);
        let sess = s.active_session().expect("session");
        assert_eq!(sess.id, req.session);
        assert_eq!(sess.state, SessionState::Starting);
        assert!(!sess.screen_text().contains("old"));
        // Late events of the old id are ignored.
        assert!(!s.apply(ExecEvent::Output {
            session: a,
            bytes: b"stale".to_vec()
        }));
    }

    #[test]
    fn answers_cursor_position_queries() {
        let mut s = Sessions::new();
        let id = open_id(&s.open("a", "web", ExecKind::Shell, None, 80, 24));
        s.apply(ExecEvent::Output {
            session: id,
            bytes: b"abc\x1b[6n".to_vec(),
        });
        assert_eq!(
            s.take_replies(),
            vec![ExecCmd::Input {
                session: id,
                bytes: b"\x1b[1;4R".to_vec()
            }]
        );
        assert!(s.take_replies().is_empty());
    }
}
