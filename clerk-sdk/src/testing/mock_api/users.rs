//! The `/v1/users` endpoints: list (a bare array) and count with Clerk's filters, CRUD,
//! metadata, ban/lock, password verification and the user's memberships.

use std::collections::{HashMap, HashSet};

use http::StatusCode;
use serde_json::{Value, json};

use super::Endpoint;
use super::seed::{SeedError, UserSeed};
use super::server::Call;
use super::store::{Store, UserRow};
use super::wire::{ApiError, Body, Query, SortKey, apply_metadata, sort_rows, wrapped};

pub(super) fn handle(store: &mut Store, endpoint: Endpoint, call: &Call) -> Result<Value, ApiError> {
    match endpoint {
        Endpoint::UserCount => {
            let total_count = filter(store, &call.query)?.len();
            Ok(json!({ "object": "total_count", "total_count": total_count }))
        }
        Endpoint::UserCreate => create(store, call),
        Endpoint::UserGet => Ok(user(store, call.param(0))?.to_json()),
        Endpoint::UserUpdate => update(store, call),
        Endpoint::UserDelete => {
            let id = call.param(0);
            store.delete_user(id).ok_or_else(ApiError::not_found)?;
            Ok(json!({ "object": "user", "id": id, "deleted": true }))
        }
        Endpoint::UserMetadataMerge | Endpoint::UserMetadataReplace => {
            let body = call.json()?;
            let user = user_mut(store, call.param(0))?;
            apply_metadata(
                &body,
                endpoint == Endpoint::UserMetadataReplace,
                &mut [
                    ("public_metadata", &mut user.public_metadata),
                    ("private_metadata", &mut user.private_metadata),
                    ("unsafe_metadata", &mut user.unsafe_metadata),
                ],
            )?;
            user.updated_at = call.now;
            Ok(user.to_json())
        }
        Endpoint::UserBan | Endpoint::UserUnban | Endpoint::UserLock | Endpoint::UserUnlock => {
            let id = call.param(0);
            let user = user_mut(store, id)?;
            match endpoint {
                Endpoint::UserBan => user.banned = true,
                Endpoint::UserUnban => user.banned = false,
                Endpoint::UserLock => user.locked = true,
                _ => user.locked = false,
            }
            user.updated_at = call.now;
            let answer = user.to_json();
            if endpoint == Endpoint::UserBan {
                // Clerk signs a banned user out everywhere.
                for session in store.sessions.iter_mut().filter(|s| s.user_id == id) {
                    session.status = "revoked".to_owned();
                    session.updated_at = call.now;
                }
            }
            Ok(answer)
        }
        Endpoint::UserVerifyPassword => {
            let body = call.json()?;
            let password = body.required_string("password")?;
            match &user(store, call.param(0))?.password {
                None => Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "password_not_set",
                    "The user does not have a password set.",
                )),
                Some(stored) if *stored == password => Ok(json!({ "verified": true })),
                Some(_) => Err(ApiError::unprocessable(
                    "incorrect_password",
                    "password",
                    "Password is incorrect. Try again, or use another method.",
                )),
            }
        }
        Endpoint::UserOrganizationMemberships => {
            let id = call.param(0);
            user(store, id)?;
            let page = call.query.page()?;
            let mut memberships: Vec<_> = store.memberships.iter().filter(|m| m.user_id == id).collect();
            memberships.reverse();
            let total_count = memberships.len();
            let data = page
                .apply(memberships)
                .into_iter()
                .map(|m| store.membership_json(m))
                .collect();
            Ok(wrapped(data, total_count))
        }
        _ => Err(ApiError::not_found()),
    }
}

fn user<'a>(store: &'a Store, id: &str) -> Result<&'a UserRow, ApiError> {
    store.users.get(id).ok_or_else(ApiError::not_found)
}

fn user_mut<'a>(store: &'a mut Store, id: &str) -> Result<&'a mut UserRow, ApiError> {
    store.users.get_mut(id).ok_or_else(ApiError::not_found)
}

/// The `order_by` fields `/users` accepts.
const ORDER_FIELDS: &[&str] = &[
    "created_at",
    "updated_at",
    "email_address",
    "web3wallet",
    "first_name",
    "last_name",
    "phone_number",
    "username",
    "last_active_at",
    "last_sign_in_at",
];

