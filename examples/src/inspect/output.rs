//! The JSON documents the commands print, built in the documented key order (serde_json's
//! `preserve_order` keeps it), and the writer that prints them.

use std::io::Write;

use clerk_sdk::dangerous::UnverifiedToken;
use clerk_sdk::{
    Auth, MachineAuth, RequestState, SessionAuth,
    webhook::{WebhookError, WebhookEvent},
};
use serde_json::{Map, Value, json};

use super::Error;
use super::args::HasArg;

/// The label `decode` puts on everything it prints.
pub(super) const UNVERIFIED_WARNING: &str = "UNVERIFIED: signature and claims were not checked";

/// `verify`: `{"status", "reason", "message", "token_type", "is_authenticated", "auth", "has"}`,
/// with `auth.machine` for machine callers.
pub(super) fn verify(state: &RequestState, has: &[HasArg]) -> Value {
    let has: Vec<Value> = has
        .iter()
        .map(|h| {
            let params: Map<String, Value> = h
                .pairs
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            json!({ "params": params, "result": state.auth().has(&h.check) })
        })
        .collect();
    json!({
        "status": state.status().as_str(),
        "reason": state.reason_str(),
        "message": state.message(),
        "token_type": state.token_type().map(|t| t.as_str()),
        "is_authenticated": state.is_authenticated(),
        "auth": auth(state.auth()),
        "has": has,
    })
}

/// The `auth` object: every field of a signed-in session, or nulls (plus the session status of
/// a pending session that was treated as signed out), and last `machine`: the machine caller's
/// fields, or null for sessions and signed-out states. The keys are the same in every case.
///
/// A machine caller's session fields stay null, as upstream's machine auth objects have none,
/// but `user_id` and `org_id` are the user or organization it acts for (an OAuth token's
/// subject, an API key's `user_…` or `org_…` subject), as upstream's top-level `userId` and
/// `orgId`; `machine.user_id` / `machine.org_id` say the same.
fn auth(auth: &Auth) -> Value {
    match auth {
        Auth::Session(session) => session_fields(session),
        Auth::Machine(machine) => {
            let mut fields = no_session_fields(None, machine_fields(machine));
            fields["user_id"] = json!(auth.user_id());
            fields["org_id"] = json!(auth.org_id());
            fields
        }
        Auth::SignedOut(signed_out) => no_session_fields(signed_out.session_status(), Value::Null),
        // `Auth` is non-exhaustive: a kind this tool does not know prints as signed out.
        _ => no_session_fields(None, Value::Null),
    }
}

fn session_fields(session: &SessionAuth) -> Value {
    let claims = session.claims();
    json!({
        "user_id": session.user_id(),
        "session_id": session.session_id(),
        "session_status": session.session_status(),
        "org_id": session.org_id(),
        "org_slug": session.org_slug(),
        "org_role": session.org_role(),
        "org_permissions": session.org_permissions(),
        "actor": session.actor(),
        "factor_verification_age": claims.get("fva"),
        "features": claims.str("fea"),
        "plans": claims.str("pla"),
        "machine": null,
    })
}

/// Null session fields (but the status of a pending session), then `machine`.
fn no_session_fields(session_status: Option<&str>, machine: Value) -> Value {
    json!({
        "user_id": null,
        "session_id": null,
        "session_status": session_status,
        "org_id": null,
        "org_slug": null,
        "org_role": null,
        "org_permissions": null,
        "actor": null,
        "factor_verification_age": null,
        "features": null,
        "plans": null,
        "machine": machine,
    })
}

/// `auth.machine`: `{"id", "subject", "scopes", "claims", "name", "client_id", "machine_id",
/// "user_id", "org_id"}`, null where the token type has no such field. The type itself is the
/// top-level `token_type`.
fn machine_fields(machine: &MachineAuth) -> Value {
    json!({
        "id": machine.id(),
        "subject": machine.subject(),
        "scopes": machine.scopes(),
        "claims": machine.claims(),
        "name": machine.name(),
        "client_id": machine.client_id(),
        "machine_id": machine.machine_id(),
        "user_id": machine.user_id(),
        "org_id": machine.org_id(),
    })
}

/// `decode`: `{"verified": false, "warning", "header", "claims"}`.
pub(super) fn decode(token: &UnverifiedToken) -> Value {
    json!({
        "verified": false,
        "warning": UNVERIFIED_WARNING,
        "header": token.header(),
        "claims": token.claims(),
    })
}

/// `mint`: `{"jwt_key_file", "kid", "token", "authorization", "claims"}`.
pub(super) fn mint(jwt_key_file: &str, kid: &str, token: &str, claims: &Map<String, Value>) -> Value {
    json!({
        "jwt_key_file": jwt_key_file,
        "kid": kid,
        "token": token,
        "authorization": format!("Bearer {token}"),
        "claims": claims,
    })
}

/// `webhook`: `{"ok", "reason", "message", "event"}`; `event` is the verified envelope
/// `{"type", "object", "data", "timestamp", "instance_id", "event_attributes"}`, or null with
/// the reason and message of the refusal.
pub(super) fn webhook(result: &Result<WebhookEvent, WebhookError>) -> Value {
    match result {
        Ok(event) => json!({
            "ok": true,
            "reason": null,
            "message": null,
            "event": {
                "type": event.event_type.as_str(),
                "object": event.object,
                "data": event.data,
                "timestamp": event.timestamp,
                "instance_id": event.instance_id,
                "event_attributes": event.event_attributes,
            },
        }),
        Err(error) => json!({
            "ok": false,
            "reason": error.reason(),
            "message": error.to_string(),
            "event": null,
        }),
    }
}

/// Prints `value` as pretty JSON followed by a newline.
pub(super) fn write(stdout: &mut dyn Write, value: &Value) -> Result<(), Error> {
    serde_json::to_writer_pretty(&mut *stdout, value)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(stdout))
        .and_then(|()| stdout.flush())
        .map_err(|e| Error::Internal(format!("cannot write to stdout: {e}")))
}
