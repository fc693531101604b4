//! [`RedisReplayStore`]: a [`ReplayStore`] in Redis, shared by every instance that points at
//! the same server, so that a message replayed to another instance is refused there too.
//!
//! One command per message, atomic on the server, so two instances racing on the same id
//! cannot both win:
//!
//! ```text
//! SET {prefix}{namespace}:{id} 1 NX PX {ttl_ms}
//! ```
//!
//! `OK` means the key was new ([`ReplayCheck::FirstSeen`]); nil means it already existed
//! ([`ReplayCheck::Replayed`]). `{namespace}` is [`ReplayMessage::namespace`], a digest of the
//! signing secret, so two endpoints sharing one Redis never collide, and the secret is never
//! sent. The time to live covers the verifier's tolerance whatever the configured window (see
//! [`RedisReplayOptions::window`]), so an id cannot expire while its timestamp still passes.
//!
//! Every check is bounded by [`RedisReplayOptions::command_timeout`] on the client side, on
//! top of the connection's own connect and response timeouts: while the connection is being
//! re-established (the server restarted, the network dropped), a check waits for it no longer
//! than that and answers [`ReplayStoreError::Timeout`] or [`ReplayStoreError::Unreachable`].
//! The connection is `redis`'s `ConnectionManager`, one multiplexed connection that reconnects
//! in the background after a failure, so a process recovers by itself once Redis is back.
//!
//! No command is retried: a `SET NX` whose answer was lost may have been applied, and a retry
//! would then read its own write as a replay and refuse a genuine first delivery for good. A
//! failed check is refused with 503 instead, and Clerk delivers the message again later.
//!
//! Plain TCP only (`redis://`, and `redis+unix://` sockets): this build carries no TLS stack
//! for Redis, so a `rediss://` address is refused as [`ReplayStoreError::InvalidAddress`].
//! Run Redis on a private network, or behind a local TLS tunnel.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{ConnectionAddr, ConnectionInfo, ErrorKind, RedisError, Value};

use super::DEFAULT_WEBHOOK_TOLERANCE;
use super::replay::{ReplayCheck, ReplayFuture, ReplayMessage, ReplayStore, ReplayStoreError};

/// The default [`RedisReplayOptions::connect_timeout`] and
/// [`RedisReplayOptions::command_timeout`]: 500 ms.
pub const DEFAULT_REDIS_TIMEOUT: Duration = Duration::from_millis(500);

/// The default [`RedisReplayOptions::key_prefix`].
pub const DEFAULT_REDIS_KEY_PREFIX: &str = "clerk-webhook:";

/// The longest time to live a key is given: a window beyond it (a tolerance of years) is
/// treated as this, rather than sending Redis an expiry it refuses.
const MAX_TTL_MS: u64 = 366 * 24 * 60 * 60 * 1000;

/// Both clocks are read in whole seconds: one more second keeps an id remembered through the
/// last second its timestamp still passes.
const MARGIN_MS: u64 = 1000;

/// Reconnection: a few quick attempts per failure, then the next check starts another round.
/// Short delays keep recovery after a restart within about a second of traffic.
const RECONNECT_RETRIES: usize = 2;
const RECONNECT_MIN_DELAY: Duration = Duration::from_millis(50);
const RECONNECT_MAX_DELAY: Duration = Duration::from_millis(500);

/// The settings of a [`RedisReplayStore`]; every one has a default.
///
/// ```
/// use std::time::Duration;
/// use clerk_sdk::webhook::RedisReplayOptions;
///
/// let options = RedisReplayOptions::new()
///     .command_timeout(Duration::from_millis(200))
///     .key_prefix("billing-webhooks:");
/// # let _ = options;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisReplayOptions {
    connect_timeout: Duration,
    command_timeout: Duration,
    window: Duration,
    key_prefix: String,
}

impl Default for RedisReplayOptions {
    fn default() -> Self {
        RedisReplayOptions {
            connect_timeout: DEFAULT_REDIS_TIMEOUT,
            command_timeout: DEFAULT_REDIS_TIMEOUT,
            window: DEFAULT_WEBHOOK_TOLERANCE,
            key_prefix: DEFAULT_REDIS_KEY_PREFIX.to_owned(),
        }
    }
}

