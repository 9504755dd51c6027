//! `History` on SQLite or PostgreSQL through sqlx's `Any` driver: the same
//! statements for both (positional `$n` parameters work on each), and the
//! same migration files, embedded in the binary and applied at connect by
//! sqlx's migrator (under PostgreSQL's advisory lock, so any number of
//! instances may start at once).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Row};

use super::record::minute;
use super::{Outcome, Record, Settings, UserHash};
use crate::convert::Format;
use crate::job::Platform;
use crate::store::unix_now;

/// The schema: the files in `migrations/` at the crate root, embedded at
/// build time. sqlx's migrator records each in `_sqlx_migrations` and runs
/// it in a transaction; on PostgreSQL it holds an advisory lock for the
/// whole run, so instances starting together on a fresh database apply
/// each file once while the others wait. A released file never changes
/// (its checksum is compared at every start): changes come as new files.
fn migrator() -> Migrator {
    let mut migrator = sqlx::migrate!();
    // During a rolling upgrade a newer release may have applied files this
    // one lacks; migrations only add, so this one still starts.
    migrator.set_ignore_missing(true);
    migrator
}

/// How long records live: chat users' (identified by platform) for
/// `user_days`, records without a user for `anonymous_days`.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    pub user_days: u64,
    pub anonymous_days: u64,
}

#[derive(Clone)]
pub struct History {
    pub(super) pool: AnyPool,
    retention: Retention,
    /// Records that could not be written; conversions went on regardless.
    failed: Arc<AtomicU64>,
}

impl History {
    /// Connects to `url` (`sqlite://file.db`, `sqlite::memory:`,
    /// `postgres://…`) and applies the migrations.
    pub async fn connect(url: &str, retention: Retention) -> Result<Self, String> {
        install_default_drivers();
        let url = sqlite_url(url);
        let pool = AnyPoolOptions::new()
            .max_connections(if url.starts_with("sqlite") { 1 } else { 4 })
            .acquire_timeout(Duration::from_secs(5))
            .connect(&url)
            .await
            .map_err(|e| format!("DATABASE_URL: can't open the history database: {e}"))?;
        if url.starts_with("sqlite:") && !url.contains(":memory:") {
            sqlx::query("PRAGMA journal_mode=WAL")
                .execute(&pool)
                .await
                .map_err(|e| format!("DATABASE_URL: can't switch SQLite to WAL: {e}"))?;
        }
        let history = Self {
            pool,
            retention,
            failed: Arc::new(AtomicU64::new(0)),
        };
        migrator()
            .run(&history.pool)
            .await
            .map_err(|e| format!("DATABASE_URL: migration failed: {e}"))?;
        Ok(history)
    }

    /// Whether the link to the database is encrypted: `None` on SQLite (a
    /// local file), else what PostgreSQL says of this session, as
    /// `sslmode=` in `DATABASE_URL` made it.
    pub async fn encrypted(&self) -> Result<Option<bool>, sqlx::Error> {
        if !self.is_postgres() {
            return Ok(None);
        }
        sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(&self.pool)
            .await
            .map(Some)
    }

