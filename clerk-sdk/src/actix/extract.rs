//! Extractors: the outcome whatever it is ([`ClerkAuth`]), a signed-in session
//! ([`ClerkSession`]) and a machine caller ([`ClerkMachine`]), plus [`Maybe`], their optional
//! form.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use super::{ClerkRejection, outcome, stored_accepts};
use crate::auth::{Denial, DenialKind, Requirement};
use crate::{AcceptsToken, Clerk, MachineAuth, RequestState, SessionAuth, TokenType};

type LocalBoxFuture<T> = Pin<Box<dyn Future<Output = T> + 'static>>;

/// The authentication outcome, whatever it is. Rejects only when no [`Clerk`] is registered
/// (500).
///
/// Reads what [`super::ClerkMiddleware`] stored, or authenticates with the configured token
/// types.
#[derive(Debug, Clone)]
pub struct ClerkAuth(pub Arc<RequestState>);

/// A signed-in session; rejects with 401 otherwise (503 when keys are unavailable).
///
/// ```
/// use clerk_sdk::actix::ClerkSession;
///
/// async fn me(ClerkSession(session): ClerkSession) -> String {
///     format!("hello {}", session.user_id())
/// }
/// # let _ = me;
/// ```
#[derive(Debug, Clone)]
pub struct ClerkSession(pub SessionAuth);

/// A verified machine caller (m2m token, OAuth access token or API key); rejects with 401
/// otherwise.
///
/// Machine types must be admitted where the request is decided: by the configuration
/// ([`crate::config::ClerkConfigBuilder::accepts`]) or by
/// [`super::ClerkMiddleware::accepting`].
#[derive(Debug, Clone)]
pub struct ClerkMachine(pub MachineAuth);

/// The optional form of [`ClerkSession`] and [`ClerkMachine`]: `None` for a caller without a
/// valid credential of that kind, but keys unavailable (503) or a misconfigured server (500)
/// still reject, so an outage never looks like an anonymous caller. (actix-web's own
/// `Option<T>` would turn those into `None`.)
///
/// ```
/// use clerk_sdk::actix::{ClerkSession, Maybe};
///
/// async fn greet(Maybe(session): Maybe<ClerkSession>) -> String {
///     match session {
///         Some(ClerkSession(session)) => format!("hello {}", session.user_id()),
///         None => "hello stranger".to_owned(),
///     }
/// }
/// # let _ = greet;
/// ```
#[derive(Debug, Clone)]
pub struct Maybe<T>(pub Option<T>);

/// The [`Clerk`] registered as `web::Data<Clerk>` or as a plain `app_data(clerk)`.
pub(super) fn registered_clerk(request: &HttpRequest) -> Result<Clerk, ClerkRejection> {
    if let Some(clerk) = request.app_data::<web::Data<Clerk>>() {
        return Ok(clerk.get_ref().clone());
    }
    if let Some(clerk) = request.app_data::<Clerk>() {
        return Ok(clerk.clone());
    }
    tracing::error!(
        target: "clerk_sdk::actix",
        path = request.path(),
        "no Clerk registered for this route: add `.app_data(web::Data::new(clerk))` (or \
         `.app_data(clerk)`) to the App, scope or resource that serves it"
    );
    Err(Denial::misconfigured(
        "clerk-not-registered",
        "no Clerk is registered with the application".to_owned(),
    )
    .into())
}

/// The stored outcome, or one decided now under the stored or configured token types.
async fn any_outcome(request: &HttpRequest) -> Result<Arc<RequestState>, ClerkRejection> {
    let accepts = stored_accepts(request);
    // A stored outcome decided under its own token types needs no Clerk to be read.
    let stored = accepts.as_ref().and_then(|accepts| {
        request
            .extensions()
            .get::<crate::adapter::Verified>()
            .and_then(|verified| crate::adapter::reuse(verified, accepts))
    });
    if let Some(state) = stored {
        return Ok(state);
    }
    let clerk = registered_clerk(request)?;
    let accepts = accepts.unwrap_or_else(|| clerk.config().accepts().clone());
    Ok(outcome(&clerk, request, &accepts).await)
}

/// The stored (or freshly decided) outcome, checked against what the extractor needs.
async fn checked_outcome(
    request: &HttpRequest,
    requirement: &Requirement,
) -> Result<Arc<RequestState>, ClerkRejection> {
    let outcome = any_outcome(request).await?;
    requirement.check(&outcome)?;
    Ok(outcome)
}

async fn session(request: HttpRequest) -> Result<ClerkSession, ClerkRejection> {
    let outcome = checked_outcome(&request, &Requirement::new()).await?;
    let session = outcome.auth().session().cloned();
    session
        .map(ClerkSession)
        .ok_or_else(|| Denial::type_mismatch(outcome.token_type(), None).into())
}

async fn machine(request: HttpRequest) -> Result<ClerkMachine, ClerkRejection> {
    let machines = AcceptsToken::Many(vec![
        TokenType::M2mToken,
        TokenType::OAuthToken,
        TokenType::ApiKey,
    ]);
    let outcome = checked_outcome(&request, &Requirement::new().accepts(machines)).await?;
    let machine = outcome.auth().machine().cloned();
    machine
        .map(ClerkMachine)
        .ok_or_else(|| Denial::type_mismatch(outcome.token_type(), None).into())
}

impl FromRequest for ClerkAuth {
    type Error = ClerkRejection;
    type Future = LocalBoxFuture<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move { any_outcome(&request).await.map(ClerkAuth) })
    }
}

impl FromRequest for ClerkSession {
    type Error = ClerkRejection;
    type Future = LocalBoxFuture<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(session(request.clone()))
    }
}

impl FromRequest for ClerkMachine {
    type Error = ClerkRejection;
    type Future = LocalBoxFuture<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(machine(request.clone()))
    }
}

impl FromRequest for Maybe<ClerkSession> {
    type Error = ClerkRejection;
    type Future = LocalBoxFuture<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move { optional(session(request).await) })
    }
}

impl FromRequest for Maybe<ClerkMachine> {
    type Error = ClerkRejection;
    type Future = LocalBoxFuture<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move { optional(machine(request).await) })
    }
}

/// `None` for a caller without a valid credential, but keys unavailable or a misconfigured
/// server still reject (an outage must not look like an anonymous caller).
fn optional<T>(extracted: Result<T, ClerkRejection>) -> Result<Maybe<T>, ClerkRejection> {
    match extracted {
        Ok(value) => Ok(Maybe(Some(value))),
        Err(rejection)
            if matches!(
                rejection.denial().kind(),
                DenialKind::Unavailable | DenialKind::Misconfigured
            ) =>
        {
            Err(rejection)
        }
        Err(_) => Ok(Maybe(None)),
    }
}
