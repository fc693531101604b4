//! The demo's router: one [`ClerkLayer`] for every route that asks who is calling, then
//! `#[clerk_protected]` on each protected handler (the macro's hidden guard reuses the layer's
//! outcome, so nothing is verified twice), with the extractors handing the verified caller to
//! the handler; and, beside them in the same router and the same state ([`AppState`]), the
//! webhook route, which authenticates its request with a signature instead of a Clerk token.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::FromRef;
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE, HeaderName, PROXY_AUTHORIZATION};
use axum::routing::{get, post};
use clerk_sdk::axum::{ClerkAuth, ClerkLayer, ClerkMachine, ClerkSession, ClerkWebhook};
use clerk_sdk::{
    AcceptsToken, Auth, Clerk, TokenType, clerk_protected,
    webhook::{InMemoryReplayStore, Webhook},
};
use serde_json::{Value, json};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::backend;

/// The org role `/admin` requires.
pub const ADMIN_ROLE: &str = "org:admin";

/// The path of the webhook route (`POST`).
pub const WEBHOOK_PATH: &str = "/webhooks/clerk";

/// How many webhook message ids the demo remembers to refuse replays (see
/// [`with_replay_store`]).
pub const WEBHOOK_REPLAY_CAPACITY: usize = 10_000;

/// The demo API without the webhook route: `/public`, `/me`, `/admin`, `/machine`,
/// `/either`, `/me/profile` and `/admin/members` (see the module docs). The same as [`app`]`(clerk, None)`.
pub fn router(clerk: Clerk) -> Router {
    app(clerk, None)
}

/// The demo API: the routes of [`router`], plus `POST /webhooks/clerk` when `webhook` is
/// given.
///
/// Layers, outermost first: credential headers (and the webhook signature headers) are marked
/// sensitive, so the request log (tower-http's `TraceLayer`, at `INFO`) prints `Sensitive` in
/// their place; then, for the token routes only, [`ClerkLayer`] authenticates every request
/// once, admitting session and m2m tokens, and never rejects; each route then says what it
/// needs:
///
/// - `/me`: `#[clerk_protected]`, any signed-in session (401 otherwise);
/// - `/admin`: `#[clerk_protected(role = "org:admin")]` (403 for other members);
/// - `/machine`: `#[clerk_protected(accepts = "m2m_token")]` (401 without an m2m token);
/// - `/either`: `#[clerk_protected(accepts = ["session_token", "m2m_token"])]`;
/// - the handlers then take [`ClerkSession`], [`ClerkMachine`] or [`ClerkAuth`], which read
///   the outcome the guard already decided;
/// - `POST /webhooks/clerk` extracts [`ClerkWebhook`], which takes the [`Webhook`] from the
///   same router state as the token routes take the [`Clerk`] ([`AppState`]): 400 malformed,
///   401 bad signature, stale or replayed, 413 too large. Clerk's webhooks carry no Clerk
///   token, so this route is added after the [`ClerkLayer`], which never sees its requests.
pub fn app(clerk: Clerk, webhook: Option<Webhook>) -> Router {
    let app = match webhook {
        Some(webhook) => token_routes(&clerk)
            .route(WEBHOOK_PATH, post(clerk_webhook))
            .with_state(AppState { clerk, webhook }),
        // No verifier, no webhook route: the token routes need only the `Clerk`.
        None => token_routes(&clerk).with_state(clerk),
    };
    app.layer(
        TraceLayer::new_for_http()
            .make_span_with(DefaultMakeSpan::new().level(Level::INFO).include_headers(true))
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
    )
    .layer(SetSensitiveRequestHeadersLayer::new([
        AUTHORIZATION,
        PROXY_AUTHORIZATION,
        COOKIE,
        HeaderName::from_static("svix-signature"),
        HeaderName::from_static("webhook-signature"),
    ]))
}

/// The state of the demo's router when it serves webhooks: the token routes' extractors take
/// the [`Clerk`], [`ClerkWebhook`] takes the [`Webhook`] (`FromRef`).
#[derive(Debug, Clone, FromRef)]
pub struct AppState {
    /// Verifies the token routes' requests.
    pub clerk: Clerk,
    /// Verifies the webhook route's requests.
    pub webhook: Webhook,
}

