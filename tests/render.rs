//! Rendering snapshots at 80x24 and 200x50 on fixed states (no engine, no terminal).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use dockside::app::fixtures::{self, NOW};
use dockside::app::logbuf::{LogLine, LogStream};
use dockside::app::msg::{ConnStatus, LogEvent, LogEventKind, Msg};
use dockside::app::sanitize::sanitize_line;
use dockside::app::stats::StatsSample;
use dockside::app::{State, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

mod support;
use support::screen::{SIZES, press, render, send};

/// `e` on the selection: the id of the shell session it opens.
fn open_shell(s: &mut State) -> dockside::app::exec::SessionId {
    let mut out = Vec::new();
    update(
        s,
        Msg::Key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE)),
        &mut out,
    );
    out.iter()
        .find_map(|c| match c {
            dockside::app::Cmd::Engine(dockside::app::msg::Req::Exec(
                dockside::app::exec::ExecCmd::Open(req),
            )) => Some(req.session),
            _ => None,
        })
        .expect("an exec is opened")
}

fn log_lines(s: &mut State, lines: &[(&str, LogStream)]) {
    let lines = lines
        .iter()
        .enumerate()
        .map(|(i, (t, stream))| LogLine {
            stream: *stream,
            ts_nanos: Some((NOW + i as i64) * 1_000_000_000),
            body: sanitize_line(t.as_bytes(), 16 * 1024),
        })
        .collect();
    let generation = s.logs.generation;
    send(
        s,
        Msg::Logs(LogEvent {
            generation,
            kind: LogEventKind::Lines(lines),
        }),
    );
}

fn sample_logs(s: &mut State) {
    log_lines(
        s,
        &[
            ("nginx: starting worker processes", LogStream::Stdout),
            ("\x1b[32mGET /healthz 200\x1b[0m 0.4ms", LogStream::Stdout),
            ("GET /api/orders 200 12ms", LogStream::Stdout),
            (
                "warn: upstream slow \x1b]52;c;aGVsbG8=\x07(clipboard attempt)",
                LogStream::Stderr,
            ),
            ("用户登录成功 user=张三 🎉", LogStream::Stdout),
            ("GET /api/orders 500 1ms", LogStream::Stderr),
            ("tab\tseparated\tvalues", LogStream::Stdout),
        ],
    );
}

#[test]
fn containers_and_logs() {
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        sample_logs(&mut s);
        insta::assert_snapshot!(format!("fleet_{w}x{h}"), render(&s));
    }
}

/// Columns sized by their content: at 160 columns STATUS shows `(unhealthy)` whole (it was
/// cut at 24 while PORTS had room to spare); every sort key puts its arrow somewhere in the
/// header (created had none), and id, project and ports sort too.
#[test]
fn status_is_whole_and_every_sort_shows_its_arrow() {
    let mut s = fixtures::state(160, 40);
    let screen = render(&s);
    assert!(screen.contains("Up 2 hours (unhealthy)"), "{screen}");
    assert!(screen.contains("Up About an hour (healthy)"), "{screen}");
    for (w, h) in [(200, 50), (80, 24)] {
        send(&mut s, Msg::Resize(w, h));
        for _ in dockside::app::state::SortKey::ALL {
            let key = s.sort;
            let screen = render(&s);
            let header: String = screen.lines().take(3).collect();
            assert!(
                header.contains('▲') || header.contains('▼'),
                "{key:?} at {w}: no arrow\n{screen}"
            );
            press(&mut s, KeyCode::Char('o'));
        }
    }
    // Ports: the published one first, none last; project: compose ones first.
    let names = |s: &State| -> Vec<String> {
        s.rows
            .iter()
            .filter_map(|id| s.containers.get(id))
            .map(|c| c.name.clone())
            .collect()
    };
    s.sort = dockside::app::state::SortKey::Ports;
    s.recompute_rows();
    assert_eq!(names(&s).first().map(String::as_str), Some("web"));
    s.sort = dockside::app::state::SortKey::Project;
    s.recompute_rows();
    assert_eq!(&names(&s)[..2], ["shop-api-1", "shop-db-1"]);
    s.sort = dockside::app::state::SortKey::Id;
    s.recompute_rows();
    assert_eq!(names(&s).first().map(String::as_str), Some("web"));
}

