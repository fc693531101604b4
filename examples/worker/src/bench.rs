//! `GET /__bench/authenticate?n=N` (feature `bench` only): N cold `authenticate_request` calls
//! on the request's own headers, for the workerd benchmark. Cold means the token cache is off,
//! so every call parses the token, verifies its signature and checks its claims; the key was
//! imported once, when the isolate's `Clerk` was built. The driver times the request from
//! outside: workerd's clock does not move while a request computes.

use std::cell::OnceCell;
use std::rc::Rc;

use clerk_sdk::Clerk;
use http::{HeaderValue, StatusCode, header::CONTENT_TYPE};
use serde_json::json;
use worker::{Env, HttpRequest};

/// The benchmark's path.
pub(crate) const PATH: &str = "/__bench/authenticate";

/// The most calls one request may ask for, so that a mistaken request cannot occupy the
/// isolate for long.
const MAX_N: u32 = 10_000;

thread_local! {
    static COLD: OnceCell<Rc<Clerk>> = const { OnceCell::new() };
}

/// Runs the calls and answers `{"n": N, "ok": <calls that were signed in>}`.
pub(crate) async fn authenticate(env: &Env, request: &HttpRequest) -> http::Response<String> {
    let Some(n) = requested_n(request) else {
        return answer(
            StatusCode::BAD_REQUEST,
            json!({ "error": "n must be in 0..=10000" }),
        );
    };
    let clerk = match cold_clerk(env) {
        Ok(clerk) => clerk,
        Err(reason) => return answer(StatusCode::INTERNAL_SERVER_ERROR, json!({ "error": reason })),
    };
    let mut ok = 0_u32;
    let mut last = None;
    for _ in 0..n {
        let state = clerk.authenticate_request(request).await;
        if state.is_authenticated() {
            ok += 1;
        } else {
            last = state.reason_str();
        }
    }
    answer(StatusCode::OK, json!({ "n": n, "ok": ok, "reason": last }))
}

/// The isolate's `Clerk` with the token cache off, built from the same bindings as the app's.
fn cold_clerk(env: &Env) -> Result<Rc<Clerk>, &'static str> {
    COLD.with(|cell| {
        if let Some(clerk) = cell.get() {
            return Ok(Rc::clone(clerk));
        }
        let config = crate::app::config(env)
            .and_then(|builder| builder.token_cache_capacity(0).build())
            .map_err(|error| error.reason())?;
        let clerk = Rc::new(Clerk::new(config));
        Ok(Rc::clone(cell.get_or_init(|| clerk)))
    })
}

fn requested_n(request: &HttpRequest) -> Option<u32> {
    let query = request.uri().query().unwrap_or_default();
    let value = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("n="))
        .unwrap_or("1");
    value.parse().ok().filter(|n| *n <= MAX_N)
}

fn answer(status: StatusCode, body: serde_json::Value) -> http::Response<String> {
    let mut response = http::Response::new(body.to_string());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
