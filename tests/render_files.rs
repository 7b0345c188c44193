//! The files tab drawn: a directory with a mount and a link, a text file with a search, a
//! binary as hex, `docker diff` (80x24 and 200x50).

use crossterm::event::KeyCode;
use dockside::app::State;
use dockside::app::files::{Change, Content, Entry, EntryKind, FilesMsg, Listing, Mount};
use dockside::app::fixtures::{self, NOW};
use dockside::app::msg::Msg;

mod support;
use support::screen::{SIZES, press, render, send};

fn entry(name: &str, kind: EntryKind, size: u64, mode: u32, link: Option<&str>) -> Entry {
    Entry {
        name: name.into(),
        kind,
        size,
        mode,
        owner: "root:root".into(),
        mtime: NOW - 86_400,
        link: link.map(String::from),
    }
}

fn listed(s: &mut State) {
    let id = s.selected.clone().expect("selected");
    let listing = Listing::new(vec![
        entry("etc", EntryKind::Dir, 0, 0o755, None),
        entry("data", EntryKind::Dir, 0, 0o755, None),
        entry("nginx.conf", EntryKind::File, 2_345, 0o644, None),
        entry("busybox", EntryKind::File, 1_048_576, 0o755, None),
        entry("sh", EntryKind::Symlink, 0, 0o777, Some("/bin/busybox")),
    ]);
    let mounts = vec![Mount {
        destination: "/data".into(),
        kind: "volume".into(),
        rw: false,
        source: "web-data".into(),
    }];
    send(
        s,
        Msg::Files(FilesMsg::Listed {
            id,
            path: "/".into(),
            result: Ok((listing, mounts)),
        }),
    );
}

#[test]
fn files_tab() {
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        press(&mut s, KeyCode::Char('F'));
        listed(&mut s);
        press(&mut s, KeyCode::Char('j'));
        insta::assert_snapshot!(format!("files_{w}x{h}"), render(&s));
    }
}

#[test]
fn files_viewer_text_and_hex() {
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        press(&mut s, KeyCode::Char('F'));
        listed(&mut s);
        let id = s.selected.clone().expect("selected");
        let text = "worker_processes 1;\nevents { worker_connections 1024; }\nhttp {\n\tserver { listen 80; }\n}\n";
        send(
            &mut s,
            Msg::Files(FilesMsg::Read {
                id: id.clone(),
                result: Ok(Content {
                    path: "/nginx.conf".into(),
                    bytes: text.as_bytes().to_vec(),
                    size: text.len() as u64,
                }),
            }),
        );
        press(&mut s, KeyCode::Char('/'));
        for c in "listen".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        press(&mut s, KeyCode::Enter);
        insta::assert_snapshot!(format!("files_text_{w}x{h}"), render(&s));
        let bytes: Vec<u8> = (0u8..=255).cycle().take(100).collect();
        send(
            &mut s,
            Msg::Files(FilesMsg::Read {
                id,
                result: Ok(Content {
                    path: "/busybox".into(),
                    bytes,
                    size: 1_048_576,
                }),
            }),
        );
        insta::assert_snapshot!(format!("files_hex_{w}x{h}"), render(&s));
    }
}

#[test]
fn files_changes() {
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        press(&mut s, KeyCode::Char('F'));
        listed(&mut s);
        press(&mut s, KeyCode::Char('c'));
        let id = s.selected.clone().expect("selected");
        send(
            &mut s,
            Msg::Files(FilesMsg::Changes {
                id,
                result: Ok(vec![
                    Change {
                        kind: 'C',
                        path: "/etc".into(),
                    },
                    Change {
                        kind: 'A',
                        path: "/etc/app.conf".into(),
                    },
                    Change {
                        kind: 'D',
                        path: "/bin/yes".into(),
                    },
                ]),
            }),
        );
        insta::assert_snapshot!(format!("files_changes_{w}x{h}"), render(&s));
    }
}
