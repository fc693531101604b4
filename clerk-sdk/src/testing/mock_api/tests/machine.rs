//! The JWKS and machine-token verify endpoints, faults, counters and headers.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use http::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use serde_json::{Value, json};

use super::super::super::TestKeys;
use super::super::{Endpoint, Fault, MachineTokenSpec, MockClerkApi};
use crate::clock::{Clock, SystemClock};

const SECRET: &str = "sk_test_mock_secret";
const MACHINE_SECRET: &str = "ak_machine_secret";

fn keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| TestKeys::generate().expect("key generation"))
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().expect("client")
}

async fn start() -> MockClerkApi {
    MockClerkApi::start(SECRET).await.expect("mock starts")
}

async fn get_jwks(mock: &MockClerkApi, bearer: &str) -> reqwest::Response {
    client()
        .get(format!("{}/v1/jwks", mock.url()))
        .bearer_auth(bearer)
        .send()
        .await
        .expect("response")
}

async fn verify(mock: &MockClerkApi, path: &str, body: Value, bearer: &str) -> (u16, Value) {
    let response = client()
        .post(format!("{}{path}", mock.url()))
        .bearer_auth(bearer)
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("response");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).expect("JSON body"))
}

async fn json_of(response: reqwest::Response) -> Value {
    serde_json::from_str(&response.text().await.expect("body")).expect("JSON body")
}

fn kids(jwks: &Value) -> Vec<String> {
    jwks["keys"]
        .as_array()
        .expect("keys array")
        .iter()
        .map(|k| k["kid"].as_str().expect("kid").to_owned())
        .collect()
}

fn error_code(body: &Value) -> &str {
    body["errors"][0]["code"].as_str().expect("error code")
}

#[tokio::test]
async fn jwks_requires_the_secret_key_as_bearer() {
    let mock = start().await;
    mock.add_key(keys());

    let ok = get_jwks(&mock, SECRET).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()[CONTENT_TYPE], "application/json");
    assert_eq!(kids(&json_of(ok).await), [keys().kid()]);

    let bad = get_jwks(&mock, "sk_test_wrong").await;
    assert_eq!(bad.status(), 401);
    let body = json_of(bad).await;
    assert_eq!(error_code(&body), "clerk_key_invalid");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("Secret Key is invalid")
    );
    assert!(body["clerk_trace_id"].is_string());

    let missing = client()
        .get(format!("{}/v1/jwks", mock.url()))
        .send()
        .await
        .expect("response");
    assert_eq!(missing.status(), 401);
    assert_eq!(mock.requests(Endpoint::Jwks), 3);
}

#[tokio::test]
async fn jwks_needs_one_version_segment_and_unknown_paths_are_404() {
    let mock = start().await;
    let client = client();
    for (path, status) in [
        ("/v1/jwks", 200),
        ("/v9/jwks", 200),
        ("/jwks", 404),
        ("/a/b/jwks", 404),
        ("/v1/jwks/", 404),
        ("/v1/widgets", 404),
        ("/v1/m2m_tokens/verify", 404),
    ] {
        let response = client
            .get(format!("{}{path}", mock.url()))
            .bearer_auth(SECRET)
            .send()
            .await
            .expect("response");
        assert_eq!(response.status(), status, "{path}");
    }
    assert_eq!(mock.requests(Endpoint::Jwks), 2);
    let post = client
        .post(format!("{}/v1/jwks", mock.url()))
        .bearer_auth(SECRET)
        .send()
        .await
        .expect("response");
    assert_eq!(post.status(), 405);
}

