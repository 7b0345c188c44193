//! `dockside-bench`: measures dockside against a real Docker engine.
//!
//! It creates its own containers (labels `dockside.bench=1` and `dockside.bench.run=<its pid>`,
//! names `bench-NNN`), runs the dockside binary in a pseudo-terminal whose screen is emulated
//! with vt100, points it at a counting proxy in front of the engine socket, and prints each
//! figure as `name: value unit` followed by a summary. Everything it created is removed at the
//! end (and on Ctrl-C / SIGTERM); leftovers of runs that are over are removed at the start
//! (never the containers of another run going on at the same time).
//!
//! ```text
//! cargo build --release && cargo run --release -p dockside-harness -- [--containers 200] [--cols 200 --rows 50]
//!     [--idle-secs 30] [--bin target/release/dockside] [--logs]
//! cargo run --release -p dockside-harness -- --exec [--cols 200 --rows 50]
//! ```
//!
//! `--exec` runs only the embedded-shell benchmark (one container, about a minute and a half):
//! echo latency, a 20 MB `cat` flood with help-overlay latency, and an idle open shell.
//!
//! `--swarm N [--tasks M]` runs only the Swarm benchmark, against the manager started by
//! `scripts/swarm.sh up` (the proxy then fronts its socket): N services of M tasks each
//! (`bench-svc-NNN`, label `dockside.bench=1`, removed at the end), the services view's first
//! frame, peak RSS, the requests of an idle window, and how soon a `docker service scale`
//! from a shell shows on screen.
//!
//! ```text
//! cargo run --release -p dockside-harness -- --engines 5 [--containers 200]
//! cargo run --release -p dockside-harness -- --compare [--install-peers] [--rounds 2] [--compare-large 1000]
//! ```
//!
//! `--engines N` runs only the fleet benchmark (module `engines`): the main engine and N-1
//! extra ones (`scripts/engine2.sh`, `bench1`…), `--containers` on each, a counting proxy in
//! front of every engine and dockside with one `-H` per proxy; the extra engines are stopped
//! and removed at the end and on Ctrl-C. `--compare` runs dockside and its peers side by side
//! (module `compare`). Every figure is printed with the machine's load average at the time.

use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::net::Shutdown;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[path = "dockside-bench/compare.rs"]
mod compare;
#[path = "dockside-bench/engines.rs"]
mod engines;

use clap::Parser as _;
use dockside_harness::keys::{self, BoundKey};
use dockside_harness::pty::{PtyApp, Spawn, lock};

const LABEL: &str = "dockside.bench=1";
const IMAGE: &str = "dockside-test/busybox:latest";
const ENGINE_SOCK: &str = "/var/run/docker.sock";
/// The Swarm manager of `scripts/swarm.sh` (`--swarm`).
const SWARM_SOCK: &str = "/tmp/dockside-swarm/e1.sock";
/// The socket the proxy forwards to: [`ENGINE_SOCK`] unless `--swarm` set another.
static TARGET_SOCK: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

fn engine_sock() -> &'static str {
    TARGET_SOCK.get().copied().unwrap_or(ENGINE_SOCK)
}
const HELP_TEXT: &str = "closes) ─";
/// How long a help-overlay sample may take; one that never shows counts as this long.
const HELP_TIMEOUT: Duration = Duration::from_secs(5);
/// Parallel `docker run -d` commands while creating containers.
const CREATE_PARALLEL: usize = 8;
/// Request lines kept by the proxy for the report.
const RECENT_REQUESTS: usize = 200;
/// `--exec`: the container, the size of the file it cats, samples per measurement, idle window.
const EXEC_CONTAINER: &str = "bench-exec";
const EXEC_FLOOD_BYTES: u64 = 20_000_000;
const EXEC_SAMPLES: usize = 20;
const EXEC_IDLE_SECS: u64 = 20;

/// Process group of the dockside currently running (0: none), for the Ctrl-C handler.
static CURRENT_CHILD: AtomicU32 = AtomicU32::new(0);

#[derive(clap::Parser, Debug)]
#[command(
    name = "dockside-bench",
    about = "Benchmark dockside against the local engine"
)]
struct Args {
    /// Idle containers to create (`bench-000`...).
    #[arg(long, default_value_t = 200)]
    containers: usize,
    /// Terminal width.
    #[arg(long, default_value_t = 200)]
    cols: u16,
    /// Terminal height.
    #[arg(long, default_value_t = 50)]
    rows: u16,
    /// Length of the idle window (and of the engine baseline), seconds.
    #[arg(long, default_value_t = 30)]
    idle_secs: u64,
    /// The dockside binary to measure.
    #[arg(long, default_value = "target/release/dockside")]
    bin: PathBuf,
    /// Also run the log benchmarks (1,000,000-line container, flood container).
    #[arg(long)]
    logs: bool,
    /// Run only the exec-shell benchmark (echo latency, `cat` flood, idle shell) instead.
    #[arg(long)]
    exec: bool,
    /// Run only the images benchmark instead: tag the test image this many times, then time
    /// the images view's first full list and its re-sorts.
    #[arg(long)]
    images: Option<usize>,
    /// Run only the build benchmark instead: a build printing 100,000 lines as fast as it
    /// can, started from the images view; keys must still be answered.
    #[arg(long)]
    build: bool,
    /// Run only the projects benchmark instead: this many compose projects of 4 services (the
    /// labels compose writes), the projects view's first frame after its key; then one
    /// project of 50 containers each logging 200 lines/s, its logs aggregated (`l`): keys
    /// answered during the flood, RSS.
    #[arg(long)]
    projects: Option<usize>,
    /// Run only the Swarm benchmark instead, with this many services, against the manager of
    /// `scripts/swarm.sh up`.
    #[arg(long)]
    swarm: Option<usize>,
    /// `--swarm`: tasks (replicas) of each service.
    #[arg(long, default_value_t = 10)]
    tasks: usize,
    /// Run only the fleet benchmark instead: the main engine and N-1 extra ones
    /// (`scripts/engine2.sh`, named bench1…), `--containers` on each, dockside on all of them
    /// at once: first frame, idle with live stats off and on, peak RSS, one engine killed and
    /// restarted. The extra engines are stopped and removed at the end (and on Ctrl-C).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(2..=9))]
    engines: Option<u16>,
    /// With --engines: N extra engines and not the main one (shared with other users, whose
    /// containers come and go): the idle figures are then dockside's alone.
    #[arg(long)]
    no_main_engine: bool,
    /// Run only the comparison instead: dockside and the peers found in target/peers/bin or
    /// on PATH (oxker, ducker, dtop) in the same scenario: first frame, idle cost, RSS.
    #[arg(long)]
    compare: bool,
    /// With --compare: `cargo install --locked` the peers into target/peers first.
    #[arg(long)]
    install_peers: bool,
    /// With --compare: idle rounds (each tool once per round, after its own baseline).
    #[arg(long, default_value_t = 2)]
    rounds: usize,
    /// With --compare: containers for the second first-frame measurement (0: skip it).
    #[arg(long, default_value_t = 1000)]
    compare_large: usize,
    /// With --compare: the phases to run, of first (first frame), idle, large (first frame at
    /// --compare-large), flood (a log flood: key latency and RSS).
    #[arg(long, default_value = "first,idle,large,flood", value_delimiter = ',')]
    compare_phases: Vec<String>,
    /// With --compare: how long each tool shows the log flood (RSS at the end).
    #[arg(long, default_value_t = 600)]
    flood_secs: u64,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

struct Figure {
    name: String,
    value: f64,
    unit: &'static str,
    /// Upper bound the value should stay under (`≤`).
    target: Option<f64>,
    /// The machine's 1-minute load average when it was taken.
    load: Option<f64>,
}

/// The 1-minute load average (`uptime`), to read each figure against: the machine is shared.
fn load_avg() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn fmt_load(load: Option<f64>) -> String {
    load.map(|l| format!("load {l:.2}")).unwrap_or_default()
}

#[derive(Default)]
struct Report {
    figures: Vec<Figure>,
    notes: Vec<String>,
}

fn fmt_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e12 {
        format!("{v:.0}")
    } else if v.abs() >= 100.0 {
        format!("{v:.1}")
    } else if v.abs() >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

impl Report {
    fn fig(&mut self, name: &str, value: f64, unit: &'static str, target: Option<f64>) {
        let load = load_avg();
        let line = format!("{name}: {} {unit}", fmt_value(value));
        match target {
            Some(t) => {
                let verdict = if value <= t { "ok" } else { "OVER" };
                println!(
                    "{line}   (target ≤ {} {unit}: {verdict}; {})",
                    fmt_value(t),
                    fmt_load(load)
                );
            }
            None => println!("{line}   ({})", fmt_load(load)),
        }
        self.figures.push(Figure {
            name: name.to_string(),
            value,
            unit,
            target,
            load,
        });
    }

    fn note(&mut self, text: String) {
        println!("note: {text}");
        self.notes.push(text);
    }

    fn summary(&self) {
        println!();
        println!("==================== dockside-bench summary ====================");
        let w = self
            .figures
            .iter()
            .map(|f| f.name.len())
            .max()
            .unwrap_or(10);
        for f in &self.figures {
            let value = format!("{} {}", fmt_value(f.value), f.unit);
            let load = fmt_load(f.load);
            match f.target {
                Some(t) => {
                    let verdict = if f.value <= t { "ok" } else { "OVER" };
                    let target = format!("target ≤ {} {}  {verdict}", fmt_value(t), f.unit);
                    println!("{:<w$}  {value:>16}   {target:<28} {load}", f.name);
                }
                None => println!("{:<w$}  {value:>16}   {:<28} {load}", f.name, ""),
            }
        }
        if !self.notes.is_empty() {
            println!("notes:");
            for n in &self.notes {
                println!("  - {n}");
            }
        }
        println!("================================================================");
    }
}

fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn max_of(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::NAN, f64::max)
}

// ---------------------------------------------------------------------------------------------
// docker CLI
// ---------------------------------------------------------------------------------------------

/// Runs `docker args...`; `Ok(stdout)` on success, `Err(stderr)` otherwise.
fn docker(args: &[&str]) -> Result<String, String> {
    docker_at(None, args)
}

/// [`docker`] against the engine at `host` (`unix://…`), or the main one.
fn docker_at(host: Option<&str>, args: &[&str]) -> Result<String, String> {
    let mut cmd = Command::new("docker");
    if let Some(h) = host {
        cmd.args(["-H", h]);
    }
    let out = cmd
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("running docker {args:?}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "docker {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Containers on the engine right now (`docker ps -aq | wc -l`).
fn engine_container_count() -> Result<usize, String> {
    Ok(docker(&["ps", "-aq"])?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count())
}

/// A container event from `docker events`: (id, name, action).
type Event = (String, String, String);

/// Container events the engine emitted between two wall-clock times.
fn engine_events(since: SystemTime, until: SystemTime) -> Vec<Event> {
    let ts = |t: SystemTime| {
        let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
        format!("{}.{:09}", d.as_secs(), d.subsec_nanos())
    };
    let out = docker(&[
        "events",
        "--since",
        &ts(since),
        "--until",
        &ts(until),
        "--filter",
        "type=container",
        "--format",
        "{{.Actor.ID}}|{{index .Actor.Attributes \"name\"}}|{{.Action}}",
    ])
    .unwrap_or_else(|e| {
        eprintln!("docker events: {e}");
        String::new()
    });
    out.lines()
        .filter_map(|l| {
            let mut it = l.splitn(3, '|');
            Some((
                it.next()?.to_string(),
                it.next()?.to_string(),
                it.next()?.to_string(),
            ))
        })
        .collect()
}

/// Prints events grouped by container: `name: action, action, ...`.
fn print_events(events: &[Event]) {
    let mut by_name: Vec<(String, Vec<String>)> = Vec::new();
    for (_, name, action) in events {
        let action = action.split(':').next().unwrap_or(action).to_string();
        match by_name.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => v.push(action),
            None => by_name.push((name.clone(), vec![action])),
        }
    }
    for (name, actions) in by_name.iter().take(20) {
        println!("    {name}: {}", actions.join(", "));
    }
    if by_name.len() > 20 {
        println!("    … and {} more containers", by_name.len() - 20);
    }
}

/// The label naming the run that created a container (its process id): a run removes its own
/// containers, never those of another run going on at the same time on the shared engine.
const RUN_LABEL: &str = "dockside.bench.run";

fn run_label() -> String {
    format!("{RUN_LABEL}={}", std::process::id())
}

/// Whether `pid` is a dockside-bench still running.
fn bench_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "dockside-bench")
}

/// Removes this run's containers; returns how many.
fn cleanup_containers() -> usize {
    let ids: Vec<String> =
        match docker(&["ps", "-aq", "--filter", &format!("label={}", run_label())]) {
            Ok(out) => out
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
            Err(e) => {
                eprintln!("cleanup: {e}");
                return 0;
            }
        };
    remove_containers(&ids);
    ids.len()
}

/// Removes the bench containers of runs that are over (their process is gone); those of an
/// older bench without the run label only when no other dockside-bench runs. Returns how many.
fn cleanup_leftovers() -> usize {
    let out = match docker(&[
        "ps",
        "-a",
        "--filter",
        &format!("label={LABEL}"),
        "--format",
        &format!("{{{{.ID}}}} {{{{.Label \"{RUN_LABEL}\"}}}}"),
    ]) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("cleanup: {e}");
            return 0;
        }
    };
    let me = std::process::id();
    let others_running = std::fs::read_dir("/proc").is_ok_and(|d| {
        d.flatten().any(|e| {
            e.file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
                .is_some_and(|pid| pid != me && bench_alive(pid))
        })
    });
    let ids: Vec<String> = out
        .lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            let id = it.next()?;
            let over = match it.next().and_then(|p| p.parse::<u32>().ok()) {
                Some(pid) => pid != me && !bench_alive(pid),
                None => !others_running,
            };
            over.then(|| id.to_string())
        })
        .collect();
    remove_containers(&ids);
    ids.len()
}

