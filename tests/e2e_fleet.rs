//! The real binary in a pseudo-terminal with two engines (`-H` twice): the header counts both,
//! the list shows each engine's container under HOST, the hosts view lists both, and an
//! engine killed meanwhile is shown unreachable while the other's rows stay live.

mod support;

use std::time::Duration;

use support::engine::{self, TestContainer};
use support::engine2::Engine2;
use support::pty::PtyApp;

const BIN: &str = env!("CARGO_BIN_EXE_dockside");
const T: Duration = Duration::from_secs(30);

fn ok<T>(r: Result<T, String>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn two_engines_in_one_screen() {
    if !engine::available() {
        return;
    }
    let Some(e2) = Engine2::start("e2efleet", &[]) else {
        return;
    };
    let image = engine::test_image();
    e2.load(&image);
    let name = engine::unique_name("e2efleet");
    e2.docker_ok(&[
        "run",
        "-d",
        "--name",
        &format!("{name}-far"),
        &image,
        "sleep",
        "600",
    ]);
    let near = TestContainer::run(&format!("{name}-near"), &[], &["sleep", "600"]);
    let main = dockside::docker::client::resolve(None, None).addr;
    let far = e2.sock();
    let mut app = PtyApp::spawn(BIN, &["-H", &main, "-H", &far], &[], 160, 40);
    ok(app.wait_for_text("2/2 engines", T));
    // Both of ours, each under its engine's name (`local`; `e2efleet`, its socket's folder).
    app.send_str("/'");
    app.send_str(&name);
    app.key_enter();
    let screen = ok(app.wait_for(
        |s| s.contains(&format!("{name}-far")) && s.contains(&near.name),
        T,
        "both engines' containers",
    ));
    assert!(
        screen.contains("HOST") && screen.contains("e2efleet"),
        "{screen}"
    );
    // The hosts view lists both, connected.
    app.send_str("*");
    ok(app.wait_for(
        |s| s.contains("2 engines, 2 connected"),
        T,
        "the hosts view",
    ));
    // The second engine dies: it is shown unreachable, dockside stays.
    e2.kill();
    ok(app.wait_for(
        |s| s.contains("1/2 engines") && s.contains("unreachable"),
        T,
        "the outage",
    ));
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
}
