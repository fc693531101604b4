//! Shared setup for clerk-sdk's integration tests.

#![allow(dead_code, unreachable_pub)]

use std::sync::OnceLock;

use clerk_sdk::testing::TestKeys;
use clerk_sdk::{Clerk, RequestState, clock::FixedClock, config::ClerkConfigBuilder};
use http::{HeaderValue, Request};

/// The authorized party most tests use.
pub const APP: &str = "https://app.example.com";

/// One 2048-bit key pair for the whole test binary (generation costs tens of milliseconds).
pub fn keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| TestKeys::generate().expect("generate test keys"))
}

/// Another key pair, for wrong-key cases.
pub fn other_keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| TestKeys::generate().expect("generate test keys"))
}

/// A config builder wired to [`keys`], with [`APP`] as the authorized party.
pub fn builder() -> ClerkConfigBuilder {
    keys().config_builder().authorized_party(APP)
}

/// A `Clerk` from [`builder`].
pub fn clerk() -> Clerk {
    Clerk::new(builder().build().expect("config"))
}

/// A `Clerk` from [`builder`] whose clock reads `now_ms`.
pub fn clerk_at(now_ms: u64) -> Clerk {
    Clerk::new(builder().clock(FixedClock::new(now_ms)).build().expect("config"))
}

/// A request whose `Authorization` header is `value`.
pub fn request_with_authorization(value: &[u8]) -> Request<()> {
    let mut request = Request::new(());
    request.headers_mut().insert(
        http::header::AUTHORIZATION,
        HeaderValue::from_bytes(value).expect("header value"),
    );
    request
}

/// A request carrying `Authorization: Bearer <token>`.
pub fn bearer(token: &str) -> Request<()> {
    request_with_authorization(format!("Bearer {token}").as_bytes())
}

/// Authenticates `request`.
pub async fn authenticate(clerk: &Clerk, request: &Request<()>) -> RequestState {
    clerk.authenticate_request(request).await
}

/// The reason of a signed-out state, or `None` when signed in.
pub async fn reason(clerk: &Clerk, token: &str) -> Option<&'static str> {
    authenticate(clerk, &bearer(token)).await.reason_str()
}
