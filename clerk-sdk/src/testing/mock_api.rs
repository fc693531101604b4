//! [`MockClerkApi`]: a loopback HTTP server that stands in for Clerk's Backend API in tests.
//!
//! It serves the four endpoints this crate calls: JWKS under
//! any version segment, and the three machine-token verify endpoints, which have no version
//! segment. Everything is answered from in-memory state that the test sets up, and faults can
//! be injected per endpoint. Requests are counted and their headers kept, so a test can assert
//! what the SDK sent.
//!
//! Design: one accept task owns a [`JoinSet`] with one task per connection (hyper HTTP/1,
//! keep-alive). Dropping the [`MockClerkApi`] aborts the accept task, which drops the
//! `JoinSet` and so aborts every connection, including hanging ones. State sits behind a std
//! `Mutex` that is never held across an `.await`. A dropped connection is made by returning
//! `Err` from the hyper service, which makes hyper close the socket without a response.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use http::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

use super::{TestKeys, random_hex};
use crate::clock::{Clock, SystemClock};

/// A Backend API endpoint the mock serves, for faults and observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `GET /<version>/jwks` (any single version segment, e.g. `/v1/jwks`).
    Jwks,
    /// `POST /m2m_tokens/verify`, body `{"token": ..}`.
    M2mVerify,
    /// `POST /oauth_applications/access_tokens/verify`, body `{"access_token": ..}`.
    OAuthVerify,
    /// `POST /api_keys/verify`, body `{"secret": ..}`.
    ApiKeyVerify,
}

impl Endpoint {
    /// The endpoint a request path belongs to. Machine endpoints have no version segment.
    fn route(path: &str) -> Option<Self> {
        match path {
            "/m2m_tokens/verify" => Some(Endpoint::M2mVerify),
            "/oauth_applications/access_tokens/verify" => Some(Endpoint::OAuthVerify),
            "/api_keys/verify" => Some(Endpoint::ApiKeyVerify),
            _ => {
                let mut segments = path.strip_prefix('/')?.split('/');
                match (segments.next(), segments.next(), segments.next()) {
                    (Some(version), Some("jwks"), None) if !version.is_empty() => Some(Endpoint::Jwks),
                    _ => None,
                }
            }
        }
    }

    /// The JSON body field holding the token, for the verify endpoints.
    fn token_field(self) -> Option<&'static str> {
        match self {
            Endpoint::Jwks => None,
            Endpoint::M2mVerify => Some("token"),
            Endpoint::OAuthVerify => Some("access_token"),
            Endpoint::ApiKeyVerify => Some("secret"),
        }
    }
}

/// A fault the mock injects instead of (or before) its normal answer.
///
/// Faults are checked before anything else, including the bearer check.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Fault {
    /// Waits this long, then answers normally.
    Delay(Duration),
    /// Never answers; the request ends when the client gives up or the mock is dropped.
    /// Other connections are still served.
    Hang,
    /// Answers with this status and Clerk's error body
    /// `{"errors":[{"code":"internal_error",..}],"clerk_trace_id":..}`. A number that is not
    /// an HTTP status (outside 100..=999) becomes 500.
    Status(u16),
    /// Like [`Fault::Status`], plus a `Retry-After: <seconds>` header.
    RetryAfter {
        /// The HTTP status, e.g. 429.
        status: u16,
        /// The `Retry-After` value in seconds.
        seconds: u64,
    },
    /// 200 with `content-type: application/json` and a body that is not JSON.
    MalformedJson,
    /// 200 with `content-type: text/html` and an HTML body, as a misconfigured proxy sends.
    WrongContentType,
    /// Closes the connection without sending a response.
    DropConnection,
    /// 401 `clerk_key_invalid`, whatever bearer the request carried.
    InvalidSecretKey,
}

/// A machine token to register with [`MockClerkApi::register_machine_token`], built like
/// `MachineTokenSpec::m2m("mch_1").scopes(&["mch_2"])`.
///
/// The verify endpoint answers with Clerk's JSON for the token's type. `revoked` and `expired`
/// are reported as registered, with a 200: an SDK must refuse such answers itself.
#[derive(Debug, Clone)]
pub struct MachineTokenSpec {
    kind: Kind,
    id: Option<String>,
    subject: String,
    scopes: Vec<String>,
    claims: Option<Value>,
    revoked: bool,
    expired: bool,
}

#[derive(Debug, Clone)]
enum Kind {
    M2m,
    OAuth { client_id: String },
    ApiKey { name: String },
}

impl MachineTokenSpec {
    fn new(kind: Kind, subject: String) -> Self {
        MachineTokenSpec {
            kind,
            id: None,
            subject,
            scopes: Vec::new(),
            claims: None,
            revoked: false,
            expired: false,
        }
    }

    /// An M2M token (`object: "machine_to_machine_token"`) for the machine `subject`
    /// (`mch_...`), served at [`Endpoint::M2mVerify`].
    pub fn m2m(subject: impl Into<String>) -> Self {
        Self::new(Kind::M2m, subject.into())
    }

    /// An OAuth access token (`object: "clerk_idp_oauth_access_token"`) issued to the OAuth
    /// application `client_id` for the user `subject` (`user_...`), served at
    /// [`Endpoint::OAuthVerify`].
    pub fn oauth(subject: impl Into<String>, client_id: impl Into<String>) -> Self {
        Self::new(
            Kind::OAuth {
                client_id: client_id.into(),
            },
            subject.into(),
        )
    }

