//! Drives `clerk-inspect` through [`clerk_examples::inspect::run`], the function its binary
//! wraps: exit codes, the exact JSON schema of `verify`, and what the error lines leave out.
//!
//! Key generation is the slow part, so one key pair is generated per test binary and copied
//! into each test's own temporary directory; only the first-run test lets the tool generate.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use clerk_examples::inspect::{EXIT_OK, EXIT_USAGE, USAGE, run};
use clerk_sdk::testing::{Endpoint, MachineTokenSpec, MockClerkApi, TestKeys};
use http::header::AUTHORIZATION;
use serde_json::{Value, json};

const APP: &str = "https://app.example";

/// What one run printed.
struct Output {
    code: u8,
    stdout: String,
    stderr: String,
}

impl Output {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }

    /// Asserts a usage or configuration failure: exit 2, nothing on stdout, one error line.
    fn assert_error(&self, needle: &str) {
        assert_eq!(self.code, EXIT_USAGE, "stderr: {}", self.stderr);
        assert_eq!(self.stdout, "");
        assert_eq!(self.stderr.lines().count(), 1, "{}", self.stderr);
        assert!(self.stderr.starts_with("error: "), "{}", self.stderr);
        assert!(self.stderr.contains(needle), "{needle:?} not in {}", self.stderr);
    }
}

fn inspect(args: &[&str]) -> Output {
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let code = run(
        args.iter().map(|a| (*a).to_owned()).collect(),
        &mut stdout,
        &mut stderr,
    );
    Output {
        code,
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    }
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("clerk-inspect-test-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn str(&self) -> &str {
        self.0.to_str().expect("temp dir path is UTF-8")
    }

    fn public_key_file(&self) -> String {
        self.0.join("public_key.pem").display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The test binary's one key pair.
fn test_keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| TestKeys::generate().expect("key generation"))
}

/// A key directory in the tool's layout, holding the shared test key pair.
fn key_dir(name: &str) -> TempDir {
    let keys = test_keys();
    let dir = TempDir::new(name);
    std::fs::create_dir_all(dir.path()).expect("create key dir");
    let write = |file: &str, text: &str| {
        std::fs::write(dir.path().join(file), text).expect("write key file");
    };
    write("private_key.pem", &keys.private_key_pem().expect("private pem"));
    write("public_key.pem", &keys.public_key_pem().expect("public pem"));
    write("kid", keys.kid());
    dir
}

/// Mints into `dir` and returns the token.
fn mint(dir: &TempDir, extra: &[&str]) -> String {
    let mut args = vec!["mint", "--out-dir", dir.str()];
    args.extend_from_slice(extra);
    let out = inspect(&args);
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    out.json()["token"]
        .as_str()
        .expect("token is a string")
        .to_owned()
}

/// `verify --jwt-key-file <dir>/public_key.pem EXTRA...`.
fn verify(dir: &TempDir, extra: &[&str]) -> Output {
    let key_file = dir.public_key_file();
    let mut args = vec!["verify", "--jwt-key-file", &key_file];
    args.extend_from_slice(extra);
    inspect(&args)
}

