//! The one event loop: keyboard, engine messages, timers and signals become changes of one
//! state; a frame is drawn only when something visible changed, at most every 10 ms, after
//! draining everything already queued.

use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEventKind, MouseEventKind};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

use crate::app::msg::Effect;
use crate::app::{self, Cmd, Msg, State};
use crate::docker;
use crate::docker::ToEngine;
use crate::docker::client::Target;
use crate::term;
use crate::ui;

const FRAME: Duration = Duration::from_millis(10);
/// Longest time spent applying queued engine messages before looking at the keyboard and the
/// screen again: a flood of output never starves keys or frames.
const DRAIN: Duration = Duration::from_millis(8);

pub struct Options {
    /// The engines, already connecting ([`connect`]).
    pub connecting: Connecting,
    /// A compose file to bring up at start, and its project's name.
    pub compose_file: Option<(String, Option<String>)>,
    pub keymap: app::keymap::Keymap,
    pub config: crate::config::Config,
}

/// The engines' connections, started first: the first container list is on its way while
/// the keymap is read and the terminal set up, so the first frame waits for the engine only.
pub struct Connecting {
    fleet: app::fleet::Fleet,
    engines: docker::Engines,
    tx: mpsc::Sender<Msg>,
    rx: mpsc::Receiver<Msg>,
}

/// Ask each of `hosts` on a unix socket for its first list now, before the runtime is
/// built ([`docker::ask_first_list`]); [`connect`] reads the answers.
pub fn ask(hosts: &[app::fleet::HostSpec]) -> Vec<Option<docker::Asked>> {
    hosts
        .iter()
        .map(|h| docker::ask_first_list(&h.addr))
        .collect()
}

/// Start connecting to `hosts` (the first is the primary; never empty), reading the answers
/// [`ask`] asked for. Call it inside the runtime; what the engines send waits in the channel
/// until [`run`] reads it.
pub fn connect(hosts: Vec<app::fleet::HostSpec>, asked: Vec<Option<docker::Asked>>) -> Connecting {
    let (tx, rx) = mpsc::channel::<Msg>(1024);
    let fleet = app::fleet::Fleet::new(hosts);
    let mut engines = docker::Engines::default();
    let mut asked = asked.into_iter();
    for h in &fleet.hosts {
        let first = asked.next().flatten();
        engines.start_asked(h.id, Target::of(&h.spec), h.epoch, &tx, first);
    }
    Connecting {
        fleet,
        engines,
        tx,
        rx,
    }
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// How the UI ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The user quit (or the terminal went away).
    Quit,
    /// A signal ended it (its number): the exit status is 128 + it, as a shell expects.
    Signal(i32),
}

