//! Update, recreate and duplicate in the pure update function: the keys ask first and send
//! one request for every chosen container; the answers give one line each and a summary;
//! the run form opens filled from the container's configuration and sends the replace (after
//! asking) or the duplicate.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use dockside::app::msg::{Cmd, Msg, Req};
use dockside::app::recreate::{FormPurpose, How, Outcome, Report};
use dockside::app::runform::RunForm;
use dockside::app::state::{Overlay, StatusKind};
use dockside::app::{State, fixtures, update};

fn press(s: &mut State, code: KeyCode) -> Vec<Cmd> {
    let mut out = Vec::new();
    let mods = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    update(s, Msg::Key(KeyEvent::new(code, mods)), &mut out);
    out
}

fn key(s: &mut State, c: char) -> Vec<Cmd> {
    press(s, KeyCode::Char(c))
}

fn send(s: &mut State, msg: Msg) -> Vec<Cmd> {
    let mut out = Vec::new();
    update(s, msg, &mut out);
    out
}

fn id_of(s: &State, name: &str) -> String {
    s.containers
        .values()
        .find(|c| c.name == name)
        .map(|c| c.id.clone())
        .unwrap_or_else(|| panic!("no {name}"))
}

fn recreate_req(out: &[Cmd]) -> Option<&dockside::app::recreate::Recreate> {
    out.iter().find_map(|c| match c {
        Cmd::Engine(Req::Recreate(r)) => Some(&**r),
        _ => None,
    })
}

#[test]
fn update_asks_then_sends_every_marked_container_and_sums_up() {
    let mut s = fixtures::state(120, 40);
    // Two marked: web (selected first) and the next row.
    key(&mut s, ' ');
    key(&mut s, ' ');
    let out = key(&mut s, 'u');
    assert!(recreate_req(&out).is_none(), "asks first");
    let Overlay::Ask { question, .. } = &s.overlay else {
        panic!("{:?}", s.overlay);
    };
    assert!(question.contains("Update 2 containers"), "{question}");
    let out = key(&mut s, 'y');
    let r = recreate_req(&out).expect("sent");
    assert_eq!(r.how, How::Update);
    let names: Vec<&str> = r.targets.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["web", "数据库-备份"]);
    assert_eq!(r.targets[0].image, "nginx:1.27");
    let web = id_of(&s, "web");
    assert_eq!(s.pending.get(&web), Some("Updating"));
    // The command log has the CLI's way of doing it.
    let log: Vec<String> = s
        .views
        .commands
        .entries()
        .iter()
        .map(|e| e.cli.clone())
        .collect();
    assert!(
        log.iter().any(|l| l.contains(
            "docker pull nginx:1.27 && docker rename web web-dockside-old && docker stop web-dockside-old"
        )),
        "{log:?}"
    );

    // The answers: one line while others are under way, a summary at the end.
    send(
        &mut s,
        Msg::Recreated(vec![Report {
            id: web.clone(),
            name: "web".into(),
            result: Ok(Outcome::UpToDate {
                image: "nginx:1.27".into(),
            }),
        }]),
    );
    let status = s.status.clone().expect("status");
    assert!(
        status.text.contains("web: already up to date"),
        "{status:?}"
    );
    assert!(!s.pending.contains(&web));
    let other = id_of(&s, "数据库-备份");
    send(
        &mut s,
        Msg::Recreated(vec![Report {
            id: other,
            name: "数据库-备份".into(),
            result: Ok(Outcome::RolledBack {
                why: "the new container exited at once (code 3)".into(),
            }),
        }]),
    );
    let status = s.status.clone().expect("status");
    assert_eq!(status.kind, StatusKind::Error);
    assert_eq!(
        status.text,
        "1 already up to date; 数据库-备份: rolled back, the old container runs again: the new container exited at once (code 3)"
    );
}

