//! The networks view: subnets and members, create, remove, connect, disconnect, prune.

mod draw;

use crate::app::action::{Action, Handled};
use crate::app::keymap::Context;
use crate::app::msg::{Kind, ResCmd};
use crate::app::overlay::PromptKind;
use crate::app::resources::Network;

use super::list::{ListView, natural_cmp};
use super::{Cx, Shape};

#[derive(Default)]
pub struct NetworksView {
    /// None until the engine listed them.
    pub networks: Option<Vec<Network>>,
    pub list: ListView,
    pub error: Option<String>,
    /// The engines' names (for `host:NAME`).
    pub hosts: super::list::HostNames,
}

impl NetworksView {
    pub fn selected(&self) -> Option<&Network> {
        let nets = self.networks.as_ref()?;
        self.list.selected().and_then(|i| nets.get(i))
    }

    pub fn on_list(&mut self, r: Result<Vec<Network>, String>, cx: &mut Cx) -> Handled {
        match r {
            Ok(list) => {
                self.networks = Some(list);
                self.error = None;
                self.refilter(cx.filter, cx.page);
            }
            Err(e) => self.error = Some(e),
        }
        Handled::Redraw
    }
}

impl Shape for NetworksView {
    fn contexts(&self) -> &'static [Context] {
        &[Context::Networks, Context::List, Context::Global]
    }

    fn enter(&mut self, cx: &mut Cx) {
        super::watch_once(self.networks.is_some(), Kind::Networks, cx);
    }

    fn reconnected(&mut self, _shown: bool, cx: &mut Cx) {
        if self.networks.is_some() || self.error.take().is_some() {
            cx.send(ResCmd::Watch(Kind::Networks));
        }
    }

    fn list(&mut self) -> Option<&mut ListView> {
        Some(&mut self.list)
    }

    fn refilter(&mut self, filter: &str, page: usize) {
        if let Some(nets) = &self.networks {
            let (filter, keep) = self.hosts.split(filter);
            self.list.refilter_where(
                nets,
                &filter,
                page,
                |n, s| {
                    // Name, short id, driver, subnets and members.
                    s.push_str(&n.name);
                    s.push(' ');
                    s.push_str(n.short_id());
                    s.push(' ');
                    s.push_str(&n.driver);
                    for (sub, _) in &n.subnets {
                        s.push(' ');
                        s.push_str(sub);
                    }
                    for (c, _) in &n.containers {
                        s.push(' ');
                        s.push_str(c);
                    }
                },
                |a, b| natural_cmp(&a.name, &b.name).then(a.host.cmp(&b.host)),
                |n| format!("{:?}/{}", n.host, n.id),
                |n| super::list::host_kept(&keep, n.host),
            );
        }
    }

    fn select(&mut self, key: &str, page: usize) -> bool {
        let Some(nets) = &self.networks else {
            return false;
        };
        self.list
            .select_where(page, |i| nets.get(i).is_some_and(|n| n.id == key))
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Handled {
        let host = self.selected().and_then(|n| n.host);
        let selected = self.selected().map(|n| (n.id.clone(), n.name.clone()));
        match (action, selected) {
            (Action::Create, _) => cx.prompt(PromptKind::CreateNetwork, String::new()),
            (Action::Connect | Action::Disconnect, Some(_))
                if cx.elsewhere(host, "connect/disconnect") =>
            {
                Handled::Redraw
            }
            (Action::Remove, Some((id, name))) => cx.ask_on(
                host,
                format!("Remove network {name}? (y/n)"),
                ResCmd::RemoveNetwork(id),
                None,
            ),
            (Action::Connect, Some((_, network))) => {
                cx.prompt(PromptKind::Connect { network }, String::new())
            }
            (Action::Disconnect, Some((_, network))) => {
                cx.prompt(PromptKind::Disconnect { network }, String::new())
            }
            (Action::Remove | Action::Connect | Action::Disconnect, None) => Handled::Quiet,
            (Action::Prune, _) => {
                // What a prune removes: the networks of no container, but the engine's own.
                let unused: Vec<&str> = self
                    .networks
                    .iter()
                    .flatten()
                    .filter(|n| {
                        n.containers.is_empty()
                            && !matches!(n.name.as_str(), "bridge" | "host" | "none")
                    })
                    .map(|n| n.name.as_str())
                    .collect();
                let question = if unused.is_empty() {
                    "Prune unused networks? None is unused now: nothing would go. (y/n)".into()
                } else {
                    format!(
                        "Prune {} unused network{} ({})? (y/n)",
                        unused.len(),
                        if unused.len() == 1 { "" } else { "s" },
                        unused.join(", ")
                    )
                };
                cx.ask(question, ResCmd::PruneNetworks, None)
            }
            (Action::Clear, _) => Handled::Quiet,
            _ => Handled::No,
        }
    }

    fn draw_list(&self, f: &mut ratatui::Frame, area: ratatui::layout::Rect, dx: &super::Dx) {
        draw::list(self, f, area, dx);
    }

    fn draw_detail(&self, f: &mut ratatui::Frame, area: ratatui::layout::Rect, dx: &super::Dx) {
        draw::detail(self, f, area, dx);
    }
}
