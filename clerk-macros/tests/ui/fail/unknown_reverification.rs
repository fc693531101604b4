// Reverification presets are strict_mfa, strict, moderate, lax, or level:minutes.
use clerk_sdk::clerk_protected;

#[clerk_protected(reverification = "strictest")]
async fn handler() {}

fn main() {}
