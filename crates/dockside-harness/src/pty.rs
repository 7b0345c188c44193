//! Drive a real program in a pseudo-terminal, as a person at a terminal would.
//!
//! The one pty driver of the project: the integration tests (`tests/e2e.rs`, `tests/harness.rs`)
//! and `dockside-bench` both use it.
//!
//! [`PtyApp::spawn`] (panics on failure, for tests) or [`Spawn::start`] (returns the error, for
//! the bench) starts the program on the slave side of a pty of the
//! given size (`TERM=xterm-256color`). A background thread reads everything
//! the program writes, feeds it to a [`vt100::Parser`] (the emulated screen)
//! and counts the bytes. Like a real terminal emulator, it answers the few
//! queries programs block on: cursor position (`CSI 6 n`), device status
//! (`CSI 5 n`), primary device attributes (`CSI c`) and text-area size
//! (`CSI 18 t`). Window-title changes (OSC 0/2) are recorded, see
//! [`PtyApp::title`].
//!
//! Integration tests pass the binary path themselves, because
//! `env!("CARGO_BIN_EXE_dockside")` only exists in the test crate:
//!
//! ```ignore
//! let mut app = PtyApp::spawn(env!("CARGO_BIN_EXE_dockside"), &[], &[], 120, 40);
//! app.wait_for_text("CONTAINERS", Duration::from_secs(10)).unwrap_or_else(|e| panic!("{e}"));
//! app.key_down();
//! ```
//!
//! Besides the screen, it keeps what a measurement needs: the bytes written, when a
//! condition first held ([`PtyApp::wait_for_at`]), a capture of the raw output
//! ([`PtyApp::start_capture`]) and a [`ScreenHandle`] another thread can poll.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, ExitStatus, MasterPty, PtySize, native_pty_system};

/// How long a lone ESC is left alone before more input may follow, so the
/// program does not read ESC + next key as one Alt-modified key.
const ESC_SETTLE: Duration = Duration::from_millis(50);

/// Terminal-emulator side state that is not on the screen itself.
#[derive(Debug, Default)]
pub struct TermState {
    /// Last window title set with OSC 0 / OSC 2 (empty when never set).
    pub title: String,
    /// How many times the window title was set.
    pub title_sets: usize,
    /// Last icon name set with OSC 0 / OSC 1.
    pub icon_name: String,
    /// Number of audible bells (BEL).
    pub bells: usize,
    /// Replies to terminal queries, waiting to be written to the program.
    replies: Vec<u8>,
}

impl vt100::Callbacks for TermState {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }

    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, icon_name: &[u8]) {
        self.icon_name = String::from_utf8_lossy(icon_name).into_owned();
    }

    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.title = String::from_utf8_lossy(title).into_owned();
        self.title_sets += 1;
    }

    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        i1: Option<u8>,
        _i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        if let Some(reply) = dockside::app::exec::answer_query(screen, i1, params, c) {
            self.replies.extend_from_slice(&reply);
        }
    }
}

type Parser = vt100::Parser<TermState>;
type Writer = Box<dyn Write + Send>;

/// Locks a mutex, taking the data over from a thread that panicked while holding it.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Raw output kept while a capture is on (see [`PtyApp::start_capture`]).
#[derive(Debug, Default)]
struct Capture {
    on: bool,
    data: Vec<u8>,
    limit: usize,
}

/// What another thread needs to watch the screen and the byte count of a [`PtyApp`]
/// (cheap to clone).
#[derive(Clone)]
pub struct ScreenHandle {
    parser: Arc<Mutex<Parser>>,
    bytes: Arc<AtomicU64>,
}

impl ScreenHandle {
    /// Every row of the screen (trailing blanks trimmed).
    pub fn lines(&self) -> Vec<String> {
        let p = lock(&self.parser);
        let (_, cols) = p.screen().size();
        p.screen().rows(0, cols).collect()
    }

    /// Total bytes the program has written to the terminal so far.
    pub fn bytes_written(&self) -> u64 {
        self.bytes.load(Ordering::SeqCst)
    }
}