/// Run the UI until the user quits or a signal arrives.
pub async fn run(opts: Options) -> Result<Exit, String> {
    let mut sigterm = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let mut sighup = signal(SignalKind::hangup()).map_err(|e| e.to_string())?;
    let mut sigint = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;

    term::set_mouse(opts.config.ui.mouse);
    let mut terminal = term::setup().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let _guard = term::Guard;

    let Connecting {
        fleet,
        mut engines,
        tx,
        mut rx,
    } = opts.connecting;
    let addr = fleet
        .hosts
        .first()
        .map(|h| format!("{} ({})", h.spec.addr, h.spec.source))
        .unwrap_or_default();
    let mut state = State::new(opts.keymap, addr, unix_now());
    state.fleet = fleet;
    opts.config.apply(&mut state);
    state.utc_offset = chrono::Local::now().offset().local_minus_utc();
    let env = |k: &str| std::env::var(k).ok();
    state.color = app::state::ColorLevel::detect(
        env("NO_COLOR").as_deref(),
        env("COLORTERM").as_deref(),
        env("TERM").as_deref(),
    );
    let mut out: Vec<Cmd> = Vec::new();
    if let Ok(size) = terminal.size() {
        app::update(&mut state, Msg::Resize(size.width, size.height), &mut out);
    }

    if let Some((path, project)) = opts.compose_file {
        app::update(&mut state, Msg::ComposeFile { path, project }, &mut out);
    }

    let mut input = Some(EventStream::new());
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut last_draw = Instant::now() - FRAME;
    // Engine requests of this turn, sent after its frame.
    let mut held: Vec<(app::model::EngineId, app::msg::Req)> = Vec::new();
    let mut exit = Exit::Quit;

    loop {
        let frame_due = last_draw + FRAME;
        tokio::select! {
            biased;
            ev = next_event(&mut input) => match ev {
                Some(Ok(ev)) => {
                    if let Some(msg) = event_msg(ev) {
                        app::update(&mut state, msg, &mut out);
                    }
                }
                Some(Err(_)) | None => break,
            },
            _ = sigterm.recv() => { exit = Exit::Signal(15); break }
            _ = sighup.recv() => { exit = Exit::Signal(1); break }
            _ = sigint.recv() => { exit = Exit::Signal(2); break }
            msg = rx.recv() => {
                let Some(msg) = msg else { break };
                app::update(&mut state, msg, &mut out);
                let until = Instant::now() + DRAIN;
                while Instant::now() < until {
                    match rx.try_recv() {
                        Ok(msg) => app::update(&mut state, msg, &mut out),
                        Err(_) => break,
                    }
                }
            }
            _ = tick.tick() => app::update(&mut state, Msg::Tick(unix_now()), &mut out),
            () = tokio::time::sleep_until(frame_due), if state.dirty => {}
        }
        for cmd in out.drain(..) {
            // Requests wait until this turn's frame is drawn (the screen first, then the
            // engines' work: a first list's stats must not slow its frame), except that an
            // engine's switch, start or stop and a suspended UI keep their order with them.
            if matches!(
                cmd,
                Cmd::Effect(
                    Effect::Handoff { .. }
                        | Effect::EditFile(_)
                        | Effect::SwitchEngine { .. }
                        | Effect::StartEngine { .. }
                        | Effect::StopEngine(_)
                )
            ) {
                send_all(&engines, &mut held);
            }
            match cmd {
                Cmd::Effect(Effect::Quit) => state.quit = true,
                Cmd::Effect(Effect::SaveFile { path, contents }) => {
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        let n = contents.lines().count();
                        let r = tokio::fs::write(&path, contents).await;
                        let abs = std::fs::canonicalize(&path)
                            .map_or(path.clone(), |p| p.display().to_string());
                        let notice = r
                            .map(|()| format!("saved {n} lines to {abs}"))
                            .map_err(|e| format!("cannot save {path}: {e}"));
                        let _ = tx.send(Msg::Notice(notice)).await;
                    });
                }
                Cmd::Effect(Effect::Clipboard(text)) => {
                    let _ = term::osc52(&text);
                }
                Cmd::Effect(Effect::Handoff {
                    addr,
                    id,
                    name,
                    user,
                    cmd,
                }) => {
                    // Give the terminal to `docker exec -it`; come back to the same screen.
                    // Stop reading keys so the shell gets them all.
                    drop(input.take());
                    term::restore();
                    let result = handoff(&addr, &id, &name, user, cmd).await;
                    term::enter().map_err(|e| format!("cannot restore the terminal: {e}"))?;
                    let _ = terminal.clear();
                    input = Some(EventStream::new());
                    state.dirty = true;
                    let _ = tx.send(Msg::HandoffDone(result)).await;
                }
                Cmd::Effect(Effect::EditFile(file)) => {
                    crate::editor::edit(*file, &mut input, &mut terminal, &tx).await?
                }
                Cmd::Effect(Effect::SwitchEngine {
                    id,
                    addr,
                    source,
                    epoch,
                }) => {
                    let to = Target {
                        addr,
                        source,
                        tls: None,
                    };
                    engines.send(id, ToEngine::Switch(to, epoch));
                }
                Cmd::Effect(Effect::StartEngine { id, spec, epoch }) => {
                    engines.start(id, Target::of(&spec), epoch, &tx);
                }
                Cmd::Effect(Effect::StopEngine(id)) => engines.stop(id),
                Cmd::Engine(req) => held.extend(app::fleet::route(&state, req)),
                Cmd::At(id, req) => held.push((id, req)),
            }
        }
        if state.quit {
            send_all(&engines, &mut held);
            break;
        }
        if draw_now(&state, last_draw, Instant::now()) {
            draw(&mut terminal, &mut state)?;
            last_draw = Instant::now();
        }
        send_all(&engines, &mut held);
    }
    // The engine task ends its sessions too (a signal does not pass through `state.quit`).
    engines.quit_all();
    drop(terminal);
    term::restore();
    Ok(exit)
}