/// In tens: `docker rm -f` removes its arguments at once, and Docker 20.10 was seen to
/// deadlock (every later request waiting on the network's lock) removing fifty running
/// containers together.
fn remove_containers(ids: &[String]) {
    for chunk in ids.chunks(10) {
        let mut args = vec!["rm", "-f"];
        args.extend(chunk.iter().map(String::as_str));
        if let Err(e) = docker(&args) {
            eprintln!("cleanup: {e}");
        }
    }
}

fn run_container(name: &str, cmd: &[&str]) -> Result<(), String> {
    run_container_at(None, name, cmd)
}

fn run_container_at(host: Option<&str>, name: &str, cmd: &[&str]) -> Result<(), String> {
    let run = run_label();
    let mut args = vec![
        "run", "-d", "--label", LABEL, "--label", &run, "--name", name, IMAGE,
    ];
    args.extend_from_slice(cmd);
    docker_at(host, &args).map(|_| ())
}

/// `docker run -d` arguments for a container of a compose project as compose labels it
/// (`NAME-SERVICE-K`), with the bench's labels.
fn compose_run(project: &str, service: &str, k: usize, cmd: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = vec!["run".into(), "-d".into()];
    let labels = [
        LABEL.to_string(),
        run_label(),
        format!("com.docker.compose.project={project}"),
        format!("com.docker.compose.service={service}"),
        format!("com.docker.compose.container-number={k}"),
        "com.docker.compose.oneoff=False".into(),
        "com.docker.compose.project.working_dir=/tmp".into(),
        "com.docker.compose.project.config_files=/tmp/docker-compose.yml".into(),
    ];
    for l in labels {
        a.push("--label".into());
        a.push(l);
    }
    a.push("--name".into());
    a.push(format!("{project}-{service}-{k}"));
    a.push(IMAGE.into());
    a.extend(cmd.iter().map(|s| s.to_string()));
    a
}

/// Runs `docker ARGS` for each of `specs` on the engine at `host` (or the main one),
/// [`CREATE_PARALLEL`] at a time.
fn run_many(host: Option<&str>, specs: Vec<Vec<String>>) -> Result<(), String> {
    let n = specs.len();
    let host: Option<Arc<str>> = host.map(Arc::from);
    let specs = Arc::new(specs);
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let workers: Vec<_> = (0..CREATE_PARALLEL.min(n.max(1)))
        .map(|_| {
            let (specs, next, done, errors) = (
                Arc::clone(&specs),
                Arc::clone(&next),
                Arc::clone(&done),
                Arc::clone(&errors),
            );
            let host = host.clone();
            thread::spawn(move || {
                while let Some(args) = specs.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let args: Vec<&str> = args.iter().map(String::as_str).collect();
                    if let Err(e) = docker_at(host.as_deref(), &args) {
                        lock(&errors).push(e);
                    }
                    let d = done.fetch_add(1, Ordering::SeqCst) + 1;
                    if d.is_multiple_of(50) || d == n {
                        eprintln!(
                            "  created {d}/{n}{}",
                            host.as_deref()
                                .map(|h| format!(" on {h}"))
                                .unwrap_or_default()
                        );
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join()
            .map_err(|_| "a container-creating thread panicked")?;
    }
    let errors = lock(&errors);
    match errors.first() {
        Some(first) => Err(format!(
            "{} of {n} containers failed; first: {first}",
            errors.len()
        )),
        None => Ok(()),
    }
}

/// "50 projects" in the projects view's title: 50.
fn projects_in_title(screen: &str) -> Option<usize> {
    let i = screen.find(" projects")?;
    let digits: String = screen[..i]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.chars().rev().collect::<String>().parse().ok()
}

/// Creates `bench-000`.. in parallel; returns when the last `docker run` returned.
fn create_containers(n: usize) -> Result<Instant, String> {
    create_containers_at(None, n)
}

/// [`create_containers`] on the engine at `host` (or the main one).
fn create_containers_at(host: Option<&str>, n: usize) -> Result<Instant, String> {
    create_range(host, 0..n)
}

/// `bench-NNN` for each number of `range` (four digits past 999), in parallel.
fn create_range(host: Option<&str>, range: std::ops::Range<usize>) -> Result<Instant, String> {
    let run = run_label();
    let specs = range
        .map(|i| {
            let name = format!("bench-{i:03}");
            [
                "run", "-d", "--label", LABEL, "--label", &run, "--name", &name, IMAGE,
            ]
            .into_iter()
            .chain(["sleep", "86400"])
            .map(String::from)
            .collect()
        })
        .collect();
    run_many(host, specs)?;
    Ok(Instant::now())
}

// ---------------------------------------------------------------------------------------------
// /proc
// ---------------------------------------------------------------------------------------------

fn clk_tck() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<f64>()
                .ok()
        })
        .filter(|v| *v > 0.0)
        .unwrap_or(100.0)
}

/// utime + stime of a process (all its threads), in clock ticks.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // After the command: state(3) ... utime(14) stime(15).
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// A `kB` field of /proc/<pid>/status (`VmRSS`, `VmHWM`).
fn status_kb(pid: u32, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// `/proc/<pid>/stat` of one process: parent pid, and utime + stime + cutime + cstime (its
/// own CPU and that of the children it reaped), in clock ticks.
fn stat_ppid_ticks(pid: u32) -> Option<(u32, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // After the command: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
    let ppid: u32 = fields.get(1)?.parse().ok()?;
    let ticks = (11..=14)
        .map(|i| fields.get(i).and_then(|f| f.parse::<u64>().ok()))
        .sum::<Option<u64>>()?;
    Some((ppid, ticks))
}

/// Where one engine's processes are found: its dockerd (pid file; containerd, `runc` and
/// `docker-proxy` are its descendants) and the shims of its containerd (daemonized, so roots of
/// their own, told apart by the containerd address on their command line).
#[derive(Clone, Debug)]
struct EngineProcs {
    pidfile: PathBuf,
    /// Shims whose `-address` starts with one of these belong to the engine.
    shim_addresses: Vec<String>,
}

impl EngineProcs {
    /// The main engine (`/var/run/docker.sock`): its own containerd under /var/run/docker, or
    /// a system containerd (`/run/containerd`).
    fn main() -> EngineProcs {
        EngineProcs {
            pidfile: PathBuf::from("/var/run/docker.pid"),
            shim_addresses: vec![
                "/var/run/docker/".into(),
                "/run/docker/".into(),
                "/run/containerd/".into(),
            ],
        }
    }

    /// An engine of `scripts/engine2.sh` whose files are under `root`.
    fn extra(root: &Path) -> EngineProcs {
        EngineProcs {
            pidfile: root.join("docker.pid"),
            shim_addresses: vec![format!("{}/exec/", root.display())],
        }
    }
}

/// CPU ticks of every process of each engine's tree, by pid (one map per engine, in the
/// order given): its dockerd and everything it started, its shims and everything they
/// started. Each process counts the children it reaped (cutime/cstime), so one that exits
/// inside a window (a `runc` call, an exec) is not lost. Processes of other engines on the
/// machine are not counted.
fn engines_ticks(engines: &[EngineProcs]) -> Vec<HashMap<u32, u64>> {
    let mut out = vec![HashMap::new(); engines.len()];
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    let dockerds: Vec<Option<u32>> = engines
        .iter()
        .map(|e| {
            std::fs::read_to_string(&e.pidfile)
                .ok()
                .and_then(|s| s.trim().parse().ok())
        })
        .collect();
    // pid → (ppid, ticks, the engine it is a root of).
    let mut procs: HashMap<u32, (u32, u64, Option<usize>)> = HashMap::new();
    for entry in dir.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Some((ppid, ticks)) = stat_ppid_ticks(pid) else {
            continue;
        };
        let mut root = dockerds.iter().position(|d| *d == Some(pid));
        if root.is_none() {
            let comm = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
            let comm = comm.trim();
            if comm.starts_with("containerd-shim") || (comm == "containerd" && ppid == 1) {
                let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
                let args: Vec<String> = cmdline
                    .split(|&b| b == 0)
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect();
                // The shim's `-address`; a containerd left running by a killed dockerd names
                // its engine's exec root in `--config`; a system containerd listens on
                // `--address` (default /run/containerd/containerd.sock).
                let owner = |paths: &[&str]| {
                    engines.iter().position(|e| {
                        e.shim_addresses
                            .iter()
                            .any(|p| paths.iter().any(|a| a.starts_with(p.as_str())))
                    })
                };
                let paths: Vec<&str> = args.iter().map(String::as_str).collect();
                root = owner(&paths);
                if root.is_none() && comm == "containerd" && !paths.contains(&"--address") {
                    root = owner(&["/run/containerd/containerd.sock"]);
                }
            }
        }
        procs.insert(pid, (ppid, ticks, root));
    }
    // A process belongs to the engine of its nearest root ancestor (itself included).
    for (&pid, &(_, ticks, _)) in &procs {
        let mut cur = pid;
        for _ in 0..64 {
            match procs.get(&cur) {
                Some(&(_, _, Some(e))) => {
                    out[e].insert(pid, ticks);
                    break;
                }
                Some(&(ppid, _, None)) if ppid > 1 => cur = ppid,
                _ => break,
            }
        }
    }
    out
}

/// [`engines_ticks`] of the main engine alone.
fn engine_ticks() -> HashMap<u32, u64> {
    engines_ticks(&[EngineProcs::main()])
        .pop()
        .unwrap_or_default()
}

/// Engine CPU ticks used between two snapshots (processes started in between count fully; one
/// that exited counts through its parent's cutime/cstime).
fn engine_ticks_used(before: &HashMap<u32, u64>, after: &HashMap<u32, u64>) -> u64 {
    after
        .iter()
        .map(|(pid, t)| t.saturating_sub(before.get(pid).copied().unwrap_or(0)))
        .sum()
}

// ---------------------------------------------------------------------------------------------
// Counting proxy
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct ConnInfo {
    last_request: String,
    requests: u64,
    /// A request whose response has not started yet.
    pending: Option<(Instant, String)>,
    /// The answer being received on this connection (its [`Answer::seq`]).
    answering: Option<u64>,
}

/// One request and its answer as the proxy saw them.
#[derive(Clone, Debug)]
struct Answer {
    seq: u64,
    /// When the request line went to the engine.
    sent: Instant,
    /// The first byte of the answer.
    first: Instant,
    /// The last byte read on the connection before its next request (for a stream: the
    /// latest chunk so far).
    last: Instant,
    req: String,
}

#[derive(Default)]
struct ProxyStats {
    requests: AtomicU64,
    connections: AtomicU64,
    recent: Mutex<VecDeque<(Instant, String)>>,
    /// The last [`RECENT_REQUESTS`] answers.
    answered: Mutex<VecDeque<Answer>>,
    answer_seq: AtomicU64,
    open: Mutex<HashMap<u64, ConnInfo>>,
    /// Bytes the engine sent (all connections).
    engine_bytes: AtomicU64,
    /// Bytes dockside sent to the engine (all connections).
    client_bytes: AtomicU64,
    /// Connections that could not reach the engine (it was down).
    upstream_errors: AtomicU64,
    /// Bytes to look for in engine→client data, and when they were first seen.
    watch: Mutex<Option<(Vec<u8>, Option<Instant>)>>,
}

impl ProxyStats {
    fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    /// Request lines seen at or after `since` (only the last [`RECENT_REQUESTS`] are kept).
    fn requests_since(&self, since: Instant) -> Vec<(Instant, String)> {
        lock(&self.recent)
            .iter()
            .filter(|(t, _)| *t >= since)
            .cloned()
            .collect()
    }

    /// Requests sent at or after `since` with their answers' first and last bytes.
    fn answered_since(&self, since: Instant) -> Vec<Answer> {
        lock(&self.answered)
            .iter()
            .filter(|a| a.sent >= since)
            .cloned()
            .collect()
    }

    /// Bytes both ways.
    fn bytes(&self) -> u64 {
        self.engine_bytes.load(Ordering::SeqCst) + self.client_bytes.load(Ordering::SeqCst)
    }

    /// Starts looking for `needle` in what the engine sends (replacing an earlier watch).
    fn watch(&self, needle: &[u8]) {
        *lock(&self.watch) = Some((needle.to_vec(), None));
    }

    /// When the watched bytes arrived from the engine (`None`: not yet); ends the watch.
    fn watched(&self) -> Option<Instant> {
        lock(&self.watch).take().and_then(|(_, seen)| seen)
    }

    /// Open connections and the last request each carried.
    fn open_connections(&self) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = lock(&self.open)
            .values()
            .map(|c| (c.last_request.clone(), c.requests))
            .collect();
        v.sort();
        v
    }
}

/// Whether a request (its last line) is a long-lived stream.
fn is_stream(req: &str) -> bool {
    let path = req.split_whitespace().nth(1).unwrap_or("");
    path.contains("/events")
        || path.contains("follow=1")
        || path.contains("follow=true")
        || (path.contains("/stats") && !path.contains("stream=0") && !path.contains("stream=false"))
        || path.contains("/attach")
}

/// Finds HTTP request lines in the client→engine byte stream.
#[derive(Default)]
struct LineScan {
    line: Vec<u8>,
    overflow: bool,
}

const MAX_LINE: usize = 16 * 1024;

impl LineScan {
    fn feed(&mut self, mut data: &[u8], mut on_request: impl FnMut(String)) {
        while let Some(pos) = data.iter().position(|&b| b == b'\n') {
            if !self.overflow && self.line.len() + pos <= MAX_LINE {
                self.line.extend_from_slice(&data[..pos]);
                if let Some(req) = request_line(&self.line) {
                    on_request(req);
                }
            }
            self.line.clear();
            self.overflow = false;
            data = &data[pos + 1..];
        }
        if !self.overflow {
            if self.line.len() + data.len() > MAX_LINE {
                self.overflow = true;
                self.line.clear();
            } else {
                self.line.extend_from_slice(data);
            }
        }
    }
}

