//! `demo`: an axum API protected by clerk-sdk, the README's main command.
//!
//! Run `cargo run --example demo` (add `-- --help` for options). The logic lives in
//! [`clerk_examples::demo`], shared with `demo-actix` (the same API on actix-web); this file
//! only picks the framework.

use std::process::ExitCode;

use clerk_examples::demo::{self, Framework};

#[tokio::main]
async fn main() -> ExitCode {
    demo::main(Framework::Axum).await
}
