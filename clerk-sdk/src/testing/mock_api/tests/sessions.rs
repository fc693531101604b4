//! `/v1/sessions`: lists (bare unless `paginated=true`), get, revoke, and session tokens that
//! `Clerk` verifies against the mock's JWKS.

use http::Method;
use serde_json::{Value, json};

use super::super::super::TestKeys;
use super::super::{MembershipSeed, OrganizationSeed, SessionSeed, UserSeed};
use super::support::{SECRET, call, get, start};
use crate::{Clerk, ClerkConfig};

fn claims_of(jwt: &str) -> Value {
    use base64::Engine as _;
    let payload = jwt.split('.').nth(1).expect("payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("claims JSON")
}

#[tokio::test]
async fn list_get_and_revoke() {
    let mock = start().await;
    let ada = mock.seed_user(UserSeed::new()).expect("user");
    let bob = mock.seed_user(UserSeed::new()).expect("user");
    let first = mock
        .seed_session(SessionSeed::new(&ada).client_id("client_1"))
        .expect("session");
    let second = mock
        .seed_session(SessionSeed::new(&ada).status("ended"))
        .expect("session");
    mock.seed_session(SessionSeed::new(&bob).client_id("client_1"))
        .expect("session");

    let bare = get(&mock, &format!("/v1/sessions?user_id={ada}")).await;
    assert!(bare.body.is_array());
    assert_eq!(bare.ids(), [second.clone(), first.clone()]);
    let wrapped = get(
        &mock,
        &format!("/v1/sessions?user_id={ada}&paginated=true&limit=1"),
    )
    .await;
    assert_eq!(wrapped.body["total_count"], 2);
    assert_eq!(wrapped.ids(), [second.as_str()]);
    assert_eq!(
        get(&mock, &format!("/v1/sessions?user_id={ada}&status=active"))
            .await
            .ids(),
        [first.as_str()]
    );
    assert_eq!(get(&mock, "/v1/sessions?client_id=client_1").await.ids().len(), 2);
    let neither = get(&mock, "/v1/sessions").await;
    assert_eq!((neither.status, neither.code()), (422, "form_param_missing"));
    assert_eq!(
        get(&mock, &format!("/v1/sessions?user_id={ada}&status=gone"))
            .await
            .status,
        422
    );

    let session = get(&mock, &format!("/v1/sessions/{first}")).await.body;
    assert_eq!(session["object"], "session");
    assert_eq!(session["user_id"], ada.as_str());
    assert_eq!(session["client_id"], "client_1");
    assert_eq!(session["status"], "active");
    assert!(session["actor"].is_null() && session["last_active_organization_id"].is_null());
    assert_eq!(session["latest_activity"]["is_mobile"], false);
    for field in [
        "last_active_at",
        "expire_at",
        "abandon_at",
        "created_at",
        "updated_at",
    ] {
        assert!(session[field].is_u64(), "{field}");
    }

    let revoked = call(&mock, Method::POST, &format!("/v1/sessions/{first}/revoke"), None).await;
    assert_eq!(revoked.body["status"], "revoked");
    assert_eq!(mock.session(&first).expect("kept")["status"], "revoked");
    assert_eq!(get(&mock, "/v1/sessions/sess_none").await.status, 404);
}

#[tokio::test]
async fn session_tokens_verify_with_clerk_through_the_mocks_jwks() {
    let mock = start().await;
    let ada = mock.seed_user(UserSeed::new()).expect("user");
    let org = mock
        .seed_organization(OrganizationSeed::new("Acme").slug("acme"))
        .expect("org");
    mock.seed_membership(MembershipSeed::new(&org, &ada, "org:admin"))
        .expect("member");
    let session = mock
        .seed_session(SessionSeed::new(&ada).last_active_organization_id(&org))
        .expect("session");

    // No key was added: the mock makes one and serves it.
    let token = call(
        &mock,
        Method::POST,
        &format!("/v1/sessions/{session}/tokens"),
        Some(json!({"expires_in_seconds": 120})),
    )
    .await;
    assert_eq!(token.status, 200);
    assert_eq!(token.body["object"], "token");
    let jwt = token.body["jwt"].as_str().expect("jwt").to_owned();
    let claims = claims_of(&jwt);
    assert_eq!(claims["sub"], ada.as_str());
    assert_eq!(claims["sid"], session.as_str());
    assert_eq!(claims["iss"], mock.url().as_str());
    assert_eq!(
        claims["exp"].as_u64().expect("exp") - claims["iat"].as_u64().expect("iat"),
        120
    );
    assert_eq!(claims["o"]["id"], org.as_str());
    assert_eq!(claims["o"]["rol"], "admin");
    assert_eq!(claims["o"]["slg"], "acme");

    let clerk = Clerk::new(
        ClerkConfig::builder()
            .secret_key(SECRET)
            .api_url(mock.url())
            .build()
            .expect("config"),
    );
    let mut request = http::Request::new(());
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {jwt}").parse().expect("header"));
    let state = clerk.authenticate_request(&request).await;
    let verified = state.auth().session().expect("signed in");
    assert_eq!(verified.user_id(), ada);

    // A template adds its claims; the latest added key signs.
    let keys = TestKeys::generate().expect("keys");
    mock.add_key(&keys);
    mock.add_jwt_template(
        "supabase",
        json!({"aud": "authenticated", "role": "authenticated"}),
    );
    let templated = call(
        &mock,
        Method::POST,
        &format!("/v1/sessions/{session}/tokens/supabase"),
        None,
    )
    .await;
    let jwt = templated.body["jwt"].as_str().expect("jwt");
    assert_eq!(claims_of(jwt)["role"], "authenticated");
    let header = jwt.split('.').next().expect("header");
    assert!(
        String::from_utf8(
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header).expect("b64")
        )
        .expect("utf8")
        .contains(keys.kid())
    );
    let unknown = call(
        &mock,
        Method::POST,
        &format!("/v1/sessions/{session}/tokens/none"),
        None,
    )
    .await;
    assert_eq!((unknown.status, unknown.code()), (404, "resource_not_found"));

    call(
        &mock,
        Method::POST,
        &format!("/v1/sessions/{session}/revoke"),
        None,
    )
    .await;
    let inactive = call(
        &mock,
        Method::POST,
        &format!("/v1/sessions/{session}/tokens"),
        None,
    )
    .await;
    assert_eq!(inactive.status, 404);
    let bad = call(
        &mock,
        Method::POST,
        "/v1/sessions/sess_none/tokens",
        Some(json!({"expires_in_seconds": 1.5})),
    )
    .await;
    assert_eq!(bad.status, 422);
}
