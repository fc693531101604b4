//! v1/v2 claim parsing (`fea`, `pla`, `o.per`, `o.fpm`) and `has()`.
#![no_main]

use clerk_sdk::fuzz_api;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = fuzz_api::claims_v2(data);
});
