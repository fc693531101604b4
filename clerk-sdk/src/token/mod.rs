//! Token types, their stable wire names, and detection of which type a credential is; why a
//! session token is refused ([`SessionVerifyError`]).
//!
//! Owns no I/O: `session.rs` verifies session JWTs against a key it is given, `extract.rs`
//! pulls the raw credential out of a request, `jwt.rs` splits and decodes the compact form,
//! `payload.rs` validates the payload in one pass.

mod error;
pub(crate) mod extract;
pub(crate) mod jwt;
pub(crate) mod payload;
pub(crate) mod session;

use std::fmt;
use std::str::FromStr;

pub use error::SessionVerifyError;
pub use jwt::{MAX_TOKEN_LEN, MalformedToken};

/// The kind of credential a request carries.
///
/// The wire names (`session_token`, `m2m_token`, `oauth_token`, `api_key`) are the ones Clerk's
/// SDKs use in `acceptsToken` and `tokenType`, and are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum TokenType {
    /// A session JWT issued by Clerk's Frontend API to a signed-in browser or app.
    SessionToken,
    /// A machine-to-machine token (`mt_…` or a JWT whose `sub` starts with `mch_`).
    M2mToken,
    /// An OAuth access token (`oat_…` or a JWT with `typ: at+jwt`).
    OAuthToken,
    /// An API key (`ak_…`).
    ApiKey,
}

impl TokenType {
    /// Every token type, in a stable order. A slice, so that a new variant changes its length,
    /// not its type.
    pub const ALL: &'static [TokenType] = &[
        TokenType::SessionToken,
        TokenType::M2mToken,
        TokenType::OAuthToken,
        TokenType::ApiKey,
    ];

    /// The stable wire name, e.g. `session_token`.
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenType::SessionToken => "session_token",
            TokenType::M2mToken => "m2m_token",
            TokenType::OAuthToken => "oauth_token",
            TokenType::ApiKey => "api_key",
        }
    }

    /// Whether this is one of the machine types (everything but session tokens).
    pub const fn is_machine(self) -> bool {
        !matches!(self, TokenType::SessionToken)
    }
}

impl fmt::Display for TokenType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not one of the token type names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown token type (expected one of session_token, m2m_token, oauth_token, api_key)")]
pub struct UnknownTokenType;

impl FromStr for TokenType {
    type Err = UnknownTokenType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TokenType::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == s)
            .ok_or(UnknownTokenType)
    }
}

/// Which token types a route or a `Clerk` accepts (upstream's `acceptsToken`).
///
/// The difference between [`AcceptsToken::One`] and a one-element [`AcceptsToken::Many`] is
/// upstream's: a mismatch against a single type reports that type, a mismatch against a list
/// reports no type at all.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AcceptsToken {
    /// Exactly this type (`acceptsToken: "m2m_token"`).
    One(TokenType),
    /// Any of these types (`acceptsToken: ["session_token", "m2m_token"]`).
    Many(Vec<TokenType>),
    /// Every type (`acceptsToken: "any"`).
    Any,
}

impl Default for AcceptsToken {
    /// Session tokens only, as upstream.
    fn default() -> Self {
        AcceptsToken::One(TokenType::SessionToken)
    }
}

impl AcceptsToken {
    /// Whether a credential of type `t` is admitted.
    pub fn accepts(&self, t: TokenType) -> bool {
        match self {
            AcceptsToken::One(one) => *one == t,
            AcceptsToken::Many(list) => list.contains(&t),
            AcceptsToken::Any => true,
        }
    }

    /// The type that is reported on a mismatch: the requested type for a single type, none otherwise.
    pub(crate) fn mismatch_type(&self) -> Option<TokenType> {
        match self {
            AcceptsToken::One(t) => Some(*t),
            AcceptsToken::Many(_) | AcceptsToken::Any => None,
        }
    }
}

impl From<TokenType> for AcceptsToken {
    fn from(t: TokenType) -> Self {
        AcceptsToken::One(t)
    }
}

impl FromStr for AcceptsToken {
    type Err = UnknownTokenType;

    /// Parses `any`, one type name, or a comma-separated list of names.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s == "any" {
            return Ok(AcceptsToken::Any);
        }
        if !s.contains(',') {
            return s.parse().map(AcceptsToken::One);
        }
        s.split(',')
            .map(|p| p.trim().parse())
            .collect::<Result<Vec<_>, _>>()
            .map(AcceptsToken::Many)
    }
}

/// Prefix of opaque machine-to-machine tokens.
pub(crate) const M2M_TOKEN_PREFIX: &str = "mt_";
/// Prefix of opaque OAuth access tokens.
pub(crate) const OAUTH_TOKEN_PREFIX: &str = "oat_";
/// Prefix of API keys.
pub(crate) const API_KEY_PREFIX: &str = "ak_";
/// Prefix of a machine's `sub`.
pub(crate) const MACHINE_SUBJECT_PREFIX: &str = "mch_";
/// `typ` values of OAuth access-token JWTs.
pub(crate) const OAUTH_JWT_TYPES: [&str; 2] = ["at+jwt", "application/at+jwt"];

