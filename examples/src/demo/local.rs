//! Local development mode: a generated key pair, tokens minted with it, a generated webhook
//! signing secret, and the curl commands the demo prints. The commands are data
//! ([`DemoCommand`]) and the banner is printed from that same data, so the tests can run
//! exactly what a user pastes.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use clerk_sdk::testing::{MockClerkApi, TestKeys, sign_webhook};
use clerk_sdk::{Clerk, webhook::Webhook};
use http::Method;
use serde_json::{Value, json};

use super::DemoError;
use super::backend::start_local_clerk;
use super::routes::{WEBHOOK_PATH, with_replay_store};

/// How long the printed tokens stay valid, so they can be pasted for a while.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// The `azp` of the token printed as `WRONG_AZP`: a site this demo does not trust.
pub const WRONG_AUTHORIZED_PARTY: &str = "https://evil.example";

pub(super) const MEMBER_USER: &str = "user_demo_member";
pub(super) const ADMIN_USER: &str = "user_demo_admin";
pub(super) const ORG_ID: &str = "org_demo";
pub(super) const ORG_SLUG: &str = "demo";
const MACHINE_ID: &str = "mch_demo";
/// The header category of Clerk's JWT-format m2m tokens.
const M2M_CATEGORY: &str = "cl_B7d4PD333AAA";

/// The `svix-id` of the sample webhook the banner prints.
pub const WEBHOOK_MESSAGE_ID: &str = "msg_demo_user_created";

/// The body of the sample webhook the banner prints: a `user.created` event.
pub const WEBHOOK_BODY: &str =
    r#"{"type":"user.created","object":"event","data":{"id":"user_demo_new","object":"user"}}"#;

/// The random bytes of the local webhook signing secret (Clerk's secrets have 24).
const WEBHOOK_SECRET_BYTES: usize = 24;

/// A token the banner exports as a shell variable.
#[derive(Clone)]
pub struct DemoToken {
    /// The shell variable, e.g. `MEMBER`.
    pub var: &'static str,
    /// Who the token is for, printed above the `export` line.
    pub description: &'static str,
    /// The token itself.
    pub token: String,
}

impl fmt::Debug for DemoToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DemoToken")
            .field("var", &self.var)
            .field("description", &self.description)
            .field("token", &format_args!("[{} bytes]", self.token.len()))
            .finish()
    }
}

impl DemoToken {
    /// The line the banner prints: `export VAR='token'`.
    pub fn export_line(&self) -> String {
        format!("export {}='{}'", self.var, self.token)
    }
}

/// One printed curl command and the answer it gets.
#[derive(Clone)]
pub struct DemoCommand {
    /// What the command shows, printed above it.
    pub description: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The route, e.g. `/me`.
    pub path: &'static str,
    /// The shell variable holding the token, if the command sends one.
    pub token_var: Option<&'static str>,
    /// The `Authorization` header the command sends: `Bearer <token>`.
    pub authorization: Option<String>,
    /// The other headers the command sends, in printed order, e.g. a webhook's `svix-id`,
    /// `svix-timestamp` and `svix-signature`.
    pub headers: Vec<(&'static str, String)>,
    /// The request body, sent byte for byte (`--data-raw`); the command is then a `POST`.
    pub body: Option<String>,
    /// The expected HTTP status.
    pub expected_status: u16,
    /// The expected `x-clerk-auth-reason` (rejections only).
    pub expected_reason: Option<&'static str>,
    /// The expected JSON body of a successful answer (rejections answer
    /// `{"error", "reason", "message"}`).
    pub expected_body: Option<Value>,
}

impl fmt::Debug for DemoCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DemoCommand")
            .field("description", &self.description)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("token_var", &self.token_var)
            .field(
                "headers",
                &self.headers.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
            )
            .field("body", &self.body)
            .field("expected_status", &self.expected_status)
            .field("expected_reason", &self.expected_reason)
            .field("expected_body", &self.expected_body)
            .finish_non_exhaustive()
    }
}

