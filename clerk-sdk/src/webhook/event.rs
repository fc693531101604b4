//! The webhook envelope ([`WebhookEvent`]), the event names ([`EventType`]) and typed `data` for
//! the common events.
//!
//! `data` stays raw JSON (Clerk's snake_case `UserJSON`, `SessionWebhookEventJSON`, …) until
//! asked for: [`WebhookEvent::data_as`] deserialises it into any type, and the typed accessors
//! ([`WebhookEvent::user`], [`WebhookEvent::session`], …) do so only for the events whose
//! `data` has that shape. Every typed struct keeps the fields it does not name in `extra`, so
//! nothing Clerk sends is lost.
//!
//! Field names follow `@clerk/backend`'s `JSON.ts`. Apart from `id`, fields are optional or
//! default to empty, so a payload that omits one still parses.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::{PayloadError, WebhookError};

/// A verified Clerk webhook event: the envelope around `data`.
///
/// Built by [`crate::webhook::Webhook::verify`], which parses the body only after its signature
/// held. Top-level fields other than these six are dropped, as upstream does. It implements
/// `Deserialize` so that events can be stored and read back; deserializing one from a request
/// body yourself skips the signature check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// The event name (`type` on the wire), e.g. `user.created`.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// The envelope's object kind; Clerk sends `"event"` (the default when absent).
    #[serde(default = "default_object")]
    pub object: String,
    /// The event's payload, raw (snake_case JSON as Clerk sends it). `null` when absent.
    #[serde(default)]
    pub data: Value,
    /// When the event happened, in milliseconds since the Unix epoch (Clerk's payloads).
    #[serde(default)]
    pub timestamp: Option<i64>,
    /// The Clerk instance that sent the event.
    #[serde(default)]
    pub instance_id: Option<String>,
    /// Request context, e.g. `{"http_request": {"client_ip": …, "user_agent": …}}`.
    #[serde(default)]
    pub event_attributes: Option<Value>,
}

fn default_object() -> String {
    "event".to_owned()
}

impl WebhookEvent {
    /// Parses an envelope from a body whose signature has already been checked (see
    /// [`crate::webhook::Webhook::verify_signature`]). Never call this on an unverified body.
    ///
    /// # Errors
    /// `webhook-payload-invalid` ([`WebhookError::InvalidPayload`]) when the body is not JSON,
    /// not an object, has no string `type`, or an envelope field has the wrong type.
    pub(crate) fn parse(body: &[u8]) -> Result<Self, WebhookError> {
        let value: Value = serde_json::from_slice(body).map_err(|e| {
            WebhookError::InvalidPayload(PayloadError::NotJson {
                line: e.line(),
                column: e.column(),
            })
        })?;
        let Value::Object(map) = value else {
            return Err(WebhookError::InvalidPayload(PayloadError::NotAnObject));
        };
        if !map.get("type").is_some_and(Value::is_string) {
            return Err(WebhookError::InvalidPayload(PayloadError::MissingType));
        }
        serde_json::from_value(Value::Object(map))
            .map_err(|_| WebhookError::InvalidPayload(PayloadError::InvalidEnvelope))
    }

