// `accepts = []` would refuse every request.
use clerk_sdk::clerk_protected;

#[clerk_protected(accepts = [])]
async fn handler() {}

fn main() {}
