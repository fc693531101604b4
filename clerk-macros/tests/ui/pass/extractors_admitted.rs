// `ClerkMachine` and `ClerkSession` (and their `Option` forms) where `accepts` admits callers
// they succeed for: no error.
use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use clerk_sdk::axum::{ClerkMachine, ClerkSession};
use clerk_sdk::{Clerk, clerk_protected};

#[derive(Clone, FromRef)]
struct App {
    clerk: Clerk,
}

#[clerk_protected(accepts = ["session_token", "m2m_token"])]
async fn machine(ClerkMachine(machine): ClerkMachine) -> String {
    machine.subject().to_owned()
}

#[clerk_protected(accepts = "any")]
async fn session(ClerkSession(session): ClerkSession) -> String {
    session.user_id().to_owned()
}

#[clerk_protected(accepts = ["session_token", "api_key"])]
async fn either(
    session: Option<ClerkSession>,
    machine: ::core::option::Option<clerk_sdk::axum::ClerkMachine>,
) -> String {
    match (session, machine) {
        (Some(ClerkSession(session)), _) => session.user_id().to_owned(),
        (None, Some(ClerkMachine(machine))) => machine.subject().to_owned(),
        (None, None) => String::new(),
    }
}

#[clerk_protected(accepts = "oauth_token")]
async fn oauth(ClerkMachine(machine): clerk_sdk::axum::ClerkMachine) -> String {
    machine.subject().to_owned()
}

fn main() {
    let keys = clerk_sdk::testing::TestKeys::generate().unwrap();
    let clerk = Clerk::new(keys.config_builder().build().unwrap());
    let _app: Router = Router::new()
        .route("/machine", get(machine))
        .route("/session", get(session))
        .route("/either", get(either))
        .route("/oauth", get(oauth))
        .with_state(App { clerk });
}
