//! [`Fault`]: what the mock does instead of answering normally, and how each one is sent.

use std::time::Duration;

use http::header::RETRY_AFTER;
use http::{HeaderName, HeaderValue, StatusCode};
use http_body_util::Full;
use hyper::body::Bytes;

use super::wire::{ApiError, HttpResponse, raw};

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
    /// Exactly this answer: for what the others don't cover, such as a non-JSON 500 from a
    /// proxy, `Retry-After` as an HTTP date, or a `cf-ray` header. Headers whose name or value
    /// is not valid HTTP are left out; a status outside 100..=999 becomes 500.
    Raw {
        /// The HTTP status.
        status: u16,
        /// Header names and values, e.g. `("content-type", "text/html")`.
        headers: Vec<(String, String)>,
        /// The body, sent as is.
        body: String,
    },
}

/// What a fault turns a request into.
pub(super) enum Faulted {
    /// Go on and answer normally (after a [`Fault::Delay`]).
    Continue,
    /// Send this instead.
    Answer(HttpResponse),
    /// Never answer.
    Hang,
    /// Close the connection without an answer.
    Drop,
}

impl Fault {
    /// Applies the fault: waits for a delay, else says what to send.
    pub(super) async fn apply(self) -> Faulted {
        match self {
            Fault::Delay(delay) => {
                tokio::time::sleep(delay).await;
                Faulted::Continue
            }
            Fault::Hang => Faulted::Hang,
            Fault::DropConnection => Faulted::Drop,
            Fault::Status(status) => Faulted::Answer(internal_error(status)),
            Fault::RetryAfter { status, seconds } => {
                let mut response = internal_error(status);
                response
                    .headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(seconds));
                Faulted::Answer(response)
            }
            Fault::MalformedJson => Faulted::Answer(raw(
                StatusCode::OK,
                "application/json",
                r#"{"object":"truncated","#,
            )),
            Fault::WrongContentType => {
                let html = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>";
                Faulted::Answer(raw(StatusCode::OK, "text/html; charset=utf-8", html))
            }
            Fault::InvalidSecretKey => Faulted::Answer(invalid_secret_key().response()),
            Fault::Raw {
                status,
                headers,
                body,
            } => {
                let mut response = HttpResponse::new(Full::new(Bytes::from(body)));
                *response.status_mut() =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                for (name, value) in headers {
                    if let (Ok(name), Ok(value)) = (
                        HeaderName::from_bytes(name.as_bytes()),
                        HeaderValue::from_str(&value),
                    ) {
                        response.headers_mut().append(name, value);
                    }
                }
                Faulted::Answer(response)
            }
        }
    }
}

fn internal_error(status: u16) -> HttpResponse {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    ApiError::new(status, "internal_error", "injected fault (MockClerkApi)").response()
}

/// 401 `clerk_key_invalid`, Clerk's answer to an unknown secret key.
pub(super) fn invalid_secret_key() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "clerk_key_invalid",
        "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.",
    )
}

/// 401 `authorization_header_format_invalid`, Clerk's answer to a missing or malformed
/// `Authorization` header.
pub(super) fn authorization_header_invalid() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "authorization_header_format_invalid",
        "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
    )
}
