//! `users().list_all` over 2,500 users: each once, in order, one page in memory at a time,
//! by cursor when the order allows it and by offset otherwise.

use std::sync::Arc;

use clerk_sdk::api::*;
use futures_util::StreamExt;
use serde_json::json;

use crate::client;
use crate::server::{Recorded, Reply, Server};

const USERS: usize = 2_500;

/// Users newest first (Clerk's default `-created_at`), ids `user_00000`…
fn users() -> Arc<Vec<serde_json::Value>> {
    Arc::new(
        (0..USERS)
            .map(|i| json!({"id": format!("user_{i:05}"), "created_at": 1_700_000_000_000i64 - i as i64}))
            .collect(),
    )
}

/// `GET /v1/users` over `all`: `limit`, `offset` and `starting_after` as Clerk applies them.
fn serve_users(all: Arc<Vec<serde_json::Value>>) -> impl Fn(&Recorded) -> Option<Reply> {
    move |r| {
        let q = r.query_pairs();
        let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let limit: usize = get("limit").map_or(10, |l| l.parse().unwrap());
        let mut start: usize = get("offset").map_or(0, |o| o.parse().unwrap());
        if let Some(after) = get("starting_after") {
            start = all.iter().position(|u| u["id"] == after.as_str()).unwrap() + 1;
        }
        let page: Vec<_> = all.iter().skip(start).take(limit).cloned().collect();
        Some(Reply::json(200, serde_json::to_string(&page).unwrap()))
    }
}

#[tokio::test]
async fn list_all_walks_every_user_once_in_order_by_cursor() {
    let server = Server::start().await;
    let all = users();
    server.handle(serve_users(all.clone()));
    let api = client(&server);
    let mut stream = Box::pin(
        api.users()
            .list_all(UserListParams::new().limit(500).email_address_query("x")),
    );
    let mut seen = 0;
    while let Some(user) = stream.next().await {
        let user = user.unwrap();
        assert_eq!(user.id, all[seen]["id"]);
        seen += 1;
    }
    assert_eq!(seen, USERS);
    let requests = server.take();
    assert_eq!(requests.len(), 6, "5 full pages and an empty one");
    for (i, r) in requests.iter().enumerate() {
        let q = r.query_pairs();
        assert!(q.contains(&("limit".into(), "500".into())));
        assert!(q.contains(&("email_address_query".into(), "x".into())));
        assert!(
            !q.iter().any(|(k, _)| k == "offset"),
            "cursor walk sends no offset"
        );
        let cursor = q
            .iter()
            .find(|(k, _)| k == "starting_after")
            .map(|(_, v)| v.clone());
        if i == 0 {
            assert_eq!(cursor, None);
        } else {
            assert_eq!(
                cursor.as_deref(),
                Some(format!("user_{:05}", i * 500 - 1).as_str())
            );
        }
    }
}

#[tokio::test]
async fn list_all_pages_by_offset_for_other_orders() {
    let server = Server::start().await;
    let all = users();
    server.handle(serve_users(all.clone()));
    let api = client(&server);
    let ids: Vec<String> = api
        .users()
        .list_all(UserListParams::new().order_by("-last_sign_in_at").limit(300))
        .map(|u| u.unwrap().id)
        .collect()
        .await;
    assert_eq!(ids.len(), USERS);
    assert!(ids.iter().zip(all.iter()).all(|(a, b)| b["id"] == a.as_str()));
    let requests = server.take();
    assert_eq!(requests.len(), 9, "8 full pages of 300 and a short one");
    let offsets: Vec<_> = requests
        .iter()
        .map(|r| {
            r.query_pairs()
                .into_iter()
                .find(|(k, _)| k == "offset")
                .map(|(_, v)| v)
        })
        .collect();
    assert_eq!(offsets[0], None);
    assert_eq!(offsets[1].as_deref(), Some("300"));
    assert_eq!(offsets[8].as_deref(), Some("2400"));
    assert!(
        requests
            .iter()
            .all(|r| !r.query_pairs().iter().any(|(k, _)| k == "starting_after"))
    );
}

#[tokio::test]
async fn list_all_stops_at_the_first_error() {
    let server = Server::start().await;
    let all = users();
    server.reply(Reply::json(
        200,
        serde_json::to_string(&all[..100].to_vec()).unwrap(),
    ));
    server.handle(|_| Some(Reply::json(400, r#"{"errors":[{"code":"bad","message":"no"}]}"#)));
    let api = client(&server);
    let items: Vec<_> = api.users().list_all(UserListParams::new()).collect().await;
    assert_eq!(items.len(), 101);
    assert!(items[..100].iter().all(Result::is_ok));
    assert_eq!(
        items[100].as_ref().unwrap_err().status().map(|s| s.as_u16()),
        Some(400)
    );
}

#[tokio::test]
async fn list_all_fetches_a_page_only_when_the_previous_one_is_used_up() {
    let server = Server::start().await;
    let all = users();
    server.handle(serve_users(all.clone()));
    let api = client(&server);
    let mut stream = Box::pin(api.users().list_all(UserListParams::new().limit(500)));
    let mut seen = 0;
    // One page in memory at a time: reading a page's users sends nothing more, and the next
    // request goes out only when the stream is asked for the user after the page.
    for pages in 1..=USERS / 500 {
        while seen < pages * 500 {
            stream.next().await.unwrap().unwrap();
            seen += 1;
            assert_eq!(
                server.take().len(),
                usize::from(seen % 500 == 1),
                "after {seen} users"
            );
        }
    }
    assert!(stream.next().await.is_none());
    assert_eq!(server.take().len(), 1, "the empty page that ends the walk");
}
