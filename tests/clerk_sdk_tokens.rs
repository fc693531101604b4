//! Session tokens minted by Clerk's own SDK (`@clerk/backend`'s `signJwt`), judged by
//! `@clerk/backend` itself and by us, on the same tokens at the same instant.
//!
//! One node process (`clerk_sdk_tokens/mint.mjs`) mints the corpus with our test key pair (v1
//! and v2 claims, organisations, actors, pending sessions, and the edge cases: expiry, skew
//! boundaries, `azp`, `sub`, `typ`, `cat`, `kid`, other algorithms, other keys, tampering, odd
//! encodings) and prints, for each token, `verifyToken`'s verdict and `authenticateRequest`'s
//! state with its `toAuth()` (identity, organisation, machine, `has()` answers), accepting
//! session tokens and accepting session and m2m tokens. The test then requires:
//!
//! - `Clerk::verify_token` gives the same claims or the same reason;
//! - `Clerk::authenticate_request` (and `authenticate_request_with` both types) gives the same
//!   status, reason, token type and auth object;
//! - the axum and actix demos (real HTTP on 127.0.0.1) answer `/me`, `/admin` and `/either` as
//!   those verdicts say: 200 with the caller, 403 for a member on `/admin`, 401 with the reason
//!   and upstream's `x-clerk-auth-status` / `x-clerk-auth-reason`;
//! - the Worker example in workerd (both builds), when built, answers `/me` and `/admin`
//!   exactly as the axum demo.
//!
//! Where we differ from `@clerk/backend` on purpose, the expected answer is upstream's adjusted
//! by the documented difference (crate docs, "Differences from @clerk/backend"): RS384/RS512 are
//! `token-invalid-algorithm`, time failures in a request keep their own reasons, a time claim
//! a JavaScript date cannot hold is refused (upstream lets it pass), and a `fea` element
//! without a colon fails closed instead of throwing. Anything else is a bug.
//!
//! Both sides read a clock frozen at one whole second (node's `Date.now`, our `FixedClock`), so
//! the skew boundaries are exact. The Worker reads the real clock: it gets only the tokens
//! whose verdict stays the same for minutes around that second.
//!
//! Without node or `examples/worker/node_modules` (`npm ci` there), or without the Worker builds
//! (`.ci/worker`), the test prints loudly what it skipped; with `CI=true` it fails.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clerk_examples::demo::Framework;
use clerk_integration_tests::workerd::{Bindings, RUST_CRYPTO, Service, WEBCRYPTO, Workerd, WorkerdParts};
use clerk_integration_tests::{
    Answer, TestServer, bind, client, comparable, get, leaks, rejection_mismatches, skip_loudly_or_fail,
    success_mismatches, test_keys,
};
use clerk_sdk::auth::Reverification;
use clerk_sdk::clock::FixedClock;
use clerk_sdk::{AcceptsToken, Auth, Clerk, ClerkConfig, Has, RequestState, TokenType};
use serde_json::{Value, json};

const AZP: &str = "https://app.example";
const ISSUER: &str = "https://example.clerk.accounts.dev";
const SECRET_KEY: &str = "sk_test_clerk_sdk_tokens_never_sent";
/// `pk_test_` + base64 of `example.clerk.accounts.dev$`.
const PUBLISHABLE_KEY: &str = "pk_test_ZXhhbXBsZS5jbGVyay5hY2NvdW50cy5kZXYk";
/// The demo routes the Worker also serves (the demos serve `/either` too).
const ROUTES: [&str; 2] = ["/me", "/admin"];
const WORKER_BUILDS: [&str; 2] = [WEBCRYPTO, RUST_CRYPTO];

