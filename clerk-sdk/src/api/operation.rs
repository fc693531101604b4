//! The table of typed operations: for each, its method, path template and wire parameter
//! names. Every typed method builds its request from its row (the path from the template, the
//! parameters checked against the names), so the table is what is sent, and a test can
//! compare it with Clerk's OpenAPI document.

use std::borrow::Cow;

use http::Method;

use super::encode::{Fields, query_string, segment};
use super::error::Refusal;
use super::params::{
    CreateInvitationParams, CreateMembershipParams, CreateOrganizationInvitationParams,
    CreateOrganizationParams, CreateUserParams, InvitationListParams, MembershipListParams, MetadataParams,
    OrganizationGetParams, OrganizationInvitationListParams, OrganizationListParams, PageParams,
    SessionListParams, UpdateOrganizationParams, UpdateUserParams, UserListParams,
};

/// One typed Backend API operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// Resource accessor and method, as called: `users.get`, `organizations.memberships.list`.
    pub name: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Path under `{api_url}/{api_version}`, with `{placeholders}` for ids, as in Clerk's
    /// reference.
    pub path: &'static str,
    /// Query parameter names the caller may set.
    pub query: &'static [&'static str],
    /// Query pairs always sent, after the caller's (`paginated=true` where Clerk otherwise
    /// answers a bare array).
    pub fixed_query: &'static [(&'static str, &'static str)],
    /// Body field names.
    pub body: &'static [&'static str],
}

const NONE: &[&str] = &[];
const PAGINATED: &[(&str, &str)] = &[("paginated", "true")];

macro_rules! operations {
    ($( $ident:ident = $name:literal, $method:ident $path:literal
        $(, query: $query:expr)? $(, fixed: $fixed:expr)? $(, body: $body:expr)? ; )*) => {
        $(
            pub(crate) static $ident: Operation = Operation {
                name: $name,
                method: stringify!($method),
                path: $path,
                query: operations!(@or $($query)?),
                fixed_query: operations!(@or_fixed $($fixed)?),
                body: operations!(@or $($body)?),
            };
        )*
        /// Every typed operation, in the order of the docs.
        pub static OPERATIONS: &[&Operation] = &[$(&$ident),*];
    };
    (@or $e:expr) => { $e };
    (@or) => { NONE };
    (@or_fixed $e:expr) => { $e };
    (@or_fixed) => { &[] };
}

