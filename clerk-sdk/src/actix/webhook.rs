//! [`ClerkWebhook`]: an extractor that reads the raw body (size-limited) and verifies it as a
//! Clerk webhook with the registered [`Webhook`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use futures_util::StreamExt as _;

use super::http_headers;
use crate::webhook::{Webhook, WebhookError, WebhookEvent};

type LocalBoxFuture<T> = Pin<Box<dyn Future<Output = T> + 'static>>;

/// A verified Clerk webhook event. Takes the request body.
///
/// Needs a [`Webhook`] registered with `App::app_data(web::Data::new(webhook))` (or
/// `app_data(webhook)`). Answers as the axum adapter's extractor does: 400 for a malformed
/// request, 401 for a bad signature, a timestamp outside the tolerance or a replayed message,
/// 413 for a body over [`Webhook::body_limit`], 500 when the secret is unusable or no
/// `Webhook` is registered, and 503 (`webhook-replay-store-unavailable`) when the replay store
/// cannot answer, so that Clerk delivers the message again later.
///
/// ```
/// use actix_web::{App, web};
/// use clerk_sdk::actix::ClerkWebhook;
/// use clerk_sdk::webhook::Webhook;
///
/// async fn clerk_events(ClerkWebhook(event): ClerkWebhook) -> &'static str {
///     println!("received {}", event.event_type);
///     "ok"
/// }
///
/// fn configure(webhook: Webhook) {
///     let _app = App::new()
///         .app_data(web::Data::new(webhook))
///         .route("/webhooks/clerk", web::post().to(clerk_events));
/// }
/// # let _ = configure;
/// ```
#[derive(Debug, Clone)]
pub struct ClerkWebhook(pub WebhookEvent);

/// Why a webhook request was refused, as an HTTP response (the axum adapter's statuses and
/// body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRejection {
    error: WebhookError,
}

impl WebhookRejection {
    /// The verification error.
    pub fn error(&self) -> &WebhookError {
        &self.error
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl ResponseError for WebhookRejection {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(crate::rejection::webhook_status(&self.error).as_u16())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        crate::rejection::log_webhook_error!("clerk_sdk::actix", &self.error);
        let answer = crate::rejection::webhook_answer(&self.error);
        let mut response = HttpResponse::build(self.status_code());
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

/// The [`Webhook`] registered as `web::Data<Webhook>` or as a plain `app_data(webhook)`.
fn registered_webhook(request: &HttpRequest) -> Result<Webhook, WebhookRejection> {
    if let Some(webhook) = request.app_data::<web::Data<Webhook>>() {
        return Ok(webhook.get_ref().clone());
    }
    if let Some(webhook) = request.app_data::<Webhook>() {
        return Ok(webhook.clone());
    }
    tracing::error!(
        target: "clerk_sdk::actix",
        path = request.path(),
        "no Webhook registered for this route: add `.app_data(web::Data::new(webhook))` (or \
         `.app_data(webhook)`) to the App, scope or resource that serves it"
    );
    Err(WebhookRejection {
        error: WebhookError::MissingSecret,
    })
}

impl FromRequest for ClerkWebhook {
    type Error = WebhookRejection;
    type Future = LocalBoxFuture<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let request = request.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let webhook = registered_webhook(&request)?;
            let limit = webhook.body_limit();
            let too_large = || WebhookRejection {
                error: WebhookError::BodyTooLarge {
                    len: limit.saturating_add(1),
                    limit,
                },
            };
            // Reading stops past the limit: a larger body is never buffered whole. A body that
            // fails mid-stream is refused as the axum adapter refuses it.
            let mut body = Vec::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| too_large())?;
                if body.len().saturating_add(chunk.len()) > limit {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            let reject = |error| WebhookRejection { error };
            let headers = http_headers(request.headers());
            let message = webhook.verify_message(&headers, &body).await.map_err(reject)?;
            crate::rejection::log_unchecked_replay!("clerk_sdk::actix", &message);
            WebhookEvent::parse(&body).map(ClerkWebhook).map_err(reject)
        })
    }
}
