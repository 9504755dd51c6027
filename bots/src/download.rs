//! One capped download for both bots: step 1 of the flow. The size a
//! platform declared is checked before anything is fetched, the body is cut
//! off one chunk past the limit whatever was declared, and a transfer that
//! goes quiet for longer than `idle` or runs past `total` ends as
//! `UserError::DownloadStalled`, so a stall costs the user a clear sentence
//! instead of holding their job (and their chat's queue) open. Adapters
//! build the request; this module never logs a URL, since URLs name files
//! (Discord) or carry the bot token (Telegram).

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use pixdrop::{ByteSize, UserError};
use tokio::time::Instant;

/// How long a download may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// The longest quiet spell between two chunks (or before the answer).
    pub idle: Duration,
    /// The longest a whole download may take, answer and body.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(15),
            total: Duration::from_secs(60),
        }
    }
}

/// A download's size cap and time bounds.
#[derive(Debug, Clone, Copy)]
pub struct Download {
    pub limit: u64,
    pub timeouts: Timeouts,
}

/// Refuses a file the platform declared larger than `limit`, before any
/// request.
pub fn check_declared(declared: Option<u64>, limit: u64) -> Result<(), UserError> {
    match declared {
        Some(size) if size > limit => Err(too_large(size, limit)),
        _ => Ok(()),
    }
}

fn too_large(size: u64, limit: u64) -> UserError {
    UserError::TooLarge {
        size: ByteSize(size),
        limit: ByteSize(limit),
    }
}

impl Download {
    pub fn check_declared(&self, declared: Option<u64>) -> Result<(), UserError> {
        check_declared(declared, self.limit)
    }

    /// Sends `request` and reads its body under the cap and the timeouts.
    pub async fn get(&self, request: reqwest::RequestBuilder) -> Result<Bytes, UserError> {
        let deadline = Instant::now() + self.timeouts.total;
        let answered = tokio::time::timeout_at(self.quiet_until(deadline), request.send())
            .await
            .map_err(|_| stalled("no answer"))?;
        let response = answered
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| match e.is_timeout() {
                true => stalled(e),
                false => UserError::internal(format!("download refused: {}", e.without_url())),
            })?;
        self.check_declared(response.content_length())?;
        self.read(response.bytes_stream(), deadline).await
    }

    /// Reads `body` to the end, cutting it off past the limit, when a chunk
    /// is late by more than `idle`, or at `deadline`.
    async fn read<S, E>(&self, body: S, deadline: Instant) -> Result<Bytes, UserError>
    where
        S: Stream<Item = Result<Bytes, E>>,
        E: Into<Broken>,
    {
        let mut body = std::pin::pin!(body);
        let mut bytes = BytesMut::new();
        loop {
            let next = tokio::time::timeout_at(self.quiet_until(deadline), body.next())
                .await
                .map_err(|_| stalled("no data for too long"))?;
            let Some(chunk) = next else {
                return Ok(bytes.freeze());
            };
            bytes.extend_from_slice(&chunk.map_err(stalled)?);
            if bytes.len() as u64 > self.limit {
                return Err(too_large(bytes.len() as u64, self.limit));
            }
        }
    }

    /// When the next sign of life is due: `idle` from now, or the deadline.
    fn quiet_until(&self, deadline: Instant) -> Instant {
        (Instant::now() + self.timeouts.idle).min(deadline)
    }
}

/// A body that broke off, described without its URL.
pub struct Broken(String);

impl From<reqwest::Error> for Broken {
    fn from(error: reqwest::Error) -> Self {
        Self(error.without_url().to_string())
    }
}

impl From<&'static str> for Broken {
    fn from(why: &'static str) -> Self {
        Self(why.to_string())
    }
}

/// Logged (the user only learns that the file stopped arriving).
fn stalled(why: impl Into<Broken>) -> UserError {
    tracing::warn!("download stalled: {}", why.into().0);
    UserError::DownloadStalled
}

#[cfg(test)]
mod tests {
    use futures_util::stream;

    use super::*;

    const IDLE: Duration = Duration::from_secs(5);
    const TOTAL: Duration = Duration::from_secs(30);

    fn download(limit: u64) -> Download {
        Download {
            limit,
            timeouts: Timeouts {
                idle: IDLE,
                total: TOTAL,
            },
        }
    }

    fn later() -> Instant {
        Instant::now() + TOTAL
    }

    fn chunks(parts: &[&'static [u8]]) -> Vec<Result<Bytes, Broken>> {
        parts.iter().map(|p| Ok(Bytes::from_static(p))).collect()
    }

    #[test]
    fn a_declared_size_over_the_limit_is_refused_before_fetching() {
        let cap = download(100);
        assert!(cap.check_declared(Some(100)).is_ok());
        assert!(cap.check_declared(None).is_ok());
        assert!(matches!(
            cap.check_declared(Some(101)),
            Err(UserError::TooLarge {
                size: ByteSize(101),
                ..
            })
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn the_body_is_read_whole_under_the_limit() {
        let body = stream::iter(chunks(&[b"abc", b"def"]));
        assert_eq!(
            download(6).read(body, later()).await.unwrap(),
            &b"abcdef"[..]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_past_the_limit_is_cut_off_whatever_was_declared() {
        let endless = stream::repeat_with(|| Ok::<_, Broken>(Bytes::from_static(&[0; 64])));
        let refused = download(1000).read(endless, later()).await;
        assert!(
            matches!(
                refused,
                Err(UserError::TooLarge {
                    size: ByteSize(1024),
                    ..
                })
            ),
            "{refused:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_goes_quiet_is_a_stall_after_the_idle_time() {
        let started = Instant::now();
        let body = stream::iter(chunks(&[b"GIF89a"])).chain(stream::pending());
        let result = download(1000).read(body, later()).await;
        assert_eq!(result, Err(UserError::DownloadStalled));
        assert_eq!(started.elapsed(), IDLE);
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_breaks_off_is_a_stall() {
        let mut parts = chunks(&[b"\x89PNG"]);
        parts.push(Err(Broken::from("connection reset")));
        let result = download(1000).read(stream::iter(parts), later()).await;
        assert_eq!(result, Err(UserError::DownloadStalled));
    }

    #[tokio::test(start_paused = true)]
    async fn a_trickle_is_a_stall_at_the_total_time() {
        let started = Instant::now();
        let trickle = stream::unfold((), |()| async {
            tokio::time::sleep(IDLE / 2).await;
            Some((Ok::<_, Broken>(Bytes::from_static(b"x")), ()))
        });
        let result = download(1000).read(trickle, later()).await;
        assert_eq!(result, Err(UserError::DownloadStalled));
        assert_eq!(started.elapsed(), TOTAL);
    }
}
