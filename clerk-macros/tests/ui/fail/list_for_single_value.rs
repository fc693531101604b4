// Only `role` and `accepts` take lists.
use clerk_sdk::clerk_protected;

#[clerk_protected(permission = ["org:invoices:read", "org:invoices:write"])]
async fn handler() {}

fn main() {}
