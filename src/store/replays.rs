//! Idempotency records, kept beside the store in the same place (this
//! process, or the shared Redis) so every instance sees the same ones. A
//! record is a short line of text under a hashed name, with an expiry;
//! `claim` writes one only when none is live, atomically, so of two
//! requests with the same key exactly one goes on to convert. What the
//! line means is `replay`'s business: this module holds text and nothing
//! else (never bytes, never a request body).

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use dashmap::DashMap;
use dashmap::mapref::entry::Entry;
use redis::aio::ConnectionManager;
use tokio::time::Instant;

use super::Store;
use crate::UserError;

/// Claims between two sweeps of expired records held in process.
const SWEEP_EVERY: u32 = 256;

/// Writes ARGV[1] under KEYS[1] for ARGV[2] ms unless a record is there;
/// returns the record that was there, or nothing when this one was written.
const CLAIM: &str = r"
local held = redis.call('GET', KEYS[1])
if held then return held end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
";

#[derive(Clone)]
pub enum Replays {
    Memory(Arc<MemoryReplays>),
    Redis {
        connection: ConnectionManager,
        prefix: String,
    },
}

#[derive(Default)]
pub struct MemoryReplays {
    /// Record text and when it is gone. DashMap: guards are never held
    /// across an await.
    records: DashMap<String, (String, Instant)>,
    claims: AtomicU32,
}

impl Replays {
    pub fn beside(store: &Store) -> Self {
        match store {
            Store::Memory(_) => Self::Memory(Arc::default()),
            Store::Redis(store) => {
                let (connection, prefix) = store.connection();
                Self::Redis {
                    connection,
                    prefix: prefix.to_string(),
                }
            }
        }
    }

    /// Writes `value` under `name` for `ttl` when no record is live there;
    /// `None` when written, else the live record.
    pub async fn claim(
        &self,
        name: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<Option<String>, UserError> {
        match self {
            Self::Memory(replays) => Ok(replays.claim(name, value, ttl)),
            Self::Redis { connection, prefix } => redis::Script::new(CLAIM)
                .key(format!("{prefix}:replay:{name}"))
                .arg(value)
                .arg(millis(ttl))
                .invoke_async(&mut connection.clone())
                .await
                .map_err(unavailable),
        }
    }

    /// The live record under `name`, if any.
    pub async fn get(&self, name: &str) -> Result<Option<String>, UserError> {
        match self {
            Self::Memory(replays) => Ok(replays
                .records
                .get(name)
                .filter(|record| record.1 > Instant::now())
                .map(|record| record.0.clone())),
            Self::Redis { connection, prefix } => redis::cmd("GET")
                .arg(format!("{prefix}:replay:{name}"))
                .query_async(&mut connection.clone())
                .await
                .map_err(unavailable),
        }
    }

    /// Replaces the record under `name`, to live `ttl` from now.
    pub async fn set(&self, name: &str, value: &str, ttl: Duration) -> Result<(), UserError> {
        match self {
            Self::Memory(replays) => {
                let until = Instant::now() + ttl;
                replays
                    .records
                    .insert(name.to_string(), (value.to_string(), until));
                Ok(())
            }
            Self::Redis { connection, prefix } => redis::cmd("SET")
                .arg(format!("{prefix}:replay:{name}"))
                .arg(value)
                .arg("PX")
                .arg(millis(ttl))
                .query_async::<()>(&mut connection.clone())
                .await
                .map_err(unavailable),
        }
    }

    /// Forgets the record under `name` (a claim whose conversion failed).
    pub async fn release(&self, name: &str) -> Result<(), UserError> {
        match self {
            Self::Memory(replays) => {
                replays.records.remove(name);
                Ok(())
            }
            Self::Redis { connection, prefix } => redis::cmd("DEL")
                .arg(format!("{prefix}:replay:{name}"))
                .query_async::<()>(&mut connection.clone())
                .await
                .map_err(unavailable),
        }
    }
}

impl MemoryReplays {
    fn claim(&self, name: &str, value: &str, ttl: Duration) -> Option<String> {
        let now = Instant::now();
        if self
            .claims
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(SWEEP_EVERY)
        {
            self.records.retain(|_, record| record.1 > now);
        }
        match self.records.entry(name.to_string()) {
            Entry::Occupied(held) if held.get().1 > now => Some(held.get().0.clone()),
            Entry::Occupied(mut expired) => {
                expired.insert((value.to_string(), now + ttl));
                None
            }
            Entry::Vacant(free) => {
                free.insert((value.to_string(), now + ttl));
                None
            }
        }
    }
}

fn millis(ttl: Duration) -> u64 {
    (ttl.as_millis() as u64).max(1)
}

fn unavailable(error: redis::RedisError) -> UserError {
    tracing::warn!("redis unavailable (idempotency records): {error}");
    UserError::Unavailable {
        seconds: super::OUTAGE_RETRY_SECONDS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_live_record_is_claimed_once_and_an_expired_one_again() {
        let replays = Replays::Memory(Arc::default());
        let ttl = Duration::from_secs(10);
        assert_eq!(replays.claim("n", "first", ttl).await.unwrap(), None);
        assert_eq!(
            replays.claim("n", "second", ttl).await.unwrap().as_deref(),
            Some("first")
        );
        tokio::time::advance(ttl).await;
        assert_eq!(replays.get("n").await.unwrap(), None);
        assert_eq!(replays.claim("n", "third", ttl).await.unwrap(), None);
        replays.release("n").await.unwrap();
        assert_eq!(replays.claim("n", "fourth", ttl).await.unwrap(), None);
    }
}
