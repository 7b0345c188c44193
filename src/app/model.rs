//! Plain data the app works on. The docker layer converts engine types into these.

use std::fmt::Write as _;

/// A container's lifecycle state, as the engine names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CState {
    Running,
    Restarting,
    Paused,
    Created,
    Removing,
    Exited,
    Dead,
    Unknown,
}

impl CState {
    pub fn parse(s: &str) -> Self {
        match s.to_ascii_lowercase().as_str() {
            "running" => Self::Running,
            "restarting" => Self::Restarting,
            "paused" => Self::Paused,
            "created" => Self::Created,
            "removing" => Self::Removing,
            "exited" => Self::Exited,
            "dead" => Self::Dead,
            _ => Self::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Restarting => "restarting",
            Self::Paused => "paused",
            Self::Created => "created",
            Self::Removing => "removing",
            Self::Exited => "exited",
            Self::Dead => "dead",
            Self::Unknown => "unknown",
        }
    }

    /// Whether the container's processes exist (running, paused or restarting).
    pub fn is_live(self) -> bool {
        matches!(self, Self::Running | Self::Paused | Self::Restarting)
    }

    /// Sort rank: running first, then paused/restarting, then the rest.
    pub fn rank(self) -> u8 {
        match self {
            Self::Running => 0,
            Self::Restarting => 1,
            Self::Paused => 2,
            Self::Created => 3,
            Self::Removing => 4,
            Self::Exited => 5,
            Self::Dead => 6,
            Self::Unknown => 7,
        }
    }
}

/// Health as reported by a HEALTHCHECK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Health {
    Healthy,
    Unhealthy,
    Starting,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Healthy => "healthy",
            Self::Unhealthy => "unhealthy",
            Self::Starting => "starting",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Port {
    pub ip: Option<String>,
    pub private: u16,
    pub public: Option<u16>,
    pub proto: String,
}

impl Port {
    /// `0.0.0.0:8080->80/tcp` or `80/tcp`, as `docker ps` prints it.
    pub fn display(&self) -> String {
        match self.public {
            Some(public) => {
                let ip = self.ip.as_deref().unwrap_or("0.0.0.0");
                if ip.contains(':') {
                    format!("[{ip}]:{public}->{}/{}", self.private, self.proto)
                } else {
                    format!("{ip}:{public}->{}/{}", self.private, self.proto)
                }
            }
            None => format!("{}/{}", self.private, self.proto),
        }
    }
}

/// Join ports like `docker ps` does (deduplicating IPv4/IPv6 twins of the same mapping).
pub fn ports_display(ports: &[Port]) -> String {
    let mut seen: Vec<(Option<u16>, u16, &str)> = Vec::new();
    let mut out = String::new();
    for p in ports {
        let key = (p.public, p.private, p.proto.as_str());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(&p.display());
    }
    out
}

/// Which engine something lives on (and which engine task a message came from): several
/// engines at once are several ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct EngineId(pub u32);

/// A container list as the app keeps it: each container boxed, so that the list and the
/// map it goes into ([`super::state::Containers`]) move pointers, not 270-byte rows.
pub type Listed = Vec<Box<Container>>;

/// One container, as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub id: String,
    /// The engine it runs on (set by the app from the message's tag).
    pub host: EngineId,
    pub name: String,
    pub image: String,
    pub command: String,
    pub state: CState,
    pub health: Option<Health>,
    /// The engine's status text at fetch time ("Up 3 minutes").
    pub status: String,
    /// Unix seconds of creation.
    pub created: i64,
    /// Best estimate of when the current state began (unix seconds): exact when learned from an
    /// event, estimated from the status text otherwise.
    pub since: Option<i64>,
    /// Exit code for exited/restarting containers.
    pub exit_code: Option<i64>,
    pub ports: Vec<Port>,
    pub project: Option<String>,
    pub service: Option<String>,
    /// What compose wrote on it, for the projects view (None outside a compose project).
    pub compose: Option<Box<Compose>>,
}

/// A compose container's labels beyond project and service, and what the projects view shows
/// of it: the image it runs, its networks and named volumes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Compose {
    /// `com.docker.compose.container-number`.
    pub number: Option<u32>,
    /// `com.docker.compose.oneoff`: a `run` container, not a replica.
    pub oneoff: bool,
    pub working_dir: String,
    /// Comma-separated, as compose writes them.
    pub config_files: String,
    /// The id of the image it runs (`sha256:…`).
    pub image_id: String,
    pub networks: Vec<String>,
    /// Named volumes it mounts.
    pub volumes: Vec<String>,
}

