//! The files tab against a real engine: listings match `stat` in the container, a file
//! downloads byte for byte, an upload reads back with `cat`, `docker diff` matches the
//! changes shown; on a running and on a stopped container.

mod support;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyModifiers};
use dockside::app::files::{EntryKind, FilesView, mode_string};
use support::driver::Driver;
use support::engine::{self, TestContainer, docker_ok, unique_name};

const T: Duration = Duration::from_secs(30);

fn type_line(d: &mut Driver, text: &str) {
    // Clear what the prompt offers first.
    for _ in 0..64 {
        d.key_code(KeyCode::Backspace, KeyModifiers::NONE);
    }
    for ch in text.chars() {
        d.key_code(KeyCode::Char(ch), KeyModifiers::NONE);
    }
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
}

fn listed(f: &FilesView, path: &str) -> bool {
    f.path == path && matches!(f.listing, Some(Ok(_)))
}

/// Move the cursor onto `name`.
fn cursor_to(d: &mut Driver, name: &str) {
    d.key('g');
    for _ in 0..200 {
        if d.state.files.selected().map(|e| e.name.as_str()) == Some(name) {
            return;
        }
        d.key('j');
    }
    panic!("no entry {name} in {:?}", d.state.files.listing);
}

/// `stat` in the container, one line per file: name, size, mode, owner.
fn stat_of(c: &TestContainer, dir: &str) -> Vec<(String, u64, String, [String; 2])> {
    let out = docker_ok(&[
        "exec",
        &c.name,
        "sh",
        "-c",
        &format!("cd {dir} && stat -c '%n|%s|%A|%u:%g|%U:%G' * "),
    ]);
    out.lines()
        .filter_map(|l| {
            let p: Vec<&str> = l.split('|').collect();
            // Names where the archive has them, else numbers.
            let owner = [p.get(3)?.to_string(), p.get(4)?.to_string()];
            Some((
                p.first()?.to_string(),
                p.get(1)?.parse().ok()?,
                p.get(2)?.to_string(),
                owner,
            ))
        })
        .collect()
}

/// Removes a test volume when dropped.
struct VolumeGuard(String);

