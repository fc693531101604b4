//! The demo's `POST /webhooks/clerk` over real HTTP: it exists only with a
//! verifier, answers `{"received": "<type>"}` for a verified event, refuses with
//! `ClerkWebhook`'s 400/401/413 and the webhook reasons, refuses a replay (also one sent to
//! another instance sharing its Redis, and 503 while that Redis is down), and never goes
//! through the `ClerkLayer` (webhooks carry no Clerk token).

use clerk_examples::demo::{LocalMode, ReplayChoice, WEBHOOK_PATH, app, router, with_replay_store};
use clerk_integration_tests::{
    Answer, TestServer, bind, client, now_s, send_raw, success_mismatches, test_keys,
    webhook_rejection_mismatches,
};
use clerk_sdk::testing::{RedisServer, RedisServerError, sign_webhook};
use clerk_sdk::webhook::Webhook;
use http::{HeaderMap, HeaderValue, Method};
use serde_json::json;

/// Issue 5's known-answer secret.
const SECRET: &str = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY";
const BODY: &str = r#"{"type":"user.created","object":"event","data":{"id":"user_1","object":"user"}}"#;

/// The `svix-*` headers for `body` signed with [`SECRET`] as message `id` at `timestamp_s`.
fn signed(id: &str, timestamp_s: i64, body: &str) -> HeaderMap {
    sign_webhook(SECRET, id, timestamp_s, body.as_bytes()).expect("sign")
}

/// The demo in local mode, with its webhook route verifying [`SECRET`] instead of the
/// generated one (`max_body_len` lowered to test 413), as `demo::run` builds it.
async fn start(max_body_len: usize) -> (LocalMode, TestServer) {
    let (listener, addr) = bind().await;
    let mode = LocalMode::new(test_keys(), addr).expect("local mode");
    let webhook = with_replay_store(Webhook::new(SECRET).expect("secret").max_body_len(max_body_len));
    let server = TestServer::start(listener, app(mode.clerk().clone(), Some(webhook)));
    (mode, server)
}

async fn post(server: &TestServer, headers: &HeaderMap, body: &str) -> Answer {
    send_raw(
        &client(),
        Method::POST,
        &server.url(WEBHOOK_PATH),
        headers,
        body.to_owned(),
    )
    .await
}

fn assert_received(answer: &Answer, event_type: &str) {
    let problems = success_mismatches(answer, &json!({ "received": event_type }));
    assert!(problems.is_empty(), "{problems:?}: {}", answer.text);
}

fn assert_refused(answer: &Answer, status: u16, reason: &str) {
    let problems = webhook_rejection_mismatches(answer, status, reason);
    assert!(problems.is_empty(), "{reason}: {problems:?}");
}

#[tokio::test]
async fn the_route_exists_only_with_a_verifier() {
    let (listener, addr) = bind().await;
    let mode = LocalMode::new(test_keys(), addr).expect("local mode");
    let without = TestServer::start(listener, router(mode.clerk().clone()));
    let headers = signed("msg_1", now_s(), BODY);
    let answer = send_raw(
        &client(),
        Method::POST,
        &without.url(WEBHOOK_PATH),
        &headers,
        BODY,
    )
    .await;
    assert_eq!(answer.status, 404, "{}", answer.text);

    let (_mode, with) = start(1024).await;
    let answer = send_raw(
        &client(),
        Method::GET,
        &with.url(WEBHOOK_PATH),
        &HeaderMap::new(),
        "",
    )
    .await;
    assert_eq!(answer.status, 405, "{}", answer.text);
    // The token routes are still there, behind the ClerkLayer.
    let answer = send_raw(&client(), Method::GET, &with.url("/me"), &HeaderMap::new(), "").await;
    assert_eq!(answer.status, 401);
    assert_eq!(
        answer.header("x-clerk-auth-reason"),
        Some("session-token-missing")
    );
}

