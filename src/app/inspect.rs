//! The inspect tab's text: first a summary a person reads (what runs, how it is reached,
//! what it holds, how it is doing), then `docker inspect`'s JSON, one key away from being
//! shown alone. The values of variables whose names look secret (PASSWORD, TOKEN, SECRET,
//! KEY…) are masked in both until asked. Pure: JSON in, text out.

use serde_json::Value;

use super::cli::shell_word;
use super::stats::fmt_bytes_binary;

/// Parts of variable names that mark their values secret (upper-cased name contains one).
pub const SECRET_WORDS: [&str; 7] = [
    "PASSWORD",
    "PASSWD",
    "TOKEN",
    "SECRET",
    "KEY",
    "CREDENTIAL",
    "PRIVATE",
];
/// What a secret value shows as until asked.
pub const MASK: &str = "••••••";
/// Health probes shown (the engine keeps the last five).
const PROBES: usize = 3;
/// Longest probe output shown, in characters.
const PROBE_OUTPUT: usize = 160;
/// The width of the summary's labels.
const LABEL: usize = 11;

/// Whether a variable's value is masked.
pub fn is_secret(name: &str) -> bool {
    let up = name.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|w| up.contains(w))
}

/// `NAME=value` with the value masked when the name looks secret (and not revealed).
pub fn env_entry(entry: &str, reveal: bool) -> String {
    match entry.split_once('=') {
        Some((k, v)) if !reveal && is_secret(k) && !v.is_empty() => format!("{k}={MASK}"),
        _ => entry.to_string(),
    }
}

/// The keys the text names (as the keymap binds them).
#[derive(Debug, Clone, Default)]
pub struct Keys {
    /// Shows the raw JSON alone / with the summary.
    pub raw: String,
    /// Shows / masks secret values.
    pub reveal: String,
}

/// The tab's text for `json` (as the docker layer sent it: pretty JSON, or a line saying
/// why there is none).
pub fn text(json: &str, raw_only: bool, reveal: bool, keys: &Keys) -> String {
    let raw = mask_json(json, reveal);
    // A container's inspect has a config; anything else is shown as it is.
    let v = match serde_json::from_str::<Value>(json) {
        Ok(v) if v.get("Config").is_some() => v,
        _ => return raw,
    };
    if raw_only {
        return format!(
            "── docker inspect ({} shows the summary) ──\n{raw}",
            keys.raw
        );
    }
    let mut lines = summary(&v, reveal, keys);
    lines.push(String::new());
    lines.push(format!(
        "── docker inspect ({} shows it alone) ──",
        keys.raw
    ));
    lines.push(raw);
    lines.join("\n")
}

/// The pretty JSON with the values of secret variables masked (lines of an `"Env": [`
/// block, one entry a line as serde_json pretty-prints them).
pub fn mask_json(json: &str, reveal: bool) -> String {
    if reveal {
        return json.to_string();
    }
    let mut out = Vec::new();
    let mut in_env = false;
    for line in json.lines() {
        let t = line.trim();
        if in_env {
            if t.starts_with(']') {
                in_env = false;
            } else if let Some(inner) = t.strip_prefix('"') {
                let comma = inner.ends_with(',');
                let body = inner.trim_end_matches(',').trim_end_matches('"');
                let masked = env_entry(body, false);
                if masked != body {
                    let indent = &line[..line.len() - line.trim_start().len()];
                    out.push(format!(
                        "{indent}\"{masked}\"{}",
                        if comma { "," } else { "" }
                    ));
                    continue;
                }
            }
        } else if t.starts_with("\"Env\": [") && !t.ends_with(']') && !t.ends_with("],") {
            in_env = true;
        }
        out.push(line.to_string());
    }
    out.join("\n")
}

fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    get(v, path).and_then(Value::as_str).unwrap_or("")
}

