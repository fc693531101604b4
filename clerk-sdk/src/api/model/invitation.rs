//! Invitations to the instance and to an organization.

use serde_json::{Map, Value};

use super::de::{model, null_as_default, string_enum};
use super::metadata::metadata_readers;
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

metadata_readers!(Invitation {
    public_metadata_as => public_metadata,
});

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

metadata_readers!(OrganizationInvitation {
    public_metadata_as => public_metadata,
    private_metadata_as => private_metadata,
});

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

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::{Invitation, InvitationStatus, OrganizationInvitation};
    use crate::api::model::test_support::{assert_round_trip, parse};

    const INVITATION: &str = include_str!("fixtures/invitation.json");
    const ORGANIZATION_INVITATION: &str = include_str!("fixtures/organization_invitation.json");

    #[test]
    fn an_invitation_reads() {
        #[derive(Deserialize)]
        struct Referral {
            referrer: String,
        }
        let invitation: Invitation = parse(INVITATION);
        assert_eq!(invitation.status, InvitationStatus::Pending);
        assert_eq!(invitation.revoked, Some(false));
        assert!(invitation.url.as_deref().unwrap().contains("__clerk_ticket"));
        assert_eq!(
            invitation.public_metadata_as::<Referral>().unwrap().referrer,
            "partner-42"
        );
        assert_round_trip::<Invitation>(INVITATION);

        let revoked: Invitation = parse(r#"{"id":"inv_1","status":"revoked","revoked":true,"url":null}"#);
        assert_eq!(revoked.status, InvitationStatus::Revoked);
        assert_eq!(revoked.url, None);
        let later: Invitation = parse(r#"{"id":"inv_1","status":"bounced"}"#);
        assert_eq!(later.status.as_str(), "bounced");
    }

    #[test]
    fn an_organization_invitation_reads_with_inviter_and_organization() {
        let invitation: OrganizationInvitation = parse(ORGANIZATION_INVITATION);
        assert_eq!(invitation.status, Some(InvitationStatus::Pending));
        assert_eq!(invitation.role, "org:member");
        assert_eq!(invitation.url, None);
        let inviter = invitation.public_inviter_data.as_ref().unwrap();
        assert_eq!(inviter.first_name.as_deref(), Some("Ada"));
        let organization = invitation.public_organization_data.as_ref().unwrap();
        assert_eq!(organization.slug, "analytical-engines");
        assert_eq!(invitation.public_metadata["team"], "Difference Engine");
        assert!(
            invitation
                .private_metadata_as::<serde_json::Value>()
                .unwrap()
                .is_object()
        );
        assert_round_trip::<OrganizationInvitation>(ORGANIZATION_INVITATION);

        let bare: OrganizationInvitation = parse(
            r#"{"id":"orginv_1","public_inviter_data":null,"inviter_id":null,"private_metadata":null}"#,
        );
        assert!(bare.public_inviter_data.is_none() && bare.status.is_none());
        assert!(bare.private_metadata.is_empty());
    }
}
