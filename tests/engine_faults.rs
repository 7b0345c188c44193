//! Faults against real engines: every way out of an exec session ends the process dockside
//! started; the container list converges after churn; connecting fails with the cause named.

mod support;

use support::driver::Driver;

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bollard::Docker;
use tokio::sync::mpsc;

use dockside::app::exec::{ExecCmd, ExecEvent, ExecKind, ExecRequest, SessionId};
use dockside::docker::client;
use dockside::docker::exec::{ExecManager, reap_all};
use support::engine::{self, TestContainer, docker};

const T: Duration = Duration::from_secs(30);

/// The processes in a container (`docker top`), one command line each.
fn processes(id: &str) -> Vec<String> {
    let out = docker(&["top", id, "-o", "pid,args"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Waits until the container runs only its own `sleep`, else panics listing what is left.
fn assert_only_sleep_left(c: &TestContainer, way: &str) {
    let ok = support::wait_until(T, || {
        let p = processes(&c.id);
        p.len() == 1 && p[0].contains("sleep")
    });
    assert!(
        ok,
        "{way}: processes left in the container: {:?}",
        processes(&c.id)
    );
}

fn sleeper(prefix: &str) -> TestContainer {
    TestContainer::run(prefix, &[], &["sleep", "600"])
}

static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1000);

fn shell_request(c: &TestContainer) -> (SessionId, ExecCmd) {
    let session = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let req = ExecRequest {
        session,
        container_id: c.id.clone(),
        container_name: c.name.clone(),
        kind: ExecKind::Shell,
        user: None,
        cols: 80,
        rows: 24,
    };
    (session, ExecCmd::Open(req))
}

async fn connect(addr: &str) -> Docker {
    client::connect(addr)
        .await
        .unwrap_or_else(|e| panic!("connecting to {addr}: {e}"))
}

/// Opens a shell and waits until it runs (a second process in the container).
async fn open_shell(
    mgr: &mut ExecManager,
    d: &Docker,
    tx: &mpsc::Sender<ExecEvent>,
    rx: &mut mpsc::Receiver<ExecEvent>,
    c: &TestContainer,
) -> SessionId {
    let (id, cmd) = shell_request(c);
    mgr.handle(d, tx, cmd, |e| e);
    let started = tokio::time::timeout(T, async {
        while let Some(ev) = rx.recv().await {
            match ev {
                ExecEvent::Started { .. } => return true,
                ExecEvent::Failed { error, .. } => panic!("shell failed: {error}"),
                _ => {}
            }
        }
        false
    })
    .await;
    assert_eq!(started, Ok(true), "the shell did not start");
    let id_c = c.id.clone();
    let up =
        tokio::task::spawn_blocking(move || support::wait_until(T, || processes(&id_c).len() >= 2))
            .await
            .unwrap_or(false);
    assert!(up, "the shell never showed in docker top");
    id
}

fn default_addr() -> String {
    client::resolve(None, None).addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_closed_leaves_no_process() {
    if !engine::available() {
        return;
    }
    let c = sleeper("faults-exec-close");
    let d = connect(&default_addr()).await;
    let (tx, mut rx) = mpsc::channel(256);
    let mut mgr = ExecManager::new();
    let id = open_shell(&mut mgr, &d, &tx, &mut rx, &c).await;
    mgr.handle(&d, &tx, ExecCmd::Close(id), |e| e);
    tokio::task::spawn_blocking(move || assert_only_sleep_left(&c, "closed (X)"))
        .await
        .expect("check");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_session_end_leaves_no_process() {
    if !engine::available() {
        return;
    }
    let c = sleeper("faults-exec-end");
    let d = connect(&default_addr()).await;
    let (tx, mut rx) = mpsc::channel(256);
    let mut mgr = ExecManager::new();
    open_shell(&mut mgr, &d, &tx, &mut rx, &c).await;
    open_shell(&mut mgr, &d, &tx, &mut rx, &c).await;
    // What the engine task does when its session ends (quit, switch, engine lost).
    drop(mgr);
    tokio::task::spawn_blocking(move || assert_only_sleep_left(&c, "session ended"))
        .await
        .expect("check");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_reaped_on_the_way_out() {
    if !engine::available() {
        return;
    }
    let c = sleeper("faults-exec-exit");
    let d = connect(&default_addr()).await;
    let (tx, mut rx) = mpsc::channel(256);
    let mut mgr = ExecManager::new();
    open_shell(&mut mgr, &d, &tx, &mut rx, &c).await;
    // dockside's way out: the UI is gone, the sessions may still be held.
    reap_all(Duration::from_secs(5)).await;
    let c = tokio::task::spawn_blocking(move || {
        assert_only_sleep_left(&c, "way out");
        c
    })
    .await
    .expect("check");
    drop(mgr);
    drop(c);
}

/// A unix-socket proxy to the engine whose connections can be cut at will.
struct Proxy {
    path: PathBuf,
    conns: Arc<Mutex<Vec<UnixStream>>>,
}

impl Proxy {
    fn start(upstream: &str) -> Proxy {
        let dir = std::env::temp_dir().join(engine::unique_name("dockside-proxy"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let path = dir.join("docker.sock");
        let listener = UnixListener::bind(&path).expect("bind");
        let conns: Arc<Mutex<Vec<UnixStream>>> = Arc::default();
        let upstream = upstream.trim_start_matches("unix://").to_string();
        let c2 = conns.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = UnixStream::connect(&upstream) else {
                    continue;
                };
                if let (Ok(a), Ok(b)) = (client.try_clone(), server.try_clone())
                    && let Ok(mut g) = c2.lock()
                {
                    g.push(a);
                    g.push(b);
                }
                pipe(client.try_clone(), server.try_clone());
                pipe(server.try_clone(), client.try_clone());
            }
        });
        Proxy { path, conns }
    }

    fn addr(&self) -> String {
        format!("unix://{}", self.path.display())
    }

    /// Cuts every connection open so far (new ones are still accepted).
    fn cut(&self) -> usize {
        let mut g = self.conns.lock().expect("lock");
        let n = g.len();
        for s in g.drain(..) {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        n
    }
}

fn pipe(from: std::io::Result<UnixStream>, to: std::io::Result<UnixStream>) {
    let (Ok(mut from), Ok(mut to)) = (from, to) else {
        return;
    };
    std::thread::spawn(move || {
        let mut buf = [0u8; 16384];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if to.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to.shutdown(std::net::Shutdown::Write);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_connection_lost_leaves_no_process() {
    if !engine::available() {
        return;
    }
    let upstream = default_addr();
    if !upstream.starts_with("unix://") {
        eprintln!("skipping: the proxy needs a unix socket engine (have {upstream})");
        return;
    }
    let c = sleeper("faults-exec-lost");
    let proxy = Proxy::start(&upstream);
    let d = connect(&proxy.addr()).await;
    let (tx, mut rx) = mpsc::channel(256);
    let mut mgr = ExecManager::new();
    open_shell(&mut mgr, &d, &tx, &mut rx, &c).await;
    assert!(proxy.cut() > 0, "no connection to cut");
    // The session notices, and ends the shell through a new connection.
    let ended = tokio::time::timeout(T, async {
        while let Some(ev) = rx.recv().await {
            if matches!(ev, ExecEvent::Failed { .. } | ExecEvent::Exited { .. }) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(ended, Ok(true), "the session did not notice the cut");
    tokio::task::spawn_blocking(move || assert_only_sleep_left(&c, "connection lost"))
        .await
        .expect("check");
    drop(mgr);
}

// ----- the real binary: quit and signals with a shell open ---------------------------

const BIN: &str = env!("CARGO_BIN_EXE_dockside");

fn ok<R>(r: Result<R, String>) -> R {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// Each way out of dockside with a shell open (`q`, SIGTERM, SIGHUP, SIGINT): the exit
/// status a shell expects, and no process left in the container.
#[test]
fn quit_and_signals_end_the_shell_and_exit_with_the_right_status() {
    use support::pty::PtyApp;
    if !engine::available() {
        return;
    }
    let c = sleeper("faults-exec-quit");
    for (way, code) in [("q", 0), ("TERM", 143), ("HUP", 129), ("INT", 130)] {
        let mut app = PtyApp::spawn(BIN, &[], &[], 120, 40);
        ok(app.wait_for_text("Containers", T));
        app.send_str("/");
        app.send_str(&c.name);
        app.key_enter();
        ok(app.wait_for_text("filter:", T));
        ok(app.wait_for_text(&c.name, T));
        // Select the one row left and open a shell (again if a busy engine's churn made
        // the key land before the row was selected).
        let mut opened = false;
        for _ in 0..5 {
            app.key_down();
            app.key_up();
            app.send_str("e");
            if app
                .wait_for_text("ctrl-g leave", Duration::from_secs(5))
                .is_ok()
            {
                opened = true;
                break;
            }
        }
        assert!(opened, "{way}: no shell opened:\n{}", app.screen_text());
        assert!(
            support::wait_until(T, || processes(&c.id).len() >= 2),
            "{way}: the shell never ran"
        );
        if way == "q" {
            app.key_ctrl('g');
            ok(app.wait_for_no_text("ctrl-g leave", T));
            app.send_str("q");
        } else {
            assert!(app.signal(way), "SIG{way} not sent");
        }
        assert_eq!(app.wait_exit(T), Some(code), "{way}: exit status");
        assert_only_sleep_left(&c, way);
    }
}

// ----- convergence after churn -------------------------------------------------------

/// Ids (full) of the containers carrying `label`, as the engine lists them.
fn engine_ids(label: &str) -> std::collections::BTreeSet<String> {
    let out = support::engine::docker_ok(&[
        "ps",
        "-a",
        "--no-trunc",
        "--filter",
        &format!("label={label}"),
        "--format",
        "{{.ID}}",
    ]);
    out.lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

fn listed_ids(state: &dockside::app::State, prefix: &str) -> std::collections::BTreeSet<String> {
    state
        .containers
        .values()
        .filter(|c| c.name.starts_with(prefix))
        .map(|c| c.id.clone())
        .collect()
}

/// 10 parallel loops create 250 containers and remove 200 of them (`docker rm -f` of running
/// containers: kill, die, destroy) while dockside follows; afterwards its list equals the
/// engine's, and stays so.
/// The first list does not wait for `/version` (it may answer first); the header then gets
/// the engine's own version and API version, and the session goes on: a container started
/// afterwards is listed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_gets_the_engines_version_and_the_session_goes_on() {
    use dockside::app::msg::ConnStatus;
    if !engine::available() {
        return;
    }
    let want_version = engine::docker_ok(&["version", "--format", "{{.Server.Version}}"]);
    let want_api = engine::docker_ok(&["version", "--format", "{{.Server.APIVersion}}"]);
    let mut d = Driver::start(None);
    let versioned = d
        .until(T, |s| {
            matches!(&s.conn, ConnStatus::Connected { version, api, .. }
                if *version == want_version && *api == want_api)
        })
        .await;
    assert!(
        versioned,
        "header {:?}, engine {want_version} (API {want_api})",
        d.state.conn
    );
    let c = TestContainer::run("dsversion", &[], &["sleep", "60"]);
    let id = c.id.clone();
    assert!(
        d.until(T, |s| s.containers.contains_key(&id)).await,
        "a container started after the version was agreed is not listed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_converges_after_parallel_churn() {
    if !engine::available() {
        return;
    }
    let run = engine::unique_name("churn");
    let label = format!("dockside.faults.churn={run}");
    let prefix = format!("{run}-");
    let mut d = Driver::start(None);
    assert!(
        d.until(T, |s| matches!(
            s.conn,
            dockside::app::msg::ConnStatus::Connected { .. }
        ))
        .await,
        "dockside never connected"
    );
    let (label2, prefix2) = (label.clone(), prefix.clone());
    let churn = tokio::task::spawn_blocking(move || {
        let image = engine::test_image();
        let loops: Vec<_> = (0..10)
            .map(|l| {
                let (label, prefix, image) = (label2.clone(), prefix2.clone(), image.clone());
                std::thread::spawn(move || {
                    let mut mine = Vec::new();
                    for i in 0..25 {
                        let name = format!("{prefix}{l}-{i}");
                        let out = docker(&[
                            "run",
                            "-d",
                            "--label",
                            &label,
                            "--label",
                            "dockside.test=1",
                            "--name",
                            &name,
                            &image,
                            "sleep",
                            "600",
                        ]);
                        if out.status.success() {
                            mine.push(name);
                        }
                        // Remove 4 of every 5, some right away, some a little later.
                        if i % 5 != 4 && mine.len() > 1 {
                            let victim = mine.remove(mine.len() - 2);
                            let _ = docker(&["rm", "-f", &victim]);
                        }
                    }
                })
            })
            .collect();
        for l in loops {
            let _ = l.join();
        }
    });
    // dockside follows the churn as it happens.
    let churned = tokio::spawn(async move {
        let _ = churn.await;
    });
    while !churned.is_finished() {
        d.until(Duration::from_millis(200), |_| false).await;
    }
    let want = engine_ids(&label);
    let stopped = std::time::Instant::now();
    let converged = d
        .until(Duration::from_secs(60), |s| listed_ids(s, &prefix) == want)
        .await;
    let took = stopped.elapsed();
    eprintln!(
        "churn: {} of ours left on the engine; dockside converged in {took:?}",
        want.len()
    );
    let got = listed_ids(&d.state, &prefix);
    // Late answers must not bring anything back.
    d.until(Duration::from_secs(3), |_| false).await;
    let later = listed_ids(&d.state, &prefix);
    let _ = docker(
        &["rm", "-f", "-v"]
            .iter()
            .copied()
            .chain(want.iter().map(String::as_str))
            .collect::<Vec<_>>(),
    );
    assert!(
        converged,
        "never converged: dockside {got:?}\nengine {want:?}"
    );
    assert_eq!(later, want, "rows came back after converging");
}

// ----- connecting: addresses, silent sockets, causes ---------------------------------

#[test]
fn a_malformed_address_is_refused_at_start_with_status_2() {
    for addr in [
        "garbage",
        "tcp://",
        "ssh://host:notaport",
        "unix://relative",
    ] {
        let out = std::process::Command::new(BIN)
            .args(["-H", addr])
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run dockside");
        assert_eq!(out.status.code(), Some(2), "-H {addr}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(addr), "-H {addr}: {err}");
    }
}

/// A socket that accepts connections and never answers: dockside says so within its
/// connect timeout, keeps retrying, and quits at once.
#[test]
fn a_socket_that_never_answers_times_out_with_a_clear_message() {
    use support::pty::PtyApp;
    let dir = std::env::temp_dir().join(engine::unique_name("dockside-silent"));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let path = dir.join("silent.sock");
    let listener = UnixListener::bind(&path).expect("bind");
    // Accept and hold every connection, never writing a byte.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let addr = format!("unix://{}", path.display());
    let mut app = PtyApp::spawn(BIN, &["-H", &addr], &[], 120, 30);
    ok(app.wait_for_text("no answer within", T));
    ok(app.wait_for_text("Retrying", T));
    let asked = std::time::Instant::now();
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
    eprintln!("quit while connecting took {:?}", asked.elapsed());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_refused_connection_is_named() {
    use support::pty::PtyApp;
    // A port nothing listens on (bound, then closed).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let addr = format!("tcp://127.0.0.1:{port}");
    let mut app = PtyApp::spawn(BIN, &["-H", &addr], &[], 120, 30);
    ok(app.wait_for_text("connection refused", T));
    assert!(
        !app.screen_text().contains("client error (Connect)"),
        "{}",
        app.screen_text()
    );
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
}

// ----- ssh:// on a loopback port ------------------------------------------------------

/// An sshd of the test's own on a free loopback port, a key made for it, and an `ssh` on
/// PATH that uses that key (the user's ~/.ssh is left alone). Stopped when dropped.
struct Sshd {
    dir: PathBuf,
    port: u16,
    child: std::process::Child,
}

impl Sshd {
    /// `None` when this cannot run here (not root, or no sshd): the caller skips.
    fn start() -> Option<Sshd> {
        let uid = String::from_utf8_lossy(
            &std::process::Command::new("id")
                .arg("-u")
                .output()
                .ok()?
                .stdout,
        )
        .trim()
        .to_string();
        if uid != "0" || !std::path::Path::new("/usr/sbin/sshd").exists() {
            eprintln!(
                "skipping: the ssh test needs root and /usr/sbin/sshd (scripts/engine.sh installs it)"
            );
            return None;
        }
        let dir = std::env::temp_dir().join(engine::unique_name("dockside-sshd"));
        std::fs::create_dir_all(dir.join("bin")).expect("mkdir");
        let keygen = |path: &PathBuf| {
            let ok = std::process::Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(path)
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "ssh-keygen {}", path.display());
        };
        keygen(&dir.join("host_key"));
        keygen(&dir.join("client_key"));
        keygen(&dir.join("other_key"));
        std::fs::copy(dir.join("client_key.pub"), dir.join("authorized_keys")).expect("copy");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("port");
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\nAuthorizedKeysFile {d}/authorized_keys\n\
             PermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
             UsePAM no\nStrictModes no\nPidFile {d}/sshd.pid\nMaxStartups 100\nMaxSessions 100\n",
            d = dir.display()
        );
        std::fs::write(dir.join("sshd_config"), config).expect("write");
        let _ = std::fs::create_dir_all("/run/sshd");
        // `ssh` as dockside finds it on PATH: the test's key, no known_hosts of the user's.
        let wrapper = format!(
            "#!/bin/sh\nexec /usr/bin/ssh -i \"${{DOCKSIDE_TEST_SSH_KEY:-{d}/client_key}}\" -o IdentitiesOnly=yes \
             -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \"$@\"\n",
            d = dir.display()
        );
        let w = dir.join("bin/ssh");
        std::fs::write(&w, wrapper).expect("write");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&w, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let child = std::process::Command::new("/usr/sbin/sshd")
            .args(["-D", "-e", "-f"])
            .arg(dir.join("sshd_config"))
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(dir.join("sshd.log")).expect("log"))
            .spawn()
            .expect("start sshd");
        let up = support::wait_until(T, || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        assert!(up, "sshd did not listen on {port}");
        Some(Sshd { dir, port, child })
    }

    fn path_env(&self) -> String {
        format!(
            "{}:{}",
            self.dir.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Command lines of every process on the machine.
fn all_cmdlines() -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir("/proc") {
        for e in rd.flatten() {
            if let Ok(b) = std::fs::read(e.path().join("cmdline")) {
                out.push(String::from_utf8_lossy(&b).replace('\0', " "));
            }
        }
    }
    out
}

fn ssh_connection_dirs() -> usize {
    let Some(home) = std::env::var_os("HOME") else {
        return 0;
    };
    std::fs::read_dir(PathBuf::from(home).join(".local/state"))
        .map(|rd| {
            rd.flatten()
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with(".ssh-connection")
                })
                .count()
        })
        .unwrap_or(0)
}

/// `ssh://root@127.0.0.1:<port>`: dockside lists the engine, runs a shell over it, and after
/// `q` no ssh of its own, no `dial-stdio`, no socket folder and no shell remain.
#[test]
fn ssh_with_a_port_works_and_leaves_nothing_behind() {
    use support::pty::PtyApp;
    if !engine::available() {
        return;
    }
    let Some(sshd) = Sshd::start() else { return };
    let c = sleeper("faults-ssh");
    let dirs_before = ssh_connection_dirs();
    let addr = format!("ssh://root@127.0.0.1:{}", sshd.port);
    let path = sshd.path_env();
    let mut app = PtyApp::spawn(BIN, &["-H", &addr], &[("PATH", &path)], 120, 40);
    ok(app.wait_for_text("engine 2", T));
    app.send_str("/");
    app.send_str(&c.name);
    app.key_enter();
    ok(app.wait_for_text(&c.name, T));
    let mut opened = false;
    for _ in 0..5 {
        app.key_down();
        app.key_up();
        app.send_str("e");
        if app
            .wait_for_text("ctrl-g leave", Duration::from_secs(10))
            .is_ok()
        {
            opened = true;
            break;
        }
    }
    assert!(opened, "no shell over ssh:\n{}", app.screen_text());
    assert!(
        support::wait_until(T, || processes(&c.id).len() >= 2),
        "the shell never ran"
    );
    let port = format!("-p {}", sshd.port);
    assert!(
        all_cmdlines()
            .iter()
            .any(|l| l.contains(&port) && l.contains("dial-stdio")),
        "no ssh connection seen while running"
    );
    app.key_ctrl('g');
    ok(app.wait_for_no_text("ctrl-g leave", T));
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
    let clean = support::wait_until(T, || {
        !all_cmdlines()
            .iter()
            .any(|l| l.contains("dial-stdio") || (l.contains(&port) && l.contains("ssh")))
    });
    let left: Vec<String> = all_cmdlines()
        .into_iter()
        .filter(|l| l.contains("dial-stdio") || (l.contains(&port) && l.contains("ssh")))
        .collect();
    assert!(clean, "left behind: {left:?}");
    assert_eq!(
        ssh_connection_dirs(),
        dirs_before,
        "ssh socket folders left"
    );
    assert_only_sleep_left(&c, "ssh quit");
}

#[test]
fn ssh_refused_key_is_named() {
    use support::pty::PtyApp;
    let Some(sshd) = Sshd::start() else { return };
    let addr = format!("ssh://root@127.0.0.1:{}", sshd.port);
    let key = sshd.dir.join("other_key").display().to_string();
    let path = sshd.path_env();
    let mut app = PtyApp::spawn(
        BIN,
        &["-H", &addr],
        &[("PATH", &path), ("DOCKSIDE_TEST_SSH_KEY", &key)],
        140,
        30,
    );
    ok(app.wait_for_text("ssh authentication failed", T));
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
}

// ----- extra engines (scripts/engine2.sh): TLS, outages --------------------------------

use support::engine2::Engine2;

/// A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl.
fn make_certs(dir: &std::path::Path) {
    let sh = format!(
        r#"set -e; cd {d}
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=dockside-test-ca -keyout ca-key.pem -out ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server-key.pem -out server.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile server.ext -out server-cert.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=client -keyout key.pem -out client.csr 2>/dev/null
printf 'extendedKeyUsage=clientAuth\n' > client.ext
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile client.ext -out cert.pem 2>/dev/null
mkdir -p other; cd other
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca -keyout ca-key.pem -out ca.pem 2>/dev/null
cp ../cert.pem ../key.pem .
"#,
        d = dir.display()
    );
    let ok = std::process::Command::new("sh")
        .args(["-c", &sh])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "openssl failed");
}

/// TLS on tcp: with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH, with a TLS docker context (by
/// `--context`), a wrong CA named as a verification failure, no certificates named too.
#[test]
fn tls_engine_by_environment_and_by_context() {
    use support::pty::PtyApp;
    if !engine::available() {
        return;
    }
    let dir = std::env::temp_dir().join(engine::unique_name("dockside-tls"));
    std::fs::create_dir_all(&dir).expect("mkdir");
    make_certs(&dir);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let f = |n: &str| dir.join(n).display().to_string();
    let host = format!("tcp://127.0.0.1:{port}");
    let Some(_e2) = Engine2::start(
        "tls",
        &[
            "--tlsverify",
            &format!("--tlscacert={}", f("ca.pem")),
            &format!("--tlscert={}", f("server-cert.pem")),
            &format!("--tlskey={}", f("server-key.pem")),
            "-H",
            &host,
        ],
    ) else {
        return;
    };
    let config = dir.join("docker-config");
    std::fs::create_dir_all(&config).expect("mkdir");
    let cfg = config.display().to_string();
    let connected = "engine 2";

    // 1. DOCKER_TLS_VERIFY + DOCKER_CERT_PATH.
    let cert_path = dir.display().to_string();
    let mut app = PtyApp::spawn(
        BIN,
        &["-H", &host],
        &[
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", &cert_path),
            ("DOCKER_CONFIG", &cfg),
        ],
        140,
        30,
    );
    ok(app.wait_for_text(connected, T));
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));

    // 2. A TLS docker context, made by the docker CLI.
    let out = std::process::Command::new("docker")
        .env("DOCKER_CONFIG", &config)
        .args([
            "context",
            "create",
            "tlsx",
            "--docker",
            &format!(
                "host={host},ca={},cert={},key={}",
                f("ca.pem"),
                f("cert.pem"),
                f("key.pem")
            ),
        ])
        .output()
        .expect("docker context create");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut app = PtyApp::spawn(
        BIN,
        &["--context", "tlsx"],
        &[("DOCKER_CONFIG", &cfg)],
        140,
        30,
    );
    ok(app.wait_for_text(connected, T));
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));

    // 3. The wrong CA: verification fails, and says so.
    let other = dir.join("other").display().to_string();
    let mut app = PtyApp::spawn(
        BIN,
        &["-H", &host],
        &[
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", &other),
            ("DOCKER_CONFIG", &cfg),
        ],
        160,
        30,
    );
    ok(app.wait_for_text("TLS verification failed", T));
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));

    // 4. No certificates at all: the engine speaks TLS, and dockside says so.
    let mut app = PtyApp::spawn(BIN, &["-H", &host], &[("DOCKER_CONFIG", &cfg)], 160, 30);
    ok(app.wait_for_text("speaks TLS", T));
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A second engine is SIGKILLed mid-session and restarted: dockside shows the outage,
/// reconnects once the engine answers, and its list and header are rebuilt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_killed_and_restarted_reconnects_and_converges() {
    use dockside::app::msg::ConnStatus;
    if !engine::available() {
        return;
    }
    let Some(e2) = Engine2::start("outage", &[]) else {
        return;
    };
    let sock = e2.sock();
    let d2 = |args: &[&str]| {
        let mut a = vec!["-H", sock.as_str()];
        a.extend_from_slice(args);
        docker(&a)
    };
    let image = engine::test_image();
    e2.load(&image);
    for i in 0..3 {
        let name = format!("outage-{i}");
        let out = d2(&["run", "-d", "--name", &name, &image, "sleep", "600"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut d = Driver::start(Some(&sock));
    let running = |s: &dockside::app::State| {
        s.containers
            .values()
            .filter(|c| c.state == dockside::app::model::CState::Running)
            .count()
    };
    assert!(
        d.until(T, |s| running(s) == 3).await,
        "never listed 3 running"
    );
    // CPU/MEM samples for the header.
    d.key('c');
    d.until(Duration::from_secs(5), |s| !s.stats.is_empty())
        .await;

    e2.kill();
    assert!(
        d.until(T, |s| matches!(s.conn, ConnStatus::Failed { .. }))
            .await,
        "the outage was not shown"
    );
    e2.restart(&[]);
    let answered = std::time::Instant::now();
    assert!(
        d.until(T, |s| matches!(s.conn, ConnStatus::Connected { .. }))
            .await,
        "never reconnected"
    );
    let reconnect = answered.elapsed();
    // Without live-restore the restart stopped them: the list says so, and the header's
    // figures count no stale samples.
    let want: std::collections::BTreeSet<String> = String::from_utf8_lossy(
        &d2(&["ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.State}}"]).stdout,
    )
    .lines()
    .map(str::to_string)
    .collect();
    let listed = |s: &dockside::app::State| -> std::collections::BTreeSet<String> {
        s.containers
            .values()
            .map(|c| format!("{} {}", c.id, c.state.as_str()))
            .collect()
    };
    assert!(
        d.until(T, |s| listed(s) == want).await,
        "list {:?} != engine {want:?}",
        listed(&d.state)
    );
    let sampled = d.state.totals_text().2;
    assert!(
        sampled <= running(&d.state),
        "header counts {sampled} sampled with {} running",
        running(&d.state)
    );
    eprintln!("reconnect: {reconnect:?} after the engine answered again");
    drop(d);
}

/// Causes named as the docker CLI names them: no such host, permission denied on the socket
/// (a user without access to it), no such socket.
#[test]
fn connection_failures_name_their_cause() {
    use support::pty::PtyApp;
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["-H".into(), "tcp://no-such-host.invalid:2375".into()],
            "no such host",
        ),
        (
            vec!["-H".into(), "unix:///nonexistent/dockside.sock".into()],
            "no such socket",
        ),
    ];
    for (args, want) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut app = PtyApp::spawn(BIN, &args, &[], 160, 30);
        ok(app.wait_for_text(want, T));
        app.send_str("q");
        assert_eq!(app.wait_exit(T), Some(0));
    }
    // A socket only root may use, tried by `nobody`.
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !is_root || !std::path::Path::new("/usr/bin/setpriv").exists() {
        eprintln!("skipping the permission case: needs root and setpriv");
        return;
    }
    let dir = std::env::temp_dir().join(engine::unique_name("dockside-perm"));
    std::fs::create_dir_all(&dir).expect("mkdir");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = dir.join("root-only.sock");
    let _listener = UnixListener::bind(&path).expect("bind");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let addr = format!("unix://{}", path.display());
    let mut app = PtyApp::spawn(
        "/usr/bin/setpriv",
        &[
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            BIN,
            "-H",
            &addr,
        ],
        &[("HOME", "/tmp")],
        160,
        30,
    );
    ok(app.wait_for_text("permission denied on the socket", T));
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}
