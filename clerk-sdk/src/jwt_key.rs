//! The networkless verification key (`CLERK_JWT_KEY`), parsed properly once, when the config
//! is built.
//!
//! Upstream `@clerk/backend` never parses this key: it strips the PEM lines and a fixed
//! 2048-bit `SubjectPublicKeyInfo` prefix and suffix from the text and uses the rest as the JWK
//! modulus. That only works for 2048-bit keys with exponent 65537 written with real
//! newlines. Here the text is decoded, the `SubjectPublicKeyInfo` is parsed with a real DER parser
//! (`spki`, then `pkcs1` for the RSA part), checked, and handed to the crypto backend a single time.
//! Every verification then reuses the parsed key.
//!
//! Accepted text (see [`JwtKey::from_pem`]):
//! - a `-----BEGIN PUBLIC KEY-----` block with LF or CRLF line endings, or with the literal
//!   two-character `\n` sequence that `.env` files carry;
//! - the base64 body alone, without the BEGIN/END lines, on one line or wrapped;
//! - for convenience, a `-----BEGIN RSA PUBLIC KEY-----` block (a PKCS#1 `RSAPublicKey`).
//!
//! Checks, in order: the key is an `rsaEncryption` `SubjectPublicKeyInfo`, its modulus has
//! between 2048 and 8192 bits (the range both crypto backends verify RS256 with), and its public exponent
//! is 65537. Upstream hard-codes `e: "AQAB"` (65537) in the JWK it builds, so a key with any
//! other exponent never verifies there; refusing it here turns "every token fails" into a
//! configuration error.
//!
//! Errors never include key material: only the PEM label (not secret) and the modulus size.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use spki::SubjectPublicKeyInfoRef;
use spki::der::asn1::BitStringRef;
use spki::der::{Decode as _, Encode as _};

use crate::crypto::RsaPublicKey;

/// Smallest accepted modulus, in bits.
const MIN_BITS: usize = 2048;
/// Largest accepted modulus, in bits (the largest aws-lc verifies RS256 with).
const MAX_BITS: usize = 8192;
/// The only accepted public exponent, 65537, as big-endian bytes.
const EXPONENT_65537: [u8; 3] = [0x01, 0x00, 0x01];
/// Longest PEM label we are willing to echo back in an error.
const MAX_LABEL_LEN: usize = 64;

const PEM_BEGIN: &str = "-----BEGIN ";
const PEM_END: &str = "-----END ";
const PEM_DASHES: &str = "-----";
const LABEL_SPKI: &str = "PUBLIC KEY";
const LABEL_PKCS1: &str = "RSA PUBLIC KEY";

/// Standard base64 alphabet, padding optional, canonical trailing bits required.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// An RSA public key for networkless session-token verification, parsed once.
///
/// Cloning is cheap: the parsed key is shared.
#[derive(Clone)]
pub struct JwtKey {
    key: Arc<KeyInner>,
}

/// Behind one pointer, so a [`JwtKey`] (which the token cache keeps per entry) is 8 bytes.
struct KeyInner {
    parsed: RsaPublicKey,
    /// The DER `SubjectPublicKeyInfo`: the key's identity, and what it was parsed from.
    spki_der: Box<[u8]>,
    bits: usize,
    /// The `kid` the key was published under, for keys from a JWKS.
    kid: Option<Box<str>>,
    /// Unique per parsed key: names its imported WebCrypto key, which cannot live here (a
    /// JavaScript object is not `Send`).
    #[cfg(target_arch = "wasm32")]
    id: u64,
}

