//! `has()`: role, permission, feature, plan and reverification checks, as `@clerk/backend`'s
//! `has()` defines them.
//!
//! This is the port of `createCheckAuthorization` from `@clerk/shared`. A query ([`Has`]) is
//! checked in three dimensions, each of which passes, fails or is skipped when the query does not
//! ask about it:
//! * **org**: `role` and/or `permission` against the active organization;
//! * **billing**: `feature` and/or `plan` against the `fea` and `pla` claims;
//! * **reverification**: how recently the user verified their factors (`fva`).
//!
//! The answer is true iff the session has a user, at least one dimension passes and none fails.
//! So an empty query is false, and everything a query asks for must hold.
//!
//! Notes on the port:
//! * The query is typed, so upstream's "a non-string value fails" cannot happen. As in upstream
//!   (which tests `!== undefined`, not truthiness), a field set to the empty string is still
//!   asked for. It passes only if the session carries the matching empty value (`role ""` matches
//!   an org role of `org:`); otherwise it fails.
//! * A `fea`/`pla` claim with an element that has no colon fails every feature or plan check on
//!   that claim: upstream throws and the check fails, and we fail closed the same way.
//! * A [`Reverification::Custom`] with `after_minutes: 0` always fails, like upstream's
//!   `afterMinutes > 0` validation.

use std::error::Error;
use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use crate::claims::split_by_scope;

/// One `has()` query: every field that is set must pass (AND), and at least one must be set.
///
/// Build a query with one of the constructors and add requirements with the `and_*` methods.
/// Each `and_*` method replaces an earlier value of the same field.
///
/// * **role**: the active organization role. `admin`, `org:admin` and `org:org:admin` are
///   all the same role (a leading run of `org:` is collapsed to one, and a bare role gets it).
/// * **permission**: an active organization permission, such as `org:invoices:read`. The query
///   is normalised like a role, but the session's permissions are compared as they are.
/// * **feature** and **plan**: an entry of the session's `fea` or `pla` claim. Write
///   `org:reports` (also `o:` or `organization:`) or `user:reports` (also `u:`) to require a
///   scope, or just `reports` to accept either. Any other scope fails.
/// * **reverification**: how recently the user must have verified a factor.
///
/// An empty query ([`Has::new`]) is never satisfied, like upstream `has({})`. A set field is a
/// requirement even when it is the empty string.
///
/// # Examples
///
/// ```rust
/// use clerk_sdk::{Has, auth::Reverification};
///
/// // An org admin who verified a second factor in the last 10 minutes.
/// let check = Has::role("org:admin").and_reverification(Reverification::Strict);
/// assert_eq!(check.role_requirement(), Some("org:admin"));
/// assert_eq!(check.reverification_requirement(), Some(Reverification::Strict));
///
/// // The org must have the `reports` feature, and the user the `pro` plan.
/// let check = Has::feature("org:reports").and_plan("user:pro");
/// assert!(!check.is_empty());
///
/// // Reverification requirements also parse from text.
/// let custom: Result<Reverification, _> = "first_factor:30".parse();
/// assert_eq!(custom.map(|r| r.after_minutes()), Ok(30));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Has {
    role: Option<String>,
    permission: Option<String>,
    feature: Option<String>,
    plan: Option<String>,
    reverification: Option<Reverification>,
}

impl Has {
    /// Whether checking this query reads the organization's permissions.
    pub(crate) fn reads_permissions(&self) -> bool {
        self.permission.is_some()
    }

    /// Whether checking this query reads `fva`.
    pub(crate) fn reads_factor_age(&self) -> bool {
        self.reverification.is_some()
    }

    /// An empty query. Checking it is always false, like upstream `has({})`.
    pub fn new() -> Self {
        Self::default()
    }

    /// A query for a role in the active organization, such as `org:admin` (or `admin`).
    pub fn role(role: impl Into<String>) -> Self {
        Self::new().and_role(role)
    }

    /// A query for a permission in the active organization, such as `org:invoices:read`.
    pub fn permission(permission: impl Into<String>) -> Self {
        Self::new().and_permission(permission)
    }

    /// A query for a billing feature, such as `reports`, `org:reports` or `user:reports`.
    pub fn feature(feature: impl Into<String>) -> Self {
        Self::new().and_feature(feature)
    }

