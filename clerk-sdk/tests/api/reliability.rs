//! Retries, timeouts, the deadline and the client-side rate limiter, over real HTTP.

use std::time::Duration;

use clerk_sdk::ClerkConfig;
use clerk_sdk::api::*;
use tokio::time::Instant;

use crate::server::{Reply, Server};
use crate::{SECRET, client};

const USER: &str = r#"{"id":"user_1"}"#;

#[tokio::test]
async fn get_is_retried_on_500_and_post_never() {
    let server = Server::start().await;
    let api = client(&server).with_policy(
        ApiPolicy::new()
            .max_retries(2)
            .backoff_base(Duration::from_millis(5)),
    );
    server.handle(|_| {
        Some(Reply::json(
            500,
            r#"{"errors":[{"code":"internal","message":"boom"}]}"#,
        ))
    });
    let e = api.users().get("user_1").await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(server.take().len(), 3, "GET: 1 attempt + 2 retries");
    let ApiError::Status(s) = e else { unreachable!() };
    assert_eq!(s.attempts, 3);

    let e = api
        .users()
        .create(&CreateUserParams::new().email_address("a@x.com"))
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(server.take().len(), 1, "POST: never retried on 500");

    let e = api.users().ban("user_1").await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(server.take().len(), 1, "POST ban: never retried on 500");
}

#[tokio::test]
async fn a_retried_get_succeeds_when_clerk_recovers() {
    let server = Server::start().await;
    let api = client(&server);
    server.reply(Reply::json(502, "bad gateway"));
    server.reply(Reply::json(503, "{}"));
    server.reply(Reply::json(200, USER));
    assert_eq!(api.users().get("user_1").await.unwrap().id, "user_1");
    assert_eq!(server.take().len(), 3);
}

#[tokio::test]
async fn post_and_patch_are_retried_on_429() {
    let server = Server::start().await;
    let api = client(&server);
    server.reply(Reply::json(429, "{}").header("retry-after", "0"));
    server.reply(Reply::json(200, USER));
    api.users()
        .create(&CreateUserParams::new().email_address("a@x.com"))
        .await
        .unwrap();
    server.reply(Reply::json(429, "{}"));
    server.reply(Reply::json(200, USER));
    api.users()
        .update_metadata(
            "user_1",
            &MetadataParams::new().public_metadata(serde_json::json!({"a": 1})),
        )
        .await
        .unwrap();
    let seen = server.take();
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[0].body, seen[1].body, "the retry sends the same body");
}

#[tokio::test]
async fn connection_refused_is_retried_for_every_method() {
    // A port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let config = ClerkConfig::builder()
        .secret_key(SECRET)
        .api_url(url)
        .build()
        .unwrap();
    let api = BackendApi::new(&config).with_policy(
        ApiPolicy::new()
            .max_retries(2)
            .backoff_base(Duration::from_millis(1)),
    );
    for result in [
        api.users().get("user_1").await.map(drop),
        api.users().ban("user_1").await.map(drop),
    ] {
        let e = result.unwrap_err();
        assert!(
            matches!(
                e,
                ApiError::Transport {
                    cause: TransportFailure::Connect,
                    attempts: 3
                }
            ),
            "{e:?}"
        );
        assert_eq!(e.reason(), "api-connect-failed");
    }
}

#[tokio::test]
async fn an_attempt_times_out_and_a_post_is_not_repeated() {
    let server = Server::start().await;
    let api = client(&server).with_policy(
        ApiPolicy::new()
            .attempt_timeout(Duration::from_millis(200))
            .max_retries(1)
            .backoff_base(Duration::from_millis(1)),
    );
    server.handle(|_| Some(Reply::json(200, USER).delay(Duration::from_secs(3))));
    let started = Instant::now();
    let e = api.users().get("user_1").await.unwrap_err();
    assert!(matches!(e, ApiError::Timeout { attempts: 2, .. }), "{e:?}");
    assert_eq!(e.reason(), "api-timeout");
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.take().len(), 2, "GET: retried once after a timeout");

    let e = api.users().lock("user_1").await.unwrap_err();
    assert!(matches!(e, ApiError::Timeout { attempts: 1, .. }), "{e:?}");
    assert_eq!(server.take().len(), 1, "POST: a timeout may have been processed");
}

#[tokio::test]
async fn the_deadline_bounds_the_whole_call() {
    let server = Server::start().await;
    let api = client(&server).with_policy(
        ApiPolicy::new()
            .attempt_timeout(Duration::from_secs(5))
            .deadline(Duration::from_millis(300))
            .max_retries(10),
    );
    server.handle(|_| Some(Reply::json(200, USER).delay(Duration::from_secs(3))));
    let started = Instant::now();
    let e = api.users().get("user_1").await.unwrap_err();
    assert!(matches!(e, ApiError::Timeout { .. }), "{e:?}");
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limiter_keeps_a_burst_of_500_under_the_limit() {
    const LIMIT: usize = 100;
    const WINDOW: Duration = Duration::from_millis(500);
    let server = Server::start().await;
    server.handle(|_| Some(Reply::json(200, USER)));
    let api = client(&server).with_policy(ApiPolicy::new().rate_limit(RateLimit::new(LIMIT as u32, WINDOW)));
    let started = Instant::now();
    let calls = (0..500).map(|i| {
        // Clones share the limiter.
        let api = api.clone();
        tokio::spawn(async move { api.users().get(&format!("user_{i}")).await })
    });
    for call in futures_util::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    let elapsed = started.elapsed();
    let mut arrivals: Vec<_> = server.take().into_iter().map(|r| r.at).collect();
    assert_eq!(arrivals.len(), 500);
    arrivals.sort();
    // Any window a little shorter than the limit's (network jitter) holds at most LIMIT.
    let window = WINDOW - Duration::from_millis(25);
    let mut worst = 0;
    for (i, start) in arrivals.iter().enumerate() {
        let n = arrivals[i..].iter().take_while(|t| **t < *start + window).count();
        worst = worst.max(n);
    }
    assert!(worst <= LIMIT, "{worst} requests within {window:?}");
    // 500 calls at 100 per 500 ms: four full waits.
    assert!(elapsed >= Duration::from_millis(1900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}
