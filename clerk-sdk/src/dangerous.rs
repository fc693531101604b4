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
/// [`crate::webhook::Webhook::verify_message`] (signature, then the replay store) or
/// [`crate::webhook::Webhook::verify_signature`] (signature only), for instance to record the
/// message id before parsing; [`crate::webhook::Webhook::verify`] does it all in one call and
/// is what handlers should use. Anyone can post an unsigned body to your endpoint.
///
/// # Errors
/// `webhook-payload-invalid` when the body is not a JSON object with a string `type`, or an
/// envelope field has the wrong type.
pub fn parse_webhook_event(body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    WebhookEvent::parse(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_without_a_signature_and_refuses_what_is_not_an_event() {
        let event = parse_webhook_event(br#"{"type":"user.created","data":{"id":"user_1"}}"#);
        assert_eq!(
            event.map(|e| e.event_type.as_str().to_owned()).ok().as_deref(),
            Some("user.created")
        );
        let refused = parse_webhook_event(b"[]").map(|_| ()).map_err(|e| e.reason());
        assert_eq!(refused, Err("webhook-payload-invalid"));
    }
}
