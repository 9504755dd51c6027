//! Talking back to Telegram: every request goes through `retrying`, the
//! bots' one retry policy (`crate::retry`), so flood control (`429
//! retry_after`) is waited out and network hiccups are retried a few times:
//! a reply is delayed rather than lost.

use std::future::IntoFuture;

use teloxide::RequestError;

use crate::retry::{self, Retry, Verdict};

/// A Telegram error as the retry policy reads it.
pub struct Failure(pub RequestError);

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Verdict for Failure {
    fn retry(&self) -> Retry {
        match &self.0 {
            RequestError::RetryAfter(wait) => Retry::After(Some(wait.duration())),
            RequestError::Network(_) => Retry::Soon,
            _ => Retry::Never,
        }
    }
}

pub async fn retrying<R, T>(make: impl Fn() -> R) -> Result<T, RequestError>
where
    R: IntoFuture<Output = Result<T, RequestError>>,
{
    retry::retrying(|| {
        let request = make().into_future();
        async move { request.await.map_err(Failure) }
    })
    .await
    .map_err(|failure| failure.0)
}
