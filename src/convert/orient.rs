//! The eight orientations (EXIF's, and the user's rotate and flip) applied
//! to a frame in one pass. Turning a 12 MP photo a quarter is a transpose:
//! walked row by row it misses the cache on every pixel it writes, so 8-bit
//! images are moved in square tiles that stay in cache. Other sample types
//! take the image crate's own path.

use image::metadata::Orientation;
use image::{DynamicImage, ImageBuffer, Pixel};

/// Side of a tile in pixels: a quarter turn reads 64 source rows for every
/// 64 output pixels it writes, and those rows' cache lines stay in L1/L2.
const TILE: usize = 64;

/// `image` turned and mirrored as `orientation` says.
pub fn oriented(image: DynamicImage, orientation: Orientation) -> DynamicImage {
    let Some(layout) = Layout::of(orientation) else {
        return image;
    };
    match image {
        DynamicImage::ImageLuma8(buffer) => DynamicImage::ImageLuma8(turned(&buffer, layout)),
        DynamicImage::ImageLumaA8(buffer) => DynamicImage::ImageLumaA8(turned(&buffer, layout)),
        DynamicImage::ImageRgb8(buffer) => DynamicImage::ImageRgb8(turned(&buffer, layout)),
        DynamicImage::ImageRgba8(buffer) => DynamicImage::ImageRgba8(turned(&buffer, layout)),
        mut other => {
            other.apply_orientation(orientation);
            other
        }
    }
}

fn turned<P: Pixel<Subpixel = u8>>(
    buffer: &ImageBuffer<P, Vec<u8>>,
    layout: Layout,
) -> ImageBuffer<P, Vec<u8>> {
    let (w, h) = buffer.dimensions();
    let source = buffer.as_raw();
    let pixels = match P::CHANNEL_COUNT {
        1 => moved::<1>(source, w, h, layout),
        2 => moved::<2>(source, w, h, layout),
        3 => moved::<3>(source, w, h, layout),
        _ => moved::<4>(source, w, h, layout),
    };
    let (w, h) = layout.size(w, h);
    ImageBuffer::from_raw(w, h, pixels).expect("as many pixels as before")
}

/// How source pixel (x, y) moves: with `swap` the axes trade places (a
/// quarter turn or a transpose); each `mirror_*` then counts that output
/// axis from its far end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Layout {
    pub swap: bool,
    pub mirror_x: bool,
    pub mirror_y: bool,
}

impl Layout {
    pub const IDENTITY: Self = Self {
        swap: false,
        mirror_x: false,
        mirror_y: false,
    };

    pub fn of(orientation: Orientation) -> Option<Self> {
        let (swap, mirror_x, mirror_y) = match orientation {
            Orientation::NoTransforms => return None,
            Orientation::Rotate90 => (true, true, false),
            Orientation::Rotate180 => (false, true, true),
            Orientation::Rotate270 => (true, false, true),
            Orientation::FlipHorizontal => (false, true, false),
            Orientation::FlipVertical => (false, false, true),
            Orientation::Rotate90FlipH => (true, false, false),
            Orientation::Rotate270FlipH => (true, true, true),
        };
        Some(Self {
            swap,
            mirror_x,
            mirror_y,
        })
    }

    pub fn size<T>(self, w: T, h: T) -> (T, T) {
        if self.swap { (h, w) } else { (w, h) }
    }

    /// `self` followed by `next`: a mirror moves to the other axis when
    /// `next` swaps them.
    pub fn then(self, next: Self) -> Self {
        let (mirror_x, mirror_y) = if next.swap {
            (self.mirror_y, self.mirror_x)
        } else {
            (self.mirror_x, self.mirror_y)
        };
        Self {
            swap: self.swap ^ next.swap,
            mirror_x: mirror_x ^ next.mirror_x,
            mirror_y: mirror_y ^ next.mirror_y,
        }
    }
}

/// Writes the output row by row and reads each output pixel's source with
/// two fixed strides, so the inner loop is a copy with no branch.
fn moved<const N: usize>(source: &[u8], w: u32, h: u32, layout: Layout) -> Vec<u8> {
    let (w, h) = (w as isize, h as isize);
    let (out_w, out_h) = if layout.swap { (h, w) } else { (w, h) };
    let (a, b) = if layout.mirror_x {
        (out_w - 1, -1)
    } else {
        (0, 1)
    };
    let (c, d) = if layout.mirror_y {
        (out_h - 1, -1)
    } else {
        (0, 1)
    };
    let (origin, step_x, step_y) = if layout.swap {
        (a * w + c, b * w, d)
    } else {
        (c * w + a, b, d * w)
    };
    let mut out = vec![0u8; source.len()];
    let (out_w, out_h) = (out_w as usize, out_h as usize);
    for tile_y in (0..out_h).step_by(TILE) {
        for tile_x in (0..out_w).step_by(TILE) {
            let x_end = (tile_x + TILE).min(out_w);
            for y in tile_y..(tile_y + TILE).min(out_h) {
                let row = &mut out[(y * out_w + tile_x) * N..(y * out_w + x_end) * N];
                let mut from = origin + tile_x as isize * step_x + y as isize * step_y;
                for pixel in row.chunks_exact_mut(N) {
                    let at = from as usize * N;
                    pixel.copy_from_slice(&source[at..at + N]);
                    from += step_x;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GenericImageView, Rgb, RgbImage};

    const ALL: [Orientation; 8] = [
        Orientation::NoTransforms,
        Orientation::Rotate90,
        Orientation::Rotate180,
        Orientation::Rotate270,
        Orientation::FlipHorizontal,
        Orientation::FlipVertical,
        Orientation::Rotate90FlipH,
        Orientation::Rotate270FlipH,
    ];

    fn numbered(w: u32, h: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(RgbImage::from_fn(w, h, |x, y| {
            Rgb([x as u8, y as u8, (x * 7 + y * 13) as u8])
        }))
    }

    #[test]
    fn every_orientation_matches_the_image_crate_across_tile_edges() {
        for (w, h) in [(1, 1), (130, 67), (64, 129), (3, 200)] {
            for orientation in ALL {
                let mut expected = numbered(w, h);
                expected.apply_orientation(orientation);
                let got = oriented(numbered(w, h), orientation);
                assert_eq!(got.dimensions(), expected.dimensions(), "{orientation:?}");
                assert_eq!(
                    got.as_bytes(),
                    expected.as_bytes(),
                    "{orientation:?} {w}x{h}"
                );
            }
        }
    }

    #[test]
    fn a_layout_then_another_moves_pixels_as_both_in_turn() {
        let layout = |o| Layout::of(o).unwrap_or(Layout::IDENTITY);
        for first in ALL {
            for second in ALL {
                let expected = oriented(oriented(numbered(7, 4), first), second);
                let DynamicImage::ImageRgb8(source) = numbered(7, 4) else {
                    unreachable!()
                };
                let got = turned(&source, layout(first).then(layout(second)));
                assert_eq!(got.as_raw(), expected.as_bytes(), "{first:?} {second:?}");
            }
        }
    }

    #[test]
    fn grey_and_alpha_layouts_move_whole_pixels() {
        let grey = DynamicImage::ImageLumaA8(image::GrayAlphaImage::from_fn(5, 3, |x, y| {
            image::LumaA([x as u8, y as u8])
        }));
        let mut expected = grey.clone();
        expected.apply_orientation(Orientation::Rotate270);
        assert_eq!(
            oriented(grey, Orientation::Rotate270).as_bytes(),
            expected.as_bytes()
        );
    }
}
