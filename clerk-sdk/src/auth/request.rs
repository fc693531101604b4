//! [`Authenticator`]: finds the credential in a request, dispatches on the accepted token
//! types and verifies it. Owns everything verification needs (key source, rules, machine
//! verifier, token cache, clock), built once from the config, so it depends on values, not on
//! the [`crate::Clerk`] handle.

use std::sync::Arc;

use http::HeaderMap;

use super::session::{SessionAuth, SessionClaims};
use super::{AuthStatus, RequestState, SignedOutReason, TokenCarrier};
use crate::clock::Clock;
use crate::config::ClerkConfig;
use crate::jwks::JwksCache;
use crate::key_source::KeySource;
use crate::machine::MachineVerifier;
use crate::token::extract::{self, HeaderCredential};
use crate::token::jwt::{self, DecodedJwt, MAX_TOKEN_LEN, MalformedToken};
use crate::token::session::{self, SessionRules};
use crate::token::{self, AcceptsToken, SessionVerifyError, TokenType, category};
use crate::token_cache::{TokenCache, TokenDigest, VerifiedSession};

/// Decides requests: one per [`crate::Clerk`], shared by its clones.
#[derive(Debug)]
pub(crate) struct Authenticator {
    keys: KeySource,
    rules: SessionRules,
    machine: MachineVerifier,
    /// Verified session tokens, when the cache is on.
    cache: Option<TokenCache>,
    clock: Arc<dyn Clock>,
    /// The suffix of the instance's `__session_<suffix>` cookie, from the publishable key.
    cookie_suffix: Option<String>,
    treat_pending_as_signed_out: bool,
}

impl Authenticator {
    /// Everything verification needs, taken from `config` once.
    // On wasm32 the JWKS cache holds the host's futures, which are not `Send`; the `Arc` is
    // still right there (one thread, and the same sharing code as natively).
    #[cfg_attr(target_arch = "wasm32", allow(clippy::arc_with_non_send_sync))]
    pub(crate) fn new(config: &ClerkConfig) -> Self {
        let keys = match (&config.jwt_key, &config.transport, &config.secret_key) {
            (Some(key), _, _) => KeySource::Pem(key.clone()),
            (None, Some(transport), Some(secret)) => KeySource::Jwks(Arc::new(JwksCache::new(
                transport.clone(),
                secret.clone(),
                config.jwks_policy.clone(),
                Arc::clone(&config.clock),
            ))),
            _ => KeySource::None,
        };
        Authenticator {
            keys,
            rules: config.rules.clone(),
            machine: MachineVerifier::new(
                config.transport.clone(),
                config.secret_key.clone(),
                config.machine_secret_key.clone(),
                config.rules.audiences.clone(),
                config.rules.clock_skew_ms,
            ),
            cache: (config.token_cache_capacity > 0).then(|| TokenCache::new(config.token_cache_capacity)),
            clock: Arc::clone(&config.clock),
            cookie_suffix: config.publishable_key.as_ref().map(|pk| pk.cookie_suffix()),
            treat_pending_as_signed_out: config.treat_pending_as_signed_out,
        }
    }

    /// How many verified session tokens the cache holds (0 when it is off).
    pub(crate) fn cached_tokens(&self) -> usize {
        self.cache.as_ref().map_or(0, TokenCache::len)
    }

    /// Verifies a session token outside a request (no token cache, no type detection).
    pub(crate) async fn verify_token(&self, token: &str) -> Result<SessionClaims, SessionVerifyError> {
        let jwt = session::decode_session_token(token)?;
        let key = self.keys.resolve(jwt.header().kid.as_deref()).await?;
        session::verify_decoded(jwt, &key, &self.rules, self.clock.now_ms())
            .await
            .map(|verified| SessionClaims::new(jwt::parse_validated(&verified.text)))
    }

    /// Decides one request from its headers. A bad or missing credential is a signed-out state.
    pub(crate) async fn authenticate(&self, headers: &HeaderMap, accepts: &AcceptsToken) -> RequestState {
        match extract::authorization(headers) {
            HeaderCredential::Token(token) => {
                self.verify_credential(accepts, token, TokenCarrier::Header).await
            }
            HeaderCredential::Unusable(_) => RequestState::signed_out(
                SignedOutReason::UnusableAuthorizationHeader,
                Some(first_accepted(accepts)),
            ),
            HeaderCredential::Absent => {
                // Machine tokens are read from the header only: without one, the cookie is
                // consulted only when session tokens are accepted.
                if !accepts.accepts(TokenType::SessionToken) {
                    return RequestState::no_credential(accepts);
                }
                match extract::session_cookie(headers, self.cookie_suffix.as_deref()) {
                    Some(token) => {
                        self.verify_credential(accepts, &token, TokenCarrier::Cookie)
                            .await
                    }
                    None => RequestState::no_credential(accepts),
                }
            }
        }
    }

