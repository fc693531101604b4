//! Seeding: builders for the records a test puts in the local Clerk before it runs, and the
//! inserts they share with the create endpoints (so a seeded user and one made with
//! `POST /v1/users` are the same thing).

use serde_json::{Map, Value};

use super::store::{
    Identification, InvitationRow, InvitationStatus, MembershipRow, OrganizationInvitationRow,
    OrganizationRow, SessionRow, Store, UserRow, new_id,
};

/// Why a seed (or the create request it stands for) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SeedError {
    /// A record of this kind already has this id.
    #[error("the id {id} is already taken")]
    IdTaken {
        /// The id asked for.
        id: String,
    },
    /// Another user has this email address (compared case-insensitively).
    #[error("the email address {email_address} belongs to another user")]
    EmailAddressTaken {
        /// The address asked for.
        email_address: String,
    },
    /// Another organization has this slug.
    #[error("the slug {slug} belongs to another organization")]
    SlugTaken {
        /// The slug asked for.
        slug: String,
    },
    /// No user has this id.
    #[error("no user has the id {id}")]
    UnknownUser {
        /// The id given.
        id: String,
    },
    /// No organization has this id.
    #[error("no organization has the id {id}")]
    UnknownOrganization {
        /// The id given.
        id: String,
    },
    /// The user is already a member of the organization.
    #[error("user {user_id} is already a member of {organization_id}")]
    AlreadyMember {
        /// The organization.
        organization_id: String,
        /// The user.
        user_id: String,
    },
    /// The organization is at its `max_allowed_memberships`.
    #[error("organization {organization_id} has no membership left")]
    MembershipQuotaExceeded {
        /// The organization.
        organization_id: String,
    },
}

impl SeedError {
    /// A stable kebab-case reason.
    pub fn reason(&self) -> &'static str {
        match self {
            SeedError::IdTaken { .. } => "seed-id-taken",
            SeedError::EmailAddressTaken { .. } => "seed-email-address-taken",
            SeedError::SlugTaken { .. } => "seed-slug-taken",
            SeedError::UnknownUser { .. } => "seed-unknown-user",
            SeedError::UnknownOrganization { .. } => "seed-unknown-organization",
            SeedError::AlreadyMember { .. } => "seed-already-member",
            SeedError::MembershipQuotaExceeded { .. } => "seed-membership-quota-exceeded",
        }
    }
}

/// A user for [`MockClerkApi::seed_user`](super::MockClerkApi::seed_user), built like
/// `UserSeed::new().email_address("ada@example.com").first_name("Ada")`.
///
/// Email addresses and phone numbers are verified (as for users the Backend API creates);
/// the first of each is the primary one. Timestamps are Unix milliseconds, default now.
#[derive(Debug, Clone, Default)]
pub struct UserSeed {
    pub(super) id: Option<String>,
    pub(super) email_addresses: Vec<String>,
    pub(super) phone_numbers: Vec<String>,
    pub(super) username: Option<String>,
    pub(super) first_name: Option<String>,
    pub(super) last_name: Option<String>,
    pub(super) external_id: Option<String>,
    pub(super) locale: Option<String>,
    pub(super) password: Option<String>,
    pub(super) public_metadata: Option<Value>,
    pub(super) private_metadata: Option<Value>,
    pub(super) unsafe_metadata: Option<Value>,
    pub(super) banned: bool,
    pub(super) locked: bool,
    pub(super) delete_self_enabled: Option<bool>,
    pub(super) create_organization_enabled: Option<bool>,
    pub(super) create_organizations_limit: Option<u64>,
    pub(super) created_at: Option<u64>,
    pub(super) last_sign_in_at: Option<u64>,
    pub(super) last_active_at: Option<u64>,
    pub(super) legal_accepted_at: Option<u64>,
}

