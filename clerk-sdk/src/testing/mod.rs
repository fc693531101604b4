//! Test kit (feature `testing`): generate RSA keys, mint session tokens with any claims, and
//! get a [`ClerkConfig`] wired to the generated key, so you can test your own handlers
//! without reaching Clerk.
//!
//! ```
//! use clerk_sdk::testing::TestKeys;
//! use clerk_sdk::{Clerk, Has};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let keys = TestKeys::generate()?;
//! let clerk = Clerk::new(keys.config_builder().authorized_party("https://app.example").build()?);
//!
//! let token = keys
//!     .session("user_123")
//!     .authorized_party("https://app.example")
//!     .org_v1("org_1", "acme", "org:admin", &["org:invoices:read"])
//!     .sign()?;
//!
//! let mut request = http::Request::new(());
//! request.headers_mut().insert("authorization", format!("Bearer {token}").parse()?);
//! let state = clerk.authenticate_request(&request).await;
//! let session = state.auth().session().ok_or("signed out")?;
//! assert_eq!(session.user_id(), "user_123");
//! assert!(session.has(&Has::role("org:admin")));
//! # Ok(()) }
//! ```
//!
//! Machine callers too: [`TestKeys::m2m_token`] and [`TestKeys::oauth_token`] mint JWT-format m2m
//! and OAuth tokens signed with the same key (Clerk signs them with the instance's keys), and
//! [`MockClerkApi`] answers for opaque ones (`mt_…`, `oat_…`, `ak_…`).
//!
//! [`MockClerkApi`] is also a local Clerk for code that calls the Backend API: seed users,
//! organizations, memberships, invitations and sessions ([`UserSeed`], [`OrganizationSeed`],
//! ...), point the code at [`MockClerkApi::url`], then assert on its
//! [`recorded_requests`](MockClerkApi::recorded_requests) and on what it changed.
//!
//! With the `redis` feature too, `RedisServer` starts a throwaway `redis-server` on loopback,
//! for testing a `webhook::RedisReplayStore` against the real thing.
//!
//! These docs exist only with the `testing` feature, so a dependent crate's `cargo doc` hides
//! them (dev-dependency features do not apply to docs): read them with
//! `cargo doc --open -p clerk-sdk --features clerk-sdk/testing`, or on docs.rs, which builds
//! every feature.
//!
//! Minted tokens look like Clerk's: `iat` now, `nbf` ten seconds earlier, `exp` sixty seconds
//! later, `kid` and `typ: JWT` in the header, `v` absent (the v1 claim format) unless a v2
//! builder is used.

mod mock_api;
#[cfg(feature = "redis")]
mod redis_server;

pub use mock_api::{
    Endpoint, Fault, InvitationSeed, MachineTokenSpec, MembershipSeed, MockClerkApi,
    OrganizationInvitationSeed, OrganizationSeed, RecordedRequest, SeedError, SessionSeed, UserSeed,
};
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(all(feature = "testing", feature = "redis"))))]
pub use redis_server::{RedisServer, RedisServerError};

use std::sync::Arc;
use std::time::Duration;

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, KeyPair as _};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Map, Value, json};

use crate::clock::{Clock, SystemClock};
use crate::config::{ClerkConfig, ClerkConfigBuilder};
use crate::jwt_key::JwtKey;

/// The test kit failed: key generation, parsing or signing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TestKitError {
    /// The crypto library refused to generate or load a key.
    #[error("the RSA key could not be generated or loaded")]
    Key,
    /// The private key text is not a PKCS#8 PEM.
    #[error("the private key is not a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)")]
    PrivateKeyPem,
    /// The crypto library refused to sign.
    #[error("signing failed")]
    Sign,
}

/// An RSA signing key pair for tests, with its `kid`.
#[derive(Clone)]
pub struct TestKeys {
    pair: Arc<KeyPair>,
    kid: String,
}

impl std::fmt::Debug for TestKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestKeys")
            .field("kid", &self.kid)
            .field("bits", &(self.pair.public_modulus_len() * 8))
            .finish_non_exhaustive()
    }
}

