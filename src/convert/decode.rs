//! Decoding: bytes of a sniffed format to frames of pixels plus the metadata
//! later steps need (ICC, EXIF, orientation). The header is read and the
//! canvas checked against the limits before any frame is decoded, and
//! animations are checked again frame by frame, so a bomb stops early.

use std::io::Cursor;

use image::codecs::png::PngDecoder;
use image::codecs::webp::WebPDecoder;
use image::metadata::Orientation;
use image::{AnimationDecoder, DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};

use super::{Format, gif, heif, integrity, qoi, tiff};
use crate::UserError;
use crate::limits::{Deadline, Limits};

pub struct Decoded {
    pub format: Format,
    pub frames: Vec<Frame>,
    /// Came from an animation (even one with a single frame).
    pub animated: bool,
    pub icc: Option<Vec<u8>>,
    pub exif: Option<Vec<u8>>,
    pub orientation: Orientation,
}

#[derive(Clone)]
pub struct Frame {
    pub image: DynamicImage,
    pub delay_ms: u32,
}

impl Decoded {
    pub fn first(&self) -> &DynamicImage {
        &self.frames[0].image
    }
}

pub fn decode(
    bytes: &[u8],
    format: Format,
    limits: &Limits,
    deadline: &Deadline,
) -> Result<Decoded, UserError> {
    let decoded = decode_pixels(bytes, format, limits, deadline)?;
    // Some decoders accept a header with a side of 0 (a PNM of 160x0); an
    // image without pixels is damaged, and no encoder could write it.
    let empty = |frame: &Frame| frame.image.width() == 0 || frame.image.height() == 0;
    if decoded.frames.iter().any(empty) {
        return Err(UserError::Corrupt {
            format: format.name().to_uppercase(),
        });
    }
    Ok(decoded)
}

fn decode_pixels(
    bytes: &[u8],
    format: Format,
    limits: &Limits,
    deadline: &Deadline,
) -> Result<Decoded, UserError> {
    integrity::check(bytes, format)?;
    let cursor = || Cursor::new(bytes);
    let fail = |error: ImageError| map_error(error, format);
    match format {
        Format::Heic | Format::Avif => {
            let decoded = heif::decode(bytes, limits, format.name())?;
            Ok(Decoded::still(
                format,
                decoded.image,
                decoded.icc,
                None,
                Orientation::NoTransforms,
            ))
        }
        Format::Gif => {
            let frames = gif::decode(bytes, limits, deadline)?;
            Ok(Decoded {
                format,
                animated: frames.len() > 1,
                frames,
                icc: None,
                exif: None,
                orientation: Orientation::NoTransforms,
            })
        }
        Format::Qoi => {
            let image = qoi::decode(bytes, limits)?;
            Ok(Decoded::still(
                format,
                image,
                None,
                None,
                Orientation::NoTransforms,
            ))
        }
        Format::Tiff if tiff::needs_own_path(bytes) => {
            let image = tiff::decode(bytes, limits)?;
            Ok(Decoded::still(
                format,
                image,
                None,
                None,
                Orientation::NoTransforms,
            ))
        }
        Format::Png => {
            let mut decoder = PngDecoder::new(cursor()).map_err(fail)?;
            decoder.set_limits(image_limits(limits)).map_err(fail)?;
            let meta = Meta::read(&mut decoder, limits)?;
            if !decoder.is_apng().map_err(fail)? {
                let image = DynamicImage::from_decoder(decoder).map_err(fail)?;
                return Ok(meta.still(format, image));
            }
            let frames = decoder.apng().map_err(fail)?.into_frames();
            let frames = collect(frames, meta.size, limits, deadline, format)?;
            Ok(meta.animation(format, frames))
        }
        Format::Webp => {
            let mut decoder = WebPDecoder::new(cursor()).map_err(fail)?;
            decoder.set_limits(image_limits(limits)).map_err(fail)?;
            let meta = Meta::read(&mut decoder, limits)?;
            if !decoder.has_animation() {
                let image = DynamicImage::from_decoder(decoder).map_err(fail)?;
                return Ok(meta.still(format, image));
            }
            let frames = collect(decoder.into_frames(), meta.size, limits, deadline, format)?;
            Ok(meta.animation(format, frames))
        }
        _ => {
            let image_format = still_format(format);
            let mut reader = ImageReader::with_format(cursor(), image_format);
            reader.limits(image_limits(limits));
            let mut decoder = reader.into_decoder().map_err(fail)?;
            let meta = Meta::read(&mut decoder, limits)?;
            let image = DynamicImage::from_decoder(decoder).map_err(fail)?;
            Ok(meta.still(format, image))
        }
    }
}