/// The token routes behind one [`ClerkLayer`], in any router state that holds a [`Clerk`].
fn token_routes<S>(clerk: &Clerk) -> Router<S>
where
    Clerk: FromRef<S>,
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route("/public", get(public))
        .route("/me", get(me))
        .route("/admin", get(admin))
        .route("/machine", get(machine))
        .route("/either", get(either))
        .route("/me/profile", get(backend::profile))
        .route("/admin/members", get(backend::members))
        .layer(ClerkLayer::new(clerk.clone()).accepting(session_or_m2m()))
}

/// `webhook` with a bounded in-memory store of the message ids it accepted
/// ([`WEBHOOK_REPLAY_CAPACITY`] of them), so that a message sent again within the tolerance
/// window is refused as `webhook-replayed`.
pub fn with_replay_store(webhook: Webhook) -> Webhook {
    webhook.replay_store(Arc::new(InMemoryReplayStore::new(WEBHOOK_REPLAY_CAPACITY)))
}

fn session_or_m2m() -> AcceptsToken {
    AcceptsToken::Many(vec![TokenType::SessionToken, TokenType::M2mToken])
}

/// `GET /public`: no sign-in needed, whatever the request carries.
async fn public() -> Json<Value> {
    Json(json!({ "message": "public: no sign-in needed" }))
}

/// `GET /me`: any signed-in session.
#[clerk_protected]
async fn me(ClerkSession(session): ClerkSession) -> Json<Me> {
    Json(Me {
        user_id: session.user_id().to_owned(),
        org_id: session.org_id().map(str::to_owned),
        org_role: session.org_role().map(str::to_owned),
    })
}

/// The body of `GET /me`: who is signed in.
#[derive(Debug, serde::Serialize)]
struct Me {
    user_id: String,
    org_id: Option<String>,
    org_role: Option<String>,
}

/// `GET /admin`: org admins only ([`ADMIN_ROLE`]); the guard has checked the role, and the
/// extractor reuses its outcome instead of verifying again.
#[clerk_protected(role = "org:admin")]
async fn admin(ClerkSession(session): ClerkSession) -> Json<Value> {
    Json(json!({
        "message": "welcome, org admin",
        "user_id": session.user_id(),
        "org_id": session.org_id(),
    }))
}

/// `GET /machine`: an m2m caller.
#[clerk_protected(accepts = "m2m_token")]
async fn machine(ClerkMachine(machine): ClerkMachine) -> Json<Value> {
    Json(json!({
        "machine_id": machine.machine_id(),
        "token_type": machine.token_type().as_str(),
    }))
}

/// `GET /either`: a session or an m2m caller; the guard admits only those two.
#[clerk_protected(accepts = ["session_token", "m2m_token"])]
async fn either(ClerkAuth(state): ClerkAuth) -> Json<Value> {
    let body = match state.auth() {
        Auth::Session(session) => json!({ "caller": "session", "user_id": session.user_id() }),
        Auth::Machine(machine) => json!({ "caller": "machine", "machine_id": machine.machine_id() }),
        // The check above admits only these two; a new kind of caller gets no data.
        _ => json!({ "caller": null }),
    };
    Json(body)
}

/// `POST /webhooks/clerk`: a verified Clerk webhook. [`ClerkWebhook`] has checked the signature,
/// the timestamp and the replay store before this runs; the handler logs the event type and
/// the message id (never the body or the secret) and acknowledges with the type.
async fn clerk_webhook(headers: HeaderMap, ClerkWebhook(event): ClerkWebhook) -> Json<Value> {
    tracing::info!(
        event_type = %event.event_type,
        id = message_id(&headers),
        "Clerk webhook received"
    );
    Json(json!({ "received": event.event_type.as_str() }))
}

/// The verified message id: `svix-id`, or `webhook-id` when that is absent or blank, as the
/// verifier reads it.
fn message_id(headers: &HeaderMap) -> &str {
    ["svix-id", "webhook-id"]
        .into_iter()
        .filter_map(|name| std::str::from_utf8(headers.get(name)?.as_bytes()).ok())
        .map(str::trim)
        .find(|id| !id.is_empty())
        .unwrap_or_default()
}
