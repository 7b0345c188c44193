//! The `docker run` form: the fields people pass to `docker run`, as typed ([`RunForm`]), and
//! parsed and validated ([`RunSpec`]), with the equivalent command line. No I/O here.
//!
//! List fields (ports, env, volumes, volumes-from, links) hold several entries separated by
//! spaces, quoted like a shell when an entry holds a space; ports, volumes-from and links may
//! also be separated by commas.

use std::collections::HashSet;
use std::fmt;
use std::net::IpAddr;

/// A field of the form, in the order the form shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Image,
    Name,
    Command,
    Ports,
    Env,
    Volumes,
    VolumesFrom,
    Network,
    Links,
    Restart,
    Memory,
    Cpus,
    AutoRemove,
    Interactive,
    Tty,
}

impl Field {
    pub const ALL: [Field; 15] = [
        Field::Image,
        Field::Name,
        Field::Command,
        Field::Ports,
        Field::Env,
        Field::Volumes,
        Field::VolumesFrom,
        Field::Network,
        Field::Links,
        Field::Restart,
        Field::Memory,
        Field::Cpus,
        Field::AutoRemove,
        Field::Interactive,
        Field::Tty,
    ];

    /// The label the form shows and error texts start with.
    pub fn label(self) -> &'static str {
        match self {
            Field::Image => "image",
            Field::Name => "name",
            Field::Command => "command",
            Field::Ports => "ports",
            Field::Env => "env",
            Field::Volumes => "volumes",
            Field::VolumesFrom => "volumes from",
            Field::Network => "network",
            Field::Links => "links",
            Field::Restart => "restart",
            Field::Memory => "memory",
            Field::Cpus => "cpus",
            Field::AutoRemove => "remove on exit (--rm)",
            Field::Interactive => "keep stdin open (-i)",
            Field::Tty => "tty (-t)",
        }
    }

    /// An example of what the field takes, for a placeholder.
    pub fn hint(self) -> &'static str {
        match self {
            Field::Image => "nginx:alpine",
            Field::Name => "web (optional)",
            Field::Command => "sh -c 'echo hi; sleep 60'",
            Field::Ports => "8080:80 127.0.0.1::443 5000-5001:5000-5001/udp",
            Field::Env => "KEY=VALUE KEY \"GREETING=hello world\"",
            Field::Volumes => "/host/dir:/data:ro named:/cache /anonymous",
            Field::VolumesFrom => "other-container[:ro]",
            Field::Network => "bridge, host, none, my-net, container:NAME",
            Field::Links => "redis:cache",
            Field::Restart => "no, always, unless-stopped, on-failure[:N]",
            Field::Memory => "64m, 1g",
            Field::Cpus => "0.5",
            Field::AutoRemove | Field::Interactive | Field::Tty => "",
        }
    }

    /// On/off fields (space toggles them) rather than text.
    pub fn is_toggle(self) -> bool {
        matches!(self, Field::AutoRemove | Field::Interactive | Field::Tty)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The form as typed. Every text field may be empty except the image.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunForm {
    pub image: String,
    pub name: String,
    pub command: String,
    pub ports: String,
    pub env: String,
    pub volumes: String,
    pub volumes_from: String,
    pub network: String,
    pub links: String,
    pub restart: String,
    pub memory: String,
    pub cpus: String,
    /// `--rm`
    pub auto_remove: bool,
    /// `-i`
    pub interactive: bool,
    /// `-t`
    pub tty: bool,
}

/// Errors of a form: each with the field it belongs to, in form order.
pub type FieldErrors = Vec<(Field, String)>;

impl RunForm {
    /// A form with only the image filled in.
    pub fn for_image(image: &str) -> Self {
        Self {
            image: image.to_string(),
            ..Self::default()
        }
    }

    /// The text of a text field; `None` for toggles.
    pub fn text(&self, field: Field) -> Option<&str> {
        Some(match field {
            Field::Image => &self.image,
            Field::Name => &self.name,
            Field::Command => &self.command,
            Field::Ports => &self.ports,
            Field::Env => &self.env,
            Field::Volumes => &self.volumes,
            Field::VolumesFrom => &self.volumes_from,
            Field::Network => &self.network,
            Field::Links => &self.links,
            Field::Restart => &self.restart,
            Field::Memory => &self.memory,
            Field::Cpus => &self.cpus,
            Field::AutoRemove | Field::Interactive | Field::Tty => return None,
        })
    }

    /// The text of a text field, to edit; `None` for toggles.
    pub fn text_mut(&mut self, field: Field) -> Option<&mut String> {
        Some(match field {
            Field::Image => &mut self.image,
            Field::Name => &mut self.name,
            Field::Command => &mut self.command,
            Field::Ports => &mut self.ports,
            Field::Env => &mut self.env,
            Field::Volumes => &mut self.volumes,
            Field::VolumesFrom => &mut self.volumes_from,
            Field::Network => &mut self.network,
            Field::Links => &mut self.links,
            Field::Restart => &mut self.restart,
            Field::Memory => &mut self.memory,
            Field::Cpus => &mut self.cpus,
            Field::AutoRemove | Field::Interactive | Field::Tty => return None,
        })
    }

    /// The value of a toggle; `None` for text fields.
    pub fn flag(&self, field: Field) -> Option<bool> {
        match field {
            Field::AutoRemove => Some(self.auto_remove),
            Field::Interactive => Some(self.interactive),
            Field::Tty => Some(self.tty),
            _ => None,
        }
    }

    /// Flip a toggle; text fields are left alone.
    pub fn toggle(&mut self, field: Field) {
        match field {
            Field::AutoRemove => self.auto_remove = !self.auto_remove,
            Field::Interactive => self.interactive = !self.interactive,
            Field::Tty => self.tty = !self.tty,
            _ => {}
        }
    }

    /// Parse and check every field. All problems are reported, each with its field.
    pub fn validate(&self) -> Result<RunSpec, FieldErrors> {
        let mut errs: FieldErrors = Vec::new();
        let mut err = |f: Field, m: String| errs.push((f, m));

        let image = self.image.trim().to_string();
        if let Err(m) = check_image(&image) {
            err(Field::Image, m);
        }

        let name = self.name.trim().trim_start_matches('/').to_string();
        let name = if name.is_empty() {
            None
        } else {
            if !valid_container_name(&name) {
                err(
                    Field::Name,
                    format!(
                        "bad name `{name}`: use at least 2 of a-z A-Z 0-9 _ . - (starting with a letter or digit)"
                    ),
                );
            }
            Some(name)
        };

        let cmd = match shell_split(&self.command) {
            Ok(c) => c,
            Err(m) => {
                err(Field::Command, m);
                Vec::new()
            }
        };

        let mut ports = Vec::new();
        match split_list(&self.ports, true) {
            Ok(items) => {
                for item in items {
                    match PortSpec::parse(&item) {
                        Ok(p) => ports.push(p),
                        Err(m) => err(Field::Ports, m),
                    }
                }
            }
            Err(m) => err(Field::Ports, m),
        }
        let mut seen = HashSet::new();
        for p in &ports {
            for (key, ip, host) in p.bindings() {
                if host.is_empty() || host.contains('-') {
                    continue;
                }
                let proto = key.rsplit('/').next().unwrap_or("tcp").to_string();
                if !seen.insert((ip.clone(), host.clone(), proto.clone())) {
                    err(
                        Field::Ports,
                        format!("host port {host}/{proto} is published twice"),
                    );
                }
            }
        }

        let mut env = Vec::new();
        match split_list(&self.env, false) {
            Ok(items) => {
                for item in items {
                    match EnvVar::parse(&item) {
                        Ok(e) => env.push(e),
                        Err(m) => err(Field::Env, m),
                    }
                }
            }
            Err(m) => err(Field::Env, m),
        }

        let mut volumes: Vec<VolumeSpec> = Vec::new();
        match split_list(&self.volumes, false) {
            Ok(items) => {
                for item in items {
                    match VolumeSpec::parse(&item) {
                        Ok(v) => {
                            if volumes.iter().any(|o| o.target() == v.target()) {
                                err(
                                    Field::Volumes,
                                    format!("two volumes mount at `{}`", v.target()),
                                );
                            }
                            volumes.push(v);
                        }
                        Err(m) => err(Field::Volumes, m),
                    }
                }
            }
            Err(m) => err(Field::Volumes, m),
        }

        let mut volumes_from = Vec::new();
        match split_list(&self.volumes_from, true) {
            Ok(items) => {
                for item in items {
                    let (c, mode) = match item.split_once(':') {
                        Some((c, m)) => (c, Some(m)),
                        None => (item.as_str(), None),
                    };
                    if !valid_container_ref(c) {
                        err(
                            Field::VolumesFrom,
                            format!("bad container `{c}` in `{item}`: not a container name or id"),
                        );
                    } else if let Some(m) = mode.filter(|m| !matches!(*m, "ro" | "rw")) {
                        err(
                            Field::VolumesFrom,
                            format!("bad mode `{m}` in `{item}`: use ro or rw"),
                        );
                    } else {
                        volumes_from.push(item.clone());
                    }
                }
            }
            Err(m) => err(Field::VolumesFrom, m),
        }

        let network = self.network.trim();
        let network = if network.is_empty() {
            None
        } else {
            if let Err(m) = check_network(network) {
                err(Field::Network, m);
            }
            Some(network.to_string())
        };

        let mut links = Vec::new();
        match split_list(&self.links, true) {
            Ok(items) => {
                for item in items {
                    match Link::parse(&item) {
                        Ok(l) => links.push(l),
                        Err(m) => err(Field::Links, m),
                    }
                }
            }
            Err(m) => err(Field::Links, m),
        }

        let restart = match Restart::parse(&self.restart) {
            Ok(r) => r,
            Err(m) => {
                err(Field::Restart, m);
                Restart::No
            }
        };
        if self.auto_remove && restart != Restart::No {
            err(
                Field::Restart,
                format!(
                    "restart policy `{}` can't be combined with --rm",
                    restart.as_arg()
                ),
            );
        }

        let memory = match self.memory.trim() {
            "" => None,
            m => match parse_memory(m) {
                Ok(b) => Some(b),
                Err(e) => {
                    err(Field::Memory, e);
                    None
                }
            },
        };

        let nano_cpus = match self.cpus.trim() {
            "" => None,
            c => match parse_cpus(c) {
                Ok(n) => Some(n),
                Err(e) => {
                    err(Field::Cpus, e);
                    None
                }
            },
        };

        // Combinations the engine refuses.
        if let Some(net) = &network {
            if net.starts_with("container:") && !ports.is_empty() {
                err(
                    Field::Ports,
                    "ports can't be published with network `container:…`: the other container's network is used".into(),
                );
            }
            if (net == "host" || net.starts_with("container:")) && !links.is_empty() {
                err(
                    Field::Links,
                    format!("links can't be used with network `{net}`"),
                );
            }
        }

        if !errs.is_empty() {
            errs.sort_by_key(|(f, _)| *f);
            return Err(errs);
        }
        Ok(RunSpec {
            image,
            name,
            cmd,
            ports,
            env,
            volumes,
            volumes_from,
            network,
            links,
            restart,
            auto_remove: self.auto_remove,
            memory,
            nano_cpus,
            interactive: self.interactive,
            tty: self.tty,
        })
    }

    /// The form that gives `spec` back (to edit and run again).
    pub fn from_spec(spec: &RunSpec) -> Self {
        let join = |items: Vec<String>| {
            items
                .iter()
                .map(|s| shell_quote(s))
                .collect::<Vec<_>>()
                .join(" ")
        };
        Self {
            image: spec.image.clone(),
            name: spec.name.clone().unwrap_or_default(),
            command: join(spec.cmd.clone()),
            ports: join(spec.ports.iter().map(PortSpec::to_arg).collect()),
            env: join(spec.env.iter().map(EnvVar::to_arg).collect()),
            volumes: join(spec.volumes.iter().map(VolumeSpec::to_arg).collect()),
            volumes_from: join(spec.volumes_from.clone()),
            network: spec.network.clone().unwrap_or_default(),
            links: join(spec.links.iter().map(Link::to_arg).collect()),
            restart: match spec.restart {
                Restart::No => String::new(),
                r => r.as_arg(),
            },
            memory: spec.memory.map(memory_arg).unwrap_or_default(),
            cpus: spec.nano_cpus.map(cpus_arg).unwrap_or_default(),
            auto_remove: spec.auto_remove,
            interactive: spec.interactive,
            tty: spec.tty,
        }
    }

    /// Fill a form from a `docker run …` line (the leading `docker run` is optional). Knows
    /// the options this form has, plus `-d`/`--detach`, which it ignores.
    pub fn from_docker_command(line: &str) -> Result<Self, String> {
        let words = shell_split(line)?;
        let mut args = words.as_slice();
        if args.first().map(String::as_str) == Some("docker") {
            args = &args[1..];
        }
        if let Some(rest) = args.strip_prefix(&["container".to_string()]) {
            args = rest;
        }
        if args.first().map(String::as_str) == Some("run") {
            args = &args[1..];
        }
        let mut form = RunForm::default();
        let mut lists: [Vec<String>; 5] = Default::default();
        let mut i = 0;
        while i < args.len() {
            let arg = args[i].as_str();
            i += 1;
            if arg == "--" || !arg.starts_with('-') || arg == "-" {
                let image_at = if arg == "--" { i } else { i - 1 };
                let Some(image) = args.get(image_at) else {
                    return Err("no image after the options".into());
                };
                form.image = image.clone();
                form.command = args[image_at + 1..]
                    .iter()
                    .map(|s| shell_quote(s))
                    .collect::<Vec<_>>()
                    .join(" ");
                break;
            }
            // Short flags may be bundled: -dit.
            if !arg.starts_with("--")
                && arg.len() > 2
                && arg[1..].bytes().all(|b| b"dit".contains(&b))
            {
                for b in arg[1..].bytes() {
                    match b {
                        b'i' => form.interactive = true,
                        b't' => form.tty = true,
                        _ => {}
                    }
                }
                continue;
            }
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
                _ => (arg, None),
            };
            match flag {
                "-d" | "--detach" => continue,
                "--rm" => {
                    form.auto_remove = true;
                    continue;
                }
                "-i" | "--interactive" => {
                    form.interactive = true;
                    continue;
                }
                "-t" | "--tty" => {
                    form.tty = true;
                    continue;
                }
                _ => {}
            }
            let value = match inline {
                Some(v) => v,
                None => {
                    let Some(v) = args.get(i) else {
                        return Err(format!("option `{flag}` needs a value"));
                    };
                    i += 1;
                    v.clone()
                }
            };
            match flag {
                "--name" => form.name = value,
                "-p" | "--publish" => lists[0].push(value),
                "-e" | "--env" => lists[1].push(value),
                "-v" | "--volume" => lists[2].push(value),
                "--volumes-from" => lists[3].push(value),
                "--link" => lists[4].push(value),
                "--network" | "--net" => form.network = value,
                "--restart" => form.restart = value,
                "-m" | "--memory" => form.memory = value,
                "--cpus" => form.cpus = value,
                other => return Err(format!("option `{other}` is not supported by the form")),
            }
        }
        if form.image.is_empty() {
            return Err("no image given".into());
        }
        let join = |items: &[String]| {
            items
                .iter()
                .map(|s| shell_quote(s))
                .collect::<Vec<_>>()
                .join(" ")
        };
        form.ports = join(&lists[0]);
        form.env = join(&lists[1]);
        form.volumes = join(&lists[2]);
        form.volumes_from = join(&lists[3]);
        form.links = join(&lists[4]);
        Ok(form)
    }
}