impl TestKeys {
    /// Generates a fresh 2048-bit key pair with a random `kid`.
    ///
    /// # Errors
    /// [`TestKitError::Key`] if generation fails.
    pub fn generate() -> Result<Self, TestKitError> {
        Self::generate_bits(2048)
    }

    /// Generates a key pair of 2048, 3072, 4096 or 8192 bits.
    ///
    /// # Errors
    /// [`TestKitError::Key`] for another size or if generation fails.
    pub fn generate_bits(bits: usize) -> Result<Self, TestKitError> {
        let size = match bits {
            2048 => KeySize::Rsa2048,
            3072 => KeySize::Rsa3072,
            4096 => KeySize::Rsa4096,
            8192 => KeySize::Rsa8192,
            _ => return Err(TestKitError::Key),
        };
        let pair = KeyPair::generate(size).map_err(|_| TestKitError::Key)?;
        Ok(TestKeys {
            pair: Arc::new(pair),
            kid: random_kid()?,
        })
    }

    /// Loads a key pair from a PKCS#8 PEM (as written by [`TestKeys::private_key_pem`]).
    ///
    /// # Errors
    /// [`TestKitError::PrivateKeyPem`] or [`TestKitError::Key`].
    pub fn from_private_key_pem(pem: &str, kid: impl Into<String>) -> Result<Self, TestKitError> {
        let body: String = pem
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with("-----"))
            .collect();
        if !pem.contains("-----BEGIN PRIVATE KEY-----") {
            return Err(TestKitError::PrivateKeyPem);
        }
        let der = STANDARD.decode(body).map_err(|_| TestKitError::PrivateKeyPem)?;
        let pair = KeyPair::from_pkcs8(&der).map_err(|_| TestKitError::Key)?;
        Ok(TestKeys {
            pair: Arc::new(pair),
            kid: kid.into(),
        })
    }

    /// Sets the `kid` minted tokens carry.
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = kid.into();
        self
    }

    /// The `kid` minted tokens carry.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.pair.public_modulus_len() * 8
    }

    /// The public key as DER SubjectPublicKeyInfo.
    ///
    /// # Errors
    /// [`TestKitError::Key`] if the crypto library cannot encode it.
    pub fn public_key_der(&self) -> Result<Vec<u8>, TestKitError> {
        let der: PublicKeyX509Der<'static> =
            self.pair.public_key().as_der().map_err(|_| TestKitError::Key)?;
        Ok(der.as_ref().to_vec())
    }

    /// The public key as PEM (`-----BEGIN PUBLIC KEY-----`), the form of `CLERK_JWT_KEY`.
    ///
    /// # Errors
    /// [`TestKitError::Key`] if the crypto library cannot encode it.
    pub fn public_key_pem(&self) -> Result<String, TestKitError> {
        Ok(pem("PUBLIC KEY", &self.public_key_der()?))
    }

    /// The private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). Test keys only.
    ///
    /// # Errors
    /// [`TestKitError::Key`] if the crypto library cannot encode it.
    pub fn private_key_pem(&self) -> Result<String, TestKitError> {
        let der: Pkcs8V1Der<'static> = self.pair.as_der().map_err(|_| TestKitError::Key)?;
        Ok(pem("PRIVATE KEY", der.as_ref()))
    }

    /// The public key, parsed as [`ClerkConfigBuilder::jwt_key_parsed`] wants it.
    ///
    /// # Errors
    /// [`TestKitError::Key`] if the key cannot be parsed back.
    pub fn jwt_key(&self) -> Result<JwtKey, TestKitError> {
        JwtKey::from_spki_der(&self.public_key_der()?).map_err(|_| TestKitError::Key)
    }

    /// The public key as a JWK, the shape Clerk's JWKS endpoint serves:
    /// `{"kty":"RSA","kid":..,"alg":"RS256","use":"sig","n":..,"e":..}`.
    ///
    /// # Errors
    /// [`TestKitError::Key`] if the key cannot be encoded.
    pub fn jwk(&self) -> Result<Value, TestKitError> {
        let (n, e) = self.jwt_key()?.rsa_components();
        Ok(json!({
            "kty": "RSA",
            "kid": self.kid,
            "alg": "RS256",
            "use": "sig",
            "n": URL_SAFE_NO_PAD.encode(n),
            "e": URL_SAFE_NO_PAD.encode(e),
        }))
    }

    /// A config builder whose JWT key is this key's public half; add your own settings.
    ///
    /// If the key cannot be encoded (it always can), the builder is left without a key and
    /// `build()` reports it.
    pub fn config_builder(&self) -> ClerkConfigBuilder {
        match self.jwt_key() {
            Ok(key) => ClerkConfig::builder().jwt_key_parsed(key),
            Err(_) => ClerkConfig::builder(),
        }
    }

    /// Starts a session token for `user_id`, timed by the system clock.
    pub fn session(&self, user_id: impl Into<String>) -> SessionTokenBuilder {
        SessionTokenBuilder::new(self.clone(), user_id.into(), SystemClock.now_ms())
    }

    /// Starts a JWT-format m2m token for the machine `machine_id` (`mch_…`), as Clerk signs
    /// them: the m2m category in the `cat` header, `sub` the machine, `jti` a `mt_…` id, timed by
    /// the system clock like a session token. Clerk's SDKs detect it as an m2m token by its
    /// `mch_` subject; accept `m2m_token` to let it in.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use clerk_sdk::testing::TestKeys;
    /// use clerk_sdk::{Clerk, TokenType};
    ///
    /// let keys = TestKeys::generate()?;
    /// let clerk = Clerk::new(keys.config_builder().accepts(TokenType::M2mToken).build()?);
    /// let token = keys.m2m_token("mch_billing").scopes(["mch_invoices"]).sign()?;
    ///
    /// let mut request = http::Request::new(());
    /// request.headers_mut().insert("authorization", format!("Bearer {token}").parse()?);
    /// let state = clerk.authenticate_request(&request).await;
    /// assert_eq!(state.auth().machine_id(), Some("mch_billing"));
    /// assert_eq!(state.auth().scopes(), ["mch_invoices"]);
    /// # Ok(()) }
    /// ```
    pub fn m2m_token(&self, machine_id: impl Into<String>) -> MachineTokenBuilder {
        MachineTokenBuilder::new(
            self.clone(),
            MachineJwtKind::M2m,
            machine_id.into(),
            SystemClock.now_ms(),
        )
    }

    /// Starts a JWT-format OAuth access token (`typ: at+jwt`) that `client_id` obtained for
    /// `user_id`, timed by the system clock. Accept `oauth_token` to let it in; the auth's
    /// [`user_id`](crate::Auth::user_id) is the token's subject, as in Clerk's SDKs.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use clerk_sdk::testing::TestKeys;
    /// use clerk_sdk::{Clerk, TokenType};
    ///
    /// let keys = TestKeys::generate()?;
    /// let clerk = Clerk::new(keys.config_builder().accepts(TokenType::OAuthToken).build()?);
    /// let token = keys.oauth_token("user_42", "client_cli").scopes(["profile", "email"]).sign()?;
    ///
    /// let mut request = http::Request::new(());
    /// request.headers_mut().insert("authorization", format!("Bearer {token}").parse()?);
    /// let state = clerk.authenticate_request(&request).await;
    /// assert_eq!(state.auth().user_id(), Some("user_42"));
    /// assert_eq!(state.auth().machine().and_then(|m| m.client_id()), Some("client_cli"));
    /// # Ok(()) }
    /// ```
    pub fn oauth_token(
        &self,
        user_id: impl Into<String>,
        client_id: impl Into<String>,
    ) -> MachineTokenBuilder {
        MachineTokenBuilder::new(
            self.clone(),
            MachineJwtKind::OAuth,
            user_id.into(),
            SystemClock.now_ms(),
        )
        .claim("client_id", client_id.into())
    }

    /// Signs `header` and `claims` as given (RS256, or RS384 / RS512 when `header.alg` says
    /// so; `alg: none` gets an empty signature). For tokens no builder can make.
    ///
    /// # Errors
    /// [`TestKitError::Sign`] if signing fails.
    pub fn sign_raw(&self, header: &Value, claims: &Value) -> Result<String, TestKitError> {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let padding: &'static dyn signature::RsaEncoding = match header.get("alg").and_then(Value::as_str) {
            Some("none") => return Ok(format!("{input}.")),
            Some("RS384") => &signature::RSA_PKCS1_SHA384,
            Some("RS512") => &signature::RSA_PKCS1_SHA512,
            _ => &signature::RSA_PKCS1_SHA256,
        };
        let mut sig = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(padding, &SystemRandom::new(), input.as_bytes(), &mut sig)
            .map_err(|_| TestKitError::Sign)?;
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig)))
    }

    /// Signs header and payload JSON given as text, with RS256, for payloads no JSON map can
    /// hold (a duplicate key, a particular number spelling or escape).
    ///
    /// # Errors
    /// [`TestKitError::Sign`] if signing fails.
    pub fn sign_text(&self, header: &str, payload: &str) -> Result<String, TestKitError> {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let mut sig = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                input.as_bytes(),
                &mut sig,
            )
            .map_err(|_| TestKitError::Sign)?;
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig)))
    }
}

