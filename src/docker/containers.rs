//! Containers: the list entry as the app shows it, one container fetched by id, the
//! actions (start, stop, …, remove), inspect, `top`, limits and `update`, and `docker run`
//! from a checked form. Every function returns the engine's own message (shortened by
//! [`friendly_error`]) on failure.

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Duration;

use bollard::Docker;
use bollard::models::{
    ContainerCreateBody, ContainerSummary, HostConfig, PortBinding, RestartPolicy,
    RestartPolicyNameEnum,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, KillContainerOptionsBuilder, ListContainersOptionsBuilder,
    RemoveContainerOptionsBuilder, StartContainerOptions,
};

use super::client::{friendly, friendly_error};
use crate::app::model::{CState, Compose, Container, Listed, Port, parse_status};
use crate::app::msg::ContainerAction;
use crate::app::runform::{Restart, RunSpec};
use crate::app::sanitize::plain;

/// Now, in unix seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A list entry with only what dockside shows: what [`ListReader`] reads straight from the
/// engine's answer (every other field is skipped, not built), and what a bollard
/// [`ContainerSummary`] is cut down to. One conversion, [`Summary::container`], serves both.
/// Its texts are borrowed from the answer where they have no escapes: only what a row keeps
/// is copied, once.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Summary<'a> {
    #[serde(borrow)]
    id: Option<Text<'a>>,
    /// The first of its names (a container has one; legacy links added more).
    #[serde(borrow, deserialize_with = "first_name")]
    names: Option<Text<'a>>,
    #[serde(borrow)]
    image: Option<Text<'a>>,
    #[serde(rename = "ImageID", borrow)]
    image_id: Option<Text<'a>>,
    #[serde(borrow)]
    command: Option<Text<'a>>,
    created: Option<i64>,
    #[serde(borrow)]
    ports: Option<Vec<SummaryPort<'a>>>,
    #[serde(borrow, deserialize_with = "compose_labels")]
    labels: Vec<(Text<'a>, Text<'a>)>,
    #[serde(borrow)]
    state: Option<Text<'a>>,
    #[serde(borrow)]
    status: Option<Text<'a>>,
    #[serde(borrow)]
    network_settings: Option<SummaryNetworks<'a>>,
    #[serde(borrow)]
    mounts: Option<Vec<SummaryMount<'a>>>,
}

/// A text of the answer: borrowed from it when it holds no escape, owned otherwise.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

impl From<String> for Text<'_> {
    fn from(s: String) -> Self {
        Text(Cow::Owned(s))
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct SummaryPort<'a> {
    #[serde(rename = "IP", borrow)]
    ip: Option<Text<'a>>,
    #[serde(rename = "PrivatePort")]
    private: u16,
    #[serde(rename = "PublicPort")]
    public: Option<u16>,
    #[serde(rename = "Type", borrow)]
    proto: Option<Text<'a>>,
}

/// The names of a container's networks (their settings are not shown in the list).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct SummaryNetworks<'a> {
    #[serde(borrow, deserialize_with = "keys")]
    networks: Vec<Text<'a>>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct SummaryMount<'a> {
    #[serde(rename = "Type", borrow)]
    typ: Option<Text<'a>>,
    #[serde(borrow)]
    name: Option<Text<'a>>,
}

/// The first name of `Names` (the others are read past).
fn first_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Text<'de>>, D::Error> {
    struct First;
    impl<'de> serde::de::Visitor<'de> for First {
        type Value = Option<Text<'de>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of names, or null")
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_seq(self)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let first = seq.next_element::<Text<'de>>()?;
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok(first)
        }
    }
    d.deserialize_option(First)
}

/// The keys of a map, or none for null: those `keep` keeps, each with its value when
/// `values` (read past otherwise). A key given twice counts once, with its last value, as in
/// a map.
fn map_keys<'de, D: serde::Deserializer<'de>>(
    d: D,
    keep: fn(&str) -> bool,
    values: bool,
) -> Result<Vec<(Text<'de>, Option<Text<'de>>)>, D::Error> {
    struct Keys {
        keep: fn(&str) -> bool,
        values: bool,
    }
    impl<'de> serde::de::Visitor<'de> for Keys {
        type Value = Vec<(Text<'de>, Option<Text<'de>>)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map, or null")
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut kept: Self::Value = Vec::new();
            while let Some(key) = map.next_key::<Text<'de>>()? {
                if !(self.keep)(&key) {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    continue;
                }
                let value = if self.values {
                    Some(map.next_value::<Text<'de>>()?)
                } else {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    None
                };
                kept.retain(|(k, _)| *k != key);
                kept.push((key, value));
            }
            Ok(kept)
        }
    }
    d.deserialize_option(Keys { keep, values })
}

/// The names of a container's networks.
fn keys<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Text<'de>>, D::Error> {
    let keys = map_keys(d, |_| true, false)?;
    Ok(keys.into_iter().map(|(k, _)| k).collect())
}

