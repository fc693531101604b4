//! RS256 checks through the JavaScript host's WebCrypto (`crypto.subtle.verify`), on wasm32.
//!
//! RSA compiled to wasm costs 290–360 µs per verification inside workerd, against about 19 µs
//! for the runtime's own WebCrypto, so the request path asks the host first. A key is imported
//! (`importKey("spki", …)`) once, on its first verification, and the `CryptoKey` is kept for
//! every later one.
//!
//! A `CryptoKey` is a JavaScript object, neither `Send` nor `Sync`, while [`JwtKey`] must stay
//! both (the key and token caches share it), so the imported keys live in a per-thread map
//! keyed by the `JwtKey`'s unique id rather than inside it. wasm32 runs one thread; the map is
//! bounded, so keys rotated away cannot pile up.
//!
//! When the host has no `crypto.subtle`, or refuses the key, the answer is `None` and the
//! caller verifies with the `rust-crypto` backend instead: slower, never wrong.
//!
//! [`JwtKey`]: crate::jwt_key::JwtKey

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast as _, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

/// WebCrypto's name for RSASSA-PKCS1-v1_5, the `RS` of RS256.
const ALGORITHM: &str = "RSASSA-PKCS1-v1_5";
/// Most imported keys kept per thread (an instance publishes two or three at a time).
const MAX_KEYS: usize = 64;

/// What importing one key gave: the host's key, or `None` when WebCrypto cannot verify with it.
type Imported = Option<CryptoKey>;

/// The host's `crypto.subtle` and the algorithm object every call passes, looked up once per
/// thread: each lookup, and each algorithm name passed as a string, crosses into JavaScript
/// and allocates there, which costs a few percent of a verification.
struct Host {
    subtle: SubtleCrypto,
    /// `{name: "RSASSA-PKCS1-v1_5", hash: "SHA-256"}`, for `importKey` and `verify` alike.
    algorithm: Object,
}

thread_local! {
    /// `None` inside: the host has no WebCrypto (looked up once; the answer cannot change
    /// for a host, and a host that hid it keeps the fallback).
    static HOST: OnceCell<Option<Host>> = const { OnceCell::new() };
    static KEYS: RefCell<HashMap<u64, Imported>> = RefCell::new(HashMap::new());
}

/// Checks `signature` over `message` with the key `id` (DER `SubjectPublicKeyInfo`
/// `spki_der`), importing it on first use. `None`: WebCrypto is not available for this key.
pub(crate) async fn verify_rs256(id: u64, spki_der: &[u8], message: &[u8], signature: &[u8]) -> Option<bool> {
    let key = match KEYS.with(|keys| keys.borrow().get(&id).cloned()) {
        Some(imported) => imported?,
        None => {
            let imported = import(spki_der).await;
            KEYS.with(|keys| {
                let mut keys = keys.borrow_mut();
                if keys.len() >= MAX_KEYS {
                    keys.clear();
                }
                keys.insert(id, imported.clone());
            });
            imported?
        }
    };
    let promise = with_host(|host| {
        host.subtle
            .verify_with_object_and_u8_array_and_u8_array(&host.algorithm, &key, signature, message)
            .ok()
    })?;
    let answer = JsFuture::from(promise).await.ok()?;
    answer.as_bool()
}

/// Runs `f` on this thread's [`Host`]; `None` when the host has no WebCrypto.
fn with_host<T>(f: impl FnOnce(&Host) -> Option<T>) -> Option<T> {
    HOST.with(|host| host.get_or_init(Host::find).as_ref().and_then(f))
}

impl Host {
    /// The host's `crypto.subtle`, if it has one, with the algorithm object built.
    fn find() -> Option<Host> {
        let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).ok()?;
        if !crypto.is_object() {
            return None;
        }
        let subtle = Reflect::get(&crypto, &JsValue::from_str("subtle")).ok()?;
        if !subtle.is_object() {
            return None;
        }
        let algorithm = Object::new();
        Reflect::set(&algorithm, &"name".into(), &ALGORITHM.into()).ok()?;
        Reflect::set(&algorithm, &"hash".into(), &"SHA-256".into()).ok()?;
        Some(Host {
            subtle: subtle.unchecked_into(),
            algorithm,
        })
    }
}

/// `importKey("spki", der, {name: RSASSA-PKCS1-v1_5, hash: SHA-256}, false, ["verify"])`.
async fn import(spki_der: &[u8]) -> Imported {
    let promise = with_host(|host| {
        let usages = Array::of1(&"verify".into());
        let der = Uint8Array::from(spki_der);
        host.subtle
            .import_key_with_object("spki", &der, &host.algorithm, false, &usages)
            .ok()
    })?;
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}
