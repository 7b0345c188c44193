//! An aggregated log, like `docker compose logs -f`: every container's lines interleaved in
//! timestamp order, each prefixed with its coloured, aligned name. The past lines of all are
//! fetched first and merged; then the running ones are followed, and one that stops says so.

use bollard::Docker;
use bollard::query_parameters::LogsOptionsBuilder;
use futures::StreamExt;
use futures::future::join_all;
use ratatui::style::{Color, Style};
use tokio::sync::mpsc;

use super::client::friendly_error;
use crate::app::logbuf::{LogLine, LogStream};
use crate::app::logs::DEFAULT_MAX_LINE_BYTES;
use crate::app::msg::{LogEvent, LogEventKind, LogSource, LogsRequest, Msg};
use crate::app::sanitize::StyledText;

const BATCH: usize = 4096;

/// Prefix colours, by source, as compose cycles them.
const COLOURS: [Color; 6] = [
    Color::Cyan,
    Color::Yellow,
    Color::Green,
    Color::Magenta,
    Color::Blue,
    Color::LightRed,
];

/// `name | ` in the source's colour, padded to the widest name, before the line's text.
pub fn prefixed(line: LogLine, prefix: &str, width: usize, colour: usize) -> LogLine {
    let head = format!("{prefix:<width$} | ");
    let n = u32::try_from(head.len()).unwrap_or(u32::MAX);
    let style = Style::default().fg(COLOURS[colour % COLOURS.len()]);
    let mut styles = vec![(0, n, style)];
    styles.extend(
        line.body
            .styles
            .iter()
            .map(|&(a, b, s)| (a.saturating_add(n), b.saturating_add(n), s)),
    );
    let body = StyledText {
        width: line.body.width.saturating_add(n),
        text: head + &line.body.text,
        styles,
    };
    LogLine { body, ..line }
}

/// One raw line: its timestamp split off, sanitised; None when at or before `after`.
fn parse(stream: LogStream, raw: &[u8], after: Option<i64>) -> Option<LogLine> {
    let l = LogLine::parse(stream, raw, DEFAULT_MAX_LINE_BYTES);
    match (after, l.ts_nanos) {
        (Some(a), Some(ts)) if ts <= a => None,
        _ => Some(l),
    }
}

/// A line of dockside's own in the log (a container left).
fn note(text: String, ts: Option<i64>) -> LogLine {
    LogLine {
        stream: LogStream::Stderr,
        ts_nanos: ts,
        body: StyledText {
            width: u32::try_from(text.len()).unwrap_or(u32::MAX),
            styles: vec![(
                0,
                u32::try_from(text.len()).unwrap_or(u32::MAX),
                Style::default().fg(Color::DarkGray),
            )],
            text,
        },
    }
}

/// Merge by time, lines without a timestamp last, each source's order kept.
pub fn merge(mut lines: Vec<LogLine>) -> Vec<LogLine> {
    lines.sort_by_key(|l| l.ts_nanos.unwrap_or(i64::MAX));
    lines
}

enum Part {
    Lines(Vec<LogLine>),
    Left(usize, Option<i64>),
}

/// A source, its colour (its index) and the prefixes' width.
struct Who {
    src: LogSource,
    idx: usize,
    width: usize,
}

/// One container's lines (`follow`: until it stops), prefixed, sent as they come.
async fn one(
    docker: Docker,
    who: Who,
    req: LogsRequest,
    after: Option<i64>,
    follow: bool,
    tx: mpsc::Sender<Part>,
) -> Result<Option<i64>, String> {
    let mut opts = LogsOptionsBuilder::default()
        .follow(follow)
        .stdout(true)
        .stderr(true)
        .timestamps(true);
    match (req.tail, after) {
        (_, Some(a)) => {
            opts = opts.since((a / 1_000_000_000).clamp(0, i64::from(i32::MAX)) as i32);
        }
        (Some(n), None) => opts = opts.tail(&n.to_string()),
        (None, None) => opts = opts.tail("all"),
    }
    if let (Some(since), None) = (req.since, after) {
        opts = opts.since(since.clamp(0, i64::from(i32::MAX)) as i32);
    }
    let Who { src, idx, width } = who;
    let mut s = docker.logs(&src.id, Some(opts.build()));
    let mut last = after;
    let mut pending: Vec<u8> = Vec::new();
    while let Some(item) = s.next().await {
        let item = item.map_err(|e| friendly_error(&e.to_string()))?;
        let (stream, bytes) = match item {
            bollard::container::LogOutput::StdOut { message } => (LogStream::Stdout, message),
            bollard::container::LogOutput::StdErr { message } => (LogStream::Stderr, message),
            bollard::container::LogOutput::Console { message } => (LogStream::Console, message),
            bollard::container::LogOutput::StdIn { .. } => continue,
        };
        pending.extend_from_slice(&bytes);
        let mut lines = Vec::new();
        while let Some(nl) = pending.iter().position(|b| *b == b'\n') {
            let raw: Vec<u8> = pending.drain(..=nl).collect();
            let raw = raw.strip_suffix(b"\n").unwrap_or(&raw);
            if let Some(l) = parse(stream, raw, after) {
                if l.ts_nanos.is_some() {
                    last = l.ts_nanos;
                }
                lines.push(prefixed(l, &src.prefix, width, idx));
            }
        }
        if !lines.is_empty() && tx.send(Part::Lines(lines)).await.is_err() {
            return Ok(last);
        }
    }
    if !pending.is_empty()
        && let Some(l) = parse(LogStream::Stdout, &pending, after)
    {
        let _ = tx
            .send(Part::Lines(vec![prefixed(l, &src.prefix, width, idx)]))
            .await;
    }
    Ok(last)
}

