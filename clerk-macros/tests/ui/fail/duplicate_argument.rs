// The same argument twice: reported on the second keyword, with the any-of form as a hint.
use clerk_sdk::clerk_protected;

#[clerk_protected(role = "org:admin", role = "org:billing")]
async fn handler() {}

fn main() {}
