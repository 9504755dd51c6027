//! Colour management: images tagged with an ICC profile other than sRGB are
//! converted to sRGB, so they look the same once the profile is stripped.
//! Only 8-bit RGB(A) pixels are transformed; anything else passes through.

use image::DynamicImage;
use qcms::{DataType, Intent, Profile, Transform};

use super::decode::Frame;

/// Converts every frame to sRGB. Returns true when pixels were changed.
pub fn to_srgb(frames: &mut [Frame], icc: &[u8]) -> bool {
    let Some(input) = Profile::new_from_slice(icc, false) else {
        tracing::debug!("unreadable ICC profile ignored");
        return false;
    };
    if input.is_sRGB() {
        return false;
    }
    let mut output = Profile::new_sRGB();
    output.precache_output_transform();
    let mut changed = false;
    for frame in frames {
        let (data_type, pixels) = match &mut frame.image {
            DynamicImage::ImageRgb8(image) => (DataType::RGB8, &mut **image),
            DynamicImage::ImageRgba8(image) => (DataType::RGBA8, &mut **image),
            _ => continue,
        };
        let Some(transform) = Transform::new(&input, &output, data_type, Intent::Perceptual) else {
            return changed;
        };
        transform.apply(pixels);
        changed = true;
    }
    changed
}
