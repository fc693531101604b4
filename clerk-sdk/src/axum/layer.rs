//! Tower layers: [`ClerkLayer`] authenticates every request once and never rejects;
//! [`RequireLayer`] guards a route with a [`Requirement`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::response::{IntoResponse, Response};
use http::Request;
use tower_layer::Layer;
use tower_service::Service;

use super::{ClerkRejection, outcome};
use crate::auth::Requirement;
use crate::{AcceptsToken, Clerk};

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Authenticates each request once and stores the outcome in the request extensions for the
/// extractors and guards behind it. Never rejects, so public routes keep working.
///
/// Works with `Router::layer`, `route_layer`, and any tower `Service` over `http` requests.
#[derive(Debug, Clone)]
pub struct ClerkLayer {
    clerk: Clerk,
    accepts: AcceptsToken,
}

impl ClerkLayer {
    /// Authenticates with the token types `clerk` is configured to accept.
    pub fn new(clerk: Clerk) -> Self {
        let accepts = clerk.config().accepts().clone();
        ClerkLayer { clerk, accepts }
    }

    /// Authenticates accepting `accepts` instead (e.g. `AcceptsToken::Any` when some routes
    /// admit machine callers; guards and extractors then narrow it per route).
    #[must_use]
    pub fn accepting(mut self, accepts: impl Into<AcceptsToken>) -> Self {
        self.accepts = accepts.into();
        self
    }
}

impl<S> Layer<S> for ClerkLayer {
    type Service = ClerkService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ClerkService {
            inner,
            clerk: self.clerk.clone(),
            accepts: self.accepts.clone(),
        }
    }
}

/// The service [`ClerkLayer`] wraps around a route or router.
#[derive(Debug, Clone)]
pub struct ClerkService<S> {
    inner: S,
    clerk: Clerk,
    accepts: AcceptsToken,
}

impl<S, B> Service<Request<B>> for ClerkService<S>
where
    S: Service<Request<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The clone that was driven to readiness is the one we call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let clerk = self.clerk.clone();
        let accepts = self.accepts.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            outcome(&clerk, &mut parts, &accepts).await;
            inner.call(Request::from_parts(parts, body)).await
        })
    }
}

type RejectionFn = Arc<dyn Fn(ClerkRejection) -> Response + Send + Sync>;

/// Guards a route: passes only requests that meet a [`Requirement`], answering the others
/// with a [`ClerkRejection`] (or your own response, see [`RequireLayer::with_rejection`]).
///
/// Reuses the outcome a [`ClerkLayer`] stored; authenticates by itself when there is none.
///
/// ```
/// use axum::{Router, routing::get};
/// use clerk_sdk::axum::RequireLayer;
/// use clerk_sdk::{Clerk, Has, auth::Requirement};
///
/// fn admin_routes(clerk: Clerk) -> Router {
///     Router::new()
///         .route("/admin", get(|| async { "admins only" }))
///         .route_layer(RequireLayer::new(clerk, Requirement::new().has(Has::role("org:admin"))))
/// }
/// # let _ = admin_routes;
/// ```
#[derive(Clone)]
pub struct RequireLayer {
    clerk: Clerk,
    requirement: Arc<Requirement>,
    on_reject: Option<RejectionFn>,
}

impl fmt::Debug for RequireLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireLayer")
            .field("requirement", &self.requirement)
            .field("custom_rejection", &self.on_reject.is_some())
            .finish_non_exhaustive()
    }
}

impl RequireLayer {
    /// A guard for `requirement`, authenticating through `clerk` when no [`ClerkLayer`] ran.
    pub fn new(clerk: Clerk, requirement: Requirement) -> Self {
        RequireLayer {
            clerk,
            requirement: Arc::new(requirement),
            on_reject: None,
        }
    }

    /// Answers rejected requests with `f(rejection)` instead of the default response.
    #[must_use]
    pub fn with_rejection<F, R>(mut self, f: F) -> Self
    where
        F: Fn(ClerkRejection) -> R + Send + Sync + 'static,
        R: IntoResponse,
    {
        self.on_reject = Some(Arc::new(move |rejection| f(rejection).into_response()));
        self
    }
}

impl<S> Layer<S> for RequireLayer {
    type Service = RequireService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireService {
            inner,
            clerk: self.clerk.clone(),
            requirement: Arc::clone(&self.requirement),
            on_reject: self.on_reject.clone(),
        }
    }
}

/// The service [`RequireLayer`] wraps around a route.
#[derive(Clone)]
pub struct RequireService<S> {
    inner: S,
    clerk: Clerk,
    requirement: Arc<Requirement>,
    on_reject: Option<RejectionFn>,
}

impl<S: fmt::Debug> fmt::Debug for RequireService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireService")
            .field("inner", &self.inner)
            .field("requirement", &self.requirement)
            .finish_non_exhaustive()
    }
}

impl<S, B> Service<Request<B>> for RequireService<S>
where
    S: Service<Request<B>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let clerk = self.clerk.clone();
        let requirement = Arc::clone(&self.requirement);
        let on_reject = self.on_reject.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let state = outcome(&clerk, &mut parts, requirement.accepted()).await;
            if let Err(denial) = requirement.check(&state) {
                let rejection = ClerkRejection::from(denial);
                return Ok(match on_reject {
                    Some(f) => f(rejection),
                    None => rejection.into_response(),
                });
            }
            inner.call(Request::from_parts(parts, body)).await
        })
    }
}
