//! `authenticate_request`: finds the credential, dispatches on the accepted token types
//! (B §6.3–6.4 with Part A items 4, 6, 13, 14) and verifies it.

use std::sync::Arc;

use http::HeaderMap;

use super::session::SessionAuth;
use super::verified::VerifiedSession;
use super::{AuthStatus, RequestState, SignedOutReason, TokenCarrier};
use crate::clerk::ClerkInner;
use crate::error::{AuthError, SessionVerifyError};
use crate::machine;
use crate::token::extract::{self, HeaderCredential};
use crate::token::jwt::{DecodedJwt, MAX_TOKEN_LEN, MalformedToken};
use crate::token::{self, AcceptsToken, TokenType, category, session};
use crate::token_cache::TokenDigest;

/// Decides one request from its headers.
///
/// # Errors
/// Only configuration or infrastructure faults; a bad credential is a signed-out state.
pub(crate) async fn authenticate(
    inner: &ClerkInner,
    headers: &HeaderMap,
    accepts: &AcceptsToken,
) -> Result<RequestState, AuthError> {
    let config = &inner.config;
    match extract::authorization(headers) {
        HeaderCredential::Token(token) => {
            verify_credential(inner, accepts, token, TokenCarrier::Header).await
        }
        HeaderCredential::Unusable(_) => Ok(RequestState::signed_out(
            SignedOutReason::UnusableAuthorizationHeader,
            Some(first_accepted(accepts)),
        )),
        HeaderCredential::Absent => {
            // Machine tokens are read from the header only: without one, the cookie is
            // consulted only when session tokens are accepted.
            if !accepts.accepts(TokenType::SessionToken) {
                return Ok(no_credential(accepts));
            }
            let suffix = config.publishable_key.as_ref().map(|pk| pk.cookie_suffix());
            match extract::session_cookie(headers, suffix.as_deref()) {
                Some(token) => verify_credential(inner, accepts, &token, TokenCarrier::Cookie).await,
                None => Ok(no_credential(accepts)),
            }
        }
    }
}

/// The state of a request with no credential at all, under `accepts` (B §6.4 step 3, Part A
/// item 14): upstream's literal `No token in header` for a single machine type; a type
/// mismatch for a list without session tokens (upstream checks the list first, counting the
/// missing header as a session token); `session-token-missing` otherwise.
pub(crate) fn no_credential(accepts: &AcceptsToken) -> RequestState {
    match accepts {
        AcceptsToken::One(t) if t.is_machine() => {
            RequestState::signed_out(SignedOutReason::NoTokenInHeader, Some(*t))
        }
        _ if !accepts.accepts(TokenType::SessionToken) => RequestState::signed_out(
            SignedOutReason::TokenTypeMismatch {
                found: TokenType::SessionToken,
            },
            None,
        ),
        _ => RequestState::signed_out(
            SignedOutReason::SessionTokenMissing,
            Some(TokenType::SessionToken),
        ),
    }
}

/// The type reported for a credential that could not be read at all.
fn first_accepted(accepts: &AcceptsToken) -> TokenType {
    match accepts {
        AcceptsToken::One(t) => *t,
        AcceptsToken::Many(_) | AcceptsToken::Any => TokenType::SessionToken,
    }
}

