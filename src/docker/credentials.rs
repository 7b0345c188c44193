//! Registry credentials from the docker CLI's `config.json` (`$DOCKER_CONFIG`, else
//! `~/.docker`): the `auths` entry of a registry (base64 `user:password` in `auth`, or
//! `identitytoken`). Credential helpers (`credsStore`, `credHelpers`) are not run: images
//! on registries whose credentials live only in a helper are pulled and pushed anonymously.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use bollard::auth::DockerCredentials;

/// Standard base64 with or without its `=` padding, as the docker CLI writes and accepts.
const STANDARD_ANY_PAD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// URL-safe base64 (`-`, `_`), padded or not: some tools write `auth` that way.
const URL_SAFE_ANY_PAD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// An `auth` field's bytes: base64 (standard or URL-safe alphabet, padding optional),
/// whitespace around or inside ignored.
fn decode_auth(s: &str) -> Option<Vec<u8>> {
    let compact: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD_ANY_PAD
        .decode(&compact)
        .or_else(|_| URL_SAFE_ANY_PAD.decode(&compact))
        .ok()
}

pub(crate) fn docker_config_file() -> PathBuf {
    if let Ok(d) = std::env::var("DOCKER_CONFIG")
        && !d.is_empty()
    {
        return PathBuf::from(d).join("config.json");
    }
    directories::BaseDirs::new()
        .map(|b| b.home_dir().join(".docker"))
        .unwrap_or_else(|| PathBuf::from(".docker"))
        .join("config.json")
}

/// `https://index.docker.io/v1/` → `docker.io`, `http://h:5000/v2/` → `h:5000`.
fn normalize_registry(key: &str) -> String {
    let k = key.trim();
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

fn entry_credentials(key: &str, entry: &serde_json::Value) -> Option<DockerCredentials> {
    let field = |name: &str| {
        entry
            .get(name)
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let mut creds = DockerCredentials {
        serveraddress: Some(key.to_string()),
        username: field("username"),
        password: field("password"),
        identitytoken: field("identitytoken"),
        ..DockerCredentials::default()
    };
    if let Some(auth) = field("auth") {
        let decoded = String::from_utf8(decode_auth(&auth)?).ok()?;
        let (user, pass) = decoded.split_once(':')?;
        creds.username = Some(user.to_string());
        creds.password = Some(pass.to_string());
    }
    (creds.username.is_some() || creds.identitytoken.is_some()).then_some(creds)
}

/// Every registry's credentials in a `config.json`, keyed as written there.
pub fn all_credentials_from_config(config_json: &str) -> HashMap<String, DockerCredentials> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(config_json) else {
        return HashMap::new();
    };
    let Some(auths) = v.get("auths").and_then(|a| a.as_object()) else {
        return HashMap::new();
    };
    auths
        .iter()
        .filter_map(|(k, e)| entry_credentials(k, e).map(|c| (k.clone(), c)))
        .collect()
}

/// The credentials a `config.json` holds for `registry` (`host[:port]`, `docker.io` for
/// Docker Hub), matching its keys the way the docker CLI does (with or without scheme and
/// path).
pub fn credentials_from_config(config_json: &str, registry: &str) -> Option<DockerCredentials> {
    let want = normalize_registry(registry);
    let mut all: Vec<(String, DockerCredentials)> = all_credentials_from_config(config_json)
        .into_iter()
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all.into_iter()
        .find(|(k, _)| normalize_registry(k) == want)
        .map(|(_, c)| c)
}

/// The credentials the docker CLI's `config.json` holds for `registry`.
pub fn registry_credentials(registry: &str) -> Option<DockerCredentials> {
    let text = fs::read_to_string(docker_config_file()).ok()?;
    credentials_from_config(&text, registry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_from_config_json() {
        // "user:pa:ss" in base64.
        let cfg = r#"{"auths":{
            "https://index.docker.io/v1/":{"auth":"dXNlcjpwYTpzcw=="},
            "127.0.0.1:5000":{"auth":"YTpi"},
            "https://ghcr.io":{"identitytoken":"tok"},
            "empty.io":{}
        },"credsStore":"desktop"}"#;
        let hub = credentials_from_config(cfg, "docker.io").expect("hub");
        assert_eq!(hub.username.as_deref(), Some("user"));
        assert_eq!(hub.password.as_deref(), Some("pa:ss"));
        assert_eq!(
            hub.serveraddress.as_deref(),
            Some("https://index.docker.io/v1/")
        );
        let local = credentials_from_config(cfg, "127.0.0.1:5000").expect("local");
        assert_eq!(local.username.as_deref(), Some("a"));
        assert_eq!(local.password.as_deref(), Some("b"));
        let gh = credentials_from_config(cfg, "ghcr.io").expect("ghcr");
        assert_eq!(gh.identitytoken.as_deref(), Some("tok"));
        assert!(credentials_from_config(cfg, "empty.io").is_none());
        assert!(credentials_from_config(cfg, "quay.io").is_none());
        assert!(credentials_from_config("not json", "docker.io").is_none());
        assert_eq!(all_credentials_from_config(cfg).len(), 3);
    }

    #[test]
    fn auth_fields_decode() {
        assert_eq!(decode_auth("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(decode_auth("aGVsbG8"), Some(b"hello".to_vec()));
        assert_eq!(decode_auth(" aGVs\nbG8= "), Some(b"hello".to_vec()));
        // `>?>` is `Pj8-` URL-safe, `Pj8+` standard.
        assert_eq!(decode_auth("Pj8+"), Some(b">?>".to_vec()));
        assert_eq!(decode_auth("Pj8-"), Some(b">?>".to_vec()));
        assert_eq!(decode_auth("a*"), None);
    }
}