#[test]
fn empty_engine() {
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        send(&mut s, Msg::snapshot(Vec::new()));
        insta::assert_snapshot!(format!("empty_{w}x{h}"), render(&s));
    }
}

#[test]
fn engine_unreachable() {
    for (w, h) in SIZES {
        let mut s = State::new(
            dockside::app::keymap::Keymap::default_map(),
            "unix:///var/run/docker.sock".into(),
            NOW,
        );
        send(&mut s, Msg::Resize(w, h));
        send(
            &mut s,
            Msg::Conn(ConnStatus::Failed {
                addr: "unix:///var/run/docker.sock (default socket)".into(),
                error: "no socket there (is the engine running?)".into(),
                retry_in_ms: 2000,
                attempt: 4,
            }),
        );
        insta::assert_snapshot!(format!("unreachable_{w}x{h}"), render(&s));
    }
}

#[test]
fn help_overlay() {
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        press(&mut s, KeyCode::Char('?'));
        insta::assert_snapshot!(format!("help_{w}x{h}"), render(&s));
        if (w, h) == (80, 24) {
            // Scrolled to the end: the last keys of the list are on screen.
            for _ in 0..200 {
                press(&mut s, KeyCode::Down);
            }
            let screen = render(&s);
            assert!(screen.contains("Messages: the status line"), "{screen}");
            insta::assert_snapshot!(format!("help_scrolled_{w}x{h}"), screen);
        }
    }
}

#[test]
fn remove_confirmation() {
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        press(&mut s, KeyCode::Char('D'));
        press(&mut s, KeyCode::Char('f'));
        insta::assert_snapshot!(format!("confirm_{w}x{h}"), render(&s));
    }
}

#[test]
fn filter_and_marks() {
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        press(&mut s, KeyCode::Char(' '));
        press(&mut s, KeyCode::Char('/'));
        for c in "shop".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        insta::assert_snapshot!(format!("filter_{w}x{h}"), render(&s));
    }
}

#[test]
fn logs_search_highlights_wrap_and_timestamps() {
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        sample_logs(&mut s);
        log_lines(&mut s, &[(&"long line ".repeat(30), LogStream::Stdout)]);
        press(&mut s, KeyCode::Tab);
        press(&mut s, KeyCode::Char('/'));
        for c in "orders".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        press(&mut s, KeyCode::Enter);
        insta::assert_snapshot!(format!("logs_search_{w}x{h}"), render(&s));
        press(&mut s, KeyCode::Char('w'));
        press(&mut s, KeyCode::Char('T'));
        insta::assert_snapshot!(format!("logs_wrap_ts_{w}x{h}"), render(&s));
        press(&mut s, KeyCode::Char('&'));
        for c in "500".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        press(&mut s, KeyCode::Enter);
        insta::assert_snapshot!(format!("logs_grep_{w}x{h}"), render(&s));
        // Esc drops the grep; then v selects from the bottom line and k extends it.
        press(&mut s, KeyCode::Esc);
        press(&mut s, KeyCode::Char('v'));
        press(&mut s, KeyCode::Char('k'));
        press(&mut s, KeyCode::Char('k'));
        let screen = render(&s);
        assert!(screen.contains("3 lines selected"), "{screen}");
        insta::assert_snapshot!(format!("logs_select_{w}x{h}"), screen);
    }
}