/// `METHOD /path HTTP/1.x\r` → `METHOD /path`.
fn request_line(line: &[u8]) -> Option<String> {
    let line = line.strip_suffix(b"\r")?;
    let line = line
        .strip_suffix(b" HTTP/1.1")
        .or_else(|| line.strip_suffix(b" HTTP/1.0"))?;
    let sp = line.iter().position(|&b| b == b' ')?;
    let (method, path) = (&line[..sp], &line[sp + 1..]);
    if method.is_empty() || method.len() > 10 || !method.iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    if !path.starts_with(b"/") {
        return None;
    }
    let mut s = String::from_utf8_lossy(line).into_owned();
    s.truncate(300);
    Some(s)
}

struct Proxy {
    path: PathBuf,
    stats: Arc<ProxyStats>,
}

impl Proxy {
    /// A counting proxy listening on `path`, each connection relayed to the engine socket
    /// `upstream`.
    fn start(path: PathBuf, upstream: PathBuf) -> Result<Proxy, String> {
        let _ = std::fs::remove_file(&path);
        let listener =
            UnixListener::bind(&path).map_err(|e| format!("binding {}: {e}", path.display()))?;
        let stats = Arc::new(ProxyStats::default());
        let st = Arc::clone(&stats);
        thread::Builder::new()
            .name("proxy-accept".into())
            .spawn(move || {
                for conn in listener.incoming() {
                    match conn {
                        Ok(client) => {
                            if let Err(e) = relay(client, Arc::clone(&st), &upstream) {
                                // An engine that is down (the outage test) is not news
                                // after the first time.
                                if st.upstream_errors.fetch_add(1, Ordering::SeqCst) == 0 {
                                    eprintln!("proxy: {e} (further ones are counted)");
                                }
                            }
                        }
                        Err(e) => eprintln!("proxy accept: {e}"),
                    }
                }
            })
            .map_err(|e| format!("spawning the proxy thread: {e}"))?;
        Ok(Proxy { path, stats })
    }

    fn host_arg(&self) -> String {
        format!("unix://{}", self.path.display())
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn relay(client: UnixStream, stats: Arc<ProxyStats>, upstream: &Path) -> Result<(), String> {
    let engine = UnixStream::connect(upstream)
        .map_err(|e| format!("connecting {}: {e}", upstream.display()))?;
    let id = stats.connections.fetch_add(1, Ordering::SeqCst);
    lock(&stats.open).insert(id, ConnInfo::default());
    let alive = Arc::new(AtomicU8::new(2));
    let clone = |s: &UnixStream| s.try_clone().map_err(|e| format!("cloning a socket: {e}"));
    let (c_read, c_write) = (clone(&client)?, client);
    let (e_read, e_write) = (clone(&engine)?, engine);
    let (c_write2, e_write2) = (clone(&c_write)?, clone(&e_write)?);

    // Whichever direction ends first closes the whole connection.
    let finish = {
        let stats = Arc::clone(&stats);
        let alive = Arc::clone(&alive);
        move |a: &UnixStream, b: &UnixStream| {
            let _ = a.shutdown(Shutdown::Both);
            let _ = b.shutdown(Shutdown::Both);
            if alive.fetch_sub(1, Ordering::SeqCst) == 1 {
                lock(&stats.open).remove(&id);
            }
        }
    };
    let finish2 = finish.clone();

    let st = Arc::clone(&stats);
    let st2 = Arc::clone(&stats);
    thread::Builder::new()
        .name(format!("proxy-c2e-{id}"))
        .spawn(move || {
            let mut c_read = c_read;
            let mut e_write = e_write;
            let mut scan = LineScan::default();
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = match c_read.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                st.client_bytes.fetch_add(n as u64, Ordering::SeqCst);
                scan.feed(&buf[..n], |req| {
                    let now = Instant::now();
                    st.requests.fetch_add(1, Ordering::SeqCst);
                    {
                        let mut recent = lock(&st.recent);
                        if recent.len() >= RECENT_REQUESTS {
                            recent.pop_front();
                        }
                        recent.push_back((now, req.clone()));
                    }
                    if let Some(c) = lock(&st.open).get_mut(&id) {
                        c.pending = Some((now, req.clone()));
                        c.answering = None;
                        c.last_request = req;
                        c.requests += 1;
                    }
                });
                if e_write.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            finish(&c_read, &e_write);
        })
        .map_err(|e| format!("spawning a proxy thread: {e}"))?;
    thread::Builder::new()
        .name(format!("proxy-e2c-{id}"))
        .spawn(move || {
            let mut e_read = e_read;
            let mut c_write = c_write2;
            let mut buf = vec![0u8; 64 * 1024];
            // The end of the previous chunk, so a watched needle split across reads is found.
            let mut tail: Vec<u8> = Vec::new();
            loop {
                let n = match e_read.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                let now = Instant::now();
                st2.engine_bytes.fetch_add(n as u64, Ordering::SeqCst);
                if let Some((needle, seen)) = lock(&st2.watch).as_mut()
                    && seen.is_none()
                {
                    tail.extend_from_slice(&buf[..n]);
                    if !needle.is_empty()
                        && tail.windows(needle.len()).any(|w| w == needle.as_slice())
                    {
                        *seen = Some(now);
                    }
                    let keep = needle.len().saturating_sub(1);
                    tail.drain(..tail.len().saturating_sub(keep));
                }
                let (pending, answering) = match lock(&st2.open).get_mut(&id) {
                    Some(c) => {
                        let p = c.pending.take();
                        if p.is_some() {
                            c.answering = Some(st2.answer_seq.fetch_add(1, Ordering::SeqCst));
                            (p, c.answering)
                        } else {
                            (None, c.answering)
                        }
                    }
                    None => (None, None),
                };
                let mut answered = lock(&st2.answered);
                match (pending, answering) {
                    (Some((sent, req)), Some(seq)) => {
                        if answered.len() >= RECENT_REQUESTS {
                            answered.pop_front();
                        }
                        answered.push_back(Answer {
                            seq,
                            sent,
                            first: now,
                            last: now,
                            req,
                        });
                    }
                    (None, Some(seq)) => {
                        if let Some(a) = answered.iter_mut().rev().find(|a| a.seq == seq) {
                            a.last = now;
                        }
                    }
                    _ => {}
                }
                drop(answered);
                if c_write.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            finish2(&e_write2, &c_write);
        })
        .map_err(|e| format!("spawning a proxy thread: {e}"))?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// dockside in a pseudo-terminal (the harness's pty driver, shared with the tests)
// ---------------------------------------------------------------------------------------------

/// dockside running in a pty (see [`PtyApp`]), with what the bench adds: its pid for /proc,
/// the Ctrl-C handler's record of it, and a quit that never hangs.
struct Term {
    app: PtyApp,
    pid: u32,
}

impl Term {
    fn spawn(program: &Path, args: &[&str], cols: u16, rows: u16) -> Result<Term, String> {
        let app = Spawn::new(program.to_string_lossy())
            .args(args)
            .env_remove("DOCKER_HOST")
            .size(cols, rows)
            .start()?;
        let pid = app.pid().ok_or("the child has no pid")?;
        CURRENT_CHILD.store(pid, Ordering::SeqCst);
        Ok(Term { app, pid })
    }

    fn send(&self, data: &[u8]) -> Result<(), String> {
        self.app.try_send(data)
    }

    fn screen(&self) -> String {
        self.app.screen_text()
    }

    fn screen_lines(&self) -> Vec<String> {
        self.app.screen_lines()
    }

    fn bytes(&self) -> u64 {
        self.app.bytes_written()
    }

    /// Polls the screen every `every` until `pred` holds; returns when it first held.
    fn wait_for(
        &self,
        pred: impl Fn(&str) -> bool,
        timeout: Duration,
        every: Duration,
        what: &str,
    ) -> Result<Instant, String> {
        self.app.wait_for_at(pred, timeout, every, what)
    }

    /// `c` in the list: the live CPU/MEM columns off. Waits for the title to say so and for
    /// the key's status message to fade (after 5 s), so nothing of it lands in a measurement.
    fn stats_off(&self) -> Result<(), String> {
        self.send(b"c")?;
        self.wait_for(
            |s| s.contains("(stats off)"),
            Duration::from_secs(5),
            Duration::from_millis(5),
            "the list title says the stats are off",
        )?;
        self.wait_for(
            |s| !s.contains("live CPU/MEM off"),
            Duration::from_secs(10),
            Duration::from_millis(50),
            "the status message to fade",
        )?;
        Ok(())
    }

    /// Waits until nothing was written for `quiet` (at most `timeout`); whether it settled.
    fn wait_quiet(&self, quiet: Duration, timeout: Duration) -> bool {
        self.app.wait_quiet(quiet, timeout)
    }

    fn start_capture(&self, limit: usize) {
        self.app.start_capture(limit);
    }

    fn stop_capture(&self) -> Vec<u8> {
        self.app.stop_capture()
    }

    fn cpu_ticks(&self) -> Option<u64> {
        cpu_ticks(self.pid)
    }

    /// Quits with `q`, killing the process group if it does not exit within a second.
    fn quit(&mut self) {
        let _ = self.send(b"q");
        if self.app.wait_exit(Duration::from_secs(1)).is_none() {
            self.app.kill();
        }
        CURRENT_CHILD.store(0, Ordering::SeqCst);
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        // Dropping the PtyApp kills what is left of the process group.
        CURRENT_CHILD.store(0, Ordering::SeqCst);
    }
}

fn kill_group(pid: u32) {
    let _ = Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{pid}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Printable form of raw terminal output (escapes shown as `\e`).
fn escape_bytes(b: &[u8]) -> String {
    let mut s = String::new();
    for ch in String::from_utf8_lossy(b).chars() {
        match ch {
            '\x1b' => s.push_str("\\e"),
            '\r' => s.push_str("\\r"),
            '\n' => s.push_str("\\n"),
            c if c.is_control() => s.push_str(&format!("\\x{:02x}", c as u32)),
            c => s.push(c),
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// The images list as dockside orders it
// ---------------------------------------------------------------------------------------------

/// `GET path` on the main engine's socket (HTTP/1.0: the body ends with the connection).
fn engine_get(path: &str) -> Result<String, String> {
    get_on(Path::new(ENGINE_SOCK), path)
}

/// `GET path` on the API socket `sock`, the body read to its end (HTTP/1.0).
fn get_on(sock: &Path, path: &str) -> Result<String, String> {
    let mut s = UnixStream::connect(sock).map_err(|e| format!("{}: {e}", sock.display()))?;
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: docker\r\n\r\n").as_bytes())
        .map_err(|e| format!("GET {path}: {e}"))?;
    let mut out = String::new();
    s.read_to_string(&mut out)
        .map_err(|e| format!("GET {path}: {e}"))?;
    let (head, body) = out
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("GET {path}: no HTTP answer"))?;
    if !head.starts_with("HTTP/1.0 200") && !head.starts_with("HTTP/1.1 200") {
        return Err(format!("GET {path}: {}", head.lines().next().unwrap_or("")));
    }
    Ok(body.to_string())
}

/// The tagged rows of the images view (one per tag), in the order dockside gives them when
/// sorted by `label` ascending (`app::images::compare`: size and created biggest/newest
/// first, ties by the tag in natural order, then the id).
fn images_order(label: &str) -> Result<Vec<String>, String> {
    let body = engine_get("/images/json")?;
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&body).map_err(|e| format!("/images/json: {e}"))?;
    let mut rows: Vec<(i64, String, String)> = Vec::new();
    for img in &list {
        let id = img["Id"].as_str().unwrap_or("").to_string();
        let key = match label {
            "size" => img["Size"].as_i64().unwrap_or(0),
            "created" => img["Created"].as_i64().unwrap_or(0),
            _ => 0,
        };
        for tag in img["RepoTags"].as_array().into_iter().flatten() {
            if let Some(t) = tag.as_str().filter(|t| *t != "<none>:<none>") {
                rows.push((key, t.to_string(), id.clone()));
            }
        }
    }
    rows.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| dockside::views::list::natural_cmp(&a.1, &b.1))
            .then_with(|| a.2.cmp(&b.2))
    });
    Ok(rows.into_iter().map(|(_, t, _)| t).collect())
}

/// The rows of the images list on screen when they are a run of `order` (consecutive in
/// it, at least one); `None` otherwise. A row is a line of the list's block whose first cell
/// is a tag of `order`.
fn rows_in_order(screen: &str, order: &[String]) -> Option<Vec<String>> {
    let index: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    let mut lines = screen
        .lines()
        .skip_while(|l| !l.contains(" images · sorted by "));
    lines.next()?;
    let mut shown: Vec<usize> = Vec::new();
    for l in lines {
        let body = l.trim_start_matches(|c: char| c == '│' || c == '▌' || c.is_whitespace());
        if l.trim_start().starts_with('└') {
            break;
        }
        if let Some(&i) = body.split_whitespace().next().and_then(|w| index.get(w)) {
            shown.push(i);
        }
    }
    let consecutive = !shown.is_empty() && shown.windows(2).all(|w| w[1] == w[0] + 1);
    consecutive.then(|| shown.iter().map(|&i| order[i].clone()).collect())
}

// ---------------------------------------------------------------------------------------------
// Phases
// ---------------------------------------------------------------------------------------------

/// An overlay a key opens: `shown` is on screen while it is open, and only then.
struct Overlay<'a> {
    key: &'a [u8],
    shown: &'a str,
    close: &'a [u8],
    /// How long a key may take before its sample is a timeout.
    timeout: Duration,
}

/// One key's latency: `key` until `shown` is on screen (timed from the key), then `close`
/// until it is gone (not timed). The time is `None` when the overlay never showed within
/// `timeout` (it is then not closed); the note says what went wrong, opening or closing.
/// `Err` only when the terminal cannot be written.
fn overlay_sample(term: &Term, o: &Overlay) -> Result<(Option<f64>, Option<String>), String> {
    let t0 = Instant::now();
    term.send(o.key)?;
    match term.wait_for(
        |s| s.contains(o.shown),
        o.timeout,
        Duration::from_millis(1),
        "the overlay",
    ) {
        Ok(t) => {
            term.send(o.close)?;
            let closed = term.wait_for(
                |s| !s.contains(o.shown),
                Duration::from_secs(5),
                Duration::from_millis(1),
                "the overlay to close",
            );
            Ok((Some(ms(t - t0)), closed.err()))
        }
        Err(e) => Ok((None, Some(e))),
    }
}

struct Ctx {
    args: Args,
    proxy: Proxy,
    tck: f64,
    report: Report,
}

impl Ctx {
    /// `--swarm N`: N services of `tasks` tasks on the swarm of `scripts/swarm.sh`.
    fn phase_swarm(&mut self, n: usize, tasks: usize) -> Result<(), String> {
        swarm_docker(&["node", "ls", "-q"])
            .map_err(|e| format!("no swarm manager at {SWARM_SOCK} (scripts/swarm.sh up): {e}"))?;
        let left = cleanup_services();
        if left > 0 {
            println!("removed {left} leftover bench services");
        }
        println!("--- swarm setup: {n} services of {tasks} tasks ---");
        let t = Instant::now();
        let names: Vec<String> = (0..n).map(|i| format!("bench-svc-{i:03}")).collect();
        for chunk in names.chunks(CREATE_PARALLEL) {
            let mut handles = Vec::new();
            for name in chunk {
                let name = name.clone();
                let replicas = tasks.to_string();
                handles.push(thread::spawn(move || {
                    swarm_docker(&[
                        "service",
                        "create",
                        "--detach",
                        "--quiet",
                        "--label",
                        LABEL,
                        // `sleep` ignores SIGTERM: a scale down would wait the default 10 s.
                        "--stop-grace-period",
                        "1s",
                        "--name",
                        &name,
                        "--replicas",
                        &replicas,
                        IMAGE,
                        "sleep",
                        "1d",
                    ])
                }));
            }
            for h in handles {
                h.join()
                    .map_err(|_| "create thread panicked".to_string())??;
            }
        }
        println!(
            "  created in {:.1} s; waiting for {} tasks to run",
            t.elapsed().as_secs_f64(),
            n * tasks
        );
        let want = format!("{tasks}/{tasks}");
        let deadline = Instant::now() + Duration::from_secs(1800);
        loop {
            let all = swarm_replicas()?;
            let ours: Vec<&(String, String)> = all
                .iter()
                .filter(|(name, _)| name.starts_with("bench-svc-"))
                .collect();
            let done = ours.iter().filter(|(_, r)| *r == want).count();
            if done == n {
                break;
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "only {done} of {n} services converged in 30 minutes"
                ));
            }
            print!(
                "\r  {done}/{n} services converged ({:.0} s)",
                t.elapsed().as_secs_f64()
            );
            let _ = std::io::stdout().flush();
            thread::sleep(Duration::from_secs(5));
        }
        self.report
            .fig("swarm_setup", t.elapsed().as_secs_f64(), "s", None);
        self.swarm_measure(tasks)
    }

