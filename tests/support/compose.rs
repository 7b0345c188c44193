//! A compose project brought up for a test with the compose CLI (Debian's docker-compose,
//! installed by scripts/engine.sh), taken down with its volumes however the test ends.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};

use super::engine::{self, docker, docker_ok, unique_name};

/// A compose project on the engine, taken down (with its volumes) and its files and image
/// tags removed however the test ends.
pub struct Stack {
    pub name: String,
    pub dir: PathBuf,
    pub file: PathBuf,
    pub tags: Vec<String>,
}

impl Stack {
    pub fn compose(&self, args: &[&str]) -> Output {
        let file = self.file.to_string_lossy().to_string();
        let mut all = vec!["-p", self.name.as_str(), "-f", file.as_str()];
        all.extend_from_slice(args);
        Command::new("docker-compose")
            .args(&all)
            .output()
            .expect("docker-compose runs (scripts/engine.sh installs it)")
    }

    pub fn compose_ok(&self, args: &[&str]) -> String {
        let out = self.compose(args);
        assert!(
            out.status.success(),
            "docker-compose {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `docker-compose ps`: container name → running.
    pub fn ps(&self) -> BTreeMap<String, bool> {
        let text = self.compose_ok(&["ps"]);
        text.lines()
            .skip_while(|l| !l.starts_with("---"))
            .skip(1)
            .filter_map(|l| {
                let name = l.split_whitespace().next()?;
                let up = l.split_whitespace().any(|w| w == "Up");
                Some((name.to_string(), up))
            })
            .collect()
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        let _ = self.compose(&["down", "-v", "--remove-orphans"]);
        for t in &self.tags {
            let _ = docker(&["rmi", "-f", t]);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// web, api ×2 (its own tag, to be moved), db with a named volume, worker stopped.
pub fn bring_up() -> Stack {
    let name = unique_name("dsproj");
    let image = engine::test_image();
    let api_tag = format!("dockside-test/{name}-api:latest");
    docker_ok(&["tag", &image, &api_tag]);
    let dir = std::env::temp_dir().join(&name);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("docker-compose.yml");
    let cmd = r#"["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]"#;
    let yml = format!(
        "version: \"2.4\"\nservices:\n  web:\n    image: {image}\n    command: {cmd}\n    links: [api]\n  api:\n    image: {api_tag}\n    command: {cmd}\n    links: [db]\n  db:\n    image: {image}\n    command: {cmd}\n    volumes: [\"data:/data\"]\n  worker:\n    image: {image}\n    command: {cmd}\nvolumes:\n  data: {{}}\n"
    );
    std::fs::write(&file, yml).expect("compose file");
    let stack = Stack {
        name,
        dir,
        file,
        tags: vec![api_tag],
    };
    stack.compose_ok(&["up", "-d", "--scale", "api=2"]);
    stack.compose_ok(&["stop", "worker"]);
    stack
}
