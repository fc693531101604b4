//! `DecodedJwt::decode` and token-type detection on arbitrary bytes.
#![no_main]

use clerk_sdk::fuzz_api;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = fuzz_api::token_decode(data);
});
