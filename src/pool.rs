//! The bounded CPU pool. Decode and encode never run on async runtime
//! threads: `Pool::run` waits for one of `workers` permits, then runs the job
//! on tokio's blocking threads. At most `queue` jobs may wait; the next one
//! is refused with `UserError::Busy` instead of piling up memory.
//! A panic inside a job is caught here, the last line of defence, and turns
//! into `UserError::Internal`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::UserError;

#[derive(Debug, Clone)]
pub struct Pool {
    workers: Arc<Semaphore>,
    /// Permits for running plus waiting jobs; a job that finds none is refused.
    admitted: Arc<Semaphore>,
    capacity: usize,
}

impl Pool {
    pub fn new(workers: usize, queue: usize) -> Self {
        let workers = workers.max(1);
        Self {
            workers: Arc::new(Semaphore::new(workers)),
            admitted: Arc::new(Semaphore::new(workers + queue)),
            capacity: workers + queue,
        }
    }

    /// One worker per core, and room for four times as many waiting.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self::new(cores, cores * 4)
    }

    /// Jobs running or waiting right now.
    pub fn depth(&self) -> usize {
        self.capacity - self.admitted.available_permits()
    }

    pub async fn run<T, F>(&self, job: F) -> Result<T, UserError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, UserError> + Send + 'static,
    {
        let _admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| UserError::Busy)?;
        let _worker = self
            .workers
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| UserError::Busy)?;
        tokio::task::spawn_blocking(move || guard(job))
            .await
            .map_err(UserError::internal)?
    }
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
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_full_queue_refuses_instead_of_waiting() {
        let pool = Pool::new(1, 1);
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let wait = Arc::new(std::sync::Mutex::new(wait));
        let mut running = Vec::new();
        for _ in 0..2 {
            let pool = pool.clone();
            let wait = wait.clone();
            running.push(tokio::spawn(async move {
                pool.run(move || {
                    let _ = wait.lock().unwrap().recv_timeout(Duration::from_secs(5));
                    Ok(1)
                })
                .await
            }));
        }
        while pool.depth() < 2 {
            tokio::task::yield_now().await;
        }
        assert_eq!(pool.run(|| Ok(3)).await, Err(UserError::Busy));
        release.send(()).unwrap();
        release.send(()).unwrap();
        for job in running {
            assert_eq!(job.await.unwrap(), Ok(1));
        }
        assert_eq!(pool.depth(), 0);
    }

    #[tokio::test]
    async fn a_panicking_job_becomes_an_internal_error() {
        let pool = Pool::new(1, 0);
        let result: Result<(), _> = pool.run(|| panic!("decoder bug")).await;
        assert_eq!(result.unwrap_err().code(), "internal");
        assert_eq!(pool.run(|| Ok(5)).await, Ok(5));
    }
}
