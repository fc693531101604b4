//! The expansion is clean under strict rustc and clippy lints: `cargo clippy --all-targets`
//! checks this file with `clippy::pedantic` denied (thiserror's `test_lints.rs`), and
//! `cargo test` runs it. `ui/pass/lints.rs` does the same under plain rustc.
#![deny(
    warnings,
    unused_qualifications,
    unused_results,
    missing_docs,
    unreachable_pub,
    clippy::pedantic,
    clippy::nursery
)]

use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use clerk_sdk::axum::ClerkSession;
use clerk_sdk::{Clerk, clerk_protected};

#[derive(Clone, FromRef)]
struct App {
    clerk: Clerk,
}

#[clerk_protected]
async fn bare() {}

#[clerk_protected(
    role = ["org:admin", "org:billing"],
    permission = "org:invoices:read",
    feature = "user:reports",
    plan = "org:pro",
    reverification = "strict_mfa",
    accepts = ["session_token", "m2m_token", "oauth_token", "api_key"]
)]
async fn everything() {}

#[clerk_protected(accepts = "any")]
async fn any() {}

#[clerk_protected(accepts = "oauth_token")]
async fn one() {}

/// A window long enough for `clippy::unreadable_literal`, were the expansion's minutes linted.
#[clerk_protected(reverification = "multi_factor:4294967295")]
async fn long_window() {}

/// A public handler with a session extractor.
#[clerk_protected(role = "org:admin", reverification = "first_factor:30")]
pub async fn public(ClerkSession(session): ClerkSession) -> String {
    session.user_id().to_owned()
}

#[test]
fn routes() {
    let keys = clerk_sdk::testing::TestKeys::generate().expect("keys");
    let clerk = Clerk::new(keys.config_builder().build().expect("config"));
    let _app: Router = Router::new()
        .route("/", get(bare))
        .route("/everything", get(everything))
        .route("/any", get(any))
        .route("/one", get(one))
        .route("/long", get(long_window))
        .route("/public", get(public))
        .with_state(App { clerk });
}
