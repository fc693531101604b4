//! The `aws-lc` backend: aws-lc-rs.

use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256};
use aws_lc_rs::{constant_time, digest, hmac};

/// An RSA public key parsed once for RS256 (RSASSA-PKCS1-v1_5 with SHA-256) checks.
pub(crate) struct RsaPublicKey(ParsedPublicKey);

impl RsaPublicKey {
    /// Parses the key from its DER `SubjectPublicKeyInfo` (this backend reads the DER; the
    /// caller has already checked it and extracted the big-endian modulus and exponent).
    pub(crate) fn new(spki_der: &[u8], _modulus: &[u8], _exponent: &[u8]) -> Option<Self> {
        ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, spki_der)
            .ok()
            .map(RsaPublicKey)
    }

    /// Whether `signature` is a valid RS256 signature of `message`.
    pub(crate) fn verify_rs256(&self, message: &[u8], signature: &[u8]) -> bool {
        self.0.verify_sig(message, signature).is_ok()
    }
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest::digest(&digest::SHA256, data).as_ref());
    out
}

/// SHA-1 of `data` (identifiers only, never security).
pub(crate) fn sha1(data: &[u8]) -> [u8; 20] {
    let mut out = [0u8; 20];
    out.copy_from_slice(digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, data).as_ref());
    out
}

/// An HMAC-SHA256 computation fed in parts.
pub(crate) struct HmacSha256(hmac::Context);

impl HmacSha256 {
    /// Starts a MAC under `key`.
    pub(crate) fn new(key: &[u8]) -> Self {
        HmacSha256(hmac::Context::with_key(&hmac::Key::new(hmac::HMAC_SHA256, key)))
    }

    /// Feeds `data`.
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The tag.
    pub(crate) fn finish(self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(self.0.sign().as_ref());
        out
    }
}

/// `a == b` in time that depends only on the lengths.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    constant_time::verify_slices_are_equal(a, b).is_ok()
}

#[cfg(any(test, feature = "testing"))]
pub(crate) use signing::{RsaSigningKey, SigningAlgorithm, fill_random};

#[cfg(any(test, feature = "testing"))]
mod signing {
    use aws_lc_rs::encoding::{AsDer as _, Pkcs8V1Der, PublicKeyX509Der};
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::rsa::{KeyPair, KeySize};
    use aws_lc_rs::signature::{self, KeyPair as _};

    /// The RSASSA-PKCS1-v1_5 signature algorithms the test kit mints tokens with.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum SigningAlgorithm {
        Rs256,
        Rs384,
        Rs512,
    }

    /// An RSA private key for the test kit.
    pub(crate) struct RsaSigningKey(KeyPair);

    impl RsaSigningKey {
        /// A fresh key of 2048, 3072, 4096 or 8192 bits.
        pub(crate) fn generate(bits: usize) -> Option<Self> {
            let size = match bits {
                2048 => KeySize::Rsa2048,
                3072 => KeySize::Rsa3072,
                4096 => KeySize::Rsa4096,
                8192 => KeySize::Rsa8192,
                _ => return None,
            };
            KeyPair::generate(size).ok().map(RsaSigningKey)
        }

        /// Loads a PKCS#8 `PrivateKeyInfo`.
        pub(crate) fn from_pkcs8_der(der: &[u8]) -> Option<Self> {
            KeyPair::from_pkcs8(der).ok().map(RsaSigningKey)
        }

        /// The key as PKCS#8 DER.
        pub(crate) fn pkcs8_der(&self) -> Option<Vec<u8>> {
            let der: Pkcs8V1Der<'static> = self.0.as_der().ok()?;
            Some(der.as_ref().to_vec())
        }

        /// The public half as a DER `SubjectPublicKeyInfo`.
        pub(crate) fn public_spki_der(&self) -> Option<Vec<u8>> {
            let der: PublicKeyX509Der<'static> = self.0.public_key().as_der().ok()?;
            Some(der.as_ref().to_vec())
        }

        /// Modulus length in bytes (the length of every signature).
        pub(crate) fn modulus_len(&self) -> usize {
            self.0.public_modulus_len()
        }

        /// Signs `message`.
        pub(crate) fn sign(&self, alg: SigningAlgorithm, message: &[u8]) -> Option<Vec<u8>> {
            let padding: &'static dyn signature::RsaEncoding = match alg {
                SigningAlgorithm::Rs256 => &signature::RSA_PKCS1_SHA256,
                SigningAlgorithm::Rs384 => &signature::RSA_PKCS1_SHA384,
                SigningAlgorithm::Rs512 => &signature::RSA_PKCS1_SHA512,
            };
            let mut sig = vec![0; self.0.public_modulus_len()];
            self.0
                .sign(padding, &SystemRandom::new(), message, &mut sig)
                .ok()?;
            Some(sig)
        }
    }

    /// Fills `buf` from the system's secure RNG; `false` if it failed.
    pub(crate) fn fill_random(buf: &mut [u8]) -> bool {
        aws_lc_rs::rand::fill(buf).is_ok()
    }
}
