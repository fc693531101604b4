// Role, permission, feature, plan and reverification apply to session callers only: with an
// `accepts` that admits no session token they could never run.
use clerk_sdk::clerk_protected;

#[clerk_protected(role = "org:admin", reverification = "strict", accepts = "m2m_token")]
async fn handler() {}

fn main() {}
