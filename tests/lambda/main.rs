//! The `lambda` example (the demo's router on AWS Lambda through `lambda_http`) run as Lambda
//! runs it: the built binary, started with a custom runtime's environment, polls a stand-in of
//! the Lambda Runtime API on `127.0.0.1` ([`runtime_api`]) for API Gateway HTTP API events
//! (payload format 2.0) and posts its answers back; every answer must be the axum demo's:
//! status, `WWW-Authenticate` (RFC 6750), `x-clerk-auth-*` headers and JSON body.
//!
//! The function is configured as a deployed one would be: `CLERK_JWT_KEY` (this test's public
//! key, so nothing is fetched), `CLERK_AUTHORIZED_PARTIES` and `CLERK_WEBHOOK_SIGNING_SECRET`.
//! Nothing leaves the machine.

mod function;
mod runtime_api;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use clerk_examples::demo::WEBHOOK_PATH;
use clerk_integration_tests::{
    Answer, RouteTokens, leaks, rejection_mismatches, success_mismatches, test_keys,
    webhook_rejection_mismatches,
};
use clerk_sdk::testing::sign_webhook;
use function::{Function, lambda_env};
use http::{HeaderMap, HeaderName, HeaderValue};
use runtime_api::{Invocation, Outcome, RuntimeApi};
use serde_json::{Map, Value, json};

/// The frontend the tokens are issued to (`azp`), the one `CLERK_AUTHORIZED_PARTIES` trusts.
const APP: &str = "https://app.example";
const WEBHOOK_SECRET: &str = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY";
const USER_CREATED: &str =
    r#"{"type":"user.created","object":"event","data":{"id":"user_new","object":"user"}}"#;
