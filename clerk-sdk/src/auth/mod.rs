//! The outcome of authenticating a request: [`RequestState`] (what was decided and why) and
//! [`Auth`] (what the handler may rely on), mirroring `@clerk/backend`'s `RequestState` and
//! `toAuth()`; the callers behind it ([`SessionAuth`], [`MachineAuth`]); why a request is signed
//! out ([`SignedOutReason`], classified by [`ReasonClass`]); and what a route requires of its
//! caller ([`Requirement`], [`Has`], [`Denial`]).
//!
//! Uses `http` types only; framework adapters build on it.

mod policy;
mod request;
mod session;

pub(crate) use request::Authenticator;
pub use session::{SessionAuth, SessionClaims, SessionStatus};

pub use crate::authorization::{Has, ParseReverificationError, Reverification, ReverificationLevel};
pub use crate::machine::{MachineAuth, MachineJwtError, MachineTokenError};
pub use crate::reason::ReasonClass;
pub use policy::{Denial, DenialKind, Requirement};

use std::borrow::Cow;
use std::fmt;

use http::HeaderMap;

use crate::token::SessionVerifyError;
use crate::token::{AcceptsToken, TokenType};

/// Upstream's `AuthStatus`: whether the credential was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthStatus {
    /// A credential was verified.
    SignedIn,
    /// No credential, or one that was refused; see [`RequestState::reason`].
    SignedOut,
}

impl AuthStatus {
    /// `signed-in` or `signed-out`, as in Clerk's `x-clerk-auth-status` header.
    pub const fn as_str(self) -> &'static str {
        match self {
            AuthStatus::SignedIn => "signed-in",
            AuthStatus::SignedOut => "signed-out",
        }
    }
}

impl fmt::Display for AuthStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the credential came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenCarrier {
    /// The `Authorization` header.
    Header,
    /// The `__session` cookie.
    Cookie,
}

impl TokenCarrier {
    /// `header` or `cookie`, as in upstream messages.
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenCarrier::Header => "header",
            TokenCarrier::Cookie => "cookie",
        }
    }
}

/// Why a request is signed out. `reason()` gives Clerk's string.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SignedOutReason {
    /// The session token failed verification.
    Token {
        /// What failed.
        error: SessionVerifyError,
        /// Where the token came from.
        carrier: TokenCarrier,
    },
    /// No credential at all, while session tokens are accepted (`session-token-missing`).
    SessionTokenMissing,
    /// No `Authorization` header while only a machine type is accepted (upstream's literal
    /// `No token in header`).
    NoTokenInHeader,
    /// The credential is of a type this route does not accept (`token-type-mismatch`).
    TokenTypeMismatch {
        /// The type the credential was detected as.
        found: TokenType,
    },
    /// An `Authorization` header that is empty, only a scheme, or not visible ASCII
    /// (`token-invalid`).
    UnusableAuthorizationHeader,
    /// The machine token failed verification.
    Machine {
        /// What failed.
        error: MachineTokenError,
    },
}

impl SignedOutReason {
    /// The stable reason string, identical to `@clerk/backend`'s.
    pub fn reason(&self) -> &'static str {
        match self {
            SignedOutReason::Token { error, .. } => error.reason(),
            SignedOutReason::SessionTokenMissing => "session-token-missing",
            SignedOutReason::NoTokenInHeader => "No token in header",
            SignedOutReason::TokenTypeMismatch { .. } => "token-type-mismatch",
            SignedOutReason::UnusableAuthorizationHeader => "token-invalid",
            SignedOutReason::Machine { error } => error.reason(),
        }
    }

    /// What kind of failure this is, for choosing an answer (401, 503 or 500).
    pub fn class(&self) -> ReasonClass {
        match self {
            SignedOutReason::Token { error, .. } => error.class(),
            SignedOutReason::Machine { error } => error.class(),
            SignedOutReason::SessionTokenMissing
            | SignedOutReason::NoTokenInHeader
            | SignedOutReason::TokenTypeMismatch { .. }
            | SignedOutReason::UnusableAuthorizationHeader => ReasonClass::Unauthenticated,
        }
    }

    /// Whether the request carried no credential at all (RFC 6750 then asks for a bare
    /// `WWW-Authenticate: Bearer` challenge, without an error code).
    pub fn is_missing_credential(&self) -> bool {
        matches!(
            self,
            SignedOutReason::SessionTokenMissing | SignedOutReason::NoTokenInHeader
        )
    }

    /// A human-readable explanation; never contains the token or a secret.
    pub fn message(&self) -> String {
        match self {
            SignedOutReason::Token { error, carrier } => format!(
                "{error} (reason={}, token-carrier={})",
                error.reason(),
                carrier.as_str()
            ),
            SignedOutReason::SessionTokenMissing => {
                "no session token in the Authorization header or the __session cookie".to_owned()
            }
            SignedOutReason::NoTokenInHeader => "no machine token in the Authorization header".to_owned(),
            SignedOutReason::TokenTypeMismatch { found } => {
                format!("a credential of type {found} is not accepted here")
            }
            SignedOutReason::Machine { error } => format!(
                "{error} (code={}, status={})",
                error.reason(),
                error.status().map_or_else(|| "n/a".to_owned(), |s| s.to_string())
            ),
            SignedOutReason::UnusableAuthorizationHeader => {
                "the Authorization header holds no usable token (empty, only a scheme, or not ASCII)"
                    .to_owned()
            }
        }
    }
}