fn keys_of(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

const TOP_KEYS: [&str; 7] = [
    "status",
    "reason",
    "message",
    "token_type",
    "is_authenticated",
    "auth",
    "has",
];
const AUTH_KEYS: [&str; 12] = [
    "user_id",
    "session_id",
    "session_status",
    "org_id",
    "org_slug",
    "org_role",
    "org_permissions",
    "actor",
    "factor_verification_age",
    "features",
    "plans",
    "machine",
];
const MACHINE_KEYS: [&str; 9] = [
    "id",
    "subject",
    "scopes",
    "claims",
    "name",
    "client_id",
    "machine_id",
    "user_id",
    "org_id",
];

/// Asserts the schema and that every `auth` field but `session_status` is null (`machine`
/// included).
fn assert_signed_out_auth(v: &Value, session_status: Value) {
    assert_eq!(keys_of(v), TOP_KEYS);
    assert_eq!(keys_of(&v["auth"]), AUTH_KEYS);
    assert_eq!(v["is_authenticated"], false);
    for key in AUTH_KEYS {
        let expected = if key == "session_status" {
            &session_status
        } else {
            &Value::Null
        };
        assert_eq!(&v["auth"][key], expected, "auth.{key}");
    }
}

#[test]
fn readme_flow_mint_creates_keys_then_verify_signs_in() {
    let dir = TempDir::new("readme");
    let out = inspect(&["mint", "--out-dir", dir.str()]);
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    for file in ["private_key.pem", "public_key.pem", "kid"] {
        assert!(dir.path().join(file).is_file(), "{file} was not written");
    }
    let minted = out.json();
    assert_eq!(
        keys_of(&minted),
        ["jwt_key_file", "kid", "token", "authorization", "claims"]
    );
    let token = minted["token"].as_str().expect("token");
    assert_eq!(minted["jwt_key_file"], dir.public_key_file());
    assert_eq!(minted["authorization"], format!("Bearer {token}"));
    assert_eq!(minted["claims"]["sub"], "user_dev");
    let kid = std::fs::read_to_string(dir.path().join("kid")).expect("kid file");
    assert_eq!(minted["kid"], kid.trim());
    let hint = format!(
        "hint: verify it with: cargo run --example clerk-inspect -- verify --jwt-key-file {} {token}",
        dir.public_key_file()
    );
    assert!(out.stderr.lines().any(|l| l == hint), "{}", out.stderr);

    let out = verify(&dir, &[token]);
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    assert_eq!(out.stderr, "");
    let v = out.json();
    assert_eq!(v["status"], "signed-in");
    assert_eq!(v["is_authenticated"], true);
    assert_eq!(v["auth"]["user_id"], "user_dev");

    // A second mint reuses the key pair.
    let again = inspect(&["mint", "--out-dir", dir.str()]);
    assert_eq!(again.code, EXIT_OK, "stderr: {}", again.stderr);
    assert_eq!(again.json()["kid"], minted["kid"]);
    assert!(!again.stderr.contains("created"), "{}", again.stderr);
}

#[test]
fn verify_signed_in_prints_every_schema_key() {
    let dir = key_dir("signed-in");
    let token = mint(
        &dir,
        &[
            "--user-id",
            "user_42",
            "--authorized-party",
            APP,
            "--org-id",
            "org_1",
            "--org-slug",
            "acme",
            "--org-role",
            "org:admin",
            "--permission",
            "org:invoices:read",
        ],
    );
    let out = verify(&dir, &["--authorized-party", APP, &token]);
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    assert_eq!(out.stderr, "");
    let v = out.json();
    assert_eq!(keys_of(&v), TOP_KEYS);
    assert_eq!(keys_of(&v["auth"]), AUTH_KEYS);
    let session_id = v["auth"]["session_id"].clone();
    assert!(
        session_id.as_str().is_some_and(|s| s.starts_with("sess_")),
        "{session_id}"
    );
    assert_eq!(
        v,
        json!({
            "status": "signed-in",
            "reason": null,
            "message": null,
            "token_type": "session_token",
            "is_authenticated": true,
            "auth": {
                "user_id": "user_42",
                "session_id": session_id,
                "session_status": "active",
                "org_id": "org_1",
                "org_slug": "acme",
                "org_role": "org:admin",
                "org_permissions": ["org:invoices:read"],
                "actor": null,
                "factor_verification_age": null,
                "features": null,
                "plans": null,
                "machine": null,
            },
            "has": [],
        })
    );
}

#[test]
fn verify_v2_claims_decode_org_permissions() {
    let dir = key_dir("v2");
    let token = mint(
        &dir,
        &[
            "--v2",
            "--org-id",
            "org_2",
            "--org-slug",
            "beta",
            "--org-role",
            "org:member",
            "--permission",
            "org:invoices:read",
            "--permission",
            "org:reports:write",
        ],
    );
    let out = verify(&dir, &["--has", "permission=org:reports:write", &token]);
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    let v = out.json();
    assert_eq!(v["auth"]["org_role"], "org:member");
    assert_eq!(
        v["auth"]["org_permissions"],
        json!(["org:invoices:read", "org:reports:write"])
    );
    assert_eq!(v["auth"]["features"], "o:invoices,o:reports");
    assert_eq!(v["has"][0]["result"], true);
}

#[test]
fn verify_expired_token_is_signed_out() {
    let dir = key_dir("expired");
    let token = mint(&dir, &["--expired"]);
    let out = verify(&dir, &[&token]);
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    let v = out.json();
    assert_eq!(v["status"], "signed-out");
    assert_eq!(v["reason"], "token-expired");
    assert_eq!(v["token_type"], "session_token");
    let message = v["message"].as_str().expect("a message");
    assert!(message.contains("token-expired"), "{message}");
    assert!(!message.contains(&token), "{message}");
    assert_signed_out_auth(&v, Value::Null);
}

#[test]
fn verify_wrong_authorized_party_is_signed_out() {
    let dir = key_dir("azp");
    let token = mint(&dir, &["--authorized-party", APP]);
    let out = verify(&dir, &["--authorized-party", "https://other.example", &token]);
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    let v = out.json();
    assert_eq!(v["status"], "signed-out");
    assert_eq!(v["reason"], "token-invalid-authorized-parties");
    assert_signed_out_auth(&v, Value::Null);
}

#[test]
fn verify_without_credential_is_session_token_missing() {
    let dir = key_dir("missing");
    let out = verify(&dir, &["--has", "role=org:admin"]);
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    let v = out.json();
    assert_eq!(v["status"], "signed-out");
    assert_eq!(v["reason"], "session-token-missing");
    assert_eq!(v["token_type"], "session_token");
    assert_signed_out_auth(&v, Value::Null);
    assert_eq!(
        v["has"],
        json!([{ "params": { "role": "org:admin" }, "result": false }])
    );
}

#[test]
fn verify_authorization_header_as_given() {
    let dir = key_dir("header");
    let token = mint(&dir, &[]);
    let header = format!("bearer {token}");
    let out = verify(&dir, &["--authorization", &header]);
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    assert_eq!(out.json()["status"], "signed-in");

    // Visible in a header but not a token: decided, as token-invalid.
    let out = verify(&dir, &["--authorization", "Bearer"]);
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    assert_eq!(out.json()["reason"], "token-invalid");
}

#[test]
fn has_checks_role_and_echoes_params() {
    let dir = key_dir("has");
    let token = mint(
        &dir,
        &[
            "--org-id",
            "org_1",
            "--org-slug",
            "acme",
            "--org-role",
            "org:admin",
            "--permission",
            "org:invoices:read",
        ],
    );
    let out = verify(
        &dir,
        &[
            "--has",
            "role=org:admin",
            "--has",
            "role=org:member",
            "--has=role=admin,permission=org:invoices:read",
            "--has",
            "role=org:admin,reverification=strict",
            &token,
        ],
    );
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    assert_eq!(
        out.json()["has"],
        json!([
            { "params": { "role": "org:admin" }, "result": true },
            { "params": { "role": "org:member" }, "result": false },
            {
                "params": { "role": "admin", "permission": "org:invoices:read" },
                "result": true
            },
            // No `fva` claim: a reverification requirement cannot hold.
            {
                "params": { "role": "org:admin", "reverification": "strict" },
                "result": false
            },
        ])
    );
    let params = &out.json()["has"][3]["params"];
    assert_eq!(keys_of(params), ["role", "reverification"]);
}

#[test]
fn now_ms_replays_a_report() {
    let dir = key_dir("now-ms");
    let token = mint(&dir, &["--now-ms", "1700000000000"]);

    let out = verify(&dir, &["--now-ms", "1700000001000", &token]);
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    let v = out.json();
    assert_eq!(v["status"], "signed-in", "{v}");
    assert_eq!(v["is_authenticated"], true);

    let out = verify(&dir, &["--now-ms", "1700000600000", &token]);
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    let v = out.json();
    assert_eq!(v["status"], "signed-out");
    assert_eq!(v["reason"], "token-expired");

    // Before `nbf` and `iat` (beyond the 5 s skew).
    let out = verify(&dir, &["--now-ms", "1699999900000", &token]);
    assert_eq!(out.json()["reason"], "token-not-active-yet");
}

#[test]
fn pending_session_is_signed_in_but_not_authenticated() {
    let dir = key_dir("pending");
    let token = mint(&dir, &["--pending"]);
    let out = verify(&dir, &["--has", "role=org:admin", &token]);
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    let v = out.json();
    assert_eq!(v["status"], "signed-in");
    assert_eq!(v["reason"], Value::Null);
    assert_eq!(v["token_type"], "session_token");
    assert_signed_out_auth(&v, json!("pending"));
    assert_eq!(v["has"][0]["result"], false);
}

#[test]
fn decode_prints_unverified_header_and_claims() {
    let dir = key_dir("decode");
    let token = mint(&dir, &["--user-id", "user_7", "--pending"]);
    let out = inspect(&["decode", &token]);
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    let v = out.json();
    assert_eq!(keys_of(&v), ["verified", "warning", "header", "claims"]);
    assert_eq!(v["verified"], false);
    assert_eq!(v["warning"], "UNVERIFIED: signature and claims were not checked");
    assert_eq!(v["header"]["alg"], "RS256");
    assert_eq!(v["header"]["typ"], "JWT");
    let kid = std::fs::read_to_string(dir.path().join("kid")).expect("kid file");
    assert_eq!(v["header"]["kid"], kid.trim());
    assert_eq!(v["claims"]["sub"], "user_7");
    assert_eq!(v["claims"]["sts"], "pending");

    inspect(&["decode", "not-a-jwt"]).assert_error("does not decode");
    inspect(&["decode"]).assert_error("needs a TOKEN");
}

#[test]
fn help_and_usage_errors() {
    for help in [&["help"][..], &["--help"], &["-h"], &["verify", "--help"]] {
        let out = inspect(help);
        assert_eq!(out.code, EXIT_OK, "{help:?}");
        assert_eq!(out.stdout, USAGE);
        assert_eq!(out.stderr, "");
    }
    for (args, needle) in [
        (&[][..], "no command given"),
        (&["frobnicate"], "unknown command \"frobnicate\""),
    ] {
        let out = inspect(args);
        assert_eq!(out.code, EXIT_USAGE, "{args:?}");
        assert_eq!(out.stdout, USAGE);
        assert!(out.stderr.contains(needle), "{}", out.stderr);
    }
    let dir = key_dir("usage");
    let key_file = dir.public_key_file();
    let key = key_file.as_str();
    let cases: [(&[&str], &str); 12] = [
        (&["verify", "--bogus"], "unknown option \"--bogus\""),
        (&["verify", "--now-ms"], "--now-ms needs a value"),
        (&["verify", "--now-ms", "soon"], "--now-ms expects"),
        (&["verify", "--has", "role"], "KEY=VALUE"),
        (&["verify", "--has", "colour=red"], "--has key \"colour\""),
        (&["verify", "--has", "reverification=often"], "LEVEL:MINUTES"),
        (&["verify", "--has", "role=a,role=b"], "twice"),
        (&["verify", "--accepts", "cookies"], "--accepts"),
        (&["verify", "a", "b"], "at most one TOKEN"),
        (
            &["verify", "--jwt-key-file", key, "--authorization", "x", "y"],
            "not both",
        ),
        (
            &["verify", "--jwt-key-file", key, "--authorization", "Bearer a\nb"],
            "--authorization holds bytes",
        ),
        (&["mint", "--permission", "org:x:read"], "needs an organization"),
    ];
    for (args, needle) in cases {
        inspect(args).assert_error(needle);
    }
}

#[test]
fn bad_key_file_exits_2() {
    let dir = key_dir("bad-key");
    let token = mint(&dir, &[]);

    let missing = dir.path().join("nope.pem").display().to_string();
    inspect(&["verify", "--jwt-key-file", &missing, &token]).assert_error("cannot read");

    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a key").expect("write garbage");
    let garbage = garbage.display().to_string();
    inspect(&["verify", "--jwt-key-file", &garbage, &token]).assert_error("reason: jwt-key-");

    let private = dir.path().join("private_key.pem").display().to_string();
    let out = inspect(&["verify", "--jwt-key-file", &private, &token]);
    out.assert_error("jwt-key-unsupported-pem-label");
    assert!(!out.stderr.contains("BEGIN"), "{}", out.stderr);

    // An incomplete key directory is refused by mint.
    std::fs::remove_file(dir.path().join("kid")).expect("remove kid");
    inspect(&["mint", "--out-dir", dir.str()]).assert_error("incomplete key pair");
}

#[test]
fn errors_never_echo_the_token() {
    let dir = key_dir("no-echo");
    let token = mint(&dir, &[]);
    let key_file = dir.public_key_file();
    for args in [
        vec![token.as_str()],
        vec!["verify", "--now-ms", &token],
        vec!["verify", "--accepts", &token],
        vec!["verify", "--jwt-key-file", &key_file, &token, &token],
        vec!["verify", "--has", &token],
        vec!["decode", &token, &token],
    ] {
        let out = inspect(&args);
        assert_eq!(out.code, EXIT_USAGE);
        assert!(!out.stderr.contains(&token), "{}", out.stderr);
        assert!(!out.stdout.contains(&token));
    }
}

// --- `verify` against a Backend API: `--secret-key`, `--machine-secret-key`, `--api-url` ---

/// The mock's secret key. Short enough that an error line would quote it if it were taken for
/// a mistyped value: the tests below prove it never is.
const SECRET: &str = "sk_test_inspect_mock";
/// The mock's machine secret key, accepted on the m2m verify endpoint only.
const MACHINE_SECRET: &str = "ak_inspect_machine";
/// A secret key the mock refuses.
const WRONG_SECRET: &str = "sk_test_inspect_wrong";

/// A [`MockClerkApi`] served by its own multi-thread runtime, which stays alive as long as this
/// value. Tests call `run()` from their own thread, outside that runtime: `run()` starts a
/// runtime of its own, which cannot be done inside another runtime's `block_on`.
///
/// Fields drop in order: the mock (which aborts its server tasks) before the runtime.
struct Api {
    mock: MockClerkApi,
    _runtime: tokio::runtime::Runtime,
}

impl Api {
    /// Serves the test key pair at the JWKS endpoint and registers:
    /// * `mt_valid`: an m2m token of machine `mch_1`, scope `a`, claims `{"env": "ci"}`;
    /// * `ak_org`: an API key named `ci` owned by `org_1`;
    /// * `oat_valid`: an OAuth token of `user_1` for client `client_1`;
    /// * `ak_revoked`: a revoked API key; `mt_expired`: an expired m2m token.
    fn start() -> Self {
        let (mock, runtime) = mock_on_own_runtime(SECRET);
        mock.set_keys(&[test_keys()]);
        mock.set_machine_secret_key(MACHINE_SECRET);
        mock.register_machine_token(
            "mt_valid",
            MachineTokenSpec::m2m("mch_1")
                .id("mt_id_1")
                .scopes(&["a"])
                .claims(json!({ "env": "ci" })),
        );
        mock.register_machine_token(
            "ak_org",
            MachineTokenSpec::api_key("org_1", "ci")
                .id("ak_id_1")
                .scopes(&["read"]),
        );
        mock.register_machine_token(
            "oat_valid",
            MachineTokenSpec::oauth("user_1", "client_1").id("oat_id_1"),
        );
        mock.register_machine_token("ak_revoked", MachineTokenSpec::api_key("org_1", "old").revoked());
        mock.register_machine_token("mt_expired", MachineTokenSpec::m2m("mch_1").expired());
        Api {
            mock,
            _runtime: runtime,
        }
    }

    fn url(&self) -> String {
        self.mock.url()
    }

    /// `verify --secret-key SECRET --api-url URL EXTRA...`, decided (exit 0, nothing on stderr).
    fn verify(&self, extra: &[&str]) -> Value {
        let url = self.url();
        let mut args = vec!["verify", "--secret-key", SECRET, "--api-url", &url];
        args.extend_from_slice(extra);
        let out = inspect_secretly(&args);
        assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
        assert_eq!(out.stderr, "");
        out.json()
    }

    /// The `Authorization` header of the latest request to `endpoint`.
    fn last_authorization(&self, endpoint: Endpoint) -> String {
        let headers = self
            .mock
            .last_request_headers(endpoint)
            .expect("a request reached the endpoint");
        headers[AUTHORIZATION].to_str().expect("ASCII").to_owned()
    }
}

/// A [`MockClerkApi`] accepting `secret`, started on a runtime of its own (see [`Api`]).
fn mock_on_own_runtime(secret: &str) -> (MockClerkApi, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let mock = runtime
        .block_on(MockClerkApi::start(secret))
        .expect("mock starts");
    (mock, runtime)
}

/// [`inspect`], asserting that no secret key appears on stdout or stderr.
fn inspect_secretly(args: &[&str]) -> Output {
    let out = inspect(args);
    for secret in [SECRET, MACHINE_SECRET, WRONG_SECRET] {
        assert!(!out.stdout.contains(secret), "secret on stdout: {}", out.stdout);
        assert!(!out.stderr.contains(secret), "secret on stderr: {}", out.stderr);
    }
    out
}

/// Asserts a signed-in machine caller: the schema, null session fields, and `auth.machine`.
fn assert_machine(v: &Value, token_type: &str, machine: &Value) {
    assert_eq!(keys_of(v), TOP_KEYS);
    assert_eq!(keys_of(&v["auth"]), AUTH_KEYS);
    assert_eq!(keys_of(&v["auth"]["machine"]), MACHINE_KEYS);
    assert_eq!(v["status"], "signed-in", "{v}");
    assert_eq!(v["reason"], Value::Null);
    assert_eq!(v["message"], Value::Null);
    assert_eq!(v["token_type"], token_type);
    assert_eq!(v["is_authenticated"], true);
    // The user or organization a machine caller acts for is also the top-level `user_id` /
    // `org_id`, as upstream's machine auth objects expose them; session fields stay null.
    for key in AUTH_KEYS.iter().filter(|k| **k != "machine") {
        let expected = match *key {
            "user_id" | "org_id" => &machine[*key],
            _ => &Value::Null,
        };
        assert_eq!(&v["auth"][key], expected, "auth.{key}");
    }
    assert_eq!(&v["auth"]["machine"], machine);
}

#[test]
fn verify_m2m_token_through_the_api() {
    let api = Api::start();
    let v = api.verify(&["--accepts", "any", "--has", "role=org:admin", "mt_valid"]);
    assert_machine(
        &v,
        "m2m_token",
        &json!({
            "id": "mt_id_1",
            "subject": "mch_1",
            "scopes": ["a"],
            "claims": { "env": "ci" },
            "name": null,
            "client_id": null,
            "machine_id": "mch_1",
            "user_id": null,
            "org_id": null,
        }),
    );
    // Machine callers have no roles.
    assert_eq!(
        v["has"],
        json!([{ "params": { "role": "org:admin" }, "result": false }])
    );
    assert_eq!(api.mock.requests(Endpoint::M2mVerify), 1);
    assert_eq!(api.mock.requests(Endpoint::Jwks), 0);
    assert_eq!(
        api.last_authorization(Endpoint::M2mVerify),
        format!("Bearer {SECRET}")
    );
}

#[test]
fn verify_api_key_and_oauth_token_through_the_api() {
    let api = Api::start();
    let v = api.verify(&["--accepts", "any", "ak_org"]);
    assert_machine(
        &v,
        "api_key",
        &json!({
            "id": "ak_id_1",
            "subject": "org_1",
            "scopes": ["read"],
            "claims": null,
            "name": "ci",
            "client_id": null,
            "machine_id": null,
            "user_id": null,
            "org_id": "org_1",
        }),
    );

    let v = api.verify(&["--accepts", "oauth_token", "oat_valid"]);
    assert_machine(
        &v,
        "oauth_token",
        &json!({
            "id": "oat_id_1",
            "subject": "user_1",
            "scopes": [],
            "claims": null,
            "name": null,
            "client_id": "client_1",
            "machine_id": null,
            "user_id": "user_1",
            "org_id": null,
        }),
    );
    assert_eq!(api.mock.requests(Endpoint::ApiKeyVerify), 1);
    assert_eq!(api.mock.requests(Endpoint::OAuthVerify), 1);
}

#[test]
fn revoked_expired_and_unknown_machine_tokens_are_signed_out() {
    let api = Api::start();
    for (token, token_type) in [
        ("ak_revoked", "api_key"),
        ("mt_expired", "m2m_token"),
        ("mt_unknown", "m2m_token"),
    ] {
        let v = api.verify(&["--accepts", "any", token]);
        assert_eq!(v["status"], "signed-out", "{token}: {v}");
        assert_eq!(v["reason"], "token-invalid", "{token}");
        assert_eq!(v["token_type"], token_type, "{token}");
        assert!(v["message"].is_string(), "{token}");
        assert_signed_out_auth(&v, Value::Null);
    }

    // A machine token where only session tokens are accepted (the default) is not sent to
    // the API at all.
    api.mock.reset_counters();
    let v = api.verify(&["mt_valid"]);
    assert_eq!(v["reason"], "token-type-mismatch");
    assert_signed_out_auth(&v, Value::Null);
    assert_eq!(api.mock.requests(Endpoint::M2mVerify), 0);
}

#[test]
fn session_token_verifies_with_keys_from_the_api() {
    let api = Api::start();
    let dir = key_dir("jwks");
    let token = mint(&dir, &["--user-id", "user_jwks"]);
    // No --jwt-key-file: the key comes from GET {api_url}/v1/jwks.
    let v = api.verify(&[&token]);
    assert_eq!(keys_of(&v), TOP_KEYS);
    assert_eq!(keys_of(&v["auth"]), AUTH_KEYS);
    assert_eq!(v["status"], "signed-in", "{v}");
    assert_eq!(v["token_type"], "session_token");
    assert_eq!(v["auth"]["user_id"], "user_jwks");
    assert_eq!(v["auth"]["machine"], Value::Null);
    assert_eq!(api.mock.requests(Endpoint::Jwks), 1);
    assert_eq!(api.last_authorization(Endpoint::Jwks), format!("Bearer {SECRET}"));

    // A key the API does not serve: signed out, not a configuration error.
    api.mock.set_keys(&[]);
    let v = api.verify(&[&token]);
    assert_eq!(v["status"], "signed-out");
    assert_signed_out_auth(&v, Value::Null);
}

#[test]
fn wrong_secret_key_is_secret_key_invalid() {
    let api = Api::start();
    let url = api.url();
    let token = mint(&key_dir("wrong-secret"), &[]);
    for credential in ["mt_valid", "ak_org", token.as_str()] {
        let out = inspect_secretly(&[
            "verify",
            "--secret-key",
            WRONG_SECRET,
            "--api-url",
            &url,
            "--accepts",
            "any",
            credential,
        ]);
        assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
        let v = out.json();
        assert_eq!(v["status"], "signed-out", "{v}");
        assert_eq!(v["reason"], "secret-key-invalid", "{v}");
        assert_signed_out_auth(&v, Value::Null);
    }
    assert_eq!(
        api.last_authorization(Endpoint::M2mVerify),
        format!("Bearer {WRONG_SECRET}")
    );
}

#[test]
fn machine_secret_key_is_used_for_m2m_tokens() {
    let api = Api::start();
    let url = api.url();
    // Alone: enough for m2m tokens.
    let out = inspect_secretly(&[
        "verify",
        "--machine-secret-key",
        MACHINE_SECRET,
        "--api-url",
        &url,
        "--accepts",
        "m2m_token",
        "mt_valid",
    ]);
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    assert_eq!(out.json()["auth"]["machine"]["machine_id"], "mch_1");
    assert_eq!(
        api.last_authorization(Endpoint::M2mVerify),
        format!("Bearer {MACHINE_SECRET}")
    );

    // With the secret key too: m2m tokens still use the machine secret key, API keys the
    // secret key.
    let v = api.verify(&[
        "--machine-secret-key",
        MACHINE_SECRET,
        "--accepts",
        "any",
        "mt_valid",
    ]);
    assert_eq!(v["token_type"], "m2m_token");
    assert_eq!(
        api.last_authorization(Endpoint::M2mVerify),
        format!("Bearer {MACHINE_SECRET}")
    );
    let v = api.verify(&[
        "--machine-secret-key",
        MACHINE_SECRET,
        "--accepts",
        "any",
        "ak_org",
    ]);
    assert_eq!(v["auth"]["machine"]["org_id"], "org_1");
    assert_eq!(
        api.last_authorization(Endpoint::ApiKeyVerify),
        format!("Bearer {SECRET}")
    );
}

#[test]
fn secret_keys_are_never_echoed() {
    assert!(!USAGE.contains(SECRET));
    let api = Api::start();
    let url = api.url();
    let flag_secret = format!("--{SECRET}");
    let cases: [(&[&str], &str); 12] = [
        (
            &["verify", "--secret-key", SECRET, "--bogus"],
            "unknown option \"--bogus\"",
        ),
        (
            &["verify", "--secret-key", SECRET, "--secret-key", SECRET],
            "--secret-key given more than once",
        ),
        (
            &[
                "verify",
                "--machine-secret-key",
                MACHINE_SECRET,
                "--machine-secret-key=x",
            ],
            "--machine-secret-key given more than once",
        ),
        (&["verify", "--api-url"], "--api-url needs a value"),
        // Secrets where other values belong.
        (&["verify", "--accepts", SECRET], "--accepts (value not shown)"),
        (&["verify", "--has", SECRET], "KEY=VALUE"),
        (&["verify", SECRET, MACHINE_SECRET], "at most one TOKEN"),
        (&["verify", &flag_secret], "unknown option (value not shown)"),
        (
            &[
                "verify",
                "--secret-key",
                SECRET,
                "--accepts",
                "--machine-secret-key",
                MACHINE_SECRET,
            ],
            "--accepts \"--machine-secret-key\"",
        ),
        // Configuration errors name the flag, never its value.
        (
            &["verify", "--secret-key", SECRET, "--api-url", "ftp://127.0.0.1"],
            "reason: api-url-invalid) [from --api-url]",
        ),
        (
            &[
                "verify",
                "--secret-key=",
                "--machine-secret-key",
                MACHINE_SECRET,
                "--api-url",
                &url,
            ],
            "reason: secret-key-empty) [check --secret-key and --machine-secret-key]",
        ),
        (
            &["verify", "--api-url", &url, "--accepts", "api_key", "ak_org"],
            "reason: secret-key-missing) [flags: --secret-key",
        ),
    ];
    for (args, needle) in cases {
        inspect_secretly(args).assert_error(needle);
    }
    // A secret given as the command: usage on stdout, the value not shown.
    let out = inspect_secretly(&[SECRET]);
    assert_eq!(out.code, EXIT_USAGE);
    assert_eq!(out.stdout, USAGE);
    assert!(
        out.stderr.contains("unknown command (value not shown)"),
        "{}",
        out.stderr
    );
    // Nothing reached the API.
    for endpoint in [Endpoint::Jwks, Endpoint::M2mVerify, Endpoint::ApiKeyVerify] {
        assert_eq!(api.mock.requests(endpoint), 0, "{endpoint:?}");
    }
}

// ---- webhook ---------------------------------------------------------------------------

/// Issue 5's known answer: this secret, id, timestamp and body give this signature.
const WH_SECRET: &str = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY";
/// The secret's base64 part, which must not be shown either.
const WH_KEY: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY";
const WH_SIGNATURE: &str = "v1,5ZCxOammoBCLzqaCN9uAHiKnJcRjQNLtyV6gB4qVUg4=";
const WH_BODY: &str = r#"{"type":"user.created"}"#;
const WH_NOW_MS: &str = "1700000000000";

const WEBHOOK_KEYS: [&str; 4] = ["ok", "reason", "message", "event"];
const EVENT_KEYS: [&str; 6] = [
    "type",
    "object",
    "data",
    "timestamp",
    "instance_id",
    "event_attributes",
];

/// `webhook --secret WH_SECRET` and the known answer's three headers, then `extra`.
fn webhook_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "webhook",
        "--secret",
        WH_SECRET,
        "--header",
        "svix-id:msg_test",
        "--header",
        "svix-timestamp:1700000000",
        "--header",
        "svix-signature:v1,5ZCxOammoBCLzqaCN9uAHiKnJcRjQNLtyV6gB4qVUg4=",
    ];
    args.extend_from_slice(extra);
    args
}

