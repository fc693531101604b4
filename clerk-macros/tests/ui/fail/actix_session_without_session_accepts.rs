// `clerk_sdk::actix::ClerkSession` with an `accepts` that admits no session token: every
// request would be refused.
use clerk_sdk::clerk_protected;

#[clerk_protected(accepts = ["m2m_token", "api_key"])]
async fn handler(session: clerk_sdk::actix::ClerkSession) -> String {
    session.0.user_id().to_owned()
}

fn main() {}
