//! `replay-bench`: replay checks per second and their latency, Redis against in-memory, in one
//! run, with 64 deliveries in flight.
//!
//! ```sh
//! cargo run --release -p clerk-examples --example replay-bench
//! ```
//!
//! It starts its own `redis-server` on a free loopback port (persistence off, killed at the
//! end) and never talks to anything else. Each store is measured twice: through
//! `Webhook::verify` (signature, replay check, envelope: what a webhook request costs) and
//! through `ReplayStore::check` alone. Every delivery has its own id, so every check writes.
//! Bounded: [`DELIVERIES`] per row (`REPLAY_BENCH_DELIVERIES` changes it, at most
//! [`MAX_DELIVERIES`]) and at most [`ROW_TIME_LIMIT`] per row.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clerk_sdk::testing::{RedisServer, sign_webhook};
use clerk_sdk::webhook::{
    InMemoryReplayStore, RedisReplayStore, ReplayCheck, ReplayMessage, ReplayStore, Webhook,
};
use http::HeaderMap;

/// Deliveries per row by default.
const DELIVERIES: usize = 100_000;
/// The most `REPLAY_BENCH_DELIVERIES` may ask for.
const MAX_DELIVERIES: usize = 1_000_000;
/// Deliveries in flight at once.
const CONCURRENCY: usize = 64;
/// A row stops here even if deliveries remain.
const ROW_TIME_LIMIT: Duration = Duration::from_secs(30);

const SECRET: &str = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY";
const BODY: &[u8] = br#"{"type":"user.created","object":"event","data":{"id":"user_1","object":"user"}}"#;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), BoxError> {
    let deliveries = match std::env::var("REPLAY_BENCH_DELIVERIES") {
        Ok(n) => n
            .parse::<usize>()
            .map_err(|_| format!("REPLAY_BENCH_DELIVERIES must be a number, got {n:?}"))?
            .clamp(CONCURRENCY, MAX_DELIVERIES),
        Err(_) => DELIVERIES,
    };
    let redis = RedisServer::start().map_err(|e| format!("{e} ({})", e.reason()))?;
    let version = std::process::Command::new("redis-server")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    println!(
        "replay-bench: {deliveries} deliveries per row, {CONCURRENCY} in flight, 2 runtime threads; \
         {} (loopback, persistence off)\n  {version}\n",
        redis.url()
    );

    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let now = i64::try_from(now)?;
    let mut rows = Vec::new();
    for (name, store) in [
        ("in-memory", memory_store(deliveries)),
        (
            "redis",
            Arc::new(RedisReplayStore::connect(&redis.url()).await?) as Arc<dyn ReplayStore>,
        ),
    ] {
        // Fresh ids per row, so every check is a first sighting (a write).
        let webhook = Webhook::new(SECRET)?.replay_store(Arc::clone(&store));
        let signed: Vec<HeaderMap> = (0..deliveries)
            .map(|i| sign_webhook(SECRET, &format!("msg_verify_{i:08}"), now, BODY))
            .collect::<Result<_, _>>()?;
        let signed = Arc::new(signed);
        rows.push(
            measure(name, "Webhook::verify", deliveries, {
                let (webhook, signed) = (webhook.clone(), Arc::clone(&signed));
                move |i| {
                    let (webhook, signed) = (webhook.clone(), Arc::clone(&signed));
                    async move {
                        let headers = signed.get(i).ok_or("index out of range")?;
                        webhook
                            .verify(headers, BODY)
                            .await
                            .map(|_| ())
                            .map_err(BoxError::from)
                    }
                }
            })
            .await?,
        );
        let namespace: Arc<str> = webhook.replay_namespace().into();
        rows.push(
            measure(name, "ReplayStore::check", deliveries, move |i| {
                let (store, namespace) = (Arc::clone(&store), Arc::clone(&namespace));
                async move {
                    let id = format!("msg_check_{i:08}");
                    let message = ReplayMessage::new(&namespace, &id, now, now, Duration::from_secs(300));
                    match store.check(message).await? {
                        ReplayCheck::FirstSeen => Ok(()),
                        ReplayCheck::Replayed => Err(BoxError::from("a fresh id was refused as replayed")),
                    }
                }
            })
            .await?,
        );
    }

    println!("| store | path | checks | checks/s | p50 | p99 | max |\n|---|---|---|---|---|---|---|");
    for row in &rows {
        println!("{row}");
    }
    Ok(())
}

fn memory_store(deliveries: usize) -> Arc<dyn ReplayStore> {
    // Room for both rows' ids: nothing is evicted during the run.
    Arc::new(InMemoryReplayStore::new(deliveries.saturating_mul(2)))
}

struct Row {
    store: &'static str,
    path: &'static str,
    checks: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pct = |p: f64| {
            let n = self.latencies.len();
            let at = ((n as f64 * p).ceil() as usize).clamp(1, n.max(1)) - 1;
            self.latencies.get(at).copied().unwrap_or_default()
        };
        let rate = self.checks as f64 / self.elapsed.as_secs_f64().max(f64::MIN_POSITIVE);
        write!(
            f,
            "| {} | `{}` | {} in {:.2} s | {:.0} | {:?} | {:?} | {:?} |",
            self.store,
            self.path,
            self.checks,
            self.elapsed.as_secs_f64(),
            rate,
            pct(0.50),
            pct(0.99),
            self.latencies.last().copied().unwrap_or_default(),
        )
    }
}

/// Runs `one(i)` for `i` in `0..deliveries`, [`CONCURRENCY`] at a time, and records each
/// call's latency. Any failed call fails the row.
async fn measure<F, Fut>(
    store: &'static str,
    path: &'static str,
    deliveries: usize,
    one: F,
) -> Result<Row, BoxError>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), BoxError>> + Send,
{
    let one = Arc::new(one);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let (one, next) = (Arc::clone(&one), Arc::clone(&next));
        workers.spawn(async move {
            let mut latencies = Vec::with_capacity(deliveries / CONCURRENCY + 1);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= deliveries || started.elapsed() > ROW_TIME_LIMIT {
                    return Ok::<_, BoxError>(latencies);
                }
                let t = Instant::now();
                one(i).await?;
                latencies.push(t.elapsed());
            }
        });
    }
    let mut latencies = Vec::with_capacity(deliveries);
    while let Some(worker) = workers.join_next().await {
        latencies.extend(worker??);
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    Ok(Row {
        store,
        path,
        checks: latencies.len(),
        elapsed,
        latencies,
    })
}
