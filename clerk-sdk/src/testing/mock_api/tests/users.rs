//! `/v1/users`: list filters, pagination and order, counts, CRUD, metadata, flags,
//! passwords and the user's memberships.

use std::time::Instant;

use http::Method;
use serde_json::{Value, json};

use super::super::{MembershipSeed, OrganizationSeed, UserSeed};
use super::support::{call, get, start};

#[tokio::test]
async fn list_is_a_bare_array_newest_first_and_count_is_a_total_count_object() {
    let mock = start().await;
    let ids: Vec<String> = (0..3)
        .map(|i| {
            mock.seed_user(
                UserSeed::new()
                    .email_address(format!("u{i}@x.com"))
                    .created_at(1_000 + i),
            )
            .expect("seeded")
        })
        .collect();
    let list = get(&mock, "/v1/users").await;
    assert_eq!(list.status, 200);
    assert!(list.body.is_array());
    assert_eq!(list.ids(), pick(&ids, &[2, 1, 0]));
    // `paginated` does not change the users list.
    assert!(get(&mock, "/v1/users?paginated=true").await.body.is_array());

    let count = get(&mock, "/v1/users/count?email_address=u1%40x.com&limit=1").await;
    assert_eq!(count.body, json!({"object": "total_count", "total_count": 1}));
    assert_eq!(get(&mock, "/v1/users/count").await.body["total_count"], 3);
}

#[tokio::test]
async fn the_user_json_has_clerks_shape() {
    let mock = start().await;
    let id = mock
        .seed_user(
            UserSeed::new()
                .email_address("ada@example.com")
                .phone_number("+15555550100")
                .first_name("Ada")
                .username("ada")
                .password("correct horse"),
        )
        .expect("seeded");
    let user = get(&mock, &format!("/v1/users/{id}")).await.body;
    assert_eq!(user["object"], "user");
    assert_eq!(user["id"], id.as_str());
    assert_eq!(user["first_name"], "Ada");
    assert!(user["last_name"].is_null() && user["external_id"].is_null());
    assert_eq!(user["password_enabled"], true);
    let email = &user["email_addresses"][0];
    assert_eq!(email["object"], "email_address");
    assert_eq!(email["email_address"], "ada@example.com");
    assert_eq!(user["primary_email_address_id"], email["id"]);
    assert_eq!(email["verification"]["status"], "verified");
    assert_eq!(email["linked_to"], json!([]));
    assert_eq!(user["phone_numbers"][0]["phone_number"], "+15555550100");
    for list in [
        "web3_wallets",
        "passkeys",
        "external_accounts",
        "saml_accounts",
        "enterprise_accounts",
    ] {
        assert_eq!(user[list], json!([]), "{list}");
    }
    for field in ["public_metadata", "private_metadata", "unsafe_metadata"] {
        assert_eq!(user[field], json!({}), "{field}");
    }
    for field in [
        "last_sign_in_at",
        "last_active_at",
        "legal_accepted_at",
        "mfa_enabled_at",
        "lockout_expires_in_seconds",
    ] {
        assert!(user.get(field).is_some_and(Value::is_null), "{field}");
    }
    assert!(user["created_at"].is_u64() && user["updated_at"].is_u64());
    assert_eq!(mock.user(&id), Some(user));
}

/// The ids a list answers, sorted.
async fn ids(mock: &super::super::MockClerkApi, path: &str) -> Vec<String> {
    let mut ids = get(mock, path).await.ids();
    ids.sort();
    ids
}

/// `ids` picked in the order of `indexes`.
fn pick(ids: &[String], indexes: &[usize]) -> Vec<String> {
    indexes.iter().map(|&i| ids[i].clone()).collect()
}

