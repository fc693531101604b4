//! The local Clerk's data: users, organizations, memberships, invitations and sessions, kept
//! as plain records and rendered to Clerk's JSON (the 2026-05-12 wire shapes) on the way out.
//!
//! The records are our own, deliberately not the SDK's models, so a test of the typed client
//! checks its parsing against JSON written independently from it.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde_json::{Value, json};

use super::super::random_hex;

/// Rows in creation order (`seq`), found by id. Deleting keeps the others' order.
#[derive(Debug)]
pub(super) struct Table<T> {
    rows: BTreeMap<u64, T>,
    by_id: HashMap<String, u64>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            rows: BTreeMap::new(),
            by_id: HashMap::new(),
        }
    }
}

impl<T: Row> Table<T> {
    pub(super) fn insert(&mut self, row: T) {
        self.by_id.insert(row.id().to_owned(), row.seq());
        self.rows.insert(row.seq(), row);
    }

    pub(super) fn get(&self, id: &str) -> Option<&T> {
        self.by_id.get(id).and_then(|seq| self.rows.get(seq))
    }

    /// The row, for a change (which drops what it had cached).
    pub(super) fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        let seq = self.by_id.get(id)?;
        let row = self.rows.get_mut(seq)?;
        row.changing();
        Some(row)
    }

    pub(super) fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    pub(super) fn remove(&mut self, id: &str) -> Option<T> {
        let seq = self.by_id.remove(id)?;
        self.rows.remove(&seq)
    }

    /// Removes every row `doomed` picks.
    pub(super) fn remove_where(&mut self, mut doomed: impl FnMut(&T) -> bool) {
        let ids: Vec<String> = self
            .iter()
            .filter(|row| doomed(row))
            .map(|row| row.id().to_owned())
            .collect();
        for id in ids {
            self.remove(&id);
        }
    }

    /// Rows in creation order.
    pub(super) fn iter(&self) -> std::collections::btree_map::Values<'_, u64, T> {
        self.rows.values()
    }

    /// Every row, for a change (which drops what each had cached).
    pub(super) fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        for row in self.rows.values_mut() {
            row.changing();
        }
        self.rows.values_mut()
    }

    pub(super) fn len(&self) -> usize {
        self.rows.len()
    }
}

/// A stored record: an id and a creation sequence number that breaks timestamp ties.
pub(super) trait Row {
    fn id(&self) -> &str;
    fn seq(&self) -> u64;
    /// Called before every mutable access, to drop a cached rendering.
    fn changing(&mut self) {}
}

macro_rules! row {
    ($($ty:ty),*) => {$(
        impl Row for $ty {
            fn id(&self) -> &str {
                &self.id
            }
            fn seq(&self) -> u64 {
                self.seq
            }
        }
    )*};
}
row!(
    OrganizationRow,
    MembershipRow,
    InvitationRow,
    OrganizationInvitationRow,
    SessionRow
);

impl Row for UserRow {
    fn id(&self) -> &str {
        &self.id
    }
    fn seq(&self) -> u64 {
        self.seq
    }
    fn changing(&mut self) {
        self.rendered = OnceLock::new();
    }
}

/// A new id with Clerk's prefix, e.g. `user_4f1c…`.
pub(super) fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_hex(12))
}

/// An email address or phone number of a user.
#[derive(Debug, Clone)]
pub(super) struct Identification {
    pub(super) id: String,
    pub(super) value: String,
    pub(super) created_at: u64,
}

