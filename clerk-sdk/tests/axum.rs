//! The axum integration driven with `oneshot`: the layer and extractors verify once, guards
//! answer 401 / 403 / 503 with RFC 6750 challenges, Clerk's headers and a JSON body.

mod common;

use axum::Router;
use axum::body::Body;
use axum::extract::FromRef;
use axum::response::IntoResponse;
use axum::routing::get;
use clerk_sdk::axum::{ClerkAuth, ClerkLayer, ClerkMachine, ClerkRejection, ClerkSession, RequireLayer};
use clerk_sdk::{AcceptsToken, Clerk, Has, TokenType, auth::Requirement};
use common::{APP, keys};
use http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

#[derive(Clone, FromRef)]
struct App {
    clerk: Clerk,
}

fn clerk() -> Clerk {
    Clerk::new(
        common::builder()
            .accepts(AcceptsToken::Many(vec![
                TokenType::SessionToken,
                TokenType::M2mToken,
            ]))
            .build()
            .unwrap(),
    )
}

fn router(clerk: Clerk) -> Router {
    Router::new()
        .route("/public", get(|| async { "public" }))
        .route(
            "/two",
            get(
                |ClerkAuth(state): ClerkAuth, ClerkSession(session): ClerkSession| async move {
                    format!("{} {}", state.status(), session.user_id())
                },
            ),
        )
        .route(
            "/maybe",
            get(|session: Option<ClerkSession>| async move {
                session.map_or_else(
                    || "anonymous".to_owned(),
                    |ClerkSession(s)| s.user_id().to_owned(),
                )
            }),
        )
        .route(
            "/machine",
            get(|ClerkMachine(m): ClerkMachine| async move { m.subject().to_owned() }),
        )
        .route(
            "/admin",
            get(|| async { "admin" }).route_layer(RequireLayer::new(
                clerk.clone(),
                Requirement::new().has(Has::role("org:admin")),
            )),
        )
        .route(
            "/admins-or-machines",
            get(|| async { "ok" }).route_layer(RequireLayer::new(
                clerk.clone(),
                Requirement::new()
                    .accepts(AcceptsToken::Many(vec![
                        TokenType::SessionToken,
                        TokenType::M2mToken,
                    ]))
                    .any_of([Has::role("org:admin"), Has::role("org:billing")]),
            )),
        )
        .with_state(App { clerk })
}

async fn call(app: Router, path: &str, token: Option<&str>) -> (StatusCode, http::HeaderMap, String) {
    let mut request = Request::get(path);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = app.oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn member() -> String {
    keys()
        .session("user_member")
        .authorized_party(APP)
        .org_v1("org_1", "acme", "org:member", &[])
        .sign()
        .unwrap()
}

fn admin() -> String {
    keys()
        .session("user_admin")
        .authorized_party(APP)
        .org_v1("org_1", "acme", "org:admin", &[])
        .sign()
        .unwrap()
}

fn m2m() -> String {
    keys()
        .session("mch_worker")
        .header("cat", "cl_B7d4PD333AAA")
        .sign()
        .unwrap()
}

#[tokio::test]
async fn layer_and_two_extractors_verify_once() {
    let clerk = clerk();
    let app = router(clerk.clone()).layer(ClerkLayer::new(clerk.clone()));
    let (status, _, body) = call(app.clone(), "/two", Some(&member())).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "signed-in user_member"));
    assert_eq!(clerk.authentications(), 1);

    // Without the layer, the first extractor verifies and the second reuses it.
    let bare = router(clerk.clone());
    let (status, _, _) = call(bare, "/two", Some(&member())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(clerk.authentications(), 2);

    // The layer never rejects: a public route with a bad token still answers.
    let (status, _, body) = call(app, "/public", Some("garbage")).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "public"));
}

#[tokio::test]
async fn optional_extractor() {
    let app = router(clerk());
    assert_eq!(call(app.clone(), "/maybe", None).await.2, "anonymous");
    assert_eq!(call(app.clone(), "/maybe", Some("garbage")).await.2, "anonymous");
    assert_eq!(call(app, "/maybe", Some(&member())).await.2, "user_member");
}

