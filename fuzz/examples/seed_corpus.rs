//! Writes the committed seed corpus (`fuzz/corpus/<target>/`) and the session key the targets
//! verify with (`fuzz/keys/session_public.pem`), then checks each seed does what its name says.
//!
//! ```text
//! cargo run --manifest-path fuzz/Cargo.toml --example seed_corpus
//! ```
//!
//! A fresh RSA key is generated on every run and its private half is dropped, so a run rewrites
//! the public key and every token seed together. Seeds are valid or one step from valid: a
//! minted token, Clerk-style v1 and v2 payloads, the webhook known-answer vector of
//! the Svix known-answer webhook, a JWKS with one key, `pk_live_Y2xlcmsuZXhhbXBsZS5jb20k`.

use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clerk_sdk::fuzz_api::{self, AUTHORIZED_PARTY, ISSUER, NOW_MS, Outcome, PUBLISHABLE_KEY};
use clerk_sdk::testing::TestKeys;
use clerk_sdk::{keys::PublishableKey, webhook::Webhook};
use serde_json::json;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The known-answer vector of Clerk's (Svix's) webhook signature scheme.
const KA_ID: &str = "msg_test";
const KA_TIMESTAMP: i64 = 1_700_000_000;
const KA_BODY: &str = r#"{"type":"user.created"}"#;
const KA_SIGNATURE: &str = "v1,5ZCxOammoBCLzqaCN9uAHiKnJcRjQNLtyV6gB4qVUg4=";