/// The decision for one request: status, reason, message and the resulting [`Auth`].
#[derive(Debug, Clone)]
pub struct RequestState {
    status: AuthStatus,
    reason: Option<SignedOutReason>,
    token_type: Option<TokenType>,
    auth: Auth,
    /// Whether the credential came from the session cookie, not the `Authorization` header:
    /// a route that accepts no session tokens reads no cookie, so for it such a request has
    /// no credential at all.
    from_cookie: bool,
}

impl RequestState {
    pub(crate) fn signed_in(
        session: SessionAuth,
        treat_pending_as_signed_out: bool,
        carrier: TokenCarrier,
    ) -> Self {
        let auth = if treat_pending_as_signed_out && session.is_pending() {
            Auth::SignedOut(SignedOutAuth {
                token_type: Some(TokenType::SessionToken),
                pending: true,
            })
        } else {
            Auth::Session(Box::new(session))
        };
        RequestState {
            status: AuthStatus::SignedIn,
            reason: None,
            token_type: Some(TokenType::SessionToken),
            auth,
            from_cookie: carrier == TokenCarrier::Cookie,
        }
    }

    pub(crate) fn signed_in_machine(machine: MachineAuth) -> Self {
        RequestState {
            status: AuthStatus::SignedIn,
            reason: None,
            token_type: Some(machine.token_type()),
            auth: Auth::Machine(Box::new(machine)),
            from_cookie: false,
        }
    }

    pub(crate) fn signed_out(reason: SignedOutReason, token_type: Option<TokenType>) -> Self {
        let reason_carrier = match &reason {
            SignedOutReason::Token { carrier, .. } => Some(*carrier),
            _ => None,
        };
        RequestState {
            status: AuthStatus::SignedOut,
            reason: Some(reason),
            token_type,
            auth: Auth::SignedOut(SignedOutAuth {
                token_type,
                pending: false,
            }),
            from_cookie: matches!(reason_carrier, Some(TokenCarrier::Cookie)),
        }
    }

    /// The state of a request with no credential at all, under `accepts`: upstream's literal
    /// `No token in header` for a single machine type; a type mismatch for a list without
    /// session tokens (upstream checks the list first, counting the missing header as a
    /// session token); `session-token-missing` otherwise.
    pub(crate) fn no_credential(accepts: &AcceptsToken) -> Self {
        match accepts {
            AcceptsToken::One(t) if t.is_machine() => {
                RequestState::signed_out(SignedOutReason::NoTokenInHeader, Some(*t))
            }
            _ if !accepts.accepts(TokenType::SessionToken) => RequestState::signed_out(
                SignedOutReason::TokenTypeMismatch {
                    found: TokenType::SessionToken,
                },
                None,
            ),
            _ => RequestState::signed_out(
                SignedOutReason::SessionTokenMissing,
                Some(TokenType::SessionToken),
            ),
        }
    }

