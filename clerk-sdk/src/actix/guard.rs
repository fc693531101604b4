//! [`ClerkGuard`]: passes only requests that meet a [`Requirement`].

use std::fmt;
use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::{Error, HttpRequest, HttpResponse, Responder, ResponseError};

use super::{ClerkRejection, outcome};
use crate::Clerk;
use crate::auth::Requirement;

type RejectionFn = Arc<dyn Fn(ClerkRejection, &HttpRequest) -> HttpResponse<BoxBody> + Send + Sync>;

/// Guards a resource or scope: passes only requests that meet a [`Requirement`], answering
/// the others with a [`ClerkRejection`] (or your own response, see
/// [`ClerkGuard::with_rejection`]).
///
/// Reuses the outcome a [`super::ClerkMiddleware`] stored; authenticates by itself when there
/// is none.
///
/// ```
/// use actix_web::{App, web};
/// use clerk_sdk::actix::ClerkGuard;
/// use clerk_sdk::{Clerk, Has, auth::Requirement};
///
/// fn configure(clerk: Clerk) {
///     let _app = App::new().service(
///         web::resource("/admin")
///             .wrap(ClerkGuard::new(clerk, Requirement::new().has(Has::role("org:admin"))))
///             .route(web::get().to(|| async { "admins only" })),
///     );
/// }
/// # let _ = configure;
/// ```
#[derive(Clone)]
pub struct ClerkGuard {
    clerk: Clerk,
    requirement: Arc<Requirement>,
    on_reject: Option<RejectionFn>,
}

impl fmt::Debug for ClerkGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClerkGuard")
            .field("requirement", &self.requirement)
            .field("custom_rejection", &self.on_reject.is_some())
            .finish_non_exhaustive()
    }
}

impl ClerkGuard {
    /// A guard for `requirement`, authenticating through `clerk` when no
    /// [`super::ClerkMiddleware`] ran.
    pub fn new(clerk: Clerk, requirement: Requirement) -> Self {
        ClerkGuard {
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
        R: Responder,
    {
        self.on_reject = Some(Arc::new(move |rejection, request| {
            f(rejection).respond_to(request).map_into_boxed_body()
        }));
        self
    }
}

impl<S, B> Transform<S, ServiceRequest> for ClerkGuard
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = ClerkGuardService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(ClerkGuardService {
            service: Rc::new(service),
            guard: self.clone(),
        }))
    }
}

/// The service [`ClerkGuard`] wraps around a resource or scope.
#[derive(Debug)]
pub struct ClerkGuardService<S> {
    service: Rc<S>,
    guard: ClerkGuard,
}

type LocalBoxFuture<T> = Pin<Box<dyn Future<Output = T> + 'static>>;

impl<S, B> Service<ServiceRequest> for ClerkGuardService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<Result<Self::Response, Error>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let guard = self.guard.clone();
        Box::pin(async move {
            let state = outcome(&guard.clerk, &request, guard.requirement.accepted()).await;
            if let Err(denial) = guard.requirement.check(&state) {
                let rejection = ClerkRejection::from(denial);
                let response = match &guard.on_reject {
                    Some(f) => f(rejection, request.request()),
                    None => rejection.error_response(),
                };
                return Ok(request.into_response(response).map_into_right_body());
            }
            service
                .call(request)
                .await
                .map(ServiceResponse::map_into_left_body)
        })
    }
}
