//! A Clerk-protected axum API: session routes behind one `ClerkLayer`, and a webhook route
//! beside them, sharing one router state.

use axum::Router;
use axum::extract::FromRef;
use axum::routing::{get, post};
use clerk_sdk::axum::{ClerkLayer, ClerkSession, ClerkWebhook};
use clerk_sdk::webhook::Webhook;
use clerk_sdk::{Clerk, clerk_protected};

/// One state for every route: each extractor takes the part it needs (`FromRef`).
#[derive(Clone, FromRef)]
struct AppState {
    clerk: Clerk,
    webhook: Webhook,
}

/// Any signed-in session: 401 without a valid session token.
#[clerk_protected]
async fn me(ClerkSession(session): ClerkSession) -> String {
    format!("hello, {}", session.user_id())
}

/// Org admins only: 401 without a valid session token, 403 for other members.
#[clerk_protected(role = "org:admin")]
async fn admin(ClerkSession(session): ClerkSession) -> String {
    format!("hello, admin {}", session.user_id())
}

/// Org admins, or any m2m caller (role checks apply to session callers only).
#[clerk_protected(role = "org:admin", accepts = ["session_token", "m2m_token"])]
async fn reports() -> &'static str {
    "reports"
}

/// A webhook from Clerk, its signature checked: 400, 401 or 413 otherwise.
async fn clerk_events(ClerkWebhook(event): ClerkWebhook) -> String {
    format!("received {}", event.event_type)
}

fn app(state: AppState) -> Router {
    Router::new()
        .route("/me", get(me))
        .route("/admin", get(admin))
        .route("/reports", get(reports))
        // Authenticates each request to the routes above once; never rejects by itself.
        .layer(ClerkLayer::new(state.clerk.clone()))
        // Added after the layer, so outside it: a webhook carries a signature, not a token.
        .route("/webhooks/clerk", post(clerk_events))
        .with_state(state)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // CLERK_JWT_KEY (or CLERK_SECRET_KEY), CLERK_AUTHORIZED_PARTIES, ...
    let clerk = Clerk::from_env()?;
    // CLERK_WEBHOOK_SIGNING_SECRET (whsec_...)
    let webhook = Webhook::from_env()?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    axum::serve(listener, app(AppState { clerk, webhook })).await?;
    Ok(())
}
