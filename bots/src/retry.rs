//! One retry policy for every call the bots make to a chat platform. A
//! rate limit is waited out for exactly as long as the platform asked (a
//! short default when it did not say), a network hiccup is retried after a
//! short backoff, and either stops after a few attempts or once the waits
//! would add up past a minute: a reply is delayed rather than lost, but
//! never held forever. Each adapter says how its errors read as `Retry`;
//! nothing here knows a platform.

use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

/// What a failed call says about trying it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Rate limited: try again after this long (`None`: the platform didn't say).
    After(Option<Duration>),
    /// The request may never have arrived (connection, timeout): try again soon.
    Soon,
    /// Trying again would fail the same way.
    Never,
}

/// How a platform client's error reads as a `Retry`.
pub trait Verdict: Display {
    fn retry(&self) -> Retry;
}

/// Calls made for one request, the first included.
const ATTEMPTS: u32 = 5;
/// The most time spent waiting between the calls for one request.
const TOTAL_WAIT: Duration = Duration::from_secs(60);
/// The wait for a rate limit that came without a duration.
const UNSAID: Duration = Duration::from_secs(1);
/// Backoff step after a network hiccup (doubles each time).
const BACKOFF: Duration = Duration::from_millis(500);

/// Runs `call` until it succeeds, fails for good, or the policy's attempts
/// or total wait run out; returns the last error then. A wait that would
/// take the total past the cap is not started.
pub async fn retrying<T, E, F, Fut>(mut call: F) -> Result<T, E>
where
    E: Verdict,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut waited = Duration::ZERO;
    let mut attempt = 1;
    loop {
        let error = match call().await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let pause = match error.retry() {
            Retry::Never => return Err(error),
            Retry::After(asked) => asked.unwrap_or(UNSAID),
            Retry::Soon => BACKOFF * 2u32.pow(attempt - 1),
        };
        if attempt >= ATTEMPTS || waited + pause > TOTAL_WAIT {
            tracing::warn!(attempt, "giving up on a platform call: {error}");
            return Err(error);
        }
        tracing::info!(
            attempt,
            wait_ms = pause.as_millis() as u64,
            "platform call failed, retrying: {error}"
        );
        tokio::time::sleep(pause).await;
        waited += pause;
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use tokio::time::Instant;

    use super::*;

    #[derive(Debug)]
    struct Failure(Retry);

    impl Display for Failure {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{:?}", self.0)
        }
    }

    impl Verdict for Failure {
        fn retry(&self) -> Retry {
            self.0
        }
    }

    /// Fails with each of `failures` in turn, then succeeds; counts calls.
    async fn run(failures: &[Retry]) -> (Result<(), Failure>, u32, Duration) {
        let calls = AtomicU32::new(0);
        let started = Instant::now();
        let result = retrying(|| {
            let n = calls.fetch_add(1, Ordering::SeqCst) as usize;
            let outcome = failures.get(n).map_or(Ok(()), |r| Err(Failure(*r)));
            async move { outcome }
        })
        .await;
        (result, calls.load(Ordering::SeqCst), started.elapsed())
    }

    #[tokio::test(start_paused = true)]
    async fn a_rate_limit_is_waited_out_exactly_as_asked() {
        let asked = Retry::After(Some(Duration::from_millis(1250)));
        let (result, calls, waited) = run(&[asked, asked]).await;
        assert!(result.is_ok());
        assert_eq!(calls, 3);
        assert_eq!(waited, Duration::from_millis(2500));
    }

    #[tokio::test(start_paused = true)]
    async fn an_unsaid_rate_limit_waits_the_default() {
        let (result, _, waited) = run(&[Retry::After(None)]).await;
        assert!(result.is_ok());
        assert_eq!(waited, UNSAID);
    }

    #[tokio::test(start_paused = true)]
    async fn a_final_error_is_not_retried() {
        let (result, calls, waited) = run(&[Retry::Never]).await;
        assert!(result.is_err());
        assert_eq!((calls, waited), (1, Duration::ZERO));
    }

    #[tokio::test(start_paused = true)]
    async fn attempts_are_capped() {
        let (result, calls, _) = run(&[Retry::Soon; 10]).await;
        assert!(result.is_err());
        assert_eq!(calls, ATTEMPTS);
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_past_the_total_cap_is_not_started() {
        let long = Retry::After(Some(Duration::from_secs(40)));
        let (result, calls, waited) = run(&[long, long]).await;
        assert!(result.is_err(), "the second 40 s wait would pass the cap");
        assert_eq!((calls, waited), (2, Duration::from_secs(40)));
    }
}
