//! Replay protection: remember the message ids already accepted, for as long as their
//! timestamps could still pass the tolerance check.
//!
//! [`ReplayStore`] is the extension point; [`InMemoryReplayStore`] is the bounded per-process
//! implementation. A deployment that runs several instances behind a load balancer needs a
//! store that all of them share, or a message replayed to another instance is accepted there.
//! With Redis, for example, the whole trait is one command:
//!
//! ```text
//! SET clerk-webhook:{id} 1 NX EX {tolerance_s + (timestamp_s - now_s).max(0) + 1}
//! ```
//!
//! `first_seen` returns `true` when `SET … NX` answered `OK` (the key was new) and `false`
//! when it answered nil. The trait is synchronous, as the verifier is; call the shared store
//! with a short timeout, and decide deliberately whether an unreachable store fails open
//! (return `true`: signature checking still applies) or closed (return `false`).
//!
//! A message that Clerk (Svix) re-delivers after a failed attempt keeps its id. A re-delivery
//! that arrives while the first attempt's entry is remembered is refused as replayed, so answer
//! success only once the event is processed, and expect redelivery after the window. A store
//! that wants to admit re-deliveries can key on `(id, timestamp_s)` instead: a replay copies
//! the timestamp, a genuine re-delivery carries a new one that only Clerk can sign.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::DEFAULT_WEBHOOK_TOLERANCE;

/// Remembers accepted webhook message ids; shared by every request a
/// [`crate::webhook::Webhook`] verifies.
///
/// Called only after the signature and the timestamp have been verified, so an attacker
/// cannot fill the store with forged ids.
pub trait ReplayStore: Send + Sync + fmt::Debug {
    /// Records `id` and returns `true` if it was not seen within the window; returns `false`
    /// for a replay. `timestamp_s` is the message's verified timestamp and `now_s` the
    /// verifier's clock, both in seconds since the Unix epoch.
    fn first_seen(&self, id: &str, timestamp_s: i64, now_s: i64) -> bool;
}

/// A bounded, in-process [`ReplayStore`].
///
/// An id is remembered until `timestamp_s + window` (by then the timestamp check refuses the
/// message anyway). The window defaults to [`DEFAULT_WEBHOOK_TOLERANCE`] and must be at least the
/// verifier's tolerance. When the store is full, expired entries are dropped first, then the
/// entry closest to expiry: with a capacity too small for the traffic, an evicted id could be
/// replayed, so size it above the number of messages expected within one window.
///
/// One `std::sync::Mutex`, held only for a map update (never across I/O).
pub struct InMemoryReplayStore {
    capacity: usize,
    window_s: i64,
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    /// id → expiry (seconds).
    by_id: HashMap<String, i64>,
    /// (expiry, id), ordered so the next to expire is first.
    by_expiry: BTreeSet<(i64, String)>,
}

impl Entries {
    fn remove(&mut self, id: &str) {
        if let Some(expiry) = self.by_id.remove(id) {
            self.by_expiry.remove(&(expiry, id.to_owned()));
        }
    }

    fn drop_expired(&mut self, now_s: i64) {
        while let Some((expiry, _)) = self.by_expiry.first() {
            if *expiry >= now_s {
                break;
            }
            if let Some((_, id)) = self.by_expiry.pop_first() {
                self.by_id.remove(&id);
            }
        }
    }

    fn evict_one(&mut self) {
        if let Some((_, id)) = self.by_expiry.pop_first() {
            self.by_id.remove(&id);
        }
    }
}

impl InMemoryReplayStore {
    /// A store holding at most `capacity` ids (at least 1), with the default window of
    /// [`DEFAULT_WEBHOOK_TOLERANCE`].
    pub fn new(capacity: usize) -> Self {
        Self::with_window(capacity, DEFAULT_WEBHOOK_TOLERANCE)
    }

    /// A store holding at most `capacity` ids (at least 1) for `window` past each message's
    /// timestamp (whole seconds). Use the verifier's tolerance, or more.
    pub fn with_window(capacity: usize, window: Duration) -> Self {
        InMemoryReplayStore {
            capacity: capacity.max(1),
            window_s: i64::try_from(window.as_secs()).unwrap_or(i64::MAX),
            inner: Mutex::new(Entries::default()),
        }
    }