async fn verify_credential(
    inner: &ClerkInner,
    accepts: &AcceptsToken,
    token: &str,
    carrier: TokenCarrier,
) -> Result<RequestState, AuthError> {
    // The cache holds session tokens only, so it is consulted only where they are accepted,
    // never for an opaque machine token, and never for a token the length cap refuses.
    let cache = inner
        .token_cache
        .as_ref()
        .filter(|_| {
            accepts.accepts(TokenType::SessionToken)
                && token.len() <= MAX_TOKEN_LEN
                && token::opaque_machine_type(token).is_none()
        })
        .map(|cache| (cache, TokenDigest::of(token)));
    if let Some((cache, digest)) = &cache
        && let Some(entry) = cache.get(digest)
    {
        match from_cache(inner, entry, carrier).await {
            Some(state) => {
                if state.status() == AuthStatus::SignedOut {
                    cache.remove(digest);
                }
                return Ok(state);
            }
            // Its key is gone: verify from scratch, which says why it fails now.
            None => cache.remove(digest),
        }
    }

    let config = &inner.config;
    // One decode serves type detection and verification. The M2M category is not refused
    // here: in a request it is a type mismatch, not a malformed token.
    let decoded = DecodedJwt::decode(token).map_err(SessionVerifyError::Malformed);
    let detected = detect(token, decoded.as_ref().ok());

    // Machine tokens are read from the Authorization header only, never from cookies.
    let cookie_machine = carrier == TokenCarrier::Cookie && detected.is_machine();
    if !accepts.accepts(detected) || cookie_machine {
        return Ok(RequestState::signed_out(
            SignedOutReason::TokenTypeMismatch { found: detected },
            accepts.mismatch_type(),
        ));
    }
    if detected.is_machine() {
        let decoded = decoded.ok();
        return Ok(match machine::verify(inner, token, detected, decoded).await {
            Ok(machine) => RequestState::signed_in_machine(machine),
            Err(error) => RequestState::signed_out(SignedOutReason::Machine { error }, Some(detected)),
        });
    }

    let session_type = Some(TokenType::SessionToken);
    let decoded = match decoded {
        Ok(d) => d,
        Err(error) => {
            return Ok(RequestState::signed_out(
                SignedOutReason::Token { error, carrier },
                session_type,
            ));
        }
    };
    // A JWT template or other non-session category is a different kind of token (B §6.4).
    if decoded.header().cat_not_string || category::is_non_session(decoded.header().cat.as_deref()) {
        return Ok(RequestState::signed_out(
            SignedOutReason::TokenTypeMismatch {
                found: TokenType::SessionToken,
            },
            session_type,
        ));
    }
    let key = match inner.session_key(decoded.header().kid.as_deref()).await {
        Ok(key) => key,
        Err(error) => {
            return Ok(RequestState::signed_out(
                SignedOutReason::Token { error, carrier },
                session_type,
            ));
        }
    };
    let now_ms = config.clock.now_ms();
    match session::verify_decoded(decoded, &key, &config.rules, now_ms) {
        Ok(verified) => {
            let Some(entry) = VerifiedSession::new(verified.text, &verified.scan.fields, verified.times, key)
            else {
                // Unreachable (payloads are far below 64 KiB); refuse rather than guess.
                return Ok(RequestState::signed_out(
                    SignedOutReason::Token {
                        error: SessionVerifyError::Malformed(MalformedToken::TooLong),
                        carrier,
                    },
                    session_type,
                ));
            };
            let entry = Arc::new(entry);
            // Only a token that passed every check is cached.
            if let Some((cache, digest)) = cache {
                cache.insert(digest, Arc::clone(&entry));
            }
            Ok(RequestState::signed_in(
                SessionAuth::from_verified(entry),
                config.treat_pending_as_signed_out,
            ))
        }
        Err(error) => Ok(RequestState::signed_out(
            SignedOutReason::Token { error, carrier },
            session_type,
        )),
    }
}

/// A cache hit: the state the token gets now, or `None` when the key that verified it is no
/// longer the one its `kid` resolves to (rotated out, or keys unavailable).
async fn from_cache(
    inner: &ClerkInner,
    entry: Arc<VerifiedSession>,
    carrier: TokenCarrier,
) -> Option<RequestState> {
    // With a PEM key the key never changes; with JWKS the `kid` must still resolve to it.
    let same_key = match &inner.config.jwt_key {
        Some(key) => key.same_key(entry.key()),
        None => inner
            .session_key(entry.key().kid())
            .await
            .ok()?
            .same_key(entry.key()),
    };
    if !same_key {
        return None;
    }
    let config = &inner.config;
    let now_ms = config.clock.now_ms();
    Some(
        match session::check_time_claims(entry.times(), config.rules.clock_skew_ms, now_ms) {
            Ok(()) => RequestState::signed_in(
                SessionAuth::from_verified(entry),
                config.treat_pending_as_signed_out,
            ),
            Err(error) => RequestState::signed_out(
                SignedOutReason::Token { error, carrier },
                Some(TokenType::SessionToken),
            ),
        },
    )
}

/// B §6.5 on an already decoded token: opaque prefixes, then machine JWTs (only when strictly
/// JWT-formatted), else a session token.
fn detect(token: &str, decoded: Option<&DecodedJwt<'_>>) -> TokenType {
    if let Some(t) = token::opaque_machine_type(token) {
        return t;
    }
    // The strict format check scans the whole token: run it only for the rare machine JWT.
    decoded
        .and_then(token::machine_jwt_type)
        .filter(|_| token::is_jwt_format(token))
        .unwrap_or(TokenType::SessionToken)
}
