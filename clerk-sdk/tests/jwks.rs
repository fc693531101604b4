//! Keys from the Backend API, over real loopback HTTP against `MockClerkApi`: single-flight,
//! rotation, the unknown-`kid` throttle, outages warm and cold, a refused secret key, retries,
//! and instance isolation.
//!
//! The cache's windows (TTL, throttle, backoff, stale window) are read from the config's clock,
//! so the tests about them move a `FixedClock` instead of sleeping; the arithmetic itself is
//! pinned by the table in `src/jwks.rs`. Real time passes only where it is the subject: the
//! fetch's timeouts and retries, and concurrency.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clerk_sdk::testing::{Endpoint, Fault, MockClerkApi, TestKeys};
use clerk_sdk::{
    Clerk, ClerkConfig, RequestState,
    clock::{Clock, FixedClock, SystemClock},
    config::JwksPolicy,
};
use common::{bearer, keys, other_keys};

const SECRET: &str = "sk_test_mock_secret";

async fn mock_with(keys: &[&TestKeys]) -> MockClerkApi {
    let mock = MockClerkApi::start(SECRET).await.unwrap();
    mock.set_keys(keys);
    mock
}

fn clerk_for(mock: &MockClerkApi, policy: JwksPolicy) -> Clerk {
    Clerk::new(
        ClerkConfig::builder()
            .secret_key(SECRET)
            .api_url(mock.url())
            .jwks_policy(policy)
            .build()
            .unwrap(),
    )
}

/// A clock that stands still at the system time (test tokens are issued at the system time)
/// until the test moves it.
fn fixed_now() -> FixedClock {
    FixedClock::new(SystemClock.now_ms())
}

/// Like [`clerk_for`], on `clock`.
fn clerk_on(mock: &MockClerkApi, policy: JwksPolicy, clock: &FixedClock) -> Clerk {
    Clerk::new(
        ClerkConfig::builder()
            .secret_key(SECRET)
            .api_url(mock.url())
            .jwks_policy(policy)
            .clock(clock.clone())
            .build()
            .unwrap(),
    )
}

async fn state(clerk: &Clerk, token: &str) -> RequestState {
    clerk.authenticate_request(&bearer(token)).await
}

