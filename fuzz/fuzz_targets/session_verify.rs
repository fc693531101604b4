//! Session verification with a fixed key: `decode_session_token` + `verify_decoded` directly,
//! and `Clerk::authenticate_request` with the token in the `Authorization` header and in the
//! `__session` cookie.
#![no_main]

mod common;

use clerk_sdk::fuzz_api::{self, Outcome};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let outcome = fuzz_api::session_verify(&common::CLERK, data);
    for via in [outcome.via_header, outcome.via_cookie].into_iter().flatten() {
        common::assert_finished(via);
        // A request is never signed in with a session token that direct verification refuses.
        assert!(
            via != Outcome::SignedInSession || outcome.verified,
            "signed in with a token that verify_decoded refused: {outcome:?}"
        );
    }
});
