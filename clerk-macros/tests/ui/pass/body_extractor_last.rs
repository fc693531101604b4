// A body extractor (`Json<T>`) stays in last position, after state and parts extractors; the
// guard goes first.
use axum::Json;
use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::HeaderMap;
use axum::routing::post;
use clerk_sdk::axum::ClerkAuth;
use clerk_sdk::{Clerk, clerk_protected};

#[derive(Clone, FromRef)]
struct App {
    clerk: Clerk,
    greeting: String,
}

#[derive(serde::Deserialize)]
struct Invoice {
    amount: u64,
}

#[clerk_protected(role = "org:billing", accepts = ["session_token", "api_key"])]
async fn create_invoice(
    State(greeting): State<String>,
    ClerkAuth(auth): ClerkAuth,
    _headers: HeaderMap,
    Json(invoice): Json<Invoice>,
) -> String {
    format!("{greeting} {} {}", auth.status(), invoice.amount)
}

#[clerk_protected(plan = "org:pro")]
async fn echo(body: String) -> String {
    body
}

fn main() {
    let keys = clerk_sdk::testing::TestKeys::generate().unwrap();
    let clerk = Clerk::new(keys.config_builder().build().unwrap());
    let _app: Router = Router::new()
        .route("/", post(create_invoice))
        .route("/echo", post(echo))
        .with_state(App {
            clerk,
            greeting: "hi".to_owned(),
        });
}
