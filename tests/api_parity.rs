//! Request parity with Clerk's own SDK: the same Backend API calls made with `@clerk/backend`
//! 3.25.0 (under node) and with `clerk_sdk::api::BackendApi` must put the same requests on the
//! wire, bar the deliberate differences listed in [`EXPECTED`] (each is in the README's
//! "Differences from `@clerk/backend`").
//!
//! Two `MockClerkApi`s on 127.0.0.1 are seeded alike; one node process runs every case of
//! `api_parity/clerk-backend.mjs` against the first, this test runs the case of the same name
//! against the second, and each mock's request log is split into cases and compared: method,
//! path (as sent, percent-encoding included), query pairs (as sent, in order), the JSON body
//! (parsed, so key order aside) and the headers `@clerk/backend` sets itself
//! (`Authorization`, `Content-Type`, `Clerk-API-Version`; `User-Agent` names each SDK and is
//! only printed). Within a case, requests are paired by method and path, since
//! `@clerk/backend` sends the users list and its count in parallel.
//!
//! `@clerk/backend` comes from `npm ci` in `examples/worker` (`CLERK_BACKEND_DIR` overrides the
//! package directory, `CLERK_NODE` the node binary). Without them the test prints loudly that it
//! skipped; with `CI=true` it fails.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use clerk_integration_tests::skip_loudly_or_fail;
use clerk_sdk::ClerkConfig;
use clerk_sdk::api::{
    ApiError, BackendApi, CreateInvitationParams, CreateMembershipParams, CreateOrganizationInvitationParams,
    CreateOrganizationParams, CreateUserParams, InvitationListParams, MembershipListParams, MetadataParams,
    OrganizationGetParams, OrganizationInvitationListParams, OrganizationListParams, PageParams,
    SessionListParams, UpdateOrganizationParams, UpdateUserParams, UserListParams,
};
use clerk_sdk::testing::{
    InvitationSeed, MembershipSeed, MockClerkApi, OrganizationInvitationSeed, OrganizationSeed,
    RecordedRequest, SessionSeed, TestKeys, UserSeed,
};
use serde_json::{Value, json};

const SECRET: &str = "sk_test_parity";
/// The version the comparison is pinned to (examples/worker/package-lock.json).
const UPSTREAM_VERSION: &str = "3.25.0";
/// The whole node run; it takes about a second.
const NODE_TIMEOUT: Duration = Duration::from_secs(60);
/// The path prefix of the case markers the node script sends.
const MARKER: &str = "/__parity/";

const ADA: &str = "user_ada";
const BOB: &str = "user_bob";
const CAROL: &str = "user_carol";
const DAVE: &str = "user_dave";
const PLUS_ID: &str = "user_plus+id";
const ACME: &str = "org_acme";
const BETA: &str = "org_beta";
const ORG_INVITATION: &str = "orginv_first";
const ORG_INVITATION_2: &str = "orginv_second";
const INVITATION: &str = "inv_first";
const ADA_SESSION: &str = "sess_ada";
const BOB_SESSION: &str = "sess_bob";
const ADA_CLIENT: &str = "client_ada";
/// Query filters take Unix ms; bodies take the same instants as dates.
const T1: i64 = 1_714_564_800_123;
const T2: i64 = 1_735_689_600_000;

/// A difference kept on purpose: `difference` is the exact line [`compare`] reports.
struct Expected {
    case: &'static str,
    difference: &'static str,
    reason: &'static str,
}

