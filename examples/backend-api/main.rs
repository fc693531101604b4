//! Calling Clerk's Backend API from axum handlers: the signed-in user's profile, the members
//! of their organization, a metadata write, and what to answer when Clerk says 404 or 429.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header::RETRY_AFTER};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use clerk_sdk::api::{ApiError, MembershipListParams, MetadataParams};
use clerk_sdk::axum::{ClerkLayer, ClerkSession};
use clerk_sdk::{Clerk, clerk_protected};
use serde_json::{Value, json};

/// The signed-in user, loaded from Clerk (`GET /v1/users/{id}`).
#[clerk_protected]
async fn profile(
    State(clerk): State<Clerk>,
    ClerkSession(session): ClerkSession,
) -> Result<Json<Value>, ApiFailure> {
    let user = clerk.api().users().get(session.user_id()).await?;
    Ok(Json(json!({
        "name": user.full_name(),
        "email": user.primary_email_address().map(|e| e.email_address.as_str()),
        "plan": user.public_metadata.get("plan"),
    })))
}

/// The members of the caller's active organization, for its admins.
#[clerk_protected(role = "org:admin")]
async fn members(
    State(clerk): State<Clerk>,
    ClerkSession(session): ClerkSession,
) -> Result<Json<Value>, ApiFailure> {
    let org_id = session.org_id().unwrap_or_default(); // an org role implies an org
    let page = clerk
        .api()
        .organizations()
        .memberships(org_id)
        .list(&MembershipListParams::new().limit(100))
        .await?;
    let members: Vec<Value> = page
        .data
        .iter()
        .map(|m| json!({ "user_id": m.user_id(), "role": m.role }))
        .collect();
    Ok(Json(json!({ "total": page.total_count, "members": members })))
}

/// Records the user's choice in their public metadata: a deep merge, other keys stay.
#[clerk_protected]
async fn choose_pro_plan(
    State(clerk): State<Clerk>,
    ClerkSession(session): ClerkSession,
) -> Result<StatusCode, ApiFailure> {
    let metadata = MetadataParams::new().public_metadata(json!({ "plan": "pro" }));
    clerk
        .api()
        .users()
        .update_metadata(session.user_id(), &metadata)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A failed Backend API call as an HTTP answer. `ApiError` never shows the secret key.
struct ApiFailure(ApiError);

impl From<ApiError> for ApiFailure {
    fn from(e: ApiError) -> Self {
        ApiFailure(e)
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let e = self.0;
        if e.is_not_found() {
            return StatusCode::NOT_FOUND.into_response();
        }
        if e.is_rate_limited() {
            // Retried within the client's policy already; pass Clerk's wait on to the caller.
            let mut answer = StatusCode::SERVICE_UNAVAILABLE.into_response();
            if let Some(wait) = e.retry_after() {
                answer
                    .headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
            }
            return answer;
        }
        // Status, Clerk's error code and trace id: what Clerk's support asks for.
        eprintln!("Backend API call failed: {e} (reason: {})", e.reason());
        StatusCode::BAD_GATEWAY.into_response()
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // CLERK_SECRET_KEY (the Backend API's key; it also verifies sessions), CLERK_JWT_KEY, ...
    let clerk = Clerk::from_env()?;
    let app = Router::new()
        .route("/profile", get(profile))
        .route("/members", get(members))
        .route("/plan/pro", post(choose_pro_plan))
        .layer(ClerkLayer::new(clerk.clone()))
        .with_state(clerk);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    axum::serve(listener, app).await?;
    Ok(())
}