/// The next [`KeyInner::id`].
#[cfg(target_arch = "wasm32")]
static NEXT_KEY_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl JwtKey {
    /// Parses PEM text as found in `CLERK_JWT_KEY`.
    ///
    /// Accepts a `PUBLIC KEY` (`SubjectPublicKeyInfo`) or `RSA PUBLIC KEY` (PKCS#1) block with
    /// LF, CRLF or literal `\n` line breaks, or a header-less base64 `SubjectPublicKeyInfo`,
    /// one line or wrapped. Surrounding whitespace is ignored, and so is whitespace inside the
    /// base64 body. Base64 is the standard alphabet, padding optional.
    ///
    /// # Errors
    ///
    /// - `jwt-key-empty`: the text is blank, or the PEM block has no body.
    /// - `jwt-key-invalid-pem`: broken armor (no END line, mismatched labels, text after the
    ///   block, an unreadable label).
    /// - `jwt-key-unsupported-pem-label`: a label other than `PUBLIC KEY` / `RSA PUBLIC KEY`,
    ///   such as `PRIVATE KEY` or `CERTIFICATE`.
    /// - `jwt-key-invalid-base64`: the body is not base64.
    /// - and every reason of [`JwtKey::from_spki_der`].
    pub fn from_pem(pem: &str) -> Result<Self, JwtKeyError> {
        // `.env` files carry the line breaks as a literal backslash sequence. Backslashes are
        // never valid base64 or armor, so turning them into whitespace loses nothing.
        let text = pem.replace("\\r", "\r").replace("\\n", "\n");
        let text = text.trim();
        if text.is_empty() {
            return Err(JwtKeyError::Empty);
        }
        match split_armor(text)? {
            None => Self::from_spki_der(&decode_base64(text)?),
            Some((PemKind::Spki, body)) => Self::from_spki_der(&decode_base64(body)?),
            Some((PemKind::Pkcs1, body)) => Self::from_spki_der(&spki_from_pkcs1(&decode_base64(body)?)?),
        }
    }

    /// Parses a DER `SubjectPublicKeyInfo`.
    ///
    /// # Errors
    ///
    /// - `jwt-key-empty`: no bytes.
    /// - `jwt-key-invalid-der`: not a DER `SubjectPublicKeyInfo` wrapping a PKCS#1
    ///   `RSAPublicKey` (trailing bytes included).
    /// - `jwt-key-not-rsa`: the algorithm is not `rsaEncryption` (1.2.840.113549.1.1.1).
    /// - `jwt-key-too-small`: the modulus has fewer than 2048 bits.
    /// - `jwt-key-too-large`: the modulus has more than 8192 bits.
    /// - `jwt-key-unsupported-exponent`: the public exponent is not 65537.
    /// - `jwt-key-rejected`: the crypto backend refused the key.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, JwtKeyError> {
        if der.is_empty() {
            return Err(JwtKeyError::Empty);
        }
        let spki = SubjectPublicKeyInfoRef::from_der(der).map_err(|_| JwtKeyError::InvalidDer)?;
        if spki.algorithm.oid != pkcs1::ALGORITHM_OID {
            return Err(JwtKeyError::NotRsa);
        }
        let rsa_der = spki
            .subject_public_key
            .as_bytes()
            .ok_or(JwtKeyError::InvalidDer)?;
        let rsa = pkcs1::RsaPublicKeyRef::from_der(rsa_der).map_err(|_| JwtKeyError::InvalidDer)?;

        let bits = bit_length(rsa.modulus.as_bytes());
        if bits < MIN_BITS {
            return Err(JwtKeyError::TooSmall { bits });
        }
        if bits > MAX_BITS {
            return Err(JwtKeyError::TooLarge { bits });
        }
        if strip_leading_zeros(rsa.public_exponent.as_bytes()) != EXPONENT_65537 {
            return Err(JwtKeyError::UnsupportedExponent);
        }

        let parsed = RsaPublicKey::new(
            der,
            strip_leading_zeros(rsa.modulus.as_bytes()),
            strip_leading_zeros(rsa.public_exponent.as_bytes()),
        )
        .ok_or(JwtKeyError::Rejected)?;
        Ok(Self {
            key: Arc::new(KeyInner {
                parsed,
                spki_der: der.into(),
                bits,
                kid: None,
                #[cfg(target_arch = "wasm32")]
                id: NEXT_KEY_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            }),
        })
    }

    /// Builds a key from a JWK's big-endian modulus `n` and exponent `e`, with the same checks
    /// as [`JwtKey::from_spki_der`].
    ///
    /// # Errors
    /// As [`JwtKey::from_spki_der`]; `jwt-key-invalid-der` when the integers cannot be encoded.
    pub fn from_rsa_components(n: &[u8], e: &[u8]) -> Result<Self, JwtKeyError> {
        let n = pkcs1::UintRef::new(strip_leading_zeros(n)).map_err(|_| JwtKeyError::InvalidDer)?;
        let e = pkcs1::UintRef::new(strip_leading_zeros(e)).map_err(|_| JwtKeyError::InvalidDer)?;
        let pkcs1_der = pkcs1::RsaPublicKeyRef {
            modulus: n,
            public_exponent: e,
        }
        .to_der()
        .map_err(|_| JwtKeyError::InvalidDer)?;
        Self::from_spki_der(&spki_from_pkcs1(&pkcs1_der)?)
    }

    /// The big-endian modulus and exponent, e.g. to publish the key as a JWK.
    pub fn rsa_components(&self) -> (Vec<u8>, Vec<u8>) {
        let parsed = SubjectPublicKeyInfoRef::from_der(&self.key.spki_der)
            .ok()
            .and_then(|spki| spki.subject_public_key.as_bytes())
            .and_then(|der| pkcs1::RsaPublicKeyRef::from_der(der).ok());
        match parsed {
            Some(rsa) => (
                strip_leading_zeros(rsa.modulus.as_bytes()).to_vec(),
                strip_leading_zeros(rsa.public_exponent.as_bytes()).to_vec(),
            ),
            None => (Vec::new(), Vec::new()),
        }
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.key.bits
    }

    /// RS256 (RSASSA-PKCS1-v1_5 + SHA-256) check of `signature` over `message`, by the crypto
    /// backend.
    pub(crate) fn verify_rs256(&self, message: &[u8], signature: &[u8]) -> bool {
        self.key.parsed.verify_rs256(message, signature)
    }

    /// The RS256 check of the request path. Natively this is [`JwtKey::verify_rs256`] and the
    /// future is ready when first polled (no allocation, no task). On wasm32 it goes through
    /// the host's WebCrypto when the host has one, with the key imported there once, and falls
    /// back to the crypto backend otherwise.
    pub(crate) async fn verify_signature(&self, message: &[u8], signature: &[u8]) -> bool {
        #[cfg(target_arch = "wasm32")]
        if let Some(valid) =
            crate::crypto::webcrypto::verify_rs256(self.key.id, &self.key.spki_der, message, signature).await
        {
            return valid;
        }
        self.verify_rs256(message, signature)
    }

    /// Records the `kid` a JWKS published this key under (a fresh key only; a shared one is
    /// returned unchanged).
    pub(crate) fn with_kid(mut self, kid: &str) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.key) {
            inner.kid = Some(kid.into());
        }
        self
    }

    /// The `kid` of a key from a JWKS.
    pub(crate) fn kid(&self) -> Option<&str> {
        self.key.kid.as_deref()
    }

    /// Whether both handles share one parsed key (not merely equal material).
    pub(crate) fn same_key(&self, other: &JwtKey) -> bool {
        Arc::ptr_eq(&self.key, &other.key)
    }

    /// Whether both keys have the same modulus and exponent.
    pub(crate) fn same_material(&self, other: &JwtKey) -> bool {
        self.same_key(other) || self.key.spki_der == other.key.spki_der
    }
}

