//! Answering Discord: every call goes through `retrying`, which waits out
//! 429s when serenity's own rate limiter is off (as it is with
//! `DISCORD_API_URL`), and `files_or_links` decides per result whether it
//! fits the interaction's upload limit or goes out as a signed link.

use std::future::Future;
use std::time::Duration;

use pixdrop::Reply;
use serenity::all::CreateAttachment;
use serenity::http::HttpError;

use crate::texts;

const ATTEMPTS: u32 = 4;

pub async fn retrying<T, F, Fut>(call: F) -> serenity::Result<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = serenity::Result<T>>,
{
    let mut attempt = 1;
    loop {
        match call().await {
            Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(response)))
                if response.status_code.as_u16() == 429 && attempt < ATTEMPTS =>
            {
                tracing::info!("discord rate limit: waiting");
                tokio::time::sleep(Duration::from_millis(750 * u64::from(attempt))).await;
            }
            other => return other,
        }
        attempt += 1;
    }
}

/// The files that fit under `limit` bytes, and the text for the message:
/// each result's summary, with a download link for those that don't fit.
pub fn files_or_links(replies: &[Reply], limit: u64) -> (Vec<CreateAttachment>, String) {
    let mut files = Vec::new();
    let mut text = Vec::new();
    for reply in replies {
        let summary = texts::summary(reply);
        if reply.bytes.len() as u64 <= limit {
            files.push(CreateAttachment::bytes(
                reply.bytes.to_vec(),
                reply.file_name(),
            ));
            text.push(summary);
        } else {
            text.push(format!(
                "{summary}\nToo big to attach here, so download it: {}",
                reply.link
            ));
        }
    }
    (files, text.join("\n\n"))
}
