// Visibility, doc comments and attributes are kept; a `pub` handler gets a `pub` policy type,
// so it can be routed from another module. `#[axum::debug_handler]` below the macro sees the
// guard argument.
use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use clerk_sdk::Clerk;

#[derive(Clone, FromRef)]
pub struct App {
    clerk: Clerk,
}

mod handlers {
    use clerk_sdk::clerk_protected;

    /// Any signed-in session.
    #[clerk_protected]
    #[axum::debug_handler(state = crate::App)]
    pub async fn me() -> &'static str {
        "me"
    }

    /// Crate-visible, and renamed with a raw identifier.
    #[clerk_protected(reverification = "second_factor:30")]
    #[must_use]
    pub(crate) async fn r#type() -> &'static str {
        "type"
    }

    /// Compiled out: the policy type goes with it.
    #[cfg(any())]
    #[clerk_protected]
    pub async fn gone() {}
}

fn main() {
    let keys = clerk_sdk::testing::TestKeys::generate().unwrap();
    let clerk = Clerk::new(keys.config_builder().build().unwrap());
    let _app: Router = Router::new()
        .route("/", get(handlers::me))
        .route("/type", get(handlers::r#type))
        .with_state(App { clerk });
}