/// `GET /v1/users`, answered as JSON text built from each user's cached rendering.
pub(super) fn list(store: &Store, query: &Query) -> Result<String, ApiError> {
    let page = query.page()?;
    let order = query.order_by("-created_at", ORDER_FIELDS)?;
    let mut users = filter(store, query)?;
    sort_rows(
        &mut users,
        order,
        |u| match order.field {
            "updated_at" => SortKey::Number(Some(u.updated_at)),
            "email_address" => SortKey::text(u.primary_email()),
            "first_name" => SortKey::text(u.first_name.as_deref()),
            "last_name" => SortKey::text(u.last_name.as_deref()),
            "phone_number" => SortKey::text(u.primary_phone()),
            "username" => SortKey::text(u.username.as_deref()),
            "last_active_at" => SortKey::Number(u.last_active_at),
            "last_sign_in_at" => SortKey::Number(u.last_sign_in_at),
            "web3wallet" => SortKey::Text(None),
            _ => SortKey::Number(Some(u.created_at)),
        },
        |u| u.seq,
    );
    let users = match query.first("starting_after") {
        None => page.apply(users),
        Some(cursor) => {
            if order.field != "created_at" {
                return Err(ApiError::invalid(
                    "starting_after",
                    "cursor pagination requires ordering by created_at",
                ));
            }
            if page.offset != 0 {
                return Err(ApiError::invalid(
                    "starting_after",
                    "cannot be combined with a non-zero offset",
                ));
            }
            let Some(position) = users.iter().position(|u| u.id == cursor) else {
                return Err(ApiError::invalid(
                    "starting_after",
                    "no user with this id matches",
                ));
            };
            users.into_iter().skip(position + 1).take(page.limit).collect()
        }
    };
    let mut text = String::from("[");
    for (index, user) in users.into_iter().enumerate() {
        if index > 0 {
            text.push(',');
        }
        text.push_str(user.json_text());
    }
    text.push(']');
    Ok(text)
}

/// A repeatable id filter with Clerk's `+`/`-` prefixes (include, exclude; none means
/// include).
#[derive(Debug, Default)]
pub(super) struct IdFilter {
    include: Vec<String>,
    exclude: Vec<String>,
}

impl IdFilter {
    pub(super) fn new(values: &[&str]) -> Self {
        let mut filter = IdFilter::default();
        for value in values {
            match value.as_bytes().first() {
                Some(b'-') => filter.exclude.push(value[1..].to_owned()),
                Some(b'+') => filter.include.push(value[1..].to_owned()),
                _ => filter.include.push((*value).to_owned()),
            }
        }
        filter
    }

    /// Whether `id` passes (with no values at all, everything passes).
    pub(super) fn allows(&self, id: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|i| i == id))
            && !self.exclude.iter().any(|e| e == id)
    }

    /// Whether a row whose related ids are `ids` passes: one included, none excluded.
    pub(super) fn allows_any<'a>(&self, mut ids: impl Iterator<Item = &'a str> + Clone) -> bool {
        (self.include.is_empty() || ids.clone().any(|id| self.include.iter().any(|i| i == id)))
            && !ids.any(|id| self.exclude.iter().any(|e| e == id))
    }
}

fn contains_ci(haystack: Option<&str>, needle: &str) -> bool {
    haystack.is_some_and(|h| h.to_lowercase().contains(needle))
}

/// The identifier and name filters that the users list and the membership list share:
/// exact `email_address`, `phone_number`, `username` (repeatable, any may match) and the
/// case-insensitive partial `query`, `email_address_query`, `phone_number_query`,
/// `username_query` and `name_query`.
#[derive(Debug)]
pub(super) struct UserMatch {
    emails: Vec<String>,
    phones: Vec<String>,
    usernames: Vec<String>,
    search: Option<String>,
    email_query: Option<String>,
    phone_query: Option<String>,
    username_query: Option<String>,
    name_query: Option<String>,
}

impl UserMatch {
    pub(super) fn new(query: &Query) -> Self {
        let lower = |key: &str| -> Vec<String> { query.all(key).iter().map(|v| v.to_lowercase()).collect() };
        let text = |key: &str| query.first(key).filter(|q| !q.is_empty()).map(str::to_lowercase);
        UserMatch {
            emails: lower("email_address"),
            phones: query.all("phone_number").into_iter().map(str::to_owned).collect(),
            usernames: lower("username"),
            search: text("query"),
            email_query: text("email_address_query"),
            phone_query: text("phone_number_query"),
            username_query: text("username_query"),
            name_query: text("name_query"),
        }
    }

