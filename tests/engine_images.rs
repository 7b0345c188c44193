//! Images against the real engine and the local registry on 127.0.0.1:5000: build (with
//! `.dockerignore`), failing build, cancelled build, tag/push/remove/pull round trip,
//! commit, refused removal, prune, list and inspect.
//!
//! Every image is named after the test process (`dockside-test-…-<pid>`) and removed at
//! the end (images pushed to the local registry stay there: it does not allow deletes).

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use bollard::Docker;
use tokio::sync::mpsc;

use dockside::app::images::{Progress, ProgressView};
use dockside::docker::client;
use dockside::docker::images::{self, OpTask};
use support::engine::{TestContainer, docker_ok, test_image};

/// `docker <args>` through the CLI, whatever its exit status.
fn cli(args: &[&str]) -> std::process::Output {
    support::engine::docker(args)
}

const TIMEOUT: Duration = Duration::from_secs(180);
const REGISTRY: &str = "127.0.0.1:5000";

async fn connect() -> Docker {
    client::connect("unix:///var/run/docker.sock")
        .await
        .unwrap_or_else(|e| panic!("connecting to the engine: {e}"))
}

fn pid() -> u32 {
    std::process::id()
}

/// Removes these images (`docker rmi -f`) when dropped.
struct Cleanup(Vec<String>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for r in &self.0 {
            let _ = cli(&["rmi", "-f", r]);
        }
    }
}

/// A temporary build context, removed when dropped.
struct Ctx(PathBuf);

