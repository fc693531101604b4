//! Property tests (proptest) for the credential parsers and verifiers, through the public API
//! only: decoding, request authentication (`Authorization` and `Cookie`), token-type detection,
//! publishable keys, PEM keys and v2 permission masks.
//!
//! What must hold for every generated input:
//! * nothing panics, and `authenticate_request` always yields a `RequestState` (never `Err`),
//!   signed out with a reason and a message unless the credential is the valid token;
//! * mint → verify round trips: the verified session reports exactly the minted values;
//! * any single-byte change of a valid token is refused, and the only mutated strings that still
//!   verify are the original token plus trailing `=` padding (which decoding strips);
//! * v2 permission masks of any width (above 2^53, 2^64 and 2^128) decode exactly.
//!
//! Webhook signatures have their own properties in `src/webhook/proptests.rs`.
//!
//! One RSA key pair is generated per test binary; the `Clerk` under test is configured from its
//! PEM text, a publishable key (issuer pin, cookie suffix), an authorized party and a fixed clock.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use clerk_sdk::dangerous::decode_unverified;
use clerk_sdk::testing::{SessionTokenBuilder, TestKeys};
use clerk_sdk::{
    Clerk, ClerkConfig, RequestState, TokenType,
    auth::AuthStatus,
    clock::FixedClock,
    keys::{InstanceType, JwtKey, PublishableKey},
    token::{MAX_TOKEN_LEN, MalformedToken, detect_token_type},
};
use http::header::{AUTHORIZATION, COOKIE};
use http::{HeaderMap, HeaderValue};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value, json};

/// The fixed clock of the `Clerk` under test, and the `iat` of every minted token.
const NOW_MS: u64 = 1_700_000_000_000;
/// The authorized party the `Clerk` under test requires.
const APP: &str = "https://app.example.com";
/// `pk_test_` + base64(`clerk.example.com$`).
const PK: &str = "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k";
/// The issuer pinned from [`PK`].
const ISS: &str = "https://clerk.example.com";

/// The base64url alphabet, the only characters a token part may hold.
const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // Only this file may be created: never write `proptest-regressions/` next to it. A
        // failure prints its minimal input instead.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Shared fixtures
// ---------------------------------------------------------------------------------------------

fn keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| TestKeys::generate().expect("generate test keys"))
}

fn other_keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| {
        TestKeys::generate()
            .expect("generate test keys")
            .with_kid(keys().kid())
    })
}

fn public_pem() -> &'static str {
    static PEM: OnceLock<String> = OnceLock::new();
    PEM.get_or_init(|| keys().public_key_pem().expect("public key PEM"))
}

fn clerk() -> &'static Clerk {
    static CLERK: OnceLock<Clerk> = OnceLock::new();
    CLERK.get_or_init(|| {
        let config = ClerkConfig::builder()
            .jwt_key(public_pem())
            .publishable_key(PK)
            .issuer_from_publishable_key()
            .authorized_party(APP)
            .clock(FixedClock::new(NOW_MS))
            .build()
            .expect("config");
        Clerk::new(config)
    })
}

fn cookie_suffix() -> &'static str {
    static SUFFIX: OnceLock<String> = OnceLock::new();
    SUFFIX.get_or_init(|| {
        PublishableKey::parse(PK)
            .expect("publishable key")
            .cookie_suffix()
    })
}

/// A session token the `Clerk` under test accepts, before any claim of the case is added.
fn session(user_id: &str) -> SessionTokenBuilder {
    keys()
        .session(user_id)
        .issued_at_ms(NOW_MS)
        .issuer(ISS)
        .authorized_party(APP)
}

/// One valid token, minted once, for the mutation properties.
fn valid_token() -> &'static str {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| {
        session("user_2NNEqL2nrIRdJ194ndJqAHwEfxC")
            .session_id("sess_2NNEqL2nrIRdJ194ndJqAHwEfxC")
            .org_v1("org_1", "acme", "org:admin", &["org:invoices:read"])
            .claim("email", "ada@example.com")
            .sign()
            .expect("sign")
    })
}

/// Polls `future` to completion. Verification with a PEM key never waits on I/O, so a
/// current-thread runtime shared by every test thread is enough.
fn block_on<F: Future>(future: F) -> F::Output {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("tokio runtime")
        })
        .block_on(future)
}

fn authenticate(headers: &HeaderMap) -> RequestState {
    block_on(clerk().authenticate_request(headers))
}

fn verify(token: &str) -> bool {
    block_on(clerk().verify_token(token)).is_ok()
}

fn headers_with(name: http::HeaderName, values: &[HeaderValue]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for value in values {
        headers.append(name.clone(), value.clone());
    }
    headers
}

/// The state must be a signed-out `RequestState` with a non-empty reason and message.
fn check_signed_out(state: &RequestState) -> Result<(), TestCaseError> {
    prop_assert_eq!(state.status(), AuthStatus::SignedOut);
    prop_assert!(!state.is_authenticated());
    prop_assert!(state.auth().session().is_none());
    prop_assert!(state.reason_str().is_some_and(|r| !r.is_empty()), "{:?}", state);
    prop_assert!(state.message().is_some_and(|m| !m.is_empty()), "{:?}", state);
    Ok(())
}

