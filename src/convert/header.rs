//! `probe`: what an image's header says (format, canvas, frames, bytes per
//! decoded pixel) without decoding any pixels. It prices a job before it is
//! admitted, refuses results that would be absurd before any buffer is
//! allocated, and answers `/info`. Only headers and frame tables are read;
//! nothing here inflates image data.

use std::io::Cursor;

use image::codecs::png::PngDecoder;
use image::{ColorType, ImageDecoder, ImageReader};

use super::{Format, decode, gif, heif, integrity, readable_format};
use crate::UserError;
use crate::limits::Limits;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub format: Format,
    pub width: u32,
    pub height: u32,
    /// Frames of an animation; 1 for a still image.
    pub frames: u32,
    /// Bytes one pixel takes once decoded (3 for RGB, 8 for 16-bit RGBA).
    pub bytes_per_pixel: u8,
}

impl Header {
    /// Bytes the decoded frames take.
    pub fn decoded_bytes(&self) -> u64 {
        u64::from(self.width)
            * u64::from(self.height)
            * u64::from(self.frames.max(1))
            * u64::from(self.bytes_per_pixel)
    }
}

/// Reads the header of `bytes`, checking the canvas against `limits`.
pub fn probe(bytes: &[u8], limits: &Limits) -> Result<Header, UserError> {
    limits.check_input_bytes(bytes.len() as u64)?;
    let format = readable_format(bytes)?;
    let corrupt = || UserError::Corrupt {
        format: format.name().to_uppercase(),
    };
    let (width, height, frames, bytes_per_pixel) = match format {
        Format::Heic | Format::Avif => {
            let header = heif::header(bytes, format.name())?;
            (
                header.width,
                header.height,
                1,
                if header.alpha { 4 } else { 3 },
            )
        }
        Format::Gif => {
            let (width, height, frames) = gif::header(bytes, limits)?;
            (width, height, frames, 4)
        }
        Format::Qoi => {
            let header = bytes.get(4..13).ok_or_else(corrupt)?;
            let side = |at: usize| u32::from_be_bytes(header[at..at + 4].try_into().expect("4"));
            (side(0), side(4), 1, 4)
        }
        Format::Png => png(bytes).ok_or_else(corrupt)?,
        Format::Webp => webp(bytes).ok_or_else(corrupt)?,
        _ => {
            // The image crate's readers meet damage that the integrity
            // checks refuse (a TIFF tag reaching the `tiff` crate's `dbg!`).
            integrity::check(bytes, format)?;
            still(bytes, format).ok_or_else(corrupt)?
        }
    };
    if width == 0 || height == 0 {
        return Err(corrupt());
    }
    limits.check_canvas(width, height, u64::from(frames))?;
    Ok(Header {
        format,
        width,
        height,
        frames,
        bytes_per_pixel,
    })
}

type Dimensions = (u32, u32, u32, u8);

fn png(bytes: &[u8]) -> Option<Dimensions> {
    let frames = apng_frames(bytes).unwrap_or(1);
    let decoder = PngDecoder::new(Cursor::new(bytes)).ok()?;
    let (width, height) = decoder.dimensions();
    let per_pixel = if frames > 1 {
        4
    } else {
        decoder.color_type().bytes_per_pixel()
    };
    Some((width, height, frames, per_pixel))
}

/// The frame count of an animated PNG's `acTL` chunk, which must come
/// before the image data.
fn apng_frames(bytes: &[u8]) -> Option<u32> {
    let mut at = 8;
    while let Some(header) = bytes.get(at..at + 8) {
        let length = u32::from_be_bytes(header[..4].try_into().ok()?) as usize;
        match &header[4..8] {
            b"acTL" => {
                let data = bytes.get(at + 8..at + 12)?;
                return Some(u32::from_be_bytes(data.try_into().ok()?).max(1));
            }
            b"IDAT" | b"IEND" => return None,
            _ => at = at.checked_add(12)?.checked_add(length)?,
        }
    }
    None
}

/// WebP's canvas from VP8X (with its animation frames counted) or from the
/// single image's own header.
fn webp(bytes: &[u8]) -> Option<Dimensions> {
    if bytes.get(12..16) == Some(b"VP8X") {
        let canvas = bytes.get(24..30)?;
        let side = |at: usize| {
            u32::from(canvas[at]) | u32::from(canvas[at + 1]) << 8 | u32::from(canvas[at + 2]) << 16
        };
        let frames = riff_chunks(bytes)
            .filter(|kind| kind == b"ANMF")
            .count()
            .max(1);
        return Some((side(0) + 1, side(3) + 1, u32::try_from(frames).ok()?, 4));
    }
    still(bytes, Format::Webp)
}

/// The kinds of the top-level chunks of a RIFF file, in order.
fn riff_chunks(bytes: &[u8]) -> impl Iterator<Item = [u8; 4]> + '_ {
    let mut at = 12usize;
    std::iter::from_fn(move || {
        let header = bytes.get(at..at + 8)?;
        let length = u32::from_le_bytes(header[4..8].try_into().ok()?) as usize;
        at = at
            .checked_add(8)?
            .checked_add(length)?
            .checked_add(length % 2)?;
        header[..4].try_into().ok()
    })
}

fn still(bytes: &[u8], format: Format) -> Option<Dimensions> {
    let image_format = decode::still_format(format);
    let decoder = ImageReader::with_format(Cursor::new(bytes), image_format)
        .into_decoder()
        .ok()?;
    let (width, height) = decoder.dimensions();
    let per_pixel = match decoder.color_type() {
        ColorType::L8 | ColorType::La8 => 4,
        other => other.bytes_per_pixel().max(3),
    };
    Some((width, height, 1, per_pixel))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_of(width: u32, height: u32, color: image::ExtendedColorType) -> Vec<u8> {
        let mut out = Vec::new();
        let encoder = image::codecs::png::PngEncoder::new(&mut out);
        let pixels = vec![0u8; (width * height) as usize * color.bits_per_pixel() as usize / 8];
        image::ImageEncoder::write_image(encoder, &pixels, width, height, color).unwrap();
        out
    }

    #[test]
    fn a_png_header_gives_canvas_and_depth() {
        let header = probe(
            &png_of(40, 30, image::ExtendedColorType::Rgba16),
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            (header.format, header.width, header.height, header.frames),
            (Format::Png, 40, 30, 1)
        );
        assert_eq!(header.bytes_per_pixel, 8);
        assert_eq!(header.decoded_bytes(), 40 * 30 * 8);
    }

    #[test]
    fn a_header_over_the_pixel_limit_is_refused_without_decoding() {
        let limits = Limits {
            max_pixels: 1_000,
            ..Limits::default()
        };
        let refused = probe(&png_of(40, 30, image::ExtendedColorType::Rgb8), &limits);
        assert!(matches!(refused, Err(UserError::TooManyPixels { .. })));
    }

    #[test]
    fn webp_canvas_and_animation_frames_come_from_the_chunks() {
        let mut file = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\x02\0\0\0".to_vec();
        file.extend_from_slice(&[99, 0, 0, 49, 0, 0]);
        for _ in 0..3 {
            file.extend_from_slice(b"ANMF\x02\0\0\0\0\0");
        }
        let size = (file.len() - 8) as u32;
        file[4..8].copy_from_slice(&size.to_le_bytes());
        assert_eq!(webp(&file), Some((100, 50, 3, 4)));
    }
}
