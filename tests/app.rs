//! The pure update function, without a terminal or an engine.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use dockside::app::fixtures::{self, NOW};
use dockside::app::model::CState;
use dockside::app::msg::{Cmd, ContainerAction, Effect, Msg, Req};
use dockside::app::state::{Overlay, SortKey};
use dockside::app::{State, update};

fn key(s: &mut State, c: char) -> Vec<Cmd> {
    let mut out = Vec::new();
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    update(s, Msg::Key(KeyEvent::new(KeyCode::Char(c), mods)), &mut out);
    out
}

fn code(s: &mut State, c: KeyCode) -> Vec<Cmd> {
    let mut out = Vec::new();
    update(s, Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)), &mut out);
    out
}

fn names(s: &State) -> Vec<String> {
    s.rows
        .iter()
        .map(|id| s.containers[id].name.clone())
        .collect()
}

#[test]
fn running_first_then_others() {
    let s = fixtures::state(120, 40);
    let n = names(&s);
    assert_eq!(
        n,
        vec![
            "web",
            "数据库-备份",
            "shop-api-1",
            "shop-db-1",
            "batch",
            "🚀-launcher",
            "migrate"
        ]
    );
    assert_eq!(s.selected_container().map(|c| c.name.as_str()), Some("web"));
}

#[test]
fn toggle_all_hides_stopped_and_keeps_selection() {
    let mut s = fixtures::state(120, 40);
    key(&mut s, 'j');
    let sel = s.selected.clone();
    key(&mut s, 'a');
    assert!(!s.show_all);
    assert!(
        names(&s)
            .iter()
            .all(|n| n != "migrate" && n != "🚀-launcher")
    );
    assert_eq!(s.selected, sel);
    key(&mut s, 'a');
    assert_eq!(s.rows.len(), 7);
}

#[test]
fn filter_is_fuzzy_and_esc_clears() {
    let mut s = fixtures::state(120, 40);
    key(&mut s, '/');
    for c in "shp".chars() {
        key(&mut s, c);
    }
    // "migrate" runs the image shop/api, which matches too; matches are ranked by score, so
    // the two whose names match come before it.
    let found = names(&s);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[..2].contains(&"shop-api-1".to_string()), "{found:?}");
    assert!(found[..2].contains(&"shop-db-1".to_string()), "{found:?}");
    assert_eq!(found[2], "migrate");
    code(&mut s, KeyCode::Enter);
    assert!(!s.filter.active);
    assert_eq!(s.rows.len(), 3);
    code(&mut s, KeyCode::Esc);
    assert_eq!(s.rows.len(), 7);
    // Esc while typing clears the filter and leaves the prompt: the next keys are actions.
    key(&mut s, '/');
    key(&mut s, 'x');
    assert!(s.filter.active);
    code(&mut s, KeyCode::Esc);
    assert!(!s.filter.active && s.filter.text.is_empty());
    key(&mut s, 'a');
    assert!(
        s.filter.text.is_empty(),
        "`a` is an action again, not typed"
    );
}

#[test]
fn sort_cycles_and_reverses() {
    let mut s = fixtures::state(120, 40);
    key(&mut s, 'o');
    assert_eq!(s.sort, SortKey::Name);
    assert_eq!(names(&s).first().map(String::as_str), Some("batch"));
    key(&mut s, 'O');
    assert_eq!(names(&s).first().map(String::as_str), Some("🚀-launcher"));
}

#[test]
fn stop_issues_a_command_and_shows_progress() {
    let mut s = fixtures::state(120, 40);
    let out = key(&mut s, 's');
    let web = s.selected.clone().expect("selected");
    assert!(out.contains(&Cmd::Engine(Req::Container {
        id: web.clone(),
        name: "web".into(),
        action: ContainerAction::Stop
    })));
    assert_eq!(s.pending.get(&web), Some("Stopping"));
    let mut out = Vec::new();
    update(
        &mut s,
        Msg::ActionDone {
            id: web.clone(),
            what: "stop web".into(),
            result: Err("permission denied".into()),
        },
        &mut out,
    );
    assert!(s.pending.is_empty());
    let st = s.status.clone().expect("status");
    assert_eq!(st.text, "stop web: permission denied");
}

#[test]
fn an_earlier_actions_answer_does_not_end_a_later_one() {
    let mut s = fixtures::state(120, 40);
    let web = s.selected.clone().expect("selected");
    key(&mut s, 's');
    key(&mut s, 'r');
    assert_eq!(s.pending.get(&web), Some("Restarting"));
    let done = |what: &str| Msg::ActionDone {
        id: web.clone(),
        what: what.into(),
        result: Ok(()),
    };
    let mut out = Vec::new();
    update(&mut s, done("stop web"), &mut out);
    assert_eq!(
        s.pending.get(&web),
        Some("Restarting"),
        "the restart is still under way"
    );
    update(&mut s, done("restart web"), &mut out);
    assert!(s.pending.is_empty());
}

