//! Webhook verification: Svix / Standard Webhooks signatures over the raw body, typed Clerk
//! events, and optional replay protection.
//!
//! The signature scheme is upstream's (`@clerk/backend/webhooks`, built on `standardwebhooks`):
//! the secret is `whsec_` + standard base64; the signed content is
//! `{id}.{timestamp}.{body}`; the signature is `v1,` + base64 of HMAC-SHA256; the
//! `svix-signature` header carries one or more space-separated signatures (key rotation), and
//! any `v1` match is enough. Where this module departs from upstream ("Typed webhooks" in the
//! README's differences):
//! both `svix-*` and `webhook-*` header names are read, the body is raw bytes (not
//! necessarily UTF-8), the timestamp must be a plain integer number of seconds, and failures
//! are a typed [`WebhookError`] with a stable [`WebhookError::reason`].
//!
//! Checks run in this order, so that nothing is parsed before it is authenticated: body size,
//! headers present, timestamp syntax, timestamp within tolerance, signature (all of them in
//! [`Webhook::verify_signature`], synchronous and pure), then the replay store (when a
//! [`ReplayStore`] is set, in [`Webhook::verify_message`] and [`Webhook::verify`], which are
//! `async`), then — in [`Webhook::verify`] only — the JSON envelope. Why the full path is
//! `async` and has no synchronous twin is in the replay module's docs ([`ReplayStore`]).
//!
//! The design follows `svix-webhooks`' single-file verifier (redacted `Debug`, several
//! signatures, constant-time comparison, a two-sided window with saturating arithmetic, the
//! missing header named) and adds what it lacks: an injectable clock, docs on every item,
//! non-UTF-8 bodies, and consistent error names.

mod event;
#[cfg(test)]
mod proptests;
#[cfg(feature = "redis")]
mod redis_store;
mod replay;

pub use event::{
    DeletedObjectData, EmailAddressData, EventType, OrganizationData, OrganizationInvitationData,
    OrganizationMembershipData, PhoneNumberData, PublicUserData, SessionData, UserData, WebhookEvent,
};
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use redis_store::{
    DEFAULT_REDIS_KEY_PREFIX, DEFAULT_REDIS_TIMEOUT, RedisReplayOptions, RedisReplayStore,
};
pub use replay::{
    InMemoryReplayStore, ReplayCheck, ReplayFuture, ReplayMessage, ReplayStatus, ReplayStore,
    ReplayStoreError, ReplayStoreFailure,
};

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::clock::{Clock, SystemClock};
use crate::config::ClerkConfig;
use crate::crypto::{self, HmacSha256};

/// The default [`Webhook::tolerance`]: 5 minutes either way, as upstream.
pub const DEFAULT_WEBHOOK_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// The default [`Webhook::max_body_len`]: 1 MiB.
pub const DEFAULT_WEBHOOK_MAX_BODY_LEN: usize = 1024 * 1024;

const SECRET_PREFIX: &str = "whsec_";

/// The three headers, as `(svix name, webhook name)`, in the order errors list them.
const ID: (&str, &str) = ("svix-id", "webhook-id");
const TIMESTAMP: (&str, &str) = ("svix-timestamp", "webhook-timestamp");
const SIGNATURE: (&str, &str) = ("svix-signature", "webhook-signature");

/// Why a webhook was refused, or why a verifier could not be built.
///
/// `Display` is one lowercase clause and never contains the secret, a signature or the body.
/// `Debug` prints the same clause and the reason (what `main` shows when
/// `Webhook::from_env()?` fails).
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// No signing secret was configured (`CLERK_WEBHOOK_SIGNING_SECRET`).
    #[error("webhook signing secret is missing")]
    MissingSecret,
    /// The signing secret is empty or not standard, padded base64 (after an optional `whsec_`).
    #[error("webhook signing secret is not valid (expected whsec_ followed by standard base64)")]
    InvalidSecret,
    /// Required headers are absent, empty or whitespace-only; lists the `svix-*` names in the
    /// order id, timestamp, signature.
    #[error("missing required webhook headers: {}", .0.join(", "))]
    MissingHeaders(Vec<&'static str>),
    /// A header value is not UTF-8 (names the `svix-*` header).
    #[error("webhook header {0} is not valid UTF-8")]
    InvalidHeader(&'static str),
    /// The timestamp header is not an integer number of seconds.
    #[error("webhook timestamp is not an integer number of seconds")]
    InvalidTimestamp,
    /// The timestamp is further in the past than the tolerance.
    #[error("webhook timestamp is too old")]
    TimestampTooOld {
        /// The message's timestamp, seconds since the epoch.
        timestamp: i64,
        /// The verifier's clock, seconds since the epoch.
        now: i64,
    },
    /// The timestamp is further in the future than the tolerance.
    #[error("webhook timestamp is too new")]
    TimestampTooNew {
        /// The message's timestamp, seconds since the epoch.
        timestamp: i64,
        /// The verifier's clock, seconds since the epoch.
        now: i64,
    },
    /// No `v1` signature in the header matches the body.
    #[error("no matching webhook signature found")]
    NoMatchingSignature,
    /// The body is longer than [`Webhook::max_body_len`].
    #[error("webhook body is larger than {limit} bytes")]
    BodyTooLarge {
        /// The body's length.
        len: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The message id was already accepted within the tolerance window.
    #[error("webhook message was already received")]
    Replayed,
    /// The replay store could not answer, so the message was refused rather than processed
    /// unprotected (the default [`ReplayStoreFailure::Refuse`]); Clerk delivers it again later.
    #[error("webhook replay store is unavailable")]
    ReplayStoreUnavailable(#[source] ReplayStoreError),
    /// The verified body is not a Clerk event envelope.
    #[error("webhook payload is not a valid event")]
    InvalidPayload(#[source] PayloadError),
}

impl fmt::Debug for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self} (reason: {})", self.reason())
    }
}

impl WebhookError {
    /// A stable kebab-case reason string.
    pub fn reason(&self) -> &'static str {
        match self {
            WebhookError::MissingSecret => "webhook-secret-missing",
            WebhookError::InvalidSecret => "webhook-secret-invalid",
            WebhookError::MissingHeaders(_) => "webhook-headers-missing",
            WebhookError::InvalidHeader(_) => "webhook-header-invalid",
            WebhookError::InvalidTimestamp => "webhook-timestamp-invalid",
            WebhookError::TimestampTooOld { .. } => "webhook-timestamp-too-old",
            WebhookError::TimestampTooNew { .. } => "webhook-timestamp-too-new",
            WebhookError::NoMatchingSignature => "webhook-no-matching-signature",
            WebhookError::BodyTooLarge { .. } => "webhook-body-too-large",
            WebhookError::Replayed => "webhook-replayed",
            WebhookError::ReplayStoreUnavailable(_) => "webhook-replay-store-unavailable",
            WebhookError::InvalidPayload(_) => "webhook-payload-invalid",
        }
    }
}

