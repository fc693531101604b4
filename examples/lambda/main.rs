//! `lambda`: the demo's router (the one `cargo run --example demo` serves) on AWS Lambda,
//! through `lambda_http`, behind an API Gateway HTTP API or a Lambda function URL (payload
//! format 2.0).
//!
//! Lambda runs it as a custom runtime (`provided.al2023`): build it for the function's
//! architecture and ship the binary as `bootstrap` (the README's "Runtimes" section has the
//! commands). The Lambda runtime answers every request with the demo's answers: the same
//! status, `WWW-Authenticate`, `x-clerk-auth-*` headers and JSON bodies.
//!
//! It serves against your Clerk instance only, configured as the demo is:
//! `CLERK_JWT_KEY` (networkless: a cold start fetches no keys) or `CLERK_SECRET_KEY`,
//! `CLERK_AUTHORIZED_PARTIES`, and optionally `CLERK_WEBHOOK_SIGNING_SECRET` (the webhook
//! route) with `REDIS_URL` (a replay store that every instance of the function shares; without
//! it each instance remembers only the webhooks it received itself). The demo's local mode is
//! refused: every instance would generate its own key pair, so a token printed by one would
//! fail on the others.

use std::process::ExitCode;

use clerk_examples::demo::{self, Mode, clerk_env_present};
use clerk_sdk::config::env;

/// Set by Lambda to the host and port of the Runtime API; `lambda_http` polls it for events.
const RUNTIME_API: &str = "AWS_LAMBDA_RUNTIME_API";

#[tokio::main]
async fn main() -> ExitCode {
    // Lambda sends stderr to CloudWatch Logs, which timestamps every line and shows no colours.
    demo::init_logging(false);

    // Checked here because lambda_runtime panics without it.
    if std::env::var_os(RUNTIME_API).is_none() {
        return init_error(format_args!(
            "{RUNTIME_API} is not set: this binary runs on AWS Lambda \
             (`cargo run --example demo` serves the same API on this machine)"
        ));
    }
    if !clerk_env_present(|name| std::env::var(name).ok()) {
        return init_error(format_args!(
            "set {} (or {}) and {}: on Lambda the demo serves against your Clerk instance only",
            env::JWT_KEY,
            env::SECRET_KEY,
            env::AUTHORIZED_PARTIES
        ));
    }
    let mode = match Mode::configured_from_env() {
        Ok(mode) => mode,
        Err(e) => return init_error(e),
    };
    let (app, replay) = match demo::app_from_env(&mode).await {
        Ok(built) => built,
        Err(e) => return init_error(e),
    };
    let config = mode.clerk().config();
    tracing::info!(
        networkless = config.jwt_key().is_some(),
        authorized_parties = config.authorized_parties().len(),
        webhooks = mode.webhook().is_some(),
        "clerk-sdk demo ready on AWS Lambda"
    );
    if config.authorized_parties().is_empty() {
        tracing::warn!(
            "{} is not set, so the azp claim is not checked: set it to your frontend origins",
            env::AUTHORIZED_PARTIES
        );
    }
    if let Some(replay) = replay {
        tracing::info!("{}", replay.banner_line().trim_end());
    }

    match lambda_http::run(app).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the Lambda runtime stopped");
            ExitCode::FAILURE
        }
    }
}

/// Logs why the function cannot start and exits: Lambda reports the init failure
/// (`Runtime.ExitError`) with this line in the function's log.
fn init_error(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
