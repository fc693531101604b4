//! Pins the macro's copies of clerk-sdk's names (`src/tables.rs`) to clerk-sdk's parsers.
//!
//! The macro cannot depend on clerk-sdk, so it keeps its own tables of token types,
//! reverification presets and levels, and billing scopes, and a table can drift from the
//! runtime without anything failing to compile. Each entry is checked here through what the
//! macro emits for it: a handler protected with that one name, whose generated `Policy` const
//! must equal what clerk-sdk's own parser makes of the same text. Billing scopes are names the
//! runtime interprets on every check, so they are checked against `Has::feature` / `Has::plan`
//! on verified sessions.
//!
//! The tables are `include!`d: a proc-macro crate can export nothing but macros. That lets each
//! test also check it has one case per table entry, so an entry added without a case fails.

include!("../src/tables.rs");

use std::iter;

use clerk_sdk::__private::{Accepts, Policy};
use clerk_sdk::testing::TestKeys;
use clerk_sdk::{AcceptsToken, Auth, Clerk, Has, TokenType, auth::Reverification, clerk_protected};

/// `[(value, const)]`: for each value, a handler protected with `argument = value`, and the
/// named const of the policy the macro generated for it. Each handler lives in its own block.
macro_rules! expansions {
    ($argument:ident => $const:ident: $($value:tt),* $(,)?) => {
        [$({
            #[allow(dead_code)]
            #[clerk_protected($argument = $value)]
            async fn handler() {}
            ($value, <__clerk_policy_handler as Policy>::$const)
        }),*]
    };
}

