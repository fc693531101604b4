//! The verified-token cache: a bounded map from the SHA-256 of a session token to the
//! [`VerifiedSession`] it verified to, so a token sent with many requests has its signature
//! checked once (`@clerk/backend` verifies every request).
//!
//! What keeps it sound:
//! - only tokens that passed every check enter, and only from `authenticate_request` (whose
//!   checks are the strictest: type detection, category, signature, claims);
//! - the key is the digest of the token text (trailing `=` aside, which decoding ignores), so a
//!   token differing in any other byte misses;
//! - a hit re-runs the time checks (`exp`, `nbf`, `iat` with the skew) and requires the
//!   token's key to still be the very key the current key set resolves its `kid` to, so a key
//!   that leaves the JWKS (or a key set that can no longer be used) stops its tokens at once;
//! - failures are never stored: a refused token costs a full verification every time.
//!
//! The map is `quick_cache` (CLOCK-Pro eviction, sharded locks, about 90 bytes per entry of
//! its own). Measured against moka (about 260 bytes per entry, 3–5× slower hits) and a sharded
//! `Mutex<HashMap>` (no eviction), it was the smallest bounded option. Ghost entries (which
//! remember evicted keys to resist scans) are turned off: they would double the map's memory
//! for a workload where recency is all that matters.

use std::sync::Arc;

use quick_cache::sync::Cache;

mod entry;

pub(crate) use entry::{Field, VerifiedSession};

/// The SHA-256 of a token's text without trailing `=`.
///
/// Decoding strips `=` padding after each part, so a token with `=` appended after its
/// signature verifies exactly as the token itself (same signing input, same signature bytes):
/// both spellings share one entry, and appending `=` cannot fill the cache with copies of one
/// token. Padding inside the token is kept: it changes the signing input, so such a spelling
/// is a different token. The caller checks the length cap on the raw text first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct TokenDigest([u8; 32]);

impl TokenDigest {
    /// Digests `token`.
    pub(crate) fn of(token: &str) -> Self {
        let text = token.trim_end_matches('=');
        TokenDigest(crate::crypto::sha256(text.as_bytes()))
    }
}

/// A bounded cache of verified session tokens.
pub(crate) struct TokenCache {
    entries: Cache<TokenDigest, Arc<VerifiedSession>>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("len", &self.entries.len())
            .field("capacity", &self.entries.capacity())
            .finish()
    }
}

impl TokenCache {
    /// A cache holding at most about `capacity` tokens (`capacity` ≥ 1).
    pub(crate) fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        // Few shards for small caches, so each shard's share of the capacity stays useful.
        let shards =
            (capacity / 64).clamp(1, 4 * std::thread::available_parallelism().map_or(1, usize::from));
        let options = quick_cache::OptionsBuilder::new()
            .estimated_items_capacity(capacity)
            .weight_capacity(u64::try_from(capacity).unwrap_or(u64::MAX))
            .ghost_allocation(0.0)
            .shards(shards)
            .build();
        let entries = match options {
            Ok(options) => Cache::with_options(
                options,
                quick_cache::UnitWeighter,
                quick_cache::DefaultHashBuilder::default(),
                quick_cache::sync::DefaultLifecycle::default(),
            ),
            // The options are all in range (capacity ≥ 1, shards ≥ 1), so this cannot happen;
            // a cache with default options would stand in.
            Err(_) => {
                debug_assert!(false, "token cache options refused");
                Cache::new(capacity)
            }
        };
        TokenCache { entries }
    }

    /// The entry for `digest`, if any.
    pub(crate) fn get(&self, digest: &TokenDigest) -> Option<Arc<VerifiedSession>> {
        self.entries.get(digest)
    }

    /// Stores a verified token.
    pub(crate) fn insert(&self, digest: TokenDigest, session: Arc<VerifiedSession>) {
        self.entries.insert(digest, session);
    }

    /// Drops a token whose entry no longer holds (expired, or its key is gone).
    pub(crate) fn remove(&self, digest: &TokenDigest) {
        self.entries.remove(digest);
    }

    /// How many tokens are cached.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_sha256_of_the_text_without_trailing_padding() {
        let a = TokenDigest::of("a.b.c");
        assert_eq!(a, TokenDigest::of("a.b.c"));
        assert_eq!(a, TokenDigest::of("a.b.c=="));
        assert_ne!(a, TokenDigest::of("a=.b.c"));
        assert_ne!(a, TokenDigest::of("a.b=.c"));
        assert_ne!(a, TokenDigest::of("a.b.d"));
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        let abc = TokenDigest::of("abc");
        assert_eq!(abc.0[..4], [0xba, 0x78, 0x16, 0xbf]);
    }

    #[test]
    fn capacity_bounds_the_entries() {
        let key = crate::jwt_key::JwtKey::generate_for_tests();
        let times = crate::token::session::TimeClaims {
            exp: 2e9,
            nbf: None,
            iat: None,
        };
        let cache = TokenCache::new(100);
        for i in 0..1_000 {
            let payload = format!(r#"{{"sub":"user_{i}"}}"#);
            let session = VerifiedSession::from_text(&payload, times, key.clone()).expect("a JSON object");
            cache.insert(TokenDigest::of(&payload), Arc::new(session));
        }
        assert!(cache.len() <= 100, "{} entries", cache.len());
        assert!(cache.len() >= 50, "{} entries", cache.len());
    }
}
