//! A Cloudflare Worker that trusts Clerk sign-ins, built with clerk-sdk and workers-rs.
//!
//! It answers as the axum demo (`cargo run --example demo`) does, request for request:
//!
//! - `GET /public`: 200 for everyone;
//! - `GET /me`: any signed-in session (401 otherwise);
//! - `GET /admin`: sessions whose active org role is `org:admin` (403 for other members);
//! - `POST /webhooks/clerk`: a Clerk (Svix) webhook, verified and refused once replayed.
//!
//! Its `Clerk` comes from the Worker's bindings, read through
//! [`ClerkConfigBuilder::from_lookup`](clerk_sdk::config::ClerkConfigBuilder::from_lookup)
//! (a Worker has no process environment): `CLERK_JWT_KEY` (networkless verification, the PEM
//! public key from the Clerk dashboard), `CLERK_AUTHORIZED_PARTIES`, `CLERK_SECRET_KEY` (a
//! secret) and `CLERK_WEBHOOK_SIGNING_SECRET` (a secret; without it there is no webhook route).
//! The fetch handler takes and returns `http` types (the `worker` crate's `http` feature), which
//! is what [`Clerk::authenticate_request`](clerk_sdk::Clerk::authenticate_request) and
//! [`clerk_sdk::response`] speak, so no request conversion is needed.

mod app;
#[cfg(feature = "bench")]
mod bench;
mod routes;

use worker::{Context, Env, HttpRequest, event};

/// The Worker's entry point: one [`app::App`] per isolate, built on the first request.
#[event(fetch)]
async fn fetch(request: HttpRequest, env: Env, _ctx: Context) -> worker::Result<http::Response<String>> {
    let app = match app::App::for_isolate(&env) {
        Ok(app) => app,
        Err(error) => return Ok(routes::misconfigured(&error)),
    };
    #[cfg(feature = "bench")]
    if request.uri().path() == bench::PATH {
        return Ok(bench::authenticate(&env, &request).await);
    }
    Ok(routes::serve(&app, request).await)
}
