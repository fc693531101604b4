//! The webhook route's replay store: Redis when `REDIS_URL` is set, so that every demo
//! instance pointing at the same server refuses a message another one already accepted;
//! otherwise the in-memory store of [`super::with_replay_store`], which only this process
//! sees.

use std::sync::Arc;

use clerk_sdk::webhook::{RedisReplayStore, Webhook};

use super::DemoError;

/// The variable naming the shared replay store, e.g. `redis://127.0.0.1:6379`.
pub const REDIS_URL: &str = "REDIS_URL";

/// Which replay store the webhook route uses.
#[derive(Debug, Clone)]
pub enum ReplayChoice {
    /// The in-memory store, this process only (`REDIS_URL` unset).
    InMemory,
    /// A Redis server shared by every instance that uses it.
    Redis(RedisReplayStore),
}

impl ReplayChoice {
    /// [`ReplayChoice::Redis`] connected to `REDIS_URL` when it is set and not blank, else
    /// [`ReplayChoice::InMemory`].
    ///
    /// # Errors
    /// [`DemoError::ReplayStore`] when `REDIS_URL` is not a usable address, or the server
    /// does not answer (the demo refuses to start rather than run unprotected);
    /// [`DemoError::Usage`] when it is not UTF-8.
    pub async fn from_env() -> Result<Self, DemoError> {
        match std::env::var(REDIS_URL) {
            Ok(url) if !url.trim().is_empty() => Self::connect(url.trim()).await,
            Ok(_) | Err(std::env::VarError::NotPresent) => Ok(ReplayChoice::InMemory),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(DemoError::Usage(format!("{REDIS_URL} must be valid UTF-8")))
            }
        }
    }

    /// [`ReplayChoice::Redis`] connected to `url`.
    ///
    /// # Errors
    /// [`DemoError::ReplayStore`] as [`RedisReplayStore::connect`].
    pub async fn connect(url: &str) -> Result<Self, DemoError> {
        RedisReplayStore::connect(url)
            .await
            .map(ReplayChoice::Redis)
            .map_err(DemoError::ReplayStore)
    }

    /// `webhook` with this store (an in-memory choice keeps the store it has).
    pub fn apply(&self, webhook: Webhook) -> Webhook {
        match self {
            ReplayChoice::InMemory => webhook,
            ReplayChoice::Redis(store) => webhook.replay_store(Arc::new(store.clone())),
        }
    }

    /// The banner's line: which store, and the Redis address without its password.
    pub fn banner_line(&self) -> String {
        match self {
            ReplayChoice::InMemory => {
                "Webhook replay store: in-memory (this process only; set REDIS_URL to share \
                                       it between instances)\n"
                    .to_owned()
            }
            ReplayChoice::Redis(store) => format!(
                "Webhook replay store: Redis at {} (shared by every instance using it)\n",
                store.endpoint()
            ),
        }
    }
}
