//! The photo every load driver sends: a JPEG made in the test that behaves
//! like a camera picture. Smooth gradients alone would compress to almost
//! nothing and make decoding and encoding unrealistically cheap, so a
//! texture and sensor-like noise keep it about as big as a real photo of
//! that size.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};

/// A `width` x `height` JPEG at quality 85 (about 0.3 bytes a pixel, as
/// from a phone); `seed` makes each one differ.
pub fn jpeg(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let mut noise = 0x9e37_79b9_u32 ^ seed.wrapping_mul(0x85eb_ca6b);
    let (w, h) = (width as f32, height as f32);
    let phase = seed as f32;
    let image = RgbImage::from_fn(width, height, |x, y| {
        noise ^= noise << 13;
        noise ^= noise >> 17;
        noise ^= noise << 5;
        let (fx, fy) = (x as f32 / w, y as f32 / h);
        let texture = 24.0 * ((fx * 37.0 + phase).sin() * (fy * 23.0 - phase).cos());
        let grain = |shift: u32| f32::from(((noise >> shift) & 0x1f) as u8) - 15.5;
        let channel =
            |base: f32, shift: u32| (base + texture + grain(shift)).clamp(0.0, 255.0) as u8;
        Rgb([
            channel(40.0 + 180.0 * fx, 0),
            channel(60.0 + 150.0 * fy, 8),
            channel(200.0 - 120.0 * (fx + fy) / 2.0, 16),
        ])
    });
    let mut out = Cursor::new(Vec::new());
    JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&image)
        .expect("encode the load photo");
    out.into_inner()
}