    fn swarm_measure(&mut self, tasks: usize) -> Result<(), String> {
        let total = swarm_replicas()?.len();
        let title = format!("{total} services");
        println!("\n--- swarm 1. services view's first frame ({total} services) ---");
        let mut firsts = Vec::new();
        let mut rss = Vec::new();
        for _ in 0..5 {
            let t0 = Instant::now();
            let mut term = self.spawn_dockside()?;
            term.wait_for(
                |s| s.contains("Containers "),
                Duration::from_secs(20),
                Duration::from_millis(1),
                "the containers view",
            )?;
            let t1 = Instant::now();
            term.send(b"8")?;
            let shown = term.wait_for(
                |s| s.contains(&title),
                Duration::from_secs(30),
                Duration::from_millis(1),
                &title,
            )?;
            firsts.push((ms(t1 - t0), ms(shown - t1)));
            term.wait_quiet(Duration::from_secs(1), Duration::from_secs(10));
            if let Some(kb) = status_kb(term.pid, "VmHWM") {
                rss.push(kb as f64 / 1024.0);
            }
            term.quit();
        }
        self.report.fig(
            "swarm_services_first_frame_median",
            median(&firsts.iter().map(|f| f.1).collect::<Vec<_>>()),
            "ms",
            None,
        );
        self.report.fig(
            "swarm_services_first_frame_max",
            max_of(&firsts.iter().map(|f| f.1).collect::<Vec<_>>()),
            "ms",
            None,
        );
        self.report.fig(
            "swarm_start_to_services_median",
            median(&firsts.iter().map(|f| f.0 + f.1).collect::<Vec<_>>()),
            "ms",
            None,
        );
        self.report
            .fig("swarm_peak_rss_median", median(&rss), "MiB", None);

        // Idle on the services view: with the containers' live CPU/MEM on, the containers
        // view samples the manager's running task containers (its own cost, as on a plain
        // engine); with them off (`c`), nothing on screen changes and nothing may be asked.
        let mut term: Option<Term> = None;
        for stats_on in [true, false] {
            // One dockside at a time: the previous one's calls would count here.
            if let Some(mut old) = term.take() {
                old.quit();
            }
            let label = if stats_on { "stats_on" } else { "stats_off" };
            println!(
                "\n--- swarm 2. idle ({label}), {} s on the services view ---",
                self.args.idle_secs
            );
            let t = self.spawn_dockside()?;
            t.wait_for(
                |s| s.contains("Containers "),
                Duration::from_secs(20),
                Duration::from_millis(1),
                "the containers view",
            )?;
            if !stats_on {
                t.stats_off()?;
            }
            t.send(b"8")?;
            t.wait_for(
                |s| s.contains(&title),
                Duration::from_secs(30),
                Duration::from_millis(1),
                &title,
            )?;
            // The first listing is sent again each second while a service converges.
            t.wait_quiet(Duration::from_secs(3), Duration::from_secs(20));
            let stats = Arc::clone(&self.proxy.stats);
            let req0 = stats.requests();
            let t0 = Instant::now();
            let cpu0 = t.cpu_ticks().ok_or("dockside is gone")?;
            thread::sleep(Duration::from_secs(self.args.idle_secs));
            let reqs = stats.requests() - req0;
            let cpu = (t.cpu_ticks().ok_or("dockside is gone")? - cpu0) as f64 / self.tck;
            let mut kinds: Vec<String> = stats
                .requests_since(t0)
                .iter()
                .map(|(_, r)| regex_like_id(r.split('?').next().unwrap_or(r)))
                .collect();
            kinds.sort();
            kinds.dedup();
            for k in kinds.iter().take(5) {
                println!("  asked while idle: {k}");
            }
            let target = (!stats_on).then_some(0.0);
            self.report.fig(
                &format!("swarm_idle_{label}_requests"),
                reqs as f64,
                "requests",
                target,
            );
            self.report
                .fig(&format!("swarm_idle_{label}_cpu"), cpu, "s", None);
            term = Some(t);
        }
        let mut term = term.ok_or("no dockside")?;
        let stats = Arc::clone(&self.proxy.stats);

        println!("\n--- swarm 3. docker service scale from a shell: the new count on screen ---");
        let name = "bench-svc-000";
        term.send(format!("/{name}\r").as_bytes())?;
        let row = |s: &str, want: &str| s.lines().any(|l| l.contains(name) && l.contains(want));
        term.wait_for(
            |s| row(s, &format!("{tasks}/{tasks}")),
            Duration::from_secs(10),
            Duration::from_millis(1),
            "the bench service's row",
        )?;
        let mut desired = Vec::new();
        let mut converged = Vec::new();
        for i in 0..6 {
            let to = if i % 2 == 0 { tasks + 1 } else { tasks };
            let from = if i % 2 == 0 { tasks } else { tasks + 1 };
            let req0 = stats.requests();
            let t = Instant::now();
            swarm_docker(&["service", "scale", "--detach", &format!("{name}={to}")])?;
            let cli = Instant::now();
            // Desired first: `running/desired` with the new desired count.
            let on = term.wait_for(
                |s| {
                    s.lines()
                        .any(|l| l.contains(name) && l.contains(&format!("/{to} ")))
                },
                Duration::from_secs(10),
                Duration::from_millis(1),
                "the new desired count",
            )?;
            let done = term.wait_for(
                |s| row(s, &format!("{to}/{to}")),
                Duration::from_secs(60),
                Duration::from_millis(5),
                "the service converged on screen",
            )?;
            println!(
                "  {from} → {to}: CLI {:.0} ms, on screen +{:.0} ms after it, {to}/{to} +{:.0} ms; {} requests",
                ms(cli - t),
                ms(on.saturating_duration_since(cli)),
                ms(done.saturating_duration_since(cli)),
                stats.requests() - req0
            );
            desired.push(ms(on.saturating_duration_since(cli)));
            converged.push(ms(done.saturating_duration_since(cli)));
            term.wait_quiet(Duration::from_secs(2), Duration::from_secs(20));
        }
        self.report.fig(
            "swarm_scale_count_on_screen_median",
            median(&desired),
            "ms",
            Some(1000.0),
        );
        self.report.fig(
            "swarm_scale_count_on_screen_max",
            max_of(&desired),
            "ms",
            Some(1000.0),
        );
        self.report.fig(
            "swarm_scale_converged_on_screen_median",
            median(&converged),
            "ms",
            None,
        );
        if let Some(kb) = status_kb(term.pid, "VmHWM") {
            self.report
                .fig("swarm_peak_rss_at_end", kb as f64 / 1024.0, "MiB", None);
        }
        term.quit();
        Ok(())
    }

    /// `--images N`: N tags of the test image; the images view must list and sort them without
    /// a visible stall.
    fn phase_images(&mut self, n: usize) -> Result<(), String> {
        println!("--- images: tagging the test image {n} times ---");
        let image = "dockside-test/busybox:latest";
        let tags: Vec<String> = (0..n)
            .map(|i| format!("bench-img/{:04}:v{}", i, i % 7))
            .collect();
        let t = Instant::now();
        for chunk in tags.chunks(50) {
            let mut handles = Vec::new();
            for tag in chunk {
                let tag = tag.clone();
                handles.push(thread::spawn(move || docker(&["tag", image, &tag])));
            }
            for h in handles {
                h.join().map_err(|_| "tag thread panicked".to_string())??;
            }
        }
        self.report
            .fig("images_setup", t.elapsed().as_secs_f64(), "s", None);
        let result = self.images_measure(n);
        // Remove the tags (the image itself stays: only tags go).
        for chunk in tags.chunks(200) {
            let mut args = vec!["rmi"];
            args.extend(chunk.iter().map(String::as_str));
            let _ = docker(&args);
        }
        println!("  removed {n} bench tags");
        result
    }

    /// One key's latency: `?` opens the help overlay (timed from the key), `?` closes it.
    /// A sample that never shows counts as [`HELP_TIMEOUT`] and is noted under `what` (the
    /// bool says so; the overlay is then not closed, it never opened).
    fn help_sample(&mut self, term: &Term, what: &str, i: usize) -> Result<(f64, bool), String> {
        let help = Overlay {
            key: b"?",
            shown: HELP_TEXT,
            close: b"?",
            timeout: HELP_TIMEOUT,
        };
        let (t, note) = overlay_sample(term, &help)?;
        if let Some(e) = &note {
            self.report
                .note(format!("{what}: help overlay {}: {e}", i + 1));
        }
        Ok((t.unwrap_or(ms(HELP_TIMEOUT)), t.is_none()))
    }

