//! Exec sessions against the real engine: `ExecManager` (docker side) driven by
//! `Sessions` (app side), keys typed as crossterm events, the result read back from the
//! emulated vt100 screen.

mod support;

use std::time::Duration;

use bollard::Docker;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;

use dockside::app::exec::{ExecCmd, ExecEvent, ExecKind, SessionId, SessionState, Sessions};
use dockside::docker::client;
use dockside::docker::exec::{ExecManager, run_once};
use support::engine::TestContainer;

const TIMEOUT: Duration = Duration::from_secs(20);

/// The app and the docker side of exec sessions, wired with a plain channel.
struct Rig {
    docker: Docker,
    mgr: ExecManager,
    tx: mpsc::Sender<ExecEvent>,
    rx: mpsc::Receiver<ExecEvent>,
    sessions: Sessions,
}

impl Rig {
    async fn new() -> Rig {
        let target = client::resolve(None, None);
        let docker = client::connect(&target.addr)
            .await
            .unwrap_or_else(|e| panic!("connecting to {}: {e}", target.addr));
        let (tx, rx) = mpsc::channel(64);
        Rig {
            docker,
            mgr: ExecManager::new(),
            tx,
            rx,
            sessions: Sessions::new(),
        }
    }

    fn send(&mut self, cmd: ExecCmd) {
        self.mgr.handle(&self.docker, &self.tx, cmd, |e| e);
    }

    fn open(&mut self, c: &TestContainer, kind: ExecKind, cols: u16, rows: u16) -> SessionId {
        let cmd = self.sessions.open(&c.id, &c.name, kind, None, cols, rows);
        let ExecCmd::Open(req) = &cmd else {
            panic!("open gave {cmd:?}")
        };
        let id = req.session;
        self.send(cmd);
        id
    }

    fn select(&mut self, id: SessionId) {
        let idx = self
            .sessions
            .list
            .iter()
            .position(|s| s.id == id)
            .unwrap_or_else(|| panic!("no session {id}"));
        self.sessions.select(idx);
        self.sessions.typing = true;
    }

    fn key(&mut self, key: KeyEvent) {
        if let Some(cmd) = self.sessions.key(&key) {
            self.send(cmd);
        }
    }

    /// Types `text` key by key into the active session, then Enter.
    fn type_line(&mut self, text: &str) {
        for c in text.chars() {
            let mods = if c.is_ascii_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            self.key(KeyEvent::new(KeyCode::Char(c), mods));
        }
        self.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    }

    fn screen(&self, id: SessionId) -> String {
        self.sessions
            .get(id)
            .map(|s| s.screen_text())
            .unwrap_or_default()
    }

    fn state(&self, id: SessionId) -> Option<SessionState> {
        self.sessions.get(id).map(|s| s.state.clone())
    }

    /// Feeds events into `Sessions` until `pred` holds; panics with `what` and the
    /// session's screen after [`TIMEOUT`].
    async fn wait(&mut self, id: SessionId, what: &str, pred: impl Fn(&Rig) -> bool) {
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            if pred(self) {
                return;
            }
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(ev)) => {
                    self.sessions.apply(ev);
                    for reply in self.sessions.take_replies() {
                        self.send(reply);
                    }
                }
                Ok(None) => panic!("event channel closed waiting for {what}"),
                Err(_) => panic!(
                    "timed out waiting for {what}; state {:?}; screen:\n{}",
                    self.state(id),
                    self.screen(id)
                ),
            }
        }
    }

    async fn wait_text(&mut self, id: SessionId, needle: &str) {
        let what = format!("{needle:?} on the screen");
        self.wait(id, &what, |r| r.screen(id).contains(needle))
            .await;
    }

    async fn wait_running(&mut self, id: SessionId) {
        self.wait(id, "the session to run", |r| {
            r.state(id) != Some(SessionState::Starting)
        })
        .await;
        assert_eq!(self.state(id), Some(SessionState::Running));
    }

    /// Lets events of the next `dur` arrive and applies them.
    async fn settle(&mut self, dur: Duration) {
        let deadline = tokio::time::Instant::now() + dur;
        while let Ok(Some(ev)) = tokio::time::timeout_at(deadline, self.rx.recv()).await {
            self.sessions.apply(ev);
        }
    }
}