#[test]
fn stats_columns_and_view() {
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        let ids: Vec<String> = s.rows.clone();
        for (i, id) in ids.iter().enumerate() {
            for k in 0..30u64 {
                let sample = StatsSample {
                    read_nanos: (NOW + k as i64) * 1_000_000_000,
                    cpu_percent: (i as f64 * 12.5) + (k % 7) as f64,
                    online_cpus: 2,
                    mem_used: (64 + i as u64 * 32 + k) << 20,
                    mem_limit: 2 << 30,
                    mem_percent: 3.0,
                    net_rx: k * 10_000,
                    net_tx: k * 2_000,
                    blk_read: k * 4096,
                    blk_write: 0,
                    pids: 3,
                    cpu_from_precpu: true,
                    ..Default::default()
                };
                send(
                    &mut s,
                    Msg::Stats {
                        id: id.clone(),
                        sample,
                    },
                );
            }
        }
        press(&mut s, KeyCode::Char('t'));
        insta::assert_snapshot!(format!("stats_{w}x{h}"), render(&s));
    }
}

#[test]
fn inspect_search_highlights() {
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        press(&mut s, KeyCode::Char('i'));
        let id = s.selected.clone().expect("selected");
        let text = "[\n  {\n    \"Id\": \"0001a1b2c3d4\",\n    \"NetworkSettings\": {\n      \"IPAddress\": \"172.17.0.2\",\n      \"SecondaryIPAddresses\": null\n    }\n  }\n]";
        send(
            &mut s,
            Msg::Inspect {
                id,
                text: text.into(),
            },
        );
        press(&mut s, KeyCode::Tab);
        press(&mut s, KeyCode::Char('/'));
        for c in "ipaddr".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        press(&mut s, KeyCode::Enter);
        let screen = render(&s);
        assert!(screen.contains("2 lines match"), "{screen}");
        insta::assert_snapshot!(format!("inspect_search_{w}x{h}"), screen);
    }
}

#[test]
fn processes_tab() {
    use dockside::app::top::Processes;
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        press(&mut s, KeyCode::Char('P'));
        let id = s.selected.clone().expect("selected");
        let titles = ["PID", "PPID", "USER", "%CPU", "RSS", "ELAPSED", "COMMAND"];
        let row = |pid: &str, cpu: &str, rss: &str, cmd: &str| {
            vec![pid, "4100", "101", cpu, rss, "03:12:09", cmd]
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>()
        };
        let procs = Processes::new(
            titles.iter().map(|t| t.to_string()).collect(),
            vec![
                row(
                    "4123",
                    "0.0",
                    "9920",
                    "nginx: master process nginx -g daemon off;",
                ),
                row("4188", "1.2", "3520", "nginx: worker process"),
                row("4189", "0.8", "3488", "nginx: worker process"),
            ],
        );
        send(
            &mut s,
            Msg::Top {
                id,
                result: Ok(procs),
            },
        );
        insta::assert_snapshot!(format!("top_{w}x{h}"), render(&s));
        // Podman's answer: its own titles and order, command lines split at their spaces.
        let id = s.selected.clone().expect("selected");
        let podman = Processes::new(
            [
                "USER", "PID", "PPID", "%CPU", "ELAPSED", "TTY", "TIME", "COMMAND",
            ]
            .iter()
            .map(|t| t.to_string())
            .collect(),
            vec![
                "0 1 0 0.000 3h12m9.5s ? 0s nginx: master process nginx -g daemon off;",
                "101 29 1 1.200 3h12m8.1s ? 2s nginx: worker process",
            ]
            .into_iter()
            .map(|l| l.split(' ').map(String::from).collect())
            .collect(),
        );
        send(
            &mut s,
            Msg::Top {
                id,
                result: Ok(podman),
            },
        );
        insta::assert_snapshot!(format!("top_podman_{w}x{h}"), render(&s));
    }
}

#[test]
fn engine_switcher() {
    use dockside::app::msg::EngineChoice;
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        let list = vec![
            EngineChoice {
                name: "default".into(),
                addr: "unix:///var/run/docker.sock".into(),
                description: "default socket".into(),
            },
            EngineChoice {
                name: "prod".into(),
                addr: "ssh://ops@prod.example".into(),
                description: "production, careful".into(),
            },
        ];
        send(&mut s, Msg::Engines(list));
        press(&mut s, KeyCode::Down);
        insta::assert_snapshot!(format!("engines_{w}x{h}"), render(&s));
    }
}

