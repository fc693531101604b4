//! The `/v1/organizations` endpoints: organizations (CRUD, metadata, lists with members
//! counts) and their memberships. Every list here is `{data, total_count}`.

use http::StatusCode;
use serde_json::{Value, json};

use super::Endpoint;
use super::seed::{MembershipSeed, OrganizationSeed, SeedError, slugify};
use super::server::Call;
use super::store::{MembershipRow, OrganizationRow, Store};
use super::users::{IdFilter, UserMatch};
use super::wire::{ApiError, Body, SortKey, apply_metadata, sort_rows, wrapped};

pub(super) fn handle(store: &mut Store, endpoint: Endpoint, call: &Call) -> Result<Value, ApiError> {
    match endpoint {
        Endpoint::OrganizationList => list(store, call),
        Endpoint::OrganizationCreate => create(store, call),
        Endpoint::OrganizationGet => {
            let organization = store
                .organization_by_id_or_slug(call.param(0))
                .ok_or_else(ApiError::not_found)?;
            let count = call
                .query
                .bool("include_members_count")?
                .unwrap_or(false)
                .then(|| store.members_count(&organization.id));
            Ok(organization.to_json(count))
        }
        Endpoint::OrganizationUpdate => update(store, call),
        Endpoint::OrganizationDelete => {
            let organization = store
                .delete_organization(call.param(0))
                .ok_or_else(ApiError::not_found)?;
            Ok(json!({
                "object": "organization",
                "id": organization.id,
                "slug": organization.slug,
                "deleted": true,
            }))
        }
        Endpoint::OrganizationMetadataMerge | Endpoint::OrganizationMetadataReplace => {
            let body = call.json()?;
            let organization = organization_mut(store, call.param(0))?;
            apply_metadata(
                &body,
                endpoint == Endpoint::OrganizationMetadataReplace,
                &mut [
                    ("public_metadata", &mut organization.public_metadata),
                    ("private_metadata", &mut organization.private_metadata),
                ],
            )?;
            organization.updated_at = call.now;
            Ok(organization.to_json(None))
        }
        Endpoint::MembershipList => list_memberships(store, call),
        Endpoint::MembershipCreate => create_membership(store, call),
        Endpoint::MembershipUpdate | Endpoint::MembershipMetadataMerge => {
            let body = call.json()?;
            let role = if endpoint == Endpoint::MembershipUpdate {
                Some(body.required_string("role")?)
            } else {
                None
            };
            let id = membership_id(store, call)?;
            let membership = store.memberships.get_mut(&id).ok_or_else(ApiError::not_found)?;
            match role {
                Some(role) => membership.role = role,
                None => apply_metadata(
                    &body,
                    false,
                    &mut [
                        ("public_metadata", &mut membership.public_metadata),
                        ("private_metadata", &mut membership.private_metadata),
                    ],
                )?,
            }
            membership.updated_at = call.now;
            let membership = store.memberships.get(&id).ok_or_else(ApiError::not_found)?;
            Ok(store.membership_json(membership))
        }
        Endpoint::MembershipDelete => {
            let id = membership_id(store, call)?;
            // Rendered before removal: the answer is the membership, not a DeletedObject.
            let answer = store
                .memberships
                .get(&id)
                .map(|m| store.membership_json(m))
                .ok_or_else(ApiError::not_found)?;
            store.memberships.remove(&id);
            Ok(answer)
        }
        _ => Err(ApiError::not_found()),
    }
}

fn organization<'a>(store: &'a Store, id: &str) -> Result<&'a OrganizationRow, ApiError> {
    store.organizations.get(id).ok_or_else(ApiError::not_found)
}

fn organization_mut<'a>(store: &'a mut Store, id: &str) -> Result<&'a mut OrganizationRow, ApiError> {
    store.organizations.get_mut(id).ok_or_else(ApiError::not_found)
}

/// The membership of path parameters `{organization_id}/memberships/{user_id}`.
fn membership_id(store: &Store, call: &Call) -> Result<String, ApiError> {
    organization(store, call.param(0))?;
    store
        .membership_id(call.param(0), call.param(1))
        .ok_or_else(ApiError::not_found)
}

