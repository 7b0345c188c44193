//! Extra engines of a test's own (`scripts/engine2.sh`): its own bridge, data root, exec
//! root, pid file and socket, beside the main engine and never touching it.

use super::engine;

fn script(args: &[&str]) -> std::process::Output {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/engine2.sh");
    std::process::Command::new(path)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {path}: {e}"))
}

/// A second engine, stopped (and its data root removed) when dropped.
pub struct Engine2 {
    pub name: String,
}

impl Engine2 {
    /// `None` when not root (skipped unless an engine is required).
    pub fn start(name: &str, args: &[&str]) -> Option<Engine2> {
        let uid = std::process::Command::new("id").arg("-u").output().ok()?;
        if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
            assert!(!engine::engine_required(), "a second engine needs root");
            eprintln!("skipping: a second engine needs root");
            return None;
        }
        let mut a = vec!["start", name];
        a.extend_from_slice(args);
        let out = script(&a);
        assert!(
            out.status.success(),
            "engine2 start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(Engine2 { name: name.into() })
    }

    pub fn sock(&self) -> String {
        let out = script(&["sock", &self.name]);
        format!("unix://{}", String::from_utf8_lossy(&out.stdout).trim())
    }

    /// Load an image of the main engine into it.
    pub fn load(&self, image: &str) {
        let out = script(&["load", &self.name, image]);
        assert!(
            out.status.success(),
            "engine2 load: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// SIGKILL its dockerd (an outage); `start` again brings it back.
    pub fn kill(&self) {
        let _ = script(&["kill", &self.name]);
    }

    /// Start it again after [`Engine2::kill`].
    pub fn restart(&self, args: &[&str]) {
        let mut a = vec!["start", self.name.as_str()];
        a.extend_from_slice(args);
        let out = script(&a);
        assert!(
            out.status.success(),
            "engine2 start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `docker -H <its socket> <args>`, panicking unless it succeeds; trimmed stdout.
    pub fn docker_ok(&self, args: &[&str]) -> String {
        let sock = self.sock();
        let mut a = vec!["-H", sock.as_str()];
        a.extend_from_slice(args);
        engine::docker_ok(&a)
    }
}

impl Drop for Engine2 {
    fn drop(&mut self) {
        let _ = script(&["stop", &self.name]);
    }
}
