//! The `main` of `cargo run --example demo` and `cargo run --example demo-actix`: logging,
//! the command line, and Ctrl-C, around [`super::run`].

use std::process::ExitCode;

use super::{Cli, Framework};

/// Runs the demo on `framework` until Ctrl-C: logs to stderr (`RUST_LOG`, default
/// `info,clerk_sdk=debug`), the banner and its curl commands to stdout. Exit status 2 for a
/// usage error, 1 when the demo cannot start or its server fails.
pub async fn main(framework: Framework) -> ExitCode {
    super::init_logging(true);

    let port_env = match std::env::var("PORT") {
        Ok(port) => Some(port),
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(_)) => return usage_error("PORT must be valid UTF-8"),
    };
    let Ok(args) = std::env::args_os()
        .skip(1)
        .map(|arg| arg.into_string())
        .collect::<Result<Vec<String>, _>>()
    else {
        return usage_error("arguments must be valid UTF-8");
    };
    let port = match Cli::parse(&args, port_env.as_deref()) {
        Ok(Cli::Serve { port }) => port,
        Ok(Cli::Help) => {
            print!("{}", framework.usage());
            return ExitCode::SUCCESS;
        }
        Err(e) => return usage_error(e),
    };
    match super::run(framework, port, &mut std::io::stdout(), shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage_error(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// Resolves on Ctrl-C; the server then finishes in-flight requests and exits.
async fn shutdown_signal() {
    if tokio::signal::ctrl_c().await.is_err() {
        // No signal handler: serve until killed.
        std::future::pending::<()>().await;
    }
    tracing::info!("Ctrl-C received, shutting down");
}