/// What is wrong with a verified body that is not an event envelope.
///
/// Carries positions, never body text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PayloadError {
    /// Not JSON (an empty body included).
    #[error("body is not JSON (line {line}, column {column})")]
    NotJson {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error (0 at end of input).
        column: usize,
    },
    /// JSON, but not an object.
    #[error("body is not a JSON object")]
    NotAnObject,
    /// No `type` string.
    #[error("body has no string `type`")]
    MissingType,
    /// `timestamp`, `instance_id` or another envelope field has the wrong type.
    #[error("an envelope field has the wrong type")]
    InvalidEnvelope,
}

/// The authenticated facts of a message, from [`Webhook::verify_signature`] or
/// [`Webhook::verify_message`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedMessage {
    /// The message id (`svix-id`), unique per message and kept across re-deliveries.
    pub id: String,
    /// The signed timestamp, seconds since the Unix epoch.
    pub timestamp: i64,
    /// Whether the replay store was consulted, and what it said: always
    /// [`ReplayStatus::NotChecked`] from [`Webhook::verify_signature`].
    pub replay: ReplayStatus,
}

/// Verifies Clerk webhooks signed with one signing secret.
///
/// Cheap to clone (the key is shared). `Debug` never prints the key, and the key is zeroized
/// when the last clone is dropped.
///
/// ```
/// use clerk_sdk::{webhook::{EventType, Webhook}, clock::FixedClock};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let webhook = Webhook::new("whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY")?
///     .clock(FixedClock::new(1_700_000_000_000));
///
/// // What Clerk sends (here signed with the same secret).
/// let body = br#"{"type":"user.created","object":"event","data":{"id":"user_1"}}"#;
/// let mut headers = http::HeaderMap::new();
/// headers.insert("svix-id", "msg_1".parse()?);
/// headers.insert("svix-timestamp", "1700000000".parse()?);
/// headers.insert("svix-signature", webhook.sign("msg_1", 1_700_000_000, body).parse()?);
///
/// let event = webhook.verify(&headers, body).await?;
/// assert_eq!(event.event_type, EventType::UserCreated);
/// assert_eq!(event.user().transpose()?.map(|u| u.id).as_deref(), Some("user_1"));
///
/// // Any change to the body is refused, with a stable reason.
/// let err = webhook.verify(&headers, br#"{"type":"user.deleted"}"#).await.unwrap_err();
/// assert_eq!(err.reason(), "webhook-no-matching-signature");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Webhook {
    key: Arc<Zeroizing<Vec<u8>>>,
    /// 16 hex digits of SHA-256 over the key: tells secrets apart in a shared replay store.
    namespace: Arc<str>,
    tolerance_s: i64,
    tolerance: Duration,
    max_body_len: usize,
    clock: Arc<dyn Clock>,
    replay_store: Option<Arc<dyn ReplayStore>>,
    on_store_failure: ReplayStoreFailure,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("key", &"[redacted]")
            .field("tolerance", &self.tolerance)
            .field("max_body_len", &self.max_body_len)
            .field("clock", &self.clock)
            .field("replay_store", &self.replay_store)
            .field("on_replay_store_failure", &self.on_store_failure)
            .finish()
    }
}

