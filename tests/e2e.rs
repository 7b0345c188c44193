//! The real binary in a pseudo-terminal, against the real engine, driven by keys and read
//! from the screen as a person would.

mod support;

use std::time::Duration;

use dockside_harness::keys;
use support::engine::{self, TestContainer};
use support::pty::PtyApp;

const BIN: &str = env!("CARGO_BIN_EXE_dockside");
const T: Duration = Duration::from_secs(20);

fn ok<T>(r: Result<T, String>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// Whether the container list has been loaded: its title reads `Containers shown/total` with
/// at least one container (the test's own) on the engine.
fn list_loaded(screen: &str) -> bool {
    screen.lines().any(|l| {
        l.split("Containers ").skip(1).any(|rest| {
            let counts = rest.split_whitespace().next().unwrap_or("");
            counts
                .split_once('/')
                .and_then(|(_, total)| total.parse::<usize>().ok())
                .is_some_and(|total| total > 0)
        })
    })
}

/// dockside on the engine the CLI would use, once its container list is loaded. The engine is
/// never assumed empty: a test finds its own containers with [`filter_to`].
fn start_listed(cols: u16, rows: u16) -> PtyApp {
    let app = PtyApp::spawn(BIN, &[], &[], cols, rows);
    ok(app.wait_for(list_loaded, T, "the container list"));
    app
}

/// Narrow the list to the containers whose name contains `name` by typing a filter, as a
/// user would (`'`: an exact substring, not a fuzzy match), and wait for them to be listed:
/// on a busy engine they need not be on the first screen.
fn filter_to(app: &mut PtyApp, name: &str) {
    app.send_str("/'");
    app.send_str(name);
    app.key_enter();
    ok(app.wait_for(
        |s| s.contains("filter:") && s.contains(name),
        T,
        &format!("the list filtered to {name}"),
    ));
}

#[test]
fn select_a_container_stop_it_and_see_it_stopped() {
    if !engine::available() {
        return;
    }
    let c = TestContainer::run("e2e-stop", &[], &["sleep", "300"]);
    let mut app = start_listed(120, 36);
    filter_to(&mut app, &c.name);
    ok(app.wait_for(
        |s| s.lines().any(|l| l.contains(&c.name) && l.contains("Up ")),
        T,
        "running row",
    ));
    app.send_str("s");
    ok(app.wait_for(
        |s| {
            s.lines()
                .any(|l| l.contains(&c.name) && l.contains("Exited ("))
        },
        Duration::from_secs(30),
        "the row shows Exited",
    ));
    assert_eq!(c.inspect("{{.State.Status}}"), "exited");
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
    assert!(!app.alternate_screen(), "terminal restored");
}

#[test]
fn logs_search_highlights_and_hostile_output_is_neutralised() {
    if !engine::available() {
        return;
    }
    let script = "printf 'first line\\n'; printf 'the needle is here\\n'; \
                  printf '\\033]0;pwned-title\\007title attempt\\n'; \
                  printf '\\033]52;c;aGVsbG8=\\007clipboard attempt\\n'; \
                  printf 'err line\\n' >&2; sleep 300";
    let c = TestContainer::run("e2e-logs", &[], &["sh", "-c", script]);
    assert!(c.wait_for_log("clipboard attempt", T));
    let mut app = start_listed(120, 36);
    filter_to(&mut app, &c.name);
    ok(app.wait_for_text("the needle is here", T));
    ok(app.wait_for_text("␛]52;…clipboard attempt", T));
    ok(app.wait_for_text("␛]0;…title attempt", T));
    assert_eq!(
        app.title_set_count(),
        0,
        "a container must not set the window title"
    );
    // Focus the logs and search.
    app.key_tab();
    app.send_str("/needle");
    app.key_enter();
    ok(app.wait_for_text("search `needle`: 1 line matches", T));
    // The match is drawn highlighted (a background colour on its cells).
    let highlighted = app.with_screen(|screen| {
        let (rows, cols) = screen.size();
        for r in 0..rows {
            let row: String = (0..cols)
                .filter_map(|c| screen.cell(r, c).map(|cell| cell.contents().to_string()))
                .collect();
            if let Some(pos) = row.find("needle") {
                let col = row[..pos].chars().count() as u16;
                return screen
                    .cell(r, col)
                    .is_some_and(|cell| cell.bgcolor() != vt100::Color::Default);
            }
        }
        false
    });
    assert!(
        highlighted,
        "the match has a highlight\n{}",
        app.screen_text()
    );
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
}

#[test]
fn unreachable_engine_is_explained_and_quit_restores_the_terminal() {
    let mut app = PtyApp::spawn(
        BIN,
        &["-H", "unix:///nonexistent/dockside.sock"],
        &[],
        80,
        24,
    );
    ok(app.wait_for_text("Cannot reach the Docker engine", T));
    ok(app.wait_for_text("/nonexistent/dockside.sock", T));
    ok(app.wait_for_text("Retrying with backoff", T));
    assert!(app.alternate_screen());
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
    assert!(!app.alternate_screen(), "alternate screen left");
    assert!(!app.hide_cursor(), "cursor shown again");
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for sig in ["TERM", "HUP"] {
        let mut app = PtyApp::spawn(
            BIN,
            &["-H", "unix:///nonexistent/dockside.sock"],
            &[],
            80,
            24,
        );
        ok(app.wait_for_text("Cannot reach", T));
        assert!(app.mouse_reporting(), "the mouse is captured while running");
        assert!(app.signal(sig));
        assert!(app.wait_exit(T).is_some(), "exits on SIG{sig}");
        assert!(!app.alternate_screen(), "SIG{sig}: alternate screen left");
        assert!(!app.mouse_reporting(), "SIG{sig}: mouse given back");
    }
}

#[test]
fn help_lists_the_keys_from_the_keymap() {
    let mut app = PtyApp::spawn(
        BIN,
        &["-H", "unix:///nonexistent/dockside.sock"],
        &[],
        100,
        40,
    );
    ok(app.wait_for_text("Cannot reach", T));
    app.send_str("?");
    // The help is taller than 40 rows now: it scrolls, and any other key closes it.
    ok(app.wait_for_text("any other key closes)", T));
    ok(app.wait_for_text("Show/hide stopped containers", T));
    app.send_str("x");
    ok(app.wait_for_no_text("any other key closes)", T));
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
}

#[test]
fn malformed_config_is_refused_with_a_clear_message() {
    let dir = std::env::temp_dir().join(format!("dockside-e2e-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let cfg = dir.join("bad.toml");
    std::fs::write(&cfg, "[logs]\ntail = \"lots\"\n").expect("write");
    let out = std::process::Command::new(BIN)
        .args(["--config", cfg.to_str().unwrap_or_default()])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml") && err.contains("tail"), "{err}");
    // A theme that does not exist is refused the same way, before the terminal is touched.
    let out = std::process::Command::new(BIN)
        .args(["--theme", "neon"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("neon") && err.contains("high-contrast"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn version_and_help_flags() {
    let out = std::process::Command::new(BIN)
        .arg("--version")
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("dockside "));
    let out = std::process::Command::new(BIN)
        .arg("--help")
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("--host") && text.contains("DOCKER_HOST"),
        "{text}"
    );
}

#[test]
fn shell_in_a_pane_next_to_the_list() {
    if !engine::available() {
        return;
    }
    let c = TestContainer::run("e2e-shell", &[], &["sleep", "300"]);
    let mut app = start_listed(120, 40);
    filter_to(&mut app, &c.name);
    // The key that leaves the shell, as the keymap binds it.
    let leave = ok(keys::leave_shell());
    let hint = keys::leave_shell_hint(&leave);
    app.send_str("e");
    ok(app.wait_for_text(&hint, T));
    ok(app.wait_for_text("#", T));
    app.send_str("echo $((6*7))");
    app.key_enter();
    ok(app.wait_for(
        |s| {
            s.lines()
                .any(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()) == "42")
        },
        T,
        "42 on its own line",
    ));
    // The container list is still on screen while the output appears.
    let screen = app.screen_text();
    assert!(
        screen.contains(&c.name) && screen.contains("Containers"),
        "{screen}"
    );
    // `stty size` is the pane's inner size.
    app.send_str("stty size");
    app.key_enter();
    // 120x40: the detail pane is 21 rows high, so the shell gets 19x118 inside its border.
    ok(app.wait_for_text("19 118", T));
    // Leave the shell, then quit.
    app.send(&leave.bytes);
    ok(app.wait_for_no_text(&hint, T));
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
}

#[test]
fn one_off_command_shows_output_and_exit_code() {
    if !engine::available() {
        return;
    }
    let c = TestContainer::run("e2e-once", &[], &["sleep", "300"]);
    let mut app = start_listed(120, 40);
    filter_to(&mut app, &c.name);
    app.send_str("!");
    ok(app.wait_for_text("Run once in", T));
    app.send_str("sh -c 'echo once-$((40+2)); exit 3'");
    app.key_enter();
    ok(app.wait_for_text("once-42", T));
    ok(app.wait_for_text("exit code 3", T));
    app.send_str(" ");
    ok(app.wait_for_no_text("exit code 3", T));
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
}

#[test]
fn handoff_runs_the_shell_in_the_real_terminal_and_comes_back() {
    if !engine::available() {
        return;
    }
    let c = TestContainer::run("e2e-handoff", &[], &["sleep", "300"]);
    let mut app = start_listed(120, 40);
    filter_to(&mut app, &c.name);
    app.key_ctrl('e');
    ok(app.wait_for_text("exit it to come back", T));
    assert!(!app.alternate_screen(), "the UI is suspended");
    std::thread::sleep(Duration::from_millis(500));
    app.send_str("echo handoff-$((1+1))");
    app.key_enter();
    ok(app.wait_for_text("handoff-2", T));
    app.send_str("exit");
    app.key_enter();
    ok(app.wait_for_text("back from the shell", T));
    assert!(app.alternate_screen(), "the UI is back");
    ok(app.wait_for_text(&c.name, T));
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
}

#[test]
fn events_view_shows_an_external_kill_live() {
    if !engine::available() {
        return;
    }
    let c = TestContainer::run("e2e-events", &[], &["sleep", "300"]);
    let mut app = start_listed(160, 40);
    app.send_str("6");
    // Other containers' events fill the view on a busy engine: narrow it to this one's
    // (a case-insensitive substring of the event's attributes, the name among them).
    app.send_str("/");
    app.send_str(&c.name);
    app.key_enter();
    ok(app.wait_for_text("filter:", T));
    // The container's start came from the engine's past (before dockside started).
    ok(app.wait_for(
        |s| {
            s.lines()
                .any(|l| l.contains(" start ") && l.contains(&c.name))
        },
        T,
        "the container's start, from the last hour",
    ));
    engine::docker_ok(&["kill", &c.id]);
    ok(app.wait_for(
        |s| {
            s.lines()
                .any(|l| l.contains(" die ") && l.contains(&c.name) && l.contains("exitCode=137"))
        },
        T,
        "the kill's die event, live",
    ));
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
}

#[test]
fn a_click_selects_a_row_and_the_key_acts_on_it() {
    if !engine::available() {
        return;
    }
    // Short names (they must fit the name column) sharing a token only they have.
    let token = engine::unique_name("m")
        .rsplit('-')
        .next()
        .unwrap_or("m")
        .to_string();
    let prefix = format!("m{token}");
    let a = TestContainer::run(&format!("{prefix}a"), &[], &["sleep", "300"]);
    let b = TestContainer::run(
        &format!("{prefix}b"),
        &["--stop-timeout", "1"],
        &["sleep", "300"],
    );
    let mut app = start_listed(120, 36);
    filter_to(&mut app, &prefix);
    let screen = ok(app.wait_for(
        |s| s.contains(&a.name) && s.contains(&b.name),
        T,
        "both rows under the filter",
    ));
    let row = screen
        .lines()
        .position(|l| l.contains(&b.name) && l.contains("Up "))
        .expect("b's row");
    // Left button press and release at column 5 of that row (SGR encoding, 1-based).
    app.send_str(&format!("\x1b[<0;5;{}M\x1b[<0;5;{}m", row + 1, row + 1));
    app.send_str("s");
    ok(app.wait_for(
        |s| {
            s.lines()
                .any(|l| l.contains(&b.name) && l.contains("Exited ("))
        },
        Duration::from_secs(30),
        "the clicked row is stopped",
    ));
    assert_eq!(
        a.inspect("{{.State.Status}}"),
        "running",
        "the other row was not touched"
    );
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
    assert!(
        !app.mouse_reporting(),
        "the mouse is given back to the terminal"
    );
}