impl Container {
    pub fn short_id(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }

    /// Status text rendered relative to `now` (unix seconds), like `docker ps`.
    pub fn status_text(&self, now: i64) -> String {
        let ago = |t: i64| human_duration(now.saturating_sub(t).max(0));
        let mut s = match (self.state, self.since) {
            (CState::Running, Some(t)) => format!("Up {}", ago(t)),
            (CState::Paused, Some(t)) => format!("Up {} (Paused)", ago(t)),
            (CState::Restarting, Some(t)) => {
                format!(
                    "Restarting ({}) {} ago",
                    self.exit_code.unwrap_or(0),
                    ago(t)
                )
            }
            (CState::Exited, Some(t)) => {
                format!("Exited ({}) {} ago", self.exit_code.unwrap_or(0), ago(t))
            }
            (CState::Created, _) => "Created".to_string(),
            (CState::Dead, _) => "Dead".to_string(),
            (CState::Removing, _) => "Removal In Progress".to_string(),
            _ => return self.status.clone(),
        };
        if self.state == CState::Running
            && let Some(h) = self.health
        {
            let _ = match h {
                Health::Starting => write!(s, " (health: starting)"),
                other => write!(s, " ({})", other.as_str()),
            };
        }
        s
    }
}

/// Go's `units.HumanDuration`, which `docker ps` uses.
pub fn human_duration(secs: i64) -> String {
    if secs < 1 {
        return "Less than a second".into();
    }
    if secs == 1 {
        return "1 second".into();
    }
    if secs < 60 {
        return format!("{secs} seconds");
    }
    let minutes = secs / 60;
    if minutes == 1 {
        return "About a minute".into();
    }
    if minutes < 60 {
        return format!("{minutes} minutes");
    }
    // Go rounds hours: int(d.Hours() + 0.5)
    let hours = (secs + 1800) / 3600;
    if hours == 1 {
        return "About an hour".into();
    }
    if hours < 48 {
        return format!("{hours} hours");
    }
    if hours < 24 * 7 * 2 {
        return format!("{} days", hours / 24);
    }
    if hours < 24 * 30 * 2 {
        return format!("{} weeks", hours / 24 / 7);
    }
    if hours < 24 * 365 * 2 {
        return format!("{} months", hours / 24 / 30);
    }
    format!("{} years", secs / 3600 / 24 / 365)
}

/// Inverse of [`human_duration`]: the lower bound of seconds a phrase stands for.
pub fn parse_human_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    match s {
        "Less than a second" => return Some(0),
        "About a minute" => return Some(60),
        "About an hour" => return Some(3600),
        _ => {}
    }
    let (n, unit) = s.split_once(' ')?;
    let n: i64 = n.parse().ok()?;
    let mult = match unit.trim_end_matches('s') {
        "second" => 1,
        "minute" => 60,
        "hour" => 3600,
        "day" => 86_400,
        "week" => 7 * 86_400,
        "month" => 30 * 86_400,
        "year" => 365 * 86_400,
        _ => return None,
    };
    Some(n * mult)
}

/// What the engine's status text says: health, exit code, and how long ago the state began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatusInfo {
    pub health: Option<Health>,
    pub exit_code: Option<i64>,
    pub ago_secs: Option<i64>,
}

