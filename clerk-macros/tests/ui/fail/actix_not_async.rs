// An actix-web handler must be an `async fn` too: the error is ours, on the `fn` token, and
// the fn is kept as written.
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
