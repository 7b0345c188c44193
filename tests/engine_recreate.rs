//! Update and recreate against the real engine and a private registry on loopback: a
//! container runs `app:v1` with env, a published port, labels, a restart policy, a named and
//! an anonymous volume, a network alias, a hostname, a working dir and a memory limit; a new
//! image is pushed under the same tag; update pulls it and recreates the container, and
//! `docker inspect` shows the new image with the same configuration (and the volumes' data).
//! Updating again says it is up to date. A new image whose command exits at once is put
//! back: the old container runs again under its name, and nothing of the new one is left.

mod support;

use std::io::Write as _;
use std::process::{Command, Stdio};

use bollard::Docker;
use dockside::app::msg::Msg;
use dockside::app::recreate::{How, OLD_SUFFIX, Outcome, Recreate, Report, Target};
use dockside::docker::{client, recreate};
use support::engine::{container_exists, docker, docker_ok, engine_required, test_image};
use tokio::sync::mpsc;

async fn connect() -> Docker {
    client::connect("unix:///var/run/docker.sock")
        .await
        .unwrap_or_else(|e| panic!("connecting to the engine: {e}"))
}

fn skip(why: &str) {
    assert!(!engine_required(), "{why}");
    eprintln!("skipped: {why}");
}

/// `docker build -t tag -` from a Dockerfile on stdin (no context): the test image with
/// `extra` lines. Its id.
fn build(tag: &str, extra: &str) -> String {
    let dockerfile = format!("FROM {}\n{extra}\n", test_image());
    let mut child = Command::new("docker")
        .args(["build", "-q", "-t", tag, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("docker build: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(dockerfile.as_bytes())
            .unwrap_or_else(|e| panic!("docker build stdin: {e}"));
    }
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("docker build: {e}"));
    assert!(
        out.status.success(),
        "docker build {tag}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    docker_ok(&["image", "inspect", "-f", "{{.Id}}", tag])
}

/// What the test made, removed when dropped (also when an assertion fails).
#[derive(Default)]
struct Made {
    containers: Vec<String>,
    networks: Vec<String>,
    volumes: Vec<String>,
    images: Vec<String>,
}

impl Drop for Made {
    fn drop(&mut self) {
        for c in &self.containers {
            let _ = docker(&["rm", "-f", c]);
            let _ = docker(&["rm", "-f", &format!("{c}{OLD_SUFFIX}")]);
        }
        for n in &self.networks {
            let _ = docker(&["network", "rm", n]);
        }
        for v in &self.volumes {
            let _ = docker(&["volume", "rm", "-f", v]);
        }
        for i in &self.images {
            let _ = docker(&["rmi", "-f", i]);
        }
    }
}

/// The configuration `update` must keep, as `docker inspect` shows it.
const KEPT: &[(&str, &str)] = &[
    ("name", "{{.Name}}"),
    (
        "env FOO",
        "{{range .Config.Env}}{{if eq . \"FOO=bar baz\"}}{{.}}{{end}}{{end}}",
    ),
    ("ports", "{{json .HostConfig.PortBindings}}"),
    ("restart", "{{json .HostConfig.RestartPolicy}}"),
    ("label", "{{index .Config.Labels \"team\"}}"),
    ("binds", "{{json .HostConfig.Binds}}"),
    ("hostname", "{{.Config.Hostname}}"),
    ("workdir", "{{.Config.WorkingDir}}"),
    ("memory", "{{.HostConfig.Memory}}"),
    ("network", "{{.HostConfig.NetworkMode}}"),
    (
        "networks",
        "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}",
    ),
    (
        "mounts",
        "{{range .Mounts}}{{.Type}}:{{.Name}}:{{.Destination}}:{{.RW}} {{end}}",
    ),
];

/// Each of [`KEPT`]; lists (mounts, networks) sorted: the engine lists them in any order.
fn kept(name: &str) -> Vec<(String, String)> {
    KEPT.iter()
        .map(|(what, f)| {
            let text = docker_ok(&["inspect", "-f", f, name]);
            let mut words: Vec<&str> = text.split_whitespace().collect();
            if matches!(*what, "mounts" | "networks") {
                words.sort_unstable();
            }
            (what.to_string(), words.join(" "))
        })
        .collect()
}

fn aliases(name: &str, net: &str) -> String {
    docker_ok(&[
        "inspect",
        "-f",
        &format!("{{{{json (index .NetworkSettings.Networks \"{net}\").Aliases}}}}"),
        name,
    ])
}

async fn update(docker: &Docker, id: &str, name: &str, image: &str) -> Report {
    let (tx, mut rx) = mpsc::channel(8);
    let req = Recreate {
        targets: vec![Target {
            id: id.into(),
            name: name.into(),
            image: image.into(),
        }],
        how: How::Update,
    };
    recreate::run(docker, &tx, req).await;
    match rx.recv().await {
        Some(Msg::Recreated(mut r)) if r.len() == 1 => r.remove(0),
        other => panic!("no report: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_keeps_the_configuration_and_puts_back_a_failing_image() {
    if !support::engine::available() {
        skip("no engine");
        return;
    }
    let Some(reg) = support::registry::start("update", None) else {
        skip("no docker-registry here");
        return;
    };
    let pid = std::process::id();
    let mut made = Made::default();
    let reference = format!("{}/dockside-update-{pid}/app:v1", reg.host());
    let (v1_tag, v2_tag, bad_tag) = (
        format!("dockside-update-{pid}:v1"),
        format!("dockside-update-{pid}:v2"),
        format!("dockside-update-{pid}:bad"),
    );
    made.images.extend([
        reference.clone(),
        v1_tag.clone(),
        v2_tag.clone(),
        bad_tag.clone(),
    ]);
    let v1 = build(
        &v1_tag,
        &format!("LABEL dockside.update={pid}-1\nENV APP_VERSION=1\nCMD [\"sleep\", \"3600\"]"),
    );
    let v2 = build(
        &v2_tag,
        &format!("LABEL dockside.update={pid}-2\nENV APP_VERSION=2\nCMD [\"sleep\", \"3601\"]"),
    );
    let bad = build(
        &bad_tag,
        &format!(
            "LABEL dockside.update={pid}-bad\nCMD [\"sh\", \"-c\", \"echo broken configuration >&2; exit 3\"]"
        ),
    );
    made.images.extend([v1.clone(), v2.clone(), bad.clone()]);
    // Publish `img` as the tag in the registry, the local tag left on v1 (as on a server
    // that has not pulled yet).
    let publish = |img: &str| {
        docker_ok(&["tag", img, &reference]);
        docker_ok(&["push", &reference]);
        docker_ok(&["tag", &v1, &reference]);
    };
    publish(&v1);

    let name = support::engine::unique_name("dockside-update");
    let net = format!("{name}-net");
    let net2 = format!("{name}-net2");
    let vol = format!("{name}-vol");
    made.containers.push(name.clone());
    made.networks.extend([net.clone(), net2.clone()]);
    made.volumes.push(vol.clone());
    docker_ok(&["network", "create", &net]);
    docker_ok(&["network", "create", &net2]);
    let id = docker_ok(&[
        "run",
        "-d",
        "--name",
        &name,
        "--label",
        "dockside.test=1",
        "--label",
        "team=ops",
        "-e",
        "FOO=bar baz",
        "-p",
        "127.0.0.1::80",
        "--restart",
        "unless-stopped",
        "-v",
        &format!("{vol}:/data"),
        "-v",
        "/anon",
        "--network",
        &net,
        "--network-alias",
        "api",
        "--hostname",
        "web-host",
        "-w",
        "/data",
        "-m",
        "64m",
        &reference,
    ]);
    let anon = docker_ok(&[
        "inspect",
        "-f",
        "{{range .Mounts}}{{if eq .Destination \"/anon\"}}{{.Name}}{{end}}{{end}}",
        &name,
    ]);
    made.volumes.push(anon.clone());
    // A second network, joined after the start, with an alias of its own.
    docker_ok(&["network", "connect", "--alias", "second", &net2, &name]);
    docker_ok(&[
        "exec",
        &name,
        "sh",
        "-c",
        "echo kept > /anon/f && echo kept > /data/f",
    ]);
    let before = kept(&name);
    assert!(aliases(&name, &net).contains("\"api\""));

    // A new image under the tag: pulled, the container recreated on it, the same otherwise.
    publish(&v2);
    let docker = connect().await;
    let report = update(&docker, &id, &name, &reference).await;
    let Ok(Outcome::Replaced {
        new_id,
        image_id,
        leftover: None,
    }) = &report.result
    else {
        panic!("{report:?}");
    };
    assert_eq!(image_id, &v2);
    assert_ne!(new_id, &id);
    assert_eq!(docker_ok(&["inspect", "-f", "{{.Image}}", &name]), v2);
    assert_eq!(
        docker_ok(&["inspect", "-f", "{{.State.Running}}", &name]),
        "true"
    );
    assert_eq!(kept(&name), before);
    assert!(
        aliases(&name, &net).contains("\"api\""),
        "{}",
        aliases(&name, &net)
    );
    assert!(
        aliases(&name, &net2).contains("\"second\""),
        "{}",
        aliases(&name, &net2)
    );
    // What came from the image comes from the new one.
    let env = docker_ok(&["inspect", "-f", "{{json .Config.Env}}", &name]);
    assert!(
        env.contains("APP_VERSION=2") && !env.contains("APP_VERSION=1"),
        "{env}"
    );
    assert_eq!(
        docker_ok(&["inspect", "-f", "{{json .Config.Cmd}}", &name]),
        r#"["sleep","3601"]"#
    );
    assert_eq!(
        docker_ok(&["exec", &name, "cat", "/anon/f", "/data/f"]),
        "kept\nkept"
    );
    assert!(!container_exists(&id), "the old container is removed");
    assert!(!container_exists(&format!("{name}{OLD_SUFFIX}")));

    // Nothing new: said so, nothing touched.
    let again = update(&docker, new_id, &name, &reference).await;
    assert!(
        matches!(&again.result, Ok(Outcome::UpToDate { .. })),
        "{again:?}"
    );
    assert_eq!(docker_ok(&["inspect", "-f", "{{.Id}}", &name]), *new_id);

    // A new image that exits at once: the old container comes back under its name.
    docker_ok(&["tag", &bad, &reference]);
    docker_ok(&["push", &reference]);
    docker_ok(&["tag", &v2, &reference]);
    let failed = update(&docker, new_id, &name, &reference).await;
    let Ok(Outcome::RolledBack { why }) = &failed.result else {
        panic!("{failed:?}");
    };
    assert!(
        why.contains("code 3") && why.contains("broken configuration"),
        "{why}"
    );
    assert_eq!(docker_ok(&["inspect", "-f", "{{.Id}}", &name]), *new_id);
    assert_eq!(
        docker_ok(&["inspect", "-f", "{{.State.Running}}", &name]),
        "true"
    );
    assert_eq!(docker_ok(&["inspect", "-f", "{{.Image}}", &name]), v2);
    assert_eq!(kept(&name), before);
    assert!(!container_exists(&format!("{name}{OLD_SUFFIX}")));
    let leftovers = docker_ok(&["ps", "-a", "-q", "--filter", &format!("ancestor={bad}")]);
    assert!(
        leftovers.is_empty(),
        "the failed container is removed: {leftovers}"
    );
    drop(reg);
}

async fn one(docker: &Docker, id: &str, name: &str, how: How) -> Report {
    let (tx, mut rx) = mpsc::channel(8);
    let req = Recreate {
        targets: vec![Target {
            id: id.into(),
            name: name.into(),
            image: test_image(),
        }],
        how,
    };
    recreate::run(docker, &tx, req).await;
    match rx.recv().await {
        Some(Msg::Recreated(mut r)) if r.len() == 1 => r.remove(0),
        other => panic!("no report: {other:?}"),
    }
}

/// The run form filled from a container, edited, replaces it in place (what the form does not
/// show kept), a command that exits puts the old one back, and a duplicate is a second
/// container like it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_recreates_in_place_and_duplicates() {
    if !support::engine::available() {
        skip("no engine");
        return;
    }
    let mut made = Made::default();
    let name = support::engine::unique_name("dockside-edit");
    let net = format!("{name}-net");
    let copy = format!("{name}-copy");
    made.containers.extend([name.clone(), copy.clone()]);
    made.networks.push(net.clone());
    docker_ok(&["network", "create", &net]);
    let id = docker_ok(&[
        "run",
        "-d",
        "--name",
        &name,
        "--label",
        "dockside.test=1",
        "--label",
        "team=ops",
        "-e",
        "A=1",
        "-p",
        "127.0.0.1::80",
        "--network",
        &net,
        "--network-alias",
        "api",
        "--restart",
        "on-failure:2",
        &test_image(),
        "sleep",
        "3600",
    ]);
    let docker = connect().await;
    let form = recreate::form(&docker, &id).await.expect("form");
    assert_eq!(form.name, name);
    assert_eq!(form.env, "A=1");
    assert_eq!(form.ports, "127.0.0.1::80");
    assert_eq!(form.network, net);
    assert_eq!(form.restart, "on-failure:2");
    assert_eq!(form.command, "sleep 3600");

    // A variable and the published port changed; label, alias and the rest kept.
    let mut edited = form.clone();
    edited.env = "A=2 B='two words'".into();
    edited.ports = "127.0.0.1::81".into();
    let spec = edited.validate().expect("valid");
    let report = one(&docker, &id, &name, How::Replace(Box::new(spec))).await;
    let Ok(Outcome::Replaced { new_id, .. }) = &report.result else {
        panic!("{report:?}");
    };
    let env = docker_ok(&["inspect", "-f", "{{json .Config.Env}}", &name]);
    assert!(
        env.contains("\"A=2\"") && env.contains("\"B=two words\""),
        "{env}"
    );
    assert_eq!(
        docker_ok(&["inspect", "-f", "{{json .HostConfig.PortBindings}}", &name]),
        r#"{"81/tcp":[{"HostIp":"127.0.0.1","HostPort":""}]}"#
    );
    assert_eq!(
        docker_ok(&["inspect", "-f", "{{index .Config.Labels \"team\"}}", &name]),
        "ops"
    );
    assert!(aliases(&name, &net).contains("\"api\""));
    assert_eq!(
        docker_ok(&["inspect", "-f", "{{.State.Running}}", &name]),
        "true"
    );
    assert!(!container_exists(&id));

    // A command that exits at once: the old one is back, with its configuration.
    let mut broken = edited.clone();
    broken.command = "sh -c 'echo nope >&2; exit 4'".into();
    let spec = broken.validate().expect("valid");
    let failed = one(&docker, new_id, &name, How::Replace(Box::new(spec))).await;
    let Ok(Outcome::RolledBack { why }) = &failed.result else {
        panic!("{failed:?}");
    };
    assert!(why.contains("nope"), "{why}");
    assert_eq!(docker_ok(&["inspect", "-f", "{{.Id}}", &name]), *new_id);
    assert_eq!(
        docker_ok(&["inspect", "-f", "{{.State.Running}}", &name]),
        "true"
    );
    assert!(!container_exists(&format!("{name}{OLD_SUFFIX}")));

    // A duplicate: another container like it, the original untouched.
    let mut dup = recreate::form(&docker, new_id).await.expect("form");
    dup.name = copy.clone();
    dup.ports = String::new();
    let spec = dup.validate().expect("valid");
    let report = one(&docker, new_id, &name, How::Duplicate(Box::new(spec))).await;
    let Ok(Outcome::Duplicated { name: n, .. }) = &report.result else {
        panic!("{report:?}");
    };
    assert_eq!(n, &copy);
    let env = docker_ok(&["inspect", "-f", "{{json .Config.Env}}", &copy]);
    assert!(env.contains("\"A=2\""), "{env}");
    assert_eq!(
        docker_ok(&["inspect", "-f", "{{index .Config.Labels \"team\"}}", &copy]),
        "ops"
    );
    assert_eq!(
        docker_ok(&["inspect", "-f", "{{.State.Running}}", &copy]),
        "true"
    );
    assert_eq!(docker_ok(&["inspect", "-f", "{{.Id}}", &name]), *new_id);
}

/// A new image pushed under the tag a container runs: the registry's digest differs from the
/// local one, the tag and the container get the outdated badge; update recreates the
/// container on the new digest and the badge goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tag_moved_in_its_registry_is_outdated_until_updated() {
    use dockside::app::msg::ResMsg;
    use dockside::docker::{containers, images, registry};
    if !support::engine::available() {
        skip("no engine");
        return;
    }
    let Some(reg) = support::registry::start("fresh", None) else {
        skip("no docker-registry here");
        return;
    };
    let pid = std::process::id();
    let mut made = Made::default();
    let reference = format!("{}/dockside-fresh-{pid}/app:v1", reg.host());
    let (v1_tag, v2_tag) = (
        format!("dockside-fresh-{pid}:v1"),
        format!("dockside-fresh-{pid}:v2"),
    );
    made.images
        .extend([reference.clone(), v1_tag.clone(), v2_tag.clone()]);
    let v1 = build(
        &v1_tag,
        &format!("LABEL dockside.fresh={pid}-1\nCMD [\"sleep\", \"3600\"]"),
    );
    let v2 = build(
        &v2_tag,
        &format!("LABEL dockside.fresh={pid}-2\nCMD [\"sleep\", \"3601\"]"),
    );
    made.images.extend([v1.clone(), v2.clone()]);
    docker_ok(&["tag", &v1, &reference]);
    docker_ok(&["push", &reference]);
    let name = support::engine::unique_name("dockside-fresh");
    made.containers.push(name.clone());
    let id = docker_ok(&[
        "run",
        "-d",
        "--name",
        &name,
        "--label",
        "dockside.test=1",
        "-e",
        "KEEP=1",
        &reference,
    ]);
    let docker = connect().await;
    // The state as the app has it: the real images and container, the registry's answer.
    let listed = |docker: Docker, id: String| async move {
        let (_, c) = containers::fetch_one(docker, id, std::time::Duration::ZERO).await;
        c.expect("listed").expect("exists")
    };
    let mut s = dockside::app::fixtures::state(120, 40);
    let check = |s: &State| {
        let ours = vec![reference.clone()];
        assert!(
            dockside::app::freshness::checkable(s.views.images.images.as_deref().unwrap_or(&[]))
                .contains(&reference),
            "the tag has a repo digest to compare"
        );
        ours
    };
    type State = dockside::app::State;
    let relist = |s: &mut State, list| {
        let mut out = Vec::new();
        dockside::app::update(s, Msg::Res(ResMsg::Images(Ok(list))), &mut out);
    };
    relist(&mut s, images::list(&docker, false).await.expect("images"));
    let tags = check(&s);
    let answer = registry::digests(tags.clone(), &[]).await;
    assert!(
        matches!(&answer[0].1, Ok(d) if d.starts_with("sha256:")),
        "{answer:?}"
    );
    let mut out = Vec::new();
    dockside::app::update(&mut s, Msg::Res(ResMsg::TagDigests(answer)), &mut out);
    let c = listed(docker.clone(), id.clone()).await;
    assert!(!s.views.images.fresh.tag_outdated(&reference));
    assert!(!s.views.images.fresh.container_outdated(&c.image));

    // v2 pushed under the tag from elsewhere (the local tag stays on v1).
    docker_ok(&["tag", &v2, &reference]);
    docker_ok(&["push", &reference]);
    docker_ok(&["tag", &v1, &reference]);
    relist(&mut s, images::list(&docker, false).await.expect("images"));
    let answer = registry::digests(check(&s), &[]).await;
    dockside::app::update(&mut s, Msg::Res(ResMsg::TagDigests(answer)), &mut out);
    assert!(s.views.images.fresh.tag_outdated(&reference));
    assert!(
        s.views.images.fresh.container_outdated(&c.image),
        "{} is outdated",
        c.image
    );

    // Update: the new digest, the badge gone.
    let report = update(&docker, &id, &name, &reference).await;
    let Ok(Outcome::Replaced {
        new_id, image_id, ..
    }) = &report.result
    else {
        panic!("{report:?}");
    };
    assert_eq!(image_id, &v2);
    let digests = docker_ok(&[
        "image",
        "inspect",
        "-f",
        "{{range .RepoDigests}}{{println .}}{{end}}",
        image_id,
    ]);
    let remote = registry::digests(vec![reference.clone()], &[]).await;
    let Ok(remote) = &remote[0].1 else {
        panic!("{remote:?}");
    };
    assert!(digests.contains(remote.as_str()), "{digests} has {remote}");
    assert_eq!(
        docker_ok(&[
            "inspect",
            "-f",
            "{{range .Config.Env}}{{println .}}{{end}}",
            &name
        ])
        .lines()
        .filter(|l| *l == "KEEP=1")
        .count(),
        1
    );
    relist(&mut s, images::list(&docker, false).await.expect("images"));
    let c = listed(docker.clone(), new_id.clone()).await;
    assert!(!s.views.images.fresh.tag_outdated(&reference));
    assert!(!s.views.images.fresh.container_outdated(&c.image));
    drop(reg);
}
