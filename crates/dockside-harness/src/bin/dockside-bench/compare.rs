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
//!   line at once; at `--containers` and again at `--compare-large` containers. Next to them,
//!   in each run, the list call on its own (`GET /containers/json?all=1` through the same
//!   proxy, the body read to its end): "harness + list call" is the limit a tool can reach.
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
/// How long after its last container was started the engine is left before first frames.
const FIRST_FRAME_AGE: Duration = Duration::from_secs(30);

/// Sleep until `created` is `age` ago (saying so when it is not already).
fn wait_until_old(created: Instant, age: Duration) {
    let Some(wait) = age.checked_sub(created.elapsed()) else {
        return;
    };
    println!(
        "\n  waiting {:.0} s until every container is {} s old",
        wait.as_secs_f64(),
        age.as_secs()
    );
    thread::sleep(wait);
}

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
    /// Per run: the first frame minus the tool's own list call (its `/containers/json`
    /// through the proxy, request to last byte): the engine's spread from run to run taken
    /// out of the distance to the limit.
    past_own_list: Vec<f64>,
    past_own_list_large: Vec<f64>,
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

/// The list call on its own, as a tool makes it at start: `GET /containers/json?all=1`
/// through the proxy, the whole body read (ms).
fn list_call(ctx: &Ctx) -> Result<f64, String> {
    let t = Instant::now();
    get_on(&ctx.proxy.path, "/containers/json?all=1")?;
    Ok(ms(t.elapsed()))
}

