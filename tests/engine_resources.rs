//! Volumes, networks, `system df`/`info`/`prune` and running a container from the run form,
//! against a real engine, checked with the docker CLI.

mod support;

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use bollard::Docker;
use serde_json::Value;

use dockside::app::resources::ipv4_in_subnet;
use dockside::app::runform::{Field, RunForm};
use dockside::docker::{client, containers, networks, system, volumes};
use support::engine::{
    self, TestContainer, docker, docker_ok, docker_ok_exclusive, test_image, unique_name,
};

const T: Duration = Duration::from_secs(20);

async fn connect() -> Docker {
    let target = client::resolve(None, None);
    client::connect(&target.addr)
        .await
        .unwrap_or_else(|e| panic!("connecting to {}: {e}", target.addr))
}

/// Runs `docker <args>` (ignoring the outcome) when dropped: cleanup on success and failure.
struct Cleanup(Vec<String>);

impl Cleanup {
    fn volume(name: &str) -> Self {
        Self(vec!["volume".into(), "rm".into(), "-f".into(), name.into()])
    }
    fn network(name: &str) -> Self {
        Self(vec!["network".into(), "rm".into(), name.into()])
    }
    fn container(name: &str) -> Self {
        Self(vec!["rm".into(), "-f".into(), "-v".into(), name.into()])
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let args: Vec<&str> = self.0.iter().map(String::as_str).collect();
        let _ = docker(&args);
    }
}