    /// The number of ids remembered (expired ones included until the next insert).
    pub fn len(&self) -> usize {
        self.lock().by_id.len()
    }

    /// Whether no id is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most ids this store holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // The map is consistent after every statement that can panic (none do), so a poisoned
        // lock still guards valid data.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl ReplayStore for InMemoryReplayStore {
    fn first_seen(&self, id: &str, timestamp_s: i64, now_s: i64) -> bool {
        let expiry = timestamp_s.saturating_add(self.window_s);
        let mut entries = self.lock();
        match entries.by_id.get(id) {
            Some(&seen_until) if seen_until >= now_s => return false,
            Some(_) => entries.remove(id),
            None => {}
        }
        if expiry < now_s {
            // Already outside the window: nothing to remember.
            return true;
        }
        entries.drop_expired(now_s);
        while entries.by_id.len() >= self.capacity {
            entries.evict_one();
        }
        entries.by_id.insert(id.to_owned(), expiry);
        entries.by_expiry.insert((expiry, id.to_owned()));
        true
    }
}

impl fmt::Debug for InMemoryReplayStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemoryReplayStore")
            .field("capacity", &self.capacity)
            .field("window_s", &self.window_s)
            .field("len", &self.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_700_000_000;

    #[test]
    fn second_sighting_within_window_is_a_replay() {
        let store = InMemoryReplayStore::new(16);
        assert!(store.first_seen("msg_1", T, T));
        assert!(!store.first_seen("msg_1", T, T));
        assert!(!store.first_seen("msg_1", T, T + 300));
        assert!(store.first_seen("msg_2", T, T));
        assert_eq!(store.len(), 2);
    }

    #[test]
    fn entries_expire_after_the_window() {
        let store = InMemoryReplayStore::with_window(16, Duration::from_secs(300));
        assert!(store.first_seen("msg_1", T, T));
        assert!(!store.first_seen("msg_1", T, T + 300));
        // Past timestamp + window the id is forgotten (the verifier refuses it as too old).
        assert!(store.first_seen("msg_1", T, T + 301));
        // A new sighting with a fresh timestamp is remembered again.
        assert!(store.first_seen("msg_1", T + 400, T + 400));
        assert!(!store.first_seen("msg_1", T + 400, T + 401));
    }

    #[test]
    fn expired_entries_are_dropped_on_insert() {
        let store = InMemoryReplayStore::with_window(16, Duration::from_secs(10));
        for i in 0..10 {
            assert!(store.first_seen(&format!("msg_{i}"), T, T));
        }
        assert_eq!(store.len(), 10);
        assert!(store.first_seen("late", T + 100, T + 100));
        assert_eq!(store.len(), 1);
        assert!(!store.is_empty());
    }

    #[test]
    fn capacity_bound_holds_and_evicts_the_entry_closest_to_expiry() {
        let store = InMemoryReplayStore::new(3);
        assert_eq!(store.capacity(), 3);
        assert!(store.first_seen("a", T + 2, T));
        assert!(store.first_seen("b", T, T)); // expires first
        assert!(store.first_seen("c", T + 1, T));
        assert!(store.first_seen("d", T, T + 1));
        assert_eq!(store.len(), 3);
        assert!(store.first_seen("b", T, T + 1), "b was evicted");
        for id in ["a", "b"] {
            assert!(!store.first_seen(id, T, T + 1), "{id} is remembered");
        }
        for i in 0..1000 {
            store.first_seen(&format!("m{i}"), T, T);
            assert!(store.len() <= 3);
        }
        assert_eq!(InMemoryReplayStore::new(0).capacity(), 1);
    }

    #[test]
    fn far_future_timestamps_saturate() {
        let store = InMemoryReplayStore::with_window(4, Duration::MAX);
        assert!(store.first_seen("x", i64::MAX, i64::MAX));
        assert!(!store.first_seen("x", i64::MAX, i64::MAX));
        assert!(format!("{store:?}").contains("capacity: 4"));
    }

    #[test]
    fn shared_across_threads() {
        let store = std::sync::Arc::new(InMemoryReplayStore::new(1024));
        let wins: usize = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let store = store.clone();
                    s.spawn(move || usize::from(store.first_seen("same", T, T)))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(wins, 1);
    }
}
