//! Rendering snapshots of the registries view at 80x24 and 200x50 (no engine, no registry).

use crossterm::event::KeyCode;
use dockside::app::State;
use dockside::app::fixtures;
use dockside::app::msg::{Msg, ResMsg};
use dockside::app::registry::{Layer, Registry, RegistryConfig, TagInfo};

mod support;
use support::screen::{SIZES, press, render, send};

fn res(s: &mut State, m: ResMsg) {
    send(s, Msg::Res(m));
}

fn at(w: u16, h: u16) -> State {
    let mut s = fixtures::state(w, h);
    s.views.registries.configure(&[RegistryConfig {
        name: "lab".into(),
        url: "https://registry.lab:5443".into(),
        insecure: false,
    }]);
    press(&mut s, KeyCode::Char('W'));
    res(
        &mut s,
        ResMsg::Registries(Ok(vec![Registry {
            name: "127.0.0.1:5000".into(),
            host: "127.0.0.1:5000".into(),
            insecure: false,
            source: "config.json".into(),
        }])),
    );
    s
}

#[test]
fn registries_list() {
    for (w, h) in SIZES {
        let s = at(w, h);
        insta::assert_snapshot!(format!("registries_{w}x{h}"), render(&s));
    }
}

#[test]
fn tags_of_a_repository() {
    for (w, h) in SIZES {
        let mut s = at(w, h);
        press(&mut s, KeyCode::Down);
        press(&mut s, KeyCode::Enter);
        res(
            &mut s,
            ResMsg::Catalog {
                host: "registry.lab:5443".into(),
                result: Ok(vec!["team/api".into(), "team/web".into()]),
            },
        );
        press(&mut s, KeyCode::Down);
        press(&mut s, KeyCode::Enter);
        res(
            &mut s,
            ResMsg::RegistryTags {
                host: "registry.lab:5443".into(),
                repo: "team/web".into(),
                result: Ok(vec!["1.9".into(), "1.10".into(), "broken".into()]),
            },
        );
        let info = |d: &str| TagInfo {
            digest: format!("sha256:{d}"),
            media_type: "application/vnd.oci.image.index.v1+json".into(),
            size: 4_200_000,
            created: Some("2026-10-30T08:15:00.123Z".into()),
            platforms: vec!["linux/amd64".into(), "linux/arm64/v8".into()],
            labels: vec![("org.opencontainers.image.version".into(), "1.9".into())],
            layers: vec![Layer {
                digest: "sha256:base".into(),
                size: 4_200_000,
            }],
        };
        for (tag, r) in [
            ("1.9", Ok(Box::new(info("1111111111111111aaaa")))),
            ("1.10", Ok(Box::new(info("2222222222222222bbbb")))),
            (
                "broken",
                Err("registry.lab:5443: team/web:broken: not found".to_string()),
            ),
        ] {
            res(
                &mut s,
                ResMsg::RegistryTag {
                    host: "registry.lab:5443".into(),
                    repo: "team/web".into(),
                    tag: tag.into(),
                    result: r,
                },
            );
        }
        insta::assert_snapshot!(format!("registry_tags_{w}x{h}"), render(&s));
    }
}

#[test]
fn a_registry_that_fails_says_why_in_one_line() {
    let mut s = at(80, 24);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Enter);
    res(
        &mut s,
        ResMsg::Catalog {
            host: "registry.lab:5443".into(),
            result: Err("cannot reach registry.lab:5443: connection refused".into()),
        },
    );
    assert!(render(&s).contains("cannot reach registry.lab:5443: connection refused"));
}
