//! Tests of the test harness itself (`tests/support`): the pty driver and the
//! Docker engine helpers.

mod support;

use std::time::Duration;

use support::engine::{self, TestContainer};
use support::pty::PtyApp;

const T: Duration = Duration::from_secs(10);

fn sh(script: &str, cols: u16, rows: u16) -> PtyApp {
    PtyApp::spawn("/bin/sh", &["-c", script], &[], cols, rows)
}

fn ok<T>(r: Result<T, String>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn pty_shows_program_output() {
    let app = sh("printf 'hello\\n'; sleep 5", 80, 24);
    let screen = ok(app.wait_for_text("hello", T));
    assert_eq!(screen.split('\n').count(), 24, "one line per row");
    assert_eq!(app.row(0), "hello");
    assert!(
        app.bytes_written() >= 6,
        "counted {} bytes",
        app.bytes_written()
    );
    assert_eq!(app.title(), "", "nobody set a title");
}

#[test]
fn pty_has_requested_size_and_term() {
    let app = sh(
        "stty size; echo \"term=$TERM cols=${COLUMNS:-none}\"; sleep 5",
        100,
        30,
    );
    ok(app.wait_for_text("30 100", T));
    ok(app.wait_for_text("term=xterm-256color cols=none", T));
    assert_eq!(app.size(), (100, 30));
}

#[test]
fn pty_passes_extra_env() {
    let app = PtyApp::spawn(
        "/bin/sh",
        &["-c", "echo \"v=$DOCKSIDE_HARNESS_X\"; sleep 5"],
        &[("DOCKSIDE_HARNESS_X", "42")],
        80,
        24,
    );
    ok(app.wait_for_text("v=42", T));
}

#[test]
fn pty_resize_reaches_program_and_screen() {
    let mut app = sh("read x; stty size; sleep 5", 80, 24);
    // Let the shell reach `read` (the line discipline buffers input anyway).
    std::thread::sleep(Duration::from_millis(100));
    app.resize(120, 40);
    assert_eq!(app.size(), (120, 40));
    app.key_enter();
    ok(app.wait_for_text("40 120", T));
    assert_eq!(app.screen_text().split('\n').count(), 40);
}

#[test]
fn pty_typed_input_reaches_program() {
    let mut app = sh("read line; echo \"got:$line\"; sleep 5", 80, 24);
    app.send_str("abc");
    app.key_enter();
    let screen = ok(app.wait_for_text("got:abc", T));
    assert!(!screen.contains("got:abcx"));
}

#[test]
fn pty_arrow_keys_follow_cursor_key_mode() {
    // Normal mode, then application cursor mode (DECCKM) like full-screen apps.
    let script = "stty -echo -icanon min 3 time 0; \
                  dd bs=3 count=1 2>/dev/null | od -An -c; \
                  printf '\\033[?1h'; \
                  dd bs=3 count=1 2>/dev/null | od -An -c; \
                  echo done; sleep 5";
    let mut app = sh(script, 80, 24);
    std::thread::sleep(Duration::from_millis(200));
    app.key_down();
    ok(app.wait_for(|s| s.contains("033   [   B"), T, "normal-mode Down"));
    ok(app.wait_for(|_| app.application_cursor(), T, "DECCKM on"));
    app.key_up();
    ok(app.wait_for(|s| s.contains("033   O   A"), T, "application-mode Up"));
    ok(app.wait_for_text("done", T));
}

#[test]
fn pty_answers_cursor_position_query() {
    // A program that asks where the cursor is must get an answer, as from xterm.
    let script = "stty -echo -icanon min 1 time 0; \
                  printf '\\033[2J\\033[3;5H\\033[6n'; \
                  head -c 6 | od -An -c; sleep 5";
    let app = sh(script, 80, 24);
    ok(app.wait_for(|s| s.contains("033   [   3   ;   5   R"), T, "CPR reply"));
}

#[test]
fn pty_alternate_screen_is_tracked_and_restored() {
    let mut app = sh(
        "printf 'main\\n'; printf '\\033[?1049h\\033[?25lALT'; sleep 0.3; printf '\\033[?1049l\\033[?25h'",
        80,
        24,
    );
    assert!(
        support::wait_until(T, || app.alternate_screen()),
        "never entered the alternate screen\n{}",
        app.screen_dump()
    );
    ok(app.wait_for_text("ALT", T));
    assert!(app.hide_cursor());
    assert_eq!(app.wait_exit(T), Some(0));
    assert!(!app.alternate_screen(), "alternate screen not left");
    assert!(!app.hide_cursor(), "cursor still hidden");
    let screen = app.screen_text();
    assert!(
        screen.contains("main") && !screen.contains("ALT"),
        "{screen}"
    );
}

#[test]
fn pty_records_window_title() {
    let app = sh("printf '\\033]2;hello-title\\007ok\\n'; sleep 5", 80, 24);
    ok(app.wait_for_text("ok", T));
    assert_eq!(app.title(), "hello-title");
    assert_eq!(app.title_set_count(), 1);
}

#[test]
fn pty_reports_exit_code() {
    let mut app = sh("echo bye; exit 3", 80, 24);
    assert_eq!(app.wait_exit(T), Some(3));
    assert!(!app.is_alive());
    assert!(app.output_closed());
    assert_eq!(app.row(0), "bye");
}

#[test]
fn pty_wait_for_text_fails_with_screen() {
    let app = sh("echo visible-line; sleep 5", 80, 24);
    ok(app.wait_for_text("visible-line", T));
    let err = app
        .wait_for_text("never-there", Duration::from_millis(200))
        .expect_err("text is not on screen");
    assert!(err.contains("never-there"), "{err}");
    assert!(
        err.contains("visible-line"),
        "error must show the screen: {err}"
    );
}

#[test]
fn pty_wait_for_gives_up_when_program_exits() {
    let mut app = sh("echo gone", 80, 24);
    let started = std::time::Instant::now();
    let err = app
        .wait_for_text("never-there", Duration::from_secs(30))
        .expect_err("text is not on screen");
    assert!(started.elapsed() < Duration::from_secs(10), "{err}");
    assert!(err.contains("closed the terminal"), "{err}");
    assert_eq!(app.wait_exit(T), Some(0));
}

#[test]
fn pty_drop_kills_program_and_its_children() {
    let app = sh("sleep 60 & echo \"pids:$$:$!\"; wait", 80, 24);
    let screen = ok(app.wait_for_text("pids:", T));
    let line = screen
        .lines()
        .find(|l| l.starts_with("pids:"))
        .expect("pids line");
    let pids: Vec<String> = line
        .trim_start_matches("pids:")
        .split(':')
        .map(str::to_string)
        .collect();
    assert_eq!(pids.len(), 2, "{line}");
    for pid in &pids {
        assert!(
            std::path::Path::new(&format!("/proc/{pid}")).exists(),
            "{pid} running"
        );
    }
    drop(app);
    for pid in &pids {
        assert!(
            support::wait_until(T, || !std::path::Path::new(&format!("/proc/{pid}"))
                .exists()),
            "process {pid} survived dropping the PtyApp"
        );
    }
}

#[test]
fn unique_names_are_unique_and_docker_safe() {
    let a = engine::unique_name("Harness Test/x");
    let b = engine::unique_name("Harness Test/x");
    assert_ne!(a, b);
    for n in [&a, &b] {
        assert!(
            n.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c)),
            "{n}"
        );
        assert!(n.starts_with("harness-test-x-"), "{n}");
    }
    assert!(engine::unique_name("-x").starts_with(|c: char| c.is_ascii_alphanumeric()));
}

