//! The command line: `verify`, `decode`, `mint`, `webhook` and `help`, parsed by hand.
//!
//! Flags take their value as the next argument or inline (`--now-ms=5`); `--` ends the
//! options. Everything is validated here, so the commands only run. Error messages name the
//! flag at fault and never echo a value that could be a token or a secret key (see
//! [`super::shown`]); `--secret-key`, `--machine-secret-key` and `--secret` values are never
//! echoed at all.

use std::path::PathBuf;

use clerk_sdk::{AcceptsToken, Has, TokenType, auth::Reverification};
use http::{HeaderMap, HeaderName, HeaderValue};

use super::{Error, shown};

/// The default `mint --out-dir`.
pub(super) const DEFAULT_OUT_DIR: &str = ".clerk-dev";
/// The default `mint --user-id`.
pub(super) const DEFAULT_USER_ID: &str = "user_dev";

/// What to do.
pub(super) enum Command {
    /// Print the usage text and succeed.
    Help,
    /// Print the usage text and fail with this error (no command, or an unknown one).
    ShowUsage {
        error: String,
    },
    Verify(VerifyArgs),
    /// `decode TOKEN`.
    Decode(String),
    Mint(MintArgs),
    /// `demo`: mint, then verify, with a local key.
    Demo,
    Webhook(WebhookArgs),
    /// `api ...`: one Backend API call.
    Api(ApiCall),
}

/// `api` calls: the typed operations, or any path with `raw`.
pub(super) enum ApiCall {
    /// `users get ID`.
    UserGet(String),
    /// `users list [--email-address E]... [--limit N]`.
    UserList {
        email_addresses: Vec<String>,
        limit: Option<u32>,
    },
    /// `orgs get ID_OR_SLUG`.
    OrgGet(String),
    /// `orgs members ID [--limit N]`.
    OrgMembers { org_id: String, limit: Option<u32> },
    /// `raw METHOD PATH [--query K=V]... [--body JSON]`.
    Raw {
        method: http::Method,
        path: String,
        query: Vec<(String, String)>,
        body: Option<serde_json::Value>,
    },
}

/// `verify` options. No `Debug`: it holds the credential and may hold secret keys.
pub(super) struct VerifyArgs {
    pub(super) jwt_key: Option<KeySource>,
    /// `--secret-key`: never printed.
    pub(super) secret_key: Option<String>,
    /// `--machine-secret-key`: never printed.
    pub(super) machine_secret_key: Option<String>,
    pub(super) api_url: Option<String>,
    pub(super) authorized_parties: Vec<String>,
    pub(super) audiences: Vec<String>,
    pub(super) issuers: Vec<String>,
    pub(super) clock_skew_ms: Option<u64>,
    pub(super) accepts: Option<AcceptsToken>,
    pub(super) has: Vec<HasArg>,
    pub(super) now_ms: Option<u64>,
    pub(super) credential: Credential,
}

/// Where `verify` gets its JWT key from, when a flag names one.
pub(super) enum KeySource {
    File(PathBuf),
    Pem(String),
}

/// What the simulated request carries.
pub(super) enum Credential {
    /// No `Authorization` header.
    None,
    /// `--authorization VALUE`: the header value as given.
    Header(String),
    /// A positional token, sent as `Bearer TOKEN`.
    Token(String),
}

/// One `--has` flag: the pairs as given (echoed in the output) and the query they make.
pub(super) struct HasArg {
    pub(super) pairs: Vec<(String, String)>,
    pub(super) check: Has,
}

/// `webhook` options. No `Debug`: it may hold the signing secret.
pub(super) struct WebhookArgs {
    /// `--secret`: never printed. `None`: `CLERK_WEBHOOK_SIGNING_SECRET` is read instead.
    pub(super) secret: Option<String>,
    /// The `--header` flags, in order (a repeated name keeps every value, as a request would).
    pub(super) headers: HeaderMap,
    pub(super) body: BodySource,
    pub(super) now_ms: Option<u64>,
}

