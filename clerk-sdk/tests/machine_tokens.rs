//! Machine callers over real loopback HTTP against `MockClerkApi`: for each type valid,
//! revoked, expired, unknown, bad secret, 500 and an `accepts` mismatch; networkless JWT m2m
//! and OAuth tokens with zero requests.

mod common;

use clerk_sdk::testing::{Endpoint, Fault, MachineTokenSpec, MockClerkApi};
use clerk_sdk::{
    AcceptsToken, Clerk, ClerkConfig, Has, TokenType, auth::AuthStatus, config::ClerkConfigBuilder,
};
use common::{bearer, keys};
use serde_json::json;

const SECRET: &str = "sk_test_machine_secret";
const MACHINE_SECRET: &str = "ak_machine_secret";

async fn mock() -> MockClerkApi {
    let mock = MockClerkApi::start(SECRET).await.unwrap();
    mock.set_machine_secret_key(MACHINE_SECRET);
    mock.set_keys(&[keys()]);
    mock.register_machine_token(
        "mt_valid",
        MachineTokenSpec::m2m("mch_1")
            .scopes(&["mch_2"])
            .claims(json!({"tier": "gold"})),
    );
    mock.register_machine_token("mt_revoked", MachineTokenSpec::m2m("mch_1").revoked());
    mock.register_machine_token("mt_expired", MachineTokenSpec::m2m("mch_1").expired());
    mock.register_machine_token(
        "oat_valid",
        MachineTokenSpec::oauth("user_1", "client_1").scopes(&["read", "write"]),
    );
    mock.register_machine_token(
        "oat_revoked",
        MachineTokenSpec::oauth("user_1", "client_1").revoked(),
    );
    mock.register_machine_token(
        "oat_expired",
        MachineTokenSpec::oauth("user_1", "client_1").expired(),
    );
    mock.register_machine_token(
        "ak_valid",
        MachineTokenSpec::api_key("org_1", "ci").scopes(&["deploy"]),
    );
    mock.register_machine_token("ak_revoked", MachineTokenSpec::api_key("user_1", "ci").revoked());
    mock.register_machine_token("ak_expired", MachineTokenSpec::api_key("user_1", "ci").expired());
    mock
}

fn builder(mock: &MockClerkApi) -> ClerkConfigBuilder {
    ClerkConfig::builder().secret_key(SECRET).api_url(mock.url())
}

async fn decide(clerk: &Clerk, token: &str) -> clerk_sdk::RequestState {
    clerk.authenticate_request(&bearer(token)).await
}

