//! Finding and downloading a message's images: attachments, and embeds'
//! images through Discord's media proxy. Downloads come only from Discord's
//! CDN hosts (or, with `DISCORD_API_URL`, that host), never from an address
//! a user typed, through the shared capped download (`crate::download`):
//! declared size first, then a hard cap and time bounds while streaming.

use bytes::Bytes;
use pixdrop::UserError;
use serenity::all::{Attachment, Embed, Message};

use super::Bot;
use crate::download::Download;

const CDN_HOSTS: [&str; 2] = ["cdn.discordapp.com", "media.discordapp.net"];

/// One image to fetch: where it is, and its size when Discord told us.
#[derive(Debug, Clone)]
pub struct Source {
    url: String,
    declared: Option<u64>,
}

impl From<&Attachment> for Source {
    fn from(attachment: &Attachment) -> Self {
        Self {
            url: attachment.url.clone(),
            declared: Some(attachment.size.into()),
        }
    }
}

/// The images a message shows: image attachments first, then embed images.
pub fn sources(message: &Message) -> Vec<Source> {
    let attached = message
        .attachments
        .iter()
        .filter(|a| is_image(a))
        .map(Source::from);
    let embedded = message.embeds.iter().filter_map(embedded_image);
    attached.chain(embedded).collect()
}

/// An embed's picture, as served by Discord's media proxy: the image of a
/// rich embed, or the thumbnail of a link to an image.
fn embedded_image(embed: &Embed) -> Option<Source> {
    let from_image = embed
        .image
        .as_ref()
        .map(|i| i.proxy_url.clone().unwrap_or_else(|| i.url.clone()));
    let from_thumbnail = || {
        embed
            .thumbnail
            .as_ref()
            .filter(|_| embed.kind.as_deref() == Some("image"))
            .map(|t| t.proxy_url.clone().unwrap_or_else(|| t.url.clone()))
    };
    from_image.or_else(from_thumbnail).map(|url| Source {
        url,
        declared: None,
    })
}

/// Downloads `source` with the shared capped download, from Discord's own
/// hosts only.
pub async fn download(bot: &Bot, source: &Source) -> Result<Bytes, UserError> {
    let download = Download {
        limit: bot.core.limits().max_input_bytes,
        timeouts: bot.settings.download,
    };
    download.check_declared(source.declared)?;
    if !allowed(bot, &source.url) {
        tracing::warn!("discord image from an unexpected host refused");
        return Err(UserError::WrongHost);
    }
    download.get(bot.downloads.get(&source.url)).await
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
