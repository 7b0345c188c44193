//! Finding and connecting to the engine, the way the docker CLI does: `--host`, then
//! `DOCKER_HOST`, then the current `docker context`, then the default socket.

use std::path::PathBuf;

use bollard::Docker;

pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// Where the address came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub addr: String,
    pub source: String,
}

/// Resolve the engine address. `flag_host` is `-H/--host`; `flag_context` is `--context`.
pub fn resolve(flag_host: Option<&str>, flag_context: Option<&str>) -> Target {
    if let Some(h) = flag_host.filter(|h| !h.is_empty()) {
        return Target {
            addr: h.to_string(),
            source: "--host".into(),
        };
    }
    let env_context = std::env::var("DOCKER_CONTEXT").ok();
    if flag_context.is_none()
        && env_context.is_none()
        && let Ok(h) = std::env::var("DOCKER_HOST")
        && !h.is_empty()
    {
        return Target {
            addr: h,
            source: "DOCKER_HOST".into(),
        };
    }
    let config_dir = docker_config_dir();
    let context = flag_context
        .map(str::to_owned)
        .or(env_context)
        .or_else(|| current_context(&config_dir));
    if let Some(ctx) = context.filter(|c| c != "default")
        && let Some(addr) = context_host(&config_dir, &ctx)
    {
        return Target {
            addr,
            source: format!("docker context `{ctx}`"),
        };
    }
    Target {
        addr: DEFAULT_HOST.into(),
        source: "default socket".into(),
    }
}

fn docker_config_dir() -> PathBuf {
    if let Ok(d) = std::env::var("DOCKER_CONFIG") {
        return PathBuf::from(d);
    }
    directories::BaseDirs::new()
        .map(|b| b.home_dir().join(".docker"))
        .unwrap_or_else(|| PathBuf::from(".docker"))
}

fn current_context(dir: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("config.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("currentContext")?.as_str().map(str::to_owned)
}

/// Contexts live in `contexts/meta/<sha256(name)>/meta.json`; scan them rather than hash.
fn context_host(dir: &std::path::Path, name: &str) -> Option<String> {
    let meta = dir.join("contexts").join("meta");
    for entry in std::fs::read_dir(meta).ok()?.flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path().join("meta.json")) else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        if v.get("Name").and_then(|n| n.as_str()) == Some(name) {
            return v
                .pointer("/Endpoints/docker/Host")
                .and_then(|h| h.as_str())
                .map(str::to_owned);
        }
    }
    None
}

/// The engines to offer in the switcher: `default` (what `DOCKER_HOST` or the default
/// socket gives), then every docker context, sorted by name.
pub fn engine_choices() -> Vec<crate::app::msg::EngineChoice> {
    choices_in(&docker_config_dir(), std::env::var("DOCKER_HOST").ok())
}

fn choices_in(
    dir: &std::path::Path,
    docker_host: Option<String>,
) -> Vec<crate::app::msg::EngineChoice> {
    use crate::app::msg::EngineChoice;
    let default = match docker_host.filter(|h| !h.is_empty()) {
        Some(h) => EngineChoice {
            name: "default".into(),
            addr: h,
            description: "DOCKER_HOST".into(),
        },
        None => EngineChoice {
            name: "default".into(),
            addr: DEFAULT_HOST.into(),
            description: "default socket".into(),
        },
    };
    let mut contexts = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir.join("contexts").join("meta")) {
        for entry in entries.flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path().join("meta.json")) else {
                continue;
            };
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            let text = |p: &str| v.pointer(p).and_then(|x| x.as_str()).map(str::to_owned);
            let (Some(name), Some(addr)) = (text("/Name"), text("/Endpoints/docker/Host")) else {
                continue;
            };
            contexts.push(EngineChoice {
                name: crate::app::sanitize::plain(&name),
                addr,
                description: crate::app::sanitize::plain(
                    &text("/Metadata/Description").unwrap_or_default(),
                ),
            });
        }
    }
    contexts.sort_by(|a, b| a.name.cmp(&b.name));
    std::iter::once(default).chain(contexts).collect()
}

/// Build a client for `addr` (does not talk to the engine yet).
pub fn client(addr: &str) -> Result<Docker, String> {
    let addr = if addr.starts_with('/') {
        format!("unix://{addr}")
    } else {
        addr.to_string()
    };
    Docker::connect_with_host(&addr).map_err(|e| e.to_string())
}

