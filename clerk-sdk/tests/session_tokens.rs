//! Session-token verification end to end: every reason the PEM path can produce, the order of
//! checks, the skew boundaries, size limits and algorithm confusion.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clerk_sdk::{SessionVerifyError, TokenType, auth::AuthStatus, token::MalformedToken};
use common::{
    APP, authenticate, bearer, clerk, clerk_at, keys, other_keys, reason, request_with_authorization,
};
use serde_json::json;

fn b64(v: &serde_json::Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

#[tokio::test]
async fn valid_token_signs_in() {
    let token = keys()
        .session("user_1")
        .session_id("sess_1")
        .authorized_party(APP)
        .org_v1("org_1", "acme", "org:admin", &["org:invoices:read"])
        .sign()
        .unwrap();
    let state = authenticate(&clerk(), &bearer(&token)).await;
    assert_eq!(state.status(), AuthStatus::SignedIn);
    assert_eq!(state.reason_str(), None);
    assert_eq!(state.message(), None);
    assert_eq!(state.token_type(), Some(TokenType::SessionToken));
    assert!(state.is_authenticated());
    let session = state.auth().session().unwrap();
    assert_eq!(session.user_id(), "user_1");
    assert_eq!(session.session_id(), Some("sess_1"));
    assert_eq!(session.session_status(), Some("active"));
    assert_eq!(session.org_id(), Some("org_1"));
    assert_eq!(session.org_slug(), Some("acme"));
    assert_eq!(session.org_role(), Some("org:admin"));
    assert_eq!(
        session.org_permissions(),
        Some(&["org:invoices:read".to_owned()][..])
    );
    assert_eq!(session.claims().str("azp"), Some(APP));
}

/// Each session-token reason that the networkless path can produce, through `authenticate_request`.
#[tokio::test]
async fn reason_table() {
    let k = keys();
    let s = || k.session("user_1").authorized_party(APP);
    let valid = s().sign().unwrap();
    let (head, rest) = valid.split_once('.').unwrap();
    let (payload, _) = rest.split_once('.').unwrap();
    let tampered_payload = b64(&json!({"sub": "user_evil", "azp": APP, "exp": 9_999_999_999u64}));

    let cases: Vec<(&str, String, Option<&str>)> = vec![
        ("valid", valid.clone(), None),
        ("expired", s().expired().sign().unwrap(), Some("token-expired")),
        (
            "not yet valid (nbf)",
            s().not_yet_valid().sign().unwrap(),
            Some("token-not-active-yet"),
        ),
        (
            "iat in the future",
            s().not_yet_valid().without_claim("nbf").sign().unwrap(),
            Some("token-iat-in-the-future"),
        ),
        (
            "wrong key",
            s().signed_by(other_keys()).sign().unwrap(),
            Some("token-invalid-signature"),
        ),
        (
            "tampered payload",
            format!("{head}.{tampered_payload}.{}", valid.rsplit('.').next().unwrap()),
            Some("token-invalid-signature"),
        ),
        (
            "wrong azp",
            k.session("user_1")
                .authorized_party("https://evil.example")
                .sign()
                .unwrap(),
            Some("token-invalid-authorized-parties"),
        ),
        (
            "missing azp",
            k.session("user_1").sign().unwrap(),
            Some("token-invalid-authorized-parties"),
        ),
        (
            "azp with trailing slash",
            k.session("u").authorized_party(format!("{APP}/")).sign().unwrap(),
            Some("token-invalid-authorized-parties"),
        ),
        (
            "missing sub",
            s().without_claim("sub").sign().unwrap(),
            Some("token-verification-failed"),
        ),
        (
            "numeric sub",
            s().claim("sub", 42).sign().unwrap(),
            Some("token-verification-failed"),
        ),
        (
            "missing exp",
            s().without_claim("exp").sign().unwrap(),
            Some("token-verification-failed"),
        ),
        (
            "string exp",
            s().claim("exp", "soon").sign().unwrap(),
            Some("token-verification-failed"),
        ),
        (
            "string nbf",
            s().claim("nbf", "now").sign().unwrap(),
            Some("token-verification-failed"),
        ),
        (
            "string iat",
            s().claim("iat", "now").sign().unwrap(),
            Some("token-verification-failed"),
        ),
        (
            "typ jwt lowercase",
            s().header("typ", "jwt").sign().unwrap(),
            Some("token-invalid"),
        ),
        ("typ absent", s().without_header("typ").sign().unwrap(), None),
        (
            "RS384",
            s().header("alg", "RS384").sign().unwrap(),
            Some("token-invalid-algorithm"),
        ),
        (
            "RS512",
            s().header("alg", "RS512").sign().unwrap(),
            Some("token-invalid-algorithm"),
        ),
        (
            "alg none",
            s().header("alg", "none").sign().unwrap(),
            Some("token-invalid-algorithm"),
        ),
        (
            "alg missing",
            s().without_header("alg").sign().unwrap(),
            Some("token-invalid-algorithm"),
        ),
        ("two parts", format!("{head}.{payload}"), Some("token-invalid")),
        ("four parts", format!("{valid}.x"), Some("token-invalid")),
        (
            "non-base64url",
            format!("{head}.{payload}.a+b/"),
            Some("token-invalid"),
        ),
        (
            "non-JSON payload",
            format!("{head}.{}.AA", URL_SAFE_NO_PAD.encode("hello")),
            Some("token-invalid"),
        ),
        (
            "template category",
            s().header("cat", "cl_B7d4PD222AAA").sign().unwrap(),
            Some("token-type-mismatch"),
        ),
        (
            "m2m category",
            s().header("cat", "cl_B7d4PD333AAA").sign().unwrap(),
            Some("token-type-mismatch"),
        ),
        (
            "session category",
            s().header("cat", "cl_B7d4PD111AAA").sign().unwrap(),
            None,
        ),
        (
            "ignore category",
            s().header("cat", "cl_I7d4PD111III").sign().unwrap(),
            None,
        ),
        (
            "machine JWT subject",
            k.session("mch_123").authorized_party(APP).sign().unwrap(),
            Some("token-type-mismatch"),
        ),
        (
            "OAuth JWT typ",
            s().header("typ", "at+jwt").sign().unwrap(),
            Some("token-type-mismatch"),
        ),
        (
            "opaque m2m token",
            "mt_0123456789abcdef".to_owned(),
            Some("token-type-mismatch"),
        ),
        (
            "opaque oauth token",
            "oat_0123456789abcdef".to_owned(),
            Some("token-type-mismatch"),
        ),
        (
            "api key",
            "ak_0123456789abcdef".to_owned(),
            Some("token-type-mismatch"),
        ),
    ];
    let clerk = clerk();
    for (name, token, want) in cases {
        let state = authenticate(&clerk, &bearer(&token)).await;
        assert_eq!(state.reason_str(), want, "{name}");
        if let Some(message) = state.message() {
            assert!(!message.contains(&token), "{name}: message leaks the token");
            assert_eq!(state.status(), AuthStatus::SignedOut, "{name}");
            assert!(!state.is_authenticated(), "{name}");
        }
    }
}

/// HS256 signed with the PEM text as the HMAC secret: the classic alg-confusion attack.
#[tokio::test]
async fn hs256_with_the_public_key_as_secret_is_refused() {
    let pem = keys().public_key_pem().unwrap();
    let header = b64(&json!({"alg": "HS256", "typ": "JWT"}));
    let claims = b64(&json!({"sub": "user_1", "azp": APP, "exp": 9_999_999_999u64}));
    let input = format!("{header}.{claims}");
    let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(pem.as_bytes()).unwrap();
    hmac::Mac::update(&mut mac, input.as_bytes());
    let tag = hmac::Mac::finalize(mac).into_bytes();
    let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(tag));
    assert_eq!(reason(&clerk(), &token).await, Some("token-invalid-algorithm"));
}