/// The labels the list uses: compose's (`com.docker.compose.*`). The others (an image's
/// labels are its containers' too: often dozens) are read past, not kept.
fn compose_labels<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<(Text<'de>, Text<'de>)>, D::Error> {
    let labels = map_keys(d, |k| k.starts_with(COMPOSE_LABEL), true)?;
    Ok(labels
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .collect())
}

const COMPOSE_LABEL: &str = "com.docker.compose.";

impl From<ContainerSummary> for Summary<'static> {
    fn from(s: ContainerSummary) -> Self {
        let text = |t: Option<String>| t.map(Text::from);
        Summary {
            id: text(s.id),
            names: s.names.and_then(|n| n.into_iter().next()).map(Text::from),
            image: text(s.image),
            image_id: text(s.image_id),
            command: text(s.command),
            created: s.created,
            ports: s.ports.map(|ports| {
                ports
                    .into_iter()
                    .map(|p| SummaryPort {
                        ip: text(p.ip),
                        private: p.private_port,
                        public: p.public_port,
                        proto: p.typ.map(|t| Text::from(t.to_string())),
                    })
                    .collect()
            }),
            labels: s
                .labels
                .unwrap_or_default()
                .into_iter()
                .filter(|(k, _)| k.starts_with(COMPOSE_LABEL))
                .map(|(k, v)| (Text::from(k), Text::from(v)))
                .collect(),
            state: s.state.map(|st| Text::from(st.as_ref().to_string())),
            status: text(s.status),
            network_settings: s.network_settings.map(|n| SummaryNetworks {
                networks: n
                    .networks
                    .map(|n| n.into_keys().map(Text::from).collect())
                    .unwrap_or_default(),
            }),
            mounts: s.mounts.map(|mounts| {
                mounts
                    .into_iter()
                    .map(|m| SummaryMount {
                        typ: text(m.typ),
                        name: text(m.name),
                    })
                    .collect()
            }),
        }
    }
}

/// The engine's answer to `GET /containers/json` read into rows as it comes, without
/// building the fields the list does not show (at 1,000 containers that is most of an
/// 800 KB answer): each entry as soon as its last byte is in, so the reading keeps pace with
/// the engine's writing and little is left when the last byte comes; and the pieces are let
/// go once read (a thousand containers' 850 KB are never in memory whole, and memory touched
/// for the first time costs microseconds a page here).
#[derive(Debug)]
pub struct ListReader {
    now: i64,
    /// What came but is not read: the beginning of an entry whose end has not come.
    rest: Vec<u8>,
    next: Expect,
    /// Boxed as the app keeps them: the list grows by pointers, not 270-byte rows.
    list: Listed,
}

fn broken(what: String) -> String {
    format!("cannot read the engine's container list: {what}")
}

/// What comes next in `[ entry , entry ... ]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Open,
    /// An entry or, in an empty list, the end.
    First,
    Entry,
    /// A `,` or the end.
    Comma,
    /// Nothing but white space.
    Done,
}

/// Whether `e` was met at the last byte of `text` (serde_json says where as a line and a
/// column, counted in bytes).
fn at_the_end(text: &[u8], e: &serde_json::Error) -> bool {
    let line_start = match e.line() {
        0 | 1 => 0,
        n => text
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(n - 2)
            .map_or(text.len(), |(i, _)| i + 1),
    };
    line_start + e.column() >= text.len()
}

impl ListReader {
    pub fn new(now: i64) -> ListReader {
        ListReader {
            now,
            rest: Vec::new(),
            next: Expect::Open,
            list: Vec::new(),
        }
    }