/// One token of the corpus and `@clerk/backend`'s verdicts on it.
#[derive(Debug)]
struct Case {
    name: String,
    token: String,
    /// The verdict holds only at the frozen instant (a skew boundary).
    exact_clock: bool,
    /// `verifyToken`: `{ok, claims}` or `{ok: false, reason, message}`.
    verify: Value,
    /// `authenticateRequest` accepting session tokens (the default): `{status, reason,
    /// token_type, headers, auth | auth_error}`.
    request: Value,
    /// The same accepting session and m2m tokens, as the demos' middleware does.
    request_either: Value,
}

/// The Worker example's directory, where `npm ci` installs `@clerk/backend`.
fn worker_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/worker")
}

/// The corpus, minted and judged by `@clerk/backend` at `now_ms`; `None` (after saying so
/// loudly) when node or the package is missing outside CI.
fn mint(now_ms: u64) -> Option<(String, Vec<Case>)> {
    let backend = worker_dir().join("node_modules/@clerk/backend/package.json");
    if !backend.is_file() {
        skip_loudly_or_fail(&format!(
            "clerk_sdk_tokens NOT RUN: {} is missing (cd examples/worker && npm ci)",
            backend.display()
        ));
        return None;
    }
    let keys = test_keys();
    let input = json!({
        "backend_dir": worker_dir(),
        "private_key_pem": keys.private_key_pem().expect("private key PEM"),
        "public_key_pem": keys.public_key_pem().expect("public key PEM"),
        "now_ms": now_ms,
        "authorized_party": AZP,
        "issuer": ISSUER,
        "secret_key": SECRET_KEY,
        "publishable_key": PUBLISHABLE_KEY,
    });
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("clerk_sdk_tokens/mint.mjs");
    let child = Command::new("node")
        .arg(&script)
        .env("CLERK_TELEMETRY_DISABLED", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => {
            skip_loudly_or_fail(&format!("clerk_sdk_tokens NOT RUN: cannot start node: {e}"));
            return None;
        }
    };
    child
        .stdin
        .take()
        .expect("node's stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write node's input");
    let output = child.wait_with_output().expect("wait for node");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "mint.mjs failed ({}):\n{stderr}",
        output.status
    );
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 from node");
    let mut lines = stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("mint.mjs printed {l:?}: {e}")));
    let meta = lines.next().expect("mint.mjs's first line");
    let version = meta["meta"]["backend_version"]
        .as_str()
        .expect("version")
        .to_owned();
    let cases: Vec<Case> = lines
        .map(|mut l| Case {
            name: l["name"].as_str().expect("name").to_owned(),
            token: l["token"].as_str().expect("token").to_owned(),
            exact_clock: l["exact_clock"].as_bool().expect("exact_clock"),
            verify: l["verify"].take(),
            request: l["request"].take(),
            request_either: l["request_either"].take(),
        })
        .map(adjusted)
        .collect();
    assert_eq!(
        Some(cases.len() as u64),
        meta["meta"]["cases"].as_u64(),
        "node printed every case"
    );
    Some((version, cases))
}

/// The frozen instant: now, on a whole second.
fn frozen_now_ms() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    now.as_secs() * 1000
}

/// Our verifier, configured as the Worker is (JWT key, authorized party, keys), reading a
/// clock frozen at `now_ms`.
fn clerk(now_ms: u64) -> Clerk {
    let config = ClerkConfig::builder()
        .jwt_key(test_keys().public_key_pem().expect("public key PEM"))
        .authorized_party(AZP)
        .secret_key(SECRET_KEY)
        .publishable_key(PUBLISHABLE_KEY)
        .clock(FixedClock::new(now_ms))
        .build()
        .expect("the verifier's config");
    Clerk::new(config)
}

/// The token's header `alg`, when the header decodes.
fn header_alg(token: &str) -> Option<String> {
    let header = URL_SAFE_NO_PAD.decode(token.split('.').next()?).ok()?;
    let header: Value = serde_json::from_slice(&header).ok()?;
    header["alg"].as_str().map(str::to_owned)
}

