//! One pass over a JWT payload's JSON that validates it exactly as parsing it into a
//! `serde_json::Map` would, and keeps only what verification and the common session accessors
//! read: the registered claims as values, and byte spans of the session fields.
//!
//! Why: a payload parsed into a map costs about 1.6 µs (an allocation per key and string, then
//! as many frees), a tenth of a whole verification; this pass costs about a third of that.
//!
//! Why it validates the same: every value goes through serde_json's `deserialize_any` (or a
//! `Value`), which reads strings (escapes and surrogates included) and numbers (range included)
//! with the same code a map parse uses. `IgnoredAny` would not: it skips strings without
//! checking their escapes. Duplicate keys keep the last value, as a map (and `JSON.parse`) does.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// The registered claims verification checks, as the map would hold them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Registered {
    sub: Option<Value>,
    aud: Option<Value>,
    azp: Option<Value>,
    iss: Option<Value>,
    exp: Option<Value>,
    nbf: Option<Value>,
    iat: Option<Value>,
}

impl Registered {
    /// A registered claim by name (`None` for any other name).
    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        match name {
            "sub" => self.sub.as_ref(),
            "aud" => self.aud.as_ref(),
            "azp" => self.azp.as_ref(),
            "iss" => self.iss.as_ref(),
            "exp" => self.exp.as_ref(),
            "nbf" => self.nbf.as_ref(),
            "iat" => self.iat.as_ref(),
            _ => None,
        }
    }

    fn slot(&mut self, name: &str) -> Option<&mut Option<Value>> {
        Some(match name {
            "sub" => &mut self.sub,
            "aud" => &mut self.aud,
            "azp" => &mut self.azp,
            "iss" => &mut self.iss,
            "exp" => &mut self.exp,
            "nbf" => &mut self.nbf,
            "iat" => &mut self.iat,
            _ => return None,
        })
    }
}

/// Where a string field's value is in the payload text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Located {
    /// The claim is absent, or not a string.
    Absent,
    /// A string stored verbatim at this byte range.
    At { start: usize, len: usize },
    /// A string with escapes: its value is not a slice of the text.
    Escaped,
}

/// The session fields' locations, as `claims::org_claims` and the accessors read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SessionFields {
    pub(crate) sub: Located,
    pub(crate) sid: Located,
    pub(crate) sts: Located,
    pub(crate) fea: Located,
    pub(crate) pla: Located,
    /// Whether `v` is the number 2 (the v2 claim layout).
    pub(crate) v2: bool,
    /// v1 `org_id`, `org_slug`, `org_role`.
    pub(crate) v1_org: [Located; 3],
    /// v2 `o.id`, `o.slg`, `o.rol` (all absent when `o` is not an object).
    pub(crate) v2_org: [Located; 3],
}

/// What one pass over a payload found.
#[derive(Debug, Clone)]
pub(crate) struct PayloadScan {
    pub(crate) registered: Registered,
    pub(crate) fields: SessionFields,
}

/// Scans `text`, which must be one JSON object. `None` when parsing it into a map would fail.
pub(crate) fn scan(text: &str) -> Option<PayloadScan> {
    // `deserialize_any` would also hand a top-level array to `visit_seq`; only objects pass.
    let mut de = serde_json::Deserializer::from_str(text);
    let found = de::DeserializeSeed::deserialize(Scan { text }, &mut de).ok()?;
    de.end().ok()?;
    Some(found)
}

/// The top-level visitor; `text` is what offsets are measured from.
struct Scan<'t> {
    text: &'t str,
}

