// A feature or plan scope other than org / user would always fail.
use clerk_sdk::clerk_protected;

#[clerk_protected(feature = "team:reports")]
async fn handler() {}

fn main() {}