/// A checked `docker run`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSpec {
    pub image: String,
    /// Without a leading `/`.
    pub name: Option<String>,
    /// Empty: the image's default command.
    pub cmd: Vec<String>,
    pub ports: Vec<PortSpec>,
    pub env: Vec<EnvVar>,
    pub volumes: Vec<VolumeSpec>,
    /// `container[:ro|rw]`.
    pub volumes_from: Vec<String>,
    pub network: Option<String>,
    pub links: Vec<Link>,
    pub restart: Restart,
    pub auto_remove: bool,
    /// Bytes.
    pub memory: Option<i64>,
    /// Billionths of a CPU.
    pub nano_cpus: Option<i64>,
    pub interactive: bool,
    pub tty: bool,
}

impl RunSpec {
    /// The equivalent command line, every argument quoted for a POSIX shell when needed.
    /// Runs detached (`-d`), as the form does.
    pub fn docker_command(&self) -> String {
        let mut a: Vec<String> = vec!["docker".into(), "run".into(), "-d".into()];
        let mut opt = |flag: &str, v: String| {
            a.push(flag.into());
            a.push(v);
        };
        if let Some(n) = &self.name {
            opt("--name", n.clone());
        }
        for p in &self.ports {
            opt("-p", p.to_arg());
        }
        for e in &self.env {
            opt("-e", e.to_arg());
        }
        for v in &self.volumes {
            opt("-v", v.to_arg());
        }
        for v in &self.volumes_from {
            opt("--volumes-from", v.clone());
        }
        if let Some(n) = &self.network {
            opt("--network", n.clone());
        }
        for l in &self.links {
            opt("--link", l.to_arg());
        }
        if self.restart != Restart::No {
            opt("--restart", self.restart.as_arg());
        }
        if let Some(m) = self.memory {
            opt("--memory", memory_arg(m));
        }
        if let Some(c) = self.nano_cpus {
            opt("--cpus", cpus_arg(c));
        }
        if self.auto_remove {
            a.push("--rm".into());
        }
        match (self.interactive, self.tty) {
            (true, true) => a.push("-it".into()),
            (true, false) => a.push("-i".into()),
            (false, true) => a.push("-t".into()),
            (false, false) => {}
        }
        a.push(self.image.clone());
        a.extend(self.cmd.iter().cloned());
        a.iter()
            .map(|s| shell_quote(s))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Port bindings: `(container port key "80/tcp", host ip, host port)`; empty host values
    /// mean "any address" / "an ephemeral port".
    pub fn port_bindings(&self) -> Vec<(String, String, String)> {
        self.ports.iter().flat_map(PortSpec::bindings).collect()
    }

    /// `HostConfig.Binds`: bind mounts and named volumes, as `src:dst[:opts]`.
    pub fn binds(&self) -> Vec<String> {
        self.volumes
            .iter()
            .filter(|v| !matches!(v, VolumeSpec::Anonymous { .. }))
            .map(VolumeSpec::to_arg)
            .collect()
    }

    /// `Config.Volumes`: the container paths of anonymous volumes.
    pub fn anonymous_volumes(&self) -> Vec<String> {
        self.volumes
            .iter()
            .filter_map(|v| match v {
                VolumeSpec::Anonymous { target } => Some(target.clone()),
                _ => None,
            })
            .collect()
    }

    /// `Config.Env`. A bare `KEY` takes its value from `lookup` (the docker CLI reads its own
    /// environment); without one it is passed bare, which the engine ignores, as docker does.
    pub fn env_list(&self, lookup: impl Fn(&str) -> Option<String>) -> Vec<String> {
        self.env
            .iter()
            .map(|e| match &e.value {
                Some(v) => format!("{}={v}", e.key),
                None => match lookup(&e.key) {
                    Some(v) => format!("{}={v}", e.key),
                    None => e.key.clone(),
                },
            })
            .collect()
    }

    /// The field an engine error from creating or starting this container is about, when it
    /// can be told from the message.
    pub fn field_for_error(&self, message: &str) -> Option<Field> {
        let m = message.to_lowercase();
        let has = |s: &str| m.contains(s);
        if has("container name") && (has("already in use") || has("conflict")) {
            return Some(Field::Name);
        }
        if has("invalid container name") {
            return Some(Field::Name);
        }
        if has("no such image")
            || has("pull access denied")
            || has("repository does not exist")
            || has("invalid reference format")
            || has("manifest unknown")
            || (has("image") && has("not found"))
        {
            return Some(Field::Image);
        }
        if has("network") && (has("not found") || has("no such network")) {
            return Some(Field::Network);
        }
        if has("port is already allocated")
            || has("address already in use")
            || (has("bind for") && has("failed"))
            || has("invalid port")
            || has("port publishing")
        {
            return Some(Field::Ports);
        }
        if has("restart policy") || has("autoremove") || has("--restart") {
            return Some(Field::Restart);
        }
        if has("memory") {
            return Some(Field::Memory);
        }
        if has("nanocpus") || has("range of cpus") || has("cpus") {
            return Some(Field::Cpus);
        }
        // A container named by volumes-from or a link that does not exist (or does not run).
        let mentions = |name: &str| {
            let n = name.to_lowercase();
            m.contains(&format!(" {n}"))
                || m.contains(&format!("/{n}"))
                || m.contains(&format!("\"{n}\""))
                || m.ends_with(&n)
        };
        if has("no such container") || has("could not get container") || has("link") {
            if self
                .volumes_from
                .iter()
                .any(|v| mentions(v.split(':').next().unwrap_or(v)))
            {
                return Some(Field::VolumesFrom);
            }
            if self.links.iter().any(|l| mentions(&l.container)) {
                return Some(Field::Links);
            }
        }
        if has("invalid mount")
            || has("invalid volume")
            || has("bind source path")
            || has("mount")
            || has("volume")
        {
            return Some(Field::Volumes);
        }
        if has("executable file not found")
            || has("no such file or directory")
            || has("exec format error")
            || has("starting container process")
        {
            return Some(Field::Command);
        }
        None
    }
}

/// A port protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Proto {
    #[default]
    Tcp,
    Udp,
    Sctp,
}

