//! The Worker example (`examples/worker`) inside Cloudflare's workerd on 127.0.0.1, against the
//! axum demo: every route × {no credential, malformed, expired, tampered, wrong `azp`, member,
//! admin, m2m}, and a signed webhook, its replay and a forged one. Each answer of the Worker
//! must equal the demo's (status, `WWW-Authenticate`, `x-clerk-auth-*`, `content-type`, JSON
//! body), and the key cases are also checked against what they must be.
//!
//! Both builds of the Worker are run: signatures through the runtime's WebCrypto, and through
//! RustCrypto compiled to wasm. The builds come from `.ci/wasm`; without them the test prints
//! loudly that it skipped (and fails with `CI=true`).

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clerk_examples::demo::{WEBHOOK_PATH, app, with_replay_store};
use clerk_integration_tests::workerd::{Bindings, RUST_CRYPTO, Service, WEBCRYPTO, Workerd, WorkerdParts};
use clerk_integration_tests::{
    Answer, TestServer, client, comparable, get, leaks, now_s, rejection_mismatches, send_raw,
    success_mismatches, test_keys, webhook_rejection_mismatches,
};
use clerk_sdk::testing::{SessionTokenBuilder, sign_webhook};
use clerk_sdk::webhook::Webhook;
use clerk_sdk::{Clerk, ClerkConfig};
use http::{HeaderMap, HeaderValue, Method};
use serde_json::json;

const AZP: &str = "https://app.example";
const SECRET_KEY: &str = "sk_test_worker_routes_never_sent";
/// `pk_test_` + base64 of `example.clerk.accounts.dev$`.
const PUBLISHABLE_KEY: &str = "pk_test_ZXhhbXBsZS5jbGVyay5hY2NvdW50cy5kZXYk";
const WEBHOOK_SECRET: &str = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY";
const WEBHOOK_BODY: &str =
    r#"{"type":"user.created","object":"event","data":{"id":"user_1","object":"user"}}"#;
const M2M_CATEGORY: &str = "cl_B7d4PD333AAA";
const HOUR: Duration = Duration::from_secs(3600);
const VARIANTS: [&str; 2] = [WEBCRYPTO, RUST_CRYPTO];

fn bindings() -> Bindings {
    Bindings {
        jwt_key_pem: test_keys().public_key_pem().expect("public key PEM"),
        authorized_parties: AZP.to_owned(),
        secret_key: SECRET_KEY.to_owned(),
        publishable_key: PUBLISHABLE_KEY.to_owned(),
        webhook_secret: WEBHOOK_SECRET.to_owned(),
    }
}

/// The axum demo configured as the Worker is: the same JWT key, authorized party, secret key
/// and webhook secret.
async fn demo() -> TestServer {
    let config = ClerkConfig::builder()
        .jwt_key(test_keys().public_key_pem().expect("public key PEM"))
        .authorized_party(AZP)
        .secret_key(SECRET_KEY)
        .build()
        .expect("the demo's config");
    let webhook = with_replay_store(Webhook::new(WEBHOOK_SECRET).expect("webhook secret"));
    TestServer::spawn(app(Clerk::new(config), Some(webhook))).await
}

fn start() -> Option<Workerd> {
    let parts = WorkerdParts::locate(&VARIANTS)?;
    let services: Vec<Service> = VARIANTS.iter().map(|v| Service::RustWorker(v)).collect();
    Some(Workerd::start(&parts, &bindings(), &services))
}

/// The cases: a name and the `Authorization` value.
fn cases() -> Vec<(&'static str, Option<String>)> {
    let keys = test_keys();
    let session = |user: &str, role: &str| {
        keys.session(user)
            .authorized_party(AZP)
            .org_v1("org_1", "acme", role, &["org:reports:read"])
            .lifetime(HOUR)
    };
    let sign = |b: SessionTokenBuilder| b.sign().expect("sign");
    let member = sign(session("user_member", "org:member"));
    // The payload changed after signing: `user_member` becomes `user_memben`.
    let mut parts: Vec<String> = member.split('.').map(str::to_owned).collect();
    let payload = URL_SAFE_NO_PAD.decode(&parts[1]).expect("payload");
    let forged = String::from_utf8(payload)
        .expect("utf-8")
        .replace("user_member", "user_memben");
    parts[1] = URL_SAFE_NO_PAD.encode(forged);
    let tampered = parts.join(".");
    let machine = sign(
        keys.session("mch_reporter")
            .header("cat", M2M_CATEGORY)
            .without_claim("sid")
            .without_claim("sts")
            .lifetime(HOUR),
    );
    let bearer = |t: &str| Some(format!("Bearer {t}"));
    vec![
        ("no credential", None),
        ("malformed", Some("Bearer not-a-jwt".to_owned())),
        (
            "expired",
            bearer(&sign(session("user_member", "org:member").expired())),
        ),
        ("tampered", bearer(&tampered)),
        (
            "wrong azp",
            bearer(&sign(
                session("user_member", "org:member").authorized_party("https://evil.example"),
            )),
        ),
        ("member", bearer(&member)),
        ("admin", bearer(&sign(session("user_admin", "org:admin")))),
        ("m2m", bearer(&machine)),
    ]
}

