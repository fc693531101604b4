//! Organizations, memberships in them, and the public data of a member.

use serde_json::{Map, Value};

use super::de::{model, null_as_default};
use super::metadata::metadata_readers;

model! {
    /// An organization, as the Backend API returns it.
    pub struct Organization {
        /// The organization id (`org_…`).
        pub id: String,
        /// `"organization"` when sent; never relied on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub object: Option<String>,
        /// The name.
        #[serde(default)]
        pub name: String,
        /// The slug (unique in the instance, used in URLs).
        #[serde(default)]
        pub slug: String,
        /// The logo URL.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub image_url: Option<String>,
        /// Whether a logo was uploaded.
        #[serde(default, deserialize_with = "null_as_default")]
        pub has_image: bool,
        /// The number of members, sent only when asked for (`include_members_count`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub members_count: Option<u64>,
        /// Whether no member holds the permissions needed to manage the organization, sent
        /// only when asked for.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub missing_member_with_elevated_permissions: Option<bool>,
        /// The number of pending invitations, when sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub pending_invitations_count: Option<u64>,
        /// The most members allowed (`0`: unlimited).
        #[serde(default)]
        pub max_allowed_memberships: i64,
        /// Whether admins may delete the organization from the frontend.
        #[serde(default, deserialize_with = "null_as_default")]
        pub admin_delete_enabled: bool,
        /// Metadata readable from the frontend and writable from the backend.
        #[serde(default, deserialize_with = "null_as_default")]
        pub public_metadata: Map<String, Value>,
        /// Metadata readable and writable from the backend only.
        #[serde(default, deserialize_with = "null_as_default")]
        pub private_metadata: Map<String, Value>,
        /// The id of the user who created it, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub created_by: Option<String>,
        /// Creation time, Unix milliseconds.
        #[serde(default)]
        pub created_at: i64,
        /// Last update, Unix milliseconds.
        #[serde(default)]
        pub updated_at: i64,
        /// The latest activity in the organization, Unix milliseconds, when sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub last_active_at: Option<i64>,
        /// The key of the role set assigned to the organization.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub role_set_key: Option<String>,
    }
}

metadata_readers!(Organization {
    public_metadata_as => public_metadata,
    private_metadata_as => private_metadata,
});

model! {
    /// A user's membership in an organization: the role, its permissions, and both sides.
    pub struct OrganizationMembership {
        /// The membership id (`orgmem_…`).
        pub id: String,
        /// `"organization_membership"` when sent; never relied on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub object: Option<String>,
        /// The role key, e.g. `org:admin`, `org:member` or a custom `org:…`.
        #[serde(default)]
        pub role: String,
        /// The role's display name, when sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub role_name: Option<String>,
        /// The permissions the role grants, e.g. `org:sys_memberships:manage`.
        #[serde(default, deserialize_with = "null_as_default")]
        pub permissions: Vec<String>,
        /// Metadata readable from the frontend and writable from the backend.
        #[serde(default, deserialize_with = "null_as_default")]
        pub public_metadata: Map<String, Value>,
        /// Metadata readable and writable from the backend only.
        #[serde(default, deserialize_with = "null_as_default")]
        pub private_metadata: Map<String, Value>,
        /// The organization.
        pub organization: Organization,
        /// The member's public data; Clerk's schema makes it optional.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub public_user_data: Option<PublicUserData>,
        /// Creation time, Unix milliseconds.
        #[serde(default)]
        pub created_at: i64,
        /// Last update, Unix milliseconds.
        #[serde(default)]
        pub updated_at: i64,
    }
}

metadata_readers!(OrganizationMembership {
    public_metadata_as => public_metadata,
    private_metadata_as => private_metadata,
});

impl OrganizationMembership {
    /// The member's user id, from [`OrganizationMembership::public_user_data`].
    pub fn user_id(&self) -> Option<&str> {
        self.public_user_data.as_ref().map(|data| data.user_id.as_str())
    }

    /// Whether the role grants `permission` (e.g. `org:sys_memberships:manage`).
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|granted| granted == permission)
    }
}

