//! Album records in the Redis beside the store, so every instance sees the
//! same one: a hash per album (`<prefix>:album:<name>`) and a key whose
//! lifetime is the quiet wait (`…:quiet`), refreshed by every new part.
//! Each write is one atomic round trip that also renews the hash's lifetime
//! to the retention, so Redis drops a record nobody touches any more.

use std::collections::HashMap;
use std::time::Duration;

use redis::aio::ConnectionManager;

use crate::UserError;
use crate::store::OUTAGE_RETRY_SECONDS;

#[derive(Clone)]
pub struct RedisRecords {
    connection: ConnectionManager,
    prefix: String,
}

impl RedisRecords {
    pub fn new(connection: ConnectionManager, prefix: &str) -> Self {
        Self {
            connection,
            prefix: prefix.to_string(),
        }
    }

    fn key(&self, name: &str) -> String {
        format!("{}:album:{name}", self.prefix)
    }

    fn quiet_key(&self, name: &str) -> String {
        format!("{}:album:{name}:quiet", self.prefix)
    }

    pub async fn touch(
        &self,
        name: &str,
        field: &str,
        value: &str,
        quiet: Duration,
        ttl: Duration,
    ) -> Result<(), UserError> {
        redis::pipe()
            .atomic()
            .hset(self.key(name), field, value)
            .ignore()
            .pexpire(self.key(name), millis(ttl))
            .ignore()
            .cmd("SET")
            .arg(self.quiet_key(name))
            .arg(1)
            .arg("PX")
            .arg(millis(quiet))
            .ignore()
            .query_async::<()>(&mut self.connection.clone())
            .await
            .map_err(unavailable)
    }

    pub async fn quiet_in(&self, name: &str) -> Result<Duration, UserError> {
        let left: i64 = redis::cmd("PTTL")
            .arg(self.quiet_key(name))
            .query_async(&mut self.connection.clone())
            .await
            .map_err(unavailable)?;
        Ok(Duration::from_millis(left.max(0) as u64))
    }

    pub async fn set_once(
        &self,
        name: &str,
        field: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<bool, UserError> {
        let (won,): (bool,) = redis::pipe()
            .atomic()
            .hset_nx(self.key(name), field, value)
            .pexpire(self.key(name), millis(ttl))
            .ignore()
            .query_async(&mut self.connection.clone())
            .await
            .map_err(unavailable)?;
        Ok(won)
    }

    pub async fn set(
        &self,
        name: &str,
        field: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<(), UserError> {
        redis::pipe()
            .atomic()
            .hset(self.key(name), field, value)
            .ignore()
            .pexpire(self.key(name), millis(ttl))
            .ignore()
            .query_async::<()>(&mut self.connection.clone())
            .await
            .map_err(unavailable)
    }

    pub async fn read(&self, name: &str) -> Result<HashMap<String, String>, UserError> {
        redis::cmd("HGETALL")
            .arg(self.key(name))
            .query_async(&mut self.connection.clone())
            .await
            .map_err(unavailable)
    }
}

/// Whole milliseconds, at least one (Redis refuses a zero lifetime).
fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis())
        .unwrap_or(i64::MAX)
        .max(1)
}

/// As for the store: an outage to ride out, logged and answered with a
/// retry hint.
fn unavailable(error: redis::RedisError) -> UserError {
    tracing::warn!("redis unavailable (album record): {error}");
    UserError::Unavailable {
        seconds: OUTAGE_RETRY_SECONDS,
    }
}
