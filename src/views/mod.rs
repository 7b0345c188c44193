//! The views. Each is one folder: its state, its reaction to actions and engine messages, and
//! its drawing, behind [`Shape`], the one small trait every view implements. The root
//! (`app::update`) routes keys overlay → focused pane → view → global and learns from the
//! returned [`Handled`] whether to redraw.
//!
//! A new view: a folder here with a type implementing [`Shape`], a variant of [`View`] and a
//! field of [`Views`] (both below), its keymap group (`assets/keymap.toml` and
//! `app::keymap::Context`), and its engine calls in `docker/`.
//!
//! The containers view, with its detail panes (logs, stats, inspect, processes, shells), is
//! the root's own: its state is the root state.

pub mod commands;
pub mod cx;
pub mod engine;
pub mod events;
pub mod hosts;
pub mod images;
pub mod list;
pub mod networks;
pub mod nodes;
pub mod projects;
pub mod registries;
pub mod secrets;
pub mod services;
pub mod volumes;
pub mod widgets;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::app::action::{Action, Handled};
use crate::app::keymap::Context;
use crate::app::msg::{Kind, ResCmd, ResMsg};

pub use cx::{Cx, Goto};
pub use list::{Cursor, ListView};
pub use widgets::Dx;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Containers,
    Images,
    Volumes,
    Networks,
    Engine,
    Events,
    Commands,
    Services,
    Nodes,
    Secrets,
    Projects,
    Registries,
    Hosts,
}

impl View {
    pub const ALL: [View; 13] = [
        View::Containers,
        View::Images,
        View::Volumes,
        View::Networks,
        View::Engine,
        View::Events,
        View::Projects,
        View::Services,
        View::Nodes,
        View::Secrets,
        View::Commands,
        View::Registries,
        View::Hosts,
    ];

    /// The global action that shows it (its key labels its tab).
    pub fn action(self) -> Action {
        match self {
            View::Containers => Action::ViewContainers,
            View::Images => Action::ViewImages,
            View::Volumes => Action::ViewVolumes,
            View::Networks => Action::ViewNetworks,
            View::Engine => Action::ViewEngine,
            View::Events => Action::ViewEvents,
            View::Commands => Action::ViewCommands,
            View::Services => Action::ViewServices,
            View::Nodes => Action::ViewNodes,
            View::Secrets => Action::ViewSecrets,
            View::Projects => Action::ViewProjects,
            View::Registries => Action::ViewRegistries,
            View::Hosts => Action::ViewHosts,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            View::Containers => "Containers",
            View::Images => "Images",
            View::Volumes => "Volumes",
            View::Networks => "Networks",
            View::Engine => "Engine",
            View::Events => "Events",
            View::Commands => "Commands",
            View::Services => "Services",
            View::Nodes => "Nodes",
            View::Secrets => "Secrets",
            View::Projects => "Projects",
            View::Registries => "Registries",
            View::Hosts => "Hosts",
        }
    }
}

/// The shape every view shares. Only `contexts`, `on_action` and the drawing are required.
pub trait Shape {
    /// Its keymap groups, most specific first, ending with the global one.
    fn contexts(&self) -> &'static [Context];

    /// It is shown: ask the engine for what it does not have yet.
    fn enter(&mut self, _cx: &mut Cx) {}

    /// A (re)connected engine: keep what was listed fresh, ask again for what failed
    /// (`shown`: the view is on screen).
    fn reconnected(&mut self, _shown: bool, _cx: &mut Cx) {}

    /// Its list, when it is one: moves, clicks and the filter work on it.
    fn list(&mut self) -> Option<&mut ListView> {
        None
    }

    /// Apply the filter (and the view's sort) to its rows.
    fn refilter(&mut self, _filter: &str, _page: usize) {}

    /// The selection moved.
    fn selection_changed(&mut self) {}

    /// Select the row of `key` (from elsewhere: an event, a go-to); false if not listed.
    fn select(&mut self, _key: &str, _page: usize) -> bool {
        false
    }

    /// An action bound in one of its contexts; `Handled::No` when it is not its own.
    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Handled;

    fn draw_list(&self, f: &mut Frame, area: Rect, dx: &Dx);

    fn draw_detail(&self, f: &mut Frame, area: Rect, dx: &Dx);
}

/// The state of every view but the containers view.
#[derive(Default)]
pub struct Views {
    pub images: images::ImagesView,
    pub volumes: volumes::VolumesView,
    pub networks: networks::NetworksView,
    pub engine: engine::EngineView,
    pub events: events::EventsView,
    pub commands: commands::CommandsView,
    pub services: services::ServicesView,
    pub nodes: nodes::NodesView,
    pub secrets: secrets::SecretsView,
    pub projects: projects::ProjectsView,
    pub registries: registries::RegistriesView,
    pub hosts: hosts::HostsView,
}

impl Views {
    pub fn get(&self, view: View) -> Option<&dyn Shape> {
        Some(match view {
            View::Containers => return None,
            View::Images => &self.images,
            View::Volumes => &self.volumes,
            View::Networks => &self.networks,
            View::Engine => &self.engine,
            View::Events => &self.events,
            View::Commands => &self.commands,
            View::Services => &self.services,
            View::Nodes => &self.nodes,
            View::Secrets => &self.secrets,
            View::Projects => &self.projects,
            View::Registries => &self.registries,
            View::Hosts => &self.hosts,
        })
    }

