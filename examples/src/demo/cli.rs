//! The command line (`--port N`, `PORT`) and the choice between serving against the user's
//! Clerk instance and local development mode.

use std::net::SocketAddr;

use clerk_sdk::testing::TestKeys;
use clerk_sdk::{
    Clerk,
    config::env,
    webhook::{Webhook, WebhookError},
};

use super::{DemoError, LocalMode, with_replay_store};

/// The port the demo listens on when neither `--port` nor `PORT` says otherwise.
pub const DEFAULT_PORT: u16 = 3000;

/// The text printed by `--help` (the axum demo's; [`Framework::usage`] for either).
pub const USAGE: &str = "\
demo: an axum API protected by clerk-sdk

Usage:
  cargo run --example demo [-- --port N]

Listens on 127.0.0.1:3000; --port N or the PORT variable changes the port.

With CLERK_JWT_KEY or CLERK_SECRET_KEY in the environment (read by ClerkConfig::from_env,
with CLERK_AUTHORIZED_PARTIES and the other CLERK_* variables), it verifies tokens of your
Clerk instance. With neither, it runs in local development mode: it generates a key pair
and prints curl commands with tokens signed by it.

Routes (GET): /public, /me, /admin (org:admin), /machine (m2m), /either (session or m2m),
/me/profile and /admin/members (org:admin), which call Clerk's Backend API: local mode starts
a local Clerk in-process for them, configured mode needs CLERK_SECRET_KEY.
Webhooks: POST /webhooks/clerk verifies Clerk's signed webhooks and refuses replays. It is on
when CLERK_WEBHOOK_SIGNING_SECRET (whsec_...) is set; local mode generates a secret and prints
a signed sample instead (signed with CLERK_WEBHOOK_SIGNING_SECRET when it is set, so that
several instances verify the same sample). REDIS_URL (redis://host:port) keeps the ids of the
webhooks already received in that Redis, shared by every instance using it, instead of in memory.
Logging: RUST_LOG (default: info,clerk_sdk=debug).
";

/// Which web framework serves the demo: the same routes, answers and banner on both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framework {
    /// axum (`cargo run --example demo`).
    Axum,
    /// actix-web (`cargo run --example demo-actix`).
    Actix,
}

impl Framework {
    /// Both, for tests that check the two demos alike.
    pub const ALL: [Framework; 2] = [Framework::Axum, Framework::Actix];

    /// `axum` or `actix-web`.
    pub fn name(self) -> &'static str {
        match self {
            Framework::Axum => "axum",
            Framework::Actix => "actix-web",
        }
    }

    /// The example that runs this demo: `demo` or `demo-actix`.
    pub fn example(self) -> &'static str {
        match self {
            Framework::Axum => "demo",
            Framework::Actix => "demo-actix",
        }
    }

    /// The text `--help` prints: [`USAGE`], naming this framework and its example.
    pub fn usage(self) -> String {
        USAGE
            .replacen("an axum API", &format!("an {} API", self.name()), 1)
            .replacen(
                "cargo run --example demo ",
                &format!("cargo run --example {} ", self.example()),
                1,
            )
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cli {
    /// Serve on this port.
    Serve {
        /// The port on 127.0.0.1.
        port: u16,
    },
    /// Print [`USAGE`].
    Help,
}

impl Cli {
    /// Reads the arguments after the program name and the `PORT` variable's value; `--port`
    /// wins over `PORT`.
    ///
    /// # Errors
    /// [`DemoError::Usage`] for an unknown argument or a port that is not a number.
    pub fn parse<I, S>(args: I, port_env: Option<&str>) -> Result<Cli, DemoError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut port = None;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let arg = arg.as_ref();
            let value = match arg {
                "-h" | "--help" => return Ok(Cli::Help),
                "--port" => match args.next() {
                    Some(v) => v.as_ref().to_owned(),
                    None => return Err(DemoError::Usage("--port needs a value".to_owned())),
                },
                _ => match arg.strip_prefix("--port=") {
                    Some(v) => v.to_owned(),
                    None => return Err(DemoError::Usage(format!("unknown argument {arg:?}"))),
                },
            };
            port = Some(parse_port("--port", &value)?);
        }
        let port = match (port, port_env.map(str::trim).filter(|p| !p.is_empty())) {
            (Some(port), _) => port,
            (None, Some(env)) => parse_port("PORT", env)?,
            (None, None) => DEFAULT_PORT,
        };
        Ok(Cli::Serve { port })
    }
}

