//! Invitations: the instance's (`/v1/invitations`, a bare array unless `paginated=true`) and
//! an organization's (`/v1/organizations/{id}/invitations`, always `{data, total_count}`).

use http::StatusCode;
use serde_json::Value;

use super::Endpoint;
use super::seed::{InvitationSeed, OrganizationInvitationSeed, SeedError};
use super::server::Call;
use super::store::{InvitationStatus, Store};
use super::wire::{ApiError, Body, Query, SortKey, bare_or_wrapped, sort_rows, wrapped};

pub(super) fn handle(store: &mut Store, endpoint: Endpoint, call: &Call) -> Result<Value, ApiError> {
    match endpoint {
        Endpoint::InvitationList => list(store, &call.query),
        Endpoint::InvitationCreate => create(store, call),
        Endpoint::InvitationRevoke => {
            let invitation = store
                .invitations
                .get_mut(call.param(0))
                .ok_or_else(ApiError::not_found)?;
            revoke(&mut invitation.status)?;
            invitation.updated_at = call.now;
            Ok(invitation.to_json())
        }
        Endpoint::OrganizationInvitationList => list_in_organization(store, call),
        Endpoint::OrganizationInvitationCreate => create_in_organization(store, call),
        Endpoint::OrganizationInvitationGet => {
            let id = organization_invitation_id(store, call)?;
            let invitation = store
                .organization_invitations
                .get(&id)
                .ok_or_else(ApiError::not_found)?;
            Ok(store.organization_invitation_json(invitation))
        }
        Endpoint::OrganizationInvitationRevoke => {
            let body = call.json()?;
            if let Some(requester) = body.string("requesting_user_id")?
                && !store.users.contains(&requester)
            {
                return Err(ApiError::not_found());
            }
            let id = organization_invitation_id(store, call)?;
            let invitation = store
                .organization_invitations
                .get_mut(&id)
                .ok_or_else(ApiError::not_found)?;
            revoke(&mut invitation.status)?;
            invitation.updated_at = call.now;
            let invitation = store
                .organization_invitations
                .get(&id)
                .ok_or_else(ApiError::not_found)?;
            Ok(store.organization_invitation_json(invitation))
        }
        _ => Err(ApiError::not_found()),
    }
}

/// Only a pending invitation can be revoked.
fn revoke(status: &mut InvitationStatus) -> Result<(), ApiError> {
    if *status != InvitationStatus::Pending {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invitation_not_pending",
            format!(
                "Only pending invitations can be revoked; this one is {}.",
                status.as_str()
            ),
        ));
    }
    *status = InvitationStatus::Revoked;
    Ok(())
}

/// The `status` filter (repeatable, any may match); an unknown status is a 422.
fn statuses(query: &Query) -> Result<Vec<InvitationStatus>, ApiError> {
    query
        .all("status")
        .into_iter()
        .map(|s| {
            InvitationStatus::parse(s)
                .ok_or_else(|| ApiError::invalid("status", "must be pending, accepted, revoked or expired"))
        })
        .collect()
}

/// The sign-up link an invitation email would carry.
fn ticket_url(id: &str, redirect_url: Option<&str>) -> String {
    let mut url = format!("https://accounts.mock.clerk.test/v1/tickets/accept?ticket={id}");
    if let Some(redirect) = redirect_url {
        url.push_str("&redirect_url=");
        url.extend(form_urlencoded::byte_serialize(redirect.as_bytes()));
    }
    url
}

/// `expires_in_days`, 1 to 365 when given.
fn expires_in_days(body: &Body) -> Result<Option<u64>, ApiError> {
    let days = body.u64("expires_in_days")?;
    if days.is_some_and(|d| !(1..=365).contains(&d)) {
        return Err(ApiError::invalid("expires_in_days", "must be between 1 and 365"));
    }
    Ok(days)
}

fn duplicate(message: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "duplicate_record", message)
}

fn list(store: &Store, query: &Query) -> Result<Value, ApiError> {
    let page = query.page()?;
    let order = query.order_by("-created_at", &["created_at", "email_address", "expires_at"])?;
    let statuses = statuses(query)?;
    let search = query
        .first("query")
        .filter(|q| !q.is_empty())
        .map(str::to_lowercase);
    let mut invitations: Vec<_> = store
        .invitations
        .iter()
        .filter(|i| {
            (statuses.is_empty() || statuses.contains(&i.status))
                && search.as_ref().is_none_or(|q| {
                    i.email_address.to_lowercase().contains(q) || i.id.to_lowercase().contains(q)
                })
        })
        .collect();
    sort_rows(
        &mut invitations,
        order,
        |i| match order.field {
            "email_address" => SortKey::text(Some(&i.email_address)),
            "expires_at" => SortKey::Number(i.expires_at),
            _ => SortKey::Number(Some(i.created_at)),
        },
        |i| i.seq,
    );
    let total_count = invitations.len();
    let data = page.apply(invitations).into_iter().map(|i| i.to_json()).collect();
    bare_or_wrapped(query, data, total_count)
}

