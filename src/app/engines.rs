//! What is known of each engine shown: how to reach it, whether it answers, what it says of
//! itself. Plain data, shared by the state, the messages and the hosts view; what acts on
//! it is [`super::fleet`].

use std::path::PathBuf;

use super::model::{Container, EngineId};

/// The engine connection, as the user should see it.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnStatus {
    Connecting {
        addr: String,
    },
    Connected {
        addr: String,
        version: String,
        api: String,
        os: String,
        ncpu: i64,
        mem_total: i64,
    },
    /// The last attempt failed; the next one is in `retry_in_ms`.
    Failed {
        addr: String,
        error: String,
        retry_in_ms: u64,
        attempt: u32,
    },
}

impl ConnStatus {
    /// The address shown (with where it came from).
    pub fn addr(&self) -> &str {
        match self {
            ConnStatus::Connecting { addr }
            | ConnStatus::Connected { addr, .. }
            | ConnStatus::Failed { addr, .. } => addr,
        }
    }
}

/// TLS material given in the config for an engine (`[[engines]]`): CA, certificate, key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// How to reach an engine: what the runtime needs to start its task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSpec {
    /// What the user calls it: the context's name, the config's `name`, or the address.
    pub name: String,
    pub addr: String,
    /// Where the address came from (`--host`, `docker context \`x\``, `config`).
    pub source: String,
    pub tls: Option<Tls>,
    /// Nothing that changes this engine is sent (`readonly = true` in its `[[engines]]`).
    pub readonly: bool,
}

/// What `docker info` (and, on request, `docker system df`) says of an engine.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostFacts {
    pub version: String,
    pub os: String,
    pub arch: String,
    pub ncpu: u64,
    pub mem_total: u64,
    pub images: u64,
    /// `manager`, `worker`, or empty when not in a swarm.
    pub swarm: String,
    /// Bytes used by images, containers, volumes and build cache (None: not asked yet).
    pub disk: Option<u64>,
}

/// One engine of the fleet.
#[derive(Debug, Clone, PartialEq)]
pub struct Host {
    pub id: EngineId,
    pub spec: HostSpec,
    /// Connection epoch: what an older connection of this engine still sends is dropped.
    pub epoch: u64,
    pub conn: ConnStatus,
    /// Since when it does not answer (unix seconds); None while connected.
    pub down_since: Option<i64>,
    pub facts: Option<HostFacts>,
    /// Why the last facts request failed.
    pub facts_error: Option<String>,
    /// Disconnected by the user: no task runs for it, its rows are gone.
    pub off: bool,
}

impl Host {
    pub fn new(id: EngineId, spec: HostSpec) -> Host {
        Host {
            id,
            conn: ConnStatus::Connecting {
                addr: format!("{} ({})", spec.addr, spec.source),
            },
            spec,
            epoch: 0,
            down_since: None,
            facts: None,
            facts_error: None,
            off: false,
        }
    }

    pub fn connected(&self) -> bool {
        matches!(self.conn, ConnStatus::Connected { .. })
    }

    /// What the hosts view's STATE column says.
    pub fn state_text(&self, now: i64) -> String {
        if self.off {
            return "disconnected".into();
        }
        match &self.conn {
            ConnStatus::Connected { .. } => "connected".into(),
            ConnStatus::Connecting { .. } => "connecting…".into(),
            ConnStatus::Failed {
                error, retry_in_ms, ..
            } => {
                let since = self
                    .down_since
                    .map(|t| format!(" for {}", short_duration(now - t)))
                    .unwrap_or_default();
                let retry = if *retry_in_ms > 0 {
                    format!(", retrying in {:.1} s", *retry_in_ms as f64 / 1000.0)
                } else {
                    ", retrying".into()
                };
                format!("unreachable{since}{retry}: {error}")
            }
        }
    }
}

/// Named settings a deploy applies (`[environments.NAME]` in the config): environment
/// variables, labels and published ports, so the same image runs as beta on one server and
/// production on another.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Environment {
    pub name: String,
    /// `KEY=VALUE`.
    pub env: Vec<String>,
    pub labels: Vec<(String, String)>,
    /// As `-p` takes them (`8080:80`).
    pub ports: Vec<String>,
}

/// A deploy being set up: the run form is open, its container goes to these engines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deploy {
    pub hosts: Vec<EngineId>,
    /// The environment's labels (the form has no labels field).
    pub labels: Vec<(String, String)>,
    pub environment: Option<String>,
}

/// The engines dockside shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fleet {
    pub hosts: Vec<Host>,
    /// Show only this engine's rows (the hosts view's focus); None: all of them.
    pub focus: Option<EngineId>,
    /// The config's environments, by name.
    pub environments: Vec<Environment>,
    /// The deploy whose run form is open.
    pub deploy: Option<Deploy>,
    /// The next id to give an engine added while running.
    next: u32,
}

