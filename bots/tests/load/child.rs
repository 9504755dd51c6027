//! The `pixdrop` binary under load: spawned with a clean environment in an
//! empty working directory (no `.env` can leak in), on a free loopback
//! port, and asked for its peak resident memory before it is stopped.
//!
//! The per-sender paces (`PIXDROP_RATE_LIMIT` per address,
//! `PIXDROP_USER_RATE_LIMIT` per chat user) are opened wide. Left at their
//! defaults, a burst sharing one address (or a scaled-up run) would be
//! answered 429 by the limiter before the pool ever saw it; the load
//! measures admission to the conversion pool, not the per-sender limiter
//! (its own tests cover it). Every other setting is the default an
//! operator gets.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::server::Stopper;

/// Wide enough that no burst a manual run makes reaches it.
const UNPACED: &str = "100000000";

pub struct Child {
    process: Stopper,
    workdir: PathBuf,
    /// `http://127.0.0.1:<port>`: the web front end and API.
    pub base: String,
}

impl Child {
    /// `pixdrop serve` with `settings` on top of the defaults; `name` keeps
    /// the working directories of parallel test binaries apart.
    pub fn spawn(name: &str, settings: &[(&str, String)]) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free loopback port")
            .port();
        let workdir =
            std::env::temp_dir().join(format!("pixdrop-load-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&workdir);
        std::fs::create_dir_all(&workdir).expect("create the working directory");
        let process = Command::new(env!("CARGO_BIN_EXE_pixdrop"))
            .arg("serve")
            .current_dir(&workdir)
            .env_clear()
            .env("PIXDROP_BIND", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", "sqlite::memory:")
            .env("PIXDROP_RATE_LIMIT", UNPACED)
            .env("PIXDROP_USER_RATE_LIMIT", UNPACED)
            .env("RUST_LOG", "warn")
            .envs(settings.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn pixdrop");
        Self {
            process: Stopper(process),
            workdir,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Waits until the web front end answers `/healthz`.
    pub async fn until_up(&self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        let health = format!("{}/healthz", self.base);
        while client.get(&health).send().await.is_err() {
            assert!(Instant::now() < deadline, "pixdrop did not come up in 30 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The most memory the process has held so far (`VmHWM`), in bytes.
    pub fn peak_rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.process.0.id()))
            .expect("/proc/<pid>/status of the running child (Linux)");
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().strip_suffix("kB"))
            .and_then(|kib| kib.trim().parse::<u64>().ok())
            .map(|kib| kib * 1024)
            .expect("a VmHWM line in kB")
    }

    /// Reads the peak RSS while the process still lives, then stops it.
    pub fn finish(self) -> u64 {
        let peak = self.peak_rss();
        drop(self.process);
        let _ = std::fs::remove_dir_all(&self.workdir);
        peak
    }
}