#[cfg(test)]
impl JwtKey {
    /// A freshly generated 2048-bit key, for unit tests across the crate.
    pub(crate) fn generate_for_tests() -> JwtKey {
        let pair = crate::crypto::RsaSigningKey::generate(2048).expect("rsa keygen");
        let der = pair.public_spki_der().expect("spki encoding");
        JwtKey::from_spki_der(&der).expect("generated key")
    }
}

impl fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtKey").field("bits", &self.key.bits).finish()
    }
}

/// Why a JWT verification key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwtKeyError {
    /// The key text or DER is empty.
    #[error("jwt key is empty")]
    Empty,
    /// The PEM armor is broken: no END line, mismatched labels, or text after the block.
    #[error("jwt key has malformed pem armor")]
    MalformedPem,
    /// The PEM block is not a public key (for example `PRIVATE KEY` or `CERTIFICATE`).
    #[error("jwt key has pem label {label:?} where PUBLIC KEY was expected")]
    UnsupportedPemLabel {
        /// The label from the `-----BEGIN …-----` line.
        label: String,
    },
    /// The key body is not standard base64.
    #[error("jwt key is not valid base64")]
    InvalidBase64,
    /// The bytes are not a DER `SubjectPublicKeyInfo` holding an RSA public key.
    #[error("jwt key is not a der subject public key info")]
    InvalidDer,
    /// The key's algorithm is not `rsaEncryption`.
    #[error("jwt key is not an rsa key")]
    NotRsa,
    /// The modulus is shorter than 2048 bits.
    #[error("jwt key has {bits} bits where at least 2048 are required")]
    TooSmall {
        /// Modulus size in bits.
        bits: usize,
    },
    /// The modulus is longer than 8192 bits.
    #[error("jwt key has {bits} bits where at most 8192 are supported")]
    TooLarge {
        /// Modulus size in bits.
        bits: usize,
    },
    /// The public exponent is not 65537.
    #[error("jwt key has a public exponent other than 65537")]
    UnsupportedExponent,
    /// The crypto library refused the key.
    #[error("jwt key was rejected by the crypto library")]
    Rejected,
}

