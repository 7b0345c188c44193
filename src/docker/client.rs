//! Finding and connecting to the engine, the way the docker CLI does: `--host`, then
//! `DOCKER_HOST`, then the current `docker context`, then the default socket.

use std::path::PathBuf;

use bollard::Docker;

pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// Where the address came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub addr: String,
    pub source: String,
    /// TLS material given for this engine (the config's `[[engines]]`); None: found the way
    /// the CLI finds it ([`tls_for`]).
    pub tls: Option<TlsFiles>,
}

impl Target {
    /// An engine of the fleet, as the app names it.
    pub fn of(spec: &crate::app::fleet::HostSpec) -> Target {
        Target {
            addr: spec.addr.clone(),
            source: spec.source.clone(),
            tls: spec.tls.as_ref().map(|t| TlsFiles {
                ca: t.ca.clone(),
                cert: t.cert.clone(),
                key: t.key.clone(),
            }),
        }
    }

    /// How the app names it (`name`: what the user calls it).
    pub fn spec(&self, name: String) -> crate::app::fleet::HostSpec {
        crate::app::fleet::HostSpec {
            name,
            addr: self.addr.clone(),
            source: self.source.clone(),
            tls: self.tls.as_ref().map(|t| crate::app::fleet::Tls {
                ca: t.ca.clone(),
                cert: t.cert.clone(),
                key: t.key.clone(),
            }),
            readonly: false,
        }
    }

    /// The name a user knows it by: its context's, else one made from the address.
    pub fn name(&self) -> String {
        context_of(self).map_or_else(|| crate::app::fleet::short_name(&self.addr), str::to_owned)
    }
}

/// Resolve the engine address. `flag_host` is `-H/--host`; `flag_context` is `--context`.
pub fn resolve(flag_host: Option<&str>, flag_context: Option<&str>) -> Target {
    if let Some(h) = flag_host.filter(|h| !h.is_empty()) {
        return Target {
            addr: h.to_string(),
            source: "--host".into(),
            tls: None,
        };
    }
    let env_context = std::env::var("DOCKER_CONTEXT").ok();
    if flag_context.is_none()
        && env_context.is_none()
        && let Ok(h) = std::env::var("DOCKER_HOST")
        && !h.is_empty()
    {
        return Target {
            addr: h,
            source: "DOCKER_HOST".into(),
            tls: None,
        };
    }
    let config_dir = docker_config_dir();
    let context = flag_context
        .map(str::to_owned)
        .or(env_context)
        .or_else(|| current_context(&config_dir));
    if let Some(ctx) = context.filter(|c| c != "default")
        && let Some(addr) = context_host(&config_dir, &ctx)
    {
        return Target {
            addr,
            source: format!("docker context `{ctx}`"),
            tls: None,
        };
    }
    Target {
        addr: DEFAULT_HOST.into(),
        source: "default socket".into(),
        tls: None,
    }
}

fn docker_config_dir() -> PathBuf {
    if let Ok(d) = std::env::var("DOCKER_CONFIG") {
        return PathBuf::from(d);
    }
    directories::BaseDirs::new()
        .map(|b| b.home_dir().join(".docker"))
        .unwrap_or_else(|| PathBuf::from(".docker"))
}

fn current_context(dir: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("config.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("currentContext")?.as_str().map(str::to_owned)
}

/// Contexts live in `contexts/meta/<sha256(name)>/meta.json`; scan them rather than hash.
fn context_host(dir: &std::path::Path, name: &str) -> Option<String> {
    let meta = dir.join("contexts").join("meta");
    for entry in std::fs::read_dir(meta).ok()?.flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path().join("meta.json")) else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        if v.get("Name").and_then(|n| n.as_str()) == Some(name) {
            return v
                .pointer("/Endpoints/docker/Host")
                .and_then(|h| h.as_str())
                .map(str::to_owned);
        }
    }
    None
}

