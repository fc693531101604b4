//! Tests of the local Clerk over real loopback HTTP, one file per area.

mod machine;
mod requests;
mod support;
mod users;
