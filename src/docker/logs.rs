//! One live log stream at a time (the selected container). Lines are split, sanitised and
//! parsed here, once, and sent to the app in batches.

use bollard::Docker;
use bollard::container::LogOutput;
use bollard::query_parameters::LogsOptionsBuilder;
use futures::{FutureExt, StreamExt};
use tokio::sync::mpsc;

use super::client::friendly_error;
use super::task::AbortOnDrop;
use crate::app::logbuf::{LineSplitter, LogLine, LogStream, split_timestamp};
use crate::app::logs::DEFAULT_MAX_LINE_BYTES;
use crate::app::msg::{LogEvent, LogEventKind, LogsRequest, Msg};
use crate::app::sanitize::sanitize_line;

/// Most lines in one message to the app.
const BATCH: usize = 4096;

#[derive(Default)]
pub struct LogTask {
    current: Option<AbortOnDrop>,
}

impl LogTask {
    /// Cancel the current stream and start `req` (if any).
    pub fn replace(&mut self, docker: &Docker, tx: &mpsc::Sender<Msg>, req: Option<LogsRequest>) {
        self.current = None;
        if let Some(req) = req {
            let handle = if req.group.is_empty() {
                tokio::spawn(stream(docker.clone(), tx.clone(), req))
            } else {
                tokio::spawn(super::group_logs::stream(docker.clone(), tx.clone(), req))
            };
            self.current = Some(AbortOnDrop(handle.abort_handle()));
        }
    }
}

struct Parser {
    out: Vec<Vec<u8>>,
    stdout: LineSplitter,
    stderr: LineSplitter,
    console: LineSplitter,
    after_nanos: Option<i64>,
}

impl Parser {
    fn feed(&mut self, item: LogOutput, lines: &mut Vec<LogLine>) {
        let (stream, splitter, bytes) = match item {
            LogOutput::StdOut { message } => (LogStream::Stdout, &mut self.stdout, message),
            LogOutput::StdErr { message } => (LogStream::Stderr, &mut self.stderr, message),
            LogOutput::Console { message } => (LogStream::Console, &mut self.console, message),
            LogOutput::StdIn { .. } => return,
        };
        splitter.push(&bytes, &mut self.out);
        for raw in self.out.drain(..) {
            if let Some(l) = parse(stream, &raw, self.after_nanos) {
                lines.push(l);
            }
        }
    }

    fn flush(&mut self, lines: &mut Vec<LogLine>) {
        for (stream, sp) in [
            (LogStream::Stdout, &mut self.stdout),
            (LogStream::Stderr, &mut self.stderr),
            (LogStream::Console, &mut self.console),
        ] {
            if let Some(raw) = sp.flush()
                && let Some(l) = parse(stream, &raw, self.after_nanos)
            {
                lines.push(l);
            }
        }
    }
}

/// Parse one raw line (with the engine's timestamp prefix).
pub fn parse(stream: LogStream, raw: &[u8], after_nanos: Option<i64>) -> Option<LogLine> {
    let (ts, rest) = split_timestamp(raw);
    if let (Some(after), Some(ts)) = (after_nanos, ts)
        && ts <= after
    {
        return None;
    }
    Some(LogLine {
        stream,
        ts_nanos: ts,
        body: sanitize_line(rest, DEFAULT_MAX_LINE_BYTES),
    })
}

