//! Wire rules the handlers share: Clerk's error body, query and body reading with Clerk's
//! validation errors, `limit`/`offset`/`order_by`, the list shapes and metadata merging.

use std::sync::atomic::{AtomicU64, Ordering};

use http::header::CONTENT_TYPE;
use http::{HeaderValue, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Bytes;
use serde_json::{Map, Value, json};

pub(super) type HttpResponse = Response<Full<Bytes>>;

pub(super) fn raw(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> HttpResponse {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

pub(super) fn json_response(status: StatusCode, body: &Value) -> HttpResponse {
    raw(status, "application/json", body.to_string())
}

/// A Clerk error answer: `{"errors":[{code, message, long_message, meta?}], "clerk_trace_id"}`.
#[derive(Debug)]
pub(super) struct ApiError {
    pub(super) status: StatusCode,
    code: &'static str,
    message: String,
    long_message: String,
    /// `meta.param_name`, for errors about one parameter.
    param: Option<String>,
}

impl ApiError {
    pub(super) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError {
            status,
            code,
            long_message: message.clone(),
            message,
            param: None,
        }
    }

    fn with_long(mut self, long_message: impl Into<String>) -> Self {
        self.long_message = long_message.into();
        self
    }

    fn with_param(mut self, param: &str) -> Self {
        self.param = Some(param.to_owned());
        self
    }

    /// 404 `resource_not_found`, as Clerk answers an unknown id.
    pub(super) fn not_found() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "resource_not_found", "not found")
            .with_long("Resource not found")
    }

    /// 422 `form_param_missing` for a required parameter.
    pub(super) fn missing(param: &str) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_missing",
            format!("{param} must be included."),
        )
        .with_long(format!("{param} must be included."))
        .with_param(param)
    }

    /// 422 `form_param_value_invalid` for a parameter of the wrong type or value.
    pub(super) fn invalid(param: &str, why: &str) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_value_invalid",
            "is invalid",
        )
        .with_long(format!("{param}: {why}"))
        .with_param(param)
    }

    /// 422 with a specific code, about `param`.
    pub(super) fn unprocessable(code: &'static str, param: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message).with_param(param)
    }

    /// 400 `malformed_request` for a body that is not a JSON object.
    pub(super) fn malformed(why: &str) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "malformed_request", why)
    }

    pub(super) fn response(&self) -> HttpResponse {
        let mut error = json!({
            "code": self.code,
            "message": self.message,
            "long_message": self.long_message,
        });
        if let Some(param) = &self.param {
            error["meta"] = json!({ "param_name": param });
        }
        json_response(
            self.status,
            &json!({ "errors": [error], "clerk_trace_id": trace_id() }),
        )
    }
}

/// A fresh trace id per error answer, as Clerk sends.
pub(super) fn trace_id() -> String {
    static TRACE: AtomicU64 = AtomicU64::new(1);
    format!("{:032x}", TRACE.fetch_add(1, Ordering::Relaxed))
}

/// The decoded query pairs of one request.
#[derive(Debug, Default)]
pub(super) struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub(super) fn new(pairs: Vec<(String, String)>) -> Self {
        Query { pairs }
    }

    /// Every value of `key`, in order.
    pub(super) fn all(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first value of `key` (Clerk keeps the first of a repeated scalar).
    pub(super) fn first(&self, key: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// `key` as a boolean: exactly `true` or `false`.
    pub(super) fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.first(key) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(_) => Err(ApiError::invalid(key, "must be true or false")),
        }
    }

    /// `key` as a non-negative integer: digits only, so `10.0` is refused as Clerk does.
    pub(super) fn u64(&self, key: &str) -> Result<Option<u64>, ApiError> {
        match self.first(key) {
            None => Ok(None),
            Some(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => text
                .parse()
                .map(Some)
                .map_err(|_| ApiError::invalid(key, "is too large")),
            Some(text) => Err(ApiError::invalid(
                key,
                &format!("{text} does not match one of the allowed values for parameter {key}"),
            )),
        }
    }

    /// `limit` (default 10, 1 to 500) and `offset` (default 0).
    ///
    /// Out-of-range limits are refused with a 422; the real API is reported to answer 10
    /// items for `limit=501` instead, which would hide a client bug in tests.
    pub(super) fn page(&self) -> Result<Page, ApiError> {
        let limit = self.u64("limit")?.unwrap_or(10);
        if !(1..=500).contains(&limit) {
            return Err(ApiError::invalid("limit", "must be between 1 and 500"));
        }
        let offset = self.u64("offset")?.unwrap_or(0);
        Ok(Page {
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
            offset: usize::try_from(offset).unwrap_or(usize::MAX),
        })
    }

    /// `order_by`: its first value, `+field` or `field` ascending, `-field` descending,
    /// `field` one of `allowed`; else `default`. A raw `+` decodes to a space and is refused,
    /// as the real API sees it.
    pub(super) fn order_by(&self, default: &str, allowed: &[&'static str]) -> Result<Order, ApiError> {
        let text = self.first("order_by").unwrap_or(default);
        let (field, descending) = match text.as_bytes().first() {
            Some(b'-') => (&text[1..], true),
            Some(b'+') => (&text[1..], false),
            _ => (text, false),
        };
        let Some(&field) = allowed.iter().find(|&&f| f == field) else {
            return Err(ApiError::invalid(
                "order_by",
                &format!("{text} is not one of {}", allowed.join(", ")),
            ));
        };
        Ok(Order { field, descending })
    }

    /// Whether `paginated=true` asked for `{data, total_count}` instead of a bare array.
    pub(super) fn paginated(&self) -> Result<bool, ApiError> {
        Ok(self.bool("paginated")?.unwrap_or(false))
    }
}

/// `limit` and `offset`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Page {
    pub(super) limit: usize,
    pub(super) offset: usize,
}

