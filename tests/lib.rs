//! Shared helpers for the integration tests: one key pair per test binary, a server on
//! `127.0.0.1:0`, a plain-HTTP reqwest client, and the assertions for Clerk's answers
//! (status, `WWW-Authenticate`, `x-clerk-auth-*` headers and the JSON body).
//!
//! The test binaries (`demo_routes.rs`, `demo_commands.rs`, `demo_webhook.rs`,
//! `one_verification.rs`) drive the demo API of `clerk-examples` over real HTTP, as a user's
//! curl would.

pub mod workerd;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::OnceLock;
use std::time::Duration;

use clerk_examples::demo::{DemoCommand, Framework};
use clerk_sdk::Clerk;
use clerk_sdk::testing::{SessionTokenBuilder, TestKeys};
use clerk_sdk::webhook::Webhook;
use http::HeaderMap;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Prints loudly that a test did not run, `what` saying what is missing and how to get it;
/// with `CI=true` it panics instead, since CI must run every test.
///
/// # Panics
/// With `CI=true`.
pub fn skip_loudly_or_fail(what: &str) {
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{what}");
    eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
    eprintln!("!!! SKIP: {what}");
    eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
}

/// One of Clerk's published OpenAPI documents (`name`, e.g. `bapi-2026-05-12.yml`) as JSON.
/// They are not part of the repository: they are read from `../shared/clerk-openapi/` beside
/// the repository root, and without them this says loudly that the test did not run.
///
/// # Panics
/// With `CI=true` when the document is missing; when it is not YAML.
pub fn clerk_document(name: &str) -> Option<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/clerk-openapi")
        .join(name);
    let Ok(text) = std::fs::read_to_string(&path) else {
        skip_loudly_or_fail(&format!(
            "Clerk's OpenAPI document not found at {}: the checks against it did NOT run",
            path.display()
        ));
        return None;
    };
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text).expect("the document is YAML");
    Some(yaml_to_json(&yaml))
}

/// YAML as JSON; a key that is not a string (a status code) becomes its YAML text.
fn yaml_to_json(v: &serde_yaml::Value) -> Value {
    match v {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(*b),
        serde_yaml::Value::Number(n) => serde_json::to_value(n).unwrap_or(Value::Null),
        serde_yaml::Value::String(s) => Value::String(s.clone()),
        serde_yaml::Value::Sequence(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        serde_yaml::Value::Mapping(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let key = match k {
                        serde_yaml::Value::String(s) => s.clone(),
                        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        serde_yaml::Value::Tagged(t) => yaml_to_json(&t.value),
    }
}

/// The key pair of this test binary: generated once, shared by every test in it (RSA key
/// generation is the slow part of a test).
///
/// # Panics
/// If the key pair cannot be generated.
pub fn test_keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| TestKeys::generate().expect("generate the test key pair"))
}

/// The header category of Clerk's JWT-format m2m tokens.
pub const M2M_CATEGORY: &str = "cl_B7d4PD333AAA";

/// The tokens the route tests send, signed with [`test_keys`] for the authorized party `azp`
/// and valid for an hour: members of `org_1` (`acme`), an m2m caller, and two that must fail.
#[derive(Debug, Clone)]
pub struct RouteTokens {
    /// `user_member`, role `org:member`.
    pub member: String,
    /// `user_admin`, role `org:admin`.
    pub admin: String,
    /// The m2m caller `mch_reporter`.
    pub machine: String,
    /// The member, expired.
    pub expired: String,
    /// The member, issued to `https://evil.example`.
    pub wrong_azp: String,
}

impl RouteTokens {
    /// Signs the tokens for `azp`.
    ///
    /// # Panics
    /// If a token cannot be signed.
    pub fn sign(azp: &str) -> Self {
        let keys = test_keys();
        let hour = Duration::from_secs(3600);
        let session = |user: &str, role: &str| {
            keys.session(user)
                .authorized_party(azp)
                .org_v1("org_1", "acme", role, &["org:reports:read"])
                .lifetime(hour)
        };
        let sign = |b: SessionTokenBuilder| b.sign().expect("sign");
        RouteTokens {
            member: sign(session("user_member", "org:member")),
            admin: sign(session("user_admin", "org:admin")),
            machine: sign(
                keys.session("mch_reporter")
                    .header("cat", M2M_CATEGORY)
                    .without_claim("sid")
                    .without_claim("sts")
                    .lifetime(hour),
            ),
            expired: sign(session("user_member", "org:member").expired()),
            wrong_azp: sign(session("user_member", "org:member").authorized_party("https://evil.example")),
        }
    }

    /// Every token, for [`leaks`].
    pub fn all(&self) -> [&str; 5] {
        [
            &self.member,
            &self.admin,
            &self.machine,
            &self.expired,
            &self.wrong_azp,
        ]
    }
}

/// The current Unix time in seconds (a webhook's `svix-timestamp`).
///
/// # Panics
/// If the clock reads before 1970.
pub fn now_s() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    i64::try_from(secs).expect("seconds fit an i64")
}

