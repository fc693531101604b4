//! The demo's Backend API routes, `GET /me/profile` and `GET /admin/members`, which call Clerk
//! through the [`Clerk`]'s own client ([`Clerk::api`]), and the HTTP answer for each way such
//! a call can fail ([`ApiFailure`]).
//!
//! Local development mode points that client at a local Clerk
//! ([`MockClerkApi`](clerk_sdk::testing::MockClerkApi)) started in-process and seeded with the
//! users and organization the printed tokens name ([`start_local_clerk`]); configured mode
//! uses the real Backend API with `CLERK_SECRET_KEY`.

use axum::Json;
use axum::extract::State;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use clerk_sdk::Clerk;
use clerk_sdk::api::{ApiError, MembershipListParams, OrganizationMembership, Refusal};
use clerk_sdk::axum::ClerkSession;
use clerk_sdk::clerk_protected;
use clerk_sdk::testing::{MembershipSeed, MockClerkApi, OrganizationSeed, UserSeed};
use serde_json::{Value, json};

use super::DemoError;
use super::local::{ADMIN_USER, MEMBER_USER, ORG_ID, ORG_SLUG};

/// The most members `GET /admin/members` lists (one Backend API page).
pub const MEMBERS_PAGE: u32 = 100;

/// A user of the local Clerk: the id the printed tokens carry, names, email address, and
/// role in [`ORG_ID`].
struct DemoUser {
    id: &'static str,
    first_name: &'static str,
    last_name: &'static str,
    email_address: &'static str,
    role: &'static str,
}

/// The users the printed session tokens name, as the local Clerk holds them. The admin joined
/// the organization last, so Clerk's default order (newest first) lists them first.
const DEMO_USERS: [DemoUser; 2] = [
    DemoUser {
        id: MEMBER_USER,
        first_name: "Mia",
        last_name: "Member",
        email_address: "member@demo.example",
        role: "org:member",
    },
    DemoUser {
        id: ADMIN_USER,
        first_name: "Ada",
        last_name: "Admin",
        email_address: "admin@demo.example",
        role: "org:admin",
    },
];

/// The name of [`ORG_ID`].
const ORG_NAME: &str = "Demo Org";

/// A local Clerk on `127.0.0.1` (a free port) that accepts `secret_key`, holding
/// the users the printed tokens name as members of their organization (`org_demo`), with the
/// roles the tokens claim.
///
/// # Errors
/// [`DemoError::LocalClerk`] when the server cannot start or a seed is refused.
pub async fn start_local_clerk(secret_key: &str) -> Result<MockClerkApi, DemoError> {
    let mock = MockClerkApi::start(secret_key)
        .await
        .map_err(|e| DemoError::LocalClerk(e.to_string()))?;
    let seeded = (|| {
        // Fixed creation times (Unix ms), so every run lists the members in the same order.
        let founded = 1_700_000_000_000u64;
        mock.seed_organization(
            OrganizationSeed::new(ORG_NAME)
                .id(ORG_ID)
                .slug(ORG_SLUG)
                .created_at(founded),
        )?;
        for (joined, user) in (1..).map(|n| founded + 1_000 * n).zip(&DEMO_USERS) {
            mock.seed_user(
                UserSeed::new()
                    .id(user.id)
                    .first_name(user.first_name)
                    .last_name(user.last_name)
                    .email_address(user.email_address)
                    .created_at(joined),
            )?;
            mock.seed_membership(MembershipSeed::new(ORG_ID, user.id, user.role).created_at(joined))?;
        }
        Ok::<(), clerk_sdk::testing::SeedError>(())
    })();
    seeded.map_err(|e| DemoError::LocalClerk(format!("seeding failed: {e}")))?;
    Ok(mock)
}

/// `GET /me/profile`: the signed-in user's name and primary email address, loaded from Clerk
/// with `api.users().get`.
#[clerk_protected]
pub(super) async fn profile(
    State(clerk): State<Clerk>,
    ClerkSession(session): ClerkSession,
) -> Result<Json<Value>, ApiFailure> {
    Ok(Json(profile_of(&clerk, session.user_id()).await?))
}

/// `GET /admin/members`: the members of the caller's active organization (org admins only),
/// one page of [`MEMBERS_PAGE`].
#[clerk_protected(role = "org:admin")]
pub(super) async fn members(
    State(clerk): State<Clerk>,
    ClerkSession(session): ClerkSession,
) -> Result<Json<Value>, ApiFailure> {
    // The role check passed, so the session has an active organization.
    let org_id = session.org_id().unwrap_or_default();
    Ok(Json(members_of(&clerk, org_id).await?))
}

/// The body of `GET /me/profile` for `user_id`: `{"user_id", "name", "email_address"}`.
/// Framework-neutral, so any adapter's handler can answer with it.
///
/// # Errors
/// The [`ApiError`] of `users().get`, answered with [`ApiFailure`].
pub async fn profile_of(clerk: &Clerk, user_id: &str) -> Result<Value, ApiError> {
    let user = clerk.api().users().get(user_id).await?;
    Ok(json!({
        "user_id": user.id,
        "name": user.full_name(),
        "email_address": user.primary_email_address().map(|e| e.email_address.as_str()),
    }))
}

/// The body of `GET /admin/members` for `org_id`: `{"org_id", "total_count", "members"}`.
/// Framework-neutral, as [`profile_of`].
///
/// # Errors
/// The [`ApiError`] of `organizations().memberships(..).list`, answered with [`ApiFailure`].
pub async fn members_of(clerk: &Clerk, org_id: &str) -> Result<Value, ApiError> {
    let page = clerk
        .api()
        .organizations()
        .memberships(org_id)
        .list(&MembershipListParams::new().limit(MEMBERS_PAGE))
        .await?;
    let members: Vec<Value> = page.data.iter().map(member).collect();
    Ok(json!({
        "org_id": org_id,
        "total_count": page.total_count,
        "members": members,
    }))
}

