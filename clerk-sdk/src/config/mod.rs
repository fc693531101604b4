//! [`ClerkConfig`] and its builder: every setting validated once, in [`ClerkConfigBuilder::build`],
//! with the defaults ([`DEFAULT_API_URL`], …), the environment variable names ([`env`](mod@env))
//! and the JWKS cache policy ([`JwksPolicy`]).
//!
//! Reads the environment only in [`ClerkConfig::from_env`]; does no network I/O. Nothing on the
//! request path re-parses configuration. `build()` creates the one HTTP client (connection
//! pool) that every Backend API call of a [`crate::Clerk`] shares, when a secret key makes
//! such calls possible.

mod error;

use std::env::VarError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::jwt_key::JwtKey;
use crate::publishable_key::PublishableKey;
use crate::secret::SecretKey;
use crate::token::session::SessionRules;
use crate::token::{AcceptsToken, TokenType};
use crate::transport::Transport;

pub use crate::jwks::JwksPolicy;
pub use error::ConfigError;

/// Clerk's Backend API, the default [`ClerkConfigBuilder::api_url`].
pub const DEFAULT_API_URL: &str = "https://api.clerk.com";
/// The default [`ClerkConfigBuilder::api_version`].
pub const DEFAULT_API_VERSION: &str = "v1";
/// The default [`ClerkConfigBuilder::clock_skew`]: 5 seconds, as upstream.
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::from_secs(5);

/// Environment variable names read by [`ClerkConfig::from_env`].
pub mod env {
    /// Secret key (`sk_…`), for Backend API calls.
    pub const SECRET_KEY: &str = "CLERK_SECRET_KEY";
    /// Publishable key (`pk_…`), for the issuer pin and the cookie suffix.
    pub const PUBLISHABLE_KEY: &str = "CLERK_PUBLISHABLE_KEY";
    /// PEM public key for networkless session-token verification.
    pub const JWT_KEY: &str = "CLERK_JWT_KEY";
    /// Machine secret key, for verifying m2m tokens.
    pub const MACHINE_SECRET_KEY: &str = "CLERK_MACHINE_SECRET_KEY";
    /// Backend API base URL.
    pub const API_URL: &str = "CLERK_API_URL";
    /// Backend API version path segment.
    pub const API_VERSION: &str = "CLERK_API_VERSION";
    /// Webhook signing secret (`whsec_…`).
    pub const WEBHOOK_SIGNING_SECRET: &str = "CLERK_WEBHOOK_SIGNING_SECRET";
    /// Comma-separated authorized parties (our addition).
    pub const AUTHORIZED_PARTIES: &str = "CLERK_AUTHORIZED_PARTIES";
}

/// Validated settings for a [`crate::Clerk`]. Build one with [`ClerkConfig::builder`] or
/// [`ClerkConfig::from_env`].
///
/// `Debug` never prints a secret.
#[derive(Clone)]
pub struct ClerkConfig {
    pub(crate) transport: Option<Transport>,
    pub(crate) jwks_policy: JwksPolicy,
    pub(crate) secret_key: Option<SecretKey>,
    pub(crate) machine_secret_key: Option<SecretKey>,
    pub(crate) webhook_signing_secret: Option<SecretKey>,
    pub(crate) publishable_key: Option<PublishableKey>,
    pub(crate) jwt_key: Option<JwtKey>,
    pub(crate) rules: SessionRules,
    pub(crate) api_url: String,
    pub(crate) api_version: String,
    pub(crate) accepts: AcceptsToken,
    pub(crate) treat_pending_as_signed_out: bool,
    pub(crate) token_cache_capacity: usize,
    pub(crate) clock: Arc<dyn Clock>,
}

/// The token cache's default size: about 6 MiB with typical Clerk session tokens.
pub const DEFAULT_TOKEN_CACHE_CAPACITY: usize = 10_000;

impl ClerkConfig {
    /// Starts a builder with every default.
    pub fn builder() -> ClerkConfigBuilder {
        ClerkConfigBuilder::default()
    }