impl Proto {
    pub fn as_str(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
            Proto::Sctp => "sctp",
        }
    }
}

/// An inclusive port range; a single port has `start == end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PortRange {
    pub start: u16,
    pub end: u16,
}

impl PortRange {
    pub fn single(p: u16) -> Self {
        Self { start: p, end: p }
    }

    pub fn len(self) -> u32 {
        u32::from(self.end) - u32::from(self.start) + 1
    }

    pub fn is_empty(self) -> bool {
        false
    }

    fn parse(s: &str, whole: &str) -> Result<Self, String> {
        let port = |p: &str| -> Result<u16, String> {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("bad port `{p}` in `{whole}`: not a number"));
            }
            match p.parse::<u32>() {
                Ok(n @ 1..=65535) => Ok(n as u16),
                _ => Err(format!("bad port `{p}`: ports are 1-65535")),
            }
        };
        match s.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (port(a)?, port(b)?);
                if a > b {
                    return Err(format!("bad port range `{s}`: {a} is after {b}"));
                }
                Ok(Self { start: a, end: b })
            }
            None => Ok(Self::single(port(s)?)),
        }
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}-{}", self.start, self.end)
        }
    }
}

/// One `-p`: `[ip:][host:]container[/proto]`, each port part possibly a range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PortSpec {
    /// Without brackets (`::1`, `127.0.0.1`).
    pub host_ip: Option<String>,
    /// `None`: an ephemeral host port.
    pub host: Option<PortRange>,
    pub container: PortRange,
    pub proto: Proto,
}

