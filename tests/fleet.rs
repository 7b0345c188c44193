//! Several engines at once, without an engine: messages tagged by engine merge into one
//! list, requests go to the engine of their row, an engine that drops greys only its rows,
//! the hosts view focuses, disconnects and adds. Snapshots of the merged list and the hosts
//! view at both sizes.

use dockside::app::fixtures::{self, NOW, container};
use dockside::app::fleet::{self, Fleet, HostFacts, HostSpec};
use dockside::app::model::{CState, EngineId};
use dockside::app::msg::{
    ConnStatus, Effect, EngineRef, Kind, LogsRequest, Msg, Req, ResCmd, ResMsg,
};
use dockside::app::{Cmd, State, update};

mod support;
use support::screen::{SIZES, render};

fn spec(name: &str) -> HostSpec {
    HostSpec {
        name: name.into(),
        addr: format!("ssh://deploy@{name}:22"),
        source: "--host".into(),
        tls: None,
        readonly: false,
    }
}

fn from(s: &State, id: u32, msg: Msg) -> Msg {
    let epoch = s
        .fleet
        .host(EngineId(id))
        .map(|h| h.epoch)
        .unwrap_or_default();
    Msg::Engine {
        from: EngineRef {
            id: EngineId(id),
            epoch,
        },
        msg: Box::new(msg),
    }
}

fn send(s: &mut State, msg: Msg) -> Vec<Cmd> {
    let mut out = Vec::new();
    update(s, msg, &mut out);
    out
}

fn connected(name: &str) -> ConnStatus {
    ConnStatus::Connected {
        addr: format!("ssh://deploy@{name}:22 (--host)"),
        version: "28.2.2".into(),
        api: "1.50".into(),
        os: "linux".into(),
        ncpu: 4,
        mem_total: 8 << 30,
    }
}

/// Three engines: prod1 (the primary) with the fixture fleet, prod2 with two containers of
/// the same names as prod1's, beta with one.
fn three(w: u16, h: u16) -> State {
    let mut s = fixtures::state(w, h);
    s.fleet = Fleet::new(vec![spec("prod1"), spec("prod2"), spec("beta")]);
    for (i, name) in ["prod1", "prod2", "beta"].iter().enumerate() {
        let m = from(&s, i as u32, Msg::Conn(connected(name)));
        send(&mut s, m);
    }
    let m = from(&s, 0, Msg::snapshot(fixtures::fleet()));
    send(&mut s, m);
    let web2 = container(101, "web", "nginx:1.27", CState::Running);
    let db2 = container(102, "shop-db-1", "postgres:16", CState::Exited);
    let m = from(&s, 1, Msg::snapshot(vec![web2, db2]));
    send(&mut s, m);
    let canary = container(201, "api-canary", "shop/api:beta", CState::Running);
    let m = from(&s, 2, Msg::snapshot(vec![canary]));
    send(&mut s, m);
    for (i, (images, swarm)) in [(12, "manager"), (9, "worker"), (3, "")].iter().enumerate() {
        let facts = HostFacts {
            version: "28.2.2".into(),
            os: "Debian GNU/Linux 12 (bookworm)".into(),
            arch: "x86_64".into(),
            ncpu: 4,
            mem_total: 8 << 30,
            images: *images,
            swarm: (*swarm).into(),
            disk: Some(1_500_000_000),
        };
        let m = from(&s, i as u32, Msg::Res(ResMsg::HostFacts(Ok(facts))));
        send(&mut s, m);
    }
    s
}

fn id(n: u32) -> String {
    container(n, "x", "x", CState::Running).id
}

#[test]
fn the_list_is_the_union_of_every_engine() {
    let s = three(120, 30);
    assert_eq!(s.containers.len(), 7 + 2 + 1);
    assert_eq!(s.containers[&id(101)].host, EngineId(1));
    assert_eq!(s.containers[&id(201)].host, EngineId(2));
    assert_eq!(s.containers[&id(1)].host, EngineId(0));
    assert_eq!(s.rows.len(), 10);
}

#[test]
fn an_engine_that_lists_again_replaces_only_its_own_rows() {
    let mut s = three(120, 30);
    let m = from(
        &s,
        1,
        Msg::snapshot(vec![container(103, "cache", "redis", CState::Running)]),
    );
    send(&mut s, m);
    assert!(!s.containers.contains_key(&id(101)) && !s.containers.contains_key(&id(102)));
    assert!(s.containers.contains_key(&id(103)));
    assert_eq!(s.containers.len(), 7 + 1 + 1, "prod1's and beta's stay");
    // One gone on prod2 is not taken from prod1.
    let m = from(&s, 1, Msg::Gone(id(1)));
    send(&mut s, m);
    assert!(s.containers.contains_key(&id(1)));
}

