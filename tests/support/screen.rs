//! Drawing the app on a test backend, and driving it with messages and keys, for the
//! snapshot tests (no engine, no terminal).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use dockside::app::msg::Msg;
use dockside::app::{State, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Every snapshot is taken at both sizes.
pub const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];

/// The screen as text, at the state's size.
pub fn render(state: &State) -> String {
    let backend = TestBackend::new(state.width, state.height);
    let mut term = Terminal::new(backend).expect("terminal");
    term.draw(|f| dockside::ui::draw(f, state)).expect("draw");
    term.backend().to_string()
}

/// Apply one message; its commands are dropped.
pub fn send(s: &mut State, msg: Msg) {
    let mut out = Vec::new();
    update(s, msg, &mut out);
}

/// Press a key (shift for upper case, as a terminal sends it).
pub fn press(s: &mut State, code: KeyCode) {
    let mods = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    send(s, Msg::Key(KeyEvent::new(code, mods)));
}