/// Builds a session token claim by claim; [`SessionTokenBuilder::sign`] mints it.
#[derive(Debug, Clone)]
pub struct SessionTokenBuilder {
    keys: TestKeys,
    header: Map<String, Value>,
    claims: Map<String, Value>,
}

impl SessionTokenBuilder {
    fn new(keys: TestKeys, user_id: String, now_ms: u64) -> Self {
        let mut header = Map::new();
        header.insert("alg".into(), "RS256".into());
        header.insert("kid".into(), keys.kid.clone().into());
        header.insert("typ".into(), "JWT".into());
        let mut builder = SessionTokenBuilder {
            keys,
            header,
            claims: Map::new(),
        };
        builder.claims.insert("sub".into(), user_id.into());
        builder
            .claims
            .insert("sid".into(), format!("sess_{}", random_hex(12)).into());
        builder.claims.insert("sts".into(), "active".into());
        builder.issued_at_ms(now_ms)
    }

    /// Times the token from `now_ms` (milliseconds since the epoch): `iat` = now, `nbf` = now
    /// − 10 s, `exp` = now + 60 s.
    #[must_use]
    pub fn issued_at_ms(mut self, now_ms: u64) -> Self {
        let now = now_ms / 1000;
        self.claims.insert("iat".into(), now.into());
        self.claims.insert("nbf".into(), now.saturating_sub(10).into());
        self.claims.insert("exp".into(), (now + 60).into());
        self
    }