#[test]
fn a_message_of_an_older_connection_is_dropped() {
    let mut s = three(120, 30);
    let stale = Msg::Engine {
        from: EngineRef {
            id: EngineId(2),
            epoch: 7,
        },
        msg: Box::new(Msg::snapshot(vec![])),
    };
    send(&mut s, stale);
    assert!(s.containers.contains_key(&id(201)));
    let unknown = Msg::Engine {
        from: EngineRef {
            id: EngineId(9),
            epoch: 0,
        },
        msg: Box::new(Msg::Upsert(container(900, "ghost", "x", CState::Running))),
    };
    send(&mut s, unknown);
    assert!(!s.containers.contains_key(&id(900)));
}

#[test]
fn requests_go_to_the_engine_of_their_row() {
    let s = three(120, 30);
    let stop = Req::Container {
        id: id(101),
        name: "web".into(),
        action: dockside::app::msg::ContainerAction::Stop,
    };
    assert_eq!(fleet::route(&s, stop.clone()), vec![(EngineId(1), stop)]);
    assert_eq!(
        fleet::route(&s, Req::Inspect(id(201))),
        vec![(EngineId(2), Req::Inspect(id(201)))]
    );
    // The stats watch set is split by engine; each engine gets its own (empty: stop).
    let watch = fleet::route(&s, Req::WatchStats(vec![id(1), id(101), id(3)]));
    assert_eq!(
        watch,
        vec![
            (EngineId(0), Req::WatchStats(vec![id(1), id(3)])),
            (EngineId(1), Req::WatchStats(vec![id(101)])),
            (EngineId(2), Req::WatchStats(vec![])),
        ]
    );
    // One log stream: the row's engine opens it, the others close theirs.
    let logs = LogsRequest {
        id: id(201),
        generation: 4,
        tail: Some(100),
        since: None,
        after_nanos: None,
        follow: true,
        group: vec![],
    };
    let routed = fleet::route(&s, Req::Logs(Some(logs.clone())));
    assert_eq!(
        routed,
        vec![
            (EngineId(0), Req::Logs(None)),
            (EngineId(1), Req::Logs(None)),
            (EngineId(2), Req::Logs(Some(logs))),
        ]
    );
    // The merged lists: every engine lists its own.
    let watch = Req::Res(ResCmd::Watch(Kind::Images));
    assert_eq!(
        fleet::route(&s, watch.clone()),
        (0..3)
            .map(|i| (EngineId(i), watch.clone()))
            .collect::<Vec<_>>()
    );
    // What is about none of the rows goes to the primary.
    assert_eq!(
        fleet::route(&s, Req::Res(ResCmd::CreateVolume("v".into()))),
        vec![(EngineId(0), Req::Res(ResCmd::CreateVolume("v".into())))]
    );
    // A request addressed to one engine goes there.
    let on = Req::On(
        EngineId(2),
        Box::new(Req::Res(ResCmd::RemoveVolume("v".into()))),
    );
    assert_eq!(
        fleet::route(&s, on),
        vec![(EngineId(2), Req::Res(ResCmd::RemoveVolume("v".into())))]
    );
}

fn image(id: &str, tag: &str) -> dockside::app::images::Image {
    dockside::app::images::Image {
        id: id.into(),
        tags: vec![tag.into()],
        size: 5 << 20,
        created: NOW - 3600,
        ..Default::default()
    }
}

fn press(s: &mut State, c: char) -> Vec<Cmd> {
    send(s, Msg::Key(key(c)))
}

/// What `out` asks to change, and the engine each part goes to.
fn mutations_routed(s: &State, out: &[Cmd]) -> Vec<(EngineId, Req)> {
    out.iter()
        .filter_map(|c| match c {
            Cmd::Engine(r) if r.mutates() => Some(fleet::route(s, r.clone())),
            _ => None,
        })
        .flatten()
        .collect()
}

fn image_rows(s: &State) -> Vec<(String, Option<EngineId>)> {
    let v = &s.views.images;
    let images = v.images.as_ref().expect("listed");
    v.list
        .rows
        .iter()
        .map(|&i| (images[i].tags[0].clone(), images[i].host))
        .collect()
}

