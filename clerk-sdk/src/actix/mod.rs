//! actix-web 4 integration (feature `actix`): middleware that authenticates each request once,
//! extractors and RFC 6750 rejections, with the vocabulary and the answers of
//! [`crate::axum`] (`feature = "axum"`).
//!
//! This adapts [`crate::Clerk::authenticate_request_with`] and [`crate::auth::Requirement`] only;
//! rejections are built by the same function as the axum adapter's, so both frameworks answer
//! a request with the same status, headers and body.
//!
//! Two styles, freely mixed, and a request is never verified twice:
//!
//! - **Middleware**: `App::wrap(ClerkMiddleware::new(clerk))` authenticates every request and
//!   stores the outcome in the request extensions. It never rejects, so public routes keep
//!   working.
//! - **Extractors alone**: [`ClerkAuth`], [`ClerkSession`] and [`ClerkMachine`] take the
//!   [`crate::Clerk`] registered with `App::app_data(web::Data::new(clerk))` (or
//!   `app_data(clerk)`) and authenticate when no middleware ran, storing the outcome for the
//!   next extractor. A `Clerk` registered nowhere is a 500, logged with how to register it.
//!
//! Handler attribute (feature `macros`): `#[clerk_protected]` protects an `async fn` actix
//! handler with the same arguments, compile-time checks and answers as on axum. The guard it
//! adds takes the registered [`crate::Clerk`] like the extractors, reuses the middleware's
//! outcome, and hands its own to the extractors after it, so a request is verified once.
//!
//! Webhooks: [`ClerkWebhook`] verifies a Clerk webhook with the [`crate::webhook::Webhook`]
//! registered as `web::Data<Webhook>`. Serve its route outside the middleware (a webhook
//! carries a signature, not a Clerk token).
//!
//! actix-web's own `Option<T>` extractor turns every error into `None`, which would make an
//! outage (keys unavailable, 503) look like an anonymous caller. Use [`Maybe`] instead:
//! `Maybe<ClerkSession>` is `None` for a caller without a valid session and still rejects when
//! the request could not be decided.
//!
//! ```no_run
//! use actix_web::{App, HttpServer, web};
//! use clerk_sdk::Clerk;
//! use clerk_sdk::actix::{ClerkMiddleware, ClerkSession, Maybe};
//!
//! async fn me(ClerkSession(session): ClerkSession) -> String {
//!     format!("hello {}", session.user_id())
//! }
//!
//! async fn greet(Maybe(session): Maybe<ClerkSession>) -> String {
//!     match session {
//!         Some(ClerkSession(session)) => format!("hello {}", session.user_id()),
//!         None => "hello stranger".to_owned(),
//!     }
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let clerk = Clerk::from_env()?;
//! HttpServer::new(move || {
//!     App::new()
//!         .app_data(web::Data::new(clerk.clone()))
//!         .wrap(ClerkMiddleware::new(clerk.clone()))
//!         .route("/me", web::get().to(me))
//!         .route("/greet", web::get().to(greet))
//! })
//! .bind(("127.0.0.1", 8080))?
//! .run()
//! .await?;
//! # Ok(()) }
//! # let _ = run;
//! ```

mod extract;
mod guard;
mod middleware;
#[cfg(feature = "macros")]
mod protected;
mod rejection;
mod webhook;

pub use extract::{ClerkAuth, ClerkMachine, ClerkSession, Maybe};
pub use guard::{ClerkGuard, ClerkGuardService};
pub use middleware::{ClerkMiddleware, ClerkMiddlewareService};
pub use rejection::ClerkRejection;
pub use webhook::{ClerkWebhook, WebhookRejection};

use std::sync::Arc;

use actix_web::HttpMessage;

use crate::adapter::{Verified, reuse};
use crate::{AcceptsToken, Clerk, RequestState};

/// The request's headers as `http` 1 types (actix-web 4 is built on `http` 0.2). A header
/// that does not convert cannot carry a credential and is left out.
fn http_headers(headers: &actix_web::http::header::HeaderMap) -> http::HeaderMap {
    let mut map = http::HeaderMap::with_capacity(headers.len());
    for (name, value) in headers.iter() {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_str().as_bytes()),
            http::HeaderValue::from_bytes(value.as_bytes()),
        ) {
            map.append(name, value);
        }
    }
    map
}

/// The headers authentication reads, `Authorization` and `Cookie`, as `http` 1 types: every
/// request the middleware or an extractor authenticates pays for this copy, so it leaves out
/// the headers a credential cannot be in.
fn credential_headers(headers: &actix_web::http::header::HeaderMap) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for name in [http::header::AUTHORIZATION, http::header::COOKIE] {
        for value in headers.get_all(name.as_str()) {
            if let Ok(value) = http::HeaderValue::from_bytes(value.as_bytes()) {
                map.append(name.clone(), value);
            }
        }
    }
    map
}

/// The accepted types a stored outcome was decided under.
fn stored_accepts(request: &impl HttpMessage) -> Option<AcceptsToken> {
    request.extensions().get::<Verified>().map(|v| v.accepts.clone())
}

/// Returns the stored outcome if it can answer for `accepts`, else authenticates again with
/// `accepts` and stores the new outcome.
async fn outcome(clerk: &Clerk, request: &impl HttpMessage, accepts: &AcceptsToken) -> Arc<RequestState> {
    let stored = request
        .extensions()
        .get::<Verified>()
        .and_then(|verified| reuse(verified, accepts));
    if let Some(state) = stored {
        return state;
    }
    let headers = credential_headers(request.headers());
    let state = Arc::new(clerk.authenticate_request_with(&headers, accepts).await);
    request.extensions_mut().insert(Verified {
        accepts: accepts.clone(),
        state: Arc::clone(&state),
    });
    state
}
