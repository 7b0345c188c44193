//! The projects view against a real engine: a compose project brought up with the compose
//! CLI (Debian's docker-compose), shown as `docker-compose ps` shows it, acted on by keys
//! (a service stopped, the project stopped and started, down with its volumes) and checked
//! on the engine.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyModifiers};
use dockside::app::State;
use dockside::views::View;
use support::compose::{Stack, bring_up};
use support::driver::Driver;
use support::engine::{self, docker_ok, unique_name};

const T: Duration = Duration::from_secs(60);

fn project<'a>(s: &'a State, name: &str) -> Option<&'a dockside::views::projects::Project> {
    s.views.projects.projects.iter().find(|p| p.name == name)
}

/// The view's containers of the project: name → running.
fn shown(s: &State, name: &str) -> BTreeMap<String, bool> {
    project(s, name)
        .map(|p| {
            p.members()
                .map(|m| {
                    let up = m.c.state == dockside::app::model::CState::Running;
                    (m.c.name.clone(), up)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn type_filter(d: &mut Driver, text: &str) {
    d.key('/');
    for ch in text.chars() {
        d.key_code(KeyCode::Char(ch), KeyModifiers::NONE);
    }
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn projects_view_shows_acts_on_and_takes_down_a_compose_project() {
    if !engine::available() {
        return;
    }
    let stack = bring_up();
    let p = stack.name.clone();
    let mut d = Driver::start(None);
    d.key('7');
    assert_eq!(d.state.view, View::Projects);

    // The view shows what docker-compose ps shows.
    let ps = stack.ps();
    assert_eq!(ps.len(), 5, "{ps:?}");
    assert!(
        d.until(T, |s| shown(s, &p) == ps).await,
        "view {:?} != docker-compose ps {ps:?}",
        shown(&d.state, &p)
    );
    {
        let proj = project(&d.state, &p).expect("listed");
        assert_eq!(proj.state_text(), "partly up 4/5");
        let services: Vec<&str> = proj.services.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(services, ["api", "db", "web", "worker"]);
        assert_eq!(proj.services[0].running(), (2, 2));
        assert_eq!(proj.networks, [format!("{p}_default")]);
        assert_eq!(proj.volumes, [format!("{p}_data")]);
        assert_eq!(
            proj.config_files,
            [stack.file.to_string_lossy().to_string()]
        );
        assert!(!proj.outdated(), "nothing moved yet");
    }

    // The api's tag moves to another image: its service is outdated.
    let other = format!("dockside-test/{p}-other:latest");
    let web = stack.compose_ok(&["ps", "-q", "web"]);
    docker_ok(&["commit", web.trim(), &other]);
    docker_ok(&["tag", &other, &stack.tags[0]]);
    let mut stack = stack;
    stack.tags.push(other);
    assert!(
        d.until(T, |s| project(s, &p)
            .is_some_and(|x| x.services[0].outdated()))
            .await,
        "api shows outdated after its tag moved"
    );
    assert!(
        !project(&d.state, &p).is_some_and(|x| x.services[1..].iter().any(|s| s.outdated())),
        "only api is outdated"
    );

    // Select the project through the filter, then its api service: stop only it.
    type_filter(&mut d, &p);
    assert_eq!(
        d.state.views.projects.selected().map(|x| x.name.clone()),
        Some(p.clone())
    );
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(
        d.state
            .views
            .projects
            .selected_service()
            .map(|s| s.name.clone()),
        Some("api".to_string())
    );
    d.key('s');
    let api_down = |m: &BTreeMap<String, bool>| {
        m.iter().all(|(n, up)| {
            if n.contains("_api_") {
                !up
            } else {
                *up || n.contains("_worker_")
            }
        })
    };
    assert!(
        engine::wait_until(T, || api_down(&stack.ps())),
        "api stopped, the rest as it was: {:?}",
        stack.ps()
    );
    assert!(d.until(T, |s| api_down(&shown(s, &p))).await);

    // Back to the projects: stop the whole project.
    d.key_code(KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(d.state.views.projects.open, None);
    d.key('s');
    assert!(
        engine::wait_until(T, || stack.ps().values().all(|up| !up)),
        "everything stopped: {:?}",
        stack.ps()
    );
    assert!(
        d.until(T, |s| project(s, &p)
            .is_some_and(|x| x.state_text() == "exited 0/5"))
            .await,
        "the fully stopped project is still listed, as exited"
    );
    assert_eq!(shown(&d.state, &p), stack.ps());

    // Start it again: every replica (worker too).
    d.key('S');
    let started = engine::wait_until(T, || stack.ps().values().all(|up| *up));
    if !started {
        // Hear what dockside answered, for the message.
        d.until(Duration::from_secs(2), |_| false).await;
    }
    assert!(
        started,
        "everything started: {:?} (dockside said {:?})",
        stack.ps(),
        d.state.status
    );
    assert!(
        d.until(T, |s| project(s, &p)
            .is_some_and(|x| x.state_text() == "running 5/5"))
            .await
    );

    // Down asks first; `f` takes the named volume too.
    d.key('D');
    assert!(
        matches!(d.state.overlay, dockside::app::state::Overlay::Ask { .. }),
        "down asks"
    );
    assert!(stack.ps().len() == 5, "nothing removed before the answer");
    d.key('f');
    let label = format!("label=com.docker.compose.project={p}");
    let gone = engine::wait_until(T, || {
        docker_ok(&["ps", "-aq", "--filter", &label])
            .trim()
            .is_empty()
            && docker_ok(&["network", "ls", "-q", "--filter", &label])
                .trim()
                .is_empty()
            && docker_ok(&["volume", "ls", "-q", "--filter", &label])
                .trim()
                .is_empty()
    });
    if !gone {
        d.until(Duration::from_secs(2), |_| false).await;
    }
    assert!(
        gone,
        "containers, network and volume of {p} removed (dockside said {:?})",
        d.state.status
    );
    assert!(
        d.until(T, |s| project(s, &p).is_none()).await,
        "the project leaves the view"
    );
}

/// Three services writing lines at interleaved times; then `a` scaled to 2. Two seconds
/// between a service's lines: on a loaded machine compose may start the three a second
/// apart, and their lines must still interleave.
fn bring_up_loggers() -> Stack {
    let name = unique_name("dsplogs");
    let image = engine::test_image();
    let dir = std::env::temp_dir().join(&name);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("docker-compose.yml");
    let svc = |n: &str, offset: &str| {
        format!(
            "  {n}:\n    image: {image}\n    command: [\"sh\", \"-c\", \"sleep {offset}; for i in 1 2 3; do echo line $$i; sleep 2; done; trap 'exit 0' TERM; while true; do sleep 1; done\"]\n"
        )
    };
    let yml = format!(
        "version: \"2.4\"\nservices:\n{}{}{}",
        svc("a", "0"),
        svc("b", "0.2"),
        svc("c", "0.4")
    );
    std::fs::write(&file, yml).expect("compose file");
    let stack = Stack {
        name,
        dir,
        file,
        tags: Vec::new(),
    };
    stack.compose_ok(&["up", "-d"]);
    stack
}

/// The aggregated log's lines: (prefix, text, timestamp).
fn log_lines(s: &State) -> Vec<(String, String, i64)> {
    s.logs
        .buf
        .iter()
        .filter_map(|(_, l)| {
            let (p, t) = l.body.text.split_once(" | ")?;
            Some((p.trim().to_string(), t.to_string(), l.ts_nanos.unwrap_or(0)))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn project_logs_are_interleaved_by_time_and_follow_a_new_replica() {
    if !engine::available() {
        return;
    }
    let stack = bring_up_loggers();
    let p = stack.name.clone();
    // Every container has written its three lines.
    let ids = stack.compose_ok(&["ps", "-q"]);
    let ids: Vec<&str> = ids.lines().collect();
    assert_eq!(ids.len(), 3);
    assert!(
        engine::wait_until(T, || ids
            .iter()
            .all(|id| docker_ok(&["logs", id]).contains("line 3"))),
        "the services wrote their lines"
    );
    let mut d = Driver::start(None);
    d.key('7');
    assert!(
        d.until(T, |s| project(s, &p).is_some_and(|x| x.containers() == 3))
            .await
    );
    type_filter(&mut d, &p);
    d.key('l');
    assert_eq!(d.state.view, View::Containers);
    assert!(
        d.until(T, |s| log_lines(s).len() >= 9).await,
        "9 lines: {:?}",
        log_lines(&d.state)
    );
    let lines = log_lines(&d.state);
    assert_eq!(lines.len(), 9, "{lines:?}");
    let ts: Vec<i64> = lines.iter().map(|l| l.2).collect();
    assert!(
        ts.windows(2).all(|w| w[0] <= w[1]),
        "in time order: {lines:?}"
    );
    for who in ["a", "b", "c"] {
        let texts: Vec<&str> = lines
            .iter()
            .filter(|l| l.0 == who)
            .map(|l| l.1.as_str())
            .collect();
        assert_eq!(texts, ["line 1", "line 2", "line 3"], "{who}: {lines:?}");
    }
    // Interleaved, not one container after another.
    let order: Vec<&str> = lines.iter().map(|l| l.0.as_str()).collect();
    assert_ne!(&order[..3], ["a", "a", "a"], "{order:?}");

    // A replica added by scale is followed.
    stack.compose_ok(&["up", "-d", "--scale", "a=2"]);
    assert!(
        d.until(T, |s| log_lines(s).iter().filter(|l| l.0 == "a-2").count()
            == 3)
            .await,
        "a-2's lines: {:?}",
        log_lines(&d.state)
    );
    assert_eq!(
        log_lines(&d.state).len(),
        12,
        "nothing repeated: {:?}",
        log_lines(&d.state)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compose_cli_up_and_scale_with_their_output_on_screen() {
    if !engine::available() {
        return;
    }
    let stack = bring_up();
    let p = stack.name.clone();
    let mut d = Driver::start(None);
    d.key('7');
    assert!(
        d.until(T, |s| project(s, &p).is_some_and(|x| x.containers() == 5))
            .await
    );
    type_filter(&mut d, &p);
    // up -d starts the stopped worker; its output is shown as it comes.
    d.key('u');
    let done = |s: &State| {
        s.views
            .projects
            .cli
            .as_ref()
            .is_some_and(|c| c.progress.is_finished())
    };
    assert!(d.until(T, done).await, "the up run finishes");
    {
        let run = d.state.views.projects.cli.as_ref().expect("a run");
        assert_eq!(
            run.progress.error(),
            None,
            "{:?}",
            run.progress.lines().collect::<Vec<_>>()
        );
        assert!(run.title.contains(&format!("-p {p}")), "{}", run.title);
        assert!(run.title.ends_with("up -d"), "{}", run.title);
        let out: Vec<&str> = run.progress.lines().collect();
        assert!(
            out.iter().any(|l| l.contains("worker")),
            "compose's output names the worker: {out:?}"
        );
    }
    assert!(
        engine::wait_until(T, || stack.ps().values().all(|up| *up)),
        "everything up: {:?}",
        stack.ps()
    );
    // Scale api to 3 from its service row, through the prompt.
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(
        d.state
            .views
            .projects
            .selected_service()
            .map(|s| s.name.clone()),
        Some("api".to_string())
    );
    d.key('+');
    d.key('3');
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    assert!(
        d.until(T, |s| s
            .views
            .projects
            .cli
            .as_ref()
            .is_some_and(|c| c.title.contains("api=3")))
            .await,
        "the scale run is shown"
    );
    assert!(d.until(T, done).await, "the scale run finishes");
    assert!(
        d.until(T, |s| project(s, &p)
            .is_some_and(|x| x.services[0].running() == (3, 3)))
            .await,
        "api has 3 running replicas in the view"
    );
    let api = stack.compose_ok(&["ps", "-q", "api"]);
    assert_eq!(api.lines().count(), 3);
}

/// `scripts/demo.sh` (without opening dockside) brings up the demo project on the engine:
/// its services running, the failed job exited, logs in several scripts; `down` removes it.
#[test]
fn the_demo_script_brings_up_its_project_and_takes_it_down() {
    if !engine::available() {
        return;
    }
    let project = unique_name("demo");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/demo.sh");
    let run = |args: &[&str]| {
        std::process::Command::new(script)
            .args(args)
            .env("DOCKSIDE_DEMO_NO_UI", "1")
            .env("DOCKSIDE_DEMO_PROJECT", &project)
            .output()
            .expect("scripts/demo.sh runs")
    };
    struct Down<'a>(&'a dyn Fn(&[&str]) -> std::process::Output);
    impl Drop for Down<'_> {
        fn drop(&mut self) {
            let _ = (self.0)(&["down"]);
        }
    }
    let _down = Down(&run);
    let up = run(&[]);
    assert!(
        up.status.success(),
        "demo.sh: {}",
        String::from_utf8_lossy(&up.stderr)
    );
    let label = format!("label=com.docker.compose.project={project}");
    let ps = docker_ok(&[
        "ps",
        "-a",
        "--filter",
        &label,
        "--format",
        "{{.Label \"com.docker.compose.service\"}} {{.State}}",
    ]);
    let mut got: Vec<&str> = ps.lines().collect();
    got.sort_unstable();
    assert_eq!(
        got,
        vec![
            "api running",
            "db running",
            "migrate exited",
            "web running",
            "worker running",
            "worker running"
        ],
        "{ps}"
    );
    let api = docker_ok(&[
        "ps",
        "-q",
        "--filter",
        &label,
        "--filter",
        "label=com.docker.compose.service=api",
    ]);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let logs = loop {
        let out = std::process::Command::new("docker")
            .args(["logs", api.trim()])
            .output()
            .expect("docker logs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if text.contains("注文") || std::time::Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(logs.contains("注文を受け付けました"), "{logs}");
    let down = run(&["down"]);
    assert!(down.status.success());
    assert_eq!(
        docker_ok(&["ps", "-aq", "--filter", &label]).trim(),
        "",
        "down left containers"
    );
}