/// Runs `args`, asserts the webhook secret shows nowhere, and returns the output.
fn inspect_webhook(args: &[&str]) -> Output {
    let out = inspect(args);
    for secret in [WH_SECRET, WH_KEY] {
        assert!(
            !out.stdout.contains(secret),
            "stdout shows the secret: {}",
            out.stdout
        );
        assert!(
            !out.stderr.contains(secret),
            "stderr shows the secret: {}",
            out.stderr
        );
    }
    out
}

/// A decided webhook: exit 0, nothing on stderr, exactly the four keys.
fn decided(out: &Output) -> Value {
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    assert_eq!(out.stderr, "");
    let v = out.json();
    assert_eq!(keys_of(&v), WEBHOOK_KEYS, "{v:#}");
    v
}

/// A refused webhook: `ok` false, the reason, the SDK's message, no event.
fn assert_refused(out: &Output, reason: &str, message: &str) {
    let v = decided(out);
    assert_eq!(v["ok"], false, "{v:#}");
    assert_eq!(v["reason"], reason, "{v:#}");
    assert_eq!(v["message"], message, "{v:#}");
    assert_eq!(v["event"], Value::Null, "{v:#}");
}

#[test]
fn webhook_known_answer_verifies() {
    let v = decided(&inspect_webhook(&webhook_args(&[
        "--body", WH_BODY, "--now-ms", WH_NOW_MS,
    ])));
    assert_eq!(v["ok"], true, "{v:#}");
    assert_eq!(v["reason"], Value::Null);
    assert_eq!(v["message"], Value::Null);
    assert_eq!(keys_of(&v["event"]), EVENT_KEYS);
    assert_eq!(
        v["event"],
        json!({
            "type": "user.created",
            "object": "event",
            "data": null,
            "timestamp": null,
            "instance_id": null,
            "event_attributes": null,
        })
    );
}

