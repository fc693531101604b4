//! The optional rate limit: a fixed window per secret key, as Clerk limits each instance
//! (keyed by its secret key), answering 429 with `Retry-After` in whole seconds.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// At most `max_requests` per `window`, counted per bearer.
#[derive(Debug, Clone)]
pub(super) struct RateLimit {
    max_requests: u32,
    window: Duration,
    /// Bearer → (window start, requests in it).
    windows: HashMap<String, (Instant, u32)>,
}

impl RateLimit {
    pub(super) fn new(max_requests: u32, window: Duration) -> Self {
        RateLimit {
            max_requests,
            window,
            windows: HashMap::new(),
        }
    }

    /// Counts a request by `key` at `now`: `Ok` if it is allowed, else `Err` with the whole
    /// seconds (at least 1) until its window ends.
    pub(super) fn check(&mut self, key: &str, now: Instant) -> Result<(), u64> {
        let (start, count) = self.windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(*start) >= self.window {
            *start = now;
            *count = 0;
        }
        if *count >= self.max_requests {
            let left = self.window.saturating_sub(now.duration_since(*start));
            let seconds = left.as_millis().div_ceil(1000).max(1);
            return Err(u64::try_from(seconds).unwrap_or(u64::MAX));
        }
        *count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_has_its_own_window() {
        let start = Instant::now();
        let mut limit = RateLimit::new(2, Duration::from_secs(10));
        assert_eq!(limit.check("a", start), Ok(()));
        assert_eq!(limit.check("a", start), Ok(()));
        assert_eq!(limit.check("a", start + Duration::from_millis(500)), Err(10));
        assert_eq!(limit.check("b", start), Ok(()));
        assert_eq!(limit.check("a", start + Duration::from_millis(9_001)), Err(1));
        assert_eq!(limit.check("a", start + Duration::from_secs(10)), Ok(()));
    }
}