impl DemoCommand {
    /// The command as printed, e.g.
    /// `curl -i http://127.0.0.1:3000/me -H "Authorization: Bearer $MEMBER"`.
    ///
    /// A command with [`DemoCommand::headers`] or a [`DemoCommand::body`] continues over
    /// several lines (` \` at each line's end), one header per line, then
    /// `--data-raw '<body>'`, which makes curl send a `POST`.
    pub fn curl(&self, base_url: &str) -> String {
        let mut line = String::from("curl -i");
        let implied = self.body.is_some() && self.method == Method::POST;
        if self.method != Method::GET && !implied {
            line.push_str(&format!(" -X {}", self.method));
        }
        line.push_str(&format!(" {base_url}{}", self.path));
        if let Some(var) = self.token_var {
            line.push_str(&format!(" -H \"Authorization: Bearer ${var}\""));
        }
        for (name, value) in &self.headers {
            line.push_str(&format!(" \\\n  -H \"{name}: {value}\""));
        }
        if let Some(body) = &self.body {
            line.push_str(&format!(" \\\n  --data-raw '{body}'"));
        }
        line
    }

    /// The expected answer in one line: `200 {"user_id":…}` or `401 token-expired`.
    pub fn expected_answer(&self) -> String {
        match (&self.expected_body, self.expected_reason) {
            (_, Some(reason)) => format!("{} {reason}", self.expected_status),
            (Some(body), None) => format!("{} {body}", self.expected_status),
            (None, None) => self.expected_status.to_string(),
        }
    }
}

/// Local development mode: a fresh key pair, a [`Clerk`] that trusts only it, a [`Webhook`]
/// verifier for a fresh signing secret, and the tokens and commands the banner prints; after
/// [`LocalMode::start_local_clerk`], also a local Clerk that the [`Clerk`]'s Backend API client
/// calls.
#[derive(Debug, Clone)]
pub struct LocalMode {
    clerk: Clerk,
    keys: TestKeys,
    /// The in-process local Clerk, once started; shared by clones, stopped with the last one.
    local_clerk: Option<Arc<MockClerkApi>>,
    webhook: Webhook,
    /// The webhook secret came from `CLERK_WEBHOOK_SIGNING_SECRET` instead of being generated.
    given_webhook_secret: bool,
    base_url: String,
    authorized_party: String,
    tokens: Vec<DemoToken>,
    commands: Vec<DemoCommand>,
}

impl LocalMode {
    /// Local mode for a server listening on `addr`: the authorized party is
    /// `http://localhost:<port>`, the commands call `http://<addr>`, and the tokens are signed
    /// with `keys` and valid for [`TOKEN_LIFETIME`].
    ///
    /// It also generates a webhook signing secret (`whsec_` + standard base64 of 24 random
    /// bytes, never shown) and a verifier for it that refuses replays, and signs the sample
    /// webhook command ([`WEBHOOK_BODY`], id [`WEBHOOK_MESSAGE_ID`]) with the current time, so
    /// that command is accepted once, for the verifier's tolerance (5 minutes).
    ///
    /// # Errors
    /// [`DemoError::TestKit`] if a token cannot be signed, [`DemoError::Config`] if the key is
    /// refused (neither happens with keys from [`TestKeys::generate`]), [`DemoError::Random`]
    /// if the system's random source fails.
    pub fn new(keys: &TestKeys, addr: SocketAddr) -> Result<Self, DemoError> {
        Self::with_webhook_secret(keys, addr, None)
    }

