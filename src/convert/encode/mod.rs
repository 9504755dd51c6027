//! Encoding: frames to the bytes of the target format. One module per
//! family of encoders; this file picks the encoder and holds the settings
//! they share. Encoders see pixels already oriented, resized and flattened.

mod basic;
mod gif;
mod ico;
mod jpeg;
mod pdf;
mod png;
mod riff;
mod webp;

use super::Format;
use super::decode::Frame;
use crate::UserError;
use crate::limits::Deadline;

/// How to encode, resolved from the options and the source.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    /// 1-100; used by lossy encoders.
    pub quality: u8,
    pub lossless: bool,
    pub progressive: bool,
    /// Carried into the output only when metadata is kept.
    pub icc: Option<&'a [u8]>,
    pub exif: Option<&'a [u8]>,
    /// Checked between the frames of animations and pages of PDFs.
    pub deadline: Deadline,
}

/// The quality a format gets when none is asked for.
pub fn default_quality(format: Format) -> u8 {
    match format {
        Format::Jpeg | Format::Pdf => 85,
        Format::Avif => 60,
        _ => 80,
    }
}

pub fn encode(frames: &[Frame], format: Format, settings: &Settings) -> Result<Vec<u8>, UserError> {
    let first = &frames[0].image;
    match format {
        Format::Jpeg => jpeg::encode(first, settings),
        Format::Png if frames.len() > 1 => png::encode_animation(frames, settings),
        Format::Png => png::encode(first, settings),
        Format::Gif => gif::encode(frames, settings),
        Format::Webp => {
            let webp = if frames.len() > 1 {
                webp::encode_animation(frames, settings)?
            } else {
                webp::encode(first, settings)?
            };
            let size = (first.width(), first.height());
            let alpha = first.color().has_alpha();
            Ok(riff::with_metadata(
                webp,
                size,
                alpha,
                settings.icc,
                settings.exif,
            ))
        }
        Format::Avif => basic::avif(first, settings),
        Format::Ico => ico::encode(first),
        Format::Pdf => pdf::encode(frames, settings),
        Format::Bmp | Format::Tiff | Format::Qoi | Format::Tga | Format::Pnm => {
            basic::encode(first, format)
        }
        Format::Heic => Err(UserError::CannotWrite {
            format: format.name().into(),
            allowed: Format::writable_names(),
        }),
    }
}
