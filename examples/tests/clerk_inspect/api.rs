//! `clerk-inspect api ...` against a local Clerk ([`MockClerkApi`]) over loopback: each call's
//! request and printed JSON, the error line of a failed call (status, Clerk's code, trace id,
//! never the key), and the usage errors.

use std::collections::HashMap;

use clerk_examples::inspect::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE, run_with_env};
use clerk_sdk::testing::{Endpoint, Fault, MembershipSeed, MockClerkApi, OrganizationSeed, UserSeed};
use serde_json::{Value, json};

use super::{Output, mock_on_own_runtime};

/// The local Clerk's secret key: short, so an error line would quote it if it ever took it for
/// a mistyped value.
const SECRET: &str = "sk_test_inspect_api";
/// A key the local Clerk refuses.
const WRONG_SECRET: &str = "sk_test_inspect_api_wrong";

/// What an `api` run must have printed.
trait Checks {
    /// A call that printed JSON: exit 0, nothing on stderr; the JSON.
    fn printed(&self) -> Value;
    /// One `error:` line holding every needle, nothing on stdout, exit `code`.
    fn failed(&self, code: u8, needles: &[&str]);
}

impl Checks for Output {
    fn printed(&self) -> Value {
        assert_eq!(self.code, EXIT_OK, "stderr: {}", self.stderr);
        assert_eq!(self.stderr, "");
        self.json()
    }

    fn failed(&self, code: u8, needles: &[&str]) {
        assert_eq!(self.code, code, "stderr: {}", self.stderr);
        assert_eq!(self.stdout, "");
        assert_eq!(self.stderr.lines().count(), 1, "{}", self.stderr);
        assert!(self.stderr.starts_with("error: "), "{}", self.stderr);
        for needle in needles {
            assert!(self.stderr.contains(needle), "{needle:?} not in {}", self.stderr);
        }
    }
}

/// A local Clerk served by its own runtime (`run_with_env` starts a runtime of its own, which
/// cannot be done inside another's `block_on`), holding Ada (admin) and Bob (member) of Acme.
/// Fields drop in order: the mock before its runtime.
struct LocalClerk {
    mock: MockClerkApi,
    _runtime: tokio::runtime::Runtime,
    ada: String,
    bob: String,
    acme: String,
}

impl LocalClerk {
    fn start() -> Self {
        let (mock, runtime) = mock_on_own_runtime(SECRET);
        let ada = mock
            .seed_user(
                UserSeed::new()
                    .email_address("ada@example.com")
                    .first_name("Ada")
                    .created_at(1_000),
            )
            .expect("seed Ada");
        let bob = mock
            .seed_user(
                UserSeed::new()
                    .email_address("bob@example.com")
                    .first_name("Bob")
                    .created_at(2_000),
            )
            .expect("seed Bob");
        let acme = mock
            .seed_organization(OrganizationSeed::new("Acme").slug("acme"))
            .expect("seed Acme");
        mock.seed_membership(MembershipSeed::new(&acme, &ada, "org:admin").created_at(1_000))
            .expect("Ada joins");
        mock.seed_membership(MembershipSeed::new(&acme, &bob, "org:member").created_at(2_000))
            .expect("Bob joins");
        LocalClerk {
            mock,
            _runtime: runtime,
            ada,
            bob,
            acme,
        }
    }

    /// `clerk-inspect ARGS` with `CLERK_SECRET_KEY=key` and `CLERK_API_URL` this server,
    /// asserting that no secret key shows on stdout or stderr.
    fn inspect_with_key(&self, key: Option<&str>, args: &[&str]) -> Output {
        let mut env = HashMap::from([("CLERK_API_URL".to_owned(), self.mock.url())]);
        if let Some(key) = key {
            env.insert("CLERK_SECRET_KEY".to_owned(), key.to_owned());
        }
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let code = run_with_env(
            args.iter().map(|a| (*a).to_owned()).collect(),
            &|name| env.get(name).cloned(),
            &mut stdout,
            &mut stderr,
        );
        let out = Output {
            code,
            stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
        };
        for secret in [SECRET, WRONG_SECRET] {
            assert!(!out.stdout.contains(secret), "secret on stdout: {}", out.stdout);
            assert!(!out.stderr.contains(secret), "secret on stderr: {}", out.stderr);
        }
        out
    }

    fn inspect(&self, args: &[&str]) -> Output {
        self.inspect_with_key(Some(SECRET), args)
    }
}

#[test]
fn users_get_and_list_print_clerks_json() {
    let clerk = LocalClerk::start();
    let user = clerk.inspect(&["api", "users", "get", &clerk.ada]).printed();
    assert_eq!(user["id"], clerk.ada.as_str());
    assert_eq!(user["first_name"], "Ada");
    assert_eq!(user["email_addresses"][0]["email_address"], "ada@example.com");
    let request = clerk.mock.last_recorded_request().expect("a request");
    assert_eq!(request.endpoint, Some(Endpoint::UserGet));
    let headers = clerk
        .mock
        .last_request_headers(Endpoint::UserGet)
        .expect("headers");
    assert_eq!(headers["authorization"], format!("Bearer {SECRET}").as_str());

    let users = clerk
        .inspect(&[
            "api",
            "users",
            "list",
            "--email-address",
            "bob@example.com",
            "--limit",
            "5",
        ])
        .printed();
    assert_eq!(users.as_array().map(Vec::len), Some(1), "{users}");
    assert_eq!(users[0]["id"], clerk.bob.as_str());
    let request = clerk.mock.last_recorded_request().expect("a request");
    assert_eq!(request.query_values("email_address"), ["bob@example.com"]);
    assert_eq!(request.query_values("limit"), ["5"]);

    let everyone = clerk.inspect(&["api", "users", "list"]).printed();
    assert_eq!(everyone.as_array().map(Vec::len), Some(2), "{everyone}");
}