    /// An API key (`object: "api_key"`) named `name`, owned by `subject` (`user_...` or
    /// `org_...`), served at [`Endpoint::ApiKeyVerify`].
    pub fn api_key(subject: impl Into<String>, name: impl Into<String>) -> Self {
        Self::new(Kind::ApiKey { name: name.into() }, subject.into())
    }

    /// Sets `scopes`. Default: none.
    #[must_use]
    pub fn scopes(mut self, scopes: &[&str]) -> Self {
        self.scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Sets `claims`, the custom claims of M2M tokens and API keys. Default: `null`. Clerk's
    /// OAuth verify answer has no `claims` field, so OAuth tokens ignore this.
    #[must_use]
    pub fn claims(mut self, claims: Value) -> Self {
        self.claims = Some(claims);
        self
    }

    /// Reports the token as revoked (`revoked: true`, with a `revocation_reason`).
    #[must_use]
    pub fn revoked(mut self) -> Self {
        self.revoked = true;
        self
    }

    /// Reports the token as expired (`expired: true`, `expiration` an hour ago).
    #[must_use]
    pub fn expired(mut self) -> Self {
        self.expired = true;
        self
    }

    /// Sets `id`. Default: a random `mt_...`, `oat_...` or `ak_...` id.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    fn endpoint(&self) -> Endpoint {
        match self.kind {
            Kind::M2m => Endpoint::M2mVerify,
            Kind::OAuth { .. } => Endpoint::OAuthVerify,
            Kind::ApiKey { .. } => Endpoint::ApiKeyVerify,
        }
    }

    /// Clerk's verify answer for this token, timed from `now_ms`.
    fn to_json(&self, now_ms: u64) -> Value {
        const HOUR_MS: u64 = 3_600_000;
        let (created_at, expiration) = if self.expired {
            (now_ms.saturating_sub(2 * HOUR_MS), now_ms.saturating_sub(HOUR_MS))
        } else {
            (now_ms, now_ms + HOUR_MS)
        };
        let id_prefix = match self.kind {
            Kind::M2m => "mt",
            Kind::OAuth { .. } => "oat",
            Kind::ApiKey { .. } => "ak",
        };
        let id = self
            .id
            .clone()
            .unwrap_or_else(|| format!("{id_prefix}_{}", random_hex(16)));
        let revocation_reason = self.revoked.then_some("revoked by MockClerkApi");
        match &self.kind {
            Kind::M2m => json!({
                "object": "machine_to_machine_token",
                "id": id,
                "subject": self.subject,
                "scopes": self.scopes,
                "claims": self.claims,
                "revoked": self.revoked,
                "revocation_reason": revocation_reason,
                "expired": self.expired,
                "expiration": expiration,
                "created_at": created_at,
                "updated_at": created_at,
            }),
            Kind::ApiKey { name } => json!({
                "object": "api_key",
                "id": id,
                "type": "api_key",
                "name": name,
                "subject": self.subject,
                "scopes": self.scopes,
                "claims": self.claims,
                "revoked": self.revoked,
                "revocation_reason": revocation_reason,
                "expired": self.expired,
                "expiration": expiration,
                "created_by": null,
                "description": null,
                "last_used_at": null,
                "created_at": created_at,
                "updated_at": created_at,
            }),
            Kind::OAuth { client_id } => json!({
                "object": "clerk_idp_oauth_access_token",
                "id": id,
                "type": "oauth_token",
                "client_id": client_id,
                "subject": self.subject,
                "scopes": self.scopes,
                "revoked": self.revoked,
                "revocation_reason": revocation_reason,
                "expired": self.expired,
                "expiration": expiration,
                "created_at": created_at,
                "updated_at": created_at,
            }),
        }
    }
}

/// A loopback stand-in for Clerk's Backend API, for your tests and ours.
///
/// It is a real HTTP server on `127.0.0.1` (a free port), so requests go through the SDK's
/// whole HTTP stack. Point a [`ClerkConfig`](crate::ClerkConfig) at it with
/// [`api_url`](crate::config::ClerkConfigBuilder::api_url):
///
/// ```no_run
/// use clerk_sdk::testing::{Endpoint, Fault, MachineTokenSpec, MockClerkApi, TestKeys};
/// use clerk_sdk::{Clerk, ClerkConfig};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// const SECRET: &str = "sk_test_mock";
/// let mock = MockClerkApi::start(SECRET).await?;
///
/// // Signing keys served at GET /v1/jwks.
/// let keys = TestKeys::generate()?;
/// mock.add_key(&keys);
/// // An API key answered at POST /api_keys/verify.
/// mock.register_machine_token("ak_test_secret", MachineTokenSpec::api_key("user_1", "ci").scopes(&["read"]));
/// // The first JWKS fetch fails with a 503.
/// mock.push_fault(Endpoint::Jwks, Fault::Status(503));
///
/// let config = ClerkConfig::builder().secret_key(SECRET).api_url(mock.url()).build()?;
/// let clerk = Clerk::new(config);
/// // ... put `clerk` in your app's state and send it requests, then assert on what the
/// // "Backend API" saw:
/// # drop(clerk);
/// assert!(mock.requests(Endpoint::Jwks) <= 2);
/// # Ok(()) }
/// ```
///
/// Wire behaviour:
/// * Every request to a known [`Endpoint`] is counted and its headers are kept, failing or not.
/// * [`Fault`]s come first: the next pushed one, else the one set for the endpoint.
/// * `Authorization` must be exactly `Bearer <secret key>` (for [`Endpoint::M2mVerify`] the
///   machine secret key is accepted too), else 401 `clerk_key_invalid`.
/// * `GET /<version>/jwks` answers `{"keys":[..]}` with `content-type: application/json`.
/// * The verify endpoints answer a registered token of their type with Clerk's JSON, and
///   anything else (unknown token, another type's token) with 404 `resource_not_found`. A body
///   that is not JSON, or lacks the token field, is a 400.
/// * Unknown paths are 404; a known path with the wrong method is 405.
///
/// Dropping the mock shuts the server down and ends every open connection.
pub struct MockClerkApi {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    accept: JoinHandle<()>,
}

