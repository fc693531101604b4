//! [`VerifiedSession`]: the compact form of a verified session token that the token cache keeps
//! and that `SessionAuth` reads its common fields from without parsing JSON.
//!
//! Why this shape: a payload parsed into a `serde_json::Map` costs about 3 KB of heap for a
//! 440-byte payload, and parsing it again costs about 1.7 µs, longer than a whole cache hit. So
//! the entry keeps the decoded payload text once, and locates the fields handlers read on every
//! request (`sub`, `sid`, `sts`, the organization's id, slug and role, `fea`, `pla`) as byte
//! spans into that text. Everything else (custom claims, permissions, `fva`) is parsed from
//! the text on first use, per request. The `kid` lives in the [`JwtKey`], shared by every
//! entry the key verified.
//!
//! The spans come from the single pass over the payload made when the token was decoded
//! (`token::payload`), which reads duplicate keys and odd types as a map parse does. A field
//! whose string has escapes is not a slice of the text: then no span is kept and every
//! accessor reads the fully parsed claims instead, so both paths always agree.

use serde_json::{Map, Value};

use crate::jwt_key::JwtKey;
use crate::token::payload::{Located, SessionFields};
use crate::token::session::TimeClaims;

/// A field [`VerifiedSession`] can answer without a JSON parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    /// `sub`.
    Subject,
    /// `sid`.
    SessionId,
    /// `sts`.
    Status,
    /// v1 `org_id`, v2 `o.id`.
    OrgId,
    /// v1 `org_slug`, v2 `o.slg`.
    OrgSlug,
    /// v1 `org_role`, v2 `"org:" + o.rol` (when non-empty).
    OrgRole,
    /// `fea`.
    Features,
    /// `pla`.
    Plans,
}

const FIELDS: usize = 8;

/// A string inside [`VerifiedSession::text`]. Offsets are `u16` to keep entries small: text
/// longer than `u16::MAX` bytes gets no spans at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: u16,
    len: u16,
}

impl Span {
    /// The claim is absent (or not a string where a string is read).
    const ABSENT: Span = Span {
        start: u16::MAX,
        len: u16::MAX,
    };
}

/// A verified session token, as the token cache keeps it.
///
/// Memory: 88 bytes of fixed fields (plus the `Arc`'s 16) and the payload text; a v2
/// organization role adds its length plus 4.
pub(crate) struct VerifiedSession {
    /// The decoded payload JSON, then a v2 role with its `org:` prefix (the one span value
    /// the payload does not hold verbatim).
    text: Box<str>,
    /// The key the signature was checked with. A cache hit needs the token's `kid` to still
    /// resolve to this very key; a JWKS key carries its `kid`.
    key: JwtKey,
    /// `exp`, `nbf`, `iat` in seconds; an absent `nbf` or `iat` is NaN.
    exp: f64,
    nbf: f64,
    iat: f64,
    /// Spans of [`Field`]s, meaningful when `has_fields`.
    fields: [Span; FIELDS],
    payload_len: u16,
    /// Whether the payload could be read without a full parse.
    has_fields: bool,
}

impl std::fmt::Debug for VerifiedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedSession")
            .field("exp", &self.exp)
            .field("payload_bytes", &self.payload_len)
            .finish_non_exhaustive()
    }
}

impl VerifiedSession {
    /// Builds the entry from the payload text of a token whose signature and claims passed,
    /// what the payload scan found in it, its time claims, and the key that verified it.
    /// `None` for a payload too long to index with 16-bit offsets (over 64 KiB; tokens are
    /// capped below that, so this is a guard).
    pub(crate) fn new(text: String, fields: &SessionFields, times: TimeClaims, key: JwtKey) -> Option<Self> {
        let payload_len = u16::try_from(text.len()).ok()?;
        let mut text = text;
        let spans = spans(fields, &mut text);
        Some(VerifiedSession {
            text: text.into_boxed_str(),
            key,
            exp: times.exp,
            nbf: times.nbf.unwrap_or(f64::NAN),
            iat: times.iat.unwrap_or(f64::NAN),
            has_fields: spans.is_some(),
            fields: spans.unwrap_or([Span::ABSENT; FIELDS]),
            payload_len,
        })
    }

    /// [`VerifiedSession::new`] from payload text alone (scanning it); `None` when it is not a
    /// JSON object.
    #[cfg(any(test, feature = "__fuzz"))]
    pub(crate) fn from_text(text: &str, times: TimeClaims, key: JwtKey) -> Option<Self> {
        let scan = crate::token::payload::scan(text)?;
        Self::new(text.to_owned(), &scan.fields, times, key)
    }

    /// The decoded payload JSON.
    pub(crate) fn payload(&self) -> &str {
        let payload = self.text.get(..usize::from(self.payload_len));
        // The length was taken from the text itself when the entry was built.
        debug_assert!(payload.is_some(), "payload length past the entry's text");
        payload.unwrap_or_default()
    }

    /// Parses the payload again. It parsed when the token was verified, so this cannot fail
    /// (see [`crate::token::jwt::parse_validated`]).
    pub(crate) fn parse_claims(&self) -> Map<String, Value> {
        crate::token::jwt::parse_validated(self.payload())
    }