    /// Sets `exp` to `iat` + `lifetime`.
    #[must_use]
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        let iat = self.claims.get("iat").and_then(Value::as_u64).unwrap_or_default();
        self.claims
            .insert("exp".into(), (iat + lifetime.as_secs()).into());
        self
    }

    /// An already expired token: `exp` two minutes before `iat`'s clock reading.
    #[must_use]
    pub fn expired(mut self) -> Self {
        let iat = self.claims.get("iat").and_then(Value::as_u64).unwrap_or_default();
        self.claims.insert("iat".into(), iat.saturating_sub(180).into());
        self.claims.insert("nbf".into(), iat.saturating_sub(190).into());
        self.claims.insert("exp".into(), iat.saturating_sub(120).into());
        self
    }

    /// A token not valid yet: `nbf` and `iat` two minutes in the future.
    #[must_use]
    pub fn not_yet_valid(mut self) -> Self {
        let iat = self.claims.get("iat").and_then(Value::as_u64).unwrap_or_default();
        self.claims.insert("iat".into(), (iat + 120).into());
        self.claims.insert("nbf".into(), (iat + 120).into());
        self.claims.insert("exp".into(), (iat + 180).into());
        self
    }

    /// Sets `azp`, the origin the token was issued to.
    #[must_use]
    pub fn authorized_party(self, azp: impl Into<String>) -> Self {
        self.claim("azp", azp.into())
    }

    /// Sets `iss`.
    #[must_use]
    pub fn issuer(self, iss: impl Into<String>) -> Self {
        self.claim("iss", iss.into())
    }

    /// Sets `aud` to a string.
    #[must_use]
    pub fn audience(self, aud: impl Into<String>) -> Self {
        self.claim("aud", aud.into())
    }

    /// Sets `sid`.
    #[must_use]
    pub fn session_id(self, sid: impl Into<String>) -> Self {
        self.claim("sid", sid.into())
    }

    /// Sets `sts` (session status).
    #[must_use]
    pub fn status(self, sts: impl Into<String>) -> Self {
        self.claim("sts", sts.into())
    }

    /// A pending session (`sts: "pending"`).
    #[must_use]
    pub fn pending(self) -> Self {
        self.status("pending")
    }

    /// Sets the actor (`act`), e.g. `json!({"sub": "user_admin"})` for impersonation.
    #[must_use]
    pub fn actor(self, act: Value) -> Self {
        self.claim("act", act)
    }

    /// Sets `fva`: minutes since first and second factor verification (`-1`: never).
    #[must_use]
    pub fn factor_verification_age(self, first: i64, second: i64) -> Self {
        self.claim("fva", json!([first, second]))
    }

    /// Sets the v1 organization claims (`org_id`, `org_slug`, `org_role`, `org_permissions`).
    #[must_use]
    pub fn org_v1(self, id: &str, slug: &str, role: &str, permissions: &[&str]) -> Self {
        self.claim("org_id", id)
            .claim("org_slug", slug)
            .claim("org_role", role)
            .claim("org_permissions", json!(permissions))
    }

    /// Switches to the v2 claim format and sets the compact organization claim `o`, encoding
    /// `permissions` (`org:<feature>:<permission>`) into `per`, `fpm` and `o:` entries of
    /// `fea`. `role` may be given with or without the `org:` prefix.
    #[must_use]
    pub fn org_v2(mut self, id: &str, slug: &str, role: &str, permissions: &[&str]) -> Self {
        let mut features: Vec<&str> = Vec::new();
        let mut perms: Vec<&str> = Vec::new();
        let mut pairs = Vec::new();
        for p in permissions {
            let mut parts = p.splitn(3, ':');
            if let (Some("org"), Some(feature), Some(perm)) = (parts.next(), parts.next(), parts.next()) {
                if !features.contains(&feature) {
                    features.push(feature);
                }
                if !perms.contains(&perm) {
                    perms.push(perm);
                }
                pairs.push((feature, perm));
            }
        }
        let masks: Vec<String> = features
            .iter()
            .map(|f| {
                let mut mask = num_bits::Decimal::zero();
                for (feature, perm) in &pairs {
                    if feature == f
                        && let Some(bit) = perms.iter().position(|p| p == perm)
                    {
                        mask.set_bit(bit);
                    }
                }
                mask.to_string()
            })
            .collect();
        let mut fea: Vec<String> = self
            .claims
            .get("fea")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(|s| s.split(',').map(str::to_owned).collect())
            .unwrap_or_default();
        fea.extend(features.iter().map(|f| format!("o:{f}")));
        self.claims.insert("v".into(), json!(2));
        self.claims.insert("fea".into(), fea.join(",").into());
        self.claims.insert(
            "o".into(),
            json!({
                "id": id,
                "slg": slug,
                "rol": role.strip_prefix("org:").unwrap_or(role),
                "per": perms.join(","),
                "fpm": masks.join(","),
            }),
        );
        self
    }

    /// Switches to the v2 claim format (`v: 2`) without an organization.
    #[must_use]
    pub fn v2(self) -> Self {
        self.claim("v", 2)
    }

    /// Sets `fea`, e.g. `"o:reports,u:profile"`.
    #[must_use]
    pub fn features(self, fea: impl Into<String>) -> Self {
        self.claim("fea", fea.into())
    }

    /// Sets `pla`, e.g. `"u:pro"`.
    #[must_use]
    pub fn plans(self, pla: impl Into<String>) -> Self {
        self.claim("pla", pla.into())
    }

    /// Sets any claim.
    #[must_use]
    pub fn claim(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.claims.insert(name.to_owned(), value.into());
        self
    }

    /// Removes a claim.
    #[must_use]
    pub fn without_claim(mut self, name: &str) -> Self {
        self.claims.remove(name);
        self
    }

    /// Sets any header field (e.g. `alg`, `cat`, `typ`).
    #[must_use]
    pub fn header(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.header.insert(name.to_owned(), value.into());
        self
    }

    /// Removes a header field.
    #[must_use]
    pub fn without_header(mut self, name: &str) -> Self {
        self.header.remove(name);
        self
    }

    /// Signs with another key instead (for wrong-key tests).
    #[must_use]
    pub fn signed_by(mut self, keys: &TestKeys) -> Self {
        self.keys = keys.clone();
        self
    }

    /// The claims so far.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// Mints the token.
    ///
    /// # Errors
    /// [`TestKitError::Sign`] if signing fails.
    pub fn sign(&self) -> Result<String, TestKitError> {
        self.keys.sign_raw(
            &Value::Object(self.header.clone()),
            &Value::Object(self.claims.clone()),
        )
    }
}