    /// Builds a config from the environment variables in [`env`](mod@env) (unset or empty variables are
    /// skipped).
    ///
    /// # Errors
    /// Whatever [`ClerkConfigBuilder::build`] reports, plus `env-not-unicode`.
    ///
    /// Not on wasm32, which has no process environment (`std::env::var` reports every
    /// variable missing there): build from the host's bindings with
    /// [`ClerkConfigBuilder::from_lookup`] or the builder's setters.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_env() -> Result<Self, ConfigError> {
        ClerkConfigBuilder::from_env()?.build()
    }

    /// The secret key, if set.
    pub fn secret_key(&self) -> Option<&SecretKey> {
        self.secret_key.as_ref()
    }

    /// The machine secret key, if set.
    pub fn machine_secret_key(&self) -> Option<&SecretKey> {
        self.machine_secret_key.as_ref()
    }

    /// The webhook signing secret, if set.
    pub fn webhook_signing_secret(&self) -> Option<&SecretKey> {
        self.webhook_signing_secret.as_ref()
    }

    /// The publishable key, if set.
    pub fn publishable_key(&self) -> Option<&PublishableKey> {
        self.publishable_key.as_ref()
    }

    /// The networkless verification key, if set.
    pub fn jwt_key(&self) -> Option<&JwtKey> {
        self.jwt_key.as_ref()
    }

    /// Accepted `azp` values (empty: not checked).
    pub fn authorized_parties(&self) -> &[String] {
        &self.rules.authorized_parties
    }

    /// Accepted `aud` values (empty: not checked).
    pub fn audiences(&self) -> &[String] {
        &self.rules.audiences
    }

    /// Accepted `iss` values (empty: not checked).
    pub fn issuers(&self) -> &[String] {
        &self.rules.issuers
    }

    /// Tolerated clock difference.
    pub fn clock_skew(&self) -> Duration {
        Duration::from_millis(self.rules.clock_skew_ms)
    }

    /// Backend API base URL.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    /// Backend API version segment.
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// The token types requests may carry.
    pub fn accepts(&self) -> &AcceptsToken {
        &self.accepts
    }

    /// Whether a pending session is treated as signed out.
    pub fn treat_pending_as_signed_out(&self) -> bool {
        self.treat_pending_as_signed_out
    }

    /// How many verified session tokens the token cache holds; 0 when it is off.
    pub fn token_cache_capacity(&self) -> usize {
        self.token_cache_capacity
    }

    /// How keys fetched from the Backend API are cached.
    pub fn jwks_policy(&self) -> &JwksPolicy {
        &self.jwks_policy
    }

    /// The clock time checks read.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }
}

impl fmt::Debug for ClerkConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClerkConfig")
            .field("secret_key", &self.secret_key)
            .field("machine_secret_key", &self.machine_secret_key)
            .field("webhook_signing_secret", &self.webhook_signing_secret)
            .field("publishable_key", &self.publishable_key)
            .field("jwt_key", &self.jwt_key)
            .field("authorized_parties", &self.rules.authorized_parties)
            .field("audiences", &self.rules.audiences)
            .field("issuers", &self.rules.issuers)
            .field("clock_skew_ms", &self.rules.clock_skew_ms)
            .field("api_url", &self.api_url)
            .field("api_version", &self.api_version)
            .field("accepts", &self.accepts)
            .field("treat_pending_as_signed_out", &self.treat_pending_as_signed_out)
            .field("token_cache_capacity", &self.token_cache_capacity)
            .field("jwks_policy", &self.jwks_policy)
            .field("clock", &self.clock)
            .finish()
    }
}

/// Where the issuer list comes from.
#[derive(Debug, Clone, Default)]
enum IssuerSetting {
    #[default]
    Unchecked,
    List(Vec<String>),
    FromPublishableKey,
}

