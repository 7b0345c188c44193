//! The inspect tab's summary against the real engine: a linked container's link, a masked
//! secret variable (masked in the JSON too until `m`), a failing health check's last probes
//! with their exit codes and outputs.

mod support;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyModifiers};
use support::driver::Driver;
use support::engine::{self, TestContainer};

const T: Duration = Duration::from_secs(30);

fn shown(d: &Driver) -> String {
    d.state
        .inspect
        .as_ref()
        .map(|(_, t)| t.clone())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_summary_shows_links_masked_secrets_and_failing_probes() {
    if !engine::available() {
        return;
    }
    let db = TestContainer::run("inspect-db", &[], &["sleep", "300"]);
    let web = TestContainer::run(
        "inspect-web",
        &[
            "--link",
            &format!("{}:db", db.name),
            "-e",
            "DB_PASSWORD=hunter2",
            "-e",
            "MODE=test",
            "--health-cmd",
            "echo probe-says-no; exit 3",
            "--health-interval",
            "1s",
            "--health-retries",
            "1",
            "--restart",
            "on-failure:4",
            "--memory",
            "64m",
        ],
        &["sleep", "300"],
    );
    let streak = || {
        web.inspect("{{.State.Health.FailingStreak}}")
            .trim()
            .parse::<u32>()
            .unwrap_or(0)
    };
    assert!(
        engine::wait_until(T, || streak() >= 2),
        "the check never failed twice"
    );
    let mut d = Driver::start(None);
    d.select(&web.id).await;
    d.key('i');
    let id = web.id.clone();
    assert!(
        d.until(T, |s| s
            .inspect
            .as_ref()
            .is_some_and(|(i, t)| *i == id && t.starts_with("Container")))
            .await,
        "{}",
        shown(&d)
    );
    let text = shown(&d);
    for want in [
        format!("Container   {} · running", web.name),
        format!("Links       {} as db", db.name),
        "Restart     on-failure:4".to_string(),
        "Limits      memory 64MiB".to_string(),
        "DB_PASSWORD=••••••".to_string(),
        "MODE=test".to_string(),
        "unhealthy · failing streak".to_string(),
        "check: echo probe-says-no; exit 3".to_string(),
        "exit 3: probe-says-no".to_string(),
        "── docker inspect (r shows it alone) ──".to_string(),
    ] {
        assert!(text.contains(&want), "missing `{want}` in\n{text}");
    }
    assert!(
        !text.contains("hunter2"),
        "the secret is masked everywhere:\n{text}"
    );
    // Asked: shown, in the summary and the JSON.
    d.key_code(KeyCode::Tab, KeyModifiers::NONE);
    d.key('m');
    let text = shown(&d);
    assert!(text.contains("DB_PASSWORD=hunter2"), "{text}");
    assert!(text.contains("\"DB_PASSWORD=hunter2\""), "{text}");
    // The raw JSON alone.
    d.key('r');
    let text = shown(&d);
    assert!(
        text.starts_with("── docker inspect (r shows the summary) ──\n{"),
        "{text}"
    );
}
