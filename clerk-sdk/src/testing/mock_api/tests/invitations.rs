//! Instance invitations (bare array unless `paginated=true`) and organization invitations.

use http::Method;
use serde_json::json;

use super::super::{InvitationSeed, OrganizationInvitationSeed, OrganizationSeed, UserSeed};
use super::support::{call, get, start};

#[tokio::test]
async fn instance_invitations_create_list_and_revoke() {
    let mock = start().await;
    let created = call(
        &mock,
        Method::POST,
        "/v1/invitations",
        Some(json!({"email_address": "new@x.test", "public_metadata": {"plan": "pro"}, "redirect_url": "https://app.test/welcome", "expires_in_days": 7})),
    )
    .await;
    assert_eq!(created.status, 200);
    let invitation = &created.body;
    let id = invitation["id"].as_str().expect("id").to_owned();
    assert_eq!(invitation["object"], "invitation");
    assert_eq!(invitation["status"], "pending");
    assert_eq!(invitation["revoked"], false);
    assert_eq!(invitation["public_metadata"], json!({"plan": "pro"}));
    assert!(
        invitation["url"]
            .as_str()
            .expect("url")
            .contains("redirect_url=https%3A%2F%2Fapp.test%2Fwelcome")
    );
    let lifetime = invitation["expires_at"].as_u64().expect("expires")
        - invitation["created_at"].as_u64().expect("created");
    assert_eq!(lifetime, 7 * 86_400_000);

    let duplicate = call(
        &mock,
        Method::POST,
        "/v1/invitations",
        Some(json!({"email_address": "NEW@x.test"})),
    )
    .await;
    assert_eq!((duplicate.status, duplicate.code()), (400, "duplicate_record"));
    let ignored = call(
        &mock,
        Method::POST,
        "/v1/invitations",
        Some(json!({"email_address": "new@x.test", "ignore_existing": true})),
    )
    .await;
    assert_eq!(ignored.status, 200);
    mock.seed_user(UserSeed::new().email_address("member@x.test"))
        .expect("user");
    let member = call(
        &mock,
        Method::POST,
        "/v1/invitations",
        Some(json!({"email_address": "member@x.test"})),
    )
    .await;
    assert_eq!((member.status, member.code()), (422, "form_identifier_exists"));
    let missing = call(&mock, Method::POST, "/v1/invitations", Some(json!({}))).await;
    assert_eq!((missing.status, missing.code()), (422, "form_param_missing"));
    let accepted = mock
        .seed_invitation(InvitationSeed::new("old@x.test").accepted())
        .expect("seeded");

    let bare = get(&mock, "/v1/invitations").await;
    assert!(bare.body.is_array());
    assert_eq!(bare.ids().len(), 3);
    let wrapped = get(&mock, "/v1/invitations?paginated=true&limit=1").await;
    assert_eq!(wrapped.body["total_count"], 3);
    assert_eq!(wrapped.ids(), [accepted.as_str()]);
    assert_eq!(
        get(&mock, "/v1/invitations?status=accepted").await.ids(),
        [accepted.as_str()]
    );
    assert_eq!(
        get(&mock, "/v1/invitations?query=old%40").await.ids(),
        [accepted.as_str()]
    );
    assert_eq!(
        get(&mock, "/v1/invitations?order_by=email_address").await.ids()[2],
        accepted
    );
    assert_eq!(get(&mock, "/v1/invitations?status=lost").await.status, 422);

    let revoked = call(&mock, Method::POST, &format!("/v1/invitations/{id}/revoke"), None).await;
    assert_eq!(revoked.status, 200);
    assert_eq!(
        (revoked.body["status"].clone(), revoked.body["revoked"].clone()),
        (json!("revoked"), json!(true))
    );
    let again = call(&mock, Method::POST, &format!("/v1/invitations/{id}/revoke"), None).await;
    assert_eq!((again.status, again.code()), (400, "invitation_not_pending"));
    assert_eq!(
        call(&mock, Method::POST, "/v1/invitations/inv_none/revoke", None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn organization_invitations_create_list_get_and_revoke() {
    let mock = start().await;
    let inviter = mock
        .seed_user(UserSeed::new().email_address("boss@acme.test").first_name("Boss"))
        .expect("user");
    let org = mock
        .seed_organization(OrganizationSeed::new("Acme"))
        .expect("org");
    let other = mock
        .seed_organization(OrganizationSeed::new("Other"))
        .expect("org");
    let path = format!("/v1/organizations/{org}/invitations");
    let created = call(
        &mock,
        Method::POST,
        &path,
        Some(json!({"email_address": "new@acme.test", "role": "org:member", "inviter_user_id": inviter, "private_metadata": {"source": "test"}})),
    )
    .await;
    assert_eq!(created.status, 200);
    let invitation = &created.body;
    let id = invitation["id"].as_str().expect("id").to_owned();
    assert_eq!(invitation["object"], "organization_invitation");
    assert_eq!(invitation["organization_id"], org.as_str());
    assert_eq!(invitation["role_name"], "Member");
    assert_eq!(invitation["status"], "pending");
    assert_eq!(invitation["inviter_id"], inviter.as_str());
    assert_eq!(invitation["public_inviter_data"]["identifier"], "boss@acme.test");
    assert_eq!(invitation["private_metadata"], json!({"source": "test"}));
    assert!(invitation["expires_at"].is_u64() && invitation["url"].is_string());

    for (body, status, code) in [
        (json!({"email_address": "x@acme.test"}), 422, "form_param_missing"),
        (json!({"role": "org:member"}), 422, "form_param_missing"),
        (
            json!({"email_address": "new@acme.test", "role": "org:admin"}),
            400,
            "duplicate_record",
        ),
        (
            json!({"email_address": "y@acme.test", "role": "org:member", "inviter_user_id": "user_none"}),
            404,
            "resource_not_found",
        ),
    ] {
        let answer = call(&mock, Method::POST, &path, Some(body.clone())).await;
        assert_eq!((answer.status, answer.code()), (status, code), "{body}");
    }
    let accepted = mock
        .seed_organization_invitation(
            OrganizationInvitationSeed::new(&org, "old@acme.test", "org:admin").accepted(),
        )
        .expect("seeded");
    mock.seed_organization_invitation(OrganizationInvitationSeed::new(
        &other,
        "new@acme.test",
        "org:member",
    ))
    .expect("seeded");

    let list = get(&mock, &path).await;
    assert_eq!(list.body["total_count"], 2);
    assert_eq!(list.ids(), [accepted.clone(), id.clone()]);
    // The seeded invitation has no inviter.
    assert!(list.body["data"][0]["public_inviter_data"].is_null());
    assert_eq!(
        get(&mock, &format!("{path}?status=pending")).await.ids(),
        [id.as_str()]
    );
    assert_eq!(
        get(&mock, &format!("{path}?status=pending&status=accepted"))
            .await
            .ids()
            .len(),
        2
    );
    assert_eq!(
        get(&mock, &format!("{path}?email_address=OLD%40acme.test"))
            .await
            .ids(),
        [accepted.as_str()]
    );
    assert_eq!(
        get(&mock, &format!("{path}?order_by=email_address&limit=1"))
            .await
            .ids(),
        [id.as_str()]
    );

    let one = get(&mock, &format!("{path}/{id}")).await;
    assert_eq!(one.body["id"], id.as_str());
    // An invitation is found only under its own organization.
    assert_eq!(
        get(&mock, &format!("/v1/organizations/{other}/invitations/{id}"))
            .await
            .status,
        404
    );

    let revoke = format!("{path}/{id}/revoke");
    let revoked = call(
        &mock,
        Method::POST,
        &revoke,
        Some(json!({"requesting_user_id": inviter})),
    )
    .await;
    assert_eq!(revoked.status, 200);
    assert_eq!(revoked.body["status"], "revoked");
    assert_eq!(
        call(&mock, Method::POST, &revoke, Some(json!({}))).await.status,
        400
    );
    let unknown = call(
        &mock,
        Method::POST,
        &format!("{path}/{accepted}/revoke"),
        Some(json!({"requesting_user_id": "user_none"})),
    )
    .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(
        mock.organization_invitation(&id).expect("kept")["status"],
        "revoked"
    );
}
