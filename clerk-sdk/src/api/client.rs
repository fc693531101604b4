//! [`BackendApi`], the handle every operation goes through: the secret key, the base URL, the
//! shared HTTP client, the [`ApiPolicy`] and its rate limiter; and the one send loop
//! (rate limit, attempt timeout, deadline, retries) and answer decoding.

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use tokio::time::Instant;

use super::error::{ApiError, Refusal, StatusError, TransportFailure};
use super::operation::Call;
use super::policy::{ApiPolicy, Outcome, retryable};
use super::rate_limit::RateLimiter;
use crate::config::{ClerkConfig, ConfigError};
use crate::secret::SecretKey;
use crate::transport::{Response, Transport, TransportError};

/// Largest answer read: a page of 500 large users is a few MB.
const MAX_ANSWER: usize = 32 * 1024 * 1024;

/// A client for Clerk's Backend API. Cheap to clone: clones share the HTTP connection pool
/// (with the `Clerk` it came from, if any) and the client-side rate limiter.
///
/// ```no_run
/// # #[allow(dead_code)]
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let api = clerk_sdk::api::BackendApi::from_env()?;
/// let user = api.users().get("user_2abc").await?;
/// println!("{:?}", user.primary_email_address());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct BackendApi {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Option<Transport>,
    secret_key: Option<SecretKey>,
    base: String,
    policy: ApiPolicy,
    limiter: Option<RateLimiter>,
}

impl fmt::Debug for BackendApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackendApi")
            .field("base", &self.inner.base)
            .field("secret_key", &self.inner.secret_key)
            .field("policy", &self.inner.policy)
            .finish_non_exhaustive()
    }
}

impl BackendApi {
    /// A client over `config`'s secret key, API URL and version, sharing its HTTP client.
    /// Without a secret key every call fails with [`Refusal::MissingSecretKey`].
    pub fn new(config: &ClerkConfig) -> Self {
        let base = match &config.transport {
            Some(t) => t.versioned_base(),
            None => format!("{}/{}", config.api_url(), config.api_version()),
        };
        BackendApi {
            inner: Arc::new(Inner {
                transport: config.transport.clone(),
                secret_key: config.secret_key().cloned(),
                base,
                policy: ApiPolicy::default(),
                limiter: None,
            }),
        }
    }

    /// A client configured from the environment (`CLERK_SECRET_KEY`, `CLERK_API_URL`, …).
    ///
    /// # Errors
    /// The [`ConfigError`] of the first invalid setting, as [`ClerkConfig::from_env`].
    pub fn from_env() -> Result<Self, ConfigError> {
        ClerkConfig::from_env().map(|c| BackendApi::new(&c))
    }

    /// This client with another policy. The new client has its own rate limiter (shared by
    /// its clones); the connection pool stays shared.
    pub fn with_policy(&self, policy: ApiPolicy) -> Self {
        BackendApi {
            inner: Arc::new(Inner {
                transport: self.inner.transport.clone(),
                secret_key: self.inner.secret_key.clone(),
                base: self.inner.base.clone(),
                limiter: policy.rate_limit.map(RateLimiter::new),
                policy,
            }),
        }
    }

    /// The policy calls follow.
    pub fn policy(&self) -> &ApiPolicy {
        &self.inner.policy
    }

    /// `{api_url}/{api_version}`, which every path is appended to.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// The pooled HTTP client calls go through, for benchmarks that compare the client
    /// with bare requests on the same connections. Not public API.
    #[cfg(feature = "testing")]
    #[doc(hidden)]
    pub fn __http_client(&self) -> Option<reqwest::Client> {
        self.inner.transport.as_ref().map(|t| t.http().clone())
    }

    /// Sends `call` under the policy and decodes a success answer as `T` (an empty body as
    /// JSON `null`).
    pub(crate) async fn send<T: DeserializeOwned>(&self, call: Call) -> Result<T, ApiError> {
        let answer = self.execute(call).await?;
        decode(&answer)
    }

    /// Sends `call` under the policy: rate limit, attempt timeout, retries, deadline. A
    /// non-success status is an [`ApiError::Status`].
    pub(crate) async fn execute(&self, call: Call) -> Result<Response, ApiError> {
        let inner = &*self.inner;
        let (Some(transport), Some(secret)) = (&inner.transport, &inner.secret_key) else {
            return Err(Refusal::MissingSecretKey.into());
        };
        let policy = &inner.policy;
        let url = format!("{}{}", inner.base, call.path_and_query);
        let started = Instant::now();
        let deadline = started + policy.deadline;
        let timed_out = |attempts| ApiError::Timeout {
            attempts,
            elapsed: started.elapsed(),
        };
        let mut attempts = 0u32;
        loop {
            // Held until the attempt is over; the limit counts it for one more window.
            let slot = match &inner.limiter {
                Some(limiter) => match limiter.acquire(deadline).await {
                    Some(slot) => Some(slot),
                    None => return Err(timed_out(attempts)),
                },
                None => None,
            };
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(timed_out(attempts));
            }
            attempts += 1;
            let sent = transport
                .send_limited(
                    call.method.clone(),
                    &url,
                    Some(secret),
                    call.body.clone(),
                    policy.attempt_timeout.min(remaining),
                    MAX_ANSWER,
                )
                .await;
            let (outcome, error) = match sent {
                Ok(answer) if answer.status.is_success() => return Ok(answer),
                Ok(answer) => (
                    Outcome::Status(answer.status),
                    ApiError::Status(Box::new(StatusError::from_answer(
                        answer.status,
                        &answer.headers,
                        &answer.body,
                        attempts,
                    ))),
                ),
                Err(TransportError::Timeout) => (Outcome::Timeout, timed_out(attempts)),
                Err(e) => {
                    let cause = match e {
                        TransportError::Connect => TransportFailure::Connect,
                        _ => TransportFailure::Broken,
                    };
                    (Outcome::Transport(cause), ApiError::Transport { cause, attempts })
                }
            };
            drop(slot);
            if attempts > policy.max_retries || !retryable(&call.method, outcome) {
                return Err(error);
            }
            let wait = match error.retry_after() {
                Some(asked) if asked > policy.retry_after_cap => return Err(error),
                Some(asked) if !asked.is_zero() => asked,
                _ => policy.backoff(attempts),
            };
            if Instant::now() + wait >= deadline {
                return Err(error);
            }
            tokio::time::sleep(wait).await;
        }
    }
}

/// A success answer as `T`. The fast path parses directly; only a failure is parsed again
/// with path tracking, to say where the body did not fit.
pub(crate) fn decode<T: DeserializeOwned>(answer: &Response) -> Result<T, ApiError> {
    let body: &[u8] = if answer.body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        &answer.body
    };
    serde_json::from_slice(body).or_else(|_| {
        let mut de = serde_json::Deserializer::from_slice(body);
        serde_path_to_error::deserialize(&mut de).map_err(|e| ApiError::Decode {
            path: e.path().to_string(),
            message: e.inner().to_string(),
            status: answer.status,
        })
    })
}
