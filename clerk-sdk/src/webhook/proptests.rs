//! Properties of the verifier: signing then verifying always succeeds, any one-byte change
//! fails, and no header input panics.

use std::time::Duration;

use http::{HeaderMap, HeaderValue};
use proptest::prelude::*;

use super::*;
use crate::clock::FixedClock;

const NOW: i64 = 1_700_000_000;

fn webhook() -> Webhook {
    Webhook::new("whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY")
        .unwrap_or_else(|e| panic!("test secret: {e}"))
        .clock(FixedClock::new(1_700_000_000_000))
}

/// Headers from raw bytes; `None` when a value could never be sent as a header.
fn headers(id: &[u8], ts: &[u8], sig: &[u8]) -> Option<HeaderMap> {
    let mut h = HeaderMap::new();
    h.insert("svix-id", HeaderValue::from_bytes(id).ok()?);
    h.insert("svix-timestamp", HeaderValue::from_bytes(ts).ok()?);
    h.insert("svix-signature", HeaderValue::from_bytes(sig).ok()?);
    Some(h)
}

/// Message ids as Svix issues them, plus punctuation.
fn id() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_.:-]{1,48}"
}

fn timestamp() -> impl Strategy<Value = i64> {
    (NOW - 300)..=(NOW + 300)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn verify_of_sign_holds(
        body in proptest::collection::vec(any::<u8>(), 0..4096),
        id in id(),
        ts in timestamp(),
    ) {
        let wh = webhook();
        let sig = wh.sign(&id, ts, &body);
        let h = headers(id.as_bytes(), ts.to_string().as_bytes(), sig.as_bytes())
            .ok_or_else(|| TestCaseError::fail("unsendable headers"))?;
        let msg = wh.verify_signature(&h, &body);
        prop_assert_eq!(msg, Ok(VerifiedMessage { id, timestamp: ts, replay: ReplayStatus::NotChecked }));
    }

    #[test]
    fn flipping_a_body_byte_fails(
        body in proptest::collection::vec(any::<u8>(), 1..2048),
        id in id(),
        ts in timestamp(),
        index in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let wh = webhook();
        let sig = wh.sign(&id, ts, &body);
        let h = headers(id.as_bytes(), ts.to_string().as_bytes(), sig.as_bytes())
            .ok_or_else(|| TestCaseError::fail("unsendable headers"))?;
        let mut tampered = body.clone();
        let i = index.index(tampered.len());
        tampered[i] ^= flip;
        prop_assert_eq!(wh.verify_signature(&h, &tampered), Err(WebhookError::NoMatchingSignature));
    }

    #[test]
    fn flipping_an_id_timestamp_or_signature_byte_fails(
        body in proptest::collection::vec(any::<u8>(), 0..512),
        id in id(),
        ts in timestamp(),
        which in 0usize..3,
        index in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let wh = webhook();
        let sig = wh.sign(&id, ts, &body);
        let mut parts = [id.into_bytes(), ts.to_string().into_bytes(), sig.into_bytes()];
        let part = &mut parts[which];
        let i = index.index(part.len());
        part[i] ^= flip;
        let [id, ts, sig] = &parts;
        // A byte that no header value may hold cannot reach a server.
        let Some(h) = headers(id, ts, sig) else { return Ok(()) };
        prop_assert!(wh.verify_signature(&h, &body).is_err());
    }

    #[test]
    fn arbitrary_headers_never_panic(
        id in proptest::collection::vec(any::<u8>(), 0..64),
        ts in proptest::collection::vec(any::<u8>(), 0..32),
        sig in proptest::collection::vec(any::<u8>(), 0..256),
        body in proptest::collection::vec(any::<u8>(), 0..64),
        standard_names in any::<bool>(),
    ) {
        let wh = webhook().tolerance(Duration::MAX);
        let mut h = HeaderMap::new();
        let names = if standard_names {
            ["webhook-id", "webhook-timestamp", "webhook-signature"]
        } else {
            ["svix-id", "svix-timestamp", "svix-signature"]
        };
        for (name, value) in names.into_iter().zip([&id, &ts, &sig]) {
            if let Ok(v) = HeaderValue::from_bytes(value) {
                h.insert(name, v);
            }
        }
        let _ = wh.verify_signature(&h, &body);
        let _ = futures_util::FutureExt::now_or_never(wh.verify(&h, &body));
    }

    #[test]
    fn timestamp_parser_accepts_exactly_decimal_integers(text in "\\PC{0,24}") {
        let parsed = parse_timestamp(&text);
        let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        match parsed {
            Ok(n) => {
                prop_assert!(digits);
                prop_assert_eq!(text.trim_start_matches('0').parse::<i64>().unwrap_or(0), n);
            }
            Err(e) => {
                prop_assert_eq!(e, WebhookError::InvalidTimestamp);
                prop_assert!(!digits || text.len() >= 19);
            }
        }
    }

    #[test]
    fn signature_splitter_yields_only_v1_entries(header in "[v1a ,A-Za-z0-9+/=]{0,200}") {
        for sig in v1_signatures(&header) {
            let text = std::str::from_utf8(sig).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let entry = format!("v1,{text}");
            prop_assert!(header.contains(&entry));
            prop_assert!(!text.contains(' '));
        }
    }
}
