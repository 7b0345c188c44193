//! What is shown over the screen and takes every key while open: the yes/no questions (remove,
//! prune…), the help, the engine picker. Their keys come from the keymap like any other.

use super::action::{Action, Handled};
use super::containers::issue;
use super::msg::{Cmd, ContainerAction};
use super::state::{Overlay, PromptKind, State, StatusKind};

/// An action of the overlay's context.
pub fn action(state: &mut State, action: Action, out: &mut Vec<Cmd>) -> Handled {
    let page = usize::from(state.height.saturating_sub(4)).max(1);
    let last = state.help_max_scroll();
    match (&mut state.overlay, action) {
        (Overlay::Help, Action::Down | Action::Up | Action::PageDown | Action::PageUp) => {
            let s = state.help_scroll;
            state.help_scroll = match action {
                Action::Down => (s + 1).min(last),
                Action::Up => s.saturating_sub(1),
                Action::PageDown => (s + page).min(last),
                _ => s.saturating_sub(page),
            };
        }
        (Overlay::Confirm(c), Action::Yes) => {
            let c = c.clone();
            state.overlay = Overlay::None;
            let action = ContainerAction::Remove {
                force: c.force,
                volumes: c.volumes,
            };
            for (id, name) in c.targets {
                issue(state, id, name, action, out);
            }
            state.marked.clear();
        }
        (Overlay::ConfirmAction { targets }, Action::Yes) => {
            let targets = std::mem::take(targets);
            state.overlay = Overlay::None;
            for (id, name, action) in targets {
                issue(state, id, name, action, out);
            }
            state.marked.clear();
        }
        // Nothing to toggle or force in a plain action.
        (Overlay::ConfirmAction { .. }, Action::ToggleVolumes | Action::Force) => {
            return Handled::Quiet;
        }
        (Overlay::Confirm(c), Action::ToggleVolumes) => c.volumes = !c.volumes,
        (Overlay::Confirm(c), Action::Force) => c.force = !c.force,
        (Overlay::Ask { yes, .. }, Action::Yes) => {
            out.push(yes.clone().into());
            state.overlay = Overlay::None;
        }
        (Overlay::Ask { force, .. }, Action::Force) => {
            // Only some questions offer force.
            let Some(force) = force.clone() else {
                return Handled::Quiet;
            };
            out.push(force.into());
            state.overlay = Overlay::None;
        }
        // Nothing to toggle in a plain question.
        (Overlay::Ask { .. }, Action::ToggleVolumes) => return Handled::Quiet,
        (Overlay::Confirm(_) | Overlay::ConfirmAction { .. } | Overlay::Ask { .. }, Action::No) => {
            state.overlay = Overlay::None
        }
        (Overlay::Engines { list, sel }, Action::Down) => *sel = (*sel + 1).min(list.len()),
        (Overlay::Engines { sel, .. }, Action::Up) => *sel = sel.saturating_sub(1),
        (Overlay::Engines { list, sel }, Action::Open) => match list.get(*sel).cloned() {
            Some(e) => {
                state.overlay = Overlay::None;
                let source = if e.name == "default" {
                    e.description.clone()
                } else {
                    format!("docker context `{}`", e.name)
                };
                super::switch::switch_engine(state, e.addr, source, out);
            }
            // The last row: another address.
            None => {
                state.overlay = Overlay::Prompt {
                    kind: PromptKind::Host,
                    text: String::new(),
                }
            }
        },
        (Overlay::Engines { list, sel }, Action::AddHost) => match list.get(*sel).cloned() {
            Some(e) => {
                state.overlay = Overlay::None;
                let (name, source) = if e.name == "default" {
                    (super::fleet::short_name(&e.addr), e.description.clone())
                } else {
                    (e.name.clone(), format!("docker context `{}`", e.name))
                };
                let spec = super::fleet::HostSpec {
                    name,
                    addr: e.addr,
                    source,
                    tls: None,
                    readonly: false,
                };
                super::fleet::apply_op(state, super::fleet::FleetOp::Add(spec), out);
            }
            None => {
                state.overlay = Overlay::Prompt {
                    kind: PromptKind::AddHost,
                    text: String::new(),
                }
            }
        },
        // Take a shown engine away (its rows go; the primary stays).
        (Overlay::Engines { list, sel }, Action::DisconnectHost) => {
            let Some(e) = list.get(*sel).cloned() else {
                return Handled::Quiet;
            };
            let shown = state
                .fleet
                .hosts
                .iter()
                .find(|h| h.spec.addr == e.addr && !h.off)
                .map(|h| h.id);
            match shown {
                Some(id) => {
                    state.overlay = Overlay::None;
                    super::fleet::apply_op(state, super::fleet::FleetOp::Disconnect(id), out);
                }
                None => state.set_status(StatusKind::Info, format!("{} is not shown", e.name)),
            }
        }
        (Overlay::Engines { .. }, Action::Close) => state.overlay = Overlay::None,
        _ => return Handled::No,
    }
    Handled::Redraw
}
