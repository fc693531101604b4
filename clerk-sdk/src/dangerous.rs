//! Reading a token or a webhook body without verifying it: for debugging tools, and for bodies
//! whose signature was checked separately.
//!
//! Nothing here checks a signature or a claim. Never make an access decision from these values;
//! use [`crate::Clerk::verify_token`], [`crate::Clerk::authenticate_request`] or
//! [`crate::webhook::Webhook::verify`].

use serde_json::{Map, Value};

use crate::token::jwt::{DecodedJwt, MalformedToken};
use crate::webhook::{WebhookError, WebhookEvent};

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

/// Parses a webhook body into a [`WebhookEvent`] **without checking its signature**.
///
/// Only for a body whose signature you already checked with
/// [`crate::webhook::Webhook::verify_signature`] (for instance to record the message id before
/// parsing); [`crate::webhook::Webhook::verify`] does both in one call and is what handlers
/// should use. Anyone can post an unsigned body to your endpoint.
///
/// # Errors
/// `webhook-payload-invalid` when the body is not a JSON object with a string `type`, or an
/// envelope field has the wrong type.
pub fn parse_webhook_event(body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    WebhookEvent::parse(body)
}
