//! `Authorization` header extraction, then a whole request through the fixed-key `Clerk`.
#![no_main]

mod common;

use clerk_sdk::fuzz_api;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::assert_finished(fuzz_api::authorization_header(&common::CLERK, data));
});