#[tokio::test]
async fn verified_events_are_received_once() {
    let (_mode, server) = start(1024).await;
    let headers = signed("msg_once", now_s(), BODY);
    assert_received(&post(&server, &headers, BODY).await, "user.created");
    assert_refused(&post(&server, &headers, BODY).await, 401, "webhook-replayed");

    // The webhook-* header names, and an event type the SDK does not know.
    let body = r#"{"type":"brand.new","data":{}}"#;
    let mut standard = HeaderMap::new();
    for (name, value) in &signed("msg_standard", now_s(), body) {
        let renamed = name.as_str().replace("svix-", "webhook-");
        standard.insert(
            http::HeaderName::from_bytes(renamed.as_bytes()).expect("a header name"),
            value.clone(),
        );
    }
    assert_received(&post(&server, &standard, body).await, "brand.new");
}

#[tokio::test]
async fn refusals_carry_the_webhook_reason() {
    let (_mode, server) = start(256).await;
    let now = now_s();
    let tampered = BODY.replace("user_1", "user_2");
    assert_refused(
        &post(&server, &signed("msg_tampered", now, BODY), &tampered).await,
        401,
        "webhook-no-matching-signature",
    );
    let other_secret = sign_webhook(
        "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcZ",
        "msg_other",
        now,
        BODY.as_bytes(),
    )
    .expect("sign");
    assert_refused(
        &post(&server, &other_secret, BODY).await,
        401,
        "webhook-no-matching-signature",
    );
    assert_refused(
        &post(&server, &signed("msg_old", now - 600, BODY), BODY).await,
        401,
        "webhook-timestamp-too-old",
    );
    assert_refused(
        &post(&server, &signed("msg_new", now + 600, BODY), BODY).await,
        401,
        "webhook-timestamp-too-new",
    );
    assert_refused(
        &post(&server, &HeaderMap::new(), BODY).await,
        400,
        "webhook-headers-missing",
    );
    let mut bad_timestamp = signed("msg_ts", now, BODY);
    bad_timestamp.insert("svix-timestamp", HeaderValue::from_static("soon"));
    assert_refused(
        &post(&server, &bad_timestamp, BODY).await,
        400,
        "webhook-timestamp-invalid",
    );
    assert_refused(
        &post(&server, &signed("msg_text", now, "not json"), "not json").await,
        400,
        "webhook-payload-invalid",
    );
    let big = format!(
        r#"{{"type":"user.created","data":{{"pad":"{}"}}}}"#,
        "x".repeat(300)
    );
    assert_refused(
        &post(&server, &signed("msg_big", now, &big), &big).await,
        413,
        "webhook-body-too-large",
    );
    // None of these was remembered: the valid message still passes once.
    let headers = signed("msg_tampered", now, BODY);
    assert_received(&post(&server, &headers, BODY).await, "user.created");
}

/// Webhooks never reach the `ClerkLayer`: no authentication per webhook, even with an
/// `Authorization` header, while a token route still authenticates once.
#[tokio::test]
async fn webhooks_are_not_authenticated_as_clerk_requests() {
    let (mode, server) = start(1024).await;
    let clerk = mode.clerk();
    let before = clerk.authentications();
    let mut headers = signed("msg_no_auth", now_s(), BODY);
    headers.insert(
        http::header::AUTHORIZATION,
        HeaderValue::from_static("Bearer not-a-jwt"),
    );
    assert_received(&post(&server, &headers, BODY).await, "user.created");
    assert_refused(
        &post(&server, &HeaderMap::new(), BODY).await,
        400,
        "webhook-headers-missing",
    );
    assert_eq!(
        clerk.authentications(),
        before,
        "a webhook went through the ClerkLayer"
    );
    send_raw(&client(), Method::GET, &server.url("/me"), &HeaderMap::new(), "").await;
    assert_eq!(clerk.authentications(), before + 1);
}

