//! The in-process store: a DashMap of entries with expiry, a byte counter
//! enforcing the memory cap, and tombstones for expired ids. The sweeper
//! sleeps until the earliest deadline (a min-heap of them), so bytes are
//! dropped at their expiry, not up to a sweep interval later. Expiry uses
//! `tokio::time::Instant`, so tests pause time and advance it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use dashmap::DashMap;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::{
    Backend, FULL_RETRY_SECONDS, FileId, Held, Lookup, SHARE_DIVISOR, Stats, TOMBSTONE_TTL,
    unix_now,
};
use crate::UserError;
use crate::pool::Client;
use crate::size::ByteSize;

struct Entry {
    owner: Client,
    bytes: Bytes,
    label: Box<str>,
    expires: Instant,
    expires_at: u64,
    stored: Instant,
}

pub struct MemoryStore {
    entries: DashMap<FileId, Entry>,
    /// Expired ids and when to forget them; ids only, never bytes.
    tombstones: DashMap<FileId, Instant>,
    /// Sum of held entry sizes; updated with the map, checked before insert.
    held: AtomicU64,
    /// Bytes held per owner, so no one owner fills the store.
    owners: DashMap<Client, u64>,
    max_bytes: u64,
    retention: Duration,
    expired_total: AtomicU64,
    refused_total: AtomicU64,
    /// Every entry's deadline, earliest first. A std Mutex: held only to
    /// push or pop, never across an await.
    deadlines: Mutex<BinaryHeap<Reverse<(Instant, FileId)>>>,
    /// Wakes the sweeper when a new entry expires before its current sleep ends.
    earlier_deadline: Notify,
}

impl MemoryStore {
    pub fn new(max_bytes: u64, retention: Duration) -> Self {
        Self {
            entries: DashMap::new(),
            tombstones: DashMap::new(),
            held: AtomicU64::new(0),
            owners: DashMap::new(),
            max_bytes,
            retention,
            expired_total: AtomicU64::new(0),
            refused_total: AtomicU64::new(0),
            deadlines: Mutex::new(BinaryHeap::new()),
            earlier_deadline: Notify::new(),
        }
    }

    /// Expires the entries whose deadline has passed; returns the next deadline.
    fn expire_due(&self) -> Option<Instant> {
        let now = Instant::now();
        loop {
            let due = {
                let mut deadlines = self
                    .deadlines
                    .lock()
                    .expect("never poisoned: no panics while held");
                match deadlines.peek() {
                    Some(Reverse((at, _))) if *at <= now => {
                        deadlines.pop().map(|Reverse((_, id))| id)
                    }
                    Some(Reverse((at, _))) => return Some(*at),
                    None => return None,
                }
            };
            if let Some(id) = due {
                self.expire(id, now);
            }
        }
    }

    /// Removes every expired entry and forgets old tombstones.
    pub fn sweep(&self) {
        let now = Instant::now();
        let expired: Vec<FileId> = self
            .entries
            .iter()
            .filter(|entry| entry.expires <= now)
            .map(|entry| *entry.key())
            .collect();
        for id in expired {
            self.expire(id, now);
        }
        self.tombstones.retain(|_, forget_at| *forget_at > now);
    }

    fn expire(&self, id: FileId, now: Instant) {
        if let Some((_, entry)) = self.entries.remove_if(&id, |_, entry| entry.expires <= now) {
            self.release(&entry);
            self.expired_total.fetch_add(1, Ordering::Relaxed);
            self.tombstones.insert(id, now + TOMBSTONE_TTL);
        }
    }

    pub fn held_bytes(&self) -> u64 {
        self.held.load(Ordering::Acquire)
    }

    fn release(&self, entry: &Entry) {
        let size = entry.bytes.len() as u64;
        self.held.fetch_sub(size, Ordering::AcqRel);
        if entry.owner != Client::ANONYMOUS {
            if let Some(mut held) = self.owners.get_mut(&entry.owner) {
                *held = held.saturating_sub(size);
            }
            self.owners.remove_if(&entry.owner, |_, held| *held == 0);
        }
    }