fn names<T, const N: usize>(table: [(&'static str, T); N]) -> [&'static str; N] {
    table.map(|(name, _)| name)
}

#[test]
fn token_types_expand_to_what_clerk_sdk_parses() {
    let expansions = expansions!(accepts => ACCEPTS:
        "session_token", "m2m_token", "oauth_token", "api_key");
    assert_eq!(names(expansions), names(TOKEN_TYPES), "one case per entry");
    for (name, emitted) in expansions {
        let parsed: TokenType = name
            .parse()
            .unwrap_or_else(|_| panic!("clerk-sdk does not parse token type {name:?}"));
        assert_eq!(emitted, Accepts::One(parsed), "{name}");
        assert_eq!(parsed.as_str(), name);
    }

    // And every token type clerk-sdk has can be named.
    for token_type in TokenType::ALL {
        assert!(
            names(TOKEN_TYPES).contains(&token_type.as_str()),
            "the macro cannot name {token_type}"
        );
    }

    // Session tokens: the type session-only checks apply to, and the default in both crates.
    let session: TokenType = SESSION_TOKEN.0.parse().expect("session token type");
    assert_eq!(session, TokenType::SessionToken);
    assert!(!session.is_machine());
    #[allow(dead_code)]
    #[clerk_protected]
    async fn bare() {}
    assert_eq!(
        <__clerk_policy_bare as Policy>::ACCEPTS.to_accepts_token(),
        AcceptsToken::default()
    );
    assert_eq!(AcceptsToken::default(), AcceptsToken::One(session));

    let [(any, emitted)] = expansions!(accepts => ACCEPTS: "any");
    assert_eq!(any, ANY_TOKEN_TYPE);
    assert_eq!(emitted, Accepts::Any);
    assert_eq!(any.parse::<AcceptsToken>(), Ok(AcceptsToken::Any));
}

#[test]
fn reverification_presets_expand_to_what_clerk_sdk_parses() {
    let expansions = expansions!(reverification => REVERIFICATION:
        "strict_mfa", "strict", "moderate", "lax");
    assert_eq!(
        names(expansions),
        names(REVERIFICATION_PRESETS),
        "one case per entry"
    );
    for (name, emitted) in expansions {
        let parsed: Reverification = name
            .parse()
            .unwrap_or_else(|e| panic!("clerk-sdk does not parse preset {name:?}: {e}"));
        // The same variant, so the same level and window, and it prints as the name given.
        assert_eq!(emitted, Some(parsed), "{name}");
        assert_eq!(parsed.as_preset_str(), Some(name));
    }
}

#[test]
fn reverification_levels_expand_to_what_clerk_sdk_parses() {
    let expansions = expansions!(reverification => REVERIFICATION:
        "first_factor:30", "second_factor:30", "multi_factor:30");
    let cases = REVERIFICATION_LEVELS.map(|(level, _)| format!("{level}:30"));
    assert_eq!(
        names(expansions),
        cases.each_ref().map(String::as_str),
        "one case per entry"
    );
    let bounds = expansions!(reverification => REVERIFICATION:
        "first_factor:1", "multi_factor:4294967295");
    for (text, emitted) in expansions.into_iter().chain(bounds) {
        let parsed: Reverification = text
            .parse()
            .unwrap_or_else(|e| panic!("clerk-sdk does not parse {text:?}: {e}"));
        assert_eq!(emitted, Some(parsed), "{text}");
        assert_eq!(parsed.to_string(), text);
    }
}

/// A verified session whose `fea` and `pla` claims are `features` and `plans`.
async fn session(clerk: &Clerk, keys: &TestKeys, features: &str, plans: &str) -> Auth {
    let token = keys
        .session("user_1")
        .features(features)
        .plans(plans)
        .sign()
        .expect("sign");
    let mut headers = http::HeaderMap::new();
    let bearer = format!("Bearer {token}").parse().expect("header value");
    let _ = headers.insert(http::header::AUTHORIZATION, bearer);
    let state = clerk.authenticate_request(&headers).await;
    assert!(
        state.auth().session().is_some(),
        "not signed in: {:?}",
        state.reason_str()
    );
    state.into_auth()
}

#[tokio::test]
async fn billing_scopes_check_the_side_clerk_sdk_checks() {
    let keys = TestKeys::generate().expect("keys");
    let clerk = Clerk::new(keys.config_builder().build().expect("config"));
    let on_org = session(&clerk, &keys, "o:reports", "o:pro").await;
    let on_user = session(&clerk, &keys, "u:reports", "u:pro").await;
    let on_both = session(&clerk, &keys, "ou:reports", "uo:pro").await;
    let queries = |scope: &str| {
        [
            Has::feature(format!("{scope}:reports")),
            Has::plan(format!("{scope}:pro")),
        ]
    };

    // The table's order is the sides': the organization's entries, then the user's.
    let [(org, org_aliases), (user, user_aliases)] = BILLING_SCOPES;
    for scope in iter::once(org).chain(org_aliases.iter().copied()) {
        for has in queries(scope) {
            assert!(on_org.has(&has), "{has:?} on org entries");
            assert!(!on_user.has(&has), "{has:?} on user entries");
            assert!(on_both.has(&has), "{has:?} on entries for both");
        }
    }
    for scope in iter::once(user).chain(user_aliases.iter().copied()) {
        for has in queries(scope) {
            assert!(!on_org.has(&has), "{has:?} on org entries");
            assert!(on_user.has(&has), "{has:?} on user entries");
            assert!(on_both.has(&has), "{has:?} on entries for both");
        }
    }

    // No scope: either side.
    for has in [Has::feature("reports"), Has::plan("pro")] {
        assert!(on_org.has(&has) && on_user.has(&has), "{has:?}");
    }

    // Scopes the macro refuses (not in the table) never pass, whatever the claim holds.
    let known: Vec<&str> = BILLING_SCOPES
        .iter()
        .flat_map(|(name, aliases)| iter::once(*name).chain(aliases.iter().copied()))
        .collect();
    for scope in [
        "ou",
        "uo",
        "team",
        "orgs",
        "Org",
        "O",
        "U",
        "users",
        "organisation",
    ] {
        assert!(!known.contains(&scope), "{scope}");
        for has in queries(scope) {
            for auth in [&on_org, &on_user, &on_both] {
                assert!(!auth.has(&has), "{has:?} passed");
            }
        }
    }
}
