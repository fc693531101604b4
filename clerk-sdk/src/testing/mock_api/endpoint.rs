//! [`Endpoint`]: every operation the mock serves, its method and path template, and the
//! router that maps a request onto one.

use http::Method;

/// A Backend API operation the mock serves, for faults, counters and the request log.
///
/// Each variant has one method and one path template ([`Endpoint::method`],
/// [`Endpoint::path_template`]). Backend API paths start with a version segment; the mock
/// accepts any non-empty one there (Clerk's is `v1`), so a client configured with another
/// version still reaches it. The machine-token verify endpoints have no version segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `GET /v1/jwks`.
    Jwks,
    /// `POST /m2m_tokens/verify`, body `{"token": ..}`.
    M2mVerify,
    /// `POST /oauth_applications/access_tokens/verify`, body `{"access_token": ..}`.
    OAuthVerify,
    /// `POST /api_keys/verify`, body `{"secret": ..}`.
    ApiKeyVerify,
    /// `GET /v1/users` (a bare array).
    UserList,
    /// `GET /v1/users/count`.
    UserCount,
    /// `POST /v1/users`.
    UserCreate,
    /// `GET /v1/users/{user_id}`.
    UserGet,
    /// `PATCH /v1/users/{user_id}`.
    UserUpdate,
    /// `DELETE /v1/users/{user_id}`.
    UserDelete,
    /// `PATCH /v1/users/{user_id}/metadata` (deep merge).
    UserMetadataMerge,
    /// `PUT /v1/users/{user_id}/metadata` (replace).
    UserMetadataReplace,
    /// `POST /v1/users/{user_id}/ban`.
    UserBan,
    /// `POST /v1/users/{user_id}/unban`.
    UserUnban,
    /// `POST /v1/users/{user_id}/lock`.
    UserLock,
    /// `POST /v1/users/{user_id}/unlock`.
    UserUnlock,
    /// `POST /v1/users/{user_id}/verify_password`.
    UserVerifyPassword,
    /// `GET /v1/users/{user_id}/organization_memberships`.
    UserOrganizationMemberships,
    /// `GET /v1/organizations`.
    OrganizationList,
    /// `POST /v1/organizations`.
    OrganizationCreate,
    /// `GET /v1/organizations/{organization_id}` (an id or a slug).
    OrganizationGet,
    /// `PATCH /v1/organizations/{organization_id}`.
    OrganizationUpdate,
    /// `DELETE /v1/organizations/{organization_id}`.
    OrganizationDelete,
    /// `PATCH /v1/organizations/{organization_id}/metadata` (deep merge).
    OrganizationMetadataMerge,
    /// `PUT /v1/organizations/{organization_id}/metadata` (replace).
    OrganizationMetadataReplace,
    /// `GET /v1/organizations/{organization_id}/memberships`.
    MembershipList,
    /// `POST /v1/organizations/{organization_id}/memberships`.
    MembershipCreate,
    /// `PATCH /v1/organizations/{organization_id}/memberships/{user_id}`.
    MembershipUpdate,
    /// `DELETE /v1/organizations/{organization_id}/memberships/{user_id}`.
    MembershipDelete,
    /// `PATCH /v1/organizations/{organization_id}/memberships/{user_id}/metadata`.
    MembershipMetadataMerge,
    /// `GET /v1/organizations/{organization_id}/invitations`.
    OrganizationInvitationList,
    /// `POST /v1/organizations/{organization_id}/invitations`.
    OrganizationInvitationCreate,
    /// `GET /v1/organizations/{organization_id}/invitations/{invitation_id}`.
    OrganizationInvitationGet,
    /// `POST /v1/organizations/{organization_id}/invitations/{invitation_id}/revoke`.
    OrganizationInvitationRevoke,
    /// `GET /v1/invitations` (a bare array unless `paginated=true`).
    InvitationList,
    /// `POST /v1/invitations`.
    InvitationCreate,
    /// `POST /v1/invitations/{invitation_id}/revoke`.
    InvitationRevoke,
    /// `GET /v1/sessions` (a bare array unless `paginated=true`).
    SessionList,
    /// `GET /v1/sessions/{session_id}`.
    SessionGet,
    /// `POST /v1/sessions/{session_id}/revoke`.
    SessionRevoke,
    /// `POST /v1/sessions/{session_id}/tokens`.
    SessionToken,
    /// `POST /v1/sessions/{session_id}/tokens/{template_name}`.
    SessionTokenFromTemplate,
}

