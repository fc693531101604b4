//! [`ClerkWebhook`]: an extractor that reads the raw body (size-limited) and verifies it as a
//! Clerk webhook with the [`Webhook`] from the router state.

use axum::body::Body;
use axum::extract::{FromRef, FromRequest};
use axum::response::{IntoResponse, Response};
use http::{Request, StatusCode};

use crate::webhook::{Webhook, WebhookError, WebhookEvent};

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
        crate::rejection::webhook_status(&self.error)
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        crate::rejection::log_webhook_error!("clerk_sdk::axum", &self.error);
        let answer = crate::rejection::webhook_answer(&self.error);
        let mut response = (answer.status, answer.body).into_response();
        let headers = response.headers_mut();
        for (name, value) in answer.headers {
            headers.insert(name, value);
        }
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
        crate::rejection::log_unchecked_replay!("clerk_sdk::axum", &message);
        WebhookEvent::parse(&bytes).map(ClerkWebhook).map_err(reject)
    }
}
