//! `verify`: builds a [`ClerkConfig`] (environment first, flags on top), a request carrying the
//! credential, and prints what [`Clerk::authenticate_request`] decided.
//!
//! With a secret key (`--secret-key` or `CLERK_SECRET_KEY`) the SDK fetches session keys from
//! the Backend API at `--api-url` (or `CLERK_API_URL`) and verifies opaque machine tokens there,
//! so the tool works against a real Clerk instance or a `MockClerkApi`. The secret keys go
//! straight into the builder; nothing here formats them.

use std::io::Write;
use std::time::Duration;

use clerk_sdk::{Clerk, ClerkConfig, ConfigError, clock::FixedClock, config::ClerkConfigBuilder};
use http::header::{AUTHORIZATION, HeaderValue};

use super::args::{Credential, KeySource, VerifyArgs};
use super::{Error, output};

pub(super) fn run(args: &VerifyArgs, stdout: &mut dyn Write) -> Result<(), Error> {
    let request = request(&args.credential)?;
    let clerk = Clerk::new(config(args)?);
    // `enable_all`: the SDK may reach Clerk's API (keys, machine tokens) with a secret key.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the async runtime: {e}")))?;
    let state = runtime.block_on(clerk.authenticate_request(&request));
    output::write(stdout, &output::verify(&state, &args.has))
}

/// The environment's settings with the flags applied over them.
fn config(args: &VerifyArgs) -> Result<ClerkConfig, Error> {
    let mut builder = ClerkConfigBuilder::from_env().map_err(|e| config_error(&e, &Origins::default()))?;
    let mut origins = Origins {
        api_url: args.api_url.is_some(),
        secret_key: args.secret_key.is_some() || args.machine_secret_key.is_some(),
        ..Origins::default()
    };
    if let Some(secret) = &args.secret_key {
        builder = builder.secret_key(secret.as_str());
    }
    if let Some(secret) = &args.machine_secret_key {
        builder = builder.machine_secret_key(secret.as_str());
    }
    if let Some(url) = &args.api_url {
        builder = builder.api_url(url.as_str());
    }
    match &args.jwt_key {
        Some(KeySource::File(path)) => {
            let pem = std::fs::read_to_string(path)
                .map_err(|e| Error::Config(format!("cannot read --jwt-key-file {}: {e}", path.display())))?;
            origins.jwt_key = Some(format!("--jwt-key-file {}", path.display()));
            builder = builder.jwt_key(pem);
        }
        Some(KeySource::Pem(pem)) => {
            origins.jwt_key = Some("--jwt-key".to_owned());
            builder = builder.jwt_key(pem.as_str());
        }
        None => {}
    }
    if !args.authorized_parties.is_empty() {
        builder = builder.authorized_parties(args.authorized_parties.iter().cloned());
    }
    if !args.audiences.is_empty() {
        builder = builder.audiences(args.audiences.iter().cloned());
    }
    if !args.issuers.is_empty() {
        builder = builder.issuers(args.issuers.iter().cloned());
    }
    if let Some(ms) = args.clock_skew_ms {
        builder = builder.clock_skew(Duration::from_millis(ms));
    }
    if let Some(accepts) = &args.accepts {
        builder = builder.accepts(accepts.clone());
    }
    if let Some(ms) = args.now_ms {
        builder = builder.clock(FixedClock::new(ms));
    }
    builder.build().map_err(|e| config_error(&e, &origins))
}

/// Which settings came from flags, for the error line: the SDK's messages name the
/// environment variable (`CLERK_JWT_KEY`, ...) even when a flag supplied the value.
#[derive(Default)]
struct Origins {
    /// How the JWT key was given, when a flag gave it.
    jwt_key: Option<String>,
    /// Whether `--secret-key` or `--machine-secret-key` was given.
    secret_key: bool,
    /// Whether `--api-url` was given.
    api_url: bool,
}

/// A configuration error: its message and stable reason, plus the flag behind the setting at
/// fault when a flag supplied it. Never the value of a secret: the SDK's messages hold none,
/// and only flag names are added.
fn config_error(error: &ConfigError, origins: &Origins) -> Error {
    let origin = match error {
        ConfigError::JwtKey(_) => origins
            .jwt_key
            .as_ref()
            .map(|origin| format!(" [key from {origin}]")),
        ConfigError::EmptySecretKey if origins.secret_key => {
            Some(" [check --secret-key and --machine-secret-key]".to_owned())
        }
        ConfigError::InvalidApiUrl if origins.api_url => Some(" [from --api-url]".to_owned()),
        ConfigError::NoVerificationKey => {
            Some(" [flags: --jwt-key-file, --jwt-key or --secret-key]".to_owned())
        }
        ConfigError::MachineTokensNeedSecretKey(_) => {
            Some(" [flags: --secret-key, or --machine-secret-key for m2m tokens]".to_owned())
        }
        _ => None,
    }
    .unwrap_or_default();
    Error::Config(format!(
        "configuration: {error} (reason: {}){origin}",
        error.reason()
    ))
}

/// A request whose only header is the credential, if any.
fn request(credential: &Credential) -> Result<http::Request<()>, Error> {
    let value = match credential {
        Credential::None => None,
        Credential::Header(value) => Some(header_value(value.as_bytes(), "--authorization")?),
        Credential::Token(token) => Some(header_value(format!("Bearer {token}").as_bytes(), "TOKEN")?),
    };
    let mut request = http::Request::new(());
    if let Some(value) = value {
        request.headers_mut().insert(AUTHORIZATION, value);
    }
    Ok(request)
}

fn header_value(bytes: &[u8], what: &str) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_bytes(bytes).map_err(|_| {
        Error::Usage(format!(
            "{what} holds bytes an HTTP header cannot carry (control characters such as a \
             newline); value not shown"
        ))
    })?;
    value.set_sensitive(true);
    Ok(value)
}
