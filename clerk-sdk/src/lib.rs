#![doc = include_str!("../../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]
#![doc(test(attr(deny(warnings))))]
//!
//! # The API at a glance
//!
//! The crate root holds what most applications touch: [`Clerk`] (the handle), [`ClerkConfig`]
//! (its settings), [`RequestState`] and [`Auth`] (the outcome of a request), [`SessionAuth`] and
//! [`MachineAuth`] (who the caller is), [`Has`] (Clerk's `has()` checks), [`TokenType`] and
//! [`AcceptsToken`] (which credentials a route admits) and the error types. Everything else
//! lives in a named module:
//!
//! - [`api`]: the Backend API client ([`api::BackendApi`], from [`Clerk::api`]): users,
//!   organizations, memberships, invitations and sessions, one error type and one policy for
//!   timeouts, retries and rate limiting;
//! - [`auth`]: the parts of an outcome (why a request is signed out, its [`auth::ReasonClass`],
//!   route requirements and denials, reverification);
//! - [`config`]: the builder, defaults, environment variable names and the JWKS cache policy;
//! - [`keys`]: PEM keys, publishable keys, the secret key type and key-fetch errors;
//! - [`token`]: token types, detection, and the session-token error;
//! - [`webhook`]: webhook verification, replay protection and the typed event data;
//! - [`clock`]: the clock time checks read, injectable for tests;
//! - `axum` (feature `axum`), `actix` (feature `actix`), `testing` (feature `testing`) and
//!   [`dangerous`] (decoding without verifying, for debugging tools).
//!
//! # Layout
//!
//! Each module has one job, and imports run one way: from the handle down to the parsers.
//!
//! - `clerk` ([`Clerk`]) owns the config and one `auth::Authenticator`; it has no request
//!   logic of its own.
//! - Adapters (`axum`, `actix`) turn a [`RequestState`] into framework answers through
//!   `policy` ([`auth::Requirement`], [`auth::Denial`]) and one shared `rejection` builder
//!   (status, headers, body); they contain no verification rule and cannot answer differently.
//!   `#[clerk_protected]`'s guard is one framework-neutral type (`protected`) that each
//!   adapter makes its framework's extractor.
//! - `auth` decides a request: it finds the credential (`token::extract`), detects its type
//!   (`token`), consults the verified-token cache (`token_cache`), verifies session tokens
//!   (`token::session`) and machine tokens (`machine`) with keys from one `key_source` (the PEM
//!   key, or `jwks`, the per-instance key cache), and reads claims (`claims`,
//!   `authorization`).
//! - `transport` is the one HTTP client that talks to Clerk's Backend API (JWKS, machine
//!   verification and the `api` client share its connection pool); `api` builds each typed
//!   call from one table of operations and sends it under its policy; `config` validates every setting once and builds
//!   it.
//! - The parsers at the bottom (`token::jwt`, `token::payload`, `jwt_key`, `publishable_key`,
//!   `claims`) import nothing above them; `webhook` stands beside verification and reads only
//!   the config (its signing secret) and the clock. Each error type lives with the code that raises it,
//!   and every refusal reason knows its [`auth::ReasonClass`], so no decision compares strings.

//!
//! # wasm32 (Cloudflare Workers and other JavaScript hosts)
//!
//! Build with `default-features = false, features = ["rust-crypto"]` for
//! `wasm32-unknown-unknown`: aws-lc-rs has no wasm32 build, and no TLS feature is needed
//! there (the host's `fetch` does TLS). What works there: [`ClerkConfig`] built with its
//! builder or [`config::ClerkConfigBuilder::from_lookup`] (from the Worker's env bindings),
//! [`Clerk::verify_token`], [`Clerk::authenticate_request`] over `http` types, claims,
//! [`Has`], the token cache, [`webhook::Webhook`] with the in-memory replay store, machine
//! tokens through the Backend API, and the JWKS cache. Time comes from the host: the default
//! clock reads `Date.now()`, retry delays use `setTimeout`, and a shared JWKS fetch is driven
//! by the requests that await it (no task is spawned). RS256 signatures are checked by the
//! host's WebCrypto (`crypto.subtle.verify`, each key imported once), with RustCrypto as the
//! fallback when the host has none. Futures there are not `Send`.
//!
//! Absent on wasm32, because the platform cannot provide them: the `from_env` constructors
//! (no process environment), the Backend API client (`api`), and the features `axum`,
//! `actix`, `macros`, `testing` and `redis` (sockets, threads and `Send` futures), which fail
//! the build with a compile error there rather than trap at run time.

#[cfg(all(
    target_arch = "wasm32",
    any(feature = "axum", feature = "actix", feature = "testing", feature = "redis")
))]
compile_error!(
    "clerk-sdk: the `axum`, `actix`, `macros`, `testing` and `redis` features need sockets, threads \
     or Send futures, which wasm32 does not have; build for wasm32 with \
     `--no-default-features --features rust-crypto`"
);

#[cfg(feature = "actix")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
pub mod actix;
#[cfg(any(feature = "axum", feature = "actix"))]
mod adapter;
#[cfg(not(target_arch = "wasm32"))]
pub mod api;
mod authorization;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod claims;
mod clerk;
pub mod clock;
pub mod config;
mod crypto;
pub mod dangerous;
mod jwks;
mod jwt_key;
mod key_source;
pub mod keys;
mod machine;
#[cfg(feature = "macros")]
// With `macros` but no framework feature no adapter uses the guard yet (the attribute is
// unusable until one is on).
#[cfg_attr(not(any(feature = "axum", feature = "actix")), allow(dead_code))]
mod protected;
mod rejection;
pub mod response;

mod publishable_key;
mod reason;
mod secret;
mod timer;
pub mod token;
mod token_cache;
mod transport;
pub mod webhook;

pub mod auth;

#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

#[cfg(feature = "__fuzz")]
#[doc(hidden)]
pub mod fuzz_api;

#[doc(inline)]
pub use auth::{Auth, Has, MachineAuth, MachineTokenError, RequestState, SessionAuth};
pub use clerk::Clerk;
#[doc(inline)]
pub use config::{ClerkConfig, ConfigError};
#[doc(inline)]
pub use token::{AcceptsToken, SessionVerifyError, TokenType};

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
    pub use crate::auth::{Reverification, ReverificationLevel};
    #[cfg(feature = "axum")]
    pub use crate::axum::guard::ClerkState;
    pub use crate::protected::{Accepts, Guard, Policy};
    pub use crate::token::TokenType;
}
