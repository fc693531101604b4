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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Verification, VerificationStatus};
    use crate::api::model::test_support::parse;

    #[test]
    fn every_shape_reads_as_one_struct_with_or_without_object() {
        let bodies = [
            json!({"object":"verification_otp","status":"unverified","strategy":"email_code",
                   "attempts":0,"expire_at":1732100600000u64,"channel":"sms"}),
            json!({"status":"verified","strategy":"email_link","attempts":null,
                   "expire_at":1732100600000u64,"verified_at_client":"client_1"}),
            json!({"object":"verification_oauth","status":"transferable","strategy":"oauth_custom_acme",
                   "external_verification_redirect_url":"https://idp.example/authorize?state=x",
                   "error":{"code":"external_account_exists","message":"taken","long_message":"taken"},
                   "attempts":null,"expire_at":1732100600000u64}),
            json!({"object":"verification_saml","status":"verified","strategy":"saml","attempts":null}),
            json!({"object":"verification_web3","status":"failed","strategy":"web3_solana_signature",
                   "nonce":"n","message":"Sign in","attempts":3,"expire_at":null}),
            json!({"status":"verified","strategy":"from_oauth_token_github"}),
        ];
        let parsed: Vec<Verification> = bodies.iter().map(|body| parse(&body.to_string())).collect();
        assert_eq!(parsed[0].channel.as_deref(), Some("sms"));
        assert_eq!(parsed[0].attempts, Some(0));
        assert_eq!(parsed[1].object, None);
        assert!(parsed[1].is_verified());
        assert_eq!(parsed[2].status, VerificationStatus::Transferable);
        assert_eq!(
            parsed[2].error.as_ref().unwrap()["code"],
            "external_account_exists"
        );
        assert!(parsed[2].external_verification_redirect_url.is_some());
        assert_eq!(parsed[3].external_verification_redirect_url, None);
        assert_eq!(parsed[3].expire_at, None);
        assert_eq!(parsed[4].status, VerificationStatus::Failed);
        assert_eq!(parsed[4].message.as_deref(), Some("Sign in"));
        assert_eq!(parsed[5].strategy, "from_oauth_token_github");
        assert!(parsed.iter().all(|verification| verification.extra.is_empty()));
    }

    #[test]
    fn statuses_keep_unknown_values_and_write_them_back() {
        for (wire, status) in [
            ("unverified", VerificationStatus::Unverified),
            ("verified", VerificationStatus::Verified),
            ("transferable", VerificationStatus::Transferable),
            ("failed", VerificationStatus::Failed),
            ("expired", VerificationStatus::Expired),
            (
                "needs_review",
                VerificationStatus::Unknown("needs_review".to_owned()),
            ),
        ] {
            assert_eq!(VerificationStatus::from(wire), status);
            assert_eq!(status.as_str(), wire);
            assert_eq!(status.to_string(), wire);
            assert_eq!(serde_json::to_value(&status).unwrap(), wire);
            let escaped = format!("\"{}\"", wire.replace('e', "\\u0065"));
            assert_eq!(
                serde_json::from_str::<VerificationStatus>(&escaped).unwrap(),
                status
            );
        }
        assert!(serde_json::from_str::<VerificationStatus>("1").is_err());
    }
}
