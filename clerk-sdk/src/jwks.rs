//! Signing keys fetched from the Backend API (`GET {api_url}/{version}/jwks`), cached per
//! [`crate::Clerk`] and built to survive outages and floods (Part A item 8):
//!
//! - a hard TTL (5 min), after which keys are refreshed;
//! - single-flight: concurrent requests that need keys share one fetch;
//! - an unknown `kid` triggers at most one refetch per throttle window (30 s);
//! - after a failed fetch, a backoff (5 s) during which no fetch is attempted;
//! - stale-while-error: the last good keys keep verifying for up to 1 h while refreshes fail;
//! - connect and total timeouts (5 s); retries only for network errors, 5xx and 429
//!   (`Retry-After` honoured within the budget), never for 401.
//!
//! The hot path (known `kid`, fresh cache) is one lock-free `ArcSwap` load. No lock is held
//! across network I/O: the fetch runs in its own task and publishes a new snapshot. This module
//! never reads claims.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::FutureExt as _;
use futures_util::future::{BoxFuture, Shared};
use http::{Method, StatusCode};
use tokio::time::Instant;

use crate::jwt_key::JwtKey;
use crate::reason::ReasonClass;
use crate::secret::SecretKey;
use crate::transport::{Response, Transport, TransportError};

/// How the JWKS cache behaves. Every field has a safe default; see [`JwksPolicy::default`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwksPolicy {
    ttl: Duration,
    unknown_kid_interval: Duration,
    failure_backoff: Duration,
    stale_window: Duration,
    connect_timeout: Duration,
    timeout: Duration,
    max_attempts: u32,
}

impl Default for JwksPolicy {
    /// TTL 5 min, unknown-`kid` refetch at most every 30 s, 5 s backoff after a failure,
    /// stale keys usable for 1 h while refreshes fail, 5 s connect and total timeouts, 3
    /// attempts.
    fn default() -> Self {
        JwksPolicy {
            ttl: Duration::from_secs(300),
            unknown_kid_interval: Duration::from_secs(30),
            failure_backoff: Duration::from_secs(5),
            stale_window: Duration::from_secs(3600),
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(5),
            max_attempts: 3,
        }
    }
}

impl JwksPolicy {
    /// How long fetched keys count as fresh. Default: 5 min.
    #[must_use]
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Minimum time between refetches caused by an unknown `kid`. Default: 30 s.
    ///
    /// Security: bounds what a flood of forged `kid`s can cost Clerk's API and you.
    #[must_use]
    pub fn unknown_kid_interval(mut self, interval: Duration) -> Self {
        self.unknown_kid_interval = interval;
        self
    }

    /// After a failed fetch, how long to answer from the cache (or fail fast) before trying
    /// again. Default: 5 s.
    #[must_use]
    pub fn failure_backoff(mut self, backoff: Duration) -> Self {
        self.failure_backoff = backoff;
        self
    }

    /// How long after the last successful fetch its keys may still verify while refreshes
    /// fail. Default: 1 h. Keys are never used past this window (fail closed).
    #[must_use]
    pub fn stale_window(mut self, window: Duration) -> Self {
        self.stale_window = window;
        self
    }

    /// TCP/TLS connect timeout of Backend API calls. Default: 5 s.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Total time budget of one fetch, retries included. Default: 5 s.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Attempts per fetch (1 = no retry). Default: 3. Only network errors, 5xx and 429 are
    /// retried.
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The configured connect timeout.
    pub fn connect_timeout_value(&self) -> Duration {
        self.connect_timeout
    }
}

/// Why signing keys could not be had from the Backend API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwksError {
    /// The Backend API refused the secret key (401 `clerk_key_invalid`).
    #[error("the Backend API refused the secret key{}", .message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    SecretKeyInvalid {
        /// Clerk's error message, if it sent one.
        message: Option<String>,
    },
    /// The JWKS endpoint answered with an error status.
    #[error("error loading Clerk JWKS from {url} with code={status}")]
    Status {
        /// The JWKS URL (no secrets: the key travels in a header).
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// No answer: timeout, refused connection or a broken connection.
    #[error("error loading Clerk JWKS from {url}: {cause}")]
    Transport {
        /// The JWKS URL.
        url: String,
        /// What went wrong, e.g. `timed out`.
        cause: &'static str,
    },
    /// The answer was not a JWKS (wrong content type or malformed JSON).
    #[error("the JWKS endpoint {url} did not answer with a JSON key set")]
    Malformed {
        /// The JWKS URL.
        url: String,
    },
    /// The key set holds no usable RS256 signing key.
    #[error("the JWKS endpoint did not contain any signing keys")]
    NoKeys,
    /// No key in the set matches the token's `kid`.
    #[error(
        "unable to find a signing key in JWKS that matches the kid='{kid}' of the provided session token"
    )]
    KidNotFound {
        /// The token's `kid` (bounded, control characters removed).
        kid: String,
    },
}

