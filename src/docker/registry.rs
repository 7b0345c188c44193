//! Registries over their HTTP API (distribution v2): the registries the docker CLI knows
//! (`config.json`: `auths`, `credHelpers`, `credsStore`), their catalog, a repository's tags,
//! what a tag points at, and deleting one. Auth like the CLI: a request goes out without
//! credentials; a `401` names the scheme (`Basic`, or `Bearer` with the token endpoint to ask).
//! TLS with the system roots plus `/etc/docker/certs.d/<host>/*.crt`; plain HTTP for
//! registries marked insecure, and for loopback ones that do not speak TLS. Every failure is
//! one line, and every request has a deadline.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{HeaderMap, Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

use crate::app::registry::{Layer, Registry, TagInfo, host_of};

/// The longest a request (connect, send, read the body) may take.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The longest a credential helper may take.
const HELPER_TIMEOUT: Duration = Duration::from_secs(10);
/// Catalog and tag pages followed at most.
const MAX_PAGES: usize = 200;

const MANIFEST_TYPES: &str = "application/vnd.docker.distribution.manifest.list.v2+json, \
application/vnd.oci.image.index.v1+json, \
application/vnd.docker.distribution.manifest.v2+json, \
application/vnd.oci.image.manifest.v1+json";

type HttpsClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Where `/etc/docker/certs.d` is (`DOCKSIDE_CERTS_D` moves it, for tests).
fn certs_d() -> std::path::PathBuf {
    std::env::var_os("DOCKSIDE_CERTS_D")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/etc/docker/certs.d".into())
}

fn is_loopback(host: &str) -> bool {
    let h = host
        .rsplit_once(':')
        .filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
        .map_or(host, |(h, _)| h);
    let h = h.trim_start_matches('[').trim_end_matches(']');
    h == "localhost" || h.starts_with("127.") || h == "::1"
}

// ---- credentials -------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Creds {
    Basic {
        user: String,
        password: String,
    },
    /// An identity token (refresh token) for the token endpoint.
    Token(String),
}

fn config_json() -> Option<Value> {
    let text = std::fs::read_to_string(super::credentials::docker_config_file()).ok()?;
    serde_json::from_str(&text).ok()
}

/// The key a credential helper stores a registry under.
fn helper_key(host: &str) -> String {
    if host == "docker.io" {
        "https://index.docker.io/v1/".into()
    } else {
        host.to_string()
    }
}

