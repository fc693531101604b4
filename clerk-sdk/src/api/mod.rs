//! A typed client for Clerk's Backend API: users, organizations, memberships, invitations and
//! sessions.
//!
//! The models are lenient by design: Clerk adds fields and enum values without a new API
//! version, so an unknown value is kept rather than refused.

mod model;

pub use model::*;
