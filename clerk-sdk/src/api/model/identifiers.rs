//! A user's identifiers: email addresses, phone numbers, Web3 wallets and passkeys.

use super::de::{model, null_as_default};
use super::verification::Verification;

model! {
    /// What an identifier is linked to, e.g. the OAuth account that supplied an email
    /// address.
    pub struct IdentificationLink {
        /// The kind of link: `oauth_google`, `saml`, …
        #[serde(default, rename = "type")]
        pub kind: String,
        /// The id of the linked account (`idn_…`).
        #[serde(default)]
        pub id: String,
    }
}

model! {
    /// One of a user's email addresses.
    pub struct EmailAddress {
        /// The email address id (`idn_…`); optional in Clerk's schema.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub id: Option<String>,
        /// `"email_address"` when sent; never relied on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub object: Option<String>,
        /// The address itself.
        #[serde(default)]
        pub email_address: String,
        /// Whether the address is reserved (held for a user, not yet theirs).
        #[serde(default, deserialize_with = "null_as_default")]
        pub reserved: bool,
        /// How the address was verified, if it was.
        #[serde(default)]
        pub verification: Option<Verification>,
        /// Accounts that supplied or use this address (empty when Clerk leaves it out).
        #[serde(default, deserialize_with = "null_as_default")]
        pub linked_to: Vec<IdentificationLink>,
        /// Whether the address's domain matches an active enterprise connection.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub matches_sso_connection: Option<bool>,
        /// Creation time, Unix milliseconds.
        #[serde(default)]
        pub created_at: i64,
        /// Last update, Unix milliseconds.
        #[serde(default)]
        pub updated_at: i64,
    }
}

impl EmailAddress {
    /// Whether the address's verification status is `verified`.
    pub fn is_verified(&self) -> bool {
        self.verification.as_ref().is_some_and(Verification::is_verified)
    }
}

model! {
    /// One of a user's phone numbers.
    pub struct PhoneNumber {
        /// The phone number id (`idn_…`); optional in Clerk's schema.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub id: Option<String>,
        /// `"phone_number"` when sent; never relied on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub object: Option<String>,
        /// The number, in E.164 form.
        #[serde(default)]
        pub phone_number: String,
        /// Whether the number is reserved for second-factor use only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reserved_for_second_factor: Option<bool>,
        /// Whether it is the user's default second factor.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub default_second_factor: Option<bool>,
        /// Whether the number is reserved (held for a user, not yet theirs).
        #[serde(default, deserialize_with = "null_as_default")]
        pub reserved: bool,
        /// How the number was verified, if it was.
        #[serde(default)]
        pub verification: Option<Verification>,
        /// Accounts linked to this number.
        #[serde(default, deserialize_with = "null_as_default")]
        pub linked_to: Vec<IdentificationLink>,
        /// Backup codes, sent only in the answer that created them (empty otherwise).
        #[serde(default, deserialize_with = "null_as_default")]
        pub backup_codes: Vec<String>,
        /// Creation time, Unix milliseconds.
        #[serde(default)]
        pub created_at: i64,
        /// Last update, Unix milliseconds.
        #[serde(default)]
        pub updated_at: i64,
    }
}

impl PhoneNumber {
    /// Whether the number's verification status is `verified`.
    pub fn is_verified(&self) -> bool {
        self.verification.as_ref().is_some_and(Verification::is_verified)
    }
}

model! {
    /// One of a user's Web3 wallets.
    pub struct Web3Wallet {
        /// The wallet id (`idn_…`); optional in Clerk's schema.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub id: Option<String>,
        /// `"web3_wallet"` when sent; never relied on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub object: Option<String>,
        /// The wallet address (`0x…`).
        #[serde(default)]
        pub web3_wallet: String,
        /// How the wallet was verified, if it was.
        #[serde(default)]
        pub verification: Option<Verification>,
        /// Creation time, Unix milliseconds.
        #[serde(default)]
        pub created_at: i64,
        /// Last update, Unix milliseconds.
        #[serde(default)]
        pub updated_at: i64,
    }
}

model! {
    /// One of a user's passkeys.
    pub struct Passkey {
        /// The passkey id; optional in Clerk's schema.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub id: Option<String>,
        /// `"passkey"` when sent; never relied on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub object: Option<String>,
        /// The name the user gave it.
        #[serde(default)]
        pub name: String,
        /// When it was last used, Unix milliseconds.
        #[serde(default)]
        pub last_used_at: i64,
        /// How it was verified, if it was.
        #[serde(default)]
        pub verification: Option<Verification>,
    }
}

#[cfg(test)]
mod tests {
    use super::{EmailAddress, PhoneNumber};
    use crate::api::model::test_support::parse;

    #[test]
    fn identifiers_without_optional_parts_read() {
        let email: EmailAddress = parse(r#"{"email_address":"a@b.example","verification":null}"#);
        assert_eq!(
            (email.id.as_deref(), email.linked_to.len(), email.is_verified()),
            (None, 0, false)
        );
        let phone: PhoneNumber = parse(
            r#"{"id":"idn_1","phone_number":"+15555550100","backup_codes":["a1b2","c3d4"],
                "verification":{"status":"expired","strategy":"phone_code","channel":"whatsapp"}}"#,
        );
        assert_eq!(phone.backup_codes, ["a1b2", "c3d4"]);
        assert_eq!(phone.reserved_for_second_factor, None);
        assert!(!phone.is_verified());
    }
}
