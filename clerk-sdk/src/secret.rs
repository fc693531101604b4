//! Secret-holding newtypes: redacted `Debug`, no `Display`, zeroized on drop, and read only
//! through an explicit [`SecretKey::expose_secret`].

use std::fmt;

use zeroize::Zeroizing;

/// A Clerk secret key (`sk_…`) or machine secret key. Never printed.
///
/// Not comparable with `==`: a secret compared byte by byte would leak, through timing, how
/// much of a guess was right. Compare [`SecretKey::expose_secret`] in constant time if you must.
#[derive(Clone)]
pub struct SecretKey(Zeroizing<String>);

impl SecretKey {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        SecretKey(Zeroizing::new(secret.into()))
    }

    /// The secret itself, for the one place that must send it (the `Authorization` header of a
    /// Backend API call).
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey([redacted])")
    }
}

impl From<String> for SecretKey {
    fn from(s: String) -> Self {
        SecretKey::new(s)
    }
}

impl From<&str> for SecretKey {
    fn from(s: &str) -> Self {
        SecretKey::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let key = SecretKey::new("sk_test_supersecret");
        assert_eq!(format!("{key:?}"), "SecretKey([redacted])");
        assert_eq!(key.expose_secret(), "sk_test_supersecret");
    }
}