const EXPECTED: &[Expected] = &[
    Expected {
        case: "users.getUser.plus_in_id",
        difference: "path: ours /v1/users/user_plus%2Bid, @clerk/backend /v1/users/user_plus+id",
        reason: "ids are percent-encoded as one path segment (upstream sends them raw, so a / or ? in an id reaches another endpoint)",
    },
    Expected {
        case: "users.getUserList.one_request",
        difference: "request only in @clerk/backend: GET /v1/users/count?user_id=user_ada",
        reason: "users().list is one request; the total is users().count (upstream always makes both calls)",
    },
    Expected {
        case: "users.getUserList.false_and_zero",
        difference: "query: only ours sends banned=false",
        reason: "false and 0 are sent when set (upstream drops every falsy value, so it cannot ask for banned=false)",
    },
    Expected {
        case: "users.getUserList.false_and_zero",
        difference: "query: only ours sends offset=0",
        reason: "false and 0 are sent when set",
    },
    Expected {
        case: "users.getUserList.false_and_zero",
        difference: "request only in @clerk/backend: GET /v1/users/count",
        reason: "users().list is one request; the total is users().count",
    },
    Expected {
        case: "users.getOrganizationMembershipList.offset_zero",
        difference: "query: only ours sends offset=0",
        reason: "false and 0 are sent when set",
    },
    Expected {
        case: "organizations.getOrganizationList.false_and_zero",
        difference: "query: only ours sends include_members_count=false",
        reason: "false and 0 are sent when set",
    },
    Expected {
        case: "organizations.getOrganizationList.false_and_zero",
        difference: "query: only ours sends offset=0",
        reason: "false and 0 are sent when set",
    },
    Expected {
        case: "users.getUserList.limit_zero",
        difference: "request only in @clerk/backend: GET /v1/users",
        reason: "a limit outside 1..=500 is refused before sending (upstream drops limit 0 and gets Clerk's default 10)",
    },
    Expected {
        case: "users.getUserList.limit_zero",
        difference: "request only in @clerk/backend: GET /v1/users/count",
        reason: "refused before sending, see above",
    },
    Expected {
        case: "users.getUserList.limit_over_500",
        difference: "request only in @clerk/backend: GET /v1/users?limit=501",
        reason: "a limit outside 1..=500 is refused before sending (Clerk is reported to answer 10 items silently)",
    },
    Expected {
        case: "users.getUserList.limit_over_500",
        difference: "request only in @clerk/backend: GET /v1/users/count",
        reason: "refused before sending, see above",
    },
    Expected {
        case: "organizations.getOrganization.members_count_false",
        difference: "query: only ours sends include_members_count=false",
        reason: "false and 0 are sent when set",
    },
    Expected {
        case: "organizations.updateOrganizationMetadata.unsafe",
        difference: "request only in @clerk/backend: PATCH /v1/organizations/org_acme/metadata",
        reason: "a parameter the operation does not take (organizations have no unsafe_metadata) is refused before sending, not sent",
    },
];

/// A case whose call fails by design on one side or both; its requests are compared all the
/// same. Every other case must succeed on both sides.
struct Refused {
    case: &'static str,
    upstream_ok: bool,
    ours_ok: bool,
    reason: &'static str,
}

const REFUSED: &[Refused] = &[
    Refused {
        case: "users.verifyPassword.wrong",
        upstream_ok: false,
        ours_ok: true,
        reason: "upstream throws on Clerk's 422 for a wrong password; users().verify_password answers Ok(false)",
    },
    Refused {
        case: "users.getUser.empty_id",
        upstream_ok: false,
        ours_ok: false,
        reason: "an empty id is refused before sending, on both sides",
    },
    Refused {
        case: "users.getUser.dot_segment",
        upstream_ok: false,
        ours_ok: false,
        reason: "a `..` id (also percent-encoded) is refused before sending, on both sides",
    },
    Refused {
        case: "organizations.updateOrganizationMetadata.unsafe",
        upstream_ok: true,
        ours_ok: false,
        reason: "unsafe_metadata on an organization is refused before sending (upstream sends it; Clerk's document has no such field)",
    },
    Refused {
        case: "users.getUserList.limit_zero",
        upstream_ok: true,
        ours_ok: false,
        reason: "a limit outside 1..=500 is refused before sending",
    },
    Refused {
        case: "users.getUserList.limit_over_500",
        upstream_ok: false,
        ours_ok: false,
        reason: "refused before sending; upstream sends it and the mock answers 422 (Clerk is reported to answer 10 items)",
    },
    Refused {
        case: "users.updateUser.primary_ids",
        upstream_ok: false,
        ours_ok: false,
        reason: "the ids name nothing the user has (the point is how upstream snake-cases primaryEmailAddressID and friends)",
    },
    Refused {
        case: "sessions.getToken.zero_expiry",
        upstream_ok: false,
        ours_ok: false,
        reason: "both send expires_in_seconds=0 (set, so sent) and Clerk refuses lifetimes under 30 s",
    },
];

type Outcome = Pin<Box<dyn Future<Output = Result<(), ApiError>>>>;
type Run = fn(BackendApi) -> Outcome;

/// `name => |api| { body }`: one case, `body` an expression of type `Result<_, ApiError>`
/// that may `.await`.
macro_rules! cases {
    ($($name:literal => |$api:ident| $body:block)*) => {
        vec![$(($name, {
            fn run($api: BackendApi) -> Outcome {
                Box::pin(async move { $body.map(drop) })
            }
            run as Run
        })),*]
    };
}

fn at(unix_ms: i64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(unix_ms).unwrap_or(0))
}

