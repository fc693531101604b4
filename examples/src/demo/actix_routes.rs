//! The demo's routes on actix-web (`cargo run --example demo-actix`): the axum demo's routes,
//! guards and answers (`answers.rs`), written with clerk-sdk's actix adapter. One
//! [`ClerkMiddleware`] in front of the token routes, `#[clerk_protected]` on each protected
//! handler (its guard reuses the middleware's outcome), the extractors handing the verified
//! caller to the handler; the webhook route beside them, outside the middleware.

use std::future::Future;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{Next, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use clerk_sdk::actix::{ClerkAuth, ClerkMachine, ClerkMiddleware, ClerkSession, ClerkWebhook};
use clerk_sdk::webhook::Webhook;
use clerk_sdk::{Clerk, clerk_protected};
use serde_json::Value;

use super::answers;
use super::backend::{ApiFailure, members_of, profile_of};
use super::routes::{SENSITIVE_HEADERS, WEBHOOK_PATH, session_or_m2m};

/// The demo's routes as an actix-web service configuration: `/public`, `/me`, `/admin`,
/// `/machine` and `/either` behind one [`ClerkMiddleware`] admitting session and m2m tokens,
/// plus `POST /webhooks/clerk` when `webhook` is given. The `Clerk` (and the `Webhook`) are
/// registered as `web::Data`, where the guards and the extractors take them.
///
/// Use it as `App::new().configure(actix_routes(clerk, webhook))`.
pub fn actix_routes(clerk: Clerk, webhook: Option<Webhook>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        config.app_data(web::Data::new(clerk.clone()));
        if let Some(webhook) = webhook {
            // Registered before the token routes' scope, which would otherwise match it; a
            // webhook carries a signature, not a Clerk token, so the middleware never sees it.
            config
                .app_data(web::Data::new(webhook))
                .route(WEBHOOK_PATH, web::post().to(clerk_webhook));
        }
        config.service(
            web::scope("")
                .wrap(ClerkMiddleware::new(clerk).accepting(session_or_m2m()))
                .route("/public", web::get().to(public))
                .route("/me", web::get().to(me))
                .route("/admin", web::get().to(admin))
                .route("/me/profile", web::get().to(profile))
                .route("/admin/members", web::get().to(members))
                .route("/machine", web::get().to(machine))
                .route("/either", web::get().to(either)),
        );
    }
}

/// Serves the actix demo on `listener` until `shutdown` resolves, then lets in-flight requests
/// finish (graceful shutdown). Runs on the caller's Tokio runtime (actix-web 4 supports it);
/// the request log (`INFO`) prints credentials and webhook signatures as `Sensitive`.
///
/// # Errors
/// The I/O error that stopped the server, or that refused `listener`.
pub async fn serve_actix(
    listener: std::net::TcpListener,
    clerk: Clerk,
    webhook: Option<Webhook>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let server = HttpServer::new(move || {
        App::new()
            .wrap(from_fn(log_request))
            .configure(actix_routes(clerk.clone(), webhook.clone()))
    })
    // Ctrl-C is the caller's `shutdown`, as for the axum demo.
    .disable_signals()
    .listen(listener)?
    .run();
    let handle = server.handle();
    tokio::spawn(async move {
        shutdown.await;
        handle.stop(true).await;
    });
    server.await
}

/// One `INFO` line per request: method, path, status, latency and the request headers, with
/// credentials and webhook signatures printed as `Sensitive`.
async fn log_request(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // Copying the headers costs more than the event: only when it will be printed.
    if !tracing::enabled!(tracing::Level::INFO) {
        return next.call(request).await;
    }
    let method = request.method().to_string();
    let path = request.path().to_owned();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(name, value)| {
            let shown = if SENSITIVE_HEADERS.contains(&name.as_str()) {
                "Sensitive".to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_owned(), shown)
        })
        .collect();
    let started = Instant::now();
    let response = next.call(request).await?;
    tracing::info!(
        method,
        path,
        ?headers,
        status = response.status().as_u16(),
        latency_us = started.elapsed().as_micros() as u64,
        "request"
    );
    Ok(response)
}

/// `GET /public`: no sign-in needed, whatever the request carries.
async fn public() -> web::Json<Value> {
    web::Json(answers::public())
}

/// `GET /me`: any signed-in session.
#[clerk_protected]
async fn me(ClerkSession(session): ClerkSession) -> web::Json<Value> {
    web::Json(answers::me(&session))
}

/// `GET /admin`: org admins only; the guard has checked the role, and the extractor reuses
/// its outcome instead of verifying again.
#[clerk_protected(role = "org:admin")]
async fn admin(ClerkSession(session): ClerkSession) -> web::Json<Value> {
    web::Json(answers::admin(&session))
}

/// `GET /me/profile`: the signed-in user's name and primary email address, from
/// `api.users().get` (the axum demo's answer, failures included).
#[clerk_protected]
async fn profile(clerk: web::Data<Clerk>, ClerkSession(session): ClerkSession) -> HttpResponse {
    api_answer(profile_of(&clerk, session.user_id()).await)
}

/// `GET /admin/members`: the members of the caller's active organization (org admins only).
#[clerk_protected(role = "org:admin")]
async fn members(clerk: web::Data<Clerk>, ClerkSession(session): ClerkSession) -> HttpResponse {
    // The role check passed, so the session has an active organization.
    let org_id = session.org_id().unwrap_or_default();
    api_answer(members_of(&clerk, org_id).await)
}

/// A Backend API answer as the axum demo sends it: the body, or [`ApiFailure`]'s status, body
/// and `Retry-After`.
fn api_answer(answer: Result<Value, clerk_sdk::api::ApiError>) -> HttpResponse {
    match answer {
        Ok(body) => HttpResponse::Ok().json(body),
        Err(e) => {
            let failure = ApiFailure(e);
            failure.log();
            let (status, _) = failure.status();
            let status = actix_web::http::StatusCode::from_u16(status.as_u16())
                .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = HttpResponse::build(status);
            if let Some(secs) = failure.retry_after_secs() {
                response.insert_header(("retry-after", secs.to_string()));
            }
            response.json(failure.body())
        }
    }
}

/// `GET /machine`: an m2m caller.
#[clerk_protected(accepts = "m2m_token")]
async fn machine(ClerkMachine(machine): ClerkMachine) -> web::Json<Value> {
    web::Json(answers::machine(&machine))
}

/// `GET /either`: a session or an m2m caller; the guard admits only those two.
#[clerk_protected(accepts = ["session_token", "m2m_token"])]
async fn either(ClerkAuth(state): ClerkAuth) -> web::Json<Value> {
    web::Json(answers::either(state.auth()))
}

/// `POST /webhooks/clerk`: a verified Clerk webhook ([`ClerkWebhook`] checked the signature,
/// the timestamp and the replay store before this runs).
async fn clerk_webhook(request: HttpRequest, ClerkWebhook(event): ClerkWebhook) -> web::Json<Value> {
    web::Json(answers::webhook_received(&event, |name| {
        request.headers().get(name).map(|value| value.as_bytes())
    }))
}
