//! Pixel operations, in the contract's order: auto-orient, crop, rotate, flip,
//! resize, background. Each works on every frame of an animation alike.

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::metadata::Orientation;
use image::{DynamicImage, GenericImageView, ImageBuffer, Rgb, RgbImage, Rgba, RgbaImage};

type Rgba16Image = ImageBuffer<Rgba<u16>, Vec<u16>>;
type Rgb16Image = ImageBuffer<Rgb<u16>, Vec<u16>>;

use super::decode::Frame;
use super::orient::oriented;
use crate::UserError;
use crate::color::Rgb as Background;
use crate::limits::{Deadline, Limits};
use crate::options::{Crop, Flip, Resize, Rotate};

pub fn orient(frames: &mut [Frame], orientation: Orientation) {
    if orientation == Orientation::NoTransforms {
        return;
    }
    for frame in frames {
        let image = std::mem::take(&mut frame.image);
        frame.image = oriented(image, orientation);
    }
}

pub fn crop(frames: &mut [Frame], crop: Crop) -> Result<(), UserError> {
    let (width, height) = frames[0].image.dimensions();
    if crop.x >= width || crop.y >= height {
        return Err(UserError::CropOutside { width, height });
    }
    let w = crop.width.min(width - crop.x);
    let h = crop.height.min(height - crop.y);
    for frame in frames {
        frame.image = frame.image.crop_imm(crop.x, crop.y, w, h);
    }
    Ok(())
}

/// The side and offsets of the largest square centred in `width`×`height`.
pub fn centre_square(width: u32, height: u32) -> Crop {
    let side = width.min(height);
    Crop {
        width: side,
        height: side,
        x: (width - side) / 2,
        y: (height - side) / 2,
    }
}

/// Cuts every frame to its centred square (avatars).
pub fn square(frames: &mut [Frame]) {
    let (width, height) = frames[0].image.dimensions();
    let Crop {
        width,
        height,
        x,
        y,
    } = centre_square(width, height);
    for frame in frames {
        frame.image = frame.image.crop_imm(x, y, width, height);
    }
}

pub fn rotate(frames: &mut [Frame], rotate: Rotate) {
    let orientation = match rotate {
        Rotate::None => return,
        Rotate::Cw90 => Orientation::Rotate90,
        Rotate::Cw180 => Orientation::Rotate180,
        Rotate::Cw270 => Orientation::Rotate270,
    };
    orient(frames, orientation);
}

pub fn flip(frames: &mut [Frame], flip: Flip) {
    let orientation = match flip {
        Flip::Horizontal => Orientation::FlipHorizontal,
        Flip::Vertical => Orientation::FlipVertical,
    };
    orient(frames, orientation);
}

/// The size `resize` asks for, or `None` when the image stays as it is
/// (already small enough and enlarging was not asked for).
pub fn target_size(
    (width, height): (u32, u32),
    resize: Resize,
    enlarge: bool,
) -> Option<(u32, u32)> {
    let (w, h) = (f64::from(width), f64::from(height));
    let (scale, asked_to_enlarge) = match resize {
        Resize::LongSide(side) => (f64::from(side) / w.max(h), enlarge),
        Resize::Fit {
            width: bw,
            height: bh,
        } => ((f64::from(bw) / w).min(f64::from(bh) / h), enlarge),
        Resize::Percent(percent) => (f64::from(percent) / 100.0, true),
    };
    if scale >= 1.0 && !asked_to_enlarge {
        return None;
    }
    let size = (
        ((w * scale).round() as u32).max(1),
        ((h * scale).round() as u32).max(1),
    );
    (size != (width, height)).then_some(size)
}

pub fn resize(
    frames: &mut [Frame],
    (width, height): (u32, u32),
    limits: &Limits,
    deadline: &Deadline,
) -> Result<(), UserError> {
    limits.check_canvas(width, height, frames.len() as u64)?;
    let mut resizer = Resizer::new();
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    for frame in frames {
        deadline.check()?;
        frame.image = scaled(&mut resizer, &frame.image, width, height, &options)?;
    }
    Ok(())
}

/// `image` scaled down (Lanczos3) to fit a `side`×`side` square, or as it
/// is when it already fits.
pub fn fit_within(image: &DynamicImage, side: u32) -> Result<DynamicImage, UserError> {
    let (width, height) = (image.width(), image.height());
    let Some(size) = target_size((width, height), Resize::LongSide(side), false) else {
        return Ok(image.clone());
    };
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    scaled(&mut Resizer::new(), image, size.0, size.1, &options)
}

fn scaled(
    resizer: &mut Resizer,
    source: &DynamicImage,
    width: u32,
    height: u32,
    options: &ResizeOptions,
) -> Result<DynamicImage, UserError> {
    let widened;
    let source = match source {
        DynamicImage::ImageRgb32F(_) | DynamicImage::ImageRgba32F(_) => {
            widened = DynamicImage::ImageRgba16(source.to_rgba16());
            &widened
        }
        other => other,
    };
    let mut target = DynamicImage::new(width, height, source.color());
    resizer
        .resize(source, &mut target, options)
        .map_err(UserError::internal)?;
    Ok(target)
}

