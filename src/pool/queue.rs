//! The pool's bookkeeping: what runs, what waits (one line per client,
//! served round robin), the memory and threads in use, and how fast recent
//! work went, which prices the wait ahead of a new job. Plain data behind
//! the pool's mutex; permits are handed out by `dispatch` and sent by
//! `deliver` after the lock is released.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::{Client, Inner, Permit};
use crate::UserError;
use crate::convert::Cost;

/// Seconds one unit of work (a megapixel pass) takes before any job has
/// been measured: about what a 12 MP JPEG to WebP costs on one core.
const FIRST_GUESS_SECONDS_PER_WORK: f64 = 0.1;
/// Weight of the newest measurement in the running estimate.
const LEARNING_RATE: f64 = 0.2;
/// Jobs smaller than this say more about overhead than about speed.
const SMALLEST_MEASURED_WORK: f64 = 0.05;

pub(super) struct Queue {
    running_jobs: usize,
    running_threads: usize,
    running_memory: u64,
    running_work: f64,
    /// Clients with jobs waiting, in the order they are served next.
    ring: VecDeque<Client>,
    waiting: HashMap<Client, VecDeque<Waiter>>,
    seconds_per_work: f64,
    next_ticket: u64,
}

struct Waiter {
    ticket: u64,
    cost: Cost,
    grant: oneshot::Sender<Permit>,
}

/// Permits to hand to their waiters once the lock is released.
pub(super) type Grants = Vec<(oneshot::Sender<Permit>, Permit)>;

impl Default for Queue {
    fn default() -> Self {
        Self {
            running_jobs: 0,
            running_threads: 0,
            running_memory: 0,
            running_work: 0.0,
            ring: VecDeque::new(),
            waiting: HashMap::new(),
            seconds_per_work: FIRST_GUESS_SECONDS_PER_WORK,
            next_ticket: 0,
        }
    }
}

impl Queue {
    pub fn depth(&self) -> usize {
        self.running_jobs + self.waiting.values().map(VecDeque::len).sum::<usize>()
    }

    /// Puts a job in its client's line, unless the work ahead of it would
    /// take longer than `max_wait`.
    pub fn enter(
        &mut self,
        client: Client,
        cost: Cost,
        workers: usize,
        max_wait: Duration,
    ) -> Result<(u64, oneshot::Receiver<Permit>), UserError> {
        let wait = self.expected_wait(client, cost, workers);
        if wait > max_wait.as_secs_f64() {
            return Err(UserError::Busy {
                seconds: (wait - max_wait.as_secs_f64()).ceil().max(1.0) as u64,
            });
        }
        let (grant, granted) = oneshot::channel();
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        let line = self.waiting.entry(client).or_default();
        if line.is_empty() {
            self.ring.push_back(client);
        }
        line.push_back(Waiter {
            ticket,
            cost,
            grant,
        });
        Ok((ticket, granted))
    }

    /// Seconds until a new job of `client` would start: half of what runs,
    /// all of the client's own line, and from every other line as many jobs
    /// as the round robin serves before this one.
    fn expected_wait(&self, client: Client, cost: Cost, workers: usize) -> f64 {
        let turn = self.waiting.get(&client).map_or(0, VecDeque::len) + 1;
        let queued: f64 = self
            .waiting
            .iter()
            .map(|(owner, line)| {
                let ahead = if *owner == client { line.len() } else { turn };
                line.iter().take(ahead).map(|w| w.cost.work).sum::<f64>()
            })
            .sum();
        let busy = self.running_jobs > 0 || !self.waiting.is_empty();
        let own = if busy { cost.work } else { 0.0 };
        (self.running_work / 2.0 + queued + own) * self.seconds_per_work / workers as f64
    }

    /// Grants waiting jobs their turn, round robin, while threads and memory
    /// allow. With nothing running the next job always starts, so held bytes
    /// alone can never stall the queue.
    pub fn dispatch(&mut self, inner: &std::sync::Arc<Inner>) -> Grants {
        let mut grants = Vec::new();
        let held = (inner.held)();
        while let Some(&client) = self.ring.front() {
            let line = self.waiting.get_mut(&client).expect("ring and lines agree");
            let cost = line.front().expect("lines in the ring are not empty").cost;
            let fits = self.running_threads + cost.threads <= inner.workers
                && self
                    .running_memory
                    .saturating_add(held)
                    .saturating_add(cost.memory)
                    <= inner.budget;
            if !fits && self.running_jobs > 0 {
                break;
            }
            let waiter = line.pop_front().expect("checked above");
            self.ring.pop_front();
            if line.is_empty() {
                self.waiting.remove(&client);
            } else {
                self.ring.push_back(client);
            }
            self.running_jobs += 1;
            self.running_threads += cost.threads;
            self.running_memory += cost.memory;
            self.running_work += cost.work;
            let permit = Permit {
                inner: inner.clone(),
                cost,
                started: Instant::now(),
            };
            grants.push((waiter.grant, permit));
        }
        grants
    }

    /// Books a finished job and learns from how long it took.
    pub fn finish(&mut self, cost: Cost, took: Duration) {
        self.running_jobs -= 1;
        self.running_threads -= cost.threads;
        self.running_memory -= cost.memory;
        self.running_work = (self.running_work - cost.work).max(0.0);
        if cost.work >= SMALLEST_MEASURED_WORK {
            let sample = (took.as_secs_f64() / cost.work).clamp(1e-4, 10.0);
            self.seconds_per_work += LEARNING_RATE * (sample - self.seconds_per_work);
        }
    }

    /// Removes a job whose caller stopped waiting, if it is still waiting.
    pub fn forget(&mut self, client: Client, ticket: u64) {
        let Some(line) = self.waiting.get_mut(&client) else {
            return;
        };
        line.retain(|waiter| waiter.ticket != ticket);
        if line.is_empty() {
            self.waiting.remove(&client);
            self.ring.retain(|c| *c != client);
        }
    }
}

/// Hands out granted permits; a permit whose waiter is gone is dropped,
/// which returns its share at once.
pub(super) fn deliver(grants: Grants) {
    for (grant, permit) in grants {
        let _ = grant.send(permit);
    }
}