impl JwksError {
    /// The stable reason string, identical to `@clerk/backend`'s.
    pub fn reason(&self) -> &'static str {
        match self {
            JwksError::SecretKeyInvalid { .. } => "secret-key-invalid",
            JwksError::Status { .. }
            | JwksError::Transport { .. }
            | JwksError::Malformed { .. }
            | JwksError::NoKeys => "jwk-remote-failed-to-load",
            JwksError::KidNotFound { .. } => "jwk-kid-mismatch",
        }
    }

    /// What kind of failure this is: a refused secret key is the server's configuration, an
    /// unknown `kid` is the token's fault, anything else means keys could not be had.
    pub fn class(&self) -> ReasonClass {
        match self {
            JwksError::SecretKeyInvalid { .. } => ReasonClass::Misconfigured,
            JwksError::Status { .. }
            | JwksError::Transport { .. }
            | JwksError::Malformed { .. }
            | JwksError::NoKeys => ReasonClass::Unavailable,
            JwksError::KidNotFound { .. } => ReasonClass::Unauthenticated,
        }
    }

    fn kid_not_found(kid: &str) -> Self {
        JwksError::KidNotFound {
            kid: kid.chars().filter(|c| !c.is_control()).take(128).collect(),
        }
    }
}

/// One immutable view of the cache; replaced whole on every change.
#[derive(Debug, Clone, Default)]
struct Snapshot {
    keys: HashMap<String, JwtKey>,
    /// When the current keys were fetched.
    fetched_at: Option<Instant>,
    /// The last failed fetch, cleared by a successful one.
    failure: Option<(Instant, JwksError)>,
    /// When an unknown `kid` last caused a refetch.
    kid_refetch_at: Option<Instant>,
}

type InFlight = Shared<BoxFuture<'static, ()>>;

/// The per-`Clerk` JWKS cache.
pub(crate) struct JwksCache {
    client: Transport,
    secret_key: SecretKey,
    policy: JwksPolicy,
    state: ArcSwap<Snapshot>,
    in_flight: Mutex<Option<InFlight>>,
}

impl fmt::Debug for JwksCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let snapshot = self.state.load();
        f.debug_struct("JwksCache")
            .field("client", &self.client)
            .field("policy", &self.policy)
            .field("kids", &snapshot.keys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// Why a fetch was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    Expired,
    UnknownKid,
}

impl JwksCache {
    pub(crate) fn new(client: Transport, secret_key: SecretKey, policy: JwksPolicy) -> Self {
        JwksCache {
            client,
            secret_key,
            policy,
            state: ArcSwap::from_pointee(Snapshot::default()),
            in_flight: Mutex::new(None),
        }
    }

    /// The key for `kid`, fetching or refreshing the set as the policy allows.
    pub(crate) async fn key_for(self: &Arc<Self>, kid: Option<&str>) -> Result<JwtKey, JwksError> {
        // Clerk's tokens always carry a kid; one without can never match, and must not cost a fetch.
        let Some(kid) = kid else {
            return Err(JwksError::kid_not_found("undefined"));
        };
        let now = Instant::now();
        let snapshot = self.state.load();
        let fresh = snapshot
            .fetched_at
            .is_some_and(|t| now.duration_since(t) < self.policy.ttl);
        if fresh && let Some(key) = snapshot.keys.get(kid) {
            return Ok(key.clone());
        }
        let backing_off = snapshot
            .failure
            .as_ref()
            .is_some_and(|(at, _)| now.duration_since(*at) < self.policy.failure_backoff);
        let trigger = if fresh {
            Trigger::UnknownKid
        } else {
            Trigger::Expired
        };
        let throttled = trigger == Trigger::UnknownKid
            && snapshot
                .kid_refetch_at
                .is_some_and(|t| now.duration_since(t) < self.policy.unknown_kid_interval);
        if !backing_off && !throttled {
            drop(snapshot);
            self.refresh(trigger).await;
        }
        self.lookup_after_refresh(kid)
    }

