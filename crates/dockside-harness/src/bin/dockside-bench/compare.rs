//! `--compare`: dockside and its peers (oxker, ducker, dtop) side by side, in the same pty
//! scenario against the same engine and containers (issue 17).
//!
//! Each tool runs in a `--cols`×`--rows` pty with `DOCKER_HOST` (and dockside's `-H`) on the
//! counting proxy. Measured per tool, in rounds, the tools taken in turn (a different one first
//! in each round) and each window right after an engine baseline of the same length without
//! any tool (A B, A B):
//! - idle at `--containers` running containers: the tool's CPU, the engine CPU it causes (the
//!   main engine's process tree, minus the baseline next to it), its peak RSS, the bytes it
//!   wrote to the terminal, its API requests; a `--idle-secs` window starting 5 s after the
//!   spawn;
//! - the first frame: from the spawn until the name of one of the engine's containers is on
//!   screen (the same test for every tool), also for "harness", a program that prints such a
//!   line at once; at `--containers` and again at `--compare-large` containers.
//!
//! The peers are found in `target/peers/bin` or on PATH; `--install-peers` installs them there
//! first (`cargo install --locked`; the newest dtop, else 0.10.2). Their code is not part of
//! this repository.

use std::collections::HashSet;

use super::*;

/// Peers installed by `--install-peers`: crate, binary, and a version to fall back to when the
/// newest does not build with the toolchain here.
const PEERS: &[(&str, &str, Option<&str>)] = &[
    ("oxker", "oxker", None),
    ("ducker", "ducker", None),
    ("dtop", "dtop", Some("0.10.2")),
];
/// A program that shows a bench row at once: what the harness alone costs.
const HARNESS: &str = "harness";
/// How long after the spawn the idle window starts.
const SETTLE: Duration = Duration::from_secs(5);
const FIRST_FRAME_TIMEOUT: Duration = Duration::from_secs(30);
const FIRST_FRAME_RUNS: usize = 5;

fn peers_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/peers")
}

/// `cargo install --locked --root target/peers` each peer (the fallback version when the newest
/// fails).
pub(super) fn install_peers() -> Result<(), String> {
    let root = peers_root();
    for (krate, _, fallback) in PEERS {
        let install = |spec: &str| {
            println!("  cargo install --locked {spec} (into {})", root.display());
            Command::new("nice")
                .args(["cargo", "install", "--locked", "--root"])
                .arg(&root)
                .arg(spec)
                .stdin(Stdio::null())
                .status()
                .map_err(|e| format!("cargo install {spec}: {e}"))
                .and_then(|s| {
                    s.success()
                        .then_some(())
                        .ok_or_else(|| format!("cargo install {spec}: {s}"))
                })
        };
        if let Err(e) = install(krate) {
            match fallback {
                Some(v) => {
                    println!("  {e}; trying {krate}@{v}");
                    install(&format!("{krate}@{v}"))?;
                }
                None => return Err(e),
            }
        }
    }
    Ok(())
}

/// One tool of the comparison.
struct Tool {
    name: String,
    version: String,
    program: PathBuf,
    args: Vec<String>,
}

fn find_peer(bin: &str) -> Option<PathBuf> {
    let local = peers_root().join("bin").join(bin);
    if local.is_file() {
        return Some(local);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(bin))
            .find(|p| p.is_file())
    })
}

fn version_of(program: &Path) -> String {
    Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "?".into())
}

fn tools(ctx: &Ctx) -> Vec<Tool> {
    let mut out = vec![Tool {
        name: "dockside".into(),
        version: version_of(&ctx.args.bin),
        program: ctx.args.bin.clone(),
        args: vec!["-H".into(), ctx.proxy.host_arg()],
    }];
    for (_, bin, _) in PEERS {
        match find_peer(bin) {
            Some(p) => out.push(Tool {
                name: (*bin).into(),
                version: version_of(&p),
                program: p,
                args: Vec::new(),
            }),
            None => println!(
                "  {bin}: not installed (--install-peers puts it in {}/bin)",
                peers_root().display()
            ),
        }
    }
    out
}

