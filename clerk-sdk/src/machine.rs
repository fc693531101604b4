//! Machine callers: m2m tokens, OAuth access tokens and API keys.
//!
//! Opaque tokens (`mt_…`, `oat_…`, `ak_…`) are verified by the Backend API's verify endpoints,
//! which have no version segment in their path. JWT-format m2m and OAuth tokens are verified
//! networklessly with the instance's session keys. A `200` whose `revoked` or `expired` flag is
//! set is refused: `@clerk/backend` trusts the status alone, but a flagged token must not pass.
//! Shares the session path's signature and claim checks, nothing else.

use std::time::Duration;

use http::{Method, StatusCode};
use serde_json::{Map, Value};

use crate::clock::Clock;
use crate::jwks::JwksError;
use crate::key_source::KeySource;
use crate::reason::ReasonClass;
use crate::secret::SecretKey;
use crate::token::jwt::DecodedJwt;
use crate::token::session::{self, SessionRules};
use crate::token::{self, SessionVerifyError, TokenType, category};
use crate::transport::{Response, Transport, TransportError};

/// Time budget of one verify call; upstream has none, we never hang.
const VERIFY_TIMEOUT: Duration = Duration::from_secs(5);

/// A verified machine caller (upstream's `authenticatedMachineObject`).
#[derive(Debug, Clone, PartialEq)]
pub struct MachineAuth {
    token_type: TokenType,
    id: String,
    subject: String,
    scopes: Vec<String>,
    claims: Option<Map<String, Value>>,
    name: Option<String>,
    client_id: Option<String>,
}

impl MachineAuth {
    /// `m2m_token`, `oauth_token` or `api_key`.
    pub fn token_type(&self) -> TokenType {
        self.token_type
    }

    /// The token's id (`jti` for JWTs).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Who the token acts for: `mch_…`, `user_…` or `org_…`.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Granted scopes.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// Custom claims (m2m tokens and API keys).
    pub fn claims(&self) -> Option<&Map<String, Value>> {
        self.claims.as_ref()
    }

    /// The API key's name (API keys only).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The OAuth client id (OAuth tokens only).
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// The machine id: the subject of an m2m token.
    pub fn machine_id(&self) -> Option<&str> {
        (self.token_type == TokenType::M2mToken).then_some(self.subject.as_str())
    }

    /// The user id: an OAuth token's subject, or an API key's subject when it is a user.
    pub fn user_id(&self) -> Option<&str> {
        match self.token_type {
            TokenType::OAuthToken => Some(&self.subject),
            TokenType::ApiKey if self.subject.starts_with("user_") => Some(&self.subject),
            _ => None,
        }
    }

    /// The organization id: an API key's subject when it is an organization.
    pub fn org_id(&self) -> Option<&str> {
        (self.token_type == TokenType::ApiKey && self.subject.starts_with("org_"))
            .then_some(self.subject.as_str())
    }
}

/// Why a machine token was refused. `reason()` is upstream's `MachineTokenVerificationErrorCode`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MachineTokenError {
    /// The Backend API does not know the token (404).
    #[error("{} not found", not_found_noun(*.token_type))]
    NotFound {
        /// The token's type.
        token_type: TokenType,
    },
    /// The Backend API answered 200 but flagged the token revoked.
    #[error("{} is revoked", not_found_noun(*.token_type))]
    Revoked {
        /// The token's type.
        token_type: TokenType,
    },
    /// The Backend API answered 200 but flagged the token expired.
    #[error("{} is expired", not_found_noun(*.token_type))]
    Expired {
        /// The token's type.
        token_type: TokenType,
    },
    /// The Backend API refused our secret key (401).
    #[error("{}", .message.as_deref().unwrap_or("Invalid secret key"))]
    SecretKeyInvalid {
        /// Clerk's message, if it sent one.
        message: Option<String>,
    },
    /// Another status, no answer, or an answer that is not the expected JSON.
    #[error("unexpected error verifying the machine token: {cause}")]
    Unexpected {
        /// What happened, e.g. `status 500` or `timed out`.
        cause: String,
        /// The HTTP status, when there was one.
        status: Option<u16>,
    },
    /// A JWT-format machine token failed a check (signature, time, audience, category, type),
    /// or an OAuth token's audience did not match.
    #[error(transparent)]
    Verification(MachineJwtError),
    /// No key can verify this kind of token with the current configuration.
    #[error("failed to resolve a JWK during verification")]
    KeyUnresolved,
    /// The keys for a JWT-format machine token could not be fetched (reason
    /// `jwk-remote-failed-to-load` or `secret-key-invalid`; upstream says
    /// `token-verification-failed`).
    #[error(transparent)]
    KeysUnavailable(JwksError),
}

