//! The fixed verification key and `Clerk` the session targets share.

// Each target uses part of this module.
#![allow(dead_code)]

use std::sync::LazyLock;

use clerk_sdk::{Clerk, fuzz_api, keys::JwtKey};

/// The public half of the key that signed the seed tokens (`examples/seed_corpus.rs` writes both;
/// the private half is never kept).
pub const SESSION_PUBLIC_KEY: &str = include_str!("../../keys/session_public.pem");

/// `fuzz_api::session_clerk` with [`SESSION_PUBLIC_KEY`], built once per process.
pub static CLERK: LazyLock<Clerk> = LazyLock::new(|| {
    let key = JwtKey::from_pem(SESSION_PUBLIC_KEY).expect("fuzz/keys/session_public.pem is a valid key");
    fuzz_api::session_clerk(key).expect("the fuzz Clerk config is valid")
});

/// Panics if a request through the PEM path did not finish in one poll.
pub fn assert_finished(outcome: fuzz_api::Outcome) {
    assert_ne!(
        outcome,
        fuzz_api::Outcome::Pending,
        "authenticate_request waited on the PEM path"
    );
}