#[test]
fn webhook_flag_spellings_and_header_names() {
    let dir = TempDir::new("webhook-spellings");
    std::fs::create_dir_all(dir.path()).expect("create dir");
    let body_file = dir.path().join("body.json");
    std::fs::write(&body_file, WH_BODY).expect("write body");
    let body_file = body_file.display().to_string();
    let secret = format!("--secret={WH_SECRET}");
    let signature = format!("--header=webhook-signature:  {WH_SIGNATURE}  ");
    let now = format!("--now-ms={WH_NOW_MS}");
    // Inline values, blanks around header values, the webhook-* names, mixed case, a file.
    let out = inspect_webhook(&[
        "webhook",
        &secret,
        "--header",
        "Webhook-Id: msg_test",
        "--header",
        "webhook-timestamp:\t1700000000",
        &signature,
        "--body-file",
        &body_file,
        &now,
    ]);
    let v = decided(&out);
    assert_eq!(v["ok"], true, "{v:#}");
    assert_eq!(v["event"]["type"], "user.created");

    // The file is the body byte for byte: a trailing newline is a different body.
    let with_newline = dir.path().join("newline.json");
    std::fs::write(&with_newline, format!("{WH_BODY}\n")).expect("write body");
    let with_newline = with_newline.display().to_string();
    let out = inspect_webhook(&webhook_args(&[
        "--body-file",
        &with_newline,
        "--now-ms",
        WH_NOW_MS,
    ]));
    assert_refused(
        &out,
        "webhook-no-matching-signature",
        "no matching webhook signature found",
    );
}