fn create(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let body = call.json()?;
    let email_address = body.required_string("email_address")?;
    let ignore_existing = body.bool("ignore_existing")?.unwrap_or(false);
    let lower = email_address.to_lowercase();
    if !ignore_existing {
        if store.emails.contains_key(&lower) {
            return Err(ApiError::unprocessable(
                "form_identifier_exists",
                "email_address",
                "That email address is taken. Please try another.",
            ));
        }
        let pending = store
            .invitations
            .iter()
            .any(|i| i.status == InvitationStatus::Pending && i.email_address.to_lowercase() == lower);
        if pending {
            return Err(duplicate(
                "There is already a pending invitation for this email address.",
            ));
        }
    }
    body.bool("notify")?;
    body.string("template_slug")?;
    let id = super::store::new_id("inv");
    let url = ticket_url(&id, body.string("redirect_url")?.as_deref());
    let seed = InvitationSeed {
        id: Some(id.clone()),
        public_metadata: body.metadata("public_metadata")?,
        expires_in_days: expires_in_days(&body)?,
        ..InvitationSeed::new(email_address)
    };
    store
        .insert_invitation(seed, Some(url), call.now)
        .map_err(|e| duplicate(&e.to_string()))?;
    let invitation = store.invitations.get(&id).ok_or_else(ApiError::not_found)?;
    Ok(invitation.to_json())
}

/// The invitation of path parameters `{organization_id}/invitations/{invitation_id}`, which
/// must belong to that organization.
fn organization_invitation_id(store: &Store, call: &Call) -> Result<String, ApiError> {
    store
        .organization_invitations
        .get(call.param(1))
        .filter(|i| i.organization_id == call.param(0))
        .map(|i| i.id.clone())
        .ok_or_else(ApiError::not_found)
}

fn list_in_organization(store: &Store, call: &Call) -> Result<Value, ApiError> {
    let organization_id = call.param(0);
    if !store.organizations.contains(organization_id) {
        return Err(ApiError::not_found());
    }
    let query = &call.query;
    let page = query.page()?;
    let order = query.order_by("-created_at", &["created_at", "email_address"])?;
    let statuses = statuses(query)?;
    let email = query.first("email_address").map(str::to_lowercase);
    let mut invitations: Vec<_> = store
        .organization_invitations
        .iter()
        .filter(|i| {
            i.organization_id == organization_id
                && (statuses.is_empty() || statuses.contains(&i.status))
                && email
                    .as_ref()
                    .is_none_or(|e| i.email_address.to_lowercase() == *e)
        })
        .collect();
    sort_rows(
        &mut invitations,
        order,
        |i| match order.field {
            "email_address" => SortKey::text(Some(&i.email_address)),
            _ => SortKey::Number(Some(i.created_at)),
        },
        |i| i.seq,
    );
    let total_count = invitations.len();
    let data = page
        .apply(invitations)
        .into_iter()
        .map(|i| store.organization_invitation_json(i))
        .collect();
    Ok(wrapped(data, total_count))
}

fn create_in_organization(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let organization_id = call.param(0);
    if !store.organizations.contains(organization_id) {
        return Err(ApiError::not_found());
    }
    let body = call.json()?;
    let email_address = body.required_string("email_address")?;
    let role = body.required_string("role")?;
    let lower = email_address.to_lowercase();
    let pending = store.organization_invitations.iter().any(|i| {
        i.organization_id == organization_id
            && i.status == InvitationStatus::Pending
            && i.email_address.to_lowercase() == lower
    });
    if pending {
        return Err(duplicate(
            "There is already a pending invitation for this email address in this organization.",
        ));
    }
    body.bool("notify")?;
    let id = super::store::new_id("orginv");
    let url = ticket_url(&id, body.string("redirect_url")?.as_deref());
    let seed = OrganizationInvitationSeed {
        id: Some(id.clone()),
        inviter_user_id: body.string("inviter_user_id")?,
        public_metadata: body.metadata("public_metadata")?,
        private_metadata: body.metadata("private_metadata")?,
        expires_in_days: expires_in_days(&body)?,
        ..OrganizationInvitationSeed::new(organization_id, email_address, role)
    };
    store
        .insert_organization_invitation(seed, Some(url), call.now)
        .map_err(|error| match error {
            SeedError::UnknownUser { .. } | SeedError::UnknownOrganization { .. } => ApiError::not_found(),
            other => duplicate(&other.to_string()),
        })?;
    let invitation = store
        .organization_invitations
        .get(&id)
        .ok_or_else(ApiError::not_found)?;
    Ok(store.organization_invitation_json(invitation))
}
