//! [`Invitations`]: the instance-level `/invitations` operations (sign-up invitations).

use super::client::BackendApi;
use super::error::ApiError;
use super::model::{Invitation, Page};
use super::operation as op;
use super::params::{CreateInvitationParams, InvitationListParams};

/// The instance's sign-up invitations, from [`BackendApi::invitations`].
#[derive(Debug, Clone, Copy)]
pub struct Invitations<'a> {
    api: &'a BackendApi,
}

impl BackendApi {
    /// The `/invitations` operations.
    pub fn invitations(&self) -> Invitations<'_> {
        Invitations { api: self }
    }
}

impl Invitations<'_> {
    /// Invites an email address to sign up: `POST /invitations`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn create(&self, params: &CreateInvitationParams) -> Result<Invitation, ApiError> {
        let call = op::INVITATIONS_CREATE.call_with(&[], None, Some(&params.fields))?;
        self.api.send(call).await
    }

    /// A page of invitations: `GET /invitations?paginated=true` (without `paginated` Clerk
    /// answers a bare array).
    ///
    /// # Errors
    /// [`ApiError`]; a `limit` outside 1..=500 is refused before sending.
    pub async fn list(&self, params: &InvitationListParams) -> Result<Page<Invitation>, ApiError> {
        let call = op::INVITATIONS_LIST.call_with(&[], Some(&params.fields), None)?;
        self.api.send(call).await
    }

    /// Revokes an invitation: `POST /invitations/{invitation_id}/revoke`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn revoke(&self, invitation_id: &str) -> Result<Invitation, ApiError> {
        self.api
            .send(op::INVITATIONS_REVOKE.call(&[invitation_id])?)
            .await
    }
}
