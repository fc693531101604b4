//! The `rust-crypto` backend: RustCrypto's `rsa`, `sha2`, `sha1`, `hmac` and `subtle`.

use hmac::{KeyInit as _, Mac as _};
use rsa::BoxedUint;
use sha1::Digest as _;
use subtle::ConstantTimeEq as _;

/// Smallest and largest accepted modulus, in bits: the range the `aws-lc` backend verifies
/// RS256 with, so that both accept the same keys.
const MODULUS_BITS: std::ops::RangeInclusive<usize> = 2048..=8192;

/// An RSA public key parsed once for RS256 (RSASSA-PKCS1-v1_5 with SHA-256) checks.
pub(crate) struct RsaPublicKey(rsa::PublicKey);

impl RsaPublicKey {
    /// Builds the key from its big-endian modulus and exponent (this backend reads the
    /// integers; the caller has already parsed and checked the `SubjectPublicKeyInfo`).
    pub(crate) fn new(_spki_der: &[u8], modulus: &[u8], exponent: &[u8]) -> Option<Self> {
        let n = BoxedUint::from_be_slice_vartime(modulus);
        let e = BoxedUint::from_be_slice_vartime(exponent);
        rsa::PublicKey::new_with_size_limits(n, e, MODULUS_BITS)
            .ok()
            .map(RsaPublicKey)
    }

    /// Whether `signature` is a valid RS256 signature of `message`.
    pub(crate) fn verify_rs256(&self, message: &[u8], signature: &[u8]) -> bool {
        self.0.pkcs1v15_verify::<sha2::Sha256>(message, signature).is_ok()
    }
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(data).into()
}

/// SHA-1 of `data` (identifiers only, never security).
pub(crate) fn sha1(data: &[u8]) -> [u8; 20] {
    sha1::Sha1::digest(data).into()
}

/// An HMAC-SHA256 computation fed in parts.
pub(crate) struct HmacSha256(hmac::Hmac<sha2::Sha256>);

impl HmacSha256 {
    /// Starts a MAC under `key`.
    pub(crate) fn new(key: &[u8]) -> Self {
        // HMAC takes keys of any length (long ones are hashed first), so this cannot fail.
        match hmac::Hmac::<sha2::Sha256>::new_from_slice(key) {
            Ok(mac) => HmacSha256(mac),
            Err(_) => HmacSha256(hmac::Hmac::<sha2::Sha256>::new(&Default::default())),
        }
    }

    /// Feeds `data`.
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The tag.
    pub(crate) fn finish(self) -> [u8; 32] {
        self.0.finalize().into_bytes().into()
    }
}

/// `a == b` in time that depends only on the lengths.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(any(test, feature = "testing"))]
pub(crate) use signing::{RsaSigningKey, SigningAlgorithm, fill_random};

#[cfg(any(test, feature = "testing"))]
mod signing {
    use rsa::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _, EncodePublicKey as _};

    /// The RSASSA-PKCS1-v1_5 signature algorithms the test kit mints tokens with.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum SigningAlgorithm {
        Rs256,
        Rs384,
        Rs512,
    }

    /// An RSA private key for the test kit.
    pub(crate) struct RsaSigningKey(rsa::PrivateKey);

    impl RsaSigningKey {
        /// A fresh key of 2048, 3072, 4096 or 8192 bits, from the system's secure RNG.
        pub(crate) fn generate(bits: usize) -> Option<Self> {
            if !matches!(bits, 2048 | 3072 | 4096 | 8192) {
                return None;
            }
            let mut rng = getrandom::SysRng;
            rsa::PrivateKey::new(&mut rng, bits).ok().map(RsaSigningKey)
        }

        /// Loads a PKCS#8 `PrivateKeyInfo`.
        pub(crate) fn from_pkcs8_der(der: &[u8]) -> Option<Self> {
            rsa::PrivateKey::from_pkcs8_der(der).ok().map(RsaSigningKey)
        }

        /// The key as PKCS#8 DER.
        pub(crate) fn pkcs8_der(&self) -> Option<Vec<u8>> {
            Some(self.0.to_pkcs8_der().ok()?.as_bytes().to_vec())
        }

        /// The public half as a DER `SubjectPublicKeyInfo`.
        pub(crate) fn public_spki_der(&self) -> Option<Vec<u8>> {
            Some(self.0.to_public_key().to_public_key_der().ok()?.into_vec())
        }

        /// Modulus length in bytes (the length of every signature).
        pub(crate) fn modulus_len(&self) -> usize {
            use rsa::traits::PublicKeyParts as _;
            self.0.size()
        }

        /// Signs `message`.
        pub(crate) fn sign(&self, alg: SigningAlgorithm, message: &[u8]) -> Option<Vec<u8>> {
            match alg {
                SigningAlgorithm::Rs256 => self.0.pkcs1v15_sign::<sha2::Sha256>(message),
                SigningAlgorithm::Rs384 => self.0.pkcs1v15_sign::<sha2::Sha384>(message),
                SigningAlgorithm::Rs512 => self.0.pkcs1v15_sign::<sha2::Sha512>(message),
            }
            .ok()
        }
    }

    /// Fills `buf` from the system's secure RNG; `false` if it failed.
    pub(crate) fn fill_random(buf: &mut [u8]) -> bool {
        getrandom::fill(buf).is_ok()
    }
}
