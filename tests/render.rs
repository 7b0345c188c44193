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

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];

fn render(state: &State) -> String {
    let backend = TestBackend::new(state.width, state.height);
    let mut term = Terminal::new(backend).expect("terminal");
    term.draw(|f| dockside::ui::draw(f, state)).expect("draw");
    term.backend().to_string()
}

fn send(s: &mut State, msg: Msg) {
    let mut out = Vec::new();
    update(s, msg, &mut out);
}

fn press(s: &mut State, code: KeyCode) {
    let mods = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    send(s, Msg::Key(KeyEvent::new(code, mods)));
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

#[test]
fn empty_engine() {
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        send(&mut s, Msg::Snapshot(Vec::new()));
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
fn no_color_draws_no_colour() {
    let mut s = fixtures::state(80, 24);
    s.color = dockside::app::state::ColorLevel::None;
    sample_logs(&mut s);
    let backend = TestBackend::new(80, 24);
    let mut term = Terminal::new(backend).expect("terminal");
    term.draw(|f| dockside::ui::draw(f, &s)).expect("draw");
    let buf = term.backend().buffer();
    for cell in buf.content() {
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
