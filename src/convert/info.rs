//! `info`: what a file is (format, size, frames, metadata) without
//! converting it. Runs the same checked decode as a conversion, so a bomb is
//! refused here too.

use std::time::Instant;

use super::{Format, decode};
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
