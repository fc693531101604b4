//! [`RawRequest`]: the escape hatch for endpoints not typed yet, with the same secret key,
//! headers, policy (timeouts, retries, rate limit) and [`ApiError`] as the typed operations.

use std::borrow::Cow;

use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::client::BackendApi;
use super::encode::{is_dot_segment, query_string};
use super::error::{ApiError, Refusal};
use super::operation::Call;

/// A request to any Backend API path, built by [`BackendApi::request`].
///
/// ```no_run
/// # #[allow(dead_code)]
/// # async fn run(api: clerk_sdk::api::BackendApi) -> Result<(), clerk_sdk::api::ApiError> {
/// use http::Method;
/// let domains: serde_json::Value = api
///     .request(Method::GET, "/domains")
///     .query("limit", "5")
///     .send()
///     .await?;
/// println!("{domains}");
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest<'a> {
    api: &'a BackendApi,
    method: Method,
    path: String,
    query: Vec<(Cow<'static, str>, String)>,
    body: Result<Option<Vec<u8>>, Refusal>,
}

impl<'a> RawRequest<'a> {
    pub(crate) fn new(api: &'a BackendApi, method: Method, path: &str) -> Self {
        RawRequest {
            api,
            method,
            path: path.to_owned(),
            query: Vec::new(),
            body: Ok(None),
        }
    }

    /// Appends one query pair (a key may repeat; values are form-encoded).
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((Cow::Owned(key.into()), value.into()));
        self
    }

    /// Sets the JSON body.
    pub fn json(mut self, body: &impl Serialize) -> Self {
        self.body = serde_json::to_vec(body).map(Some).map_err(|_| Refusal::Body);
        self
    }

    /// Sends the request and decodes a success answer as `T` (`serde_json::Value` for
    /// anything; an empty answer is `null`).
    ///
    /// # Errors
    /// [`Refusal::InvalidPath`] before sending when the path is not an absolute path of
    /// non-dot segments without `?` or `#` (encode ids in it yourself, as one segment each);
    /// otherwise as any operation.
    pub async fn send<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        let api = self.api;
        let call = self.into_call()?;
        api.send(call).await
    }

    fn into_call(self) -> Result<Call, Refusal> {
        let path_ok = self.path.starts_with('/')
            && !self.path.contains(['?', '#'])
            && !self.path.chars().any(|c| c.is_whitespace() || c.is_control())
            && !self.path.split('/').skip(1).any(is_dot_segment);
        if !path_ok {
            return Err(Refusal::InvalidPath);
        }
        let mut path_and_query = self.path;
        if !self.query.is_empty() {
            path_and_query.push('?');
            path_and_query.push_str(&query_string(&self.query));
        }
        Ok(Call {
            method: self.method,
            path_and_query,
            body: self.body?,
        })
    }
}

impl BackendApi {
    /// A request to `path` (under `{api_url}/{api_version}`, starting with `/`), for
    /// endpoints not typed yet: same secret key, headers, retries and error type.
    pub fn request(&self, method: Method, path: &str) -> RawRequest<'_> {
        RawRequest::new(self, method, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> BackendApi {
        let config = crate::ClerkConfig::builder()
            .secret_key("sk_test_raw")
            .build()
            .unwrap();
        BackendApi::new(&config)
    }

    #[test]
    fn paths_are_checked() {
        let api = api();
        for bad in [
            "users",
            "/users/../jwks",
            "/users/%2e%2e",
            "/users?x=1",
            "/a b",
            "/a#b",
        ] {
            let e = RawRequest::new(&api, Method::GET, bad).into_call().unwrap_err();
            assert_eq!(e, Refusal::InvalidPath, "{bad}");
        }
        let call = RawRequest::new(&api, Method::GET, "/users/user%2F1")
            .query("order_by", "+created_at")
            .query("x", "a b")
            .into_call()
            .unwrap();
        assert_eq!(
            call.path_and_query,
            "/users/user%2F1?order_by=%2Bcreated_at&x=a+b"
        );
    }
}
