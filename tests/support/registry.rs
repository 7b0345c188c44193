//! A plain registry of a test's own: Debian's `docker-registry` on a free loopback port
//! (engines pull from 127.0.0.0/8 over plain HTTP without configuration), stopped and its
//! storage removed when dropped.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Registry {
    child: Child,
    dir: PathBuf,
    pub port: u16,
}

impl Registry {
    /// `None` when `docker-registry` is not installed (fails when an engine is required:
    /// `.ci/run` installs it).
    pub fn start(name: &str) -> Option<Registry> {
        if Command::new("docker-registry")
            .arg("--version")
            .output()
            .is_err()
        {
            assert!(
                !super::engine::engine_required(),
                "docker-registry is not installed"
            );
            return None;
        }
        let dir =
            std::env::temp_dir().join(super::engine::unique_name(&format!("dockside-{name}")));
        std::fs::create_dir_all(dir.join("data")).unwrap_or_else(|e| panic!("mkdir: {e}"));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("no free port: {e}"));
        let yml = format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n",
            dir.join("data").display()
        );
        std::fs::write(dir.join("config.yml"), yml).unwrap_or_else(|e| panic!("config: {e}"));
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(dir.join("config.yml"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("docker-registry: {e}"));
        let up = super::engine::wait_until(Duration::from_secs(20), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        assert!(up, "registry {name} did not start");
        Some(Registry { child, dir, port })
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Push a local image of the main engine as `<this registry>/<repo>:<tag>`; the reference.
    pub fn push(&self, image: &str, repo: &str, tag: &str) -> String {
        let reference = format!("{}/{repo}:{tag}", self.host());
        super::engine::docker_ok(&["tag", image, &reference]);
        super::engine::docker_ok(&["push", &reference]);
        let _ = super::engine::docker(&["rmi", &reference]);
        reference
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
