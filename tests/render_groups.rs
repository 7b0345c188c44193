//! The containers list grouped by compose project (`b`): a group row per project above its
//! containers, folding, marking and acting on a group, the filter keeping a named project
//! whole. Pure update tests and snapshots at 80x24 and 200x50 (no engine).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use dockside::app::fixtures::{self, container};
use dockside::app::groups;
use dockside::app::model::{CState, EngineId};
use dockside::app::msg::{Cmd, ContainerAction, Msg, Req};
use dockside::app::{State, update};

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
        ' ' => KeyCode::Char(' '),
        c => KeyCode::Char(c),
    };
    send(s, Msg::Key(KeyEvent::new(code, mods)))
}

fn typed(s: &mut State, text: &str) -> Vec<Cmd> {
    text.chars().flat_map(|c| press(s, c)).collect()
}

/// The fixture fleet (project shop: db and api) plus project blog: web running, worker
/// exited, cron running.
fn state(w: u16, h: u16) -> State {
    let mut s = fixtures::state(w, h);
    for (n, service, st) in [
        (11, "web", CState::Running),
        (12, "worker", CState::Exited),
        (13, "cron", CState::Running),
    ] {
        let mut c = container(n, &format!("blog-{service}-1"), "blog:2", st);
        c.project = Some("blog".into());
        c.service = Some(service.into());
        send(&mut s, Msg::Upsert(c));
    }
    s
}

fn id(n: u32) -> String {
    container(n, "x", "x", CState::Running).id
}

fn names(s: &State) -> Vec<String> {
    s.rows
        .iter()
        .map(|r| match groups::parse(r) {
            Some((_, p)) => format!("[{p}]"),
            None => s.containers[r].name.clone(),
        })
        .collect()
}

/// No request names a group row as if it were a container.
fn no_group_key_sent(out: &[Cmd]) {
    for c in out {
        let text = format!("{c:?}");
        assert!(!text.contains("project:"), "a group key was sent: {text}");
    }
}

#[test]
fn each_project_is_a_group_row_above_its_containers_then_the_rest() {
    let mut s = state(120, 40);
    let out = press(&mut s, 'b');
    no_group_key_sent(&out);
    assert!(s.group_projects);
    let rows = names(&s);
    assert_eq!(
        rows[..7],
        [
            "[blog]",
            "blog-cron-1",
            "blog-web-1",
            "blog-worker-1",
            "[shop]",
            "shop-api-1",
            "shop-db-1",
        ]
    );
    // The containers without a project after the groups, each once.
    assert_eq!(rows.len(), 2 + 10);
    assert!(rows[7..].iter().all(|n| !n.starts_with('[')));
    assert!(rows.contains(&"web".to_string()) && rows.contains(&"migrate".to_string()));
    // Off again: the plain list.
    press(&mut s, 'b');
    assert_eq!(s.rows.len(), 10);
    assert!(s.rows.iter().all(|r| !groups::is_group(r)));
}

#[test]
fn enter_on_a_group_row_folds_and_unfolds_it_and_the_selection_stays_on_it() {
    let mut s = state(120, 40);
    press(&mut s, 'b');
    press(&mut s, 'g');
    assert_eq!(
        s.selected.as_deref(),
        Some(groups::key(EngineId(0), "blog").as_str())
    );
    let out = press(&mut s, '\n');
    no_group_key_sent(&out);
    assert_eq!(names(&s)[..3], ["[blog]", "[shop]", "shop-api-1"]);
    assert_eq!(
        s.selected_group(),
        Some(groups::key(EngineId(0), "blog").as_str())
    );
    // Still on the list: enter on a group does not open the detail pane.
    assert_eq!(s.focus, dockside::app::state::Focus::List);
    press(&mut s, '\n');
    assert_eq!(names(&s)[..2], ["[blog]", "blog-cron-1"]);
}

#[test]
fn folding_the_group_of_the_selected_container_selects_the_group_row() {
    let mut s = state(120, 40);
    press(&mut s, 'b');
    s.selected = Some(id(12));
    s.collapsed.insert(groups::key(EngineId(0), "blog"));
    s.recompute_rows();
    assert_eq!(
        s.selected_group(),
        Some(groups::key(EngineId(0), "blog").as_str())
    );
}

