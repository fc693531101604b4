//! [`ConfigError`]: why a [`super::ClerkConfig`] could not be built.

use crate::jwt_key::JwtKeyError;
use crate::publishable_key::PublishableKeyError;
use crate::token::TokenType;

/// A configuration value is missing or invalid. Built once, by [`crate::config::ClerkConfigBuilder::build`].
///
/// Names the setting at fault; never echoes a secret. `Debug` prints the same sentence and the
/// reason, so that `fn main() -> Result<(), Box<dyn Error>>` with `Clerk::from_env()?` tells
/// the user which setting to fix, not only a variant name.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The JWT key (`CLERK_JWT_KEY`) could not be used.
    // The cause is printed in the message, so it is not also a `source()`: error reporters
    // that walk the chain would print it twice.
    #[error("jwt_key (CLERK_JWT_KEY): {0}")]
    JwtKey(JwtKeyError),
    /// The publishable key (`CLERK_PUBLISHABLE_KEY`) is not valid.
    #[error("publishable_key (CLERK_PUBLISHABLE_KEY): {0}")]
    PublishableKey(PublishableKeyError),
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
    MachineTokensNeedSecretKey(TokenType),
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

fn machine_key_hint(t: TokenType) -> &'static str {
    if t == TokenType::M2mToken {
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

impl std::fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self} (reason: {})", self.reason())
    }
}
