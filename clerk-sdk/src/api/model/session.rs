//! Sessions and their latest activity.

use serde_json::Value;

use super::de::{model, null_as_default, string_enum};

string_enum! {
    /// Where a session stands.
    pub enum SessionStatus {
        #[default]
        Active => "active",
        Pending => "pending",
        Revoked => "revoked",
        Ended => "ended",
        Expired => "expired",
        Removed => "removed",
        Abandoned => "abandoned",
        Replaced => "replaced",
    }
}

model! {
    /// A session: one user signed in on one client (browser or device).
    pub struct Session {
        /// The session id (`sess_…`).
        pub id: String,
        /// `"session"` when sent; never relied on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub object: Option<String>,
        /// The signed-in user's id.
        #[serde(default)]
        pub user_id: String,
        /// The client's id (`client_…`).
        #[serde(default)]
        pub client_id: String,
        /// Who is impersonating the user (`sub`, `iss`, …), in an impersonation session only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub actor: Option<Value>,
        /// Where the session stands.
        #[serde(default)]
        pub status: SessionStatus,
        /// The organization that was last active in the session.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub last_active_organization_id: Option<String>,
        /// The latest activity, Unix milliseconds.
        #[serde(default)]
        pub last_active_at: i64,
        /// Where and how the session was last used, when sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub latest_activity: Option<SessionActivity>,
        /// When the session expires, Unix milliseconds.
        #[serde(default)]
        pub expire_at: i64,
        /// When the session is abandoned if unused, Unix milliseconds.
        #[serde(default)]
        pub abandon_at: i64,
        /// Last update, Unix milliseconds.
        #[serde(default)]
        pub updated_at: i64,
        /// Creation time, Unix milliseconds.
        #[serde(default)]
        pub created_at: i64,
        /// Tasks the user must finish before the session becomes active (empty when none).
        #[serde(default, deserialize_with = "null_as_default", skip_serializing_if = "Vec::is_empty")]
        pub tasks: Vec<SessionTask>,
    }
}

impl Session {
    /// Whether the status is `active`.
    pub fn is_active(&self) -> bool {
        self.status == SessionStatus::Active
    }
}

model! {
    /// Where and how a session was last used.
    pub struct SessionActivity {
        /// The activity id.
        #[serde(default)]
        pub id: String,
        /// `"session_activity"` when sent; never relied on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub object: Option<String>,
        /// The device type, e.g. `Macintosh`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub device_type: Option<String>,
        /// Whether the device is a mobile one.
        #[serde(default, deserialize_with = "null_as_default")]
        pub is_mobile: bool,
        /// The browser's name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub browser_name: Option<String>,
        /// The browser's version.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub browser_version: Option<String>,
        /// The client's IP address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ip_address: Option<String>,
        /// The city the IP address is located in.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub city: Option<String>,
        /// The country the IP address is located in (ISO 3166 code).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub country: Option<String>,
    }
}

model! {
    /// A task a user must finish before their session becomes active, e.g. choosing an
    /// organization.
    pub struct SessionTask {
        /// The task's key, e.g. `choose-organization`.
        #[serde(default)]
        pub key: String,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Session, SessionStatus};
    use crate::api::model::test_support::{assert_round_trip, parse};

    const SESSION: &str = include_str!("fixtures/session.json");

    #[test]
    fn a_session_reads_with_its_latest_activity() {
        let session: Session = parse(SESSION);
        assert!(session.is_active());
        assert_eq!(session.actor, None);
        assert!(session.tasks.is_empty());
        assert_eq!(session.expire_at, 1_733_504_800_000);
        let activity = session.latest_activity.as_ref().unwrap();
        assert_eq!(activity.browser_name.as_deref(), Some("Firefox"));
        assert_eq!(activity.country.as_deref(), Some("GB"));
        assert!(!activity.is_mobile);
        assert_round_trip::<Session>(SESSION);
    }

    #[test]
    fn an_impersonation_session_with_tasks_and_a_new_status_reads() {
        let mut body: serde_json::Value = serde_json::from_str(SESSION).unwrap();
        body["status"] = json!("suspended");
        body["actor"] = json!({"sub": "user_admin", "iss": "https://dashboard.clerk.com"});
        body["tasks"] = json!([{"key": "choose-organization"}]);
        body["latest_activity"] = json!(null);
        let session: Session = parse(&body.to_string());
        assert_eq!(session.status, SessionStatus::Unknown("suspended".to_owned()));
        assert!(!session.is_active());
        assert_eq!(session.actor.as_ref().unwrap()["sub"], "user_admin");
        assert_eq!(session.tasks[0].key, "choose-organization");
        assert!(session.latest_activity.is_none());
        assert_eq!(serde_json::to_value(&session).unwrap()["status"], "suspended");
    }

    #[test]
    fn every_session_status_reads() {
        for wire in [
            "active",
            "pending",
            "revoked",
            "ended",
            "expired",
            "removed",
            "abandoned",
            "replaced",
        ] {
            let status = SessionStatus::from(wire);
            assert!(!matches!(status, SessionStatus::Unknown(_)), "{wire}");
            assert_eq!(status.as_str(), wire);
        }
    }
}