/// The engines to offer in the switcher: `default` (what `DOCKER_HOST` or the default
/// socket gives), then every docker context, sorted by name.
pub fn engine_choices() -> Vec<crate::app::msg::EngineChoice> {
    choices_in(&docker_config_dir(), std::env::var("DOCKER_HOST").ok())
}

fn choices_in(
    dir: &std::path::Path,
    docker_host: Option<String>,
) -> Vec<crate::app::msg::EngineChoice> {
    use crate::app::msg::EngineChoice;
    let default = match docker_host.filter(|h| !h.is_empty()) {
        Some(h) => EngineChoice {
            name: "default".into(),
            addr: h,
            description: "DOCKER_HOST".into(),
        },
        None => EngineChoice {
            name: "default".into(),
            addr: DEFAULT_HOST.into(),
            description: "default socket".into(),
        },
    };
    let mut contexts = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir.join("contexts").join("meta")) {
        for entry in entries.flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path().join("meta.json")) else {
                continue;
            };
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            let text = |p: &str| v.pointer(p).and_then(|x| x.as_str()).map(str::to_owned);
            let (Some(name), Some(addr)) = (text("/Name"), text("/Endpoints/docker/Host")) else {
                continue;
            };
            contexts.push(EngineChoice {
                name: crate::app::sanitize::plain(&name),
                addr,
                description: crate::app::sanitize::plain(
                    &text("/Metadata/Description").unwrap_or_default(),
                ),
            });
        }
    }
    contexts.sort_by(|a, b| a.name.cmp(&b.name));
    std::iter::once(default).chain(contexts).collect()
}

/// Checks that `addr` is an engine address dockside can use (`unix://` or an absolute
/// socket path, `tcp://`/`http://`/`https://host:port`, `ssh://[user@]host[:port]`): a
/// malformed one is refused at start instead of being retried forever.
pub fn validate(addr: &str) -> Result<(), String> {
    const FORMS: &str = "unix:///path/to/socket, tcp://host:port, ssh://[user@]host[:port]";
    if addr.starts_with('/') {
        return Ok(());
    }
    if let Some(path) = addr.strip_prefix("unix://") {
        return if path.starts_with('/') {
            Ok(())
        } else {
            Err(format!(
                "{addr}: a unix socket needs an absolute path ({FORMS})"
            ))
        };
    }
    if addr.starts_with("ssh://") {
        return super::ssh::parse(addr).map(|_| ());
    }
    for scheme in ["tcp://", "http://", "https://"] {
        if let Some(rest) = addr.strip_prefix(scheme) {
            let hostport = rest.strip_suffix('/').unwrap_or(rest);
            let ok = match hostport.rsplit_once(':') {
                Some((h, p)) => {
                    !h.is_empty() && !h.contains('/') && p.parse::<u16>().is_ok_and(|p| p > 0)
                }
                None => !hostport.is_empty() && !hostport.contains('/'),
            };
            return if ok {
                Ok(())
            } else {
                Err(format!("{addr}: not a valid host and port ({FORMS})"))
            };
        }
    }
    Err(format!("{addr}: not an engine address ({FORMS})"))
}

/// TLS material for an engine: the CA, the client certificate and its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TlsFiles {
    fn in_dir(dir: &std::path::Path) -> Option<TlsFiles> {
        let t = TlsFiles {
            ca: dir.join("ca.pem"),
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
        };
        (t.ca.is_file() && t.cert.is_file() && t.key.is_file()).then_some(t)
    }
}

/// The docker context a target names (its source is "docker context `NAME`").
pub fn context_of(target: &Target) -> Option<&str> {
    target
        .source
        .strip_prefix("docker context `")?
        .strip_suffix('`')
}

