//! The engine's events: the live stream a session follows, the last hour's history for the
//! events view, and an event as the app shows it.

use std::collections::HashMap;

use bollard::Docker;
use bollard::query_parameters::EventsOptionsBuilder;
use futures::StreamExt;
use tokio::sync::mpsc;

use super::client::friendly_error;
use super::task::AbortOnDrop;
use crate::app::sanitize::plain;

/// The live events, or the error that ended them.
pub type EventRx = mpsc::Receiver<Result<bollard::models::EventMessage, String>>;

/// The event types dockside follows (and shows in the events view).
pub const EVENT_TYPES: [&str; 8] = [
    "container",
    "image",
    "volume",
    "network",
    "service",
    "node",
    "secret",
    "config",
];

/// Most events taken from the engine's past.
const MAX_HISTORY: usize = crate::app::events::MAX_EVENTS;

/// The engine's events of the last hour, up to now (a bounded request that ends by itself).
pub async fn event_history(
    docker: &Docker,
) -> Result<Vec<crate::app::events::EngineEvent>, String> {
    // Up to this very instant (seconds.nanoseconds): whole seconds would leave out what
    // happened in the current one.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let since = (now.as_secs() as i64 - crate::app::events::HISTORY_SECS).to_string();
    let until = format!("{}.{:09}", now.as_secs(), now.subsec_nanos());
    let mut filters = HashMap::new();
    filters.insert("type", EVENT_TYPES.to_vec());
    let opts = EventsOptionsBuilder::default()
        .since(&since)
        .until(&until)
        .filters(&filters)
        .build();
    let mut stream = docker.events(Some(opts));
    // The newest ones are kept.
    let mut out = std::collections::VecDeque::new();
    while let Some(ev) = stream.next().await {
        let ev = ev.map_err(|e| friendly_error(&e.to_string()))?;
        out.push_back(engine_event(&ev));
        if out.len() > MAX_HISTORY {
            out.pop_front();
        }
    }
    Ok(out.into())
}

/// Subscribe to container events in a task; the stream's errors end it.
pub fn start_events(docker: &Docker) -> (EventRx, AbortOnDrop) {
    start_events_since(docker, None)
}

/// [`start_events`], with the events since `since` first (the engine keeps its recent
/// ones): what changed after a list was asked and before the stream began is not missed.
pub fn start_events_since(
    docker: &Docker,
    since: Option<std::time::SystemTime>,
) -> (EventRx, AbortOnDrop) {
    let (ev_tx, ev_rx) = mpsc::channel(256);
    let ev_docker = docker.clone();
    let task = tokio::spawn(async move {
        let mut filters = HashMap::new();
        filters.insert("type", EVENT_TYPES.to_vec());
        let mut opts = EventsOptionsBuilder::default().filters(&filters);
        if let Some(d) = since.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()) {
            opts = opts.since(&format!("{}.{:09}", d.as_secs(), d.subsec_nanos()));
        }
        let opts = opts.build();
        let mut stream = ev_docker.events(Some(opts));
        while let Some(ev) = stream.next().await {
            let stop = ev.is_err();
            if ev_tx
                .send(ev.map_err(|e| friendly_error(&e.to_string())))
                .await
                .is_err()
                || stop
            {
                return;
            }
        }
        let _ = ev_tx.send(Err("events stream closed".to_string())).await;
    });
    (ev_rx, AbortOnDrop(task.abort_handle()))
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
