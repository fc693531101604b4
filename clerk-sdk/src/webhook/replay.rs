//! Replay protection: remember the message ids already accepted, for as long as their
//! timestamps could still pass the tolerance check.
//!
//! [`ReplayStore`] is the extension point; [`InMemoryReplayStore`] is the bounded per-process
//! implementation, and `RedisReplayStore` (feature `redis`) the one to share between
//! instances. A deployment that runs several instances behind a load balancer needs a store
//! that all of them share, or a message replayed to another instance is accepted there.
//!
//! # Why the store is asynchronous
//!
//! A shared store is a network call. A synchronous trait would force every implementation to
//! block a runtime thread on a socket (or to spawn a runtime of its own), so
//! [`ReplayStore::check`] returns a boxed future, which keeps the trait object-safe
//! (`Arc<dyn ReplayStore>`). The signature check itself stays synchronous and pure
//! ([`Webhook::verify_signature`]: signature and timestamp only, no store); the full path
//! ([`Webhook::verify`], [`Webhook::verify_message`]) is `async`, with no synchronous twin, so
//! no caller can skip a configured store by picking the other method. A caller without a
//! runtime and without a store calls `verify_signature` and
//! [`crate::dangerous::parse_webhook_event`].
//!
//! # Three answers
//!
//! A store answers [`ReplayCheck::FirstSeen`] (remember the id: process the message),
//! [`ReplayCheck::Replayed`] (`webhook-replayed`), or fails with a [`ReplayStoreError`]. A
//! failure is never read as "first seen": by default ([`ReplayStoreFailure::Refuse`]) the
//! message is refused as `webhook-replay-store-unavailable`, which the axum extractor answers
//! with 503, so Clerk delivers it again later instead of it being processed unprotected.
//! [`ReplayStoreFailure::AcceptWithWarning`] opts into accepting it (signature and timestamp
//! still checked), reported as [`ReplayStatus::StoreFailed`] and logged at `warn` by the
//! axum extractor.
//!
//! # Keys
//!
//! Each message reaches the store as a [`ReplayMessage`]: its id, its verified timestamp, the
//! verifier's clock and tolerance, and a namespace, a short digest of the signing secret
//! ([`Webhook::replay_namespace`]), so that endpoints with different secrets sharing one store
//! never collide. The namespace is 16 hex digits of SHA-256 over the key bytes: it tells
//! secrets apart and reveals nothing usable about them.
//!
//! # Re-deliveries
//!
//! A message that Clerk (Svix) re-delivers after a failed attempt keeps its id. A re-delivery
//! that arrives while the first attempt's entry is remembered is refused as replayed, so answer
//! success only once the event is processed, and expect redelivery after the window. The same
//! holds when a store write reached the store but its answer was lost (a timeout): the message
//! was refused with 503, and its re-delivery is refused as replayed until the entry expires.
//! A store that wants to admit re-deliveries can key on `(id, timestamp_s)` instead: a replay
//! copies the timestamp, a genuine re-delivery carries a new one that only Clerk can sign.
//!
//! [`Webhook::verify_signature`]: super::Webhook::verify_signature
//! [`Webhook::verify`]: super::Webhook::verify
//! [`Webhook::verify_message`]: super::Webhook::verify_message
//! [`Webhook::replay_namespace`]: super::Webhook::replay_namespace

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::DEFAULT_WEBHOOK_TOLERANCE;

/// What a [`ReplayStore`] answers for a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayCheck {
    /// The id was not seen within the window; the store now remembers it.
    FirstSeen,
    /// The id was already seen within the window (`webhook-replayed`).
    Replayed,
}

/// The future [`ReplayStore::check`] returns: boxed, so that the trait stays object-safe.
pub type ReplayFuture<'a> = Pin<Box<dyn Future<Output = Result<ReplayCheck, ReplayStoreError>> + Send + 'a>>;

/// A verified message, as a [`ReplayStore`] sees it. Only messages whose signature and
/// timestamp held reach a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplayMessage<'a> {
    /// A digest of the signing secret (16 lowercase hex digits), never the secret: key on it
    /// together with `id` so that endpoints with different secrets do not collide.
    pub namespace: &'a str,
    /// The message id (`svix-id`).
    pub id: &'a str,
    /// The message's verified timestamp, seconds since the Unix epoch.
    pub timestamp_s: i64,
    /// The verifier's clock, seconds since the Unix epoch.
    pub now_s: i64,
    /// The verifier's tolerance: the message passes the timestamp check until
    /// `timestamp_s + tolerance`, so a store must remember it at least that long.
    pub tolerance: Duration,
}

