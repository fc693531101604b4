//! [`ClerkRejection`]: a [`Denial`] as an HTTP response (RFC 6750 and Clerk's debug headers).

use axum::response::{IntoResponse, Response};
use http::StatusCode;

use crate::auth::Denial;
use crate::rejection;

/// The answer to a request that may not proceed. Implements [`IntoResponse`].
///
/// | kind | status | `WWW-Authenticate` | body `error` |
/// |---|---|---|---|
/// | unauthenticated | 401 | `Bearer error="invalid_token", error_description="…"` | `invalid_token` |
/// | forbidden | 403 | `Bearer error="insufficient_scope", error_description="…"` | `insufficient_scope` |
/// | keys unavailable | 503 | none | `temporarily_unavailable` |
/// | misconfigured | 500 | none | `server_error` |
///
/// A request with no credential at all gets a bare `WWW-Authenticate: Bearer`, as RFC 6750
/// section 3.1 asks. Every rejection carries `x-clerk-auth-status: signed-out`,
/// `x-clerk-auth-reason` and `x-clerk-auth-message`, and the body `{"error", "reason",
/// "message"}`. A 403 says `x-clerk-auth-status: signed-in` instead: the credential was
/// valid. Nothing in it contains the token or a secret, and for 503 and 500 the message is
/// generic (the details are logged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClerkRejection {
    denial: Denial,
}

impl From<Denial> for ClerkRejection {
    fn from(denial: Denial) -> Self {
        ClerkRejection { denial }
    }
}

impl ClerkRejection {
    /// The decision behind the rejection.
    pub fn denial(&self) -> &Denial {
        &self.denial
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        rejection::status(&self.denial)
    }

    /// The OAuth 2.0 error code of the body (and of `WWW-Authenticate` for 401 and 403).
    pub fn error_code(&self) -> &'static str {
        rejection::error_code(&self.denial)
    }

    /// The message clients see. For server-side faults (503, 500) it is generic: the detailed
    /// message (which may name internal URLs) goes to the log only.
    pub fn public_message(&self) -> &str {
        rejection::public_message(&self.denial)
    }

    /// The `{"error", "reason", "message"}` body.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({
            "error": self.error_code(),
            "reason": self.denial.reason(),
            "message": self.public_message(),
        })
    }

    /// The body as sent: JSON text with its keys always in the order `error`, `reason`,
    /// `message` (a map's order would depend on whether the application enables serde_json's
    /// `preserve_order`).
    pub fn body_text(&self) -> String {
        rejection::body_text(&self.denial)
    }
}

impl IntoResponse for ClerkRejection {
    fn into_response(self) -> Response {
        rejection::log_denial!("clerk_sdk::axum", &self.denial);
        let answer = rejection::answer(&self.denial);
        let mut response = (answer.status, answer.body).into_response();
        let headers = response.headers_mut();
        // `insert`, not `append`: the answer replaces the text body's own content type.
        for (name, value) in answer.headers {
            headers.insert(name, value);
        }
        response
    }
}
