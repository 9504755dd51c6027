//! The ephemeral store: the only place uploaded and converted bytes live,
//! and only in memory. Every entry carries an expiry no later than the
//! retention after its bytes arrived; reads check it, and a sweeper removes
//! expired entries. Expired ids are remembered (the id only) for a day, so
//! a late download answers "gone" rather than "never existed".
//!
//! `Backend` is implemented in process (`memory`, a DashMap) and on Redis
//! (`redis`, for several instances); `Store` picks one at start.

pub mod memory;
pub mod redis;
pub mod replays;
pub mod seal;

use std::fmt;
use std::future::Future;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use crate::UserError;
use crate::pool::Client;

pub use memory::MemoryStore;
pub use redis::{Persistence, RedisSettings, RedisStore};

/// How long an expired id is remembered, to tell "gone" from "never".
pub const TOMBSTONE_TTL: Duration = Duration::from_secs(24 * 3600);

/// What a client is told to wait when the store is full: entries expire
/// continuously, so room usually comes back within a minute.
pub const FULL_RETRY_SECONDS: u64 = 60;

/// One owner may hold at most this fraction of the store.
pub const SHARE_DIVISOR: u64 = 8;

/// What a client is told to wait when the shared store cannot be reached.
pub const OUTAGE_RETRY_SECONDS: u64 = 5;

/// A random, unguessable 128-bit id; 32 lowercase hex digits in text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId([u8; 16]);

impl FileId {
    pub fn random() -> Self {
        let mut id = [0u8; 16];
        getrandom::fill(&mut id).expect("the OS random source works");
        Self(id)
    }

    /// The first eight hex digits, for file names shown to users.
    pub fn short(&self) -> String {
        self.to_string()[..8].to_string()
    }

    /// `pixdrop-<id8>.<extension>`: the name a held file is delivered
    /// under; it says nothing about the file the user sent.
    pub fn file_name(&self, extension: &str) -> String {
        format!("pixdrop-{}.{extension}", self.short())
    }
}

impl fmt::Display for FileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for FileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FileId({self})")
    }
}

impl FromStr for FileId {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        if text.len() != 32 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(());
        }
        let mut id = [0u8; 16];
        for (i, byte) in id.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[i * 2..i * 2 + 2], 16).map_err(|_| ())?;
        }
        Ok(Self(id))
    }
}

/// Bytes held for someone, with when they will be gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub bytes: Bytes,
    /// What the caller said the bytes are, kept as given: the store reads
    /// neither the bytes nor this.
    pub label: Box<str>,
    /// Unix seconds after which the bytes are gone.
    pub expires_at: u64,
    /// How long from now until they are gone, to the store's own precision.
    pub expires_in: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Found(Held),
    /// It existed and has expired or been removed.
    Gone,
    Never,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub bytes: u64,
    pub entries: u64,
    pub expired_total: u64,
    pub refused_total: u64,
    /// Seconds since the oldest entry held in this process arrived, when
    /// the store can tell cheaply (Redis drops entries itself, by `PX`).
    pub oldest_seconds: Option<u64>,
}

/// A place to hold bytes until they expire. `expires_in` is measured from
/// now and never exceeds the store's retention. `owner` is who the bytes
/// are held for: one owner may hold only a share of the store. `label` is
/// the caller's short name for what the bytes are, a line of text at most.
pub trait Backend: Send + Sync {
    fn put(
        &self,
        bytes: Bytes,
        label: &str,
        expires_in: Duration,
        owner: Client,
    ) -> impl Future<Output = Result<(FileId, u64), UserError>> + Send;
    fn get(&self, id: FileId) -> impl Future<Output = Result<Lookup, UserError>> + Send;
    fn remove(&self, id: FileId) -> impl Future<Output = Result<(), UserError>> + Send;
    fn stats(&self) -> impl Future<Output = Result<Stats, UserError>> + Send;
    fn ping(&self) -> impl Future<Output = Result<(), UserError>> + Send;
}

/// The store a running pixdrop uses: one backend, chosen by configuration.
#[derive(Clone)]
pub enum Store {
    Memory(std::sync::Arc<MemoryStore>),
    Redis(RedisStore),
}

impl Store {
    pub async fn put(
        &self,
        bytes: Bytes,
        label: &str,
        expires_in: Duration,
        owner: Client,
    ) -> Result<(FileId, u64), UserError> {
        match self {
            Self::Memory(store) => store.put(bytes, label, expires_in, owner).await,
            Self::Redis(store) => store.put(bytes, label, expires_in, owner).await,
        }
    }

    /// Bytes held in this process's memory (none with Redis, which holds
    /// them in its own).
    pub fn held_bytes(&self) -> u64 {
        match self {
            Self::Memory(store) => store.held_bytes(),
            Self::Redis(_) => 0,
        }
    }

    pub async fn get(&self, id: FileId) -> Result<Lookup, UserError> {
        match self {
            Self::Memory(store) => store.get(id).await,
            Self::Redis(store) => store.get(id).await,
        }
    }

    pub async fn remove(&self, id: FileId) -> Result<(), UserError> {
        match self {
            Self::Memory(store) => store.remove(id).await,
            Self::Redis(store) => store.remove(id).await,
        }
    }

    pub async fn stats(&self) -> Result<Stats, UserError> {
        match self {
            Self::Memory(store) => store.stats().await,
            Self::Redis(store) => store.stats().await,
        }
    }

    pub async fn ping(&self) -> Result<(), UserError> {
        match self {
            Self::Memory(store) => store.ping().await,
            Self::Redis(store) => store.ping().await,
        }
    }
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_random_and_round_trip_as_hex() {
        let a = FileId::random();
        let b = FileId::random();
        assert_ne!(a, b);
        assert_eq!(a.to_string().len(), 32);
        assert_eq!(a.to_string().parse::<FileId>(), Ok(a));
        assert_eq!(a.short().len(), 8);
        assert!("xyz".parse::<FileId>().is_err());
        assert!("g".repeat(32).parse::<FileId>().is_err());
    }
}
