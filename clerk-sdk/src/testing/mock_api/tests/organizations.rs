//! `/v1/organizations`: CRUD, lookup by slug, members counts, list filters and order,
//! metadata, and memberships.

use http::Method;
use serde_json::{Value, json};

use super::super::{MembershipSeed, OrganizationSeed, UserSeed};
use super::support::{call, get, start};

#[tokio::test]
async fn create_get_by_id_or_slug_update_and_delete() {
    let mock = start().await;
    let creator = mock
        .seed_user(UserSeed::new().email_address("boss@acme.test"))
        .expect("user");
    let created = call(
        &mock,
        Method::POST,
        "/v1/organizations",
        Some(json!({"name": "Acme Inc", "created_by": creator, "private_metadata": {"tier": 1}})),
    )
    .await;
    assert_eq!(created.status, 200);
    let org = created.body;
    let id = org["id"].as_str().expect("id").to_owned();
    assert_eq!(org["object"], "organization");
    assert_eq!(org["slug"], "acme-inc");
    assert_eq!(org["created_by"], creator.as_str());
    assert_eq!(org["private_metadata"], json!({"tier": 1}));
    assert_eq!(org["public_metadata"], json!({}));
    assert_eq!(org["max_allowed_memberships"], 0);
    assert!(org.get("members_count").is_none());
    // The creator is an admin.
    assert_eq!(
        mock.membership(&id, &creator).expect("membership")["role"],
        "org:admin"
    );

    let by_slug = get(&mock, "/v1/organizations/acme-inc?include_members_count=true").await;
    assert_eq!(by_slug.body["id"], id.as_str());
    assert_eq!(by_slug.body["members_count"], 1);

    for (body, status, code) in [
        (json!({}), 422, "form_param_missing"),
        (json!({"name": ""}), 422, "form_param_missing"),
        (
            json!({"name": "Other", "slug": "acme-inc"}),
            422,
            "form_identifier_exists",
        ),
        (
            json!({"name": "Other", "slug": "Bad Slug"}),
            422,
            "form_param_format_invalid",
        ),
        (json!({"name": "x".repeat(257)}), 422, "form_param_value_invalid"),
        (
            json!({"name": "Other", "created_by": "user_none"}),
            404,
            "resource_not_found",
        ),
    ] {
        let answer = call(&mock, Method::POST, "/v1/organizations", Some(body.clone())).await;
        assert_eq!((answer.status, answer.code()), (status, code), "{body}");
    }

    let updated = call(
        &mock,
        Method::PATCH,
        &format!("/v1/organizations/{id}"),
        Some(json!({"name": "Acme", "slug": "acme", "max_allowed_memberships": 5, "admin_delete_enabled": false})),
    )
    .await;
    assert_eq!(updated.status, 200);
    assert_eq!(
        (updated.body["name"].clone(), updated.body["slug"].clone()),
        (json!("Acme"), json!("acme"))
    );
    assert_eq!(updated.body["max_allowed_memberships"], 5);
    assert_eq!(updated.body["admin_delete_enabled"], false);
    assert_eq!(get(&mock, "/v1/organizations/acme-inc").await.status, 404);
    // Only GET takes a slug in place of the id.
    assert_eq!(
        call(&mock, Method::PATCH, "/v1/organizations/acme", Some(json!({})))
            .await
            .status,
        404
    );

    let deleted = call(&mock, Method::DELETE, &format!("/v1/organizations/{id}"), None).await;
    assert_eq!(
        deleted.body,
        json!({"object": "organization", "id": id, "slug": "acme", "deleted": true})
    );
    assert!(mock.membership(&id, &creator).is_none());
    let gone = get(&mock, &format!("/v1/organizations/{id}")).await;
    assert_eq!((gone.status, gone.code()), (404, "resource_not_found"));
}

