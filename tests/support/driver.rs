//! Drive the app's state and the real docker layer together, without a terminal: messages
//! from the engine go through the real update function; commands go back to the engine.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use dockside::app::keymap::Keymap;
use dockside::app::{Cmd, Msg, State, update};
use dockside::docker::ToEngine;
use dockside::docker::client::Target;
use tokio::sync::mpsc;

pub struct Driver {
    pub state: State,
    rx: mpsc::Receiver<Msg>,
    tx: mpsc::Sender<Msg>,
    engines: dockside::docker::Engines,
    pub received: usize,
    /// Files the app asked to edit in `$EDITOR` (the runtime's part is the test's).
    pub edits: std::sync::Mutex<Vec<dockside::app::files::EditFile>>,
    /// Counts in `counted` the engine messages it picks (None: none).
    pub counting: Option<fn(&Msg) -> bool>,
    pub counted: usize,
    /// When the last clock tick was given: one a second at most, as the runtime gives them.
    last_tick: std::time::Instant,
}

impl Driver {
    /// Connect to the engine at `addr` (None: as the CLI would find it).
    pub fn start(addr: Option<&str>) -> Driver {
        let target = match addr {
            Some(a) => Target {
                addr: a.to_string(),
                source: "test".into(),
                tls: None,
            },
            None => dockside::docker::client::resolve(None, None),
        };
        let name = target.name();
        Driver::fleet(vec![target.spec(name)])
    }

    /// Several engines at once, the first the primary, as `dockside -H a -H b …` runs them.
    pub fn fleet(hosts: Vec<dockside::app::fleet::HostSpec>) -> Driver {
        // As `main` does: the first lists asked before the engine tasks start.
        let asked = dockside::runtime::ask(&hosts);
        Driver::asked(hosts, asked)
    }

    /// [`Driver::fleet`] with the first lists already asked ([`dockside::runtime::ask`]).
    pub fn asked(
        hosts: Vec<dockside::app::fleet::HostSpec>,
        asked: Vec<Option<dockside::docker::Asked>>,
    ) -> Driver {
        let (tx, rx) = mpsc::channel(1024);
        let addr = hosts.first().map(|h| h.addr.clone()).unwrap_or_default();
        let mut state = State::new(Keymap::default_map(), addr, now());
        state.fleet = dockside::app::fleet::Fleet::new(hosts);
        let mut engines = dockside::docker::Engines::default();
        for (h, asked) in state.fleet.hosts.iter().zip(asked) {
            engines.start_asked(h.id, Target::of(&h.spec), h.epoch, &tx, asked);
        }
        let mut out = Vec::new();
        update(&mut state, Msg::Resize(200, 50), &mut out);
        Driver {
            state,
            rx,
            tx,
            engines,
            received: 0,
            edits: Default::default(),
            counting: None,
            counted: 0,
            last_tick: std::time::Instant::now(),
        }
    }

    /// Requests go to the engine; runtime effects (files, clipboard, hand-off) are not
    /// carried out here, and a switch or quit goes to the engine task as the runtime sends it.
    fn dispatch(&mut self, out: Vec<Cmd>) {
        for c in out {
            self.send_cmd(c);
        }
    }

    /// Apply engine messages until `pred` holds or `timeout` passes. Returns whether it held.
    pub async fn until(&mut self, timeout: Duration, pred: impl Fn(&State) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if pred(&self.state) {
                return true;
            }
            // A clock tick every second, as the runtime gives one (not one per message).
            let next_tick = self.last_tick + Duration::from_secs(1);
            let msg = tokio::select! {
                m = self.rx.recv() => m,
                () = tokio::time::sleep_until(next_tick.into()) => {
                    self.last_tick = std::time::Instant::now();
                    let mut out = Vec::new();
                    update(&mut self.state, Msg::Tick(now()), &mut out);
                    self.dispatch(out);
                    continue;
                }
                () = tokio::time::sleep_until(deadline) => return pred(&self.state),
            };
            let Some(msg) = msg else {
                return pred(&self.state);
            };
            self.received += 1;
            if self.counting.is_some_and(|pick| pick(&msg)) {
                self.counted += 1;
            }
            if std::env::var("DRIVER_DEBUG").is_ok() {
                eprintln!(
                    "msg: {}",
                    format!("{msg:?}").chars().take(200).collect::<String>()
                );
            }
            let mut out = Vec::new();
            update(&mut self.state, msg, &mut out);
            self.dispatch(out);
        }
    }

    pub fn key(&mut self, c: char) {
        let mods = if c.is_ascii_uppercase() {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        self.key_code(KeyCode::Char(c), mods);
    }

    pub fn key_code(&mut self, code: KeyCode, mods: KeyModifiers) {
        let mut out = Vec::new();
        update(
            &mut self.state,
            Msg::Key(KeyEvent::new(code, mods)),
            &mut out,
        );
        self.dispatch(out);
    }

    /// Put the selection on container `id` (as a user would with the arrow keys).
    pub async fn select(&mut self, id: &str) {
        let id = id.to_string();
        assert!(
            self.until(Duration::from_secs(10), |s| s.rows.contains(&id))
                .await,
            "container {id} never appeared in the list"
        );
        for _ in 0..self.state.rows.len() + 1 {
            if self.state.selected.as_deref() == Some(id.as_str()) {
                return;
            }
            let cur = self.state.selected_index().unwrap_or(0);
            let target = self.state.rows.iter().position(|r| *r == id).unwrap_or(0);
            self.key_code(
                if target > cur {
                    KeyCode::Down
                } else {
                    KeyCode::Up
                },
                KeyModifiers::NONE,
            );
        }
        assert_eq!(self.state.selected.as_deref(), Some(id.as_str()));
    }

    /// Carry out a command as the runtime does: a request to the engine the fleet's routing
    /// names, a switch, a start or stop of an engine's task.
    pub fn send_cmd(&mut self, c: Cmd) {
        use dockside::app::msg::Effect;
        match c {
            Cmd::Engine(req) => {
                for (id, req) in dockside::app::fleet::route(&self.state, req) {
                    self.engines.send(id, ToEngine::Req(req));
                }
            }
            Cmd::At(id, req) => self.engines.send(id, ToEngine::Req(req)),
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
                self.engines.send(id, ToEngine::Switch(to, epoch));
            }
            Cmd::Effect(Effect::StartEngine { id, spec, epoch }) => {
                self.engines.start(id, Target::of(&spec), epoch, &self.tx);
            }
            Cmd::Effect(Effect::StopEngine(id)) => self.engines.stop(id),
            Cmd::Effect(Effect::Quit) => self.engines.quit_all(),
            Cmd::Effect(Effect::EditFile(f)) => {
                if let Ok(mut edits) = self.edits.lock() {
                    edits.push(*f);
                }
            }
            Cmd::Effect(
                Effect::SaveFile { .. } | Effect::Clipboard(_) | Effect::Handoff { .. },
            ) => {}
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.engines.quit_all();
    }
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
