//! The conversion pipeline: sniff, check limits, decode, colour-manage,
//! transform, encode. Synchronous and pure: bytes in, bytes out, nothing
//! touches the disk, the network or a clock other than the deadline. Callers
//! run it on the CPU pool (see `pool`).

pub mod decode;
mod encode;
mod format;
mod gif;
mod header;
pub mod heif;
mod icc;
mod info;
mod integrity;
pub mod ops;
mod orient;
mod plan;
mod qoi;
mod recode;
mod sniff;
mod target;
mod tiff;

use std::time::Instant;

pub use decode::{Decoded, Frame};
pub use format::Format;
pub use header::{Header, probe};
pub use info::{Info, describe, info};
pub use plan::{Cost, check_result, plan};
pub use sniff::{Sniffed, sniff};

use crate::UserError;
use crate::color::Rgb;
use crate::limits::{Deadline, Limits};
use crate::options::{Options, Rotate};
use encode::Settings;

/// A finished conversion: the bytes and what a reply needs to describe them.
#[derive(Debug, Clone)]
pub struct Output {
    pub format: Format,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub frames: u32,
    pub input: InputSummary,
    /// The encoder quality used, for lossy formats.
    pub quality: Option<u8>,
    /// What was done, in plain words, for the reply text.
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputSummary {
    pub format: Format,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    pub frames: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    Oriented,
    ColourConverted,
    Resized { width: u32, height: u32 },
    FirstFrameOnly { frames: u32 },
    Flattened(Rgb),
    MetadataRemoved,
    QualityLowered { quality: u8 },
    ShrunkToFit { width: u32, height: u32 },
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Oriented => f.write_str("turned upright"),
            Self::ColourConverted => f.write_str("colours converted to sRGB"),
            Self::Resized { width, height } => write!(f, "resized to {width}x{height}"),
            Self::FirstFrameOnly { frames } => write!(
                f,
                "the target can't animate, so only the first of {frames} frames was kept"
            ),
            Self::Flattened(Rgb([r, g, b])) => {
                write!(f, "transparency filled with #{r:02x}{g:02x}{b:02x}")
            }
            Self::MetadataRemoved => f.write_str("metadata removed"),
            Self::QualityLowered { quality } => write!(f, "quality lowered to {quality} to fit"),
            Self::ShrunkToFit { width, height } => write!(f, "shrunk to {width}x{height} to fit"),
        }
    }
}

/// Converts `bytes` as `options` ask, within `limits`.
pub fn convert(bytes: &[u8], options: &Options, limits: &Limits) -> Result<Output, UserError> {
    let deadline = limits.deadline(Instant::now());
    limits.check_input_bytes(bytes.len() as u64)?;
    let source = readable_format(bytes)?;
    let target = target_format(options, source)?;
    check_plan(bytes, options, limits)?;
    if source == Format::Jpeg
        && target == Format::Jpeg
        && integrity::check(bytes, source).is_ok()
        && let Some(output) = recode::convert(bytes, options, limits, &deadline)?
    {
        return Ok(output);
    }
    let decoded = decode::decode(bytes, source, limits, &deadline)?;
    deadline.check()?;
    let target = for_frames(target, options, decoded.frames.len() as u32)?;
    let input = InputSummary {
        format: source,
        bytes: bytes.len() as u64,
        width: decoded.first().width(),
        height: decoded.first().height(),
        frames: decoded.frames.len() as u32,
    };
    process(decoded, input, target, options, limits, &deadline)
}

/// Refuses, from the header alone, a job whose result would be absurd. A
/// header this probe can't read is left to the decoder to judge.
fn check_plan(bytes: &[u8], options: &Options, limits: &Limits) -> Result<(), UserError> {
    match probe(bytes, limits) {
        Ok(header) => plan(&header, bytes.len() as u64, options, limits).map(|_| ()),
        Err(UserError::Corrupt { .. }) => Ok(()),
        Err(error) => Err(error),
    }
}

