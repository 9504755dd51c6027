//! Formats the image crate writes well as they are: BMP, TIFF, QOI, TGA, PNM,
//! and AVIF (libaom through libheif when present, else rav1e, pure Rust).

use std::io::Cursor;

use image::codecs::avif::AvifEncoder;
use image::{DynamicImage, ImageFormat};

use super::Settings;
use crate::UserError;
use crate::convert::Format;

/// rav1e speed 1-10; 8 keeps a 12 MP photo to seconds, not minutes.
const AVIF_SPEED: u8 = 8;

/// The longest side an AVIF reader opens: libheif refuses anything longer
/// as a security limit, so a longer AVIF could not even be read back here.
pub const AVIF_MAX_SIDE: u32 = 32768;

pub fn encode(image: &DynamicImage, format: Format) -> Result<Vec<u8>, UserError> {
    let (image_format, pixels) = match format {
        Format::Bmp => (ImageFormat::Bmp, eight_bit(image, true)),
        Format::Tiff => (ImageFormat::Tiff, tiff_pixels(image)),
        Format::Qoi => (ImageFormat::Qoi, rgb_or_rgba(image)),
        Format::Tga => (ImageFormat::Tga, eight_bit(image, true)),
        Format::Pnm => (ImageFormat::Pnm, eight_bit(image, false)),
        other => unreachable!("{other} has its own encoder"),
    };
    let mut out = Cursor::new(Vec::new());
    pixels
        .write_to(&mut out, image_format)
        .map_err(UserError::internal)?;
    Ok(out.into_inner())
}

pub fn avif(image: &DynamicImage, settings: &Settings) -> Result<Vec<u8>, UserError> {
    let (width, height) = (image.width(), image.height());
    if width.max(height) > AVIF_MAX_SIDE {
        return Err(UserError::TooWideForFormat {
            format: "AVIF".into(),
            limit: AVIF_MAX_SIDE,
            width,
            height,
        });
    }
    let metadata = (settings.icc, settings.exif);
    if let Some(encoded) = crate::convert::heif::encode_avif(image, settings.quality, metadata) {
        return Ok(encoded);
    }
    let mut out = Vec::new();
    let encoder = AvifEncoder::new_with_speed_quality(&mut out, AVIF_SPEED, settings.quality);
    rgb_or_rgba(image)
        .write_with_encoder(encoder)
        .map_err(UserError::internal)?;
    Ok(out)
}

fn rgb_or_rgba(image: &DynamicImage) -> DynamicImage {
    match image {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => image.clone(),
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.to_rgba8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    }
}

/// 8-bit gray, RGB, or (where the format holds it) RGBA.
fn eight_bit(image: &DynamicImage, alpha_ok: bool) -> DynamicImage {
    match image {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => image.clone(),
        DynamicImage::ImageRgba8(_) if alpha_ok => image.clone(),
        other if other.color().has_alpha() && alpha_ok => {
            DynamicImage::ImageRgba8(other.to_rgba8())
        }
        other if !other.color().has_color() => DynamicImage::ImageLuma8(other.to_luma8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    }
}

fn tiff_pixels(image: &DynamicImage) -> DynamicImage {
    match image {
        DynamicImage::ImageLumaA8(_) | DynamicImage::ImageLumaA16(_) => {
            DynamicImage::ImageRgba8(image.to_rgba8())
        }
        DynamicImage::ImageRgb32F(_) | DynamicImage::ImageRgba32F(_) => {
            DynamicImage::ImageRgba16(image.to_rgba16())
        }
        other => other.clone(),
    }
}