/// Everything the handlers read and write. Locked briefly, never across an `.await`.
#[derive(Default)]
struct State {
    secret_key: String,
    machine_secret_key: Option<String>,
    /// JWKs in insertion order, unique by `kid`.
    keys: Vec<Value>,
    /// Registered token text → (its endpoint, the verify answer).
    tokens: HashMap<String, (Endpoint, Value)>,
    persistent_faults: HashMap<Endpoint, Fault>,
    queued_faults: HashMap<Endpoint, VecDeque<Fault>>,
    counts: HashMap<Endpoint, usize>,
    last_headers: HashMap<Endpoint, HeaderMap>,
}

impl State {
    fn next_fault(&mut self, endpoint: Endpoint) -> Option<Fault> {
        self.queued_faults
            .get_mut(&endpoint)
            .and_then(VecDeque::pop_front)
            .or_else(|| self.persistent_faults.get(&endpoint).cloned())
    }

    fn authorized(&self, endpoint: Endpoint, headers: &HeaderMap) -> bool {
        let Some(bearer) = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        else {
            return false;
        };
        bearer == self.secret_key
            || (endpoint == Endpoint::M2mVerify && self.machine_secret_key.as_deref() == Some(bearer))
    }
}

impl MockClerkApi {
    /// Starts the server on `127.0.0.1:0` inside the current tokio runtime. `secret_key` is the
    /// bearer it accepts.
    ///
    /// # Errors
    /// The I/O error if the listener cannot be bound.
    pub async fn start(secret_key: impl Into<String>) -> std::io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State {
            secret_key: secret_key.into(),
            ..State::default()
        }));
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&state)));
        Ok(MockClerkApi { addr, state, accept })
    }

    /// The base URL, `http://127.0.0.1:<port>`, for [`api_url`](crate::config::ClerkConfigBuilder::api_url).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Also accepts `key` as the bearer on [`Endpoint::M2mVerify`] (the machine secret key).
    pub fn set_machine_secret_key(&self, key: impl Into<String>) {
        self.state().machine_secret_key = Some(key.into());
    }

    /// Serves `keys`' public JWK from the JWKS endpoint, replacing a key with the same `kid`.
    /// A key the crypto library cannot encode (it always can) is skipped.
    pub fn add_key(&self, keys: &TestKeys) {
        let Ok(jwk) = keys.jwk() else { return };
        let mut state = self.state();
        state.keys.retain(|k| k.get("kid") != jwk.get("kid"));
        state.keys.push(jwk);
    }

    /// Stops serving the key with this `kid`.
    pub fn remove_key(&self, kid: &str) {
        self.state()
            .keys
            .retain(|k| k.get("kid").and_then(Value::as_str) != Some(kid));
    }

    /// Replaces every served key with `keys` (a key rotation), in order; later keys replace
    /// earlier ones with the same `kid`.
    pub fn set_keys(&self, keys: &[&TestKeys]) {
        let mut jwks: Vec<Value> = Vec::with_capacity(keys.len());
        for jwk in keys.iter().filter_map(|k| k.jwk().ok()) {
            jwks.retain(|k| k.get("kid") != jwk.get("kid"));
            jwks.push(jwk);
        }
        // One swap, so a concurrent JWKS request never sees a half-rotated set.
        self.state().keys = jwks;
    }

    /// Registers an opaque machine token: the verify endpoint for `spec`'s token type answers
    /// `token` with Clerk's JSON for `spec`. Registering the same text again replaces it.
    pub fn register_machine_token(&self, token: impl Into<String>, spec: MachineTokenSpec) {
        let answer = (spec.endpoint(), spec.to_json(SystemClock.now_ms()));
        self.state().tokens.insert(token.into(), answer);
    }

    /// Injects `fault` into every request to `endpoint` until [`MockClerkApi::clear_faults`].
    pub fn set_fault(&self, endpoint: Endpoint, fault: Fault) {
        self.state().persistent_faults.insert(endpoint, fault);
    }

    /// Injects `fault` into the next request to `endpoint` only. Pushed faults queue up per
    /// endpoint and are used before the one set with [`MockClerkApi::set_fault`].
    pub fn push_fault(&self, endpoint: Endpoint, fault: Fault) {
        self.state()
            .queued_faults
            .entry(endpoint)
            .or_default()
            .push_back(fault);
    }

    /// Removes every fault, set and pushed, on every endpoint.
    pub fn clear_faults(&self) {
        let mut state = self.state();
        state.persistent_faults.clear();
        state.queued_faults.clear();
    }

    /// How many requests reached `endpoint` (answered, failed or faulted) since the start or
    /// the last [`MockClerkApi::reset_counters`].
    pub fn requests(&self, endpoint: Endpoint) -> usize {
        self.state().counts.get(&endpoint).copied().unwrap_or_default()
    }

    /// Sets every request count to zero and forgets the recorded headers.
    pub fn reset_counters(&self) {
        let mut state = self.state();
        state.counts.clear();
        state.last_headers.clear();
    }

    /// The headers of the latest request to `endpoint`, if any since the last reset.
    pub fn last_request_headers(&self, endpoint: Endpoint) -> Option<HeaderMap> {
        self.state().last_headers.get(&endpoint).cloned()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

impl fmt::Debug for MockClerkApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        let kids: Vec<&str> = state
            .keys
            .iter()
            .filter_map(|k| k.get("kid").and_then(Value::as_str))
            .collect();
        f.debug_struct("MockClerkApi")
            .field("url", &self.url())
            .field("kids", &kids)
            .field("machine_tokens", &state.tokens.len())
            .finish_non_exhaustive()
    }
}

