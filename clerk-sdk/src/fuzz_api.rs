//! Entry points for the fuzz targets in `fuzz/` (feature `__fuzz`), so that they reach the
//! crate's private parsers without making them public.
//!
//! **Internal**: not public API and not covered by semver; it may change or disappear in any
//! release. Each function takes arbitrary bytes, runs one of the crate's parsers or verifiers on
//! them and must return without panicking, whatever the input. The functions return a little of
//! what they found so that the fuzz targets can check a few cross-path properties (a request is
//! never signed in with a token that direct verification refuses, the PEM path never waits, a
//! webhook is never accepted twice through a replay store).
//!
//! Inputs that carry several fields are split on `\n` (the line layout is given on each
//! function), so a seed corpus can be written by hand.

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use http::header::{AUTHORIZATION, COOKIE};
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Map, Value};

use crate::auth::SessionAuth;
use crate::authorization::{self, AuthorizationInput};
use crate::claims;
use crate::token::extract::{self, HeaderCredential, SESSION_COOKIE};
use crate::token::jwt::DecodedJwt;
use crate::token::session::{self, SessionRules};
use crate::token::{self as tokens, AcceptsToken, TokenType};
use crate::token_cache::VerifiedSession;
use crate::{
    Clerk, ClerkConfig, ConfigError, Has, RequestState,
    auth::{AuthStatus, Reverification},
    clock::FixedClock,
    keys::{JwtKey, PublishableKey},
    webhook::{InMemoryReplayStore, Webhook, WebhookError, WebhookEvent},
};

/// The fixed time of every fuzz run, in ms since the epoch (2023-11-14T22:13:20Z). The webhook
/// known-answer vector (the signature Clerk's Svix scheme gives for [`WEBHOOK_SECRET`], a fixed
/// id and body) is signed at this second; seed tokens are minted at it.
pub const NOW_MS: u64 = 1_700_000_000_000;

/// The publishable key of [`session_clerk`]: Frontend API `clerk.example.com`, so the pinned
/// issuer is `https://clerk.example.com`.
pub const PUBLISHABLE_KEY: &str = "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k";

/// The issuer [`session_clerk`] and [`verify_session_token`] require.
pub const ISSUER: &str = "https://clerk.example.com";

/// The authorized party (`azp`) [`session_clerk`] and [`verify_session_token`] require.
pub const AUTHORIZED_PARTY: &str = "https://app.example";

/// The webhook signing secret of the known-answer vector: bytes 0x01..0x18.
pub const WEBHOOK_SECRET: &str = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY";

/// How one request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Signed in with a session token.
    SignedInSession,
    /// Signed in with a machine token.
    SignedInMachine,
    /// Signed out, with a reason.
    SignedOut,
    /// The future was not ready after one poll: on the PEM path this is a bug.
    Pending,
}

/// What [`session_verify`] found for one token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionOutcome {
    /// `decode_session_token` + `verify_decoded` accepted the token.
    pub verified: bool,
    /// `authenticate_request` with `Authorization: Bearer <token>`; `None` when the token cannot
    /// be carried verbatim in that header.
    pub via_header: Option<Outcome>,
    /// `authenticate_request` with `Cookie: __session=<token>`; `None` when the token cannot be
    /// carried verbatim in a cookie.
    pub via_cookie: Option<Outcome>,
}

/// What [`webhook_verify`] found for one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookOutcome {
    /// The signature (and the timestamp) verified.
    pub signature_ok: bool,
    /// The body parsed as an event after the signature verified.
    pub event_ok: bool,
    /// A second delivery of the same message to the same replay store was accepted.
    pub replay_accepted: bool,
}

/// The [`Clerk`] the session targets verify with: networkless with `key`, a [`FixedClock`] at
/// [`NOW_MS`], [`PUBLISHABLE_KEY`] (cookie suffix and issuer pin), [`AUTHORIZED_PARTY`], and
/// session, m2m and OAuth tokens accepted (machine tokens fail without a network call, since
/// no secret key is set).
///
/// # Errors
/// The config's [`ConfigError`]; none is expected with a valid key.
pub fn session_clerk(key: JwtKey) -> Result<Clerk, ConfigError> {
    let config = ClerkConfig::builder()
        .jwt_key_parsed(key)
        .publishable_key(PUBLISHABLE_KEY)
        .issuer_from_publishable_key()
        .authorized_party(AUTHORIZED_PARTY)
        .accepts(AcceptsToken::Many(vec![
            TokenType::SessionToken,
            TokenType::M2mToken,
            TokenType::OAuthToken,
        ]))
        .clock(FixedClock::new(NOW_MS))
        .build()?;
    Ok(Clerk::new(config))
}

