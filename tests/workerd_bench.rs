//! One workerd run, one token, four ways to accept it (lower µs is better):
//!
//! - `crypto.subtle.verify`: the bare WebCrypto call on the token's signature (key imported
//!   once, token split and decoded once): the floor;
//! - `authenticate_request (WebCrypto)`: the Worker example's cold `authenticate_request`
//!   (token cache off: parse, signature through WebCrypto, claim checks) per call;
//! - `authenticate_request (RustCrypto)`: the same with RSA compiled to wasm;
//! - `@clerk/backend authenticateRequest`: Clerk's own SDK 3.25.0, networkless with `jwtKey`.
//!
//! Each request runs a bounded loop of N calls inside workerd and is timed from here (workerd's
//! clock does not move while a request computes); a request with N = 0 measures the rest of
//! the round trip, which is subtracted. Rounds alternate the four; the best and the median
//! round of each are printed, and the ratios of the goals (ours within 1.5x of the bare
//! verify, and ahead of `@clerk/backend`) from the best rounds: on a shared machine other work
//! only ever adds time, so the best round is the closest to the code's own cost.
//!
//! `cargo run -p clerk-integration-tests --example workerd-bench` after `.ci/wasm` built the
//! Workers (it prints that it skipped otherwise). ROUNDS and N scale with `BENCH_SCALE`
//! (default 1).
//!
//! To profile instead of measuring: `WORKERD_INSPECTOR=127.0.0.1:9229 WORKERD_BENCH_HOLD=300`
//! starts the same workerd with its inspector on, prints each contender's URL and the
//! `Authorization` header, serves for that many seconds (at most an hour) and exits;
//! `examples/worker/bench/profile.mjs` then samples a contender (see examples/worker/README.md).

use std::time::{Duration, Instant};

use clerk_integration_tests::workerd::{Bindings, RUST_CRYPTO, Service, WEBCRYPTO, Workerd, WorkerdParts};
use clerk_integration_tests::{client, test_keys};

const AZP: &str = "https://app.example";
const ROUNDS: usize = 11;

const BARE: &str = "crypto.subtle.verify (bare)";
const OURS: &str = "authenticate_request (WebCrypto)";
const OURS_RUST_CRYPTO: &str = "authenticate_request (RustCrypto)";
const CLERK_BACKEND: &str = "@clerk/backend authenticateRequest";

