//! The Swarm views against a real swarm: a manager engine (and a worker) beside the main test
//! engine, started by `scripts/swarm.sh up` (never a swarm on the main engine). Services are
//! this test's own, removed at the end.

mod support;

use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyModifiers};
use dockside::app::state::State;
use dockside::views::View;
use support::driver::Driver;
use support::engine::{self, unique_name, wait_until};

const T: Duration = Duration::from_secs(60);
const SOCK: &str = "unix:///tmp/dockside-swarm/e1.sock";

/// Held by the tests that change nodes or depend on their state staying put.
static NODES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// `scripts/swarm.sh up` once per process: Ok, or why the swarm is not there. A first
/// failure is followed by `down` and one more `up` (a machine under load can be slow to
/// bring an engine up); both answers are kept for the message.
fn swarm_up() -> &'static Result<(), String> {
    static UP: OnceLock<Result<(), String>> = OnceLock::new();
    UP.get_or_init(|| {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/swarm.sh");
        let run = |verb: &str| {
            let started = std::time::Instant::now();
            let out = Command::new(script)
                .arg(verb)
                .env("DOCKSIDE_SWARM_WORKER", "1")
                .stdin(Stdio::null())
                .output()
                .map_err(|e| format!("cannot run {script}: {e}"))?;
            if out.status.success() {
                Ok(())
            } else {
                Err(format!(
                    "swarm.sh {verb} failed after {:.1} s ({}): {}",
                    started.elapsed().as_secs_f64(),
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                ))
            }
        };
        let first = match run("up") {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        eprintln!("{first}; taking it down and trying once more");
        let _ = run("down");
        run("up").map_err(|second| format!("{first}\nthen: {second}"))
    })
}

/// Whether the swarm tests can run (panics when an engine is required and missing).
fn swarm_available() -> bool {
    if !engine::available() {
        return false;
    }
    match swarm_up() {
        Ok(()) => true,
        Err(why) if engine::engine_required() => panic!("a swarm is required: {why}"),
        Err(why) => {
            eprintln!("skipping: no swarm: {why}");
            false
        }
    }
}

fn sw(args: &[&str]) -> Output {
    let mut all = vec!["-H", SOCK];
    all.extend_from_slice(args);
    engine::docker(&all)
}

fn sw_ok(args: &[&str]) -> String {
    let out = sw(args);
    assert!(
        out.status.success(),
        "docker {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Removes the test's services whatever happens.
struct Services(Vec<String>);

impl Drop for Services {
    fn drop(&mut self) {
        for name in &self.0 {
            let _ = sw(&["service", "rm", name]);
        }
    }
}

fn create_service(name: &str, replicas: u32) {
    sw_ok(&[
        "service",
        "create",
        "--detach",
        "--name",
        name,
        "--replicas",
        &replicas.to_string(),
        &engine::test_image(),
        "sleep",
        "1d",
    ]);
}

fn type_line(d: &mut Driver, text: &str) {
    for ch in text.chars() {
        d.key_code(KeyCode::Char(ch), KeyModifiers::NONE);
    }
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
}

fn service<'a>(s: &'a State, name: &str) -> Option<&'a dockside::app::swarm::Service> {
    s.views
        .services
        .services
        .iter()
        .flatten()
        .find(|x| x.name == name)
}

