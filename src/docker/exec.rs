//! Exec sessions against the engine: interactive shells and commands with a TTY
//! (`create_exec` + `start_exec`), attaching to a container's own TTY (`attach_container`),
//! and a one-off non-interactive [`run_once`].
//!
//! [`ExecManager::handle`] carries out [`ExecCmd`]s; each session is one task that reports
//! [`ExecEvent`]s on the app's channel (wrapped into the app's message type by `wrap`).
//! The engine does not end an exec when its connection closes, so every exec'd process
//! carries a token in its environment (`DOCKSIDE_EXEC=<token>`); however its session ends
//! without the process having exited (closed, dropped, connection lost, dockside quitting),
//! a short exec in the container hangs up the processes bearing the token and kills the one
//! dockside started if it outlives the hang-up ([`Reaper`], [`reap_all`] on the way out).
//! An attached container keeps running (we never stop or kill it).

use std::collections::HashMap;
use std::pin::Pin;
use std::time::Duration;

use bollard::Docker;
use bollard::container::LogOutput;
use bollard::errors::Error as BollardError;
use bollard::exec::{CreateExecOptions, StartExecOptions, StartExecResults};
use bollard::query_parameters::{
    AttachContainerOptionsBuilder, DownloadFromContainerOptionsBuilder,
    ResizeContainerTTYOptionsBuilder, ResizeExecOptionsBuilder,
};
use futures::{FutureExt, Stream, StreamExt};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::client::friendly_error;
use super::task::AbortOnDrop;
use crate::app::exec::{ExecCmd, ExecEvent, ExecKind, ExecRequest, SessionId};

/// At most this many bytes of output per `Output` event.
pub const MAX_EVENT_BYTES: usize = 64 * 1024;
/// [`run_once`] keeps at most this much output (the rest is read and dropped).
pub const RUN_ONCE_MAX_BYTES: usize = 1024 * 1024;
/// Shells tried after the user's login shell.
const FALLBACK_SHELLS: [&str; 2] = ["bash", "sh"];
/// The terminal type exec'd programs see.
const TERM_ENV: &str = "TERM=xterm-256color";

type OutputStream = Pin<Box<dyn Stream<Item = Result<LogOutput, BollardError>> + Send>>;
type InputSink = Pin<Box<dyn AsyncWrite + Send>>;

/// What a session's writer does, in the order asked: input typed after a resize reaches
/// the program after the resize took effect.
enum Op {
    Input(Vec<u8>),
    Resize(u16, u16),
}

struct Handle {
    ops: mpsc::UnboundedSender<Op>,
    task: JoinHandle<()>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The running exec sessions. Dropping it closes them all.
#[derive(Default)]
pub struct ExecManager {
    sessions: HashMap<SessionId, Handle>,
}

impl std::fmt::Debug for ExecManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecManager")
            .field("sessions", &self.sessions.len())
            .finish()
    }
}

impl ExecManager {
    pub fn new() -> ExecManager {
        ExecManager::default()
    }

    /// Sessions whose task is still running.
    pub fn live(&self) -> usize {
        self.sessions
            .values()
            .filter(|h| !h.task.is_finished())
            .count()
    }

    /// Carries out one command. Must be called inside a tokio runtime (it spawns the session
    /// tasks). Events go to `tx` as `wrap(event)`; a full channel slows the session's reader
    /// down (backpressure), it never buffers without bound.
    pub fn handle<M: Send + 'static>(
        &mut self,
        docker: &Docker,
        tx: &mpsc::Sender<M>,
        cmd: ExecCmd,
        wrap: fn(ExecEvent) -> M,
    ) {
        self.sessions.retain(|_, h| !h.task.is_finished());
        match cmd {
            ExecCmd::Open(req) => {
                let id = req.session;
                let (ops, ops_rx) = mpsc::unbounded_channel();
                let task = tokio::spawn(run_session(docker.clone(), tx.clone(), wrap, req, ops_rx));
                // Replacing a session of the same id aborts the old one.
                self.sessions.insert(id, Handle { ops, task });
            }
            ExecCmd::Input { session, bytes } => {
                if let Some(h) = self.sessions.get(&session) {
                    let _ = h.ops.send(Op::Input(bytes));
                }
            }
            ExecCmd::Resize {
                session,
                cols,
                rows,
            } => {
                if let Some(h) = self.sessions.get(&session) {
                    let _ = h.ops.send(Op::Resize(cols.max(1), rows.max(1)));
                }
            }
            ExecCmd::Close(session) => {
                self.sessions.remove(&session);
            }
        }
    }

    /// Closes every session.
    pub fn close_all(&mut self) {
        self.sessions.clear();
    }
}

