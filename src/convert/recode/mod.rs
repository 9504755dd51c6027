//! JPEG to JPEG without pixels. A JPEG that only needs turning upright,
//! a rotation or flip, a new quality and its metadata handled is recoded in
//! the DCT domain: its coefficients are read, moved, requantised and written
//! with Huffman tables made for them. There is no inverse and forward DCT,
//! no colour conversion and no chroma resampling, so it is several times
//! faster than decoding and encoding and loses less. Every JPEG the pixel
//! path writes gets the same optimal tables (`optimise`).

mod block;
mod huffman;
mod read;
mod tables;
mod turn;
mod write;

use image::metadata::Orientation;

use super::orient::Layout;
use super::{Format, InputSummary, Note, Output};
use crate::UserError;
use crate::limits::{Deadline, Limits};
use crate::options::{Flip, Options, Rotate};
use turn::Turn;

/// Quantised DCT coefficients of a grey or 4:2:0 YCbCr JPEG.
pub struct Image {
    pub width: u16,
    pub height: u16,
    /// Y alone, or Y, Cb, Cr.
    pub planes: Vec<Plane>,
}

pub struct Plane {
    /// The component id the file gave it.
    pub id: u8,
    /// Sampling factors: 2×2 for the luma of a colour image, else 1×1.
    pub h: u8,
    pub v: u8,
    /// The block grid as written, padded to whole MCUs.
    pub blocks_w: usize,
    pub blocks_h: usize,
    /// Row-major blocks as read, coefficients in zigzag order.
    pub blocks: Vec<[i16; 64]>,
    /// How the blocks as read are placed in the grid as written: turning an
    /// image moves no block, so it costs no second copy of the plane.
    pub order: Layout,
    /// Quantisation table in zigzag order.
    pub quant: [u16; 64],
}

impl Plane {
    /// Block (`bx`, `by`) of the grid as written.
    #[inline]
    pub fn block(&self, bx: usize, by: usize) -> &[i16; 64] {
        let turn = Turn(self.order);
        let (sx, sy) = turn.source((self.blocks_w, self.blocks_h), bx, by);
        let (stored_w, _) = turn.grid(self.blocks_w, self.blocks_h);
        &self.blocks[sy * stored_w + sx]
    }
}

/// The JFIF header the pixel path's encoder writes: version 1.2, no units,
/// square pixels.
const JFIF: &[u8] = b"JFIF\0\x01\x02\x00\x00\x01\x00\x01\x00\x00";

/// `jpeg`, a baseline file this crate just encoded, with optimal Huffman
/// tables; `None` when it can't be read back or would not get smaller.
pub fn optimise(jpeg: &[u8]) -> Option<Vec<u8>> {
    let parsed = read::read(jpeg, u64::MAX)?;
    let smaller = write::write(&parsed.image, &parsed.segments);
    (smaller.len() < jpeg.len()).then_some(smaller)
}

/// The conversion of JPEG `bytes` to JPEG when `options` ask for nothing
/// recoding can't do; `None` leaves the job to the pixel path.
pub fn convert(
    bytes: &[u8],
    options: &Options,
    limits: &Limits,
    deadline: &Deadline,
) -> Result<Option<Output>, UserError> {
    let pixel_work = options.crop.is_some()
        || options.square
        || options.resize.is_some()
        || options.max_bytes.is_some()
        || options.progressive;
    if pixel_work {
        return Ok(None);
    }
    let Some(parsed) = read::read(bytes, limits.max_pixels) else {
        return Ok(None);
    };
    deadline.check()?;
    let keep = options.keep_metadata;
    if parsed.has_icc() && !keep {
        return Ok(None);
    }
    let orientation = parsed
        .exif()
        .and_then(Orientation::from_exif_chunk)
        .filter(|_| !options.no_orient)
        .unwrap_or(Orientation::NoTransforms);
    let turn = Turn(turned(orientation, options));
    let had_metadata = parsed.has_icc() || parsed.exif().is_some();
    let image = parsed.image;
    if !turn.fits(&image) {
        return Ok(None);
    }
    let segments = metadata(&parsed.segments, keep, !options.no_orient);
    let quality = options
        .quality
        .unwrap_or_else(|| super::encode::default_quality(Format::Jpeg));
    let (source_width, source_height) = (image.width, image.height);
    let (width, height) = turn.size(source_width, source_height);
    let image = Image {
        width,
        height,
        planes: image
            .planes
            .into_iter()
            .enumerate()
            .map(|(index, plane)| {
                turn::recode(plane, turn, &tables::quantisation(quality, index == 0))
            })
            .collect(),
    };
    deadline.check()?;
    let segments: Vec<(u8, &[u8])> = segments.iter().map(|(m, p)| (*m, p.as_slice())).collect();
    let jpeg = write::write(&image, &segments);
    let mut notes = Vec::new();
    if orientation != Orientation::NoTransforms {
        notes.push(Note::Oriented);
    }
    if had_metadata && !keep {
        notes.push(Note::MetadataRemoved);
    }
    Ok(Some(Output {
        format: Format::Jpeg,
        bytes: jpeg,
        width: width.into(),
        height: height.into(),
        frames: 1,
        input: InputSummary {
            format: Format::Jpeg,
            bytes: bytes.len() as u64,
            width: source_width.into(),
            height: source_height.into(),
            frames: 1,
        },
        quality: Some(quality),
        notes,
    }))
}

/// The orientation, then the asked rotation, then the asked flip, as one
/// move (the order the pixel path applies them in).
fn turned(orientation: Orientation, options: &Options) -> Layout {
    let rotation = match options.rotate {
        Rotate::None => Orientation::NoTransforms,
        Rotate::Cw90 => Orientation::Rotate90,
        Rotate::Cw180 => Orientation::Rotate180,
        Rotate::Cw270 => Orientation::Rotate270,
    };
    let flip = match options.flip {
        None => Orientation::NoTransforms,
        Some(Flip::Horizontal) => Orientation::FlipHorizontal,
        Some(Flip::Vertical) => Orientation::FlipVertical,
    };
    [orientation, rotation, flip]
        .into_iter()
        .filter_map(Layout::of)
        .fold(Layout::IDENTITY, Layout::then)
}

/// The segments the result carries: the JFIF header, and when metadata is
/// kept the first EXIF block (its orientation cleared once applied) and
/// the ICC profile as they were.
fn metadata(source: &[(u8, &[u8])], keep: bool, oriented: bool) -> Vec<(u8, Vec<u8>)> {
    let mut segments = vec![(0xE0, JFIF.to_vec())];
    if !keep {
        return segments;
    }
    let mut exif_kept = false;
    for (marker, payload) in source {
        if *marker == 0xE1 && payload.starts_with(b"Exif\0\0") && !exif_kept {
            let mut exif = payload.to_vec();
            if oriented {
                let _ = Orientation::remove_from_exif_chunk(&mut exif[6..]);
            }
            segments.push((0xE1, exif));
            exif_kept = true;
        } else if *marker == 0xE2 && payload.starts_with(b"ICC_PROFILE\0") {
            segments.push((0xE2, payload.to_vec()));
        }
    }
    segments
}

#[cfg(test)]
mod tests;
