//! Clerk's rejections as plain [`http::Response`]s, for servers and runtimes without an adapter
//! of their own (a Cloudflare Worker through the `worker` crate's `http` feature, a Lambda
//! handler, a hand-written hyper service).
//!
//! The answers are byte for byte those of the axum and actix-web adapters: the status (401,
//! 403, 503 or 500), `WWW-Authenticate` (RFC 6750), the `x-clerk-auth-status`,
//! `x-clerk-auth-reason` and `x-clerk-auth-message` headers, and a JSON body
//! `{"error", "reason", "message"}`. Nothing is logged here: the caller decides where logs go.
//!
//! ```
//! use clerk_sdk::auth::Requirement;
//! use clerk_sdk::{Clerk, response};
//!
//! async fn guard(clerk: &Clerk, request: &http::Request<()>) -> Result<(), http::Response<String>> {
//!     let requirement = Requirement::new(); // any signed-in session
//!     let state = clerk.authenticate_request_with(request, requirement.accepted()).await;
//!     requirement.check(&state).map_err(|denial| response::rejection(&denial))
//! }
//! # let _ = guard;
//! ```

use crate::auth::Denial;
use crate::rejection::{self, Answer};
use crate::webhook::WebhookError;

/// The answer to a request that does not meet a route's
/// [`Requirement`](crate::auth::Requirement): status, RFC 6750 `WWW-Authenticate`,
/// `x-clerk-auth-*` headers and the JSON body, as the framework adapters send it.
pub fn rejection(denial: &Denial) -> http::Response<String> {
    into_response(rejection::answer(denial))
}

/// The answer to a refused webhook: 400 (malformed), 401 (bad signature, stale or replayed),
/// 413 (too large), 500 (unusable secret) or 503 (replay store down), with the JSON body
/// `{"error", "reason", "message"}` and none of the token headers (a webhook carries no Clerk
/// token).
pub fn webhook_rejection(error: &WebhookError) -> http::Response<String> {
    into_response(rejection::webhook_answer(error))
}

fn into_response(answer: Answer) -> http::Response<String> {
    let mut response = http::Response::new(answer.body);
    *response.status_mut() = answer.status;
    response
        .headers_mut()
        .extend(answer.headers.into_iter().map(|(n, v)| (Some(n), v)));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Requirement;
    use crate::{Clerk, testing::TestKeys};

    #[tokio::test]
    async fn a_missing_token_gets_the_adapters_401() {
        let keys = TestKeys::generate().expect("keys");
        let clerk = Clerk::new(keys.config_builder().build().expect("config"));
        let request = http::Request::new(());
        let requirement = Requirement::new();
        let state = clerk
            .authenticate_request_with(&request, requirement.accepted())
            .await;
        let denial = requirement.check(&state).expect_err("no token");
        let response = rejection(&denial);
        assert_eq!(response.status(), 401);
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert_eq!(response.headers()["x-clerk-auth-status"], "signed-out");
        assert_eq!(response.headers()["x-clerk-auth-reason"], "session-token-missing");
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: serde_json::Value = serde_json::from_str(response.body()).expect("json");
        assert_eq!(body["reason"], "session-token-missing");
    }

    #[test]
    fn a_replayed_webhook_gets_401_without_token_headers() {
        let response = webhook_rejection(&WebhookError::Replayed);
        assert_eq!(response.status(), 401);
        assert!(response.headers().get("www-authenticate").is_none());
        assert!(response.headers().get("x-clerk-auth-status").is_none());
        let body: serde_json::Value = serde_json::from_str(response.body()).expect("json");
        assert_eq!(body["error"], "invalid_signature");
        assert_eq!(body["reason"], "webhook-replayed");
    }
}