/// The TLS material for a target, as the CLI finds it: a docker context's own
/// (`contexts/tls/<context hash>/docker/{ca,cert,key}.pem`); for any other `tcp://` address,
/// `DOCKER_TLS_VERIFY` with `DOCKER_CERT_PATH` (default `~/.docker`).
pub fn tls_for(target: &Target) -> Option<TlsFiles> {
    if let Some(t) = &target.tls {
        return Some(t.clone());
    }
    if let Some(ctx) = context_of(target) {
        return tls_in(&docker_config_dir(), ctx);
    }
    let verify = std::env::var("DOCKER_TLS_VERIFY")
        .ok()
        .filter(|v| !v.is_empty())?;
    if verify == "0" || !target.addr.starts_with("tcp://") {
        return None;
    }
    let dir = std::env::var("DOCKER_CERT_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|_| docker_config_dir());
    TlsFiles::in_dir(&dir)
}

/// The TLS material of context `name` in the context store at `dir`.
fn tls_in(dir: &std::path::Path, name: &str) -> Option<TlsFiles> {
    for entry in std::fs::read_dir(dir.join("contexts").join("meta"))
        .ok()?
        .flatten()
    {
        let Ok(text) = std::fs::read_to_string(entry.path().join("meta.json")) else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        if v.get("Name").and_then(|n| n.as_str()) != Some(name) {
            continue;
        }
        let tls = dir
            .join("contexts")
            .join("tls")
            .join(entry.file_name())
            .join("docker");
        return TlsFiles::in_dir(&tls);
    }
    None
}

/// Seconds a request may take (bollard's default).
const REQUEST_TIMEOUT: u64 = 120;

/// Build a client for `addr` (does not talk to the engine yet).
pub fn client(addr: &str) -> Result<Docker, String> {
    client_with_reason(&plain(addr)).map(|(d, _)| d)
}

/// A target given by address alone (not a docker context).
fn plain(addr: &str) -> Target {
    Target {
        addr: addr.to_string(),
        source: "--host".into(),
        tls: None,
    }
}

/// `addr` with its scheme: a bare absolute path is a unix socket.
fn with_scheme(addr: &str) -> String {
    if addr.starts_with('/') {
        format!("unix://{addr}")
    } else {
        addr.to_string()
    }
}

/// Refuses an API version older than dockside speaks.
fn new_enough(v: &bollard::ClientVersion) -> Result<(), String> {
    let (major, minor) = (v.major_version, v.minor_version);
    if (major, minor) < MIN_API {
        return Err(format!(
            "the engine's API version {major}.{minor} is too old (dockside needs {}.{} or newer)",
            MIN_API.0, MIN_API.1
        ));
    }
    Ok(())
}

/// A client, and for ssh where the reason of a failed connection lands.
fn client_with_reason(target: &Target) -> Result<(Docker, Option<super::ssh::LastError>), String> {
    let addr = target.addr.as_str();
    validate(addr)?;
    let addr = with_scheme(addr);
    if addr.starts_with("ssh://") {
        let (d, why) = super::ssh::client(&addr, REQUEST_TIMEOUT)?;
        return Ok((d, Some(why)));
    }
    if let Some(tls) = tls_for(target) {
        let d = Docker::connect_with_ssl(
            &addr,
            &tls.key,
            &tls.cert,
            &tls.ca,
            REQUEST_TIMEOUT,
            bollard::API_DEFAULT_VERSION,
        )
        .map_err(|e| format!("TLS material in {}: {e}", tls.ca.display()))?;
        return Ok((d, None));
    }
    let d = Docker::connect_with_host(&addr).map_err(|e| cause(&addr, &e, None))?;
    Ok((d, None))
}

/// The API version every current engine accepts (Docker 20.10's): what the first list is
/// asked in while the engine's own version is not known yet.
pub const PINNED_API: (usize, usize) = (1, 41);

/// A client pinned to [`PINNED_API`], for the first list while the version is negotiated.
/// Only for unix sockets; `None` elsewhere.
pub fn pinned_client(addr: &str) -> Option<Docker> {
    let addr = with_scheme(addr);
    if !addr.starts_with("unix://") {
        return None;
    }
    let v = bollard::ClientVersion {
        major_version: PINNED_API.0,
        minor_version: PINNED_API.1,
    };
    Docker::connect_with_unix(&addr, REQUEST_TIMEOUT, &v).ok()
}

/// `GET path` on a unix socket engine, its body handed to `each` piece by piece as it
/// comes (for an answer read into less than bollard's models as it arrives: the first
/// container list). An answer other than 2xx is an error with the engine's message.
pub async fn unix_get(
    addr: &str,
    path: &str,
    each: impl FnMut(&[u8]) -> Result<(), String>,
) -> Result<(), String> {
    let addr = with_scheme(addr);
    let Some(sock) = addr.strip_prefix("unix://") else {
        return Err(format!("{addr}: not a unix socket"));
    };
    let stream = tokio::net::UnixStream::connect(sock)
        .await
        .map_err(|e| format!("{sock}: {e}"))?;
    get_on(stream, sock, path, each).await
}

/// A `GET` written on a unix socket engine before the runtime exists (the first list, asked
/// as the process starts, while the configuration is read, the runtime started and the
/// terminal set up): [`read_asked`] reads its answer.
#[derive(Debug)]
pub struct Asked {
    stream: std::os::unix::net::UnixStream,
    sock: String,
    path: String,
    /// When it was asked: the events stream starts from there.
    pub at: std::time::SystemTime,
}

/// Ask `GET path` of a unix socket engine now, blocking (connecting to a unix socket and
/// writing a short request do not wait on the engine). `None` when it cannot be asked (not a
/// unix socket, nothing listening): the caller asks the usual way, whose error says why.
pub fn ask(addr: &str, path: &str) -> Option<Asked> {
    use std::io::Write;
    let addr = with_scheme(addr);
    let sock = addr.strip_prefix("unix://")?;
    let at = std::time::SystemTime::now();
    let mut stream = std::os::unix::net::UnixStream::connect(sock).ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: docker\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    stream.set_nonblocking(true).ok()?;
    Some(Asked {
        stream,
        sock: sock.to_string(),
        path: path.to_string(),
        at,
    })
}

/// The answer to a request [`ask`]ed before, its body handed to `each` as in [`unix_get`].
pub async fn read_asked(
    asked: Asked,
    each: impl FnMut(&[u8]) -> Result<(), String>,
) -> Result<(), String> {
    let Asked {
        stream, sock, path, ..
    } = asked;
    let stream = tokio::net::UnixStream::from_std(stream).map_err(|e| format!("{sock}: {e}"))?;
    get_on(AlreadyAsked::new(stream), &sock, &path, each).await
}

/// A connection whose one request is already written: hyper reads the answer as its own, and
/// what it writes (the same request) is dropped. Nothing is read before hyper has written: a
/// client connection with an answer waiting before its request would be one in error.
struct AlreadyAsked<T> {
    io: T,
    written: bool,
    /// A read tried before the write: woken by it.
    reader: Option<std::task::Waker>,
}

impl<T> AlreadyAsked<T> {
    fn new(io: T) -> Self {
        AlreadyAsked {
            io,
            written: false,
            reader: None,
        }
    }
}

impl<T: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for AlreadyAsked<T> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        if !self.written {
            self.reader = Some(cx.waker().clone());
            return std::task::Poll::Pending;
        }
        std::pin::Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<T: Unpin> tokio::io::AsyncWrite for AlreadyAsked<T> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        self.written = true;
        if let Some(reader) = self.reader.take() {
            reader.wake();
        }
        std::task::Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

/// `GET path` on a connection to the engine at `sock`: see [`unix_get`].
async fn get_on<T>(
    stream: T,
    sock: &str,
    path: &str,
    mut each: impl FnMut(&[u8]) -> Result<(), String>,
) -> Result<(), String>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    use http_body_util::{BodyExt, Empty};
    // Read 64 KiB at a time into the same memory: each piece is let go once read.
    let (mut send, conn) = hyper::client::conn::http1::Builder::new()
        .read_buf_exact_size(Some(64 * 1024))
        .handshake(hyper_util::rt::TokioIo::new(stream))
        .await
        .map_err(|e| format!("{sock}: {e}"))?;
    // The connection's own task: it ends when `send` is dropped.
    tokio::spawn(conn);
    let req = hyper::Request::get(path)
        .header(hyper::header::HOST, "docker")
        .body(Empty::<hyper::body::Bytes>::new())
        .map_err(|e| format!("{path}: {e}"))?;
    let res = send
        .send_request(req)
        .await
        .map_err(|e| format!("{sock}: {e}"))?;
    let status = res.status();
    let mut body = res.into_body();
    if !status.is_success() {
        let text = body
            .collect()
            .await
            .map_err(|e| format!("{sock}: {e}"))?
            .to_bytes();
        let text = String::from_utf8_lossy(&text);
        return Err(format!("{status}: {}", text.trim()));
    }
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| format!("{sock}: {e}"))?;
        if let Some(data) = frame.data_ref() {
            each(data)?;
        }
    }
    Ok(())
}