#[tokio::test]
async fn rejections_follow_rfc_6750() {
    let app = router(clerk());

    let (status, headers, body) = call(app.clone(), "/two", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers["www-authenticate"], "Bearer");
    assert_eq!(headers["x-clerk-auth-status"], "signed-out");
    assert_eq!(headers["x-clerk-auth-reason"], "session-token-missing");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["error"], "invalid_token");
    assert_eq!(json["reason"], "session-token-missing");

    let expired = keys()
        .session("u")
        .authorized_party(APP)
        .expired()
        .sign()
        .unwrap();
    let (status, headers, body) = call(app.clone(), "/two", Some(&expired)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let challenge = headers["www-authenticate"].to_str().unwrap();
    assert!(
        challenge.starts_with("Bearer error=\"invalid_token\", error_description=\""),
        "{challenge}"
    );
    assert_eq!(headers["x-clerk-auth-reason"], "token-expired");
    assert!(
        headers["x-clerk-auth-message"]
            .to_str()
            .unwrap()
            .contains("expired")
    );
    assert!(!body.contains(&expired) && !challenge.contains(&expired));
    assert_eq!(headers["content-type"], "application/json");

    let (status, headers, body) = call(app.clone(), "/admin", Some(&member())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer error=\"insufficient_scope\"")
    );
    assert_eq!(headers["x-clerk-auth-reason"], "insufficient-scope");
    assert!(body.contains("insufficient_scope"));
    assert_eq!(
        call(app.clone(), "/admin", Some(&admin())).await.0,
        StatusCode::OK
    );

    // A session where a machine is required, and a machine where a session is required.
    let (status, headers, _) = call(app.clone(), "/machine", Some(&member())).await;
    assert_eq!(
        (status, &headers["x-clerk-auth-reason"]),
        (
            StatusCode::UNAUTHORIZED,
            &"token-type-mismatch".parse::<http::HeaderValue>().unwrap()
        )
    );
    let (status, _, body) = call(app.clone(), "/machine", Some(&m2m())).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "mch_worker"));
    let (status, headers, _) = call(app.clone(), "/admin", Some(&m2m())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers["x-clerk-auth-reason"], "token-type-mismatch");

    // "Org admins or billing, or any m2m caller": both halves.
    assert_eq!(
        call(app.clone(), "/admins-or-machines", Some(&admin())).await.0,
        StatusCode::OK
    );
    assert_eq!(
        call(app.clone(), "/admins-or-machines", Some(&m2m())).await.0,
        StatusCode::OK
    );
    assert_eq!(
        call(app, "/admins-or-machines", Some(&member())).await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn no_header_injection_from_claims() {
    let app = router(clerk());
    let evil = keys()
        .session("u")
        .authorized_party("https://x.example\r\nSet-Cookie: a=b")
        .sign()
        .unwrap();
    let (status, headers, _) = call(app, "/two", Some(&evil)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.get("set-cookie").is_none());
    assert_eq!(headers["x-clerk-auth-reason"], "token-invalid-authorized-parties");
}

#[tokio::test]
async fn custom_rejection() {
    let clerk = clerk();
    let app: Router = Router::new().route(
        "/admin",
        get(|| async { "admin" }).route_layer(
            RequireLayer::new(clerk.clone(), Requirement::new().has(Has::role("org:admin"))).with_rejection(
                |rejection: ClerkRejection| {
                    (
                        StatusCode::IM_A_TEAPOT,
                        format!("nope: {}", rejection.denial().reason()),
                    )
                        .into_response()
                },
            ),
        ),
    );
    let (status, _, body) = call(app, "/admin", Some(&member())).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::IM_A_TEAPOT, "nope: insufficient-scope")
    );
}

