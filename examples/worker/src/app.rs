//! What the Worker keeps between requests: the `Clerk` (its token cache and imported keys) and
//! the webhook verifier (its replay store), built once per isolate from the env bindings.

use std::cell::OnceCell;
use std::env::VarError;
use std::rc::Rc;
use std::sync::Arc;

use clerk_sdk::config::ClerkConfigBuilder;
use clerk_sdk::webhook::{InMemoryReplayStore, Webhook, WebhookError};
use clerk_sdk::{Clerk, ConfigError};
use worker::Env;

/// How many webhook message ids an isolate remembers to refuse replays. An isolate's memory
/// is its own: a deployment with many isolates needs a shared store (a Durable Object) to
/// refuse a replay sent to another isolate.
pub(crate) const WEBHOOK_REPLAY_CAPACITY: usize = 10_000;

/// The Worker's per-isolate state.
#[derive(Debug)]
pub(crate) struct App {
    /// Verifies the token routes' requests.
    pub(crate) clerk: Clerk,
    /// Verifies `POST /webhooks/clerk`; `None` without `CLERK_WEBHOOK_SIGNING_SECRET`.
    pub(crate) webhook: Option<Webhook>,
}

thread_local! {
    // A Worker isolate runs one thread: the state lives as long as the isolate.
    static APP: OnceCell<Rc<App>> = const { OnceCell::new() };
}

impl App {
    /// This isolate's state, built from `env` on its first request. A setup error is not
    /// kept: the next request tries again.
    pub(crate) fn for_isolate(env: &Env) -> Result<Rc<App>, SetupError> {
        APP.with(|cell| {
            if let Some(app) = cell.get() {
                return Ok(Rc::clone(app));
            }
            let app = Rc::new(App::from_env(env)?);
            Ok(Rc::clone(cell.get_or_init(|| app)))
        })
    }

    fn from_env(env: &Env) -> Result<App, SetupError> {
        let config = config(env)?.build()?;
        let webhook = match Webhook::from_config(&config) {
            Ok(webhook) => {
                Some(webhook.replay_store(Arc::new(InMemoryReplayStore::new(WEBHOOK_REPLAY_CAPACITY))))
            }
            // No secret, no webhook route (as the demo); a secret that is set but unusable is
            // a setup error.
            Err(WebhookError::MissingSecret) => None,
            Err(error) => return Err(SetupError::Webhook(error)),
        };
        Ok(App {
            clerk: Clerk::new(config),
            webhook,
        })
    }
}

/// Why the Worker's bindings could not be turned into an [`App`].
#[derive(Debug)]
pub(crate) enum SetupError {
    /// The Clerk configuration was refused.
    Config(ConfigError),
    /// `CLERK_WEBHOOK_SIGNING_SECRET` is set but unusable.
    Webhook(WebhookError),
}

impl SetupError {
    /// The stable reason string (never a secret).
    pub(crate) fn reason(&self) -> &'static str {
        match self {
            SetupError::Config(error) => error.reason(),
            SetupError::Webhook(error) => error.reason(),
        }
    }
}

impl From<ConfigError> for SetupError {
    fn from(error: ConfigError) -> Self {
        SetupError::Config(error)
    }
}

/// A config builder preloaded from the Worker's bindings (secrets and plain-text vars alike).
/// The default clock reads the host's `Date.now()` on wasm32.
pub(crate) fn config(env: &Env) -> Result<ClerkConfigBuilder, ConfigError> {
    ClerkConfigBuilder::from_lookup(|name| binding(env, name))
}

/// The value of a secret or a plain-text var named `name`, as `std::env::var` would answer.
fn binding(env: &Env, name: &str) -> Result<String, VarError> {
    env.secret(name)
        .or_else(|_| env.var(name))
        .map(|value| value.to_string())
        .map_err(|_| VarError::NotPresent)
}