impl MachineJwtError {
    /// The stable reason string, identical to `@clerk/backend`'s: `token-invalid` for an m2m
    /// JWT of the wrong category (refused before its signature is checked), else
    /// `token-verification-failed` (expiry included, as upstream reports it for machine JWTs).
    pub fn reason(&self) -> &'static str {
        match self {
            MachineJwtError::InvalidCategory => "token-invalid",
            MachineJwtError::InvalidType
            | MachineJwtError::NotMachineJwt
            | MachineJwtError::MalformedAudience
            | MachineJwtError::AudienceMismatch
            | MachineJwtError::Token(_) => "token-verification-failed",
        }
    }
}

impl From<MachineJwtError> for MachineTokenError {
    fn from(e: MachineJwtError) -> Self {
        MachineTokenError::Verification(e)
    }
}

/// Why a JWT-format machine token (or an OAuth token's audience) failed a check.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MachineJwtError {
    /// An m2m JWT whose `cat` header is not the m2m category.
    #[error("invalid M2M JWT category")]
    InvalidCategory,
    /// An m2m JWT whose `typ` is present and is not `JWT`.
    #[error("invalid JWT type (expected \"JWT\")")]
    InvalidType,
    /// Neither an OAuth `typ` nor an m2m subject.
    #[error(
        "invalid JWT type: expected at+jwt or application/at+jwt for OAuth, or a sub starting with mch_ for M2M"
    )]
    NotMachineJwt,
    /// With an audience configured, an OAuth token whose `aud` is not a non-empty string or a
    /// non-empty array of non-empty strings.
    #[error(
        "invalid OAuth audience claim (aud): expected a non-empty string or a non-empty array of non-empty strings"
    )]
    MalformedAudience,
    /// An OAuth token whose `aud` names none of the configured audiences.
    #[error("OAuth audience mismatch")]
    AudienceMismatch,
    /// A check shared with session tokens failed (signature, algorithm, time claims, `aud`,
    /// unknown `kid`).
    #[error(transparent)]
    Token(SessionVerifyError),
}

fn not_found_noun(t: TokenType) -> &'static str {
    match t {
        TokenType::OAuthToken => "OAuth token",
        TokenType::ApiKey => "API key",
        TokenType::M2mToken | TokenType::SessionToken => "Machine token",
    }
}

impl MachineTokenError {
    /// The stable reason string, identical to `@clerk/backend`'s.
    pub fn reason(&self) -> &'static str {
        match self {
            MachineTokenError::NotFound { .. }
            | MachineTokenError::Revoked { .. }
            | MachineTokenError::Expired { .. } => "token-invalid",
            MachineTokenError::SecretKeyInvalid { .. } => "secret-key-invalid",
            MachineTokenError::Unexpected { .. } => "unexpected-error",
            MachineTokenError::Verification(e) => e.reason(),
            MachineTokenError::KeyUnresolved => "token-verification-failed",
            MachineTokenError::KeysUnavailable(e) => e.reason(),
        }
    }

    /// What kind of failure this is: a refused secret key is the server's configuration, an
    /// unanswered verify call or unreachable keys an outage, anything else the token's fault.
    pub fn class(&self) -> ReasonClass {
        match self {
            MachineTokenError::SecretKeyInvalid { .. } => ReasonClass::Misconfigured,
            MachineTokenError::Unexpected { .. } => ReasonClass::Unavailable,
            MachineTokenError::KeysUnavailable(e) => e.class(),
            MachineTokenError::NotFound { .. }
            | MachineTokenError::Revoked { .. }
            | MachineTokenError::Expired { .. }
            | MachineTokenError::Verification(_)
            | MachineTokenError::KeyUnresolved => ReasonClass::Unauthenticated,
        }
    }

    /// The HTTP status behind the error, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            MachineTokenError::NotFound { .. } => Some(404),
            MachineTokenError::SecretKeyInvalid { .. } => Some(401),
            MachineTokenError::Revoked { .. } | MachineTokenError::Expired { .. } => Some(200),
            MachineTokenError::Unexpected { status, .. } => *status,
            MachineTokenError::Verification(_)
            | MachineTokenError::KeyUnresolved
            | MachineTokenError::KeysUnavailable(_) => None,
        }
    }
}