#[test]
fn webhook_without_now_ms_is_too_old() {
    let out = inspect_webhook(&webhook_args(&["--body", WH_BODY]));
    assert_refused(&out, "webhook-timestamp-too-old", "webhook timestamp is too old");
    // And a clock far before the timestamp: too new.
    let out = inspect_webhook(&webhook_args(&["--body", WH_BODY, "--now-ms", "1600000000000"]));
    assert_refused(&out, "webhook-timestamp-too-new", "webhook timestamp is too new");
    // The 5-minute window is inclusive.
    let edge = inspect_webhook(&webhook_args(&["--body", WH_BODY, "--now-ms", "1700000300999"]));
    assert_eq!(decided(&edge)["ok"], true);
}

#[test]
fn webhook_tampered_body_or_wrong_secret_has_no_matching_signature() {
    let tampered = inspect_webhook(&webhook_args(&[
        "--body",
        r#"{"type":"user.deleted"}"#,
        "--now-ms",
        WH_NOW_MS,
    ]));
    assert_refused(
        &tampered,
        "webhook-no-matching-signature",
        "no matching webhook signature found",
    );
    let mut args = webhook_args(&["--body", WH_BODY, "--now-ms", WH_NOW_MS]);
    args[2] = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcZ";
    let out = inspect(&args);
    assert!(!out.stdout.contains(args[2]) && !out.stderr.contains(args[2]));
    assert_refused(
        &out,
        "webhook-no-matching-signature",
        "no matching webhook signature found",
    );
}