async fn stream(docker: Docker, tx: mpsc::Sender<Msg>, req: LogsRequest) {
    let mut opts = LogsOptionsBuilder::default()
        .follow(req.follow)
        .stdout(true)
        .stderr(true)
        .timestamps(true);
    match (req.tail, req.after_nanos) {
        (_, Some(after)) => {
            opts = opts.since((after / 1_000_000_000).clamp(0, i64::from(i32::MAX)) as i32);
        }
        (Some(n), None) => opts = opts.tail(&n.to_string()),
        (None, None) => opts = opts.tail("all"),
    }
    if let Some(since) = req.since {
        opts = opts.since(since.clamp(0, i64::from(i32::MAX)) as i32);
    }
    let mut s = docker.logs(&req.id, Some(opts.build()));
    let generation = req.generation;
    let mut parser = Parser {
        out: Vec::new(),
        stdout: LineSplitter::new(DEFAULT_MAX_LINE_BYTES),
        stderr: LineSplitter::new(DEFAULT_MAX_LINE_BYTES),
        console: LineSplitter::new(DEFAULT_MAX_LINE_BYTES),
        after_nanos: req.after_nanos,
    };
    let send = |kind| {
        let tx = tx.clone();
        async move {
            tx.send(Msg::Logs(LogEvent { generation, kind }))
                .await
                .is_ok()
        }
    };
    // An empty batch tells the app the stream is open, so "loading" turns into "no output yet".
    if !send(LogEventKind::Lines(Vec::new())).await {
        return;
    }
    loop {
        let Some(first) = s.next().await else { break };
        let mut lines = Vec::new();
        let mut end = None;
        match first {
            Ok(item) => parser.feed(item, &mut lines),
            Err(e) => end = Some(e),
        }
        // Drain whatever is ready now, so a flood becomes few messages.
        while end.is_none() && lines.len() < BATCH {
            match s.next().now_or_never() {
                Some(Some(Ok(item))) => parser.feed(item, &mut lines),
                Some(Some(Err(e))) => end = Some(e),
                Some(None) | None => break,
            }
        }
        if !lines.is_empty() && !send(LogEventKind::Lines(lines)).await {
            return;
        }
        if let Some(e) = end {
            let _ = send(LogEventKind::Error(friendly_error(&e.to_string()))).await;
            return;
        }
    }
    let mut lines = Vec::new();
    parser.flush(&mut lines);
    if !lines.is_empty() && !send(LogEventKind::Lines(lines)).await {
        return;
    }
    let _ = send(LogEventKind::Ended).await;
}

/// Write the container's whole log (stdout and stderr, as `docker logs` gives it) to `path`,
/// one sanitised line per line: control sequences are neutralised as on screen.
pub async fn save_full(docker: &Docker, id: &str, path: &str) -> Result<String, String> {
    use tokio::io::AsyncWriteExt;
    let opts = LogsOptionsBuilder::default()
        .follow(false)
        .stdout(true)
        .stderr(true)
        .timestamps(false)
        .tail("all")
        .build();
    let file = tokio::fs::File::create(path)
        .await
        .map_err(|e| format!("cannot save {path}: {e}"))?;
    let mut out = tokio::io::BufWriter::new(file);
    let mut s = docker.logs(id, Some(opts));
    let mut splitter = LineSplitter::new(DEFAULT_MAX_LINE_BYTES);
    let mut lines = Vec::new();
    let mut count = 0u64;
    let write_err = |e: std::io::Error| format!("cannot write {path}: {e}");
    while let Some(item) = s.next().await {
        let bytes = match item {
            Ok(
                LogOutput::StdOut { message }
                | LogOutput::StdErr { message }
                | LogOutput::Console { message },
            ) => message,
            Ok(LogOutput::StdIn { .. }) => continue,
            Err(e) => {
                return Err(format!(
                    "reading the log: {}",
                    friendly_error(&e.to_string())
                ));
            }
        };
        splitter.push(&bytes, &mut lines);
        for raw in lines.drain(..) {
            let text = sanitize_line(&raw, DEFAULT_MAX_LINE_BYTES).text;
            out.write_all(text.as_bytes()).await.map_err(write_err)?;
            out.write_all(b"\n").await.map_err(write_err)?;
            count += 1;
        }
    }
    if let Some(raw) = splitter.flush() {
        let text = sanitize_line(&raw, DEFAULT_MAX_LINE_BYTES).text;
        out.write_all(text.as_bytes()).await.map_err(write_err)?;
        out.write_all(b"\n").await.map_err(write_err)?;
        count += 1;
    }
    out.flush().await.map_err(write_err)?;
    let abs = std::fs::canonicalize(path).map_or(path.to_string(), |p| p.display().to_string());
    Ok(format!("saved the whole log ({count} lines) to {abs}"))
}
