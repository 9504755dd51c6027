//! The Redis store, for several pixdrop instances behind one balancer. Each
//! entry is one key written with `PX`, so Redis itself drops it at the same
//! expiry every instance sees; a second, longer-lived key remembers the id
//! alone, to tell "gone" from "never". Values are sealed (`seal`) before
//! they leave the process, and a start refuses a Redis that writes its data
//! to disk unless the operator allows it.
//!
//! A put is two round trips: Redis' `used_memory` against the cap, then a
//! Lua script that checks the owner's share and writes. Owners' shares and
//! the entry count live in sorted sets scored by expiry, so neither a put
//! nor `/metrics` ever scans the key space.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use redis::aio::ConnectionManager;

use super::seal::Sealer;
use super::{
    Backend, FULL_RETRY_SECONDS, FileId, Held, Lookup, OUTAGE_RETRY_SECONDS, SHARE_DIVISOR, Stats,
    TOMBSTONE_TTL, unix_now,
};
use crate::pool::Client;
use crate::{ByteSize, UserError};

/// Whether a Redis that writes snapshots or an append-only file may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Persistence {
    /// Refuse to start on a persisting Redis (the default: images would
    /// reach its disk, sealed or not).
    #[default]
    Refuse,
    Allow,
}

/// What `RedisStore::connect` needs.
pub struct RedisSettings<'a> {
    pub url: &'a str,
    /// Namespaces the keys (tests use their own).
    pub prefix: &'a str,
    pub max_bytes: u64,
    pub retention: Duration,
    /// The operator secret values are sealed under (at least 32 bytes).
    pub secret: &'a [u8],
    pub persistence: Persistence,
}

#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    sealer: Arc<Sealer>,
    prefix: String,
    max_bytes: u64,
    retention: Duration,
    refused_total: Arc<AtomicU64>,
}

/// Checks the owner's share, then writes an entry. KEYS: file, seen, owner
/// set, entries set. ARGV: value, lifetime ms, tombstone ms, now ms, size,
/// share (0 = no share), id. Returns `{"ok"}` or `{"share", ms until the
/// owner's first entry expires}`.
const PUT: &str = r"
local now, size, share = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local expires = now + tonumber(ARGV[2])
if share > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  local held, first = 0, nil
  local owned = redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES')
  for i = 1, #owned, 2 do
    held = held + tonumber(string.match(owned[i], ':(%d+)$'))
    if not first then first = tonumber(owned[i + 1]) end
  end
  if held + size > share then return {'share', tostring(first - now)} end
  redis.call('ZADD', KEYS[3], expires, ARGV[7] .. ':' .. ARGV[5])
  redis.call('PEXPIREAT', KEYS[3], expires, 'GT')
  redis.call('PEXPIREAT', KEYS[3], expires, 'NX')
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], share > 0 and KEYS[3] or '', 'PX', tonumber(ARGV[2]) + tonumber(ARGV[3]))
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
redis.call('ZADD', KEYS[4], expires, ARGV[7])
return {'ok'}
";

