//! A Clerk user and what users of the SDK most often read from it.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::accounts::{EnterpriseAccount, ExternalAccount};
use super::de::{model, null_as_default};
use super::identifiers::{EmailAddress, Passkey, PhoneNumber, Web3Wallet};
use super::metadata::metadata_as;
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

    /// [`User::public_metadata`] read as your own type.
    ///
    /// # Errors
    ///
    /// The metadata does not fit `T`.
    pub fn public_metadata_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        metadata_as(&self.public_metadata)
    }

    /// [`User::private_metadata`] read as your own type.
    ///
    /// # Errors
    ///
    /// The metadata does not fit `T`.
    pub fn private_metadata_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        metadata_as(&self.private_metadata)
    }

    /// [`User::unsafe_metadata`] read as your own type. The user can write it: validate what
    /// you read.
    ///
    /// # Errors
    ///
    /// The metadata does not fit `T`.
    pub fn unsafe_metadata_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        metadata_as(&self.unsafe_metadata)
    }
}