#[tokio::test]
async fn jwks_keys_can_be_added_removed_and_replaced() {
    let mock = start().await;
    let other = keys().clone().with_kid("ins_other");
    assert_eq!(
        kids(&json_of(get_jwks(&mock, SECRET).await).await),
        Vec::<String>::new()
    );

    mock.add_key(keys());
    mock.add_key(&other);
    mock.add_key(keys()); // same kid: replaced, not duplicated
    assert_eq!(
        kids(&json_of(get_jwks(&mock, SECRET).await).await),
        ["ins_other", keys().kid()]
    );
    let jwks = json_of(get_jwks(&mock, SECRET).await).await;
    assert_eq!(jwks["keys"][0]["kty"], "RSA");
    assert_eq!(jwks["keys"][0]["alg"], "RS256");

    mock.remove_key("ins_other");
    assert_eq!(
        kids(&json_of(get_jwks(&mock, SECRET).await).await),
        [keys().kid()]
    );

    let rotated = keys().clone().with_kid("ins_rotated");
    mock.set_keys(&[&rotated, &other]);
    assert_eq!(
        kids(&json_of(get_jwks(&mock, SECRET).await).await),
        ["ins_rotated", "ins_other"]
    );
    mock.set_keys(&[]);
    assert_eq!(
        kids(&json_of(get_jwks(&mock, SECRET).await).await),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn m2m_verify_answers_registered_tokens_only() {
    let mock = start().await;
    mock.register_machine_token(
        "mt_good",
        MachineTokenSpec::m2m("mch_1")
            .id("mt_id_1")
            .scopes(&["mch_2"])
            .claims(json!({"tier": "gold"})),
    );
    mock.register_machine_token("ak_other", MachineTokenSpec::api_key("user_1", "k"));

    let (status, body) = verify(&mock, "/m2m_tokens/verify", json!({"token": "mt_good"}), SECRET).await;
    assert_eq!(status, 200);
    assert_eq!(body["object"], "machine_to_machine_token");
    assert_eq!(body["id"], "mt_id_1");
    assert_eq!(body["subject"], "mch_1");
    assert_eq!(body["scopes"], json!(["mch_2"]));
    assert_eq!(body["claims"], json!({"tier": "gold"}));
    assert_eq!(body["revoked"], false);
    assert_eq!(body["revocation_reason"], Value::Null);
    assert_eq!(body["expired"], false);
    for field in ["expiration", "created_at", "updated_at"] {
        assert!(body[field].is_u64(), "{field}");
    }

    let (status, body) = verify(
        &mock,
        "/m2m_tokens/verify",
        json!({"token": "mt_unknown"}),
        SECRET,
    )
    .await;
    assert_eq!((status, error_code(&body)), (404, "resource_not_found"));
    let (status, body) = verify(&mock, "/m2m_tokens/verify", json!({"token": "ak_other"}), SECRET).await;
    assert_eq!((status, error_code(&body)), (404, "resource_not_found"));
    let (status, body) = verify(&mock, "/m2m_tokens/verify", json!({"token": "mt_good"}), "sk_bad").await;
    assert_eq!((status, error_code(&body)), (401, "clerk_key_invalid"));
    assert_eq!(mock.requests(Endpoint::M2mVerify), 4);
}

#[tokio::test]
async fn m2m_verify_also_accepts_the_machine_secret_key() {
    let mock = start().await;
    mock.register_machine_token("mt_good", MachineTokenSpec::m2m("mch_1"));
    let body = json!({"token": "mt_good"});
    assert_eq!(
        verify(&mock, "/m2m_tokens/verify", body.clone(), MACHINE_SECRET)
            .await
            .0,
        401
    );

    mock.set_machine_secret_key(MACHINE_SECRET);
    assert_eq!(
        verify(&mock, "/m2m_tokens/verify", body.clone(), MACHINE_SECRET)
            .await
            .0,
        200
    );
    assert_eq!(verify(&mock, "/m2m_tokens/verify", body, SECRET).await.0, 200);
    // Only on the m2m endpoint.
    let (status, _) = verify(&mock, "/api_keys/verify", json!({"secret": "x"}), MACHINE_SECRET).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn oauth_verify_answers_registered_tokens_only() {
    let mock = start().await;
    mock.register_machine_token(
        "oat_good",
        MachineTokenSpec::oauth("user_1", "client_1").scopes(&["profile", "email"]),
    );
    mock.register_machine_token("mt_other", MachineTokenSpec::m2m("mch_1"));
    let path = "/oauth_applications/access_tokens/verify";

    let (status, body) = verify(&mock, path, json!({"access_token": "oat_good"}), SECRET).await;
    assert_eq!(status, 200);
    assert_eq!(body["object"], "clerk_idp_oauth_access_token");
    assert_eq!(body["type"], "oauth_token");
    assert_eq!(body["client_id"], "client_1");
    assert_eq!(body["subject"], "user_1");
    assert_eq!(body["scopes"], json!(["profile", "email"]));
    assert!(body["id"].as_str().expect("id").starts_with("oat_"));
    assert!(body.get("claims").is_none());

    let (status, _) = verify(&mock, path, json!({"access_token": "oat_unknown"}), SECRET).await;
    assert_eq!(status, 404);
    let (status, _) = verify(&mock, path, json!({"access_token": "mt_other"}), SECRET).await;
    assert_eq!(status, 404);
    // The m2m body field is not the OAuth one.
    let (status, body) = verify(&mock, path, json!({"token": "oat_good"}), SECRET).await;
    assert_eq!((status, error_code(&body)), (400, "form_param_missing"));
}

#[tokio::test]
async fn api_key_verify_answers_registered_keys_only() {
    let mock = start().await;
    mock.register_machine_token(
        "ak_good",
        MachineTokenSpec::api_key("org_1", "ci").claims(json!({"env": "test"})),
    );
    mock.register_machine_token("oat_other", MachineTokenSpec::oauth("user_1", "c"));

    let (status, body) = verify(&mock, "/api_keys/verify", json!({"secret": "ak_good"}), SECRET).await;
    assert_eq!(status, 200);
    assert_eq!(body["object"], "api_key");
    assert_eq!(body["type"], "api_key");
    assert_eq!(body["name"], "ci");
    assert_eq!(body["subject"], "org_1");
    assert_eq!(body["scopes"], json!([]));
    assert_eq!(body["claims"], json!({"env": "test"}));
    for field in ["created_by", "description", "last_used_at"] {
        assert!(body.get(field).is_some_and(Value::is_null), "{field}");
    }

    let (status, _) = verify(&mock, "/api_keys/verify", json!({"secret": "ak_unknown"}), SECRET).await;
    assert_eq!(status, 404);
    let (status, _) = verify(&mock, "/api_keys/verify", json!({"secret": "oat_other"}), SECRET).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn revoked_and_expired_tokens_are_reported_with_200() {
    let mock = start().await;
    mock.register_machine_token("mt_revoked", MachineTokenSpec::m2m("mch_1").revoked());
    mock.register_machine_token("ak_expired", MachineTokenSpec::api_key("user_1", "k").expired());

    let (status, body) = verify(
        &mock,
        "/m2m_tokens/verify",
        json!({"token": "mt_revoked"}),
        SECRET,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (body["revoked"].clone(), body["expired"].clone()),
        (json!(true), json!(false))
    );
    assert!(body["revocation_reason"].is_string());

    let (status, body) = verify(&mock, "/api_keys/verify", json!({"secret": "ak_expired"}), SECRET).await;
    assert_eq!(status, 200);
    assert_eq!(
        (body["revoked"].clone(), body["expired"].clone()),
        (json!(false), json!(true))
    );
    let now = SystemClock.now_ms();
    assert!(body["expiration"].as_u64().expect("expiration") < now);
}

#[tokio::test]
async fn verify_paths_have_no_version_prefix_and_need_post_and_json() {
    let mock = start().await;
    mock.register_machine_token("mt_good", MachineTokenSpec::m2m("mch_1"));
    let client = client();
    let prefixed = client
        .post(format!("{}/v1/m2m_tokens/verify", mock.url()))
        .bearer_auth(SECRET)
        .body(r#"{"token":"mt_good"}"#)
        .send()
        .await
        .expect("response");
    assert_eq!(prefixed.status(), 404);

    let malformed = client
        .post(format!("{}/m2m_tokens/verify", mock.url()))
        .bearer_auth(SECRET)
        .body("{not json")
        .send()
        .await
        .expect("response");
    assert_eq!(malformed.status(), 400);
    assert_eq!(error_code(&json_of(malformed).await), "malformed_request");

    let get = client
        .get(format!("{}/api_keys/verify", mock.url()))
        .bearer_auth(SECRET)
        .send()
        .await
        .expect("response");
    assert_eq!(get.status(), 405);
}

#[tokio::test]
async fn fault_delay_answers_normally_afterwards() {
    let mock = start().await;
    mock.add_key(keys());
    mock.set_fault(Endpoint::Jwks, Fault::Delay(Duration::from_millis(300)));
    let started = Instant::now();
    let response = get_jwks(&mock, SECRET).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.status(), 200);
    assert_eq!(kids(&json_of(response).await), [keys().kid()]);
}

#[tokio::test]
async fn fault_hang_times_the_client_out_without_blocking_other_connections() {
    let mock = start().await;
    mock.push_fault(Endpoint::Jwks, Fault::Hang);
    let hanging = client()
        .get(format!("{}/v1/jwks", mock.url()))
        .bearer_auth(SECRET)
        .timeout(Duration::from_secs(1))
        .send();
    let hanging = tokio::spawn(hanging);
    // Make sure the hanging request arrived first.
    while mock.requests(Endpoint::Jwks) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(get_jwks(&mock, SECRET).await.status(), 200);
    assert!(
        !hanging.is_finished(),
        "still hanging while another connection is served"
    );

    let error = hanging
        .await
        .expect("task")
        .expect_err("the hung request times out");
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(mock.requests(Endpoint::Jwks), 2);
}

#[tokio::test]
async fn fault_hang_ends_when_the_mock_is_dropped() {
    let mock = start().await;
    mock.set_fault(Endpoint::ApiKeyVerify, Fault::Hang);
    let request = client()
        .post(format!("{}/api_keys/verify", mock.url()))
        .bearer_auth(SECRET)
        .body(r#"{"secret":"ak_1"}"#)
        .timeout(Duration::from_secs(10))
        .send();
    let request = tokio::spawn(request);
    while mock.requests(Endpoint::ApiKeyVerify) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let started = Instant::now();
    drop(mock);
    let error = request.await.expect("task").expect_err("connection closed");
    assert!(!error.is_timeout(), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn fault_status_sends_clerk_error_json() {
    let mock = start().await;
    mock.set_fault(Endpoint::M2mVerify, Fault::Status(503));
    let (status, body) = verify(&mock, "/m2m_tokens/verify", json!({"token": "x"}), SECRET).await;
    assert_eq!((status, error_code(&body)), (503, "internal_error"));
    assert!(body["errors"][0]["message"].is_string());

    mock.set_fault(Endpoint::M2mVerify, Fault::Status(42));
    let (status, _) = verify(&mock, "/m2m_tokens/verify", json!({"token": "x"}), SECRET).await;
    assert_eq!(status, 500);
}

#[tokio::test]
async fn fault_retry_after_sets_the_header() {
    let mock = start().await;
    mock.set_fault(
        Endpoint::Jwks,
        Fault::RetryAfter {
            status: 429,
            seconds: 7,
        },
    );
    let response = get_jwks(&mock, SECRET).await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()[RETRY_AFTER], "7");
    assert_eq!(error_code(&json_of(response).await), "internal_error");
}

#[tokio::test]
async fn fault_malformed_json_is_200_json_that_does_not_parse() {
    let mock = start().await;
    mock.set_fault(Endpoint::Jwks, Fault::MalformedJson);
    let response = get_jwks(&mock, SECRET).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
    let text = response.text().await.expect("body");
    assert!(serde_json::from_str::<Value>(&text).is_err());
}

#[tokio::test]
async fn fault_wrong_content_type_is_200_html() {
    let mock = start().await;
    mock.register_machine_token("oat_1", MachineTokenSpec::oauth("user_1", "c"));
    mock.set_fault(Endpoint::OAuthVerify, Fault::WrongContentType);
    let response = client()
        .post(format!("{}/oauth_applications/access_tokens/verify", mock.url()))
        .bearer_auth(SECRET)
        .body(r#"{"access_token":"oat_1"}"#)
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()[CONTENT_TYPE]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(content_type.starts_with("text/html"));
    assert!(response.text().await.expect("body").contains("<html>"));
}

#[tokio::test]
async fn fault_drop_connection_is_a_client_error() {
    let mock = start().await;
    // One client, so the dropped request reuses a kept-alive connection; it is not retried.
    let client = client();
    let jwks = || {
        client
            .get(format!("{}/v1/jwks", mock.url()))
            .bearer_auth(SECRET)
            .send()
    };
    assert_eq!(jwks().await.expect("response").status(), 200);

    mock.set_fault(Endpoint::Jwks, Fault::DropConnection);
    let error = jwks().await.expect_err("no response");
    assert!(!error.is_timeout() && error.status().is_none(), "{error:?}");
    assert_eq!(mock.requests(Endpoint::Jwks), 2);

    mock.clear_faults();
    assert_eq!(jwks().await.expect("response").status(), 200);
}

#[tokio::test]
async fn fault_invalid_secret_key_overrides_a_good_bearer() {
    let mock = start().await;
    mock.register_machine_token("ak_1", MachineTokenSpec::api_key("user_1", "k"));
    mock.set_fault(Endpoint::ApiKeyVerify, Fault::InvalidSecretKey);
    let (status, body) = verify(&mock, "/api_keys/verify", json!({"secret": "ak_1"}), SECRET).await;
    assert_eq!((status, error_code(&body)), (401, "clerk_key_invalid"));
}

#[tokio::test]
async fn pushed_faults_apply_once_in_order_before_the_set_one() {
    let mock = start().await;
    mock.set_fault(Endpoint::Jwks, Fault::Status(502));
    mock.push_fault(Endpoint::Jwks, Fault::Status(503));
    mock.push_fault(Endpoint::Jwks, Fault::InvalidSecretKey);
    // Another endpoint's faults don't leak.
    mock.push_fault(Endpoint::M2mVerify, Fault::Status(500));
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(get_jwks(&mock, SECRET).await.status().as_u16());
    }
    assert_eq!(statuses, [503, 401, 502, 502]);

    mock.clear_faults();
    assert_eq!(get_jwks(&mock, SECRET).await.status(), 200);
    let (status, _) = verify(&mock, "/m2m_tokens/verify", json!({"token": "x"}), SECRET).await;
    assert_eq!(status, 404);

    mock.push_fault(Endpoint::Jwks, Fault::Status(500));
    assert_eq!(get_jwks(&mock, SECRET).await.status(), 500);
    assert_eq!(get_jwks(&mock, SECRET).await.status(), 200);
}

#[tokio::test]
async fn counters_count_every_request_per_endpoint_and_reset() {
    let mock = start().await;
    get_jwks(&mock, SECRET).await;
    get_jwks(&mock, "bad").await;
    verify(&mock, "/api_keys/verify", json!({"secret": "x"}), SECRET).await;
    mock.push_fault(Endpoint::OAuthVerify, Fault::Status(500));
    verify(
        &mock,
        "/oauth_applications/access_tokens/verify",
        json!({"access_token": "x"}),
        SECRET,
    )
    .await;
    assert_eq!(mock.requests(Endpoint::Jwks), 2);
    assert_eq!(mock.requests(Endpoint::ApiKeyVerify), 1);
    assert_eq!(mock.requests(Endpoint::OAuthVerify), 1);
    assert_eq!(mock.requests(Endpoint::M2mVerify), 0);

    mock.reset_counters();
    assert_eq!(mock.requests(Endpoint::Jwks), 0);
    assert!(mock.last_request_headers(Endpoint::Jwks).is_none());
    get_jwks(&mock, SECRET).await;
    assert_eq!(mock.requests(Endpoint::Jwks), 1);
}

#[tokio::test]
async fn last_request_headers_are_recorded() {
    let mock = start().await;
    assert!(mock.last_request_headers(Endpoint::Jwks).is_none());
    client()
        .get(format!("{}/v1/jwks", mock.url()))
        .bearer_auth(SECRET)
        .header("clerk-api-version", "2026-05-12")
        .header("user-agent", "first")
        .send()
        .await
        .expect("response");
    client()
        .get(format!("{}/v1/jwks", mock.url()))
        .bearer_auth("sk_other")
        .header("user-agent", "second")
        .send()
        .await
        .expect("response");
    let headers = mock.last_request_headers(Endpoint::Jwks).expect("recorded");
    assert_eq!(headers[AUTHORIZATION], "Bearer sk_other");
    assert_eq!(headers["user-agent"], "second");
    assert!(headers.get("clerk-api-version").is_none());
    assert!(mock.last_request_headers(Endpoint::M2mVerify).is_none());
}

#[tokio::test]
async fn debug_output_has_no_secrets() {
    let mock = start().await;
    mock.set_machine_secret_key(MACHINE_SECRET);
    mock.add_key(keys());
    mock.register_machine_token("mt_secret_token_text", MachineTokenSpec::m2m("mch_1"));
    let debug = format!("{mock:?}");
    assert!(
        debug.contains(&mock.url()) && debug.contains(keys().kid()),
        "{debug}"
    );
    for secret in [SECRET, MACHINE_SECRET, "mt_secret_token_text"] {
        assert!(!debug.contains(secret), "{debug}");
    }
}
