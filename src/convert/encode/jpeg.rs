//! JPEG output through jpeg-encoder (AVX2 DCT, optional progressive scans),
//! 4:2:0 like every common encoder's default. Each chroma sample is the
//! mean of its 2×2 pixels, as libjpeg makes it: the crate's default takes
//! one pixel of the four, which on a screenshot cost 1 dB in Cr and made
//! the file larger. Baseline output is rewritten with Huffman tables made
//! for the image (`recode::optimise`), faster than the encoder's own
//! optimising mode.

use std::borrow::Cow;

use image::DynamicImage;
use jpeg_encoder::{ChromaSubsamplingMethod, ColorType, Encoder, SamplingFactor};

use super::super::recode;
use super::Settings;
use crate::UserError;

pub fn encode(image: &DynamicImage, settings: &Settings) -> Result<Vec<u8>, UserError> {
    let (width, height) = (image.width(), image.height());
    let (Ok(w), Ok(h)) = (u16::try_from(width), u16::try_from(height)) else {
        return Err(UserError::TooWideForFormat {
            format: "JPEG".into(),
            limit: u16::MAX.into(),
            width,
            height,
        });
    };
    let gray = !image.color().has_color();
    let pixels: Cow<'_, [u8]> = match image {
        DynamicImage::ImageLuma8(grey) => Cow::Borrowed(grey.as_raw()),
        DynamicImage::ImageRgb8(rgb) => Cow::Borrowed(rgb.as_raw()),
        other if gray => Cow::Owned(other.to_luma8().into_raw()),
        other => Cow::Owned(other.to_rgb8().into_raw()),
    };
    let mut out = Vec::with_capacity(pixels.len() / 8);
    let mut encoder = Encoder::new(&mut out, settings.quality);
    encoder.set_sampling_factor(SamplingFactor::R_4_2_0);
    encoder.set_chroma_subsampling_method(ChromaSubsamplingMethod::Average);
    encoder.set_progressive(settings.progressive);
    encoder.set_optimized_huffman_tables(settings.progressive);
    if let Some(icc) = settings.icc {
        encoder.add_icc_profile(icc).map_err(UserError::internal)?;
    }
    if let Some(exif) = settings.exif {
        encoder
            .add_exif_metadata(exif)
            .map_err(UserError::internal)?;
    }
    let color = if gray {
        ColorType::Luma
    } else {
        ColorType::Rgb
    };
    encoder
        .encode(&pixels, w, h, color)
        .map_err(UserError::internal)?;
    if settings.progressive {
        return Ok(out);
    }
    Ok(recode::optimise(&out).unwrap_or(out))
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use image::{Rgb, RgbImage};

    use super::*;
    use crate::limits::Limits;

    #[test]
    fn chroma_is_the_mean_of_its_four_pixels() {
        let stripes = RgbImage::from_fn(64, 64, |x, _| {
            if x % 2 == 0 {
                Rgb([255, 0, 0])
            } else {
                Rgb([0, 0, 255])
            }
        });
        let settings = Settings {
            quality: 95,
            lossless: false,
            progressive: false,
            icc: None,
            exif: None,
            deadline: Limits::default().deadline(Instant::now()),
        };
        let jpeg = encode(&DynamicImage::ImageRgb8(stripes), &settings).expect("encodes");
        let decoded = image::load_from_memory(&jpeg).expect("decodes").to_rgb8();
        let mean = |channel: usize| {
            let sum: u64 = decoded.pixels().map(|p| u64::from(p[channel])).sum();
            sum / u64::from(decoded.width() * decoded.height())
        };
        let (red, blue) = (mean(0), mean(2));
        assert!(
            red.abs_diff(blue) < 24,
            "red and blue stripes average to purple, not to one of them: red {red}, blue {blue}"
        );
    }
}