impl Page {
    /// The page of `items`.
    pub(super) fn apply<T>(self, items: Vec<T>) -> Vec<T> {
        items.into_iter().skip(self.offset).take(self.limit).collect()
    }
}

/// An `order_by` field and direction.
#[derive(Debug, Clone, Copy)]
pub(super) struct Order {
    pub(super) field: &'static str,
    pub(super) descending: bool,
}

/// A sort key; ties are broken by creation order, reversed with the direction, so every
/// order is total and stable between requests (which offsets and cursors need).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum SortKey {
    Number(Option<u64>),
    Text(Option<String>),
}

impl SortKey {
    /// Case-insensitive text.
    pub(super) fn text(text: Option<&str>) -> Self {
        SortKey::Text(text.map(str::to_lowercase))
    }
}

/// Sorts `rows` by `key` (then by `seq`) in `order`'s direction.
pub(super) fn sort_rows<T>(
    rows: &mut Vec<&T>,
    order: Order,
    key: impl Fn(&T) -> SortKey,
    seq: impl Fn(&T) -> u64,
) {
    let mut keyed: Vec<(SortKey, u64, &T)> = rows.drain(..).map(|r| (key(r), seq(r), r)).collect();
    keyed.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    if order.descending {
        keyed.reverse();
    }
    rows.extend(keyed.into_iter().map(|(_, _, r)| r));
}

/// `{data, total_count}`.
pub(super) fn wrapped(data: Vec<Value>, total_count: usize) -> Value {
    json!({ "data": data, "total_count": total_count })
}

/// The answer of a list that is a bare array unless `paginated=true`.
pub(super) fn bare_or_wrapped(
    query: &Query,
    data: Vec<Value>,
    total_count: usize,
) -> Result<Value, ApiError> {
    Ok(if query.paginated()? {
        wrapped(data, total_count)
    } else {
        Value::Array(data)
    })
}

/// The JSON object body of a request (an empty body reads as `{}`).
#[derive(Debug, Default)]
pub(super) struct Body {
    fields: Map<String, Value>,
}

impl Body {
    pub(super) fn parse(bytes: &[u8]) -> Result<Self, ApiError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Body::default());
        }
        match serde_json::from_slice(bytes) {
            Ok(Value::Object(fields)) => Ok(Body { fields }),
            Ok(_) => Err(ApiError::malformed("the request body is not a JSON object")),
            Err(_) => Err(ApiError::malformed("the request body is not JSON")),
        }
    }

    /// The raw field, `None` when absent (a JSON `null` is `Some(Null)`).
    pub(super) fn get(&self, key: &str) -> Option<&Value> {
        self.fields.get(key)
    }

    pub(super) fn has(&self, key: &str) -> bool {
        self.fields.contains_key(key)
    }

    /// A string field; `null` reads as absent.
    pub(super) fn string(&self, key: &str) -> Result<Option<String>, ApiError> {
        match self.fields.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::invalid(key, "must be a string")),
        }
    }

    /// A required, non-empty string field.
    pub(super) fn required_string(&self, key: &str) -> Result<String, ApiError> {
        match self.string(key)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(ApiError::missing(key)),
        }
    }

    pub(super) fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.fields.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ApiError::invalid(key, "must be a boolean")),
        }
    }

    /// A non-negative integer field (a JSON `10.0` is refused).
    pub(super) fn u64(&self, key: &str) -> Result<Option<u64>, ApiError> {
        match self.fields.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64()),
            Some(_) => Err(ApiError::invalid(key, "must be a non-negative integer")),
        }
    }

    /// An array of strings.
    pub(super) fn strings(&self, key: &str) -> Result<Vec<String>, ApiError> {
        match self.fields.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| ApiError::invalid(key, "must be an array of strings"))
                })
                .collect(),
            Some(_) => Err(ApiError::invalid(key, "must be an array of strings")),
        }
    }

    /// A metadata field: an object, `null` or absent (both `None`).
    pub(super) fn metadata(&self, key: &str) -> Result<Option<Value>, ApiError> {
        match self.fields.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value @ Value::Object(_)) => Ok(Some(value.clone())),
            Some(_) => Err(ApiError::invalid(key, "must be an object")),
        }
    }

    /// An RFC 3339 timestamp field as Unix milliseconds.
    pub(super) fn timestamp(&self, key: &str) -> Result<Option<u64>, ApiError> {
        match self.string(key)? {
            None => Ok(None),
            Some(text) => rfc3339_ms(&text)
                .map(Some)
                .ok_or_else(|| ApiError::invalid(key, "must be an RFC 3339 timestamp")),
        }
    }
}

