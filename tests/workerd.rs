//! Cloudflare's `workerd` on loopback, serving the Worker example (`examples/worker`) and the
//! JavaScript benchmark Worker, for the request test (`worker_routes.rs`) and the benchmark
//! (`cargo run -p clerk-integration-tests --example workerd-bench`).
//!
//! Nothing here is built: `.ci/wasm` (or `examples/worker/build.sh` by hand) builds the Worker
//! into `examples/worker/build/<variant>/` and the benchmark Worker into
//! `examples/worker/build/bench.js`, and npm installs workerd under
//! `examples/worker/node_modules/`. [`WorkerdParts::locate`] finds them (`CLERK_WORKERD` and
//! `CLERK_WORKER_BUILD` override the two locations); each [`Workerd`] then writes its own
//! config into a fresh directory and starts one workerd process with one socket per Worker, on
//! free ports of 127.0.0.1, with no network access (`globalOutbound` allows nothing).

use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The builds of the Worker example `.ci/wasm` makes, one directory each (`shim.mjs`,
/// `index.js`, `index_bg.wasm`).
pub const WEBCRYPTO: &str = "webcrypto";
/// The build that verifies signatures with RustCrypto compiled to wasm.
pub const RUST_CRYPTO: &str = "rust-crypto";

/// Where the pieces are: the workerd binary and the build directory.
#[derive(Debug, Clone)]
pub struct WorkerdParts {
    /// The workerd executable.
    pub workerd: PathBuf,
    /// `examples/worker/build` (or `CLERK_WORKER_BUILD`).
    pub build: PathBuf,
}

impl WorkerdParts {
    /// The pieces, or `None` (after printing loudly what is missing) when workerd or a build
    /// is absent outside CI.
    ///
    /// # Panics
    /// With `CI=true`, when anything is missing: CI must run the Worker.
    pub fn locate(variants: &[&str]) -> Option<WorkerdParts> {
        // workerd's `embed` does not resolve `..`: give it a canonical path.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/worker");
        let root = root.canonicalize().unwrap_or(root);
        let workerd = std::env::var_os("CLERK_WORKERD").map_or_else(
            || root.join("node_modules/@cloudflare/workerd-linux-64/bin/workerd"),
            PathBuf::from,
        );
        let build = std::env::var_os("CLERK_WORKER_BUILD").map_or_else(|| root.join("build"), PathBuf::from);
        let mut missing = Vec::new();
        if !workerd.is_file() {
            missing.push(workerd.display().to_string());
        }
        for variant in variants {
            let wasm = build.join(variant).join("index_bg.wasm");
            if !wasm.is_file() {
                missing.push(wasm.display().to_string());
            }
        }
        if !build.join("bench.js").is_file() {
            missing.push(build.join("bench.js").display().to_string());
        }
        if missing.is_empty() {
            return Some(WorkerdParts { workerd, build });
        }
        skip_or_fail(&missing);
        None
    }

    /// Whether the Worker example was built as `variant`.
    pub fn has(&self, variant: &str) -> bool {
        self.build.join(variant).join("index_bg.wasm").is_file()
    }
}

/// Prints loudly that the pieces in `missing` are absent, or panics with `CI=true`.
///
/// # Panics
/// With `CI=true`: CI must run the Worker.
pub fn skip_or_fail(missing: &[String]) {
    crate::skip_loudly_or_fail(&format!(
        "workerd test NOT RUN: missing {} (run .ci/wasm, or examples/worker/build.sh after npm ci)",
        missing.join(", ")
    ));
}

/// The values every Worker in the process is given as bindings.
#[derive(Debug, Clone)]
pub struct Bindings {
    /// `CLERK_JWT_KEY`: the PEM public key.
    pub jwt_key_pem: String,
    /// `CLERK_AUTHORIZED_PARTIES`: comma-separated origins.
    pub authorized_parties: String,
    /// `CLERK_SECRET_KEY` (a secret in production; never sent anywhere here).
    pub secret_key: String,
    /// `CLERK_PUBLISHABLE_KEY` (`@clerk/backend` refuses to run without one).
    pub publishable_key: String,
    /// `CLERK_WEBHOOK_SIGNING_SECRET`.
    pub webhook_secret: String,
}

/// What one socket serves.
#[derive(Debug, Clone)]
pub enum Service {
    /// The Worker example, from `build/<variant>/`.
    RustWorker(&'static str),
    /// The JavaScript benchmark Worker, `build/bench.js`.
    BenchJs,
}

impl Service {
    fn name(&self) -> String {
        match self {
            Service::RustWorker(variant) => format!("worker-{variant}"),
            Service::BenchJs => "bench-js".to_owned(),
        }
    }
}

/// A running workerd process; dropping it kills the process and removes its config.
#[derive(Debug)]
pub struct Workerd {
    child: Child,
    dir: PathBuf,
    urls: Vec<(String, String)>,
}

impl Workerd {
    /// Starts workerd serving `services`, each on its own port, and waits until every port
    /// accepts connections (at most 20 s).
    ///
    /// # Panics
    /// If the config cannot be written, workerd cannot be started, exits, or does not listen
    /// in time (its output is in the panic message).
    pub fn start(parts: &WorkerdParts, bindings: &Bindings, services: &[Service]) -> Workerd {
        static RUN: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "clerk-workerd-{}-{}",
            std::process::id(),
            RUN.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create the workerd directory");
        std::fs::write(dir.join("jwt_key.pem"), &bindings.jwt_key_pem).expect("write the key");
        // Cap'n Proto reads an absolute `embed` path from its import path, not the file system:
        // the modules are linked beside the config and embedded by relative name.
        link(&parts.build, &dir.join("build"));
        let ports: Vec<u16> = services.iter().map(|_| free_port()).collect();
        let config = config(services, bindings, &ports, &parts.build);
        std::fs::write(dir.join("config.capnp"), config).expect("write config.capnp");
        let log = std::fs::File::create(dir.join("workerd.log")).expect("create workerd.log");
        let mut command = Command::new(&parts.workerd);
        command.arg("serve").arg(dir.join("config.capnp"));
        // `WORKERD_INSPECTOR=127.0.0.1:9229`: workerd's inspector (Chrome DevTools protocol)
        // on that address, for examples/worker/bench/profile.mjs.
        if let Some(addr) = std::env::var_os("WORKERD_INSPECTOR") {
            command.arg("--inspector-addr").arg(addr);
        }
        let child = command
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone the log handle"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", parts.workerd.display()));
        let urls = services
            .iter()
            .zip(&ports)
            .map(|(s, p)| (s.name(), format!("http://127.0.0.1:{p}")))
            .collect();
        let mut workerd = Workerd { child, dir, urls };
        for port in ports {
            workerd.wait_for(SocketAddr::from((Ipv4Addr::LOCALHOST, port)));
        }
        workerd
    }

    /// The base URL (`http://127.0.0.1:<port>`) of `service`.
    ///
    /// # Panics
    /// If the process does not serve it.
    pub fn url(&self, service: &Service) -> &str {
        let name = service.name();
        self.urls
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, url)| url.as_str())
            .unwrap_or_else(|| panic!("workerd does not serve {name}"))
    }

    /// What workerd has printed so far (console output of the Workers included).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("workerd.log")).unwrap_or_default()
    }

    fn wait_for(&mut self, addr: SocketAddr) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("workerd exited ({status}) before listening:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("workerd did not listen on {addr} within 20 s:\n{}", self.log());
    }
}

