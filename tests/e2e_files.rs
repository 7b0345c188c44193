//! The real binary in a pseudo-terminal against the real engine: a container's file edited
//! in `$EDITOR` (a stand-in script), the UI suspended meanwhile and back afterwards, the file
//! written back in the container.

mod support;

use std::time::Duration;

use support::engine::{self, TestContainer, unique_name};
use support::pty::PtyApp;

const BIN: &str = env!("CARGO_BIN_EXE_dockside");
const T: Duration = Duration::from_secs(30);

fn ok<T>(r: Result<T, String>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// Removes a host directory of the test when dropped.
struct DirGuard(std::path::PathBuf);

impl Drop for DirGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn edit_a_file_in_the_editor_and_it_is_written_back() {
    use std::os::unix::fs::PermissionsExt;
    if !engine::available() {
        return;
    }
    // `/0edit` sorts first in `/`: the cursor is on it when the tab opens.
    let c = TestContainer::run(
        "e2e-edit",
        &[],
        &[
            "sh",
            "-c",
            "mkdir /0edit && printf 'a=1\\nb=2\\n' > /0edit/app.conf && sleep 300",
        ],
    );
    let c_name = c.name.clone();
    assert!(engine::wait_until(T, || {
        engine::docker(&["exec", &c_name, "test", "-f", "/0edit/app.conf"])
            .status
            .success()
    }));
    // The stand-in editor: notes what it was given (the copy's mode, its directory's, its
    // path), then changes the file as a person would.
    let host = std::env::temp_dir().join(unique_name("dse2e-editor"));
    std::fs::create_dir_all(&host).expect("host dir");
    let _host = DirGuard(host.clone());
    let note = host.join("note");
    let script = host.join("editor.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nstat -c %a \"$1\" \"$(dirname \"$1\")\" > {note}\necho \"$1\" >> {note}\nsed -i s/a=1/a=e2e/ \"$1\"\n",
            note = note.display()
        ),
    )
    .expect("script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let editor = script.display().to_string();
    let mut app = PtyApp::spawn(BIN, &[], &[("VISUAL", ""), ("EDITOR", &editor)], 200, 50);
    ok(app.wait_for(|s| s.contains("Containers"), T, "the containers view"));
    app.send_str("/'");
    app.send_str(&c.name);
    app.key_enter();
    ok(app.wait_for(
        |s| s.lines().any(|l| l.contains(&c.name) && l.contains("Up ")),
        T,
        "the container's row",
    ));
    app.send_str("F");
    ok(app.wait_for_text("0edit/", T));
    app.key_enter();
    ok(app.wait_for(
        |s| s.contains("└ /0edit") && s.contains("app.conf"),
        T,
        "/0edit listed",
    ));
    app.send_str("e");
    ok(app.wait_for_text(&format!("wrote {}:/0edit/app.conf", c.name), T));
    assert!(app.alternate_screen(), "the UI is back");
    ok(app.wait_for_text(&format!("Restart {}", c.name), T));
    app.send_str("n");
    ok(app.wait_for_no_text(&format!("Restart {}", c.name), T));
    assert_eq!(
        engine::docker(&["exec", &c.name, "cat", "/0edit/app.conf"]).stdout,
        b"a=e2e\nb=2\n"
    );
    assert_eq!(
        c.inspect("{{.State.Status}}"),
        "running",
        "no restart when declined"
    );
    // The editor had a private copy (0600 in a 0700 directory), removed afterwards.
    let noted = std::fs::read_to_string(&note).expect("the editor ran");
    let lines: Vec<&str> = noted.lines().collect();
    assert_eq!(lines.get(..2), Some(&["600", "700"][..]), "{noted}");
    let copy = std::path::Path::new(lines.get(2).copied().unwrap_or_default());
    assert!(copy.ends_with("app.conf"), "{noted}");
    assert!(!copy.exists(), "the copy is removed");
    assert!(
        copy.parent().is_some_and(|d| !d.exists()),
        "its directory too"
    );
    // An unchanged file is said so: the editor leaves it alone this time.
    std::fs::write(&script, "#!/bin/sh\ntrue\n").expect("script");
    app.send_str("e");
    ok(app.wait_for_text("unchanged: nothing written", T));
    app.send_str("q");
    assert_eq!(app.wait_exit(T), Some(0));
}