/// Parse "Up 3 minutes (healthy)", "Exited (137) 2 hours ago", "Restarting (1) 5 seconds ago",
/// "Up 2 hours (Paused)".
pub fn parse_status(status: &str) -> StatusInfo {
    let mut info = StatusInfo::default();
    let mut s = status.trim();
    if let Some(rest) = s.strip_suffix("(healthy)") {
        info.health = Some(Health::Healthy);
        s = rest.trim_end();
    } else if let Some(rest) = s.strip_suffix("(unhealthy)") {
        info.health = Some(Health::Unhealthy);
        s = rest.trim_end();
    } else if let Some(rest) = s.strip_suffix("(health: starting)") {
        info.health = Some(Health::Starting);
        s = rest.trim_end();
    }
    if let Some(rest) = s.strip_suffix("(Paused)") {
        s = rest.trim_end();
    }
    if let Some(rest) = s.strip_prefix("Up ") {
        info.ago_secs = parse_human_duration(rest);
    } else if let Some(rest) = s
        .strip_prefix("Exited (")
        .or_else(|| s.strip_prefix("Restarting ("))
        && let Some((code, tail)) = rest.split_once(')')
    {
        info.exit_code = code.trim().parse().ok();
        info.ago_secs = tail
            .trim()
            .strip_suffix(" ago")
            .and_then(parse_human_duration);
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_duration_matches_go_units() {
        assert_eq!(human_duration(0), "Less than a second");
        assert_eq!(human_duration(1), "1 second");
        assert_eq!(human_duration(59), "59 seconds");
        assert_eq!(human_duration(60), "About a minute");
        assert_eq!(human_duration(119), "About a minute");
        assert_eq!(human_duration(120), "2 minutes");
        assert_eq!(human_duration(3599), "59 minutes");
        assert_eq!(human_duration(3600), "About an hour");
        assert_eq!(human_duration(5400), "2 hours");
        assert_eq!(human_duration(47 * 3600), "47 hours");
        assert_eq!(human_duration(48 * 3600), "2 days");
        assert_eq!(human_duration(15 * 86_400), "2 weeks");
        assert_eq!(human_duration(70 * 86_400), "2 months");
        assert_eq!(human_duration(800 * 86_400), "2 years");
    }

    #[test]
    fn parse_status_variants() {
        let s = parse_status("Up 3 minutes (healthy)");
        assert_eq!(s.health, Some(Health::Healthy));
        assert_eq!(s.ago_secs, Some(180));
        let s = parse_status("Exited (137) 2 hours ago");
        assert_eq!(s.exit_code, Some(137));
        assert_eq!(s.ago_secs, Some(7200));
        let s = parse_status("Up About a minute (health: starting)");
        assert_eq!(s.health, Some(Health::Starting));
        assert_eq!(s.ago_secs, Some(60));
        let s = parse_status("Up 2 hours (Paused)");
        assert_eq!(s.ago_secs, Some(7200));
        let s = parse_status("Restarting (1) Less than a second ago");
        assert_eq!(s.exit_code, Some(1));
        assert_eq!(s.ago_secs, Some(0));
        assert_eq!(parse_status("Created"), StatusInfo::default());
    }

    #[test]
    fn status_text_round_trips() {
        let c = Container {
            host: Default::default(),
            id: "0123456789abcdef".into(),
            name: "web".into(),
            image: "nginx".into(),
            command: String::new(),
            state: CState::Exited,
            health: None,
            status: String::new(),
            created: 0,
            since: Some(1000),
            exit_code: Some(137),
            ports: vec![],
            project: None,
            service: None,
            compose: None,
        };
        assert_eq!(c.status_text(1000 + 7200), "Exited (137) 2 hours ago");
        assert_eq!(c.short_id(), "0123456789ab");
        let up = Container {
            host: Default::default(),
            state: CState::Running,
            health: Some(Health::Unhealthy),
            ..c
        };
        assert_eq!(up.status_text(1003), "Up 3 seconds (unhealthy)");
    }

    #[test]
    fn ports_like_docker_ps() {
        let ports = vec![
            Port {
                ip: Some("0.0.0.0".into()),
                private: 80,
                public: Some(8080),
                proto: "tcp".into(),
            },
            Port {
                ip: Some("::".into()),
                private: 80,
                public: Some(8080),
                proto: "tcp".into(),
            },
            Port {
                ip: None,
                private: 53,
                public: None,
                proto: "udp".into(),
            },
        ];
        assert_eq!(ports_display(&ports), "0.0.0.0:8080->80/tcp, 53/udp");
    }
}

/// Resource limits a container runs under (what `docker run --cpus --memory --pids-limit` set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    pub nano_cpus: i64,
    pub cpu_quota: i64,
    pub cpu_period: i64,
    pub cpu_shares: i64,
    pub memory: i64,
    pub memory_swap: i64,
    pub pids_limit: i64,
}

impl Limits {
    /// CPUs allowed, from `--cpus` or quota/period; None when unlimited.
    pub fn cpus(&self) -> Option<f64> {
        if self.nano_cpus > 0 {
            Some(self.nano_cpus as f64 / 1e9)
        } else if self.cpu_quota > 0 {
            let period = if self.cpu_period > 0 {
                self.cpu_period
            } else {
                100_000
            };
            Some(self.cpu_quota as f64 / period as f64)
        } else {
            None
        }
    }
}

