//! The exact request of every typed operation: method, path, query pairs in order, body and
//! headers, as received by a real HTTP server; and every row of `OPERATIONS` is covered.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

use clerk_sdk::api::*;
use futures_util::future::BoxFuture;
use serde_json::{Value, json};

use crate::server::{Reply, Server};
use crate::{SECRET, client};

type Call = Box<dyn Fn(BackendApi) -> BoxFuture<'static, Result<(), ApiError>>>;

struct Case {
    op: &'static str,
    method: &'static str,
    path: &'static str,
    query: &'static [(&'static str, &'static str)],
    body: Option<Value>,
    reply: &'static str,
    call: Call,
}

macro_rules! call {
    ($api:ident => $e:expr) => {
        Box::new(|$api: BackendApi| Box::pin(async move { $e.await.map(drop) }))
    };
}

const USER: &str = r#"{"object":"user","id":"user_1"}"#;
const ORG: &str = r#"{"object":"organization","id":"org_1"}"#;
const MEMBERSHIP: &str =
    r#"{"object":"organization_membership","id":"orgmem_1","organization":{"id":"org_1"}}"#;
const ORG_INVITATION: &str = r#"{"object":"organization_invitation","id":"orginv_1"}"#;
const INVITATION: &str = r#"{"object":"invitation","id":"inv_1"}"#;
const SESSION: &str = r#"{"object":"session","id":"sess_1"}"#;
const PAGE: &str = r#"{"data":[],"total_count":0}"#;
const DELETED: &str = r#"{"object":"user","id":"user_1","deleted":true}"#;