/// Verifies machine credentials: what it needs from the config, taken once, so that it can be
/// built and tested without a [`crate::Clerk`].
#[derive(Debug)]
pub(crate) struct MachineVerifier {
    /// The Backend API transport, when a secret key makes verify calls possible.
    transport: Option<Transport>,
    secret_key: Option<SecretKey>,
    machine_secret_key: Option<SecretKey>,
    /// M2M JWTs check the audience like session tokens, and nothing else a session checks;
    /// its `audiences` are also the list OAuth tokens' own audience rule reads.
    m2m_rules: SessionRules,
    /// OAuth JWTs check their audience with their own rule, after the signature.
    oauth_rules: SessionRules,
}

impl MachineVerifier {
    /// A verifier calling Clerk through `transport` with these keys, applying `audiences` and
    /// the clock skew to JWT-format tokens.
    pub(crate) fn new(
        transport: Option<Transport>,
        secret_key: Option<SecretKey>,
        machine_secret_key: Option<SecretKey>,
        audiences: Vec<String>,
        clock_skew_ms: u64,
    ) -> Self {
        let oauth_rules = SessionRules {
            clock_skew_ms,
            ..SessionRules::default()
        };
        let m2m_rules = SessionRules {
            audiences,
            ..oauth_rules.clone()
        };
        MachineVerifier {
            transport,
            secret_key,
            machine_secret_key,
            m2m_rules,
            oauth_rules,
        }
    }

    /// Verifies a machine credential of detected type `token_type`: JWT-format tokens with
    /// `keys`, opaque ones through the Backend API.
    pub(crate) async fn verify(
        &self,
        keys: &KeySource,
        clock: &dyn Clock,
        token: &str,
        token_type: TokenType,
        decoded: Option<DecodedJwt<'_>>,
    ) -> Result<MachineAuth, MachineTokenError> {
        match decoded {
            Some(jwt) if token::is_jwt_format(token) => self.verify_jwt(keys, clock, jwt).await,
            _ => self.verify_opaque(token, token_type).await,
        }
    }

    /// Networkless m2m and OAuth JWTs, signed with the instance's session keys.
    async fn verify_jwt(
        &self,
        keys: &KeySource,
        clock: &dyn Clock,
        jwt: DecodedJwt<'_>,
    ) -> Result<MachineAuth, MachineTokenError> {
        let header = jwt.header();
        let is_m2m = match token::machine_jwt_type(&jwt) {
            Some(TokenType::M2mToken) => true,
            Some(TokenType::OAuthToken) => false,
            _ => return Err(MachineJwtError::NotMachineJwt.into()),
        };
        if is_m2m {
            if header.cat_not_string || header.cat.as_deref().is_some_and(|c| c != category::M2M) {
                return Err(MachineJwtError::InvalidCategory.into());
            }
            if header.typ_not_string || header.typ.as_deref().is_some_and(|t| t != "JWT") {
                return Err(MachineJwtError::InvalidType.into());
            }
        }
        let key = keys.resolve(header.kid.as_deref()).await.map_err(|e| match e {
            SessionVerifyError::KeyUnresolved => MachineTokenError::KeyUnresolved,
            // An unknown kid is the token's fault.
            e @ SessionVerifyError::Jwks(JwksError::KidNotFound { .. }) => MachineJwtError::Token(e).into(),
            // Keys that cannot be had are not the token's fault: keep the reason, so that
            // adapters fail closed (503) as they do for session tokens.
            SessionVerifyError::Jwks(jwks) => MachineTokenError::KeysUnavailable(jwks),
            other => MachineJwtError::Token(other).into(),
        })?;
        let rules = if is_m2m {
            &self.m2m_rules
        } else {
            &self.oauth_rules
        };
        session::check_signature(&jwt, &key)
            .await
            .map_err(MachineJwtError::Token)?;
        let claims = jwt.into_claims();
        session::check_claims(&claims, rules, clock.now_ms()).map_err(MachineJwtError::Token)?;
        if is_m2m {
            return Ok(m2m_from_jwt(claims));
        }
        check_oauth_audience(claims.get("aud"), &self.m2m_rules.audiences)?;
        Ok(oauth_from_jwt(claims))
    }

