//! Identity tokens (`identitytoken` of `~/.docker/config.json`, a credential helper's
//! `<token>`): the registry's Bearer challenge is answered with the OAuth2 refresh-token
//! grant (a POST to the token endpoint), as the docker CLI does. Against a small registry
//! and token endpoint served by this test on loopback (no engine needed).

use std::sync::{Arc, Mutex};

use dockside::app::registry::Registry;
use dockside::docker::registry::{self, Conn, Creds};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const IDENTITY: &str = "identity/token+1";
const ACCESS: &str = "access-42";

/// One HTTP/1.1 request: method, path, headers (lower-case names), body.
struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Read one request from a kept-alive connection (None at its end).
async fn read_request(s: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Request> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let mut lines = head.lines();
            let mut first = lines.next()?.split(' ');
            let method = first.next()?.to_string();
            let path = first.next()?.to_string();
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
                .collect();
            let len: usize = headers
                .iter()
                .find(|(n, _)| n == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let mut chunk = [0u8; 4096];
                let n = s.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).to_string();
            buf.drain(..end + 4 + len);
            return Some(Request {
                method,
                path,
                headers,
                body,
            });
        }
        let mut chunk = [0u8; 4096];
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// A registry whose token endpoint takes only the refresh-token grant with [`IDENTITY`].
/// Every request is recorded as `METHOD path`.
async fn serve(listener: TcpListener, seen: Arc<Mutex<Vec<String>>>) {
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    loop {
        let Ok((mut s, _)) = listener.accept().await else {
            return;
        };
        let seen = seen.clone();
        tokio::spawn(async move {
            let mut buf = Vec::new();
            while let Some(r) = read_request(&mut s, &mut buf).await {
                if let Ok(mut v) = seen.lock() {
                    v.push(format!("{} {}", r.method, r.path));
                }
                let challenge = format!(
                    "Bearer realm=\"http://127.0.0.1:{port}/token\",service=\"fake\",scope=\"registry:catalog:*\""
                );
                let (status, extra, body) = match (r.method.as_str(), r.path.as_str()) {
                    ("POST", "/token") => {
                        let form: Vec<&str> = r.body.split('&').collect();
                        let ok = r.header("content-type")
                            == Some("application/x-www-form-urlencoded")
                            && form.contains(&"grant_type=refresh_token")
                            && form.contains(&"refresh_token=identity%2Ftoken%2B1")
                            && form.contains(&"scope=registry%3Acatalog%3A%2A");
                        if ok {
                            (
                                "200 OK",
                                String::new(),
                                format!("{{\"access_token\":\"{ACCESS}\"}}"),
                            )
                        } else {
                            ("401 Unauthorized", String::new(), "{}".to_string())
                        }
                    }
                    (_, p) if p.starts_with("/v2/") => {
                        if r.header("authorization") == Some(&format!("Bearer {ACCESS}")) {
                            (
                                "200 OK",
                                String::new(),
                                "{\"repositories\":[\"team/app\"]}".into(),
                            )
                        } else {
                            (
                                "401 Unauthorized",
                                format!("WWW-Authenticate: {challenge}\r\n"),
                                "{}".into(),
                            )
                        }
                    }
                    _ => ("404 Not Found", String::new(), "{}".into()),
                };
                let answer = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                if s.write_all(answer.as_bytes()).await.is_err() {
                    return;
                }
            }
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identity_token_is_traded_for_an_access_token() {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let port = listener
        .local_addr()
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let server = tokio::spawn(serve(listener, seen.clone()));
    let reg = Registry {
        name: "token".into(),
        host: format!("127.0.0.1:{port}"),
        insecure: true,
        source: "test".into(),
    };
    let none = std::path::Path::new("/nonexistent");

    let mut c = Conn::connect(&reg, Some(Creds::Token(IDENTITY.into())), none)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let repos = registry::catalog_on(&mut c)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(repos, ["team/app"]);
    let asked = seen.lock().map(|v| v.clone()).unwrap_or_default();
    assert!(asked.contains(&"POST /token".to_string()), "{asked:?}");

    // Another token: refused, one line.
    let mut c = Conn::connect(&reg, Some(Creds::Token("stale".into())), none)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let e = registry::catalog_on(&mut c).await.expect_err("refused");
    assert!(e.contains("bad credentials") && !e.contains('\n'), "{e}");
    server.abort();
}