impl<'a> ReplayMessage<'a> {
    /// A message, for calling a store directly (tests, other verifiers).
    pub fn new(namespace: &'a str, id: &'a str, timestamp_s: i64, now_s: i64, tolerance: Duration) -> Self {
        ReplayMessage {
            namespace,
            id,
            timestamp_s,
            now_s,
            tolerance,
        }
    }
}

/// Why a [`ReplayStore`] could not answer. Typed, and never carries a secret, a URL or a
/// password: only what kind of failure it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayStoreError {
    /// No answer within the store's deadline.
    #[error("replay store did not answer within {} ms", .0.as_millis())]
    Timeout(Duration),
    /// The store cannot be reached (connection refused, reset or closed).
    #[error("replay store cannot be reached")]
    Unreachable,
    /// The store refused the command (authentication, permissions, out of memory, a
    /// read-only replica).
    #[error("replay store refused the command")]
    Refused,
    /// The store answered something its protocol does not allow here.
    #[error("replay store gave an unexpected answer")]
    UnexpectedAnswer,
    /// The store's address is not one this build can use (only at construction).
    #[error("replay store address is not valid")]
    InvalidAddress,
}

impl ReplayStoreError {
    /// A stable kebab-case reason string.
    pub fn reason(&self) -> &'static str {
        match self {
            ReplayStoreError::Timeout(_) => "replay-store-timeout",
            ReplayStoreError::Unreachable => "replay-store-unreachable",
            ReplayStoreError::Refused => "replay-store-refused",
            ReplayStoreError::UnexpectedAnswer => "replay-store-unexpected-answer",
            ReplayStoreError::InvalidAddress => "replay-store-address-invalid",
        }
    }
}

/// What [`crate::webhook::Webhook`] does when its [`ReplayStore`] fails.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplayStoreFailure {
    /// Refuse the message as `webhook-replay-store-unavailable` (503 from the axum extractor),
    /// so that Clerk delivers it again later. The default: a replay is never let through
    /// because the store was down.
    #[default]
    Refuse,
    /// Accept the message without a replay check (its signature and timestamp still hold),
    /// reported as [`ReplayStatus::StoreFailed`] and logged at `warn` by the axum extractor.
    /// While the store is down, a captured request can be replayed within the tolerance.
    AcceptWithWarning,
}

/// Whether an accepted message was checked against the replay store.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplayStatus {
    /// No store was consulted: [`crate::webhook::Webhook::verify_signature`], or no store is
    /// set.
    NotChecked,
    /// The store recorded the id: this is its first delivery within the window.
    FirstSeen,
    /// The store failed and [`ReplayStoreFailure::AcceptWithWarning`] accepted the message
    /// unchecked.
    StoreFailed(ReplayStoreError),
}

/// Remembers accepted webhook message ids; shared by every request a
/// [`crate::webhook::Webhook`] verifies.
///
/// Called only after the signature and the timestamp have been verified, so an attacker
/// cannot fill the store with forged ids. The verifier imposes no deadline of its own (it
/// depends on no runtime): an implementation that does I/O bounds its own latency and answers
/// [`ReplayStoreError::Timeout`].
///
/// ```
/// use clerk_sdk::webhook::{ReplayCheck, ReplayFuture, ReplayMessage, ReplayStore};
///
/// /// A store that remembers nothing (every message is new): the shape of an implementation.
/// #[derive(Debug)]
/// struct Forgetful;
///
/// impl ReplayStore for Forgetful {
///     fn check<'a>(&'a self, _message: ReplayMessage<'a>) -> ReplayFuture<'a> {
///         Box::pin(async { Ok(ReplayCheck::FirstSeen) })
///     }
/// }
/// # let _ = std::sync::Arc::new(Forgetful) as std::sync::Arc<dyn ReplayStore>;
/// ```
pub trait ReplayStore: Send + Sync + fmt::Debug {
    /// Records `message` and answers [`ReplayCheck::FirstSeen`] if its id (in its namespace)
    /// was not seen within the window, [`ReplayCheck::Replayed`] if it was.
    ///
    /// # Errors
    /// A [`ReplayStoreError`] when the store cannot answer; the message was then neither
    /// recorded nor known to be recorded.
    fn check<'a>(&'a self, message: ReplayMessage<'a>) -> ReplayFuture<'a>;
}

