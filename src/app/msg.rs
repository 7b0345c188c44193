//! What flows into the app (messages) and out of it (commands for the docker layer and the
//! runtime). Both are plain data.

use crossterm::event::KeyEvent;

use super::exec::{ExecCmd, ExecEvent};
use super::images::{Image, ImageDetail, Progress};
use super::logbuf::LogLine;
use super::model::{Container, LimitUpdate, Limits, Listed};
use super::resources::{DiskUsage, Network, Volume};
use super::stats::StatsSample;

pub use super::engines::ConnStatus;

/// An engine the user can switch to: a docker context, or the address the CLI would use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineChoice {
    /// The context's name (`default` for `DOCKER_HOST`/the default socket).
    pub name: String,
    pub addr: String,
    /// The context's description, or where the address comes from.
    pub description: String,
}

pub use super::model::EngineId;

/// An engine and the connection epoch of the message: the epoch goes up on every switch of
/// engine, so whatever the old one still sends is dropped by this tag, not by guessing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EngineRef {
    pub id: EngineId,
    pub epoch: u64,
}

/// Messages into the pure update function.
#[derive(Debug, Clone)]
pub enum Msg {
    /// A message from an engine task, tagged with where it came from. Every message of the
    /// docker layer arrives this way.
    Engine {
        from: EngineRef,
        msg: Box<Msg>,
    },
    Key(KeyEvent),
    /// A click or a wheel turn (motion is not captured).
    Mouse(crossterm::event::MouseEvent),
    Paste(String),
    Resize(u16, u16),
    /// A clock tick: wall time in unix seconds.
    Tick(i64),
    Conn(ConnStatus),
    /// The full container list (initial, or after a reconnect), each boxed as the app keeps
    /// it ([`super::state::Containers`]).
    Snapshot(Listed),
    /// One container changed (fetched after an engine event).
    Upsert(Container),
    /// A container no longer exists.
    Gone(String),
    /// The engines to offer (after [`Req::ListEngines`]).
    Engines(Vec<EngineChoice>),
    /// Events from before the live stream began (after [`Req::EventHistory`]).
    EventHistory(Result<Vec<super::events::EngineEvent>, String>),
    /// An engine event, for the events view.
    Event(super::events::EngineEvent),
    /// A command finished: `what` describes it ("stop web"), `result` carries the engine's message.
    ActionDone {
        id: String,
        what: String,
        result: Result<(), String>,
    },
    Logs(LogEvent),
    Stats {
        id: String,
        sample: StatsSample,
    },
    /// Text for the inspect tab.
    Inspect {
        id: String,
        text: String,
    },
    /// `docker top` of a container.
    Top {
        id: String,
        result: Result<super::top::Processes, String>,
    },
    /// Something the runtime did for the app (saved a file, copied…).
    Notice(Result<String, String>),
    /// An exec/attach session event.
    Exec(ExecEvent),
    /// A container's resource limits (for the stats tab).
    Limits {
        id: String,
        limits: Limits,
    },
    /// A one-off command finished: its output and exit code, or why it could not run.
    ExecOnceDone {
        title: String,
        result: Result<(String, i64), String>,
    },
    /// The hand-off shell in the real terminal ended (runtime).
    HandoffDone(Result<String, String>),
    /// Images, volumes, networks, engine.
    Res(ResMsg),
    /// The files tab's answers.
    Files(super::files::FilesMsg),
    /// Bring up the project of this compose file (`dockside -f FILE`, or typed in the projects
    /// view), named `project` or after its folder.
    ComposeFile {
        path: String,
        project: Option<String>,
    },
    /// Containers updated or recreated ([`Req::Recreate`]): one report each, as they finish.
    Recreated(Vec<super::recreate::Report>),
    /// A container's configuration as a run form ([`Req::ContainerForm`]).
    ContainerForm {
        purpose: super::recreate::FormPurpose,
        result: Result<Box<super::runform::RunForm>, String>,
    },
}

impl Msg {
    /// A [`Msg::Snapshot`] of `list`.
    pub fn snapshot(list: Vec<Container>) -> Msg {
        Msg::Snapshot(list.into_iter().map(Box::new).collect())
    }
}

/// Events from a log stream. `generation` ties them to the request that opened the stream, so
/// lines of a stream that was replaced are dropped.
#[derive(Debug, Clone)]
pub struct LogEvent {
    pub generation: u64,
    pub kind: LogEventKind,
}

#[derive(Debug, Clone)]
pub enum LogEventKind {
    Lines(Vec<LogLine>),
    /// The stream ended (container stopped, or `follow` was off).
    Ended,
    Error(String),
}