    pub fn get_mut(&mut self, view: View) -> Option<&mut dyn Shape> {
        Some(match view {
            View::Containers => return None,
            View::Images => &mut self.images,
            View::Volumes => &mut self.volumes,
            View::Networks => &mut self.networks,
            View::Engine => &mut self.engine,
            View::Events => &mut self.events,
            View::Commands => &mut self.commands,
            View::Services => &mut self.services,
            View::Nodes => &mut self.nodes,
            View::Secrets => &mut self.secrets,
            View::Projects => &mut self.projects,
            View::Registries => &mut self.registries,
            View::Hosts => &mut self.hosts,
        })
    }

    /// Every view but the containers view.
    pub fn all_mut(&mut self) -> [(View, &mut dyn Shape); 12] {
        [
            (View::Images, &mut self.images),
            (View::Volumes, &mut self.volumes),
            (View::Networks, &mut self.networks),
            (View::Engine, &mut self.engine),
            (View::Events, &mut self.events),
            (View::Commands, &mut self.commands),
            (View::Services, &mut self.services),
            (View::Nodes, &mut self.nodes),
            (View::Secrets, &mut self.secrets),
            (View::Projects, &mut self.projects),
            (View::Registries, &mut self.registries),
            (View::Hosts, &mut self.hosts),
        ]
    }

    /// The containers changed: the views derived from them follow (`filter` and `page`: of
    /// the view shown). True when the view shown changed.
    pub fn containers_changed<'a>(
        &mut self,
        containers: impl Iterator<Item = &'a crate::app::model::Container>,
        shown: View,
        filter: &str,
        page: usize,
    ) -> bool {
        let filter = if shown == View::Projects { filter } else { "" };
        self.projects.containers_changed(containers, filter, page);
        shown == View::Projects
    }

    /// An engine answer for a view, routed by its type to the view it belongs to. `Ran` and
    /// `Done` are the root's (they are about containers or the status line).
    pub fn on_msg(&mut self, msg: ResMsg, shown: View, cx: &mut Cx) -> Handled {
        let (owner, handled) = match msg {
            ResMsg::Images(r) => {
                // The projects view's outdated badge reads the images list too.
                let badges = self.projects.images_changed(&r);
                let handled = self.images.on_list(r, cx);
                if badges && shown == View::Projects {
                    return Handled::Redraw;
                }
                (View::Images, handled)
            }
            ResMsg::ImageDetail(r) => (View::Images, self.images.on_detail(r, cx)),
            ResMsg::Job { id, progress } if id >= services::FIRST_JOB => {
                (View::Services, self.services.on_job(id, progress, cx))
            }
            ResMsg::Job { id, progress } if id >= registries::FIRST_JOB => {
                (View::Registries, self.registries.on_job(id, progress, cx))
            }
            ResMsg::Job { id, progress } => (View::Images, self.images.on_job(id, progress, cx)),
            ResMsg::Volumes(r) => (View::Volumes, self.volumes.on_list(r, cx)),
            ResMsg::Networks(r) => (View::Networks, self.networks.on_list(r, cx)),
            ResMsg::Disk(r) => (View::Engine, self.engine.on_disk(r)),
            ResMsg::Info(r) => (View::Engine, self.engine.on_info(r, cx)),
            ResMsg::Services(r) => (View::Services, self.services.on_list(r, cx)),
            ResMsg::Service(s) => (View::Services, self.services.on_service(s, cx)),
            ResMsg::ServiceGone(id) => (View::Services, self.services.on_gone(&id, cx)),
            ResMsg::Tasks { service, result } => {
                (View::Services, self.services.on_tasks(service, result, cx))
            }
            ResMsg::ServiceLogs(ev) => (View::Services, self.services.on_logs(ev, cx)),
            ResMsg::ServiceInspect { name, result } => {
                (View::Services, self.services.on_inspect(name, result, cx))
            }
            ResMsg::Nodes(r) => (View::Nodes, self.nodes.on_list(r, cx)),
            ResMsg::Secrets { kind, result } => {
                (View::Secrets, self.secrets.on_list(kind, result, cx))
            }
            ResMsg::Node { id, node } => (View::Nodes, self.nodes.on_node(&id, node, cx)),
            ResMsg::Compose { job, progress } => {
                (View::Projects, self.projects.on_compose(job, progress, cx))
            }
            ResMsg::Registries(_)
            | ResMsg::Catalog { .. }
            | ResMsg::RegistryTags { .. }
            | ResMsg::RegistryTag { .. }
            | ResMsg::TagDeleted { .. }
            | ResMsg::Retagged { .. } => (View::Registries, self.registries.on_msg(msg, cx)),
            ResMsg::TagDigests(r) => (View::Images, self.images.on_digests(r, cx)),
            // The root's: about the fleet.
            ResMsg::HostFacts(_) => return Handled::No,
            ResMsg::Ran(_) | ResMsg::Done { .. } => return Handled::No,
        };
        // Only the view on screen needs a redraw (a status line set by any does too).
        if owner == shown || cx.status.is_some() {
            handled
        } else {
            Handled::Quiet
        }
    }
}

/// Ask for a list the engine keeps fresh from its events, unless it is here already.
pub(crate) fn watch_once(loaded: bool, kind: Kind, cx: &mut Cx) {
    if !loaded {
        cx.send(ResCmd::Watch(kind));
    }
}

/// A move in a list: how far.
pub(crate) fn move_delta(action: Action, page: usize) -> Option<i64> {
    let p = page as i64;
    Some(match action {
        Action::Down => 1,
        Action::Up => -1,
        Action::PageDown => p,
        Action::PageUp => -p,
        Action::Top => i64::MIN / 2,
        Action::Bottom => i64::MAX / 2,
        _ => return None,
    })
}
