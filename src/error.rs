//! The one user-facing error type. Its `Display` is the sentence a chat user
//! reads, so it names the problem and what to do next; internal detail never
//! appears here, it goes to the logs with a short reference instead.

mod option;
mod render;

pub use option::{ALLOWED, OptionError};
pub use render::catalog;

use crate::size::ByteSize;

/// Everything that can go wrong with a conversion, as a user sees it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    #[error(
        "That is not an image I can read ({what}). Send a JPEG, PNG, GIF, WebP, HEIC, AVIF, BMP, TIFF, ICO, QOI, TGA or PNM file."
    )]
    UnsupportedFormat { what: String },

    #[error("I can't write {format} files. Pick one of: {allowed}.")]
    CannotWrite { format: String, allowed: String },

    #[error("That file is {size}; the limit is {limit}. Send a smaller file.")]
    TooLarge { size: ByteSize, limit: ByteSize },

    #[error(
        "That image is {width}x{height} pixels{frames_note}; the limit is {limit} megapixels. Send a smaller image."
    )]
    TooManyPixels {
        width: u64,
        height: u64,
        frames_note: String,
        limit: u64,
    },

    #[error("That animation has more than {limit} frames; the limit is {limit}.")]
    TooManyFrames { limit: u64 },

    #[error(
        "That file needs more memory to open than I allow (for example huge embedded metadata). Send a simpler file."
    )]
    TooComplex,

    #[error(
        "That file looks damaged or incomplete ({format}), so I couldn't read it. Try exporting it again."
    )]
    Corrupt { format: String },

    /// An option word that doesn't parse; each mistake has its own sentence.
    #[error(transparent)]
    BadOption(#[from] OptionError),

    #[error("That crop starts outside the image, which is {width}x{height}.")]
    CropOutside { width: u32, height: u32 },

    #[error(
        "{format} can't be wider or taller than {limit} pixels; this image is {width}x{height}. Resize it or pick PNG or TIFF."
    )]
    TooWideForFormat {
        format: String,
        limit: u32,
        width: u32,
        height: u32,
    },

    #[error("I need an image for that. Send or attach one.")]
    NothingToConvert,

    #[error("That message has no image in it.")]
    NoImageInMessage,

    #[error("I couldn't read that message's images any more. It may have been deleted.")]
    ImagesGone,

    #[error("I only fetch images uploaded to this chat itself. Upload the image here.")]
    WrongHost,

    #[error("Send an image in the request body, or as the `file` field of a form.")]
    EmptyBody,

    #[error("The upload form could not be read; send the image as a `file` field.")]
    FormUnreadable,

    #[error("The form had no file in it; send the image as a `file` field.")]
    NoFileInForm,

    #[error("Only the person who asked for this can delete it.")]
    NotYours,

    #[error("That is more than {limit} images at once. Send at most {limit} in one go.")]
    TooManyFiles { limit: usize },

    #[error(
        "I couldn't get the result under {target} even at the lowest quality. Try a larger size or a smaller image."
    )]
    TargetUnreachable { target: ByteSize },

    #[error(
        "That took too long to convert (over {seconds} s). Try a smaller image or a simpler format."
    )]
    Timeout { seconds: u64 },

    #[error("So many images are waiting that yours would take too long. Try again in {seconds} s.")]
    Busy { seconds: u64 },

    #[error(
        "The result would be {width}x{height} pixels{frames_note}; the limit is {limit} megapixels. Ask for a smaller size."
    )]
    ResultTooManyPixels {
        width: u64,
        height: u64,
        frames_note: String,
        limit: u64,
    },

    #[error(
        "The result would be about {size} before compression; the limit is {limit}. Ask for a smaller size or another format."
    )]
    ResultTooLarge { size: ByteSize, limit: ByteSize },

    #[error(
        "Those {images} images come to more than {limit} megapixels together, the most one PDF may hold. Send fewer or smaller images."
    )]
    AlbumTooLarge { images: u64, limit: u64 },

    #[error(
        "You already have as many results waiting in my memory as one person may. Try again in {seconds} s, when older ones are gone."
    )]
    ShareFull { seconds: u64 },

    #[error("I can't reach my storage right now. Try again in {seconds} s.")]
    Unavailable { seconds: u64 },

    #[error("Your file stopped arriving before it was complete. Please send it again.")]
    DownloadStalled,

    #[error(
        "That image is no longer in my memory (everything is deleted within the hour). Please send it again."
    )]
    Gone,

    #[error("You're sending images faster than I can take them. Try again in {seconds} s.")]
    RateLimited { seconds: u64 },

    #[error("This download link is not valid.")]
    BadLink,

    #[error("There is no such file.")]
    NoSuchFile,

    #[error("This server keeps no history.")]
    NoHistory,

    #[error("Send your browser token in the x-pixdrop-token header (16 to 128 characters).")]
    NoToken,

    #[error("Your history can't be reached right now. Try again in {seconds} s.")]
    HistoryUnavailable { seconds: u64 },

    #[error("This API needs a key: send it as `Authorization: Bearer <key>`.")]
    KeyRequired,

    #[error("That API key is not valid (wrong, or revoked). Check it, or ask for a new one.")]
    KeyInvalid,

    #[error(
        "That Idempotency-Key was already used for a different request. Use a new key for a new request."
    )]
    IdempotencyConflict,

    #[error("Something went wrong on my side (ref {reference}). Please try again.")]
    Internal { reference: String },
}

