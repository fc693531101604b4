//! What every framework adapter shares besides rejections: the outcome stored in the request
//! extensions and the rule for reusing it, so a request is verified once whatever the
//! framework.

use std::borrow::Cow;
use std::sync::Arc;

use crate::{AcceptsToken, RequestState};

/// What the middleware or the first extractor stored in the request extensions.
#[derive(Debug, Clone)]
pub(crate) struct Verified {
    pub(crate) accepts: AcceptsToken,
    pub(crate) state: Arc<RequestState>,
}

/// The stored outcome if it can answer for `accepts` ([`RequestState::under`]); `None` means
/// authenticate again with `accepts`.
pub(crate) fn reuse(verified: &Verified, accepts: &AcceptsToken) -> Option<Arc<RequestState>> {
    if verified.accepts == *accepts {
        return Some(Arc::clone(&verified.state));
    }
    match verified.state.under(accepts) {
        Some(Cow::Borrowed(_)) => Some(Arc::clone(&verified.state)),
        Some(Cow::Owned(state)) => Some(Arc::new(state)),
        None => None,
    }
}