    /// Counts `size` more bytes for `owner`, or says why not.
    fn reserve(&self, size: u64, owner: Client) -> Result<(), UserError> {
        let fits = self
            .held
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |held| {
                held.checked_add(size)
                    .filter(|total| *total <= self.max_bytes)
            })
            .is_ok();
        if !fits {
            return Err(UserError::Busy {
                seconds: FULL_RETRY_SECONDS,
            });
        }
        if owner == Client::ANONYMOUS {
            return Ok(());
        }
        let share = self.max_bytes / SHARE_DIVISOR;
        if size > share {
            self.held.fetch_sub(size, Ordering::AcqRel);
            return Err(UserError::ResultTooLarge {
                size: ByteSize(size),
                limit: ByteSize(share),
            });
        }
        let mut held = self.owners.entry(owner).or_insert(0);
        if held.saturating_add(size) > share {
            drop(held);
            self.held.fetch_sub(size, Ordering::AcqRel);
            return Err(UserError::ShareFull {
                seconds: self.seconds_until_first_expiry(owner),
            });
        }
        *held += size;
        Ok(())
    }

    fn seconds_until_first_expiry(&self, owner: Client) -> u64 {
        let now = Instant::now();
        self.entries
            .iter()
            .filter(|entry| entry.owner == owner)
            .map(|entry| entry.expires.saturating_duration_since(now).as_secs() + 1)
            .min()
            .unwrap_or(1)
    }
}

impl Backend for MemoryStore {
    async fn put(
        &self,
        bytes: Bytes,
        label: &str,
        expires_in: Duration,
        owner: Client,
    ) -> Result<(FileId, u64), UserError> {
        if let Err(refused) = self.reserve(bytes.len() as u64, owner) {
            self.refused_total.fetch_add(1, Ordering::Relaxed);
            return Err(refused);
        }
        let lifetime = expires_in.min(self.retention);
        let id = FileId::random();
        let expires_at = unix_now() + lifetime.as_secs();
        let expires = Instant::now() + lifetime;
        let entry = Entry {
            owner,
            bytes,
            label: label.into(),
            expires,
            expires_at,
            stored: Instant::now(),
        };
        self.entries.insert(id, entry);
        let earliest = {
            let mut deadlines = self
                .deadlines
                .lock()
                .expect("never poisoned: no panics while held");
            deadlines.push(Reverse((expires, id)));
            deadlines
                .peek()
                .is_some_and(|Reverse((at, _))| *at == expires)
        };
        if earliest {
            self.earlier_deadline.notify_one();
        }
        Ok((id, expires_at))
    }

    async fn get(&self, id: FileId) -> Result<Lookup, UserError> {
        let now = Instant::now();
        if let Some(entry) = self.entries.get(&id) {
            if entry.expires > now {
                return Ok(Lookup::Found(Held {
                    bytes: entry.bytes.clone(),
                    label: entry.label.clone(),
                    expires_at: entry.expires_at,
                    expires_in: entry.expires - now,
                }));
            }
            drop(entry);
            self.expire(id, now);
            return Ok(Lookup::Gone);
        }
        Ok(if self.tombstones.contains_key(&id) {
            Lookup::Gone
        } else {
            Lookup::Never
        })
    }

    async fn remove(&self, id: FileId) -> Result<(), UserError> {
        if let Some((_, entry)) = self.entries.remove(&id) {
            self.release(&entry);
            self.tombstones.insert(id, Instant::now() + TOMBSTONE_TTL);
        }
        Ok(())
    }

    async fn stats(&self) -> Result<Stats, UserError> {
        Ok(Stats {
            bytes: self.held.load(Ordering::Acquire),
            entries: self.entries.len() as u64,
            expired_total: self.expired_total.load(Ordering::Relaxed),
            refused_total: self.refused_total.load(Ordering::Relaxed),
            oldest_seconds: self
                .entries
                .iter()
                .map(|entry| entry.stored.elapsed().as_secs())
                .max(),
        })
    }

    async fn ping(&self) -> Result<(), UserError> {
        Ok(())
    }
}

/// Drops each entry at its deadline, and every `full_sweep` also scans the
/// whole map and forgets old tombstones. Runs until aborted or the runtime stops.
pub fn spawn_sweeper(
    store: std::sync::Arc<MemoryStore>,
    full_sweep: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut next_full = Instant::now() + full_sweep;
        loop {
            let next = store.expire_due().map_or(next_full, |at| at.min(next_full));
            tokio::select! {
                () = tokio::time::sleep_until(next) => {}
                () = store.earlier_deadline.notified() => {}
            }
            if Instant::now() >= next_full {
                store.sweep();
                next_full = Instant::now() + full_sweep;
            }
        }
    })
}
