// The attribute goes on handler functions only.
use clerk_sdk::clerk_protected;

#[clerk_protected(role = "org:admin")]
struct Handler;

fn main() {
    let _ = Handler;
}
