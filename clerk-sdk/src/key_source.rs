//! [`KeySource`]: where the keys that verify Clerk-signed JWTs come from, resolved by `kid`.
//!
//! Session tokens and JWT-format machine tokens are signed with the same instance keys, so
//! both verifiers ask this one value. It is built once per [`crate::Clerk`] from the config:
//! the PEM key when one is set (networkless, and its `kid` is not consulted, as
//! `@clerk/backend` does with `jwtKey`), else this instance's JWKS cache, else nothing.

use std::sync::Arc;

use crate::jwks::JwksCache;
use crate::jwt_key::JwtKey;
use crate::token::SessionVerifyError;

/// The keys a verifier may use.
#[derive(Debug, Clone)]
pub(crate) enum KeySource {
    /// One configured PEM key: every token is checked against it.
    Pem(JwtKey),
    /// Keys fetched from the Backend API and cached.
    Jwks(Arc<JwksCache>),
    /// No key: neither a PEM key nor a secret key to fetch keys with.
    None,
}

impl KeySource {
    /// The key for a token whose header names `kid`.
    ///
    /// # Errors
    /// [`SessionVerifyError::KeyUnresolved`] without any key source, or the JWKS cache's error
    /// (keys unavailable, or no key with that `kid`).
    pub(crate) async fn resolve(&self, kid: Option<&str>) -> Result<JwtKey, SessionVerifyError> {
        match self {
            KeySource::Pem(key) => Ok(key.clone()),
            KeySource::Jwks(jwks) => Ok(jwks.key_for(kid).await?),
            KeySource::None => Err(SessionVerifyError::KeyUnresolved),
        }
    }

    /// Whether `key`, which verified a token earlier, is still the key that token's `kid`
    /// resolves to: always for a PEM key; for JWKS only while that very key (not merely one
    /// with the same `kid`) is in a usable key set.
    pub(crate) async fn still_resolves(&self, key: &JwtKey) -> bool {
        match self {
            KeySource::Pem(pem) => pem.same_key(key),
            KeySource::Jwks(_) | KeySource::None => self
                .resolve(key.kid())
                .await
                .is_ok_and(|current| current.same_key(key)),
        }
    }
}
