//! The Redis store, for several pixdrop instances behind one balancer. Each
//! entry is one key written with `SET … PX`, so Redis itself drops it at the
//! same expiry every instance sees; a second, longer-lived key remembers the
//! id alone, to tell "gone" from "never". The memory cap is checked against
//! Redis' own `used_memory` before each write.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use redis::aio::ConnectionManager;

use super::{
    Backend, FULL_RETRY_SECONDS, FileId, Held, Lookup, OUTAGE_RETRY_SECONDS, Stats, TOMBSTONE_TTL,
    unix_now,
};
use crate::UserError;
use crate::convert::Format;
use crate::pool::Client;

#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    max_bytes: u64,
    retention: Duration,
    refused_total: Arc<AtomicU64>,
}

impl RedisStore {
    /// Connects to `url`; `prefix` namespaces the keys (tests use their own).
    pub async fn connect(
        url: &str,
        prefix: &str,
        max_bytes: u64,
        retention: Duration,
    ) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("bad REDIS_URL: {e}"))?;
        let connection = ConnectionManager::new(client)
            .await
            .map_err(|e| format!("can't reach Redis: {e}"))?;
        Ok(Self {
            connection,
            prefix: prefix.to_string(),
            max_bytes,
            retention,
            refused_total: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Its connection and key prefix, for records kept beside the store
    /// in the same Redis (`gather`).
    pub(crate) fn connection(&self) -> (ConnectionManager, &str) {
        (self.connection.clone(), &self.prefix)
    }

    fn file_key(&self, id: FileId) -> String {
        format!("{}:file:{id}", self.prefix)
    }

    fn seen_key(&self, id: FileId) -> String {
        format!("{}:seen:{id}", self.prefix)
    }

    async fn used_memory(&self) -> Result<u64, UserError> {
        let info: String = redis::cmd("INFO")
            .arg("memory")
            .query_async(&mut self.connection.clone())
            .await
            .map_err(unavailable)?;
        Ok(info
            .lines()
            .find_map(|line| line.strip_prefix("used_memory:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0))
    }
}

/// The stored value: format name, a newline, then the bytes.
fn encode(format: Format, bytes: &[u8]) -> Vec<u8> {
    let mut value = Vec::with_capacity(bytes.len() + 8);
    value.extend_from_slice(format.name().as_bytes());
    value.push(b'\n');
    value.extend_from_slice(bytes);
    value
}

fn decode(value: Vec<u8>) -> Option<(Format, Bytes)> {
    let split = value.iter().position(|b| *b == b'\n')?;
    let format = std::str::from_utf8(&value[..split]).ok()?.parse().ok()?;
    let mut bytes = Bytes::from(value);
    Some((format, bytes.split_off(split + 1)))
}

/// A Redis fault is an outage to ride out, not a bug: logged, answered with
/// a retry hint, and the connection manager reconnects on its own.
fn unavailable(error: redis::RedisError) -> UserError {
    tracing::warn!("redis unavailable: {error}");
    UserError::Unavailable {
        seconds: OUTAGE_RETRY_SECONDS,
    }
}

impl Backend for RedisStore {
    async fn put(
        &self,
        bytes: Bytes,
        format: Format,
        expires_in: Duration,
        _owner: Client,
    ) -> Result<(FileId, u64), UserError> {
        if self.used_memory().await?.saturating_add(bytes.len() as u64) > self.max_bytes {
            self.refused_total.fetch_add(1, Ordering::Relaxed);
            return Err(UserError::Busy {
                seconds: FULL_RETRY_SECONDS,
            });
        }
        let lifetime = expires_in.min(self.retention).max(Duration::from_millis(1));
        let id = FileId::random();
        let millis = lifetime.as_millis() as u64;
        redis::pipe()
            .atomic()
            .cmd("SET")
            .arg(self.file_key(id))
            .arg(encode(format, &bytes))
            .arg("PX")
            .arg(millis)
            .ignore()
            .cmd("SET")
            .arg(self.seen_key(id))
            .arg(1)
            .arg("PX")
            .arg(millis + TOMBSTONE_TTL.as_millis() as u64)
            .ignore()
            .query_async::<()>(&mut self.connection.clone())
            .await
            .map_err(unavailable)?;
        Ok((id, unix_now() + lifetime.as_secs()))
    }

    async fn get(&self, id: FileId) -> Result<Lookup, UserError> {
        let mut connection = self.connection.clone();
        let (value, ttl): (Option<Vec<u8>>, i64) = redis::pipe()
            .cmd("GET")
            .arg(self.file_key(id))
            .cmd("PTTL")
            .arg(self.file_key(id))
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        if let (Some(value), true) = (value, ttl > 0) {
            let (format, bytes) =
                decode(value).ok_or_else(|| UserError::internal("redis value without a format"))?;
            let expires_at = unix_now() + (ttl as u64).div_ceil(1000);
            return Ok(Lookup::Found(Held {
                bytes,
                format,
                expires_at,
                expires_in: Duration::from_millis(ttl as u64),
            }));
        }
        let seen: bool = redis::cmd("EXISTS")
            .arg(self.seen_key(id))
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        Ok(if seen { Lookup::Gone } else { Lookup::Never })
    }

    async fn remove(&self, id: FileId) -> Result<(), UserError> {
        redis::cmd("DEL")
            .arg(self.file_key(id))
            .query_async::<()>(&mut self.connection.clone())
            .await
            .map_err(unavailable)
    }

    async fn stats(&self) -> Result<Stats, UserError> {
        let mut connection = self.connection.clone();
        let mut cursor: u64 = 0;
        let mut entries = 0u64;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(format!("{}:file:*", self.prefix))
                .arg("COUNT")
                .arg(1000)
                .query_async(&mut connection)
                .await
                .map_err(unavailable)?;
            entries += keys.len() as u64;
            cursor = next;
            if cursor == 0 {
                break;
            }
        }
        Ok(Stats {
            bytes: self.used_memory().await?,
            entries,
            expired_total: 0,
            refused_total: self.refused_total.load(Ordering::Relaxed),
        })
    }

    async fn ping(&self) -> Result<(), UserError> {
        redis::cmd("PING")
            .query_async::<()>(&mut self.connection.clone())
            .await
            .map_err(unavailable)
    }
}
