//! Every cryptographic primitive the crate uses, behind one interface with two backends:
//!
//! - `aws-lc` (the default): aws-lc-rs, C and assembly, the fastest natively;
//! - `rust-crypto`: RustCrypto's `rsa`, `sha2`, `sha1`, `hmac` and `subtle`, pure Rust, so the
//!   crate builds for wasm32-unknown-unknown and without a C toolchain.
//!
//! Exactly one must be enabled. Both at once would leave it unclear which code verifies
//! tokens, and Cargo's feature unification could then switch backends behind an application's
//! back, so that is a compile error, as is neither.
//!
//! What the rest of the crate sees: [`RsaPublicKey`] (a parsed RS256 verification key),
//! [`sha256`], [`sha1`], [`HmacSha256`] and [`constant_time_eq`]; the test kit also gets
//! `RsaSigningKey` (key generation and RS256/384/512 signing) and `fill_random`. Nothing outside
//! this module names a crypto crate, so both backends run the same code above it and pass the
//! same tests.
//!
//! On wasm32 the RS256 check goes through the host's WebCrypto (`crypto.subtle.verify`) when
//! the host has it, about 15 times faster than RSA compiled to wasm; `webcrypto` holds that
//! path, and RustCrypto stays the fallback and the backend of everything synchronous.

#[cfg(all(feature = "aws-lc", feature = "rust-crypto"))]
compile_error!(
    "clerk-sdk: features `aws-lc` and `rust-crypto` are mutually exclusive; \
     pick one (`rust-crypto` needs `default-features = false`)"
);
#[cfg(not(any(feature = "aws-lc", feature = "rust-crypto")))]
compile_error!(
    "clerk-sdk: enable exactly one crypto backend: feature `aws-lc` (the default) or \
     `rust-crypto` (pure Rust, for wasm32)"
);

#[cfg(feature = "aws-lc")]
mod aws_lc;
#[cfg(feature = "aws-lc")]
use aws_lc as backend;

#[cfg(all(feature = "rust-crypto", not(feature = "aws-lc")))]
mod rust_crypto;
#[cfg(all(feature = "rust-crypto", not(feature = "aws-lc")))]
use rust_crypto as backend;

#[cfg(target_arch = "wasm32")]
pub(crate) mod webcrypto;

pub(crate) use backend::{HmacSha256, RsaPublicKey, constant_time_eq, sha1, sha256};
#[cfg(any(test, feature = "testing"))]
pub(crate) use backend::{RsaSigningKey, SigningAlgorithm, fill_random};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_and_sha1_known_answers() {
        let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(hex(&sha1(b"abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    #[test]
    fn hmac_sha256_known_answer_in_parts() {
        // RFC 4231, test case 2.
        let mut mac = HmacSha256::new(b"Jefe");
        mac.update(b"what do ya want ");
        mac.update(b"for nothing?");
        let tag: String = mac.finish().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            tag,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn constant_time_eq_compares_length_and_content() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn signing_key_signs_what_the_public_key_verifies() {
        let key = RsaSigningKey::generate(2048).expect("key generation");
        assert_eq!(key.modulus_len(), 256);
        let spki = key.public_spki_der().expect("spki");
        let public = crate::jwt_key::JwtKey::from_spki_der(&spki).expect("public key");
        let (n, e) = public.rsa_components();
        let verifier = RsaPublicKey::new(&spki, &n, &e).expect("verifier");
        let signature = key.sign(SigningAlgorithm::Rs256, b"message").expect("signature");
        assert!(verifier.verify_rs256(b"message", &signature));
        assert!(!verifier.verify_rs256(b"messagE", &signature));
        let again = RsaSigningKey::from_pkcs8_der(&key.pkcs8_der().expect("pkcs8")).expect("reload");
        assert_eq!(again.public_spki_der().expect("spki"), spki);
        for alg in [SigningAlgorithm::Rs384, SigningAlgorithm::Rs512] {
            let signature = key.sign(alg, b"message").expect("signature");
            assert_eq!(signature.len(), 256);
            assert!(!verifier.verify_rs256(b"message", &signature));
        }
        let mut buf = [0u8; 16];
        assert!(fill_random(&mut buf));
        assert_ne!(buf, [0u8; 16]);
    }
}
