//! Talking back to Telegram: every request goes through `retrying`, which
//! honours flood control (`429 retry_after`) and retries network hiccups a
//! few times, so a reply is delayed rather than lost.

use std::future::IntoFuture;
use std::time::Duration;

use teloxide::RequestError;

const ATTEMPTS: u32 = 4;
/// Never wait longer than this for one flood-control pause.
const LONGEST_PAUSE: Duration = Duration::from_secs(60);

pub async fn retrying<R, T>(make: impl Fn() -> R) -> Result<T, RequestError>
where
    R: IntoFuture<Output = Result<T, RequestError>>,
{
    let mut attempt = 1;
    loop {
        match make().into_future().await {
            Err(RequestError::RetryAfter(wait)) if attempt < ATTEMPTS => {
                let pause = wait.duration().min(LONGEST_PAUSE);
                tracing::info!(seconds = pause.as_secs(), "telegram flood control: waiting");
                tokio::time::sleep(pause).await;
            }
            Err(RequestError::Network(error)) if attempt < ATTEMPTS => {
                tracing::warn!("telegram network error, retrying: {error}");
                tokio::time::sleep(Duration::from_millis(500 * u64::from(attempt))).await;
            }
            other => return other,
        }
        attempt += 1;
    }
}