/// A listener on `127.0.0.1:0` and its address.
///
/// # Panics
/// If no port can be bound.
pub async fn bind() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    (listener, addr)
}

/// The future a [`TestServer`] resolves to stop its server.
type ShutdownSignal = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// A server running `clerk_examples::demo::serve` (or `serve_actix`) in the background. Dropping it stops the
/// server.
#[derive(Debug)]
pub struct TestServer {
    base_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    /// Serves `app` on `listener` (from [`bind`]) until [`TestServer::shut_down`] or drop.
    pub fn start(listener: TcpListener, app: axum::Router) -> Self {
        let addr = listener.local_addr().expect("local address");
        Self::serving(addr, |shutdown| {
            tokio::spawn(clerk_examples::demo::serve(listener, app, shutdown))
        })
    }

    /// Serves the demo with `clerk` and `webhook` on `framework`, as `cargo run --example
    /// demo` (axum) or `demo-actix` serves it, on `listener` until [`TestServer::shut_down`]
    /// or drop.
    ///
    /// # Panics
    /// If the listener cannot be handed to actix-web.
    pub fn start_demo(
        framework: Framework,
        listener: TcpListener,
        clerk: Clerk,
        webhook: Option<Webhook>,
    ) -> Self {
        match framework {
            Framework::Axum => Self::start(listener, clerk_examples::demo::app(clerk, webhook)),
            Framework::Actix => {
                let addr = listener.local_addr().expect("local address");
                let listener = listener.into_std().expect("a std listener");
                Self::serving(addr, |shutdown| {
                    tokio::spawn(clerk_examples::demo::serve_actix(
                        listener, clerk, webhook, shutdown,
                    ))
                })
            }
        }
    }