impl Ctx {
    fn new(name: &str, dockerfile: &str) -> Ctx {
        let dir = std::env::temp_dir().join(format!("dockside-ctx-{name}-{}", pid()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir context");
        std::fs::write(dir.join("Dockerfile"), dockerfile).expect("write Dockerfile");
        Ctx(dir)
    }

    fn file(&self, rel: &str, text: &str) -> &Ctx {
        let p = self.0.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("write");
        self
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Ctx {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every event until `Done` or `Error` (inclusive). The task is kept alive meanwhile.
async fn collect(task: OpTask, mut rx: mpsc::Receiver<Progress>) -> Vec<Progress> {
    let mut out = Vec::new();
    let end = tokio::time::timeout(TIMEOUT, async {
        while let Some(p) = rx.recv().await {
            let last = matches!(p, Progress::Done { .. } | Progress::Error(_));
            out.push(p);
            if last {
                return;
            }
        }
    })
    .await;
    assert!(end.is_ok(), "timed out; events so far: {out:?}");
    drop(task);
    out
}

fn done_id(events: &[Progress]) -> Option<String> {
    match events.last() {
        Some(Progress::Done { image_id }) => image_id.clone(),
        _ => None,
    }
}

fn lines(events: &[Progress]) -> String {
    let mut s = String::new();
    for e in events {
        if let Progress::Line(l) = e {
            s.push_str(l);
            s.push('\n');
        }
    }
    s
}

fn layer_events(events: &[Progress]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, Progress::Layer { .. }))
        .count()
}

async fn build(docker: &Docker, ctx: &Ctx, tag: &str, args: &[(String, String)]) -> Vec<Progress> {
    let (tx, rx) = mpsc::channel(64);
    let task = images::build(docker, ctx.path(), None, tag, args, &tx, |p| p);
    drop(tx);
    collect(task, rx).await
}

async fn build_ok(docker: &Docker, ctx: &Ctx, tag: &str) -> String {
    let events = build(docker, ctx, tag, &[]).await;
    done_id(&events).unwrap_or_else(|| panic!("build of {tag} failed: {events:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn build_honours_dockerignore_then_list_and_inspect() {
    if !support::engine::available() {
        return;
    }
    let docker = connect().await;
    let tag = format!("dockside-test-build-{}:v1", pid());
    let _cleanup = Cleanup(vec![tag.clone()]);
    let dockerfile = format!(
        "FROM {}\nARG GREETING=none\nENV DOCKSIDE_T=1 GREETING=$GREETING\n\
         RUN echo built > /built.txt\nCOPY . /ctx/\nCMD [\"sh\", \"-c\", \"cat /built.txt\"]\n",
        test_image()
    );
    let ctx = Ctx::new("build", &dockerfile);
    ctx.file(".dockerignore", "# not these\nsecret.txt\nlogs/\n")
        .file("secret.txt", "password")
        .file("logs/a.log", "log")
        .file("keep.txt", "keep")
        .file("sub/inner.txt", "inner");

    let args = [("GREETING".to_string(), "hello".to_string())];
    let events = build(&docker, &ctx, &tag, &args).await;
    let id = done_id(&events).unwrap_or_else(|| panic!("no Done with an id: {events:?}"));
    assert!(id.starts_with("sha256:"), "{id}");
    let out = lines(&events);
    assert!(out.contains("Step 1/"), "build output: {out}");
    assert!(out.contains("echo built"), "build output: {out}");

    let mut view = ProgressView::new();
    for e in events {
        view.apply(e);
    }
    assert!(view.is_done());
    assert_eq!(view.image_id(), Some(id.as_str()));
    assert!(view.lines().any(|l| l.contains("Successfully built")));

    let shown = docker_ok(&[
        "run",
        "--rm",
        &tag,
        "sh",
        "-c",
        "cat /built.txt; ls -a /ctx /ctx/sub; echo $GREETING",
    ]);
    assert!(shown.contains("built"), "{shown}");
    assert!(shown.contains("keep.txt"), "{shown}");
    assert!(shown.contains("inner.txt"), "{shown}");
    assert!(shown.contains("Dockerfile"), "{shown}");
    assert!(shown.contains("hello"), "build arg: {shown}");
    assert!(!shown.contains("secret.txt"), "{shown}");
    assert!(!shown.contains("logs"), "{shown}");

    // list: the image, its tag, a size.
    let list = images::list(&docker, false).await.expect("list");
    let img = list
        .iter()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("{id} not listed"));
    assert!(img.tags.contains(&tag), "{img:?}");
    assert!(img.size > 0, "{img:?}");
    assert!(img.containers >= 0, "{img:?}");
    assert!(!img.dangling);

    // inspect: config and history.
    let d = images::inspect(&docker, &tag).await.expect("inspect");
    assert_eq!(d.id, id);
    assert!(d.tags.contains(&tag));
    assert_eq!(d.cmd, ["sh", "-c", "cat /built.txt"]);
    assert!(d.env.iter().any(|e| e == "DOCKSIDE_T=1"), "{:?}", d.env);
    assert!(d.env.iter().any(|e| e == "GREETING=hello"), "{:?}", d.env);
    assert!(
        d.history
            .iter()
            .any(|h| h.created_by.contains("echo built")),
        "{:?}",
        d.history
    );
    assert!(d.history.iter().any(|h| h.size > 0));
    assert!(d.created > 0);
    assert!(!d.os.is_empty() && !d.architecture.is_empty());

    assert!(
        images::inspect(&docker, "dockside-test-no-such-image:nope")
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_build_reports_the_engine_error() {
    if !support::engine::available() {
        return;
    }
    let docker = connect().await;
    let tag = format!("dockside-test-fail-{}:v1", pid());
    let label = format!("dockside.test.fail={}", pid());
    let _cleanup = Cleanup(vec![tag.clone()]);
    let ctx = Ctx::new(
        "fail",
        &format!(
            "FROM {}\nLABEL {label}\nRUN echo before\nRUN exit 7\n",
            test_image()
        ),
    );
    let events = build(&docker, &ctx, &tag, &[]).await;
    let Some(Progress::Error(e)) = events.last() else {
        panic!("expected an error: {events:?}");
    };
    assert!(e.contains("exit 7"), "{e}");
    assert!(e.contains("non-zero code: 7"), "{e}");
    assert!(
        !events.iter().any(|e| matches!(e, Progress::Done { .. })),
        "{events:?}"
    );
    // The output up to the failing step came first.
    assert!(lines(&events).contains("before"), "{events:?}");
    assert!(!cli(&["image", "inspect", &tag]).status.success());
    // The steps before the failing one stay behind as dangling cache: prune them.
    let (removed, _) = images::prune_with(&docker, true, &[&label])
        .await
        .expect("prune");
    assert!(!removed.is_empty(), "the cached step was not pruned");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_build_cancels_it() {
    if !support::engine::available() {
        return;
    }
    let docker = connect().await;
    let tag = format!("dockside-test-cancel-{}:v1", pid());
    let _cleanup = Cleanup(vec![tag.clone()]);
    let ctx = Ctx::new(
        "cancel",
        &format!("FROM {}\nRUN echo started; sleep 60\n", test_image()),
    );
    let (tx, mut rx) = mpsc::channel(64);
    let task = images::build(&docker, ctx.path(), None, &tag, &[], &tx, |p| p);
    drop(tx);
    let started = tokio::time::timeout(TIMEOUT, async {
        while let Some(p) = rx.recv().await {
            if matches!(&p, Progress::Line(l) if l.contains("started")) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(started, Ok(true), "the build never started");
    let t0 = std::time::Instant::now();
    drop(task);
    // The task is gone: the channel closes without a Done or an Error.
    let rest = tokio::time::timeout(Duration::from_secs(10), async {
        let mut rest = Vec::new();
        while let Some(p) = rx.recv().await {
            rest.push(p);
        }
        rest
    })
    .await
    .expect("the channel did not close after the task was dropped");
    assert!(
        !rest
            .iter()
            .any(|p| matches!(p, Progress::Done { .. } | Progress::Error(_))),
        "{rest:?}"
    );
    assert!(t0.elapsed() < Duration::from_secs(10));
    assert!(!cli(&["image", "inspect", &tag]).status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_remove_pull_round_trip() {
    if !support::engine::available() {
        return;
    }
    let docker = connect().await;
    let build_tag = format!("dockside-test-push-{}:build", pid());
    let repo = format!("{REGISTRY}/dockside-test-{}", pid());
    let reference = format!("{repo}:v1");
    let _cleanup = Cleanup(vec![build_tag.clone(), reference.clone()]);
    // A layer of its own, so the pull has something to download.
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let ctx = Ctx::new(
        "push",
        &format!(
            "FROM {}\nRUN echo {nonce} > /nonce && dd if=/dev/urandom of=/blob bs=1024 count=2048\n",
            test_image()
        ),
    );
    let id = build_ok(&docker, &ctx, &build_tag).await;

    images::tag(&docker, &id, &repo, "v1").await.expect("tag");
    let untagged = images::remove(&docker, &build_tag, false)
        .await
        .expect("untag the build tag");
    assert!(
        untagged.iter().any(|l| l.starts_with("Untagged:")),
        "{untagged:?}"
    );

    // Push.
    let (tx, rx) = mpsc::channel(64);
    let task = images::push(&docker, &reference, &tx, |p| p);
    drop(tx);
    let events = collect(task, rx).await;
    assert_eq!(done_id(&events).as_deref(), Some(id.as_str()), "{events:?}");
    assert!(layer_events(&events) > 0, "no layer events: {events:?}");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Progress::Layer { status, .. } if status == "Pushed")),
        "{events:?}"
    );
    assert!(lines(&events).contains("digest: sha256:"), "{events:?}");
    let mut view = ProgressView::new();
    for e in events {
        view.apply(e);
    }
    assert!(view.is_done());
    assert!(!view.layers().is_empty());
    assert!(
        view.layers().iter().all(|l| l.complete),
        "{:?}",
        view.layers()
    );

    // Remove it here: the last tag, so the image goes.
    let removed = images::remove(&docker, &reference, false)
        .await
        .expect("remove");
    assert!(
        removed.iter().any(|l| l.starts_with("Deleted:")),
        "{removed:?}"
    );
    assert!(!cli(&["image", "inspect", &id]).status.success());

    // Pull it back: same id.
    let (tx, rx) = mpsc::channel(64);
    let task = images::pull(&docker, &reference, &tx, |p| p);
    drop(tx);
    let events = collect(task, rx).await;
    assert_eq!(done_id(&events).as_deref(), Some(id.as_str()), "{events:?}");
    assert!(layer_events(&events) > 0, "no layer events: {events:?}");
    // The new layer was fetched (a fast registry may finish it within one tick, so its
    // "Downloading" states may be coalesced away: the last state of each tick is kept).
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Progress::Layer { status, .. } if status == "Pull complete")),
        "{events:?}"
    );
    assert!(lines(&events).contains("Digest: sha256:"), "{events:?}");
    let mut view = ProgressView::new();
    for e in events {
        view.apply(e);
    }
    assert!(view.is_done());
    assert!(
        view.layers().iter().all(|l| l.complete),
        "{:?}",
        view.layers()
    );
    let (cur, tot) = view.total();
    assert_eq!(cur, tot);

    // A pull that fails: the engine's message.
    let (tx, rx) = mpsc::channel(64);
    let task = images::pull(&docker, &format!("{repo}:no-such-tag"), &tx, |p| p);
    drop(tx);
    let events = collect(task, rx).await;
    assert!(
        matches!(events.last(), Some(Progress::Error(e)) if e.contains("not found") || e.contains("unknown")),
        "{events:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commit_keeps_changes_author_and_message() {
    if !support::engine::available() {
        return;
    }
    let docker = connect().await;
    let repo = format!("dockside-test-commit-{}", pid());
    let reference = format!("{repo}:v1");
    let _cleanup = Cleanup(vec![reference.clone()]);
    let c = TestContainer::run("images-commit", &[], &["sleep", "60"]);
    docker_ok(&["exec", &c.id, "sh", "-c", "echo changed > /changed.txt"]);

    let author = "Dockside Tester <tester@example.com>";
    let id = images::commit(&docker, &c.id, &repo, "v1", author, "added changed.txt")
        .await
        .expect("commit");
    assert!(id.starts_with("sha256:"), "{id}");
    assert_eq!(
        c.status(),
        "running",
        "the container runs on after the commit"
    );

    let shown = docker_ok(&["run", "--rm", &reference, "cat", "/changed.txt"]);
    assert_eq!(shown, "changed");
    let meta = docker_ok(&[
        "inspect",
        "-f",
        "{{.Id}}|{{.Author}}|{{.Comment}}",
        &reference,
    ]);
    assert_eq!(meta, format!("{id}|{author}|added changed.txt"));

    let d = images::inspect(&docker, &reference).await.expect("inspect");
    assert_eq!(d.author, author);
    assert_eq!(d.comment, "added changed.txt");

    let err = images::commit(&docker, "dockside-no-such-container", &repo, "x", "", "")
        .await
        .expect_err("commit of a missing container");
    assert!(err.contains("No such container"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remove_refused_in_use_and_prune_dangling() {
    if !support::engine::available() {
        return;
    }
    let docker = connect().await;
    let label = format!("dockside.test.images={}", pid());
    let inuse = format!("dockside-test-inuse-{}:v1", pid());
    let pruned = format!("dockside-test-prune-{}:v1", pid());
    let _cleanup = Cleanup(vec![inuse.clone(), pruned.clone()]);

    // Refused while a container uses it.
    let ctx = Ctx::new(
        "inuse",
        &format!(
            "FROM {}\nLABEL {label}\nRUN echo inuse > /x\n",
            test_image()
        ),
    );
    let inuse_id = build_ok(&docker, &ctx, &inuse).await;
    let name = support::engine::unique_name("images-inuse");
    docker_ok(&[
        "run",
        "-d",
        "--label",
        "dockside.test=1",
        "--name",
        &name,
        &inuse,
        "sleep",
        "60",
    ]);
    struct Rm(String);
    impl Drop for Rm {
        fn drop(&mut self) {
            let _ = cli(&["rm", "-f", "-v", &self.0]);
        }
    }
    let _container = Rm(name);
    let err = images::remove(&docker, &inuse, false)
        .await
        .expect_err("removing an image in use");
    assert!(err.contains("conflict"), "{err}");
    assert!(err.contains("container"), "{err}");
    assert!(
        !err.contains("status code"),
        "the engine's message only: {err}"
    );
    assert!(cli(&["image", "inspect", &inuse]).status.success());
    let list = images::list(&docker, false).await.expect("list");
    let img = list.iter().find(|i| i.id == inuse_id).expect("listed");
    assert!(img.containers >= 1, "{img:?}");

    // Prune: an image replaced under its tag is dangling and goes; the tagged one stays.
    let ctx = Ctx::new(
        "prune1",
        &format!("FROM {}\nLABEL {label}\nRUN echo one > /x\n", test_image()),
    );
    let old = build_ok(&docker, &ctx, &pruned).await;
    let ctx = Ctx::new(
        "prune2",
        &format!("FROM {}\nLABEL {label}\nRUN echo two > /x\n", test_image()),
    );
    let new = build_ok(&docker, &ctx, &pruned).await;
    assert_ne!(old, new);
    let list = images::list(&docker, false).await.expect("list");
    let dangling = list.iter().find(|i| i.id == old).expect("old listed");
    assert!(
        dangling.dangling && dangling.tags.is_empty(),
        "{dangling:?}"
    );

    // The intermediate image of the LABEL step (a classic build leaves one; BuildKit does
    // not) is the parent of the final one: listed with the layers, not dangling, since
    // prune leaves it alone.
    let parent = cli(&["image", "inspect", "-f", "{{.Parent}}", &new]);
    let parent = String::from_utf8_lossy(&parent.stdout).trim().to_string();
    if !parent.is_empty() {
        let all = images::list(&docker, true).await.expect("list all");
        let p = all.iter().find(|i| i.id == parent).expect("parent listed");
        assert!(p.tags.is_empty() && !p.dangling, "{p:?}");
    }
    let (removed, reclaimed) = images::prune_with(&docker, true, &[&label])
        .await
        .expect("prune");
    assert!(
        removed.iter().any(|l| l == &format!("Deleted: {old}")),
        "{removed:?}"
    );
    assert!(!removed.iter().any(|l| l.contains(&new)), "{removed:?}");
    assert!(reclaimed > 0, "{reclaimed}");
    assert!(!cli(&["image", "inspect", &old]).status.success());
    assert!(cli(&["image", "inspect", &pruned]).status.success());
    if !parent.is_empty() {
        assert!(
            cli(&["image", "inspect", &parent]).status.success(),
            "prune removed the parent it was said to leave"
        );
    }
    assert!(cli(&["image", "inspect", &inuse]).status.success());
}

/// Save two marked tags to a tar file by keys (`space`, `S`), remove the tags, load the
/// file (`L`): the tags are back on the same image. A second save to the same file is
/// refused (nothing overwritten); a file that is not an image archive is refused with the
/// engine's reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_and_load_round_trip_by_keys() {
    use crossterm::event::{KeyCode, KeyModifiers};
    use support::driver::Driver;
    if !support::engine::available() {
        return;
    }
    let name = support::engine::unique_name("dockside-test-save");
    let tags = [format!("{name}:one"), format!("{name}:two")];
    let _cleanup = Cleanup(tags.to_vec());
    for t in &tags {
        docker_ok(&["tag", &test_image(), t]);
    }
    let id = docker_ok(&["image", "inspect", "-f", "{{.Id}}", &tags[0]]);
    let host = std::env::temp_dir().join(support::engine::unique_name("dockside-save"));
    let _host = Ctx(host.clone());
    let file = host.join("saved.tar");

    let mut d = Driver::start(None);
    let typed = |d: &mut Driver, text: &str| {
        for _ in 0..80 {
            d.key_code(KeyCode::Backspace, KeyModifiers::NONE);
        }
        for ch in text.chars() {
            d.key_code(KeyCode::Char(ch), KeyModifiers::NONE);
        }
        d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    };
    let status = |d: &Driver| {
        d.state
            .status
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default()
    };
    d.key('2');
    // Only this test's rows: a filter on its unique name.
    d.key('/');
    typed(&mut d, &name);
    let listed = |s: &dockside::app::State| s.views.images.list.len() == 2;
    assert!(d.until(TIMEOUT, listed).await, "both tags listed");
    d.key(' ');
    d.key('j');
    d.key(' ');
    assert_eq!(d.state.views.images.marked.len(), 2);
    let (refs, estimate) = d.state.views.images.save_targets();
    assert_eq!(refs, tags.to_vec());
    assert!(estimate > 0);
    d.key('S');
    typed(&mut d, &file.to_string_lossy());
    let saved = |s: &dockside::app::State| {
        s.status
            .as_ref()
            .is_some_and(|m| m.text.starts_with("saved") || m.text.contains("failed"))
    };
    assert!(d.until(TIMEOUT, saved).await, "{}", status(&d));
    assert!(status(&d).starts_with("saved"), "{}", status(&d));
    assert!(
        status(&d).contains(&file.display().to_string()),
        "{}",
        status(&d)
    );
    // The tar holds both tags.
    let manifest = {
        let mut a = tar::Archive::new(std::fs::File::open(&file).expect("saved file"));
        let mut text = String::new();
        for e in a.entries().expect("entries") {
            let mut e = e.expect("entry");
            if e.path().expect("path").to_string_lossy() == "manifest.json" {
                std::io::Read::read_to_string(&mut e, &mut text).expect("read");
            }
        }
        text
    };
    assert!(
        tags.iter().all(|t| manifest.contains(t.as_str())),
        "{manifest}"
    );

    // Saving again to the same file: refused, the file as it was.
    let len = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    d.key('S');
    typed(&mut d, &file.to_string_lossy());
    let refused = |s: &dockside::app::State| {
        s.status
            .as_ref()
            .is_some_and(|m| m.text.contains("already exists"))
    };
    assert!(d.until(TIMEOUT, refused).await, "{}", status(&d));
    assert_eq!(std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0), len);

    // The tags go; loading the file brings them back.
    for t in &tags {
        docker_ok(&["rmi", t]);
    }
    assert!(!cli(&["image", "inspect", &tags[0]]).status.success());
    d.key('L');
    typed(&mut d, &file.to_string_lossy());
    let loaded = |s: &dockside::app::State| {
        s.status
            .as_ref()
            .is_some_and(|m| m.text.starts_with("loaded") || m.text.contains("load "))
    };
    assert!(d.until(TIMEOUT, loaded).await, "{}", status(&d));
    let said = status(&d);
    assert!(
        said.starts_with("loaded") && tags.iter().all(|t| said.contains(t.as_str())),
        "{said}"
    );
    for t in &tags {
        assert_eq!(
            docker_ok(&["image", "inspect", "-f", "{{.Id}}", t]),
            id,
            "{t}"
        );
    }

    // Not an image archive: the engine's reason, in one line.
    let junk = host.join("junk.tar");
    std::fs::write(&junk, "not a tar file at all").expect("junk");
    d.key('L');
    typed(&mut d, &junk.to_string_lossy());
    let failed = |s: &dockside::app::State| {
        s.status
            .as_ref()
            .is_some_and(|m| m.text.starts_with("load ") && m.text.contains(':'))
    };
    assert!(d.until(TIMEOUT, failed).await, "{}", status(&d));
}
