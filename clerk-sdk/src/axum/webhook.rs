//! [`ClerkWebhook`]: an extractor that reads the raw body (size-limited) and verifies it as a
//! Clerk webhook with the [`Webhook`] from the router state.

use axum::body::Body;
use axum::extract::{FromRef, FromRequest};
use axum::response::{IntoResponse, Response};
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Request, StatusCode};

use crate::webhook::{ReplayStatus, Webhook, WebhookError, WebhookEvent};

/// A verified Clerk webhook event. Takes the request body, so it must be the last extractor.
///
/// Needs `Webhook: FromRef<S>`: put a [`Webhook`] in your router state, beside the
/// [`Clerk`](crate::Clerk) your token routes take. Answers 400 for a malformed request, 401
/// for a bad signature, a timestamp outside the tolerance or a replayed message, 413 for a
/// body over the limit, 500 when the secret is unusable, and 503
/// (`webhook-replay-store-unavailable`) when the replay store cannot answer, so that Clerk
/// delivers the message again later. A message accepted without a replay check
/// ([`crate::webhook::ReplayStoreFailure::AcceptWithWarning`]) is logged at `warn`.
///
/// ```
/// use axum::{Router, extract::FromRef, routing::{get, post}};
/// use clerk_sdk::Clerk;
/// use clerk_sdk::axum::{ClerkLayer, ClerkSession, ClerkWebhook};
/// use clerk_sdk::webhook::Webhook;
///
/// /// One state for the token routes and the webhook route: each extractor takes its part.
/// #[derive(Clone, FromRef)]
/// struct AppState {
///     clerk: Clerk,
///     webhook: Webhook,
/// }
///
/// async fn me(ClerkSession(session): ClerkSession) -> String {
///     format!("hello {}", session.user_id())
/// }
///
/// async fn clerk_events(ClerkWebhook(event): ClerkWebhook) -> &'static str {
///     println!("received {}", event.event_type);
///     "ok"
/// }
///
/// fn app(state: AppState) -> Router {
///     Router::new()
///         .route("/me", get(me))
///         .layer(ClerkLayer::new(state.clerk.clone()))
///         // After the layer, so outside it: a webhook carries a signature, not a Clerk token.
///         .route("/webhooks/clerk", post(clerk_events))
///         .with_state(state)
/// }
/// # let _ = app;
/// ```
#[derive(Debug, Clone)]
pub struct ClerkWebhook(pub WebhookEvent);

/// Why a webhook request was refused, as an HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRejection {
    error: WebhookError,
}

impl WebhookRejection {
    /// The verification error.
    pub fn error(&self) -> &WebhookError {
        &self.error
    }

    /// 400, 401, 413, 500 or 503 (see [`ClerkWebhook`]).
    pub fn status(&self) -> StatusCode {
        match &self.error {
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
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let status = self.status();
        let error = match &self.error {
            WebhookError::ReplayStoreUnavailable(cause) => {
                tracing::warn!(
                    target: "clerk_sdk::axum",
                    reason = self.error.reason(),
                    cause = cause.reason(),
                    "webhook refused: replay store unavailable (Clerk retries the delivery)"
                );
                "temporarily_unavailable"
            }
            _ if status.is_server_error() => {
                tracing::error!(target: "clerk_sdk::axum", reason = self.error.reason(), "webhook refused: secret unusable");
                "invalid_request"
            }
            _ => {
                tracing::debug!(target: "clerk_sdk::axum", reason = self.error.reason(), status = status.as_u16(), "webhook refused");
                if status == StatusCode::UNAUTHORIZED {
                    "invalid_signature"
                } else {
                    "invalid_request"
                }
            }
        };
        let body = crate::rejection::json_body(error, self.error.reason(), &self.error.to_string());
        let mut response = (status, body).into_response();
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response
    }
}

impl<S> FromRequest<S> for ClerkWebhook
where
    Webhook: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request<Body>, state: &S) -> Result<Self, Self::Rejection> {
        let webhook = Webhook::from_ref(state);
        let limit = webhook.body_limit();
        let (parts, body) = request.into_parts();
        // Reading stops one byte past the limit: a larger body is never buffered whole.
        let bytes = axum::body::to_bytes(body, limit.saturating_add(1))
            .await
            .map_err(|_| WebhookRejection {
                error: WebhookError::BodyTooLarge {
                    len: limit.saturating_add(1),
                    limit,
                },
            })?;
        let reject = |error| WebhookRejection { error };
        let message = webhook
            .verify_message(&parts.headers, &bytes)
            .await
            .map_err(reject)?;
        if let ReplayStatus::StoreFailed(cause) = &message.replay {
            tracing::warn!(
                target: "clerk_sdk::axum",
                reason = "webhook-replay-store-unavailable",
                cause = cause.reason(),
                id = %message.id,
                "webhook accepted WITHOUT a replay check: the replay store failed"
            );
        }
        WebhookEvent::parse(&bytes).map(ClerkWebhook).map_err(reject)
    }
}
