//! What the Backend API client costs over a bare HTTP call, against the test kit's local Clerk
//! on loopback. Every figure comes from one run of this binary:
//!
//! ```text
//! cargo bench -p clerk-sdk --features testing --bench api
//! ```
//!
//! - `users_get/typed`: `api.users().get(id)` for a seeded user of about 6 KB (large
//!   metadata): path encoding, the policy's send loop (no rate limit), the answer read into a
//!   buffer, and the typed `User` parse.
//! - `users_get/bare_reqwest_value`: the floor. A GET of the same URL on the very same
//!   `reqwest::Client` (the same connection pool) with only the bearer header, the body read
//!   and parsed as a `serde_json::Value`.
//! - `users_get/bare_reqwest_typed`: the floor's request with the typed `User` parse instead
//!   of the `Value` (the parse's share of the difference).
//! - `users_get/bare_like_client`: the floor's request with the client's extra headers
//!   (`Clerk-API-Version`, `Content-Type`) and per-attempt timeout (their share).
//! - `concurrent/1000_gets`: 1,000 `users().get` calls in flight at once through one handle
//!   (and its pool); every one must succeed.
//!
//! # Reading the ratio
//!
//! ```text
//! client overhead = time(users_get/typed) / time(users_get/bare_reqwest_value)
//! ```
//!
//! Goal: at most 1.1. Compare the central estimates of one run, on an otherwise idle machine.

use std::time::Duration;

use clerk_sdk::ClerkConfig;
use clerk_sdk::api::BackendApi;
use clerk_sdk::testing::{MockClerkApi, UserSeed};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};

const SECRET: &str = "sk_test_bench_api_0123456789";

struct Setup {
    runtime: tokio::runtime::Runtime,
    _clerk: MockClerkApi,
    api: BackendApi,
    http: reqwest::Client,
    url: String,
    user_id: String,
}

fn setup() -> Setup {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let clerk = runtime
        .block_on(MockClerkApi::start(SECRET))
        .expect("local Clerk");
    let metadata: serde_json::Map<String, Value> = (0..60)
        .map(|i| (format!("key_{i:02}"), json!({"label": "x".repeat(48), "n": i})))
        .collect();
    let user_id = clerk
        .seed_user(
            UserSeed::new()
                .email_address("ada@example.com")
                .first_name("Ada")
                .last_name("Lovelace")
                .public_metadata(Value::Object(metadata)),
        )
        .expect("seed");
    let config = ClerkConfig::builder()
        .secret_key(SECRET)
        .api_url(clerk.url())
        .build()
        .expect("config");
    let api = BackendApi::new(&config);
    let http = api.__http_client().expect("a client with a secret key");
    let url = format!("{}/v1/users/{user_id}", clerk.url());
    Setup {
        runtime,
        _clerk: clerk,
        api,
        http,
        url,
        user_id,
    }
}

async fn bare_get(http: &reqwest::Client, url: &str) -> Value {
    let body = http
        .get(url)
        .bearer_auth(SECRET)
        .send()
        .await
        .expect("send")
        .bytes()
        .await
        .expect("body");
    serde_json::from_slice(&body).expect("json")
}

fn users_get(c: &mut Criterion) {
    let s = setup();
    let size = s.runtime.block_on(bare_get(&s.http, &s.url)).to_string().len();
    assert!(size > 5_000, "the user is {size} bytes");
    let typed = s.runtime.block_on(s.api.users().get(&s.user_id)).expect("get");
    assert_eq!(typed.id, s.user_id);

    let mut group = c.benchmark_group("users_get");
    group.throughput(Throughput::Elements(1));
    group.measurement_time(Duration::from_secs(4));
    group.bench_function("typed", |b| {
        b.iter(|| s.runtime.block_on(s.api.users().get(&s.user_id)).expect("get"));
    });
    group.bench_function("bare_reqwest_value", |b| {
        b.iter(|| s.runtime.block_on(bare_get(&s.http, &s.url)));
    });
    group.bench_function("bare_reqwest_typed", |b| {
        b.iter(|| {
            s.runtime.block_on(async {
                let body = s
                    .http
                    .get(&s.url)
                    .bearer_auth(SECRET)
                    .send()
                    .await
                    .expect("send")
                    .bytes()
                    .await
                    .expect("body");
                serde_json::from_slice::<clerk_sdk::api::User>(&body).expect("user")
            })
        });
    });
    group.bench_function("bare_like_client", |b| {
        b.iter(|| {
            s.runtime.block_on(async {
                let body = s
                    .http
                    .get(&s.url)
                    .bearer_auth(SECRET)
                    .timeout(Duration::from_secs(10))
                    .header("Clerk-API-Version", "2026-05-12")
                    .header("content-type", "application/json")
                    .send()
                    .await
                    .expect("send")
                    .bytes()
                    .await
                    .expect("body");
                serde_json::from_slice::<Value>(&body).expect("json")
            })
        });
    });
    group.finish();

    let mut group = c.benchmark_group("concurrent");
    group.throughput(Throughput::Elements(1_000));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("1000_gets", |b| {
        b.iter(|| {
            s.runtime.block_on(async {
                let calls = (0..1_000).map(|_| {
                    let api = s.api.clone();
                    let id = s.user_id.clone();
                    tokio::spawn(async move { api.users().get(&id).await })
                });
                for call in futures_util::future::join_all(calls).await {
                    call.expect("task").expect("every get succeeds");
                }
            });
        });
    });
    group.finish();
}

criterion_group!(benches, users_get);
criterion_main!(benches);
