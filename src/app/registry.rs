//! Registries as the registries view knows them: where they are, and what a tag holds. Plain
//! data; `docker/registry.rs` fills it from the registry's HTTP API.

use serde::Deserialize;

/// A `[[registries]]` entry of the config.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryConfig {
    pub name: String,
    /// `host[:port]`, with or without `https://`.
    pub url: String,
    /// Plain HTTP (like the engine's `insecure-registries`).
    #[serde(default)]
    pub insecure: bool,
}

/// A registry to browse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    pub name: String,
    /// `host[:port]` (`docker.io` for Docker Hub).
    pub host: String,
    pub insecure: bool,
    /// Where it was found: `config`, `config.json`, `credsStore desktop`, …
    pub source: String,
}

impl Registry {
    pub fn from_config(c: &RegistryConfig) -> Registry {
        Registry {
            name: c.name.clone(),
            host: host_of(&c.url),
            insecure: c.insecure,
            source: "config".into(),
        }
    }

    /// The reference the engine pulls: `host/repo:tag` (`repo:tag` on Docker Hub).
    pub fn reference(&self, repo: &str, tag: &str) -> String {
        if self.host == "docker.io" {
            format!("{repo}:{tag}")
        } else {
            format!("{}/{repo}:{tag}", self.host)
        }
    }
}

/// `https://Index.docker.io/v1/` → `docker.io`, `http://h:5000/v2/` → `h:5000`.
pub fn host_of(url: &str) -> String {
    let k = url.trim();
    let k = k
        .strip_prefix("https://")
        .or_else(|| k.strip_prefix("http://"))
        .unwrap_or(k);
    let host = k.split('/').next().unwrap_or(k).to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            "docker.io".into()
        }
        _ => host,
    }
}

/// A layer (or the config blob) of an image manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub digest: String,
    pub size: u64,
}

/// What a tag points at.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TagInfo {
    /// The manifest's digest (`Docker-Content-Digest`).
    pub digest: String,
    pub media_type: String,
    /// Config and layers of the image described (the first platform of an index).
    pub size: u64,
    /// RFC 3339, from the image config.
    pub created: Option<String>,
    /// `linux/amd64`, `linux/arm64/v8`…: every platform of an index, or the image's own.
    pub platforms: Vec<String>,
    pub labels: Vec<(String, String)>,
    pub layers: Vec<Layer>,
}

impl TagInfo {
    pub fn is_index(&self) -> bool {
        self.media_type.contains("manifest.list") || self.media_type.contains("image.index")
    }
}

/// Two tags side by side: created, size, platforms, then the layers they share and do not.
pub fn compare(a_name: &str, a: &TagInfo, b_name: &str, b: &TagInfo) -> Vec<String> {
    let mut out = vec![
        format!("{a_name} ↔ {b_name}"),
        format!(
            "created   {} ↔ {}",
            a.created.as_deref().unwrap_or("?"),
            b.created.as_deref().unwrap_or("?")
        ),
        format!(
            "size      {} ↔ {}",
            crate::app::resources::human_size(a.size),
            crate::app::resources::human_size(b.size)
        ),
        format!(
            "platforms {} ↔ {}",
            a.platforms.join(","),
            b.platforms.join(",")
        ),
    ];
    if a.digest == b.digest {
        out.push("same manifest digest: the two tags are one image".into());
        return out;
    }
    let shared = a
        .layers
        .iter()
        .filter(|l| b.layers.iter().any(|m| m.digest == l.digest))
        .count();
    out.push(format!(
        "layers    {} ↔ {} ({shared} shared)",
        a.layers.len(),
        b.layers.len()
    ));
    for l in &a.layers {
        if !b.layers.iter().any(|m| m.digest == l.digest) {
            out.push(format!("- {} {}", short_digest(&l.digest), l.size));
        }
    }
    for l in &b.layers {
        if !a.layers.iter().any(|m| m.digest == l.digest) {
            out.push(format!("+ {} {}", short_digest(&l.digest), l.size));
        }
    }
    out
}

/// `sha256:0123456789ab…` → `sha256:0123456789ab`.
pub fn short_digest(d: &str) -> String {
    match d.split_once(':') {
        Some((alg, hex)) => format!("{alg}:{}", hex.get(..12).unwrap_or(hex)),
        None => d.get(..19).unwrap_or(d).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_references() {
        assert_eq!(host_of("https://index.docker.io/v1/"), "docker.io");
        assert_eq!(host_of("http://Reg.Example:5000/v2/"), "reg.example:5000");
        assert_eq!(host_of("127.0.0.1:5000"), "127.0.0.1:5000");
        let r = Registry::from_config(&RegistryConfig {
            name: "lab".into(),
            url: "https://lab:5443".into(),
            insecure: false,
        });
        assert_eq!(r.reference("team/web", "1.2"), "lab:5443/team/web:1.2");
        let hub = Registry {
            host: "docker.io".into(),
            ..r
        };
        assert_eq!(hub.reference("library/busybox", "1"), "library/busybox:1");
    }

    #[test]
    fn comparing_two_tags_lists_the_layers_that_differ() {
        let l = |d: &str, size| Layer {
            digest: format!("sha256:{d}"),
            size,
        };
        let a = TagInfo {
            digest: "sha256:aa".into(),
            size: 300,
            created: Some("2024-01-01T00:00:00Z".into()),
            platforms: vec!["linux/amd64".into()],
            layers: vec![l("base", 100), l("old", 200)],
            ..TagInfo::default()
        };
        let b = TagInfo {
            digest: "sha256:bb".into(),
            layers: vec![l("base", 100), l("new", 50)],
            ..a.clone()
        };
        let lines = compare("web:1", &a, "web:2", &b);
        assert!(
            lines.contains(&"layers    2 ↔ 2 (1 shared)".to_string()),
            "{lines:?}"
        );
        assert!(lines.contains(&"- sha256:old 200".to_string()), "{lines:?}");
        assert!(lines.contains(&"+ sha256:new 50".to_string()), "{lines:?}");
        let same = compare("a", &a, "b", &a);
        assert!(same.last().is_some_and(|s| s.contains("one image")));
    }
}
