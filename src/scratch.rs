//! A private scratch directory (mode 0700, a fresh name under the system's temp directory)
//! that is removed, with everything in it, when its last handle goes: the file edited in
//! `$EDITOR` lives in one while it travels between the engine, the app and the editor, and
//! whatever path it takes (written back, unchanged, refused, dropped on quit), it is gone
//! afterwards.

use std::fmt;
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT: AtomicU64 = AtomicU64::new(0);

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A handle on the directory; clones share it.
#[derive(Clone)]
pub struct Scratch(Arc<Dir>);

impl Scratch {
    /// A new directory `PREFIX-PID-N-NANOS` in the temp directory, readable by this user
    /// only. Created with `mkdir` (which fails on an existing name or link), never reused.
    pub fn new(prefix: &str) -> io::Result<Scratch> {
        Scratch::new_in(&std::env::temp_dir(), prefix)
    }

    pub fn new_in(parent: &Path, prefix: &str) -> io::Result<Scratch> {
        let mut last = None;
        for _ in 0..16 {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = parent.join(format!("{prefix}-{}-{n}-{nanos}", std::process::id()));
            match std::fs::DirBuilder::new().mode(0o700).create(&path) {
                Ok(()) => return Ok(Scratch(Arc::new(Dir(path)))),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| io::Error::other("no free name")))
    }

    pub fn path(&self) -> &Path {
        &self.0.0
    }

    /// Create `name` in the directory (mode 0600; it must not exist) holding `bytes`.
    pub fn write_new(&self, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
        use std::io::Write;
        if name.is_empty() || name.contains('/') || name == "." || name == ".." {
            return Err(io::Error::other(format!("not a file name: {name:?}")));
        }
        let path = self.path().join(name);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        Ok(path)
    }
}

impl fmt::Debug for Scratch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scratch({})", self.path().display())
    }
}

impl PartialEq for Scratch {
    fn eq(&self, other: &Self) -> bool {
        self.path() == other.path()
    }
}

impl Eq for Scratch {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn private_and_removed_with_the_last_handle() {
        let s = Scratch::new("dockside-test-scratch").expect("scratch");
        let dir = s.path().to_path_buf();
        let mode = std::fs::metadata(&dir).expect("dir").permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        let f = s.write_new("app.conf", b"a=1\n").expect("file");
        let mode = std::fs::metadata(&f).expect("file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(std::fs::read(&f).expect("read"), b"a=1\n");
        assert!(
            s.write_new("app.conf", b"again").is_err(),
            "never overwritten"
        );
        assert!(s.write_new("../x", b"").is_err(), "stays inside");
        let other = s.clone();
        drop(s);
        assert!(dir.exists(), "a handle is left");
        drop(other);
        assert!(!dir.exists(), "removed with the last handle");
    }

    #[test]
    fn each_is_new() {
        let a = Scratch::new("dockside-test-scratch").expect("a");
        let b = Scratch::new("dockside-test-scratch").expect("b");
        assert_ne!(a, b);
        assert_eq!(a, a.clone());
    }
}