/// Where `webhook` gets the raw body from.
pub(super) enum BodySource {
    /// `--body-file PATH`: the file's bytes.
    File(PathBuf),
    /// `--body TEXT`: the argument's UTF-8 bytes.
    Text(String),
}

/// `mint` options.
pub(super) struct MintArgs {
    pub(super) out_dir: PathBuf,
    pub(super) user_id: String,
    pub(super) authorized_party: Option<String>,
    pub(super) org: Option<Org>,
    pub(super) permissions: Vec<String>,
    pub(super) v2: bool,
    pub(super) pending: bool,
    pub(super) expired: bool,
    pub(super) lifetime_secs: Option<u64>,
    pub(super) now_ms: Option<u64>,
}

/// `mint --org-id --org-slug --org-role`.
pub(super) struct Org {
    pub(super) id: String,
    pub(super) slug: String,
    pub(super) role: String,
}

/// Parses the arguments after the program name.
pub(super) fn parse(args: Vec<String>) -> Result<Command, Error> {
    let mut args = args.into_iter();
    let Some(command) = args.next() else {
        return Ok(Command::ShowUsage {
            error: "no command given".to_owned(),
        });
    };
    let rest = Flags::new(args);
    match command.as_str() {
        "help" | "--help" | "-h" => Ok(Command::Help),
        "verify" => verify(rest),
        "decode" => decode(rest),
        "mint" => mint(rest),
        "demo" => Ok(Command::Demo),
        "webhook" => webhook(rest),
        "api" => api(rest),
        other => Ok(Command::ShowUsage {
            error: format!(
                "unknown command {} (expected verify, decode, mint, demo, webhook, api or help)",
                shown(other)
            ),
        }),
    }
}

fn verify(mut flags: Flags) -> Result<Command, Error> {
    let mut jwt_key = None;
    let (mut secret_key, mut machine_secret_key, mut api_url) = (None, None, None);
    let mut authorized_parties = Vec::new();
    let mut audiences = Vec::new();
    let mut issuers = Vec::new();
    let mut clock_skew_ms = None;
    let mut accepts = Vec::new();
    let mut has = Vec::new();
    let mut now_ms = None;
    let mut authorization = None;
    let mut tokens = Vec::new();
    while let Some(item) = flags.next_item()? {
        let (name, inline) = match item {
            Item::Help => return Ok(Command::Help),
            Item::Positional(token) => {
                tokens.push(token);
                continue;
            }
            Item::Flag { name, inline } => (name, inline),
        };
        match name.as_str() {
            "jwt-key-file" | "jwt-key" => {
                let value = flags.value(&name, inline)?;
                let source = if name == "jwt-key" {
                    KeySource::Pem(value)
                } else {
                    KeySource::File(PathBuf::from(value))
                };
                if jwt_key.replace(source).is_some() {
                    return Err(usage("give one of --jwt-key-file and --jwt-key, once".to_owned()));
                }
            }
            // The error lines below name the flag only, never its value.
            "secret-key" => {
                let value = flags.value(&name, inline)?;
                set_once(&mut secret_key, &name, value)?;
            }
            "machine-secret-key" => {
                let value = flags.value(&name, inline)?;
                set_once(&mut machine_secret_key, &name, value)?;
            }
            "api-url" => {
                let value = flags.value(&name, inline)?;
                set_once(&mut api_url, &name, value)?;
            }
            "authorized-party" => authorized_parties.push(flags.value(&name, inline)?),
            "audience" => audiences.push(flags.value(&name, inline)?),
            "issuer" => issuers.push(flags.value(&name, inline)?),
            "clock-skew-ms" => {
                let value = number(&name, &flags.value(&name, inline)?)?;
                set_once(&mut clock_skew_ms, &name, value)?;
            }
            "accepts" => accepts.push(flags.value(&name, inline)?),
            "has" => has.push(parse_has(&flags.value(&name, inline)?)?),
            "now-ms" => {
                let value = number(&name, &flags.value(&name, inline)?)?;
                set_once(&mut now_ms, &name, value)?;
            }
            "authorization" => {
                let value = flags.value(&name, inline)?;
                set_once(&mut authorization, &name, value)?;
            }
            _ => return Err(unknown_option("verify", &name)),
        }
    }
    if tokens.len() > 1 {
        return Err(usage(
            "verify takes at most one TOKEN (extra arguments not shown)".to_owned(),
        ));
    }
    let credential = match (authorization, tokens.pop()) {
        (Some(_), Some(_)) => {
            return Err(usage(
                "give either --authorization or a TOKEN, not both".to_owned(),
            ));
        }
        (Some(header), None) => Credential::Header(header),
        (None, Some(token)) => Credential::Token(token),
        (None, None) => Credential::None,
    };
    Ok(Command::Verify(VerifyArgs {
        jwt_key,
        secret_key,
        machine_secret_key,
        api_url,
        authorized_parties,
        audiences,
        issuers,
        clock_skew_ms,
        accepts: parse_accepts(&accepts)?,
        has,
        now_ms,
        credential,
    }))
}