fn list(store: &Store, call: &Call) -> Result<Value, ApiError> {
    let query = &call.query;
    let page = query.page()?;
    let order = query.order_by("-created_at", &["name", "created_at", "members_count"])?;
    let include_count = query.bool("include_members_count")?.unwrap_or(false);
    let search = query
        .first("query")
        .filter(|q| !q.is_empty())
        .map(str::to_lowercase);
    let organization_ids = IdFilter::new(&query.all("organization_id"));
    let user_ids = IdFilter::new(&query.all("user_id"));
    let filter_by_user = !query.all("user_id").is_empty();
    let mut organizations: Vec<&OrganizationRow> = store
        .organizations
        .iter()
        .filter(|o| {
            organization_ids.allows(&o.id)
                && search.as_ref().is_none_or(|q| {
                    o.id.to_lowercase() == *q
                        || o.name.to_lowercase().contains(q)
                        || o.slug.to_lowercase().contains(q)
                })
                && (!filter_by_user || {
                    let members = store
                        .memberships
                        .iter()
                        .filter(|m| m.organization_id == o.id)
                        .map(|m| m.user_id.as_str());
                    user_ids.allows_any(members)
                })
        })
        .collect();
    sort_rows(
        &mut organizations,
        order,
        |o| match order.field {
            "name" => SortKey::text(Some(&o.name)),
            "members_count" => SortKey::Number(Some(store.members_count(&o.id) as u64)),
            _ => SortKey::Number(Some(o.created_at)),
        },
        |o| o.seq,
    );
    let total_count = organizations.len();
    let data = page
        .apply(organizations)
        .into_iter()
        .map(|o| o.to_json(include_count.then(|| store.members_count(&o.id))))
        .collect();
    Ok(wrapped(data, total_count))
}

/// Clerk's slugs: lowercase letters, digits and single dashes.
fn check_slug(slug: &str) -> Result<(), ApiError> {
    let valid = !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if valid {
        Ok(())
    } else {
        Err(ApiError::unprocessable(
            "form_param_format_invalid",
            "slug",
            "slug must contain only lowercase alphanumeric characters and dashes",
        ))
    }
}

fn check_name(name: &str) -> Result<(), ApiError> {
    if name.chars().count() > 256 {
        return Err(ApiError::invalid("name", "must be at most 256 characters"));
    }
    Ok(())
}

fn slug_exists() -> ApiError {
    ApiError::unprocessable(
        "form_identifier_exists",
        "slug",
        "That slug is taken. Please try another.",
    )
}

fn create(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let body = call.json()?;
    let name = body.required_string("name")?;
    check_name(&name)?;
    let slug = match body.string("slug")? {
        Some(slug) => slug,
        None => slugify(&name),
    };
    check_slug(&slug)?;
    let seed = OrganizationSeed {
        slug: Some(slug),
        public_metadata: body.metadata("public_metadata")?,
        private_metadata: body.metadata("private_metadata")?,
        max_allowed_memberships: body.u64("max_allowed_memberships")?,
        created_by: body.string("created_by")?,
        created_at: body.timestamp("created_at")?,
        ..OrganizationSeed::new(name)
    };
    let id = store
        .insert_organization(seed, call.now)
        .map_err(|error| match error {
            SeedError::SlugTaken { .. } => slug_exists(),
            SeedError::UnknownUser { .. } => ApiError::not_found(),
            other => ApiError::new(StatusCode::CONFLICT, "duplicate_record", other.to_string()),
        })?;
    Ok(organization(store, &id)?.to_json(None))
}

