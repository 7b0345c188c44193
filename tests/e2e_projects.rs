//! The real binary in a pseudo-terminal against the real engine: a compose project stopped,
//! brought up again with the compose CLI and taken down, by keys, read from the screen.

mod support;

use std::time::Duration;

use support::compose::bring_up;
use support::engine::{self, docker_ok};
use support::pty::PtyApp;

const BIN: &str = env!("CARGO_BIN_EXE_dockside");
const T: Duration = Duration::from_secs(60);

fn ok<T>(r: Result<T, String>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_project_stopped_brought_up_and_taken_down_by_keys() {
    if !engine::available() {
        return;
    }
    let stack = bring_up();
    let p = stack.name.clone();
    let mut app = PtyApp::spawn(BIN, &[], &[], 200, 50);
    ok(app.wait_for(|s| s.contains("Containers"), T, "the containers view"));
    app.send_str("7");
    ok(app.wait_for(|s| s.contains("projects"), T, "the projects view"));
    app.send_str("/'");
    app.send_str(&p);
    app.key_enter();
    let row = |s: &str, state: &str| s.lines().any(|l| l.contains(&p) && l.contains(state));
    ok(app.wait_for(|s| row(s, "partly up 4/5"), T, "the project, partly up"));
    // Stop it.
    app.send_str("s");
    ok(app.wait_for(|s| row(s, "exited 0/5"), T, "the project, stopped"));
    // Up again through the compose CLI, its output on screen. `up` without `--scale` brings
    // api back to the file's one replica, as docker-compose does.
    app.send_str("u");
    ok(app.wait_for(
        |s| row(s, "running 4/4") && s.contains("$ docker-compose"),
        T,
        "the project up again, the command shown",
    ));
    ok(app.wait_for(|s| s.contains(" done "), T, "the compose run done"));
    // Down, after asking.
    app.send_str("D");
    ok(app.wait_for(|s| s.contains(&format!("Down {p}")), T, "the question"));
    app.send_str("y");
    ok(app.wait_for(
        |s| {
            !s.lines().any(|l| l.contains(&p) && l.contains("running"))
                && (s.contains("No project matches the filter.")
                    || s.contains("No compose projects on this engine."))
        },
        T,
        "the project gone from the view",
    ));
    let label = format!("label=com.docker.compose.project={p}");
    assert!(
        engine::wait_until(T, || docker_ok(&["ps", "-aq", "--filter", &label])
            .trim()
            .is_empty()
            && docker_ok(&["network", "ls", "-q", "--filter", &label])
                .trim()
                .is_empty()),
        "containers and network removed"
    );
    // Not asked for: the named volume stays (the stack's drop removes it).
    assert!(
        !docker_ok(&["volume", "ls", "-q", "--filter", &label])
            .trim()
            .is_empty()
    );
    app.send_str("q");
}
