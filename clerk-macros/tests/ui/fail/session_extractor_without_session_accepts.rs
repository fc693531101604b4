// `ClerkSession` with an `accepts` that admits no session token: the extractor would refuse
// every caller the guard lets through.
use clerk_sdk::axum::ClerkSession;
use clerk_sdk::clerk_protected;

#[clerk_protected(accepts = ["m2m_token", "api_key"])]
async fn handler(ClerkSession(session): ClerkSession) -> String {
    session.user_id().to_owned()
}

fn main() {}
