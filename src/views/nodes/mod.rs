//! The Swarm nodes view: hostname, role, leader, availability, status, engine, address,
//! resources, labels and tasks running; drain / pause / activate, promote / demote, remove.
//! Kept fresh from the engine's `node` events. On a worker or a plain engine, one line says
//! so.

mod draw;

use crate::app::action::{Action, Handled};
use crate::app::keymap::Context;
use crate::app::msg::{Kind, ResCmd};
use crate::app::overlay::PromptKind;
use crate::app::swarm::{Node, NodeChange};

use super::list::{ListView, natural_cmp};
use super::{Cx, Shape};

#[derive(Default)]
pub struct NodesView {
    /// None until the engine listed them.
    pub nodes: Option<Vec<Node>>,
    pub list: ListView,
    /// Why the last listing failed (shown instead of the list).
    pub error: Option<String>,
}

impl NodesView {
    pub fn selected(&self) -> Option<&Node> {
        let all = self.nodes.as_ref()?;
        self.list.selected().and_then(|i| all.get(i))
    }

    pub fn on_list(&mut self, r: Result<Vec<Node>, String>, cx: &mut Cx) -> Handled {
        match r {
            Ok(list) => {
                self.nodes = Some(list);
                self.error = None;
                self.refilter(cx.filter, cx.page);
            }
            Err(e) => {
                self.nodes = None;
                self.list = ListView::default();
                self.error = Some(e);
            }
        }
        Handled::Redraw
    }

    /// One node changed, came (`Some`) or went (`None`): the rest stays as it is.
    pub fn on_node(&mut self, id: &str, node: Option<Node>, cx: &mut Cx) -> Handled {
        let Some(all) = self.nodes.as_mut() else {
            return Handled::Quiet;
        };
        let at = all.iter().position(|n| n.id == id);
        match (at, node) {
            (Some(i), Some(n)) if all.get(i) == Some(&n) => return Handled::Quiet,
            (Some(i), Some(n)) => all[i] = n,
            (None, Some(n)) => all.push(n),
            (Some(i), None) => {
                all.remove(i);
            }
            (None, None) => return Handled::Quiet,
        }
        self.refilter(cx.filter, cx.page);
        Handled::Redraw
    }
}