/// How to start a program in a pty: `Spawn::new(program).args(..).env(k, v).start()`.
#[derive(Debug, Clone)]
pub struct Spawn {
    program: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
    env_remove: Vec<String>,
    cols: u16,
    rows: u16,
}

impl Spawn {
    /// `program` in an 80x24 pty, no arguments, the parent's environment.
    pub fn new(program: impl Into<String>) -> Spawn {
        Spawn {
            program: program.into(),
            args: Vec::new(),
            env: Vec::new(),
            env_remove: Vec::new(),
            cols: 80,
            rows: 24,
        }
    }

    pub fn args<S: AsRef<str>>(mut self, args: &[S]) -> Spawn {
        self.args
            .extend(args.iter().map(|a| a.as_ref().to_string()));
        self
    }

    /// One more environment variable (after the parent's and `TERM`).
    pub fn env(mut self, key: &str, value: &str) -> Spawn {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// A variable of the parent's environment the program must not see.
    pub fn env_remove(mut self, key: &str) -> Spawn {
        self.env_remove.push(key.to_string());
        self
    }

    pub fn size(mut self, cols: u16, rows: u16) -> Spawn {
        self.cols = cols;
        self.rows = rows;
        self
    }

    /// Starts the program; the error says which step failed.
    pub fn start(self) -> Result<PtyApp, String> {
        PtyApp::start(self)
    }
}

/// A program running in a pseudo-terminal with an emulated screen.
/// Dropping it kills the program (and its process group).
pub struct PtyApp {
    parser: Arc<Mutex<Parser>>,
    writer: Arc<Mutex<Writer>>,
    bytes: Arc<AtomicU64>,
    eof: Arc<AtomicBool>,
    capture: Arc<Mutex<Capture>>,
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    pid: Option<u32>,
    exit: Option<ExitStatus>,
    program: String,
}

impl std::fmt::Debug for PtyApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PtyApp")
            .field("program", &self.program)
            .field("pid", &self.pid)
            .field("exit", &self.exit)
            .finish_non_exhaustive()
    }
}