fn sorted(ids: &[&String]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|id| (*id).clone()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn list_filters_combine_and_repeated_keys_are_any_of() {
    let mock = start().await;
    let ada = mock
        .seed_user(
            UserSeed::new()
                .email_address("Ada@Example.com")
                .first_name("Ada")
                .last_name("Lovelace")
                .username("ada")
                .external_id("ext_1"),
        )
        .expect("seeded");
    let bob = mock
        .seed_user(
            UserSeed::new()
                .email_address("bob@example.com")
                .phone_number("+15550001")
                .first_name("Bob")
                .banned(true)
                .last_sign_in_at(5_000),
        )
        .expect("seeded");
    let eve = mock
        .seed_user(UserSeed::new().email_address("eve@other.org").username("eve"))
        .expect("seeded");
    let org = mock
        .seed_organization(OrganizationSeed::new("Acme"))
        .expect("org");
    mock.seed_membership(MembershipSeed::new(&org, &ada, "org:admin"))
        .expect("member");
    mock.seed_membership(MembershipSeed::new(&org, &eve, "org:member"))
        .expect("member");

    assert_eq!(
        ids(&mock, "/v1/users?email_address=ada%40example.com").await,
        sorted(&[&ada])
    );
    assert_eq!(
        ids(
            &mock,
            "/v1/users?email_address=ada%40example.com&email_address=bob%40example.com"
        )
        .await,
        sorted(&[&ada, &bob])
    );
    assert_eq!(
        ids(&mock, "/v1/users?phone_number=%2B15550001").await,
        sorted(&[&bob])
    );
    assert_eq!(ids(&mock, "/v1/users?username=EVE").await, sorted(&[&eve]));
    assert_eq!(ids(&mock, "/v1/users?external_id=ext_1").await, sorted(&[&ada]));
    assert_eq!(ids(&mock, "/v1/users?organization_id=").await, sorted(&[]));
    assert_eq!(
        ids(&mock, &format!("/v1/users?organization_id={org}")).await,
        sorted(&[&ada, &eve])
    );
    assert_eq!(
        ids(&mock, &format!("/v1/users?organization_id=-{org}")).await,
        sorted(&[&bob])
    );
    assert_eq!(
        ids(&mock, &format!("/v1/users?user_id={ada}&user_id=%2B{bob}")).await,
        sorted(&[&ada, &bob])
    );
    assert_eq!(
        ids(&mock, &format!("/v1/users?user_id=-{ada}")).await,
        sorted(&[&bob, &eve])
    );
    assert_eq!(ids(&mock, "/v1/users?query=example").await, sorted(&[&ada, &bob]));
    assert_eq!(ids(&mock, "/v1/users?query=lovel").await, sorted(&[&ada]));
    assert_eq!(ids(&mock, "/v1/users?query=ada+love").await, sorted(&[&ada]));
    assert_eq!(
        ids(&mock, "/v1/users?email_address_query=OTHER").await,
        sorted(&[&eve])
    );
    assert_eq!(ids(&mock, "/v1/users?name_query=bo").await, sorted(&[&bob]));
    assert_eq!(ids(&mock, "/v1/users?username_query=v").await, sorted(&[&eve]));
    assert_eq!(
        ids(&mock, "/v1/users?phone_number_query=555").await,
        sorted(&[&bob])
    );
    assert_eq!(ids(&mock, "/v1/users?banned=true").await, sorted(&[&bob]));
    assert_eq!(ids(&mock, "/v1/users?banned=false").await, sorted(&[&ada, &eve]));
    assert_eq!(
        ids(&mock, "/v1/users?last_sign_in_at_after=4000").await,
        sorted(&[&bob])
    );
    assert_eq!(
        ids(&mock, "/v1/users?last_sign_in_at_before=4000").await,
        sorted(&[])
    );
    assert_eq!(
        ids(&mock, "/v1/users?query=example&banned=false").await,
        sorted(&[&ada])
    );
    assert_eq!(ids(&mock, "/v1/users?web3_wallet=0x1").await, sorted(&[]));

    let bad = get(&mock, "/v1/users?banned=yes").await;
    assert_eq!((bad.status, bad.code()), (422, "form_param_value_invalid"));
    assert_eq!(bad.body["errors"][0]["meta"]["param_name"], "banned");
}

#[tokio::test]
async fn limit_offset_order_by_and_the_cursor() {
    let mock = start().await;
    let names = ["carol", "alice", "bob", "dave"];
    let ids: Vec<String> = names
        .iter()
        .map(|n| {
            mock.seed_user(UserSeed::new().first_name(*n).created_at(7))
                .expect("seeded")
        })
        .collect();
    // Equal timestamps: creation order breaks the tie, newest first by default.
    let all = get(&mock, "/v1/users").await.ids();
    assert_eq!(all, pick(&ids, &[3, 2, 1, 0]));
    assert_eq!(
        get(&mock, "/v1/users?limit=2&offset=1").await.ids(),
        pick(&ids, &[2, 1])
    );
    assert_eq!(
        get(&mock, "/v1/users?offset=10").await.ids(),
        Vec::<String>::new()
    );
    assert_eq!(
        get(&mock, "/v1/users?order_by=first_name").await.ids(),
        pick(&ids, &[1, 2, 0, 3])
    );
    assert_eq!(
        get(&mock, "/v1/users?order_by=-first_name&order_by=created_at")
            .await
            .ids(),
        pick(&ids, &[3, 0, 2, 1])
    );
    assert_eq!(
        get(&mock, "/v1/users?order_by=%2Bcreated_at&limit=3").await.ids(),
        pick(&ids, &[0, 1, 2])
    );
    // A raw `+` is a space on the wire.
    let raw_plus = get(&mock, "/v1/users?order_by=+created_at").await;
    assert_eq!(
        (raw_plus.status, raw_plus.code()),
        (422, "form_param_value_invalid")
    );

    let page2 = get(&mock, &format!("/v1/users?limit=2&starting_after={}", ids[2])).await;
    assert_eq!(page2.ids(), pick(&ids, &[1, 0]));
    let ascending = get(
        &mock,
        &format!("/v1/users?order_by=created_at&starting_after={}", ids[1]),
    )
    .await;
    assert_eq!(ascending.ids(), pick(&ids, &[2, 3]));
    for bad in [
        format!("/v1/users?order_by=first_name&starting_after={}", ids[0]),
        format!("/v1/users?offset=1&starting_after={}", ids[0]),
        "/v1/users?starting_after=user_gone".to_owned(),
        "/v1/users?limit=0".to_owned(),
        "/v1/users?limit=501".to_owned(),
        "/v1/users?limit=10.0".to_owned(),
        "/v1/users?offset=-1".to_owned(),
        "/v1/users?order_by=password".to_owned(),
    ] {
        let answer = get(&mock, &bad).await;
        assert_eq!(
            (answer.status, answer.code()),
            (422, "form_param_value_invalid"),
            "{bad}"
        );
    }
    assert_eq!(get(&mock, "/v1/users?limit=500").await.ids().len(), 4);
}

#[tokio::test]
async fn paging_through_2500_users_is_fast_and_sees_each_once() {
    let mock = start().await;
    let seeded = Instant::now();
    let mut ids = Vec::new();
    for i in 0..2_500 {
        ids.push(
            mock.seed_user(UserSeed::new().email_address(format!("user{i}@example.com")))
                .expect("seeded"),
        );
    }
    let seeding = seeded.elapsed();
    let started = Instant::now();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            None => "/v1/users?limit=100".to_owned(),
            Some(after) => format!("/v1/users?limit=100&starting_after={after}"),
        };
        let page = get(&mock, &path).await.ids();
        let done = page.len() < 100;
        cursor = page.last().cloned();
        seen.extend(page);
        if done {
            break;
        }
    }
    let paging = started.elapsed();
    ids.reverse();
    assert_eq!(seen, ids);
    let offset_page = get(&mock, "/v1/users?limit=500&offset=2000").await.ids();
    assert_eq!(offset_page, ids[2000..]);
    eprintln!("seeding 2,500: {seeding:?}; 26 cursor pages: {paging:?}");
    // Generous bounds for a loaded debug build (most of it is the client parsing JSON).
    assert!(seeding.as_secs() < 10, "seeding took {seeding:?}");
    assert!(paging.as_secs() < 20, "26 pages took {paging:?}");
}

