//! Session JWT verification in `@clerk/backend`'s order, RS256 only and with a strict audience:
//! decode → category gate → key → `typ` → `alg` (RS256 only) → signature → `sub` → `aud` →
//! `azp` → `iss` → `exp` → `nbf` → `iat`.
//!
//! The signature is checked before any claim, so a forged token learns nothing about which claim
//! would have failed. This module never fetches keys: the caller resolves the key between
//! [`decode_session_token`] and [`verify_decoded`].

use serde_json::{Map, Value};

use super::category;
use super::error::SessionVerifyError;
use super::jwt::{DecodedJwt, MalformedToken};
use super::payload::{PayloadScan, Registered};
use crate::jwt_key::JwtKey;

/// The claim checks a session token must pass, fixed when the config is built.
#[derive(Debug, Clone, Default)]
pub(crate) struct SessionRules {
    /// Accepted `aud` values; empty means `aud` is not checked.
    pub(crate) audiences: Vec<String>,
    /// Accepted `azp` values; empty means `azp` is not checked.
    pub(crate) authorized_parties: Vec<String>,
    /// Accepted `iss` values; empty means `iss` is not checked.
    pub(crate) issuers: Vec<String>,
    /// Tolerated clock difference, in milliseconds.
    pub(crate) clock_skew_ms: u64,
}

/// Decodes the token and refuses the M2M category before any key is looked up.
pub(crate) fn decode_session_token(token: &str) -> Result<DecodedJwt<'_>, SessionVerifyError> {
    let jwt = DecodedJwt::decode(token).map_err(SessionVerifyError::Malformed)?;
    if jwt.header().cat.as_deref() == Some(category::M2M) {
        return Err(SessionVerifyError::InvalidCategory);
    }
    Ok(jwt)
}

/// The time claims of a verified token, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TimeClaims {
    /// `exp`.
    pub(crate) exp: f64,
    /// `nbf`, when present.
    pub(crate) nbf: Option<f64>,
    /// `iat`, when present.
    pub(crate) iat: Option<f64>,
}

/// Where claim checks read claims from: the full map, or the registered claims a payload scan
/// kept (the same values).
pub(crate) trait ClaimSource {
    /// The claim named `name`, as the payload's map would hold it.
    fn claim(&self, name: &str) -> Option<&Value>;
}

