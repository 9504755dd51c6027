//! Test support: a real Redis server for the Redis-backed tests. Uses
//! `PIXDROP_TEST_REDIS_URL` when set (CI starts one), otherwise starts
//! `redis-server` on a free loopback port for the test, and stops it after.
//! With neither, the caller is told to skip, and a SKIPPED line says why.
//! A test that needs an outage starts a server of its own to stop and restart.

use std::io::Write;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    pub url: String,
    port: u16,
    child: Option<Child>,
    settings: Vec<String>,
}

impl RedisServer {
    pub fn find_or_start() -> Option<Self> {
        if let Ok(url) = std::env::var("PIXDROP_TEST_REDIS_URL") {
            return Some(Self {
                url,
                port: 0,
                child: None,
                settings: Vec::new(),
            });
        }
        Self::start_own()
    }

    /// A server of the test's own, which it may stop and start again.
    pub fn start_own() -> Option<Self> {
        Self::start_own_with(&[])
    }

    /// A server of the test's own, with `settings` (e.g. `["--save", "3600 1"]`)
    /// after the defaults, which keep everything off disk.
    pub fn start_own_with(settings: &[&str]) -> Option<Self> {
        let settings: Vec<String> = settings.iter().map(|s| s.to_string()).collect();
        Self::start_on_free_port(|_| settings, "redis")
    }

    /// A server of the test's own that speaks only TLS, with the PEM files
    /// `cert`, `key` and `ca` in `dir`; its URL is `rediss://localhost:PORT/`.
    #[allow(
        dead_code,
        reason = "used by the bots' TLS tests, which include this file"
    )]
    pub fn start_tls(dir: &std::path::Path) -> Option<Self> {
        let file = |name: &str| dir.join(name).to_string_lossy().into_owned();
        Self::start_on_free_port(
            |port| {
                vec![
                    "--port".into(),
                    "0".into(),
                    "--tls-port".into(),
                    port.to_string(),
                    "--tls-cert-file".into(),
                    file("cert"),
                    "--tls-key-file".into(),
                    file("key"),
                    "--tls-ca-cert-file".into(),
                    file("ca"),
                    "--tls-auth-clients".into(),
                    "no".into(),
                ]
            },
            "rediss",
        )
    }

    fn start_on_free_port(settings: impl FnOnce(u16) -> Vec<String>, scheme: &str) -> Option<Self> {
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let settings = settings(port);
        let host = if scheme == "rediss" {
            "localhost"
        } else {
            "127.0.0.1"
        };
        let child = Self::spawn(port, &settings);
        let Ok(child) = child else {
            // Straight to stderr: the test harness hides `eprintln!` of passing tests,
            // and CI looks for this line.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: redis tests (no redis-server on PATH and PIXDROP_TEST_REDIS_URL unset)"
            );
            return None;
        };
        let server = Self {
            url: format!("{scheme}://{host}:{port}/"),
            port,
            child: Some(child),
            settings,
        };
        server.wait_until_up();
        Some(server)
    }

    /// Kills the server, as an outage would.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port after `stop`.
    pub fn restart(&mut self) {
        self.stop();
        self.child =
            Some(Self::spawn(self.port, &self.settings).expect("redis-server started before"));
        self.wait_until_up();
    }

    fn wait_until_up(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not start on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn spawn(port: u16, settings: &[String]) -> std::io::Result<Child> {
        Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                &std::env::temp_dir().to_string_lossy(),
            ])
            .args(settings)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}