impl PortSpec {
    pub fn parse(s: &str) -> Result<Self, String> {
        let whole = s.trim();
        if whole.is_empty() {
            return Err("empty port".into());
        }
        let (rest, proto) = match whole.rsplit_once('/') {
            Some((r, p)) => {
                let proto = match p.to_ascii_lowercase().as_str() {
                    "tcp" => Proto::Tcp,
                    "udp" => Proto::Udp,
                    "sctp" => Proto::Sctp,
                    _ => {
                        return Err(format!(
                            "bad protocol `{p}` in `{whole}`: use tcp, udp or sctp"
                        ));
                    }
                };
                (r, proto)
            }
            None => (whole, Proto::Tcp),
        };
        // An IPv6 host address is bracketed: [::1]:8080:80.
        let (ip, ports) = if let Some(after) = rest.strip_prefix('[') {
            let Some((ip, tail)) = after.split_once(']') else {
                return Err(format!("bad address in `{whole}`: missing `]`"));
            };
            let Some(tail) = tail.strip_prefix(':') else {
                return Err(format!(
                    "bad port mapping `{whole}`: expected `[ip]:host:container`"
                ));
            };
            (Some(ip.to_string()), tail)
        } else {
            let parts: Vec<&str> = rest.split(':').collect();
            match parts.len() {
                1 | 2 => (None, rest),
                3 => match rest.split_once(':') {
                    Some((ip, tail)) => (Some(ip.to_string()), tail),
                    None => (None, rest),
                },
                _ => {
                    return Err(format!(
                        "bad port mapping `{whole}`: use [ip:][host:]container[/proto] (IPv6 addresses in [ ])"
                    ));
                }
            }
        };
        let host_ip = match ip {
            Some(ip) if ip.is_empty() => None,
            Some(ip) => {
                if ip.parse::<IpAddr>().is_err() {
                    return Err(format!("bad host address `{ip}` in `{whole}`"));
                }
                Some(ip)
            }
            None => None,
        };
        let (host, container) = match ports.split_once(':') {
            Some((h, c)) => (
                if h.is_empty() {
                    None
                } else {
                    Some(PortRange::parse(h, whole)?)
                },
                c,
            ),
            None if host_ip.is_some() => {
                return Err(format!(
                    "bad port mapping `{whole}`: with an address, give ip:host:container (host may be empty)"
                ));
            }
            None => (None, ports),
        };
        let container = PortRange::parse(container, whole)?;
        if let Some(h) = host
            && h.len() != container.len()
            && container.len() != 1
        {
            return Err(format!(
                "bad port mapping `{whole}`: the host range has {} ports, the container range {}",
                h.len(),
                container.len()
            ));
        }
        Ok(Self {
            host_ip,
            host,
            container,
            proto,
        })
    }

    /// Back to `-p` form, as short as it parses to the same thing.
    pub fn to_arg(&self) -> String {
        let mut s = String::new();
        if let Some(ip) = &self.host_ip {
            if ip.contains(':') {
                s.push_str(&format!("[{ip}]:"));
            } else {
                s.push_str(&format!("{ip}:"));
            }
        }
        match self.host {
            Some(h) => s.push_str(&format!("{h}:")),
            None if self.host_ip.is_some() => s.push(':'),
            None => {}
        }
        s.push_str(&self.container.to_string());
        if self.proto != Proto::Tcp {
            s.push('/');
            s.push_str(self.proto.as_str());
        }
        s
    }

    /// `(container port key "80/tcp", host ip, host port)` for each container port, as the
    /// docker CLI expands ranges. A host range with one container port stays a range (the
    /// engine picks a free port in it).
    pub fn bindings(&self) -> Vec<(String, String, String)> {
        let ip = self.host_ip.clone().unwrap_or_default();
        let proto = self.proto.as_str();
        (0..self.container.len())
            .map(|i| {
                let cport = u32::from(self.container.start) + i;
                let host = match self.host {
                    None => String::new(),
                    Some(h) if self.container.len() == 1 => h.to_string(),
                    Some(h) => (u32::from(h.start) + i).to_string(),
                };
                (format!("{cport}/{proto}"), ip.clone(), host)
            })
            .collect()
    }
}

/// One `-e`: `KEY=VALUE`, or `KEY` alone (value from the environment dockside runs in).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnvVar {
    pub key: String,
    pub value: Option<String>,
}

impl EnvVar {
    pub fn parse(s: &str) -> Result<Self, String> {
        let (key, value) = match s.split_once('=') {
            Some((k, v)) => (k, Some(v.to_string())),
            None => (s, None),
        };
        if key.is_empty() {
            return Err(format!("bad variable `{s}`: the name before `=` is empty"));
        }
        if key.chars().any(char::is_whitespace) {
            return Err(format!("bad variable `{s}`: names cannot contain spaces"));
        }
        Ok(Self {
            key: key.to_string(),
            value,
        })
    }

    pub fn to_arg(&self) -> String {
        match &self.value {
            Some(v) => format!("{}={v}", self.key),
            None => self.key.clone(),
        }
    }
}

/// One `-v`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum VolumeSpec {
    /// `/host:/ctr[:opts]`
    Bind {
        source: String,
        target: String,
        options: Option<String>,
    },
    /// `name:/ctr[:opts]`: created by the engine if missing.
    Named {
        name: String,
        target: String,
        options: Option<String>,
    },
    /// `/ctr`: a fresh anonymous volume.
    Anonymous { target: String },
}

const VOLUME_OPTIONS: [&str; 14] = [
    "ro",
    "rw",
    "z",
    "Z",
    "nocopy",
    "shared",
    "rshared",
    "slave",
    "rslave",
    "private",
    "rprivate",
    "consistent",
    "cached",
    "delegated",
];

impl VolumeSpec {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let parts: Vec<&str> = s.split(':').collect();
        let check_target = |t: &str| -> Result<(), String> {
            if !t.starts_with('/') {
                return Err(format!(
                    "bad volume `{s}`: the container path `{t}` must be absolute"
                ));
            }
            if t.trim_end_matches('/').is_empty() {
                return Err(format!("bad volume `{s}`: can't mount over `/`"));
            }
            Ok(())
        };
        let check_options = |o: &str| -> Result<(), String> {
            let opts: Vec<&str> = o.split(',').collect();
            for opt in &opts {
                if !VOLUME_OPTIONS.contains(opt) {
                    return Err(format!(
                        "bad volume option `{opt}` in `{s}`: use ro, rw, z, Z, nocopy or a propagation mode"
                    ));
                }
            }
            if opts.contains(&"ro") && opts.contains(&"rw") {
                return Err(format!("bad volume `{s}`: both ro and rw"));
            }
            Ok(())
        };
        match parts.as_slice() {
            [""] => Err("empty volume".into()),
            [target] => {
                if !target.starts_with('/') {
                    return Err(format!(
                        "bad volume `{s}`: give /host/path:/container/path, name:/container/path or an absolute container path"
                    ));
                }
                check_target(target)?;
                Ok(Self::Anonymous {
                    target: target.to_string(),
                })
            }
            [source, target] | [source, target, _] => {
                let options = parts.get(2).map(|o| o.to_string());
                if let Some(o) = &options {
                    check_options(o)?;
                }
                check_target(target)?;
                if source.is_empty() {
                    return Err(format!("bad volume `{s}`: the source is empty"));
                }
                if source.starts_with('/') {
                    Ok(Self::Bind {
                        source: source.to_string(),
                        target: target.to_string(),
                        options,
                    })
                } else if source.starts_with('.') || source.starts_with('~') {
                    Err(format!(
                        "bad volume `{s}`: host paths must be absolute (start with /)"
                    ))
                } else if valid_volume_name(source) {
                    Ok(Self::Named {
                        name: source.to_string(),
                        target: target.to_string(),
                        options,
                    })
                } else {
                    Err(format!(
                        "bad volume name `{source}`: use at least 2 of a-z A-Z 0-9 _ . - (starting with a letter or digit), or an absolute host path"
                    ))
                }
            }
            _ => Err(format!(
                "bad volume `{s}`: too many `:` (source:target[:options])"
            )),
        }
    }

    /// The container path.
    pub fn target(&self) -> &str {
        match self {
            Self::Bind { target, .. } | Self::Named { target, .. } | Self::Anonymous { target } => {
                target
            }
        }
    }

    pub fn is_read_only(&self) -> bool {
        match self {
            Self::Bind { options, .. } | Self::Named { options, .. } => options
                .as_deref()
                .is_some_and(|o| o.split(',').any(|x| x == "ro")),
            Self::Anonymous { .. } => false,
        }
    }

    pub fn to_arg(&self) -> String {
        match self {
            Self::Bind {
                source,
                target,
                options,
            }
            | Self::Named {
                name: source,
                target,
                options,
            } => match options {
                Some(o) => format!("{source}:{target}:{o}"),
                None => format!("{source}:{target}"),
            },
            Self::Anonymous { target } => target.clone(),
        }
    }
}