operations! {
    USERS_GET = "users.get", GET "/users/{user_id}";
    USERS_LIST = "users.list", GET "/users", query: UserListParams::NAMES;
    USERS_COUNT = "users.count", GET "/users/count", query: UserListParams::FILTERS;
    USERS_CREATE = "users.create", POST "/users", body: CreateUserParams::NAMES;
    USERS_UPDATE = "users.update", PATCH "/users/{user_id}", body: UpdateUserParams::NAMES;
    USERS_UPDATE_METADATA = "users.update_metadata", PATCH "/users/{user_id}/metadata",
        body: MetadataParams::NAMES;
    USERS_REPLACE_METADATA = "users.replace_metadata", PUT "/users/{user_id}/metadata",
        body: MetadataParams::NAMES;
    USERS_DELETE = "users.delete", DELETE "/users/{user_id}";
    USERS_BAN = "users.ban", POST "/users/{user_id}/ban";
    USERS_UNBAN = "users.unban", POST "/users/{user_id}/unban";
    USERS_LOCK = "users.lock", POST "/users/{user_id}/lock";
    USERS_UNLOCK = "users.unlock", POST "/users/{user_id}/unlock";
    USERS_ORGANIZATION_MEMBERSHIPS = "users.organization_memberships", GET
        "/users/{user_id}/organization_memberships", query: PageParams::NAMES;
    USERS_VERIFY_PASSWORD = "users.verify_password", POST "/users/{user_id}/verify_password",
        body: &["password"];

    ORGS_GET = "organizations.get", GET "/organizations/{organization_id}",
        query: OrganizationGetParams::NAMES;
    ORGS_LIST = "organizations.list", GET "/organizations", query: OrganizationListParams::NAMES;
    ORGS_CREATE = "organizations.create", POST "/organizations",
        body: CreateOrganizationParams::NAMES;
    ORGS_UPDATE = "organizations.update", PATCH "/organizations/{organization_id}",
        body: UpdateOrganizationParams::NAMES;
    ORGS_UPDATE_METADATA = "organizations.update_metadata", PATCH
        "/organizations/{organization_id}/metadata", body: &["public_metadata", "private_metadata"];
    ORGS_REPLACE_METADATA = "organizations.replace_metadata", PUT
        "/organizations/{organization_id}/metadata", body: &["public_metadata", "private_metadata"];
    ORGS_DELETE = "organizations.delete", DELETE "/organizations/{organization_id}";

    MEMBERSHIPS_LIST = "organizations.memberships.list", GET
        "/organizations/{organization_id}/memberships", query: MembershipListParams::NAMES;
    MEMBERSHIPS_CREATE = "organizations.memberships.create", POST
        "/organizations/{organization_id}/memberships", body: CreateMembershipParams::NAMES;
    MEMBERSHIPS_UPDATE = "organizations.memberships.update", PATCH
        "/organizations/{organization_id}/memberships/{user_id}", body: &["role"];
    MEMBERSHIPS_UPDATE_METADATA = "organizations.memberships.update_metadata", PATCH
        "/organizations/{organization_id}/memberships/{user_id}/metadata",
        body: &["public_metadata", "private_metadata"];
    MEMBERSHIPS_DELETE = "organizations.memberships.delete", DELETE
        "/organizations/{organization_id}/memberships/{user_id}";

    ORG_INVITATIONS_CREATE = "organizations.invitations.create", POST
        "/organizations/{organization_id}/invitations",
        body: CreateOrganizationInvitationParams::NAMES;
    ORG_INVITATIONS_LIST = "organizations.invitations.list", GET
        "/organizations/{organization_id}/invitations",
        query: OrganizationInvitationListParams::NAMES;
    ORG_INVITATIONS_GET = "organizations.invitations.get", GET
        "/organizations/{organization_id}/invitations/{invitation_id}";
    ORG_INVITATIONS_REVOKE = "organizations.invitations.revoke", POST
        "/organizations/{organization_id}/invitations/{invitation_id}/revoke",
        body: &["requesting_user_id"];

    INVITATIONS_CREATE = "invitations.create", POST "/invitations",
        body: CreateInvitationParams::NAMES;
    INVITATIONS_LIST = "invitations.list", GET "/invitations",
        query: InvitationListParams::NAMES, fixed: PAGINATED;
    INVITATIONS_REVOKE = "invitations.revoke", POST "/invitations/{invitation_id}/revoke";

    SESSIONS_GET = "sessions.get", GET "/sessions/{session_id}";
    SESSIONS_LIST = "sessions.list", GET "/sessions", query: SessionListParams::NAMES,
        fixed: PAGINATED;
    SESSIONS_REVOKE = "sessions.revoke", POST "/sessions/{session_id}/revoke";
    SESSIONS_CREATE_TOKEN = "sessions.create_token", POST "/sessions/{session_id}/tokens",
        body: &["expires_in_seconds"];
    SESSIONS_CREATE_TOKEN_FROM_TEMPLATE = "sessions.create_token.template", POST
        "/sessions/{session_id}/tokens/{template_name}", body: &["expires_in_seconds"];
}

/// A request built from an [`Operation`], ready to send.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) method: Method,
    /// Percent-encoded path, query string included.
    pub(crate) path_and_query: String,
    pub(crate) body: Option<Vec<u8>>,
}

impl Operation {
    /// The method as an [`http::Method`].
    pub fn http_method(&self) -> Method {
        Method::from_bytes(self.method.as_bytes()).unwrap_or(Method::GET)
    }