/// Tokens with a time claim a JavaScript date cannot hold, and our reason for each:
/// upstream's date turns invalid, every comparison with it passes, and the token is accepted
/// (never expiring, or active before its `nbf`); we compare the numbers, or cannot read the
/// number at all, and refuse it.
const BEYOND_JAVASCRIPT_DATES: [(&str, &str); 2] = [
    ("nbf beyond the JavaScript date range", "token-not-active-yet"),
    ("exp as 1e400 (Infinity in JavaScript)", "token-invalid"),
];

/// `case` with upstream's verdicts turned into ours where we differ on purpose (README,
/// "Differences from @clerk/backend"): what the comparisons then require of us.
fn adjusted(mut case: Case) -> Case {
    // RS256 only: upstream refuses RS384/RS512 for its key's algorithm
    // (`token-verification-failed`); we refuse the algorithm itself, before the key.
    let raw_reasons = [
        case.request["reason"].clone(),
        case.request_either["reason"].clone(),
    ];
    let other_rsa = matches!(header_alg(&case.token).as_deref(), Some("RS384" | "RS512"));
    for verdict in [&mut case.verify, &mut case.request, &mut case.request_either] {
        if other_rsa && verdict["reason"] == "token-verification-failed" {
            verdict["reason"] = json!("token-invalid-algorithm");
        }
    }
    for (state, raw_reason) in [&mut case.request, &mut case.request_either]
        .into_iter()
        .zip(raw_reasons)
    {
        // Clean reasons for time failures: a header token that is expired, not yet valid or
        // issued in the future keeps its verification reason (upstream's request path
        // renames them for its browser refresh flow).
        if let Some(reason) = state["reason"].as_str() {
            let ours = match reason {
                r if r.starts_with("session-token-expired-refresh-") => "token-expired",
                "session-token-nbf" => "token-not-active-yet",
                "session-token-iat-in-the-future" => "token-iat-in-the-future",
                r => r,
            };
            state["reason"] = json!(ours);
        }
        // The state's debug header says the state's reason: ours too.
        if state["headers"]["x-clerk-auth-reason"] == raw_reason {
            state["headers"]["x-clerk-auth-reason"] = state["reason"].clone();
        }
    }
    if let Some((_, reason)) = BEYOND_JAVASCRIPT_DATES.iter().find(|(n, _)| *n == case.name) {
        case.verify = json!({ "ok": false, "reason": reason });
        for state in [&mut case.request, &mut case.request_either] {
            *state = signed_out_session(reason, state);
        }
    }
    case
}

/// A signed-out state with `reason` for a session token, in mint.mjs's shape, asking the
/// `has()` queries `like` asked.
fn signed_out_session(reason: &str, like: &Value) -> Value {
    let has: serde_json::Map<String, Value> = like["auth"]["has"]
        .as_object()
        .map(|h| h.keys().map(|k| (k.clone(), Value::Bool(false))).collect())
        .unwrap_or_default();
    json!({
        "status": "signed-out",
        "reason": reason,
        "token_type": "session_token",
        "auth": {
            "is_authenticated": false, "token_type": "session_token", "user_id": null,
            "session_id": null, "session_status": null, "org_id": null, "org_role": null,
            "org_slug": null, "org_permissions": null, "actor": null,
            "factor_verification_age": null, "machine_id": null, "scopes": null, "has": has,
        },
    })
}

/// Our `verify_token` against `verifyToken`.
async fn compare_verify(clerk: &Clerk, case: &Case) -> Vec<String> {
    let ours = clerk.verify_token(&case.token).await;
    let up = &case.verify;
    match (&ours, up["ok"].as_bool()) {
        (Ok(claims), Some(true)) => {
            let ours = Value::Object(claims.as_map().clone());
            if same_json(&ours, &up["claims"]) {
                Vec::new()
            } else {
                vec![format!("verify_token claims {ours} (upstream {})", up["claims"])]
            }
        }
        (Err(e), Some(false)) => {
            let want = up["reason"].as_str().unwrap_or_default();
            if e.reason() == want {
                Vec::new()
            } else {
                vec![format!(
                    "verify_token refused with {} ({e}); upstream {want}: {}",
                    e.reason(),
                    up["message"]
                )]
            }
        }
        (Ok(_), _) => vec![format!(
            "verify_token accepted; upstream refused with {}: {}",
            up["reason"], up["message"]
        )],
        (Err(e), _) => vec![format!(
            "verify_token refused with {} ({e}); upstream accepted",
            e.reason()
        )],
    }
}

