//! [`ApiError`]: why a Backend API call failed, with everything Clerk said about it.
//!
//! One type for every operation (typed or raw), so callers branch on one set of helpers:
//! [`ApiError::is_not_found`], [`ApiError::is_rate_limited`], [`ApiError::is_unauthorized`].
//! Nothing here ever holds the secret key or a request body, so `Display` and `Debug` are safe
//! to log.

use std::fmt;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};
use serde::Deserialize;

/// How much of a non-JSON error body is kept (a proxy's HTML page, for instance).
const BODY_EXCERPT: usize = 256;

/// A Backend API call failed.
///
/// `reason()` gives a stable kebab-case string per variant.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// Clerk (or something in front of it) answered with a non-success status.
    #[error("{0}")]
    Status(Box<StatusError>),
    /// No HTTP answer: the connection could not be made or broke.
    #[error("{cause} after {attempts} attempt(s)")]
    Transport {
        /// What went wrong on the last attempt.
        cause: TransportFailure,
        /// Attempts made, retries included.
        attempts: u32,
    },
    /// The per-attempt timeout or the overall deadline ran out.
    #[error("timed out after {attempts} attempt(s) in {elapsed:?}")]
    Timeout {
        /// Attempts made, retries included.
        attempts: u32,
        /// Time spent on the call, waits between attempts included.
        elapsed: Duration,
    },
    /// A success answer whose body does not fit the expected type.
    #[error("response body does not fit at `{path}`: {message}")]
    Decode {
        /// Where in the body reading failed, as `data[3].email_addresses[0].id` (`.` for the
        /// whole body).
        path: String,
        /// What serde said about it.
        message: String,
        /// The answer's status.
        status: StatusCode,
    },
    /// The call was refused before anything was sent.
    #[error("not sent: {0}")]
    Refused(Refusal),
}

/// Why a call was refused before sending. Each says which input to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The config has no secret key, which every Backend API call needs.
    #[error("no secret key: set CLERK_SECRET_KEY (or ClerkConfigBuilder::secret_key)")]
    MissingSecretKey,
    /// An id for a path segment is empty.
    #[error("{0} is empty")]
    EmptyId(&'static str),
    /// An id for a path segment is `.` or `..` (also percent-encoded), which would address
    /// another endpoint.
    #[error("{0} is a dot segment")]
    DotSegment(&'static str),
    /// `limit` is outside 1 to 500 (Clerk silently answers 10 items for larger values).
    #[error("limit {0} is outside 1..=500")]
    LimitOutOfRange(u64),
    /// A parameter was set that this operation does not take.
    #[error("{operation} takes no parameter {name}")]
    UnsupportedParameter {
        /// The operation's name in [`crate::api::OPERATIONS`].
        operation: &'static str,
        /// The wire name of the parameter.
        name: &'static str,
    },
    /// A raw request path is not an absolute path of non-dot segments without query or
    /// fragment.
    #[error("path must start with / and have no dot segments, query or fragment")]
    InvalidPath,
    /// A request body could not be serialized to JSON.
    #[error("request body cannot be serialized as JSON")]
    Body,
}

/// Why no HTTP answer came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportFailure {
    /// The connection could not be made (refused, DNS, TLS): nothing was sent.
    #[error("connection failed")]
    Connect,
    /// The connection broke or the answer could not be read (or was too large).
    #[error("connection broken or response unreadable")]
    Broken,
}

/// A non-success answer: its status and what Clerk said.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StatusError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Clerk's `errors[]` (empty when the body was not a Clerk error body).
    pub errors: Vec<ClerkError>,
    /// Clerk's trace id (`clerk_trace_id` in the body, else the `cf-ray` header), for support
    /// requests.
    pub trace_id: Option<String>,
    /// How long Clerk asks to wait (`Retry-After`, in seconds or as an HTTP date).
    pub retry_after: Option<Duration>,
    /// The start of a body that is not a Clerk error body (a proxy's page, say), control
    /// characters removed.
    pub body_excerpt: Option<String>,
    /// Attempts made, retries included.
    pub attempts: u32,
}

/// One entry of Clerk's `errors[]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ClerkError {
    /// Machine-readable code, such as `resource_not_found` (may be empty).
    #[serde(default)]
    pub code: String,
    /// Short message.
    #[serde(default)]
    pub message: String,
    /// Longer, user-facing message.
    #[serde(default)]
    pub long_message: Option<String>,
    /// Extra data (`param_name`, …), `Null` when absent.
    #[serde(default)]
    pub meta: serde_json::Value,
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "clerk answered {}", self.status)?;
        if let Some(first) = self.errors.first() {
            write!(f, ": {}", first.code)?;
            if !first.message.is_empty() {
                write!(f, " ({})", first.message)?;
            }
        }
        if let Some(trace) = &self.trace_id {
            write!(f, ", trace id {trace}")?;
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    errors: Vec<ClerkError>,
    #[serde(default)]
    clerk_trace_id: Option<String>,
}

impl StatusError {
    /// Reads a non-success answer: Clerk's error body when it is one, else an excerpt.
    pub(crate) fn from_answer(status: StatusCode, headers: &HeaderMap, body: &[u8], attempts: u32) -> Self {
        let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
        let header_trace = headers
            .get("cf-ray")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let (errors, trace_id, body_excerpt) = match parsed {
            Some(b) => (b.errors, b.clerk_trace_id.or(header_trace), None),
            None => (Vec::new(), header_trace, excerpt(body)),
        };
        StatusError {
            status,
            errors,
            trace_id,
            retry_after: retry_after(headers, SystemTime::now()),
            body_excerpt,
            attempts,
        }
    }
}