impl JwtKeyError {
    /// Stable kebab-case reason code for logs and responses.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Empty => "jwt-key-empty",
            Self::MalformedPem => "jwt-key-invalid-pem",
            Self::UnsupportedPemLabel { .. } => "jwt-key-unsupported-pem-label",
            Self::InvalidBase64 => "jwt-key-invalid-base64",
            Self::InvalidDer => "jwt-key-invalid-der",
            Self::NotRsa => "jwt-key-not-rsa",
            Self::TooSmall { .. } => "jwt-key-too-small",
            Self::TooLarge { .. } => "jwt-key-too-large",
            Self::UnsupportedExponent => "jwt-key-unsupported-exponent",
            Self::Rejected => "jwt-key-rejected",
        }
    }
}

/// What a supported PEM block holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PemKind {
    /// `PUBLIC KEY`: a `SubjectPublicKeyInfo`.
    Spki,
    /// `RSA PUBLIC KEY`: a PKCS#1 `RSAPublicKey`.
    Pkcs1,
}

/// Splits trimmed text into its PEM kind and base64 body, or `None` when there is no armor.
///
/// Works on the text rather than on lines, so a block flattened onto one line (spaces instead
/// of newlines) is still read.
fn split_armor(text: &str) -> Result<Option<(PemKind, &str)>, JwtKeyError> {
    let Some(after_begin) = text.strip_prefix(PEM_BEGIN) else {
        // Dashes are not base64: armor that does not start the text is broken armor.
        return if text.contains(PEM_DASHES) {
            Err(JwtKeyError::MalformedPem)
        } else {
            Ok(None)
        };
    };
    let (label, rest) = after_begin
        .split_once(PEM_DASHES)
        .ok_or(JwtKeyError::MalformedPem)?;
    let readable = !label.is_empty()
        && label.len() <= MAX_LABEL_LEN
        && label.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
    if !readable {
        return Err(JwtKeyError::MalformedPem);
    }
    let kind = match label {
        LABEL_SPKI => PemKind::Spki,
        LABEL_PKCS1 => PemKind::Pkcs1,
        other => {
            return Err(JwtKeyError::UnsupportedPemLabel {
                label: other.to_owned(),
            });
        }
    };
    let (body, after_end) = rest.split_once(PEM_END).ok_or(JwtKeyError::MalformedPem)?;
    let (end_label, trailer) = after_end
        .split_once(PEM_DASHES)
        .ok_or(JwtKeyError::MalformedPem)?;
    if end_label != label || !trailer.trim().is_empty() {
        return Err(JwtKeyError::MalformedPem);
    }
    Ok(Some((kind, body)))
}

