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

/// `curl ARGS`, its stdout; panics with its stderr when it fails.
fn curl(args: &[&str]) -> String {
    let out = Command::new("curl")
        .args(["-sS", "--fail"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("curl: {e}"));
    assert!(
        out.status.success(),
        "curl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A header's value in `curl -I` output.
fn header(head: &str, name: &str) -> String {
    head.lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
        .unwrap_or_else(|| panic!("no {name} in {head}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manifest_list_and_an_oci_index_show_every_platform() {
    if !support::engine::available() {
        skip("no engine");
        return;
    }
    let Some(reg) = start("multiarch", None) else {
        skip("no docker-registry here");
        return;
    };
    let repo = format!("dockside-multi-{}/busybox", std::process::id());
    push(&reg, &repo, "v1", None);
    // The pushed image's manifest, referenced by a list under two platforms (the registry
    // checks that what a list names exists; the same manifest twice is enough for that).
    let base = format!("http://{}/v2/{repo}/manifests", reg.host());
    let v2 = "application/vnd.docker.distribution.manifest.v2+json";
    let head = curl(&["-I", "-H", &format!("Accept: {v2}"), &format!("{base}/v1")]);
    let (digest, size) = (
        header(&head, "Docker-Content-Digest"),
        header(&head, "Content-Length"),
    );
    let entry = |arch: &str, variant: Option<&str>| {
        let variant = variant
            .map(|v| format!(",\"variant\":\"{v}\""))
            .unwrap_or_default();
        format!(
            "{{\"mediaType\":\"{v2}\",\"digest\":\"{digest}\",\"size\":{size},\"platform\":{{\"architecture\":\"{arch}\",\"os\":\"linux\"{variant}}}}}"
        )
    };
    let put = |tag: &str, media: &str, body: String| {
        let file = reg.dir.join(format!("{tag}.json"));
        std::fs::write(&file, body).unwrap_or_else(|e| panic!("{e}"));
        let head = curl(&[
            "-i",
            "-X",
            "PUT",
            "-H",
            &format!("Content-Type: {media}"),
            "--data-binary",
            &format!("@{}", file.display()),
            &format!("{base}/{tag}"),
        ]);
        header(&head, "Docker-Content-Digest")
    };
    let list = "application/vnd.docker.distribution.manifest.list.v2+json";
    let list_digest = put(
        "multi",
        list,
        format!(
            "{{\"schemaVersion\":2,\"mediaType\":\"{list}\",\"manifests\":[{},{}]}}",
            entry("amd64", None),
            entry("arm64", Some("v8"))
        ),
    );
    let none = std::path::Path::new("/nonexistent");
    let mut c = Conn::connect(&registry_of(&reg), None, none)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let info = registry::tag_info_on(&mut c, &repo, "multi")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info.platforms, ["linux/amd64", "linux/arm64/v8"]);
    assert_eq!(
        info.digest, list_digest,
        "the list's own digest, as a pull names it"
    );
    let single = registry::tag_info_on(&mut c, &repo, "v1")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(single.platforms.len(), 1, "{:?}", single.platforms);
    assert_eq!(single.digest, digest);
    assert!(
        info.created.is_some() && info.created == single.created,
        "created read through the list from the image: {:?} vs {:?}",
        info.created,
        single.created
    );
    // An OCI image index, as buildx pushes them.
    let oci = "application/vnd.oci.image.index.v1+json";
    let oci_digest = put(
        "oci",
        oci,
        format!(
            "{{\"schemaVersion\":2,\"mediaType\":\"{oci}\",\"manifests\":[{},{}]}}",
            entry("amd64", None),
            entry("arm", Some("v7"))
        ),
    );
    let info = registry::tag_info_on(&mut c, &repo, "oci")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info.platforms, ["linux/amd64", "linux/arm/v7"]);
    assert_eq!(info.digest, oci_digest);
}