/// A temporary directory removed when dropped.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn lines(s: &str) -> BTreeSet<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn inspect_json(what: &str) -> Value {
    let out = docker_ok(&["inspect", what]);
    let v: Value = serde_json::from_str(&out).expect("docker inspect json");
    v[0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn volume_lifecycle_used_by_refusal_and_prune() {
    if !engine::available() {
        return;
    }
    let dk = connect().await;
    let name = unique_name("dockside-vol");
    let _vol_guard = Cleanup::volume(&name);
    let labels = vec![("dockside.test.vol".to_string(), name.clone())];

    let created = volumes::create_volume(&dk, &name, None, &labels)
        .await
        .expect("create volume");
    assert_eq!(created.name, name);
    assert_eq!(created.driver, "local");
    assert_eq!(
        created.labels.get("dockside.test.vol"),
        Some(&name),
        "{created:?}"
    );
    assert!(!created.mountpoint.is_empty());

    // Listed, unused, and `docker volume ls` agrees.
    let list = volumes::list_volumes(&dk, false)
        .await
        .expect("list volumes");
    let v = list
        .iter()
        .find(|v| v.name == name)
        .expect("new volume listed");
    assert!(v.used_by.is_empty(), "{v:?}");
    assert!(lines(&docker_ok(&["volume", "ls", "-q"])).contains(&name));
    let listed: BTreeSet<String> = list.iter().map(|v| v.name.clone()).collect();
    let filter = format!("label=dockside.test.vol={name}");
    assert_eq!(
        lines(&docker_ok(&["volume", "ls", "-q", "--filter", &filter])),
        listed
            .iter()
            .filter(|n| **n == name)
            .cloned()
            .collect::<BTreeSet<_>>()
    );

    // A container mounting it (and writing 200 kB into it) shows up as its user.
    let user = TestContainer::run(
        "vol-user",
        &["-v", &format!("{name}:/data")],
        &[
            "sh",
            "-c",
            "head -c 200000 /dev/zero > /data/blob; echo ready; sleep 300",
        ],
    );
    assert!(user.wait_for_log("ready", T), "writer never got ready");
    let list = volumes::list_volumes(&dk, true)
        .await
        .expect("list volumes with sizes");
    let v = list.iter().find(|v| v.name == name).expect("listed");
    assert_eq!(v.used_by, vec![user.name.clone()]);
    let size = v.size.expect("size from system df");
    assert!(size >= 200_000, "size {size}");
    let inspected = volumes::inspect_volume(&dk, &name)
        .await
        .expect("inspect volume");
    assert_eq!(inspected.used_by, vec![user.name.clone()]);
    assert_eq!(inspected.mountpoint, created.mountpoint);

    // Removal is refused while in use, with the engine's message; the volume stays.
    for force in [false, true] {
        let e = volumes::remove_volume(&dk, &name, force)
            .await
            .expect_err("in-use volume removed");
        assert!(e.contains("in use"), "force={force}: {e}");
        assert!(!e.contains("status code"), "not shortened: {e}");
    }
    assert!(docker(&["volume", "inspect", &name]).status.success());

    // Once the container is gone, removal works.
    drop(user);
    volumes::remove_volume(&dk, &name, false)
        .await
        .expect("remove unused volume");
    assert!(!docker(&["volume", "inspect", &name]).status.success());

    // Prune removes the unused volumes carrying the label, and only those.
    let tag = unique_name("prune");
    let prune_labels = vec![("dockside.test.prune".to_string(), tag.clone())];
    let unused: Vec<String> = (0..2).map(|_| unique_name("dockside-prune")).collect();
    let busy = unique_name("dockside-prune-busy");
    let other = unique_name("dockside-prune-other");
    let _guards: Vec<Cleanup> = unused
        .iter()
        .chain([&busy, &other])
        .map(|n| Cleanup::volume(n))
        .collect();
    for n in unused.iter().chain([&busy]) {
        volumes::create_volume(&dk, n, Some("local"), &prune_labels)
            .await
            .expect("create labelled volume");
    }
    volumes::create_volume(&dk, &other, None, &[])
        .await
        .expect("create unlabelled volume");
    let holder = TestContainer::run(
        "prune-holder",
        &["-v", &format!("{busy}:/data")],
        &["sleep", "300"],
    );
    let filter = format!("label=dockside.test.prune={tag}");
    assert_eq!(
        lines(&docker_ok(&["volume", "ls", "-q", "--filter", &filter])).len(),
        3
    );
    let (removed, _bytes) =
        volumes::prune_volumes(&dk, Some(&format!("dockside.test.prune={tag}")), true)
            .await
            .expect("prune volumes");
    assert_eq!(
        removed.into_iter().collect::<BTreeSet<_>>(),
        unused.iter().cloned().collect::<BTreeSet<_>>()
    );
    // `docker volume ls` now shows only the one in use, and the unlabelled one survived.
    assert_eq!(
        lines(&docker_ok(&["volume", "ls", "-q", "--filter", &filter])),
        BTreeSet::from([busy.clone()])
    );
    assert!(docker(&["volume", "inspect", &other]).status.success());
    drop(holder);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_lifecycle_connect_disconnect_refusal_and_prune() {
    if !engine::available() {
        return;
    }
    let dk = connect().await;
    let name = unique_name("dockside-net");
    let _net_guard = Cleanup::network(&name);
    let subnet = format!("10.231.{}.0/24", std::process::id() % 250);
    let labels = vec![("dockside.test.net".to_string(), name.clone())];

    let id = networks::create_network(&dk, &name, Some("bridge"), Some(&subnet), &labels)
        .await
        .expect("create network");
    assert!(!id.is_empty());
    let net = networks::inspect_network(&dk, &name)
        .await
        .expect("inspect network");
    assert_eq!(net.id, id);
    assert_eq!(net.driver, "bridge");
    assert_eq!(net.scope, "local");
    assert_eq!(
        net.subnets.first().map(|s| s.0.as_str()),
        Some(subnet.as_str())
    );
    assert!(net.containers.is_empty());

    let c = TestContainer::run("net-user", &[], &["sleep", "300"]);
    networks::connect_network(&dk, &name, &c.name, &["web-alias".to_string()])
        .await
        .expect("connect");

    // The list shows the container with an address in the subnet, as the engine sees it.
    let list = networks::list_networks(&dk).await.expect("list networks");
    assert!(list.iter().any(|n| n.name == "bridge"));
    let net = list
        .iter()
        .find(|n| n.name == name)
        .expect("network listed");
    let ip = net.ip_of(&c.name).expect("container listed on the network");
    assert!(ipv4_in_subnet(ip, &subnet), "{ip} not in {subnet}");
    let ctr = inspect_json(&c.id);
    let ep = &ctr["NetworkSettings"]["Networks"][&name];
    assert_eq!(ep["IPAddress"].as_str(), Some(ip));
    assert!(
        ep["Aliases"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == "web-alias")),
        "{ep}"
    );
    // The default bridge network lists the container too (it stays attached there).
    let bridge = list.iter().find(|n| n.name == "bridge").expect("bridge");
    assert!(bridge.ip_of(&c.name).is_some());

    // Removal is refused while a container is attached; the network stays.
    let e = networks::remove_network(&dk, &name)
        .await
        .expect_err("removed a network in use");
    assert!(e.contains("active endpoints"), "{e}");
    assert!(docker(&["network", "inspect", &name]).status.success());

    networks::disconnect_network(&dk, &name, &c.name, false)
        .await
        .expect("disconnect");
    let net = networks::inspect_network(&dk, &name)
        .await
        .expect("inspect");
    assert!(net.containers.is_empty(), "{net:?}");
    let list = networks::list_networks(&dk).await.expect("list");
    let listed = list.iter().find(|n| n.name == name).expect("listed");
    assert!(listed.containers.is_empty());

    // Forced disconnect, then removal succeeds.
    networks::connect_network(&dk, &name, &c.id, &[])
        .await
        .expect("reconnect");
    assert!(networks::remove_network(&dk, &name).await.is_err());
    networks::disconnect_network(&dk, &name, &c.id, true)
        .await
        .expect("force disconnect");
    networks::remove_network(&dk, &name)
        .await
        .expect("remove network");
    assert!(!docker(&["network", "inspect", &name]).status.success());
    let err = networks::remove_network(&dk, &name)
        .await
        .expect_err("removed twice");
    assert!(err.contains("not found"), "{err}");

    // Prune removes the unused labelled networks and only those.
    let tag = unique_name("netprune");
    let prune_labels = vec![("dockside.test.prune".to_string(), tag.clone())];
    let unused: Vec<String> = (0..2).map(|_| unique_name("dockside-netprune")).collect();
    let busy = unique_name("dockside-netprune-busy");
    let _guards: Vec<Cleanup> = unused
        .iter()
        .chain([&busy])
        .map(|n| Cleanup::network(n))
        .collect();
    for n in unused.iter().chain([&busy]) {
        networks::create_network(&dk, n, None, None, &prune_labels)
            .await
            .expect("create labelled network");
    }
    networks::connect_network(&dk, &busy, &c.id, &[])
        .await
        .expect("connect busy");
    let removed = networks::prune_networks(&dk, Some(&format!("dockside.test.prune={tag}")))
        .await
        .expect("prune networks");
    assert_eq!(
        removed.into_iter().collect::<BTreeSet<_>>(),
        unused.iter().cloned().collect::<BTreeSet<_>>()
    );
    let filter = format!("label=dockside.test.prune={tag}");
    assert_eq!(
        lines(&docker_ok(&[
            "network",
            "ls",
            "--format",
            "{{.Name}}",
            "--filter",
            &filter
        ])),
        BTreeSet::from([busy.clone()])
    );
    drop(c);
}

/// `docker system df` rows by TYPE: (TotalCount, Active).
fn cli_df() -> HashMap<String, (u64, u64)> {
    docker_ok_exclusive(&["system", "df", "--format", "{{json .}}"])
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| {
            let n = |k: &str| v[k].as_str().and_then(|s| s.parse::<u64>().ok());
            Some((
                v["Type"].as_str()?.to_string(),
                (n("TotalCount")?, n("Active")?),
            ))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disk_usage_and_info_match_the_cli() {
    if !engine::available() {
        return;
    }
    let dk = connect().await;
    // A container of our own, so the counts below are never about an empty engine.
    let _own = support::engine::TestContainer::run("df-own", &[], &["sleep", "300"]);
    // Other tests create and remove containers meanwhile: compare when the CLI's view is the
    // same before and after ours.
    let mut checked = false;
    let mut last = String::new();
    for _ in 0..30 {
        let before = cli_df();
        let du = system::disk_usage(&dk).await.expect("disk usage");
        let after = cli_df();
        let ours = HashMap::from([
            ("Images".to_string(), (du.images.count, du.images.active)),
            (
                "Containers".to_string(),
                (du.containers.count, du.containers.active),
            ),
            (
                "Local Volumes".to_string(),
                (du.volumes.count, du.volumes.active),
            ),
            (
                "Build Cache".to_string(),
                (du.build_cache.count, du.build_cache.active),
            ),
        ]);
        if before != after {
            last = format!("engine busy: {before:?} then {after:?}");
            continue;
        }
        for kind in ["Images", "Containers"] {
            assert_eq!(ours.get(kind), before.get(kind), "{kind}: {du:?}");
        }
        assert!(du.images.size > 0, "{du:?}");
        assert!(du.images.reclaimable <= du.images.size);
        checked = true;
        break;
    }
    assert!(checked, "never a quiet moment to compare: {last}");

    let info = system::info(&dk).await.expect("info");
    assert_eq!(
        info.version,
        docker_ok(&["version", "--format", "{{.Server.Version}}"])
    );
    assert_eq!(info.api, dk.client_version().to_string());
    assert_eq!(
        info.storage_driver,
        docker_ok(&["info", "--format", "{{.Driver}}"])
    );
    assert_eq!(
        info.ncpu.to_string(),
        docker_ok(&["info", "--format", "{{.NCPU}}"])
    );
    assert_eq!(
        info.mem_total.to_string(),
        docker_ok(&["info", "--format", "{{.MemTotal}}"])
    );
    assert_eq!(
        info.kernel,
        docker_ok(&["info", "--format", "{{.KernelVersion}}"])
    );
    assert_eq!(
        info.images.to_string(),
        docker_ok(&["info", "--format", "{{.Images}}"])
    );
    assert!(info.containers >= info.running + info.paused);
    assert!(info.containers > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn system_prune_with_a_label_removes_only_what_carries_it() {
    if !engine::available() {
        return;
    }
    let dk = connect().await;
    let tag = unique_name("sysprune");
    let label = format!("dockside.test.sysprune={tag}");
    let stopped = TestContainer::create("sysprune-stopped", &["--label", &label], &["true"]);
    let running = TestContainer::run("sysprune-running", &["--label", &label], &["sleep", "300"]);
    let bystander = TestContainer::create("sysprune-other", &[], &["true"]);
    let net = unique_name("dockside-sysprune");
    let _net_guard = Cleanup::network(&net);
    networks::create_network(
        &dk,
        &net,
        None,
        None,
        &[("dockside.test.sysprune".to_string(), tag.clone())],
    )
    .await
    .expect("create network");

    let summary = system::prune_all(&dk, Some(&label))
        .await
        .expect("system prune");
    assert_eq!(summary.containers, vec![stopped.id.clone()]);
    assert_eq!(summary.networks, vec![net.clone()]);
    assert!(summary.build_cache.is_empty());
    assert!(summary.text().starts_with("removed 1 container, 1 network"));
    assert!(!stopped.exists());
    assert!(running.exists());
    assert!(bystander.exists());
    assert!(!docker(&["network", "inspect", &net]).status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_form_creates_and_starts_with_every_field() {
    if !engine::available() {
        return;
    }
    let dk = connect().await;
    let dir = TempDir(std::env::temp_dir().join(unique_name("dockside-bind")));
    std::fs::create_dir_all(&dir.0).expect("temp dir");
    std::fs::write(dir.0.join("hello.txt"), "from the host\n").expect("write");
    let host_dir = dir.0.to_string_lossy().to_string();

    let vol = unique_name("dockside-runvol");
    let _vol_guard = Cleanup::volume(&vol);
    let source = TestContainer::run("run-src", &["-v", "/shared"], &["sleep", "300"]);
    let linked = TestContainer::run("run-link", &[], &["sleep", "300"]);
    let name = unique_name("dockside-run");
    let _ctr_guard = Cleanup::container(&name);

    let form = RunForm {
        image: test_image(),
        name: name.clone(),
        command: "sh -c 'echo started; sleep 300'".into(),
        ports: "127.0.0.1::80/tcp".into(),
        env: "A=1 'GREETING=hello world'".into(),
        volumes: format!("{host_dir}:/host:ro {vol}:/named"),
        volumes_from: format!("{}:ro", source.name),
        network: String::new(),
        links: format!("{}:db", linked.name),
        restart: "on-failure:3".into(),
        memory: "64m".into(),
        cpus: "0.5".into(),
        auto_remove: false,
        interactive: true,
        tty: false,
    };
    let spec = form.validate().expect("valid form");
    let id = containers::run(&dk, &spec).await.expect("run");
    assert!(
        engine::wait_until(T, || {
            docker_ok(&["inspect", "-f", "{{.State.Status}}", &id]) == "running"
        }),
        "container never ran"
    );

    let c = inspect_json(&id);
    let hc = &c["HostConfig"];
    assert_eq!(c["Name"], format!("/{name}"));
    assert_eq!(c["Config"]["Image"], test_image());
    assert_eq!(
        c["Config"]["Cmd"],
        serde_json::json!(["sh", "-c", "echo started; sleep 300"])
    );
    assert_eq!(
        hc["PortBindings"],
        serde_json::json!({"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]})
    );
    assert!(c["Config"]["ExposedPorts"]["80/tcp"].is_object());
    let env: Vec<&str> = c["Config"]["Env"]
        .as_array()
        .expect("env")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(env.contains(&"A=1"), "{env:?}");
    assert!(env.contains(&"GREETING=hello world"), "{env:?}");
    assert_eq!(
        hc["Binds"],
        serde_json::json!([format!("{host_dir}:/host:ro"), format!("{vol}:/named")])
    );
    assert_eq!(
        hc["VolumesFrom"],
        serde_json::json!([format!("{}:ro", source.name)])
    );
    assert_eq!(
        hc["Links"],
        serde_json::json!([format!("/{}:/{name}/db", linked.name)])
    );
    assert_eq!(
        hc["RestartPolicy"],
        serde_json::json!({"Name": "on-failure", "MaximumRetryCount": 3})
    );
    assert_eq!(hc["Memory"], 67_108_864);
    assert_eq!(hc["NanoCpus"], 500_000_000);
    assert_eq!(hc["AutoRemove"], false);
    assert_eq!(c["Config"]["OpenStdin"], true);
    assert_eq!(c["Config"]["Tty"], false);

    // The mounts work: the host file, the named volume (created by the engine), the
    // volumes-from path, and the published port got a host port on 127.0.0.1.
    assert_eq!(
        docker_ok(&["exec", &id, "cat", "/host/hello.txt"]),
        "from the host"
    );
    assert!(docker(&["volume", "inspect", &vol]).status.success());
    assert!(
        docker(&["exec", &id, "test", "-d", "/shared"])
            .status
            .success()
    );
    assert!(docker_ok(&["port", &id, "80/tcp"]).starts_with("127.0.0.1:"));
    assert!(
        docker(&["exec", &id, "sh", "-c", "echo x > /host/nope"])
            .status
            .code()
            != Some(0),
        "read-only bind was writable"
    );
    let cmdline = spec.docker_command();
    assert!(cmdline.contains(&format!("--name {name}")), "{cmdline}");
    assert!(cmdline.contains("--restart on-failure:3 --memory 64m --cpus 0.5"));

    // The same name again: refused, naming the name field.
    let e = containers::run(&dk, &spec)
        .await
        .expect_err("ran twice with one name");
    assert!(e.starts_with("name: "), "{e}");
    assert!(e.contains("already in use"), "{e}");
    assert_eq!(spec.field_for_error(&e), Some(Field::Name));

    // An image the engine lacks: refused, naming the image field; nothing created.
    let missing = format!("dockside-test/no-such-image-{}:latest", std::process::id());
    let mut other = RunForm::for_image(&missing);
    let other_name = unique_name("dockside-run-missing");
    let _other_guard = Cleanup::container(&other_name);
    other.name = other_name.clone();
    let e = containers::run(&dk, &other.validate().expect("valid"))
        .await
        .expect_err("ran a missing image");
    assert!(e.starts_with("image: "), "{e}");
    assert!(!engine::container_exists(&other_name));

    // A command that can't start: refused, naming the command field, and the half-made
    // container is removed so the form can be resubmitted.
    let mut bad = RunForm::for_image(&test_image());
    let bad_name = unique_name("dockside-run-badcmd");
    let _bad_guard = Cleanup::container(&bad_name);
    bad.name = bad_name.clone();
    bad.command = "no-such-binary --flag".into();
    let e = containers::run(&dk, &bad.validate().expect("valid"))
        .await
        .expect_err("ran a missing binary");
    assert!(e.starts_with("command: "), "{e}");
    assert!(!engine::container_exists(&bad_name));
}
