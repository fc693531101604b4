//! [`ClerkRejection`]: a [`Denial`] as an actix-web response, built by the same function as
//! the axum adapter's.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};

use crate::auth::Denial;
use crate::rejection;

/// The answer to a request that may not proceed. Implements [`ResponseError`], so extractors
/// and handlers can return it.
///
/// Status, `WWW-Authenticate`, `x-clerk-auth-status`, `x-clerk-auth-reason`,
/// `x-clerk-auth-message` and the `{"error", "reason", "message"}` body are those of the axum
/// adapter's rejection: 401 `invalid_token`, 403 `insufficient_scope`, 503 when keys cannot be
/// had (fail closed) and 500 for a misconfigured server. Nothing in it contains the token or a
/// secret, and for 503 and 500 the message is generic (the details are logged).
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

    /// The body as sent: JSON text with its keys in the order `error`, `reason`, `message`.
    pub fn body_text(&self) -> String {
        rejection::body_text(&self.denial)
    }
}

impl fmt::Display for ClerkRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(rejection::public_message(&self.denial))
    }
}

impl ResponseError for ClerkRejection {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(rejection::status(&self.denial).as_u16())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        rejection::log_denial!("clerk_sdk::actix", &self.denial);
        let answer = rejection::answer(&self.denial);
        let status =
            StatusCode::from_u16(answer.status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = HttpResponse::build(status);
        // Header text was made safe by the shared builder; converting between the two `http`
        // versions cannot fail on it, and a header that did would be left out, not panic.
        for (name, value) in &answer.headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_str().as_bytes()),
                HeaderValue::from_bytes(value.as_bytes()),
            ) {
                response.insert_header((name, value));
            }
        }
        response.body(answer.body)
    }
}
