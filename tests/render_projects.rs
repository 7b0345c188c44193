//! Rendering snapshots of the projects view at 80x24 and 200x50 (no engine, no terminal).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use dockside::app::fixtures::{self, NOW};
use dockside::app::images::Image;
use dockside::app::model::{CState, Compose, Container, Health, Port};
use dockside::app::msg::{Cmd, ContainerAction, Msg, Req, ResCmd, ResMsg};
use dockside::app::{State, update};
use dockside::views::View;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

mod support;
use support::screen::{SIZES, render};

fn send(s: &mut State, msg: Msg) -> Vec<Cmd> {
    let mut out = Vec::new();
    update(s, msg, &mut out);
    out
}

fn press(s: &mut State, c: char) -> Vec<Cmd> {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    let code = match c {
        '\n' => KeyCode::Enter,
        '\x1b' => KeyCode::Esc,
        c => KeyCode::Char(c),
    };
    send(s, Msg::Key(KeyEvent::new(code, mods)))
}

const OLD: &str = "sha256:0000aaaa1111bbbb2222cccc3333dddd4444eeee5555ffff6666aaaa7777bbbb";
const NEW: &str = "sha256:9999aaaa1111bbbb2222cccc3333dddd4444eeee5555ffff6666aaaa7777bbbb";

fn member(n: u32, project: &str, service: &str, num: u32, image: &str, state: CState) -> Container {
    let mut c = fixtures::container(n, &format!("{project}-{service}-{num}"), image, state);
    c.project = Some(project.into());
    c.service = Some(service.into());
    c.compose = Some(Box::new(Compose {
        number: Some(num),
        oneoff: false,
        working_dir: format!("/srv/{project}"),
        config_files: format!("/srv/{project}/docker-compose.yml"),
        image_id: OLD.into(),
        networks: vec![format!("{project}_default")],
        volumes: if service == "mongo" {
            vec![format!("{project}_data")]
        } else {
            vec![]
        },
    }));
    c
}

/// Two stacks: one partly up, with an outdated api and an unhealthy mongo; one fully stopped.
fn stacks() -> Vec<Container> {
    let mut nginx = member(20, "stack", "nginx", 1, "nginx:1.27", CState::Running);
    nginx.ports = vec![Port {
        ip: Some("0.0.0.0".into()),
        private: 80,
        public: Some(8080),
        proto: "tcp".into(),
    }];
    let api1 = member(21, "stack", "api", 1, "stack/api:latest", CState::Running);
    let api2 = member(22, "stack", "api", 2, "stack/api:latest", CState::Running);
    let api3 = member(23, "stack", "api", 3, "stack/api:latest", CState::Exited);
    let mut mongo = member(24, "stack", "mongo", 1, "mongo:7", CState::Running);
    mongo.health = Some(Health::Unhealthy);
    let redis = member(25, "stack", "redis", 1, "redis:7", CState::Running);
    let web = member(30, "blog", "web", 1, "ghost:5", CState::Exited);
    let db = member(31, "blog", "db", 1, "mysql:8", CState::Exited);
    let mut all = fixtures::fleet();
    all.extend([nginx, api1, api2, api3, mongo, redis, web, db]);
    all
}

fn images() -> Vec<Image> {
    let image = |id: &str, tags: &[&str]| Image {
        host: None,
        id: id.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        size: 1,
        created: NOW,
        containers: 1,
        dangling: false,
        digests: Vec::new(),
    };
    vec![
        // stack/api:latest moved on: its containers run OLD.
        image(NEW, &["stack/api:latest"]),
        image(
            OLD,
            &["nginx:1.27", "mongo:7", "redis:7", "ghost:5", "mysql:8"],
        ),
    ]
}

fn projects_state(w: u16, h: u16) -> State {
    let mut s = fixtures::state(w, h);
    send(&mut s, Msg::snapshot(stacks()));
    let out = press(&mut s, '7');
    assert_eq!(s.view, View::Projects);
    assert!(
        out.contains(&Cmd::Engine(Req::Res(ResCmd::Watch(
            dockside::app::msg::Kind::Images
        )))),
        "the outdated badge asks for the images list: {out:?}"
    );
    send(&mut s, Msg::Res(ResMsg::Images(Ok(images()))));
    s
}