impl Webhook {
    /// A verifier for `secret`, as shown in the Clerk Dashboard (`whsec_…`; the prefix is
    /// optional). Surrounding whitespace is ignored; the rest must be standard base64 with
    /// padding, decoding to at least one byte.
    ///
    /// # Errors
    /// `webhook-secret-invalid` ([`WebhookError::InvalidSecret`]), which never echoes the
    /// secret.
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        let trimmed = secret.trim();
        let encoded = trimmed.strip_prefix(SECRET_PREFIX).unwrap_or(trimmed);
        let key = Zeroizing::new(
            STANDARD
                .decode(encoded)
                .map_err(|_| WebhookError::InvalidSecret)?,
        );
        Self::from_key(key)
    }

    /// A verifier for a raw key (the decoded secret).
    ///
    /// # Errors
    /// `webhook-secret-invalid` if `key` is empty.
    pub fn from_bytes(key: &[u8]) -> Result<Self, WebhookError> {
        Self::from_key(Zeroizing::new(key.to_vec()))
    }

    fn from_key(key: Zeroizing<Vec<u8>>) -> Result<Self, WebhookError> {
        if key.is_empty() {
            return Err(WebhookError::InvalidSecret);
        }
        Ok(Webhook {
            namespace: namespace(&key).into(),
            key: Arc::new(key),
            tolerance_s: duration_secs(DEFAULT_WEBHOOK_TOLERANCE),
            tolerance: DEFAULT_WEBHOOK_TOLERANCE,
            max_body_len: DEFAULT_WEBHOOK_MAX_BODY_LEN,
            clock: Arc::new(SystemClock),
            replay_store: None,
            on_store_failure: ReplayStoreFailure::Refuse,
        })
    }

    /// A verifier for the config's [`ClerkConfig::webhook_signing_secret`]
    /// (`CLERK_WEBHOOK_SIGNING_SECRET` when the config came from
    /// [`ClerkConfig::from_env`]), reading the config's clock.
    ///
    /// # Errors
    /// `webhook-secret-missing` when no secret is configured, `webhook-secret-invalid` when it
    /// is malformed.
    pub fn from_config(config: &ClerkConfig) -> Result<Self, WebhookError> {
        let secret = config
            .webhook_signing_secret()
            .ok_or(WebhookError::MissingSecret)?;
        let mut webhook = Self::new(secret.expose_secret())?;
        webhook.clock = Arc::clone(config.clock());
        Ok(webhook)
    }

    /// A verifier for the `CLERK_WEBHOOK_SIGNING_SECRET` environment variable.
    ///
    /// Reads only that variable, with [`ClerkConfig::from_env`]'s rules (unset, empty or
    /// whitespace-only counts as unset), so an app that only receives webhooks needs no other
    /// Clerk setting.
    ///
    /// # Errors
    /// `webhook-secret-missing` when the variable is unset or empty; `webhook-secret-invalid`
    /// when it is not Unicode or malformed.
    ///
    /// Not on wasm32, which has no process environment: pass the secret from the host's
    /// bindings to [`Webhook::new`].
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_env() -> Result<Self, WebhookError> {
        match std::env::var(crate::config::env::WEBHOOK_SIGNING_SECRET) {
            Ok(v) if !v.trim().is_empty() => Self::new(&Zeroizing::new(v)),
            Ok(_) | Err(std::env::VarError::NotPresent) => Err(WebhookError::MissingSecret),
            Err(std::env::VarError::NotUnicode(_)) => Err(WebhookError::InvalidSecret),
        }
    }

    /// How far the timestamp may be from the clock, either way. Default:
    /// [`DEFAULT_WEBHOOK_TOLERANCE`] (5 minutes). Whole seconds; a boundary at exactly the
    /// tolerance is accepted.
    ///
    /// This bounds how long a captured request can be replayed; without a
    /// [`Webhook::replay_store`] it is the only replay defence, so keep it short.
    #[must_use]
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self.tolerance_s = duration_secs(tolerance);
        self
    }

    /// The largest body accepted, in bytes, checked before anything else. Default:
    /// [`DEFAULT_WEBHOOK_MAX_BODY_LEN`] (1 MiB). Read the request body with the same limit.
    #[must_use]
    pub fn max_body_len(mut self, max: usize) -> Self {
        self.max_body_len = max;
        self
    }

    /// The clock the timestamp is checked against. Default: the system clock.
    #[must_use]
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Refuses a message id seen before within the window (`webhook-replayed`). Default: off.
    ///
    /// Consulted only after the signature is verified, by [`Webhook::verify`] and
    /// [`Webhook::verify_message`]. Share one store across clones and, in a multi-instance
    /// deployment, across instances (see [`ReplayStore`]).
    #[must_use]
    pub fn replay_store(mut self, store: Arc<dyn ReplayStore>) -> Self {
        self.replay_store = Some(store);
        self
    }

    /// What happens when the replay store fails. Default: [`ReplayStoreFailure::Refuse`], the
    /// message is refused as `webhook-replay-store-unavailable` (503 from the axum extractor)
    /// and Clerk delivers it again later.
    ///
    /// [`ReplayStoreFailure::AcceptWithWarning`] accepts it instead, with its signature and
    /// timestamp checked but no replay check: while the store is down, a captured request
    /// can be replayed within the tolerance.
    #[must_use]
    pub fn on_replay_store_failure(mut self, policy: ReplayStoreFailure) -> Self {
        self.on_store_failure = policy;
        self
    }

    /// The namespace this verifier's message ids are stored under in a replay store: 16 lowercase
    /// hex digits of SHA-256 over the signing key, never the secret itself. Webhooks with
    /// different secrets have different namespaces, so they can share one store.
    pub fn replay_namespace(&self) -> &str {
        &self.namespace
    }

    /// How far a message's timestamp may be from now (set by [`Webhook::tolerance`]).
    pub fn timestamp_tolerance(&self) -> Duration {
        self.tolerance
    }

    /// The largest body accepted, in bytes (set by [`Webhook::max_body_len`]).
    pub fn body_limit(&self) -> usize {
        self.max_body_len
    }

    /// Verifies the signature, consults the replay store (when one is set), and parses the
    /// Clerk event envelope.
    ///
    /// `body` must be the raw request body, byte for byte. With
    /// [`ReplayStoreFailure::AcceptWithWarning`], a message accepted without a replay check is
    /// not distinguishable here: call [`Webhook::verify_message`] (then
    /// [`crate::dangerous::parse_webhook_event`]) to see [`ReplayStatus::StoreFailed`], or use
    /// the axum extractor, which logs it.
    ///
    /// # Errors
    /// Every error of [`Webhook::verify_message`], then `webhook-payload-invalid` when the
    /// body is not an event (not JSON, not an object, no `type`).
    pub async fn verify(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<WebhookEvent, WebhookError> {
        self.verify_message(headers, body).await?;
        WebhookEvent::parse(body)
    }

    /// Verifies the signature, then consults the replay store (when one is set), without
    /// parsing the body. [`VerifiedMessage::replay`] says what the store answered.
    ///
    /// # Errors
    /// Every error of [`Webhook::verify_signature`], then, with a replay store,
    /// `webhook-replayed` for an id seen within the window and
    /// `webhook-replay-store-unavailable` when the store fails (unless
    /// [`Webhook::on_replay_store_failure`] accepts it).
    pub async fn verify_message(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<VerifiedMessage, WebhookError> {
        let (mut message, now) = self.authenticate(headers, body)?;
        if let Some(store) = &self.replay_store {
            let check = store
                .check(ReplayMessage::new(
                    &self.namespace,
                    &message.id,
                    message.timestamp,
                    now,
                    self.tolerance,
                ))
                .await;
            message.replay = match (check, self.on_store_failure) {
                (Ok(ReplayCheck::FirstSeen), _) => ReplayStatus::FirstSeen,
                (Ok(ReplayCheck::Replayed), _) => return Err(WebhookError::Replayed),
                (Err(error), ReplayStoreFailure::AcceptWithWarning) => ReplayStatus::StoreFailed(error),
                (Err(error), ReplayStoreFailure::Refuse) => {
                    return Err(WebhookError::ReplayStoreUnavailable(error));
                }
            };
        }
        Ok(message)
    }

    /// Verifies the signature and the timestamp only: synchronous and pure, it never consults
    /// the replay store, and does not parse the body (which may be anything, not necessarily
    /// UTF-8). To parse a Clerk event from the body afterwards, use
    /// [`crate::dangerous::parse_webhook_event`] (or call [`Webhook::verify`], which does both
    /// and consults the store).
    ///
    /// # Errors
    /// In order: `webhook-body-too-large`, `webhook-headers-missing` (naming every missing
    /// header), `webhook-header-invalid`, `webhook-timestamp-invalid`,
    /// `webhook-timestamp-too-old`, `webhook-timestamp-too-new`,
    /// `webhook-no-matching-signature`.
    pub fn verify_signature(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<VerifiedMessage, WebhookError> {
        self.authenticate(headers, body).map(|(message, _)| message)
    }

    /// [`Webhook::verify_signature`], also returning the clock reading it checked the
    /// timestamp against (the replay store is given the same instant).
    fn authenticate(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<(VerifiedMessage, i64), WebhookError> {
        if body.len() > self.max_body_len {
            return Err(WebhookError::BodyTooLarge {
                len: body.len(),
                limit: self.max_body_len,
            });
        }
        let (id, timestamp, signatures) = read_headers(headers)?;
        let timestamp = parse_timestamp(timestamp)?;
        let now = i64::try_from(self.clock.now_ms() / 1000).unwrap_or(i64::MAX);
        if now.saturating_sub(timestamp) > self.tolerance_s {
            return Err(WebhookError::TimestampTooOld { timestamp, now });
        }
        if timestamp.saturating_sub(now) > self.tolerance_s {
            return Err(WebhookError::TimestampTooNew { timestamp, now });
        }
        let expected = self.signature(id, timestamp, body);
        if !v1_signatures(signatures)
            .any(|candidate| crypto::constant_time_eq(candidate, expected.as_bytes()))
        {
            return Err(WebhookError::NoMatchingSignature);
        }
        let message = VerifiedMessage {
            id: id.to_owned(),
            timestamp,
            replay: ReplayStatus::NotChecked,
        };
        Ok((message, now))
    }

    /// The `svix-signature` value for a message: `v1,` + base64 of
    /// HMAC-SHA256(`{id}.{timestamp_s}.{body}`). Used by the test kit and to sign outgoing
    /// test requests.
    pub fn sign(&self, id: &str, timestamp_s: i64, body: &[u8]) -> String {
        format!("v1,{}", self.signature(id, timestamp_s, body))
    }

    /// Base64 of HMAC-SHA256 over `{id}.{timestamp}.{body}`, without copying the body.
    fn signature(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut mac = HmacSha256::new(&self.key);
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        STANDARD.encode(mac.finish())
    }
}

/// The first 8 bytes of SHA-256 over the key, as 16 lowercase hex digits.
fn namespace(key: &[u8]) -> String {
    crypto::sha256(key)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn duration_secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// Reads id, timestamp and signature (each `svix-*` first, else `webhook-*`), trimmed.
fn read_headers(headers: &http::HeaderMap) -> Result<(&str, &str, &str), WebhookError> {
    let id = header(headers, ID)?;
    let timestamp = header(headers, TIMESTAMP)?;
    let signature = header(headers, SIGNATURE)?;
    match (id, timestamp, signature) {
        (Some(id), Some(timestamp), Some(signature)) => Ok((id, timestamp, signature)),
        (id, timestamp, signature) => Err(WebhookError::MissingHeaders(
            [(id, ID.0), (timestamp, TIMESTAMP.0), (signature, SIGNATURE.0)]
                .into_iter()
                .filter_map(|(value, name)| value.is_none().then_some(name))
                .collect(),
        )),
    }
}

/// The first non-blank value under either name; `Err` for a value that is not UTF-8.
fn header<'a>(
    headers: &'a http::HeaderMap,
    (svix, standard): (&'static str, &'static str),
) -> Result<Option<&'a str>, WebhookError> {
    for name in [svix, standard] {
        if let Some(value) = headers.get(name) {
            let text = std::str::from_utf8(value.as_bytes())
                .map_err(|_| WebhookError::InvalidHeader(svix))?
                .trim();
            if !text.is_empty() {
                return Ok(Some(text));
            }
        }
    }
    Ok(None)
}

/// Seconds since the epoch: ASCII digits only (no sign, no fraction), fitting an `i64`.
fn parse_timestamp(text: &str) -> Result<i64, WebhookError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WebhookError::InvalidTimestamp);
    }
    text.parse().map_err(|_| WebhookError::InvalidTimestamp)
}

