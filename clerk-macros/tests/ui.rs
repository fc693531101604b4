//! trybuild: every misuse of `#[clerk_protected]` is a compile error with a committed message
//! (`ui/fail`), and the supported handler shapes compile and route (`ui/pass`).
//!
//! rustc's wording changes between releases, so the `.stderr` files are pinned to the
//! toolchain that wrote them. Regenerate with
//! `TRYBUILD=overwrite cargo test -p clerk-macros --test ui`, review the diff as code, and bump
//! the version below in the same commit.
//!
//! `fail/state_without_clerk_debug_handler.stderr` quotes axum's list of `FromRequest` types,
//! which includes clerk-sdk's own (`ClerkWebhook`): adding a body extractor to clerk-sdk means
//! regenerating it.

#[rustversion::attr(not(stable(1.95)), ignore = "ui .stderr files were generated with rustc 1.95")]
#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