    /// This state, decided while accepting other token types, as it would have been decided
    /// under `accepts`, when that needs no verification; `None` when the request must be
    /// authenticated again.
    ///
    /// The state still answers when the credential was verified, refused for its own faults,
    /// or of a type `accepts` refuses too; a missing credential gets the answer for `accepts`.
    /// A credential refused for its own faults whose type `accepts` does not admit is a type
    /// mismatch under `accepts`, as a route accepting only `accepts` answers it without
    /// verifying (an expired session token on an m2m-only route, a broken m2m JWT on a
    /// session route); one read from the session cookie, accepted or refused, is no credential
    /// at all where session tokens are not accepted. Only a credential that was never verified because the earlier
    /// types refused it, or a missing header where `accepts` would also read the session
    /// cookie, needs a new authentication. The answer borrows `self` when it is this very
    /// state.
    pub fn under(&self, accepts: &AcceptsToken) -> Option<Cow<'_, RequestState>> {
        use SignedOutReason as R;
        if self.from_cookie && !accepts.accepts(TokenType::SessionToken) {
            return Some(Cow::Owned(RequestState::no_credential(accepts)));
        }
        match &self.reason {
            Some(R::Token { .. } | R::Machine { .. }) => match self.token_type {
                Some(found) if !accepts.accepts(found) => Some(Cow::Owned(RequestState::signed_out(
                    R::TokenTypeMismatch { found },
                    accepts.mismatch_type(),
                ))),
                _ => Some(Cow::Borrowed(self)),
            },
            None | Some(R::UnusableAuthorizationHeader) => Some(Cow::Borrowed(self)),
            // No header: the cookie was read iff session tokens were accepted before.
            Some(R::SessionTokenMissing) => Some(Cow::Owned(RequestState::no_credential(accepts))),
            Some(R::NoTokenInHeader) if !accepts.accepts(TokenType::SessionToken) => {
                Some(Cow::Owned(RequestState::no_credential(accepts)))
            }
            Some(R::TokenTypeMismatch { found }) if !accepts.accepts(*found) => Some(Cow::Owned(
                RequestState::signed_out(R::TokenTypeMismatch { found: *found }, accepts.mismatch_type()),
            )),
            Some(_) => None,
        }
    }

    /// Whether the credential was accepted.
    ///
    /// A pending session is `SignedIn` here, as upstream, while [`RequestState::auth`] is signed
    /// out unless pending sessions are allowed.
    pub fn status(&self) -> AuthStatus {
        self.status
    }

    /// Why the request is signed out; `None` when signed in.
    pub fn reason(&self) -> Option<&SignedOutReason> {
        self.reason.as_ref()
    }

    /// Clerk's reason string; `None` when signed in.
    pub fn reason_str(&self) -> Option<&'static str> {
        self.reason.as_ref().map(SignedOutReason::reason)
    }

    /// A human-readable explanation when signed out; never contains the token or a secret.
    pub fn message(&self) -> Option<String> {
        self.reason.as_ref().map(SignedOutReason::message)
    }

    /// The credential's type, where upstream reports one (`None` for a list mismatch).
    pub fn token_type(&self) -> Option<TokenType> {
        self.token_type
    }

    /// Whether the handler may treat the caller as authenticated.
    pub fn is_authenticated(&self) -> bool {
        self.auth.is_authenticated()
    }

    /// What the handler may rely on (upstream's `toAuth()`).
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// Takes the [`Auth`] out.
    pub fn into_auth(self) -> Auth {
        self.auth
    }
}

/// What a handler may rely on about its caller.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Auth {
    /// A verified, active session.
    Session(Box<SessionAuth>),
    /// A verified machine caller (m2m token, OAuth access token or API key).
    Machine(Box<MachineAuth>),
    /// No usable credential (or a pending session treated as signed out).
    SignedOut(SignedOutAuth),
}

impl Auth {
    /// Whether this is an authenticated caller.
    pub fn is_authenticated(&self) -> bool {
        matches!(self, Auth::Session(_) | Auth::Machine(_))
    }

    /// The session, if signed in with a session token.
    pub fn session(&self) -> Option<&SessionAuth> {
        match self {
            Auth::Session(s) => Some(s),
            Auth::Machine(_) | Auth::SignedOut(_) => None,
        }
    }

    /// The machine caller, if signed in with a machine token.
    pub fn machine(&self) -> Option<&MachineAuth> {
        match self {
            Auth::Machine(m) => Some(m),
            Auth::Session(_) | Auth::SignedOut(_) => None,
        }
    }

    /// The user the caller acts for, as upstream's top-level `userId`: a session's user, an
    /// OAuth access token's subject, or an API key's subject when it is a user (`user_…`).
    /// `None` for m2m callers, organization API keys and signed-out callers.
    ///
    /// With this and the other flat accessors, a handler that admits several token types reads
    /// the common fields without matching on the variant.
    pub fn user_id(&self) -> Option<&str> {
        match self {
            Auth::Session(s) => Some(s.user_id()),
            Auth::Machine(m) => m.user_id(),
            Auth::SignedOut(_) => None,
        }
    }