/// Two demo instances with `REDIS_URL` pointing at one (real, loopback) Redis: a webhook is
/// received by one and refused as replayed by the other; with Redis stopped, deliveries are
/// refused with 503 `webhook-replay-store-unavailable` rather than received. Skipped (with a
/// loud line) without `redis-server`, except in CI.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_sharing_redis_receive_a_webhook_once() {
    let mut redis = match RedisServer::start() {
        Ok(server) => server,
        Err(RedisServerError::NotInstalled) if std::env::var("CI").as_deref() != Ok("true") => {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr().lock(),
                "\n!!! SKIP two_instances_sharing_redis_receive_a_webhook_once: redis-server is not \
                 installed; this test did NOT run (CI=true makes it fail)\n"
            );
            return;
        }
        Err(e) => panic!("cannot start redis-server: {e}"),
    };
    let mut instances = Vec::new();
    for _ in 0..2 {
        // As `demo::run` builds it with REDIS_URL set: each instance its own connection.
        let replay = ReplayChoice::connect(&redis.url()).await.expect("redis");
        assert!(
            replay
                .banner_line()
                .contains(&format!("Redis at {}/0", redis.url()))
        );
        let (listener, addr) = bind().await;
        let mode = LocalMode::new(test_keys(), addr).expect("local mode");
        let webhook = replay.apply(with_replay_store(Webhook::new(SECRET).expect("secret")));
        instances.push(TestServer::start(
            listener,
            app(mode.clerk().clone(), Some(webhook)),
        ));
    }
    let headers = signed("msg_two_instances", now_s(), BODY);
    assert_received(&post(&instances[0], &headers, BODY).await, "user.created");
    assert_refused(
        &post(&instances[1], &headers, BODY).await,
        401,
        "webhook-replayed",
    );
    assert_refused(
        &post(&instances[0], &headers, BODY).await,
        401,
        "webhook-replayed",
    );

    redis.stop();
    let fresh = signed("msg_while_down", now_s(), BODY);
    for server in &instances {
        assert_refused(
            &post(server, &fresh, BODY).await,
            503,
            "webhook-replay-store-unavailable",
        );
    }
}

/// In local mode `CLERK_WEBHOOK_SIGNING_SECRET` replaces the generated secret, so two
/// instances verify each other's printed sample (which is how the README runs two demos on
/// one Redis); without it every run has its own secret.
#[tokio::test]
async fn local_mode_takes_a_given_signing_secret() {
    let (_first, a_addr) = bind().await;
    let (_second, b_addr) = bind().await;
    let a = LocalMode::with_webhook_secret(test_keys(), a_addr, Some(SECRET)).expect("local mode");
    let b = LocalMode::with_webhook_secret(test_keys(), b_addr, Some(SECRET)).expect("local mode");
    assert_eq!(a.webhook().replay_namespace(), b.webhook().replay_namespace());
    let banner = a.banner();
    assert!(
        banner.contains("webhook secret:         CLERK_WEBHOOK_SIGNING_SECRET, not shown"),
        "{banner}"
    );
    assert!(!banner.contains(SECRET.trim_start_matches("whsec_")));

    let sample = a
        .commands()
        .iter()
        .find(|c| c.path == WEBHOOK_PATH)
        .expect("a webhook command");
    let mut headers = HeaderMap::new();
    for (name, value) in &sample.headers {
        headers.insert(*name, value.parse().expect("a header value"));
    }
    let body = sample.body.as_deref().expect("a body").as_bytes();
    assert!(b.webhook().verify_signature(&headers, body).is_ok());

    let generated = LocalMode::new(test_keys(), a_addr).expect("local mode");
    assert_ne!(
        generated.webhook().replay_namespace(),
        a.webhook().replay_namespace()
    );
    assert!(
        generated
            .banner()
            .contains("generated for this run and not shown")
    );
    assert!(matches!(
        LocalMode::with_webhook_secret(test_keys(), a_addr, Some("whsec_???")),
        Err(clerk_examples::demo::DemoError::Webhook(_))
    ));
}