    /// A query for a billing plan, such as `pro`, `org:pro` or `user:pro`.
    pub fn plan(plan: impl Into<String>) -> Self {
        Self::new().and_plan(plan)
    }

    /// A query for a recent enough factor verification.
    pub fn reverification(requirement: Reverification) -> Self {
        Self::new().and_reverification(requirement)
    }

    /// Also requires this organization role (replacing any role set before).
    #[must_use]
    pub fn and_role(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }

    /// Also requires this organization permission (replacing any permission set before).
    #[must_use]
    pub fn and_permission(mut self, permission: impl Into<String>) -> Self {
        self.permission = Some(permission.into());
        self
    }

    /// Also requires this billing feature (replacing any feature set before).
    #[must_use]
    pub fn and_feature(mut self, feature: impl Into<String>) -> Self {
        self.feature = Some(feature.into());
        self
    }

    /// Also requires this billing plan (replacing any plan set before).
    #[must_use]
    pub fn and_plan(mut self, plan: impl Into<String>) -> Self {
        self.plan = Some(plan.into());
        self
    }

    /// Also requires this reverification (replacing any requirement set before).
    #[must_use]
    pub fn and_reverification(mut self, requirement: Reverification) -> Self {
        self.reverification = Some(requirement);
        self
    }

    /// True when nothing is asked for, so the query can never be satisfied.
    pub fn is_empty(&self) -> bool {
        self.role.is_none()
            && self.permission.is_none()
            && self.feature.is_none()
            && self.plan.is_none()
            && self.reverification.is_none()
    }

    /// The organization role asked for, as given.
    pub fn role_requirement(&self) -> Option<&str> {
        self.role.as_deref()
    }

    /// The organization permission asked for, as given.
    pub fn permission_requirement(&self) -> Option<&str> {
        self.permission.as_deref()
    }

    /// The billing feature asked for, as given.
    pub fn feature_requirement(&self) -> Option<&str> {
        self.feature.as_deref()
    }

    /// The billing plan asked for, as given.
    pub fn plan_requirement(&self) -> Option<&str> {
        self.plan.as_deref()
    }

    /// The reverification asked for.
    pub fn reverification_requirement(&self) -> Option<Reverification> {
        self.reverification
    }
}

/// Reverification requirement: one of Clerk's presets or a custom level and window.
///
/// A factor is fresh when it was verified, and fewer than [`after_minutes`](Self::after_minutes)
/// minutes ago. Parses from and displays as the preset name (`strict_mfa`, `strict`,
/// `moderate`, `lax`) or `level:minutes` (e.g. `first_factor:30`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reverification {
    /// `strict_mfa`: both factors within 10 minutes (multi-factor level).
    StrictMfa,
    /// `strict`: the second factor within 10 minutes (second-factor level).
    Strict,
    /// `moderate`: the second factor within 60 minutes (second-factor level).
    Moderate,
    /// `lax`: the second factor within 1440 minutes (second-factor level).
    Lax,
    /// A custom level and window. A window of 0 minutes is never satisfied.
    Custom {
        /// Which factors must be fresh.
        level: ReverificationLevel,
        /// The window in minutes; a factor verified this long ago or more is stale.
        after_minutes: u32,
    },
}

impl Reverification {
    /// Which factors must be fresh.
    pub fn level(&self) -> ReverificationLevel {
        match *self {
            Self::StrictMfa => ReverificationLevel::MultiFactor,
            Self::Strict | Self::Moderate | Self::Lax => ReverificationLevel::SecondFactor,
            Self::Custom { level, .. } => level,
        }
    }

    /// The window in minutes: a factor must have been verified fewer minutes ago than this.
    pub fn after_minutes(&self) -> u32 {
        match *self {
            Self::StrictMfa | Self::Strict => 10,
            Self::Moderate => 60,
            Self::Lax => 1440,
            Self::Custom { after_minutes, .. } => after_minutes,
        }
    }

    /// The preset name (`strict_mfa`, `strict`, `moderate`, `lax`), or `None` for a custom one.
    pub fn as_preset_str(&self) -> Option<&'static str> {
        match self {
            Self::StrictMfa => Some("strict_mfa"),
            Self::Strict => Some("strict"),
            Self::Moderate => Some("moderate"),
            Self::Lax => Some("lax"),
            Self::Custom { .. } => None,
        }
    }
}