/// One entry of `GET /admin/members`.
fn member(membership: &OrganizationMembership) -> Value {
    let user = membership.public_user_data.as_ref();
    json!({
        "user_id": membership.user_id(),
        "role": membership.role,
        "identifier": user.and_then(|u| u.identifier.as_deref()),
    })
}

/// A failed Backend API call as the demo answers it, in the `{"error", "reason", "message"}`
/// shape of its other refusals (`reason` is the [`ApiError::reason`]):
///
/// - Clerk has no such object: `404 not_found`;
/// - Clerk's rate limit (429), Clerk failing (5xx), no connection or a timeout:
///   `503 temporarily_unavailable`, with `Retry-After` when Clerk sent one (the caller did
///   nothing wrong, Clerk is just not available to it for now);
/// - an answer that does not fit the model: `502 bad_gateway`;
/// - no secret key (configured mode with only `CLERK_JWT_KEY`), or one Clerk refuses:
///   `500 server_error`.
///
/// The message never holds the secret key: [`ApiError`]'s `Display` has none. Failures other
/// than 404 are logged at `warn` with Clerk's trace id.
#[derive(Debug)]
pub struct ApiFailure(pub ApiError);

impl From<ApiError> for ApiFailure {
    fn from(e: ApiError) -> Self {
        ApiFailure(e)
    }
}

impl ApiFailure {
    /// The status and the body's `error` code.
    pub fn status(&self) -> (StatusCode, &'static str) {
        let e = &self.0;
        if e.is_not_found() {
            return (StatusCode::NOT_FOUND, "not_found");
        }
        let unavailable = (StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable");
        match e {
            _ if e.is_rate_limited() => unavailable,
            ApiError::Status(s) if s.status.is_server_error() => unavailable,
            ApiError::Transport { .. } | ApiError::Timeout { .. } => unavailable,
            ApiError::Decode { .. } => (StatusCode::BAD_GATEWAY, "bad_gateway"),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "server_error"),
        }
    }

    /// The body: `{"error", "reason", "message"}`.
    pub fn body(&self) -> Value {
        let (_, error) = self.status();
        json!({ "error": error, "reason": self.0.reason(), "message": self.message() })
    }

    /// The `Retry-After` to send, in whole seconds rounded up: Clerk's, on a 503 only.
    pub fn retry_after_secs(&self) -> Option<u64> {
        let (status, _) = self.status();
        let wait = self
            .0
            .retry_after()
            .filter(|_| status == StatusCode::SERVICE_UNAVAILABLE)?;
        Some(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
    }

    /// Logs a failure other than 404 at `warn`, with Clerk's trace id.
    pub fn log(&self) {
        let e = &self.0;
        if !e.is_not_found() {
            tracing::warn!(
                reason = e.reason(),
                status = ?e.status(),
                code = e.code(),
                trace_id = e.trace_id(),
                "Backend API call failed: {e}"
            );
        }
    }

    fn message(&self) -> String {
        match &self.0 {
            ApiError::Refused(Refusal::MissingSecretKey) => {
                "the Backend API needs a secret key: start the demo with CLERK_SECRET_KEY".to_owned()
            }
            e if e.is_unauthorized() => "Clerk refused the secret key: check CLERK_SECRET_KEY".to_owned(),
            e => format!("Backend API call failed: {e}"),
        }
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        self.log();
        let (status, _) = self.status();
        let mut response = (status, Json(self.body())).into_response();
        if let Some(secs) = self.retry_after_secs() {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use clerk_sdk::api::TransportFailure;

    use super::*;

    /// The failures without an answer from Clerk, each with its status and body. (Clerk's own
    /// answers, 404, 429 and 5xx, are checked against the local Clerk in
    /// `tests/demo_routes.rs`.)
    #[test]
    fn failures_without_an_answer_map_to_a_status_and_body() {
        let cases: [(ApiError, u16, &str, &str); 5] = [
            (
                ApiError::Transport {
                    cause: TransportFailure::Connect,
                    attempts: 4,
                },
                503,
                "temporarily_unavailable",
                "api-connect-failed",
            ),
            (
                ApiError::Timeout {
                    attempts: 1,
                    elapsed: Duration::from_secs(30),
                },
                503,
                "temporarily_unavailable",
                "api-timeout",
            ),
            (
                ApiError::Decode {
                    path: "email_addresses[0]".to_owned(),
                    message: "invalid type".to_owned(),
                    status: StatusCode::OK,
                },
                502,
                "bad_gateway",
                "api-decode-failed",
            ),
            (
                Refusal::MissingSecretKey.into(),
                500,
                "server_error",
                "secret-key-missing",
            ),
            (
                Refusal::LimitOutOfRange(501).into(),
                500,
                "server_error",
                "api-limit-out-of-range",
            ),
        ];
        for (error, status, code, reason) in cases {
            let failure = ApiFailure(error);
            assert_eq!(failure.status(), (StatusCode::from_u16(status).unwrap(), code));
            let body = failure.body();
            assert_eq!(body["error"], code);
            assert_eq!(body["reason"], reason);
            assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
            assert_eq!(failure.retry_after_secs(), None);
        }
        let missing = ApiFailure(Refusal::MissingSecretKey.into()).body();
        assert!(missing["message"].as_str().unwrap().contains("CLERK_SECRET_KEY"));
    }
}
