// An actix-web handler must be an `async fn` too: our error, on the `fn` token, comes first; the
// fn is kept as written, so actix's own `Handler` error at `.to(me)` follows it.
use actix_web::{App, web};
use clerk_sdk::actix::ClerkSession;
use clerk_sdk::clerk_protected;

#[clerk_protected]
fn me(ClerkSession(session): ClerkSession) -> String {
    session.user_id().to_owned()
}

fn main() {
    let _app = App::new().route("/me", web::get().to(me));
}
