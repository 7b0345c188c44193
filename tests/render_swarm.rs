//! Rendering snapshots of the Swarm views at 80x24 and 200x50 on fixed states (no engine).

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use dockside::app::State;
use dockside::app::fixtures::{self, NOW};
use dockside::app::msg::{Msg, ResMsg};
use dockside::app::swarm::{Node, STACK_LABEL, Service, Task};

mod support;
use support::screen::{SIZES, render, send};

fn press(s: &mut State, c: char) {
    send(
        s,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
    );
}

fn services() -> Vec<Service> {
    let stack = |name: &str| BTreeMap::from([(STACK_LABEL.to_string(), name.to_string())]);
    vec![
        Service {
            id: "aaaa1111bbbb2222cccc".into(),
            name: "shop_api".into(),
            mode: "replicated".into(),
            running: 2,
            desired: 3,
            image: "registry.local:5000/shop/api:v2".into(),
            digest: Some("sha256:0123456789abcdef".into()),
            ports: vec!["8080:80/tcp".into()],
            update_state: "rollback_completed".into(),
            update_message: "update rolled back due to failure or early termination of task".into(),
            created: NOW - 86_400,
            updated: NOW - 120,
            labels: {
                let mut l = stack("shop");
                l.insert("tier".into(), "front".into());
                l
            },
            env: vec!["RUST_LOG=info".into(), "DB_PASSWORD=hunter2".into()],
        },
        Service {
            id: "dddd3333eeee4444ffff".into(),
            name: "shop_db".into(),
            mode: "replicated".into(),
            running: 1,
            desired: 1,
            image: "postgres:16".into(),
            created: NOW - 86_400,
            updated: NOW - 86_400,
            labels: stack("shop"),
            ..Service::default()
        },
        Service {
            id: "9999aaaa8888bbbb7777".into(),
            name: "node-exporter".into(),
            mode: "global".into(),
            running: 2,
            desired: 2,
            image: "prom/node-exporter:v1".into(),
            created: NOW - 3600,
            updated: NOW - 3600,
            ..Service::default()
        },
    ]
}

fn tasks() -> Vec<Task> {
    let t = |slot, node: &str, state: &str, error: &str, container: &str| Task {
        id: format!("task{slot}{state}"),
        service_id: "aaaa1111bbbb2222cccc".into(),
        slot,
        node_id: format!("id-{node}"),
        node: node.into(),
        desired: if state == "running" {
            "running".into()
        } else {
            "shutdown".into()
        },
        state: state.into(),
        message: String::new(),
        error: error.into(),
        since: NOW - 300,
        container_id: container.into(),
        image: if error.is_empty() {
            "registry.local:5000/shop/api:v2@sha256:0123456789abcdef0123".into()
        } else {
            "registry.local:5000/shop/api:v3".into()
        },
        here: node == "mgr-1",
    };
    vec![
        t(1, "mgr-1", "running", "", "c0ffee000111222333"),
        t(2, "worker-1", "running", "", "deadbeef0011223344"),
        t(
            3,
            "worker-1",
            "rejected",
            "No such image: registry.local:5000/shop/api:v3",
            "",
        ),
    ]
}

fn nodes() -> Vec<Node> {
    vec![
        Node {
            id: "gi0low0gl4uhpco2pn9leqe45".into(),
            hostname: "mgr-1".into(),
            role: "manager".into(),
            leader: true,
            availability: "active".into(),
            status: "ready".into(),
            engine: "27.3.1".into(),
            addr: "10.0.0.1".into(),
            cpus: 4.0,
            memory: 8 << 30,
            labels: BTreeMap::new(),
            tasks: 3,
            is_self: true,
        },
        Node {
            id: "osbos2gitntx7q31ywdbmrik8".into(),
            hostname: "worker-1".into(),
            role: "worker".into(),
            leader: false,
            availability: "drain".into(),
            status: "ready".into(),
            engine: "27.3.1".into(),
            addr: "10.0.0.2".into(),
            cpus: 2.0,
            memory: 4 << 30,
            labels: BTreeMap::from([("zone".to_string(), "b".to_string())]),
            tasks: 0,
            is_self: false,
        },
    ]
}

#[test]
fn services_with_tasks_and_nodes() {
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        press(&mut s, '8');
        send(&mut s, Msg::Res(ResMsg::Services(Ok(services()))));
        // Select shop_api (stack-grouped: node-exporter, then shop_api).
        press(&mut s, 'j');
        send(
            &mut s,
            Msg::Res(ResMsg::Tasks {
                service: "aaaa1111bbbb2222cccc".into(),
                result: Ok(tasks()),
            }),
        );
        insta::assert_snapshot!(format!("swarm_services_{w}x{h}"), render(&s));
        press(&mut s, '9');
        send(&mut s, Msg::Res(ResMsg::Nodes(Ok(nodes()))));
        insta::assert_snapshot!(format!("swarm_nodes_{w}x{h}"), render(&s));
    }
}

#[test]
fn a_plain_engine_shows_one_line() {
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        press(&mut s, '8');
        send(
            &mut s,
            Msg::Res(ResMsg::Services(Err(
                "This node is not a swarm manager. Use \
                 \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm \
                 and try again."
                    .into(),
            ))),
        );
        insta::assert_snapshot!(format!("swarm_not_manager_{w}x{h}"), render(&s));
    }
}