/// First frames of every tool, `FIRST_FRAME_RUNS` each, the tools in turn; before each
/// turn, the list call on its own (into `list_calls`).
fn first_frames(
    ctx: &mut Ctx,
    tools: &[Tool],
    samples: &mut [Samples],
    list_calls: &mut Vec<f64>,
    large: bool,
) -> Result<(), String> {
    for run in 0..FIRST_FRAME_RUNS {
        let v = list_call(ctx)?;
        println!("  run {} list call {v:7.1} ms", run + 1);
        list_calls.push(v);
        thread::sleep(Duration::from_millis(300));
        for (i, tool) in tools.iter().enumerate() {
            let (mut term, t0, seen) = first_frame(ctx, tool)?;
            let v = match &seen {
                Ok(t) => ms(*t - t0),
                Err(e) => {
                    ctx.report.note(format!(
                        "first frame of {} (run {}): {e}",
                        tool.name,
                        run + 1
                    ));
                    ms(FIRST_FRAME_TIMEOUT)
                }
            };
            // The tool's own list call, when it made one before its frame.
            let own = seen.as_ref().ok().and_then(|t| {
                ctx.proxy
                    .stats
                    .answered_since(t0)
                    .into_iter()
                    .filter(|a| a.req.contains("/containers/json") && a.last <= *t)
                    .min_by_key(|a| a.sent)
                    .map(|a| ms(a.last - a.sent))
            });
            match own {
                Some(call) => println!(
                    "  run {} {:9} {v:7.1} ms (its own list call {call:.1} ms)",
                    run + 1,
                    tool.name
                ),
                None => println!("  run {} {:9} {v:7.1} ms", run + 1, tool.name),
            }
            let s = &mut samples[i];
            let (first, past) = if large {
                (&mut s.first_large, &mut s.past_own_list_large)
            } else {
                (&mut s.first, &mut s.past_own_list)
            };
            first.push(v);
            if let Some(call) = own {
                past.push(v - call);
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
    let phase = |p: &str| ctx.args.compare_phases.iter().any(|x| x == p);
    let (first, idle_phase, large_phase, flood) = (
        phase("first"),
        phase("idle"),
        phase("large"),
        phase("flood"),
    );
    let n = ctx.args.containers;
    let mut samples: Vec<Samples> = tools.iter().map(|_| Samples::default()).collect();
    let (mut list_calls, mut list_calls_large) = (Vec::new(), Vec::new());
    let last_created = if first || idle_phase || large_phase {
        println!("--- setup: creating {n} containers ---");
        create_containers(n)?
    } else {
        Instant::now()
    };

    if first {
        // On an engine done starting them, as a user opens a tool on one: right after
        // `docker run`×200 the engine and its shims keep both cores busy (load 6–17 here).
        wait_until_old(last_created, FIRST_FRAME_AGE);
        println!("\n--- compare 1. first frame at {n} containers ---");
        first_frames(ctx, &tools, &mut samples, &mut list_calls, false)?;
    }

    if idle_phase {
        wait_until_old(last_created, Duration::from_secs(61));
    }
    let idle = Duration::from_secs(ctx.args.idle_secs);
    // The harness has nothing to measure idle.
    let measured = tools.len() - 1;
    let rounds = if idle_phase { rounds } else { 0 };
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

    if large_phase && large > n {
        println!("\n--- compare 3. first frame at {large} containers ---");
        let more = large - n;
        let t = Instant::now();
        create_range(None, n..n + more)?;
        println!(
            "  created {more} more in {:.0} s",
            t.elapsed().as_secs_f64()
        );
        wait_until_old(Instant::now(), FIRST_FRAME_AGE);
        first_frames(ctx, &tools, &mut samples, &mut list_calls_large, true)?;
    }

    let floods = if flood {
        // The flood runs with the bench's idle containers gone: each tool's list is the
        // flooding container and other users' containers.
        let removed = cleanup_containers();
        println!("\n  removed the {removed} idle bench containers");
        log_floods(ctx, &tools[..measured])?
    } else {
        Vec::new()
    };

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
    // The limit: the harness's first frame plus the list call on its own.
    let harness = idx(HARNESS).map(|i| &samples[i]);
    if let (Some(d), Some(h)) = (ds, harness) {
        println!(
            "\nthe first frame's limit (harness + list call on its own, medians) and dockside's distance to it:\n"
        );
        println!(
            "| containers | list call ms | harness ms | limit ms | dockside ms | dockside − limit ms |"
        );
        println!("|---|---|---|---|---|---|");
        let mut figs = Vec::new();
        let mut own = Vec::new();
        for (count, calls, first, hfirst, past, what) in [
            (
                n,
                &list_calls,
                &d.first,
                &h.first,
                &d.past_own_list,
                "first_frame",
            ),
            (
                large,
                &list_calls_large,
                &d.first_large,
                &h.first_large,
                &d.past_own_list_large,
                "first_frame_large",
            ),
        ] {
            if calls.is_empty() || first.is_empty() || hfirst.is_empty() {
                continue;
            }
            if !past.is_empty() {
                let over: Vec<f64> = past.iter().map(|p| p - median(hfirst)).collect();
                own.push((count, over, what));
            }
            let limit = median(hfirst) + median(calls);
            let over = median(first) - limit;
            println!(
                "| {count} | {} | {} | {limit:.0} | {} | {over:+.0} |",
                range(calls, 0),
                range(hfirst, 0),
                range(first, 0)
            );
            figs.push((format!("compare_{what}_list_call"), median(calls), None));
            figs.push((format!("compare_{what}_limit"), limit, None));
            figs.push((
                format!("compare_dockside_{what}_over_limit"),
                over,
                Some(10.0),
            ));
        }
        // The same distance with the engine's spread taken out: each run's frame against the
        // list call dockside itself made in that run.
        if !own.is_empty() {
            println!(
                "\ndockside's distance to the limit in each run (frame − its own list call − harness median):\n"
            );
            println!("| containers | dockside − own list call − harness ms |");
            println!("|---|---|");
            for (count, over, what) in &own {
                println!("| {count} | {} |", range(over, 1));
                figs.push((
                    format!("compare_dockside_{what}_over_own_list"),
                    median(over),
                    Some(10.0),
                ));
            }
        }
        // The figures after the tables, so that their rows stay together.
        println!();
        for (name, v, target) in figs {
            ctx.report.fig(&name, v, "ms", target);
        }
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
    flood_table(ctx, &floods);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The log flood: each tool shows the live logs of one container printing up to 2,000 lines a
// second; a key's latency at the start and at the end, RSS after 30 s and at the end.
// ---------------------------------------------------------------------------------------------

const FLOOD_NAME: &str = "bench-flood";
/// What only the flood's output shows: the command line (which lists show) spells it in two
/// halves, so that it is not on screen before the logs are.
const FLOOD_TEXT: &str = "floodline";
/// Up to 2,000 lines a second: 100 lines, then 50 ms of sleep.
const FLOOD_SCRIPT: &str = "a=flood; b=line; i=0; while :; do j=0; while [ $j -lt 100 ]; do \
     echo \"$a$b $i.$j 0123456789 abcdefghijklmnopqrstuvwxyz\"; j=$((j+1)); done; \
     i=$((i+1)); usleep 50000; done";
const KEY_SAMPLES: usize = 20;
const KEY_TIMEOUT: Duration = Duration::from_secs(5);

/// Where a tool puts the flooding container among its rows at start.
#[derive(Clone, Copy)]
enum Order {
    /// dockside: filtered to it by name (`/'bench-flood`).
    Filter,
    /// oxker: oldest first, then by name.
    CreatedAsc,
    /// ducker: by name.
    NameAsc,
    /// dtop: running containers only, newest first.
    RunningNewestFirst,
}

/// How a tool shows a container's live logs, and a key whose answer shows there: an overlay
/// that opens and closes (dockside, oxker, dtop: their help; ducker has none in its log page:
/// its command prompt).
struct LogsWay {
    order: Order,
    /// Keys that open the selected row's logs (oxker shows them at once: none).
    open: &'static [u8],
    toggle: &'static [u8],
    /// Text on screen while the overlay is open, and only then.
    shown: &'static str,
    close: &'static [u8],
}

fn logs_way(tool: &str) -> Option<LogsWay> {
    Some(match tool {
        "dockside" => LogsWay {
            order: Order::Filter,
            open: b"l",
            toggle: b"?",
            shown: HELP_TEXT,
            close: b"?",
        },
        "oxker" => LogsWay {
            order: Order::CreatedAsc,
            open: b"",
            toggle: b"h",
            shown: "( h ) exit help",
            close: b"h",
        },
        "ducker" => LogsWay {
            order: Order::NameAsc,
            open: b"l",
            toggle: b":",
            shown: "🦆",
            close: b"\x1b",
        },
        "dtop" => LogsWay {
            order: Order::RunningNewestFirst,
            open: b"l",
            toggle: b"?",
            shown: "Help - Press ? or ESC to close",
            close: b"?",
        },
        _ => return None,
    })
}

/// The flooding container's row (from 0) in `order`, from the engine's list.
fn flood_row(order: Order) -> Result<usize, String> {
    let body = get_on(Path::new(engine_sock()), "/containers/json?all=1")?;
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&body).map_err(|e| format!("/containers/json: {e}"))?;
    let mut rows: Vec<(i64, String, bool)> = list
        .iter()
        .map(|c| {
            let name = c["Names"][0]
                .as_str()
                .unwrap_or("")
                .trim_start_matches('/')
                .to_string();
            let running = c["State"].as_str() == Some("running");
            (c["Created"].as_i64().unwrap_or(0), name, running)
        })
        .collect();
    match order {
        Order::Filter => return Ok(0),
        Order::CreatedAsc => rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1))),
        Order::NameAsc => rows.sort_by(|a, b| a.1.cmp(&b.1)),
        Order::RunningNewestFirst => {
            rows.retain(|r| r.2);
            rows.sort_by_key(|r| std::cmp::Reverse(r.0));
        }
    }
    rows.iter()
        .position(|r| r.1 == FLOOD_NAME)
        .ok_or_else(|| format!("{FLOOD_NAME} is not in the engine's list"))
}

/// What one tool did during its flood.
struct Flood {
    tool: String,
    /// From the open key until flood lines were on screen.
    open_ms: Option<f64>,
    keys_start: Vec<f64>,
    timeouts_start: usize,
    rss_30s: Option<f64>,
    keys_end: Vec<f64>,
    timeouts_end: usize,
    rss_end: Option<f64>,
    peak_rss: Option<f64>,
    cpu: Option<f64>,
    bytes: u64,
    /// Why the flood could not be measured for this tool.
    failed: Option<String>,
}

/// `KEY_SAMPLES` key latencies of the tool's overlay, 100 ms apart. A sample that never
/// shows counts as [`KEY_TIMEOUT`] (the count is returned) and is noted under `what`.
fn key_samples(ctx: &mut Ctx, term: &Term, way: &LogsWay, what: &str) -> (Vec<f64>, usize) {
    let overlay = Overlay {
        key: way.toggle,
        shown: way.shown,
        close: way.close,
        timeout: KEY_TIMEOUT,
    };
    let mut times = Vec::new();
    let mut timeouts = 0;
    for i in 0..KEY_SAMPLES {
        let (t, note) = overlay_sample(term, &overlay).unwrap_or_else(|e| (None, Some(e)));
        if let Some(e) = note {
            ctx.report.note(format!("{what}: key {}: {e}", i + 1));
        }
        times.push(t.unwrap_or(ms(KEY_TIMEOUT)));
        timeouts += usize::from(t.is_none());
        thread::sleep(Duration::from_millis(100));
    }
    (times, timeouts)
}

/// Runs the flooding container (log files rotated by the engine: 2 × 20 MB).
fn start_flood() -> Result<(), String> {
    let _ = docker(&["rm", "-f", FLOOD_NAME]);
    let run = run_label();
    docker(&[
        "run",
        "-d",
        "--label",
        LABEL,
        "--label",
        &run,
        "--log-opt",
        "max-size=20m",
        "--log-opt",
        "max-file=2",
        "--name",
        FLOOD_NAME,
        IMAGE,
        "sh",
        "-c",
        FLOOD_SCRIPT,
    ])
    .map(|_| ())
}

fn log_floods(ctx: &mut Ctx, tools: &[Tool]) -> Result<Vec<Flood>, String> {
    let secs = ctx.args.flood_secs;
    let mut out = Vec::new();
    for tool in tools {
        let Some(way) = logs_way(&tool.name) else {
            continue;
        };
        println!(
            "\n--- compare 4. log flood: {} ({} s, up to 2,000 lines/s) ---",
            tool.name, secs
        );
        start_flood()?;
        let mut f = Flood {
            tool: tool.name.clone(),
            open_ms: None,
            keys_start: Vec::new(),
            timeouts_start: 0,
            rss_30s: None,
            keys_end: Vec::new(),
            timeouts_end: 0,
            rss_end: None,
            peak_rss: None,
            cpu: None,
            bytes: 0,
            failed: None,
        };
        let r = flood_one(ctx, tool, &way, secs, &mut f);
        if let Err(e) = r {
            ctx.report.note(format!("log flood of {}: {e}", tool.name));
            f.failed = Some(e);
        }
        let _ = docker(&["rm", "-f", FLOOD_NAME]);
        out.push(f);
        thread::sleep(Duration::from_secs(2));
    }
    Ok(out)
}

fn flood_one(
    ctx: &mut Ctx,
    tool: &Tool,
    way: &LogsWay,
    secs: u64,
    f: &mut Flood,
) -> Result<(), String> {
    let (mut term, _, seen) = first_frame(ctx, tool)?;
    let result = (|| {
        seen?;
        // Let the first list settle, then select the flooding container's row.
        term.wait_quiet(Duration::from_millis(300), Duration::from_secs(5));
        match way.order {
            Order::Filter => {
                term.send(format!("/'{FLOOD_NAME}\r").as_bytes())?;
                thread::sleep(Duration::from_millis(300));
            }
            order => {
                for _ in 0..flood_row(order)? {
                    term.send(b"\x1b[B")?;
                    thread::sleep(Duration::from_millis(30));
                }
            }
        }
        // A tool that shows the selected container's logs without a key (oxker; dockside's
        // logs pane at this size) has no key to time: its logs are on screen with the
        // selection. The key is still sent (dockside's `l` focuses the pane).
        let before = term.screen().contains(FLOOD_TEXT);
        let t0 = Instant::now();
        term.send(way.open)?;
        let t = term.wait_for(
            |s| s.contains(FLOOD_TEXT),
            Duration::from_secs(30),
            Duration::from_millis(1),
            &format!("flood lines in {}", tool.name),
        )?;
        f.open_ms = (!before && !way.open.is_empty()).then(|| ms(t - t0));
        let flood_t0 = Instant::now();
        let cpu0 = stat_ppid_ticks(term.pid).map(|(_, t)| t);
        let bytes0 = term.bytes();
        if term.screen().contains(way.shown) {
            return Err(format!(
                "`{}` is on screen before its key: it cannot time the key",
                way.shown
            ));
        }
        thread::sleep(Duration::from_secs(5));
        let (k, t) = key_samples(ctx, &term, way, &format!("{} flood start", tool.name));
        (f.keys_start, f.timeouts_start) = (k, t);
        thread::sleep(Duration::from_secs(30).saturating_sub(flood_t0.elapsed()));
        f.rss_30s = status_kb(term.pid, "VmRSS").map(|kb| kb as f64 / 1024.0);
        println!(
            "  {}: keys at the start {} ms ({} timeouts), RSS after 30 s {:.1} MiB   ({})",
            tool.name,
            range(&f.keys_start, 1),
            f.timeouts_start,
            f.rss_30s.unwrap_or(0.0),
            fmt_load(load_avg())
        );
        let window = Duration::from_secs(secs);
        while flood_t0.elapsed() < window {
            thread::sleep(Duration::from_secs(1).min(window - flood_t0.elapsed()));
            if status_kb(term.pid, "VmRSS").is_none() {
                return Err(format!(
                    "{} ended after {:.0} s of flood",
                    tool.name,
                    flood_t0.elapsed().as_secs_f64()
                ));
            }
        }
        f.rss_end = status_kb(term.pid, "VmRSS").map(|kb| kb as f64 / 1024.0);
        f.peak_rss = status_kb(term.pid, "VmHWM").map(|kb| kb as f64 / 1024.0);
        let cpu1 = stat_ppid_ticks(term.pid).map(|(_, t)| t);
        if let (Some(a), Some(b)) = (cpu0, cpu1) {
            f.cpu = Some(b.saturating_sub(a) as f64 / ctx.tck);
        }
        f.bytes = term.bytes() - bytes0;
        let (k, t) = key_samples(ctx, &term, way, &format!("{} flood end", tool.name));
        (f.keys_end, f.timeouts_end) = (k, t);
        println!(
            "  {}: after {secs} s: RSS {:.1} MiB (peak {:.1}), CPU {:.1} s, {} B written, keys {} ms ({} timeouts)   ({})",
            tool.name,
            f.rss_end.unwrap_or(0.0),
            f.peak_rss.unwrap_or(0.0),
            f.cpu.unwrap_or(0.0),
            f.bytes,
            range(&f.keys_end, 1),
            f.timeouts_end,
            fmt_load(load_avg())
        );
        Ok(())
    })();
    end(&mut term);
    result
}

fn flood_table(ctx: &mut Ctx, floods: &[Flood]) {
    if floods.is_empty() {
        return;
    }
    let secs = ctx.args.flood_secs;
    println!(
        "\n--- compare: log flood (up to 2,000 lines/s, {secs} s per tool; key: median (min–max) of {KEY_SAMPLES}, a timeout counts as {} ms) ---\n",
        ms(KEY_TIMEOUT)
    );
    println!(
        "| tool | logs on screen after the key ms | key ms, start | timeouts | RSS after 30 s MiB | key ms, after {secs} s | timeouts | RSS after {secs} s MiB | peak RSS MiB | CPU s | bytes written |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let opt = |v: Option<f64>, d: usize| v.map_or("–".to_string(), |v| format!("{v:.d$}"));
    for f in floods {
        if let Some(e) = &f.failed {
            println!("| {} | failed: {e} |||||||||", f.tool);
        }
        if f.keys_start.is_empty() {
            continue;
        }
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            f.tool,
            opt(f.open_ms, 0),
            range(&f.keys_start, 1),
            f.timeouts_start,
            opt(f.rss_30s, 1),
            range(&f.keys_end, 1),
            f.timeouts_end,
            opt(f.rss_end, 1),
            opt(f.peak_rss, 1),
            opt(f.cpu, 1),
            f.bytes
        );
    }
    // The figures after the table, so that its rows stay together.
    println!();
    for f in floods {
        let keys = [("start", &f.keys_start), ("end", &f.keys_end)];
        for (when, keys) in keys.into_iter().filter(|(_, k)| !k.is_empty()) {
            let name = format!("compare_{}_flood_key_{when}", f.tool);
            ctx.report.fig(&name, median(keys), "ms", None);
        }
        if let Some(v) = f.rss_end {
            let name = format!("compare_{}_flood_rss_end", f.tool);
            ctx.report.fig(&name, v, "MiB", None);
        }
    }
}