/// The state must be signed in as the session of [`valid_token`].
fn check_signed_in_as_valid(state: &RequestState) -> Result<(), TestCaseError> {
    prop_assert_eq!(state.status(), AuthStatus::SignedIn, "{:?}", state);
    prop_assert_eq!(state.reason_str(), None);
    let session = state
        .auth()
        .session()
        .ok_or_else(|| TestCaseError::fail("signed in without a session"))?;
    prop_assert_eq!(session.user_id(), "user_2NNEqL2nrIRdJ194ndJqAHwEfxC");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

/// Bytes that `HeaderValue::from_bytes` accepts (tab, visible ASCII and space, obs-text).
fn header_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![4 => 0x20u8..=0x7e, 1 => Just(b'\t'), 1 => 0x80u8..=0xff],
        0..max,
    )
}

/// Strings shaped like tokens: base64url-ish text with dots and padding.
fn token_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9_=.-]{0,200}",
        "eyJ[A-Za-z0-9_-]{0,60}\\.eyJ[A-Za-z0-9_-]{0,60}\\.[A-Za-z0-9_-]{0,60}=?=?",
        (
            prop::collection::vec(any::<u8>(), 0..80),
            prop::collection::vec(any::<u8>(), 0..80),
            prop::collection::vec(any::<u8>(), 0..300),
        )
            .prop_map(|(h, p, s)| format!(
                "{}.{}.{}",
                URL_SAFE_NO_PAD.encode(h),
                URL_SAFE_NO_PAD.encode(p),
                URL_SAFE_NO_PAD.encode(s)
            )),
        "(mt|oat|ak)_[A-Za-z0-9]{0,40}",
    ]
}

/// Any JSON scalar, including strings of any Unicode.
fn json_scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // NaN and infinities become `null`, as serde_json does.
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_scalar().prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,4}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn insert_some(map: &mut Map<String, Value>, name: &str, value: Option<Value>) {
    if let Some(value) = value {
        map.insert(name.to_owned(), value);
    }
}

/// JOSE headers that reach each branch of the verifier: good and bad `alg`, `typ`, `kid` and
/// `cat` values, plus stray fields.
fn near_header() -> impl Strategy<Value = Map<String, Value>> {
    let alg = prop::option::of(prop_oneof![
        4 => Just(json!("RS256")),
        1 => Just(json!("none")),
        1 => Just(json!("HS256")),
        1 => Just(json!("RS512")),
        1 => json_scalar(),
    ]);
    let typ = prop::option::of(prop_oneof![
        3 => Just(json!("JWT")),
        1 => Just(json!("at+jwt")),
        1 => json_scalar(),
    ]);
    let kid = prop::option::of(prop_oneof![Just(json!(keys().kid())), json_scalar()]);
    let cat = prop::option::of(prop_oneof![
        Just(json!("cl_B7d4PD111AAA")),
        Just(json!("cl_B7d4PD222AAA")),
        Just(json!("cl_B7d4PD333AAA")),
        Just(json!("cl_I7d4PD111III")),
        json_scalar(),
    ]);
    let extra = prop::collection::btree_map("[a-z]{1,4}", json_value(), 0..3);
    (alg, typ, kid, cat, extra).prop_map(|(alg, typ, kid, cat, extra)| {
        let mut map: Map<String, Value> = extra.into_iter().collect();
        insert_some(&mut map, "alg", alg);
        insert_some(&mut map, "typ", typ);
        insert_some(&mut map, "kid", kid);
        insert_some(&mut map, "cat", cat);
        map
    })
}

/// Payloads near a valid session's: `sub` (user, machine or odd), times around the clock,
/// `azp`, `iss` and `v`, each sometimes of the wrong type or absent.
fn near_payload() -> impl Strategy<Value = Map<String, Value>> {
    let now = NOW_MS / 1000;
    let time = move || {
        prop::option::of(prop_oneof![
            4 => (now - 300..now + 300).prop_map(Value::from),
            1 => json_scalar(),
        ])
    };
    let sub = prop::option::of(prop_oneof![
        "user_[a-zA-Z0-9]{1,20}".prop_map(Value::from),
        "mch_[a-zA-Z0-9]{1,20}".prop_map(Value::from),
        json_scalar(),
    ]);
    let azp = prop::option::of(prop_oneof![Just(json!(APP)), json_scalar()]);
    let iss = prop::option::of(prop_oneof![Just(json!(ISS)), json_scalar()]);
    let v = prop::option::of(prop_oneof![Just(json!(2)), json_scalar()]);
    let extra = prop::collection::btree_map("[a-z]{1,4}", json_value(), 0..3);
    (sub, (time(), time(), time()), azp, iss, v, extra).prop_map(
        |(sub, (exp, nbf, iat), azp, iss, v, extra)| {
            let mut map: Map<String, Value> = extra.into_iter().collect();
            insert_some(&mut map, "sub", sub);
            insert_some(&mut map, "exp", exp);
            insert_some(&mut map, "nbf", nbf);
            insert_some(&mut map, "iat", iat);
            insert_some(&mut map, "azp", azp);
            insert_some(&mut map, "iss", iss);
            insert_some(&mut map, "v", v);
            map
        },
    )
}

