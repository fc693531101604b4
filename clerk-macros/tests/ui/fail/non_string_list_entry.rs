// List entries are string literals too.
use clerk_sdk::clerk_protected;

#[clerk_protected(accepts = ["session_token", 42])]
async fn handler() {}

fn main() {}
