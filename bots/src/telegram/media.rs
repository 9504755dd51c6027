//! Finding the image a message is about (its own photo, document, sticker or
//! animation, or those of the message it replies to) and downloading it
//! with the shared capped download: the declared size is checked before
//! `getFile` and again after it, and the transfer is bounded in size and time.

use bytes::Bytes;
use pixdrop::{Lang, UserError};
use teloxide::prelude::*;
use teloxide::types::{FileId, Message};

use super::Context;
use crate::texts;

/// A file a message points at, before it is downloaded.
#[derive(Debug, Clone)]
pub struct Media {
    pub file_id: FileId,
    /// As declared by Telegram; `None` when it didn't say.
    pub size: Option<u64>,
    /// Set for things that are not images (videos), with what to tell the user.
    pub refusal: Option<fn(Lang) -> String>,
}

/// The image in `message`, else in the message it replies to.
pub fn find(message: &Message) -> Option<Media> {
    own(message).or_else(|| message.reply_to_message().and_then(own))
}

fn own(message: &Message) -> Option<Media> {
    let declared = |size: u32| (size != u32::MAX).then_some(u64::from(size));
    if let Some(largest) = message.photo().and_then(|sizes| sizes.last()) {
        return Some(Media {
            file_id: largest.file.id.clone(),
            size: declared(largest.file.size),
            refusal: None,
        });
    }
    if let Some(document) = message.document() {
        return Some(Media {
            file_id: document.file.id.clone(),
            size: declared(document.file.size),
            refusal: None,
        });
    }
    if let Some(sticker) = message.sticker() {
        let refusal = sticker
            .is_video()
            .then_some(texts::video_sticker as fn(Lang) -> String);
        return Some(Media {
            file_id: sticker.file.id.clone(),
            size: declared(sticker.file.size),
            refusal,
        });
    }
    if let Some(animation) = message.animation() {
        let is_gif = animation
            .mime_type
            .as_ref()
            .is_some_and(|mime| mime.essence_str() == "image/gif");
        return Some(Media {
            file_id: animation.file.id.clone(),
            size: declared(animation.file.size),
            refusal: (!is_gif).then_some(texts::gif_as_video as fn(Lang) -> String),
        });
    }
    if message.video().is_some() {
        return Some(Media {
            file_id: message.video().expect("checked").file.id.clone(),
            size: None,
            refusal: Some(texts::video),
        });
    }
    None
}

/// Refuses `media` when Telegram declared it larger than `limit`.
pub fn check_declared(media: &Media, limit: u64) -> Result<(), UserError> {
    crate::download::check_declared(media.size, limit)
}

/// Downloads `media`, refusing before any request when it is declared too
/// large, and cutting off a download that grows past `limit` or stalls.
pub async fn download(context: &Context, media: &Media, limit: u64) -> Result<Bytes, UserError> {
    let download = context.download(limit);
    download.check_declared(media.size)?;
    let bot = &context.bot;
    let file = super::send::retrying(|| bot.get_file(media.file_id.clone()))
        .await
        .map_err(|e| UserError::internal(format!("telegram getFile: {e}")))?;
    download.check_declared((file.meta.size != u32::MAX).then_some(file.meta.size.into()))?;
    let url = file_url(
        &context.settings.api_url,
        &context.settings.token,
        &file.path,
    )?;
    download.get(context.downloads.get(url)).await
}

/// Where the Bot API serves a file: `<api>/file/bot<token>/<path>`.
fn file_url(api_url: &str, token: &str, path: &str) -> Result<url::Url, UserError> {
    let base = url::Url::parse(api_url)
        .map_err(|e| UserError::internal(format!("TELEGRAM_API_URL: {e}")))?;
    base.join(&format!("file/bot{token}/{path}"))
        .map_err(|_| UserError::internal("telegram file path is not a URL path"))
}
