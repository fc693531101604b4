//! A Clerk-protected actix-web API: session routes behind one `ClerkMiddleware`, and a webhook
//! route beside them.

use actix_web::{App, HttpServer, web};
use clerk_sdk::actix::{ClerkMiddleware, ClerkSession, ClerkWebhook};
use clerk_sdk::webhook::Webhook;
use clerk_sdk::{Clerk, clerk_protected};

/// Any signed-in session: 401 without a valid session token.
#[clerk_protected]
async fn me(ClerkSession(session): ClerkSession) -> String {
    format!("hello, {}", session.user_id())
}

/// Org admins only: 401 without a valid session token, 403 for other members.
#[clerk_protected(role = "org:admin")]
async fn admin(ClerkSession(session): ClerkSession) -> String {
    format!("hello, admin {}", session.user_id())
}

/// Org admins, or any m2m caller (role checks apply to session callers only).
#[clerk_protected(role = "org:admin", accepts = ["session_token", "m2m_token"])]
async fn reports() -> &'static str {
    "reports"
}

/// A webhook from Clerk, its signature checked: 400, 401 or 413 otherwise.
async fn clerk_events(ClerkWebhook(event): ClerkWebhook) -> String {
    format!("received {}", event.event_type)
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // CLERK_JWT_KEY (or CLERK_SECRET_KEY), CLERK_AUTHORIZED_PARTIES, ...
    let clerk = Clerk::from_env()?;
    // CLERK_WEBHOOK_SIGNING_SECRET (whsec_...)
    let webhook = Webhook::from_env()?;
    HttpServer::new(move || {
        App::new()
            // The guards and extractors take what they need from here.
            .app_data(web::Data::new(clerk.clone()))
            .app_data(web::Data::new(webhook.clone()))
            // Outside the middleware: a webhook carries a signature, not a token.
            .route("/webhooks/clerk", web::post().to(clerk_events))
            .service(
                web::scope("")
                    // Authenticates each request to these routes once; never rejects by itself.
                    .wrap(ClerkMiddleware::new(clerk.clone()))
                    .route("/me", web::get().to(me))
                    .route("/admin", web::get().to(admin))
                    .route("/reports", web::get().to(reports)),
            )
    })
    .bind(("127.0.0.1", 3000))?
    .run()
    .await?;
    Ok(())
}
