//! `#[clerk_protected]` handlers over real HTTP (axum on 127.0.0.1:0, reqwest without
//! proxies): the axum integration's request matrix through macro-protected routes, the
//! verified values handed to extractors after the guard, one verification per request, and
//! 503 when keys cannot be had.

use std::sync::OnceLock;

use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use clerk_sdk::axum::{ClerkAuth, ClerkLayer, ClerkMachine, ClerkSession};
use clerk_sdk::testing::TestKeys;
use clerk_sdk::{AcceptsToken, Clerk, TokenType, clerk_protected};
use http::StatusCode;

const APP: &str = "https://app.example.com";

fn keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| TestKeys::generate().expect("generate test keys"))
}

fn other_keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| TestKeys::generate().expect("generate test keys"))
}

/// Configured for sessions and m2m tokens; each route narrows `accepts` through its guard.
fn clerk() -> Clerk {
    Clerk::new(
        keys()
            .config_builder()
            .authorized_party(APP)
            .accepts(AcceptsToken::Many(vec![
                TokenType::SessionToken,
                TokenType::M2mToken,
            ]))
            .build()
            .expect("config"),
    )
}

#[derive(Clone, FromRef)]
struct App {
    clerk: Clerk,
}

/// Any signed-in session.
#[clerk_protected]
async fn bare() -> &'static str {
    "bare"
}

/// Org admins only.
#[clerk_protected(role = "org:admin")]
async fn admin() -> &'static str {
    "admin"
}

/// Org admins, or any m2m caller.
#[clerk_protected(role = "org:admin", accepts = ["session_token", "m2m_token"])]
async fn admin_or_m2m() -> &'static str {
    "admin-or-m2m"
}

/// m2m callers only.
#[clerk_protected(accepts = "m2m_token")]
async fn m2m_only() -> &'static str {
    "m2m-only"
}

/// The session the guard verified.
#[clerk_protected]
async fn me(ClerkSession(session): ClerkSession) -> String {
    session.user_id().to_owned()
}

/// The machine the guard verified.
#[clerk_protected(accepts = "m2m_token")]
async fn machine(ClerkMachine(machine): ClerkMachine) -> String {
    machine.subject().to_owned()
}

/// The outcome the guard decided, whatever the caller.
#[clerk_protected(accepts = "any")]
async fn auth(ClerkAuth(state): ClerkAuth) -> String {
    state
        .auth()
        .token_type()
        .map_or("none", TokenType::as_str)
        .to_owned()
}

fn router(clerk: Clerk) -> Router {
    Router::new()
        .route("/bare", get(bare))
        .route("/admin", get(admin))
        .route("/admin-or-m2m", get(admin_or_m2m))
        .route("/m2m-only", get(m2m_only))
        .route("/me", get(me))
        .route("/machine", get(machine))
        .route("/auth", get(auth))
        .with_state(App { clerk })
}

/// Serves `app` on a loopback port for the rest of the test; returns its base URL.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}")
}

struct Answer {
    status: StatusCode,
    reason: Option<String>,
    body: String,
}

async fn call(base: &str, path: &str, token: Option<&str>) -> Answer {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    let client = CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("reqwest client")
    });
    let mut request = client.get(format!("{base}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request");
    let status = StatusCode::from_u16(response.status().as_u16()).expect("status");
    let reason = response
        .headers()
        .get("x-clerk-auth-reason")
        .map(|v| v.to_str().expect("ascii reason").to_owned());
    let body = response.text().await.expect("body");
    Answer { status, reason, body }
}

fn session(user: &str, role: &str) -> String {
    keys()
        .session(user)
        .authorized_party(APP)
        .org_v1("org_1", "acme", role, &[])
        .sign()
        .expect("sign")
}

fn m2m() -> String {
    keys()
        .session("mch_1")
        .header("cat", "cl_B7d4PD333AAA")
        .sign()
        .expect("sign")
}

/// Credentials of the matrix, by name.
fn credentials() -> Vec<(&'static str, Option<String>)> {
    vec![
        ("none", None),
        ("malformed", Some("not-a-token".to_owned())),
        (
            "expired",
            Some(
                keys()
                    .session("user_1")
                    .authorized_party(APP)
                    .expired()
                    .sign()
                    .expect("sign"),
            ),
        ),
        (
            "wrong-azp",
            Some(
                keys()
                    .session("user_1")
                    .authorized_party("https://evil.example.com")
                    .sign()
                    .expect("sign"),
            ),
        ),
        (
            "wrong-key",
            Some(
                other_keys()
                    .session("user_1")
                    .authorized_party(APP)
                    .sign()
                    .expect("sign"),
            ),
        ),
        ("member", Some(session("user_member", "org:member"))),
        ("admin", Some(session("user_admin", "org:admin"))),
        ("m2m", Some(m2m())),
    ]
}

const OK: (u16, &str) = (200, "");