    /// The organization the caller acts in, as upstream's top-level `orgId`: a session's
    /// active organization, or an API key's subject when it is an organization (`org_…`).
    pub fn org_id(&self) -> Option<&str> {
        match self {
            Auth::Session(s) => s.org_id(),
            Auth::Machine(m) => m.org_id(),
            Auth::SignedOut(_) => None,
        }
    }

    /// The session id (`sid`), for session callers.
    pub fn session_id(&self) -> Option<&str> {
        self.session().and_then(SessionAuth::session_id)
    }

    /// The session status: a session's `sts`, or `pending` for a pending session treated as
    /// signed out.
    pub fn session_status(&self) -> Option<&str> {
        match self {
            Auth::Session(s) => s.session_status(),
            Auth::SignedOut(out) => out.session_status(),
            Auth::Machine(_) => None,
        }
    }

    /// The role in the active organization (`org:admin`, …), for session callers.
    pub fn org_role(&self) -> Option<&str> {
        self.session().and_then(SessionAuth::org_role)
    }

    /// The active organization's slug, for session callers.
    pub fn org_slug(&self) -> Option<&str> {
        self.session().and_then(SessionAuth::org_slug)
    }

    /// The permissions in the active organization, for session callers.
    pub fn org_permissions(&self) -> Option<&[String]> {
        self.session().and_then(SessionAuth::org_permissions)
    }

    /// The machine id (`mch_…`), for m2m callers.
    pub fn machine_id(&self) -> Option<&str> {
        self.machine().and_then(MachineAuth::machine_id)
    }

    /// The token's scopes, for machine callers (empty otherwise: sessions carry none).
    pub fn scopes(&self) -> &[String] {
        self.machine().map_or(&[], MachineAuth::scopes)
    }

    /// The token type of this auth value, where there is one.
    pub fn token_type(&self) -> Option<TokenType> {
        match self {
            Auth::Session(_) => Some(TokenType::SessionToken),
            Auth::Machine(m) => Some(m.token_type()),
            Auth::SignedOut(s) => s.token_type,
        }
    }

    /// Upstream's `has()`: `false` unless signed in with a session and every part of `check`
    /// holds (machine callers carry no roles or permissions: always `false`).
    pub fn has(&self, check: &Has) -> bool {
        self.session().is_some_and(|s| s.has(check))
    }
}

/// A caller without a usable credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedOutAuth {
    token_type: Option<TokenType>,
    /// A valid token of a pending session, treated as signed out.
    pending: bool,
}

impl SignedOutAuth {
    /// The token type upstream reports for this signed-out value.
    pub fn token_type(&self) -> Option<TokenType> {
        self.token_type
    }

    /// `pending` when a pending session was treated as signed out.
    pub fn session_status(&self) -> Option<&str> {
        self.status().map(SessionStatus::as_str)
    }

    /// [`SessionStatus::Pending`] when a pending session was treated as signed out.
    pub fn status(&self) -> Option<SessionStatus> {
        self.pending.then_some(SessionStatus::Pending)
    }
}

/// Anything that carries request headers: [`HeaderMap`], [`http::request::Parts`] or
/// [`http::Request`].
pub trait RequestHeaders {
    /// The request's headers.
    fn request_headers(&self) -> &HeaderMap;
}

impl RequestHeaders for HeaderMap {
    fn request_headers(&self) -> &HeaderMap {
        self
    }
}

