//! `clerk-inspect`: answers "why is this Clerk token (or webhook) rejected?".
//!
//! Run `cargo run --example clerk-inspect -- help` for usage. The logic lives in
//! [`clerk_examples::inspect`]; this file only connects it to the process.

use std::io::Write as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(arg) => args.push(arg),
            Err(_) => {
                // Never echo the argument: it may be a token.
                let _ = writeln!(std::io::stderr(), "error: arguments must be valid UTF-8");
                return ExitCode::from(clerk_examples::inspect::EXIT_USAGE);
            }
        }
    }
    let code = clerk_examples::inspect::run(args, &mut std::io::stdout(), &mut std::io::stderr());
    ExitCode::from(code)
}