/// Collects settings for a [`ClerkConfig`]; [`ClerkConfigBuilder::build`] validates them.
///
/// `Debug` never prints a secret.
#[derive(Debug, Clone)]
pub struct ClerkConfigBuilder {
    jwks_policy: JwksPolicy,
    secret_key: Option<SecretKey>,
    machine_secret_key: Option<SecretKey>,
    webhook_signing_secret: Option<SecretKey>,
    publishable_key: Option<String>,
    jwt_key: Option<JwtKeySetting>,
    authorized_parties: Vec<String>,
    audiences: Vec<String>,
    issuers: IssuerSetting,
    clock_skew: Duration,
    api_url: String,
    api_version: String,
    accepts: AcceptsToken,
    treat_pending_as_signed_out: bool,
    token_cache_capacity: usize,
    clock: Arc<dyn Clock>,
}

#[derive(Debug, Clone)]
enum JwtKeySetting {
    Pem(String),
    Parsed(JwtKey),
}

impl Default for ClerkConfigBuilder {
    fn default() -> Self {
        ClerkConfigBuilder {
            jwks_policy: JwksPolicy::default(),
            secret_key: None,
            machine_secret_key: None,
            webhook_signing_secret: None,
            publishable_key: None,
            jwt_key: None,
            authorized_parties: Vec::new(),
            audiences: Vec::new(),
            issuers: IssuerSetting::Unchecked,
            clock_skew: DEFAULT_CLOCK_SKEW,
            api_url: DEFAULT_API_URL.to_owned(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            accepts: AcceptsToken::default(),
            treat_pending_as_signed_out: true,
            token_cache_capacity: DEFAULT_TOKEN_CACHE_CAPACITY,
            clock: Arc::new(SystemClock),
        }
    }
}

impl ClerkConfigBuilder {
    /// A builder preloaded from the environment variables in [`env`](mod@env); unset or empty variables
    /// are skipped, so builder calls can fill the gaps.
    ///
    /// # Errors
    /// `env-not-unicode` if a variable is set to non-Unicode bytes.
    ///
    /// Not on wasm32, which has no process environment (`std::env::var` reports every
    /// variable missing there): build from the host's bindings with
    /// [`ClerkConfigBuilder::from_lookup`] or the builder's setters.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(std::env::var)
    }

    /// Like `ClerkConfigBuilder::from_env`, reading variables through `lookup` (for tests and
    /// for other configuration sources, such as a Cloudflare Worker's env bindings). `lookup`
    /// answers as [`std::env::var`] does:
    /// [`VarError::NotPresent`] for an unset variable, [`VarError::NotUnicode`] for an unreadable
    /// one.
    ///
    /// ```
    /// use std::env::VarError;
    /// use clerk_sdk::config::ClerkConfigBuilder;
    ///
    /// let builder = ClerkConfigBuilder::from_lookup(|name| match name {
    ///     "CLERK_SECRET_KEY" => Ok("sk_test_example".to_owned()),
    ///     _ => Err(VarError::NotPresent),
    /// })?;
    /// # let _ = builder;
    /// # Ok::<(), clerk_sdk::ConfigError>(())
    /// ```
    ///
    /// # Errors
    /// `env-not-unicode` when `lookup` answers [`VarError::NotUnicode`] for a variable.
    pub fn from_lookup(
        mut lookup: impl FnMut(&'static str) -> Result<String, VarError>,
    ) -> Result<Self, ConfigError> {
        let mut get = |name: &'static str| -> Result<Option<String>, ConfigError> {
            match lookup(name) {
                Ok(value) => Ok(Some(value).filter(|v| !v.trim().is_empty())),
                Err(VarError::NotPresent) => Ok(None),
                Err(VarError::NotUnicode(_)) => Err(ConfigError::EnvNotUnicode(name)),
            }
        };
        let mut builder = ClerkConfigBuilder::default();
        if let Some(v) = get(env::SECRET_KEY)? {
            builder = builder.secret_key(v);
        }
        if let Some(v) = get(env::MACHINE_SECRET_KEY)? {
            builder = builder.machine_secret_key(v);
        }
        if let Some(v) = get(env::WEBHOOK_SIGNING_SECRET)? {
            builder = builder.webhook_signing_secret(v);
        }
        if let Some(v) = get(env::PUBLISHABLE_KEY)? {
            builder = builder.publishable_key(v);
        }
        if let Some(v) = get(env::JWT_KEY)? {
            builder = builder.jwt_key(v);
        }
        if let Some(v) = get(env::API_URL)? {
            builder = builder.api_url(v);
        }
        if let Some(v) = get(env::API_VERSION)? {
            builder = builder.api_version(v);
        }
        if let Some(v) = get(env::AUTHORIZED_PARTIES)? {
            builder = builder.authorized_parties(v.split(',').map(str::trim).filter(|p| !p.is_empty()));
        }
        Ok(builder)
    }

