//! Fault-and-load soak: the demo API in configured mode (secret key, keys and machine tokens
//! from the Backend API) serves concurrent clients while `MockClerkApi` cycles through faults:
//! latency spikes, 500, 429 with `Retry-After`, dropped connections, hangs, malformed JSON and
//! key rotation.
//!
//! Asserted: no panic anywhere in the process; no request outlives the Backend API timeout
//! (plus scheduling slack); tokens signed by a key the SDK has seen keep verifying while
//! refreshes fail (the stale window); every refusal carries a reason (header and body agree);
//! memory stays bounded. The summary line gives requests, faults, failures by reason, worst
//! latency and peak memory.
//!
//! CI runs 20 s (`SOAK_SECONDS`, capped at 60 in CI by the default). Longer, by hand:
//!
//! ```text
//! SOAK_SECONDS=300 cargo test --release -p clerk-integration-tests --test soak -- --nocapture
//! ```
//!
//! Traffic stays on 127.0.0.1, is bounded in time, and stops by itself.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clerk_integration_tests::{TestServer, client, test_keys};
use clerk_sdk::testing::{Endpoint, Fault, MachineTokenSpec, MockClerkApi, TestKeys};
use clerk_sdk::{Clerk, ClerkConfig, config::JwksPolicy};

const SECRET_KEY: &str = "sk_test_soak";
const AZP: &str = "https://app.example.com";
const M2M_TOKEN: &str = "mt_soak_0123456789abcdef0123456789abcdef";
const CONCURRENCY: usize = 16;
/// The Backend API budget of one JWKS fetch, retries included.
const JWKS_TIMEOUT: Duration = Duration::from_millis(750);
/// Machine verify calls have a fixed 5 s timeout.
const MACHINE_TIMEOUT: Duration = Duration::from_secs(5);
/// Room for scheduling on a loaded 2-core machine on top of a timeout.
const SLACK: Duration = Duration::from_millis(1_500);

/// What one client request sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A token signed by a key that stays in the JWKS: must always verify.
    Stable,
    /// A token signed by a key added mid-run.
    Added,
    /// A token signed by a key removed mid-run.
    Removed,
    /// An expired token signed by the stable key.
    Expired,
    /// Not a token.
    Garbage,
    /// No credential.
    Missing,
    /// An opaque m2m token verified by the Backend API.
    Machine,
}

const KINDS: [Kind; 7] = [
    Kind::Stable,
    Kind::Added,
    Kind::Removed,
    Kind::Expired,
    Kind::Garbage,
    Kind::Missing,
    Kind::Machine,
];

/// The faults the stand-in cycles through, one phase each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Healthy,
    Latency,
    Status500,
    TooManyRequests,
    DroppedConnections,
    Hang,
    MalformedJson,
    Rotation,
}

const CYCLE: [Phase; 8] = [
    Phase::Healthy,
    Phase::Latency,
    Phase::Status500,
    Phase::TooManyRequests,
    Phase::DroppedConnections,
    Phase::Hang,
    Phase::MalformedJson,
    Phase::Rotation,
];

