//! How fast the SDK authenticates a request, measured against the cost it cannot avoid: one
//! RSA-2048 signature verification. Every figure comes from one run of this binary:
//!
//! ```text
//! cargo bench -p clerk-sdk --bench authenticate
//! ```
//!
//! Each benchmark reports time per iteration and throughput (`elem/s`, one element = one
//! operation):
//!
//! - `authenticate_request/no_cache`: [`Clerk::authenticate_request`] with the token cache off,
//!   on an `http::Request` carrying `Authorization: Bearer <token>`: a valid RS256 session
//!   token with v1 organization claims and an `azp` the config accepts. The whole per-request
//!   path: header extraction, base64url and JSON decoding, token type detection, signature
//!   verification, claim checks and building the signed-in [`SessionAuth`].
//! - `authenticate_request/cached`: the same request through a `Clerk` with the token cache on
//!   (the default), the token already cached: SHA-256 of the token, a cache lookup, the key
//!   identity check, the time checks and building the [`SessionAuth`].
//! - `authenticate_request/cached_then_read`: `cached`, then what a handler typically reads:
//!   `user_id()`, `org_id()`, `org_role()` and `has(role)`.
//! - `authenticate_request/warm_jwks`: the `no_cache` request through a `Clerk` in JWKS mode (no
//!   JWT key) whose key cache was warmed from a loopback `MockClerkApi`, token cache off.
//! - `rsa2048_verify/raw_parsed_key`: the floor. The same token's signature checked directly
//!   with the crypto backend the crate was built with (aws-lc-rs' `ParsedPublicKey` by
//!   default, RustCrypto's `rsa::PublicKey` under `--no-default-features --features
//!   rust-crypto,testing`) against a public key parsed once, message and signature bytes
//!   prepared outside the loop. No SDK can verify this token with less work on that backend.
//! - `verify_token/valid`: [`Clerk::verify_token`] on the same token (it never uses the token
//!   cache).
//! - `webhook/verify_2kib`: [`Webhook::verify`] of a signed 2 KiB `user.updated` body.
//! - `has/role_and_permission`: [`SessionAuth::has`] with a role and a permission requirement
//!   on the session `no_cache` produces.
//!
//! # Reading the ratios
//!
//! ```text
//! signature path = thrpt(authenticate_request/no_cache) / thrpt(rsa2048_verify/raw_parsed_key)
//! cache speed-up = thrpt(authenticate_request/cached)   / thrpt(authenticate_request/no_cache)
//! ```
//!
//! Goals: the first at least 0.85 (at most about 18 % of extra time on top of the signature
//! check), the second at least 20. Compare the central estimates (the middle value of each
//! `time:` / `thrpt:` triple) from the same run, on an otherwise idle machine.
//!
//! # Notes
//!
//! The `async` methods complete without awaiting anything when the JWT key is configured
//! (networkless verification), so the benchmarks poll each future once with a no-op waker
//! instead of running an executor; a `Pending` result would be a bug and panics. The token is
//! minted at start-up with a one-hour lifetime, so it stays valid for the whole run, and every
//! benchmark's result is checked once before it is measured.

use std::error::Error;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clerk_sdk::testing::{MockClerkApi, TestKeys};
use clerk_sdk::{Clerk, ClerkConfig, Has, SessionAuth, webhook::Webhook};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// The origin the config accepts and the token names in `azp`.
const ORIGIN: &str = "https://app.example";
/// A user id shaped like Clerk's.
const USER_ID: &str = "user_2abcDEFghiJKLmnoPQRstuVWxyz";

/// Everything the benchmarks share, built once.
struct Fixture {
    /// Token cache off.
    clerk: Clerk,
    /// Token cache on, the token cached.
    cached_clerk: Clerk,
    role_check: Has,
    token: String,
    request: http::Request<()>,
    raw_key: raw::RawKey,
    /// `base64url(header) "." base64url(payload)`: the bytes the signature covers.
    signing_input: Vec<u8>,
    /// The decoded third part of the token.
    signature: Vec<u8>,
    session: SessionAuth,
    check: Has,
    /// A `Clerk` in JWKS mode whose cache is warm, and the runtime its mock API lives on.
    jwks_clerk: Clerk,
    webhook: Webhook,
    webhook_headers: http::HeaderMap,
    webhook_body: Vec<u8>,
    _runtime: tokio::runtime::Runtime,
    _mock: MockClerkApi,
}

