//! `clerk-inspect`, a tool that answers "why is this token rejected?" (with the Backend API's
//! flags and `auth.machine` for machine tokens) and "why is this webhook refused?".
//!
//! [`run`] takes the arguments after the program name and writes to the given streams, so the
//! binary (`examples/clerk-inspect/main.rs`) and the tests share one code path.
//!
//! One file per job: `args` parses the command line (by hand: the grammar is small and the
//! error lines must never echo a token), `verify`, `decode`, `mint` and `webhook` carry out the
//! commands, and `output` shapes the JSON documents they print.
//!
//! Exit status: [`EXIT_OK`] when the command did its job (for `verify`: whenever it could
//! decide, signed in or signed out; for `webhook`: valid or not), [`EXIT_USAGE`] for usage and configuration errors, and
//! [`EXIT_FAILURE`] when something outside the user's control failed (writing the output,
//! starting the async runtime, signing). Errors are one `error: …` line on stderr that never
//! contains a token or a secret.

mod api;
mod args;
mod decode;
mod mint;
mod output;
mod verify;
mod webhook;

use std::fmt;
use std::io::Write;

use args::Command;

/// Exit status when the command did its job; for `verify`, whenever it could decide.
pub const EXIT_OK: u8 = 0;
/// Exit status when something outside the user's control failed (output, runtime, signing).
pub const EXIT_FAILURE: u8 = 1;
/// Exit status for a usage or configuration error.
pub const EXIT_USAGE: u8 = 2;

/// The text printed by `clerk-inspect help`.
pub const USAGE: &str = r#"clerk-inspect: answers "why is this Clerk token (or webhook) rejected?"

Usage:
  cargo run --example clerk-inspect -- <command> [options]

Commands:
  verify [TOKEN]   Authenticate a request as clerk-sdk does and print one JSON object:
                   status, reason, message, token_type, is_authenticated, auth, has.
                   auth.machine holds a machine caller's id, subject, scopes, claims,
                   name, client_id, machine_id, user_id and org_id (null otherwise)
  decode TOKEN     Print a token's header and claims WITHOUT verifying them
  mint             Create (or reuse) a local key pair and print a session token signed by it
  demo             mint, then verify: a signed-in org admin and an expired token (offline)
  webhook          Verify a Clerk webhook (Svix signature, timestamp, event envelope) and
                   print one JSON object: ok, reason, message, event
  api CALL         Call the Backend API with CLERK_SECRET_KEY and print Clerk's answer as
                   JSON (CLERK_API_URL changes the address, e.g. to a MockClerkApi):
                     users get ID
                     users list [--email-address E]... [--limit N]
                     orgs get ID_OR_SLUG
                     orgs members ID [--limit N]
                     raw METHOD PATH [--query K=V]... [--body JSON]
                   A failed call prints one error line with the status, Clerk's error
                   code, trace id and reason (exit 1); the key is never printed
  help             Print this text