fn int_at(v: &Value, path: &[&str]) -> i64 {
    get(v, path).and_then(Value::as_i64).unwrap_or(0)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn words(ws: &[String]) -> String {
    ws.iter()
        .map(|w| shell_word(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `2026-09-20T14:13:02.123Z` → `2026-09-20 14:13:02`; the engine's zero time → None.
fn when(t: &str) -> Option<String> {
    if t.is_empty() || t.starts_with("0001-") {
        return None;
    }
    let t = t.replace('T', " ");
    Some(t.chars().take(19).collect())
}

/// A 64-digit id (an anonymous volume's name, an image id) cut to 12.
fn short(s: &str) -> String {
    let bare = s.trim_start_matches("sha256:");
    if bare.len() == 64 && bare.bytes().all(|b| b.is_ascii_hexdigit()) {
        bare[..12].to_string()
    } else {
        s.to_string()
    }
}

/// Lines under a label: the first beside it, the rest indented under it.
fn field(out: &mut Vec<String>, label: &str, values: Vec<String>) {
    let mut values = values.into_iter();
    let first = values.next().unwrap_or_else(|| "—".into());
    out.push(format!("{label:<LABEL$} {first}"));
    for v in values {
        out.push(format!("{:<LABEL$} {v}", ""));
    }
}

/// The summary's lines.
pub fn summary(v: &Value, reveal: bool, keys: &Keys) -> Vec<String> {
    let mut out = Vec::new();
    let name = str_at(v, &["Name"]).trim_start_matches('/');
    // What it is doing.
    let status = str_at(v, &["State", "Status"]);
    let mut state = vec![status.to_string()];
    match status {
        "running" | "paused" | "restarting" => {
            if let Some(t) = when(str_at(v, &["State", "StartedAt"])) {
                state.push(format!("since {t}"));
            }
        }
        _ => {
            if status == "exited" || status == "dead" {
                state.push(format!("exit code {}", int_at(v, &["State", "ExitCode"])));
            }
            if let Some(t) = when(str_at(v, &["State", "FinishedAt"])) {
                state.push(format!("at {t}"));
            }
        }
    }
    if get(v, &["State", "OOMKilled"]).and_then(Value::as_bool) == Some(true) {
        state.push("killed: out of memory".into());
    }
    let err = str_at(v, &["State", "Error"]);
    if !err.is_empty() {
        state.push(format!("error: {err}"));
    }
    field(
        &mut out,
        "Container",
        vec![format!("{name} · {}", state.join(" · "))],
    );
    // What runs.
    let image = str_at(v, &["Config", "Image"]);
    let image_id = short(str_at(v, &["Image"]));
    field(
        &mut out,
        "Image",
        vec![if image_id.is_empty() || image.contains(&image_id) {
            image.to_string()
        } else {
            format!("{image} (id {image_id})")
        }],
    );
    let entrypoint = strings(get(v, &["Config", "Entrypoint"]));
    if !entrypoint.is_empty() {
        field(&mut out, "Entrypoint", vec![words(&entrypoint)]);
    }
    let cmd = strings(get(v, &["Config", "Cmd"]));
    field(
        &mut out,
        "Command",
        vec![if cmd.is_empty() {
            "—".into()
        } else {
            words(&cmd)
        }],
    );
    let (user, dir) = (
        str_at(v, &["Config", "User"]),
        str_at(v, &["Config", "WorkingDir"]),
    );
    if !user.is_empty() || !dir.is_empty() {
        let mut parts = Vec::new();
        if !user.is_empty() {
            parts.push(format!("user {user}"));
        }
        if !dir.is_empty() {
            parts.push(format!("in {dir}"));
        }
        field(&mut out, "Runs as", vec![parts.join(" · ")]);
    }
    // Restarts and health.
    let policy = str_at(v, &["HostConfig", "RestartPolicy", "Name"]);
    let max = int_at(v, &["HostConfig", "RestartPolicy", "MaximumRetryCount"]);
    let policy = match policy {
        "" | "no" => "no".to_string(),
        "on-failure" if max > 0 => format!("on-failure:{max}"),
        p => p.to_string(),
    };
    field(
        &mut out,
        "Restart",
        vec![format!(
            "{policy} · restarted {} times",
            int_at(v, &["RestartCount"])
        )],
    );
    field(&mut out, "Health", health(v));
    // How it is reached.
    field(&mut out, "Ports", ports(v));
    field(&mut out, "Networks", networks(v));
    let links: Vec<String> = strings(get(v, &["HostConfig", "Links"]))
        .iter()
        .map(|l| match l.split_once(':') {
            Some((to, alias)) => format!(
                "{} as {}",
                to.trim_start_matches('/'),
                alias.rsplit('/').next().unwrap_or(alias)
            ),
            None => l.clone(),
        })
        .collect();
    if !links.is_empty() {
        field(&mut out, "Links", links);
    }
    // What it holds.
    field(&mut out, "Mounts", mounts(v));
    field(&mut out, "Limits", vec![limits(v)]);
    let env = strings(get(v, &["Config", "Env"]));
    let masked = env.iter().any(|e| env_entry(e, false) != *e);
    let mut env: Vec<String> = env.iter().map(|e| env_entry(e, reveal)).collect();
    if masked {
        env.push(if reveal {
            format!("({} masks the secret values again)", keys.reveal)
        } else {
            format!("({} shows the masked values)", keys.reveal)
        });
    }
    field(&mut out, "Env", env);
    let labels: Vec<String> = get(v, &["Config", "Labels"])
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, x)| format!("{k}={}", x.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    field(&mut out, "Labels", labels);
    out
}

fn health(v: &Value) -> Vec<String> {
    let test = strings(get(v, &["Config", "Healthcheck", "Test"]));
    let Some(h) = get(v, &["State", "Health"]) else {
        return vec![match test.first().map(String::as_str) {
            Some("NONE") => "checks disabled".into(),
            _ => "no health check".into(),
        }];
    };
    let mut first = str_at(h, &["Status"]).to_string();
    let streak = int_at(h, &["FailingStreak"]);
    if streak > 0 {
        first.push_str(&format!(" · failing streak {streak}"));
    }
    let check = match test.split_first() {
        Some((kind, rest)) if kind == "CMD-SHELL" => rest.join(" "),
        Some((kind, rest)) if kind == "CMD" => words(rest),
        _ => String::new(),
    };
    if !check.is_empty() {
        first.push_str(&format!(" · check: {check}"));
    }
    let mut out = vec![first];
    let log = get(h, &["Log"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for probe in log.iter().rev().take(PROBES) {
        let at = when(str_at(probe, &["Start"])).unwrap_or_default();
        let output: String = str_at(probe, &["Output"])
            .trim()
            .replace('\n', " ⏎ ")
            .chars()
            .take(PROBE_OUTPUT)
            .collect();
        out.push(format!(
            "  {at} exit {}: {}",
            int_at(probe, &["ExitCode"]),
            if output.is_empty() {
                "(no output)".into()
            } else {
                output
            }
        ));
    }
    out
}

fn ports(v: &Value) -> Vec<String> {
    let live = get(v, &["NetworkSettings", "Ports"]).and_then(Value::as_object);
    let asked = get(v, &["HostConfig", "PortBindings"]).and_then(Value::as_object);
    let map = match live {
        Some(m) if !m.is_empty() => m,
        _ => match asked {
            Some(m) => m,
            None => return vec!["none".into()],
        },
    };
    let mut out = Vec::new();
    for (port, bindings) in map {
        match bindings.as_array().filter(|b| !b.is_empty()) {
            Some(bs) => {
                for b in bs {
                    let ip = str_at(b, &["HostIp"]);
                    let hp = str_at(b, &["HostPort"]);
                    let ip = if ip.is_empty() { "0.0.0.0" } else { ip };
                    let host = if ip.contains(':') {
                        format!("[{ip}]:{hp}")
                    } else {
                        format!("{ip}:{hp}")
                    };
                    out.push(format!("{host} → {port}"));
                }
            }
            None => out.push(format!("{port} (not published)")),
        }
    }
    if out.is_empty() {
        out.push("none".into());
    }
    out
}

fn networks(v: &Value) -> Vec<String> {
    let Some(nets) = get(v, &["NetworkSettings", "Networks"]).and_then(Value::as_object) else {
        return vec!["none".into()];
    };
    let mut out = Vec::new();
    for (name, n) in nets {
        let ip = str_at(n, &["IPAddress"]);
        let mut s = name.clone();
        if ip.is_empty() {
            s.push_str(" (no address while stopped)");
        } else {
            s.push_str(&format!(" {ip}/{}", int_at(n, &["IPPrefixLen"])));
        }
        let v6 = str_at(n, &["GlobalIPv6Address"]);
        if !v6.is_empty() {
            s.push_str(&format!(" {v6}"));
        }
        let aliases = strings(get(n, &["Aliases"]));
        if !aliases.is_empty() {
            s.push_str(&format!(" · aliases {}", aliases.join(", ")));
        }
        out.push(s);
    }
    if out.is_empty() {
        out.push("none".into());
    }
    out
}

fn mounts(v: &Value) -> Vec<String> {
    let list = get(v, &["Mounts"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut out: Vec<String> = list
        .iter()
        .map(|m| {
            let kind = str_at(m, &["Type"]);
            let from = match kind {
                "volume" => short(str_at(m, &["Name"])),
                _ => str_at(m, &["Source"]).to_string(),
            };
            let rw = get(m, &["RW"]).and_then(Value::as_bool).unwrap_or(true);
            let mode = str_at(m, &["Mode"]);
            let mut how = if rw { "rw" } else { "ro" }.to_string();
            for extra in mode
                .split(',')
                .filter(|x| !x.is_empty() && *x != "rw" && *x != "ro")
            {
                how.push(',');
                how.push_str(extra);
            }
            let from = if from.is_empty() {
                String::new()
            } else {
                format!("{from} ")
            };
            format!("{kind} {from}→ {} ({how})", str_at(m, &["Destination"]))
        })
        .collect();
    if out.is_empty() {
        out.push("none".into());
    }
    out
}

fn limits(v: &Value) -> String {
    let hc = |k: &str| int_at(v, &["HostConfig", k]);
    let mut parts = Vec::new();
    let nano = hc("NanoCpus");
    let (quota, period) = (hc("CpuQuota"), hc("CpuPeriod"));
    if nano > 0 {
        parts.push(format!("cpus {}", nano as f64 / 1e9));
    } else if quota > 0 {
        let period = if period > 0 { period } else { 100_000 };
        parts.push(format!("cpus {}", quota as f64 / period as f64));
    }
    let set = str_at(v, &["HostConfig", "CpusetCpus"]);
    if !set.is_empty() {
        parts.push(format!("on cpus {set}"));
    }
    if hc("Memory") > 0 {
        parts.push(format!("memory {}", fmt_bytes_binary(hc("Memory") as u64)));
    }
    if hc("MemoryReservation") > 0 {
        parts.push(format!(
            "reserved {}",
            fmt_bytes_binary(hc("MemoryReservation") as u64)
        ));
    }
    if hc("PidsLimit") > 0 {
        parts.push(format!("pids {}", hc("PidsLimit")));
    }
    if hc("CpuShares") > 0 {
        parts.push(format!("shares {}", hc("CpuShares")));
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys {
            raw: "r".into(),
            reveal: "m".into(),
        }
    }

    const JSON: &str = r#"{
  "Id": "abc",
  "Created": "2026-09-20T10:00:00Z",
  "State": {
    "Status": "running",
    "Running": true,
    "OOMKilled": false,
    "ExitCode": 0,
    "Error": "",
    "StartedAt": "2026-09-20T14:13:02.123456Z",
    "FinishedAt": "0001-01-01T00:00:00Z",
    "Health": {
      "Status": "unhealthy",
      "FailingStreak": 3,
      "Log": [
        {"Start": "2026-09-20T14:20:00Z", "End": "2026-09-20T14:20:01Z", "ExitCode": 0, "Output": "ok"},
        {"Start": "2026-09-20T14:21:00Z", "End": "2026-09-20T14:21:01Z", "ExitCode": 1, "Output": "curl: (7) Failed to connect\n"},
        {"Start": "2026-09-20T14:22:00Z", "End": "2026-09-20T14:22:01Z", "ExitCode": 1, "Output": ""}
      ]
    }
  },
  "Image": "sha256:1111aaaa2222bbbb3333cccc4444dddd5555eeee6666ffff7777aaaa8888bbbb",
  "Name": "/web",
  "RestartCount": 2,
  "HostConfig": {
    "Links": ["/shop-db:/web/db"],
    "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 5},
    "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]},
    "Memory": 536870912,
    "NanoCpus": 1500000000,
    "PidsLimit": 100,
    "CpuShares": 0
  },
  "Mounts": [
    {"Type": "volume", "Name": "web-data", "Source": "/var/lib/docker/volumes/web-data/_data", "Destination": "/data", "Mode": "z", "RW": true},
    {"Type": "bind", "Source": "/srv/conf", "Destination": "/etc/nginx/conf.d", "Mode": "ro", "RW": false}
  ],
  "Config": {
    "User": "",
    "Env": [
      "PATH=/usr/bin",
      "DB_PASSWORD=hunter2",
      "API_TOKEN=abc123"
    ],
    "Cmd": ["nginx", "-g", "daemon off;"],
    "Healthcheck": {"Test": ["CMD-SHELL", "curl -f http://localhost/"]},
    "Image": "nginx:1.27",
    "WorkingDir": "",
    "Entrypoint": ["/docker-entrypoint.sh"],
    "Labels": {"com.docker.compose.project": "shop", "tier": "front"}
  },
  "NetworkSettings": {
    "Ports": {"443/tcp": null, "80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}, {"HostIp": "::", "HostPort": "8080"}]},
    "Networks": {"shop_default": {"IPAddress": "172.18.0.3", "IPPrefixLen": 16, "Aliases": ["web", "abc"], "GlobalIPv6Address": ""}}
  }
}"#;

    #[test]
    fn the_summary_a_person_reads_first() {
        let v: Value = serde_json::from_str(JSON).expect("json");
        let s = summary(&v, false, &keys()).join("\n");
        for want in [
            "Container   web · running · since 2026-09-20 14:13:02",
            "Image       nginx:1.27 (id 1111aaaa2222)",
            "Entrypoint  /docker-entrypoint.sh",
            "Command     nginx -g 'daemon off;'",
            "Restart     on-failure:5 · restarted 2 times",
            "Health      unhealthy · failing streak 3 · check: curl -f http://localhost/",
            "              2026-09-20 14:22:00 exit 1: (no output)",
            "              2026-09-20 14:21:00 exit 1: curl: (7) Failed to connect",
            "Ports       443/tcp (not published)",
            "            0.0.0.0:8080 → 80/tcp",
            "            [::]:8080 → 80/tcp",
            "Networks    shop_default 172.18.0.3/16 · aliases web, abc",
            "Links       shop-db as db",
            "Mounts      volume web-data → /data (rw,z)",
            "            bind /srv/conf → /etc/nginx/conf.d (ro)",
            "Limits      cpus 1.5 · memory 512MiB · pids 100",
            "Env         PATH=/usr/bin",
            "            DB_PASSWORD=••••••",
            "            API_TOKEN=••••••",
            "            (m shows the masked values)",
            "Labels      com.docker.compose.project=shop",
            "            tier=front",
        ] {
            assert!(s.contains(want), "missing `{want}` in\n{s}");
        }
        // The last probes, newest first, three of them.
        assert!(s.contains("14:20:00 exit 0: ok"), "{s}");
        assert!(!s.contains("hunter2") && !s.contains("abc123"), "{s}");
        let shown = summary(&v, true, &keys()).join("\n");
        assert!(shown.contains("DB_PASSWORD=hunter2"), "{shown}");
        assert!(
            shown.contains("(m masks the secret values again)"),
            "{shown}"
        );
    }

    #[test]
    fn the_raw_json_is_masked_too_and_one_key_away() {
        let pretty =
            serde_json::to_string_pretty(&serde_json::from_str::<Value>(JSON).expect("json"))
                .expect("pretty");
        let t = text(&pretty, false, false, &keys());
        assert!(t.starts_with("Container   web"), "{t}");
        assert!(t.contains("── docker inspect (r shows it alone) ──"), "{t}");
        assert!(t.contains("\"DB_PASSWORD=••••••\","), "{t}");
        assert!(t.contains("\"API_TOKEN=••••••\"\n"), "{t}");
        assert!(!t.contains("hunter2"), "{t}");
        let raw = text(&pretty, true, false, &keys());
        assert!(
            raw.starts_with("── docker inspect (r shows the summary) ──\n{"),
            "{raw}"
        );
        assert!(!raw.contains("Container   web"));
        assert!(text(&pretty, true, true, &keys()).contains("hunter2"));
        // What is not JSON (an error) is shown as it is.
        assert_eq!(
            text("inspect failed: gone", false, false, &keys()),
            "inspect failed: gone"
        );
    }

    #[test]
    fn secret_names() {
        for n in [
            "DB_PASSWORD",
            "github_token",
            "AWS_SECRET_ACCESS_KEY",
            "api_key",
            "MYSQL_ROOT_PASSWD",
        ] {
            assert!(is_secret(n), "{n}");
        }
        for n in ["PATH", "HOME", "PWD", "LANG"] {
            assert!(!is_secret(n), "{n}");
        }
        assert_eq!(env_entry("EMPTY_TOKEN=", false), "EMPTY_TOKEN=");
        assert_eq!(env_entry("A_KEY=x=y", false), format!("A_KEY={MASK}"));
    }

    #[test]
    fn a_stopped_container_without_extras() {
        let v: Value = serde_json::from_str(
            r#"{"Name": "/job", "State": {"Status": "exited", "ExitCode": 137, "OOMKilled": true,
                "FinishedAt": "2026-09-20T15:00:00Z"},
                "Config": {"Image": "busybox", "Cmd": null, "Env": null},
                "HostConfig": {"RestartPolicy": {"Name": "no"}},
                "NetworkSettings": {"Ports": {}, "Networks": {"bridge": {"IPAddress": ""}}}}"#,
        )
        .expect("json");
        let s = summary(&v, false, &keys()).join("\n");
        for want in [
            "Container   job · exited · exit code 137 · at 2026-09-20 15:00:00 · killed: out of memory",
            "Command     —",
            "Restart     no · restarted 0 times",
            "Health      no health check",
            "Ports       none",
            "Networks    bridge (no address while stopped)",
            "Mounts      none",
            "Limits      none",
            "Env         —",
        ] {
            assert!(s.contains(want), "missing `{want}` in\n{s}");
        }
    }
}
