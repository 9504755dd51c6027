//! The bounded CPU pool, admitting jobs by cost. Decode and encode never run
//! on async runtime threads: `Pool::run` waits for its turn, then runs the
//! job on tokio's blocking threads.
//!
//! A job's turn comes when a worker thread (several, for an AVIF encoder)
//! and its working memory fit: the memory of jobs in progress plus the bytes
//! the store holds stay within one budget. Waiting jobs are served round
//! robin across clients, so one client's script or album cannot starve the
//! others. A burst waits; a job is refused (`Busy`, with how long to wait)
//! only when the work queued ahead of it would take longer than `max_wait`,
//! estimated from how fast recent jobs ran.
//!
//! The permit travels into the blocking task and is released when the work
//! ends, not when the caller stops waiting: a client that disconnects
//! cannot lift the bound while its conversion still runs.
//!
//! A panic inside a job is caught here, the last line of defence, and turns
//! into `UserError::Internal`.

mod queue;

use std::hash::{Hash, Hasher};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::UserError;
use crate::convert::Cost;
use queue::Queue;

/// Who a job is for, as far as fairness goes: an address on the web, a
/// hashed user on the chats. A keyed hash, meaningless outside this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Client(u64);

impl Client {
    /// Work nobody in particular asked for (the CLI, tests).
    pub const ANONYMOUS: Self = Self(0);

    /// The same key makes the same client in every instance of this build,
    /// so a share kept in a shared store is one client's wherever it asks.
    pub fn of(key: impl Hash) -> Self {
        let mut hasher = std::hash::DefaultHasher::new();
        key.hash(&mut hasher);
        Self(hasher.finish())
    }

    /// The client as bytes, for keyed names in a shared store.
    pub fn to_bytes(self) -> [u8; 8] {
        self.0.to_le_bytes()
    }
}

/// Memory a pool admits against when nothing else is said: the default
/// `PIXDROP_MAX_MEMORY`.
const DEFAULT_BUDGET: u64 = 1 << 30;
const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

struct Inner {
    workers: usize,
    budget: u64,
    max_wait: Duration,
    /// Bytes held elsewhere against the same budget (the store's).
    held: Box<dyn Fn() -> u64 + Send + Sync>,
    /// A std mutex: held only for bookkeeping, never across an await.
    queue: Mutex<Queue>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("workers", &self.inner.workers)
            .field("budget", &self.inner.budget)
            .field("max_wait", &self.inner.max_wait)
            .finish_non_exhaustive()
    }
}

impl Pool {
    /// `workers` threads, the default memory budget and wait bound.
    pub fn new(workers: usize) -> Self {
        Self::build(
            workers.max(1),
            DEFAULT_BUDGET,
            DEFAULT_MAX_WAIT,
            Box::new(|| 0),
        )
    }

    /// One worker per core.
    pub fn for_this_machine() -> Self {
        Self::new(cores())
    }

    /// Admits jobs only while their memory plus `held()` fits in `budget`.
    pub fn with_budget(self, budget: u64, held: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        let inner = self.configurable();
        Self::build(inner.workers, budget, inner.max_wait, Box::new(held))
    }

    pub fn with_max_wait(self, max_wait: Duration) -> Self {
        let inner = self.configurable();
        Self::build(inner.workers, inner.budget, max_wait, inner.held)
    }

    fn configurable(self) -> Inner {
        Arc::into_inner(self.inner).expect("a pool is configured before it is shared")
    }

    fn build(
        workers: usize,
        budget: u64,
        max_wait: Duration,
        held: Box<dyn Fn() -> u64 + Send + Sync>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                workers,
                budget,
                max_wait,
                held,
                queue: Mutex::new(Queue::default()),
            }),
        }
    }

    pub fn workers(&self) -> usize {
        self.inner.workers
    }

    /// Jobs running or waiting right now.
    pub fn depth(&self) -> usize {
        self.inner.lock().depth()
    }

    /// Runs `job`, priced at `cost`, when its turn comes.
    pub async fn run<T, F>(&self, client: Client, cost: Cost, job: F) -> Result<T, UserError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, UserError> + Send + 'static,
    {
        let permit = self.admit(client, cost).await?;
        tokio::task::spawn_blocking(move || {
            GRANTED_THREADS.set(Some(permit.cost.threads));
            let result = guard(job);
            GRANTED_THREADS.set(None);
            drop(permit);
            result
        })
        .await
        .map_err(UserError::internal)?
    }

    async fn admit(&self, client: Client, cost: Cost) -> Result<Permit, UserError> {
        let inner = &self.inner;
        let cost = Cost {
            threads: cost.threads.clamp(1, inner.workers),
            ..cost
        };
        if cost.memory > inner.budget {
            return Err(UserError::TooComplex);
        }
        let (entered, grants) = {
            let mut queue = inner.lock();
            let entered = queue.enter(client, cost, inner.workers, inner.max_wait);
            (entered, queue.dispatch(inner))
        };
        queue::deliver(grants);
        let (ticket, granted) = entered?;
        let _waiting = Waiting {
            inner,
            client,
            ticket,
        };
        granted
            .await
            .map_err(|_| UserError::internal("the pool dropped a waiting job"))
    }
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A job's turn: its threads and memory stay counted until it is dropped,
/// which happens on the blocking thread when the work is done.
struct Permit {
    inner: Arc<Inner>,
    cost: Cost,
    started: Instant,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let grants = {
            let mut queue = self.inner.lock();
            queue.finish(self.cost, self.started.elapsed());
            queue.dispatch(&self.inner)
        };
        queue::deliver(grants);
    }
}

/// Takes a job out of the queue when its caller stops waiting for it
/// (a no-op once it has been granted).
struct Waiting<'a> {
    inner: &'a Arc<Inner>,
    client: Client,
    ticket: u64,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let grants = {
            let mut queue = self.inner.lock();
            queue.forget(self.client, self.ticket);
            queue.dispatch(self.inner)
        };
        queue::deliver(grants);
    }
}

thread_local! {
    static GRANTED_THREADS: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// The threads the pool granted the job running on this thread (`None`
/// outside the pool), so that an encoder running threads of its own (AVIF)
/// stays inside the pool's bound.
pub fn granted_threads() -> Option<usize> {
    GRANTED_THREADS.get()
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Runs `job`, turning a panic into an internal error with a logged reference.
pub fn guard<T>(job: impl FnOnce() -> Result<T, UserError>) -> Result<T, UserError> {
    catch_unwind(AssertUnwindSafe(job)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(UserError::internal(format!(
            "conversion panicked: {message}"
        )))
    })
}

#[cfg(test)]
mod tests;