/// The client [`connect_target`] gives on a unix socket, from the engine's `/version` answer
/// already in hand: bollard's negotiation (the engine's API version when older than
/// bollard's), without asking `/version` a second time.
pub fn agreed_client(addr: &str, v: &bollard::models::SystemVersion) -> Result<Docker, String> {
    let server = v.api_version.as_deref().and_then(|s| {
        let (major, minor) = s.split_once('.')?;
        Some(bollard::ClientVersion {
            major_version: major.parse().ok()?,
            minor_version: minor.parse().ok()?,
        })
    });
    let Some(server) = server else {
        return Err(format!(
            "{addr}: the engine's /version answer has no API version ({:?})",
            v.api_version
        ));
    };
    let agreed = if server < *bollard::API_DEFAULT_VERSION {
        server
    } else {
        *bollard::API_DEFAULT_VERSION
    };
    new_enough(&agreed)?;
    let addr = with_scheme(addr);
    Docker::connect_with_unix(&addr, REQUEST_TIMEOUT, &agreed).map_err(|e| cause(&addr, &e, None))
}

/// The oldest engine API dockside speaks (Docker 1.12, as the docker CLI).
pub const MIN_API: (usize, usize) = (1, 24);

/// Connect and agree on an API version: one `/version` call. Errors name the cause as the
/// docker CLI does.
pub async fn connect(addr: &str) -> Result<Docker, String> {
    connect_target(&plain(addr)).await
}

