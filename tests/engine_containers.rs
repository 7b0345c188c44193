//! The containers list and actions against a real engine.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use dockside::app::model::CState;
use dockside::app::msg::ConnStatus;
use support::driver::Driver;
use support::engine::{self, TestContainer, docker_ok};

const T: Duration = Duration::from_secs(20);

fn state_of(d: &Driver, id: &str) -> Option<CState> {
    d.state.containers.get(id).map(|c| c.state)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_converges_to_docker_ps() {
    if !engine::available() {
        return;
    }
    let a = TestContainer::run("list-a", &[], &["sleep", "300"]);
    let b = TestContainer::run("list-b", &["-p", "127.0.0.1::80"], &["sleep", "300"]);
    let c = TestContainer::create("list-c", &[], &["true"]);
    let mut d = Driver::start(None);
    let ids = [a.id.clone(), b.id.clone(), c.id.clone()];
    assert!(
        d.until(T, |s| ids.iter().all(|id| s.containers.contains_key(id)))
            .await,
        "list never held the test containers"
    );
    // Every container `docker ps -a` knows is listed, and vice versa, for ours.
    for line in docker_ok(&[
        "ps",
        "-a",
        "--no-trunc",
        "--filter",
        "label=dockside.test",
        "--format",
        "{{.ID}} {{.State}} {{.Names}}",
    ])
    .lines()
    {
        let mut parts = line.split_whitespace();
        let (Some(id), Some(st), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if !ids.contains(&id.to_string()) {
            continue;
        }
        let c = &d.state.containers[id];
        assert_eq!(c.state.as_str(), st, "{name}");
        assert_eq!(c.name, name);
    }
    assert_eq!(state_of(&d, &a.id), Some(CState::Running));
    assert_eq!(state_of(&d, &c.id), Some(CState::Created));
    let port = docker_ok(&["port", &b.id, "80/tcp"]);
    let shown = dockside::app::model::ports_display(&d.state.containers[&b.id].ports);
    let host_port = port
        .lines()
        .next()
        .and_then(|l| l.rsplit(':').next())
        .unwrap_or("?")
        .to_string();
    assert!(
        shown.contains(&format!(":{host_port}->80/tcp")),
        "ports `{shown}` vs docker port `{port}`"
    );
    assert!(matches!(d.state.conn, ConnStatus::Connected { .. }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_behind_the_apps_back_appear() {
    if !engine::available() {
        return;
    }
    let mut d = Driver::start(None);
    assert!(
        d.until(T, |s| matches!(s.conn, ConnStatus::Connected { .. }))
            .await
    );
    let c = TestContainer::run("behind", &[], &["sleep", "300"]);
    assert!(
        d.until(T, |s| s
            .containers
            .get(&c.id)
            .is_some_and(|x| x.state == CState::Running))
            .await,
        "new container appears running"
    );
    docker_ok(&["stop", "-t", "0", &c.id]);
    assert!(
        d.until(T, |s| s
            .containers
            .get(&c.id)
            .is_some_and(|x| x.state == CState::Exited))
            .await,
        "stop is seen"
    );
    let shown = d.state.containers[&c.id].status_text(support::driver::now());
    assert!(shown.starts_with("Exited (137)"), "status text: {shown}");
    docker_ok(&["rm", &c.id]);
    assert!(
        d.until(T, |s| !s.containers.contains_key(&c.id)).await,
        "removal is seen"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_action_changes_the_container() {
    if !engine::available() {
        return;
    }
    // `sleep` as pid 1 ignores SIGTERM: stop and restart would wait the default 10 s.
    let c = TestContainer::run("actions", &["--stop-timeout", "1"], &["sleep", "300"]);
    let mut d = Driver::start(None);
    d.select(&c.id).await;
    let id = c.id.clone();
    let running = |s: &dockside::app::State| s.containers.get(&id).map(|x| x.state);

    d.key('p');
    assert!(
        d.until(T, |s| running(s) == Some(CState::Paused)).await,
        "pause: status {:?} sel {:?} id {}",
        d.state.status,
        d.state.selected,
        id
    );
    assert_eq!(c.inspect("{{.State.Status}}"), "paused");
    d.key('p');
    assert!(
        d.until(T, |s| running(s) == Some(CState::Running)).await,
        "unpause"
    );
    assert_eq!(c.inspect("{{.State.Status}}"), "running");

    // Kill asks first (ui.confirm): yes.
    d.key('K');
    assert!(matches!(
        d.state.overlay,
        dockside::app::state::Overlay::ConfirmAction { .. }
    ));
    d.key('y');
    assert!(
        d.until(T, |s| running(s) == Some(CState::Exited)).await,
        "kill"
    );
    assert_eq!(c.inspect("{{.State.ExitCode}}"), "137");

    d.key('S');
    assert!(
        d.until(T, |s| running(s) == Some(CState::Running)).await,
        "start"
    );
    let started = c.inspect("{{.State.StartedAt}}");

    d.key('r');
    assert!(
        d.until(T, |s| running(s) == Some(CState::Running)
            && s.pending.is_empty())
            .await,
        "restart finishes"
    );
    assert_ne!(
        c.inspect("{{.State.StartedAt}}"),
        started,
        "restart really restarted"
    );

    d.key('s');
    assert!(
        d.until(T, |s| running(s) == Some(CState::Exited)
            && s.pending.is_empty())
            .await,
        "stop"
    );
    assert_eq!(c.inspect("{{.State.Status}}"), "exited");

    d.key('D');
    d.key('y');
    assert!(d.until(T, |s| running(s).is_none()).await, "remove");
    assert!(!engine::container_exists(&c.id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_action_shows_the_engines_message_and_changes_nothing() {
    if !engine::available() {
        return;
    }
    let c = TestContainer::run("refused", &[], &["sleep", "300"]);
    let mut d = Driver::start(None);
    d.select(&c.id).await;
    d.key('D');
    d.key('y'); // without force
    assert!(
        d.until(T, |s| s
            .status
            .as_ref()
            .is_some_and(|m| m.text.contains("remove"))
            && s.pending.is_empty())
            .await,
        "an error is reported"
    );
    let msg = d.state.status.clone().map(|m| m.text).unwrap_or_default();
    assert!(
        msg.to_lowercase().contains("running"),
        "engine message shown: {msg}"
    );
    assert_eq!(
        d.state.status.as_ref().map(|m| m.kind),
        Some(dockside::app::state::StatusKind::Error)
    );
    assert!(engine::container_exists(&c.id));
    assert_eq!(
        d.state.containers.get(&c.id).map(|x| x.state),
        Some(CState::Running)
    );
    // With force it goes.
    d.key('D');
    d.key('f');
    d.key('y');
    assert!(d.until(T, |s| !s.containers.contains_key(&c.id)).await);
    assert!(!engine::container_exists(&c.id));
}

/// A unix-socket proxy in front of the engine whose connections can be cut, as an engine
/// restart would.
struct Proxy {
    path: std::path::PathBuf,
    up: Arc<AtomicBool>,
    generation: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Proxy {
    async fn start() -> Proxy {
        let path = std::env::temp_dir().join(format!("dockside-proxy-{}.sock", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let listener = tokio::net::UnixListener::bind(&path).expect("bind proxy");
        let up = Arc::new(AtomicBool::new(true));
        let (gen_tx, _) = tokio::sync::watch::channel(0u64);
        let generation = Arc::new(gen_tx);
        let (up2, gen2) = (up.clone(), generation.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                if !up2.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let mut cut = gen2.subscribe();
                tokio::spawn(async move {
                    let Ok(mut engine) =
                        tokio::net::UnixStream::connect("/var/run/docker.sock").await
                    else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut engine) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Proxy {
            path,
            up,
            generation,
        }
    }

    fn addr(&self) -> String {
        format!("unix://{}", self.path.display())
    }

    fn cut(&self, stay_down: bool) {
        self.up.store(!stay_down, Ordering::SeqCst);
        self.generation.send_modify(|g| *g += 1);
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// `U` with `memory=64m` on a container started without limits: the engine refuses a memory
/// limit alone there, so the swap limit goes with it (twice the memory, as docker run sets
/// it); `memory-swap=` is taken as asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_limit_on_a_container_without_limits_is_set() {
    if !engine::available() {
        return;
    }
    use dockside::app::model::parse_limit_update;
    use dockside::docker::containers::update_limits;
    let c = TestContainer::run("limits", &[], &["sleep", "300"]);
    let target = dockside::docker::client::resolve(None, None);
    let dk = dockside::docker::client::connect(&target.addr)
        .await
        .expect("connect");
    let up = parse_limit_update("memory=64m").expect("parses");
    update_limits(&dk, &c.id, up)
        .await
        .expect("memory alone is accepted");
    assert_eq!(
        c.inspect("{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}"),
        format!("{} {}", 64 << 20, 128 << 20)
    );
    let up = parse_limit_update("memory=96m memory-swap=300m").expect("parses");
    update_limits(&dk, &c.id, up).await.expect("memory-swap");
    assert_eq!(
        c.inspect("{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}"),
        format!("{} {}", 96 << 20, 300 << 20)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_stream_cut_is_survived_with_a_resync() {
    if !engine::available() {
        return;
    }
    let docker_host = std::env::var("DOCKER_HOST").unwrap_or_default();
    if !docker_host.is_empty() && !docker_host.starts_with("unix:///var/run/docker.sock") {
        // The proxy fronts the local socket only.
        assert!(
            !engine::engine_required() || std::path::Path::new("/var/run/docker.sock").exists()
        );
    }
    let proxy = Proxy::start().await;
    let mut d = Driver::start(Some(&proxy.addr()));
    assert!(
        d.until(T, |s| matches!(s.conn, ConnStatus::Connected { .. }))
            .await,
        "connected through the proxy"
    );
    // The engine "goes away": every connection is cut and new ones are refused.
    proxy.cut(true);
    assert!(
        d.until(T, |s| matches!(s.conn, ConnStatus::Failed { .. }))
            .await,
        "the lost connection is shown"
    );
    // Meanwhile a container appears; no event reaches the app.
    let c = TestContainer::run("resync", &[], &["sleep", "300"]);
    proxy.restore();
    assert!(
        d.until(Duration::from_secs(30), |s| matches!(
            s.conn,
            ConnStatus::Connected { .. }
        ) && s
            .containers
            .contains_key(&c.id))
            .await,
        "reconnected and resynced"
    );
    // And the new events stream works.
    docker_ok(&["stop", "-t", "0", &c.id]);
    assert!(
        d.until(T, |s| s
            .containers
            .get(&c.id)
            .is_some_and(|x| x.state == CState::Exited))
            .await
    );
    let _ = std::fs::remove_file(&proxy.path);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_engine_is_reported_and_retried() {
    let mut d = Driver::start(Some("unix:///nonexistent/dockside.sock"));
    assert!(
        d.until(
            T,
            |s| matches!(&s.conn, ConnStatus::Failed { attempt, .. } if *attempt >= 2)
        )
        .await,
        "failures are retried"
    );
    let ConnStatus::Failed { addr, error, .. } = &d.state.conn else {
        unreachable!()
    };
    assert!(addr.contains("/nonexistent/dockside.sock"), "{addr}");
    assert!(!error.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compose_projects_are_labelled_and_grouped() {
    if !engine::available() {
        return;
    }
    let project = engine::unique_name("dscompose").replace('-', "");
    let dir = std::env::temp_dir().join(&project);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let image = engine::test_image();
    std::fs::write(
        dir.join("docker-compose.yml"),
        format!(
            "version: \"2\"\nservices:\n  api:\n    image: {image}\n    command: sleep 300\n    labels:\n      dockside.test: \"1\"\n  db:\n    image: {image}\n    command: sleep 300\n    labels:\n      dockside.test: \"1\"\n"
        ),
    )
    .expect("write compose file");
    struct Down(std::path::PathBuf, String);
    impl Drop for Down {
        fn drop(&mut self) {
            let _ = std::process::Command::new("docker-compose")
                .args(["-p", &self.1, "down", "-v", "-t", "0"])
                .current_dir(&self.0)
                .output();
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _down = Down(dir.clone(), project.clone());
    let up = std::process::Command::new("docker-compose")
        .args(["-p", &project, "up", "-d"])
        .current_dir(&dir)
        .output()
        .expect("docker-compose runs (scripts/engine.sh installs it)");
    assert!(
        up.status.success(),
        "compose up: {}",
        String::from_utf8_lossy(&up.stderr)
    );
    let mut d = Driver::start(None);
    let p = project.clone();
    assert!(
        d.until(T, |s| s
            .containers
            .values()
            .filter(|c| c.project.as_deref() == Some(p.as_str()))
            .count()
            == 2)
            .await,
        "both services listed with their project"
    );
    let mut services: Vec<String> = d
        .state
        .containers
        .values()
        .filter(|c| c.project.as_deref() == Some(project.as_str()))
        .filter_map(|c| c.service.clone())
        .collect();
    services.sort();
    assert_eq!(services, vec!["api", "db"]);
    // Grouped: the project's rows are adjacent in the list.
    let pos: Vec<usize> = d
        .state
        .rows
        .iter()
        .enumerate()
        .filter(|(_, id)| d.state.containers[*id].project.as_deref() == Some(project.as_str()))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(pos.len(), 2);
    assert_eq!(pos[1], pos[0] + 1, "rows {pos:?}");
    // The filter matches the project name.
    d.key('/');
    for ch in project.chars() {
        d.key(ch);
    }
    assert_eq!(d.state.rows.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_tab_shows_docker_top_and_follows_a_stop() {
    if !engine::available() {
        return;
    }
    let c = TestContainer::run("dstop", &[], &["sh", "-c", "sleep 600"]);
    let mut d = Driver::start(None);
    d.select(&c.id).await;
    d.key('P');
    let has_sleep = |s: &dockside::app::State| {
        matches!(&s.top.shown, Some((id, Ok(p))) if *id == c.id
            && p.titles.iter().any(|t| t == "PID")
            && p.rows.iter().any(|r| r.iter().any(|v| v.contains("sleep 600"))))
    };
    assert!(
        d.until(T, has_sleep).await,
        "docker top of {} shows `sleep 600`: {:?}",
        c.name,
        d.state.top.shown
    );
    // The PIDs are the ones `docker top` gives.
    let cli = engine::docker_ok(&["top", &c.id]);
    let pid_col = d
        .state
        .top
        .shown
        .as_ref()
        .and_then(|(_, r)| r.as_ref().ok())
        .and_then(|p| p.titles.iter().position(|t| t == "PID"))
        .expect("PID column");
    if let Some((_, Ok(p))) = &d.state.top.shown {
        for row in &p.rows {
            let pid = &row[pid_col];
            assert!(
                cli.split_whitespace().any(|w| w == pid),
                "pid {pid} not in `docker top`:\n{cli}"
            );
        }
    }
    engine::docker_ok(&["stop", "-t", "0", &c.id]);
    assert!(
        d.until(T, |s| matches!(&s.top.shown, Some((id, Err(e))) if *id == c.id && e.contains("not running")))
            .await,
        "a stopped container's processes do not linger: {:?}",
        d.state.top.shown
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_from_a_dead_engine_to_a_live_one_lists_its_containers() {
    if !engine::available() {
        return;
    }
    let c = TestContainer::run("dsswitch", &[], &["sleep", "300"]);
    let mut d = Driver::start(Some("unix:///nonexistent/dockside.sock"));
    assert!(
        d.until(T, |s| matches!(&s.conn, ConnStatus::Failed { .. }))
            .await,
        "the dead engine is reported"
    );
    // ctrl-o lists the engines the CLI knows; `default` is the live one here.
    let live = dockside::docker::client::resolve(None, None).addr;
    switch_in_the_ui(&mut d, &live, "the engine switcher opens").await;
    assert!(
        d.until(
            T,
            |s| matches!(&s.conn, ConnStatus::Connected { addr, .. } if *addr == live)
                && s.containers.contains_key(&c.id)
        )
        .await,
        "connected to {live} and listed {}: {:?}",
        c.name,
        d.state.conn
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_that_never_answers_does_not_hold_up_a_switch() {
    if !engine::available() {
        return;
    }
    // A socket that accepts and then says nothing: the connection attempt hangs.
    let path = std::env::temp_dir().join(format!("dockside-silent-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let listener = std::os::unix::net::UnixListener::bind(&path).expect("bind");
    let silent = std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().take(4).flatten() {
            held.push(s); // never read, never answered
        }
        held.len()
    });
    let c = TestContainer::run("dshang", &[], &["sleep", "300"]);
    let mut d = Driver::start(Some(&format!("unix://{}", path.display())));
    let live = dockside::docker::client::resolve(None, None).addr;
    switch_in_the_ui(
        &mut d,
        &live,
        "the engine list comes while the attempt hangs",
    )
    .await;
    assert!(
        d.until(
            T,
            |s| matches!(&s.conn, ConnStatus::Connected { addr, .. } if *addr == live)
                && s.containers.contains_key(&c.id)
        )
        .await,
        "switched away from the silent engine: {:?}",
        d.state.conn
    );
    let _ = std::fs::remove_file(&path);
    drop(silent);
}

/// ctrl-o, wait for the engine list (`opens`: what the failure says), walk to `addr` with the
/// keys as a person would, and press enter.
async fn switch_in_the_ui(d: &mut Driver, addr: &str, opens: &str) {
    d.key_code(
        crossterm::event::KeyCode::Char('o'),
        crossterm::event::KeyModifiers::CONTROL,
    );
    assert!(
        d.until(T, |s| matches!(
            &s.overlay,
            dockside::app::state::Overlay::Engines { .. }
        ))
        .await,
        "{opens}"
    );
    let dockside::app::state::Overlay::Engines { list, .. } = &d.state.overlay else {
        unreachable!()
    };
    let pos = list
        .iter()
        .position(|e| e.addr == addr)
        .expect("the engine is offered");
    for _ in 0..list.len() + 1 {
        d.key('k');
    }
    for _ in 0..pos {
        d.key('j');
    }
    d.key_code(
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
    );
}

/// The first list as `main` asks it: written on the socket before any runtime exists, its
/// answer read once one runs. It holds what the engine holds, and a refusal is an error
/// with the engine's own words.
#[test]
fn the_first_list_asked_before_the_runtime_is_the_engines_list() {
    if !engine::available() {
        return;
    }
    let a = TestContainer::run("asked-a", &["-p", "127.0.0.1::80"], &["sleep", "300"]);
    let b = TestContainer::create("asked-b", &[], &["true"]);
    let addr = dockside::docker::client::resolve(None, None).addr;
    if !addr.starts_with("unix://") && !addr.starts_with('/') {
        eprintln!("{addr}: only a unix socket engine is asked before the runtime");
        return;
    }
    // Asked with no runtime anywhere (this test is not a tokio test).
    let asked = dockside::docker::ask_first_list(&addr).expect("a unix socket engine is asked");
    let refused =
        dockside::docker::client::ask(&addr, "/containers/no-such-thing/json").expect("asked");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let list = rt
        .block_on(dockside::docker::engine::read_first_list(asked))
        .expect("the list");
    let find = |id: &str| list.iter().find(|c| c.id == id);
    let (Some(ra), Some(rb)) = (find(&a.id), find(&b.id)) else {
        panic!("the test containers are not in the list of {}", list.len());
    };
    assert_eq!(ra.state, CState::Running);
    assert_eq!(rb.state, CState::Created);
    assert_eq!(ra.name, a.inspect("{{.Name}}").trim_start_matches('/'));
    assert_eq!(rb.name, b.inspect("{{.Name}}").trim_start_matches('/'));
    let port = docker_ok(&["port", &a.id, "80/tcp"]);
    let shown = dockside::app::model::ports_display(&ra.ports);
    let host_port = port.trim().rsplit(':').next().unwrap_or("?").to_string();
    assert!(
        shown.contains(&format!(":{host_port}->80/tcp")),
        "ports `{shown}` vs docker port `{port}`"
    );
    let e = rt
        .block_on(dockside::docker::client::read_asked(refused, |_| Ok(())))
        .expect_err("no such container");
    assert!(
        e.starts_with("404") && e.contains("no-such-thing"),
        "the engine's refusal: {e}"
    );
}

/// A container made after the first list was asked and before the engine task began (the
/// list does not hold it) still comes: the events stream starts from when the list was asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_container_made_while_the_list_is_asked_is_not_missed() {
    if !engine::available() {
        return;
    }
    let target = dockside::docker::client::resolve(None, None);
    let hosts = vec![target.spec(target.name())];
    let asked = dockside::runtime::ask(&hosts);
    if asked.first().is_none_or(|a| a.is_none()) {
        eprintln!("{}: only a unix socket engine is asked early", target.addr);
        return;
    }
    // The engine has answered the list (it answers at once; the answer waits on the socket)
    // before the container is made.
    std::thread::sleep(Duration::from_millis(500));
    let late = TestContainer::run("asked-late", &[], &["sleep", "300"]);
    let mut d = Driver::asked(hosts, asked);
    assert!(
        d.until(T, |s| s
            .containers
            .get(&late.id)
            .is_some_and(|c| c.state == CState::Running))
            .await,
        "the container made after the list was asked never came"
    );
}