verify options (CLERK_JWT_KEY, CLERK_SECRET_KEY, CLERK_API_URL, ... are read from the
environment; flags replace them):
  --jwt-key-file PATH      PEM public key to verify with
  --jwt-key PEM            The same, given inline (literal \n accepted)
  --secret-key SK          Backend API secret key: session tokens are verified with keys
                           fetched from the API (when no JWT key is given), and machine
                           tokens (mt_, oat_, ak_) by the API. Never printed. Prefer
                           CLERK_SECRET_KEY: arguments show up in ps and shell history
  --machine-secret-key MSK Key for m2m token verification (CLERK_MACHINE_SECRET_KEY);
                           never printed
  --api-url URL            Backend API base URL (default https://api.clerk.com), e.g. a
                           local stand-in such as clerk_sdk::testing::MockClerkApi
  --authorized-party URL   Accepted azp (repeatable)
  --audience A             Required aud (repeatable)
  --issuer I               Accepted iss (repeatable)
  --clock-skew-ms N        Tolerated clock difference in ms (default 5000)
  --accepts TYPE           session_token, m2m_token, oauth_token, api_key or any (repeatable)
  --has KEY=VALUE[,...]    One has() check, pairs ANDed (repeatable). Keys: role, permission,
                           feature, plan, reverification (strict_mfa, strict, moderate, lax
                           or LEVEL:MINUTES, e.g. first_factor:6)
  --now-ms MS              Evaluate as if the clock read MS milliseconds since the epoch
  --authorization VALUE    Send "Authorization: VALUE"
  TOKEN                    Send "Authorization: Bearer TOKEN" (neither: no credential)

mint options:
  --out-dir DIR            Key directory (default .clerk-dev): private_key.pem,
                           public_key.pem, kid; a new key pair is written if it is absent
  --user-id U              sub (default user_dev)
  --authorized-party URL   azp
  --org-id ID --org-slug S --org-role R
                           Active organization (all three together)
  --permission P           Organization permission, e.g. org:invoices:read (repeatable)
  --v2                     Use the v2 claim format
  --pending                A pending session (sts: pending)
  --expired                An already expired token
  --lifetime-secs N        exp = iat + N (default 60)
  --now-ms MS              Issue as if the clock read MS milliseconds since the epoch

webhook options:
  --secret S               Signing secret (whsec_...; default CLERK_WEBHOOK_SIGNING_SECRET).
                           Never printed. Prefer the variable: arguments show up in ps and
                           shell history
  --header NAME:VALUE      A request header (repeatable): svix-id, svix-timestamp and
                           svix-signature, or the webhook-* names
  --body-file PATH         The raw request body, byte for byte
  --body TEXT              The same, given inline
  --now-ms MS              Check the timestamp (valid for 5 minutes either way) as if the
                           clock read MS milliseconds since the epoch

Exit status: 0 done (verify: signed in or signed out; webhook: valid or not),
1 internal failure or failed API call, 2 usage or configuration error.

Quick start:
  cargo run --example clerk-inspect -- mint
  cargo run --example clerk-inspect -- verify --jwt-key-file .clerk-dev/public_key.pem <token>

Against a Clerk instance (keys and machine tokens checked by its Backend API):
  CLERK_SECRET_KEY=sk_test_... cargo run --example clerk-inspect -- verify --accepts any <token>

A webhook delivery (headers and body as Clerk sent them):
  CLERK_WEBHOOK_SIGNING_SECRET=whsec_... cargo run --example clerk-inspect -- webhook \
      --header svix-id:msg_... --header svix-timestamp:1700000000 \
      --header "svix-signature:v1,..." --body-file body.json --now-ms 1700000000000

A user and their organization memberships, from the Backend API:
  CLERK_SECRET_KEY=sk_test_... cargo run --example clerk-inspect -- api users get user_...
  CLERK_SECRET_KEY=sk_test_... cargo run --example clerk-inspect -- \
      api raw GET /users/user_.../organization_memberships --query limit=5
"#;

/// How `api` reads its environment variables: the value of a variable, `None` when unset (or
/// not Unicode).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Runs `clerk-inspect` with `args` (the arguments after the program name) and returns the exit
/// status: [`EXIT_OK`], [`EXIT_FAILURE`] or [`EXIT_USAGE`].
///
/// JSON results go to `stdout`; errors and hints go to `stderr`.
pub fn run(args: Vec<String>, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    run_with_env(args, &|name| std::env::var(name).ok(), stdout, stderr)
}

/// [`run`], with `api` reading `CLERK_SECRET_KEY`, `CLERK_API_URL` and `CLERK_API_VERSION`
/// through `environment` instead of the process environment (tests run calls side by side,
/// each against its own server). The other commands read the process environment.
pub fn run_with_env(
    args: Vec<String>,
    environment: Env<'_>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let result = match args::parse(args) {
        Ok(Command::Help) => write_usage(stdout),
        Ok(Command::ShowUsage { error }) => write_usage(stdout).and(Err(Error::Usage(error))),
        Ok(Command::Verify(a)) => verify::run(&a, stdout),
        Ok(Command::Decode(token)) => decode::run(&token, stdout),
        Ok(Command::Mint(a)) => mint::run(&a, stdout, stderr),
        Ok(Command::Demo) => demo(stdout, stderr),
        Ok(Command::Webhook(a)) => webhook::run(&a, stdout),
        Ok(Command::Api(call)) => api::run(&call, environment, stdout),
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => EXIT_OK,
        Err(error) => {
            // Nothing more can be reported if stderr is gone.
            let _ = writeln!(stderr, "error: {error}");
            error.exit_code()
        }
    }
}

