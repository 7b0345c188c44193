//! Docker engine helpers for integration tests.
//!
//! Everything goes through the `docker` CLI (which honours `DOCKER_HOST`,
//! `DOCKER_CONTEXT`, ... from the environment), so the helpers do not depend
//! on the application's own engine client.
//!
//! Typical use:
//!
//! ```ignore
//! if !support::engine::available() { return; }
//! let c = support::engine::TestContainer::run("logs", &[], &["sh", "-c", "echo ready; sleep 60"]);
//! assert!(support::wait_until(Duration::from_secs(10), || c.logs().contains("ready")));
//! // `c` is removed (`docker rm -f -v`) when dropped.
//! ```

use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Image every test container is created from (built by `scripts/engine.sh`).
pub const TEST_IMAGE: &str = "dockside-test/busybox:latest";

/// Label put on every container the tests create (`dockside.test=1`).
pub const TEST_LABEL: &str = "dockside.test";

/// Environment variable that turns a missing engine into a test failure.
pub const REQUIRE_ENV: &str = "DOCKSIDE_REQUIRE_ENGINE";

/// How long the reachability probe may take before the engine counts as absent.
const PROBE_TIMEOUT: Duration = Duration::from_secs(20);

/// The test image: `DOCKSIDE_TEST_IMAGE` when set (as `scripts/engine.sh`
/// honours it), otherwise [`TEST_IMAGE`].
pub fn test_image() -> String {
    std::env::var("DOCKSIDE_TEST_IMAGE")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| TEST_IMAGE.to_string())
}

/// True when `DOCKSIDE_REQUIRE_ENGINE=1` (CI sets it): engine tests must then
/// fail instead of being skipped when no engine answers.
pub fn engine_required() -> bool {
    std::env::var(REQUIRE_ENV).is_ok_and(|v| v.trim() == "1")
}

/// Result of probing the engine, computed once per test process:
/// `Ok(server version)` or `Err(why it is unreachable)`.
pub fn probe() -> &'static Result<String, String> {
    static PROBE: OnceLock<Result<String, String>> = OnceLock::new();
    PROBE.get_or_init(probe_uncached)
}

fn probe_uncached() -> Result<String, String> {
    let mut child = Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run the docker CLI: {e}"))?;
    let deadline = Instant::now() + PROBE_TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`docker version` did not answer within {PROBE_TIMEOUT:?}"
                ));
            }
            Err(e) => return Err(format!("waiting for `docker version`: {e}")),
        }
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("reading `docker version` output: {e}"))?;
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if out.status.success() && !version.is_empty() {
        Ok(version)
    } else {
        Err(format!(
            "`docker version` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Whether engine tests should run.
///
/// - Engine reachable: `true`.
/// - Not reachable and [`engine_required`]: **panics** with the reason, so the
///   test fails in CI instead of silently passing.
/// - Not reachable and not required: prints `skipping: no Docker engine` to
///   stderr and returns `false`.
///
/// Use as `if !support::engine::available() { return; }`.
pub fn available() -> bool {
    match probe() {
        Ok(_) => true,
        Err(why) => {
            let host = std::env::var("DOCKER_HOST").unwrap_or_else(|_| "<unset>".into());
            if engine_required() {
                panic!(
                    "a Docker engine is required ({REQUIRE_ENV}=1) but not reachable \
                     (DOCKER_HOST={host}): {why}\nhint: run scripts/engine.sh"
                );
            }
            eprintln!("skipping: no Docker engine (DOCKER_HOST={host}): {why}");
            // Test output is captured: leave a mark scripts/test.sh reports at the end.
            let mark = concat!(env!("CARGO_TARGET_TMPDIR"), "/engine-tests-skipped");
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(mark)
            {
                use std::io::Write;
                let _ = writeln!(f, "{why}");
            }
            false
        }
    }
}

/// Alias of [`available`].
pub fn engine_or_skip() -> bool {
    available()
}

/// Runs `docker <args>` and returns its output, whatever the exit status.
/// Panics only when the CLI cannot be started at all.
pub fn docker(args: &[&str]) -> Output {
    Command::new("docker")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run `docker {}`: {e}", args.join(" ")))
}

/// Runs `docker <args>`, panics (showing stderr) unless it succeeds, and
/// returns the trimmed stdout.
pub fn docker_ok(args: &[&str]) -> String {
    checked(args, docker(args))
}

/// The trimmed stdout of a finished `docker <args>`; panics (showing stderr) unless it succeeded.
fn checked(args: &[&str], out: Output) -> String {
    if !out.status.success() {
        panic!(
            "`docker {}` failed ({}):\nstderr: {}\nstdout: {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim(),
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Like [`docker_ok`], for commands the engine runs one at a time (`system df`, prunes): while
/// another caller's runs (dockside itself, another test), the engine refuses with "a disk usage
/// operation is already running"; wait a little and ask again (for up to a minute).
pub fn docker_ok_exclusive(args: &[&str]) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = docker(args);
        let busy = !out.status.success()
            && String::from_utf8_lossy(&out.stderr).contains("operation is already running");
        if busy && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(200));
            continue;
        }
        // Judge this very run: running the command again could meet another caller's.
        return checked(args, out);
    }
}

/// A name that is unique per process and per call, lower-case and valid as a
/// Docker container name: `<prefix>-<pid>-<counter>-<time>`.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    // 36^6 ≈ 2.2e9 ns ≈ 2 s of distinct values: together with pid and counter
    // this keeps names short and unique (also across reused pids).
    let t = base36((nanos % 36u128.pow(6)) as u64);
    let mut prefix: String = prefix
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !prefix.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        prefix.insert(0, 't');
    }
    format!("{prefix}-{}-{n}-{t}", std::process::id())
}

