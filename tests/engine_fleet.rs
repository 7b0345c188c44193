//! Three real engines at once (the main one and two of the test's own, `scripts/engine2.sh`):
//! the merged list is the union of each engine's `docker ps -a`; an action on a row changes
//! only that engine's container (the same name runs on two engines); logs, stats and a shell
//! reach the row's engine; one engine killed mid-test shows unreachable while the others keep
//! updating, and comes back by itself.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use dockside::app::State;
use dockside::app::model::{CState, EngineId};
use dockside::app::msg::ConnStatus;
use support::driver::Driver;
use support::engine::{self, TestContainer};
use support::engine2::Engine2;

const T: Duration = Duration::from_secs(40);

/// Ids dockside lists on engine `host`.
fn listed(s: &State, host: u32) -> BTreeSet<String> {
    s.containers
        .values()
        .filter(|c| c.host == EngineId(host))
        .map(|c| c.id.clone())
        .collect()
}

fn ids(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Move the selection to container `id` by filtering on its name and host, as a user would.
async fn pick(d: &mut Driver, host: &str, name: &str, id: &str) {
    d.key_code(
        crossterm::event::KeyCode::Esc,
        crossterm::event::KeyModifiers::NONE,
    );
    d.state.filter.text.clear();
    d.key('/');
    for c in format!("host:{host} {name}").chars() {
        d.key(c);
    }
    d.key_code(
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
    );
    let id = id.to_string();
    assert!(
        d.until(T, |s| s.selected.as_deref() == Some(id.as_str()))
            .await,
        "the row of {name} on {host} was not selected: {:?}",
        d.state.selected
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_engines_in_one_list() {
    if !engine::available() {
        return;
    }
    let Some(ea) = Engine2::start("fleeta", &[]) else {
        return;
    };
    let Some(eb) = Engine2::start("fleetb", &[]) else {
        return;
    };
    let image = engine::test_image();
    ea.load(&image);
    eb.load(&image);
    let name = engine::unique_name("fleet-web");
    // The same name on both extra engines, each saying where it runs; one on the main engine.
    let run = |e: &Engine2, say: &str| {
        e.docker_ok(&[
            "run",
            "-d",
            "--name",
            &name,
            &image,
            "sh",
            "-c",
            &format!("echo hello from {say}; exec sleep 600"),
        ])
    };
    let id_a = run(&ea, "fleeta");
    let id_b = run(&eb, "fleetb");
    let stopped_b = eb.docker_ok(&["create", "--name", &format!("{name}-x"), &image, "true"]);
    let main = TestContainer::run("fleet-main", &[], &["sleep", "600"]);

    let main_spec = dockside::docker::client::resolve(None, None).spec("main".into());
    let spec = |n: &str, e: &Engine2| dockside::app::fleet::HostSpec {
        name: n.into(),
        addr: e.sock(),
        source: "test".into(),
        tls: None,
        readonly: false,
    };
    let mut d = Driver::fleet(vec![main_spec, spec("fleeta", &ea), spec("fleetb", &eb)]);

    // The union: each extra engine's list equals its `docker ps -a`; the main engine's
    // holds ours (other tests come and go there meanwhile).
    let want_a = ids(&ea.docker_ok(&["ps", "-aq", "--no-trunc"]));
    let want_b = ids(&eb.docker_ok(&["ps", "-aq", "--no-trunc"]));
    assert_eq!(want_b.len(), 2);
    let main_id = main.id.clone();
    assert!(
        d.until(T, |s| listed(s, 1) == want_a
            && listed(s, 2) == want_b
            && listed(s, 0).contains(&main_id))
            .await,
        "merged list: a={:?} b={:?}",
        listed(&d.state, 1),
        listed(&d.state, 2)
    );
    assert!(want_b.contains(&stopped_b));
    assert_eq!(
        d.state.containers[&id_a].name,
        d.state.containers[&id_b].name
    );

    // The hosts view knows each engine (docker info of each).
    assert!(
        d.until(T, |s| s.fleet.hosts.iter().all(|h| h.facts.is_some()))
            .await,
        "facts of every engine"
    );

    // Logs of the fleetb row come from fleetb.
    pick(&mut d, "fleetb", &name, &id_b).await;
    let said = |s: &State, what: &str| s.logs.buf.iter().any(|(_, l)| l.body.text.contains(what));
    assert!(
        d.until(T, |s| said(s, "hello from fleetb")).await,
        "fleetb's logs"
    );
    assert!(!said(&d.state, "hello from fleeta"));

    // Stats of visible rows are sampled on each engine: show both rows of that name.
    d.state.filter.text = name.clone();
    d.state.recompute_rows();
    let (a, b) = (id_a.clone(), id_b.clone());
    assert!(
        d.until(T, |s| s.stats.contains_key(&a) && s.stats.contains_key(&b))
            .await,
        "stats from both extra engines"
    );

    // A shell on the fleeta row runs on fleeta.
    pick(&mut d, "fleeta", &name, &id_a).await;
    d.key('e');
    let shell_runs = |e: &Engine2, id: &str| {
        e.docker_ok(&["top", id, "-o", "pid,args"])
            .lines()
            .any(|l| l.contains("sh") && !l.contains("sleep") && !l.contains("echo"))
    };
    assert!(
        support::wait_until(T, || shell_runs(&ea, &id_a)),
        "no shell on fleeta's container"
    );
    assert!(!shell_runs(&eb, &id_b), "the shell went to fleetb");
    d.key_code(
        crossterm::event::KeyCode::Char('g'),
        crossterm::event::KeyModifiers::CONTROL,
    );

    // Stop on the fleeta row stops fleeta's container only.
    d.state.focus = dockside::app::state::Focus::List;
    d.key('s');
    let running =
        |e: &Engine2, id: &str| e.docker_ok(&["inspect", "-f", "{{.State.Running}}", id]) == "true";
    assert!(
        support::wait_until(T, || !running(&ea, &id_a)),
        "fleeta's container still runs"
    );
    assert!(
        running(&eb, &id_b),
        "fleetb's container of the same name was stopped"
    );
    let a = id_a.clone();
    assert!(
        d.until(T, |s| s
            .containers
            .get(&a)
            .is_some_and(|c| c.state != CState::Running))
            .await
    );

    // The volumes view merges the engines: a volume of the same name on both extra engines
    // is two rows; removing fleetb's removes it from fleetb only.
    let vol = format!("{name}-vol");
    ea.docker_ok(&["volume", "create", &vol]);
    eb.docker_ok(&["volume", "create", &vol]);
    d.key('3');
    assert_eq!(d.state.view, dockside::views::View::Volumes);
    let vol_hosts = |s: &State| -> Vec<Option<EngineId>> {
        s.views
            .volumes
            .volumes
            .iter()
            .flatten()
            .filter(|v| v.name == vol)
            .map(|v| v.host)
            .collect()
    };
    assert!(
        d.until(T, |s| vol_hosts(s)
            == [Some(EngineId(1)), Some(EngineId(2))])
            .await,
        "both engines' volume listed: {:?}",
        vol_hosts(&d.state)
    );
    // Every engine's own volumes are there, each as its `docker volume ls` says.
    let on = |s: &State, h: u32| -> BTreeSet<String> {
        s.views
            .volumes
            .volumes
            .iter()
            .flatten()
            .filter(|v| v.host == Some(EngineId(h)))
            .map(|v| v.name.clone())
            .collect()
    };
    let want = |e: &Engine2| -> BTreeSet<String> {
        e.docker_ok(&["volume", "ls", "-q"])
            .lines()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(on(&d.state, 2), want(&eb));
    d.key('/');
    for ch in vol.chars() {
        d.key(ch);
    }
    d.key_code(
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
    );
    d.key('g');
    d.key('j');
    assert_eq!(
        d.state.views.volumes.selected().map(|v| v.host),
        Some(Some(EngineId(2)))
    );
    d.key('D');
    d.key('y');
    assert!(
        support::wait_until(T, || !want(&eb).contains(&vol)),
        "fleetb's volume was not removed"
    );
    assert!(want(&ea).contains(&vol), "fleeta's volume went too");
    assert!(
        d.until(T, |s| vol_hosts(s) == [Some(EngineId(1))]).await,
        "the view follows: {:?}",
        vol_hosts(&d.state)
    );
    d.key_code(
        crossterm::event::KeyCode::Esc,
        crossterm::event::KeyModifiers::NONE,
    );
    d.key('1');

    // fleeta dies: its rows stay, greyed; fleetb keeps updating meanwhile.
    ea.kill();
    assert!(
        d.until(T, |s| s
            .fleet
            .host(EngineId(1))
            .is_some_and(|h| matches!(h.conn, ConnStatus::Failed { .. })))
            .await,
        "the outage of fleeta was not shown"
    );
    assert!(
        matches!(d.state.conn, ConnStatus::Connected { .. }),
        "the primary stays up"
    );
    let late = eb.docker_ok(&[
        "run",
        "-d",
        "--name",
        &format!("{name}-late"),
        &image,
        "sleep",
        "600",
    ]);
    assert!(
        d.until(T, |s| s.containers.contains_key(&late)).await,
        "fleetb's new container did not appear while fleeta was down"
    );
    assert!(
        d.state.containers.contains_key(&id_a),
        "fleeta's rows stay while it is down"
    );

    // fleeta comes back: connected again, its list fresh.
    ea.restart(&[]);
    let want_a = ids(&ea.docker_ok(&["ps", "-aq", "--no-trunc"]));
    assert!(
        d.until(T, |s| s
            .fleet
            .host(EngineId(1))
            .is_some_and(|h| h.connected())
            && listed(s, 1) == want_a)
            .await,
        "fleeta did not come back"
    );
    drop(d);
    drop(main);
}

/// From a registry on loopback, to two of three engines, with an environment: each engine
/// pulls and runs the container with the environment's variables, labels and ports; the
/// third engine gets nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_to_two_engines_with_an_environment() {
    use crossterm::event::{KeyCode, KeyModifiers};
    if !engine::available() {
        return;
    }
    let Some(reg) = support::registry::start("fleet-reg", None) else {
        assert!(
            !engine::engine_required(),
            "docker-registry is not installed (scripts/engine.sh installs it)"
        );
        return;
    };
    let Some(ec) = Engine2::start("fleetc", &[]) else {
        return;
    };
    let Some(ed) = Engine2::start("fleetd", &[]) else {
        return;
    };
    let image = reg.push(&engine::test_image(), "dockside-fleet/app", "1");
    let name = engine::unique_name("deployed");
    let main_spec = dockside::docker::client::resolve(None, None).spec("main".into());
    let spec = |n: &str, e: &Engine2| dockside::app::fleet::HostSpec {
        name: n.into(),
        addr: e.sock(),
        source: "test".into(),
        tls: None,
        readonly: false,
    };
    let mut d = Driver::fleet(vec![main_spec, spec("fleetc", &ec), spec("fleetd", &ed)]);
    d.state.fleet.environments = vec![dockside::app::engines::Environment {
        name: "beta".into(),
        env: vec!["MODE=beta".into()],
        labels: vec![("env".into(), "beta".into())],
        ports: vec!["127.0.0.1::80".into()],
    }];
    assert!(
        d.until(T, |s| s.fleet.hosts.iter().all(|h| h.connected()))
            .await,
        "three engines connected"
    );
    // Hosts view: mark fleetc and fleetd, deploy.
    d.key('*');
    d.key('j');
    d.key(' ');
    d.key(' ');
    d.key('r');
    d.key_code(KeyCode::Enter, KeyModifiers::NONE); // environment: beta
    for c in image.chars() {
        d.key(c);
    }
    d.key_code(KeyCode::Tab, KeyModifiers::NONE);
    for c in name.chars() {
        d.key(c);
    }
    d.key_code(KeyCode::Tab, KeyModifiers::NONE);
    for c in "sleep 600".chars() {
        d.key(c);
    }
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(
        d.state.views.images.jobs.list.len(),
        2,
        "{:?}",
        d.state.status
    );
    assert!(
        d.until(Duration::from_secs(90), |s| s
            .views
            .images
            .jobs
            .list
            .iter()
            .all(|j| j.progress.is_finished()))
            .await,
        "the deploys did not finish"
    );
    for j in &d.state.views.images.jobs.list {
        assert_eq!(j.progress.error(), None, "{}", j.title);
    }
    for e in [&ec, &ed] {
        let got = e.docker_ok(&[
            "inspect",
            "-f",
            "{{.State.Running}}|{{.Config.Image}}|{{json .Config.Env}}|{{index .Config.Labels \"env\"}}|{{json .HostConfig.PortBindings}}",
            &name,
        ]);
        let parts: Vec<&str> = got.split('|').collect();
        assert_eq!(parts[0], "true", "{got}");
        assert_eq!(parts[1], image, "{got}");
        assert!(parts[2].contains("MODE=beta"), "{got}");
        assert_eq!(parts[3], "beta", "{got}");
        assert!(
            parts[4].contains("80/tcp") && parts[4].contains("127.0.0.1"),
            "{got}"
        );
    }
    assert!(
        !engine::docker(&["inspect", &name]).status.success(),
        "the main engine was not marked, yet got the container"
    );
    // dockside lists them, one per engine.
    let n = name.clone();
    assert!(
        d.until(T, |s| s.containers.values().filter(|c| c.name == n).count()
            == 2)
            .await
    );
}