/// The README's main job in one command: mint an org admin's token with the local key in
/// `.clerk-dev/`, verify it, then verify an expired one, printing each step's JSON.
fn demo(stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<(), Error> {
    const APP: &str = "http://localhost:3000";
    let mint_args = |extra: &[&str]| {
        let mut a: Vec<String> = [
            "mint",
            "--authorized-party",
            APP,
            "--org-id",
            "org_demo",
            "--org-slug",
            "demo",
        ]
        .iter()
        .chain(&["--org-role", "org:admin", "--permission", "org:invoices:read"])
        .chain(extra)
        .map(|s| (*s).to_owned())
        .collect();
        a.shrink_to_fit();
        a
    };
    let mut step = |title: &str, args: Vec<String>| -> Result<serde_json::Value, Error> {
        let mut out = Vec::new();
        if run(args, &mut out, stderr) != EXIT_OK {
            return Err(Error::Internal(format!("demo step failed: {title}")));
        }
        let text = String::from_utf8_lossy(&out).into_owned();
        writeln!(
            stdout,
            "# {title}
{}",
            text.trim_end()
        )
        .map_err(|e| Error::Internal(format!("cannot write to stdout: {e}")))?;
        serde_json::from_str(&text)
            .map_err(|_| Error::Internal(format!("demo step printed no JSON: {title}")))
    };
    let minted = step(
        "mint: an org admin's session token, signed with the local key in .clerk-dev/",
        mint_args(&[]),
    )?;
    let field =
        |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_owned();
    let key_file = field(&minted, "jwt_key_file");
    let verify = |token: String| {
        [
            "verify",
            "--jwt-key-file",
            &key_file,
            "--authorized-party",
            APP,
            "--has",
            "role=org:admin",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .chain([token])
        .collect::<Vec<_>>()
    };
    step(
        "verify: signed in, has(role=org:admin) is true",
        verify(field(&minted, "token")),
    )?;
    let expired = step("mint --expired", mint_args(&["--expired"]))?;
    step(
        "verify: signed out with reason token-expired",
        verify(field(&expired, "token")),
    )?;
    Ok(())
}

fn write_usage(stdout: &mut dyn Write) -> Result<(), Error> {
    stdout
        .write_all(USAGE.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Error::Internal(format!("cannot write to stdout: {e}")))
}

/// Why a command stopped. The message is shown after `error: ` and must never hold a token or
/// a secret.
#[derive(Debug)]
enum Error {
    /// A bad command line (exit 2).
    Usage(String),
    /// A configuration the SDK or the key files refuse (exit 2).
    Config(String),
    /// A failure outside the user's control (exit 1).
    Internal(String),
    /// A Backend API call that failed: Clerk's answer or no answer (exit 1).
    Api(String),
}

impl Error {
    fn message(&self) -> &str {
        match self {
            Error::Usage(m) | Error::Config(m) | Error::Internal(m) | Error::Api(m) => m,
        }
    }

    fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Config(_) => EXIT_USAGE,
            Error::Internal(_) | Error::Api(_) => EXIT_FAILURE,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// `s` in quotes when it is short, printable ASCII (a mistyped flag or key) and does not look
/// like a Clerk secret or machine token; otherwise a placeholder, so a token or a secret key
/// passed in the wrong place is never echoed.
fn shown(s: &str) -> String {
    /// Secret keys (`sk_`, machine secret keys `ak_`), machine tokens (`mt_`, `oat_`) and
    /// webhook secrets (`whsec_`).
    const SECRET_PREFIXES: [&str; 5] = ["sk_", "ak_", "mt_", "oat_", "whsec_"];
    let bare = s.trim_start_matches('-');
    let looks_secret = SECRET_PREFIXES.iter().any(|p| {
        bare.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
    });
    if s.len() <= 32 && s.bytes().all(|b| b.is_ascii_graphic()) && !looks_secret {
        format!("{s:?}")
    } else {
        "(value not shown)".to_owned()
    }
}