/// JSON equality as JavaScript sees it: numbers by value (`1.7e9` and `1700000000` are one
/// number there, while serde_json keeps a float and an integer apart).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// `toAuth()`'s fields as mint.mjs prints them, for our [`Auth`]; `has` answers the queries
/// upstream answered (`"kind:value"`).
fn auth_view(auth: &Auth, queries: &serde_json::Map<String, Value>) -> Value {
    let session = auth.session();
    let has: serde_json::Map<String, Value> = queries
        .keys()
        .map(|query| (query.clone(), Value::Bool(has(auth, query))))
        .collect();
    json!({
        "is_authenticated": auth.is_authenticated(),
        "token_type": auth.token_type().map(|t| t.as_str()),
        "user_id": auth.user_id(),
        "session_id": auth.session_id(),
        "session_status": auth.session_status(),
        "org_id": auth.org_id(),
        "org_role": auth.org_role(),
        "org_slug": auth.org_slug(),
        "org_permissions": auth.org_permissions(),
        "actor": session.and_then(|s| s.actor()),
        "factor_verification_age": session.and_then(|s| s.factor_verification_age()),
        "machine_id": auth.machine_id(),
        "scopes": auth.machine().map(|m| m.scopes()),
        "has": has,
    })
}

/// Our `has()` for one of upstream's queries, `"role:org:admin"`, `"reverification:strict"`, ….
fn has(auth: &Auth, query: &str) -> bool {
    let (kind, value) = query.split_once(':').expect("kind:value");
    let check = match kind {
        "role" => Has::role(value),
        "permission" => Has::permission(value),
        "feature" => Has::feature(value),
        "plan" => Has::plan(value),
        "reverification" => Has::reverification(value.parse::<Reverification>().expect("a preset")),
        other => panic!("unknown has() kind {other}"),
    };
    auth.has(&check)
}

/// Our `authenticate_request` against `authenticateRequest` (header token), accepting
/// session tokens (`either` false: the default) or session and m2m tokens.
async fn compare_request(clerk: &Clerk, case: &Case, either: bool) -> Vec<String> {
    let request = http::Request::builder()
        .uri("/me")
        .header(http::header::AUTHORIZATION, format!("Bearer {}", case.token))
        .body(())
        .expect("a request");
    let (state, up) = if either {
        let accepts = AcceptsToken::Many(vec![TokenType::SessionToken, TokenType::M2mToken]);
        let state = clerk.authenticate_request_with(&request, &accepts).await;
        (state, &case.request_either)
    } else {
        (clerk.authenticate_request(&request).await, &case.request)
    };
    let accepting = if either { "session and m2m" } else { "session" };
    compare_state(&state, up)
        .into_iter()
        .map(|p| format!("accepting {accepting} tokens: {p}"))
        .collect()
}

