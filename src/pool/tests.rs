//! The pool's promises, driven with jobs that block until the test lets
//! them go: bursts wait rather than fail, memory and threads bound what
//! runs together, lines are served round robin, a vanished caller keeps its
//! share until its work ends, and a long queue is refused with a wait.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::*;

fn cost(memory: u64, work: f64) -> Cost {
    Cost {
        memory,
        work,
        threads: 1,
    }
}

/// A gate the test opens one job at a time.
#[derive(Clone)]
struct Gate(Arc<Mutex<mpsc::Receiver<()>>>);

fn gate() -> (mpsc::Sender<()>, Gate) {
    let (open, wait) = mpsc::channel();
    (open, Gate(Arc::new(Mutex::new(wait))))
}

impl Gate {
    fn pass(&self) {
        let _ = self.0.lock().unwrap().recv_timeout(Duration::from_secs(10));
    }
}

async fn settle(pool: &Pool, depth: usize) {
    while pool.depth() != depth {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_larger_than_the_workers_waits_its_turn() {
    let pool = Pool::new(2);
    let jobs: Vec<_> = (0..20)
        .map(|n| {
            let pool = pool.clone();
            tokio::spawn(async move {
                pool.run(Client::of(n), cost(1_000, 0.01), move || Ok(n))
                    .await
            })
        })
        .collect();
    for (n, job) in jobs.into_iter().enumerate() {
        assert_eq!(job.await.unwrap(), Ok(n));
    }
    assert_eq!(pool.depth(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_decides_how_many_run_together() {
    let pool = Pool::new(4).with_budget(1_000, || 0);
    let (open, gate) = gate();
    let running = Arc::new(Mutex::new((0usize, 0usize)));
    let jobs: Vec<_> = (0..3)
        .map(|n| {
            let (pool, gate, running) = (pool.clone(), gate.clone(), running.clone());
            tokio::spawn(async move {
                pool.run(Client::of(n), cost(600, 1.0), move || {
                    {
                        let mut running = running.lock().unwrap();
                        running.0 += 1;
                        running.1 = running.1.max(running.0);
                    }
                    gate.pass();
                    running.lock().unwrap().0 -= 1;
                    Ok(())
                })
                .await
            })
        })
        .collect();
    settle(&pool, 3).await;
    for _ in 0..3 {
        open.send(()).unwrap();
    }
    for job in jobs {
        assert_eq!(job.await.unwrap(), Ok(()));
    }
    assert_eq!(
        running.lock().unwrap().1,
        1,
        "two 600-byte jobs never shared 1000 bytes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bytes_held_elsewhere_count_against_the_budget() {
    let held = Arc::new(std::sync::atomic::AtomicU64::new(900));
    let seen = held.clone();
    let pool = Pool::new(2).with_budget(1_000, move || {
        seen.load(std::sync::atomic::Ordering::Relaxed)
    });
    let (open, gate) = gate();
    let first = {
        let (pool, gate) = (pool.clone(), gate.clone());
        tokio::spawn(async move {
            pool.run(Client::of(1), cost(50, 1.0), move || {
                gate.pass();
                Ok(())
            })
            .await
        })
    };
    settle(&pool, 1).await;
    let second = {
        let pool = pool.clone();
        tokio::spawn(async move { pool.run(Client::of(2), cost(100, 1.0), || Ok(())).await })
    };
    settle(&pool, 2).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        pool.depth(),
        2,
        "the second job waits: 900 held + 50 + 100 > 1000"
    );
    held.store(0, std::sync::atomic::Ordering::Relaxed);
    open.send(()).unwrap();
    assert_eq!(first.await.unwrap(), Ok(()));
    assert_eq!(second.await.unwrap(), Ok(()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_bigger_than_the_whole_budget_is_refused_at_once() {
    let pool = Pool::new(2).with_budget(1_000, || 0);
    let refused = pool
        .run(Client::ANONYMOUS, cost(1_001, 1.0), || Ok(()))
        .await;
    assert_eq!(refused, Err(UserError::TooComplex));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lines_are_served_round_robin_across_clients() {
    let pool = Pool::new(1);
    let (open, gate) = gate();
    let order = Arc::new(Mutex::new(Vec::new()));
    let mut jobs = Vec::new();
    let mut submit = |client: u8, label: &'static str| {
        let (pool, gate, order) = (pool.clone(), gate.clone(), order.clone());
        jobs.push(tokio::spawn(async move {
            pool.run(Client::of(client), cost(1, 0.01), move || {
                order.lock().unwrap().push(label);
                gate.pass();
                Ok(())
            })
            .await
        }));
    };
    submit(1, "a1");
    settle(&pool, 1).await;
    for label in ["a2", "a3", "a4"] {
        submit(1, label);
    }
    settle(&pool, 4).await;
    submit(2, "b1");
    settle(&pool, 5).await;
    for _ in 0..5 {
        open.send(()).unwrap();
    }
    for job in jobs {
        assert_eq!(job.await.unwrap(), Ok(()));
    }
    assert_eq!(*order.lock().unwrap(), ["a1", "a2", "b1", "a3", "a4"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_that_goes_away_keeps_its_share_until_the_work_ends() {
    let pool = Pool::new(1);
    let (open, gate) = gate();
    let (started, has_started) = mpsc::channel();
    let abandoned = {
        let pool = pool.clone();
        tokio::spawn(async move {
            pool.run(Client::of(1), cost(1, 1.0), move || {
                started.send(()).unwrap();
                gate.pass();
                Ok(())
            })
            .await
        })
    };
    tokio::task::spawn_blocking(move || has_started.recv().unwrap())
        .await
        .unwrap();
    abandoned.abort();
    let _ = abandoned.await;
    assert_eq!(
        pool.depth(),
        1,
        "the conversion still runs, so it still counts"
    );
    let next = {
        let pool = pool.clone();
        tokio::spawn(async move { pool.run(Client::of(2), cost(1, 1.0), || Ok(7)).await })
    };
    settle(&pool, 2).await;
    open.send(()).unwrap();
    assert_eq!(next.await.unwrap(), Ok(7));
    settle(&pool, 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_that_stops_waiting_leaves_the_line() {
    let pool = Pool::new(1);
    let (open, gate) = gate();
    let running = {
        let pool = pool.clone();
        tokio::spawn(async move {
            pool.run(Client::of(1), cost(1, 1.0), move || {
                gate.pass();
                Ok(())
            })
            .await
        })
    };
    settle(&pool, 1).await;
    let waiting = {
        let pool = pool.clone();
        tokio::spawn(async move { pool.run(Client::of(2), cost(1, 1.0), || Ok(())).await })
    };
    settle(&pool, 2).await;
    waiting.abort();
    let _ = waiting.await;
    assert_eq!(pool.depth(), 1);
    open.send(()).unwrap();
    assert_eq!(running.await.unwrap(), Ok(()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_longer_than_the_wait_bound_is_refused_with_a_wait() {
    let pool = Pool::new(1).with_max_wait(Duration::from_secs(2));
    let (open, gate) = gate();
    let first = {
        let (pool, gate) = (pool.clone(), gate.clone());
        tokio::spawn(async move {
            pool.run(Client::of(1), cost(1, 10.0), move || {
                gate.pass();
                Ok(())
            })
            .await
        })
    };
    settle(&pool, 1).await;
    let second = {
        let (pool, gate) = (pool.clone(), gate.clone());
        tokio::spawn(async move {
            pool.run(Client::of(2), cost(1, 10.0), move || {
                gate.pass();
                Ok(())
            })
            .await
        })
    };
    settle(&pool, 2).await;
    match pool.run(Client::of(3), cost(1, 10.0), || Ok(())).await {
        Err(UserError::Busy { seconds }) => assert!((1..=2).contains(&seconds), "{seconds}"),
        other => panic!("expected a refusal with a wait, got {other:?}"),
    }
    open.send(()).unwrap();
    open.send(()).unwrap();
    assert_eq!(first.await.unwrap(), Ok(()));
    assert_eq!(second.await.unwrap(), Ok(()));
}

#[tokio::test]
async fn a_panicking_job_becomes_an_internal_error() {
    let pool = Pool::new(1);
    let result: Result<(), _> = pool
        .run(Client::ANONYMOUS, cost(1, 0.1), || panic!("decoder bug"))
        .await;
    assert_eq!(result.unwrap_err().code(), "internal");
    assert_eq!(
        pool.run(Client::ANONYMOUS, cost(1, 0.1), || Ok(5)).await,
        Ok(5)
    );
}