impl Drop for VolumeGuard {
    fn drop(&mut self) {
        let _ = engine::docker(&["volume", "rm", "-f", &self.0]);
    }
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(unique_name(tag));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_tab_lists_views_downloads_uploads_and_diffs() {
    if !engine::available() {
        return;
    }
    let vol = unique_name("dsfiles-vol");
    // Dropped after the container (declared first), even when an assertion fails.
    let _vol = VolumeGuard(vol.clone());
    let c = TestContainer::run(
        "files",
        &["-v", &format!("{vol}:/data/vol")],
        &["sleep", "300"],
    );
    docker_ok(&[
        "exec",
        &c.name,
        "sh",
        "-c",
        "mkdir -p /data/sub/deeper && printf 'hello files\\nsecond line\\n' > /data/hello.txt \
         && echo in-sub > /data/sub/a.txt && head -c 5000 /dev/urandom > /data/sub/deeper/b.bin \
         && head -c 3000 /dev/urandom > /data/blob.bin && chmod 600 /data/blob.bin \
         && chown 1234:4321 /data/hello.txt && ln -s /etc/passwd /data/pw \
         && rm /bin/yes",
    ]);
    let mut d = Driver::start(None);
    d.select(&c.id).await;
    d.key('F');
    assert!(
        d.until(T, |s| listed(&s.files, "/")).await,
        "/ listed: {:?}",
        d.state.files.listing
    );
    // /etc: the entries `ls -A` gives; back up to / lands on it.
    cursor_to(&mut d, "etc");
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    assert!(d.until(T, |s| listed(&s.files, "/etc")).await);
    let Some(Ok(etc)) = d.state.files.listing.clone() else {
        panic!("no /etc listing");
    };
    let mut names: Vec<&str> = etc.entries.iter().map(|e| e.name.as_str()).collect();
    names.sort_unstable();
    let ls = docker_ok(&["exec", &c.name, "ls", "-A", "/etc"]);
    let mut want: Vec<&str> = ls.split_whitespace().collect();
    want.sort_unstable();
    assert_eq!(names, want);
    assert!(names.contains(&"passwd"), "{names:?}");
    d.key('h');
    assert!(d.until(T, |s| listed(&s.files, "/")).await);
    assert_eq!(
        d.state.files.selected().map(|e| e.name.as_str()),
        Some("etc"),
        "back on the directory we came from"
    );
    cursor_to(&mut d, "data");
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    assert!(
        d.until(T, |s| listed(&s.files, "/data")).await,
        "/data listed: {:?}",
        d.state.files.listing
    );
    // Every entry as `stat` sees it.
    let Some(Ok(listing)) = d.state.files.listing.clone() else {
        panic!("no listing");
    };
    let stat = stat_of(&c, "/data");
    let mut names: Vec<&str> = listing.entries.iter().map(|e| e.name.as_str()).collect();
    names.sort();
    let mut want: Vec<&str> = stat.iter().map(|s| s.0.as_str()).collect();
    want.sort();
    assert_eq!(names, want);
    for (name, size, mode, owner) in &stat {
        let e = listing
            .entries
            .iter()
            .find(|e| e.name == *name)
            .expect("listed");
        assert_eq!(mode_string(e.kind, e.mode), *mode, "{name}");
        assert!(
            owner.contains(&e.owner),
            "{name}: {} not in {owner:?}",
            e.owner
        );
        if e.kind == EntryKind::File {
            assert_eq!(e.size, *size, "{name}");
        }
    }
    let pw = listing.entries.iter().find(|e| e.name == "pw").expect("pw");
    assert_eq!(pw.link.as_deref(), Some("/etc/passwd"));
    // The volume is marked.
    assert_eq!(
        d.state.files.mount_of("/data/vol").map(|m| m.label()),
        Some("volume".to_string())
    );

    // View a text file and search it.
    cursor_to(&mut d, "hello.txt");
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    assert!(
        d.until(T, |s| matches!(&s.files.viewer, Some(Ok(_)))).await,
        "viewer: {:?}",
        d.state.files.viewer
    );
    let Some(Ok(content)) = d.state.files.viewer.clone() else {
        panic!("no content");
    };
    assert!(content.is_text());
    assert_eq!(content.lines(), ["hello files", "second line"]);
    d.key('/');
    for ch in "second".chars() {
        d.key(ch);
    }
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(d.state.files.scroll, 1, "the search went to the match");
    d.key_code(KeyCode::Esc, KeyModifiers::NONE);
    d.key_code(KeyCode::Esc, KeyModifiers::NONE);
    assert!(d.state.files.viewer.is_none());

    // A binary file shows as hex.
    cursor_to(&mut d, "blob.bin");
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    assert!(d.until(T, |s| matches!(&s.files.viewer, Some(Ok(_)))).await);
    let Some(Ok(blob)) = d.state.files.viewer.clone() else {
        panic!("no content");
    };
    assert_eq!(blob.size, 3000);
    d.key('h');
    assert!(d.state.files.viewer.is_none());

    // Download it and compare bytes.
    let host = temp_dir("dsfiles-dl");
    d.key('d');
    type_line(&mut d, &host.to_string_lossy());
    let got = host.join("blob.bin");
    assert!(
        d.until(T, |_| got.exists()
            && std::fs::metadata(&got).map(|m| m.len()).unwrap_or(0) == 3000)
            .await,
        "downloaded: {:?}",
        d.state.status
    );
    let want = std::process::Command::new("docker")
        .args(["exec", &c.name, "cat", "/data/blob.bin"])
        .output()
        .expect("docker exec cat");
    assert_eq!(std::fs::read(&got).expect("read download"), want.stdout);
    // A directory downloads too.
    cursor_to(&mut d, "sub");
    d.key('d');
    type_line(&mut d, &host.to_string_lossy());
    let deep = host.join("sub/deeper/b.bin");
    assert!(
        d.until(T, |_| std::fs::metadata(&deep)
            .is_ok_and(|m| m.len() == 5000))
            .await,
        "{:?}",
        d.state.status
    );
    // Its files, byte for byte.
    for f in ["sub/a.txt", "sub/deeper/b.bin"] {
        let want = engine::docker(&["exec", &c.name, "cat", &format!("/data/{f}")]).stdout;
        assert_eq!(
            std::fs::read(host.join(f)).expect("downloaded"),
            want,
            "{f}"
        );
    }

    // Upload a host file into /data and read it back.
    let up = host.join("uploaded.txt");
    std::fs::write(&up, "from the host\n").expect("write upload");
    d.key('u');
    type_line(&mut d, &up.to_string_lossy());
    let c_name = c.name.clone();
    assert!(
        engine::wait_until(T, || {
            std::process::Command::new("docker")
                .args(["exec", &c_name, "cat", "/data/uploaded.txt"])
                .output()
                .is_ok_and(|o| o.stdout == b"from the host\n")
        }),
        "uploaded: {:?}",
        d.state.status
    );

    // docker diff, as the tab shows it.
    d.key('c');
    assert!(
        d.until(T, |s| matches!(s.files.changes, Some(Ok(_)))).await,
        "{:?}",
        d.state.files.changes
    );
    let Some(Ok(changes)) = d.state.files.changes.clone() else {
        panic!("no changes");
    };
    let mut shown: Vec<String> = changes
        .iter()
        .map(|c| format!("{} {}", c.kind, c.path))
        .collect();
    shown.sort();
    let mut want: Vec<String> = docker_ok(&["diff", &c.name])
        .lines()
        .map(str::to_string)
        .collect();
    want.sort();
    assert_eq!(shown, want);
    assert!(shown.contains(&"D /bin/yes".to_string()), "{shown:?}");
    // Enter on a change opens its directory.
    let i = changes
        .iter()
        .position(|c| c.path == "/data/hello.txt")
        .expect("hello.txt changed");
    d.key('g');
    for _ in 0..i {
        d.key('j');
    }
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    assert!(d.until(T, |s| listed(&s.files, "/data")).await);
    assert!(d.until(T, |s| matches!(&s.files.viewer, Some(Ok(_)))).await);

    drop(d);
    let _ = std::fs::remove_dir_all(&host);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_tab_works_on_a_stopped_container() {
    if !engine::available() {
        return;
    }
    let c = TestContainer::run(
        "files-stopped",
        &[],
        &["sh", "-c", "echo stopped-content > /note.txt"],
    );
    assert!(c.wait_for_status("exited", T), "{}", c.status());
    let mut d = Driver::start(None);
    // Stopped containers are shown by default.
    d.select(&c.id).await;
    d.key('F');
    assert!(d.until(T, |s| listed(&s.files, "/")).await);
    cursor_to(&mut d, "note.txt");
    let host = temp_dir("dsfiles-stopped");
    d.key('d');
    type_line(&mut d, &host.to_string_lossy());
    let got = host.join("note.txt");
    assert!(
        d.until(T, |_| std::fs::read(&got)
            .is_ok_and(|b| b == b"stopped-content\n"))
            .await,
        "{:?}",
        d.state.status
    );
    d.key('c');
    assert!(d.until(T, |s| matches!(s.files.changes, Some(Ok(_)))).await);
    let Some(Ok(changes)) = d.state.files.changes.clone() else {
        panic!("no changes");
    };
    assert!(
        changes
            .iter()
            .any(|c| c.kind == 'A' && c.path == "/note.txt"),
        "{changes:?}"
    );
    drop(d);
    let _ = std::fs::remove_dir_all(&host);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_and_export_a_container() {
    if !engine::available() {
        return;
    }
    let c = TestContainer::run(
        "files-export",
        &[],
        &["sh", "-c", "echo exported > /marker.txt && sleep 300"],
    );
    assert!(c.wait_for_status("running", T), "{}", c.status());
    let c_name = c.name.clone();
    assert!(engine::wait_until(T, || {
        engine::docker(&["exec", &c_name, "cat", "/marker.txt"])
            .status
            .success()
    }));
    let mut d = Driver::start(None);
    d.select(&c.id).await;
    // Rename: the list follows the engine's event.
    let new_name = unique_name("files-renamed");
    d.key('R');
    type_line(&mut d, &new_name);
    let (id, want) = (c.id.clone(), new_name.clone());
    assert!(
        d.until(T, move |s| s
            .containers
            .get(&id)
            .is_some_and(|c| c.name == want))
            .await,
        "renamed: {:?}",
        d.state.status
    );
    assert_eq!(c.inspect("{{.Name}}").trim(), format!("/{new_name}"));
    // Export from the files tab: the tar holds the container's files.
    d.key('F');
    assert!(d.until(T, |s| listed(&s.files, "/")).await);
    let host = temp_dir("dsfiles-export");
    let file = host.join("fs.tar");
    d.key('x');
    type_line(&mut d, &file.to_string_lossy());
    let status = d.until(T, |s| {
        s.status
            .as_ref()
            .is_some_and(|st| st.text.starts_with("exported"))
    });
    assert!(status.await, "{:?}", d.state.status);
    let mut archive = tar::Archive::new(std::fs::File::open(&file).expect("tar file"));
    let mut found = None;
    for e in archive.entries().expect("entries") {
        let mut e = e.expect("entry");
        if e.path().expect("path").to_string_lossy() == "marker.txt" {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut e, &mut s).expect("read");
            found = Some(s);
        }
    }
    assert_eq!(found.as_deref(), Some("exported\n"));
    // A second export to the same file is refused, the file left as it was.
    let len = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    d.key('x');
    type_line(&mut d, &file.to_string_lossy());
    let refused = d.until(T, |s| {
        s.status
            .as_ref()
            .is_some_and(|st| st.text.contains("exists"))
    });
    assert!(refused.await, "{:?}", d.state.status);
    assert_eq!(std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0), len);
    drop(d);
    let _ = std::fs::remove_dir_all(&host);
}

fn status_text(d: &Driver) -> String {
    d.state
        .status
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

/// `e` on a file: fetched into a private copy, edited (a stand-in editor), written back with
/// its mode and owner, a restart offered; the copy is gone afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_a_file_and_it_is_written_back_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    if !engine::available() {
        return;
    }
    let c = TestContainer::run("files-edit", &[], &["sleep", "300"]);
    docker_ok(&[
        "exec",
        &c.name,
        "sh",
        "-c",
        "mkdir -p /srv && printf 'a=1\\nb=2\\n' > /srv/app.conf \
         && chown 1234:4321 /srv/app.conf && chmod 640 /srv/app.conf \
         && head -c 100 /dev/urandom > /srv/blob.bin",
    ]);
    let mut d = Driver::start(None);
    d.select(&c.id).await;
    d.key('F');
    assert!(d.until(T, |s| listed(&s.files, "/")).await);
    cursor_to(&mut d, "srv");
    d.key_code(KeyCode::Enter, KeyModifiers::NONE);
    assert!(d.until(T, |s| listed(&s.files, "/srv")).await);

