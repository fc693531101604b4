//! [`Guard`]: the framework-neutral half of `#[clerk_protected]`.
//!
//! The macro only parses, validates and expands: it writes a unit struct implementing
//! [`Policy`] (the route's requirement as associated consts) and prepends one argument
//! `_: Guard<ThatStruct>` to the handler. What the guard decides is here, as plain Rust: the
//! [`Requirement`] the consts describe ([`requirement`]). Each adapter makes [`Guard`] its
//! framework's extractor (`axum/guard.rs`: `FromRequestParts`; `actix/protected.rs`:
//! `FromRequest`) in the same three steps: authenticate once, reusing what the framework's
//! middleware or an earlier extractor stored and storing its own outcome for the
//! `ClerkSession` / `ClerkMachine` / `ClerkAuth` extractors after it; then
//! [`Requirement::check`]; then reject with the adapter's `ClerkRejection`. The macro's
//! expansion is the same for both frameworks, so one handler attribute has one meaning.
//!
//! The items are reachable only through `clerk_sdk::__private`: they are the macro's contract
//! with this crate, not public API. The requirement is rebuilt per request (a handful of small
//! allocations, next to an RSA verification) rather than cached: a generic fn cannot own a
//! per-type `static`, and a type-keyed map would need a lock on every request. Rebuilding it
//! parses nothing: token types and reverification arrive as typed consts, and the names (roles,
//! permission, feature, plan) are copied as they are.

use std::fmt;
use std::marker::PhantomData;

use crate::{
    AcceptsToken, Has, RequestState, TokenType,
    auth::{Denial, Requirement, Reverification},
};

/// Which token types a [`Policy`] admits: [`AcceptsToken`] in a form a `const` can hold.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepts {
    /// `accepts = "m2m_token"`: exactly this type.
    One(TokenType),
    /// `accepts = ["session_token", "m2m_token"]`: any of these.
    Many(&'static [TokenType]),
    /// `accepts = "any"`: every type.
    Any,
}

impl Accepts {
    /// The runtime form.
    pub fn to_accepts_token(self) -> AcceptsToken {
        match self {
            Accepts::One(t) => AcceptsToken::One(t),
            Accepts::Many(list) => AcceptsToken::Many(list.to_vec()),
            Accepts::Any => AcceptsToken::Any,
        }
    }
}

/// A route's requirement as associated consts; `#[clerk_protected]` implements it on a hidden
/// unit struct per handler, setting only the consts its arguments name.
///
/// The macro has checked the form of every name at compile time, and writes token types and
/// reverification as values, so there is nothing left to parse (or to fail to parse) here.
#[doc(hidden)]
pub trait Policy {
    /// Admitted token types. Default: session tokens only.
    const ACCEPTS: Accepts = Accepts::One(TokenType::SessionToken);
    /// Organization roles of which a session caller must have one; empty for no role check.
    const ROLES: &'static [&'static str] = &[];
    /// An organization permission a session caller must have.
    const PERMISSION: Option<&'static str> = None;
    /// A billing feature a session caller must have.
    const FEATURE: Option<&'static str> = None;
    /// A billing plan a session caller must have.
    const PLAN: Option<&'static str> = None;
    /// How recently a session caller must have verified a factor.
    const REVERIFICATION: Option<Reverification> = None;
}

/// The [`Requirement`] `P` describes: its checks are ANDed, its roles any-of.
pub(crate) fn requirement<P: Policy>() -> Requirement {
    let mut requirement = Requirement::new().accepts(P::ACCEPTS.to_accepts_token());
    if let Some(permission) = P::PERMISSION {
        requirement = requirement.has(Has::permission(permission));
    }
    if let Some(feature) = P::FEATURE {
        requirement = requirement.has(Has::feature(feature));
    }
    if let Some(plan) = P::PLAN {
        requirement = requirement.has(Has::plan(plan));
    }
    if let Some(reverification) = P::REVERIFICATION {
        requirement = requirement.has(Has::reverification(reverification));
    }
    requirement.any_of(P::ROLES.iter().map(|role| Has::role(*role)))
}

/// The argument `#[clerk_protected]` prepends to a handler: authenticates the request and
/// rejects it with the adapter's `ClerkRejection` (401 / 403 / 503 / 500) unless it meets `P`.
#[doc(hidden)]
pub struct Guard<P>(PhantomData<fn() -> P>);

impl<P: Policy> Guard<P> {
    /// The guard when `outcome` meets `requirement` (built by [`requirement`]`::<P>()`), else
    /// the denial the adapter answers with.
    pub(crate) fn admit(outcome: &RequestState, requirement: &Requirement) -> Result<Self, Denial> {
        requirement.check(outcome)?;
        Ok(Guard(PhantomData))
    }
}

impl<P> fmt::Debug for Guard<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Guard")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::ReverificationLevel;

    struct Bare;
    impl Policy for Bare {}

    struct AdminsOrMachines;
    impl Policy for AdminsOrMachines {
        const ACCEPTS: Accepts = Accepts::Many(&[TokenType::SessionToken, TokenType::M2mToken]);
        const ROLES: &'static [&'static str] = &["org:admin", "org:billing"];
    }

    struct Everything;
    impl Policy for Everything {
        const ACCEPTS: Accepts = Accepts::Any;
        const ROLES: &'static [&'static str] = &["org:admin"];
        const PERMISSION: Option<&'static str> = Some("org:invoices:read");
        const FEATURE: Option<&'static str> = Some("org:reports");
        const PLAN: Option<&'static str> = Some("pro");
        const REVERIFICATION: Option<Reverification> = Some(Reverification::Custom {
            level: ReverificationLevel::FirstFactor,
            after_minutes: 30,
        });
    }

    #[test]
    fn bare_policy_is_any_session() {
        assert_eq!(requirement::<Bare>(), Requirement::new());
    }

    #[test]
    fn consts_become_the_requirement() {
        assert_eq!(
            requirement::<AdminsOrMachines>(),
            Requirement::new()
                .accepts(AcceptsToken::Many(vec![
                    TokenType::SessionToken,
                    TokenType::M2mToken
                ]))
                .any_of([Has::role("org:admin"), Has::role("org:billing")])
        );
        let reverification = "first_factor:30".parse().unwrap();
        assert_eq!(
            requirement::<Everything>(),
            Requirement::new()
                .accepts(AcceptsToken::Any)
                .has(Has::permission("org:invoices:read"))
                .has(Has::feature("org:reports"))
                .has(Has::plan("pro"))
                .has(Has::reverification(reverification))
                .any_of([Has::role("org:admin")])
        );
    }

    #[test]
    fn accepts_forms() {
        assert_eq!(
            Accepts::One(TokenType::M2mToken).to_accepts_token(),
            AcceptsToken::One(TokenType::M2mToken)
        );
        assert_eq!(
            Accepts::Many(&[TokenType::ApiKey]).to_accepts_token(),
            AcceptsToken::Many(vec![TokenType::ApiKey])
        );
        assert_eq!(Accepts::Any.to_accepts_token(), AcceptsToken::Any);
    }
}
