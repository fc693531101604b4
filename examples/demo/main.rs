//! `demo`: an axum API protected by clerk-sdk, the README's main command.
//!
//! Run `cargo run --example demo` (add `-- --help` for options). The logic lives in
//! [`clerk_examples::demo`]; this file only sets up logging, reads the command line and waits
//! for Ctrl-C.

use std::process::ExitCode;

use clerk_examples::demo::{self, Cli, USAGE};

#[tokio::main]
async fn main() -> ExitCode {
    // Logs go to stderr; the banner and its curl commands go to stdout.
    demo::init_logging(true);

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
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => return usage_error(e),
    };
    match demo::run(port, &mut std::io::stdout(), shutdown_signal()).await {
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
