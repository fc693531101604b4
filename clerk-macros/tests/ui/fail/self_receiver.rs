// Methods taking `self` are not supported in v1.
use clerk_sdk::clerk_protected;

struct Api;

impl Api {
    #[clerk_protected]
    async fn handler(&self) {}
}

fn main() {
    let _ = Api.handler();
}
