//! [`Clerk`], the handle applications keep (in router state, for instance): an `Arc` over the
//! validated config, so cloning is cheap. Holds no per-request logic of its own.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

#[cfg(not(target_arch = "wasm32"))]
use crate::api::BackendApi;
use crate::auth::{Authenticator, RequestHeaders, RequestState, SessionClaims};
use crate::config::ClerkConfig;
#[cfg(not(target_arch = "wasm32"))]
use crate::config::ConfigError;
use crate::token::{AcceptsToken, SessionVerifyError};

/// Verifies Clerk credentials. Cheap to clone; share one per application.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let keys = clerk_sdk::testing::TestKeys::generate()?;
/// # let config = keys.config_builder().build()?;
/// # let request = http::Request::new(());
/// let clerk = clerk_sdk::Clerk::new(config);
/// let state = clerk.authenticate_request(&request).await;
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
struct ClerkInner {
    config: ClerkConfig,
    /// This instance's verifier, with its own key cache and token cache (never shared between
    /// instances).
    authenticator: Authenticator,
    /// Requests authenticated through this handle (for tests and metrics).
    authentications: AtomicU64,
    /// The Backend API client, over the same HTTP client as key fetches and machine-token
    /// verification. Not on wasm32, where the `api` module is absent.
    #[cfg(not(target_arch = "wasm32"))]
    api: BackendApi,
}

impl Clerk {
    /// A handle over a validated config.
    // On wasm32 nothing holding the host's futures is `Send`; one thread shares the `Arc`.
    #[cfg_attr(target_arch = "wasm32", allow(clippy::arc_with_non_send_sync))]
    pub fn new(config: ClerkConfig) -> Self {
        Clerk {
            inner: Arc::new(ClerkInner {
                authenticator: Authenticator::new(&config),
                #[cfg(not(target_arch = "wasm32"))]
                api: BackendApi::new(&config),
                config,
                authentications: AtomicU64::new(0),
            }),
        }
    }

    /// A handle configured from the environment ([`ClerkConfig::from_env`]).
    ///
    /// # Errors
    /// The [`ConfigError`] of the first invalid setting.
    ///
    /// Not on wasm32, which has no process environment (`std::env::var` reports every
    /// variable missing there): build from the host's bindings with
    /// [`crate::config::ClerkConfigBuilder::from_lookup`] or the builder's setters.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_env() -> Result<Self, ConfigError> {
        ClerkConfig::from_env().map(Clerk::new)
    }

    /// The Backend API client of this handle's config, sharing its HTTP connection pool.
    /// Calls need the secret key; without one each fails with
    /// [`Refusal::MissingSecretKey`](crate::api::Refusal::MissingSecretKey).
    ///
    /// Not on wasm32 (the Backend API client is native only for now).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn api(&self) -> &BackendApi {
        &self.inner.api
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
    /// [`crate::config::ClerkConfigBuilder::token_cache_capacity`].
    pub fn cached_tokens(&self) -> usize {
        self.inner.authenticator.cached_tokens()
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
        self.inner.authenticator.verify_token(token).await
    }

    /// Authenticates a request from its headers: the `Authorization` header (`Bearer`, any
    /// case, or a bare token), else the `__session` cookie.
    ///
    /// Never fails: a missing or bad credential, and keys that cannot be had, are a signed-out
    /// [`RequestState`] whose `reason_str()` is Clerk's reason string and whose reason's
    /// [`class`](crate::auth::SignedOutReason::class) says whether to answer 401, 503 or 500.
    /// Configuration is validated when it is built, so nothing is left to fail here.
    pub async fn authenticate_request(&self, request: &impl RequestHeaders) -> RequestState {
        self.authenticate_request_with(request, &self.inner.config.accepts)
            .await
    }

    /// Like [`Clerk::authenticate_request`], accepting `accepts` instead of the configured
    /// token types (for routes that admit other callers, e.g. m2m tokens on one route only).
    ///
    /// A machine type without the key its verification needs is a signed-out state
    /// (`token-verification-failed`), like any other refusal.
    pub async fn authenticate_request_with(
        &self,
        request: &impl RequestHeaders,
        accepts: &AcceptsToken,
    ) -> RequestState {
        self.inner.authentications.fetch_add(1, Ordering::Relaxed);
        self.inner
            .authenticator
            .authenticate(request.request_headers(), accepts)
            .await
    }
}