    /// Opaque tokens, through the Backend API's verify endpoints. These have no version
    /// segment in their path (`{api_url}/m2m_tokens/verify`, not `/v1/…`), as Clerk serves them.
    async fn verify_opaque(
        &self,
        token: &str,
        token_type: TokenType,
    ) -> Result<MachineAuth, MachineTokenError> {
        let Some(client) = self.transport.as_ref() else {
            return Err(MachineTokenError::KeyUnresolved);
        };
        let (path, field, bearer) = match token_type {
            TokenType::M2mToken => (
                "m2m_tokens/verify",
                "token",
                self.machine_secret_key.as_ref().or(self.secret_key.as_ref()),
            ),
            TokenType::OAuthToken => (
                "oauth_applications/access_tokens/verify",
                "access_token",
                self.secret_key.as_ref(),
            ),
            TokenType::ApiKey | TokenType::SessionToken => {
                ("api_keys/verify", "secret", self.secret_key.as_ref())
            }
        };
        let body = serde_json::to_vec(&serde_json::json!({ field: token }))
            .map_err(|_| unexpected("encoding", None))?;
        let url = client.unversioned_url(path);
        let response = send(client, &url, bearer, body).await?;
        if response.status == StatusCode::UNAUTHORIZED {
            return Err(MachineTokenError::SecretKeyInvalid {
                message: response.error_message(),
            });
        }
        if response.status == StatusCode::NOT_FOUND {
            return Err(MachineTokenError::NotFound { token_type });
        }
        if !response.status.is_success() {
            let status = response.status.as_u16();
            return Err(unexpected(&format!("status {status}"), Some(status)));
        }
        let status = Some(response.status.as_u16());
        if !response.is_json() {
            return Err(unexpected("the answer is not JSON", status));
        }
        let json: Map<String, Value> = serde_json::from_slice(&response.body)
            .map_err(|_| unexpected("the answer is malformed JSON", status))?;
        if json.get("revoked").and_then(Value::as_bool) == Some(true) {
            return Err(MachineTokenError::Revoked { token_type });
        }
        if json.get("expired").and_then(Value::as_bool) == Some(true) {
            return Err(MachineTokenError::Expired { token_type });
        }
        let (Some(id), Some(subject)) = (string_claim(&json, "id"), string_claim(&json, "subject")) else {
            return Err(unexpected("the answer lacks id or subject", status));
        };
        if token_type == TokenType::OAuthToken {
            check_oauth_audience(json.get("aud"), &self.m2m_rules.audiences)?;
        }
        let claims = json.get("claims").and_then(Value::as_object).cloned();
        Ok(MachineAuth {
            token_type,
            id,
            subject,
            scopes: json.get("scopes").map(string_list).unwrap_or_default(),
            claims: if token_type == TokenType::OAuthToken {
                None
            } else {
                claims
            },
            name: (token_type == TokenType::ApiKey)
                .then(|| string_claim(&json, "name"))
                .flatten(),
            client_id: (token_type == TokenType::OAuthToken)
                .then(|| string_claim(&json, "client_id").unwrap_or_default()),
        })
    }
}

