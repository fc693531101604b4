//! Tests of the local Clerk over real loopback HTTP, one file per area.

mod invitations;
mod machine;
mod organizations;
mod requests;
mod sessions;
mod spec;
mod support;
mod users;
mod wire;