/// Expected `(status, x-clerk-auth-reason)` for each credential on each route.
fn expected(credential: &str, route: &str) -> (u16, &'static str) {
    let missing = (401, "session-token-missing");
    let mismatch = (401, "token-type-mismatch");
    let forbidden = (403, "insufficient-scope");
    match (credential, route) {
        // Upstream's wording when only machine tokens are accepted.
        ("none", "/m2m-only") => (401, "No token in header"),
        ("none", _) => missing,
        ("malformed", "/m2m-only") => mismatch,
        ("malformed", _) => (401, "token-invalid"),
        ("expired", "/m2m-only") => mismatch,
        ("expired", _) => (401, "token-expired"),
        ("wrong-azp", "/m2m-only") => mismatch,
        ("wrong-azp", _) => (401, "token-invalid-authorized-parties"),
        ("wrong-key", "/m2m-only") => mismatch,
        // A static JWT key is tried whatever the `kid`.
        ("wrong-key", _) => (401, "token-invalid-signature"),
        ("member", "/bare") => OK,
        ("member", "/admin" | "/admin-or-m2m") => forbidden,
        ("admin", "/bare" | "/admin" | "/admin-or-m2m") => OK,
        ("member" | "admin", "/m2m-only") => mismatch,
        ("m2m", "/bare" | "/admin") => mismatch,
        ("m2m", "/admin-or-m2m" | "/m2m-only") => OK,
        _ => (0, "unexpected case"),
    }
}

#[tokio::test]
async fn request_matrix() {
    let base = serve(router(clerk())).await;
    let mut failures = Vec::new();
    let mut cases = 0;
    for (name, token) in credentials() {
        for route in ["/bare", "/admin", "/admin-or-m2m", "/m2m-only"] {
            cases += 1;
            let answer = call(&base, route, token.as_deref()).await;
            let (status, reason) = expected(name, route);
            let got = (answer.status.as_u16(), answer.reason.as_deref().unwrap_or(""));
            if got != (status, reason) {
                failures.push(format!(
                    "{name} on {route}: expected {status} {reason:?}, got {} {:?} ({})",
                    got.0, got.1, answer.body
                ));
            } else if status == 200 {
                assert_eq!(answer.body, route.trim_start_matches('/').replace("/", "-"));
            }
        }
    }
    assert_eq!(cases, 32);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn rejections_are_the_axum_integrations() {
    let base = serve(router(clerk())).await;

    let answer = call(&base, "/admin", Some(&session("user_member", "org:member"))).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let json: serde_json::Value = serde_json::from_str(&answer.body).expect("json body");
    assert_eq!(json["error"], "insufficient_scope");
    assert_eq!(json["reason"], "insufficient-scope");

    let answer = call(&base, "/bare", None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let json: serde_json::Value = serde_json::from_str(&answer.body).expect("json body");
    assert_eq!(json["error"], "invalid_token");
}

#[tokio::test]
async fn extractors_receive_the_guards_verification() {
    let clerk = clerk();
    let base = serve(router(clerk.clone())).await;

    let answer = call(&base, "/me", Some(&session("user_member", "org:member"))).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "user_member")
    );
    assert_eq!(clerk.authentications(), 1);

    let answer = call(&base, "/me", Some(&session("user_admin", "org:admin"))).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "user_admin")
    );
    assert_eq!(clerk.authentications(), 2);

    let answer = call(&base, "/machine", Some(&m2m())).await;
    assert_eq!((answer.status, answer.body.as_str()), (StatusCode::OK, "mch_1"));
    assert_eq!(clerk.authentications(), 3);

    let answer = call(&base, "/auth", Some(&m2m())).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, "m2m_token")
    );
    assert_eq!(clerk.authentications(), 4);

    // Rejected by the guard: the extractor never runs, and nothing is verified twice.
    let answer = call(&base, "/machine", Some(&session("user_admin", "org:admin"))).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(clerk.authentications(), 5);
}

#[tokio::test]
async fn a_layers_outcome_is_reused() {
    let clerk = clerk();
    let app = router(clerk.clone()).layer(ClerkLayer::new(clerk.clone()));
    let base = serve(app).await;

    for (path, token, want) in [
        ("/me", session("user_admin", "org:admin"), "user_admin"),
        ("/admin-or-m2m", m2m(), "admin-or-m2m"),
        ("/machine", m2m(), "mch_1"),
    ] {
        let before = clerk.authentications();
        let answer = call(&base, path, Some(&token)).await;
        assert_eq!(
            (answer.status, answer.body.as_str()),
            (StatusCode::OK, want),
            "{path}"
        );
        assert_eq!(clerk.authentications(), before + 1, "{path}");
    }
}

#[tokio::test]
async fn keys_unavailable_is_503() {
    use clerk_sdk::testing::{Endpoint, Fault, MockClerkApi};
    let mock = MockClerkApi::start("sk_test_x").await.expect("mock API");
    mock.set_fault(Endpoint::Jwks, Fault::Status(503));
    let clerk = Clerk::new(
        clerk_sdk::ClerkConfig::builder()
            .secret_key("sk_test_x")
            .api_url(mock.url())
            .jwks_policy(
                clerk_sdk::config::JwksPolicy::default().timeout(std::time::Duration::from_millis(500)),
            )
            .build()
            .expect("config"),
    );
    let base = serve(router(clerk)).await;
    let answer = call(&base, "/admin", Some(&session("user_admin", "org:admin"))).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer.reason.as_deref(), Some("jwk-remote-failed-to-load"));
}