model! {
    /// The public part of a user, as shown to the other members of an organization (and as
    /// the inviter of an organization invitation).
    pub struct PublicUserData {
        /// The user id (`user_…`).
        #[serde(default)]
        pub user_id: String,
        /// The first name.
        #[serde(default)]
        pub first_name: Option<String>,
        /// The last name.
        #[serde(default)]
        pub last_name: Option<String>,
        /// The profile image URL.
        #[serde(default)]
        pub image_url: String,
        /// Whether the user uploaded a profile image.
        #[serde(default, deserialize_with = "null_as_default")]
        pub has_image: bool,
        /// The user's primary identifier (email address, phone number or username).
        #[serde(default)]
        pub identifier: Option<String>,
        /// The username, when sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub username: Option<String>,
        /// Whether the user is banned, when sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub banned: Option<bool>,
        /// Whether the user was deprovisioned by a directory, when sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub deprovisioned: Option<bool>,
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::{Organization, OrganizationMembership};
    use crate::api::model::test_support::{assert_round_trip, parse};

    const MEMBERSHIP: &str = include_str!("fixtures/organization_membership.json");
    const BARE_MEMBERSHIP: &str = include_str!("fixtures/membership_without_public_user_data.json");

    #[test]
    fn a_membership_reads_with_its_organization_and_member() {
        let membership: OrganizationMembership = parse(MEMBERSHIP);
        assert_eq!(membership.role, "org:admin");
        assert_eq!(membership.role_name.as_deref(), Some("Admin"));
        assert!(membership.has_permission("org:sys_memberships:manage"));
        assert!(!membership.has_permission("org:sys_billing:manage"));
        assert_eq!(membership.user_id(), Some("user_2pQx7kLmN3vR8sT1uW4yZ6aB9cD"));
        let member = membership.public_user_data.as_ref().unwrap();
        assert_eq!(
            member.identifier.as_deref(),
            Some("ada@analytical.engines.example")
        );
        assert_eq!(member.banned, Some(false));
        assert_eq!(member.deprovisioned, None);
        assert!(member.extra.contains_key("profile_image_url"));

        let organization = &membership.organization;
        assert_eq!(organization.slug, "analytical-engines");
        assert_eq!(organization.members_count, Some(12));
        assert_eq!(organization.role_set_key, None);
        assert_eq!(
            organization.created_by.as_deref(),
            Some("user_2pQx7kLmN3vR8sT1uW4yZ6aB9cD")
        );

        #[derive(Deserialize)]
        struct Title {
            title: String,
        }
        assert_eq!(
            membership.public_metadata_as::<Title>().unwrap().title,
            "Head of Research"
        );
        assert_eq!(membership.private_metadata["cost_center"], "RND-042");
    }

    #[test]
    fn a_membership_without_public_user_data_reads() {
        let membership: OrganizationMembership = parse(BARE_MEMBERSHIP);
        assert!(membership.public_user_data.is_none());
        assert_eq!(membership.user_id(), None);
        assert!(membership.permissions.is_empty());
        assert_eq!(membership.role, "org:billing_viewer");
        assert!(membership.private_metadata.is_empty());
        let organization = &membership.organization;
        assert_eq!(
            (organization.image_url.as_deref(), organization.members_count),
            (None, None)
        );
        assert!(organization.private_metadata.is_empty());
        assert_eq!(organization.max_allowed_memberships, 5);
    }

    #[test]
    fn organization_metadata_reads_as_the_applications_own_types() {
        #[derive(Deserialize)]
        struct Tier {
            tier: String,
        }
        #[derive(Deserialize)]
        struct Crm {
            salesforce_id: String,
        }
        let organization: Organization =
            parse(&parse::<serde_json::Value>(MEMBERSHIP)["organization"].to_string());
        assert_eq!(
            organization.public_metadata_as::<Tier>().unwrap().tier,
            "enterprise"
        );
        assert_eq!(
            organization.private_metadata_as::<Crm>().unwrap().salesforce_id,
            "0015g00000ABCDE"
        );
    }

    #[test]
    fn writing_memberships_back_loses_nothing() {
        assert_round_trip::<OrganizationMembership>(MEMBERSHIP);
        assert_round_trip::<OrganizationMembership>(BARE_MEMBERSHIP);
    }
}
