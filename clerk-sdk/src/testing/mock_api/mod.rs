//! [`MockClerkApi`]: a local Clerk. A loopback HTTP server that stands in for Clerk's Backend
//! API in tests, with in-memory users, organizations, memberships, invitations and sessions.
//!
//! Module map: `endpoint` (the operations and the router), `server` (accept loop and one
//! request's way through), `wire` (errors, query and body reading, lists, metadata merge),
//! `store` (the records and their JSON), `seed` (the seeding builders and inserts),
//! `users`/`organizations`/`invitations`/`sessions` (the handlers), `machine` (opaque
//! machine tokens), `fault`, `rate_limit` and `record` (the request log).

mod endpoint;
mod fault;
mod invitations;
mod machine;
mod organizations;
mod rate_limit;
mod record;
mod seed;
mod server;
mod sessions;
mod store;
mod users;
mod wire;

#[cfg(test)]
mod tests;

pub use endpoint::Endpoint;
pub use fault::Fault;
pub use machine::MachineTokenSpec;
pub use record::RecordedRequest;
pub use seed::{
    InvitationSeed, MembershipSeed, OrganizationInvitationSeed, OrganizationSeed, SeedError, SessionSeed,
    UserSeed,
};

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use http::HeaderMap;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::TestKeys;
use crate::clock::{Clock, SystemClock};
use rate_limit::RateLimit;
use server::{State, accept_loop, lock};

/// A local Clerk for your tests and ours: a loopback stand-in for Clerk's Backend API.
///
/// It is a real HTTP server on `127.0.0.1` (a free port), so requests go through the SDK's
/// whole HTTP stack. Point a [`ClerkConfig`](crate::ClerkConfig) at it with
/// [`api_url`](crate::config::ClerkConfigBuilder::api_url):
///
/// ```no_run
/// use clerk_sdk::testing::{Endpoint, Fault, MachineTokenSpec, MockClerkApi, TestKeys};
/// use clerk_sdk::{Clerk, ClerkConfig};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// const SECRET: &str = "sk_test_mock";
/// let mock = MockClerkApi::start(SECRET).await?;
///
/// // Signing keys served at GET /v1/jwks.
/// let keys = TestKeys::generate()?;
/// mock.add_key(&keys);
/// // An API key answered at POST /api_keys/verify.
/// mock.register_machine_token("ak_test_secret", MachineTokenSpec::api_key("user_1", "ci").scopes(&["read"]));
/// // The first JWKS fetch fails with a 503.
/// mock.push_fault(Endpoint::Jwks, Fault::Status(503));
///
/// let config = ClerkConfig::builder().secret_key(SECRET).api_url(mock.url()).build()?;
/// let clerk = Clerk::new(config);
/// // ... put `clerk` in your app's state and send it requests, then assert on what the
/// // "Backend API" saw:
/// # drop(clerk);
/// assert!(mock.requests(Endpoint::Jwks) <= 2);
/// # Ok(()) }
/// ```
///
/// # The Backend API
///
/// Users, organizations, memberships, invitations and sessions live in memory and behave
/// like Clerk's (every [`Endpoint`] lists its method and path). Seed them, call your code,
/// then look at what it sent and what it changed:
///
/// ```
/// use clerk_sdk::testing::{MembershipSeed, MockClerkApi, OrganizationSeed, UserSeed};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mock = MockClerkApi::start("sk_test_mock").await?;
/// let ada = mock.seed_user(UserSeed::new().email_address("ada@example.com").first_name("Ada"))?;
/// let acme = mock.seed_organization(OrganizationSeed::new("Acme").slug("acme"))?;
/// mock.seed_membership(MembershipSeed::new(&acme, &ada, "org:admin"))?;
///
/// let response = reqwest::Client::new()
///     .get(format!("{}/v1/users?email_address=ada%40example.com", mock.url()))
///     .bearer_auth("sk_test_mock")
///     .send()
///     .await?;
/// let users: serde_json::Value = serde_json::from_str(&response.text().await?)?;
/// assert_eq!(users[0]["id"], ada.as_str());
///
/// let request = &mock.recorded_requests()[0];
/// assert_eq!(request.query_values("email_address"), ["ada@example.com"]);
/// assert_eq!(request.raw_query_pairs[0].1, "ada%40example.com");
/// # Ok(()) }
/// ```
///
/// Wire behaviour, as Clerk's (the differences are called out):
/// * `Authorization` must be `Bearer <secret key>` (for [`Endpoint::M2mVerify`] the machine
///   secret key is accepted too): a missing or malformed header is 401
///   `authorization_header_format_invalid`, an unknown key 401 `clerk_key_invalid`. Like
///   Clerk, the bearer is checked before routing, so an unknown path with a bad key is 401.
/// * Errors are Clerk's body `{"errors":[{code, message, long_message, meta?}],
///   "clerk_trace_id"}`: 404 `resource_not_found` for unknown ids and paths, 422
///   `form_param_missing` for a missing required field, 422 `form_param_value_invalid` for
///   a wrong type or value (a `limit` of `10.0`, a raw `+` in `order_by`), 400
///   `malformed_request` for a body that is not a JSON object, 405 for a served path with
///   another method.
/// * Lists take `limit` (1 to 500, default 10; outside that a 422, where the real API is
///   reported to silently answer 10 items), `offset` and `order_by` (`+`/`-` prefix, first
///   value wins). `/users` is a bare array (its total from `/users/count`); `/invitations`
///   and `/sessions` are bare arrays unless `paginated=true`; the others are
///   `{data, total_count}`. Orders are total: ties are broken by creation order.
/// * Timestamps in answers are Unix milliseconds; `created_at` and `legal_accepted_at` in
///   bodies are RFC 3339.
/// * Metadata: PATCH `…/metadata` deep-merges (a `null` deletes that key at any depth), PUT
///   replaces each field given whole (`null` stores `null`).
/// * Every request to a known [`Endpoint`] is counted and its headers are kept; every request
///   at all, known or not, is in [`recorded_requests`](MockClerkApi::recorded_requests).
/// * Error codes Clerk documents are used as Clerk uses them. Where Clerk documents only a
///   status, the code is the mock's own (`password_not_set`, `incorrect_password`,
///   `invitation_not_pending`, `already_a_member_in_organization`,
///   `organization_membership_quota_exceeded`, `too_many_requests`,
///   `request_body_too_large`): code against the status for those.
/// * [`Fault`]s come first (before the bearer check): the next pushed one, else the one set
///   for the endpoint.
/// * An optional rate limit ([`set_rate_limit`](MockClerkApi::set_rate_limit)) per secret
///   key answers 429 `too_many_requests` with `Retry-After` in seconds; JWKS is exempt, as
///   on Clerk.
///
/// Dropping the mock shuts the server down and ends every open connection.
pub struct MockClerkApi {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    accept: JoinHandle<()>,
}