fn at(unix_ms: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(unix_ms)
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            op: "users.get",
            method: "GET",
            path: "/v1/users/user_1",
            query: &[],
            body: None,
            reply: USER,
            call: call!(api => api.users().get("user_1")),
        },
        Case {
            op: "users.list",
            method: "GET",
            path: "/v1/users",
            query: &[
                ("email_address", "a@x.com"),
                ("email_address", "b+tag@x.com"),
                ("limit", "20"),
                ("offset", "0"),
                ("banned", "false"),
                ("order_by", "+created_at"),
                ("user_id", "-user_9"),
                ("created_at_after", "1700000000000"),
                ("query", "ann lee"),
            ],
            body: None,
            reply: "[]",
            call: call!(api => api.users().list(
                &UserListParams::new()
                    .email_address("a@x.com")
                    .limit(20)
                    .offset(0)
                    .banned(false)
                    .order_by("+created_at")
                    .email_address(vec!["b+tag@x.com"])
                    .user_id("-user_9")
                    .created_at_after(1_700_000_000_000)
                    .query("ann lee")
            )),
        },
        Case {
            op: "users.count",
            method: "GET",
            path: "/v1/users/count",
            query: &[("organization_id", "org_1"), ("organization_id", "org_2")],
            body: None,
            reply: r#"{"object":"total_count","total_count":3}"#,
            call: call!(api => api.users().count(
                &UserListParams::new()
                    .organization_id(["org_1", "org_2"])
                    .limit(5)
                    .order_by("-created_at")
            )),
        },
        Case {
            op: "users.create",
            method: "POST",
            path: "/v1/users",
            query: &[],
            body: Some(json!({
                "email_address": ["a@x.com", "b@x.com"],
                "first_name": "Ann",
                "password": "correct horse battery staple",
                "skip_password_checks": false,
                "public_metadata": {"camelCase": {"keep": null}},
                "created_at": "2023-11-14T22:13:20.000Z",
                "create_organizations_limit": 0
            })),
            reply: USER,
            call: call!(api => api.users().create(
                &CreateUserParams::new()
                    .email_address(["a@x.com", "b@x.com"])
                    .first_name("Ann")
                    .password("correct horse battery staple")
                    .skip_password_checks(false)
                    .public_metadata(json!({"camelCase": {"keep": null}}))
                    .created_at(at(1_700_000_000_000))
                    .create_organizations_limit(0)
            )),
        },
        Case {
            op: "users.update",
            method: "PATCH",
            path: "/v1/users/user_1",
            query: &[],
            body: Some(
                json!({"username": "", "legal_accepted_at": "2024-05-01T12:00:00.123Z", "delete_self_enabled": false}),
            ),
            reply: USER,
            call: call!(api => api.users().update(
                "user_1",
                &UpdateUserParams::new()
                    .username("")
                    .legal_accepted_at(at(1_714_564_800_123))
                    .delete_self_enabled(false)
            )),
        },
        Case {
            op: "users.update_metadata",
            method: "PATCH",
            path: "/v1/users/user_1/metadata",
            query: &[],
            body: Some(
                json!({"public_metadata": {"plan": null, "nested": {"aB": 1}}, "unsafe_metadata": {}}),
            ),
            reply: USER,
            call: call!(api => api.users().update_metadata(
                "user_1",
                &MetadataParams::new()
                    .public_metadata(json!({"plan": null, "nested": {"aB": 1}}))
                    .unsafe_metadata(json!({}))
            )),
        },
        Case {
            op: "users.replace_metadata",
            method: "PUT",
            path: "/v1/users/user_1/metadata",
            query: &[],
            body: Some(json!({"private_metadata": {"tier": 2}})),
            reply: USER,
            call: call!(api => api.users().replace_metadata(
                "user_1",
                &MetadataParams::new().private_metadata(json!({"tier": 2}))
            )),
        },
        Case {
            op: "users.delete",
            method: "DELETE",
            path: "/v1/users/user_1",
            query: &[],
            body: None,
            reply: DELETED,
            call: call!(api => api.users().delete("user_1")),
        },
        Case {
            op: "users.ban",
            method: "POST",
            path: "/v1/users/user_1/ban",
            query: &[],
            body: None,
            reply: USER,
            call: call!(api => api.users().ban("user_1")),
        },
        Case {
            op: "users.unban",
            method: "POST",
            path: "/v1/users/user_1/unban",
            query: &[],
            body: None,
            reply: USER,
            call: call!(api => api.users().unban("user_1")),
        },
        Case {
            op: "users.lock",
            method: "POST",
            path: "/v1/users/user_1/lock",
            query: &[],
            body: None,
            reply: USER,
            call: call!(api => api.users().lock("user_1")),
        },
        Case {
            op: "users.unlock",
            method: "POST",
            path: "/v1/users/user_1/unlock",
            query: &[],
            body: None,
            reply: USER,
            call: call!(api => api.users().unlock("user_1")),
        },
        Case {
            op: "users.organization_memberships",
            method: "GET",
            path: "/v1/users/user_1/organization_memberships",
            query: &[("offset", "10"), ("limit", "5")],
            body: None,
            reply: PAGE,
            call: call!(api => api.users().organization_memberships(
                "user_1",
                &PageParams::new().offset(10).limit(5)
            )),
        },
        Case {
            op: "users.verify_password",
            method: "POST",
            path: "/v1/users/user_1/verify_password",
            query: &[],
            body: Some(json!({"password": "pw"})),
            reply: r#"{"verified":true}"#,
            call: call!(api => api.users().verify_password("user_1", "pw")),
        },
        Case {
            op: "organizations.get",
            method: "GET",
            path: "/v1/organizations/acme-inc",
            query: &[],
            body: None,
            reply: ORG,
            call: call!(api => api.organizations().get("acme-inc")),
        },
        Case {
            op: "organizations.list",
            method: "GET",
            path: "/v1/organizations",
            query: &[
                ("include_members_count", "true"),
                ("user_id", "user_1"),
                ("user_id", "user_2"),
                ("order_by", "-members_count"),
                ("limit", "500"),
            ],
            body: None,
            reply: PAGE,
            call: call!(api => api.organizations().list(
                &OrganizationListParams::new()
                    .include_members_count(true)
                    .user_id(Many(["user_1", "user_2"].iter().copied()))
                    .order_by("-members_count")
                    .limit(500)
            )),
        },
        Case {
            op: "organizations.create",
            method: "POST",
            path: "/v1/organizations",
            query: &[],
            body: Some(json!({"name": "Acme", "created_by": "user_1", "max_allowed_memberships": 0})),
            reply: ORG,
            call: call!(api => api.organizations().create(
                &CreateOrganizationParams::new()
                    .name("Acme")
                    .created_by("user_1")
                    .max_allowed_memberships(0)
            )),
        },
        Case {
            op: "organizations.update",
            method: "PATCH",
            path: "/v1/organizations/org_1",
            query: &[],
            body: Some(json!({"slug": "acme", "admin_delete_enabled": false})),
            reply: ORG,
            call: call!(api => api.organizations().update(
                "org_1",
                &UpdateOrganizationParams::new().slug("acme").admin_delete_enabled(false)
            )),
        },
        Case {
            op: "organizations.update_metadata",
            method: "PATCH",
            path: "/v1/organizations/org_1/metadata",
            query: &[],
            body: Some(json!({"public_metadata": {"x": null}})),
            reply: ORG,
            call: call!(api => api.organizations().update_metadata(
                "org_1",
                &MetadataParams::new().public_metadata(json!({"x": null}))
            )),
        },
        Case {
            op: "organizations.replace_metadata",
            method: "PUT",
            path: "/v1/organizations/org_1/metadata",
            query: &[],
            body: Some(json!({"private_metadata": {}, "public_metadata": {"a": [1, null]}})),
            reply: ORG,
            call: call!(api => api.organizations().replace_metadata(
                "org_1",
                &MetadataParams::new()
                    .private_metadata(json!({}))
                    .public_metadata(json!({"a": [1, null]}))
            )),
        },
        Case {
            op: "organizations.delete",
            method: "DELETE",
            path: "/v1/organizations/org_1",
            query: &[],
            body: None,
            reply: r#"{"object":"organization","id":"org_1","deleted":true}"#,
            call: call!(api => api.organizations().delete("org_1")),
        },
        Case {
            op: "organizations.memberships.list",
            method: "GET",
            path: "/v1/organizations/org_1/memberships",
            query: &[("role", "org:admin"), ("role", "org:billing"), ("limit", "1")],
            body: None,
            reply: PAGE,
            call: call!(api => api.organizations().memberships("org_1").list(
                &MembershipListParams::new().role(["org:admin", "org:billing"]).limit(1)
            )),
        },
        Case {
            op: "organizations.memberships.create",
            method: "POST",
            path: "/v1/organizations/org_1/memberships",
            query: &[],
            body: Some(json!({"user_id": "user_1", "role": "org:member", "private_metadata": {"k": null}})),
            reply: MEMBERSHIP,
            call: call!(api => api.organizations().memberships("org_1").create(
                &CreateMembershipParams::new()
                    .user_id("user_1")
                    .role("org:member")
                    .private_metadata(json!({"k": null}))
            )),
        },
        Case {
            op: "organizations.memberships.update",
            method: "PATCH",
            path: "/v1/organizations/org_1/memberships/user_1",
            query: &[],
            body: Some(json!({"role": "org:admin"})),
            reply: MEMBERSHIP,
            call: call!(api => api.organizations().memberships("org_1").update("user_1", "org:admin")),
        },
        Case {
            op: "organizations.memberships.update_metadata",
            method: "PATCH",
            path: "/v1/organizations/org_1/memberships/user_1/metadata",
            query: &[],
            body: Some(json!({"public_metadata": {"seat": 3}})),
            reply: MEMBERSHIP,
            call: call!(api => api.organizations().memberships("org_1").update_metadata(
                "user_1",
                &MetadataParams::new().public_metadata(json!({"seat": 3}))
            )),
        },
        Case {
            op: "organizations.memberships.delete",
            method: "DELETE",
            path: "/v1/organizations/org_1/memberships/user_1",
            query: &[],
            body: None,
            reply: MEMBERSHIP,
            call: call!(api => api.organizations().memberships("org_1").delete("user_1")),
        },
        Case {
            op: "organizations.invitations.create",
            method: "POST",
            path: "/v1/organizations/org_1/invitations",
            query: &[],
            body: Some(
                json!({"email_address": "new@x.com", "role": "org:member", "notify": false, "expires_in_days": 7}),
            ),
            reply: ORG_INVITATION,
            call: call!(api => api.organizations().invitations("org_1").create(
                &CreateOrganizationInvitationParams::new()
                    .email_address("new@x.com")
                    .role("org:member")
                    .notify(false)
                    .expires_in_days(7)
            )),
        },
        Case {
            op: "organizations.invitations.list",
            method: "GET",
            path: "/v1/organizations/org_1/invitations",
            query: &[("status", "pending"), ("status", "expired"), ("offset", "0")],
            body: None,
            reply: PAGE,
            call: call!(api => api.organizations().invitations("org_1").list(
                &OrganizationInvitationListParams::new().status(["pending", "expired"]).offset(0)
            )),
        },
        Case {
            op: "organizations.invitations.get",
            method: "GET",
            path: "/v1/organizations/org_1/invitations/orginv_1",
            query: &[],
            body: None,
            reply: ORG_INVITATION,
            call: call!(api => api.organizations().invitations("org_1").get("orginv_1")),
        },
        Case {
            op: "organizations.invitations.revoke",
            method: "POST",
            path: "/v1/organizations/org_1/invitations/orginv_1/revoke",
            query: &[],
            body: Some(json!({"requesting_user_id": "user_1"})),
            reply: ORG_INVITATION,
            call: call!(api => api.organizations().invitations("org_1").revoke("orginv_1", Some("user_1"))),
        },
        Case {
            op: "invitations.create",
            method: "POST",
            path: "/v1/invitations",
            query: &[],
            body: Some(
                json!({"email_address": "new@x.com", "ignore_existing": true, "public_metadata": {"ref": null}}),
            ),
            reply: INVITATION,
            call: call!(api => api.invitations().create(
                &CreateInvitationParams::new()
                    .email_address("new@x.com")
                    .ignore_existing(true)
                    .public_metadata(json!({"ref": null}))
            )),
        },
        Case {
            op: "invitations.list",
            method: "GET",
            path: "/v1/invitations",
            query: &[("status", "pending"), ("limit", "10"), ("paginated", "true")],
            body: None,
            reply: PAGE,
            call: call!(api => api.invitations().list(
                &InvitationListParams::new().status("pending").limit(10)
            )),
        },
        Case {
            op: "invitations.revoke",
            method: "POST",
            path: "/v1/invitations/inv_1/revoke",
            query: &[],
            body: None,
            reply: INVITATION,
            call: call!(api => api.invitations().revoke("inv_1")),
        },
        Case {
            op: "sessions.get",
            method: "GET",
            path: "/v1/sessions/sess_1",
            query: &[],
            body: None,
            reply: SESSION,
            call: call!(api => api.sessions().get("sess_1")),
        },
        Case {
            op: "sessions.list",
            method: "GET",
            path: "/v1/sessions",
            query: &[("user_id", "user_1"), ("status", "active"), ("paginated", "true")],
            body: None,
            reply: PAGE,
            call: call!(api => api.sessions().list(
                &SessionListParams::new().user_id("user_1").status("active")
            )),
        },
        Case {
            op: "sessions.revoke",
            method: "POST",
            path: "/v1/sessions/sess_1/revoke",
            query: &[],
            body: None,
            reply: SESSION,
            call: call!(api => api.sessions().revoke("sess_1")),
        },
        Case {
            op: "sessions.create_token",
            method: "POST",
            path: "/v1/sessions/sess_1/tokens",
            query: &[],
            body: None,
            reply: r#"{"object":"token","jwt":"eyJ.a.b"}"#,
            call: call!(api => api.sessions().create_token("sess_1", None, None)),
        },
        Case {
            op: "sessions.create_token.template",
            method: "POST",
            path: "/v1/sessions/sess_1/tokens/supabase",
            query: &[],
            body: Some(json!({"expires_in_seconds": 0})),
            reply: r#"{"object":"token","jwt":"eyJ.a.b"}"#,
            call: call!(api => api.sessions().create_token("sess_1", Some("supabase"), Some(0))),
        },
    ]
}

