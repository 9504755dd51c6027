//! Fuzz target `convert`: arbitrary bytes through sniff -> decode -> convert
//! and `info`, as an upload would go. The first byte picks one of a fixed
//! list of option sets (every writer and the risky paths: crop, metadata,
//! byte targets, resize, rotate and flip); the rest is the file. Besides
//! "no crash, no hang, no runaway memory", it checks what a user would
//! notice: no internal error, every error one line, and every result a file
//! of the promised format that pixdrop itself can read back.

#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use pixdrop::convert::{Format, Sniffed, sniff};
use pixdrop::{Limits, Options, UserError};

/// Option sets, indexed by the first input byte modulo their count.
const OPTION_SETS: &[&str] = &[
    "to=png",
    "to=jpeg",
    "to=jpeg quality=30 progressive",
    "to=webp",
    "to=webp lossless",
    "to=gif",
    "to=tiff crop=40x30+5+7",
    "to=ico",
    "to=pdf",
    "to=bmp",
    "to=qoi",
    "to=tga",
    "to=pnm",
    "keep-metadata",
    "to=jpeg keep-metadata",
    "to=webp keep-metadata",
    "to=png keep-metadata no-orient",
    "to=jpeg max=50KB",
    "to=webp max=50KB",
    "to=png max=50KB",
    "resize=50%",
    "to=webp resize=50% bg=black",
    "rotate=90 flip=h",
    "to=jpeg rotate=270 flip=v bg=#ff8800",
    "to=png resize=64x64 enlarge",
    "to=gif resize=32",
];

/// AVIF encoding costs far more than the rest, so only one selector value
/// in 256 asks for it, on a small result.
const RARE_AVIF: &str = "to=avif resize=48 keep-metadata";

fuzz_target!(|data: &[u8]| {
    let Some((&pick, file)) = data.split_first() else {
        return;
    };
    let words = if pick == u8::MAX {
        RARE_AVIF
    } else {
        OPTION_SETS[usize::from(pick) % OPTION_SETS.len()]
    };
    let options = Options::parse(words.split_whitespace()).expect("the fixed option sets parse");
    let limits = small_limits();

    if let Err(error) = pixdrop::info(file, &limits) {
        check_error(&error);
    }
    match pixdrop::convert(file, &options, &limits) {
        Ok(output) => check_output(&output, &limits),
        Err(error) => check_error(&error),
    }
});

/// Small enough that one run stays well under a second on ordinary inputs.
fn small_limits() -> Limits {
    Limits {
        max_pixels: 4_000_000,
        max_frames: 100,
        time_budget: Duration::from_secs(2),
        ..Limits::default()
    }
}

fn check_error(error: &UserError) {
    assert!(
        !matches!(error, UserError::Internal { .. }),
        "an upload ended in an internal error: {error:?}"
    );
    let sentence = error.to_string();
    assert!(
        !sentence.is_empty() && !sentence.contains('\n'),
        "an error is not one line: {sentence:?}"
    );
}

fn check_output(output: &pixdrop::Output, limits: &Limits) {
    assert!(!output.bytes.is_empty(), "empty {} result", output.format);
    assert!(output.width > 0 && output.height > 0 && output.frames > 0);
    if output.format == Format::Pdf {
        assert!(
            output.bytes.starts_with(b"%PDF-"),
            "a PDF without its header"
        );
        return;
    }
    assert_eq!(
        sniff(&output.bytes),
        Sniffed::Image(output.format),
        "the result does not look like the format it claims"
    );
    if let Err(error) = pixdrop::info(&output.bytes, limits) {
        panic!(
            "pixdrop cannot read its own {} result: {error:?}",
            output.format
        );
    }
}