    /// [`LocalMode::new`], with the webhook signing secret `secret` instead of a generated one
    /// when given (`CLERK_WEBHOOK_SIGNING_SECRET` in local mode), so that several demo
    /// instances verify, and print, the same signed webhook.
    ///
    /// # Errors
    /// As [`LocalMode::new`], and [`DemoError::Webhook`] for a malformed `secret`.
    pub fn with_webhook_secret(
        keys: &TestKeys,
        addr: SocketAddr,
        secret: Option<&str>,
    ) -> Result<Self, DemoError> {
        let authorized_party = format!("http://localhost:{}", addr.port());
        let base_url = format!("http://{addr}");
        let clerk = Clerk::new(
            keys.config_builder()
                .authorized_party(&authorized_party)
                .build()?,
        );

        let session = |user: &str, role: &str| {
            keys.session(user)
                .authorized_party(&authorized_party)
                .org_v1(ORG_ID, ORG_SLUG, role, &[])
                .lifetime(TOKEN_LIFETIME)
        };
        let machine = keys
            .session(MACHINE_ID)
            .header("cat", M2M_CATEGORY)
            .without_claim("sid")
            .without_claim("sts")
            .claim("jti", "mt_demo")
            .lifetime(TOKEN_LIFETIME);
        let tokens = vec![
            DemoToken {
                var: "MEMBER",
                description: "a member of org_demo (user_demo_member, role org:member)",
                token: session(MEMBER_USER, "org:member").sign()?,
            },
            DemoToken {
                var: "ADMIN",
                description: "an admin of org_demo (user_demo_admin, role org:admin)",
                token: session(ADMIN_USER, "org:admin").sign()?,
            },
            DemoToken {
                var: "MACHINE",
                description: "an m2m caller (machine mch_demo)",
                token: machine.sign()?,
            },
            DemoToken {
                var: "EXPIRED",
                description: "the member again, with a token that expired two minutes ago",
                token: session(MEMBER_USER, "org:member").expired().sign()?,
            },
            DemoToken {
                var: "WRONG_AZP",
                description: "the member again, with a token issued to https://evil.example",
                token: session(MEMBER_USER, "org:member")
                    .authorized_party(WRONG_AUTHORIZED_PARTY)
                    .sign()?,
            },
        ];
        let given_webhook_secret = secret.is_some();
        let secret = match secret {
            Some(secret) => secret.to_owned(),
            None => generate_webhook_secret()?,
        };
        let webhook = with_replay_store(Webhook::new(&secret)?);
        let now_s = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let signed = sign_webhook(&secret, WEBHOOK_MESSAGE_ID, now_s, WEBHOOK_BODY.as_bytes())?;
        let webhook_headers = ["svix-id", "svix-timestamp", "svix-signature"]
            .into_iter()
            .filter_map(|name| Some((name, signed.get(name)?.to_str().ok()?.to_owned())))
            .chain([("content-type", "application/json".to_owned())])
            .collect();
        let commands = commands(&tokens, webhook_headers);
        Ok(LocalMode {
            clerk,
            keys: keys.clone(),
            local_clerk: None,
            webhook,
            given_webhook_secret,
            base_url,
            authorized_party,
            tokens,
            commands,
        })
    }

    /// The [`Clerk`] that verifies this mode's tokens; after [`LocalMode::start_local_clerk`],
    /// its Backend API client ([`Clerk::api`]) calls the local Clerk.
    pub fn clerk(&self) -> &Clerk {
        &self.clerk
    }

    /// Starts a local Clerk in this process (a
    /// [`MockClerkApi`] on `127.0.0.1`, with a secret key generated for this run and never
    /// shown), seeded with the users and the organization the printed tokens name, and points
    /// [`LocalMode::clerk`]'s Backend API client at it, so that `GET /me/profile` and
    /// `GET /admin/members` answer. Session tokens are still verified with the local key, with
    /// no network call.
    ///
    /// # Errors
    /// [`DemoError::LocalClerk`] when it cannot start, [`DemoError::Random`] when the secret
    /// key cannot be generated, [`DemoError::Config`] if the config is refused (it never is).
    pub async fn start_local_clerk(mut self) -> Result<LocalMode, DemoError> {
        let secret_key = format!("sk_test_{}", random_base64(WEBHOOK_SECRET_BYTES)?);
        let local_clerk = start_local_clerk(&secret_key).await?;
        self.clerk = Clerk::new(
            self.keys
                .config_builder()
                .authorized_party(&self.authorized_party)
                .secret_key(secret_key)
                .api_url(local_clerk.url())
                .build()?,
        );
        self.local_clerk = Some(Arc::new(local_clerk));
        Ok(self)
    }

    /// The local Clerk, once [`LocalMode::start_local_clerk`] started it: seed it, fault it or
    /// read its request log in tests.
    pub fn local_clerk(&self) -> Option<&MockClerkApi> {
        self.local_clerk.as_deref()
    }

