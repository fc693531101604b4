// `crate = "..."` is a path.
use clerk_sdk::clerk_protected;

#[clerk_protected(crate = "not a path")]
async fn handler() {}

fn main() {}