/// A bounded, in-process [`ReplayStore`].
///
/// An id is remembered until `timestamp_s + window` (by then the timestamp check refuses the
/// message anyway). The window defaults to [`DEFAULT_WEBHOOK_TOLERANCE`] and must be at least the
/// verifier's tolerance. When the store is full, expired entries are dropped first, then the
/// entry closest to expiry: with a capacity too small for the traffic, an evicted id could be
/// replayed, so size it above the number of messages expected within one window.
///
/// Ids are remembered per [`ReplayMessage::namespace`], so webhooks with different secrets can
/// share one store. It never fails, and its future is ready at once.
///
/// One `std::sync::Mutex`, held only for a map update (never across I/O or an `.await`).
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

impl InMemoryReplayStore {
    /// The synchronous check behind [`ReplayStore::check`]: records `key` and returns `true`
    /// if it was not seen within the window, `false` for a replay. `timestamp_s` is the
    /// message's verified timestamp and `now_s` the verifier's clock, both in seconds since
    /// the Unix epoch. [`ReplayStore::check`] passes `namespace:id` as the key.
    pub fn first_seen(&self, key: &str, timestamp_s: i64, now_s: i64) -> bool {
        let expiry = timestamp_s.saturating_add(self.window_s);
        let mut entries = self.lock();
        match entries.by_id.get(key) {
            Some(&seen_until) if seen_until >= now_s => return false,
            Some(_) => entries.remove(key),
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
        entries.by_id.insert(key.to_owned(), expiry);
        entries.by_expiry.insert((expiry, key.to_owned()));
        true
    }
}

impl ReplayStore for InMemoryReplayStore {
    fn check<'a>(&'a self, message: ReplayMessage<'a>) -> ReplayFuture<'a> {
        let key = format!("{}:{}", message.namespace, message.id);
        let answer = if self.first_seen(&key, message.timestamp_s, message.now_s) {
            ReplayCheck::FirstSeen
        } else {
            ReplayCheck::Replayed
        };
        Box::pin(std::future::ready(Ok(answer)))
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

    #[test]
    fn check_is_ready_at_once_and_keys_on_namespace_and_id() {
        use futures_util::FutureExt as _;
        let store = InMemoryReplayStore::new(16);
        let check = |namespace: &str, id: &str| {
            store
                .check(ReplayMessage::new(namespace, id, T, T, DEFAULT_WEBHOOK_TOLERANCE))
                .now_or_never()
        };
        assert_eq!(check("aaaa", "msg_1"), Some(Ok(ReplayCheck::FirstSeen)));
        assert_eq!(check("aaaa", "msg_1"), Some(Ok(ReplayCheck::Replayed)));
        // Another secret's namespace does not collide.
        assert_eq!(check("bbbb", "msg_1"), Some(Ok(ReplayCheck::FirstSeen)));
        assert_eq!(store.len(), 2);
    }

    /// Reason strings are API: this table pins every one.
    #[test]
    fn store_error_reasons_are_pinned() {
        let table = [
            (
                ReplayStoreError::Timeout(Duration::from_millis(500)),
                "replay-store-timeout",
            ),
            (ReplayStoreError::Unreachable, "replay-store-unreachable"),
            (ReplayStoreError::Refused, "replay-store-refused"),
            (
                ReplayStoreError::UnexpectedAnswer,
                "replay-store-unexpected-answer",
            ),
            (ReplayStoreError::InvalidAddress, "replay-store-address-invalid"),
        ];
        for (err, reason) in table {
            assert_eq!(err.reason(), reason);
            let text = err.to_string();
            assert!(text.chars().next().is_some_and(char::is_lowercase), "{text}");
            assert!(!text.ends_with('.'), "{text}");
        }
        assert_eq!(
            ReplayStoreError::Timeout(Duration::from_millis(500)).to_string(),
            "replay store did not answer within 500 ms"
        );
        assert_eq!(ReplayStoreFailure::default(), ReplayStoreFailure::Refuse);
    }
}
