// `Option<ClerkMachine>` (here by full paths) with an `accepts` of session tokens only: it would
// always be `None`.
use clerk_sdk::clerk_protected;

#[clerk_protected(accepts = "session_token")]
async fn handler(machine: ::core::option::Option<clerk_sdk::axum::ClerkMachine>) -> bool {
    machine.is_some()
}

fn main() {}