/// Run `docker-credential-<helper> <verb>` with `input` on stdin, as the CLI does.
async fn run_helper(helper: &str, verb: &str, input: &str) -> Result<String, String> {
    use tokio::io::AsyncWriteExt;
    let prog = format!("docker-credential-{helper}");
    let mut child = tokio::process::Command::new(&prog)
        .arg(verb)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("{prog}: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes()).await;
    }
    let out = tokio::time::timeout(HELPER_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| format!("{prog} {verb} did not answer within 10 s"))?
        .map_err(|e| format!("{prog}: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if out.status.success() {
        Ok(stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        Err(format!(
            "{prog} {verb}: {}",
            if stdout.is_empty() { err } else { stdout }
        ))
    }
}

/// The helper for `host` in a `config.json`: its `credHelpers` entry, else `credsStore`.
pub fn helper_for(config: &Value, host: &str) -> Option<String> {
    let by_host = config
        .get("credHelpers")
        .and_then(|h| h.as_object())
        .and_then(|h| {
            h.iter()
                .find(|(k, _)| host_of(k) == host)
                .and_then(|(_, v)| v.as_str())
        });
    by_host
        .or_else(|| config.get("credsStore").and_then(|s| s.as_str()))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A helper's `get` answer: `{"Username":…,"Secret":…}`; `<token>` names an identity token.
pub fn parse_helper_get(json: &str) -> Option<Creds> {
    let v: Value = serde_json::from_str(json).ok()?;
    let user = v.get("Username")?.as_str()?.to_string();
    let secret = v.get("Secret")?.as_str()?.to_string();
    if user == "<token>" {
        Some(Creds::Token(secret))
    } else {
        Some(Creds::Basic {
            user,
            password: secret,
        })
    }
}

/// The credentials for `host`: a credential helper (as the CLI calls it), else `auths`.
async fn credentials(host: &str) -> Option<Creds> {
    let config = config_json()?;
    if let Some(helper) = helper_for(&config, host)
        && let Ok(out) = run_helper(&helper, "get", &helper_key(host)).await
        && let Some(c) = parse_helper_get(&out)
    {
        return Some(c);
    }
    let text = serde_json::to_string(&config).ok()?;
    let c = super::credentials::credentials_from_config(&text, host)?;
    match (c.username, c.password, c.identitytoken) {
        (_, _, Some(t)) => Some(Creds::Token(t)),
        (Some(user), Some(password), None) => Some(Creds::Basic { user, password }),
        _ => None,
    }
}

/// The registries a `config.json` names (`auths`, `credHelpers`), sorted by host.
pub fn registries_in_config(config: &Value) -> Vec<Registry> {
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    for (field, source) in [("auths", "config.json"), ("credHelpers", "credHelpers")] {
        if let Some(map) = config.get(field).and_then(|a| a.as_object()) {
            for k in map.keys() {
                found
                    .entry(host_of(k))
                    .or_insert_with(|| source.to_string());
            }
        }
    }
    found
        .into_iter()
        .filter(|(h, _)| !h.is_empty())
        .map(|(host, source)| Registry {
            name: host.clone(),
            host,
            insecure: false,
            source,
        })
        .collect()
}

/// The registries the docker CLI knows: `config.json`, and what its `credsStore` lists.
pub async fn list_registries() -> Result<Vec<Registry>, String> {
    let Some(config) = config_json() else {
        return Ok(Vec::new());
    };
    let mut regs = registries_in_config(&config);
    if let Some(store) = config.get("credsStore").and_then(|s| s.as_str())
        && !store.is_empty()
        && let Ok(out) = run_helper(store, "list", "").await
        && let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&out)
    {
        for k in map.keys() {
            let host = host_of(k);
            if !host.is_empty() && !regs.iter().any(|r| r.host == host) {
                regs.push(Registry {
                    name: host.clone(),
                    host,
                    insecure: false,
                    source: format!("credsStore {store}"),
                });
            }
        }
    }
    Ok(regs)
}

// ---- transport ---------------------------------------------------------------------------

/// A TLS client trusting the system roots and the registry's own CA (`certs.d/<host>/*.crt`).
fn client(host: &str, certs_d: &std::path::Path) -> Result<HttpsClient, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    let dir = certs_d.join(host);
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "crt") {
                use rustls_pki_types::pem::PemObject;
                let certs = rustls_pki_types::CertificateDer::pem_file_iter(&p)
                    .map_err(|e| format!("{}: {e}", p.display()))?;
                for c in certs {
                    let c = c.map_err(|e| format!("{}: {e}", p.display()))?;
                    roots.add(c).map_err(|e| format!("{}: {e}", p.display()))?;
                }
            }
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(TIMEOUT));
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Ok(Client::builder(TokioExecutor::new()).build(https))
}

/// An error and its causes, as one line.
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

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// One registry, the scheme it speaks and the authorization that worked.
pub struct Conn {
    client: HttpsClient,
    pub host: String,
    base: String,
    creds: Option<Creds>,
    auth: Option<String>,
}

impl Conn {
    /// Reach `reg`: HTTPS, or HTTP when it is insecure, or loopback and not speaking TLS.
    pub async fn open(reg: &Registry) -> Result<Conn, String> {
        let creds = credentials(&reg.host).await;
        Conn::connect(reg, creds, &certs_d()).await
    }

    /// Reach `reg` with these credentials and CAs from `certs_d/<host>/*.crt`.
    pub async fn connect(
        reg: &Registry,
        creds: Option<Creds>,
        certs_d: &std::path::Path,
    ) -> Result<Conn, String> {
        let client = client(&reg.host, certs_d)?;
        let host = reg.host.clone();
        let api = if host == "docker.io" {
            "registry-1.docker.io".to_string()
        } else {
            host.clone()
        };
        let mut conn = Conn {
            client,
            host: host.clone(),
            base: format!("{}://{api}", if reg.insecure { "http" } else { "https" }),
            creds,
            auth: None,
        };
        if let Err(e) = conn.raw(Method::GET, "/v2/", None).await {
            let tls_spoken = e.contains("certificate") || e.contains("Certificate");
            if reg.insecure || !is_loopback(&host) || tls_spoken {
                return Err(e);
            }
            conn.base = format!("http://{api}");
            conn.raw(Method::GET, "/v2/", None).await.map_err(|_| e)?;
        }
        Ok(conn)
    }

