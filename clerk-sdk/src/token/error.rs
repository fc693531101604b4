//! [`SessionVerifyError`]: why a session token was refused, raised by [`super::session`].
//!
//! `reason()` is the stable kebab-case string of Clerk's backend vocabulary (`@clerk/backend`'s
//! `TokenVerificationErrorReason`); changing one is a breaking change, and the table test at the
//! bottom pins them. `class()` says what kind of failure it is, for callers that choose an
//! answer. No variant carries token text or a secret.

use super::jwt::MalformedToken;
use crate::jwks::JwksError;
use crate::reason::ReasonClass;

/// Why a session token was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionVerifyError {
    /// Too long, not three parts, or a part that does not decode.
    #[error(transparent)]
    Malformed(MalformedToken),
    /// The `cat` header says this is a machine (M2M) token.
    #[error("invalid session token category")]
    InvalidCategory,
    /// `typ` is present and is not `JWT`.
    #[error("invalid JWT type (expected \"JWT\")")]
    InvalidType,
    /// `alg` is not RS256.
    #[error("invalid JWT algorithm (supported: RS256)")]
    InvalidAlgorithm,
    /// The signature does not verify with the key.
    #[error("JWT signature is invalid")]
    InvalidSignature,
    /// `sub` is missing or not a string.
    #[error("subject claim (sub) is required and must be a string")]
    MissingSubject,
    /// `aud` does not name a configured audience.
    #[error("audience claim (aud) does not name a configured audience")]
    InvalidAudience,
    /// `azp` is missing or not an authorized party.
    #[error("authorized party claim (azp) {} is not in the configured list", .azp.as_deref().unwrap_or("(missing)"))]
    InvalidAuthorizedParty {
        /// The token's `azp`, if it had one (bounded, control characters removed).
        azp: Option<String>,
    },
    /// `iss` is missing or not a configured issuer.
    #[error("issuer claim (iss) {} is not in the configured list", .iss.as_deref().unwrap_or("(missing)"))]
    InvalidIssuer {
        /// The token's `iss`, if it had one (bounded, control characters removed).
        iss: Option<String>,
    },
    /// `exp` is missing or not a number, or `nbf` / `iat` is not a number.
    #[error("{claim} claim must be a number")]
    InvalidTimeClaim {
        /// `exp`, `nbf` or `iat`.
        claim: &'static str,
    },
    /// `exp` is at or before now minus the clock skew.
    #[error("JWT is expired (exp {exp}, now {now_ms} ms)")]
    Expired {
        /// The token's `exp`, in seconds.
        exp: f64,
        /// The clock reading, in milliseconds since the epoch.
        now_ms: u64,
    },
    /// `nbf` is after now plus the clock skew.
    #[error("JWT cannot be used prior to its not-before date (nbf {nbf}, now {now_ms} ms)")]
    NotActiveYet {
        /// The token's `nbf`, in seconds.
        nbf: f64,
        /// The clock reading, in milliseconds since the epoch.
        now_ms: u64,
    },
    /// `iat` is after now plus the clock skew.
    #[error("JWT issued-at date is in the future (iat {iat}, now {now_ms} ms)")]
    IssuedInTheFuture {
        /// The token's `iat`, in seconds.
        iat: f64,
        /// The clock reading, in milliseconds since the epoch.
        now_ms: u64,
    },
    /// No key is configured to verify session tokens with.
    #[error("failed to resolve a JWK during verification (set CLERK_JWT_KEY)")]
    KeyUnresolved,
    /// Keys from the Backend API could not be had, or none matches the token's `kid`.
    #[error(transparent)]
    Jwks(#[from] JwksError),
}

