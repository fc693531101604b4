// A misspelt argument: rejected, with the closest valid one and the full list.
use clerk_sdk::clerk_protected;

#[clerk_protected(rol = "org:admin")]
async fn handler() {}

fn main() {}
