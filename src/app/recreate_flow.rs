//! Update and recreate, as the user drives them: the keys ask, the requests leave (their
//! containers busy until answered), the answers give one line each and a summary, the run
//! form opens filled from a container and is sent back as a replace or a duplicate. Pure.

use super::action::Handled;
use super::msg::{Cmd, Req};
use super::overlay::{Overlay, StatusKind};
use super::recreate::{FormPurpose, How, Outcome, Recreate, Report, Target, copy_name};
use super::runform::{RunForm, RunSpec};
use super::state::State;

/// `u` on the containers list: ask, then pull each target's tag again and recreate those
/// whose image changed.
pub fn ask_update(state: &mut State, targets: Vec<Target>) -> Handled {
    if targets.is_empty() {
        state.set_status(StatusKind::Error, "no container selected");
        return Handled::Redraw;
    }
    let question = match targets.as_slice() {
        [t] => format!(
            "Update {}: pull {} again and, if it changed, recreate {} with the same configuration (the old one comes back if the new one fails)? (y/n)",
            t.name, t.image, t.name
        ),
        ts => format!(
            "Update {} containers: pull each one's image again and recreate those whose image changed, same configuration, one at a time (rolled back if a new one fails)? (y/n)",
            ts.len()
        ),
    };
    state.overlay = Overlay::Ask {
        question,
        yes: Req::Recreate(Box::new(Recreate {
            targets,
            how: How::Update,
        })),
        force: None,
    };
    Handled::Redraw
}

/// The request left (whoever asked it): mark its containers as busy and count the answers
/// to wait for.
pub fn sent(state: &mut State, r: &Recreate) {
    let busy = match r.how {
        How::Update => "Updating",
        How::Replace(_) => "Recreating",
        How::Duplicate(_) => "Duplicating",
    };
    if state.recreating.waiting == 0 {
        state.recreating.reports.clear();
    }
    state.recreating.waiting += r.targets.len();
    for t in &r.targets {
        state.pending.begin(&t.id, busy);
    }
    let what = match r.targets.as_slice() {
        [t] => format!("{busy} {}…", t.name),
        ts => format!("{busy} {} containers…", ts.len()),
    };
    state.set_status(StatusKind::Progress, what);
}

/// A container's answer: the status line says it (a summary when the last one is in); a
/// replaced selection follows its new container.
pub fn answered(state: &mut State, reports: Vec<Report>) {
    for r in reports {
        state.pending.finish(&r.id);
        if let Ok(Outcome::Replaced { new_id, .. } | Outcome::Duplicated { new_id, .. }) = &r.result
            && state.selected.as_deref() == Some(r.id.as_str())
        {
            if state.containers.contains_key(new_id) {
                state.selected = Some(new_id.clone());
                state.clamp_offset();
            } else {
                state.select_when_listed = Some(new_id.clone());
            }
        }
        state.recreating.waiting = state.recreating.waiting.saturating_sub(1);
        let line = r.line();
        let failed = r.failed();
        state.recreating.reports.push(r);
        if state.recreating.waiting > 0 {
            let kind = if failed {
                StatusKind::Error
            } else {
                StatusKind::Progress
            };
            state.set_status(kind, line);
        }
    }
    if state.recreating.waiting == 0 {
        let failed = state.recreating.reports.iter().any(Report::failed);
        let kind = if failed {
            StatusKind::Error
        } else {
            StatusKind::Info
        };
        let line = state.recreating.summary();
        state.set_status(kind, line);
    }
    state.dirty = true;
}

/// The run form for a container's configuration arrived: open it (unless something else
/// was opened meanwhile).
pub fn form_arrived(state: &mut State, purpose: FormPurpose, result: Result<Box<RunForm>, String>) {
    let mut form = match result {
        Ok(f) => f,
        Err(e) => {
            state.set_status(StatusKind::Error, format!("reading the configuration: {e}"));
            return;
        }
    };
    if state.overlay != Overlay::None {
        return;
    }
    if let FormPurpose::Duplicate { name, .. } = &purpose {
        let names: std::collections::HashSet<&str> =
            state.containers.values().map(|c| c.name.as_str()).collect();
        form.name = copy_name(name, |n| names.contains(n));
    }
    state.status = None;
    state.overlay = Overlay::RunForm {
        form,
        field: 0,
        purpose,
    };
    state.dirty = true;
}

/// The form was submitted with a checked `spec`: what to send (a recreate in place asks
/// first).
pub fn submit_form(state: &mut State, purpose: FormPurpose, spec: RunSpec, out: &mut Vec<Cmd>) {
    let (id, name) = match &purpose {
        FormPurpose::Run => return,
        FormPurpose::Replace { id, name } | FormPurpose::Duplicate { id, name } => {
            (id.clone(), name.clone())
        }
    };
    let image = spec.image.clone();
    let target = Target { id, name, image };
    match purpose {
        FormPurpose::Replace { name, .. } => {
            state.overlay = Overlay::Ask {
                question: format!(
                    "Replace {name} with this configuration: stop it, start the new one, remove the old one once the new one runs (it comes back if the new one fails)? (y/n)"
                ),
                yes: Req::Recreate(Box::new(Recreate {
                    targets: vec![target],
                    how: How::Replace(Box::new(spec)),
                })),
                force: None,
            };
        }
        _ => {
            state.overlay = Overlay::None;
            let r = Recreate {
                targets: vec![target],
                how: How::Duplicate(Box::new(spec)),
            };
            out.push(Cmd::Engine(Req::Recreate(Box::new(r))));
        }
    }
    state.dirty = true;
}
