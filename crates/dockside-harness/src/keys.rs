//! Keys the harness must type the way dockside's keymap says, not hard-coded.

use crossterm::event::KeyEvent;
use dockside::app::keymap::{Context, Keymap};

/// A key from dockside's keymap: the bytes a terminal sends for it and its label as the
/// UI shows it (`ctrl-g`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundKey {
    pub bytes: Vec<u8>,
    pub label: String,
}

/// The key that gives the keys back to dockside from a shell pane: the first key of the
/// `exec` context's `leave` action in the built-in keymap.
///
/// The one place that looks the binding up: adapt it here when the keymap's shape changes.
pub fn leave_shell() -> Result<BoundKey, String> {
    let keymap = Keymap::default_map();
    let key = keymap
        .bindings(Context::Exec)
        .iter()
        .find(|b| b.action == dockside::app::action::Action::Leave)
        .and_then(|b| b.keys.first().copied())
        .ok_or("the built-in keymap binds no key to `leave` in the exec context")?;
    let bytes = dockside::app::keys::encode_key(&KeyEvent::new(key.code, key.mods), false);
    if bytes.is_empty() {
        return Err(format!(
            "the leave key {} has no terminal encoding",
            key.label()
        ));
    }
    Ok(BoundKey {
        bytes,
        label: key.label(),
    })
}

/// The hint the shell pane's border shows while keys go to the shell.
pub fn leave_shell_hint(key: &BoundKey) -> String {
    format!("{} leaves the shell", key.label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leave_key_comes_from_the_keymap() {
        let key = leave_shell().unwrap_or_else(|e| panic!("{e}"));
        // Today's built-in binding: ctrl-g (BEL).
        assert_eq!(key.label, "ctrl-g");
        assert_eq!(key.bytes, vec![0x07]);
        assert_eq!(leave_shell_hint(&key), "ctrl-g leaves the shell");
    }
}
