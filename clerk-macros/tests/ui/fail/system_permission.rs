// System permissions never appear in session tokens: the check could never pass.
use clerk_sdk::clerk_protected;

#[clerk_protected(permission = "org:sys_memberships:manage")]
async fn handler() {}

fn main() {}