impl UserError {
    /// A stable, kebab-case code for APIs and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnsupportedFormat { .. } => "unsupported-format",
            Self::CannotWrite { .. } => "cannot-write",
            Self::TooLarge { .. } => "too-large",
            Self::TooManyPixels { .. } => "too-many-pixels",
            Self::TooManyFrames { .. } => "too-many-frames",
            Self::TooComplex => "too-complex",
            Self::Corrupt { .. } => "corrupt",
            Self::BadOption(mistake) => mistake.code(),
            Self::CropOutside { .. } => "crop-outside",
            Self::TooWideForFormat { .. } => "too-wide-for-format",
            Self::NothingToConvert => "nothing-to-convert",
            Self::NoImageInMessage => "no-image-in-message",
            Self::ImagesGone => "images-gone",
            Self::WrongHost => "wrong-host",
            Self::EmptyBody => "empty-body",
            Self::FormUnreadable => "form-unreadable",
            Self::NoFileInForm => "no-file-in-form",
            Self::TooManyFiles { .. } => "too-many-files",
            Self::NotYours => "not-yours",
            Self::TargetUnreachable { .. } => "target-unreachable",
            Self::Timeout { .. } => "timeout",
            Self::Busy { .. } => "busy",
            Self::ResultTooManyPixels { .. } => "result-too-many-pixels",
            Self::ResultTooLarge { .. } => "result-too-large",
            Self::AlbumTooLarge { .. } => "album-too-large",
            Self::ShareFull { .. } => "share-full",
            Self::Unavailable { .. } => "unavailable",
            Self::DownloadStalled => "download-stalled",
            Self::Gone => "gone",
            Self::RateLimited { .. } => "rate-limited",
            Self::BadLink => "bad-link",
            Self::NoSuchFile => "not-found",
            Self::NoHistory => "no-history",
            Self::NoToken => "no-token",
            Self::HistoryUnavailable { .. } => "history-unavailable",
            Self::KeyRequired => "key-required",
            Self::KeyInvalid => "key-invalid",
            Self::IdempotencyConflict => "idempotency-conflict",
            Self::Internal { .. } => "internal",
        }
    }

    /// Seconds a client should wait before trying again, where that is known.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::Busy { seconds }
            | Self::RateLimited { seconds }
            | Self::ShareFull { seconds }
            | Self::Unavailable { seconds }
            | Self::HistoryUnavailable { seconds } => Some(*seconds),
            _ => None,
        }
    }

    /// Every code `code` can return: the codes of its own variants, then
    /// those of `OptionError`.
    pub fn codes() -> impl Iterator<Item = &'static str> {
        CODES.into_iter().chain(OptionError::CODES)
    }

    /// Logs `detail` with a fresh reference and returns the error the user sees.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        let reference = crate::reference::fresh();
        tracing::error!(reference = %reference, "internal error: {detail}");
        Self::Internal { reference }
    }

    /// True when the fault lies with the input or the request, not with us.
    pub fn is_users(&self) -> bool {
        !matches!(
            self,
            Self::Internal { .. }
                | Self::Busy { .. }
                | Self::Timeout { .. }
                | Self::Unavailable { .. }
        )
    }
}