impl Shape for NodesView {
    fn contexts(&self) -> &'static [Context] {
        &[Context::Nodes, Context::List, Context::Global]
    }

    fn enter(&mut self, cx: &mut Cx) {
        super::watch_once(self.nodes.is_some(), Kind::Nodes, cx);
    }

    fn reconnected(&mut self, shown: bool, cx: &mut Cx) {
        if self.nodes.is_some() || self.error.take().is_some() || shown {
            self.nodes = None;
            cx.send(ResCmd::Watch(Kind::Nodes));
        }
    }

    fn list(&mut self) -> Option<&mut ListView> {
        Some(&mut self.list)
    }

    fn refilter(&mut self, filter: &str, page: usize) {
        if let Some(all) = &self.nodes {
            self.list.refilter(
                all,
                filter,
                page,
                |n, h| {
                    h.push_str(&n.hostname);
                    h.push(' ');
                    h.push_str(&n.role);
                    h.push(' ');
                    h.push_str(&n.availability);
                    h.push(' ');
                    h.push_str(&n.status);
                    h.push(' ');
                    h.push_str(&n.addr);
                    h.push(' ');
                    h.push_str(n.short_id());
                    h.push(' ');
                    h.push_str(&n.labels_text());
                },
                // Managers first, then by hostname.
                |a, b| {
                    b.role
                        .cmp(&a.role)
                        .reverse()
                        .then_with(|| natural_cmp(&a.hostname, &b.hostname))
                        .then_with(|| a.id.cmp(&b.id))
                },
                |n| n.id.clone(),
            );
        }
    }

    fn select(&mut self, key: &str, page: usize) -> bool {
        let Some(all) = &self.nodes else {
            return false;
        };
        self.list
            .select_where(page, |i| all.get(i).is_some_and(|n| n.id == key))
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Handled {
        let Some(n) = self.selected() else {
            return match action {
                Action::Drain
                | Action::Pause
                | Action::Activate
                | Action::Promote
                | Action::Demote
                | Action::EditLabels
                | Action::Remove
                | Action::Clear => Handled::Quiet,
                _ => Handled::No,
            };
        };
        let (id, name) = (n.id.clone(), n.hostname.clone());
        let change = |change| ResCmd::ChangeNode {
            id: id.clone(),
            name: name.clone(),
            change,
        };
        match action {
            Action::Drain => cx.ask(
                format!("Drain {name}: its tasks move to other nodes? (y/n)"),
                change(NodeChange::Availability("drain")),
                None,
            ),
            Action::Pause => {
                cx.send(change(NodeChange::Availability("pause")));
                Handled::Quiet
            }
            Action::Activate => {
                cx.send(change(NodeChange::Availability("active")));
                Handled::Quiet
            }
            Action::Promote => cx.ask(
                format!("Promote {name} to manager? (y/n)"),
                change(NodeChange::Role("manager")),
                None,
            ),
            Action::Demote => cx.ask(
                format!("Demote {name} to worker? (y/n)"),
                change(NodeChange::Role("worker")),
                None,
            ),
            Action::EditLabels => cx.prompt(
                PromptKind::NodeLabels {
                    id: id.clone(),
                    name: name.clone(),
                },
                String::new(),
            ),
            Action::Remove => cx.ask(
                format!("Remove node {name} from the swarm? (y/n, f: force while it is up)"),
                ResCmd::RemoveNode {
                    id: id.clone(),
                    name: name.clone(),
                    force: false,
                },
                Some(ResCmd::RemoveNode {
                    id: id.clone(),
                    name: name.clone(),
                    force: true,
                }),
            ),
            Action::Clear => Handled::Quiet,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::msg::{Cmd, Req};
    use crate::app::overlay::Overlay;

    fn node(id: &str, host: &str, role: &str) -> Node {
        Node {
            id: id.into(),
            hostname: host.into(),
            role: role.into(),
            availability: "active".into(),
            status: "ready".into(),
            ..Node::default()
        }
    }

    #[test]
    fn one_node_changes_comes_and_goes() {
        let mut v = NodesView::default();
        let mut out = Vec::new();
        let mut cx = Cx::new("", 10, 0, &mut out);
        assert_eq!(
            v.on_node("x", Some(node("x", "early", "worker")), &mut cx),
            Handled::Quiet
        );
        v.on_list(Ok(vec![node("1", "m", "manager")]), &mut cx);
        v.on_node("2", Some(node("2", "w", "worker")), &mut cx);
        let mut paused = node("2", "w", "worker");
        paused.availability = "pause".into();
        v.on_node("2", Some(paused.clone()), &mut cx);
        assert_eq!(v.on_node("2", Some(paused), &mut cx), Handled::Quiet);
        let shown = |v: &NodesView| -> Vec<String> {
            v.nodes
                .iter()
                .flatten()
                .map(|n| format!("{} {}", n.hostname, n.availability))
                .collect()
        };
        assert_eq!(shown(&v), ["m active", "w pause"]);
        v.on_node("1", None, &mut cx);
        assert_eq!(shown(&v), ["w pause"]);
        assert_eq!(v.list.len(), 1);
    }

    #[test]
    fn managers_first_and_drain_asks_first() {
        let mut v = NodesView::default();
        let mut out = Vec::new();
        let mut cx = Cx::new("", 10, 0, &mut out);
        v.on_list(
            Ok(vec![
                node("w", "a-worker", "worker"),
                node("m", "z-manager", "manager"),
            ]),
            &mut cx,
        );
        assert_eq!(v.selected().map(|n| n.id.as_str()), Some("m"));
        v.on_action(Action::Drain, &mut cx);
        assert!(matches!(
            &cx.overlay,
            Some(Overlay::Ask {
                yes: Req::Res(ResCmd::ChangeNode {
                    change: NodeChange::Availability("drain"),
                    ..
                }),
                ..
            })
        ));
        v.on_action(Action::EditLabels, &mut cx);
        assert!(
            matches!(
                &cx.overlay,
                Some(Overlay::Prompt { kind: PromptKind::NodeLabels { id, .. }, text })
                    if id == "m" && text.is_empty()
            ),
            "L asks for the labels: {:?}",
            cx.overlay
        );
        v.on_action(Action::Activate, &mut cx);
        assert!(matches!(
            cx.out.last(),
            Some(Cmd::Engine(Req::Res(ResCmd::ChangeNode {
                change: NodeChange::Availability("active"),
                ..
            })))
        ));
    }
}