impl Fleet {
    /// The engines given at start; the first one is the primary. Two with the same name
    /// are told apart (`web`, `web-2`).
    pub fn new(mut specs: Vec<HostSpec>) -> Fleet {
        let mut seen: Vec<String> = Vec::new();
        for s in &mut specs {
            let base = s.name.clone();
            let mut n = 2;
            while seen.contains(&s.name) {
                s.name = format!("{base}-{n}");
                n += 1;
            }
            seen.push(s.name.clone());
        }
        let hosts: Vec<Host> = specs
            .into_iter()
            .enumerate()
            .map(|(i, s)| Host::new(EngineId(i as u32), s))
            .collect();
        Fleet {
            next: hosts.len() as u32,
            hosts,
            ..Fleet::default()
        }
    }

    pub fn host(&self, id: EngineId) -> Option<&Host> {
        self.hosts.iter().find(|h| h.id == id)
    }

    pub fn host_mut(&mut self, id: EngineId) -> Option<&mut Host> {
        self.hosts.iter_mut().find(|h| h.id == id)
    }

    /// More than one engine: the lists show a HOST column.
    pub fn several(&self) -> bool {
        self.hosts.len() > 1
    }

    /// The name shown in the HOST column.
    pub fn name(&self, id: EngineId) -> &str {
        self.host(id).map_or("?", |h| h.spec.name.as_str())
    }

    /// The engine a message tagged `from` may be applied for: a known engine, on its current
    /// connection, not disconnected by the user.
    pub fn accepts(&self, id: EngineId, epoch: u64) -> bool {
        self.host(id).is_some_and(|h| h.epoch == epoch && !h.off)
    }

    /// Whether nothing that changes this engine may be sent to it (its `[[engines]]` entry
    /// says `readonly = true`).
    pub fn read_only(&self, id: EngineId) -> bool {
        self.host(id).is_some_and(|h| h.spec.readonly)
    }

    /// The line that says a request for engine `id` was not sent.
    pub fn read_only_line(&self, id: EngineId) -> String {
        format!(
            "{} is read-only (config: [[engines]] readonly)",
            self.name(id)
        )
    }

    /// Whether the engine answers now (rows of one that doesn't are greyed).
    pub fn reachable(&self, id: EngineId) -> bool {
        self.host(id).is_none_or(|h| h.connected())
    }

    /// Add an engine (or turn a disconnected one with the same address back on). Returns its
    /// id, and whether a task must be started for it.
    pub fn add(&mut self, spec: HostSpec) -> (EngineId, bool) {
        if let Some(h) = self.hosts.iter_mut().find(|h| h.spec.addr == spec.addr) {
            let start = h.off;
            h.off = false;
            return (h.id, start);
        }
        let id = EngineId(self.next);
        self.next += 1;
        self.hosts.push(Host::new(id, spec));
        (id, true)
    }

    /// Container-level figures of a host: (running, total).
    pub fn counts<'a>(
        id: EngineId,
        containers: impl Iterator<Item = &'a Container>,
    ) -> (usize, usize) {
        containers
            .filter(|c| c.host == id)
            .fold((0, 0), |(r, t), c| {
                (
                    r + usize::from(c.state == super::model::CState::Running),
                    t + 1,
                )
            })
    }
}

/// `45s`, `12m`, `3h05m`, `2d04h`: how long, in a few characters.
pub fn short_duration(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86400 => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d{:02}h", s / 86400, s % 86400 / 3600),
    }
}

/// A name for an engine given by address alone: the host of a `tcp://`/`ssh://` address,
/// the socket's file name without `.sock` (`docker` for the default socket).
pub fn short_name(addr: &str) -> String {
    let rest = addr.split_once("://").map_or(addr, |(_, r)| r);
    if addr.starts_with("unix://") || addr.starts_with('/') {
        // `/tmp/e/prod1.sock` → prod1; `…/prod1/docker.sock` → prod1; the usual socket → local.
        let mut parts = rest.rsplit('/').filter(|p| !p.is_empty());
        let file = parts.next().unwrap_or("");
        let stem = file.strip_suffix(".sock").unwrap_or(file);
        if rest.contains("/run/user/") {
            return "rootless".into();
        }
        if stem != "docker" && !stem.is_empty() {
            return stem.into();
        }
        return match parts.next() {
            Some("run" | "var" | "tmp") | None => "local".into(),
            Some(dir) => dir.into(),
        };
    }
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let host = host.split('/').next().unwrap_or(host);
    match host.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) && !h.is_empty() => h.into(),
        _ => host.into(),
    }
}

/// The `host:NAME` words of a filter: the rest of the text, and the names asked for.
pub fn split_host_filter(text: &str) -> (String, Vec<String>) {
    let mut rest = Vec::new();
    let mut hosts = Vec::new();
    for word in text.split_whitespace() {
        match word.strip_prefix("host:") {
            Some(h) if !h.is_empty() => hosts.push(h.to_lowercase()),
            _ => rest.push(word),
        }
    }
    (rest.join(" "), hosts)
}

/// What the hosts view (or the engine picker) asks of the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FleetOp {
    /// Show only this engine's rows, and make it the primary.
    Focus(EngineId),
    /// Show every engine's rows again.
    All,
    Connect(EngineId),
    Disconnect(EngineId),
    /// Ask every connected engine for its facts again, disk use included.
    Facts,
    /// Add an engine beside the others.
    Add(HostSpec),
    /// Run a container on these engines (the run form opens; an environment is asked for
    /// first when the config has some).
    Deploy(Vec<EngineId>),
}
