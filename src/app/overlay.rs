//! What sits over the views (dialogs, prompts, the help) and the status line: plain data the
//! root state holds and every view may ask for.

use super::keymap::Context;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Progress,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMsg {
    pub text: String,
    pub kind: StatusKind,
    /// Unix seconds when it was set; info messages fade after a few seconds.
    pub at: i64,
}

/// The remove dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub targets: Vec<(String, String)>,
    pub any_running: bool,
    pub force: bool,
    pub volumes: bool,
}

/// What a one-line prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    /// `docker update` limits for a container.
    Update {
        id: String,
        name: String,
    },
    /// Open a shell session running a command, optionally as a user (`-u user cmd…`).
    ExecCommand {
        id: String,
        name: String,
    },
    /// A one-off, non-interactive command.
    ExecOnce {
        id: String,
        name: String,
    },
    Pull,
    Build,
    Tag {
        id: String,
        name: String,
    },
    Push,
    Run {
        image: String,
    },
    Commit {
        id: String,
        name: String,
    },
    CreateVolume,
    CreateNetwork,
    /// An engine to add beside the others (`unix://`, `tcp://`, `ssh://`).
    AddHost,
    /// A compose file to bring up (`PATH [PROJECT]`).
    ComposeFile,
    /// The environment of a deploy to these engines (one of `choices`, or none).
    DeployEnv {
        hosts: Vec<crate::app::model::EngineId>,
        choices: String,
    },
    Connect {
        network: String,
    },
    Disconnect {
        network: String,
    },
    /// Another engine's address (`unix://`, `tcp://`, `ssh://`).
    Host,
    /// Replicas for a Swarm service.
    Scale {
        id: String,
        name: String,
    },
    /// Labels of a Swarm node to add, change (`KEY=value`) or remove (`-KEY`).
    NodeLabels {
        id: String,
        name: String,
    },
    /// A Swarm service's environment (`env`) or labels to set (`KEY=value`) or remove
    /// (`-KEY`).
    ServiceKv {
        id: String,
        name: String,
        env: bool,
    },
    /// The image a Swarm service is updated to (its tag's digest now).
    ServiceImage {
        id: String,
        name: String,
    },
    /// `NAME FILE` of a new secret or config.
    CreateSecret(super::swarm::SecretKind),
    /// `FILE [STACK]` for `docker stack deploy`.
    DeployStack,
    /// How many containers a compose service should have (`run`'s args get `--scale`).
    ComposeScale {
        run: super::msg::ComposeRun,
        service: String,
    },
    /// The host directory a container's file or directory is copied to.
    Download {
        id: String,
        name: String,
        path: String,
    },
    /// A container's new name.
    Rename {
        id: String,
        name: String,
    },
    /// The host file a container's filesystem is exported to.
    Export {
        id: String,
        name: String,
    },
    /// The host file or directory copied into the container's directory `dir`.
    Upload {
        id: String,
        name: String,
        dir: String,
    },
    /// The host tar file images are saved to (`docker save`); `estimate`: their size.
    SaveImages {
        refs: Vec<String>,
        estimate: u64,
    },
    /// The host tar file images are loaded from (`docker load`).
    LoadImages,
    /// Another tag for `repo:tag`, written in its registry.
    RegistryRetag {
        registry: Box<super::registry::Registry>,
        repo: String,
        tag: String,
    },
}

