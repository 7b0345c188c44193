//! `dockside -f docker-compose.yml -p NAME` in a pseudo-terminal: the project, not on the
//! engine yet, comes up through the compose CLI, its output on screen, then listed by the
//! projects view with its services running.

mod support;

use std::time::Duration;

use support::compose::Stack;
use support::engine::{self, unique_name};
use support::pty::PtyApp;

const BIN: &str = env!("CARGO_BIN_EXE_dockside");
const T: Duration = Duration::from_secs(60);

#[test]
fn a_compose_file_given_at_start_is_brought_up() {
    if !engine::available() {
        return;
    }
    let name = unique_name("dsfile");
    let image = engine::test_image();
    let dir = std::env::temp_dir().join(&name);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("docker-compose.yml");
    let cmd = r#"["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]"#;
    std::fs::write(
        &file,
        format!(
            "version: \"2.4\"\nservices:\n  web:\n    image: {image}\n    command: {cmd}\n  cache:\n    image: {image}\n    command: {cmd}\n"
        ),
    )
    .expect("compose file");
    // Taken down (with its files) however the test ends.
    let stack = Stack {
        name: name.clone(),
        dir: dir.clone(),
        file: file.clone(),
        tags: vec![],
    };
    let path = file.display().to_string();
    let mut app = PtyApp::spawn(BIN, &["-f", &path, "-p", &name], &[], 200, 50);
    // The CLI's command line is shown, then the project with both services up.
    app.wait_for_text("up -d", T)
        .unwrap_or_else(|e| panic!("the compose run: {e}"));
    assert!(
        support::wait_until(T, || stack.ps().values().filter(|up| **up).count() == 2),
        "the project did not come up: {:?}",
        stack.ps()
    );
    app.wait_for(
        |s| s.contains(&name) && s.contains("2/2"),
        T,
        "the project listed with 2/2 running",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
}