/// One mutation of a token's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    /// XOR one byte with a non-zero mask.
    Flip(Index, u8),
    /// Replace one byte with any byte (possibly the same).
    Replace(Index, u8),
    /// Insert any byte anywhere.
    Insert(Index, u8),
    /// Delete one byte.
    Delete(Index),
    /// Swap two of the dot-separated parts (possibly a part with itself).
    SwapParts(usize, usize),
    /// Duplicate one of the dots.
    DuplicateDot(Index),
    /// Keep only a prefix.
    Truncate(Index),
    /// Append one byte (the end is where padding and whitespace are forgiven).
    Append(u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), 1u8..=255).prop_map(|(i, m)| Mutation::Flip(i, m)),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Replace(i, b)),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        // Insertions of the characters the decoder treats specially.
        (any::<Index>(), prop::sample::select(b"=. \t".to_vec())).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<Index>().prop_map(Mutation::Delete),
        (0..3usize, 0..3usize).prop_map(|(a, b)| Mutation::SwapParts(a, b)),
        any::<Index>().prop_map(Mutation::DuplicateDot),
        any::<Index>().prop_map(Mutation::Truncate),
        prop::sample::select(b"= \t.A".to_vec()).prop_map(Mutation::Append),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    match mutation {
        Mutation::Flip(i, mask) => {
            if !bytes.is_empty() {
                let at = i.index(bytes.len());
                bytes[at] ^= *mask;
            }
        }
        Mutation::Replace(i, b) => {
            if !bytes.is_empty() {
                let at = i.index(bytes.len());
                bytes[at] = *b;
            }
        }
        Mutation::Insert(i, b) => {
            let at = i.index(bytes.len() + 1);
            bytes.insert(at, *b);
        }
        Mutation::Delete(i) => {
            if !bytes.is_empty() {
                let at = i.index(bytes.len());
                bytes.remove(at);
            }
        }
        Mutation::SwapParts(a, b) => {
            let (a, b) = (*a, *b);
            let mut parts: Vec<Vec<u8>> = bytes.split(|&c| c == b'.').map(<[u8]>::to_vec).collect();
            if a < parts.len() && b < parts.len() {
                parts.swap(a, b);
            }
            *bytes = parts.join(&b'.');
        }
        Mutation::DuplicateDot(i) => {
            let dots: Vec<usize> = (0..bytes.len()).filter(|&at| bytes[at] == b'.').collect();
            let at = if dots.is_empty() {
                i.index(bytes.len() + 1)
            } else {
                dots[i.index(dots.len())]
            };
            bytes.insert(at, b'.');
        }
        Mutation::Truncate(i) => {
            let keep = i.index(bytes.len() + 1);
            bytes.truncate(keep);
        }
        Mutation::Append(b) => bytes.push(*b),
    }
}

/// The decimal digits of the unbounded integer whose set bits are `bits`, by doubling (most
/// significant bit first) over little-endian decimal digits. An oracle independent of the
/// crate's halving decoder.
fn decimal(bits: &BTreeSet<usize>) -> String {
    let mut digits: Vec<u8> = vec![0];
    if let Some(&top) = bits.iter().next_back() {
        for bit in (0..=top).rev() {
            let mut carry = u8::from(bits.contains(&bit));
            for d in &mut digits {
                let v = *d * 2 + carry;
                *d = v % 10;
                carry = v / 10;
            }
            if carry > 0 {
                digits.push(carry);
            }
        }
    }
    digits.iter().rev().map(|d| char::from(b'0' + d)).collect()
}

