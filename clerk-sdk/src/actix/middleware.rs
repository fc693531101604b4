//! [`ClerkMiddleware`]: authenticates every request once and never rejects.

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;

use actix_web::Error;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};

use super::outcome;
use crate::{AcceptsToken, Clerk};

/// Authenticates each request once and stores the outcome in the request extensions for the
/// extractors behind it. Never rejects, so public routes keep working.
///
/// Works with `App::wrap`, `Scope::wrap` and `Resource::wrap`.
///
/// ```
/// use actix_web::{App, web};
/// use clerk_sdk::{AcceptsToken, Clerk};
/// use clerk_sdk::actix::ClerkMiddleware;
///
/// fn configure(clerk: Clerk) {
///     let _app = App::new()
///         .app_data(web::Data::new(clerk.clone()))
///         // Machine callers are admitted too; extractors narrow it per route.
///         .wrap(ClerkMiddleware::new(clerk).accepting(AcceptsToken::Any))
///         .route("/public", web::get().to(|| async { "anyone" }));
/// }
/// # let _ = configure;
/// ```
#[derive(Debug, Clone)]
pub struct ClerkMiddleware {
    clerk: Clerk,
    accepts: AcceptsToken,
}

impl ClerkMiddleware {
    /// Authenticates with the token types `clerk` is configured to accept.
    pub fn new(clerk: Clerk) -> Self {
        let accepts = clerk.config().accepts().clone();
        ClerkMiddleware { clerk, accepts }
    }

    /// Authenticates accepting `accepts` instead (e.g. `AcceptsToken::Any` when some routes
    /// admit machine callers; extractors then narrow it per route).
    #[must_use]
    pub fn accepting(mut self, accepts: impl Into<AcceptsToken>) -> Self {
        self.accepts = accepts.into();
        self
    }
}

impl<S, B> Transform<S, ServiceRequest> for ClerkMiddleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = ClerkMiddlewareService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(ClerkMiddlewareService {
            service: Rc::new(service),
            clerk: self.clerk.clone(),
            accepts: self.accepts.clone(),
        }))
    }
}

/// The service [`ClerkMiddleware`] wraps around an app, scope or resource.
#[derive(Debug)]
pub struct ClerkMiddlewareService<S> {
    service: Rc<S>,
    clerk: Clerk,
    accepts: AcceptsToken,
}

type LocalBoxFuture<T> = Pin<Box<dyn Future<Output = T> + 'static>>;

impl<S, B> Service<ServiceRequest> for ClerkMiddlewareService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = LocalBoxFuture<Result<ServiceResponse<B>, Error>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let clerk = self.clerk.clone();
        let accepts = self.accepts.clone();
        Box::pin(async move {
            outcome(&clerk, &request, &accepts).await;
            service.call(request).await
        })
    }
}
