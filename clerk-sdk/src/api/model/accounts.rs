//! Accounts a user signed in with elsewhere: OAuth (external) and enterprise (SAML, OIDC)
//! accounts.

use serde_json::{Map, Value};

use super::de::{model, null_as_default};
use super::verification::Verification;

model! {
    /// An OAuth account connected to a user (Google, GitHub, …).
    pub struct ExternalAccount {
        /// The account id (`eac_…`).
        pub id: String,
        /// `"external_account"` (older bodies: `"google_account"`, …); never relied on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub object: Option<String>,
        /// The provider, e.g. `oauth_google`.
        #[serde(default)]
        pub provider: String,
        /// The id of the identification (email address) this account supplied.
        #[serde(default)]
        pub identification_id: String,
        /// The user's id at the provider.
        #[serde(default)]
        pub provider_user_id: String,
        /// The OAuth scopes granted, space-separated.
        #[serde(default)]
        pub approved_scopes: String,
        /// The email address the provider reported.
        #[serde(default)]
        pub email_address: String,
        /// Whether the provider said the email address was verified (`None`: unknown).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub email_address_verified: Option<bool>,
        /// The first name the provider reported (empty when it gave none).
        #[serde(default, deserialize_with = "null_as_default")]
        pub first_name: String,
        /// The last name the provider reported (empty when it gave none).
        #[serde(default, deserialize_with = "null_as_default")]
        pub last_name: String,
        /// The provider's profile image URL.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub image_url: Option<String>,
        /// The username at the provider.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub username: Option<String>,
        /// The phone number at the provider.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub phone_number: Option<String>,
        /// Metadata about this account, readable from the frontend.
        #[serde(default, deserialize_with = "null_as_default")]
        pub public_metadata: Map<String, Value>,
        /// A label for the account, when set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub label: Option<String>,
        /// How the account was verified, if it was.
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
    /// An enterprise account of a user (SAML or OIDC through an enterprise connection).
    pub struct EnterpriseAccount {
        /// The account id.
        pub id: String,
        /// `"enterprise_account"` when sent; never relied on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub object: Option<String>,
        /// The protocol signed in with: `saml` or `oauth`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub protocol: Option<String>,
        /// The identity provider, e.g. `saml_okta`.
        #[serde(default)]
        pub provider: String,
        /// Whether the account is active.
        #[serde(default, deserialize_with = "null_as_default")]
        pub active: bool,
        /// The email address the identity provider reported.
        #[serde(default)]
        pub email_address: String,
        /// The first name the identity provider reported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub first_name: Option<String>,
        /// The last name the identity provider reported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub last_name: Option<String>,
        /// The user's id at the identity provider.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub provider_user_id: Option<String>,
        /// The id of the enterprise connection used.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub enterprise_connection_id: Option<String>,
        /// Metadata about this account, readable from the frontend.
        #[serde(default, deserialize_with = "null_as_default")]
        pub public_metadata: Map<String, Value>,
        /// How the account was verified, if it was.
        #[serde(default)]
        pub verification: Option<Verification>,
        /// The enterprise connection, when Clerk includes it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub enterprise_connection: Option<EnterpriseConnection>,
        /// The last sign-in through this account, Unix milliseconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub last_authenticated_at: Option<i64>,
    }
}

model! {
    /// An enterprise connection (a SAML or OIDC identity provider set up for some domains).
    pub struct EnterpriseConnection {
        /// The connection id.
        #[serde(default)]
        pub id: String,
        /// `saml` or `oauth`.
        #[serde(default)]
        pub protocol: String,
        /// The identity provider, e.g. `saml_okta`.
        #[serde(default)]
        pub provider: String,
        /// The connection's name.
        #[serde(default)]
        pub name: String,
        /// The logo's public URL.
        #[serde(default)]
        pub logo_public_url: Option<String>,
        /// The email domains the connection serves.
        #[serde(default, deserialize_with = "null_as_default")]
        pub domains: Vec<String>,
        /// Whether the connection is active.
        #[serde(default, deserialize_with = "null_as_default")]
        pub active: bool,
        /// Whether user attributes are synced from the identity provider on each sign-in.
        #[serde(default, deserialize_with = "null_as_default")]
        pub sync_user_attributes: bool,
        /// Whether subdomains of the domains are accepted.
        #[serde(default, deserialize_with = "null_as_default")]
        pub allow_subdomains: bool,
        /// Whether sign-ins started at the identity provider are accepted.
        #[serde(default, deserialize_with = "null_as_default")]
        pub allow_idp_initiated: bool,
        /// Whether users of this connection may not add other identifiers.
        #[serde(default, deserialize_with = "null_as_default")]
        pub disable_additional_identifications: bool,
        /// Creation time, Unix milliseconds.
        #[serde(default)]
        pub created_at: i64,
        /// Last update, Unix milliseconds.
        #[serde(default)]
        pub updated_at: i64,
    }
}

#[cfg(test)]
mod tests {
    use super::{EnterpriseAccount, ExternalAccount};
    use crate::api::model::test_support::parse;

    #[test]
    fn accounts_with_nulls_and_missing_names_read() {
        let external: ExternalAccount = parse(
            r#"{"id":"eac_1","object":"google_account","provider":"oauth_google","first_name":null,
                "last_name":null,"public_metadata":null,"verification":null,"image_url":null}"#,
        );
        assert_eq!(
            (external.first_name.as_str(), external.last_name.as_str()),
            ("", "")
        );
        assert!(external.public_metadata.is_empty() && external.verification.is_none());
        let enterprise: EnterpriseAccount = parse(
            r#"{"id":"enta_1","provider":"oidc_custom","active":true,"email_address":"a@b.example",
                "protocol":"oidc","enterprise_connection":null,"verification":{"status":"verified","strategy":"oauth_custom"}}"#,
        );
        assert_eq!(enterprise.protocol.as_deref(), Some("oidc"));
        assert!(enterprise.enterprise_connection.is_none());
        assert!(enterprise.verification.unwrap().is_verified());
    }
}