#[test]
fn projects_view() {
    for (w, h) in SIZES {
        let mut s = projects_state(w, h);
        let names: Vec<&str> = s
            .views
            .projects
            .projects
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["blog", "shop", "stack"]);
        press(&mut s, 'j');
        press(&mut s, 'j');
        insta::assert_snapshot!(format!("projects_{w}x{h}"), render(&s));
    }
}

#[test]
fn services_of_a_project() {
    for (w, h) in SIZES {
        let mut s = projects_state(w, h);
        press(&mut s, 'j');
        press(&mut s, 'j');
        press(&mut s, '\n');
        assert_eq!(s.views.projects.open.as_deref(), Some("stack"));
        let api = &s.views.projects.selected_service().expect("a service");
        assert_eq!(api.name, "api");
        assert_eq!(api.running(), (2, 3));
        assert!(api.outdated());
        insta::assert_snapshot!(format!("projects_services_{w}x{h}"), render(&s));
        press(&mut s, '\x1b');
        assert_eq!(s.views.projects.open, None, "esc goes back to the projects");
    }
}

#[test]
fn project_actions_reach_its_containers_and_down_asks() {
    let mut s = projects_state(120, 40);
    // The selection followed the fixtures' shop project into the snapshot: to the top.
    press(&mut s, 'g');
    assert_eq!(
        s.views.projects.selected().map(|p| p.name.as_str()),
        Some("blog")
    );
    // blog is fully stopped: start starts both its containers.
    let out = press(&mut s, 'S');
    let started: Vec<&str> = out
        .iter()
        .filter_map(|c| match c {
            Cmd::Engine(Req::Group { targets, .. }) => Some(targets),
            _ => None,
        })
        .flatten()
        .map(|(_, name)| name.as_str())
        .collect();
    assert_eq!(started, ["blog-db-1", "blog-web-1"]);
    // Stopping it: nothing to stop.
    let out = press(&mut s, 's');
    assert!(out.is_empty(), "{out:?}");
    // Mark blog and stack, stop: only the running ones of stack.
    press(&mut s, ' ');
    press(&mut s, 'j');
    press(&mut s, ' ');
    assert_eq!(s.views.projects.marked.len(), 2);
    let out = press(&mut s, 's');
    let [Cmd::Engine(Req::Group { targets, action })] = out.as_slice() else {
        panic!("one ordered group: {out:?}");
    };
    assert_eq!(*action, ContainerAction::Stop);
    assert_eq!(targets.len(), 5, "stack's 5 running containers: {out:?}");
    // Down asks first, with the volumes as an option.
    let out = press(&mut s, 'D');
    assert!(out.is_empty());
    insta::assert_snapshot!("projects_down_ask_120x40", render(&s));
    let out = press(&mut s, 'f');
    assert_eq!(
        out,
        [Cmd::Engine(Req::Res(ResCmd::ComposeDown {
            projects: vec!["blog".into(), "stack".into()],
            service: None,
            volumes: true,
        }))]
    );
    // A service's containers: only them.
    press(&mut s, '\x1b');
    press(&mut s, 'g');
    press(&mut s, 'j');
    press(&mut s, 'j');
    press(&mut s, '\n');
    press(&mut s, 'j');
    let out = press(&mut s, 'r');
    let restarted: Vec<&str> = out
        .iter()
        .filter_map(|c| match c {
            Cmd::Engine(Req::Group { targets, .. }) => Some(targets),
            _ => None,
        })
        .flatten()
        .map(|(_, name)| name.as_str())
        .collect();
    assert_eq!(restarted, ["stack-mongo-1"]);
}

#[test]
fn projects_follow_the_containers() {
    let mut s = projects_state(120, 40);
    let gone: Vec<String> = stacks()
        .into_iter()
        .filter(|c| c.project.as_deref() == Some("blog"))
        .map(|c| c.id)
        .collect();
    for id in gone {
        send(&mut s, Msg::Gone(id));
    }
    let names: Vec<&str> = s
        .views
        .projects
        .projects
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["shop", "stack"]);
    let mut c = stacks()
        .into_iter()
        .find(|c| c.name == "stack-api-3")
        .expect("api-3");
    c.state = CState::Running;
    send(&mut s, Msg::Upsert(c));
    assert_eq!(s.views.projects.projects[1].state_text(), "running 6/6");
}

