//! The demo's log never shows a token: the request log marks `Authorization` sensitive and
//! clerk-sdk's rejection events carry reasons only. Nor does it show a webhook's signature or
//! body: the webhook handler logs the event type and the message id.
//!
//! A test binary of its own: `tracing` caches per-callsite interest process-wide, and tests
//! running without a subscriber on other threads can leave this test's subscriber unasked.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use clerk_examples::demo::{LocalMode, WEBHOOK_MESSAGE_ID, WEBHOOK_PATH, app};
use clerk_integration_tests::{TestServer, bind, client, send_command, test_keys};

/// Log lines captured from a `tracing` subscriber.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// The server's log (the demo's request log, clerk-sdk's rejection events) at the most
/// verbose level marks `Authorization` sensitive and never shows a token. The test runs on a
/// current-thread runtime, so the server's tasks log through this thread's subscriber.
#[tokio::test(flavor = "current_thread")]
async fn logs_never_show_a_token() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "clerk_sdk=trace,clerk_examples=trace,tower_http=trace,axum=trace",
        ))
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (listener, addr) = bind().await;
    let mode = LocalMode::new(test_keys(), addr).expect("local mode");
    let _server = TestServer::start(listener, app(mode.clerk().clone(), Some(mode.webhook().clone())));
    let client = client();
    for command in mode.commands() {
        send_command(&client, mode.base_url(), command).await;
    }
    // The webhook a second time: refused as a replay, and logged with its reason only.
    let webhook = mode
        .commands()
        .iter()
        .find(|c| c.path == WEBHOOK_PATH)
        .expect("a webhook command");
    assert_eq!(send_command(&client, mode.base_url(), webhook).await.status, 401);
    let logs = capture.text();
    assert!(logs.contains("\"authorization\": Sensitive"), "{logs}");
    assert!(
        logs.contains("reason=\"token-expired\""),
        "no rejection event: {logs}"
    );
    for token in mode.tokens() {
        // The signature alone is enough to tell: header and claims are not secret.
        let signature = token.token.rsplit('.').next().expect("a signature");
        assert!(!logs.contains(signature), "the log shows the {} token", token.var);
    }
    let received = logs
        .lines()
        .find(|line| line.contains("Clerk webhook received"))
        .unwrap_or_else(|| panic!("no webhook event: {logs}"));
    assert!(received.contains("INFO"), "{received}");
    assert!(received.contains("event_type=user.created"), "{received}");
    assert!(
        received.contains(&format!("id=\"{WEBHOOK_MESSAGE_ID}\"")),
        "{received}"
    );
    assert!(
        logs.contains("reason=\"webhook-replayed\""),
        "no refusal event: {logs}"
    );
    assert!(logs.contains("\"svix-signature\": Sensitive"), "{logs}");
    for (name, value) in &webhook.headers {
        if *name == "svix-signature" {
            let base64 = value.trim_start_matches("v1,");
            assert!(!logs.contains(base64), "the log shows the webhook signature");
        }
    }
    let body = webhook.body.as_deref().expect("a webhook body");
    assert!(!logs.contains(body), "the log shows the webhook body");
    assert!(
        !logs.contains("user_demo_new"),
        "the log shows the webhook's data"
    );
}
