//! [`RedisServer`]: a throwaway `redis-server` child process on a free loopback port, for
//! testing a [`crate::webhook::RedisReplayStore`] against the real thing.

use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a fresh server may take to answer `PING`.
const READY_WITHIN: Duration = Duration::from_secs(5);

/// Free ports tried when the first one is taken before the server binds it.
const PORT_ATTEMPTS: usize = 3;

/// Why a [`RedisServer`] could not be started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RedisServerError {
    /// No `redis-server` on `PATH` (Debian: `apt-get install redis-server`).
    #[error("redis-server is not installed (not found on PATH)")]
    NotInstalled,
    /// The process could not be started, or no free port could be found.
    #[error("redis-server could not be started")]
    Start(#[source] std::io::Error),
    /// The process started but did not answer `PING` in time (or exited).
    #[error("redis-server on 127.0.0.1:{port} did not answer PING within 5 s")]
    NotReady {
        /// The port it was started on.
        port: u16,
    },
}

impl RedisServerError {
    /// A stable kebab-case reason string.
    pub fn reason(&self) -> &'static str {
        match self {
            RedisServerError::NotInstalled => "redis-server-not-installed",
            RedisServerError::Start(_) => "redis-server-start-failed",
            RedisServerError::NotReady { .. } => "redis-server-not-ready",
        }
    }
}

/// A `redis-server` child process on `127.0.0.1:<free port>`, with persistence off
/// (`--save '' --appendonly no`), killed when dropped (feature `testing` and `redis`).
///
/// [`RedisServer::stop`] and [`RedisServer::restart`] (same port) simulate an outage. It
/// listens on loopback only and writes nothing to disk.
///
/// ```no_run
/// use std::sync::Arc;
/// use clerk_sdk::testing::RedisServer;
/// use clerk_sdk::webhook::{RedisReplayStore, Webhook};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let redis = RedisServer::start()?;
/// let store = RedisReplayStore::connect(&redis.url()).await?;
/// let webhook = Webhook::new("whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY")?.replay_store(Arc::new(store));
/// # let _ = webhook;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
}

impl RedisServer {
    /// Starts a server on a free loopback port and waits until it answers `PING` (at most
    /// 5 s). Blocks the calling thread meanwhile.
    ///
    /// # Errors
    /// [`RedisServerError::NotInstalled`] when `redis-server` is not on `PATH` (tests usually
    /// skip then), [`RedisServerError::Start`] and [`RedisServerError::NotReady`] otherwise.
    pub fn start() -> Result<Self, RedisServerError> {
        let mut last = None;
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port().map_err(RedisServerError::Start)?;
            let mut server = RedisServer { child: None, port };
            match server.spawn() {
                Ok(()) => return Ok(server),
                // Someone else took the port between the probe and the bind: try another.
                Err(e @ RedisServerError::NotReady { .. }) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or(RedisServerError::NotReady { port: 0 }))
    }

    /// `redis://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// The port it listens on (kept across [`RedisServer::restart`]).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether the process is running (not stopped, not exited).
    pub fn is_running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|child| matches!(child.try_wait(), Ok(None)))
    }

    /// Kills the process and waits for it to exit; every key is lost. Does nothing when it is
    /// already stopped.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Either call fails only if the process is already gone.
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops the server if it runs, then starts a new one on the same port (empty) and waits
    /// until it answers.
    ///
    /// # Errors
    /// As [`RedisServer::start`]; [`RedisServerError::NotReady`] also when the port was taken
    /// meanwhile.
    pub fn restart(&mut self) -> Result<(), RedisServerError> {
        self.stop();
        self.spawn()
    }

    fn spawn(&mut self) -> Result<(), RedisServerError> {
        let port = self.port.to_string();
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port,
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .args(["--protected-mode", "yes", "--loglevel", "warning"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => RedisServerError::NotInstalled,
                _ => RedisServerError::Start(e),
            })?;
        self.child = Some(child);
        let deadline = Instant::now() + READY_WITHIN;
        while Instant::now() < deadline {
            if !self.is_running() {
                break;
            }
            if answers_ping(self.port) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.stop();
        Err(RedisServerError::NotReady { port: self.port })
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A port nothing listens on right now (the OS picks it; the listener is closed at once).
fn free_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

fn answers_ping(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
        return false;
    };
    let timeout = Some(Duration::from_millis(500));
    if stream.set_read_timeout(timeout).is_err() || stream.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut answer = [0u8; 7];
    stream.read_exact(&mut answer).is_ok() && &answer == b"+PONG\r\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_pinned() {
        assert_eq!(
            RedisServerError::NotInstalled.reason(),
            "redis-server-not-installed"
        );
        let io = std::io::Error::other("x");
        assert_eq!(RedisServerError::Start(io).reason(), "redis-server-start-failed");
        assert_eq!(
            RedisServerError::NotReady { port: 1 }.reason(),
            "redis-server-not-ready"
        );
    }
}