fn excerpt(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let kept: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(BODY_EXCERPT)
        .collect();
    (!kept.trim().is_empty()).then_some(kept)
}

/// `Retry-After` as a wait from `now`: delta seconds, or an HTTP date (a past date is zero).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

impl ApiError {
    /// A stable kebab-case reason string.
    pub fn reason(&self) -> &'static str {
        match self {
            ApiError::Status(_) => "api-status",
            ApiError::Transport {
                cause: TransportFailure::Connect,
                ..
            } => "api-connect-failed",
            ApiError::Transport { .. } => "api-connection-broken",
            ApiError::Timeout { .. } => "api-timeout",
            ApiError::Decode { .. } => "api-decode-failed",
            ApiError::Refused(r) => r.reason(),
        }
    }

    /// The answer's status, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            ApiError::Status(e) => Some(e.status),
            ApiError::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Clerk's `errors[]` (empty when there was no Clerk error body).
    pub fn errors(&self) -> &[ClerkError] {
        match self {
            ApiError::Status(e) => &e.errors,
            _ => &[],
        }
    }

    /// The first error's `code`, the one to branch on.
    pub fn code(&self) -> Option<&str> {
        self.errors().first().map(|e| e.code.as_str())
    }

    /// Clerk's trace id, for support requests.
    pub fn trace_id(&self) -> Option<&str> {
        match self {
            ApiError::Status(e) => e.trace_id.as_deref(),
            _ => None,
        }
    }

    /// How long Clerk asks to wait before the next call (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::Status(e) => e.retry_after,
            _ => None,
        }
    }

    /// 404, or Clerk's `resource_not_found` code.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND) || self.code() == Some("resource_not_found")
    }

    /// 429: the instance's rate limit was hit (see [`ApiError::retry_after`]).
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, ApiError::Status(e) if e.status == StatusCode::TOO_MANY_REQUESTS)
    }

    /// 401: the secret key is missing, malformed or unknown to Clerk.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, ApiError::Status(e) if e.status == StatusCode::UNAUTHORIZED)
    }
}

impl Refusal {
    /// A stable kebab-case reason string.
    pub fn reason(&self) -> &'static str {
        match self {
            Refusal::MissingSecretKey => "secret-key-missing",
            Refusal::EmptyId(_) => "api-id-empty",
            Refusal::DotSegment(_) => "api-id-dot-segment",
            Refusal::LimitOutOfRange(_) => "api-limit-out-of-range",
            Refusal::UnsupportedParameter { .. } => "api-parameter-unsupported",
            Refusal::InvalidPath => "api-path-invalid",
            Refusal::Body => "api-body-unserializable",
        }
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        ApiError::Refused(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn clerk_error_body_is_read_with_trace_id_from_body_first() {
        let body = br#"{"errors":[{"code":"resource_not_found","message":"not found","long_message":"No user","meta":{"param_name":"id"}}],"clerk_trace_id":"t1"}"#;
        let e = StatusError::from_answer(StatusCode::NOT_FOUND, &headers(&[("cf-ray", "ray")]), body, 1);
        assert_eq!(e.trace_id.as_deref(), Some("t1"));
        assert_eq!(e.errors[0].code, "resource_not_found");
        assert_eq!(e.errors[0].long_message.as_deref(), Some("No user"));
        assert_eq!(e.errors[0].meta["param_name"], "id");
        let api = ApiError::Status(Box::new(e));
        assert!(api.is_not_found());
        assert_eq!(
            api.to_string(),
            "clerk answered 404 Not Found: resource_not_found (not found), trace id t1"
        );
    }

    #[test]
    fn non_json_body_keeps_an_excerpt_and_cf_ray() {
        let e = StatusError::from_answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            &headers(&[("cf-ray", "8f-AMS")]),
            b"<html>\n<b>oops</b></html>",
            3,
        );
        assert!(e.errors.is_empty());
        assert_eq!(e.trace_id.as_deref(), Some("8f-AMS"));
        assert_eq!(e.body_excerpt.as_deref(), Some("<html><b>oops</b></html>"));
    }

    #[test]
    fn retry_after_takes_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            retry_after(&headers(&[("retry-after", "7")]), now),
            Some(Duration::from_secs(7))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            retry_after(&headers(&[("retry-after", &date)]), now),
            Some(Duration::from_secs(30))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(
            retry_after(&headers(&[("retry-after", &past)]), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
    }

    #[test]
    fn reasons_are_stable() {
        let cases: [(ApiError, &str); 6] = [
            (Refusal::MissingSecretKey.into(), "secret-key-missing"),
            (Refusal::LimitOutOfRange(501).into(), "api-limit-out-of-range"),
            (
                ApiError::Timeout {
                    attempts: 1,
                    elapsed: Duration::ZERO,
                },
                "api-timeout",
            ),
            (
                ApiError::Transport {
                    cause: TransportFailure::Connect,
                    attempts: 1,
                },
                "api-connect-failed",
            ),
            (
                ApiError::Transport {
                    cause: TransportFailure::Broken,
                    attempts: 1,
                },
                "api-connection-broken",
            ),
            (
                ApiError::Decode {
                    path: ".".into(),
                    message: String::new(),
                    status: StatusCode::OK,
                },
                "api-decode-failed",
            ),
        ];
        for (e, reason) in cases {
            assert_eq!(e.reason(), reason);
        }
        assert!(
            ApiError::from(Refusal::MissingSecretKey)
                .to_string()
                .contains("CLERK_SECRET_KEY")
        );
    }
}
