//! `webhook`: verifies a Clerk webhook as [`Webhook::verify`] does (signature over the raw
//! body, timestamp within 5 minutes of the clock, then the event envelope) and prints whether
//! it passed, with the reason when it did not.
//!
//! The secret goes straight into [`Webhook::new`]; nothing here formats it, and the SDK's
//! errors never contain it.

use std::io::{Read, Write};

use clerk_sdk::{
    clock::FixedClock,
    webhook::{Webhook, WebhookError},
};

use super::args::{BodySource, WebhookArgs};
use super::{Error, output};

pub(super) fn run(args: &WebhookArgs, stdout: &mut dyn Write) -> Result<(), Error> {
    let mut webhook = match &args.secret {
        Some(secret) => Webhook::new(secret).map_err(|e| secret_error(&e, "--secret"))?,
        None => Webhook::from_env().map_err(|e| secret_error(&e, "CLERK_WEBHOOK_SIGNING_SECRET"))?,
    };
    if let Some(ms) = args.now_ms {
        webhook = webhook.clock(FixedClock::new(ms));
    }
    let body = body(&args.body, webhook.body_limit())?;
    // No replay store here (one delivery, checked offline), so nothing awaits the network; the
    // async path is still the one a server runs.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the async runtime: {e}")))?;
    let result = runtime.block_on(webhook.verify(&args.headers, &body));
    output::write(stdout, &output::webhook(&result))
}

/// A secret that cannot be used: its message and reason, and where it came from; never the
/// value.
fn secret_error(error: &WebhookError, origin: &str) -> Error {
    match error {
        WebhookError::MissingSecret => Error::Usage(
            "webhook needs the signing secret: --secret S or CLERK_WEBHOOK_SIGNING_SECRET".to_owned(),
        ),
        _ => Error::Config(format!("{origin}: {error} (reason: {})", error.reason())),
    }
}

/// The raw body. A file is read up to one byte past `limit`, enough for the verifier to refuse
/// it as too large without holding all of it.
fn body(source: &BodySource, limit: usize) -> Result<Vec<u8>, Error> {
    match source {
        BodySource::Text(text) => Ok(text.as_bytes().to_vec()),
        BodySource::File(path) => {
            let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
            let mut bytes = Vec::new();
            std::fs::File::open(path)
                .and_then(|file| file.take(cap).read_to_end(&mut bytes))
                .map_err(|e| Error::Config(format!("cannot read --body-file {}: {e}", path.display())))?;
            Ok(bytes)
        }
    }
}