    async fn verify_credential(
        &self,
        accepts: &AcceptsToken,
        token: &str,
        carrier: TokenCarrier,
    ) -> RequestState {
        // The cache holds session tokens only, so it is consulted only where they are accepted,
        // never for an opaque machine token, and never for a token the length cap refuses.
        let cache = self
            .cache
            .as_ref()
            .filter(|_| {
                accepts.accepts(TokenType::SessionToken)
                    && token.len() <= MAX_TOKEN_LEN
                    && token::opaque_machine_type(token).is_none()
            })
            .map(|cache| (cache, TokenDigest::of(token)));
        if let Some((cache, digest)) = &cache
            && let Some(entry) = cache.get(digest)
        {
            match self.cache_hit(entry, carrier).await {
                Some(state) => {
                    if state.status() == AuthStatus::SignedOut {
                        cache.remove(digest);
                    }
                    return state;
                }
                // Its key is gone: verify from scratch, which says why it fails now.
                None => cache.remove(digest),
            }
        }

        // One decode serves type detection and verification. The M2M category is not refused
        // here: in a request it is a type mismatch, not a malformed token.
        let decoded = DecodedJwt::decode(token).map_err(SessionVerifyError::Malformed);
        let detected = token::detect_decoded(token, decoded.as_ref().ok());

        // Machine tokens are read from the Authorization header only, never from cookies.
        let cookie_machine = carrier == TokenCarrier::Cookie && detected.is_machine();
        if !accepts.accepts(detected) || cookie_machine {
            return RequestState::signed_out(
                SignedOutReason::TokenTypeMismatch { found: detected },
                accepts.mismatch_type(),
            );
        }
        if detected.is_machine() {
            let decoded = decoded.ok();
            return match self
                .machine
                .verify(&self.keys, self.clock.as_ref(), token, detected, decoded)
                .await
            {
                Ok(machine) => RequestState::signed_in_machine(machine),
                Err(error) => RequestState::signed_out(SignedOutReason::Machine { error }, Some(detected)),
            };
        }

        let session_type = Some(TokenType::SessionToken);
        let decoded = match decoded {
            Ok(d) => d,
            Err(error) => {
                return RequestState::signed_out(SignedOutReason::Token { error, carrier }, session_type);
            }
        };
        // A JWT template or other non-session category is a different kind of token.
        if decoded.header().cat_not_string || category::is_non_session(decoded.header().cat.as_deref()) {
            return RequestState::signed_out(
                SignedOutReason::TokenTypeMismatch {
                    found: TokenType::SessionToken,
                },
                session_type,
            );
        }
        let key = match self.keys.resolve(decoded.header().kid.as_deref()).await {
            Ok(key) => key,
            Err(error) => {
                return RequestState::signed_out(SignedOutReason::Token { error, carrier }, session_type);
            }
        };
        let now_ms = self.clock.now_ms();
        match session::verify_decoded(decoded, &key, &self.rules, now_ms).await {
            Ok(verified) => {
                let Some(entry) =
                    VerifiedSession::new(verified.text, &verified.scan.fields, verified.times, key)
                else {
                    // The compact form indexes its text with 16-bit offsets. Only a payload whose
                    // decoded text outgrows them (tens of KB of invalid UTF-8, each byte
                    // replaced by a 3-byte U+FFFD) gets here: refuse it as oversized rather than
                    // keep a second, uncached representation of sessions.
                    return RequestState::signed_out(
                        SignedOutReason::Token {
                            error: SessionVerifyError::Malformed(MalformedToken::TooLong),
                            carrier,
                        },
                        session_type,
                    );
                };
                let entry = Arc::new(entry);
                // Only a token that passed every check is cached.
                if let Some((cache, digest)) = cache {
                    cache.insert(digest, Arc::clone(&entry));
                }
                RequestState::signed_in(
                    SessionAuth::from_verified(entry),
                    self.treat_pending_as_signed_out,
                    carrier,
                )
            }
            Err(error) => RequestState::signed_out(SignedOutReason::Token { error, carrier }, session_type),
        }
    }

    /// A cache hit: the state the token gets now, or `None` when the key that verified it is no
    /// longer the one its `kid` resolves to (rotated out, or keys unavailable).
    async fn cache_hit(&self, entry: Arc<VerifiedSession>, carrier: TokenCarrier) -> Option<RequestState> {
        if !self.keys.still_resolves(entry.key()).await {
            return None;
        }
        let now_ms = self.clock.now_ms();
        Some(
            match session::check_time_claims(entry.times(), self.rules.clock_skew_ms, now_ms) {
                Ok(()) => RequestState::signed_in(
                    SessionAuth::from_verified(entry),
                    self.treat_pending_as_signed_out,
                    carrier,
                ),
                Err(error) => RequestState::signed_out(
                    SignedOutReason::Token { error, carrier },
                    Some(TokenType::SessionToken),
                ),
            },
        )
    }
}

/// The type reported for a credential that could not be read at all.
fn first_accepted(accepts: &AcceptsToken) -> TokenType {
    match accepts {
        AcceptsToken::One(t) => *t,
        AcceptsToken::Many(_) | AcceptsToken::Any => TokenType::SessionToken,
    }
}