    pub(super) fn matches(&self, u: &UserRow) -> bool {
        let emails = || u.email_addresses.iter().map(|e| e.value.as_str());
        let phones = || u.phone_numbers.iter().map(|p| p.value.as_str());
        // Built only when a name filter asks for it: this runs for every user per request.
        let full_name = || {
            format!(
                "{} {}",
                u.first_name.as_deref().unwrap_or_default(),
                u.last_name.as_deref().unwrap_or_default()
            )
        };
        let any_email = |q: &String| emails().any(|e| contains_ci(Some(e), q));
        let any_phone = |q: &String| phones().any(|p| contains_ci(Some(p), q));
        (self.emails.is_empty() || emails().any(|e| self.emails.contains(&e.to_lowercase())))
            && (self.phones.is_empty() || phones().any(|p| self.phones.iter().any(|q| q == p)))
            && (self.usernames.is_empty()
                || u.username
                    .as_ref()
                    .is_some_and(|n| self.usernames.contains(&n.to_lowercase())))
            && self.search.as_ref().is_none_or(|q| {
                any_email(q)
                    || any_phone(q)
                    || contains_ci(u.username.as_deref(), q)
                    || contains_ci(Some(&u.id), q)
                    || contains_ci(Some(&full_name()), q)
            })
            && self.email_query.as_ref().is_none_or(any_email)
            && self.phone_query.as_ref().is_none_or(any_phone)
            && self
                .username_query
                .as_ref()
                .is_none_or(|q| contains_ci(u.username.as_deref(), q))
            && self
                .name_query
                .as_ref()
                .is_none_or(|q| contains_ci(Some(&full_name()), q))
    }
}

/// A user's timestamp that a `…_before`/`…_after` filter bounds.
type TimeField = fn(&UserRow) -> Option<u64>;

/// The users matching every filter of `query`, in creation order.
fn filter<'a>(store: &'a Store, query: &Query) -> Result<Vec<&'a UserRow>, ApiError> {
    let identifiers = UserMatch::new(query);
    let web3_wallets = query.all("web3_wallet");
    let external_ids = IdFilter::new(&query.all("external_id"));
    let user_ids = IdFilter::new(&query.all("user_id"));
    let organization_ids = IdFilter::new(&query.all("organization_id"));
    let banned = query.bool("banned")?;
    let provider = query.first("provider");
    // (the timestamp, whether the bound is `before`, the bound)
    let mut ranges: Vec<(TimeField, bool, u64)> = Vec::new();
    let created: TimeField = |u| Some(u.created_at);
    let active: TimeField = |u| u.last_active_at;
    let signed_in: TimeField = |u| u.last_sign_in_at;
    for (key, field, before) in [
        ("created_at_before", created, true),
        ("created_at_after", created, false),
        ("last_active_at_before", active, true),
        ("last_active_at_after", active, false),
        ("last_active_at_since", active, false),
        ("last_sign_in_at_before", signed_in, true),
        ("last_sign_in_at_after", signed_in, false),
    ] {
        if let Some(at) = query.u64(key)? {
            ranges.push((field, before, at));
        }
    }
    // Each user's organizations, only when the filter needs them.
    let member_of: Option<HashMap<&str, HashSet<&str>>> =
        (!query.all("organization_id").is_empty()).then(|| {
            let mut map: HashMap<&str, HashSet<&str>> = HashMap::new();
            for m in store.memberships.iter() {
                map.entry(m.user_id.as_str())
                    .or_default()
                    .insert(m.organization_id.as_str());
            }
            map
        });
    let none = HashSet::new();

    Ok(store
        .users
        .iter()
        .filter(|u| {
            identifiers.matches(u)
                // No web3 wallets or external accounts are stored, so these match nobody.
                && web3_wallets.is_empty()
                && provider.is_none()
                && external_ids.allows_any(u.external_id.as_deref().into_iter())
                && user_ids.allows(&u.id)
                && member_of.as_ref().is_none_or(|map| {
                    let organizations = map.get(u.id.as_str()).unwrap_or(&none);
                    organization_ids.allows_any(organizations.iter().copied())
                })
                && banned.is_none_or(|b| u.banned == b)
                && ranges.iter().all(|(field, before, at)| {
                    field(u).is_some_and(|value| if *before { value < *at } else { value > *at })
                })
        })
        .collect())
}

/// The minimum password length Clerk enforces unless `skip_password_checks` is set.
const MIN_PASSWORD: usize = 8;

fn check_password(body: &Body, password: Option<&str>) -> Result<(), ApiError> {
    if let Some(password) = password
        && password.chars().count() < MIN_PASSWORD
        && body.bool("skip_password_checks")? != Some(true)
    {
        return Err(ApiError::unprocessable(
            "form_password_length_too_short",
            "password",
            format!("Passwords must be {MIN_PASSWORD} characters or more."),
        ));
    }
    Ok(())
}

