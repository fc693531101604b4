//! The curl commands `cargo run --example demo` prints in local mode (the signed webhook
//! included): each one, sent as the equivalent reqwest request to the demo running
//! in-process, on axum and on actix-web (`demo-actix` prints the same banner), gives the answer
//! the README's walk-through table documents, and the README shows the real printed output.

use std::net::SocketAddr;

use clerk_examples::demo::{DemoCommand, Framework, LocalMode, WEBHOOK_MESSAGE_ID, WEBHOOK_PATH};
use clerk_integration_tests::{
    Answer, TestServer, bind, client, leaks, rejection_mismatches, send_command, success_mismatches,
    test_keys, webhook_rejection_mismatches,
};
use http::Method;
use serde_json::Value;

const README: &str = include_str!("../README.md");

/// The characters of a token the README keeps; the rest is replaced by `…`.
const SHOWN_TOKEN_CHARS: usize = 20;

/// How the README shows the webhook command's headers that change every run (the signing time
/// and the signature over it): `(header, shown value)`.
const WEBHOOK_PLACEHOLDERS: [(&str, &str); 2] = [("svix-timestamp", "…"), ("svix-signature", "v1,…")];

/// One row of the README's walk-through table.
#[derive(Debug)]
struct Row {
    request: String,
    status: u16,
    reason: Option<String>,
    body: Value,
}

/// The rows `| N | request | status | reason | body |`, in order.
fn readme_rows() -> Vec<Row> {
    README
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line
                .trim()
                .strip_prefix('|')?
                .strip_suffix('|')?
                .split('|')
                .collect();
            let [number, request, status, reason, body] = cells[..] else {
                return None;
            };
            number.trim().parse::<usize>().ok()?;
            let unquote = |s: &str| s.trim().trim_matches('`').to_owned();
            let reason = unquote(reason);
            Some(Row {
                request: request.trim().to_owned(),
                status: status.trim().parse().expect("a status in the walk-through table"),
                reason: (!reason.is_empty()).then_some(reason),
                body: serde_json::from_str(&unquote(body)).expect("a JSON body in the walk-through table"),
            })
        })
        .collect()
}

