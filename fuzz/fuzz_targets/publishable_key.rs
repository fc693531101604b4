//! `PublishableKey::parse` and what a valid key derives (Frontend API, issuer, cookie suffix).
#![no_main]

use clerk_sdk::fuzz_api;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = fuzz_api::publishable_key(data);
});
