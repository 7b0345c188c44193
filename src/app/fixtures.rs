//! Fixed data for tests and screenshots (no engine needed).

use super::keymap::Keymap;
use super::model::{CState, Container, Health, Port};
use super::msg::{ConnStatus, Msg};
use super::state::State;

/// A fixed "now" for reproducible relative times.
pub const NOW: i64 = 1_790_000_000;

pub fn container(n: u32, name: &str, image: &str, state: CState) -> Container {
    let id = format!("{n:04x}a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0");
    Container {
        host: Default::default(),
        id,
        name: name.into(),
        image: image.into(),
        command: "sh".into(),
        state,
        health: None,
        status: String::new(),
        created: NOW - 86_400 - i64::from(n),
        since: Some(NOW - 180 - i64::from(n) * 3600),
        exit_code: if state == CState::Exited {
            Some(137)
        } else {
            None
        },
        ports: Vec::new(),
        project: None,
        service: None,
        compose: None,
    }
}

/// A small fleet: running, healthy, unhealthy, paused, exited, a compose project, CJK and emoji names.
pub fn fleet() -> Vec<Container> {
    let mut web = container(1, "web", "nginx:1.27", CState::Running);
    web.ports = vec![Port {
        ip: Some("0.0.0.0".into()),
        private: 80,
        public: Some(8080),
        proto: "tcp".into(),
    }];
    web.health = Some(Health::Healthy);
    let mut db = container(2, "shop-db-1", "postgres:16", CState::Running);
    db.project = Some("shop".into());
    db.service = Some("db".into());
    db.health = Some(Health::Unhealthy);
    let mut api = container(3, "shop-api-1", "shop/api:latest", CState::Running);
    api.project = Some("shop".into());
    api.service = Some("api".into());
    let paused = container(4, "batch", "busybox", CState::Paused);
    let exited = container(5, "migrate", "shop/api:latest", CState::Exited);
    let cjk = container(
        6,
        "数据库-备份",
        "registry.local:5000/备份:v2",
        CState::Running,
    );
    let emoji = container(7, "🚀-launcher", "busybox", CState::Created);
    vec![web, db, api, paused, exited, cjk, emoji]
}

/// A connected state holding `fleet()`, sized `w`x`h`.
pub fn state(w: u16, h: u16) -> State {
    let mut s = State::new(
        Keymap::default_map(),
        "unix:///var/run/docker.sock".into(),
        NOW,
    );
    let mut out = Vec::new();
    super::update(&mut s, Msg::Resize(w, h), &mut out);
    super::update(
        &mut s,
        Msg::Conn(ConnStatus::Connected {
            addr: "unix:///var/run/docker.sock".into(),
            version: "28.2.2".into(),
            api: "1.50".into(),
            os: "linux".into(),
            ncpu: 2,
            mem_total: 0,
        }),
        &mut out,
    );
    super::update(&mut s, Msg::snapshot(fleet()), &mut out);
    s
}

/// Engine events about `fleet()`, oldest first: a stop of `web`, a pull, a network connect.
pub fn events() -> Vec<super::events::EngineEvent> {
    let web = container(1, "web", "nginx:1.27", CState::Running).id;
    let ev = |secs: i64, typ: &str, action: &str, id: &str, attrs: &[(&str, &str)]| {
        let mut attrs: Vec<(String, String)> = attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        attrs.sort();
        super::events::EngineEvent {
            time_nano: (NOW - 60 + secs) * 1_000_000_000 + 123_000_000,
            typ: typ.into(),
            action: action.into(),
            id: id.into(),
            attrs,
            repeats: 0,
        }
    };
    let web_attrs = [("image", "nginx:1.27"), ("name", "web")];
    let mut list = vec![
        ev(
            0,
            "container",
            "kill",
            &web,
            &[("image", "nginx:1.27"), ("name", "web"), ("signal", "15")],
        ),
        ev(
            1,
            "container",
            "die",
            &web,
            &[("exitCode", "0"), ("image", "nginx:1.27"), ("name", "web")],
        ),
        ev(
            1,
            "network",
            "disconnect",
            "abcdef1234567890",
            &[
                ("container", web.as_str()),
                ("name", "bridge"),
                ("type", "bridge"),
            ],
        ),
        ev(1, "container", "stop", &web, &web_attrs),
        ev(
            20,
            "image",
            "pull",
            "busybox:latest",
            &[("name", "busybox")],
        ),
        ev(30, "container", "start", &web, &web_attrs),
    ];
    // A health check every 5 s: three steps of one exec each time, as the engine reports.
    let check = "/bin/sh -c curl -fsS http://localhost/health || exit 1";
    for run in 0..3 {
        let exec = format!("{:064x}", 0xe0 + run);
        let t = 32 + run * 5;
        let base = [
            ("execID", exec.as_str()),
            ("image", "nginx:1.27"),
            ("name", "web"),
        ];
        let died = [
            ("execID", exec.as_str()),
            ("exitCode", "0"),
            ("image", "nginx:1.27"),
            ("name", "web"),
        ];
        list.push(ev(
            t,
            "container",
            &format!("exec_create: {check}"),
            &web,
            &base,
        ));
        list.push(ev(
            t,
            "container",
            &format!("exec_start: {check}"),
            &web,
            &base,
        ));
        list.push(ev(t, "container", "exec_die", &web, &died));
    }
    list
}
