//! `UserError` in the user's language: each error is said by the Fluent
//! message named by its `code()` (`locales/<lang>/errors.ftl`), with the
//! variant's fields as the message's arguments. English through this path
//! is the `Display` sentence to the byte, which the tests check for every
//! variant; `Display` itself stays the reference for logs, the CLI and the
//! API's default.

use std::sync::LazyLock;

use super::{OptionError, UserError};
use crate::convert::Format;
use crate::lang::{Arg, Catalog, Lang};
use crate::size::ByteSize;

/// The errors' messages in every language, compiled in.
static ERRORS: LazyLock<Catalog> = LazyLock::new(|| {
    Catalog::new(|lang| {
        vec![match lang {
            Lang::En => include_str!("../../locales/en/errors.ftl"),
            Lang::De => include_str!("../../locales/de/errors.ftl"),
            Lang::Es => include_str!("../../locales/es/errors.ftl"),
            Lang::Ru => include_str!("../../locales/ru/errors.ftl"),
        }]
    })
});

/// The catalog the errors are said from, for checks of its completeness.
pub fn catalog() -> &'static Catalog {
    &ERRORS
}

impl UserError {
    /// The sentence the user reads, in `lang`.
    pub fn in_language(&self, lang: Lang) -> String {
        let args = self.args(lang);
        ERRORS.text(lang, self.code(), &args)
    }

    /// The variant's fields as the message's arguments, sizes and notes
    /// already said in `lang`.
    fn args(&self, lang: Lang) -> Vec<(&'static str, Arg<'_>)> {
        let size = |size: &ByteSize| Arg::from(byte_size(*size, lang));
        match self {
            Self::UnsupportedFormat { what } => vec![("what", what.as_str().into())],
            Self::CannotWrite { format, allowed } => {
                vec![
                    ("format", format.as_str().into()),
                    ("allowed", allowed.as_str().into()),
                ]
            }
            Self::TooLarge { size: given, limit } | Self::ResultTooLarge { size: given, limit } => {
                vec![("size", size(given)), ("limit", size(limit))]
            }
            Self::TooManyPixels {
                width,
                height,
                frames_note,
                limit,
            }
            | Self::ResultTooManyPixels {
                width,
                height,
                frames_note,
                limit,
            } => vec![
                ("width", (*width).into()),
                ("height", (*height).into()),
                ("frames_note", frames(frames_note, lang).into()),
                ("limit", (*limit).into()),
            ],
            Self::TooManyFrames { limit } => vec![("limit", (*limit).into())],
            Self::TooManyFiles { limit } => vec![("limit", (*limit as u64).into())],
            Self::Corrupt { format } => vec![("format", format.as_str().into())],
            Self::BadOption(mistake) => mistake.args(),
            Self::CropOutside { width, height } => {
                vec![("width", (*width).into()), ("height", (*height).into())]
            }
            Self::TooWideForFormat {
                format,
                limit,
                width,
                height,
            } => vec![
                ("format", format.as_str().into()),
                ("limit", (*limit).into()),
                ("width", (*width).into()),
                ("height", (*height).into()),
            ],
            Self::TargetUnreachable { target } => vec![("target", size(target))],
            Self::Timeout { seconds }
            | Self::Busy { seconds }
            | Self::ShareFull { seconds }
            | Self::Unavailable { seconds }
            | Self::RateLimited { seconds }
            | Self::HistoryUnavailable { seconds } => vec![("seconds", (*seconds).into())],
            Self::AlbumTooLarge { images, limit } => {
                vec![("images", (*images).into()), ("limit", (*limit).into())]
            }
            Self::Internal { reference } => vec![("reference", reference.as_str().into())],
            Self::TooComplex
            | Self::NothingToConvert
            | Self::NoImageInMessage
            | Self::ImagesGone
            | Self::WrongHost
            | Self::EmptyBody
            | Self::FormUnreadable
            | Self::NoFileInForm
            | Self::NotYours
            | Self::DownloadStalled
            | Self::Gone
            | Self::BadLink
            | Self::NoSuchFile
            | Self::NoHistory
            | Self::NoToken
            | Self::KeyRequired
            | Self::KeyInvalid
            | Self::IdempotencyConflict => Vec::new(),
        }
    }
}

impl OptionError {
    fn args(&self) -> Vec<(&'static str, Arg<'_>)> {
        match self {
            // The list of words is a message of its own in each language.
            Self::UnknownWord { word } => vec![("word", word.as_str().into())],
            Self::UnknownFormat { word } => vec![
                ("word", word.as_str().into()),
                ("writable", Format::writable_names().into()),
            ],
            Self::UnknownPreset { word, known } => {
                vec![
                    ("word", word.as_str().into()),
                    ("known", known.as_str().into()),
                ]
            }
            Self::TwoFormats => Vec::new(),
            Self::QualityOutOfRange { word }
            | Self::BadResize { word }
            | Self::BadCrop { word }
            | Self::BadRotation { word }
            | Self::BadFlip { word }
            | Self::BadSizeTarget { word }
            | Self::SizeTargetTooSmall { word }
            | Self::UnknownColour { word } => vec![("word", word.as_str().into())],
        }
    }
}

/// A byte size as the user reads it: units are the same everywhere, only
/// "bytes" is a word.
fn byte_size(size: ByteSize, lang: Lang) -> String {
    if size.0 < 1_000 {
        return ERRORS.text(lang, "size-bytes", &[("bytes", size.0.into())]);
    }
    size.to_string()
}

/// The frame count of a pixel refusal (` x 12 frames`, empty for a still),
/// said in `lang`. The count is the note's only number.
fn frames(note: &str, lang: Lang) -> String {
    let count = note
        .split_whitespace()
        .find_map(|word| word.parse::<u64>().ok());
    match count {
        Some(frames) => ERRORS.text(lang, "frames-note", &[("frames", frames.into())]),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