/// Which kind of machine JWT a [`MachineTokenBuilder`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MachineJwtKind {
    M2m,
    OAuth,
}

/// Builds a JWT-format machine token (an m2m token or an OAuth access token), started by
/// [`TestKeys::m2m_token`] or [`TestKeys::oauth_token`]; [`MachineTokenBuilder::sign`] mints it.
#[derive(Debug, Clone)]
pub struct MachineTokenBuilder {
    kind: MachineJwtKind,
    token: SessionTokenBuilder,
}

impl MachineTokenBuilder {
    fn new(keys: TestKeys, kind: MachineJwtKind, subject: String, now_ms: u64) -> Self {
        let token = SessionTokenBuilder::new(keys, subject, now_ms)
            .without_claim("sid")
            .without_claim("sts");
        let token = match kind {
            MachineJwtKind::M2m => token
                .header("cat", crate::token::category::M2M)
                .claim("jti", format!("mt_{}", random_hex(16))),
            MachineJwtKind::OAuth => token
                .header("typ", "at+jwt")
                .claim("jti", format!("oat_{}", random_hex(16))),
        };
        MachineTokenBuilder { kind, token }
    }

    /// Sets the granted scopes: the `scopes` claim of an m2m token (space-separated), the
    /// `scope` claim of an OAuth token (space-separated).
    #[must_use]
    pub fn scopes<I, S>(self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let joined = scopes
            .into_iter()
            .map(|s| s.as_ref().to_owned())
            .collect::<Vec<_>>()
            .join(" ");
        let name = match self.kind {
            MachineJwtKind::M2m => "scopes",
            MachineJwtKind::OAuth => "scope",
        };
        self.claim(name, joined)
    }