/// A `docker update` request: new memory limit (bytes), memory+swap limit (bytes, -1:
/// unlimited) and/or CPUs (nano).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LimitUpdate {
    pub memory: Option<i64>,
    pub memory_swap: Option<i64>,
    pub nano_cpus: Option<i64>,
}

impl LimitUpdate {
    /// The memory+swap limit to send with this update, given the container's `current`
    /// limits: the one asked for; else, when only memory is given, twice the memory (what
    /// `docker run --memory` sets) if the container had no memory limit (the engine refuses
    /// a memory limit alone there) or its swap limit would end up below the memory.
    pub fn swap_with(&self, current: &Limits) -> Option<i64> {
        if self.memory_swap.is_some() {
            return self.memory_swap;
        }
        let mem = self.memory?;
        let below = current.memory_swap > 0 && current.memory_swap < mem;
        (current.memory == 0 || below).then(|| mem.saturating_mul(2))
    }
}

/// Parse sizes like docker: `64m`, `1g`, `512k`, `1048576` (bytes), `1.5g`.
pub fn parse_size(s: &str) -> Result<i64, String> {
    let s = s.trim().to_ascii_lowercase();
    let s = s.strip_suffix('b').unwrap_or(&s);
    let (num, mult) = match s.chars().last() {
        Some('k') => (&s[..s.len() - 1], 1i64 << 10),
        Some('m') => (&s[..s.len() - 1], 1 << 20),
        Some('g') => (&s[..s.len() - 1], 1 << 30),
        Some('t') => (&s[..s.len() - 1], 1 << 40),
        _ => (s, 1),
    };
    let v: f64 = num
        .parse()
        .map_err(|_| format!("bad size `{s}`: use e.g. 64m, 1g"))?;
    if v.is_nan() || v <= 0.0 || !v.is_finite() {
        return Err(format!("bad size `{s}`: must be positive"));
    }
    Ok((v * mult as f64) as i64)
}

