//! Registries over their HTTP API, against real ones: Debian's `docker-registry` started
//! twice on loopback by this test (one plain, one with htpasswd Basic auth and TLS from a
//! CA the test makes with openssl), the test image pushed to each with the docker CLI under
//! a repository named after the test process. The catalog, tags and digest are read as the
//! registry has them; a wrong password and a bad CA give their one line. The registries and
//! their storage are removed at the end.

mod support;

use std::path::Path;
use std::process::Command;

use dockside::app::msg::ResMsg;
use dockside::app::registry::Registry;
use dockside::docker::registry::{self, Conn, Creds};
use dockside::views::Cx;
use dockside::views::registries::RegistriesView;
use support::engine::{docker_ok, engine_required, test_image};
use support::registry::{Reg, free_port, make_ca, run, start};

/// Push the test image as `127.0.0.1:<port>/<repo>:<tag>` (logged in with `login` first,
/// under a docker config of its own); its digest as the engine reports it.
fn push(reg: &Reg, repo: &str, tag: &str, login: Option<(&str, &str)>) -> String {
    let host = format!("127.0.0.1:{}", reg.port);
    let reference = format!("{host}/{repo}:{tag}");
    docker_ok(&["tag", &test_image(), &reference]);
    let config = reg.dir.join("docker-config");
    std::fs::create_dir_all(&config).unwrap_or_else(|e| panic!("mkdir: {e}"));
    let docker = |args: &[&str]| {
        run(Command::new("docker")
            .env("DOCKER_CONFIG", &config)
            .args(args))
    };
    if let Some((user, password)) = login {
        docker(&["login", "-u", user, "-p", password, &host]);
    }
    docker(&["push", &reference]);
    let digests = docker_ok(&[
        "image",
        "inspect",
        "--format",
        "{{range .RepoDigests}}{{println .}}{{end}}",
        &reference,
    ]);
    let _ = Command::new("docker").args(["rmi", &reference]).output();
    digests
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{host}/{repo}@")))
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no digest of {reference} in {digests}"))
}

fn registry(port: u16) -> Registry {
    Registry {
        name: format!("test-{port}"),
        host: format!("127.0.0.1:{port}"),
        insecure: false,
        source: "test".into(),
    }
}

fn skip(why: &str) -> bool {
    assert!(!engine_required(), "{why}");
    eprintln!("skipped: {why}");
    true
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_tags_and_digest_as_the_registries_have_them() {
    if !support::engine::available() && skip("no engine") {
        return;
    }
    let Some(plain) = start("plain", None) else {
        skip("no docker-registry here");
        return;
    };
    let (user, password) = ("dockside", "s3cret-pw");
    let Some(secure) = start("secure", Some((user, password))) else {
        return;
    };
    let repo = format!("dockside-reg-{}/busybox", std::process::id());
    let none = Path::new("/nonexistent");

    // Plain HTTP on loopback: HTTPS is tried, then HTTP.
    let digest = push(&plain, &repo, "v1", None);
    let reg = registry(plain.port);
    let mut c = Conn::connect(&reg, None, none)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let repos = registry::catalog_on(&mut c)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(repos.contains(&repo), "{repos:?}");
    let tags = registry::tags_on(&mut c, &repo)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(tags, ["v1"]);
    let info = registry::tag_info_on(&mut c, &repo, "v1")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info.digest, digest);
    assert!(info.size > 0 && !info.layers.is_empty(), "{info:?}");
    assert!(
        info.created.is_some() && !info.platforms.is_empty(),
        "{info:?}"
    );

    // The view shows them as they come.
    let mut view = RegistriesView::default();
    let mut out = Vec::new();
    let mut cx = Cx::new("", 10, 0, &mut out);
    view.on_msg(ResMsg::Registries(Ok(vec![reg.clone()])), &mut cx);
    assert_eq!(view.names(), [reg.name.as_str()]);

    // TLS with the test's CA (certs.d layout) and Basic auth.
    let certs_d = secure.dir.join("certs.d");
    let host = format!("127.0.0.1:{}", secure.port);
    std::fs::create_dir_all(certs_d.join(&host)).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(
        secure.dir.join("ca.crt"),
        certs_d.join(&host).join("ca.crt"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let digest = push(&secure, &repo, "v2", Some((user, password)));
    let reg = registry(secure.port);
    let good = Creds::Basic {
        user: user.into(),
        password: password.into(),
    };
    let mut c = Conn::connect(&reg, Some(good.clone()), &certs_d)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let repos = registry::catalog_on(&mut c)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(repos.contains(&repo), "{repos:?}");
    let tags = registry::tags_on(&mut c, &repo)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(tags, ["v2"]);
    let info = registry::tag_info_on(&mut c, &repo, "v2")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info.digest, digest);

    // A wrong password: one line naming it.
    let bad = Creds::Basic {
        user: user.into(),
        password: "wrong".into(),
    };
    let mut c = Conn::connect(&reg, Some(bad), &certs_d)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let e = registry::catalog_on(&mut c)
        .await
        .expect_err("wrong password");
    assert!(e.contains("bad credentials") && !e.contains('\n'), "{e}");

    // Another CA: a TLS failure, one line.
    let other = secure.dir.join("other.d");
    std::fs::create_dir_all(other.join(&host)).unwrap_or_else(|e| panic!("{e}"));
    make_ca(&other.join(&host), "ca");
    let e = match Conn::connect(&reg, Some(good), &other).await {
        Ok(mut c) => registry::catalog_on(&mut c).await.expect_err("bad CA"),
        Err(e) => e,
    };
    assert!(e.contains("TLS failure") && !e.contains('\n'), "{e}");

    // Nobody listening: one line, no hang.
    let gone = registry(free_port());
    let e = match Conn::connect(&gone, None, none).await {
        Ok(mut c) => registry::catalog_on(&mut c)
            .await
            .expect_err("nobody there"),
        Err(e) => e,
    };
    assert!(e.contains("cannot reach"), "{e}");
}