#[test]
fn wait_until_times_out_and_succeeds() {
    let start = std::time::Instant::now();
    assert!(!support::wait_until(Duration::from_millis(100), || false));
    assert!(start.elapsed() >= Duration::from_millis(100));
    let mut n = 0;
    assert!(support::wait_until(T, || {
        n += 1;
        n == 3
    }));
}

#[test]
fn engine_test_container_lifecycle() {
    if !engine::available() {
        return;
    }
    let c = TestContainer::run("harness", &[], &["sh", "-c", "echo ready; sleep 60"]);
    assert!(c.name.starts_with("harness-"), "{}", c.name);
    assert!(
        support::wait_until(T, || c.logs().contains("ready")),
        "logs: {}",
        c.logs()
    );
    assert_eq!(c.status(), "running");
    let listed = engine::docker_ok(&[
        "ps",
        "--filter",
        &format!("label={}", engine::TEST_LABEL),
        "--format",
        "{{.ID}} {{.Names}}",
    ]);
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with(c.short_id()) && l.ends_with(&c.name)),
        "{} not listed:\n{listed}",
        c.name
    );
    let id = c.id.clone();
    drop(c);
    assert!(
        !engine::container_exists(&id),
        "container {id} still exists"
    );
}

#[test]
fn engine_create_and_remove_labelled() {
    if !engine::available() {
        return;
    }
    let prefix = engine::unique_name("harness-rl");
    let c = TestContainer::create(&prefix, &[], &["true"]);
    assert_eq!(c.status(), "created");
    assert_eq!(c.inspect("{{index .Config.Labels \"dockside.test\"}}"), "1");
    let other = TestContainer::create("harness-keep", &[], &["true"]);
    assert_eq!(engine::remove_labelled(&prefix), 1);
    assert!(!c.exists());
    assert!(
        other.exists(),
        "a container with another prefix was removed"
    );
}