/// What some cases must answer whatever the demo does.
fn must(path: &str, case: &str, answer: &Answer) -> Vec<String> {
    let member = json!({ "user_id": "user_member", "org_id": "org_1", "org_role": "org:member" });
    match (path, case) {
        ("/public", _) => success_mismatches(answer, &json!({ "message": "public: no sign-in needed" })),
        (_, "no credential") => rejection_mismatches(answer, 401, "session-token-missing"),
        (_, "expired") => rejection_mismatches(answer, 401, "token-expired"),
        (_, "wrong azp") => rejection_mismatches(answer, 401, "token-invalid-authorized-parties"),
        (_, "m2m") => rejection_mismatches(answer, 401, "token-type-mismatch"),
        (_, "tampered") if answer.status != 401 => vec![format!("status {}", answer.status)],
        ("/me", "member") => success_mismatches(answer, &member),
        ("/admin", "member") => rejection_mismatches(answer, 403, "insufficient-scope"),
        ("/admin", "admin") => success_mismatches(
            answer,
            &json!({ "message": "welcome, org admin", "user_id": "user_admin", "org_id": "org_1" }),
        ),
        _ => Vec::new(),
    }
}

#[tokio::test]
async fn token_routes_answer_as_the_axum_demo() {
    let Some(workerd) = start() else { return };
    let demo = demo().await;
    let client = client();
    let cases = cases();
    let tokens: Vec<&str> = cases
        .iter()
        .filter_map(|(_, a)| a.as_deref()?.strip_prefix("Bearer "))
        .collect();
    let mut failures = Vec::new();
    for path in ["/public", "/me", "/admin"] {
        for (case, authorization) in &cases {
            let want = get(&client, &demo.url(path), authorization.as_deref()).await;
            for variant in VARIANTS {
                let url = format!("{}{path}", workerd.url(&Service::RustWorker(variant)));
                let got = get(&client, &url, authorization.as_deref()).await;
                let what = format!("{variant}: GET {path} {case}");
                if comparable(&got) != comparable(&want) {
                    failures.push(format!(
                        "{what}: the Worker answered\n  {}\nthe demo\n  {}",
                        comparable(&got),
                        comparable(&want)
                    ));
                }
                failures.extend(must(path, case, &got).into_iter().map(|p| format!("{what}: {p}")));
                failures.extend(leaks(&got, &tokens).into_iter().map(|p| format!("{what}: {p}")));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "\n{}\nworkerd log:\n{}",
        failures.join("\n"),
        workerd.log()
    );
}

#[tokio::test]
async fn webhooks_are_verified_and_replays_refused() {
    let Some(workerd) = start() else { return };
    let demo = demo().await;
    let client = client();
    let signed =
        sign_webhook(WEBHOOK_SECRET, "msg_worker_1", now_s(), WEBHOOK_BODY.as_bytes()).expect("sign");
    let mut forged: HeaderMap = signed.clone();
    forged.insert("svix-id", HeaderValue::from_static("msg_worker_2"));
    let steps: [(&str, &HeaderMap, u16, Option<&str>); 3] = [
        ("signed", &signed, 200, None),
        ("replayed", &signed, 401, Some("webhook-replayed")),
        (
            "signature of another id",
            &forged,
            401,
            Some("webhook-no-matching-signature"),
        ),
    ];
    // The demo answers the same sequence (with its own replay store): the reference.
    let mut want = Vec::new();
    for (_, headers, _, _) in steps {
        want.push(
            send_raw(
                &client,
                Method::POST,
                &demo.url(WEBHOOK_PATH),
                headers,
                WEBHOOK_BODY,
            )
            .await,
        );
    }
    let mut failures = Vec::new();
    for variant in VARIANTS {
        let url = format!("{}{WEBHOOK_PATH}", workerd.url(&Service::RustWorker(variant)));
        for ((case, headers, status, reason), want) in steps.iter().zip(&want) {
            let got = send_raw(&client, Method::POST, &url, headers, WEBHOOK_BODY).await;
            let mut problems = match reason {
                None => success_mismatches(&got, &json!({ "received": "user.created" })),
                Some(reason) => webhook_rejection_mismatches(&got, *status, reason),
            };
            if comparable(&got) != comparable(want) {
                problems.push(format!(
                    "the Worker answered {} the demo {}",
                    comparable(&got),
                    comparable(want)
                ));
            }
            failures.extend(
                problems
                    .into_iter()
                    .map(|p| format!("{variant}: webhook {case}: {p}")),
            );
        }
    }
    assert!(
        failures.is_empty(),
        "\n{}\nworkerd log:\n{}",
        failures.join("\n"),
        workerd.log()
    );
}