impl SessionVerifyError {
    /// The stable reason string, identical to `@clerk/backend`'s.
    pub fn reason(&self) -> &'static str {
        match self {
            SessionVerifyError::Malformed(_)
            | SessionVerifyError::InvalidCategory
            | SessionVerifyError::InvalidType => "token-invalid",
            SessionVerifyError::InvalidAlgorithm => "token-invalid-algorithm",
            SessionVerifyError::InvalidSignature => "token-invalid-signature",
            SessionVerifyError::MissingSubject
            | SessionVerifyError::InvalidAudience
            | SessionVerifyError::InvalidTimeClaim { .. } => "token-verification-failed",
            SessionVerifyError::InvalidAuthorizedParty { .. } => "token-invalid-authorized-parties",
            SessionVerifyError::InvalidIssuer { .. } => "token-invalid-issuer",
            SessionVerifyError::Expired { .. } => "token-expired",
            SessionVerifyError::NotActiveYet { .. } => "token-not-active-yet",
            SessionVerifyError::IssuedInTheFuture { .. } => "token-iat-in-the-future",
            SessionVerifyError::KeyUnresolved => "jwk-failed-to-resolve",
            SessionVerifyError::Jwks(e) => e.reason(),
        }
    }

    /// What kind of failure this is: no key configured is the server's fault, keys that
    /// cannot be fetched are an outage (or a refused secret key), everything else is the
    /// token's fault.
    pub fn class(&self) -> ReasonClass {
        match self {
            SessionVerifyError::KeyUnresolved => ReasonClass::Misconfigured,
            SessionVerifyError::Jwks(e) => e.class(),
            SessionVerifyError::Malformed(_)
            | SessionVerifyError::InvalidCategory
            | SessionVerifyError::InvalidType
            | SessionVerifyError::InvalidAlgorithm
            | SessionVerifyError::InvalidSignature
            | SessionVerifyError::MissingSubject
            | SessionVerifyError::InvalidAudience
            | SessionVerifyError::InvalidAuthorizedParty { .. }
            | SessionVerifyError::InvalidIssuer { .. }
            | SessionVerifyError::InvalidTimeClaim { .. }
            | SessionVerifyError::Expired { .. }
            | SessionVerifyError::NotActiveYet { .. }
            | SessionVerifyError::IssuedInTheFuture { .. } => ReasonClass::Unauthenticated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reason strings are API: this table pins every one.
    #[test]
    fn session_reasons_are_upstreams() {
        let table: Vec<(SessionVerifyError, &str)> = vec![
            (
                SessionVerifyError::Malformed(MalformedToken::PartCount),
                "token-invalid",
            ),
            (
                SessionVerifyError::Malformed(MalformedToken::Undecodable),
                "token-invalid",
            ),
            (
                SessionVerifyError::Malformed(MalformedToken::TooLong),
                "token-invalid",
            ),
            (SessionVerifyError::InvalidCategory, "token-invalid"),
            (SessionVerifyError::InvalidType, "token-invalid"),
            (SessionVerifyError::InvalidAlgorithm, "token-invalid-algorithm"),
            (SessionVerifyError::InvalidSignature, "token-invalid-signature"),
            (SessionVerifyError::MissingSubject, "token-verification-failed"),
            (SessionVerifyError::InvalidAudience, "token-verification-failed"),
            (
                SessionVerifyError::InvalidTimeClaim { claim: "exp" },
                "token-verification-failed",
            ),
            (
                SessionVerifyError::InvalidAuthorizedParty { azp: None },
                "token-invalid-authorized-parties",
            ),
            (
                SessionVerifyError::InvalidIssuer { iss: None },
                "token-invalid-issuer",
            ),
            (
                SessionVerifyError::Expired { exp: 1.0, now_ms: 2 },
                "token-expired",
            ),
            (
                SessionVerifyError::NotActiveYet { nbf: 1.0, now_ms: 2 },
                "token-not-active-yet",
            ),
            (
                SessionVerifyError::IssuedInTheFuture { iat: 1.0, now_ms: 2 },
                "token-iat-in-the-future",
            ),
            (SessionVerifyError::KeyUnresolved, "jwk-failed-to-resolve"),
        ];
        for (err, reason) in table {
            assert_eq!(err.reason(), reason, "{err:?}");
            let text = err.to_string();
            assert!(!text.ends_with('.'), "{text}");
        }
    }
}