fn harness_tool() -> Tool {
    Tool {
        name: HARNESS.into(),
        version: "sh".into(),
        program: PathBuf::from("/bin/sh"),
        args: vec!["-c".into(), "printf 'bench-000\\n'; exec sleep 3600".into()],
    }
}

impl Tool {
    fn spawn(&self, ctx: &Ctx) -> Result<Term, String> {
        let app = Spawn::new(self.program.to_string_lossy())
            .args(&self.args)
            .env("DOCKER_HOST", &ctx.proxy.host_arg())
            .size(ctx.args.cols, ctx.args.rows)
            .start()?;
        let pid = app.pid().ok_or("the child has no pid")?;
        CURRENT_CHILD.store(pid, Ordering::SeqCst);
        Ok(Term { app, pid })
    }
}

/// The names of the engine's containers (the bench's and other users').
fn container_names() -> Result<HashSet<String>, String> {
    Ok(docker(&["ps", "-a", "--format", "{{.Names}}"])?
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect())
}

/// Whether the screen shows the name of one of the engine's containers: the tool listed them.
/// Each tool sorts its own way and the engine has other users' containers too, so any
/// container counts, not only the bench's.
fn shows_a_container(screen: &str, names: &HashSet<String>) -> bool {
    screen
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        .any(|w| names.contains(w))
}

/// Spawns the tool and waits until a container row is on screen: (terminal, spawn, first
/// frame).
fn first_frame(ctx: &Ctx, tool: &Tool) -> Result<(Term, Instant, Result<Instant, String>), String> {
    let names = container_names()?;
    let t0 = Instant::now();
    let term = tool.spawn(ctx)?;
    let seen = term.wait_for(
        |s| shows_a_container(s, &names),
        FIRST_FRAME_TIMEOUT,
        Duration::from_millis(1),
        &format!("a container row in {}", tool.name),
    );
    Ok((term, t0, seen))
}

fn end(term: &mut Term) {
    term.app.kill();
    CURRENT_CHILD.store(0, Ordering::SeqCst);
}

#[derive(Default)]
struct Samples {
    tool_cpu: Vec<f64>,
    engine_caused: Vec<f64>,
    rss: Vec<f64>,
    bytes: Vec<f64>,
    requests: Vec<f64>,
    /// Bytes both ways between the tool and the engine in the window (streams opened before
    /// it count too, where request counts miss them).
    api_bytes: Vec<f64>,
    first: Vec<f64>,
    first_large: Vec<f64>,
}

fn range(v: &[f64], digits: usize) -> String {
    if v.is_empty() {
        return "–".into();
    }
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = max_of(v);
    let m = median(v);
    if (hi - lo).abs() < f64::EPSILON {
        format!("{m:.digits$}")
    } else {
        format!("{m:.digits$} ({lo:.digits$}–{hi:.digits$})")
    }
}

/// First frames of every tool, `FIRST_FRAME_RUNS` each, the tools in turn.
fn first_frames(
    ctx: &mut Ctx,
    tools: &[Tool],
    samples: &mut [Samples],
    large: bool,
) -> Result<(), String> {
    for run in 0..FIRST_FRAME_RUNS {
        for (i, tool) in tools.iter().enumerate() {
            let (mut term, t0, seen) = first_frame(ctx, tool)?;
            let v = match seen {
                Ok(t) => ms(t - t0),
                Err(e) => {
                    ctx.report.note(format!(
                        "first frame of {} (run {}): {e}",
                        tool.name,
                        run + 1
                    ));
                    ms(FIRST_FRAME_TIMEOUT)
                }
            };
            println!("  run {} {:9} {v:7.1} ms", run + 1, tool.name);
            if large {
                samples[i].first_large.push(v);
            } else {
                samples[i].first.push(v);
            }
            end(&mut term);
            thread::sleep(Duration::from_millis(300));
        }
    }
    Ok(())
}