impl Drop for MockClerkApi {
    fn drop(&mut self) {
        // Dropping the accept task's JoinSet aborts every connection task too.
        self.accept.abort();
    }
}

/// A poisoned lock only means a test panicked elsewhere; the state is still usable.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn accept_loop(listener: TcpListener, state: Arc<Mutex<State>>) {
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let state = Arc::clone(&state);
        connections.spawn(async move {
            let service = service_fn(move |request| handle(Arc::clone(&state), request));
            // Connection errors (including our own DropConnection) just end the connection.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Returned by the service to make hyper close the connection without answering.
#[derive(Debug)]
struct DropConnection;

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

type HttpResponse = Response<Full<Bytes>>;

/// The largest request body read (verify bodies are tiny).
const MAX_BODY: usize = 64 * 1024;

async fn handle(
    state: Arc<Mutex<State>>,
    request: Request<Incoming>,
) -> Result<HttpResponse, DropConnection> {
    let Some(endpoint) = Endpoint::route(request.uri().path()) else {
        return Ok(api_error(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
        ));
    };
    let fault = {
        let mut state = lock(&state);
        *state.counts.entry(endpoint).or_default() += 1;
        state.last_headers.insert(endpoint, request.headers().clone());
        state.next_fault(endpoint)
    };
    match fault {
        None => {}
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::Hang) => return std::future::pending().await,
        Some(Fault::DropConnection) => return Err(DropConnection),
        Some(Fault::Status(status)) => return Ok(internal_error(status)),
        Some(Fault::RetryAfter { status, seconds }) => {
            let mut response = internal_error(status);
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
            return Ok(response);
        }
        Some(Fault::MalformedJson) => {
            return Ok(raw(
                StatusCode::OK,
                "application/json",
                r#"{"object":"truncated","#,
            ));
        }
        Some(Fault::WrongContentType) => {
            let html = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>";
            return Ok(raw(StatusCode::OK, "text/html; charset=utf-8", html));
        }
        Some(Fault::InvalidSecretKey) => return Ok(invalid_secret_key()),
    }

    let method = if endpoint == Endpoint::Jwks {
        Method::GET
    } else {
        Method::POST
    };
    if request.method() != method {
        return Ok(api_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "method not allowed",
        ));
    }
    if !lock(&state).authorized(endpoint, request.headers()) {
        return Ok(invalid_secret_key());
    }
    let Some(field) = endpoint.token_field() else {
        let keys = lock(&state).keys.clone();
        return Ok(json_response(StatusCode::OK, &json!({ "keys": keys })));
    };

    let Ok(body) = Limited::new(request.into_body(), MAX_BODY).collect().await else {
        return Ok(api_error(
            StatusCode::BAD_REQUEST,
            "malformed_request",
            "request body unreadable",
        ));
    };
    let Ok(body) = serde_json::from_slice::<Value>(&body.to_bytes()) else {
        return Ok(api_error(
            StatusCode::BAD_REQUEST,
            "malformed_request",
            "request body is not JSON",
        ));
    };
    let Some(token) = body.get(field).and_then(Value::as_str) else {
        return Ok(api_error(
            StatusCode::BAD_REQUEST,
            "form_param_missing",
            &format!("{field} is missing"),
        ));
    };
    let answer = lock(&state)
        .tokens
        .get(token)
        .filter(|(registered, _)| *registered == endpoint)
        .map(|(_, answer)| answer.clone());
    Ok(match answer {
        Some(answer) => json_response(StatusCode::OK, &answer),
        None => api_error(StatusCode::NOT_FOUND, "resource_not_found", "not found"),
    })
}

