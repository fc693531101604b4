// actix-web handlers: the guard goes first, and any extractor may follow it (clerk-sdk's, the
// request's parts, a body), with the `Clerk` registered as `web::Data` or as itself.
use actix_web::{App, HttpRequest, web};
use clerk_sdk::actix::{ClerkAuth, ClerkMachine, ClerkMiddleware, ClerkSession, Maybe};
use clerk_sdk::{Clerk, clerk_protected};

#[derive(serde::Deserialize)]
struct Invoice {
    amount: u64,
}

#[clerk_protected]
async fn bare() -> &'static str {
    "bare"
}

#[clerk_protected(role = "org:billing", accepts = ["session_token", "api_key"])]
async fn create_invoice(
    greeting: web::Data<String>,
    ClerkAuth(auth): ClerkAuth,
    _request: HttpRequest,
    web::Json(invoice): web::Json<Invoice>,
) -> String {
    format!("{} {} {}", greeting.as_str(), auth.status(), invoice.amount)
}

#[clerk_protected(accepts = ["session_token", "m2m_token"], reverification = "strict")]
async fn either(
    Maybe(session): Maybe<ClerkSession>,
    Maybe(machine): Maybe<ClerkMachine>,
) -> String {
    format!("{} {}", session.is_some(), machine.is_some())
}

#[clerk_protected(plan = "org:pro")]
pub async fn echo(body: String) -> String {
    body
}

fn main() {
    let keys = clerk_sdk::testing::TestKeys::generate().unwrap();
    let clerk = Clerk::new(keys.config_builder().build().unwrap());
    let _data = App::new()
        .app_data(web::Data::new(clerk.clone()))
        .app_data(web::Data::new("hi".to_owned()))
        .wrap(ClerkMiddleware::new(clerk.clone()))
        .route("/", web::get().to(bare))
        .route("/invoices", web::post().to(create_invoice))
        .route("/either", web::get().to(either))
        .route("/echo", web::post().to(echo));
    let _plain = App::new().app_data(clerk).route("/", web::get().to(bare));
}