#[test]
fn messages_overlay_wraps_long_errors() {
    use dockside::app::state::StatusKind;
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        s.set_status(StatusKind::Progress, "Stopping web…");
        s.set_status(StatusKind::Info, "done: stop");
        s.set_status(
            StatusKind::Error,
            format!(
                "update shop-db-1: Error response from daemon: {}",
                "Cannot update container: memory swap limit should be larger than memory limit, "
                    .repeat(2)
            ),
        );
        send(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL)),
        );
        insta::assert_snapshot!(format!("messages_{w}x{h}"), render(&s));
    }
}

#[test]
fn command_palette() {
    for (w, h) in SIZES {
        // Everything of the screen, then what `st` matches.
        let mut s = fixtures::state(w, h);
        press(&mut s, KeyCode::Char(':'));
        insta::assert_snapshot!(format!("palette_{w}x{h}"), render(&s));
        press(&mut s, KeyCode::Char('s'));
        press(&mut s, KeyCode::Char('t'));
        press(&mut s, KeyCode::Tab);
        insta::assert_snapshot!(format!("palette_st_{w}x{h}"), render(&s));
        // A command's argument: the containers, CJK and emoji names included.
        let mut s = fixtures::state(w, h);
        press(&mut s, KeyCode::Char(':'));
        for c in "logs ".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        insta::assert_snapshot!(format!("palette_logs_{w}x{h}"), render(&s));
    }
}

#[test]
fn events_view() {
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        for ev in fixtures::events() {
            send(&mut s, Msg::Event(ev));
        }
        press(&mut s, KeyCode::Char('6'));
        // The engine's past: a create before dockside started.
        let mut older = fixtures::events().remove(0);
        older.action = "create".into();
        older.time_nano -= 3_000_000_000_000;
        send(&mut s, Msg::EventHistory(Ok(vec![older])));
        insta::assert_snapshot!(format!("events_{w}x{h}"), render(&s));
    }
}

#[test]
fn a_theme_sets_the_colours_drawn() {
    use dockside::app::palette::Palette;
    let mut s = fixtures::state(80, 24);
    s.palette = Palette::built_in("light").expect("light");
    let backend = TestBackend::new(80, 24);
    let mut term = Terminal::new(backend).expect("terminal");
    term.draw(|f| dockside::ui::draw(f, &s)).expect("draw");
    let bgs: Vec<ratatui::style::Color> = term
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.bg)
        .collect();
    // The selected row (focused list) has the light theme's background, not the dark one's.
    assert!(bgs.contains(&s.palette.selected.full));
    assert!(!bgs.contains(&Palette::default().selected.full));
}

#[test]
fn no_color_draws_no_colour() {
    use dockside::app::exec::ExecEvent;
    let mut s = fixtures::state(80, 24);
    s.color = dockside::app::state::ColorLevel::None;
    sample_logs(&mut s);
    let backend = TestBackend::new(80, 24);
    let mut term = Terminal::new(backend).expect("terminal");
    term.draw(|f| dockside::ui::draw(f, &s)).expect("draw");
    let mut cells = term.backend().buffer().content().to_vec();
    // A shell printing colours (256-colour and RGB) draws none either.
    let session = open_shell(&mut s);
    send(
        &mut s,
        Msg::Exec(ExecEvent::Output {
            session,
            bytes: b"\x1b[31mred\x1b[38;5;46m256\x1b[48;2;1;2;3mrgb\x1b[0m".to_vec(),
        }),
    );
    term.draw(|f| dockside::ui::draw(f, &s)).expect("draw");
    let screen = term.backend().to_string();
    assert!(screen.contains("red256rgb"), "{screen}");
    cells.extend(term.backend().buffer().content().iter().cloned());
    for cell in &cells {
        assert_eq!(
            cell.fg,
            ratatui::style::Color::Reset,
            "fg at {:?}",
            cell.symbol()
        );
        assert_eq!(
            cell.bg,
            ratatui::style::Color::Reset,
            "bg at {:?}",
            cell.symbol()
        );
    }
}

