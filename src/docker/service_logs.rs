//! A service's logs, as `docker service logs -f`: the lines of all its tasks, on every node,
//! from the manager's `/services/{id}/logs`; each prefixed with its task (`name.slot@node`,
//! coloured, aligned), interleaved by time within each batch.

use std::collections::{HashMap, HashSet};

use bollard::Docker;
use bollard::container::LogOutput;
use bollard::query_parameters::LogsOptions;
use futures::{FutureExt, StreamExt};
use tokio::sync::mpsc;

use super::client::friendly_error;
use super::group_logs::{merge, prefixed};
use super::task::AbortOnDrop;
use crate::app::logbuf::{LineSplitter, LogLine, LogStream, split_timestamp};
use crate::app::logs::DEFAULT_MAX_LINE_BYTES;
use crate::app::msg::{LogEvent, LogEventKind, Msg, ResMsg, ServiceLogsRequest};
use crate::app::sanitize::sanitize_line;

/// Most lines in one message to the app.
const BATCH: usize = 4096;

/// The attribute naming a line's task, in the `details` the engine puts before it.
const TASK_ATTR: &str = "com.docker.swarm.task.id";

/// Start following a service's logs; dropping the handle ends the stream.
pub fn start(docker: &Docker, tx: &mpsc::Sender<Msg>, req: ServiceLogsRequest) -> AbortOnDrop {
    let handle = tokio::spawn(stream(docker.clone(), tx.clone(), req));
    AbortOnDrop(handle.abort_handle())
}

/// The engine's `details` (`k=v,k=v `) split off a line (after its timestamp): the task id
/// and the rest. A line without them is all rest.
pub fn split_details(rest: &[u8]) -> (Option<&str>, &[u8]) {
    let Some(space) = rest.iter().position(|&b| b == b' ') else {
        return (None, rest);
    };
    let Ok(attrs) = std::str::from_utf8(&rest[..space]) else {
        return (None, rest);
    };
    if !attrs.starts_with("com.docker.swarm.") {
        return (None, rest);
    }
    let task = attrs
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .find_map(|(k, v)| (k == TASK_ATTR).then_some(v));
    (task, &rest[space + 1..])
}

/// The prefix of a task's lines, as the CLI names tasks: `name.slot@node` (a global
/// service's tasks have no slot: `name@node`).
pub fn task_prefix(service: &str, slot: i64, node: &str) -> String {
    let mut p = service.to_string();
    if slot > 0 {
        p.push_str(&format!(".{slot}"));
    }
    if !node.is_empty() {
        p.push('@');
        p.push_str(node);
    }
    p
}

/// Each task's prefix and colour (its order), and the widest prefix.
#[derive(Default)]
struct Names {
    by_task: HashMap<String, (String, usize)>,
    width: usize,
    /// Task ids looked up without success: not asked for again.
    unknown: HashSet<String>,
}

impl Names {
    async fn refresh(&mut self, docker: &Docker, req: &ServiceLogsRequest) {
        let Ok(tasks) = super::swarm::tasks(docker, &req.service).await else {
            return;
        };
        for t in tasks {
            let n = self.by_task.len();
            self.by_task
                .entry(t.id)
                .or_insert_with(|| (task_prefix(&req.name, t.slot, &t.node), n));
        }
        self.width = self
            .by_task
            .values()
            .map(|(p, _)| p.len())
            .max()
            .unwrap_or(0);
    }

    /// The prefix and colour of `task`: None when not known yet.
    fn get(&self, task: &str) -> Option<(&str, usize)> {
        self.by_task.get(task).map(|(p, i)| (p.as_str(), *i))
    }
}

/// A raw line: timestamp, task and text; None for a line without them.
fn split(raw: &[u8]) -> (Option<i64>, Option<String>, &[u8]) {
    let (ts, rest) = split_timestamp(raw);
    let (task, rest) = split_details(rest);
    (ts, task.map(str::to_owned), rest)
}

/// A line not prefixed yet: its stream, timestamp, task and text.
type Pending = (LogStream, Option<i64>, Option<String>, Vec<u8>);

struct Parser {
    stdout: LineSplitter,
    stderr: LineSplitter,
    raw: Vec<Vec<u8>>,
    pending: Vec<Pending>,
}

impl Parser {
    fn feed(&mut self, item: LogOutput) {
        let (stream, splitter, bytes) = match item {
            LogOutput::StdOut { message } | LogOutput::Console { message } => {
                (LogStream::Stdout, &mut self.stdout, message)
            }
            LogOutput::StdErr { message } => (LogStream::Stderr, &mut self.stderr, message),
            LogOutput::StdIn { .. } => return,
        };
        splitter.push(&bytes, &mut self.raw);
        for raw in self.raw.drain(..) {
            let (ts, task, rest) = split(&raw);
            self.pending.push((stream, ts, task, rest.to_vec()));
        }
    }

    fn flush(&mut self) {
        for (stream, sp) in [
            (LogStream::Stdout, &mut self.stdout),
            (LogStream::Stderr, &mut self.stderr),
        ] {
            if let Some(raw) = sp.flush() {
                let (ts, task, rest) = split(&raw);
                self.pending.push((stream, ts, task, rest.to_vec()));
            }
        }
    }