impl ClaimSource for Map<String, Value> {
    fn claim(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
}

impl ClaimSource for Registered {
    fn claim(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
}

/// A session token that passed every check: its payload text, what the scan found, and its
/// time claims.
#[derive(Debug)]
pub(crate) struct VerifiedPayload {
    /// The payload's JSON text.
    pub(crate) text: String,
    /// What the single pass over it found.
    pub(crate) scan: PayloadScan,
    /// `exp`, `nbf`, `iat`.
    pub(crate) times: TimeClaims,
}

/// Every check after key resolution (`typ`, `alg`, signature, then the claims); returns the
/// verified payload.
pub(crate) async fn verify_decoded(
    jwt: DecodedJwt<'_>,
    key: &JwtKey,
    rules: &SessionRules,
    now_ms: u64,
) -> Result<VerifiedPayload, SessionVerifyError> {
    let header = jwt.header();
    if header.typ_not_string || header.typ.as_deref().is_some_and(|t| t != "JWT") {
        return Err(SessionVerifyError::InvalidType);
    }
    check_signature(&jwt, key).await?;
    let times = check_claims(jwt.registered(), rules, now_ms)?;
    let (text, scan) = jwt.into_payload();
    Ok(VerifiedPayload { text, scan, times })
}

/// The algorithm (RS256 only) and the signature with `key`: the step every Clerk-signed JWT
/// passes before any claim is read, so a forged token learns nothing about its claims.
pub(crate) async fn check_signature(jwt: &DecodedJwt<'_>, key: &JwtKey) -> Result<(), SessionVerifyError> {
    if jwt.header().alg.as_deref() != Some("RS256") {
        return Err(SessionVerifyError::InvalidAlgorithm);
    }
    if !key
        .verify_signature(jwt.signing_input().as_bytes(), jwt.signature())
        .await
    {
        return Err(SessionVerifyError::InvalidSignature);
    }
    Ok(())
}

/// The claim checks, in `@clerk/backend`'s order, after the signature held.
pub(crate) fn check_claims(
    claims: &impl ClaimSource,
    rules: &SessionRules,
    now_ms: u64,
) -> Result<TimeClaims, SessionVerifyError> {
    if !claims.claim("sub").is_some_and(Value::is_string) {
        return Err(SessionVerifyError::MissingSubject);
    }
    if !rules.audiences.is_empty() && !audience_matches(claims.claim("aud"), &rules.audiences) {
        return Err(SessionVerifyError::InvalidAudience);
    }
    if !rules.authorized_parties.is_empty() {
        let azp = claims
            .claim("azp")
            .and_then(Value::as_str)
            .filter(|a| !a.is_empty());
        if !azp.is_some_and(|a| rules.authorized_parties.iter().any(|p| p == a)) {
            return Err(SessionVerifyError::InvalidAuthorizedParty {
                azp: azp.map(printable_claim),
            });
        }
    }
    if !rules.issuers.is_empty() {
        let iss = claims.claim("iss").and_then(Value::as_str);
        if !iss.is_some_and(|i| rules.issuers.iter().any(|p| p == i)) {
            return Err(SessionVerifyError::InvalidIssuer {
                iss: iss.map(printable_claim),
            });
        }
    }
    check_times(claims, rules.clock_skew_ms, now_ms)
}

/// `exp`, `nbf`, `iat` against `now` with the skew, using upstream's boundaries: expired when
/// `exp·1000 <= now − skew`; not yet valid when `nbf·1000 > now + skew`; same for `iat`.
/// Each claim is read, then checked, in that order.
pub(crate) fn check_times(
    claims: &impl ClaimSource,
    skew_ms: u64,
    now_ms: u64,
) -> Result<TimeClaims, SessionVerifyError> {
    let exp = time_claim(claims, "exp")?.ok_or(SessionVerifyError::InvalidTimeClaim { claim: "exp" })?;
    check_exp(exp, skew_ms, now_ms)?;
    let nbf = time_claim(claims, "nbf")?;
    check_nbf(nbf, skew_ms, now_ms)?;
    let iat = time_claim(claims, "iat")?;
    check_iat(iat, skew_ms, now_ms)?;
    Ok(TimeClaims { exp, nbf, iat })
}

/// The same checks on time claims read before, for a token verified earlier (a cache hit).
pub(crate) fn check_time_claims(
    times: TimeClaims,
    skew_ms: u64,
    now_ms: u64,
) -> Result<(), SessionVerifyError> {
    check_exp(times.exp, skew_ms, now_ms)?;
    check_nbf(times.nbf, skew_ms, now_ms)?;
    check_iat(times.iat, skew_ms, now_ms)
}

// f64 like upstream: JSON numbers may be fractional, and ms timestamps fit exactly.
fn check_exp(exp: f64, skew_ms: u64, now_ms: u64) -> Result<(), SessionVerifyError> {
    if claim_ms(exp) <= now_ms as f64 - skew_ms as f64 {
        return Err(SessionVerifyError::Expired { exp, now_ms });
    }
    Ok(())
}

fn check_nbf(nbf: Option<f64>, skew_ms: u64, now_ms: u64) -> Result<(), SessionVerifyError> {
    match nbf {
        Some(nbf) if claim_ms(nbf) > now_ms as f64 + skew_ms as f64 => {
            Err(SessionVerifyError::NotActiveYet { nbf, now_ms })
        }
        _ => Ok(()),
    }
}

fn check_iat(iat: Option<f64>, skew_ms: u64, now_ms: u64) -> Result<(), SessionVerifyError> {
    match iat {
        Some(iat) if claim_ms(iat) > now_ms as f64 + skew_ms as f64 => {
            Err(SessionVerifyError::IssuedInTheFuture { iat, now_ms })
        }
        _ => Ok(()),
    }
}

/// A time claim in milliseconds as upstream reads it: whole seconds, the fraction dropped
/// (toward zero), because it sets a JavaScript `Date` with `setUTCSeconds`. So `exp` 99.5
/// expires with `exp` 99, and `nbf` 100.5 is active with `nbf` 100.
///
/// Values a JavaScript `Date` cannot hold are still compared as numbers (upstream's date turns
/// invalid there and every comparison passes, so a token would never expire or be active
/// before its `nbf`; we refuse it instead).
fn claim_ms(secs: f64) -> f64 {
    secs.trunc() * 1000.0
}

/// A time claim: absent is `None`, a number is its value, anything else is an error.
fn time_claim(claims: &impl ClaimSource, claim: &'static str) -> Result<Option<f64>, SessionVerifyError> {
    match claims.claim(claim) {
        None => Ok(None),
        Some(v) => v
            .as_f64()
            .map(Some)
            .ok_or(SessionVerifyError::InvalidTimeClaim { claim }),
    }
}

/// Strict audience: `aud` must be a string in the list, or an array with at least one string in
/// the list. Any other shape fails (`@clerk/backend` lets a missing or oddly shaped `aud` pass,
/// which would make the audience setting easy to bypass).
fn audience_matches(aud: Option<&Value>, accepted: &[String]) -> bool {
    let accepted = |a: &str| !a.is_empty() && accepted.iter().any(|x| x == a);
    match aud {
        Some(Value::String(a)) => accepted(a),
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).any(accepted),
        _ => false,
    }
}

/// A claim value safe to put in an error: bounded and without control characters.
fn printable_claim(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).take(256).collect()
}

