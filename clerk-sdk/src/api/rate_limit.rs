//! The client-side rate limiter: at most `requests` attempts reach Clerk in any window of
//! `per`.
//!
//! Counting start times on the client is not enough: a burst's first attempts each open a
//! connection and arrive late, the next ones reuse the connections and arrive early, and Clerk
//! (which counts arrivals) sees more than the limit in one window. So each attempt holds one
//! of `requests` permits from before it is sent until `per` after its answer (or failure):
//! two attempts on the same permit then arrive at least `per` apart, whatever the network
//! does, and no window can hold more than `requests` arrivals. Waiters are served first come,
//! first served (Tokio's semaphore is fair); no lock is held across a wait.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::policy::RateLimit;

/// Shared by every clone of a [`super::BackendApi`] built with the same policy.
#[derive(Debug, Clone)]
pub(crate) struct RateLimiter {
    per: Duration,
    permits: Arc<Semaphore>,
}

/// One attempt's place in the limit; gives it back `per` after being dropped.
#[derive(Debug)]
pub(crate) struct Slot {
    per: Duration,
    permit: Option<OwnedSemaphorePermit>,
}

impl RateLimiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        RateLimiter {
            per: limit.per,
            permits: Arc::new(Semaphore::new(limit.requests as usize)),
        }
    }

    /// Waits for a slot until `deadline`; `None` when the deadline comes first.
    pub(crate) async fn acquire(&self, deadline: Instant) -> Option<Slot> {
        let permit = tokio::time::timeout_at(deadline, self.permits.clone().acquire_owned())
            .await
            .ok()?
            .ok()?;
        Some(Slot {
            per: self.per,
            permit: Some(permit),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let (Some(permit), Ok(runtime)) = (self.permit.take(), tokio::runtime::Handle::try_current()) else {
            return;
        };
        let per = self.per;
        runtime.spawn(async move {
            tokio::time::sleep(per).await;
            drop(permit);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_slot_comes_back_one_window_after_its_attempt() {
        let per = Duration::from_millis(200);
        let limiter = RateLimiter::new(RateLimit::new(2, per));
        let far = Instant::now() + Duration::from_secs(60);
        let a = limiter.acquire(far).await.unwrap();
        let _b = limiter.acquire(far).await.unwrap();
        // Full: the next one waits, and gives up at its deadline.
        let soon = Instant::now() + Duration::from_millis(50);
        assert!(limiter.acquire(soon).await.is_none());
        drop(a);
        let released = Instant::now();
        let _c = limiter.acquire(far).await.unwrap();
        assert!(released.elapsed() >= per, "{:?}", released.elapsed());
    }
}
