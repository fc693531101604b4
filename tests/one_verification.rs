//! A request is verified once, however many layers and extractors ask about it:
//! [`Clerk::authentications`] counts the requests a handle authenticated, and
//! must go up by exactly one per request.

use clerk_examples::demo::{LocalMode, router};
use clerk_integration_tests::{TestServer, bind, client, get, test_keys};
use clerk_sdk::axum::{ClerkAuth, ClerkLayer, ClerkSession};
use clerk_sdk::{AcceptsToken, Clerk, TokenType};
use serde_json::{Value, json};

const APP: &str = "https://app.example";
const M2M_CATEGORY: &str = "cl_B7d4PD333AAA";

fn clerk() -> Clerk {
    Clerk::new(
        test_keys()
            .config_builder()
            .authorized_party(APP)
            .build()
            .expect("config"),
    )
}

/// `Authorization` values: none, a member, an expired token, an m2m token, garbage.
fn credentials() -> Vec<(&'static str, Option<String>)> {
    let keys = test_keys();
    let member = keys
        .session("user_1")
        .authorized_party(APP)
        .org_v1("org_1", "acme", "org:member", &[])
        .sign()
        .expect("sign");
    let expired = keys
        .session("user_1")
        .authorized_party(APP)
        .expired()
        .sign()
        .expect("sign");
    let machine = keys
        .session("mch_1")
        .header("cat", M2M_CATEGORY)
        .sign()
        .expect("sign");
    vec![
        ("no token", None),
        ("member", Some(format!("Bearer {member}"))),
        ("expired", Some(format!("Bearer {expired}"))),
        ("m2m", Some(format!("Bearer {machine}"))),
        ("malformed", Some("Bearer not-a-jwt".to_owned())),
    ]
}

/// A handler that asks twice: the outcome whatever it is, and the signed-in session.
async fn both(ClerkAuth(state): ClerkAuth, ClerkSession(session): ClerkSession) -> axum::Json<Value> {
    axum::Json(json!({
        "user_id": session.user_id(),
        "same_user": state.auth().session().map(|s| s.user_id()) == Some(session.user_id()),
    }))
}

/// Sends each credential to `path` and returns `label: delta` for every request whose
/// authentication count did not go up by exactly one.
async fn deltas(
    clerk: &Clerk,
    server: &TestServer,
    path: &str,
    creds: &[(&str, Option<String>)],
) -> Vec<String> {
    let client = client();
    let mut wrong = Vec::new();
    for (label, authorization) in creds {
        let before = clerk.authentications();
        let answer = get(&client, &server.url(path), authorization.as_deref()).await;
        let delta = clerk.authentications() - before;
        if delta != 1 {
            wrong.push(format!(
                "GET {path} {label} (status {}): {delta} authentications",
                answer.status
            ));
        }
    }
    wrong
}

#[tokio::test]
async fn layer_and_two_extractors_verify_once() {
    let clerk = clerk();
    let app = axum::Router::new()
        .route("/both", axum::routing::get(both))
        .layer(ClerkLayer::new(clerk.clone()))
        .with_state(clerk.clone());
    let server = TestServer::spawn(app).await;

    // The handler really ran, with both extractors seeing the same caller.
    let creds = credentials();
    let member = creds[1].1.as_deref();
    let answer = get(&client(), &server.url("/both"), member).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json, json!({ "user_id": "user_1", "same_user": true }));

    let wrong = deltas(&clerk, &server, "/both", &creds).await;
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[tokio::test]
async fn layer_accepting_m2m_and_two_extractors_verify_once() {
    let clerk = clerk();
    let app = axum::Router::new()
        .route("/both", axum::routing::get(both))
        .layer(ClerkLayer::new(clerk.clone()).accepting(AcceptsToken::Many(vec![
            TokenType::SessionToken,
            TokenType::M2mToken,
        ])))
        .with_state(clerk.clone());
    let server = TestServer::spawn(app).await;
    let wrong = deltas(&clerk, &server, "/both", &credentials()).await;
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[tokio::test]
async fn two_extractors_without_a_layer_verify_once() {
    let clerk = clerk();
    let app = axum::Router::new()
        .route("/both", axum::routing::get(both))
        .with_state(clerk.clone());
    let server = TestServer::spawn(app).await;
    let wrong = deltas(&clerk, &server, "/both", &credentials()).await;
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

/// The `Authorization` values of the demo's callers: none, and each exported token.
fn demo_credentials(mode: &LocalMode) -> Vec<(&'static str, Option<String>)> {
    let bearer = |var: &str| {
        let token = mode.tokens().iter().find(|t| t.var == var).expect("token");
        Some(format!("Bearer {}", token.token))
    };
    vec![
        ("no token", None),
        ("member", bearer("MEMBER")),
        ("admin", bearer("ADMIN")),
        ("m2m", bearer("MACHINE")),
        ("expired", bearer("EXPIRED")),
        ("wrong azp", bearer("WRONG_AZP")),
    ]
}

/// Every demo route × every credential of the demo: exactly one authentication per request.
#[tokio::test]
async fn every_demo_route_verifies_once() {
    let (listener, addr) = bind().await;
    let mode = LocalMode::new(test_keys(), addr).expect("local mode");
    let clerk = mode.clerk().clone();
    let server = TestServer::start(listener, router(clerk.clone()));
    let client = client();
    let mut wrong = Vec::new();
    for path in ["/public", "/me", "/admin", "/machine", "/either"] {
        for (label, authorization) in demo_credentials(&mode) {
            let before = clerk.authentications();
            let answer = get(&client, &server.url(path), authorization.as_deref()).await;
            let delta = clerk.authentications() - before;
            if delta != 1 {
                wrong.push(format!(
                    "GET {path} {label} (status {}): {delta} authentications",
                    answer.status
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

/// `/admin` narrows the layer's accepted types with a route-level guard: the stored outcome
/// still answers (no credential, an m2m token), so each request is authenticated once.
#[tokio::test]
async fn demo_admin_route_verifies_once() {
    let (listener, addr) = bind().await;
    let mode = LocalMode::new(test_keys(), addr).expect("local mode");
    let clerk = mode.clerk().clone();
    let server = TestServer::start(listener, router(clerk.clone()));
    let wrong = deltas(&clerk, &server, "/admin", &demo_credentials(&mode)).await;
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}