/// `running/desired` of a service as `docker service ls` shows it.
fn cli_replicas(name: &str) -> String {
    sw_ok(&[
        "service",
        "ls",
        "--filter",
        &format!("name={name}"),
        "--format",
        "{{.Name}} {{.Replicas}}",
    ])
    .lines()
    .find_map(|l| l.strip_prefix(&format!("{name} ")).map(str::to_owned))
    .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_tasks_and_nodes_follow_the_swarm_and_act_on_it() {
    if !swarm_available() {
        return;
    }
    let _nodes = NODES.lock().await;
    let name = unique_name("dsswarm");
    let other = unique_name("dsswarm");
    let _guard = Services(vec![name.clone(), other.clone()]);
    create_service(&name, 2);

    let mut d = Driver::start(Some(SOCK));
    d.key('8');
    assert_eq!(d.state.view, View::Services);
    let n = name.clone();
    assert!(
        d.until(T, |s| service(s, &n).is_some_and(|x| x.running == 2))
            .await,
        "the service is listed with its 2 tasks running: {:?}",
        service(&d.state, &name)
    );
    assert!(
        wait_until(T, || cli_replicas(&name) == "2/2"),
        "docker service ls: {}",
        cli_replicas(&name)
    );
    let svc = service(&d.state, &name).cloned().expect("listed");
    assert_eq!(svc.replicas_text(), cli_replicas(&name));
    assert_eq!(svc.mode, "replicated");
    assert_eq!(svc.image, engine::test_image());

    // A service created from a shell appears from its event.
    create_service(&other, 1);
    let o = other.clone();
    assert!(
        d.until(T, |s| service(s, &o).is_some()).await,
        "a new service appears"
    );

    // Select ours with the filter; its tasks come in the detail pane.
    d.key('/');
    type_line(&mut d, &name);
    assert_eq!(
        d.state.views.services.selected().map(|s| s.name.clone()),
        Some(name.clone())
    );
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    assert!(
        d.until(T, |s| s.views.services.selected_tasks().is_some_and(|r| r
            .as_ref()
            .is_ok_and(|t| t
                .iter()
                .filter(|t| t.state == "running")
                .count()
                == 2)))
            .await,
        "two running tasks shown: {:?}",
        d.state.views.services.tasks
    );
    let cli_tasks = sw_ok(&[
        "service",
        "ps",
        &name,
        "--filter",
        "desired-state=running",
        "--format",
        "{{.Name}} {{.Node}} {{.CurrentState}}",
    ]);
    let tasks = match d.state.views.services.selected_tasks() {
        Some(Ok(t)) => t.clone(),
        other => panic!("tasks: {other:?}"),
    };
    for t in tasks.iter().filter(|t| t.desired == "running") {
        let line = format!("{name}.{} {}", t.slot, t.node);
        assert!(cli_tasks.contains(&line), "{line} in\n{cli_tasks}");
        assert!(!t.container_id.is_empty(), "a running task has a container");
    }

    // Scale to 3 with the prompt.
    d.key('s');
    d.key_code(KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_line(&mut d, "3");
    let n = name.clone();
    assert!(
        d.until(T, |s| service(s, &n)
            .is_some_and(|x| x.desired == 3 && x.running == 3))
            .await,
        "scaled to 3/3 on screen: {:?} (status: {:?})",
        service(&d.state, &name),
        d.state.status
    );
    assert_eq!(
        sw_ok(&[
            "service",
            "inspect",
            &name,
            "--format",
            "{{.Spec.Mode.Replicated.Replicas}}"
        ]),
        "3"
    );
    assert!(wait_until(T, || cli_replicas(&name) == "3/3"));

    // Scaled from a shell: the view follows without being asked.
    sw_ok(&["service", "scale", "--detach", &format!("{name}=1")]);
    let n = name.clone();
    assert!(
        d.until(T, |s| service(s, &n)
            .is_some_and(|x| x.desired == 1 && x.running == 1))
            .await,
        "1/1 after a scale from the shell: {:?}",
        service(&d.state, &name)
    );

    // Nodes: as `docker node ls` has them.
    d.key('9');
    assert_eq!(d.state.view, View::Nodes);
    assert!(
        d.until(T, |s| s.views.nodes.nodes.is_some()).await,
        "nodes listed: {:?}",
        d.state.views.nodes.error
    );
    let cli_nodes = sw_ok(&[
        "node",
        "ls",
        "--format",
        "{{.ID}} {{.Status}} {{.Availability}} {{.ManagerStatus}}",
    ]);
    let nodes = d.state.views.nodes.nodes.clone().unwrap_or_default();
    assert_eq!(nodes.len(), cli_nodes.lines().count(), "{cli_nodes}");
    for n in &nodes {
        let line = cli_nodes
            .lines()
            .find(|l| l.starts_with(&n.id))
            .unwrap_or_else(|| panic!("node {} in\n{cli_nodes}", n.id));
        assert!(
            line.to_lowercase().contains(&n.availability),
            "{line} vs {n:?}"
        );
        assert_eq!(line.contains("Leader"), n.leader, "{line} vs {n:?}");
    }
    assert!(nodes.iter().any(|n| n.is_self && n.role == "manager"));
    let running: usize = nodes.iter().map(|n| n.tasks).sum();
    assert!(
        running >= 2,
        "our tasks are counted on their nodes: {nodes:?}"
    );

    // Remove the service, with the confirmation.
    d.key('8');
    d.key('/');
    type_line(&mut d, &name);
    d.key('D');
    assert!(
        matches!(d.state.overlay, dockside::app::overlay::Overlay::Ask { .. }),
        "remove asks first"
    );
    d.key('y');
    let n = name.clone();
    assert!(
        d.until(T, |s| s.views.services.services.is_some()
            && service(s, &n).is_none())
            .await,
        "the removed service leaves the list"
    );
    assert!(
        !sw_ok(&["service", "ls", "--format", "{{.Name}}"])
            .lines()
            .any(|l| l == name),
        "removed on the engine"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stack_is_removed_whole_after_asking() {
    if !swarm_available() {
        return;
    }
    let stack = unique_name("dsstack");
    let (a, b) = (format!("{stack}_a"), format!("{stack}_b"));
    let net = format!("{stack}_default");
    let _guard = Services(vec![a.clone(), b.clone()]);
    let label = format!("com.docker.stack.namespace={stack}");
    sw_ok(&[
        "network", "create", "--driver", "overlay", "--label", &label, &net,
    ]);
    for name in [&a, &b] {
        sw_ok(&[
            "service",
            "create",
            "--detach",
            "--name",
            name,
            "--label",
            &label,
            "--network",
            &net,
            &engine::test_image(),
            "sleep",
            "1d",
        ]);
    }
    let mut d = Driver::start(Some(SOCK));
    d.key('8');
    let (na, nb) = (a.clone(), b.clone());
    assert!(
        d.until(T, |s| service(s, &na).is_some()
            && service(s, &nb).is_some())
            .await,
        "both services of the stack are listed"
    );
    d.key('/');
    type_line(&mut d, &a);
    d.key('X');
    match &d.state.overlay {
        dockside::app::overlay::Overlay::Ask { question, .. } => {
            assert!(
                question.contains(&stack) && question.contains("2 services"),
                "{question}"
            )
        }
        other => panic!("removing a stack asks first: {other:?}"),
    }
    d.key('y');
    let (na, nb) = (a.clone(), b.clone());
    assert!(
        d.until(T, |s| s.views.services.services.is_some()
            && service(s, &na).is_none()
            && service(s, &nb).is_none())
            .await,
        "the stack's services leave the list"
    );
    let left = sw_ok(&["service", "ls", "--filter", &format!("label={label}"), "-q"]);
    assert!(left.is_empty(), "services left on the engine: {left}");
    assert!(
        wait_until(T, || sw_ok(&[
            "network",
            "ls",
            "--filter",
            &format!("label={label}"),
            "-q"
        ])
        .is_empty()),
        "the stack's network is removed too"
    );
    assert!(
        d.state
            .views
            .commands
            .entries()
            .iter()
            .any(|e| e.cli == format!("docker stack rm {stack}")),
        "the command log says what it did"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_engine_says_it_is_no_swarm_manager() {
    if !engine::available() {
        return;
    }
    let mut d = Driver::start(None);
    for (key, view) in [
        ('8', View::Services),
        ('9', View::Nodes),
        ('V', View::Secrets),
    ] {
        d.key(key);
        assert_eq!(d.state.view, view);
        let done = d
            .until(T, |s| match view {
                View::Services => s.views.services.error.is_some(),
                View::Secrets => s.views.secrets.secrets.error.is_some(),
                _ => s.views.nodes.error.is_some(),
            })
            .await;
        assert!(done, "{view:?}: the engine's refusal arrives");
        let e = match view {
            View::Services => d.state.views.services.error.clone(),
            View::Secrets => d.state.views.secrets.secrets.error.clone(),
            _ => d.state.views.nodes.error.clone(),
        }
        .unwrap_or_default();
        let line = dockside::app::swarm::refusal_text("services", &e);
        assert!(
            line.starts_with("This engine is not a Swarm manager"),
            "{view:?}: {line} (from {e})"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stack_is_deployed_from_a_compose_file_with_its_output_shown() {
    if !swarm_available() {
        return;
    }
    let stack = unique_name("dsdeploy");
    let (a, b) = (format!("{stack}_a"), format!("{stack}_b"));
    let _guard = Services(vec![a.clone(), b.clone()]);
    let dir = std::env::temp_dir().join(&stack);
    std::fs::create_dir_all(&dir).expect("a directory for the stack file");
    struct Gone(std::path::PathBuf);
    impl Drop for Gone {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _dir = Gone(dir.clone());
    let file = dir.join("stack.yml");
    let image = engine::test_image();
    std::fs::write(
        &file,
        format!(
            "version: \"3.8\"\nservices:\n  a:\n    image: {image}\n    command: [\"sleep\", \"1d\"]\n    deploy:\n      replicas: 2\n  b:\n    image: {image}\n    command: [\"sleep\", \"1d\"]\n"
        ),
    )
    .expect("the stack file is written");

    let mut d = Driver::start(Some(SOCK));
    d.key('8');
    d.key('u');
    assert!(
        matches!(
            d.state.overlay,
            dockside::app::overlay::Overlay::Prompt {
                kind: dockside::app::overlay::PromptKind::DeployStack,
                ..
            }
        ),
        "u asks for the file and the stack name: {:?}",
        d.state.overlay
    );
    type_line(&mut d, &format!("{} {stack}", file.display()));
    let (na, nb) = (a.clone(), b.clone());
    assert!(
        d.until(T, |s| {
            let converged = |n: &str, want: u64| {
                service(s, n).is_some_and(|x| x.running == want && x.desired == want)
            };
            converged(&na, 2) && converged(&nb, 1)
        })
        .await,
        "both services appear and converge: {:?} {:?} (status {:?})",
        service(&d.state, &a),
        service(&d.state, &b),
        d.state.status
    );
    for name in [&a, &b] {
        let s = service(&d.state, name).expect("listed");
        assert_eq!(
            s.stack(),
            Some(stack.as_str()),
            "{name} carries the stack label"
        );
        assert_eq!(
            s.replicas_text(),
            cli_replicas(name),
            "as docker service ls"
        );
    }
    assert!(
        d.until(T, |s| s
            .views
            .services
            .deploy
            .as_ref()
            .is_some_and(|r| r.progress.is_finished()))
            .await,
        "the deploy ends"
    );
    let run = d.state.views.services.deploy.as_ref().expect("shown");
    assert_eq!(run.progress.error(), None, "the CLI succeeded");
    let output: Vec<&str> = run.progress.lines().collect();
    assert!(
        output
            .iter()
            .any(|l| l.contains(&format!("Creating service {a}")))
            && output
                .iter()
                .any(|l| l.contains(&format!("Creating service {b}"))),
        "the CLI's output is shown: {output:?}"
    );
    assert!(
        d.state
            .views
            .commands
            .entries()
            .iter()
            .any(|e| e.cli == format!("docker stack deploy -c {} {stack}", file.display())),
        "the command log says what it did"
    );

    // Removed whole with X.
    d.key('J');
    d.key('/');
    type_line(&mut d, &a);
    d.key('X');
    d.key('y');
    let (na, nb) = (a.clone(), b.clone());
    assert!(
        d.until(T, |s| service(s, &na).is_none()
            && service(s, &nb).is_none())
            .await,
        "the stack's services leave the list"
    );
    let label = format!("label=com.docker.stack.namespace={stack}");
    assert!(sw_ok(&["service", "ls", "--filter", &label, "-q"]).is_empty());
    assert!(
        wait_until(T, || sw_ok(&["network", "ls", "--filter", &label, "-q"])
            .is_empty()),
        "the stack's network is removed too"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stack_deploy_of_a_missing_file_says_so_in_one_line() {
    if !swarm_available() {
        return;
    }
    let mut d = Driver::start(Some(SOCK));
    d.key('8');
    d.key('u');
    type_line(&mut d, "/nonexistent/dockside/stack.yml web");
    assert!(
        d.until(T, |s| s
            .views
            .services
            .deploy
            .as_ref()
            .is_some_and(|r| r.progress.is_finished()))
            .await,
        "the deploy ends"
    );
    let run = d.state.views.services.deploy.as_ref().expect("shown");
    assert_eq!(
        run.progress.error(),
        Some("no compose file /nonexistent/dockside/stack.yml on this machine")
    );
}

/// The text of the service log's lines in dockside (prefix and text).
fn log_texts(s: &State) -> Vec<String> {
    s.views
        .services
        .logs
        .as_ref()
        .map(|l| l.buf.iter().map(|(_, l)| l.body.text.clone()).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_services_logs_interleave_its_tasks_prefixed_and_follow_new_ones() {
    if !swarm_available() {
        return;
    }
    let name = unique_name("dslogs");
    let _guard = Services(vec![name.clone()]);
    let script =
        "echo \"known line from slot $SLOT\"; echo \"known error of slot $SLOT\" >&2; sleep 1d";
    sw_ok(&[
        "service",
        "create",
        "--detach",
        "--name",
        &name,
        "--replicas",
        "2",
        "--env",
        "SLOT={{.Task.Slot}}",
        &engine::test_image(),
        "sh",
        "-c",
        script,
    ]);
    let mut d = Driver::start(Some(SOCK));
    d.key('8');
    let n = name.clone();
    assert!(
        d.until(T, |s| service(s, &n).is_some_and(|x| x.running == 2))
            .await,
        "the service runs its 2 tasks"
    );
    d.key('/');
    type_line(&mut d, &name);
    d.key('l');
    assert!(d.state.views.services.logs.is_some(), "l opens the logs");
    let want = |slot: u32| {
        [
            format!("known line from slot {slot}"),
            format!("known error of slot {slot}"),
        ]
    };
    let has_all = |s: &State, slots: &[u32]| {
        let texts = log_texts(s);
        slots.iter().all(|&slot| {
            want(slot).iter().all(|w| {
                texts
                    .iter()
                    .any(|t| t.starts_with(&format!("{name}.{slot}@")) && t.ends_with(w))
            })
        })
    };
    let ok = d.until(T, |s| has_all(s, &[1, 2])).await;
    assert!(ok, "both tasks' lines, prefixed: {:?}", log_texts(&d.state));
    let logs = d.state.views.services.logs.as_ref().expect("open");
    for (_, l) in logs.buf.iter() {
        let stream = l.stream;
        let err = l.body.text.contains("known error");
        assert_eq!(
            stream == dockside::app::logbuf::LogStream::Stderr,
            err,
            "{l:?}"
        );
    }
    // As the CLI has them.
    let out = sw(&["service", "logs", "--no-task-ids", &name]);
    let cli = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for t in log_texts(&d.state) {
        let (prefix, text) = t.split_once(" | ").expect("prefixed");
        assert!(
            cli.lines()
                .any(|l| l.starts_with(prefix.trim_end()) && l.ends_with(text)),
            "{t} in\n{cli}"
        );
    }

    // A task started later is followed too.
    sw_ok(&["service", "scale", "--detach", &format!("{name}=3")]);
    let ok = d.until(T, |s| has_all(s, &[1, 2, 3])).await;
    assert!(ok, "the new task's lines come: {:?}", log_texts(&d.state));
    d.key('l');
    assert!(d.state.views.services.logs.is_none(), "l again: the tasks");
}

/// `name running/desired` of this test's services (by name prefix), sorted: in dockside.
fn ours_in_dockside(s: &State, prefix: &str) -> Vec<String> {
    let mut v: Vec<String> = s
        .views
        .services
        .services
        .iter()
        .flatten()
        .filter(|x| x.name.starts_with(prefix))
        .map(|x| format!("{} {}", x.name, x.replicas_text()))
        .collect();
    v.sort();
    v
}

/// The same from `docker service ls`.
fn ours_in_cli(prefix: &str) -> Vec<String> {
    let mut v: Vec<String> = sw_ok(&[
        "service",
        "ls",
        "--filter",
        &format!("name={prefix}"),
        "--format",
        "{{.Name}} {{.Replicas}}",
    ])
    .lines()
    .filter(|l| l.starts_with(prefix))
    .map(str::to_owned)
    .collect();
    v.sort();
    v
}

/// A full listing of the services reached the app.
fn is_full_list(m: &dockside::app::Msg) -> bool {
    use dockside::app::Msg;
    use dockside::app::msg::ResMsg;
    match m {
        Msg::Engine { msg, .. } => is_full_list(msg),
        Msg::Res(ResMsg::Services(_)) => true,
        _ => false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_churn_the_list_is_docker_service_ls_fetching_only_what_changed() {
    if !swarm_available() {
        return;
    }
    // A node's event lists every service: none while this one counts.
    let _nodes = NODES.lock().await;
    let prefix = unique_name("dschurn");
    let names: Vec<String> = (0..6).map(|i| format!("{prefix}-{i}")).collect();
    let _guard = Services(names.clone());
    let mut d = Driver::start(Some(SOCK));
    d.key('8');
    assert!(
        d.until(T, |s| s.views.services.services.is_some()).await,
        "listed"
    );
    // The first listing is sent again each second while a service converges: once all
    // are settled and those listings have stopped, no full listing is expected.
    assert!(
        d.until(T, |s| s
            .views
            .services
            .services
            .iter()
            .flatten()
            .all(|x| !x.converging()))
            .await,
        "the swarm settles"
    );
    until_quiet(&mut d, is_full_list).await;
    for round in 0..3u32 {
        for (i, name) in names.iter().enumerate() {
            let exists = sw(&["service", "inspect", name]).status.success();
            match (exists, (i as u32 + round) % 3) {
                (false, _) => create_service(name, 1 + (i as u32 % 2)),
                (true, 0) => {
                    sw_ok(&["service", "rm", name]);
                }
                (true, _) => {
                    sw_ok(&[
                        "service",
                        "scale",
                        "--detach",
                        &format!("{name}={}", 1 + (round + i as u32) % 3),
                    ]);
                }
            }
        }
        // Events are taken as they come, between rounds.
        d.until(Duration::from_millis(300), |_| false).await;
    }
    // Both settle on what the engine has.
    assert!(
        wait_until(T, || ours_in_cli(&prefix).iter().all(|l| l
            .split_once(' ')
            .and_then(|(_, r)| r.split_once('/'))
            .is_some_and(|(a, b)| a == b))),
        "the engine converges: {:?}",
        ours_in_cli(&prefix)
    );
    let want = ours_in_cli(&prefix);
    assert!(!want.is_empty(), "some services are left");
    let p = prefix.clone();
    let w = want.clone();
    assert!(
        d.until(T, |s| ours_in_dockside(s, &p) == w).await,
        "dockside {:?} != docker service ls {want:?}",
        ours_in_dockside(&d.state, &prefix)
    );
    assert_eq!(
        d.counted, 0,
        "service events fetch the service, never the whole list"
    );
}

/// Wait until no message `is` accepts has come for 2.5 s, then count them from zero: a
/// listing sent again each second while the swarm converges (or asked again by a new
/// session) has then ended, however slow the machine. A fixed wait was sometimes too short.
async fn until_quiet(d: &mut Driver, is: fn(&dockside::app::Msg) -> bool) {
    let end = std::time::Instant::now() + T;
    loop {
        d.counting = Some(is);
        d.counted = 0;
        d.until(Duration::from_millis(2500), |_| false).await;
        if d.counted == 0 {
            return;
        }
        assert!(
            std::time::Instant::now() < end,
            "full listings still came after {T:?}"
        );
    }
}

/// A full listing of the nodes reached the app.
fn is_full_node_list(m: &dockside::app::Msg) -> bool {
    use dockside::app::Msg;
    use dockside::app::msg::ResMsg;
    match m {
        Msg::Engine { msg, .. } => is_full_node_list(msg),
        Msg::Res(ResMsg::Nodes(_)) => true,
        _ => false,
    }
}

/// Puts the worker back as it was whatever happens.
struct Worker(String);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = sw(&[
            "node",
            "update",
            "--availability",
            "active",
            "--label-rm",
            "dockside.test",
            &self.0,
        ]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_changed_from_a_shell_is_fetched_alone() {
    if !swarm_available() {
        return;
    }
    let _nodes = NODES.lock().await;
    let worker = sw_ok(&[
        "node",
        "ls",
        "--filter",
        "role=worker",
        "--format",
        "{{.ID}}",
    ]);
    let Some(worker) = worker.lines().next().map(str::to_owned) else {
        panic!("the swarm has a worker (DOCKSIDE_SWARM_WORKER=1)");
    };
    let _restore = Worker(worker.clone());
    let mut d = Driver::start(Some(SOCK));
    d.key('9');
    assert!(
        d.until(T, |s| s.views.nodes.nodes.is_some()).await,
        "nodes listed"
    );
    // The listing is asked again when the session's first container list comes (every view
    // refreshes on a new session): let that pass before counting.
    until_quiet(&mut d, is_full_node_list).await;
    let node = |s: &State| {
        s.views
            .nodes
            .nodes
            .iter()
            .flatten()
            .find(|n| n.id == worker)
            .cloned()
    };
    sw_ok(&[
        "node",
        "update",
        "--availability",
        "pause",
        "--label-add",
        "dockside.test=yes",
        &worker,
    ]);
    assert!(
        d.until(T, |s| node(s).is_some_and(|n| n.availability == "pause"
            && n.labels.get("dockside.test").map(String::as_str)
                == Some("yes")))
            .await,
        "paused and labelled on screen: {:?}",
        node(&d.state)
    );
    sw_ok(&[
        "node",
        "update",
        "--availability",
        "active",
        "--label-rm",
        "dockside.test",
        &worker,
    ]);
    assert!(
        d.until(T, |s| node(s).is_some_and(
            |n| n.availability == "active" && !n.labels.contains_key("dockside.test")
        ))
        .await,
        "active again: {:?}",
        node(&d.state)
    );
    let cli = sw_ok(&[
        "node",
        "inspect",
        &worker,
        "--format",
        "{{.Spec.Availability}} {{.Status.State}}",
    ]);
    let n = node(&d.state).expect("listed");
    assert_eq!(cli, format!("{} {}", n.availability, n.status));
    assert_eq!(
        d.counted, 0,
        "the node alone was fetched, never the whole list"
    );
}

/// Removes the test's secrets and configs whatever happens.
struct Stash(Vec<(&'static str, String)>);

impl Drop for Stash {
    fn drop(&mut self) {
        for (kind, name) in &self.0 {
            let _ = sw(&[kind, "rm", name]);
        }
    }
}

fn stash_names(s: &State, kind: dockside::app::swarm::SecretKind) -> Vec<String> {
    s.views
        .secrets
        .listing(kind)
        .items
        .iter()
        .flatten()
        .map(|x| x.name.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_and_configs_are_created_from_files_and_removed_without_a_value_shown() {
    use dockside::app::swarm::SecretKind;
    if !swarm_available() {
        return;
    }
    let secret = unique_name("dssecret");
    let config = unique_name("dsconfig");
    let _guard = Stash(vec![("secret", secret.clone()), ("config", config.clone())]);
    let dir = std::env::temp_dir().join(&secret);
    std::fs::create_dir_all(&dir).expect("a directory for the values");
    struct Gone(std::path::PathBuf);
    impl Drop for Gone {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _dir = Gone(dir.clone());
    let value = "s3cr3t-value-never-on-screen";
    let secret_file = dir.join("secret.txt");
    std::fs::write(&secret_file, value).expect("written");
    let config_file = dir.join("app.conf");
    let conf = "listen 8080\nworkers 4\n";
    std::fs::write(&config_file, conf).expect("written");

    let mut d = Driver::start(Some(SOCK));
    d.key('V');
    assert_eq!(d.state.view, View::Secrets);
    assert!(
        d.until(T, |s| s.views.secrets.secrets.items.is_some())
            .await,
        "secrets listed: {:?}",
        d.state.views.secrets.secrets.error
    );
    d.key('c');
    type_line(&mut d, &format!("{secret} {}", secret_file.display()));
    let n = secret.clone();
    assert!(
        d.until(T, |s| stash_names(s, SecretKind::Secret).contains(&n))
            .await,
        "the new secret is listed (from its event): {:?}",
        d.state.status
    );
    assert!(
        sw_ok(&["secret", "ls", "--format", "{{.Name}}"])
            .lines()
            .any(|l| l == secret),
        "created on the engine"
    );
    d.key('/');
    type_line(&mut d, &secret);
    let screen = support::screen::render(&d.state);
    assert!(screen.contains(&secret), "{screen}");
    assert!(
        !screen.contains(value),
        "the value is never shown:\n{screen}"
    );
    assert!(
        d.state
            .views
            .commands
            .entries()
            .iter()
            .any(|e| e.cli == format!("docker secret create {secret} {}", secret_file.display())),
        "the command log says what it did"
    );

    // A config: its size is shown.
    d.key_code(KeyCode::Esc, KeyModifiers::NONE);
    d.key('t');
    assert!(
        d.until(T, |s| s.views.secrets.configs.items.is_some())
            .await,
        "configs listed"
    );
    d.key('c');
    type_line(&mut d, &format!("{config} {}", config_file.display()));
    let n = config.clone();
    assert!(
        d.until(T, |s| stash_names(s, SecretKind::Config).contains(&n))
            .await,
        "the new config is listed: {:?}",
        d.state.status
    );
    d.key('/');
    type_line(&mut d, &config);
    let sel = d.state.views.secrets.selected().cloned().expect("selected");
    assert_eq!(sel.name, config);
    assert_eq!(sel.size, Some(conf.len() as u64));

    // Removed, after asking.
    d.key('D');
    assert!(
        matches!(d.state.overlay, dockside::app::overlay::Overlay::Ask { .. }),
        "remove asks first"
    );
    d.key('y');
    let n = config.clone();
    assert!(
        d.until(T, |s| !stash_names(s, SecretKind::Config).contains(&n))
            .await,
        "the config leaves the list"
    );
    d.key_code(KeyCode::Esc, KeyModifiers::NONE);
    d.key('t');
    d.key('/');
    type_line(&mut d, &secret);
    d.key('D');
    d.key('y');
    let n = secret.clone();
    assert!(
        d.until(T, |s| !stash_names(s, SecretKind::Secret).contains(&n))
            .await,
        "the secret leaves the list"
    );
    let left = sw_ok(&["secret", "ls", "--format", "{{.Name}}"]);
    assert!(!left.lines().any(|l| l == secret), "removed on the engine");

    // A file that is not there: one line says so.
    d.key('c');
    type_line(&mut d, "x /nonexistent/dockside/secret");
    assert!(
        d.until(T, |s| s.status.as_ref().is_some_and(|m| m
            .text
            .contains("cannot read /nonexistent/dockside/secret")))
            .await,
        "{:?}",
        d.state.status
    );
}

/// The worker's node id.
fn worker_id() -> String {
    let ids = sw_ok(&[
        "node",
        "ls",
        "--filter",
        "role=worker",
        "--format",
        "{{.ID}}",
    ]);
    match ids.lines().next() {
        Some(id) => id.to_string(),
        None => panic!("the swarm has a worker (DOCKSIDE_SWARM_WORKER=1)"),
    }
}

/// A node's labels as `docker node inspect` has them (JSON).
fn cli_node_labels(id: &str) -> std::collections::BTreeMap<String, String> {
    let json = sw_ok(&["node", "inspect", id, "--format", "{{json .Spec.Labels}}"]);
    serde_json::from_str::<Option<std::collections::BTreeMap<String, String>>>(&json)
        .unwrap_or_else(|e| panic!("labels of {id}: {e}: {json}"))
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nodes_label_is_added_changed_and_removed_from_the_prompt() {
    if !swarm_available() {
        return;
    }
    let _nodes = NODES.lock().await;
    let worker = worker_id();
    let _restore = Worker(worker.clone());
    sw_ok(&["node", "update", "--label-add", "keep=me", &worker]);
    struct Unkeep(String);
    impl Drop for Unkeep {
        fn drop(&mut self) {
            let _ = sw(&["node", "update", "--label-rm", "keep", &self.0]);
        }
    }
    let _unkeep = Unkeep(worker.clone());
    let mut d = Driver::start(Some(SOCK));
    d.key('9');
    let w = worker.clone();
    assert!(
        d.until(T, |s| s
            .views
            .nodes
            .nodes
            .iter()
            .flatten()
            .any(|n| n.id == w))
            .await,
        "nodes listed: {:?}",
        d.state.views.nodes.error
    );
    let node = |s: &State| {
        s.views
            .nodes
            .nodes
            .iter()
            .flatten()
            .find(|n| n.id == worker)
            .cloned()
    };
    // Both engines run on this machine under one hostname: the id picks the worker.
    d.key('/');
    type_line(&mut d, &worker[..12]);
    assert_eq!(
        d.state.views.nodes.selected().map(|n| n.id.clone()),
        Some(worker.clone())
    );
    d.key('L');
    assert!(
        matches!(
            d.state.overlay,
            dockside::app::overlay::Overlay::Prompt {
                kind: dockside::app::overlay::PromptKind::NodeLabels { .. },
                ..
            }
        ),
        "L asks for the labels: {:?}",
        d.state.overlay
    );
    type_line(&mut d, "dockside.test=first 'zone=rack 1'");
    assert!(
        d.until(T, |s| node(s)
            .is_some_and(
                |n| n.labels.get("dockside.test") == Some(&"first".to_string())
            ))
        .await,
        "the label is on screen: {:?} (status {:?})",
        node(&d.state),
        d.state.status
    );
    let labels = cli_node_labels(&worker);
    assert_eq!(
        labels.get("dockside.test").map(String::as_str),
        Some("first")
    );
    assert_eq!(labels.get("zone").map(String::as_str), Some("rack 1"));
    assert_eq!(
        labels.get("keep").map(String::as_str),
        Some("me"),
        "the other labels stay"
    );
    assert!(
        support::screen::render(&d.state).contains("dockside.test=first"),
        "the nodes view shows the labels"
    );

    // Changed, and one removed, in one go.
    d.key('L');
    type_line(&mut d, "dockside.test=second -zone");
    assert!(
        d.until(T, |s| node(s).is_some_and(|n| n
            .labels
            .get("dockside.test")
            == Some(&"second".to_string())
            && !n.labels.contains_key("zone")))
            .await,
        "changed and removed on screen: {:?}",
        node(&d.state)
    );
    let labels = cli_node_labels(&worker);
    assert_eq!(
        labels,
        std::collections::BTreeMap::from([
            ("dockside.test".to_string(), "second".to_string()),
            ("keep".to_string(), "me".to_string()),
        ]),
        "docker node inspect"
    );
    d.key('L');
    type_line(&mut d, "-dockside.test");
    assert!(
        d.until(T, |s| node(s)
            .is_some_and(|n| !n.labels.contains_key("dockside.test")))
            .await,
        "removed on screen: {:?}",
        node(&d.state)
    );
    let labels = cli_node_labels(&worker);
    assert!(!labels.contains_key("dockside.test"), "{labels:?}");
    assert_eq!(labels.get("keep").map(String::as_str), Some("me"));
    assert!(
        d.state.views.commands.entries().iter().any(|e| e.cli
            == format!(
                "docker node update --label-rm dockside.test {}",
                node(&d.state).map(|n| n.hostname).unwrap_or_default()
            )),
        "the command log says what it did: {:?}",
        d.state
            .views
            .commands
            .entries()
            .iter()
            .map(|e| e.cli.clone())
            .collect::<Vec<_>>()
    );

    // A word that is no edit: one line says so, nothing is sent.
    d.key('L');
    type_line(&mut d, "zone");
    let status = d
        .state
        .status
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert_eq!(
        status,
        format!(
            "label {}: `zone`: KEY=value sets a label, -KEY removes one",
            node(&d.state).map(|n| n.hostname).unwrap_or_default()
        )
    );
}

/// `docker service inspect --format TEMPLATE` of a service.
fn cli_service(name: &str, template: &str) -> String {
    sw_ok(&["service", "inspect", name, "--format", template])
}

/// The ids of a service's tasks running now (desired and current state).
fn running_tasks(name: &str) -> Vec<String> {
    sw_ok(&[
        "service",
        "ps",
        name,
        "--no-trunc",
        "--filter",
        "desired-state=running",
        "--format",
        "{{.ID}} {{.CurrentState}}",
    ])
    .lines()
    .filter(|l| l.contains(" Running "))
    .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_services_environment_and_labels_are_edited_and_new_tasks_run_with_them() {
    if !swarm_available() {
        return;
    }
    let name = unique_name("dsenv");
    let _guard = Services(vec![name.clone()]);
    sw_ok(&[
        "service",
        "create",
        "--detach",
        "--name",
        &name,
        "--env",
        "OLD=gone-soon",
        "--env",
        "GREETING=hi",
        "--label",
        "tier=old",
        &engine::test_image(),
        "sh",
        "-c",
        "echo \"greeting=$GREETING old=$OLD\"; sleep 1d",
    ]);
    let mut d = Driver::start(Some(SOCK));
    d.key('8');
    let n = name.clone();
    assert!(
        d.until(T, |s| service(s, &n).is_some_and(|x| x.running == 1))
            .await,
        "the service runs: {:?}",
        service(&d.state, &name)
    );
    assert!(wait_until(T, || running_tasks(&name).len() == 1));
    let before = running_tasks(&name);
    d.key('/');
    type_line(&mut d, &name);
    d.key('E');
    assert!(
        matches!(
            d.state.overlay,
            dockside::app::overlay::Overlay::Prompt {
                kind: dockside::app::overlay::PromptKind::ServiceKv { env: true, .. },
                ..
            }
        ),
        "E asks for the environment: {:?}",
        d.state.overlay
    );
    type_line(&mut d, "'GREETING=hello there' -OLD NEW=1");
    let n = name.clone();
    assert!(
        d.until(T, |s| service(s, &n)
            .is_some_and(|x| x.env == ["GREETING=hello there", "NEW=1"]))
            .await,
        "the new environment is on screen: {:?} (status {:?})",
        service(&d.state, &name),
        d.state.status
    );
    assert_eq!(
        cli_service(&name, "{{json .Spec.TaskTemplate.ContainerSpec.Env}}"),
        r#"["GREETING=hello there","NEW=1"]"#,
        "docker service inspect: in the task template"
    );
    // A new task replaces the old one, and runs with it.
    assert!(
        wait_until(T, || {
            let now = running_tasks(&name);
            now.len() == 1 && now != before
        }),
        "a new task runs: {:?} (before {before:?})",
        running_tasks(&name)
    );
    let logs_have = |want: &str| {
        let out = sw(&["service", "logs", "--raw", &name]);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l == want)
    };
    assert!(
        wait_until(T, || logs_have("greeting=hello there old=")),
        "the new task sees the variable and not the removed one: {}",
        String::from_utf8_lossy(&sw(&["service", "logs", "--raw", &name]).stdout)
    );
    assert!(
        d.state
            .views
            .commands
            .entries()
            .iter()
            .any(|e| e.cli
                == format!(
                    "docker service update --env-add 'GREETING=hello there' --env-rm OLD --env-add NEW=1 {name}"
                )),
        "the command log says what it did"
    );

    // The service's labels.
    d.key('L');
    type_line(&mut d, "tier=api owner=ops");
    let n = name.clone();
    assert!(
        d.until(T, |s| service(s, &n).is_some_and(|x| x
            .labels
            .get("tier")
            .is_some_and(|v| v == "api")))
            .await,
        "the label is on screen: {:?}",
        service(&d.state, &name)
    );
    assert_eq!(
        cli_service(&name, "{{json .Spec.Labels}}"),
        r#"{"owner":"ops","tier":"api"}"#
    );
    d.key('L');
    type_line(&mut d, "-owner");
    let n = name.clone();
    assert!(
        d.until(T, |s| service(s, &n)
            .is_some_and(|x| !x.labels.contains_key("owner")))
            .await,
        "removed on screen"
    );
    assert_eq!(
        cli_service(&name, "{{json .Spec.Labels}}"),
        r#"{"tier":"api"}"#
    );
    assert_eq!(
        cli_service(&name, "{{json .Spec.TaskTemplate.ContainerSpec.Env}}"),
        r#"["GREETING=hello there","NEW=1"]"#,
        "the environment stays as it was"
    );

    // What is no edit is refused in one line.
    d.key('E');
    type_line(&mut d, "NOVALUE");
    assert_eq!(
        d.state
            .status
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default(),
        format!("{name}: `NOVALUE`: KEY=value sets a variable, -KEY removes one")
    );
}

/// Builds the test image with a label on the main engine and pushes it to `reference` (in a
/// loopback registry); the local images are removed again. The pushed digest.
fn build_and_push(reference: &str, label: &str) -> String {
    use std::io::Write;
    let local = unique_name("dsswarm-img");
    let dockerfile = format!(
        "FROM {}\nLABEL dockside.test={label}\n",
        engine::test_image()
    );
    let mut child = Command::new("docker")
        .args(["build", "-q", "-t", &local, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("docker build: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(dockerfile.as_bytes())
            .unwrap_or_else(|e| panic!("docker build stdin: {e}"));
    }
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("docker build: {e}"));
    assert!(
        out.status.success(),
        "docker build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    engine::docker_ok(&["tag", &local, reference]);
    let pushed = engine::docker(&["push", reference]);
    let _ = engine::docker(&["rmi", reference, &local]);
    assert!(
        pushed.status.success(),
        "docker push {reference}: {}",
        String::from_utf8_lossy(&pushed.stderr)
    );
    // "live: digest: sha256:… size: 527"
    let text = String::from_utf8_lossy(&pushed.stdout).to_string();
    text.split_whitespace()
        .skip_while(|w| *w != "digest:")
        .nth(1)
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no digest in the push output: {text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_services_image_is_updated_to_its_tags_new_digest_task_by_task() {
    if !swarm_available() {
        return;
    }
    let Some(reg) = support::registry::start("swarm-reg", None) else {
        assert!(
            !engine::engine_required(),
            "docker-registry is not installed (scripts/engine.sh installs it)"
        );
        return;
    };
    let tag = format!("{}/dockside-swarm/app:live", reg.host());
    let v1 = build_and_push(&tag, "v1");
    let name = unique_name("dsimage");
    let _guard = Services(vec![name.clone()]);
    // Pinned to v1 by the CLI (it resolves the tag's digest itself).
    sw_ok(&[
        "service",
        "create",
        "--detach",
        "--name",
        &name,
        "--replicas",
        "2",
        "--update-parallelism",
        "1",
        &tag,
        "sleep",
        "1d",
    ]);
    assert_eq!(
        cli_service(&name, "{{.Spec.TaskTemplate.ContainerSpec.Image}}"),
        format!("{tag}@{v1}")
    );
    let mut d = Driver::start(Some(SOCK));
    d.key('8');
    let n = name.clone();
    assert!(
        d.until(T, |s| service(s, &n).is_some_and(|x| x.running == 2))
            .await,
        "the service runs v1 on both nodes: {:?}",
        service(&d.state, &name)
    );
    assert_eq!(
        service(&d.state, &name).and_then(|x| x.digest.clone()),
        Some(v1.clone())
    );

    // v2 under the same tag: the service still runs v1 until asked.
    let v2 = build_and_push(&tag, "v2");
    assert_ne!(v1, v2);
    d.key('/');
    type_line(&mut d, &name);
    d.key('U');
    match &d.state.overlay {
        dockside::app::overlay::Overlay::Prompt {
            kind: dockside::app::overlay::PromptKind::ServiceImage { .. },
            text,
        } => assert_eq!(*text, tag, "the tag is offered"),
        other => panic!("U asks for the image: {other:?}"),
    }
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    let n = name.clone();
    let w = v2.clone();
    // The engine takes the new spec first and says "updating" a moment
    // later: until then the spec is v2, the old tasks run and nothing
    // converges yet, so the wait is for the update's own end.
    assert!(
        d.until(T, |s| service(s, &n).is_some_and(|x| x.digest.as_deref()
            == Some(w.as_str())
            && x.running == 2
            && x.update_state == "completed"
            && !x.converging()))
            .await,
        "the service converges on v2: {:?} (status {:?})",
        service(&d.state, &name),
        d.state.status
    );
    assert_eq!(
        cli_service(&name, "{{.Spec.TaskTemplate.ContainerSpec.Image}}"),
        format!("{tag}@{v2}"),
        "docker service inspect"
    );
    assert_eq!(
        cli_service(&name, "{{.UpdateStatus.State}}"),
        "completed",
        "the rolling update completed"
    );
    // Every task running now runs v2, as dockside's tasks pane shows them.
    let want = format!("{tag}@{v2}");
    let n = name.clone();
    let wt = want.clone();
    assert!(
        d.until(T, |s| s
            .views
            .services
            .selected_tasks()
            .and_then(|r| r.as_ref().ok())
            .is_some_and(|t| {
                let live: Vec<_> = t
                    .iter()
                    .filter(|t| {
                        t.desired == "running"
                            && t.service_id
                                == service(s, &n).map(|x| x.id.clone()).unwrap_or_default()
                    })
                    .collect();
                live.len() == 2 && live.iter().all(|t| t.image == wt && t.state == "running")
            }))
        .await,
        "both tasks on v2 in the tasks pane: {:?}",
        d.state.views.services.tasks
    );
    let cli_images = sw_ok(&[
        "service",
        "ps",
        &name,
        "--no-trunc",
        "--filter",
        "desired-state=running",
        "--format",
        "{{.Image}} {{.CurrentState}}",
    ]);
    assert_eq!(
        cli_images
            .lines()
            .filter(|l| l.starts_with(&format!("{want} Running")))
            .count(),
        2,
        "docker service ps: {cli_images}"
    );
    assert!(
        d.state
            .status
            .as_ref()
            .is_some_and(|m| m.text.contains(&v2)),
        "the status line tells the digest: {:?}",
        d.state.status
    );

    // A tag the registry does not have: one line says so, the service is left alone.
    d.key('U');
    d.key_code(KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_line(&mut d, &format!("{}/dockside-swarm/app:nope", reg.host()));
    assert!(
        d.until(T, |s| s
            .status
            .as_ref()
            .is_some_and(|m| m.text.contains("cannot resolve")))
            .await,
        "{:?}",
        d.state.status
    );
    assert_eq!(
        cli_service(&name, "{{.Spec.TaskTemplate.ContainerSpec.Image}}"),
        want,
        "unchanged"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e_opens_a_shell_in_a_task_on_this_engine_and_says_where_another_runs() {
    if !swarm_available() {
        return;
    }
    // Both nodes active: one task on each.
    let _nodes = NODES.lock().await;
    let name = unique_name("dsshell");
    let _guard = Services(vec![name.clone()]);
    sw_ok(&[
        "service",
        "create",
        "--detach",
        "--name",
        &name,
        "--mode",
        "global",
        &engine::test_image(),
        "sleep",
        "1d",
    ]);
    let me = sw_ok(&["info", "--format", "{{.Swarm.NodeID}}"]);
    let mut d = Driver::start(Some(SOCK));
    d.key('8');
    let n = name.clone();
    assert!(
        d.until(T, |s| service(s, &n).is_some_and(|x| x.running == 2))
            .await,
        "a task on each node: {:?}",
        service(&d.state, &name)
    );
    d.key('/');
    type_line(&mut d, &name);
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    let running = |s: &State| -> Vec<dockside::app::swarm::Task> {
        match s.views.services.selected_tasks() {
            Some(Ok(t)) => t.iter().filter(|t| t.state == "running").cloned().collect(),
            _ => Vec::new(),
        }
    };
    assert!(
        d.until(T, |s| running(s).len() == 2).await,
        "both tasks running in the pane: {:?}",
        d.state.views.services.tasks
    );
    let all = match d.state.views.services.selected_tasks() {
        Some(Ok(t)) => t.clone(),
        other => panic!("tasks: {other:?}"),
    };
    for t in &all {
        assert_eq!(t.here, t.node_id == me, "{t:?} (this engine is node {me})");
    }
    let at = |here: bool| {
        all.iter()
            .position(|t| t.state == "running" && t.here == here)
            .unwrap_or_else(|| panic!("a running task with here={here}: {all:?}"))
    };
    let pick = |d: &mut Driver, i: usize| {
        for _ in 0..all.len() {
            d.key('[');
        }
        for _ in 0..i {
            d.key(']');
        }
    };

    // The worker's task: one line says where it runs.
    let far = &all[at(false)];
    pick(&mut d, at(false));
    assert_eq!(
        d.state.views.services.picked_task().map(|t| t.id.clone()),
        Some(far.id.clone())
    );
    d.key('e');
    let status = d
        .state
        .status
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(
        status.contains(&format!("runs on node {}", far.node))
            && status.contains(&far.node_id[..12])
            && status.contains("dockside is not connected to that engine"),
        "{status}"
    );
    assert_eq!(d.state.view, View::Services, "no shell elsewhere");

    // The manager's own: a shell in its container, in the containers view.
    let near = all[at(true)].clone();
    let cid = near.container_id.clone();
    let c = cid.clone();
    assert!(
        d.until(T, |s| s.containers.contains_key(&c)).await,
        "the task's container is listed here"
    );
    pick(&mut d, at(true));
    d.key('e');
    assert_eq!(d.state.view, View::Containers, "{:?}", d.state.status);
    assert_eq!(
        d.state
            .exec
            .active_session()
            .map(|s| s.container_id.clone()),
        Some(cid.clone()),
        "a shell in the task's container"
    );
    // It answers from inside: a task's hostname is its container's short id.
    assert!(
        d.until(T, |s| s
            .exec
            .active_session()
            .is_some_and(|x| x.screen_text().contains('#')))
            .await,
        "the shell's prompt: {:?}",
        d.state.exec.active_session().map(|s| s.screen_text())
    );
    for ch in "hostname".chars() {
        d.key_code(KeyCode::Char(ch), KeyModifiers::NONE);
    }
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    let short = cid[..12].to_string();
    assert!(
        d.until(T, |s| s.exec.active_session().is_some_and(|x| x
            .screen_text()
            .lines()
            .any(|l| l.trim() == short)))
            .await,
        "hostname answered {short}: {:?}",
        d.state.exec.active_session().map(|s| s.screen_text())
    );
}