    /// Times the token from `now_ms` (milliseconds since the epoch), as
    /// [`SessionTokenBuilder::issued_at_ms`].
    #[must_use]
    pub fn issued_at_ms(self, now_ms: u64) -> Self {
        self.map(|t| t.issued_at_ms(now_ms))
    }

    /// Sets `exp` to `iat` + `lifetime`.
    #[must_use]
    pub fn lifetime(self, lifetime: Duration) -> Self {
        self.map(|t| t.lifetime(lifetime))
    }

    /// An already expired token, as [`SessionTokenBuilder::expired`].
    #[must_use]
    pub fn expired(self) -> Self {
        self.map(SessionTokenBuilder::expired)
    }

    /// Sets `aud` to a string.
    #[must_use]
    pub fn audience(self, aud: impl Into<String>) -> Self {
        self.map(|t| t.audience(aud))
    }

    /// Sets any claim.
    #[must_use]
    pub fn claim(self, name: &str, value: impl Into<Value>) -> Self {
        self.map(|t| t.claim(name, value))
    }

    /// Removes a claim.
    #[must_use]
    pub fn without_claim(self, name: &str) -> Self {
        self.map(|t| t.without_claim(name))
    }

    /// Sets any header field (e.g. `cat`, `typ`).
    #[must_use]
    pub fn header(self, name: &str, value: impl Into<Value>) -> Self {
        self.map(|t| t.header(name, value))
    }

