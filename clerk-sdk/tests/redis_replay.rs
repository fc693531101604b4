//! `RedisReplayStore` against a real `redis-server` (started by each test on a free loopback
//! port and killed on drop): two instances sharing one Redis accept a delivery once, also when
//! they race; an outage refuses deliveries within the timeout and the same process recovers
//! when Redis is back; ids expire after the window; two signing secrets never collide; and the
//! memory each remembered id takes.
//!
//! Without `redis-server` on `PATH`, each test prints a SKIP line and passes, except in CI
//! (`CI=true`), where it fails.

use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clerk_sdk::testing::{RedisServer, RedisServerError, sign_webhook};
use clerk_sdk::webhook::{
    RedisReplayOptions, RedisReplayStore, ReplayCheck, ReplayMessage, ReplayStatus, ReplayStore,
    ReplayStoreError, ReplayStoreFailure, Webhook, WebhookError,
};
use http::HeaderMap;

const SECRET: &str = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY";
const OTHER_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY: &[u8] = br#"{"type":"user.created","object":"event","data":{"id":"user_1","object":"user"}}"#;

/// The per-check bound the outage test holds the store to.
const COMMAND_TIMEOUT: Duration = Duration::from_millis(300);
/// What a refusal may take beyond [`COMMAND_TIMEOUT`] on a loaded 2-core machine (the
/// signature check, scheduling).
const SLACK: Duration = Duration::from_millis(400);

/// A fresh server, or `None` (after a loud SKIP line) when `redis-server` is not installed
/// outside CI. In CI a missing server fails the test.
fn redis(test: &str) -> Option<RedisServer> {
    match RedisServer::start() {
        Ok(server) => Some(server),
        Err(RedisServerError::NotInstalled) if std::env::var("CI").as_deref() != Ok("true") => {
            // Straight to stderr, past the test harness's capture, so the skip shows in a
            // plain `cargo test` run.
            let _ = writeln!(
                std::io::stderr().lock(),
                "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
                 !!! SKIP {test}: redis-server is not installed (apt-get install redis-server);\n\
                 !!!      this test did NOT run. With CI=true a missing redis-server fails it.\n\
                 !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
            );
            None
        }
        Err(e) => panic!("cannot start redis-server for {test}: {e} ({})", e.reason()),
    }
}

fn now_s() -> i64 {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    i64::try_from(secs).unwrap()
}

fn signed(secret: &str, id: &str) -> HeaderMap {
    sign_webhook(secret, id, now_s(), BODY).unwrap()
}

fn options() -> RedisReplayOptions {
    RedisReplayOptions::new()
        .connect_timeout(Duration::from_millis(200))
        .command_timeout(COMMAND_TIMEOUT)
}

/// One instance of the application: its own verifier and its own connection to `url`.
async fn instance(secret: &str, url: &str) -> Webhook {
    instance_with(secret, url, options()).await
}

async fn instance_with(secret: &str, url: &str, options: RedisReplayOptions) -> Webhook {
    let store = RedisReplayStore::connect_with(url, options).await.unwrap();
    Webhook::new(secret).unwrap().replay_store(Arc::new(store))
}