pub(super) fn run(ctx: &mut Ctx, rounds: usize, large: usize) -> Result<(), String> {
    let mut tools = tools(ctx);
    if tools.len() < 2 {
        ctx.report
            .note("no peer installed: only dockside is measured (--install-peers)".into());
    }
    tools.push(harness_tool());
    println!("--- compare: {} ---", {
        let v: Vec<String> = tools
            .iter()
            .map(|t| format!("{} ({})", t.name, t.version))
            .collect();
        v.join(", ")
    });
    let n = ctx.args.containers;
    println!("--- setup: creating {n} containers ---");
    let last_created = create_containers(n)?;
    let mut samples: Vec<Samples> = tools.iter().map(|_| Samples::default()).collect();

    println!("\n--- compare 1. first frame at {n} containers ---");
    first_frames(ctx, &tools, &mut samples, false)?;

    let min_age = Duration::from_secs(61);
    if last_created.elapsed() < min_age {
        let wait = min_age - last_created.elapsed();
        println!(
            "\n  waiting {:.0} s until every container is 61 s old",
            wait.as_secs_f64()
        );
        thread::sleep(wait);
    }
    let idle = Duration::from_secs(ctx.args.idle_secs);
    // The harness has nothing to measure idle.
    let measured = tools.len() - 1;
    for round in 0..rounds {
        for k in 0..measured {
            let i = (k + round) % measured;
            let tool = &tools[i];
            println!(
                "\n--- compare 2. round {} idle: {} (baseline {} s, then {} s + {} s) ---",
                round + 1,
                tool.name,
                idle.as_secs(),
                SETTLE.as_secs(),
                idle.as_secs()
            );
            let b0 = engine_ticks();
            thread::sleep(idle);
            let base = engine_ticks_used(&b0, &engine_ticks()) as f64 / ctx.tck;
            let (mut term, t0, seen) = first_frame(ctx, tool)?;
            if let Err(e) = &seen {
                ctx.report
                    .note(format!("{} round {}: {e}", tool.name, round + 1));
            }
            thread::sleep(SETTLE.saturating_sub(t0.elapsed()));
            let cpu0 = stat_ppid_ticks(term.pid).map(|(_, t)| t);
            let eng0 = engine_ticks();
            let bytes0 = term.bytes();
            let req0 = ctx.proxy.stats.requests();
            let api0 = ctx.proxy.stats.bytes();
            thread::sleep(idle);
            let cpu1 = stat_ppid_ticks(term.pid).map(|(_, t)| t);
            let eng = engine_ticks_used(&eng0, &engine_ticks()) as f64 / ctx.tck;
            let bytes = term.bytes() - bytes0;
            let reqs = ctx.proxy.stats.requests() - req0;
            let api = ctx.proxy.stats.bytes() - api0;
            let rss = status_kb(term.pid, "VmHWM").map(|kb| kb as f64 / 1024.0);
            end(&mut term);
            let (Some(c0), Some(c1), Some(rss)) = (cpu0, cpu1, rss) else {
                ctx.report.note(format!(
                    "{} round {}: the process was gone before the window ended",
                    tool.name,
                    round + 1
                ));
                continue;
            };
            let cpu = c1.saturating_sub(c0) as f64 / ctx.tck;
            println!(
                "  {}: CPU {cpu:.2} s, engine {eng:.2} s (baseline {base:.2} s), peak RSS {rss:.1} MiB, {bytes} B written, {reqs} requests, {api} B of API traffic   ({})",
                tool.name,
                fmt_load(load_avg())
            );
            let s = &mut samples[i];
            s.tool_cpu.push(cpu);
            s.engine_caused.push(eng - base);
            s.rss.push(rss);
            s.bytes.push(bytes as f64);
            s.requests.push(reqs as f64);
            s.api_bytes.push(api as f64);
        }
    }

    if large > n {
        println!("\n--- compare 3. first frame at {large} containers ---");
        let more = large - n;
        let t = Instant::now();
        create_more(n, more)?;
        println!(
            "  created {more} more in {:.0} s",
            t.elapsed().as_secs_f64()
        );
        first_frames(ctx, &tools, &mut samples, true)?;
    }

    // Figures and the table.
    let idx = |name: &str| tools.iter().position(|t| t.name == name);
    let ds = idx("dockside").map(|i| &samples[i]);
    for (tool, s) in tools.iter().zip(&samples) {
        let r = &mut ctx.report;
        let f = |r: &mut Report, what: &str, v: &[f64], unit: &'static str| {
            if !v.is_empty() {
                r.fig(
                    &format!("compare_{}_{what}", tool.name),
                    median(v),
                    unit,
                    None,
                );
            }
        };
        f(r, "tool_cpu", &s.tool_cpu, "s");
        f(r, "engine_cpu_caused", &s.engine_caused, "s");
        f(r, "peak_rss", &s.rss, "MiB");
        f(r, "bytes_written", &s.bytes, "B");
        f(r, "api_requests", &s.requests, "requests");
        f(r, "api_bytes", &s.api_bytes, "B");
        f(r, "first_frame", &s.first, "ms");
        f(r, "first_frame_large", &s.first_large, "ms");
    }
    println!(
        "\n--- compare: table (medians; min–max over {rounds} idle rounds and {FIRST_FRAME_RUNS} first frames) ---\n"
    );
    println!(
        "| tool | version | tool CPU s | engine CPU caused s | peak RSS MiB | bytes written | API requests | API KB | first frame ms, {n} | first frame ms, {large} |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (tool, s) in tools.iter().zip(&samples) {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            tool.name,
            tool.version,
            range(&s.tool_cpu, 2),
            range(&s.engine_caused, 2),
            range(&s.rss, 1),
            range(&s.bytes, 0),
            range(&s.requests, 0),
            range(
                &s.api_bytes.iter().map(|b| b / 1000.0).collect::<Vec<_>>(),
                0
            ),
            range(&s.first, 0),
            range(&s.first_large, 0),
        );
    }
    if let Some(d) = ds {
        println!("\nratios to dockside (median / dockside's median):\n");
        println!(
            "| tool | tool CPU | engine CPU caused | peak RSS | first frame {n} | first frame {large} |"
        );
        println!("|---|---|---|---|---|---|");
        let ratio = |a: &[f64], b: &[f64]| {
            if a.is_empty() || b.is_empty() || median(b) == 0.0 {
                "–".to_string()
            } else {
                format!("{:.1}×", median(a) / median(b))
            }
        };
        for (tool, s) in tools.iter().zip(&samples) {
            if tool.name == "dockside" || tool.name == HARNESS {
                continue;
            }
            println!(
                "| {} | {} | {} | {} | {} | {} |",
                tool.name,
                ratio(&s.tool_cpu, &d.tool_cpu),
                ratio(&s.engine_caused, &d.engine_caused),
                ratio(&s.rss, &d.rss),
                ratio(&s.first, &d.first),
                ratio(&s.first_large, &d.first_large),
            );
        }
    }
    Ok(())
}

/// `bench-NNN` from `from` on, `more` of them (names of four digits past 999).
fn create_more(from: usize, more: usize) -> Result<(), String> {
    let next = Arc::new(AtomicUsize::new(from));
    let end = from + more;
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let workers: Vec<_> = (0..CREATE_PARALLEL)
        .map(|_| {
            let (next, errors) = (Arc::clone(&next), Arc::clone(&errors));
            thread::spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= end {
                        break;
                    }
                    if let Err(e) = run_container(&format!("bench-{i:03}"), &["sleep", "86400"]) {
                        lock(&errors).push(e);
                    }
                    if (i + 1).is_multiple_of(100) {
                        eprintln!("  created {}/{end}", i + 1);
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join()
            .map_err(|_| "a container-creating thread panicked")?;
    }
    match lock(&errors).first() {
        Some(e) => Err(format!("creating containers: {e}")),
        None => Ok(()),
    }
}
