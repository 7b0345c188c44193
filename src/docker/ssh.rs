//! `ssh://[user@]host[:port]` engines, reached the way the docker CLI reaches them: every
//! connection is one `ssh … -- host docker system dial-stdio` child speaking HTTP on its
//! stdin/stdout. No control master, no socket folder: a connection's ssh ends with it (it
//! is killed when dropped, and sees its input end when dockside exits), so nothing of
//! dockside's stays behind. `BatchMode` keeps ssh from prompting on the terminal the UI
//! owns: a key that is refused is an error naming the cause.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bollard::{BollardRequest, Docker};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::AsyncReadExt;
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// An `ssh://` address taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshAddr {
    pub user: Option<String>,
    pub host: String,
    pub port: Option<u16>,
}

/// Parses `ssh://[user@]host[:port][/]`; `[v6]` hosts are accepted. Errors say what is wrong.
pub fn parse(addr: &str) -> Result<SshAddr, String> {
    let rest = addr
        .strip_prefix("ssh://")
        .ok_or_else(|| format!("{addr}: not an ssh:// address"))?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains('/') || rest.contains('?') || rest.contains('#') {
        return Err(format!(
            "{addr}: an ssh:// address has no path (ssh://[user@]host[:port])"
        ));
    }
    let (user, hostport) = match rest.rsplit_once('@') {
        Some((u, h)) if !u.is_empty() => (Some(u.to_string()), h),
        Some(_) => return Err(format!("{addr}: empty user name")),
        None => (None, rest),
    };
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (h, after) = v6
            .split_once(']')
            .ok_or_else(|| format!("{addr}: unclosed [ in the host"))?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => return Err(format!("{addr}: unexpected text after the host")),
        };
        (h.to_string(), port)
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (hostport.to_string(), None),
        }
    };
    if host.is_empty() || host.starts_with('-') || host.chars().any(char::is_whitespace) {
        return Err(format!("{addr}: no valid host name"));
    }
    let port = match port {
        Some(p) => Some(
            p.parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("{addr}: invalid port `{p}`"))?,
        ),
        None => None,
    };
    Ok(SshAddr { user, host, port })
}

impl SshAddr {
    /// The ssh command line (after `ssh`) that opens one connection to the engine.
    pub fn args(&self) -> Vec<String> {
        let mut a: Vec<String> = [
            "-o",
            "ConnectTimeout=30",
            "-o",
            "BatchMode=yes",
            "-o",
            "ControlMaster=no",
            "-o",
            "ControlPath=none",
            "-T",
        ]
        .map(String::from)
        .to_vec();
        if let Some(u) = &self.user {
            a.extend(["-l".into(), u.clone()]);
        }
        if let Some(p) = self.port {
            a.extend(["-p".into(), p.to_string()]);
        }
        a.extend(["--".into(), self.host.clone()]);
        a.extend(["docker", "system", "dial-stdio"].map(String::from));
        a
    }
}

/// The last thing an ssh child said on stderr (why it failed), shared by a client's
/// connections.
#[derive(Clone, Default)]
pub struct LastError(Arc<Mutex<String>>);

impl LastError {
    pub fn get(&self) -> Option<String> {
        let s = self.0.lock().ok()?.trim().to_string();
        (!s.is_empty()).then_some(s)
    }

    fn set(&self, s: String) {
        if let Ok(mut g) = self.0.lock() {
            *g = s;
        }
    }
}

#[derive(Clone)]
struct Connector {
    addr: SshAddr,
    last_error: LastError,
}

/// One connection: the ssh child and its pipes. Dropping it kills the child.
pub struct SshStream {
    _child: Child,
    stdin: TokioIo<ChildStdin>,
    stdout: TokioIo<ChildStdout>,
}

impl tower_service::Service<hyper::Uri> for Connector {
    type Response = SshStream;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<SshStream>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: hyper::Uri) -> Self::Future {
        let args = self.addr.args();
        let last_error = self.last_error.clone();
        Box::pin(async move {
            let mut child = Command::new("ssh")
                .args(&args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .map_err(|e| io::Error::new(e.kind(), format!("cannot run ssh: {e}")))?;
            let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
                return Err(io::Error::other("ssh gave no pipes"));
            };
            if let Some(mut stderr) = child.stderr.take() {
                tokio::spawn(async move {
                    let mut text = Vec::new();
                    let mut buf = [0u8; 1024];
                    while let Ok(n) = stderr.read(&mut buf).await {
                        if n == 0 || text.len() > 8192 {
                            break;
                        }
                        text.extend_from_slice(&buf[..n]);
                        last_error.set(String::from_utf8_lossy(&text).into_owned());
                    }
                });
            }
            Ok(SshStream {
                _child: child,
                stdin: TokioIo::new(stdin),
                stdout: TokioIo::new(stdout),
            })
        })
    }
}

impl hyper::rt::Read for SshStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stdout).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for SshStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stdin).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stdin).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stdin).poll_shutdown(cx)
    }
}

impl Connection for SshStream {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

/// A client for an `ssh://` engine, and where the reason of a failed connection lands.
pub fn client(addr: &str, timeout_secs: u64) -> Result<(Docker, LastError), String> {
    let ssh = parse(addr)?;
    let last_error = LastError::default();
    let connector = Connector {
        addr: ssh,
        last_error: last_error.clone(),
    };
    let http = Arc::new(Client::builder(TokioExecutor::new()).build(connector));
    let docker = Docker::connect_with_custom_transport(
        move |req: BollardRequest| {
            let http = Arc::clone(&http);
            async move {
                http.request(req)
                    .await
                    .map_err(bollard::errors::Error::from)
            }
        },
        Some("http://docker.ssh"),
        timeout_secs,
        bollard::API_DEFAULT_VERSION,
    )
    .map_err(|e| e.to_string())?;
    Ok((docker, last_error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_like_the_cli() {
        let a = parse("ssh://root@127.0.0.1:2222").expect("parse");
        assert_eq!(
            a,
            SshAddr {
                user: Some("root".into()),
                host: "127.0.0.1".into(),
                port: Some(2222)
            }
        );
        assert!(a.args().windows(2).any(|w| w == ["-p", "2222"]));
        assert!(a.args().windows(2).any(|w| w == ["-l", "root"]));
        let b = parse("ssh://box").expect("parse");
        assert_eq!((b.user, b.port), (None, None));
        let c = parse("ssh://me@[::1]:22/").expect("parse");
        assert_eq!((c.host.as_str(), c.port), ("::1", Some(22)));
        for bad in [
            "ssh://",
            "ssh://host:x",
            "ssh://host:0",
            "ssh://@host",
            "ssh://host/path",
            "ssh://-oProxyCommand=x",
        ] {
            assert!(parse(bad).is_err(), "{bad} accepted");
        }
    }
}