/// Polls a future that must complete on its first poll (networkless verification never
/// awaits) and returns its output.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("networkless verification returned Pending: nothing may await"),
    }
}

/// Keys, config, a realistic session token and the request carrying it; checks that every
/// benchmarked operation succeeds before anything is measured.
fn fixture() -> Result<Fixture, Box<dyn Error>> {
    let keys = TestKeys::generate()?;
    if keys.bits() != 2048 {
        return Err(format!("expected a 2048-bit key, got {} bits", keys.bits()).into());
    }
    let clerk = Clerk::new(
        keys.config_builder()
            .authorized_party(ORIGIN)
            .token_cache_capacity(0)
            .build()?,
    );
    let cached_clerk = Clerk::new(keys.config_builder().authorized_party(ORIGIN).build()?);
    let token = keys
        .session(USER_ID)
        .authorized_party(ORIGIN)
        .org_v1("org_1", "acme", "org:admin", &["org:invoices:read"])
        .lifetime(Duration::from_secs(3600))
        .sign()?;

    let mut request = http::Request::new(());
    request
        .headers_mut()
        .insert(http::header::AUTHORIZATION, format!("Bearer {token}").parse()?);

    let state = ready(clerk.authenticate_request(&request));
    let session = state
        .auth()
        .session()
        .ok_or_else(|| {
            format!(
                "authenticate_request did not sign in: {}",
                state.message().unwrap_or_else(|| "pending session".to_owned())
            )
        })?
        .clone();
    if session.user_id() != USER_ID {
        return Err(format!("signed in as {:?}, not {USER_ID:?}", session.user_id()).into());
    }
    let role_check = Has::role("org:admin");
    for _ in 0..2 {
        let state = ready(cached_clerk.authenticate_request(&request));
        let cached = state
            .auth()
            .session()
            .ok_or("the token cache refused the token")?;
        if cached != &session || !cached.has(&role_check) || cached_clerk.cached_tokens() != 1 {
            return Err("the cached session differs from the verified one".into());
        }
    }
    let claims = ready(clerk.verify_token(&token))?;
    if claims.subject() != Some(USER_ID) {
        return Err("verify_token returned another subject".into());
    }
    let check = Has::role("org:admin").and_permission("org:invoices:read");
    if !session.has(&check) {
        return Err("the session does not have org:admin + org:invoices:read".into());
    }

    let raw_key = raw::RawKey::new(&keys.public_key_der()?)?;
    let (signing_input, signature) = token.rsplit_once('.').ok_or("the token has no signature part")?;
    let signing_input = signing_input.as_bytes().to_vec();
    let signature = URL_SAFE_NO_PAD.decode(signature)?;
    if !raw_key.verify(&signing_input, &signature) {
        return Err("raw RSA verification refused the token's signature".into());
    }

    // JWKS mode: keys from a loopback stand-in of the Backend API, fetched once here.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let (mock, jwks_clerk) = runtime.block_on(async {
        let mock = MockClerkApi::start("sk_test_bench").await?;
        mock.add_key(&keys);
        let jwks_clerk = Clerk::new(
            ClerkConfig::builder()
                .secret_key("sk_test_bench")
                .api_url(mock.url())
                .authorized_party(ORIGIN)
                .token_cache_capacity(0)
                .build()?,
        );
        let warm = jwks_clerk.authenticate_request(&request).await;
        if !warm.is_authenticated() {
            return Err::<_, Box<dyn Error>>(
                format!("JWKS mode did not sign in: {:?}", warm.reason_str()).into(),
            );
        }
        Ok((mock, jwks_clerk))
    })?;

    // A 2 KiB webhook, signed now and checked once.
    let secret = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY";
    let webhook = Webhook::new(secret)?;
    let padding = "x".repeat(2048 - 120);
    let webhook_body =
        format!(r#"{{"type":"user.updated","object":"event","data":{{"id":"user_1","bio":"{padding}"}}}}"#);
    let webhook_body = webhook_body.into_bytes();
    let now_s = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs(),
    )?;
    let webhook_headers = clerk_sdk::testing::sign_webhook(secret, "msg_bench", now_s, &webhook_body)?;
    ready(webhook.verify(&webhook_headers, &webhook_body))?;

    Ok(Fixture {
        webhook,
        webhook_headers,
        webhook_body,
        jwks_clerk,
        _runtime: runtime,
        _mock: mock,
        clerk,
        cached_clerk,
        role_check,
        token,
        request,
        raw_key,
        signing_input,
        signature,
        session,
        check,
    })
}