    async fn raw(
        &self,
        method: Method,
        path_or_url: &str,
        accept: Option<&str>,
    ) -> Result<Answer, String> {
        self.send(method, path_or_url, accept, None).await
    }

    /// One request; `body`: its content type and bytes.
    async fn send(
        &self,
        method: Method,
        path_or_url: &str,
        accept: Option<&str>,
        body: Option<&(String, Bytes)>,
    ) -> Result<Answer, String> {
        let url = if path_or_url.starts_with("http://") || path_or_url.starts_with("https://") {
            path_or_url.to_string()
        } else {
            format!("{}{path_or_url}", self.base)
        };
        let mut req = Request::builder().method(method).uri(&url);
        if let Some(a) = accept {
            req = req.header("Accept", a);
        }
        // Credentials go to the registry itself, never to a host it redirects to.
        let same_host = url.starts_with(&self.base);
        if let Some(a) = &self.auth
            && same_host
        {
            req = req.header("Authorization", a);
        }
        if let Some((ct, _)) = body {
            req = req.header("Content-Type", ct.as_str());
        }
        let bytes = body.map(|(_, b)| b.clone()).unwrap_or_default();
        let req = req
            .body(Full::new(bytes))
            .map_err(|e| format!("{url}: {e}"))?;
        let host = &self.host;
        let fut = async {
            let resp = self.client.request(req).await.map_err(|e| {
                let text = chain(&e);
                if text.contains("certificate") || text.contains("Certificate") {
                    format!("TLS failure with {host}: {text} (its CA goes in /etc/docker/certs.d/{host}/ca.crt)")
                } else if text.contains("refused") {
                    format!("cannot reach {host}: connection refused")
                } else {
                    format!("cannot reach {host}: {text}")
                }
            })?;
            let status = resp.status();
            let headers = resp.headers().clone();
            let body = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("{host}: reading the answer: {}", chain(&e)))?
                .to_bytes();
            Ok(Answer {
                status,
                headers,
                body,
            })
        };
        tokio::time::timeout(TIMEOUT, fut)
            .await
            .map_err(|_| format!("{host} did not answer within {} s", TIMEOUT.as_secs()))?
    }

    /// A request, authenticating on a `401` challenge, following redirects (blobs).
    async fn call(
        &mut self,
        method: Method,
        path: &str,
        accept: Option<&str>,
    ) -> Result<Answer, String> {
        self.call_with(method, path, accept, None).await
    }

    /// [`Conn::call`] with a body (a `PUT`).
    async fn call_with(
        &mut self,
        method: Method,
        path: &str,
        accept: Option<&str>,
        body: Option<&(String, Bytes)>,
    ) -> Result<Answer, String> {
        let mut a = self.send(method.clone(), path, accept, body).await?;
        if a.status == StatusCode::UNAUTHORIZED {
            let challenge = a
                .headers
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            self.authenticate(&challenge).await?;
            a = self.send(method.clone(), path, accept, body).await?;
            if a.status == StatusCode::UNAUTHORIZED {
                return Err(match self.creds {
                    Some(_) => {
                        format!("{}: bad credentials (the registry refused them)", self.host)
                    }
                    None => format!(
                        "{}: authentication required (docker login {})",
                        self.host, self.host
                    ),
                });
            }
        }
        for _ in 0..5 {
            if !a.status.is_redirection() {
                break;
            }
            let Some(loc) = a.headers.get("location").and_then(|v| v.to_str().ok()) else {
                break;
            };
            let loc = loc.to_string();
            a = self.raw(Method::GET, &loc, accept).await?;
        }
        Ok(a)
    }

    async fn authenticate(&mut self, challenge: &str) -> Result<(), String> {
        let (scheme, params) = parse_challenge(challenge);
        match scheme.as_str() {
            "basic" => match &self.creds {
                Some(Creds::Basic { user, password }) => {
                    self.auth = Some(basic(user, password));
                    Ok(())
                }
                _ => Err(format!(
                    "{}: authentication required (docker login {})",
                    self.host, self.host
                )),
            },
            "bearer" => {
                let realm = params
                    .get("realm")
                    .ok_or_else(|| format!("{}: a Bearer challenge without realm", self.host))?
                    .clone();
                let (service, scope) = (params.get("service"), params.get("scope"));
                let host = self.host.clone();
                let (status, body) = match self.creds.clone() {
                    // An identity token (`identitytoken` of config.json, a helper's
                    // `<token>`): the OAuth2 refresh-token grant, as the docker CLI does;
                    // a token endpoint without it is asked the plain way.
                    Some(Creds::Token(t)) => {
                        let form = oauth_form(service, scope, &t);
                        let req = Request::builder()
                            .method(Method::POST)
                            .uri(&realm)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .body(Full::new(Bytes::from(form)))
                            .map_err(|e| format!("{realm}: {e}"))?;
                        let (status, body) = self.token_call(req).await?;
                        if status == StatusCode::NOT_FOUND
                            || status == StatusCode::METHOD_NOT_ALLOWED
                        {
                            let req = token_get(&realm, service, scope, None)?;
                            self.token_call(req).await?
                        } else {
                            (status, body)
                        }
                    }
                    Some(Creds::Basic { user, password }) => {
                        let req =
                            token_get(&realm, service, scope, Some(&basic(&user, &password)))?;
                        self.token_call(req).await?
                    }
                    None => {
                        self.token_call(token_get(&realm, service, scope, None)?)
                            .await?
                    }
                };
                if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
                    return Err(format!(
                        "{host}: bad credentials (the token endpoint refused them)"
                    ));
                }
                let v: Value = serde_json::from_slice(&body)
                    .map_err(|_| format!("{host}: the token endpoint answered {status}"))?;
                let token = v
                    .get("token")
                    .or_else(|| v.get("access_token"))
                    .and_then(|t| t.as_str())
                    .ok_or_else(|| format!("{host}: the token endpoint gave no token"))?;
                self.auth = Some(format!("Bearer {token}"));
                Ok(())
            }
            _ => Err(format!("{}: authentication required", self.host)),
        }
    }

    /// A request to the token endpoint: its status and body, within the deadline.
    async fn token_call(&self, req: Request<Full<Bytes>>) -> Result<(StatusCode, Bytes), String> {
        let host = &self.host;
        let fut = async {
            let resp = self
                .client
                .request(req)
                .await
                .map_err(|e| format!("{host}: token endpoint: {}", chain(&e)))?;
            let status = resp.status();
            let body = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("{host}: token endpoint: {}", chain(&e)))?
                .to_bytes();
            Ok::<_, String>((status, body))
        };
        tokio::time::timeout(TIMEOUT, fut)
            .await
            .map_err(|_| format!("{host}: the token endpoint did not answer"))?
    }

    /// GET a JSON document, every page of it (`Link: <…>; rel="next"`).
    async fn pages(&mut self, first: &str, what: &str) -> Result<Vec<Value>, String> {
        let mut out = Vec::new();
        let mut next = Some(first.to_string());
        while let Some(path) = next.take() {
            if out.len() >= MAX_PAGES {
                break;
            }
            let a = self.call(Method::GET, &path, None).await?;
            check(&a, &self.host, what)?;
            out.push(
                serde_json::from_slice(&a.body)
                    .map_err(|e| format!("{}: {what}: not JSON: {e}", self.host))?,
            );
            next = a
                .headers
                .get("link")
                .and_then(|v| v.to_str().ok())
                .and_then(next_link);
        }
        Ok(out)
    }
}