/// Every case, in the node script's order, as a Rust developer would write the same call.
fn our_cases() -> Vec<(&'static str, Run)> {
    cases! {
        "users.getUser" => |api| { api.users().get(ADA).await }
        "users.getUser.plus_in_id" => |api| { api.users().get(PLUS_ID).await }
        "users.getUser.empty_id" => |api| { api.users().get("").await }
        "users.getUser.dot_segment" => |api| { api.users().get("%2e%2e").await }
        "users.getUserList.repeated_filters" => |api| {
            // The same data as upstream's getUserList: the page and the total.
            let params = UserListParams::new()
                .email_address(["ada@example.com", "bob+tag@example.com"])
                .user_id([ADA, BOB])
                .order_by("-created_at")
                .limit(5)
                .offset(1);
            let users = api.users();
            let (list, count) = tokio::join!(users.list(&params), users.count(&params));
            list.and(count)
        }
        "users.getUserList.one_request" => |api| {
            api.users().list(&UserListParams::new().user_id([ADA]).limit(2)).await
        }
        "users.getUserList.signed_filters" => |api| {
            let params = UserListParams::new()
                .external_id(["-ext_none"])
                .organization_id([ACME, BETA])
                .phone_number(["+15550100"])
                .username(["ada", "bob"])
                .web3_wallet(["0xabc"])
                .query("ada lovelace")
                .order_by("+first_name")
                .limit(500);
            api.users().list(&params).await?;
            api.users().count(&params).await
        }
        "users.getUserList.timestamps" => |api| {
            let params = UserListParams::new()
                .created_at_after(T1)
                .created_at_before(T2)
                .last_active_at_after(T1)
                .last_active_at_before(T2)
                .last_sign_in_at_after(T1)
                .last_sign_in_at_before(T2)
                .last_active_at_since(T1);
            api.users().list(&params).await?;
            api.users().count(&params).await
        }
        "users.getUserList.text_queries" => |api| {
            let params = UserListParams::new()
                .email_address_query("example.com")
                .phone_number_query("555")
                .username_query("ad")
                .name_query("Ada L")
                .banned(true);
            api.users().list(&params).await?;
            api.users().count(&params).await
        }
        "users.getUserList.unusual_characters" => |api| {
            let params = UserListParams::new()
                .query("a~b*c!'()-._ é/日本?&=#%+")
                .username(["x y", "ü+"]);
            api.users().list(&params).await?;
            api.users().count(&params).await
        }
        "users.getUserList.false_and_zero" => |api| {
            api.users().list(&UserListParams::new().banned(false).offset(0).limit(10)).await
        }
        "users.getUserList.no_params" => |api| {
            api.users().list(&UserListParams::new()).await?;
            api.users().count(&UserListParams::new()).await
        }
        "users.getUserList.empty_strings" => |api| {
            let params = UserListParams::new()
                .query("")
                .order_by("")
                .email_address(Vec::<String>::new())
                .limit(3);
            api.users().list(&params).await?;
            api.users().count(&params).await
        }
        "users.getUserList.limit_zero" => |api| {
            api.users().list(&UserListParams::new().limit(0)).await
        }
        "users.getUserList.limit_over_500" => |api| {
            api.users().list(&UserListParams::new().limit(501)).await
        }
        "users.getCount" => |api| {
            let params = UserListParams::new()
                .email_address(["ada@example.com", "bob+tag@example.com"])
                .query("a");
            api.users().count(&params).await
        }
        "users.getCount.no_params" => |api| { api.users().count(&UserListParams::new()).await }
        "users.createUser" => |api| {
            let params = CreateUserParams::new()
                .email_address(["new@example.com", "new2@example.com"])
                .phone_number(["+15550199"])
                .username("newbie")
                .password("correct horse battery staple")
                .first_name("New")
                .last_name("User")
                .external_id("ext_new")
                .locale("fr-FR")
                .skip_password_checks(true)
                .skip_legal_checks(false)
                .legal_accepted_at(at(T1))
                .created_at(at(T2))
                .public_metadata(json!({
                    "plan": "pro",
                    "nested": {"camelKey": 1, "gone": null},
                    "list": [1, null, "x"]
                }))
                .private_metadata(json!({"stripe_id": "cus_1"}))
                .unsafe_metadata(json!({}));
            api.users().create(&params).await
        }
        "users.createUser.password_digest" => |api| {
            let params = CreateUserParams::new()
                .email_address(["digest@example.com"])
                .password_digest("$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy")
                .password_hasher("bcrypt")
                .backup_codes(["code-1", "code-2"])
                .totp_secret("JBSWY3DPEHPK3PXP")
                .skip_password_requirement(false);
            api.users().create(&params).await
        }
        "users.updateUser" => |api| {
            let params = UpdateUserParams::new()
                .first_name("Augusta")
                .last_name("King")
                .username("ada")
                .external_id("ext_ada")
                .locale("en-GB")
                .skip_password_checks(false)
                .sign_out_of_other_sessions(true)
                .delete_self_enabled(false)
                .create_organization_enabled(true)
                .create_organizations_limit(0)
                .legal_accepted_at(at(T1))
                .notify_primary_email_address_changed(false);
            api.users().update(ADA, &params).await
        }
        "users.updateUser.primary_ids" => |api| {
            let params = UpdateUserParams::new()
                .primary_email_address_id("idn_none")
                .primary_phone_number_id("idn_none_2")
                .primary_web3_wallet_id("idn_none_3")
                .profile_image_id("img_none");
            api.users().update(ADA, &params).await
        }
        "users.updateUserMetadata" => |api| {
            let params = MetadataParams::new()
                .public_metadata(json!({
                    "plan": "team",
                    "nested": {"keep": true, "drop": null, "deeper": {"x": [1, 2]}}
                }))
                .private_metadata(json!({"removed": null}))
                .unsafe_metadata(json!({"theme": "dark"}));
            api.users().update_metadata(ADA, &params).await
        }
        "users.replaceUserMetadata" => |api| {
            let params = MetadataParams::new().public_metadata(json!({})).private_metadata(Value::Null);
            api.users().replace_metadata(BOB, &params).await
        }
        "users.getOrganizationMembershipList" => |api| {
            api.users().organization_memberships(ADA, &PageParams::new().limit(20).offset(5)).await
        }
        "users.getOrganizationMembershipList.offset_zero" => |api| {
            api.users().organization_memberships(ADA, &PageParams::new().limit(20).offset(0)).await
        }
        "users.verifyPassword" => |api| {
            match api.users().verify_password(ADA, "ada-secret-1").await? {
                true => Ok(()),
                false => panic!("the seeded password did not verify"),
            }
        }
        "users.verifyPassword.wrong" => |api| {
            match api.users().verify_password(ADA, "nope").await? {
                false => Ok(()),
                true => panic!("a wrong password verified"),
            }
        }
        "users.banUser" => |api| { api.users().ban(DAVE).await }
        "users.unbanUser" => |api| { api.users().unban(DAVE).await }
        "users.lockUser" => |api| { api.users().lock(DAVE).await }
        "users.unlockUser" => |api| { api.users().unlock(DAVE).await }

        "organizations.getOrganization" => |api| { api.organizations().get(ACME).await }
        "organizations.getOrganization.slug" => |api| { api.organizations().get("acme").await }
        "organizations.getOrganization.members_count" => |api| {
            let params = OrganizationGetParams::new().include_members_count(true);
            api.organizations().get_with(ACME, &params).await
        }
        "organizations.getOrganization.members_count_false" => |api| {
            let params = OrganizationGetParams::new().include_members_count(false);
            api.organizations().get_with(ACME, &params).await
        }
        "organizations.getOrganizationList" => |api| {
            let params = OrganizationListParams::new()
                .query("ac")
                .organization_id([ACME, BETA])
                .include_members_count(true)
                .order_by("-members_count")
                .limit(10)
                .offset(1);
            api.organizations().list(&params).await
        }
        "organizations.getOrganizationList.users" => |api| {
            let params = OrganizationListParams::new()
                .user_id([ADA, BOB])
                .include_missing_member_with_elevated_permissions(true);
            api.organizations().list(&params).await
        }
        "organizations.getOrganizationList.false_and_zero" => |api| {
            let params = OrganizationListParams::new().include_members_count(false).offset(0);
            api.organizations().list(&params).await
        }
        "organizations.createOrganization" => |api| {
            let params = CreateOrganizationParams::new()
                .name("Gamma Inc")
                .slug("gamma")
                .created_by(ADA)
                .max_allowed_memberships(0)
                .public_metadata(json!({"region": {"code": "eu", "legacy": null}}))
                .private_metadata(json!({"crm": "c_1"}));
            api.organizations().create(&params).await
        }
        "organizations.updateOrganization" => |api| {
            let params = UpdateOrganizationParams::new()
                .name("Acme Corp")
                .admin_delete_enabled(false)
                .max_allowed_memberships(25);
            api.organizations().update(ACME, &params).await
        }
        "organizations.updateOrganizationMetadata" => |api| {
            let params = MetadataParams::new()
                .public_metadata(json!({"tier": {"level": 2, "trial": null}}))
                .private_metadata(json!({"notes": ["a", null]}));
            api.organizations().update_metadata(ACME, &params).await
        }
        "organizations.updateOrganizationMetadata.unsafe" => |api| {
            let params = MetadataParams::new().unsafe_metadata(json!({"x": 1}));
            api.organizations().update_metadata(ACME, &params).await
        }
        "organizations.replaceOrganizationMetadata" => |api| {
            let params = MetadataParams::new()
                .public_metadata(json!({"a": {"b": null}}))
                .private_metadata(json!({}));
            api.organizations().replace_metadata(ACME, &params).await
        }
        "organizations.getOrganizationMembershipList" => |api| {
            let params = MembershipListParams::new()
                .user_id([ADA, BOB])
                .email_address(["ada@example.com", "bob+tag@example.com"])
                .role(["org:admin", "org:member"])
                .query("a")
                .created_at_after(T1)
                .last_active_at_before(T2)
                .order_by("+created_at")
                .limit(50)
                .offset(1);
            api.organizations().memberships(ACME).list(&params).await
        }
        "organizations.getOrganizationMembershipList.text_queries" => |api| {
            let params = MembershipListParams::new()
                .phone_number(["+15550100"])
                .username(["ada"])
                .web3_wallet(["0xabc"])
                .email_address_query("example")
                .phone_number_query("555")
                .username_query("ad")
                .name_query("Ada")
                .created_at_before(T2)
                .last_active_at_after(T1);
            api.organizations().memberships(ACME).list(&params).await
        }
        "organizations.createOrganizationMembership" => |api| {
            let params = CreateMembershipParams::new().user_id(CAROL).role("org:member");
            api.organizations().memberships(ACME).create(&params).await
        }
        "organizations.updateOrganizationMembership" => |api| {
            api.organizations().memberships(ACME).update(CAROL, "org:admin").await
        }
        "organizations.updateOrganizationMembershipMetadata" => |api| {
            let params = MetadataParams::new()
                .public_metadata(json!({"team": {"name": "core", "lead": null}}))
                .private_metadata(json!({"since": T1}));
            api.organizations().memberships(ACME).update_metadata(CAROL, &params).await
        }
        "organizations.deleteOrganizationMembership" => |api| {
            api.organizations().memberships(ACME).delete(CAROL).await
        }
        "organizations.createOrganizationInvitation" => |api| {
            let params = CreateOrganizationInvitationParams::new()
                .email_address("invitee+org@example.com")
                .role("org:member")
                .inviter_user_id(ADA)
                .expires_in_days(7)
                .redirect_url("https://app.example/accept?x=1")
                .public_metadata(json!({"source": {"campaign": "spring", "ref": null}}))
                .private_metadata(json!({}));
            api.organizations().invitations(ACME).create(&params).await
        }
        "organizations.getOrganizationInvitationList" => |api| {
            let params = OrganizationInvitationListParams::new()
                .status(["pending", "revoked"])
                .limit(10)
                .offset(1);
            api.organizations().invitations(ACME).list(&params).await
        }
        "organizations.getOrganizationInvitation" => |api| {
            api.organizations().invitations(ACME).get(ORG_INVITATION).await
        }
        "organizations.revokeOrganizationInvitation" => |api| {
            api.organizations().invitations(ACME).revoke(ORG_INVITATION, Some(ADA)).await
        }
        "organizations.revokeOrganizationInvitation.no_requester" => |api| {
            api.organizations().invitations(ACME).revoke(ORG_INVITATION_2, None).await
        }
        "organizations.deleteOrganization" => |api| { api.organizations().delete(BETA).await }

        "invitations.createInvitation" => |api| {
            let params = CreateInvitationParams::new()
                .email_address("friend+1@example.com")
                .public_metadata(json!({"referrer": ADA, "perks": {"beta": true, "old": null}}))
                .redirect_url("https://app.example/welcome")
                .notify(false)
                .ignore_existing(true)
                .expires_in_days(14)
                .template_slug("invitation");
            api.invitations().create(&params).await
        }
        "invitations.getInvitationList" => |api| {
            let params = InvitationListParams::new()
                .status("pending")
                .query("example.com")
                .order_by("-created_at")
                .limit(5)
                .offset(1);
            api.invitations().list(&params).await
        }
        "invitations.getInvitationList.empty" => |api| {
            api.invitations().list(&InvitationListParams::new()).await
        }
        "invitations.revokeInvitation" => |api| { api.invitations().revoke(INVITATION).await }

        "sessions.getSession" => |api| { api.sessions().get(ADA_SESSION).await }
        "sessions.getSessionList.user" => |api| {
            let params = SessionListParams::new().user_id(ADA).status("active").limit(10).offset(1);
            api.sessions().list(&params).await
        }
        "sessions.getSessionList.client" => |api| {
            api.sessions().list(&SessionListParams::new().client_id(ADA_CLIENT)).await
        }
        "sessions.getToken" => |api| { api.sessions().create_token(ADA_SESSION, None, None).await }
        "sessions.getToken.template" => |api| {
            api.sessions().create_token(ADA_SESSION, Some("parity"), Some(120)).await
        }
        "sessions.getToken.template_only" => |api| {
            api.sessions().create_token(ADA_SESSION, Some("parity"), None).await
        }
        "sessions.getToken.zero_expiry" => |api| {
            api.sessions().create_token(ADA_SESSION, None, Some(0)).await
        }
        "sessions.revokeSession" => |api| { api.sessions().revoke(BOB_SESSION).await }

        "users.deleteUser" => |api| { api.users().delete(CAROL).await }
    }
}

