//! Invitations to the instance and to an organization.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::de::{model, null_as_default, string_enum};
use super::metadata::metadata_as;
use super::organization::PublicUserData;

string_enum! {
    /// Where an invitation stands.
    pub enum InvitationStatus {
        #[default]
        Pending => "pending",
        Accepted => "accepted",
        Revoked => "revoked",
        Expired => "expired",
    }
}

model! {
    /// An invitation to sign up to the instance.
    pub struct Invitation {
        /// The invitation id (`inv_…`).
        pub id: String,
        /// `"invitation"` when sent; never relied on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub object: Option<String>,
        /// The invited address.
        #[serde(default)]
        pub email_address: String,
        /// Metadata copied to the user's public metadata when they sign up.
        #[serde(default, deserialize_with = "null_as_default")]
        pub public_metadata: Map<String, Value>,
        /// Whether the invitation was revoked, when sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub revoked: Option<bool>,
        /// Where the invitation stands.
        #[serde(default)]
        pub status: InvitationStatus,
        /// The link the invited person follows, when sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub url: Option<String>,
        /// When the invitation expires, Unix milliseconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub expires_at: Option<i64>,
        /// Creation time, Unix milliseconds.
        #[serde(default)]
        pub created_at: i64,
        /// Last update, Unix milliseconds.
        #[serde(default)]
        pub updated_at: i64,
    }
}

impl Invitation {
    /// [`Invitation::public_metadata`] read as your own type.
    ///
    /// # Errors
    ///
    /// The metadata does not fit `T`.
    pub fn public_metadata_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        metadata_as(&self.public_metadata)
    }
}

model! {
    /// An invitation to join an organization.
    pub struct OrganizationInvitation {
        /// The invitation id (`orginv_…`).
        pub id: String,
        /// `"organization_invitation"` when sent; never relied on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub object: Option<String>,
        /// The invited address.
        #[serde(default)]
        pub email_address: String,
        /// The role the invited person gets, e.g. `org:member`.
        #[serde(default)]
        pub role: String,
        /// The role's display name.
        #[serde(default)]
        pub role_name: String,
        /// The organization's id, when sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub organization_id: Option<String>,
        /// The id of the user who sent the invitation.
        #[serde(default)]
        pub inviter_id: Option<String>,
        /// The public data of the user who sent the invitation.
        #[serde(default)]
        pub public_inviter_data: Option<PublicUserData>,
        /// Where the invitation stands, when sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub status: Option<InvitationStatus>,
        /// Metadata copied to the membership's public metadata on acceptance.
        #[serde(default, deserialize_with = "null_as_default")]
        pub public_metadata: Map<String, Value>,
        /// Metadata copied to the membership's private metadata on acceptance.
        #[serde(default, deserialize_with = "null_as_default")]
        pub private_metadata: Map<String, Value>,
        /// The link the invited person follows.
        #[serde(default)]
        pub url: Option<String>,
        /// When the invitation expires, Unix milliseconds.
        #[serde(default)]
        pub expires_at: Option<i64>,
        /// Creation time, Unix milliseconds.
        #[serde(default)]
        pub created_at: i64,
        /// Last update, Unix milliseconds.
        #[serde(default)]
        pub updated_at: i64,
        /// The organization's public data, in a user's list of invitations.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub public_organization_data: Option<PublicOrganizationData>,
    }
}

impl OrganizationInvitation {
    /// [`OrganizationInvitation::public_metadata`] read as your own type.
    ///
    /// # Errors
    ///
    /// The metadata does not fit `T`.
    pub fn public_metadata_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        metadata_as(&self.public_metadata)
    }

    /// [`OrganizationInvitation::private_metadata`] read as your own type.
    ///
    /// # Errors
    ///
    /// The metadata does not fit `T`.
    pub fn private_metadata_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        metadata_as(&self.private_metadata)
    }
}

model! {
    /// The public part of an organization, as shown to someone it invited.
    pub struct PublicOrganizationData {
        /// The organization id (`org_…`).
        #[serde(default)]
        pub id: String,
        /// The name.
        #[serde(default)]
        pub name: String,
        /// The slug.
        #[serde(default)]
        pub slug: String,
        /// The logo URL.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub image_url: Option<String>,
        /// Whether a logo was uploaded.
        #[serde(default, deserialize_with = "null_as_default")]
        pub has_image: bool,
    }
}