#[tokio::test]
async fn every_operation_sends_exactly_its_request() {
    let server = Server::start().await;
    let api = client(&server);
    let mut covered = BTreeSet::new();
    for case in cases() {
        server.reply(Reply::json(200, case.reply));
        (case.call)(api.clone())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", case.op));
        let mut seen = server.take();
        assert_eq!(seen.len(), 1, "{}: one request", case.op);
        let r = seen.remove(0);
        assert_eq!(r.method, case.method, "{}", case.op);
        assert_eq!(r.path, case.path, "{}", case.op);
        let want: Vec<_> = case
            .query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(r.query_pairs(), want, "{}: query", case.op);
        assert!(
            !r.query.as_deref().unwrap_or("").contains("%5B"),
            "{}: no [] keys",
            case.op
        );
        match &case.body {
            Some(body) => {
                let sent: Value = serde_json::from_slice(&r.body).unwrap();
                assert_eq!(&sent, body, "{}: body", case.op);
                assert_eq!(r.header("content-type"), Some("application/json"), "{}", case.op);
            }
            None => assert!(r.body.is_empty(), "{}: no body", case.op),
        }
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {SECRET}").as_str()),
            "{}",
            case.op
        );
        assert_eq!(r.header("clerk-api-version"), Some("2026-05-12"), "{}", case.op);
        assert_eq!(
            r.header("user-agent"),
            Some(concat!("clerk-sdk-rust/", env!("CARGO_PKG_VERSION"))),
            "{}",
            case.op
        );
        let row = OPERATIONS
            .iter()
            .find(|o| o.name == case.op)
            .unwrap_or_else(|| panic!("{} is not in OPERATIONS", case.op));
        assert_eq!(row.method, case.method, "{}: table method", case.op);
        let template = row
            .path
            .split('/')
            .map(|s| if s.starts_with('{') { "*" } else { s })
            .collect::<Vec<_>>();
        let actual = r.path.trim_start_matches("/v1").split('/').collect::<Vec<_>>();
        assert_eq!(template.len(), actual.len(), "{}: table path", case.op);
        for (t, a) in template.iter().zip(&actual) {
            assert!(*t == "*" || t == a, "{}: table path {}", case.op, row.path);
        }
        for (k, _) in case.query {
            assert!(
                row.query.contains(k) || row.fixed_query.iter().any(|(f, _)| f == k),
                "{}: {k} not in the table",
                case.op
            );
        }
        if let Some(Value::Object(body)) = &case.body {
            for k in body.keys() {
                assert!(
                    row.body.contains(&k.as_str()),
                    "{}: {k} not in the table",
                    case.op
                );
            }
        }
        covered.insert(case.op);
    }
    let all: BTreeSet<_> = OPERATIONS.iter().map(|o| o.name).collect();
    assert_eq!(covered, all, "every operation has a request test");
}

