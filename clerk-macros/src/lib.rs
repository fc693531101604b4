//! Procedural macros for `clerk-sdk`.
//!
//! Users never depend on this crate directly: `clerk-sdk` re-exports its macros behind the
//! `macros` feature so that the macro and the runtime it calls into always change together.
//! The `#[clerk_protected]` attribute arrives with the macro issue; until then this crate only
//! reserves its place in the workspace.