#[tokio::test]
async fn create_update_and_delete() {
    let mock = start().await;
    let created = call(
        &mock,
        Method::POST,
        "/v1/users",
        Some(json!({
            "email_address": ["new@example.com"],
            "first_name": "New",
            "username": "newbie",
            "password": "long enough",
            "public_metadata": {"plan": "pro"},
            "legal_accepted_at": "2024-01-02T03:04:05.678Z",
        })),
    )
    .await;
    assert_eq!(created.status, 200);
    let id = created.body["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("user_"));
    assert_eq!(created.body["public_metadata"], json!({"plan": "pro"}));
    assert_eq!(created.body["legal_accepted_at"], 1_704_164_645_678_u64);
    assert_eq!(
        created.body["email_addresses"][0]["email_address"],
        "new@example.com"
    );

    let taken = call(
        &mock,
        Method::POST,
        "/v1/users",
        Some(json!({"email_address": ["NEW@example.com"]})),
    )
    .await;
    assert_eq!((taken.status, taken.code()), (422, "form_identifier_exists"));
    let short = call(
        &mock,
        Method::POST,
        "/v1/users",
        Some(json!({"password": "short"})),
    )
    .await;
    assert_eq!(
        (short.status, short.code()),
        (422, "form_password_length_too_short")
    );
    let skipped = call(
        &mock,
        Method::POST,
        "/v1/users",
        Some(json!({"password": "short", "skip_password_checks": true})),
    )
    .await;
    assert_eq!(skipped.status, 200);
    let typed = call(
        &mock,
        Method::POST,
        "/v1/users",
        Some(json!({"email_address": "one@example.com"})),
    )
    .await;
    assert_eq!((typed.status, typed.code()), (422, "form_param_value_invalid"));
    let bad_time = call(
        &mock,
        Method::POST,
        "/v1/users",
        Some(json!({"created_at": 1700000000000_u64})),
    )
    .await;
    assert_eq!(
        (bad_time.status, bad_time.code()),
        (422, "form_param_value_invalid")
    );
    let not_json = call(&mock, Method::POST, "/v1/users", Some(json!([1]))).await;
    assert_eq!((not_json.status, not_json.code()), (400, "malformed_request"));

    let updated = call(
        &mock,
        Method::PATCH,
        &format!("/v1/users/{id}"),
        Some(json!({"last_name": "Person", "username": null, "first_name": "Newer"})),
    )
    .await;
    assert_eq!(updated.status, 200);
    assert_eq!(updated.body["last_name"], "Person");
    assert_eq!(updated.body["first_name"], "Newer");
    assert!(updated.body["username"].is_null());
    assert_eq!(updated.body["public_metadata"], json!({"plan": "pro"}));
    let wrong_primary = call(
        &mock,
        Method::PATCH,
        &format!("/v1/users/{id}"),
        Some(json!({"primary_email_address_id": "idn_x"})),
    )
    .await;
    assert_eq!(wrong_primary.status, 422);

    let deleted = call(&mock, Method::DELETE, &format!("/v1/users/{id}"), None).await;
    assert_eq!(deleted.body, json!({"object": "user", "id": id, "deleted": true}));
    let gone = get(&mock, &format!("/v1/users/{id}")).await;
    assert_eq!((gone.status, gone.code()), (404, "resource_not_found"));
    assert!(gone.body["clerk_trace_id"].is_string());
    assert!(gone.body["errors"][0]["long_message"].is_string());
    let again = call(&mock, Method::DELETE, &format!("/v1/users/{id}"), None).await;
    assert_eq!(again.status, 404);
    // The address is free again.
    let reused = call(
        &mock,
        Method::POST,
        "/v1/users",
        Some(json!({"email_address": ["new@example.com"]})),
    )
    .await;
    assert_eq!(reused.status, 200);
}

#[tokio::test]
async fn metadata_patch_merges_deeply_and_put_replaces() {
    let mock = start().await;
    let id = mock
        .seed_user(
            UserSeed::new()
                .public_metadata(json!({"a": 1, "nested": {"x": 1, "y": 2}}))
                .private_metadata(json!({"secret": true})),
        )
        .expect("seeded");
    let path = format!("/v1/users/{id}/metadata");
    let merged = call(
        &mock,
        Method::PATCH,
        &path,
        Some(json!({"public_metadata": {"a": null, "nested": {"y": null, "z": 3}, "b": [1]}, "unsafe_metadata": {"u": 1}})),
    )
    .await;
    assert_eq!(merged.status, 200);
    assert_eq!(
        merged.body["public_metadata"],
        json!({"nested": {"x": 1, "z": 3}, "b": [1]})
    );
    assert_eq!(merged.body["private_metadata"], json!({"secret": true}));
    assert_eq!(merged.body["unsafe_metadata"], json!({"u": 1}));

    let replaced = call(
        &mock,
        Method::PUT,
        &path,
        Some(json!({"public_metadata": {"only": true}, "private_metadata": {}})),
    )
    .await;
    assert_eq!(replaced.body["public_metadata"], json!({"only": true}));
    assert_eq!(replaced.body["private_metadata"], json!({}));
    assert_eq!(replaced.body["unsafe_metadata"], json!({"u": 1}));
    let nulled = call(&mock, Method::PUT, &path, Some(json!({"unsafe_metadata": null}))).await;
    assert!(nulled.body["unsafe_metadata"].is_null());

    let typed = call(&mock, Method::PATCH, &path, Some(json!({"public_metadata": "x"}))).await;
    assert_eq!((typed.status, typed.code()), (422, "form_param_value_invalid"));
    let missing = call(
        &mock,
        Method::PATCH,
        "/v1/users/user_none/metadata",
        Some(json!({})),
    )
    .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn ban_unban_lock_unlock_and_verify_password() {
    let mock = start().await;
    let id = mock
        .seed_user(UserSeed::new().password("hunter2hunter2"))
        .expect("seeded");
    let session = mock
        .seed_session(super::super::SessionSeed::new(&id))
        .expect("session");
    let flag = |action: &'static str| {
        let path = format!("/v1/users/{id}/{action}");
        let mock = &mock;
        async move { call(mock, Method::POST, &path, None).await.body }
    };
    assert_eq!(flag("ban").await["banned"], true);
    assert_eq!(mock.session(&session).expect("session")["status"], "revoked");
    assert_eq!(flag("unban").await["banned"], false);
    let locked = flag("lock").await;
    assert_eq!(
        (locked["locked"].clone(), locked["banned"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(flag("unlock").await["locked"], false);

    let path = format!("/v1/users/{id}/verify_password");
    let right = call(
        &mock,
        Method::POST,
        &path,
        Some(json!({"password": "hunter2hunter2"})),
    )
    .await;
    assert_eq!(
        (right.status, right.body.clone()),
        (200, json!({"verified": true}))
    );
    let wrong = call(&mock, Method::POST, &path, Some(json!({"password": "nope"}))).await;
    assert_eq!((wrong.status, wrong.code()), (422, "incorrect_password"));
    let missing = call(&mock, Method::POST, &path, Some(json!({}))).await;
    assert_eq!((missing.status, missing.code()), (422, "form_param_missing"));
    assert_eq!(missing.body["errors"][0]["meta"]["param_name"], "password");
    let no_password = mock.seed_user(UserSeed::new()).expect("seeded");
    let unset = call(
        &mock,
        Method::POST,
        &format!("/v1/users/{no_password}/verify_password"),
        Some(json!({"password": "x"})),
    )
    .await;
    assert_eq!(unset.status, 400);
}

#[tokio::test]
async fn a_users_memberships_are_wrapped_with_full_organizations() {
    let mock = start().await;
    let id = mock.seed_user(UserSeed::new().first_name("Ada")).expect("seeded");
    let orgs: Vec<String> = (0..3)
        .map(|i| {
            let org = mock
                .seed_organization(OrganizationSeed::new(format!("Org {i}")))
                .expect("org");
            mock.seed_membership(MembershipSeed::new(&org, &id, "org:member"))
                .expect("member");
            org
        })
        .collect();
    let page = get(&mock, &format!("/v1/users/{id}/organization_memberships?limit=2")).await;
    assert_eq!(page.body["total_count"], 3);
    let data = page.body["data"].as_array().expect("data");
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["object"], "organization_membership");
    assert_eq!(data[0]["organization"]["id"], orgs[2].as_str());
    assert_eq!(data[0]["organization"]["object"], "organization");
    assert_eq!(data[0]["public_user_data"]["user_id"], id.as_str());
    assert_eq!(data[0]["public_user_data"]["first_name"], "Ada");
    let rest = get(
        &mock,
        &format!("/v1/users/{id}/organization_memberships?offset=2"),
    )
    .await;
    assert_eq!(rest.body["data"][0]["organization"]["id"], orgs[0].as_str());
}