/// The same users, organizations, memberships, invitations and sessions on every mock.
fn seed(mock: &MockClerkApi, keys: &TestKeys) {
    mock.add_key(keys);
    mock.add_jwt_template("parity", json!({"parity": true}));
    let user = |seed: UserSeed| mock.seed_user(seed).expect("seed a user");
    user(
        UserSeed::new()
            .id(ADA)
            .email_address("ada@example.com")
            .phone_number("+15550100")
            .username("ada")
            .first_name("Ada")
            .last_name("Lovelace")
            .password("ada-secret-1")
            .created_at(1_700_000_000_000),
    );
    user(
        UserSeed::new()
            .id(BOB)
            .email_address("bob+tag@example.com")
            .username("bob")
            .public_metadata(json!({"old": true}))
            .created_at(1_700_000_001_000),
    );
    user(UserSeed::new().id(CAROL).email_address("carol@example.com"));
    user(UserSeed::new().id(DAVE).email_address("dave@example.com"));
    user(UserSeed::new().id(PLUS_ID).email_address("plus@example.com"));
    mock.seed_organization(
        OrganizationSeed::new("Acme")
            .id(ACME)
            .slug("acme")
            .created_by(ADA),
    )
    .expect("seed acme");
    mock.seed_organization(OrganizationSeed::new("Beta").id(BETA).slug("beta"))
        .expect("seed beta");
    mock.seed_membership(MembershipSeed::new(ACME, BOB, "org:member"))
        .expect("seed a membership");
    for id in [ORG_INVITATION, ORG_INVITATION_2] {
        let seed = OrganizationInvitationSeed::new(ACME, format!("{id}@example.com"), "org:member")
            .id(id)
            .inviter_user_id(ADA);
        mock.seed_organization_invitation(seed)
            .expect("seed an organization invitation");
    }
    mock.seed_invitation(InvitationSeed::new("pending@example.com").id(INVITATION))
        .expect("seed an invitation");
    mock.seed_session(SessionSeed::new(ADA).id(ADA_SESSION).client_id(ADA_CLIENT))
        .expect("seed a session");
    mock.seed_session(SessionSeed::new(BOB).id(BOB_SESSION))
        .expect("seed a session");
}

