//! The routes, answering as the axum demo's do: same statuses, `WWW-Authenticate` and
//! `x-clerk-auth-*` headers, and JSON bodies (rejections come from [`clerk_sdk::response`],
//! the builder the axum and actix-web adapters use too).

use clerk_sdk::auth::Requirement;
use clerk_sdk::webhook::{Webhook, WebhookError};
use clerk_sdk::{Auth, Clerk, Has, SessionAuth, response};
use http::header::{ALLOW, CONTENT_TYPE};
use http::{HeaderValue, Method, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use worker::HttpRequest;

use crate::app::{App, SetupError};

/// The org role `/admin` requires.
pub(crate) const ADMIN_ROLE: &str = "org:admin";

/// The path of the webhook route (`POST`).
pub(crate) const WEBHOOK_PATH: &str = "/webhooks/clerk";

/// Routes `request` (404 for an unknown path, 405 for a known path with another method).
pub(crate) async fn serve(app: &App, request: HttpRequest) -> http::Response<String> {
    let path = request.uri().path();
    let method = request.method();
    let allowed = match path {
        "/public" | "/me" | "/admin" => Method::GET,
        WEBHOOK_PATH if app.webhook.is_some() => Method::POST,
        _ => return empty(StatusCode::NOT_FOUND),
    };
    if method != allowed {
        let mut answer = empty(StatusCode::METHOD_NOT_ALLOWED);
        if let Ok(value) = HeaderValue::from_str(allowed.as_str()) {
            answer.headers_mut().insert(ALLOW, value);
        }
        return answer;
    }
    match (path, &app.webhook) {
        ("/public", _) => ok(&json!({ "message": "public: no sign-in needed" })),
        ("/me", _) => match signed_in(&app.clerk, &request, Requirement::new()).await {
            Ok(session) => ok(&json!({
                "user_id": session.user_id(),
                "org_id": session.org_id(),
                "org_role": session.org_role(),
            })),
            Err(rejection) => rejection,
        },
        ("/admin", _) => {
            let requirement = Requirement::new().has(Has::role(ADMIN_ROLE));
            match signed_in(&app.clerk, &request, requirement).await {
                Ok(session) => ok(&json!({
                    "message": "welcome, org admin",
                    "user_id": session.user_id(),
                    "org_id": session.org_id(),
                })),
                Err(rejection) => rejection,
            }
        }
        (_, Some(webhook)) => clerk_webhook(webhook, request).await,
        (_, None) => empty(StatusCode::NOT_FOUND),
    }
}

/// The session of a request that meets `requirement`, or the rejection to send.
async fn signed_in(
    clerk: &Clerk,
    request: &HttpRequest,
    requirement: Requirement,
) -> Result<SessionAuth, http::Response<String>> {
    let state = clerk
        .authenticate_request_with(request, requirement.accepted())
        .await;
    requirement
        .check(&state)
        .map_err(|denial| response::rejection(&denial))?;
    // `check` admitted session tokens only, so a signed-in state here is a session.
    match state.into_auth() {
        Auth::Session(session) => Ok(*session),
        _ => Err(empty(StatusCode::INTERNAL_SERVER_ERROR)),
    }
}

/// `POST /webhooks/clerk`: the body is read up to the verifier's limit (one byte more means
/// 413, and a larger body is never buffered whole), then signature, timestamp and replay are
/// checked; the answer names the event type.
async fn clerk_webhook(webhook: &Webhook, request: HttpRequest) -> http::Response<String> {
    let limit = webhook.body_limit();
    let (parts, mut body) = request.into_parts();
    let too_large = WebhookError::BodyTooLarge {
        len: limit.saturating_add(1),
        limit,
    };
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        // A body that cannot be read is refused like one that is too large: nothing was
        // verified, and the sender retries.
        let Ok(frame) = frame else {
            return response::webhook_rejection(&too_large);
        };
        if let Ok(data) = frame.into_data() {
            if bytes.len().saturating_add(data.len()) > limit {
                return response::webhook_rejection(&too_large);
            }
            bytes.extend_from_slice(&data);
        }
    }
    match webhook.verify(&parts.headers, &bytes).await {
        Ok(event) => ok(&json!({ "received": event.event_type.as_str() })),
        Err(error) => response::webhook_rejection(&error),
    }
}

/// The 500 of a Worker whose bindings were refused: the reason only (never a value).
pub(crate) fn misconfigured(error: &SetupError) -> http::Response<String> {
    let body = json!({
        "error": "server_error",
        "reason": error.reason(),
        "message": "the Worker's Clerk configuration was refused",
    });
    with_status(StatusCode::INTERNAL_SERVER_ERROR, &body)
}

fn ok(body: &Value) -> http::Response<String> {
    with_status(StatusCode::OK, body)
}

fn with_status(status: StatusCode, body: &Value) -> http::Response<String> {
    let mut answer = http::Response::new(body.to_string());
    *answer.status_mut() = status;
    answer
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    answer
}

fn empty(status: StatusCode) -> http::Response<String> {
    let mut answer = http::Response::new(String::new());
    *answer.status_mut() = status;
    answer
}
