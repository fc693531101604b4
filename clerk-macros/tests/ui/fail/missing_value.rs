// An argument without `= value`.
use clerk_sdk::clerk_protected;

#[clerk_protected(role)]
async fn handler() {}

fn main() {}
