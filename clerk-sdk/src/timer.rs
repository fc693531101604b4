//! Real time for bounding network I/O (a fetch's total budget and its retry delays), apart
//! from the injected [`crate::clock::Clock`] that every validity check reads: a test's
//! `FixedClock` never moves, so a deadline read from it would never pass.
//!
//! Natively this is tokio's monotonic timer. wasm32 has neither tokio's timer nor a working
//! `std::time::Instant` (it traps), so there the JavaScript host provides both: `Date.now()`
//! for the deadline and `setTimeout` for the delays. Inside a Worker, `Date.now()` advances
//! across I/O, which is exactly what a fetch's budget measures.

use std::time::Duration;

/// A point in real time a fetch must finish by.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline(imp::Instant);

impl Deadline {
    /// `budget` from now.
    pub(crate) fn after(budget: Duration) -> Self {
        Deadline(imp::Instant::now() + budget)
    }

    /// Time left (zero once passed).
    pub(crate) fn remaining(&self) -> Duration {
        self.0.saturating_duration_since(imp::Instant::now())
    }
}

/// Waits `delay` of real time.
pub(crate) async fn sleep(delay: Duration) {
    imp::sleep(delay).await;
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    pub(super) use tokio::time::{Instant, sleep};
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use std::ops::Add;
    use std::time::Duration;

    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::{JsCast as _, JsValue};
    use wasm_bindgen_futures::JsFuture;

    /// Milliseconds since the epoch, from the host's `Date.now()`.
    #[derive(Debug, Clone, Copy)]
    pub(super) struct Instant(f64);

    impl Instant {
        pub(super) fn now() -> Self {
            Instant(js_sys::Date::now())
        }

        pub(super) fn saturating_duration_since(&self, earlier: Instant) -> Duration {
            Duration::try_from_secs_f64(((self.0 - earlier.0) / 1000.0).max(0.0)).unwrap_or(Duration::MAX)
        }
    }

    impl Add<Duration> for Instant {
        type Output = Instant;

        fn add(self, d: Duration) -> Instant {
            Instant(self.0 + d.as_secs_f64() * 1000.0)
        }
    }

    /// `await new Promise(resolve => setTimeout(resolve, ms))`; returns at once when the host
    /// has no `setTimeout` (a retry then comes without a pause, still within the budget).
    pub(super) async fn sleep(delay: Duration) {
        let Ok(set_timeout) = Reflect::get(&js_sys::global(), &JsValue::from_str("setTimeout")) else {
            return;
        };
        let Ok(set_timeout) = set_timeout.dyn_into::<Function>() else {
            return;
        };
        let ms = JsValue::from_f64(delay.as_secs_f64() * 1000.0);
        let promise = Promise::new(&mut |resolve, _reject| {
            let _ = set_timeout.call2(&JsValue::NULL, &resolve, &ms);
        });
        let _ = JsFuture::from(promise).await;
    }
}