/// Splits and decodes a compact JWT (`DecodedJwt::decode`) and reads every part, then runs the
/// token-type detection. Input: the token (invalid UTF-8 is replaced). Returns whether it
/// decoded.
pub fn token_decode(input: &[u8]) -> bool {
    let token = String::from_utf8_lossy(input);
    let detected = tokens::detect_token_type(&token);
    let _ = tokens::is_jwt_format(&token);
    let Ok(jwt) = DecodedJwt::decode(&token) else {
        return false;
    };
    let _ = tokens::machine_jwt_type(&jwt);
    let header = jwt.header();
    let _ = (&header.alg, &header.typ, &header.kid, &header.cat, detected);
    let _ = (
        jwt.signing_input().len(),
        jwt.claims().len(),
        jwt.signature().len(),
    );
    jwt.into_parts().is_ok()
}

/// `decode_session_token` then `verify_decoded` with `key`, at `now_ms`, under the rules of
/// [`session_clerk`] (azp [`AUTHORIZED_PARTY`], iss [`ISSUER`], 5 s skew). Then, whatever the
/// signature said, the claim checks and the organization claims are run on the decoded payload,
/// so that mutated payloads reach them. Returns whether the token verified.
pub fn verify_session_token(token: &str, key: &JwtKey, now_ms: u64) -> bool {
    let rules = SessionRules {
        audiences: Vec::new(),
        authorized_parties: vec![AUTHORIZED_PARTY.to_owned()],
        issuers: vec![ISSUER.to_owned()],
        clock_skew_ms: 5_000,
    };
    let Ok(jwt) = session::decode_session_token(token) else {
        return false;
    };
    let unverified = jwt.claims();
    // Natively the signature check never awaits, so one poll always finishes it.
    let Some(outcome) = poll_once(session::verify_decoded(jwt, key, &rules, now_ms)) else {
        return false;
    };
    let verified = match outcome {
        Ok(verified) => {
            let _ = SessionAuth::from_claims(crate::token::jwt::parse_validated(&verified.text))
                .org_permissions()
                .map(<[String]>::len);
            true
        }
        Err(error) => {
            let _ = (error.reason(), error.to_string());
            false
        }
    };
    let strict = SessionRules {
        audiences: vec!["api".to_owned()],
        ..rules
    };
    let _ = session::check_claims(&unverified, &strict, now_ms).map_err(|e| e.to_string());
    let _ = claims::org_claims(&unverified);
    verified
}

/// One session token three ways: [`verify_session_token`] with the key of `clerk` at its clock,
/// and `Clerk::authenticate_request` with the token in `Authorization: Bearer` and in the
/// `__session` cookie (each only when the token survives that carrier unchanged). Input: the
/// token (invalid UTF-8 is replaced). `clerk` should come from [`session_clerk`].
pub fn session_verify(clerk: &Clerk, input: &[u8]) -> SessionOutcome {
    let token = String::from_utf8_lossy(input);
    let config = clerk.config();
    let verified = config
        .jwt_key()
        .is_some_and(|key| verify_session_token(&token, key, config.clock().now_ms()));
    // Visible ASCII without the bytes a carrier would split on, trim or decode.
    let verbatim = !token.is_empty()
        && token
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b';' | b'%' | b'"' | b','));
    let carry = |name: HeaderName, value: String| {
        let value = HeaderValue::try_from(value).ok()?;
        let mut headers = HeaderMap::new();
        headers.insert(name, value);
        Some(authenticate(clerk, &headers))
    };
    let (via_header, via_cookie) = if verbatim {
        (
            carry(AUTHORIZATION, format!("Bearer {token}")),
            carry(COOKIE, format!("{SESSION_COOKIE}={token}")),
        )
    } else {
        (None, None)
    };
    SessionOutcome {
        verified,
        via_header,
        via_cookie,
    }
}

