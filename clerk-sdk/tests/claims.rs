//! Claims → auth end to end: v1 and v2 organization claims, pending sessions, and `has()`.

mod common;

use clerk_sdk::{
    Clerk, Has, TokenType,
    auth::{AuthStatus, Reverification},
};
use common::{APP, authenticate, bearer, builder, clerk, keys};
use serde_json::json;

/// A worked example of the v2 permission expansion.
#[tokio::test]
async fn v2_worked_example() {
    let token = keys()
        .session("user_1")
        .authorized_party(APP)
        .v2()
        .features("o:reports,u:profile,ou:teams,o:billing")
        .claim("o", json!({"id": "org_1", "slg": "acme", "rol": "admin", "per": "read,manage,delete", "fpm": "3,2,5"}))
        .sign()
        .unwrap();
    let state = authenticate(&clerk(), &bearer(&token)).await;
    let s = state.auth().session().unwrap();
    assert_eq!(s.org_id(), Some("org_1"));
    assert_eq!(s.org_slug(), Some("acme"));
    assert_eq!(s.org_role(), Some("org:admin"));
    assert_eq!(
        s.org_permissions().unwrap(),
        [
            "org:reports:read",
            "org:reports:manage",
            "org:teams:manage",
            "org:billing:read",
            "org:billing:delete"
        ]
    );
    assert!(s.has(&Has::permission("org:billing:delete")));
    assert!(!s.has(&Has::permission("org:teams:read")));
    assert!(s.has(&Has::feature("profile")));
    assert!(s.has(&Has::feature("u:profile")));
    assert!(!s.has(&Has::feature("o:profile")));
}

/// A mask above 2^53 is exact: 2^54 + 1 grants permissions 0 and 54.
#[tokio::test]
async fn v2_mask_above_2_pow_53() {
    let per: Vec<String> = (0..55).map(|i| format!("p{i}")).collect();
    let token = keys()
        .session("user_1")
        .authorized_party(APP)
        .v2()
        .features("o:big")
        .claim(
            "o",
            json!({"id": "org_1", "rol": "member", "per": per.join(","), "fpm": "18014398509481985"}),
        )
        .sign()
        .unwrap();
    let state = authenticate(&clerk(), &bearer(&token)).await;
    assert_eq!(
        state.auth().session().unwrap().org_permissions().unwrap(),
        ["org:big:p0", "org:big:p54"]
    );
}

/// The test kit's v2 builder encodes permissions that decode back to the same list.
#[tokio::test]
async fn v2_builder_round_trips() {
    let perms = ["org:invoices:read", "org:invoices:write", "org:reports:read"];
    let token = keys()
        .session("user_1")
        .authorized_party(APP)
        .org_v2("org_9", "nine", "org:admin", &perms)
        .sign()
        .unwrap();
    let state = authenticate(&clerk(), &bearer(&token)).await;
    let s = state.auth().session().unwrap();
    assert_eq!(s.org_role(), Some("org:admin"));
    assert_eq!(s.org_permissions().unwrap(), perms);
    assert_eq!(s.claims().get("v"), Some(&json!(2)));
}

/// v1 claims are read raw; `v: "2"` (a string) still takes the v1 path.
#[tokio::test]
async fn v1_claims_and_string_version() {
    let token = keys()
        .session("user_1")
        .authorized_party(APP)
        .org_v1("org_1", "acme", "admin", &["org:a:b"])
        .claim("v", "2")
        .claim("o", json!({"id": "org_other", "rol": "owner"}))
        .sign()
        .unwrap();
    let state = authenticate(&clerk(), &bearer(&token)).await;
    let s = state.auth().session().unwrap();
    assert_eq!(s.org_id(), Some("org_1"));
    assert_eq!(s.org_role(), Some("admin")); // no prefixing in v1
    assert!(s.has(&Has::role("org:admin"))); // has() normalises
}

