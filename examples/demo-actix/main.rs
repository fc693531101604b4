//! `demo-actix`: the demo API on actix-web, with the axum demo's routes, local mode, printed
//! commands and answers.
//!
//! Run `cargo run --example demo-actix` (add `-- --help` for options). The logic lives in
//! [`clerk_examples::demo`], shared with `demo`; this file only picks the framework. actix-web
//! 4 runs on the Tokio runtime `#[tokio::main]` starts.

use std::process::ExitCode;

use clerk_examples::demo::{self, Framework};

#[tokio::main]
async fn main() -> ExitCode {
    demo::main(Framework::Actix).await
}