/// Where node and `@clerk/backend` are.
struct Parts {
    node: PathBuf,
    backend: PathBuf,
    script: PathBuf,
}

/// The parts, or `None` after printing loudly what is missing (a failure with `CI=true`).
fn locate() -> Option<Parts> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let backend = std::env::var_os("CLERK_BACKEND_DIR").map_or_else(
        || root.join("../examples/worker/node_modules/@clerk/backend"),
        PathBuf::from,
    );
    let node = std::env::var_os("CLERK_NODE").map_or_else(|| PathBuf::from("node"), PathBuf::from);
    let script = root.join("api_parity/clerk-backend.mjs");
    let mut missing = Vec::new();
    let node_runs = Command::new(&node)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !node_runs {
        missing.push(format!("node ({})", node.display()));
    }
    if !backend.join("dist/index.mjs").is_file() {
        missing.push(backend.display().to_string());
    }
    if missing.is_empty() {
        return Some(Parts {
            node,
            backend,
            script,
        });
    }
    skip_loudly_or_fail(&format!(
        "api parity test NOT RUN: missing {} (run `npm ci --no-audit --no-fund` in examples/worker)",
        missing.join(", ")
    ));
    None
}

/// Runs the node script against `url`; its stdout lines as JSON.
fn run_node(parts: &Parts, url: &str) -> Vec<Value> {
    let mut child = Command::new(&parts.node)
        .arg(&parts.script)
        .arg(&parts.backend)
        .arg(url)
        .arg(SECRET)
        .env("CLERK_TELEMETRY_DISABLED", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for node") {
            break status;
        }
        if started.elapsed() > NODE_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("node ran longer than {NODE_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    assert!(status.success(), "node failed ({status}):\n{stderr}\n{stdout}");
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("node printed {line:?}: {e}")))
        .collect()
}