#[test]
fn webhook_missing_headers_are_named() {
    let headers = [
        ("svix-id", "svix-id:msg_test"),
        ("svix-timestamp", "svix-timestamp:1700000000"),
        (
            "svix-signature",
            "svix-signature:v1,5ZCxOammoBCLzqaCN9uAHiKnJcRjQNLtyV6gB4qVUg4=",
        ),
    ];
    for (missing, _) in headers {
        let mut args = vec![
            "webhook", "--secret", WH_SECRET, "--body", WH_BODY, "--now-ms", WH_NOW_MS,
        ];
        for (name, flag) in headers {
            if name != missing {
                args.extend(["--header", flag]);
            }
        }
        let out = inspect_webhook(&args);
        assert_refused(
            &out,
            "webhook-headers-missing",
            &format!("missing required webhook headers: {missing}"),
        );
    }
    // No header at all, and a blank one.
    let out = inspect_webhook(&[
        "webhook",
        "--secret",
        WH_SECRET,
        "--header",
        "svix-id:   ",
        "--body",
        WH_BODY,
    ]);
    assert_refused(
        &out,
        "webhook-headers-missing",
        "missing required webhook headers: svix-id, svix-timestamp, svix-signature",
    );
}

#[test]
fn webhook_event_fields_and_invalid_payloads() {
    use clerk_sdk::testing::sign_webhook;
    let body = r#"{"type":"organization.created","object":"event","data":{"id":"org_1","name":"Acme"},"timestamp":1700000000123,"instance_id":"ins_1","event_attributes":{"http_request":{"client_ip":"192.0.2.1"}}}"#;
    let run_signed = |body: &str, now_ms: &str| {
        let headers = sign_webhook(WH_SECRET, "msg_fields", 1_700_000_000, body.as_bytes()).expect("sign");
        let header = |name: &str| {
            format!(
                "{name}:{}",
                headers[name].to_str().expect("an ASCII header value")
            )
        };
        let (id, ts, sig) = (
            header("svix-id"),
            header("svix-timestamp"),
            header("svix-signature"),
        );
        inspect_webhook(&[
            "webhook", "--secret", WH_SECRET, "--header", &id, "--header", &ts, "--header", &sig, "--body",
            body, "--now-ms", now_ms,
        ])
    };
    let v = decided(&run_signed(body, WH_NOW_MS));
    assert_eq!(v["ok"], true, "{v:#}");
    assert_eq!(
        v["event"],
        json!({
            "type": "organization.created",
            "object": "event",
            "data": { "id": "org_1", "name": "Acme" },
            "timestamp": 1_700_000_000_123_i64,
            "instance_id": "ins_1",
            "event_attributes": { "http_request": { "client_ip": "192.0.2.1" } },
        })
    );
    // An unknown event type keeps its name.
    let v = decided(&run_signed(r#"{"type":"brand.new"}"#, WH_NOW_MS));
    assert_eq!(v["event"]["type"], "brand.new");
    // Signed, but not an event: refused only after the signature passed.
    for not_an_event in ["", "not json", "[1]", r#"{"object":"event"}"#] {
        let out = run_signed(not_an_event, WH_NOW_MS);
        assert_refused(
            &out,
            "webhook-payload-invalid",
            "webhook payload is not a valid event",
        );
    }
}

#[test]
fn webhook_usage_and_configuration_errors_exit_2() {
    let dir = TempDir::new("webhook-errors");
    let missing_file = dir.path().join("nope.json").display().to_string();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            webhook_args(&["--body-file", &missing_file]),
            "cannot read --body-file",
        ),
        (webhook_args(&[]), "webhook needs the raw body"),
        (
            webhook_args(&["--body", "a", "--body-file", &missing_file]),
            "give one of --body-file and --body",
        ),
        (
            webhook_args(&["--body", "a", "--body", "b"]),
            "give one of --body-file and --body",
        ),
        (
            webhook_args(&["--body", "a", "--header", "svix-id"]),
            "--header expects NAME:VALUE",
        ),
        (
            webhook_args(&["--body", "a", "--header", "bad/name:x"]),
            "--header \"bad/name\": not a valid header name",
        ),
        (
            webhook_args(&["--body", "a", "--header", "svix-id:a\nb"]),
            "--header svix-id: the value holds bytes",
        ),
        (
            webhook_args(&["--body", "a", "--now-ms", "soon"]),
            "--now-ms expects",
        ),
        (
            webhook_args(&["--body", "a", "--now-ms", "1", "--now-ms", "2"]),
            "--now-ms given more than once",
        ),
        (
            webhook_args(&["--body", "a", "--bogus"]),
            "webhook: unknown option \"--bogus\"",
        ),
        (webhook_args(&["--body", "a", "extra"]), "no positional arguments"),
        (webhook_args(&["--body"]), "--body needs a value"),
        (
            vec![
                "webhook", "--secret", WH_SECRET, "--secret", WH_SECRET, "--body", "a",
            ],
            "--secret given more than once",
        ),
        (
            vec!["webhook", "--body", "a", "--secret"],
            "--secret needs a value",
        ),
    ];
    for (args, needle) in cases {
        inspect_webhook(&args).assert_error(needle);
    }
    // A missing secret, when the environment does not supply one either.
    if std::env::var_os("CLERK_WEBHOOK_SIGNING_SECRET").is_none() {
        inspect_webhook(&["webhook", "--body", "a"])
            .assert_error("webhook needs the signing secret: --secret S or CLERK_WEBHOOK_SIGNING_SECRET");
    }
    // Help works from the subcommand.
    let out = inspect(&["webhook", "--help"]);
    assert_eq!((out.code, out.stdout.as_str()), (EXIT_OK, USAGE));
    assert!(USAGE.contains("webhook options:"));
    assert!(USAGE.contains("--body-file PATH"));
}