#[tokio::test]
async fn matrix_per_machine_type() {
    let mock = mock().await;
    let cases = [
        (
            TokenType::M2mToken,
            "mt",
            Endpoint::M2mVerify,
            "Machine token not found",
        ),
        (
            TokenType::OAuthToken,
            "oat",
            Endpoint::OAuthVerify,
            "OAuth token not found",
        ),
        (
            TokenType::ApiKey,
            "ak",
            Endpoint::ApiKeyVerify,
            "API key not found",
        ),
    ];
    for (token_type, prefix, endpoint, not_found) in cases {
        let clerk = Clerk::new(builder(&mock).accepts(token_type).build().unwrap());
        let valid = decide(&clerk, &format!("{prefix}_valid")).await;
        assert_eq!(valid.status(), AuthStatus::SignedIn, "{token_type}");
        assert_eq!(valid.token_type(), Some(token_type));
        let machine = valid.auth().machine().unwrap();
        assert_eq!(machine.token_type(), token_type);
        assert!(
            !valid.auth().has(&Has::role("org:admin")),
            "machines have no roles"
        );

        for (suffix, reason) in [
            ("revoked", "token-invalid"),
            ("expired", "token-invalid"),
            ("unknown", "token-invalid"),
        ] {
            let s = decide(&clerk, &format!("{prefix}_{suffix}")).await;
            assert_eq!(s.reason_str(), Some(reason), "{token_type} {suffix}");
            assert_eq!(s.token_type(), Some(token_type));
            assert!(!s.is_authenticated());
        }
        let unknown = decide(&clerk, &format!("{prefix}_unknown")).await;
        assert_eq!(
            unknown.message().unwrap(),
            format!("{not_found} (code=token-invalid, status=404)")
        );

        mock.push_fault(endpoint, Fault::Status(500));
        let s = decide(&clerk, &format!("{prefix}_valid")).await;
        assert_eq!(s.reason_str(), Some("unexpected-error"), "{token_type} 500");

        mock.push_fault(endpoint, Fault::WrongContentType);
        assert_eq!(
            decide(&clerk, &format!("{prefix}_valid")).await.reason_str(),
            Some("unexpected-error")
        );

        mock.push_fault(endpoint, Fault::DropConnection);
        assert_eq!(
            decide(&clerk, &format!("{prefix}_valid")).await.reason_str(),
            Some("unexpected-error")
        );

        let wrong_secret = Clerk::new(
            ClerkConfig::builder()
                .secret_key("sk_test_bad")
                .api_url(mock.url())
                .accepts(token_type)
                .build()
                .unwrap(),
        );
        let s = decide(&wrong_secret, &format!("{prefix}_valid")).await;
        assert_eq!(
            s.reason_str(),
            Some("secret-key-invalid"),
            "{token_type} bad secret"
        );
        assert!(!s.message().unwrap().contains("sk_test_bad"));

        // Mismatch: a session token where only this machine type is accepted reports the
        // requested type, as upstream.
        let session = keys().session("user_1").sign().unwrap();
        let s = decide(&clerk, &session).await;
        assert_eq!(s.reason_str(), Some("token-type-mismatch"));
        assert_eq!(s.token_type(), Some(token_type));
        // No header at all: upstream's literal.
        let none = clerk.authenticate_request(&http::Request::new(())).await;
        assert_eq!(none.reason_str(), Some("No token in header"));
        assert_eq!(none.token_type(), Some(token_type));
    }
}

#[tokio::test]
async fn machine_fields() {
    let mock = mock().await;
    let clerk = Clerk::new(builder(&mock).accepts(AcceptsToken::Any).build().unwrap());

    let m2m = decide(&clerk, "mt_valid").await;
    let m = m2m.auth().machine().unwrap();
    assert_eq!(
        (m.subject(), m.machine_id(), m.user_id()),
        ("mch_1", Some("mch_1"), None)
    );
    assert_eq!(m.scopes(), ["mch_2"]);
    assert_eq!(m.claims().unwrap()["tier"], "gold");

    let oauth = decide(&clerk, "oat_valid").await;
    let o = oauth.auth().machine().unwrap();
    assert_eq!((o.user_id(), o.client_id()), (Some("user_1"), Some("client_1")));
    assert_eq!(o.scopes(), ["read", "write"]);

    let key = decide(&clerk, "ak_valid").await;
    let k = key.auth().machine().unwrap();
    assert_eq!(
        (k.org_id(), k.user_id(), k.name()),
        (Some("org_1"), None, Some("ci"))
    );
}

#[tokio::test]
async fn m2m_prefers_the_machine_secret_key() {
    let mock = mock().await;
    let clerk = Clerk::new(
        ClerkConfig::builder()
            .machine_secret_key(MACHINE_SECRET)
            .api_url(mock.url())
            .accepts(TokenType::M2mToken)
            .build()
            .unwrap(),
    );
    assert!(decide(&clerk, "mt_valid").await.is_authenticated());
    let headers = mock.last_request_headers(Endpoint::M2mVerify).unwrap();
    assert_eq!(
        headers["authorization"],
        format!("Bearer {MACHINE_SECRET}").as_str()
    );
}

