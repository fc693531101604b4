//! A Clerk user and what users of the SDK most often read from it.

use serde_json::{Map, Value};

use super::accounts::{EnterpriseAccount, ExternalAccount};
use super::de::{model, null_as_default};
use super::identifiers::{EmailAddress, Passkey, PhoneNumber, Web3Wallet};
use super::metadata::metadata_readers;
use super::organization::OrganizationMembership;

model! {
    /// A user of your Clerk instance, as the Backend API returns it.
    ///
    /// Build one in tests with `User::default()` and field assignment, or by deserializing
    /// JSON.
    pub struct User {
        /// The user id (`user_…`).
        pub id: String,
        /// `"user"` when sent; never relied on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub object: Option<String>,
        /// Your own id for the user, if you set one.
        #[serde(default)]
        pub external_id: Option<String>,
        /// The id of the primary entry of [`User::email_addresses`].
        #[serde(default)]
        pub primary_email_address_id: Option<String>,
        /// The id of the primary entry of [`User::phone_numbers`].
        #[serde(default)]
        pub primary_phone_number_id: Option<String>,
        /// The id of the primary entry of [`User::web3_wallets`].
        #[serde(default)]
        pub primary_web3_wallet_id: Option<String>,
        /// The username, if the instance uses them.
        #[serde(default)]
        pub username: Option<String>,
        /// The first name.
        #[serde(default)]
        pub first_name: Option<String>,
        /// The last name.
        #[serde(default)]
        pub last_name: Option<String>,
        /// The user's locale (an IETF BCP 47 tag), when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub locale: Option<String>,
        /// The profile image URL (Clerk's default avatar when the user uploaded none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub image_url: Option<String>,
        /// Whether the user uploaded a profile image.
        #[serde(default, deserialize_with = "null_as_default")]
        pub has_image: bool,
        /// Metadata readable from the frontend and writable from the backend.
        #[serde(default, deserialize_with = "null_as_default")]
        pub public_metadata: Map<String, Value>,
        /// Metadata readable and writable from the backend only.
        #[serde(default, deserialize_with = "null_as_default")]
        pub private_metadata: Map<String, Value>,
        /// Metadata the user can write from the frontend; never trust it.
        #[serde(default, deserialize_with = "null_as_default")]
        pub unsafe_metadata: Map<String, Value>,
        /// Email addresses.
        #[serde(default, deserialize_with = "null_as_default")]
        pub email_addresses: Vec<EmailAddress>,
        /// Phone numbers.
        #[serde(default, deserialize_with = "null_as_default")]
        pub phone_numbers: Vec<PhoneNumber>,
        /// Web3 wallets.
        #[serde(default, deserialize_with = "null_as_default")]
        pub web3_wallets: Vec<Web3Wallet>,
        /// Passkeys.
        #[serde(default, deserialize_with = "null_as_default")]
        pub passkeys: Vec<Passkey>,
        /// Whether the user has a password.
        #[serde(default, deserialize_with = "null_as_default")]
        pub password_enabled: bool,
        /// Whether a second factor is required at sign-in.
        #[serde(default, deserialize_with = "null_as_default")]
        pub two_factor_enabled: bool,
        /// Whether an authenticator app (TOTP) is set up.
        #[serde(default, deserialize_with = "null_as_default")]
        pub totp_enabled: bool,
        /// Whether backup codes are set up.
        #[serde(default, deserialize_with = "null_as_default")]
        pub backup_code_enabled: bool,
        /// When multi-factor authentication was last turned on, Unix milliseconds (kept when it
        /// is turned off again).
        #[serde(default)]
        pub mfa_enabled_at: Option<i64>,
        /// When multi-factor authentication was last turned off, Unix milliseconds.
        #[serde(default)]
        pub mfa_disabled_at: Option<i64>,
        /// When the password last changed, Unix milliseconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub password_last_updated_at: Option<i64>,
        /// OAuth accounts (Google, GitHub, …).
        #[serde(default, deserialize_with = "null_as_default")]
        pub external_accounts: Vec<ExternalAccount>,
        /// Enterprise (SAML, OIDC) accounts.
        #[serde(default, deserialize_with = "null_as_default")]
        pub enterprise_accounts: Vec<EnterpriseAccount>,
        /// The user's organization memberships, only in answers that include them.
        #[serde(default, deserialize_with = "null_as_default", skip_serializing_if = "Vec::is_empty")]
        pub organization_memberships: Vec<OrganizationMembership>,
        /// The last sign-in, Unix milliseconds; `None` if the user never signed in.
        #[serde(default)]
        pub last_sign_in_at: Option<i64>,
        /// Whether the user is banned (cannot sign in).
        #[serde(default, deserialize_with = "null_as_default")]
        pub banned: bool,
        /// Whether the user is locked out (too many failed attempts, or locked through the
        /// API).
        #[serde(default, deserialize_with = "null_as_default")]
        pub locked: bool,
        /// Whether the user was deprovisioned by a directory (and cannot sign in).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub deprovisioned: Option<bool>,
        /// Seconds left until a lockout ends; `None` for a locked user means never.
        #[serde(default)]
        pub lockout_expires_in_seconds: Option<i64>,
        /// Verification attempts left before a lockout; `None` when lockout is off.
        #[serde(default)]
        pub verification_attempts_remaining: Option<i64>,
        /// Last update, Unix milliseconds.
        #[serde(default)]
        pub updated_at: i64,
        /// Creation time, Unix milliseconds.
        #[serde(default)]
        pub created_at: i64,
        /// Whether the user may delete their own account from the frontend.
        #[serde(default, deserialize_with = "null_as_default")]
        pub delete_self_enabled: bool,
        /// Whether the user may create organizations from the frontend.
        #[serde(default, deserialize_with = "null_as_default")]
        pub create_organization_enabled: bool,
        /// How many organizations the user may create (`0`: unlimited), when limited.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub create_organizations_limit: Option<i64>,
        /// The latest session activity, Unix milliseconds (day precision).
        #[serde(default)]
        pub last_active_at: Option<i64>,
        /// When the user accepted the legal terms, Unix milliseconds.
        #[serde(default)]
        pub legal_accepted_at: Option<i64>,
        /// Whether the user skips Device Trust checks at sign-in (`false` when not sent).
        #[serde(default, deserialize_with = "null_as_default")]
        pub bypass_client_trust: bool,
    }
}

