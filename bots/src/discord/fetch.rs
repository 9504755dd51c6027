//! Downloading attachments: only from Discord's CDN hosts (or, with
//! `DISCORD_API_URL`, that host), never from a user-supplied address; the
//! declared size is checked first and the download stops past the limit.
//! Errors are logged without their URL, which carries the file's name.

use bytes::Bytes;
use futures_util::StreamExt;
use pixdrop::{ByteSize, UserError};
use serenity::all::Attachment;

use super::Bot;

const CDN_HOSTS: [&str; 2] = ["cdn.discordapp.com", "media.discordapp.net"];

pub async fn attachment(bot: &Bot, attachment: &Attachment) -> Result<Bytes, UserError> {
    let limit = bot.core.limits.max_input_bytes;
    let too_large = |size: u64| UserError::TooLarge {
        size: ByteSize(size),
        limit: ByteSize(limit),
    };
    if u64::from(attachment.size) > limit {
        return Err(too_large(attachment.size.into()));
    }
    if !allowed(bot, &attachment.url) {
        tracing::warn!("discord attachment from an unexpected host refused");
        return Err(UserError::bad_options(
            "I only fetch images uploaded to Discord itself.",
        ));
    }
    let response = bot
        .downloads
        .get(&attachment.url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| UserError::internal(format!("discord download: {}", e.without_url())))?;
    let mut body = response.bytes_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk
            .map_err(|e| UserError::internal(format!("discord download: {}", e.without_url())))?;
        bytes.extend_from_slice(&chunk);
        if bytes.len() as u64 > limit {
            return Err(too_large(bytes.len() as u64));
        }
    }
    Ok(Bytes::from(bytes))
}

fn allowed(bot: &Bot, address: &str) -> bool {
    let Ok(url) = url::Url::parse(address) else {
        return false;
    };
    let Some(host) = url.host_str() else {
        return false;
    };
    match &bot.settings.api_url {
        Some(base) => url::Url::parse(base).is_ok_and(|base| {
            base.host_str() == Some(host)
                && base.port_or_known_default() == url.port_or_known_default()
        }),
        None => url.scheme() == "https" && CDN_HOSTS.contains(&host),
    }
}

/// Whether an attachment looks like an image worth converting.
pub fn is_image(attachment: &Attachment) -> bool {
    attachment
        .content_type
        .as_deref()
        .is_some_and(|t| t.starts_with("image/"))
        || attachment.width.is_some()
}
