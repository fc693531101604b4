//! What the models' tests share: parsing the way the client does, and comparing a model's
//! serialization with the body it was read from.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Parses `json` as the client does (through `serde_path_to_error`), panicking with the
/// failing field's path.
pub(crate) fn parse<T: DeserializeOwned>(json: &str) -> T {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => value,
        Err(err) => panic!("{} at {}", err.inner(), err.path()),
    }
}

/// The path and message of the error parsing `json` as `T` gives.
pub(crate) fn parse_error<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> (String, String) {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let err =
        serde_path_to_error::deserialize::<_, T>(&mut deserializer).expect_err("the body should not parse");
    (err.path().to_string(), err.inner().to_string())
}

/// `value` without `null`s and empty lists, at any depth: what a model may write differently
/// from Clerk (an absent optional field, a `null` list read as empty) without losing anything.
fn without_empties(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| (key, without_empties(value)))
                .filter(|(_, value)| !is_empty(value))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_empties).collect()),
        other => other,
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// Whether everything in `original` is in `written` unchanged (`written` may add fields).
fn is_within(original: &Value, written: &Value) -> bool {
    match (original, written) {
        (Value::Object(original), Value::Object(written)) => original
            .iter()
            .all(|(key, value)| written.get(key).is_some_and(|w| is_within(value, w))),
        (Value::Array(original), Value::Array(written)) => {
            original.len() == written.len() && original.iter().zip(written).all(|(o, w)| is_within(o, w))
        }
        (original, written) => original == written,
    }
}

/// Reads `json` as `T`, writes it back, and checks nothing was lost or changed (a `null` or
/// empty list may come back as an absent field or an empty value, and a missing field as its
/// default) and that reading the output gives the same value.
pub(crate) fn assert_round_trip<T>(json: &str)
where
    T: DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let model: T = parse(json);
    let written = serde_json::to_value(&model).expect("models serialize");
    let original: Value = serde_json::from_str(json).expect("fixtures are JSON");
    let original = without_empties(original);
    assert!(
        is_within(&original, &written),
        "lost or changed in writing:\n{original:#}\nwritten:\n{written:#}"
    );
    let reread: T = serde_json::from_value(written).expect("the output reads back");
    assert_eq!(reread, model);
}
