//! The demo's log never shows a token: the request log marks `Authorization` sensitive and
//! clerk-sdk's rejection events carry reasons only.
//!
//! A test binary of its own: `tracing` caches per-callsite interest process-wide, and tests
//! running without a subscriber on other threads can leave this test's subscriber unasked.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use clerk_examples::demo::{LocalMode, router};
use clerk_integration_tests::{TestServer, bind, client, send, test_keys};

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
    let _server = TestServer::start(listener, router(mode.clerk().clone()));
    let client = client();
    for command in mode.commands() {
        let url = format!("{}{}", mode.base_url(), command.path);
        send(
            &client,
            command.method.clone(),
            &url,
            command.authorization.as_deref(),
        )
        .await;
    }
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
}
