// The names `#[clerk_protected]` shares with clerk-sdk's runtime: each set written once, here.
//
// The macro cannot depend on clerk-sdk (clerk-sdk depends on the macro), so it keeps its own copy
// of the names clerk-sdk parses. A copy can drift: a renamed wire name would still compile into a
// check that means something else. `tests/tables.rs` therefore `include!`s this file and pins
// every entry to clerk-sdk's parsers, through what the macro emits for it. Because it is
// `include!`d into that test, the file holds plain data only: no `use`, no inner attributes and
// no `//!` docs.

/// Session tokens: the wire name and the `TokenType` variant.
///
/// The default `accepts`, and the only token type the session-only checks (role, permission,
/// feature, plan, reverification) apply to.
pub(crate) const SESSION_TOKEN: (&str, &str) = ("session_token", "SessionToken");

/// Every token type `accepts` can name: the wire name and the `TokenType` variant it expands to.
pub(crate) const TOKEN_TYPES: [(&str, &str); 4] = [
    SESSION_TOKEN,
    ("m2m_token", "M2mToken"),
    ("oauth_token", "OAuthToken"),
    ("api_key", "ApiKey"),
];

/// `accepts = "any"`: every token type (`Accepts::Any`).
pub(crate) const ANY_TOKEN_TYPE: &str = "any";

/// The reverification presets: the name and the `Reverification` variant it expands to.
///
/// The expansion names the variant, so what a preset means (which factor, how many minutes)
/// is written only in clerk-sdk.
pub(crate) const REVERIFICATION_PRESETS: [(&str, &str); 4] = [
    ("strict_mfa", "StrictMfa"),
    ("strict", "Strict"),
    ("moderate", "Moderate"),
    ("lax", "Lax"),
];

/// The levels of the `"<level>:<minutes>"` form: the name and the `ReverificationLevel` variant
/// it expands to.
pub(crate) const REVERIFICATION_LEVELS: [(&str, &str); 3] = [
    ("first_factor", "FirstFactor"),
    ("second_factor", "SecondFactor"),
    ("multi_factor", "MultiFactor"),
];

/// The scopes a billing `feature` or `plan` may name, one row per side of the `fea` / `pla`
/// claims: first the organization's entries, then the user's. Each row is the name error
/// messages suggest and its aliases. A feature or plan without a scope checks both sides; any
/// other scope never passes, so the macro refuses it.
pub(crate) const BILLING_SCOPES: [(&str, &[&str]); 2] = [("org", &["o", "organization"]), ("user", &["u"])];