impl RequestHeaders for http::request::Parts {
    fn request_headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl<B> RequestHeaders for http::Request<B> {
    fn request_headers(&self) -> &HeaderMap {
        self.headers()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwks::JwksError;
    use crate::token::{MalformedToken, SessionVerifyError};

    /// The rule adapters followed when they classified by reason string: the classes must
    /// give the same answer for every reason, so a renamed string can no longer move a 503.
    fn by_reason_string(reason: &str) -> ReasonClass {
        match reason {
            "jwk-remote-failed-to-load" | "unexpected-error" => ReasonClass::Unavailable,
            "secret-key-invalid" | "jwk-failed-to-resolve" => ReasonClass::Misconfigured,
            _ => ReasonClass::Unauthenticated,
        }
    }

    fn jwks_errors() -> Vec<JwksError> {
        let url = "http://127.0.0.1/v1/jwks".to_owned();
        vec![
            JwksError::SecretKeyInvalid { message: None },
            JwksError::Status {
                url: url.clone(),
                status: 500,
            },
            JwksError::Transport {
                url: url.clone(),
                cause: "timed out",
            },
            JwksError::Malformed { url },
            JwksError::NoKeys,
            JwksError::KidNotFound { kid: "k".into() },
        ]
    }

    /// A refusal decided while accepting sessions and m2m tokens, read by a route that
    /// accepts one of them: the credential's own fault where its type is accepted, a type
    /// mismatch (or no credential, for a cookie) where it is not, as that route alone answers.
    #[test]
    fn a_refusal_answers_a_narrower_route_as_that_route_would() {
        let m2m = AcceptsToken::One(TokenType::M2mToken);
        let session = AcceptsToken::One(TokenType::SessionToken);
        let expired = |carrier| {
            RequestState::signed_out(
                SignedOutReason::Token {
                    error: SessionVerifyError::Expired { exp: 1.0, now_ms: 2 },
                    carrier,
                },
                Some(TokenType::SessionToken),
            )
        };
        let broken_m2m = RequestState::signed_out(
            SignedOutReason::Machine {
                error: MachineTokenError::KeyUnresolved,
            },
            Some(TokenType::M2mToken),
        );
        let header = expired(TokenCarrier::Header);
        let reason = |state: Option<Cow<'_, RequestState>>| {
            let state = state.expect("answers without verifying");
            (state.reason_str(), state.token_type())
        };
        assert!(matches!(header.under(&session), Some(Cow::Borrowed(_))));
        assert_eq!(
            reason(header.under(&m2m)),
            (Some("token-type-mismatch"), Some(TokenType::M2mToken))
        );
        assert_eq!(
            reason(expired(TokenCarrier::Cookie).under(&m2m)),
            (Some("No token in header"), Some(TokenType::M2mToken))
        );
        assert!(matches!(broken_m2m.under(&m2m), Some(Cow::Borrowed(_))));
        assert_eq!(
            reason(broken_m2m.under(&session)),
            (Some("token-type-mismatch"), Some(TokenType::SessionToken))
        );
        let either = AcceptsToken::Many(vec![TokenType::SessionToken, TokenType::M2mToken]);
        assert!(matches!(broken_m2m.under(&either), Some(Cow::Borrowed(_))));
    }

    #[test]
    fn every_reason_class_matches_the_reason_string_rule() {
        let mut session_errors = vec![
            SessionVerifyError::Malformed(MalformedToken::PartCount),
            SessionVerifyError::InvalidCategory,
            SessionVerifyError::InvalidType,
            SessionVerifyError::InvalidAlgorithm,
            SessionVerifyError::InvalidSignature,
            SessionVerifyError::MissingSubject,
            SessionVerifyError::InvalidAudience,
            SessionVerifyError::InvalidAuthorizedParty { azp: None },
            SessionVerifyError::InvalidIssuer { iss: None },
            SessionVerifyError::InvalidTimeClaim { claim: "exp" },
            SessionVerifyError::Expired { exp: 1.0, now_ms: 2 },
            SessionVerifyError::NotActiveYet { nbf: 1.0, now_ms: 2 },
            SessionVerifyError::IssuedInTheFuture { iat: 1.0, now_ms: 2 },
            SessionVerifyError::KeyUnresolved,
        ];
        session_errors.extend(jwks_errors().into_iter().map(SessionVerifyError::Jwks));
        let mut machine_errors = vec![
            MachineTokenError::NotFound {
                token_type: TokenType::ApiKey,
            },
            MachineTokenError::Revoked {
                token_type: TokenType::M2mToken,
            },
            MachineTokenError::Expired {
                token_type: TokenType::OAuthToken,
            },
            MachineTokenError::SecretKeyInvalid { message: None },
            MachineTokenError::Unexpected {
                cause: "status 500".into(),
                status: Some(500),
            },
            MachineTokenError::KeyUnresolved,
            MachineTokenError::Verification(crate::machine::MachineJwtError::AudienceMismatch),
        ];
        machine_errors.extend(jwks_errors().into_iter().map(MachineTokenError::KeysUnavailable));
        let mut reasons = vec![
            SignedOutReason::SessionTokenMissing,
            SignedOutReason::NoTokenInHeader,
            SignedOutReason::TokenTypeMismatch {
                found: TokenType::M2mToken,
            },
            SignedOutReason::UnusableAuthorizationHeader,
        ];
        reasons.extend(session_errors.into_iter().map(|error| SignedOutReason::Token {
            error,
            carrier: TokenCarrier::Header,
        }));
        reasons.extend(
            machine_errors
                .into_iter()
                .map(|error| SignedOutReason::Machine { error }),
        );
        for reason in reasons {
            assert_eq!(reason.class(), by_reason_string(reason.reason()), "{reason:?}");
        }
    }
}
