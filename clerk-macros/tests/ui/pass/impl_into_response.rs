// `impl IntoResponse` return types are untouched.
use axum::Router;
use axum::extract::FromRef;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use clerk_sdk::{Clerk, clerk_protected};

#[derive(Clone, FromRef)]
struct App {
    clerk: Clerk,
}

#[clerk_protected(accepts = "any")]
async fn handler() -> impl IntoResponse {
    (StatusCode::ACCEPTED, "queued")
}

fn main() {
    let keys = clerk_sdk::testing::TestKeys::generate().unwrap();
    let clerk = Clerk::new(keys.config_builder().build().unwrap());
    let _app: Router = Router::new().route("/", get(handler)).with_state(App { clerk });
}