/// A client pinned to API 1.41 (Docker 20.10), for the first list while the version is
/// negotiated. Only for unix sockets; `None` elsewhere.
pub fn pinned_client(addr: &str) -> Option<Docker> {
    let addr = if addr.starts_with('/') {
        format!("unix://{addr}")
    } else {
        addr.to_string()
    };
    if !addr.starts_with("unix://") {
        return None;
    }
    let v = bollard::ClientVersion {
        major_version: 1,
        minor_version: 41,
    };
    Docker::connect_with_unix(&addr, 120, &v).ok()
}

/// Connect and agree on an API version: one `/version` call.
pub async fn connect(addr: &str) -> Result<Docker, String> {
    let docker = client(addr)?;
    docker
        .negotiate_version()
        .await
        .map_err(|e| friendly_error(&e.to_string()))
}

/// Engine errors, shortened for a status line.
pub fn friendly_error(e: &str) -> String {
    let e = e.trim();
    if e.contains("No such file or directory") {
        return "no socket there (is the engine running?)".into();
    }
    if e.contains("Connection refused") {
        return "connection refused (is the engine running?)".into();
    }
    if e.contains("Permission denied") {
        return "permission denied (are you in the docker group?)".into();
    }
    // bollard: "Docker responded with status code 409: <message>"
    if let Some((_, msg)) = e.split_once("status code ")
        && let Some((_, m)) = msg.split_once(": ")
    {
        return m.trim().to_string();
    }
    e.to_string()
}

/// A bollard error, shortened by [`friendly_error`].
pub fn friendly(e: bollard::errors::Error) -> String {
    friendly_error(&e.to_string())
}

/// The engine's own message for an error when it gave one, else [`friendly`].
pub fn engine_error(e: bollard::errors::Error) -> String {
    use bollard::errors::Error;
    match e {
        Error::DockerStreamError { error } => error.trim().to_string(),
        Error::DockerResponseServerError { message, .. } => message.trim().to_string(),
        e => friendly(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_wins() {
        let t = resolve(Some("tcp://1.2.3.4:2375"), None);
        assert_eq!(t.addr, "tcp://1.2.3.4:2375");
        assert_eq!(t.source, "--host");
    }

    #[test]
    fn context_meta_is_read() {
        let dir = std::env::temp_dir().join(format!("dockside-ctx-{}", std::process::id()));
        let meta = dir.join("contexts/meta/abc");
        std::fs::create_dir_all(&meta).expect("mkdir");
        std::fs::write(
            meta.join("meta.json"),
            r#"{"Name":"remote","Endpoints":{"docker":{"Host":"ssh://me@box"}}}"#,
        )
        .expect("write");
        std::fs::write(dir.join("config.json"), r#"{"currentContext":"remote"}"#).expect("write");
        assert_eq!(current_context(&dir).as_deref(), Some("remote"));
        assert_eq!(
            context_host(&dir, "remote").as_deref(),
            Some("ssh://me@box")
        );
        assert_eq!(context_host(&dir, "other"), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn engine_choices_list_default_then_contexts() {
        let dir = std::env::temp_dir().join(format!("dockside-choices-{}", std::process::id()));
        for (hash, json) in [
            (
                "b",
                r#"{"Name":"prod","Metadata":{"Description":"the big one"},"Endpoints":{"docker":{"Host":"ssh://ops@prod"}}}"#,
            ),
            (
                "a",
                r#"{"Name":"lab","Endpoints":{"docker":{"Host":"tcp://lab:2376"}}}"#,
            ),
            ("c", "not json"),
        ] {
            let meta = dir.join("contexts/meta").join(hash);
            std::fs::create_dir_all(&meta).expect("mkdir");
            std::fs::write(meta.join("meta.json"), json).expect("write");
        }
        let got = choices_in(&dir, None);
        let names: Vec<(&str, &str, &str)> = got
            .iter()
            .map(|e| (e.name.as_str(), e.addr.as_str(), e.description.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("default", DEFAULT_HOST, "default socket"),
                ("lab", "tcp://lab:2376", ""),
                ("prod", "ssh://ops@prod", "the big one"),
            ]
        );
        let got = choices_in(&dir, Some("tcp://10.0.0.1:2375".into()));
        assert_eq!(got[0].addr, "tcp://10.0.0.1:2375");
        assert_eq!(got[0].description, "DOCKER_HOST");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn errors_are_shortened() {
        assert_eq!(
            friendly_error(
                "Docker responded with status code 409: You cannot remove a running container abc. Stop the container before attempting removal or force remove"
            ),
            "You cannot remove a running container abc. Stop the container before attempting removal or force remove"
        );
        assert_eq!(
            friendly_error("error trying to connect: Connection refused (os error 111)"),
            "connection refused (is the engine running?)"
        );
    }
}
