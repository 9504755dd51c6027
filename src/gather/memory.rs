//! Album records in process, for a single instance (no `REDIS_URL`): a map
//! from album name to its fields, with the quiet deadline and the expiry
//! the Redis records get from key lifetimes. Uses `tokio::time::Instant`,
//! so tests pause time and advance it.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

#[derive(Default)]
pub struct MemoryRecords {
    /// A std Mutex: every critical section is a map lookup or insert, and
    /// none awaits.
    records: Mutex<HashMap<String, Record>>,
}

struct Record {
    fields: HashMap<String, String>,
    quiet_until: Instant,
    expires: Instant,
}

impl MemoryRecords {
    /// Runs `change` on the live record `name` (a new one when there is
    /// none), which then lives `ttl` from now. Expired records go first.
    fn write<T>(&self, name: &str, ttl: Duration, change: impl FnOnce(&mut Record) -> T) -> T {
        let now = Instant::now();
        let mut records = self.lock();
        records.retain(|_, record| record.expires > now);
        let record = records.entry(name.to_string()).or_insert_with(|| Record {
            fields: HashMap::new(),
            quiet_until: now,
            expires: now,
        });
        record.expires = now + ttl;
        change(record)
    }

    fn read_live<T>(&self, name: &str, look: impl FnOnce(&Record) -> T) -> Option<T> {
        let records = self.lock();
        records
            .get(name)
            .filter(|record| record.expires > Instant::now())
            .map(look)
    }

    pub fn touch(&self, name: &str, field: &str, value: &str, quiet: Duration, ttl: Duration) {
        self.write(name, ttl, |record| {
            record.fields.insert(field.to_string(), value.to_string());
            record.quiet_until = Instant::now() + quiet;
        });
    }

    pub fn quiet_in(&self, name: &str) -> Duration {
        self.read_live(name, |record| {
            record.quiet_until.saturating_duration_since(Instant::now())
        })
        .unwrap_or_default()
    }

    pub fn set_once(&self, name: &str, field: &str, value: &str, ttl: Duration) -> bool {
        self.write(name, ttl, |record| {
            if record.fields.contains_key(field) {
                return false;
            }
            record.fields.insert(field.to_string(), value.to_string());
            true
        })
    }

    pub fn set(&self, name: &str, field: &str, value: &str, ttl: Duration) {
        self.write(name, ttl, |record| {
            record.fields.insert(field.to_string(), value.to_string());
        });
    }

    pub fn read(&self, name: &str) -> HashMap<String, String> {
        self.read_live(name, |record| record.fields.clone())
            .unwrap_or_default()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Record>> {
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TTL: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn quiet_counts_down_from_the_last_touch_and_records_expire() {
        let records = MemoryRecords::default();
        records.touch("a", "part:1", "lead", Duration::from_secs(2), TTL);
        tokio::time::advance(Duration::from_secs(1)).await;
        records.touch("a", "part:2", "part", Duration::from_secs(2), TTL);
        assert_eq!(records.quiet_in("a"), Duration::from_secs(2));
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(records.quiet_in("a"), Duration::ZERO);
        assert_eq!(records.read("a").len(), 2);
        tokio::time::advance(TTL).await;
        assert!(records.read("a").is_empty(), "gone with the retention");
    }

    #[tokio::test(start_paused = true)]
    async fn set_once_is_won_once() {
        let records = MemoryRecords::default();
        assert!(records.set_once("a", "claim", "1", TTL));
        assert!(!records.set_once("a", "claim", "2", TTL));
        assert_eq!(records.read("a")["claim"], "1");
        assert!(records.set_once("b", "claim", "2", TTL), "albums apart");
    }
}