/// A request reduced to what is compared.
struct Shape {
    method: String,
    path: String,
    segments: Vec<String>,
    query: Vec<String>,
    body: Option<Value>,
    headers: BTreeMap<&'static str, Option<String>>,
}

/// The headers `@clerk/backend`'s request builder sets itself (User-Agent aside).
const COMPARED_HEADERS: [&str; 3] = ["authorization", "content-type", "clerk-api-version"];

impl Shape {
    fn of(r: &RecordedRequest) -> Shape {
        let body = (!r.body.is_empty()).then(|| {
            r.json()
                .unwrap_or_else(|| Value::String(format!("not JSON: {}", String::from_utf8_lossy(&r.body))))
        });
        Shape {
            method: r.method.to_string(),
            path: r.path.clone(),
            segments: r.path_segments(),
            query: r
                .raw_query_pairs
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect(),
            body,
            headers: COMPARED_HEADERS
                .iter()
                .map(|h| (*h, r.header(h).map(str::to_owned)))
                .collect(),
        }
    }

    fn key(&self) -> (String, Vec<String>) {
        (self.method.clone(), self.segments.clone())
    }

    fn line(&self) -> String {
        match self.query.is_empty() {
            true => format!("{} {}", self.method, self.path),
            false => format!("{} {}?{}", self.method, self.path, self.query.join("&")),
        }
    }
}