#[test]
fn images_volumes_and_networks_merge_every_engine_and_act_on_the_rows_engine() {
    let mut s = three(120, 30);
    let out = press(&mut s, '2');
    assert_eq!(s.view, dockside::views::View::Images);
    // Opening the view asks every engine.
    let asked: Vec<EngineId> = out
        .iter()
        .filter_map(|c| match c {
            Cmd::Engine(r @ Req::Res(ResCmd::Watch(Kind::Images))) => {
                Some(fleet::route(&s, r.clone()))
            }
            _ => None,
        })
        .flatten()
        .map(|(h, _)| h)
        .collect();
    assert_eq!(asked, [EngineId(0), EngineId(1), EngineId(2)]);
    let lists = [
        vec![
            image("sha256:aa", "nginx:1.27"),
            image("sha256:bb", "redis:7"),
        ],
        vec![image("sha256:aa", "nginx:1.27")],
        vec![image("sha256:cc", "shop/api:beta")],
    ];
    for (i, l) in lists.into_iter().enumerate() {
        let m = from(&s, i as u32, Msg::Res(ResMsg::Images(Ok(l))));
        send(&mut s, m);
    }
    // The same image on two engines is two rows, each with its engine.
    let rows = image_rows(&s);
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows.contains(&("nginx:1.27".into(), Some(EngineId(0)))));
    assert!(rows.contains(&("nginx:1.27".into(), Some(EngineId(1)))));
    assert!(rows.contains(&("shop/api:beta".into(), Some(EngineId(2)))));
    for (w, h) in SIZES {
        s.width = w;
        s.height = h;
        let text = render(&s);
        assert!(text.contains("HOST"), "{text}");
        insta::assert_snapshot!(format!("fleet_images_merged_{w}x{h}"), text);
    }
    s.width = 120;
    s.height = 30;
    // `host:NAME` keeps one engine's rows, the rest of the filter still fuzzy.
    press(&mut s, '/');
    for c in "host:prod nginx".chars() {
        press(&mut s, c);
    }
    let kept = image_rows(&s);
    assert_eq!(
        kept,
        [
            ("nginx:1.27".to_string(), Some(EngineId(0))),
            ("nginx:1.27".to_string(), Some(EngineId(1)))
        ]
    );
    for _ in 0.."host:prod nginx".len() {
        send(
            &mut s,
            Msg::Key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Backspace,
                crossterm::event::KeyModifiers::NONE,
            )),
        );
    }
    send(
        &mut s,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Enter,
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    let rows = image_rows(&s);
    assert_eq!(rows.len(), 4, "the filter emptied: every row back");
    // Select beta's image: remove asks, and the answer goes to beta only.
    let pos = rows
        .iter()
        .position(|(t, _)| t == "shop/api:beta")
        .expect("beta's row");
    press(&mut s, 'g');
    for _ in 0..pos {
        press(&mut s, 'j');
    }
    assert_eq!(
        s.views.images.selected().map(|i| i.host),
        Some(Some(EngineId(2)))
    );
    press(&mut s, 'D');
    let out = press(&mut s, 'y');
    let routed = mutations_routed(&s, &out);
    assert_eq!(
        routed,
        vec![(
            EngineId(2),
            Req::Res(ResCmd::RemoveImage {
                id: "shop/api:beta".into(),
                force: false
            })
        )]
    );
    // An action that only reaches the primary is refused on beta's row, with a reason.
    let out = press(&mut s, 'P');
    assert!(
        !out.iter()
            .any(|c| matches!(c, Cmd::Engine(Req::Res(ResCmd::Push { .. })))),
        "{out:?}"
    );
    let said = s.status.clone().map(|m| m.text).unwrap_or_default();
    assert!(said.contains("focus its engine"), "{said}");
    // beta disconnected: its rows go, the others stay.
    press(&mut s, '*');
    press(&mut s, 'G');
    let out = press(&mut s, 'D');
    assert!(
        out.contains(&Cmd::Effect(Effect::StopEngine(EngineId(2)))),
        "{out:?}"
    );
    press(&mut s, '2');
    let rows = image_rows(&s);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().all(|(_, h)| *h != Some(EngineId(2))));
    // Volumes of two engines with the same name: two rows; removing one asks its engine.
    press(&mut s, '3');
    assert_eq!(s.view, dockside::views::View::Volumes);
    for i in 0..2u32 {
        let v = dockside::app::resources::Volume {
            name: "data".into(),
            driver: "local".into(),
            ..Default::default()
        };
        let m = from(&s, i, Msg::Res(ResMsg::Volumes(Ok(vec![v]))));
        send(&mut s, m);
    }
    let vols = s.views.volumes.volumes.clone().expect("volumes");
    let hosts: Vec<Option<EngineId>> = vols.iter().map(|v| v.host).collect();
    assert_eq!(hosts, [Some(EngineId(0)), Some(EngineId(1))]);
    press(&mut s, 'G');
    press(&mut s, 'D');
    let out = press(&mut s, 'y');
    let routed: Vec<EngineId> = mutations_routed(&s, &out)
        .into_iter()
        .map(|(h, _)| h)
        .collect();
    assert_eq!(routed, [EngineId(1)]);
}