    /// Decides from the current snapshot, after a refresh or instead of one.
    fn lookup_after_refresh(&self, kid: &str) -> Result<JwtKey, JwksError> {
        let now = Instant::now();
        let snapshot = self.state.load();
        let usable = snapshot
            .fetched_at
            .is_some_and(|t| now.duration_since(t) < self.policy.stale_window.max(self.policy.ttl));
        if usable && let Some(key) = snapshot.keys.get(kid) {
            return Ok(key.clone());
        }
        match &snapshot.failure {
            // Keys could not be had: say why, rather than blaming the token's kid.
            Some((_, error)) => Err(error.clone()),
            None => Err(JwksError::kid_not_found(kid)),
        }
    }

    /// Joins the fetch in flight, or starts one.
    async fn refresh(self: &Arc<Self>, trigger: Trigger) {
        let fetch = {
            let mut slot = match self.in_flight.lock() {
                Ok(slot) => slot,
                Err(poisoned) => poisoned.into_inner(),
            };
            match slot.as_ref() {
                Some(running) if running.peek().is_none() => running.clone(),
                _ => {
                    if trigger == Trigger::UnknownKid {
                        let now = Instant::now();
                        self.state.rcu(|s| Snapshot {
                            kid_refetch_at: Some(now),
                            ..Snapshot::clone(s)
                        });
                    }
                    let fetch = self.spawn_fetch();
                    *slot = Some(fetch.clone());
                    fetch
                }
            }
        };
        fetch.await;
    }

    /// Runs one fetch in its own task (so a cancelled request does not cancel it for the
    /// others) and publishes the outcome.
    fn spawn_fetch(self: &Arc<Self>) -> InFlight {
        let cache = Arc::clone(self);
        let work = async move {
            let outcome = cache.fetch().await;
            cache.publish(outcome);
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                let task = runtime.spawn(work);
                async move {
                    let _ = task.await;
                }
                .boxed()
                .shared()
            }
            Err(_) => work.boxed().shared(),
        }
    }

    fn publish(&self, outcome: Result<HashMap<String, JwtKey>, JwksError>) {
        let now = Instant::now();
        self.state.rcu(|s| {
            let mut next = Snapshot::clone(s);
            match &outcome {
                Ok(keys) => {
                    // An unchanged key keeps its identity, so the token cache's entries
                    // verified with it stay valid across refreshes.
                    next.keys = keys
                        .iter()
                        .map(|(kid, key)| match s.keys.get(kid) {
                            Some(old) if old.same_material(key) => (kid.clone(), old.clone()),
                            _ => (kid.clone(), key.clone()),
                        })
                        .collect();
                    next.fetched_at = Some(now);
                    next.failure = None;
                }
                Err(e) => next.failure = Some((now, e.clone())),
            }
            next
        });
    }

    /// One fetch with bounded retries inside the total time budget.
    async fn fetch(&self) -> Result<HashMap<String, JwtKey>, JwksError> {
        let url = self.client.jwks_url();
        let deadline = Instant::now() + self.policy.timeout;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(JwksError::Transport {
                    url,
                    cause: "timed out",
                });
            }
            let answer = self
                .client
                .send(Method::GET, &url, Some(&self.secret_key), None, remaining)
                .await;
            let (error, retry_after) = match answer {
                Ok(response) if response.status.is_success() => return parse_jwks(&url, &response),
                Ok(response) => {
                    let error = status_error(&url, &response);
                    let retryable =
                        response.status.is_server_error() || response.status == StatusCode::TOO_MANY_REQUESTS;
                    if !retryable {
                        return Err(error);
                    }
                    (error, response.retry_after())
                }
                Err(TransportError::Timeout) => {
                    return Err(JwksError::Transport {
                        url,
                        cause: "timed out",
                    });
                }
                Err(cause) => (
                    JwksError::Transport {
                        url: url.clone(),
                        cause: transport_cause(cause),
                    },
                    None,
                ),
            };
            if attempt >= self.policy.max_attempts {
                return Err(error);
            }
            let delay = retry_after.unwrap_or_else(|| backoff_delay(attempt));
            if Instant::now() + delay >= deadline {
                return Err(error);
            }
            tokio::time::sleep(delay).await;
        }
    }
}

fn transport_cause(e: TransportError) -> &'static str {
    match e {
        TransportError::Timeout => "timed out",
        TransportError::Connect => "connection refused or unreachable",
        TransportError::Broken => "connection broken or response unreadable",
    }
}

