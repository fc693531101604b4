//! The request log: what a client sent, exactly.

use http::Method;
use serde_json::json;

use super::super::{Endpoint, UserSeed};
use super::support::{SECRET, call, get, start};

#[tokio::test]
async fn the_log_keeps_method_raw_path_query_pairs_headers_and_body_in_order() {
    let mock = start().await;
    let id = mock
        .seed_user(UserSeed::new().id("user_a/b").email_address("a@x.com"))
        .expect("seeded");
    assert_eq!(get(&mock, "/v1/users/user_a%2Fb").await.status, 200);
    get(
        &mock,
        "/v1/users?email_address=a%40x.com&email_address=b+c&order_by=%2Bcreated_at&limit=10",
    )
    .await;
    call(
        &mock,
        Method::PATCH,
        &format!("/v1/users/{}/metadata", "user_a%2Fb"),
        Some(json!({"public_metadata": {"k": null}})),
    )
    .await;
    get(&mock, "/v1/nowhere?x").await;

    let log = mock.recorded_requests();
    assert_eq!(log.len(), 4);
    assert_eq!(log[0].path, "/v1/users/user_a%2Fb");
    assert_eq!(log[0].path_segments(), ["v1", "users", &id]);
    assert_eq!(log[0].endpoint, Some(Endpoint::UserGet));
    assert_eq!(log[0].raw_query, None);

    let list = &log[1];
    assert_eq!(list.method, Method::GET);
    assert_eq!(
        list.query_keys(),
        ["email_address", "email_address", "order_by", "limit"]
    );
    assert_eq!(list.query_values("email_address"), ["a@x.com", "b c"]);
    assert_eq!(list.query_values("order_by"), ["+created_at"]);
    assert_eq!(
        list.raw_query_pairs[0],
        ("email_address".into(), "a%40x.com".into())
    );
    assert_eq!(list.raw_query_pairs[1].1, "b+c");
    assert_eq!(
        list.header("authorization"),
        Some(format!("Bearer {SECRET}").as_str())
    );
    assert!(list.body.is_empty() && list.json().is_none());

    assert_eq!(log[2].method, Method::PATCH);
    assert_eq!(log[2].endpoint, Some(Endpoint::UserMetadataMerge));
    assert_eq!(log[2].header("content-type"), Some("application/json"));
    assert_eq!(log[2].json(), Some(json!({"public_metadata": {"k": null}})));

    assert_eq!(log[3].endpoint, None);
    assert_eq!(log[3].raw_query.as_deref(), Some("x"));
    assert_eq!(log[3].raw_query_pairs, [("x".to_owned(), String::new())]);

    assert_eq!(mock.recorded_requests_to(Endpoint::UserList).len(), 1);
    assert_eq!(mock.last_recorded_request().expect("last").path, "/v1/nowhere");
    // Debug hides the bearer.
    let debug = format!("{:?}", log[1]);
    assert!(!debug.contains(SECRET) && debug.contains("[redacted]"), "{debug}");

    mock.clear_recorded_requests();
    assert!(mock.recorded_requests().is_empty());
    mock.record_requests(false);
    get(&mock, "/v1/users").await;
    assert!(mock.recorded_requests().is_empty());
    // Counters are separate from the log.
    assert_eq!(mock.requests(Endpoint::UserList), 2);
}