    /// Signs with another key instead (for wrong-key tests).
    #[must_use]
    pub fn signed_by(self, keys: &TestKeys) -> Self {
        self.map(|t| t.signed_by(keys))
    }

    /// The claims so far.
    pub fn claims(&self) -> &Map<String, Value> {
        self.token.claims()
    }

    /// Mints the token.
    ///
    /// # Errors
    /// [`TestKitError::Sign`] if signing fails.
    pub fn sign(&self) -> Result<String, TestKitError> {
        self.token.sign()
    }

    fn map(self, f: impl FnOnce(SessionTokenBuilder) -> SessionTokenBuilder) -> Self {
        MachineTokenBuilder {
            kind: self.kind,
            token: f(self.token),
        }
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    if aws_lc_rs::rand::fill(&mut buf).is_err() {
        return "0".repeat(bytes * 2);
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

fn random_kid() -> Result<String, TestKitError> {
    Ok(format!("ins_test_{}", random_hex(8)))
}

/// A tiny unbounded decimal for permission masks wider than 128 bits.
mod num_bits {
    /// Bits, least significant first.
    #[derive(Debug, Default)]
    pub(super) struct Decimal(Vec<bool>);

    impl Decimal {
        pub(super) fn zero() -> Self {
            Decimal(Vec::new())
        }

        pub(super) fn set_bit(&mut self, bit: usize) {
            if self.0.len() <= bit {
                self.0.resize(bit + 1, false);
            }
            if let Some(b) = self.0.get_mut(bit) {
                *b = true;
            }
        }
    }

    impl std::fmt::Display for Decimal {
        /// Decimal digits by doubling, most significant bit first.
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            let mut digits: Vec<u8> = vec![0]; // least significant digit first
            for &bit in self.0.iter().rev() {
                let mut carry = u8::from(bit);
                for d in &mut digits {
                    let v = *d * 2 + carry;
                    *d = v % 10;
                    carry = v / 10;
                }
                if carry > 0 {
                    digits.push(carry);
                }
            }
            let text: String = digits.iter().rev().map(|d| char::from(b'0' + d)).collect();
            f.write_str(&text)
        }
    }
}

/// Signs a webhook as Clerk does and returns the `svix-id`, `svix-timestamp` and
/// `svix-signature` headers, ready to send with `body` to your webhook route.
///
/// Any secret (`whsec_…`), id, timestamp (seconds) and body bytes; a verifier with the same
/// secret and a clock within its tolerance of `timestamp_s` accepts the result.
///
/// ```
/// use clerk_sdk::testing::sign_webhook;
/// use clerk_sdk::{webhook::{EventType, Webhook}, clock::FixedClock};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let secret = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY";
/// let body = br#"{"type":"user.created","object":"event","data":{"id":"user_1"}}"#;
/// let headers = sign_webhook(secret, "msg_1", 1_700_000_000, body)?;
///
/// let webhook = Webhook::new(secret)?.clock(FixedClock::new(1_700_000_000_000));
/// assert_eq!(webhook.verify(&headers, body).await?.event_type, EventType::UserCreated);
/// # Ok(()) }
/// ```
///
/// # Errors
/// `webhook-secret-invalid` for a malformed secret; `webhook-header-invalid` when `id` cannot
/// be a header value (control characters).
pub fn sign_webhook(
    secret: &str,
    id: &str,
    timestamp_s: i64,
    body: &[u8],
) -> Result<http::HeaderMap, crate::webhook::WebhookError> {
    let webhook = crate::webhook::Webhook::new(secret)?;
    let value = |text: String, name: &'static str| {
        http::HeaderValue::try_from(text).map_err(|_| crate::webhook::WebhookError::InvalidHeader(name))
    };
    let mut headers = http::HeaderMap::new();
    headers.insert("svix-id", value(id.to_owned(), "svix-id")?);
    headers.insert(
        "svix-timestamp",
        value(timestamp_s.to_string(), "svix-timestamp")?,
    );
    headers.insert(
        "svix-signature",
        value(webhook.sign(id, timestamp_s, body), "svix-signature")?,
    );
    Ok(headers)
}