#[derive(Debug, Clone)]
pub(super) struct UserRow {
    pub(super) seq: u64,
    pub(super) id: String,
    pub(super) external_id: Option<String>,
    pub(super) username: Option<String>,
    pub(super) first_name: Option<String>,
    pub(super) last_name: Option<String>,
    pub(super) locale: Option<String>,
    pub(super) email_addresses: Vec<Identification>,
    pub(super) phone_numbers: Vec<Identification>,
    pub(super) primary_email_address_id: Option<String>,
    pub(super) primary_phone_number_id: Option<String>,
    pub(super) password: Option<String>,
    pub(super) public_metadata: Value,
    pub(super) private_metadata: Value,
    pub(super) unsafe_metadata: Value,
    pub(super) banned: bool,
    pub(super) locked: bool,
    pub(super) delete_self_enabled: bool,
    pub(super) create_organization_enabled: bool,
    pub(super) create_organizations_limit: Option<u64>,
    pub(super) created_at: u64,
    pub(super) updated_at: u64,
    pub(super) last_sign_in_at: Option<u64>,
    pub(super) last_active_at: Option<u64>,
    pub(super) legal_accepted_at: Option<u64>,
    /// The JSON text, rendered once per change: user lists are the hot path of tests that
    /// page through thousands of users.
    pub(super) rendered: OnceLock<String>,
}

impl UserRow {
    /// [`UserRow::to_json`] as text, cached until the next change.
    pub(super) fn json_text(&self) -> &str {
        self.rendered.get_or_init(|| self.to_json().to_string())
    }

    pub(super) fn primary_email(&self) -> Option<&str> {
        let primary = self.primary_email_address_id.as_deref()?;
        self.email_addresses
            .iter()
            .find(|e| e.id == primary)
            .map(|e| e.value.as_str())
    }

    pub(super) fn primary_phone(&self) -> Option<&str> {
        let primary = self.primary_phone_number_id.as_deref()?;
        self.phone_numbers
            .iter()
            .find(|p| p.id == primary)
            .map(|p| p.value.as_str())
    }

    /// Clerk's `User` JSON.
    pub(super) fn to_json(&self) -> Value {
        let email_addresses: Vec<Value> = self
            .email_addresses
            .iter()
            .map(|e| identification_json("email_address", "email_address", e))
            .collect();
        let phone_numbers: Vec<Value> = self
            .phone_numbers
            .iter()
            .map(|p| {
                let mut json = identification_json("phone_number", "phone_number", p);
                json["reserved_for_second_factor"] = false.into();
                json["default_second_factor"] = false.into();
                json["backup_codes"] = Value::Null;
                json
            })
            .collect();
        let mut user = json!({
            "id": self.id,
            "object": "user",
            "external_id": self.external_id,
            "primary_email_address_id": self.primary_email_address_id,
            "primary_phone_number_id": self.primary_phone_number_id,
            "primary_web3_wallet_id": null,
            "username": self.username,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "locale": self.locale,
            "image_url": image_url(&self.id),
            "has_image": false,
            "public_metadata": self.public_metadata,
            "private_metadata": self.private_metadata,
            "unsafe_metadata": self.unsafe_metadata,
        });
        // Two halves: one `json!` this large exceeds the macro recursion limit.
        let rest = json!({
            "email_addresses": email_addresses,
            "phone_numbers": phone_numbers,
            "web3_wallets": [],
            "passkeys": [],
            "password_enabled": self.password.is_some(),
            "two_factor_enabled": false,
            "totp_enabled": false,
            "backup_code_enabled": false,
            "mfa_enabled_at": null,
            "mfa_disabled_at": null,
            "password_last_updated_at": self.password.as_ref().map(|_| self.updated_at),
            "external_accounts": [],
            "saml_accounts": [],
            "enterprise_accounts": [],
            "last_sign_in_at": self.last_sign_in_at,
            "banned": self.banned,
            "locked": self.locked,
            "deprovisioned": false,
            "lockout_expires_in_seconds": null,
            "verification_attempts_remaining": null,
            "updated_at": self.updated_at,
            "created_at": self.created_at,
            "delete_self_enabled": self.delete_self_enabled,
            "create_organization_enabled": self.create_organization_enabled,
            "create_organizations_limit": self.create_organizations_limit,
            "last_active_at": self.last_active_at,
            "legal_accepted_at": self.legal_accepted_at,
            "bypass_client_trust": false,
        });
        if let (Value::Object(user), Value::Object(rest)) = (&mut user, rest) {
            user.extend(rest);
        }
        user
    }