    fn is_postgres(&self) -> bool {
        self.pool
            .connect_options()
            .database_url
            .scheme()
            .starts_with("postgres")
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Writes `record` unless its user paused their history.
    pub async fn record(&self, record: &Record) -> Result<(), sqlx::Error> {
        if let Some(user) = &record.user
            && self.is_paused(user).await?
        {
            return Ok(());
        }
        let days = if record.user.is_some() {
            self.retention.user_days
        } else {
            self.retention.anonymous_days
        };
        let purge_after = record.at + (days * 86_400) as i64;
        sqlx::query(
            "INSERT INTO conversions (at, platform, input_format, output_format, input_bytes, output_bytes,
                width, height, frames, settings, duration_ms, outcome, user_hash, purge_after)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(record.at)
        .bind(record.platform.name())
        .bind(record.input_format.map(Format::name))
        .bind(record.output_format.map(Format::name))
        .bind(record.input_bytes as i64)
        .bind(record.output_bytes.map(|b| b as i64))
        .bind(record.width.map(i64::from))
        .bind(record.height.map(i64::from))
        .bind(record.frames.map(i64::from))
        .bind(record.settings.as_str())
        .bind(record.duration_ms as i64)
        .bind(record.outcome.as_str())
        .bind(record.user.as_ref().map(UserHash::as_str))
        .bind(purge_after)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// Writes `record` on a background task: a slow or broken database
    /// never delays or fails the conversion it describes.
    pub fn record_in_background(&self, record: Record) {
        let history = self.clone();
        tokio::spawn(async move {
            let written =
                tokio::time::timeout(Duration::from_secs(10), history.record(&record)).await;
            if !matches!(written, Ok(Ok(()))) {
                history.failed.fetch_add(1, Ordering::Relaxed);
                tracing::warn!("history record not written: {written:?}");
            }
        });
    }

    /// Records that could not be written since start.
    pub fn failures(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }

    /// A user's records, newest first; `limit` of them, or all.
    pub async fn for_user(
        &self,
        user: &UserHash,
        limit: Option<u32>,
    ) -> Result<Vec<Record>, sqlx::Error> {
        let limit = i64::from(limit.unwrap_or(u32::MAX));
        let rows = sqlx::query(
            "SELECT at, platform, input_format, output_format, input_bytes, output_bytes, width, height,
                frames, settings, duration_ms, outcome, user_hash
             FROM conversions WHERE user_hash = $1 ORDER BY at DESC LIMIT $2",
        )
        .bind(user.as_str())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_record).collect()
    }

    /// Erases every record of `user`; returns how many there were.
    pub async fn forget(&self, user: &UserHash) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM conversions WHERE user_hash = $1")
            .bind(user.as_str())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Stops (`true`) or resumes (`false`) recording `user`.
    pub async fn pause(&self, user: &UserHash, paused: bool) -> Result<(), sqlx::Error> {
        let statement = if paused {
            "INSERT INTO history_paused (user_hash) VALUES ($1) ON CONFLICT (user_hash) DO NOTHING"
        } else {
            "DELETE FROM history_paused WHERE user_hash = $1"
        };
        sqlx::query(statement)
            .bind(user.as_str())
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    pub async fn is_paused(&self, user: &UserHash) -> Result<bool, sqlx::Error> {
        Ok(
            sqlx::query("SELECT user_hash FROM history_paused WHERE user_hash = $1")
                .bind(user.as_str())
                .fetch_optional(&self.pool)
                .await?
                .is_some(),
        )
    }

    /// The option words auto-convert applies in `place`, when it is on there.
    pub async fn auto(&self, place: &UserHash) -> Result<Option<Settings>, sqlx::Error> {
        let row = sqlx::query("SELECT settings FROM auto_convert WHERE place_hash = $1")
            .bind(place.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| row.try_get::<String, _>(0).map(Settings::from_stored))
            .transpose()
    }

    /// Turns auto-convert on in `place` with `settings` (canonical option
    /// words), or off with `None`.
    pub async fn set_auto(
        &self,
        place: &UserHash,
        settings: Option<&Settings>,
    ) -> Result<(), sqlx::Error> {
        let query = match settings {
            Some(settings) => sqlx::query(
                "INSERT INTO auto_convert (place_hash, settings) VALUES ($1, $2)
                 ON CONFLICT (place_hash) DO UPDATE SET settings = excluded.settings",
            )
            .bind(place.as_str())
            .bind(settings.as_str().to_string()),
            None => {
                sqlx::query("DELETE FROM auto_convert WHERE place_hash = $1").bind(place.as_str())
            }
        };
        query.execute(&self.pool).await.map(|_| ())
    }

    /// Deletes records past their retention at `now` (unix seconds).
    pub async fn purge(&self, now: u64) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM conversions WHERE purge_after < $1")
            .bind(now as i64)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Purges at start and then every hour, until the runtime stops.
    pub fn spawn_purger(&self) -> tokio::task::JoinHandle<()> {
        let history = self.clone();
        tokio::spawn(async move {
            let mut hourly = tokio::time::interval(Duration::from_secs(3600));
            loop {
                hourly.tick().await;
                match history.purge(unix_now()).await {
                    Ok(removed) => tracing::info!(removed, "history purge"),
                    Err(error) => tracing::warn!("history purge failed: {error}"),
                }
            }
        })
    }
}

/// The record time for "now".
pub fn now_minute() -> i64 {
    minute(unix_now())
}

fn read_record(row: &sqlx::any::AnyRow) -> Result<Record, sqlx::Error> {
    let format = |column: &str| -> Result<Option<Format>, sqlx::Error> {
        Ok(row
            .try_get::<Option<String>, _>(column)?
            .and_then(|name| name.parse().ok()))
    };
    let number = |column: &str| -> Result<Option<i64>, sqlx::Error> {
        row.try_get::<Option<i64>, _>(column)
    };
    let platform: String = row.try_get("platform")?;
    let outcome: String = row.try_get("outcome")?;
    Ok(Record {
        at: row.try_get("at")?,
        platform: Platform::from_name(&platform).unwrap_or(Platform::Web),
        input_format: format("input_format")?,
        output_format: format("output_format")?,
        input_bytes: row.try_get::<i64, _>("input_bytes")?.max(0) as u64,
        output_bytes: number("output_bytes")?.map(|n| n.max(0) as u64),
        width: number("width")?.map(|n| n.clamp(0, i64::from(u32::MAX)) as u32),
        height: number("height")?.map(|n| n.clamp(0, i64::from(u32::MAX)) as u32),
        frames: number("frames")?.map(|n| n.clamp(0, i64::from(u32::MAX)) as u32),
        settings: Settings::from_stored(row.try_get("settings")?),
        duration_ms: row.try_get::<i64, _>("duration_ms")?.max(0) as u64,
        outcome: Outcome::from_stored(&outcome),
        user: row
            .try_get::<Option<String>, _>("user_hash")?
            .map(UserHash::from_stored),
    })
}

/// SQLite files are created when missing and kept in WAL mode.
fn sqlite_url(url: &str) -> String {
    if !url.starts_with("sqlite:") || url.contains(":memory:") || url.contains('?') {
        return url.to_string();
    }
    format!("{url}?mode=rwc")
}
