//! Every error said through the Fluent path: English exactly as `Display`
//! says it, the other languages complete and really translated.

use super::*;
use crate::error::tests::every_situation;

/// One of every variant and every option mistake, with sizes under and
/// over 1 KB and pixel refusals with and without frames.
fn every_error() -> Vec<UserError> {
    let word = |w: &str| w.to_string();
    let mut errors = vec![
        UserError::UnsupportedFormat { what: word("SVG") },
        UserError::CannotWrite {
            format: word("HEIC"),
            allowed: Format::writable_names(),
        },
        UserError::TooLarge {
            size: ByteSize(62_900_000),
            limit: ByteSize(52_428_800),
        },
        UserError::TooLarge {
            size: ByteSize(900),
            limit: ByteSize(512),
        },
        UserError::TooManyPixels {
            width: 9000,
            height: 9000,
            frames_note: String::new(),
            limit: 64,
        },
        UserError::TooManyPixels {
            width: 2000,
            height: 2000,
            frames_note: " x 22 frames".into(),
            limit: 64,
        },
        UserError::TooManyFrames { limit: 1000 },
        UserError::TooComplex,
        UserError::Corrupt {
            format: word("PNG"),
        },
        UserError::TargetUnreachable {
            target: ByteSize(500_000),
        },
        UserError::Timeout { seconds: 30 },
        UserError::Busy { seconds: 4 },
        UserError::ResultTooManyPixels {
            width: 20_000,
            height: 20_000,
            frames_note: " x 3 frames".into(),
            limit: 64,
        },
        UserError::ResultTooLarge {
            size: ByteSize(3_000_000_000),
            limit: ByteSize(100_000_000),
        },
        UserError::AlbumTooLarge {
            images: 12,
            limit: 400,
        },
        UserError::ShareFull { seconds: 120 },
        UserError::Unavailable { seconds: 5 },
        UserError::DownloadStalled,
        UserError::Gone,
        UserError::RateLimited { seconds: 21 },
        UserError::Internal {
            reference: word("7f3a"),
        },
    ];
    errors.extend(every_situation().into_iter().map(|(error, _, _)| error));
    errors.extend(
        [
            OptionError::UnknownWord {
                word: word("banana"),
            },
            OptionError::UnknownFormat {
                word: word("to=svg"),
            },
            OptionError::TwoFormats,
            OptionError::QualityOutOfRange {
                word: word("q=101"),
            },
            OptionError::BadResize {
                word: word("0x100"),
            },
            OptionError::BadCrop {
                word: word("crop=1+2"),
            },
            OptionError::BadRotation {
                word: word("rotate=45"),
            },
            OptionError::BadFlip {
                word: word("flip=d"),
            },
            OptionError::BadSizeTarget {
                word: word("max=lots"),
            },
            OptionError::SizeTargetTooSmall {
                word: word("max=12"),
            },
            OptionError::UnknownColour {
                word: word("bg=mauve"),
            },
            OptionError::UnknownPreset {
                word: word("preset=stcker"),
                known: word("sticker, emoji"),
            },
        ]
        .map(UserError::from),
    );
    errors
}

#[test]
fn the_list_has_every_code() {
    let mut listed: Vec<_> = every_error().iter().map(UserError::code).collect();
    listed.sort_unstable();
    listed.dedup();
    let mut codes: Vec<_> = UserError::codes().collect();
    codes.sort_unstable();
    assert_eq!(listed, codes);
}

#[test]
fn english_through_fluent_is_display_to_the_byte() {
    for error in every_error() {
        assert_eq!(error.in_language(Lang::En), error.to_string(), "{error:?}");
    }
    for (error, _, _) in every_situation() {
        assert_eq!(error.in_language(Lang::En), error.to_string(), "{error:?}");
    }
}

#[test]
fn every_language_has_every_message_and_only_english_placeables() {
    let problems = catalog().problems();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn other_languages_translate_and_keep_what_the_user_gave() {
    for error in every_error() {
        let english = error.in_language(Lang::En);
        for lang in [Lang::De, Lang::Es, Lang::Ru] {
            let said = error.in_language(lang);
            assert_ne!(said, english, "{lang:?} says English: {error:?}");
            assert!(!said.contains('\u{2068}'), "isolation marks: {said:?}");
            for (name, value) in error.args(lang) {
                if let Arg::Text(text) = value
                    && !text.is_empty()
                {
                    assert!(said.contains(&*text), "{lang:?} drops ${name}: {said}");
                }
            }
        }
    }
}

#[test]
fn numbers_take_their_plural_form() {
    let frames = |n: u64| UserError::TooManyPixels {
        width: 10,
        height: 10,
        frames_note: format!(" x {n} frames"),
        limit: 1,
    };
    assert!(frames(2).in_language(Lang::Ru).contains("x 2 кадра"));
    assert!(frames(5).in_language(Lang::Ru).contains("x 5 кадров"));
    assert!(frames(21).in_language(Lang::Ru).contains("x 21 кадр,"));
    let small = UserError::TooLarge {
        size: ByteSize(3),
        limit: ByteSize(2),
    };
    assert_eq!(
        small.in_language(Lang::De),
        "Die Datei ist 3 Bytes groß; erlaubt sind 2 Bytes. Schick eine kleinere Datei."
    );
}
