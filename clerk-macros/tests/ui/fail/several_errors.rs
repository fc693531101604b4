// Validation errors are all reported at once, each on its own token.
use clerk_sdk::clerk_protected;

#[clerk_protected(role = ["org:admin", "billing"], permission = "org:sys_profile:delete", accepts = "mtm_token")]
async fn handler() {}

fn main() {}