#[test]
fn selecting_a_row_of_another_engine_streams_its_logs_from_there() {
    let mut s = three(120, 30);
    // Filter to beta's row, as a user would: the selection follows.
    let mut out = Vec::new();
    for c in "/canary".chars() {
        out.extend(send(&mut s, Msg::Key(key(c))));
    }
    assert_eq!(s.selected, Some(id(201)));
    let opened: Vec<_> = out
        .into_iter()
        .filter_map(|c| match c {
            Cmd::Engine(r @ Req::Logs(Some(_))) => Some(fleet::route(&s, r)),
            _ => None,
        })
        .flatten()
        .filter(|(_, r)| matches!(r, Req::Logs(Some(_))))
        .collect();
    assert_eq!(opened.len(), 1, "{opened:?}");
    assert_eq!(opened[0].0, EngineId(2));
}

#[test]
fn an_engine_that_drops_greys_only_its_rows_and_says_since_when() {
    let mut s = three(120, 30);
    let failed = ConnStatus::Failed {
        addr: "ssh://deploy@prod2:22 (--host)".into(),
        error: "connection refused".into(),
        retry_in_ms: 1000,
        attempt: 2,
    };
    let m = from(&s, 1, Msg::Conn(failed));
    send(&mut s, m);
    let h = s.fleet.host(EngineId(1)).expect("prod2");
    assert_eq!(h.down_since, Some(NOW));
    assert!(
        matches!(s.conn, ConnStatus::Connected { .. }),
        "the primary is untouched"
    );
    assert_eq!(s.containers.len(), 10, "its rows stay, greyed");
    send(&mut s, Msg::Tick(NOW + 90));
    let screen = render(&s);
    assert!(screen.contains("(prod2 unreachable)"), "{screen}");
    assert!(screen.contains("unreachable 1m "), "{screen}");
    // Back: it lists again, the rows are live.
    let m = from(&s, 1, Msg::Conn(connected("prod2")));
    send(&mut s, m);
    assert_eq!(s.fleet.host(EngineId(1)).and_then(|h| h.down_since), None);
    assert!(!render(&s).contains("unreachable"));
}

#[test]
fn host_words_in_the_filter_keep_that_engines_rows() {
    let mut s = three(120, 30);
    s.filter.text = "host:prod2".into();
    s.recompute_rows();
    assert_eq!(s.rows.len(), 2);
    assert!(s.rows.iter().all(|r| s.containers[r].host == EngineId(1)));
    s.filter.text = "host:beta canary".into();
    s.recompute_rows();
    assert_eq!(s.rows, vec![id(201)]);
}

#[test]
fn the_hosts_view_focuses_one_engine_and_makes_it_the_primary() {
    let mut s = three(120, 30);
    send(&mut s, Msg::Key(key('*')));
    assert_eq!(s.view, dockside::views::View::Hosts);
    let rows = &s.views.hosts.hosts;
    assert_eq!(rows.len(), 3);
    assert_eq!((rows[0].running, rows[0].total), (4, 7));
    assert_eq!((rows[1].running, rows[1].total), (1, 2));
    // Down to beta, focus it.
    send(&mut s, Msg::Key(key('j')));
    send(&mut s, Msg::Key(key('j')));
    let out = send(&mut s, Msg::Key(key('f')));
    assert_eq!(s.fleet.focus, Some(EngineId(2)));
    assert_eq!(s.engine.id, EngineId(2), "beta is the primary now");
    assert_eq!(s.rows, vec![id(201)]);
    // The images view now asks beta.
    send(&mut s, Msg::Key(key('2')));
    let out2 = send(&mut s, Msg::Key(key('2')));
    let _ = (out, out2);
    let m = from(&s, 0, Msg::Res(ResMsg::Images(Ok(vec![]))));
    send(&mut s, m);
    assert!(
        s.views.images.images.is_none(),
        "the old primary's list is not taken"
    );
    // All again.
    send(&mut s, Msg::Key(key('*')));
    send(&mut s, Msg::Key(key('a')));
    assert_eq!(s.fleet.focus, None);
    assert_eq!(s.rows.len(), 10);
}

