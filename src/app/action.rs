//! Everything a key (or a click) can ask for: one enum, the keymap's vocabulary. An action is
//! named in `assets/keymap.toml` by its snake_case name; an unknown name is an error when the
//! keymap loads, and every handler matches on the enum, so the compiler sees them all.

macro_rules! actions {
    ($($variant:ident => $name:literal $(: $mutates:ident)?),* $(,)?) => {
        /// A user action, as bound in the keymap.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $($variant),*
        }

        impl Action {
            /// Every action, in keymap order.
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];

            /// The name used in the keymap.
            pub fn name(self) -> &'static str {
                match self {
                    $(Action::$variant => $name),*
                }
            }

            /// Whether it changes something on the engine (refused in read-only mode). Each
            /// such action is marked `: mutates` in the table below.
            pub fn mutates(self) -> bool {
                match self {
                    $(Action::$variant => actions!(@mutates $($mutates)?)),*
                }
            }

            /// The action of a keymap name.
            pub fn from_name(name: &str) -> Option<Action> {
                match name {
                    $($name => Some(Action::$variant),)*
                    _ => None,
                }
            }
        }
    };
    (@mutates mutates) => {
        true
    };
    (@mutates) => {
        false
    };
}

actions! {
    // Everywhere.
    Quit => "quit",
    Help => "help",
    FocusNext => "focus_next",
    FocusPrev => "focus_prev",
    ViewContainers => "view_containers",
    ViewImages => "view_images",
    ViewVolumes => "view_volumes",
    ViewNetworks => "view_networks",
    ViewEngine => "view_engine",
    ViewEvents => "view_events",
    ViewCommands => "view_commands",
    ViewProjects => "view_projects",
    Engines => "engines",
    Palette => "palette",
    Messages => "messages",
    // Moving in lists and text.
    Down => "down",
    Up => "up",
    PageDown => "page_down",
    PageUp => "page_up",
    Top => "top",
    Bottom => "bottom",
    ScrollLeft => "scroll_left",
    ScrollRight => "scroll_right",
    ScrollUp => "scroll_up",
    ScrollDown => "scroll_down",
    Filter => "filter",
    Clear => "clear",
    SortNext => "sort_next",
    SortReverse => "sort_reverse",
    Mark => "mark",
    MarkProject => "mark_project",
    LogsMarked => "logs_marked",
    GroupProjects => "group_projects",
    Open => "open",
    Enter => "enter",
    // Containers.
    Start => "start": mutates,
    Stop => "stop": mutates,
    Restart => "restart": mutates,
    Pause => "pause": mutates,
    Kill => "kill": mutates,
    Remove => "remove": mutates,
    ToggleAll => "toggle_all",
    ToggleStats => "toggle_stats",
    UpdateLimits => "update_limits": mutates,
    Commit => "commit": mutates,
    ExecShell => "exec_shell": mutates,
    ExecCommand => "exec_command": mutates,
    ExecOnce => "exec_once": mutates,
    ExecHandoff => "exec_handoff": mutates,
    Attach => "attach": mutates,
    TabLogs => "tab_logs",
    TabStats => "tab_stats",
    TabInspect => "tab_inspect",
    TabTop => "tab_top",
    TabShells => "tab_shells",
    TabFiles => "tab_files",
    Parent => "parent",
    Changes => "changes",
    Download => "download",
    Upload => "upload": mutates,
    Export => "export",
    EditFile => "edit_file": mutates,
    Rename => "rename": mutates,
    UpdateImage => "update_image": mutates,
    CheckUpdates => "check_updates",
    RecreateForm => "recreate_form": mutates,
    Duplicate => "duplicate": mutates,
    // Logs and inspect text.
    Search => "search",
    Grep => "grep",
    NextMatch => "next_match",
    PrevMatch => "prev_match",
    Follow => "follow",
    Timestamps => "timestamps",
    Wrap => "wrap",
    Zoom => "zoom",
    SinceTail => "since_tail",
    Since1m => "since_1m",
    Since5m => "since_5m",
    Since15m => "since_15m",
    Since1h => "since_1h",
    SinceAll => "since_all",
    Save => "save",
    SaveAll => "save_all",
    Select => "select",
    Copy => "copy",
    RawJson => "raw_json",
    Reveal => "reveal",
    // Shell sessions.
    Leave => "leave",
    NextSession => "next_session",
    PrevSession => "prev_session",
    Close => "close",
    // Images, volumes, networks, engine, events.
    Inspect => "inspect",
    Pull => "pull": mutates,
    Push => "push": mutates,
    SaveImages => "save_images",
    LoadImages => "load_images": mutates,
    Build => "build": mutates,
    Tag => "tag": mutates,
    Run => "run": mutates,
    RunForm => "run_form": mutates,
    Prune => "prune": mutates,
    ToggleDangling => "toggle_dangling",
    Jobs => "jobs",
    Cancel => "cancel",
    Sizes => "sizes",
    Create => "create": mutates,
    Connect => "connect": mutates,
    Disconnect => "disconnect": mutates,
    SystemPrune => "system_prune": mutates,
    Refresh => "refresh",
    // Swarm.
    ViewServices => "view_services",
    ViewNodes => "view_nodes",
    ViewSecrets => "view_secrets",
    NextTab => "next_tab",
    // Registries.
    ViewRegistries => "view_registries",
    // Hosts (several engines).
    ViewHosts => "view_hosts",
    FocusHost => "focus_host",
    AllHosts => "all_hosts",
    ConnectHost => "connect_host",
    DisconnectHost => "disconnect_host",
    AddHost => "add_host",
    Deploy => "deploy": mutates,
    Compare => "compare",
    Scale => "scale",
    ForceUpdate => "force_update",
    Rollback => "rollback",
    RemoveStack => "remove_stack": mutates,
    DeployStack => "deploy_stack": mutates,
    Drain => "drain",
    EditLabels => "edit_labels": mutates,
    EditEnv => "edit_env": mutates,
    NextTask => "next_task",
    PrevTask => "prev_task",
    Activate => "activate",
    Promote => "promote",
    Demote => "demote",
    // Dialogs.
    Yes => "yes",
    No => "no",
    ToggleVolumes => "toggle_volumes",
    Force => "force",
    // Compose projects.
    ComposeUp => "compose_up",
    ComposeFile => "compose_file": mutates,
    Recreate => "recreate",
}

/// What a handler did with an action or a key: the root learns from it whether to look
/// further and whether to redraw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// Not for this handler: offer it to the next one.
    No,
    /// Taken; nothing visible changed.
    Quiet,
    /// Taken; the screen must be redrawn.
    Redraw,
}

impl Handled {
    pub fn taken(self) -> bool {
        self != Handled::No
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for a in Action::ALL {
            assert!(seen.insert(a.name()), "{} named twice", a.name());
            assert_eq!(Action::from_name(a.name()), Some(*a));
        }
        assert_eq!(Action::from_name("fly_to_moon"), None);
        assert_eq!(
            Action::from_name("none"),
            None,
            "`none` unbinds, it is no action"
        );
    }
}
