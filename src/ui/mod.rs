//! Drawing only, from `&State`. One file per pane.

pub mod command_palette;
pub mod containers;
pub mod exec;
pub mod files;
pub mod header;
pub mod inspect;
pub mod logs;
pub mod overlay;
pub mod stats;
pub mod status;
pub mod theme;
pub mod top;
pub mod util;

use ratatui::Frame;

use crate::app::State;
use crate::app::state::{DetailTab, Focus, Overlay};
use crate::views::View;
use theme::Theme;

pub fn draw(f: &mut Frame, state: &State) {
    let theme = Theme::with(state.color, state.palette);
    let areas = state.areas();
    header::draw(f, areas.header, state, &theme);
    if let Some(view) = state.views.get(state.view) {
        let hosts: Vec<_> = state
            .fleet
            .hosts
            .iter()
            .map(|h| (h.id, h.spec.name.clone()))
            .collect();
        let mut dx = crate::views::Dx {
            hosts: &hosts,
            theme: &theme,
            view: state.view,
            focused: state.focus == Focus::List,
            filter: &state.filter,
            now: state.now,
            utc_offset: state.utc_offset,
            width: f.area().width,
            keymap: &state.keymap,
            // Several engines: the resource views say which one they show.
            // (The images, volumes and networks lists merge every engine: a HOST column.)
            engine: match state.view {
                View::Engine | View::Services | View::Nodes | View::Projects
                    if state.fleet.several() =>
                {
                    Some(state.fleet.name(state.engine.id))
                }
                _ => None,
            },
        };
        if areas.list.height > 0 {
            view.draw_list(f, areas.list, &dx);
        }
        dx.focused = state.focus == Focus::Detail;
        if areas.detail.height > 0 {
            view.draw_detail(f, areas.detail, &dx);
        }
        status::draw(f, areas.status, state, &theme);
        overlays(f, state, &theme);
        return;
    }
    if areas.list.height > 0 {
        containers::draw(f, areas.list, state, &theme);
    }
    if areas.detail.height > 0 {
        let focused = state.focus == Focus::Detail;
        match state.tab {
            DetailTab::Logs => logs::draw(f, areas.detail, state, &theme, focused),
            DetailTab::Stats => stats::draw(f, areas.detail, state, &theme, focused),
            DetailTab::Inspect => inspect::draw(f, areas.detail, state, &theme, focused),
            DetailTab::Top => top::draw(f, areas.detail, state, &theme, focused),
            DetailTab::Files => files::draw(f, areas.detail, state, &theme, focused),
            DetailTab::Shells if state.exec.is_empty() => {
                inspect::empty_shells(f, areas.detail, state, &theme, focused)
            }
            DetailTab::Shells => {
                let leave = state.leave_key();
                exec::draw(f, areas.detail, &state.exec, focused, &leave, &theme)
            }
        }
    }
    status::draw(f, areas.status, state, &theme);
    overlays(f, state, &theme);
}

fn overlays(f: &mut Frame, state: &State, theme: &Theme) {
    let theme = *theme;
    match &state.overlay {
        Overlay::None => {}
        Overlay::Help => overlay::help(f, f.area(), state, &theme),
        Overlay::Confirm(c) => overlay::confirm(f, f.area(), c, &theme),
        Overlay::ConfirmAction { targets } => {
            let names: Vec<&str> = targets.iter().map(|(_, n, _)| n.as_str()).collect();
            let verb = targets.first().map_or("act on", |(_, _, a)| a.verb());
            let question = match names.as_slice() {
                [one] => format!("{} {one}? (y: {verb}, n: cancel)", capitalize(verb)),
                many => format!(
                    "{} {} containers ({})? (y: {verb}, n: cancel)",
                    capitalize(verb),
                    many.len(),
                    many.join(", ")
                ),
            };
            overlay::ask(f, f.area(), &question, &theme)
        }
        Overlay::Prompt { kind, text } => {
            // The run prompt validates as you type and shows the equivalent command.
            let hint = match kind {
                crate::app::state::PromptKind::Run { image } => {
                    Some(match crate::app::prompts::check_run(image, text) {
                        Ok(spec) => (true, spec.docker_command()),
                        Err(e) => (false, e),
                    })
                }
                _ => None,
            };
            overlay::prompt(f, f.area(), &kind.title(), text, hint, &theme)
        }
        Overlay::Output { title, text } => overlay::output(f, f.area(), title, text, &theme),
        Overlay::Ask { question, .. } => overlay::ask(f, f.area(), question, &theme),
        Overlay::Engines { list, sel } => {
            overlay::engines(f, f.area(), list, *sel, state.conn.addr(), &theme)
        }
        Overlay::Palette(p) => command_palette::draw(f, f.area(), state, p, &theme),
        Overlay::RunForm {
            form,
            field,
            purpose,
        } => overlay::run_form(f, f.area(), state, form, *field, purpose, &theme),
    }
}

/// "Kill" from "kill".
fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