/// Several images as one PDF, a page per image (or animation frame), each
/// prepared with the same options. Limits apply to each input, and the page
/// count to the frame limit.
pub fn pdf_of(inputs: &[&[u8]], options: &Options, limits: &Limits) -> Result<Output, UserError> {
    let deadline = limits.deadline(Instant::now());
    let mut pages = Vec::new();
    let mut notes = Vec::new();
    let mut first = None;
    let mut pixels = 0u64;
    for bytes in inputs {
        deadline.check()?;
        limits.check_input_bytes(bytes.len() as u64)?;
        let source = readable_format(bytes)?;
        check_plan(bytes, options, limits)?;
        let mut decoded = decode::decode(bytes, source, limits, &deadline)?;
        pixels = pixels.saturating_add(
            decoded
                .frames
                .iter()
                .map(|f| u64::from(f.image.width()) * u64::from(f.image.height()))
                .sum(),
        );
        limits.check_album(inputs.len(), pixels)?;
        first.get_or_insert(InputSummary {
            format: source,
            bytes: inputs.iter().map(|b| b.len() as u64).sum(),
            width: decoded.first().width(),
            height: decoded.first().height(),
            frames: inputs.len() as u32,
        });
        for note in prepare(&mut decoded, Format::Pdf, options, limits, &deadline)? {
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
        pages.append(&mut decoded.frames);
        if pages.len() as u64 > limits.max_frames {
            return Err(UserError::TooManyFrames {
                limit: limits.max_frames,
            });
        }
    }
    let input = first.ok_or(UserError::NothingToConvert)?;
    let settings = Settings {
        quality: options
            .quality
            .unwrap_or_else(|| encode::default_quality(Format::Pdf)),
        lossless: options.lossless,
        progressive: false,
        icc: None,
        exif: None,
        deadline,
    };
    let encoded = target::encode(
        &mut pages,
        Format::Pdf,
        settings,
        options.max_bytes,
        limits,
        &deadline,
    )?;
    notes.extend(encoded.notes);
    Ok(Output {
        format: Format::Pdf,
        width: pages[0].image.width(),
        height: pages[0].image.height(),
        frames: pages.len() as u32,
        bytes: encoded.bytes,
        input,
        quality: Some(encoded.quality),
        notes,
    })
}

/// The format of `bytes` if this build can read it, else the user's error.
pub fn readable_format(bytes: &[u8]) -> Result<Format, UserError> {
    match sniff(bytes) {
        Sniffed::Image(format) if format.readable() => Ok(format),
        Sniffed::Image(format) => Err(UserError::UnsupportedFormat {
            what: format!(
                "{}, which this server was built without",
                format.name().to_uppercase()
            ),
        }),
        Sniffed::Other(what) => Err(UserError::UnsupportedFormat { what: what.into() }),
    }
}

fn target_format(options: &Options, source: Format) -> Result<Format, UserError> {
    match options.to {
        Some(format) if !format.writable() => Err(UserError::CannotWrite {
            format: format.name().to_uppercase(),
            allowed: Format::writable_names(),
        }),
        Some(format) => Ok(format),
        None if source.writable() => Ok(source),
        None => Ok(Format::Png),
    }
}

/// The format a result of `frames` frames is written in: `animated_to`,
/// when it is set and the input animates, else the `target` already chosen.
fn for_frames(target: Format, options: &Options, frames: u32) -> Result<Format, UserError> {
    match options.animated_to {
        Some(animated) if frames > 1 => target_format(
            &Options {
                to: Some(animated),
                ..Options::default()
            },
            target,
        ),
        _ => Ok(target),
    }
}

/// Every step before encoding: frame selection, colour, the ops in contract
/// order, and the background under transparency. Notes say what was done.
fn prepare(
    decoded: &mut Decoded,
    target: Format,
    options: &Options,
    limits: &Limits,
    deadline: &Deadline,
) -> Result<Vec<Note>, UserError> {
    let mut notes = Vec::new();
    let frames = &mut decoded.frames;
    if !target.animates() && target != Format::Pdf && frames.len() > 1 {
        notes.push(Note::FirstFrameOnly {
            frames: frames.len() as u32,
        });
        frames.truncate(1);
    }
    if !options.keep_metadata
        && let Some(icc) = &decoded.icc
        && icc::to_srgb(frames, icc)
    {
        notes.push(Note::ColourConverted);
    }
    if !options.no_orient && decoded.orientation != image::metadata::Orientation::NoTransforms {
        ops::orient(frames, decoded.orientation);
        notes.push(Note::Oriented);
    }
    if let Some(crop) = options.crop {
        ops::crop(frames, crop)?;
    }
    if options.square {
        ops::square(frames);
    }
    if options.rotate != Rotate::None {
        ops::rotate(frames, options.rotate);
    }
    if let Some(flip) = options.flip {
        ops::flip(frames, flip);
    }
    deadline.check()?;
    let size = (frames[0].image.width(), frames[0].image.height());
    if let Some(resize) = options.resize
        && let Some((width, height)) = ops::target_size(size, resize, options.enlarge)
    {
        let per_pixel =
            plan::result_bytes_per_pixel(target, frames[0].image.color().bytes_per_pixel());
        check_result(width, height, frames.len() as u64, per_pixel, limits)?;
        ops::resize(frames, (width, height), limits, deadline)?;
        notes.push(Note::Resized { width, height });
    }
    if !target.has_alpha() && frames.iter().any(|f| f.image.color().has_alpha()) {
        let background = options.background.unwrap_or(Rgb::WHITE);
        ops::flatten(frames, background);
        notes.push(Note::Flattened(background));
    }
    Ok(notes)
}

fn process(
    mut decoded: Decoded,
    input: InputSummary,
    target: Format,
    options: &Options,
    limits: &Limits,
    deadline: &Deadline,
) -> Result<Output, UserError> {
    let mut notes = prepare(&mut decoded, target, options, limits, deadline)?;
    let frames = &mut decoded.frames;
    deadline.check()?;
    let keep = options.keep_metadata;
    let exif = decoded.exif.clone().filter(|_| keep).map(|mut exif| {
        if !options.no_orient {
            let _ = image::metadata::Orientation::remove_from_exif_chunk(&mut exif);
        }
        exif
    });
    let had_metadata = decoded.icc.is_some() || decoded.exif.is_some();
    let settings = Settings {
        quality: options
            .quality
            .unwrap_or_else(|| encode::default_quality(target)),
        lossless: options.lossless,
        progressive: options.progressive,
        icc: decoded.icc.as_deref().filter(|_| keep),
        exif: exif.as_deref(),
        deadline: *deadline,
    };
    if had_metadata && !keep {
        notes.push(Note::MetadataRemoved);
    }
    let encoded = target::encode(
        frames,
        target,
        settings,
        options.max_bytes,
        limits,
        deadline,
    )?;
    notes.extend(encoded.notes);
    Ok(Output {
        format: target,
        width: frames[0].image.width(),
        height: frames[0].image.height(),
        frames: frames.len() as u32,
        bytes: encoded.bytes,
        input,
        quality: target.lossy().then_some(encoded.quality),
        notes,
    })
}
