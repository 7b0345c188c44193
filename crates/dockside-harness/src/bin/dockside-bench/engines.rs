//! `--engines N`: dockside on several engines at once (issue 12, "Speed and scale").
//!
//! The main engine and N-1 extra ones started with `scripts/engine2.sh` (`bench1`…, each with
//! its own socket, bridge and data root), `--containers` idle containers on EACH, a counting
//! proxy in front of EVERY engine socket and dockside started with one `-H` per proxy (so its
//! HOST column reads `main`, `bench1`…). Measured:
//!
//! 1. first frame listing all N engines (`● N/N engines` and `Containers T/T`, T the sum of
//!    each engine's `docker ps -aq`), from the spawn and after the slowest engine's list answer
//!    (last byte of its first `/containers/json`, from the proxies' timestamps);
//! 2. idle with live stats off (`containers.live_stats = false` in a `--config`): requests and
//!    bytes per engine, dockside CPU, bytes written to the terminal, next to an engine baseline;
//! 3. idle with live stats on: engine CPU caused per engine (each engine's own process tree,
//!    minus its baseline measured right before), the containers sampled per engine;
//! 4. peak RSS;
//! 5. `bench1` killed: an external `docker stop` on another engine must still reach the screen
//!    quickly; then restarted: its rows must agree with its `docker ps -a` soon after it answers.

use std::collections::{BTreeMap, HashSet};
use std::os::unix::process::CommandExt;

use super::*;

/// Names of the extra engines started (for the Ctrl-C handler and the teardown).
static EXTRA: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// The directory of the proxies' sockets and the config file.
static DIR: Mutex<Option<PathBuf>> = Mutex::new(None);
/// Held for the whole teardown: the end of the run waits for the Ctrl-C handler's teardown
/// to finish instead of exiting under it.
static TEARDOWN: Mutex<()> = Mutex::new(());

/// Within this long of a change, a screen is not taken as converged yet.
const STABLE: Duration = Duration::from_secs(2);
const STOP_SAMPLES: usize = 10;
const STOP_TIMEOUT: Duration = Duration::from_secs(15);

fn engine2_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/engine2.sh")
}

fn engines_dir() -> PathBuf {
    std::env::var_os("DOCKSIDE_ENGINES_DIR")
        .map_or_else(|| PathBuf::from("/tmp/dockside-engines"), PathBuf::from)
}