/// A raw connection, to look at what the store wrote.
async fn raw(url: &str) -> redis::aio::MultiplexedConnection {
    redis::Client::open(url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

async fn query<T: redis::FromRedisValue>(url: &str, cmd: &mut redis::Cmd) -> T {
    cmd.query_async(&mut raw(url).await).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_delivery_to_two_instances_is_accepted_once() {
    let Some(server) = redis("one_delivery_to_two_instances_is_accepted_once") else {
        return;
    };
    let a = instance(SECRET, &server.url()).await;
    let b = instance(SECRET, &server.url()).await;

    let headers = signed(SECRET, "msg_sequential");
    assert!(a.verify(&headers, BODY).await.is_ok());
    assert_eq!(
        b.verify(&headers, BODY).await.unwrap_err(),
        WebhookError::Replayed
    );
    assert_eq!(
        a.verify(&headers, BODY).await.unwrap_err(),
        WebhookError::Replayed
    );

    // The other way round, through verify_message, which says the store was consulted.
    let headers = signed(SECRET, "msg_sequential_2");
    let message = b.verify_message(&headers, BODY).await.unwrap();
    assert_eq!(message.replay, ReplayStatus::FirstSeen);
    assert_eq!(
        a.verify(&headers, BODY).await.unwrap_err(),
        WebhookError::Replayed
    );
    assert_eq!(
        a.verify(&headers, BODY).await.unwrap_err().reason(),
        "webhook-replayed"
    );

    // A forged delivery never reaches Redis: nothing is written for it.
    let mut forged = signed(SECRET, "msg_forged");
    forged.insert("svix-signature", "v1,AAAA".parse().unwrap());
    assert_eq!(
        a.verify(&forged, BODY).await.unwrap_err(),
        WebhookError::NoMatchingSignature
    );
    let keys: Vec<String> = query(&server.url(), redis::cmd("KEYS").arg("*")).await;
    assert_eq!(keys.len(), 2, "{keys:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_races_between_two_instances_have_exactly_one_winner() {
    const RACES: usize = 1_000;
    let Some(server) = redis("concurrent_races_between_two_instances_have_exactly_one_winner") else {
        return;
    };
    // A generous timeout: this test is about who wins, not how fast, and must not flake on a
    // loaded machine.
    let relaxed = || options().command_timeout(Duration::from_secs(5));
    let a = instance_with(SECRET, &server.url(), relaxed()).await;
    let b = instance_with(SECRET, &server.url(), relaxed()).await;

    let started = Instant::now();
    let mut races = tokio::task::JoinSet::new();
    for race in 0..RACES {
        let headers = signed(SECRET, &format!("msg_race_{race}"));
        // Both deliveries start together, each on its own task and its own connection.
        let barrier = Arc::new(tokio::sync::Barrier::new(2));
        let contender = |webhook: Webhook, headers: HeaderMap, barrier: Arc<tokio::sync::Barrier>| {
            tokio::spawn(async move {
                barrier.wait().await;
                webhook.verify(&headers, BODY).await.map(|_| ())
            })
        };
        let first = contender(a.clone(), headers.clone(), barrier.clone());
        let second = contender(b.clone(), headers, barrier);
        races.spawn(async move { (race, first.await.unwrap(), second.await.unwrap()) });
    }
    let outcomes = tokio::time::timeout(Duration::from_secs(60), races.join_all())
        .await
        .expect("1,000 races finish within 60 s");
    let elapsed = started.elapsed();

    assert_eq!(outcomes.len(), RACES);
    let mut wins = [0usize; 2];
    for (race, first, second) in outcomes {
        match (&first, &second) {
            (Ok(()), Err(WebhookError::Replayed)) => wins[0] += 1,
            (Err(WebhookError::Replayed), Ok(())) => wins[1] += 1,
            _ => panic!("race {race}: want exactly one winner, got {first:?} and {second:?}"),
        }
    }
    eprintln!(
        "{RACES} races in {elapsed:?}: instance A won {}, instance B won {}",
        wins[0], wins[1]
    );
    let keys: Vec<String> = query(&server.url(), redis::cmd("KEYS").arg("*")).await;
    assert_eq!(keys.len(), RACES);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_down_refuses_within_the_timeout_and_recovers_when_it_is_back() {
    let Some(mut server) = redis("redis_down_refuses_within_the_timeout_and_recovers") else {
        return;
    };
    let strict = instance(SECRET, &server.url()).await;
    let lenient = instance(SECRET, &server.url())
        .await
        .on_replay_store_failure(ReplayStoreFailure::AcceptWithWarning);
    let before = signed(SECRET, "msg_before");
    assert!(strict.verify(&before, BODY).await.is_ok());

    server.stop();
    assert!(!server.is_running());
    let mut causes = Vec::new();
    let mut slowest = Duration::ZERO;
    for i in 0..20 {
        // Fresh ids and an already-seen one: none is accepted while Redis is down.
        let headers = if i % 5 == 0 {
            before.clone()
        } else {
            signed(SECRET, &format!("msg_down_{i}"))
        };
        let started = Instant::now();
        let result = strict.verify(&headers, BODY).await;
        let took = started.elapsed();
        let Err(WebhookError::ReplayStoreUnavailable(cause)) = &result else {
            panic!("delivery {i} while Redis is down: want unavailable, got {result:?}");
        };
        assert_eq!(
            result.as_ref().unwrap_err().reason(),
            "webhook-replay-store-unavailable"
        );
        assert!(took <= COMMAND_TIMEOUT + SLACK, "delivery {i} took {took:?}");
        causes.push(cause.reason());
        slowest = slowest.max(took);
    }
    // The opt-in policy accepts, and says the check did not happen.
    let message = lenient
        .verify_message(&signed(SECRET, "msg_down_lenient"), BODY)
        .await
        .unwrap();
    assert!(
        matches!(
            message.replay,
            ReplayStatus::StoreFailed(ReplayStoreError::Unreachable | ReplayStoreError::Timeout(_))
        ),
        "{:?}",
        message.replay
    );

    server.restart().unwrap();
    let started = Instant::now();
    let mut refused_after_restart = 0;
    let recovered_id = loop {
        let id = format!("msg_after_{refused_after_restart}");
        match strict.verify(&signed(SECRET, &id), BODY).await {
            Ok(_) => break id,
            Err(WebhookError::ReplayStoreUnavailable(_)) => refused_after_restart += 1,
            Err(other) => panic!("after restart: {other:?}"),
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no recovery within 10 s of the restart"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    causes.dedup();
    eprintln!(
        "while down: 20 refused, the slowest in {slowest:?}, causes {causes:?}; after the restart, recovered in {:?} ({refused_after_restart} \
         deliveries refused first)",
        started.elapsed()
    );
    // The same process checks replays again, on both instances.
    let again = signed(SECRET, &recovered_id);
    assert_eq!(
        strict.verify(&again, BODY).await.unwrap_err(),
        WebhookError::Replayed
    );
    // The lenient instance, on its own connection, recovers too: it checks again.
    let started = Instant::now();
    for attempt in 0.. {
        let fresh = signed(SECRET, &format!("msg_lenient_after_{attempt}"));
        let message = lenient.verify_message(&fresh, BODY).await.unwrap();
        if message.replay == ReplayStatus::FirstSeen {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "lenient: no recovery"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_expire_after_the_window() {
    let Some(server) = redis("ids_expire_after_the_window") else {
        return;
    };
    let window = Duration::from_secs(1);
    let store = RedisReplayStore::connect_with(&server.url(), options().window(window))
        .await
        .unwrap();
    let now = now_s();
    let message = ReplayMessage::new("0123456789abcdef", "msg_expiring", now, now, window);
    assert_eq!(store.check(message).await, Ok(ReplayCheck::FirstSeen));
    assert_eq!(store.check(message).await, Ok(ReplayCheck::Replayed));
    // The window plus the one-second margin.
    let key = store.key("0123456789abcdef", "msg_expiring");
    let ttl: i64 = query(&server.url(), redis::cmd("PTTL").arg(&key)).await;
    assert!((1_000..=2_000).contains(&ttl), "PTTL {ttl}");

    tokio::time::sleep(Duration::from_millis(2_200)).await;
    let exists: i64 = query(&server.url(), redis::cmd("EXISTS").arg(&key)).await;
    assert_eq!(exists, 0);
    let later = now_s();
    let message = ReplayMessage::new("0123456789abcdef", "msg_expiring", later, later, window);
    assert_eq!(store.check(message).await, Ok(ReplayCheck::FirstSeen));

    // The default window is the 5-minute tolerance, and a longer tolerance wins over it.
    let default = RedisReplayStore::connect(&server.url()).await.unwrap();
    for (id, tolerance, want) in [("a", 300, 301_000), ("b", 900, 901_000)] {
        let m = ReplayMessage::new("ns", id, later, later, Duration::from_secs(tolerance));
        assert_eq!(default.check(m).await, Ok(ReplayCheck::FirstSeen));
        let ttl: i64 = query(&server.url(), redis::cmd("PTTL").arg(default.key("ns", id))).await;
        assert!(
            (want - 2_000..=want).contains(&ttl),
            "{id}: PTTL {ttl}, want about {want}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_signing_secrets_on_one_redis_never_collide() {
    let Some(server) = redis("two_signing_secrets_on_one_redis_never_collide") else {
        return;
    };
    let users = instance(SECRET, &server.url()).await;
    let billing = instance(OTHER_SECRET, &server.url()).await;
    assert_ne!(users.replay_namespace(), billing.replay_namespace());

    // Svix ids are unique per application, not across them: the same id on two endpoints.
    let for_users = signed(SECRET, "msg_same_id");
    let for_billing = signed(OTHER_SECRET, "msg_same_id");
    assert!(users.verify(&for_users, BODY).await.is_ok());
    assert!(billing.verify(&for_billing, BODY).await.is_ok());
    assert_eq!(
        users.verify(&for_users, BODY).await.unwrap_err(),
        WebhookError::Replayed
    );
    assert_eq!(
        billing.verify(&for_billing, BODY).await.unwrap_err(),
        WebhookError::Replayed
    );

    let mut keys: Vec<String> = query(&server.url(), redis::cmd("KEYS").arg("*")).await;
    keys.sort();
    let mut want = vec![
        format!("clerk-webhook:{}:msg_same_id", users.replay_namespace()),
        format!("clerk-webhook:{}:msg_same_id", billing.replay_namespace()),
    ];
    want.sort();
    assert_eq!(keys, want);
    for secret in [SECRET, OTHER_SECRET] {
        let encoded = secret.trim_start_matches("whsec_");
        assert!(
            keys.iter()
                .all(|k| !k.contains(encoded) && !k.contains(&encoded[..8]))
        );
    }

    // A prefix keeps two applications apart even with one secret.
    let store = RedisReplayStore::connect_with(&server.url(), options().key_prefix("other-app:"))
        .await
        .unwrap();
    let other_app = Webhook::new(SECRET).unwrap().replay_store(Arc::new(store));
    assert!(other_app.verify(&for_users, BODY).await.is_ok());
}

/// `MEMORY USAGE` of one key, and the growth of `used_memory` over 10,000 ids, for the docs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_per_remembered_id() {
    const IDS: usize = 10_000;
    let Some(server) = redis("memory_per_remembered_id") else {
        return;
    };
    let url = server.url();
    let store = RedisReplayStore::connect(&url).await.unwrap();
    let used = |info: String| -> i64 {
        info.lines()
            .find_map(|line| line.strip_prefix("used_memory:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap()
    };
    let before = used(query(&url, redis::cmd("INFO").arg("memory")).await);
    let now = now_s();
    let namespace = Webhook::new(SECRET).unwrap().replay_namespace().to_owned();
    // Svix-shaped ids: `msg_` and 27 base62 characters.
    let id = |i: usize| format!("msg_2ZpRvb8nHYgq3kKmW{i:08}");
    for i in 0..IDS {
        let id = id(i);
        let message = ReplayMessage::new(&namespace, &id, now, now, Duration::from_secs(300));
        assert_eq!(store.check(message).await, Ok(ReplayCheck::FirstSeen));
    }
    let after = used(query(&url, redis::cmd("INFO").arg("memory")).await);
    let per_id = (after - before) as f64 / IDS as f64;
    let key = store.key(&namespace, &id(0));
    let usage: i64 = query(&url, redis::cmd("MEMORY").arg("USAGE").arg(&key)).await;
    let version: String = query(&url, redis::cmd("INFO").arg("server")).await;
    let version = version
        .lines()
        .find_map(|l| l.strip_prefix("redis_version:"))
        .unwrap_or("?")
        .trim()
        .to_owned();
    eprintln!(
        "redis {version}: key {key:?} ({} bytes): MEMORY USAGE {usage} bytes; used_memory grew \
         {per_id:.1} bytes per id over {IDS} ids",
        key.len()
    );
    assert!((40..=200).contains(&usage), "MEMORY USAGE {usage}");
    assert!(per_id < 250.0, "{per_id} bytes per id");
}