/// The signature is checked before any claim: a forged token with bad claims reports the
/// signature, never the claim (no claim oracle).
#[tokio::test]
async fn signature_before_claims() {
    let forged = keys()
        .session("user_1")
        .expired()
        .without_claim("sub")
        .authorized_party("https://evil.example")
        .signed_by(other_keys())
        .sign()
        .unwrap();
    assert_eq!(reason(&clerk(), &forged).await, Some("token-invalid-signature"));
}

/// Upstream boundaries: expired when `exp·1000 <= now − skew`; not active when
/// `nbf·1000 > now + skew`; same for `iat`.
#[tokio::test]
async fn skew_boundaries() {
    let skew = 5_000;
    let t = 1_800_000_000u64; // seconds
    let k = keys();
    let token = |exp: u64, nbf: Option<u64>, iat: Option<u64>| {
        let mut b = k
            .session("user_1")
            .authorized_party(APP)
            .claim("exp", exp)
            .without_claim("nbf")
            .without_claim("iat");
        if let Some(nbf) = nbf {
            b = b.claim("nbf", nbf);
        }
        if let Some(iat) = iat {
            b = b.claim("iat", iat);
        }
        b.sign().unwrap()
    };
    let exp_token = token(t, None, None);
    assert_eq!(
        reason(&clerk_at(t * 1000 + skew), &exp_token).await,
        Some("token-expired")
    );
    assert_eq!(reason(&clerk_at(t * 1000 + skew - 1), &exp_token).await, None);

    let nbf_token = token(t + 3600, Some(t), None);
    assert_eq!(reason(&clerk_at(t * 1000 - skew), &nbf_token).await, None);
    assert_eq!(
        reason(&clerk_at(t * 1000 - skew - 1), &nbf_token).await,
        Some("token-not-active-yet")
    );

    let iat_token = token(t + 3600, None, Some(t));
    assert_eq!(reason(&clerk_at(t * 1000 - skew), &iat_token).await, None);
    assert_eq!(
        reason(&clerk_at(t * 1000 - skew - 1), &iat_token).await,
        Some("token-iat-in-the-future")
    );

    // A skew of zero is honoured: exp equal to now is expired.
    let strict = clerk_sdk::Clerk::new(
        common::builder()
            .clock_skew(std::time::Duration::ZERO)
            .clock(clerk_sdk::clock::FixedClock::new(t * 1000))
            .build()
            .unwrap(),
    );
    assert_eq!(reason(&strict, &exp_token).await, Some("token-expired"));
    assert_eq!(reason(&strict, &nbf_token).await, None);
}