impl<'de> de::DeserializeSeed<'de> for Scan<'de> {
    type Value = PayloadScan;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<PayloadScan, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Scan<'de> {
    type Value = PayloadScan;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PayloadScan, A::Error> {
        let absent = Located::Absent;
        let mut registered = Registered::default();
        let mut fields = SessionFields {
            sub: absent,
            sid: absent,
            sts: absent,
            fea: absent,
            pla: absent,
            v2: false,
            v1_org: [absent; 3],
            v2_org: [absent; 3],
        };
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let key = key.as_ref();
            if let Some(slot) = registered.slot(key) {
                let value: Scalar<'de> = map.next_value()?;
                if key == "sub" {
                    fields.sub = value.locate(self.text);
                }
                *slot = Some(value.into_value());
                continue;
            }
            let target = match key {
                "sid" => &mut fields.sid,
                "sts" => &mut fields.sts,
                "fea" => &mut fields.fea,
                "pla" => &mut fields.pla,
                "org_id" => &mut fields.v1_org[0],
                "org_slug" => &mut fields.v1_org[1],
                "org_role" => &mut fields.v1_org[2],
                "v" => {
                    let v: Value = map.next_value()?;
                    fields.v2 = v.as_f64() == Some(2.0);
                    continue;
                }
                "o" => {
                    fields.v2_org = map.next_value_seed(Org { text: self.text })?;
                    continue;
                }
                _ => {
                    map.next_value::<Validate>()?;
                    continue;
                }
            };
            *target = map.next_value::<Scalar<'de>>()?.locate(self.text);
        }
        Ok(PayloadScan { registered, fields })
    }
}

/// A map key, borrowed when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }
}

/// A value whose string form matters: a string (borrowed when verbatim) or any other value.
enum Scalar<'de> {
    Borrowed(&'de str),
    Owned(String),
    Other(Value),
}

