//! One error enum per boundary: [`ConfigError`] when a config is built, [`SessionVerifyError`]
//! when a session token is checked, [`AuthError`] when a request cannot be decided at all.
//!
//! Every enum has `reason()`, a stable kebab-case string from Clerk's backend vocabulary
//! (`@clerk/backend` `TokenVerificationErrorReason`). Changing one is a breaking change; the
//! table test at the bottom pins them. No variant carries token text or a secret.

use crate::jwks::JwksError;
use crate::jwt_key::JwtKeyError;
use crate::publishable_key::PublishableKeyError;
use crate::token::jwt::MalformedToken;

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
}

/// A configuration value is missing or invalid. Built once, by [`crate::ClerkConfigBuilder::build`].
///
/// Names the setting at fault; never echoes a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The JWT key (`CLERK_JWT_KEY`) could not be used.
    #[error("jwt_key (CLERK_JWT_KEY): {0}")]
    JwtKey(#[source] JwtKeyError),
    /// The publishable key (`CLERK_PUBLISHABLE_KEY`) is not valid.
    #[error("publishable_key (CLERK_PUBLISHABLE_KEY): {0}")]
    PublishableKey(#[source] PublishableKeyError),
    /// The secret key (`CLERK_SECRET_KEY`) is set but empty.
    #[error("secret_key (CLERK_SECRET_KEY) is empty")]
    EmptySecretKey,
    /// No way to verify session tokens: neither a JWT key nor a secret key was given.
    #[error(
        "no key to verify session tokens with: set jwt_key (CLERK_JWT_KEY) or secret_key (CLERK_SECRET_KEY)"
    )]
    NoVerificationKey,
    /// The HTTP client for Backend API calls could not be created (TLS initialisation).
    #[error("the HTTP client for Backend API calls could not be created")]
    HttpClient,
    /// A machine token type is accepted but no key can call its verify endpoint.
    #[error("accepts: {0} credentials need secret_key (CLERK_SECRET_KEY){hint}", hint = machine_key_hint(*.0))]
    MachineTokensNeedSecretKey(crate::TokenType),
    /// `accepts` lists no token type.
    #[error("accepts: the list of accepted token types is empty")]
    EmptyAccepts,
    /// The API URL is not an absolute http(s) URL.
    #[error("api_url (CLERK_API_URL) must be an absolute http:// or https:// URL")]
    InvalidApiUrl,
    /// The API version is empty or not a single path segment.
    #[error("api_version (CLERK_API_VERSION) must be a non-empty path segment such as v1")]
    InvalidApiVersion,
    /// `issuer_from_publishable_key` was asked for without a publishable key.
    #[error("issuer: pinning to the Frontend API needs publishable_key (CLERK_PUBLISHABLE_KEY)")]
    IssuerNeedsPublishableKey,
    /// An environment variable is not valid Unicode.
    #[error("environment variable {0} is not valid Unicode")]
    EnvNotUnicode(&'static str),
    /// A value in a list setting is empty.
    #[error("{0}: list contains an empty value")]
    EmptyListValue(&'static str),
}

fn machine_key_hint(t: crate::TokenType) -> &'static str {
    if t == crate::TokenType::M2mToken {
        " or machine_secret_key (CLERK_MACHINE_SECRET_KEY)"
    } else {
        ""
    }
}

impl ConfigError {
    /// A stable kebab-case reason string.
    pub fn reason(&self) -> &'static str {
        match self {
            ConfigError::JwtKey(e) => e.reason(),
            ConfigError::PublishableKey(e) => e.reason(),
            ConfigError::EmptySecretKey => "secret-key-empty",
            ConfigError::NoVerificationKey => "jwk-failed-to-resolve",
            ConfigError::HttpClient => "http-client-unavailable",
            ConfigError::MachineTokensNeedSecretKey(_) => "secret-key-missing",
            ConfigError::EmptyAccepts => "accepts-empty",
            ConfigError::InvalidApiUrl => "api-url-invalid",
            ConfigError::InvalidApiVersion => "api-version-invalid",
            ConfigError::IssuerNeedsPublishableKey => "issuer-needs-publishable-key",
            ConfigError::EnvNotUnicode(_) => "env-not-unicode",
            ConfigError::EmptyListValue(_) => "config-list-empty-value",
        }
    }
}

/// A request could not be decided because of a configuration or infrastructure fault.
///
/// A bad or missing credential is never an `AuthError`: it is a signed-out
/// [`crate::RequestState`] with a reason. Unreachable keys are a signed-out state too
/// (`jwk-remote-failed-to-load`, as upstream), so that a handler can answer 503 from the
/// reason. Configuration is validated when it is built, so this version never produces an
/// `AuthError`; the type is kept so that new infrastructure faults are not a breaking change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {}

impl AuthError {
    /// A stable kebab-case reason string.
    pub fn reason(&self) -> &'static str {
        match *self {}
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