fn parse_port(source: &str, value: &str) -> Result<u16, DemoError> {
    value
        .parse()
        .map_err(|_| DemoError::Usage(format!("{source} must be a port number (0-65535), got {value:?}")))
}

/// How the demo verifies tokens and webhooks.
#[derive(Debug, Clone)]
pub enum Mode {
    /// Against the user's Clerk instance, configured from the environment.
    Configured {
        /// Verifies the instance's tokens.
        clerk: Clerk,
        /// Verifies the instance's webhooks, when `CLERK_WEBHOOK_SIGNING_SECRET` is set; the
        /// webhook route exists only then.
        webhook: Option<Webhook>,
    },
    /// Local development mode: no Clerk settings, a generated key pair.
    Local(Box<LocalMode>),
}

impl Mode {
    /// [`Mode::Configured`] from [`Clerk::from_env`] and [`Webhook::from_env`] (with a
    /// replay store; none when `CLERK_WEBHOOK_SIGNING_SECRET` is unset) when the environment
    /// holds a key (see [`clerk_env_present`]), else [`Mode::Local`] with a fresh key pair and
    /// webhook secret (`CLERK_WEBHOOK_SIGNING_SECRET` when it is set) for a server on `addr`.
    ///
    /// # Errors
    /// [`DemoError::Config`] when the Clerk settings are refused; [`DemoError::Webhook`] when
    /// `CLERK_WEBHOOK_SIGNING_SECRET` is malformed; [`DemoError::TestKit`] and
    /// [`DemoError::Random`] when local mode cannot make its tokens or its secret.
    pub fn from_env(addr: SocketAddr) -> Result<Mode, DemoError> {
        if clerk_env_present(|name| std::env::var(name).ok()) {
            Mode::configured_from_env()
        } else {
            let keys = TestKeys::generate()?;
            let secret = match std::env::var(env::WEBHOOK_SIGNING_SECRET) {
                Ok(secret) if !secret.trim().is_empty() => Some(secret),
                _ => None,
            };
            let local = LocalMode::with_webhook_secret(&keys, addr, secret.as_deref())?;
            Ok(Mode::Local(Box::new(local)))
        }
    }

    /// [`Mode::Configured`] from [`Clerk::from_env`] and [`Webhook::from_env`] (with a replay
    /// store; none when `CLERK_WEBHOOK_SIGNING_SECRET` is unset), never local mode: for hosts
    /// where a key pair generated at start-up cannot work, such as AWS Lambda, whose every
    /// instance would generate its own.
    ///
    /// # Errors
    /// [`DemoError::Config`] when the Clerk settings are refused, including when the
    /// environment holds no key; [`DemoError::Webhook`] when `CLERK_WEBHOOK_SIGNING_SECRET` is
    /// malformed.
    pub fn configured_from_env() -> Result<Mode, DemoError> {
        let clerk = Clerk::from_env()?;
        let webhook = match Webhook::from_env() {
            Ok(webhook) => Some(with_replay_store(webhook)),
            Err(WebhookError::MissingSecret) => None,
            Err(e) => return Err(DemoError::Webhook(e)),
        };
        Ok(Mode::Configured { clerk, webhook })
    }

    /// Local mode with its local Clerk started ([`LocalMode::start_local_clerk`]); configured
    /// mode as it is.
    ///
    /// # Errors
    /// As [`LocalMode::start_local_clerk`].
    pub async fn start_local_clerk(self) -> Result<Mode, DemoError> {
        match self {
            Mode::Local(local) => Ok(Mode::Local(Box::new(local.start_local_clerk().await?))),
            configured @ Mode::Configured { .. } => Ok(configured),
        }
    }