/// `GET realm?service=…&scope=…`, with `authorization` when given.
fn token_get(
    realm: &str,
    service: Option<&String>,
    scope: Option<&String>,
    authorization: Option<&str>,
) -> Result<Request<Full<Bytes>>, String> {
    let mut url = format!("{realm}?");
    if let Some(s) = service {
        url.push_str(&format!("service={}&", encode(s)));
    }
    if let Some(s) = scope {
        url.push_str(&format!("scope={}&", encode(s)));
    }
    let mut req = Request::builder()
        .method(Method::GET)
        .uri(url.trim_end_matches(['&', '?']));
    if let Some(a) = authorization {
        req = req.header("Authorization", a);
    }
    req.body(Full::new(Bytes::new()))
        .map_err(|e| format!("{realm}: {e}"))
}

/// The OAuth2 refresh-token grant's form, as the docker CLI sends it.
pub fn oauth_form(service: Option<&String>, scope: Option<&String>, token: &str) -> String {
    let mut form = format!(
        "grant_type=refresh_token&refresh_token={}&client_id=dockside",
        encode(token)
    );
    if let Some(s) = service {
        form.push_str(&format!("&service={}", encode(s)));
    }
    if let Some(s) = scope {
        form.push_str(&format!("&scope={}", encode(s)));
    }
    form
}

