//! The client-side rate limiter: at most `requests` attempts start in any window of `per`.
//!
//! Each attempt reserves a start time: now, or, when the last `requests` reservations fill
//! the window, the moment the oldest of them leaves it. Reservations are handed out in order,
//! so waiters are served first come, first served, and nobody wakes up just to find the window
//! full again. The lock is never held across a wait.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::time::Instant;

use super::policy::RateLimit;

/// Shared by every clone of a [`super::BackendApi`] built with the same policy.
#[derive(Debug, Clone)]
pub(crate) struct RateLimiter {
    limit: RateLimit,
    /// Start times of the latest `limit.requests` reservations, oldest first.
    starts: Arc<Mutex<VecDeque<Instant>>>,
}

impl RateLimiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        RateLimiter {
            limit,
            starts: Arc::new(Mutex::new(VecDeque::new())),
        }
    }

    /// Reserves the next start time at or after `now`.
    pub(crate) fn reserve(&self, now: Instant) -> Instant {
        let capacity = self.limit.requests as usize;
        let mut starts = self.starts.lock().unwrap_or_else(PoisonError::into_inner);
        let at = if starts.len() < capacity {
            now
        } else {
            // The reservation `capacity` places back must have left the window.
            starts
                .front()
                .map_or(now, |oldest| now.max(*oldest + self.limit.per))
        };
        starts.push_back(at);
        while starts.len() > capacity {
            starts.pop_front();
        }
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn no_window_ever_holds_more_than_the_limit() {
        let limiter = RateLimiter::new(RateLimit::new(3, Duration::from_secs(1)));
        let t0 = Instant::now();
        let starts: Vec<_> = (0..10).map(|_| limiter.reserve(t0)).collect();
        for (i, s) in starts.iter().enumerate() {
            let in_window = starts
                .iter()
                .filter(|o| **o >= *s && **o < *s + Duration::from_secs(1))
                .count();
            assert!(in_window <= 3, "window starting at reservation {i}");
        }
        assert_eq!(starts[2], t0);
        assert_eq!(starts[3], t0 + Duration::from_secs(1));
        assert_eq!(starts[9], t0 + Duration::from_secs(3));
    }

    #[test]
    fn an_idle_limiter_does_not_delay() {
        let limiter = RateLimiter::new(RateLimit::new(2, Duration::from_millis(100)));
        let t0 = Instant::now();
        limiter.reserve(t0);
        limiter.reserve(t0);
        let later = t0 + Duration::from_secs(5);
        assert_eq!(limiter.reserve(later), later);
    }
}