#[tokio::test]
async fn list_is_wrapped_filtered_and_ordered() {
    let mock = start().await;
    let ada = mock.seed_user(UserSeed::new()).expect("user");
    let names = ["Beta", "alpha", "Gamma"];
    let ids: Vec<String> = names
        .iter()
        .map(|n| mock.seed_organization(OrganizationSeed::new(*n)).expect("org"))
        .collect();
    mock.seed_membership(MembershipSeed::new(&ids[0], &ada, "org:member"))
        .expect("member");
    mock.seed_membership(MembershipSeed::new(&ids[2], &ada, "org:member"))
        .expect("member");
    let other = mock.seed_user(UserSeed::new()).expect("user");
    mock.seed_membership(MembershipSeed::new(&ids[2], &other, "org:member"))
        .expect("member");

    let page = get(&mock, "/v1/organizations?limit=2").await;
    assert_eq!(page.body["total_count"], 3);
    assert_eq!(page.ids(), [ids[2].clone(), ids[1].clone()]);
    assert!(page.body["data"][0].get("members_count").is_none());
    let ids_of = |answer: super::support::Answer| answer.ids();
    assert_eq!(
        ids_of(get(&mock, "/v1/organizations?order_by=name").await),
        [ids[1].clone(), ids[0].clone(), ids[2].clone()]
    );
    assert_eq!(
        ids_of(
            get(
                &mock,
                "/v1/organizations?order_by=-members_count&include_members_count=true"
            )
            .await
        ),
        [ids[2].clone(), ids[0].clone(), ids[1].clone()]
    );
    assert_eq!(
        ids_of(get(&mock, "/v1/organizations?query=AMM").await),
        [ids[2].clone()]
    );
    assert_eq!(
        ids_of(get(&mock, &format!("/v1/organizations?query={}", ids[1])).await),
        [ids[1].clone()]
    );
    assert_eq!(
        ids_of(get(&mock, &format!("/v1/organizations?user_id={ada}")).await),
        [ids[2].clone(), ids[0].clone()]
    );
    assert_eq!(
        ids_of(get(&mock, &format!("/v1/organizations?organization_id=-{}", ids[2])).await),
        [ids[1].clone(), ids[0].clone()]
    );
    let counted = get(
        &mock,
        "/v1/organizations?include_members_count=true&order_by=created_at",
    )
    .await;
    let counts: Vec<&Value> = counted.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|o| &o["members_count"])
        .collect();
    assert_eq!(counts, [&json!(1), &json!(0), &json!(2)]);
}

#[tokio::test]
async fn organization_metadata_merges_and_replaces() {
    let mock = start().await;
    let id = mock
        .seed_organization(OrganizationSeed::new("Acme").public_metadata(json!({"a": {"b": 1, "c": 2}})))
        .expect("org");
    let path = format!("/v1/organizations/{id}/metadata");
    let merged = call(
        &mock,
        Method::PATCH,
        &path,
        Some(json!({"public_metadata": {"a": {"c": null, "d": 4}}})),
    )
    .await;
    assert_eq!(merged.body["public_metadata"], json!({"a": {"b": 1, "d": 4}}));
    let replaced = call(
        &mock,
        Method::PUT,
        &path,
        Some(json!({"private_metadata": {"p": 1}})),
    )
    .await;
    assert_eq!(replaced.body["public_metadata"], json!({"a": {"b": 1, "d": 4}}));
    assert_eq!(replaced.body["private_metadata"], json!({"p": 1}));
    assert_eq!(
        mock.organization(&id).expect("org")["private_metadata"],
        json!({"p": 1})
    );
}

