//! The token cache's compact session against the parsed claims: for any payload JSON, every
//! accessor and `has()` answer agrees.
#![no_main]

mod common;

use std::sync::LazyLock;

use clerk_sdk::{fuzz_api, keys::JwtKey};
use libfuzzer_sys::fuzz_target;

static KEY: LazyLock<JwtKey> =
    LazyLock::new(|| JwtKey::from_pem(common::SESSION_PUBLIC_KEY).expect("fuzz/keys/session_public.pem"));

fuzz_target!(|data: &[u8]| {
    assert!(
        fuzz_api::cached_session(data, &KEY),
        "the cached session differs from the parsed one for {:?}",
        String::from_utf8_lossy(data)
    );
});
