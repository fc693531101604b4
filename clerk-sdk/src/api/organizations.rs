//! [`Organizations`] (`/organizations`), and per organization its
//! [`OrganizationMemberships`] and [`OrganizationInvitations`].

use super::client::BackendApi;
use super::encode::{Fields, Param};
use super::error::ApiError;
use super::model::{DeletedObject, Organization, OrganizationInvitation, OrganizationMembership, Page};
use super::operation as op;
use super::params::{
    CreateMembershipParams, CreateOrganizationInvitationParams, CreateOrganizationParams,
    MembershipListParams, MetadataParams, OrganizationGetParams, OrganizationInvitationListParams,
    OrganizationListParams, UpdateOrganizationParams,
};

/// The organizations of the instance, from [`BackendApi::organizations`].
#[derive(Debug, Clone, Copy)]
pub struct Organizations<'a> {
    api: &'a BackendApi,
}

/// One organization's memberships, from [`Organizations::memberships`].
#[derive(Debug, Clone)]
pub struct OrganizationMemberships<'a> {
    api: &'a BackendApi,
    organization_id: String,
}

/// One organization's invitations, from [`Organizations::invitations`].
#[derive(Debug, Clone)]
pub struct OrganizationInvitations<'a> {
    api: &'a BackendApi,
    organization_id: String,
}

impl BackendApi {
    /// The `/organizations` operations.
    pub fn organizations(&self) -> Organizations<'_> {
        Organizations { api: self }
    }
}

impl<'a> Organizations<'a> {
    /// One organization by id or slug: `GET /organizations/{organization_id}`.
    ///
    /// # Errors
    /// [`ApiError`]; [`ApiError::is_not_found`] when there is no such organization.
    pub async fn get(&self, id_or_slug: &str) -> Result<Organization, ApiError> {
        self.api.send(op::ORGS_GET.call(&[id_or_slug])?).await
    }

    /// One organization by id or slug with extra fields, such as its `members_count`
    /// (`OrganizationGetParams::new().include_members_count(true)`):
    /// `GET /organizations/{organization_id}`.
    ///
    /// # Errors
    /// [`ApiError`]; [`ApiError::is_not_found`] when there is no such organization.
    pub async fn get_with(
        &self,
        id_or_slug: &str,
        params: &OrganizationGetParams,
    ) -> Result<Organization, ApiError> {
        let call = op::ORGS_GET.call_with(&[id_or_slug], Some(&params.fields), None)?;
        self.api.send(call).await
    }

    /// A page of organizations: `GET /organizations`.
    ///
    /// # Errors
    /// [`ApiError`]; a `limit` outside 1..=500 is refused before sending.
    pub async fn list(&self, params: &OrganizationListParams) -> Result<Page<Organization>, ApiError> {
        let call = op::ORGS_LIST.call_with(&[], Some(&params.fields), None)?;
        self.api.send(call).await
    }

    /// Creates an organization: `POST /organizations` (`name` is required; `created_by`
    /// becomes its admin).
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn create(&self, params: &CreateOrganizationParams) -> Result<Organization, ApiError> {
        let call = op::ORGS_CREATE.call_with(&[], None, Some(&params.fields))?;
        self.api.send(call).await
    }

    /// Updates an organization: `PATCH /organizations/{organization_id}` (metadata has its
    /// own calls).
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn update(
        &self,
        organization_id: &str,
        params: &UpdateOrganizationParams,
    ) -> Result<Organization, ApiError> {
        let call = op::ORGS_UPDATE.call_with(&[organization_id], None, Some(&params.fields))?;
        self.api.send(call).await
    }

    /// Merges metadata: `PATCH /organizations/{organization_id}/metadata` (deep merge; a
    /// `null` deletes that key). `unsafe_metadata` is refused before sending.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn update_metadata(
        &self,
        organization_id: &str,
        params: &MetadataParams,
    ) -> Result<Organization, ApiError> {
        let call = op::ORGS_UPDATE_METADATA.call_with(&[organization_id], None, Some(&params.fields))?;
        self.api.send(call).await
    }

    /// Replaces metadata: `PUT /organizations/{organization_id}/metadata`.
    /// `unsafe_metadata` is refused before sending.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn replace_metadata(
        &self,
        organization_id: &str,
        params: &MetadataParams,
    ) -> Result<Organization, ApiError> {
        let call = op::ORGS_REPLACE_METADATA.call_with(&[organization_id], None, Some(&params.fields))?;
        self.api.send(call).await
    }

    /// Deletes an organization: `DELETE /organizations/{organization_id}`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn delete(&self, organization_id: &str) -> Result<DeletedObject, ApiError> {
        self.api.send(op::ORGS_DELETE.call(&[organization_id])?).await
    }

    /// The memberships of one organization.
    pub fn memberships(&self, organization_id: &str) -> OrganizationMemberships<'a> {
        OrganizationMemberships {
            api: self.api,
            organization_id: organization_id.to_owned(),
        }
    }

    /// The invitations of one organization.
    pub fn invitations(&self, organization_id: &str) -> OrganizationInvitations<'a> {
        OrganizationInvitations {
            api: self.api,
            organization_id: organization_id.to_owned(),
        }
    }
}

