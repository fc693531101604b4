//! The verification state of an identifier or account.

use serde_json::Value;

use super::de::{model, string_enum};

string_enum! {
    /// Where a verification stands.
    pub enum VerificationStatus {
        #[default]
        Unverified => "unverified",
        Verified => "verified",
        Transferable => "transferable",
        Failed => "failed",
        Expired => "expired",
    }
}

model! {
    /// How an email address, phone number, wallet or account was verified.
    ///
    /// Clerk's schema describes about ten shapes told apart by `object`
    /// (`verification_otp`, `verification_oauth`, …), but real bodies sometimes lack `object`
    /// and mix fields across shapes, so this is one struct: `status` and `strategy` are always
    /// there, every other field is optional, and `object` is kept but never relied on.
    pub struct Verification {
        /// The shape's name (`verification_otp`, …) when Clerk sends it; often missing.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub object: Option<String>,
        /// Where the verification stands.
        pub status: VerificationStatus,
        /// How it was verified: `email_code`, `phone_code`, `email_link`, `admin`,
        /// `ticket`, `saml`, `oauth_google`, `from_oauth_github`, `web3_metamask_signature`,
        /// `passkey`, … Kept as a string: the `oauth_*` family is open-ended.
        pub strategy: String,
        /// Attempts made so far, when counted.
        #[serde(default)]
        pub attempts: Option<i64>,
        /// When the verification expires, in Unix milliseconds.
        #[serde(default)]
        pub expire_at: Option<i64>,
        /// Where to send the user to finish an OAuth or SAML verification; dropped once the
        /// verification is done.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub external_verification_redirect_url: Option<String>,
        /// The error of a failed OAuth or SAML verification (Clerk's error object: `code`,
        /// `message`, `long_message`, `meta`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub error: Option<Value>,
        /// The nonce a Web3 wallet signed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub nonce: Option<String>,
        /// The message a Web3 wallet signed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub message: Option<String>,
        /// The delivery channel of a one-time code (`sms`, `whatsapp`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub channel: Option<String>,
        /// The client on which the verification finished.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub verified_at_client: Option<String>,
    }
}

impl Verification {
    /// Whether the status is `verified`.
    pub fn is_verified(&self) -> bool {
        self.status == VerificationStatus::Verified
    }
}
