//! The verified-token cache: what enters it, what a hit re-checks, when entries leave, and that
//! a session read from the cache answers exactly as one verified from scratch.

mod common;

use std::time::Duration;

use clerk_sdk::testing::MockClerkApi;
use clerk_sdk::{
    AcceptsToken, Clerk, ClerkConfig, Has, RequestState, SessionAuth, TokenType, clock::FixedClock,
    config::JwksPolicy,
};
use common::{APP, bearer, builder, keys, other_keys};
use serde_json::json;

/// Seconds since the epoch that the tests' clocks start at.
const T0: u64 = 1_800_000_000;

fn clerk_with_clock(clock: &FixedClock) -> Clerk {
    Clerk::new(builder().clock(clock.clone()).build().unwrap())
}

fn uncached() -> Clerk {
    Clerk::new(builder().token_cache_capacity(0).build().unwrap())
}

async fn state(clerk: &Clerk, token: &str) -> RequestState {
    clerk.authenticate_request(&bearer(token)).await
}

fn token_at(now_s: u64) -> String {
    keys()
        .session("user_1")
        .authorized_party(APP)
        .issued_at_ms(now_s * 1000)
        .sign()
        .unwrap()
}

#[tokio::test]
async fn a_verified_token_is_cached_and_hits_answer_the_same() {
    let clerk = common::clerk();
    let token = keys()
        .session("user_1")
        .authorized_party(APP)
        .org_v1("org_1", "acme", "org:admin", &["org:invoices:read"])
        .sign()
        .unwrap();
    let first = state(&clerk, &token).await;
    assert!(first.is_authenticated());
    assert_eq!(clerk.cached_tokens(), 1);
    for _ in 0..3 {
        let hit = state(&clerk, &token).await;
        assert_eq!(hit.auth().session(), first.auth().session());
        assert_eq!(hit.auth().session().unwrap().org_role(), Some("org:admin"));
    }
    assert_eq!(clerk.cached_tokens(), 1);
    assert_eq!(clerk.authentications(), 4);
}

#[tokio::test]
async fn capacity_zero_turns_the_cache_off() {
    let clerk = uncached();
    assert_eq!(clerk.config().token_cache_capacity(), 0);
    let token = token_at(now_s());
    assert!(state(&clerk, &token).await.is_authenticated());
    assert!(state(&clerk, &token).await.is_authenticated());
    assert_eq!(clerk.cached_tokens(), 0);
}

#[tokio::test]
async fn refused_tokens_are_never_cached() {
    let clerk = common::clerk();
    let good = token_at(now_s());
    let cases = [
        keys()
            .session("user_1")
            .authorized_party(APP)
            .expired()
            .sign()
            .unwrap(),
        keys()
            .session("user_1")
            .authorized_party(APP)
            .not_yet_valid()
            .sign()
            .unwrap(),
        keys()
            .session("user_1")
            .authorized_party("https://evil.example")
            .sign()
            .unwrap(),
        keys()
            .session("user_1")
            .authorized_party(APP)
            .signed_by(other_keys())
            .sign()
            .unwrap(),
        keys()
            .session("user_1")
            .authorized_party(APP)
            .header("cat", "cl_B7d4PD222AAA")
            .sign()
            .unwrap(),
        flip_last_char(&good),
    ];
    for token in &cases {
        for _ in 0..2 {
            assert!(!state(&clerk, token).await.is_authenticated());
        }
    }
    assert_eq!(clerk.cached_tokens(), 0);
}