impl RedisReplayOptions {
    /// The defaults: 500 ms timeouts, a 5-minute window, keys under `clerk-webhook:`.
    pub fn new() -> Self {
        Self::default()
    }

    /// How long one attempt to open the TCP connection may take. Default:
    /// [`DEFAULT_REDIS_TIMEOUT`] (500 ms). Reconnection happens in the background; this bounds
    /// each attempt, and [`RedisReplayOptions::command_timeout`] bounds what a check waits.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The most one check may take, connection included, before it fails as
    /// [`ReplayStoreError::Timeout`]. Default: [`DEFAULT_REDIS_TIMEOUT`] (500 ms). A webhook
    /// request waits this long at worst for its replay check; Clerk's delivery timeout is far
    /// longer, and a refused delivery is retried.
    #[must_use]
    pub fn command_timeout(mut self, timeout: Duration) -> Self {
        self.command_timeout = timeout;
        self
    }

    /// How long an id is remembered, at least. Default: [`DEFAULT_WEBHOOK_TOLERANCE`]
    /// (5 minutes). The verifier's tolerance is used instead when it is longer, so the window
    /// always covers it: a key lives for this window plus one second, plus how far the
    /// message's timestamp is ahead of the clock (at most a year).
    #[must_use]
    pub fn window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// The prefix of every key. Default: [`DEFAULT_REDIS_KEY_PREFIX`] (`clerk-webhook:`).
    /// Keys are `{prefix}{namespace}:{id}`; change the prefix to keep several applications
    /// apart in one Redis database.
    #[must_use]
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }
}

/// A [`ReplayStore`] in Redis (feature `redis`): one atomic `SET … NX PX` per message, shared by
/// every instance connected to the same server.
///
/// Cheap to clone (clones share one multiplexed connection). `Debug` shows the address without
/// its password. Needs a Tokio runtime with the time driver.
///
/// Memory: one key per remembered id, measured on Redis 7.0.15 (64-bit, jemalloc) with the
/// default prefix and Svix-shaped ids (`msg_` and 27 characters, a 60-byte key):
/// `MEMORY USAGE` reports 104 bytes per key, and the server's `used_memory` grows by about
/// 158 bytes per id over 10,000 ids (the expiry entry and the hash tables' growth included),
/// so 10,000 deliveries within one 5-minute window take about 1.5 MiB
/// (`clerk-sdk/tests/redis_replay.rs`, `memory_per_remembered_id`). Keys expire by themselves
/// after the window; nothing needs cleaning up.
///
/// ```no_run
/// use std::sync::Arc;
/// use clerk_sdk::webhook::{RedisReplayStore, Webhook};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = RedisReplayStore::connect("redis://127.0.0.1:6379").await?;
/// println!("replay store: Redis at {}", store.endpoint());
/// let webhook = Webhook::from_env()?.replay_store(Arc::new(store));
/// # let _ = webhook;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisReplayStore {
    connection: ConnectionManager,
    endpoint: String,
    key_prefix: String,
    window: Duration,
    command_timeout: Duration,
}

impl fmt::Debug for RedisReplayStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not the connection: redis' own Debug prints the connection info, password included.
        f.debug_struct("RedisReplayStore")
            .field("endpoint", &self.endpoint)
            .field("key_prefix", &self.key_prefix)
            .field("window", &self.window)
            .field("command_timeout", &self.command_timeout)
            .finish_non_exhaustive()
    }
}

impl RedisReplayStore {
    /// Connects to `url` (`redis://[user][:password@]host[:port][/db]`) with the default
    /// [`RedisReplayOptions`], and checks the server answers (`PING`).
    ///
    /// # Errors
    /// [`ReplayStoreError::InvalidAddress`] for a URL this build cannot use (never echoing
    /// it), and the errors of a check ([`ReplayStoreError::Unreachable`],
    /// [`ReplayStoreError::Timeout`], [`ReplayStoreError::Refused`] for a wrong password)
    /// when the server does not answer the `PING`.
    pub async fn connect(url: &str) -> Result<Self, ReplayStoreError> {
        Self::connect_with(url, RedisReplayOptions::default()).await
    }