fn decode(mut flags: Flags) -> Result<Command, Error> {
    let mut tokens = Vec::new();
    while let Some(item) = flags.next_item()? {
        match item {
            Item::Help => return Ok(Command::Help),
            Item::Positional(token) => tokens.push(token),
            Item::Flag { name, .. } => return Err(unknown_option("decode", &name)),
        }
    }
    match (tokens.pop(), tokens.is_empty()) {
        (Some(token), true) => Ok(Command::Decode(token)),
        (None, _) => Err(usage("decode needs a TOKEN".to_owned())),
        (Some(_), false) => Err(usage(
            "decode takes exactly one TOKEN (extra arguments not shown)".to_owned(),
        )),
    }
}

fn mint(mut flags: Flags) -> Result<Command, Error> {
    let mut out_dir = None;
    let mut user_id = None;
    let mut authorized_party = None;
    let (mut org_id, mut org_slug, mut org_role) = (None, None, None);
    let mut permissions = Vec::new();
    let (mut v2, mut pending, mut expired) = (false, false, false);
    let mut lifetime_secs = None;
    let mut now_ms = None;
    while let Some(item) = flags.next_item()? {
        let (name, inline) = match item {
            Item::Help => return Ok(Command::Help),
            Item::Positional(_) => {
                return Err(usage("mint takes no positional arguments (not shown)".to_owned()));
            }
            Item::Flag { name, inline } => (name, inline),
        };
        match name.as_str() {
            "out-dir" => {
                let value = flags.value(&name, inline)?;
                set_once(&mut out_dir, &name, PathBuf::from(value))?;
            }
            "user-id" => {
                let value = flags.value(&name, inline)?;
                set_once(&mut user_id, &name, value)?;
            }
            "authorized-party" => {
                let value = flags.value(&name, inline)?;
                set_once(&mut authorized_party, &name, value)?;
            }
            "org-id" => {
                let value = flags.value(&name, inline)?;
                set_once(&mut org_id, &name, value)?;
            }
            "org-slug" => {
                let value = flags.value(&name, inline)?;
                set_once(&mut org_slug, &name, value)?;
            }
            "org-role" => {
                let value = flags.value(&name, inline)?;
                set_once(&mut org_role, &name, value)?;
            }
            "permission" => permissions.push(flags.value(&name, inline)?),
            "v2" => v2 = switch(&name, inline)?,
            "pending" => pending = switch(&name, inline)?,
            "expired" => expired = switch(&name, inline)?,
            "lifetime-secs" => {
                let value = number(&name, &flags.value(&name, inline)?)?;
                set_once(&mut lifetime_secs, &name, value)?;
            }
            "now-ms" => {
                let value = number(&name, &flags.value(&name, inline)?)?;
                set_once(&mut now_ms, &name, value)?;
            }
            _ => return Err(unknown_option("mint", &name)),
        }
    }
    let org = match (org_id, org_slug, org_role) {
        (Some(id), Some(slug), Some(role)) => Some(Org { id, slug, role }),
        (None, None, None) => None,
        _ => {
            return Err(usage(
                "--org-id, --org-slug and --org-role go together".to_owned(),
            ));
        }
    };
    if org.is_none() && !permissions.is_empty() {
        return Err(usage(
            "--permission needs an organization (--org-id, --org-slug, --org-role)".to_owned(),
        ));
    }
    if v2
        && permissions
            .iter()
            .any(|p| p.splitn(3, ':').count() != 3 || !p.starts_with("org:"))
    {
        return Err(usage(
            "with --v2, each --permission must look like org:<feature>:<permission>".to_owned(),
        ));
    }
    if expired && lifetime_secs.is_some() {
        return Err(usage(
            "--expired and --lifetime-secs contradict each other".to_owned(),
        ));
    }
    Ok(Command::Mint(MintArgs {
        out_dir: out_dir.unwrap_or_else(|| PathBuf::from(DEFAULT_OUT_DIR)),
        user_id: user_id.unwrap_or_else(|| DEFAULT_USER_ID.to_owned()),
        authorized_party,
        org,
        permissions,
        v2,
        pending,
        expired,
        lifetime_secs,
        now_ms,
    }))
}