impl FromStr for Reverification {
    type Err = ParseReverificationError;

    /// Parses `strict_mfa`, `strict`, `moderate`, `lax`, or `level:minutes` where the level is
    /// `first_factor`, `second_factor` or `multi_factor` and minutes is a positive integer.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let error = || ParseReverificationError::new(ParseTarget::Requirement, s);
        match s {
            "strict_mfa" => return Ok(Self::StrictMfa),
            "strict" => return Ok(Self::Strict),
            "moderate" => return Ok(Self::Moderate),
            "lax" => return Ok(Self::Lax),
            _ => {}
        }
        let (level, minutes) = s.split_once(':').ok_or_else(error)?;
        let level = level.parse().map_err(|_| error())?;
        if minutes.is_empty() || !minutes.bytes().all(|b| b.is_ascii_digit()) {
            return Err(error());
        }
        match minutes.parse::<u32>() {
            Ok(after_minutes) if after_minutes > 0 => Ok(Self::Custom { level, after_minutes }),
            _ => Err(error()),
        }
    }
}

impl fmt::Display for Reverification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_preset_str() {
            Some(name) => f.write_str(name),
            None => write!(f, "{}:{}", self.level(), self.after_minutes()),
        }
    }
}

/// Which factors a [`Reverification`] requires to be fresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReverificationLevel {
    /// `first_factor`: the first factor (password, email code, …).
    FirstFactor,
    /// `second_factor`: the second factor, or the first factor when the user has no second.
    SecondFactor,
    /// `multi_factor`: both factors, or the first factor when the user has no second.
    MultiFactor,
}

impl ReverificationLevel {
    fn as_str(self) -> &'static str {
        match self {
            Self::FirstFactor => "first_factor",
            Self::SecondFactor => "second_factor",
            Self::MultiFactor => "multi_factor",
        }
    }
}

impl FromStr for ReverificationLevel {
    type Err = ParseReverificationError;

    /// Parses `first_factor`, `second_factor` or `multi_factor`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "first_factor" => Ok(Self::FirstFactor),
            "second_factor" => Ok(Self::SecondFactor),
            "multi_factor" => Ok(Self::MultiFactor),
            _ => Err(ParseReverificationError::new(ParseTarget::Level, s)),
        }
    }
}

impl fmt::Display for ReverificationLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not a valid [`Reverification`] or [`ReverificationLevel`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseReverificationError {
    target: ParseTarget,
    input: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ParseTarget {
    Requirement,
    Level,
}

impl ParseReverificationError {
    fn new(target: ParseTarget, input: &str) -> Self {
        Self {
            target,
            input: input.to_owned(),
        }
    }
}

impl fmt::Display for ParseReverificationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, expected) = match self.target {
            ParseTarget::Requirement => (
                "requirement",
                "strict_mfa, strict, moderate, lax or level:minutes",
            ),
            ParseTarget::Level => ("level", "first_factor, second_factor or multi_factor"),
        };
        write!(
            f,
            "invalid reverification {what} {:?} (expected {expected})",
            self.input
        )
    }
}

impl Error for ParseReverificationError {}

/// What a check reads from a signed-in session.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AuthorizationInput<'a> {
    /// `sub`; a check is false without it.
    pub(crate) user_id: Option<&'a str>,
    /// Active organization id.
    pub(crate) org_id: Option<&'a str>,
    /// Active organization role (v2 roles carry the `org:` prefix already).
    pub(crate) org_role: Option<&'a str>,
    /// Active organization permissions.
    pub(crate) org_permissions: Option<&'a [String]>,
    /// The `fea` claim, or `""` when it is absent or not a string.
    pub(crate) features: &'a str,
    /// The `pla` claim, or `""` when it is absent or not a string.
    pub(crate) plans: &'a str,
    /// The raw `fva` claim.
    pub(crate) factor_verification_age: Option<&'a Value>,
}

