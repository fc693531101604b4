// actix-web's optional form, `Maybe<ClerkMachine>`, with the default `accepts` (session tokens
// only): it would always be `None`.
use clerk_sdk::actix::{ClerkMachine, Maybe};
use clerk_sdk::clerk_protected;

#[clerk_protected]
async fn handler(Maybe(machine): Maybe<ClerkMachine>) -> &'static str {
    if machine.is_some() { "machine" } else { "session" }
}

fn main() {}