    /// The server `spawn` starts on `addr`, given the future that resolves on shut-down.
    fn serving(
        addr: SocketAddr,
        spawn: impl FnOnce(ShutdownSignal) -> JoinHandle<std::io::Result<()>>,
    ) -> Self {
        let (tx, rx) = oneshot::channel::<()>();
        let task = spawn(Box::pin(async {
            let _ = rx.await;
        }));
        TestServer {
            base_url: format!("http://{addr}"),
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// Binds `127.0.0.1:0` and serves `app` on it.
    pub async fn spawn(app: axum::Router) -> Self {
        let (listener, _) = bind().await;
        TestServer::start(listener, app)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Resolves the shutdown future and waits for the server to stop (graceful shutdown).
    ///
    /// # Panics
    /// If the server does not stop within 5 s or stopped with an error.
    pub async fn shut_down(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .expect("the server stops within 5 s of the shutdown signal")
                .expect("the server task did not panic")
                .expect("the server stopped without an I/O error");
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// A plain-HTTP client that never goes through a proxy (the environment may name one) and
/// gives up after 10 s.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("build the reqwest client")
}

/// What a server answered: status, headers and the body (JSON, or `Value::Null` with the raw
/// text kept in `text`).
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body as text.
    pub text: String,
    /// The body as JSON, `Value::Null` when it is not JSON.
    pub json: Value,
}

impl Answer {
    /// An answer with `status`, `headers` and the body `text`, read as JSON when it is JSON.
    pub fn new(status: u16, headers: HeaderMap, text: String) -> Self {
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            text,
            json,
        }
    }

    /// A header as text, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("a visible-ASCII header value"))
    }
}

/// The parts of an answer two servers must share: status, the auth headers, and the JSON body
/// (compared as JSON: key order is serde_json's choice on each side), with the clock readings
/// of expiry messages (`now 2026-01-01T00:00:00.123Z`, read a few ms apart) masked.
pub fn comparable(answer: &Answer) -> Value {
    let header = |name| answer.header(name).map(without_now);
    let text = without_now(&answer.text);
    serde_json::json!({
        "status": answer.status,
        "content-type": header("content-type"),
        "www-authenticate": header("www-authenticate"),
        "x-clerk-auth-status": header("x-clerk-auth-status"),
        "x-clerk-auth-reason": header("x-clerk-auth-reason"),
        "x-clerk-auth-message": header("x-clerk-auth-message"),
        "body": serde_json::from_str(&text).unwrap_or(Value::String(text)),
    })
}

/// `text` with every `now <UTC timestamp>` reading replaced by `now <now>`.
fn without_now(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("now ") {
        out.push_str(&rest[..at + 4]);
        rest = &rest[at + 4..];
        let stamp = rest
            .find(|c: char| !(c.is_ascii_digit() || "-:.TZ".contains(c)))
            .unwrap_or(rest.len());
        if stamp > 0 && rest[..stamp].ends_with('Z') {
            out.push_str("<now>");
            rest = &rest[stamp..];
        }
    }
    out.push_str(rest);
    out
}

/// Sends `method url` with an optional `Authorization` value.
///
/// # Panics
/// If the request fails at the HTTP level.
pub async fn send(
    client: &reqwest::Client,
    method: http::Method,
    url: &str,
    authorization: Option<&str>,
) -> Answer {
    let mut request = client.request(method, url);
    if let Some(value) = authorization {
        request = request.header(http::header::AUTHORIZATION, value);
    }
    answer(request, url).await
}

/// Sends what a printed demo command sends, to `base_url` (its `Authorization`, its other
/// headers and its body), as the user's pasted curl would.
///
/// # Panics
/// If the request fails at the HTTP level.
pub async fn send_command(client: &reqwest::Client, base_url: &str, command: &DemoCommand) -> Answer {
    let url = format!("{base_url}{}", command.path);
    let mut request = client.request(command.method.clone(), &url);
    if let Some(value) = &command.authorization {
        request = request.header(http::header::AUTHORIZATION, value);
    }
    for (name, value) in &command.headers {
        request = request.header(*name, value);
    }
    if let Some(body) = &command.body {
        request = request.body(body.clone());
    }
    answer(request, &url).await
}

/// Sends `method url` with `headers` and `body`.
///
/// # Panics
/// If the request fails at the HTTP level.
pub async fn send_raw(
    client: &reqwest::Client,
    method: http::Method,
    url: &str,
    headers: &HeaderMap,
    body: impl Into<reqwest::Body>,
) -> Answer {
    let request = client.request(method, url).headers(headers.clone()).body(body);
    answer(request, url).await
}

async fn answer(request: reqwest::RequestBuilder, url: &str) -> Answer {
    let response = request.send().await.unwrap_or_else(|e| panic!("{url}: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("read the body");
    Answer::new(status, headers, text)
}

/// `GET url` with an optional `Authorization` value.
pub async fn get(client: &reqwest::Client, url: &str, authorization: Option<&str>) -> Answer {
    send(client, http::Method::GET, url, authorization).await
}

/// Every way `answer` differs from a Clerk rejection with `status` and `reason` (empty when it
/// matches):
///
/// - `content-type: application/json` and a body of exactly `{"error", "reason", "message"}`,
///   with `error` the OAuth code of the status (`invalid_token`, `insufficient_scope`,
///   `temporarily_unavailable`);
/// - `x-clerk-auth-status: signed-out`, `x-clerk-auth-reason: <reason>`, and
///   `x-clerk-auth-message` equal to the body's message;
/// - `WWW-Authenticate`: a bare `Bearer` when no credential was sent
///   (`session-token-missing`, `No token in header`), `Bearer error="<code>", error_description="<message>"` for
///   other 401s and for 403, none for 503.
pub fn rejection_mismatches(answer: &Answer, status: u16, reason: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            out.push(what);
        }
    };
    check(
        answer.status == status,
        format!("status {} (want {status})", answer.status),
    );
    let code = match status {
        401 => "invalid_token",
        403 => "insufficient_scope",
        503 => "temporarily_unavailable",
        _ => "server_error",
    };
    check(
        answer.header("content-type") == Some("application/json"),
        format!("content-type {:?}", answer.header("content-type")),
    );
    let keys: Vec<&str> = answer
        .json
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    check(
        sorted == ["error", "message", "reason"],
        format!("body keys {keys:?} in {}", answer.text),
    );
    check(
        answer.json["error"] == code,
        format!("body error {} (want {code})", answer.json["error"]),
    );
    check(
        answer.json["reason"] == reason,
        format!("body reason {} (want {reason})", answer.json["reason"]),
    );
    let message = answer.json["message"].as_str().unwrap_or_default();
    check(!message.is_empty(), "empty body message".to_owned());
    // A 403 answers a valid credential: signed in, but not allowed.
    let want_status = if code == "insufficient_scope" {
        "signed-in"
    } else {
        "signed-out"
    };
    check(
        answer.header("x-clerk-auth-status") == Some(want_status),
        format!("x-clerk-auth-status {:?}", answer.header("x-clerk-auth-status")),
    );
    check(
        answer.header("x-clerk-auth-reason") == Some(reason),
        format!(
            "x-clerk-auth-reason {:?} (want {reason})",
            answer.header("x-clerk-auth-reason")
        ),
    );
    check(
        answer.header("x-clerk-auth-message") == Some(message),
        format!(
            "x-clerk-auth-message {:?} (want {message:?})",
            answer.header("x-clerk-auth-message")
        ),
    );
    let description = message.replace(['"', '\\'], "'");
    let challenge = match (status, reason) {
        (401, "session-token-missing" | "No token in header") => Some("Bearer".to_owned()),
        (401 | 403, _) => Some(format!(
            "Bearer error=\"{code}\", error_description=\"{description}\""
        )),
        _ => None,
    };
    check(
        answer.header("www-authenticate") == challenge.as_deref(),
        format!(
            "www-authenticate {:?} (want {challenge:?})",
            answer.header("www-authenticate")
        ),
    );
    out
}

/// Every way `answer` differs from a webhook refusal by `clerk_sdk::axum::ClerkWebhook` with
/// `status` and `reason` (empty when it matches): `content-type: application/json`, a body of
/// exactly `{"error", "reason", "message"}` with `error` `invalid_signature` for a 401 and
/// `invalid_request` otherwise, and none of the token routes' headers (`WWW-Authenticate`,
/// `x-clerk-auth-*`): a webhook carries no Clerk token.
pub fn webhook_rejection_mismatches(answer: &Answer, status: u16, reason: &str) -> Vec<String> {
    let mut out = Vec::new();
    if answer.status != status {
        out.push(format!(
            "status {} (want {status}): {}",
            answer.status, answer.text
        ));
    }
    if answer.header("content-type") != Some("application/json") {
        out.push(format!("content-type {:?}", answer.header("content-type")));
    }
    let mut keys: Vec<&str> = answer
        .json
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    if keys != ["error", "message", "reason"] {
        out.push(format!("body keys {keys:?} in {}", answer.text));
    }
    let code = match status {
        401 => "invalid_signature",
        503 => "temporarily_unavailable",
        _ => "invalid_request",
    };
    if answer.json["error"] != code {
        out.push(format!("body error {} (want {code})", answer.json["error"]));
    }
    if answer.json["reason"] != reason {
        out.push(format!("body reason {} (want {reason})", answer.json["reason"]));
    }
    if answer.json["message"].as_str().is_none_or(str::is_empty) {
        out.push("empty body message".to_owned());
    }
    for name in [
        "www-authenticate",
        "x-clerk-auth-status",
        "x-clerk-auth-reason",
        "x-clerk-auth-message",
    ] {
        if let Some(value) = answer.header(name) {
            out.push(format!("unexpected {name}: {value}"));
        }
    }
    out
}

/// Every way `answer` differs from a `200` with the JSON `body` and no rejection headers.
pub fn success_mismatches(answer: &Answer, body: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if answer.status != 200 {
        out.push(format!(
            "status {} (want 200), reason {:?}",
            answer.status,
            answer.header("x-clerk-auth-reason")
        ));
    }
    if answer.header("content-type") != Some("application/json") {
        out.push(format!("content-type {:?}", answer.header("content-type")));
    }
    if &answer.json != body {
        out.push(format!("body {} (want {body})", answer.text));
    }
    for name in ["www-authenticate", "x-clerk-auth-reason", "x-clerk-auth-message"] {
        if let Some(value) = answer.header(name) {
            out.push(format!("unexpected {name}: {value}"));
        }
    }
    out
}

/// Every place `answer` shows one of `secrets` (tokens must never be echoed).
pub fn leaks(answer: &Answer, secrets: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for secret in secrets.iter().filter(|s| s.len() >= 16) {
        if answer.text.contains(secret) {
            out.push("the body echoes a token".to_owned());
        }
        for (name, value) in &answer.headers {
            if value.to_str().is_ok_and(|v| v.contains(secret)) {
                out.push(format!("header {name} echoes a token"));
            }
        }
    }
    out
}