#[test]
fn webhook_malformed_secret_exits_2_without_echoing_it() {
    let malformed = [
        "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhc",
        "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY=",
        "AQIDBAUGBwgJCgsMDQ4PEBESExQVFh-_",
        "whsec_",
        " ",
        "",
    ];
    for secret in malformed {
        let inline = format!("--secret={secret}");
        for args in [
            vec!["webhook", "--secret", secret, "--body", WH_BODY],
            vec!["webhook", &inline, "--body", WH_BODY, "--header", "svix-id:x"],
        ] {
            let out = inspect_webhook(&args);
            out.assert_error("--secret: webhook signing secret is not valid");
            assert!(
                out.stderr.contains("(reason: webhook-secret-invalid)"),
                "{}",
                out.stderr
            );
            if secret.trim().len() > 6 {
                assert!(!out.stderr.contains(secret), "{}", out.stderr);
                assert!(!out.stderr.contains(&secret[6..]), "{}", out.stderr);
            }
        }
    }
}

#[test]
fn webhook_secret_is_never_echoed() {
    assert!(!USAGE.contains(WH_KEY));
    let flag_secret = format!("--{WH_SECRET}");
    let header_secret = format!("{WH_SECRET}/:x");
    let header_value_secret = format!("svix-id:{WH_SECRET}\n");
    // A secret where other values belong: every error line leaves it out (inspect_webhook
    // checks stdout and stderr).
    let cases: [(&[&str], &str); 5] = [
        (&["webhook", "--body", "a", WH_SECRET], "no positional arguments"),
        (
            &["webhook", "--body", "a", &flag_secret],
            "unknown option (value not shown)",
        ),
        (
            &["webhook", "--body", "a", "--header", WH_SECRET],
            "--header expects NAME:VALUE",
        ),
        (
            &["webhook", "--body", "a", "--header", &header_secret],
            "--header (value not shown): not a valid header name",
        ),
        (
            &["webhook", "--body", "a", "--header", &header_value_secret],
            "--header svix-id: the value holds bytes",
        ),
    ];
    for (args, needle) in cases {
        inspect_webhook(args).assert_error(needle);
    }
    let out = inspect_webhook(&[WH_SECRET]);
    assert_eq!(out.code, EXIT_USAGE);
    // And every decided run above went through inspect_webhook too; one more with all flags.
    let v = decided(&inspect_webhook(&webhook_args(&[
        "--body", WH_BODY, "--now-ms", WH_NOW_MS,
    ])));
    assert_eq!(v["ok"], true);
}

