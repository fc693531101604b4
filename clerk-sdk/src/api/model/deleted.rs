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
