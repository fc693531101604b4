//! A verified session ([`SessionAuth`]) and its claims ([`SessionClaims`]), built once per
//! verification from the payload, or from the token cache's entry.

use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::authorization::{self, AuthorizationInput, Has};
use crate::claims;
use crate::token_cache::{Field, VerifiedSession};

/// The verified payload of a session token: every claim, unchanged, with typed accessors.
///
/// Cheap to clone (the claims are shared).
#[derive(Debug, Clone, PartialEq)]
pub struct SessionClaims(std::sync::Arc<Map<String, Value>>);

impl SessionClaims {
    pub(crate) fn new(map: Map<String, Value>) -> Self {
        SessionClaims(std::sync::Arc::new(map))
    }

    /// `sub`: the user id.
    pub fn subject(&self) -> Option<&str> {
        self.str("sub")
    }

    /// A claim as raw JSON.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// A claim that is a string.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    /// One claim deserialized into `T`; `None` when absent.
    ///
    /// # Errors
    /// The serde error when the claim has another shape.
    pub fn claim<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, serde_json::Error> {
        self.0.get(name).map(|v| T::deserialize(v)).transpose()
    }

    /// The whole payload deserialized into `T`, e.g. a struct naming your custom claims.
    ///
    /// ```
    /// # use clerk_sdk::auth::SessionClaims;
    /// #[derive(serde::Deserialize)]
    /// struct MyClaims {
    ///     sub: String,
    ///     #[serde(default)]
    ///     tenant: Option<String>,
    /// }
    /// # fn demo(claims: &SessionClaims) -> Result<(), serde_json::Error> {
    /// let mine: MyClaims = claims.custom()?;
    /// # let _ = (mine.sub, mine.tenant);
    /// # Ok(()) }
    /// # let _ = demo;
    /// ```
    ///
    /// # Errors
    /// The serde error when the payload does not fit `T`.
    pub fn custom<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(serde::de::value::MapDeserializer::new(
            self.0.iter().map(|(k, v)| (k.as_str(), v)),
        ))
    }

    /// All claims.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// Takes all claims out.
    pub fn into_map(self) -> Map<String, Value> {
        std::sync::Arc::try_unwrap(self.0).unwrap_or_else(|shared| (*shared).clone())
    }
}

/// A session's status, from its `sts` claim.
///
/// Clerk issues tokens for `active` sessions and, when an organization or another task must
/// still be completed, for `pending` ones (signed out by default, see
/// [`crate::config::ClerkConfigBuilder::treat_pending_as_signed_out`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SessionStatus {
    /// `active`: a signed-in session.
    Active,
    /// `pending`: the user still has a task to complete.
    Pending,
}

impl SessionStatus {
    /// The claim's text, `active` or `pending`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SessionStatus::Active => "active",
            SessionStatus::Pending => "pending",
        }
    }

    /// The status a `sts` claim names, if it is one Clerk defines.
    pub(crate) fn from_claim(sts: &str) -> Option<Self> {
        [SessionStatus::Active, SessionStatus::Pending]
            .into_iter()
            .find(|s| s.as_str() == sts)
    }
}

/// A signed-in session: who the user is, their active organization, and `has()`.
///
/// Built without copying the claims. A session from the token cache reads `sub`, `sid`, `sts`,
/// the organization's id, slug and role, `fea` and `pla` straight from the cached payload;
/// anything else (custom claims, permissions, `fva`) parses the payload on first use, once per
/// `SessionAuth`.
#[derive(Clone)]
pub struct SessionAuth {
    /// The cached form, when the token cache is on.
    verified: Option<Arc<VerifiedSession>>,
    /// Every claim; set from the start when the token was verified for this request.
    claims: OnceLock<SessionClaims>,
    /// The organization, decoded from `claims` on first use.
    org: OnceLock<claims::OrgClaims>,
}

impl std::fmt::Debug for SessionAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionAuth")
            .field("claims", self.claims())
            .finish()
    }
}

impl PartialEq for SessionAuth {
    fn eq(&self, other: &Self) -> bool {
        self.claims() == other.claims()
    }
}

impl SessionAuth {
    /// Wraps verified claims. `sub` was checked to be a string. Requests go
    /// through [`SessionAuth::from_verified`]; this is the reference the fuzz targets and tests
    /// compare it with.
    #[cfg(any(test, feature = "__fuzz"))]
    pub(crate) fn from_claims(map: Map<String, Value>) -> Self {
        SessionAuth {
            verified: None,
            claims: OnceLock::from(SessionClaims::new(map)),
            org: OnceLock::new(),
        }
    }

    /// A session read from its compact form; the claims map is parsed on first use.
    pub(crate) fn from_verified(verified: Arc<VerifiedSession>) -> Self {
        SessionAuth {
            verified: Some(verified),
            claims: OnceLock::new(),
            org: OnceLock::new(),
        }
    }

    fn org(&self) -> &claims::OrgClaims {
        self.org
            .get_or_init(|| claims::org_claims(self.claims().as_map()))
    }

    /// A field from the cached spans when there are some, else from the parsed claims.
    fn field(&self, field: Field) -> Option<&str> {
        if let Some(value) = self.verified.as_deref().and_then(|v| v.field(field)) {
            return value;
        }
        match field {
            Field::Subject => self.claims().str("sub"),
            Field::SessionId => self.claims().str("sid"),
            Field::Status => self.claims().str("sts"),
            Field::OrgId => self.org().id.as_deref(),
            Field::OrgSlug => self.org().slug.as_deref(),
            Field::OrgRole => self.org().role.as_deref(),
            Field::Features => self.claims().str("fea"),
            Field::Plans => self.claims().str("pla"),
        }
    }