/// Whether `actual` matches `pattern`, where `…` in the pattern stands for any text.
fn matches_pattern(pattern: &str, actual: &str) -> bool {
    let mut pieces = pattern.split('…');
    let first = pieces.next().unwrap_or_default();
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    for (i, piece) in pieces.iter().enumerate() {
        if i + 1 == pieces.len() {
            return rest.ends_with(piece);
        }
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// Every way the README's `row` differs from the command's data and from the live `answer`.
fn row_mismatches(row: &Row, command: &DemoCommand, answer: &Answer) -> Vec<String> {
    let mut out = Vec::new();
    let request = format!("`{} {}`", command.method, command.path);
    let caller = command
        .token_var
        .map_or("no token".to_owned(), |v| format!("`${v}`"));
    if !row.request.contains(&request) || !row.request.contains(&caller) {
        out.push(format!(
            "README request {:?} (want {request} and {caller})",
            row.request
        ));
    }
    if row.status != command.expected_status {
        out.push(format!(
            "README status {} (want {})",
            row.status, command.expected_status
        ));
    }
    if row.reason.as_deref() != command.expected_reason {
        out.push(format!(
            "README reason {:?} (want {:?})",
            row.reason, command.expected_reason
        ));
    }
    let (Some(documented), Some(actual)) = (row.body.as_object(), answer.json.as_object()) else {
        out.push(format!(
            "README body {} or answer {} is not an object",
            row.body, answer.text
        ));
        return out;
    };
    let same_keys = documented.keys().eq(actual.keys()) || {
        let mut a: Vec<_> = documented.keys().collect();
        let mut b: Vec<_> = actual.keys().collect();
        a.sort();
        b.sort();
        a == b
    };
    if !same_keys {
        out.push(format!(
            "README body {} has other keys than the answer {}",
            row.body, answer.text
        ));
    }
    for (key, want) in documented {
        let got = &actual[key];
        let ok = match (want.as_str(), got.as_str()) {
            (Some(pattern), Some(text)) if pattern.contains('…') => matches_pattern(pattern, text),
            _ => want == got,
        };
        if !ok {
            out.push(format!("README body {key}: {want} but the demo answered {got}"));
        }
    }
    out
}

/// A running demo in local mode, as `cargo run --example demo` (or `demo-actix`) starts it
/// on `framework` (on a free port), webhook route and local Clerk included.
async fn start_demo(framework: Framework) -> (LocalMode, TestServer) {
    let (listener, addr) = bind().await;
    let mode = LocalMode::new(test_keys(), addr).expect("local mode");
    let mode = mode.start_local_clerk().await.expect("the local Clerk starts");
    let server = TestServer::start_demo(
        framework,
        listener,
        mode.clerk().clone(),
        Some(mode.webhook().clone()),
    );
    (mode, server)
}

/// The printed webhook command.
fn webhook_command(mode: &LocalMode) -> &DemoCommand {
    mode.commands()
        .iter()
        .find(|c| c.path == WEBHOOK_PATH)
        .expect("a printed webhook command")
}

#[tokio::test]
async fn printed_commands_answer_as_the_readme_says() {
    for framework in Framework::ALL {
        printed_commands_answer_as_the_readme_says_on(framework).await;
    }
}

async fn printed_commands_answer_as_the_readme_says_on(framework: Framework) {
    let (mode, server) = start_demo(framework).await;
    assert_eq!(mode.base_url(), server.base_url());
    let banner = mode.banner();
    let rows = readme_rows();
    assert_eq!(
        rows.len(),
        mode.commands().len(),
        "the README's walk-through table has one row per printed command"
    );
    let tokens: Vec<&str> = mode.tokens().iter().map(|t| t.token.as_str()).collect();
    let client = client();
    let mut failures = Vec::new();
    for (i, (command, row)) in mode.commands().iter().zip(&rows).enumerate() {
        let curl = command.curl(mode.base_url());
        let label = format!("{}: command {} ({curl})", framework.name(), i + 1);
        // What the user pastes: the printed curl line, with the exported token.
        if !banner.contains(&format!("\n{curl}\n")) {
            failures.push(format!("{label}: not printed"));
        }
        let exported = command.token_var.map(|var| {
            let token = mode
                .tokens()
                .iter()
                .find(|t| t.var == var)
                .expect("an exported token");
            assert!(banner.contains(&token.export_line()), "{var} is not exported");
            format!("Bearer {}", token.token)
        });
        assert_eq!(
            exported, command.authorization,
            "{label}: the request sends the exported token"
        );

        let answer = send_command(&client, mode.base_url(), command).await;
        let mut problems = match (&command.expected_body, command.expected_reason) {
            (Some(body), None) => success_mismatches(&answer, body),
            (_, Some(reason)) => rejection_mismatches(&answer, command.expected_status, reason),
            (None, None) => vec!["the command has no expected answer".to_owned()],
        };
        problems.extend(row_mismatches(row, command, &answer));
        problems.extend(leaks(&answer, &tokens));
        failures.extend(problems.into_iter().map(|p| format!("{label}: {p}")));
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));

    // The banner says the webhook command is accepted once: pasted again, it is a replay.
    let again = send_command(&client, mode.base_url(), webhook_command(&mode)).await;
    let problems = webhook_rejection_mismatches(&again, 401, "webhook-replayed");
    assert!(
        problems.is_empty(),
        "{}: the webhook sent again: {problems:?}",
        framework.name()
    );
    assert!(
        banner.contains("sent again, it answers 401 webhook-replayed"),
        "{banner}"
    );
}

#[tokio::test]
async fn printed_webhook_command_is_signed_and_fresh() {
    let (mode, _server) = start_demo(Framework::Axum).await;
    let command = webhook_command(&mode);
    assert_eq!(command.method, Method::POST);
    assert_eq!(
        (command.token_var, command.authorization.as_deref()),
        (None, None)
    );
    let names: Vec<&str> = command.headers.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names,
        ["svix-id", "svix-timestamp", "svix-signature", "content-type"]
    );
    let header = |name: &str| {
        command
            .headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .expect("a header")
    };
    assert_eq!(header("svix-id"), WEBHOOK_MESSAGE_ID);
    assert!(header("svix-signature").starts_with("v1,"));
    let signed_at: u64 = header("svix-timestamp").parse().expect("integer seconds");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    assert!(now.abs_diff(signed_at) <= 60, "signed at {signed_at}, now {now}");
    // curl sends the body as given and POSTs because of it; no -X needed.
    let curl = command.curl(mode.base_url());
    assert!(
        curl.starts_with(&format!("curl -i {}{WEBHOOK_PATH} \\\n", mode.base_url())),
        "{curl}"
    );
    let body = command.body.as_deref().expect("a body");
    assert!(curl.ends_with(&format!("--data-raw '{body}'")), "{curl}");
    assert!(!body.contains('\''), "the body must fit in single quotes");
    let event: Value = serde_json::from_str(body).expect("a JSON body");
    assert_eq!(event["type"], "user.created");
    // The verifier is this run's: the command verifies with it, offline.
    let mut headers = http::HeaderMap::new();
    for (name, value) in &command.headers {
        headers.insert(*name, value.parse().expect("a header value"));
    }
    let fresh = mode.webhook().clone().replay_store(std::sync::Arc::new(
        clerk_sdk::webhook::InMemoryReplayStore::new(1),
    ));
    assert_eq!(
        fresh
            .verify(&headers, body.as_bytes())
            .await
            .expect("the printed command verifies")
            .event_type,
        clerk_sdk::webhook::EventType::UserCreated
    );
}