#[tokio::test]
async fn memberships_create_list_update_metadata_and_delete() {
    let mock = start().await;
    let org = mock
        .seed_organization(OrganizationSeed::new("Acme").max_allowed_memberships(3))
        .expect("org");
    let ada = mock
        .seed_user(
            UserSeed::new()
                .email_address("ada@acme.test")
                .first_name("Ada")
                .last_name("Lovelace")
                .username("ada"),
        )
        .expect("user");
    let bob = mock
        .seed_user(UserSeed::new().email_address("bob@acme.test").first_name("Bob"))
        .expect("user");
    let eve = mock
        .seed_user(UserSeed::new().email_address("eve@evil.test"))
        .expect("user");
    let path = format!("/v1/organizations/{org}/memberships");

    let created = call(
        &mock,
        Method::POST,
        &path,
        Some(json!({"user_id": ada, "role": "org:admin", "public_metadata": {"team": "core"}})),
    )
    .await;
    assert_eq!(created.status, 200);
    let membership = &created.body;
    assert_eq!(membership["object"], "organization_membership");
    assert!(membership["id"].as_str().expect("id").starts_with("orgmem_"));
    assert_eq!(membership["role"], "org:admin");
    assert_eq!(membership["role_name"], "Admin");
    assert!(
        membership["permissions"]
            .as_array()
            .expect("permissions")
            .contains(&json!("org:sys_memberships:manage"))
    );
    assert_eq!(membership["public_metadata"], json!({"team": "core"}));
    assert_eq!(membership["organization"]["id"], org.as_str());
    let public = &membership["public_user_data"];
    assert_eq!(public["user_id"], ada.as_str());
    assert_eq!(public["identifier"], "ada@acme.test");
    assert_eq!(public["first_name"], "Ada");

    for (body, status, code) in [
        (json!({"role": "org:member"}), 422, "form_param_missing"),
        (json!({"user_id": bob}), 422, "form_param_missing"),
        (
            json!({"user_id": ada, "role": "org:member"}),
            400,
            "already_a_member_in_organization",
        ),
        (
            json!({"user_id": "user_none", "role": "org:member"}),
            404,
            "resource_not_found",
        ),
    ] {
        let answer = call(&mock, Method::POST, &path, Some(body.clone())).await;
        assert_eq!((answer.status, answer.code()), (status, code), "{body}");
    }
    call(
        &mock,
        Method::POST,
        &path,
        Some(json!({"user_id": bob, "role": "org:member"})),
    )
    .await;
    call(
        &mock,
        Method::POST,
        &path,
        Some(json!({"user_id": eve, "role": "org:billing_manager"})),
    )
    .await;
    let extra = mock.seed_user(UserSeed::new()).expect("user");
    let full = call(
        &mock,
        Method::POST,
        &path,
        Some(json!({"user_id": extra, "role": "org:member"})),
    )
    .await;
    assert_eq!(
        (full.status, full.code()),
        (403, "organization_membership_quota_exceeded")
    );

    let list = get(&mock, &path).await;
    assert_eq!(list.body["total_count"], 3);
    let users = |answer: &super::support::Answer| -> Vec<String> {
        answer.body["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|m| {
                m["public_user_data"]["user_id"]
                    .as_str()
                    .expect("user")
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(users(&list), [eve.clone(), bob.clone(), ada.clone()]);
    assert_eq!(
        users(&get(&mock, &format!("{path}?role=org:admin&role=org:member")).await),
        [bob.clone(), ada.clone()]
    );
    assert_eq!(
        users(&get(&mock, &format!("{path}?user_id={bob}")).await),
        [bob.as_str()]
    );
    assert_eq!(
        users(&get(&mock, &format!("{path}?email_address=EVE%40evil.test")).await),
        [eve.as_str()]
    );
    assert_eq!(
        users(&get(&mock, &format!("{path}?query=acme.test")).await),
        [bob.clone(), ada.clone()]
    );
    assert_eq!(
        users(&get(&mock, &format!("{path}?name_query=lovelace")).await),
        [ada.as_str()]
    );
    assert_eq!(
        users(&get(&mock, &format!("{path}?order_by=email_address")).await),
        [ada.clone(), bob.clone(), eve.clone()]
    );
    assert_eq!(
        users(&get(&mock, &format!("{path}?order_by=-email_address&limit=1&offset=1")).await),
        [bob.as_str()]
    );
    let custom = &get(&mock, &format!("{path}?user_id={eve}")).await.body["data"][0];
    assert_eq!(custom["role_name"], "Billing manager");
    assert_eq!(custom["permissions"], json!([]));
    assert_eq!(
        get(&mock, "/v1/organizations/org_none/memberships").await.status,
        404
    );

    let member = format!("{path}/{bob}");
    let updated = call(&mock, Method::PATCH, &member, Some(json!({"role": "org:admin"}))).await;
    assert_eq!(updated.body["role"], "org:admin");
    let no_role = call(&mock, Method::PATCH, &member, Some(json!({}))).await;
    assert_eq!((no_role.status, no_role.code()), (422, "form_param_missing"));
    let merged = call(
        &mock,
        Method::PATCH,
        &format!("{member}/metadata"),
        Some(json!({"public_metadata": {"a": 1}, "private_metadata": {"b": {"c": 1}}})),
    )
    .await;
    assert_eq!(merged.body["public_metadata"], json!({"a": 1}));
    let merged = call(
        &mock,
        Method::PATCH,
        &format!("{member}/metadata"),
        Some(json!({"private_metadata": {"b": {"c": null}}})),
    )
    .await;
    assert_eq!(merged.body["private_metadata"], json!({"b": {}}));
    assert_eq!(merged.body["public_metadata"], json!({"a": 1}));

    let deleted = call(&mock, Method::DELETE, &member, None).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(deleted.body["object"], "organization_membership");
    assert_eq!(deleted.body["public_user_data"]["user_id"], bob.as_str());
    assert!(deleted.body.get("deleted").is_none());
    assert_eq!(call(&mock, Method::DELETE, &member, None).await.status, 404);
    assert_eq!(get(&mock, &path).await.body["total_count"], 2);

    // Deleting a user removes its memberships.
    call(&mock, Method::DELETE, &format!("/v1/users/{eve}"), None).await;
    assert_eq!(get(&mock, &path).await.body["total_count"], 1);
}