/// Decodes standard base64, ignoring ASCII whitespace anywhere.
fn decode_base64(body: &str) -> Result<Vec<u8>, JwtKeyError> {
    let compact: Vec<u8> = body.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return Err(JwtKeyError::Empty);
    }
    BASE64.decode(compact).map_err(|_| JwtKeyError::InvalidBase64)
}

/// Wraps a PKCS#1 `RSAPublicKey` into an `rsaEncryption` `SubjectPublicKeyInfo`.
fn spki_from_pkcs1(pkcs1_der: &[u8]) -> Result<Vec<u8>, JwtKeyError> {
    if pkcs1_der.is_empty() {
        return Err(JwtKeyError::Empty);
    }
    pkcs1::RsaPublicKeyRef::from_der(pkcs1_der).map_err(|_| JwtKeyError::InvalidDer)?;
    let spki = SubjectPublicKeyInfoRef {
        algorithm: pkcs1::ALGORITHM_ID,
        subject_public_key: BitStringRef::from_bytes(pkcs1_der).map_err(|_| JwtKeyError::InvalidDer)?,
    };
    spki.to_der().map_err(|_| JwtKeyError::InvalidDer)
}

/// Drops leading zero bytes of a big-endian unsigned integer.
fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// Bit length of a big-endian unsigned integer (0 for zero).
fn bit_length(bytes: &[u8]) -> usize {
    match strip_leading_zeros(bytes).split_first() {
        None => 0,
        Some((&first, rest)) => rest.len() * 8 + (8 - first.leading_zeros() as usize),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::OnceLock;

    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

    use crate::crypto::{RsaSigningKey, SigningAlgorithm};

    const MESSAGE: &[u8] = b"header.payload";

    /// An EC P-256 public key (`SubjectPublicKeyInfo`, base64): a real key that is not RSA.
    const EC_P256_SPKI: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2SoWC0bnRI+RHonxuFuvrpVczSORvQSz/213gepnvz3oW8w/TbpMlZrTVLGrgxOoXCHs/FYHv50ppD18A3vD9w==";

    /// Key sizes, in bits, that the tests generate a key for (once per run).
    #[derive(Debug, Clone, Copy)]
    enum KeySize {
        Rsa2048,
        Rsa3072,
        Rsa4096,
    }

    fn key_pair(size: KeySize) -> &'static RsaSigningKey {
        static RSA_2048: OnceLock<RsaSigningKey> = OnceLock::new();
        static RSA_3072: OnceLock<RsaSigningKey> = OnceLock::new();
        static RSA_4096: OnceLock<RsaSigningKey> = OnceLock::new();
        let (cell, bits) = match size {
            KeySize::Rsa2048 => (&RSA_2048, 2048),
            KeySize::Rsa3072 => (&RSA_3072, 3072),
            KeySize::Rsa4096 => (&RSA_4096, 4096),
        };
        cell.get_or_init(|| RsaSigningKey::generate(bits).expect("rsa key generation"))
    }

    fn spki_der(size: KeySize) -> Vec<u8> {
        key_pair(size).public_spki_der().expect("spki encoding")
    }

    /// PEM armor with 64-character lines.
    fn pem(label: &str, der: &[u8], newline: &str) -> String {
        let body = STANDARD.encode(der);
        let mut out = format!("-----BEGIN {label}-----{newline}");
        for line in body.as_bytes().chunks(64) {
            out.push_str(std::str::from_utf8(line).expect("base64 is ascii"));
            out.push_str(newline);
        }
        out.push_str(&format!("-----END {label}-----{newline}"));
        out
    }

    fn sign(size: KeySize, message: &[u8]) -> Vec<u8> {
        key_pair(size)
            .sign(SigningAlgorithm::Rs256, message)
            .expect("signing")
    }

    fn assert_verifies(key: &JwtKey, size: KeySize) {
        let signature = sign(size, MESSAGE);
        assert!(key.verify_rs256(MESSAGE, &signature));
        assert!(!key.verify_rs256(b"header.payloaD", &signature));
        let mut tampered = signature.clone();
        if let Some(last) = tampered.last_mut() {
            *last ^= 1;
        }
        assert!(!key.verify_rs256(MESSAGE, &tampered));
        assert!(!key.verify_rs256(MESSAGE, &[]));
    }

    /// `SubjectPublicKeyInfo` for an arbitrary modulus and exponent, built with the DER encoders.
    fn synthetic_spki(modulus: &[u8], exponent: &[u8]) -> Vec<u8> {
        let rsa = pkcs1::RsaPublicKeyRef {
            modulus: pkcs1::UintRef::new(modulus).expect("modulus"),
            public_exponent: pkcs1::UintRef::new(exponent).expect("exponent"),
        };
        let pkcs1_der = rsa.to_der().expect("pkcs1 encoding");
        spki_from_pkcs1(&pkcs1_der).expect("spki encoding")
    }

    /// A modulus of exactly `bits` bits (top bit set, odd).
    fn modulus(bits: usize) -> Vec<u8> {
        let mut bytes = vec![0x5a; bits.div_ceil(8)];
        let top_bits = bits % 8;
        bytes[0] = if top_bits == 0 { 0x80 } else { 1 << (top_bits - 1) };
        if let Some(last) = bytes.last_mut() {
            *last |= 1;
        }
        bytes
    }

    #[test]
    fn pem_with_lf() {
        let key = JwtKey::from_pem(&pem("PUBLIC KEY", &spki_der(KeySize::Rsa2048), "\n")).expect("lf pem");
        assert_eq!(key.bits(), 2048);
        assert_verifies(&key, KeySize::Rsa2048);
    }

    #[test]
    fn pem_with_crlf() {
        let key =
            JwtKey::from_pem(&pem("PUBLIC KEY", &spki_der(KeySize::Rsa2048), "\r\n")).expect("crlf pem");
        assert_verifies(&key, KeySize::Rsa2048);
    }

    #[test]
    fn pem_with_literal_backslash_n() {
        let text = pem("PUBLIC KEY", &spki_der(KeySize::Rsa2048), "\\n");
        assert!(!text.contains('\n'));
        let key = JwtKey::from_pem(&text).expect("escaped pem");
        assert_verifies(&key, KeySize::Rsa2048);
    }

    #[test]
    fn pem_with_surrounding_whitespace_and_flattened_lines() {
        let text = format!(
            "  \n\t{}  \n",
            pem("PUBLIC KEY", &spki_der(KeySize::Rsa2048), " ")
        );
        let key = JwtKey::from_pem(&text).expect("flattened pem");
        assert_verifies(&key, KeySize::Rsa2048);
    }

    #[test]
    fn headerless_one_line() {
        let body = STANDARD.encode(spki_der(KeySize::Rsa2048));
        let key = JwtKey::from_pem(&format!(" {body}\n")).expect("one-line body");
        assert_verifies(&key, KeySize::Rsa2048);
    }

    #[test]
    fn headerless_wrapped_and_unpadded() {
        let body = STANDARD_NO_PAD.encode(spki_der(KeySize::Rsa2048));
        let wrapped: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|line| std::str::from_utf8(line).expect("ascii"))
            .collect();
        let key = JwtKey::from_pem(&wrapped.join("\r\n")).expect("wrapped body");
        assert_verifies(&key, KeySize::Rsa2048);
    }

    #[test]
    fn rsa_public_key_label() {
        let spki = spki_der(KeySize::Rsa2048);
        let parsed = SubjectPublicKeyInfoRef::from_der(&spki).expect("spki");
        let pkcs1_der = parsed.subject_public_key.as_bytes().expect("bytes");
        let key = JwtKey::from_pem(&pem("RSA PUBLIC KEY", pkcs1_der, "\n")).expect("pkcs1 pem");
        assert_eq!(key.bits(), 2048);
        assert_verifies(&key, KeySize::Rsa2048);
    }

    #[test]
    fn larger_keys_accepted() {
        for (size, bits) in [(KeySize::Rsa3072, 3072), (KeySize::Rsa4096, 4096)] {
            let key = JwtKey::from_pem(&pem("PUBLIC KEY", &spki_der(size), "\n")).expect("pem");
            assert_eq!(key.bits(), bits);
            assert_verifies(&key, size);
        }
    }

    #[test]
    fn from_spki_der_direct() {
        let key = JwtKey::from_spki_der(&spki_der(KeySize::Rsa2048)).expect("der");
        assert_verifies(&key, KeySize::Rsa2048);
    }

    #[test]
    fn wrong_key_does_not_verify() {
        let key = JwtKey::from_spki_der(&spki_der(KeySize::Rsa2048)).expect("der");
        assert!(!key.verify_rs256(MESSAGE, &sign(KeySize::Rsa3072, MESSAGE)));
    }

    #[test]
    fn small_key_refused() {
        let der = synthetic_spki(&modulus(1024), &EXPONENT_65537);
        assert_eq!(
            JwtKey::from_spki_der(&der).unwrap_err(),
            JwtKeyError::TooSmall { bits: 1024 }
        );
        assert_eq!(
            JwtKey::from_pem(&pem("PUBLIC KEY", &der, "\n")).unwrap_err(),
            JwtKeyError::TooSmall { bits: 1024 }
        );
        let der = synthetic_spki(&modulus(2047), &EXPONENT_65537);
        assert_eq!(
            JwtKey::from_spki_der(&der).unwrap_err(),
            JwtKeyError::TooSmall { bits: 2047 }
        );
    }

    #[test]
    fn huge_key_refused() {
        let der = synthetic_spki(&modulus(8200), &EXPONENT_65537);
        assert_eq!(
            JwtKey::from_spki_der(&der).unwrap_err(),
            JwtKeyError::TooLarge { bits: 8200 }
        );
    }

    #[test]
    fn other_exponent_refused() {
        for exponent in [&[0x03][..], &[0x01, 0x00, 0x00, 0x01]] {
            let der = synthetic_spki(&modulus(2048), exponent);
            assert_eq!(
                JwtKey::from_spki_der(&der).unwrap_err(),
                JwtKeyError::UnsupportedExponent
            );
        }
    }

    #[test]
    fn ec_key_refused() {
        let der = STANDARD.decode(EC_P256_SPKI).expect("ec spki");
        assert_eq!(JwtKey::from_spki_der(&der).unwrap_err(), JwtKeyError::NotRsa);
        assert_eq!(
            JwtKey::from_pem(&pem("PUBLIC KEY", &der, "\n")).unwrap_err(),
            JwtKeyError::NotRsa
        );
    }

    #[test]
    fn garbage_refused() {
        let cases: &[(&str, JwtKeyError)] = &[
            ("", JwtKeyError::Empty),
            (" \r\n\t", JwtKeyError::Empty),
            ("\\n\\n", JwtKeyError::Empty),
            (
                "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----",
                JwtKeyError::Empty,
            ),
            ("not base64!", JwtKeyError::InvalidBase64),
            ("MIIB-_xx", JwtKeyError::InvalidBase64),
            ("QUJD=Q", JwtKeyError::InvalidBase64),
            ("aGVsbG8gd29ybGQ=", JwtKeyError::InvalidDer),
            (
                "-----BEGIN PUBLIC KEY-----\n%%%%\n-----END PUBLIC KEY-----",
                JwtKeyError::InvalidBase64,
            ),
            ("-----BEGIN PUBLIC KEY-----\nMIIB", JwtKeyError::MalformedPem),
            (
                "-----BEGIN PUBLIC KEY-----\nQUJD\n-----END RSA PUBLIC KEY-----",
                JwtKeyError::MalformedPem,
            ),
            (
                "-----BEGIN PUBLIC KEY-----\nQUJD\n-----END PUBLIC KEY-----\nextra",
                JwtKeyError::MalformedPem,
            ),
            ("QUJD\n-----END PUBLIC KEY-----", JwtKeyError::MalformedPem),
            (
                "-----BEGIN -----\nQUJD\n-----END -----",
                JwtKeyError::MalformedPem,
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(&JwtKey::from_pem(text).unwrap_err(), expected, "{text:?}");
        }
        assert_eq!(JwtKey::from_spki_der(&[]).unwrap_err(), JwtKeyError::Empty);
        assert_eq!(
            JwtKey::from_spki_der(&[0x30, 0x03, 0x02, 0x01, 0x00]).unwrap_err(),
            JwtKeyError::InvalidDer
        );
    }

    #[test]
    fn trailing_bytes_refused() {
        let mut der = spki_der(KeySize::Rsa2048);
        der.push(0);
        assert_eq!(JwtKey::from_spki_der(&der).unwrap_err(), JwtKeyError::InvalidDer);
    }

    #[test]
    fn other_labels_refused_by_name() {
        for label in ["PRIVATE KEY", "RSA PRIVATE KEY", "CERTIFICATE"] {
            let text = pem(label, b"private material", "\n");
            let err = JwtKey::from_pem(&text).unwrap_err();
            assert_eq!(
                err,
                JwtKeyError::UnsupportedPemLabel {
                    label: label.to_owned()
                }
            );
            assert_eq!(err.reason(), "jwt-key-unsupported-pem-label");
            assert!(err.to_string().contains(label));
            // The body is never echoed back.
            assert!(!format!("{err} {err:?}").contains(&STANDARD.encode(b"private material")));
        }
    }

    #[test]
    fn debug_shows_only_bits() {
        let key = JwtKey::from_spki_der(&spki_der(KeySize::Rsa2048)).expect("der");
        assert_eq!(format!("{key:?}"), "JwtKey { bits: 2048 }");
    }

    #[test]
    fn bit_length_counts_from_the_top_set_bit() {
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[0, 0]), 0);
        assert_eq!(bit_length(&[1]), 1);
        assert_eq!(bit_length(&[0, 0x80, 0]), 16);
        assert_eq!(bit_length(&[0x7f, 0xff]), 15);
    }

    #[test]
    fn reasons_are_stable() {
        let table = [
            (JwtKeyError::Empty, "jwt-key-empty"),
            (JwtKeyError::MalformedPem, "jwt-key-invalid-pem"),
            (
                JwtKeyError::UnsupportedPemLabel {
                    label: "CERTIFICATE".to_owned(),
                },
                "jwt-key-unsupported-pem-label",
            ),
            (JwtKeyError::InvalidBase64, "jwt-key-invalid-base64"),
            (JwtKeyError::InvalidDer, "jwt-key-invalid-der"),
            (JwtKeyError::NotRsa, "jwt-key-not-rsa"),
            (JwtKeyError::TooSmall { bits: 1024 }, "jwt-key-too-small"),
            (JwtKeyError::TooLarge { bits: 16384 }, "jwt-key-too-large"),
            (JwtKeyError::UnsupportedExponent, "jwt-key-unsupported-exponent"),
            (JwtKeyError::Rejected, "jwt-key-rejected"),
        ];
        for (error, reason) in table {
            assert_eq!(error.reason(), reason);
            let message = error.to_string();
            assert!(message.starts_with("jwt key "), "{message}");
            assert!(!message.ends_with('.'), "{message}");
        }
        assert_eq!(
            JwtKeyError::TooSmall { bits: 1024 }.to_string(),
            "jwt key has 1024 bits where at least 2048 are required"
        );
    }

    #[test]
    fn rsa_components_round_trip() {
        let key = JwtKey::from_spki_der(&spki_der(KeySize::Rsa2048)).unwrap();
        let (n, e) = key.rsa_components();
        assert_eq!(e, [1, 0, 1]);
        assert_eq!(n.len(), 256);
        let again = JwtKey::from_rsa_components(&n, &e).unwrap();
        assert_eq!(again.bits(), 2048);
        assert!(again.same_material(&key) && !again.same_key(&key));
        assert_eq!(
            JwtKey::from_rsa_components(&n, &[3]).unwrap_err(),
            JwtKeyError::UnsupportedExponent
        );
        assert!(JwtKey::from_rsa_components(&n[..64], &e).is_err());
    }
}
