// The same with `#[axum::debug_handler]` below the macro: the error lands on the attribute.
use axum::Router;
use axum::routing::get;
use clerk_sdk::clerk_protected;

#[derive(Clone)]
struct NoClerk;

#[clerk_protected]
#[axum::debug_handler(state = NoClerk)]
async fn handler() -> &'static str {
    "hi"
}

fn main() {
    let _app: Router = Router::new().route("/", get(handler)).with_state(NoClerk);
}