fn username_taken(store: &Store, username: &str, except: Option<&str>) -> bool {
    store.users.iter().any(|u| {
        Some(u.id.as_str()) != except
            && u.username
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(username))
    })
}

fn identifier_exists(param: &str) -> ApiError {
    ApiError::unprocessable(
        "form_identifier_exists",
        param,
        format!("That {} is taken. Please try another.", param.replace('_', " ")),
    )
}

fn create(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let body = call.json()?;
    let password = body.string("password")?;
    check_password(&body, password.as_deref())?;
    let username = body.string("username")?.filter(|u| !u.is_empty());
    if let Some(username) = &username
        && username_taken(store, username, None)
    {
        return Err(identifier_exists("username"));
    }
    let seed = UserSeed {
        email_addresses: body.strings("email_address")?,
        phone_numbers: body.strings("phone_number")?,
        username,
        first_name: body.string("first_name")?,
        last_name: body.string("last_name")?,
        external_id: body.string("external_id")?,
        locale: body.string("locale")?,
        password,
        public_metadata: body.metadata("public_metadata")?,
        private_metadata: body.metadata("private_metadata")?,
        unsafe_metadata: body.metadata("unsafe_metadata")?,
        banned: body.bool("banned")?.unwrap_or(false),
        locked: body.bool("locked")?.unwrap_or(false),
        delete_self_enabled: body.bool("delete_self_enabled")?,
        create_organization_enabled: body.bool("create_organization_enabled")?,
        create_organizations_limit: body.u64("create_organizations_limit")?,
        created_at: body.timestamp("created_at")?,
        legal_accepted_at: body.timestamp("legal_accepted_at")?,
        ..UserSeed::default()
    };
    let id = store.insert_user(seed, call.now).map_err(|error| match error {
        SeedError::EmailAddressTaken { .. } => identifier_exists("email_address"),
        _ => ApiError::new(StatusCode::CONFLICT, "duplicate_record", error.to_string()),
    })?;
    Ok(user(store, &id)?.to_json())
}

/// A nullable text field of an update: absent leaves it, `null` or `""` clears it.
fn nullable(body: &Body, key: &str) -> Result<Option<Option<String>>, ApiError> {
    if !body.has(key) {
        return Ok(None);
    }
    Ok(Some(body.string(key)?.filter(|s| !s.is_empty())))
}

fn update(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let id = call.param(0);
    let body = call.json()?;
    user(store, id)?;
    let password = body.string("password")?;
    check_password(&body, password.as_deref())?;
    let username = nullable(&body, "username")?;
    if let Some(Some(username)) = &username
        && username_taken(store, username, Some(id))
    {
        return Err(identifier_exists("username"));
    }
    let user = user_mut(store, id)?;
    for (key, slot) in [
        ("first_name", &mut user.first_name),
        ("last_name", &mut user.last_name),
        ("external_id", &mut user.external_id),
        ("locale", &mut user.locale),
    ] {
        if let Some(value) = nullable(&body, key)? {
            *slot = value;
        }
    }
    if let Some(username) = username {
        user.username = username;
    }
    if let Some(primary) = body.string("primary_email_address_id")? {
        if !user.email_addresses.iter().any(|e| e.id == primary) {
            return Err(ApiError::invalid(
                "primary_email_address_id",
                "is not one of the user's email addresses",
            ));
        }
        user.primary_email_address_id = Some(primary);
    }
    if let Some(primary) = body.string("primary_phone_number_id")? {
        if !user.phone_numbers.iter().any(|p| p.id == primary) {
            return Err(ApiError::invalid(
                "primary_phone_number_id",
                "is not one of the user's phone numbers",
            ));
        }
        user.primary_phone_number_id = Some(primary);
    }
    if password.is_some() {
        user.password = password;
    }
    if let Some(enabled) = body.bool("delete_self_enabled")? {
        user.delete_self_enabled = enabled;
    }
    if let Some(enabled) = body.bool("create_organization_enabled")? {
        user.create_organization_enabled = enabled;
    }
    if let Some(limit) = body.u64("create_organizations_limit")? {
        user.create_organizations_limit = Some(limit);
    }
    if let Some(at) = body.timestamp("legal_accepted_at")? {
        user.legal_accepted_at = Some(at);
    }
    if let Some(at) = body.timestamp("created_at")? {
        user.created_at = at;
    }
    user.updated_at = call.now;
    Ok(user.to_json())
}