#[tokio::test]
async fn accepts_semantics() {
    let mock = mock().await;
    let list = Clerk::new(
        builder(&mock)
            .accepts(AcceptsToken::Many(vec![
                TokenType::SessionToken,
                TokenType::M2mToken,
            ]))
            .build()
            .unwrap(),
    );
    assert!(decide(&list, "mt_valid").await.is_authenticated());
    assert!(
        decide(&list, &keys().session("u").sign().unwrap())
            .await
            .is_authenticated()
    );
    let mismatch = decide(&list, "ak_valid").await;
    assert_eq!(mismatch.reason_str(), Some("token-type-mismatch"));
    assert_eq!(mismatch.token_type(), None, "a list mismatch reports no type");
    assert_eq!(
        mock.requests(Endpoint::ApiKeyVerify),
        0,
        "no verification on a mismatch"
    );

    // Session only (the default): opaque machine tokens are a type mismatch (`@clerk/backend` says `token-invalid`).
    let session_only = Clerk::new(builder(&mock).build().unwrap());
    let s = decide(&session_only, "mt_valid").await;
    assert_eq!(s.reason_str(), Some("token-type-mismatch"));
    assert_eq!(s.token_type(), Some(TokenType::SessionToken));

    // Machine tokens are never read from the session cookie.
    let mut cookie = http::Request::new(());
    cookie
        .headers_mut()
        .insert(http::header::COOKIE, "__session=mt_valid".parse().unwrap());
    let s = list.authenticate_request(&cookie).await;
    assert_eq!(s.reason_str(), Some("token-type-mismatch"));
}

#[tokio::test]
async fn jwt_machine_tokens_verify_without_requests() {
    let mock = mock().await;
    let clerk = Clerk::new(
        builder(&mock)
            .jwt_key_parsed(keys().jwt_key().unwrap())
            .accepts(AcceptsToken::Any)
            .build()
            .unwrap(),
    );
    let m2m_jwt = keys()
        .session("mch_service")
        .header("cat", "cl_B7d4PD333AAA")
        .claim("jti", "mt_jwt_1")
        .claim("scopes", "mch_a mch_b")
        .claim("tier", "gold")
        .sign()
        .unwrap();
    let s = decide(&clerk, &m2m_jwt).await;
    let m = s.auth().machine().unwrap();
    assert_eq!(m.token_type(), TokenType::M2mToken);
    assert_eq!((m.id(), m.machine_id()), ("mt_jwt_1", Some("mch_service")));
    assert_eq!(m.scopes(), ["mch_a", "mch_b"]);
    assert_eq!(m.claims().unwrap()["tier"], "gold");

    let oauth_jwt = keys()
        .session("user_9")
        .header("typ", "at+jwt")
        .claim("client_id", "client_9")
        .claim("scope", "read")
        .sign()
        .unwrap();
    let s = decide(&clerk, &oauth_jwt).await;
    let o = s.auth().machine().unwrap();
    assert_eq!(
        (o.token_type(), o.user_id(), o.client_id()),
        (TokenType::OAuthToken, Some("user_9"), Some("client_9"))
    );

    for endpoint in [
        Endpoint::Jwks,
        Endpoint::M2mVerify,
        Endpoint::OAuthVerify,
        Endpoint::ApiKeyVerify,
    ] {
        assert_eq!(mock.requests(endpoint), 0, "{endpoint:?}");
    }

    // Failures of JWT machine tokens are token-verification-failed, expiry included.
    let expired = keys().session("mch_service").expired().sign().unwrap();
    assert_eq!(
        decide(&clerk, &expired).await.reason_str(),
        Some("token-verification-failed")
    );
    let template_cat = keys()
        .session("mch_service")
        .header("cat", "cl_B7d4PD222AAA")
        .sign()
        .unwrap();
    // A wrong category is refused before the signature, as `@clerk/backend` 3.25 does:
    // `token-invalid` ("Invalid M2M JWT category").
    let wrong_category = decide(&clerk, &template_cat).await;
    assert_eq!(wrong_category.reason_str(), Some("token-invalid"));
    assert_eq!(wrong_category.token_type(), Some(TokenType::M2mToken));
    assert!(
        wrong_category
            .message()
            .is_some_and(|m| m.contains("invalid M2M JWT category")),
        "{:?}",
        wrong_category.message()
    );
    let forged = keys()
        .session("mch_service")
        .signed_by(common::other_keys())
        .sign()
        .unwrap();
    assert_eq!(
        decide(&clerk, &forged).await.reason_str(),
        Some("token-verification-failed")
    );
}

#[tokio::test]
async fn jwt_machine_tokens_with_keys_from_the_jwks() {
    let mock = mock().await;
    let clerk = Clerk::new(builder(&mock).accepts(TokenType::M2mToken).build().unwrap());
    let m2m_jwt = keys().session("mch_service").sign().unwrap();
    assert!(decide(&clerk, &m2m_jwt).await.is_authenticated());
    assert_eq!(mock.requests(Endpoint::Jwks), 1);
    assert_eq!(mock.requests(Endpoint::M2mVerify), 0);
}