/// `Clerk::authenticate_request`, polled once with a no-op waker (the PEM path never awaits),
/// with everything the resulting state offers read once.
pub fn authenticate(clerk: &Clerk, headers: &HeaderMap) -> Outcome {
    match poll_once(clerk.authenticate_request(headers)) {
        None => Outcome::Pending,
        Some(state) => read_state(&state),
    }
}

fn read_state(state: &RequestState) -> Outcome {
    let _ = (state.reason_str(), state.message(), state.token_type());
    let auth = state.auth();
    if let Some(session) = auth.session() {
        let _ = (session.user_id(), session.org_role(), session.org_permissions());
        let _ = session.has(&Has::role("org:admin").and_reverification(Reverification::Strict));
    }
    match (state.status(), state.token_type()) {
        (AuthStatus::SignedIn, Some(TokenType::SessionToken)) => Outcome::SignedInSession,
        (AuthStatus::SignedIn, _) => Outcome::SignedInMachine,
        (AuthStatus::SignedOut, _) => Outcome::SignedOut,
    }
}

/// Polls `future` once; `None` when it is not ready.
fn poll_once<F: Future>(future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// Header values from `input` split on `\n`; lines that are not valid header values (control
/// bytes) are dropped, as the HTTP layer would refuse them.
fn header_values(input: &[u8]) -> impl Iterator<Item = HeaderValue> + '_ {
    input
        .split(|&b| b == b'\n')
        .filter_map(|line| HeaderValue::from_bytes(line).ok())
}

/// `Authorization` extraction (`token::extract::authorization`), then a whole request through
/// `clerk` (see [`session_clerk`]). Input: one `Authorization` value per line (the first one
/// counts).
pub fn authorization_header(clerk: &Clerk, input: &[u8]) -> Outcome {
    let mut headers = HeaderMap::new();
    for value in header_values(input) {
        headers.append(AUTHORIZATION, value);
    }
    match extract::authorization(&headers) {
        HeaderCredential::Token(token) => {
            let _ = tokens::detect_token_type(token);
        }
        HeaderCredential::Absent | HeaderCredential::Unusable(_) => {}
    }
    authenticate(clerk, &headers)
}

/// Session cookie extraction (`token::extract::session_cookie`, with and without a suffix), then
/// a whole request through `clerk` (see [`session_clerk`]). Input: line 1 is the cookie suffix
/// (empty for none), every further line one `Cookie` header value.
pub fn cookie_header(clerk: &Clerk, input: &[u8]) -> Outcome {
    let (suffix, rest) = match input.iter().position(|&b| b == b'\n') {
        Some(at) => (
            input.get(..at).unwrap_or_default(),
            input.get(at + 1..).unwrap_or_default(),
        ),
        None => (input, &[][..]),
    };
    let suffix = String::from_utf8_lossy(suffix);
    let mut headers = HeaderMap::new();
    for value in header_values(rest) {
        headers.append(COOKIE, value);
    }
    let _ = extract::session_cookie(&headers, Some(&suffix));
    let _ = extract::session_cookie(&headers, None);
    authenticate(clerk, &headers)
}

/// v1/v2 claim parsing and `has()`. Input, either:
/// * a JSON object: a verified-claims payload; `org_claims` reads it and `has()` is asked about
///   the role, each permission, each feature and plan element found in it, and reverification;
/// * anything else, as lines `fea`, `o.per`, `o.fpm`, `pla`, then the query's role,
///   permission, feature, plan and reverification (a missing line is empty, an empty query line
///   is not asked): `split_by_scope`, `v2_org_permissions` and `authorization::check`.
///
/// Returns how many checks passed.
pub fn claims_v2(input: &[u8]) -> usize {
    match serde_json::from_slice::<Map<String, Value>>(input) {
        Ok(map) => claims_from_json(map),
        Err(_) => claims_from_lines(&String::from_utf8_lossy(input)),
    }
}

