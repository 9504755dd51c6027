//! Finding the image a message is about (its own photo, document, sticker or
//! animation, or those of the message it replies to) and downloading it:
//! the declared size is checked before `getFile`, and the download stops
//! one byte past the limit whatever the declaration said.

use bytes::Bytes;
use futures_util::StreamExt;
use pixdrop::{ByteSize, UserError};
use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::{FileId, Message};

/// A file a message points at, before it is downloaded.
#[derive(Debug, Clone)]
pub struct Media {
    pub file_id: FileId,
    /// As declared by Telegram; `None` when it didn't say.
    pub size: Option<u64>,
    /// Set for things that are not images (videos), with what to tell the user.
    pub refusal: Option<&'static str>,
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
        let refusal = (sticker.is_video()).then_some(
            "That sticker is a video, and I only convert images. Send a still or a WebP sticker.",
        );
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
            refusal: (!is_gif).then_some(
                "Telegram turned that GIF into a video, and I only convert images. Send the GIF as a file (📎 → File) instead.",
            ),
        });
    }
    if message.video().is_some() {
        return Some(Media {
            file_id: message.video().expect("checked").file.id.clone(),
            size: None,
            refusal: Some("That is a video, and I only convert images."),
        });
    }
    None
}

/// Refuses `media` when Telegram declared it larger than `limit`.
pub fn check_declared(media: &Media, limit: u64) -> Result<(), UserError> {
    match media.size {
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

/// Downloads `media`, refusing before any request when it is declared too
/// large, and cutting off a download that grows past `limit`.
pub async fn download(bot: &Bot, media: &Media, limit: u64) -> Result<Bytes, UserError> {
    check_declared(media, limit)?;
    let file = super::send::retrying(|| bot.get_file(media.file_id.clone()))
        .await
        .map_err(|e| UserError::internal(format!("telegram getFile: {e}")))?;
    if u64::from(file.meta.size) > limit && file.meta.size != u32::MAX {
        return Err(too_large(file.meta.size.into(), limit));
    }
    let mut stream = bot.download_file_stream(&file.path);
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| UserError::internal(format!("telegram download: {e}")))?;
        bytes.extend_from_slice(&chunk);
        if bytes.len() as u64 > limit {
            return Err(too_large(bytes.len() as u64, limit));
        }
    }
    Ok(Bytes::from(bytes))
}