impl Endpoint {
    /// Every endpoint, in routing order (a literal segment wins over a parameter: `count`
    /// is not a user id).
    pub const ALL: &'static [Endpoint] = &[
        Endpoint::Jwks,
        Endpoint::M2mVerify,
        Endpoint::OAuthVerify,
        Endpoint::ApiKeyVerify,
        Endpoint::UserList,
        Endpoint::UserCount,
        Endpoint::UserCreate,
        Endpoint::UserGet,
        Endpoint::UserUpdate,
        Endpoint::UserDelete,
        Endpoint::UserMetadataMerge,
        Endpoint::UserMetadataReplace,
        Endpoint::UserBan,
        Endpoint::UserUnban,
        Endpoint::UserLock,
        Endpoint::UserUnlock,
        Endpoint::UserVerifyPassword,
        Endpoint::UserOrganizationMemberships,
        Endpoint::OrganizationList,
        Endpoint::OrganizationCreate,
        Endpoint::OrganizationGet,
        Endpoint::OrganizationUpdate,
        Endpoint::OrganizationDelete,
        Endpoint::OrganizationMetadataMerge,
        Endpoint::OrganizationMetadataReplace,
        Endpoint::MembershipList,
        Endpoint::MembershipCreate,
        Endpoint::MembershipUpdate,
        Endpoint::MembershipDelete,
        Endpoint::MembershipMetadataMerge,
        Endpoint::OrganizationInvitationList,
        Endpoint::OrganizationInvitationCreate,
        Endpoint::OrganizationInvitationGet,
        Endpoint::OrganizationInvitationRevoke,
        Endpoint::InvitationList,
        Endpoint::InvitationCreate,
        Endpoint::InvitationRevoke,
        Endpoint::SessionList,
        Endpoint::SessionGet,
        Endpoint::SessionRevoke,
        Endpoint::SessionToken,
        Endpoint::SessionTokenFromTemplate,
    ];

    /// The HTTP method this endpoint answers.
    pub fn method(self) -> Method {
        use Endpoint::*;
        match self {
            Jwks
            | UserList
            | UserCount
            | UserGet
            | UserOrganizationMemberships
            | OrganizationList
            | OrganizationGet
            | MembershipList
            | OrganizationInvitationList
            | OrganizationInvitationGet
            | InvitationList
            | SessionList
            | SessionGet => Method::GET,
            UserUpdate
            | UserMetadataMerge
            | OrganizationUpdate
            | OrganizationMetadataMerge
            | MembershipUpdate
            | MembershipMetadataMerge => Method::PATCH,
            UserMetadataReplace | OrganizationMetadataReplace => Method::PUT,
            UserDelete | OrganizationDelete | MembershipDelete => Method::DELETE,
            M2mVerify
            | OAuthVerify
            | ApiKeyVerify
            | UserCreate
            | UserBan
            | UserUnban
            | UserLock
            | UserUnlock
            | UserVerifyPassword
            | OrganizationCreate
            | MembershipCreate
            | OrganizationInvitationCreate
            | OrganizationInvitationRevoke
            | InvitationCreate
            | InvitationRevoke
            | SessionRevoke
            | SessionToken
            | SessionTokenFromTemplate => Method::POST,
        }
    }

    /// The path template as Clerk documents it, e.g. `/v1/users/{user_id}`; `{..}` segments
    /// are parameters.
    pub fn path_template(self) -> &'static str {
        use Endpoint::*;
        match self {
            Jwks => "/v1/jwks",
            M2mVerify => "/m2m_tokens/verify",
            OAuthVerify => "/oauth_applications/access_tokens/verify",
            ApiKeyVerify => "/api_keys/verify",
            UserList | UserCreate => "/v1/users",
            UserCount => "/v1/users/count",
            UserGet | UserUpdate | UserDelete => "/v1/users/{user_id}",
            UserMetadataMerge | UserMetadataReplace => "/v1/users/{user_id}/metadata",
            UserBan => "/v1/users/{user_id}/ban",
            UserUnban => "/v1/users/{user_id}/unban",
            UserLock => "/v1/users/{user_id}/lock",
            UserUnlock => "/v1/users/{user_id}/unlock",
            UserVerifyPassword => "/v1/users/{user_id}/verify_password",
            UserOrganizationMemberships => "/v1/users/{user_id}/organization_memberships",
            OrganizationList | OrganizationCreate => "/v1/organizations",
            OrganizationGet | OrganizationUpdate | OrganizationDelete => {
                "/v1/organizations/{organization_id}"
            }
            OrganizationMetadataMerge | OrganizationMetadataReplace => {
                "/v1/organizations/{organization_id}/metadata"
            }
            MembershipList | MembershipCreate => "/v1/organizations/{organization_id}/memberships",
            MembershipUpdate | MembershipDelete => {
                "/v1/organizations/{organization_id}/memberships/{user_id}"
            }
            MembershipMetadataMerge => "/v1/organizations/{organization_id}/memberships/{user_id}/metadata",
            OrganizationInvitationList | OrganizationInvitationCreate => {
                "/v1/organizations/{organization_id}/invitations"
            }
            OrganizationInvitationGet => "/v1/organizations/{organization_id}/invitations/{invitation_id}",
            OrganizationInvitationRevoke => {
                "/v1/organizations/{organization_id}/invitations/{invitation_id}/revoke"
            }
            InvitationList | InvitationCreate => "/v1/invitations",
            InvitationRevoke => "/v1/invitations/{invitation_id}/revoke",
            SessionList => "/v1/sessions",
            SessionGet => "/v1/sessions/{session_id}",
            SessionRevoke => "/v1/sessions/{session_id}/revoke",
            SessionToken => "/v1/sessions/{session_id}/tokens",
            SessionTokenFromTemplate => "/v1/sessions/{session_id}/tokens/{template_name}",
        }
    }

    /// The machine-token verify endpoints and JWKS, whose wrong-method requests still count
    /// against them (their faults come before the method check).
    fn is_path_only(self) -> bool {
        matches!(
            self,
            Endpoint::Jwks | Endpoint::M2mVerify | Endpoint::OAuthVerify | Endpoint::ApiKeyVerify
        )
    }

    /// Whether requests to it count against the rate limit (Clerk exempts JWKS).
    pub(super) fn is_rate_limited(self) -> bool {
        self != Endpoint::Jwks
    }

    /// The JSON body field holding the token, for the verify endpoints.
    pub(super) fn token_field(self) -> Option<&'static str> {
        match self {
            Endpoint::M2mVerify => Some("token"),
            Endpoint::OAuthVerify => Some("access_token"),
            Endpoint::ApiKeyVerify => Some("secret"),
            _ => None,
        }
    }

    /// Matches `segments` (the raw path split on `/`, without the leading empty one) against
    /// the template, returning the percent-decoded parameters.
    fn matches(self, segments: &[&str]) -> Option<Vec<String>> {
        let template = self.path_template().trim_start_matches('/');
        let versioned = template.starts_with("v1/");
        let template: Vec<&str> = template.split('/').collect();
        if template.len() != segments.len() {
            return None;
        }
        let mut params = Vec::new();
        for (index, (expected, actual)) in template.iter().zip(segments).enumerate() {
            if versioned && index == 0 {
                if actual.is_empty() {
                    return None;
                }
            } else if expected.starts_with('{') {
                if actual.is_empty() {
                    return None;
                }
                params.push(decode_segment(actual));
            } else if expected != actual {
                return None;
            }
        }
        Some(params)
    }
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Route {
    /// An endpoint with its path parameters, percent-decoded, in template order.
    Found(Endpoint, Vec<String>),
    /// The path is a served one, but not with this method.
    WrongMethod,
    /// No endpoint has this path.
    NotFound,
}