#[test]
fn orgs_get_by_slug_and_members_print_a_page() {
    let clerk = LocalClerk::start();
    let org = clerk.inspect(&["api", "orgs", "get", "acme"]).printed();
    assert_eq!(org["id"], clerk.acme.as_str());
    assert_eq!(org["name"], "Acme");

    let page = clerk
        .inspect(&["api", "orgs", "members", &clerk.acme, "--limit", "10"])
        .printed();
    assert_eq!(page["total_count"], 2, "{page}");
    let roles: Vec<(&str, &str)> = page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|m| {
            (
                m["public_user_data"]["user_id"].as_str().unwrap_or_default(),
                m["role"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert!(roles.contains(&(clerk.ada.as_str(), "org:admin")), "{roles:?}");
    assert!(roles.contains(&(clerk.bob.as_str(), "org:member")), "{roles:?}");
}

#[test]
fn raw_sends_method_path_query_and_body() {
    let clerk = LocalClerk::start();
    let path = format!("/users/{}/metadata", clerk.ada);
    let body = r#"{"public_metadata":{"plan":"pro"}}"#;
    let user = clerk
        .inspect(&["api", "raw", "patch", &path, "--body", body])
        .printed();
    assert_eq!(user["public_metadata"], json!({ "plan": "pro" }));
    assert_eq!(
        clerk.mock.user(&clerk.ada).expect("Ada")["public_metadata"],
        json!({ "plan": "pro" })
    );

    let users = clerk
        .inspect(&[
            "api",
            "raw",
            "GET",
            "/users",
            "--query",
            "order_by=-created_at",
            "--query",
            "limit=1",
        ])
        .printed();
    assert_eq!(users[0]["id"], clerk.bob.as_str(), "{users}");
    let request = clerk.mock.last_recorded_request().expect("a request");
    assert_eq!(request.query_values("order_by"), ["-created_at"]);
}

#[test]
fn failed_calls_print_status_code_and_trace_id_never_the_key() {
    let clerk = LocalClerk::start();
    clerk.inspect(&["api", "users", "get", "user_missing"]).failed(
        EXIT_FAILURE,
        &[
            "Backend API:",
            "status 404",
            "code resource_not_found",
            "trace id ",
            "reason api-status",
        ],
    );

    clerk.mock.push_fault(
        Endpoint::OrganizationGet,
        Fault::RetryAfter {
            status: 429,
            seconds: 60,
        },
    );
    clerk
        .inspect(&["api", "orgs", "get", "acme"])
        .failed(EXIT_FAILURE, &["status 429", "retry after 60 s"]);

    clerk
        .inspect_with_key(Some(WRONG_SECRET), &["api", "users", "get", &clerk.ada])
        .failed(EXIT_FAILURE, &["status 401", "code clerk_key_invalid"]);

    // Refused before sending: an id that is a dot segment.
    clerk
        .inspect(&["api", "users", "get", ".."])
        .failed(EXIT_USAGE, &["not sent", "reason api-id-dot-segment"]);
}

#[test]
fn the_secret_key_comes_from_clerk_secret_key() {
    let clerk = LocalClerk::start();
    clerk
        .inspect_with_key(None, &["api", "users", "list"])
        .failed(EXIT_USAGE, &["CLERK_SECRET_KEY"]);
    clerk
        .inspect_with_key(Some("  "), &["api", "users", "list"])
        .failed(EXIT_USAGE, &["CLERK_SECRET_KEY"]);
    assert!(
        clerk.mock.recorded_requests().is_empty(),
        "nothing is sent without a key"
    );
}

#[test]
fn usage_errors_name_the_call() {
    let clerk = LocalClerk::start();
    for (args, needle) in [
        (&["api"][..], "expected users get ID"),
        (&["api", "users", "frob"][..], "expected users get ID"),
        (&["api", "users", "get"][..], "expected users get ID"),
        (
            &["api", "orgs", "get", "acme", "--limit", "5"][..],
            "api orgs get: --limit does not apply here",
        ),
        (
            &["api", "raw", "GET", "/users", "--body", "{"][..],
            "--body is not JSON",
        ),
        (
            &["api", "raw", "GET", "/users", "--query", "limit"][..],
            "--query expects KEY=VALUE",
        ),
        (
            &["api", "users", "list", "--limit", "x"][..],
            "--limit expects a non-negative integer",
        ),
        (&["api", "users", "list", "--verbose"][..], "api: unknown option"),
        (&["api", "raw", "G ET", "/users"][..], "is not an HTTP method"),
    ] {
        let out = clerk.inspect(args);
        out.failed(EXIT_USAGE, &[needle]);
    }
    assert!(clerk.mock.recorded_requests().is_empty());
}
