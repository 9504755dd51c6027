//! `info`: what a file is (format, size, frames, metadata) without
//! converting it. `info` runs the same checked decode as a conversion (the
//! CLI's thorough answer); `describe` gives the same facts from the header
//! and metadata alone, for the chat bots' `/info`, so describing a huge image
//! costs no pixels. Both refuse damaged files and bombs.

use std::io::Cursor;
use std::time::Instant;

use image::{ImageDecoder, ImageReader};

use super::{Format, decode, header, heif, integrity, tiff};
use crate::UserError;
use crate::limits::Limits;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    pub format: Format,
    pub width: u32,
    pub height: u32,
    pub frames: u32,
    pub bytes: u64,
    /// Channels and depth, e.g. `rgba8`.
    pub color: String,
    pub icc_bytes: Option<usize>,
    pub exif_bytes: Option<usize>,
    /// EXIF orientation 1-8 when it is not the plain upright 1.
    pub orientation: Option<u8>,
}

pub fn info(bytes: &[u8], limits: &Limits) -> Result<Info, UserError> {
    let deadline = limits.deadline(Instant::now());
    limits.check_input_bytes(bytes.len() as u64)?;
    let format = super::readable_format(bytes)?;
    let decoded = decode::decode(bytes, format, limits, &deadline)?;
    let first = decoded.first();
    let orientation = decoded.orientation.to_exif();
    Ok(Info {
        format,
        width: first.width(),
        height: first.height(),
        frames: decoded.frames.len() as u32,
        bytes: bytes.len() as u64,
        color: format!("{:?}", first.color()).to_ascii_lowercase(),
        icc_bytes: decoded.icc.as_ref().map(Vec::len),
        exif_bytes: decoded.exif.as_ref().map(Vec::len),
        orientation: (orientation != 1).then_some(orientation),
    })
}

/// `info` without decoding pixels: the canvas and frames from the header,
/// colour and metadata from the decoder's header read.
pub fn describe(bytes: &[u8], limits: &Limits) -> Result<Info, UserError> {
    let header = header::probe(bytes, limits)?;
    let format = header.format;
    integrity::check(bytes, format)?;
    let mut info = Info {
        format,
        width: header.width,
        height: header.height,
        frames: header.frames,
        bytes: bytes.len() as u64,
        color: "rgba8".into(),
        icc_bytes: None,
        exif_bytes: None,
        orientation: None,
    };
    match format {
        Format::Heic | Format::Avif => {
            let header = heif::header(bytes, format.name())?;
            info.color = if header.alpha { "rgba8" } else { "rgb8" }.into();
            info.icc_bytes = header.icc.as_ref().map(Vec::len);
        }
        Format::Qoi if bytes.get(12) == Some(&3) => info.color = "rgb8".into(),
        Format::Gif | Format::Qoi => {}
        Format::Tiff if tiff::needs_own_path(bytes) => return self::info(bytes, limits),
        _ => {
            let mut decoder =
                ImageReader::with_format(Cursor::new(bytes), decode::still_format(format))
                    .into_decoder()
                    .map_err(|_| UserError::Corrupt {
                        format: format.name().to_uppercase(),
                    })?;
            if header.frames == 1 {
                info.color = format!("{:?}", decoder.color_type()).to_ascii_lowercase();
            }
            info.icc_bytes = decoder.icc_profile().ok().flatten().map(|icc| icc.len());
            info.exif_bytes = decoder
                .exif_metadata()
                .ok()
                .flatten()
                .map(|exif| exif.len());
            let orientation = decoder.orientation().map_or(1, |o| o.to_exif());
            info.orientation = (orientation != 1).then_some(orientation);
        }
    }
    Ok(info)
}
