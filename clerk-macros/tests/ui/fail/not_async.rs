// Handlers are `async fn`s: the error is on the `fn` token, and the fn is kept as written.
use clerk_sdk::clerk_protected;

#[clerk_protected]
fn handler() -> &'static str {
    "hi"
}

fn main() {
    let _ = handler();
}
