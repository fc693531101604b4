//! [`Clerk`], the handle applications keep (in router state, for instance): an `Arc` over the
//! validated config, so cloning is cheap. Holds no per-request logic of its own.

use std::sync::Arc;

use http::HeaderMap;

use crate::auth::{self, RequestState, SessionClaims};
use crate::config::ClerkConfig;
use crate::error::{AuthError, ConfigError, SessionVerifyError};
use crate::token::session;

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
    config: Arc<ClerkConfig>,
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
        Clerk {
            config: Arc::new(config),
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
        &self.config
    }

    /// Verifies a session token and returns its claims (upstream's `verifyToken`).
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
        let key = self
            .config
            .jwt_key
            .as_ref()
            .ok_or(SessionVerifyError::KeyUnresolved)?;
        let now_ms = self.config.clock.now_ms();
        session::verify_decoded(jwt, key, &self.config.rules, now_ms).map(SessionClaims::new)
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
        auth::authenticate(&self.config, request.request_headers())
    }
}
