//! [`Clerk`], the handle applications keep (in router state, for instance): an `Arc` over the
//! validated config, so cloning is cheap. Holds no per-request logic of its own.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use http::HeaderMap;

use crate::auth::{self, RequestState, SessionClaims};
use crate::config::ClerkConfig;
use crate::error::{AuthError, ConfigError, SessionVerifyError};
use crate::jwks::JwksCache;
use crate::jwt_key::JwtKey;
use crate::token::AcceptsToken;
use crate::token::{jwt, session};
use crate::token_cache::TokenCache;

/// Verifies Clerk credentials. Cheap to clone; share one per application.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let keys = clerk_sdk::testing::TestKeys::generate()?;
/// # let config = keys.config_builder().build()?;
/// # let request = http::Request::new(());
/// let clerk = clerk_sdk::Clerk::new(config);
/// let state = clerk.authenticate_request(&request).await?;
/// match state.auth().session() {
///     Some(session) => println!("user {}", session.user_id()),
///     None => println!("signed out: {}", state.reason_str().unwrap_or("pending session")),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Clerk {
    inner: Arc<ClerkInner>,
}

/// What every clone of a [`Clerk`] shares.
#[derive(Debug)]
pub(crate) struct ClerkInner {
    pub(crate) config: ClerkConfig,
    /// This instance's key cache (never shared between instances); present when keys come
    /// from the Backend API.
    pub(crate) jwks: Option<Arc<JwksCache>>,
    /// Verified session tokens, when the cache is on.
    pub(crate) token_cache: Option<TokenCache>,
    /// Requests authenticated through this handle (for tests and metrics).
    authentications: AtomicU64,
}

impl ClerkInner {
    /// The key for a session token: the configured PEM key when there is one (its `kid` is not
    /// consulted, as upstream), else the JWKS key named by the token's `kid`.
    pub(crate) async fn session_key(&self, kid: Option<&str>) -> Result<JwtKey, SessionVerifyError> {
        if let Some(key) = &self.config.jwt_key {
            return Ok(key.clone());
        }
        match &self.jwks {
            Some(jwks) => Ok(jwks.key_for(kid).await?),
            None => Err(SessionVerifyError::KeyUnresolved),
        }
    }
}

/// Anything that carries request headers: [`HeaderMap`], [`http::request::Parts`] or
/// [`http::Request`].
pub trait RequestHeaders {
    /// The request's headers.
    fn request_headers(&self) -> &HeaderMap;
}

impl RequestHeaders for HeaderMap {
    fn request_headers(&self) -> &HeaderMap {
        self
    }
}

impl RequestHeaders for http::request::Parts {
    fn request_headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl<B> RequestHeaders for http::Request<B> {
    fn request_headers(&self) -> &HeaderMap {
        self.headers()
    }
}

impl Clerk {
    /// A handle over a validated config.
    pub fn new(config: ClerkConfig) -> Self {
        let jwks = match (&config.jwt_key, &config.transport, &config.secret_key) {
            (None, Some(client), Some(secret)) => Some(Arc::new(JwksCache::new(
                client.clone(),
                secret.clone(),
                config.jwks_policy.clone(),
                config.clock.clone(),
            ))),
            _ => None,
        };
        Clerk {
            inner: Arc::new(ClerkInner {
                jwks,
                token_cache: (config.token_cache_capacity > 0)
                    .then(|| TokenCache::new(config.token_cache_capacity)),
                config,
                authentications: AtomicU64::new(0),
            }),
        }
    }

    /// A handle configured from the environment ([`ClerkConfig::from_env`]).
    ///
    /// # Errors
    /// The [`ConfigError`] of the first invalid setting.
    pub fn from_env() -> Result<Self, ConfigError> {
        ClerkConfig::from_env().map(Clerk::new)
    }

    /// The config this handle was built from.
    pub fn config(&self) -> &ClerkConfig {
        &self.inner.config
    }

    /// How many requests this handle (and its clones) has authenticated: a cheap counter for
    /// metrics, and for tests that a request is verified only once.
    pub fn authentications(&self) -> u64 {
        self.inner.authentications.load(Ordering::Relaxed)
    }

    /// How many verified session tokens the token cache holds now (0 when it is off); see
    /// [`crate::ClerkConfigBuilder::token_cache_capacity`].
    pub fn cached_tokens(&self) -> usize {
        self.inner.token_cache.as_ref().map_or(0, TokenCache::len)
    }

    /// Verifies a session token and returns its claims (upstream's `verifyToken`).
    ///
    /// This does not use the token cache: only [`Clerk::authenticate_request`], whose checks
    /// are stricter (token type and category), reads and fills it.
    ///
    /// Checks, in upstream's order: length cap, decoding, M2M category, key, `typ`, `alg`
    /// (RS256 only), signature, then `sub`, `aud`, `azp`, `iss`, `exp`, `nbf`, `iat`. Pending
    /// sessions are returned like any other; [`Clerk::authenticate_request`] applies the
    /// pending rule.
    ///
    /// # Errors
    /// A [`SessionVerifyError`]; its `reason()` is Clerk's (`token-expired`,
    /// `token-invalid-signature`, …).
    pub async fn verify_token(&self, token: &str) -> Result<SessionClaims, SessionVerifyError> {
        let jwt = session::decode_session_token(token)?;
        let key = self.inner.session_key(jwt.header().kid.as_deref()).await?;
        let config = &self.inner.config;
        session::verify_decoded(jwt, &key, &config.rules, config.clock.now_ms())
            .map(|verified| SessionClaims::new(jwt::parse_validated(&verified.text)))
    }

    /// Authenticates a request from its headers: the `Authorization` header (`Bearer`, any
    /// case, or a bare token), else the `__session` cookie.
    ///
    /// A missing or bad credential is not an error: it is a signed-out [`RequestState`] whose
    /// `reason_str()` is Clerk's reason string.
    ///
    /// # Errors
    /// Only configuration or infrastructure faults ([`AuthError`]).
    pub async fn authenticate_request(
        &self,
        request: &impl RequestHeaders,
    ) -> Result<RequestState, AuthError> {
        self.authenticate_request_with(request, &self.inner.config.accepts)
            .await
    }

    /// Like [`Clerk::authenticate_request`], accepting `accepts` instead of the configured
    /// token types (for routes that admit other callers, e.g. m2m tokens on one route only).
    ///
    /// A machine type without the key its verification needs is a signed-out state
    /// (`token-verification-failed`), not an error.
    ///
    /// # Errors
    /// Only configuration or infrastructure faults ([`AuthError`]).
    pub async fn authenticate_request_with(
        &self,
        request: &impl RequestHeaders,
        accepts: &AcceptsToken,
    ) -> Result<RequestState, AuthError> {
        self.inner.authentications.fetch_add(1, Ordering::Relaxed);
        auth::authenticate(&self.inner, request.request_headers(), accepts).await
    }
}
