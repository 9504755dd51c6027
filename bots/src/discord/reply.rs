//! What a result looks like on Discord: `files_or_links` decides per
//! result whether it fits the interaction's upload limit or goes out as a
//! signed link. Sending it is `rest`'s job.

use pixdrop::{Lang, Reply};
use serenity::all::CreateAttachment;

use crate::texts;

/// The files that fit under `limit` bytes, and the text for the message:
/// each result's summary in `lang`, with a download link for those that don't fit.
pub fn files_or_links(
    replies: &[Reply],
    limit: u64,
    lang: Lang,
) -> (Vec<CreateAttachment>, String) {
    let mut files = Vec::new();
    let mut text = Vec::new();
    for reply in replies {
        if reply.bytes.len() as u64 <= limit {
            files.push(CreateAttachment::bytes(
                reply.bytes.to_vec(),
                reply.file_name(),
            ));
            text.push(texts::summary(lang, reply));
        } else {
            text.push(texts::as_link(lang, reply));
        }
    }
    (files, text.join("\n\n"))
}