/// Upstream `has(params)` for a signed-in session.
pub(crate) fn check(input: &AuthorizationInput<'_>, has: &Has) -> bool {
    if input.user_id.is_none_or(str::is_empty) {
        return false;
    }
    let outcomes = [
        check_org(input, has),
        check_billing(input, has),
        check_reverification(input, has),
    ];
    outcomes.contains(&Outcome::Pass) && !outcomes.contains(&Outcome::Fail)
}

/// The result of one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Pass,
    Fail,
    Skip,
}

impl From<bool> for Outcome {
    fn from(pass: bool) -> Self {
        if pass { Self::Pass } else { Self::Fail }
    }
}

/// Upstream `checkOrgAuthorization`.
fn check_org(input: &AuthorizationInput<'_>, has: &Has) -> Outcome {
    if has.role.is_none() && has.permission.is_none() {
        return Outcome::Skip;
    }
    if input.org_id.is_none_or(str::is_empty) {
        return Outcome::Fail;
    }
    let role_ok = has.role.as_deref().is_none_or(|role| {
        input
            .org_role
            .is_some_and(|org_role| !org_role.is_empty() && strip_org(org_role) == strip_org(role))
    });
    // `orgPermissions.includes(prefixWithOrg(permission))`: only the query side is normalised.
    let permission_ok = has.permission.as_deref().is_none_or(|permission| {
        let wanted = strip_org(permission);
        input
            .org_permissions
            .is_some_and(|list| list.iter().any(|held| held.strip_prefix("org:") == Some(wanted)))
    });
    Outcome::from(role_ok && permission_ok)
}

/// `value` without its leading run of `org:`. Upstream `prefixWithOrg` replaces that run with a
/// single `org:`, so `prefixWithOrg(a) == prefixWithOrg(b)` iff `strip_org(a) == strip_org(b)`.
fn strip_org(mut value: &str) -> &str {
    while let Some(rest) = value.strip_prefix("org:") {
        value = rest;
    }
    value
}

/// Upstream `checkBillingAuthorization`: feature and plan must both hold.
fn check_billing(input: &AuthorizationInput<'_>, has: &Has) -> Outcome {
    if has.feature.is_none() && has.plan.is_none() {
        return Outcome::Skip;
    }
    let feature_ok = has
        .feature
        .as_deref()
        .is_none_or(|feature| entitled(input.features, feature));
    let plan_ok = has.plan.as_deref().is_none_or(|plan| entitled(input.plans, plan));
    Outcome::from(feature_ok && plan_ok)
}

/// Upstream `checkForFeatureOrPlan`, with its throws (malformed claim, unknown scope) as false.
fn entitled(claim: &str, query: &str) -> bool {
    if claim.is_empty() {
        return false;
    }
    let scoped = split_by_scope(claim);
    if scoped.malformed {
        return false;
    }
    // `query.split(":")`, first two parts; an empty id falls back to the scope text.
    let mut parts = query.split(':');
    let scope = parts.next().unwrap_or_default();
    let Some(id) = parts.next() else {
        return scoped.org.contains(&scope) || scoped.user.contains(&scope);
    };
    let id = if id.is_empty() { scope } else { id };
    match scope {
        "o" | "org" | "organization" => scoped.org.contains(&id),
        "u" | "user" => scoped.user.contains(&id),
        _ => false,
    }
}

/// Upstream `checkReverificationAuthorization`.
fn check_reverification(input: &AuthorizationInput<'_>, has: &Has) -> Outcome {
    let Some(requirement) = has.reverification else {
        return Outcome::Skip;
    };
    let Some((first, second)) = factor_ages(input.factor_verification_age) else {
        return Outcome::Fail;
    };
    let after_minutes = requirement.after_minutes();
    if after_minutes == 0 {
        return Outcome::Fail;
    }
    let after_minutes = f64::from(after_minutes);
    let fresh = |age: FactorAge| age.is_some_and(|minutes| after_minutes > minutes);
    let pass = match (first, second) {
        (None, None) => false,
        // No second factor: every level falls back to the first factor.
        (_, None) => fresh(first),
        (_, Some(_)) => match requirement.level() {
            ReverificationLevel::FirstFactor => fresh(first),
            ReverificationLevel::SecondFactor => fresh(second),
            ReverificationLevel::MultiFactor => first.is_some() && fresh(first) && fresh(second),
        },
    };
    Outcome::from(pass)
}

