//! Extractors: the outcome whatever it is ([`ClerkAuth`]), a signed-in session
//! ([`ClerkSession`]) and a machine caller ([`ClerkMachine`]), plus their `Option` forms.

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;

use super::{ClerkRejection, outcome};
use crate::auth::{Denial, DenialKind, Requirement};
use crate::{AcceptsToken, Clerk, MachineAuth, RequestState, SessionAuth, TokenType};

/// The authentication outcome, whatever it is. Never rejects.
///
/// Reads what [`super::ClerkLayer`] stored, or authenticates with the configured token types.
#[derive(Debug, Clone)]
pub struct ClerkAuth(pub Arc<RequestState>);

/// A signed-in session; rejects with 401 otherwise (503 when keys are unavailable).
///
/// `Option<ClerkSession>` is `None` for a caller without a valid session, and still rejects
/// when the request could not be decided (keys unavailable).
#[derive(Debug, Clone)]
pub struct ClerkSession(pub SessionAuth);

/// A verified machine caller (m2m token, OAuth access token or API key); rejects with 401
/// otherwise.
///
/// Machine types must be admitted where the request is decided: by the configuration
/// ([`crate::config::ClerkConfigBuilder::accepts`]), by a [`super::RequireLayer`] on the route,
/// or by `#[clerk_protected(accepts = …)]` on the handler (whose own `accepts`, session tokens
/// by default, is what counts there).
#[derive(Debug, Clone)]
pub struct ClerkMachine(pub MachineAuth);

async fn outcome_from_state<S>(
    parts: &mut Parts,
    state: &S,
    accepts: Option<&AcceptsToken>,
) -> Arc<RequestState>
where
    Clerk: FromRef<S>,
{
    let clerk = Clerk::from_ref(state);
    let configured;
    let accepts = match accepts {
        Some(a) => a,
        None => {
            configured = clerk.config().accepts().clone();
            &configured
        }
    };
    outcome(&clerk, parts, accepts).await
}

/// The stored (or freshly decided) outcome, checked against what the extractor needs.
async fn checked_outcome<S>(
    parts: &mut Parts,
    state: &S,
    requirement: &Requirement,
) -> Result<Arc<RequestState>, ClerkRejection>
where
    Clerk: FromRef<S>,
{
    let accepts = stored_accepts(parts);
    let outcome = outcome_from_state(parts, state, accepts.as_ref()).await;
    requirement.check(&outcome)?;
    Ok(outcome)
}

/// The accepted types a stored outcome was decided under, or the configuration's.
fn stored_accepts(parts: &Parts) -> Option<AcceptsToken> {
    parts
        .extensions
        .get::<super::Verified>()
        .map(|v| v.accepts.clone())
}

impl<S> FromRequestParts<S> for ClerkAuth
where
    Clerk: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let accepts = stored_accepts(parts);
        Ok(ClerkAuth(
            outcome_from_state(parts, state, accepts.as_ref()).await,
        ))
    }
}

impl<S> FromRequestParts<S> for ClerkSession
where
    Clerk: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ClerkRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let outcome = checked_outcome(parts, state, &Requirement::new()).await?;
        let session = outcome.auth().session().cloned();
        session
            .map(ClerkSession)
            .ok_or_else(|| Denial::type_mismatch(outcome.token_type(), None).into())
    }
}

impl<S> OptionalFromRequestParts<S> for ClerkSession
where
    Clerk: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ClerkRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, Self::Rejection> {
        optional(<ClerkSession as FromRequestParts<S>>::from_request_parts(parts, state).await)
    }
}

impl<S> FromRequestParts<S> for ClerkMachine
where
    Clerk: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ClerkRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let machines = AcceptsToken::Many(vec![
            TokenType::M2mToken,
            TokenType::OAuthToken,
            TokenType::ApiKey,
        ]);
        let outcome = checked_outcome(parts, state, &Requirement::new().accepts(machines)).await?;
        let machine = outcome.auth().machine().cloned();
        machine
            .map(ClerkMachine)
            .ok_or_else(|| Denial::type_mismatch(outcome.token_type(), None).into())
    }
}

impl<S> OptionalFromRequestParts<S> for ClerkMachine
where
    Clerk: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ClerkRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, Self::Rejection> {
        optional(<ClerkMachine as FromRequestParts<S>>::from_request_parts(parts, state).await)
    }
}

/// The `Option` form: `None` for a caller without a valid credential, but keys unavailable or
/// a misconfigured server still reject (an outage must not look like an anonymous caller).
fn optional<T>(extracted: Result<T, ClerkRejection>) -> Result<Option<T>, ClerkRejection> {
    match extracted {
        Ok(value) => Ok(Some(value)),
        Err(rejection) if undecidable(&rejection) => Err(rejection),
        Err(_) => Ok(None),
    }
}

/// Keys unavailable or a misconfigured server: `Option` extractors must not hide these.
fn undecidable(rejection: &ClerkRejection) -> bool {
    matches!(
        rejection.denial().kind(),
        DenialKind::Unavailable | DenialKind::Misconfigured
    )
}