fn sleeper(prefix: &str) -> TestContainer {
    TestContainer::run(prefix, &[], &["sleep", "300"])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shell_runs_typed_commands() {
    if !support::engine::available() {
        return;
    }
    let c = sleeper("exec-shell");
    let mut rig = Rig::new().await;
    let id = rig.open(&c, ExecKind::Shell, 80, 24);
    rig.wait_running(id).await;
    // The login shell from /etc/passwd (root → /bin/sh).
    assert_eq!(
        rig.sessions.get(id).map(|s| s.title.clone()),
        Some("sh".into())
    );
    rig.type_line("echo $((6*7))");
    rig.wait_text(id, "42").await;
    // TERM is set for the shell.
    rig.type_line("echo term=$TERM");
    rig.wait_text(id, "term=xterm-256color").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tty_size_follows_resizes() {
    if !support::engine::available() {
        return;
    }
    let c = sleeper("exec-size");
    let mut rig = Rig::new().await;
    let id = rig.open(&c, ExecKind::Shell, 100, 30);
    rig.wait_running(id).await;
    rig.type_line("stty size");
    rig.wait_text(id, "30 100").await;
    let cmds = rig.sessions.resize_all(120, 40);
    assert_eq!(
        cmds,
        vec![ExecCmd::Resize {
            session: id,
            cols: 120,
            rows: 40
        }]
    );
    for cmd in cmds {
        rig.send(cmd);
    }
    rig.type_line("stty size");
    rig.wait_text(id, "40 120").await;
    assert_eq!(
        rig.sessions.get(id).map(|s| s.screen().size()),
        Some((40, 120))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_code_is_reported() {
    if !support::engine::available() {
        return;
    }
    let c = sleeper("exec-exit");
    let mut rig = Rig::new().await;
    let id = rig.open(&c, ExecKind::Shell, 80, 24);
    rig.wait_running(id).await;
    rig.type_line("exit 3");
    rig.wait(id, "the shell to exit", |r| {
        !r.state(id).is_some_and(|s| s.is_live())
    })
    .await;
    assert_eq!(rig.state(id), Some(SessionState::Exited(Some(3))));
    assert_eq!(
        rig.sessions.get(id).map(|s| s.label()),
        Some("exit 3".into())
    );
    // The container itself is untouched.
    assert_eq!(c.inspect("{{.State.Running}}"), "true");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_kind_runs_with_a_tty() {
    if !support::engine::available() {
        return;
    }
    let c = sleeper("exec-cmd");
    let mut rig = Rig::new().await;
    let cmd = ExecKind::Command(vec![
        "sh".into(),
        "-c".into(),
        "[ -t 0 ] && echo tty-$((1+1)); exit 5".into(),
    ]);
    let id = rig.open(&c, cmd, 80, 24);
    rig.wait(id, "the command to end", |r| {
        !r.state(id).is_some_and(|s| s.is_live())
    })
    .await;
    assert!(rig.screen(id).contains("tty-2"), "{}", rig.screen(id));
    assert_eq!(rig.state(id), Some(SessionState::Exited(Some(5))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sessions_stay_independent() {
    if !support::engine::available() {
        return;
    }
    let c1 = sleeper("exec-two-a");
    let c2 = sleeper("exec-two-b");
    let mut rig = Rig::new().await;
    let a = rig.open(&c1, ExecKind::Shell, 80, 24);
    let b = rig.open(&c2, ExecKind::Shell, 80, 24);
    rig.wait_running(a).await;
    rig.wait_running(b).await;

    rig.select(a);
    rig.type_line("echo MARK-$((10+1))-A; hostname");
    rig.wait_text(a, "MARK-11-A").await;
    rig.select(b);
    rig.type_line("echo MARK-$((20+2))-B; hostname");
    rig.wait_text(b, "MARK-22-B").await;
    rig.settle(Duration::from_millis(300)).await;

    let (sa, sb) = (rig.screen(a), rig.screen(b));
    assert!(
        !sa.contains("MARK-22-B") && !sa.contains("$((20+2))"),
        "{sa}"
    );
    assert!(
        !sb.contains("MARK-11-A") && !sb.contains("$((10+1))"),
        "{sb}"
    );
    // Each runs in its own container (hostname = short id).
    assert!(sa.contains(c1.short_id()), "{sa}");
    assert!(sb.contains(c2.short_id()), "{sb}");

    // Closing one leaves the other working.
    rig.select(a);
    let close = rig.sessions.close_active();
    assert_eq!(close, Some(ExecCmd::Close(a)));
    if let Some(cmd) = close {
        rig.send(cmd);
    }
    rig.select(b);
    rig.type_line("echo still-$((1+2))");
    rig.wait_text(b, "still-3").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attach_sends_and_receives_and_detach_keeps_container() {
    if !support::engine::available() {
        return;
    }
    let c = TestContainer::run("exec-attach", &["-it"], &["sh"]);
    let mut rig = Rig::new().await;
    let id = rig.open(&c, ExecKind::Attach, 80, 24);
    rig.wait_running(id).await;
    rig.type_line("echo attached-ok");
    // The typed line echoed by the container's TTY, then the command's output.
    rig.wait(id, "the echo and its output", |r| {
        r.screen(id).matches("attached-ok").count() >= 2
    })
    .await;
    rig.type_line("echo sum-$((40+2))");
    rig.wait_text(id, "sum-42").await;

    let close = rig.sessions.close_active();
    assert_eq!(close, Some(ExecCmd::Close(id)));
    if let Some(cmd) = close {
        rig.send(cmd);
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(c.inspect("{{.State.Running}}"), "true");
    assert_eq!(rig.mgr.live(), 0);
}

/// `A` on a container without a TTY: its lines start at the left edge (no staircase), and
/// its `ESC [2J` does not wipe the pane (what it printed before stays).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attach_without_a_tty_shows_lines_not_a_staircase() {
    if !support::engine::available() {
        return;
    }
    let script = r#"i=0; while true; do i=$((i+1)); printf '\033[2J\033[Hline-%s \033[32mok\033[0m\n' $i; sleep 0.2; done"#;
    let c = TestContainer::run("exec-attach-notty", &[], &["sh", "-c", script]);
    let mut rig = Rig::new().await;
    let id = rig.open(&c, ExecKind::Attach, 80, 24);
    rig.wait_running(id).await;
    rig.wait(id, "three lines", |r| {
        let screen = r.screen(id);
        let lines: Vec<&str> = screen.lines().filter(|l| l.contains("line-")).collect();
        lines.len() >= 3
    })
    .await;
    let screen = rig.screen(id);
    for l in screen.lines().filter(|l| l.contains("line-")) {
        assert!(l.starts_with("line-"), "a staircase:\n{screen}");
        assert!(l.trim_end().ends_with(" ok"), "{screen}");
    }
    let close = rig.sessions.close_active();
    if let Some(cmd) = close {
        rig.send(cmd);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_on_stopped_container_fails_clearly() {
    if !support::engine::available() {
        return;
    }
    let c = TestContainer::run("exec-stopped", &[], &["true"]);
    assert!(c.wait_for_status("exited", TIMEOUT));
    let mut rig = Rig::new().await;
    let id = rig.open(&c, ExecKind::Shell, 80, 24);
    rig.wait(id, "the failure", |r| {
        r.state(id) != Some(SessionState::Starting)
    })
    .await;
    assert_eq!(
        rig.state(id),
        Some(SessionState::Failed("container is not running".into()))
    );
    let err = run_once(&rig.docker, &c.id, vec!["true".into()]).await;
    assert_eq!(err, Err("container is not running".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_user_fails_clearly() {
    if !support::engine::available() {
        return;
    }
    let c = sleeper("exec-user");
    let mut rig = Rig::new().await;
    let cmd = rig.sessions.open(
        &c.id,
        &c.name,
        ExecKind::Shell,
        Some("nosuchuser".into()),
        80,
        24,
    );
    let ExecCmd::Open(req) = &cmd else {
        panic!("{cmd:?}")
    };
    let id = req.session;
    rig.send(cmd);
    rig.wait(id, "the failure", |r| {
        r.state(id) != Some(SessionState::Starting)
    })
    .await;
    match rig.state(id) {
        Some(SessionState::Failed(e)) => assert!(e.contains("nosuchuser"), "{e}"),
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// `E` with `-u nobody id` in an image without that user: the engine's refusal is shown and
/// the session is marked ended (it stayed a blank pane with a cursor).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_as_an_unknown_user_shows_why_and_ends() {
    if !support::engine::available() {
        return;
    }
    let c = sleeper("exec-cmd-user");
    let mut rig = Rig::new().await;
    let cmd = rig.sessions.open(
        &c.id,
        &c.name,
        ExecKind::Command(vec!["id".into()]),
        Some("nobody".into()),
        80,
        24,
    );
    let ExecCmd::Open(req) = &cmd else {
        panic!("{cmd:?}")
    };
    let id = req.session;
    rig.send(cmd);
    rig.wait(id, "the session to end", |r| {
        !r.state(id).is_some_and(|s| s.is_live())
    })
    .await;
    let screen = rig.screen(id);
    let state = rig.state(id);
    let said = match &state {
        Some(SessionState::Failed(e)) => e.clone(),
        _ => screen.clone(),
    };
    assert!(
        said.contains("unable to find user nobody"),
        "{state:?}\n{screen}"
    );
    assert!(
        rig.sessions.get(id).is_some_and(|s| s.label() != "running"),
        "{state:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_once_returns_output_and_exit_code() {
    if !support::engine::available() {
        return;
    }
    let c = sleeper("exec-once");
    let rig = Rig::new().await;
    let cmd = vec![
        "sh".into(),
        "-c".into(),
        "echo hi; echo err >&2; exit 4".into(),
    ];
    let (out, code) = run_once(&rig.docker, &c.id, cmd)
        .await
        .unwrap_or_else(|e| panic!("run_once: {e}"));
    assert_eq!(code, 4);
    // stdout and stderr are separate streams: their relative order is not fixed; stderr
    // is marked.
    let mut got: Vec<&str> = out.lines().collect();
    got.sort_unstable();
    assert_eq!(got, vec!["  hi", "! err"], "{out:?}");
}
