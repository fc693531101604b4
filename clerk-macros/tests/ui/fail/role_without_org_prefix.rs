// Organization roles are `org:<key>`.
use clerk_sdk::clerk_protected;

#[clerk_protected(role = "admin")]
async fn handler() {}

fn main() {}