fn basic(user: &str, password: &str) -> String {
    let b = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {b}")
}

/// Percent-encode a query value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `Bearer realm="https://auth",service="reg",scope="repository:a:pull"` → scheme, params.
pub fn parse_challenge(h: &str) -> (String, BTreeMap<String, String>) {
    let h = h.trim();
    let (scheme, rest) = h.split_once(' ').unwrap_or((h, ""));
    let mut params = BTreeMap::new();
    let mut rest = rest.trim();
    while let Some((key, after)) = rest.split_once('=') {
        let key = key
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        let after = after.trim_start();
        let (value, tail) = if let Some(q) = after.strip_prefix('"') {
            match q.find('"') {
                Some(end) => (&q[..end], &q[end + 1..]),
                None => (q, ""),
            }
        } else {
            match after.find(',') {
                Some(end) => (&after[..end], &after[end..]),
                None => (after, ""),
            }
        };
        params.insert(key, value.to_string());
        rest = tail.trim_start_matches([',', ' ']);
    }
    (scheme.to_ascii_lowercase(), params)
}

/// The `rel="next"` target of a `Link` header.
pub fn next_link(h: &str) -> Option<String> {
    h.split(',').find_map(|part| {
        let part = part.trim();
        if !part.contains("rel=\"next\"") && !part.contains("rel=next") {
            return None;
        }
        let start = part.find('<')?;
        let end = part.find('>')?;
        part.get(start + 1..end).map(str::to_string)
    })
}

fn check(a: &Answer, host: &str, what: &str) -> Result<(), String> {
    match a.status {
        s if s.is_success() => Ok(()),
        StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => {
            Err(format!("{host}: {what} is forbidden ({})", a.status))
        }
        StatusCode::NOT_FOUND => Err(format!("{host}: {what}: not found")),
        StatusCode::METHOD_NOT_ALLOWED => Err(format!(
            "{host}: {what}: not allowed by this registry (deletes need REGISTRY_STORAGE_DELETE_ENABLED=true)"
        )),
        s => {
            let text = String::from_utf8_lossy(&a.body);
            let text: String = text.chars().take(200).collect();
            Err(format!("{host}: {what}: {s} {}", text.trim()))
        }
    }
}

// ---- the API -----------------------------------------------------------------------------

/// Every repository of the catalog, sorted.
pub async fn catalog(reg: &Registry) -> Result<Vec<String>, String> {
    catalog_on(&mut Conn::open(reg).await?).await
}

pub async fn catalog_on(c: &mut Conn) -> Result<Vec<String>, String> {
    let pages = c.pages("/v2/_catalog?n=1000", "the catalog").await?;
    let mut repos: Vec<String> = pages
        .iter()
        .filter_map(|p| p.get("repositories").and_then(|r| r.as_array()))
        .flatten()
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect();
    repos.sort();
    repos.dedup();
    Ok(repos)
}

/// Every tag of `repo`, sorted.
pub async fn tags(reg: &Registry, repo: &str) -> Result<Vec<String>, String> {
    tags_on(&mut Conn::open(reg).await?, repo).await
}

pub async fn tags_on(c: &mut Conn, repo: &str) -> Result<Vec<String>, String> {
    let pages = c
        .pages(
            &format!("/v2/{repo}/tags/list?n=1000"),
            &format!("the tags of {repo}"),
        )
        .await?;
    let mut tags: Vec<String> = pages
        .iter()
        .filter_map(|p| p.get("tags").and_then(|r| r.as_array()))
        .flatten()
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect();
    tags.sort();
    tags.dedup();
    Ok(tags)
}

fn platform_of(p: &Value) -> Option<String> {
    let os = p.get("os")?.as_str()?;
    let arch = p.get("architecture")?.as_str()?;
    Some(match p.get("variant").and_then(|v| v.as_str()) {
        Some(v) if !v.is_empty() => format!("{os}/{arch}/{v}"),
        _ => format!("{os}/{arch}"),
    })
}