    /// Deserialises `data` into `T`, for events without a typed accessor (billing, roles,
    /// waitlist, …) or for your own types.
    ///
    /// # Errors
    /// The `serde_json` error when `data` does not have `T`'s shape.
    pub fn data_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.data)
    }

    fn typed<T: DeserializeOwned>(&self, applies: bool) -> Option<Result<T, serde_json::Error>> {
        applies.then(|| self.data_as())
    }

    /// `data` as a user, for `user.created` and `user.updated` (`None` for other events).
    pub fn user(&self) -> Option<Result<UserData, serde_json::Error>> {
        self.typed(matches!(
            self.event_type,
            EventType::UserCreated | EventType::UserUpdated
        ))
    }

    /// `data` as a session (with its user), for `session.created`, `session.ended`,
    /// `session.removed` and `session.revoked`.
    pub fn session(&self) -> Option<Result<SessionData, serde_json::Error>> {
        self.typed(matches!(
            self.event_type,
            EventType::SessionCreated
                | EventType::SessionEnded
                | EventType::SessionRemoved
                | EventType::SessionRevoked
        ))
    }

    /// `data` as an organization, for `organization.created` and `organization.updated`.
    pub fn organization(&self) -> Option<Result<OrganizationData, serde_json::Error>> {
        self.typed(matches!(
            self.event_type,
            EventType::OrganizationCreated | EventType::OrganizationUpdated
        ))
    }

    /// `data` as an organization membership, for `organizationMembership.created`,
    /// `.updated` and `.deleted`.
    pub fn organization_membership(&self) -> Option<Result<OrganizationMembershipData, serde_json::Error>> {
        self.typed(matches!(
            self.event_type,
            EventType::OrganizationMembershipCreated
                | EventType::OrganizationMembershipUpdated
                | EventType::OrganizationMembershipDeleted
        ))
    }

    /// `data` as an organization invitation, for `organizationInvitation.created`, `.revoked`
    /// and `.accepted` (which also carries `user_id`).
    pub fn organization_invitation(&self) -> Option<Result<OrganizationInvitationData, serde_json::Error>> {
        self.typed(matches!(
            self.event_type,
            EventType::OrganizationInvitationCreated
                | EventType::OrganizationInvitationRevoked
                | EventType::OrganizationInvitationAccepted
        ))
    }

    /// `data` as a deleted object, for `user.deleted`, `organization.deleted` and
    /// `organizationDomain.deleted`.
    pub fn deleted(&self) -> Option<Result<DeletedObjectData, serde_json::Error>> {
        self.typed(matches!(
            self.event_type,
            EventType::UserDeleted | EventType::OrganizationDeleted | EventType::OrganizationDomainDeleted
        ))
    }
}

