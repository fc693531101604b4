//! Clerk publishable keys (`pk_test_…` / `pk_live_…`): validation, the Frontend API host,
//! the session-token issuer, and the cookie suffix.
//!
//! Validation is exactly upstream's `isPublishableKey` (`@clerk/shared/keys`): one of
//! the two prefixes, exactly three `_`-separated parts, and a third part that the WHATWG
//! forgiving base64 decoder (`atob`) turns into `<frontend API>$`, with a single `$` at the end
//! and at least one `.`. The key is kept verbatim, as upstream does: the cookie suffix is
//! derived from the exact text given.
//!
//! A publishable key is public (it ships to browsers), so it may appear in `Debug` output.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

const PREFIX_TEST: &str = "pk_test_";
const PREFIX_LIVE: &str = "pk_live_";
/// Length of the cookie suffix, in base64 characters.
const COOKIE_SUFFIX_LEN: usize = 8;

/// The decoding step of WHATWG forgiving base64 once padding is removed: standard alphabet, no
/// `=`, and non-zero trailing bits discarded rather than refused.
const ATOB: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// The kind of Clerk instance a publishable key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InstanceType {
    /// A development instance (`pk_test_…`).
    Development,
    /// A production instance (`pk_live_…`).
    Production,
}

impl InstanceType {
    /// Upstream's name for the instance type: `"development"` or `"production"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Production => "production",
        }
    }
}

/// A validated Clerk publishable key (`pk_test_…` / `pk_live_…`). Not a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct PublishableKey {
    key: String,
    instance_type: InstanceType,
    frontend_api: String,
}

impl PublishableKey {
    /// Validates a publishable key the way upstream's `isPublishableKey` does.
    ///
    /// # Errors
    ///
    /// - `publishable-key-missing`: the key is empty.
    /// - `publishable-key-invalid`: wrong prefix, not exactly three `_`-separated parts, or a
    ///   third part that is not base64 of UTF-8 text with a single trailing `$` and a `.`.
    pub fn parse(key: &str) -> Result<Self, PublishableKeyError> {
        if key.is_empty() {
            return Err(PublishableKeyError::Missing);
        }
        let instance_type = if key.starts_with(PREFIX_LIVE) {
            InstanceType::Production
        } else if key.starts_with(PREFIX_TEST) {
            InstanceType::Development
        } else {
            return Err(PublishableKeyError::Invalid);
        };
        let mut parts = key.split('_');
        let encoded = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(_), Some(_), Some(encoded), None) if !encoded.is_empty() => encoded,
            _ => return Err(PublishableKeyError::Invalid),
        };
        let decoded = atob(encoded).ok_or(PublishableKeyError::Invalid)?;
        let decoded = String::from_utf8(decoded).map_err(|_| PublishableKeyError::Invalid)?;
        let frontend_api = match decoded.strip_suffix('$') {
            Some(host) if !host.contains('$') && decoded.contains('.') => host.to_owned(),
            _ => return Err(PublishableKeyError::Invalid),
        };
        Ok(Self {
            key: key.to_owned(),
            instance_type,
            frontend_api,
        })
    }

    /// The key, exactly as given.
    pub fn as_str(&self) -> &str {
        &self.key
    }

    /// [`InstanceType::Production`] for `pk_live_…`, [`InstanceType::Development`] for
    /// `pk_test_…`.
    pub fn instance_type(&self) -> InstanceType {
        self.instance_type
    }

    /// Frontend API host, e.g. `clerk.example.com`.
    pub fn frontend_api(&self) -> &str {
        &self.frontend_api
    }

    /// `https://<frontend API>`: the `iss` of this instance's session tokens.
    pub fn issuer(&self) -> String {
        format!("https://{}", self.frontend_api)
    }

    /// Upstream cookie suffix: first 8 chars of URL-safe base64(SHA-1(key)) (`+`→`-`, `/`→`_`).
    ///
    /// Names the `__session_<suffix>` cookie. SHA-1 is what upstream uses here; it identifies
    /// the instance and protects nothing.
    pub fn cookie_suffix(&self) -> String {
        let mut suffix = URL_SAFE_NO_PAD.encode(crate::crypto::sha1(self.key.as_bytes()));
        suffix.truncate(COOKIE_SUFFIX_LEN);
        suffix
    }
}

impl FromStr for PublishableKey {
    type Err = PublishableKeyError;

