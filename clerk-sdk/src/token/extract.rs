//! Pulls the raw credential out of request headers: the `Authorization` header (`Bearer` in
//! any case, as RFC 7235 says schemes are case-insensitive, or a bare token), else the
//! `__session` cookie. No verification.

use http::HeaderMap;
use http::header::{AUTHORIZATION, COOKIE};

/// What the `Authorization` header holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeaderCredential<'a> {
    /// No `Authorization` header, or a scheme other than `Bearer` (the cookie is read instead,
    /// as upstream does).
    Absent,
    /// A token: after `Bearer ` (any case), or the whole value when it has no scheme.
    Token(&'a str),
    /// The header is present but holds no usable token: empty, only a scheme, or not visible
    /// ASCII.
    Unusable(UnusableHeader),
}

/// Why an `Authorization` header holds no usable token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnusableHeader {
    /// Empty, or `Bearer` with nothing after it.
    Empty,
    /// Bytes outside visible ASCII.
    NotAscii,
}

/// Reads the first `Authorization` header.
///
/// Mirrors upstream's `split(" ", 2)`: a value with no space is a bare token; `Bearer <token>`
/// (scheme matched case-insensitively, RFC 7235) yields the text up to the next space; any
/// other scheme is ignored.
pub(crate) fn authorization(headers: &HeaderMap) -> HeaderCredential<'_> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return HeaderCredential::Absent;
    };
    // UTF-8 rather than `to_str`'s visible-ASCII scan: anything outside base64url fails
    // decoding anyway, with the same reason, and the check is cheaper.
    let Ok(value) = std::str::from_utf8(value.as_bytes()) else {
        return HeaderCredential::Unusable(UnusableHeader::NotAscii);
    };
    let value = value.trim_matches([' ', '\t']);
    match value.split_once(' ') {
        None if value.is_empty() || value.eq_ignore_ascii_case("bearer") => {
            HeaderCredential::Unusable(UnusableHeader::Empty)
        }
        None => HeaderCredential::Token(value),
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => {
            let token = rest.split(' ').next().unwrap_or_default();
            if token.is_empty() {
                HeaderCredential::Unusable(UnusableHeader::Empty)
            } else {
                HeaderCredential::Token(token)
            }
        }
        Some(_) => HeaderCredential::Absent,
    }
}

/// The name of the session cookie.
pub(crate) const SESSION_COOKIE: &str = "__session";

/// Finds the session cookie: `__session_<suffix>` first when a suffix is known, then
/// `__session`. Within a name the first occurrence wins; values are trimmed and, when they
/// contain `%`, percent-decoded (as upstream's `cookie` parser does).
pub(crate) fn session_cookie(headers: &HeaderMap, suffix: Option<&str>) -> Option<String> {
    if let Some(suffix) = suffix {
        let name = format!("{SESSION_COOKIE}_{suffix}");
        if let Some(v) = cookie(headers, &name) {
            return Some(v);
        }
    }
    cookie(headers, SESSION_COOKIE)
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k.trim() == name).then(|| v.trim())
        })
        .map(|v| {
            let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v);
            if v.contains('%') {
                percent_decode(v)
            } else {
                v.to_owned()
            }
        })
        .filter(|v| !v.is_empty())
}

/// `decodeURIComponent`, falling back to the raw text when the escapes are malformed (as the
/// `cookie` package does).
fn percent_decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(decoded) => {
                    out.push(decoded);
                    i += 3;
                    continue;
                }
                None => return v.to_owned(),
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn with_auth(v: &'static [u8]) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_bytes(v).unwrap());
        h
    }

    #[test]
    fn authorization_header_table() {
        use HeaderCredential::*;
        let cases: &[(&[u8], HeaderCredential<'_>)] = &[
            (b"Bearer abc", Token("abc")),
            (b"bearer abc", Token("abc")),
            (b"BEARER abc", Token("abc")),
            (b"abc", Token("abc")),
            (b"Bearer a b", Token("a")),
            (b"Basic dXNlcjpwdw==", Absent),
            (b"", Unusable(UnusableHeader::Empty)),
            (b"Bearer", Unusable(UnusableHeader::Empty)),
            (b"Bearer ", Unusable(UnusableHeader::Empty)),
            (b"Bearer  abc", Unusable(UnusableHeader::Empty)),
            (b"Bearer \xff\xfe", Unusable(UnusableHeader::NotAscii)),
        ];
        for (raw, want) in cases {
            assert_eq!(
                authorization(&with_auth(raw)),
                *want,
                "{:?}",
                String::from_utf8_lossy(raw)
            );
        }
        assert_eq!(authorization(&HeaderMap::new()), Absent);
    }

    #[test]
    fn cookies() {
        let mut h = HeaderMap::new();
        h.append(
            COOKIE,
            HeaderValue::from_static("a=1; __session= tok1 ; __session=tok2"),
        );
        h.append(COOKIE, HeaderValue::from_static("__session_abc=suffixed"));
        assert_eq!(session_cookie(&h, None).as_deref(), Some("tok1"));
        assert_eq!(session_cookie(&h, Some("abc")).as_deref(), Some("suffixed"));
        assert_eq!(session_cookie(&h, Some("zzz")).as_deref(), Some("tok1"));

        let mut h = HeaderMap::new();
        h.insert(COOKIE, HeaderValue::from_static("__session=a%2Eb; x=y"));
        assert_eq!(session_cookie(&h, None).as_deref(), Some("a.b"));
        h.insert(COOKIE, HeaderValue::from_static("__session=a%zzb"));
        assert_eq!(session_cookie(&h, None).as_deref(), Some("a%zzb"));
        h.insert(COOKIE, HeaderValue::from_static("__session="));
        assert_eq!(session_cookie(&h, None), None);
        assert_eq!(session_cookie(&HeaderMap::new(), None), None);
    }
}