/// Removes an entry and its place in its owner's share. KEYS: file, seen,
/// entries set. ARGV: id.
const REMOVE: &str = r"
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[3], ARGV[1])
local owner = redis.call('GET', KEYS[2])
if owner and owner ~= '' then
  for _, member in ipairs(redis.call('ZRANGE', owner, 0, -1)) do
    if string.sub(member, 1, #ARGV[1] + 1) == ARGV[1] .. ':' then redis.call('ZREM', owner, member) end
  end
end
return 1
";

impl RedisStore {
    pub async fn connect(settings: RedisSettings<'_>) -> Result<Self, String> {
        let sealer = Sealer::from_secret(settings.secret)?;
        let client =
            redis::Client::open(settings.url).map_err(|e| format!("not a Redis URL: {e}"))?;
        let connection = ConnectionManager::new(client)
            .await
            .map_err(|e| format!("can't reach Redis: {e}"))?;
        let store = Self {
            connection,
            sealer: Arc::new(sealer),
            prefix: settings.prefix.to_string(),
            max_bytes: settings.max_bytes,
            retention: settings.retention,
            refused_total: Arc::new(AtomicU64::new(0)),
        };
        store.check_persistence(settings.persistence).await?;
        Ok(store)
    }

    /// Refuses a Redis that saves snapshots or an append-only file, unless
    /// allowed. A managed Redis that forbids `CONFIG` gets one warning.
    async fn check_persistence(&self, persistence: Persistence) -> Result<(), String> {
        let mut connection = self.connection.clone();
        let asked: Result<Vec<String>, _> = redis::cmd("CONFIG")
            .arg("GET")
            .arg("save")
            .arg("appendonly")
            .query_async(&mut connection)
            .await;
        let Ok(pairs) = asked else {
            tracing::warn!(
                "Redis does not let pixdrop read its configuration (CONFIG GET): make sure it keeps no snapshots or append-only file"
            );
            return Ok(());
        };
        let setting = |name: &str| {
            pairs
                .chunks(2)
                .find(|pair| pair[0] == name)
                .and_then(|pair| pair.get(1).cloned())
                .unwrap_or_default()
        };
        let found = match (setting("save"), setting("appendonly")) {
            (save, _) if !save.trim().is_empty() => format!("save \"{}\"", save.trim()),
            (_, append) if append == "yes" => "appendonly yes".to_string(),
            _ => return Ok(()),
        };
        match persistence {
            Persistence::Allow => {
                tracing::warn!(
                    "Redis persists to disk ({found}); allowed by PIXDROP_REDIS_PERSISTENCE"
                );
                Ok(())
            }
            Persistence::Refuse => Err(format!(
                "Redis writes its data to disk ({found}), so images would outlive the retention there: run it with save \"\" and appendonly no, or set PIXDROP_REDIS_PERSISTENCE=allow"
            )),
        }
    }

    /// Its connection and key prefix, for records kept beside the store
    /// in the same Redis (`gather`).
    pub(crate) fn connection(&self) -> (ConnectionManager, &str) {
        (self.connection.clone(), &self.prefix)
    }

    fn key(&self, kind: &str, name: impl std::fmt::Display) -> String {
        format!("{}:{kind}:{name}", self.prefix)
    }

    fn owner_key(&self, owner: Client) -> String {
        self.key("owner", self.sealer.name("owner", &owner.to_bytes()))
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

/// A Redis fault is an outage to ride out, not a bug: logged, answered with
/// a retry hint, and the connection manager reconnects on its own.
fn unavailable(error: redis::RedisError) -> UserError {
    tracing::warn!("redis unavailable: {error}");
    UserError::Unavailable {
        seconds: OUTAGE_RETRY_SECONDS,
    }
}

fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Backend for RedisStore {
    async fn put(
        &self,
        bytes: Bytes,
        label: &str,
        expires_in: Duration,
        owner: Client,
    ) -> Result<(FileId, u64), UserError> {
        let size = bytes.len() as u64;
        let share = if owner == Client::ANONYMOUS {
            0
        } else {
            self.max_bytes / SHARE_DIVISOR
        };
        if share > 0 && size > share {
            self.refused_total.fetch_add(1, Ordering::Relaxed);
            return Err(UserError::ResultTooLarge {
                size: ByteSize(size),
                limit: ByteSize(share),
            });
        }
        if self.used_memory().await?.saturating_add(size) > self.max_bytes {
            self.refused_total.fetch_add(1, Ordering::Relaxed);
            return Err(UserError::Busy {
                seconds: FULL_RETRY_SECONDS,
            });
        }
        let lifetime = expires_in.min(self.retention).max(Duration::from_millis(1));
        let id = FileId::random();
        let millis = lifetime.as_millis() as u64;
        let value = self.sealer.seal(id, label, &bytes);
        drop(bytes);
        let answer: Vec<String> = redis::Script::new(PUT)
            .key(self.key("file", id))
            .key(self.key("seen", id))
            .key(self.owner_key(owner))
            .key(self.key("entries", "all"))
            .arg(value)
            .arg(millis)
            .arg(TOMBSTONE_TTL.as_millis() as u64)
            .arg(now_millis())
            .arg(size)
            .arg(share)
            .arg(id.to_string())
            .invoke_async(&mut self.connection.clone())
            .await
            .map_err(unavailable)?;
        if answer.first().map(String::as_str) == Some("ok") {
            return Ok((id, unix_now() + lifetime.as_secs()));
        }
        self.refused_total.fetch_add(1, Ordering::Relaxed);
        Err(UserError::ShareFull {
            seconds: answer
                .get(1)
                .and_then(|ms| ms.parse::<u64>().ok())
                .map_or(1, |ms| ms.div_ceil(1000).max(1)),
        })
    }

    async fn get(&self, id: FileId) -> Result<Lookup, UserError> {
        let mut connection = self.connection.clone();
        let (value, ttl): (Option<Vec<u8>>, i64) = redis::pipe()
            .cmd("GET")
            .arg(self.key("file", id))
            .cmd("PTTL")
            .arg(self.key("file", id))
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        if let (Some(value), true) = (value, ttl > 0) {
            let Some((label, bytes)) = self.sealer.open(id, value) else {
                tracing::warn!(
                    "a stored value did not open: sealed under another key (was the store key changed?) or altered"
                );
                return Ok(Lookup::Gone);
            };
            let expires_at = unix_now() + (ttl as u64).div_ceil(1000);
            return Ok(Lookup::Found(Held {
                bytes,
                label,
                expires_at,
                expires_in: Duration::from_millis(ttl as u64),
            }));
        }
        let seen: bool = redis::cmd("EXISTS")
            .arg(self.key("seen", id))
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        Ok(if seen { Lookup::Gone } else { Lookup::Never })
    }

    async fn remove(&self, id: FileId) -> Result<(), UserError> {
        redis::Script::new(REMOVE)
            .key(self.key("file", id))
            .key(self.key("seen", id))
            .key(self.key("entries", "all"))
            .arg(id.to_string())
            .invoke_async::<()>(&mut self.connection.clone())
            .await
            .map_err(unavailable)
    }

    async fn stats(&self) -> Result<Stats, UserError> {
        let entries_key = self.key("entries", "all");
        let ((), entries): ((), u64) = redis::pipe()
            .cmd("ZREMRANGEBYSCORE")
            .arg(&entries_key)
            .arg("-inf")
            .arg(now_millis())
            .cmd("ZCARD")
            .arg(&entries_key)
            .query_async(&mut self.connection.clone())
            .await
            .map_err(unavailable)?;
        Ok(Stats {
            bytes: self.used_memory().await?,
            entries,
            expired_total: 0,
            refused_total: self.refused_total.load(Ordering::Relaxed),
            oldest_seconds: None,
        })
    }

    async fn ping(&self) -> Result<(), UserError> {
        redis::cmd("PING")
            .query_async::<()>(&mut self.connection.clone())
            .await
            .map_err(unavailable)
    }
}