impl From<MalformedToken> for SessionVerifyError {
    fn from(e: MalformedToken) -> Self {
        SessionVerifyError::Malformed(e)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn times(claims: Value, now_ms: u64) -> Result<TimeClaims, SessionVerifyError> {
        let Value::Object(map) = claims else {
            unreachable!()
        };
        check_times(&map, 5_000, now_ms)
    }

    /// Upstream drops the fraction of a time claim: at now = 100 s with the 5 s skew, `exp`
    /// 95.5 is expired like 95, `nbf` and `iat` 105.5 are fine like 105; 96 and 106 are where
    /// the answers change.
    #[test]
    fn fractional_time_claims_count_in_whole_seconds() {
        let now_ms = 100_000;
        let expired = |exp: f64| {
            matches!(
                times(json!({ "exp": exp }), now_ms),
                Err(SessionVerifyError::Expired { .. })
            )
        };
        assert!(expired(95.0));
        assert!(expired(95.5));
        assert!(expired(95.999));
        assert!(!expired(96.0));
        let late = json!(200);
        assert!(times(json!({ "exp": late, "nbf": 105.5, "iat": 105.5 }), now_ms).is_ok());
        assert!(matches!(
            times(json!({ "exp": late, "nbf": 106.0 }), now_ms),
            Err(SessionVerifyError::NotActiveYet { .. })
        ));
        assert!(matches!(
            times(json!({ "exp": late, "iat": 106.0 }), now_ms),
            Err(SessionVerifyError::IssuedInTheFuture { .. })
        ));
        // Toward zero, as JavaScript's ToIntegerOrInfinity: -0.5 is 0 s, not -1 s, so at
        // now − skew = −0.5 s it has not expired yet.
        assert!(times(json!({ "exp": -0.5 }), 4_500).is_ok());
        assert!(times(json!({ "exp": -1.0 }), 4_500).is_err());
        // The claim is reported as the token carries it.
        assert!(matches!(
            times(json!({ "exp": 95.5 }), now_ms),
            Err(SessionVerifyError::Expired { exp, .. }) if exp == 95.5
        ));
    }

    /// Beyond the range of a JavaScript date (±8.64e12 s) upstream's comparisons all pass; we
    /// keep comparing numbers, so such a token is not yet active, or expired, never accepted.
    #[test]
    fn time_claims_beyond_javascript_dates_fail_closed() {
        let now_ms = 100_000;
        assert!(matches!(
            times(json!({ "exp": 1e20, "nbf": 9e12 }), now_ms),
            Err(SessionVerifyError::NotActiveYet { .. })
        ));
        assert!(matches!(
            times(json!({ "exp": 1e20, "iat": 9e12 }), now_ms),
            Err(SessionVerifyError::IssuedInTheFuture { .. })
        ));
        assert!(matches!(
            times(json!({ "exp": -9e12 }), now_ms),
            Err(SessionVerifyError::Expired { .. })
        ));
        assert!(times(json!({ "exp": 9e12 }), now_ms).is_ok());
    }
}