/// One `--link`: `container[:alias]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Link {
    pub container: String,
    pub alias: String,
}

impl Link {
    pub fn parse(s: &str) -> Result<Self, String> {
        let (c, a) = match s.split_once(':') {
            Some((c, a)) => (c, a),
            None => (s, s),
        };
        let c = c.trim_start_matches('/');
        if !valid_container_ref(c) {
            return Err(format!(
                "bad link `{s}`: `{c}` is not a container name or id"
            ));
        }
        if a.is_empty()
            || !a
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "_.-".contains(ch))
        {
            return Err(format!(
                "bad link `{s}`: the alias `{a}` may hold only a-z A-Z 0-9 _ . -"
            ));
        }
        Ok(Self {
            container: c.to_string(),
            alias: a.to_string(),
        })
    }

    /// `container:alias` (the engine's form).
    pub fn to_arg(&self) -> String {
        format!("{}:{}", self.container, self.alias)
    }
}

/// `--restart`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Restart {
    #[default]
    No,
    Always,
    UnlessStopped,
    /// At most N restarts when given.
    OnFailure(Option<u32>),
}

impl Restart {
    pub fn parse(s: &str) -> Result<Self, String> {
        const ONE_OF: &str =
            "restart policy must be one of no, always, unless-stopped, on-failure[:N]";
        let s = s.trim();
        let (name, count) = match s.split_once(':') {
            Some((n, c)) => (n, Some(c)),
            None => (s, None),
        };
        let policy = match name {
            "" | "no" => Restart::No,
            "always" => Restart::Always,
            "unless-stopped" => Restart::UnlessStopped,
            "on-failure" => Restart::OnFailure(None),
            other => return Err(format!("{ONE_OF} (not `{other}`)")),
        };
        match (policy, count) {
            (_, None) => Ok(policy),
            (Restart::OnFailure(_), Some(c)) => match c.parse::<u32>() {
                Ok(n) if c.bytes().all(|b| b.is_ascii_digit()) => Ok(Restart::OnFailure(Some(n))),
                _ => Err(format!(
                    "bad restart count `{c}`: on-failure:N takes a whole number >= 0"
                )),
            },
            (_, Some(_)) => Err(format!(
                "a maximum restart count only goes with on-failure (not `{name}`)"
            )),
        }
    }

    /// Engine name: `no`, `always`, `unless-stopped`, `on-failure`.
    pub fn name(self) -> &'static str {
        match self {
            Restart::No => "no",
            Restart::Always => "always",
            Restart::UnlessStopped => "unless-stopped",
            Restart::OnFailure(_) => "on-failure",
        }
    }

    /// The maximum retry count (0: unlimited / not applicable).
    pub fn max_retries(self) -> u32 {
        match self {
            Restart::OnFailure(Some(n)) => n,
            _ => 0,
        }
    }

    pub fn as_arg(self) -> String {
        match self {
            Restart::OnFailure(Some(n)) => format!("on-failure:{n}"),
            other => other.name().to_string(),
        }
    }
}

/// The engine's smallest memory limit (6 MiB).
pub const MIN_MEMORY: i64 = 6 * 1024 * 1024;

/// Docker's `RAMInBytes`: `512`, `64m`, `1g`, `1.5G`, `256MiB`, `100kb` (binary units).
pub fn parse_memory(s: &str) -> Result<i64, String> {
    let t = s.trim();
    let bad = || format!("bad memory `{t}`: use a number with an optional unit: 512m, 1g, 1.5g");
    let num_end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(num_end);
    if num.is_empty() || num.starts_with('.') || num.ends_with('.') || num.matches('.').count() > 1
    {
        return Err(bad());
    }
    let unit = unit.trim_start().to_ascii_lowercase();
    let unit = unit.strip_suffix('b').unwrap_or(&unit);
    let unit = unit.strip_suffix('i').unwrap_or(unit);
    let mult: f64 = match unit {
        "" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        "t" => 1024f64.powi(4),
        "p" => 1024f64.powi(5),
        _ => return Err(bad()),
    };
    let v: f64 = num.parse().map_err(|_| bad())?;
    let bytes = v * mult;
    if !bytes.is_finite() || bytes >= i64::MAX as f64 {
        return Err(format!("bad memory `{t}`: too large"));
    }
    let bytes = bytes as i64;
    if bytes < MIN_MEMORY {
        return Err(format!("memory `{t}` is below the engine's minimum of 6m"));
    }
    Ok(bytes)
}

/// Bytes as the shortest exact `--memory` value: `64m`, `1g`, `1536k`, `1000000`.
pub fn memory_arg(bytes: i64) -> String {
    const UNITS: [(i64, &str); 4] = [
        (1 << 40, "t"),
        (1 << 30, "g"),
        (1 << 20, "m"),
        (1 << 10, "k"),
    ];
    for (size, unit) in UNITS {
        if bytes != 0 && bytes % size == 0 {
            return format!("{}{unit}", bytes / size);
        }
    }
    bytes.to_string()
}

/// `--cpus`: a decimal number of CPUs (`0.5`, `2`, `1.25`) in billionths, as the engine takes it.
pub fn parse_cpus(s: &str) -> Result<i64, String> {
    let t = s.trim();
    let bad = || format!("bad cpus `{t}`: use a decimal number like 0.5 or 2");
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || (t.contains('.') && frac.is_empty())
    {
        return Err(bad());
    }
    if frac.len() > 9 {
        return Err(format!("bad cpus `{t}`: at most 9 decimals"));
    }
    let int: i64 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| bad())?
    };
    let frac_n: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse().map_err(|_| bad())?
    };
    let nano = int
        .checked_mul(1_000_000_000)
        .and_then(|n| n.checked_add(frac_n))
        .ok_or_else(|| format!("bad cpus `{t}`: too large"))?;
    if nano == 0 {
        return Err(format!("bad cpus `{t}`: must be more than 0"));
    }
    Ok(nano)
}

/// Billionths of a CPU back to `--cpus` form: `0.5`, `2`, `1.25`.
pub fn cpus_arg(nano: i64) -> String {
    let int = nano / 1_000_000_000;
    let frac = nano % 1_000_000_000;
    if frac == 0 {
        return int.to_string();
    }
    let f = format!("{frac:09}");
    format!("{int}.{}", f.trim_end_matches('0'))
}

fn check_image(image: &str) -> Result<(), String> {
    if image.is_empty() {
        return Err("an image is required".into());
    }
    if image.chars().any(char::is_whitespace) {
        return Err(format!("bad image `{image}`: no spaces allowed"));
    }
    // Strip the digest, then the tag (a `:` after the last `/`).
    let no_digest = image.split('@').next().unwrap_or(image);
    let (repo, tag) = match no_digest.rfind(':') {
        Some(i) if !no_digest[i..].contains('/') => (&no_digest[..i], Some(&no_digest[i + 1..])),
        _ => (no_digest, None),
    };
    if let Some(t) = tag
        && (t.is_empty()
            || t.len() > 128
            || !t
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)))
    {
        return Err(format!("bad image `{image}`: bad tag `{t}`"));
    }
    // The first component is a registry host when it looks like one.
    let path = match repo.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            rest
        }
        _ => repo,
    };
    if path.is_empty() {
        return Err(format!("bad image `{image}`: no repository name"));
    }
    if path.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "bad image `{image}`: repository names must be lowercase"
        ));
    }
    if !path
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._/-".contains(c))
        || path.split('/').any(str::is_empty)
    {
        return Err(format!("bad image `{image}`: invalid reference format"));
    }
    Ok(())
}