fn compare_state(state: &RequestState, up: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if state.status().as_str() != up["status"] {
        out.push(format!(
            "authenticate_request {} {:?} (upstream {} {})",
            state.status(),
            state.reason_str(),
            up["status"],
            up["reason"]
        ));
    }
    if state.reason_str() != up["reason"].as_str() {
        out.push(format!(
            "authenticate_request reason {:?} (upstream, as ours: {})",
            state.reason_str(),
            up["reason"]
        ));
    }
    if state.token_type().map(|t| t.as_str()) != up["token_type"].as_str() {
        out.push(format!(
            "token type {:?} (upstream {})",
            state.token_type(),
            up["token_type"]
        ));
    }
    if let Some(thrown) = up["auth_error"].as_str() {
        // `toAuth()` throws on a `fea` element without a colon; we keep the session and fail
        // every feature check closed.
        let feature_checks_pass = ["feature:reports", "feature:user:profile"]
            .iter()
            .any(|q| has(state.auth(), q));
        if !state.auth().is_authenticated() || feature_checks_pass {
            out.push(format!(
                "upstream's toAuth() threw ({thrown}); ours is authenticated {} with a feature check passing {feature_checks_pass}",
                state.auth().is_authenticated()
            ));
        }
        return out;
    }
    let want = &up["auth"];
    let queries = want["has"].as_object().cloned().unwrap_or_default();
    let ours = auth_view(state.auth(), &queries);
    if &ours != want {
        out.push(format!("toAuth {ours}\n    upstream {want}"));
    }
    out
}

/// What a demo route must answer for `case`, from `@clerk/backend`'s request state: `/me` and
/// `/admin` accept session tokens, `/either` session and m2m tokens.
fn expected_route(path: &str, case: &Case) -> Result<Value, (u16, String)> {
    let up = if path == "/either" {
        &case.request_either
    } else {
        &case.request
    };
    if let Some(reason) = up["reason"].as_str() {
        return Err((401, reason.to_owned()));
    }
    let auth = &up["auth"];
    if up["auth_error"].is_string() {
        // No auth object upstream (see `compare_request`): the token is the v2 admin's.
        return Ok(match path {
            "/me" => json!({ "user_id": "user_admin", "org_id": "org_2acme", "org_role": "org:admin" }),
            "/either" => json!({ "caller": "session", "user_id": "user_admin" }),
            _ => json!({ "message": "welcome, org admin", "user_id": "user_admin", "org_id": "org_2acme" }),
        });
    }
    if auth["is_authenticated"] != true {
        // Signed in but pending: signed out by default, with our own reason.
        return Err((401, "session-pending".to_owned()));
    }
    match path {
        "/either" if auth["token_type"] == "m2m_token" => {
            Ok(json!({ "caller": "machine", "machine_id": auth["machine_id"] }))
        }
        "/either" => Ok(json!({ "caller": "session", "user_id": auth["user_id"] })),
        "/me" => Ok(json!({
            "user_id": auth["user_id"], "org_id": auth["org_id"], "org_role": auth["org_role"],
        })),
        _ if auth["has"]["role:org:admin"] == true => Ok(json!({
            "message": "welcome, org admin", "user_id": auth["user_id"], "org_id": auth["org_id"],
        })),
        _ => Err((403, "insufficient-scope".to_owned())),
    }
}

/// Every way a demo's `answer` on `path` differs from `want`, and from the debug headers
/// upstream's state carries (`x-clerk-auth-status` and `-reason` when signed out; messages are
/// each SDK's own words).
fn route_mismatches(answer: &Answer, path: &str, case: &Case) -> Vec<String> {
    let want = expected_route(path, case);
    let mut out = match &want {
        Ok(body) => success_mismatches(answer, body),
        Err((status, reason)) => rejection_mismatches(answer, *status, reason),
    };
    let up = if path == "/either" {
        &case.request_either
    } else {
        &case.request
    };
    for name in ["x-clerk-auth-status", "x-clerk-auth-reason"] {
        if let Some(value) = up["headers"][name].as_str()
            && answer.header(name) != Some(value)
        {
            out.push(format!(
                "{name} {:?} (upstream's state: {value})",
                answer.header(name)
            ));
        }
    }
    out
}

