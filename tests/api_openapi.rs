//! The Backend API client checked against Clerk's OpenAPI document for the API version it
//! sends (`Clerk-API-Version: 2026-05-12`): every row of `clerk_sdk::api::OPERATIONS` must be
//! an operation of the document with the same method, path template and path parameters, and
//! the same query and body parameter names (both ways, bar a short list of parameters not
//! offered on purpose). It also lists the fields of the core resources that the document
//! declares and the models do not (they still arrive, in each model's `extra` map).
//!
//! The document is not part of the repository: it is read from
//! `../shared/clerk-openapi/bapi-2026-05-12.yml` beside the repository root. Without it the
//! test says loudly that it skipped; with `CI=true` it fails.

use std::collections::BTreeSet;

use clerk_sdk::api::{self, OPERATIONS};
use serde_json::{Map, Value};

/// Spec parameters the typed operations leave out on purpose (reachable through
/// `BackendApi::request`): none at present.
const NOT_OFFERED: &[(&str, &str)] = &[];

/// The document, or `None` after saying loudly that it is missing (a failure with `CI=true`).
fn load_spec() -> Option<Value> {
    clerk_integration_tests::clerk_document("bapi-2026-05-12.yml")
}

/// Follows `$ref`s (`#/components/...`) until a value without one.
fn resolve<'a>(spec: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(reference) = v.get("$ref").and_then(Value::as_str) else {
            return v;
        };
        let pointer = reference.trim_start_matches('#');
        v = spec.pointer(pointer).unwrap_or(&Value::Null);
    }
    v
}

/// The properties of a schema, `allOf` parts merged.
fn properties(spec: &Value, schema: &Value) -> Map<String, Value> {
    let schema = resolve(spec, schema);
    let mut out = Map::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        out.extend(props.clone());
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
            out.extend(properties(spec, part));
        }
    }
    out
}

