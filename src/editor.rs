//! Editing a container's file in the user's editor (runtime side). The file was fetched by
//! the docker layer into a private scratch file ([`crate::scratch`]); here the UI is
//! suspended, `$VISUAL`/`$EDITOR`/`vi` runs on it in the user's terminal, the UI comes back
//! with a full redraw, and the app hears whether the file changed
//! ([`FilesMsg::Edited`]); the app then has it written back. The scratch copy goes with the
//! last handle on the file, whichever way this ends.

use crossterm::event::EventStream;
use tokio::sync::mpsc;

use crate::app::Msg;
use crate::app::files::{EditFile, EditOutcome, FilesMsg, editor_command};
use crate::term;

/// The editor the user chose in the environment.
pub fn editor_from_env() -> String {
    let var = |k: &str| std::env::var(k).ok();
    editor_command(var("VISUAL").as_deref(), var("EDITOR").as_deref())
}

/// Run `editor` on the file's scratch copy (in the terminal as it is) and say what changed.
/// The editor is run by `sh` as git runs it, so `code --wait` or `vim -u NONE` work. A
/// failing editor writes nothing back.
pub async fn run_editor(editor: &str, file: &EditFile) -> EditOutcome {
    let before = match tokio::fs::read(&file.local).await {
        Ok(b) => b,
        Err(e) => {
            return EditOutcome::Failed(format!(
                "cannot read the copy of {}:{}: {e}",
                file.name, file.path
            ));
        }
    };
    let status = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(editor)
        .arg(&file.local)
        .kill_on_drop(true)
        .status()
        .await;
    let nothing = format!("nothing written to {}:{}", file.name, file.path);
    match status {
        Err(e) => return EditOutcome::Failed(format!("cannot run `{editor}`: {e}; {nothing}")),
        Ok(s) if s.code() == Some(127) => {
            return EditOutcome::Failed(format!(
                "the editor `{editor}` was not found (set VISUAL or EDITOR); {nothing}"
            ));
        }
        Ok(s) if !s.success() => {
            return EditOutcome::Failed(format!("the editor `{editor}` failed ({s}); {nothing}"));
        }
        Ok(_) => {}
    }
    match tokio::fs::read(&file.local).await {
        Ok(after) if after == before => EditOutcome::Unchanged,
        Ok(after) => EditOutcome::Changed(after.len() as u64),
        Err(e) => EditOutcome::Failed(format!("the edited copy is gone ({e}); {nothing}")),
    }
}

/// Suspend the UI, edit the file, come back to the same screen (redrawn in full) and tell
/// the app. Keys are not read meanwhile: the editor gets them all.
pub async fn edit(
    file: EditFile,
    input: &mut Option<EventStream>,
    terminal: &mut term::Term,
    tx: &mpsc::Sender<Msg>,
) -> Result<(), String> {
    let editor = editor_from_env();
    drop(input.take());
    term::restore();
    println!(
        "dockside: editing {}:{} in {editor}; save and quit to write it back.\r",
        file.name, file.path
    );
    let outcome = run_editor(&editor, &file).await;
    term::enter().map_err(|e| format!("cannot restore the terminal: {e}"))?;
    let _ = terminal.clear();
    *input = Some(EventStream::new());
    let _ = tx
        .send(Msg::Files(FilesMsg::Edited {
            file: Box::new(file),
            outcome,
        }))
        .await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scratch::Scratch;

    fn file(text: &str) -> EditFile {
        let s = Scratch::new("dockside-test-editor").expect("scratch");
        let local = s.write_new("app.conf", text.as_bytes()).expect("copy");
        EditFile {
            id: "c".into(),
            name: "web".into(),
            path: "/etc/app.conf".into(),
            local,
            scratch: s,
            size: text.len() as u64,
            mode: 0o644,
            uid: 0,
            gid: 0,
            user: String::new(),
            group: String::new(),
        }
    }

    #[tokio::test]
    async fn what_the_editor_did() {
        let f = file("a=1\n");
        assert_eq!(run_editor("true", &f).await, EditOutcome::Unchanged);
        // Saved with the same text: unchanged too.
        assert_eq!(
            run_editor("sed -i s/a=1/a=1/", &f).await,
            EditOutcome::Unchanged
        );
        assert_eq!(
            run_editor("sed -i s/a=1/a=22/", &f).await,
            EditOutcome::Changed(5)
        );
        let failed = run_editor("false", &f).await;
        assert!(
            matches!(&failed, EditOutcome::Failed(e) if e.contains("failed") && e.contains("nothing written to web:/etc/app.conf")),
            "{failed:?}"
        );
        let missing = run_editor("dockside-no-such-editor", &f).await;
        assert!(
            matches!(&missing, EditOutcome::Failed(e) if e.contains("not found")),
            "{missing:?}"
        );
        let gone = run_editor("rm", &f).await;
        assert!(
            matches!(&gone, EditOutcome::Failed(e) if e.contains("gone")),
            "{gone:?}"
        );
        let dir = f.scratch.path().to_path_buf();
        drop(f);
        assert!(!dir.exists(), "the scratch copy goes with the file");
    }
}
