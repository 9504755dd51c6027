//! Test support: a real Redis server for the Redis-backed tests. Uses
//! `PIXDROP_TEST_REDIS_URL` when set (CI starts one), otherwise starts
//! `redis-server` on a free loopback port for the test, and stops it after.
//! With neither, the caller is told to skip, and a SKIPPED line says why.

use std::io::Write;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    pub url: String,
    child: Option<Child>,
}

impl RedisServer {
    pub fn find_or_start() -> Option<Self> {
        if let Ok(url) = std::env::var("PIXDROP_TEST_REDIS_URL") {
            return Some(Self { url, child: None });
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
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
            url: format!("redis://127.0.0.1:{port}/"),
            child: Some(child),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(server)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
