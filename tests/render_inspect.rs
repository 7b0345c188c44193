//! The inspect tab drawn: the summary above the JSON (a linked container with a failing
//! health check and a masked secret), the raw JSON alone (`r`), the secrets shown (`m`);
//! at 80x24 and 200x50.

use crossterm::event::KeyCode;
use dockside::app::fixtures;
use dockside::app::msg::Msg;

mod support;
use support::screen::{SIZES, press, render, send};

/// A container's inspect as the docker layer sends it (pretty JSON).
fn inspect_json() -> String {
    let v = serde_json::json!({
        "Id": "0001a1b2c3d4",
        "Name": "/web",
        "Image": "sha256:1111aaaa2222bbbb3333cccc4444dddd5555eeee6666ffff7777aaaa8888bbbb",
        "RestartCount": 2,
        "State": {
            "Status": "running",
            "StartedAt": "2026-09-20T14:13:02.123456Z",
            "FinishedAt": "0001-01-01T00:00:00Z",
            "ExitCode": 0,
            "OOMKilled": false,
            "Error": "",
            "Health": {
                "Status": "unhealthy",
                "FailingStreak": 3,
                "Log": [
                    {"Start": "2026-09-20T14:21:00Z", "ExitCode": 1, "Output": "curl: (7) Failed to connect to localhost port 80\n"},
                    {"Start": "2026-09-20T14:21:30Z", "ExitCode": 1, "Output": "curl: (7) Failed to connect to localhost port 80\n"},
                    {"Start": "2026-09-20T14:22:00Z", "ExitCode": 1, "Output": "curl: (28) Operation timed out\n"}
                ]
            }
        },
        "HostConfig": {
            "Links": ["/shop-db:/web/db"],
            "RestartPolicy": {"Name": "unless-stopped", "MaximumRetryCount": 0},
            "Memory": 536870912,
            "NanoCpus": 1500000000,
            "PidsLimit": 100
        },
        "Mounts": [
            {"Type": "volume", "Name": "web-data", "Source": "/var/lib/docker/volumes/web-data/_data", "Destination": "/data", "Mode": "z", "RW": true},
            {"Type": "bind", "Source": "/srv/web/conf", "Destination": "/etc/nginx/conf.d", "Mode": "ro", "RW": false}
        ],
        "Config": {
            "Image": "nginx:1.27",
            "Entrypoint": ["/docker-entrypoint.sh"],
            "Cmd": ["nginx", "-g", "daemon off;"],
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin", "DB_PASSWORD=hunter2", "NGINX_VERSION=1.27.0"],
            "Healthcheck": {"Test": ["CMD-SHELL", "curl -fsS http://localhost/ || exit 1"]},
            "Labels": {"com.docker.compose.project": "shop", "com.docker.compose.service": "web"}
        },
        "NetworkSettings": {
            "Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}], "443/tcp": null},
            "Networks": {"shop_default": {"IPAddress": "172.18.0.3", "IPPrefixLen": 16, "Aliases": ["web", "0001a1b2c3d4"], "GlobalIPv6Address": ""}}
        }
    });
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

#[test]
fn inspect_summary() {
    for (w, h) in SIZES {
        let mut s = fixtures::state(w, h);
        press(&mut s, KeyCode::Char('i'));
        let id = s.selected.clone().expect("selected");
        send(
            &mut s,
            Msg::Inspect {
                id,
                text: inspect_json(),
            },
        );
        press(&mut s, KeyCode::Tab);
        let screen = render(&s);
        assert!(
            screen.contains("DB_PASSWORD=••••••") || h < 30,
            "masked:\n{screen}"
        );
        assert!(!screen.contains("hunter2"), "{screen}");
        insta::assert_snapshot!(format!("inspect_summary_{w}x{h}"), screen);
        // Further down: the JSON below, its secret masked too.
        let text = s
            .inspect
            .as_ref()
            .map(|(_, t)| t.clone())
            .unwrap_or_default();
        assert!(text.contains("\"DB_PASSWORD=••••••\""), "{text}");
        press(&mut s, KeyCode::Char('m'));
        let text = s
            .inspect
            .as_ref()
            .map(|(_, t)| t.clone())
            .unwrap_or_default();
        assert!(text.contains("DB_PASSWORD=hunter2"), "{text}");
        press(&mut s, KeyCode::Char('m'));
        press(&mut s, KeyCode::Char('r'));
        insta::assert_snapshot!(format!("inspect_raw_{w}x{h}"), render(&s));
    }
}