fn check_network(net: &str) -> Result<(), String> {
    if net.chars().any(char::is_whitespace) {
        return Err(format!("bad network `{net}`: no spaces allowed"));
    }
    if let Some(c) = net.strip_prefix("container:")
        && !valid_container_ref(c)
    {
        return Err(format!(
            "bad network `{net}`: `container:` takes a container name or id"
        ));
    }
    Ok(())
}

/// Docker's container name rule: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
pub fn valid_container_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && name.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

/// A name or id: ids and one-character names are allowed where a container is referred to.
fn valid_container_ref(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

/// Docker's volume name rule (same as containers').
pub fn valid_volume_name(name: &str) -> bool {
    valid_container_name(name)
}

/// Entries of a list field: shell words, and for `commas` also comma-separated.
fn split_list(s: &str, commas: bool) -> Result<Vec<String>, String> {
    let words = shell_split(s)?;
    Ok(if commas {
        words
            .iter()
            .flat_map(|w| w.split(','))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    } else {
        words
    })
}

/// Split like a POSIX shell (no expansions): blanks separate words, `'…'` is literal, `"…"`
/// keeps blanks and takes `\"`, `\\`, `\$` and `` \` `` escapes, a backslash outside quotes
/// escapes the next character. `""` is an empty word.
pub fn shell_split(s: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err("unterminated ' quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => cur.push(c),
                            Some('\n') => {}
                            Some(c) => {
                                cur.push('\\');
                                cur.push(c);
                            }
                            None => return Err("unterminated \" quote".into()),
                        },
                        Some(c) => cur.push(c),
                        None => return Err("unterminated \" quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') => {}
                    Some(c) => cur.push(c),
                    None => return Err("a trailing \\ escapes nothing".into()),
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// Quote a word for a POSIX shell when it needs it (single quotes; `'` as `'\''`).
pub fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:=@%+,-[]".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(image: &str) -> RunForm {
        RunForm::for_image(image)
    }

    fn errors(f: &RunForm) -> FieldErrors {
        match f.validate() {
            Ok(spec) => panic!("expected errors, got {spec:?}"),
            Err(e) => e,
        }
    }

    fn only_error(f: &RunForm) -> (Field, String) {
        let e = errors(f);
        assert_eq!(e.len(), 1, "{e:?}");
        e.into_iter().next().expect("one error")
    }

    fn ok(f: &RunForm) -> RunSpec {
        match f.validate() {
            Ok(s) => s,
            Err(e) => panic!("expected a spec, got {e:?}"),
        }
    }

    #[test]
    fn shell_split_quotes_and_escapes() {
        let w = |s: &str| shell_split(s).expect("split");
        assert_eq!(w(""), Vec::<String>::new());
        assert_eq!(w("  sleep   60 "), ["sleep", "60"]);
        assert_eq!(
            w("sh -c 'echo hi; sleep 1'"),
            ["sh", "-c", "echo hi; sleep 1"]
        );
        assert_eq!(w(r#"echo "a \"b\" c" d"#), ["echo", r#"a "b" c"#, "d"]);
        assert_eq!(w(r#"echo "a\nb""#), ["echo", r"a\nb"]);
        assert_eq!(w(r"a\ b c"), ["a b", "c"]);
        assert_eq!(w(r#"x"" '' """#), ["x", "", ""]);
        assert_eq!(w(r#"pre'mid dle'"post""#), ["premid dlepost"]);
        assert_eq!(w(r"its\'"), ["its'"]);
        assert!(shell_split("echo 'open").is_err());
        assert!(shell_split("echo \"open").is_err());
        assert!(shell_split("echo \\").is_err());
    }

    #[test]
    fn shell_quote_round_trips() {
        for s in [
            "plain",
            "with space",
            "it's",
            "",
            "a\"b",
            "$HOME",
            "semi;colon",
            "127.0.0.1::80/tcp",
            "KEY=VALUE",
            "[::1]:80:80",
            "tab\there",
            "back\\slash",
        ] {
            let q = shell_quote(s);
            assert_eq!(shell_split(&q).expect("split"), [s], "{s:?} -> {q}");
        }
        assert_eq!(shell_quote("plain"), "plain");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn image_is_required_and_checked() {
        assert_eq!(
            only_error(&form("")),
            (Field::Image, "an image is required".to_string())
        );
        assert_eq!(only_error(&form("   ")).0, Field::Image);
        let (f, m) = only_error(&form("Busybox"));
        assert_eq!(f, Field::Image);
        assert!(m.contains("lowercase"), "{m}");
        assert_eq!(only_error(&form("a b")).0, Field::Image);
        assert_eq!(only_error(&form("busybox:")).0, Field::Image);
        assert_eq!(only_error(&form("busy//box")).0, Field::Image);
        for good in [
            "busybox",
            "busybox:1.36",
            "library/busybox:latest",
            "localhost:5000/team/app:v1.2_RC",
            "Registry.Example.com/app",
            "ghcr.io/o/r@sha256:0123abcd",
            "dockside-test/busybox:latest",
        ] {
            assert_eq!(ok(&form(good)).image, good, "{good}");
        }
    }

    #[test]
    fn container_names() {
        let mut f = form("busybox");
        f.name = "  /web-1.a_b ".into();
        assert_eq!(ok(&f).name.as_deref(), Some("web-1.a_b"));
        f.name = String::new();
        assert_eq!(ok(&f).name, None);
        for bad in ["a", "-web", "we b", "web!", "_x"] {
            f.name = bad.into();
            let (field, msg) = only_error(&f);
            assert_eq!(field, Field::Name, "{bad}");
            assert!(msg.starts_with("bad name"), "{msg}");
        }
    }

    #[test]
    fn command_words() {
        let mut f = form("busybox");
        f.command = r#"sh -c "echo 'hi there'; sleep 5""#.into();
        assert_eq!(ok(&f).cmd, ["sh", "-c", "echo 'hi there'; sleep 5"]);
        f.command = "echo 'oops".into();
        let (field, msg) = only_error(&f);
        assert_eq!(field, Field::Command);
        assert!(msg.contains("unterminated"), "{msg}");
    }

    #[test]
    fn port_forms() {
        let p = |s: &str| PortSpec::parse(s).expect(s);
        assert_eq!(
            p("80"),
            PortSpec {
                host_ip: None,
                host: None,
                container: PortRange::single(80),
                proto: Proto::Tcp
            }
        );
        assert_eq!(
            p("80").bindings(),
            [("80/tcp".into(), "".into(), "".into())]
        );
        assert_eq!(
            p("8080:80").bindings(),
            [("80/tcp".into(), "".into(), "8080".into())]
        );
        assert_eq!(
            p("127.0.0.1:8080:80").bindings(),
            [("80/tcp".into(), "127.0.0.1".into(), "8080".into())]
        );
        assert_eq!(
            p("127.0.0.1::80/tcp").bindings(),
            [("80/tcp".into(), "127.0.0.1".into(), "".into())]
        );
        assert_eq!(
            p("8080-8081:80-81").bindings(),
            [
                ("80/tcp".into(), "".into(), "8080".into()),
                ("81/tcp".into(), "".into(), "8081".into())
            ]
        );
        assert_eq!(
            p("53:53/udp").bindings(),
            [("53/udp".into(), "".into(), "53".into())]
        );
        assert_eq!(
            p("9000-9010:80").bindings(),
            [("80/tcp".into(), "".into(), "9000-9010".into())]
        );
        assert_eq!(
            p("[::1]:8080:80/SCTP").bindings(),
            [("80/sctp".into(), "::1".into(), "8080".into())]
        );
        assert_eq!(
            p("5000-5001").bindings(),
            [
                ("5000/tcp".into(), "".into(), "".into()),
                ("5001/tcp".into(), "".into(), "".into())
            ]
        );
        for s in [
            "80",
            "8080:80",
            "127.0.0.1:8080:80",
            "127.0.0.1::80",
            "8080-8081:80-81/udp",
            "[::1]:8080:80/sctp",
            "[::]::443",
            "9000-9010:80",
        ] {
            assert_eq!(p(s).to_arg(), s, "{s}");
            assert_eq!(p(&p(s).to_arg()), p(s));
        }
        assert_eq!(p("80/tcp").to_arg(), "80");
    }

    #[test]
    fn port_errors() {
        let e = |s: &str| PortSpec::parse(s).expect_err(s);
        assert_eq!(e("99999"), "bad port `99999`: ports are 1-65535");
        assert_eq!(e("0:80"), "bad port `0`: ports are 1-65535");
        assert!(e("80/icmp").contains("use tcp, udp or sctp"));
        assert!(e("http").contains("not a number"));
        assert!(e("81-80").contains("81 is after 80"));
        assert!(e("8080-8082:80-81").contains("host range has 3 ports, the container range 2"));
        assert!(e("1.2.3:80:80").contains("bad host address `1.2.3`"));
        assert!(e("::1:80:80").contains("IPv6 addresses in [ ]"));
        assert!(e("[::1:80:80").contains("missing `]`"));
        assert!(e("").contains("empty"));

        let mut f = form("busybox");
        f.ports = "8080:80, 99999 80/icmp".into();
        let errs = errors(&f);
        assert_eq!(errs.len(), 2);
        assert!(errs.iter().all(|(f, _)| *f == Field::Ports));
        assert_eq!(errs[0].1, "bad port `99999`: ports are 1-65535");

        f.ports = "8080:80 8080:81".into();
        let (field, msg) = only_error(&f);
        assert_eq!(field, Field::Ports);
        assert!(msg.contains("8080/tcp is published twice"), "{msg}");
        // Same host port on another protocol or address is fine.
        f.ports = "8080:80 8080:80/udp 127.0.0.1:8080:81".into();
        assert_eq!(ok(&f).ports.len(), 3);
    }

    #[test]
    fn env_forms() {
        let mut f = form("busybox");
        f.env = r#"A=1 B "C=hello world" D= E=x=y"#.into();
        let spec = ok(&f);
        assert_eq!(
            spec.env_list(|k| (k == "B").then(|| "from-env".to_string())),
            ["A=1", "B=from-env", "C=hello world", "D=", "E=x=y"]
        );
        assert_eq!(spec.env_list(|_| None)[1], "B");
        f.env = "=oops".into();
        let (field, msg) = only_error(&f);
        assert_eq!(field, Field::Env);
        assert!(msg.contains("name before `=` is empty"), "{msg}");
        f.env = "'A B=1'".into();
        assert!(only_error(&f).1.contains("cannot contain spaces"));
    }

    #[test]
    fn volume_forms() {
        let v = |s: &str| VolumeSpec::parse(s).expect(s);
        assert_eq!(
            v("/srv/data:/data:ro"),
            VolumeSpec::Bind {
                source: "/srv/data".into(),
                target: "/data".into(),
                options: Some("ro".into())
            }
        );
        assert!(v("/srv/data:/data:ro").is_read_only());
        assert_eq!(
            v("cache:/cache"),
            VolumeSpec::Named {
                name: "cache".into(),
                target: "/cache".into(),
                options: None
            }
        );
        assert_eq!(
            v("/scratch"),
            VolumeSpec::Anonymous {
                target: "/scratch".into()
            }
        );
        assert_eq!(v("/a:/b:rw,z").to_arg(), "/a:/b:rw,z");
        let e = |s: &str| VolumeSpec::parse(s).expect_err(s);
        assert!(e("data").contains("give /host/path:/container/path"));
        assert!(e("/a:b").contains("must be absolute"));
        assert!(e("./a:/b").contains("host paths must be absolute"));
        assert!(e("/a:/b:xx").contains("bad volume option `xx`"));
        assert!(e("/a:/b:ro,rw").contains("both ro and rw"));
        assert!(e("x:/b").contains("bad volume name `x`"));
        assert!(e("/a:/").contains("can't mount over `/`"));
        assert!(e("/a:/b:ro:x").contains("too many"));

        let mut f = form("busybox");
        f.volumes = "/tmp/x:/data named:/cache:ro /anon".into();
        let spec = ok(&f);
        assert_eq!(spec.binds(), ["/tmp/x:/data", "named:/cache:ro"]);
        assert_eq!(spec.anonymous_volumes(), ["/anon"]);
        f.volumes = "/a:/data other:/data".into();
        let (field, msg) = only_error(&f);
        assert_eq!(field, Field::Volumes);
        assert!(msg.contains("two volumes mount at `/data`"));
    }

    #[test]
    fn volumes_from_links_network() {
        let mut f = form("busybox");
        f.volumes_from = "db, cache:ro".into();
        f.links = "redis:cache db".into();
        f.network = "my-net".into();
        let spec = ok(&f);
        assert_eq!(spec.volumes_from, ["db", "cache:ro"]);
        assert_eq!(
            spec.links,
            [
                Link {
                    container: "redis".into(),
                    alias: "cache".into()
                },
                Link {
                    container: "db".into(),
                    alias: "db".into()
                }
            ]
        );
        assert_eq!(spec.network.as_deref(), Some("my-net"));

        f.volumes_from = "db:rx".into();
        f.links = "bad!:x".into();
        let errs = errors(&f);
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].0, Field::VolumesFrom);
        assert!(errs[0].1.contains("bad mode `rx`"));
        assert_eq!(errs[1].0, Field::Links);

        let mut f = form("busybox");
        f.network = "host".into();
        f.links = "db".into();
        assert_eq!(only_error(&f).0, Field::Links);
        f.links.clear();
        f.network = "container:other".into();
        f.ports = "80".into();
        assert_eq!(only_error(&f).0, Field::Ports);
        f.ports.clear();
        f.network = "container:".into();
        assert_eq!(only_error(&f).0, Field::Network);
    }

    #[test]
    fn restart_policies() {
        let r = |s: &str| Restart::parse(s);
        assert_eq!(r(""), Ok(Restart::No));
        assert_eq!(r("no"), Ok(Restart::No));
        assert_eq!(r("always"), Ok(Restart::Always));
        assert_eq!(r("unless-stopped"), Ok(Restart::UnlessStopped));
        assert_eq!(r("on-failure"), Ok(Restart::OnFailure(None)));
        assert_eq!(r("on-failure:3"), Ok(Restart::OnFailure(Some(3))));
        assert_eq!(r("on-failure:3").map(Restart::max_retries), Ok(3));
        let e = r("sometimes").expect_err("bad");
        assert!(
            e.starts_with(
                "restart policy must be one of no, always, unless-stopped, on-failure[:N]"
            ),
            "{e}"
        );
        assert!(r("on-failure:-1").is_err());
        assert!(r("on-failure:x").is_err());
        assert!(
            r("always:3")
                .expect_err("x")
                .contains("only goes with on-failure")
        );

        let mut f = form("busybox");
        f.restart = "always".into();
        f.auto_remove = true;
        let (field, msg) = only_error(&f);
        assert_eq!(field, Field::Restart);
        assert!(msg.contains("--rm"));
        f.restart = "no".into();
        assert!(ok(&f).auto_remove);
    }

    #[test]
    fn memory_and_cpus() {
        assert_eq!(parse_memory("64m"), Ok(67_108_864));
        assert_eq!(parse_memory("64M"), Ok(67_108_864));
        assert_eq!(parse_memory("64MiB"), Ok(67_108_864));
        assert_eq!(parse_memory("64mb"), Ok(67_108_864));
        assert_eq!(parse_memory("1g"), Ok(1_073_741_824));
        assert_eq!(parse_memory("1.5g"), Ok(1_610_612_736));
        assert_eq!(parse_memory("8192k"), Ok(8_388_608));
        assert_eq!(parse_memory("10000000"), Ok(10_000_000));
        assert!(
            parse_memory("5m")
                .expect_err("min")
                .contains("minimum of 6m")
        );
        for bad in ["", "m", "1x", "1..5g", ".5g", "-1g", "1.g"] {
            assert!(parse_memory(bad).is_err(), "{bad}");
        }
        assert_eq!(memory_arg(67_108_864), "64m");
        assert_eq!(memory_arg(1_073_741_824), "1g");
        assert_eq!(memory_arg(1_610_612_736), "1536m");
        assert_eq!(memory_arg(10_000_000), "10000000");

        assert_eq!(parse_cpus("0.5"), Ok(500_000_000));
        assert_eq!(parse_cpus(".5"), Ok(500_000_000));
        assert_eq!(parse_cpus("2"), Ok(2_000_000_000));
        assert_eq!(parse_cpus("1.25"), Ok(1_250_000_000));
        assert_eq!(parse_cpus("0.000000001"), Ok(1));
        assert!(parse_cpus("0").expect_err("zero").contains("more than 0"));
        assert!(
            parse_cpus("0.0000000001")
                .expect_err("x")
                .contains("9 decimals")
        );
        for bad in ["", ".", "1.", "-1", "1,5", "one", "1e3"] {
            assert!(parse_cpus(bad).is_err(), "{bad}");
        }
        assert_eq!(cpus_arg(500_000_000), "0.5");
        assert_eq!(cpus_arg(2_000_000_000), "2");
        assert_eq!(cpus_arg(1_250_000_000), "1.25");

        let mut f = form("busybox");
        f.memory = "64m".into();
        f.cpus = "0.5".into();
        let s = ok(&f);
        assert_eq!(
            (s.memory, s.nano_cpus),
            (Some(67_108_864), Some(500_000_000))
        );
        f.memory = "lots".into();
        f.cpus = "many".into();
        let errs = errors(&f);
        assert_eq!(
            errs.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
            [Field::Memory, Field::Cpus]
        );
    }

    #[test]
    fn every_bad_field_reported_in_form_order() {
        let f = RunForm {
            image: String::new(),
            name: "!".into(),
            command: "'".into(),
            ports: "70000".into(),
            env: "=x".into(),
            volumes: "rel".into(),
            volumes_from: "!x".into(),
            network: "a b".into(),
            links: "!".into(),
            restart: "never".into(),
            memory: "1k".into(),
            cpus: "0".into(),
            auto_remove: false,
            interactive: false,
            tty: false,
        };
        let fields: Vec<Field> = errors(&f).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, Field::ALL[..12].to_vec());
    }

    fn full_form() -> RunForm {
        RunForm {
            image: "dockside-test/busybox:latest".into(),
            name: "web".into(),
            command: "sh -c 'echo \"hi\"; sleep 300'".into(),
            ports: "127.0.0.1::80/tcp 8080:8080 53:53/udp".into(),
            env: "A=1 'GREETING=hello world' HOME_DIR".into(),
            volumes: "/tmp/data:/data:ro named-vol:/cache /anon".into(),
            volumes_from: "other:ro".into(),
            network: "bridge".into(),
            links: "redis:cache".into(),
            restart: "on-failure:3".into(),
            memory: "64m".into(),
            cpus: "0.5".into(),
            auto_remove: false,
            interactive: true,
            tty: true,
        }
    }

    #[test]
    fn docker_command_line() {
        let spec = ok(&full_form());
        assert_eq!(
            spec.docker_command(),
            "docker run -d --name web -p 127.0.0.1::80 -p 8080:8080 -p 53:53/udp \
             -e A=1 -e 'GREETING=hello world' -e HOME_DIR \
             -v /tmp/data:/data:ro -v named-vol:/cache -v /anon \
             --volumes-from other:ro --network bridge --link redis:cache \
             --restart on-failure:3 --memory 64m --cpus 0.5 -it \
             dockside-test/busybox:latest sh -c 'echo \"hi\"; sleep 300'"
        );
        let minimal = ok(&form("busybox"));
        assert_eq!(minimal.docker_command(), "docker run -d busybox");
        let mut f = form("busybox");
        f.auto_remove = true;
        f.interactive = true;
        f.command = "echo ''".into();
        assert_eq!(
            ok(&f).docker_command(),
            "docker run -d --rm -i busybox echo ''"
        );
    }

    #[test]
    fn command_line_round_trips() {
        let spec = ok(&full_form());
        let back = RunForm::from_docker_command(&spec.docker_command()).expect("parse");
        assert_eq!(ok(&back), spec);
        // And the form made from a spec gives the spec back.
        assert_eq!(ok(&RunForm::from_spec(&spec)), spec);
    }

    #[test]
    fn from_docker_command_forms() {
        let f = RunForm::from_docker_command(
            "docker run --rm -dit --name=x1 -p 80 --publish=81:81 -e A=1 --env B \
             --net host -m 1g --cpus=2 --restart always busybox:1 echo 'a b'",
        )
        .expect("parse");
        assert_eq!(f.name, "x1");
        assert_eq!(f.ports, "80 81:81");
        assert_eq!(f.env, "A=1 B");
        assert_eq!(f.network, "host");
        assert_eq!(f.memory, "1g");
        assert_eq!(f.cpus, "2");
        assert_eq!(f.restart, "always");
        assert!(f.auto_remove && f.interactive && f.tty);
        assert_eq!(f.image, "busybox:1");
        assert_eq!(f.command, "echo 'a b'");
        // Options after the image belong to the command.
        let f = RunForm::from_docker_command("run busybox ls -l --name x").expect("parse");
        assert_eq!(f.command, "ls -l --name x");
        assert_eq!(f.name, "");
        assert!(
            RunForm::from_docker_command("docker run --privileged busybox")
                .expect_err("unsupported")
                .contains("--privileged")
        );
        assert!(RunForm::from_docker_command("docker run --name").is_err());
        assert!(RunForm::from_docker_command("docker run -d").is_err());
    }

    #[test]
    fn form_accessors() {
        let mut f = RunForm::default();
        for field in Field::ALL {
            assert_eq!(f.text(field).is_none(), field.is_toggle());
            assert_eq!(f.flag(field).is_some(), field.is_toggle());
            assert!(!field.label().is_empty());
        }
        if let Some(t) = f.text_mut(Field::Ports) {
            t.push_str("80");
        }
        assert_eq!(f.ports, "80");
        assert!(f.text_mut(Field::Tty).is_none());
        f.toggle(Field::Tty);
        f.toggle(Field::Ports);
        assert!(f.tty);
        assert_eq!(f.ports, "80");
        assert_eq!(Field::VolumesFrom.to_string(), "volumes from");
    }

    #[test]
    fn engine_errors_map_to_fields() {
        let spec = ok(&full_form());
        let field = |m: &str| spec.field_for_error(m);
        assert_eq!(
            field(
                "Conflict. The container name \"/web\" is already in use by container \"abc\". You have to remove (or rename) that container to be able to reuse that name."
            ),
            Some(Field::Name)
        );
        assert_eq!(
            field("No such image: dockside-test/nope:latest"),
            Some(Field::Image)
        );
        assert_eq!(
            field(
                "pull access denied for nope, repository does not exist or may require 'docker login'"
            ),
            Some(Field::Image)
        );
        assert_eq!(field("network my-net not found"), Some(Field::Network));
        assert_eq!(
            field(
                "driver failed programming external connectivity on endpoint web: Bind for 0.0.0.0:8080 failed: port is already allocated"
            ),
            Some(Field::Ports)
        );
        assert_eq!(field("No such container: other"), Some(Field::VolumesFrom));
        assert_eq!(
            field("Could not get container for redis"),
            Some(Field::Links)
        );
        assert_eq!(
            field("Cannot link to a non running container: /redis AS /web/cache"),
            Some(Field::Links)
        );
        assert_eq!(
            field(
                "invalid mount config for type \"bind\": bind source path does not exist: /tmp/data"
            ),
            Some(Field::Volumes)
        );
        assert_eq!(
            field("Minimum memory limit allowed is 6MB"),
            Some(Field::Memory)
        );
        assert_eq!(
            field("Range of CPUs is from 0.01 to 4.00, as there are only 4 CPUs available"),
            Some(Field::Cpus)
        );
        assert_eq!(
            field(
                "OCI runtime create failed: container_linux.go:380: starting container process caused: exec: \"nope\": executable file not found in $PATH: unknown"
            ),
            Some(Field::Command)
        );
        assert_eq!(field("something else entirely"), None);
    }
}