/// Registers every benchmark, so that one run gives all the figures.
fn authenticate(c: &mut Criterion) {
    let f = match fixture() {
        Ok(f) => f,
        Err(e) => panic!("benchmark setup failed: {e}"),
    };

    let mut group = c.benchmark_group("authenticate_request");
    group.throughput(Throughput::Elements(1));
    group.bench_function("no_cache", |b| {
        b.iter(|| ready(f.clerk.authenticate_request(black_box(&f.request))));
    });
    group.bench_function("cached", |b| {
        b.iter(|| ready(f.cached_clerk.authenticate_request(black_box(&f.request))));
    });
    group.bench_function("cached_then_read", |b| {
        b.iter(|| {
            let state = ready(f.cached_clerk.authenticate_request(black_box(&f.request)));
            let session = state.auth().session();
            session.map(|s| {
                let read = (s.user_id().len(), s.org_id(), s.org_role());
                black_box(read);
                s.has(&f.role_check)
            })
        });
    });
    // A warm cache answers without awaiting, so the same one-poll driver applies.
    group.bench_function("warm_jwks", |b| {
        b.iter(|| ready(f.jwks_clerk.authenticate_request(black_box(&f.request))));
    });
    group.finish();

    let mut group = c.benchmark_group("rsa2048_verify");
    group.throughput(Throughput::Elements(1));
    group.bench_function("raw_parsed_key", |b| {
        b.iter(|| {
            f.raw_key
                .verify(black_box(&f.signing_input), black_box(&f.signature))
        });
    });
    group.finish();

    let mut group = c.benchmark_group("verify_token");
    group.throughput(Throughput::Elements(1));
    group.bench_function("valid", |b| {
        b.iter(|| ready(f.clerk.verify_token(black_box(&f.token))));
    });
    group.finish();

    let mut group = c.benchmark_group("webhook");
    group.throughput(Throughput::Elements(1));
    group.bench_function("verify_2kib", |b| {
        b.iter(|| {
            ready(
                f.webhook
                    .verify(black_box(&f.webhook_headers), black_box(&f.webhook_body)),
            )
        });
    });
    group.finish();

    let mut group = c.benchmark_group("has");
    group.throughput(Throughput::Elements(1));
    group.bench_function("role_and_permission", |b| {
        b.iter(|| black_box(&f.session).has(black_box(&f.check)));
    });
    group.finish();
}

/// Short enough that a full run takes well under a minute once compiled.
fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = authenticate
}
criterion_main!(benches);

/// The floor's RSA key, parsed once by the crypto backend this build uses.
#[cfg(feature = "aws-lc")]
mod raw {
    use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256};

    pub(crate) struct RawKey(ParsedPublicKey);

    impl RawKey {
        pub(crate) fn new(spki_der: &[u8]) -> Result<Self, String> {
            ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, spki_der)
                .map(RawKey)
                .map_err(|e| format!("aws-lc-rs refused the public key: {e}"))
        }

        pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
            self.0.verify_sig(message, signature).is_ok()
        }
    }
}

/// The floor's RSA key, parsed once by the crypto backend this build uses.
#[cfg(not(feature = "aws-lc"))]
mod raw {
    use rsa::pkcs8::DecodePublicKey as _;

    pub(crate) struct RawKey(rsa::PublicKey);

    impl RawKey {
        pub(crate) fn new(spki_der: &[u8]) -> Result<Self, String> {
            rsa::PublicKey::from_public_key_der(spki_der)
                .map(RawKey)
                .map_err(|e| format!("rsa refused the public key: {e}"))
        }

        pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
            self.0
                .pkcs1v15_verify::<rsa::sha2::Sha256>(message, signature)
                .is_ok()
        }
    }
}