    /// The instance secret key (`CLERK_SECRET_KEY`). Default: none.
    ///
    /// Needed for Backend API calls: session keys from the JWKS endpoint when no
    /// [`ClerkConfigBuilder::jwt_key`] is set, and machine tokens. Not needed for networkless
    /// session verification.
    #[must_use]
    pub fn secret_key(mut self, secret: impl Into<String>) -> Self {
        self.secret_key = Some(SecretKey::new(secret));
        self
    }

    /// The machine secret key (`CLERK_MACHINE_SECRET_KEY`), preferred over the secret key when
    /// verifying m2m tokens. Default: none.
    #[must_use]
    pub fn machine_secret_key(mut self, secret: impl Into<String>) -> Self {
        self.machine_secret_key = Some(SecretKey::new(secret));
        self
    }

    /// The webhook signing secret (`CLERK_WEBHOOK_SIGNING_SECRET`). Default: none.
    #[must_use]
    pub fn webhook_signing_secret(mut self, secret: impl Into<String>) -> Self {
        self.webhook_signing_secret = Some(SecretKey::new(secret));
        self
    }

    /// The publishable key (`CLERK_PUBLISHABLE_KEY`). Default: none.
    ///
    /// Optional: it enables [`ClerkConfigBuilder::issuer_from_publishable_key`] and the suffixed
    /// `__session_<suffix>` cookie. Validated by `build()`.
    #[must_use]
    pub fn publishable_key(mut self, key: impl Into<String>) -> Self {
        self.publishable_key = Some(key.into());
        self
    }

    /// The PEM public key for networkless session verification (`CLERK_JWT_KEY`). Default: none.
    ///
    /// Accepts real newlines, the literal `\n` form of `.env` files and a header-less base64
    /// body. Must be RSA with at least 2048 bits. Parsed once, by `build()`.
    #[must_use]
    pub fn jwt_key(mut self, pem: impl Into<String>) -> Self {
        self.jwt_key = Some(JwtKeySetting::Pem(pem.into()));
        self
    }

    /// An already parsed networkless verification key. Default: none.
    #[must_use]
    pub fn jwt_key_parsed(mut self, key: JwtKey) -> Self {
        self.jwt_key = Some(JwtKeySetting::Parsed(key));
        self
    }

    /// Replaces the accepted `azp` values. Default: empty (not checked).
    ///
    /// Security: set this to your frontend origins (e.g. `https://app.example.com`) so that a
    /// token issued to another site is refused (`token-invalid-authorized-parties`). Matching is
    /// exact: no trailing-slash or case normalisation.
    #[must_use]
    pub fn authorized_parties<I, S>(mut self, parties: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.authorized_parties = parties.into_iter().map(Into::into).collect();
        self
    }

    /// Adds one accepted `azp` value.
    #[must_use]
    pub fn authorized_party(mut self, party: impl Into<String>) -> Self {
        self.authorized_parties.push(party.into());
        self
    }

    /// Replaces the accepted `aud` values. Default: empty (not checked).
    ///
    /// When set, the check is strict: a token without a matching `aud` (a string, or an array
    /// with a matching string) is refused with `token-verification-failed`.
    #[must_use]
    pub fn audiences<I, S>(mut self, audiences: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.audiences = audiences.into_iter().map(Into::into).collect();
        self
    }