// ---------------------------------------------------------------------------------------------
// 1. Arbitrary input never panics; anything but the valid token is signed out with a reason.
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn decode_unverified_never_panics(token in prop_oneof![any::<String>(), token_like()]) {
        match decode_unverified(&token) {
            Ok(decoded) => {
                prop_assert_eq!(token.split('.').count(), 3);
                prop_assert!(token.len() <= MAX_TOKEN_LEN);
                // A decoded token is two JSON objects; re-reading gives the same.
                prop_assert_eq!(decode_unverified(&token), Ok(decoded));
            }
            Err(MalformedToken::TooLong) => prop_assert!(token.len() > MAX_TOKEN_LEN),
            Err(MalformedToken::PartCount) => prop_assert_ne!(token.split('.').count(), 3),
            Err(_) => {}
        }
    }

    #[test]
    fn arbitrary_bearer_token_is_signed_out(
        token in prop_oneof![
            header_bytes(400),
            token_like().prop_map(String::into_bytes),
            prop::collection::vec(any::<u8>(), 0..64),
        ],
    ) {
        let mut value = b"Bearer ".to_vec();
        value.extend_from_slice(&token);
        let Ok(value) = HeaderValue::from_bytes(&value) else {
            return Ok(()); // could never be sent as a header
        };
        let state = authenticate(&headers_with(AUTHORIZATION, &[value]));
        check_signed_out(&state)?;
        prop_assert!(!verify(&String::from_utf8_lossy(&token)));
    }

    #[test]
    fn arbitrary_authorization_header_is_signed_out(
        value in prop_oneof![
            header_bytes(400),
            ("(Bearer|bearer|BEARER|Basic|Token|)[ \t]{0,2}", token_like())
                .prop_map(|(scheme, token)| format!("{scheme}{token}").into_bytes()),
            prop::collection::vec(any::<u8>(), 0..64),
        ],
    ) {
        let Ok(value) = HeaderValue::from_bytes(&value) else {
            return Ok(());
        };
        check_signed_out(&authenticate(&headers_with(AUTHORIZATION, &[value])))?;
    }

    #[test]
    fn arbitrary_cookie_header_is_signed_out(
        cookies in prop::collection::vec(
            prop_oneof![
                header_bytes(300),
                prop::collection::vec(
                    (
                        prop_oneof![
                            Just("__session".to_owned()),
                            Just(format!("__session_{}", cookie_suffix())),
                            Just(" __session ".to_owned()),
                            "[!-:<>-~ ]{0,12}",
                        ],
                        prop_oneof![
                            "[ -~]{0,80}",
                            "\"?(%[0-9A-Fa-f]{2}|%[^0-9A-Fa-f]?|[A-Za-z0-9._=-]){0,60}\"?",
                            token_like(),
                            any::<String>(),
                        ],
                    )
                        .prop_map(|(name, value)| format!("{name}={value}")),
                    0..5,
                )
                .prop_map(|pairs| pairs.join("; ").into_bytes()),
            ],
            1..3,
        ),
    ) {
        let values: Vec<HeaderValue> =
            cookies.iter().filter_map(|c| HeaderValue::from_bytes(c).ok()).collect();
        check_signed_out(&authenticate(&headers_with(COOKIE, &values)))?;
    }

    /// Tokens with well-formed JSON parts that reach each verifier branch (`alg`, `typ`,
    /// category, key, signature, claims) are refused; `decode_unverified` returns their parts.
    #[test]
    fn structured_near_jwt_is_signed_out(
        header in near_header(),
        payload in near_payload(),
        signature in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300),
            Just(Vec::new()),
            Just(URL_SAFE_NO_PAD.decode(valid_token().rsplit('.').next().unwrap_or_default())
                .unwrap_or_default()),
        ],
        padding in "={0,2}",
        through_cookie in any::<bool>(),
    ) {
        let token = format!(
            "{}.{}.{}{padding}",
            URL_SAFE_NO_PAD.encode(Value::Object(header.clone()).to_string()),
            URL_SAFE_NO_PAD.encode(Value::Object(payload.clone()).to_string()),
            URL_SAFE_NO_PAD.encode(&signature),
        );
        // Compared with serde_json's own reading of the same text (its float parsing may differ
        // from the generated value in the last place).
        let reparse = |map: &Map<String, Value>| {
            serde_json::from_str::<Map<String, Value>>(&Value::Object(map.clone()).to_string())
                .expect("reparse")
        };
        let decoded = decode_unverified(&token).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(decoded.header(), &reparse(&header));
        prop_assert_eq!(decoded.claims(), &reparse(&payload));

        let headers = if through_cookie {
            headers_with(COOKIE, &[HeaderValue::from_str(&format!("__session={token}")).expect("ascii")])
        } else {
            headers_with(AUTHORIZATION, &[HeaderValue::from_str(&format!("Bearer {token}")).expect("ascii")])
        };
        check_signed_out(&authenticate(&headers))?;
        prop_assert!(!verify(&token));
    }

    /// Anything at or above the cap is refused before decoding.
    #[test]
    fn oversized_tokens_are_refused(extra in 1usize..4096, fill in prop::sample::select(b"Aa.=_".to_vec())) {
        let mut token = valid_token().to_owned();
        let target = MAX_TOKEN_LEN + extra;
        token.extend(std::iter::repeat_n(char::from(fill), target - token.len()));
        prop_assert_eq!(decode_unverified(&token), Err(MalformedToken::TooLong));
        let value = HeaderValue::from_str(&format!("Bearer {token}")).expect("ascii");
        let state = authenticate(&headers_with(AUTHORIZATION, &[value]));
        check_signed_out(&state)?;
        prop_assert_eq!(state.reason_str(), Some("token-invalid"));
    }
}