fn flip_last_char(token: &str) -> String {
    let mut bytes = token.as_bytes().to_vec();
    let last = bytes.len() - 1;
    bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

#[tokio::test]
async fn any_changed_byte_of_a_cached_token_misses_and_is_refused() {
    let clerk = common::clerk();
    let token = token_at(now_s());
    assert!(state(&clerk, &token).await.is_authenticated());
    // Every position of the signature part, and a sample of the header and payload.
    let signature_start = token.rfind('.').unwrap() + 1;
    let positions: Vec<usize> = (0..signature_start)
        .step_by(7)
        .chain(signature_start..token.len())
        .collect();
    for i in positions {
        let mut bytes = token.as_bytes().to_vec();
        bytes[i] = if bytes[i] == b'x' { b'y' } else { b'x' };
        let changed = String::from_utf8(bytes).unwrap();
        let refused = state(&clerk, &changed).await;
        assert!(!refused.is_authenticated(), "byte {i} changed and still accepted");
    }
    assert_eq!(clerk.cached_tokens(), 1);
}

/// `=` after the signature changes nothing about verification, so it shares the entry; past
/// the length cap the token is refused as it would be without a cache.
#[tokio::test]
async fn trailing_padding_shares_the_entry_and_the_length_cap_still_applies() {
    let clerk = common::clerk();
    let plain = uncached();
    let token = token_at(now_s());
    assert!(state(&clerk, &token).await.is_authenticated());
    let padded = format!("{token}==");
    assert!(state(&plain, &padded).await.is_authenticated());
    assert!(state(&clerk, &padded).await.is_authenticated());
    assert_eq!(clerk.cached_tokens(), 1);
    let too_long = format!("{token}{}", "=".repeat(clerk_sdk::token::MAX_TOKEN_LEN));
    assert_eq!(state(&clerk, &too_long).await.reason_str(), Some("token-invalid"));
    assert_eq!(state(&plain, &too_long).await.reason_str(), Some("token-invalid"));
}

#[tokio::test]
async fn hits_rerun_the_time_checks_and_expired_entries_leave() {
    let clock = FixedClock::new(T0 * 1000);
    let clerk = clerk_with_clock(&clock);
    let token = keys()
        .session("user_1")
        .authorized_party(APP)
        .issued_at_ms(T0 * 1000)
        .lifetime(Duration::from_secs(60))
        .sign()
        .unwrap();
    assert!(state(&clerk, &token).await.is_authenticated());
    assert_eq!(clerk.cached_tokens(), 1);

    // Within the default 5 s skew after exp: still valid, served from the cache.
    clock.set((T0 + 60) * 1000 + 4_999);
    assert!(state(&clerk, &token).await.is_authenticated());
    assert_eq!(clerk.cached_tokens(), 1);

    // exp·1000 <= now − skew: expired, exactly as without a cache.
    clock.set((T0 + 60) * 1000 + 5_000);
    let expired = state(&clerk, &token).await;
    assert_eq!(expired.reason_str(), Some("token-expired"));
    assert_eq!(clerk.cached_tokens(), 0);
    let fresh = Clerk::new(
        builder()
            .clock(FixedClock::new((T0 + 60) * 1000 + 5_000))
            .build()
            .unwrap(),
    );
    assert_eq!(state(&fresh, &token).await.message(), expired.message());
}

#[tokio::test]
async fn a_clock_moved_back_before_iat_refuses_a_cached_token() {
    let clock = FixedClock::new(T0 * 1000);
    let clerk = clerk_with_clock(&clock);
    let token = token_at(T0);
    assert!(state(&clerk, &token).await.is_authenticated());
    clock.set(T0 * 1000 - 60_000);
    let state = state(&clerk, &token).await;
    assert!(
        matches!(
            state.reason_str(),
            Some("token-not-active-yet" | "token-iat-in-the-future")
        ),
        "{:?}",
        state.reason_str()
    );
}

#[tokio::test]
async fn the_cache_never_admits_a_token_type_the_route_refuses() {
    let clerk = Clerk::new(builder().machine_secret_key("ak_test_machine").build().unwrap());
    let token = token_at(now_s());
    assert!(state(&clerk, &token).await.is_authenticated());
    let machine_only = AcceptsToken::from(TokenType::M2mToken);
    let refused = clerk
        .authenticate_request_with(&bearer(&token), &machine_only)
        .await;
    assert_eq!(refused.reason_str(), Some("token-type-mismatch"));
}

#[tokio::test]
async fn a_cookie_hits_the_entry_a_header_made() {
    let clerk = common::clerk();
    let token = token_at(now_s());
    assert!(state(&clerk, &token).await.is_authenticated());
    let mut request = http::Request::new(());
    request.headers_mut().insert(
        http::header::COOKIE,
        format!("__session={token}").parse().unwrap(),
    );
    let from_cookie = clerk.authenticate_request(&request).await;
    assert!(from_cookie.is_authenticated());
    assert_eq!(clerk.cached_tokens(), 1);
}

#[tokio::test]
async fn pending_sessions_stay_signed_out_on_every_hit() {
    let clerk = common::clerk();
    let token = keys()
        .session("user_1")
        .authorized_party(APP)
        .pending()
        .sign()
        .unwrap();
    for _ in 0..3 {
        let state = state(&clerk, &token).await;
        assert!(!state.is_authenticated());
        let clerk_sdk::Auth::SignedOut(signed_out) = state.auth() else {
            panic!("a pending session must be signed out");
        };
        assert_eq!(signed_out.session_status(), Some("pending"));
    }
    assert_eq!(clerk.cached_tokens(), 1);
}

/// Every accessor of a session read from the cache equals the one verified without a cache,
/// including payloads the cache cannot index (escapes, duplicate keys, odd types).
#[tokio::test]
async fn cached_sessions_answer_exactly_as_fresh_ones() {
    let cached = common::clerk();
    let plain = uncached();
    let base = || {
        keys()
            .session("user_2abc")
            .authorized_party(APP)
            .session_id("sess_1")
    };
    let mut tokens = vec![
        base().sign().unwrap(),
        base()
            .org_v1(
                "org_1",
                "acme",
                "org:admin",
                &["org:invoices:read", "org:invoices:write"],
            )
            .sign()
            .unwrap(),
        base()
            .org_v2("org_2", "beta", "admin", &["org:reports:read"])
            .features("o:reports,u:beta")
            .plans("o:pro")
            .factor_verification_age(3, -1)
            .sign()
            .unwrap(),
        base().v2().claim("o", json!({"id": "org_3"})).sign().unwrap(),
        base()
            .v2()
            .claim("o", json!({"id": "org_4", "rol": ""}))
            .sign()
            .unwrap(),
        base().v2().claim("o", "not an object").sign().unwrap(),
        base()
            .claim("org_id", 42)
            .claim("org_role", "org:member")
            .sign()
            .unwrap(),
        base()
            .claim("org_slug", "caf\u{e9} \"quoted\" \\ slash")
            .sign()
            .unwrap(),
        base()
            .claim("tenant", json!({"nested": [1, 2, {"deep": true}]}))
            .sign()
            .unwrap(),
        base()
            .status("active")
            .actor(json!({"sub": "user_admin"}))
            .sign()
            .unwrap(),
    ];
    // A payload with a duplicate key (the last one wins, as in JSON.parse).
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": keys().kid()}).to_string();
    let now = now_s();
    let duplicate = format!(
        r#"{{"sub":"user_first","sub":"user_last","azp":"{APP}","exp":{},"iat":{now},"nbf":{now}}}"#,
        now + 60
    );
    tokens.push(keys().sign_text(&header, &duplicate).unwrap());

    for token in &tokens {
        let fresh = state(&plain, token).await;
        let _ = state(&cached, token).await;
        let hit = state(&cached, token).await;
        assert_eq!(hit.status(), fresh.status(), "{token:.40}");
        assert_eq!(hit.reason_str(), fresh.reason_str());
        let (Some(a), Some(b)) = (hit.auth().session(), fresh.auth().session()) else {
            panic!("not signed in: {:?}", fresh.reason_str());
        };
        assert_same_session(a, b);
    }
    assert_eq!(cached.cached_tokens(), tokens.len());
}

fn assert_same_session(a: &SessionAuth, b: &SessionAuth) {
    assert_eq!(a.user_id(), b.user_id());
    assert_eq!(a.session_id(), b.session_id());
    assert_eq!(a.session_status(), b.session_status());
    assert_eq!(a.org_id(), b.org_id());
    assert_eq!(a.org_slug(), b.org_slug());
    assert_eq!(a.org_role(), b.org_role());
    assert_eq!(a.org_permissions(), b.org_permissions());
    assert_eq!(a.features(), b.features());
    assert_eq!(a.plans(), b.plans());
    assert_eq!(a.actor(), b.actor());
    assert_eq!(a.factor_verification_age(), b.factor_verification_age());
    assert_eq!(a.claims(), b.claims());
    for check in [
        Has::role("org:admin"),
        Has::role("admin"),
        Has::permission("org:reports:read"),
        Has::permission("org:invoices:write"),
        Has::feature("reports"),
        Has::plan("pro"),
    ] {
        assert_eq!(a.has(&check), b.has(&check), "{check:?}");
    }
}

/// A key that leaves the JWKS stops its cached tokens as soon as the SDK sees the new set;
/// a refresh that brings back the same keys keeps them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_die_with_their_key() {
    let mock = MockClerkApi::start("sk_test_cache").await.unwrap();
    mock.set_keys(&[keys(), other_keys()]);
    let policy = JwksPolicy::default()
        .ttl(Duration::from_millis(200))
        .unknown_kid_interval(Duration::ZERO);
    let clerk = Clerk::new(
        ClerkConfig::builder()
            .secret_key("sk_test_cache")
            .api_url(mock.url())
            .jwks_policy(policy)
            .build()
            .unwrap(),
    );
    let token = keys().session("user_1").sign().unwrap();
    let other = other_keys().session("user_2").sign().unwrap();
    assert!(state(&clerk, &token).await.is_authenticated());
    assert!(state(&clerk, &other).await.is_authenticated());
    assert_eq!(clerk.cached_tokens(), 2);

    // A refresh with the same keys: both entries keep serving.
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert!(state(&clerk, &token).await.is_authenticated());
    assert!(state(&clerk, &other).await.is_authenticated());
    assert_eq!(clerk.cached_tokens(), 2);

    // `keys()` leaves the set: its token is refused at the next refresh.
    mock.set_keys(&[other_keys()]);
    tokio::time::sleep(Duration::from_millis(250)).await;
    let refused = state(&clerk, &token).await;
    assert_eq!(refused.reason_str(), Some("jwk-kid-mismatch"));
    assert!(state(&clerk, &other).await.is_authenticated());
    assert_eq!(clerk.cached_tokens(), 1);
}

fn now_s() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}