/// Lays images with alpha onto `background`, for targets that cannot hold
/// transparency. Opaque images pass through unchanged.
pub fn flatten(frames: &mut [Frame], background: Background) {
    for frame in frames {
        if !frame.image.color().has_alpha() {
            continue;
        }
        frame.image = if frame.image.color().bytes_per_pixel() > 4 {
            DynamicImage::ImageRgb16(over16(&frame.image.to_rgba16(), background))
        } else {
            DynamicImage::ImageRgb8(over8(&frame.image.to_rgba8(), background))
        };
    }
}

fn over8(image: &RgbaImage, background: Background) -> RgbImage {
    let bg = background.0.map(u32::from);
    let mut out = Vec::with_capacity(image.as_raw().len() / 4 * 3);
    for px in image.as_raw().chunks_exact(4) {
        let a = u32::from(px[3]);
        for (c, under) in px[..3].iter().zip(bg) {
            out.push(((u32::from(*c) * a + under * (255 - a) + 127) / 255) as u8);
        }
    }
    RgbImage::from_raw(image.width(), image.height(), out).expect("3 bytes per pixel")
}

fn over16(image: &Rgba16Image, background: Background) -> Rgb16Image {
    let bg = background.0.map(|c| u64::from(c) * 257);
    let mut out = Vec::with_capacity(image.as_raw().len() / 4 * 3);
    for px in image.as_raw().chunks_exact(4) {
        let a = u64::from(px[3]);
        for (c, under) in px[..3].iter().zip(bg) {
            out.push(((u64::from(*c) * a + under * (65_535 - a) + 32_767) / 65_535) as u16);
        }
    }
    Rgb16Image::from_raw(image.width(), image.height(), out).expect("3 samples per pixel")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resize_fits_and_never_enlarges_unless_asked() {
        assert_eq!(
            target_size((4000, 3000), Resize::LongSide(1600), false),
            Some((1600, 1200))
        );
        assert_eq!(
            target_size((3000, 4000), Resize::LongSide(1600), false),
            Some((1200, 1600))
        );
        assert_eq!(target_size((800, 600), Resize::LongSide(1600), false), None);
        assert_eq!(
            target_size((800, 600), Resize::LongSide(1600), true),
            Some((1600, 1200))
        );
        assert_eq!(
            target_size(
                (4000, 3000),
                Resize::Fit {
                    width: 1000,
                    height: 1000
                },
                false
            ),
            Some((1000, 750))
        );
        assert_eq!(
            target_size((100, 50), Resize::Percent(50), false),
            Some((50, 25))
        );
        assert_eq!(
            target_size((100, 50), Resize::Percent(200), false),
            Some((200, 100))
        );
        assert_eq!(
            target_size((10000, 1), Resize::LongSide(100), false),
            Some((100, 1))
        );
    }

    #[test]
    fn the_centre_square_is_cut_from_the_middle_of_the_long_side() {
        let square = |w, h| {
            let c = centre_square(w, h);
            (c.width, c.height, c.x, c.y)
        };
        assert_eq!(square(300, 200), (200, 200, 50, 0));
        assert_eq!(square(200, 301), (200, 200, 0, 50));
        assert_eq!(square(64, 64), (64, 64, 0, 0));
    }

    #[test]
    fn flatten_lays_transparency_on_the_background() {
        let mut image = RgbaImage::new(2, 1);
        image.put_pixel(0, 0, Rgba([0, 0, 0, 0]));
        image.put_pixel(1, 0, Rgba([255, 0, 0, 255]));
        let mut frames = vec![Frame {
            image: DynamicImage::ImageRgba8(image),
            delay_ms: 0,
        }];
        flatten(&mut frames, Background([0, 0, 255]));
        let out = frames[0].image.as_rgb8().expect("flattened to RGB");
        assert_eq!(out.get_pixel(0, 0).0, [0, 0, 255]);
        assert_eq!(out.get_pixel(1, 0).0, [255, 0, 0]);
    }

    #[test]
    fn rotate_and_flip_move_pixels_clockwise_and_mirror() {
        let mut image = image::GrayImage::new(2, 1);
        image.put_pixel(0, 0, image::Luma([9]));
        let mut frames = vec![Frame {
            image: DynamicImage::ImageLuma8(image),
            delay_ms: 0,
        }];
        rotate(&mut frames, Rotate::Cw90);
        let rotated = frames[0].image.as_luma8().unwrap();
        assert_eq!(rotated.dimensions(), (1, 2));
        assert_eq!(rotated.get_pixel(0, 0).0, [9]);
        flip(&mut frames, Flip::Vertical);
        assert_eq!(frames[0].image.as_luma8().unwrap().get_pixel(0, 1).0, [9]);
    }
}
