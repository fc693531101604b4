//! Each error class over real HTTP: Clerk error bodies, non-JSON bodies, `Retry-After` in
//! both forms, decode errors naming the field path.

use std::time::{Duration, SystemTime};

use clerk_sdk::api::*;

use crate::client;
use crate::server::{Reply, Server};

#[tokio::test]
async fn clerk_error_body_is_exposed() {
    let server = Server::start().await;
    let api = client(&server);
    server.reply(
        Reply::json(
            422,
            r#"{"errors":[{"code":"form_param_missing","message":"is missing","long_message":"role must be included.","meta":{"param_name":"role"}}],"clerk_trace_id":"trace_abc"}"#,
        )
        .header("cf-ray", "ray-1"),
    );
    let e = api
        .organizations()
        .memberships("org_1")
        .create(&CreateMembershipParams::new().user_id("user_1"))
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(e.code(), Some("form_param_missing"));
    assert_eq!(
        e.errors()[0].long_message.as_deref(),
        Some("role must be included.")
    );
    assert_eq!(e.errors()[0].meta["param_name"], "role");
    assert_eq!(e.trace_id(), Some("trace_abc"));
    assert!(!e.is_not_found() && !e.is_rate_limited() && !e.is_unauthorized());
    assert_eq!(e.reason(), "api-status");
}

#[tokio::test]
async fn not_found_and_cf_ray() {
    let server = Server::start().await;
    let api = client(&server);
    server.reply(
        Reply::json(
            404,
            r#"{"errors":[{"code":"resource_not_found","message":"not found"}]}"#,
        )
        .header("cf-ray", "8f1e2d-AMS"),
    );
    let e = api.users().get("user_missing").await.unwrap_err();
    assert!(e.is_not_found());
    assert_eq!(e.trace_id(), Some("8f1e2d-AMS"));
}

#[tokio::test]
async fn non_json_500_keeps_status_and_excerpt() {
    let server = Server::start().await;
    let api = client(&server).with_policy(ApiPolicy::new().max_retries(0));
    server.reply(Reply {
        status: 500,
        headers: vec![("content-type", "text/html".to_owned())],
        body: "<html><body>Internal Server Error</body></html>".to_owned(),
        delay: Duration::ZERO,
    });
    let e = api.users().get("user_1").await.unwrap_err();
    let ApiError::Status(status) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(status.status.as_u16(), 500);
    assert!(status.errors.is_empty());
    assert!(
        status
            .body_excerpt
            .as_deref()
            .unwrap()
            .contains("Internal Server Error")
    );
    assert_eq!(status.attempts, 1);
}

#[tokio::test]
async fn retry_after_in_seconds_and_as_an_http_date() {
    let server = Server::start().await;
    // A cap below the asked wait: the 429 comes back at once, Retry-After exposed.
    let api = client(&server).with_policy(ApiPolicy::new().retry_after_cap(Duration::from_secs(1)));
    server.reply(
        Reply::json(
            429,
            r#"{"errors":[{"code":"too_many_requests","message":"slow down"}]}"#,
        )
        .header("retry-after", "7"),
    );
    let e = api.users().get("user_1").await.unwrap_err();
    assert!(e.is_rate_limited());
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));

    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
    server.reply(Reply::json(429, "{}").header("retry-after", date));
    let e = api.users().get("user_1").await.unwrap_err();
    let wait = e.retry_after().unwrap();
    assert!(
        wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
        "{wait:?}"
    );
    assert_eq!(server.take().len(), 2, "no retry past the cap");
}

#[tokio::test]
async fn retry_after_within_the_cap_is_waited_for() {
    let server = Server::start().await;
    let api = client(&server);
    server.reply(Reply::json(429, "{}").header("retry-after", "1"));
    server.reply(Reply::json(200, r#"{"id":"user_1"}"#));
    let started = std::time::Instant::now();
    let user = api.users().get("user_1").await.unwrap();
    assert_eq!(user.id, "user_1");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.take().len(), 2);
}

#[tokio::test]
async fn a_body_that_does_not_fit_names_the_field() {
    let server = Server::start().await;
    let api = client(&server);
    server.reply(Reply::json(
        200,
        r#"{"data":[{"id":"org_1"},{"id":42}],"total_count":2}"#,
    ));
    let e = api
        .organizations()
        .list(&OrganizationListParams::new())
        .await
        .unwrap_err();
    let ApiError::Decode { path, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(path, "data[1].id");
    assert_eq!(e.reason(), "api-decode-failed");
    server.reply(Reply::json(200, "not json"));
    let e = api.users().get("user_1").await.unwrap_err();
    assert!(matches!(e, ApiError::Decode { .. }), "{e:?}");
}