#[tokio::test]
async fn tokens_minted_by_clerks_sdk_are_judged_as_clerk_judges_them() {
    let now_ms = frozen_now_ms();
    let Some((version, cases)) = mint(now_ms) else {
        return;
    };
    assert_eq!(
        version, "3.25.0",
        "the @clerk/backend release our behaviour follows"
    );
    for (name, _) in BEYOND_JAVASCRIPT_DATES {
        assert!(
            cases.iter().any(|c| c.name == name),
            "mint.mjs no longer mints {name:?}"
        );
    }
    let clerk = clerk(now_ms);
    let client = client();
    let mut demos = Vec::new();
    for framework in [Framework::Axum, Framework::Actix] {
        let (listener, _) = bind().await;
        demos.push((
            framework,
            TestServer::start_demo(framework, listener, clerk.clone(), None),
        ));
    }
    let tokens: Vec<&str> = cases.iter().map(|c| c.token.as_str()).collect();
    let mut failures = Vec::new();
    let mut axum_answers = Vec::new();
    for case in &cases {
        let mut problems = compare_verify(&clerk, case).await;
        problems.extend(compare_request(&clerk, case, false).await);
        problems.extend(compare_request(&clerk, case, true).await);
        for path in ROUTES.into_iter().chain(["/either"]) {
            let authorization = format!("Bearer {}", case.token);
            for (framework, demo) in &demos {
                let answer = get(&client, &demo.url(path), Some(&authorization)).await;
                problems.extend(
                    route_mismatches(&answer, path, case)
                        .into_iter()
                        .chain(leaks(&answer, &tokens))
                        .map(|p| format!("{framework:?} demo GET {path}: {p}")),
                );
                if *framework == Framework::Axum && ROUTES.contains(&path) {
                    axum_answers.push((case, path, answer));
                }
            }
        }
        failures.extend(problems.into_iter().map(|p| format!("[{}] {p}", case.name)));
    }
    failures.extend(compare_worker(&axum_answers, &tokens).await);
    eprintln!(
        "{} tokens minted by @clerk/backend {version}, {} disagreements with it",
        cases.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The Worker in workerd, both builds, against the axum demo's answers, for every token whose
/// verdict does not depend on the exact instant. Empty (after saying so) without the builds.
async fn compare_worker(axum_answers: &[(&Case, &str, Answer)], tokens: &[&str]) -> Vec<String> {
    let Some(parts) = WorkerdParts::locate(&WORKER_BUILDS) else {
        return Vec::new();
    };
    let bindings = Bindings {
        jwt_key_pem: test_keys().public_key_pem().expect("public key PEM"),
        authorized_parties: AZP.to_owned(),
        secret_key: SECRET_KEY.to_owned(),
        publishable_key: PUBLISHABLE_KEY.to_owned(),
        webhook_secret: "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY".to_owned(),
    };
    let services: Vec<Service> = WORKER_BUILDS.iter().map(|b| Service::RustWorker(b)).collect();
    let workerd = Workerd::start(&parts, &bindings, &services);
    let client = client();
    let mut failures = Vec::new();
    let mut compared = 0;
    for (case, path, want) in axum_answers.iter().filter(|(c, _, _)| !c.exact_clock) {
        let authorization = format!("Bearer {}", case.token);
        for service in &services {
            let url = format!("{}{path}", workerd.url(service));
            let got = get(&client, &url, Some(&authorization)).await;
            compared += 1;
            if comparable(&got) != comparable(want) {
                failures.push(format!(
                    "[{}] Worker {service:?} GET {path}: {}\n    the axum demo {}",
                    case.name,
                    comparable(&got),
                    comparable(want)
                ));
            }
            failures.extend(
                leaks(&got, tokens)
                    .into_iter()
                    .map(|p| format!("[{}] Worker {service:?} GET {path}: {p}", case.name)),
            );
        }
    }
    eprintln!("the Worker: {compared} answers compared with the axum demo's");
    if !failures.is_empty() {
        failures.push(format!("workerd log:\n{}", workerd.log()));
    }
    failures
}
