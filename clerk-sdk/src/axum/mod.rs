//! axum 0.8 integration (feature `axum`): a layer that authenticates each request once,
//! extractors, route guards and RFC 6750 rejections.
//!
//! This adapts [`crate::Clerk::authenticate_request_with`] and [`crate::auth::Requirement`] only; it
//! contains no verification logic. Split into files by job (layer, extractors, guard,
//! rejection, webhook) rather than one 600-line `axum.rs`.
//!
//! Two styles, freely mixed, and a request is never verified twice:
//!
//! - **Layer**: `Router::layer(ClerkLayer::new(clerk))` authenticates every request and stores
//!   the outcome in the request extensions. It never rejects, so public routes keep working.
//! - **Extractors alone**: [`ClerkAuth`], [`ClerkSession`] and [`ClerkMachine`] take
//!   [`crate::Clerk`] from the router state (`Clerk: FromRef<S>`) and authenticate when no
//!   layer ran, storing the outcome for the next extractor.
//!
//! Webhooks share the same router and the same state: [`ClerkWebhook`] takes the
//! [`crate::webhook::Webhook`] from it (`Webhook: FromRef<S>`), so one
//! `#[derive(Clone, FromRef)]` struct holds both. Add the webhook route after the layer, which
//! then never sees its requests: a webhook carries a signature, not a Clerk token.
//!
//! ```no_run
//! use axum::{Router, routing::{get, post}, extract::FromRef};
//! use clerk_sdk::axum::{ClerkLayer, ClerkSession, ClerkWebhook, RequireLayer};
//! use clerk_sdk::{Clerk, Has, auth::Requirement, webhook::Webhook};
//!
//! /// One state for every route: each extractor takes the part it needs.
//! #[derive(Clone, FromRef)]
//! struct AppState {
//!     clerk: Clerk,
//!     webhook: Webhook,
//! }
//!
//! async fn me(ClerkSession(session): ClerkSession) -> String {
//!     format!("hello {}", session.user_id())
//! }
//!
//! async fn clerk_events(ClerkWebhook(event): ClerkWebhook) -> String {
//!     format!("received {}", event.event_type)
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let clerk = Clerk::from_env()?;
//! let webhook = Webhook::from_env()?;
//! let app = Router::new()
//!     .route("/me", get(me))
//!     .route(
//!         "/admin",
//!         get(|| async { "admins only" })
//!             .route_layer(RequireLayer::new(clerk.clone(), Requirement::new().has(Has::role("org:admin")))),
//!     )
//!     .route("/public", get(|| async { "anyone" }))
//!     .layer(ClerkLayer::new(clerk.clone()))
//!     // After the layer, so outside it.
//!     .route("/webhooks/clerk", post(clerk_events))
//!     .with_state(AppState { clerk, webhook });
//! # let _: Router = app;
//! # Ok(()) }
//! # let _ = run;
//! ```
//!
//! Rejections ([`ClerkRejection`]) answer 401 with `WWW-Authenticate: Bearer
//! error="invalid_token"` (RFC 6750), 403 with `error="insufficient_scope"`, 503 when keys
//! cannot be had (fail closed) and 500 for a misconfigured server, with a JSON body
//! `{"error", "reason", "message"}` and Clerk's `x-clerk-auth-status`, `x-clerk-auth-reason`
//! and `x-clerk-auth-message` headers. To answer with your own type, implement
//! `From<ClerkRejection>` for it and extract `axum_extra::extract::WithRejection<ClerkSession,
//! YourError>`, or give [`RequireLayer::with_rejection`] a function.

mod extract;
#[cfg(feature = "macros")]
pub(crate) mod guard;
mod layer;
mod rejection;
mod webhook;

pub use extract::{ClerkAuth, ClerkMachine, ClerkSession};
pub use layer::{ClerkLayer, ClerkService, RequireLayer, RequireService};
pub use rejection::ClerkRejection;
pub use webhook::{ClerkWebhook, WebhookRejection};

pub(crate) use crate::adapter::Verified;

/// Returns the stored outcome if it can answer for `accepts` ([`crate::RequestState::under`]),
/// else authenticates again with `accepts` and stores the new outcome.
pub(crate) async fn outcome(
    clerk: &crate::Clerk,
    parts: &mut http::request::Parts,
    accepts: &crate::AcceptsToken,
) -> std::sync::Arc<crate::RequestState> {
    use std::sync::Arc;
    if let Some(state) = parts
        .extensions
        .get::<Verified>()
        .and_then(|verified| crate::adapter::reuse(verified, accepts))
    {
        return state;
    }
    let state = Arc::new(clerk.authenticate_request_with(&parts.headers, accepts).await);
    parts.extensions.insert(Verified {
        accepts: accepts.clone(),
        state: Arc::clone(&state),
    });
    state
}