/// What the header says, read before any pixels.
struct Meta {
    size: (u32, u32),
    icc: Option<Vec<u8>>,
    exif: Option<Vec<u8>>,
    orientation: Orientation,
}

impl Meta {
    fn read(decoder: &mut impl ImageDecoder, limits: &Limits) -> Result<Self, UserError> {
        let (width, height) = decoder.dimensions();
        limits.check_canvas(width, height, 1)?;
        Ok(Self {
            size: (width, height),
            icc: decoder.icc_profile().ok().flatten(),
            exif: decoder.exif_metadata().ok().flatten(),
            orientation: decoder.orientation().unwrap_or(Orientation::NoTransforms),
        })
    }

    fn still(self, format: Format, image: DynamicImage) -> Decoded {
        Decoded::still(format, image, self.icc, self.exif, self.orientation)
    }

    fn animation(self, format: Format, frames: Vec<Frame>) -> Decoded {
        Decoded {
            format,
            frames,
            animated: true,
            icc: self.icc,
            exif: self.exif,
            orientation: self.orientation,
        }
    }
}

impl Decoded {
    fn still(
        format: Format,
        image: DynamicImage,
        icc: Option<Vec<u8>>,
        exif: Option<Vec<u8>>,
        orientation: Orientation,
    ) -> Self {
        Self {
            format,
            frames: vec![Frame { image, delay_ms: 0 }],
            animated: false,
            icc,
            exif,
            orientation,
        }
    }
}

fn collect(
    frames: image::Frames<'_>,
    (width, height): (u32, u32),
    limits: &Limits,
    deadline: &Deadline,
    format: Format,
) -> Result<Vec<Frame>, UserError> {
    let mut out = Vec::new();
    for frame in frames {
        deadline.check()?;
        limits.check_canvas(width, height, out.len() as u64 + 1)?;
        let frame = frame.map_err(|error| map_error(error, format))?;
        let (numer, denom) = frame.delay().numer_denom_ms();
        let delay_ms = numer.checked_div(denom).unwrap_or(0);
        out.push(Frame {
            image: DynamicImage::ImageRgba8(frame.into_buffer()),
            delay_ms,
        });
    }
    if out.is_empty() {
        return Err(UserError::Corrupt {
            format: format.name().into(),
        });
    }
    Ok(out)
}

/// Allocation limits handed to the decoders: room for the largest allowed
/// canvas at 16 bits per channel with alpha, plus metadata, and no more.
fn image_limits(limits: &Limits) -> image::Limits {
    let mut out = image::Limits::default();
    out.max_alloc = Some(limits.max_pixels.saturating_mul(8).saturating_add(64 << 20));
    out
}

pub(super) fn still_format(format: Format) -> ImageFormat {
    match format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Bmp => ImageFormat::Bmp,
        Format::Tiff => ImageFormat::Tiff,
        Format::Ico => ImageFormat::Ico,
        Format::Qoi => ImageFormat::Qoi,
        Format::Tga => ImageFormat::Tga,
        Format::Pnm => ImageFormat::Pnm,
        Format::Png => ImageFormat::Png,
        Format::Gif => ImageFormat::Gif,
        Format::Webp => ImageFormat::WebP,
        Format::Avif | Format::Heic | Format::Pdf => {
            unreachable!("{format} is not decoded by the image crate")
        }
    }
}

fn map_error(error: ImageError, format: Format) -> UserError {
    tracing::debug!(%format, "decode failed: {error}");
    match error {
        ImageError::Limits(_) => UserError::TooComplex,
        ImageError::Unsupported(_) => UserError::UnsupportedFormat {
            what: format!("a kind of {} I can't read", format.name().to_uppercase()),
        },
        _ => UserError::Corrupt {
            format: format.name().to_uppercase(),
        },
    }
}
