//! `#[clerk_protected]` handlers over real HTTP (axum on 127.0.0.1:0, reqwest without
//! proxies): the axum integration's request matrix through macro-protected routes, the
//! verified values handed to extractors after the guard, one verification per request, and
//! 503 when keys cannot be had.

mod common;

use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use clerk_sdk::Clerk;
use clerk_sdk::axum::ClerkLayer;
use common::{call, clerk, m2m, session};
use http::StatusCode;

#[derive(Clone, FromRef)]
struct App {
    clerk: Clerk,
}

common::matrix_handlers!(axum);

fn router(clerk: Clerk) -> Router {
    Router::new()
        .route("/bare", get(bare))
        .route("/admin", get(admin))
        .route("/admin-or-m2m", get(admin_or_m2m))
        .route("/m2m-only", get(m2m_only))
        .route("/me", get(me))
        .route("/machine", get(machine))
        .route("/auth", get(auth))
        .with_state(App { clerk })
}

/// Serves `app` on a loopback port for the rest of the test; returns its base URL.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}")
}

#[tokio::test]
async fn request_matrix() {
    common::request_matrix(&serve(router(clerk())).await, false).await;
}

#[tokio::test]
async fn request_matrix_behind_a_layer() {
    let clerk = clerk();
    let app = router(clerk.clone()).layer(ClerkLayer::new(clerk).accepting(common::session_or_m2m()));
    common::request_matrix(&serve(app).await, true).await;
}

#[tokio::test]
async fn rejections_are_the_axum_integrations() {
    let base = serve(router(clerk())).await;

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

#[tokio::test]
async fn extractors_receive_the_guards_verification() {
    let clerk = clerk();
    let base = serve(router(clerk.clone())).await;

    let answer = call(&base, "/me", Some(&session("user_member", "org:member"))).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "user_member")
    );
    assert_eq!(clerk.authentications(), 1);

    let answer = call(&base, "/me", Some(&session("user_admin", "org:admin"))).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "user_admin")
    );
    assert_eq!(clerk.authentications(), 2);

    let answer = call(&base, "/machine", Some(&m2m())).await;
    assert_eq!((answer.status, answer.body.as_str()), (StatusCode::OK, "mch_1"));
    assert_eq!(clerk.authentications(), 3);

    let answer = call(&base, "/auth", Some(&m2m())).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "m2m_token")
    );
    assert_eq!(clerk.authentications(), 4);

    // Rejected by the guard: the extractor never runs, and nothing is verified twice.
    let answer = call(&base, "/machine", Some(&session("user_admin", "org:admin"))).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(clerk.authentications(), 5);
}

#[tokio::test]
async fn a_layers_outcome_is_reused() {
    let clerk = clerk();
    let app = router(clerk.clone()).layer(ClerkLayer::new(clerk.clone()));
    let base = serve(app).await;

    for (path, token, want) in [
        ("/me", session("user_admin", "org:admin"), "user_admin"),
        ("/admin-or-m2m", m2m(), "admin-or-m2m"),
        ("/machine", m2m(), "mch_1"),
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

#[tokio::test]
async fn keys_unavailable_is_503() {
    let (_mock, clerk) = common::unavailable_clerk().await;
    let base = serve(router(clerk)).await;
    let answer = call(&base, "/admin", Some(&session("user_admin", "org:admin"))).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer.reason.as_deref(), Some("jwk-remote-failed-to-load"));
}
