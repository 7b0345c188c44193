//! The command line, before any terminal or engine: a bad keymap is refused with the file and
//! line and exit code 2, a one-line keymap loads.

use std::process::Command;

fn dockside(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dockside"))
        .args(args)
        // An address nobody answers: if the keymap were accepted, the run must not reach an
        // engine or a terminal; stdin is not a terminal here, so it stops at once.
        .env("DOCKER_HOST", "unix:///nonexistent/dockside-cli-test.sock")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run dockside");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn keymap_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dockside-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write keymap");
    path
}

#[test]
fn each_bad_keymap_exits_2_naming_file_and_line() {
    let cases = [
        (
            "action.toml",
            "[[global]]\nkeys = [\"z\"]\naction = \"fly_to_moon\"\n",
            3,
            "unknown action `fly_to_moon`",
        ),
        (
            "field.toml",
            "[[global]]\nkeys = [\"z\"]\naction = \"quit\"\nfrobnicate = 1\n",
            4,
            "frobnicate",
        ),
        (
            "group.toml",
            "# mine\n[[galaxy]]\nkeys = [\"z\"]\naction = \"quit\"\n",
            2,
            "galaxy",
        ),
        (
            "twice.toml",
            "[[containers]]\nkeys = [\"x\", \"x\"]\naction = \"stop\"\n",
            2,
            "bound twice",
        ),
        (
            "shadow.toml",
            "[[containers]]\nkeys = [\"q\"]\naction = \"kill\"\n",
            3,
            "hides the global `quit`",
        ),
    ];
    for (name, text, line, what) in cases {
        let path = keymap_file(name, text);
        let (code, err) = dockside(&["--keymap", path.to_str().expect("utf-8 path")]);
        assert_eq!(code, Some(2), "{name}: {err}");
        let want = format!("{}:{line}: ", path.display());
        assert!(err.contains(&want), "{name}: want `{want}` in: {err}");
        assert!(err.contains(what), "{name}: want `{what}` in: {err}");
    }
}

#[test]
fn print_keymap_is_the_built_in_one() {
    let out = Command::new(env!("CARGO_BIN_EXE_dockside"))
        .arg("--print-keymap")
        .output()
        .expect("run dockside");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text, dockside::app::keymap::DEFAULT_KEYMAP);
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    for shell in ["bash", "zsh", "fish"] {
        let out = Command::new(env!("CARGO_BIN_EXE_dockside"))
            .args(["completions", shell])
            .output()
            .expect("run dockside");
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        // Each shell spells options its own way (fish: `readonly`, `keymap=`).
        assert!(text.contains("readonly"), "{shell}: {text}");
        assert!(text.contains("keymap"), "{shell}");
        assert!(text.contains("completions"), "{shell}: the subcommands too");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_dockside"))
        .arg("man")
        .output()
        .expect("run dockside");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with(".ie") || text.contains(".TH"), "{text}");
    assert!(text.contains("readonly"), "{text}");
}

#[test]
fn every_engine_asked_for_is_checked_before_the_terminal_is_touched() {
    // The second of two addresses is malformed: refused by name, exit 2.
    let (code, err) = dockside(&["-H", "unix:///tmp/a.sock", "-H", "tcp://"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("tcp://") && err.contains("--host"), "{err}");
    // A context that does not exist.
    let dir = std::env::temp_dir().join(format!("dockside-cli-ctx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_dockside"))
        .args(["--context", "nosuchctx"])
        .env("DOCKER_CONFIG", &dir)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run dockside");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("nosuchctx") && err.contains("no such docker context"),
        "{err}"
    );
    // `[[engines]]` without a host names the entry.
    let cfg = dir.join("config.toml");
    std::fs::write(&cfg, "[[engines]]\nname = \"prod1\"\n").expect("write config");
    let (code, err) = dockside(&["--config", &cfg.display().to_string()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("engines[0]") && err.contains("prod1"), "{err}");
    // An unknown field of `[[engines]]` is refused with the config's message.
    std::fs::write(&cfg, "[[engines]]\nhost = \"unix:///x.sock\"\nport = 3\n").expect("write");
    let (code, err) = dockside(&["--config", &cfg.display().to_string()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("port"), "{err}");
}