    /// The next piece of the answer: the entries it completes are read at once.
    pub fn feed(&mut self, piece: &[u8]) -> Result<(), String> {
        let mut rest = std::mem::take(&mut self.rest);
        let carried = !rest.is_empty();
        let text: &[u8] = if !carried {
            piece
        } else {
            rest.extend_from_slice(piece);
            &rest
        };
        let mut at = 0;
        loop {
            at += text[at..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            let Some(&c) = text.get(at) else { break };
            match (self.next, c) {
                (Expect::Open, b'[') => self.next = Expect::First,
                (Expect::First | Expect::Comma, b']') => self.next = Expect::Done,
                (Expect::Comma, b',') => self.next = Expect::Entry,
                (Expect::First | Expect::Entry, _) => {
                    let mut one =
                        serde_json::Deserializer::from_slice(&text[at..]).into_iter::<Summary>();
                    match one.next() {
                        Some(Ok(summary)) => {
                            self.list.extend(summary.container(self.now).map(Box::new));
                            self.next = Expect::Comma;
                            at += one.byte_offset();
                            continue;
                        }
                        // Its end has not come yet (a number read past, not kept, that
                        // the piece cuts after `-` or `1.` is "invalid" rather than cut:
                        // an error where the bytes end waits for more too).
                        Some(Err(e)) if e.is_eof() || at_the_end(&text[at..], &e) => break,
                        Some(Err(e)) => return Err(broken(e.to_string())),
                        None => break,
                    }
                }
                (_, c) => {
                    let c = if c.is_ascii() {
                        format!("{:?}", char::from(c))
                    } else {
                        format!("byte 0x{c:02x}")
                    };
                    return Err(broken(format!(
                        "unexpected {c} after {} entries",
                        self.list.len()
                    )));
                }
            }
            at += 1;
        }
        if carried {
            rest.drain(..at);
        } else {
            rest.extend_from_slice(&piece[at..]);
        }
        self.rest = rest;
        Ok(())
    }

    /// The list, once the answer has ended.
    pub fn finish(self) -> Result<Listed, String> {
        match self.next {
            Expect::Done => Ok(self.list),
            _ => Err(broken(format!(
                "it ended early ({} entries read)",
                self.list.len()
            ))),
        }
    }
}

/// Convert a list entry. `now` (unix seconds) turns "Up 3 minutes" into an approximate start time.
pub fn container(s: ContainerSummary, now: i64) -> Option<Container> {
    Summary::from(s).container(now)
}

impl Summary<'_> {
    /// The row. `now` (unix seconds) turns "Up 3 minutes" into an approximate start time.
    pub fn container(self, now: i64) -> Option<Container> {
        let compose = self.compose();
        let project = self.label("com.docker.compose.project").map(plain);
        let service = self.label("com.docker.compose.service").map(plain);
        let id = self.id?.0.into_owned();
        let name = match &self.names {
            Some(n) => plain(n.trim_start_matches('/')),
            None => id.chars().take(12).collect(),
        };
        let state = self
            .state
            .map(|st| CState::parse(&st))
            .unwrap_or(CState::Unknown);
        let status = self.status.as_deref().map(plain).unwrap_or_default();
        let info = parse_status(&status);
        let mut ports: Vec<Port> = self
            .ports
            .unwrap_or_default()
            .into_iter()
            .map(|p| Port {
                ip: p.ip.filter(|ip| !ip.is_empty()).map(|ip| ip.0.into_owned()),
                private: p.private,
                public: p.public,
                proto: match p.proto.as_deref() {
                    Some("udp") => "udp".into(),
                    Some("sctp") => "sctp".into(),
                    _ => "tcp".into(),
                },
            })
            .collect();
        ports.sort_by(|a, b| {
            (a.public.is_none(), a.private, a.public, &a.proto, &a.ip).cmp(&(
                b.public.is_none(),
                b.private,
                b.public,
                &b.proto,
                &b.ip,
            ))
        });
        Some(Container {
            host: Default::default(),
            compose,
            name,
            image: self.image.as_deref().map(plain).unwrap_or_default(),
            command: self.command.as_deref().map(plain).unwrap_or_default(),
            state,
            health: info.health,
            status,
            created: self.created.unwrap_or(0),
            since: info.ago_secs.map(|ago| now - ago),
            exit_code: info.exit_code,
            ports,
            project,
            service,
            id,
        })
    }

    /// A compose label's value.
    fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| **k == *key)
            .map(|(_, v)| &**v)
    }

    /// What compose wrote on a container (None without a project label), with its image
    /// id, networks and named volumes.
    fn compose(&self) -> Option<Box<Compose>> {
        self.label("com.docker.compose.project")?;
        let label = |k: &str| self.label(k).map(plain).unwrap_or_default();
        let mut networks: Vec<String> = self
            .network_settings
            .as_ref()
            .map(|n| n.networks.iter().map(|k| plain(k)).collect())
            .unwrap_or_default();
        networks.sort();
        let mut volumes: Vec<String> = self
            .mounts
            .iter()
            .flatten()
            .filter(|m| m.typ.as_deref() == Some("volume"))
            .filter_map(|m| m.name.as_deref().map(plain))
            .collect();
        volumes.sort();
        Some(Box::new(Compose {
            number: label("com.docker.compose.container-number").parse().ok(),
            oneoff: label("com.docker.compose.oneoff").eq_ignore_ascii_case("true"),
            working_dir: label("com.docker.compose.project.working_dir"),
            config_files: label("com.docker.compose.project.config_files"),
            image_id: self
                .image_id
                .as_ref()
                .map(|i| i.0.clone().into_owned())
                .unwrap_or_default(),
            networks,
            volumes,
        }))
    }
}

/// Every container, running or not.
pub fn list_all() -> bollard::query_parameters::ListContainersOptions {
    ListContainersOptionsBuilder::default().all(true).build()
}

