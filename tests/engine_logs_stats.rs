//! Logs and stats against a real engine, through the real docker layer and update function.

mod support;

use std::time::Duration;

use dockside::app::logbuf::LogStream;
use dockside::app::logs::StreamState;
use dockside::app::model::CState;
use support::driver::Driver;
use support::engine::{self, TestContainer, docker_ok};

const T: Duration = Duration::from_secs(20);

fn lines(d: &Driver) -> Vec<(LogStream, String)> {
    d.state
        .logs
        .buf
        .iter()
        .map(|(_, l)| (l.stream, l.body.text.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_hold_exactly_the_lines_in_order_tagged_by_stream() {
    if !engine::available() {
        return;
    }
    let script = "echo out-1; echo err-1 >&2; echo out-2; sleep 0.2; echo err-2 >&2; echo '用户 ✓'; sleep 300";
    let c = TestContainer::run("logs-streams", &[], &["sh", "-c", script]);
    assert!(c.wait_for_log("用户", T));
    let mut d = Driver::start(None);
    d.select(&c.id).await;
    assert!(
        d.until(T, |s| s.logs.buf.len() >= 5).await,
        "lines arrive: {:?}",
        lines(&d)
    );
    let got = lines(&d);
    let outs: Vec<&str> = got
        .iter()
        .filter(|(s, _)| *s == LogStream::Stdout)
        .map(|(_, t)| t.as_str())
        .collect();
    let errs: Vec<&str> = got
        .iter()
        .filter(|(s, _)| *s == LogStream::Stderr)
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(outs, vec!["out-1", "out-2", "用户 ✓"]);
    assert_eq!(errs, vec!["err-1", "err-2"]);
    assert_eq!(got.len(), 5);
    // Follow picks up new lines.
    docker_ok(&[
        "exec",
        &c.id,
        "sh",
        "-c",
        "echo followed-line > /proc/1/fd/1",
    ]);
    assert!(
        d.until(T, |s| s
            .logs
            .buf
            .iter()
            .any(|(_, l)| l.body.text == "followed-line"))
            .await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tty_container_logs_are_console_lines() {
    if !engine::available() {
        return;
    }
    let c = TestContainer::run(
        "logs-tty",
        &["-t"],
        &["sh", "-c", "echo tty-line-1; echo tty-line-2; sleep 300"],
    );
    assert!(c.wait_for_log("tty-line-2", T));
    let mut d = Driver::start(None);
    d.select(&c.id).await;
    assert!(d.until(T, |s| s.logs.buf.len() >= 2).await);
    let got = lines(&d);
    assert_eq!(
        got,
        vec![
            (LogStream::Console, "tty-line-1".to_string()),
            (LogStream::Console, "tty-line-2".to_string())
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tail_window_matches_docker_logs_tail() {
    if !engine::available() {
        return;
    }
    let c = TestContainer::run("logs-tail", &[], &["sh", "-c", "seq 1 5000; sleep 300"]);
    assert!(support::wait_until(T, || docker_ok(&[
        "logs", "--tail", "1", &c.id
    ]) == "5000"));
    let mut d = Driver::start(None);
    d.select(&c.id).await;
    assert!(d.until(T, |s| s.logs.buf.len() >= 1000).await);
    let expected: Vec<String> = docker_ok(&["logs", "--tail", "1000", &c.id])
        .lines()
        .map(str::to_owned)
        .collect();
    let got: Vec<String> = lines(&d).into_iter().map(|(_, t)| t).collect();
    assert_eq!(got, expected);
    // "Everything" window returns all 5000.
    d.key_code(
        crossterm::event::KeyCode::Tab,
        crossterm::event::KeyModifiers::NONE,
    );
    d.key('%');
    assert!(
        d.until(T, |s| s.logs.buf.len() >= 5000).await,
        "all lines: {}",
        d.state.logs.buf.len()
    );
    assert_eq!(d.state.logs.buf.len(), 5000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_is_followed_without_repeats_and_stop_is_explained() {
    if !engine::available() {
        return;
    }
    let c = TestContainer::run(
        "logs-restart",
        &[],
        &[
            "sh",
            "-c",
            "n=$(cat /n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /n; echo boot-$n; sleep 300",
        ],
    );
    assert!(c.wait_for_log("boot-", T));
    let mut d = Driver::start(None);
    d.select(&c.id).await;
    assert!(d.until(T, |s| s.logs.buf.len() == 1).await);
    docker_ok(&["stop", "-t", "0", &c.id]);
    assert!(
        d.until(T, |s| matches!(s.logs.state, StreamState::Ended(_)))
            .await,
        "end of stream shown"
    );
    docker_ok(&["start", &c.id]);
    assert!(
        d.until(T, |s| s
            .logs
            .buf
            .iter()
            .filter(|(_, l)| l.body.text.starts_with("boot-"))
            .count()
            == 2)
            .await,
        "the second boot line arrives: {:?}",
        lines(&d)
    );
    // Each boot once, in order: nothing repeated across the restart.
    let got: Vec<String> = lines(&d).into_iter().map(|(_, t)| t).collect();
    assert_eq!(got, vec!["boot-1", "boot-2"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn busy_container_shows_cpu_near_100_and_idle_near_0_with_limits() {
    if !engine::available() {
        return;
    }
    let busy = TestContainer::run("stats-busy", &[], &["sh", "-c", "while :; do :; done"]);
    let idle = TestContainer::run("stats-idle", &["--memory", "64m"], &["sleep", "300"]);
    let mut d = Driver::start(None);
    d.select(&busy.id).await;
    let cpu = |s: &dockside::app::State, id: &str| {
        s.stats
            .get(id)
            .and_then(|h| h.latest())
            .map(|x| x.cpu_percent)
    };
    let (b, i) = (busy.id.clone(), idle.id.clone());
    assert!(
        d.until(Duration::from_secs(30), |s| {
            s.stats.get(&b).is_some_and(|h| h.len() >= 3) && cpu(s, &b).is_some_and(|c| c > 70.0)
        })
        .await,
        "busy cpu: {:?}",
        cpu(&d.state, &b)
    );
    assert!(
        cpu(&d.state, &b).is_some_and(|c| c < 130.0),
        "one core at most: {:?}",
        cpu(&d.state, &b)
    );
    assert!(
        d.until(T, |s| s.stats.get(&i).is_some_and(|h| h.len() >= 2))
            .await,
        "idle sampled"
    );
    assert!(
        cpu(&d.state, &i).is_some_and(|c| c < 5.0),
        "idle cpu {:?}",
        cpu(&d.state, &i)
    );
    let limit = d.state.stats[&i].latest().map(|x| x.mem_limit);
    assert_eq!(limit, Some(64 * 1024 * 1024));
    // Stats stop for a stopped container.
    docker_ok(&["stop", "-t", "0", &busy.id]);
    assert!(
        d.until(T, |s| s
            .containers
            .get(&b)
            .is_some_and(|c| c.state == CState::Exited))
            .await
    );
    assert!(!d.state.stats.contains_key(&b));
    assert!(!d.state.watching.contains(&b));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_are_shown_and_updated_like_docker_update() {
    if !engine::available() {
        return;
    }
    let c = TestContainer::run(
        "stats-limits",
        &["--memory", "64m", "--cpus", "0.5"],
        &["sleep", "300"],
    );
    let mut d = Driver::start(None);
    d.select(&c.id).await;
    d.key('t');
    let id = c.id.clone();
    assert!(
        d.until(T, |s| s.limits.as_ref().is_some_and(|(i, _)| *i == id))
            .await,
        "limits fetched for the stats tab"
    );
    let l = d.state.limits.clone().map(|(_, l)| l).unwrap_or_default();
    assert_eq!(l.memory, 64 << 20);
    assert_eq!(l.cpus(), Some(0.5));
    // Update from the app, as a user types it.
    d.key('U');
    for ch in "memory=256m cpus=1.5".chars() {
        d.key_code(
            crossterm::event::KeyCode::Char(ch),
            crossterm::event::KeyModifiers::NONE,
        );
    }
    d.key_code(
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
    );
    assert!(
        d.until(T, |s| s
            .limits
            .as_ref()
            .is_some_and(|(_, l)| l.memory == 256 << 20))
            .await,
        "new limits visible: {:?} status {:?}",
        d.state.limits,
        d.state.status
    );
    assert_eq!(
        c.inspect("{{.HostConfig.Memory}}"),
        (256u64 << 20).to_string()
    );
    assert_eq!(c.inspect("{{.HostConfig.NanoCpus}}"), "1500000000");
    // A bad value is refused in the status line and changes nothing.
    d.key('U');
    for ch in "memory=lots".chars() {
        d.key_code(
            crossterm::event::KeyCode::Char(ch),
            crossterm::event::KeyModifiers::NONE,
        );
    }
    d.key_code(
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
    );
    let st = d.state.status.clone().map(|s| s.text).unwrap_or_default();
    assert!(st.contains("bad size"), "{st}");
    assert_eq!(
        c.inspect("{{.HostConfig.Memory}}"),
        (256u64 << 20).to_string()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_buffer_and_whole_log_to_files() {
    if !engine::available() {
        return;
    }
    let c = TestContainer::run(
        "logs-save",
        &[],
        &[
            "sh",
            "-c",
            "seq 1 3000; printf '\\033]0;evil\\007x\\n'; sleep 300",
        ],
    );
    assert!(c.wait_for_log("x", T));
    let dir = std::env::temp_dir().join(engine::unique_name("dockside-save"));
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::env::set_current_dir(&dir).expect("cd");
    let mut d = Driver::start(None);
    d.select(&c.id).await;
    assert!(d.until(T, |s| s.logs.buf.len() >= 1000).await);
    d.key_code(
        crossterm::event::KeyCode::Tab,
        crossterm::event::KeyModifiers::NONE,
    );
    d.key('S');
    assert!(
        d.until(T, |s| s
            .status
            .as_ref()
            .is_some_and(|m| m.text.starts_with("saved the whole log")))
            .await,
        "status: {:?}",
        d.state.status
    );
    let msg = d.state.status.clone().map(|m| m.text).unwrap_or_default();
    assert!(msg.contains("3001 lines"), "{msg}");
    let file = std::fs::read_dir(&dir)
        .expect("ls")
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().ends_with("-full.log"))
        .expect("the file exists");
    let text = std::fs::read_to_string(file.path()).expect("read");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3001);
    assert_eq!(lines[0], "1");
    assert_eq!(lines[2999], "3000");
    assert_eq!(
        lines[3000], "␛]0;…x",
        "control sequences are neutralised in the file"
    );
    assert!(!text.contains('\u{1b}'));
    let _ = std::fs::remove_dir_all(&dir);
}