    /// What the demo prints at start-up for a server on `base_url`.
    pub fn banner(&self, base_url: &str) -> String {
        let (clerk, webhook) = match self {
            Mode::Local(local) => return local.banner(),
            Mode::Configured { clerk, webhook } => (clerk, webhook),
        };
        let config = clerk.config();
        let keys = if config.jwt_key().is_some() {
            "CLERK_JWT_KEY (networkless)"
        } else {
            "fetched from the Backend API (JWKS) with CLERK_SECRET_KEY"
        };
        let parties = if config.authorized_parties().is_empty() {
            "none set, so azp is not checked: set CLERK_AUTHORIZED_PARTIES to your frontend origins"
                .to_owned()
        } else {
            config.authorized_parties().join(", ")
        };
        let api = if config.secret_key().is_some() {
            "CLERK_SECRET_KEY, for GET /me/profile and /admin/members"
        } else {
            "off: set CLERK_SECRET_KEY for GET /me/profile and /admin/members (500 without it)"
        };
        let webhooks = if webhook.is_some() {
            "POST /webhooks/clerk, verified with CLERK_WEBHOOK_SIGNING_SECRET (replays refused)"
        } else {
            "off: set CLERK_WEBHOOK_SIGNING_SECRET (whsec_...) to enable POST /webhooks/clerk"
        };
        format!(
            "clerk-sdk demo API listening on {base_url}\n\n\
             Serving against your Clerk instance (settings from the CLERK_* environment variables).\n\
             \x20 session keys:       {keys}\n\
             \x20 authorized parties: {parties}\n\
             \x20 webhooks:           {webhooks}\n\
             \x20 Backend API:        {api}\n\n\
             Routes (GET): /public, /me, /admin (org:admin), /machine (m2m), /either (session or m2m),\n\
             /me/profile, /admin/members (org:admin).\n\
             Try: curl -i {base_url}/me -H \"Authorization: Bearer <a session token from your frontend>\"\n\
             Requests are logged on stderr with Authorization marked sensitive. Ctrl-C stops the demo.\n"
        )
    }

    /// The [`Clerk`] the router verifies with.
    pub fn clerk(&self) -> &Clerk {
        match self {
            Mode::Configured { clerk, .. } => clerk,
            Mode::Local(local) => local.clerk(),
        }
    }

    /// The [`Webhook`] verifier of `POST /webhooks/clerk`; `None` (no route) in configured mode
    /// without `CLERK_WEBHOOK_SIGNING_SECRET`.
    pub fn webhook(&self) -> Option<&Webhook> {
        match self {
            Mode::Configured { webhook, .. } => webhook.as_ref(),
            Mode::Local(local) => Some(local.webhook()),
        }
    }
}

