//! Code shared by the runnable examples of `clerk-sdk`.
//!
//! * [`demo`]: the demo API (`cargo run --example demo`), an axum service protected by
//!   `clerk-sdk`; `demo/main.rs` only adds logging, the command line and Ctrl-C, so the
//!   end-to-end tests in `tests/` serve the same router over real HTTP. The `lambda` example
//!   (`examples/lambda/main.rs`) serves that router on AWS Lambda, built by
//!   [`demo::app_from_env`] as the demo builds it.
//! * [`inspect`]: the logic of `clerk-inspect` (`cargo run --example clerk-inspect -- help`),
//!   kept in the library so that `tests/clerk_inspect.rs` can drive it without spawning a
//!   process. `clerk-inspect/main.rs` is a thin wrapper around [`inspect::run`].

pub mod demo;
pub mod inspect;
