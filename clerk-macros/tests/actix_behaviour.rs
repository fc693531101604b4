//! `#[clerk_protected]` on actix-web handlers over real HTTP (actix on 127.0.0.1:0, reqwest
//! without proxies): the same request matrix as the axum handlers (`behaviour.rs`), with and
//! without `ClerkMiddleware`; the verified values handed to extractors after the guard with
//! one verification per request; a `Clerk` registered either way, or nowhere (500); and 503
//! when keys cannot be had, `Maybe` included.

mod common;

use actix_web::middleware::Condition;
use actix_web::{App, HttpServer, web};
use clerk_sdk::Clerk;
use clerk_sdk::actix::{ClerkMiddleware, Maybe};
use common::{call, clerk, m2m, session};
use http::StatusCode;

common::matrix_handlers!(actix);

/// A session or a machine, through actix's optional form; several extractors after the guard.
#[clerk_protected(accepts = ["session_token", "m2m_token"])]
async fn either(
    Maybe(session): Maybe<ClerkSession>,
    Maybe(machine): Maybe<ClerkMachine>,
    ClerkAuth(state): ClerkAuth,
) -> String {
    match (session, machine) {
        (Some(ClerkSession(s)), None) => format!("session {} {}", s.user_id(), state.status()),
        (None, Some(ClerkMachine(m))) => format!("machine {} {}", m.subject(), state.status()),
        _ => "neither".to_owned(),
    }
}

fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/bare", web::get().to(bare))
        .route("/admin", web::get().to(admin))
        .route("/admin-or-m2m", web::get().to(admin_or_m2m))
        .route("/m2m-only", web::get().to(m2m_only))
        .route("/me", web::get().to(me))
        .route("/machine", web::get().to(machine))
        .route("/auth", web::get().to(auth))
        .route("/either", web::get().to(either));
}

/// How the app holds its `Clerk`.
#[derive(Debug, Clone, Copy)]
enum Registered {
    /// `app_data(web::Data::new(clerk))`.
    Data,
    /// `app_data(clerk)`.
    Plain,
    /// Not at all.
    Nowhere,
}

/// Serves the routes on a loopback port for the rest of the test, with or without
/// `ClerkMiddleware`; returns the base URL.
fn serve(clerk: Clerk, middleware: bool, registered: Registered) -> String {
    let server = HttpServer::new(move || {
        let app = App::new();
        let app = match registered {
            Registered::Data => app.app_data(web::Data::new(clerk.clone())),
            Registered::Plain => app.app_data(clerk.clone()),
            Registered::Nowhere => app,
        };
        app.wrap(Condition::new(
            middleware,
            ClerkMiddleware::new(clerk.clone()).accepting(common::session_or_m2m()),
        ))
        .configure(routes)
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .expect("bind loopback");
    let address = server.addrs()[0];
    actix_web::rt::spawn(server.run());
    format!("http://{address}")
}

#[actix_web::test]
async fn request_matrix_without_middleware() {
    common::request_matrix(&serve(clerk(), false, Registered::Data), false).await;
}

#[actix_web::test]
async fn request_matrix_with_middleware() {
    common::request_matrix(&serve(clerk(), true, Registered::Plain), true).await;
}

#[actix_web::test]
async fn rejections_are_the_adapters() {
    let base = serve(clerk(), false, Registered::Data);

    let answer = call(&base, "/admin", Some(&session("user_member", "org:member"))).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let json: serde_json::Value = serde_json::from_str(&answer.body).expect("json body");
    assert_eq!(json["error"], "insufficient_scope");
    assert_eq!(json["reason"], "insufficient-scope");

    let answer = call(&base, "/bare", None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let json: serde_json::Value = serde_json::from_str(&answer.body).expect("json body");
    assert_eq!(json["error"], "invalid_token");
}

#[actix_web::test]
async fn extractors_receive_the_guards_verification() {
    let clerk = clerk();
    let base = serve(clerk.clone(), false, Registered::Data);

    let cases = [
        ("/me", session("user_member", "org:member"), 200, "user_member"),
        ("/me", session("user_admin", "org:admin"), 200, "user_admin"),
        ("/machine", m2m(), 200, "mch_1"),
        ("/auth", m2m(), 200, "m2m_token"),
        ("/either", m2m(), 200, "machine mch_1 signed-in"),
        (
            "/either",
            session("user_admin", "org:admin"),
            200,
            "session user_admin signed-in",
        ),
    ];
    for (path, token, status, body) in cases {
        let before = clerk.authentications();
        let answer = call(&base, path, Some(&token)).await;
        assert_eq!(
            (answer.status.as_u16(), answer.body.as_str()),
            (status, body),
            "{path}"
        );
        assert_eq!(clerk.authentications(), before + 1, "{path}: verified once");
    }

    // Rejected by the guard: the extractor never runs, and nothing is verified twice.
    let before = clerk.authentications();
    let answer = call(&base, "/machine", Some(&session("user_admin", "org:admin"))).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(clerk.authentications(), before + 1);
}

#[actix_web::test]
async fn a_middlewares_outcome_is_reused() {
    let clerk = clerk();
    let base = serve(clerk.clone(), true, Registered::Data);

    for (path, token, want) in [
        ("/me", session("user_admin", "org:admin"), "user_admin"),
        ("/admin-or-m2m", m2m(), "admin-or-m2m"),
        ("/machine", m2m(), "mch_1"),
        ("/either", m2m(), "machine mch_1 signed-in"),
    ] {
        let before = clerk.authentications();
        let answer = call(&base, path, Some(&token)).await;
        assert_eq!(
            (answer.status, answer.body.as_str()),
            (StatusCode::OK, want),
            "{path}"
        );
        assert_eq!(clerk.authentications(), before + 1, "{path}");
    }
}

#[actix_web::test]
async fn an_unregistered_clerk_is_a_500() {
    let base = serve(clerk(), false, Registered::Nowhere);
    let answer = call(&base, "/me", Some(&session("user_admin", "org:admin"))).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.reason.as_deref(), Some("clerk-not-registered"));
}

#[actix_web::test]
async fn keys_unavailable_is_503() {
    let (_mock, clerk) = common::unavailable_clerk().await;
    for middleware in [false, true] {
        let base = serve(clerk.clone(), middleware, Registered::Data);
        for path in ["/admin", "/either"] {
            let answer = call(&base, path, Some(&session("user_admin", "org:admin"))).await;
            assert_eq!(
                answer.status,
                StatusCode::SERVICE_UNAVAILABLE,
                "{path}, middleware {middleware}"
            );
            assert_eq!(answer.reason.as_deref(), Some("jwk-remote-failed-to-load"));
        }
    }
}
