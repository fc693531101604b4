//! The HTTP side: the accept loop, one request's way through the mock (record, route,
//! fault, authenticate, rate limit, answer), and the state the handlers share.
//!
//! One accept task owns a [`JoinSet`] with one task per connection (hyper HTTP/1,
//! keep-alive). Aborting the accept task drops the `JoinSet` and so aborts every connection,
//! including hanging ones. State sits behind a std `Mutex` that is never held across an
//! `.await`; every handler is synchronous and runs under it, so each request sees and leaves
//! a consistent store. A dropped connection is made by returning `Err` from the hyper
//! service, which makes hyper close the socket without a response.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use http::header::{AUTHORIZATION, RETRY_AFTER};
use http::{HeaderMap, HeaderValue, Request, StatusCode};
use http_body_util::{BodyExt as _, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use super::super::TestKeys;
use super::endpoint::Route;
use super::fault::{Faulted, authorization_header_invalid, invalid_secret_key};
use super::rate_limit::RateLimit;
use super::record::RecordedRequest;
use super::store::Store;
use super::wire::{ApiError, Body, HttpResponse, Query, json_response, raw};
use super::{Endpoint, Fault, invitations, machine, organizations, sessions, users};
use crate::clock::{Clock, SystemClock};

/// Everything the handlers read and write. Locked briefly, never across an `.await`.
pub(super) struct State {
    pub(super) secret_keys: Vec<String>,
    pub(super) machine_secret_key: Option<String>,
    /// Signing keys with their public JWKs, in insertion order, unique by `kid`. The last
    /// one signs session tokens.
    pub(super) keys: Vec<(Value, TestKeys)>,
    /// Registered token text → (its endpoint, the verify answer).
    pub(super) tokens: HashMap<String, (Endpoint, Value)>,
    pub(super) persistent_faults: HashMap<Endpoint, Fault>,
    pub(super) queued_faults: HashMap<Endpoint, VecDeque<Fault>>,
    pub(super) counts: HashMap<Endpoint, usize>,
    pub(super) last_headers: HashMap<Endpoint, HeaderMap>,
    pub(super) recording: bool,
    pub(super) log: Vec<RecordedRequest>,
    pub(super) rate_limit: Option<RateLimit>,
    pub(super) store: Store,
    /// `iss` of the session tokens it signs.
    pub(super) issuer: String,
}

impl State {
    pub(super) fn new(secret_key: String) -> Self {
        State {
            secret_keys: vec![secret_key],
            machine_secret_key: None,
            keys: Vec::new(),
            tokens: HashMap::new(),
            persistent_faults: HashMap::new(),
            queued_faults: HashMap::new(),
            counts: HashMap::new(),
            last_headers: HashMap::new(),
            recording: true,
            log: Vec::new(),
            rate_limit: None,
            store: Store::default(),
            issuer: String::new(),
        }
    }

    fn next_fault(&mut self, endpoint: Endpoint) -> Option<Fault> {
        self.queued_faults
            .get_mut(&endpoint)
            .and_then(VecDeque::pop_front)
            .or_else(|| self.persistent_faults.get(&endpoint).cloned())
    }

    /// The accepted bearer, or Clerk's 401: `authorization_header_format_invalid` without a
    /// `Bearer` header, `clerk_key_invalid` for an unknown key.
    fn authorize(&self, endpoint: Option<Endpoint>, headers: &HeaderMap) -> Result<String, ApiError> {
        let Some(bearer) = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .filter(|b| !b.is_empty())
        else {
            return Err(authorization_header_invalid());
        };
        let machine =
            endpoint == Some(Endpoint::M2mVerify) && self.machine_secret_key.as_deref() == Some(bearer);
        if machine || self.secret_keys.iter().any(|k| k == bearer) {
            Ok(bearer.to_owned())
        } else {
            Err(invalid_secret_key())
        }
    }
}

/// A poisoned lock only means a test panicked elsewhere; the state is still usable.
pub(super) fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(super) async fn accept_loop(listener: TcpListener, state: Arc<Mutex<State>>) {
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

/// The largest request body read (a 6 KB user with metadata fits many times over).
const MAX_BODY: usize = 1024 * 1024;

/// One routed request, as the handlers see it.
#[derive(Debug)]
pub(super) struct Call {
    /// Path parameters, percent-decoded, in template order.
    pub(super) params: Vec<String>,
    pub(super) query: Query,
    pub(super) body: Bytes,
    /// Unix milliseconds.
    pub(super) now: u64,
}

impl Call {
    /// Path parameter `index` (the router guarantees each template's count).
    pub(super) fn param(&self, index: usize) -> &str {
        self.params.get(index).map(String::as_str).unwrap_or_default()
    }

    pub(super) fn json(&self) -> Result<Body, ApiError> {
        Body::parse(&self.body)
    }
}

async fn handle(
    state: Arc<Mutex<State>>,
    request: Request<Incoming>,
) -> Result<HttpResponse, DropConnection> {
    let (parts, body) = request.into_parts();
    let body = Limited::new(body, MAX_BODY).collect().await.map(|b| b.to_bytes());
    let route = Route::of(&parts.method, parts.uri.path());
    let endpoint = match &route {
        Route::Found(endpoint, _) => Some(*endpoint),
        Route::WrongMethod | Route::NotFound => None,
    };
    let recorded = RecordedRequest::new(
        parts.method.clone(),
        parts.uri.path().to_owned(),
        parts.uri.query().map(str::to_owned),
        parts.headers.clone(),
        body.as_ref().map(Bytes::clone).unwrap_or_default(),
        endpoint,
    );
    let fault = {
        let mut state = lock(&state);
        if state.recording {
            state.log.push(recorded);
        }
        endpoint.and_then(|endpoint| {
            *state.counts.entry(endpoint).or_default() += 1;
            state.last_headers.insert(endpoint, parts.headers.clone());
            state.next_fault(endpoint)
        })
    };
    if let Some(fault) = fault {
        match fault.apply().await {
            Faulted::Continue => {}
            Faulted::Answer(response) => return Ok(response),
            Faulted::Hang => return std::future::pending().await,
            Faulted::Drop => return Err(DropConnection),
        }
    }
    let Ok(body) = body else {
        return Ok(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_body_too_large",
            "the request body is unreadable or larger than 1 MiB",
        )
        .response());
    };
    if let Some(endpoint) = endpoint
        && parts.method != endpoint.method()
    {
        // Only the verify endpoints route regardless of method; Clerk's own answer differs.
        return Ok(method_not_allowed());
    }
    let bearer = match lock(&state).authorize(endpoint, &parts.headers) {
        Ok(bearer) => bearer,
        Err(error) => return Ok(error.response()),
    };
    let (endpoint, params) = match route {
        Route::Found(endpoint, params) => (endpoint, params),
        Route::WrongMethod => return Ok(method_not_allowed()),
        Route::NotFound => return Ok(ApiError::not_found().response()),
    };
    let call = Call {
        params,
        query: Query::new(
            form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ),
        body,
        now: SystemClock.now_ms(),
    };
    let mut state = lock(&state);
    if endpoint.is_rate_limited()
        && let Some(limit) = &mut state.rate_limit
        && let Err(seconds) = limit.check(&bearer, Instant::now())
    {
        return Ok(too_many_requests(seconds));
    }
    if endpoint == Endpoint::UserList {
        return Ok(match users::list(&state.store, &call.query) {
            Ok(text) => raw(StatusCode::OK, "application/json", text),
            Err(error) => error.response(),
        });
    }
    Ok(match dispatch(&mut state, endpoint, &call) {
        Ok(answer) => json_response(StatusCode::OK, &answer),
        Err(error) => error.response(),
    })
}

fn dispatch(state: &mut State, endpoint: Endpoint, call: &Call) -> Result<Value, ApiError> {
    use Endpoint::*;
    match endpoint {
        Jwks => {
            let keys: Vec<&Value> = state.keys.iter().map(|(jwk, _)| jwk).collect();
            Ok(json!({ "keys": keys }))
        }
        M2mVerify | OAuthVerify | ApiKeyVerify => match endpoint.token_field() {
            Some(field) => machine::verify(endpoint, field, &call.body, &state.tokens),
            None => Err(ApiError::not_found()),
        },
        UserList
        | UserCount
        | UserCreate
        | UserGet
        | UserUpdate
        | UserDelete
        | UserMetadataMerge
        | UserMetadataReplace
        | UserBan
        | UserUnban
        | UserLock
        | UserUnlock
        | UserVerifyPassword
        | UserOrganizationMemberships => users::handle(&mut state.store, endpoint, call),
        OrganizationList
        | OrganizationCreate
        | OrganizationGet
        | OrganizationUpdate
        | OrganizationDelete
        | OrganizationMetadataMerge
        | OrganizationMetadataReplace
        | MembershipList
        | MembershipCreate
        | MembershipUpdate
        | MembershipDelete
        | MembershipMetadataMerge => organizations::handle(&mut state.store, endpoint, call),
        OrganizationInvitationList
        | OrganizationInvitationCreate
        | OrganizationInvitationGet
        | OrganizationInvitationRevoke
        | InvitationList
        | InvitationCreate
        | InvitationRevoke => invitations::handle(&mut state.store, endpoint, call),
        SessionList | SessionGet | SessionRevoke | SessionToken | SessionTokenFromTemplate => {
            sessions::handle(state, endpoint, call)
        }
    }
}

fn method_not_allowed() -> HttpResponse {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "method not allowed",
    )
    .response()
}

/// Clerk's 429: `too_many_requests` with `Retry-After` in seconds.
fn too_many_requests(seconds: u64) -> HttpResponse {
    let mut response = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_requests",
        "Too many requests, retry later",
    )
    .response();
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(seconds));
    response
}