#[tokio::test]
async fn keys_unavailable_is_503() {
    use clerk_sdk::testing::{Endpoint, Fault, MockClerkApi};
    let mock = MockClerkApi::start("sk_test_x").await.unwrap();
    mock.set_fault(Endpoint::Jwks, Fault::Status(503));
    let clerk = Clerk::new(
        clerk_sdk::ClerkConfig::builder()
            .secret_key("sk_test_x")
            .api_url(mock.url())
            .jwks_policy(
                clerk_sdk::config::JwksPolicy::default().timeout(std::time::Duration::from_millis(500)),
            )
            .build()
            .unwrap(),
    );
    let (status, headers, body) = call(router(clerk.clone()), "/two", Some(&member())).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(headers.get("www-authenticate").is_none());
    assert_eq!(headers["x-clerk-auth-reason"], "jwk-remote-failed-to-load");
    assert!(body.contains("temporarily_unavailable"));
    // Option<ClerkSession> does not hide an outage.
    assert_eq!(
        call(router(clerk), "/maybe", Some(&member())).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn webhook_extractor() {
    use axum::routing::post;
    use clerk_sdk::axum::ClerkWebhook;
    use clerk_sdk::webhook::Webhook;

    const SECRET: &str = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY";
    let webhook = Webhook::new(SECRET).unwrap().max_body_len(1024);
    let app = Router::new()
        .route(
            "/webhooks/clerk",
            post(|ClerkWebhook(event): ClerkWebhook| async move { event.event_type.to_string() }),
        )
        .with_state(webhook);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let send = |body: Vec<u8>, headers: http::HeaderMap| {
        let app = app.clone();
        async move {
            let mut request = Request::post("/webhooks/clerk").body(Body::from(body)).unwrap();
            request.headers_mut().extend(headers);
            let response = app.oneshot(request).await.unwrap();
            let status = response.status();
            let reason = response.into_body().collect().await.unwrap().to_bytes();
            (status, String::from_utf8_lossy(&reason).into_owned())
        }
    };
    let body = br#"{"type":"user.created","object":"event","data":{"id":"user_1"}}"#.to_vec();
    let headers = clerk_sdk::testing::sign_webhook(SECRET, "msg_1", now, &body).unwrap();
    assert_eq!(
        send(body.clone(), headers.clone()).await,
        (StatusCode::OK, "user.created".to_owned())
    );

    let mut tampered = body.clone();
    tampered.push(b' ');
    let (status, text) = send(tampered, headers.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text.contains("webhook-no-matching-signature"), "{text}");

    let (status, text) = send(body.clone(), http::HeaderMap::new()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("webhook-headers-missing"), "{text}");

    let big = vec![b'x'; 2048];
    let big_headers = clerk_sdk::testing::sign_webhook(SECRET, "msg_2", now, &big).unwrap();
    assert_eq!(send(big, big_headers).await.0, StatusCode::PAYLOAD_TOO_LARGE);

    let old = clerk_sdk::testing::sign_webhook(SECRET, "msg_3", now - 3600, &body).unwrap();
    assert_eq!(send(body, old).await.0, StatusCode::UNAUTHORIZED);
}

/// A replay store that cannot answer: the extractor refuses with 503 and the stable reason
/// (never processing the message unprotected), unless the webhook opts into accepting it.
#[tokio::test]
async fn webhook_extractor_answers_503_when_the_replay_store_fails() {
    use axum::routing::post;
    use clerk_sdk::axum::ClerkWebhook;
    use clerk_sdk::webhook::{
        ReplayFuture, ReplayMessage, ReplayStore, ReplayStoreError, ReplayStoreFailure, Webhook,
    };

    #[derive(Debug)]
    struct Down;
    impl ReplayStore for Down {
        fn check<'a>(&'a self, _message: ReplayMessage<'a>) -> ReplayFuture<'a> {
            Box::pin(async { Err(ReplayStoreError::Timeout(std::time::Duration::from_millis(500))) })
        }
    }

    const SECRET: &str = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY";
    let app = |webhook: Webhook| {
        Router::new()
            .route(
                "/webhooks/clerk",
                post(|ClerkWebhook(event): ClerkWebhook| async move { event.event_type.to_string() }),
            )
            .with_state(webhook)
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let body = br#"{"type":"user.created","object":"event","data":{"id":"user_1"}}"#.to_vec();
    let send = |app: Router| {
        let body = body.clone();
        async move {
            let mut request = Request::post("/webhooks/clerk")
                .body(Body::from(body.clone()))
                .unwrap();
            request
                .headers_mut()
                .extend(clerk_sdk::testing::sign_webhook(SECRET, "msg_1", now, &body).unwrap());
            let response = app.oneshot(request).await.unwrap();
            let status = response.status();
            let content_type = response.headers().get("content-type").cloned();
            let text = response.into_body().collect().await.unwrap().to_bytes();
            (status, content_type, String::from_utf8_lossy(&text).into_owned())
        }
    };

    let strict = Webhook::new(SECRET)
        .unwrap()
        .replay_store(std::sync::Arc::new(Down));
    let (status, content_type, text) = send(app(strict.clone())).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        content_type.as_ref().map(|v| v.as_bytes()),
        Some(&b"application/json"[..])
    );
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["error"], "temporarily_unavailable");
    assert_eq!(json["reason"], "webhook-replay-store-unavailable");
    assert_eq!(json["message"], "webhook replay store is unavailable");

    let lenient = strict.on_replay_store_failure(ReplayStoreFailure::AcceptWithWarning);
    let (status, _, text) = send(app(lenient)).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "user.created"));
}
