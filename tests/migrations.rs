//! The history schema under several instances: any number of `History`s
//! connecting at once to a fresh PostgreSQL database all come up (sqlx's
//! migrator holds an advisory lock for the run, and this proves it waits
//! on it); a database migrated by the hand-made version table of earlier
//! releases is adopted with its records; a database already migrated by a
//! newer release still opens. PostgreSQL runs with
//! `PIXDROP_TEST_DATABASE_URL` (its role needs CREATEDB) and says SKIPPED
//! otherwise; SQLite always runs, in a temp file.

#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/record.rs"]
mod record;

use std::time::{Duration, Instant};

use pixdrop::Platform;
use pixdrop::history::{History, Record, Retention, UserHasher};
use postgres::FreshDatabase;
use sqlx::{AnyConnection, Connection, Executor};
use tokio::task::JoinSet;

const RETENTION: Retention = Retention {
    user_days: 365,
    anonymous_days: 30,
};
const NOW: i64 = 1_800_000_000;

/// The schema as releases before sqlx's migrator left it, version table
/// and all, statement by statement.
const HAND_MADE_SCHEMA: &[&str] = &[
    "CREATE TABLE pixdrop_migrations (version BIGINT PRIMARY KEY)",
    "CREATE TABLE conversions (
        at BIGINT NOT NULL, platform TEXT NOT NULL, input_format TEXT, output_format TEXT,
        input_bytes BIGINT NOT NULL, output_bytes BIGINT, width BIGINT, height BIGINT,
        frames BIGINT, settings TEXT NOT NULL, duration_ms BIGINT NOT NULL,
        outcome TEXT NOT NULL, user_hash TEXT, purge_after BIGINT NOT NULL)",
    "CREATE INDEX conversions_user ON conversions (user_hash, at)",
    "CREATE INDEX conversions_purge ON conversions (purge_after)",
    "CREATE TABLE history_paused (user_hash TEXT PRIMARY KEY)",
    "CREATE TABLE auto_convert (place_hash TEXT PRIMARY KEY, settings TEXT NOT NULL)",
    "INSERT INTO pixdrop_migrations (version) VALUES (1), (2), (3)",
];

fn record(user: &str) -> Record {
    record::record(NOW, Some(user), b"salt")
}

/// Writes through one history and reads back through another.
async fn round_trip(writer: &History, reader: &History, user: &str) {
    writer.record(&record(user)).await.unwrap();
    let hash = UserHasher::new(b"salt").hash(Platform::Telegram, user);
    assert_eq!(
        reader.for_user(&hash, None).await.unwrap(),
        vec![record(user)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_many_instances_start_together_on_a_fresh_database() {
    let Some(database) = FreshDatabase::create("PostgreSQL start-up race").await else {
        return;
    };
    let mut starting = JoinSet::new();
    for _ in 0..12 {
        let url = database.url.clone();
        starting.spawn(async move { History::connect(&url, RETENTION).await });
    }
    let mut started = Vec::new();
    while let Some(connected) = starting.join_next().await {
        started.push(connected.unwrap().expect("every instance starts"));
    }
    round_trip(&started[0], &started[11], "1001").await;
}

/// sqlx's lock key for a database: 0x3d32ad9e times the CRC-32 of its name.
fn migration_lock_key(database: &str) -> i64 {
    let mut crc = flate2::Crc::new();
    crc.update(database.as_bytes());
    0x3d32ad9e * i64::from(crc.sum())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_migrations_wait_for_the_advisory_lock() {
    let Some(database) = FreshDatabase::create("PostgreSQL migration lock").await else {
        return;
    };
    let key = migration_lock_key(&database.name);
    let mut holder = database.connect().await;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(key)
        .execute(&mut holder)
        .await
        .unwrap();

    let url = database.url.clone();
    let starting = tokio::spawn(async move { History::connect(&url, RETENTION).await });
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        )
        .fetch_one(&mut holder)
        .await
        .unwrap();
        if waiting == 1 {
            break;
        }
        assert!(
            !starting.is_finished(),
            "History::connect migrated without waiting for the lock"
        );
        assert!(Instant::now() < deadline, "nobody waits for the lock");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'conversions'",
    )
    .fetch_one(&mut holder)
    .await
    .unwrap();
    assert_eq!(tables, 0, "nothing is migrated while the lock is held");

    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(key)
        .execute(&mut holder)
        .await
        .unwrap();
    let history = starting
        .await
        .unwrap()
        .expect("starts once the lock is free");
    round_trip(&history, &history, "2002").await;
}

/// Builds the hand-made schema at `url` with one record in it, then
/// connects the way this release does: the record is still there, the old
/// version table is gone and sqlx's table lists every migration.
async fn adopts_hand_made_schema(url: &str) {
    sqlx::any::install_default_drivers();
    let mut old = AnyConnection::connect(url).await.unwrap();
    for statement in HAND_MADE_SCHEMA {
        old.execute(*statement).await.unwrap();
    }
    let kept = record("3003");
    sqlx::query(
        "INSERT INTO conversions (at, platform, input_format, output_format, input_bytes,
            output_bytes, width, height, frames, settings, duration_ms, outcome, user_hash,
            purge_after)
         VALUES ($1, 'telegram', 'png', 'webp', 12345, 2345, 640, 480, 1, $2, 42, $3, $4, $5)",
    )
    .bind(kept.at)
    .bind(kept.settings.as_str())
    .bind(kept.outcome.as_str())
    .bind(kept.user.as_ref().unwrap().as_str())
    .bind(NOW + 86_400)
    .execute(&mut old)
    .await
    .unwrap();

    let history = History::connect(url, RETENTION).await.unwrap();
    let user = kept.user.clone().unwrap();
    assert_eq!(history.for_user(&user, None).await.unwrap(), vec![kept]);
    round_trip(&history, &history, "3004").await;
    assert!(
        sqlx::query("SELECT version FROM pixdrop_migrations")
            .fetch_all(&mut old)
            .await
            .is_err(),
        "the hand-made version table is dropped"
    );
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut old)
            .await
            .unwrap();
    assert!(versions.starts_with(&[1, 2, 3, 4]), "{versions:?}");
}

fn sqlite_url(name: &str) -> String {
    let path = std::env::temp_dir().join(format!(
        "pixdrop-migrations-{name}-{}.db",
        std::process::id()
    ));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    format!("sqlite://{}?mode=rwc", path.display())
}

#[tokio::test]
async fn sqlite_database_from_the_hand_made_migrations_is_adopted() {
    adopts_hand_made_schema(&sqlite_url("hand-made")).await;
}

#[tokio::test]
async fn postgres_database_from_the_hand_made_migrations_is_adopted() {
    let Some(database) = FreshDatabase::create("PostgreSQL schema adoption").await else {
        return;
    };
    adopts_hand_made_schema(&database.url).await;
}

/// A rolling upgrade: a newer release has applied a migration this one
/// doesn't know; this one must still start (and, until replaced, serve).
#[tokio::test]
async fn sqlite_database_ahead_of_this_release_still_opens() {
    let url = sqlite_url("ahead");
    let first = History::connect(&url, RETENTION).await.unwrap();
    drop(first);
    let mut newer = AnyConnection::connect(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99999, 'from a newer release', TRUE, X'00', 0)",
    )
    .execute(&mut newer)
    .await
    .unwrap();
    let history = History::connect(&url, RETENTION)
        .await
        .expect("an unknown newer migration doesn't stop start-up");
    round_trip(&history, &history, "4004").await;
}