/// What a session is connected to, for resizes and the exit code.
#[derive(Clone)]
enum Target {
    Exec(String),
    Container(String),
}

/// Exec'd processes that may still run, by token: what [`reap_all`] ends on the way out.
fn live_execs() -> &'static std::sync::Mutex<HashMap<String, Reap>> {
    static LIVE: std::sync::OnceLock<std::sync::Mutex<HashMap<String, Reap>>> =
        std::sync::OnceLock::new();
    LIVE.get_or_init(Default::default)
}

fn live_insert(token: &str, reap: Reap) {
    if let Ok(mut m) = live_execs().lock() {
        m.insert(token.to_string(), reap);
    }
}

fn live_remove(token: &str) {
    if let Ok(mut m) = live_execs().lock() {
        m.remove(token);
    }
}

/// How to end one exec'd process tree: its engine, its container, its token.
#[derive(Clone)]
struct Reap {
    docker: Docker,
    container: String,
    token: String,
}

/// Environment variable marking the processes of one exec session.
pub const TOKEN_ENV: &str = "DOCKSIDE_EXEC";

/// Run in the container (sh) with the token as `$1`: SIGHUP to every process bearing the
/// token (the shell and what it started, as a closed terminal would), then, after a short
/// grace, SIGKILL to the exec'd process itself (parent pid 0: its parent is outside the
/// container) if it ignored the hang-up. Background jobs that ignore SIGHUP (`nohup`) live
/// on, as they do when a terminal closes.
const REAP_SCRIPT: &str = r#"t="DOCKSIDE_EXEC=$1"
mine() { for d in /proc/[0-9]*; do p=${d#/proc/}; [ "$p" = "$$" ] && continue; grep -q "$t" "$d/environ" 2>/dev/null && echo "$p"; done; }
top() { for p in $(mine); do s=$(cat /proc/$p/stat 2>/dev/null) || continue; s=${s##*) }; s=${s#* }; [ "${s%% *}" = 0 ] && echo "$p"; done; }
ps=$(mine); [ -z "$ps" ] && exit 0
kill -HUP $ps 2>/dev/null
for i in 1 2 3 4 5 6 7 8 9 10; do [ -z "$(top)" ] && exit 0; sleep 0.05 2>/dev/null || sleep 1; done
kill -KILL $(top) 2>/dev/null
exit 0"#;

/// Ends the processes of one exec session (see [`REAP_SCRIPT`]). `Ok` also when there was
/// nothing to end (the container stopped or is gone); `Err` when the engine did not answer.
async fn reap_once(r: &Reap) -> Result<(), String> {
    let cmd = vec![
        "sh".to_string(),
        "-c".to_string(),
        REAP_SCRIPT.to_string(),
        "dockside-reap".to_string(),
        r.token.clone(),
    ];
    match run_capture(&r.docker, &r.container, cmd, Some("0"), 4096).await {
        Ok(_) => Ok(()),
        Err(e)
            if e == "container is not running"
                || e == "no such container"
                || e.contains("No such container")
                || e.contains("is paused") =>
        {
            // Nothing left to end (a paused container's processes are frozen: unpausing
            // it is the user's business; we tried).
            Ok(())
        }
        Err(e) if e.contains("executable file not found") || e.contains("no such file") => {
            // No `sh` in the image: nothing we can run there.
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Ends one session's processes, retrying (with backoff, for up to a few minutes) while the
/// engine cannot be reached; forgets the session once done.
async fn reap(r: Reap) {
    let mut delay = Duration::from_millis(200);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(300);
    loop {
        if reap_once(&r).await.is_ok() || tokio::time::Instant::now() >= deadline {
            live_remove(&r.token);
            return;
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

/// Ends every exec'd process still known to run, at once, waiting at most `limit`: for the
/// way out of dockside (quit, signal, error), after the UI is gone.
pub async fn reap_all(limit: Duration) {
    let all: Vec<Reap> = match live_execs().lock() {
        Ok(mut m) => m.drain().map(|(_, r)| r).collect(),
        Err(_) => return,
    };
    if all.is_empty() {
        return;
    }
    let _ = tokio::time::timeout(
        limit,
        futures::future::join_all(all.iter().map(|r| async move {
            // Once, then again shortly if the engine stumbled.
            if reap_once(r).await.is_err() {
                tokio::time::sleep(Duration::from_millis(100)).await;
                let _ = reap_once(r).await;
            }
        })),
    )
    .await;
}

/// Owned by a session's task: when the task ends or is aborted without the process having
/// been seen to exit, the process is ended by a separate task.
struct Reaper {
    reap: Option<Reap>,
}

impl Reaper {
    fn new(reap: Reap) -> Reaper {
        live_insert(&reap.token, reap.clone());
        Reaper { reap: Some(reap) }
    }

    /// The process exited by itself: nothing to end.
    fn exited(&mut self) {
        if let Some(r) = self.reap.take() {
            live_remove(&r.token);
        }
    }
}

impl Drop for Reaper {
    fn drop(&mut self) {
        let Some(r) = self.reap.take() else { return };
        // Without a runtime (dropped at exit) `reap_all` ends it.
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(reap(r));
        }
    }
}

/// A token no other session of any dockside shares.
fn new_token() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{}-{}-{:x}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

struct Conn {
    shell: String,
    /// An attached container without a TTY: its output made fit for the pane.
    no_tty: Option<crate::app::notty::NoTty>,
    target: Target,
    /// Ends the exec'd process when the session ends before it exited (`None`: attach).
    reaper: Option<Reaper>,
    output: OutputStream,
    input: InputSink,
}

async fn emit<M>(tx: &mpsc::Sender<M>, wrap: fn(ExecEvent) -> M, ev: ExecEvent) -> bool {
    tx.send(wrap(ev)).await.is_ok()
}

async fn run_session<M: Send + 'static>(
    docker: Docker,
    tx: mpsc::Sender<M>,
    wrap: fn(ExecEvent) -> M,
    req: ExecRequest,
    ops: mpsc::UnboundedReceiver<Op>,
) {
    let session = req.session;
    let conn = match connect(&docker, &req).await {
        Ok(c) => c,
        Err(error) => {
            let _ = emit(&tx, wrap, ExecEvent::Failed { session, error }).await;
            return;
        }
    };
    let Conn {
        shell,
        mut no_tty,
        target,
        mut reaper,
        mut output,
        input,
    } = conn;

    // The writer sizes the TTY before any input runs, so the first command sees the right
    // size; the output is read meanwhile: a resize of an exec that failed to start (an
    // unknown user) never returns on some engines, and its refusal is in the output.
    let size = (req.cols, req.rows);
    let writer = tokio::spawn(write_ops(docker.clone(), target.clone(), input, ops, size));
    let _writer = AbortOnDrop(writer.abort_handle());

    if !emit(&tx, wrap, ExecEvent::Started { session, shell }).await {
        return;
    }

    let mut stream_error: Option<String> = None;
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let mut ended = false;
        match output.next().await {
            Some(Ok(chunk)) => buf.extend_from_slice(&chunk.into_bytes()),
            Some(Err(e)) => {
                stream_error = Some(engine_error(&e));
                ended = true;
            }
            None => ended = true,
        }
        // Coalesce whatever else is ready.
        while !ended && buf.len() < MAX_EVENT_BYTES {
            match output.next().now_or_never() {
                Some(Some(Ok(chunk))) => buf.extend_from_slice(&chunk.into_bytes()),
                Some(Some(Err(e))) => {
                    stream_error = Some(engine_error(&e));
                    ended = true;
                }
                Some(None) => ended = true,
                None => break,
            }
        }
        if let Some(f) = no_tty.as_mut() {
            buf = f.filter(&buf);
        }
        if !flush_output(&tx, wrap, session, &mut buf).await {
            return;
        }
        if ended {
            break;
        }
    }

    let ev = match stream_error {
        Some(error) => ExecEvent::Failed {
            session,
            error: format!("connection lost: {error}"),
        },
        None => {
            let code = exit_code(&docker, &target).await;
            if code.is_some()
                && let Some(r) = reaper.as_mut()
            {
                r.exited();
            }
            ExecEvent::Exited { session, code }
        }
    };
    // A lost connection (or an unknown exit): `reaper` ends the process when dropped.
    let _ = emit(&tx, wrap, ev).await;
}

/// Writes input and applies resizes, in order. Consecutive resizes collapse into the last.
async fn write_ops(
    docker: Docker,
    target: Target,
    mut input: InputSink,
    mut ops: mpsc::UnboundedReceiver<Op>,
    size: (u16, u16),
) {
    initial_resize(&docker, &target, size).await;
    let mut broken = false;
    let mut next = ops.recv().await;
    while let Some(op) = next.take() {
        match op {
            Op::Input(bytes) => {
                if !broken {
                    broken = input.write_all(&bytes).await.is_err() || input.flush().await.is_err();
                }
            }
            Op::Resize(mut cols, mut rows) => {
                // Only the last of several queued resizes matters.
                loop {
                    match ops.try_recv() {
                        Ok(Op::Resize(c, r)) => (cols, rows) = (c, r),
                        Ok(other) => {
                            next = Some(other);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                let _ = resize(&docker, &target, (cols, rows)).await;
                if next.is_some() {
                    continue;
                }
            }
        }
        next = ops.recv().await;
    }
    // The manager dropped the session: keep the sink until the task is aborted (dropping
    // it for an attached container is still only a detach).
    std::future::pending::<()>().await;
}

/// Sends `buf` as `Output` events of at most [`MAX_EVENT_BYTES`]; false when the app is gone.
async fn flush_output<M>(
    tx: &mpsc::Sender<M>,
    wrap: fn(ExecEvent) -> M,
    session: SessionId,
    buf: &mut Vec<u8>,
) -> bool {
    while !buf.is_empty() {
        let n = buf.len().min(MAX_EVENT_BYTES);
        let rest = buf.split_off(n);
        let bytes = std::mem::replace(buf, rest);
        if !emit(tx, wrap, ExecEvent::Output { session, bytes }).await {
            return false;
        }
    }
    true
}

async fn connect(docker: &Docker, req: &ExecRequest) -> Result<Conn, String> {
    let id = req.container_id.as_str();
    let info = docker
        .inspect_container(id, None)
        .await
        .map_err(|e| engine_error(&e))?;
    let state = info.state.clone().unwrap_or_default();
    if state.paused == Some(true) {
        return Err("container is paused".into());
    }
    if state.running != Some(true) || state.restarting == Some(true) {
        return Err("container is not running".into());
    }
    let config = info.config.clone().unwrap_or_default();

    let (cmd, shell) = match &req.kind {
        ExecKind::Attach => {
            let stdin = config.open_stdin == Some(true) && config.stdin_once != Some(true);
            let opts = AttachContainerOptionsBuilder::default()
                .stream(true)
                .logs(false)
                .stdin(stdin)
                .stdout(true)
                .stderr(true)
                .build();
            let att = docker
                .attach_container(id, Some(opts))
                .await
                .map_err(|e| engine_error(&e))?;
            let tty = config.tty == Some(true);
            return Ok(Conn {
                shell: if tty { "attach" } else { "attach (no TTY)" }.into(),
                no_tty: (!tty).then(Default::default),
                target: Target::Container(id.to_string()),
                reaper: None,
                output: att.output,
                input: att.input,
            });
        }
        ExecKind::Command(cmd) => {
            if cmd.is_empty() {
                return Err("no command to run".into());
            }
            (cmd.clone(), cmd.join(" "))
        }
        ExecKind::Shell => {
            let user = req
                .user
                .clone()
                .or(config.user.clone())
                .filter(|u| !u.is_empty());
            let shell = find_shell(docker, id, req.user.as_deref(), user.as_deref()).await?;
            (vec![shell.clone()], shell)
        }
    };

    let token = new_token();
    let opts = CreateExecOptions::<String> {
        attach_stdin: Some(true),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        tty: Some(true),
        env: Some(vec![TERM_ENV.to_string(), format!("{TOKEN_ENV}={token}")]),
        cmd: Some(cmd),
        user: req.user.clone().filter(|u| !u.is_empty()),
        ..Default::default()
    };
    let created = docker
        .create_exec(id, opts)
        .await
        .map_err(|e| engine_error(&e))?;
    // From here on, however this ends, the process is ended with it.
    let reaper = Reaper::new(Reap {
        docker: docker.clone(),
        container: id.to_string(),
        token,
    });
    let start = StartExecOptions {
        detach: false,
        tty: true,
        output_capacity: Some(MAX_EVENT_BYTES),
    };
    match docker
        .start_exec(&created.id, Some(start))
        .await
        .map_err(|e| engine_error(&e))?
    {
        StartExecResults::Attached { output, input } => Ok(Conn {
            shell,
            no_tty: None,
            target: Target::Exec(created.id),
            reaper: Some(reaper),
            output,
            input,
        }),
        StartExecResults::Detached => Err("the engine started the command detached".into()),
    }
}

async fn resize(docker: &Docker, target: &Target, (cols, rows): (u16, u16)) -> Result<(), String> {
    let (w, h) = (i32::from(cols.max(1)), i32::from(rows.max(1)));
    let r = match target {
        Target::Exec(exec_id) => {
            let opts = ResizeExecOptionsBuilder::default().w(w).h(h).build();
            docker.resize_exec(exec_id, opts).await
        }
        Target::Container(id) => {
            let opts = ResizeContainerTTYOptionsBuilder::default()
                .w(w)
                .h(h)
                .build();
            docker.resize_container_tty(id, opts).await
        }
    };
    r.map_err(|e| engine_error(&e))
}

/// The first resize: an exec's process may not exist yet right after the start, so retry
/// briefly (as the docker CLI does). A container without a TTY refuses: ignored.
async fn initial_resize(docker: &Docker, target: &Target, size: (u16, u16)) {
    let tries = match target {
        Target::Exec(_) => 20,
        Target::Container(_) => 1,
    };
    for i in 0..tries {
        if resize(docker, target, size).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10 + 10 * i)).await;
    }
}

/// The exit code once the process is gone; `None` when unknown (or, for an attach, when
/// the container still runs: the connection ended, not the container).
async fn exit_code(docker: &Docker, target: &Target) -> Option<i64> {
    for _ in 0..20 {
        match target {
            Target::Exec(exec_id) => {
                let info = docker.inspect_exec(exec_id).await.ok()?;
                if info.running != Some(true) {
                    return info.exit_code;
                }
            }
            Target::Container(id) => {
                let info = docker.inspect_container(id, None).await.ok()?;
                let state = info.state.unwrap_or_default();
                if state.running != Some(true) {
                    return state.exit_code;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    None
}

/// Engine errors, worded for the exec pane.
fn engine_error(e: &BollardError) -> String {
    match e {
        BollardError::DockerResponseServerError {
            status_code,
            message,
        } => {
            let lower = message.to_lowercase();
            if lower.contains("is not running") {
                "container is not running".into()
            } else if lower.contains("is paused") {
                "container is paused".into()
            } else if *status_code == 404 && lower.contains("no such container") {
                "no such container".into()
            } else {
                message.trim().to_string()
            }
        }
        other => friendly_error(&other.to_string()),
    }
}

// ----- shell selection ----------------------------------------------------------------

/// The shell to run: the login shell of `user` (default root) from the container's
/// /etc/passwd, else `bash`, else `sh` — the first that actually runs.
/// `exec_user` is what the exec runs as (`None`: the container's user).
async fn find_shell(
    docker: &Docker,
    container_id: &str,
    exec_user: Option<&str>,
    user: Option<&str>,
) -> Result<String, String> {
    let mut candidates: Vec<String> = Vec::new();
    if let Some(passwd) = read_passwd(docker, container_id, exec_user).await
        && let Some(shell) = login_shell(&passwd, user)
    {
        candidates.push(shell);
    }
    for s in FALLBACK_SHELLS {
        if !candidates.iter().any(|c| c == s) {
            candidates.push(s.to_string());
        }
    }
    for shell in &candidates {
        let cmd = vec![shell.clone(), "-c".into(), "exit 0".into()];
        let (out, code) = run_capture(docker, container_id, cmd, exec_user, 4096).await?;
        if code == 0 {
            return Ok(shell.clone());
        }
        let lower = out.to_lowercase();
        if lower.contains("unable to find user") || lower.contains("no users found") {
            return Err(first_line(&out));
        }
    }
    Err(format!(
        "no shell found in the image (tried {})",
        candidates.join(", ")
    ))
}

fn first_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("exec failed")
        .chars()
        .take(300)
        .collect()
}

/// The login shell of `user` (`name`, `uid`, `name:group`, `uid:gid`; `None`: root, uid 0)
/// in a passwd file. `None` when not found or a no-login shell.
pub fn login_shell(passwd: &str, user: Option<&str>) -> Option<String> {
    let user = user
        .map(|u| u.split(':').next().unwrap_or(u).trim())
        .filter(|u| !u.is_empty())
        .unwrap_or("0");
    let by_uid = user.bytes().all(|b| b.is_ascii_digit());
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.trim_end_matches('\r').split(':').collect();
        if fields.len() < 7 {
            return None;
        }
        let matches = if by_uid {
            fields[2] == user
        } else {
            fields[0] == user
        };
        if !matches {
            return None;
        }
        let shell = fields[6].trim();
        let nologin = shell.is_empty()
            || shell.ends_with("/nologin")
            || shell.ends_with("/false")
            || shell.ends_with("/true");
        (!nologin).then(|| shell.to_string())
    })
}

/// /etc/passwd of the container: from the archive endpoint (needs nothing in the image),
/// else `cat /etc/passwd`.
async fn read_passwd(
    docker: &Docker,
    container_id: &str,
    exec_user: Option<&str>,
) -> Option<String> {
    let opts = DownloadFromContainerOptionsBuilder::default()
        .path("/etc/passwd")
        .build();
    let mut stream = docker.download_from_container(container_id, Some(opts));
    let mut tar: Vec<u8> = Vec::new();
    let mut ok = true;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(bytes) if tar.len() + bytes.len() <= RUN_ONCE_MAX_BYTES => {
                tar.extend_from_slice(&bytes)
            }
            _ => {
                ok = false;
                break;
            }
        }
    }
    if ok && let Some(data) = tar_first_file(&tar) {
        return Some(String::from_utf8_lossy(data).into_owned());
    }
    let cmd = vec!["cat".to_string(), "/etc/passwd".to_string()];
    match run_capture(docker, container_id, cmd, exec_user, RUN_ONCE_MAX_BYTES).await {
        Ok((out, 0)) => Some(out),
        _ => None,
    }
}

/// The contents of the first regular file in a tar archive.
fn tar_first_file(tar: &[u8]) -> Option<&[u8]> {
    let mut pos = 0usize;
    while pos + 512 <= tar.len() {
        let header = &tar[pos..pos + 512];
        if header.iter().all(|&b| b == 0) {
            return None;
        }
        let size_field = &header[124..136];
        let size_text: String = size_field
            .iter()
            .take_while(|&&b| b != 0)
            .map(|&b| b as char)
            .collect();
        let size = usize::from_str_radix(size_text.trim(), 8).ok()?;
        let data_start = pos + 512;
        let data_end = data_start.checked_add(size)?;
        match header[156] {
            b'0' | 0 => return tar.get(data_start..data_end),
            // PAX / GNU long-name headers and others: skip.
            _ => pos = data_start + size.div_ceil(512) * 512,
        }
    }
    None
}

// ----- one-off commands ---------------------------------------------------------------

/// Runs `cmd` in the container without a TTY and waits for it: its stdout and stderr as
/// [`mark_streams`] shows them (raw otherwise: the caller sanitizes it; at most
/// [`RUN_ONCE_MAX_BYTES`] kept) and its exit code. Errors: the engine refused (e.g.
/// "container is not running").
pub async fn run_once(
    docker: &Docker,
    container_id: &str,
    cmd: Vec<String>,
) -> Result<(String, i64), String> {
    let (chunks, code) = run_chunks(docker, container_id, cmd, None, RUN_ONCE_MAX_BYTES).await?;
    Ok((mark_streams(&chunks), code))
}

/// The title of a one-off command's output: the container and the command as it would be
/// typed (a word with spaces or quotes keeps its quotes).
pub fn once_title(name: &str, cmd: &[String]) -> String {
    let words: Vec<String> = cmd
        .iter()
        .map(|w| crate::app::runform::shell_quote(w))
        .collect();
    format!("{name}: {}", words.join(" "))
}

/// The output of a one-off command as shown: lines in the order the engine sent them (the
/// engine reads stdout and stderr from two pipes, so lines written at the same instant may
/// swap, as with `docker exec`), each line of stderr marked `! ` and, when there is any,
/// those of stdout indented to match. A line cut between two chunks is joined back.
pub fn mark_streams(chunks: &[(bool, Vec<u8>)]) -> String {
    let any_err = chunks.iter().any(|(err, b)| *err && !b.is_empty());
    let mut lines: Vec<(bool, Vec<u8>)> = Vec::new();
    let mut pending: [Vec<u8>; 2] = [Vec::new(), Vec::new()];
    for (err, bytes) in chunks {
        let buf = &mut pending[usize::from(*err)];
        for &b in bytes {
            if b == b'\n' {
                lines.push((*err, std::mem::take(buf)));
            } else {
                buf.push(b);
            }
        }
    }
    for (i, rest) in pending.into_iter().enumerate() {
        if !rest.is_empty() {
            lines.push((i == 1, rest));
        }
    }
    let mut out = String::new();
    for (i, (err, line)) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if any_err {
            out.push_str(if *err { "! " } else { "  " });
        }
        out.push_str(&String::from_utf8_lossy(line));
    }
    out
}

async fn run_capture(
    docker: &Docker,
    container_id: &str,
    cmd: Vec<String>,
    user: Option<&str>,
    max_bytes: usize,
) -> Result<(String, i64), String> {
    let (chunks, code) = run_chunks(docker, container_id, cmd, user, max_bytes).await?;
    let raw: Vec<u8> = chunks.into_iter().flat_map(|(_, b)| b).collect();
    Ok((String::from_utf8_lossy(&raw).into_owned(), code))
}

/// Runs `cmd` without a TTY: its output as the engine sent it, chunk by chunk (`true`:
/// stderr), at most `max_bytes`, and its exit code.
async fn run_chunks(
    docker: &Docker,
    container_id: &str,
    cmd: Vec<String>,
    user: Option<&str>,
    max_bytes: usize,
) -> Result<(Vec<(bool, Vec<u8>)>, i64), String> {
    if cmd.is_empty() {
        return Err("no command to run".into());
    }
    let opts = CreateExecOptions::<String> {
        attach_stdin: Some(false),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        tty: Some(false),
        cmd: Some(cmd),
        user: user.filter(|u| !u.is_empty()).map(str::to_owned),
        ..Default::default()
    };
    let created = docker
        .create_exec(container_id, opts)
        .await
        .map_err(|e| engine_error(&e))?;
    let started = docker
        .start_exec(&created.id, None)
        .await
        .map_err(|e| engine_error(&e))?;
    let mut out: Vec<(bool, Vec<u8>)> = Vec::new();
    let mut kept = 0;
    if let StartExecResults::Attached { mut output, input } = started {
        drop(input);
        while let Some(item) = output.next().await {
            let item = item.map_err(|e| engine_error(&e))?;
            let err = matches!(item, LogOutput::StdErr { .. });
            let chunk = item.into_bytes();
            let room = max_bytes.saturating_sub(kept);
            let take = chunk.len().min(room);
            if take > 0 {
                kept += take;
                out.push((err, chunk[..take].to_vec()));
            }
        }
    }
    let code = exit_code(docker, &Target::Exec(created.id))
        .await
        .ok_or_else(|| "could not read the exit code".to_string())?;
    Ok((out, code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_off_title_keeps_the_quotes() {
        let cmd: Vec<String> = ["sh", "-c", "echo out1; echo err1 >&2"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            once_title("web", &cmd),
            "web: sh -c 'echo out1; echo err1 >&2'"
        );
    }

    #[test]
    fn one_off_output_keeps_the_order_sent_and_marks_stderr() {
        let c = |err: bool, s: &str| (err, s.as_bytes().to_vec());
        // A line cut across chunks, stderr between two stdout lines.
        let chunks = [
            c(false, "out"),
            c(true, "err1\n"),
            c(false, "1\nout2\n"),
            c(true, "tail"),
        ];
        assert_eq!(mark_streams(&chunks), "! err1\n  out1\n  out2\n! tail");
        let chunks = [c(false, "out1\n"), c(true, "err1\n"), c(false, "out2\n")];
        assert_eq!(mark_streams(&chunks), "  out1\n! err1\n  out2");
        // Without stderr, the output as it is.
        assert_eq!(mark_streams(&[c(false, "a\nb\n")]), "a\nb");
        assert_eq!(mark_streams(&[]), "");
    }

    #[test]
    fn login_shell_by_name_uid_and_default() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\n\
                      daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n\
                      app:x:1000:1000::/home/app:/bin/zsh\n\
                      broken line\n";
        assert_eq!(login_shell(passwd, None).as_deref(), Some("/bin/bash"));
        assert_eq!(login_shell(passwd, Some("")).as_deref(), Some("/bin/bash"));
        assert_eq!(
            login_shell(passwd, Some("app")).as_deref(),
            Some("/bin/zsh")
        );
        assert_eq!(
            login_shell(passwd, Some("1000:1000")).as_deref(),
            Some("/bin/zsh")
        );
        assert_eq!(login_shell(passwd, Some("daemon")), None);
        assert_eq!(login_shell(passwd, Some("nobody")), None);
    }

    #[test]
    fn tar_reads_first_regular_file() {
        let mut tar = vec![0u8; 512];
        tar[..6].copy_from_slice(b"passwd");
        let size = format!("{:011o}\0", 5);
        tar[124..136].copy_from_slice(size.as_bytes());
        tar[156] = b'0';
        tar.extend_from_slice(b"hello");
        tar.resize(1024, 0);
        tar.extend_from_slice(&[0u8; 1024]);
        assert_eq!(tar_first_file(&tar), Some(&b"hello"[..]));
        assert_eq!(tar_first_file(&[0u8; 1024]), None);
        assert_eq!(tar_first_file(b"short"), None);
    }
}
