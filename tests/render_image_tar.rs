//! Saving and loading images drawn: two marked rows, the save prompt with its default file,
//! a save under way (the tar's bar) and a load done with its summary line (80x24 and
//! 200x50).

use crossterm::event::KeyCode;
use dockside::app::fixtures::{self, NOW};
use dockside::app::images::{Image, Progress};
use dockside::app::msg::{Msg, ResMsg};

mod support;
use support::screen::{SIZES, press, render, send};

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
            tags: vec!["registry.local:5000/shop/api:v2".into()],
            size: 64_500_000,
            created: NOW - 3600 * 5,
            containers: 2,
            dangling: false,
            digests: Vec::new(),
        },
        Image {
            host: None,
            id: "sha256:7777aaaa8888bbbb9999cccc".into(),
            tags: vec!["busybox:latest".into()],
            size: 4_300_000,
            created: NOW - 86_400 * 40,
            containers: 0,
            dangling: false,
            digests: Vec::new(),
        },
    ]
}

fn job(s: &mut dockside::app::State, id: u64, p: Progress) {
    send(s, Msg::Res(ResMsg::Job { id, progress: p }));
}

#[test]
fn save_and_load_images() {
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        press(&mut s, KeyCode::Char('2'));
        send(&mut s, Msg::Res(ResMsg::Images(Ok(images()))));
        // Sorted by name: busybox, nginx, registry…; mark the first two.
        press(&mut s, KeyCode::Char(' '));
        press(&mut s, KeyCode::Char('j'));
        press(&mut s, KeyCode::Char(' '));
        press(&mut s, KeyCode::Char('S'));
        insta::assert_snapshot!(format!("image_save_prompt_{w}x{h}"), render(&s));
        press(&mut s, KeyCode::Enter);
        let id = s.views.images.jobs.current().map(|j| j.id).expect("a job");
        job(
            &mut s,
            id,
            Progress::Layer {
                id: "tar".into(),
                status: "writing 90.0 MB / 191 MB".into(),
                current: 90_000_000,
                total: 191_300_000,
            },
        );
        insta::assert_snapshot!(format!("image_save_running_{w}x{h}"), render(&s));
        press(&mut s, KeyCode::Char('L'));
        for c in "shop.tar".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        press(&mut s, KeyCode::Enter);
        let id = s.views.images.jobs.current().map(|j| j.id).expect("a job");
        job(
            &mut s,
            id,
            Progress::Line("Loaded image: shop/api:v2".into()),
        );
        job(
            &mut s,
            id,
            Progress::Line("loaded shop/api:v2 from /home/u/Downloads/shop.tar".into()),
        );
        job(&mut s, id, Progress::Done { image_id: None });
        let screen = render(&s);
        assert!(
            screen.contains("loaded shop/api:v2 from"),
            "the status says what was loaded:\n{screen}"
        );
        insta::assert_snapshot!(format!("image_load_done_{w}x{h}"), screen);
    }
}
