//! A loopback HTTP server for the Backend API client's tests: it records every request as
//! received (method, raw path, raw query, headers, body, arrival time) and answers from a
//! queue of scripted replies, else `200 {}`. A real HTTP server on 127.0.0.1, so the client's
//! real connection pool, timeouts and retries are exercised.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use tokio::time::Instant;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub at: Instant,
}

impl Recorded {
    /// The query pairs, decoded, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_deref().unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Reply {
            status,
            headers: vec![("content-type", "application/json".to_owned())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Handler = dyn Fn(&Recorded) -> Option<Reply> + Send + Sync;

#[derive(Clone, Default)]
struct Shared {
    log: Arc<Mutex<Vec<Recorded>>>,
    replies: Arc<Mutex<VecDeque<Reply>>>,
    handler: Arc<Mutex<Option<Arc<Handler>>>>,
}

/// The running server; dropping it stops it.
pub struct Server {
    pub url: String,
    shared: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    pub async fn start() -> Server {
        let shared = Shared::default();
        let app = axum::Router::new().fallback(answer).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Server { url, shared, task }
    }

    /// Queues replies, answered in order before the default.
    pub fn reply(&self, reply: Reply) -> &Self {
        self.shared.replies.lock().unwrap().push_back(reply);
        self
    }

    /// Answers every request without a queued reply with `handler` (or `200 {}` when it
    /// returns `None`).
    pub fn handle(&self, handler: impl Fn(&Recorded) -> Option<Reply> + Send + Sync + 'static) {
        *self.shared.handler.lock().unwrap() = Some(Arc::new(handler));
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.log.lock().unwrap().clone()
    }

    pub fn take(&self) -> Vec<Recorded> {
        std::mem::take(&mut *self.shared.log.lock().unwrap())
    }
}

async fn answer(State(shared): State<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let recorded = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body: to_bytes(body, 64 * 1024 * 1024).await.unwrap_or_default(),
        at: Instant::now(),
    };
    let queued = shared.replies.lock().unwrap().pop_front();
    let handler = shared.handler.lock().unwrap().clone();
    let reply = queued
        .or_else(|| handler.and_then(|h| h(&recorded)))
        .unwrap_or_else(|| Reply::json(200, "{}"));
    shared.log.lock().unwrap().push(recorded);
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = StatusCode::from_u16(reply.status).unwrap();
    for (name, value) in reply.headers {
        response
            .headers_mut()
            .append(name, HeaderValue::from_str(&value).unwrap());
    }
    response
}