    /// [`RedisReplayStore::connect`] with `options`.
    ///
    /// # Errors
    /// As [`RedisReplayStore::connect`]. The `PING` may take the connect timeout plus the
    /// command timeout.
    pub async fn connect_with(url: &str, options: RedisReplayOptions) -> Result<Self, ReplayStoreError> {
        let client = redis::Client::open(url).map_err(|_| ReplayStoreError::InvalidAddress)?;
        let info = client.get_connection_info();
        if !info.addr().is_supported() {
            return Err(ReplayStoreError::InvalidAddress);
        }
        let endpoint = endpoint(info);
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(options.connect_timeout))
            .set_response_timeout(Some(options.command_timeout))
            .set_number_of_retries(RECONNECT_RETRIES)
            .set_min_delay(RECONNECT_MIN_DELAY)
            .set_max_delay(RECONNECT_MAX_DELAY);
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| classify(&e, options.command_timeout))?;
        let store = RedisReplayStore {
            connection,
            endpoint,
            key_prefix: options.key_prefix,
            window: options.window,
            command_timeout: options.command_timeout,
        };
        let deadline = options.connect_timeout.saturating_add(options.command_timeout);
        match store.send(&redis::cmd("PING"), deadline).await? {
            Value::SimpleString(pong) if pong == "PONG" => Ok(store),
            _ => Err(ReplayStoreError::UnexpectedAnswer),
        }
    }

    /// The server's address without its password, e.g. `redis://127.0.0.1:6379/0`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The key a message is remembered under: `{prefix}{namespace}:{id}`.
    pub fn key(&self, namespace: &str, id: &str) -> String {
        format!("{}{namespace}:{id}", self.key_prefix)
    }

    /// How long `message`'s key lives, in milliseconds: the window (at least the tolerance),
    /// how far the timestamp is ahead of the clock, and the one-second margin.
    fn ttl_ms(&self, message: &ReplayMessage<'_>) -> u64 {
        let window = self.window.max(message.tolerance);
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
        let ahead_s = u64::try_from(message.timestamp_s.saturating_sub(message.now_s)).unwrap_or(0);
        window_ms
            .saturating_add(ahead_s.saturating_mul(1000))
            .saturating_add(MARGIN_MS)
            .min(MAX_TTL_MS)
    }

    /// Sends `command`, waiting at most `deadline` for the connection and the answer.
    async fn send(&self, command: &redis::Cmd, deadline: Duration) -> Result<Value, ReplayStoreError> {
        // A clone shares the connection; `send_packed_command` only needs `&mut` for its API.
        let mut connection = self.connection.clone();
        match tokio::time::timeout(deadline, connection.send_packed_command(command)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(classify(&error, deadline)),
            Err(_elapsed) => Err(ReplayStoreError::Timeout(deadline)),
        }
    }
}

impl ReplayStore for RedisReplayStore {
    fn check<'a>(&'a self, message: ReplayMessage<'a>) -> ReplayFuture<'a> {
        Box::pin(async move {
            let mut command = redis::cmd("SET");
            command
                .arg(self.key(message.namespace, message.id))
                .arg(1)
                .arg("NX")
                .arg("PX")
                .arg(self.ttl_ms(&message));
            match self.send(&command, self.command_timeout).await? {
                Value::Okay => Ok(ReplayCheck::FirstSeen),
                Value::SimpleString(ok) if ok == "OK" => Ok(ReplayCheck::FirstSeen),
                Value::Nil => Ok(ReplayCheck::Replayed),
                _ => Err(ReplayStoreError::UnexpectedAnswer),
            }
        })
    }
}

/// What kind of failure a Redis error is; its text (which may quote the server) is dropped.
fn classify(error: &RedisError, deadline: Duration) -> ReplayStoreError {
    if error.is_timeout() {
        return ReplayStoreError::Timeout(deadline);
    }
    if error.is_io_error() || error.is_connection_dropped() || error.is_connection_refusal() {
        return ReplayStoreError::Unreachable;
    }
    match error.kind() {
        ErrorKind::Parse | ErrorKind::UnexpectedReturnType => ReplayStoreError::UnexpectedAnswer,
        ErrorKind::InvalidClientConfig => ReplayStoreError::InvalidAddress,
        ErrorKind::AuthenticationFailed | ErrorKind::Server(_) | ErrorKind::Extension => {
            ReplayStoreError::Refused
        }
        _ => ReplayStoreError::Unreachable,
    }
}

