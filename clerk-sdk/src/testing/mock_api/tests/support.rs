//! Helpers: a mock, and plain reqwest calls against it returning status, headers and JSON.

use http::{HeaderMap, Method};
use serde_json::Value;

use super::super::MockClerkApi;

pub(super) const SECRET: &str = "sk_test_local_clerk";

pub(super) async fn start() -> MockClerkApi {
    MockClerkApi::start(SECRET).await.expect("mock starts")
}

/// One answer: status, headers and the body as JSON (`Null` when it is not JSON).
#[derive(Debug)]
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) body: Value,
}

impl Answer {
    pub(super) fn code(&self) -> &str {
        self.body["errors"][0]["code"].as_str().unwrap_or_default()
    }

    /// The ids of a bare array or of a `{data}` wrapper, in order.
    pub(super) fn ids(&self) -> Vec<String> {
        let items = self.body.get("data").unwrap_or(&self.body);
        items
            .as_array()
            .expect("a list")
            .iter()
            .map(|item| item["id"].as_str().expect("id").to_owned())
            .collect()
    }
}

thread_local! {
    /// One client per test thread (each test has its own thread and runtime): building a
    /// client loads the platform's TLS roots, which costs more than a request.
    static CLIENT: reqwest::Client = reqwest::Client::builder().no_proxy().build().expect("client");
}

pub(super) fn client() -> reqwest::Client {
    CLIENT.with(reqwest::Client::clone)
}

/// Sends `method path_and_query` with the secret key and an optional JSON body.
pub(super) async fn call(mock: &MockClerkApi, method: Method, path: &str, body: Option<Value>) -> Answer {
    call_as(mock, SECRET, method, path, body).await
}

pub(super) async fn call_as(
    mock: &MockClerkApi,
    bearer: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Answer {
    let mut request = client()
        .request(method, format!("{}{path}", mock.url()))
        .bearer_auth(bearer);
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.expect("response");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    Answer {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
    }
}

pub(super) async fn get(mock: &MockClerkApi, path: &str) -> Answer {
    call(mock, Method::GET, path, None).await
}