    /// The key that verified the signature.
    pub(crate) fn key(&self) -> &JwtKey {
        &self.key
    }

    /// The time claims.
    pub(crate) fn times(&self) -> TimeClaims {
        let present = |t: f64| (!t.is_nan()).then_some(t);
        TimeClaims {
            exp: self.exp,
            nbf: present(self.nbf),
            iat: present(self.iat),
        }
    }

    /// A field's value: `Some(None)` when it is absent, `None` when this entry has no spans
    /// (read the parsed claims instead).
    pub(crate) fn field(&self, field: Field) -> Option<Option<&str>> {
        self.has_fields.then(|| self.get(self.fields[field as usize]))
    }

    fn get(&self, span: Span) -> Option<&str> {
        if span == Span::ABSENT {
            return None;
        }
        let start = usize::from(span.start);
        self.text.get(start..start + usize::from(span.len))
    }
}

/// Appends `value` to `text` and returns its span; `None` when it would not fit one.
fn append(text: &mut String, value: &str) -> Option<Span> {
    let span = span_at(text.len(), value.len())?;
    text.push_str(value);
    Some(span)
}

fn span_at(start: usize, len: usize) -> Option<Span> {
    let span = Span {
        start: u16::try_from(start).ok()?,
        len: u16::try_from(len).ok()?,
    };
    // ABSENT must stay distinguishable, and the end must fit too.
    (usize::from(span.start) + usize::from(span.len) < usize::from(u16::MAX)).then_some(span)
}

