//! Wire encoding: ids as single path segments, parameters as query pairs or a JSON body.
//!
//! The rules, and why:
//! - an id is percent-encoded as one path segment (everything but `A-Z a-z 0-9 - . _ ~`), so a
//!   `/` or `?` in it cannot reach another endpoint; an empty id, `.` and `..` (also once
//!   percent-decoded, up to ten times, as `@clerk/backend` checks) are refused;
//! - a repeatable parameter is the same key repeated, without `[]`; integers are plain
//!   integers; `false` and `0` are sent when set (upstream drops them, and they mean
//!   something: `banned=false`); an empty string is left out of a query, as upstream does
//!   (an empty filter means no filter, and Clerk refuses an empty `order_by`);
//! - query values are form-encoded, so `+` in `order_by=+created_at` is sent as `%2B`;
//! - a body is a JSON object of the top-level wire names only; metadata values are sent
//!   untouched, `null`s included (in a merge, `null` deletes the key);
//! - timestamps in bodies are RFC 3339 strings.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::time::SystemTime;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde::ser::{SerializeMap, Serializer};

use super::error::Refusal;

/// Everything but RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Parameters whose values never appear in `Debug`.
const SECRET_PARAMS: &[&str] = &["password", "password_digest", "totp_secret", "backup_codes"];

/// `id` as one path segment, or the refusal naming `what` (`user_id`, …).
pub(crate) fn segment(what: &'static str, id: &str) -> Result<String, Refusal> {
    if id.is_empty() {
        return Err(Refusal::EmptyId(what));
    }
    if is_dot_segment(id) {
        return Err(Refusal::DotSegment(what));
    }
    Ok(utf8_percent_encode(id, SEGMENT).to_string())
}

/// `.` or `..`, also after up to ten rounds of percent-decoding.
pub(crate) fn is_dot_segment(raw: &str) -> bool {
    let mut current: Cow<'_, str> = Cow::Borrowed(raw);
    for _ in 0..10 {
        if current == "." || current == ".." {
            return true;
        }
        let decoded = percent_decode_str(&current).decode_utf8_lossy().into_owned();
        if decoded == current {
            return false;
        }
        current = Cow::Owned(decoded);
    }
    current == "." || current == ".."
}

/// One parameter value as set by a caller.
#[derive(Clone, PartialEq)]
pub(crate) enum Param {
    Str(String),
    Many(Vec<String>),
    Bool(bool),
    Int(i64),
    Json(serde_json::Value),
}

/// Parameters in the order they were first set (a parameter set again keeps its place).
#[derive(Clone, Default, PartialEq)]
pub(crate) struct Fields(Vec<(&'static str, Param)>);

impl Fields {
    pub(crate) fn set(&mut self, name: &'static str, value: Param) {
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some((_, slot)) => *slot = value,
            None => self.0.push((name, value)),
        }
    }

    /// Appends to a repeatable parameter.
    pub(crate) fn append(&mut self, name: &'static str, values: Vec<String>) {
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some((_, Param::Many(existing))) => existing.extend(values),
            _ => self.set(name, Param::Many(values)),
        }
    }

    pub(crate) fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|(n, _)| *n)
    }

    pub(crate) fn int(&self, name: &str) -> Option<i64> {
        self.0.iter().find_map(|(n, v)| match v {
            Param::Int(i) if *n == name => Some(*i),
            _ => None,
        })
    }

    pub(crate) fn str(&self, name: &str) -> Option<&str> {
        self.0.iter().find_map(|(n, v)| match v {
            Param::Str(s) if *n == name => Some(s.as_str()),
            _ => None,
        })
    }

    /// Keeps the parameters whose name passes `keep`.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&'static str) -> bool) {
        self.0.retain(|(n, _)| keep(n));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Refuses a `limit` outside 1..=500.
    pub(crate) fn check_limit(&self) -> Result<(), Refusal> {
        match self.int("limit") {
            Some(l) if !(1..=500).contains(&l) => {
                Err(Refusal::LimitOutOfRange(u64::try_from(l).unwrap_or(0)))
            }
            _ => Ok(()),
        }
    }

    /// The query pairs, repeatable parameters as repeated keys; an empty string is left out.
    pub(crate) fn push_query(&self, out: &mut Vec<(Cow<'static, str>, String)>) {
        for (name, value) in &self.0 {
            let key = Cow::Borrowed(*name);
            match value {
                Param::Str(s) if s.is_empty() => {}
                Param::Str(s) => out.push((key, s.clone())),
                Param::Many(values) => {
                    out.extend(values.iter().map(|v| (key.clone(), v.clone())));
                }
                Param::Bool(b) => out.push((key, b.to_string())),
                Param::Int(i) => out.push((key, i.to_string())),
                Param::Json(v) => out.push((key, v.to_string())),
            }
        }
    }

    /// The JSON body, keys in the order they were set.
    pub(crate) fn to_json(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128);
        let mut ser = serde_json::Serializer::new(&mut out);
        // Writing into a Vec cannot fail, and every value is plain JSON.
        let written = (|| {
            let mut map = ser.serialize_map(Some(self.0.len()))?;
            for (name, value) in &self.0 {
                match value {
                    Param::Str(s) => map.serialize_entry(name, s)?,
                    Param::Many(v) => map.serialize_entry(name, v)?,
                    Param::Bool(b) => map.serialize_entry(name, b)?,
                    Param::Int(i) => map.serialize_entry(name, i)?,
                    Param::Json(v) => map.serialize_entry(name, v)?,
                }
            }
            map.end()
        })();
        debug_assert!(written.is_ok());
        out
    }
}

