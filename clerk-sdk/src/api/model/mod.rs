//! The Backend API's resources as Rust types.