/// The layers and config of an image manifest.
pub fn parse_image_manifest(m: &Value) -> (Option<String>, Vec<Layer>, u64) {
    let layer = |l: &Value| {
        Some(Layer {
            digest: l.get("digest")?.as_str()?.to_string(),
            size: l.get("size")?.as_u64()?,
        })
    };
    let config = m.get("config").and_then(layer);
    let layers: Vec<Layer> = m
        .get("layers")
        .and_then(|l| l.as_array())
        .map(|ls| ls.iter().filter_map(layer).collect())
        .unwrap_or_default();
    let size = layers.iter().map(|l| l.size).sum::<u64>() + config.as_ref().map_or(0, |c| c.size);
    (config.map(|c| c.digest), layers, size)
}

/// What `repo:tag` points at: its digest, platforms, and the image (the first platform of an
/// index) with its size, created time, labels and layers.
pub async fn tag_info(reg: &Registry, repo: &str, tag: &str) -> Result<TagInfo, String> {
    tag_info_on(&mut Conn::open(reg).await?, repo, tag).await
}

pub async fn tag_info_on(c: &mut Conn, repo: &str, tag: &str) -> Result<TagInfo, String> {
    let what = format!("{repo}:{tag}");
    let a = c
        .call(
            Method::GET,
            &format!("/v2/{repo}/manifests/{tag}"),
            Some(MANIFEST_TYPES),
        )
        .await?;
    check(&a, &c.host, &what)?;
    let digest = a
        .headers
        .get("docker-content-digest")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let m: Value = serde_json::from_slice(&a.body)
        .map_err(|e| format!("{}: {what}: manifest not JSON: {e}", c.host))?;
    let media_type = m
        .get("mediaType")
        .and_then(|t| t.as_str())
        .or_else(|| a.headers.get("content-type").and_then(|v| v.to_str().ok()))
        .unwrap_or("")
        .to_string();
    let mut info = TagInfo {
        digest,
        media_type,
        ..TagInfo::default()
    };
    let image = if let Some(list) = m.get("manifests").and_then(|l| l.as_array()) {
        info.platforms = list
            .iter()
            .filter_map(|e| e.get("platform").and_then(platform_of))
            .filter(|p| p != "unknown/unknown")
            .collect();
        let first = list
            .iter()
            .find(|e| {
                e.get("platform")
                    .and_then(platform_of)
                    .is_some_and(|p| p != "unknown/unknown")
            })
            .and_then(|e| e.get("digest").and_then(|d| d.as_str()));
        match first {
            Some(d) => {
                let a = c
                    .call(
                        Method::GET,
                        &format!("/v2/{repo}/manifests/{d}"),
                        Some(MANIFEST_TYPES),
                    )
                    .await?;
                check(&a, &c.host, &what)?;
                serde_json::from_slice(&a.body).ok()
            }
            None => None,
        }
    } else {
        Some(m)
    };
    if let Some(image) = image {
        let (config, layers, size) = parse_image_manifest(&image);
        info.layers = layers;
        info.size = size;
        if let Some(cd) = config {
            let a = c
                .call(Method::GET, &format!("/v2/{repo}/blobs/{cd}"), None)
                .await?;
            check(&a, &c.host, &format!("{what} config"))?;
            if let Ok(cfg) = serde_json::from_slice::<Value>(&a.body) {
                info.created = cfg
                    .get("created")
                    .and_then(|t| t.as_str())
                    .map(str::to_string);
                if info.platforms.is_empty()
                    && let Some(p) = platform_of(&cfg)
                {
                    info.platforms.push(p);
                }
                if let Some(labels) = cfg
                    .get("config")
                    .and_then(|c| c.get("Labels"))
                    .and_then(|l| l.as_object())
                {
                    info.labels = labels
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect();
                }
            }
        }
    }
    Ok(info)
}