/// A container action, as the user asked for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerAction {
    Start,
    Stop,
    Restart,
    Pause,
    Unpause,
    Kill,
    Remove { force: bool, volumes: bool },
}

impl ContainerAction {
    pub fn verb(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Stop => "stop",
            Self::Restart => "restart",
            Self::Pause => "pause",
            Self::Unpause => "unpause",
            Self::Kill => "kill",
            Self::Remove { .. } => "remove",
        }
    }

    pub fn progressive(self) -> &'static str {
        match self {
            Self::Start => "Starting",
            Self::Stop => "Stopping",
            Self::Restart => "Restarting",
            Self::Pause => "Pausing",
            Self::Unpause => "Unpausing",
            Self::Kill => "Killing",
            Self::Remove { .. } => "Removing",
        }
    }
}

/// Which part of a log to fetch, like `docker logs --tail/--since`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogWindow {
    Tail(u64),
    /// The last N seconds.
    Since(i64),
    All,
}

impl LogWindow {
    pub fn label(self) -> String {
        match self {
            LogWindow::Tail(n) => format!("tail {n}"),
            LogWindow::Since(s) if s % 3600 == 0 => format!("since {}h", s / 3600),
            LogWindow::Since(s) => format!("since {}m", s / 60),
            LogWindow::All => "all".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogsRequest {
    pub id: String,
    pub generation: u64,
    pub tail: Option<u64>,
    /// Unix seconds; lines at or after.
    pub since: Option<i64>,
    /// Unix nanos: resume after this timestamp (used to follow across a restart); lines at or
    /// before it are skipped.
    pub after_nanos: Option<i64>,
    pub follow: bool,
    /// An aggregated log (a compose project or service): these containers' lines interleaved
    /// by time, each prefixed with its name (`id` is then the first one's). Empty: `id` alone.
    pub group: Vec<LogSource>,
}

/// One container of an aggregated log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSource {
    pub id: String,
    /// `api`, or `api-2` for a replica: the prefix of its lines.
    pub prefix: String,
    /// Running (followed); a stopped one gives its past lines only.
    pub live: bool,
}

/// What the app asks of the outside world: the engine (carried out by `docker/`) or the
/// runtime (the process, the terminal, files, the clipboard). Two types, routed by type.
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    /// For the engine [`super::fleet::route`] picks (the row's, or the primary).
    Engine(Req),
    /// For this engine.
    At(EngineId, Req),
    Effect(Effect),
}

impl From<Req> for Cmd {
    fn from(r: Req) -> Cmd {
        Cmd::Engine(r)
    }
}

impl From<Effect> for Cmd {
    fn from(e: Effect) -> Cmd {
        Cmd::Effect(e)
    }
}

/// A request for the engine. Each one that someone waits on is answered, or refused with a
/// reason the user sees (`docker::refuse`, one exhaustive match).
#[derive(Debug, Clone, PartialEq)]
pub enum Req {
    Container {
        id: String,
        name: String,
        action: ContainerAction,
    },
    /// A request for one engine, whichever the router would pick (a row of a merged list
    /// acts on the engine it came from).
    On(EngineId, Box<Req>),
    /// One action on several containers of one engine, in the order their dependencies need
    /// (links, `network_mode: container:`, `volumes_from`, compose's `depends_on`): a start
    /// brings dependencies up first, a stop takes dependents down first. One `ActionDone`
    /// per container, as each is done. Targets are (id, name).
    Group {
        targets: Vec<(String, String)>,
        action: ContainerAction,
    },
    /// Replace the current log stream (None: close it).
    Logs(Option<LogsRequest>),
    /// The set of containers whose stats should be live now (visible running rows + selection).
    WatchStats(Vec<String>),
    Inspect(String),
    /// `docker top` of this container.
    Top(String),
    /// Ask the engine for its events of the last [`super::events::HISTORY_SECS`].
    EventHistory,
    /// Read the docker contexts, answered with [`Msg::Engines`].
    ListEngines,
    /// Exec/attach sessions.
    Exec(ExecCmd),
    /// Fetch a container's limits.
    Limits(String),
    /// Images, volumes, networks, engine.
    Res(ResCmd),
    /// Save a container's whole log, as the engine has it, to a file (sanitised text).
    SaveFullLog {
        id: String,
        path: String,
    },
    /// `docker update` a container's limits.
    Update {
        id: String,
        name: String,
        update: LimitUpdate,
    },
    /// Run a command once, non-interactively.
    ExecOnce {
        id: String,
        name: String,
        cmd: Vec<String>,
    },
    /// The files tab: listings, reads, copies both ways, `docker diff`, export.
    Files(super::files::FilesReq),
    /// `docker rename`.
    Rename {
        id: String,
        name: String,
        to: String,
    },
    /// Update (pull the tag again, recreate when it moved), recreate in place from an
    /// edited configuration, or duplicate containers; answered by [`Msg::Recreated`].
    Recreate(Box<super::recreate::Recreate>),
    /// Read a container's configuration into a run form, for `purpose`.
    ContainerForm {
        id: String,
        purpose: super::recreate::FormPurpose,
    },
}

impl Req {
    /// Whether it changes something on the engine (never sent in read-only mode). Reads,
    /// streams and closing dockside's own sessions do not.
    pub fn mutates(&self) -> bool {
        match self {
            Req::Container { .. } | Req::Group { .. } | Req::Update { .. } => true,
            Req::On(_, r) => r.mutates(),
            Req::ExecOnce { .. } => true,
            Req::Rename { .. } | Req::Recreate(_) => true,
            // Opening a shell runs a process in the container; typing, resizing and closing
            // act on dockside's own session.
            Req::Exec(e) => matches!(e, ExecCmd::Open(_)),
            Req::Res(r) => r.mutates(),
            Req::Files(f) => matches!(
                f,
                super::files::FilesReq::Upload { .. } | super::files::FilesReq::PutBack(_)
            ),
            Req::Logs(_)
            | Req::WatchStats(_)
            | Req::Inspect(_)
            | Req::Top(_)
            | Req::EventHistory
            | Req::ListEngines
            | Req::Limits(_)
            | Req::ContainerForm { .. }
            | Req::SaveFullLog { .. } => false,
        }
    }
}

impl Req {
    /// What changes a registry, not the engine it is sent through (a read-only engine
    /// still lets it through).
    pub fn registry_only(&self) -> bool {
        matches!(
            self,
            Req::Res(ResCmd::DeleteTag { .. } | ResCmd::Retag { .. })
        )
    }
}

impl ResCmd {
    pub fn mutates(&self) -> bool {
        match self {
            ResCmd::Watch(_)
            | ResCmd::Info
            | ResCmd::HostFacts { .. }
            | ResCmd::ImageDetail(_)
            | ResCmd::VolumeSizes
            | ResCmd::CancelJob(_)
            | ResCmd::SaveImages { .. } => false,
            ResCmd::RemoveImage { .. }
            | ResCmd::PruneImages { .. }
            | ResCmd::Pull { .. }
            | ResCmd::Push { .. }
            | ResCmd::LoadImages { .. }
            | ResCmd::Build { .. }
            | ResCmd::Tag { .. }
            | ResCmd::Commit { .. }
            | ResCmd::CreateVolume(_)
            | ResCmd::RemoveVolume(_)
            | ResCmd::PruneVolumes
            | ResCmd::CreateNetwork { .. }
            | ResCmd::RemoveNetwork(_)
            | ResCmd::Connect { .. }
            | ResCmd::Disconnect { .. }
            | ResCmd::PruneNetworks
            | ResCmd::SystemPrune
            | ResCmd::Run(_)
            | ResCmd::Deploy { .. } => true,
            ResCmd::Tasks(_) | ResCmd::InspectService { .. } | ResCmd::ServiceLogs(_) => false,
            ResCmd::Registries
            | ResCmd::Catalog(_)
            | ResCmd::RegistryTags { .. }
            | ResCmd::RegistryTag { .. }
            | ResCmd::CheckTags { .. } => false,
            ResCmd::DeleteTag { .. } | ResCmd::Retag { .. } => true,
            ResCmd::ChangeService { .. }
            | ResCmd::RemoveService { .. }
            | ResCmd::ChangeNode { .. }
            | ResCmd::RemoveNode { .. }
            | ResCmd::RemoveStack(_)
            | ResCmd::ComposeDown { .. }
            | ResCmd::Compose(_)
            | ResCmd::DeployStack(_)
            | ResCmd::CreateSecret { .. }
            | ResCmd::RemoveSecret { .. } => true,
        }
    }
}

/// An effect for the runtime.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Leave the primary engine `id`'s address for this one; its messages carry `epoch`.
    SwitchEngine {
        id: EngineId,
        addr: String,
        source: String,
        epoch: u64,
    },
    /// Write lines to a file (runtime).
    SaveFile {
        path: String,
        contents: String,
    },
    /// Put text on the user's clipboard via OSC 52 (runtime).
    Clipboard(String),
    /// Suspend the UI and run a shell in the user's terminal (runtime).
    Handoff {
        /// The engine's address (`-H` for the CLI).
        addr: String,
        id: String,
        name: String,
        user: Option<String>,
        cmd: Vec<String>,
    },
    /// Suspend the UI and edit a container's file (fetched into a private scratch file) in
    /// `$VISUAL`/`$EDITOR`; answered with [`super::files::FilesMsg::Edited`] (runtime,
    /// `src/editor.rs`).
    EditFile(Box<super::files::EditFile>),
    /// Start the task of an engine of the fleet (or restart it); its messages carry `epoch`.
    StartEngine {
        id: EngineId,
        spec: super::engines::HostSpec,
        epoch: u64,
    },
    /// End the task of an engine of the fleet (its streams and sessions end with it).
    StopEngine(EngineId),
    Quit,
}

