//! The clock that time checks read, injectable so that expiry tests are deterministic.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A source of the current time, in milliseconds since the Unix epoch.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    fn now_ms(&self) -> u64;
}

/// The system clock (the default).
///
/// On wasm32, where `std::time::SystemTime::now()` traps, it reads the JavaScript host's
/// `Date.now()` instead (inside a Cloudflare Worker that clock advances across I/O, not while
/// code runs, which is all a validity check needs).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[cfg(not(target_arch = "wasm32"))]
    fn now_ms(&self) -> u64 {
        use std::time::{SystemTime, UNIX_EPOCH};
        // A clock before 1970 reads as the epoch: every token then looks not yet valid, which
        // fails closed.
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    #[cfg(target_arch = "wasm32")]
    fn now_ms(&self) -> u64 {
        // Whole milliseconds; before 1970 (or NaN) reads as the epoch, which fails closed.
        // `as` saturates, so no reading can wrap.
        js_sys::Date::now().max(0.0) as u64
    }
}

/// A clock that reads a set value until it is moved; for tests and for replaying a report.
///
/// Clones share the same reading.
#[derive(Debug, Clone, Default)]
pub struct FixedClock(Arc<AtomicU64>);

impl FixedClock {
    /// A clock that reads `now_ms`.
    pub fn new(now_ms: u64) -> Self {
        FixedClock(Arc::new(AtomicU64::new(now_ms)))
    }

    /// Sets the reading.
    pub fn set(&self, now_ms: u64) {
        self.0.store(now_ms, Ordering::Relaxed);
    }

    /// Moves the reading forward by `ms`.
    pub fn advance(&self, ms: u64) {
        self.0.fetch_add(ms, Ordering::Relaxed);
    }
}

impl Clock for FixedClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let clock = FixedClock::new(1_000);
        let shared = clock.clone();
        assert_eq!(clock.now_ms(), 1_000);
        shared.advance(500);
        assert_eq!(clock.now_ms(), 1_500);
        clock.set(7);
        assert_eq!(shared.now_ms(), 7);
        assert!(SystemClock.now_ms() > 1_700_000_000_000);
    }
}
