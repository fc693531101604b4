//! The demo API (`cargo run --example demo`): an axum service protected by
//! `clerk-sdk`, the README's main command; `cargo run --example demo-actix` serves the same
//! API on actix-web ([`Framework`]).
//!
//! The logic lives here, in the library, so that the binary (`examples/demo/main.rs`) and the
//! end-to-end tests (`tests/demo_*.rs`) run the same code: [`app`] builds the service,
//! [`serve`] runs it on a listener until a shutdown future resolves, [`LocalMode`] holds the
//! generated key pair and the curl commands printed in local development mode, and [`Cli`]
//! reads the command line. The Lambda example (`examples/lambda/main.rs`) serves the same
//! router, from [`Mode::configured_from_env`] and [`app_from_env`].
//!
//! One file per job: `routes` (the axum router and its handlers), `actix_routes` (the same
//! routes on actix-web), `answers` (what the routes answer, shared by both), `backend` (the
//! two routes that call the Backend API, the answers to its failures, and local mode's local
//! Clerk), `local` (local development mode: tokens, commands and the banner), `cli`
//! (arguments, `PORT`, the choice of mode and of framework), `entry` (the binaries' `main`:
//! logging, command line, Ctrl-C).
//!
//! Routes:
//!
//! | route | who may call | answer |
//! |---|---|---|
//! | `GET /public` | anyone | `{"message"}` |
//! | `GET /me` | any signed-in session | `{"user_id", "org_id", "org_role"}` |
//! | `GET /admin` | a session whose org role is `org:admin` | `{"message", "user_id", "org_id"}` |
//! | `GET /machine` | an m2m token | `{"machine_id", "token_type"}` |
//! | `GET /either` | a session or an m2m token | `{"caller": "session", "user_id"}` or `{"caller": "machine", "machine_id"}` |
//! | `GET /me/profile` | any signed-in session | `{"user_id", "name", "email_address"}`, from the Backend API |
//! | `GET /admin/members` | a session whose org role is `org:admin` | `{"org_id", "total_count", "members": [{"user_id", "role", "identifier"}]}`, from the Backend API |
//! | `POST /webhooks/clerk` | Clerk: a webhook signed with the signing secret, not seen before | `{"received": "<event type>"}` |
//!
//! Everything else on the token routes is answered by `clerk-sdk`'s rejection: 401, 403 or 503
//! with `WWW-Authenticate`, `x-clerk-auth-*` headers and a `{"error", "reason", "message"}`
//! body. The webhook route exists when a signing secret is available
//! (`CLERK_WEBHOOK_SIGNING_SECRET`, or one generated in local mode) and refuses with
//! `ClerkWebhook`'s rejection: 400, 401, 413, or 503 when the replay store (Redis with
//! `REDIS_URL`, see [`ReplayChoice`]) cannot answer, with the same body and no headers.

mod actix_routes;
mod answers;
mod backend;
mod cli;
mod entry;
mod local;
mod replay;
mod routes;

pub use actix_routes::{actix_routes, serve_actix};
pub use backend::{ApiFailure, MEMBERS_PAGE, members_of, profile_of, start_local_clerk};
pub use cli::{Cli, DEFAULT_PORT, Framework, Mode, USAGE, clerk_env_present};
pub use entry::main;
pub use local::{
    DemoCommand, DemoToken, LocalMode, TOKEN_LIFETIME, WEBHOOK_BODY, WEBHOOK_MESSAGE_ID,
    WRONG_AUTHORIZED_PARTY,
};
pub use replay::{REDIS_URL, ReplayChoice};
pub use routes::{
    ADMIN_ROLE, AppState, WEBHOOK_PATH, WEBHOOK_REPLAY_CAPACITY, app, router, with_replay_store,
};

use std::fmt;
use std::future::Future;
use std::io::{IsTerminal as _, Write};
use std::net::{Ipv4Addr, SocketAddr};

use clerk_sdk::webhook::Webhook;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// The whole demo on `framework`: listens on `127.0.0.1:<port>`, picks the [`Mode`] from the
/// environment, the webhook route's replay store too ([`ReplayChoice::from_env`]: Redis with
/// `REDIS_URL`), writes its banner to `out`, and serves until `shutdown` resolves. Both
/// frameworks serve the same routes with the same answers and print the same banner.
///
/// # Errors
/// [`DemoError::Listen`] when the port cannot be bound, the [`Mode::from_env`] and
/// [`ReplayChoice::from_env`] errors, and [`DemoError::Io`] when the server fails.
pub async fn run(
    framework: Framework,
    port: u16,
    out: &mut (dyn Write + Send),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), DemoError> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| DemoError::Listen(addr, e))?;
    let addr = listener.local_addr()?;
    let mode = Mode::from_env(addr)?.start_local_clerk().await?;
    let (webhook, replay) = webhook_from_env(&mode).await?;
    // The banner is a convenience: a closed stdout must not stop the server.
    let _ = out.write_all(mode.banner(&format!("http://{addr}")).as_bytes());
    if let Some(replay) = &replay {
        let _ = out.write_all(format!("\n{}", replay.banner_line()).as_bytes());
    }
    let _ = out.flush();
    tracing::info!(
        %addr,
        framework = framework.name(),
        local = matches!(mode, Mode::Local(_)),
        webhooks = mode.webhook().is_some(),
        "demo listening"
    );
    let clerk = mode.clerk().clone();
    match framework {
        Framework::Axum => serve(listener, app(clerk, webhook), shutdown).await?,
        Framework::Actix => serve_actix(listener.into_std()?, clerk, webhook, shutdown).await?,
    }
    tracing::info!("demo stopped");
    Ok(())
}

