//! What a route requires of its caller ([`Requirement`]) and the pure decision of whether a
//! [`RequestState`] meets it. Framework-free: the axum adapter and the macro build on it.

use super::{Auth, RequestState, SessionStatus};
use crate::authorization::Has;
use crate::reason::ReasonClass;
use crate::token::{AcceptsToken, TokenType};

/// What a route requires: which token types it admits, and which `has()` checks a session
/// caller must pass.
///
/// Checks apply to session callers only: machine tokens carry no org role, so a machine caller
/// of an admitted type passes them (upstream's machine `has()` is always false, which would
/// make "admins or any m2m caller" impossible to say).
///
/// ```
/// use clerk_sdk::{Has, TokenType, AcceptsToken, auth::Requirement};
///
/// // Org admins or billing managers, or any m2m caller.
/// let requirement = Requirement::new()
///     .accepts(AcceptsToken::Many(vec![TokenType::SessionToken, TokenType::M2mToken]))
///     .any_of([Has::role("org:admin"), Has::role("org:billing")]);
/// # let _ = requirement;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    accepts: AcceptsToken,
    all: Vec<Has>,
    any: Vec<Has>,
}

impl Default for Requirement {
    /// Any signed-in session.
    fn default() -> Self {
        Requirement {
            accepts: AcceptsToken::One(TokenType::SessionToken),
            all: Vec::new(),
            any: Vec::new(),
        }
    }
}

impl Requirement {
    /// Any signed-in session (session tokens only, no checks).
    pub fn new() -> Self {
        Requirement::default()
    }

    /// Sets the admitted token types. Default: session tokens only.
    #[must_use]
    pub fn accepts(mut self, accepts: impl Into<AcceptsToken>) -> Self {
        self.accepts = accepts.into();
        self
    }

    /// Adds a check every session caller must pass (ANDed with the others).
    #[must_use]
    pub fn has(mut self, check: Has) -> Self {
        self.all.push(check);
        self
    }

    /// Adds alternatives of which a session caller must pass at least one, e.g. several roles.
    #[must_use]
    pub fn any_of(mut self, checks: impl IntoIterator<Item = Has>) -> Self {
        self.any.extend(checks);
        self
    }

    /// The admitted token types.
    pub fn accepted(&self) -> &AcceptsToken {
        &self.accepts
    }

    /// Decides whether `state` meets this requirement.
    ///
    /// # Errors
    /// A [`Denial`] saying whether the caller is unauthenticated, forbidden, or could not be
    /// decided because keys were unavailable.
    pub fn check(&self, state: &RequestState) -> Result<(), Denial> {
        match state.auth() {
            Auth::SignedOut(out) => {
                let reason = state.reason();
                let kind = match reason.map(|r| r.class()) {
                    Some(ReasonClass::Unavailable) => DenialKind::Unavailable,
                    Some(ReasonClass::Misconfigured) => DenialKind::Misconfigured,
                    Some(ReasonClass::Unauthenticated) | None => DenialKind::Unauthenticated,
                };
                let (reason, message, missing_credential) = match reason {
                    Some(r) => (r.reason(), r.message(), r.is_missing_credential()),
                    // A valid token of a pending session, treated as signed out.
                    None if out.status() == Some(SessionStatus::Pending) => (
                        "session-pending",
                        "the session is pending; it is treated as signed out".to_owned(),
                        false,
                    ),
                    None => ("session-token-missing", "not signed in".to_owned(), true),
                };
                Err(Denial {
                    kind,
                    reason,
                    message,
                    token_type: state.token_type(),
                    missing_credential,
                })
            }
            auth => {
                let found = auth.token_type().unwrap_or(TokenType::SessionToken);
                if !self.accepts.accepts(found) {
                    return Err(Denial::type_mismatch(Some(found), self.accepts.mismatch_type()));
                }
                let Some(session) = auth.session() else {
                    return Ok(()); // machine callers carry no roles: checks are for sessions
                };
                let failed = self.all.iter().find(|check| !session.has(check)).or_else(|| {
                    if self.any.iter().any(|c| session.has(c)) {
                        None
                    } else {
                        self.any.first()
                    }
                });
                match failed {
                    None => Ok(()),
                    Some(check) => {
                        let reverification = check.reverification_requirement().is_some()
                            && check.role_requirement().is_none()
                            && check.permission_requirement().is_none()
                            && check.feature_requirement().is_none()
                            && check.plan_requirement().is_none();
                        Err(Denial {
                            kind: DenialKind::Forbidden,
                            reason: if reverification {
                                "reverification-error"
                            } else {
                                "insufficient-scope"
                            },
                            message: "the session does not meet this route's requirements".to_owned(),
                            token_type: Some(found),
                            missing_credential: false,
                        })
                    }
                }
            }
        }
    }
}

/// Why a request was denied, in HTTP terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DenialKind {
    /// No valid credential (401).
    Unauthenticated,
    /// Valid credential, but a role, permission, feature, plan or reverification check failed
    /// (403).
    Forbidden,
    /// Keys or the Backend API could not be reached: fail closed (503).
    Unavailable,
    /// The server's Clerk configuration is wrong, e.g. a refused secret key (500).
    Misconfigured,
}

/// A denied request: kind, Clerk's reason string and a message without secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    kind: DenialKind,
    reason: &'static str,
    message: String,
    token_type: Option<TokenType>,
    missing_credential: bool,
}

impl Denial {
    /// A valid credential of type `found` where it is not admitted; `reported` is the type
    /// upstream reports (the requested type for a single type, none for a list).
    pub(crate) fn type_mismatch(found: Option<TokenType>, reported: Option<TokenType>) -> Self {
        let found = found.map_or("this", TokenType::as_str);
        Denial {
            kind: DenialKind::Unauthenticated,
            reason: "token-type-mismatch",
            message: format!("a credential of type {found} is not accepted here"),
            token_type: reported,
            missing_credential: false,
        }
    }

    /// The server cannot decide because it is set up wrong (500); `message` is for the log.
    #[cfg(feature = "actix")]
    pub(crate) fn misconfigured(reason: &'static str, message: String) -> Self {
        Denial {
            kind: DenialKind::Misconfigured,
            reason,
            message,
            token_type: None,
            missing_credential: false,
        }
    }

    /// Whether the request carried no credential at all: RFC 6750 then asks for a bare
    /// `WWW-Authenticate: Bearer` challenge, without an error code.
    pub fn is_missing_credential(&self) -> bool {
        self.missing_credential
    }

    /// The kind of denial.
    pub fn kind(&self) -> DenialKind {
        self.kind
    }

    /// Clerk's reason string (`token-expired`, `token-type-mismatch`, …), or ours for a failed
    /// check (`insufficient-scope`, `reverification-error`) and a pending session
    /// (`session-pending`).
    pub fn reason(&self) -> &'static str {
        self.reason
    }

    /// A human-readable explanation; never contains the token or a secret.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The token type, where one is reported.
    pub fn token_type(&self) -> Option<TokenType> {
        self.token_type
    }
}

#[cfg(test)]
mod tests {
    use super::super::SignedOutReason;
    use super::*;

    #[test]
    fn default_is_any_session() {
        let r = Requirement::new();
        assert_eq!(r.accepted(), &AcceptsToken::One(TokenType::SessionToken));
        let missing = RequestState::signed_out(
            SignedOutReason::SessionTokenMissing,
            Some(TokenType::SessionToken),
        );
        let denial = r.check(&missing).unwrap_err();
        assert_eq!(
            (denial.kind(), denial.reason()),
            (DenialKind::Unauthenticated, "session-token-missing")
        );
    }
}