metadata_readers!(User {
    public_metadata_as => public_metadata,
    private_metadata_as => private_metadata,
    // The user can write it from the frontend: validate what you read.
    unsafe_metadata_as => unsafe_metadata,
});

impl User {
    /// The primary email address: the entry of [`User::email_addresses`] whose id is
    /// [`User::primary_email_address_id`].
    pub fn primary_email_address(&self) -> Option<&EmailAddress> {
        let primary = self.primary_email_address_id.as_deref()?;
        self.email_addresses
            .iter()
            .find(|email| email.id.as_deref() == Some(primary))
    }

    /// The primary phone number: the entry of [`User::phone_numbers`] whose id is
    /// [`User::primary_phone_number_id`].
    pub fn primary_phone_number(&self) -> Option<&PhoneNumber> {
        let primary = self.primary_phone_number_id.as_deref()?;
        self.phone_numbers
            .iter()
            .find(|phone| phone.id.as_deref() == Some(primary))
    }

    /// The primary Web3 wallet: the entry of [`User::web3_wallets`] whose id is
    /// [`User::primary_web3_wallet_id`].
    pub fn primary_web3_wallet(&self) -> Option<&Web3Wallet> {
        let primary = self.primary_web3_wallet_id.as_deref()?;
        self.web3_wallets
            .iter()
            .find(|wallet| wallet.id.as_deref() == Some(primary))
    }