#[test]
fn a_replaced_selection_follows_its_new_container() {
    let mut s = fixtures::state(120, 40);
    let web = id_of(&s, "web");
    key(&mut s, 'u');
    key(&mut s, 'y');
    send(
        &mut s,
        Msg::Recreated(vec![Report {
            id: web,
            name: "web".into(),
            result: Ok(Outcome::Replaced {
                new_id: "f".repeat(64),
                image_id: "sha256:0123456789abcdef".into(),
                leftover: None,
            }),
        }]),
    );
    assert_eq!(s.select_when_listed, Some("f".repeat(64)));
    let status = s.status.clone().expect("status");
    assert_eq!(status.text, "web: recreated, now on image 0123456789ab");
}

fn form_of_web() -> RunForm {
    RunForm {
        image: "nginx:1.27".into(),
        name: "web".into(),
        ports: "8080:80".into(),
        env: "A=1".into(),
        restart: "unless-stopped".into(),
        ..RunForm::default()
    }
}

#[test]
fn edit_and_recreate_opens_the_form_filled_then_asks_and_replaces() {
    let mut s = fixtures::state(120, 40);
    let web = id_of(&s, "web");
    let out = key(&mut s, 'm');
    let purpose = FormPurpose::Replace {
        id: web.clone(),
        name: "web".into(),
    };
    assert!(
        out.contains(&Cmd::Engine(Req::ContainerForm {
            id: web.clone(),
            purpose: purpose.clone(),
        })),
        "{out:?}"
    );
    send(
        &mut s,
        Msg::ContainerForm {
            purpose: purpose.clone(),
            result: Ok(Box::new(form_of_web())),
        },
    );
    let Overlay::RunForm {
        form, purpose: p, ..
    } = &s.overlay
    else {
        panic!("{:?}", s.overlay);
    };
    assert_eq!(**form, form_of_web());
    assert_eq!(*p, purpose);
    // The name is its own: no conflict. Change the variable on the env field (5th).
    for _ in 0..4 {
        press(&mut s, KeyCode::Tab);
    }
    press(&mut s, KeyCode::Backspace);
    key(&mut s, '2');
    let out = press(&mut s, KeyCode::Enter);
    assert!(recreate_req(&out).is_none(), "asks first");
    assert!(
        matches!(&s.overlay, Overlay::Ask { question, .. } if question.contains("Replace web"))
    );
    let out = key(&mut s, 'y');
    let r = recreate_req(&out).expect("sent");
    let How::Replace(spec) = &r.how else {
        panic!("{r:?}");
    };
    assert_eq!(r.targets[0].id, web);
    assert_eq!(spec.name.as_deref(), Some("web"));
    assert_eq!(spec.env_list(|_| None), ["A=2"]);
    assert_eq!(s.pending.get(&web), Some("Recreating"));
}

#[test]
fn duplicate_suggests_a_free_name_and_creates_without_asking() {
    let mut s = fixtures::state(120, 40);
    let web = id_of(&s, "web");
    let out = key(&mut s, 'y');
    let purpose = FormPurpose::Duplicate {
        id: web.clone(),
        name: "web".into(),
    };
    assert!(out.contains(&Cmd::Engine(Req::ContainerForm {
        id: web.clone(),
        purpose: purpose.clone(),
    })));
    send(
        &mut s,
        Msg::ContainerForm {
            purpose,
            result: Ok(Box::new(form_of_web())),
        },
    );
    let Overlay::RunForm { form, .. } = &s.overlay else {
        panic!("{:?}", s.overlay);
    };
    assert_eq!(form.name, "web-copy");
    let out = press(&mut s, KeyCode::Enter);
    let r = recreate_req(&out).expect("sent at once");
    let How::Duplicate(spec) = &r.how else {
        panic!("{r:?}");
    };
    assert_eq!(spec.name.as_deref(), Some("web-copy"));
    assert_eq!(s.overlay, Overlay::None);
}

#[test]
fn a_form_that_cannot_be_read_says_why() {
    let mut s = fixtures::state(120, 40);
    key(&mut s, 'm');
    send(
        &mut s,
        Msg::ContainerForm {
            purpose: FormPurpose::Run,
            result: Err("No such container: web".into()),
        },
    );
    assert_eq!(s.overlay, Overlay::None);
    let status = s.status.clone().expect("status");
    assert!(status.text.contains("No such container"), "{status:?}");
}