struct Contender {
    name: &'static str,
    service: Service,
    path: &'static str,
    /// Calls per timed request.
    n: u32,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

async fn timed(client: &reqwest::Client, url: &str, authorization: &str, n: u32) -> Duration {
    let url = format!("{url}?n={n}");
    let start = Instant::now();
    let response = client
        .get(&url)
        .header("authorization", authorization)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    let status = response.status();
    let body: serde_json::Value = response.json().await.expect("a JSON answer");
    let elapsed = start.elapsed();
    assert!(
        status.is_success() && body["ok"] == n,
        "{url}: {status} {body} (every call must succeed)"
    );
    elapsed
}

#[tokio::main]
async fn main() {
    // bench.js and workerd are required; a Worker build that is missing is left out (loudly,
    // and CI fails).
    let Some(parts) = WorkerdParts::locate(&[]) else {
        return;
    };
    let missing: Vec<String> = [WEBCRYPTO, RUST_CRYPTO]
        .into_iter()
        .filter(|v| !parts.has(v))
        .map(|v| format!("the {v} build of the Worker"))
        .collect();
    if !missing.is_empty() {
        clerk_integration_tests::workerd::skip_or_fail(&missing);
    }
    let scale: u32 = std::env::var("BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let keys = test_keys();
    let bindings = Bindings {
        jwt_key_pem: keys.public_key_pem().expect("public key PEM"),
        authorized_parties: AZP.to_owned(),
        secret_key: "sk_test_bench_never_sent".to_owned(),
        publishable_key: "pk_test_ZXhhbXBsZS5jbGVyay5hY2NvdW50cy5kZXYk".to_owned(),
        webhook_secret: "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY".to_owned(),
    };
    let token = keys
        .session("user_bench")
        .authorized_party(AZP)
        .org_v1("org_1", "acme", "org:admin", &["org:reports:read"])
        .lifetime(Duration::from_secs(3600))
        .sign()
        .expect("sign");
    let authorization = format!("Bearer {token}");
    let contenders: Vec<Contender> = [
        Contender {
            name: BARE,
            service: Service::BenchJs,
            path: "/bench/subtle",
            n: 2000 * scale,
        },
        Contender {
            name: OURS,
            service: Service::RustWorker(WEBCRYPTO),
            path: "/__bench/authenticate",
            n: 2000 * scale,
        },
        Contender {
            name: OURS_RUST_CRYPTO,
            service: Service::RustWorker(RUST_CRYPTO),
            path: "/__bench/authenticate",
            n: 200 * scale,
        },
        Contender {
            name: CLERK_BACKEND,
            service: Service::BenchJs,
            path: "/bench/clerk-backend",
            n: 500 * scale,
        },
    ]
    .into_iter()
    .filter(|c| match c.service {
        Service::RustWorker(variant) => parts.has(variant),
        Service::BenchJs => true,
    })
    .collect();
    let mut services = vec![Service::BenchJs];
    services.extend(
        [WEBCRYPTO, RUST_CRYPTO]
            .into_iter()
            .filter(|v| parts.has(v))
            .map(Service::RustWorker),
    );
    let workerd = Workerd::start(&parts, &bindings, &services);
    let client = client();
    let url = |c: &Contender| format!("{}{}", workerd.url(&c.service), c.path);
    if let Some(seconds) = hold_seconds() {
        hold(&contenders, url, &authorization, seconds).await;
        return;
    }

    // Warm-up: JIT, key import, the isolates' first requests.
    for c in &contenders {
        timed(&client, &url(c), &authorization, c.n / 10).await;
    }
    let mut per_call_us = vec![Vec::new(); contenders.len()];
    for round in 0..ROUNDS {
        for k in 0..contenders.len() {
            let i = (k + round) % contenders.len();
            let c = &contenders[i];
            let empty = timed(&client, &url(c), &authorization, 0).await;
            let full = timed(&client, &url(c), &authorization, c.n).await;
            let us = full.saturating_sub(empty).as_secs_f64() * 1e6 / f64::from(c.n);
            per_call_us[i].push(us);
        }
    }
    let bests: Vec<f64> = per_call_us
        .iter()
        .map(|v| v.iter().copied().fold(f64::INFINITY, f64::min))
        .collect();
    let medians: Vec<f64> = per_call_us.into_iter().map(median).collect();

    println!("workerd benchmark: one process, one token, {ROUNDS} rounds per contender");
    println!(
        "{:<38} {:>7} {:>12} {:>12} {:>10}",
        "", "N", "best µs/call", "median µs", "calls/s"
    );
    for ((c, best), median) in contenders.iter().zip(&bests).zip(&medians) {
        println!(
            "{:<38} {:>7} {:>12.1} {:>12.1} {:>10.0}",
            c.name,
            c.n,
            best,
            median,
            1e6 / best
        );
    }
    println!("ratios of the best rounds (the machine's other load only adds time):");
    let us = |name: &str| {
        contenders
            .iter()
            .zip(&bests)
            .find(|(c, _)| c.name == name)
            .map(|(_, us)| *us)
    };
    let ratios = [
        (
            "ours (WebCrypto) / bare crypto.subtle.verify",
            OURS,
            BARE,
            " (goal <= 1.5x)",
        ),
        (
            "@clerk/backend / ours (WebCrypto)",
            CLERK_BACKEND,
            OURS,
            " (goal > 1x: ours ahead)",
        ),
        ("ours RustCrypto / ours WebCrypto", OURS_RUST_CRYPTO, OURS, ""),
        (
            "@clerk/backend / bare crypto.subtle.verify",
            CLERK_BACKEND,
            BARE,
            "",
        ),
    ];
    for (label, numerator, denominator, goal) in ratios {
        if let (Some(n), Some(d)) = (us(numerator), us(denominator)) {
            println!("{label:<44} = {:.2}x{goal}", n / d);
        }
    }
}

/// `WORKERD_BENCH_HOLD`: seconds to keep workerd serving for a profiler, at most an hour.
fn hold_seconds() -> Option<u64> {
    let seconds: u64 = std::env::var("WORKERD_BENCH_HOLD").ok()?.parse().ok()?;
    Some(seconds.min(3600))
}

/// Prints what a profiler needs to send requests, then keeps workerd up for `seconds`.
async fn hold(
    contenders: &[Contender],
    url: impl Fn(&Contender) -> String,
    authorization: &str,
    seconds: u64,
) {
    for c in contenders {
        println!("url {:<38} {}", c.name, url(c));
    }
    println!("authorization {authorization}");
    println!("serving for {seconds} s");
    tokio::time::sleep(Duration::from_secs(seconds)).await;
}