impl MockClerkApi {
    /// Starts the server on `127.0.0.1:0` inside the current tokio runtime. `secret_key` is the
    /// bearer it accepts.
    ///
    /// # Errors
    /// The I/O error if the listener cannot be bound.
    pub async fn start(secret_key: impl Into<String>) -> std::io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let mut state = State::new(secret_key.into());
        state.issuer = format!("http://{addr}");
        let state = Arc::new(Mutex::new(state));
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&state)));
        Ok(MockClerkApi { addr, state, accept })
    }

    /// The base URL, `http://127.0.0.1:<port>`, for [`api_url`](crate::config::ClerkConfigBuilder::api_url).
    /// It is also the `iss` of the session tokens it signs.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Also accepts `key` as the bearer on [`Endpoint::M2mVerify`] (the machine secret key).
    pub fn set_machine_secret_key(&self, key: impl Into<String>) {
        self.state().machine_secret_key = Some(key.into());
    }

    /// Also accepts `key` as a secret key everywhere (another instance's key: it shares the
    /// data but has its own rate-limit window).
    pub fn accept_secret_key(&self, key: impl Into<String>) {
        self.state().secret_keys.push(key.into());
    }

    /// Serves `keys`' public JWK from the JWKS endpoint, replacing a key with the same `kid`;
    /// the latest added key signs the session tokens of `POST /v1/sessions/{id}/tokens`.
    /// A key the crypto library cannot encode (it always can) is skipped.
    pub fn add_key(&self, keys: &TestKeys) {
        let Ok(jwk) = keys.jwk() else { return };
        let mut state = self.state();
        state.keys.retain(|(k, _)| k.get("kid") != jwk.get("kid"));
        state.keys.push((jwk, keys.clone()));
    }

    /// Stops serving the key with this `kid`.
    pub fn remove_key(&self, kid: &str) {
        self.state()
            .keys
            .retain(|(k, _)| k.get("kid").and_then(Value::as_str) != Some(kid));
    }

    /// Replaces every served key with `keys` (a key rotation), in order; later keys replace
    /// earlier ones with the same `kid`.
    pub fn set_keys(&self, keys: &[&TestKeys]) {
        let mut jwks: Vec<(Value, TestKeys)> = Vec::with_capacity(keys.len());
        for key in keys {
            let Ok(jwk) = key.jwk() else { continue };
            jwks.retain(|(k, _)| k.get("kid") != jwk.get("kid"));
            jwks.push((jwk, (*key).clone()));
        }
        // One swap, so a concurrent JWKS request never sees a half-rotated set.
        self.state().keys = jwks;
    }

    /// Registers an opaque machine token: the verify endpoint for `spec`'s token type answers
    /// `token` with Clerk's JSON for `spec`. Registering the same text again replaces it.
    pub fn register_machine_token(&self, token: impl Into<String>, spec: MachineTokenSpec) {
        let answer = (spec.endpoint(), spec.to_json(SystemClock.now_ms()));
        self.state().tokens.insert(token.into(), answer);
    }

    /// Injects `fault` into every request to `endpoint` until [`MockClerkApi::clear_faults`].
    pub fn set_fault(&self, endpoint: Endpoint, fault: Fault) {
        self.state().persistent_faults.insert(endpoint, fault);
    }

    /// Injects `fault` into the next request to `endpoint` only. Pushed faults queue up per
    /// endpoint and are used before the one set with [`MockClerkApi::set_fault`].
    pub fn push_fault(&self, endpoint: Endpoint, fault: Fault) {
        self.state()
            .queued_faults
            .entry(endpoint)
            .or_default()
            .push_back(fault);
    }

    /// Removes every fault, set and pushed, on every endpoint.
    pub fn clear_faults(&self) {
        let mut state = self.state();
        state.persistent_faults.clear();
        state.queued_faults.clear();
    }

    /// How many requests reached `endpoint` (answered, failed or faulted) since the start or
    /// the last [`MockClerkApi::reset_counters`].
    pub fn requests(&self, endpoint: Endpoint) -> usize {
        self.state().counts.get(&endpoint).copied().unwrap_or_default()
    }

    /// Sets every request count to zero and forgets the recorded headers (the request log
    /// has its own [`clear_recorded_requests`](MockClerkApi::clear_recorded_requests)).
    pub fn reset_counters(&self) {
        let mut state = self.state();
        state.counts.clear();
        state.last_headers.clear();
    }

    /// The headers of the latest request to `endpoint`, if any since the last reset.
    pub fn last_request_headers(&self, endpoint: Endpoint) -> Option<HeaderMap> {
        self.state().last_headers.get(&endpoint).cloned()
    }

    /// Every request received since the start or the last
    /// [`clear_recorded_requests`](MockClerkApi::clear_recorded_requests), in arrival order:
    /// known paths or not, answered, refused or faulted.
    pub fn recorded_requests(&self) -> Vec<RecordedRequest> {
        self.state().log.clone()
    }

    /// The recorded requests that were routed to `endpoint`.
    pub fn recorded_requests_to(&self, endpoint: Endpoint) -> Vec<RecordedRequest> {
        self.state()
            .log
            .iter()
            .filter(|r| r.endpoint == Some(endpoint))
            .cloned()
            .collect()
    }

    /// The latest recorded request.
    pub fn last_recorded_request(&self) -> Option<RecordedRequest> {
        self.state().log.last().cloned()
    }

    /// Empties the request log.
    pub fn clear_recorded_requests(&self) {
        self.state().log.clear();
    }

    /// Turns the request log on (the default) or off, e.g. for a benchmark that should not
    /// grow it.
    pub fn record_requests(&self, on: bool) {
        self.state().recording = on;
    }

    /// Limits each secret key to `max_requests` per `window` (a fixed window from its first
    /// request); past it, requests are answered 429 `too_many_requests` with `Retry-After`
    /// (whole seconds, at least 1) until the window ends. Clerk's limits are 100 per 10 s on
    /// development instances and 1,000 per 10 s in production. JWKS is exempt. Setting a
    /// limit again starts fresh windows.
    pub fn set_rate_limit(&self, max_requests: u32, window: Duration) {
        self.state().rate_limit = Some(RateLimit::new(max_requests, window));
    }

    /// Removes the rate limit.
    pub fn clear_rate_limit(&self) {
        self.state().rate_limit = None;
    }

    /// Adds a user and returns its id.
    ///
    /// # Errors
    /// [`SeedError::IdTaken`] or [`SeedError::EmailAddressTaken`].
    pub fn seed_user(&self, seed: UserSeed) -> Result<String, SeedError> {
        self.state().store.insert_user(seed, SystemClock.now_ms())
    }

    /// Adds an organization (and, with `created_by`, its creator as an `org:admin`) and
    /// returns its id.
    ///
    /// # Errors
    /// [`SeedError::IdTaken`], [`SeedError::SlugTaken`] or [`SeedError::UnknownUser`].
    pub fn seed_organization(&self, seed: OrganizationSeed) -> Result<String, SeedError> {
        self.state().store.insert_organization(seed, SystemClock.now_ms())
    }

    /// Adds a membership and returns its id (`orgmem_…`).
    ///
    /// # Errors
    /// [`SeedError::UnknownOrganization`], [`SeedError::UnknownUser`],
    /// [`SeedError::AlreadyMember`] or [`SeedError::MembershipQuotaExceeded`].
    pub fn seed_membership(&self, seed: MembershipSeed) -> Result<String, SeedError> {
        self.state().store.insert_membership(seed, SystemClock.now_ms())
    }

    /// Adds an instance invitation and returns its id.
    ///
    /// # Errors
    /// [`SeedError::IdTaken`].
    pub fn seed_invitation(&self, seed: InvitationSeed) -> Result<String, SeedError> {
        self.state()
            .store
            .insert_invitation(seed, None, SystemClock.now_ms())
    }

    /// Adds an organization invitation and returns its id.
    ///
    /// # Errors
    /// [`SeedError::UnknownOrganization`], [`SeedError::UnknownUser`] (the inviter) or
    /// [`SeedError::IdTaken`].
    pub fn seed_organization_invitation(
        &self,
        seed: OrganizationInvitationSeed,
    ) -> Result<String, SeedError> {
        self.state()
            .store
            .insert_organization_invitation(seed, None, SystemClock.now_ms())
    }

    /// Adds a session and returns its id.
    ///
    /// # Errors
    /// [`SeedError::UnknownUser`] or [`SeedError::IdTaken`].
    pub fn seed_session(&self, seed: SessionSeed) -> Result<String, SeedError> {
        self.state().store.insert_session(seed, SystemClock.now_ms())
    }

    /// Registers a JWT template for `POST /v1/sessions/{id}/tokens/{template_name}`: its
    /// tokens carry `claims` (an object) on top of the session claims. Unknown templates
    /// are 404.
    pub fn add_jwt_template(&self, name: impl Into<String>, claims: Value) {
        self.state().store.jwt_templates.insert(name.into(), claims);
    }

    /// The user's JSON as `GET /v1/users/{id}` answers it.
    pub fn user(&self, id: &str) -> Option<Value> {
        self.state().store.users.get(id).map(|u| u.to_json())
    }

    /// The organization's JSON (by id or slug) as `GET /v1/organizations/{id}` answers it.
    pub fn organization(&self, id_or_slug: &str) -> Option<Value> {
        self.state()
            .store
            .organization_by_id_or_slug(id_or_slug)
            .map(|o| o.to_json(None))
    }

    /// The membership of `user_id` in `organization_id`, as the membership endpoints answer
    /// it.
    pub fn membership(&self, organization_id: &str, user_id: &str) -> Option<Value> {
        let state = self.state();
        let store = &state.store;
        store
            .membership(organization_id, user_id)
            .map(|m| store.membership_json(m))
    }

    /// The instance invitation's JSON.
    pub fn invitation(&self, id: &str) -> Option<Value> {
        self.state().store.invitations.get(id).map(|i| i.to_json())
    }

    /// The organization invitation's JSON.
    pub fn organization_invitation(&self, id: &str) -> Option<Value> {
        let state = self.state();
        let store = &state.store;
        store
            .organization_invitations
            .get(id)
            .map(|i| store.organization_invitation_json(i))
    }

    /// The session's JSON.
    pub fn session(&self, id: &str) -> Option<Value> {
        self.state().store.sessions.get(id).map(|s| s.to_json())
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

impl fmt::Debug for MockClerkApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        let kids: Vec<&str> = state
            .keys
            .iter()
            .filter_map(|(k, _)| k.get("kid").and_then(Value::as_str))
            .collect();
        f.debug_struct("MockClerkApi")
            .field("url", &self.url())
            .field("kids", &kids)
            .field("machine_tokens", &state.tokens.len())
            .field("users", &state.store.users.len())
            .field("organizations", &state.store.organizations.len())
            .field("recorded_requests", &state.log.len())
            .finish_non_exhaustive()
    }
}

impl Drop for MockClerkApi {
    fn drop(&mut self) {
        // Dropping the accept task's JoinSet aborts every connection task too.
        self.accept.abort();
    }
}
