//! The demo's router: one [`ClerkLayer`] for every route, then one way of asking per route
//! (an extractor, a guard, or a check in the handler), so each style of the axum integration
//! is shown once.

use axum::Json;
use axum::Router;
use axum::http::header::{AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use clerk_sdk::axum::{ClerkAuth, ClerkLayer, ClerkMachine, ClerkRejection, ClerkSession, RequireLayer};
use clerk_sdk::{AcceptsToken, Auth, Clerk, Has, Requirement, TokenType};
use serde_json::{Value, json};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// The org role `/admin` requires.
pub const ADMIN_ROLE: &str = "org:admin";

/// The demo API: `/public`, `/me`, `/admin`, `/machine` and `/either` (see the module docs).
///
/// Layers, outermost first: credential headers are marked sensitive, so the request log
/// (tower-http's `TraceLayer`, at `INFO`) prints `Sensitive` in their place; then
/// [`ClerkLayer`] authenticates every request once, admitting session and m2m tokens, and
/// never rejects; each route then says what it needs:
///
/// - `/me` extracts [`ClerkSession`] (401 without a signed-in session);
/// - `/admin` is guarded by a [`RequireLayer`] for [`ADMIN_ROLE`] (`route_layer`; 403 for
///   other members), and its handler extracts [`ClerkSession`] from the same outcome;
/// - `/machine` extracts [`ClerkMachine`] (401 without an m2m token);
/// - `/either` extracts [`ClerkAuth`] and checks a [`Requirement`] in the handler.
pub fn router(clerk: Clerk) -> Router {
    let admin_only = RequireLayer::new(clerk.clone(), Requirement::new().has(Has::role(ADMIN_ROLE)));
    Router::new()
        .route("/public", get(public))
        .route("/me", get(me))
        .route("/admin", get(admin).route_layer(admin_only))
        .route("/machine", get(machine))
        .route("/either", get(either))
        .layer(ClerkLayer::new(clerk.clone()).accepting(session_or_m2m()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO).include_headers(true))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetSensitiveRequestHeadersLayer::new([
            AUTHORIZATION,
            PROXY_AUTHORIZATION,
            COOKIE,
        ]))
        .with_state(clerk)
}

fn session_or_m2m() -> AcceptsToken {
    AcceptsToken::Many(vec![TokenType::SessionToken, TokenType::M2mToken])
}

/// `GET /public`: no sign-in needed, whatever the request carries.
async fn public() -> Json<Value> {
    Json(json!({ "message": "public: no sign-in needed" }))
}

/// `GET /me`: any signed-in session.
async fn me(ClerkSession(session): ClerkSession) -> Json<Value> {
    Json(json!({
        "user_id": session.user_id(),
        "org_id": session.org_id(),
        "org_role": session.org_role(),
    }))
}

/// `GET /admin`: the [`RequireLayer`] has already checked the role; the extractor reuses the
/// layer's outcome instead of verifying again.
async fn admin(ClerkSession(session): ClerkSession) -> Json<Value> {
    Json(json!({
        "message": "welcome, org admin",
        "user_id": session.user_id(),
        "org_id": session.org_id(),
    }))
}

/// `GET /machine`: an m2m caller.
async fn machine(ClerkMachine(machine): ClerkMachine) -> Json<Value> {
    Json(json!({
        "machine_id": machine.machine_id(),
        "token_type": machine.token_type().as_str(),
    }))
}

/// `GET /either`: a session or an m2m caller, decided in the handler from [`ClerkAuth`].
async fn either(ClerkAuth(state): ClerkAuth) -> Response {
    if let Err(denial) = Requirement::new().accepts(session_or_m2m()).check(&state) {
        return ClerkRejection::from(denial).into_response();
    }
    let body = match state.auth() {
        Auth::Session(session) => json!({ "caller": "session", "user_id": session.user_id() }),
        Auth::Machine(machine) => json!({ "caller": "machine", "machine_id": machine.machine_id() }),
        // The check above admits only these two; a new kind of caller gets no data.
        _ => json!({ "caller": null }),
    };
    Json(body).into_response()
}
