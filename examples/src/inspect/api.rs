//! `api`: one Backend API call through [`BackendApi`], printed as JSON: the typed operations
//! (`users get`, `users list`, `orgs get`, `orgs members`) or any path (`raw`).
//!
//! The secret key comes from `CLERK_SECRET_KEY` only (never a flag: arguments show up in `ps`
//! and shell history), the base URL from `CLERK_API_URL` and `CLERK_API_VERSION` as
//! [`ClerkConfigBuilder::from_lookup`] reads them; no other variable is read, so a stray
//! `CLERK_JWT_KEY` cannot stop a call. A failed call is one `error:` line with the status,
//! Clerk's error code and trace id and the stable reason, and exit status 1; the key is never
//! printed (nothing here formats it, and [`ApiError`]'s messages hold none).

use std::env::VarError;
use std::io::Write;

use clerk_sdk::api::{ApiError, BackendApi, MembershipListParams, UserListParams};
use clerk_sdk::config::{ClerkConfigBuilder, env};
use serde::Serialize;
use serde_json::Value;

use super::args::ApiCall;
use super::{Env, Error, output};

pub(super) fn run(call: &ApiCall, environment: Env<'_>, stdout: &mut dyn Write) -> Result<(), Error> {
    let api = client(environment)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the async runtime: {e}")))?;
    let answer = runtime.block_on(send(&api, call)).map_err(|e| api_error(&e))?;
    output::write(stdout, &answer)
}

/// A client over `CLERK_SECRET_KEY`, `CLERK_API_URL` and `CLERK_API_VERSION`.
fn client(environment: Env<'_>) -> Result<BackendApi, Error> {
    const READ: [&str; 3] = [env::SECRET_KEY, env::API_URL, env::API_VERSION];
    if environment(env::SECRET_KEY).is_none_or(|key| key.trim().is_empty()) {
        return Err(Error::Usage(
            "api needs the instance's secret key in CLERK_SECRET_KEY (CLERK_API_URL changes the \
             Backend API's address)"
                .to_owned(),
        ));
    }
    let lookup = |name: &'static str| {
        READ.contains(&name)
            .then(|| environment(name))
            .flatten()
            .ok_or(VarError::NotPresent)
    };
    ClerkConfigBuilder::from_lookup(lookup)
        .and_then(ClerkConfigBuilder::build)
        .map(|config| BackendApi::new(&config))
        .map_err(|e| Error::Config(format!("configuration: {e} (reason: {})", e.reason())))
}

async fn send(api: &BackendApi, call: &ApiCall) -> Result<Value, ApiError> {
    match call {
        ApiCall::UserGet(id) => json(api.users().get(id).await?),
        ApiCall::UserList {
            email_addresses,
            limit,
        } => {
            let mut params = UserListParams::new();
            if !email_addresses.is_empty() {
                params = params.email_address(email_addresses.clone());
            }
            if let Some(limit) = limit {
                params = params.limit(*limit);
            }
            json(api.users().list(&params).await?)
        }
        ApiCall::OrgGet(id) => json(api.organizations().get(id).await?),
        ApiCall::OrgMembers { org_id, limit } => {
            let mut params = MembershipListParams::new();
            if let Some(limit) = limit {
                params = params.limit(*limit);
            }
            json(api.organizations().memberships(org_id).list(&params).await?)
        }
        ApiCall::Raw {
            method,
            path,
            query,
            body,
        } => {
            let mut request = api.request(method.clone(), path);
            for (key, value) in query {
                request = request.query(key.as_str(), value.as_str());
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            request.send::<Value>().await
        }
    }
}

/// A model as the JSON it was read from (fields this version does not model included).
fn json(value: impl Serialize) -> Result<Value, ApiError> {
    // The models serialize to JSON without fail; `Null` stands in should one ever not.
    Ok(serde_json::to_value(value).unwrap_or(Value::Null))
}

/// The error line of a failed call: what went wrong, the status, Clerk's code and trace id,
/// `Retry-After`, and the stable reason.
fn api_error(e: &ApiError) -> Error {
    let mut line = format!("Backend API: {e}");
    let mut details = Vec::new();
    if let Some(status) = e.status() {
        details.push(format!("status {}", status.as_u16()));
    }
    if let Some(code) = e.code().filter(|c| !c.is_empty()) {
        details.push(format!("code {code}"));
    }
    if let Some(trace) = e.trace_id() {
        details.push(format!("trace id {trace}"));
    }
    if let Some(wait) = e.retry_after() {
        details.push(format!("retry after {} s", wait.as_secs()));
    }
    details.push(format!("reason {}", e.reason()));
    line.push_str(&format!(" [{}]", details.join(", ")));
    if matches!(e, ApiError::Refused(_)) {
        Error::Usage(line)
    } else {
        Error::Api(line)
    }
}
