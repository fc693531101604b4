//! Configuration: PEM forms and key sizes, `from_env`, validation errors and redaction.

mod common;

use clerk_sdk::testing::TestKeys;
use clerk_sdk::{AcceptsToken, Clerk, ClerkConfig, ConfigError, TokenType, config::ClerkConfigBuilder};
use common::{APP, authenticate, bearer, keys};

const RSA_1024: &str = include_str!("fixtures/rsa1024_public.pem");
const EC_P256: &str = include_str!("fixtures/ec_p256_public.pem");

fn env(vars: &[(&'static str, &str)]) -> ClerkConfigBuilder {
    let vars: Vec<(&'static str, String)> = vars.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    ClerkConfigBuilder::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .ok_or(std::env::VarError::NotPresent)
    })
    .unwrap()
}

async fn signs_in_with_pem(k: &TestKeys, pem: &str) -> bool {
    let clerk = Clerk::new(ClerkConfig::builder().jwt_key(pem).build().unwrap());
    let token = k.session("user_1").sign().unwrap();
    authenticate(&clerk, &bearer(&token)).await.is_authenticated()
}

#[tokio::test]
async fn pem_forms() {
    let k = keys();
    let pem = k.public_key_pem().unwrap();
    assert!(signs_in_with_pem(k, &pem).await);
    assert!(
        signs_in_with_pem(k, &pem.replace('\n', "\\n")).await,
        "literal \\n"
    );
    assert!(signs_in_with_pem(k, &pem.replace('\n', "\r\n")).await, "CRLF");
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    assert!(signs_in_with_pem(k, &body).await, "header-less one line");
    let wrapped: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(signs_in_with_pem(k, &wrapped).await, "header-less wrapped");
}

#[tokio::test]
async fn larger_keys_are_accepted() {
    for bits in [3072, 4096] {
        let k = TestKeys::generate_bits(bits).unwrap();
        assert!(
            signs_in_with_pem(&k, &k.public_key_pem().unwrap()).await,
            "{bits}"
        );
    }
}

#[test]
fn small_and_non_rsa_keys_are_refused_at_build() {
    let err = ClerkConfig::builder().jwt_key(RSA_1024).build().unwrap_err();
    assert_eq!(err.reason(), "jwt-key-too-small");
    assert!(err.to_string().contains("1024"), "{err}");
    assert!(err.to_string().starts_with("jwt_key (CLERK_JWT_KEY)"), "{err}");
    let err = ClerkConfig::builder().jwt_key(EC_P256).build().unwrap_err();
    assert_eq!(err.reason(), "jwt-key-not-rsa");
    let err = ClerkConfig::builder().jwt_key("not a key").build().unwrap_err();
    assert!(err.reason().starts_with("jwt-key-"), "{}", err.reason());
}

#[test]
fn from_env_reads_clerks_variable_names() {
    let pem = keys().public_key_pem().unwrap();
    let config = env(&[
        ("CLERK_JWT_KEY", &pem.replace('\n', "\\n")),
        ("CLERK_SECRET_KEY", "sk_test_abc"),
        ("CLERK_MACHINE_SECRET_KEY", "ak_machine"),
        ("CLERK_PUBLISHABLE_KEY", "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k"),
        ("CLERK_API_URL", "http://127.0.0.1:9999/"),
        ("CLERK_API_VERSION", "v9"),
        (
            "CLERK_AUTHORIZED_PARTIES",
            "https://a.example, https://b.example,",
        ),
        ("CLERK_WEBHOOK_SIGNING_SECRET", "whsec_abc"),
    ])
    .build()
    .unwrap();
    assert_eq!(
        config.authorized_parties(),
        ["https://a.example", "https://b.example"]
    );
    assert_eq!(config.api_url(), "http://127.0.0.1:9999");
    assert_eq!(config.api_version(), "v9");
    assert_eq!(config.secret_key().unwrap().expose_secret(), "sk_test_abc");
    assert_eq!(config.machine_secret_key().unwrap().expose_secret(), "ak_machine");
    assert_eq!(
        config.publishable_key().unwrap().frontend_api(),
        "clerk.example.com"
    );
    assert_eq!(config.jwt_key().unwrap().bits(), 2048);
    assert_eq!(config.clock_skew(), std::time::Duration::from_secs(5));
    assert_eq!(config.accepts(), &AcceptsToken::One(TokenType::SessionToken));
    assert!(config.treat_pending_as_signed_out());

    let defaults = env(&[("CLERK_JWT_KEY", &pem)]).build().unwrap();
    assert_eq!(defaults.api_url(), "https://api.clerk.com");
    assert_eq!(defaults.api_version(), "v1");
    assert!(
        defaults.secret_key().is_none(),
        "no secret needed for networkless verification"
    );
    assert!(defaults.authorized_parties().is_empty());

    let err = ClerkConfigBuilder::from_lookup(|_| Err(std::env::VarError::NotUnicode("\u{fffd}".into())))
        .unwrap_err();
    assert_eq!(err, ConfigError::EnvNotUnicode("CLERK_SECRET_KEY"));
}

#[test]
fn build_errors_name_the_setting() {
    let k = keys();
    let cases: Vec<(ClerkConfigBuilder, &str)> = vec![
        (ClerkConfig::builder(), "jwk-failed-to-resolve"),
        (k.config_builder().secret_key(" "), "secret-key-empty"),
        (
            k.config_builder().publishable_key("pk_live_bad"),
            "publishable-key-invalid",
        ),
        (
            k.config_builder().issuer_from_publishable_key(),
            "issuer-needs-publishable-key",
        ),
        (k.config_builder().api_url("ftp://x"), "api-url-invalid"),
        (k.config_builder().api_url("https://"), "api-url-invalid"),
        (k.config_builder().api_version(""), "api-version-invalid"),
        (k.config_builder().api_version("v1/../x"), "api-version-invalid"),
        (
            ClerkConfig::builder()
                .machine_secret_key("ak_m")
                .accepts(TokenType::OAuthToken),
            "secret-key-missing",
        ),
        (
            k.config_builder()
                .accepts(TokenType::ApiKey)
                .machine_secret_key("ak_m"),
            "secret-key-missing",
        ),
        (
            k.config_builder().accepts(AcceptsToken::Many(vec![])),
            "accepts-empty",
        ),
        (
            k.config_builder().authorized_parties(["https://a", ""]),
            "config-list-empty-value",
        ),
    ];
    for (builder, reason) in cases {
        let err = builder.build().unwrap_err();
        assert_eq!(err.reason(), reason, "{err}");
        assert!(!err.to_string().contains("sk_test_x"), "{err}");
    }
}

#[tokio::test]
async fn issuer_pin_from_publishable_key() {
    let k = keys();
    let clerk = Clerk::new(
        k.config_builder()
            .publishable_key("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k")
            .issuer_from_publishable_key()
            .build()
            .unwrap(),
    );
    assert_eq!(clerk.config().issuers(), ["https://clerk.example.com"]);
    let good = k.session("u").issuer("https://clerk.example.com").sign().unwrap();
    let bad = k.session("u").issuer("https://clerk.evil.com").sign().unwrap();
    let missing = k.session("u").sign().unwrap();
    assert_eq!(authenticate(&clerk, &bearer(&good)).await.reason_str(), None);
    assert_eq!(
        authenticate(&clerk, &bearer(&bad)).await.reason_str(),
        Some("token-invalid-issuer")
    );
    assert_eq!(
        authenticate(&clerk, &bearer(&missing)).await.reason_str(),
        Some("token-invalid-issuer")
    );
}

/// Strict audience: with an audience configured, a token without a matching `aud` is refused.
#[tokio::test]
async fn strict_audience() {
    let k = keys();
    let clerk = Clerk::new(k.config_builder().audience("api://orders").build().unwrap());
    let cases = vec![
        (k.session("u").audience("api://orders").sign().unwrap(), None),
        (
            k.session("u")
                .claim("aud", serde_json::json!(["x", "api://orders"]))
                .sign()
                .unwrap(),
            None,
        ),
        (
            k.session("u").audience("api://other").sign().unwrap(),
            Some("token-verification-failed"),
        ),
        (k.session("u").sign().unwrap(), Some("token-verification-failed")),
        (
            k.session("u").claim("aud", 5).sign().unwrap(),
            Some("token-verification-failed"),
        ),
        (
            k.session("u")
                .claim("aud", serde_json::json!([1, 2]))
                .sign()
                .unwrap(),
            Some("token-verification-failed"),
        ),
    ];
    for (i, (token, want)) in cases.into_iter().enumerate() {
        assert_eq!(
            authenticate(&clerk, &bearer(&token)).await.reason_str(),
            want,
            "case {i}"
        );
    }
}

#[test]
fn debug_never_prints_secrets() {
    let builder = keys()
        .config_builder()
        .secret_key("sk_test_TOPSECRET1")
        .machine_secret_key("ak_TOPSECRET2")
        .webhook_signing_secret("whsec_TOPSECRET3")
        .authorized_party(APP);
    let builder_debug = format!("{builder:?}");
    let config = builder.build().unwrap();
    let clerk = Clerk::new(config.clone());
    for text in [
        builder_debug,
        format!("{config:?}"),
        format!("{config:#?}"),
        format!("{clerk:?}"),
    ] {
        for secret in ["TOPSECRET1", "TOPSECRET2", "TOPSECRET3"] {
            assert!(!text.contains(secret), "{secret} leaked in {text}");
        }
        assert!(text.contains("redacted"), "{text}");
    }
}

/// What `fn main() -> Result<(), Box<dyn Error>>` prints when `Clerk::from_env()?` fails: the
/// setting at fault and how to fix it, not a bare variant name.
#[test]
fn debug_output_names_the_setting_and_the_fix() {
    let err: Box<dyn std::error::Error> = ClerkConfig::builder().build().unwrap_err().into();
    let shown = format!("Error: {err:?}");
    assert_eq!(
        shown,
        "Error: no key to verify session tokens with: set jwt_key (CLERK_JWT_KEY) or secret_key \
         (CLERK_SECRET_KEY) (reason: jwk-failed-to-resolve)"
    );
    let webhook = clerk_sdk::webhook::Webhook::new("not-a-secret").unwrap_err();
    assert!(
        format!("{webhook:?}").contains("(reason: webhook-secret-invalid)"),
        "{webhook:?}"
    );
}
