//! ICO output: one file holding the standard icon sizes (16 to 256 px) that
//! fit the image, each as a PNG entry, largest first.

use image::codecs::ico::{IcoEncoder, IcoFrame};
use image::imageops::FilterType;
use image::{DynamicImage, ExtendedColorType};

use crate::UserError;

const SIZES: [u32; 6] = [256, 128, 64, 48, 32, 16];

pub fn encode(image: &DynamicImage) -> Result<Vec<u8>, UserError> {
    let long_side = image.width().max(image.height());
    let mut sizes: Vec<u32> = SIZES.iter().copied().filter(|s| *s <= long_side).collect();
    if sizes.is_empty() {
        sizes.push(long_side);
    }
    let largest = super::super::ops::fit_within(image, sizes[0])?;
    let mut entries = Vec::with_capacity(sizes.len());
    for size in sizes {
        let icon = square(&largest, size).to_rgba8();
        let entry = IcoFrame::as_png(icon.as_raw(), size, size, ExtendedColorType::Rgba8)
            .map_err(UserError::internal)?;
        entries.push(entry);
    }
    let mut out = Vec::new();
    IcoEncoder::new(&mut out)
        .encode_images(&entries)
        .map_err(UserError::internal)?;
    Ok(out)
}

/// The image fitted into a `size`×`size` square, centred on transparency.
fn square(image: &DynamicImage, size: u32) -> DynamicImage {
    let fitted = image.resize(size, size, FilterType::Lanczos3).to_rgba8();
    let mut canvas = image::RgbaImage::new(size, size);
    let x = (size - fitted.width()) / 2;
    let y = (size - fitted.height()) / 2;
    image::imageops::overlay(&mut canvas, &fitted, i64::from(x), i64::from(y));
    DynamicImage::ImageRgba8(canvas)
}
