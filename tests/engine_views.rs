//! The images, volumes, networks and engine views, driven by keys against a real engine.

mod support;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyModifiers};
use dockside::views::View;
use support::driver::Driver;
use support::engine::{self, docker, docker_ok, docker_ok_exclusive, unique_name};

const T: Duration = Duration::from_secs(30);

fn type_line(d: &mut Driver, text: &str) {
    for ch in text.chars() {
        d.key_code(KeyCode::Char(ch), KeyModifiers::NONE);
    }
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_view_lists_and_pulls_with_progress_from_a_registry() {
    if !engine::available() {
        return;
    }
    let image = engine::test_image();
    let reference = format!("127.0.0.1:5000/{}:v1", unique_name("dsviews"));
    docker_ok(&["tag", &image, &reference]);
    let pushed = docker(&["push", &reference]);
    assert!(
        pushed.status.success(),
        "registry on 127.0.0.1:5000 (scripts/engine.sh): {}",
        String::from_utf8_lossy(&pushed.stderr)
    );
    docker_ok(&["rmi", &reference]);
    let mut d = Driver::start(None);
    d.key('2');
    assert_eq!(d.state.view, View::Images);
    assert!(
        d.until(T, |s| s.views.images.images.is_some()).await,
        "images listed"
    );
    let names: Vec<String> = d
        .state
        .views
        .images
        .images
        .iter()
        .flatten()
        .flat_map(|i| i.tags.clone())
        .collect();
    assert!(names.contains(&image), "{names:?}");
    // Pull it back through the UI.
    d.key('p');
    type_line(&mut d, &reference);
    assert!(
        d.until(T, |s| s
            .views
            .images
            .jobs
            .list
            .last()
            .is_some_and(|j| j.progress.is_finished()))
            .await,
        "pull finishes"
    );
    let job = d.state.views.images.jobs.list.last().expect("a job");
    assert_eq!(job.progress.error(), None);
    assert!(
        job.progress.lines().len() + job.progress.layers().len() > 0,
        "progress was shown"
    );
    // The list follows the image event.
    let r = reference.clone();
    assert!(
        d.until(T, |s| s
            .views
            .images
            .images
            .iter()
            .flatten()
            .any(|i| i.tags.contains(&r)))
            .await,
        "pulled image listed without a manual refresh"
    );
    docker_ok(&["rmi", &reference]);
    let r = reference.clone();
    assert!(
        d.until(T, |s| !s
            .views
            .images
            .images
            .iter()
            .flatten()
            .any(|i| i.tags.contains(&r)))
            .await,
        "removal seen"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn volumes_and_networks_are_created_and_removed_from_the_ui() {
    if !engine::available() {
        return;
    }
    let vol = unique_name("dsvol");
    let net = unique_name("dsnet");
    struct Cleanup(String, String);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = docker(&["volume", "rm", "-f", &self.0]);
            let _ = docker(&["network", "rm", &self.1]);
        }
    }
    let _c = Cleanup(vol.clone(), net.clone());
    let mut d = Driver::start(None);
    d.key('3');
    assert!(d.until(T, |s| s.views.volumes.volumes.is_some()).await);
    d.key('c');
    type_line(&mut d, &vol);
    let v = vol.clone();
    assert!(
        d.until(T, |s| s
            .views
            .volumes
            .volumes
            .iter()
            .flatten()
            .any(|x| x.name == v))
            .await,
        "volume appears"
    );
    // Sizes on request.
    d.key('S');
    let v = vol.clone();
    assert!(
        d.until(T, |s| s
            .views
            .volumes
            .volumes
            .iter()
            .flatten()
            .any(|x| x.name == v && x.size.is_some()))
            .await,
        "volume sizes measured"
    );
    assert_eq!(
        docker_ok(&["volume", "inspect", "-f", "{{.Name}}", &vol]),
        vol
    );
    // Select it through the filter, then remove it.
    d.key('/');
    type_line(&mut d, &vol);
    d.key('D');
    d.key('y');
    let v = vol.clone();
    assert!(
        d.until(T, |s| !s
            .views
            .volumes
            .volumes
            .iter()
            .flatten()
            .any(|x| x.name == v))
            .await,
        "volume removed"
    );

    d.key_code(KeyCode::Esc, KeyModifiers::NONE);
    d.key('4');
    assert!(d.until(T, |s| s.views.networks.networks.is_some()).await);
    d.key('c');
    type_line(&mut d, &net);
    let n = net.clone();
    assert!(
        d.until(T, |s| s
            .views
            .networks
            .networks
            .iter()
            .flatten()
            .any(|x| x.name == n))
            .await,
        "network appears"
    );
    d.key('/');
    type_line(&mut d, &net);
    d.key('D');
    d.key('y');
    let n = net.clone();
    assert!(
        d.until(T, |s| !s
            .views
            .networks
            .networks
            .iter()
            .flatten()
            .any(|x| x.name == n))
            .await,
        "network removed"
    );
    assert!(!docker(&["network", "inspect", &net]).status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_view_shows_disk_usage_like_system_df() {
    if !engine::available() {
        return;
    }
    let mut d = Driver::start(None);
    d.key('5');
    assert!(
        d.until(T, |s| s.views.engine.disk.is_some()
            && s.views.engine.info.is_some())
            .await
    );
    // Other tests add and remove images meanwhile: compare the two views of the same moment,
    // asking dockside again (R) when the CLI saw another count.
    let cli_images = || {
        docker_ok_exclusive(&["system", "df", "--format", "{{.Type}} {{.TotalCount}}"])
            .lines()
            .find(|l| l.starts_with("Images"))
            .and_then(|l| l.split_whitespace().last())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(u64::MAX)
    };
    let mut seen = Vec::new();
    for _ in 0..5 {
        let total_images = cli_images();
        let same = |s: &dockside::app::State| {
            s.views
                .engine
                .disk
                .as_ref()
                .is_some_and(|disk| disk.images.count == total_images)
        };
        if d.until(Duration::from_secs(5), same).await {
            seen.clear();
            break;
        }
        let shown = d
            .state
            .views
            .engine
            .disk
            .as_ref()
            .map(|disk| disk.images.count);
        seen.push((total_images, shown));
        d.key('R');
    }
    assert!(
        seen.is_empty(),
        "dockside's image count never matched `docker system df` (cli, dockside): {seen:?}"
    );
    let info = d.state.views.engine.info.clone().unwrap_or_default();
    assert!(
        info.iter().any(|(k, v)| k == "Engine" && v.contains("API")),
        "{info:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_prompt_creates_starts_and_selects_the_container() {
    if !engine::available() {
        return;
    }
    let name = unique_name("dsrun");
    struct Rm(String);
    impl Drop for Rm {
        fn drop(&mut self) {
            let _ = docker(&["rm", "-f", &self.0]);
        }
    }
    let _rm = Rm(name.clone());
    let mut d = Driver::start(None);
    d.key('2');
    let image = engine::test_image();
    assert!(d.until(T, |s| s.views.images.images.is_some()).await);
    d.key('/');
    type_line(&mut d, &image);
    let img = image.clone();
    assert!(
        d.until(T, |s| s
            .views
            .images
            .selected()
            .is_some_and(|i| i.tags.contains(&img)))
            .await,
        "test image selected"
    );
    d.key('R');
    // The prompt starts with "-d "; type the rest of the options, then the command.
    type_line(
        &mut d,
        &format!("--name {name} -e MODE=bench --restart unless-stopped -- sleep 300"),
    );
    let n = name.clone();
    assert!(
        d.until(T, |s| s.view == View::Containers
            && s.selected_container().is_some_and(|c| c.name == n))
            .await,
        "back in the containers view with the new container selected; status {:?}",
        d.state.status
    );
    assert_eq!(
        docker_ok(&["inspect", "-f", "{{.State.Running}}", &name]),
        "true"
    );
    assert_eq!(
        docker_ok(&["inspect", "-f", "{{.HostConfig.RestartPolicy.Name}}", &name]),
        "unless-stopped"
    );
    assert!(docker_ok(&["inspect", "-f", "{{.Config.Env}}", &name]).contains("MODE=bench"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_form_creates_the_container_with_every_field_entered() {
    if !engine::available() {
        return;
    }
    let name = unique_name("dsform");
    struct Rm(String);
    impl Drop for Rm {
        fn drop(&mut self) {
            let _ = docker(&["rm", "-f", &self.0]);
        }
    }
    let _rm = Rm(name.clone());
    let mut d = Driver::start(None);
    d.key('2');
    let image = engine::test_image();
    assert!(d.until(T, |s| s.views.images.images.is_some()).await);
    d.key('/');
    type_line(&mut d, &image);
    d.key('r');
    let tab = |d: &mut Driver| d.key_code(KeyCode::Tab, KeyModifiers::NONE);
    let typ = |d: &mut Driver, t: &str| {
        for ch in t.chars() {
            d.key_code(KeyCode::Char(ch), KeyModifiers::NONE);
        }
    };
    typ(&mut d, &name); // name
    tab(&mut d);
    typ(&mut d, "sleep 300"); // command
    tab(&mut d);
    typ(&mut d, "127.0.0.1::80"); // ports
    tab(&mut d);
    typ(&mut d, "MODE=form"); // env
    for _ in 0..6 {
        tab(&mut d); // volumes, volumes from, network, links, restart
    }
    // Now on memory (restart was skipped: index 9 -> 10).
    typ(&mut d, "64m");
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    let n = name.clone();
    assert!(
        d.until(T, |s| s.selected_container().is_some_and(|c| c.name == n))
            .await,
        "created, started and selected; status {:?}",
        d.state.status
    );
    assert_eq!(
        docker_ok(&["inspect", "-f", "{{.State.Running}}", &name]),
        "true"
    );
    assert!(docker_ok(&["inspect", "-f", "{{.Config.Env}}", &name]).contains("MODE=form"));
    assert_eq!(
        docker_ok(&["inspect", "-f", "{{.HostConfig.Memory}}", &name]),
        "67108864"
    );
    assert!(docker_ok(&["port", &name, "80/tcp"]).starts_with("127.0.0.1:"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_view_shows_what_the_engine_reports_and_leads_to_the_container() {
    if !engine::available() {
        return;
    }
    // Before dockside starts: a container comes and goes. The view asks the engine's past.
    let before = support::engine::TestContainer::create("dsbefore", &[], &["true"]);
    docker_ok(&["rm", &before.id]);
    let mut d = Driver::start(None);
    assert!(
        d.until(T, |s| matches!(
            s.conn,
            dockside::app::msg::ConnStatus::Connected { .. }
        ))
        .await,
        "connected"
    );
    d.key('6');
    assert!(
        d.until(T, |s| matches!(
            s.views.events.history,
            dockside::views::events::History::Loaded(_)
        ))
        .await,
        "the last hour is fetched: {:?}",
        d.state.views.events.history
    );
    let past: Vec<String> = (0..d.state.views.events.len())
        .filter_map(|i| d.state.views.events.get(i))
        .filter(|e| e.id == before.id)
        .map(|e| e.action.clone())
        .collect();
    assert_eq!(past, vec!["destroy", "create"], "newest first");
    d.key('1');
    // A label carrying an escape sequence: shown neutralised, never raw.
    let c = support::engine::TestContainer::run(
        "dsevents",
        &["--label", "evil=\u{1b}]0;pwned\u{7}x"],
        &["sh", "-c", "sleep 600"],
    );
    docker_ok(&["stop", "-t", "0", &c.id]);
    let of = |s: &dockside::app::State, action: &str| {
        (0..s.views.events.len())
            .filter_map(|i| s.views.events.get(i))
            .any(|e| e.typ == "container" && e.id == c.id && e.action == action)
    };
    assert!(
        d.until(T, |s| ["create", "start", "die", "stop"]
            .iter()
            .all(|a| of(s, a)))
            .await,
        "create, start, die and stop of {} logged",
        c.name
    );
    let ev = (0..d.state.views.events.len())
        .filter_map(|i| d.state.views.events.get(i))
        .find(|e| e.id == c.id && e.action == "die")
        .cloned()
        .expect("die event");
    assert_eq!(ev.subject(), c.name);
    assert_eq!(ev.attr("exitCode"), Some("137"));
    let evil = ev.attr("evil").expect("label attribute");
    assert!(!evil.chars().any(char::is_control), "{evil:?}");
    assert!(
        evil.ends_with('x'),
        "the text after the sequence is kept: {evil:?}"
    );

    // In the view: filter to this container's die, enter goes to the container.
    d.key('6');
    assert_eq!(d.state.view, View::Events);
    d.key('/');
    type_line(&mut d, &c.name);
    let rows = d.state.views.events.list.len();
    assert!(rows >= 4, "{rows} rows match {}", c.name);
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(d.state.view, View::Containers);
    assert_eq!(d.state.selected.as_deref(), Some(c.id.as_str()));
}