/// [`connect`] to a target: a docker context's TLS material is used with it.
pub async fn connect_target(target: &Target) -> Result<Docker, String> {
    let addr = target.addr.as_str();
    let (docker, ssh_reason) = client_with_reason(target)?;
    let docker = docker
        .negotiate_version()
        .await
        .map_err(|e| cause(addr, &e, ssh_reason.as_ref().and_then(|r| r.get())))?;
    new_enough(&docker.client_version())?;
    Ok(docker)
}

/// Every message of an error and its sources, joined.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let t = s.to_string();
        if !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        cur = s.source();
    }
    parts.join(": ")
}

/// Why connecting to `addr` failed, named as the docker CLI names it.
pub fn cause(addr: &str, e: &bollard::errors::Error, ssh_stderr: Option<String>) -> String {
    use bollard::errors::Error;
    if let Some(stderr) = ssh_stderr {
        return ssh_cause(addr, &stderr);
    }
    match e {
        Error::SocketNotFoundError(path) => {
            return format!("no such socket: {path} (is the engine running?)");
        }
        Error::RequestTimeoutError => {
            return "the engine accepted the connection but did not answer in time".into();
        }
        Error::DockerResponseServerError {
            status_code,
            message,
        } => {
            let lower = message.to_lowercase();
            if lower.contains("http request to an https server") {
                return tls_needed(addr);
            }
            if lower.contains("too old") || lower.contains("minimum supported api version") {
                return format!("API version too old: {}", message.trim());
            }
            return format!("the engine answered {status_code}: {}", message.trim());
        }
        _ => {}
    }
    let text = chain(e);
    let lower = text.to_lowercase();
    let host = addr
        .split_once("://")
        .map_or(addr, |(_, h)| h)
        .trim_end_matches('/');
    if lower.contains("connection refused") {
        format!("connection refused by {host} (is the engine running?)")
    } else if lower.contains("permission denied") {
        format!("permission denied on the socket {host} (is your user in the docker group?)")
    } else if lower.contains("failed to lookup address")
        || lower.contains("name or service not known")
        || lower.contains("no address associated")
        || lower.contains("nodename nor servname")
        || lower.contains("temporary failure in name resolution")
    {
        let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
        format!("no such host: {name}")
    } else if lower.contains("certificate") || lower.contains("invalid peer") {
        let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
        let why = text.rsplit(": ").next().unwrap_or(&text).trim();
        format!("TLS verification failed for {name}: {why}")
    } else if lower.contains("http request to an https server") {
        tls_needed(addr)
    } else if lower.contains("no such file or directory") {
        format!("no such socket: {host} (is the engine running?)")
    } else if lower.contains("timed out") {
        format!("connecting to {host} timed out")
    } else {
        friendly_error(&text)
    }
}