const ORG_CREATED: &str = r#"{"type":"organization.created","object":"event","data":{"id":"org_new"}}"#;
/// The API Gateway domain of the events.
const DOMAIN: &str = "r3pmxmplak.execute-api.us-east-1.amazonaws.com";
/// How long the function has to answer every event (it takes well under a second).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// One request through API Gateway, and what the function must answer.
#[derive(Debug)]
struct Case {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    headers: Vec<(&'static str, String)>,
    /// The body, and whether API Gateway base64-encoded it (`isBase64Encoded`).
    body: Option<(String, bool)>,
    want: Want,
}

#[derive(Debug, Clone)]
enum Want {
    Ok(Value),
    /// A token route's rejection: status and reason.
    Rejected(u16, &'static str),
    /// The webhook route's refusal: status and reason.
    Refused(u16, &'static str),
}

fn get(name: &'static str, path: &'static str, token: Option<&str>, want: Want) -> Case {
    Case {
        name,
        method: "GET",
        path,
        headers: token
            .map(|t| vec![("authorization", format!("Bearer {t}"))])
            .unwrap_or_default(),
        body: None,
        want,
    }
}

fn webhook(name: &'static str, id: &str, body: &str, base64: bool, want: Want) -> Case {
    let now_s = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let signed = sign_webhook(WEBHOOK_SECRET, id, now_s, body.as_bytes()).expect("sign the webhook");
    let mut headers: Vec<(&'static str, String)> = ["svix-id", "svix-timestamp", "svix-signature"]
        .into_iter()
        .map(|name| (name, signed[name].to_str().expect("ASCII").to_owned()))
        .collect();
    headers.push(("content-type", "application/json".to_owned()));
    let body = if base64 {
        STANDARD.encode(body)
    } else {
        body.to_owned()
    };
    Case {
        name,
        method: "POST",
        path: WEBHOOK_PATH,
        headers,
        body: Some((body, base64)),
        want,
    }
}

fn cases(t: &RouteTokens) -> Vec<Case> {
    use Want::{Ok, Refused, Rejected};
    let member = json!({ "user_id": "user_member", "org_id": "org_1", "org_role": "org:member" });
    vec![
        get(
            "public",
            "/public",
            None,
            Ok(json!({ "message": "public: no sign-in needed" })),
        ),
        get(
            "me, no token",
            "/me",
            None,
            Rejected(401, "session-token-missing"),
        ),
        get(
            "me, malformed",
            "/me",
            Some("not-a-jwt"),
            Rejected(401, "token-invalid"),
        ),
        get("me, member", "/me", Some(&t.member), Ok(member)),
        get(
            "me, expired",
            "/me",
            Some(&t.expired),
            Rejected(401, "token-expired"),
        ),
        get(
            "me, wrong azp",
            "/me",
            Some(&t.wrong_azp),
            Rejected(401, "token-invalid-authorized-parties"),
        ),
        get(
            "me, m2m",
            "/me",
            Some(&t.machine),
            Rejected(401, "token-type-mismatch"),
        ),
        get(
            "admin, member",
            "/admin",
            Some(&t.member),
            Rejected(403, "insufficient-scope"),
        ),
        get(
            "admin, admin",
            "/admin",
            Some(&t.admin),
            Ok(json!({ "message": "welcome, org admin", "user_id": "user_admin", "org_id": "org_1" })),
        ),
        get(
            "machine, no token",
            "/machine",
            None,
            Rejected(401, "No token in header"),
        ),
        get(
            "machine, m2m",
            "/machine",
            Some(&t.machine),
            Ok(json!({ "machine_id": "mch_reporter", "token_type": "m2m_token" })),
        ),
        get(
            "either, admin",
            "/either",
            Some(&t.admin),
            Ok(json!({ "caller": "session", "user_id": "user_admin" })),
        ),
        webhook(
            "webhook",
            "msg_lambda_1",
            USER_CREATED,
            false,
            Ok(json!({ "received": "user.created" })),
        ),
        webhook(
            "webhook, base64-encoded by API Gateway",
            "msg_lambda_2",
            ORG_CREATED,
            true,
            Ok(json!({ "received": "organization.created" })),
        ),
        webhook(
            "webhook, replayed",
            "msg_lambda_1",
            USER_CREATED,
            false,
            Refused(401, "webhook-replayed"),
        ),
    ]
}

/// `case` as API Gateway hands it to Lambda: an HTTP API event, payload format 2.0.
fn http_api_event(index: usize, case: &Case) -> Value {
    let mut headers = Map::new();
    for (name, value) in [
        ("host", DOMAIN),
        ("user-agent", "curl/8.5.0"),
        ("accept", "*/*"),
        ("x-forwarded-for", "203.0.113.10"),
        ("x-forwarded-port", "443"),
        ("x-forwarded-proto", "https"),
        ("x-amzn-trace-id", "Root=1-67a1b2c3-0123456789abcdef01234567"),
    ] {
        headers.insert(name.to_owned(), json!(value));
    }
    for (name, value) in &case.headers {
        headers.insert((*name).to_owned(), json!(value));
    }
    let mut event = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": case.path,
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "r3pmxmplak",
            "domainName": DOMAIN,
            "domainPrefix": "r3pmxmplak",
            "http": {
                "method": case.method,
                "path": case.path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.10",
                "userAgent": "curl/8.5.0",
            },
            "requestId": format!("JKJaXmPLvHcESHA={index}"),
            "routeKey": "$default",
            "stage": "$default",
            "time": "01/Dec/2026:22:00:00 +0000",
            "timeEpoch": 1_796_162_400_000_u64,
        },
        "isBase64Encoded": false,
    });
    if let Some((body, base64)) = &case.body {
        event["body"] = json!(body);
        event["isBase64Encoded"] = json!(base64);
    }
    event
}

fn request_id(index: usize) -> String {
    format!("8476a536-e9f4-11e8-9739-{index:012}")
}

/// The function's answer (an HTTP API response, payload format 2.0) as an [`Answer`], and what
/// is wrong with its form.
fn answer(response: &Value) -> (Answer, Vec<String>) {
    let mut problems = Vec::new();
    let status = response["statusCode"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or_default();
    let mut headers = HeaderMap::new();
    for (name, value) in response["headers"].as_object().into_iter().flatten() {
        match (
            HeaderName::try_from(name.as_str()),
            value.as_str().map(HeaderValue::try_from),
        ) {
            (Ok(name), Some(Ok(value))) => {
                headers.append(name, value);
            }
            _ => problems.push(format!("header {name}: {value} is not a header")),
        }
    }
    if response["isBase64Encoded"] != false {
        problems.push(format!(
            "isBase64Encoded {} (JSON answers are text)",
            response["isBase64Encoded"]
        ));
    }
    let text = response["body"].as_str().unwrap_or_default().to_owned();
    (Answer::new(status, headers, text), problems)
}

#[tokio::test]
async fn the_function_answers_http_api_events_as_the_demo_does() {
    let tokens = RouteTokens::sign(APP);
    let cases = cases(&tokens);
    let invocations = cases
        .iter()
        .enumerate()
        .map(|(i, case)| Invocation {
            request_id: request_id(i),
            event: http_api_event(i, case),
        })
        .collect();
    let api = RuntimeApi::start(invocations).await;
    let mut env = lambda_env(&api.address());
    env.extend([
        (
            "CLERK_JWT_KEY",
            test_keys().public_key_pem().expect("public key PEM"),
        ),
        ("CLERK_AUTHORIZED_PARTIES", APP.to_owned()),
        ("CLERK_WEBHOOK_SIGNING_SECRET", WEBHOOK_SECRET.to_owned()),
    ]);
    let mut function = Function::start(&env);
    let record = api.wait_for_outcomes(cases.len(), ANSWER_TIMEOUT).await;
    let log = function.stop();

    let mut failures = record.faults.clone();
    if record.outcomes.len() != cases.len() {
        failures.push(format!(
            "{} answers for {} events within {ANSWER_TIMEOUT:?}",
            record.outcomes.len(),
            cases.len()
        ));
    }
    for (i, case) in cases.iter().enumerate() {
        let id = request_id(i);
        let what = format!("{} {} ({})", case.method, case.path, case.name);
        let response = match record.outcomes.iter().find(|(posted, _)| *posted == id) {
            Some((_, Outcome::Response(response))) => response,
            Some((_, Outcome::Error { error_type, body })) => {
                failures.push(format!(
                    "{what}: the function posted an error ({error_type:?}): {body}"
                ));
                continue;
            }
            None => {
                failures.push(format!("{what}: no answer"));
                continue;
            }
        };
        let (answer, mut problems) = answer(response);
        problems.extend(match &case.want {
            Want::Ok(body) => success_mismatches(&answer, body),
            Want::Rejected(status, reason) => rejection_mismatches(&answer, *status, reason),
            Want::Refused(status, reason) => webhook_rejection_mismatches(&answer, *status, reason),
        });
        problems.extend(leaks(&answer, &tokens.all()));
        failures.extend(problems.into_iter().map(|p| format!("{what}: {p}")));
    }
    // The answers came in order, one event at a time, as Lambda hands them out.
    let order: Vec<&str> = record.outcomes.iter().map(|(id, _)| id.as_str()).collect();
    let want_order: Vec<String> = (0..record.outcomes.len()).map(request_id).collect();
    if order != want_order {
        failures.push(format!("answers in the order {order:?}"));
    }
    // CLERK_JWT_KEY: the function verifies without fetching keys.
    if !log.contains("clerk-sdk demo ready on AWS Lambda networkless=true authorized_parties=1 webhooks=true")
    {
        failures.push("the function did not log its networkless start".to_owned());
    }
    for token in tokens.all() {
        if log.contains(token) {
            failures.push("the function's log shows a token".to_owned());
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n  {}\nthe function's log:\n{log}",
        failures.len(),
        failures.join("\n  ")
    );
}

#[tokio::test]
async fn the_function_refuses_to_start_without_clerk_settings() {
    let api = RuntimeApi::start(Vec::new()).await;
    // Local mode generates a key pair per process: on Lambda, one per instance. Refused.
    let (status, log) = Function::start(&lambda_env(&api.address()))
        .exit(ANSWER_TIMEOUT)
        .await;
    assert_eq!(status.and_then(|s| s.code()), Some(2), "log:\n{log}");
    assert!(
        log.contains("set CLERK_JWT_KEY (or CLERK_SECRET_KEY)"),
        "log:\n{log}"
    );
    assert_eq!(api.record().next_calls, 0, "it polled for events: {log}");

    // Outside Lambda it says where it runs, instead of lambda_runtime's panic.
    let (status, log) = Function::start(&[("CLERK_JWT_KEY", "x".to_owned())])
        .exit(ANSWER_TIMEOUT)
        .await;
    assert_eq!(status.and_then(|s| s.code()), Some(2), "log:\n{log}");
    assert!(log.contains("AWS_LAMBDA_RUNTIME_API is not set"), "log:\n{log}");
}