    fn from_str(key: &str) -> Result<Self, Self::Err> {
        Self::parse(key)
    }
}

impl fmt::Debug for PublishableKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublishableKey")
            .field("key", &self.key)
            .field("instance_type", &self.instance_type)
            .field("frontend_api", &self.frontend_api)
            .finish()
    }
}

/// Why a publishable key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PublishableKeyError {
    /// The key is empty.
    #[error("publishable key is missing")]
    Missing,
    /// The key does not have the `pk_test_…` / `pk_live_…` format.
    #[error("publishable key is not valid (expected pk_test_… or pk_live_…)")]
    Invalid,
}

impl PublishableKeyError {
    /// Stable kebab-case reason code for logs and responses.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Missing => "publishable-key-missing",
            Self::Invalid => "publishable-key-invalid",
        }
    }
}

/// WHATWG forgiving base64 decode (`atob`); `None` where `atob` throws.
fn atob(input: &str) -> Option<Vec<u8>> {
    // 1. Remove ASCII whitespace (TAB, LF, FF, CR, SPACE).
    let mut data: Vec<u8> = input
        .bytes()
        .filter(|b| !matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' '))
        .collect();
    // 2. If the length is a multiple of 4, drop one or two trailing `=`.
    if data.len().is_multiple_of(4) {
        for _ in 0..2 {
            if data.last() == Some(&b'=') {
                data.pop();
            }
        }
    }
    // 3. A remainder of 1 is an error; any other `=` or non-alphabet byte is refused by the
    //    decoder, which also discards non-zero trailing bits as `atob` does.
    if data.len() % 4 == 1 {
        return None;
    }
    ATOB.decode(data).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

    fn key_for(prefix: &str, frontend: &str) -> String {
        format!("{prefix}{}", STANDARD_NO_PAD.encode(frontend))
    }

    #[test]
    fn production_vector() {
        let key = PublishableKey::parse("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k").expect("valid key");
        assert_eq!(key.instance_type(), InstanceType::Production);
        assert_eq!(key.instance_type().as_str(), "production");
        assert_eq!(key.frontend_api(), "clerk.example.com");
        assert_eq!(key.issuer(), "https://clerk.example.com");
        assert_eq!(key.cookie_suffix(), "naoXFJnI");
        assert_eq!(key.as_str(), "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k");
    }

    #[test]
    fn development_key() {
        let text = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk";
        let key: PublishableKey = text.parse().expect("valid key");
        assert_eq!(key.instance_type(), InstanceType::Development);
        assert_eq!(key.instance_type().as_str(), "development");
        assert_eq!(key.frontend_api(), "foo-bar-13.clerk.accounts.dev");
        assert_eq!(key.issuer(), "https://foo-bar-13.clerk.accounts.dev");
        assert_eq!(key.as_str(), text);
        assert_eq!(key.cookie_suffix().len(), 8);
    }

    #[test]
    fn padding_optional() {
        let padded = format!("pk_test_{}", STANDARD.encode("clerk.example.co$"));
        assert!(padded.ends_with('='));
        let unpadded = key_for(PREFIX_TEST, "clerk.example.co$");
        for text in [&padded, &unpadded] {
            let key = PublishableKey::parse(text).expect("valid key");
            assert_eq!(key.frontend_api(), "clerk.example.co");
        }
        // Two `=` of padding, present or absent.
        for text in ["pk_test_YS5iY2RlJA==", "pk_test_YS5iY2RlJA"] {
            let key = PublishableKey::parse(text).expect("valid key");
            assert_eq!(key.frontend_api(), "a.bcde");
        }
    }

    #[test]
    fn whitespace_inside_base64_is_ignored_like_atob() {
        let key = PublishableKey::parse("pk_live_Y2xlcmsuZXhh bXBsZS5jb20k\n").expect("valid");
        assert_eq!(key.frontend_api(), "clerk.example.com");
        // Kept verbatim, so the suffix differs from the trimmed key's.
        assert_eq!(key.as_str(), "pk_live_Y2xlcmsuZXhh bXBsZS5jb20k\n");
    }

    #[test]
    fn standard_alphabet_only() {
        let standard = key_for(PREFIX_LIVE, "clerk.ex>ample.com$");
        assert!(standard.contains('+'));
        assert_eq!(
            PublishableKey::parse(&standard).map(|k| k.frontend_api().to_owned()),
            Ok("clerk.ex>ample.com".to_owned())
        );
        let url_safe = standard.replace('+', "-");
        assert_eq!(
            PublishableKey::parse(&url_safe),
            Err(PublishableKeyError::Invalid)
        );
    }

    #[test]
    fn refused() {
        let cases: Vec<(String, PublishableKeyError)> = vec![
            (String::new(), PublishableKeyError::Missing),
            // No dot.
            (key_for(PREFIX_TEST, "localhost$"), PublishableKeyError::Invalid),
            (
                "pk_test_bG9jYWxob3N0JA==".to_owned(),
                PublishableKeyError::Invalid,
            ),
            // No trailing `$`.
            (
                key_for(PREFIX_LIVE, "clerk.example.com"),
                PublishableKeyError::Invalid,
            ),
            // Two `$`.
            (
                key_for(PREFIX_LIVE, "clerk.example.com$$"),
                PublishableKeyError::Invalid,
            ),
            (key_for(PREFIX_LIVE, "a$b.c$"), PublishableKeyError::Invalid),
            // Bad prefixes.
            (
                key_for("sk_live_", "clerk.example.com$"),
                PublishableKeyError::Invalid,
            ),
            (
                key_for("pk_prod_", "clerk.example.com$"),
                PublishableKeyError::Invalid,
            ),
            (
                key_for("PK_LIVE_", "clerk.example.com$"),
                PublishableKeyError::Invalid,
            ),
            (
                format!(" {}", key_for(PREFIX_LIVE, "clerk.example.com$")),
                PublishableKeyError::Invalid,
            ),
            // Wrong number of parts.
            ("pk_live_".to_owned(), PublishableKeyError::Invalid),
            (
                "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k_".to_owned(),
                PublishableKeyError::Invalid,
            ),
            (
                "pk_live_Y2xlcmsu_ZXhhbXBsZS5jb20k".to_owned(),
                PublishableKeyError::Invalid,
            ),
            // Not base64 / bad padding.
            ("pk_live_!!!!".to_owned(), PublishableKeyError::Invalid),
            (
                "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k=".to_owned(),
                PublishableKeyError::Invalid,
            ),
            (
                "pk_live_Y2xlcmsuZXhhbXBsZS5jb20kJ".to_owned(),
                PublishableKeyError::Invalid,
            ),
            ("pk_live_ \n".to_owned(), PublishableKeyError::Invalid),
            // Not UTF-8.
            (
                format!("pk_live_{}", STANDARD.encode(b"\xff.com$")),
                PublishableKeyError::Invalid,
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(PublishableKey::parse(&text), Err(expected), "{text:?}");
        }
    }

    #[test]
    fn atob_matches_whatwg() {
        assert_eq!(atob("YQ==").as_deref(), Some(&b"a"[..]));
        assert_eq!(atob("YQ").as_deref(), Some(&b"a"[..]));
        assert_eq!(atob(" Y Q = = ").as_deref(), Some(&b"a"[..]));
        // Non-zero trailing bits are discarded, not refused.
        assert_eq!(atob("YR").as_deref(), Some(&b"a"[..]));
        assert_eq!(atob("").as_deref(), Some(&b""[..]));
        assert_eq!(atob("YQ="), None);
        assert_eq!(atob("YQ==="), None);
        assert_eq!(atob("Y"), None);
        assert_eq!(atob("Y=Q="), None);
        assert_eq!(atob("YWJj\u{b}"), None);
        assert_eq!(atob("a-_b"), None);
    }

    #[test]
    fn debug_shows_public_fields() {
        let key = PublishableKey::parse("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k").expect("valid key");
        assert_eq!(
            format!("{key:?}"),
            "PublishableKey { key: \"pk_live_Y2xlcmsuZXhhbXBsZS5jb20k\", \
             instance_type: Production, frontend_api: \"clerk.example.com\" }"
        );
    }

    #[test]
    fn reasons_are_stable() {
        assert_eq!(PublishableKeyError::Missing.reason(), "publishable-key-missing");
        assert_eq!(PublishableKeyError::Invalid.reason(), "publishable-key-invalid");
        assert_eq!(
            PublishableKeyError::Missing.to_string(),
            "publishable key is missing"
        );
        assert!(!PublishableKeyError::Invalid.to_string().ends_with('.'));
    }
}
