//! [`SessionVerifyError`]: why a session token was refused, raised by [`super::session`].
//!
//! `reason()` is the stable kebab-case string of Clerk's backend vocabulary (`@clerk/backend`'s
//! `TokenVerificationErrorReason`); changing one is a breaking change, and the table test at the
//! bottom pins them. `class()` says what kind of failure it is, for callers that choose an
//! answer. No variant carries token text or a secret.

use std::fmt;

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
    #[error("JWT is expired: exp {}, now {}", Utc::secs(*.exp), Utc::ms(*.now_ms))]
    Expired {
        /// The token's `exp`, in seconds.
        exp: f64,
        /// The clock reading, in milliseconds since the epoch.
        now_ms: u64,
    },
    /// `nbf` is after now plus the clock skew.
    #[error("JWT cannot be used prior to its not-before date: nbf {}, now {}", Utc::secs(*.nbf), Utc::ms(*.now_ms))]
    NotActiveYet {
        /// The token's `nbf`, in seconds.
        nbf: f64,
        /// The clock reading, in milliseconds since the epoch.
        now_ms: u64,
    },
    /// `iat` is after now plus the clock skew.
    #[error("JWT issued-at date is in the future: iat {}, now {}", Utc::secs(*.iat), Utc::ms(*.now_ms))]
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

/// A time as UTC (`2023-11-14T22:13:20Z`, milliseconds shown when there are some), so that
/// a token's time claim (seconds) and the clock (milliseconds) read alike in messages. A value
/// outside years 1970–9999 prints as its number of seconds.
struct Utc(Option<i64>, f64);

impl Utc {
    /// A claim's value, in seconds since the epoch.
    fn secs(secs: f64) -> Self {
        let ms = secs * 1000.0;
        // Within years 1970–9999 the millisecond count is exact in an i64.
        let in_range = ms.is_finite() && (0.0..=253_402_300_799_999.0).contains(&ms);
        #[expect(clippy::cast_possible_truncation, reason = "range-checked just above")]
        Utc(in_range.then(|| ms.floor() as i64), secs)
    }

    /// A clock reading, in milliseconds since the epoch.
    fn ms(ms: u64) -> Self {
        match i64::try_from(ms) {
            #[expect(clippy::cast_precision_loss, reason = "only printed when out of range")]
            Ok(v) if v <= 253_402_300_799_999 => Utc(Some(v), v as f64 / 1000.0),
            #[expect(clippy::cast_precision_loss, reason = "only printed as a number")]
            _ => Utc(None, ms as f64 / 1000.0),
        }
    }
}

impl fmt::Display for Utc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Utc(Some(ms), _) = *self else {
            return write!(f, "{} s", self.1);
        };
        let (days, ms_of_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
        // Days since 1970-01-01 to a civil date (Howard Hinnant's `civil_from_days`).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        let (h, m, sec, milli) = (
            ms_of_day / 3_600_000,
            ms_of_day / 60_000 % 60,
            ms_of_day / 1_000 % 60,
            ms_of_day % 1_000,
        );
        write!(f, "{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{sec:02}")?;
        if milli != 0 {
            write!(f, ".{milli:03}")?;
        }
        f.write_str("Z")
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
        assert_eq!(
            SessionVerifyError::Expired {
                exp: 1_700_000_000.0,
                now_ms: 1_700_000_120_500,
            }
            .to_string(),
            "JWT is expired: exp 2023-11-14T22:13:20Z, now 2023-11-14T22:15:20.500Z"
        );
        assert_eq!(Utc::secs(951_782_400.0).to_string(), "2000-02-29T00:00:00Z");
        assert_eq!(Utc::secs(0.0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(Utc::secs(-1.0).to_string(), "-1 s");
        assert_eq!(Utc::secs(1e300).to_string(), format!("{} s", 1e300));
        assert_eq!(Utc::secs(f64::NAN).to_string(), "NaN s");
        assert_eq!(
            Utc::ms(u64::MAX).to_string(),
            format!("{} s", u64::MAX as f64 / 1000.0)
        );
        for (err, reason) in table {
            assert_eq!(err.reason(), reason, "{err:?}");
            let text = err.to_string();
            assert!(!text.ends_with('.'), "{text}");
        }
    }
}