#[tokio::test]
async fn results_are_decoded() {
    let server = Server::start().await;
    let api = client(&server);
    server.reply(Reply::json(200, r#"{"object":"total_count","total_count":42}"#));
    assert_eq!(api.users().count(&UserListParams::new()).await.unwrap(), 42);
    server.reply(Reply::json(200, r#"{"object":"token","jwt":"eyJ.x.y"}"#));
    assert_eq!(
        api.sessions()
            .create_token("sess_1", None, Some(60))
            .await
            .unwrap(),
        "eyJ.x.y"
    );
    server.reply(Reply::json(
        422,
        r#"{"errors":[{"code":"incorrect_password","message":"Password is incorrect","long_message":"Password is incorrect. Try again."}]}"#,
    ));
    assert!(!api.users().verify_password("user_1", "nope").await.unwrap());
    server.reply(Reply::json(
        200,
        r#"{"data":[{"id":"orgmem_1","role":"org:admin","organization":{"id":"org_1","name":"Acme"}}],"total_count":7}"#,
    ));
    let page = api
        .users()
        .organization_memberships("user_1", &PageParams::new())
        .await
        .unwrap();
    assert_eq!(page.total_count, 7);
    assert_eq!(page.data[0].organization.id, "org_1");
    server.reply(Reply::json(200, DELETED));
    let deleted = api.users().delete("user_1").await.unwrap();
    assert!(deleted.deleted);
}

#[tokio::test]
async fn raw_requests_share_auth_headers_and_errors() {
    let server = Server::start().await;
    let api = client(&server);
    server.reply(Reply::json(200, r#"{"data":[{"id":"dmn_1"}],"total_count":1}"#));
    let value: Value = api
        .request(http::Method::POST, "/domains")
        .query("k", "a b+c")
        .query("k", "2")
        .json(&json!({"name": "x.com", "is_satellite": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(value["total_count"], 1);
    let r = server.take().remove(0);
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/v1/domains"));
    assert_eq!(
        r.query_pairs(),
        [
            ("k".to_owned(), "a b+c".to_owned()),
            ("k".to_owned(), "2".to_owned())
        ]
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&r.body).unwrap(),
        json!({"name": "x.com", "is_satellite": false})
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {SECRET}").as_str())
    );
    assert_eq!(r.header("clerk-api-version"), Some("2026-05-12"));

    server.reply(Reply::json(
        404,
        r#"{"errors":[{"code":"resource_not_found","message":"not found"}]}"#,
    ));
    let e = api
        .request(http::Method::GET, "/domains/dmn_x")
        .send::<Value>()
        .await
        .unwrap_err();
    assert!(e.is_not_found());
    server.reply(Reply::json(204, ""));
    let nothing: Value = api
        .request(http::Method::DELETE, "/domains/dmn_1")
        .send()
        .await
        .unwrap();
    assert!(nothing.is_null());
}

#[tokio::test]
async fn ids_are_one_encoded_segment_and_dot_ids_are_never_sent() {
    let server = Server::start().await;
    let api = client(&server);
    let cases = [
        ("user/../jwks", "/v1/users/user%2F..%2Fjwks"),
        ("a?b=c", "/v1/users/a%3Fb%3Dc"),
        ("100%", "/v1/users/100%25"),
        ("with space", "/v1/users/with%20space"),
        ("ünïcødé", "/v1/users/%C3%BCn%C3%AFc%C3%B8d%C3%A9"),
        ("..x", "/v1/users/..x"),
        ("a#b", "/v1/users/a%23b"),
    ];
    for (id, path) in cases {
        server.reply(Reply::json(200, USER));
        api.users().get(id).await.unwrap();
        let r = server.take().remove(0);
        assert_eq!(r.path, path, "{id}");
        assert_eq!(r.query, None, "{id}");
    }
    for (id, reason) in [
        ("", "api-id-empty"),
        (".", "api-id-dot-segment"),
        ("..", "api-id-dot-segment"),
        ("%2e%2E", "api-id-dot-segment"),
    ] {
        let e = api.users().get(id).await.unwrap_err();
        assert_eq!(e.reason(), reason, "{id:?}");
        let e = api
            .organizations()
            .memberships("org_1")
            .delete(id)
            .await
            .unwrap_err();
        assert_eq!(e.reason(), reason, "{id:?}");
    }
    let e = api
        .organizations()
        .memberships("..")
        .list(&MembershipListParams::new())
        .await
        .unwrap_err();
    assert!(matches!(
        e,
        ApiError::Refused(Refusal::DotSegment("organization_id"))
    ));
    assert!(server.requests().is_empty(), "refused calls send nothing");
}

#[tokio::test]
async fn bad_parameters_are_refused_before_sending() {
    let server = Server::start().await;
    let api = client(&server);
    for limit in [0, 501, 10_000] {
        let e = api
            .users()
            .list(&UserListParams::new().limit(limit))
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Refused(Refusal::LimitOutOfRange(l)) if l == u64::from(limit)));
    }
    let e = api
        .organizations()
        .update_metadata("org_1", &MetadataParams::new().unsafe_metadata(json!({})))
        .await
        .unwrap_err();
    assert_eq!(e.reason(), "api-parameter-unsupported");
    let e = api
        .request(http::Method::GET, "/users/../jwks")
        .send::<Value>()
        .await
        .unwrap_err();
    assert_eq!(e.reason(), "api-path-invalid");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn no_secret_key_fails_every_call_naming_the_variable() {
    let server = Server::start().await;
    let keys = clerk_sdk::testing::TestKeys::generate().unwrap();
    let config = keys.config_builder().api_url(server.url.clone()).build().unwrap();
    assert!(config.secret_key().is_none());
    let clerk = clerk_sdk::Clerk::new(config);
    let e = clerk.api().users().get("user_1").await.unwrap_err();
    assert!(matches!(e, ApiError::Refused(Refusal::MissingSecretKey)));
    assert!(e.to_string().contains("CLERK_SECRET_KEY"), "{e}");
    assert_eq!(e.reason(), "secret-key-missing");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn the_secret_key_never_shows_in_debug_or_errors() {
    let server = Server::start().await;
    let api = client(&server);
    assert!(!format!("{api:?}").contains(SECRET));
    server.reply(Reply::json(
        401,
        r#"{"errors":[{"code":"clerk_key_invalid","message":"bad key"}]}"#,
    ));
    let e = api.users().get("user_1").await.unwrap_err();
    assert!(e.is_unauthorized());
    for text in [format!("{e}"), format!("{e:?}")] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains("sk_test"), "{text}");
    }
    let params = CreateUserParams::new().password("hunter2-very-secret");
    assert!(!format!("{params:?}").contains("hunter2"));
}