fn claims_from_json(map: Map<String, Value>) -> usize {
    let org = claims::org_claims(&map);
    let text = |name: &str| {
        map.get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (fea, pla) = (text("fea"), text("pla"));
    let mut queries = vec![
        Has::reverification(Reverification::StrictMfa),
        Has::reverification(Reverification::Lax),
    ];
    if let Some(role) = &org.role {
        queries.push(Has::role(role.as_str()));
    }
    for permission in org.permissions.iter().flatten() {
        queries.push(Has::permission(permission.as_str()));
    }
    for element in fea.split(',').chain(pla.split(',')) {
        queries.push(Has::feature(element).and_plan(element));
        if let Some((_, value)) = element.split_once(':') {
            queries.push(Has::feature(value));
            queries.push(Has::plan(value));
        }
    }
    let session = SessionAuth::from_claims(map);
    queries.iter().filter(|query| session.has(query)).count()
}

fn claims_from_lines(text: &str) -> usize {
    let mut lines = text.split('\n');
    let mut next = || lines.next().unwrap_or_default();
    let (fea, per, fpm, pla) = (next(), next(), next(), next());
    let (role, permission, feature, plan, reverification) = (next(), next(), next(), next(), next());

    let scoped = claims::split_by_scope(fea);
    let _ = (scoped.org.len(), scoped.user.len(), scoped.malformed);
    let _ = claims::split_by_scope(pla);
    let permissions = claims::v2_org_permissions(fea, per, fpm);

    let mut has = Has::new();
    for (value, add) in [
        (role, Has::and_role as fn(Has, String) -> Has),
        (permission, Has::and_permission),
        (feature, Has::and_feature),
        (plan, Has::and_plan),
    ] {
        if !value.is_empty() {
            has = add(has, value.to_owned());
        }
    }
    if let Ok(requirement) = reverification.parse::<Reverification>() {
        let _ = requirement.to_string();
        has = has.and_reverification(requirement);
    }
    let fva = Value::from(vec![Value::from(3), Value::from(-1)]);
    let input = AuthorizationInput {
        user_id: Some("user_fuzz"),
        org_id: Some("org_fuzz"),
        org_role: Some(role),
        org_permissions: Some(&permissions),
        features: fea,
        plans: pla,
        factor_verification_age: Some(&fva),
    };
    let signed_out = AuthorizationInput {
        user_id: None,
        ..input
    };
    let _ = authorization::check(&signed_out, &has);
    usize::from(authorization::check(&input, &has))
}

/// A session read from the token cache's compact entry against one built from the parsed
/// claims, for a payload JSON text `input` verified with `key`: the accessors and `has()`
/// answers must agree. Returns `false` on any difference; `true` when they agree or the input
/// is not a JSON object (nothing to compare).
pub fn cached_session(input: &[u8], key: &JwtKey) -> bool {
    let Ok(text) = std::str::from_utf8(input) else {
        return true;
    };
    let Ok(map) = serde_json::from_str::<Map<String, Value>>(text) else {
        return true;
    };
    let times = session::TimeClaims {
        exp: 0.0,
        nbf: None,
        iat: None,
    };
    let Some(entry) = VerifiedSession::from_text(text, times, key.clone()) else {
        return true;
    };
    let cached = SessionAuth::from_verified(Arc::new(entry));
    let parsed = SessionAuth::from_claims(map);
    let mut queries = vec![Has::reverification(Reverification::Lax)];
    for session in [&cached, &parsed] {
        queries.extend(session.org_role().map(Has::role));
        queries.extend(
            session
                .org_permissions()
                .into_iter()
                .flatten()
                .map(Has::permission),
        );
        for element in session.features().split(',').chain(session.plans().split(',')) {
            queries.push(Has::feature(element).and_plan(element));
        }
    }
    cached.user_id() == parsed.user_id()
        && cached.session_id() == parsed.session_id()
        && cached.session_status() == parsed.session_status()
        && cached.org_id() == parsed.org_id()
        && cached.org_slug() == parsed.org_slug()
        && cached.org_role() == parsed.org_role()
        && cached.org_permissions() == parsed.org_permissions()
        && cached.features() == parsed.features()
        && cached.plans() == parsed.plans()
        && cached.claims() == parsed.claims()
        && queries.iter().all(|q| cached.has(q) == parsed.has(q))
}

/// `Webhook::verify` with [`WEBHOOK_SECRET`], a [`FixedClock`] at [`NOW_MS`] and a fresh replay
/// store, delivered twice; then `WebhookEvent::parse` on the body alone, whatever the
/// signature said. Input: header lines `name: value` (the name is lower-cased; lines that are
/// not valid headers are dropped), an empty line, then the raw body. Without an empty line the
/// whole input is headers.
pub fn webhook_verify(input: &[u8]) -> WebhookOutcome {
    let (head, body) = match input.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (
            input.get(..at).unwrap_or_default(),
            input.get(at + 2..).unwrap_or_default(),
        ),
        None => (input, &[][..]),
    };
    let mut headers = HeaderMap::new();
    for line in head.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = (
            line.get(..colon).unwrap_or_default(),
            line.get(colon + 1..).unwrap_or_default(),
        );
        let value = value.strip_prefix(b" ").unwrap_or(value);
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name), HeaderValue::from_bytes(value)) {
            headers.append(name, value);
        }
    }

    let mut outcome = WebhookOutcome {
        signature_ok: false,
        event_ok: false,
        replay_accepted: false,
    };
    if let Ok(webhook) = Webhook::new(WEBHOOK_SECRET) {
        let webhook = webhook
            .clock(FixedClock::new(NOW_MS))
            .replay_store(Arc::new(InMemoryReplayStore::new(16)));
        // The in-memory store answers at once, so one poll drives the async path.
        match futures_util::FutureExt::now_or_never(webhook.verify(&headers, body))
            .unwrap_or(Err(WebhookError::Replayed))
        {
            Ok(event) => {
                outcome.signature_ok = true;
                outcome.event_ok = true;
                read_event(&event);
            }
            Err(error) => {
                let _ = (error.reason(), error.to_string());
                outcome.signature_ok = matches!(error, WebhookError::InvalidPayload(_));
            }
        }
        outcome.replay_accepted =
            futures_util::FutureExt::now_or_never(webhook.verify_message(&headers, body))
                .is_some_and(|result| result.is_ok());
    }
    if let Ok(event) = WebhookEvent::parse(body) {
        read_event(&event);
    }
    outcome
}