fn nginx_image() -> dockside::app::images::Image {
    dockside::app::images::Image {
        host: None,
        id: "sha256:0123456789abcdef0123".into(),
        tags: vec!["nginx:1.27".into()],
        digests: vec!["nginx@sha256:aaaa".into()],
        size: 1,
        created: fixtures::NOW,
        containers: 1,
        dangling: false,
    }
}

fn check_tags(out: &[Cmd]) -> Option<Vec<String>> {
    out.iter().find_map(|c| match c {
        Cmd::Engine(Req::Res(dockside::app::msg::ResCmd::CheckTags { tags, .. })) => {
            Some(tags.clone())
        }
        _ => None,
    })
}

#[test]
fn a_moved_tag_gets_its_badge_and_u_updates_the_containers_on_it() {
    use dockside::app::msg::ResMsg;
    let mut s = fixtures::state(120, 40);
    key(&mut s, '2');
    let built = dockside::app::images::Image {
        host: None,
        id: "sha256:fff".into(),
        tags: vec!["mine:dev".into()],
        ..nginx_image()
    };
    let mut built = built;
    built.digests.clear();
    send(
        &mut s,
        Msg::Res(ResMsg::Images(Ok(vec![nginx_image(), built]))),
    );
    // Only tags with a repo digest go to their registry.
    let out = key(&mut s, 'U');
    assert_eq!(check_tags(&out), Some(vec!["nginx:1.27".to_string()]));
    send(
        &mut s,
        Msg::Res(ResMsg::TagDigests(vec![(
            "nginx:1.27".into(),
            Ok("sha256:bbbb".into()),
        )])),
    );
    let status = s.status.clone().expect("status");
    assert!(
        status.text.starts_with("1 outdated: nginx:1.27"),
        "{status:?}"
    );
    assert!(s.views.images.fresh.container_outdated("nginx:1.27"));
    // From the image, u updates the containers running it (web), after asking.
    for _ in 0..2 {
        if s.views.images.selected().map(|i| i.name()) != Some("nginx:1.27") {
            key(&mut s, 'j');
        }
    }
    let out = key(&mut s, 'u');
    assert!(recreate_req(&out).is_none());
    let out = key(&mut s, 'y');
    let r = recreate_req(&out).expect("sent");
    let names: Vec<&str> = r.targets.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["web"]);
    assert_eq!(r.how, How::Update);
}

#[test]
fn the_schedule_checks_on_its_own_and_says_only_news() {
    use dockside::app::msg::ResMsg;
    let mut s = fixtures::state(120, 40);
    s.views.images.fresh.every = 600;
    // Not listed yet: the images are asked for, the check follows their list.
    let out = send(&mut s, Msg::Tick(fixtures::NOW));
    assert!(out.iter().any(|c| matches!(
        c,
        Cmd::Engine(Req::Res(dockside::app::msg::ResCmd::Watch(
            dockside::app::msg::Kind::Images
        )))
    )));
    let out = send(&mut s, Msg::Res(ResMsg::Images(Ok(vec![nginx_image()]))));
    assert_eq!(check_tags(&out), Some(vec!["nginx:1.27".to_string()]));
    let before = s.status.clone();
    send(
        &mut s,
        Msg::Res(ResMsg::TagDigests(vec![(
            "nginx:1.27".into(),
            Ok("sha256:aaaa".into()),
        )])),
    );
    assert_eq!(s.status, before, "nothing new, nothing said");
    assert!(!s.views.images.fresh.container_outdated("nginx:1.27"));
    // Not again before the interval, again after it.
    let out = send(&mut s, Msg::Tick(fixtures::NOW + 599));
    assert_eq!(check_tags(&out), None);
    let out = send(&mut s, Msg::Tick(fixtures::NOW + 600));
    assert_eq!(check_tags(&out), Some(vec!["nginx:1.27".to_string()]));
}