    /// `--projects N`: see [`Args::projects`].
    fn phase_projects(&mut self, n: usize) -> Result<(), String> {
        println!("--- projects: {n} projects x 4 services ---");
        let mut specs = Vec::new();
        for p in 0..n {
            for svc in ["web", "api", "db", "cache"] {
                specs.push(compose_run(
                    &format!("benchp-{p:03}"),
                    svc,
                    1,
                    &["sleep", "86400"],
                ));
            }
        }
        let t = Instant::now();
        run_many(None, specs)?;
        self.report
            .fig("projects_setup", t.elapsed().as_secs_f64(), "s", None);
        let (mut term, _, first, _) = self.spawn_complete()?;
        self.report
            .fig("projects_containers_first_frame", ms(first), "ms", None);
        term.wait_quiet(Duration::from_millis(500), Duration::from_secs(5));
        // The projects view's first frame after its key: every project listed (the title
        // counts them; other users' projects may be there too), 10 times, back to the
        // containers view between.
        let listed = |s: &str| projects_in_title(s).is_some_and(|k| k >= n);
        let mut times = Vec::new();
        let req0 = self.proxy.stats.requests();
        let since = Instant::now();
        for i in 0..10 {
            let t0 = Instant::now();
            term.send(b"7")?;
            match term.wait_for(
                listed,
                Duration::from_secs(5),
                Duration::from_millis(1),
                "the projects listed",
            ) {
                Ok(t) => times.push(ms(t - t0)),
                Err(e) => {
                    times.push(5000.0);
                    self.report.note(format!("projects view {}: {e}", i + 1));
                }
            }
            term.send(b"1")?;
            term.wait_for(
                |s| s.contains("Containers "),
                Duration::from_secs(5),
                Duration::from_millis(1),
                "back to the containers",
            )?;
            thread::sleep(Duration::from_millis(100));
        }
        let reqs = self.proxy.stats.requests() - req0;
        let mut kinds: std::collections::BTreeMap<String, usize> = Default::default();
        for (_, line) in self.proxy.stats.requests_since(since) {
            // "GET /v1.41/containers/x/json HTTP/1.1": the method and the path's shape.
            let shape: String = line
                .split('?')
                .next()
                .unwrap_or_default()
                .split('/')
                .map(|p| {
                    if p.len() >= 12 && p.chars().all(|c| c.is_ascii_hexdigit()) {
                        "ID"
                    } else {
                        p
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            *kinds.entry(shape).or_default() += 1;
        }
        self.report
            .note(format!("requests during the 10 openings: {kinds:?}"));
        println!(
            "  projects view times: {}",
            times
                .iter()
                .map(|t| format!("{t:.1}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        self.report.fig(
            "projects_view_first_frame_median",
            median(&times),
            "ms",
            Some(20.0),
        );
        self.report
            .fig("projects_view_first_frame_max", max_of(&times), "ms", None);
        // The first opening asks the images (the outdated badge); nothing else.
        self.report.fig(
            "projects_view_requests_over_10_openings",
            reqs as f64,
            "requests",
            None,
        );
        term.quit();
        // The projects go before the flood (this run's containers only).
        let filter = format!("label={}", run_label());
        if let Ok(out) = docker(&["ps", "-aq", "--filter", &filter, "--filter", "name=benchp-"]) {
            let ids: Vec<String> = out.split_whitespace().map(String::from).collect();
            remove_containers(&ids);
        }

        println!("\n--- projects: aggregated logs of 50 containers x 200 lines/s ---");
        // 20 lines then a tenth of a second: about 200 lines a second each.
        let script = "i=0; while true; do j=0; while [ $j -lt 20 ]; do echo \"$(hostname) line $i.$j\"; j=$((j+1)); done; i=$((i+1)); sleep 0.1; done";
        let specs = (1..=50)
            .map(|k| compose_run("benchflood", "log", k, &["sh", "-c", script]))
            .collect();
        run_many(None, specs)?;
        let (mut term, _, _, _) = self.spawn_complete()?;
        term.send(b"7")?;
        term.wait_for(
            |s| s.contains("benchflood"),
            Duration::from_secs(10),
            Duration::from_millis(5),
            "benchflood in the projects view",
        )?;
        term.send(b"/benchflood\r")?;
        thread::sleep(Duration::from_millis(200));
        term.send(b"l")?;
        term.wait_for(
            |s| s.contains(" line "),
            Duration::from_secs(20),
            Duration::from_millis(5),
            "the project's log lines",
        )?;
        let cpu0 = term.cpu_ticks().ok_or("dockside is gone")?;
        let bytes0 = term.bytes();
        let t1 = Instant::now();
        thread::sleep(Duration::from_secs(10));
        let cpu = (term.cpu_ticks().ok_or("dockside is gone")? - cpu0) as f64 / self.tck;
        let secs = t1.elapsed().as_secs_f64();
        println!("  ({secs:.1} s of flood)");
        self.report
            .fig("projects_flood_10s_dockside_cpu", cpu, "s", None);
        self.report.fig(
            "projects_flood_10s_bytes_written",
            (term.bytes() - bytes0) as f64,
            "B",
            None,
        );
        let mut times = Vec::new();
        let mut timeouts = 0usize;
        for i in 0..20 {
            let (t, timed_out) = self.help_sample(&term, "projects flood", i)?;
            times.push(t);
            if timed_out {
                timeouts += 1;
                continue;
            }
            thread::sleep(Duration::from_millis(100));
        }
        println!(
            "  help overlay times: {}",
            times
                .iter()
                .map(|t| format!("{t:.1}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        self.report.fig(
            "projects_flood_help_median",
            median(&times),
            "ms",
            Some(50.0),
        );
        self.report
            .fig("projects_flood_help_max", max_of(&times), "ms", None);
        self.report.fig(
            "projects_flood_help_timeouts",
            timeouts as f64,
            "samples",
            Some(0.0),
        );
        // What the logs pane's title says it dropped (the ring evicts the oldest).
        let screen = term.screen();
        let dropped = screen
            .find(" older dropped")
            .map(|i| {
                let digits: String = screen[..i]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                digits.chars().rev().collect::<String>()
            })
            .unwrap_or_else(|| "none".into());
        self.report.note(format!(
            "logs pane after the flood: older lines dropped by the ring: {dropped}"
        ));
        let rss = status_kb(term.pid, "VmRSS").unwrap_or(0) as f64 / 1024.0;
        let hwm = status_kb(term.pid, "VmHWM").unwrap_or(0) as f64 / 1024.0;
        self.report
            .fig("projects_flood_dockside_rss", rss, "MiB", None);
        self.report
            .fig("projects_flood_dockside_peak_rss", hwm, "MiB", None);
        term.quit();
        Ok(())
    }

    /// `--build`: a classic-builder build whose RUN step prints 100,000 lines; while its output
    /// streams into the jobs pane, time the help overlay.
    fn phase_build(&mut self) -> Result<(), String> {
        println!("--- build: 100,000 lines of build output ---");
        let dir = std::env::temp_dir().join(format!("dockside-bench-build-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("mkdir: {e}"))?;
        let tag = format!("bench-build:{}", std::process::id());
        std::fs::write(
            dir.join("Dockerfile"),
            format!(
                "FROM dockside-test/busybox:latest\nLABEL dockside.bench=1\nRUN seq 1 100000 | sed 's/^/build output line /'; echo {}\n",
                std::process::id()
            ),
        )
        .map_err(|e| format!("write Dockerfile: {e}"))?;
        let result = self.build_measure(&dir, &tag);
        let _ = docker(&["rmi", "-f", &tag]);
        let _ = std::fs::remove_dir_all(&dir);
        result
    }

    fn build_measure(&mut self, dir: &Path, tag: &str) -> Result<(), String> {
        let (mut term, _, _, _) = self.spawn_complete()?;
        term.send(b"2")?;
        term.wait_for(
            |s| s.contains(" images"),
            Duration::from_secs(30),
            Duration::from_millis(5),
            "the images view",
        )?;
        term.send(b"b")?;
        term.wait_for(
            |s| s.contains("Build:"),
            Duration::from_secs(10),
            Duration::from_millis(5),
            "the build prompt",
        )?;
        let cpu0 = cpu_ticks(term.pid).unwrap_or(0);
        let bytes0 = term.bytes();
        let t0 = Instant::now();
        term.send(format!("{} -t {tag}\r", dir.display()).as_bytes())?;
        term.wait_for(
            |s| s.contains("build output line"),
            Duration::from_secs(60),
            Duration::from_millis(2),
            "build output",
        )?;
        let mut times = Vec::new();
        let mut help_timeouts = 0usize;
        while times.len() < 20 {
            let screen = term.screen();
            if screen.contains("done") && screen.contains("Successfully") {
                break;
            }
            let i = times.len();
            let (t, timed_out) = self.help_sample(&term, "build", i)?;
            times.push(t);
            help_timeouts += usize::from(timed_out);
            thread::sleep(Duration::from_millis(50));
        }
        let finished = term.wait_for(
            |s| s.contains("Successfully built") || s.contains("failed"),
            Duration::from_secs(120),
            Duration::from_millis(5),
            "the end of the build",
        );
        let elapsed = t0.elapsed();
        println!("  {} help samples during the build", times.len());
        self.report.fig(
            "build_help_overlay_median",
            median(&times),
            "ms",
            Some(50.0),
        );
        self.report
            .fig("build_help_overlay_max", max_of(&times), "ms", None);
        self.report.fig(
            "build_help_overlay_timeouts",
            help_timeouts as f64,
            "samples",
            Some(0.0),
        );
        if finished.is_ok() {
            self.report
                .fig("build_duration", elapsed.as_secs_f64(), "s", None);
        }
        let cpu = (cpu_ticks(term.pid).unwrap_or(0).saturating_sub(cpu0)) as f64 / self.tck;
        self.report.fig("build_dockside_cpu", cpu, "s", None);
        self.report.fig(
            "build_bytes_written",
            (term.bytes() - bytes0) as f64,
            "B",
            None,
        );
        if let Some(kb) = status_kb(term.pid, "VmHWM") {
            self.report
                .fig("build_peak_rss", kb as f64 / 1024.0, "MiB", None);
        }
        term.quit();
        Ok(())
    }

    fn images_measure(&mut self, n: usize) -> Result<(), String> {
        let (mut term, _, _, _) = self.spawn_complete()?;
        let total = docker(&["images", "-q", "--no-trunc"])?.lines().count();
        let tagged = docker(&["images", "--format", "{{.Repository}}:{{.Tag}}"])?
            .lines()
            .filter(|l| !l.contains("<none>"))
            .count();
        let _ = total;
        // The title counts the rows shown: every tag is a row.
        let want = format!("{tagged} images");
        let t = Instant::now();
        term.send(b"2")?;
        let shown = term.wait_for(
            |s| s.contains(&want),
            Duration::from_secs(30),
            Duration::from_millis(1),
            &want,
        )?;
        self.report
            .fig("images_first_list", ms(shown - t), "ms", None);
        println!("  ({n} bench tags, {tagged} rows)");
        // A re-sort is over when the title names the new order AND the rows on screen are
        // a run of the engine's images in that order (read from the API right before the
        // key); any other change on screen does not end it. A sort never seen counts as the
        // timeout.
        const SORT_TIMEOUT: Duration = Duration::from_secs(10);
        let mut sorts = Vec::new();
        let mut timeouts = 0usize;
        for label in ["size", "created", "name", "size", "created", "name"] {
            term.wait_quiet(Duration::from_millis(50), Duration::from_secs(5));
            let order = images_order(label)?;
            let title = format!("sorted by {label}▲");
            let t = Instant::now();
            term.send(b"o")?;
            match term.wait_for(
                |s| s.contains(&title) && rows_in_order(s, &order).is_some(),
                SORT_TIMEOUT,
                Duration::from_millis(1),
                &format!("the rows sorted by {label}"),
            ) {
                Ok(at) => sorts.push(ms(at - t)),
                Err(e) => {
                    timeouts += 1;
                    sorts.push(ms(SORT_TIMEOUT));
                    self.report.note(format!("images sort by {label}: {e}"));
                }
            }
        }
        self.report
            .fig("images_sort_median", median(&sorts), "ms", Some(50.0));
        self.report
            .fig("images_sort_max", max_of(&sorts), "ms", None);
        self.report.fig(
            "images_sort_timeouts",
            timeouts as f64,
            "samples",
            Some(0.0),
        );
        // Scrolling to the bottom of the list: over when the last row of the order is on
        // screen, at the end of a run of rows in that order.
        term.wait_quiet(Duration::from_millis(50), Duration::from_secs(5));
        let order = images_order("name")?;
        let last = order.last().cloned().unwrap_or_default();
        let t = Instant::now();
        term.send(b"G")?;
        match term.wait_for(
            |s| rows_in_order(s, &order).is_some_and(|shown| shown.last() == Some(&last)),
            SORT_TIMEOUT,
            Duration::from_millis(1),
            &format!("the last row ({last}) on screen"),
        ) {
            Ok(at) => self
                .report
                .fig("images_jump_to_end", ms(at - t), "ms", Some(50.0)),
            Err(e) => {
                self.report
                    .fig("images_jump_to_end", ms(SORT_TIMEOUT), "ms", Some(50.0));
                self.report.note(format!("images jump to end: {e}"));
            }
        }
        if let Some(kb) = status_kb(term.pid, "VmHWM") {
            self.report
                .fig("images_peak_rss", kb as f64 / 1024.0, "MiB", None);
        }
        term.quit();
        Ok(())
    }

    fn spawn_dockside(&self) -> Result<Term, String> {
        let host = self.proxy.host_arg();
        Term::spawn(
            &self.args.bin,
            &["-H", &host],
            self.args.cols,
            self.args.rows,
        )
    }

    /// Spawns dockside and waits for `Containers N/N` (N read right before the spawn).
    /// Retries a few times when N changed underneath (other users of the engine).
    fn spawn_complete(&self) -> Result<(Term, Instant, Duration, usize), String> {
        let mut last_err = String::new();
        for _ in 0..3 {
            let n = engine_container_count()?;
            let needle = format!("Containers {n}/{n} ");
            let t0 = Instant::now();
            let term = self.spawn_dockside()?;
            match term.wait_for(
                |s| s.contains(&needle),
                Duration::from_secs(20),
                Duration::from_millis(1),
                &needle,
            ) {
                Ok(t) => return Ok((term, t0, t - t0, n)),
                Err(e) => {
                    let now = engine_container_count().unwrap_or(n);
                    last_err = format!("{e}\n(engine had {n} containers at spawn, {now} now)");
                    if now == n {
                        break;
                    }
                    eprintln!("  container count changed ({n} → {now}) during the run; again");
                }
            }
        }
        Err(last_err)
    }

    fn phase_first_frame(&mut self) -> Result<(), String> {
        println!("\n--- 1. first frame: list on screen, and screen complete ---");
        // "List on screen": `Containers N/N`. "Screen complete": also the engine version in
        // the header and the first stats on every visible running row (no `…` left).
        const COMPLETE_TIMEOUT: Duration = Duration::from_secs(20);
        let mut list_times = Vec::new();
        let mut complete_times = Vec::new();
        let mut incomplete = 0usize;
        for i in 0..5 {
            let (mut term, t0, d, n) = self.spawn_complete()?;
            let complete = term.wait_for(
                |s| !s.contains('…') && s.contains("(API ") && !s.contains("connecting to"),
                COMPLETE_TIMEOUT,
                Duration::from_millis(1),
                "the complete screen (engine version, stats on the visible rows)",
            );
            let dc = match &complete {
                Ok(t) => ms(*t - t0),
                Err(e) => {
                    incomplete += 1;
                    self.report.note(format!("first frame run {}: {e}", i + 1));
                    ms(COMPLETE_TIMEOUT)
                }
            };
            let mut answered = self.proxy.stats.answered_since(t0);
            answered.sort_by_key(|a| a.sent);
            let list = answered
                .iter()
                .find(|a| a.req.contains("/containers/json"))
                .map(|a| {
                    format!(
                        "; list requested +{:.1} ms, answered +{:.1}..+{:.1} ms",
                        ms(a.sent - t0),
                        ms(a.first - t0),
                        ms(a.last - t0)
                    )
                })
                .unwrap_or_default();
            println!(
                "  run {}: list on screen {:.1} ms, screen complete {dc:.1} ms (Containers {n}/{n}, {} bytes{list})",
                i + 1,
                ms(d),
                term.bytes()
            );
            if i == 0 {
                println!("    requests until complete (sent → first response byte, from spawn):");
                let until = Duration::from_secs_f64(dc / 1000.0);
                for a in answered.iter().filter(|a| a.sent - t0 <= until) {
                    println!(
                        "      +{:6.1} → +{:6.1} ms  {}",
                        ms(a.sent - t0),
                        ms(a.first - t0),
                        a.req
                    );
                }
            }
            list_times.push(ms(d));
            complete_times.push(dc);
            term.quit();
            thread::sleep(Duration::from_millis(300));
        }
        self.report.fig(
            "first_frame_list_median",
            median(&list_times),
            "ms",
            Some(60.0),
        );
        self.report
            .fig("first_frame_list_max", max_of(&list_times), "ms", None);
        self.report.fig(
            "first_frame_complete_median",
            median(&complete_times),
            "ms",
            Some(60.0),
        );
        self.report.fig(
            "first_frame_complete_max",
            max_of(&complete_times),
            "ms",
            None,
        );
        self.report.fig(
            "first_frame_complete_timeouts",
            incomplete as f64,
            "runs",
            Some(0.0),
        );
        Ok(())
    }

    /// The engine's CPU over one window without dockside, right before the window with it
    /// (`label` as in [`Ctx::phase_idle`]), so both see the same engine state.
    fn phase_baseline(&mut self, label: &str) -> Result<f64, String> {
        println!(
            "\n--- 2a. engine baseline{label}, {} s without dockside (next to the window with it) ---",
            self.args.idle_secs
        );
        let before = engine_ticks();
        let wall0 = SystemTime::now();
        thread::sleep(Duration::from_secs(self.args.idle_secs));
        let after = engine_ticks();
        let wall1 = SystemTime::now();
        let secs = engine_ticks_used(&before, &after) as f64 / self.tck;
        println!("  engine processes: {}", after.len());
        self.report
            .fig(&format!("engine_cpu_baseline{label}"), secs, "s", None);
        let events = engine_events(wall0, wall1);
        self.report.fig(
            &format!("baseline{label}_container_events"),
            events.len() as f64,
            "events",
            None,
        );
        if !events.is_empty() {
            println!("  (other users of the engine were active during the baseline:)");
            print_events(&events);
        }
        Ok(secs)
    }

    /// One idle window. `label` names the figures (`idle_{label}…`); `quiet_target` is the
    /// target of API requests and bytes written (0 when no live numbers are on screen).
    fn phase_idle(
        &mut self,
        term: &Term,
        baseline: f64,
        spawned: Instant,
        label: &str,
        quiet_target: Option<f64>,
    ) -> Result<(), String> {
        let idle = self.args.idle_secs;
        println!("\n--- 2b. idle{label}, {idle} s with dockside running ---");
        // Let the initial load (stats, logs of the selected container) settle.
        let settled = term.wait_quiet(Duration::from_secs(2), Duration::from_secs(8));
        if !settled {
            println!("  (output did not settle for 2 s within 8 s; measuring anyway)");
        }
        // dockside estimates the start of containers older than a minute from the list's
        // "Up About a minute"/"Up N minutes" (a lower bound), so their relative time changes
        // 60 s after the spawn at the earliest.
        let window_end = spawned.elapsed() + Duration::from_secs(idle);
        if window_end > Duration::from_secs(59) {
            self.report.note(format!(
                "idle window ends {:.0} s after dockside started: relative times (\"Up N minutes\") may change inside it",
                window_end.as_secs_f64()
            ));
        }

        let stats = &self.proxy.stats;
        let streams_before: Vec<(String, u64)> = stats.open_connections();
        let req0 = stats.requests();
        let bytes0 = term.bytes();
        let cpu0 = term.cpu_ticks().ok_or("dockside is gone")?;
        let eng0 = engine_ticks();
        let wall0 = SystemTime::now();
        let t0 = Instant::now();
        term.start_capture(4096);

        // Watch the screen to report what changed.
        let mut prev = term.screen_lines();
        let mut changes: Vec<(f64, usize, String)> = Vec::new();
        let mut changed_samples = 0usize;
        let end = t0 + Duration::from_secs(idle);
        while Instant::now() < end {
            thread::sleep(Duration::from_millis(100));
            let cur = term.screen_lines();
            let mut any = false;
            for (i, (a, b)) in prev.iter().zip(cur.iter()).enumerate() {
                if a != b {
                    any = true;
                    if changes.len() < 40 {
                        changes.push((t0.elapsed().as_secs_f64(), i, b.trim_end().to_string()));
                    }
                }
            }
            if any {
                changed_samples += 1;
            }
            prev = cur;
        }

        let dt = t0.elapsed().as_secs_f64();
        let wall1 = SystemTime::now();
        let raw = term.stop_capture();
        let bytes = term.bytes() - bytes0;
        let reqs = stats.requests() - req0;
        let cpu = (term.cpu_ticks().ok_or("dockside is gone")? - cpu0) as f64 / self.tck;
        let eng = engine_ticks_used(&eng0, &engine_ticks()) as f64 / self.tck;
        let scale = idle as f64 / 30.0;

        self.report.fig(
            &format!("idle_{label}bytes_written"),
            bytes as f64,
            "B",
            quiet_target,
        );
        self.report.fig(
            &format!("idle_{label}api_requests"),
            reqs as f64,
            "requests",
            quiet_target,
        );
        let streams: Vec<&(String, u64)> = streams_before
            .iter()
            .filter(|(r, _)| is_stream(r))
            .collect();
        self.report.fig(
            &format!("idle_{label}open_connections"),
            streams_before.len() as f64,
            "connections",
            None,
        );
        self.report.fig(
            &format!("idle_{label}open_streams"),
            streams.len() as f64,
            "streams",
            None,
        );
        self.report.fig(
            &format!("idle_{label}dockside_cpu"),
            cpu,
            "s",
            Some(0.3 * scale),
        );
        self.report
            .fig(&format!("idle_{label}engine_cpu"), eng, "s", None);
        self.report.fig(
            &format!("idle_{label}engine_cpu_caused_by_dockside"),
            eng - baseline,
            "s",
            Some(2.0 * scale),
        );
        println!("  (window {dt:.1} s)");

        // Streams by kind.
        let mut kinds: HashMap<String, usize> = HashMap::new();
        for (r, _) in &streams_before {
            let path = r.split_whitespace().nth(1).unwrap_or("(no request yet)");
            let path = path.split('?').next().unwrap_or(path);
            let kind = regex_like_id(path);
            *kinds
                .entry(format!(
                    "{} {kind}",
                    if is_stream(r) { "stream" } else { "idle/other" }
                ))
                .or_default() += 1;
        }
        let mut kinds: Vec<_> = kinds.into_iter().collect();
        kinds.sort();
        println!("  open connections at the window start, by last request:");
        for (k, n) in kinds {
            println!("    {n:4} × {k}");
        }
        // Container events on the engine in the window (other users of the engine).
        let events = engine_events(wall0, wall1);
        self.report.fig(
            &format!("idle_{label}container_events"),
            events.len() as f64,
            "events",
            None,
        );
        if !events.is_empty() {
            self.report.note(format!(
                "the idle window was not quiet: the engine emitted {} container events (other users of the engine); requests and bytes below follow from them",
                events.len()
            ));
            println!("  container events during the window (by container):");
            print_events(&events);
        }
        if reqs > 0 {
            let names: HashMap<&str, &str> = events
                .iter()
                .map(|(id, name, _)| (id.as_str(), name.as_str()))
                .collect();
            let id_re = regex::Regex::new(r"[0-9a-f]{64}").map_err(|e| e.to_string())?;
            let mut grouped: Vec<(String, usize, f64, f64)> = Vec::new();
            for (t, r) in stats.requests_since(t0) {
                let at = t.saturating_duration_since(t0).as_secs_f64();
                match grouped.iter_mut().find(|(g, ..)| *g == r) {
                    Some((_, n, _, last)) => {
                        *n += 1;
                        *last = at;
                    }
                    None => grouped.push((r, 1, at, at)),
                }
            }
            println!("  requests during the window (grouped; first..last time):");
            for (r, n, first, last) in grouped {
                let who = id_re
                    .find(&r)
                    .and_then(|m| names.get(m.as_str()))
                    .map(|name| format!("  [{name}]"))
                    .unwrap_or_default();
                println!("    {n:3} × +{first:5.2}..+{last:5.2} s  {r}{who}");
            }
        }
        if bytes > 0 {
            println!(
                "  screen changed in {changed_samples} of the 100 ms samples; first changes (t, row, new text):"
            );
            for (t, row, text) in &changes {
                println!("    +{t:6.2} s  row {row:2}: {text}");
            }
            println!(
                "  first {} bytes written: {}",
                raw.len(),
                escape_bytes(&raw[..raw.len().min(1500)])
            );
        }
        Ok(())
    }

    fn phase_stop(&mut self, term: &Term) -> Result<(), String> {
        println!("\n--- 3. external stop latency ---");
        // Sorted by state, a stopped container leaves the screen (running first); sort by name
        // so its row stays put and can be seen turning `Exited`.
        term.send(b"o")?;
        term.wait_for(
            |s| s.contains("NAME▲"),
            Duration::from_secs(3),
            Duration::from_millis(5),
            "the list sorted by name (NAME▲)",
        )?;
        thread::sleep(Duration::from_millis(200));
        let re = regex::Regex::new(r"\b(bench-\d{3})\b").map_err(|e| e.to_string())?;
        let names: Vec<String> = term
            .screen_lines()
            .iter()
            .filter(|l| l.contains(" Up "))
            .filter_map(|l| re.captures(l).map(|c| c[1].to_string()))
            .take(10)
            .collect();
        if names.len() < 10 {
            self.report.note(format!(
                "only {} running bench containers visible for the stop test",
                names.len()
            ));
        }
        // A stop never seen counts as the timeout, in both figures; a row seen `Exited` before
        // `docker stop` returned has no latency "after the return" (it is counted apart, not
        // as a negative value in the median).
        const STOP_TIMEOUT: Duration = Duration::from_secs(15);
        let mut from_ret = Vec::new();
        let mut from_start = Vec::new();
        let mut before_return = 0usize;
        let mut missed = 10usize.saturating_sub(names.len());
        for name in &names {
            let t_start = Instant::now();
            let mut child = Command::new("docker")
                .args(["stop", "-t", "0", name])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("docker stop: {e}"))?;
            let mut t_ret: Option<Instant> = None;
            let mut t_seen: Option<Instant> = None;
            let deadline = t_start + STOP_TIMEOUT;
            while (t_ret.is_none() || t_seen.is_none()) && Instant::now() < deadline {
                if t_ret.is_none()
                    && let Ok(Some(_)) = child.try_wait()
                {
                    t_ret = Some(Instant::now());
                }
                if t_seen.is_none()
                    && term
                        .screen_lines()
                        .iter()
                        .any(|l| l.contains(name.as_str()) && l.contains("Exited"))
                {
                    t_seen = Some(Instant::now());
                }
                thread::sleep(Duration::from_millis(1));
            }
            let _ = child.wait();
            match (t_ret, t_seen) {
                (Some(r), Some(s)) => {
                    let after_ret = if s >= r { ms(s - r) } else { -ms(r - s) };
                    let after_start = ms(s - t_start);
                    println!(
                        "  {name}: docker stop took {:.1} ms; Exited on screen {after_ret:.1} ms after it returned, {after_start:.1} ms after it started",
                        ms(r - t_start)
                    );
                    if after_ret >= 0.0 {
                        from_ret.push(after_ret);
                    } else {
                        before_return += 1;
                    }
                    from_start.push(after_start);
                }
                _ => {
                    missed += 1;
                    from_ret.push(ms(STOP_TIMEOUT));
                    from_start.push(ms(STOP_TIMEOUT));
                    self.report.note(format!(
                        "{name}: stop not seen within {} s (returned: {}, seen: {}); counted as {} ms",
                        STOP_TIMEOUT.as_secs(),
                        t_ret.is_some(),
                        t_seen.is_some(),
                        ms(STOP_TIMEOUT)
                    ));
                }
            }
            thread::sleep(Duration::from_millis(300));
        }
        self.report
            .fig("stop_samples_missed", missed as f64, "of 10", Some(0.0));
        self.report.fig(
            "stop_seen_before_docker_returned",
            before_return as f64,
            "samples",
            None,
        );
        self.report
            .fig("stop_latency_median", median(&from_ret), "ms", Some(100.0));
        self.report
            .fig("stop_latency_max", max_of(&from_ret), "ms", None);
        self.report.fig(
            "stop_latency_from_command_start_median",
            median(&from_start),
            "ms",
            None,
        );
        self.report.fig(
            "stop_latency_from_command_start_max",
            max_of(&from_start),
            "ms",
            None,
        );
        Ok(())
    }

    fn phase_logs(&mut self) -> Result<(), String> {
        println!("\n--- 5a. logs: 1,000,000 lines ---");
        let name = "bench-900";
        run_container(name, &["sh", "-c", "seq 1 1000000; exec sleep 3600"])?;
        let t = Instant::now();
        loop {
            let last = docker(&["logs", "--tail", "1", name]).unwrap_or_default();
            if last.trim() == "1000000" {
                break;
            }
            if t.elapsed() > Duration::from_secs(180) {
                return Err(format!("{name} did not log 1000000 lines within 180 s"));
            }
            thread::sleep(Duration::from_millis(500));
        }
        println!(
            "  {name} wrote 1,000,000 lines ({:.1} s)",
            t.elapsed().as_secs_f64()
        );
        let (mut term, _, _, _) = self.spawn_complete()?;
        term.wait_quiet(Duration::from_millis(500), Duration::from_secs(5));
        term.send(format!("/'{name}").as_bytes())?;
        let t0 = Instant::now();
        term.send(b"\r")?;
        let logs_top = self.detail_top();
        let seen = term.wait_for(
            |s| s.lines().skip(logs_top).any(|l| l.contains("1000000")),
            Duration::from_secs(30),
            Duration::from_millis(1),
            "1000000 in the logs pane",
        )?;
        let shown = term.screen();
        if !shown.contains("Containers 1/") {
            self.report.note(format!(
                "filter `'{name}` did not narrow the list to one row"
            ));
        }
        self.report
            .fig("logs_1m_lines_last_line", ms(seen - t0), "ms", Some(300.0));
        if let Some(kb) = status_kb(term.pid, "VmHWM") {
            self.report
                .fig("logs_1m_dockside_peak_rss", kb as f64 / 1024.0, "MiB", None);
        }

        println!("\n--- 5b. logs: flood ---");
        let flood = "bench-901";
        run_container(flood, &["yes", "flood line 0123456789"])?;
        term.send(b"\x1b")?;
        thread::sleep(Duration::from_millis(100));
        term.send(format!("/'{flood}\r").as_bytes())?;
        term.wait_for(
            |s| s.contains("flood line 0123456789"),
            Duration::from_secs(10),
            Duration::from_millis(5),
            "flood lines in the logs pane",
        )?;
        let cpu0 = term.cpu_ticks().ok_or("dockside is gone")?;
        let eng0 = engine_ticks();
        let bytes0 = term.bytes();
        let t1 = Instant::now();
        thread::sleep(Duration::from_secs(20));
        let secs = t1.elapsed().as_secs_f64();
        let cpu = (term.cpu_ticks().ok_or("dockside is gone")? - cpu0) as f64 / self.tck;
        let eng = engine_ticks_used(&eng0, &engine_ticks()) as f64 / self.tck;
        let bytes = term.bytes() - bytes0;
        let rss = status_kb(term.pid, "VmRSS").unwrap_or(0) as f64 / 1024.0;
        let hwm = status_kb(term.pid, "VmHWM").unwrap_or(0) as f64 / 1024.0;
        println!("  ({secs:.1} s of flood)");
        self.report.fig("flood_20s_dockside_rss", rss, "MiB", None);
        self.report
            .fig("flood_20s_dockside_peak_rss", hwm, "MiB", None);
        self.report.fig("flood_20s_dockside_cpu", cpu, "s", None);
        self.report.fig("flood_20s_engine_cpu", eng, "s", None);
        self.report
            .fig("flood_20s_bytes_written", bytes as f64, "B", None);

        let mut times = Vec::new();
        let mut help_timeouts = 0usize;
        for i in 0..20 {
            let (t, timed_out) = self.help_sample(&term, "flood", i)?;
            times.push(t);
            if timed_out {
                help_timeouts += 1;
                continue;
            }
            thread::sleep(Duration::from_millis(100));
        }
        println!(
            "  help overlay times: {}",
            times
                .iter()
                .map(|t| format!("{t:.1}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        self.report.fig(
            "flood_help_overlay_median",
            median(&times),
            "ms",
            Some(50.0),
        );
        self.report
            .fig("flood_help_overlay_max", max_of(&times), "ms", None);
        self.report.fig(
            "flood_help_overlay_timeouts",
            help_timeouts as f64,
            "samples",
            Some(0.0),
        );
        let hwm = status_kb(term.pid, "VmHWM").unwrap_or(0) as f64 / 1024.0;
        self.report
            .fig("flood_end_dockside_peak_rss", hwm, "MiB", None);
        let _ = docker(&["rm", "-f", flood]);
        term.quit();
        Ok(())
    }

    /// `--exec`: the embedded shell, in one container: echo latency, a `cat` flood, an idle
    /// shell. Runs instead of the other phases.
    fn phase_exec(&mut self) -> Result<(), String> {
        let name = EXEC_CONTAINER;
        println!("--- exec setup: {name} ({IMAGE}, sleep 3600) ---");
        run_container(name, &["sleep", "3600"])?;
        let created = Instant::now();
        // base64 of 3/4 of the size: printable, 76-column lines.
        let gen_file = format!(
            "head -c {} /dev/urandom | base64 > /tmp/big && wc -c < /tmp/big",
            EXEC_FLOOD_BYTES / 4 * 3
        );
        let size: u64 = docker(&["exec", name, "sh", "-c", &gen_file])?
            .trim()
            .parse()
            .map_err(|e| format!("the size of /tmp/big in {name}: {e}"))?;
        println!("  /tmp/big in {name}: {size} bytes");
        // The key that leaves the shell, as dockside's keymap binds it.
        let leave = keys::leave_shell()?;
        let (mut term, _, d, n) = self.spawn_complete()?;
        println!("  dockside up: Containers {n}/{n} after {:.1} ms", ms(d));
        let result = self.exec_session(&term, created, size, &leave);
        // Leave the shell (if still in it) so that `q` reaches dockside.
        let _ = term.send(&leave.bytes);
        thread::sleep(Duration::from_millis(100));
        term.quit();
        if let Err(e) = docker(&["rm", "-f", name]) {
            eprintln!("{e}");
        }
        result
    }

    fn exec_session(
        &mut self,
        term: &Term,
        created: Instant,
        size: u64,
        leave: &BoundKey,
    ) -> Result<(), String> {
        let name = EXEC_CONTAINER;
        // The exec pane's border while keys go to the shell.
        let shell_hint = keys::leave_shell_hint(leave);
        println!("\n--- exec 1. echo latency ---");
        term.wait_quiet(Duration::from_millis(500), Duration::from_secs(5));
        term.send(format!("/'{name}").as_bytes())?;
        thread::sleep(Duration::from_millis(50));
        term.send(b"\r")?;
        term.wait_for(
            |s| s.contains("Containers 1/"),
            Duration::from_secs(5),
            Duration::from_millis(5),
            &format!("the list filtered to {name}"),
        )?;
        term.send(b"e")?;
        term.wait_for(
            |s| s.contains(&shell_hint),
            Duration::from_secs(10),
            Duration::from_millis(5),
            "the shell pane",
        )?;
        if let Err(e) = term.wait_for(
            |s| {
                s.lines()
                    .any(|l| l.split('│').any(|c| cell(c).ends_with(['#', '$'])))
            },
            Duration::from_secs(10),
            Duration::from_millis(5),
            "a shell prompt",
        ) {
            self.report.note(format!("exec: no prompt seen: {e}"));
        }
        term.send(b"echo ready-0\r")?;
        term.wait_for(
            |s| has_cell(s, "ready-0"),
            Duration::from_secs(10),
            Duration::from_millis(5),
            "ready-0 from the shell",
        )?;
        term.wait_quiet(Duration::from_millis(200), Duration::from_secs(2));
        let prompt = prompt_after(&term.screen_lines(), "ready-0");
        match &prompt {
            Some(p) => println!("  shell prompt: {p:?}"),
            None => self
                .report
                .note("exec: no prompt after `echo ready-0`; the cat's end is taken from the output going quiet".into()),
        }

        let stats = Arc::clone(&self.proxy.stats);
        let (mut total, mut engine, mut to_screen) = (Vec::new(), Vec::new(), Vec::new());
        for i in 1..=EXEC_SAMPLES {
            let marker = format!("mark-{i}");
            let cmd = format!("echo {marker}");
            term.send(cmd.as_bytes())?;
            term.wait_for(
                |s| s.contains(&cmd),
                Duration::from_secs(5),
                Duration::from_millis(1),
                "the typed command",
            )?;
            // The shell echoes the Enter as `\r\n`, then prints `mark-N\r\n` (ONLCR).
            stats.watch(format!("\n{marker}\r").as_bytes());
            let t0 = Instant::now();
            term.send(b"\r")?;
            let seen = term.wait_for(
                |s| has_cell(s, &marker),
                Duration::from_secs(5),
                Duration::from_millis(1),
                &format!("the line {marker}"),
            );
            let from_engine = stats.watched();
            let seen = match seen {
                Ok(t) => t,
                Err(e) => {
                    self.report.note(format!("exec echo {i}: {e}"));
                    continue;
                }
            };
            total.push(ms(seen - t0));
            let split = match from_engine {
                Some(e) => {
                    engine.push(ms(e.saturating_duration_since(t0)));
                    to_screen.push(ms(seen.saturating_duration_since(e)));
                    format!(
                        " (engine returned it after {:.1} ms, on screen {:.1} ms later)",
                        ms(e.saturating_duration_since(t0)),
                        ms(seen.saturating_duration_since(e))
                    )
                }
                None => " (not seen in the engine's stream)".to_string(),
            };
            println!("  {marker}: {:.1} ms{split}", ms(seen - t0));
            thread::sleep(Duration::from_millis(100));
        }
        self.report
            .fig("exec_echo_latency_median", median(&total), "ms", None);
        self.report
            .fig("exec_echo_latency_max", max_of(&total), "ms", None);
        self.report
            .fig("exec_echo_engine_reply_median", median(&engine), "ms", None);
        self.report.fig(
            "exec_echo_engine_to_screen_median",
            median(&to_screen),
            "ms",
            None,
        );
        self.report.fig(
            "exec_echo_engine_to_screen_max",
            max_of(&to_screen),
            "ms",
            None,
        );

        println!("\n--- exec 2. flood: cat of {size} bytes ---");
        let cmd = "cat /tmp/big";
        term.send(cmd.as_bytes())?;
        term.wait_for(
            |s| s.contains(cmd),
            Duration::from_secs(5),
            Duration::from_millis(1),
            "the typed command",
        )?;
        let cpu0 = term.cpu_ticks().ok_or("dockside is gone")?;
        let bytes0 = term.bytes();
        let hwm0 = status_kb(term.pid, "VmHWM").unwrap_or(0);
        // Watches the screen for the prompt alone on a line: the cat is done.
        let done: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
        let stop = Arc::new(AtomicBool::new(false));
        // Also samples, every 100 ms, the bytes the engine sent and dockside wrote.
        let watcher = prompt.clone().map(|prompt| {
            let screen = term.app.screen_handle();
            let (done, stop) = (Arc::clone(&done), Arc::clone(&stop));
            let stats = Arc::clone(&stats);
            thread::spawn(move || {
                let start = Instant::now();
                let mut timeline: Vec<(u64, u64)> = Vec::new();
                let mut next = start;
                let sample = || {
                    (
                        stats.engine_bytes.load(Ordering::SeqCst),
                        screen.bytes_written(),
                    )
                };
                while !stop.load(Ordering::SeqCst) {
                    if Instant::now() >= next {
                        timeline.push(sample());
                        next += Duration::from_millis(100);
                    }
                    let lines = screen.lines();
                    if lines
                        .iter()
                        .any(|l| l.split('│').any(|c| cell(c) == prompt))
                    {
                        *lock(&done) = Some(Instant::now());
                        timeline.push(sample());
                        break;
                    }
                    thread::sleep(Duration::from_millis(2));
                }
                timeline
            })
        });
        let t0 = Instant::now();
        term.send(b"\r")?;
        thread::sleep(Duration::from_millis(300));
        println!(
            "  {} bytes written to the terminal in the first 300 ms",
            term.bytes() - bytes0
        );
        let t_leave = Instant::now();
        term.send(&leave.bytes)?;
        match term.wait_for(
            |s| !s.contains(&shell_hint),
            Duration::from_secs(10),
            Duration::from_millis(1),
            &format!("{} to leave the shell", leave.label),
        ) {
            Ok(t) => self
                .report
                .fig("exec_flood_leave_shell", ms(t - t_leave), "ms", None),
            Err(e) => self.report.note(format!("exec flood: {e}")),
        }
        let mut times = Vec::new();
        let mut starts = Vec::new();
        let mut help_timeouts = 0usize;
        for i in 0..EXEC_SAMPLES {
            starts.push(Instant::now());
            let (t, timed_out) = self.help_sample(term, "exec flood", i)?;
            times.push(t);
            if timed_out {
                help_timeouts += 1;
                continue;
            }
            thread::sleep(Duration::from_millis(50));
        }
        let finished = match watcher {
            Some(w) => {
                let deadline = Instant::now() + Duration::from_secs(120);
                while lock(&done).is_none() && Instant::now() < deadline {
                    thread::sleep(Duration::from_millis(20));
                }
                stop.store(true, Ordering::SeqCst);
                if let Ok(timeline) = w.join() {
                    println!(
                        "  per 100 ms from the Enter: KB from the engine / KB dockside wrote to the terminal (the last: until the prompt):"
                    );
                    let steps: Vec<String> = timeline
                        .windows(2)
                        .map(|w| {
                            format!(
                                "{:.0}/{:.1}",
                                (w[1].0 - w[0].0) as f64 / 1000.0,
                                (w[1].1 - w[0].1) as f64 / 1000.0
                            )
                        })
                        .collect();
                    for chunk in steps.chunks(10) {
                        println!("    {}", chunk.join("  "));
                    }
                }
                *lock(&done)
            }
            None => term
                .wait_quiet(Duration::from_secs(1), Duration::from_secs(120))
                .then(|| Instant::now() - Duration::from_secs(1)),
        };
        term.wait_quiet(Duration::from_secs(1), Duration::from_secs(10));
        let cpu = (term.cpu_ticks().ok_or("dockside is gone")? - cpu0) as f64 / self.tck;
        let bytes = term.bytes() - bytes0;
        let hwm = status_kb(term.pid, "VmHWM").unwrap_or(0);
        println!(
            "  help overlay times: {}",
            times
                .iter()
                .map(|t| format!("{t:.1}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        // Samples sent while the cat still printed (all of them when its end was never
        // seen) carry the target; those after it are reported apart, never mixed in.
        let end = finished.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
        let (mut during, mut after) = (Vec::new(), Vec::new());
        let (mut during_timeouts, mut after_timeouts) = (0usize, 0usize);
        for (s, t) in starts.iter().zip(&times) {
            let timed_out = *t >= ms(HELP_TIMEOUT);
            if *s < end {
                during.push(*t);
                during_timeouts += usize::from(timed_out);
            } else {
                after.push(*t);
                after_timeouts += usize::from(timed_out);
            }
        }
        match finished {
            Some(f) => self.report.fig(
                "exec_flood_cat_on_screen",
                (f - t0).as_secs_f64(),
                "s",
                None,
            ),
            None => self
                .report
                .note("exec flood: the cat did not finish on screen within 120 s: every help sample counts as during it".into()),
        }
        self.report.fig(
            "exec_flood_help_samples_during_cat",
            during.len() as f64,
            "samples",
            None,
        );
        if during.is_empty() {
            self.report.note(
                "exec flood: the cat was over before the first `?`: exec_flood_leave_shell is the only key latency during it".into(),
            );
        } else {
            self.report.fig(
                "exec_flood_help_overlay_during_cat_median",
                median(&during),
                "ms",
                Some(50.0),
            );
            self.report.fig(
                "exec_flood_help_overlay_during_cat_max",
                max_of(&during),
                "ms",
                None,
            );
        }
        self.report.fig(
            "exec_flood_help_overlay_during_cat_timeouts",
            during_timeouts as f64,
            "samples",
            Some(0.0),
        );
        if !after.is_empty() {
            self.report.fig(
                "exec_flood_help_overlay_after_cat_median",
                median(&after),
                "ms",
                None,
            );
            self.report.fig(
                "exec_flood_help_overlay_after_cat_timeouts",
                after_timeouts as f64,
                "samples",
                None,
            );
        }
        debug_assert_eq!(during_timeouts + after_timeouts, help_timeouts);
        self.report.fig("exec_flood_dockside_cpu", cpu, "s", None);
        self.report.fig(
            "exec_flood_dockside_peak_rss",
            hwm as f64 / 1024.0,
            "MiB",
            None,
        );
        if hwm > hwm0 {
            println!(
                "  peak RSS grew by {:.1} MiB during the flood",
                (hwm - hwm0) as f64 / 1024.0
            );
        }
        self.report
            .fig("exec_flood_bytes_written", bytes as f64, "B", None);

        println!("\n--- exec 3. idle shell (typing focus: keys go to the shell) ---");
        // The live CPU/MEM columns off (`c` in the list), so what is measured is the idle
        // session alone: the container's memory still moves after the flood.
        term.send(b"\t")?;
        term.stats_off()?;
        term.send(b"\t")?;
        term.send(b"\r")?;
        term.wait_for(
            |s| s.contains(&shell_hint),
            Duration::from_secs(5),
            Duration::from_millis(5),
            "Enter to give the keys to the shell again",
        )?;
        term.send(b"echo done-1\r")?;
        term.wait_for(
            |s| has_cell(s, "done-1"),
            Duration::from_secs(10),
            Duration::from_millis(5),
            "done-1 from the shell after the flood",
        )?;
        // The list's "Up N seconds" changes every second in the container's first minute.
        let min_age = Duration::from_secs(61);
        if created.elapsed() < min_age {
            let wait = min_age - created.elapsed();
            println!(
                "  waiting {:.0} s until {name} is 61 s old (\"Up N seconds\" ticks before)",
                wait.as_secs_f64()
            );
            thread::sleep(wait);
        }
        if !term.wait_quiet(Duration::from_secs(2), Duration::from_secs(8)) {
            println!("  (output did not settle for 2 s within 8 s; measuring anyway)");
        }
        let req0 = stats.requests();
        let bytes0 = term.bytes();
        let cpu0 = term.cpu_ticks().ok_or("dockside is gone")?;
        let t0 = Instant::now();
        term.start_capture(4096);
        let mut prev = term.screen_lines();
        let mut changes: Vec<(f64, usize, String)> = Vec::new();
        let end = t0 + Duration::from_secs(EXEC_IDLE_SECS);
        while Instant::now() < end {
            thread::sleep(Duration::from_millis(100));
            let cur = term.screen_lines();
            for (i, (a, b)) in prev.iter().zip(cur.iter()).enumerate() {
                if a != b && changes.len() < 20 {
                    changes.push((t0.elapsed().as_secs_f64(), i, b.trim_end().to_string()));
                }
            }
            prev = cur;
        }
        let secs = t0.elapsed().as_secs_f64();
        let raw = term.stop_capture();
        let bytes = term.bytes() - bytes0;
        let reqs = stats.requests() - req0;
        let cpu = (term.cpu_ticks().ok_or("dockside is gone")? - cpu0) as f64 / self.tck;
        println!("  (window {secs:.1} s)");
        self.report.fig(
            "exec_idle_dockside_cpu",
            cpu,
            "s",
            Some(0.3 * EXEC_IDLE_SECS as f64 / 30.0),
        );
        self.report
            .fig("exec_idle_bytes_written", bytes as f64, "B", Some(0.0));
        self.report
            .fig("exec_idle_api_requests", reqs as f64, "requests", None);
        if bytes > 0 {
            println!("  screen changes (t, row, new text):");
            for (t, row, text) in &changes {
                println!("    +{t:6.2} s  row {row:2}: {text}");
            }
            println!(
                "  first {} bytes written: {}",
                raw.len(),
                escape_bytes(&raw[..raw.len().min(1500)])
            );
        }
        Ok(())
    }

    /// First screen row of the detail (logs) pane, as dockside lays it out.
    fn detail_top(&self) -> usize {
        let body = self.args.rows.saturating_sub(2);
        if body < 12 {
            return 1;
        }
        let list_h = (body * 9 / 20).max(6);
        usize::from(1 + list_h)
    }
}

/// A `│`-separated piece of a screen row, trimmed, without the shell pane's cursor (`█`).
fn cell(c: &str) -> &str {
    c.trim().trim_end_matches('█').trim_end()
}

/// Whether a screen row has a cell that is exactly `want` (see [`cell`]).
fn has_cell(screen: &str, want: &str) -> bool {
    screen
        .lines()
        .any(|l| l.split('│').any(|c| cell(c) == want))
}

/// The shell prompt: the cell right below the output line `marker` (trimmed), if any.
fn prompt_after(lines: &[String], marker: &str) -> Option<String> {
    lines.iter().enumerate().find_map(|(row, l)| {
        let col = l.split('│').position(|c| cell(c) == marker)?;
        let below = cell(lines.get(row + 1)?.split('│').nth(col)?);
        (!below.is_empty()).then(|| below.to_string())
    })
}

/// `/v1.41/containers/<id>/stats` → `/v1.41/containers/{id}/stats`.
fn regex_like_id(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.len() >= 12 && seg.chars().all(|c| c.is_ascii_hexdigit()) {
                "{id}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// `docker -H <the swarm manager> args...`.
fn swarm_docker(args: &[&str]) -> Result<String, String> {
    let host = format!("unix://{SWARM_SOCK}");
    let mut all = vec!["-H", host.as_str()];
    all.extend_from_slice(args);
    docker(&all)
}

/// Removes the bench's services from the swarm manager (when one answers); how many.
fn cleanup_services() -> usize {
    if !Path::new(SWARM_SOCK).exists() {
        return 0;
    }
    let ids: Vec<String> =
        swarm_docker(&["service", "ls", "-q", "--filter", &format!("label={LABEL}")])
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect();
    for chunk in ids.chunks(50) {
        let mut args = vec!["service", "rm"];
        args.extend(chunk.iter().map(String::as_str));
        let _ = swarm_docker(&args);
    }
    ids.len()
}

/// `name running/desired` of every service, from `docker service ls`.
fn swarm_replicas() -> Result<Vec<(String, String)>, String> {
    Ok(
        swarm_docker(&["service", "ls", "--format", "{{.Name}} {{.Replicas}}"])?
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(n, r)| (n.to_string(), r.to_string()))
            .collect(),
    )
}

fn install_signal_cleanup(sock: PathBuf) {
    let spawned = thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            let got = rt.block_on(async {
                let Ok(mut term) =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                else {
                    return tokio::signal::ctrl_c().await.is_ok();
                };
                tokio::select! {
                    r = tokio::signal::ctrl_c() => r.is_ok(),
                    _ = term.recv() => true,
                }
            });
            if got {
                eprintln!("\ninterrupted: removing the bench containers…");
                let pid = CURRENT_CHILD.load(Ordering::SeqCst);
                if pid != 0 {
                    kill_group(pid);
                }
                let n = cleanup_containers();
                eprintln!("removed {n} containers");
                let n = cleanup_services();
                if n > 0 {
                    eprintln!("removed {n} bench services");
                }
                engines::teardown();
                let _ = std::fs::remove_file(&sock);
                std::process::exit(130);
            }
        });
    if let Err(e) = spawned {
        eprintln!("warning: no Ctrl-C cleanup: {e}");
    }
}

fn run(ctx: &mut Ctx) -> Result<(), String> {
    let n = ctx.args.containers;
    println!("--- setup: creating {n} containers ({CREATE_PARALLEL} at a time) ---");
    let t = Instant::now();
    let last_created = create_containers(n)?;
    let secs = t.elapsed().as_secs_f64();
    ctx.report.fig("setup_create_containers", secs, "s", None);

    ctx.phase_first_frame()?;

    // Every container must be at least 61 s old before dockside lists it for the idle window
    // ("Up About a minute" then holds for the whole window).
    let min_age = Duration::from_secs(61);
    if last_created.elapsed() < min_age {
        let wait = min_age - last_created.elapsed();
        println!(
            "\n  waiting {:.0} s until every container is 61 s old",
            wait.as_secs_f64()
        );
        thread::sleep(wait);
    }
    // Each window with dockside follows its own baseline without it (A B, A B): the engine's
    // own cost drifts, and a baseline taken minutes earlier flatters or punishes at random.
    let baseline = ctx.phase_baseline("")?;
    let spawned = Instant::now();
    let (mut term, _, d, n_all) = ctx.spawn_complete()?;
    println!(
        "\n  dockside up for the idle/stop phases: Containers {n_all}/{n_all} after {:.1} ms",
        ms(d)
    );
    let idle = ctx.phase_idle(&term, baseline, spawned, "", None);
    if let Err(e) = idle {
        ctx.report.note(format!("idle phase failed: {e}"));
    }

    let stop = ctx.phase_stop(&term);
    if let Err(e) = stop {
        ctx.report.note(format!("stop phase failed: {e}"));
    }
    println!("\n--- 4. peak RSS ---");
    match status_kb(term.pid, "VmHWM") {
        Some(kb) => ctx
            .report
            .fig("peak_rss", kb as f64 / 1024.0, "MiB", Some(15.0)),
        None => ctx.report.note("no VmHWM for dockside".into()),
    }
    if let Some(kb) = status_kb(term.pid, "VmRSS") {
        ctx.report
            .fig("rss_at_end", kb as f64 / 1024.0, "MiB", None);
    }
    term.quit();

    // The idle window again, in a fresh dockside with the live CPU/MEM columns off (`c`):
    // nothing on screen changes, so the engine must not be asked anything.
    let off = (|| {
        let baseline = ctx.phase_baseline("_stats_off")?;
        let spawned = Instant::now();
        let (mut term, ..) = ctx.spawn_complete()?;
        term.stats_off()?;
        let r = ctx.phase_idle(&term, baseline, spawned, "stats_off_", Some(0.0));
        term.quit();
        r
    })();
    if let Err(e) = off {
        ctx.report.note(format!("stats-off idle phase failed: {e}"));
    }

    if ctx.args.logs
        && let Err(e) = ctx.phase_logs()
    {
        ctx.report.note(format!("logs phase failed: {e}"));
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut args = Args::parse();
    // portable-pty looks a relative program up in PATH; make it absolute.
    match std::fs::canonicalize(&args.bin) {
        Ok(p) => args.bin = p,
        Err(e) => {
            eprintln!(
                "dockside-bench: {}: {e} (cargo build --release --bin dockside)",
                args.bin.display()
            );
            return ExitCode::from(2);
        }
    }
    if let Err(e) = docker(&["image", "inspect", "-f", "{{.Id}}", IMAGE]) {
        eprintln!("dockside-bench: test image missing: {e}");
        return ExitCode::from(2);
    }
    if args.swarm.is_some() {
        let _ = TARGET_SOCK.set(SWARM_SOCK);
    }
    let sock = PathBuf::from(format!("/tmp/dockside-bench-{}.sock", std::process::id()));
    install_signal_cleanup(sock.clone());
    let left = cleanup_leftovers();
    if left > 0 {
        println!("removed {left} leftover bench containers");
    }
    let proxy = match Proxy::start(sock, PathBuf::from(engine_sock())) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("dockside-bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    let tck = clk_tck();
    println!(
        "dockside-bench: {} in a {}x{} pty, via {} → {}; CLK_TCK {tck}",
        args.bin.display(),
        args.cols,
        args.rows,
        proxy.path.display(),
        engine_sock()
    );
    let mut ctx = Ctx {
        args,
        proxy,
        tck,
        report: Report::default(),
    };
    let result = if let Some(n) = ctx.args.projects {
        ctx.phase_projects(n)
    } else if let Some(n) = ctx.args.swarm {
        let tasks = ctx.args.tasks;
        ctx.phase_swarm(n, tasks)
    } else if ctx.args.compare {
        let install = if ctx.args.install_peers {
            compare::install_peers()
        } else {
            Ok(())
        };
        let (rounds, large) = (ctx.args.rounds.max(1), ctx.args.compare_large);
        install.and_then(|()| compare::run(&mut ctx, rounds, large))
    } else if let Some(n) = ctx.args.engines {
        engines::run(&mut ctx, usize::from(n))
    } else if ctx.args.build {
        ctx.phase_build()
    } else if let Some(n) = ctx.args.images {
        ctx.phase_images(n)
    } else if ctx.args.exec {
        ctx.phase_exec()
    } else {
        run(&mut ctx)
    };
    println!("\n--- cleanup ---");
    let removed = cleanup_containers();
    println!("removed {removed} bench containers");
    if ctx.args.swarm.is_some() {
        let removed = cleanup_services();
        println!("removed {removed} bench services");
    }
    if let Err(e) = &result {
        ctx.report.note(format!("aborted: {e}"));
    }
    ctx.report.summary();
    if result.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