#[test]
fn closing_a_project_comes_back_to_it_whatever_came_meanwhile() {
    let mut s = projects_state(120, 40);
    press(&mut s, 'G');
    assert_eq!(
        s.views.projects.selected().map(|p| p.name.as_str()),
        Some("stack")
    );
    press(&mut s, '\n');
    // While stack is open, two projects sorted before it come up, and blog goes.
    for (i, name) in (0u32..).zip(["alpha", "beta"]) {
        send(
            &mut s,
            Msg::Upsert(member(40 + i, name, "app", 1, "app:1", CState::Running)),
        );
    }
    for c in stacks()
        .into_iter()
        .filter(|c| c.project.as_deref() == Some("blog"))
    {
        send(&mut s, Msg::Gone(c.id));
    }
    press(&mut s, '\x1b');
    assert_eq!(s.views.projects.open, None);
    assert_eq!(
        s.views.projects.selected().map(|p| p.name.as_str()),
        Some("stack")
    );
    // And the project's actions go to it, not to the row it used to be on.
    let out = press(&mut s, 's');
    let [Cmd::Engine(Req::Group { targets, .. })] = out.as_slice() else {
        panic!("one group: {out:?}");
    };
    assert!(
        targets.iter().all(|(_, n)| n.starts_with("stack-")),
        "{targets:?}"
    );
}

fn logs_req(out: &[Cmd]) -> Option<dockside::app::msg::LogsRequest> {
    out.iter().find_map(|c| match c {
        Cmd::Engine(Req::Logs(Some(r))) => Some(r.clone()),
        _ => None,
    })
}

#[test]
fn project_logs_are_interleaved_and_follow_the_project() {
    use dockside::app::logbuf::{LogLine, LogStream};
    use dockside::app::msg::{LogEvent, LogEventKind};
    use dockside::app::sanitize::sanitize_line;
    use dockside::docker::group_logs::{merge, prefixed};
    for (w, h) in SIZES {
        let mut s = projects_state(w, h);
        press(&mut s, 'j');
        press(&mut s, 'j');
        let out = press(&mut s, 'l');
        assert_eq!(
            s.view,
            View::Containers,
            "the logs pane of the containers view"
        );
        let req = logs_req(&out).expect("an aggregated log is opened");
        let prefixes: Vec<(&str, bool)> = req
            .group
            .iter()
            .map(|g| (g.prefix.as_str(), g.live))
            .collect();
        assert_eq!(
            prefixes,
            [
                ("api-1", true),
                ("api-2", true),
                ("api-3", false),
                ("mongo", true),
                ("nginx", true),
                ("redis", true)
            ]
        );
        // The docker layer's lines: prefixed, merged by time.
        let line = |ts: i64, who: usize, text: &str| {
            let l = LogLine {
                stream: LogStream::Stdout,
                ts_nanos: Some((NOW - 60 + ts) * 1_000_000_000),
                body: sanitize_line(text.as_bytes(), 4096),
            };
            prefixed(l, req.group[who].prefix.as_str(), 5, who)
        };
        let lines = merge(vec![
            line(3, 4, "GET /api/orders 200 → api-1"),
            line(1, 3, "waiting for connections on port 27017"),
            line(2, 0, "listening on :8000"),
            line(4, 1, "listening on :8000"),
            line(5, 5, "Ready to accept connections tcp"),
        ]);
        let generation = s.logs.generation;
        send(
            &mut s,
            Msg::Logs(LogEvent {
                generation,
                kind: LogEventKind::Lines(lines),
            }),
        );
        insta::assert_snapshot!(format!("projects_logs_{w}x{h}"), render(&s));
        // A replica joins (scale up): the log follows it from the last line seen.
        let mut api4 = member(26, "stack", "api", 4, "stack/api:latest", CState::Running);
        api4.since = Some(NOW);
        let out = send(&mut s, Msg::Upsert(api4));
        let req = logs_req(&out).expect("followed again with the new replica");
        assert_eq!(req.group.len(), 7);
        assert!(req.group.iter().any(|g| g.prefix == "api-4" && g.live));
        assert_eq!(req.after_nanos, Some((NOW - 55) * 1_000_000_000));
        assert_eq!(s.logs.buf.len(), 5, "the lines seen stay");
        // Nothing changed: no new stream.
        let same = stacks()
            .into_iter()
            .find(|c| c.name == "stack-redis-1")
            .expect("redis");
        assert!(logs_req(&send(&mut s, Msg::Upsert(same))).is_none());
    }
}