/// The aggregated log of `req.group`: the past merged, then the running ones followed.
pub async fn stream(docker: Docker, tx: mpsc::Sender<Msg>, req: LogsRequest) {
    let generation = req.generation;
    let send = |kind| {
        let tx = tx.clone();
        async move {
            tx.send(Msg::Logs(LogEvent { generation, kind }))
                .await
                .is_ok()
        }
    };
    if !send(LogEventKind::Lines(Vec::new())).await {
        return;
    }
    let width = req
        .group
        .iter()
        .map(|s| s.prefix.chars().count())
        .max()
        .unwrap_or(0);
    // The past of every container, merged by time.
    let (ptx, mut prx) = mpsc::channel(1024);
    let past = join_all(req.group.iter().enumerate().map(|(i, src)| {
        let who = Who {
            src: src.clone(),
            idx: i,
            width,
        };
        one(
            docker.clone(),
            who,
            req.clone(),
            req.after_nanos,
            false,
            ptx.clone(),
        )
    }));
    let collect = async {
        let mut all = Vec::new();
        while let Some(p) = prx.recv().await {
            if let Part::Lines(l) = p {
                all.extend(l);
            }
        }
        all
    };
    drop(ptx);
    let (lasts, all) = tokio::join!(past, collect);
    let mut errors = lasts.iter().filter_map(|r| r.as_ref().err());
    if let Some(e) = errors.next()
        && lasts.iter().all(Result::is_err)
    {
        let _ = send(LogEventKind::Error(e.clone())).await;
        return;
    }
    for chunk in merge(all).chunks(BATCH) {
        if !send(LogEventKind::Lines(chunk.to_vec())).await {
            return;
        }
    }
    if !req.follow {
        let _ = send(LogEventKind::Ended).await;
        return;
    }
    // Then the running ones, followed from their last line.
    let (ftx, mut frx) = mpsc::channel(1024);
    let mut followed = 0;
    let mut tasks = Vec::new();
    for (i, src) in req.group.iter().enumerate() {
        if !src.live {
            continue;
        }
        followed += 1;
        let after = lasts
            .get(i)
            .and_then(|r| r.as_ref().ok().copied().flatten())
            .or(req.after_nanos);
        let (docker, src, req, ftx) = (docker.clone(), src.clone(), req.clone(), ftx.clone());
        tasks.push(super::task::AbortOnDrop(
            tokio::spawn(async move {
                let who = Who { src, idx: i, width };
                let last = one(docker, who, req, after, true, ftx.clone())
                    .await
                    .ok()
                    .flatten()
                    .or(after);
                let _ = ftx.send(Part::Left(i, last)).await;
            })
            .abort_handle(),
        ));
    }
    drop(ftx);
    if followed == 0 {
        let _ = send(LogEventKind::Ended).await;
        return;
    }
    while let Some(first) = frx.recv().await {
        let mut parts = vec![first];
        while parts.len() < BATCH {
            match frx.try_recv() {
                Ok(p) => parts.push(p),
                Err(_) => break,
            }
        }
        let mut lines = Vec::new();
        for p in parts {
            match p {
                Part::Lines(l) => lines.extend(l),
                Part::Left(i, ts) => {
                    followed -= 1;
                    let name = req.group.get(i).map_or("?", |s| s.prefix.as_str());
                    lines.push(note(format!("── {name} stopped ──"), ts));
                }
            }
        }
        if !send(LogEventKind::Lines(merge(lines))).await {
            return;
        }
        if followed == 0 {
            break;
        }
    }
    drop(tasks);
    let _ = send(LogEventKind::Ended).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(ts: i64, text: &str) -> LogLine {
        LogLine {
            stream: LogStream::Stdout,
            ts_nanos: Some(ts),
            body: StyledText::unstyled(text.into()),
        }
    }

    #[test]
    fn lines_are_prefixed_aligned_and_merged_by_time() {
        let a = prefixed(line(3, "third"), "api-1", 5, 0);
        let b = prefixed(line(1, "first"), "db", 5, 1);
        let c = prefixed(line(2, "second"), "web", 5, 2);
        let merged = merge(vec![a, b, c]);
        let texts: Vec<&str> = merged.iter().map(|l| l.body.text.as_str()).collect();
        assert_eq!(texts, ["db    | first", "web   | second", "api-1 | third"]);
        assert_eq!(merged[0].body.width, 13);
        assert_eq!(merged[0].body.styles[0].1, 8, "the prefix is coloured");
    }
}
