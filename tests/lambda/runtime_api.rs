//! A stand-in for the Lambda Runtime API on `127.0.0.1`: the HTTP interface through which Lambda
//! hands a custom runtime its events (`GET /2018-06-01/runtime/invocation/next`) and takes the
//! answers (`POST .../invocation/{id}/response`, `.../error`, and `.../init/error` when the
//! runtime cannot start).
//!
//! It serves a fixed list of events, each once and in order, and records what the function posts
//! back. Once the list is served, `next` is held open, as Lambda holds it until the next event
//! arrives. The server stops by itself after [`LIFETIME`], or when the [`RuntimeApi`] is dropped.

use std::collections::{HashSet, VecDeque};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// How long the stand-in serves at most, whatever the test does.
pub(crate) const LIFETIME: Duration = Duration::from_secs(120);

/// How long the function has for each event (`Lambda-Runtime-Deadline-Ms`).
const INVOCATION_TIMEOUT: Duration = Duration::from_secs(30);

/// The function the events are addressed to (`Lambda-Runtime-Invoked-Function-Arn`).
pub(crate) const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:clerk-demo";

/// An X-Ray trace header as Lambda sends it (`Lambda-Runtime-Trace-Id`).
const TRACE_ID: &str = "Root=1-67a1b2c3-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=0";

/// One event to hand the function.
#[derive(Debug, Clone)]
pub(crate) struct Invocation {
    /// `Lambda-Runtime-Aws-Request-Id`: the id the function answers under.
    pub(crate) request_id: String,
    /// The event itself (the body of `next`).
    pub(crate) event: Value,
}

/// What the function posted for one request id.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    /// `POST .../invocation/{id}/response`: the function's answer, as JSON.
    Response(Value),
    /// `POST .../invocation/{id}/error`: the handler failed; `Lambda-Runtime-Function-Error-Type`
    /// and the body.
    Error {
        /// The error type header, if sent.
        error_type: Option<String>,
        /// The posted body, as text.
        body: String,
    },
}

/// What the function did, as the stand-in saw it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Record {
    /// Request id and outcome, in the order they were posted.
    pub(crate) outcomes: Vec<(String, Outcome)>,
    /// Calls that break the protocol: unknown paths, answers for ids never handed out or
    /// answered twice, init errors, bodies that are not JSON.
    pub(crate) faults: Vec<String>,
    /// How many times the function asked for the next event.
    pub(crate) next_calls: usize,
}

#[derive(Debug)]
struct Shared {
    pending: Mutex<VecDeque<Invocation>>,
    /// Ids handed out and not answered yet.
    open: Mutex<HashSet<String>>,
    record: Mutex<Record>,
    changed: Notify,
}

/// Locks `mutex`, also after a panicking handler poisoned it (the record stays readable).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn note(&self, change: impl FnOnce(&mut Record)) {
        change(&mut lock(&self.record));
        self.changed.notify_waiters();
    }
}

/// The stand-in, serving on `127.0.0.1:<port>` until dropped or [`LIFETIME`] has passed.
#[derive(Debug)]
pub(crate) struct RuntimeApi {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl RuntimeApi {
    /// Serves `invocations`, in order, on a free port of `127.0.0.1`.
    ///
    /// # Panics
    /// If no port can be bound.
    pub(crate) async fn start(invocations: Vec<Invocation>) -> RuntimeApi {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared {
            pending: Mutex::new(invocations.into()),
            open: Mutex::new(HashSet::new()),
            record: Mutex::new(Record::default()),
            changed: Notify::new(),
        });
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route("/2018-06-01/runtime/invocation/{id}/response", post(response))
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .fallback(unexpected)
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            // Dropping the server at the deadline closes every connection, the held `next` too.
            let _ = tokio::time::timeout(LIFETIME, axum::serve(listener, app)).await;
        });
        RuntimeApi { addr, shared, task }
    }

    /// `127.0.0.1:<port>`, the value of `AWS_LAMBDA_RUNTIME_API`.
    pub(crate) fn address(&self) -> String {
        self.addr.to_string()
    }

    /// What the function did so far.
    pub(crate) fn record(&self) -> Record {
        lock(&self.shared.record).clone()
    }

    /// Waits until `count` outcomes are recorded, or `within` has passed; returns the record
    /// either way.
    pub(crate) async fn wait_for_outcomes(&self, count: usize, within: Duration) -> Record {
        let deadline = Instant::now() + within;
        loop {
            // Registered before the check, so that a change between the two is not missed.
            let changed = self.shared.changed.notified();
            let record = self.record();
            let left = deadline.saturating_duration_since(Instant::now());
            if record.outcomes.len() >= count || left.is_zero() {
                return record;
            }
            let _ = tokio::time::timeout(left, changed).await;
        }
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `GET .../invocation/next`: the next event with Lambda's headers, or, once all are served,
/// an answer that never comes (Lambda holds the call until there is an event).
async fn next(State(shared): State<Arc<Shared>>) -> Response {
    shared.note(|record| record.next_calls += 1);
    let Some(invocation) = lock(&shared.pending).pop_front() else {
        return std::future::pending().await;
    };
    lock(&shared.open).insert(invocation.request_id.clone());
    let deadline_ms = SystemTime::now()
        .checked_add(INVOCATION_TIMEOUT)
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_millis());
    (
        [
            ("lambda-runtime-aws-request-id", invocation.request_id),
            ("lambda-runtime-deadline-ms", deadline_ms.to_string()),
            ("lambda-runtime-invoked-function-arn", FUNCTION_ARN.to_owned()),
            ("lambda-runtime-trace-id", TRACE_ID.to_owned()),
            ("content-type", "application/json".to_owned()),
        ],
        invocation.event.to_string(),
    )
        .into_response()
}

/// `POST .../invocation/{id}/response`.
async fn response(State(shared): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> Response {
    match serde_json::from_slice::<Value>(&body) {
        Ok(answer) => answered(&shared, id, Outcome::Response(answer)),
        Err(e) => {
            shared.note(|record| record.faults.push(format!("response for {id} is not JSON: {e}")));
            (StatusCode::BAD_REQUEST, "not JSON").into_response()
        }
    }
}

/// `POST .../invocation/{id}/error`.
async fn error(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let error_type = headers
        .get("lambda-runtime-function-error-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = String::from_utf8_lossy(&body).into_owned();
    answered(&shared, id, Outcome::Error { error_type, body })
}

/// Records `outcome` for `id` if `id` was handed out and is not answered yet.
fn answered(shared: &Shared, id: String, outcome: Outcome) -> Response {
    if !lock(&shared.open).remove(&id) {
        shared.note(|record| {
            record
                .faults
                .push(format!("answer for {id}, which is not open: {outcome:?}"))
        });
        return (StatusCode::BAD_REQUEST, "unknown request id").into_response();
    }
    shared.note(|record| record.outcomes.push((id, outcome)));
    (StatusCode::ACCEPTED, axum::Json(json!({ "status": "OK" }))).into_response()
}

/// `POST .../init/error`: the runtime could not start.
async fn init_error(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let body = String::from_utf8_lossy(&body).into_owned();
    shared.note(|record| record.faults.push(format!("init error: {body}")));
    (StatusCode::ACCEPTED, axum::Json(json!({ "status": "OK" }))).into_response()
}

async fn unexpected(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    shared.note(|record| record.faults.push(format!("unexpected call {method} {uri}")));
    StatusCode::NOT_FOUND.into_response()
}
