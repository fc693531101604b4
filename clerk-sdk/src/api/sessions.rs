//! [`Sessions`]: the `/sessions` operations.

use serde::Deserialize;

use super::client::BackendApi;
use super::encode::{Fields, Param};
use super::error::ApiError;
use super::model::{Page, Session};
use super::operation as op;
use super::params::SessionListParams;

/// The instance's sessions, from [`BackendApi::sessions`].
#[derive(Debug, Clone, Copy)]
pub struct Sessions<'a> {
    api: &'a BackendApi,
}

#[derive(Deserialize)]
struct Token {
    jwt: String,
}

impl BackendApi {
    /// The `/sessions` operations.
    pub fn sessions(&self) -> Sessions<'_> {
        Sessions { api: self }
    }
}

impl Sessions<'_> {
    /// One session: `GET /sessions/{session_id}`.
    ///
    /// # Errors
    /// [`ApiError`]; [`ApiError::is_not_found`] when there is no such session.
    pub async fn get(&self, session_id: &str) -> Result<Session, ApiError> {
        self.api.send(op::SESSIONS_GET.call(&[session_id])?).await
    }

    /// A page of sessions: `GET /sessions?paginated=true` (Clerk expects `user_id` or
    /// `client_id`; without `paginated` it answers a bare array).
    ///
    /// # Errors
    /// [`ApiError`]; a `limit` outside 1..=500 is refused before sending.
    pub async fn list(&self, params: &SessionListParams) -> Result<Page<Session>, ApiError> {
        let call = op::SESSIONS_LIST.call_with(&[], Some(&params.fields), None)?;
        self.api.send(call).await
    }

    /// Revokes a session (signs it out): `POST /sessions/{session_id}/revoke`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn revoke(&self, session_id: &str) -> Result<Session, ApiError> {
        self.api.send(op::SESSIONS_REVOKE.call(&[session_id])?).await
    }

    /// A session token (the JWT string) for a session: `POST /sessions/{session_id}/tokens`,
    /// or `POST /sessions/{session_id}/tokens/{template_name}` with a JWT template.
    /// `expires_in_seconds` is sent only when given (Clerk takes 30 s to ten years, and
    /// answers 422 outside that).
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn create_token(
        &self,
        session_id: &str,
        template: Option<&str>,
        expires_in_seconds: Option<u64>,
    ) -> Result<String, ApiError> {
        let mut body = Fields::default();
        if let Some(secs) = expires_in_seconds {
            body.set(
                "expires_in_seconds",
                Param::Int(i64::try_from(secs).unwrap_or(i64::MAX)),
            );
        }
        let call = match template {
            Some(name) => {
                op::SESSIONS_CREATE_TOKEN_FROM_TEMPLATE.call_with(&[session_id, name], None, Some(&body))?
            }
            None => op::SESSIONS_CREATE_TOKEN.call_with(&[session_id], None, Some(&body))?,
        };
        Ok(self.api.send::<Token>(call).await?.jwt)
    }
}