#[test]
fn a_stack_deploy_prompt_then_its_output() {
    use dockside::app::images::Progress;
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        press(&mut s, '8');
        send(&mut s, Msg::Res(ResMsg::Services(Ok(services()))));
        press(&mut s, 'u');
        for c in "/srv/shop/stack.yml shop".chars() {
            press(&mut s, c);
        }
        insta::assert_snapshot!(format!("swarm_deploy_prompt_{w}x{h}"), render(&s));
        send(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        );
        let id = dockside::views::services::FIRST_JOB;
        for line in [
            "$ docker stack deploy -c /srv/shop/stack.yml shop",
            "Creating network shop_default",
            "Creating service shop_db",
            "Creating service shop_api",
        ] {
            let progress = Progress::Line(line.into());
            send(&mut s, Msg::Res(ResMsg::Job { id, progress }));
        }
        insta::assert_snapshot!(format!("swarm_deploy_output_{w}x{h}"), render(&s));
    }
}

#[test]
fn a_services_logs_in_the_detail_pane() {
    use dockside::app::logbuf::{LogLine, LogStream};
    use dockside::app::msg::{LogEvent, LogEventKind};
    use dockside::app::sanitize::StyledText;
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        press(&mut s, '8');
        send(&mut s, Msg::Res(ResMsg::Services(Ok(services()))));
        press(&mut s, 'j');
        press(&mut s, 'l');
        let line = |stream, text: &str| LogLine {
            stream,
            ts_nanos: None,
            body: StyledText::unstyled(text.into()),
        };
        let lines = vec![
            line(LogStream::Stdout, "shop_api.1@node-a | listening on :80"),
            line(LogStream::Stdout, "shop_api.2@node-b | listening on :80"),
            line(
                LogStream::Stderr,
                "shop_api.3@node-a | cannot reach db: retrying",
            ),
            line(LogStream::Stdout, "shop_api.1@node-a | GET /health 200"),
        ];
        let generation = s
            .views
            .services
            .logs
            .as_ref()
            .map(|l| l.generation)
            .unwrap_or_default();
        send(
            &mut s,
            Msg::Res(ResMsg::ServiceLogs(LogEvent {
                generation,
                kind: LogEventKind::Lines(lines),
            })),
        );
        insta::assert_snapshot!(format!("swarm_service_logs_{w}x{h}"), render(&s));
    }
}

#[test]
fn secrets_and_configs_tabs() {
    use dockside::app::swarm::{SecretKind, SwarmObject};
    let obj = |id: &str, name: &str, size: Option<u64>, stack: Option<&str>| SwarmObject {
        id: id.into(),
        name: name.into(),
        created: NOW - 86_400,
        updated: NOW - 3600,
        labels: stack
            .map(|s| BTreeMap::from([(STACK_LABEL.to_string(), s.to_string())]))
            .unwrap_or_default(),
        driver: String::new(),
        size,
    };
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        press(&mut s, 'V');
        send(
            &mut s,
            Msg::Res(ResMsg::Secrets {
                kind: SecretKind::Secret,
                result: Ok(vec![
                    obj("s1s1s1s1s1s1s1", "shop_db_password", None, Some("shop")),
                    obj("s2s2s2s2s2s2s2", "api_token", None, None),
                ]),
            }),
        );
        insta::assert_snapshot!(format!("swarm_secrets_{w}x{h}"), render(&s));
        press(&mut s, 't');
        send(
            &mut s,
            Msg::Res(ResMsg::Secrets {
                kind: SecretKind::Config,
                result: Ok(vec![obj("c1c1c1c1c1c1c1", "nginx.conf", Some(2048), None)]),
            }),
        );
        insta::assert_snapshot!(format!("swarm_configs_{w}x{h}"), render(&s));
    }
}

#[test]
fn a_rolling_update_shows_each_tasks_image() {
    let (old, new) = (
        "127.0.0.1:5000/shop/web:live@sha256:aaaa1111bbbb2222cccc3333",
        "127.0.0.1:5000/shop/web:live@sha256:ffff9999eeee8888dddd7777",
    );
    let svc = Service {
        id: "webwebwebweb0000".into(),
        name: "web".into(),
        mode: "replicated".into(),
        running: 2,
        desired: 2,
        image: "127.0.0.1:5000/shop/web:live".into(),
        digest: Some("sha256:ffff9999eeee8888dddd7777".into()),
        update_state: "updating".into(),
        update_message: "update in progress".into(),
        created: NOW - 3600,
        updated: NOW - 5,
        ..Service::default()
    };
    let t = |id: &str, slot, node: &str, desired: &str, state: &str, image: &str| Task {
        id: id.into(),
        service_id: svc.id.clone(),
        slot,
        node_id: format!("id-{node}"),
        node: node.into(),
        desired: desired.into(),
        state: state.into(),
        since: NOW - 5,
        container_id: format!("{id}00112233445566"),
        image: image.into(),
        ..Task::default()
    };
    let tasks = vec![
        t("n1", 1, "mgr-1", "running", "running", new),
        t("o1", 1, "mgr-1", "shutdown", "shutdown", old),
        t("o2", 2, "worker-1", "running", "running", old),
    ];
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        press(&mut s, '8');
        send(&mut s, Msg::Res(ResMsg::Services(Ok(vec![svc.clone()]))));
        send(
            &mut s,
            Msg::Res(ResMsg::Tasks {
                service: svc.id.clone(),
                result: Ok(tasks.clone()),
            }),
        );
        let screen = render(&s);
        assert!(screen.contains("1/2 tasks on the new image"), "{screen}");
        insta::assert_snapshot!(format!("swarm_rolling_update_{w}x{h}"), screen);
    }
}