    /// Adds one accepted `aud` value.
    #[must_use]
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.push(audience.into());
        self
    }

    /// Replaces the accepted `iss` values. Default: not checked (as upstream).
    #[must_use]
    pub fn issuers<I, S>(mut self, issuers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.issuers = IssuerSetting::List(issuers.into_iter().map(Into::into).collect());
        self
    }

    /// Adds one accepted `iss` value.
    #[must_use]
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        match &mut self.issuers {
            IssuerSetting::List(list) => list.push(issuer.into()),
            other => *other = IssuerSetting::List(vec![issuer.into()]),
        }
        self
    }

    /// Pins `iss` to `https://<frontend API>` of the publishable key. Default: off.
    ///
    /// `build()` fails with `issuer-needs-publishable-key` when no publishable key is set.
    #[must_use]
    pub fn issuer_from_publishable_key(mut self) -> Self {
        self.issuers = IssuerSetting::FromPublishableKey;
        self
    }

    /// Tolerated difference between this machine's clock and Clerk's. Default: 5 s.
    ///
    /// Applied to `exp`, `nbf` and `iat`. Larger values accept tokens for longer after they
    /// expire. Sub-millisecond parts are dropped.
    #[must_use]
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew;
        self
    }

    /// Backend API base URL (`CLERK_API_URL`). Default: `https://api.clerk.com`.
    #[must_use]
    pub fn api_url(mut self, url: impl Into<String>) -> Self {
        self.api_url = url.into();
        self
    }

    /// Backend API version segment (`CLERK_API_VERSION`). Default: `v1`.
    #[must_use]
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// Which credentials requests may carry. Default: session tokens only.
    #[must_use]
    pub fn accepts(mut self, accepts: impl Into<AcceptsToken>) -> Self {
        self.accepts = accepts.into();
        self
    }

    /// Whether a pending session (`sts: "pending"`) is signed out. Default: `true`, as upstream.
    #[must_use]
    pub fn treat_pending_as_signed_out(mut self, yes: bool) -> Self {
        self.treat_pending_as_signed_out = yes;
        self
    }

    /// How keys fetched from the Backend API (used when no JWT key is set) are cached and
    /// fetched. Default: [`JwksPolicy::default`].
    #[must_use]
    pub fn jwks_policy(mut self, policy: JwksPolicy) -> Self {
        self.jwks_policy = policy;
        self
    }

    /// How many verified session tokens to keep, so a token sent with many requests has its
    /// signature checked once; 0 turns the cache off. Default: [`DEFAULT_TOKEN_CACHE_CAPACITY`].
    ///
    /// A hit still runs the time checks (`exp`, `nbf`, `iat` with the clock skew) and requires
    /// the key that verified the token to still be the one its `kid` resolves to; refused
    /// tokens are never cached. Each entry takes about 215 bytes plus the token's decoded
    /// payload (a typical 420-byte payload: about 635 bytes, so 100,000 tokens ≈ 61 MiB).
    #[must_use]
    pub fn token_cache_capacity(mut self, entries: usize) -> Self {
        self.token_cache_capacity = entries;
        self
    }

    /// The clock that time checks read. Default: the system clock.
    ///
    /// It drives every time decision: the `exp` / `nbf` / `iat` checks, and the JWKS cache's
    /// TTL, unknown-`kid` throttle, failure backoff and stale window. A
    /// [`FixedClock`](crate::clock::FixedClock) therefore also freezes key refreshes until it is
    /// moved: in tests, move it to let keys expire.
    #[must_use]
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Validates every setting once.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the setting at fault: an unparsable or too-small JWT key
    /// (`jwt-key-*`), an invalid publishable key (`publishable-key-invalid`), an empty secret
    /// key, no verification key, machine tokens this version cannot verify, a bad API URL or
    /// version, or an issuer pin without a publishable key.
    pub fn build(self) -> Result<ClerkConfig, ConfigError> {
        let publishable_key = self
            .publishable_key
            .as_deref()
            .map(PublishableKey::parse)
            .transpose()
            .map_err(ConfigError::PublishableKey)?;
        let jwt_key = match self.jwt_key {
            None => None,
            Some(JwtKeySetting::Parsed(key)) => Some(key),
            Some(JwtKeySetting::Pem(pem)) => Some(JwtKey::from_pem(&pem).map_err(ConfigError::JwtKey)?),
        };
        for secret in [&self.secret_key, &self.machine_secret_key].into_iter().flatten() {
            if secret.expose_secret().trim().is_empty() {
                return Err(ConfigError::EmptySecretKey);
            }
        }
        validate_accepts(
            &self.accepts,
            self.secret_key.is_some(),
            self.machine_secret_key.is_some(),
            jwt_key.is_some(),
        )?;
        if self.accepts.accepts(TokenType::SessionToken) && jwt_key.is_none() && self.secret_key.is_none() {
            return Err(ConfigError::NoVerificationKey);
        }
        let api_url = validate_api_url(self.api_url)?;
        let api_version = self.api_version.trim().trim_matches('/').to_owned();
        if api_version.is_empty()
            || api_version.contains(['/', '?', '#'])
            || api_version == "."
            || api_version == ".."
        {
            return Err(ConfigError::InvalidApiVersion);
        }
        let issuers = match self.issuers {
            IssuerSetting::Unchecked => Vec::new(),
            IssuerSetting::List(list) => non_empty_values("issuer", list)?,
            IssuerSetting::FromPublishableKey => vec![
                publishable_key
                    .as_ref()
                    .ok_or(ConfigError::IssuerNeedsPublishableKey)?
                    .issuer(),
            ],
        };
        let rules = SessionRules {
            audiences: non_empty_values("audience", self.audiences)?,
            authorized_parties: non_empty_values("authorized_parties", self.authorized_parties)?,
            issuers,
            clock_skew_ms: u64::try_from(self.clock_skew.as_millis()).unwrap_or(u64::MAX),
        };
        // One pooled HTTP client per config, created only when a Backend API call can happen.
        let transport = if self.secret_key.is_some() || self.machine_secret_key.is_some() {
            Some(
                Transport::new(&api_url, &api_version, self.jwks_policy.connect_timeout)
                    .map_err(|_| ConfigError::HttpClient)?,
            )
        } else {
            None
        };
        Ok(ClerkConfig {
            transport,
            jwks_policy: self.jwks_policy,
            secret_key: self.secret_key,
            machine_secret_key: self.machine_secret_key,
            webhook_signing_secret: self.webhook_signing_secret,
            publishable_key,
            jwt_key,
            rules,
            api_url,
            api_version,
            accepts: self.accepts,
            treat_pending_as_signed_out: self.treat_pending_as_signed_out,
            token_cache_capacity: self.token_cache_capacity,
            clock: self.clock,
        })
    }
}

