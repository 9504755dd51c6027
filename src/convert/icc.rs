//! Colour management: images tagged with an ICC profile other than sRGB are
//! converted to sRGB, so they look the same once the profile is stripped.
//! qcms transforms 8-bit pixels only, so 16-bit and float frames go through
//! 8 bits first; grey frames with a grey profile go through qcms's grey to
//! RGB transform and come back grey. Each transform is built once per image
//! and reused for every frame. A profile that does not fit the pixels (or
//! that qcms can't read, such as CMYK) leaves them as they are.

use std::cell::OnceCell;

use image::{DynamicImage, GrayAlphaImage, GrayImage};
use qcms::{DataType, Intent, Profile, Transform};

use super::decode::Frame;

/// The colour space an ICC profile describes, from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Space {
    Rgb,
    Grey,
    Other,
}

fn space(icc: &[u8]) -> Space {
    match icc.get(16..20) {
        Some(b"RGB ") => Space::Rgb,
        Some(b"GRAY") => Space::Grey,
        _ => Space::Other,
    }
}

/// The transforms one image needs, each built on first use.
struct Transforms {
    input: Box<Profile>,
    output: Box<Profile>,
    rgb: OnceCell<Option<Transform>>,
    rgba: OnceCell<Option<Transform>>,
    grey: OnceCell<Option<Transform>>,
    grey_alpha: OnceCell<Option<Transform>>,
}

impl Transforms {
    fn get(&self, input: DataType, output: DataType) -> Option<&Transform> {
        let cell = match input {
            DataType::RGB8 => &self.rgb,
            DataType::RGBA8 => &self.rgba,
            DataType::Gray8 => &self.grey,
            _ => &self.grey_alpha,
        };
        cell.get_or_init(|| {
            Transform::new_to(&self.input, &self.output, input, output, Intent::Perceptual)
        })
        .as_ref()
    }
}

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
    let transforms = Transforms {
        input,
        output,
        rgb: OnceCell::new(),
        rgba: OnceCell::new(),
        grey: OnceCell::new(),
        grey_alpha: OnceCell::new(),
    };
    let space = space(icc);
    let mut changed = false;
    for frame in frames {
        let converted = match space {
            Space::Rgb => rgb_to_srgb(&frame.image, &transforms),
            Space::Grey => grey_to_srgb(&frame.image, &transforms),
            Space::Other => None,
        };
        let Some(image) = converted else {
            return changed;
        };
        frame.image = image;
        changed = true;
    }
    changed
}

fn rgb_to_srgb(image: &DynamicImage, transforms: &Transforms) -> Option<DynamicImage> {
    if image.color().channel_count() < 3 {
        return None;
    }
    if image.color().has_alpha() {
        let transform = transforms.get(DataType::RGBA8, DataType::RGBA8)?;
        let mut pixels = image.to_rgba8();
        transform.apply(&mut pixels);
        Some(DynamicImage::ImageRgba8(pixels))
    } else {
        let transform = transforms.get(DataType::RGB8, DataType::RGB8)?;
        let mut pixels = image.to_rgb8();
        transform.apply(&mut pixels);
        Some(DynamicImage::ImageRgb8(pixels))
    }
}

/// Grey through qcms's grey-to-RGB transform; the result is neutral, so its
/// green channel is the sRGB grey value.
fn grey_to_srgb(image: &DynamicImage, transforms: &Transforms) -> Option<DynamicImage> {
    if image.color().channel_count() > 2 {
        return None;
    }
    let (width, height) = (image.width(), image.height());
    if image.color().has_alpha() {
        let transform = transforms.get(DataType::GrayA8, DataType::RGBA8)?;
        let grey = image.to_luma_alpha8();
        let mut rgba = vec![0; grey.len() * 2];
        transform.convert(&grey, &mut rgba);
        let out: Vec<u8> = rgba.chunks_exact(4).flat_map(|p| [p[1], p[3]]).collect();
        GrayAlphaImage::from_raw(width, height, out).map(DynamicImage::ImageLumaA8)
    } else {
        let transform = transforms.get(DataType::Gray8, DataType::RGB8)?;
        let grey = image.to_luma8();
        let mut rgb = vec![0; grey.len() * 3];
        transform.convert(&grey, &mut rgb);
        let out: Vec<u8> = rgb.chunks_exact(3).map(|p| p[1]).collect();
        GrayImage::from_raw(width, height, out).map(DynamicImage::ImageLuma8)
    }
}
