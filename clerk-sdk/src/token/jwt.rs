//! Splitting and decoding a compact JWT, the first step of every verification, without
//! verifying anything.
//!
//! Decoding follows upstream's loose base64url rules exactly: trailing `=` padding is allowed and
//! stripped, any other character outside `[A-Za-z0-9-_]` fails, a leftover 6-bit group fails and
//! non-zero trailing bits fail. Header and payload must be JSON objects.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use serde_json::{Map, Value};

use super::payload::{self, PayloadScan, Registered};

/// Upper bound on a credential's length, checked before any decoding.
///
/// Clerk session tokens are around 1 KB; 64 KiB leaves room for generous custom claims while
/// keeping a hostile header from costing more than a bounded parse.
pub const MAX_TOKEN_LEN: usize = 64 * 1024;

/// base64url without padding and with canonical trailing bits; padding is stripped beforehand.
const B64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// Why a token could not be decoded. Every kind maps to upstream's `token-invalid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MalformedToken {
    /// Longer than [`MAX_TOKEN_LEN`]; refused before decoding.
    #[error("token is longer than {MAX_TOKEN_LEN} bytes")]
    TooLong,
    /// Not three dot-separated parts.
    #[error("invalid JWT form: a JWT consists of three parts separated by dots")]
    PartCount,
    /// A part is not base64url, or header / payload is not a JSON object.
    #[error("invalid JWT form: the header, payload, or signature could not be decoded")]
    Undecodable,
}

/// The registered header fields that verification reads.
#[derive(Debug, Clone, Default)]
pub(crate) struct Header {
    /// `alg`, when it is a string.
    pub(crate) alg: Option<String>,
    /// `typ` as found: absent, a string, or another JSON value (which never matches).
    pub(crate) typ: Option<String>,
    /// Whether `typ` is present but not a string.
    pub(crate) typ_not_string: bool,
    /// `kid`, when it is a string.
    pub(crate) kid: Option<String>,
    /// `cat`, Clerk's category header, when it is a string.
    pub(crate) cat: Option<String>,
    /// Whether `cat` is present but not a string (a non-session category).
    pub(crate) cat_not_string: bool,
}

/// A decoded JSON object (a JWT header or payload).
pub(crate) type JsonObject = Map<String, Value>;

/// A JWT split into its parts and decoded, but not verified.
///
/// The payload is validated as JSON in one pass that keeps only what verification reads
/// ([`PayloadScan`]); the full claims map is built only if asked for.
#[derive(Debug)]
pub(crate) struct DecodedJwt<'a> {
    signing_input: &'a str,
    /// The header's base64url part, decoded again only if the whole header is asked for.
    header_part: &'a str,
    header: Header,
    /// The payload's JSON text.
    payload: String,
    scan: PayloadScan,
    signature: Vec<u8>,
}

impl<'a> DecodedJwt<'a> {
    /// Splits and decodes `token`.
    pub(crate) fn decode(token: &'a str) -> Result<Self, MalformedToken> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(MalformedToken::TooLong);
        }
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(MalformedToken::PartCount);
        };
        let header = Header::decode(h)?;
        let payload = into_json_text(decode_part(p)?);
        let scan = payload::scan(&payload).ok_or(MalformedToken::Undecodable)?;
        let signature = decode_part(s)?;
        let signing_input = token
            .get(..h.len() + 1 + p.len())
            .ok_or(MalformedToken::PartCount)?;
        Ok(DecodedJwt {
            signing_input,
            header_part: h,
            header,
            payload,
            scan,
            signature,
        })
    }

    /// `base64url(header) "." base64url(payload)`: the bytes the signature covers.
    pub(crate) fn signing_input(&self) -> &'a str {
        self.signing_input
    }

    /// The header fields verification reads.
    pub(crate) fn header(&self) -> &Header {
        &self.header
    }

    /// The registered claims (`sub`, `aud`, `azp`, `iss`, `exp`, `nbf`, `iat`).
    pub(crate) fn registered(&self) -> &Registered {
        &self.scan.registered
    }

    /// The decoded payload, parsed into a map.
    #[cfg(any(test, feature = "__fuzz"))]
    pub(crate) fn claims(&self) -> Map<String, Value> {
        parse_validated(&self.payload)
    }

    /// Takes the whole decoded header and the payload out.
    pub(crate) fn into_parts(self) -> Result<(JsonObject, JsonObject), MalformedToken> {
        let header = decode_object(self.header_part)?;
        Ok((header, self.into_claims()))
    }

    /// Takes the decoded payload out as a map.
    pub(crate) fn into_claims(self) -> Map<String, Value> {
        parse_validated(&self.payload)
    }

    /// Takes the payload's JSON text and what the scan found out.
    pub(crate) fn into_payload(self) -> (String, PayloadScan) {
        (self.payload, self.scan)
    }

    /// The decoded signature bytes.
    pub(crate) fn signature(&self) -> &[u8] {
        &self.signature
    }
}

/// The header fields verification reads, as found: deserializing into this (rather than a
/// map) costs no allocation per unrelated field.
#[derive(serde::Deserialize)]
struct RawHeader {
    #[serde(default)]
    alg: Option<Value>,
    #[serde(default)]
    typ: Option<Value>,
    #[serde(default)]
    kid: Option<Value>,
    #[serde(default)]
    cat: Option<Value>,
}