const THEIRS: &str = "@clerk/backend";

/// Every difference between our requests and upstream's for one case, one line each.
fn compare(ours: &[Shape], theirs: &[Shape]) -> Vec<String> {
    let mut diffs = Vec::new();
    let mut theirs: Vec<&Shape> = theirs.iter().collect();
    for o in ours {
        match theirs.iter().position(|t| t.key() == o.key()) {
            Some(i) => compare_one(o, theirs.remove(i), &mut diffs),
            None => diffs.push(format!("request only in ours: {}", o.line())),
        }
    }
    diffs.extend(
        theirs
            .iter()
            .map(|t| format!("request only in {THEIRS}: {}", t.line())),
    );
    diffs
}

fn compare_one(o: &Shape, t: &Shape, diffs: &mut Vec<String>) {
    if o.path != t.path {
        diffs.push(format!("path: ours {}, {THEIRS} {}", o.path, t.path));
    }
    if o.query != t.query {
        let multiset = |q: &[String]| {
            let mut q = q.to_vec();
            q.sort();
            q
        };
        if multiset(&o.query) == multiset(&t.query) {
            diffs.push(format!(
                "query order: ours {}, {THEIRS} {}",
                o.query.join("&"),
                t.query.join("&")
            ));
        } else {
            let mut rest = t.query.clone();
            for pair in &o.query {
                match rest.iter().position(|p| p == pair) {
                    Some(i) => drop(rest.remove(i)),
                    None => diffs.push(format!("query: only ours sends {pair}")),
                }
            }
            diffs.extend(rest.iter().map(|p| format!("query: only {THEIRS} sends {p}")));
        }
    }
    compare_bodies(o.body.as_ref(), t.body.as_ref(), diffs);
    for (name, ours) in &o.headers {
        let theirs = &t.headers[name];
        if ours != theirs {
            diffs.push(format!("header {name}: ours {ours:?}, {THEIRS} {theirs:?}"));
        }
    }
}

/// Top-level fields of two JSON bodies; anything but two objects is compared whole.
fn compare_bodies(ours: Option<&Value>, theirs: Option<&Value>, diffs: &mut Vec<String>) {
    match (ours, theirs) {
        (Some(Value::Object(o)), Some(Value::Object(t))) => {
            let keys: BTreeSet<&String> = o.keys().chain(t.keys()).collect();
            for key in keys {
                match (o.get(key), t.get(key)) {
                    (Some(a), Some(b)) if a == b => {}
                    (Some(a), Some(b)) => diffs.push(format!("body {key}: ours {a}, {THEIRS} {b}")),
                    (Some(a), None) => diffs.push(format!("body: only ours sends {key}: {a}")),
                    (None, Some(b)) => diffs.push(format!("body: only {THEIRS} sends {key}: {b}")),
                    (None, None) => {}
                }
            }
        }
        (o, t) if o == t => {}
        (o, t) => diffs.push(format!("body: ours {o:?}, {THEIRS} {t:?}")),
    }
}

/// Upstream's log split at the case markers: (case, its requests), in order.
fn split_by_marker(log: &[RecordedRequest]) -> Vec<(String, Vec<RecordedRequest>)> {
    let mut cases: Vec<(String, Vec<RecordedRequest>)> = Vec::new();
    for r in log {
        if let Some(name) = r.path.strip_prefix(MARKER) {
            cases.push((name.to_owned(), Vec::new()));
        } else if let Some((_, requests)) = cases.last_mut() {
            requests.push(r.clone());
        } else {
            panic!("{THEIRS} sent {} {} before the first case", r.method, r.path);
        }
    }
    cases
}

