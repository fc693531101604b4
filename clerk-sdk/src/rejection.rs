//! The one place that turns a [`Denial`] into an HTTP answer (status, headers, body), so that
//! every framework adapter answers the same request with the same bytes. Adapters only copy
//! the [`Answer`] into their own response type.

use http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderName, HeaderValue, StatusCode};

use crate::auth::{Denial, DenialKind};
use crate::webhook::WebhookError;

/// A framework-neutral response: what every adapter sends for a rejection.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: String,
}

/// The HTTP status of a denial.
pub(crate) fn status(denial: &Denial) -> StatusCode {
    match denial.kind() {
        DenialKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        DenialKind::Forbidden => StatusCode::FORBIDDEN,
        DenialKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        DenialKind::Misconfigured => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The OAuth 2.0 error code of the body (and of `WWW-Authenticate` for 401 and 403).
pub(crate) fn error_code(denial: &Denial) -> &'static str {
    match denial.kind() {
        DenialKind::Unauthenticated => "invalid_token",
        DenialKind::Forbidden => "insufficient_scope",
        DenialKind::Unavailable => "temporarily_unavailable",
        DenialKind::Misconfigured => "server_error",
    }
}

/// The message clients see: generic for server-side faults, whose details (which may name
/// internal URLs) go to the log only.
pub(crate) fn public_message(denial: &Denial) -> &str {
    match denial.kind() {
        DenialKind::Unauthenticated | DenialKind::Forbidden => denial.message(),
        DenialKind::Unavailable => "authentication is temporarily unavailable; retry later",
        DenialKind::Misconfigured => "the server's authentication configuration was refused",
    }
}

/// The body as sent.
pub(crate) fn body_text(denial: &Denial) -> String {
    json_body(error_code(denial), denial.reason(), public_message(denial))
}

/// Status, headers and body for `denial`.
pub(crate) fn answer(denial: &Denial) -> Answer {
    let mut headers = Vec::with_capacity(5);
    headers.push((CONTENT_TYPE, HeaderValue::from_static("application/json")));
    // A 403 goes to a caller whose credential was valid.
    let status_text = if denial.kind() == DenialKind::Forbidden {
        "signed-in"
    } else {
        "signed-out"
    };
    headers.push((
        HeaderName::from_static("x-clerk-auth-status"),
        HeaderValue::from_static(status_text),
    ));
    headers.push((
        HeaderName::from_static("x-clerk-auth-reason"),
        header_text(denial.reason()),
    ));
    let message = public_message(denial);
    if !message.is_empty() {
        headers.push((
            HeaderName::from_static("x-clerk-auth-message"),
            header_text(message),
        ));
    }
    let challenge = match denial.kind() {
        DenialKind::Unauthenticated if denial.is_missing_credential() => Some("Bearer".to_owned()),
        DenialKind::Unauthenticated | DenialKind::Forbidden => Some(format!(
            "Bearer error=\"{}\", error_description=\"{}\"",
            error_code(denial),
            quoted(denial.message())
        )),
        DenialKind::Unavailable | DenialKind::Misconfigured => None,
    };
    if let Some(challenge) = challenge {
        headers.push((WWW_AUTHENTICATE, header_text(&challenge)));
    }
    Answer {
        status: status(denial),
        headers,
        body: body_text(denial),
    }
}

/// The status of a refused webhook: 400, 401, 413, 500 or 503.
pub(crate) fn webhook_status(error: &WebhookError) -> StatusCode {
    match error {
        WebhookError::ReplayStoreUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        WebhookError::TimestampTooOld { .. }
        | WebhookError::TimestampTooNew { .. }
        | WebhookError::NoMatchingSignature
        | WebhookError::Replayed => StatusCode::UNAUTHORIZED,
        WebhookError::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        WebhookError::MissingSecret | WebhookError::InvalidSecret => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// Status, headers and body for a refused webhook.
pub(crate) fn webhook_answer(error: &WebhookError) -> Answer {
    let status = webhook_status(error);
    let code = match error {
        WebhookError::ReplayStoreUnavailable(_) => "temporarily_unavailable",
        _ if status == StatusCode::UNAUTHORIZED => "invalid_signature",
        _ => "invalid_request",
    };
    Answer {
        status,
        headers: vec![(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body: json_body(code, error.reason(), &error.to_string()),
    }
}

/// Logs a refused webhook under `$target`: `warn` when the replay store failed (Clerk retries
/// the delivery), `error` for an unusable secret, `debug` for the caller's faults.
// The logging macros serve the framework adapters (which have `tracing`).
#[cfg(any(feature = "axum", feature = "actix"))]
macro_rules! log_webhook_error {
    ($target:literal, $error:expr) => {{
        let error: &$crate::webhook::WebhookError = $error;
        let status = $crate::rejection::webhook_status(error);
        match error {
            $crate::webhook::WebhookError::ReplayStoreUnavailable(cause) => ::tracing::warn!(
                target: $target,
                reason = error.reason(),
                cause = cause.reason(),
                "webhook refused: replay store unavailable (Clerk retries the delivery)"
            ),
            _ if status.is_server_error() => {
                ::tracing::error!(target: $target, reason = error.reason(), "webhook refused: secret unusable")
            }
            _ => ::tracing::debug!(
                target: $target,
                reason = error.reason(),
                status = status.as_u16(),
                "webhook refused"
            ),
        }
    }};
}
#[cfg(any(feature = "axum", feature = "actix"))]
pub(crate) use log_webhook_error;

/// Logs a message accepted although the replay store failed to answer.
#[cfg(any(feature = "axum", feature = "actix"))]
macro_rules! log_unchecked_replay {
    ($target:literal, $message:expr) => {{
        let message: &$crate::webhook::VerifiedMessage = $message;
        if let $crate::webhook::ReplayStatus::StoreFailed(cause) = &message.replay {
            ::tracing::warn!(
                target: $target,
                reason = "webhook-replay-store-unavailable",
                cause = cause.reason(),
                id = %message.id,
                "webhook accepted WITHOUT a replay check: the replay store failed"
            );
        }
    }};
}
#[cfg(any(feature = "axum", feature = "actix"))]
pub(crate) use log_unchecked_replay;

/// Logs a rejection under `$target` (a string literal: tracing needs it at compile time).
/// Never logs the token; the detailed message of a server-side fault goes here only.
#[cfg(any(feature = "axum", feature = "actix"))]
macro_rules! log_denial {
    ($target:literal, $denial:expr) => {{
        let denial: &$crate::auth::Denial = $denial;
        let token_type = denial.token_type().map($crate::TokenType::as_str);
        match denial.kind() {
            $crate::auth::DenialKind::Unauthenticated | $crate::auth::DenialKind::Forbidden => ::tracing::debug!(
                target: $target,
                status = $crate::rejection::status(denial).as_u16(),
                reason = denial.reason(),
                token_type,
                "request rejected"
            ),
            $crate::auth::DenialKind::Unavailable => ::tracing::warn!(
                target: $target,
                reason = denial.reason(),
                message = denial.message(),
                "request rejected: Clerk keys or API unavailable"
            ),
            $crate::auth::DenialKind::Misconfigured => ::tracing::error!(
                target: $target,
                reason = denial.reason(),
                message = denial.message(),
                "request rejected: Clerk configuration refused"
            ),
        }
    }};
}
#[cfg(any(feature = "axum", feature = "actix"))]
pub(crate) use log_denial;

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

/// `error_description` allows no `"` or `\`.
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
