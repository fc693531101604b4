//! [`ReasonClass`]: what kind of failure a signed-out reason is, so that callers decide on a
//! type (401, 503 or 500) instead of comparing reason strings.

/// What kind of failure stopped a credential from being accepted.
///
/// Every refusal reason in this crate knows its class, and adapters choose the HTTP answer
/// from it: a client fault is 401, an unreachable Clerk is 503 (fail closed, retry later) and a
/// refused server configuration is 500.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReasonClass {
    /// The credential is missing, malformed, forged, expired or otherwise not acceptable: the
    /// caller's fault.
    Unauthenticated,
    /// The keys or the Backend API needed to decide could not be reached: nobody's fault, and
    /// a later retry may succeed.
    Unavailable,
    /// The server's own Clerk configuration was refused (for instance a rejected secret key,
    /// or no key that can verify this kind of credential).
    Misconfigured,
}