mod views {
    use super::*;
    use dockside::app::images::{Image, Progress};
    use dockside::app::msg::ResMsg;
    use dockside::app::resources::{DiskUsage, Network, Usage, Volume};

    fn images() -> Vec<Image> {
        vec![
            Image {
                host: None,
                id: "sha256:1111aaaa2222bbbb3333cccc".into(),
                tags: vec!["nginx:1.27".into()],
                size: 187_000_000,
                created: NOW - 86_400 * 12,
                containers: 1,
                dangling: false,
                digests: Vec::new(),
            },
            Image {
                host: None,
                id: "sha256:4444dddd5555eeee6666ffff".into(),
                tags: vec![
                    "registry.local:5000/shop/api:v2".into(),
                    "shop/api:latest".into(),
                ],
                size: 64_500_000,
                created: NOW - 3600 * 5,
                containers: 2,
                dangling: false,
                digests: Vec::new(),
            },
            Image {
                host: None,
                id: "sha256:7777aaaa8888bbbb9999cccc".into(),
                tags: vec![],
                size: 12_000_000,
                created: NOW - 3600 * 30,
                containers: 0,
                dangling: true,
                digests: Vec::new(),
            },
        ]
    }

    fn at(w: u16, h: u16) -> State {
        let mut s = fixtures::state(w, h);
        send(&mut s, Msg::Res(ResMsg::Images(Ok(images()))));
        send(
            &mut s,
            Msg::Res(ResMsg::Volumes(Ok(vec![Volume {
                host: None,
                name: "pgdata".into(),
                driver: "local".into(),
                mountpoint: "/var/lib/docker/volumes/pgdata/_data".into(),
                created: "2026-11-01T10:00:00Z".into(),
                labels: Default::default(),
                used_by: vec!["shop-db-1".into()],
                size: Some(250_000_000),
            }]))),
        );
        send(
            &mut s,
            Msg::Res(ResMsg::Networks(Ok(vec![Network {
                host: None,
                id: "abcdef1234567890".into(),
                name: "shop_default".into(),
                driver: "bridge".into(),
                scope: "local".into(),
                subnets: vec![("172.20.0.0/16".into(), "172.20.0.1".into())],
                internal: false,
                containers: vec![
                    ("shop-api-1".into(), "172.20.0.2".into()),
                    ("shop-db-1".into(), "172.20.0.3".into()),
                ],
            }]))),
        );
        let u = |count, active, size, reclaimable| Usage {
            count,
            active,
            size,
            reclaimable,
        };
        send(
            &mut s,
            Msg::Res(ResMsg::Disk(Ok(DiskUsage {
                images: u(3, 2, 263_500_000, 12_000_000),
                containers: u(7, 4, 1_200_000, 300_000),
                volumes: u(1, 1, 250_000_000, 0),
                build_cache: u(0, 0, 0, 0),
                dangling_images: Some(2_000_000),
            }))),
        );
        s
    }

