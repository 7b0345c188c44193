//! Retagging inside a registry: the manifest of `repo:v1` read and written back under `v2`,
//! on a plain registry and on one with TLS and Basic auth (the write asks for push rights);
//! the registry then lists both tags with one digest. A missing source tag is one line. The
//! registries view adds the new tag and reads what it points at.

mod support;

use std::process::Command;

use dockside::app::msg::{Cmd, Req, ResCmd, ResMsg};
use dockside::app::registry::Registry;
use dockside::docker::registry::{self, Conn, Creds};
use dockside::views::Cx;
use dockside::views::registries::RegistriesView;
use support::engine::{docker_ok, engine_required, test_image};
use support::registry::{Reg, run, start};

fn skip(why: &str) {
    assert!(!engine_required(), "{why}");
    eprintln!("skipped: {why}");
}

/// Push the test image as `<host>/<repo>:<tag>` (logged in first when `login` is given, under
/// a docker config of the registry's own).
fn push(reg: &Reg, repo: &str, tag: &str, login: Option<(&str, &str)>) {
    let reference = format!("{}/{repo}:{tag}", reg.host());
    docker_ok(&["tag", &test_image(), &reference]);
    let config = reg.dir.join("docker-config");
    std::fs::create_dir_all(&config).unwrap_or_else(|e| panic!("mkdir: {e}"));
    let docker = |args: &[&str]| {
        run(Command::new("docker")
            .env("DOCKER_CONFIG", &config)
            .args(args))
    };
    if let Some((user, password)) = login {
        docker(&["login", "-u", user, "-p", password, &reg.host()]);
    }
    docker(&["push", &reference]);
    let _ = Command::new("docker").args(["rmi", &reference]).output();
}

fn registry_of(reg: &Reg) -> Registry {
    Registry {
        name: "test".into(),
        host: reg.host(),
        insecure: false,
        source: "test".into(),
    }
}

async fn retag_and_check(c: &mut Conn, repo: &str) {
    let before = registry::tag_info_on(c, repo, "v1")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let digest = registry::retag_on(c, repo, "v1", "v2")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(digest, before.digest);
    let tags = registry::tags_on(c, repo)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(tags, ["v1", "v2"]);
    let after = registry::tag_info_on(c, repo, "v2")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(after.digest, before.digest);
    let e = registry::retag_on(c, repo, "nope", "v3")
        .await
        .expect_err("no such tag");
    assert!(e.contains("not found") && !e.contains('\n'), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tag_is_written_under_another_name_in_the_registry() {
    if !support::engine::available() {
        skip("no engine");
        return;
    }
    let Some(plain) = start("retag-plain", None) else {
        skip("no docker-registry here");
        return;
    };
    let repo = format!("dockside-retag-{}/busybox", std::process::id());
    push(&plain, &repo, "v1", None);
    let none = std::path::Path::new("/nonexistent");
    let mut c = Conn::connect(&registry_of(&plain), None, none)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    retag_and_check(&mut c, &repo).await;

    // TLS and Basic auth: the PUT needs the credentials too.
    let (user, password) = ("dockside", "s3cret-pw");
    let Some(secure) = start("retag-secure", Some((user, password))) else {
        return;
    };
    let certs_d = secure.dir.join("certs.d");
    let host = secure.host();
    std::fs::create_dir_all(certs_d.join(&host)).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(
        secure.dir.join("ca.crt"),
        certs_d.join(&host).join("ca.crt"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    push(&secure, &repo, "v1", Some((user, password)));
    let creds = Creds::Basic {
        user: user.into(),
        password: password.into(),
    };
    let mut c = Conn::connect(&registry_of(&secure), Some(creds), &certs_d)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    retag_and_check(&mut c, &repo).await;
}

#[test]
fn the_view_adds_the_new_tag_and_reads_it() {
    let mut view = RegistriesView::default();
    let mut out = Vec::new();
    let mut cx = Cx::new("", 10, 0, &mut out);
    let reg = Registry {
        name: "lab".into(),
        host: "lab:5000".into(),
        insecure: false,
        source: "test".into(),
    };
    view.on_msg(ResMsg::Registries(Ok(vec![reg.clone()])), &mut cx);
    use dockside::app::action::Action;
    use dockside::views::Shape;
    view.on_action(Action::Open, &mut cx);
    view.on_msg(
        ResMsg::Catalog {
            host: "lab:5000".into(),
            result: Ok(vec!["app".into()]),
        },
        &mut cx,
    );
    view.on_action(Action::Open, &mut cx);
    view.on_msg(
        ResMsg::RegistryTags {
            host: "lab:5000".into(),
            repo: "app".into(),
            result: Ok(vec!["v1".into()]),
        },
        &mut cx,
    );
    // T asks the new name.
    view.on_action(Action::Tag, &mut cx);
    assert!(
        matches!(
            &cx.overlay,
            Some(dockside::app::overlay::Overlay::Prompt {
                kind: dockside::app::overlay::PromptKind::RegistryRetag { repo, tag, .. },
                ..
            }) if repo == "app" && tag == "v1"
        ),
        "{:?}",
        cx.overlay
    );
    view.on_msg(
        ResMsg::Retagged {
            host: "lab:5000".into(),
            repo: "app".into(),
            tag: "v1".into(),
            to: "stable".into(),
            result: Ok("sha256:0123456789abcdef".into()),
        },
        &mut cx,
    );
    assert_eq!(view.names(), ["stable", "v1"]);
    let status = cx.status.clone().map(|(_, t)| t).unwrap_or_default();
    assert!(
        status.starts_with("tagged app:v1 as stable in lab:5000"),
        "{status}"
    );
    drop(cx);
    assert!(out.iter().any(|c| matches!(
        c,
        Cmd::Engine(Req::Res(ResCmd::RegistryTag { tag, .. })) if tag == "stable"
    )));
}
