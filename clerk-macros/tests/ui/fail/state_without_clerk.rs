// A router whose state holds no `Clerk`: the guard cannot authenticate.
use axum::Router;
use axum::routing::get;
use clerk_sdk::clerk_protected;

#[derive(Clone)]
struct NoClerk;

#[clerk_protected]
async fn handler() -> &'static str {
    "hi"
}

fn main() {
    let _app: Router = Router::new().route("/", get(handler)).with_state(NoClerk);
}