impl PtyApp {
    /// Starts `program args...` in a new `cols`×`rows` pty, in the current
    /// directory, with the parent's environment plus `TERM=xterm-256color`
    /// (`COLUMNS`/`LINES` removed) and then `env` on top. Panics on failure
    /// (see [`Spawn::start`] for the fallible form).
    pub fn spawn(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> PtyApp {
        let mut spec = Spawn::new(program).args(args).size(cols, rows);
        for (k, v) in env {
            spec = spec.env(k, v);
        }
        spec.start().unwrap_or_else(|e| panic!("{e}"))
    }

    fn start(spec: Spawn) -> Result<PtyApp, String> {
        let Spawn {
            program,
            args,
            env,
            env_remove,
            cols,
            rows,
        } = spec;
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .map_err(|e| format!("openpty {cols}x{rows}: {e}"))?;

        let mut cmd = portable_pty::CommandBuilder::new(&program);
        cmd.args(&args);
        if let Ok(dir) = std::env::current_dir() {
            // portable-pty would otherwise start in $HOME.
            cmd.cwd(dir);
        }
        cmd.env_remove("COLUMNS");
        cmd.env_remove("LINES");
        for k in &env_remove {
            cmd.env_remove(k);
        }
        cmd.env("TERM", "xterm-256color");
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let child = pair
            .slave
            .spawn_command(cmd)
            .map_err(|e| format!("spawning {program} {args:?} in a pty: {e}"))?;
        let pid = child.process_id();
        // Only the child may hold the slave side, so the reader sees EOF when it exits.
        drop(pair.slave);

        let master = pair.master;
        let mut reader = master
            .try_clone_reader()
            .map_err(|e| format!("pty master reader: {e}"))?;
        let writer: Arc<Mutex<Writer>> = Arc::new(Mutex::new(
            master
                .take_writer()
                .map_err(|e| format!("pty master writer: {e}"))?,
        ));
        let parser = Arc::new(Mutex::new(vt100::Parser::new_with_callbacks(
            rows,
            cols,
            0,
            TermState::default(),
        )));
        let bytes = Arc::new(AtomicU64::new(0));
        let eof = Arc::new(AtomicBool::new(false));
        let capture = Arc::new(Mutex::new(Capture::default()));

        {
            let parser = Arc::clone(&parser);
            let writer = Arc::clone(&writer);
            let bytes = Arc::clone(&bytes);
            let eof = Arc::clone(&eof);
            let capture = Arc::clone(&capture);
            thread::Builder::new()
                .name(format!("pty-reader-{}", pid.unwrap_or(0)))
                .spawn(move || {
                    let mut buf = vec![0u8; 64 * 1024];
                    loop {
                        match reader.read(&mut buf) {
                            Ok(0) => break,
                            Ok(n) => {
                                let replies = {
                                    let mut p = lock(&parser);
                                    p.process(&buf[..n]);
                                    bytes.fetch_add(n as u64, Ordering::SeqCst);
                                    std::mem::take(&mut p.callbacks_mut().replies)
                                };
                                {
                                    let mut c = lock(&capture);
                                    if c.on && c.data.len() < c.limit {
                                        let take = n.min(c.limit - c.data.len());
                                        c.data.extend_from_slice(&buf[..take]);
                                    }
                                }
                                if !replies.is_empty() {
                                    let mut w = lock(&writer);
                                    let _ = w.write_all(&replies);
                                    let _ = w.flush();
                                }
                            }
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                            // EIO once the slave side is closed.
                            Err(_) => break,
                        }
                    }
                    eof.store(true, Ordering::SeqCst);
                })
                .map_err(|e| format!("spawning the pty reader thread: {e}"))?;
        }

        Ok(PtyApp {
            parser,
            writer,
            bytes,
            eof,
            capture,
            master,
            child,
            pid,
            exit: None,
            program,
        })
    }

    // ----- input -------------------------------------------------------

    /// Writes raw bytes to the program's terminal input; panics when the pty is gone
    /// (see [`PtyApp::try_send`]).
    pub fn send(&mut self, bytes: &[u8]) {
        self.try_send(bytes).unwrap_or_else(|e| panic!("{e}"));
    }

    /// Writes raw bytes to the program's terminal input.
    pub fn try_send(&self, bytes: &[u8]) -> Result<(), String> {
        let mut w = lock(&self.writer);
        w.write_all(bytes)
            .and_then(|()| w.flush())
            .map_err(|e| format!("writing {bytes:?} to the pty: {e}"))
    }

    /// Types a string.
    pub fn send_str(&mut self, s: &str) {
        self.send(s.as_bytes());
    }

    /// Enter (CR, as terminals send it).
    pub fn key_enter(&mut self) {
        self.send(b"\r");
    }

    /// A lone Escape, followed by a short pause so that it is not merged with
    /// the next key into an Alt-sequence.
    pub fn key_esc(&mut self) {
        self.send(b"\x1b");
        thread::sleep(ESC_SETTLE);
    }

    pub fn key_tab(&mut self) {
        self.send(b"\t");
    }

    pub fn key_backtab(&mut self) {
        self.send(b"\x1b[Z");
    }

    pub fn key_backspace(&mut self) {
        self.send(b"\x7f");
    }

    /// Ctrl+`c` (a letter or one of `@[\]^_`), e.g. `key_ctrl('c')`.
    pub fn key_ctrl(&mut self, c: char) {
        let b = (c.to_ascii_uppercase() as u8) & 0x1f;
        self.send(&[b]);
    }

    pub fn key_up(&mut self) {
        self.cursor_key(b'A');
    }

    pub fn key_down(&mut self) {
        self.cursor_key(b'B');
    }

    pub fn key_right(&mut self) {
        self.cursor_key(b'C');
    }

    pub fn key_left(&mut self) {
        self.cursor_key(b'D');
    }

    pub fn key_home(&mut self) {
        self.cursor_key(b'H');
    }

    pub fn key_end(&mut self) {
        self.cursor_key(b'F');
    }

    pub fn key_page_up(&mut self) {
        self.send(b"\x1b[5~");
    }

    pub fn key_page_down(&mut self) {
        self.send(b"\x1b[6~");
    }

    pub fn key_delete(&mut self) {
        self.send(b"\x1b[3~");
    }

    /// Function key F1..F12 as xterm sends it.
    pub fn key_f(&mut self, n: u8) {
        let seq: &[u8] = match n {
            1 => b"\x1bOP",
            2 => b"\x1bOQ",
            3 => b"\x1bOR",
            4 => b"\x1bOS",
            5 => b"\x1b[15~",
            6 => b"\x1b[17~",
            7 => b"\x1b[18~",
            8 => b"\x1b[19~",
            9 => b"\x1b[20~",
            10 => b"\x1b[21~",
            11 => b"\x1b[23~",
            12 => b"\x1b[24~",
            _ => panic!("no function key F{n}"),
        };
        self.send(seq);
    }

    /// Arrow/Home/End: `ESC [ x` normally, `ESC O x` when the program enabled
    /// application cursor keys (DECCKM) — as xterm does.
    fn cursor_key(&mut self, final_byte: u8) {
        let app_mode = lock(&self.parser).screen().application_cursor();
        let seq = [0x1b, if app_mode { b'O' } else { b'[' }, final_byte];
        self.send(&seq);
    }

    // ----- screen ------------------------------------------------------

    /// The whole screen: every row (trailing blanks trimmed) joined with '\n';
    /// always `rows` lines.
    pub fn screen_text(&self) -> String {
        let p = lock(&self.parser);
        let (_, cols) = p.screen().size();
        p.screen().rows(0, cols).collect::<Vec<_>>().join("\n")
    }

    /// Every row of the screen (trailing blanks trimmed).
    pub fn screen_lines(&self) -> Vec<String> {
        self.screen_handle().lines()
    }

    /// The screen and byte count, for another thread to watch.
    pub fn screen_handle(&self) -> ScreenHandle {
        ScreenHandle {
            parser: Arc::clone(&self.parser),
            bytes: Arc::clone(&self.bytes),
        }
    }

    /// Row `n` (0-based) of the screen; empty when out of range.
    pub fn row(&self, n: u16) -> String {
        let p = lock(&self.parser);
        let (_, cols) = p.screen().size();
        p.screen()
            .rows(0, cols)
            .nth(usize::from(n))
            .unwrap_or_default()
    }

    /// Runs `f` on the emulated screen (colours, cells, modes, ...).
    pub fn with_screen<R>(&self, f: impl FnOnce(&vt100::Screen) -> R) -> R {
        f(lock(&self.parser).screen())
    }

    /// The screen with row numbers, for failure messages.
    pub fn screen_dump(&self) -> String {
        let text = self.screen_text();
        let (cols, rows) = self.size();
        let mut out = format!("--- screen {cols}x{rows} ---\n");
        for (i, line) in text.split('\n').enumerate() {
            out.push_str(&format!("{i:3}|{line}\n"));
        }
        out.push_str("---");
        out
    }

    /// Waits until the screen contains `needle`; `Ok(screen text)` or
    /// `Err(message with the whole screen)`.
    pub fn wait_for_text(&self, needle: &str, timeout: Duration) -> Result<String, String> {
        self.wait_for(|s| s.contains(needle), timeout, &format!("text {needle:?}"))
    }

    /// Waits until the screen text no longer contains `needle`.
    pub fn wait_for_no_text(&self, needle: &str, timeout: Duration) -> Result<String, String> {
        self.wait_for(
            |s| !s.contains(needle),
            timeout,
            &format!("no text {needle:?}"),
        )
    }

    /// Waits until `pred(screen text)` holds. `what` describes the condition
    /// in the error, which also carries the whole screen. Gives up early once
    /// the program closed the terminal and the final screen does not match.
    pub fn wait_for(
        &self,
        pred: impl Fn(&str) -> bool,
        timeout: Duration,
        what: &str,
    ) -> Result<String, String> {
        self.poll(pred, timeout, Duration::from_millis(10), what)
            .map(|(_, text)| text)
    }

    /// Like [`PtyApp::wait_for`], polling the screen every `every`, and returns when the
    /// condition was first seen to hold (for measurements).
    pub fn wait_for_at(
        &self,
        pred: impl Fn(&str) -> bool,
        timeout: Duration,
        every: Duration,
        what: &str,
    ) -> Result<Instant, String> {
        self.poll(pred, timeout, every, what).map(|(at, _)| at)
    }

    fn poll(
        &self,
        pred: impl Fn(&str) -> bool,
        timeout: Duration,
        every: Duration,
        what: &str,
    ) -> Result<(Instant, String), String> {
        let start = Instant::now();
        loop {
            // Read EOF before the screen: if EOF was seen, this screen is final.
            let closed = self.eof.load(Ordering::SeqCst);
            let text = self.screen_text();
            if pred(&text) {
                return Ok((Instant::now(), text));
            }
            if closed || start.elapsed() >= timeout {
                let why = if closed {
                    format!(
                        "the program closed the terminal after {:?}",
                        start.elapsed()
                    )
                } else {
                    format!("timed out after {timeout:?}")
                };
                return Err(format!(
                    "waiting for {what}: {why} ({} bytes written by {})\n{}",
                    self.bytes_written(),
                    self.program,
                    self.screen_dump()
                ));
            }
            thread::sleep(every);
        }
    }

    /// Waits until nothing new was written for `quiet` (at most `timeout`);
    /// returns whether the output settled.
    pub fn wait_quiet(&self, quiet: Duration, timeout: Duration) -> bool {
        let start = Instant::now();
        let mut last = self.bytes_written();
        let mut since = Instant::now();
        while start.elapsed() < timeout {
            thread::sleep(Duration::from_millis(10));
            let now = self.bytes_written();
            if now != last {
                last = now;
                since = Instant::now();
            } else if since.elapsed() >= quiet {
                return true;
            }
        }
        false
    }

    /// Total bytes the program has written to the terminal so far.
    pub fn bytes_written(&self) -> u64 {
        self.bytes.load(Ordering::SeqCst)
    }

    /// Whether the program's side of the terminal was closed (it and all its
    /// children exited) and all its output has been parsed.
    pub fn output_closed(&self) -> bool {
        self.eof.load(Ordering::SeqCst)
    }

    /// Starts keeping the raw output (at most `limit` bytes), dropping an earlier capture.
    pub fn start_capture(&self, limit: usize) {
        let mut c = lock(&self.capture);
        c.on = true;
        c.data.clear();
        c.limit = limit;
    }

    /// Stops the capture and returns what it kept.
    pub fn stop_capture(&self) -> Vec<u8> {
        let mut c = lock(&self.capture);
        c.on = false;
        std::mem::take(&mut c.data)
    }

    /// Last window title set by the program (OSC 0/2); empty when never set.
    pub fn title(&self) -> String {
        lock(&self.parser).callbacks().title.clone()
    }

    /// How many times the program set the window title.
    pub fn title_set_count(&self) -> usize {
        lock(&self.parser).callbacks().title_sets
    }

    /// Number of bells (BEL) the program rang.
    pub fn bell_count(&self) -> usize {
        lock(&self.parser).callbacks().bells
    }

    /// Whether the alternate screen is active (`CSI ? 1049 h`).
    pub fn alternate_screen(&self) -> bool {
        lock(&self.parser).screen().alternate_screen()
    }

    /// Whether the program asked for mouse reports (`CSI ? 1000 h` and friends).
    pub fn mouse_reporting(&self) -> bool {
        lock(&self.parser).screen().mouse_protocol_mode() != vt100::MouseProtocolMode::None
    }

    /// Whether the cursor is hidden (`CSI ? 25 l`).
    pub fn hide_cursor(&self) -> bool {
        lock(&self.parser).screen().hide_cursor()
    }

    /// Whether any mouse reporting mode is enabled.
    pub fn mouse_capture(&self) -> bool {
        lock(&self.parser).screen().mouse_protocol_mode() != vt100::MouseProtocolMode::None
    }

    /// Whether bracketed paste is enabled.
    pub fn bracketed_paste(&self) -> bool {
        lock(&self.parser).screen().bracketed_paste()
    }

    /// Whether application cursor keys (DECCKM) are enabled.
    pub fn application_cursor(&self) -> bool {
        lock(&self.parser).screen().application_cursor()
    }

    /// Cursor position `(row, col)`, 0-based.
    pub fn cursor_position(&self) -> (u16, u16) {
        lock(&self.parser).screen().cursor_position()
    }

    /// Current size `(cols, rows)`.
    pub fn size(&self) -> (u16, u16) {
        let (rows, cols) = lock(&self.parser).screen().size();
        (cols, rows)
    }

    // ----- process -----------------------------------------------------

    /// Resizes the terminal (the program gets SIGWINCH) and the emulated screen.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        // Hold the parser while resizing so output drawn for the new size is
        // never parsed at the old one.
        let mut p = lock(&self.parser);
        p.screen_mut().set_size(rows, cols);
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap_or_else(|e| panic!("resizing the pty to {cols}x{rows}: {e}"));
    }

