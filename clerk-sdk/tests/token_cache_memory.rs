//! How much memory the token cache takes per token, measured with a counting global
//! allocator (`cap`): the live heap bytes after authenticating N distinct tokens, minus the live bytes
//! before, divided by the tokens cached. Everything the cache keeps is counted: entries, their
//! payload text, and the map's own tables.
//!
//! CI runs 4,000 tokens. The budget (100,000 tokens ≤ 64 MiB) is checked by hand:
//!
//! ```text
//! CACHE_MEMORY_TOKENS=100000 cargo test --release -p clerk-sdk --features testing \
//!     --test token_cache_memory -- --nocapture
//! ```
//!
//! Minting dominates the run time (one RSA-2048 signature per token, on two threads).

use std::alloc::System;

use cap::Cap;
use clerk_sdk::Clerk;
use clerk_sdk::testing::TestKeys;

/// Counts live heap bytes; this binary holds one test, so nothing else allocates meanwhile.
#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

const APP: &str = "https://app.example.com";
const BUDGET_FOR_100K: usize = 64 * 1024 * 1024;

/// A session token shaped like Clerk's v2 tokens with an active organization.
fn mint(keys: &TestKeys, i: usize) -> String {
    keys.session(format!("user_2{i:0>26}"))
        .authorized_party(APP)
        .issuer("https://clean-mayfly-62.clerk.accounts.dev")
        .session_id(format!("sess_2{i:0>26}"))
        .status("active")
        .factor_verification_age(12, -1)
        .org_v2(
            "org_2abcDEFghiJKLmnoPQRstuVWxyz",
            "acme",
            "admin",
            &["org:invoices:read", "org:invoices:write"],
        )
        .features("o:invoices,u:beta")
        .plans("o:pro")
        .claim("jti", format!("{i:0>20}"))
        .lifetime(std::time::Duration::from_secs(3600))
        .sign()
        .expect("mint")
}

#[tokio::test(flavor = "current_thread")]
async fn cached_tokens_stay_within_the_memory_budget() {
    let n: usize = std::env::var("CACHE_MEMORY_TOKENS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4_000);
    let keys = TestKeys::generate().expect("keys");
    let tokens: Vec<String> = std::thread::scope(|scope| {
        let halves = [0..n / 2, n / 2..n].map(|range| {
            let keys = &keys;
            scope.spawn(move || range.map(|i| mint(keys, i)).collect::<Vec<_>>())
        });
        halves
            .into_iter()
            .flat_map(|h| h.join().expect("mint thread"))
            .collect()
    });
    let clerk = Clerk::new(
        keys.config_builder()
            .authorized_party(APP)
            .token_cache_capacity(n + n / 4)
            .build()
            .expect("config"),
    );
    // One token first, so one-time allocations are not counted against the cache.
    let warm = mint(&keys, n);
    assert!(authenticate(&clerk, &warm).await);

    let before = ALLOCATOR.allocated();
    for token in &tokens {
        assert!(authenticate(&clerk, token).await);
    }
    let after = ALLOCATOR.allocated();
    let cached = clerk.cached_tokens() - 1;
    assert!(cached >= n * 95 / 100, "{cached} of {n} tokens cached");

    let per_token = (after - before) / cached;
    let payload = payload_len(&tokens[0]);
    let for_100k = per_token * 100_000;
    println!(
        "token cache: {cached} tokens, {} bytes live, {per_token} bytes per token \
         (payload {payload} bytes, token {} bytes); 100,000 tokens ≈ {:.1} MiB (budget 64 MiB)",
        after - before,
        tokens[0].len(),
        for_100k as f64 / (1024.0 * 1024.0),
    );
    assert!(for_100k <= BUDGET_FOR_100K, "{per_token} bytes per token");
}

async fn authenticate(clerk: &Clerk, token: &str) -> bool {
    let mut request = http::Request::new(());
    request.headers_mut().insert(
        http::header::AUTHORIZATION,
        format!("Bearer {token}").parse().expect("header"),
    );
    clerk.authenticate_request(&request).await.is_authenticated()
}

fn payload_len(token: &str) -> usize {
    use base64::Engine as _;
    let part = token.split('.').nth(1).expect("payload part");
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url")
        .len()
}