/// The base64 parts of the `v1,…` entries of a signature header (split on single spaces;
/// other versions and malformed entries are skipped).
fn v1_signatures(header: &str) -> impl Iterator<Item = &[u8]> {
    header
        .split(' ')
        .filter_map(|entry| entry.split_once(','))
        .filter(|(version, _)| *version == "v1")
        .map(|(_, signature)| signature.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use futures_util::FutureExt as _;
    use http::{HeaderMap, HeaderValue};

    const SECRET: &str = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY";
    const BODY: &[u8] = br#"{"type":"user.created"}"#;
    const KNOWN: &str = "v1,5ZCxOammoBCLzqaCN9uAHiKnJcRjQNLtyV6gB4qVUg4=";
    const T: i64 = 1_700_000_000;

    fn at(now_s: i64) -> Webhook {
        Webhook::new(SECRET)
            .unwrap()
            .clock(FixedClock::new(u64::try_from(now_s).unwrap() * 1000))
    }

    fn headers(id: &str, ts: &str, sig: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("svix-id", HeaderValue::from_str(id).unwrap());
        h.insert("svix-timestamp", HeaderValue::from_str(ts).unwrap());
        h.insert("svix-signature", HeaderValue::from_str(sig).unwrap());
        h
    }

    fn known_headers() -> HeaderMap {
        headers("msg_test", "1700000000", KNOWN)
    }

    /// The async paths, driven by one poll: without a store, or with the in-memory one, nothing
    /// awaits.
    trait VerifyNow {
        fn verify_now(&self, headers: &HeaderMap, body: &[u8]) -> Result<WebhookEvent, WebhookError>;
        fn verify_message_now(
            &self,
            headers: &HeaderMap,
            body: &[u8],
        ) -> Result<VerifiedMessage, WebhookError>;
    }

    impl VerifyNow for Webhook {
        fn verify_now(&self, headers: &HeaderMap, body: &[u8]) -> Result<WebhookEvent, WebhookError> {
            self.verify(headers, body)
                .now_or_never()
                .expect("nothing awaits without a network store")
        }

        fn verify_message_now(
            &self,
            headers: &HeaderMap,
            body: &[u8],
        ) -> Result<VerifiedMessage, WebhookError> {
            self.verify_message(headers, body)
                .now_or_never()
                .expect("nothing awaits without a network store")
        }
    }

    /// A store that always fails, and counts its calls.
    #[derive(Debug, Default)]
    struct Down(std::sync::atomic::AtomicUsize);

    impl ReplayStore for Down {
        fn check<'a>(&'a self, _message: ReplayMessage<'a>) -> ReplayFuture<'a> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Box::pin(std::future::ready(Err(ReplayStoreError::Unreachable)))
        }
    }

    /// What a store was handed: namespace, id, timestamp, now, tolerance.
    type Seen = (String, String, i64, i64, Duration);

    /// Records what the verifier hands the store.
    #[derive(Debug, Default)]
    struct Recording(std::sync::Mutex<Vec<Seen>>);

    impl ReplayStore for Recording {
        fn check<'a>(&'a self, m: ReplayMessage<'a>) -> ReplayFuture<'a> {
            if let Ok(mut seen) = self.0.lock() {
                seen.push((
                    m.namespace.to_owned(),
                    m.id.to_owned(),
                    m.timestamp_s,
                    m.now_s,
                    m.tolerance,
                ));
            }
            Box::pin(std::future::ready(Ok(ReplayCheck::FirstSeen)))
        }
    }

    #[test]
    fn known_answer() {
        let wh = at(T);
        assert_eq!(wh.sign("msg_test", T, BODY), KNOWN);
        let event = wh.verify_now(&known_headers(), BODY).unwrap();
        assert_eq!(event.event_type, EventType::UserCreated);
        let msg = wh.verify_signature(&known_headers(), BODY).unwrap();
        assert_eq!(
            msg,
            VerifiedMessage {
                id: "msg_test".to_owned(),
                timestamp: T,
                replay: ReplayStatus::NotChecked,
            }
        );
        // The prefix is optional.
        let bare = Webhook::new("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY").unwrap();
        assert_eq!(bare.sign("msg_test", T, BODY), KNOWN);
        let raw: Vec<u8> = (1..=24).collect();
        assert_eq!(
            Webhook::from_bytes(&raw).unwrap().sign("msg_test", T, BODY),
            KNOWN
        );
    }

    #[test]
    fn tampered_body_id_or_timestamp_is_refused() {
        let wh = at(T);
        let err = wh
            .verify_now(&known_headers(), br#"{"type":"user.deleted"}"#)
            .unwrap_err();
        assert_eq!(err, WebhookError::NoMatchingSignature);
        assert_eq!(err.reason(), "webhook-no-matching-signature");
        let err = wh
            .verify_now(&headers("msg_other", "1700000000", KNOWN), BODY)
            .unwrap_err();
        assert_eq!(err, WebhookError::NoMatchingSignature);
        let err = wh
            .verify_now(&headers("msg_test", "1700000001", KNOWN), BODY)
            .unwrap_err();
        assert_eq!(err, WebhookError::NoMatchingSignature);
    }

    #[test]
    fn wrong_secret_is_refused() {
        let other = Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .unwrap()
            .clock(FixedClock::new(u64::try_from(T).unwrap() * 1000));
        assert_eq!(
            other.verify_now(&known_headers(), BODY).unwrap_err(),
            WebhookError::NoMatchingSignature
        );
    }

    #[test]
    fn tolerance_boundaries() {
        // Exactly ±5 minutes is accepted; one second more is not.
        assert!(at(T + 300).verify_now(&known_headers(), BODY).is_ok());
        assert!(at(T - 300).verify_now(&known_headers(), BODY).is_ok());
        let old = at(T + 301).verify_now(&known_headers(), BODY).unwrap_err();
        assert_eq!(
            old,
            WebhookError::TimestampTooOld {
                timestamp: T,
                now: T + 301
            }
        );
        assert_eq!(old.reason(), "webhook-timestamp-too-old");
        let new = at(T - 301).verify_now(&known_headers(), BODY).unwrap_err();
        assert_eq!(
            new,
            WebhookError::TimestampTooNew {
                timestamp: T,
                now: T - 301
            }
        );
        assert_eq!(new.reason(), "webhook-timestamp-too-new");

        // Configurable, and sub-second clock readings are floored.
        let strict = at(T).tolerance(Duration::from_secs(10));
        assert_eq!(strict.timestamp_tolerance(), Duration::from_secs(10));
        let strict = strict.clock(FixedClock::new(u64::try_from(T + 10).unwrap() * 1000 + 999));
        assert!(strict.verify_now(&known_headers(), BODY).is_ok());
        let strict = strict.clock(FixedClock::new(u64::try_from(T + 11).unwrap() * 1000));
        assert!(matches!(
            strict.verify_now(&known_headers(), BODY),
            Err(WebhookError::TimestampTooOld { .. })
        ));
        // Extreme values saturate instead of overflowing.
        let huge = at(T).tolerance(Duration::MAX);
        assert!(huge.verify_now(&known_headers(), BODY).is_ok());
        let far = i64::MAX.to_string();
        let sig = at(T).sign("msg_test", i64::MAX, BODY);
        assert!(matches!(
            at(T).verify_now(&headers("msg_test", &far, &sig), BODY),
            Err(WebhookError::TimestampTooNew { .. })
        ));
        assert!(huge.verify_now(&headers("msg_test", &far, &sig), BODY).is_ok());
        let epoch = at(0).verify_now(&known_headers(), BODY).unwrap_err();
        assert!(matches!(epoch, WebhookError::TimestampTooNew { .. }));
    }

    #[test]
    fn several_signatures_any_match_succeeds() {
        let wh = at(T);
        let good = &KNOWN[3..];
        for sig in [
            format!("v1,AAAA v1a,zzz v1,{good}"),
            format!("v2,{good} v1,{good}"),
            format!("v1,{good} v1,AAAA"),
            format!("garbage v1 ,, v1,{good}"),
            format!("v1,wrong  v1,{good}"),
        ] {
            assert!(
                wh.verify_now(&headers("msg_test", "1700000000", &sig), BODY)
                    .is_ok(),
                "{sig}"
            );
        }
    }

    #[test]
    fn unknown_versions_only_or_malformed_entries_are_refused() {
        let wh = at(T);
        let good = &KNOWN[3..];
        for sig in [
            format!("v1a,{good}"),
            format!("v2,{good}"),
            format!("V1,{good}"),
            format!("v1;{good}"),
            format!("v1,{good}x"),
            format!("v1,{}", &good[..good.len() - 1]),
            format!("v1,{good},extra"),
            format!("v1, {good}"),
            "v1".to_owned(),
            ",".to_owned(),
        ] {
            assert_eq!(
                wh.verify_now(&headers("msg_test", "1700000000", &sig), BODY)
                    .unwrap_err(),
                WebhookError::NoMatchingSignature,
                "{sig}"
            );
        }
    }

    #[test]
    fn each_missing_header_is_named_in_order() {
        let wh = at(T);
        let names = ["svix-id", "svix-timestamp", "svix-signature"];
        for mask in 1u8..8 {
            let mut h = known_headers();
            let mut want = Vec::new();
            for (bit, name) in names.iter().enumerate() {
                if mask & (1 << bit) != 0 {
                    h.remove(*name);
                    want.push(*name);
                }
            }
            let err = wh.verify_now(&h, BODY).unwrap_err();
            assert_eq!(err, WebhookError::MissingHeaders(want.clone()));
            assert_eq!(err.reason(), "webhook-headers-missing");
            assert_eq!(
                err.to_string(),
                format!("missing required webhook headers: {}", want.join(", "))
            );
        }
    }

    #[test]
    fn whitespace_only_headers_count_as_missing_and_values_are_trimmed() {
        let wh = at(T);
        let err = wh.verify_now(&headers(" ", "\t", "  "), BODY).unwrap_err();
        assert_eq!(
            err,
            WebhookError::MissingHeaders(vec!["svix-id", "svix-timestamp", "svix-signature"])
        );
        let err = wh
            .verify_now(&headers("", "1700000000", KNOWN), BODY)
            .unwrap_err();
        assert_eq!(err, WebhookError::MissingHeaders(vec!["svix-id"]));
        let padded = headers(" msg_test ", " 1700000000\t", &format!(" {KNOWN} "));
        assert!(wh.verify_now(&padded, BODY).is_ok());
    }

    #[test]
    fn webhook_header_names_are_read_too() {
        let wh = at(T);
        let mut h = HeaderMap::new();
        h.insert("webhook-id", HeaderValue::from_static("msg_test"));
        h.insert("webhook-timestamp", HeaderValue::from_static("1700000000"));
        h.insert("webhook-signature", HeaderValue::from_static(KNOWN));
        assert!(wh.verify_now(&h, BODY).is_ok());

        // Mixed families, per header.
        let mut mixed = HeaderMap::new();
        mixed.insert("svix-id", HeaderValue::from_static("msg_test"));
        mixed.insert("webhook-timestamp", HeaderValue::from_static("1700000000"));
        mixed.insert("svix-signature", HeaderValue::from_static(KNOWN));
        assert!(wh.verify_now(&mixed, BODY).is_ok());

        // svix-* wins when both are present; a blank svix-* falls back to webhook-*.
        let mut both = known_headers();
        both.insert("webhook-id", HeaderValue::from_static("msg_other"));
        assert!(wh.verify_now(&both, BODY).is_ok());
        let mut blank = h.clone();
        blank.insert("svix-id", HeaderValue::from_static(" "));
        assert!(wh.verify_now(&blank, BODY).is_ok());
        let mut svix_wrong = h;
        svix_wrong.insert("svix-id", HeaderValue::from_static("msg_other"));
        assert_eq!(
            wh.verify_now(&svix_wrong, BODY).unwrap_err(),
            WebhookError::NoMatchingSignature
        );
    }

    #[test]
    fn non_utf8_header_value_is_invalid() {
        let wh = at(T);
        let mut h = known_headers();
        h.insert("svix-id", HeaderValue::from_bytes(b"msg_\xff").unwrap());
        let err = wh.verify_now(&h, BODY).unwrap_err();
        assert_eq!(err, WebhookError::InvalidHeader("svix-id"));
        assert_eq!(err.reason(), "webhook-header-invalid");
    }

    #[test]
    fn non_utf8_body_verifies_its_signature() {
        let wh = at(T);
        let body = [0xff, 0xfe, 0x00, 0x80, b'{'];
        let sig = wh.sign("msg_bin", T, &body);
        let h = headers("msg_bin", "1700000000", &sig);
        assert_eq!(wh.verify_signature(&h, &body).unwrap().id, "msg_bin");
        assert!(matches!(
            wh.verify_now(&h, &body),
            Err(WebhookError::InvalidPayload(PayloadError::NotJson { .. }))
        ));
    }

    #[test]
    fn empty_body_signature_ok_payload_invalid() {
        let wh = at(T);
        let h = headers("msg_empty", "1700000000", &wh.sign("msg_empty", T, b""));
        assert!(wh.verify_signature(&h, b"").is_ok());
        let err = wh.verify_now(&h, b"").unwrap_err();
        assert!(matches!(
            err,
            WebhookError::InvalidPayload(PayloadError::NotJson { .. })
        ));
        assert_eq!(err.reason(), "webhook-payload-invalid");
        assert_eq!(err.to_string(), "webhook payload is not a valid event");
    }

    #[test]
    fn body_size_cap_is_checked_first() {
        let wh = at(T).max_body_len(BODY.len());
        assert_eq!(wh.body_limit(), BODY.len());
        assert!(wh.verify_now(&known_headers(), BODY).is_ok());
        let big = [b' '; 24];
        let err = wh.verify_now(&HeaderMap::new(), &big).unwrap_err();
        assert_eq!(err, WebhookError::BodyTooLarge { len: 24, limit: 23 });
        assert_eq!(err.reason(), "webhook-body-too-large");
        assert_eq!(at(T).body_limit(), DEFAULT_WEBHOOK_MAX_BODY_LEN);
        let huge = vec![b'x'; DEFAULT_WEBHOOK_MAX_BODY_LEN + 1];
        assert!(matches!(
            at(T).verify_signature(&known_headers(), &huge),
            Err(WebhookError::BodyTooLarge { .. })
        ));
    }

    #[test]
    fn replayed_id_is_refused_only_after_the_signature() {
        let store = Arc::new(InMemoryReplayStore::new(100));
        let wh = at(T).replay_store(store.clone());
        assert!(wh.verify_now(&known_headers(), BODY).is_ok());
        let err = wh.verify_now(&known_headers(), BODY).unwrap_err();
        assert_eq!(err, WebhookError::Replayed);
        assert_eq!(err.reason(), "webhook-replayed");
        // Clones share the store.
        assert_eq!(
            wh.clone().verify_now(&known_headers(), BODY).unwrap_err(),
            WebhookError::Replayed
        );
        // A different id passes.
        let sig = wh.sign("msg_2", T, BODY);
        assert!(wh.verify_now(&headers("msg_2", "1700000000", &sig), BODY).is_ok());
        // A forged message with a fresh id is refused for its signature and is not remembered.
        let forged = headers("msg_3", "1700000000", KNOWN);
        assert_eq!(
            wh.verify_now(&forged, BODY).unwrap_err(),
            WebhookError::NoMatchingSignature
        );
        assert_eq!(store.len(), 2);
        // Without a store, replays pass (the tolerance is the only bound).
        assert!(at(T).verify_now(&known_headers(), BODY).is_ok());
        assert!(at(T).verify_now(&known_headers(), BODY).is_ok());
        // verify_signature never consults the store, and says so.
        let msg = wh.verify_signature(&known_headers(), BODY).unwrap();
        assert_eq!(msg.replay, ReplayStatus::NotChecked);
        assert_eq!(store.len(), 2);
        let sig = wh.sign("msg_4", T, BODY);
        let msg = wh
            .verify_message_now(&headers("msg_4", "1700000000", &sig), BODY)
            .unwrap();
        assert_eq!(msg.replay, ReplayStatus::FirstSeen);
    }

    #[test]
    fn a_failing_store_refuses_by_default_and_accepts_only_when_asked() {
        let down = Arc::new(Down::default());
        let wh = at(T).replay_store(down.clone());
        let err = wh.verify_now(&known_headers(), BODY).unwrap_err();
        assert_eq!(
            err,
            WebhookError::ReplayStoreUnavailable(ReplayStoreError::Unreachable)
        );
        assert_eq!(err.reason(), "webhook-replay-store-unavailable");
        assert_eq!(err.to_string(), "webhook replay store is unavailable");
        let source = std::error::Error::source(&err).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("replay store cannot be reached"));
        // A forged message never reaches the store.
        let forged = headers("msg_forged", "1700000000", "v1,AAAA");
        assert_eq!(
            wh.verify_now(&forged, BODY).unwrap_err(),
            WebhookError::NoMatchingSignature
        );
        assert_eq!(down.0.load(std::sync::atomic::Ordering::SeqCst), 1);

        let lenient = wh.on_replay_store_failure(ReplayStoreFailure::AcceptWithWarning);
        let msg = lenient.verify_message_now(&known_headers(), BODY).unwrap();
        assert_eq!(
            msg.replay,
            ReplayStatus::StoreFailed(ReplayStoreError::Unreachable)
        );
        assert_eq!(
            lenient.verify_now(&known_headers(), BODY).unwrap().event_type,
            EventType::UserCreated
        );
        assert!(format!("{lenient:?}").contains("AcceptWithWarning"));
    }

    #[test]
    fn the_store_is_given_the_namespace_id_timestamps_and_tolerance() {
        let recording = Arc::new(Recording::default());
        let wh = at(T + 7)
            .tolerance(Duration::from_secs(60))
            .replay_store(recording.clone());
        assert!(wh.verify_now(&known_headers(), BODY).is_ok());
        let seen = recording.0.lock().unwrap().clone();
        assert_eq!(
            seen,
            vec![(
                wh.replay_namespace().to_owned(),
                "msg_test".to_owned(),
                T,
                T + 7,
                Duration::from_secs(60)
            )]
        );
    }

    #[test]
    fn the_namespace_is_a_short_digest_of_the_key_never_the_secret() {
        let wh = at(T);
        let ns = wh.replay_namespace();
        assert_eq!(ns.len(), 16);
        assert!(
            ns.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            "{ns}"
        );
        // SHA-256 of the bytes 1..=24, the key of SECRET.
        assert_eq!(ns, "91a306446e73d07e");
        assert!(!"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY".contains(ns));
        // Clones and the same secret share it; another secret does not.
        assert_eq!(wh.clone().replay_namespace(), ns);
        assert_eq!(Webhook::new(SECRET).unwrap().replay_namespace(), ns);
        let other = Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_ne!(other.replay_namespace(), ns);
    }

    #[test]
    fn the_async_paths_are_send() {
        fn send<T: Send>(_: &T) {}
        let wh = at(T);
        let h = known_headers();
        send(&wh.verify(&h, BODY));
        send(&wh.verify_message(&h, BODY));
    }

    #[test]
    fn fractional_and_other_non_integer_timestamps_are_refused() {
        let wh = at(T);
        for ts in [
            "1700000000.123",
            "1700000000abc",
            "+1700000000",
            "-1",
            "1.7e9",
            "0x6553f100",
            "１７００００００００",
            "99999999999999999999",
        ] {
            let err = wh.verify_now(&headers("msg_test", ts, KNOWN), BODY).unwrap_err();
            assert_eq!(err, WebhookError::InvalidTimestamp, "{ts}");
            assert_eq!(err.reason(), "webhook-timestamp-invalid");
        }
        // Leading zeros are the same integer, and the parsed integer is what is signed.
        assert!(
            wh.verify_now(&headers("msg_test", "01700000000", KNOWN), BODY)
                .is_ok()
        );
    }

    #[test]
    fn secret_errors() {
        for secret in [
            "",
            "   ",
            "whsec_",
            "whsec_not base64!",
            "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY=",
            "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhc",
            "whsec_-_-_",
            "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFh-_",
            "whsec_AQ",
            "whsec_AR==",
            "whsec_whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY",
        ] {
            let err = Webhook::new(secret).unwrap_err();
            assert_eq!(err, WebhookError::InvalidSecret, "{secret:?}");
            assert_eq!(err.reason(), "webhook-secret-invalid");
            if !secret.trim().is_empty() && secret != "whsec_" {
                assert!(!err.to_string().contains(secret));
            }
        }
        assert_eq!(Webhook::from_bytes(&[]).unwrap_err(), WebhookError::InvalidSecret);
        // Surrounding whitespace (a trailing newline from a file) is ignored.
        assert!(Webhook::new(&format!(" {SECRET}\n")).is_ok());
        assert!(Webhook::new("whsec_AQ==").is_ok());
    }

    #[test]
    fn from_config_uses_the_configured_secret_and_clock() {
        let config = ClerkConfig::builder()
            .secret_key("sk_test_unused")
            .webhook_signing_secret(SECRET)
            .clock(FixedClock::new(u64::try_from(T).unwrap() * 1000))
            .build()
            .unwrap();
        let wh = Webhook::from_config(&config).unwrap();
        assert!(wh.verify_now(&known_headers(), BODY).is_ok());

        let none = ClerkConfig::builder()
            .secret_key("sk_test_unused")
            .build()
            .unwrap();
        let err = Webhook::from_config(&none).unwrap_err();
        assert_eq!(err, WebhookError::MissingSecret);
        assert_eq!(err.reason(), "webhook-secret-missing");
        let bad = ClerkConfig::builder()
            .secret_key("sk_test_unused")
            .webhook_signing_secret("whsec_???")
            .build()
            .unwrap();
        assert_eq!(
            Webhook::from_config(&bad).unwrap_err(),
            WebhookError::InvalidSecret
        );
    }

    #[test]
    fn debug_and_display_never_show_the_secret() {
        let wh = at(T).replay_store(Arc::new(InMemoryReplayStore::new(8)));
        let debug = format!("{wh:?}");
        assert!(debug.contains("[redacted]"));
        assert!(!debug.contains("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY"));
        assert!(!debug.contains("[1, 2, 3"));
        assert!(debug.contains("InMemoryReplayStore"));
        let errors = [
            WebhookError::MissingSecret,
            WebhookError::InvalidSecret,
            WebhookError::MissingHeaders(vec!["svix-id"]),
            WebhookError::InvalidHeader("svix-signature"),
            WebhookError::InvalidTimestamp,
            WebhookError::TimestampTooOld { timestamp: 1, now: 2 },
            WebhookError::TimestampTooNew { timestamp: 2, now: 1 },
            WebhookError::NoMatchingSignature,
            WebhookError::BodyTooLarge { len: 2, limit: 1 },
            WebhookError::Replayed,
            WebhookError::ReplayStoreUnavailable(ReplayStoreError::Timeout(Duration::from_millis(500))),
            WebhookError::InvalidPayload(PayloadError::MissingType),
        ];
        for err in &errors {
            let text = err.to_string();
            assert!(!text.contains("AQIDBAUG"));
            assert!(text.chars().next().is_some_and(|c| c.is_lowercase()), "{text}");
            assert!(!text.ends_with('.'), "{text}");
        }
    }

    /// Reason strings are API: this table pins every one.
    #[test]
    fn reasons_are_pinned() {
        let table = [
            (WebhookError::MissingSecret, "webhook-secret-missing"),
            (WebhookError::InvalidSecret, "webhook-secret-invalid"),
            (WebhookError::MissingHeaders(vec![]), "webhook-headers-missing"),
            (WebhookError::InvalidHeader("svix-id"), "webhook-header-invalid"),
            (WebhookError::InvalidTimestamp, "webhook-timestamp-invalid"),
            (
                WebhookError::TimestampTooOld { timestamp: 0, now: 0 },
                "webhook-timestamp-too-old",
            ),
            (
                WebhookError::TimestampTooNew { timestamp: 0, now: 0 },
                "webhook-timestamp-too-new",
            ),
            (WebhookError::NoMatchingSignature, "webhook-no-matching-signature"),
            (
                WebhookError::BodyTooLarge { len: 0, limit: 0 },
                "webhook-body-too-large",
            ),
            (WebhookError::Replayed, "webhook-replayed"),
            (
                WebhookError::ReplayStoreUnavailable(ReplayStoreError::Unreachable),
                "webhook-replay-store-unavailable",
            ),
            (
                WebhookError::InvalidPayload(PayloadError::NotAnObject),
                "webhook-payload-invalid",
            ),
        ];
        for (err, reason) in table {
            assert_eq!(err.reason(), reason);
        }
    }

    #[test]
    fn timestamp_and_signature_parsers() {
        assert_eq!(parse_timestamp("0"), Ok(0));
        assert_eq!(parse_timestamp("9223372036854775807"), Ok(i64::MAX));
        assert_eq!(
            parse_timestamp("9223372036854775808"),
            Err(WebhookError::InvalidTimestamp)
        );
        assert_eq!(parse_timestamp(""), Err(WebhookError::InvalidTimestamp));
        let sigs: Vec<&[u8]> = v1_signatures("v1,a v2,b  v1,c,d x v1,").collect();
        assert_eq!(sigs, vec![&b"a"[..], b"c,d", b""]);
    }
}
