//! The Backend API client over real HTTP on 127.0.0.1: the exact request of every typed
//! operation, errors, retries, timeouts, the rate limiter, path encoding and `list_all`.

mod errors;
mod list_all;
mod local_clerk;
mod reliability;
mod requests;
mod server;

use clerk_sdk::ClerkConfig;
use clerk_sdk::api::{ApiPolicy, BackendApi};

/// The secret key the test clients send.
pub const SECRET: &str = "sk_test_api_client_secret_0123456789";

/// A client for `server`, with quick retries so tests stay fast.
pub fn client(server: &server::Server) -> BackendApi {
    let config = ClerkConfig::builder()
        .secret_key(SECRET)
        .api_url(server.url.clone())
        .build()
        .unwrap();
    BackendApi::new(&config).with_policy(
        ApiPolicy::new()
            .backoff_base(std::time::Duration::from_millis(5))
            .backoff_max(std::time::Duration::from_millis(20)),
    )
}