#[test]
fn marked_rows_get_the_action() {
    let mut s = fixtures::state(120, 40);
    key(&mut s, ' '); // mark web, move down
    key(&mut s, ' '); // mark 数据库-备份
    let out = key(&mut s, 'r');
    let restarted: Vec<&str> = out
        .iter()
        .filter_map(|c| match c {
            Cmd::Engine(Req::Container {
                name,
                action: ContainerAction::Restart,
                ..
            }) => Some(name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(restarted, vec!["web", "数据库-备份"]);
    assert!(s.marked.is_empty());
}

#[test]
fn pause_toggles_to_unpause_on_paused() {
    let mut s = fixtures::state(120, 40);
    while s.selected_container().map(|c| c.state) != Some(CState::Paused) {
        key(&mut s, 'j');
    }
    let out = key(&mut s, 'p');
    assert!(matches!(
        out.as_slice(),
        [
            Cmd::Engine(Req::Container {
                action: ContainerAction::Unpause,
                ..
            }),
            ..
        ]
    ));
}

#[test]
fn remove_asks_and_offers_force_and_volumes() {
    let mut s = fixtures::state(120, 40);
    let out = key(&mut s, 'D');
    assert!(
        !out.iter()
            .any(|c| matches!(c, Cmd::Engine(Req::Container { .. })))
    );
    let Overlay::Confirm(c) = &s.overlay else {
        panic!("confirm expected")
    };
    assert!(c.any_running);
    key(&mut s, 'f');
    key(&mut s, 'v');
    let out = key(&mut s, 'y');
    assert!(out.iter().any(|c| matches!(
        c,
        Cmd::Engine(Req::Container {
            action: ContainerAction::Remove {
                force: true,
                volumes: true
            },
            ..
        })
    )));
    assert_eq!(s.overlay, Overlay::None);
    // Cancel path changes nothing.
    key(&mut s, 'D');
    let out = code(&mut s, KeyCode::Esc);
    assert!(
        out.iter()
            .all(|c| !matches!(c, Cmd::Engine(Req::Container { .. })))
    );
}

#[test]
fn upsert_and_gone_update_the_list() {
    let mut s = fixtures::state(120, 40);
    let mut out = Vec::new();
    let mut c = fixtures::container(99, "newcomer", "busybox", CState::Running);
    c.since = Some(NOW);
    update(&mut s, Msg::Upsert(c.clone()), &mut out);
    assert!(names(&s).contains(&"newcomer".to_string()));
    let mut stopped = c.clone();
    stopped.state = CState::Exited;
    stopped.exit_code = Some(0);
    update(&mut s, Msg::Upsert(stopped), &mut out);
    assert_eq!(s.containers[&c.id].state, CState::Exited);
    update(&mut s, Msg::Gone(c.id.clone()), &mut out);
    assert!(!s.containers.contains_key(&c.id));
}

#[test]
fn selection_change_switches_the_log_stream() {
    let mut s = fixtures::state(120, 40);
    let out = key(&mut s, 'j');
    let sel = s.selected.clone().expect("selected");
    let req = out
        .iter()
        .find_map(|c| match c {
            Cmd::Engine(Req::Logs(Some(r))) => Some(r.clone()),
            _ => None,
        })
        .expect("a new log stream");
    assert_eq!(req.id, sel);
    assert_eq!(req.generation, s.logs.generation);
    assert_eq!(req.tail, Some(1000));
}

#[test]
fn stats_watch_only_visible_running_rows() {
    // 80x24: 6 list rows; the fleet's running rows are all on screen.
    let mut s = fixtures::state(80, 24);
    let watched = s.watching.clone();
    let running: Vec<String> = s
        .visible_rows()
        .iter()
        .filter(|id| s.containers[*id].state == CState::Running)
        .cloned()
        .collect();
    let mut sorted = running.clone();
    sorted.sort();
    assert_eq!(watched, sorted);
    // A stopped row is never watched.
    let mut out = Vec::new();
    let mut c = s.containers[&running[0]].clone();
    c.state = CState::Exited;
    update(&mut s, Msg::Upsert(c.clone()), &mut out);
    assert!(!s.watching.contains(&c.id));
    assert!(
        out.iter()
            .any(|cmd| matches!(cmd, Cmd::Engine(Req::WatchStats(_))))
    );
}

#[test]
fn live_stats_off_watches_only_the_selected_stats_tab() {
    let mut s = fixtures::state(80, 24);
    assert!(s.watching.len() > 1);
    let out = key(&mut s, 'c');
    assert!(!s.live_stats);
    assert!(
        out.contains(&Cmd::Engine(Req::WatchStats(Vec::new()))),
        "{out:?}"
    );
    assert!(s.watching.is_empty());
    // The stats tab of a running selection samples that container alone.
    let sel = s.selected.clone().expect("selected");
    assert_eq!(s.containers[&sel].state, CState::Running);
    let out = key(&mut s, 't');
    assert!(
        out.contains(&Cmd::Engine(Req::WatchStats(vec![sel.clone()]))),
        "{out:?}"
    );
    let out = key(&mut s, 'c');
    assert!(s.live_stats);
    assert!(out.iter().any(
        |c| matches!(c, Cmd::Engine(Req::WatchStats(ids)) if ids.len() > 1 && ids.contains(&sel))
    ));
}

#[test]
fn tick_redraws_only_when_visible_text_changes() {
    let mut s = fixtures::state(120, 40);
    s.dirty = false;
    s.clock_print = s.clock_fingerprint();
    let mut out = Vec::new();
    // Ten seconds later, relative times in hours have not changed.
    update(&mut s, Msg::Tick(NOW + 10), &mut out);
    assert!(!s.dirty);
    // Two hours later "Up About an hour" became "Up 3 hours".
    update(&mut s, Msg::Tick(NOW + 7200), &mut out);
    assert!(s.dirty);
}

#[test]
fn help_opens_and_any_key_closes() {
    let mut s = fixtures::state(80, 24);
    key(&mut s, '?');
    assert_eq!(s.overlay, Overlay::Help);
    let out = key(&mut s, 's');
    assert_eq!(s.overlay, Overlay::None);
    assert!(out.is_empty(), "the closing key does nothing else");
}

#[test]
fn quit_key() {
    let mut s = fixtures::state(80, 24);
    let out = key(&mut s, 'q');
    assert!(s.quit);
    assert!(out.contains(&Cmd::Effect(Effect::Quit)));
}

#[test]
fn events_are_logged_quietly_and_lead_to_their_container() {
    let mut s = fixtures::state(120, 40);
    s.dirty = false;
    let mut out = Vec::new();
    for ev in fixtures::events() {
        update(&mut s, Msg::Event(ev), &mut out);
    }
    // A health check's three steps, three times, are one row.
    assert_eq!(s.views.events.len(), 7);
    assert!(!s.dirty, "events off screen do not redraw");
    let web = fixtures::container(1, "web", "nginx:1.27", CState::Running).id;
    key(&mut s, 'j');
    assert_ne!(s.selected.as_deref(), Some(web.as_str()));
    let out = key(&mut s, '6');
    assert!(
        out.contains(&Cmd::Engine(Req::EventHistory)),
        "the past is asked for once: {out:?}"
    );
    key(&mut s, '1');
    let out = key(&mut s, '6');
    assert!(!out.contains(&Cmd::Engine(Req::EventHistory)), "{out:?}");
    assert_eq!(s.view, dockside::views::View::Events);
    // Newest first: the health check of web, counted, then its start.
    let newest = s
        .views
        .events
        .selected()
        .map(|e| (e.action.clone(), e.repeats));
    assert_eq!(
        newest,
        Some((
            "exec: /bin/sh -c curl -fsS http://localhost/health || exit 1".to_string(),
            2
        ))
    );
    // Filter to web's container events.
    key(&mut s, '/');
    for c in "die".chars() {
        key(&mut s, c);
    }
    code(&mut s, KeyCode::Enter);
    assert_eq!(s.views.events.list.len(), 1);
    let out = code(&mut s, KeyCode::Enter);
    assert_eq!(s.view, dockside::views::View::Containers);
    assert_eq!(s.selected.as_deref(), Some(web.as_str()));
    assert!(
        out.iter()
            .any(|c| matches!(c, Cmd::Engine(Req::Logs(Some(r))) if r.id == web)),
        "the logs follow the new selection: {out:?}"
    );
}

#[test]
fn an_event_about_a_removed_container_says_so() {
    let mut s = fixtures::state(120, 40);
    let mut ev = fixtures::events().remove(0);
    ev.id = "f".repeat(64);
    let mut out = Vec::new();
    update(&mut s, Msg::Event(ev), &mut out);
    key(&mut s, '6');
    code(&mut s, KeyCode::Enter);
    assert_eq!(s.view, dockside::views::View::Events);
    let st = s.status.clone().expect("status");
    assert!(st.text.contains("no longer exists"), "{}", st.text);
}

#[test]
fn processes_tab_asks_while_shown_and_only_then() {
    use dockside::app::top::Processes;
    let mut s = fixtures::state(120, 40);
    let sel = s.selected.clone().expect("selected");
    // Hidden tab: ticks ask nothing.
    let mut out = Vec::new();
    update(&mut s, Msg::Tick(NOW + 5), &mut out);
    assert!(!out.iter().any(|c| matches!(c, Cmd::Engine(Req::Top(_)))));
    let out = key(&mut s, 'P');
    assert!(out.contains(&Cmd::Engine(Req::Top(sel.clone()))), "{out:?}");
    // While the request is out, no second one.
    let mut out = Vec::new();
    update(&mut s, Msg::Tick(NOW + 10), &mut out);
    assert!(!out.iter().any(|c| matches!(c, Cmd::Engine(Req::Top(_)))));
    let procs = Processes::new(
        vec!["PID".into(), "COMMAND".into()],
        vec![vec!["4242".into(), "nginx: master process".into()]],
    );
    s.dirty = false;
    update(
        &mut s,
        Msg::Top {
            id: sel.clone(),
            result: Ok(procs.clone()),
        },
        &mut out,
    );
    assert!(s.dirty);
    // Refreshed on the cadence; the same answer does not redraw.
    let mut out = Vec::new();
    update(&mut s, Msg::Tick(NOW + 10 + 2), &mut out);
    assert!(out.contains(&Cmd::Engine(Req::Top(sel.clone()))));
    s.dirty = false;
    update(
        &mut s,
        Msg::Top {
            id: sel.clone(),
            result: Ok(procs),
        },
        &mut out,
    );
    assert!(!s.dirty, "an unchanged process list draws nothing");
    // Another tab: no more requests.
    key(&mut s, 'l');
    let mut out = Vec::new();
    update(&mut s, Msg::Tick(NOW + 30), &mut out);
    assert!(!out.iter().any(|c| matches!(c, Cmd::Engine(Req::Top(_)))));
}

fn ctrl(s: &mut State, c: char) -> Vec<Cmd> {
    let mut out = Vec::new();
    update(
        s,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
        &mut out,
    );
    out
}

fn choices() -> Vec<dockside::app::msg::EngineChoice> {
    use dockside::app::msg::EngineChoice;
    vec![
        EngineChoice {
            name: "default".into(),
            addr: "unix:///var/run/docker.sock".into(),
            description: "default socket".into(),
        },
        EngineChoice {
            name: "lab".into(),
            addr: "tcp://lab:2376".into(),
            description: "the lab".into(),
        },
    ]
}

#[test]
fn switching_engine_starts_afresh_on_the_new_one() {
    use dockside::app::msg::ConnStatus;
    let mut s = fixtures::state(120, 40);
    key(&mut s, 'e'); // a shell on the old engine
    assert_eq!(s.exec.len(), 1);
    // Typing into the shell, ctrl-o is the shell's; ctrl-g leaves it first.
    let out = ctrl(&mut s, 'o');
    assert!(!out.contains(&Cmd::Engine(Req::ListEngines)), "{out:?}");
    ctrl(&mut s, 'g');
    let out = ctrl(&mut s, 'o');
    assert!(out.contains(&Cmd::Engine(Req::ListEngines)), "{out:?}");
    let mut out = Vec::new();
    update(&mut s, Msg::Engines(choices()), &mut out);
    assert!(
        matches!(&s.overlay, Overlay::Engines { sel: 0, .. }),
        "the current engine is highlighted"
    );
    key(&mut s, 'j');
    let out = code(&mut s, KeyCode::Enter);
    assert!(
        out.contains(&Cmd::Effect(Effect::SwitchEngine {
            id: Default::default(),
            addr: "tcp://lab:2376".into(),
            source: "docker context `lab`".into(),
            epoch: 1,
        })),
        "{out:?}"
    );
    assert_eq!(s.overlay, Overlay::None);
    assert!(s.containers.is_empty() && s.rows.is_empty() && s.selected.is_none());
    assert!(matches!(&s.conn, ConnStatus::Connecting { addr } if addr.contains("tcp://lab:2376")));
    assert!(
        s.exec.list.iter().all(|x| !x.state.is_live()),
        "the old engine's shells ended"
    );
    let marker = s.views.events.get(0).expect("a marker event");
    assert_eq!(
        (marker.typ.as_str(), marker.action.as_str()),
        ("dockside", "switch")
    );
    // What the old engine still sends is dropped by its tag; the new engine's list is shown.
    use dockside::app::msg::{EngineId, EngineRef};
    let from = |epoch| EngineRef {
        id: EngineId(0),
        epoch,
    };
    let tagged = |epoch, msg: Msg| Msg::Engine {
        from: from(epoch),
        msg: Box::new(msg),
    };
    let mut out = Vec::new();
    update(
        &mut s,
        tagged(0, Msg::snapshot(fixtures::fleet())),
        &mut out,
    );
    assert!(s.rows.is_empty(), "the old engine's list was dropped");
    update(&mut s, tagged(1, connected("tcp://lab:2376")), &mut out);
    update(
        &mut s,
        tagged(1, Msg::snapshot(fixtures::fleet())),
        &mut out,
    );
    assert_eq!(s.rows.len(), fixtures::fleet().len());
}

#[test]
fn another_address_can_be_typed() {
    let mut s = fixtures::state(120, 40);
    let mut out = Vec::new();
    update(&mut s, Msg::Engines(choices()), &mut out);
    key(&mut s, 'j');
    key(&mut s, 'j');
    key(&mut s, 'j'); // past the end: stays on the last row
    code(&mut s, KeyCode::Enter);
    assert!(
        matches!(&s.overlay, Overlay::Prompt { .. }),
        "{:?}",
        s.overlay
    );
    for c in "ssh://me@box".chars() {
        key(&mut s, c);
    }
    let out = code(&mut s, KeyCode::Enter);
    assert!(out.contains(&Cmd::Effect(Effect::SwitchEngine {
        id: Default::default(),
        addr: "ssh://me@box".into(),
        source: "typed in".into(),
        epoch: 1,
    })));
}

#[test]
fn a_compose_project_is_marked_at_once_and_acted_on() {
    let mut s = fixtures::state(120, 40);
    let api = fixtures::container(3, "shop-api-1", "shop/api:latest", CState::Running).id;
    let db = fixtures::container(2, "shop-db-1", "postgres:16", CState::Running).id;
    // Walk to shop-api-1, then mark its project.
    key(&mut s, 'g');
    let at = s.rows.iter().position(|id| *id == api).expect("listed");
    for _ in 0..at {
        key(&mut s, 'j');
    }
    assert_eq!(s.selected.as_deref(), Some(api.as_str()));
    key(&mut s, 'M');
    assert!(
        s.marked.contains(&api) && s.marked.contains(&db),
        "{:?}",
        s.marked
    );
    assert_eq!(s.marked.len(), 2);
    let out = key(&mut s, 's');
    let stopped: Vec<&String> = out
        .iter()
        .filter_map(|c| match c {
            Cmd::Engine(Req::Container {
                id,
                action: ContainerAction::Stop,
                ..
            }) => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(stopped.len(), 2, "{out:?}");
    // M again unmarks; a container outside any project says so.
    key(&mut s, 'M');
    key(&mut s, 'M');
    assert!(s.marked.is_empty());
    key(&mut s, 'g');
    key(&mut s, 'M');
    assert!(
        s.status
            .as_ref()
            .is_some_and(|m| m.text.contains("not part of a compose project"))
    );
}

fn mouse(s: &mut State, kind: crossterm::event::MouseEventKind, x: u16, y: u16) -> Vec<Cmd> {
    let mut out = Vec::new();
    let ev = crossterm::event::MouseEvent {
        kind,
        column: x,
        row: y,
        modifiers: KeyModifiers::NONE,
    };
    update(s, Msg::Mouse(ev), &mut out);
    out
}

#[test]
fn a_click_selects_the_row_under_it_and_the_wheel_moves() {
    use crossterm::event::{MouseButton, MouseEventKind};
    let mut s = fixtures::state(120, 40);
    let list = s.areas().list;
    // Third data row: border, header, then rows.
    let out = mouse(
        &mut s,
        MouseEventKind::Down(MouseButton::Left),
        10,
        list.y + 2 + 2,
    );
    assert_eq!(s.selected.as_ref(), s.rows.get(2));
    let sel = s.selected.clone().expect("selected");
    assert!(
        out.iter()
            .any(|c| matches!(c, Cmd::Engine(Req::Logs(Some(r))) if r.id == sel)),
        "the logs follow the click: {out:?}"
    );
    // The header line selects nothing new.
    mouse(
        &mut s,
        MouseEventKind::Down(MouseButton::Left),
        10,
        list.y + 1,
    );
    assert_eq!(s.selected.as_deref(), Some(sel.as_str()));
    mouse(&mut s, MouseEventKind::ScrollDown, 10, list.y + 3);
    assert_eq!(s.selected.as_ref(), s.rows.get(3));
    mouse(&mut s, MouseEventKind::ScrollUp, 10, list.y + 3);
    assert_eq!(s.selected.as_ref(), s.rows.get(2));
}

#[test]
fn a_click_on_a_detail_tab_opens_it_and_the_wheel_scrolls_the_logs() {
    use crossterm::event::{MouseButton, MouseEventKind};
    use dockside::app::state::{DetailTab, Focus};
    let mut s = fixtures::state(120, 40);
    let detail = s.areas().detail;
    let x = dockside::app::mouse::tab_at(detail, detail.x + 2)
        .map(|_| detail.x + 2 + "Logs │ Stats │ Inspect │ ".chars().count() as u16)
        .expect("tabs");
    let out = mouse(&mut s, MouseEventKind::Down(MouseButton::Left), x, detail.y);
    assert_eq!(s.tab, DetailTab::Top);
    assert_eq!(s.focus, Focus::Detail);
    assert!(
        out.iter().any(|c| matches!(c, Cmd::Engine(Req::Top(_)))),
        "{out:?}"
    );
    // Back to the logs tab.
    let logs_x = detail.x + 3;
    mouse(
        &mut s,
        MouseEventKind::Down(MouseButton::Left),
        logs_x,
        detail.y,
    );
    assert_eq!(s.tab, DetailTab::Logs);
    // A click in a dialog does nothing behind it.
    let list_y = s.areas().list.y + 2;
    mouse(&mut s, MouseEventKind::Down(MouseButton::Left), 10, list_y);
    assert_eq!(s.focus, Focus::List);
    key(&mut s, 'D');
    let before = s.selected.clone();
    let y = s.areas().list.y + 4;
    mouse(&mut s, MouseEventKind::Down(MouseButton::Left), 10, y);
    assert_eq!(s.selected, before);
    assert!(matches!(s.overlay, Overlay::Confirm(_)));
}

#[test]
fn selected_log_lines_are_copied_and_only_those() {
    use dockside::app::logbuf::{LogLine, LogStream};
    use dockside::app::msg::{LogEvent, LogEventKind};
    use dockside::app::sanitize::sanitize_line;
    let mut s = fixtures::state(120, 40);
    let lines: Vec<LogLine> = (1..=6)
        .map(|i| LogLine {
            stream: LogStream::Stdout,
            ts_nanos: None,
            body: sanitize_line(format!("request {i} ok").as_bytes(), 1024),
        })
        .collect();
    let mut out = Vec::new();
    let generation = s.logs.generation;
    update(
        &mut s,
        Msg::Logs(LogEvent {
            generation,
            kind: LogEventKind::Lines(lines),
        }),
        &mut out,
    );
    code(&mut s, KeyCode::Tab); // focus the logs
    key(&mut s, 'v');
    key(&mut s, 'k');
    key(&mut s, 'k');
    let out = key(&mut s, 'c');
    assert!(
        out.contains(&Cmd::Effect(Effect::Clipboard(
            "request 4 ok\nrequest 5 ok\nrequest 6 ok".into()
        ))),
        "{out:?}"
    );
    assert!(s.logs.mark.is_none(), "the selection ends with the copy");
    // Without a selection, `c` copies what is visible; esc cancels a selection.
    key(&mut s, 'v');
    code(&mut s, KeyCode::Esc);
    assert!(s.logs.mark.is_none());
    let out = key(&mut s, 'c');
    assert!(
        out.iter().any(
            |c| matches!(c, Cmd::Effect(Effect::Clipboard(t)) if t.starts_with("request 1 ok"))
        ),
        "{out:?}"
    );
}

fn connected(addr: &str) -> Msg {
    Msg::Conn(dockside::app::msg::ConnStatus::Connected {
        addr: addr.into(),
        version: "28".into(),
        api: "1.50".into(),
        os: "linux".into(),
        ncpu: 2,
        mem_total: 0,
    })
}

fn failed(addr: &str) -> Msg {
    Msg::Conn(dockside::app::msg::ConnStatus::Failed {
        addr: addr.into(),
        error: "connection lost".into(),
        retry_in_ms: 0,
        attempt: 0,
    })
}

#[test]
fn a_lost_connection_does_not_leave_work_waiting_forever() {
    let mut s = fixtures::state(120, 40);
    let sel = s.selected.clone().expect("selected");
    key(&mut s, 'P');
    key(&mut s, 's');
    assert!(s.top.inflight && !s.pending.is_empty());
    let mut out = Vec::new();
    update(&mut s, failed("unix:///var/run/docker.sock"), &mut out);
    assert!(!s.top.inflight, "the top request died with the connection");
    assert!(s.pending.is_empty(), "so did the stop");
    // Disconnected: no requests. Reconnected: asked again, and the stats watch is resent.
    update(&mut s, Msg::Tick(NOW + 60), &mut out);
    assert!(
        !out.iter().any(|c| matches!(c, Cmd::Engine(Req::Top(_)))),
        "{out:?}"
    );
    let mut out = Vec::new();
    update(&mut s, connected("unix:///var/run/docker.sock"), &mut out);
    update(&mut s, Msg::snapshot(fixtures::fleet()), &mut out);
    update(&mut s, Msg::Tick(NOW + 70), &mut out);
    assert!(out.contains(&Cmd::Engine(Req::Top(sel))), "{out:?}");
    assert!(
        out.iter()
            .any(|c| matches!(c, Cmd::Engine(Req::WatchStats(ids)) if !ids.is_empty()))
    );
}

#[test]
fn after_a_switch_the_old_engines_queued_messages_are_dropped() {
    let mut s = fixtures::state(120, 40);
    let mut out = Vec::new();
    update(&mut s, Msg::Engines(choices()), &mut out);
    key(&mut s, 'j');
    code(&mut s, KeyCode::Enter);
    assert!(s.containers.is_empty());
    // Still queued from the old engine (epoch 0): a container, its version answer. They
    // carry the old epoch and are dropped by it.
    use dockside::app::msg::{EngineId, EngineRef};
    let tagged = |epoch, msg: Msg| Msg::Engine {
        from: EngineRef {
            id: EngineId(0),
            epoch,
        },
        msg: Box::new(msg),
    };
    let old = fixtures::fleet().remove(0);
    update(&mut s, tagged(0, Msg::Upsert(old.clone())), &mut out);
    update(
        &mut s,
        tagged(0, connected("unix:///var/run/docker.sock")),
        &mut out,
    );
    assert!(
        s.containers.is_empty(),
        "the old engine's container is not shown"
    );
    assert!(matches!(
        &s.conn,
        dockside::app::msg::ConnStatus::Connecting { .. }
    ));
    // The new one (epoch 1) answers.
    update(&mut s, tagged(1, connected("tcp://lab:2376")), &mut out);
    update(&mut s, tagged(1, Msg::Upsert(old)), &mut out);
    assert_eq!(s.containers.len(), 1);
}

#[test]
fn the_engine_list_does_not_replace_an_open_dialog() {
    let mut s = fixtures::state(120, 40);
    key(&mut s, 'D');
    assert!(matches!(s.overlay, Overlay::Confirm(_)));
    let mut out = Vec::new();
    update(&mut s, Msg::Engines(choices()), &mut out);
    assert!(matches!(s.overlay, Overlay::Confirm(_)));
}

#[test]
fn a_marked_project_member_hidden_by_the_list_is_still_acted_on() {
    let mut s = fixtures::state(120, 40);
    let api = fixtures::container(3, "shop-api-1", "shop/api:latest", CState::Running).id;
    let mut db = fixtures::fleet()
        .into_iter()
        .find(|c| c.name == "shop-db-1")
        .expect("db");
    db.state = CState::Exited;
    let db_id = db.id.clone();
    let mut out = Vec::new();
    update(&mut s, Msg::Upsert(db), &mut out);
    key(&mut s, 'a'); // running only: the exited db is hidden
    assert!(!s.rows.contains(&db_id));
    key(&mut s, 'g');
    let at = s.rows.iter().position(|id| *id == api).expect("listed");
    for _ in 0..at {
        key(&mut s, 'j');
    }
    key(&mut s, 'M');
    let out = key(&mut s, 'S');
    let started: Vec<&String> = out
        .iter()
        .filter_map(|c| match c {
            Cmd::Engine(Req::Container {
                id,
                action: ContainerAction::Start,
                ..
            }) => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(started, vec![&api, &db_id]);
}

#[test]
fn turning_live_stats_off_drops_the_samples_it_no_longer_takes() {
    use dockside::app::stats::StatsSample;
    let mut s = fixtures::state(120, 40);
    let mut out = Vec::new();
    for id in s.watching.clone() {
        update(
            &mut s,
            Msg::Stats {
                id,
                sample: StatsSample::default(),
            },
            &mut out,
        );
    }
    assert!(s.stats.len() > 1);
    key(&mut s, 'c');
    assert!(s.stats.is_empty(), "no stale numbers are kept");
}

#[test]
fn inspect_scrolls_no_further_than_its_text() {
    let mut s = fixtures::state(120, 40);
    let sel = s.selected.clone().expect("selected");
    key(&mut s, 'i');
    let text = (0..50)
        .map(|i| format!("line {i}"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    update(&mut s, Msg::Inspect { id: sel, text }, &mut out);
    code(&mut s, KeyCode::Tab);
    for _ in 0..200 {
        key(&mut s, 'j');
    }
    let page = s.areas().detail_rows();
    assert_eq!(s.inspect_scroll, 50 - page);
    key(&mut s, 'k');
    assert_eq!(s.inspect_scroll, 50 - page - 1, "up answers at once");
}

#[test]
fn inspect_search_jumps_between_matching_lines() {
    use dockside::app::state::Focus;
    let mut s = fixtures::state(120, 40);
    let sel = s.selected.clone().expect("selected");
    key(&mut s, 'i');
    let mut lines: Vec<String> = (0..60).map(|i| format!("  \"Key{i}\": {i},")).collect();
    lines[10] = "  \"IPAddress\": \"172.17.0.2\",".into();
    lines[40] = "  \"SecondaryIPAddresses\": null,".into();
    let mut out = Vec::new();
    update(
        &mut s,
        Msg::Inspect {
            id: sel,
            text: lines.join("\n"),
        },
        &mut out,
    );
    code(&mut s, KeyCode::Tab);
    key(&mut s, '/');
    for c in "ipaddress".chars() {
        key(&mut s, c);
    }
    code(&mut s, KeyCode::Enter);
    assert_eq!(s.inspect_search.as_deref(), Some("ipaddress"));
    assert_eq!(s.inspect_scroll, 10);
    key(&mut s, 'n');
    assert_eq!(s.inspect_scroll, 40);
    key(&mut s, 'n');
    assert_eq!(s.inspect_scroll, 40, "nothing further down");
    assert!(
        s.status
            .as_ref()
            .is_some_and(|m| m.text.contains("no more matches below"))
    );
    key(&mut s, 'N');
    assert_eq!(s.inspect_scroll, 10);
    code(&mut s, KeyCode::Esc);
    assert_eq!(s.inspect_search, None);
    assert_eq!(s.focus, Focus::Detail);
    code(&mut s, KeyCode::Esc);
    assert_eq!(s.focus, Focus::List);
}

#[test]
fn a_help_taller_than_the_screen_scrolls_and_other_keys_close_it() {
    let mut s = fixtures::state(80, 24);
    key(&mut s, '?');
    assert!(
        s.help_len() > 24,
        "the containers help is taller than 80x24"
    );
    code(&mut s, KeyCode::PageDown);
    let after_page = s.help_scroll;
    assert!(after_page > 0);
    key(&mut s, 'j');
    assert_eq!(s.help_scroll, after_page + 1);
    key(&mut s, 'k');
    assert_eq!(s.help_scroll, after_page);
    for _ in 0..500 {
        key(&mut s, 'j');
    }
    assert_eq!(
        s.help_scroll,
        s.help_max_scroll(),
        "bounded by the last page"
    );
    assert!(s.help_max_scroll() < s.help_len());
    assert_eq!(s.overlay, Overlay::Help);
    let out = key(&mut s, 'x');
    assert_eq!(s.overlay, Overlay::None);
    assert!(out.is_empty());
    // Opened again, it starts at the top.
    key(&mut s, '?');
    assert_eq!(s.help_scroll, 0);
}

#[test]
fn a_list_that_failed_without_an_engine_is_asked_again_when_one_answers() {
    use dockside::app::msg::{Kind, ResCmd, ResMsg};
    let mut s = fixtures::state(120, 40);
    let out = key(&mut s, '2');
    assert!(out.contains(&Cmd::Engine(Req::Res(ResCmd::Watch(Kind::Images)))));
    let mut out = Vec::new();
    update(
        &mut s,
        Msg::Res(ResMsg::Images(Err("not connected to the engine".into()))),
        &mut out,
    );
    assert!(s.views.images.error.is_some());
    let mut out = Vec::new();
    update(&mut s, Msg::snapshot(fixtures::fleet()), &mut out);
    assert!(
        out.contains(&Cmd::Engine(Req::Res(ResCmd::Watch(Kind::Images)))),
        "{out:?}"
    );
    assert!(
        s.views.images.error.is_none(),
        "the old error is not shown meanwhile"
    );
}

#[test]
fn kill_asks_first_and_ui_confirm_decides_what_asks() {
    use dockside::app::msg::ContainerAction;
    let sent = |out: &[Cmd], a: ContainerAction| {
        out.iter()
            .any(|c| matches!(c, Cmd::Engine(Req::Container { action, .. }) if *action == a))
    };
    // Kill asks; n cancels, y kills.
    let mut s = fixtures::state(120, 40);
    let out = key(&mut s, 'K');
    assert!(!sent(&out, ContainerAction::Kill), "{out:?}");
    assert!(matches!(s.overlay, Overlay::ConfirmAction { .. }));
    key(&mut s, 'n');
    assert_eq!(s.overlay, Overlay::None);
    key(&mut s, 'K');
    let out = key(&mut s, 'y');
    assert!(sent(&out, ContainerAction::Kill), "{out:?}");
    // Stop does not ask by default; a config that lists it makes it ask, and one without
    // kill makes kill act at once.
    let out = key(&mut s, 's');
    assert!(sent(&out, ContainerAction::Stop), "{out:?}");
    let config = dockside::config::Config::parse("[ui]\nconfirm = [\"stop\", \"remove\"]\n")
        .expect("config");
    config.apply(&mut s);
    let out = key(&mut s, 's');
    assert!(!sent(&out, ContainerAction::Stop));
    assert!(matches!(s.overlay, Overlay::ConfirmAction { .. }));
    key(&mut s, 'n');
    let out = key(&mut s, 'K');
    assert!(sent(&out, ContainerAction::Kill), "{out:?}");
    // A name that is no action that changes the engine is refused.
    let e = dockside::config::Config::parse("[ui]\nconfirm = [\"down_the_rabbit_hole\"]\n")
        .expect_err("unknown");
    assert!(e.contains("down_the_rabbit_hole"), "{e}");
}

/// The containers list's order, as the comparator read the containers themselves before the
/// sort compared byte keys built once per row: every sort key, both directions, must give
/// the same rows.
#[test]
fn every_sort_gives_the_order_of_the_reference_comparator() {
    use dockside::app::model::{Container, Port};
    use dockside::views::list::natural_cmp;
    use std::cmp::Ordering;
    let mut s = fixtures::state(120, 40);
    s.show_all = true;
    // More rows, with what each key compares varied and tied: projects, images, ports,
    // creation times, names that differ only by their numbers or their case.
    let base: Vec<Container> = s.containers.values().cloned().collect();
    for (i, c) in base.iter().enumerate() {
        for k in 0..4u16 {
            let mut d = c.clone();
            d.id = format!("{}{i}{k}", c.id);
            d.name = format!("{}-{}", if k % 2 == 0 { "Api" } else { "api" }, 10 - k);
            d.created = c.created - i64::from(k % 2);
            d.project = (k != 3).then(|| format!("p{}", k % 2));
            d.service = (k == 1).then(|| "svc".to_string());
            d.ports = (k > 0)
                .then(|| Port {
                    ip: None,
                    private: 80 + k % 2,
                    public: (k == 2).then_some(8080),
                    proto: "tcp".into(),
                })
                .into_iter()
                .collect();
            s.containers.insert(Box::new(d));
        }
    }
    fn project_key(c: &Container) -> (&str, &str) {
        (
            c.project.as_deref().unwrap_or(""),
            c.service.as_deref().unwrap_or(""),
        )
    }
    fn port_key(c: &Container) -> (bool, u16, u16) {
        let public = c.ports.iter().filter_map(|p| p.public).min();
        let private = c.ports.iter().map(|p| p.private).min();
        (
            public.is_none() && private.is_none(),
            public.unwrap_or(u16::MAX),
            private.unwrap_or(u16::MAX),
        )
    }
    let bucket = |v: f64| if v < 0.0 { -1 } else { v as i64 };
    for sort in SortKey::ALL {
        for desc in [false, true] {
            s.sort = sort;
            s.sort_desc = desc;
            s.recompute_rows();
            let cpu = |c: &Container| s.cpu_of(&c.id).unwrap_or(-1.0);
            let mem = |c: &Container| s.mem_of(&c.id).unwrap_or(0);
            let mut want: Vec<&Container> = s.containers.values().collect();
            want.sort_by(|a, b| {
                let ord = match sort {
                    SortKey::State => a
                        .state
                        .rank()
                        .cmp(&b.state.rank())
                        .then_with(|| project_key(a).cmp(&project_key(b))),
                    SortKey::Name => Ordering::Equal,
                    SortKey::Image => a.image.cmp(&b.image),
                    SortKey::Created => b.created.cmp(&a.created),
                    SortKey::Cpu => bucket(cpu(b)).cmp(&bucket(cpu(a))),
                    SortKey::Mem => (mem(b) >> 20).cmp(&(mem(a) >> 20)),
                    SortKey::Id => a.id.cmp(&b.id),
                    SortKey::Project => (a.project.is_none(), project_key(a))
                        .cmp(&(b.project.is_none(), project_key(b))),
                    SortKey::Ports => port_key(a).cmp(&port_key(b)),
                };
                let ord = ord
                    .then_with(|| natural_cmp(&a.name, &b.name))
                    .then_with(|| a.id.cmp(&b.id));
                if desc { ord.reverse() } else { ord }
            });
            let want: Vec<String> = want.iter().map(|c| c.id.clone()).collect();
            assert_eq!(s.rows, want, "sort {sort:?}, descending {desc}");
        }
    }
}
