// The expansion names only `::core` and `::clerk_sdk::__private`, so local items that shadow
// `Result`, `Option`, `axum`, `core`, `clerk_sdk` or the runtime's names change nothing.
#![allow(dead_code)]

use ::axum::extract::FromRef;
use ::axum::routing::get;

struct Result;
struct Option;
struct Some;
struct None;
struct TokenType;
struct Guard;
struct Policy;
struct Accepts;
struct Reverification;
struct ReverificationLevel;
mod axum {}
mod core {}
mod clerk_sdk {}

#[derive(Clone, FromRef)]
struct App {
    clerk: ::clerk_sdk::Clerk,
}

#[::clerk_sdk::clerk_protected(
    role = ["org:admin", "org:billing"],
    permission = "org:invoices:read",
    feature = "org:reports",
    plan = "pro",
    reverification = "strict",
    accepts = ["session_token", "m2m_token"]
)]
async fn handler() -> &'static str {
    let auth = "the body's own `auth` local";
    auth
}

#[::clerk_sdk::clerk_protected(reverification = "second_factor:30")]
async fn custom_window() {}

fn main() {
    let keys = ::clerk_sdk::testing::TestKeys::generate().unwrap();
    let clerk = ::clerk_sdk::Clerk::new(keys.config_builder().build().unwrap());
    let _app: ::axum::Router = ::axum::Router::new()
        .route("/", get(handler))
        .route("/custom", get(custom_window))
        .with_state(App { clerk });
}
