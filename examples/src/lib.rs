//! Code shared by the runnable examples of `clerk-sdk`.
//!
//! * [`inspect`]: the logic of `clerk-inspect` (`cargo run --example clerk-inspect -- help`),
//!   kept in the library so that `tests/clerk_inspect.rs` can drive it without spawning a
//!   process. `clerk-inspect/main.rs` is a thin wrapper around [`inspect::run`].

pub mod inspect;
