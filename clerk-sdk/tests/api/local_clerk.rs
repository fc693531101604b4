//! The client against the test kit's local Clerk (`MockClerkApi`, a stateful Backend API on
//! loopback): whole flows, its request log, `list_all` over 2,500 users, and its per-key rate
//! limit met with and without the client-side limiter.

use std::time::Duration;

use clerk_sdk::ClerkConfig;
use clerk_sdk::api::*;
use clerk_sdk::testing::{MembershipSeed, MockClerkApi, OrganizationSeed, UserSeed};
use futures_util::StreamExt;
use serde_json::json;

use crate::SECRET;

async fn local() -> (MockClerkApi, BackendApi) {
    let clerk = MockClerkApi::start(SECRET).await.unwrap();
    let config = ClerkConfig::builder()
        .secret_key(SECRET)
        .api_url(clerk.url())
        .build()
        .unwrap();
    (clerk, BackendApi::new(&config))
}

#[tokio::test]
async fn a_user_flow_against_the_local_clerk() {
    let (clerk, api) = local().await;
    let users = api.users();
    let user = users
        .create(
            &CreateUserParams::new()
                .email_address("ada@example.com")
                .first_name("Ada")
                .last_name("Lovelace")
                .password("a long enough password 123")
                .public_metadata(json!({"plan": "pro", "flags": {"beta": true}})),
        )
        .await
        .unwrap();
    assert_eq!(user.full_name().as_deref(), Some("Ada Lovelace"));
    let request = clerk.last_recorded_request().unwrap();
    assert_eq!(request.method, http::Method::POST);
    assert_eq!(request.path, "/v1/users");

    let got = users.get(&user.id).await.unwrap();
    assert_eq!(
        got.primary_email_address().map(|e| e.email_address.as_str()),
        Some("ada@example.com")
    );

    let merged = users
        .update_metadata(
            &user.id,
            &MetadataParams::new().public_metadata(json!({"plan": null, "flags": {"gamma": 1}})),
        )
        .await
        .unwrap();
    assert_eq!(
        serde_json::Value::Object(merged.public_metadata.clone()),
        json!({"flags": {"beta": true, "gamma": 1}})
    );
    let replaced = users
        .replace_metadata(
            &user.id,
            &MetadataParams::new().public_metadata(json!({"only": 1})),
        )
        .await
        .unwrap();
    assert_eq!(
        serde_json::Value::Object(replaced.public_metadata),
        json!({"only": 1})
    );

    let found = users
        .list(&UserListParams::new().email_address("ada@example.com").limit(5))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let logged = clerk.last_recorded_request().unwrap();
    assert_eq!(
        logged.query_pairs,
        [
            ("email_address".to_owned(), "ada@example.com".to_owned()),
            ("limit".to_owned(), "5".to_owned())
        ]
    );
    assert_eq!(users.count(&UserListParams::new()).await.unwrap(), 1);
    assert!(
        users
            .verify_password(&user.id, "a long enough password 123")
            .await
            .unwrap()
    );
    assert!(!users.verify_password(&user.id, "wrong").await.unwrap());

    let deleted = users.delete(&user.id).await.unwrap();
    assert!(deleted.deleted);
    let e = users.get(&user.id).await.unwrap_err();
    assert!(e.is_not_found(), "{e}");
    assert_eq!(e.code(), Some("resource_not_found"));
}

