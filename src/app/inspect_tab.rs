//! The inspect tab's state: the JSON kept as the engine gave it, the text shown built from
//! it (summary, then JSON: [`super::inspect`]), and the two toggles.

use super::action::Action;
use super::inspect::{Keys, text};
use super::keymap::Context;
use super::state::State;

fn keys(state: &State) -> Keys {
    let key = |a| {
        state
            .keymap
            .key_for(Context::Inspect, a)
            .unwrap_or_default()
    };
    Keys {
        raw: key(Action::RawJson),
        reveal: key(Action::Reveal),
    }
}

/// The text shown, from the JSON kept.
fn rebuild(state: &mut State, id: String) {
    let shown = text(
        &state.inspect_json,
        state.inspect_raw,
        state.inspect_reveal,
        &keys(state),
    );
    state.inspect = Some((id, shown));
    state.dirty = true;
}

/// An answer of `docker inspect`. Secrets revealed for one container are masked again for
/// the next.
pub(crate) fn on_inspect(state: &mut State, id: String, json: String) {
    if state.inspect.as_ref().map(|(i, _)| i) != Some(&id) {
        state.inspect_reveal = false;
    }
    state.inspect_json = json;
    rebuild(state, id);
}

/// `r` (the raw JSON alone or not) or `m` (secrets shown or not).
pub(crate) fn toggle(state: &mut State, raw: bool) {
    if raw {
        state.inspect_raw = !state.inspect_raw;
    } else {
        state.inspect_reveal = !state.inspect_reveal;
    }
    state.inspect_scroll = 0;
    if let Some((id, _)) = state.inspect.clone() {
        rebuild(state, id);
    }
}