fn base36(mut v: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(v % 36) as usize]);
        v /= 36;
        if v == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// A container created for a test, labelled `dockside.test=1`, removed with
/// `docker rm -f -v` when dropped.
#[derive(Debug)]
pub struct TestContainer {
    /// Full container id.
    pub id: String,
    /// Container name (without the leading `/`).
    pub name: String,
}

impl TestContainer {
    /// `docker run -d --label dockside.test=1 --name <unique> <extra_args> <test image> <cmd>`.
    pub fn run(name_prefix: &str, extra_args: &[&str], cmd: &[&str]) -> TestContainer {
        Self::start_with("run", &["-d"], name_prefix, extra_args, cmd)
    }

    /// `docker create --label dockside.test=1 --name <unique> <extra_args> <test image> <cmd>`.
    pub fn create(name_prefix: &str, extra_args: &[&str], cmd: &[&str]) -> TestContainer {
        Self::start_with("create", &[], name_prefix, extra_args, cmd)
    }

    fn start_with(
        verb: &str,
        verb_flags: &[&str],
        name_prefix: &str,
        extra_args: &[&str],
        cmd: &[&str],
    ) -> TestContainer {
        let name = unique_name(name_prefix);
        let label = format!("{TEST_LABEL}=1");
        let image = test_image();
        let mut args: Vec<&str> = vec![verb];
        args.extend_from_slice(verb_flags);
        args.extend_from_slice(&["--label", &label, "--name", &name]);
        args.extend_from_slice(extra_args);
        args.push(&image);
        args.extend_from_slice(cmd);
        let out = docker(&args);
        if !out.status.success() {
            // `docker run -d` may have created the container before failing to start it.
            let _ = docker(&["rm", "-f", "-v", &name]);
            panic!(
                "`docker {}` failed ({}): {}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let id = String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or_default()
            .trim()
            .to_string();
        assert!(
            !id.is_empty(),
            "`docker {}` printed no container id",
            args.join(" ")
        );
        TestContainer { id, name }
    }

    /// The 12-character id Docker shows in listings.
    pub fn short_id(&self) -> &str {
        &self.id[..self.id.len().min(12)]
    }

    /// `docker inspect -f <format> <id>` (trimmed), panicking on failure.
    pub fn inspect(&self, format: &str) -> String {
        docker_ok(&["inspect", "-f", format, &self.id])
    }

    /// `.State.Status`: `created`, `running`, `exited`, `paused`, ...
    pub fn status(&self) -> String {
        self.inspect("{{.State.Status}}")
    }

    /// Combined stdout and stderr of `docker logs` (empty on failure).
    pub fn logs(&self) -> String {
        let out = docker(&["logs", &self.id]);
        let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
        s.push_str(&String::from_utf8_lossy(&out.stderr));
        s
    }

    /// Waits until the logs contain `needle`.
    pub fn wait_for_log(&self, needle: &str, timeout: Duration) -> bool {
        wait_until(timeout, || self.logs().contains(needle))
    }

    /// Waits until `.State.Status` equals `status`.
    pub fn wait_for_status(&self, status: &str, timeout: Duration) -> bool {
        wait_until(timeout, || {
            docker(&["inspect", "-f", "{{.State.Status}}", &self.id])
                .stdout
                .trim_ascii()
                == status.as_bytes()
        })
    }

    /// Whether the container still exists.
    pub fn exists(&self) -> bool {
        container_exists(&self.id)
    }
}

impl Drop for TestContainer {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["rm", "-f", "-v", &self.id])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// Whether a container with this id or name exists.
pub fn container_exists(id_or_name: &str) -> bool {
    docker(&[
        "inspect",
        "--type",
        "container",
        "-f",
        "{{.Id}}",
        id_or_name,
    ])
    .status
    .success()
}

/// Removes (`rm -f -v`) every container labelled `dockside.test` whose name
/// starts with `prefix` (an empty prefix removes all test containers).
/// Returns how many were removed.
pub fn remove_labelled(prefix: &str) -> usize {
    let filter = format!("label={TEST_LABEL}");
    let listing = docker_ok(&[
        "ps",
        "-a",
        "--filter",
        &filter,
        "--format",
        "{{.ID}} {{.Names}}",
    ]);
    let ids: Vec<&str> = listing
        .lines()
        .filter_map(|line| line.split_once(' '))
        .filter(|(_, names)| {
            names
                .split(',')
                .any(|n| n.trim_start_matches('/').starts_with(prefix))
        })
        .map(|(id, _)| id)
        .collect();
    if !ids.is_empty() {
        let mut args = vec!["rm", "-f", "-v"];
        args.extend_from_slice(&ids);
        let _ = docker(&args);
    }
    ids.len()
}

/// Polls `f` every 20 ms until it returns true (→ `true`) or `timeout`
/// passes (→ `false`; `f` is always tried once more at the deadline).
pub fn wait_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if f() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(20));
    }
}