/// One container by id, after `delay`: `None` when it is gone.
pub async fn fetch_one(
    docker: Docker,
    id: String,
    delay: Duration,
) -> (String, Result<Option<Container>, String>) {
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let mut filters = HashMap::new();
    filters.insert("id", vec![id.as_str()]);
    let opts = ListContainersOptionsBuilder::default()
        .all(true)
        .filters(&filters)
        .build();
    let res = docker
        .list_containers(Some(opts))
        .await
        .map_err(|e| friendly_error(&e.to_string()))
        .map(|list| {
            let now = unix_now();
            list.into_iter()
                .filter_map(|s| container(s, now))
                .find(|c| c.id == id)
        });
    (id, res)
}

/// `docker inspect` as the inspect tab shows it: pretty JSON, or why there is none.
pub async fn inspect_text(docker: &Docker, id: &str) -> String {
    match docker.inspect_container(id, None).await {
        Ok(info) => serde_json::to_string_pretty(&info)
            .unwrap_or_else(|e| format!("cannot show inspect: {e}")),
        Err(e) => format!("inspect failed: {}", friendly_error(&e.to_string())),
    }
}

/// `ps` columns for the processes tab: what a person looks for first (who, how much CPU and
/// memory, since when, what).
const TOP_PS_ARGS: &str = "-eo pid,ppid,user,pcpu,rss,etime,args";

/// `docker top`, with our columns; the engine's default (`-ef`) when the host's `ps` does not
/// take them (a busybox `ps`).
pub async fn top(docker: &Docker, id: &str) -> Result<crate::app::top::Processes, String> {
    use bollard::query_parameters::TopOptionsBuilder;
    let ours = TopOptionsBuilder::default().ps_args(TOP_PS_ARGS).build();
    let answer = match docker.top_processes(id, Some(ours)).await {
        Ok(a) => a,
        Err(first) => match docker.top_processes(id, None).await {
            Ok(a) => a,
            Err(_) => return Err(friendly_error(&first.to_string())),
        },
    };
    let clean = |v: Vec<String>| -> Vec<String> {
        v.iter().map(|s| crate::app::sanitize::plain(s)).collect()
    };
    Ok(crate::app::top::Processes::new(
        clean(answer.titles.unwrap_or_default()),
        answer
            .processes
            .unwrap_or_default()
            .into_iter()
            .map(clean)
            .collect(),
    ))
}

/// The limits a container runs under, from inspect.
pub async fn limits(docker: &Docker, id: &str) -> Result<crate::app::model::Limits, String> {
    let info = docker
        .inspect_container(id, None)
        .await
        .map_err(|e| friendly_error(&e.to_string()))?;
    let hc = info.host_config.unwrap_or_default();
    Ok(crate::app::model::Limits {
        nano_cpus: hc.nano_cpus.unwrap_or(0),
        cpu_quota: hc.cpu_quota.unwrap_or(0),
        cpu_period: hc.cpu_period.unwrap_or(0),
        cpu_shares: hc.cpu_shares.unwrap_or(0),
        memory: hc.memory.unwrap_or(0),
        memory_swap: hc.memory_swap.unwrap_or(0),
        pids_limit: hc.pids_limit.unwrap_or(0),
    })
}

/// `docker update --memory --memory-swap --cpus`. A memory limit alone sets the swap limit
/// as [`LimitUpdate::swap_with`] says (the engine refuses it otherwise).
///
/// [`LimitUpdate::swap_with`]: crate::app::model::LimitUpdate::swap_with
pub async fn update_limits(
    docker: &Docker,
    id: &str,
    up: crate::app::model::LimitUpdate,
) -> Result<(), String> {
    let mut body = bollard::models::ContainerUpdateBody {
        nano_cpus: up.nano_cpus,
        ..Default::default()
    };
    body.memory = up.memory;
    if up.memory.is_some() || up.memory_swap.is_some() {
        let current = limits(docker, id).await?;
        body.memory_swap = up.swap_with(&current);
    }
    docker
        .update_container(id, body)
        .await
        .map_err(|e| friendly_error(&e.to_string()))
}

pub async fn container_action(
    docker: &Docker,
    id: &str,
    action: ContainerAction,
) -> Result<(), String> {
    let r = match action {
        ContainerAction::Start => docker.start_container(id, None).await,
        ContainerAction::Stop => docker.stop_container(id, None).await,
        ContainerAction::Restart => docker.restart_container(id, None).await,
        ContainerAction::Pause => docker.pause_container(id).await,
        ContainerAction::Unpause => docker.unpause_container(id).await,
        ContainerAction::Kill => {
            let opts = KillContainerOptionsBuilder::default()
                .signal("SIGKILL")
                .build();
            docker.kill_container(id, Some(opts)).await
        }
        ContainerAction::Remove { force, volumes } => {
            let opts = RemoveContainerOptionsBuilder::default()
                .force(force)
                .v(volumes)
                .build();
            docker.remove_container(id, Some(opts)).await
        }
    };
    r.map_err(|e| friendly_error(&e.to_string()))
}