fn webhook(mut flags: Flags) -> Result<Command, Error> {
    let mut secret = None;
    let mut headers = HeaderMap::new();
    let mut body = None;
    let mut now_ms = None;
    while let Some(item) = flags.next_item()? {
        let (name, inline) = match item {
            Item::Help => return Ok(Command::Help),
            Item::Positional(_) => {
                return Err(usage(
                    "webhook takes no positional arguments (not shown); the body goes in \
                     --body or --body-file"
                        .to_owned(),
                ));
            }
            Item::Flag { name, inline } => (name, inline),
        };
        match name.as_str() {
            // Named, never echoed.
            "secret" => {
                let value = flags.value(&name, inline)?;
                set_once(&mut secret, &name, value)?;
            }
            "header" => {
                let (header, value) = parse_header(&flags.value(&name, inline)?)?;
                headers.append(header, value);
            }
            "body-file" | "body" => {
                let value = flags.value(&name, inline)?;
                let source = if name == "body" {
                    BodySource::Text(value)
                } else {
                    BodySource::File(PathBuf::from(value))
                };
                if body.replace(source).is_some() {
                    return Err(usage("give one of --body-file and --body, once".to_owned()));
                }
            }
            "now-ms" => {
                let value = number(&name, &flags.value(&name, inline)?)?;
                set_once(&mut now_ms, &name, value)?;
            }
            _ => return Err(unknown_option("webhook", &name)),
        }
    }
    let Some(body) = body else {
        return Err(usage(
            "webhook needs the raw body: --body-file PATH or --body TEXT".to_owned(),
        ));
    };
    Ok(Command::Webhook(WebhookArgs {
        secret,
        headers,
        body,
        now_ms,
    }))
}

