//! The expansion compiles under strict lints (clippy's are checked by `tests/lints.rs`).
#![deny(
    warnings,
    unused_qualifications,
    unused_results,
    missing_docs,
    unreachable_pub
)]
#![deny(clippy::pedantic)]

use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
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

fn main() {
    let keys = clerk_sdk::testing::TestKeys::generate().unwrap();
    let clerk = Clerk::new(keys.config_builder().build().unwrap());
    let _app: Router = Router::new()
        .route("/", get(bare))
        .route("/everything", get(everything))
        .route("/any", get(any))
        .route("/one", get(one))
        .with_state(App { clerk });
}