    /// First and last name joined by a space, or whichever one is set; `None` when neither
    /// is (blank names count as unset), as `@clerk/backend`'s `fullName`.
    pub fn full_name(&self) -> Option<String> {
        let first = self.first_name.as_deref().unwrap_or("").trim();
        let last = self.last_name.as_deref().unwrap_or("").trim();
        match (first.is_empty(), last.is_empty()) {
            (true, true) => None,
            (false, true) => Some(first.to_owned()),
            (true, false) => Some(last.to_owned()),
            (false, false) => Some(format!("{first} {last}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::User;
    use crate::api::VerificationStatus;
    use crate::api::model::test_support::{assert_round_trip, parse};

    const LARGE: &str = include_str!("fixtures/user_large_metadata.json");
    const NULLS: &str = include_str!("fixtures/user_nulls.json");

    #[test]
    fn a_6_kb_user_with_large_metadata_reads_fully() {
        let compact =
            serde_json::to_string(&serde_json::from_str::<serde_json::Value>(LARGE).unwrap()).unwrap();
        assert!((5_500..7_500).contains(&compact.len()), "{} bytes", compact.len());
        let user: User = parse(&compact);

        assert_eq!(user.id, "user_2pQx7kLmN3vR8sT1uW4yZ6aB9cD");
        assert_eq!(user.full_name().as_deref(), Some("Ada Lovelace"));
        let email = user.primary_email_address().unwrap();
        assert_eq!(email.email_address, "ada@analytical.engines.example");
        assert!(email.is_verified());
        assert_eq!(email.linked_to[0].kind, "oauth_google");
        assert_eq!(user.primary_phone_number().unwrap().phone_number, "+447700900123");
        assert!(user.primary_web3_wallet().is_none());
        assert_eq!(
            user.web3_wallets[0]
                .verification
                .as_ref()
                .unwrap()
                .nonce
                .as_deref(),
            Some("nonce_7f3a9c")
        );
        assert_eq!(user.passkeys[0].name, "MacBook Touch ID");
        assert_eq!(user.external_accounts.len(), 2);
        assert_eq!(user.external_accounts[1].username.as_deref(), Some("adalovelace"));
        assert_eq!(user.external_accounts[1].email_address_verified, None);
        let enterprise = &user.enterprise_accounts[0];
        assert_eq!(enterprise.protocol.as_deref(), Some("saml"));
        assert_eq!(
            enterprise.enterprise_connection.as_ref().unwrap().domains,
            ["work.example"]
        );
        assert!(user.two_factor_enabled && user.totp_enabled && !user.banned);
        assert_eq!(user.verification_attempts_remaining, Some(100));
        assert_eq!(user.mfa_enabled_at, Some(1_732_000_120_000));
        assert_eq!(user.private_metadata["stripe"]["status"], "active");
        assert_eq!(user.unsafe_metadata["theme"], "dark");

        // Deprecated and unmodelled fields stay reachable.
        assert!(user.extra.contains_key("profile_image_url"));
        assert_eq!(user.extra["saml_accounts"], json!([]));
        assert!(user.external_accounts[0].extra.contains_key("avatar_url"));
    }

    #[test]
    fn metadata_reads_as_the_applications_own_types() {
        #[derive(Deserialize)]
        struct Billing {
            customer_id: String,
        }
        #[derive(Deserialize)]
        struct Public {
            plan: String,
            seats: u32,
            features: Vec<String>,
            billing: Billing,
        }
        #[derive(Deserialize)]
        struct Private {
            flags: std::collections::HashMap<String, Option<bool>>,
        }
        #[derive(Deserialize)]
        struct Unsafe {
            theme: String,
        }

        let user: User = parse(LARGE);
        let public: Public = user.public_metadata_as().unwrap();
        assert_eq!((public.plan.as_str(), public.seats), ("team", 25));
        assert_eq!(public.features.len(), 5);
        assert_eq!(public.billing.customer_id, "cus_Q8x2mN4pL7rT");
        let private: Private = user.private_metadata_as().unwrap();
        assert_eq!(private.flags["legacy_export"], None);
        assert_eq!(user.unsafe_metadata_as::<Unsafe>().unwrap().theme, "dark");

        let wrong = user.public_metadata_as::<Vec<String>>().unwrap_err();
        assert!(wrong.to_string().contains("invalid type: map"), "{wrong}");
    }

    #[test]
    fn nulls_everywhere_optional_read_as_empty() {
        let user: User = parse(NULLS);
        assert_eq!(user.full_name(), None);
        assert_eq!(user.username, None);
        assert_eq!(user.image_url, None);
        assert!(!user.has_image);
        assert!(user.phone_numbers.is_empty() && user.web3_wallets.is_empty());
        assert!(user.passkeys.is_empty() && user.external_accounts.is_empty());
        assert!(user.enterprise_accounts.is_empty());
        assert!(user.public_metadata.is_empty() && user.private_metadata.is_empty());
        assert!(user.unsafe_metadata.is_empty());
        assert_eq!(user.last_sign_in_at, None);
        assert_eq!(user.create_organizations_limit, None);
        assert!(user.primary_phone_number().is_none());
        assert!(user.public_metadata_as::<serde_json::Value>().is_ok());
        assert_eq!(user.extra["timezone"], "Europe/London");
        assert_eq!(user.extra["future_flag"]["enabled"], true);
        assert!(user.extra["scim"].is_null());
    }

    #[test]
    fn an_email_address_without_linked_to_or_object_and_a_verification_without_object() {
        let user: User = parse(NULLS);
        let [admin, link, unknown] = user.email_addresses.as_slice() else {
            panic!("three email addresses");
        };
        assert_eq!(user.primary_email_address(), Some(admin));
        assert!(admin.linked_to.is_empty() && admin.object.is_none());
        let verification = admin.verification.as_ref().unwrap();
        assert_eq!(verification.object, None);
        assert_eq!(
            (verification.strategy.as_str(), verification.is_verified()),
            ("admin", true)
        );
        assert!(link.linked_to.is_empty());
        let verification = link.verification.as_ref().unwrap();
        assert_eq!(
            verification.verified_at_client.as_deref(),
            Some("client_2pRa1client00000000000")
        );
        assert_eq!(verification.expire_at, Some(1_732_100_600_000));

        let verification = unknown.verification.as_ref().unwrap();
        assert_eq!(
            verification.status,
            VerificationStatus::Unknown("awaiting_quorum".to_owned())
        );
        assert_eq!(verification.strategy, "carrier_pigeon");
        assert_eq!(verification.attempts, Some(3));
        assert_eq!(verification.extra["pigeon_id"], "pgn_42");
        assert!(!unknown.is_verified());
    }

    #[test]
    fn writing_a_user_back_loses_nothing() {
        assert_round_trip::<User>(LARGE);
        assert_round_trip::<User>(NULLS);
    }

    #[test]
    fn a_bare_user_reads_with_defaults() {
        let user: User = parse(r#"{"id":"user_1"}"#);
        let expected = User {
            id: "user_1".to_owned(),
            ..User::default()
        };
        assert_eq!(user, expected);
    }

    #[test]
    fn full_name_joins_what_is_set() {
        let name = |first: Option<&str>, last: Option<&str>| {
            let user = User {
                first_name: first.map(str::to_owned),
                last_name: last.map(str::to_owned),
                ..User::default()
            };
            user.full_name()
        };
        assert_eq!(
            name(Some("Ada"), Some("Lovelace")).as_deref(),
            Some("Ada Lovelace")
        );
        assert_eq!(name(Some("Ada"), None).as_deref(), Some("Ada"));
        assert_eq!(name(None, Some("Lovelace")).as_deref(), Some("Lovelace"));
        assert_eq!(name(Some(" "), Some("")), None);
        assert_eq!(name(None, None), None);
    }

    #[test]
    fn primary_lookups_need_both_the_id_and_the_entry() {
        let mut user: User = parse(LARGE);
        user.primary_email_address_id = Some("idn_gone".to_owned());
        assert!(user.primary_email_address().is_none());
        user.primary_email_address_id = None;
        assert!(user.primary_email_address().is_none());
    }
}
