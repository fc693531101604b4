// `crate = "..."` points the expansion at clerk-sdk under another path.
use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;

mod deps {
    pub use ::clerk_sdk as clerk;
}

#[derive(Clone, FromRef)]
struct App {
    clerk: deps::clerk::Clerk,
}

#[deps::clerk::clerk_protected(crate = "crate::deps::clerk", accepts = "m2m_token")]
async fn handler() -> &'static str {
    "machines only"
}

fn main() {
    let keys = deps::clerk::testing::TestKeys::generate().unwrap();
    let clerk = deps::clerk::Clerk::new(keys.config_builder().build().unwrap());
    let _app: Router = Router::new().route("/", get(handler)).with_state(App { clerk });
}