fn main() -> Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let keys = TestKeys::generate()?.with_kid("ins_fuzz_key_1");
    fs::create_dir_all(root.join("keys"))?;
    fs::write(root.join("keys/session_public.pem"), keys.public_key_pem()?)?;
    let clerk = fuzz_api::session_clerk(keys.jwt_key()?)?;

    // ---- tokens ------------------------------------------------------------------------
    let session = || {
        keys.session("user_2abc")
            .issued_at_ms(NOW_MS)
            .authorized_party(AUTHORIZED_PARTY)
            .issuer(ISSUER)
    };
    let valid = session().sign()?;
    let v2 = session()
        .org_v2(
            "org_1",
            "acme",
            "admin",
            &["org:reports:read", "org:reports:manage", "org:billing:read"],
        )
        .features("u:profile")
        .plans("u:pro,o:team")
        .factor_verification_age(2, 5)
        .sign()?;
    let v1 = session()
        .org_v1("org_1", "acme", "org:admin", &["org:invoices:read"])
        .sign()?;
    let pending = session().pending().sign()?;
    let expired = session().expired().sign()?;
    let wrong_azp = session().authorized_party("https://evil.example").sign()?;
    let no_kid = session().without_header("kid").sign()?;
    let m2m = keys.sign_raw(
        &json!({"alg": "RS256", "kid": keys.kid(), "typ": "JWT", "cat": "cl_B7d4PD333AAA"}),
        &json!({"sub": "mch_1", "iat": NOW_MS / 1000, "exp": NOW_MS / 1000 + 60, "scopes": "mch_2"}),
    )?;
    let oauth = keys.sign_raw(
        &json!({"alg": "RS256", "kid": keys.kid(), "typ": "at+jwt"}),
        &json!({"sub": "user_2abc", "client_id": "client_1", "iat": NOW_MS / 1000,
                "exp": NOW_MS / 1000 + 60, "jti": "oat_1", "scope": "read"}),
    )?;
    let alg_none = keys.sign_raw(
        &json!({"alg": "none", "typ": "JWT"}),
        &json!({"sub": "user_2abc", "exp": NOW_MS / 1000 + 60}),
    )?;
    let tampered = flip_signature_char(&valid);
    let padded = {
        let mut parts = valid.splitn(3, '.');
        let (h, p, s) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        format!("{h}==.{p}=.{s}")
    };
    let two_parts = valid
        .rsplit_once('.')
        .map(|(head, _)| head.to_owned())
        .unwrap_or_default();
    let not_json = format!(
        "{}.{}.c2ln",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
        URL_SAFE_NO_PAD.encode("not json")
    );

    write(
        &root,
        "token_decode",
        &[
            ("valid", valid.as_bytes()),
            ("v2_org", v2.as_bytes()),
            ("m2m_jwt", m2m.as_bytes()),
            ("oauth_jwt", oauth.as_bytes()),
            ("alg_none", alg_none.as_bytes()),
            ("padded", padded.as_bytes()),
            ("two_parts", two_parts.as_bytes()),
            ("payload_not_json", not_json.as_bytes()),
            ("opaque_m2m", b"mt_0123456789abcdef"),
        ],
    )?;
    write(
        &root,
        "session_verify",
        &[
            ("valid", valid.as_bytes()),
            ("v2_org", v2.as_bytes()),
            ("v1_org", v1.as_bytes()),
            ("pending", pending.as_bytes()),
            ("expired", expired.as_bytes()),
            ("wrong_azp", wrong_azp.as_bytes()),
            ("no_kid", no_kid.as_bytes()),
            ("m2m_jwt", m2m.as_bytes()),
            ("oauth_jwt", oauth.as_bytes()),
            ("alg_none", alg_none.as_bytes()),
            ("tampered_signature", tampered.as_bytes()),
        ],
    )?;

    // ---- Authorization and cookies ------------------------------------------------------
    let bearer = format!("Bearer {valid}");
    let lower = format!("bearer {v2}");
    let two_values = format!("Bearer {valid}\nBasic dXNlcjpwdw==");
    write(
        &root,
        "authorization_header",
        &[
            ("bearer_valid", bearer.as_bytes()),
            ("bearer_lowercase_v2", lower.as_bytes()),
            ("bare_token", valid.as_bytes()),
            ("bearer_m2m_jwt", format!("Bearer {m2m}").as_bytes()),
            ("bearer_opaque_m2m", b"Bearer mt_0123456789abcdef"),
            ("basic", b"Basic dXNlcjpwdw=="),
            ("scheme_only", b"Bearer"),
            ("two_spaces", format!("Bearer  {valid}").as_bytes()),
            ("two_values", two_values.as_bytes()),
            ("not_ascii", b"Bearer \xff\xfe"),
        ],
    )?;
    let suffix = PublishableKey::parse(PUBLISHABLE_KEY)?.cookie_suffix();
    let percent = valid.replace('.', "%2E");
    write(
        &root,
        "cookie_header",
        &[
            ("session", format!("\n__session={valid}").as_bytes()),
            (
                "suffixed",
                format!("{suffix}\na=1; __session_{suffix}={v2}; __session={expired}").as_bytes(),
            ),
            ("two_headers", format!("\nx=y\n__session= {valid} ").as_bytes()),
            ("percent_encoded", format!("\n__session={percent}").as_bytes()),
            ("quoted", format!("\n__session=\"{valid}\"").as_bytes()),
            ("bad_percent", b"\n__session=a%zzb"),
            ("empty_value", b"\n__session="),
            ("machine_in_cookie", b"\n__session=mt_0123456789abcdef"),
        ],
    )?;

    // ---- claims -------------------------------------------------------------------------
    // The v2 permission expansion's worked example, as a payload and as lines.
    let worked = json!({
        "sub": "user_1", "v": 2, "fea": "o:reports,u:profile,ou:teams,o:billing", "pla": "u:pro,o:team",
        "fva": [3, 1],
        "o": {"id": "org_1", "slg": "acme", "rol": "admin", "per": "read,manage,delete", "fpm": "3,2,5"},
    });
    let v1_claims = json!({
        "sub": "user_1", "org_id": "org_1", "org_slug": "acme", "org_role": "org:admin",
        "org_permissions": ["org:invoices:read", 5], "fva": [-1, -1],
    });
    let big_mask = {
        let per: Vec<String> = (0..55).map(|i| format!("p{i}")).collect();
        format!(
            "o:big\n{}\n18014398509481985\n\n\norg:big:p54\n\n\n",
            per.join(",")
        )
    };
    write(
        &root,
        "claims_v2",
        &[
            ("worked_example_json", worked.to_string().as_bytes()),
            ("v1_json", v1_claims.to_string().as_bytes()),
            (
                "worked_example_lines",
                b"o:reports,u:profile,ou:teams,o:billing\nread,manage,delete\n3,2,5\nu:pro\n\
                  org:admin\norg:reports:manage\norg:reports\nuser:pro\nstrict"
                    .as_slice(),
            ),
            ("mask_2_54_plus_1", big_mask.as_bytes()),
            (
                "bad_masks",
                b"o:a,o:b,o:c\nread,write\nx,3,-1\n\n\norg:b:write\n\n\n".as_slice(),
            ),
            (
                "malformed_fea",
                b"reports,o:billing\nread\n1\n\n\n\nreports\n\nfirst_factor:30".as_slice(),
            ),
        ],
    )?;

    // ---- webhooks -----------------------------------------------------------------------
    let webhook = Webhook::new(fuzz_api::WEBHOOK_SECRET)?;
    let event = r#"{"type":"user.created","object":"event","timestamp":1700000000000,"instance_id":"ins_1","data":{"id":"user_1","object":"user","primary_email_address_id":"idn_1","email_addresses":[{"id":"idn_1","email_address":"a@example.com"}]}}"#;
    let event_signature = webhook.sign("msg_2", KA_TIMESTAMP, event.as_bytes());
    let message = |prefix: &str, id: &str, ts: &str, sig: &str, body: &str| {
        format!("{prefix}-id: {id}\n{prefix}-timestamp: {ts}\n{prefix}-signature: {sig}\n\n{body}")
    };
    let ts = KA_TIMESTAMP.to_string();
    write(
        &root,
        "webhook_verify",
        &[
            (
                "known_answer",
                message("svix", KA_ID, &ts, KA_SIGNATURE, KA_BODY).as_bytes(),
            ),
            (
                "known_answer_webhook_names",
                message("webhook", KA_ID, &ts, KA_SIGNATURE, KA_BODY).as_bytes(),
            ),
            (
                "several_signatures",
                message(
                    "svix",
                    KA_ID,
                    &ts,
                    &format!("v1,AAAA v1a,zzz {KA_SIGNATURE}"),
                    KA_BODY,
                )
                .as_bytes(),
            ),
            (
                "user_created_event",
                message("svix", "msg_2", &ts, &event_signature, event).as_bytes(),
            ),
            (
                "timestamp_too_old",
                message("svix", KA_ID, "1699999000", KA_SIGNATURE, KA_BODY).as_bytes(),
            ),
            (
                "fractional_timestamp",
                message("svix", KA_ID, "1700000000.123", KA_SIGNATURE, KA_BODY).as_bytes(),
            ),
            (
                "missing_headers",
                format!("svix-id: {KA_ID}\n\n{KA_BODY}").as_bytes(),
            ),
        ],
    )?;

    // ---- JWKS ---------------------------------------------------------------------------
    let jwk = keys.jwk()?;
    let (n, e) = keys.jwt_key()?.rsa_components();
    let mut raw_components = vec![u8::try_from(e.len())?];
    raw_components.extend_from_slice(&n);
    raw_components.extend_from_slice(&e);
    let mut bare = jwk.clone();
    for field in ["alg", "use"] {
        if let Some(map) = bare.as_object_mut() {
            map.remove(field);
        }
    }
    let mut exponent_3 = jwk.clone();
    exponent_3["e"] = json!("Aw");
    write(
        &root,
        "jwks_json",
        &[
            ("one_key", json!({ "keys": [jwk] }).to_string().as_bytes()),
            ("one_key_no_alg_use", json!({ "keys": [bare] }).to_string().as_bytes()),
            (
                "exponent_3_and_ec",
                json!({"keys": [exponent_3, {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"}]})
                    .to_string()
                    .as_bytes(),
            ),
            ("empty_keys", br#"{"keys":[]}"#),
            ("raw_components", &raw_components),
        ],
    )?;

    // ---- publishable keys ---------------------------------------------------------------
    write(
        &root,
        "publishable_key",
        &[
            ("live", PUBLISHABLE_KEY.as_bytes()),
            ("test", b"pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"),
            ("no_dollar", b"pk_live_Y2xlcmsuZXhhbXBsZS5jb20"),
            ("two_dollars", b"pk_live_Y2xlcmsuZXhhbXBsZS5jb20kJA=="),
            ("four_parts", b"pk_live_Y2xlcmsuZXhhbXBsZS5jb20k_x"),
            ("secret_prefix", b"sk_live_Y2xlcmsuZXhhbXBsZS5jb20k"),
        ],
    )?;

    // ---- each seed does what its name says ---------------------------------------------
    let check = |what: &str, ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(format!("seed check failed: {what}"))
        }
    };
    let verified = |token: &str| fuzz_api::session_verify(&clerk, token.as_bytes());
    let ok = verified(&valid);
    check("valid token verifies", ok.verified)?;
    check(
        "valid token signs in by header and cookie",
        ok.via_header == Some(Outcome::SignedInSession) && ok.via_cookie == Some(Outcome::SignedInSession),
    )?;
    check("v2 token verifies", verified(&v2).verified)?;
    check(
        "m2m JWT signs in as a machine",
        verified(&m2m).via_header == Some(Outcome::SignedInMachine),
    )?;
    for (name, token) in [
        ("expired", &expired),
        ("wrong_azp", &wrong_azp),
        ("alg_none", &alg_none),
        ("tampered", &tampered),
    ] {
        check(&format!("{name} is refused"), !verified(token).verified)?;
    }
    check(
        "cookie seed signs in",
        fuzz_api::cookie_header(&clerk, format!("\n__session={percent}").as_bytes())
            == Outcome::SignedInSession,
    )?;
    check(
        "known answer verifies",
        fuzz_api::webhook_verify(message("svix", KA_ID, &ts, KA_SIGNATURE, KA_BODY).as_bytes()).signature_ok,
    )?;
    let event_outcome =
        fuzz_api::webhook_verify(message("svix", "msg_2", &ts, &event_signature, event).as_bytes());
    check(
        "event verifies and parses, replay refused",
        event_outcome.event_ok && !event_outcome.replay_accepted,
    )?;
    check(
        "worked example grants",
        fuzz_api::claims_v2(worked.to_string().as_bytes()) > 0,
    )?;
    check(
        "JWKS has one key",
        fuzz_api::jwks_json(json!({ "keys": [keys.jwk()?] }).to_string().as_bytes()) == Some(1),
    )?;
    check(
        "raw components give a key",
        fuzz_api::rsa_components(&raw_components),
    )?;
    check(
        "publishable key parses",
        fuzz_api::publishable_key(PUBLISHABLE_KEY.as_bytes()),
    )?;
    println!("seed corpus written under {}", root.join("corpus").display());
    Ok(())
}

/// Writes `seeds` as `corpus/<target>/<name>`.
fn write(root: &Path, target: &str, seeds: &[(&str, &[u8])]) -> Result<()> {
    let dir = root.join("corpus").join(target);
    fs::create_dir_all(&dir)?;
    for (name, bytes) in seeds {
        fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}

/// The token with one base64url character in the middle of its signature changed.
fn flip_signature_char(token: &str) -> String {
    let mut bytes = token.as_bytes().to_vec();
    let at = bytes.len().saturating_sub(40);
    if let Some(byte) = bytes.get_mut(at) {
        *byte = if *byte == b'A' { b'B' } else { b'A' };
    }
    String::from_utf8_lossy(&bytes).into_owned()
}