#[tokio::test]
async fn an_organization_flow_against_the_local_clerk() {
    let (clerk, api) = local().await;
    let admin = clerk
        .seed_user(UserSeed::new().email_address("admin@acme.test"))
        .unwrap();
    let member = clerk
        .seed_user(UserSeed::new().email_address("m@acme.test"))
        .unwrap();
    let org = clerk
        .seed_organization(OrganizationSeed::new("Acme").slug("acme"))
        .unwrap();
    clerk
        .seed_membership(MembershipSeed::new(&org, &admin, "org:admin"))
        .unwrap();

    assert_eq!(api.organizations().get("acme").await.unwrap().id, org);
    let members = api.organizations().memberships(&org);
    members
        .create(&CreateMembershipParams::new().user_id(&member).role("org:member"))
        .await
        .unwrap();
    let page = members.list(&MembershipListParams::new()).await.unwrap();
    assert_eq!(page.total_count, 2);
    let updated = members.update(&member, "org:admin").await.unwrap();
    assert_eq!(updated.role, "org:admin");
    let mine = api
        .users()
        .organization_memberships(&member, &PageParams::new())
        .await
        .unwrap();
    assert_eq!(mine.data[0].organization.id, org);
    members.delete(&member).await.unwrap();
    assert_eq!(
        members
            .list(&MembershipListParams::new())
            .await
            .unwrap()
            .total_count,
        1
    );

    let invitations = api.organizations().invitations(&org);
    let invitation = invitations
        .create(
            &CreateOrganizationInvitationParams::new()
                .email_address("new@acme.test")
                .role("org:member"),
        )
        .await
        .unwrap();
    assert_eq!(invitations.get(&invitation.id).await.unwrap().id, invitation.id);
    invitations.revoke(&invitation.id, Some(&admin)).await.unwrap();

    let orgs = api
        .organizations()
        .list(&OrganizationListParams::new())
        .await
        .unwrap();
    assert_eq!(orgs.total_count, 1);
    let deleted = api.organizations().delete(&org).await.unwrap();
    assert!(deleted.deleted);
}

#[tokio::test]
async fn list_all_over_2500_local_users_by_cursor() {
    let (clerk, api) = local().await;
    for i in 0..2_500u64 {
        clerk
            .seed_user(
                UserSeed::new()
                    .id(format!("user_{i:05}"))
                    .created_at(1_700_000_000_000 + i),
            )
            .unwrap();
    }
    clerk.clear_recorded_requests();
    let ids: Vec<String> = api
        .users()
        .list_all(UserListParams::new().limit(500))
        .map(|u| u.unwrap().id)
        .collect()
        .await;
    // Newest first, each once.
    let want: Vec<String> = (0..2_500).rev().map(|i| format!("user_{i:05}")).collect();
    assert_eq!(ids, want);
    let requests = clerk.recorded_requests();
    assert_eq!(requests.len(), 6);
    assert!(
        requests[1..]
            .iter()
            .all(|r| r.query_pairs.iter().any(|(k, _)| k == "starting_after"))
    );
}

#[tokio::test]
async fn the_local_rate_limit_answers_429_and_the_client_limiter_avoids_it() {
    let (clerk, api) = local().await;
    let user = clerk.seed_user(UserSeed::new()).unwrap();
    clerk.set_rate_limit(5, Duration::from_secs(1));
    let no_retry = api.with_policy(ApiPolicy::new().max_retries(0));
    let mut limited = None;
    for _ in 0..6 {
        if let Err(e) = no_retry.users().get(&user).await {
            limited = Some(e);
        }
    }
    let e = limited.expect("the sixth call is over the limit");
    assert!(e.is_rate_limited(), "{e}");
    assert!(e.retry_after().is_some());

    clerk.set_rate_limit(5, Duration::from_millis(500));
    let paced = api.with_policy(
        ApiPolicy::new()
            .max_retries(0)
            .rate_limit(RateLimit::new(5, Duration::from_millis(500))),
    );
    let calls = (0..15).map(|_| {
        let api = paced.clone();
        let user = user.clone();
        async move { api.users().get(&user).await }
    });
    for result in futures_util::future::join_all(calls).await {
        result.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_gets_through_one_handle_all_succeed() {
    let (clerk, api) = local().await;
    let user = clerk
        .seed_user(UserSeed::new().email_address("c@x.test"))
        .unwrap();
    let calls = (0..1_000).map(|_| {
        let api = api.clone();
        let user = user.clone();
        tokio::spawn(async move { api.users().get(&user).await })
    });
    let started = std::time::Instant::now();
    for call in futures_util::future::join_all(calls).await {
        assert_eq!(call.unwrap().unwrap().id, user);
    }
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}
