//! `#[clerk_protected]` on axum: [`Guard`] as a `FromRequestParts` extractor, taking the
//! [`Clerk`] from the router state ([`ClerkState`]). What the guard decides lives in
//! `crate::protected`, shared with the actix adapter.

use axum::extract::{FromRef, FromRequestParts};
use http::request::Parts;

use super::{ClerkRejection, outcome};
use crate::Clerk;
use crate::protected::{Guard, Policy, requirement};

/// Router state that holds a [`Clerk`]: every `S` with `Clerk: FromRef<S>`.
///
/// The guard requires this instead of `Clerk: FromRef<S>` directly so that a router without
/// `Clerk` in its state gets this advice in the compiler error.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`#[clerk_protected]` needs a `Clerk` in the router state, and `{Self}` provides none",
    label = "this handler is protected by `#[clerk_protected]`, which takes `Clerk` from the state",
    note = "add `Clerk` to your router state: #[derive(Clone, FromRef)] struct AppState {{ clerk: clerk_sdk::Clerk, .. }}"
)]
pub trait ClerkState {
    /// The `Clerk` handle in this state.
    fn clerk(&self) -> Clerk;
}

// `do_not_recommend`: report a failure as `S: ClerkState` (with the advice above) rather
// than as the bare `Clerk: FromRef<S>` this impl needs.
#[diagnostic::do_not_recommend]
impl<S> ClerkState for S
where
    Clerk: FromRef<S>,
{
    fn clerk(&self) -> Clerk {
        Clerk::from_ref(self)
    }
}

impl<S, P> FromRequestParts<S> for Guard<P>
where
    S: ClerkState + Send + Sync,
    P: Policy,
{
    type Rejection = ClerkRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let clerk = state.clerk();
        let requirement = requirement::<P>();
        let outcome = outcome(&clerk, parts, requirement.accepted()).await;
        Ok(Guard::admit(&outcome, &requirement)?)
    }
}