fn raw(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> HttpResponse {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn json_response(status: StatusCode, body: &Value) -> HttpResponse {
    raw(status, "application/json", body.to_string())
}

/// Clerk's error shape: `{"errors":[{code, message, long_message}], "clerk_trace_id"}`.
fn api_error(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    clerk_error(status, code, message, message)
}

fn clerk_error(status: StatusCode, code: &str, message: &str, long_message: &str) -> HttpResponse {
    static TRACE: AtomicU64 = AtomicU64::new(1);
    let trace_id = format!("{:032x}", TRACE.fetch_add(1, Ordering::Relaxed));
    json_response(
        status,
        &json!({
            "errors": [{ "code": code, "message": message, "long_message": long_message }],
            "clerk_trace_id": trace_id,
        }),
    )
}

fn internal_error(status: u16) -> HttpResponse {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    api_error(status, "internal_error", "injected fault (MockClerkApi)")
}

fn invalid_secret_key() -> HttpResponse {
    let message =
        "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.";
    clerk_error(StatusCode::UNAUTHORIZED, "clerk_key_invalid", message, message)
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;
    use std::time::Instant;

    use super::*;

    const SECRET: &str = "sk_test_mock_secret";
    const MACHINE_SECRET: &str = "ak_machine_secret";

    fn keys() -> &'static TestKeys {
        static KEYS: OnceLock<TestKeys> = OnceLock::new();
        KEYS.get_or_init(|| TestKeys::generate().expect("key generation"))
    }

    fn client() -> reqwest::Client {
        reqwest::Client::builder().no_proxy().build().expect("client")
    }

    async fn start() -> MockClerkApi {
        MockClerkApi::start(SECRET).await.expect("mock starts")
    }

    async fn get_jwks(mock: &MockClerkApi, bearer: &str) -> reqwest::Response {
        client()
            .get(format!("{}/v1/jwks", mock.url()))
            .bearer_auth(bearer)
            .send()
            .await
            .expect("response")
    }

    async fn verify(mock: &MockClerkApi, path: &str, body: Value, bearer: &str) -> (u16, Value) {
        let response = client()
            .post(format!("{}{path}", mock.url()))
            .bearer_auth(bearer)
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("response");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        (status, serde_json::from_str(&text).expect("JSON body"))
    }

    async fn json_of(response: reqwest::Response) -> Value {
        serde_json::from_str(&response.text().await.expect("body")).expect("JSON body")
    }

    fn kids(jwks: &Value) -> Vec<String> {
        jwks["keys"]
            .as_array()
            .expect("keys array")
            .iter()
            .map(|k| k["kid"].as_str().expect("kid").to_owned())
            .collect()
    }

    fn error_code(body: &Value) -> &str {
        body["errors"][0]["code"].as_str().expect("error code")
    }

    #[tokio::test]
    async fn jwks_requires_the_secret_key_as_bearer() {
        let mock = start().await;
        mock.add_key(keys());

        let ok = get_jwks(&mock, SECRET).await;
        assert_eq!(ok.status(), 200);
        assert_eq!(ok.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(kids(&json_of(ok).await), [keys().kid()]);

        let bad = get_jwks(&mock, "sk_test_wrong").await;
        assert_eq!(bad.status(), 401);
        let body = json_of(bad).await;
        assert_eq!(error_code(&body), "clerk_key_invalid");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .expect("message")
                .contains("Secret Key is invalid")
        );
        assert!(body["clerk_trace_id"].is_string());

        let missing = client()
            .get(format!("{}/v1/jwks", mock.url()))
            .send()
            .await
            .expect("response");
        assert_eq!(missing.status(), 401);
        assert_eq!(mock.requests(Endpoint::Jwks), 3);
    }

    #[tokio::test]
    async fn jwks_needs_one_version_segment_and_unknown_paths_are_404() {
        let mock = start().await;
        let client = client();
        for (path, status) in [
            ("/v1/jwks", 200),
            ("/v9/jwks", 200),
            ("/jwks", 404),
            ("/a/b/jwks", 404),
            ("/v1/jwks/", 404),
            ("/v1/users", 404),
            ("/v1/m2m_tokens/verify", 404),
        ] {
            let response = client
                .get(format!("{}{path}", mock.url()))
                .bearer_auth(SECRET)
                .send()
                .await
                .expect("response");
            assert_eq!(response.status(), status, "{path}");
        }
        assert_eq!(mock.requests(Endpoint::Jwks), 2);
        let post = client
            .post(format!("{}/v1/jwks", mock.url()))
            .bearer_auth(SECRET)
            .send()
            .await
            .expect("response");
        assert_eq!(post.status(), 405);
    }

    #[tokio::test]
    async fn jwks_keys_can_be_added_removed_and_replaced() {
        let mock = start().await;
        let other = keys().clone().with_kid("ins_other");
        assert_eq!(
            kids(&json_of(get_jwks(&mock, SECRET).await).await),
            Vec::<String>::new()
        );

        mock.add_key(keys());
        mock.add_key(&other);
        mock.add_key(keys()); // same kid: replaced, not duplicated
        assert_eq!(
            kids(&json_of(get_jwks(&mock, SECRET).await).await),
            ["ins_other", keys().kid()]
        );
        let jwks = json_of(get_jwks(&mock, SECRET).await).await;
        assert_eq!(jwks["keys"][0]["kty"], "RSA");
        assert_eq!(jwks["keys"][0]["alg"], "RS256");

        mock.remove_key("ins_other");
        assert_eq!(
            kids(&json_of(get_jwks(&mock, SECRET).await).await),
            [keys().kid()]
        );

        let rotated = keys().clone().with_kid("ins_rotated");
        mock.set_keys(&[&rotated, &other]);
        assert_eq!(
            kids(&json_of(get_jwks(&mock, SECRET).await).await),
            ["ins_rotated", "ins_other"]
        );
        mock.set_keys(&[]);
        assert_eq!(
            kids(&json_of(get_jwks(&mock, SECRET).await).await),
            Vec::<String>::new()
        );
    }

    #[tokio::test]
    async fn m2m_verify_answers_registered_tokens_only() {
        let mock = start().await;
        mock.register_machine_token(
            "mt_good",
            MachineTokenSpec::m2m("mch_1")
                .id("mt_id_1")
                .scopes(&["mch_2"])
                .claims(json!({"tier": "gold"})),
        );
        mock.register_machine_token("ak_other", MachineTokenSpec::api_key("user_1", "k"));

        let (status, body) = verify(&mock, "/m2m_tokens/verify", json!({"token": "mt_good"}), SECRET).await;
        assert_eq!(status, 200);
        assert_eq!(body["object"], "machine_to_machine_token");
        assert_eq!(body["id"], "mt_id_1");
        assert_eq!(body["subject"], "mch_1");
        assert_eq!(body["scopes"], json!(["mch_2"]));
        assert_eq!(body["claims"], json!({"tier": "gold"}));
        assert_eq!(body["revoked"], false);
        assert_eq!(body["revocation_reason"], Value::Null);
        assert_eq!(body["expired"], false);
        for field in ["expiration", "created_at", "updated_at"] {
            assert!(body[field].is_u64(), "{field}");
        }

        let (status, body) = verify(
            &mock,
            "/m2m_tokens/verify",
            json!({"token": "mt_unknown"}),
            SECRET,
        )
        .await;
        assert_eq!((status, error_code(&body)), (404, "resource_not_found"));
        let (status, body) = verify(&mock, "/m2m_tokens/verify", json!({"token": "ak_other"}), SECRET).await;
        assert_eq!((status, error_code(&body)), (404, "resource_not_found"));
        let (status, body) = verify(&mock, "/m2m_tokens/verify", json!({"token": "mt_good"}), "sk_bad").await;
        assert_eq!((status, error_code(&body)), (401, "clerk_key_invalid"));
        assert_eq!(mock.requests(Endpoint::M2mVerify), 4);
    }

    #[tokio::test]
    async fn m2m_verify_also_accepts_the_machine_secret_key() {
        let mock = start().await;
        mock.register_machine_token("mt_good", MachineTokenSpec::m2m("mch_1"));
        let body = json!({"token": "mt_good"});
        assert_eq!(
            verify(&mock, "/m2m_tokens/verify", body.clone(), MACHINE_SECRET)
                .await
                .0,
            401
        );

        mock.set_machine_secret_key(MACHINE_SECRET);
        assert_eq!(
            verify(&mock, "/m2m_tokens/verify", body.clone(), MACHINE_SECRET)
                .await
                .0,
            200
        );
        assert_eq!(verify(&mock, "/m2m_tokens/verify", body, SECRET).await.0, 200);
        // Only on the m2m endpoint.
        let (status, _) = verify(&mock, "/api_keys/verify", json!({"secret": "x"}), MACHINE_SECRET).await;
        assert_eq!(status, 401);
    }

    #[tokio::test]
    async fn oauth_verify_answers_registered_tokens_only() {
        let mock = start().await;
        mock.register_machine_token(
            "oat_good",
            MachineTokenSpec::oauth("user_1", "client_1").scopes(&["profile", "email"]),
        );
        mock.register_machine_token("mt_other", MachineTokenSpec::m2m("mch_1"));
        let path = "/oauth_applications/access_tokens/verify";

        let (status, body) = verify(&mock, path, json!({"access_token": "oat_good"}), SECRET).await;
        assert_eq!(status, 200);
        assert_eq!(body["object"], "clerk_idp_oauth_access_token");
        assert_eq!(body["type"], "oauth_token");
        assert_eq!(body["client_id"], "client_1");
        assert_eq!(body["subject"], "user_1");
        assert_eq!(body["scopes"], json!(["profile", "email"]));
        assert!(body["id"].as_str().expect("id").starts_with("oat_"));
        assert!(body.get("claims").is_none());

        let (status, _) = verify(&mock, path, json!({"access_token": "oat_unknown"}), SECRET).await;
        assert_eq!(status, 404);
        let (status, _) = verify(&mock, path, json!({"access_token": "mt_other"}), SECRET).await;
        assert_eq!(status, 404);
        // The m2m body field is not the OAuth one.
        let (status, body) = verify(&mock, path, json!({"token": "oat_good"}), SECRET).await;
        assert_eq!((status, error_code(&body)), (400, "form_param_missing"));
    }

    #[tokio::test]
    async fn api_key_verify_answers_registered_keys_only() {
        let mock = start().await;
        mock.register_machine_token(
            "ak_good",
            MachineTokenSpec::api_key("org_1", "ci").claims(json!({"env": "test"})),
        );
        mock.register_machine_token("oat_other", MachineTokenSpec::oauth("user_1", "c"));

        let (status, body) = verify(&mock, "/api_keys/verify", json!({"secret": "ak_good"}), SECRET).await;
        assert_eq!(status, 200);
        assert_eq!(body["object"], "api_key");
        assert_eq!(body["type"], "api_key");
        assert_eq!(body["name"], "ci");
        assert_eq!(body["subject"], "org_1");
        assert_eq!(body["scopes"], json!([]));
        assert_eq!(body["claims"], json!({"env": "test"}));
        for field in ["created_by", "description", "last_used_at"] {
            assert!(body.get(field).is_some_and(Value::is_null), "{field}");
        }

        let (status, _) = verify(&mock, "/api_keys/verify", json!({"secret": "ak_unknown"}), SECRET).await;
        assert_eq!(status, 404);
        let (status, _) = verify(&mock, "/api_keys/verify", json!({"secret": "oat_other"}), SECRET).await;
        assert_eq!(status, 404);
    }

    #[tokio::test]
    async fn revoked_and_expired_tokens_are_reported_with_200() {
        let mock = start().await;
        mock.register_machine_token("mt_revoked", MachineTokenSpec::m2m("mch_1").revoked());
        mock.register_machine_token("ak_expired", MachineTokenSpec::api_key("user_1", "k").expired());

        let (status, body) = verify(
            &mock,
            "/m2m_tokens/verify",
            json!({"token": "mt_revoked"}),
            SECRET,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(
            (body["revoked"].clone(), body["expired"].clone()),
            (json!(true), json!(false))
        );
        assert!(body["revocation_reason"].is_string());

        let (status, body) = verify(&mock, "/api_keys/verify", json!({"secret": "ak_expired"}), SECRET).await;
        assert_eq!(status, 200);
        assert_eq!(
            (body["revoked"].clone(), body["expired"].clone()),
            (json!(false), json!(true))
        );
        let now = SystemClock.now_ms();
        assert!(body["expiration"].as_u64().expect("expiration") < now);
    }

    #[tokio::test]
    async fn verify_paths_have_no_version_prefix_and_need_post_and_json() {
        let mock = start().await;
        mock.register_machine_token("mt_good", MachineTokenSpec::m2m("mch_1"));
        let client = client();
        let prefixed = client
            .post(format!("{}/v1/m2m_tokens/verify", mock.url()))
            .bearer_auth(SECRET)
            .body(r#"{"token":"mt_good"}"#)
            .send()
            .await
            .expect("response");
        assert_eq!(prefixed.status(), 404);

        let malformed = client
            .post(format!("{}/m2m_tokens/verify", mock.url()))
            .bearer_auth(SECRET)
            .body("{not json")
            .send()
            .await
            .expect("response");
        assert_eq!(malformed.status(), 400);
        assert_eq!(error_code(&json_of(malformed).await), "malformed_request");

        let get = client
            .get(format!("{}/api_keys/verify", mock.url()))
            .bearer_auth(SECRET)
            .send()
            .await
            .expect("response");
        assert_eq!(get.status(), 405);
    }

    #[tokio::test]
    async fn fault_delay_answers_normally_afterwards() {
        let mock = start().await;
        mock.add_key(keys());
        mock.set_fault(Endpoint::Jwks, Fault::Delay(Duration::from_millis(300)));
        let started = Instant::now();
        let response = get_jwks(&mock, SECRET).await;
        assert!(started.elapsed() >= Duration::from_millis(300));
        assert_eq!(response.status(), 200);
        assert_eq!(kids(&json_of(response).await), [keys().kid()]);
    }

    #[tokio::test]
    async fn fault_hang_times_the_client_out_without_blocking_other_connections() {
        let mock = start().await;
        mock.push_fault(Endpoint::Jwks, Fault::Hang);
        let hanging = client()
            .get(format!("{}/v1/jwks", mock.url()))
            .bearer_auth(SECRET)
            .timeout(Duration::from_secs(1))
            .send();
        let hanging = tokio::spawn(hanging);
        // Make sure the hanging request arrived first.
        while mock.requests(Endpoint::Jwks) == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(get_jwks(&mock, SECRET).await.status(), 200);
        assert!(
            !hanging.is_finished(),
            "still hanging while another connection is served"
        );

        let error = hanging
            .await
            .expect("task")
            .expect_err("the hung request times out");
        assert!(error.is_timeout(), "{error:?}");
        assert_eq!(mock.requests(Endpoint::Jwks), 2);
    }

    #[tokio::test]
    async fn fault_hang_ends_when_the_mock_is_dropped() {
        let mock = start().await;
        mock.set_fault(Endpoint::ApiKeyVerify, Fault::Hang);
        let request = client()
            .post(format!("{}/api_keys/verify", mock.url()))
            .bearer_auth(SECRET)
            .body(r#"{"secret":"ak_1"}"#)
            .timeout(Duration::from_secs(10))
            .send();
        let request = tokio::spawn(request);
        while mock.requests(Endpoint::ApiKeyVerify) == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let started = Instant::now();
        drop(mock);
        let error = request.await.expect("task").expect_err("connection closed");
        assert!(!error.is_timeout(), "{error:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn fault_status_sends_clerk_error_json() {
        let mock = start().await;
        mock.set_fault(Endpoint::M2mVerify, Fault::Status(503));
        let (status, body) = verify(&mock, "/m2m_tokens/verify", json!({"token": "x"}), SECRET).await;
        assert_eq!((status, error_code(&body)), (503, "internal_error"));
        assert!(body["errors"][0]["message"].is_string());

        mock.set_fault(Endpoint::M2mVerify, Fault::Status(42));
        let (status, _) = verify(&mock, "/m2m_tokens/verify", json!({"token": "x"}), SECRET).await;
        assert_eq!(status, 500);
    }

    #[tokio::test]
    async fn fault_retry_after_sets_the_header() {
        let mock = start().await;
        mock.set_fault(
            Endpoint::Jwks,
            Fault::RetryAfter {
                status: 429,
                seconds: 7,
            },
        );
        let response = get_jwks(&mock, SECRET).await;
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()[RETRY_AFTER], "7");
        assert_eq!(error_code(&json_of(response).await), "internal_error");
    }

    #[tokio::test]
    async fn fault_malformed_json_is_200_json_that_does_not_parse() {
        let mock = start().await;
        mock.set_fault(Endpoint::Jwks, Fault::MalformedJson);
        let response = get_jwks(&mock, SECRET).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
        let text = response.text().await.expect("body");
        assert!(serde_json::from_str::<Value>(&text).is_err());
    }

    #[tokio::test]
    async fn fault_wrong_content_type_is_200_html() {
        let mock = start().await;
        mock.register_machine_token("oat_1", MachineTokenSpec::oauth("user_1", "c"));
        mock.set_fault(Endpoint::OAuthVerify, Fault::WrongContentType);
        let response = client()
            .post(format!("{}/oauth_applications/access_tokens/verify", mock.url()))
            .bearer_auth(SECRET)
            .body(r#"{"access_token":"oat_1"}"#)
            .send()
            .await
            .expect("response");
        assert_eq!(response.status(), 200);
        let content_type = response.headers()[CONTENT_TYPE]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(content_type.starts_with("text/html"));
        assert!(response.text().await.expect("body").contains("<html>"));
    }

    #[tokio::test]
    async fn fault_drop_connection_is_a_client_error() {
        let mock = start().await;
        // One client, so the dropped request reuses a kept-alive connection; it is not retried.
        let client = client();
        let jwks = || {
            client
                .get(format!("{}/v1/jwks", mock.url()))
                .bearer_auth(SECRET)
                .send()
        };
        assert_eq!(jwks().await.expect("response").status(), 200);

        mock.set_fault(Endpoint::Jwks, Fault::DropConnection);
        let error = jwks().await.expect_err("no response");
        assert!(!error.is_timeout() && error.status().is_none(), "{error:?}");
        assert_eq!(mock.requests(Endpoint::Jwks), 2);

        mock.clear_faults();
        assert_eq!(jwks().await.expect("response").status(), 200);
    }

    #[tokio::test]
    async fn fault_invalid_secret_key_overrides_a_good_bearer() {
        let mock = start().await;
        mock.register_machine_token("ak_1", MachineTokenSpec::api_key("user_1", "k"));
        mock.set_fault(Endpoint::ApiKeyVerify, Fault::InvalidSecretKey);
        let (status, body) = verify(&mock, "/api_keys/verify", json!({"secret": "ak_1"}), SECRET).await;
        assert_eq!((status, error_code(&body)), (401, "clerk_key_invalid"));
    }

    #[tokio::test]
    async fn pushed_faults_apply_once_in_order_before_the_set_one() {
        let mock = start().await;
        mock.set_fault(Endpoint::Jwks, Fault::Status(502));
        mock.push_fault(Endpoint::Jwks, Fault::Status(503));
        mock.push_fault(Endpoint::Jwks, Fault::InvalidSecretKey);
        // Another endpoint's faults don't leak.
        mock.push_fault(Endpoint::M2mVerify, Fault::Status(500));
        let mut statuses = Vec::new();
        for _ in 0..4 {
            statuses.push(get_jwks(&mock, SECRET).await.status().as_u16());
        }
        assert_eq!(statuses, [503, 401, 502, 502]);

        mock.clear_faults();
        assert_eq!(get_jwks(&mock, SECRET).await.status(), 200);
        let (status, _) = verify(&mock, "/m2m_tokens/verify", json!({"token": "x"}), SECRET).await;
        assert_eq!(status, 404);

        mock.push_fault(Endpoint::Jwks, Fault::Status(500));
        assert_eq!(get_jwks(&mock, SECRET).await.status(), 500);
        assert_eq!(get_jwks(&mock, SECRET).await.status(), 200);
    }

    #[tokio::test]
    async fn counters_count_every_request_per_endpoint_and_reset() {
        let mock = start().await;
        get_jwks(&mock, SECRET).await;
        get_jwks(&mock, "bad").await;
        verify(&mock, "/api_keys/verify", json!({"secret": "x"}), SECRET).await;
        mock.push_fault(Endpoint::OAuthVerify, Fault::Status(500));
        verify(
            &mock,
            "/oauth_applications/access_tokens/verify",
            json!({"access_token": "x"}),
            SECRET,
        )
        .await;
        assert_eq!(mock.requests(Endpoint::Jwks), 2);
        assert_eq!(mock.requests(Endpoint::ApiKeyVerify), 1);
        assert_eq!(mock.requests(Endpoint::OAuthVerify), 1);
        assert_eq!(mock.requests(Endpoint::M2mVerify), 0);

        mock.reset_counters();
        assert_eq!(mock.requests(Endpoint::Jwks), 0);
        assert!(mock.last_request_headers(Endpoint::Jwks).is_none());
        get_jwks(&mock, SECRET).await;
        assert_eq!(mock.requests(Endpoint::Jwks), 1);
    }

    #[tokio::test]
    async fn last_request_headers_are_recorded() {
        let mock = start().await;
        assert!(mock.last_request_headers(Endpoint::Jwks).is_none());
        client()
            .get(format!("{}/v1/jwks", mock.url()))
            .bearer_auth(SECRET)
            .header("clerk-api-version", "2026-05-12")
            .header("user-agent", "first")
            .send()
            .await
            .expect("response");
        client()
            .get(format!("{}/v1/jwks", mock.url()))
            .bearer_auth("sk_other")
            .header("user-agent", "second")
            .send()
            .await
            .expect("response");
        let headers = mock.last_request_headers(Endpoint::Jwks).expect("recorded");
        assert_eq!(headers[AUTHORIZATION], "Bearer sk_other");
        assert_eq!(headers["user-agent"], "second");
        assert!(headers.get("clerk-api-version").is_none());
        assert!(mock.last_request_headers(Endpoint::M2mVerify).is_none());
    }

    #[tokio::test]
    async fn debug_output_has_no_secrets() {
        let mock = start().await;
        mock.set_machine_secret_key(MACHINE_SECRET);
        mock.add_key(keys());
        mock.register_machine_token("mt_secret_token_text", MachineTokenSpec::m2m("mch_1"));
        let debug = format!("{mock:?}");
        assert!(
            debug.contains(&mock.url()) && debug.contains(keys().kid()),
            "{debug}"
        );
        for secret in [SECRET, MACHINE_SECRET, "mt_secret_token_text"] {
            assert!(!debug.contains(secret), "{debug}");
        }
    }
}