    /// The placeholder names of [`Operation::path`], in order.
    pub fn path_params(&self) -> impl Iterator<Item = &'static str> {
        let path: &'static str = self.path;
        path.split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
    }

    /// The path with each placeholder replaced by the next id, encoded as one segment.
    pub(crate) fn fill(&self, ids: &[&str]) -> Result<String, Refusal> {
        let path: &'static str = self.path;
        let mut ids = ids.iter();
        let mut out = String::with_capacity(path.len() + 32);
        for part in path.split('/').skip(1) {
            out.push('/');
            match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) => out.push_str(&segment(name, ids.next().copied().unwrap_or(""))?),
                None => out.push_str(part),
            }
        }
        Ok(out)
    }

    /// A request with `ids` in the path and no parameters.
    pub(crate) fn call(&'static self, ids: &[&str]) -> Result<Call, Refusal> {
        self.call_with(ids, None, None)
    }

    /// A request with `ids` in the path, `query` parameters and `body` fields, each checked
    /// against this operation's names (and `limit` against 1..=500).
    pub(crate) fn call_with(
        &'static self,
        ids: &[&str],
        query: Option<&Fields>,
        body: Option<&Fields>,
    ) -> Result<Call, Refusal> {
        let mut path_and_query = self.fill(ids)?;
        let mut pairs: Vec<(Cow<'static, str>, String)> = Vec::new();
        if let Some(fields) = query {
            self.check(fields, self.query)?;
            fields.check_limit()?;
            fields.push_query(&mut pairs);
        }
        pairs.extend(
            self.fixed_query
                .iter()
                .map(|(k, v)| (Cow::Borrowed(*k), (*v).to_owned())),
        );
        if !pairs.is_empty() {
            path_and_query.push('?');
            path_and_query.push_str(&query_string(&pairs));
        }
        let body = match body {
            Some(fields) if !fields.is_empty() => {
                self.check(fields, self.body)?;
                Some(fields.to_json())
            }
            _ => None,
        };
        Ok(Call {
            method: self.http_method(),
            path_and_query,
            body,
        })
    }

    fn check(&self, fields: &Fields, allowed: &[&str]) -> Result<(), Refusal> {
        match fields.names().find(|n| !allowed.contains(n)) {
            Some(name) => Err(Refusal::UnsupportedParameter {
                operation: self.name,
                name,
            }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::encode::Param;

    #[test]
    fn every_row_is_well_formed() {
        for op in OPERATIONS {
            assert!(op.path.starts_with('/'), "{}", op.name);
            assert!(
                ["GET", "POST", "PATCH", "PUT", "DELETE"].contains(&op.method),
                "{}",
                op.name
            );
            assert_eq!(op.http_method().as_str(), op.method);
            let mut names: Vec<_> = op.query.to_vec();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), op.query.len(), "{} repeats a query name", op.name);
        }
    }

    #[test]
    fn fill_encodes_ids_and_refuses_missing_ones() {
        assert_eq!(
            MEMBERSHIPS_DELETE.fill(&["org/1", "user 2"]).unwrap(),
            "/organizations/org%2F1/memberships/user%202"
        );
        assert_eq!(
            MEMBERSHIPS_DELETE.fill(&["org_1"]),
            Err(Refusal::EmptyId("user_id"))
        );
        assert_eq!(USERS_GET.fill(&[".."]), Err(Refusal::DotSegment("user_id")));
        assert_eq!(
            MEMBERSHIPS_DELETE.path_params().collect::<Vec<_>>(),
            ["organization_id", "user_id"]
        );
    }

    #[test]
    fn parameters_outside_the_row_are_refused() {
        let mut f = Fields::default();
        f.set("unsafe_metadata", Param::Json(serde_json::json!({})));
        assert_eq!(
            ORGS_UPDATE_METADATA
                .call_with(&["org_1"], None, Some(&f))
                .unwrap_err(),
            Refusal::UnsupportedParameter {
                operation: "organizations.update_metadata",
                name: "unsafe_metadata"
            }
        );
    }

    #[test]
    fn fixed_pairs_follow_the_callers() {
        let mut f = Fields::default();
        f.set("limit", Param::Int(5));
        let call = INVITATIONS_LIST.call_with(&[], Some(&f), None).unwrap();
        assert_eq!(call.path_and_query, "/invitations?limit=5&paginated=true");
        let call = SESSIONS_LIST.call(&[]).unwrap();
        assert_eq!(call.path_and_query, "/sessions?paginated=true");
    }
}