pub(crate) fn container_name(c: &ContainerSummary) -> String {
    c.names
        .as_ref()
        .and_then(|n| n.first())
        .map(|n| n.trim_start_matches('/').to_string())
        .or_else(|| c.id.as_ref().map(|id| id.chars().take(12).collect()))
        .unwrap_or_default()
}

pub(crate) async fn all_containers(
    docker: &Docker,
    filters: Option<&HashMap<String, Vec<String>>>,
) -> Result<Vec<ContainerSummary>, String> {
    let mut b = ListContainersOptionsBuilder::default().all(true);
    if let Some(f) = filters {
        b = b.filters(f);
    }
    docker
        .list_containers(Some(b.build()))
        .await
        .map_err(friendly)
}

/// The create request for `spec`, as `docker run -d` sends it. A bare `KEY` in the env takes
/// its value from dockside's own environment, as the docker CLI does.
pub fn create_body(spec: &RunSpec) -> ContainerCreateBody {
    let mut port_bindings: HashMap<String, Option<Vec<PortBinding>>> = HashMap::new();
    for (key, ip, host) in spec.port_bindings() {
        port_bindings
            .entry(key)
            .or_insert_with(|| Some(Vec::new()))
            .get_or_insert_with(Vec::new)
            .push(PortBinding {
                host_ip: Some(ip),
                host_port: Some(host),
            });
    }
    let mut exposed: Vec<String> = port_bindings.keys().cloned().collect();
    exposed.sort();
    let some_vec = |v: Vec<String>| Some(v).filter(|v| !v.is_empty());
    let restart = RestartPolicy {
        name: Some(match spec.restart {
            Restart::No => RestartPolicyNameEnum::NO,
            Restart::Always => RestartPolicyNameEnum::ALWAYS,
            Restart::UnlessStopped => RestartPolicyNameEnum::UNLESS_STOPPED,
            Restart::OnFailure(_) => RestartPolicyNameEnum::ON_FAILURE,
        }),
        maximum_retry_count: Some(i64::from(spec.restart.max_retries())),
    };
    let host_config = HostConfig {
        port_bindings: Some(port_bindings).filter(|p| !p.is_empty()),
        binds: some_vec(spec.binds()),
        volumes_from: some_vec(spec.volumes_from.clone()),
        links: some_vec(spec.links.iter().map(|l| l.to_arg()).collect()),
        restart_policy: Some(restart),
        auto_remove: Some(spec.auto_remove),
        memory: spec.memory,
        nano_cpus: spec.nano_cpus,
        network_mode: spec.network.clone(),
        ..Default::default()
    };
    ContainerCreateBody {
        image: Some(spec.image.clone()),
        cmd: some_vec(spec.cmd.clone()),
        env: some_vec(spec.env_list(|k| std::env::var(k).ok())),
        exposed_ports: some_vec(exposed),
        volumes: some_vec(spec.anonymous_volumes()),
        tty: Some(spec.tty),
        open_stdin: Some(spec.interactive),
        attach_stdin: Some(false),
        attach_stdout: Some(false),
        attach_stderr: Some(false),
        host_config: Some(host_config),
        ..Default::default()
    }
}

/// An engine error, prefixed with the form field it is about when that can be told
/// (`name: Conflict. The container name "/web" is already in use …`).
fn field_error(spec: &RunSpec, message: String) -> String {
    match spec.field_for_error(&message) {
        Some(f) => format!("{}: {message}", f.label()),
        None => message,
    }
}

/// `docker run -d`: create the container from `spec`, then start it; returns its id. The
/// image must be present (nothing is pulled). When the engine's refusal is about a field of
/// the form, the error starts with that field's label (`image: No such image: …`), so
/// [`RunSpec::field_for_error`] or the prefix can point at it. A container that was created
/// but failed to start is removed again, so the form can be fixed and submitted unchanged.
pub async fn run(docker: &Docker, spec: &RunSpec) -> Result<String, String> {
    run_labelled(docker, spec, &[]).await
}