fn tls_needed(addr: &str) -> String {
    format!(
        "{addr} speaks TLS: use a docker context with its certificates, or DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH"
    )
}

/// Why an ssh connection failed, from what ssh said.
fn ssh_cause(addr: &str, stderr: &str) -> String {
    let lower = stderr.to_lowercase();
    let last = stderr
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or(stderr)
        .to_string();
    let addr = addr.trim_end_matches('/');
    if lower.contains("permission denied") || lower.contains("too many authentication failures") {
        format!("ssh authentication failed for {addr}: {last}")
    } else if lower.contains("could not resolve hostname") {
        format!("no such host: {last}")
    } else if lower.contains("connection refused") {
        format!("connection refused by {addr}: {last}")
    } else if lower.contains("host key verification failed") {
        format!("ssh: host key verification failed for {addr} (connect once with ssh to accept it)")
    } else if lower.contains("command not found") || lower.contains("not found") {
        format!("no docker CLI on {addr} for `docker system dial-stdio`: {last}")
    } else {
        format!("ssh {addr}: {last}")
    }
}

/// Engine errors, shortened for a status line.
pub fn friendly_error(e: &str) -> String {
    let e = e.trim();
    if e.contains("No such file or directory") {
        return "no socket there (is the engine running?)".into();
    }
    if e.contains("Connection refused") {
        return "connection refused (is the engine running?)".into();
    }
    if e.contains("Permission denied") {
        return "permission denied (are you in the docker group?)".into();
    }
    // bollard: "Docker responded with status code 409: <message>"
    if let Some((_, msg)) = e.split_once("status code ")
        && let Some((_, m)) = msg.split_once(": ")
    {
        return m.trim().to_string();
    }
    e.to_string()
}

/// A bollard error, shortened by [`friendly_error`].
pub fn friendly(e: bollard::errors::Error) -> String {
    friendly_error(&e.to_string())
}

