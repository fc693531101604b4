// A `Result` return type, an early `return` in the body, and the verified session from the extractor.
use axum::Json;
use axum::Router;
use axum::extract::FromRef;
use axum::http::StatusCode;
use axum::routing::get;
use clerk_sdk::axum::ClerkSession;
use clerk_sdk::{Clerk, clerk_protected};

#[derive(Clone, FromRef)]
struct App {
    clerk: Clerk,
}

#[derive(serde::Serialize)]
struct Me {
    user_id: String,
}

#[clerk_protected(permission = "org:invoices:read")]
async fn handler(ClerkSession(session): ClerkSession) -> Result<Json<Me>, StatusCode> {
    let user_id = session.user_id().to_owned();
    if user_id.is_empty() {
        return Err(StatusCode::BAD_REQUEST);
    }
    Ok(Json(Me { user_id }))
}

fn main() {
    let keys = clerk_sdk::testing::TestKeys::generate().unwrap();
    let clerk = Clerk::new(keys.config_builder().build().unwrap());
    let _app: Router = Router::new().route("/", get(handler)).with_state(App { clerk });
}