#[derive(Debug, Default)]
struct Tally {
    requests: BTreeMap<Kind, usize>,
    /// (kind, status, reason) → count, for every non-200 answer.
    failures: BTreeMap<(Kind, u16, String), usize>,
    worst: BTreeMap<Kind, Duration>,
    violations: Vec<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_survives_faults_under_load() {
    let seconds: u64 = std::env::var("SOAK_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let panics = count_panics();

    let stable = test_keys();
    let added = TestKeys::generate().expect("keys").with_kid("ins_added");
    let removed = TestKeys::generate().expect("keys").with_kid("ins_removed");
    let mock = MockClerkApi::start(SECRET_KEY).await.expect("mock API");
    mock.set_keys(&[stable, &removed]);
    mock.register_machine_token(M2M_TOKEN, MachineTokenSpec::m2m("mch_soak"));

    let policy = JwksPolicy::default()
        .ttl(Duration::from_millis(400))
        .unknown_kid_interval(Duration::from_millis(200))
        .failure_backoff(Duration::from_millis(100))
        .stale_window(Duration::from_secs(3600))
        .connect_timeout(Duration::from_millis(500))
        .timeout(JWKS_TIMEOUT);
    let clerk = Clerk::new(
        ClerkConfig::builder()
            .secret_key(SECRET_KEY)
            .api_url(mock.url())
            .authorized_party(AZP)
            .jwks_policy(policy)
            .build()
            .expect("config"),
    );
    let server = TestServer::spawn(clerk_examples::demo::app(clerk.clone(), None)).await;

    let long = Duration::from_secs(seconds + 3600);
    let token = |keys: &TestKeys| {
        keys.session("user_soak")
            .authorized_party(AZP)
            .org_v1("org_1", "acme", "org:member", &[])
            .lifetime(long)
            .sign()
            .expect("sign")
    };
    let tokens: BTreeMap<Kind, Option<String>> = BTreeMap::from([
        (Kind::Stable, Some(token(stable))),
        (Kind::Added, Some(token(&added))),
        (Kind::Removed, Some(token(&removed))),
        (
            Kind::Expired,
            Some(
                stable
                    .session("user_soak")
                    .authorized_party(AZP)
                    .expired()
                    .sign()
                    .expect("sign"),
            ),
        ),
        (Kind::Garbage, Some("not.a.token".to_owned())),
        (Kind::Missing, None),
        (Kind::Machine, Some(M2M_TOKEN.to_owned())),
    ]);

    // Warm up: the stable key must be known before faults start.
    let http = client();
    let warm = clerk_integration_tests::get(
        &http,
        &server.url("/me"),
        tokens[&Kind::Stable].as_deref().map(bearer).as_deref(),
    )
    .await;
    assert_eq!(warm.status, 200, "warm-up: {}", warm.text);
    let baseline_rss = rss_bytes();

    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let peak_rss = Arc::new(AtomicUsize::new(baseline_rss));

    // Faults: one phase at a time, each for `phase` (at least 8 full cycles by default).
    let phase = Duration::from_millis((seconds * 1000 / 24).clamp(400, 5_000));
    let mut faults: BTreeMap<Phase, usize> = BTreeMap::new();
    let rotations = Arc::new(AtomicUsize::new(0));

    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..CONCURRENCY {
        let (http, stop, tally, tokens) = (
            http.clone(),
            Arc::clone(&stop),
            Arc::clone(&tally),
            tokens.clone(),
        );
        let url = |path: &str| server.url(path);
        let (me, machine) = (url("/me"), url("/machine"));
        let rotations = Arc::clone(&rotations);
        workers.spawn(async move {
            let mut i = worker;
            while !stop.load(Ordering::Relaxed) {
                let kind = KINDS[i % KINDS.len()];
                i += 1;
                let target = if kind == Kind::Machine { &machine } else { &me };
                let authorization = tokens[&kind].as_deref().map(bearer);
                let started = Instant::now();
                let answer = clerk_integration_tests::get(&http, target, authorization.as_deref()).await;
                let took = started.elapsed();
                let rotated = rotations.load(Ordering::Relaxed);
                let mut tally = tally.lock().expect("tally");
                record(&mut tally, kind, &answer, took, rotated);
            }
        });
    }

    // Memory: sample the process's resident set while the load runs.
    let sampler = {
        let (stop, peak) = (Arc::clone(&stop), Arc::clone(&peak_rss));
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                peak.fetch_max(rss_bytes(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut step = 0usize;
    while Instant::now() < deadline {
        let current = CYCLE[step % CYCLE.len()];
        step += 1;
        *faults.entry(current).or_default() += 1;
        mock.clear_faults();
        let both = |fault: Fault| {
            mock.set_fault(Endpoint::Jwks, fault.clone());
            mock.set_fault(Endpoint::M2mVerify, fault);
        };
        match current {
            Phase::Healthy => {}
            Phase::Latency => both(Fault::Delay(Duration::from_millis(300))),
            Phase::Status500 => both(Fault::Status(500)),
            Phase::TooManyRequests => both(Fault::RetryAfter {
                status: 429,
                seconds: 1,
            }),
            Phase::DroppedConnections => both(Fault::DropConnection),
            Phase::Hang => {
                mock.set_fault(Endpoint::Jwks, Fault::Hang);
                mock.set_fault(Endpoint::M2mVerify, Fault::Delay(Duration::from_secs(1)));
            }
            Phase::MalformedJson => both(Fault::MalformedJson),
            Phase::Rotation => {
                // First a key is added, then one is removed, then the same set is re-served.
                match rotations.load(Ordering::Relaxed) {
                    0 => mock.set_keys(&[stable, &removed, &added]),
                    _ => mock.set_keys(&[stable, &added]),
                }
                rotations.fetch_add(1, Ordering::Relaxed);
            }
        }
        tokio::time::sleep(phase.min(deadline.saturating_duration_since(Instant::now()))).await;
    }
    mock.clear_faults();
    stop.store(true, Ordering::Relaxed);
    let drained = tokio::time::timeout(MACHINE_TIMEOUT + SLACK * 2, async {
        while let Some(joined) = workers.join_next().await {
            joined.expect("worker task");
        }
    })
    .await;
    assert!(drained.is_ok(), "workers did not stop: a request hung");
    sampler.await.expect("sampler");

    let tally = std::mem::take(&mut *tally.lock().expect("tally"));
    let total: usize = tally.requests.values().sum();
    let peak = peak_rss.load(Ordering::Relaxed);
    println!(
        "soak: {seconds} s, {total} requests {:?}; faults injected (phases of {} ms) {faults:?}, \
         JWKS requests {}, m2m verify requests {}; worst latency {:?}; peak RSS {:.1} MiB \
         (baseline {:.1} MiB); panics {}",
        tally.requests,
        phase.as_millis(),
        mock.requests(Endpoint::Jwks),
        mock.requests(Endpoint::M2mVerify),
        tally.worst,
        mib(peak),
        mib(baseline_rss),
        panics.load(Ordering::Relaxed),
    );
    println!("soak failures by (kind, status, reason):");
    for ((kind, status, reason), count) in &tally.failures {
        println!("  {kind:?} {status} {reason}: {count}");
    }

    assert_eq!(panics.load(Ordering::Relaxed), 0, "a panic occurred");
    assert!(
        tally.violations.is_empty(),
        "violations:\n{}",
        tally.violations.join("\n")
    );
    assert!(faults.len() == CYCLE.len(), "not every fault ran: {faults:?}");
    for kind in KINDS {
        assert!(
            tally.requests.get(&kind).copied().unwrap_or(0) > 0,
            "no {kind:?} request ran"
        );
    }
    assert!(
        peak.saturating_sub(baseline_rss) < 256 * 1024 * 1024,
        "memory grew by {:.1} MiB",
        mib(peak - baseline_rss)
    );
    server.shut_down().await;
}

/// Checks one answer against what its kind allows, and counts it.
fn record(
    tally: &mut Tally,
    kind: Kind,
    answer: &clerk_integration_tests::Answer,
    took: Duration,
    rotations: usize,
) {
    *tally.requests.entry(kind).or_default() += 1;
    let worst = tally.worst.entry(kind).or_default();
    *worst = (*worst).max(took);
    let bound = if kind == Kind::Machine {
        MACHINE_TIMEOUT + SLACK
    } else {
        JWKS_TIMEOUT + SLACK
    };
    if took > bound {
        tally
            .violations
            .push(format!("{kind:?} took {took:?} (bound {bound:?})"));
    }
    if answer.status == 200 {
        let refused_kind = matches!(kind, Kind::Expired | Kind::Garbage | Kind::Missing);
        let not_yet_published = kind == Kind::Added && rotations == 0;
        if refused_kind || not_yet_published {
            tally.violations.push(format!("{kind:?} was accepted"));
        }
        return;
    }
    let reason = answer
        .header("x-clerk-auth-reason")
        .unwrap_or_default()
        .to_owned();
    let body_reason = answer
        .json
        .get("reason")
        .and_then(|r| r.as_str())
        .unwrap_or_default();
    if reason.is_empty() || reason != body_reason {
        tally.violations.push(format!(
            "{kind:?} {} without a reason (header {reason:?}, body {body_reason:?})",
            answer.status
        ));
    }
    let allowed = match kind {
        // Stale keys keep verifying while refreshes fail: never refused.
        Kind::Stable => false,
        Kind::Expired => answer.status == 401 && reason == "token-expired",
        Kind::Garbage => answer.status == 401 && reason == "token-invalid",
        Kind::Missing => answer.status == 401 && reason == "session-token-missing",
        // Unknown to the SDK until a refresh succeeds, or gone after one.
        Kind::Added | Kind::Removed => {
            (answer.status == 401 && reason == "jwk-kid-mismatch")
                || (answer.status == 503 && reason == "jwk-remote-failed-to-load")
        }
        // The verify endpoint failing: refused with a reason, never a 500.
        Kind::Machine => matches!(answer.status, 401 | 503),
    };
    if !allowed {
        tally.violations.push(format!(
            "{kind:?}: unexpected {} {reason} ({})",
            answer.status, answer.text
        ));
    }
    *tally.failures.entry((kind, answer.status, reason)).or_default() += 1;
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Counts panics on any thread (and still prints them).
fn count_panics() -> Arc<AtomicUsize> {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        seen.fetch_add(1, Ordering::Relaxed);
        previous(info);
    }));
    count
}

/// The process's resident set in bytes (Linux; 0 elsewhere, which disables the memory check).
fn rss_bytes() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|statm| statm.split_whitespace().nth(1)?.parse::<usize>().ok())
        .map_or(0, |pages| pages * 4096)
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