/// The engine's own message for an error when it gave one, else [`friendly`].
pub fn engine_error(e: bollard::errors::Error) -> String {
    use bollard::errors::Error;
    match e {
        Error::DockerStreamError { error } => error.trim().to_string(),
        Error::DockerResponseServerError { message, .. } => message.trim().to_string(),
        e => friendly(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_listening_unix_socket_is_asked_early() {
        // Elsewhere the engine task connects as usual (and says why it cannot).
        assert!(ask("tcp://127.0.0.1:2375", "/_ping").is_none());
        assert!(ask("ssh://user@host", "/_ping").is_none());
        let dir = std::env::temp_dir().join(format!("dockside-ask-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let sock = dir.join("engine.sock");
        let _ = std::fs::remove_file(&sock);
        let addr = format!("unix://{}", sock.display());
        assert!(ask(&addr, "/_ping").is_none(), "nothing listens yet");
        // A socket that listens is asked: the request is on it, as written.
        let listener = std::os::unix::net::UnixListener::bind(&sock).expect("bind");
        let asked = ask(&addr, "/v1.41/containers/json?all=1").expect("asked");
        let (mut conn, _) = listener.accept().expect("accept");
        let mut got = vec![0u8; 256];
        let n = std::io::Read::read(&mut conn, &mut got).expect("read");
        assert_eq!(
            String::from_utf8_lossy(&got[..n]),
            "GET /v1.41/containers/json?all=1 HTTP/1.1\r\nHost: docker\r\n\r\n"
        );
        drop(asked);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A request asked of a fake engine that answers `answer` at once and closes; the answer
    /// is read once it is waiting on the socket, before hyper has written anything.
    fn asked_of(name: &str, answer: &'static [u8]) -> Result<Vec<u8>, String> {
        use std::io::{Read, Write};
        let dir = std::env::temp_dir().join(format!("dockside-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let sock = dir.join("e.sock");
        let _ = std::fs::remove_file(&sock);
        let listener = std::os::unix::net::UnixListener::bind(&sock).expect("bind");
        let engine = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().expect("accept");
            let mut request = [0u8; 512];
            let _ = conn.read(&mut request).expect("the request");
            conn.write_all(answer).expect("the answer");
        });
        let asked = ask(&format!("unix://{}", sock.display()), "/x").expect("asked");
        engine.join().expect("the fake engine");
        // Two workers, as dockside runs: the connection's task may run before the request
        // is handed to it.
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let mut body = Vec::new();
        let read = rt.block_on(read_asked(asked, |piece| {
            body.extend_from_slice(piece);
            Ok(())
        }));
        let _ = std::fs::remove_dir_all(&dir);
        read.map(|()| body)
    }

    #[test]
    fn an_answer_waiting_before_hyper_writes_is_read_as_the_answer() {
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n[1,\r\n2\r\n2]\r\n0\r\n\r\n";
        assert_eq!(asked_of("chunked", chunked), Ok(b"[1,2]".to_vec()));
        let refused =
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 16\r\n\r\n{\"message\":\"no\"}";
        assert_eq!(
            asked_of("refused", refused),
            Err(r#"500 Internal Server Error: {"message":"no"}"#.to_string())
        );
        let cut = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
        let e = asked_of("cut", cut).expect_err("cut short");
        assert!(e.contains("e.sock"), "{e}");
    }

    #[test]
    fn the_agreed_api_version_is_the_engines_when_older_than_bollards() {
        let answer = |api: Option<&str>| bollard::models::SystemVersion {
            api_version: api.map(String::from),
            ..Default::default()
        };
        let sock = "unix:///var/run/docker.sock";
        let v = |api| agreed_client(sock, &answer(api)).map(|d| d.client_version().to_string());
        assert_eq!(v(Some("1.41")), Ok("1.41".to_string()));
        assert_eq!(
            v(Some("1.99")),
            Ok(bollard::API_DEFAULT_VERSION.to_string())
        );
        let old = v(Some("1.12")).expect_err("1.12 is too old");
        assert!(old.contains("1.12 is too old"), "{old}");
        let none = v(None).expect_err("no API version");
        assert!(none.contains("no API version"), "{none}");
        assert!(v(Some("one.two")).is_err());
    }

    #[test]
    fn flag_wins() {
        let t = resolve(Some("tcp://1.2.3.4:2375"), None);
        assert_eq!(t.addr, "tcp://1.2.3.4:2375");
        assert_eq!(t.source, "--host");
    }

    #[test]
    fn context_meta_is_read() {
        let dir = std::env::temp_dir().join(format!("dockside-ctx-{}", std::process::id()));
        let meta = dir.join("contexts/meta/abc");
        std::fs::create_dir_all(&meta).expect("mkdir");
        std::fs::write(
            meta.join("meta.json"),
            r#"{"Name":"remote","Endpoints":{"docker":{"Host":"ssh://me@box"}}}"#,
        )
        .expect("write");
        std::fs::write(dir.join("config.json"), r#"{"currentContext":"remote"}"#).expect("write");
        assert_eq!(current_context(&dir).as_deref(), Some("remote"));
        assert_eq!(
            context_host(&dir, "remote").as_deref(),
            Some("ssh://me@box")
        );
        assert_eq!(context_host(&dir, "other"), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn engine_choices_list_default_then_contexts() {
        let dir = std::env::temp_dir().join(format!("dockside-choices-{}", std::process::id()));
        for (hash, json) in [
            (
                "b",
                r#"{"Name":"prod","Metadata":{"Description":"the big one"},"Endpoints":{"docker":{"Host":"ssh://ops@prod"}}}"#,
            ),
            (
                "a",
                r#"{"Name":"lab","Endpoints":{"docker":{"Host":"tcp://lab:2376"}}}"#,
            ),
            ("c", "not json"),
        ] {
            let meta = dir.join("contexts/meta").join(hash);
            std::fs::create_dir_all(&meta).expect("mkdir");
            std::fs::write(meta.join("meta.json"), json).expect("write");
        }
        let got = choices_in(&dir, None);
        let names: Vec<(&str, &str, &str)> = got
            .iter()
            .map(|e| (e.name.as_str(), e.addr.as_str(), e.description.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("default", DEFAULT_HOST, "default socket"),
                ("lab", "tcp://lab:2376", ""),
                ("prod", "ssh://ops@prod", "the big one"),
            ]
        );
        let got = choices_in(&dir, Some("tcp://10.0.0.1:2375".into()));
        assert_eq!(got[0].addr, "tcp://10.0.0.1:2375");
        assert_eq!(got[0].description, "DOCKER_HOST");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn addresses_are_validated() {
        for good in [
            "unix:///var/run/docker.sock",
            "/var/run/docker.sock",
            "tcp://127.0.0.1:2376",
            "tcp://box",
            "ssh://root@127.0.0.1:2222",
            "https://h:1/",
        ] {
            assert_eq!(validate(good), Ok(()), "{good}");
        }
        for bad in [
            "garbage",
            "unix://relative",
            "tcp://",
            "tcp://h:99999",
            "ssh://h:x",
            "ftp://h",
        ] {
            assert!(validate(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn tls_material_of_a_context_is_found_by_its_name() {
        let dir = std::env::temp_dir().join(format!("dockside-tls-{}", std::process::id()));
        let meta = dir.join("contexts/meta/h1");
        let tls = dir.join("contexts/tls/h1/docker");
        std::fs::create_dir_all(&meta).expect("mkdir");
        std::fs::create_dir_all(&tls).expect("mkdir");
        std::fs::write(
            meta.join("meta.json"),
            r#"{"Name":"x","Endpoints":{"docker":{"Host":"tcp://127.0.0.1:2376"}}}"#,
        )
        .expect("write");
        for f in ["ca.pem", "cert.pem", "key.pem"] {
            std::fs::write(tls.join(f), "x").expect("write");
        }
        let got = tls_in(&dir, "x").expect("found");
        assert_eq!(got.ca, tls.join("ca.pem"));
        assert_eq!(tls_in(&dir, "y"), None);
        let t = Target {
            addr: "tcp://127.0.0.1:2376".into(),
            source: "docker context `x`".into(),
            tls: None,
        };
        assert_eq!(context_of(&t), Some("x"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn ssh_failures_are_named() {
        assert!(
            ssh_cause("ssh://u@h:2", "u@h: Permission denied (publickey).")
                .starts_with("ssh authentication failed")
        );
        assert!(
            ssh_cause(
                "ssh://h",
                "ssh: Could not resolve hostname h: Name or service not known"
            )
            .starts_with("no such host")
        );
    }

    #[test]
    fn errors_are_shortened() {
        assert_eq!(
            friendly_error(
                "Docker responded with status code 409: You cannot remove a running container abc. Stop the container before attempting removal or force remove"
            ),
            "You cannot remove a running container abc. Stop the container before attempting removal or force remove"
        );
        assert_eq!(
            friendly_error("error trying to connect: Connection refused (os error 111)"),
            "connection refused (is the engine running?)"
        );
    }
}