/// Each accepted machine type needs a key to verify it with, so that a route never accepts a
/// type it cannot check: m2m tokens the machine
/// secret key or the secret key (or, for JWT-format m2m tokens only, the JWT key), OAuth
/// tokens the secret key (or the JWT key for JWT-format ones), API keys the secret key.
fn validate_accepts(
    accepts: &AcceptsToken,
    secret: bool,
    machine_secret: bool,
    jwt_key: bool,
) -> Result<(), ConfigError> {
    if matches!(accepts, AcceptsToken::Many(list) if list.is_empty()) {
        return Err(ConfigError::EmptyAccepts);
    }
    for t in TokenType::ALL.iter().copied().filter(|t| accepts.accepts(*t)) {
        let has_key = match t {
            TokenType::SessionToken => true,
            TokenType::M2mToken => secret || machine_secret || jwt_key,
            TokenType::OAuthToken => secret || jwt_key,
            TokenType::ApiKey => secret,
        };
        if !has_key {
            return Err(ConfigError::MachineTokensNeedSecretKey(t));
        }
    }
    Ok(())
}

fn validate_api_url(url: String) -> Result<String, ConfigError> {
    let trimmed = url.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or(ConfigError::InvalidApiUrl)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ConfigError::InvalidApiUrl);
    }
    Ok(trimmed.to_owned())
}

/// Trims list values and refuses empty ones (an empty value would never match a claim and
/// usually means a stray comma).
fn non_empty_values(setting: &'static str, values: Vec<String>) -> Result<Vec<String>, ConfigError> {
    values
        .into_iter()
        .map(|v| {
            let v = v.trim();
            if v.is_empty() {
                Err(ConfigError::EmptyListValue(setting))
            } else {
                Ok(v.to_owned())
            }
        })
        .collect()
}