impl fmt::Debug for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in &self.0 {
            if SECRET_PARAMS.contains(name) {
                map.entry(name, &"[redacted]");
                continue;
            }
            match value {
                Param::Str(s) => map.entry(name, s),
                Param::Many(v) => map.entry(name, v),
                Param::Bool(b) => map.entry(name, b),
                Param::Int(i) => map.entry(name, i),
                Param::Json(v) => map.entry(name, v),
            };
        }
        map.finish()
    }
}

/// The query string of `pairs` (form-encoded, `+` as `%2B`, space as `+`).
pub(crate) fn query_string(pairs: &[(Cow<'static, str>, String)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    ser.finish()
}

/// One or more values for a repeatable parameter: a string, or a collection of strings
/// (`Vec`, array, slice, set). For any other iterator, collect it or wrap it in [`Many`].
pub trait IntoValues {
    /// The values, in order.
    fn into_values(self) -> Vec<String>;
}

/// Any iterator of strings, as the values of a repeatable parameter.
///
/// ```
/// use clerk_sdk::api::{Many, UserListParams};
/// let ids = ["a", "b"].iter().map(|id| format!("user_{id}"));
/// let params = UserListParams::new().user_id(Many(ids));
/// assert_eq!(params, UserListParams::new().user_id(["user_a", "user_b"]));
/// ```
#[derive(Debug, Clone)]
pub struct Many<I>(pub I);

impl<I> IntoValues for Many<I>
where
    I: IntoIterator,
    I::Item: Into<String>,
{
    fn into_values(self) -> Vec<String> {
        self.0.into_iter().map(Into::into).collect()
    }
}

impl IntoValues for &str {
    fn into_values(self) -> Vec<String> {
        vec![self.to_owned()]
    }
}

impl IntoValues for String {
    fn into_values(self) -> Vec<String> {
        vec![self]
    }
}

impl IntoValues for &String {
    fn into_values(self) -> Vec<String> {
        vec![self.clone()]
    }
}

impl IntoValues for Cow<'_, str> {
    fn into_values(self) -> Vec<String> {
        vec![self.into_owned()]
    }
}

impl<S: Into<String>> IntoValues for Vec<S> {
    fn into_values(self) -> Vec<String> {
        self.into_iter().map(Into::into).collect()
    }
}

impl<S: Into<String>, const N: usize> IntoValues for [S; N] {
    fn into_values(self) -> Vec<String> {
        self.into_iter().map(Into::into).collect()
    }
}

impl<S: AsRef<str>> IntoValues for &[S] {
    fn into_values(self) -> Vec<String> {
        self.iter().map(|s| s.as_ref().to_owned()).collect()
    }
}

impl<S: AsRef<str>> IntoValues for &Vec<S> {
    fn into_values(self) -> Vec<String> {
        self.as_slice().into_values()
    }
}

impl<S: AsRef<str>, const N: usize> IntoValues for &[S; N] {
    fn into_values(self) -> Vec<String> {
        self.as_slice().into_values()
    }
}

impl<S: Into<String>> IntoValues for BTreeSet<S> {
    fn into_values(self) -> Vec<String> {
        self.into_iter().map(Into::into).collect()
    }
}

impl<S: Into<String>, H> IntoValues for HashSet<S, H> {
    fn into_values(self) -> Vec<String> {
        self.into_iter().map(Into::into).collect()
    }
}

/// `t` as RFC 3339 in UTC with millisecond precision (`2024-05-01T12:00:00.000Z`); times
/// before 1970 are clamped to the epoch.
pub(crate) fn rfc3339(t: SystemTime) -> String {
    let since = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60,
        since.subsec_millis()
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn segments_are_encoded_whole() {
        let cases = [
            ("user_123", "user_123"),
            ("a/b", "a%2Fb"),
            ("a?b#c", "a%3Fb%23c"),
            ("100%", "100%25"),
            ("with space", "with%20space"),
            ("plus+sign", "plus%2Bsign"),
            ("ünï", "%C3%BCn%C3%AF"),
            ("..a", "..a"),
            ("%41", "%2541"),
        ];
        for (id, want) in cases {
            assert_eq!(segment("user_id", id).unwrap(), want, "{id}");
        }
    }

    #[test]
    fn empty_and_dot_ids_are_refused() {
        assert_eq!(segment("user_id", ""), Err(Refusal::EmptyId("user_id")));
        for id in [".", "..", "%2e", "%2E%2e", "%252e%252e", "%25252e"] {
            assert_eq!(
                segment("user_id", id),
                Err(Refusal::DotSegment("user_id")),
                "{id}"
            );
        }
    }

    #[test]
    fn query_keeps_order_repeats_keys_and_encodes_plus() {
        let mut f = Fields::default();
        f.append("email_address", vec!["a@x.com".into()]);
        f.set("limit", Param::Int(0));
        f.set("banned", Param::Bool(false));
        f.append("email_address", vec!["b+c@x.com".into()]);
        f.set("order_by", Param::Str("+created_at".into()));
        f.set("limit", Param::Int(5));
        let mut pairs = Vec::new();
        f.push_query(&mut pairs);
        assert_eq!(
            query_string(&pairs),
            "email_address=a%40x.com&email_address=b%2Bc%40x.com&limit=5&banned=false&order_by=%2Bcreated_at"
        );
    }

    #[test]
    fn empty_strings_stay_out_of_queries_but_not_bodies() {
        let mut f = Fields::default();
        f.set("query", Param::Str(String::new()));
        f.append("email_address", vec![String::new()]);
        let mut pairs = Vec::new();
        f.push_query(&mut pairs);
        assert_eq!(query_string(&pairs), "email_address=");
        let mut body = Fields::default();
        body.set("username", Param::Str(String::new()));
        assert_eq!(String::from_utf8(body.to_json()).unwrap(), r#"{"username":""}"#);
    }

    #[test]
    fn limit_bounds() {
        for (limit, ok) in [(0, false), (1, true), (500, true), (501, false), (-1, false)] {
            let mut f = Fields::default();
            f.set("limit", Param::Int(limit));
            assert_eq!(f.check_limit().is_ok(), ok, "{limit}");
        }
    }

    #[test]
    fn body_keeps_metadata_nulls_and_order() {
        let mut f = Fields::default();
        f.set(
            "public_metadata",
            Param::Json(serde_json::json!({"a": null, "camelKey": {"x": 1}})),
        );
        f.append("email_address", vec!["a@x.com".into()]);
        f.set("skip_password_checks", Param::Bool(false));
        assert_eq!(
            String::from_utf8(f.to_json()).unwrap(),
            r#"{"public_metadata":{"a":null,"camelKey":{"x":1}},"email_address":["a@x.com"],"skip_password_checks":false}"#
        );
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let mut f = Fields::default();
        f.set("password", Param::Str("hunter2-secret".into()));
        f.set("username", Param::Str("ann".into()));
        let debug = format!("{f:?}");
        assert!(!debug.contains("hunter2"));
        assert!(debug.contains("ann"));
    }

    #[test]
    fn rfc3339_formats_utc_millis() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_714_564_800_123);
        assert_eq!(rfc3339(t), "2024-05-01T12:00:00.123Z");
        assert_eq!(rfc3339(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let leap = SystemTime::UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn values_from_strings_and_collections() {
        assert_eq!("a".into_values(), ["a"]);
        assert_eq!(vec!["a", "b"].into_values(), ["a", "b"]);
        assert_eq!(["a", "b"].into_values(), ["a", "b"]);
        assert_eq!(Many((1..3).map(|i| i.to_string())).into_values(), ["1", "2"]);
    }
}