impl Drop for Workerd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port that was free a moment ago (workerd binds it right after; the race is harmless on a
/// test machine).
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// A Cap'n Proto string literal.
fn quoted(text: &str) -> String {
    format!("{text:?}")
}

/// A symbolic link `link` to `target`.
///
/// # Panics
/// If it cannot be made.
fn link(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link)
        .unwrap_or_else(|e| panic!("link {} to {}: {e}", link.display(), target.display()));
}

/// The files under `dir/sub`, as paths relative to `dir`, sorted (`shim.mjs` first: workerd
/// takes the first module as the Worker's entry point).
fn files(dir: &Path, sub: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
        return out;
    };
    for entry in entries.flatten() {
        let relative = sub.join(entry.file_name());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            out.extend(files(dir, &relative));
        } else {
            out.push(relative);
        }
    }
    out.sort_by_key(|p| (p != Path::new("shim.mjs"), p.clone()));
    out
}

fn config(services: &[Service], bindings: &Bindings, ports: &[u16], build: &Path) -> String {
    let mut out = String::from("using Workerd = import \"/workerd/workerd.capnp\";\n\n");
    out.push_str("const config :Workerd.Config = (\n  services = [\n");
    for (i, service) in services.iter().enumerate() {
        let _ = writeln!(
            out,
            "    (name = {}, worker = .worker{i}),",
            quoted(&service.name())
        );
    }
    out.push_str("    (name = \"no-network\", network = (allow = [])),\n  ],\n  sockets = [\n");
    for (i, (service, port)) in services.iter().zip(ports).enumerate() {
        let _ = writeln!(
            out,
            "    (name = \"http{i}\", address = \"127.0.0.1:{port}\", http = (), service = {}),",
            quoted(&service.name())
        );
    }
    out.push_str("  ],\n);\n");
    for (i, service) in services.iter().enumerate() {
        let modules = match service {
            Service::RustWorker(variant) => {
                // wasm-bindgen's output: the glue, the wasm, and the JavaScript snippets of
                // the crates (under snippets/), each a module named by its relative path.
                let mut modules = String::new();
                for file in files(&build.join(variant), Path::new("")) {
                    let name = file.display().to_string();
                    let kind = if name.ends_with(".wasm") {
                        "wasm"
                    } else {
                        "esModule"
                    };
                    let _ = write!(
                        modules,
                        "(name = {}, {kind} = embed {}),\n    ",
                        quoted(&name),
                        quoted(&format!("build/{variant}/{name}"))
                    );
                }
                modules
            }
            Service::BenchJs => "(name = \"bench.js\", esModule = embed \"build/bench.js\"),".to_owned(),
        };
        let _ = write!(
            out,
            "\nconst worker{i} :Workerd.Worker = (\n  modules = [\n    {modules}\n  ],\n  \
             compatibilityDate = \"2025-09-01\",\n  globalOutbound = \"no-network\",\n  bindings = [\n    \
             (name = \"CLERK_JWT_KEY\", text = embed \"jwt_key.pem\"),\n    \
             (name = \"CLERK_AUTHORIZED_PARTIES\", text = {}),\n    \
             (name = \"CLERK_SECRET_KEY\", text = {}),\n    \
             (name = \"CLERK_PUBLISHABLE_KEY\", text = {}),\n    \
             (name = \"CLERK_WEBHOOK_SIGNING_SECRET\", text = {}),\n  ],\n);\n",
            quoted(&bindings.authorized_parties),
            quoted(&bindings.secret_key),
            quoted(&bindings.publishable_key),
            quoted(&bindings.webhook_secret),
        );
    }
    out
}
