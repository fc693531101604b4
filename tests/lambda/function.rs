//! The built `lambda` example as a child process, started with the environment Lambda gives a
//! custom runtime and nothing else (no `CLERK_*`, `REDIS_URL` or proxy settings of the shell
//! running the tests).

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The example's binary, `target/<profile>/examples/lambda`, beside this test's own
/// `target/<profile>/deps/`.
///
/// `cargo test` builds every example before it runs a test, so the binary is the one built
/// from the current sources. A filtered run (`cargo test --test lambda`) builds no examples: then
/// a missing binary is built here, and an existing one is used as it is (run
/// `cargo build --example lambda` after changing the example).
///
/// # Panics
/// If the binary is missing and cannot be built.
pub(crate) fn binary() -> PathBuf {
    // Once per test binary: the tests run in parallel and would each build it.
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(find_or_build).clone()
}

fn find_or_build() -> PathBuf {
    let test_binary = std::env::current_exe().expect("the test binary's path");
    let profile_dir = test_binary
        .parent()
        .and_then(Path::parent)
        .expect("the test binary is in target/<profile>/deps");
    let binary = profile_dir
        .join("examples")
        .join(format!("lambda{}", std::env::consts::EXE_SUFFIX));
    if binary.exists() {
        return binary;
    }
    eprintln!(
        "NOTE: {} is missing (this run built no examples); building it",
        binary.display()
    );
    let profile = match profile_dir.file_name().and_then(|name| name.to_str()) {
        Some("debug") | None => "dev",
        Some(other) => other,
    };
    let target_dir = profile_dir.parent().expect("target/<profile> has a parent");
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "-p",
            "clerk-examples",
            "--example",
            "lambda",
            "--profile",
            profile,
        ])
        .arg("--target-dir")
        .arg(target_dir)
        .status()
        .expect("run cargo build");
    assert!(status.success(), "cargo build --example lambda failed: {status}");
    assert!(
        binary.exists(),
        "cargo build did not produce {}",
        binary.display()
    );
    binary
}

/// The environment Lambda sets for a custom runtime, with the Runtime API at `runtime_api`.
pub(crate) fn lambda_env(runtime_api: &str) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_LAMBDA_RUNTIME_API", runtime_api.to_owned()),
        ("AWS_LAMBDA_FUNCTION_NAME", "clerk-demo".to_owned()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_owned()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128".to_owned()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/clerk-demo".to_owned()),
        (
            "AWS_LAMBDA_LOG_STREAM_NAME",
            "2026/12/01/[$LATEST]0123456789abcdef".to_owned(),
        ),
        ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand".to_owned()),
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_DEFAULT_REGION", "us-east-1".to_owned()),
        ("_HANDLER", "bootstrap".to_owned()),
        ("TZ", ":UTC".to_owned()),
    ]
}

/// The running function: killed on drop.
#[derive(Debug)]
pub(crate) struct Function {
    child: Child,
    /// Collects stderr (the function's log) until the process ends, so a chatty log never
    /// fills the pipe and blocks the function.
    log: Option<JoinHandle<String>>,
}

impl Function {
    /// Starts the example with exactly `env` as its environment.
    ///
    /// # Panics
    /// If the binary cannot be found, built or started.
    pub(crate) fn start(env: &[(&str, String)]) -> Function {
        let mut child = Command::new(binary())
            .env_clear()
            .envs(env.iter().map(|(name, value)| (name, value)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the lambda example");
        let mut stderr = child.stderr.take().expect("piped stderr");
        let log = std::thread::spawn(move || {
            let mut log = Vec::new();
            let _ = stderr.read_to_end(&mut log);
            String::from_utf8_lossy(&log).into_owned()
        });
        Function {
            child,
            log: Some(log),
        }
    }

    /// Waits up to `within` for the process to exit by itself (killing it after that), and
    /// returns its exit status (`None` if it had to be killed) and its log.
    pub(crate) async fn exit(mut self, within: Duration) -> (Option<ExitStatus>, String) {
        let deadline = Instant::now() + within;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Ok(None) | Err(_) => break None,
            }
        };
        (status, self.stop())
    }

    /// Kills the process (as Lambda ends an instance) and returns its log.
    pub(crate) fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.log
            .take()
            .and_then(|log| log.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for Function {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
