//! Small helpers for building the engine's requests and reading its answers, shared by the
//! resource files. A leaf: it imports nothing else from `docker/`.

use std::collections::HashMap;

use bollard::Docker;

/// A label filter (`key` or `key=value`) as the engine's filters map.
pub fn label_filter(label: Option<&str>) -> HashMap<String, Vec<String>> {
    let mut f = HashMap::new();
    if let Some(l) = label.filter(|l| !l.is_empty()) {
        f.insert("label".to_string(), vec![l.to_string()]);
    }
    f
}

/// Whether the client talks API 1.`minor` or newer.
pub fn api_at_least(docker: &Docker, minor: usize) -> bool {
    let v = docker.client_version();
    v.major_version > 1 || (v.major_version == 1 && v.minor_version >= minor)
}

/// A count or size the engine reports as -1 when it does not know: 0.
pub fn pos(n: i64) -> u64 {
    n.max(0) as u64
}