#[test]
fn compose_cli_output_is_shown_live() {
    use dockside::app::images::Progress;
    for (w, h) in SIZES {
        let mut s = projects_state(w, h);
        press(&mut s, 'j');
        press(&mut s, 'j');
        let out = press(&mut s, 'u');
        let run = out
            .iter()
            .find_map(|c| match c {
                Cmd::Engine(Req::Res(ResCmd::Compose(r))) => Some(r.clone()),
                _ => None,
            })
            .expect("a compose run");
        assert_eq!(run.project, "stack");
        assert_eq!(run.working_dir, "/srv/stack");
        assert_eq!(run.files, ["/srv/stack/docker-compose.yml"]);
        assert_eq!(run.args, ["up", "-d"]);
        assert_eq!(
            run.host.as_deref(),
            Some("unix:///var/run/docker.sock"),
            "the CLI goes to the engine dockside is on"
        );
        for line in [
            "$ docker-compose -p stack -f /srv/stack/docker-compose.yml up -d",
            "stack_mongo_1 is up-to-date",
            "Starting stack_api_3 ...",
            "Starting stack_api_3 ... done",
        ] {
            let progress = Progress::Line(line.into());
            send(
                &mut s,
                Msg::Res(ResMsg::Compose {
                    job: run.job,
                    progress,
                }),
            );
        }
        insta::assert_snapshot!(format!("projects_cli_{w}x{h}"), render(&s));
        // Scale asks how many, on a service only.
        let out = press(&mut s, '+');
        assert!(out.is_empty());
        press(&mut s, '\n');
        press(&mut s, '+');
        for c in "4\n".chars() {
            let out = press(&mut s, c);
            if c == '\n' {
                assert!(
                    out.iter().any(|c| matches!(c,
                        Cmd::Engine(Req::Res(ResCmd::Compose(r)))
                            if r.args.ends_with(&["--scale".to_string(), "api=4".to_string()]))),
                    "{out:?}"
                );
            }
        }
    }
}

#[test]
fn the_projects_filter_does_not_filter_the_services() {
    let mut s = projects_state(120, 40);
    for c in "/stack\n".chars() {
        press(&mut s, c);
    }
    assert_eq!(s.views.projects.list.len(), 1);
    press(&mut s, '\n');
    assert_eq!(s.views.projects.services.len(), 4, "every service of stack");
    // A container changing keeps them all.
    let redis = stacks()
        .into_iter()
        .find(|c| c.name == "stack-redis-1")
        .expect("redis");
    send(&mut s, Msg::Upsert(redis));
    assert_eq!(s.views.projects.services.len(), 4);
    // A filter typed here filters them.
    press(&mut s, '/');
    for _ in "stack".chars() {
        send(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)),
        );
    }
    for c in "mongo\n".chars() {
        press(&mut s, c);
    }
    assert_eq!(s.views.projects.services.len(), 1);
}

/// Not a check (no timed assertion): prints how long the projects view's first frame takes
/// after its key with 50 projects × 4 services (200 containers). `cargo test --release --test
/// render_projects -- --ignored --nocapture`.
#[test]
#[ignore]
fn first_frame_of_fifty_projects() {
    let mut cs = Vec::new();
    for p in 0..50 {
        for (i, svc) in ["web", "api", "db", "cache"].iter().enumerate() {
            let n = 1000 + p * 4 + i as u32;
            cs.push(member(
                n,
                &format!("proj{p}"),
                svc,
                1,
                "app:1",
                CState::Running,
            ));
        }
    }
    let mut s = fixtures::state(200, 50);
    let t = std::time::Instant::now();
    send(&mut s, Msg::snapshot(cs));
    let listed = t.elapsed();
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    let (mut keys, mut frames) = (Vec::new(), Vec::new());
    for _ in 0..20 {
        let t = std::time::Instant::now();
        press(&mut s, '7');
        keys.push(t.elapsed());
        let t = std::time::Instant::now();
        term.draw(|f| dockside::ui::draw(f, &s)).expect("draw");
        frames.push(t.elapsed());
        press(&mut s, '1');
    }
    keys.sort();
    frames.sort();
    println!(
        "200 containers listed (projects derived) in {listed:?}; key 7 handled: median {:?}; \
         its frame drawn: median {:?}, max {:?}",
        keys[keys.len() / 2],
        frames[frames.len() / 2],
        frames[frames.len() - 1]
    );
}