/// `@clerk/backend`'s `assertOAuthAudienceClaim`: with an audience configured, `aud` must be a non-empty
/// string or a non-empty array of non-empty strings, intersecting the configured list.
fn check_oauth_audience(aud: Option<&Value>, accepted: &[String]) -> Result<(), MachineTokenError> {
    if accepted.is_empty() {
        return Ok(());
    }
    let values: Option<Vec<&str>> = match aud {
        Some(Value::String(s)) if !s.is_empty() => Some(vec![s.as_str()]),
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .map(|v| v.as_str().filter(|s| !s.is_empty()))
            .collect(),
        _ => None,
    };
    let Some(values) = values else {
        return Err(MachineJwtError::MalformedAudience.into());
    };
    if values.iter().any(|v| accepted.iter().any(|a| a == v)) {
        Ok(())
    } else {
        Err(MachineJwtError::AudienceMismatch.into())
    }
}

fn string_claim(claims: &Map<String, Value>, name: &str) -> Option<String> {
    claims.get(name).and_then(Value::as_str).map(str::to_owned)
}

fn split_scopes(s: &str) -> Vec<String> {
    s.split(' ')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

fn string_list(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// `M2MToken.fromJwtPayload`.
fn m2m_from_jwt(claims: Map<String, Value>) -> MachineAuth {
    let scopes = match (claims.get("scopes").and_then(Value::as_str), claims.get("aud")) {
        (Some(s), _) => split_scopes(s),
        (None, Some(aud)) => string_list(aud),
        (None, None) => Vec::new(),
    };
    let custom: Map<String, Value> = claims
        .iter()
        .filter(|(k, _)| !["iss", "sub", "exp", "nbf", "iat", "jti"].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    MachineAuth {
        token_type: TokenType::M2mToken,
        id: string_claim(&claims, "jti").unwrap_or_default(),
        subject: string_claim(&claims, "sub").unwrap_or_default(),
        scopes,
        claims: (!custom.is_empty()).then_some(custom),
        name: None,
        client_id: None,
    }
}

/// `IdPOAuthAccessToken.fromJwtPayload`.
fn oauth_from_jwt(claims: Map<String, Value>) -> MachineAuth {
    let scopes = match (claims.get("scp"), claims.get("scope").and_then(Value::as_str)) {
        (Some(scp), _) => string_list(scp),
        (None, Some(scope)) => split_scopes(scope),
        (None, None) => Vec::new(),
    };
    MachineAuth {
        token_type: TokenType::OAuthToken,
        id: string_claim(&claims, "jti").unwrap_or_default(),
        subject: string_claim(&claims, "sub").unwrap_or_default(),
        scopes,
        claims: None,
        name: None,
        client_id: Some(string_claim(&claims, "client_id").unwrap_or_default()),
    }
}

async fn send(
    client: &Transport,
    url: &str,
    bearer: Option<&crate::secret::SecretKey>,
    body: Vec<u8>,
) -> Result<Response, MachineTokenError> {
    client
        .send(Method::POST, url, bearer, Some(body), VERIFY_TIMEOUT)
        .await
        .map_err(|e: TransportError| unexpected(&e.to_string(), None))
}

fn unexpected(cause: &str, status: Option<u16>) -> MachineTokenError {
    MachineTokenError::Unexpected {
        cause: cause.to_owned(),
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn opaque_tokens_without_a_transport_are_key_unresolved() {
        use futures_util::FutureExt as _;
        let verifier = MachineVerifier::new(None, None, None, Vec::new(), 0);
        let clock = crate::clock::FixedClock::new(0);
        for (token, token_type) in [("ak_x", TokenType::ApiKey), ("mt_x", TokenType::M2mToken)] {
            let outcome = verifier
                .verify(&KeySource::None, &clock, token, token_type, None)
                .now_or_never();
            assert_eq!(outcome, Some(Err(MachineTokenError::KeyUnresolved)), "{token}");
        }
    }

    #[test]
    fn m2m_jwt_mapping() {
        let auth = m2m_from_jwt(map(json!({
            "sub": "mch_1", "jti": "mt_1", "iat": 1, "exp": 2, "scopes": "a b", "aud": ["x"], "tier": "gold"
        })));
        assert_eq!(auth.machine_id(), Some("mch_1"));
        assert_eq!(auth.id(), "mt_1");
        assert_eq!(auth.scopes(), ["a", "b"]);
        let claims = auth.claims().unwrap();
        assert!(claims.contains_key("aud") && claims.contains_key("scopes") && claims.contains_key("tier"));
        assert!(!claims.contains_key("sub") && !claims.contains_key("exp"));
        let by_aud = m2m_from_jwt(map(json!({"sub": "mch_1", "aud": "only"})));
        assert_eq!(by_aud.scopes(), ["only"]);
        assert_eq!(by_aud.id(), "");
    }

    #[test]
    fn oauth_jwt_mapping() {
        let auth = oauth_from_jwt(map(
            json!({"sub": "user_1", "client_id": "c1", "scope": "read write"}),
        ));
        assert_eq!(auth.user_id(), Some("user_1"));
        assert_eq!(auth.client_id(), Some("c1"));
        assert_eq!(auth.scopes(), ["read", "write"]);
        let scp = oauth_from_jwt(map(json!({"sub": "org_1", "scp": ["a"], "scope": "b"})));
        assert_eq!(scp.scopes(), ["a"]);
        assert_eq!(scp.user_id(), Some("org_1")); // always the subject, as upstream
    }

    #[test]
    fn api_key_ids_by_prefix() {
        let key = |subject: &str| MachineAuth {
            token_type: TokenType::ApiKey,
            id: "ak_id".into(),
            subject: subject.into(),
            scopes: vec![],
            claims: None,
            name: Some("ci".into()),
            client_id: None,
        };
        assert_eq!(key("user_1").user_id(), Some("user_1"));
        assert_eq!(key("user_1").org_id(), None);
        assert_eq!(key("org_1").org_id(), Some("org_1"));
        assert_eq!(key("org_1").machine_id(), None);
    }

    #[test]
    fn oauth_audience_rule() {
        let accepted = vec!["api".to_owned()];
        assert!(check_oauth_audience(None, &[]).is_ok());
        assert!(check_oauth_audience(Some(&json!("api")), &accepted).is_ok());
        assert!(check_oauth_audience(Some(&json!(["x", "api"])), &accepted).is_ok());
        for bad in [json!("x"), json!(""), json!([]), json!(["api", ""]), json!(5)] {
            assert!(check_oauth_audience(Some(&bad), &accepted).is_err(), "{bad}");
        }
        assert!(check_oauth_audience(None, &accepted).is_err());
    }

    #[test]
    fn reasons() {
        let cases = [
            (
                MachineTokenError::NotFound {
                    token_type: TokenType::ApiKey,
                },
                "token-invalid",
            ),
            (
                MachineTokenError::Revoked {
                    token_type: TokenType::ApiKey,
                },
                "token-invalid",
            ),
            (
                MachineTokenError::Expired {
                    token_type: TokenType::M2mToken,
                },
                "token-invalid",
            ),
            (
                MachineTokenError::SecretKeyInvalid { message: None },
                "secret-key-invalid",
            ),
            (unexpected("status 500", Some(500)), "unexpected-error"),
            (
                MachineTokenError::Verification(MachineJwtError::AudienceMismatch),
                "token-verification-failed",
            ),
            (
                MachineTokenError::Verification(MachineJwtError::InvalidCategory),
                "token-invalid",
            ),
            (
                MachineTokenError::Verification(MachineJwtError::Token(SessionVerifyError::Expired {
                    exp: 1.0,
                    now_ms: 2_000,
                })),
                "token-verification-failed",
            ),
        ];
        for (e, r) in cases {
            assert_eq!(e.reason(), r, "{e}");
        }
        assert_eq!(
            MachineTokenError::NotFound {
                token_type: TokenType::ApiKey
            }
            .to_string(),
            "API key not found"
        );
        assert_eq!(
            MachineTokenError::NotFound {
                token_type: TokenType::M2mToken
            }
            .to_string(),
            "Machine token not found"
        );
    }
}