impl Route {
    /// Routes `method` and the raw (still percent-encoded) `path`.
    pub(super) fn of(method: &Method, path: &str) -> Route {
        let Some(rest) = path.strip_prefix('/') else {
            return Route::NotFound;
        };
        let segments: Vec<&str> = rest.split('/').collect();
        let mut path_known = false;
        for &endpoint in Endpoint::ALL {
            let Some(params) = endpoint.matches(&segments) else {
                continue;
            };
            if endpoint.is_path_only() || endpoint.method() == method {
                return Route::Found(endpoint, params);
            }
            path_known = true;
        }
        if path_known {
            Route::WrongMethod
        } else {
            Route::NotFound
        }
    }
}

/// Percent-decodes one path segment; `+` stays a `+` in a path. Invalid UTF-8 is replaced,
/// so such an id simply matches nothing.
pub(super) fn decode_segment(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_win_over_parameters() {
        assert_eq!(
            Route::of(&Method::GET, "/v1/users/count"),
            Route::Found(Endpoint::UserCount, vec![])
        );
        assert_eq!(
            Route::of(&Method::GET, "/v1/users/user_1"),
            Route::Found(Endpoint::UserGet, vec!["user_1".into()])
        );
    }

    #[test]
    fn parameters_are_percent_decoded_one_segment_each() {
        assert_eq!(
            Route::of(
                &Method::PATCH,
                "/v1/organizations/org%2F1/memberships/a%20b%3F/metadata"
            ),
            Route::Found(
                Endpoint::MembershipMetadataMerge,
                vec!["org/1".into(), "a b?".into()]
            )
        );
        // A raw `/` in an id reaches another path, as on the real API.
        assert_eq!(Route::of(&Method::GET, "/v1/users/a/b"), Route::NotFound);
        assert_eq!(Route::of(&Method::GET, "/v1/users/"), Route::NotFound);
    }

    #[test]
    fn any_version_segment_and_wrong_methods() {
        assert_eq!(
            Route::of(&Method::GET, "/v2/jwks"),
            Route::Found(Endpoint::Jwks, vec![])
        );
        assert_eq!(Route::of(&Method::PUT, "/v1/users"), Route::WrongMethod);
        // The verify endpoints keep their path-only routing (the method is checked later).
        assert_eq!(
            Route::of(&Method::GET, "/api_keys/verify"),
            Route::Found(Endpoint::ApiKeyVerify, vec![])
        );
        assert_eq!(Route::of(&Method::POST, "/v1/m2m_tokens/verify"), Route::NotFound);
    }

    #[test]
    fn every_endpoint_routes_to_itself() {
        for &endpoint in Endpoint::ALL {
            let path = endpoint
                .path_template()
                .split('/')
                .map(|s| if s.starts_with('{') { "x" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            match Route::of(&endpoint.method(), &path) {
                Route::Found(found, _) => assert_eq!(found, endpoint, "{path}"),
                other => panic!("{path}: {other:?}"),
            }
        }
    }
}
