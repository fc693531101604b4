#![doc = include_str!("../../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]
#![doc(test(attr(deny(warnings))))]
//!
//! # Differences from `@clerk/backend`
//!
//! Where this crate deliberately departs from Clerk's JavaScript SDK:
//!
//! 1. **PEM keys are parsed properly** (SPKI via a DER parser): 2048-bit RSA keys or larger,
//!    exponent 65537. Real newlines, the literal `\n` form of `.env` files and a header-less
//!    base64 body are all accepted.
//! 2. **Session tokens are RS256 only.** Any other `alg` is `token-invalid-algorithm`.
//! 3. **No secret key is needed** for networkless verification with a JWT key. A publishable
//!    key is optional (it enables the issuer pin and the cookie suffix).
//! 4. **`Bearer` is matched case-insensitively** (RFC 7235); a bare token is still accepted.
//! 5. **Clean reasons for time failures**: `token-expired`, `token-not-active-yet` and
//!    `token-iat-in-the-future`, not upstream's browser-refresh reasons.
//! 6. **An opaque machine token where only session tokens are accepted** is
//!    `token-type-mismatch` (upstream: `token-invalid`).
//! 7. **Audience is strict**: with an audience configured, a token without a matching `aud` is
//!    refused.
//! 8. **A malformed `fea` / `pla` element** is ignored, and checks that need it fail closed
//!    (upstream throws).
//! 9. **Configuration reads the environment itself** ([`ClerkConfig::from_env`]).
//! 10. **No credential at all** is `session-token-missing` (upstream walks the browser cookie
//!     flow); an empty `Authorization` value or a bare scheme is `token-invalid`.
//! 11. **Tokens are capped at 64 KiB** before any decoding (`token-invalid`).
//! 12. **Out of scope**: the browser handshake, satellite domains, proxy URLs, dev-browser
//!     cookies, telemetry and the refresh-cookie flow. The `__session` cookie is read as a
//!     plain token source.
//! 13. **The JWKS cache survives outages and floods** ([`JwksPolicy`]): one cache per
//!     [`Clerk`] (never process-global), a hard TTL, single-flight fetches, a throttle on
//!     unknown-`kid` refetches, a failure backoff, a bounded stale-while-error window, timeouts,
//!     and retries only for network errors, 5xx and 429 (never 401). Fetched key sets replace
//!     the cached one (upstream merges, so a removed key keeps verifying). When keys cannot be
//!     had the reason is `jwk-remote-failed-to-load` with a message saying why, never
//!     `unexpected-error` with an empty message. A token without `kid` is `jwk-kid-mismatch`
//!     without a fetch.
//! 14. **Machine answers are checked**: a `200` whose `revoked` or `expired` flag is set is
//!     `token-invalid`. JSON answers are accepted with parameters on the content type
//!     (`application/json; charset=utf-8`). Verify calls have a 5 s timeout. A JWT-format
//!     machine token whose keys cannot be fetched keeps `jwk-remote-failed-to-load` /
//!     `secret-key-invalid` (upstream: `token-verification-failed`), so that adapters fail
//!     closed with 503 rather than 401.
//! 15. **Webhooks** ([`Webhook`]) accept both `svix-*` and `webhook-*` header names, take the
//!     body as raw bytes, accept only integer-second timestamps, and return typed errors with
//!     stable reasons; a malformed secret is an error at construction.
//! 16. **Verified session tokens are cached** (upstream verifies every request): a token sent
//!     with many requests has its signature checked once. The cache is bounded (default
//!     [`DEFAULT_TOKEN_CACHE_CAPACITY`] tokens, [`ClerkConfigBuilder::token_cache_capacity`];
//!     0 turns it off), keyed by the SHA-256 of the token text (trailing `=` aside, which
//!     verification ignores too), filled only by
//!     [`Clerk::authenticate_request`] with tokens that passed every check, and never with a
//!     refusal. A hit still runs the time checks (so the same reasons come out at the same
//!     instants) and requires the token's `kid` to still resolve to the very key that verified
//!     it, so a key that leaves the JWKS, or keys past the stale window, stop cached tokens
//!     too. A cached session reads its common fields from the cached payload without parsing
//!     it; an entry takes about 215 bytes plus the token's decoded payload.
//!
//! # Layout
//!
//! One module per job: `config` (settings, validated once), `clerk` (the handle), `token`
//! (types, extraction, decoding in one validating pass, session verification), `token_cache`
//! (verified tokens),
//! `claims` (claims → org fields),
//! `authorization` (`has()`), `auth` (the request decision), `policy` (route requirements),
//! `jwks` (the key cache), `backend` (the Backend API client), `machine` (machine tokens),
//! `webhook`, `jwt_key` and `publishable_key` (key parsing), `error` (one enum per boundary),
//! `axum` (the framework adapter), `testing` (the test kit and `MockClerkApi`).

mod auth;
mod authorization;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;

mod claims;
mod clerk;
mod clock;
mod config;
pub mod dangerous;
mod error;
mod jwks;
mod jwt_key;
mod machine;
mod policy;
mod publishable_key;
mod reason;
mod secret;
mod token;
mod token_cache;
mod transport;
mod webhook;

#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

#[cfg(feature = "__fuzz")]
#[doc(hidden)]
pub mod fuzz_api;

pub use auth::{
    Auth, AuthStatus, RequestState, SessionAuth, SessionClaims, SignedOutAuth, SignedOutReason, TokenCarrier,
};
pub use authorization::{Has, ParseReverificationError, Reverification, ReverificationLevel};
pub use clerk::{Clerk, RequestHeaders};
pub use clock::{Clock, FixedClock, SystemClock};
pub use config::{
    ClerkConfig, ClerkConfigBuilder, DEFAULT_API_URL, DEFAULT_API_VERSION, DEFAULT_CLOCK_SKEW,
    DEFAULT_TOKEN_CACHE_CAPACITY, env,
};
pub use error::{AuthError, ConfigError, SessionVerifyError};
pub use jwks::{JwksError, JwksPolicy};
pub use jwt_key::{JwtKey, JwtKeyError};
pub use machine::{MachineAuth, MachineTokenError};
pub use policy::{Denial, DenialKind, Requirement};
pub use reason::ReasonClass;
pub use publishable_key::{InstanceType, PublishableKey, PublishableKeyError};
pub use secret::SecretKey;
pub use token::jwt::{MAX_TOKEN_LEN, MalformedToken};
pub use token::{AcceptsToken, TokenType, UnknownTokenType, detect_token_type};
pub use webhook::{
    DEFAULT_WEBHOOK_MAX_BODY_LEN, DEFAULT_WEBHOOK_TOLERANCE, DeletedObjectData, EmailAddressData, EventType,
    InMemoryReplayStore, OrganizationData, OrganizationInvitationData, OrganizationMembershipData,
    PayloadError, PhoneNumberData, PublicUserData, ReplayStore, SessionData, UserData, VerifiedMessage,
    Webhook, WebhookError, WebhookEvent,
};

#[cfg(feature = "macros")]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
pub use clerk_macros::clerk_protected;

/// What `#[clerk_protected]`'s expansion names (`::clerk_sdk::__private::…`).
///
/// Not public API: not covered by semver, changes with the macro in any release (clerk-sdk
/// pins clerk-macros to the exact same version). Never use it directly.
#[cfg(feature = "macros")]
#[doc(hidden)]
pub mod __private {
    pub use crate::axum::guard::{Accepts, ClerkState, Guard, Policy};
    pub use crate::{Reverification, ReverificationLevel, TokenType};
}
