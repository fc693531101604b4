//! The verification core on wasm32-unknown-unknown, run under node by wasm-bindgen-test:
//! session tokens (networkless, through the host's WebCrypto, each key imported once),
//! `authenticate_request` with a token-cache hit, `has()`, and webhook verification with replay
//! protection.
//!
//! ```text
//! cargo test -p clerk-sdk --target wasm32-unknown-unknown -Z build-std=std,panic_abort \
//!     --no-default-features --features rust-crypto --test wasm
//! ```
//! (with `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner`; `.ci/run` sets
//! up the toolchain). The test kit does not exist on wasm32, so tokens are signed here with
//! RustCrypto and a fixed test key (`fixtures/wasm-test-key.pkcs8.b64`, generated for these
//! tests only and used nowhere else), at a fixed clock reading.

#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use clerk_sdk::clock::FixedClock;
use clerk_sdk::webhook::{EventType, InMemoryReplayStore, Webhook};
use clerk_sdk::{Clerk, ClerkConfig, Has};
use rsa::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _};
use serde_json::{Value, json};
use wasm_bindgen_test::wasm_bindgen_test;

const APP: &str = "https://app.example";
/// 2023-11-14T22:13:20Z, in seconds.
const NOW_S: u64 = 1_700_000_000;

fn private_key() -> rsa::PrivateKey {
    let text: String = include_str!("fixtures/wasm-test-key.pkcs8.b64")
        .split_whitespace()
        .collect();
    let der = STANDARD.decode(text).expect("fixture base64");
    rsa::PrivateKey::from_pkcs8_der(&der).expect("fixture key")
}

fn public_key_pem() -> String {
    let der = private_key().to_public_key().to_public_key_der().expect("spki");
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        STANDARD.encode(der.as_bytes())
    )
}

