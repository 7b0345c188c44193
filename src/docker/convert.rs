//! Engine types (bollard) into the app's plain data.

use bollard::models::{ContainerSummary, PortSummaryTypeEnum};

use crate::app::model::{CState, Container, Port, parse_status};
use crate::app::sanitize::plain;

/// Convert a list entry. `now` (unix seconds) turns "Up 3 minutes" into an approximate start time.
pub fn container(s: ContainerSummary, now: i64) -> Option<Container> {
    let id = s.id?;
    let name = s
        .names
        .as_ref()
        .and_then(|n| n.first())
        .map(|n| plain(n.trim_start_matches('/')))
        .unwrap_or_else(|| id.chars().take(12).collect());
    let state = s
        .state
        .map(|st| CState::parse(st.as_ref()))
        .unwrap_or(CState::Unknown);
    let status = plain(s.status.as_deref().unwrap_or(""));
    let info = parse_status(&status);
    let labels = s.labels.unwrap_or_default();
    let mut ports: Vec<Port> = s
        .ports
        .unwrap_or_default()
        .into_iter()
        .map(|p| Port {
            ip: p.ip.filter(|ip| !ip.is_empty()),
            private: p.private_port,
            public: p.public_port,
            proto: match p.typ {
                Some(PortSummaryTypeEnum::UDP) => "udp".into(),
                Some(PortSummaryTypeEnum::SCTP) => "sctp".into(),
                _ => "tcp".into(),
            },
        })
        .collect();
    ports.sort_by(|a, b| {
        (a.public.is_none(), a.private, a.public, &a.proto, &a.ip).cmp(&(
            b.public.is_none(),
            b.private,
            b.public,
            &b.proto,
            &b.ip,
        ))
    });
    Some(Container {
        name,
        image: plain(s.image.as_deref().unwrap_or("")),
        command: plain(s.command.as_deref().unwrap_or("")),
        state,
        health: info.health,
        status,
        created: s.created.unwrap_or(0),
        since: info.ago_secs.map(|ago| now - ago),
        exit_code: info.exit_code,
        ports,
        project: labels.get("com.docker.compose.project").map(|p| plain(p)),
        service: labels.get("com.docker.compose.service").map(|p| plain(p)),
        id,
    })
}

/// An engine event as the events view shows it. Labels and names come from whoever made
/// the container: they are sanitised like log text.
pub fn engine_event(ev: &bollard::models::EventMessage) -> crate::app::events::EngineEvent {
    let actor = ev.actor.as_ref();
    let mut attrs: Vec<(String, String)> = actor
        .and_then(|a| a.attributes.as_ref())
        .map(|m| m.iter().map(|(k, v)| (plain(k), plain(v))).collect())
        .unwrap_or_default();
    attrs.sort();
    let time_nano = ev
        .time_nano
        .or_else(|| ev.time.map(|t| t.saturating_mul(1_000_000_000)))
        .unwrap_or(0);
    crate::app::events::EngineEvent {
        time_nano,
        typ: ev.typ.map(|t| t.to_string()).unwrap_or_default(),
        action: plain(ev.action.as_deref().unwrap_or_default()),
        id: plain(actor.and_then(|a| a.id.as_deref()).unwrap_or_default()),
        attrs,
        repeats: 0,
    }
}
