//! The one user-facing error type. Its `Display` is the sentence a chat user
//! reads, so it names the problem and what to do next; internal detail never
//! appears here, it goes to the logs with a short reference instead.

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

    #[error("{message}")]
    BadOptions { message: String },

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
            Self::BadOptions { .. } => "bad-options",
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
            Self::Internal { .. } => "internal",
        }
    }

    /// Seconds a client should wait before trying again, where that is known.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::Busy { seconds }
            | Self::RateLimited { seconds }
            | Self::ShareFull { seconds }
            | Self::Unavailable { seconds } => Some(*seconds),
            _ => None,
        }
    }

    pub fn bad_options(message: impl Into<String>) -> Self {
        Self::BadOptions {
            message: message.into(),
        }
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
}