/// `redis://[user@]host:port/db` (or `redis+unix://path`): the address without the password.
fn endpoint(info: &ConnectionInfo) -> String {
    let settings = info.redis_settings();
    let user = settings.username().map(|u| format!("{u}@")).unwrap_or_default();
    match info.addr() {
        ConnectionAddr::Unix(path) => format!("redis+unix://{user}{}?db={}", path.display(), settings.db()),
        addr => format!("redis://{user}{addr}/{}", settings.db()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_for(url: &str) -> RedisReplayStore {
        let client = redis::Client::open(url).unwrap();
        let endpoint = endpoint(client.get_connection_info());
        RedisReplayStore {
            connection: ConnectionManager::new_lazy_with_config(client, ConnectionManagerConfig::new())
                .unwrap(),
            endpoint,
            key_prefix: DEFAULT_REDIS_KEY_PREFIX.to_owned(),
            window: Duration::from_secs(300),
            command_timeout: DEFAULT_REDIS_TIMEOUT,
        }
    }

    #[tokio::test]
    async fn the_endpoint_and_debug_never_show_the_password() {
        let store = store_for("redis://app:s3cr3t-pass@10.0.0.7:6380/2");
        assert_eq!(store.endpoint(), "redis://app@10.0.0.7:6380/2");
        let debug = format!("{store:?}");
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert!(debug.contains("redis://app@10.0.0.7:6380/2"), "{debug}");
        assert_eq!(
            store_for("redis://127.0.0.1").endpoint(),
            "redis://127.0.0.1:6379/0"
        );
        assert_eq!(
            store_for("redis+unix:///run/redis.sock").endpoint(),
            "redis+unix:///run/redis.sock?db=0"
        );
    }

    #[tokio::test]
    async fn keys_are_prefixed_and_namespaced() {
        let store = store_for("redis://127.0.0.1");
        assert_eq!(
            store.key("91a306446e73d07e", "msg_1"),
            "clerk-webhook:91a306446e73d07e:msg_1"
        );
    }

    #[tokio::test]
    async fn the_time_to_live_covers_the_tolerance_and_a_timestamp_ahead() {
        let store = store_for("redis://127.0.0.1");
        let t = 1_700_000_000;
        let ttl = |ts: i64, now: i64, tolerance: u64| {
            store.ttl_ms(&ReplayMessage::new(
                "ns",
                "id",
                ts,
                now,
                Duration::from_secs(tolerance),
            ))
        };
        assert_eq!(ttl(t, t, 300), 301_000);
        // A longer tolerance than the window wins.
        assert_eq!(ttl(t, t, 600), 601_000);
        // A timestamp ahead of the clock stays valid for longer.
        assert_eq!(ttl(t + 60, t, 300), 361_000);
        // Behind the clock: still the whole window from now (covers other instances' clocks).
        assert_eq!(ttl(t - 60, t, 300), 301_000);
        // Extremes saturate to the cap, never overflow.
        assert_eq!(ttl(i64::MAX, i64::MIN, u64::MAX), MAX_TTL_MS);
    }

    #[tokio::test]
    async fn addresses_this_build_cannot_use_are_refused_without_echoing_them() {
        for url in [
            "not a url",
            "http://127.0.0.1",
            "rediss://:hunter2@127.0.0.1:6380",
            "redis://",
        ] {
            let err = RedisReplayStore::connect(url).await.unwrap_err();
            assert_eq!(err, ReplayStoreError::InvalidAddress, "{url}");
            assert!(!err.to_string().contains("hunter2"));
        }
    }

    #[tokio::test]
    async fn nothing_listening_is_unreachable_within_the_deadline() {
        // A port just released: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let options = RedisReplayOptions::new()
            .connect_timeout(Duration::from_millis(200))
            .command_timeout(Duration::from_millis(200));
        let started = std::time::Instant::now();
        let err = RedisReplayStore::connect_with(&format!("redis://127.0.0.1:{port}"), options)
            .await
            .unwrap_err();
        assert!(
            matches!(err, ReplayStoreError::Unreachable | ReplayStoreError::Timeout(_)),
            "{err:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }
}