impl OrganizationMemberships<'_> {
    /// A page of members: `GET /organizations/{organization_id}/memberships`.
    ///
    /// # Errors
    /// [`ApiError`]; a `limit` outside 1..=500 is refused before sending.
    pub async fn list(
        &self,
        params: &MembershipListParams,
    ) -> Result<Page<OrganizationMembership>, ApiError> {
        let ids = [self.organization_id.as_str()];
        let call = op::MEMBERSHIPS_LIST.call_with(&ids, Some(&params.fields), None)?;
        self.api.send(call).await
    }

    /// Adds a member: `POST /organizations/{organization_id}/memberships` (`user_id` and
    /// `role` are required).
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn create(&self, params: &CreateMembershipParams) -> Result<OrganizationMembership, ApiError> {
        let ids = [self.organization_id.as_str()];
        let call = op::MEMBERSHIPS_CREATE.call_with(&ids, None, Some(&params.fields))?;
        self.api.send(call).await
    }

    /// Changes a member's role:
    /// `PATCH /organizations/{organization_id}/memberships/{user_id}`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn update(&self, user_id: &str, role: &str) -> Result<OrganizationMembership, ApiError> {
        let mut body = Fields::default();
        body.set("role", Param::Str(role.to_owned()));
        let ids = [self.organization_id.as_str(), user_id];
        let call = op::MEMBERSHIPS_UPDATE.call_with(&ids, None, Some(&body))?;
        self.api.send(call).await
    }

    /// Merges a membership's metadata:
    /// `PATCH /organizations/{organization_id}/memberships/{user_id}/metadata`.
    /// `unsafe_metadata` is refused before sending.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn update_metadata(
        &self,
        user_id: &str,
        params: &MetadataParams,
    ) -> Result<OrganizationMembership, ApiError> {
        let ids = [self.organization_id.as_str(), user_id];
        let call = op::MEMBERSHIPS_UPDATE_METADATA.call_with(&ids, None, Some(&params.fields))?;
        self.api.send(call).await
    }

    /// Removes a member: `DELETE /organizations/{organization_id}/memberships/{user_id}`.
    /// Clerk answers the removed membership, not a deleted object.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn delete(&self, user_id: &str) -> Result<OrganizationMembership, ApiError> {
        let ids = [self.organization_id.as_str(), user_id];
        self.api.send(op::MEMBERSHIPS_DELETE.call(&ids)?).await
    }
}

impl OrganizationInvitations<'_> {
    /// Invites someone: `POST /organizations/{organization_id}/invitations`
    /// (`email_address` and `role` are required).
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn create(
        &self,
        params: &CreateOrganizationInvitationParams,
    ) -> Result<OrganizationInvitation, ApiError> {
        let ids = [self.organization_id.as_str()];
        let call = op::ORG_INVITATIONS_CREATE.call_with(&ids, None, Some(&params.fields))?;
        self.api.send(call).await
    }

    /// A page of invitations: `GET /organizations/{organization_id}/invitations`.
    ///
    /// # Errors
    /// [`ApiError`]; a `limit` outside 1..=500 is refused before sending.
    pub async fn list(
        &self,
        params: &OrganizationInvitationListParams,
    ) -> Result<Page<OrganizationInvitation>, ApiError> {
        let ids = [self.organization_id.as_str()];
        let call = op::ORG_INVITATIONS_LIST.call_with(&ids, Some(&params.fields), None)?;
        self.api.send(call).await
    }

    /// One invitation:
    /// `GET /organizations/{organization_id}/invitations/{invitation_id}`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn get(&self, invitation_id: &str) -> Result<OrganizationInvitation, ApiError> {
        let ids = [self.organization_id.as_str(), invitation_id];
        self.api.send(op::ORG_INVITATIONS_GET.call(&ids)?).await
    }

    /// Revokes an invitation, naming the member who does it (if any):
    /// `POST /organizations/{organization_id}/invitations/{invitation_id}/revoke`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn revoke(
        &self,
        invitation_id: &str,
        requesting_user_id: Option<&str>,
    ) -> Result<OrganizationInvitation, ApiError> {
        let mut body = Fields::default();
        if let Some(user) = requesting_user_id {
            body.set("requesting_user_id", Param::Str(user.to_owned()));
        }
        let ids = [self.organization_id.as_str(), invitation_id];
        let call = op::ORG_INVITATIONS_REVOKE.call_with(&ids, None, Some(&body))?;
        self.api.send(call).await
    }
}
