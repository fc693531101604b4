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
use axum::http::header::HeaderName;
use axum::routing::{get, post};
use clerk_sdk::axum::{ClerkAuth, ClerkLayer, ClerkMachine, ClerkSession, ClerkWebhook};
use clerk_sdk::{
    AcceptsToken, Clerk, TokenType, clerk_protected,
    webhook::{InMemoryReplayStore, Webhook},
};
use serde_json::Value;
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::{answers, backend};

/// The org role `/admin` requires.
pub const ADMIN_ROLE: &str = "org:admin";

/// The path of the webhook route (`POST`).
pub const WEBHOOK_PATH: &str = "/webhooks/clerk";

/// The request headers the request log never prints: credentials and webhook signatures.
pub(crate) const SENSITIVE_HEADERS: [&str; 5] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "svix-signature",
    "webhook-signature",
];

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
    .layer(SetSensitiveRequestHeadersLayer::new(
        SENSITIVE_HEADERS.map(HeaderName::from_static),
    ))
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

/// What the demo's middleware admits: session and m2m tokens.
pub(crate) fn session_or_m2m() -> AcceptsToken {
    AcceptsToken::Many(vec![TokenType::SessionToken, TokenType::M2mToken])
}

/// `GET /public`: no sign-in needed, whatever the request carries.
async fn public() -> Json<Value> {
    Json(answers::public())
}

/// `GET /me`: any signed-in session.
#[clerk_protected]
async fn me(ClerkSession(session): ClerkSession) -> Json<Value> {
    Json(answers::me(&session))
}

/// `GET /admin`: org admins only ([`ADMIN_ROLE`]); the guard has checked the role, and the
/// extractor reuses its outcome instead of verifying again.
#[clerk_protected(role = "org:admin")]
async fn admin(ClerkSession(session): ClerkSession) -> Json<Value> {
    Json(answers::admin(&session))
}

/// `GET /machine`: an m2m caller.
#[clerk_protected(accepts = "m2m_token")]
async fn machine(ClerkMachine(machine): ClerkMachine) -> Json<Value> {
    Json(answers::machine(&machine))
}

/// `GET /either`: a session or an m2m caller; the guard admits only those two.
#[clerk_protected(accepts = ["session_token", "m2m_token"])]
async fn either(ClerkAuth(state): ClerkAuth) -> Json<Value> {
    Json(answers::either(state.auth()))
}

/// `POST /webhooks/clerk`: a verified Clerk webhook. [`ClerkWebhook`] has checked the signature,
/// the timestamp and the replay store before this runs.
async fn clerk_webhook(headers: HeaderMap, ClerkWebhook(event): ClerkWebhook) -> Json<Value> {
    Json(answers::webhook_received(&event, |name| {
        headers.get(name).map(|value| value.as_bytes())
    }))
}