/// `api users get ID`, `api users list`, `api orgs get ID_OR_SLUG`, `api orgs members ID`,
/// `api raw METHOD PATH`: positionals name the call, flags refine it. Ids are checked by the
/// SDK (empty ids and dot segments are refused before sending).
fn api(mut flags: Flags) -> Result<Command, Error> {
    const CALLS: &str = "expected users get ID, users list, orgs get ID_OR_SLUG, orgs members ID \
                         or raw METHOD PATH";
    let mut words = Vec::new();
    let mut email_addresses = Vec::new();
    let mut limit = None;
    let mut query = Vec::new();
    let mut body = None;
    while let Some(item) = flags.next_item()? {
        let (name, inline) = match item {
            Item::Help => return Ok(Command::Help),
            Item::Positional(word) => {
                words.push(word);
                continue;
            }
            Item::Flag { name, inline } => (name, inline),
        };
        match name.as_str() {
            "email-address" => email_addresses.push(flags.value(&name, inline)?),
            "limit" => {
                let value = number(&name, &flags.value(&name, inline)?)?;
                let value = u32::try_from(value).map_err(|_| usage("--limit is too large".to_owned()))?;
                set_once(&mut limit, &name, value)?;
            }
            "query" => {
                let pair = flags.value(&name, inline)?;
                let Some((key, value)) = pair.split_once('=') else {
                    return Err(usage("--query expects KEY=VALUE (value not shown)".to_owned()));
                };
                query.push((key.to_owned(), value.to_owned()));
            }
            "body" => {
                let text = flags.value(&name, inline)?;
                let json = serde_json::from_str(&text)
                    .map_err(|e| usage(format!("--body is not JSON: {e} (body not shown)")))?;
                set_once(&mut body, &name, json)?;
            }
            _ => return Err(unknown_option("api", &name)),
        }
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let call = match words[..] {
        ["users", "get", id] => ApiCall::UserGet(id.to_owned()),
        ["users", "list"] => ApiCall::UserList {
            email_addresses: std::mem::take(&mut email_addresses),
            limit: limit.take(),
        },
        ["orgs", "get", id] => ApiCall::OrgGet(id.to_owned()),
        ["orgs", "members", id] => ApiCall::OrgMembers {
            org_id: id.to_owned(),
            limit: limit.take(),
        },
        ["raw", method, path] => {
            let method = http::Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                .map_err(|_| usage(format!("api raw: {} is not an HTTP method", shown(method))))?;
            ApiCall::Raw {
                method,
                path: path.to_owned(),
                query: std::mem::take(&mut query),
                body: body.take(),
            }
        }
        _ => return Err(usage(format!("api: {CALLS} (see clerk-inspect help)"))),
    };
    let unused = [
        (!email_addresses.is_empty()).then_some("--email-address"),
        limit.map(|_| "--limit"),
        (!query.is_empty()).then_some("--query"),
        body.map(|_| "--body"),
    ];
    if let Some(flag) = unused.into_iter().flatten().next() {
        let call: Vec<&str> = words.iter().take(2).copied().collect();
        return Err(usage(format!(
            "api {}: {flag} does not apply here",
            call.join(" ")
        )));
    }
    Ok(Command::Api(call))
}

/// `--header NAME:VALUE`: split at the first colon; blanks around the value are dropped, as
/// HTTP does (`svix-id: msg_1` works). The error lines name the header, never its value.
fn parse_header(text: &str) -> Result<(HeaderName, HeaderValue), Error> {
    let Some((name, value)) = text.split_once(':') else {
        return Err(usage(
            "--header expects NAME:VALUE, e.g. svix-id:msg_2Lh... (value not shown)".to_owned(),
        ));
    };
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| usage(format!("--header {}: not a valid header name", shown(name))))?;
    let value = HeaderValue::from_str(value.trim_matches([' ', '\t'])).map_err(|_| {
        usage(format!(
            "--header {name}: the value holds bytes an HTTP header cannot carry (control \
             characters such as a newline); value not shown"
        ))
    })?;
    Ok((name, value))
}

