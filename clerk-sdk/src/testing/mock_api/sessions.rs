//! The `/v1/sessions` endpoints: list (a bare array unless `paginated=true`), get, revoke,
//! and session tokens: real RS256 JWTs signed with the mock's latest key, so a `Clerk`
//! pointed at the mock verifies them through its JWKS.

use std::time::Duration;

use serde_json::{Value, json};

use super::super::TestKeys;
use super::Endpoint;
use super::server::{Call, State};
use super::store::{SessionRow, permissions};
use super::wire::{ApiError, bare_or_wrapped};

/// The statuses `status` may filter on.
const STATUSES: &[&str] = &[
    "abandoned",
    "active",
    "ended",
    "expired",
    "removed",
    "replaced",
    "revoked",
    "pending",
];

pub(super) fn handle(state: &mut State, endpoint: Endpoint, call: &Call) -> Result<Value, ApiError> {
    match endpoint {
        Endpoint::SessionList => {
            let query = &call.query;
            let page = query.page()?;
            let user_id = query.first("user_id");
            let client_id = query.first("client_id");
            if user_id.is_none() && client_id.is_none() {
                // Clerk has required one of them since 2024-01-01.
                return Err(ApiError::missing("user_id"));
            }
            let status = query.first("status");
            if let Some(status) = status
                && !STATUSES.contains(&status)
            {
                return Err(ApiError::invalid("status", "is not a session status"));
            }
            let mut sessions: Vec<&SessionRow> = state
                .store
                .sessions
                .iter()
                .filter(|s| {
                    user_id.is_none_or(|u| s.user_id == u)
                        && client_id.is_none_or(|c| s.client_id == c)
                        && status.is_none_or(|st| s.status == st)
                })
                .collect();
            sessions.reverse();
            let total_count = sessions.len();
            let data = page
                .apply(sessions)
                .into_iter()
                .map(SessionRow::to_json)
                .collect();
            bare_or_wrapped(query, data, total_count)
        }
        Endpoint::SessionGet => state
            .store
            .sessions
            .get(call.param(0))
            .map(SessionRow::to_json)
            .ok_or_else(ApiError::not_found),
        Endpoint::SessionRevoke => {
            let session = state
                .store
                .sessions
                .get_mut(call.param(0))
                .ok_or_else(ApiError::not_found)?;
            session.status = "revoked".to_owned();
            session.updated_at = call.now;
            Ok(session.to_json())
        }
        Endpoint::SessionToken | Endpoint::SessionTokenFromTemplate => {
            let jwt = session_token(state, endpoint, call)?;
            Ok(json!({ "object": "token", "jwt": jwt }))
        }
        _ => Err(ApiError::not_found()),
    }
}

/// A session token for an active session: `sub`, `sid`, `sts`, `iss` (the mock's URL),
/// `iat`/`nbf`/`exp` (`expires_in_seconds`: default 60 s, 30 s to ten years as on Clerk), the
/// v2 organization claim `o` when the session has an active organization the user belongs to,
/// then the template's claims.
fn session_token(state: &mut State, endpoint: Endpoint, call: &Call) -> Result<String, ApiError> {
    let body = call.json()?;
    let lifetime = body.u64("expires_in_seconds")?.unwrap_or(60);
    // Clerk's documented bounds: 30 s to ten years.
    if !(30..=315_360_000).contains(&lifetime) {
        return Err(ApiError::invalid(
            "expires_in_seconds",
            "must be between 30 and 315360000",
        ));
    }
    let keys = signing_key(state)?;
    let store = &state.store;
    let session = store
        .sessions
        .get(call.param(0))
        .filter(|s| s.status == "active")
        .ok_or_else(ApiError::not_found)?;
    let template = if endpoint == Endpoint::SessionTokenFromTemplate {
        let claims = store
            .jwt_templates
            .get(call.param(1))
            .ok_or_else(ApiError::not_found)?;
        Some(claims.clone())
    } else {
        None
    };
    let organization = session
        .last_active_organization_id
        .as_deref()
        .and_then(|id| store.organizations.get(id))
        .and_then(|o| store.membership(&o.id, &session.user_id).map(|m| (o, m)));
    let mut token = keys
        .session(session.user_id.clone())
        .issued_at_ms(call.now)
        .lifetime(Duration::from_secs(lifetime))
        .session_id(session.id.clone())
        .issuer(state.issuer.clone());
    if let Some((organization, membership)) = organization {
        let custom: Vec<&str> = permissions(&membership.role)
            .into_iter()
            .filter(|p| !p.starts_with("org:sys_"))
            .collect();
        token = token.org_v2(&organization.id, &organization.slug, &membership.role, &custom);
    }
    if let Some(Value::Object(claims)) = template {
        for (name, value) in claims {
            token = token.claim(&name, value);
        }
    }
    token
        .sign()
        .map_err(|_| internal("signing the session token failed"))
}

/// The latest added key; with none, a fresh key is generated and served from JWKS, so tokens
/// verify without setup.
fn signing_key(state: &mut State) -> Result<TestKeys, ApiError> {
    if let Some((_, keys)) = state.keys.last() {
        return Ok(keys.clone());
    }
    let keys = TestKeys::generate().map_err(|_| internal("key generation failed"))?;
    let jwk = keys.jwk().map_err(|_| internal("key encoding failed"))?;
    state.keys.push((jwk, keys.clone()));
    Ok(keys)
}

fn internal(message: &str) -> ApiError {
    ApiError::new(http::StatusCode::INTERNAL_SERVER_ERROR, "internal_error", message)
}