    /// The verifier of `POST /webhooks/clerk`: this run's generated secret, with a replay
    /// store.
    pub fn webhook(&self) -> &Webhook {
        &self.webhook
    }

    /// `http://<addr>`, the base of every printed command.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The one accepted `azp`, `http://localhost:<port>`.
    pub fn authorized_party(&self) -> &str {
        &self.authorized_party
    }

    /// The exported tokens, in printed order.
    pub fn tokens(&self) -> &[DemoToken] {
        &self.tokens
    }

    /// The printed commands, in printed order.
    pub fn commands(&self) -> &[DemoCommand] {
        &self.commands
    }

    /// What the demo prints in local mode: the notice, the `export` lines and the commands.
    pub fn banner(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("clerk-sdk demo API listening on {}\n\n", self.base_url));
        out.push_str(
            "LOCAL DEVELOPMENT MODE: neither CLERK_JWT_KEY nor CLERK_SECRET_KEY is set, so the demo\n\
             generated its own RSA key pair and mints its own tokens. Nothing is sent to Clerk, and\n\
             tokens from a real Clerk instance are refused. Set CLERK_JWT_KEY and\n\
             CLERK_AUTHORIZED_PARTIES to serve against your instance instead.\n\n",
        );
        out.push_str(&format!("  authorized party (azp): {}\n", self.authorized_party));
        out.push_str(&format!(
            "  token lifetime:         {} minutes (restart the demo for fresh tokens)\n",
            TOKEN_LIFETIME.as_secs() / 60
        ));
        out.push_str(&format!(
            "  Backend API:            a local Clerk in this process, seeded with {MEMBER_USER},\n\
             \x20                         {ADMIN_USER} and {ORG_ID} (GET /me/profile, /admin/members)\n"
        ));
        out.push_str(if self.given_webhook_secret {
            "  webhook secret:         CLERK_WEBHOOK_SIGNING_SECRET, not shown (POST /webhooks/clerk)\n\n"
        } else {
            "  webhook secret:         generated for this run and not shown (POST /webhooks/clerk)\n\n"
        });
        out.push_str("1. Paste these into another shell:\n\n");
        for token in &self.tokens {
            out.push_str(&format!("# {}\n{}\n", token.description, token.export_line()));
        }
        out.push_str("\n2. Then try these (the answer each should give is in the comment):\n\n");
        for (i, command) in self.commands.iter().enumerate() {
            out.push_str(&format!(
                "# {}. {} -> {}\n{}\n",
                i + 1,
                command.description,
                command.expected_answer(),
                command.curl(&self.base_url)
            ));
        }
        if let Some(n) = self.commands.iter().position(|c| c.path == WEBHOOK_PATH) {
            out.push_str(&format!(
                "\nCommand {} is a Clerk webhook, signed at start-up with this run's secret: it is accepted\n\
                 for {} minutes, and only once; sent again, it answers 401 webhook-replayed (restart the\n\
                 demo for a fresh one).\n",
                n + 1,
                self.webhook.timestamp_tolerance().as_secs() / 60
            ));
        }
        out.push_str(
            "\nRejections carry WWW-Authenticate, x-clerk-auth-status, x-clerk-auth-reason and\n\
             x-clerk-auth-message headers and a {\"error\", \"reason\", \"message\"} body; webhook\n\
             refusals (400, 401, 413) carry the body only. Requests are logged on stderr with\n\
             Authorization and svix-signature marked sensitive. Ctrl-C stops the demo.\n",
        );
        out
    }
}

/// `whsec_` + standard base64 of [`WEBHOOK_SECRET_BYTES`] random bytes, the form of the
/// secrets the Clerk Dashboard shows.
fn generate_webhook_secret() -> Result<String, DemoError> {
    Ok(format!("whsec_{}", random_base64(WEBHOOK_SECRET_BYTES)?))
}