impl PromptKind {
    pub fn title(&self) -> String {
        match self {
            PromptKind::Update { name, .. } => {
                format!("Update limits of {name} (memory=64m memory-swap=128m cpus=0.5)")
            }
            PromptKind::ExecCommand { name, .. } => {
                format!("Run in {name} (empty: login shell; `-u user` first to pick a user)")
            }
            PromptKind::ExecOnce { name, .. } => {
                format!("Run once in {name} (output and exit code shown)")
            }
            PromptKind::Pull => "Pull image: name[:tag] (e.g. 127.0.0.1:5000/app:v1)".into(),
            PromptKind::Build => {
                "Build: DIR -t NAME[:TAG] [-f Dockerfile] [--build-arg K=V]".into()
            }
            PromptKind::Tag { name, .. } => format!("Tag {name} as repo[:tag]"),
            PromptKind::Push => "Push: name[:tag]".into(),
            PromptKind::Run { image } => format!("docker run [options] {image} [-- command]"),
            PromptKind::Commit { name, .. } => {
                format!("Commit {name} as repo[:tag] [-a author] [-m message]")
            }
            PromptKind::CreateVolume => "New volume name".into(),
            PromptKind::CreateNetwork => "New network: NAME [SUBNET e.g. 10.10.0.0/24]".into(),
            PromptKind::DeployEnv { hosts, choices } => format!(
                "Deploy to {} engine(s), environment ({choices}; empty: none)",
                hosts.len()
            ),
            PromptKind::ComposeFile => {
                "Bring up a compose file: PATH [PROJECT NAME] (docker compose up -d)".into()
            }
            PromptKind::AddHost => {
                "Add an engine: [NAME=]ADDRESS (unix:///…sock, tcp://host:2376, ssh://user@host)"
                    .into()
            }
            PromptKind::Connect { network } => format!("Connect to {network}: CONTAINER [ALIAS]"),
            PromptKind::Disconnect { network } => format!("Disconnect from {network}: CONTAINER"),
            PromptKind::Host => {
                "Engine address: unix:///path.sock, tcp://host:2376 or ssh://user@host".into()
            }
            PromptKind::Scale { name, .. } => format!("Scale {name} to how many replicas?"),
            PromptKind::NodeLabels { name, .. } => {
                format!("Labels of node {name}: KEY=value adds or changes, -KEY removes")
            }
            PromptKind::ServiceKv { name, env, .. } => format!(
                "{} of {name}: KEY=value sets, -KEY removes{}",
                if *env { "Environment" } else { "Labels" },
                if *env { " (tasks restart)" } else { "" }
            ),
            PromptKind::ServiceImage { name, .. } => {
                format!("Update {name} to the digest this image's tag names now (rolling update)")
            }
            PromptKind::CreateSecret(kind) => format!(
                "New {}: NAME FILE (the file's content is the value{})",
                kind.noun(),
                if *kind == super::swarm::SecretKind::Secret {
                    "; never shown"
                } else {
                    ""
                }
            ),
            PromptKind::DeployStack => {
                "Deploy a stack: COMPOSE-FILE [STACK-NAME] (default: the file's directory)".into()
            }
            PromptKind::ComposeScale { run, service } => {
                format!("Scale {service} of {} to how many containers?", run.project)
            }
            PromptKind::Download { name, path, .. } => {
                format!("Download {name}:{path} into which directory of this host?")
            }
            PromptKind::Rename { name, .. } => format!("Rename {name} to"),
            PromptKind::Export { name, .. } => {
                format!("Export the filesystem of {name} to which tar file of this host?")
            }
            PromptKind::Upload { name, dir, .. } => {
                format!("Upload which host file or directory into {name}:{dir}?")
            }
            PromptKind::SaveImages { refs, .. } => match refs.as_slice() {
                [one] => format!("Save {one} (docker save) to which tar file of this host?"),
                many => format!(
                    "Save {} images (docker save) to which tar file of this host?",
                    many.len()
                ),
            },
            PromptKind::LoadImages => {
                "Load images (docker load) from which tar file of this host?".into()
            }
            PromptKind::RegistryRetag {
                registry,
                repo,
                tag,
            } => {
                format!("Tag {repo}:{tag} in {} as (new tag)", registry.host)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    None,
    Help,
    Confirm(Confirm),
    Prompt {
        kind: PromptKind,
        text: String,
    },
    /// Output of a one-off command.
    Output {
        title: String,
        text: String,
    },
    /// The `docker run` form; `field` is the index in `Field::ALL` being edited.
    RunForm {
        form: Box<super::runform::RunForm>,
        field: usize,
        /// A new container, or recreating or duplicating one.
        purpose: super::recreate::FormPurpose,
    },
    /// The engines to switch to: docker contexts and the default; `sel` is highlighted.
    Engines {
        list: Vec<super::msg::EngineChoice>,
        sel: usize,
    },
    /// Start, stop, restart, pause or kill these containers? (actions listed in `ui.confirm`)
    ConfirmAction {
        targets: Vec<(String, String, super::msg::ContainerAction)>,
    },
    /// The command palette (`:`).
    Palette(Box<super::command_palette::CommandPalette>),
    /// A yes/no question: `y` issues `yes`, `f` issues `force` when offered.
    Ask {
        question: String,
        yes: super::msg::Req,
        force: Option<super::msg::Req>,
    },
}

/// A text input line (filter).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Input {
    pub active: bool,
    pub text: String,
}

impl Overlay {
    /// The keymap context of the overlay shown, if it takes keys through the keymap (prompts and
    /// the run form edit text; an output closes on any key).
    pub fn context(&self) -> Option<Context> {
        match self {
            Overlay::Confirm(_) | Overlay::ConfirmAction { .. } | Overlay::Ask { .. } => {
                Some(Context::Dialog)
            }
            Overlay::Help => Some(Context::HelpPage),
            Overlay::Engines { .. } => Some(Context::Picker),
            Overlay::Palette(_) => Some(Context::Palette),
            Overlay::None
            | Overlay::Prompt { .. }
            | Overlay::Output { .. }
            | Overlay::RunForm { .. } => None,
        }
    }
}