#[test]
fn marking_a_group_marks_its_containers_and_its_actions_act_on_them() {
    let mut s = state(120, 40);
    press(&mut s, 'b');
    press(&mut s, 'g');
    press(&mut s, ' ');
    let blog: std::collections::BTreeSet<String> = [id(11), id(12), id(13)].into();
    assert_eq!(s.marked, blog);
    // Again on the group: unmarked.
    press(&mut s, 'g');
    press(&mut s, ' ');
    assert!(s.marked.is_empty());
    // Stop on the group row, nothing marked: each of its containers.
    press(&mut s, 'g');
    let out = press(&mut s, 's');
    no_group_key_sent(&out);
    let mut stopped: Vec<String> = out
        .iter()
        .filter_map(|c| match c {
            Cmd::Engine(Req::Container {
                id,
                action: ContainerAction::Stop,
                ..
            }) => Some(id.clone()),
            _ => None,
        })
        .collect();
    stopped.sort();
    assert_eq!(stopped, [id(11), id(12), id(13)]);
    // `M` on a group row marks its project too.
    s.marked.clear();
    press(&mut s, 'M');
    assert_eq!(s.marked, blog);
}

#[test]
fn container_rows_keep_their_detail_pane_and_a_group_row_shows_its_projects_log() {
    let mut s = state(120, 40);
    press(&mut s, 'b');
    press(&mut s, 'g');
    let mut out = press(&mut s, 'j');
    assert_eq!(s.selected.as_deref(), Some(id(13).as_str()));
    assert!(
        out.iter()
            .any(|c| matches!(c, Cmd::Engine(Req::Logs(Some(r))) if r.id == id(13))),
        "{out:?}"
    );
    // The group row: its containers' lines interleaved, each prefixed with its name.
    let back = press(&mut s, 'k');
    let logs: Vec<&Req> = back
        .iter()
        .filter_map(|c| match c {
            Cmd::Engine(r @ Req::Logs(_)) => Some(r),
            _ => None,
        })
        .collect();
    assert_eq!(logs.len(), 1, "{back:?}");
    let Req::Logs(Some(r)) = logs[0] else {
        panic!("{back:?}")
    };
    let mut got: Vec<String> = r.group.iter().map(|g| g.id.clone()).collect();
    got.sort();
    assert_eq!(got, [id(11), id(12), id(13)]);
    assert_eq!(
        s.logs.group.as_ref().map(|g| g.project.as_str()),
        Some("blog")
    );
    out.extend(back);
    // The tabs on a group row ask nothing of the engine about it, nor a new stream.
    let mut tabs = Vec::new();
    for c in ['i', 't', 'P', 'F', 'l'] {
        tabs.extend(press(&mut s, c));
    }
    assert!(
        !tabs.iter().any(|c| matches!(c, Cmd::Engine(Req::Logs(_)))),
        "{tabs:?}"
    );
    out.extend(tabs);
    no_group_key_sent(&out);
}

#[test]
fn the_filter_matches_the_project_name_and_keeps_its_whole_group() {
    let mut s = state(120, 40);
    press(&mut s, 'b');
    let out = typed(&mut s, "/blog");
    no_group_key_sent(&out);
    assert_eq!(
        names(&s),
        ["[blog]", "blog-cron-1", "blog-web-1", "blog-worker-1"]
    );
    // A container name: its group row and it.
    press(&mut s, '\x1b');
    press(&mut s, '\x1b');
    typed(&mut s, "/migrate");
    assert_eq!(names(&s), ["migrate"]);
    press(&mut s, '\x1b');
    press(&mut s, '\x1b');
    typed(&mut s, "/worker");
    assert_eq!(names(&s), ["[blog]", "blog-worker-1"]);
}

#[test]
fn snapshots_of_the_grouped_list() {
    for (w, h) in SIZES {
        let mut s = state(w, h);
        press(&mut s, 'b');
        // The selection on the first container of the blog group.
        press(&mut s, 'g');
        press(&mut s, 'j');
        insta::assert_snapshot!(format!("containers_grouped_{w}x{h}"), render(&s));
        // The blog group folded, the selection on it.
        press(&mut s, 'k');
        press(&mut s, '\n');
        insta::assert_snapshot!(format!("containers_grouped_folded_{w}x{h}"), render(&s));
        // Filtered by a project name.
        press(&mut s, '\n');
        typed(&mut s, "/shop");
        press(&mut s, '\n');
        insta::assert_snapshot!(format!("containers_grouped_filter_{w}x{h}"), render(&s));
    }
}

#[test]
fn every_tab_on_a_group_row_says_to_select_a_container_or_shows_the_projects_log() {
    let mut s = state(120, 40);
    press(&mut s, 'b');
    press(&mut s, 'g');
    // (The files tab takes the focus: it comes last.)
    for (key, want) in [
        ('l', "project blog"),
        ('i', "Select a container."),
        ('t', "Select a container."),
        ('P', "Select a container."),
        ('F', "Select a container."),
    ] {
        press(&mut s, key);
        let screen = render(&s);
        assert!(screen.contains(want), "`{key}`: {screen}");
        assert!(
            !screen.contains("Loading…") || key == 'l',
            "`{key}`: {screen}"
        );
    }
}