macro_rules! event_types {
    ($( $(#[$meta:meta])* $variant:ident => $name:literal, )*) => {
        /// A webhook event name: every name in `@clerk/backend` 3.25's typings, plus
        /// [`EventType::Unknown`] that keeps any other name as sent.
        ///
        /// Parsing never fails; [`EventType::as_str`] gives back the wire name.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum EventType {
            $( $(#[$meta])* #[doc = concat!("`", $name, "`")] $variant, )*
            /// A name this version does not know, kept verbatim.
            Unknown(String),
        }

        impl EventType {
            /// Every known event name, in a stable order (no `Unknown`).
            pub const ALL: &'static [EventType] = &[ $( EventType::$variant, )* ];

            /// The wire name, e.g. `organizationMembership.created`.
            pub fn as_str(&self) -> &str {
                match self {
                    $( EventType::$variant => $name, )*
                    EventType::Unknown(name) => name,
                }
            }

            /// The event type for a wire name (an unknown name is kept in
            /// [`EventType::Unknown`]).
            pub fn from_name(name: &str) -> Self {
                match name {
                    $( $name => EventType::$variant, )*
                    other => EventType::Unknown(other.to_owned()),
                }
            }
        }
    };
}

event_types! {
    UserCreated => "user.created",
    UserUpdated => "user.updated",
    UserDeleted => "user.deleted",
    EmailCreated => "email.created",
    SmsCreated => "sms.created",
    SessionCreated => "session.created",
    SessionEnded => "session.ended",
    SessionRemoved => "session.removed",
    SessionRevoked => "session.revoked",
    OrganizationCreated => "organization.created",
    OrganizationUpdated => "organization.updated",
    OrganizationDeleted => "organization.deleted",
    OrganizationDomainCreated => "organizationDomain.created",
    OrganizationDomainUpdated => "organizationDomain.updated",
    OrganizationDomainDeleted => "organizationDomain.deleted",
    OrganizationMembershipCreated => "organizationMembership.created",
    OrganizationMembershipUpdated => "organizationMembership.updated",
    OrganizationMembershipDeleted => "organizationMembership.deleted",
    OrganizationInvitationCreated => "organizationInvitation.created",
    OrganizationInvitationRevoked => "organizationInvitation.revoked",
    OrganizationInvitationAccepted => "organizationInvitation.accepted",
    RoleCreated => "role.created",
    RoleUpdated => "role.updated",
    RoleDeleted => "role.deleted",
    PermissionCreated => "permission.created",
    PermissionUpdated => "permission.updated",
    PermissionDeleted => "permission.deleted",
    WaitlistEntryCreated => "waitlistEntry.created",
    WaitlistEntryUpdated => "waitlistEntry.updated",
    PaymentAttemptCreated => "paymentAttempt.created",
    PaymentAttemptUpdated => "paymentAttempt.updated",
    SubscriptionCreated => "subscription.created",
    SubscriptionUpdated => "subscription.updated",
    SubscriptionActive => "subscription.active",
    SubscriptionPastDue => "subscription.pastDue",
    SubscriptionItemCreated => "subscriptionItem.created",
    SubscriptionItemUpdated => "subscriptionItem.updated",
    SubscriptionItemActive => "subscriptionItem.active",
    SubscriptionItemCanceled => "subscriptionItem.canceled",
    SubscriptionItemUpcoming => "subscriptionItem.upcoming",
    SubscriptionItemEnded => "subscriptionItem.ended",
    SubscriptionItemAbandoned => "subscriptionItem.abandoned",
    SubscriptionItemIncomplete => "subscriptionItem.incomplete",
    SubscriptionItemPastDue => "subscriptionItem.pastDue",
    SubscriptionItemFreeTrialEnding => "subscriptionItem.freeTrialEnding",
}

impl EventType {
    /// Whether this is one of the names this version knows.
    pub fn is_known(&self) -> bool {
        !matches!(self, EventType::Unknown(_))
    }
}

impl FromStr for EventType {
    type Err = Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(EventType::from_name(s))
    }
}

impl From<&str> for EventType {
    fn from(s: &str) -> Self {
        EventType::from_name(s)
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EventType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Ok(EventType::from_name(&name))
    }
}

/// A user (`UserJSON`): `data` of `user.created` and `user.updated`, and `user` of session
/// events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserData {
    /// The user id (`user_…`).
    pub id: String,
    /// `"user"`.
    #[serde(default)]
    pub object: String,
    /// Username, if the instance uses them.
    #[serde(default)]
    pub username: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Profile image URL.
    #[serde(default)]
    pub image_url: Option<String>,
    /// Whether the user uploaded a profile image.
    #[serde(default)]
    pub has_image: Option<bool>,
    /// Id of the primary entry of [`UserData::email_addresses`].
    #[serde(default)]
    pub primary_email_address_id: Option<String>,
    /// Id of the primary entry of [`UserData::phone_numbers`].
    #[serde(default)]
    pub primary_phone_number_id: Option<String>,
    /// Email addresses.
    #[serde(default)]
    pub email_addresses: Vec<EmailAddressData>,
    /// Phone numbers.
    #[serde(default)]
    pub phone_numbers: Vec<PhoneNumberData>,
    /// Your own id for the user, if set.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Metadata readable from the frontend (`null` when absent).
    #[serde(default)]
    pub public_metadata: Value,
    /// Metadata readable only from the backend (`null` when absent).
    #[serde(default)]
    pub private_metadata: Value,
    /// Metadata the user can write (`null` when absent).
    #[serde(default)]
    pub unsafe_metadata: Value,
    /// Whether a password is set.
    #[serde(default)]
    pub password_enabled: Option<bool>,
    /// Whether two-factor authentication is on.
    #[serde(default)]
    pub two_factor_enabled: Option<bool>,
    /// Whether the user is banned.
    #[serde(default)]
    pub banned: Option<bool>,
    /// Whether the user is locked out.
    #[serde(default)]
    pub locked: Option<bool>,
    /// Last sign-in, ms since the epoch.
    #[serde(default)]
    pub last_sign_in_at: Option<i64>,
    /// Last activity, ms since the epoch.
    #[serde(default)]
    pub last_active_at: Option<i64>,
    /// Creation time, ms since the epoch.
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Last update, ms since the epoch.
    #[serde(default)]
    pub updated_at: Option<i64>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl UserData {
    /// The primary email address, if one is set and present in
    /// [`UserData::email_addresses`].
    pub fn primary_email_address(&self) -> Option<&str> {
        let primary = self.primary_email_address_id.as_deref()?;
        self.email_addresses
            .iter()
            .find(|e| e.id == primary)
            .map(|e| e.email_address.as_str())
    }
}

/// An email address of a user (`EmailAddressJSON`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmailAddressData {
    /// The email address id (`idn_…`).
    pub id: String,
    /// The address.
    #[serde(default)]
    pub email_address: String,
    /// Verification state (`{status, strategy, …}`), if any.
    #[serde(default)]
    pub verification: Option<Value>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A phone number of a user (`PhoneNumberJSON`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PhoneNumberData {
    /// The phone number id (`idn_…`).
    pub id: String,
    /// The number.
    #[serde(default)]
    pub phone_number: String,
    /// Verification state, if any.
    #[serde(default)]
    pub verification: Option<Value>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A session (`SessionWebhookEventJSON`): `data` of `session.*` events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionData {
    /// The session id (`sess_…`).
    pub id: String,
    /// `"session"`.
    #[serde(default)]
    pub object: String,
    /// The client (browser or device) id.
    #[serde(default)]
    pub client_id: Option<String>,
    /// The signed-in user's id.
    #[serde(default)]
    pub user_id: Option<String>,
    /// `active`, `ended`, `removed`, `revoked`, …
    #[serde(default)]
    pub status: Option<String>,
    /// The organization last active in this session.
    #[serde(default)]
    pub last_active_organization_id: Option<String>,
    /// The impersonator, for an impersonation session.
    #[serde(default)]
    pub actor: Option<Value>,
    /// Last activity, ms since the epoch.
    #[serde(default)]
    pub last_active_at: Option<i64>,
    /// Expiry, ms since the epoch.
    #[serde(default)]
    pub expire_at: Option<i64>,
    /// Abandonment time, ms since the epoch.
    #[serde(default)]
    pub abandon_at: Option<i64>,
    /// Creation time, ms since the epoch.
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Last update, ms since the epoch.
    #[serde(default)]
    pub updated_at: Option<i64>,
    /// The session's user, when Clerk includes it.
    #[serde(default)]
    pub user: Option<UserData>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An organization (`OrganizationJSON`): `data` of `organization.created` / `.updated`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrganizationData {
    /// The organization id (`org_…`).
    pub id: String,
    /// `"organization"`.
    #[serde(default)]
    pub object: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// URL slug.
    #[serde(default)]
    pub slug: Option<String>,
    /// Logo URL.
    #[serde(default)]
    pub image_url: Option<String>,
    /// Whether a logo was uploaded.
    #[serde(default)]
    pub has_image: Option<bool>,
    /// Number of members, when included.
    #[serde(default)]
    pub members_count: Option<i64>,
    /// Number of pending invitations, when included.
    #[serde(default)]
    pub pending_invitations_count: Option<i64>,
    /// Membership limit.
    #[serde(default)]
    pub max_allowed_memberships: Option<i64>,
    /// Whether admins may delete the organization.
    #[serde(default)]
    pub admin_delete_enabled: Option<bool>,
    /// Metadata readable from the frontend (`null` when absent).
    #[serde(default)]
    pub public_metadata: Value,
    /// Metadata readable only from the backend (`null` when absent).
    #[serde(default)]
    pub private_metadata: Value,
    /// Id of the user who created it.
    #[serde(default)]
    pub created_by: Option<String>,
    /// Creation time, ms since the epoch.
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Last update, ms since the epoch.
    #[serde(default)]
    pub updated_at: Option<i64>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An organization membership (`OrganizationMembershipJSON`): `data` of
/// `organizationMembership.*` events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrganizationMembershipData {
    /// The membership id (`orgmem_…`).
    pub id: String,
    /// `"organization_membership"`.
    #[serde(default)]
    pub object: String,
    /// The member's role key, e.g. `org:admin`.
    #[serde(default)]
    pub role: String,
    /// The role's permission keys.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Metadata readable from the frontend (`null` when absent).
    #[serde(default)]
    pub public_metadata: Value,
    /// Metadata readable only from the backend (`null` when absent).
    #[serde(default)]
    pub private_metadata: Value,
    /// The organization.
    #[serde(default)]
    pub organization: Option<OrganizationData>,
    /// The member's public profile.
    #[serde(default)]
    pub public_user_data: Option<PublicUserData>,
    /// Creation time, ms since the epoch.
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Last update, ms since the epoch.
    #[serde(default)]
    pub updated_at: Option<i64>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The public profile of an organization member (`OrganizationMembershipPublicUserDataJSON`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PublicUserData {
    /// The user id.
    #[serde(default)]
    pub user_id: String,
    /// The identifier the member signs in with (email, phone or username).
    #[serde(default)]
    pub identifier: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Profile image URL.
    #[serde(default)]
    pub image_url: Option<String>,
    /// Whether a profile image was uploaded.
    #[serde(default)]
    pub has_image: Option<bool>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An organization invitation (`OrganizationInvitationJSON`, and
/// `OrganizationInvitationAcceptedJSON` with `user_id`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrganizationInvitationData {
    /// The invitation id (`orginv_…`).
    pub id: String,
    /// `"organization_invitation"`.
    #[serde(default)]
    pub object: String,
    /// The invited address.
    #[serde(default)]
    pub email_address: String,
    /// The role key offered, e.g. `org:member`.
    #[serde(default)]
    pub role: String,
    /// The role's display name.
    #[serde(default)]
    pub role_name: Option<String>,
    /// The organization.
    #[serde(default)]
    pub organization_id: Option<String>,
    /// `pending`, `accepted`, `revoked`, …
    #[serde(default)]
    pub status: Option<String>,
    /// The user who accepted (`organizationInvitation.accepted` only).
    #[serde(default)]
    pub user_id: Option<String>,
    /// Metadata readable from the frontend (`null` when absent).
    #[serde(default)]
    pub public_metadata: Value,
    /// Metadata readable only from the backend (`null` when absent).
    #[serde(default)]
    pub private_metadata: Value,
    /// The invitation link, if any.
    #[serde(default)]
    pub url: Option<String>,
    /// Creation time, ms since the epoch.
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Last update, ms since the epoch.
    #[serde(default)]
    pub updated_at: Option<i64>,
    /// Expiry, ms since the epoch.
    #[serde(default)]
    pub expires_at: Option<i64>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A deleted object (`DeletedObjectJSON`): `data` of `user.deleted`, `organization.deleted`
/// and `organizationDomain.deleted`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeletedObjectData {
    /// The kind of object deleted, e.g. `"user"`.
    #[serde(default)]
    pub object: String,
    /// Its id, when it had one.
    #[serde(default)]
    pub id: Option<String>,
    /// Its slug, when it had one.
    #[serde(default)]
    pub slug: Option<String>,
    /// Always `true` for a deletion.
    #[serde(default)]
    pub deleted: bool,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_event_name_round_trips() {
        assert_eq!(EventType::ALL.len(), 45);
        let mut seen = std::collections::HashSet::new();
        for ty in EventType::ALL {
            assert!(ty.is_known());
            assert!(seen.insert(ty.as_str()), "duplicate name {ty}");
            assert_eq!(&EventType::from_name(ty.as_str()), ty);
            assert_eq!(ty.as_str().parse::<EventType>(), Ok(ty.clone()));
            assert_eq!(ty.to_string(), ty.as_str());
            let wire = serde_json::to_value(ty).unwrap();
            assert_eq!(wire, json!(ty.as_str()));
            assert_eq!(&serde_json::from_value::<EventType>(wire).unwrap(), ty);
        }
    }

    #[test]
    fn camel_case_names_are_exact() {
        for name in [
            "organizationDomain.created",
            "organizationMembership.deleted",
            "organizationInvitation.accepted",
            "waitlistEntry.updated",
            "paymentAttempt.created",
            "subscription.pastDue",
            "subscriptionItem.pastDue",
            "subscriptionItem.freeTrialEnding",
        ] {
            assert!(EventType::from_name(name).is_known(), "{name}");
        }
        assert_eq!(
            EventType::from_name("subscriptionItem.freeTrialEnding"),
            EventType::SubscriptionItemFreeTrialEnding
        );
        // Names are case-sensitive, as on the wire.
        assert!(!EventType::from_name("subscriptionitem.freetrialending").is_known());
        assert!(!EventType::from_name("User.Created").is_known());
    }

    #[test]
    fn unknown_name_keeps_its_text() {
        let ty: EventType = serde_json::from_value(json!("invoice.paid")).unwrap();
        assert_eq!(ty, EventType::Unknown("invoice.paid".to_owned()));
        assert!(!ty.is_known());
        assert_eq!(ty.as_str(), "invoice.paid");
        assert_eq!(serde_json::to_value(&ty).unwrap(), json!("invoice.paid"));
        assert_eq!(EventType::from("").as_str(), "");
    }

    #[test]
    fn envelope_parses_with_defaults() {
        let ev = WebhookEvent::parse(br#"{"type":"user.created"}"#).unwrap();
        assert_eq!(ev.event_type, EventType::UserCreated);
        assert_eq!(ev.object, "event");
        assert_eq!(ev.data, Value::Null);
        assert_eq!(ev.timestamp, None);
        assert_eq!(ev.instance_id, None);
        assert_eq!(ev.event_attributes, None);

        let ev = WebhookEvent::parse(
            br#"{"type":"session.ended","object":"event","data":{"id":"sess_1"},
                 "timestamp":1700000000123,"instance_id":"ins_1","extra_top":1,
                 "event_attributes":{"http_request":{"client_ip":"1.2.3.4","user_agent":"ua"}}}"#,
        )
        .unwrap();
        assert_eq!(ev.event_type, EventType::SessionEnded);
        assert_eq!(ev.timestamp, Some(1_700_000_000_123));
        assert_eq!(ev.instance_id.as_deref(), Some("ins_1"));
        assert_eq!(
            ev.event_attributes
                .as_ref()
                .and_then(|a| a.pointer("/http_request/client_ip")),
            Some(&json!("1.2.3.4"))
        );
        // Unknown top-level fields are dropped, as upstream.
        let back = serde_json::to_value(&ev).unwrap();
        assert!(back.get("extra_top").is_none());
        assert_eq!(back["type"], json!("session.ended"));
    }

    #[test]
    fn invalid_payloads_are_typed() {
        let cases: &[(&[u8], PayloadError)] = &[
            (b"", PayloadError::NotJson { line: 1, column: 0 }),
            (b"hello", PayloadError::NotJson { line: 1, column: 1 }),
            (b"[1,2]", PayloadError::NotAnObject),
            (b"\"user.created\"", PayloadError::NotAnObject),
            (b"{}", PayloadError::MissingType),
            (br#"{"type":5}"#, PayloadError::MissingType),
            (br#"{"type":null}"#, PayloadError::MissingType),
            (
                br#"{"type":"user.created","timestamp":"soon"}"#,
                PayloadError::InvalidEnvelope,
            ),
            (
                br#"{"type":"user.created","instance_id":7}"#,
                PayloadError::InvalidEnvelope,
            ),
        ];
        for (body, want) in cases {
            let err = WebhookEvent::parse(body).unwrap_err();
            assert_eq!(err, WebhookError::InvalidPayload(want.clone()), "{body:?}");
            assert_eq!(err.reason(), "webhook-payload-invalid");
        }
    }

    #[test]
    fn user_data_parses_and_keeps_unknown_fields() {
        let ev = WebhookEvent::parse(
            json!({
                "type": "user.created",
                "object": "event",
                "data": {
                    "id": "user_29w83sxmDNGwOuEthce5gg56FcC",
                    "object": "user",
                    "username": null,
                    "first_name": "Example",
                    "last_name": "Example",
                    "image_url": "https://img.clerk.com/x",
                    "has_image": true,
                    "primary_email_address_id": "idn_2",
                    "email_addresses": [
                        {"id": "idn_1", "object": "email_address", "email_address": "old@example.org",
                         "verification": null, "linked_to": []},
                        {"id": "idn_2", "object": "email_address", "email_address": "example@example.org",
                         "verification": {"status": "verified", "strategy": "ticket"}, "linked_to": []}
                    ],
                    "phone_numbers": [],
                    "public_metadata": {"plan": "pro"},
                    "private_metadata": {},
                    "unsafe_metadata": {},
                    "created_at": 1654012591514_i64,
                    "updated_at": 1654012591835_i64,
                    "gender": "",
                    "brand_new_field": {"nested": [1, 2]}
                }
            })
            .to_string()
            .as_bytes(),
        )
        .unwrap();
        let user = ev.user().unwrap().unwrap();
        assert_eq!(user.id, "user_29w83sxmDNGwOuEthce5gg56FcC");
        assert_eq!(user.object, "user");
        assert_eq!(user.username, None);
        assert_eq!(user.first_name.as_deref(), Some("Example"));
        assert_eq!(user.email_addresses.len(), 2);
        assert_eq!(user.primary_email_address(), Some("example@example.org"));
        assert_eq!(user.public_metadata["plan"], "pro");
        assert_eq!(user.created_at, Some(1_654_012_591_514));
        assert_eq!(user.extra.get("gender"), Some(&json!("")));
        assert_eq!(user.extra["brand_new_field"], json!({"nested": [1, 2]}));
        assert_eq!(user.email_addresses[0].extra["linked_to"], json!([]));
        assert!(!user.extra.contains_key("first_name"));
        // Round trip keeps the unknown fields.
        let back = serde_json::to_value(&user).unwrap();
        assert_eq!(back["brand_new_field"], json!({"nested": [1, 2]}));
        // Other accessors do not apply to this event.
        assert!(ev.session().is_none());
        assert!(ev.organization().is_none());
        assert!(ev.deleted().is_none());
    }

    #[test]
    fn session_organization_membership_invitation_and_deleted_parse() {
        let session = WebhookEvent::parse(
            json!({"type": "session.created", "data": {
                "id": "sess_1", "object": "session", "client_id": "client_1", "user_id": "user_1",
                "status": "active", "last_active_at": 1, "expire_at": 2, "abandon_at": 3,
                "created_at": 4, "updated_at": 5, "actor": null,
                "user": {"id": "user_1", "first_name": "Ada"},
                "latest_activity": {"id": "sess_activity_1", "is_mobile": false}
            }})
            .to_string()
            .as_bytes(),
        )
        .unwrap();
        let s = session.session().unwrap().unwrap();
        assert_eq!(s.id, "sess_1");
        assert_eq!(s.user_id.as_deref(), Some("user_1"));
        assert_eq!(s.status.as_deref(), Some("active"));
        assert_eq!(s.user.as_ref().and_then(|u| u.first_name.as_deref()), Some("Ada"));
        assert_eq!(s.extra["latest_activity"]["is_mobile"], json!(false));
        assert!(session.user().is_none());

        let org = WebhookEvent::parse(
            json!({"type": "organization.updated", "data": {
                "id": "org_1", "object": "organization", "name": "Acme", "slug": "acme",
                "has_image": false, "max_allowed_memberships": 5, "admin_delete_enabled": true,
                "public_metadata": null, "created_by": "user_1", "created_at": 1, "updated_at": 2,
                "logo_url": "legacy"
            }})
            .to_string()
            .as_bytes(),
        )
        .unwrap();
        let o = org.organization().unwrap().unwrap();
        assert_eq!(
            (o.id.as_str(), o.name.as_str(), o.slug.as_deref()),
            ("org_1", "Acme", Some("acme"))
        );
        assert_eq!(o.public_metadata, Value::Null);
        assert_eq!(o.extra["logo_url"], json!("legacy"));

        let mem = WebhookEvent::parse(
            json!({"type": "organizationMembership.created", "data": {
                "id": "orgmem_1", "object": "organization_membership", "role": "org:admin",
                "role_name": "Admin", "permissions": ["org:sys_memberships:manage"],
                "public_metadata": {}, "created_at": 1, "updated_at": 2,
                "organization": {"id": "org_1", "name": "Acme", "slug": "acme"},
                "public_user_data": {"user_id": "user_1", "identifier": "a@b.c", "first_name": null,
                                     "last_name": null, "image_url": "u", "has_image": false}
            }})
            .to_string()
            .as_bytes(),
        )
        .unwrap();
        let m = mem.organization_membership().unwrap().unwrap();
        assert_eq!(m.role, "org:admin");
        assert_eq!(m.permissions, vec!["org:sys_memberships:manage".to_owned()]);
        assert_eq!(m.organization.as_ref().map(|o| o.id.as_str()), Some("org_1"));
        assert_eq!(
            m.public_user_data.as_ref().map(|u| u.user_id.as_str()),
            Some("user_1")
        );
        assert_eq!(m.extra["role_name"], json!("Admin"));

        let inv = WebhookEvent::parse(
            json!({"type": "organizationInvitation.accepted", "data": {
                "id": "orginv_1", "object": "organization_invitation", "email_address": "a@b.c",
                "role": "org:member", "role_name": "Member", "organization_id": "org_1",
                "status": "accepted", "user_id": "user_9", "public_metadata": {},
                "private_metadata": {}, "url": null, "created_at": 1, "updated_at": 2, "expires_at": 3
            }})
            .to_string()
            .as_bytes(),
        )
        .unwrap();
        let i = inv.organization_invitation().unwrap().unwrap();
        assert_eq!(i.user_id.as_deref(), Some("user_9"));
        assert_eq!(i.status.as_deref(), Some("accepted"));
        assert_eq!(i.expires_at, Some(3));
        assert!(i.extra.is_empty());

        for ty in [
            "user.deleted",
            "organization.deleted",
            "organizationDomain.deleted",
        ] {
            let del = WebhookEvent::parse(
                json!({"type": ty, "data": {"object": "user", "id": "user_1", "deleted": true, "x": 1}})
                    .to_string()
                    .as_bytes(),
            )
            .unwrap();
            let d = del.deleted().unwrap().unwrap();
            assert!(d.deleted);
            assert_eq!(d.id.as_deref(), Some("user_1"));
            assert_eq!(d.extra["x"], json!(1));
        }
    }

    #[test]
    fn typed_accessor_reports_shape_errors_and_data_as_is_generic() {
        let ev = WebhookEvent::parse(br#"{"type":"user.updated","data":{"first_name":"no id"}}"#).unwrap();
        assert!(ev.user().unwrap().is_err());

        #[derive(Deserialize)]
        struct Role {
            key: String,
        }
        let ev =
            WebhookEvent::parse(br#"{"type":"role.created","data":{"id":"role_1","key":"org:x"}}"#).unwrap();
        assert_eq!(ev.data_as::<Role>().unwrap().key, "org:x");
        assert!(ev.data_as::<Vec<u8>>().is_err());
    }
}