#[test]
fn disconnecting_an_engine_ends_its_task_and_its_rows_but_not_the_primarys() {
    let mut s = three(120, 30);
    send(&mut s, Msg::Key(key('*')));
    let out = send(&mut s, Msg::Key(key('D')));
    assert!(
        !out.iter()
            .any(|c| matches!(c, Cmd::Effect(Effect::StopEngine(_)))),
        "the primary stays: {out:?}"
    );
    assert!(
        s.status
            .as_ref()
            .is_some_and(|m| m.text.contains("primary"))
    );
    send(&mut s, Msg::Key(key('j')));
    let out = send(&mut s, Msg::Key(key('D')));
    assert!(
        out.contains(&Cmd::Effect(Effect::StopEngine(EngineId(1)))),
        "{out:?}"
    );
    assert!(!s.containers.values().any(|c| c.host == EngineId(1)));
    // What it still sends is dropped; connecting again starts a new task.
    let m = Msg::Engine {
        from: EngineRef {
            id: EngineId(1),
            epoch: 1,
        },
        msg: Box::new(Msg::Upsert(container(104, "late", "x", CState::Running))),
    };
    send(&mut s, m);
    assert!(!s.containers.contains_key(&id(104)));
    let out = send(&mut s, Msg::Key(key('c')));
    assert!(
        out.iter().any(|c| matches!(
            c,
            Cmd::Effect(Effect::StartEngine {
                id: EngineId(1),
                ..
            })
        )),
        "{out:?}"
    );
}

#[test]
fn an_engine_is_added_by_address() {
    let mut s = three(120, 30);
    send(&mut s, Msg::Key(key('*')));
    send(&mut s, Msg::Key(key('n')));
    for c in "edge=ssh://ops@edge1:2222".chars() {
        send(&mut s, Msg::Key(key(c)));
    }
    let out = send(
        &mut s,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Enter,
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    let started = out.iter().find_map(|c| match c {
        Cmd::Effect(Effect::StartEngine { id, spec, .. }) => Some((*id, spec.clone())),
        _ => None,
    });
    let (new_id, spec) = started.expect("a task is started");
    assert_eq!(new_id, EngineId(3));
    assert_eq!(
        (spec.name.as_str(), spec.addr.as_str()),
        ("edge", "ssh://ops@edge1:2222")
    );
    assert_eq!(s.views.hosts.hosts.len(), 4);
}

fn key(c: char) -> crossterm::event::KeyEvent {
    let mods = if c.is_ascii_uppercase() {
        crossterm::event::KeyModifiers::SHIFT
    } else {
        crossterm::event::KeyModifiers::NONE
    };
    crossterm::event::KeyEvent::new(crossterm::event::KeyCode::Char(c), mods)
}

#[test]
fn snapshots_of_the_merged_list_and_the_hosts_view() {
    for (w, h) in SIZES {
        let mut s = three(w, h);
        let failed = ConnStatus::Failed {
            addr: "ssh://deploy@beta:22 (--host)".into(),
            error: "ssh: connect to host beta port 22: Connection refused".into(),
            retry_in_ms: 2000,
            attempt: 3,
        };
        let m = from(&s, 2, Msg::Conn(failed));
        send(&mut s, m);
        send(&mut s, Msg::Tick(NOW + 125));
        insta::assert_snapshot!(format!("fleet_containers_{w}x{h}"), render(&s));
        send(&mut s, Msg::Key(key('*')));
        insta::assert_snapshot!(format!("fleet_hosts_{w}x{h}"), render(&s));
    }
}

#[test]
fn a_deploy_runs_the_form_on_each_marked_engine_with_its_environment() {
    let mut s = three(120, 30);
    s.fleet.environments = vec![dockside::app::engines::Environment {
        name: "beta".into(),
        env: vec!["MODE=beta".into(), "GREETING=hello world".into()],
        labels: vec![("env".into(), "beta".into())],
        ports: vec!["8080:80".into()],
    }];
    send(&mut s, Msg::Key(key('*')));
    // Mark prod2 and beta (space marks and moves down).
    send(&mut s, Msg::Key(key('j')));
    send(&mut s, Msg::Key(key(' ')));
    send(&mut s, Msg::Key(key(' ')));
    assert_eq!(s.views.hosts.marked.len(), 2);
    send(&mut s, Msg::Key(key('r')));
    // The environment is asked for (the first one offered); enter takes it.
    assert!(
        matches!(&s.overlay, dockside::app::overlay::Overlay::Prompt { text, .. } if text == "beta"),
        "{:?}",
        s.overlay
    );
    send(&mut s, Msg::Key(enter()));
    let form = match &s.overlay {
        dockside::app::overlay::Overlay::RunForm { form, .. } => form.clone(),
        o => panic!("no run form: {o:?}"),
    };
    assert_eq!(form.ports, "8080:80");
    assert_eq!(form.env, "MODE=beta 'GREETING=hello world'");
    // The image, typed into the form's first field.
    for c in "registry.local:5000/shop/api:2.1".chars() {
        send(&mut s, Msg::Key(key(c)));
    }
    let out = send(&mut s, Msg::Key(enter()));
    let sent: Vec<(EngineId, Req)> = out
        .into_iter()
        .filter_map(|c| match c {
            Cmd::At(h, r) => Some((h, r)),
            _ => None,
        })
        .collect();
    assert_eq!(sent.len(), 2, "{sent:?}");
    let hosts: Vec<EngineId> = sent.iter().map(|(h, _)| *h).collect();
    assert_eq!(hosts, vec![EngineId(1), EngineId(2)]);
    for (_, r) in &sent {
        let Req::Res(ResCmd::Deploy { spec, labels, .. }) = r else {
            panic!("not a deploy: {r:?}");
        };
        assert_eq!(spec.image, "registry.local:5000/shop/api:2.1");
        assert_eq!(spec.env.len(), 2);
        assert_eq!(spec.ports.len(), 1);
        assert_eq!(labels, &vec![("env".to_string(), "beta".to_string())]);
    }
    // Each is a job of the images view; the command log says what each engine was told.
    assert_eq!(s.views.images.jobs.list.len(), 2);
    assert!(s.fleet.deploy.is_none());
    let log: Vec<&str> = s
        .views
        .commands
        .entries()
        .iter()
        .map(|e| e.cli.as_str())
        .collect();
    assert!(
        log.iter().any(|l| l.starts_with(
            "docker -H ssh://deploy@beta:22 pull registry.local:5000/shop/api:2.1 && docker -H ssh://deploy@beta:22 run -d"
        ) && l.contains("--label env=beta")),
        "{log:?}"
    );
}

fn enter() -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
    )
}