/// JWT category header (`cat`) values Clerk stamps on the JWTs it issues.
pub(crate) mod category {
    /// A session token.
    pub(crate) const SESSION: &str = "cl_B7d4PD111AAA";
    /// A JWT template token.
    #[cfg(test)]
    pub(crate) const TEMPLATE: &str = "cl_B7d4PD222AAA";
    /// A machine-to-machine JWT.
    pub(crate) const M2M: &str = "cl_B7d4PD333AAA";
    /// A category that session checks ignore.
    pub(crate) const IGNORE: &str = "cl_I7d4PD111III";

    /// Upstream `isNonSessionJwtCategory`: present, and neither session nor ignore.
    pub(crate) fn is_non_session(cat: Option<&str>) -> bool {
        matches!(cat, Some(c) if c != SESSION && c != IGNORE)
    }
}

/// Machine type of an opaque token, by its case-sensitive prefix.
pub(crate) fn opaque_machine_type(token: &str) -> Option<TokenType> {
    if token.starts_with(M2M_TOKEN_PREFIX) {
        Some(TokenType::M2mToken)
    } else if token.starts_with(OAUTH_TOKEN_PREFIX) {
        Some(TokenType::OAuthToken)
    } else if token.starts_with(API_KEY_PREFIX) {
        Some(TokenType::ApiKey)
    } else {
        None
    }
}

/// Upstream `isJwtFormat`: three non-empty base64url segments, no padding.
pub(crate) fn is_jwt_format(token: &str) -> bool {
    let mut parts = 0;
    for part in token.split('.') {
        parts += 1;
        if part.is_empty()
            || !part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return false;
        }
    }
    parts == 3
}

/// Machine type of a decoded JWT: an `mch_` subject is M2M (checked first), an OAuth
/// `typ` is OAuth.
pub(crate) fn machine_jwt_type(jwt: &jwt::DecodedJwt<'_>) -> Option<TokenType> {
    let sub_is_machine = jwt
        .registered()
        .get("sub")
        .and_then(|s| s.as_str())
        .is_some_and(|s| s.starts_with(MACHINE_SUBJECT_PREFIX));
    if sub_is_machine {
        return Some(TokenType::M2mToken);
    }
    let typ_is_oauth = jwt
        .header()
        .typ
        .as_deref()
        .is_some_and(|t| OAUTH_JWT_TYPES.contains(&t));
    typ_is_oauth.then_some(TokenType::OAuthToken)
}

/// The type a raw credential claims to be, without verifying anything: opaque machine
/// prefixes (`mt_`, `oat_`, `ak_`), then machine JWTs (an `mch_` subject, or an OAuth `typ`;
/// only for strictly JWT-formatted tokens), else a session token. Clerk's SDKs use the same
/// rule, so a credential is routed to the same verifier.
pub fn detect_token_type(token: &str) -> TokenType {
    let decoded = (opaque_machine_type(token).is_none() && is_jwt_format(token))
        .then(|| jwt::DecodedJwt::decode(token).ok())
        .flatten();
    detect_decoded(token, decoded.as_ref())
}

/// [`detect_token_type`] for a token already decoded (or not decodable: `None`), so that a
/// request decodes its credential once for detection and verification.
pub(crate) fn detect_decoded(token: &str, decoded: Option<&jwt::DecodedJwt<'_>>) -> TokenType {
    if let Some(t) = opaque_machine_type(token) {
        return t;
    }
    // The strict format check scans the whole token: run it only for the rare machine JWT.
    decoded
        .and_then(machine_jwt_type)
        .filter(|_| is_jwt_format(token))
        .unwrap_or(TokenType::SessionToken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for &t in TokenType::ALL {
            assert_eq!(t.as_str().parse::<TokenType>(), Ok(t));
        }
        assert_eq!("Session_Token".parse::<TokenType>(), Err(UnknownTokenType));
    }

    #[test]
    fn accepts_parsing() {
        assert_eq!("any".parse(), Ok(AcceptsToken::Any));
        assert_eq!("m2m_token".parse(), Ok(AcceptsToken::One(TokenType::M2mToken)));
        assert_eq!(
            "session_token, m2m_token".parse(),
            Ok(AcceptsToken::Many(vec![
                TokenType::SessionToken,
                TokenType::M2mToken
            ]))
        );
        assert!("session_token,bogus".parse::<AcceptsToken>().is_err());
    }

    #[test]
    fn opaque_prefixes_are_case_sensitive() {
        let cases = [
            ("mt_abc", Some(TokenType::M2mToken)),
            ("oat_abc", Some(TokenType::OAuthToken)),
            ("ak_abc", Some(TokenType::ApiKey)),
            ("MT_abc", None),
            ("", None),
            ("eyJ.eyJ.sig", None),
        ];
        for (token, want) in cases {
            assert_eq!(opaque_machine_type(token), want, "{token}");
        }
    }

    #[test]
    fn jwt_format() {
        assert!(is_jwt_format("a.b.c"));
        assert!(is_jwt_format("a-_9.b.c"));
        assert!(!is_jwt_format("a.b"));
        assert!(!is_jwt_format("a.b.c.d"));
        assert!(!is_jwt_format("a.b=.c"));
        assert!(!is_jwt_format("a..c"));
        assert!(!is_jwt_format(""));
    }

    #[test]
    fn category_gate() {
        assert!(!category::is_non_session(None));
        assert!(!category::is_non_session(Some(category::SESSION)));
        assert!(!category::is_non_session(Some(category::IGNORE)));
        assert!(category::is_non_session(Some(category::TEMPLATE)));
        assert!(category::is_non_session(Some(category::M2M)));
        assert!(category::is_non_session(Some("")));
    }
}