/// Parse `memory=64m cpus=0.5` (also `--memory 64m --cpus 0.5`, `-m 64m`).
pub fn parse_limit_update(text: &str) -> Result<LimitUpdate, String> {
    let mut up = LimitUpdate::default();
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let w = words[i].trim_start_matches('-');
        let (key, value) = match w.split_once('=') {
            Some((k, v)) => (k, v.to_string()),
            None => {
                i += 1;
                let v = words.get(i).ok_or_else(|| format!("`{w}` needs a value"))?;
                (w, (*v).to_string())
            }
        };
        match key {
            "m" | "mem" | "memory" => up.memory = Some(parse_size(&value)?),
            "memory-swap" | "memory_swap" | "memswap" => {
                up.memory_swap = Some(if value.trim() == "-1" {
                    -1
                } else {
                    parse_size(&value)?
                })
            }
            "c" | "cpu" | "cpus" => {
                let v: f64 = value
                    .parse()
                    .map_err(|_| format!("bad cpus `{value}`: use e.g. 0.5 or 2"))?;
                if v.is_nan() || v <= 0.0 || !v.is_finite() {
                    return Err(format!("bad cpus `{value}`: must be positive"));
                }
                up.nano_cpus = Some((v * 1e9) as i64);
            }
            other => {
                return Err(format!(
                    "unknown limit `{other}` (memory=…, memory-swap=…, cpus=…)"
                ));
            }
        }
        i += 1;
    }
    if let (Some(m), Some(s)) = (up.memory, up.memory_swap)
        && s != -1
        && s < m
    {
        return Err(
            "memory-swap is memory plus swap: give at least the memory, or -1 (unlimited)".into(),
        );
    }
    if up == LimitUpdate::default() {
        return Err("nothing to update: give memory=…, memory-swap=… and/or cpus=…".into());
    }
    Ok(up)
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    #[test]
    fn sizes_and_updates_parse_like_docker() {
        assert_eq!(parse_size("64m"), Ok(64 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert_eq!(parse_size("1.5G"), Ok(3 << 29));
        assert_eq!(parse_size("512kb"), Ok(512 << 10));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("-1m").is_err());
        let u = parse_limit_update("memory=64m cpus=0.5").expect("parses");
        assert_eq!(
            u,
            LimitUpdate {
                memory: Some(64 << 20),
                memory_swap: None,
                nano_cpus: Some(500_000_000)
            }
        );
        let u = parse_limit_update("--memory 128m").expect("parses");
        assert_eq!(u.memory, Some(128 << 20));
        assert_eq!(u.nano_cpus, None);
        assert!(parse_limit_update("").is_err());
        assert!(
            parse_limit_update("swap=1g")
                .expect_err("unknown")
                .contains("swap")
        );
        assert!(
            parse_limit_update("cpus=abc")
                .expect_err("bad")
                .contains("abc")
        );
    }

    #[test]
    fn memory_swap_is_accepted_and_set_like_the_cli_when_only_memory_is_given() {
        let u = parse_limit_update("memory=64m memory-swap=128m").expect("parses");
        assert_eq!((u.memory, u.memory_swap), (Some(64 << 20), Some(128 << 20)));
        let u = parse_limit_update("--memory-swap -1").expect("unlimited");
        assert_eq!(u.memory_swap, Some(-1));
        let e = parse_limit_update("memory=128m memory-swap=64m").expect_err("below memory");
        assert!(e.contains("at least the memory"), "{e}");
        // Only memory, on a container without limits: swap twice the memory, as docker run.
        let none = Limits::default();
        let u = parse_limit_update("memory=64m").expect("parses");
        assert_eq!(u.swap_with(&none), Some(128 << 20));
        // With limits whose swap stays above the new memory: left alone.
        let limited = Limits {
            memory: 256 << 20,
            memory_swap: 512 << 20,
            ..Default::default()
        };
        assert_eq!(u.swap_with(&limited), None);
        // Swap below the new memory: moved along.
        let u = parse_limit_update("memory=1g").expect("parses");
        assert_eq!(u.swap_with(&limited), Some(2 << 30));
        // Asked for: as asked; CPUs only: nothing.
        let u = parse_limit_update("memory=64m memory-swap=-1").expect("parses");
        assert_eq!(u.swap_with(&none), Some(-1));
        let u = parse_limit_update("cpus=1").expect("parses");
        assert_eq!(u.swap_with(&none), None);
    }

    #[test]
    fn cpus_from_nano_or_quota() {
        let l = Limits {
            nano_cpus: 500_000_000,
            ..Default::default()
        };
        assert_eq!(l.cpus(), Some(0.5));
        let l = Limits {
            cpu_quota: 150_000,
            cpu_period: 100_000,
            ..Default::default()
        };
        assert_eq!(l.cpus(), Some(1.5));
        assert_eq!(Limits::default().cpus(), None);
    }
}

/// Split a command line into words like a POSIX shell does for quotes and backslashes
/// (no expansion). Unclosed quotes are an error.
pub fn split_command(line: &str) -> Result<Vec<String>, String> {
    super::runform::shell_split(line)
}

/// `-u user cmd…` → (user, cmd).
pub fn parse_exec_line(line: &str) -> Result<(Option<String>, Vec<String>), String> {
    let mut words = split_command(line)?;
    let mut user = None;
    if words.first().is_some_and(|w| w == "-u" || w == "--user") {
        if words.len() < 2 {
            return Err("-u needs a user".into());
        }
        user = Some(words.remove(1));
        words.remove(0);
    }
    Ok((user, words))
}

#[cfg(test)]
mod split_tests {
    use super::*;

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(
            split_command("redis-cli -n 2"),
            Ok(vec!["redis-cli".into(), "-n".into(), "2".into()])
        );
        assert_eq!(
            split_command(r#"sh -c 'echo $HOME; ls' "a b" c\ d"#),
            Ok(vec![
                "sh".into(),
                "-c".into(),
                "echo $HOME; ls".into(),
                "a b".into(),
                "c d".into()
            ])
        );
        assert_eq!(split_command("''"), Ok(vec![String::new()]));
        assert!(split_command("'open").is_err());
        assert_eq!(
            parse_exec_line("-u postgres psql"),
            Ok((Some("postgres".into()), vec!["psql".into()]))
        );
        assert_eq!(parse_exec_line(""), Ok((None, vec![])));
        assert!(parse_exec_line("-u").is_err());
    }
}