/// Whether `lookup` (usually the environment) holds a key to verify session tokens with:
/// a non-blank `CLERK_JWT_KEY` or `CLERK_SECRET_KEY`. Without one the demo runs in local mode.
pub fn clerk_env_present(lookup: impl Fn(&str) -> Option<String>) -> bool {
    [env::JWT_KEY, env::SECRET_KEY]
        .into_iter()
        .any(|name| lookup(name).is_some_and(|v| !v.trim().is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], port_env: Option<&str>) -> Result<Cli, String> {
        Cli::parse(args, port_env).map_err(|e| e.to_string())
    }

    #[test]
    fn ports_come_from_the_flag_then_the_variable_then_the_default() {
        assert_eq!(parse(&[], None), Ok(Cli::Serve { port: 3000 }));
        assert_eq!(parse(&[], Some("8080")), Ok(Cli::Serve { port: 8080 }));
        assert_eq!(parse(&[], Some(" ")), Ok(Cli::Serve { port: 3000 }));
        assert_eq!(
            parse(&["--port", "4000"], Some("8080")),
            Ok(Cli::Serve { port: 4000 })
        );
        assert_eq!(parse(&["--port=0"], None), Ok(Cli::Serve { port: 0 }));
        assert_eq!(parse(&["--help"], None), Ok(Cli::Help));
    }

    #[test]
    fn each_demo_names_itself_in_its_usage() {
        assert_eq!(Framework::Axum.usage(), USAGE);
        let actix = Framework::Actix.usage();
        assert!(
            actix.starts_with("demo: an actix-web API protected by clerk-sdk\n"),
            "{actix}"
        );
        assert!(
            actix.contains("  cargo run --example demo-actix [-- --port N]\n"),
            "{actix}"
        );
    }

    #[test]
    fn bad_arguments_are_usage_errors() {
        for (args, env, needle) in [
            (&["--port"][..], None, "--port needs a value"),
            (&["--port", "http"][..], None, "--port must be a port number"),
            (&["--port", "70000"][..], None, "--port must be a port number"),
            (&["--verbose"][..], None, "unknown argument \"--verbose\""),
            (&[][..], Some("x"), "PORT must be a port number"),
        ] {
            let error = parse(args, env).unwrap_err();
            assert!(error.contains(needle), "{error:?} lacks {needle:?}");
        }
    }

    #[test]
    fn local_mode_needs_neither_key() {
        let with = |vars: &'static [(&'static str, &'static str)]| {
            clerk_env_present(move |name| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            })
        };
        assert!(!with(&[]));
        assert!(!with(&[("CLERK_AUTHORIZED_PARTIES", "http://localhost:3000")]));
        assert!(!with(&[("CLERK_JWT_KEY", "  ")]));
        assert!(with(&[("CLERK_JWT_KEY", "-----BEGIN PUBLIC KEY-----")]));
        assert!(with(&[("CLERK_SECRET_KEY", "sk_test_x")]));
    }

    #[test]
    fn configured_banner_names_the_key_source_and_the_parties() {
        let keys = TestKeys::generate().unwrap();
        let networkless = Clerk::new(
            keys.config_builder()
                .authorized_party("https://app.example")
                .build()
                .unwrap(),
        );
        let webhook = Webhook::new("whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY").unwrap();
        let banner = Mode::Configured {
            clerk: networkless,
            webhook: Some(webhook),
        }
        .banner("http://127.0.0.1:3000");
        assert!(banner.contains("Serving against your Clerk instance"), "{banner}");
        assert!(
            banner.contains("webhooks:           POST /webhooks/clerk, verified with"),
            "{banner}"
        );
        assert!(!banner.contains("AQIDBAUG"), "{banner}");
        assert!(banner.contains("CLERK_JWT_KEY (networkless)"), "{banner}");
        assert!(
            banner.contains("authorized parties: https://app.example"),
            "{banner}"
        );
        assert!(!banner.contains("LOCAL DEVELOPMENT MODE"), "{banner}");
        assert!(
            banner.contains("Backend API:        off: set CLERK_SECRET_KEY"),
            "{banner}"
        );

        let jwks = Clerk::new(
            clerk_sdk::ClerkConfig::builder()
                .secret_key("sk_test_x")
                .build()
                .unwrap(),
        );
        let banner = Mode::Configured {
            clerk: jwks,
            webhook: None,
        }
        .banner("http://127.0.0.1:3000");
        assert!(banner.contains("fetched from the Backend API"), "{banner}");
        assert!(
            banner.contains("Backend API:        CLERK_SECRET_KEY, for GET /me/profile"),
            "{banner}"
        );
        assert!(
            banner.contains("webhooks:           off: set CLERK_WEBHOOK_SIGNING_SECRET"),
            "{banner}"
        );
        assert!(banner.contains("set CLERK_AUTHORIZED_PARTIES"), "{banner}");
        assert!(!banner.contains("sk_test_x"), "{banner}");
    }
}