/// The demo's router ([`app`]) for `mode`, its webhook route (if any) refusing replays with
/// the store [`ReplayChoice::from_env`] picks (Redis with `REDIS_URL`), and that choice
/// (`None` without a webhook route).
///
/// # Errors
/// The [`ReplayChoice::from_env`] errors.
pub async fn app_from_env(mode: &Mode) -> Result<(axum::Router, Option<ReplayChoice>), DemoError> {
    let (webhook, replay) = webhook_from_env(mode).await?;
    Ok((app(mode.clerk().clone(), webhook), replay))
}

/// `mode`'s webhook verifier (if any) with the replay store [`ReplayChoice::from_env`] picks,
/// and that choice (`None` without a webhook route): what either framework's routes take.
async fn webhook_from_env(mode: &Mode) -> Result<(Option<Webhook>, Option<ReplayChoice>), DemoError> {
    Ok(match mode.webhook() {
        Some(webhook) => {
            let replay = ReplayChoice::from_env().await?;
            (Some(replay.apply(webhook.clone())), Some(replay))
        }
        None => (None, None),
    })
}

/// Sends the binary's log to stderr, filtered by `RUST_LOG` (default `info,clerk_sdk=debug`).
/// With `timestamps`, each line starts with the time and is coloured when stderr is a terminal;
/// without, lines carry neither, for a log service that timestamps them itself (AWS Lambda's
/// CloudWatch Logs).
pub fn init_logging(timestamps: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,clerk_sdk=debug"));
    let log = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if timestamps {
        log.with_ansi(std::io::stderr().is_terminal()).init();
    } else {
        log.with_ansi(false).without_time().init();
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets in-flight requests finish
/// (graceful shutdown).
///
/// # Errors
/// The I/O error that stopped the server.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// Why the demo could not start. Never contains a token or a secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum DemoError {
    /// A bad command line or `PORT` value.
    Usage(String),
    /// The Clerk settings in the environment were refused.
    Config(clerk_sdk::ConfigError),
    /// Local mode could not generate its key pair or sign a token.
    TestKit(clerk_sdk::testing::TestKitError),
    /// `CLERK_WEBHOOK_SIGNING_SECRET` was refused, or local mode could not sign its sample
    /// webhook.
    Webhook(clerk_sdk::webhook::WebhookError),
    /// The system's random source failed (local mode's webhook secret).
    Random,
    /// Local mode's in-process local Clerk could not start.
    LocalClerk(String),
    /// `REDIS_URL` was refused, or the Redis server there did not answer.
    ReplayStore(clerk_sdk::webhook::ReplayStoreError),
    /// The listener could not be bound to this address.
    Listen(SocketAddr, std::io::Error),
    /// The server failed.
    Io(std::io::Error),
}

impl fmt::Display for DemoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DemoError::Usage(message) => write!(f, "{message} (try --help)"),
            DemoError::Config(e) => write!(f, "the Clerk settings in the environment were refused: {e}"),
            DemoError::TestKit(e) => write!(f, "local mode could not make its tokens: {e}"),
            DemoError::Webhook(e) => write!(
                f,
                "the webhook settings (CLERK_WEBHOOK_SIGNING_SECRET) were refused: {e} (reason: {})",
                e.reason()
            ),
            DemoError::Random => {
                f.write_str("local mode could not generate its webhook secret: no randomness")
            }
            DemoError::LocalClerk(why) => write!(f, "local mode could not start its local Clerk: {why}"),
            DemoError::ReplayStore(e) => write!(
                f,
                "the webhook replay store (REDIS_URL) cannot be used: {e} (reason: {})",
                e.reason()
            ),
            DemoError::Listen(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
            DemoError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for DemoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DemoError::Usage(_) | DemoError::Random | DemoError::LocalClerk(_) => None,
            DemoError::Config(e) => Some(e),
            DemoError::TestKit(e) => Some(e),
            DemoError::Webhook(e) => Some(e),
            DemoError::ReplayStore(e) => Some(e),
            DemoError::Listen(_, e) | DemoError::Io(e) => Some(e),
        }
    }
}

impl From<clerk_sdk::ConfigError> for DemoError {
    fn from(e: clerk_sdk::ConfigError) -> Self {
        DemoError::Config(e)
    }
}

impl From<clerk_sdk::testing::TestKitError> for DemoError {
    fn from(e: clerk_sdk::testing::TestKitError) -> Self {
        DemoError::TestKit(e)
    }
}

impl From<clerk_sdk::webhook::WebhookError> for DemoError {
    fn from(e: clerk_sdk::webhook::WebhookError) -> Self {
        DemoError::Webhook(e)
    }
}

impl From<std::io::Error> for DemoError {
    fn from(e: std::io::Error) -> Self {
        DemoError::Io(e)
    }
}