/// Minutes since a factor was verified; `None` is the claim's `-1` (never / not enrolled).
type FactorAge = Option<f64>;

/// `fva`: a 2-array of numbers, each `-1` or `>= 0`.
pub(crate) fn factor_ages(fva: Option<&Value>) -> Option<(FactorAge, FactorAge)> {
    let [first, second] = fva?.as_array()?.as_slice() else {
        return None;
    };
    Some((factor_age(first)?, factor_age(second)?))
}

fn factor_age(value: &Value) -> Option<FactorAge> {
    let minutes = value.as_f64().filter(|m| m.is_finite())?;
    if minutes == -1.0 {
        Some(None)
    } else if minutes >= 0.0 {
        Some(Some(minutes))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const USER: Option<&str> = Some("user_1");

    fn perms(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn org_input<'a>(role: &'a str, permissions: &'a [String]) -> AuthorizationInput<'a> {
        AuthorizationInput {
            user_id: USER,
            org_id: Some("org_1"),
            org_role: Some(role),
            org_permissions: Some(permissions),
            ..AuthorizationInput::default()
        }
    }

    #[test]
    fn org_role_table() {
        let none: Vec<String> = vec![];
        let cases = [
            // (session role, query role, expected)
            ("org:admin", "admin", true),
            ("org:admin", "org:admin", true),
            ("org:admin", "org:org:admin", true),
            ("org:org:admin", "admin", true),
            ("admin", "org:admin", true),
            ("org:admin", "org:member", false),
            ("org:admin", "Admin", false),
            ("org:admin", "org:admin:x", false),
            ("", "admin", false),
            // An empty query role is asked for (upstream tests `!== undefined`).
            ("org:admin", "", false),
            ("org:", "", true),
        ];
        for (session, query, want) in cases {
            let input = org_input(session, &none);
            assert_eq!(
                check(&input, &Has::role(query)),
                want,
                "session {session:?} query {query:?}"
            );
        }
    }

    #[test]
    fn org_permission_table() {
        let held = perms(&["org:invoices:read", "reports:view", "org:org:double"]);
        let cases = [
            ("org:invoices:read", true),
            ("invoices:read", true),
            ("org:org:invoices:read", true),
            ("org:invoices:write", false),
            // Only the query side is normalised: a held permission without `org:` never matches.
            ("reports:view", false),
            ("org:reports:view", false),
            // ... and neither does a held one with a doubled prefix.
            ("org:org:double", false),
            ("double", false),
            ("", false),
        ];
        for (query, want) in cases {
            let input = org_input("org:member", &held);
            assert_eq!(check(&input, &Has::permission(query)), want, "query {query:?}");
        }
    }

    #[test]
    fn org_missing_data_fails() {
        let held = perms(&["org:invoices:read"]);
        let base = org_input("org:admin", &held);
        let cases: Vec<(&str, AuthorizationInput<'_>, Has)> = vec![
            (
                "no org id, role",
                AuthorizationInput { org_id: None, ..base },
                Has::role("admin"),
            ),
            (
                "empty org id",
                AuthorizationInput {
                    org_id: Some(""),
                    ..base
                },
                Has::role("admin"),
            ),
            (
                "no org id, permission",
                AuthorizationInput { org_id: None, ..base },
                Has::permission("org:invoices:read"),
            ),
            (
                "no org role",
                AuthorizationInput {
                    org_role: None,
                    ..base
                },
                Has::role("admin"),
            ),
            (
                "no org permissions",
                AuthorizationInput {
                    org_permissions: None,
                    ..base
                },
                Has::permission("org:invoices:read"),
            ),
            (
                "role passes, permission fails",
                base,
                Has::role("admin").and_permission("org:invoices:write"),
            ),
            (
                "permission passes, role fails",
                base,
                Has::role("member").and_permission("org:invoices:read"),
            ),
        ];
        for (name, input, has) in cases {
            assert!(!check(&input, &has), "{name}");
        }
        assert!(check(&base, &Has::role("admin").and_permission("invoices:read")));
    }

    #[test]
    fn billing_table() {
        let features = "o:reservations,u:dashboard,ou:chat";
        let plans = "u:pro,o:team";
        let input = AuthorizationInput {
            user_id: USER,
            features,
            plans,
            ..AuthorizationInput::default()
        };
        let cases: Vec<(Has, bool)> = vec![
            (Has::feature("reservations"), true),
            (Has::feature("o:reservations"), true),
            (Has::feature("org:reservations"), true),
            (Has::feature("organization:reservations"), true),
            (Has::feature("u:reservations"), false),
            (Has::feature("user:reservations"), false),
            (Has::feature("dashboard"), true),
            (Has::feature("u:dashboard"), true),
            (Has::feature("user:dashboard"), true),
            (Has::feature("org:dashboard"), false),
            (Has::feature("o:chat"), true),
            (Has::feature("u:chat"), true),
            (Has::feature("lol:dashboard"), false),
            (Has::feature("ou:chat"), false),
            (Has::feature(":dashboard"), false),
            (Has::feature("missing"), false),
            // Only the first two parts of the query are used.
            (Has::feature("org:reservations:extra"), true),
            // An empty id falls back to the scope text ("o:" asks for a feature named "o").
            (Has::feature("o:"), false),
            (Has::feature(""), false),
            (Has::plan("pro"), true),
            (Has::plan("user:pro"), true),
            (Has::plan("org:pro"), false),
            (Has::plan("org:team"), true),
            // Features are not plans.
            (Has::plan("reservations"), false),
            // ANDed.
            (Has::feature("dashboard").and_plan("team"), true),
            (Has::feature("dashboard").and_plan("enterprise"), false),
            (Has::feature("nope").and_plan("pro"), false),
        ];
        for (has, want) in cases {
            assert_eq!(check(&input, &has), want, "{has:?}");
        }
    }

    #[test]
    fn billing_empty_and_malformed_claims_fail() {
        let cases = [
            ("", "u:pro", "reports"),
            (" ", "u:pro", "reports"),
            ("reports", "u:pro", "reports"),
            ("o:reports,oops", "u:pro", "reports"),
            ("o:reports,", "u:pro", "reports"),
        ];
        for (features, plans, feature) in cases {
            let input = AuthorizationInput {
                user_id: USER,
                features,
                plans,
                ..AuthorizationInput::default()
            };
            assert!(!check(&input, &Has::feature(feature)), "features {features:?}");
            // The plan claim is fine, but ANDed with the failing feature check.
            assert!(check(&input, &Has::plan("pro")), "plans {plans:?}");
            assert!(
                !check(&input, &Has::plan("pro").and_feature(feature)),
                "features {features:?}"
            );
        }
        let no_plans = AuthorizationInput {
            user_id: USER,
            features: "o:a",
            ..AuthorizationInput::default()
        };
        assert!(!check(&no_plans, &Has::plan("pro")));
        // Empty value in the claim, empty-id query: upstream's `id = rawId || rawScope` quirk.
        let empty_value = AuthorizationInput {
            user_id: USER,
            features: "o:",
            ..AuthorizationInput::default()
        };
        assert!(check(&empty_value, &Has::feature("")));
    }

    #[test]
    fn empty_query_and_missing_user_fail() {
        let held = perms(&["org:invoices:read"]);
        let full = AuthorizationInput {
            features: "o:a",
            plans: "u:p",
            factor_verification_age: None,
            ..org_input("org:admin", &held)
        };
        assert!(!check(&full, &Has::new()));
        assert!(Has::new().is_empty());
        assert!(check(&full, &Has::role("admin")));
        for user_id in [None, Some("")] {
            let input = AuthorizationInput { user_id, ..full };
            assert!(!check(&input, &Has::role("admin")), "user {user_id:?}");
            assert!(!check(&input, &Has::feature("a")), "user {user_id:?}");
        }
    }

    #[test]
    fn reverification_table() {
        let custom = |level, after_minutes| Reverification::Custom { level, after_minutes };
        let first = ReverificationLevel::FirstFactor;
        let second = ReverificationLevel::SecondFactor;
        let multi = ReverificationLevel::MultiFactor;
        let cases: Vec<(Value, Reverification, bool)> = vec![
            // Examples checked against `@clerk/backend`'s `has()`.
            (json!([5, 30]), Reverification::Strict, false),
            (json!([5, 30]), Reverification::Moderate, true),
            (json!([5, 30]), custom(first, 6), true),
            (json!([5, 30]), custom(first, 5), false),
            (json!([3, -1]), Reverification::StrictMfa, true),
            (json!([-1, 3]), Reverification::Strict, true),
            (json!([-1, 3]), Reverification::StrictMfa, false),
            // Both never verified.
            (json!([-1, -1]), Reverification::Lax, false),
            (json!([-1, -1]), custom(first, 100), false),
            // Strict comparison at the boundary.
            (json!([1, 10]), Reverification::Strict, false),
            (json!([1, 9]), Reverification::Strict, true),
            (json!([1, 9.5]), Reverification::Strict, true),
            (json!([1, 1439]), Reverification::Lax, true),
            (json!([1, 1440]), Reverification::Lax, false),
            (json!([0, 0]), Reverification::StrictMfa, true),
            (json!([0.0, -1.0]), Reverification::Strict, true),
            // Multi-factor: both fresh, or the first when there is no second factor.
            (json!([11, 3]), Reverification::StrictMfa, false),
            (json!([3, 11]), Reverification::StrictMfa, false),
            (json!([11, -1]), Reverification::StrictMfa, false),
            (json!([5, 5]), custom(multi, 6), true),
            // Second factor: the second when present, else the first.
            (json!([50, 3]), custom(second, 10), true),
            (json!([3, 50]), custom(second, 10), false),
            (json!([3, -1]), custom(second, 10), true),
            // First factor ignores the second.
            (json!([-1, 3]), custom(first, 10), false),
            (json!([3, 50]), custom(first, 10), true),
            // A zero window never passes.
            (json!([0, 0]), custom(first, 0), false),
            // Malformed fva.
            (json!([1]), Reverification::Lax, false),
            (json!([1, 2, 3]), Reverification::Lax, false),
            (json!(["a", 1]), Reverification::Lax, false),
            (json!(["1", "1"]), Reverification::Lax, false),
            (json!([-2, 3]), Reverification::Lax, false),
            (json!([3, -0.5]), Reverification::Lax, false),
            (json!([null, 3]), Reverification::Lax, false),
            (json!(null), Reverification::Lax, false),
            (json!({"0": 1, "1": 2}), Reverification::Lax, false),
            (json!("1,2"), Reverification::Lax, false),
        ];
        for (fva, requirement, want) in cases {
            let input = AuthorizationInput {
                user_id: USER,
                factor_verification_age: Some(&fva),
                ..AuthorizationInput::default()
            };
            assert_eq!(
                check(&input, &Has::reverification(requirement)),
                want,
                "fva {fva} {requirement}"
            );
        }
        let absent = AuthorizationInput {
            user_id: USER,
            ..AuthorizationInput::default()
        };
        assert!(!check(&absent, &Has::reverification(Reverification::Lax)));
    }

    #[test]
    fn combinations_are_anded_across_dimensions() {
        let held = perms(&["org:invoices:read"]);
        let fresh = json!([1, 2]);
        let stale = json!([100, 100]);
        let input = AuthorizationInput {
            features: "o:reports",
            plans: "u:pro",
            factor_verification_age: Some(&fresh),
            ..org_input("org:admin", &held)
        };
        let stale_input = AuthorizationInput {
            factor_verification_age: Some(&stale),
            ..input
        };
        let no_org = AuthorizationInput {
            org_id: None,
            ..input
        };
        let everything = Has::role("admin")
            .and_permission("invoices:read")
            .and_feature("reports")
            .and_plan("pro")
            .and_reverification(Reverification::Strict);
        let cases: Vec<(&str, &AuthorizationInput<'_>, Has, bool)> = vec![
            ("all pass", &input, everything.clone(), true),
            ("stale reverification", &stale_input, everything.clone(), false),
            ("no org", &no_org, everything.clone(), false),
            ("billing only without org", &no_org, Has::feature("reports"), true),
            (
                "role + feature, feature fails",
                &input,
                Has::role("admin").and_feature("nope"),
                false,
            ),
            ("role + plan", &input, Has::role("admin").and_plan("pro"), true),
            (
                "role fails + reverification",
                &input,
                Has::role("member").and_reverification(Reverification::Lax),
                false,
            ),
            (
                "feature + reverification",
                &input,
                Has::feature("reports").and_reverification(Reverification::StrictMfa),
                true,
            ),
            (
                "feature + stale",
                &stale_input,
                Has::feature("reports").and_reverification(Reverification::Lax),
                true,
            ),
            (
                "feature + stale strict",
                &stale_input,
                Has::feature("reports").and_reverification(Reverification::Strict),
                false,
            ),
        ];
        for (name, input, has, want) in cases {
            assert_eq!(check(input, &has), want, "{name}");
        }
    }

    #[test]
    fn has_builder_and_getters() {
        let has = Has::permission("org:a:b")
            .and_role("admin")
            .and_feature("f")
            .and_plan("p")
            .and_reverification(Reverification::Lax)
            .and_role("member");
        assert_eq!(has.role_requirement(), Some("member"));
        assert_eq!(has.permission_requirement(), Some("org:a:b"));
        assert_eq!(has.feature_requirement(), Some("f"));
        assert_eq!(has.plan_requirement(), Some("p"));
        assert_eq!(has.reverification_requirement(), Some(Reverification::Lax));
        assert!(!has.is_empty());
        assert_eq!(Has::new(), Has::default());
        for has in [
            Has::role(""),
            Has::permission(""),
            Has::feature(""),
            Has::plan(""),
            Has::reverification(Reverification::Strict),
        ] {
            assert!(!has.is_empty(), "{has:?}");
        }
    }

    #[test]
    fn reverification_parse_and_display() {
        let custom = |level, after_minutes| Reverification::Custom { level, after_minutes };
        let ok = [
            (
                "strict_mfa",
                Reverification::StrictMfa,
                Some("strict_mfa"),
                ReverificationLevel::MultiFactor,
                10,
            ),
            (
                "strict",
                Reverification::Strict,
                Some("strict"),
                ReverificationLevel::SecondFactor,
                10,
            ),
            (
                "moderate",
                Reverification::Moderate,
                Some("moderate"),
                ReverificationLevel::SecondFactor,
                60,
            ),
            (
                "lax",
                Reverification::Lax,
                Some("lax"),
                ReverificationLevel::SecondFactor,
                1440,
            ),
            (
                "first_factor:6",
                custom(ReverificationLevel::FirstFactor, 6),
                None,
                ReverificationLevel::FirstFactor,
                6,
            ),
            (
                "second_factor:30",
                custom(ReverificationLevel::SecondFactor, 30),
                None,
                ReverificationLevel::SecondFactor,
                30,
            ),
            (
                "multi_factor:4294967295",
                custom(ReverificationLevel::MultiFactor, u32::MAX),
                None,
                ReverificationLevel::MultiFactor,
                u32::MAX,
            ),
        ];
        for (text, value, preset, level, minutes) in ok {
            assert_eq!(text.parse::<Reverification>(), Ok(value), "{text}");
            assert_eq!(value.to_string(), text);
            assert_eq!(value.as_preset_str(), preset);
            assert_eq!(value.level(), level);
            assert_eq!(value.after_minutes(), minutes);
        }
        let rejected = [
            "first_factor:0",
            "bogus",
            "first_factor:x",
            "first_factor:",
            "first_factor:-5",
            "first_factor:+5",
            "first_factor: 5",
            "first_factor:4294967296",
            "first_factor:6:7",
            "third_factor:6",
            ":6",
            "Strict",
            " strict",
            "strict:10",
            "",
        ];
        for text in rejected {
            let err = text.parse::<Reverification>().expect_err(text);
            let message = err.to_string();
            assert!(
                message.starts_with("invalid reverification requirement "),
                "{message}"
            );
            assert!(message.contains(&format!("{text:?}")), "{message}");
        }
        for (text, level) in [
            ("first_factor", ReverificationLevel::FirstFactor),
            ("second_factor", ReverificationLevel::SecondFactor),
            ("multi_factor", ReverificationLevel::MultiFactor),
        ] {
            assert_eq!(text.parse::<ReverificationLevel>(), Ok(level));
            assert_eq!(level.to_string(), text);
        }
        let err = "2fa".parse::<ReverificationLevel>().expect_err("2fa");
        assert!(
            err.to_string()
                .starts_with("invalid reverification level \"2fa\"")
        );
        let boxed: Box<dyn Error> = Box::new(err);
        assert!(boxed.source().is_none());
    }
}