#[tokio::test]
async fn local_mode_covers_the_issues_callers() {
    let (mode, _server) = start_demo(Framework::Axum).await;
    let vars: Vec<&str> = mode.tokens().iter().map(|t| t.var).collect();
    assert_eq!(vars, ["MEMBER", "ADMIN", "MACHINE", "EXPIRED", "WRONG_AZP"]);
    let banner = mode.banner();
    assert!(banner.contains("LOCAL DEVELOPMENT MODE"), "{banner}");
    assert!(banner.contains(&format!(
        "authorized party (azp): http://localhost:{}",
        server_port(&mode)
    )));
    for path in [
        "/public",
        "/me",
        "/admin",
        "/machine",
        "/either",
        WEBHOOK_PATH,
        "/me/profile",
        "/admin/members",
    ] {
        assert!(
            mode.commands().iter().any(|c| c.path == path),
            "no printed command calls {path}"
        );
    }
}

fn server_port(mode: &LocalMode) -> u16 {
    mode.base_url()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("a port in the base URL")
}

/// The README's sample output is the banner of a demo on port 3000, tokens shortened and the
/// webhook's timestamp and signature replaced by placeholders.
#[test]
fn readme_shows_the_printed_output() {
    let addr: SocketAddr = "127.0.0.1:3000".parse().expect("address");
    let mode = LocalMode::new(test_keys(), addr).expect("local mode");
    let mut banner = mode.banner();
    for token in mode.tokens() {
        let shown: String = token.token.chars().take(SHOWN_TOKEN_CHARS).collect();
        banner = banner.replace(&token.token, &format!("{shown}…"));
    }
    for (name, value) in &webhook_command(&mode).headers {
        if let Some((_, shown)) = WEBHOOK_PLACEHOLDERS.iter().find(|(n, _)| n == name) {
            let printed = format!("-H \"{name}: {value}\"");
            assert!(banner.contains(&printed), "{printed} is not printed");
            banner = banner.replace(&printed, &format!("-H \"{name}: {shown}\""));
        }
    }
    assert!(
        README.contains(&format!("```text\n{banner}```")),
        "the README's sample output differs from what the demo prints; it should be:\n{banner}"
    );
}
