//! The logs of marked containers together (`L`): one aggregated stream of exactly those
//! containers, each line prefixed with its name; refused (with what to do) for fewer than
//! two, or for containers on several engines.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use dockside::app::fixtures;
use dockside::app::msg::{Msg, Req};
use dockside::app::{Cmd, State, update};

fn press(s: &mut State, c: char) -> Vec<Cmd> {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    let mut out = Vec::new();
    update(s, Msg::Key(KeyEvent::new(KeyCode::Char(c), mods)), &mut out);
    out
}

#[test]
fn marked_containers_logs_are_one_stream_prefixed_by_name() {
    let mut s = fixtures::state(120, 40);
    press(&mut s, 'L');
    assert!(
        s.status
            .as_ref()
            .is_some_and(|m| m.text.contains("mark two")),
        "{:?}",
        s.status
    );
    // Mark the first two rows.
    press(&mut s, ' ');
    press(&mut s, ' ');
    let marked: Vec<String> = s.marked.iter().cloned().collect();
    assert_eq!(marked.len(), 2);
    let out = press(&mut s, 'L');
    let req = out
        .iter()
        .find_map(|c| match c {
            Cmd::Engine(Req::Logs(Some(r))) => Some(r.clone()),
            _ => None,
        })
        .expect("a log stream is opened");
    let ids: Vec<&str> = req.group.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.iter().all(|i| marked.iter().any(|m| m == i)), "{ids:?}");
    for g in &req.group {
        assert_eq!(g.prefix, s.containers[&g.id].name);
    }
    let title = s.logs.group.as_ref().map(|g| g.title()).unwrap_or_default();
    assert_eq!(title, "2 marked containers");
    // A container changing does not regroup a marked set.
    let mut c = s.containers[ids[0]].clone();
    c.status = "Up 1 second".into();
    let mut out = Vec::new();
    update(&mut s, Msg::Upsert(c), &mut out);
    assert!(
        !out.iter().any(|c| matches!(c, Cmd::Engine(Req::Logs(_)))),
        "{out:?}"
    );
}