#[test]
fn the_command_log_names_the_engine_a_row_lives_on() {
    let mut s = three(120, 30);
    for c in "/host:prod2 web".chars() {
        send(&mut s, Msg::Key(key(c)));
    }
    send(&mut s, Msg::Key(enter()));
    assert_eq!(s.selected, Some(id(101)));
    let out = send(&mut s, Msg::Key(key('s')));
    assert!(
        out.iter()
            .any(|c| matches!(c, Cmd::Engine(Req::Container { id: i, .. }) if *i == id(101))),
        "{out:?}"
    );
    let last = s.views.commands.entries().front().map(|e| e.cli.clone());
    assert_eq!(
        last.as_deref(),
        Some("docker -H ssh://deploy@prod2:22 stop web")
    );
}

#[test]
fn compose_actions_refuse_a_project_of_another_engine_than_the_primary() {
    let mut s = three(120, 30);
    let mut far = container(150, "shop-api-2", "shop/api:latest", CState::Running);
    far.project = Some("edge".into());
    far.service = Some("api".into());
    let m = from(&s, 1, Msg::Upsert(far));
    send(&mut s, m);
    send(&mut s, Msg::Key(key('7')));
    for c in "/edge".chars() {
        send(&mut s, Msg::Key(key(c)));
    }
    send(&mut s, Msg::Key(enter()));
    let out = send(&mut s, Msg::Key(key('u')));
    assert!(
        !out.iter()
            .any(|c| matches!(c, Cmd::Engine(Req::Res(ResCmd::Compose(_))))),
        "{out:?}"
    );
    let said = s
        .status
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(said.contains("another engine"), "{said}");
}

#[test]
fn the_engine_picker_adds_and_takes_away_engines() {
    let mut s = three(120, 30);
    let choices = vec![
        dockside::app::msg::EngineChoice {
            name: "default".into(),
            addr: "ssh://deploy@prod1:22".into(),
            description: "DOCKER_HOST".into(),
        },
        dockside::app::msg::EngineChoice {
            name: "lab".into(),
            addr: "tcp://lab:2376".into(),
            description: "a lab engine".into(),
        },
        dockside::app::msg::EngineChoice {
            name: "p2".into(),
            addr: "ssh://deploy@prod2:22".into(),
            description: String::new(),
        },
    ];
    send(&mut s, Msg::Engines(choices.clone()));
    send(&mut s, Msg::Key(key('j')));
    let out = send(&mut s, Msg::Key(key('a')));
    assert!(
        out.iter().any(
            |c| matches!(c, Cmd::Effect(Effect::StartEngine { spec, .. })
            if spec.name == "lab" && spec.source == "docker context `lab`")
        ),
        "{out:?}"
    );
    assert_eq!(s.fleet.hosts.len(), 4);
    send(&mut s, Msg::Engines(choices));
    send(&mut s, Msg::Key(key('j')));
    send(&mut s, Msg::Key(key('j')));
    let out = send(&mut s, Msg::Key(key('D')));
    assert!(
        out.contains(&Cmd::Effect(Effect::StopEngine(EngineId(1)))),
        "{out:?}"
    );
}