fn update(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let id = call.param(0);
    let body = call.json()?;
    organization(store, id)?;
    let name = body.string("name")?;
    if let Some(name) = &name {
        check_name(name)?;
    }
    let slug = body.string("slug")?;
    if let Some(slug) = &slug {
        check_slug(slug)?;
        if store.slug_taken(slug, Some(id)) {
            return Err(slug_exists());
        }
    }
    let max = body.u64("max_allowed_memberships")?;
    let admin_delete = body.bool("admin_delete_enabled")?;
    let created_at = body.timestamp("created_at")?;
    let organization = organization_mut(store, id)?;
    if let Some(name) = name {
        organization.name = name;
    }
    if let Some(slug) = slug {
        organization.slug = slug;
    }
    if let Some(max) = max {
        organization.max_allowed_memberships = max;
    }
    if let Some(enabled) = admin_delete {
        organization.admin_delete_enabled = enabled;
    }
    if let Some(at) = created_at {
        organization.created_at = at;
    }
    organization.updated_at = call.now;
    Ok(organization.to_json(None))
}

fn create_membership(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let organization_id = call.param(0);
    organization(store, organization_id)?;
    let body: Body = call.json()?;
    let user_id = body.required_string("user_id")?;
    let role = body.required_string("role")?;
    let seed = MembershipSeed {
        public_metadata: body.metadata("public_metadata")?,
        private_metadata: body.metadata("private_metadata")?,
        ..MembershipSeed::new(organization_id, user_id, role)
    };
    let id = store
        .insert_membership(seed, call.now)
        .map_err(|error| match error {
            SeedError::AlreadyMember { .. } => ApiError::new(
                StatusCode::BAD_REQUEST,
                "already_a_member_in_organization",
                "The user is already a member of this organization.",
            ),
            SeedError::MembershipQuotaExceeded { .. } => ApiError::new(
                StatusCode::FORBIDDEN,
                "organization_membership_quota_exceeded",
                "The organization has reached its maximum number of memberships.",
            ),
            _ => ApiError::not_found(),
        })?;
    let membership = store.memberships.get(&id).ok_or_else(ApiError::not_found)?;
    Ok(store.membership_json(membership))
}

/// The `order_by` fields of a membership list.
const MEMBERSHIP_ORDER: &[&str] = &[
    "phone_number",
    "email_address",
    "created_at",
    "first_name",
    "last_name",
    "username",
];

fn list_memberships(store: &Store, call: &Call) -> Result<Value, ApiError> {
    let organization_id = call.param(0);
    organization(store, organization_id)?;
    let query = &call.query;
    let page = query.page()?;
    let order = query.order_by("-created_at", MEMBERSHIP_ORDER)?;
    let user_ids = IdFilter::new(&query.all("user_id"));
    let roles = query.all("role");
    let identifiers = UserMatch::new(query);
    let mut ranges = Vec::new();
    for (key, before) in [("created_at_before", true), ("created_at_after", false)] {
        if let Some(at) = query.u64(key)? {
            ranges.push((before, at));
        }
    }
    let mut memberships: Vec<&MembershipRow> = store
        .memberships
        .iter()
        .filter(|m| {
            m.organization_id == organization_id
                && user_ids.allows(&m.user_id)
                && (roles.is_empty() || roles.contains(&m.role.as_str()))
                && store
                    .users
                    .get(&m.user_id)
                    .is_some_and(|u| identifiers.matches(u))
                && ranges.iter().all(|(before, at)| {
                    if *before {
                        m.created_at < *at
                    } else {
                        m.created_at > *at
                    }
                })
        })
        .collect();
    sort_rows(
        &mut memberships,
        order,
        |m| {
            let user = store.users.get(&m.user_id);
            match order.field {
                "phone_number" => SortKey::text(user.and_then(|u| u.primary_phone())),
                "email_address" => SortKey::text(user.and_then(|u| u.primary_email())),
                "first_name" => SortKey::text(user.and_then(|u| u.first_name.as_deref())),
                "last_name" => SortKey::text(user.and_then(|u| u.last_name.as_deref())),
                "username" => SortKey::text(user.and_then(|u| u.username.as_deref())),
                _ => SortKey::Number(Some(m.created_at)),
            }
        },
        |m| m.seq,
    );
    let total_count = memberships.len();
    let data = page
        .apply(memberships)
        .into_iter()
        .map(|m| store.membership_json(m))
        .collect();
    Ok(wrapped(data, total_count))
}
