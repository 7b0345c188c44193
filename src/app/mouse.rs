//! The mouse: a click selects a row, picks a detail tab or focuses a pane; the wheel moves
//! through what is under the pointer (pure).

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::action::{Action, Handled};
use super::containers::{detail_action, list_action};
use super::msg::Cmd;
use super::state::{DetailTab, Focus, Overlay, State};
use crate::views::View;

pub(super) fn on_mouse(state: &mut State, ev: MouseEvent, out: &mut Vec<Cmd>) {
    let click = matches!(ev.kind, MouseEventKind::Down(MouseButton::Left));
    match state.overlay {
        Overlay::None => {}
        // A click closes the help like a key does; other dialogs want an answer.
        Overlay::Help if click => {
            state.overlay = Overlay::None;
            state.dirty = true;
            return;
        }
        _ => return,
    }
    // While text is typed (filter, log search) the mouse does nothing.
    if state.filter.active || state.logs.input.is_some() {
        return;
    }
    let pos = Position::new(ev.column, ev.row);
    let areas = state.areas();
    let (in_list, in_detail) = (areas.list.contains(pos), areas.detail.contains(pos));
    let wheel = match ev.kind {
        MouseEventKind::ScrollDown => Some(Action::Down),
        MouseEventKind::ScrollUp => Some(Action::Up),
        _ => None,
    };
    if let Some(dir) = wheel {
        if in_list {
            scroll_list(state, dir, out);
        } else if in_detail {
            scroll_detail(state, dir, out);
        }
        return;
    }
    if !click {
        return;
    }
    if in_list {
        click_list(state, areas.list, pos, out);
    } else if in_detail {
        click_detail(state, areas.detail, pos, out);
    }
}

fn scroll_list(state: &mut State, dir: Action, out: &mut Vec<Cmd>) {
    if state.view == View::Containers {
        if list_action(state, dir, out) == Handled::Redraw {
            state.dirty = true;
        }
    } else {
        super::router::action(state, dir, out);
    }
    state.dirty = true;
}

fn scroll_detail(state: &mut State, dir: Action, out: &mut Vec<Cmd>) {
    if state.view != View::Containers {
        return;
    }
    if state.tab == DetailTab::Shells {
        let up = dir == Action::Up;
        if up {
            state.exec.scroll_up(3);
        } else {
            state.exec.scroll_down(3);
        }
        state.dirty = true;
        return;
    }
    for _ in 0..3 {
        if detail_action(state, dir, out) == Handled::Redraw {
            state.dirty = true;
        }
    }
}

/// A click on a data row selects it (the first two lines are the border and the header).
fn click_list(state: &mut State, list: Rect, pos: Position, out: &mut Vec<Cmd>) {
    let first = list.y.saturating_add(2);
    let last = list.y.saturating_add(list.height).saturating_sub(1);
    focus(state, Focus::List);
    if pos.y < first || pos.y >= last {
        return;
    }
    let row = usize::from(pos.y - first);
    if state.view != View::Containers {
        super::router::click_row(state, row);
        return;
    }
    if let Some(id) = state.rows.get(state.offset + row).cloned()
        && state.selected.as_ref() != Some(&id)
    {
        state.selected = Some(id);
        state.dirty = true;
        state.clamp_offset();
        super::containers::selection_changed(state, out);
    }
}

/// Focus a pane; a redraw only when the focus moves.
fn focus(state: &mut State, to: Focus) {
    if state.focus != to {
        state.focus = to;
        state.dirty = true;
    }
}

/// The tab under `x` on the detail pane's title line, as drawn by `ui::util::detail_block`:
/// a corner, a space, then the titles separated by " │ ".
pub fn tab_at(detail: Rect, x: u16) -> Option<DetailTab> {
    let mut start = detail.x.saturating_add(2);
    for tab in DetailTab::ALL {
        let w = tab.title().chars().count() as u16;
        if x >= start && x < start + w {
            return Some(tab);
        }
        start += w + 3;
    }
    None
}

fn click_detail(state: &mut State, detail: Rect, pos: Position, out: &mut Vec<Cmd>) {
    focus(state, Focus::Detail);
    // With sessions open, the shells pane's title holds their tabs, not the detail tabs.
    let session_tabs = state.tab == DetailTab::Shells && !state.exec.is_empty();
    if state.view != View::Containers || pos.y != detail.y || session_tabs {
        return;
    }
    let action = match tab_at(detail, pos.x) {
        Some(DetailTab::Logs) => Action::TabLogs,
        Some(DetailTab::Stats) => Action::TabStats,
        Some(DetailTab::Inspect) => Action::TabInspect,
        Some(DetailTab::Top) => Action::TabTop,
        Some(DetailTab::Shells) => Action::TabShells,
        Some(DetailTab::Files) => Action::TabFiles,
        None => return,
    };
    if list_action(state, action, out) == Handled::Redraw {
        state.dirty = true;
    }
    state.focus = Focus::Detail;
}
