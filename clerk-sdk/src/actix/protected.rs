//! `#[clerk_protected]` on actix-web: [`Guard`] as a `FromRequest` extractor, taking the
//! [`crate::Clerk`] registered as `web::Data<Clerk>` (or `app_data(clerk)`), as the other
//! extractors do. What the guard decides lives in `crate::protected`, shared with the axum
//! adapter, so one attribute means the same on both frameworks.
//!
//! actix-web runs a handler's extractors in argument order, and the guard is the first
//! argument: it authenticates (or reuses what [`super::ClerkMiddleware`] stored), stores the
//! outcome, and rejects before any later extractor runs; `ClerkSession`, `ClerkMachine` and
//! `ClerkAuth` after it read the stored outcome instead of verifying again.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use super::extract::registered_clerk;
use super::{ClerkRejection, outcome};
use crate::protected::{Guard, Policy, requirement};

impl<P: Policy> FromRequest for Guard<P> {
    type Error = ClerkRejection;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>> + 'static>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            let clerk = registered_clerk(&request)?;
            let requirement = requirement::<P>();
            let outcome = outcome(&clerk, &request, requirement.accepted()).await;
            Ok(Guard::admit(&outcome, &requirement)?)
        })
    }
}
