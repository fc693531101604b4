//! Reading a token without verifying it: for debugging tools only.
//!
//! Nothing here checks a signature or a claim. Never make an access decision from these values;
//! use [`crate::Clerk::verify_token`] or [`crate::Clerk::authenticate_request`].

use serde_json::{Map, Value};

use crate::token::jwt::{DecodedJwt, MalformedToken};

/// A token's header and claims, decoded but **not verified**.
#[derive(Debug, Clone, PartialEq)]
pub struct UnverifiedToken {
    header: Map<String, Value>,
    claims: Map<String, Value>,
}

impl UnverifiedToken {
    /// The JOSE header (`alg`, `kid`, `typ`, `cat`, …), unverified.
    pub fn header(&self) -> &Map<String, Value> {
        &self.header
    }

    /// The payload, unverified.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }
}

/// Decodes a compact JWT without verifying it, with the same decoding rules as verification.
///
/// # Errors
/// [`MalformedToken`] when the token is too long, not three parts, or does not decode.
pub fn decode_unverified(token: &str) -> Result<UnverifiedToken, MalformedToken> {
    let (header, claims) = DecodedJwt::decode(token)?.into_parts()?;
    Ok(UnverifiedToken { header, claims })
}
