// A method taking `self` cannot be an actix-web handler either: the error is ours, on the
// receiver.
use actix_web::web;
use clerk_sdk::actix::ClerkSession;
use clerk_sdk::clerk_protected;

struct Api;

impl Api {
    #[clerk_protected(role = "org:admin")]
    async fn me(&self, ClerkSession(session): ClerkSession) -> String {
        session.user_id().to_owned()
    }
}

fn main() {
    let _ = (Api, web::get());
}
