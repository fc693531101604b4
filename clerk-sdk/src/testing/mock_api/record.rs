//! [`RecordedRequest`]: what a client sent, exactly, for request-shape assertions.

use std::fmt;

use http::{HeaderMap, Method};
use hyper::body::Bytes;
use serde_json::Value;

use super::Endpoint;

/// One request as the mock received it, kept by [`MockClerkApi::recorded_requests`].
///
/// Everything is as sent on the wire: `path` keeps its percent-encoding, `raw_query_pairs`
/// keep theirs, and `query_pairs` are the same pairs decoded (`+` is a space, as in
/// `application/x-www-form-urlencoded`), both in the order sent, repeated keys included.
///
/// `Debug` hides the `Authorization` value; the field itself holds it, so a test can assert
/// the bearer.
///
/// [`MockClerkApi::recorded_requests`]: super::MockClerkApi::recorded_requests
#[derive(Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method.
    pub method: Method,
    /// The path, percent-encoding preserved (e.g. `/v1/users/a%2Fb`).
    pub path: String,
    /// The query string after `?`, untouched; `None` when the URL had no `?`.
    pub raw_query: Option<String>,
    /// The query pairs in order, each key and value percent-decoded.
    pub query_pairs: Vec<(String, String)>,
    /// The query pairs in order, exactly as sent (split on `&` and the first `=`).
    pub raw_query_pairs: Vec<(String, String)>,
    /// Every header.
    pub headers: HeaderMap,
    /// The body bytes (empty when there was none).
    pub body: Bytes,
    /// The endpoint it was routed to; `None` for an unknown path or a wrong method.
    pub endpoint: Option<Endpoint>,
}

impl RecordedRequest {
    pub(super) fn new(
        method: Method,
        path: String,
        raw_query: Option<String>,
        headers: HeaderMap,
        body: Bytes,
        endpoint: Option<Endpoint>,
    ) -> Self {
        let query = raw_query.as_deref().unwrap_or_default();
        let query_pairs = form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let raw_query_pairs = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| match pair.split_once('=') {
                Some((k, v)) => (k.to_owned(), v.to_owned()),
                None => (pair.to_owned(), String::new()),
            })
            .collect();
        RecordedRequest {
            method,
            path,
            raw_query,
            query_pairs,
            raw_query_pairs,
            headers,
            body,
            endpoint,
        }
    }

    /// The decoded values of query key `key`, in order (several for a repeated key).
    pub fn query_values(&self, key: &str) -> Vec<&str> {
        self.query_pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The decoded query keys in order, repeats included.
    pub fn query_keys(&self) -> Vec<&str> {
        self.query_pairs.iter().map(|(k, _)| k.as_str()).collect()
    }

    /// The header `name` as text, if present and visible ASCII (the first one if repeated).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body parsed as JSON; `None` when it is empty or not JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The path's segments after the leading `/`, percent-decoded.
    pub fn path_segments(&self) -> Vec<String> {
        self.path
            .trim_start_matches('/')
            .split('/')
            .map(super::endpoint::decode_segment)
            .collect()
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let value = if name == http::header::AUTHORIZATION {
                    "[redacted]"
                } else {
                    value.to_str().unwrap_or("[binary]")
                };
                (name.as_str(), value)
            })
            .collect();
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("raw_query", &self.raw_query)
            .field("headers", &headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("endpoint", &self.endpoint)
            .finish()
    }
}