    // A binary file is refused before any editor opens.
    cursor_to(&mut d, "blob.bin");
    d.key('e');
    assert!(
        d.until(T, |s| s
            .status
            .as_ref()
            .is_some_and(|m| m.text.contains("binary")))
            .await,
        "{}",
        status_text(&d)
    );
    assert!(d.edits.lock().map(|e| e.is_empty()).unwrap_or(false));

    cursor_to(&mut d, "app.conf");
    d.key('e');
    assert!(
        d.until(T, |s| s
            .status
            .as_ref()
            .is_some_and(|m| m.text.starts_with("editing")))
            .await,
        "{}",
        status_text(&d)
    );
    let file = d
        .edits
        .lock()
        .ok()
        .and_then(|mut e| e.pop())
        .expect("the editor asked for");
    // A private copy: the directory 0700, the file 0600, the container's bytes.
    let dir = file.scratch.path().to_path_buf();
    let mode = |p: &std::path::Path| {
        std::fs::metadata(p)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    };
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&file.local), 0o600);
    assert_eq!(
        std::fs::read_to_string(&file.local).expect("copy"),
        "a=1\nb=2\n"
    );
    assert_eq!((file.mode, file.uid, file.gid), (0o640, 1234, 4321));

    let outcome = dockside::editor::run_editor("sed -i s/a=1/a=42/", &file).await;
    assert_eq!(
        outcome,
        dockside::app::files::EditOutcome::Changed(9),
        "a=42 b=2"
    );
    let mut out = Vec::new();
    dockside::app::update(
        &mut d.state,
        dockside::app::Msg::Files(dockside::app::files::FilesMsg::Edited {
            file: Box::new(file),
            outcome,
        }),
        &mut out,
    );
    for cmd in out {
        d.send_cmd(cmd);
    }
    assert!(
        d.until(T, |s| s
            .status
            .as_ref()
            .is_some_and(|m| m.text.starts_with("wrote")))
            .await,
        "{}",
        status_text(&d)
    );
    assert_eq!(
        engine::docker(&["exec", &c.name, "cat", "/srv/app.conf"]).stdout,
        b"a=42\nb=2\n"
    );
    assert_eq!(
        docker_ok(&["exec", &c.name, "stat", "-c", "%a %u:%g", "/srv/app.conf"]).trim(),
        "640 1234:4321",
        "mode and owner kept"
    );
    assert!(
        matches!(&d.state.overlay, dockside::app::state::Overlay::Ask { question, .. } if question.contains("Restart")),
        "a restart is offered: {:?}",
        d.state.overlay
    );
    assert!(!dir.exists(), "the private copy is removed");
}