    /// The pending lines, prefixed (tasks not known yet are looked up first), by time.
    async fn take(
        &mut self,
        names: &mut Names,
        docker: &Docker,
        req: &ServiceLogsRequest,
    ) -> Vec<LogLine> {
        let missing = self.pending.iter().any(|(_, _, task, _)| {
            task.as_ref()
                .is_some_and(|t| names.get(t).is_none() && !names.unknown.contains(t))
        });
        if missing {
            names.refresh(docker, req).await;
            for (_, _, task, _) in &self.pending {
                if let Some(t) = task
                    && names.get(t).is_none()
                {
                    names.unknown.insert(t.clone());
                }
            }
        }
        let lines = self
            .pending
            .drain(..)
            .map(|(stream, ts, task, text)| {
                let line = LogLine {
                    stream,
                    ts_nanos: ts,
                    body: sanitize_line(&text, DEFAULT_MAX_LINE_BYTES),
                };
                let short = task.as_deref().map(|t| t.get(..12).unwrap_or(t));
                match task.as_deref().and_then(|t| names.get(t)) {
                    Some((prefix, colour)) => prefixed(line, prefix, names.width, colour),
                    None => prefixed(line, short.unwrap_or("?"), names.width, 0),
                }
            })
            .collect();
        merge(lines)
    }
}

/// `/services/{id}/logs` with `details` (which task wrote each line): bollard 0.21's
/// `LogsOptions` has no `details`, so the query is written here, after the id, and no
/// options are given (bollard then leaves the query as it is). The trailing `_=` takes the
/// `/logs` bollard appends to the id.
fn logs_path(req: &ServiceLogsRequest) -> Result<String, String> {
    if req.service.is_empty() || !req.service.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!("`{}` is no service id", req.service));
    }
    Ok(format!(
        "{}/logs?details=1&follow={}&stdout=1&stderr=1&timestamps=1&tail={}&_=",
        req.service, req.follow, req.tail
    ))
}

async fn stream(docker: Docker, tx: mpsc::Sender<Msg>, req: ServiceLogsRequest) {
    let generation = req.generation;
    let send = |kind| {
        let tx = tx.clone();
        async move {
            tx.send(Msg::Res(ResMsg::ServiceLogs(LogEvent { generation, kind })))
                .await
                .is_ok()
        }
    };
    let path = match logs_path(&req) {
        Ok(p) => p,
        Err(e) => {
            let _ = send(LogEventKind::Error(e)).await;
            return;
        }
    };
    let mut names = Names::default();
    names.refresh(&docker, &req).await;
    // An empty batch tells the app the stream is open.
    if !send(LogEventKind::Lines(Vec::new())).await {
        return;
    }
    let mut s = docker.service_logs(&path, None::<LogsOptions>);
    let mut parser = Parser {
        stdout: LineSplitter::new(DEFAULT_MAX_LINE_BYTES),
        stderr: LineSplitter::new(DEFAULT_MAX_LINE_BYTES),
        raw: Vec::new(),
        pending: Vec::new(),
    };
    loop {
        let Some(first) = s.next().await else { break };
        let mut end = None;
        match first {
            Ok(item) => parser.feed(item),
            Err(e) => end = Some(e),
        }
        // Drain whatever is ready now, so a flood becomes few messages.
        while end.is_none() && parser.pending.len() < BATCH {
            match s.next().now_or_never() {
                Some(Some(Ok(item))) => parser.feed(item),
                Some(Some(Err(e))) => end = Some(e),
                Some(None) | None => break,
            }
        }
        let lines = parser.take(&mut names, &docker, &req).await;
        if !lines.is_empty() && !send(LogEventKind::Lines(lines)).await {
            return;
        }
        if let Some(e) = end {
            let _ = send(LogEventKind::Error(friendly_error(&e.to_string()))).await;
            return;
        }
    }
    parser.flush();
    let lines = parser.take(&mut names, &docker, &req).await;
    if !lines.is_empty() && !send(LogEventKind::Lines(lines)).await {
        return;
    }
    let _ = send(LogEventKind::Ended).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_task_comes_from_the_details_before_the_text() {
        let raw = b"com.docker.swarm.node.id=zke4,com.docker.swarm.service.id=37ou,com.docker.swarm.task.id=0yeg92 line 0 from a";
        let (task, rest) = split_details(raw);
        assert_eq!(task, Some("0yeg92"));
        assert_eq!(rest, b"line 0 from a");
        let (task, rest) = split_details(b"plain text here");
        assert_eq!((task, rest), (None, &b"plain text here"[..]));
        let full = b"2026-12-01T03:33:44.818456549Z com.docker.swarm.task.id=t1 hello";
        let (ts, task, rest) = split(full);
        assert!(ts.is_some());
        assert_eq!((task.as_deref(), rest), (Some("t1"), &b"hello"[..]));
    }

    #[test]
    fn tasks_are_named_as_the_cli_names_them() {
        assert_eq!(task_prefix("web", 2, "node-a"), "web.2@node-a");
        assert_eq!(task_prefix("agent", 0, "node-b"), "agent@node-b");
        assert_eq!(task_prefix("web", 1, ""), "web.1");
    }

    #[test]
    fn the_path_carries_details_and_refuses_what_is_no_id() {
        let req = ServiceLogsRequest {
            service: "37ouddta0osv".into(),
            name: "web".into(),
            generation: 1,
            tail: 100,
            follow: true,
        };
        assert_eq!(
            logs_path(&req).as_deref(),
            Ok(
                "37ouddta0osv/logs?details=1&follow=true&stdout=1&stderr=1&timestamps=1&tail=100&_="
            )
        );
        let bad = ServiceLogsRequest {
            service: "x/../../containers".into(),
            ..req
        };
        assert!(logs_path(&bad).is_err());
    }
}
