//! How fast a Backend API body becomes a typed model, against parsing the same bytes into a
//! `serde_json::Value` (what a client without models does). Every figure comes from one run of
//! this binary:
//!
//! ```text
//! cargo bench -p clerk-sdk --bench models
//! ```
//!
//! - `user_6kb/typed`: `serde_json::from_str::<User>` of a realistic ~6 KB user (two email
//!   addresses, a phone number, a wallet, a passkey, two OAuth accounts, an enterprise
//!   account and about 2 KB of metadata), compact as Clerk sends it. Unknown fields are kept
//!   in each model's `extra` map, so this includes that work.
//! - `user_6kb/typed_path_tracked`: the same through `serde_path_to_error`, as the Backend API
//!   client reads bodies (so a bad body names its field).
//! - `user_6kb/value`: `serde_json::from_str::<serde_json::Value>` of the same bytes.
//!
//! # Reading the ratio
//!
//! ```text
//! typed speed-up = thrpt(user_6kb/typed) / thrpt(user_6kb/value)
//! ```
//!
//! Goal: at least 1.5. Compare the central estimates (the middle value of each `thrpt:`
//! triple) from the same run, on an otherwise idle machine.

use std::hint::black_box;
use std::time::Duration;

use clerk_sdk::api::User;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const USER: &str = include_str!("../src/api/model/fixtures/user_large_metadata.json");

fn parse_typed(body: &str) -> User {
    serde_json::from_str(body).expect("the fixture is a user")
}

fn parse_typed_path_tracked(body: &str) -> User {
    let mut deserializer = serde_json::Deserializer::from_str(body);
    serde_path_to_error::deserialize(&mut deserializer).expect("the fixture is a user")
}

fn parse_value(body: &str) -> serde_json::Value {
    serde_json::from_str(body).expect("the fixture is JSON")
}

fn models(c: &mut Criterion) {
    // Compact, as Clerk sends it (the fixture is pretty-printed for reading).
    let body = parse_value(USER).to_string();
    let user = parse_typed(&body);
    assert_eq!(user.id, "user_2pQx7kLmN3vR8sT1uW4yZ6aB9cD");
    assert_eq!(parse_typed_path_tracked(&body), user);

    let mut group = c.benchmark_group("user_6kb");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("typed", |b| b.iter(|| parse_typed(black_box(&body))));
    group.bench_function("typed_path_tracked", |b| {
        b.iter(|| parse_typed_path_tracked(black_box(&body)))
    });
    group.bench_function("value", |b| b.iter(|| parse_value(black_box(&body))));
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = models
}
criterion_main!(benches);