/// Standard base64 of `n` random bytes.
fn random_base64(n: usize) -> Result<String, DemoError> {
    let mut key = vec![0u8; n];
    aws_lc_rs::rand::fill(&mut key).map_err(|_| DemoError::Random)?;
    Ok(STANDARD.encode(key))
}

/// The printed commands, in order, with the answers the README's walk-through documents; the
/// last one posts [`WEBHOOK_BODY`] with `webhook_headers`.
fn commands(tokens: &[DemoToken], webhook_headers: Vec<(&'static str, String)>) -> Vec<DemoCommand> {
    let bearer = |var: &str| {
        tokens
            .iter()
            .find(|t| t.var == var)
            .map(|t| format!("Bearer {}", t.token))
    };
    let ok = |description, path, var: Option<&'static str>, body: Value| DemoCommand {
        description,
        method: Method::GET,
        path,
        token_var: var,
        authorization: var.and_then(bearer),
        headers: Vec::new(),
        body: None,
        expected_status: 200,
        expected_reason: None,
        expected_body: Some(body),
    };
    let rejected = |description, path, var: Option<&'static str>, status, reason| DemoCommand {
        description,
        method: Method::GET,
        path,
        token_var: var,
        authorization: var.and_then(bearer),
        headers: Vec::new(),
        body: None,
        expected_status: status,
        expected_reason: Some(reason),
        expected_body: None,
    };
    vec![
        ok(
            "anyone may call /public",
            "/public",
            None,
            json!({ "message": "public: no sign-in needed" }),
        ),
        rejected("/me without a token", "/me", None, 401, "session-token-missing"),
        ok(
            "/me as the member",
            "/me",
            Some("MEMBER"),
            json!({ "user_id": MEMBER_USER, "org_id": ORG_ID, "org_role": "org:member" }),
        ),
        rejected(
            "/admin as the member",
            "/admin",
            Some("MEMBER"),
            403,
            "insufficient-scope",
        ),
        ok(
            "/admin as the admin",
            "/admin",
            Some("ADMIN"),
            json!({ "message": "welcome, org admin", "user_id": ADMIN_USER, "org_id": ORG_ID }),
        ),
        ok(
            "/machine as the m2m caller",
            "/machine",
            Some("MACHINE"),
            json!({ "machine_id": MACHINE_ID, "token_type": "m2m_token" }),
        ),
        rejected(
            "/me as the m2m caller",
            "/me",
            Some("MACHINE"),
            401,
            "token-type-mismatch",
        ),
        ok(
            "/either as the m2m caller",
            "/either",
            Some("MACHINE"),
            json!({ "caller": "machine", "machine_id": MACHINE_ID }),
        ),
        rejected(
            "/me with an expired token",
            "/me",
            Some("EXPIRED"),
            401,
            "token-expired",
        ),
        rejected(
            "/me with a token for another site",
            "/me",
            Some("WRONG_AZP"),
            401,
            "token-invalid-authorized-parties",
        ),
        DemoCommand {
            description: "a signed user.created webhook, as Clerk sends it",
            method: Method::POST,
            path: WEBHOOK_PATH,
            token_var: None,
            authorization: None,
            headers: webhook_headers,
            body: Some(WEBHOOK_BODY.to_owned()),
            expected_status: 200,
            expected_reason: None,
            expected_body: Some(json!({ "received": "user.created" })),
        },
        ok(
            "/me/profile as the member, loaded from the local Clerk",
            "/me/profile",
            Some("MEMBER"),
            json!({
                "user_id": MEMBER_USER,
                "name": "Mia Member",
                "email_address": "member@demo.example",
            }),
        ),
        rejected(
            "/admin/members as the member",
            "/admin/members",
            Some("MEMBER"),
            403,
            "insufficient-scope",
        ),
        ok(
            "/admin/members as the admin, listed by the local Clerk",
            "/admin/members",
            Some("ADMIN"),
            json!({
                "org_id": ORG_ID,
                "total_count": 2,
                "members": [
                    { "user_id": ADMIN_USER, "role": "org:admin", "identifier": "admin@demo.example" },
                    { "user_id": MEMBER_USER, "role": "org:member", "identifier": "member@demo.example" },
                ],
            }),
        ),
    ]
}