#[test]
fn every_typed_operation_matches_the_openapi_document() {
    let Some(spec) = load_spec() else { return };
    let mut problems = Vec::new();
    for op in OPERATIONS {
        let Some(item) = spec["paths"].get(op.path) else {
            problems.push(format!("{}: no path {} in the document", op.name, op.path));
            continue;
        };
        let Some(operation) = item.get(op.method.to_ascii_lowercase()) else {
            problems.push(format!(
                "{}: no {} {} in the document",
                op.name, op.method, op.path
            ));
            continue;
        };
        let params: Vec<&Value> = [item.get("parameters"), operation.get("parameters")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
            .map(|p| resolve(&spec, p))
            .collect();
        let named = |place: &str| -> BTreeSet<String> {
            params
                .iter()
                .filter(|p| p["in"] == place)
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect()
        };
        let path_params: BTreeSet<String> = op.path_params().map(str::to_owned).collect();
        if path_params != named("path") {
            problems.push(format!(
                "{}: path parameters {path_params:?} vs {:?}",
                op.name,
                named("path")
            ));
        }
        let ours: BTreeSet<String> = op
            .query
            .iter()
            .chain(op.fixed_query.iter().map(|(k, _)| k))
            .map(|s| (*s).to_owned())
            .collect();
        compare(op.name, "query", &ours, &named("query"), &mut problems);
        let body: BTreeSet<String> = operation
            .get("requestBody")
            .map(|b| resolve(&spec, b))
            .and_then(|b| b.pointer("/content/application~1json/schema"))
            .map(|schema| properties(&spec, schema).keys().cloned().collect())
            .unwrap_or_default();
        let ours: BTreeSet<String> = op.body.iter().map(|s| (*s).to_owned()).collect();
        compare(op.name, "body", &ours, &body, &mut problems);
    }
    assert!(
        problems.is_empty(),
        "the table drifted from the document:\n{}",
        problems.join("\n")
    );
    println!("{} typed operations match the document", OPERATIONS.len());
}

fn compare(
    op: &str,
    place: &str,
    ours: &BTreeSet<String>,
    spec: &BTreeSet<String>,
    problems: &mut Vec<String>,
) {
    for name in ours.difference(spec) {
        problems.push(format!("{op}: {place} parameter {name} is not in the document"));
    }
    for name in spec.difference(ours) {
        if !NOT_OFFERED.contains(&(op, name.as_str())) {
            problems.push(format!(
                "{op}: the document's {place} parameter {name} is not offered"
            ));
        }
    }
}

/// A value of the schema's shape: every property present, nested resources filled in, so the
/// keys a model does not know end up in its `extra` map.
fn sample(spec: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(spec, schema);
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    let props = properties(spec, schema);
    let kind = schema.get("type").and_then(Value::as_str);
    if !props.is_empty() || kind == Some("object") {
        if depth > 4 {
            return Value::Object(Map::new());
        }
        return Value::Object(
            props
                .iter()
                .map(|(k, v)| (k.clone(), sample(spec, v, depth + 1)))
                .collect(),
        );
    }
    match kind {
        Some("array") if depth <= 4 => match schema.get("items") {
            Some(items) => Value::Array(vec![sample(spec, items, depth + 1)]),
            None => Value::Array(Vec::new()),
        },
        Some("array") => Value::Array(Vec::new()),
        Some("string") => Value::String("x".to_owned()),
        Some("integer") => Value::from(1),
        Some("number") => Value::from(1.5),
        Some("boolean") => Value::Bool(false),
        _ => Value::Null,
    }
}

type Unknown = fn(Value) -> Result<Vec<String>, serde_json::Error>;

macro_rules! unknown_keys {
    ($ty:ty) => {
        (|v: Value| serde_json::from_value::<$ty>(v).map(|m| m.extra.keys().cloned().collect())) as Unknown
    };
}

#[test]
fn core_models_read_the_documents_shapes_and_unmodelled_fields_are_listed() {
    let Some(spec) = load_spec() else { return };
    let models: [(&str, &str, Unknown); 13] = [
        ("User", "User", unknown_keys!(api::User)),
        ("EmailAddress", "EmailAddress", unknown_keys!(api::EmailAddress)),
        ("PhoneNumber", "PhoneNumber", unknown_keys!(api::PhoneNumber)),
        ("Web3Wallet", "Web3Wallet", unknown_keys!(api::Web3Wallet)),
        (
            "ExternalAccount",
            "ExternalAccountWithVerification",
            unknown_keys!(api::ExternalAccount),
        ),
        (
            "EnterpriseAccount",
            "EnterpriseAccount",
            unknown_keys!(api::EnterpriseAccount),
        ),
        ("Organization", "Organization", unknown_keys!(api::Organization)),
        (
            "OrganizationMembership",
            "OrganizationMembership",
            unknown_keys!(api::OrganizationMembership),
        ),
        (
            "PublicUserData",
            "OrganizationMembershipPublicUserData",
            unknown_keys!(api::PublicUserData),
        ),
        ("Invitation", "Invitation", unknown_keys!(api::Invitation)),
        (
            "OrganizationInvitation",
            "OrganizationInvitation",
            unknown_keys!(api::OrganizationInvitation),
        ),
        ("Session", "Session", unknown_keys!(api::Session)),
        (
            "DeletedObject",
            "DeletedObject",
            unknown_keys!(api::DeletedObject),
        ),
    ];
    let mut failures = Vec::new();
    for (model, schema_name, unknown) in models {
        let schema = &spec["components"]["schemas"][schema_name];
        assert!(schema.is_object(), "no schema {schema_name} in the document");
        let value = sample(&spec, schema, 0);
        match unknown(value) {
            Ok(keys) if keys.is_empty() => println!("{model} ({schema_name}): every field modelled"),
            Ok(keys) => println!(
                "{model} ({schema_name}): not modelled (kept in extra): {}",
                keys.join(", ")
            ),
            Err(e) => failures.push(format!("{model} cannot read a {schema_name}-shaped body: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