#[tokio::test]
async fn size_limits() {
    let k = keys();
    let big = k
        .session("user_1")
        .authorized_party(APP)
        .claim("pad", "x".repeat(15_000))
        .sign()
        .unwrap();
    assert!(big.len() > 20_000, "{}", big.len());
    assert_eq!(reason(&clerk(), &big).await, None);

    // 100 KB of a well-formed token is refused by length, before any decoding.
    let huge = k
        .session("user_1")
        .authorized_party(APP)
        .claim("pad", "x".repeat(75_000))
        .sign()
        .unwrap();
    assert!(huge.len() > 100_000);
    assert_eq!(reason(&clerk(), &huge).await, Some("token-invalid"));
    assert_eq!(
        clerk().verify_token(&huge).await,
        Err(SessionVerifyError::Malformed(MalformedToken::TooLong))
    );
}

#[tokio::test]
async fn non_utf8_authorization_header() {
    let state = authenticate(&clerk(), &request_with_authorization(b"Bearer \xff\xfe\xfd")).await;
    assert_eq!(state.status(), AuthStatus::SignedOut);
    assert_eq!(state.reason_str(), Some("token-invalid"));
}

#[tokio::test]
async fn verify_token_applies_the_category_gate_before_the_key() {
    let clerk = clerk();
    let k = keys();
    let m2m = k
        .session("user_1")
        .authorized_party(APP)
        .header("cat", "cl_B7d4PD333AAA")
        .signed_by(other_keys())
        .sign()
        .unwrap();
    assert_eq!(
        clerk.verify_token(&m2m).await,
        Err(SessionVerifyError::InvalidCategory)
    );
    // verifyToken does not refuse the template category (authenticate_request does).
    let template = k
        .session("user_1")
        .authorized_party(APP)
        .header("cat", "cl_B7d4PD222AAA")
        .sign()
        .unwrap();
    assert_eq!(
        clerk.verify_token(&template).await.unwrap().subject(),
        Some("user_1")
    );
}

