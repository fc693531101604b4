//! Wire rules across endpoints: authentication before routing, unknown paths and methods,
//! the rate limit, and faults on Backend API endpoints.

use std::time::Duration;

use http::Method;
use serde_json::json;

use super::super::{Endpoint, Fault, UserSeed};
use super::support::{SECRET, call, call_as, client, get, start};

#[tokio::test]
async fn the_bearer_is_checked_before_routing() {
    let mock = start().await;
    let no_header = client()
        .get(format!("{}/v1/users", mock.url()))
        .send()
        .await
        .expect("response");
    assert_eq!(no_header.status(), 401);
    let body: serde_json::Value = serde_json::from_str(&no_header.text().await.expect("body")).expect("json");
    assert_eq!(body["errors"][0]["code"], "authorization_header_format_invalid");
    let basic = client()
        .get(format!("{}/v1/users", mock.url()))
        .header("authorization", format!("Basic {SECRET}"))
        .send()
        .await
        .expect("response");
    assert_eq!(basic.status(), 401);

    let wrong = call_as(&mock, "sk_test_wrong", Method::GET, "/v1/users", None).await;
    assert_eq!((wrong.status, wrong.code()), (401, "clerk_key_invalid"));
    // Unknown paths are 401 with a bad key, 404 with a good one.
    let unknown = call_as(&mock, "sk_test_wrong", Method::GET, "/v1/widgets", None).await;
    assert_eq!(unknown.status, 401);
    let unknown = get(&mock, "/v1/widgets").await;
    assert_eq!((unknown.status, unknown.code()), (404, "resource_not_found"));
    let wrong_method = call(&mock, Method::PUT, "/v1/users", None).await;
    assert_eq!(wrong_method.status, 405);

    mock.accept_secret_key("sk_test_second");
    let second = call_as(&mock, "sk_test_second", Method::GET, "/v1/users", None).await;
    assert_eq!(second.status, 200);
    // Any version segment, like the JWKS route.
    assert_eq!(get(&mock, "/v9/users/count").await.status, 200);
}

#[tokio::test]
async fn the_rate_limit_is_per_secret_key_with_retry_after_and_spares_jwks() {
    let mock = start().await;
    mock.accept_secret_key("sk_test_other");
    mock.set_rate_limit(3, Duration::from_secs(10));
    for _ in 0..3 {
        assert_eq!(get(&mock, "/v1/users").await.status, 200);
    }
    let limited = get(&mock, "/v1/users/count").await;
    assert_eq!((limited.status, limited.code()), (429, "too_many_requests"));
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=10).contains(&retry_after), "{retry_after}");
    assert!(limited.body["clerk_trace_id"].is_string());
    assert_eq!(get(&mock, "/v1/jwks").await.status, 200);
    let other = call_as(&mock, "sk_test_other", Method::GET, "/v1/users", None).await;
    assert_eq!(other.status, 200);
    // Every limited request is still counted and logged.
    assert_eq!(mock.requests(Endpoint::UserCount), 1);

    // A window long enough that the second request surely falls in it on a loaded machine.
    mock.set_rate_limit(1, Duration::from_secs(1));
    assert_eq!(get(&mock, "/v1/users").await.status, 200);
    let limited = get(&mock, "/v1/users").await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.headers["retry-after"], "1");
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(get(&mock, "/v1/users").await.status, 200);

    mock.clear_rate_limit();
    for _ in 0..5 {
        assert_eq!(get(&mock, "/v1/users").await.status, 200);
    }
}

#[tokio::test]
async fn faults_apply_to_backend_api_endpoints_per_operation() {
    let mock = start().await;
    let id = mock.seed_user(UserSeed::new()).expect("user");
    mock.push_fault(Endpoint::UserGet, Fault::Status(500));
    mock.push_fault(
        Endpoint::UserGet,
        Fault::RetryAfter {
            status: 429,
            seconds: 3,
        },
    );
    let path = format!("/v1/users/{id}");
    let first = get(&mock, &path).await;
    assert_eq!((first.status, first.code()), (500, "internal_error"));
    let second = get(&mock, &path).await;
    assert_eq!(
        (
            second.status,
            second.headers["retry-after"].to_str().expect("ascii")
        ),
        (429, "3")
    );
    assert_eq!(get(&mock, &path).await.status, 200);
    // Another operation on the same path is not faulted.
    mock.set_fault(Endpoint::UserDelete, Fault::InvalidSecretKey);
    assert_eq!(get(&mock, &path).await.status, 200);
    assert_eq!(call(&mock, Method::DELETE, &path, None).await.status, 401);
    assert!(mock.user(&id).is_some(), "a faulted delete changes nothing");
    assert_eq!(mock.requests(Endpoint::UserGet), 4);
    assert_eq!(mock.requests(Endpoint::UserDelete), 1);

    mock.set_fault(Endpoint::UserList, Fault::MalformedJson);
    let malformed = client()
        .get(format!("{}/v1/users", mock.url()))
        .bearer_auth(SECRET)
        .send()
        .await
        .expect("response");
    assert_eq!(malformed.status(), 200);
    assert!(serde_json::from_str::<serde_json::Value>(&malformed.text().await.expect("body")).is_err());

    mock.set_fault(Endpoint::UserCreate, Fault::DropConnection);
    let dropped = client()
        .post(format!("{}/v1/users", mock.url()))
        .bearer_auth(SECRET)
        .body(json!({}).to_string())
        .send()
        .await;
    assert!(dropped.is_err());
    assert_eq!(mock.recorded_requests_to(Endpoint::UserCreate).len(), 1);
    assert_eq!(get(&mock, "/v1/users/count").await.body["total_count"], 1);
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_refused() {
    let mock = start().await;
    let big = json!({"public_metadata": {"blob": "x".repeat(1_100_000)}});
    let answer = call(&mock, Method::POST, "/v1/users", Some(big)).await;
    assert_eq!(answer.status, 413);
    let fits = json!({"public_metadata": {"blob": "x".repeat(6_000)}});
    assert_eq!(
        call(&mock, Method::POST, "/v1/users", Some(fits)).await.status,
        200
    );
}

#[tokio::test]
async fn a_raw_fault_sends_exactly_the_given_answer() {
    let mock = start().await;
    mock.push_fault(
        Endpoint::UserGet,
        Fault::Raw {
            status: 503,
            headers: vec![
                ("content-type".into(), "text/html".into()),
                ("retry-after".into(), "Wed, 21 Oct 2026 07:28:00 GMT".into()),
                ("cf-ray".into(), "8f1e2d3c4b5a6978-AMS".into()),
                ("bad header".into(), "dropped".into()),
            ],
            body: "<html>Service Unavailable</html>".into(),
        },
    );
    let response = client()
        .get(format!("{}/v1/users/user_1", mock.url()))
        .bearer_auth(SECRET)
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "Wed, 21 Oct 2026 07:28:00 GMT");
    assert_eq!(response.headers()["cf-ray"], "8f1e2d3c4b5a6978-AMS");
    assert_eq!(response.headers()["content-type"], "text/html");
    assert_eq!(
        response.text().await.expect("body"),
        "<html>Service Unavailable</html>"
    );
}
