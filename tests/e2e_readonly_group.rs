//! The real binary in a pseudo-terminal on the main engine: an engine read-only by its
//! `[[engines]]` entry (also when named with `-H`) shows READ-ONLY and RO, refuses a stop
//! with a line naming it, and the container keeps running; the list grouped by compose
//! project (`b`) shows a project's group row with its state.

mod support;

use std::time::Duration;

use support::engine::{self, TestContainer};
use support::pty::PtyApp;

const BIN: &str = env!("CARGO_BIN_EXE_dockside");
const T: Duration = Duration::from_secs(30);

fn ok<T>(r: Result<T, String>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// A config file naming the main engine `prodlocal`, read-only.
fn config(dir_name: &str) -> (std::path::PathBuf, String) {
    let main = dockside::docker::client::resolve(None, None).addr;
    let dir = std::env::temp_dir().join(format!("{dir_name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let file = dir.join("config.toml");
    std::fs::write(
        &file,
        format!("[[engines]]\nname = \"prodlocal\"\nhost = \"{main}\"\nreadonly = true\n"),
    )
    .expect("write the config");
    (file, main)
}

#[test]
fn a_read_only_engine_refuses_a_stop_and_the_container_keeps_running() {
    if !engine::available() {
        return;
    }
    let (file, main) = config("dockside-e2e-ro");
    let c = TestContainer::run("e2e-ro", &[], &["sleep", "600"]);
    let cfg = file.display().to_string();
    // From the config's [[engines]]; then the same address given with -H.
    for args in [
        vec!["--config", cfg.as_str()],
        vec!["--config", cfg.as_str(), "-H", main.as_str()],
    ] {
        let mut app = PtyApp::spawn(BIN, &args, &[], 160, 40);
        ok(app.wait_for_text("READ-ONLY", T));
        app.send_str("/'");
        app.send_str(&c.name);
        app.key_enter();
        // Its row (not only the filter's text) is listed, and selected.
        ok(app.wait_for(
            |s| s.lines().any(|l| l.contains(&c.name) && l.contains("Up ")),
            T,
            "the container's row",
        ));
        app.send_str("s");
        let screen = ok(app.wait_for(
            |s| s.contains("is read-only (config: [[engines]] readonly)"),
            T,
            "the refusal line",
        ));
        assert!(screen.contains("`stop` not sent"), "{screen}");
        // Refused before anything left: the engine still runs it.
        assert_eq!(c.inspect("{{.State.Running}}"), "true");
        // The hosts view marks it.
        app.send_str("*");
        ok(app.wait_for(
            |s| s.contains("prodlocal RO") || s.lines().any(|l| l.contains(" RO ")),
            T,
            "the RO badge",
        ));
        app.send_str("q");
        assert_eq!(app.wait_exit(T), Some(0));
    }
    std::fs::remove_file(&file).ok();
}

#[test]
fn the_list_grouped_by_project_shows_its_group_row() {
    if !engine::available() {
        return;
    }
    let project = engine::unique_name("e2egrp");
    let label = format!("com.docker.compose.project={project}");
    let svc = "com.docker.compose.service=web";
    let up = TestContainer::run(
        "e2egrp-web",
        &["--label", &label, "--label", svc],
        &["sleep", "600"],
    );
    let down = TestContainer::create("e2egrp-job", &["--label", &label], &["true"]);
    let mut app = PtyApp::spawn(BIN, &[], &[], 160, 40);
    ok(app.wait_for_text("running /", T));
    app.send_str("b");
    app.send_str("/");
    app.send_str(&project);
    app.key_enter();
    let screen = ok(app.wait_for(
        |s| s.contains("▾") && s.contains(&up.name) && s.contains(&down.name),
        T,
        "the group row with both containers",
    ));
    assert!(screen.contains("2 containers"), "{screen}");
    assert!(screen.contains("partly up 1/2"), "{screen}");
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
}