    /// The program's process id.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// Whether the program is still running.
    pub fn is_alive(&mut self) -> bool {
        self.poll_exit().is_none()
    }

    fn poll_exit(&mut self) -> Option<&ExitStatus> {
        if self.exit.is_none()
            && let Ok(Some(status)) = self.child.try_wait()
        {
            self.exit = Some(status);
        }
        self.exit.as_ref()
    }

    /// Waits for the program to exit and returns its exit code (1 when killed
    /// by a signal), or `None` on timeout. After the exit it also waits
    /// (briefly) until all output was read, so the screen is final.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.poll_exit().is_some() {
                break;
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        }
        self.drain(Duration::from_secs(2));
        self.exit.as_ref().map(|s| s.exit_code() as i32)
    }

    /// The exit status once known (see [`PtyApp::wait_exit`]).
    pub fn exit_status(&self) -> Option<&ExitStatus> {
        self.exit.as_ref()
    }

    /// Sends a signal (`"TERM"`, `"INT"`, `"HUP"`, `"WINCH"`, ...) to the
    /// program; returns whether it was delivered.
    pub fn signal(&self, sig: &str) -> bool {
        match self.pid {
            Some(pid) => send_signal(sig, &pid.to_string()),
            None => false,
        }
    }

    /// Kills the program and its process group: SIGHUP (as when a terminal
    /// window closes), then SIGKILL after a grace period; reaps it.
    pub fn kill(&mut self) {
        if self.poll_exit().is_none() {
            if let Some(pid) = self.pid {
                send_signal("HUP", &format!("-{pid}"));
            }
            let deadline = Instant::now() + Duration::from_millis(500);
            while self.poll_exit().is_none() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(10));
            }
            if self.poll_exit().is_none() {
                let _ = self.child.kill();
                if let Ok(status) = self.child.wait() {
                    self.exit = Some(status);
                }
            }
        }
        // Leftover members of its process group (children that ignored SIGHUP).
        if let Some(pid) = self.pid
            && !self.eof.load(Ordering::SeqCst)
        {
            send_signal("KILL", &format!("-{pid}"));
        }
        self.drain(Duration::from_millis(500));
    }

    /// Waits up to `timeout` for the reader to reach the end of the output.
    fn drain(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.eof.load(Ordering::SeqCst) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
    }
}

/// `kill -s SIG -- target` (target: a pid, or `-pgid` for a process group).
fn send_signal(sig: &str, target: &str) -> bool {
    Command::new("kill")
        .args(["-s", sig, "--", target])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Drop for PtyApp {
    fn drop(&mut self) {
        self.kill();
    }
}
