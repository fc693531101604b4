//! JWKS JSON walked like `jwks::parse_jwks`, and `JwtKey::from_rsa_components` on raw bytes.
#![no_main]

use clerk_sdk::fuzz_api;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if fuzz_api::jwks_json(data).is_none() {
        let _ = fuzz_api::rsa_components(data);
    }
});
