//! The answer to a delete.

use super::de::{model, null_as_default};

model! {
    /// What Clerk answers to a delete: which object went, and that it did.
    pub struct DeletedObject {
        /// What kind of object was deleted, e.g. `user`, `organization`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub object: Option<String>,
        /// The deleted object's id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub id: Option<String>,
        /// The deleted object's slug (organizations).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub slug: Option<String>,
        /// The deleted object's external id (users with one).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub external_id: Option<String>,
        /// Whether the object was deleted (always `true` in a success answer).
        #[serde(default, deserialize_with = "null_as_default")]
        pub deleted: bool,
    }
}

#[cfg(test)]
mod tests {
    use super::DeletedObject;
    use crate::api::model::test_support::{assert_round_trip, parse};

    const DELETED_USER: &str = include_str!("fixtures/deleted_user.json");

    #[test]
    fn deleted_objects_read() {
        let user: DeletedObject = parse(DELETED_USER);
        assert!(user.deleted);
        assert_eq!(user.object.as_deref(), Some("user"));
        assert_eq!(user.id.as_deref(), Some("user_2pQx7kLmN3vR8sT1uW4yZ6aB9cD"));
        assert_round_trip::<DeletedObject>(DELETED_USER);

        let organization: DeletedObject =
            parse(r#"{"object":"organization","id":"org_1","slug":"acme","deleted":true,"purged_at":1}"#);
        assert_eq!(organization.slug.as_deref(), Some("acme"));
        assert_eq!(organization.extra["purged_at"], 1);
        let bare: DeletedObject = parse(r#"{"deleted":true}"#);
        assert_eq!((bare.object, bare.id), (None, None));
    }
}