/// A token naming `kid`, with a junk signature: key lookup happens before the signature.
fn token_with_kid(kid: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"RS256","typ":"JWT","kid":"{kid}"}}"#));
    let claims = URL_SAFE_NO_PAD.encode(r#"{"sub":"user_1","exp":9999999999}"#);
    format!("{header}.{claims}.AAAA")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cold_cache_500_concurrent_requests_make_one_fetch() {
    let mock = mock_with(&[keys()]).await;
    mock.push_fault(Endpoint::Jwks, Fault::Delay(Duration::from_millis(200)));
    let clerk = clerk_for(&mock, JwksPolicy::default());
    let token = Arc::new(keys().session("user_1").sign().unwrap());
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..500 {
        let (clerk, token) = (clerk.clone(), Arc::clone(&token));
        tasks.spawn(async move { state(&clerk, &token).await.is_authenticated() });
    }
    let mut ok = 0;
    while let Some(result) = tasks.join_next().await {
        ok += usize::from(result.unwrap());
    }
    assert_eq!(ok, 500);
    assert_eq!(mock.requests(Endpoint::Jwks), 1);

    // The request carries Clerk's headers.
    let headers = mock.last_request_headers(Endpoint::Jwks).unwrap();
    assert_eq!(headers["authorization"], format!("Bearer {SECRET}").as_str());
    assert_eq!(headers["clerk-api-version"], "2026-05-12");
    assert!(
        headers["user-agent"]
            .to_str()
            .unwrap()
            .starts_with("clerk-sdk-rust/")
    );
}

#[tokio::test]
async fn rotation_and_the_unknown_kid_throttle() {
    let mock = mock_with(&[keys()]).await;
    // The clock stands still, so the flood below is inside the throttle window however long
    // it takes on a loaded machine.
    let clerk = clerk_on(&mock, JwksPolicy::default(), &fixed_now());
    let old = keys().session("user_1").sign().unwrap();
    assert!(state(&clerk, &old).await.is_authenticated());
    assert_eq!(mock.requests(Endpoint::Jwks), 1);

    // Rotation: a new kid verifies after exactly one refetch.
    mock.set_keys(&[keys(), other_keys()]);
    let new = other_keys().session("user_2").sign().unwrap();
    assert!(state(&clerk, &new).await.is_authenticated());
    assert_eq!(mock.requests(Endpoint::Jwks), 2);

    // A flood of random unknown kids costs nothing more inside the throttle window.
    for i in 0..10_000 {
        let s = state(&clerk, &token_with_kid(&format!("forged_{i}"))).await;
        assert_eq!(s.reason_str(), Some("jwk-kid-mismatch"));
    }
    assert_eq!(mock.requests(Endpoint::Jwks), 2);
    assert!(state(&clerk, &old).await.is_authenticated());
    assert!(state(&clerk, &new).await.is_authenticated());
}

#[tokio::test]
async fn unknown_kid_refetches_once_per_window() {
    let mock = mock_with(&[keys()]).await;
    let window = Duration::from_millis(300);
    let clock = fixed_now();
    let clerk = clerk_on(&mock, JwksPolicy::default().unknown_kid_interval(window), &clock);
    assert!(
        state(&clerk, &keys().session("u").sign().unwrap())
            .await
            .is_authenticated()
    );
    // One forged token every 5 ms of the clock, for 1 s of it.
    let mut i = 0;
    for _ in 0..200 {
        state(&clerk, &token_with_kid(&format!("forged_{i}"))).await;
        i += 1;
        clock.advance(5);
    }
    // One initial fetch plus at most one refetch per window (1 s / 300 ms, rounded up).
    let fetches = mock.requests(Endpoint::Jwks);
    assert!(
        (2..=5).contains(&fetches),
        "{fetches} fetches for {i} forged tokens"
    );
    // On a clock that only the test moves, exactly: refetches at 0, 300, 600 and 900 ms.
    assert_eq!(fetches, 5);
}

#[tokio::test]
async fn the_ttl_refreshes_the_set() {
    let mock = mock_with(&[keys(), other_keys()]).await;
    let clock = fixed_now();
    let ttl_ms = 300_000;
    let clerk = clerk_on(
        &mock,
        JwksPolicy::default().ttl(Duration::from_millis(ttl_ms)),
        &clock,
    );
    let long = |k: &TestKeys| {
        k.session("u")
            .lifetime(Duration::from_secs(3_600))
            .sign()
            .unwrap()
    };
    let (removed, kept) = (long(keys()), long(other_keys()));
    assert!(state(&clerk, &removed).await.is_authenticated());
    assert!(state(&clerk, &kept).await.is_authenticated());

    // Clerk stops publishing a key: it verifies until the TTL runs out, and not after.
    mock.set_keys(&[other_keys()]);
    clock.advance(ttl_ms - 1);
    assert!(state(&clerk, &removed).await.is_authenticated());
    assert_eq!(mock.requests(Endpoint::Jwks), 1);
    clock.advance(1);
    assert_eq!(
        state(&clerk, &removed).await.reason_str(),
        Some("jwk-kid-mismatch")
    );
    // At least the refresh; today 3, because the token cache's re-check refreshes the set and
    // the full verification that follows then makes the unknown kid's first refetch.
    assert!(mock.requests(Endpoint::Jwks) >= 2, "the TTL refreshed the set");
    assert!(state(&clerk, &kept).await.is_authenticated());
}

#[tokio::test]
async fn outage_after_warm_up_uses_stale_keys_then_fails_closed() {
    let mock = mock_with(&[keys()]).await;
    let policy = JwksPolicy::default()
        .ttl(Duration::from_millis(200))
        .stale_window(Duration::from_millis(800))
        .failure_backoff(Duration::from_millis(50))
        .timeout(Duration::from_millis(500))
        // Retries are `server_errors_and_429_are_retried`'s subject; here they would only
        // spend real time on each failing refresh.
        .max_attempts(1);
    let clock = fixed_now();
    let clerk = clerk_on(&mock, policy, &clock);
    let token = keys()
        .session("user_1")
        .lifetime(Duration::from_secs(600))
        .sign()
        .unwrap();
    assert!(state(&clerk, &token).await.is_authenticated());

    mock.set_fault(Endpoint::Jwks, Fault::Status(503));
    clock.advance(300); // past the TTL, inside the stale window
    let during = state(&clerk, &token).await;
    assert!(during.is_authenticated(), "{:?}", during.reason_str());
    assert!(mock.requests(Endpoint::Jwks) >= 2, "a refresh was attempted");

    clock.advance(700); // past the stale window
    let after = state(&clerk, &token).await;
    assert_eq!(after.reason_str(), Some("jwk-remote-failed-to-load"));
    assert!(after.message().unwrap().contains("503"), "{:?}", after.message());

    // Back up: the next refresh after the backoff restores service.
    mock.clear_faults();
    clock.advance(60);
    assert!(state(&clerk, &token).await.is_authenticated());
}

#[tokio::test]
async fn cold_outage_refused_fails_fast() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let timeout = Duration::from_secs(2);
    let clerk = Clerk::new(
        ClerkConfig::builder()
            .secret_key(SECRET)
            .api_url(format!("http://127.0.0.1:{port}"))
            .jwks_policy(JwksPolicy::default().timeout(timeout))
            .build()
            .unwrap(),
    );
    let token = keys().session("u").sign().unwrap();
    let start = Instant::now();
    let s = state(&clerk, &token).await;
    assert!(
        start.elapsed() < timeout + Duration::from_millis(100),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(s.reason_str(), Some("jwk-remote-failed-to-load"));
    assert!(s.message().unwrap().contains("connection"), "{:?}", s.message());
}

#[tokio::test]
async fn cold_outage_hanging_is_bounded_by_the_timeout() {
    let mock = mock_with(&[keys()]).await;
    mock.set_fault(Endpoint::Jwks, Fault::Hang);
    let timeout = Duration::from_millis(800);
    // The cache's clock stands still, so the second request is inside the backoff by
    // construction; the timeout runs on real time.
    let clerk = clerk_on(&mock, JwksPolicy::default().timeout(timeout), &fixed_now());
    // Signed before the stopwatch starts: only the key lookup is timed.
    let token = keys().session("u").sign().unwrap();
    let start = Instant::now();
    let s = state(&clerk, &token).await;
    let elapsed = start.elapsed();
    assert!(elapsed < timeout + Duration::from_millis(100), "{elapsed:?}");
    assert_eq!(s.reason_str(), Some("jwk-remote-failed-to-load"));
    assert!(s.message().unwrap().contains("timed out"), "{:?}", s.message());

    // Inside the backoff, requests fail fast without another fetch.
    let start = Instant::now();
    let again = state(&clerk, &token).await;
    assert!(start.elapsed() < Duration::from_millis(50));
    assert_eq!(again.reason_str(), Some("jwk-remote-failed-to-load"));
    assert_eq!(mock.requests(Endpoint::Jwks), 1);
}

#[tokio::test]
async fn invalid_secret_key_is_one_request() {
    let mock = mock_with(&[keys()]).await;
    let clerk = Clerk::new(
        ClerkConfig::builder()
            .secret_key("sk_test_wrong")
            .api_url(mock.url())
            .build()
            .unwrap(),
    );
    let s = state(&clerk, &keys().session("u").sign().unwrap()).await;
    assert_eq!(s.reason_str(), Some("secret-key-invalid"));
    assert!(!s.message().unwrap().contains("sk_test_wrong"));
    assert_eq!(mock.requests(Endpoint::Jwks), 1);
}

#[tokio::test]
async fn server_errors_and_429_are_retried() {
    let mock = mock_with(&[keys()]).await;
    mock.push_fault(Endpoint::Jwks, Fault::Status(502));
    mock.push_fault(
        Endpoint::Jwks,
        Fault::RetryAfter {
            status: 429,
            seconds: 0,
        },
    );
    let clerk = clerk_for(&mock, JwksPolicy::default());
    assert!(
        state(&clerk, &keys().session("u").sign().unwrap())
            .await
            .is_authenticated()
    );
    assert_eq!(mock.requests(Endpoint::Jwks), 3);

    // Malformed answers are not retried and say what was wrong.
    let broken = mock_with(&[keys()]).await;
    broken.set_fault(Endpoint::Jwks, Fault::MalformedJson);
    let clerk = clerk_for(&broken, JwksPolicy::default());
    let s = state(&clerk, &keys().session("u").sign().unwrap()).await;
    assert_eq!(s.reason_str(), Some("jwk-remote-failed-to-load"));
    assert_eq!(broken.requests(Endpoint::Jwks), 1);
}

#[tokio::test]
async fn instances_never_share_keys() {
    let mock_a = mock_with(&[keys()]).await;
    let mock_b = MockClerkApi::start("sk_test_other").await.unwrap();
    mock_b.set_keys(&[other_keys()]);
    let clerk_a = clerk_for(&mock_a, JwksPolicy::default());
    let clerk_b = Clerk::new(
        ClerkConfig::builder()
            .secret_key("sk_test_other")
            .api_url(mock_b.url())
            .build()
            .unwrap(),
    );
    let token_a = keys().session("user_a").sign().unwrap();
    let token_b = other_keys().session("user_b").sign().unwrap();
    assert!(state(&clerk_a, &token_a).await.is_authenticated());
    assert!(state(&clerk_b, &token_b).await.is_authenticated());
    assert_eq!(
        state(&clerk_b, &token_a).await.reason_str(),
        Some("jwk-kid-mismatch")
    );
    assert_eq!(
        state(&clerk_a, &token_b).await.reason_str(),
        Some("jwk-kid-mismatch")
    );

    // Same API, same keys, but a second Clerk has its own cache: it fetches for itself.
    let before = mock_a.requests(Endpoint::Jwks);
    let clerk_a2 = clerk_for(&mock_a, JwksPolicy::default());
    assert!(state(&clerk_a2, &token_a).await.is_authenticated());
    assert_eq!(mock_a.requests(Endpoint::Jwks), before + 1);
}

#[tokio::test]
async fn verify_token_uses_the_jwks_too() {
    let mock = mock_with(&[keys()]).await;
    let clerk = clerk_for(&mock, JwksPolicy::default());
    let claims = clerk
        .verify_token(&keys().session("user_1").sign().unwrap())
        .await
        .unwrap();
    assert_eq!(claims.subject(), Some("user_1"));
    let missing_kid = keys().session("user_1").without_header("kid").sign().unwrap();
    assert_eq!(
        clerk.verify_token(&missing_kid).await.unwrap_err().reason(),
        "jwk-kid-mismatch"
    );
    // A token without a kid can never match, so it costs no fetch.
    assert_eq!(mock.requests(Endpoint::Jwks), 1);
}