/// One chained setter per optional field: `fn name(self, value) -> Self`. Text and JSON
/// take `impl Into<_>`; numbers take `u64` itself, so literals need no suffix.
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ident;)*) => {$(
        setters!(@one $(#[$doc])* $name: $ty);
    )*};
    (@one $(#[$doc:meta])* $name:ident: u64) => {
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, $name: u64) -> Self {
            self.$name = Some($name);
            self
        }
    };
    (@one $(#[$doc:meta])* $name:ident: $ty:ident) => {
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, $name: impl Into<$ty>) -> Self {
            self.$name = Some($name.into());
            self
        }
    };
}

/// `accepted()`, `revoked()` and `expired()` for both kinds of invitation seed (default
/// pending).
macro_rules! status_setters {
    () => {
        /// Marks it accepted.
        #[must_use]
        pub fn accepted(mut self) -> Self {
            self.status = InvitationStatus::Accepted;
            self
        }

        /// Marks it revoked.
        #[must_use]
        pub fn revoked(mut self) -> Self {
            self.status = InvitationStatus::Revoked;
            self
        }

        /// Marks it expired.
        #[must_use]
        pub fn expired(mut self) -> Self {
            self.status = InvitationStatus::Expired;
            self
        }
    };
}

impl UserSeed {
    /// A user with no identifiers, names or metadata.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an email address (the first one added is the primary).
    #[must_use]
    pub fn email_address(mut self, email_address: impl Into<String>) -> Self {
        self.email_addresses.push(email_address.into());
        self
    }

    /// Adds a phone number (the first one added is the primary).
    #[must_use]
    pub fn phone_number(mut self, phone_number: impl Into<String>) -> Self {
        self.phone_numbers.push(phone_number.into());
        self
    }

    setters! {
        /// Sets `id`. Default: a random `user_…`.
        id: String;
        /// Sets `username`.
        username: String;
        /// Sets `first_name`.
        first_name: String;
        /// Sets `last_name`.
        last_name: String;
        /// Sets `external_id`.
        external_id: String;
        /// Sets `locale`.
        locale: String;
        /// Sets the password `verify_password` checks (and `password_enabled`).
        password: String;
        /// Sets `public_metadata`. Default `{}`.
        public_metadata: Value;
        /// Sets `private_metadata`. Default `{}`.
        private_metadata: Value;
        /// Sets `unsafe_metadata`. Default `{}`.
        unsafe_metadata: Value;
        /// Sets `created_at` (Unix ms; also `updated_at`). Default now.
        created_at: u64;
        /// Sets `last_sign_in_at` (Unix ms). Default `null`.
        last_sign_in_at: u64;
        /// Sets `last_active_at` (Unix ms). Default `null`.
        last_active_at: u64;
        /// Sets `legal_accepted_at` (Unix ms). Default `null`.
        legal_accepted_at: u64;
        /// Sets `create_organizations_limit`. Default `null`.
        create_organizations_limit: u64;
    }

    /// Sets `banned`. Default false.
    #[must_use]
    pub fn banned(mut self, banned: bool) -> Self {
        self.banned = banned;
        self
    }

    /// Sets `locked`. Default false.
    #[must_use]
    pub fn locked(mut self, locked: bool) -> Self {
        self.locked = locked;
        self
    }

    /// Sets `delete_self_enabled`. Default true.
    #[must_use]
    pub fn delete_self_enabled(mut self, enabled: bool) -> Self {
        self.delete_self_enabled = Some(enabled);
        self
    }

    /// Sets `create_organization_enabled`. Default true.
    #[must_use]
    pub fn create_organization_enabled(mut self, enabled: bool) -> Self {
        self.create_organization_enabled = Some(enabled);
        self
    }
}

/// An organization for [`MockClerkApi::seed_organization`](super::MockClerkApi::seed_organization),
/// built like `OrganizationSeed::new("Acme").slug("acme")`.
#[derive(Debug, Clone)]
pub struct OrganizationSeed {
    pub(super) id: Option<String>,
    pub(super) name: String,
    pub(super) slug: Option<String>,
    pub(super) public_metadata: Option<Value>,
    pub(super) private_metadata: Option<Value>,
    pub(super) max_allowed_memberships: Option<u64>,
    pub(super) admin_delete_enabled: Option<bool>,
    pub(super) created_by: Option<String>,
    pub(super) created_at: Option<u64>,
}

impl OrganizationSeed {
    /// An organization named `name`; its slug defaults to the name, lowercased, with runs of
    /// other characters turned into `-`.
    pub fn new(name: impl Into<String>) -> Self {
        OrganizationSeed {
            id: None,
            name: name.into(),
            slug: None,
            public_metadata: None,
            private_metadata: None,
            max_allowed_memberships: None,
            admin_delete_enabled: None,
            created_by: None,
            created_at: None,
        }
    }

    setters! {
        /// Sets `id`. Default: a random `org_…`.
        id: String;
        /// Sets `slug`.
        slug: String;
        /// Sets `public_metadata`. Default `{}`.
        public_metadata: Value;
        /// Sets `private_metadata`. Default `{}`.
        private_metadata: Value;
        /// Sets `max_allowed_memberships` (0, the default, means unlimited).
        max_allowed_memberships: u64;
        /// Sets `created_by`: that user (who must exist) becomes an `org:admin` member.
        created_by: String;
        /// Sets `created_at` (Unix ms; also `updated_at`). Default now.
        created_at: u64;
    }

    /// Sets `admin_delete_enabled`. Default true.
    #[must_use]
    pub fn admin_delete_enabled(mut self, enabled: bool) -> Self {
        self.admin_delete_enabled = Some(enabled);
        self
    }
}

/// A membership for [`MockClerkApi::seed_membership`](super::MockClerkApi::seed_membership),
/// built like `MembershipSeed::new(&org_id, &user_id, "org:admin")`.
#[derive(Debug, Clone)]
pub struct MembershipSeed {
    pub(super) organization_id: String,
    pub(super) user_id: String,
    pub(super) role: String,
    pub(super) public_metadata: Option<Value>,
    pub(super) private_metadata: Option<Value>,
    pub(super) created_at: Option<u64>,
}

impl MembershipSeed {
    /// `user_id` joins `organization_id` (an id or a slug) with `role` (e.g. `org:admin`,
    /// `org:member`, or a custom `org:…`).
    pub fn new(
        organization_id: impl Into<String>,
        user_id: impl Into<String>,
        role: impl Into<String>,
    ) -> Self {
        MembershipSeed {
            organization_id: organization_id.into(),
            user_id: user_id.into(),
            role: role.into(),
            public_metadata: None,
            private_metadata: None,
            created_at: None,
        }
    }

    setters! {
        /// Sets `public_metadata`. Default `{}`.
        public_metadata: Value;
        /// Sets `private_metadata`. Default `{}`.
        private_metadata: Value;
        /// Sets `created_at` (Unix ms). Default now.
        created_at: u64;
    }
}

/// An instance invitation for [`MockClerkApi::seed_invitation`](super::MockClerkApi::seed_invitation).
#[derive(Debug, Clone)]
pub struct InvitationSeed {
    pub(super) id: Option<String>,
    pub(super) email_address: String,
    pub(super) public_metadata: Option<Value>,
    pub(super) status: InvitationStatus,
    pub(super) expires_in_days: Option<u64>,
    pub(super) created_at: Option<u64>,
}

impl InvitationSeed {
    /// A pending invitation for `email_address`, expiring in 30 days.
    pub fn new(email_address: impl Into<String>) -> Self {
        InvitationSeed {
            id: None,
            email_address: email_address.into(),
            public_metadata: None,
            status: InvitationStatus::Pending,
            expires_in_days: None,
            created_at: None,
        }
    }

    setters! {
        /// Sets `id`. Default: a random `inv_…`.
        id: String;
        /// Sets `public_metadata`. Default `{}`.
        public_metadata: Value;
        /// Sets the days until `expires_at`. Default 30.
        expires_in_days: u64;
        /// Sets `created_at` (Unix ms). Default now.
        created_at: u64;
    }

    status_setters!();
}

/// An organization invitation for
/// [`MockClerkApi::seed_organization_invitation`](super::MockClerkApi::seed_organization_invitation).
#[derive(Debug, Clone)]
pub struct OrganizationInvitationSeed {
    pub(super) id: Option<String>,
    pub(super) organization_id: String,
    pub(super) email_address: String,
    pub(super) role: String,
    pub(super) inviter_user_id: Option<String>,
    pub(super) public_metadata: Option<Value>,
    pub(super) private_metadata: Option<Value>,
    pub(super) status: InvitationStatus,
    pub(super) expires_in_days: Option<u64>,
    pub(super) created_at: Option<u64>,
}

impl OrganizationInvitationSeed {
    /// A pending invitation of `email_address` into `organization_id` with `role`.
    pub fn new(
        organization_id: impl Into<String>,
        email_address: impl Into<String>,
        role: impl Into<String>,
    ) -> Self {
        OrganizationInvitationSeed {
            id: None,
            organization_id: organization_id.into(),
            email_address: email_address.into(),
            role: role.into(),
            inviter_user_id: None,
            public_metadata: None,
            private_metadata: None,
            status: InvitationStatus::Pending,
            expires_in_days: None,
            created_at: None,
        }
    }

    setters! {
        /// Sets `id`. Default: a random `orginv_…`.
        id: String;
        /// Sets the inviter (`inviter_id`, `public_inviter_data`); the user must exist.
        inviter_user_id: String;
        /// Sets `public_metadata`. Default `{}`.
        public_metadata: Value;
        /// Sets `private_metadata`. Default `{}`.
        private_metadata: Value;
        /// Sets the days until `expires_at`. Default 30.
        expires_in_days: u64;
        /// Sets `created_at` (Unix ms). Default now.
        created_at: u64;
    }

    status_setters!();
}

/// A session for [`MockClerkApi::seed_session`](super::MockClerkApi::seed_session), built
/// like `SessionSeed::new(&user_id).last_active_organization_id(&org_id)`.
#[derive(Debug, Clone)]
pub struct SessionSeed {
    pub(super) id: Option<String>,
    pub(super) user_id: String,
    pub(super) client_id: Option<String>,
    pub(super) status: Option<String>,
    pub(super) last_active_organization_id: Option<String>,
    pub(super) created_at: Option<u64>,
}

impl SessionSeed {
    /// An active session of `user_id` (who must exist), expiring in 7 days.
    pub fn new(user_id: impl Into<String>) -> Self {
        SessionSeed {
            id: None,
            user_id: user_id.into(),
            client_id: None,
            status: None,
            last_active_organization_id: None,
            created_at: None,
        }
    }

    setters! {
        /// Sets `id`. Default: a random `sess_…`.
        id: String;
        /// Sets `client_id`. Default: a random `client_…`.
        client_id: String;
        /// Sets `status` (`active`, `ended`, `revoked`, … or anything else). Default `active`.
        status: String;
        /// Sets `last_active_organization_id`. Default `null`.
        last_active_organization_id: String;
        /// Sets `created_at` (Unix ms). Default now.
        created_at: u64;
    }
}

const DAY_MS: u64 = 86_400_000;

fn object_or_empty(value: Option<Value>) -> Value {
    value.unwrap_or_else(|| Value::Object(Map::new()))
}

/// `name` lowercased, each run of other characters one `-`, no `-` at either end.
pub(super) fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

impl Store {
    pub(super) fn insert_user(&mut self, seed: UserSeed, now: u64) -> Result<String, SeedError> {
        let id = seed.id.unwrap_or_else(|| new_id("user"));
        if self.users.contains(&id) {
            return Err(SeedError::IdTaken { id });
        }
        for (index, email) in seed.email_addresses.iter().enumerate() {
            let lower = email.to_lowercase();
            let repeated = seed.email_addresses[..index]
                .iter()
                .any(|e| e.to_lowercase() == lower);
            if repeated || self.emails.contains_key(&lower) {
                return Err(SeedError::EmailAddressTaken {
                    email_address: email.clone(),
                });
            }
        }
        let created_at = seed.created_at.unwrap_or(now);
        let identify = |prefix: &str, values: &[String]| -> Vec<Identification> {
            values
                .iter()
                .map(|value| Identification {
                    id: new_id(prefix),
                    value: value.clone(),
                    created_at,
                })
                .collect()
        };
        let email_addresses = identify("idn", &seed.email_addresses);
        let phone_numbers = identify("idn", &seed.phone_numbers);
        for email in &email_addresses {
            self.emails.insert(email.value.to_lowercase(), id.clone());
        }
        let user = UserRow {
            seq: self.next_seq(),
            id: id.clone(),
            external_id: seed.external_id,
            username: seed.username,
            first_name: seed.first_name,
            last_name: seed.last_name,
            locale: seed.locale,
            primary_email_address_id: email_addresses.first().map(|e| e.id.clone()),
            primary_phone_number_id: phone_numbers.first().map(|p| p.id.clone()),
            email_addresses,
            phone_numbers,
            password: seed.password,
            public_metadata: object_or_empty(seed.public_metadata),
            private_metadata: object_or_empty(seed.private_metadata),
            unsafe_metadata: object_or_empty(seed.unsafe_metadata),
            banned: seed.banned,
            locked: seed.locked,
            delete_self_enabled: seed.delete_self_enabled.unwrap_or(true),
            create_organization_enabled: seed.create_organization_enabled.unwrap_or(true),
            create_organizations_limit: seed.create_organizations_limit,
            created_at,
            updated_at: created_at,
            last_sign_in_at: seed.last_sign_in_at,
            last_active_at: seed.last_active_at,
            legal_accepted_at: seed.legal_accepted_at,
            rendered: std::sync::OnceLock::new(),
        };
        self.users.insert(user);
        Ok(id)
    }

    pub(super) fn insert_organization(
        &mut self,
        seed: OrganizationSeed,
        now: u64,
    ) -> Result<String, SeedError> {
        let id = seed.id.unwrap_or_else(|| new_id("org"));
        if self.organizations.contains(&id) {
            return Err(SeedError::IdTaken { id });
        }
        let slug = seed.slug.unwrap_or_else(|| slugify(&seed.name));
        if self.slug_taken(&slug, None) {
            return Err(SeedError::SlugTaken { slug });
        }
        if let Some(creator) = &seed.created_by
            && !self.users.contains(creator)
        {
            return Err(SeedError::UnknownUser { id: creator.clone() });
        }
        let created_at = seed.created_at.unwrap_or(now);
        let organization = OrganizationRow {
            seq: self.next_seq(),
            id: id.clone(),
            name: seed.name,
            slug,
            public_metadata: object_or_empty(seed.public_metadata),
            private_metadata: object_or_empty(seed.private_metadata),
            max_allowed_memberships: seed.max_allowed_memberships.unwrap_or(0),
            admin_delete_enabled: seed.admin_delete_enabled.unwrap_or(true),
            created_by: seed.created_by.clone(),
            created_at,
            updated_at: created_at,
        };
        self.organizations.insert(organization);
        if let Some(creator) = seed.created_by {
            let admin = MembershipSeed::new(id.clone(), creator, "org:admin");
            self.insert_membership(admin, created_at)?;
        }
        Ok(id)
    }

    pub(super) fn insert_membership(&mut self, seed: MembershipSeed, now: u64) -> Result<String, SeedError> {
        let Some(organization) = self.organization_by_id_or_slug(&seed.organization_id) else {
            return Err(SeedError::UnknownOrganization {
                id: seed.organization_id,
            });
        };
        let organization_id = organization.id.clone();
        let quota = organization.max_allowed_memberships;
        if !self.users.contains(&seed.user_id) {
            return Err(SeedError::UnknownUser { id: seed.user_id });
        }
        if self.membership(&organization_id, &seed.user_id).is_some() {
            return Err(SeedError::AlreadyMember {
                organization_id,
                user_id: seed.user_id,
            });
        }
        if quota > 0 && self.members_count(&organization_id) as u64 >= quota {
            return Err(SeedError::MembershipQuotaExceeded { organization_id });
        }
        let id = new_id("orgmem");
        let created_at = seed.created_at.unwrap_or(now);
        let membership = MembershipRow {
            seq: self.next_seq(),
            id: id.clone(),
            organization_id,
            user_id: seed.user_id,
            role: seed.role,
            public_metadata: object_or_empty(seed.public_metadata),
            private_metadata: object_or_empty(seed.private_metadata),
            created_at,
            updated_at: created_at,
        };
        self.memberships.insert(membership);
        Ok(id)
    }

    pub(super) fn insert_invitation(
        &mut self,
        seed: InvitationSeed,
        url: Option<String>,
        now: u64,
    ) -> Result<String, SeedError> {
        let id = seed.id.unwrap_or_else(|| new_id("inv"));
        if self.invitations.contains(&id) {
            return Err(SeedError::IdTaken { id });
        }
        let created_at = seed.created_at.unwrap_or(now);
        let invitation = InvitationRow {
            seq: self.next_seq(),
            id: id.clone(),
            email_address: seed.email_address,
            public_metadata: object_or_empty(seed.public_metadata),
            status: seed.status,
            url,
            expires_at: Some(created_at + seed.expires_in_days.unwrap_or(30) * DAY_MS),
            created_at,
            updated_at: created_at,
        };
        self.invitations.insert(invitation);
        Ok(id)
    }

    pub(super) fn insert_organization_invitation(
        &mut self,
        seed: OrganizationInvitationSeed,
        url: Option<String>,
        now: u64,
    ) -> Result<String, SeedError> {
        let Some(organization) = self.organization_by_id_or_slug(&seed.organization_id) else {
            return Err(SeedError::UnknownOrganization {
                id: seed.organization_id,
            });
        };
        let organization_id = organization.id.clone();
        if let Some(inviter) = &seed.inviter_user_id
            && !self.users.contains(inviter)
        {
            return Err(SeedError::UnknownUser { id: inviter.clone() });
        }
        let id = seed.id.unwrap_or_else(|| new_id("orginv"));
        if self.organization_invitations.contains(&id) {
            return Err(SeedError::IdTaken { id });
        }
        let created_at = seed.created_at.unwrap_or(now);
        let invitation = OrganizationInvitationRow {
            seq: self.next_seq(),
            id: id.clone(),
            organization_id,
            email_address: seed.email_address,
            role: seed.role,
            inviter_id: seed.inviter_user_id,
            public_metadata: object_or_empty(seed.public_metadata),
            private_metadata: object_or_empty(seed.private_metadata),
            status: seed.status,
            url,
            expires_at: Some(created_at + seed.expires_in_days.unwrap_or(30) * DAY_MS),
            created_at,
            updated_at: created_at,
        };
        self.organization_invitations.insert(invitation);
        Ok(id)
    }

    pub(super) fn insert_session(&mut self, seed: SessionSeed, now: u64) -> Result<String, SeedError> {
        if !self.users.contains(&seed.user_id) {
            return Err(SeedError::UnknownUser { id: seed.user_id });
        }
        let id = seed.id.unwrap_or_else(|| new_id("sess"));
        if self.sessions.contains(&id) {
            return Err(SeedError::IdTaken { id });
        }
        let created_at = seed.created_at.unwrap_or(now);
        let session = SessionRow {
            seq: self.next_seq(),
            id: id.clone(),
            user_id: seed.user_id,
            client_id: seed.client_id.unwrap_or_else(|| new_id("client")),
            status: seed.status.unwrap_or_else(|| "active".to_owned()),
            last_active_organization_id: seed.last_active_organization_id,
            last_active_at: created_at,
            expire_at: created_at + 7 * DAY_MS,
            abandon_at: created_at + 30 * DAY_MS,
            created_at,
            updated_at: created_at,
        };
        self.sessions.insert(session);
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_dashes() {
        assert_eq!(slugify("Acme Inc."), "acme-inc");
        assert_eq!(slugify("  Ünïcode & Co  "), "ünïcode-co");
        assert_eq!(slugify("---"), "");
    }

    #[test]
    fn seeds_check_references_and_uniqueness() {
        let mut store = Store::default();
        let ada = store
            .insert_user(UserSeed::new().email_address("Ada@example.com"), 1)
            .expect("user");
        assert_eq!(
            store.insert_user(UserSeed::new().email_address("ada@EXAMPLE.com"), 1),
            Err(SeedError::EmailAddressTaken {
                email_address: "ada@EXAMPLE.com".into()
            })
        );
        assert_eq!(
            store.insert_user(UserSeed::new().id(ada.clone()), 1),
            Err(SeedError::IdTaken { id: ada.clone() })
        );
        let org = store
            .insert_organization(OrganizationSeed::new("Acme Inc").created_by(ada.clone()), 1)
            .expect("org");
        assert_eq!(store.organizations.get(&org).expect("org").slug, "acme-inc");
        // The creator became an admin.
        assert_eq!(
            store.membership(&org, &ada).expect("membership").role,
            "org:admin"
        );
        assert!(matches!(
            store.insert_membership(MembershipSeed::new("acme-inc", ada.clone(), "org:member"), 1),
            Err(SeedError::AlreadyMember { .. })
        ));
        assert_eq!(
            store
                .insert_membership(MembershipSeed::new("org_none", ada.clone(), "org:member"), 1)
                .map_err(|e| e.reason()),
            Err("seed-unknown-organization")
        );
        assert_eq!(
            store
                .insert_session(SessionSeed::new("user_none"), 1)
                .map_err(|e| e.reason()),
            Err("seed-unknown-user")
        );
        assert!(matches!(
            store.insert_organization(OrganizationSeed::new("acme inc"), 1),
            Err(SeedError::SlugTaken { .. })
        ));
    }
}