    /// The user id (`sub`).
    pub fn user_id(&self) -> &str {
        self.field(Field::Subject).unwrap_or_default()
    }

    /// The session id (`sid`).
    pub fn session_id(&self) -> Option<&str> {
        self.field(Field::SessionId)
    }

    /// The session status (`sts`), e.g. `active` or `pending`.
    pub fn session_status(&self) -> Option<&str> {
        self.field(Field::Status)
    }

    /// The session status (`sts`) as a type; `None` when absent or not one Clerk defines.
    pub fn status(&self) -> Option<SessionStatus> {
        self.session_status().and_then(SessionStatus::from_claim)
    }

    /// Whether the session is pending (`sts: "pending"`).
    pub fn is_pending(&self) -> bool {
        self.status() == Some(SessionStatus::Pending)
    }

    /// The actor (`act`) when someone is impersonating the user, as raw JSON.
    pub fn actor(&self) -> Option<&Value> {
        self.claims().get("act").filter(|v| !v.is_null())
    }

    /// Factor verification age (`fva`): minutes since the first and second factor were
    /// verified, `-1` meaning never. `None` when absent or malformed: not a 2-array, or an
    /// element other than `-1` or a finite number ≥ 0. Fractional minutes are rounded down.
    /// The reverification check of [`SessionAuth::has`] reads the claim through the same parser,
    /// so the two never disagree on what is malformed.
    pub fn factor_verification_age(&self) -> Option<[i64; 2]> {
        let (first, second) = authorization::factor_ages(self.claims().get("fva"))?;
        // Minutes are finite and at least 0, so the cast only drops the fraction.
        #[expect(clippy::cast_possible_truncation, reason = "finite, non-negative minutes")]
        let minutes = |age: Option<f64>| age.map_or(-1, |m| m.floor() as i64);
        Some([minutes(first), minutes(second)])
    }

    /// The active organization's id.
    pub fn org_id(&self) -> Option<&str> {
        self.field(Field::OrgId)
    }

    /// The active organization's slug.
    pub fn org_slug(&self) -> Option<&str> {
        self.field(Field::OrgSlug)
    }

    /// The user's role in the active organization, e.g. `org:admin`.
    pub fn org_role(&self) -> Option<&str> {
        self.field(Field::OrgRole)
    }

    /// The user's permissions in the active organization, e.g. `org:invoices:read`.
    pub fn org_permissions(&self) -> Option<&[String]> {
        self.org().permissions.as_deref()
    }

    /// The raw `fea` claim (`scope:feature` list).
    pub fn features(&self) -> &str {
        self.field(Field::Features).unwrap_or_default()
    }

    /// The raw `pla` claim (`scope:plan` list).
    pub fn plans(&self) -> &str {
        self.field(Field::Plans).unwrap_or_default()
    }

    /// Every verified claim.
    pub fn claims(&self) -> &SessionClaims {
        self.claims.get_or_init(|| {
            SessionClaims::new(
                self.verified
                    .as_deref()
                    .map(VerifiedSession::parse_claims)
                    .unwrap_or_default(),
            )
        })
    }

    /// Upstream's `has()`: role, permission, feature, plan and reverification checks, ANDed.
    ///
    /// Permissions and `fva` are read only when `check` asks about them.
    pub fn has(&self, check: &Has) -> bool {
        authorization::check(
            &AuthorizationInput {
                user_id: Some(self.user_id()),
                org_id: self.org_id(),
                org_role: self.org_role(),
                org_permissions: if check.reads_permissions() {
                    self.org_permissions()
                } else {
                    None
                },
                features: self.features(),
                plans: self.plans(),
                factor_verification_age: if check.reads_factor_age() {
                    self.claims().get("fva")
                } else {
                    None
                },
            },
            check,
        )
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn session(claims: Value) -> SessionAuth {
        let Value::Object(map) = claims else {
            unreachable!("a JSON object")
        };
        SessionAuth::from_claims(map)
    }

    #[test]
    fn factor_verification_age_reads_fva_as_the_reverification_check_does() {
        let cases = [
            (json!([5, 30]), Some([5, 30])),
            (json!([3, -1]), Some([3, -1])),
            (json!([-1, -1]), Some([-1, -1])),
            (json!([-1.0, 3]), Some([-1, 3])),
            (json!([5.5, 30]), Some([5, 30])),
            (json!([-5, 10]), None),
            (json!([1, "2"]), None),
            (json!([1]), None),
            (json!([1, 2, 3]), None),
            (json!("1,2"), None),
        ];
        for (fva, want) in cases {
            let s = session(json!({"sub": "user_1", "fva": fva}));
            assert_eq!(s.factor_verification_age(), want, "{fva}");
        }
        assert_eq!(session(json!({"sub": "user_1"})).factor_verification_age(), None);
    }

    #[test]
    fn status_is_typed() {
        for (sts, want) in [
            ("active", Some(SessionStatus::Active)),
            ("pending", Some(SessionStatus::Pending)),
            ("ended", None),
        ] {
            let s = session(json!({"sub": "user_1", "sts": sts}));
            assert_eq!(s.status(), want, "{sts}");
            assert_eq!(s.session_status(), Some(sts));
            assert_eq!(s.is_pending(), sts == "pending");
        }
    }
}
