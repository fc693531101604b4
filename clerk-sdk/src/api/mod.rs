//! A typed client for Clerk's Backend API: users, organizations, memberships, invitations and
//! sessions.
//!
//! [`BackendApi`] is the handle (from [`crate::Clerk::api`], [`BackendApi::new`] or
//! [`BackendApi::from_env`]); its resource accessors hold the operations, each named after
//! the call it makes (`api.users().get(id)`, `api.organizations().memberships(org).list(..)`)
//! and documented with the endpoint it calls. [`BackendApi::request`] reaches any other
//! endpoint with the same key, headers, retries and error type.
//!
//! Every typed operation is a row of [`OPERATIONS`] (method, path template, parameter names)
//! and builds its request from that row. Parameters are `XxxParams::new()` plus one setter per
//! wire name. Failures are one [`ApiError`]; timeouts, retries and an optional client-side
//! rate limit are one [`ApiPolicy`].
//!
//! ```no_run
//! # #[allow(dead_code)]
//! # async fn handler(clerk: clerk_sdk::Clerk) -> Result<(), clerk_sdk::api::ApiError> {
//! use clerk_sdk::api::{MembershipListParams, MetadataParams};
//! use serde_json::json;
//!
//! let api = clerk.api();
//! let user = api.users().get("user_2abc").await?;
//! let onboarded = MetadataParams::new().public_metadata(json!({"onboarded": true}));
//! api.users().update_metadata(&user.id, &onboarded).await?;
//! let members = api
//!     .organizations()
//!     .memberships("org_2xyz")
//!     .list(&MembershipListParams::new().role("org:admin").limit(50))
//!     .await?;
//! println!("{} admins", members.total_count);
//! match api.users().get("user_gone").await {
//!     Err(e) if e.is_not_found() => println!("no such user"),
//!     Err(e) if e.is_rate_limited() => println!("retry in {:?}", e.retry_after()),
//!     other => drop(other?),
//! }
//! # Ok(()) }
//! ```
//!
//! The models are lenient by design: Clerk adds fields and enum values without a new API
//! version, so an unknown value is kept rather than refused.

mod client;
mod encode;
mod error;
mod invitations;
mod model;
mod operation;
mod organizations;
mod params;
mod policy;
mod rate_limit;
mod raw;
mod sessions;
mod users;

pub use client::BackendApi;
pub use encode::{IntoValues, Many};
pub use error::{ApiError, ClerkError, Refusal, StatusError, TransportFailure};
pub use invitations::Invitations;
pub use model::*;
pub use operation::{OPERATIONS, Operation};
pub use organizations::{OrganizationInvitations, OrganizationMemberships, Organizations};
pub use params::{
    CreateInvitationParams, CreateMembershipParams, CreateOrganizationInvitationParams,
    CreateOrganizationParams, CreateUserParams, InvitationListParams, MembershipListParams, MetadataParams,
    OrganizationGetParams, OrganizationInvitationListParams, OrganizationListParams, PageParams,
    SessionListParams, UpdateOrganizationParams, UpdateUserParams, UserListParams,
};
pub use policy::{ApiPolicy, RateLimit};
pub use raw::RawRequest;
pub use sessions::Sessions;
pub use users::Users;
