//! Opaque machine tokens ([`MachineTokenSpec`]) and the three verify endpoints that answer
//! them.

use hyper::body::Bytes;
use serde_json::{Value, json};

use super::super::random_hex;
use super::Endpoint;
use super::wire::{ApiError, Body};

/// A machine token to register with [`MockClerkApi::register_machine_token`](super::MockClerkApi::register_machine_token), built like
/// `MachineTokenSpec::m2m("mch_1").scopes(&["mch_2"])`.
///
/// The verify endpoint answers with Clerk's JSON for the token's type. `revoked` and `expired`
/// are reported as registered, with a 200: an SDK must refuse such answers itself.
#[derive(Debug, Clone)]
pub struct MachineTokenSpec {
    kind: Kind,
    id: Option<String>,
    subject: String,
    scopes: Vec<String>,
    claims: Option<Value>,
    revoked: bool,
    expired: bool,
}

#[derive(Debug, Clone)]
enum Kind {
    M2m,
    OAuth { client_id: String },
    ApiKey { name: String },
}

impl MachineTokenSpec {
    fn new(kind: Kind, subject: String) -> Self {
        MachineTokenSpec {
            kind,
            id: None,
            subject,
            scopes: Vec::new(),
            claims: None,
            revoked: false,
            expired: false,
        }
    }

    /// An M2M token (`object: "machine_to_machine_token"`) for the machine `subject`
    /// (`mch_...`), served at [`Endpoint::M2mVerify`].
    pub fn m2m(subject: impl Into<String>) -> Self {
        Self::new(Kind::M2m, subject.into())
    }

    /// An OAuth access token (`object: "clerk_idp_oauth_access_token"`) issued to the OAuth
    /// application `client_id` for the user `subject` (`user_...`), served at
    /// [`Endpoint::OAuthVerify`].
    pub fn oauth(subject: impl Into<String>, client_id: impl Into<String>) -> Self {
        Self::new(
            Kind::OAuth {
                client_id: client_id.into(),
            },
            subject.into(),
        )
    }

    /// An API key (`object: "api_key"`) named `name`, owned by `subject` (`user_...` or
    /// `org_...`), served at [`Endpoint::ApiKeyVerify`].
    pub fn api_key(subject: impl Into<String>, name: impl Into<String>) -> Self {
        Self::new(Kind::ApiKey { name: name.into() }, subject.into())
    }

    /// Sets `scopes`. Default: none.
    #[must_use]
    pub fn scopes(mut self, scopes: &[&str]) -> Self {
        self.scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Sets `claims`, the custom claims of M2M tokens and API keys. Default: `null`. Clerk's
    /// OAuth verify answer has no `claims` field, so OAuth tokens ignore this.
    #[must_use]
    pub fn claims(mut self, claims: Value) -> Self {
        self.claims = Some(claims);
        self
    }

    /// Reports the token as revoked (`revoked: true`, with a `revocation_reason`).
    #[must_use]
    pub fn revoked(mut self) -> Self {
        self.revoked = true;
        self
    }

    /// Reports the token as expired (`expired: true`, `expiration` an hour ago).
    #[must_use]
    pub fn expired(mut self) -> Self {
        self.expired = true;
        self
    }

    /// Sets `id`. Default: a random `mt_...`, `oat_...` or `ak_...` id.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    pub(super) fn endpoint(&self) -> Endpoint {
        match self.kind {
            Kind::M2m => Endpoint::M2mVerify,
            Kind::OAuth { .. } => Endpoint::OAuthVerify,
            Kind::ApiKey { .. } => Endpoint::ApiKeyVerify,
        }
    }

    /// Clerk's verify answer for this token, timed from `now_ms`.
    pub(super) fn to_json(&self, now_ms: u64) -> Value {
        const HOUR_MS: u64 = 3_600_000;
        let (created_at, expiration) = if self.expired {
            (now_ms.saturating_sub(2 * HOUR_MS), now_ms.saturating_sub(HOUR_MS))
        } else {
            (now_ms, now_ms + HOUR_MS)
        };
        let id_prefix = match self.kind {
            Kind::M2m => "mt",
            Kind::OAuth { .. } => "oat",
            Kind::ApiKey { .. } => "ak",
        };
        let id = self
            .id
            .clone()
            .unwrap_or_else(|| format!("{id_prefix}_{}", random_hex(16)));
        let revocation_reason = self.revoked.then_some("revoked by MockClerkApi");
        match &self.kind {
            Kind::M2m => json!({
                "object": "machine_to_machine_token",
                "id": id,
                "subject": self.subject,
                "scopes": self.scopes,
                "claims": self.claims,
                "revoked": self.revoked,
                "revocation_reason": revocation_reason,
                "expired": self.expired,
                "expiration": expiration,
                "created_at": created_at,
                "updated_at": created_at,
            }),
            Kind::ApiKey { name } => json!({
                "object": "api_key",
                "id": id,
                "type": "api_key",
                "name": name,
                "subject": self.subject,
                "scopes": self.scopes,
                "claims": self.claims,
                "revoked": self.revoked,
                "revocation_reason": revocation_reason,
                "expired": self.expired,
                "expiration": expiration,
                "created_by": null,
                "description": null,
                "last_used_at": null,
                "created_at": created_at,
                "updated_at": created_at,
            }),
            Kind::OAuth { client_id } => json!({
                "object": "clerk_idp_oauth_access_token",
                "id": id,
                "type": "oauth_token",
                "client_id": client_id,
                "subject": self.subject,
                "scopes": self.scopes,
                "revoked": self.revoked,
                "revocation_reason": revocation_reason,
                "expired": self.expired,
                "expiration": expiration,
                "created_at": created_at,
                "updated_at": created_at,
            }),
        }
    }
}

/// The answer of a verify endpoint: the registered token's JSON, 404 for anything else, 400
/// for a body without the token field.
pub(super) fn verify(
    endpoint: Endpoint,
    field: &'static str,
    body: &Bytes,
    tokens: &std::collections::HashMap<String, (Endpoint, Value)>,
) -> Result<Value, ApiError> {
    let body = Body::parse(body)?;
    let Some(token) = body.get(field).and_then(Value::as_str) else {
        return Err(ApiError::new(
            http::StatusCode::BAD_REQUEST,
            "form_param_missing",
            format!("{field} is missing"),
        ));
    };
    tokens
        .get(token)
        .filter(|(registered, _)| *registered == endpoint)
        .map(|(_, answer)| answer.clone())
        .ok_or_else(ApiError::not_found)
}
