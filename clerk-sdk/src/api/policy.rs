//! [`ApiPolicy`]: timeouts, retries and the optional client-side rate limit of Backend API
//! calls, as one value; and the pure decisions made from it (may this attempt be retried, how
//! long to wait).
//!
//! Retries follow one rule: retry only what provably was not processed, or what is harmless
//! to repeat. A refused connection and a 429 were not processed, so every method retries them;
//! a 5xx, a broken connection or a timeout may have been processed, so only idempotent methods
//! (GET, HEAD, PUT, DELETE, OPTIONS) retry those. Clerk has no idempotency keys on these
//! endpoints, so a repeated POST could create a second user or invitation.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use http::{Method, StatusCode};

use super::error::TransportFailure;

/// How Backend API calls are timed, retried and paced.
///
/// ```
/// use std::time::Duration;
/// use clerk_sdk::api::{ApiPolicy, RateLimit};
///
/// let policy = ApiPolicy::new()
///     .attempt_timeout(Duration::from_secs(5))
///     .max_retries(2)
///     // A development instance allows 100 requests per 10 s.
///     .rate_limit(RateLimit::new(100, Duration::from_secs(10)));
/// # let _ = policy;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiPolicy {
    pub(crate) attempt_timeout: Duration,
    pub(crate) deadline: Duration,
    pub(crate) max_retries: u32,
    pub(crate) backoff_base: Duration,
    pub(crate) backoff_max: Duration,
    pub(crate) retry_after_cap: Duration,
    pub(crate) rate_limit: Option<RateLimit>,
}

/// At most `requests` calls start in any window of `per` (shared by every clone of the
/// handle), so a burst waits instead of earning 429s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub(crate) requests: u32,
    pub(crate) per: Duration,
}

impl RateLimit {
    /// `requests` per `per`. Clerk allows 1000 per 10 s on production instances and 100 per
    /// 10 s on development ones, per secret key. `requests` of 0 is taken as 1.
    pub fn new(requests: u32, per: Duration) -> Self {
        RateLimit {
            requests: requests.max(1),
            per,
        }
    }
}

impl Default for ApiPolicy {
    fn default() -> Self {
        ApiPolicy {
            attempt_timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(30),
            max_retries: 3,
            backoff_base: Duration::from_millis(200),
            backoff_max: Duration::from_secs(5),
            retry_after_cap: Duration::from_secs(20),
            rate_limit: None,
        }
    }
}

impl ApiPolicy {
    /// The defaults: 10 s per attempt, 30 s overall, 3 retries, backoff from 200 ms up to
    /// 5 s, `Retry-After` honoured up to 20 s, no client-side rate limit.
    pub fn new() -> Self {
        Self::default()
    }

    /// Time one attempt may take, connection and body included. Default 10 s.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Time a whole call may take, retries, waits and rate-limit queueing included; an
    /// attempt never runs past it. Default 30 s.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Retries after the first attempt (0 turns retrying off). Default 3.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// First backoff step (doubled per retry, jittered). Default 200 ms.
    pub fn backoff_base(mut self, base: Duration) -> Self {
        self.backoff_base = base;
        self
    }

    /// Largest backoff step. Default 5 s.
    pub fn backoff_max(mut self, max: Duration) -> Self {
        self.backoff_max = max;
        self
    }

    /// Longest `Retry-After` waited for; a longer one (or one past the deadline) ends the call
    /// with the 429, its `retry_after` set. Default 20 s.
    pub fn retry_after_cap(mut self, cap: Duration) -> Self {
        self.retry_after_cap = cap;
        self
    }

    /// A client-side rate limit shared by every clone of the handle. Default none.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Turns the client-side rate limit off.
    pub fn no_rate_limit(mut self) -> Self {
        self.rate_limit = None;
        self
    }
}

/// What one attempt produced, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Status(StatusCode),
    Transport(TransportFailure),
    Timeout,
}

/// Whether an attempt with this outcome may be repeated.
pub(crate) fn retryable(method: &Method, outcome: Outcome) -> bool {
    let idempotent = matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    );
    match outcome {
        // Not processed: nothing reached Clerk, or Clerk refused it before doing anything.
        Outcome::Transport(TransportFailure::Connect) => true,
        Outcome::Status(StatusCode::TOO_MANY_REQUESTS) => true,
        Outcome::Status(s) => s.is_server_error() && idempotent,
        Outcome::Transport(TransportFailure::Broken) | Outcome::Timeout => idempotent,
    }
}

impl ApiPolicy {
    /// The wait before retry number `retry` (1-based): exponential, capped, with "equal
    /// jitter" (half fixed, half random) so that clones failing together spread out.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let step = self
            .backoff_base
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16))
            .min(self.backoff_max);
        let half = step / 2;
        half + half.mul_f64(jitter())
    }
}

/// A number in [0, 1), different on every call. Only spreads retries out; nothing depends on
/// it being unpredictable.
fn jitter() -> f64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_table() {
        use Outcome::*;
        let connect = Transport(TransportFailure::Connect);
        let broken = Transport(TransportFailure::Broken);
        let s = |c: u16| Status(StatusCode::from_u16(c).unwrap());
        let cases = [
            (Method::GET, s(500), true),
            (Method::GET, s(503), true),
            (Method::GET, s(429), true),
            (Method::GET, s(404), false),
            (Method::GET, s(401), false),
            (Method::GET, broken, true),
            (Method::GET, Timeout, true),
            (Method::GET, connect, true),
            (Method::DELETE, s(502), true),
            (Method::PUT, Timeout, true),
            (Method::POST, s(500), false),
            (Method::POST, s(503), false),
            (Method::POST, broken, false),
            (Method::POST, Timeout, false),
            (Method::POST, s(429), true),
            (Method::POST, connect, true),
            (Method::PATCH, s(500), false),
            (Method::PATCH, s(429), true),
            (Method::PATCH, connect, true),
        ];
        for (method, outcome, want) in cases {
            assert_eq!(retryable(&method, outcome), want, "{method} {outcome:?}");
        }
    }

    #[test]
    fn backoff_doubles_within_jitter_and_caps() {
        let p = ApiPolicy::new()
            .backoff_base(Duration::from_millis(100))
            .backoff_max(Duration::from_millis(350));
        for _ in 0..50 {
            let b1 = p.backoff(1);
            assert!(b1 >= Duration::from_millis(50) && b1 <= Duration::from_millis(100));
            let b2 = p.backoff(2);
            assert!(b2 >= Duration::from_millis(100) && b2 <= Duration::from_millis(200));
            let b9 = p.backoff(9);
            assert!(b9 >= Duration::from_millis(175) && b9 <= Duration::from_millis(350));
        }
        assert!(p.backoff(u32::MAX) <= Duration::from_millis(350));
    }

    #[test]
    fn jitter_is_in_unit_interval() {
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }
}
