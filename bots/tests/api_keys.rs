//! `pixdrop keys create|list|revoke` through the real binary, on SQLite and
//! on PostgreSQL (`PIXDROP_TEST_DATABASE_URL`; SKIPPED without it): the key
//! is printed once, alone; `list` never shows it; the database holds no
//! trace of it (neither the key, nor its random part in hex or base64);
//! and a `pixdrop serve` on the same database takes it until it is revoked.

#[path = "../../tests/support/postgres.rs"]
mod postgres;
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use postgres::FreshDatabase;
use serde_json::Value;
use sqlx::Row;
use support::server::{Stopper, free_port, png, wait_until_up};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pixdrop-keys-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn keys(database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pixdrop"))
        .arg("keys")
        .args(args)
        .env_clear()
        .env("DATABASE_URL", database_url)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Creates a key named `name`; checks it is the only line on stdout.
fn create(database_url: &str, name: &str) -> String {
    let printed = stdout(&keys(database_url, &["create", name]));
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 1, "{printed}");
    assert!(
        lines[0].starts_with("pxd_") && lines[0].len() == 68,
        "{printed}"
    );
    lines[0].to_string()
}

/// Every form of `key` that must not be stored.
fn traces(key: &str) -> Vec<String> {
    let body = &key["pxd_".len()..];
    let raw: Vec<u8> = (0..body.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&body[i..i + 2], 16).unwrap())
        .collect();
    vec![
        key.to_string(),
        body.to_string(),
        body.to_ascii_uppercase(),
        base64(&raw, b"+/"),
        base64(&raw, b"-_"),
    ]
}

fn base64(bytes: &[u8], last_two: &[u8; 2]) -> String {
    let alphabet: Vec<u8> = (b'A'..=b'Z')
        .chain(b'a'..=b'z')
        .chain(b'0'..=b'9')
        .chain(last_two.iter().copied())
        .collect();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| n << 8 | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// A `pixdrop serve` on `database_url` with keys `auth`.
async fn serve(database_url: &str, auth: &str, dir: &Path) -> (String, Stopper) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_pixdrop"))
        .arg("serve")
        .current_dir(dir)
        .env_clear()
        .env("PIXDROP_BIND", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", database_url)
        .env("PIXDROP_API_AUTH", auth)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let child = Stopper(child);
    wait_until_up(&format!("{base}/readyz"), &reqwest::Client::new()).await;
    (base, child)
}

async fn convert(base: &str, key: Option<&str>) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{base}/api/convert?to=webp"))
        .body(png(20, 10));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let answer = request.send().await.unwrap();
    (answer.status().as_u16(), answer.json().await.unwrap())
}

/// The whole life of a key on `database_url`; `stored` reads back
/// everything the database holds, as text.
async fn life_of_a_key<F, Fut>(database_url: &str, dir: &Path, stored: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = String>,
{
    let key = create(database_url, "ci-bot");
    let other = create(database_url, "spare");
    assert_ne!(key, other);
    let refused = keys(database_url, &["create", "ci-bot"]);
    assert_eq!(refused.status.code(), Some(2));

    let listed = stdout(&keys(database_url, &["list"]));
    assert!(
        listed.contains("ci-bot") && listed.contains("spare"),
        "{listed}"
    );
    assert!(listed.contains("never"), "{listed}");
    let everything = stored().await;
    assert!(
        everything.contains("ci-bot"),
        "the scan reads the keys table"
    );
    for trace in traces(&key).iter().chain(&traces(&other)) {
        assert!(
            !listed.contains(trace.as_str()),
            "list shows a key: {listed}"
        );
        assert!(
            !everything.contains(trace.as_str()),
            "the database holds {trace}"
        );
    }

    let (base, _server) = serve(database_url, "required", dir).await;
    let (status, body) = convert(&base, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("key-required"))
    );
    let (status, body) = convert(&base, Some(&key)).await;
    assert_eq!(status, 200, "{body}");

    // The use is noted in the background, to the minute.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let listed = stdout(&keys(database_url, &["list"]));
        let line = listed
            .lines()
            .find(|l| l.contains("ci-bot"))
            .unwrap()
            .to_string();
        if !line.ends_with("never") {
            break;
        }
        assert!(Instant::now() < deadline, "last use never noted: {listed}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let id = stdout(&keys(database_url, &["list"]))
        .lines()
        .find(|l| l.contains("ci-bot"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();
    let revoked = stdout(&keys(database_url, &["revoke", &id]));
    assert!(revoked.contains("ci-bot"), "{revoked}");
    let (status, body) = convert(&base, Some(&key)).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("key-invalid")));
    let (status, _) = convert(&base, Some(&other)).await;
    assert_eq!(status, 200);
    stdout(&keys(database_url, &["revoke", "spare"]));
    assert_eq!(
        keys(database_url, &["revoke", "spare"]).status.code(),
        Some(2)
    );
    let listed = stdout(&keys(database_url, &["list"]));
    assert!(
        !listed.contains("ci-bot") && !listed.contains("spare"),
        "{listed}"
    );
}

/// Every byte of every file of the SQLite database, as (lossy) text.
fn files_in(dir: &Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        all.push_str(&String::from_utf8_lossy(&bytes));
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_on_sqlite_is_shown_once_stored_as_a_hash_used_and_revoked() {
    let dir = scratch("sqlite");
    let database = dir.join("db");
    std::fs::create_dir_all(&database).unwrap();
    let url = format!("sqlite://{}", database.join("pixdrop.db").display());
    life_of_a_key(&url, &dir, || async { files_in(&database) }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_on_postgres_is_shown_once_stored_as_a_hash_used_and_revoked() {
    let Some(database) = FreshDatabase::create("API keys on PostgreSQL").await else {
        return;
    };
    let dir = scratch("postgres");
    let scan = || async {
        let mut connection = database.connect().await;
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
        )
        .fetch_all(&mut connection)
        .await
        .unwrap();
        let mut all = String::new();
        for table in tables {
            let rows = sqlx::query(&format!("SELECT t::text FROM \"{table}\" t"))
                .fetch_all(&mut connection)
                .await
                .unwrap();
            for row in rows {
                all.push_str(&row.get::<String, _>(0));
            }
        }
        all
    };
    life_of_a_key(&database.url, &dir, scan).await;
}