/// 100 ms · 2^(n−1), with up to 100 % jitter so that instances do not retry in step.
fn backoff_delay(attempt: u32) -> Duration {
    let base = 100u64.saturating_mul(1 << attempt.saturating_sub(1).min(6));
    let mut byte = [0u8; 1];
    let jitter = if aws_lc_rs::rand::fill(&mut byte).is_ok() {
        base * u64::from(byte[0]) / 255
    } else {
        0
    };
    Duration::from_millis(base + jitter)
}

fn status_error(url: &str, response: &Response) -> JwksError {
    if response.status == StatusCode::UNAUTHORIZED
        || response.error_code().as_deref() == Some("clerk_key_invalid")
    {
        return JwksError::SecretKeyInvalid {
            message: response.error_message(),
        };
    }
    JwksError::Status {
        url: url.to_owned(),
        status: response.status.as_u16(),
    }
}

/// Parses `{"keys":[…]}`, keeping RSA signing keys that pass [`JwtKey`]'s checks.
pub(crate) fn parse_jwks(url: &str, response: &Response) -> Result<HashMap<String, JwtKey>, JwksError> {
    let malformed = || JwksError::Malformed { url: url.to_owned() };
    if !response.is_json() {
        return Err(malformed());
    }
    let body: serde_json::Value = serde_json::from_slice(&response.body).map_err(|_| malformed())?;
    let keys = body
        .get("keys")
        .and_then(|k| k.as_array())
        .ok_or_else(malformed)?;
    let parsed: HashMap<String, JwtKey> = keys.iter().filter_map(parse_jwk).collect();
    if parsed.is_empty() {
        return Err(JwksError::NoKeys);
    }
    Ok(parsed)
}

/// One JWK: RSA, for signatures, RS256 if it names an algorithm, with a `kid`.
fn parse_jwk(jwk: &serde_json::Value) -> Option<(String, JwtKey)> {
    let field = |name: &str| jwk.get(name).and_then(|v| v.as_str());
    if field("kty") != Some("RSA") || field("use").is_some_and(|u| u != "sig") {
        return None;
    }
    if field("alg").is_some_and(|a| a != "RS256") {
        return None;
    }
    let kid = field("kid")?;
    let n = URL_SAFE_NO_PAD.decode(field("n")?.trim_end_matches('=')).ok()?;
    let e = URL_SAFE_NO_PAD.decode(field("e")?.trim_end_matches('=')).ok()?;
    let key = JwtKey::from_rsa_components(&n, &e).ok()?.with_kid(kid);
    Some((kid.to_owned(), key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons() {
        let url = "http://x/v1/jwks".to_owned();
        let cases = [
            (
                JwksError::SecretKeyInvalid { message: None },
                "secret-key-invalid",
            ),
            (
                JwksError::Status {
                    url: url.clone(),
                    status: 500,
                },
                "jwk-remote-failed-to-load",
            ),
            (
                JwksError::Transport {
                    url: url.clone(),
                    cause: "timed out",
                },
                "jwk-remote-failed-to-load",
            ),
            (JwksError::Malformed { url }, "jwk-remote-failed-to-load"),
            (JwksError::NoKeys, "jwk-remote-failed-to-load"),
            (JwksError::kid_not_found("k\n1"), "jwk-kid-mismatch"),
        ];
        for (e, reason) in cases {
            assert_eq!(e.reason(), reason, "{e}");
        }
        assert_eq!(
            JwksError::kid_not_found("k\n1"),
            JwksError::KidNotFound { kid: "k1".into() }
        );
    }

    #[test]
    fn backoff_grows_and_is_bounded() {
        for attempt in 1..10 {
            let base = 100 * (1u64 << (attempt - 1).min(6));
            let d = backoff_delay(attempt).as_millis() as u64;
            assert!(d >= base && d <= 2 * base, "{attempt}: {d}");
        }
    }

    #[test]
    fn jwk_filtering() {
        let n = URL_SAFE_NO_PAD.encode([0xC3u8; 256]);
        let good = serde_json::json!({"kty":"RSA","kid":"a","use":"sig","alg":"RS256","n":n,"e":"AQAB"});
        assert!(parse_jwk(&good).is_some());
        for (field, value) in [("kty", "EC"), ("use", "enc"), ("alg", "RS512"), ("e", "Aw")] {
            let mut bad = good.clone();
            bad[field] = value.into();
            assert!(parse_jwk(&bad).is_none(), "{field}={value}");
        }
        let mut no_kid = good.clone();
        no_kid.as_object_mut().map(|o| o.remove("kid"));
        assert!(parse_jwk(&no_kid).is_none());
    }
}