/// Spans of every [`Field`] (v1 or v2 organization claims, as `claims::org_claims` reads them);
/// `None` when one is escaped, i.e. not a slice of the text. A v2 role is appended to `text`
/// with its `org:` prefix.
fn spans(fields: &SessionFields, text: &mut String) -> Option<[Span; FIELDS]> {
    let within = |at: Located| -> Option<Span> {
        match at {
            Located::Absent => Some(Span::ABSENT),
            Located::At { start, len } => span_at(start, len),
            Located::Escaped => None,
        }
    };
    let (org_id, org_slug, org_role) = if fields.v2 {
        let [id, slug, role] = fields.v2_org;
        let role = match role {
            Located::At { len: 0, .. } | Located::Absent => Span::ABSENT,
            Located::Escaped => return None,
            Located::At { start, len } => {
                let role = format!("org:{}", text.get(start..start + len)?);
                append(text, &role)?
            }
        };
        (within(id)?, within(slug)?, role)
    } else {
        let [id, slug, role] = fields.v1_org;
        (within(id)?, within(slug)?, within(role)?)
    };
    let mut spans = [Span::ABSENT; FIELDS];
    spans[Field::Subject as usize] = within(fields.sub)?;
    spans[Field::SessionId as usize] = within(fields.sid)?;
    spans[Field::Status as usize] = within(fields.sts)?;
    spans[Field::OrgId as usize] = org_id;
    spans[Field::OrgSlug as usize] = org_slug;
    spans[Field::OrgRole as usize] = org_role;
    spans[Field::Features as usize] = within(fields.fea)?;
    spans[Field::Plans as usize] = within(fields.pla)?;
    Some(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(payload: &str) -> VerifiedSession {
        let times = TimeClaims {
            exp: 2e9,
            nbf: None,
            iat: Some(1e9),
        };
        static KEY: std::sync::OnceLock<JwtKey> = std::sync::OnceLock::new();
        let key = KEY.get_or_init(JwtKey::generate_for_tests).clone();
        VerifiedSession::from_text(payload, times, key).expect("a JSON object")
    }

    #[test]
    fn v1_fields_are_spans_into_the_payload() {
        let e = entry(
            r#"{"sub":"user_1","sid":"sess_1","sts":"active","org_id":"org_1","org_slug":"acme","org_role":"org:admin","fea":"o:a","pla":"u:b","exp":2000000000}"#,
        );
        assert_eq!(e.field(Field::Subject), Some(Some("user_1")));
        assert_eq!(e.field(Field::SessionId), Some(Some("sess_1")));
        assert_eq!(e.field(Field::Status), Some(Some("active")));
        assert_eq!(e.field(Field::OrgId), Some(Some("org_1")));
        assert_eq!(e.field(Field::OrgSlug), Some(Some("acme")));
        assert_eq!(e.field(Field::OrgRole), Some(Some("org:admin")));
        assert_eq!(e.field(Field::Features), Some(Some("o:a")));
        assert_eq!(e.field(Field::Plans), Some(Some("u:b")));
        assert_eq!(e.times().nbf, None);
        assert_eq!(e.times().iat, Some(1e9));
        assert_eq!(e.parse_claims()["sub"], "user_1");
    }

    #[test]
    fn v2_reads_the_org_object_and_prefixes_the_role() {
        let e =
            entry(r#"{"v":2,"sub":"u","org_id":"ignored","o":{"id":"org_2","slg":"beta","rol":"admin"}}"#);
        assert_eq!(e.field(Field::OrgId), Some(Some("org_2")));
        assert_eq!(e.field(Field::OrgSlug), Some(Some("beta")));
        assert_eq!(e.field(Field::OrgRole), Some(Some("org:admin")));
        assert_eq!(e.payload().len(), e.payload_len as usize);
        assert!(!e.payload().contains("org:admin"));
        let empty_role = entry(r#"{"v":2,"sub":"u","o":{"id":"org_2","rol":""}}"#);
        assert_eq!(empty_role.field(Field::OrgRole), Some(None));
        let no_org = entry(r#"{"v":2,"sub":"u"}"#);
        assert_eq!(no_org.field(Field::OrgId), Some(None));
    }

    #[test]
    fn escaped_strings_leave_the_accessors_to_the_parsed_claims() {
        for payload in [
            r#"{"sub":"user_\u0031"}"#,
            r#"{"sub":"u","v":2,"o":{"rol":"a\"b"}}"#,
        ] {
            assert_eq!(entry(payload).field(Field::Subject), None, "{payload}");
        }
    }

    #[test]
    fn duplicates_and_odd_types_read_as_a_map_does() {
        let e = entry(r#"{"sub":"a","sub":"b","org_id":42,"org_role":"org:x"}"#);
        assert_eq!(e.field(Field::Subject), Some(Some("b")));
        assert_eq!(e.field(Field::OrgId), Some(None));
        assert_eq!(e.field(Field::OrgRole), Some(Some("org:x")));
        let e = entry(r#"{"sub":"u","v":2,"o":"org"}"#);
        assert_eq!(e.field(Field::OrgId), Some(None));
        let e = entry(r#"{"sub":"u","v":2,"o":{"id":"a","id":"b"}}"#);
        assert_eq!(e.field(Field::OrgId), Some(Some("b")));
    }

    #[test]
    fn absent_fields_are_absent() {
        let e = entry(r#"{"sub":"u"}"#);
        assert_eq!(e.field(Field::SessionId), Some(None));
        assert_eq!(e.field(Field::OrgRole), Some(None));
    }

    /// Whatever the payload, a field the entry answers from a span equals what the parsed
    /// claims give (the accessors' fallback), and a field it cannot answer falls back.
    mod properties {
        use proptest::prelude::*;

        use super::*;
        use crate::claims;

        /// JSON value texts the fields may meet: plain, escaped and odd strings, and other types.
        fn value() -> impl Strategy<Value = String> {
            prop_oneof![
                "[a-z_:0-9]{0,12}".prop_map(|s| format!("\"{s}\"")),
                Just(r#""user_\u0031""#.to_owned()),
                Just(r#""a\"b""#.to_owned()),
                Just(r#""caf\u00e9""#.to_owned()),
                Just("\"é\"".to_owned()),
                Just("2".to_owned()),
                Just("2.0".to_owned()),
                Just(r#""2""#.to_owned()),
                Just("null".to_owned()),
                Just("[]".to_owned()),
                Just("true".to_owned()),
            ]
        }

        fn org_object() -> impl Strategy<Value = String> {
            proptest::collection::vec(
                (
                    prop_oneof![Just("id"), Just("slg"), Just("rol"), Just("per"), Just("x")],
                    value(),
                ),
                0..5,
            )
            .prop_map(|fields| {
                let body: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", body.join(","))
            })
        }

        fn payload() -> impl Strategy<Value = String> {
            let key = prop_oneof![
                Just("sub"),
                Just("sid"),
                Just("sts"),
                Just("org_id"),
                Just("org_slug"),
                Just("org_role"),
                Just("fea"),
                Just("pla"),
                Just("v"),
                Just("o"),
                Just("custom"),
            ];
            let field = (key, prop_oneof![value(), org_object()]);
            proptest::collection::vec(field, 0..12).prop_map(|fields| {
                let body: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", body.join(","))
            })
        }

        fn expected(map: &Map<String, Value>, field: Field) -> Option<String> {
            let org = claims::org_claims(map);
            let text = |name: &str| map.get(name).and_then(Value::as_str).map(str::to_owned);
            match field {
                Field::Subject => text("sub"),
                Field::SessionId => text("sid"),
                Field::Status => text("sts"),
                Field::OrgId => org.id,
                Field::OrgSlug => org.slug,
                Field::OrgRole => org.role,
                Field::Features => text("fea"),
                Field::Plans => text("pla"),
            }
        }

        proptest! {
            #[test]
            fn spans_agree_with_the_parsed_claims(payload in payload()) {
                let map: Map<String, Value> = serde_json::from_str(&payload).expect("generated JSON");
                let e = entry(&payload);
                prop_assert_eq!(&e.parse_claims(), &map);
                for field in [
                    Field::Subject,
                    Field::SessionId,
                    Field::Status,
                    Field::OrgId,
                    Field::OrgSlug,
                    Field::OrgRole,
                    Field::Features,
                    Field::Plans,
                ] {
                    if let Some(found) = e.field(field) {
                        prop_assert_eq!(found.map(str::to_owned), expected(&map, field), "{:?} in {}", field, payload);
                    }
                }
            }
        }
    }
}