    /// The `public_user_data` of this user's memberships.
    fn public_user_data(&self) -> Value {
        let identifier = self
            .primary_email()
            .or(self.username.as_deref())
            .or(self.primary_phone())
            .unwrap_or_default();
        json!({
            "user_id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "profile_image_url": image_url(&self.id),
            "image_url": image_url(&self.id),
            "has_image": false,
            "identifier": identifier,
            "username": self.username,
            "banned": self.banned,
            "deprovisioned": false,
        })
    }
}

/// An email address (or phone number) verified by an admin, as for users the Backend API
/// creates.
fn identification_json(object: &str, field: &str, identification: &Identification) -> Value {
    json!({
        "id": identification.id,
        "object": object,
        field: identification.value,
        "reserved": false,
        "verification": {
            "object": "verification_admin",
            "status": "verified",
            "strategy": "admin",
            "attempts": null,
            "expire_at": null,
            "verified_at_client": null,
        },
        "linked_to": [],
        "created_at": identification.created_at,
        "updated_at": identification.created_at,
    })
}

fn image_url(id: &str) -> String {
    format!("https://img.clerk.com/mock/{id}")
}

#[derive(Debug, Clone)]
pub(super) struct OrganizationRow {
    pub(super) seq: u64,
    pub(super) id: String,
    pub(super) name: String,
    pub(super) slug: String,
    pub(super) public_metadata: Value,
    pub(super) private_metadata: Value,
    pub(super) max_allowed_memberships: u64,
    pub(super) admin_delete_enabled: bool,
    pub(super) created_by: Option<String>,
    pub(super) created_at: u64,
    pub(super) updated_at: u64,
}

impl OrganizationRow {
    /// Clerk's `Organization` JSON; `members_count` only when asked for, as Clerk does.
    pub(super) fn to_json(&self, members_count: Option<usize>) -> Value {
        let mut json = json!({
            "object": "organization",
            "id": self.id,
            "name": self.name,
            "slug": self.slug,
            "image_url": image_url(&self.id),
            "has_image": false,
            "max_allowed_memberships": self.max_allowed_memberships,
            "admin_delete_enabled": self.admin_delete_enabled,
            "public_metadata": self.public_metadata,
            "private_metadata": self.private_metadata,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "role_set_key": null,
        });
        if let Some(created_by) = &self.created_by {
            json["created_by"] = created_by.clone().into();
        }
        if let Some(count) = members_count {
            json["members_count"] = count.into();
        }
        json
    }
}

#[derive(Debug, Clone)]
pub(super) struct MembershipRow {
    pub(super) seq: u64,
    pub(super) id: String,
    pub(super) organization_id: String,
    pub(super) user_id: String,
    pub(super) role: String,
    pub(super) public_metadata: Value,
    pub(super) private_metadata: Value,
    pub(super) created_at: u64,
    pub(super) updated_at: u64,
}

impl MembershipRow {
    /// Clerk's `OrganizationMembership` JSON, with the full organization and the member's
    /// public data.
    pub(super) fn to_json(&self, organization: Option<&OrganizationRow>, user: Option<&UserRow>) -> Value {
        let mut json = json!({
            "id": self.id,
            "object": "organization_membership",
            "role": self.role,
            "role_name": role_name(&self.role),
            "permissions": permissions(&self.role),
            "public_metadata": self.public_metadata,
            "private_metadata": self.private_metadata,
            "organization": organization.map(|o| o.to_json(None)),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        });
        if let Some(user) = user {
            json["public_user_data"] = user.public_user_data();
        }
        json
    }
}

