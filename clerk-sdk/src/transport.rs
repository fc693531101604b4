//! The transport to Clerk's Backend API: one `reqwest::Client` per config (connection pooling),
//! Clerk's headers on every call (`Authorization: Bearer <secret key>`, `Clerk-API-Version`, a
//! `User-Agent` naming this SDK), bounded response bodies, and transport failures classified so
//! that callers can say why a call failed.
//!
//! Knows nothing about JWKS or machine tokens; `jwks.rs` and `machine.rs` build on it.

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, HeaderValue, Method, StatusCode};

use crate::secret::SecretKey;

/// The Backend API version this SDK speaks (`Clerk-API-Version`), as `@clerk/backend` 3.25.
pub(crate) const CLERK_API_VERSION: &str = "2026-05-12";
/// `User-Agent` of every Backend API call: this SDK and its version.
pub(crate) const USER_AGENT: &str = concat!("clerk-sdk-rust/", env!("CARGO_PKG_VERSION"));
/// Largest response body read from the Backend API; a JWKS is a few KB.
const MAX_BODY: usize = 1024 * 1024;

/// Why a Backend API call produced no HTTP answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransportError {
    /// The time budget ran out.
    Timeout,
    /// The connection could not be made (refused, DNS, TLS).
    Connect,
    /// The connection broke, or the body was too large or unreadable.
    Broken,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportError::Timeout => "timed out",
            TransportError::Connect => "connection failed",
            TransportError::Broken => "connection broken or response unreadable",
        })
    }
}

/// An HTTP answer from the Backend API.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Response {
    /// `Retry-After` in seconds, when present and numeric.
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        let secs = self
            .headers
            .get(http::header::RETRY_AFTER)?
            .to_str()
            .ok()?
            .trim()
            .parse()
            .ok()?;
        Some(Duration::from_secs(secs))
    }

    /// Whether the body is JSON (`application/json`, parameters allowed).
    pub(crate) fn is_json(&self) -> bool {
        self.headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
    }

    /// The first `errors[].code` of a Clerk error body.
    pub(crate) fn error_code(&self) -> Option<String> {
        self.error_field("code")
    }

    /// The first `errors[].message` of a Clerk error body.
    pub(crate) fn error_message(&self) -> Option<String> {
        self.error_field("message")
    }

    fn error_field(&self, field: &str) -> Option<String> {
        let body: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        let text = body.get("errors")?.get(0)?.get(field)?.as_str()?;
        Some(text.chars().filter(|c| !c.is_control()).take(512).collect())
    }
}

/// Sends requests to one Backend API base URL.
#[derive(Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
    api_url: String,
    api_version: String,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("api_url", &self.api_url)
            .field("api_version", &self.api_version)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// A client for `api_url` (validated, no trailing slash) and `api_version`.
    pub(crate) fn new(
        api_url: &str,
        api_version: &str,
        connect_timeout: Duration,
    ) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Transport {
            http,
            api_url: api_url.to_owned(),
            api_version: api_version.to_owned(),
        })
    }

    /// `{api_url}/{api_version}/jwks`.
    pub(crate) fn jwks_url(&self) -> String {
        format!("{}/{}/jwks", self.api_url, self.api_version)
    }

    /// `{api_url}/{path}`, without the version segment (Clerk serves the machine verify
    /// endpoints there).
    pub(crate) fn unversioned_url(&self, path: &str) -> String {
        format!("{}/{}", self.api_url, path.trim_start_matches('/'))
    }

    /// The pooled HTTP client itself.
    #[cfg(feature = "testing")]
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// `{api_url}/{api_version}`, the base of every versioned Backend API path.
    pub(crate) fn versioned_base(&self) -> String {
        format!("{}/{}", self.api_url, self.api_version)
    }

    /// Sends one request with Clerk's headers and reads at most [`MAX_BODY`] bytes.
    pub(crate) async fn send(
        &self,
        method: Method,
        url: &str,
        bearer: Option<&SecretKey>,
        json_body: Option<Vec<u8>>,
        timeout: Duration,
    ) -> Result<Response, TransportError> {
        self.send_limited(method, url, bearer, json_body, timeout, MAX_BODY)
            .await
    }

    /// [`Transport::send`] reading at most `max_body` bytes (Backend API list pages are larger
    /// than a JWKS).
    pub(crate) async fn send_limited(
        &self,
        method: Method,
        url: &str,
        bearer: Option<&SecretKey>,
        json_body: Option<Vec<u8>>,
        timeout: Duration,
        max_body: usize,
    ) -> Result<Response, TransportError> {
        let mut request = self
            .http
            .request(method, url)
            .timeout(timeout)
            .header("Clerk-API-Version", CLERK_API_VERSION)
            .header(http::header::CONTENT_TYPE, "application/json");
        if let Some(secret) = bearer {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", secret.expose_secret()))
                .map_err(|_| TransportError::Connect)?;
            value.set_sensitive(true);
            request = request.header(http::header::AUTHORIZATION, value);
        }
        if let Some(body) = json_body {
            request = request.body(body);
        }
        let mut response = request.send().await.map_err(classify)?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > max_body {
                return Err(TransportError::Broken);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

fn classify(e: reqwest::Error) -> TransportError {
    if e.is_timeout() {
        TransportError::Timeout
    } else if e.is_connect() {
        TransportError::Connect
    } else {
        TransportError::Broken
    }
}