/// Kinds of resource lists the engine task keeps fresh from the events stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Images,
    Volumes,
    Networks,
    DiskUsage,
    Services,
    Nodes,
    Secrets,
    Configs,
}

/// Results from the docker layer for these views.
#[derive(Debug, Clone)]
pub enum ResMsg {
    Images(Result<Vec<Image>, String>),
    Volumes(Result<Vec<Volume>, String>),
    Networks(Result<Vec<Network>, String>),
    Disk(Result<DiskUsage, String>),
    Info(Result<Vec<(String, String)>, String>),
    HostFacts(Result<super::engines::HostFacts, String>),
    ImageDetail(Result<Box<ImageDetail>, String>),
    Job {
        id: u64,
        progress: Progress,
    },
    /// A short operation finished: what it was, and the engine's answer.
    Done {
        what: String,
        result: Result<String, String>,
    },
    /// A container was created and started from the run prompt.
    Ran(Result<String, String>),
    Services(Result<Vec<super::swarm::Service>, String>),
    /// One service changed (fetched after its event).
    Service(super::swarm::Service),
    /// A service no longer exists.
    ServiceGone(String),
    Tasks {
        service: String,
        result: Result<Vec<super::swarm::Task>, String>,
    },
    Nodes(Result<Vec<super::swarm::Node>, String>),
    /// Secrets or configs (without their values).
    Secrets {
        kind: super::swarm::SecretKind,
        result: Result<Vec<super::swarm::SwarmObject>, String>,
    },
    /// One node changed (fetched after its event); gone: None with its id.
    Node {
        id: String,
        node: Option<super::swarm::Node>,
    },
    /// Lines of the service log followed ([`ResCmd::ServiceLogs`]).
    ServiceLogs(LogEvent),
    /// A service as the engine has it (JSON).
    ServiceInspect {
        name: String,
        result: Result<String, String>,
    },
    /// Output of a compose CLI run ([`ResCmd::Compose`]); its first line is the command.
    Compose {
        job: u64,
        progress: Progress,
    },
    /// The registries the docker CLI knows (`config.json`).
    Registries(Result<Vec<super::registry::Registry>, String>),
    Catalog {
        host: String,
        result: Result<Vec<String>, String>,
    },
    RegistryTags {
        host: String,
        repo: String,
        result: Result<Vec<String>, String>,
    },
    RegistryTag {
        host: String,
        repo: String,
        tag: String,
        result: Result<Box<super::registry::TagInfo>, String>,
    },
    TagDeleted {
        host: String,
        repo: String,
        tag: String,
        result: Result<(), String>,
    },
    /// A tag written in its registry ([`ResCmd::Retag`]): the digest it names.
    Retagged {
        host: String,
        repo: String,
        tag: String,
        to: String,
        result: Result<String, String>,
    },
    /// The registries' digest of each tag asked about ([`ResCmd::CheckTags`]).
    TagDigests(Vec<(String, Result<String, String>)>),
}

