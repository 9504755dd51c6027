//! Per-sender pacing shared by every front end: a bucket per client address
//! (web) or per chat user (Telegram, Discord), so one sender cannot crowd
//! out the others. Over the limit, the answer says how long to wait.
//!
//! Alone, the buckets live in this process (`governor`). With Redis
//! (`across`), every instance checks the same bucket in Redis (`shared`),
//! so N instances still give a sender one allowance. Both follow one rule
//! (GCRA with the same `Pace`), so a limit means the same either way.
//! A cooldown made `counted` reports each refusal to the core's metrics.

mod shared;

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use pixdrop::{Core, Platform, UserError};

pub use shared::Shared;

/// Checks between two sweeps of senders whose buckets are full again.
const SWEEP_EVERY: u32 = 1024;

/// A sender as a bucket is keyed: hashable here, and bytes for the keyed
/// hash that names its bucket in Redis.
pub trait Sender: Hash + Eq + Clone {
    fn identity(&self) -> Vec<u8>;
}

impl Sender for IpAddr {
    fn identity(&self) -> Vec<u8> {
        match self {
            Self::V4(v4) => v4.octets().to_vec(),
            Self::V6(v6) => v6.octets().to_vec(),
        }
    }
}

/// A chat platform's numeric user id.
impl Sender for u64 {
    fn identity(&self) -> Vec<u8> {
        self.to_be_bytes().to_vec()
    }
}

/// The rule both kinds of bucket follow: one conversion every `interval`,
/// and up to `burst` at once from a bucket left alone long enough.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    pub interval: Duration,
    pub burst: u32,
}

impl Pace {
    /// `per_minute` conversions a minute, in bursts of up to a fifth of that.
    pub fn per_minute(per_minute: u32) -> Self {
        let per_minute = per_minute.max(1);
        Self {
            interval: Duration::from_secs(60) / per_minute,
            burst: (per_minute / 5).max(1),
        }
    }

    fn quota(self) -> Quota {
        let burst = NonZeroU32::new(self.burst).expect("at least 1 by construction");
        Quota::with_period(self.interval)
            .expect("a minute over a u32 is above zero")
            .allow_burst(burst)
    }
}

/// The answer to a sender who must wait `wait`, in whole seconds rounded
/// up (a `Retry-After` that comes early would only be refused again).
fn refused(wait: Duration) -> UserError {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    UserError::RateLimited {
        seconds: seconds.max(1),
    }
}

pub struct Cooldown<K: Sender> {
    pace: Pace,
    buckets: Buckets<K>,
    /// The core whose metrics count this cooldown's refusals, by platform.
    counted: Option<(Core, Platform)>,
}

enum Buckets<K: Sender> {
    Here {
        limiter: RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>,
        checks: AtomicU32,
    },
    /// In Redis, under keys hashed with `scope` so the web's addresses and
    /// each platform's user ids never share a bucket.
    Shared { shared: Shared, scope: &'static str },
}

impl<K: Sender> Cooldown<K> {
    /// `Pace::per_minute`, with the buckets in this process.
    pub fn per_minute(per_minute: u32) -> Self {
        let pace = Pace::per_minute(per_minute);
        Self {
            pace,
            buckets: Buckets::Here {
                limiter: RateLimiter::keyed(pace.quota()),
                checks: AtomicU32::new(0),
            },
            counted: None,
        }
    }

    /// Counts every refusal on `core`'s metrics as `platform`'s.
    pub fn counted(self, core: &Core, platform: Platform) -> Self {
        Self {
            counted: Some((core.clone(), platform)),
            ..self
        }
    }

    /// The same pace with the buckets in Redis when `shared` is given, so
    /// every instance on it draws on one bucket per sender.
    pub fn across(self, shared: Option<&Shared>, scope: &'static str) -> Self {
        match shared {
            Some(shared) => Self {
                buckets: Buckets::Shared {
                    shared: shared.clone(),
                    scope,
                },
                ..self
            },
            None => self,
        }
    }

    /// Takes one conversion from `sender`'s bucket, or says how long to
    /// wait. With Redis out of reach the answer is `Unavailable`: a limit
    /// that silently lapses in an outage is no limit.
    pub async fn admit(&self, sender: &K) -> Result<(), UserError> {
        let admitted = self.take(sender).await;
        if let (Err(refused), Some((core, platform))) = (&admitted, &self.counted) {
            core.count_refusal(*platform, refused);
        }
        admitted
    }

    async fn take(&self, sender: &K) -> Result<(), UserError> {
        match &self.buckets {
            Buckets::Here { limiter, checks } => {
                if checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
                    limiter.retain_recent();
                }
                limiter.check_key(sender).map_err(|not_until| {
                    refused(not_until.wait_time_from(DefaultClock::default().now()))
                })
            }
            Buckets::Shared { shared, scope } => {
                match shared.take(scope, &sender.identity(), self.pace).await? {
                    None => Ok(()),
                    Some(wait) => Err(refused(wait)),
                }
            }
        }
    }

    /// Senders currently tracked in this process (full buckets are dropped
    /// now and then); Redis drops its own.
    pub fn tracked(&self) -> usize {
        match &self.buckets {
            Buckets::Here { limiter, .. } => limiter.len(),
            Buckets::Shared { .. } => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_burst_is_admitted_then_the_sender_waits_while_others_go_on() {
        let cooldown = Cooldown::per_minute(10);
        assert!(cooldown.admit(&1u64).await.is_ok());
        assert!(cooldown.admit(&1u64).await.is_ok());
        let refused = cooldown.admit(&1u64).await.unwrap_err();
        let UserError::RateLimited { seconds } = refused else {
            panic!("expected a rate-limit answer, got {refused:?}");
        };
        assert!((1..=6).contains(&seconds), "{seconds}");
        assert!(cooldown.admit(&2u64).await.is_ok());
    }

    #[tokio::test]
    async fn idle_senders_are_forgotten() {
        let cooldown = Cooldown::per_minute(6000);
        for sender in 0..(SWEEP_EVERY as u64 * 2) {
            cooldown.admit(&sender).await.unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        for _ in 0..SWEEP_EVERY {
            cooldown.admit(&u64::MAX).await.unwrap_or(());
        }
        assert!(
            cooldown.tracked() < SWEEP_EVERY as usize,
            "{}",
            cooldown.tracked()
        );
    }

    #[test]
    fn a_pace_is_a_fifth_of_the_minute_in_a_burst() {
        let pace = Pace::per_minute(20);
        assert_eq!(pace.interval, Duration::from_secs(3));
        assert_eq!(pace.burst, 4);
        assert_eq!(Pace::per_minute(3).burst, 1);
        assert_eq!(Pace::per_minute(0), Pace::per_minute(1));
    }

    #[test]
    fn waits_are_rounded_up_to_whole_seconds() {
        let seconds = |wait| refused(wait).retry_after();
        assert_eq!(seconds(Duration::from_millis(2100)), Some(3));
        assert_eq!(seconds(Duration::from_secs(2)), Some(2));
        assert_eq!(seconds(Duration::ZERO), Some(1));
    }
}