/// Whether to draw now: something visible changed, and the last frame is a frame interval
/// old, or an engine's list just arrived (not held back after the placeholder frame).
fn draw_now(state: &State, last_draw: Instant, now: Instant) -> bool {
    state.dirty && (state.urgent || now >= last_draw + FRAME)
}

/// Send the held requests, in order.
fn send_all(engines: &docker::Engines, held: &mut Vec<(app::model::EngineId, app::msg::Req)>) {
    for (id, req) in held.drain(..) {
        engines.send(id, ToEngine::Req(req));
    }
}

fn draw(terminal: &mut term::Term, state: &mut State) -> Result<(), String> {
    let _ = crossterm::queue!(terminal.backend_mut(), BeginSynchronizedUpdate);
    terminal
        .draw(|f| ui::draw(f, state))
        .map_err(|e| format!("cannot draw: {e}"))?;
    let _ = crossterm::execute!(terminal.backend_mut(), EndSynchronizedUpdate);
    state.dirty = false;
    state.urgent = false;
    state.clock_print = state.clock_fingerprint();
    Ok(())
}

async fn next_event(input: &mut Option<EventStream>) -> Option<Result<Event, std::io::Error>> {
    match input {
        Some(s) => s.next().await,
        None => std::future::pending().await,
    }
}

/// Run `docker exec -it` in the user's terminal (the UI is suspended meanwhile).
async fn handoff(
    addr: &str,
    id: &str,
    name: &str,
    user: Option<String>,
    cmd: Vec<String>,
) -> Result<String, String> {
    let mut args: Vec<String> = vec!["-H".into(), addr.into(), "exec".into(), "-it".into()];
    if let Some(u) = user {
        args.push("-u".into());
        args.push(u);
    }
    args.push(id.into());
    if cmd.is_empty() {
        args.extend(
            [
                "sh",
                "-c",
                "if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi",
            ]
            .map(String::from),
        );
    } else {
        args.extend(cmd);
    }
    println!("dockside: shell in {name}; exit it to come back.\r");
    let status = tokio::process::Command::new("docker")
        .args(&args)
        .kill_on_drop(true)
        .status()
        .await
        .map_err(|e| format!("cannot run the docker CLI for the hand-off: {e}"))?;
    Ok(format!("back from the shell in {name} ({status})"))
}

fn event_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(Msg::Key(k)),
        Event::Paste(p) => Some(Msg::Paste(p)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        // Clicks and the wheel; motion and drags are not ours.
        Event::Mouse(m)
            if matches!(
                m.kind,
                MouseEventKind::Down(_) | MouseEventKind::ScrollUp | MouseEventKind::ScrollDown
            ) =>
        {
            Some(Msg::Mouse(m))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_waits_for_the_frame_interval_unless_an_engine_s_list_just_arrived() {
        let mut state = crate::app::fixtures::state(80, 24);
        let drawn = Instant::now();
        let soon = drawn + FRAME / 2;
        // The fixture's list arrived just after a frame: drawn at once.
        assert!(state.dirty && state.urgent);
        assert!(draw_now(&state, drawn, soon));
        // Anything else changed: it waits out the interval.
        state.urgent = false;
        assert!(!draw_now(&state, drawn, soon));
        assert!(draw_now(&state, drawn, drawn + FRAME));
        // Nothing changed: nothing is drawn, list or not.
        state.dirty = false;
        state.urgent = true;
        assert!(!draw_now(&state, drawn, drawn + FRAME));
    }
}