/// What could not be written back is refused before the editor opens, with its line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_that_could_not_be_written_back_are_refused_first() {
    if !engine::available() {
        return;
    }
    let vol = unique_name("dsfiles-edit-vol");
    let _vol = VolumeGuard(vol.clone());
    let host = temp_dir("dsfiles-edit-bind");
    let _host = DirGuard(host.clone());
    std::fs::write(host.join("app.conf"), "x=1\n").expect("bind file");
    let c = TestContainer::run(
        "files-edit-ro",
        &[
            "--read-only",
            "-v",
            &format!("{vol}:/data"),
            "-v",
            &format!("{}:/etc/app.conf", host.join("app.conf").display()),
            "-v",
            &format!("{}:/conf:ro", host.display()),
        ],
        &["sh", "-c", "echo v=1 > /data/v.conf && sleep 300"],
    );
    assert!(c.wait_for_status("running", T), "{}", c.status());
    let docker =
        dockside::docker::client::connect(&dockside::docker::client::resolve(None, None).addr)
            .await
            .expect("engine");
    let fetch = |path: &'static str| {
        let (docker, id, name) = (docker.clone(), c.id.clone(), c.name.clone());
        async move { dockside::docker::edit::fetch(&docker, &id, &name, path).await }
    };
    let said = |r: Result<dockside::app::files::EditFile, String>| match r {
        Ok(f) => panic!("{} was not refused", f.path),
        Err(e) => e,
    };
    let ro = said(fetch("/etc/passwd").await);
    assert!(ro.contains("read-only root filesystem"), "{ro}");
    let ro_mount = said(fetch("/conf/app.conf").await);
    assert!(ro_mount.contains("read-only bind mount"), "{ro_mount}");
    let single = said(fetch("/etc/app.conf").await);
    assert!(single.contains("bind-mounted from the host"), "{single}");
    let hosts = said(fetch("/etc/hosts").await);
    assert!(hosts.contains("written by the engine"), "{hosts}");
    let dir = said(fetch("/data").await);
    assert!(dir.contains("directory"), "{dir}");
    // A writable volume of a read-only container can be edited.
    let ok = fetch("/data/v.conf")
        .await
        .expect("a file on a writable volume");
    assert_eq!(std::fs::read_to_string(&ok.local).expect("copy"), "v=1\n");
    drop(ok);
}

/// Removes a host directory of a test when dropped.
struct DirGuard(std::path::PathBuf);

impl Drop for DirGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