// ---------------------------------------------------------------------------------------------
// Credential extraction round trips: the valid token, however it is carried, signs in.
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn bearer_any_case_and_whitespace_signs_in(
        scheme in "[Bb][Ee][Aa][Rr][Ee][Rr]",
        lead in "[ \t]{0,3}",
        trail in prop_oneof!["[ \t]{0,3}", " [!-~]{1,10}"],
        bare_trail in "[ \t]{0,3}",
        bare in any::<bool>(),
    ) {
        let token = valid_token();
        // A bare token is the whole value (more words would read as an unknown scheme); after
        // `Bearer ` the token runs to the next space.
        let value = if bare {
            format!("{lead}{token}{bare_trail}")
        } else {
            format!("{lead}{scheme} {token}{trail}")
        };
        let value = HeaderValue::from_str(&value).expect("ascii");
        check_signed_in_as_valid(&authenticate(&headers_with(AUTHORIZATION, &[value])))?;
    }

    #[test]
    fn session_cookie_among_others_signs_in(
        others in prop::collection::vec(("c_[a-z0-9]{0,8}", "[A-Za-z0-9._=%-]{0,40}"), 0..6),
        position in any::<Index>(),
        suffixed in any::<bool>(),
        encoding in 0..3u8,
        percent_mask in prop::collection::vec(any::<bool>(), 0..1024),
    ) {
        let token = valid_token();
        let value = match encoding {
            0 => token.to_owned(),
            1 => format!("\"{token}\""),
            // Percent-encode a random subset of the characters (at least one).
            _ => token
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i == 0 || percent_mask.get(i).copied().unwrap_or(false) {
                        format!("%{:02X}", u32::from(c))
                    } else {
                        c.to_string()
                    }
                })
                .collect(),
        };
        let name = if suffixed { format!("__session_{}", cookie_suffix()) } else { "__session".to_owned() };
        let mut pairs: Vec<String> = others.iter().map(|(n, v)| format!("{n}={v}")).collect();
        let at = position.index(pairs.len() + 1);
        pairs.insert(at, format!("{name}={value}"));
        let cookie = HeaderValue::from_str(&pairs.join("; ")).expect("ascii");
        check_signed_in_as_valid(&authenticate(&headers_with(COOKIE, &[cookie])))?;
    }

    /// The suffixed cookie is read before `__session`: whichever it holds decides.
    #[test]
    fn suffixed_cookie_takes_precedence(garbage in "[A-Za-z0-9._-]{1,60}", valid_in_suffixed in any::<bool>()) {
        let (suffixed, plain) = if valid_in_suffixed {
            (valid_token(), garbage.as_str())
        } else {
            (garbage.as_str(), valid_token())
        };
        let cookie = format!("__session={plain}; __session_{}={suffixed}", cookie_suffix());
        let state = authenticate(&headers_with(COOKIE, &[HeaderValue::from_str(&cookie).expect("ascii")]));
        if valid_in_suffixed {
            check_signed_in_as_valid(&state)?;
        } else {
            check_signed_out(&state)?;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Near-JWT fuzz: mutations of a valid token.
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    /// Random mutations never panic, and a mutated string verifies exactly when it is the
    /// original token with `=` padding appended (decoding strips trailing `=`; the signed input
    /// excludes the signature, so padding on the signature is the only malleability).
    #[test]
    fn mutated_tokens_never_panic_and_only_padding_survives(
        mutations in prop::collection::vec(mutation(), 1..5),
    ) {
        let mut bytes = valid_token().as_bytes().to_vec();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let text = String::from_utf8_lossy(&bytes);
        let _ = decode_unverified(&text);
        let _ = detect_token_type(&text);
        let accepted = verify(&text);
        let expected = text.trim_end_matches('=') == valid_token();
        prop_assert_eq!(accepted, expected, "mutated token: {:?}", text);

        let mut value = b"Bearer ".to_vec();
        value.extend_from_slice(&bytes);
        if let Ok(value) = HeaderValue::from_bytes(&value) {
            let state = authenticate(&headers_with(AUTHORIZATION, &[value]));
            // Without spaces or tabs the header carries the mutated string as is; with them,
            // the extracted token is a piece of it, which may still be the whole original.
            let same_as_direct = !bytes.iter().any(|&b| b == b' ' || b == b'\t');
            if same_as_direct && expected {
                check_signed_in_as_valid(&state)?;
            } else if same_as_direct || state.status() == AuthStatus::SignedOut {
                check_signed_out(&state)?;
            } else {
                check_signed_in_as_valid(&state)?;
            }
        }
    }

    /// Replacing any one character with a different base64url character is refused. A
    /// signature change is `token-invalid-signature`, or `token-invalid` when the last
    /// character's unused low bits become non-zero.
    #[test]
    fn any_single_char_replacement_is_refused(position in any::<Index>(), replacement in any::<Index>()) {
        let token = valid_token();
        let positions: Vec<usize> = token.bytes().enumerate().filter(|(_, b)| *b != b'.').map(|(i, _)| i).collect();
        let at = positions[position.index(positions.len())];
        let original = token.as_bytes()[at];
        let choices: Vec<u8> = B64URL.iter().copied().filter(|&c| c != original).collect();
        let mut bytes = token.as_bytes().to_vec();
        bytes[at] = choices[replacement.index(choices.len())];
        let mutated = String::from_utf8(bytes).expect("ascii");

        prop_assert!(!verify(&mutated), "accepted after changing byte {}: {:?}", at, mutated);
        let value = HeaderValue::from_str(&format!("Bearer {mutated}")).expect("ascii");
        let state = authenticate(&headers_with(AUTHORIZATION, &[value]));
        check_signed_out(&state)?;
        let signature_start = token.rfind('.').expect("three parts") + 1;
        if at >= signature_start {
            let reason = state.reason_str();
            prop_assert!(
                matches!(reason, Some("token-invalid-signature" | "token-invalid")),
                "signature change at {} gave {:?}", at, reason
            );
        }
    }
}

/// Every position × every other base64url character, not a sample: no single-character
/// replacement of the valid token verifies.
#[test]
fn every_single_char_replacement_is_refused() {
    let token = valid_token();
    let accepted: Vec<(usize, char)> = block_on(async {
        let mut accepted = Vec::new();
        for (at, original) in token.bytes().enumerate().filter(|(_, b)| *b != b'.') {
            for &c in B64URL.iter().filter(|&&c| c != original) {
                let mut bytes = token.as_bytes().to_vec();
                bytes[at] = c;
                let mutated = String::from_utf8(bytes).expect("ascii");
                if clerk().verify_token(&mutated).await.is_ok() {
                    accepted.push((at, char::from(c)));
                }
            }
        }
        accepted
    });
    assert!(
        accepted.is_empty(),
        "single-character changes that verify (position, char): {accepted:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Mint → verify round trips.
// ---------------------------------------------------------------------------------------------

fn permissions() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        ("[a-c]{1,2}", "[a-d]{1,2}").prop_map(|(f, p)| format!("org:{f}:{p}")),
        0..8,
    )
}

/// What the verifier reports for `org_v2(…, permissions)`: features in first-seen order, then
/// permission names in first-seen order, each granted pair once.
fn v2_expected(permissions: &[String]) -> Vec<String> {
    let mut features: Vec<&str> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    let mut pairs: BTreeSet<(&str, &str)> = BTreeSet::new();
    for p in permissions {
        let mut parts = p.splitn(3, ':');
        if let (Some("org"), Some(f), Some(n)) = (parts.next(), parts.next(), parts.next()) {
            if !features.contains(&f) {
                features.push(f);
            }
            if !names.contains(&n) {
                names.push(n);
            }
            pairs.insert((f, n));
        }
    }
    let mut out = Vec::new();
    for f in &features {
        for n in &names {
            if pairs.contains(&(*f, *n)) {
                out.push(format!("org:{f}:{n}"));
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn mint_verify_round_trip_v1(
        user_id in "user_[a-zA-Z0-9]{1,40}",
        session_id in any::<String>(),
        org_id in any::<String>(),
        org_slug in any::<String>(),
        org_role in any::<String>(),
        permissions in permissions(),
        custom_name in "ext_\\PC{0,12}",
        custom in any::<String>(),
    ) {
        let refs: Vec<&str> = permissions.iter().map(String::as_str).collect();
        let builder = session(&user_id)
            .session_id(session_id.clone())
            .org_v1(&org_id, &org_slug, &org_role, &refs)
            .claim(&custom_name, custom.clone());
        let token = builder.sign().expect("sign");

        let decoded = decode_unverified(&token).expect("decode");
        prop_assert_eq!(decoded.claims(), builder.claims());
        prop_assert_eq!(detect_token_type(&token), TokenType::SessionToken);

        let value = HeaderValue::from_str(&format!("Bearer {token}")).expect("ascii");
        let state = authenticate(&headers_with(AUTHORIZATION, &[value]));
        prop_assert_eq!(state.status(), AuthStatus::SignedIn, "{:?}", state.message());
        let s = state.auth().session().ok_or_else(|| TestCaseError::fail("no session"))?;
        prop_assert_eq!(s.user_id(), user_id.as_str());
        prop_assert_eq!(s.session_id(), Some(session_id.as_str()));
        prop_assert_eq!(s.org_id(), Some(org_id.as_str()));
        prop_assert_eq!(s.org_slug(), Some(org_slug.as_str()));
        prop_assert_eq!(s.org_role(), Some(org_role.as_str()));
        prop_assert_eq!(s.org_permissions(), Some(&permissions[..]));
        prop_assert_eq!(s.claims().str(&custom_name), Some(custom.as_str()));
        prop_assert_eq!(s.claims().as_map(), builder.claims());

        // The same claims under another key never verify.
        let forged = builder.signed_by(other_keys()).sign().expect("sign");
        prop_assert!(!verify(&forged));
        let value = HeaderValue::from_str(&format!("Bearer {forged}")).expect("ascii");
        let state = authenticate(&headers_with(AUTHORIZATION, &[value]));
        prop_assert_eq!(state.reason_str(), Some("token-invalid-signature"));
    }

    #[test]
    fn mint_verify_round_trip_v2(
        user_id in "user_[a-zA-Z0-9]{1,40}",
        session_id in "sess_[a-zA-Z0-9]{1,40}",
        org_id in any::<String>(),
        org_slug in any::<String>(),
        role in "(org:)?[a-z_]{1,12}",
        permissions in permissions(),
        custom in any::<String>(),
    ) {
        let refs: Vec<&str> = permissions.iter().map(String::as_str).collect();
        let token = session(&user_id)
            .session_id(session_id.clone())
            .org_v2(&org_id, &org_slug, &role, &refs)
            .claim("custom", custom.clone())
            .sign()
            .expect("sign");
        let state = authenticate(&headers_with(
            AUTHORIZATION,
            &[HeaderValue::from_str(&format!("Bearer {token}")).expect("ascii")],
        ));
        prop_assert_eq!(state.status(), AuthStatus::SignedIn, "{:?}", state.message());
        let s = state.auth().session().ok_or_else(|| TestCaseError::fail("no session"))?;
        let want_role = format!("org:{}", role.strip_prefix("org:").unwrap_or(&role));
        prop_assert_eq!(s.user_id(), user_id.as_str());
        prop_assert_eq!(s.session_id(), Some(session_id.as_str()));
        prop_assert_eq!(s.org_id(), Some(org_id.as_str()));
        prop_assert_eq!(s.org_slug(), Some(org_slug.as_str()));
        prop_assert_eq!(s.org_role(), Some(want_role.as_str()));
        let want = v2_expected(&permissions);
        prop_assert_eq!(s.org_permissions(), Some(&want[..]));
        prop_assert_eq!(s.claims().str("custom"), Some(custom.as_str()));
        // With duplicates removed and in first-seen order, v2 gives the list back as minted.
        let mut sorted_in = permissions.clone();
        sorted_in.sort();
        sorted_in.dedup();
        let mut sorted_out = want.clone();
        sorted_out.sort();
        prop_assert_eq!(sorted_out, sorted_in);
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Token-type detection.
// ---------------------------------------------------------------------------------------------

const OAUTH_TYPES: [&str; 2] = ["at+jwt", "application/at+jwt"];

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn detect_never_panics(token in prop_oneof![any::<String>(), token_like()]) {
        let detected = detect_token_type(&token);
        if token.starts_with("mt_") {
            prop_assert_eq!(detected, TokenType::M2mToken);
        } else if token.starts_with("oat_") {
            prop_assert_eq!(detected, TokenType::OAuthToken);
        } else if token.starts_with("ak_") {
            prop_assert_eq!(detected, TokenType::ApiKey);
        }
    }

    /// A minted JWT is a session token unless its `sub` starts with `mch_` (M2M, checked first)
    /// or its `typ` is an OAuth access-token type (`at+jwt`, `application/at+jwt`).
    #[test]
    fn minted_jwt_type(
        sub in prop_oneof![any::<String>(), "mch_[a-zA-Z0-9]{0,20}", "user_[a-zA-Z0-9]{1,20}"],
        typ in prop::option::of(prop_oneof![
            Just("JWT".to_owned()),
            Just("at+jwt".to_owned()),
            Just("application/at+jwt".to_owned()),
            any::<String>(),
        ]),
        extra in prop::collection::btree_map("[a-z]{1,4}", json_value(), 0..3),
    ) {
        let mut builder = match &typ {
            Some(t) => session(&sub).header("typ", t.as_str()),
            None => session(&sub).without_header("typ"),
        };
        for (name, value) in extra {
            if name != "sub" {
                builder = builder.claim(&name, value);
            }
        }
        let token = builder.sign().expect("sign");
        let want = if sub.starts_with("mch_") {
            TokenType::M2mToken
        } else if typ.as_deref().is_some_and(|t| OAUTH_TYPES.contains(&t)) {
            TokenType::OAuthToken
        } else {
            TokenType::SessionToken
        };
        prop_assert_eq!(detect_token_type(&token), want);
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Publishable keys and PEM keys.
// ---------------------------------------------------------------------------------------------

fn pem_label() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("PUBLIC KEY".to_owned()),
        Just("RSA PUBLIC KEY".to_owned()),
        Just("PRIVATE KEY".to_owned()),
        "[ -~]{0,20}",
    ]
}

fn wrap(text: &str, width: usize, newline: &str) -> String {
    text.as_bytes()
        .chunks(width.max(1))
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(newline)
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn publishable_key_never_panics(
        key in prop_oneof![
            any::<String>(),
            "pk_(test|live)_[A-Za-z0-9+/=_ \t-]{0,60}",
            ("pk_(test|live)_", prop::collection::vec(any::<u8>(), 0..60))
                .prop_map(|(p, b)| format!("{p}{}", STANDARD.encode(b))),
        ],
    ) {
        if let Ok(pk) = PublishableKey::parse(&key) {
            prop_assert_eq!(pk.as_str(), key.as_str());
            prop_assert!(pk.frontend_api().contains('.'));
            prop_assert!(!pk.frontend_api().contains('$'));
            prop_assert_eq!(pk.issuer(), format!("https://{}", pk.frontend_api()));
            let want = if key.starts_with("pk_live_") { InstanceType::Production } else { InstanceType::Development };
            prop_assert_eq!(pk.instance_type(), want);
            prop_assert_eq!(pk.cookie_suffix().len(), 8);
        }
    }

    #[test]
    fn publishable_key_round_trip(
        host in "[a-z0-9-]{1,20}(\\.[a-z0-9-]{1,20}){1,3}",
        live in any::<bool>(),
        padded in any::<bool>(),
    ) {
        let (prefix, want) = if live {
            ("pk_live_", InstanceType::Production)
        } else {
            ("pk_test_", InstanceType::Development)
        };
        let body = format!("{host}$");
        let encoded = if padded { STANDARD.encode(&body) } else { STANDARD_NO_PAD.encode(&body) };
        let key = format!("{prefix}{encoded}");
        let pk = PublishableKey::parse(&key).map_err(|e| TestCaseError::fail(format!("{key}: {e}")))?;
        prop_assert_eq!(pk.frontend_api(), host.as_str());
        prop_assert_eq!(pk.instance_type(), want);
        prop_assert_eq!(pk.issuer(), format!("https://{host}"));
    }

    #[test]
    fn jwt_key_from_pem_never_panics(
        text in prop_oneof![
            any::<String>(),
            "[A-Za-z0-9+/=\\s\\\\-]{0,200}",
            (pem_label(), pem_label(), prop::collection::vec(any::<u8>(), 0..600), 1usize..80, "(\n|\r\n|\\\\n)")
                .prop_map(|(begin, end, der, width, nl)| format!(
                    "-----BEGIN {begin}-----{nl}{}{nl}-----END {end}-----{nl}",
                    wrap(&STANDARD.encode(der), width, &nl)
                )),
            (pem_label(), "[A-Za-z0-9+/=\\s]{0,200}")
                .prop_map(|(label, body)| format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----")),
        ],
    ) {
        if let Ok(key) = JwtKey::from_pem(&text) {
            prop_assert!((2048..=8192).contains(&key.bits()));
            prop_assert_eq!(key.rsa_components().1, vec![1, 0, 1]);
        }
    }

    /// A damaged real key (one byte changed, inserted or removed, or truncated, in the DER) never
    /// panics; whatever still parses is an RSA key within the size limits, exponent 65537.
    #[test]
    fn damaged_real_key_never_panics(mutations in prop::collection::vec(mutation(), 1..3), label in pem_label()) {
        let mut der = keys().public_key_der().expect("der");
        for m in &mutations {
            apply(&mut der, m);
        }
        let results = [
            JwtKey::from_spki_der(&der),
            JwtKey::from_pem(&format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", STANDARD.encode(&der))),
            JwtKey::from_pem(&STANDARD.encode(&der)),
        ];
        for key in results.into_iter().flatten() {
            prop_assert!((2048..=8192).contains(&key.bits()));
            prop_assert_eq!(key.rsa_components().1, vec![1, 0, 1]);
        }
    }

    /// The real key, rewrapped at any width, with LF, CRLF or literal `\n` breaks, surrounding
    /// whitespace, or without armor, parses to the same key.
    #[test]
    fn jwt_key_pem_round_trip(
        width in 1usize..120,
        newline in prop_oneof![Just("\n"), Just("\r\n"), Just("\\n")],
        lead in "[ \t\n]{0,3}",
        trail in "[ \t\n]{0,3}",
        armored in any::<bool>(),
    ) {
        let der = keys().public_key_der().expect("der");
        let body = wrap(&STANDARD.encode(&der), width, newline);
        let text = if armored {
            format!("{lead}-----BEGIN PUBLIC KEY-----{newline}{body}{newline}-----END PUBLIC KEY-----{trail}")
        } else {
            format!("{lead}{body}{trail}")
        };
        let key = JwtKey::from_pem(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text:?}")))?;
        let want = keys().jwt_key().expect("key");
        prop_assert_eq!(key.rsa_components(), want.rsa_components());
        prop_assert_eq!(key.bits(), 2048);
    }
}

// ---------------------------------------------------------------------------------------------
// 6. v2 permission masks of any width, end to end.
// ---------------------------------------------------------------------------------------------

/// `per` names, the granted indices below `per.len()`, and stray bits above it (dropped).
fn mask_case() -> impl Strategy<Value = (Vec<String>, BTreeSet<usize>, BTreeSet<usize>)> {
    (1usize..=70).prop_flat_map(|n| {
        (
            prop::collection::vec("[a-z][a-z0-9_]{0,7}", n),
            prop::collection::btree_set(0..n, 0..=n),
            prop_oneof![
                3 => Just(BTreeSet::new()),
                1 => prop::collection::btree_set(n..n + 64, 1..4),
            ],
        )
    })
}

fn mint_v2(per: &[String], fea: &str, fpm: &str) -> String {
    session("user_masks")
        .v2()
        .features(fea)
        .claim(
            "o",
            json!({"id": "org_1", "slg": "acme", "rol": "admin", "per": per.join(","), "fpm": fpm}),
        )
        .sign()
        .expect("sign")
}

fn verified_permissions(token: &str) -> Result<Vec<String>, TestCaseError> {
    let value = HeaderValue::from_str(&format!("Bearer {token}")).expect("ascii");
    let state = authenticate(&headers_with(AUTHORIZATION, &[value]));
    let session = state
        .auth()
        .session()
        .ok_or_else(|| TestCaseError::fail(format!("signed out: {:?}", state.message())))?;
    Ok(session.org_permissions().unwrap_or_default().to_vec())
}

proptest! {
    #![proptest_config(config(256))]

    /// The oracle itself: below 2^128 it agrees with `u128`.
    #[test]
    fn decimal_oracle_matches_u128(bits in prop::collection::btree_set(0usize..128, 0..=128)) {
        let value = bits.iter().fold(0u128, |acc, &b| acc | (1u128 << b));
        prop_assert_eq!(decimal(&bits), value.to_string());
    }

    #[test]
    fn v2_masks_decode_exactly((per, granted, stray) in mask_case()) {
        let all: BTreeSet<usize> = granted.union(&stray).copied().collect();
        let token = mint_v2(&per, "o:feat", &decimal(&all));
        let want: Vec<String> = granted.iter().map(|&i| format!("org:feat:{}", per[i])).collect();
        prop_assert_eq!(verified_permissions(&token)?, want);
    }

    /// Two org features interleaved with a user feature: masks pair with org features by
    /// position, user-scoped entries are skipped.
    #[test]
    fn v2_masks_pair_with_org_features(
        (per, first, _) in mask_case(),
        second_seed in prop::collection::vec(any::<bool>(), 70),
    ) {
        let second: BTreeSet<usize> = (0..per.len()).filter(|&i| second_seed[i]).collect();
        let token = mint_v2(&per, "o:one,u:profile,o:two", &format!("{},{}", decimal(&first), decimal(&second)));
        let mut want: Vec<String> = first.iter().map(|&i| format!("org:one:{}", per[i])).collect();
        want.extend(second.iter().map(|&i| format!("org:two:{}", per[i])));
        prop_assert_eq!(verified_permissions(&token)?, want);
    }
}

#[test]
fn decimal_oracle_known_values() {
    assert_eq!(decimal(&BTreeSet::new()), "0");
    assert_eq!(decimal(&BTreeSet::from([0])), "1");
    assert_eq!(decimal(&BTreeSet::from([53])), "9007199254740992");
    assert_eq!(decimal(&BTreeSet::from([64])), "18446744073709551616");
    assert_eq!(decimal(&(0..128).collect()), u128::MAX.to_string());
    assert_eq!(
        decimal(&BTreeSet::from([128])),
        "340282366920938463463374607431768211456"
    );
}