#[tokio::test]
async fn credential_sources() {
    let clerk = clerk();
    let token = keys()
        .session("user_cookie")
        .authorized_party(APP)
        .sign()
        .unwrap();

    let none = authenticate(&clerk, &http::Request::new(())).await;
    assert_eq!(none.reason_str(), Some("session-token-missing"));
    assert_eq!(none.token_type(), Some(TokenType::SessionToken));

    let mut cookie = http::Request::new(());
    cookie.headers_mut().insert(
        http::header::COOKIE,
        format!("theme=dark; __session={token}").parse().unwrap(),
    );
    let state = authenticate(&clerk, &cookie).await;
    assert_eq!(state.auth().session().unwrap().user_id(), "user_cookie");

    // A Basic header is not a Clerk credential: the cookie is read instead, as upstream.
    let mut basic = cookie.clone();
    basic
        .headers_mut()
        .insert(http::header::AUTHORIZATION, "Basic dXNlcjpwYXNz".parse().unwrap());
    assert!(authenticate(&clerk, &basic).await.is_authenticated());

    // A header token wins over the cookie, even when it is bad.
    let mut both = cookie.clone();
    both.headers_mut()
        .insert(http::header::AUTHORIZATION, "Bearer not-a-jwt".parse().unwrap());
    assert_eq!(
        authenticate(&clerk, &both).await.reason_str(),
        Some("token-invalid")
    );

    for value in ["bearer", "BEARER", "Bearer", "bEaReR"] {
        let state = authenticate(
            &clerk,
            &request_with_authorization(format!("{value} {token}").as_bytes()),
        )
        .await;
        assert!(state.is_authenticated(), "{value}");
    }
    // A bare token with no scheme is accepted, as upstream.
    assert!(
        authenticate(&clerk, &request_with_authorization(token.as_bytes()))
            .await
            .is_authenticated()
    );
    for empty in [&b""[..], b"Bearer", b"Bearer "] {
        let state = authenticate(&clerk, &request_with_authorization(empty)).await;
        assert_eq!(state.reason_str(), Some("token-invalid"), "{empty:?}");
    }
}

/// A state decided while accepting session tokens, read by a route that accepts only m2m
/// tokens (`RequestState::under`): a cookie is no credential there, signed in or not, as
/// when that route authenticates alone; a refused header token is a type mismatch.
#[tokio::test]
async fn a_session_from_the_cookie_is_no_credential_for_an_m2m_only_route() {
    let clerk = clerk();
    let m2m = clerk_sdk::AcceptsToken::One(TokenType::M2mToken);
    let token = keys()
        .session("user_cookie")
        .authorized_party(APP)
        .sign()
        .unwrap();
    let expired = keys()
        .session("user_cookie")
        .authorized_party(APP)
        .expired()
        .sign()
        .unwrap();
    for (name, token) in [("valid", &token), ("expired", &expired)] {
        let mut cookie = http::Request::new(());
        cookie.headers_mut().insert(
            http::header::COOKIE,
            format!("__session={token}").parse().unwrap(),
        );
        let alone = clerk.authenticate_request_with(&cookie, &m2m).await;
        assert_eq!(alone.reason_str(), Some("No token in header"), "{name}");
        let decided = authenticate(&clerk, &cookie).await;
        let narrowed = decided.under(&m2m).expect("answers without verifying again");
        assert_eq!(narrowed.reason_str(), alone.reason_str(), "{name}");
        assert_eq!(narrowed.token_type(), alone.token_type(), "{name}");

        // From the header: a refusal becomes the route's type mismatch; a session that was
        // verified stays one, and the route's guard refuses its type.
        let header = bearer(token);
        let alone = clerk.authenticate_request_with(&header, &m2m).await;
        assert_eq!(alone.reason_str(), Some("token-type-mismatch"), "{name}");
        let decided = authenticate(&clerk, &header).await;
        let narrowed = decided.under(&m2m).expect("answers without verifying again");
        if name == "valid" {
            assert!(narrowed.is_authenticated());
            assert_eq!(narrowed.token_type(), Some(TokenType::SessionToken));
        } else {
            assert_eq!(narrowed.reason_str(), alone.reason_str(), "{name}");
        }
    }
}

#[tokio::test]
async fn messages_name_the_carrier_and_never_the_token() {
    let token = keys()
        .session("user_1")
        .authorized_party(APP)
        .expired()
        .sign()
        .unwrap();
    let state = authenticate(&clerk(), &bearer(&token)).await;
    let message = state.message().unwrap();
    assert!(message.contains("reason=token-expired"), "{message}");
    assert!(message.contains("token-carrier=header"), "{message}");
    assert!(!message.contains(&token));
    assert!(!format!("{state:?}").contains(&token));
}
