//! The hosts view: every engine of the fleet, how it is doing and what it holds; connect,
//! disconnect, focus one (show only its rows, and make it the engine the resource views
//! show), back to all, add one by address.

mod draw;

use crate::app::action::{Action, Handled};
use crate::app::engines::{FleetOp, HostFacts};
use crate::app::keymap::Context;
use crate::app::model::EngineId;
use crate::app::msg::ConnStatus;
use crate::app::overlay::PromptKind;

use super::list::{ListView, natural_cmp};
use super::{Cx, Goto, Shape};

/// One engine as the view shows it (copied from the root's fleet when it changes).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HostRow {
    pub id: EngineId,
    pub name: String,
    pub addr: String,
    pub source: String,
    pub conn: Option<ConnStatus>,
    pub down_since: Option<i64>,
    pub off: bool,
    pub facts: Option<HostFacts>,
    pub facts_error: Option<String>,
    pub running: usize,
    pub total: usize,
    /// The engine the resource views show.
    pub primary: bool,
    /// The only engine shown in the lists.
    pub focused: bool,
    /// Nothing that changes it is sent (`readonly` in its `[[engines]]` entry).
    pub readonly: bool,
}

impl HostRow {
    pub fn connected(&self) -> bool {
        !self.off && matches!(self.conn, Some(ConnStatus::Connected { .. }))
    }
}

#[derive(Default)]
pub struct HostsView {
    pub hosts: Vec<HostRow>,
    pub list: ListView,
    /// Engines marked for a deploy.
    pub marked: std::collections::BTreeSet<EngineId>,
}

impl HostsView {
    pub fn selected(&self) -> Option<&HostRow> {
        self.list.selected().and_then(|i| self.hosts.get(i))
    }

    /// The fleet changed (an engine connected, dropped, answered `docker info`, its
    /// containers changed): take the new rows, keeping the selection.
    pub fn sync(&mut self, hosts: Vec<HostRow>, filter: &str, page: usize) -> bool {
        if hosts == self.hosts {
            return false;
        }
        self.marked.retain(|m| hosts.iter().any(|h| h.id == *m));
        self.hosts = hosts;
        self.refilter(filter, page);
        true
    }
}

impl Shape for HostsView {
    fn contexts(&self) -> &'static [Context] {
        &[Context::Hosts, Context::List, Context::Global]
    }

    fn list(&mut self) -> Option<&mut ListView> {
        Some(&mut self.list)
    }

    fn refilter(&mut self, filter: &str, page: usize) {
        self.list.refilter(
            &self.hosts,
            filter,
            page,
            |h, s| {
                s.push_str(&h.name);
                s.push(' ');
                s.push_str(&h.addr);
            },
            |a, b| a.id.cmp(&b.id).then_with(|| natural_cmp(&a.name, &b.name)),
            |h| h.id.0.to_string(),
        );
    }

    fn select(&mut self, key: &str, page: usize) -> bool {
        let hosts = &self.hosts;
        self.list
            .select_where(page, |i| hosts.get(i).is_some_and(|h| h.name == key))
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Handled {
        let sel = self.selected().map(|h| (h.id, h.off));
        let op = match (action, sel) {
            (Action::FocusHost | Action::Enter | Action::Open, Some((id, _))) => FleetOp::Focus(id),
            (Action::AllHosts, _) => FleetOp::All,
            (Action::ConnectHost, Some((id, _))) => FleetOp::Connect(id),
            (Action::DisconnectHost, Some((id, _))) => FleetOp::Disconnect(id),
            (Action::Refresh, _) => FleetOp::Facts,
            (Action::Mark, Some((id, _))) => {
                if !self.marked.remove(&id) {
                    self.marked.insert(id);
                }
                self.list.go(1, cx.page);
                return Handled::Redraw;
            }
            (Action::Deploy, Some((id, _))) => {
                let mut hosts: Vec<EngineId> = self.marked.iter().copied().collect();
                if hosts.is_empty() {
                    hosts.push(id);
                }
                FleetOp::Deploy(hosts)
            }
            (Action::AddHost, _) => {
                return cx.prompt(PromptKind::AddHost, String::new());
            }
            (
                Action::FocusHost
                | Action::Enter
                | Action::Open
                | Action::ConnectHost
                | Action::DisconnectHost
                | Action::Mark
                | Action::Deploy,
                None,
            ) => return Handled::Quiet,
            _ => return Handled::No,
        };
        cx.goto = Some(Goto::Fleet(op));
        Handled::Redraw
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
    use crate::app::msg::Cmd;

    fn row(id: u32, name: &str) -> HostRow {
        HostRow {
            id: EngineId(id),
            name: name.into(),
            addr: format!("ssh://{name}"),
            ..Default::default()
        }
    }

    #[test]
    fn actions_ask_the_root_for_the_selected_engine() {
        let mut v = HostsView::default();
        assert!(v.sync(vec![row(0, "a"), row(1, "b")], "", 10));
        assert!(!v.sync(vec![row(0, "a"), row(1, "b")], "", 10), "same rows");
        let mut out: Vec<Cmd> = Vec::new();
        v.list.go(1, 10);
        let mut cx = Cx::new("", 10, 0, &mut out);
        assert_eq!(v.on_action(Action::FocusHost, &mut cx), Handled::Redraw);
        assert_eq!(cx.goto, Some(Goto::Fleet(FleetOp::Focus(EngineId(1)))));
        let mut cx = Cx::new("", 10, 0, &mut out);
        v.on_action(Action::DisconnectHost, &mut cx);
        assert_eq!(cx.goto, Some(Goto::Fleet(FleetOp::Disconnect(EngineId(1)))));
        let mut cx = Cx::new("", 10, 0, &mut out);
        v.on_action(Action::AllHosts, &mut cx);
        assert_eq!(cx.goto, Some(Goto::Fleet(FleetOp::All)));
        let mut cx = Cx::new("", 10, 0, &mut out);
        v.on_action(Action::AddHost, &mut cx);
        assert!(cx.overlay.is_some(), "asks for an address");
        // Deploy goes to the marked engines, else the selected one.
        let mut cx = Cx::new("", 10, 0, &mut out);
        v.on_action(Action::Deploy, &mut cx);
        assert_eq!(
            cx.goto,
            Some(Goto::Fleet(FleetOp::Deploy(vec![EngineId(1)])))
        );
        v.list.go(-1, 10);
        let mut cx = Cx::new("", 10, 0, &mut out);
        v.on_action(Action::Mark, &mut cx);
        v.on_action(Action::Mark, &mut cx);
        let mut cx = Cx::new("", 10, 0, &mut out);
        v.on_action(Action::Deploy, &mut cx);
        assert_eq!(
            cx.goto,
            Some(Goto::Fleet(FleetOp::Deploy(vec![EngineId(0), EngineId(1)])))
        );
    }
}