/// `scripts/engine2.sh args…` in a process group of its own (a Ctrl-C in the terminal must
/// not reach the engines it starts: the handler stops them); its stdout.
fn engine2(args: &[&str]) -> Result<String, String> {
    let out = Command::new(engine2_script())
        .args(args)
        .stdin(Stdio::null())
        .process_group(0)
        .output()
        .map_err(|e| format!("running engine2.sh {args:?}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(format!(
            "engine2.sh {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Stops and removes every extra engine started, and the proxies' directory. Called at the end
/// and by the Ctrl-C handler.
pub(super) fn teardown() {
    let _whole = lock(&TEARDOWN);
    let names: Vec<String> = std::mem::take(&mut *lock(&EXTRA));
    let handles: Vec<_> = names
        .into_iter()
        .map(|name| {
            thread::spawn(move || {
                if let Err(e) = engine2(&["stop", &name]) {
                    eprintln!("{e}");
                }
                name
            })
        })
        .collect();
    for h in handles {
        if let Ok(name) = h.join() {
            eprintln!("  stopped and removed engine {name}");
        }
    }
    if let Some(dir) = lock(&DIR).take() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// One engine of the fleet, seen through its proxy.
struct Eng {
    /// Its name in dockside's HOST column (the proxy socket's stem): `main`, `bench1`…
    name: String,
    /// The engine's own socket, for the docker CLI (`unix://…`).
    host: String,
    sock: PathBuf,
    proxy: Proxy,
}

impl Eng {
    fn cli_host(&self) -> Option<&str> {
        Some(self.host.as_str())
    }

    fn count(&self) -> Result<usize, String> {
        Ok(docker_at(self.cli_host(), &["ps", "-aq"])?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .count())
    }
}

struct Fleet {
    engs: Vec<Eng>,
    procs: Vec<EngineProcs>,
    /// The config that turns the live stats off.
    stats_off_config: PathBuf,
}

impl Fleet {
    fn names(&self) -> String {
        self.engs
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Container counts of every engine, asked in parallel.
    fn counts(&self) -> Result<Vec<usize>, String> {
        thread::scope(|s| {
            let hs: Vec<_> = self.engs.iter().map(|e| s.spawn(|| e.count())).collect();
            hs.into_iter()
                .map(|h| {
                    h.join()
                        .map_err(|_| "a counting thread panicked".to_string())?
                })
                .collect()
        })
    }

    fn ticks(&self) -> Vec<HashMap<u32, u64>> {
        engines_ticks(&self.procs)
    }
}

pub(super) fn run(ctx: &mut Ctx, n: usize) -> Result<(), String> {
    let result = setup_and_measure(ctx, n);
    println!("\n--- engines: teardown ---");
    teardown();
    result
}

fn setup_and_measure(ctx: &mut Ctx, n: usize) -> Result<(), String> {
    let per = ctx.args.containers;
    // Without the main engine (shared with other users, whose containers come and go), every
    // engine is one of ours: the idle figures are then the program's alone.
    let with_main = !ctx.args.no_main_engine;
    let names: Vec<String> = if with_main {
        println!(
            "--- engines: the main engine and {} extra ones, {per} containers on each ---",
            n - 1
        );
        (1..n).map(|k| format!("bench{k}")).collect()
    } else {
        println!("--- engines: {n} extra engines (not the main one), {per} containers on each ---");
        (1..=n).map(|k| format!("bench{k}")).collect()
    };
    // Registered before they start, so that Ctrl-C during the start stops them too.
    lock(&EXTRA).extend(names.iter().cloned());
    let t = Instant::now();
    let started: Vec<Result<String, String>> = thread::scope(|s| {
        let hs: Vec<_> = names
            .iter()
            .map(|name| {
                s.spawn(move || {
                    // Leftovers of an interrupted run: start from an empty engine.
                    if engines_dir().join(name).exists() {
                        engine2(&["stop", name])?;
                    }
                    let sock = engine2(&["start", name])?;
                    engine2(&["load", name])?;
                    Ok(sock)
                })
            })
            .collect();
        hs.into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("an engine thread panicked".into()))
            })
            .collect()
    });
    let socks: Vec<String> = started.into_iter().collect::<Result<_, _>>()?;
    ctx.report.fig(
        "engines_setup_start_engines",
        t.elapsed().as_secs_f64(),
        "s",
        None,
    );

    let dir = PathBuf::from(format!("/tmp/dockside-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("mkdir {}: {e}", dir.display()))?;
    *lock(&DIR) = Some(dir.clone());
    let stats_off_config = dir.join("stats-off.toml");
    std::fs::write(&stats_off_config, "[containers]\nlive_stats = false\n")
        .map_err(|e| format!("writing {}: {e}", stats_off_config.display()))?;
    let mut engs = Vec::new();
    let mut procs = Vec::new();
    let main = with_main.then(|| ("main".to_string(), ENGINE_SOCK.to_string()));
    for (name, sock) in main.into_iter().chain(names.iter().cloned().zip(socks)) {
        let sock = PathBuf::from(sock);
        let proxy = Proxy::start(dir.join(format!("{name}.sock")), sock.clone())?;
        procs.push(if name == "main" {
            EngineProcs::main()
        } else {
            EngineProcs::extra(&engines_dir().join(&name))
        });
        engs.push(Eng {
            host: format!("unix://{}", sock.display()),
            name,
            sock,
            proxy,
        });
    }
    let fleet = Fleet {
        engs,
        procs,
        stats_off_config,
    };

    println!(
        "--- engines: creating {per} containers on each of {} ---",
        fleet.names()
    );
    let t = Instant::now();
    let mut last_created = Instant::now();
    for e in &fleet.engs {
        let host = (e.name != "main").then_some(e.host.as_str());
        last_created = create_containers_at(host, per)?;
    }
    ctx.report.fig(
        "engines_setup_create_containers",
        t.elapsed().as_secs_f64(),
        "s",
        None,
    );

    phase_first_frame(ctx, &fleet)?;

    // Every container at least 61 s old before a dockside that is measured idle lists it
    // ("Up About a minute" then holds for the whole window), as in the one-engine bench.
    let min_age = Duration::from_secs(61);
    if last_created.elapsed() < min_age {
        let wait = min_age - last_created.elapsed();
        println!(
            "\n  waiting {:.0} s until every container is 61 s old",
            wait.as_secs_f64()
        );
        thread::sleep(wait);
    }

    if let Err(e) = phase_idle_stats_off(ctx, &fleet) {
        ctx.report
            .note(format!("engines: stats-off idle phase failed: {e}"));
    }
    let term = phase_idle_stats_on(ctx, &fleet)?;
    println!("\n--- engines 4. peak RSS ---");
    match status_kb(term.pid, "VmHWM") {
        Some(kb) => ctx
            .report
            .fig("engines_peak_rss", kb as f64 / 1024.0, "MiB", Some(25.0)),
        None => ctx.report.note("engines: no VmHWM for dockside".into()),
    }
    let mut term = term;
    if let Err(e) = phase_outage(ctx, &fleet, &term) {
        ctx.report
            .note(format!("engines: outage phase failed: {e}"));
    }
    if let Some(kb) = status_kb(term.pid, "VmHWM") {
        ctx.report.fig(
            "engines_peak_rss_after_outage",
            kb as f64 / 1024.0,
            "MiB",
            Some(25.0),
        );
    }
    term.quit();
    Ok(())
}

/// When each half of the first frame showed: the header's `● N/N engines` and the list's
/// `Containers T/T`.
#[derive(Default, Clone, Copy)]
struct Halves {
    header: Option<Instant>,
    list: Option<Instant>,
}

/// Spawns dockside on every engine (through the proxies) and waits for the whole fleet's list:
/// `● N/N engines` in the header and `Containers T/T`. Retries when a count changed underneath
/// (other users of the main engine). Returns the terminal, the spawn time, when the list
/// showed and the total.
fn spawn_listed(
    ctx: &Ctx,
    fleet: &Fleet,
    extra: &[&str],
) -> Result<(Term, Instant, Instant, usize), String> {
    spawn_listed_halves(ctx, fleet, extra).map(|(t, t0, at, total, _)| (t, t0, at, total))
}

fn spawn_listed_halves(
    ctx: &Ctx,
    fleet: &Fleet,
    extra: &[&str],
) -> Result<(Term, Instant, Instant, usize, Halves), String> {
    let n = fleet.engs.len();
    let header = format!("● {n}/{n} engines");
    let title_re = regex::Regex::new(r"Containers (\d+)/(\d+) ").map_err(|e| e.to_string())?;
    // Other users create and remove containers on the shared main engine all the time, so its
    // count at the spawn may be off by the time its list arrives. Every engine holds at least
    // `--containers` of the bench's: a total within half of that of the count at the spawn
    // has every engine's list in it, as long as the main engine's count moved by less than
    // that meanwhile (checked after, else the run is done again). Extra engines are ours:
    // without the main engine the total must be exact.
    let tol = if fleet.engs.iter().any(|e| e.name == "main") {
        ctx.args.containers / 2
    } else {
        0
    };
    let mut last_err = String::new();
    for _ in 0..3 {
        let counts = fleet.counts()?;
        let total: usize = counts.iter().sum();
        let title = if tol == 0 {
            format!("Containers {total}/{total}")
        } else {
            format!("Containers X/X, X within {total}±{tol}")
        };
        let listed = |s: &str| {
            title_re.captures(s).is_some_and(|c| {
                let (rows, all) = (&c[1], &c[2]);
                rows == all && all.parse::<usize>().is_ok_and(|x| x.abs_diff(total) <= tol)
            })
        };
        let hosts: Vec<String> = fleet.engs.iter().map(|e| e.proxy.host_arg()).collect();
        let mut args: Vec<&str> = Vec::new();
        for h in &hosts {
            args.extend(["-H", h.as_str()]);
        }
        args.extend_from_slice(extra);
        let t0 = Instant::now();
        let term = Term::spawn(&ctx.args.bin, &args, ctx.args.cols, ctx.args.rows)?;
        let halves = std::cell::Cell::new(Halves::default());
        match term.wait_for(
            |s| {
                let mut h = halves.get();
                let (a, b) = (s.contains(&header), listed(s));
                if a && h.header.is_none() {
                    h.header = Some(Instant::now());
                }
                if b && h.list.is_none() {
                    h.list = Some(Instant::now());
                }
                halves.set(h);
                a && b
            },
            Duration::from_secs(30),
            Duration::from_millis(1),
            &format!("{header} and {title}"),
        ) {
            Ok(t) if tol == 0 => return Ok((term, t0, t, total, halves.get())),
            Ok(t) => {
                let now = fleet.counts()?;
                let moved = now.iter().sum::<usize>().abs_diff(total);
                if moved <= tol {
                    return Ok((term, t0, t, total, halves.get()));
                }
                last_err = format!("the main engine's count moved by {moved} during the spawn");
                eprintln!("  {last_err}; again");
            }
            Err(e) => {
                let now = fleet.counts().unwrap_or_else(|_| counts.clone());
                last_err = format!("{e}\n(counts at spawn {counts:?}, now {now:?})");
                if now == counts {
                    break;
                }
                eprintln!("  container counts changed ({counts:?} → {now:?}); again");
            }
        }
    }
    Err(last_err)
}

fn phase_first_frame(ctx: &mut Ctx, fleet: &Fleet) -> Result<(), String> {
    let n = fleet.engs.len();
    println!("\n--- engines 1. first frame listing all {n} engines ---");
    let mut shown = Vec::new();
    let mut after = Vec::new();
    let mut slowest_list = Vec::new();
    for run in 1..=5 {
        let (mut term, t0, t, total, halves) = spawn_listed_halves(ctx, fleet, &[])?;
        let mut lists = Vec::new();
        for e in &fleet.engs {
            let mut answered = e.proxy.stats.answered_since(t0);
            answered.sort_by_key(|a| a.sent);
            match answered.iter().find(|a| a.req.contains("/containers/json")) {
                Some(a) => lists.push((e.name.as_str(), a.sent, a.first, a.last)),
                None => ctx.report.note(format!(
                    "first frame run {run}: no list request seen for {}",
                    e.name
                )),
            }
        }
        let Some(slowest) = lists.iter().map(|l| l.3).max() else {
            return Err("no list request seen on any engine".into());
        };
        let d = ms(t - t0);
        // The screen may show the list before the proxy saw the answer's last byte (it is
        // read in chunks): that is a negative delay, kept as it is.
        let a = if t >= slowest {
            ms(t - slowest)
        } else {
            -ms(slowest - t)
        };
        println!(
            "  run {run}: {n}/{n} engines and Containers {total}/{total} on screen after {d:.1} ms, {a:.1} ms after the slowest list answer ({} bytes)",
            term.bytes()
        );
        let at =
            |t: Option<Instant>| t.map_or("never".into(), |t| format!("+{:.1} ms", ms(t - t0)));
        println!(
            "    header `{n}/{n} engines` {}, title `Containers {total}/{total}` {}",
            at(halves.header),
            at(halves.list)
        );
        for (name, sent, first, last) in &lists {
            println!(
                "    {name:8} list requested +{:6.1}, answered +{:6.1}..+{:6.1} ms",
                ms(*sent - t0),
                ms(*first - t0),
                ms(*last - t0)
            );
        }
        if run == 1 {
            println!(
                "    every request until the frame (sent → first..last byte, from the spawn):"
            );
            for e in &fleet.engs {
                let mut answered = e.proxy.stats.answered_since(t0);
                answered.sort_by_key(|a| a.sent);
                for a in answered.iter().filter(|a| a.sent <= t) {
                    println!(
                        "      {:8} +{:6.1} → +{:6.1}..+{:6.1} ms  {}",
                        e.name,
                        ms(a.sent - t0),
                        ms(a.first - t0),
                        ms(a.last - t0),
                        a.req
                    );
                }
            }
        }
        shown.push(d);
        after.push(a);
        slowest_list.push(ms(slowest - t0));
        term.quit();
        thread::sleep(Duration::from_millis(300));
    }
    let r = &mut ctx.report;
    r.fig("engines_first_frame_median", median(&shown), "ms", None);
    r.fig("engines_first_frame_max", max_of(&shown), "ms", None);
    r.fig(
        "engines_slowest_list_answered_median",
        median(&slowest_list),
        "ms",
        None,
    );
    r.fig(
        "engines_first_frame_after_slowest_list_median",
        median(&after),
        "ms",
        Some(150.0),
    );
    r.fig(
        "engines_first_frame_after_slowest_list_max",
        max_of(&after),
        "ms",
        Some(150.0),
    );
    Ok(())
}

/// One window of `secs` without dockside: each engine's CPU (its own baseline, next to the
/// window with dockside that follows).
fn baseline(ctx: &mut Ctx, fleet: &Fleet, label: &str) -> Vec<f64> {
    let secs = ctx.args.idle_secs;
    println!("\n  baseline{label}: {secs} s without dockside");
    let before = fleet.ticks();
    thread::sleep(Duration::from_secs(secs));
    let after = fleet.ticks();
    let mut out = Vec::new();
    for (i, e) in fleet.engs.iter().enumerate() {
        let s = engine_ticks_used(&before[i], &after[i]) as f64 / ctx.tck;
        ctx.report.fig(
            &format!("engines_baseline{label}_engine_cpu[{}]", e.name),
            s,
            "s",
            None,
        );
        out.push(s);
    }
    out
}

/// What one idle window measured.
struct Window {
    requests: Vec<u64>,
    bytes: Vec<u64>,
    engine_cpu: Vec<f64>,
    /// Distinct containers whose stats were asked, per engine.
    sampled: Vec<usize>,
    dockside_cpu: f64,
    written: u64,
    raw: Vec<u8>,
    secs: f64,
}

fn idle_window(ctx: &Ctx, fleet: &Fleet, term: &Term) -> Result<Window, String> {
    if !term.wait_quiet(Duration::from_secs(2), Duration::from_secs(8)) {
        println!("  (output did not settle for 2 s within 8 s; measuring anyway)");
    }
    let req0: Vec<u64> = fleet
        .engs
        .iter()
        .map(|e| e.proxy.stats.requests())
        .collect();
    let bytes0: Vec<u64> = fleet.engs.iter().map(|e| e.proxy.stats.bytes()).collect();
    let eng0 = fleet.ticks();
    let cpu0 = term.cpu_ticks().ok_or("dockside is gone")?;
    let w0 = term.bytes();
    let t0 = Instant::now();
    term.start_capture(4096);
    thread::sleep(Duration::from_secs(ctx.args.idle_secs));
    let secs = t0.elapsed().as_secs_f64();
    let raw = term.stop_capture();
    let eng1 = fleet.ticks();
    let stats_re =
        regex::Regex::new(r"/containers/([0-9a-f]{12,64})/stats").map_err(|e| e.to_string())?;
    let mut w = Window {
        requests: Vec::new(),
        bytes: Vec::new(),
        engine_cpu: Vec::new(),
        sampled: Vec::new(),
        dockside_cpu: (term.cpu_ticks().ok_or("dockside is gone")? - cpu0) as f64 / ctx.tck,
        written: term.bytes() - w0,
        raw,
        secs,
    };
    for (i, e) in fleet.engs.iter().enumerate() {
        w.requests.push(e.proxy.stats.requests() - req0[i]);
        w.bytes.push(e.proxy.stats.bytes() - bytes0[i]);
        w.engine_cpu
            .push(engine_ticks_used(&eng0[i], &eng1[i]) as f64 / ctx.tck);
        let reqs = e.proxy.stats.requests_since(t0);
        let ids: HashSet<String> = reqs
            .iter()
            .filter_map(|(_, r)| stats_re.captures(r).map(|c| c[1].to_string()))
            .collect();
        w.sampled.push(ids.len());
        if !reqs.is_empty() {
            let mut grouped: BTreeMap<String, usize> = BTreeMap::new();
            for (_, r) in &reqs {
                let path = r.split('?').next().unwrap_or(r);
                *grouped.entry(regex_like_id(path)).or_default() += 1;
            }
            println!("  requests to {} in the window:", e.name);
            for (r, k) in grouped {
                println!("    {k:4} × {r}");
            }
        }
    }
    println!("  (window {secs:.1} s)");
    Ok(w)
}

fn phase_idle_stats_off(ctx: &mut Ctx, fleet: &Fleet) -> Result<(), String> {
    println!(
        "\n--- engines 2. idle with live stats off ({} s) ---",
        ctx.args.idle_secs
    );
    let base = baseline(ctx, fleet, "_stats_off");
    let wall0 = SystemTime::now();
    let config = fleet.stats_off_config.to_string_lossy().into_owned();
    let (mut term, _, t, _) = spawn_listed(ctx, fleet, &["--config", &config])?;
    term.wait_for(
        |s| s.contains("(stats off)"),
        Duration::from_secs(5),
        Duration::from_millis(5),
        "the list title says the stats are off",
    )?;
    let w = idle_window(ctx, fleet, &term);
    let hwm = status_kb(term.pid, "VmHWM");
    term.quit();
    let w = w?;
    let scale = ctx.args.idle_secs as f64 / 30.0;
    let r = &mut ctx.report;
    for (i, e) in fleet.engs.iter().enumerate() {
        r.fig(
            &format!("engines_stats_off_api_requests[{}]", e.name),
            w.requests[i] as f64,
            "requests",
            Some(0.0),
        );
        r.fig(
            &format!("engines_stats_off_api_bytes[{}]", e.name),
            w.bytes[i] as f64,
            "B",
            Some(0.0),
        );
        r.fig(
            &format!("engines_stats_off_engine_cpu_caused[{}]", e.name),
            w.engine_cpu[i] - base[i],
            "s",
            Some(2.0 * scale),
        );
    }
    r.fig(
        "engines_stats_off_bytes_written",
        w.written as f64,
        "B",
        Some(0.0),
    );
    r.fig(
        "engines_stats_off_dockside_cpu",
        w.dockside_cpu,
        "s",
        Some(0.3 * scale),
    );
    if let Some(kb) = hwm {
        r.fig(
            "engines_stats_off_peak_rss",
            kb as f64 / 1024.0,
            "MiB",
            Some(25.0),
        );
    }
    let events = if fleet.engs.iter().any(|e| e.name == "main") {
        engine_events(wall0, SystemTime::now())
    } else {
        Vec::new()
    };
    if !events.is_empty() {
        r.note(format!(
            "engines stats off: the main engine emitted {} container events (other users) from the spawn to the window's end",
            events.len()
        ));
        print_events(&events);
    }
    if w.written > 0 {
        println!(
            "  first {} bytes written: {}",
            w.raw.len(),
            escape_bytes(&w.raw[..w.raw.len().min(1500)])
        );
    }
    let _ = (t, w.secs);
    Ok(())
}

fn phase_idle_stats_on(ctx: &mut Ctx, fleet: &Fleet) -> Result<Term, String> {
    println!(
        "\n--- engines 3. idle with live stats on ({} s) ---",
        ctx.args.idle_secs
    );
    let base = baseline(ctx, fleet, "_stats_on");
    let wall0 = SystemTime::now();
    let (term, ..) = spawn_listed(ctx, fleet, &[])?;
    let w = idle_window(ctx, fleet, &term)?;
    let scale = ctx.args.idle_secs as f64 / 30.0;
    let visible = term
        .screen_lines()
        .iter()
        .filter(|l| l.contains(" Up ") && l.contains("bench-"))
        .count();
    let r = &mut ctx.report;
    for (i, e) in fleet.engs.iter().enumerate() {
        r.fig(
            &format!("engines_stats_on_engine_cpu_caused[{}]", e.name),
            w.engine_cpu[i] - base[i],
            "s",
            Some(2.0 * scale),
        );
        r.fig(
            &format!("engines_stats_on_api_requests[{}]", e.name),
            w.requests[i] as f64,
            "requests",
            None,
        );
        r.fig(
            &format!("engines_stats_on_containers_sampled[{}]", e.name),
            w.sampled[i] as f64,
            "containers",
            None,
        );
    }
    println!(
        "  containers sampled in all: {} ({visible} running bench rows on screen)",
        w.sampled.iter().sum::<usize>()
    );
    r.fig(
        "engines_stats_on_bytes_written",
        w.written as f64,
        "B",
        None,
    );
    r.fig(
        "engines_stats_on_dockside_cpu",
        w.dockside_cpu,
        "s",
        Some(0.3 * scale),
    );
    let events = if fleet.engs.iter().any(|e| e.name == "main") {
        engine_events(wall0, SystemTime::now())
    } else {
        Vec::new()
    };
    if !events.is_empty() {
        r.note(format!(
            "engines stats on: the main engine emitted {} container events (other users) from the spawn to the window's end",
            events.len()
        ));
    }
    Ok(term)
}

/// A screen as it was at a moment.
type Snapshot = (Instant, Vec<String>);

/// A list row: (host, name, the whole line).
fn rows(lines: &[String], re: &regex::Regex) -> Vec<(String, String, String)> {
    lines
        .iter()
        .filter_map(|l| {
            let c = re.captures(l)?;
            Some((c[1].to_string(), c[2].to_string(), l.clone()))
        })
        .collect()
}

/// Whether a row's STATUS agrees with the engine's state for it.
fn status_agrees(line: &str, state: &str) -> bool {
    if line.contains("unreachable") {
        return false;
    }
    match state {
        "running" => line.contains(" Up "),
        "exited" => line.contains("Exited"),
        "created" => line.contains("Created"),
        "restarting" => line.contains("Restarting"),
        "dead" => line.contains("Dead"),
        _ => true,
    }
}

/// Waits until the row `(host, name)` shows `what` (or the timeout); when.
fn wait_row(term: &Term, re: &regex::Regex, host: &str, name: &str, what: &str) -> Option<Instant> {
    term.wait_for(
        |s| {
            let lines: Vec<String> = s.lines().map(String::from).collect();
            rows(&lines, re)
                .iter()
                .any(|(h, n, l)| h == host && n == name && l.contains(what))
        },
        STOP_TIMEOUT,
        Duration::from_millis(1),
        &format!("{host}/{name} {what}"),
    )
    .ok()
}

/// Polls `GET /_ping` on an engine socket every 10 ms until it answers 200 (or `until`).
fn wait_ping(sock: &Path, until: Instant) -> Option<Instant> {
    while Instant::now() < until {
        if let Ok(mut s) = UnixStream::connect(sock) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
            if s.write_all(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
                .is_ok()
            {
                let mut buf = [0u8; 64];
                if let Ok(n) = s.read(&mut buf)
                    && buf[..n].starts_with(b"HTTP/1.")
                    && buf[..n].windows(5).any(|w| w == b" 200 ")
                {
                    return Some(Instant::now());
                }
            }
        }
        thread::sleep(Duration::from_millis(10));
    }
    None
}

fn phase_outage(ctx: &mut Ctx, fleet: &Fleet, term: &Term) -> Result<(), String> {
    let n = fleet.engs.len();
    let killed = &fleet.engs[1];
    let observed = &fleet.engs[if n >= 3 { 2 } else { 0 }];
    println!(
        "\n--- engines 5. {} killed; external stops on {}; {} restarted ---",
        killed.name, observed.name, killed.name
    );
    let re =
        regex::Regex::new(r"(?:^|\s)(\S+)\s+(bench-\d{3})(?:\s|$)").map_err(|e| e.to_string())?;
    // Only the two engines' bench rows, sorted by name: each container's rows stay in place
    // whatever their state, and both engines' rows share the screen.
    let filter = format!("host:{} host:{} 'bench-", killed.name, observed.name);
    term.send(b"/")?;
    thread::sleep(Duration::from_millis(50));
    term.send(filter.as_bytes())?;
    term.send(b"\r")?;
    term.wait_for(
        |s| s.contains(&filter),
        Duration::from_secs(5),
        Duration::from_millis(5),
        "the filter",
    )?;
    term.send(b"o")?;
    term.wait_for(
        |s| s.contains("NAME▲"),
        Duration::from_secs(3),
        Duration::from_millis(5),
        "the list sorted by name (NAME▲)",
    )?;
    term.wait_quiet(Duration::from_millis(300), Duration::from_secs(3));
    let visible = rows(&term.screen_lines(), &re);
    let killed_rows = visible.iter().filter(|(h, ..)| *h == killed.name).count();
    let targets: Vec<String> = visible
        .iter()
        .filter(|(h, _, l)| *h == observed.name && l.contains(" Up "))
        .map(|(_, name, _)| name.clone())
        .collect();
    println!(
        "  on screen: {killed_rows} rows of {}, {} running rows of {}",
        killed.name,
        targets.len(),
        observed.name
    );
    if targets.is_empty() || killed_rows == 0 {
        return Err(format!(
            "the filtered list shows {killed_rows} rows of {} and {} running rows of {}",
            killed.name,
            targets.len(),
            observed.name
        ));
    }

    // The outage.
    let t_kill = Instant::now();
    engine2(&["kill", &killed.name])?;
    let down = format!("({} unreachable)", killed.name);
    match term.wait_for(
        |s| s.contains(&down),
        Duration::from_secs(30),
        Duration::from_millis(1),
        &down,
    ) {
        Ok(t) => ctx.report.fig(
            "engines_outage_shown_unreachable",
            ms(t - t_kill),
            "ms",
            None,
        ),
        Err(e) => ctx.report.note(format!("outage: {e}")),
    }

    // External stops on the other engine while it is down.
    let mut from_ret = Vec::new();
    let mut missed = 0usize;
    let mut before_return = 0usize;
    for i in 0..STOP_SAMPLES {
        let name = &targets[i % targets.len()];
        if i >= targets.len() {
            // Used already: running again first.
            docker_at(observed.cli_host(), &["start", name])?;
            if wait_row(term, &re, &observed.name, name, " Up ").is_none() {
                ctx.report.note(format!(
                    "outage: {}/{name} not seen running again",
                    observed.name
                ));
            }
            thread::sleep(Duration::from_millis(300));
        }
        let t_start = Instant::now();
        let mut child = Command::new("docker")
            .args(["-H", &observed.host, "stop", "-t", "0", name])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("docker stop: {e}"))?;
        let (mut t_ret, mut t_seen) = (None, None);
        let deadline = t_start + STOP_TIMEOUT;
        while (t_ret.is_none() || t_seen.is_none()) && Instant::now() < deadline {
            if t_ret.is_none()
                && let Ok(Some(_)) = child.try_wait()
            {
                t_ret = Some(Instant::now());
            }
            if t_seen.is_none()
                && rows(&term.screen_lines(), &re)
                    .iter()
                    .any(|(h, nm, l)| *h == observed.name && nm == name && l.contains("Exited"))
            {
                t_seen = Some(Instant::now());
            }
            thread::sleep(Duration::from_millis(1));
        }
        let _ = child.wait();
        match (t_ret, t_seen) {
            (Some(r), Some(s)) => {
                println!(
                    "  {}/{name}: docker stop took {:.1} ms; Exited on screen {:.1} ms after it returned",
                    observed.name,
                    ms(r - t_start),
                    if s >= r { ms(s - r) } else { -ms(r - s) }
                );
                if s >= r {
                    from_ret.push(ms(s - r));
                } else {
                    // Seen before the CLI returned: the latency after the return is 0.
                    before_return += 1;
                    from_ret.push(0.0);
                }
            }
            _ => {
                missed += 1;
                from_ret.push(ms(STOP_TIMEOUT));
                ctx.report.note(format!(
                    "outage: {}/{name} stop not seen within {} s; counted as {} ms",
                    observed.name,
                    STOP_TIMEOUT.as_secs(),
                    ms(STOP_TIMEOUT)
                ));
            }
        }
        thread::sleep(Duration::from_millis(300));
    }
    let still_down = term.screen().contains(&down);
    {
        let r = &mut ctx.report;
        r.fig(
            "engines_outage_stop_latency_median",
            median(&from_ret),
            "ms",
            Some(100.0),
        );
        r.fig(
            "engines_outage_stop_latency_max",
            max_of(&from_ret),
            "ms",
            None,
        );
        r.fig(
            "engines_outage_stop_samples_missed",
            missed as f64,
            "of 10",
            Some(0.0),
        );
        r.fig(
            "engines_outage_stop_seen_before_docker_returned",
            before_return as f64,
            "samples",
            None,
        );
    }
    if !still_down {
        ctx.report.note(format!(
            "outage: {} was no longer shown unreachable at the end of the stop samples",
            killed.name
        ));
    }
    println!("  outage so far {:.1} s", t_kill.elapsed().as_secs_f64());

    // The restart: record every screen change, the moment the engine answers, and when its
    // rows agree with `docker ps -a` for good.
    let screen = term.app.screen_handle();
    let stop = Arc::new(AtomicBool::new(false));
    let snaps: Arc<Mutex<Vec<Snapshot>>> = Arc::new(Mutex::new(Vec::new()));
    let recorder = {
        let (stop, snaps) = (Arc::clone(&stop), Arc::clone(&snaps));
        thread::spawn(move || {
            let mut last: Vec<String> = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                let lines = screen.lines();
                if lines != last {
                    lock(&snaps).push((Instant::now(), lines.clone()));
                    last = lines;
                }
                thread::sleep(Duration::from_millis(2));
            }
        })
    };
    let t_restart = Instant::now();
    let pinger = {
        let sock = killed.sock.clone();
        // A dockerd restoring 200 containers on a loaded machine took minutes.
        thread::spawn(move || wait_ping(&sock, Instant::now() + Duration::from_secs(600)))
    };
    let started = engine2(&["start", &killed.name]);
    let answered = pinger.join().ok().flatten();
    let result = (|| {
        if let Err(e) = &started {
            // The script gives up after a while; the engine may still come up (the ping
            // waits longer).
            ctx.report.note(format!("outage: {e}"));
        }
        let t_answer = answered.ok_or("the restarted engine never answered /_ping")?;
        ctx.report.fig(
            "engines_outage_restart_until_engine_answers",
            (t_answer - t_restart).as_secs_f64(),
            "s",
            None,
        );
        let expected: HashMap<String, String> = docker_at(
            killed.cli_host(),
            &[
                "ps",
                "-a",
                "--filter",
                &format!("label={LABEL}"),
                "--format",
                "{{.Names}}|{{.State}}",
            ],
        )?
        .lines()
        .filter_map(|l| l.split_once('|'))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let mut states: BTreeMap<&str, usize> = BTreeMap::new();
        for s in expected.values() {
            *states.entry(s.as_str()).or_default() += 1;
        }
        println!("  {} after its restart: {states:?}", killed.name);
        let header = format!("● {n}/{n} engines");
        let agrees = |lines: &[String]| {
            let mine: Vec<_> = rows(lines, &re)
                .into_iter()
                .filter(|(h, ..)| *h == killed.name)
                .collect();
            lines.first().is_some_and(|l| l.contains(&header))
                && !lines.iter().any(|l| l.contains("unreachable"))
                && !mine.is_empty()
                && mine.iter().all(|(_, name, l)| {
                    expected
                        .get(name)
                        .is_some_and(|state| status_agrees(l, state))
                })
        };
        // Converged: the first snapshot from which every later one agrees, once that has
        // held for [`STABLE`].
        let deadline = Instant::now() + Duration::from_secs(60);
        let converged = loop {
            let at = {
                let snaps = lock(&snaps);
                let mut at = None;
                for (t, lines) in snaps.iter().rev() {
                    if !agrees(lines) {
                        break;
                    }
                    at = Some(*t);
                }
                at
            };
            if let Some(t) = at
                && t.elapsed() >= STABLE
            {
                break Some(t);
            }
            if Instant::now() >= deadline {
                break None;
            }
            thread::sleep(Duration::from_millis(50));
        };
        let listed = killed
            .proxy
            .stats
            .answered_since(t_restart)
            .into_iter()
            .filter(|a| a.req.contains("/containers/json") && a.first >= t_answer)
            .map(|a| a.last)
            .min();
        if let Some(l) = listed {
            ctx.report.fig(
                "engines_outage_dockside_listed_after_engine_answered",
                ms(l - t_answer),
                "ms",
                None,
            );
        }
        match converged {
            Some(t) => {
                let after = if t >= t_answer {
                    ms(t - t_answer)
                } else {
                    -ms(t_answer - t)
                };
                ctx.report.fig(
                    "engines_outage_converged_after_engine_answered",
                    after,
                    "ms",
                    Some(1000.0),
                );
            }
            None => {
                ctx.report.fig(
                    "engines_outage_converged_after_engine_answered",
                    ms(deadline - t_answer),
                    "ms",
                    Some(1000.0),
                );
                ctx.report.note(format!(
                    "outage: {}'s rows did not agree with its docker ps -a within 60 s (counted as the timeout)",
                    killed.name
                ));
            }
        }
        Ok::<(), String>(())
    })();
    stop.store(true, Ordering::SeqCst);
    let _ = recorder.join();
    result
}