fn config(mock: &MockClerkApi) -> BackendApi {
    let config = ClerkConfig::builder()
        .secret_key(SECRET)
        .api_url(mock.url())
        .build()
        .expect("config");
    BackendApi::new(&config)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_match_clerk_backend() {
    let Some(parts) = locate() else { return };
    let keys = TestKeys::generate().expect("test keys");
    let upstream = MockClerkApi::start(SECRET).await.expect("start a mock");
    let ours = MockClerkApi::start(SECRET).await.expect("start a mock");
    seed(&upstream, &keys);
    seed(&ours, &keys);

    let url = upstream.url();
    let node = tokio::task::spawn_blocking(move || run_node(&parts, &url));

    let api = config(&ours);
    let cases = our_cases();
    let mut our_requests = Vec::new();
    let mut our_failures = BTreeMap::new();
    for (name, run) in &cases {
        ours.clear_recorded_requests();
        if let Err(e) = run(api.clone()).await {
            our_failures.insert(*name, e.to_string());
        }
        our_requests.push(ours.recorded_requests());
    }

    let lines = node.await.expect("the node thread");
    assert_eq!(
        lines.first().and_then(|l| l["version"].as_str()),
        Some(UPSTREAM_VERSION)
    );
    assert_eq!(lines.last(), Some(&json!({"done": true})), "node stopped early");
    let their_outcomes: BTreeMap<String, Value> = lines
        .iter()
        .filter_map(|l| Some((l["case"].as_str()?.to_owned(), l.clone())))
        .collect();
    let their_cases = split_by_marker(&upstream.recorded_requests());

    let our_names: Vec<&str> = cases.iter().map(|(n, _)| *n).collect();
    let their_names: Vec<&str> = their_cases.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(our_names, their_names, "the two case lists differ");

    let mut problems = Vec::new();
    let mut found: BTreeSet<(&str, String)> = BTreeSet::new();
    let mut identical = 0;
    let mut their_agent = None;
    let mut our_header_names = BTreeSet::new();
    let mut their_header_names = BTreeSet::new();
    for ((name, _), (mine, (_, theirs))) in cases.iter().zip(our_requests.iter().zip(&their_cases)) {
        let refused = REFUSED.iter().find(|r| r.case == *name);
        let (upstream_ok, ours_ok) = refused.map_or((true, true), |r| (r.upstream_ok, r.ours_ok));
        let outcome = &their_outcomes[*name];
        if outcome["ok"] != Value::Bool(upstream_ok) {
            problems.push(format!("{name}: {THEIRS} outcome {outcome}"));
        }
        match our_failures.get(name) {
            Some(e) if ours_ok => problems.push(format!("{name}: our call failed: {e}")),
            None if !ours_ok => problems.push(format!("{name}: our call succeeded")),
            _ => {}
        }
        if their_agent.is_none() {
            their_agent = theirs
                .first()
                .and_then(|r| r.header("user-agent").map(str::to_owned));
        }
        if std::env::var_os("API_PARITY_DUMP").is_some() {
            eprintln!("{name}");
            for (side, requests) in [("ours", mine), (THEIRS, theirs)] {
                for r in requests.iter().map(Shape::of) {
                    eprintln!("  {side:<15} {} {:?} {:?}", r.line(), r.body, r.headers);
                }
            }
        }
        let names = |requests: &[RecordedRequest]| -> Vec<String> {
            requests
                .iter()
                .flat_map(|r| r.headers.keys().map(|k| k.as_str().to_owned()))
                .collect()
        };
        our_header_names.extend(names(mine));
        their_header_names.extend(names(theirs));
        let diffs = compare(
            &mine.iter().map(Shape::of).collect::<Vec<_>>(),
            &theirs.iter().map(Shape::of).collect::<Vec<_>>(),
        );
        if diffs.is_empty() {
            identical += 1;
        }
        found.extend(diffs.into_iter().map(|d| (*name, d)));
    }

    let expected: BTreeSet<(&str, String)> = EXPECTED
        .iter()
        .map(|e| (e.case, e.difference.to_owned()))
        .collect();
    let with_expected: BTreeSet<&str> = found
        .iter()
        .filter(|d| expected.contains(d))
        .map(|(c, _)| *c)
        .collect();
    let unexpected: Vec<_> = found.difference(&expected).collect();
    let stale: Vec<_> = expected.difference(&found).collect();

    let our_agent = ours
        .recorded_requests()
        .first()
        .and_then(|r| r.header("user-agent").map(str::to_owned));
    eprintln!("\nBackend API requests, clerk-sdk vs {THEIRS} {UPSTREAM_VERSION}:");
    eprintln!("  {:<40} {:>5}", "cases compared", cases.len());
    eprintln!("  {:<40} {:>5}", "identical", identical);
    eprintln!(
        "  {:<40} {:>5}",
        "with expected differences only",
        with_expected.len()
    );
    eprintln!("  {:<40} {:>5}", "unexpected differences", unexpected.len());
    eprintln!("  User-Agent: ours {our_agent:?}, {THEIRS} {their_agent:?} (each names its SDK)");
    let only =
        |a: &BTreeSet<String>, b: &BTreeSet<String>| a.difference(b).cloned().collect::<Vec<_>>().join(", ");
    eprintln!(
        "  header names only ours sends: [{}]; only {THEIRS} (node's fetch) sends: [{}]",
        only(&our_header_names, &their_header_names),
        only(&their_header_names, &our_header_names)
    );
    for e in EXPECTED {
        eprintln!(
            "  expected  {}: {}\n            why: {}",
            e.case, e.difference, e.reason
        );
    }
    for r in REFUSED {
        eprintln!("  refused   {}: {}", r.case, r.reason);
    }
    for (case, d) in &unexpected {
        problems.push(format!("{case}: {d}"));
    }
    for (case, d) in &stale {
        problems.push(format!("{case}: expected difference no longer seen: {d}"));
    }
    assert!(
        problems.is_empty(),
        "parity problems:\n  {}",
        problems.join("\n  ")
    );
}