/// Merges `patch` into `target` as Clerk's metadata PATCH does: objects merge key by key at
/// every depth, a `null` deletes the key, anything else replaces.
pub(super) fn merge_metadata(target: &mut Value, patch: Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(&key);
                } else if let Some(existing) = target.get_mut(&key)
                    && existing.is_object()
                    && value.is_object()
                {
                    merge_metadata(existing, value);
                } else {
                    target.insert(key, without_nulls(value));
                }
            }
        }
        (target, patch) => *target = without_nulls(patch),
    }
}

/// A new object value stores no `null` members (a `null` in a merge means "absent").
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Applies the three metadata fields of a PATCH (merge) or PUT (replace) body to `fields`
/// (name, slot) pairs. For PUT, each field given is replaced whole (`null` stores `null`);
/// omitted fields stay.
pub(super) fn apply_metadata(
    body: &Body,
    replace: bool,
    fields: &mut [(&'static str, &mut Value)],
) -> Result<(), ApiError> {
    for (name, slot) in fields.iter_mut() {
        if replace {
            match body.get(name) {
                None => {}
                Some(Value::Null) => **slot = Value::Null,
                Some(_) => {
                    if let Some(value) = body.metadata(name)? {
                        **slot = value;
                    }
                }
            }
        } else if let Some(patch) = body.metadata(name)? {
            if !slot.is_object() {
                **slot = Value::Object(Map::new());
            }
            merge_metadata(slot, patch);
        }
    }
    Ok(())
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` to Unix milliseconds.
pub(super) fn rfc3339_ms(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| text.get(range).and_then(digits_of);
    if bytes.len() < 20 || bytes[4] != b'-' || bytes[7] != b'-' || !matches!(bytes[10], b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    if bytes[13] != b':' || bytes[16] != b':' || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return None;
        }
        let first3: String = fraction[..len].chars().chain("000".chars()).take(3).collect();
        millis = first3.parse::<i64>().ok()?;
        rest = &fraction[len..];
    }
    let offset_minutes = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                return None;
            }
            sign * (digits_of(rest.get(1..3)?)? * 60 + digits_of(rest.get(4..6)?)?)
        }
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    u64::try_from(seconds * 1000 + millis).ok()
}

fn digits_of(text: &str) -> Option<i64> {
    text.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| text.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_is_deep_and_null_deletes() {
        let mut target =
            json!({"a": 1, "nested": {"keep": true, "drop": 1, "deeper": {"x": 1}}, "list": [1, 2]});
        merge_metadata(
            &mut target,
            json!({"a": null, "nested": {"drop": null, "deeper": {"y": 2}, "new": {"n": null, "m": 1}}, "list": [3], "b": "x"}),
        );
        assert_eq!(
            target,
            json!({"nested": {"keep": true, "deeper": {"x": 1, "y": 2}, "new": {"m": 1}}, "list": [3], "b": "x"})
        );
    }

    #[test]
    fn rfc3339_timestamps_parse_to_milliseconds() {
        assert_eq!(rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(rfc3339_ms("2023-11-23T00:00:00.5Z"), Some(1_700_697_600_500));
        assert_eq!(rfc3339_ms("2023-11-23T02:00:00+02:00"), Some(1_700_697_600_000));
        for bad in [
            "2023-11-23",
            "2023-11-23T00:00:00",
            "2023-13-01T00:00:00Z",
            "1700697600000",
            "2023-11-23T00:00:00.Z",
        ] {
            assert_eq!(rfc3339_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn order_by_takes_the_first_value_and_refuses_a_raw_plus() {
        let query = |pairs: &[(&str, &str)]| {
            Query::new(
                pairs
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            )
        };
        let allowed = ["created_at", "username"];
        let order = query(&[("order_by", "-username"), ("order_by", "created_at")])
            .order_by("-created_at", &allowed)
            .expect("valid");
        assert_eq!((order.field, order.descending), ("username", true));
        let order = query(&[]).order_by("-created_at", &allowed).expect("default");
        assert_eq!((order.field, order.descending), ("created_at", true));
        assert!(
            query(&[("order_by", " created_at")])
                .order_by("-created_at", &allowed)
                .is_err()
        );
        assert!(query(&[("limit", "10.0")]).page().is_err());
        assert!(query(&[("limit", "0")]).page().is_err());
        assert!(query(&[("limit", "501")]).page().is_err());
        assert_eq!(
            query(&[("limit", "500"), ("offset", "3")])
                .page()
                .expect("page")
                .offset,
            3
        );
    }
}
