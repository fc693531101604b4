//! [`ClerkRejection`]: a [`Denial`] as an HTTP response (RFC 6750 and Clerk's debug headers).

use axum::response::{IntoResponse, Response};
use http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderValue, StatusCode};

use crate::auth::{Denial, DenialKind};

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
        match self.denial.kind() {
            DenialKind::Unauthenticated => StatusCode::UNAUTHORIZED,
            DenialKind::Forbidden => StatusCode::FORBIDDEN,
            DenialKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            DenialKind::Misconfigured => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The OAuth 2.0 error code of the body (and of `WWW-Authenticate` for 401 and 403).
    pub fn error_code(&self) -> &'static str {
        match self.denial.kind() {
            DenialKind::Unauthenticated => "invalid_token",
            DenialKind::Forbidden => "insufficient_scope",
            DenialKind::Unavailable => "temporarily_unavailable",
            DenialKind::Misconfigured => "server_error",
        }
    }

    /// The message clients see. For server-side faults (503, 500) it is generic: the detailed
    /// message (which may name internal URLs) goes to the log only.
    pub fn public_message(&self) -> &str {
        match self.denial.kind() {
            DenialKind::Unauthenticated | DenialKind::Forbidden => self.denial.message(),
            DenialKind::Unavailable => "authentication is temporarily unavailable; retry later",
            DenialKind::Misconfigured => "the server's authentication configuration was refused",
        }
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
        json_body(self.error_code(), self.denial.reason(), self.public_message())
    }

    fn log(&self) {
        let token_type = self.denial.token_type().map(crate::TokenType::as_str);
        match self.denial.kind() {
            DenialKind::Unauthenticated | DenialKind::Forbidden => tracing::debug!(
                target: "clerk_sdk::axum",
                status = self.status().as_u16(),
                reason = self.denial.reason(),
                token_type,
                "request rejected"
            ),
            DenialKind::Unavailable => tracing::warn!(
                target: "clerk_sdk::axum",
                reason = self.denial.reason(),
                message = self.denial.message(),
                "request rejected: Clerk keys or API unavailable"
            ),
            DenialKind::Misconfigured => tracing::error!(
                target: "clerk_sdk::axum",
                reason = self.denial.reason(),
                message = self.denial.message(),
                "request rejected: Clerk configuration refused"
            ),
        }
    }
}

impl IntoResponse for ClerkRejection {
    fn into_response(self) -> Response {
        self.log();
        let body = self.body_text();
        let mut response = (self.status(), body).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        // A 403 goes to a caller whose credential was valid.
        let status = if self.denial.kind() == DenialKind::Forbidden {
            "signed-in"
        } else {
            "signed-out"
        };
        headers.insert("x-clerk-auth-status", HeaderValue::from_static(status));
        headers.insert("x-clerk-auth-reason", header_text(self.denial.reason()));
        if !self.public_message().is_empty() {
            headers.insert("x-clerk-auth-message", header_text(self.public_message()));
        }
        let challenge = match self.denial.kind() {
            DenialKind::Unauthenticated if self.denial.is_missing_credential() => Some("Bearer".to_owned()),
            DenialKind::Unauthenticated | DenialKind::Forbidden => Some(format!(
                "Bearer error=\"{}\", error_description=\"{}\"",
                self.error_code(),
                quoted(self.denial.message())
            )),
            DenialKind::Unavailable | DenialKind::Misconfigured => None,
        };
        if let Some(challenge) = challenge {
            headers.insert(WWW_AUTHENTICATE, header_text(&challenge));
        }
        response
    }
}

/// Text safe for a header value: visible ASCII and spaces only (header injection is
/// impossible), bounded.
fn header_text(text: &str) -> HeaderValue {
    let clean: String = text
        .chars()
        .map(|c| if c == ' ' || c.is_ascii_graphic() { c } else { '?' })
        .take(512)
        .collect();
    HeaderValue::from_str(&clean).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

/// RFC 6750 `error_description` allows no `"` or `\`.
fn quoted(text: &str) -> String {
    text.chars()
        .map(|c| if c == '"' || c == '\\' { '\'' } else { c })
        .collect()
}

/// The `{"error", "reason", "message"}` body of every rejection (webhooks included), with its
/// keys in that order whatever serde_json's features: a struct serializes its fields in
/// declaration order.
pub(crate) fn json_body(error: &str, reason: &str, message: &str) -> String {
    #[derive(serde::Serialize)]
    struct Body<'a> {
        error: &'a str,
        reason: &'a str,
        message: &'a str,
    }
    // Serializing three strings cannot fail; an empty object would stand in if it ever did.
    serde_json::to_string(&Body {
        error,
        reason,
        message,
    })
    .unwrap_or_else(|_| "{}".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_keys_keep_their_order() {
        assert_eq!(
            json_body("invalid_token", "token-expired", "a \"quoted\" message"),
            r#"{"error":"invalid_token","reason":"token-expired","message":"a \"quoted\" message"}"#
        );
    }
}