/// The codes of `UserError`'s own variants (`BadOption` answers with
/// `OptionError`'s).
const CODES: [&str; 38] = [
    "unsupported-format",
    "cannot-write",
    "too-large",
    "too-many-pixels",
    "too-many-frames",
    "too-complex",
    "corrupt",
    "crop-outside",
    "too-wide-for-format",
    "nothing-to-convert",
    "no-image-in-message",
    "images-gone",
    "wrong-host",
    "empty-body",
    "form-unreadable",
    "no-file-in-form",
    "too-many-files",
    "not-yours",
    "target-unreachable",
    "timeout",
    "busy",
    "result-too-many-pixels",
    "result-too-large",
    "album-too-large",
    "share-full",
    "unavailable",
    "download-stalled",
    "gone",
    "rate-limited",
    "bad-link",
    "not-found",
    "no-history",
    "no-token",
    "history-unavailable",
    "key-required",
    "key-invalid",
    "idempotency-conflict",
    "internal",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_sentences_without_internal_detail() {
        let err = UserError::TooLarge {
            size: ByteSize(60 * 1024 * 1024),
            limit: ByteSize(50 * 1024 * 1024),
        };
        assert_eq!(
            err.to_string(),
            "That file is 62.9 MB; the limit is 52.4 MB. Send a smaller file."
        );
        assert_eq!(err.code(), "too-large");
        let internal = UserError::internal("codec said EOF at 0x1f");
        assert!(!internal.to_string().contains("0x1f"));
        assert!(internal.to_string().starts_with("Something went wrong"));
    }

    /// One of each variant added with #14, with the sentence and code it
    /// must show (the option mistakes' are in `option.rs`).
    pub(super) fn every_situation() -> Vec<(UserError, &'static str, &'static str)> {
        vec![
            (
                UserError::CropOutside {
                    width: 10,
                    height: 20,
                },
                "crop-outside",
                "That crop starts outside the image, which is 10x20.",
            ),
            (
                UserError::TooWideForFormat {
                    format: "JPEG".into(),
                    limit: 65_535,
                    width: 70_000,
                    height: 10,
                },
                "too-wide-for-format",
                "JPEG can't be wider or taller than 65535 pixels; this image is 70000x10.",
            ),
            (
                UserError::NothingToConvert,
                "nothing-to-convert",
                "I need an image for that. Send or attach one.",
            ),
            (
                UserError::NoImageInMessage,
                "no-image-in-message",
                "That message has no image in it.",
            ),
            (
                UserError::ImagesGone,
                "images-gone",
                "I couldn't read that message's images any more.",
            ),
            (
                UserError::WrongHost,
                "wrong-host",
                "I only fetch images uploaded to this chat itself.",
            ),
            (
                UserError::EmptyBody,
                "empty-body",
                "Send an image in the request body, or as the `file` field of a form.",
            ),
            (
                UserError::FormUnreadable,
                "form-unreadable",
                "The upload form could not be read; send the image as a `file` field.",
            ),
            (
                UserError::NoFileInForm,
                "no-file-in-form",
                "The form had no file in it; send the image as a `file` field.",
            ),
            (
                UserError::NotYours,
                "not-yours",
                "Only the person who asked for this can delete it.",
            ),
            (
                UserError::TooManyFiles { limit: 10 },
                "too-many-files",
                "That is more than 10 images at once. Send at most 10 in one go.",
            ),
            (
                UserError::BadLink,
                "bad-link",
                "This download link is not valid.",
            ),
            (UserError::NoSuchFile, "not-found", "There is no such file."),
            (
                UserError::NoHistory,
                "no-history",
                "This server keeps no history.",
            ),
            (
                UserError::NoToken,
                "no-token",
                "Send your browser token in the x-pixdrop-token header (16 to 128 characters).",
            ),
            (
                UserError::HistoryUnavailable { seconds: 60 },
                "history-unavailable",
                "Your history can't be reached right now. Try again in 60 s.",
            ),
            (
                UserError::KeyRequired,
                "key-required",
                "This API needs a key",
            ),
            (
                UserError::KeyInvalid,
                "key-invalid",
                "That API key is not valid",
            ),
            (
                UserError::IdempotencyConflict,
                "idempotency-conflict",
                "That Idempotency-Key was already used for a different request.",
            ),
        ]
    }

    #[test]
    fn each_situation_has_its_own_sentence_and_code() {
        let situations = every_situation();
        for (error, code, sentence) in &situations {
            assert_eq!(error.code(), *code, "{error:?}");
            let said = error.to_string();
            assert!(said.starts_with(sentence), "{said:?}");
            assert!(!said.contains('\n'), "{said:?}");
            assert!(UserError::codes().any(|c| c == *code), "{code} not listed");
        }
        let mut codes: Vec<_> = situations.iter().map(|(_, code, _)| *code).collect();
        let mut sentences: Vec<_> = situations.iter().map(|(e, _, _)| e.to_string()).collect();
        codes.sort_unstable();
        codes.dedup();
        sentences.sort_unstable();
        sentences.dedup();
        assert_eq!(codes.len(), situations.len(), "two situations share a code");
        assert_eq!(sentences.len(), situations.len(), "two share a sentence");
    }

    #[test]
    fn listed_codes_are_unique_and_kebab_case() {
        let mut codes: Vec<_> = UserError::codes().collect();
        let listed = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), listed, "a code is listed twice");
        for code in codes {
            assert!(
                code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{code}"
            );
        }
    }
}
