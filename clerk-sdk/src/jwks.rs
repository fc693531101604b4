//! Signing keys fetched from the Backend API (`GET {api_url}/{version}/jwks`), cached per
//! [`crate::Clerk`]. Verification must keep working when Clerk's API is slow or down, and a
//! flood of forged tokens must not turn into a flood of API calls, so the cache has:
//!
//! - a hard TTL (5 min), after which keys are refreshed, so that a rotation or revocation on
//!   Clerk's side reaches this process within minutes;
//! - single-flight: concurrent requests that need keys share one fetch;
//! - an unknown `kid` triggers at most one refetch per throttle window (30 s): a new key is
//!   picked up right away, but `kid`s an attacker makes up cost one request per window;
//! - after a failed fetch, a backoff (5 s) during which no fetch is attempted, so that an
//!   outage is not made worse by every request retrying it;
//! - stale-while-error: the last good keys keep verifying for up to 1 h while refreshes fail,
//!   and never after that (fail closed), so an outage is survived but a key Clerk has since
//!   rotated away cannot verify indefinitely;
//! - connect and total timeouts (5 s); retries only for network errors, 5xx and 429
//!   (`Retry-After` honoured within the budget), never for 401, which retrying cannot fix.
//!
//! # Time
//!
//! Every cache decision is a pure function of the current snapshot, the injected [`Clock`]'s
//! reading (milliseconds since the epoch, the clock every other time check of this crate
//! reads) and the [`JwksPolicy`]: `decide` before a fetch and `answer` after one (or instead
//! of one). Tests therefore move a [`crate::clock::FixedClock`] instead of sleeping, and the
//! table in this module's tests pins every branch.
//!
//! A reading earlier than a recorded one (the clock was set back) is outside every window: the
//! age of what was recorded cannot be known, so it is treated as the worst case for each
//! window. The keys count as expired (one refresh, which re-anchors them to the new reading)
//! and not usable as stale keys (fail closed if that refresh fails); the backoff and the
//! unknown-`kid` throttle count as over (at most one fetch each, which re-anchors them). Taking
//! such a reading as "no time has passed" instead would keep keys fresh, and stale keys usable,
//! for as long as the clock was set back by: the stale window would no longer bound key use.
//!
//! The fetch itself is different: its total budget and retry delays bound real time spent on
//! network I/O, so they run on a real timer (`timer`: tokio's monotonic one natively, the
//! JavaScript host's on wasm32), as the HTTP client's own timeouts do.
//! The injected clock is the wrong input there: a [`crate::clock::FixedClock`] never moves, so a
//! deadline read from it would never pass, and a wall clock set back would stretch one.
//!
//! The hot path (known `kid`, fresh cache) is one lock-free `ArcSwap` load and a clock reading.
//! No lock is held across network I/O: the fetch runs in its own task and publishes a new
//! snapshot. This module never reads claims.
//!
//! # wasm32
//!
//! There is no tokio and nothing is `Send` there (the host's `fetch` futures are not): the
//! shared fetch is a local future, driven by whichever request awaits it first and shared by
//! the others on the same isolate. The policy and every decision are the same.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::FutureExt as _;
use futures_util::future::Shared;
use http::{Method, StatusCode};

use crate::clock::Clock;
use crate::jwt_key::JwtKey;
use crate::reason::ReasonClass;
use crate::secret::SecretKey;
use crate::timer::{self, Deadline};
use crate::transport::{Response, Transport, TransportError};

/// How the JWKS cache behaves. Every field has a safe default; see [`JwksPolicy::default`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwksPolicy {
    ttl: Duration,
    unknown_kid_interval: Duration,
    failure_backoff: Duration,
    stale_window: Duration,
    /// Read by the config when it builds the HTTP client.
    pub(crate) connect_timeout: Duration,
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

/// One immutable view of the cache; replaced whole on every change. Times are readings of the
/// injected [`Clock`], in milliseconds since the epoch.
#[derive(Debug, Clone, Default)]
struct Snapshot {
    keys: HashMap<String, JwtKey>,
    /// When the current keys were fetched.
    fetched_at_ms: Option<u64>,
    /// The last failed fetch (when it ended, and why), cleared by a successful one.
    failure: Option<(u64, JwksError)>,
    /// When an unknown `kid` last caused a refetch.
    kid_refetch_at_ms: Option<u64>,
}