/// An OAuth access token in JWT form: its subject is the top-level `auth.user_id` (as
/// `@clerk/backend`'s auth object has it) as well as `auth.machine.user_id`.
#[test]
fn verify_oauth_jwt_prints_its_user_at_the_top_level() {
    let dir = key_dir("oauth-jwt");
    let token = test_keys()
        .oauth_token("user_9", "client_9")
        .scopes(["read"])
        .sign()
        .expect("sign");
    let out = verify(&dir, &["--accepts", "oauth_token", &token]);
    assert_eq!(out.code, EXIT_OK, "stderr: {}", out.stderr);
    let v = out.json();
    assert_eq!(v["status"], "signed-in", "{v}");
    assert_eq!(v["token_type"], "oauth_token");
    assert_eq!(v["auth"]["user_id"], "user_9");
    assert_eq!(v["auth"]["org_id"], Value::Null);
    assert_eq!(v["auth"]["machine"]["user_id"], "user_9");
    assert_eq!(v["auth"]["machine"]["client_id"], "client_9");
    assert_eq!(v["auth"]["machine"]["scopes"], json!(["read"]));
    assert_eq!(v["auth"]["session_id"], Value::Null);
}

/// An m2m JWT whose category is not the m2m one is `token-invalid`, as upstream answers.
#[test]
fn verify_m2m_jwt_of_the_wrong_category_is_token_invalid() {
    let dir = key_dir("m2m-cat");
    let token = test_keys()
        .m2m_token("mch_1")
        .header("cat", "cl_B7d4PD222AAA")
        .sign()
        .expect("sign");
    let out = verify(&dir, &["--accepts", "m2m_token", &token]);
    let v = out.json();
    assert_eq!(v["status"], "signed-out", "{v}");
    assert_eq!(v["reason"], "token-invalid");
    assert_eq!(v["token_type"], "m2m_token");
}

/// `clerk-inspect api ...` against a local Clerk (its own file; a test crate's root looks up
/// modules beside itself, hence the path).
#[path = "clerk_inspect/api.rs"]
mod api;