fn read_event(event: &WebhookEvent) {
    let _ = event
        .user()
        .map(|user| user.map(|u| u.primary_email_address().map(str::len)));
    let _ = (event.session(), event.organization(), event.deleted());
    let _ = (event.organization_membership(), event.organization_invitation());
}

/// A JWKS body through the cache's own parser (`jwks::parse_jwks`), as a `200` with
/// `content-type: application/json`: `{"keys":[…]}`, keeping RSA signing keys that pass
/// [`JwtKey`]'s checks. Returns how many keys were accepted; `None` when the body is refused.
pub fn jwks_json(input: &[u8]) -> Option<usize> {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    let response = crate::transport::Response {
        status: http::StatusCode::OK,
        headers,
        body: input.to_vec(),
    };
    let keys = crate::jwks::parse_jwks("http://127.0.0.1/v1/jwks", &response).ok()?;
    for key in keys.values() {
        let _ = (key.bits(), key.rsa_components());
    }
    Some(keys.len())
}

/// `JwtKey::from_rsa_components` on raw bytes: the first byte says where the rest splits into
/// modulus and exponent (`rest.len() - byte`, so small exponents are cheap to reach). Returns
/// whether a key was accepted.
pub fn rsa_components(input: &[u8]) -> bool {
    let Some((&split, rest)) = input.split_first() else {
        return false;
    };
    let at = rest.len().saturating_sub(usize::from(split));
    let Some((n, e)) = rest.split_at_checked(at) else {
        return false;
    };
    JwtKey::from_rsa_components(n, e)
        .map(|key| key.rsa_components())
        .is_ok()
}

/// `PublishableKey::parse` and everything derived from a valid key. Input: the key (invalid
/// UTF-8 is replaced). Returns whether it parsed.
pub fn publishable_key(input: &[u8]) -> bool {
    let text = String::from_utf8_lossy(input);
    match PublishableKey::parse(&text) {
        Ok(key) => {
            let _ = (key.instance_type().as_str(), key.frontend_api(), key.issuer());
            let _ = (key.cookie_suffix(), key.as_str().len());
            true
        }
        Err(error) => {
            let _ = (error.reason(), error.to_string());
            false
        }
    }
}
