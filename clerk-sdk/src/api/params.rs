//! Parameter types: `XxxParams::new()` (the same as `Default`) and one chained setter per wire
//! parameter, named exactly as the wire name, so Clerk's reference reads directly as Rust.
//!
//! Each type is declared once through `params!`, which also gives it `NAMES`, the wire names
//! it can set; the operation table takes its parameter names from there, so a name is written
//! in one place. Setters of repeatable parameters append (and take one string or many, see
//! [`IntoValues`]); setting any other parameter again replaces its value. Only what was set is
//! sent, `false` and `0` included.

use std::time::SystemTime;

use super::encode::{Fields, IntoValues, Param, rfc3339};

/// Declares a parameter type. Kinds: `many` (repeatable string), `string`, `bool`, `count`
/// (a non-negative integer), `millis` (Unix milliseconds, as query time filters take them),
/// `json` (sent untouched), `time` (an RFC 3339 string in a body). Fields after `;` are
/// paging parameters, left out of `FILTERS`.
macro_rules! params {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $kind:ident ),* $(,)?
            $( ; $( $(#[$pmeta:meta])* $pfield:ident : $pkind:ident ),* $(,)? )?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name {
            pub(crate) fields: Fields,
        }

        impl $name {
            /// Every wire name this type can set, in declaration order.
            pub const NAMES: &'static [&'static str] =
                &[$(stringify!($field),)* $($(stringify!($pfield),)*)?];
            /// The filters among [`Self::NAMES`] (paging parameters left out).
            pub const FILTERS: &'static [&'static str] = &[$(stringify!($field),)*];

            /// Nothing set: the same as `Default`.
            pub fn new() -> Self {
                Self::default()
            }

            $( params!(@setter $(#[$fmeta])* $field $kind); )*
            $($( params!(@setter $(#[$pmeta])* $pfield $pkind); )*)?
        }
    };
    (@setter $(#[$m:meta])* $field:ident many) => {
        $(#[$m])*
        ///
        /// Repeatable: each call appends (one string, or many).
        pub fn $field(mut self, values: impl IntoValues) -> Self {
            self.fields.append(stringify!($field), values.into_values());
            self
        }
    };
    (@setter $(#[$m:meta])* $field:ident string) => {
        $(#[$m])*
        pub fn $field(mut self, value: impl Into<String>) -> Self {
            self.fields.set(stringify!($field), Param::Str(value.into()));
            self
        }
    };
    (@setter $(#[$m:meta])* $field:ident bool) => {
        $(#[$m])*
        pub fn $field(mut self, value: bool) -> Self {
            self.fields.set(stringify!($field), Param::Bool(value));
            self
        }
    };
    (@setter $(#[$m:meta])* $field:ident count) => {
        $(#[$m])*
        pub fn $field(mut self, value: u32) -> Self {
            self.fields.set(stringify!($field), Param::Int(i64::from(value)));
            self
        }
    };
    (@setter $(#[$m:meta])* $field:ident millis) => {
        $(#[$m])*
        ///
        /// Unix time in milliseconds.
        pub fn $field(mut self, unix_ms: i64) -> Self {
            self.fields.set(stringify!($field), Param::Int(unix_ms));
            self
        }
    };
    (@setter $(#[$m:meta])* $field:ident json) => {
        $(#[$m])*
        ///
        /// Sent untouched, `null`s included.
        pub fn $field(mut self, value: serde_json::Value) -> Self {
            self.fields.set(stringify!($field), Param::Json(value));
            self
        }
    };
    (@setter $(#[$m:meta])* $field:ident time) => {
        $(#[$m])*
        ///
        /// Sent as an RFC 3339 string.
        pub fn $field(mut self, at: SystemTime) -> Self {
            self.fields.set(stringify!($field), Param::Str(rfc3339(at)));
            self
        }
    };
}

params! {
    /// Filters and paging for `GET /users` and `GET /users/count` (the count takes the
    /// filters only).
    UserListParams {
        /// Users with these email addresses (up to 100).
        email_address: many,
        /// Users with these phone numbers (up to 100).
        phone_number: many,
        /// Users with these external ids; a `+`/`-` prefix includes or excludes.
        external_id: many,
        /// Users with these usernames.
        username: many,
        /// Users with these web3 wallet addresses.
        web3_wallet: many,
        /// Users with these ids; a `+`/`-` prefix includes or excludes.
        user_id: many,
        /// Members of these organizations; a `+`/`-` prefix includes or excludes.
        organization_id: many,
        /// Partial match on emails, phones, usernames, wallets, ids and names.
        query: string,
        /// Case-insensitive partial match on email addresses.
        email_address_query: string,
        /// Case-insensitive partial match on phone numbers.
        phone_number_query: string,
        /// Case-insensitive partial match on usernames.
        username_query: string,
        /// Case-insensitive partial match on names.
        name_query: string,
        /// Banned (`true`) or not banned (`false`) users.
        banned: bool,
        /// Last session activity before this instant.
        last_active_at_before: millis,
        /// Last session activity after this instant.
        last_active_at_after: millis,
        /// Deprecated by Clerk in favour of `last_active_at_after`.
        last_active_at_since: millis,
        /// Created before this instant.
        created_at_before: millis,
        /// Created after this instant.
        created_at_after: millis,
        /// Last sign-in before this instant.
        last_sign_in_at_before: millis,
        /// Last sign-in after this instant.
        last_sign_in_at_after: millis,
        /// OAuth provider (`oauth_google`, …), with `provider_user_id`.
        provider: string,
        /// Provider user ids, with `provider`.
        provider_user_id: many;
        /// Page size, 1 to 500 (Clerk's default 10); other values are refused before sending.
        limit: count,
        /// Items to skip (Clerk's default 0).
        offset: count,
        /// Cursor: the id of the last user of the previous page (needs `created_at` ordering
        /// and no offset).
        starting_after: string,
        /// `created_at`, `updated_at`, `email_address`, `web3wallet`, `first_name`,
        /// `last_name`, `phone_number`, `username`, `last_active_at` or `last_sign_in_at`,
        /// with a `+`/`-` prefix (Clerk's default `-created_at`).
        order_by: string,
    }
}

params! {
    /// Paging for lists that take nothing else.
    PageParams {
        /// Page size, 1 to 500 (Clerk's default 10); other values are refused before sending.
        limit: count,
        /// Items to skip (Clerk's default 0).
        offset: count,
    }
}

params! {
    /// The body of `POST /users`.
    CreateUserParams {
        /// Id in your own systems (unique per instance).
        external_id: string,
        /// First name.
        first_name: string,
        /// Last name.
        last_name: string,
        /// Locale (IETF BCP 47).
        locale: string,
        /// Email addresses; the first becomes primary.
        email_address: many,
        /// `verified` or `reserved`, per email address by index.
        email_address_identification_status: many,
        /// Phone numbers; the first becomes primary.
        phone_number: many,
        /// `verified` or `reserved`, per phone number by index.
        phone_number_identification_status: many,
        /// Web3 wallet addresses.
        web3_wallet: many,
        /// Username.
        username: string,
        /// Plain-text password (never printed by `Debug`).
        password: string,
        /// A password digest, with `password_hasher` (never printed by `Debug`).
        password_digest: string,
        /// The hasher of `password_digest` (`bcrypt`, …).
        password_hasher: string,
        /// Skip the password strength checks.
        skip_password_checks: bool,
        /// Create the user without a password.
        skip_password_requirement: bool,
        /// TOTP secret (never printed by `Debug`).
        totp_secret: string,
        /// Backup codes (never printed by `Debug`).
        backup_codes: many,
        /// Public metadata.
        public_metadata: json,
        /// Private metadata.
        private_metadata: json,
        /// Unsafe metadata.
        unsafe_metadata: json,
        /// Whether the user may delete themselves.
        delete_self_enabled: bool,
        /// When the user accepted the legal terms.
        legal_accepted_at: time,
        /// Skip the legal acceptance checks.
        skip_legal_checks: bool,
        /// Create the user without any identifier requirement.
        skip_user_requirement: bool,
        /// Whether the user may create organizations.
        create_organization_enabled: bool,
        /// How many organizations the user may create.
        create_organizations_limit: count,
        /// Creation time (for migrations).
        created_at: time,
        /// Skip client trust checks for this user.
        bypass_client_trust: bool,
        /// Create the user banned.
        banned: bool,
        /// Create the user locked.
        locked: bool,
    }
}

params! {
    /// The body of `PATCH /users/{user_id}` (metadata has its own endpoints).
    UpdateUserParams {
        /// Id in your own systems.
        external_id: string,
        /// First name.
        first_name: string,
        /// Last name.
        last_name: string,
        /// Locale (IETF BCP 47).
        locale: string,
        /// The user's email address to make primary.
        primary_email_address_id: string,
        /// Notify the old primary address of the change.
        notify_primary_email_address_changed: bool,
        /// The user's phone number to make primary.
        primary_phone_number_id: string,
        /// The user's web3 wallet to make primary.
        primary_web3_wallet_id: string,
        /// Username (`""` removes it).
        username: string,
        /// An uploaded image's id.
        profile_image_id: string,
        /// New plain-text password (never printed by `Debug`).
        password: string,
        /// A password digest, with `password_hasher` (never printed by `Debug`).
        password_digest: string,
        /// The hasher of `password_digest`.
        password_hasher: string,
        /// Skip the password strength checks.
        skip_password_checks: bool,
        /// Sign the user out of their other sessions.
        sign_out_of_other_sessions: bool,
        /// TOTP secret (never printed by `Debug`).
        totp_secret: string,
        /// Backup codes (never printed by `Debug`).
        backup_codes: many,
        /// Whether the user may delete themselves.
        delete_self_enabled: bool,
        /// Whether the user may create organizations.
        create_organization_enabled: bool,
        /// When the user accepted the legal terms.
        legal_accepted_at: time,
        /// Skip the legal acceptance checks.
        skip_legal_checks: bool,
        /// How many organizations the user may create.
        create_organizations_limit: count,
        /// Creation time (for migrations).
        created_at: time,
        /// Skip client trust checks for this user.
        bypass_client_trust: bool,
    }
}

params! {
    /// Metadata to merge (`PATCH …/metadata`: deep merge, a `null` deletes that key) or to
    /// replace (`PUT …/metadata`: each given field replaced whole). Organizations and
    /// memberships have no `unsafe_metadata`; setting it there is refused before sending.
    MetadataParams {
        /// Public metadata (readable by the frontend).
        public_metadata: json,
        /// Private metadata (backend only).
        private_metadata: json,
        /// Unsafe metadata (writable by the frontend; users only).
        unsafe_metadata: json,
    }
}

params! {
    /// What `GET /organizations/{organization_id}` adds to the organization.
    OrganizationGetParams {
        /// Include `members_count`.
        include_members_count: bool,
        /// Include `missing_member_with_elevated_permissions`.
        include_missing_member_with_elevated_permissions: bool,
    }
}

params! {
    /// Filters and paging for `GET /organizations`.
    OrganizationListParams {
        /// Include `members_count` in each organization.
        include_members_count: bool,
        /// Include `missing_member_with_elevated_permissions`.
        include_missing_member_with_elevated_permissions: bool,
        /// Exact match on id, partial on name and slug.
        query: string,
        /// Organizations of these users; a `+`/`-` prefix includes or excludes.
        user_id: many,
        /// These organizations; a `+`/`-` prefix includes or excludes.
        organization_id: many,
        /// `name`, `created_at` or `members_count`, with a `+`/`-` prefix.
        order_by: string,
        /// Page size, 1 to 500; other values are refused before sending.
        limit: count,
        /// Items to skip.
        offset: count,
    }
}

params! {
    /// The body of `POST /organizations`.
    CreateOrganizationParams {
        /// Name (required, up to 256 characters).
        name: string,
        /// The user who becomes the organization's admin.
        created_by: string,
        /// Private metadata.
        private_metadata: json,
        /// Public metadata.
        public_metadata: json,
        /// Slug.
        slug: string,
        /// Membership cap (0: unlimited).
        max_allowed_memberships: count,
        /// Creation time (for migrations).
        created_at: time,
        /// Role set to use.
        role_set_key: string,
    }
}

params! {
    /// The body of `PATCH /organizations/{organization_id}` (metadata has its own endpoints).
    UpdateOrganizationParams {
        /// Name.
        name: string,
        /// Slug.
        slug: string,
        /// Membership cap (0: unlimited).
        max_allowed_memberships: count,
        /// Whether admins may delete the organization.
        admin_delete_enabled: bool,
        /// Creation time (for migrations).
        created_at: time,
        /// Role set to use.
        role_set_key: string,
    }
}

params! {
    /// Filters and paging for `GET /organizations/{organization_id}/memberships`.
    MembershipListParams {
        /// `phone_number`, `email_address`, `created_at`, `first_name`, `last_name` or
        /// `username`, with a `+`/`-` prefix.
        order_by: string,
        /// Memberships of these users.
        user_id: many,
        /// Members with these email addresses.
        email_address: many,
        /// Members with these phone numbers.
        phone_number: many,
        /// Members with these usernames.
        username: many,
        /// Members with these web3 wallets.
        web3_wallet: many,
        /// Members with these roles (`org:admin`, …).
        role: many,
        /// Partial match on the members' identifiers and names.
        query: string,
        /// Partial match on email addresses.
        email_address_query: string,
        /// Partial match on phone numbers.
        phone_number_query: string,
        /// Partial match on usernames.
        username_query: string,
        /// Partial match on names.
        name_query: string,
        /// Last activity before this instant.
        last_active_at_before: millis,
        /// Last activity after this instant.
        last_active_at_after: millis,
        /// Joined before this instant.
        created_at_before: millis,
        /// Joined after this instant.
        created_at_after: millis,
        /// Page size, 1 to 500; other values are refused before sending.
        limit: count,
        /// Items to skip.
        offset: count,
    }
}

params! {
    /// The body of `POST /organizations/{organization_id}/memberships`.
    CreateMembershipParams {
        /// The user to add (required).
        user_id: string,
        /// Their role, such as `org:member` (required).
        role: string,
        /// Public metadata.
        public_metadata: json,
        /// Private metadata.
        private_metadata: json,
    }
}

params! {
    /// Filters and paging for `GET /organizations/{organization_id}/invitations`.
    OrganizationInvitationListParams {
        /// `pending`, `accepted`, `revoked` or `expired`.
        status: many,
        /// Invitations to this address.
        email_address: string,
        /// Sort order, with a `+`/`-` prefix.
        order_by: string,
        /// Page size, 1 to 500; other values are refused before sending.
        limit: count,
        /// Items to skip.
        offset: count,
    }
}

params! {
    /// The body of `POST /organizations/{organization_id}/invitations`.
    CreateOrganizationInvitationParams {
        /// Address to invite (required).
        email_address: string,
        /// The member who invites.
        inviter_user_id: string,
        /// Role on acceptance, such as `org:member` (required).
        role: string,
        /// Public metadata.
        public_metadata: json,
        /// Private metadata.
        private_metadata: json,
        /// Where the invitation link leads.
        redirect_url: string,
        /// Days until the invitation expires (Clerk's default 30).
        expires_in_days: count,
        /// Whether Clerk emails the invitation (Clerk's default true).
        notify: bool,
    }
}

params! {
    /// Filters and paging for `GET /invitations`.
    InvitationListParams {
        /// `pending`, `accepted`, `revoked` or `expired`.
        status: string,
        /// Match on email address or id.
        query: string,
        /// `created_at`, `email_address` or `expires_at`, with a `+`/`-` prefix.
        order_by: string,
        /// Page size, 1 to 500; other values are refused before sending.
        limit: count,
        /// Items to skip.
        offset: count,
    }
}

params! {
    /// The body of `POST /invitations`.
    CreateInvitationParams {
        /// Address to invite (required).
        email_address: string,
        /// Public metadata, copied to the user's on sign-up.
        public_metadata: json,
        /// Where the invitation link leads.
        redirect_url: string,
        /// Whether Clerk emails the invitation (Clerk's default true).
        notify: bool,
        /// Invite even if an invitation for the address exists (Clerk's default false).
        ignore_existing: bool,
        /// Days until the invitation expires.
        expires_in_days: count,
        /// `invitation` or `waitlist_invitation`.
        template_slug: string,
    }
}

params! {
    /// Filters and paging for `GET /sessions` (Clerk expects `user_id` or `client_id`).
    SessionListParams {
        /// Sessions of this client.
        client_id: string,
        /// Sessions of this user.
        user_id: string,
        /// `abandoned`, `active`, `ended`, `expired`, `removed`, `replaced`, `revoked` or
        /// `pending`.
        status: string,
        /// Page size, 1 to 500; other values are refused before sending.
        limit: count,
        /// Items to skip.
        offset: count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_filters_come_from_one_declaration() {
        assert_eq!(UserListParams::NAMES.len(), UserListParams::FILTERS.len() + 4);
        assert!(UserListParams::NAMES.ends_with(&["limit", "offset", "starting_after", "order_by"]));
        assert_eq!(PageParams::NAMES, ["limit", "offset"]);
        assert_eq!(PageParams::FILTERS, PageParams::NAMES);
    }

    #[test]
    fn setters_record_wire_names_in_call_order() {
        let p = UserListParams::new()
            .limit(0)
            .email_address(["a", "b"])
            .banned(false)
            .email_address("c");
        let names: Vec<_> = p.fields.names().collect();
        assert_eq!(names, ["limit", "email_address", "banned"]);
        let mut pairs = Vec::new();
        p.fields.push_query(&mut pairs);
        let rendered: Vec<_> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            rendered,
            [
                "limit=0",
                "email_address=a",
                "email_address=b",
                "email_address=c",
                "banned=false"
            ]
        );
    }
}