/// An RS256 token over `claims`, with Clerk's header.
fn sign(claims: &Value) -> String {
    let header = json!({"alg": "RS256", "kid": "ins_wasm", "typ": "JWT"});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = private_key()
        .pkcs1v15_sign::<rsa::sha2::Sha256>(input.as_bytes())
        .expect("signature");
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

fn session_claims(user: &str) -> Value {
    json!({
        "sub": user,
        "sid": "sess_wasm",
        "sts": "active",
        "azp": APP,
        "iat": NOW_S,
        "nbf": NOW_S - 10,
        "exp": NOW_S + 60,
        "o": {"id": "org_1", "slg": "acme", "rol": "admin", "per": "read", "fpm": "1"},
        "fea": "o:invoices",
        "v": 2,
    })
}

fn clerk(cache: usize) -> Clerk {
    let config = ClerkConfig::builder()
        .jwt_key(public_key_pem())
        .authorized_party(APP)
        .token_cache_capacity(cache)
        .clock(FixedClock::new(NOW_S * 1000))
        .build()
        .expect("config");
    Clerk::new(config)
}

fn request(token: &str) -> http::Request<()> {
    http::Request::builder()
        .header("authorization", format!("Bearer {token}"))
        .body(())
        .expect("request")
}

#[wasm_bindgen_test]
async fn verify_token_accepts_a_valid_token_and_names_every_refusal() {
    let clerk = clerk(0);
    let claims = clerk
        .verify_token(&sign(&session_claims("user_1")))
        .await
        .expect("valid token");
    assert_eq!(claims.subject(), Some("user_1"));

    let mut expired = session_claims("user_1");
    expired["exp"] = json!(NOW_S - 30);
    let err = clerk.verify_token(&sign(&expired)).await.unwrap_err();
    assert_eq!(err.reason(), "token-expired");

    let mut tampered = sign(&session_claims("user_1"));
    tampered.pop();
    tampered.push('A');
    let err = clerk.verify_token(&tampered).await.unwrap_err();
    assert_eq!(err.reason(), "token-invalid-signature");

    let mut other_party = session_claims("user_1");
    other_party["azp"] = json!("https://evil.example");
    let err = clerk.verify_token(&sign(&other_party)).await.unwrap_err();
    assert_eq!(err.reason(), "token-invalid-authorized-parties");
}

#[wasm_bindgen_test]
async fn authenticate_request_caches_the_session_and_has_reads_its_claims() {
    let clerk = clerk(100);
    let token = sign(&session_claims("user_2"));
    let first = clerk.authenticate_request(&request(&token)).await;
    let session = first.auth().session().expect("signed in");
    assert_eq!(session.user_id(), "user_2");
    assert_eq!(clerk.cached_tokens(), 1);
    assert!(session.has(&Has::role("org:admin")));
    assert!(!session.has(&Has::role("org:member")));

    // The second request is a cache hit: same answer, still one entry.
    let second = clerk.authenticate_request(&request(&token)).await;
    assert_eq!(second.auth().session().map(|s| s.user_id()), Some("user_2"));
    assert_eq!(clerk.cached_tokens(), 1);

    let none = clerk.authenticate_request(&http::Request::new(())).await;
    assert!(none.auth().session().is_none());
}

/// Wraps the host's `crypto.subtle.importKey` and `verify` with call counters (once per run),
/// and returns the counts so far.
fn subtle_calls() -> (f64, f64) {
    let install = js_sys::Function::new_no_args(
        "const s = globalThis.crypto.subtle;
         if (!globalThis.__clerkSubtleCalls) {
           const calls = { importKey: 0, verify: 0 };
           const importKey = s.importKey.bind(s), verify = s.verify.bind(s);
           s.importKey = (...a) => { calls.importKey++; return importKey(...a); };
           s.verify = (...a) => { calls.verify++; return verify(...a); };
           globalThis.__clerkSubtleCalls = calls;
         }
         return [globalThis.__clerkSubtleCalls.importKey, globalThis.__clerkSubtleCalls.verify];",
    );
    let counts: js_sys::Array = install
        .call0(&wasm_bindgen::JsValue::NULL)
        .expect("counters")
        .into();
    let count = |i| counts.get(i).as_f64().expect("a count");
    (count(0), count(1))
}

#[wasm_bindgen_test]
async fn signatures_go_through_webcrypto_with_the_key_imported_once() {
    let (imports_before, verifies_before) = subtle_calls();
    let clerk = clerk(0);
    for user in ["user_a", "user_b", "user_c"] {
        let claims = clerk
            .verify_token(&sign(&session_claims(user)))
            .await
            .expect("valid token");
        assert_eq!(claims.subject(), Some(user));
    }
    let (imports, verifies) = subtle_calls();
    assert_eq!(imports - imports_before, 1.0, "one import for one key");
    assert_eq!(verifies - verifies_before, 3.0, "one WebCrypto verify per token");
}

#[wasm_bindgen_test]
async fn webhook_verifies_once_and_refuses_the_replay() {
    let webhook = Webhook::new("whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY")
        .expect("secret")
        .clock(FixedClock::new(NOW_S * 1000))
        .replay_store(Arc::new(InMemoryReplayStore::new(100)));
    let body = br#"{"type":"user.created","object":"event","data":{"id":"user_1"}}"#;
    let timestamp = i64::try_from(NOW_S).expect("timestamp");
    let mut headers = http::HeaderMap::new();
    headers.insert("svix-id", "msg_1".parse().expect("id"));
    headers.insert(
        "svix-timestamp",
        timestamp.to_string().parse().expect("timestamp"),
    );
    headers.insert(
        "svix-signature",
        webhook.sign("msg_1", timestamp, body).parse().expect("signature"),
    );
    let event = webhook.verify(&headers, body).await.expect("signed webhook");
    assert_eq!(event.event_type, EventType::UserCreated);
    let replay = webhook.verify(&headers, body).await.unwrap_err();
    assert_eq!(replay.reason(), "webhook-replayed");
    let forged = webhook.verify(&headers, b"{}").await.unwrap_err();
    assert_eq!(forged.reason(), "webhook-no-matching-signature");
}
