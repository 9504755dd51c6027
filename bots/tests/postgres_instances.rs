//! Several `pixdrop serve` processes on one PostgreSQL, as a scaled-out
//! deployment runs them: started at the same moment on a fresh database
//! they all become ready (the schema is migrated once, under a lock), and
//! a conversion made through one instance shows in the history read
//! through another (same `PIXDROP_HISTORY_SALT`, over `sslmode=require`).
//! Needs `PIXDROP_TEST_DATABASE_URL` (its role needs CREATEDB) and says
//! SKIPPED otherwise.

#[path = "../../tests/support/postgres.rs"]
mod postgres;
mod support;

use std::fs::File;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use postgres::{FreshDatabase, with_parameter};
use serde_json::Value;
use support::server::{Stopper, free_port, png};

const SALT: &str = "one salt for every instance of this deployment";
/// The per-browser token the web page would send.
const TOKEN: &str = "browser-token-0123456789";

struct Instance {
    base: String,
    log: PathBuf,
    process: Stopper,
}

impl Instance {
    /// `pixdrop serve` on a free port, history in `database_url`.
    fn spawn(name: &str, database_url: &str) -> Self {
        let port = free_port();
        let workdir =
            std::env::temp_dir().join(format!("pixdrop-instances-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&workdir);
        std::fs::create_dir_all(&workdir).unwrap();
        let log = workdir.join("stderr");
        let process = Command::new(env!("CARGO_BIN_EXE_pixdrop"))
            .arg("serve")
            .current_dir(&workdir)
            .env_clear()
            .env("PIXDROP_BIND", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", database_url)
            .env("PIXDROP_HISTORY_SALT", SALT)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(File::create(&log).unwrap())
            .spawn()
            .expect("spawn pixdrop");
        Self {
            base: format!("http://127.0.0.1:{port}"),
            log,
            process: Stopper(process),
        }
    }

    /// Waits for `/readyz` to answer 200; fails with the instance's log if
    /// it exits or takes too long.
    async fn until_ready(&mut self, client: &reqwest::Client) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(response) = client.get(format!("{}/readyz", self.base)).send().await
                && response.status() == reqwest::StatusCode::OK
            {
                return;
            }
            if let Some(status) = self.process.0.try_wait().unwrap() {
                panic!("instance exited ({status}): {}", self.log());
            }
            assert!(Instant::now() < deadline, "not ready: {}", self.log());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

#[tokio::test]
async fn instances_started_together_on_a_fresh_database_all_become_ready() {
    let Some(database) = FreshDatabase::create("several instances on PostgreSQL").await else {
        return;
    };
    let mut instances: Vec<Instance> = (0..4)
        .map(|n| Instance::spawn(&format!("together-{n}"), &database.url))
        .collect();
    let client = reqwest::Client::new();
    for instance in &mut instances {
        instance.until_ready(&client).await;
    }
}

#[tokio::test]
async fn history_written_through_one_instance_is_read_through_another() {
    let Some(database) = FreshDatabase::create("history across instances").await else {
        return;
    };
    let url = with_parameter(&database.url, "sslmode=require");
    let mut writer = Instance::spawn("writer", &url);
    let mut reader = Instance::spawn("reader", &url);
    let client = reqwest::Client::new();
    writer.until_ready(&client).await;
    reader.until_ready(&client).await;

    let converted = client
        .post(format!("{}/api/convert?to=webp", writer.base))
        .header("x-pixdrop-token", TOKEN)
        .body(png(64, 48))
        .send()
        .await
        .unwrap();
    assert_eq!(converted.status(), reqwest::StatusCode::OK);

    // The record is written in the background: poll for it, briefly.
    let deadline = Instant::now() + Duration::from_secs(10);
    let records = loop {
        let history: Value = client
            .get(format!("{}/api/history", reader.base))
            .header("x-pixdrop-token", TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let records = history["records"].as_array().cloned().unwrap_or_default();
        if !records.is_empty() {
            break records;
        }
        assert!(Instant::now() < deadline, "no record: {history}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["platform"], "web");
    assert_eq!(records[0]["input_format"], "png");
    assert_eq!(records[0]["output_format"], "webp");
    assert_eq!(records[0]["width"], 64);

    let stranger: Value = client
        .get(format!("{}/api/history", reader.base))
        .header("x-pixdrop-token", "another-browser-0123456789")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        stranger["records"],
        Value::Array(vec![]),
        "only the caller's"
    );
}
