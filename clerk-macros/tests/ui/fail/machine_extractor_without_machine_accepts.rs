// `ClerkMachine` without `accepts`: only session tokens are admitted, so the extractor would
// refuse every caller the guard lets through. The error is on the argument's type.
use clerk_sdk::axum::ClerkMachine;
use clerk_sdk::clerk_protected;

#[clerk_protected]
async fn handler(ClerkMachine(machine): ClerkMachine) -> String {
    machine.subject().to_owned()
}

fn main() {}
