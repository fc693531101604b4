// An unknown token type, reported on its own literal with the closest valid name.
use clerk_sdk::clerk_protected;

#[clerk_protected(accepts = ["session_token", "m2m"])]
async fn handler() {}

fn main() {}
