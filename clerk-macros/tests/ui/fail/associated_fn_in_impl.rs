// An associated fn inside an `impl` block (no `self`): the macro cannot see the block, so
// rustc refuses the policy items it generates there. Handlers are free `async fn`s.
use clerk_sdk::clerk_protected;

struct Api;

impl Api {
    #[clerk_protected]
    async fn handler() {}
}

fn main() {}