/// Where a local tag lives: its registry's host and the repository's path there
/// (`busybox:latest` → `docker.io`, `library/busybox`, `latest`).
pub fn locate(tag: &str) -> (String, String, String) {
    let r = crate::app::images::Reference::parse(tag);
    let host = r.registry().to_string();
    let t = r.tag_or_latest().unwrap_or("latest").to_string();
    let path = r
        .repo
        .strip_prefix(&format!("{host}/"))
        .unwrap_or(&r.repo)
        .to_string();
    let path = if host == "docker.io" && !path.contains('/') {
        format!("library/{path}")
    } else {
        path
    };
    (host_of(&host), path, t)
}

/// The digest `tag` of `repo` names now (a HEAD of its manifest, as `docker pull` asks;
/// a GET when the registry gives no digest to a HEAD).
pub async fn digest_on(c: &mut Conn, repo: &str, tag: &str) -> Result<String, String> {
    let path = format!("/v2/{repo}/manifests/{tag}");
    let what = format!("{repo}:{tag}");
    let header = |a: &Answer| {
        a.headers
            .get("docker-content-digest")
            .and_then(|v| v.to_str().ok())
            .filter(|d| d.starts_with("sha256:"))
            .map(str::to_string)
    };
    let a = c.call(Method::HEAD, &path, Some(MANIFEST_TYPES)).await?;
    check(&a, &c.host, &what)?;
    if let Some(d) = header(&a) {
        return Ok(d);
    }
    let a = c.call(Method::GET, &path, Some(MANIFEST_TYPES)).await?;
    check(&a, &c.host, &what)?;
    header(&a).ok_or_else(|| format!("{}: {what}: the registry gives no digest", c.host))
}

/// The registry digest of each local tag, one connection per registry (registries asked
/// side by side, a registry's tags one after the other).
pub async fn digests(
    tags: Vec<String>,
    insecure: &[String],
) -> Vec<(String, Result<String, String>)> {
    let mut by_host: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
    for t in tags {
        let (host, repo, tag) = locate(&t);
        by_host.entry(host).or_default().push((t, repo, tag));
    }
    let per_host = by_host.into_iter().map(|(host, items)| async move {
        let reg = Registry {
            name: host.clone(),
            insecure: insecure.contains(&host),
            host,
            source: "local tag".into(),
        };
        let mut conn = match Conn::open(&reg).await {
            Ok(c) => c,
            Err(e) => {
                return items
                    .into_iter()
                    .map(|(t, _, _)| (t, Err(e.clone())))
                    .collect::<Vec<_>>();
            }
        };
        let mut out = Vec::new();
        for (t, repo, tag) in items {
            let r = digest_on(&mut conn, &repo, &tag).await;
            out.push((t, r));
        }
        out
    });
    futures::future::join_all(per_host)
        .await
        .into_iter()
        .flatten()
        .collect()
}

/// Tag what `repo:tag` points at as `repo:to` too, in the registry itself: its manifest read
/// and written back, byte for byte, under the new tag (what `crane tag` and
/// `docker buildx imagetools create` do). The digest tagged.
pub async fn retag(reg: &Registry, repo: &str, tag: &str, to: &str) -> Result<String, String> {
    retag_on(&mut Conn::open(reg).await?, repo, tag, to).await
}

pub async fn retag_on(c: &mut Conn, repo: &str, tag: &str, to: &str) -> Result<String, String> {
    let what = format!("{repo}:{tag}");
    let a = c
        .call(
            Method::GET,
            &format!("/v2/{repo}/manifests/{tag}"),
            Some(MANIFEST_TYPES),
        )
        .await?;
    check(&a, &c.host, &what)?;
    let media_type = a
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| {
            serde_json::from_slice::<Value>(&a.body)
                .ok()?
                .get("mediaType")?
                .as_str()
                .map(str::to_string)
        })
        .ok_or_else(|| format!("{}: {what}: the manifest has no media type", c.host))?;
    let digest = a
        .headers
        .get("docker-content-digest")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = (media_type, a.body);
    let put = c
        .call_with(
            Method::PUT,
            &format!("/v2/{repo}/manifests/{to}"),
            None,
            Some(&body),
        )
        .await?;
    check(&put, &c.host, &format!("tagging {what} as {to}"))?;
    let written = put
        .headers
        .get("docker-content-digest")
        .and_then(|v| v.to_str().ok())
        .unwrap_or(&digest)
        .to_string();
    Ok(written)
}

