// Permissions are `org:<feature>:<permission>`.
use clerk_sdk::clerk_protected;

#[clerk_protected(permission = "invoices:read")]
async fn handler() {}

fn main() {}
