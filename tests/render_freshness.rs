//! Rendering snapshots of the outdated badges at 80x24 and 200x50 (no engine, no registry):
//! the images view's registry column after a check (outdated, current, not readable) and the
//! containers view's `⇡` on a container whose tag moved in its registry.

use crossterm::event::KeyCode;
use dockside::app::State;
use dockside::app::fixtures::{self, NOW};
use dockside::app::images::Image;
use dockside::app::msg::{Msg, ResMsg};

mod support;
use support::screen::{SIZES, press, render, send};

fn image(id: &str, tag: &str, digest: &str) -> Image {
    let repo = tag.rsplit_once(':').map_or(tag, |(r, _)| r);
    Image {
        host: None,
        id: id.into(),
        tags: vec![tag.into()],
        digests: if digest.is_empty() {
            Vec::new()
        } else {
            vec![format!("{repo}@{digest}")]
        },
        size: 50_000_000,
        created: NOW - 86_400,
        containers: 1,
        dangling: false,
    }
}

/// nginx moved in its registry, postgres did not, the registry of the CJK image did not
/// answer, busybox was built here.
fn checked(w: u16, h: u16) -> State {
    let mut s = fixtures::state(w, h);
    send(
        &mut s,
        Msg::Res(ResMsg::Images(Ok(vec![
            image("sha256:1111aaaa2222bbbb", "nginx:1.27", "sha256:old"),
            image("sha256:3333cccc4444dddd", "postgres:16", "sha256:same"),
            image(
                "sha256:5555eeee6666ffff",
                "registry.local:5000/备份:v2",
                "sha256:x",
            ),
            image("sha256:7777aaaa8888bbbb", "busybox:latest", ""),
        ]))),
    );
    send(
        &mut s,
        Msg::Res(ResMsg::TagDigests(vec![
            ("nginx:1.27".into(), Ok("sha256:new".into())),
            ("postgres:16".into(), Ok("sha256:same".into())),
            (
                "registry.local:5000/备份:v2".into(),
                Err("cannot reach registry.local:5000: connection refused".into()),
            ),
        ])),
    );
    s
}

#[test]
fn images_show_what_their_registry_says() {
    for (w, h) in SIZES {
        let mut s = checked(w, h);
        press(&mut s, KeyCode::Char('2'));
        insta::assert_snapshot!(format!("fresh_images_{w}x{h}"), render(&s));
    }
}

#[test]
fn containers_on_a_moved_tag_are_marked() {
    for (w, h) in SIZES {
        let s = checked(w, h);
        insta::assert_snapshot!(format!("fresh_containers_{w}x{h}"), render(&s));
    }
}

#[test]
fn the_update_question_names_what_happens() {
    for (w, h) in SIZES {
        let mut s = checked(w, h);
        press(&mut s, KeyCode::Char('u'));
        insta::assert_snapshot!(format!("fresh_update_question_{w}x{h}"), render(&s));
    }
}