impl Header {
    /// Decodes the header part; it must be a JSON object.
    fn decode(part: &str) -> Result<Self, MalformedToken> {
        let text = into_json_text(decode_part(part)?);
        // A derived struct would also accept a JSON array: insist on an object.
        if !text.trim_start().starts_with('{') {
            return Err(MalformedToken::Undecodable);
        }
        let raw: RawHeader = serde_json::from_str(&text).map_err(|_| MalformedToken::Undecodable)?;
        let string = |v: &Option<Value>| v.as_ref().and_then(Value::as_str).map(str::to_owned);
        let non_string = |v: &Option<Value>| v.as_ref().is_some_and(|v| !v.is_string());
        Ok(Header {
            alg: string(&raw.alg),
            typ: string(&raw.typ),
            typ_not_string: non_string(&raw.typ),
            kid: string(&raw.kid),
            cat: string(&raw.cat),
            cat_not_string: non_string(&raw.cat),
        })
    }
}

/// Decodes one base64url part with upstream's loose rules.
fn decode_part(part: &str) -> Result<Vec<u8>, MalformedToken> {
    B64URL
        .decode(part.trim_end_matches('='))
        .map_err(|_| MalformedToken::Undecodable)
}

/// A payload the scan validated, as a map. The scan accepts exactly what a map parse accepts,
/// so this cannot fail; an empty map (no claims: every check on it fails) would stand in if it
/// ever did, and debug builds say so loudly.
pub(crate) fn parse_validated(text: &str) -> Map<String, Value> {
    match serde_json::from_str(text) {
        Ok(map) => map,
        Err(_) => {
            debug_assert!(false, "a payload the scan accepted failed a map parse");
            Map::new()
        }
    }
}

/// Decoded bytes as text the way `TextDecoder` reads them upstream: invalid UTF-8 replaced, a
/// leading byte-order mark dropped. Valid UTF-8 is taken over, not copied.
fn into_json_text(bytes: Vec<u8>) -> String {
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    text
}

/// Decodes a base64url part holding a JSON object.
///
/// Invalid UTF-8 is replaced and a leading byte-order mark dropped, as `TextDecoder` does
/// upstream, so the same bytes decode to the same claims.
fn decode_object(part: &str) -> Result<Map<String, Value>, MalformedToken> {
    match serde_json::from_str(&into_json_text(decode_part(part)?)) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(MalformedToken::Undecodable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn decodes_a_well_formed_token() {
        let token = format!(
            "{}.{}.{}",
            b64(r#"{"alg":"RS256","kid":"k1","cat":"cl_B7d4PD111AAA"}"#),
            b64(r#"{"sub":"user_1"}"#),
            b64("sig")
        );
        let jwt = DecodedJwt::decode(&token).unwrap();
        assert_eq!(jwt.header().alg.as_deref(), Some("RS256"));
        assert_eq!(jwt.header().cat.as_deref(), Some("cl_B7d4PD111AAA"));
        assert_eq!(jwt.claims()["sub"], "user_1");
        assert_eq!(jwt.signature(), b"sig");
        assert_eq!(jwt.signing_input(), token.rsplit_once('.').unwrap().0);
        assert_eq!(jwt.into_parts().unwrap().0["kid"], "k1");
    }

    #[test]
    fn malformed_tokens() {
        let h = b64(r#"{"alg":"RS256"}"#);
        let p = b64(r#"{"sub":"u"}"#);
        let cases: Vec<(String, MalformedToken)> = vec![
            (String::new(), MalformedToken::PartCount),
            (format!("{h}.{p}"), MalformedToken::PartCount),
            (format!("{h}.{p}.c.d"), MalformedToken::PartCount),
            (format!("{h}.{p}.a+b"), MalformedToken::Undecodable),
            (format!("{h}.{p}.a/b"), MalformedToken::Undecodable),
            (format!("{h}.{p}.abcde"), MalformedToken::Undecodable), // leftover 6-bit group
            (format!("{h}.{p}.AB"), MalformedToken::Undecodable),    // non-zero trailing bits
            (
                format!("{h}.{}.c2ln", b64("not json")),
                MalformedToken::Undecodable,
            ),
            (format!("{h}.{}.c2ln", b64("[1,2]")), MalformedToken::Undecodable),
            (format!("{}.{p}.c2ln", b64("5")), MalformedToken::Undecodable),
            ("x".repeat(MAX_TOKEN_LEN + 1), MalformedToken::TooLong),
        ];
        for (token, want) in cases {
            assert_eq!(DecodedJwt::decode(&token).err(), Some(want), "{token:.60}");
        }
    }

    #[test]
    fn padding_is_stripped_and_canonical_tails_accepted() {
        let token = format!("{}==.{}=.AA==", b64(r#"{"a":1}"#), b64(r#"{"b":2}"#));
        let jwt = DecodedJwt::decode(&token).unwrap();
        assert_eq!(jwt.signature(), [0u8]);
    }

    #[test]
    fn non_string_header_fields() {
        let token = format!("{}.{}.AA", b64(r#"{"alg":1,"typ":2,"cat":3}"#), b64("{}"));
        let jwt = DecodedJwt::decode(&token).unwrap();
        assert_eq!(jwt.header().alg, None);
        assert!(jwt.header().typ_not_string);
        assert!(jwt.header().cat_not_string);
    }
}