/// [`run`], with these labels on the container besides the spec's.
pub async fn run_labelled(
    docker: &Docker,
    spec: &RunSpec,
    labels: &[(String, String)],
) -> Result<String, String> {
    let mut opts = CreateContainerOptionsBuilder::default();
    if let Some(name) = &spec.name {
        opts = opts.name(name);
    }
    let mut body = create_body(spec);
    if !labels.is_empty() {
        let mut all = body.labels.take().unwrap_or_default();
        all.extend(labels.iter().cloned());
        body.labels = Some(all);
    }
    let created = docker
        .create_container(Some(opts.build()), body)
        .await
        .map_err(|e| field_error(spec, friendly(e)))?;
    if let Err(e) = docker
        .start_container(&created.id, None::<StartContainerOptions>)
        .await
    {
        let message = field_error(spec, friendly(e));
        let rm = RemoveContainerOptionsBuilder::default()
            .force(true)
            .v(true)
            .build();
        let _ = docker.remove_container(&created.id, Some(rm)).await;
        return Err(message);
    }
    Ok(created.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::runform::RunForm;

    #[test]
    fn create_body_carries_every_field() {
        let form = RunForm {
            image: "busybox".into(),
            name: "web".into(),
            command: "sleep 60".into(),
            ports: "127.0.0.1::80 8080:80 53:53/udp".into(),
            env: "A=1".into(),
            volumes: "/tmp:/data:ro vol:/cache /anon".into(),
            volumes_from: "other:ro".into(),
            network: "my-net".into(),
            links: "redis:cache".into(),
            restart: "on-failure:3".into(),
            memory: "64m".into(),
            cpus: "0.5".into(),
            auto_remove: false,
            interactive: true,
            tty: true,
        };
        let spec = form.validate().expect("valid");
        let body = create_body(&spec);
        assert_eq!(body.cmd, Some(vec!["sleep".into(), "60".into()]));
        assert_eq!(body.env, Some(vec!["A=1".into()]));
        assert_eq!(
            body.exposed_ports,
            Some(vec!["53/udp".into(), "80/tcp".into()])
        );
        assert_eq!(body.volumes, Some(vec!["/anon".into()]));
        assert_eq!((body.tty, body.open_stdin), (Some(true), Some(true)));
        let hc = body.host_config.expect("host config");
        let pb = hc.port_bindings.expect("ports");
        assert_eq!(
            pb.get("80/tcp").cloned().flatten().map(|v| v.len()),
            Some(2)
        );
        assert_eq!(
            hc.binds,
            Some(vec!["/tmp:/data:ro".into(), "vol:/cache".into()])
        );
        assert_eq!(hc.volumes_from, Some(vec!["other:ro".into()]));
        assert_eq!(hc.links, Some(vec!["redis:cache".into()]));
        let rp = hc.restart_policy.expect("restart");
        assert_eq!(rp.name, Some(RestartPolicyNameEnum::ON_FAILURE));
        assert_eq!(rp.maximum_retry_count, Some(3));
        assert_eq!(hc.memory, Some(67_108_864));
        assert_eq!(hc.nano_cpus, Some(500_000_000));
        assert_eq!(hc.network_mode.as_deref(), Some("my-net"));
        // The request body the engine gets: ExposedPorts and Volumes as objects.
        let json = serde_json::to_value(create_body(&spec)).expect("json");
        assert!(json["ExposedPorts"]["80/tcp"].is_object(), "{json}");
        assert!(json["Volumes"]["/anon"].is_object(), "{json}");
    }

    #[test]
    fn minimal_body_leaves_defaults_to_the_image() {
        let spec = RunForm::for_image("busybox").validate().expect("valid");
        let body = create_body(&spec);
        assert_eq!(body.cmd, None);
        assert_eq!(body.env, None);
        assert_eq!(body.exposed_ports, None);
        let hc = body.host_config.expect("hc");
        assert_eq!(hc.port_bindings, None);
        assert_eq!(hc.binds, None);
        assert_eq!(hc.network_mode, None);
    }

    /// Three entries as an engine (20.10, API 1.41) answers `GET /containers/json?all=1`: a
    /// compose container with ports, image labels, two networks and mounts, a plain one with
    /// nulls where it has nothing, and one with no name, escaped texts and a label given twice.
    const ENGINE_LIST: &str = r#"[
      {"Id":"c0ffee01","Names":["/shop-web-1"],"Image":"nginx:1.27","ImageID":"sha256:abc",
       "Command":"nginx -g 'daemon off;'","Created":1700000000,
       "Ports":[{"PrivatePort":80,"Type":"tcp"},
                {"IP":"0.0.0.0","PrivatePort":53,"PublicPort":5353,"Type":"udp"},
                {"IP":"::","PrivatePort":80,"PublicPort":8080,"Type":"tcp"}],
       "Labels":{"com.docker.compose.project":"shop","com.docker.compose.service":"web",
                 "com.docker.compose.container-number":"1","com.docker.compose.oneoff":"False",
                 "com.docker.compose.project.working_dir":"/srv/shop",
                 "com.docker.compose.project.config_files":"/srv/shop/compose.yml",
                 "org.opencontainers.image.title":"nginx","maintainer":"NGINX \"Docker\" <x>"},
       "State":"running","Status":"Up 3 minutes (healthy)",
       "HostConfig":{"NetworkMode":"shop_default"},
       "NetworkSettings":{"Networks":{"shop_front":{"IPAMConfig":null,"Links":null,"Aliases":null,
          "NetworkID":"n1","EndpointID":"e1","Gateway":"172.18.0.1","IPAddress":"172.18.0.2",
          "IPPrefixLen":16,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,
          "MacAddress":"02:42:ac:12:00:02","DriverOpts":null},
          "shop_default":{"NetworkID":"n2"}}},
       "Mounts":[{"Type":"volume","Name":"shop_data","Source":"/var/lib/docker/volumes/shop_data/_data",
                  "Destination":"/data","Driver":"local","Mode":"z","RW":true,"Propagation":""},
                 {"Type":"bind","Source":"/etc/x","Destination":"/x","Mode":"","RW":false,"Propagation":"rprivate"}]},
      {"Id":"c0ffee02","Names":["/solo"],"Image":"busybox","ImageID":"sha256:def",
       "Command":"sleep 1d","Created":1700000100,"Ports":[],"Labels":null,
       "State":"exited","Status":"Exited (137) 2 hours ago",
       "HostConfig":{"NetworkMode":"default"},"NetworkSettings":{"Networks":{}},"Mounts":[]},
      {"Id":"c0ffee03","Names":[],"Image":"x\u00e9\"y","ImageID":"sha256:9",
       "Command":"sh -c \"echo hi\"","Created":1700000200,"Ports":null,
       "Labels":{"com.docker.compose.project":"first","com.docker.compose.project":"sh\u006fp",
                 "com.docker.compose.service":"w\teb"},
       "State":"paused","Status":"Up 5 minutes (Paused)","HostConfig":{},
       "NetworkSettings":{"Networks":null},"Mounts":null}
    ]"#;

    #[test]
    fn the_lean_first_list_reads_the_same_rows_as_bollard_s_models() {
        let now = 1_700_001_000;
        let lean = parse_list(ENGINE_LIST.as_bytes(), now).expect("parses");
        let models: Vec<ContainerSummary> =
            serde_json::from_str(ENGINE_LIST).expect("bollard parses it");
        let full: Vec<Container> = models
            .into_iter()
            .filter_map(|s| container(s, now))
            .collect();
        assert_eq!(lean, full);
        // And what they read is what the engine said.
        let web = &lean[0];
        assert_eq!(web.name, "shop-web-1");
        assert_eq!(web.state, CState::Running);
        assert_eq!(web.project.as_deref(), Some("shop"));
        assert_eq!(web.service.as_deref(), Some("web"));
        let ports: Vec<String> = web.ports.iter().map(|p| p.display()).collect();
        assert_eq!(
            ports,
            ["0.0.0.0:5353->53/udp", "[::]:8080->80/tcp", "80/tcp"]
        );
        let compose = web.compose.as_deref().expect("a compose container");
        assert_eq!(compose.number, Some(1));
        assert_eq!(compose.networks, ["shop_default", "shop_front"]);
        assert_eq!(compose.volumes, ["shop_data"]);
        assert_eq!(compose.working_dir, "/srv/shop");
        let solo = &lean[1];
        assert_eq!((solo.state, solo.exit_code), (CState::Exited, Some(137)));
        assert!(solo.compose.is_none() && solo.project.is_none() && solo.ports.is_empty());
        // No name: the id's beginning; escapes read; the label given last counts.
        let odd = &lean[2];
        assert_eq!(odd.name, "c0ffee03");
        assert_eq!(
            (odd.image.as_str(), odd.command.as_str()),
            ("x\u{e9}\"y", "sh -c \"echo hi\"")
        );
        assert_eq!(odd.project.as_deref(), Some("shop"));
        assert_eq!(odd.service.as_deref(), Some("w eb"));
        assert_eq!(odd.state, CState::Paused);
    }

    /// A list as an engine with `n` containers writes it (no white space, a newline at the
    /// end); with `trap`, every entry's mounts hold a nested `{"Id":` that begins no entry.
    fn long_list(n: usize, trap: bool) -> String {
        let entries: Vec<String> = (0..n)
            .map(|i| {
                let mounts = if trap {
                    r#"[{"Type":"volume","Name":"v"},{"Id":"not-an-entry","Type":"bind"}]"#
                } else {
                    r#"[{"Type":"volume","Name":"v"}]"#
                };
                format!(
                    r#"{{"Id":"{i:064x}","Names":["/app-{i}"],"Image":"busybox","ImageID":"sha256:1","Command":"sleep 1d","Created":{c},"Ports":[{{"IP":"0.0.0.0","PrivatePort":80,"PublicPort":{p},"Type":"tcp"}}],"Labels":{{"com.docker.compose.project":"p{g}","com.docker.compose.service":"s","x":"}},{{\"Id\":"}},"State":"running","Status":"Up 2 hours","HostConfig":{{"NetworkMode":"default"}},"NetworkSettings":{{"Networks":{{"bridge":{{"NetworkID":"n"}}}}}},"Mounts":{mounts}}}"#,
                    c = 1_700_000_000 + i,
                    p = 10_000 + i,
                    g = i % 7,
                )
            })
            .collect();
        format!("[{}]\n", entries.join(","))
    }

    /// An answer in hand, read as one piece.
    fn parse_list(body: &[u8], now: i64) -> Result<Vec<Container>, String> {
        let mut reader = ListReader::new(now);
        reader.feed(body)?;
        unboxed(reader.finish())
    }

    fn unboxed(list: Result<Listed, String>) -> Result<Vec<Container>, String> {
        list.map(|l| l.into_iter().map(|c| *c).collect())
    }

    fn read_whole(body: &str, now: i64) -> Vec<Container> {
        let list: Vec<Summary> = serde_json::from_str(body).expect("a list");
        list.into_iter().filter_map(|s| s.container(now)).collect()
    }

    /// `body` fed to a [`ListReader`] in pieces of `size` bytes; the longest it kept.
    fn read_in_pieces(
        body: &[u8],
        size: usize,
        now: i64,
    ) -> (Result<Vec<Container>, String>, usize) {
        let mut reader = ListReader::new(now);
        let mut kept = 0;
        for piece in body.chunks(size) {
            if let Err(e) = reader.feed(piece) {
                return (Err(e), kept);
            }
            kept = kept.max(reader.rest.len());
        }
        (unboxed(reader.finish()), kept)
    }

    #[test]
    fn a_list_read_in_pieces_of_any_size_is_the_list_read_whole() {
        let now = 1_700_010_000;
        // Entries with a nested `},{"Id":`, and a pretty-printed list with white space
        // everywhere white space may be.
        let long = long_list(60, true);
        let entry = long.len() / 60 + 1;
        // The pretty-printed list's longest entry is its first: what is kept stays below
        // where the second begins.
        let second = ENGINE_LIST
            .find(r#"{"Id":"c0ffee02""#)
            .expect("a second entry");
        for (body, n, entry) in [(long.as_str(), 60, entry), (ENGINE_LIST, 3, second)] {
            let whole = read_whole(body, now);
            assert_eq!(whole.len(), n);
            for size in [1, 2, 3, 7, 64, 1000, 4096, 65536, body.len()] {
                let (read, kept) = read_in_pieces(body.as_bytes(), size, now);
                assert_eq!(read.as_ref(), Ok(&whole), "pieces of {size}");
                // What is kept is the beginning of one entry, never the list.
                assert!(kept < entry, "{kept} kept, pieces of {size}");
            }
        }
        // Numbers the list reads past (negative, with a fraction, an exponent), cut anywhere,
        // on an entry's second line.
        let numbers = long_list(3, false).replace(
            r#""Status":"#,
            "\n\"Zz\":-1.5e+3,\"Zy\":[-0.25,1E-2],\"Status\":",
        );
        let whole = read_whole(&numbers, now);
        assert_eq!(whole.len(), 3);
        for size in [1, 2, 3, 5] {
            let (read, _) = read_in_pieces(numbers.as_bytes(), size, now);
            assert_eq!(read, Ok(whole.clone()), "pieces of {size}");
        }
        for empty in ["[]", " [ ]\n", "[\n]"] {
            for size in [1, 2, 10] {
                assert_eq!(read_in_pieces(empty.as_bytes(), size, now).0, Ok(vec![]));
            }
        }
    }

    #[test]
    fn a_list_cut_short_or_with_more_after_it_is_refused() {
        let now = 1_700_010_000;
        let body = long_list(40, false);
        let cut = &body[..body.len() - 300];
        let more = format!("{body}]");
        let bad_entry = body.replacen(r#""State":"running""#, r#""State":running"#, 1);
        for size in [1, 7, 4096, usize::MAX] {
            let e = read_in_pieces(cut.as_bytes(), size, now)
                .0
                .expect_err("cut short");
            assert!(e.contains("it ended early (39 entries read)"), "{e}");
            let e = read_in_pieces(more.as_bytes(), size, now)
                .0
                .expect_err("more after");
            assert!(e.contains("unexpected ']' after 40 entries"), "{e}");
            let e = read_in_pieces(bad_entry.as_bytes(), size, now)
                .0
                .expect_err("bad entry");
            assert!(
                e.starts_with("cannot read the engine's container list: expected value"),
                "{e}"
            );
        }
    }

    #[test]
    fn a_list_that_is_not_one_is_an_error_that_says_so() {
        let e = parse_list(b"{\"message\":\"page not found\"}", 0).expect_err("not a list");
        assert!(
            e.starts_with("cannot read the engine's container list"),
            "{e}"
        );
    }

    #[test]
    fn field_errors_are_prefixed() {
        let spec = RunForm::for_image("busybox").validate().expect("valid");
        assert_eq!(
            field_error(&spec, "No such image: busybox:latest".into()),
            "image: No such image: busybox:latest"
        );
        assert_eq!(field_error(&spec, "boom".into()), "boom");
    }
}