#[tokio::test]
async fn pending_sessions_are_signed_out_by_default() {
    let token = keys()
        .session("user_1")
        .authorized_party(APP)
        .pending()
        .sign()
        .unwrap();

    let state = authenticate(&clerk(), &bearer(&token)).await;
    assert_eq!(state.status(), AuthStatus::SignedIn); // the credential itself is valid
    assert!(!state.is_authenticated());
    let out = match state.auth() {
        clerk_sdk::Auth::SignedOut(out) => out,
        other => panic!("expected signed out, got {other:?}"),
    };
    assert_eq!(out.session_status(), Some("pending"));
    assert_eq!(out.token_type(), Some(TokenType::SessionToken));
    assert!(!state.auth().has(&Has::role("org:admin")));

    let lenient = Clerk::new(builder().treat_pending_as_signed_out(false).build().unwrap());
    let state = authenticate(&lenient, &bearer(&token)).await;
    assert!(state.is_authenticated());
    assert_eq!(state.auth().session().unwrap().session_status(), Some("pending"));
}

/// `has()` through a real session: role prefix normalisation, billing scopes, reverification.
#[tokio::test]
async fn has_table() {
    let token = keys()
        .session("user_1")
        .authorized_party(APP)
        .org_v1("org_1", "acme", "org:admin", &["org:invoices:read"])
        .features("o:reports,u:profile")
        .plans("u:pro,o:team")
        .factor_verification_age(5, 30)
        .actor(json!({"sub": "user_support"}))
        .sign()
        .unwrap();
    let state = authenticate(&clerk(), &bearer(&token)).await;
    let s = state.auth().session().unwrap();
    assert_eq!(s.factor_verification_age(), Some([5, 30]));
    assert_eq!(s.actor(), Some(&json!({"sub": "user_support"})));
    let table: Vec<(Has, bool)> = vec![
        (Has::new(), false),
        (Has::role("admin"), true),
        (Has::role("org:admin"), true),
        (Has::role("org:org:admin"), true),
        (Has::role("org:member"), false),
        (Has::permission("org:invoices:read"), true),
        (Has::permission("invoices:read"), true),
        (Has::permission("org:invoices:write"), false),
        (Has::feature("reports"), true),
        (Has::feature("o:reports"), true),
        (Has::feature("org:reports"), true),
        (Has::feature("organization:reports"), true),
        (Has::feature("u:reports"), false),
        (Has::feature("user:profile"), true),
        (Has::feature("x:profile"), false),
        (Has::plan("pro"), true),
        (Has::plan("o:team"), true),
        (Has::plan("o:pro"), false),
        (Has::feature("reports").and_plan("pro"), true),
        (Has::feature("reports").and_plan("enterprise"), false),
        (Has::role("org:admin").and_permission("org:invoices:read"), true),
        (Has::role("org:admin").and_feature("missing"), false),
        (Has::reverification(Reverification::Strict), false),
        (Has::reverification(Reverification::Moderate), true),
        (Has::reverification("first_factor:6".parse().unwrap()), true),
        (Has::reverification("first_factor:5".parse().unwrap()), false),
        (
            Has::role("org:admin").and_reverification(Reverification::Lax),
            true,
        ),
    ];
    for (check, want) in table {
        assert_eq!(s.has(&check), want, "{check:?}");
        assert_eq!(state.auth().has(&check), want, "{check:?}");
    }
}

/// Without an active organization, org checks fail; a malformed `fea` element fails closed.
#[tokio::test]
async fn has_fails_closed() {
    let token = keys()
        .session("user_1")
        .authorized_party(APP)
        .features("reports,o:billing")
        .sign()
        .unwrap();
    let state = authenticate(&clerk(), &bearer(&token)).await;
    let s = state.auth().session().unwrap();
    assert_eq!(s.org_id(), None);
    assert!(!s.has(&Has::role("org:admin")));
    assert!(!s.has(&Has::permission("org:a:b")));
    assert!(!s.has(&Has::feature("billing")));
}

/// Custom claims through serde.
#[tokio::test]
async fn custom_claims() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Mine {
        sub: String,
        tenant: String,
        #[serde(default)]
        quota: Option<u32>,
    }
    let token = keys()
        .session("user_1")
        .authorized_party(APP)
        .claim("tenant", "t-1")
        .claim("quota", 7)
        .sign()
        .unwrap();
    let claims = clerk().verify_token(&token).await.unwrap();
    let mine: Mine = claims.custom().unwrap();
    assert_eq!(
        mine,
        Mine {
            sub: "user_1".into(),
            tenant: "t-1".into(),
            quota: Some(7)
        }
    );
    assert_eq!(claims.claim::<u32>("quota").unwrap(), Some(7));
    assert!(claims.claim::<u32>("tenant").is_err());
}