impl Snapshot {
    /// This snapshot once a fetch that ended at `now_ms` is published.
    fn after_fetch(&self, outcome: &Result<HashMap<String, JwtKey>, JwksError>, now_ms: u64) -> Snapshot {
        let mut next = self.clone();
        match outcome {
            Ok(keys) => {
                // An unchanged key keeps its identity, so the token cache's entries verified
                // with it stay valid across refreshes.
                next.keys = keys
                    .iter()
                    .map(|(kid, key)| match self.keys.get(kid) {
                        Some(old) if old.same_material(key) => (kid.clone(), old.clone()),
                        _ => (kid.clone(), key.clone()),
                    })
                    .collect();
                next.fetched_at_ms = Some(now_ms);
                next.failure = None;
            }
            // The keys stay: they may still verify inside the stale window.
            Err(e) => next.failure = Some((now_ms, e.clone())),
        }
        next
    }

    /// This snapshot once an unknown `kid` starts a refetch at `now_ms`.
    fn with_kid_refetch(&self, now_ms: u64) -> Snapshot {
        Snapshot {
            kid_refetch_at_ms: Some(now_ms),
            ..self.clone()
        }
    }
}

/// Why a fetch was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    /// No keys yet, or the TTL has run out. Not throttled: this is the routine refresh.
    Expired,
    /// The keys are fresh but lack the token's `kid`, as after a rotation. Throttled, since
    /// anyone can send a token with a made-up `kid`.
    UnknownKid,
}

/// What to do for one key lookup, from [`decide`].
#[derive(Debug)]
enum Decision {
    /// The keys are fresh and hold the `kid`: this key, no fetch.
    Use(JwtKey),
    /// Fetch (or join the fetch in flight), then [`answer`] from the snapshot it published.
    Fetch(Trigger),
    /// No fetch may be made now (no `kid`, throttled, or backing off): this is the answer,
    /// from the snapshot as it stands.
    Answer(Result<JwtKey, JwksError>),
}

/// A policy duration in milliseconds, the clock's resolution (sub-millisecond parts are
/// dropped; a duration beyond `u64` milliseconds is forever).
fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Whether `now_ms` lies less than `window` after `since_ms`.
///
/// A reading before `since_ms` (the clock was set back) is outside the window: how long ago
/// `since_ms` was cannot be known, and each window's worst case is to count it as over (see
/// the module doc). No arithmetic here can overflow.
fn within(now_ms: u64, since_ms: u64, window: Duration) -> bool {
    now_ms
        .checked_sub(since_ms)
        .is_some_and(|elapsed| elapsed < ms(window))
}

/// The key lookup's first step, before any fetch.
fn decide(snapshot: &Snapshot, kid: Option<&str>, now_ms: u64, policy: &JwksPolicy) -> Decision {
    // Clerk's tokens always carry a kid; one without can never match, and must not cost a fetch.
    let Some(kid) = kid else {
        return Decision::Answer(Err(missing_kid()));
    };
    let fresh = snapshot
        .fetched_at_ms
        .is_some_and(|t| within(now_ms, t, policy.ttl));
    if fresh && let Some(key) = snapshot.keys.get(kid) {
        return Decision::Use(key.clone());
    }
    let backing_off = snapshot
        .failure
        .as_ref()
        .is_some_and(|(at, _)| within(now_ms, *at, policy.failure_backoff));
    let trigger = if fresh {
        Trigger::UnknownKid
    } else {
        Trigger::Expired
    };
    let throttled = trigger == Trigger::UnknownKid
        && snapshot
            .kid_refetch_at_ms
            .is_some_and(|t| within(now_ms, t, policy.unknown_kid_interval));
    if backing_off || throttled {
        Decision::Answer(answer(snapshot, Some(kid), now_ms, policy))
    } else {
        Decision::Fetch(trigger)
    }
}

/// The key lookup's answer from `snapshot` without fetching: after a refresh, or when
/// [`decide`] allows none. Keys verify for the stale window (at least the TTL) after the last
/// successful fetch, and never after it.
fn answer(
    snapshot: &Snapshot,
    kid: Option<&str>,
    now_ms: u64,
    policy: &JwksPolicy,
) -> Result<JwtKey, JwksError> {
    let Some(kid) = kid else {
        return Err(missing_kid());
    };
    let usable = snapshot
        .fetched_at_ms
        .is_some_and(|t| within(now_ms, t, policy.stale_window.max(policy.ttl)));
    if usable && let Some(key) = snapshot.keys.get(kid) {
        return Ok(key.clone());
    }
    match &snapshot.failure {
        // Keys could not be had: say why, rather than blaming the token's kid.
        Some((_, error)) => Err(error.clone()),
        None => Err(JwksError::kid_not_found(kid)),
    }
}