/// Delete the manifest `digest` of `repo` (every tag pointing at it goes).
pub async fn delete(reg: &Registry, repo: &str, digest: &str) -> Result<(), String> {
    let mut c = Conn::open(reg).await?;
    let a = c
        .call(
            Method::DELETE,
            &format!("/v2/{repo}/manifests/{digest}"),
            None,
        )
        .await?;
    check(&a, &c.host, &format!("deleting {repo}@{digest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_read_like_the_cli() {
        let (s, p) = parse_challenge(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull""#,
        );
        assert_eq!(s, "bearer");
        assert_eq!(p["realm"], "https://auth.docker.io/token");
        assert_eq!(p["service"], "registry.docker.io");
        assert_eq!(p["scope"], "repository:library/busybox:pull");
        let (s, p) = parse_challenge(r#"Basic realm="Registry Realm""#);
        assert_eq!(s, "basic");
        assert_eq!(p["realm"], "Registry Realm");
        assert_eq!(parse_challenge("").0, "");
    }

    #[test]
    fn identity_tokens_use_the_refresh_token_grant() {
        let (service, scope) = (
            "registry.docker.io".to_string(),
            "repository:a/b:pull".to_string(),
        );
        assert_eq!(
            oauth_form(Some(&service), Some(&scope), "t/k+n"),
            "grant_type=refresh_token&refresh_token=t%2Fk%2Bn&client_id=dockside&service=registry.docker.io&scope=repository%3Aa%2Fb%3Apull"
        );
    }

    #[test]
    fn pagination_follows_the_next_link() {
        assert_eq!(
            next_link(r#"</v2/_catalog?last=b&n=2>; rel="next""#).as_deref(),
            Some("/v2/_catalog?last=b&n=2")
        );
        assert_eq!(next_link(r#"</x>; rel="prev""#), None);
    }

    #[test]
    fn registries_and_helpers_from_config_json() {
        let cfg: Value = serde_json::from_str(
            r#"{"auths":{"https://index.docker.io/v1/":{},"lab:5000":{"auth":"YTpi"}},
                "credHelpers":{"gcr.io":"gcloud"},"credsStore":"pass"}"#,
        )
        .expect("json");
        let hosts: Vec<String> = registries_in_config(&cfg)
            .into_iter()
            .map(|r| r.host)
            .collect();
        assert_eq!(hosts, ["docker.io", "gcr.io", "lab:5000"]);
        assert_eq!(helper_for(&cfg, "gcr.io").as_deref(), Some("gcloud"));
        assert_eq!(helper_for(&cfg, "lab:5000").as_deref(), Some("pass"));
        assert_eq!(helper_key("docker.io"), "https://index.docker.io/v1/");
        assert_eq!(
            parse_helper_get(r#"{"ServerURL":"x","Username":"u","Secret":"s"}"#),
            Some(Creds::Basic {
                user: "u".into(),
                password: "s".into()
            })
        );
        assert_eq!(
            parse_helper_get(r#"{"Username":"<token>","Secret":"t"}"#),
            Some(Creds::Token("t".into()))
        );
    }

    #[test]
    fn local_tags_are_located_like_the_cli() {
        let l = |t: &str| locate(t);
        assert_eq!(
            l("busybox:latest"),
            (
                "docker.io".into(),
                "library/busybox".into(),
                "latest".into()
            )
        );
        assert_eq!(
            l("user/app"),
            ("docker.io".into(), "user/app".into(), "latest".into())
        );
        assert_eq!(
            l("127.0.0.1:5000/team/app:v1"),
            ("127.0.0.1:5000".into(), "team/app".into(), "v1".into())
        );
        assert_eq!(
            l("docker.io/library/redis:7"),
            ("docker.io".into(), "library/redis".into(), "7".into())
        );
    }

    #[test]
    fn image_manifests_give_layers_and_size() {
        let m: Value = serde_json::from_str(
            r#"{"config":{"digest":"sha256:c","size":10},
                "layers":[{"digest":"sha256:a","size":100},{"digest":"sha256:b","size":5}]}"#,
        )
        .expect("json");
        let (config, layers, size) = parse_image_manifest(&m);
        assert_eq!(config.as_deref(), Some("sha256:c"));
        assert_eq!(layers.len(), 2);
        assert_eq!(size, 115);
        assert!(
            is_loopback("127.0.0.1:5000") && is_loopback("localhost") && !is_loopback("lab:5000")
        );
    }
}