impl<'de> Scalar<'de> {
    fn locate(&self, text: &str) -> Located {
        match self {
            Scalar::Borrowed(s) => {
                let start = (s.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
                let end = start.checked_add(s.len());
                if end.and_then(|end| text.get(start..end)) == Some(*s) {
                    Located::At { start, len: s.len() }
                } else {
                    Located::Escaped
                }
            }
            Scalar::Owned(_) => Located::Escaped,
            Scalar::Other(_) => Located::Absent,
        }
    }

    fn into_value(self) -> Value {
        match self {
            Scalar::Borrowed(s) => Value::String(s.to_owned()),
            Scalar::Owned(s) => Value::String(s),
            Scalar::Other(v) => v,
        }
    }
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Owned(v.to_owned()))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Other(Value::from(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Other(Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Other(Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar<'de>, E> {
        // As `Value` does: a finite float is a number, anything else null.
        Ok(Scalar::Other(Value::from(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Other(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Scalar<'de>, A::Error> {
        Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Scalar::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Scalar<'de>, A::Error> {
        Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Scalar::Other)
    }
}

/// v2's `o`: `id`, `slg`, `rol` when it is an object; all absent otherwise.
struct Org<'t> {
    text: &'t str,
}

impl<'de> de::DeserializeSeed<'de> for Org<'de> {
    type Value = [Located; 3];

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<[Located; 3], D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Org<'de> {
    type Value = [Located; 3];

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<[Located; 3], A::Error> {
        let mut org = [Located::Absent; 3];
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let index = match key.as_ref() {
                "id" => 0,
                "slg" => 1,
                "rol" => 2,
                _ => {
                    map.next_value::<Validate>()?;
                    continue;
                }
            };
            org[index] = map.next_value::<Scalar<'de>>()?.locate(self.text);
        }
        Ok(org)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<[Located; 3], A::Error> {
        ValidateVisitor.visit_seq(seq).map(|_| [Located::Absent; 3])
    }

    fn visit_borrowed_str<E: de::Error>(self, _: &'de str) -> Result<[Located; 3], E> {
        Ok([Located::Absent; 3])
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<[Located; 3], E> {
        Ok([Located::Absent; 3])
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<[Located; 3], E> {
        Ok([Located::Absent; 3])
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<[Located; 3], E> {
        Ok([Located::Absent; 3])
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<[Located; 3], E> {
        Ok([Located::Absent; 3])
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<[Located; 3], E> {
        Ok([Located::Absent; 3])
    }

    fn visit_unit<E: de::Error>(self) -> Result<[Located; 3], E> {
        Ok([Located::Absent; 3])
    }
}

/// Reads any JSON value the way a `Value` parse would, keeping nothing.
struct Validate;

impl<'de> Deserialize<'de> for Validate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValidateVisitor)
    }
}

struct ValidateVisitor;

impl<'de> Visitor<'de> for ValidateVisitor {
    type Value = Validate;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Validate, E> {
        Ok(Validate)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Validate, E> {
        Ok(Validate)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Validate, E> {
        Ok(Validate)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Validate, E> {
        Ok(Validate)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Validate, E> {
        Ok(Validate)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Validate, E> {
        Ok(Validate)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Validate, A::Error> {
        while seq.next_element::<Validate>()?.is_some() {}
        Ok(Validate)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Validate, A::Error> {
        while map.next_entry::<Validate, Validate>()?.is_some() {}
        Ok(Validate)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::Map;

    use super::*;

    #[test]
    fn validates_like_a_map_parse() {
        for text in [
            r#"{"a":"\ud800"}"#,
            r#"{"a":1e400}"#,
            r#"[1,2]"#,
            r#"{"a":1"#,
            r#"{"a":1} x"#,
            r#"{"a":"\x"}"#,
            r#"{"sub":"\ud800"}"#,
            r#"{"o":{"x":"\udc00"}}"#,
            r#"{"o":[1e999]}"#,
            r#"{"a":1,"b":2}"#,
            r#"{"sub":"a","sub":"b"}"#,
            r#"{"s\u0075b":"x"}"#,
            "{}",
        ] {
            let map = serde_json::from_str::<Map<String, Value>>(text).is_ok();
            assert_eq!(scan(text).is_some(), map, "{text}");
        }
    }

    #[test]
    fn registered_claims_equal_the_map_s() {
        let text = r#"{"sub":"a","aud":["x"],"s\u0075b":"b","exp":1.5,"nbf":null,"iat":7}"#;
        let found = scan(text).unwrap();
        let map: Map<String, Value> = serde_json::from_str(text).unwrap();
        for name in ["sub", "aud", "azp", "iss", "exp", "nbf", "iat"] {
            assert_eq!(found.registered.get(name), map.get(name), "{name}");
        }
        // The last `sub` wins; its key is escaped, its value verbatim.
        let Located::At { start, len } = found.fields.sub else {
            panic!("sub not located: {:?}", found.fields.sub);
        };
        assert_eq!(&text[start..start + len], "b");
    }

    fn json_value() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            "[a-z0-9 :_]{0,6}".prop_map(|s| format!("\"{s}\"")),
            Just(r#""\u0041\n""#.to_owned()),
            Just(r#""\ud800""#.to_owned()),
            Just("1e400".to_owned()),
            Just("-0.5".to_owned()),
            Just("18446744073709551616".to_owned()),
            Just("2".to_owned()),
            Just("null".to_owned()),
            Just("true".to_owned()),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..3).prop_map(|v| format!("[{}]", v.join(","))),
                proptest::collection::vec((key(), inner), 0..3).prop_map(|v| {
                    let body: Vec<String> = v.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                    format!("{{{}}}", body.join(","))
                }),
            ]
        })
    }

    fn key() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            Just("sub"),
            Just("aud"),
            Just("azp"),
            Just("iss"),
            Just("exp"),
            Just("nbf"),
            Just("iat"),
            Just("sid"),
            Just("o"),
            Just("v"),
            Just("id"),
            Just("rol"),
            Just("org_role"),
            Just("x"),
        ]
    }

    proptest! {
        /// Any object: the scan succeeds exactly when a map parse does, and its registered
        /// claims and verbatim fields equal the map's.
        #[test]
        fn agrees_with_a_map_parse(fields in proptest::collection::vec((key(), json_value()), 0..8)) {
            let body: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
            let text = format!("{{{}}}", body.join(","));
            let map = serde_json::from_str::<Map<String, Value>>(&text);
            let found = scan(&text);
            prop_assert_eq!(found.is_some(), map.is_ok(), "{}", text);
            if let (Some(found), Ok(map)) = (found, map) {
                for name in ["sub", "aud", "azp", "iss", "exp", "nbf", "iat"] {
                    prop_assert_eq!(found.registered.get(name), map.get(name), "{} in {}", name, text);
                }
                let read = |at: Located| match at {
                    Located::At { start, len } => Some(text[start..start + len].to_owned()),
                    _ => None,
                };
                if let Located::At { .. } = found.fields.sid {
                    let sid = read(found.fields.sid);
                    prop_assert_eq!(sid.as_deref(), map.get("sid").and_then(Value::as_str));
                }
                if found.fields.sid == Located::Absent {
                    prop_assert!(map.get("sid").and_then(Value::as_str).is_none());
                }
            }
        }
    }
}
