//! The Backend API models read real-world-shaped bodies: the example payloads of Clerk's
//! webhook document (`../shared/clerk-openapi/webhooks-2025-04-15.yml`), whose `data` is the
//! same user, organization, membership, invitation, session or deleted object the Backend API
//! answers with, written by Clerk with the nulls, empty lists and fields the models do not
//! name. Every example of those event families must parse into its model, keep its id, and
//! write back the JSON it was read from (unknown fields stay reachable in `extra`). The one
//! latitude is the models' reading of "nothing": a `null` may be written back absent or as
//! the field's empty default (`{}` metadata, `[]`, `false`), and a field the model knows but
//! the body lacks may be written as such an empty value.
//!
//! The document is not part of the repository; without it the test says loudly that it
//! skipped, and with `CI=true` it fails.

use clerk_sdk::api::{
    DeletedObject, Organization, OrganizationInvitation, OrganizationMembership, Session, User,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The model an event's `data` is, by the event's name; `None` for the families the client
/// has no model of (emails, roles, billing…).
fn model_of(event: &str) -> Option<&'static str> {
    let (family, action) = event.split_once('.')?;
    Some(match (family, action) {
        ("user" | "organization", "deleted") => "DeletedObject",
        ("user", _) => "User",
        ("organization", _) => "Organization",
        ("organizationMembership", _) => "OrganizationMembership",
        ("organizationInvitation", _) => "OrganizationInvitation",
        ("session", _) => "Session",
        _ => return None,
    })
}

/// `data` read as `T`: the error, or what `T` writes back when it differs from `data`.
fn round_trip<T: DeserializeOwned + Serialize>(data: &Value) -> Result<(), String> {
    let model: T = serde_json::from_value(data.clone()).map_err(|e| format!("does not parse: {e}"))?;
    let written = serde_json::to_value(&model).map_err(|e| format!("does not serialize: {e}"))?;
    if written["id"] != data["id"] {
        return Err(format!("id {} read as {}", data["id"], written["id"]));
    }
    let lost = differences(data, &written, "");
    if lost.is_empty() {
        Ok(())
    } else {
        Err(format!("written back differently: {}", lost.join("; ")))
    }
}

/// "Nothing" as a model writes it: `null`, `false`, `{}` or `[]`.
fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// Where `written` differs from `read`, as JSON paths, bar the latitude the module's doc
/// describes.
fn differences(read: &Value, written: &Value, path: &str) -> Vec<String> {
    match (read, written) {
        (Value::Null, other) if is_empty_value(other) => Vec::new(),
        (Value::Object(a), Value::Object(b)) => {
            let mut out = Vec::new();
            for (key, value) in a {
                let at = format!("{path}.{key}");
                match b.get(key) {
                    Some(other) => out.extend(differences(value, other, &at)),
                    None if value.is_null() => {}
                    None => out.push(format!("{at} dropped")),
                }
            }
            out.extend(
                b.iter()
                    .filter(|(k, v)| !a.contains_key(*k) && !is_empty_value(v))
                    .map(|(k, v)| format!("{path}.{k} added as {v}")),
            );
            out
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .flat_map(|(i, (x, y))| differences(x, y, &format!("{path}[{i}]")))
            .collect(),
        _ if read == written => Vec::new(),
        _ => vec![format!("{path}: {read} became {written}")],
    }
}

/// The example's `data`: inline (`example`) or, for some events, the first of `examples`,
/// which refers to `#/components/examples/<name>` and its `value`.
fn example<'a>(document: &'a Value, body: &'a Value) -> &'a Value {
    if body["example"].is_object() {
        return &body["example"]["data"];
    }
    let Some(reference) = body["examples"]
        .as_object()
        .and_then(|examples| examples.values().next())
        .and_then(|first| first["$ref"].as_str())
    else {
        return &Value::Null;
    };
    let found = reference
        .trim_start_matches("#/")
        .split('/')
        .fold(document, |node, key| &node[key]);
    &found["value"]["data"]
}

#[test]
fn the_models_read_and_write_back_every_example_of_clerks_webhook_document() {
    let Some(document) = clerk_integration_tests::clerk_document("webhooks-2025-04-15.yml") else {
        return;
    };
    let events = document["x-webhooks"]
        .as_object()
        .expect("the document lists its events under x-webhooks");
    let mut checked = Vec::new();
    let mut failures = Vec::new();
    for (event, operation) in events {
        let Some(model) = model_of(event) else { continue };
        let body = &operation["post"]["requestBody"]["content"]["application/json"];
        let data = example(&document, body);
        if !data.is_object() {
            failures.push(format!("{event}: no example data"));
            continue;
        }
        let result = match model {
            "User" => round_trip::<User>(data),
            "Organization" => round_trip::<Organization>(data),
            "OrganizationMembership" => round_trip::<OrganizationMembership>(data),
            "OrganizationInvitation" => round_trip::<OrganizationInvitation>(data),
            "Session" => round_trip::<Session>(data),
            _ => round_trip::<DeletedObject>(data),
        };
        match result {
            Ok(()) => checked.push(format!("{event} as {model}")),
            Err(e) => failures.push(format!("{event} as {model}: {e}")),
        }
    }
    println!(
        "{} examples read and written back:\n  {}",
        checked.len(),
        checked.join("\n  ")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every family the client models has examples in the document (a renamed event would
    // otherwise be skipped without notice).
    for model in [
        "User",
        "Organization",
        "OrganizationMembership",
        "OrganizationInvitation",
        "Session",
        "DeletedObject",
    ] {
        assert!(
            checked.iter().any(|c| c.ends_with(&format!(" as {model}"))),
            "no example read as {model}"
        );
    }
}
