//! Webhook header parsing and verification with the known-answer secret and a fixed clock.
#![no_main]

use clerk_sdk::fuzz_api;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let outcome = fuzz_api::webhook_verify(data);
    // The replay store saw the message once already: a second delivery is refused.
    assert!(
        !outcome.replay_accepted || !outcome.signature_ok,
        "replayed webhook accepted: {outcome:?}"
    );
});
