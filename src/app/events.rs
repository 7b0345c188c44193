//! The engine's events as `docker events` shows them: a bounded log of what happened to
//! containers, images, volumes and networks, newest first (pure).

/// One engine event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineEvent {
    /// Unix nanoseconds.
    pub time_nano: i64,
    /// `container`, `image`, `volume`, `network`, … (`dockside` for our own markers).
    pub typ: String,
    /// `start`, `die`, `pull`, `connect`, `exec_start: sh`, …
    pub action: String,
    /// The actor's id (container id, image name, volume name, network id).
    pub id: String,
    /// The actor's attributes, sorted by key (`name`, `image`, `exitCode`, labels…).
    pub attrs: Vec<(String, String)>,
    /// How many more times the same exec event came just before (healthchecks repeat
    /// `exec_create`/`exec_start`/`exec_die` every few seconds): shown once, counted.
    pub repeats: u32,
}

/// Attributes shown in a row, in this order, when present.
const ROW_ATTRS: [&str; 7] = [
    "host",
    "image",
    "exitCode",
    "signal",
    "container",
    "driver",
    "type",
];

impl EngineEvent {
    /// A mark of dockside's own (a reconnect, a switch of engine) at `now` (unix seconds).
    pub fn ours(now: i64, action: &str, what: String) -> EngineEvent {
        EngineEvent {
            time_nano: now.saturating_mul(1_000_000_000),
            typ: "dockside".into(),
            action: action.into(),
            id: what,
            attrs: Vec::new(),
            repeats: 0,
        }
    }

    /// The same event, whatever its repeat count.
    pub fn same(&self, other: &EngineEvent) -> bool {
        self.time_nano == other.time_nano && self.is_repeat_of(other)
    }

    /// Another run of the same exec (same container, command and attributes).
    pub fn is_repeat_of(&self, other: &EngineEvent) -> bool {
        self.typ == other.typ
            && self.action == other.action
            && self.id == other.id
            && self.attrs == other.attrs
    }

    /// The exec this event is a step of (`exec_create: CMD`, `exec_start: CMD`,
    /// `exec_die`): its id when the engine gives one, `""` otherwise.
    pub fn exec_step(&self) -> Option<&str> {
        (self.typ == "container" && self.action.starts_with("exec_"))
            .then(|| self.attr("execID").unwrap_or(""))
    }

    /// Whether this is the one row of an exec (see [`EngineEvent::into_exec_row`]).
    pub fn is_exec_row(&self) -> bool {
        self.typ == "container" && (self.action == "exec" || self.action.starts_with("exec: "))
    }

    /// The one row an exec's steps are shown as: `exec: CMD` (the command of its create or
    /// start; `exec` for a lone die), the exit code once it died.
    pub fn into_exec_row(mut self) -> EngineEvent {
        self.action = match self.action.split_once(": ") {
            Some((_, cmd)) => format!("exec: {cmd}"),
            None => "exec".into(),
        };
        self
    }

    /// Another run of the same command in the same container (a health check): the same
    /// row but for the exec's id and exit code.
    pub fn same_exec_command(&self, other: &EngineEvent) -> bool {
        let keep = |(k, _): &&(String, String)| k != "execID" && k != "exitCode";
        self.typ == other.typ
            && self.action == other.action
            && self.id == other.id
            && self
                .attrs
                .iter()
                .filter(keep)
                .eq(other.attrs.iter().filter(keep))
    }

    /// Set an attribute, keeping them sorted by key.
    pub fn set_attr(&mut self, key: &str, value: &str) {
        match self.attrs.binary_search_by(|(k, _)| k.as_str().cmp(key)) {
            Ok(i) => self.attrs[i].1 = value.to_string(),
            Err(i) => self.attrs.insert(i, (key.to_string(), value.to_string())),
        }
    }

    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// What the event is about, as a person names it: the `name` attribute, else the id
    /// (shortened when it is a 64-hex id).
    pub fn subject(&self) -> String {
        if let Some(n) = self.attr("name") {
            return n.to_string();
        }
        let hex = self.id.len() == 64 && self.id.bytes().all(|b| b.is_ascii_hexdigit());
        if hex {
            self.id[..12].to_string()
        } else {
            self.id.clone()
        }
    }

    /// The few attributes worth a row (`image=busybox exitCode=137`).
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for key in ROW_ATTRS {
            if let Some(v) = self.attr(key) {
                // A network event's `container` is an id: shorten it (labels can hold
                // anything, so only a real 64-hex id).
                let hex = v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit());
                let v = if key == "container" && hex {
                    v.get(..12).unwrap_or(v)
                } else {
                    v
                };
                parts.push(format!("{key}={v}"));
            }
        }
        parts.join(" ")
    }

    /// `docker top` leaves a `top` event each time it is asked: the processes tab asks every
    /// 2 s, which would bury everything else. Those are not logged.
    pub fn worth_logging(&self) -> bool {
        !(self.typ == "container" && self.action == "top")
    }

    pub fn matches(&self, q: &str) -> bool {
        let has = |s: &str| s.to_lowercase().contains(q);
        has(&self.typ)
            || has(&self.action)
            || has(&self.id)
            || self.attrs.iter().any(|(k, v)| has(k) || has(v))
    }
}

/// How far back (newest events) a repeated exec event is looked for.
pub const REPEAT_WINDOW: usize = 8;

/// Events kept; older ones are dropped.
pub const MAX_EVENTS: usize = 2000;

/// How far back the engine is asked for events that happened before dockside started.
pub const HISTORY_SECS: i64 = 3600;
