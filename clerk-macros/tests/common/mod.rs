//! What the axum and the actix-web behaviour tests share: the keys, the `Clerk`, the
//! credentials, the answers each route must give (the same on both frameworks, since the
//! macro's guard is the same) and a plain HTTP client.
#![allow(dead_code, unreachable_pub)]

use std::sync::OnceLock;

use clerk_sdk::testing::{Endpoint, Fault, MockClerkApi, TestKeys};
use clerk_sdk::{AcceptsToken, Clerk, TokenType};
use http::StatusCode;

pub(crate) const APP: &str = "https://app.example.com";

pub(crate) fn keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| TestKeys::generate().expect("generate test keys"))
}

pub(crate) fn other_keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| TestKeys::generate().expect("generate test keys"))
}

/// Session and m2m tokens: what the `Clerk` and the middlewares admit.
pub(crate) fn session_or_m2m() -> AcceptsToken {
    AcceptsToken::Many(vec![TokenType::SessionToken, TokenType::M2mToken])
}

/// Configured for sessions and m2m tokens; each route narrows `accepts` through its guard.
pub(crate) fn clerk() -> Clerk {
    Clerk::new(
        keys()
            .config_builder()
            .authorized_party(APP)
            .accepts(session_or_m2m())
            .build()
            .expect("config"),
    )
}

pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) reason: Option<String>,
    pub(crate) body: String,
}

pub(crate) async fn call(base: &str, path: &str, token: Option<&str>) -> Answer {
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

pub(crate) fn session(user: &str, role: &str) -> String {
    keys()
        .session(user)
        .authorized_party(APP)
        .org_v1("org_1", "acme", role, &[])
        .sign()
        .expect("sign")
}

pub(crate) fn m2m() -> String {
    keys()
        .session("mch_1")
        .header("cat", "cl_B7d4PD333AAA")
        .sign()
        .expect("sign")
}

/// Credentials of the matrix, by name.
pub(crate) fn credentials() -> Vec<(&'static str, Option<String>)> {
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

pub(crate) const OK: (u16, &str) = (200, "");

/// Expected `(status, x-clerk-auth-reason)` for each credential on each route, the same
/// without and with a middleware (axum's `ClerkLayer`, actix's `ClerkMiddleware`) admitting
/// session and m2m tokens in front of the guards.
///
/// With the middleware a bad token is decided once, under session and m2m tokens, but each
/// route answers as it would alone: `/m2m-only` answers an expired session token with
/// `token-type-mismatch`, as upstream's m2m-only routes do, not with the token's own fault.
pub(crate) fn expected(credential: &str, route: &str) -> (u16, &'static str) {
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

/// The routes of the matrix; each test app serves them with these handlers' policies:
/// bare, `role = "org:admin"`, `role = "org:admin", accepts = ["session_token",
/// "m2m_token"]` and `accepts = "m2m_token"`, answering `200` with the path's name.
pub(crate) const MATRIX_ROUTES: [&str; 4] = ["/bare", "/admin", "/admin-or-m2m", "/m2m-only"];

/// Every credential on every route of the app at `base` (behind a middleware or not) gets
/// [`expected`]'s answer.
pub(crate) async fn request_matrix(base: &str, middleware: bool) {
    let mut failures = Vec::new();
    let mut cases = 0;
    for (name, token) in credentials() {
        for route in MATRIX_ROUTES {
            cases += 1;
            let answer = call(base, route, token.as_deref()).await;
            let (status, reason) = expected(name, route);
            let got = (answer.status.as_u16(), answer.reason.as_deref().unwrap_or(""));
            if got != (status, reason) {
                let behind = if middleware { " behind the middleware" } else { "" };
                failures.push(format!(
                    "{name} on {route}{behind}: expected {status} {reason:?}, got {} {:?} ({})",
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

/// A `Clerk` whose keys cannot be had (the JWKS endpoint answers 503), and the mock serving
/// it (keep it alive for the test).
pub(crate) async fn unavailable_clerk() -> (MockClerkApi, Clerk) {
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
    (mock, clerk)
}

/// The handlers of the matrix and of the extractor tests, written once and compiled against
/// `clerk_sdk::$adapter` (`axum` or `actix`): the same source is an axum handler and an
/// actix-web handler, since the attribute's expansion does not depend on the framework.
macro_rules! matrix_handlers {
    ($adapter:ident) => {
        use clerk_sdk::$adapter::{ClerkAuth, ClerkMachine, ClerkSession};
        use clerk_sdk::{TokenType, clerk_protected};

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
    };
}
pub(crate) use matrix_handlers;
