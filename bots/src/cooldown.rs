//! Per-sender pacing shared by every front end: a token bucket per client
//! address (web) or per chat user (Telegram, Discord), so one sender cannot
//! crowd out the others. Over the limit, the answer says how long to wait.

use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use pixdrop::UserError;

/// Checks between two sweeps of senders whose buckets are full again.
const SWEEP_EVERY: u32 = 1024;

pub struct Cooldown<K: Hash + Eq + Clone> {
    limiter: RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>,
    checks: AtomicU32,
}

impl<K: Hash + Eq + Clone> Cooldown<K> {
    /// `per_minute` conversions per sender, in bursts of up to a fifth of that.
    pub fn per_minute(per_minute: u32) -> Self {
        let rate = NonZeroU32::new(per_minute.max(1)).expect("at least 1");
        let burst = NonZeroU32::new((per_minute / 5).max(1)).expect("at least 1");
        Self {
            limiter: RateLimiter::keyed(Quota::per_minute(rate).allow_burst(burst)),
            checks: AtomicU32::new(0),
        }
    }

    /// Takes one conversion from `sender`'s bucket, or says how long to wait.
    pub fn admit(&self, sender: &K) -> Result<(), UserError> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(sender).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            UserError::RateLimited {
                seconds: wait.as_secs().max(1),
            }
        })
    }

    /// Senders currently tracked (full buckets are dropped now and then).
    pub fn tracked(&self) -> usize {
        self.limiter.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_admitted_then_the_sender_waits_while_others_go_on() {
        let cooldown = Cooldown::per_minute(10);
        assert!(cooldown.admit(&1u64).is_ok());
        assert!(cooldown.admit(&1u64).is_ok());
        let refused = cooldown.admit(&1u64).unwrap_err();
        let UserError::RateLimited { seconds } = refused else {
            panic!("expected a rate-limit answer, got {refused:?}");
        };
        assert!((1..=6).contains(&seconds), "{seconds}");
        assert!(cooldown.admit(&2u64).is_ok());
    }

    #[test]
    fn idle_senders_are_forgotten() {
        let cooldown = Cooldown::per_minute(6000);
        for sender in 0..(SWEEP_EVERY as u64 * 2) {
            cooldown.admit(&sender).unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        for _ in 0..SWEEP_EVERY {
            cooldown.admit(&u64::MAX).unwrap_or(());
        }
        assert!(
            cooldown.tracked() < SWEEP_EVERY as usize,
            "{}",
            cooldown.tracked()
        );
    }
}