    #[test]
    fn each_view_and_the_pull_progress() {
        for (w, h) in SIZES {
            let mut s = at(w, h);
            for (key, name) in [
                ('2', "images"),
                ('3', "volumes"),
                ('4', "networks"),
                ('5', "engine"),
            ] {
                press(&mut s, KeyCode::Char(key));
                insta::assert_snapshot!(format!("view_{name}_{w}x{h}"), render(&s));
            }
            press(&mut s, KeyCode::Char('2'));
            press(&mut s, KeyCode::Char('p'));
            for c in "registry.local:5000/shop/api:v3".chars() {
                press(&mut s, KeyCode::Char(c));
            }
            insta::assert_snapshot!(format!("pull_prompt_{w}x{h}"), render(&s));
            press(&mut s, KeyCode::Enter);
            let id = s.views.images.jobs.list.last().map(|j| j.id).expect("job");
            for p in [
                Progress::Line("Pulling from shop/api".into()),
                Progress::Layer {
                    id: "a1b2c3d4e5f6".into(),
                    status: "Downloading".into(),
                    current: 3_000_000,
                    total: 10_000_000,
                },
                Progress::Layer {
                    id: "0f9e8d7c6b5a".into(),
                    status: "Pull complete".into(),
                    current: 0,
                    total: 0,
                },
            ] {
                send(&mut s, Msg::Res(ResMsg::Job { id, progress: p }));
            }
            insta::assert_snapshot!(format!("pull_progress_{w}x{h}"), render(&s));
            press(&mut s, KeyCode::Char('J'));
            // The run form: fields, a live error on a bad port, the docker run line.
            press(&mut s, KeyCode::Char('r'));
            for c in "api2".chars() {
                press(&mut s, KeyCode::Char(c));
            }
            press(&mut s, KeyCode::Tab);
            press(&mut s, KeyCode::Tab);
            for c in "8080:80 99999:443".chars() {
                press(&mut s, KeyCode::Char(c));
            }
            let screen = render(&s);
            assert!(screen.contains("99999"), "{screen}");
            insta::assert_snapshot!(format!("run_form_{w}x{h}"), screen);
            press(&mut s, KeyCode::Esc);
            // What the app knows of the engine is checked as you type: a name in use.
            press(&mut s, KeyCode::Char('r'));
            for c in "web".chars() {
                press(&mut s, KeyCode::Char(c));
            }
            let screen = render(&s);
            assert!(screen.contains("already in use"), "{screen}");
            press(&mut s, KeyCode::Enter);
            assert!(
                matches!(s.overlay, dockside::app::state::Overlay::RunForm { .. }),
                "not run while wrong"
            );
            press(&mut s, KeyCode::Esc);
            press(&mut s, KeyCode::Char('R'));
            for c in "-p 8080:80 -e MODE=prod --name api2 --restart unless-stopped".chars() {
                press(&mut s, KeyCode::Char(c));
            }
            insta::assert_snapshot!(format!("run_prompt_{w}x{h}"), render(&s));
            for c in " -p 99999:80".chars() {
                press(&mut s, KeyCode::Char(c));
            }
            let screen = render(&s);
            assert!(
                screen.contains("✗"),
                "invalid port is flagged as typed:\n{screen}"
            );
            insta::assert_snapshot!(format!("run_prompt_invalid_{w}x{h}"), screen);
        }
    }
}

#[test]
fn shell_session_next_to_the_list() {
    use dockside::app::exec::{ExecCmd, ExecEvent, ExecKind};
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        // `e` on the selected (running) container opens a session in the Shells tab.
        let mut out = Vec::new();
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE)),
            &mut out,
        );
        let session = out
            .iter()
            .find_map(|c| match c {
                dockside::app::Cmd::Engine(dockside::app::msg::Req::Exec(ExecCmd::Open(req))) => {
                    Some(req.session)
                }
                _ => None,
            })
            .expect("an exec is opened");
        let (cols, rows) = s.shell_size();
        assert_eq!(
            out.iter().find_map(|c| match c {
                dockside::app::Cmd::Engine(dockside::app::msg::Req::Exec(ExecCmd::Open(req))) =>
                    Some((req.cols, req.rows, req.kind.clone())),
                _ => None,
            }),
            Some((cols, rows, ExecKind::Shell)),
            "the TTY is the pane's inner size"
        );
        send(
            &mut s,
            Msg::Exec(ExecEvent::Started {
                session,
                shell: "/bin/sh".into(),
            }),
        );
        send(
            &mut s,
            Msg::Exec(ExecEvent::Output {
                session,
                bytes: b"/ # echo $((6*7))\r\n42\r\n/ # \x1b[32mgreen\x1b[0m\r\n/ # ".to_vec(),
            }),
        );
        let screen = render(&s);
        assert!(screen.contains("42") && screen.contains("web"), "{screen}");
        insta::assert_snapshot!(format!("shell_{w}x{h}"), screen);
    }
}