/// The error for a token without a `kid`, worded as `@clerk/backend` words it (JavaScript
/// prints the missing value as `undefined`).
fn missing_kid() -> JwksError {
    JwksError::kid_not_found("undefined")
}

/// The fetch in flight, shared by every lookup that waits for it (`Send` natively, where it
/// runs as a tokio task; local on wasm32).
#[cfg(not(target_arch = "wasm32"))]
type InFlight = Shared<futures_util::future::BoxFuture<'static, ()>>;
#[cfg(target_arch = "wasm32")]
type InFlight = Shared<futures_util::future::LocalBoxFuture<'static, ()>>;

/// The per-`Clerk` JWKS cache.
pub(crate) struct JwksCache {
    client: Transport,
    secret_key: SecretKey,
    policy: JwksPolicy,
    /// The clock every cache decision reads; the config's, so that it agrees with the token
    /// time checks and tests can move it.
    clock: Arc<dyn Clock>,
    state: ArcSwap<Snapshot>,
    in_flight: Mutex<Option<InFlight>>,
}

impl fmt::Debug for JwksCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let snapshot = self.state.load();
        f.debug_struct("JwksCache")
            .field("client", &self.client)
            .field("policy", &self.policy)
            .field("clock", &self.clock)
            .field("kids", &snapshot.keys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl JwksCache {
    pub(crate) fn new(
        client: Transport,
        secret_key: SecretKey,
        policy: JwksPolicy,
        clock: Arc<dyn Clock>,
    ) -> Self {
        JwksCache {
            client,
            secret_key,
            policy,
            clock,
            state: ArcSwap::from_pointee(Snapshot::default()),
            in_flight: Mutex::new(None),
        }
    }

    /// The key for `kid`, fetching or refreshing the set as the policy allows.
    pub(crate) async fn key_for(self: &Arc<Self>, kid: Option<&str>) -> Result<JwtKey, JwksError> {
        let trigger = match decide(&self.state.load(), kid, self.clock.now_ms(), &self.policy) {
            Decision::Use(key) => return Ok(key),
            Decision::Answer(answer) => return answer,
            Decision::Fetch(trigger) => trigger,
        };
        self.refresh(trigger).await;
        answer(&self.state.load(), kid, self.clock.now_ms(), &self.policy)
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
                        let now_ms = self.clock.now_ms();
                        self.state.rcu(|s| s.with_kid_refetch(now_ms));
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
    #[cfg(not(target_arch = "wasm32"))]
    fn spawn_fetch(self: &Arc<Self>) -> InFlight {
        let cache = Arc::clone(self);
        let work = async move {
            let outcome = cache.fetch().await;
            cache.publish(&outcome);
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

    /// Runs one fetch as a local shared future: wasm32 has no task to spawn it on, so the
    /// lookups that await it drive it, and it publishes the outcome.
    #[cfg(target_arch = "wasm32")]
    fn spawn_fetch(self: &Arc<Self>) -> InFlight {
        let cache = Arc::clone(self);
        async move {
            let outcome = cache.fetch().await;
            cache.publish(&outcome);
        }
        .boxed_local()
        .shared()
    }

    fn publish(&self, outcome: &Result<HashMap<String, JwtKey>, JwksError>) {
        let now_ms = self.clock.now_ms();
        self.state.rcu(|s| s.after_fetch(outcome, now_ms));
    }

    /// One fetch with bounded retries inside the total time budget.
    ///
    /// The budget is real time spent on I/O, so it runs on a real timer, not on the injected
    /// clock (which may be frozen, or set back).
    async fn fetch(&self) -> Result<HashMap<String, JwtKey>, JwksError> {
        let url = self.client.jwks_url();
        let deadline = Deadline::after(self.policy.timeout);
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let remaining = deadline.remaining();
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
            if delay >= deadline.remaining() {
                return Err(error);
            }
            timer::sleep(delay).await;
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
///
/// The jitter needs to differ between processes, not to be unpredictable, so it comes from
/// std's per-process hash seed rather than a secure RNG (which wasm32 may not have).
fn backoff_delay(attempt: u32) -> Duration {
    use std::hash::BuildHasher as _;
    let base = 100u64.saturating_mul(1 << attempt.saturating_sub(1).min(6));
    let spread = std::collections::hash_map::RandomState::new().hash_one(attempt) % 256;
    Duration::from_millis(base + base * spread / 255)
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

    /// A key published under `kid`; cheap (no generation), never used to verify.
    fn key(kid: &str) -> JwtKey {
        JwtKey::from_rsa_components(&[0xC3; 256], &[1, 0, 1])
            .expect("rsa components")
            .with_kid(kid)
    }

    fn outage() -> JwksError {
        JwksError::Status {
            url: "http://x/v1/jwks".into(),
            status: 503,
        }
    }

    /// Time 0 of the table: the last successful fetch, unless a row says otherwise.
    const T: u64 = 1_800_000_000_000;
    const SEC: u64 = 1_000;
    const MIN: u64 = 60 * SEC;

    /// A snapshot holding key `a` fetched at `fetched` (none if `None`), a failure at `failed`
    /// and an unknown-kid refetch at `refetched`.
    fn snap(fetched: Option<u64>, failed: Option<u64>, refetched: Option<u64>) -> Snapshot {
        Snapshot {
            keys: fetched.map(|_| ("a".to_owned(), key("a"))).into_iter().collect(),
            fetched_at_ms: fetched,
            failure: failed.map(|at| (at, outage())),
            kid_refetch_at_ms: refetched,
        }
    }

    /// A decision or answer reduced to what a row asserts.
    #[derive(Debug, PartialEq, Eq)]
    enum Expect {
        /// `Decision::Use`, a key with this kid.
        Use(&'static str),
        Fetch(Trigger),
        /// `Decision::Answer(Ok)` or `answer`'s `Ok`, a key with this kid.
        Key(&'static str),
        /// An error with this reason and message.
        Err(&'static str, String),
    }
    use Expect::{Fetch, Key, Use};

    fn err(e: JwksError) -> Expect {
        Expect::Err(e.reason(), e.to_string())
    }

    fn reduce_answer(answer: Result<JwtKey, JwksError>) -> Expect {
        match answer {
            Ok(key) => Key(kid_of(&key)),
            Err(e) => err(e),
        }
    }

    fn kid_of(key: &JwtKey) -> &'static str {
        match key.kid() {
            Some("a") => "a",
            other => panic!("unexpected key {other:?}"),
        }
    }

    fn reduce(decision: Decision) -> Expect {
        match decision {
            Decision::Use(key) => Use(kid_of(&key)),
            Decision::Fetch(trigger) => Fetch(trigger),
            Decision::Answer(answer) => reduce_answer(answer),
        }
    }

    /// (name, snapshot, kid, now, policy, expected).
    type DecideRow<'a> = (
        &'static str,
        Snapshot,
        Option<&'static str>,
        u64,
        &'a JwksPolicy,
        Expect,
    );

    /// Every branch of `decide` under the default policy (TTL 5 min, unknown-kid refetch every
    /// 30 s, 5 s backoff, 1 h stale window), and a few under others.
    #[test]
    fn decide_table() {
        let default = JwksPolicy::default();
        let short_stale = JwksPolicy::default().stale_window(Duration::from_secs(60));
        let endless = JwksPolicy::default().ttl(Duration::MAX);
        let mismatch = |kid: &str| err(JwksError::kid_not_found(kid));
        #[rustfmt::skip]
        let rows: Vec<DecideRow<'_>> = vec![
            // No keys ever fetched.
            ("cold: fetch", snap(None, None, None), Some("a"), T, &default, Fetch(Trigger::Expired)),
            ("cold, failed: back off", snap(None, Some(T), None), Some("a"), T + 4_999, &default, err(outage())),
            ("cold, backoff over", snap(None, Some(T), None), Some("a"), T + 5 * SEC, &default, Fetch(Trigger::Expired)),
            ("cold, unknown-kid throttle does not gate the first fetch", snap(None, None, Some(T)), Some("a"), T + SEC, &default, Fetch(Trigger::Expired)),
            // No kid: never a fetch, whatever the state.
            ("no kid, cold", snap(None, None, None), None, T, &default, mismatch("undefined")),
            ("no kid, expired", snap(Some(T), None, None), None, T + 10 * MIN, &default, mismatch("undefined")),
            // Fresh.
            ("fresh hit", snap(Some(T), None, None), Some("a"), T + SEC, &default, Use("a")),
            ("fresh hit, last ms of the TTL", snap(Some(T), None, None), Some("a"), T + 5 * MIN - 1, &default, Use("a")),
            ("fresh hit despite a recent failure", snap(Some(T), Some(T + SEC), None), Some("a"), T + 2 * SEC, &default, Use("a")),
            ("fresh hit despite the throttle", snap(Some(T), None, Some(T + SEC)), Some("a"), T + 2 * SEC, &default, Use("a")),
            ("fresh miss, never refetched", snap(Some(T), None, None), Some("b"), T + SEC, &default, Fetch(Trigger::UnknownKid)),
            ("fresh miss, throttled", snap(Some(T), None, Some(T + 10 * SEC)), Some("b"), T + 39_999, &default, mismatch("b")),
            ("fresh miss, throttle over", snap(Some(T), None, Some(T + 10 * SEC)), Some("b"), T + 40 * SEC, &default, Fetch(Trigger::UnknownKid)),
            ("fresh miss, backing off: the outage, not the kid", snap(Some(T), Some(T + SEC), None), Some("b"), T + 2 * SEC, &default, err(outage())),
            ("fresh miss, backoff over", snap(Some(T), Some(T + SEC), None), Some("b"), T + 6 * SEC, &default, Fetch(Trigger::UnknownKid)),
            // Expired.
            ("expired at the TTL", snap(Some(T), None, None), Some("a"), T + 5 * MIN, &default, Fetch(Trigger::Expired)),
            ("expired, the throttle does not gate a refresh", snap(Some(T), None, Some(T + 5 * MIN)), Some("b"), T + 5 * MIN + SEC, &default, Fetch(Trigger::Expired)),
            ("expired, backing off, inside the stale window", snap(Some(T), Some(T + 30 * MIN), None), Some("a"), T + 30 * MIN + SEC, &default, Key("a")),
            ("expired, backing off, last ms of the stale window", snap(Some(T), Some(T + 60 * MIN - SEC), None), Some("a"), T + 60 * MIN - 1, &default, Key("a")),
            ("expired, backing off, past the stale window: fail closed", snap(Some(T), Some(T + 60 * MIN - SEC), None), Some("a"), T + 60 * MIN, &default, err(outage())),
            ("expired, backing off, unknown kid", snap(Some(T), Some(T + 30 * MIN), None), Some("b"), T + 30 * MIN + SEC, &default, err(outage())),
            ("expired, backoff over, past the stale window", snap(Some(T), Some(T + 2 * 60 * MIN), None), Some("a"), T + 2 * 60 * MIN + 5 * SEC, &default, Fetch(Trigger::Expired)),
            ("a stale window shorter than the TTL is the TTL", snap(Some(T), Some(T + 4 * MIN), None), Some("a"), T + 4 * MIN + SEC, &short_stale, Use("a")),
            ("short stale window: past the TTL, backing off", snap(Some(T), Some(T + 5 * MIN), None), Some("a"), T + 5 * MIN + SEC, &short_stale, err(outage())),
            // The clock set back: a reading before what was recorded is outside every window.
            ("clock set back before the fetch: refresh", snap(Some(T), None, None), Some("a"), T - 1, &default, Fetch(Trigger::Expired)),
            ("clock set back a year: refresh, not a year of fresh keys", snap(Some(T), None, None), Some("a"), T - 365 * 24 * 60 * MIN, &default, Fetch(Trigger::Expired)),
            ("clock set back before the failure: backoff over", snap(Some(T), Some(T + 10 * MIN), None), Some("a"), T + 9 * MIN, &default, Fetch(Trigger::Expired)),
            ("clock set back, refresh failed since: stale keys not used", snap(Some(T), Some(T - MIN), None), Some("a"), T - MIN + SEC, &default, err(outage())),
            ("clock set back before the throttle: refetch", snap(Some(T), None, Some(T + 2 * MIN)), Some("b"), T + MIN, &default, Fetch(Trigger::UnknownKid)),
            // Readings at the ends of the range neither overflow nor count as fresh.
            ("reading 0", snap(Some(T), Some(T), Some(T)), Some("a"), 0, &default, Fetch(Trigger::Expired)),
            ("reading u64::MAX", snap(Some(T), Some(T), Some(T)), Some("a"), u64::MAX, &default, Fetch(Trigger::Expired)),
            ("recorded at u64::MAX", snap(Some(u64::MAX), None, None), Some("a"), u64::MAX, &default, Use("a")),
            ("a TTL beyond u64 ms", snap(Some(T), None, None), Some("a"), T + 100 * 365 * 24 * 60 * MIN, &endless, Use("a")),
        ];
        for (name, snapshot, kid, now_ms, policy, expected) in rows {
            assert_eq!(reduce(decide(&snapshot, kid, now_ms, policy)), expected, "{name}");
        }
    }

    /// `answer`, as read right after a refresh (or when `decide` allows none).
    #[test]
    fn answer_table() {
        let default = JwksPolicy::default();
        let mismatch = |kid: &str| err(JwksError::kid_not_found(kid));
        #[rustfmt::skip]
        let rows: Vec<(&str, Snapshot, Option<&str>, u64, Expect)> = vec![
            ("just fetched", snap(Some(T), None, None), Some("a"), T, Key("a")),
            ("just fetched, kid not in the set", snap(Some(T), None, None), Some("b"), T, mismatch("b")),
            ("never fetched, failed", snap(None, Some(T), None), Some("a"), T, err(outage())),
            ("refresh failed, inside the stale window", snap(Some(T), Some(T + 59 * MIN), None), Some("a"), T + 59 * MIN, Key("a")),
            ("refresh failed, past the stale window", snap(Some(T), Some(T + 60 * MIN), None), Some("a"), T + 60 * MIN, err(outage())),
            ("refresh failed, kid not in the set", snap(Some(T), Some(T + MIN), None), Some("b"), T + MIN, err(outage())),
            ("clock set back below the fetch, refresh failed", snap(Some(T), Some(T - SEC), None), Some("a"), T - SEC, err(outage())),
            ("no kid", snap(Some(T), None, None), None, T, mismatch("undefined")),
        ];
        for (name, snapshot, kid, now_ms, expected) in rows {
            assert_eq!(
                reduce_answer(answer(&snapshot, kid, now_ms, &default)),
                expected,
                "{name}"
            );
        }
    }

    #[test]
    fn publishing_a_fetch() {
        let before = snap(Some(T), None, Some(T + SEC));
        let old = before.keys["a"].clone();

        // A failure keeps the keys and their fetch time, and records when and why.
        let failed = before.after_fetch(&Err(outage()), T + 10 * MIN);
        assert!(failed.keys["a"].same_key(&old));
        assert_eq!(failed.fetched_at_ms, Some(T));
        assert_eq!(failed.failure, Some((T + 10 * MIN, outage())));
        assert_eq!(failed.kid_refetch_at_ms, Some(T + SEC));

        // A success clears the failure; an unchanged key keeps its identity, a new one is added,
        // a key no longer published is gone.
        let fetched: HashMap<String, JwtKey> =
            [("a".to_owned(), key("a")), ("b".to_owned(), key("b"))].into();
        let mut with_c = failed.clone();
        with_c.keys.insert("c".into(), key("c"));
        let after = with_c.after_fetch(&Ok(fetched.clone()), T + 11 * MIN);
        assert!(after.keys["a"].same_key(&old) && !after.keys["a"].same_key(&fetched["a"]));
        assert!(after.keys["b"].same_key(&fetched["b"]));
        assert!(!after.keys.contains_key("c"));
        assert_eq!(after.fetched_at_ms, Some(T + 11 * MIN));
        assert_eq!(after.failure, None);
        assert_eq!(after.kid_refetch_at_ms, Some(T + SEC));

        // Other material under a known kid replaces the key.
        let rotated: HashMap<String, JwtKey> = [(
            "a".to_owned(),
            JwtKey::from_rsa_components(&[0xC5; 256], &[1, 0, 1]).expect("rsa"),
        )]
        .into();
        let after = before.after_fetch(&Ok(rotated.clone()), T + MIN);
        assert!(after.keys["a"].same_key(&rotated["a"]));

        assert_eq!(
            before.with_kid_refetch(T + 2 * SEC).kid_refetch_at_ms,
            Some(T + 2 * SEC)
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