/// `--accepts`: one value is parsed as `AcceptsToken` (`any`, a type, or a comma list);
/// several make a list of types.
fn parse_accepts(values: &[String]) -> Result<Option<AcceptsToken>, Error> {
    const EXPECTED: &str = "expected session_token, m2m_token, oauth_token, api_key or any";
    match values {
        [] => Ok(None),
        [one] => one
            .parse::<AcceptsToken>()
            .map(Some)
            .map_err(|_| usage(format!("--accepts {}: {EXPECTED}", shown(one)))),
        many => many
            .iter()
            .map(|v| {
                v.parse::<TokenType>().map_err(|_| {
                    usage(format!(
                        "--accepts {}: {EXPECTED} (any cannot be combined with other types)",
                        shown(v)
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|list| Some(AcceptsToken::Many(list))),
    }
}

/// `--has KEY=VALUE[,KEY=VALUE...]`: one `has()` query, the pairs ANDed.
fn parse_has(value: &str) -> Result<HasArg, Error> {
    let mut check = Has::new();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for pair in value.split(',') {
        let Some((key, val)) = pair.split_once('=') else {
            return Err(usage(
                "--has expects KEY=VALUE pairs separated by commas, e.g. role=org:admin".to_owned(),
            ));
        };
        if pairs.iter().any(|(k, _)| k == key) {
            return Err(usage(format!(
                "--has names {} twice; use one value per key",
                shown(key)
            )));
        }
        check = match key {
            "role" => check.and_role(val),
            "permission" => check.and_permission(val),
            "feature" => check.and_feature(val),
            "plan" => check.and_plan(val),
            "reverification" => {
                let requirement: Reverification = val.parse().map_err(|_| {
                    usage(format!(
                        "--has reverification={}: expected strict_mfa, strict, moderate, lax \
                         or LEVEL:MINUTES (first_factor, second_factor or multi_factor, e.g. \
                         first_factor:6)",
                        shown(val)
                    ))
                })?;
                check.and_reverification(requirement)
            }
            other => {
                return Err(usage(format!(
                    "--has key {}: expected role, permission, feature, plan or reverification",
                    shown(other)
                )));
            }
        };
        pairs.push((key.to_owned(), val.to_owned()));
    }
    Ok(HasArg { pairs, check })
}

/// One command-line item.
enum Item {
    /// `-h` or `--help`.
    Help,
    /// `--name` or `--name=value`, without the dashes.
    Flag {
        name: String,
        inline: Option<String>,
    },
    Positional(String),
}

/// The arguments after the command.
struct Flags {
    args: std::vec::IntoIter<String>,
    options_ended: bool,
}

impl Flags {
    fn new(args: std::vec::IntoIter<String>) -> Self {
        Flags {
            args,
            options_ended: false,
        }
    }

    fn next_item(&mut self) -> Result<Option<Item>, Error> {
        loop {
            let Some(arg) = self.args.next() else {
                return Ok(None);
            };
            if self.options_ended {
                return Ok(Some(Item::Positional(arg)));
            }
            if arg == "--" {
                self.options_ended = true;
                continue;
            }
            if arg == "-h" || arg == "--help" {
                return Ok(Some(Item::Help));
            }
            if let Some(flag) = arg.strip_prefix("--") {
                let (name, inline) = match flag.split_once('=') {
                    Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
                    None => (flag.to_owned(), None),
                };
                return Ok(Some(Item::Flag { name, inline }));
            }
            if arg.len() > 1 && arg.starts_with('-') {
                return Err(usage(format!(
                    "unknown option {} (options are spelled --name; put -- before a TOKEN \
                     that starts with -)",
                    shown(&arg)
                )));
            }
            return Ok(Some(Item::Positional(arg)));
        }
    }

    /// The flag's value: inline, or the next argument.
    fn value(&mut self, name: &str, inline: Option<String>) -> Result<String, Error> {
        match inline {
            Some(value) => Ok(value),
            None => self
                .args
                .next()
                .ok_or_else(|| usage(format!("--{name} needs a value"))),
        }
    }
}

fn usage(message: String) -> Error {
    Error::Usage(message)
}

fn unknown_option(command: &str, name: &str) -> Error {
    usage(format!(
        "{command}: unknown option {} (see clerk-inspect help)",
        shown(&format!("--{name}"))
    ))
}

fn set_once<T>(slot: &mut Option<T>, name: &str, value: T) -> Result<(), Error> {
    if slot.replace(value).is_some() {
        return Err(usage(format!("--{name} given more than once")));
    }
    Ok(())
}

fn switch(name: &str, inline: Option<String>) -> Result<bool, Error> {
    match inline {
        None => Ok(true),
        Some(_) => Err(usage(format!("--{name} takes no value"))),
    }
}

fn number(name: &str, value: &str) -> Result<u64, Error> {
    value
        .parse()
        .map_err(|_| usage(format!("--{name} expects a non-negative integer")))
}