#[test]
fn an_update_of_the_same_container_on_several_engines_goes_to_each() {
    let mut s = three(120, 30);
    for c in "/'web".chars() {
        send(&mut s, Msg::Key(key(c)));
    }
    send(&mut s, Msg::Key(enter()));
    assert_eq!(s.rows.len(), 2, "web on prod1 and on prod2");
    send(&mut s, Msg::Key(key(' ')));
    send(&mut s, Msg::Key(key(' ')));
    assert_eq!(s.marked.len(), 2);
    let mut out = send(&mut s, Msg::Key(key('u')));
    out.extend(send(&mut s, Msg::Key(key('y'))));
    let req = out
        .into_iter()
        .find_map(|c| match c {
            Cmd::Engine(r @ Req::Recreate(_)) => Some(r),
            _ => None,
        })
        .expect("an update is sent");
    let routed = fleet::route(&s, req);
    let per: Vec<(EngineId, Vec<String>)> = routed
        .into_iter()
        .map(|(h, r)| match r {
            Req::Recreate(r) => (h, r.targets.iter().map(|t| t.id.clone()).collect()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        per,
        vec![(EngineId(0), vec![id(1)]), (EngineId(1), vec![id(101)])]
    );
}

/// Two engines: prod (the primary, read-only by its `[[engines]]` entry) and beta, each with
/// the fixture fleet (beta's ids start with `b`).
fn prod_and_beta(readonly: bool, w: u16, h: u16) -> State {
    let mut s = fixtures::state(w, h);
    let mut prod = spec("prod");
    prod.readonly = readonly;
    s.fleet = Fleet::new(vec![prod, spec("beta")]);
    for (i, name) in ["prod", "beta"].iter().enumerate() {
        let m = from(&s, i as u32, Msg::Conn(connected(name)));
        send(&mut s, m);
    }
    let m = from(&s, 0, Msg::snapshot(fixtures::fleet()));
    send(&mut s, m);
    let beta: Vec<_> = fixtures::fleet()
        .into_iter()
        .map(|mut c| {
            c.id = format!("b{}", &c.id[1..]);
            c
        })
        .collect();
    let m = from(&s, 1, Msg::snapshot(beta));
    send(&mut s, m);
    s
}

/// What changes an engine in `out`, by the engine it goes to (a shell handed off to the
/// terminal counts as a change of its container's engine).
fn changes(s: &State, out: &[Cmd]) -> Vec<(EngineId, String)> {
    let mut v = Vec::new();
    for c in out {
        match c {
            Cmd::Engine(r) if r.mutates() => {
                for (h, r) in fleet::route(s, r.clone()) {
                    v.push((h, format!("{r:?}")));
                }
            }
            Cmd::At(h, r) if r.mutates() => v.push((*h, format!("{r:?}"))),
            Cmd::Effect(e @ Effect::Handoff { id, .. }) => {
                let h = s.containers.get(id).map_or(s.engine.id, |c| c.host);
                v.push((h, format!("{e:?}")));
            }
            _ => {}
        }
    }
    v
}

/// Select `id`, press `key`, then say yes, force, submit to whatever opened. What was sent,
/// and every status line shown on the way.
fn act_on(s: &mut State, id: &str, key: dockside::app::keymap::Key) -> (Vec<Cmd>, String) {
    s.selected = Some(id.to_string());
    s.recompute_rows();
    let ev =
        |k: dockside::app::keymap::Key| Msg::Key(crossterm::event::KeyEvent::new(k.code, k.mods));
    let mut said = String::new();
    let mut out = Vec::new();
    let mut keys = vec![key];
    for k in ["y", "f", "enter"] {
        keys.extend(dockside::app::keymap::Key::parse(k));
    }
    for k in keys {
        out.extend(send(s, ev(k)));
        if let Some(m) = &s.status {
            said.push_str(&m.text);
            said.push('\n');
        }
    }
    (out, said)
}

#[test]
fn a_read_only_engine_gets_nothing_that_changes_it_and_the_other_still_does() {
    use dockside::app::keymap::Context;
    let probe = prod_and_beta(true, 120, 40);
    let bindings = probe.keymap.bindings(Context::Containers).to_vec();
    let (mut refused, mut passed) = (0, 0);
    for b in &bindings {
        // Running, paused, exited: each state's actions.
        for c in fixtures::fleet()
            .into_iter()
            .filter(|c| ["web", "batch", "migrate"].contains(&c.name.as_str()))
        {
            let beta_id = format!("b{}", &c.id[1..]);
            for (target, on_prod) in [(c.id.clone(), true), (beta_id, false)] {
                // The same keys with prod writable: what they send is what is at stake.
                let mut control = prod_and_beta(false, 120, 40);
                let (out, _) = act_on(&mut control, &target, b.keys[0]);
                let wanted = changes(&control, &out);
                let mut s = prod_and_beta(true, 120, 40);
                let (out, said) = act_on(&mut s, &target, b.keys[0]);
                let sent = changes(&s, &out);
                let name = b.action.name();
                assert!(
                    sent.iter().all(|(h, _)| *h != EngineId(0)),
                    "`{name}` on {} sent to read-only prod: {sent:?}",
                    c.name
                );
                let to_beta = |v: &[(EngineId, String)]| {
                    v.iter()
                        .filter(|(h, _)| *h == EngineId(1))
                        .cloned()
                        .collect::<Vec<_>>()
                };
                assert_eq!(
                    to_beta(&sent),
                    to_beta(&wanted),
                    "`{name}` on {} (prod: {on_prod}): beta gets what it would get anyway",
                    c.name
                );
                if wanted.iter().any(|(h, _)| *h == EngineId(0)) {
                    refused += 1;
                    assert!(
                        said.contains("prod is read-only (config: [[engines]] readonly)"),
                        "`{name}` on {}: {said}",
                        c.name
                    );
                    assert!(
                        !s.is_action_pending(&target),
                        "`{name}` on {}: the row stays busy",
                        c.name
                    );
                }
                if !to_beta(&wanted).is_empty() {
                    passed += 1;
                }
            }
        }
    }
    // Stop, start, restart, kill, remove, pause, shells, update… on both engines.
    assert!(
        refused >= 10,
        "only {refused} refusals: the walk reached too little"
    );
    assert!(passed >= 10, "only {passed} changes reached beta");
}

#[test]
fn a_bulk_action_over_both_engines_reaches_only_the_writable_one() {
    let mut s = prod_and_beta(true, 120, 40);
    let (prod_web, beta_web) = (id(1), format!("b{}", &id(1)[1..]));
    s.marked.insert(prod_web.clone());
    s.marked.insert(beta_web.clone());
    let stop = dockside::app::keymap::Key::parse("s").expect("key");
    let (out, said) = act_on(&mut s, &beta_web, stop);
    let sent = changes(&s, &out);
    assert!(!sent.is_empty(), "nothing sent");
    assert!(sent.iter().all(|(h, _)| *h == EngineId(1)), "{sent:?}");
    assert!(
        sent.iter()
            .all(|(_, r)| r.contains(&beta_web) && !r.contains(&prod_web))
    );
    assert!(said.contains("prod is read-only"), "{said}");
    assert!(!s.is_action_pending(&prod_web));
}

#[test]
fn the_hosts_view_and_the_header_show_which_engines_are_read_only() {
    for (w, h) in SIZES {
        let mut s = prod_and_beta(true, w, h);
        send(&mut s, Msg::Key(key('*')));
        let screen = render(&s);
        assert!(screen.contains("prod RO"), "{screen}");
        if w >= 120 {
            assert!(screen.contains("read-only: prod"), "{screen}");
        }
        insta::assert_snapshot!(format!("fleet_hosts_readonly_{w}x{h}"), screen);
    }
    // Focused on prod: the header says READ-ONLY; on beta it does not.
    let mut s = prod_and_beta(true, 120, 40);
    send(&mut s, Msg::Key(key('*')));
    send(&mut s, Msg::Key(enter()));
    assert!(
        render(&s)
            .lines()
            .next()
            .is_some_and(|l| l.contains("READ-ONLY"))
    );
    let mut s = prod_and_beta(true, 120, 40);
    send(&mut s, Msg::Key(key('*')));
    send(&mut s, Msg::Key(key('j')));
    send(&mut s, Msg::Key(enter()));
    assert_eq!(s.fleet.focus, Some(EngineId(1)));
    assert!(
        !render(&s)
            .lines()
            .next()
            .is_some_and(|l| l.contains("READ-ONLY"))
    );
}

#[test]
fn an_action_only_on_a_read_only_engine_is_refused_before_it_asks() {
    let mut s = prod_and_beta(true, 120, 40);
    s.selected = Some(id(5));
    s.recompute_rows();
    let out = send(&mut s, Msg::Key(key('D')));
    assert!(changes(&s, &out).is_empty());
    assert!(
        matches!(s.overlay, dockside::app::overlay::Overlay::None),
        "no question for what will not be sent"
    );
    let said = s
        .status
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert_eq!(
        said,
        "prod is read-only (config: [[engines]] readonly): `remove` not sent"
    );
    // The same on beta asks.
    s.selected = Some(format!("b{}", &id(5)[1..]));
    send(&mut s, Msg::Key(key('D')));
    assert!(!matches!(s.overlay, dockside::app::overlay::Overlay::None));
}
