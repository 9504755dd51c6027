//! `OptionError`: why option words (`/convert webp 80`, `--quality 500`,
//! `?rotate=45`) were refused, one variant per mistake. Each quotes back the
//! word as given and says how to write it; the grammar itself lives in
//! `options.rs`. Kept apart from `UserError` so the option mistakes stay one
//! group (one HTTP status, one arm in every match) while each keeps its own
//! sentence and code.

use crate::convert::Format;

/// Every option word the grammar knows, as the user is told after an unknown one.
pub const ALLOWED: &str = "a format (jpeg, png, webp, gif, avif, bmp, tiff, ico, qoi, tga, pnm, pdf), \
quality 1-100 (`80` or `q=80`), a size (`1600`, `1600x1200`, `50%`), `enlarge`, \
`crop=WxH+X+Y`, `rotate=90|180|270`, `flip=h|v`, a byte target (`max=500KB`), \
`lossless`, `progressive`, `bg=white` or `bg=#rrggbb`, `keep-metadata`, `no-orient`, `square` \
(centre square crop), `animated=gif` (format for animations), a preset (`sticker`, `preset=email`)";

/// A refused option word. `word` is the word as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionError {
    #[error("I don't understand `{word}`. You can use: {ALLOWED}.")]
    UnknownWord { word: String },

    #[error("I don't know the format `{word}`. Pick one of: {writable}.", writable = Format::writable_names())]
    UnknownFormat { word: String },

    #[error("Name one target format only, e.g. `/convert webp`.")]
    TwoFormats,

    #[error("Quality must be a number from 1 to 100, not `{word}`.")]
    QualityOutOfRange { word: String },

    #[error(
        "I can't read the size `{word}`. Write it like `1600` (long side), `1600x1200` (box) or `50%`."
    )]
    BadResize { word: String },

    #[error(
        "I can't read the crop `{word}`. Write it as WIDTHxHEIGHT+X+Y, e.g. `crop=800x600+10+20`."
    )]
    BadCrop { word: String },

    #[error("I can only rotate by 90, 180 or 270 degrees, not `{word}`.")]
    BadRotation { word: String },

    #[error("Flip is `flip=h` (left-right) or `flip=v` (top-bottom), not `{word}`.")]
    BadFlip { word: String },

    #[error("I can't read the size target `{word}`. Write it like `max=500KB` or `max=2MB`.")]
    BadSizeTarget { word: String },

    #[error("A size target must be at least 1KB, not `{word}`.")]
    SizeTargetTooSmall { word: String },

    #[error(
        "I don't know the colour `{word}`. Use a name like `white` or a hex code like `#ff8800`."
    )]
    UnknownColour { word: String },

    /// `known` lists every preset this server has, built-in and the operator's.
    #[error("I don't know the preset `{word}`. Pick one of: {known}.")]
    UnknownPreset { word: String, known: String },
}

impl OptionError {
    /// A stable, kebab-case code for APIs, metrics and history.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownWord { .. } => "unknown-word",
            Self::UnknownFormat { .. } => "unknown-format",
            Self::TwoFormats => "two-formats",
            Self::QualityOutOfRange { .. } => "quality-out-of-range",
            Self::BadResize { .. } => "bad-resize",
            Self::BadCrop { .. } => "bad-crop",
            Self::BadRotation { .. } => "bad-rotation",
            Self::BadFlip { .. } => "bad-flip",
            Self::BadSizeTarget { .. } => "bad-size-target",
            Self::SizeTargetTooSmall { .. } => "size-target-too-small",
            Self::UnknownColour { .. } => "unknown-colour",
            Self::UnknownPreset { .. } => "unknown-preset",
        }
    }

    /// Every code `code` can return, for readers of stored outcomes.
    pub const CODES: [&'static str; 12] = [
        "unknown-word",
        "unknown-format",
        "two-formats",
        "quality-out-of-range",
        "bad-resize",
        "bad-crop",
        "bad-rotation",
        "bad-flip",
        "bad-size-target",
        "size-target-too-small",
        "unknown-colour",
        "unknown-preset",
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UserError;

    #[test]
    fn each_mistake_has_its_own_sentence_and_code() {
        let word = |word: &str| word.to_string();
        let cases: Vec<(UserError, &str, &str)> = vec![
            (
                OptionError::UnknownWord {
                    word: word("banana"),
                }
                .into(),
                "unknown-word",
                "I don't understand `banana`. You can use: a format (jpeg,",
            ),
            (
                OptionError::UnknownFormat {
                    word: word("to=svg"),
                }
                .into(),
                "unknown-format",
                "I don't know the format `to=svg`. Pick one of: jpeg, png, gif",
            ),
            (
                OptionError::TwoFormats.into(),
                "two-formats",
                "Name one target format only, e.g. `/convert webp`.",
            ),
            (
                OptionError::QualityOutOfRange {
                    word: word("q=101"),
                }
                .into(),
                "quality-out-of-range",
                "Quality must be a number from 1 to 100, not `q=101`.",
            ),
            (
                OptionError::BadResize {
                    word: word("0x100"),
                }
                .into(),
                "bad-resize",
                "I can't read the size `0x100`. Write it like `1600` (long side)",
            ),
            (
                OptionError::BadCrop {
                    word: word("crop=1+2"),
                }
                .into(),
                "bad-crop",
                "I can't read the crop `crop=1+2`. Write it as WIDTHxHEIGHT+X+Y",
            ),
            (
                OptionError::BadRotation {
                    word: word("rotate=45"),
                }
                .into(),
                "bad-rotation",
                "I can only rotate by 90, 180 or 270 degrees, not `rotate=45`.",
            ),
            (
                OptionError::BadFlip {
                    word: word("flip=d"),
                }
                .into(),
                "bad-flip",
                "Flip is `flip=h` (left-right) or `flip=v` (top-bottom), not `flip=d`.",
            ),
            (
                OptionError::BadSizeTarget {
                    word: word("max=lots"),
                }
                .into(),
                "bad-size-target",
                "I can't read the size target `max=lots`. Write it like `max=500KB`",
            ),
            (
                OptionError::SizeTargetTooSmall {
                    word: word("max=12"),
                }
                .into(),
                "size-target-too-small",
                "A size target must be at least 1KB, not `max=12`.",
            ),
            (
                OptionError::UnknownColour {
                    word: word("bg=mauve"),
                }
                .into(),
                "unknown-colour",
                "I don't know the colour `bg=mauve`. Use a name like `white`",
            ),
            (
                OptionError::UnknownPreset {
                    word: word("preset=stcker"),
                    known: "sticker, emoji".into(),
                }
                .into(),
                "unknown-preset",
                "I don't know the preset `preset=stcker`. Pick one of: sticker, emoji.",
            ),
        ];
        assert_eq!(cases.len(), OptionError::CODES.len());
        for (error, code, sentence) in &cases {
            assert_eq!(error.code(), *code, "{error:?}");
            assert!(error.to_string().starts_with(sentence), "{error}");
        }
        let mut codes: Vec<_> = cases.iter().map(|(e, _, _)| e.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), cases.len(), "two mistakes share a code");
    }
}