/// The default roles' names; a custom `org:x_y` role is named `X y`.
fn role_name(role: &str) -> String {
    match role {
        "org:admin" => "Admin".to_owned(),
        "org:member" => "Member".to_owned(),
        other => {
            let key = other.strip_prefix("org:").unwrap_or(other).replace('_', " ");
            let mut chars = key.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

/// The system permissions of Clerk's default roles; custom roles have none here.
pub(super) fn permissions(role: &str) -> Vec<&'static str> {
    match role {
        "org:admin" => vec![
            "org:sys_profile:manage",
            "org:sys_profile:delete",
            "org:sys_memberships:read",
            "org:sys_memberships:manage",
            "org:sys_domains:read",
            "org:sys_domains:manage",
        ],
        "org:member" => vec!["org:sys_memberships:read"],
        _ => Vec::new(),
    }
}

/// Shared by both kinds of invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum InvitationStatus {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

impl InvitationStatus {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "pending",
            InvitationStatus::Accepted => "accepted",
            InvitationStatus::Revoked => "revoked",
            InvitationStatus::Expired => "expired",
        }
    }

    pub(super) fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => InvitationStatus::Pending,
            "accepted" => InvitationStatus::Accepted,
            "revoked" => InvitationStatus::Revoked,
            "expired" => InvitationStatus::Expired,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub(super) struct InvitationRow {
    pub(super) seq: u64,
    pub(super) id: String,
    pub(super) email_address: String,
    pub(super) public_metadata: Value,
    pub(super) status: InvitationStatus,
    pub(super) url: Option<String>,
    pub(super) expires_at: Option<u64>,
    pub(super) created_at: u64,
    pub(super) updated_at: u64,
}

impl InvitationRow {
    /// Clerk's `Invitation` JSON.
    pub(super) fn to_json(&self) -> Value {
        let mut json = json!({
            "object": "invitation",
            "id": self.id,
            "email_address": self.email_address,
            "public_metadata": self.public_metadata,
            "revoked": self.status == InvitationStatus::Revoked,
            "status": self.status.as_str(),
            "expires_at": self.expires_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        });
        if let Some(url) = &self.url {
            json["url"] = url.clone().into();
        }
        json
    }
}

#[derive(Debug, Clone)]
pub(super) struct OrganizationInvitationRow {
    pub(super) seq: u64,
    pub(super) id: String,
    pub(super) organization_id: String,
    pub(super) email_address: String,
    pub(super) role: String,
    pub(super) inviter_id: Option<String>,
    pub(super) public_metadata: Value,
    pub(super) private_metadata: Value,
    pub(super) status: InvitationStatus,
    pub(super) url: Option<String>,
    pub(super) expires_at: Option<u64>,
    pub(super) created_at: u64,
    pub(super) updated_at: u64,
}

impl OrganizationInvitationRow {
    /// Clerk's `OrganizationInvitation` JSON; `inviter` is the user behind `inviter_id`.
    pub(super) fn to_json(&self, inviter: Option<&UserRow>) -> Value {
        let public_inviter_data = inviter.map(|user| {
            json!({
                "user_id": user.id,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "image_url": image_url(&user.id),
                "has_image": false,
                "identifier": user.primary_email().or(user.username.as_deref()).unwrap_or_default(),
            })
        });
        json!({
            "object": "organization_invitation",
            "id": self.id,
            "email_address": self.email_address,
            "role": self.role,
            "role_name": role_name(&self.role),
            "organization_id": self.organization_id,
            "inviter_id": self.inviter_id,
            "public_inviter_data": public_inviter_data,
            "status": self.status.as_str(),
            "public_metadata": self.public_metadata,
            "private_metadata": self.private_metadata,
            "url": self.url,
            "expires_at": self.expires_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }
}

#[derive(Debug, Clone)]
pub(super) struct SessionRow {
    pub(super) seq: u64,
    pub(super) id: String,
    pub(super) user_id: String,
    pub(super) client_id: String,
    pub(super) status: String,
    pub(super) last_active_organization_id: Option<String>,
    pub(super) last_active_at: u64,
    pub(super) expire_at: u64,
    pub(super) abandon_at: u64,
    pub(super) created_at: u64,
    pub(super) updated_at: u64,
}

impl SessionRow {
    /// Clerk's `Session` JSON, with a latest activity as a desktop browser reports it.
    pub(super) fn to_json(&self) -> Value {
        json!({
            "object": "session",
            "id": self.id,
            "user_id": self.user_id,
            "client_id": self.client_id,
            "actor": null,
            "status": self.status,
            "last_active_organization_id": self.last_active_organization_id,
            "last_active_at": self.last_active_at,
            "latest_activity": {
                "object": "session_activity",
                "id": format!("sess_activity_{}", self.id.trim_start_matches("sess_")),
                "device_type": "Macintosh",
                "is_mobile": false,
                "browser_name": "Chrome",
                "browser_version": "131.0.0.0",
                "ip_address": "127.0.0.1",
                "city": "Localhost",
                "country": "ZZ",
            },
            "expire_at": self.expire_at,
            "abandon_at": self.abandon_at,
            "updated_at": self.updated_at,
            "created_at": self.created_at,
            "tasks": null,
        })
    }
}

/// Every resource, plus the indexes the handlers need.
#[derive(Debug, Default)]
pub(super) struct Store {
    next_seq: u64,
    pub(super) users: Table<UserRow>,
    /// Lowercased email address → user id (email addresses are unique per instance).
    pub(super) emails: HashMap<String, String>,
    pub(super) organizations: Table<OrganizationRow>,
    pub(super) memberships: Table<MembershipRow>,
    pub(super) invitations: Table<InvitationRow>,
    pub(super) organization_invitations: Table<OrganizationInvitationRow>,
    pub(super) sessions: Table<SessionRow>,
    /// JWT template name → its extra claims.
    pub(super) jwt_templates: HashMap<String, Value>,
}

impl Store {
    pub(super) fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// An organization by id, or else by slug (Clerk's `{organization_id}` takes either).
    pub(super) fn organization_by_id_or_slug(&self, id_or_slug: &str) -> Option<&OrganizationRow> {
        self.organizations
            .get(id_or_slug)
            .or_else(|| self.organizations.iter().find(|o| o.slug == id_or_slug))
    }

    pub(super) fn slug_taken(&self, slug: &str, except: Option<&str>) -> bool {
        self.organizations
            .iter()
            .any(|o| o.slug == slug && Some(o.id.as_str()) != except)
    }

    pub(super) fn membership(&self, organization_id: &str, user_id: &str) -> Option<&MembershipRow> {
        self.memberships
            .iter()
            .find(|m| m.organization_id == organization_id && m.user_id == user_id)
    }

    pub(super) fn membership_id(&self, organization_id: &str, user_id: &str) -> Option<String> {
        self.membership(organization_id, user_id).map(|m| m.id.clone())
    }

    pub(super) fn members_count(&self, organization_id: &str) -> usize {
        self.memberships
            .iter()
            .filter(|m| m.organization_id == organization_id)
            .count()
    }

    pub(super) fn membership_json(&self, membership: &MembershipRow) -> Value {
        membership.to_json(
            self.organizations.get(&membership.organization_id),
            self.users.get(&membership.user_id),
        )
    }

    pub(super) fn organization_invitation_json(&self, invitation: &OrganizationInvitationRow) -> Value {
        let inviter = invitation.inviter_id.as_deref().and_then(|id| self.users.get(id));
        invitation.to_json(inviter)
    }

    /// Deletes a user and what hangs off it (memberships, sessions, its email index).
    pub(super) fn delete_user(&mut self, id: &str) -> Option<UserRow> {
        let user = self.users.remove(id)?;
        for email in &user.email_addresses {
            self.emails.remove(&email.value.to_lowercase());
        }
        self.memberships.remove_where(|m| m.user_id == id);
        self.sessions.remove_where(|s| s.user_id == id);
        Some(user)
    }

    /// Deletes an organization with its memberships and invitations.
    pub(super) fn delete_organization(&mut self, id: &str) -> Option<OrganizationRow> {
        let organization = self.organizations.remove(id)?;
        self.memberships.remove_where(|m| m.organization_id == id);
        self.organization_invitations
            .remove_where(|i| i.organization_id == id);
        Some(organization)
    }
}
