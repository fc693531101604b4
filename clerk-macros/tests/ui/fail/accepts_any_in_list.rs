// "any" stands alone.
use clerk_sdk::clerk_protected;

#[clerk_protected(accepts = ["session_token", "any"])]
async fn handler() {}

fn main() {}
