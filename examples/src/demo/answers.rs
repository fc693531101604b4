//! What each route answers once its caller is admitted, whatever the framework: the axum
//! handlers (`routes.rs`) and the actix-web ones (`actix_routes.rs`) only extract and wrap
//! these bodies, so the two demos cannot answer differently.

use clerk_sdk::webhook::WebhookEvent;
use clerk_sdk::{Auth, MachineAuth, SessionAuth};
use serde_json::{Value, json};

/// `GET /public`.
pub(crate) fn public() -> Value {
    json!({ "message": "public: no sign-in needed" })
}

/// `GET /me`: who is signed in.
pub(crate) fn me(session: &SessionAuth) -> Value {
    json!({
        "user_id": session.user_id(),
        "org_id": session.org_id(),
        "org_role": session.org_role(),
    })
}

/// `GET /admin`, for an org admin.
pub(crate) fn admin(session: &SessionAuth) -> Value {
    json!({
        "message": "welcome, org admin",
        "user_id": session.user_id(),
        "org_id": session.org_id(),
    })
}

/// `GET /machine`, for an m2m caller.
pub(crate) fn machine(machine: &MachineAuth) -> Value {
    json!({
        "machine_id": machine.machine_id(),
        "token_type": machine.token_type().as_str(),
    })
}

/// `GET /either`, for a session or an m2m caller.
pub(crate) fn either(auth: &Auth) -> Value {
    match auth {
        Auth::Session(session) => json!({ "caller": "session", "user_id": session.user_id() }),
        Auth::Machine(machine) => json!({ "caller": "machine", "machine_id": machine.machine_id() }),
        // The guard admits only these two; a new kind of caller gets no data.
        _ => json!({ "caller": null }),
    }
}

/// `POST /webhooks/clerk`, for a verified webhook: logs the event type and the message id
/// (never the body or the secret) and acknowledges with the type.
///
/// `header` reads a request header's bytes: the two frameworks have different header types.
pub(crate) fn webhook_received<'a>(event: &WebhookEvent, header: impl Fn(&str) -> Option<&'a [u8]>) -> Value {
    tracing::info!(
        event_type = %event.event_type,
        id = message_id(header),
        "Clerk webhook received"
    );
    json!({ "received": event.event_type.as_str() })
}

/// The verified message id: `svix-id`, or `webhook-id` when that is absent or blank, as the
/// verifier reads it.
fn message_id<'a>(header: impl Fn(&str) -> Option<&'a [u8]>) -> &'a str {
    ["svix-id", "webhook-id"]
        .into_iter()
        .filter_map(|name| std::str::from_utf8(header(name)?).ok())
        .map(str::trim)
        .find(|id| !id.is_empty())
        .unwrap_or_default()
}
