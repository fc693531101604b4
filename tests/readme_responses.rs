//! The responses the README quotes in full are the demo's: "row 4 in full" (the 403, every
//! header the README lists, with its value, and no other Clerk or auth header) and the body of
//! the webhook command sent a second time. `demo_commands.rs` checks the walk-through table
//! row by row; this checks the text the README prints around it, and the one status the README
//! names that no demo test reaches: the 500 of a secret key Clerk refuses.

use std::time::Duration;

use clerk_examples::demo::{LocalMode, WEBHOOK_PATH, app, router};
use clerk_integration_tests::{
    Answer, TestServer, bind, client, get, rejection_mismatches, send_command, test_keys,
};
use clerk_sdk::config::JwksPolicy;
use clerk_sdk::testing::{Endpoint, Fault, MockClerkApi};
use clerk_sdk::{Clerk, ClerkConfig};
use serde_json::Value;

const README: &str = include_str!("../README.md");

/// The lines of the ```` ```text ```` block after the line that starts with `intro`.
fn text_block_after(intro: &str) -> Vec<&'static str> {
    let mut lines = README.lines().skip_while(|line| !line.starts_with(intro));
    assert!(lines.next().is_some(), "README.md has no line starting {intro:?}");
    let mut lines = lines.skip_while(|line| line.trim().is_empty());
    assert_eq!(lines.next(), Some("```text"), "a text block follows {intro:?}");
    lines.take_while(|line| *line != "```").collect()
}

async fn start_demo() -> (LocalMode, TestServer) {
    let (listener, addr) = bind().await;
    let mode = LocalMode::new(test_keys(), addr).expect("local mode");
    let server = TestServer::start(listener, app(mode.clerk().clone(), Some(mode.webhook().clone())));
    (mode, server)
}

/// Every way `answer` differs from the README's `status line, headers, blank line, body`.
fn response_mismatches(readme: &[&str], answer: &Answer) -> Vec<String> {
    let mut out = Vec::new();
    let status: u16 = readme
        .first()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("the block opens with an HTTP status line");
    if answer.status != status {
        out.push(format!("status {} (README: {status})", answer.status));
    }
    let blank = readme
        .iter()
        .position(|line| line.is_empty())
        .expect("a blank line before the body");
    let mut listed = Vec::new();
    for line in &readme[1..blank] {
        let (name, value) = line.split_once(": ").expect("a `name: value` header line");
        listed.push(name);
        match answer.header(name) {
            Some(live) if live == value => {}
            live => out.push(format!("{name}: {live:?} (README: {value:?})")),
        }
    }
    // The README shows every Clerk and auth header of the answer, not a selection.
    for name in answer.headers.keys().map(http::HeaderName::as_str) {
        let relevant = name.starts_with("x-clerk-") || name == "www-authenticate" || name == "content-type";
        if relevant && !listed.contains(&name) {
            out.push(format!(
                "the README does not show {name}: {:?}",
                answer.header(name)
            ));
        }
    }
    let body = readme[blank + 1..].join("\n");
    if answer.text != body {
        out.push(format!("body {} (README: {body})", answer.text));
    }
    out
}

#[tokio::test]
async fn row_4_in_full_is_the_live_403() {
    let (mode, server) = start_demo().await;
    let member = mode
        .tokens()
        .iter()
        .find(|token| token.var == "MEMBER")
        .expect("a MEMBER token");
    let answer = get(
        &client(),
        &server.url("/admin"),
        Some(&format!("Bearer {}", member.token)),
    )
    .await;
    let problems = response_mismatches(&text_block_after("For instance, row 4 in full"), &answer);
    assert!(
        problems.is_empty(),
        "README.md's row 4 in full:\n{}",
        problems.join("\n")
    );
}

#[tokio::test]
async fn the_webhook_command_sent_again_answers_the_readmes_body() {
    const INTRO: &str = "Command 11, pasted a second time, answers `401` with";
    let after = README
        .split_once(INTRO)
        .unwrap_or_else(|| panic!("README.md has no {INTRO:?}"))
        .1;
    let quoted = after
        .trim_start()
        .strip_prefix('`')
        .and_then(|rest| rest.split_once('`'))
        .expect("a `quoted` body after the sentence")
        .0;
    let readme_body: Value = serde_json::from_str(quoted).expect("the README's body is JSON");

    let (mode, server) = start_demo().await;
    let command = mode
        .commands()
        .iter()
        .find(|command| command.path == WEBHOOK_PATH)
        .expect("a printed webhook command");
    let client = client();
    assert_eq!(
        send_command(&client, server.base_url(), command).await.status,
        200
    );
    let again = send_command(&client, server.base_url(), command).await;
    assert_eq!(again.status, 401, "{}", again.text);
    assert_eq!(again.json, readme_body, "the webhook command sent again");
}

/// "503 when the keys cannot be had, 500 when Clerk refuses the secret key": a JWKS endpoint
/// that answers 401 is `secret-key-invalid`, a server fault (`server_error`, no
/// `WWW-Authenticate`, `x-clerk-auth-status: signed-out`), never the caller's 401.
#[tokio::test]
async fn a_refused_secret_key_is_a_500() {
    const SECRET_KEY: &str = "sk_test_refused";
    let mock = MockClerkApi::start(SECRET_KEY).await.expect("start the mock API");
    mock.add_key(test_keys());
    mock.set_fault(Endpoint::Jwks, Fault::Status(401));
    let config = ClerkConfig::builder()
        .secret_key(SECRET_KEY)
        .api_url(mock.url())
        .jwks_policy(
            JwksPolicy::default()
                .timeout(Duration::from_millis(500))
                .max_attempts(1),
        )
        .build()
        .expect("a JWKS-mode config");
    let server = TestServer::spawn(router(Clerk::new(config))).await;
    let token = test_keys().session("user_1").sign().expect("sign");
    let answer = get(&client(), &server.url("/me"), Some(&format!("Bearer {token}"))).await;
    let problems = rejection_mismatches(&answer, 500, "secret-key-invalid");
    assert!(problems.is_empty(), "{problems:?}: {}", answer.text);
    assert!(
        mock.requests(Endpoint::Jwks) >= 1,
        "the JWKS endpoint was never asked"
    );
}
