//! `verify`: builds a [`ClerkConfig`] (environment first, flags on top), a request carrying the
//! credential, and prints what [`Clerk::authenticate_request`] decided.

use std::io::Write;
use std::time::Duration;

use clerk_sdk::{Clerk, ClerkConfig, ClerkConfigBuilder, ConfigError, FixedClock};
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
    let state = runtime
        .block_on(clerk.authenticate_request(&request))
        .map_err(|e| Error::Config(format!("{e} (reason: {})", e.reason())))?;
    output::write(stdout, &output::verify(&state, &args.has))
}

/// The environment's settings with the flags applied over them.
fn config(args: &VerifyArgs) -> Result<ClerkConfig, Error> {
    let mut builder = ClerkConfigBuilder::from_env().map_err(|e| config_error(&e, None))?;
    let mut key_origin = None;
    match &args.jwt_key {
        Some(KeySource::File(path)) => {
            let pem = std::fs::read_to_string(path)
                .map_err(|e| Error::Config(format!("cannot read --jwt-key-file {}: {e}", path.display())))?;
            key_origin = Some(format!("--jwt-key-file {}", path.display()));
            builder = builder.jwt_key(pem);
        }
        Some(KeySource::Pem(pem)) => {
            key_origin = Some("--jwt-key".to_owned());
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
    builder
        .build()
        .map_err(|e| config_error(&e, key_origin.as_deref()))
}

/// A configuration error: its message and stable reason. The key's origin is added for key
/// errors, since the message names `CLERK_JWT_KEY` even when a flag supplied the key.
fn config_error(error: &ConfigError, key_origin: Option<&str>) -> Error {
    let origin = match (error, key_origin) {
        (ConfigError::JwtKey(_), Some(origin)) => format!(" [key from {origin}]"),
        _ => String::new(),
    };
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