/// Commands for these views.
#[derive(Debug, Clone, PartialEq)]
pub enum ResCmd {
    /// Fetch this list now and keep it fresh from the events stream.
    Watch(Kind),
    Info,
    /// What the hosts view shows of an engine (`docker info`; with `disk`, `system df` too).
    HostFacts {
        disk: bool,
    },
    ImageDetail(String),
    RemoveImage {
        id: String,
        force: bool,
    },
    PruneImages {
        all: bool,
    },
    Pull {
        job: u64,
        reference: String,
    },
    Push {
        job: u64,
        reference: String,
    },
    /// `docker save -o dest refs…` (the file must not exist yet; `~` is the home);
    /// `estimate`: the images' size, for the bar.
    SaveImages {
        job: u64,
        refs: Vec<String>,
        dest: String,
        estimate: u64,
    },
    /// `docker load -i src`.
    LoadImages {
        job: u64,
        src: String,
    },
    Build {
        job: u64,
        dir: String,
        tag: String,
        dockerfile: Option<String>,
        build_args: Vec<(String, String)>,
    },
    Tag {
        id: String,
        repo: String,
        tag: String,
    },
    Commit {
        container: String,
        repo: String,
        tag: String,
        author: String,
        message: String,
    },
    CreateVolume(String),
    /// List volumes with their sizes (the engine measures every volume: on request only).
    VolumeSizes,
    RemoveVolume(String),
    PruneVolumes,
    CreateNetwork {
        name: String,
        subnet: Option<String>,
    },
    RemoveNetwork(String),
    Connect {
        network: String,
        container: String,
        alias: Option<String>,
    },
    Disconnect {
        network: String,
        container: String,
    },
    PruneNetworks,
    SystemPrune,
    Run(Box<super::runform::RunSpec>),
    /// Pull the image (progress on job `job`), then create and start the container with
    /// these labels besides the spec's; the last line says what runs.
    Deploy {
        job: u64,
        spec: Box<super::runform::RunSpec>,
        labels: Vec<(String, String)>,
    },
    CancelJob(u64),
    /// The tasks of a service.
    Tasks(String),
    ChangeService {
        id: String,
        name: String,
        change: super::swarm::ServiceChange,
    },
    RemoveService {
        id: String,
        name: String,
    },
    /// `docker stack rm`: the stack's services, networks, secrets and configs.
    RemoveStack(String),
    /// `docker secret create NAME FILE` (or config): the file's content is the value.
    CreateSecret {
        kind: super::swarm::SecretKind,
        name: String,
        file: String,
    },
    RemoveSecret {
        kind: super::swarm::SecretKind,
        id: String,
        name: String,
    },
    /// Follow a service's logs (all its tasks), replacing the stream followed (None: close it).
    ServiceLogs(Option<ServiceLogsRequest>),
    /// `docker stack deploy` through the docker CLI, its output streamed as
    /// [`ResMsg::Job`]; cancelled with [`ResCmd::CancelJob`].
    DeployStack(StackDeploy),
    InspectService {
        id: String,
        name: String,
    },
    ChangeNode {
        id: String,
        name: String,
        change: super::swarm::NodeChange,
    },
    RemoveNode {
        id: String,
        name: String,
        force: bool,
    },
    /// `docker-compose down` through the API: each project's containers (only `service`'s
    /// when given), then its networks and, with `volumes`, its named volumes.
    ComposeDown {
        projects: Vec<String>,
        service: Option<String>,
        volumes: bool,
    },
    /// Run the compose CLI for a project (up, build, pull, scale), its output streamed;
    /// cancelled with [`ResCmd::CancelJob`].
    Compose(ComposeRun),
    /// The registries of `config.json` (the config's own are the view's).
    Registries,
    /// A registry's repositories.
    Catalog(super::registry::Registry),
    RegistryTags {
        registry: super::registry::Registry,
        repo: String,
    },
    /// What a tag points at.
    RegistryTag {
        registry: Box<super::registry::Registry>,
        repo: String,
        tag: String,
    },
    /// What each of these local tags (`host/repo:tag`) names in its registry now, for the
    /// outdated badge; `insecure`: hosts reached over plain HTTP.
    CheckTags {
        tags: Vec<String>,
        insecure: Vec<String>,
    },
    /// Tag `repo:tag` as `repo:to` in the registry (its manifest put under the new tag).
    Retag {
        registry: Box<super::registry::Registry>,
        repo: String,
        tag: String,
        to: String,
    },
    /// Delete a tag's manifest from its registry.
    DeleteTag {
        registry: Box<super::registry::Registry>,
        repo: String,
        tag: String,
        digest: String,
    },
}

/// `docker service logs -f --tail N SERVICE`: every task's lines, prefixed with the task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLogsRequest {
    /// The service's id.
    pub service: String,
    /// Its name, for the tasks' prefixes.
    pub name: String,
    pub generation: u64,
    pub tail: u64,
    pub follow: bool,
}

/// `docker stack deploy -c FILE STACK` against the engine dockside is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackDeploy {
    pub job: u64,
    pub stack: String,
    /// The compose file, as the user named it (a path on this machine).
    pub file: String,
    /// The engine dockside is on (`DOCKER_HOST` for the CLI); None: the environment's.
    pub host: Option<String>,
}

/// A compose CLI run: `docker compose -p PROJECT -f FILE… ARGS…` in the project's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeRun {
    pub job: u64,
    pub project: String,
    pub working_dir: String,
    pub files: Vec<String>,
    pub args: Vec<String>,
    /// The engine dockside is on (`DOCKER_HOST` for the CLI); None: the environment's.
    pub host: Option<String>,
}