/// The test kit mints JWT machine tokens directly, and the flat auth view reads the common
/// fields whatever the token type (an OAuth token's subject is the top-level user, as
/// upstream's `toAuth()` has it).
#[tokio::test]
async fn test_kit_machine_jwts_and_the_flat_auth_view() {
    let mock = mock().await;
    let clerk = Clerk::new(
        builder(&mock)
            .jwt_key_parsed(keys().jwt_key().unwrap())
            .accepts(AcceptsToken::Any)
            .build()
            .unwrap(),
    );
    let m2m = keys()
        .m2m_token("mch_service")
        .scopes(["mch_a", "mch_b"])
        .sign()
        .unwrap();
    let s = decide(&clerk, &m2m).await;
    let auth = s.auth();
    assert_eq!(auth.token_type(), Some(TokenType::M2mToken));
    assert_eq!(auth.machine_id(), Some("mch_service"));
    assert_eq!(auth.scopes(), ["mch_a", "mch_b"]);
    assert_eq!(
        (auth.user_id(), auth.org_id(), auth.session_id()),
        (None, None, None)
    );
    assert!(auth.machine().unwrap().id().starts_with("mt_"));

    let oauth = keys()
        .oauth_token("user_9", "client_9")
        .scopes(["read", "write"])
        .sign()
        .unwrap();
    let s = decide(&clerk, &oauth).await;
    let auth = s.auth();
    assert_eq!(auth.token_type(), Some(TokenType::OAuthToken));
    assert_eq!(auth.user_id(), Some("user_9"));
    assert_eq!(auth.machine().unwrap().user_id(), Some("user_9"));
    assert_eq!(auth.machine().unwrap().client_id(), Some("client_9"));
    assert_eq!(auth.scopes(), ["read", "write"]);
    assert_eq!(
        (auth.org_id(), auth.machine_id(), auth.org_role()),
        (None, None, None)
    );

    let session = keys()
        .session("user_1")
        .org_v1("org_1", "acme", "org:admin", &["org:invoices:read"])
        .sign()
        .unwrap();
    let s = decide(&clerk, &session).await;
    let auth = s.auth();
    assert_eq!((auth.user_id(), auth.org_id()), (Some("user_1"), Some("org_1")));
    assert_eq!(
        (auth.org_role(), auth.org_slug()),
        (Some("org:admin"), Some("acme"))
    );
    assert_eq!(
        auth.org_permissions(),
        Some(&["org:invoices:read".to_owned()][..])
    );
    assert_eq!(auth.session_status(), Some("active"));
    assert!(auth.session_id().is_some_and(|sid| sid.starts_with("sess_")));
    assert!(auth.scopes().is_empty());

    let expired = keys().m2m_token("mch_service").expired().sign().unwrap();
    assert_eq!(
        decide(&clerk, &expired).await.reason_str(),
        Some("token-verification-failed")
    );
    for endpoint in [Endpoint::Jwks, Endpoint::M2mVerify, Endpoint::OAuthVerify] {
        assert_eq!(mock.requests(endpoint), 0, "{endpoint:?}");
    }
}

/// API keys act for a user or an organization: the flat view says which.
#[tokio::test]
async fn api_keys_in_the_flat_auth_view() {
    let mock = mock().await;
    let clerk = Clerk::new(builder(&mock).accepts(AcceptsToken::Any).build().unwrap());
    mock.register_machine_token("ak_org_key", MachineTokenSpec::api_key("org_7", "ci"));
    mock.register_machine_token("ak_user_key", MachineTokenSpec::api_key("user_7", "ci"));
    let org = decide(&clerk, "ak_org_key").await;
    assert_eq!((org.auth().org_id(), org.auth().user_id()), (Some("org_7"), None));
    let user = decide(&clerk, "ak_user_key").await;
    assert_eq!(
        (user.auth().user_id(), user.auth().org_id()),
        (Some("user_7"), None)
    );
}
