// Several token types in one string: the suggestion is the list form with all of them, not
// the closest single name (which would silently drop the others).
use clerk_sdk::clerk_protected;

#[clerk_protected(accepts = "session_token, m2m_token")]
async fn handler() {}

fn main() {}
