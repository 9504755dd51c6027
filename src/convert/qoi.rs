//! QOI decoding, written out because the format is tiny and the common
//! decoder refuses files that end without the 8-byte end marker, which
//! several writers omit. The pixel count is checked before allocating.

use image::{DynamicImage, RgbImage, RgbaImage};

use crate::UserError;
use crate::limits::Limits;

const HEADER: usize = 14;

pub fn decode(bytes: &[u8], limits: &Limits) -> Result<DynamicImage, UserError> {
    if bytes.len() < HEADER || &bytes[..4] != b"qoif" {
        return Err(corrupt());
    }
    let width = u32::from_be_bytes(bytes[4..8].try_into().expect("4 bytes"));
    let height = u32::from_be_bytes(bytes[8..12].try_into().expect("4 bytes"));
    let channels = bytes[12];
    if width == 0 || height == 0 || !matches!(channels, 3 | 4) {
        return Err(corrupt());
    }
    limits.check_canvas(width, height, 1)?;
    let pixels = decode_ops(&bytes[HEADER..], width as usize * height as usize)?;
    let image = if channels == 4 {
        RgbaImage::from_raw(width, height, pixels).map(DynamicImage::ImageRgba8)
    } else {
        let rgb = pixels
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        RgbImage::from_raw(width, height, rgb).map(DynamicImage::ImageRgb8)
    };
    image.ok_or_else(corrupt)
}

/// Runs the QOI ops until `count` pixels are out; RGBA, 4 bytes a pixel.
fn decode_ops(data: &[u8], count: usize) -> Result<Vec<u8>, UserError> {
    let mut out = Vec::with_capacity(count * 4);
    let mut index = [[0u8; 4]; 64];
    let mut px = [0u8, 0, 0, 255];
    let mut at = 0;
    let mut next = || -> Result<u8, UserError> {
        let byte = *data.get(at).ok_or_else(corrupt)?;
        at += 1;
        Ok(byte)
    };
    while out.len() < count * 4 {
        let op = next()?;
        let mut run = 1;
        match op {
            0xFE => px[..3].copy_from_slice(&[next()?, next()?, next()?]),
            0xFF => px = [next()?, next()?, next()?, next()?],
            _ => match op >> 6 {
                0 => px = index[usize::from(op & 0x3F)],
                1 => {
                    px[0] = px[0].wrapping_add((op >> 4) & 3).wrapping_sub(2);
                    px[1] = px[1].wrapping_add((op >> 2) & 3).wrapping_sub(2);
                    px[2] = px[2].wrapping_add(op & 3).wrapping_sub(2);
                }
                2 => {
                    let green = (op & 0x3F).wrapping_sub(32);
                    let second = next()?;
                    px[0] = px[0]
                        .wrapping_add(green)
                        .wrapping_add(second >> 4)
                        .wrapping_sub(8);
                    px[1] = px[1].wrapping_add(green);
                    px[2] = px[2]
                        .wrapping_add(green)
                        .wrapping_add(second & 0xF)
                        .wrapping_sub(8);
                }
                _ => run = usize::from(op & 0x3F) + 1,
            },
        }
        let hash = (usize::from(px[0]) * 3
            + usize::from(px[1]) * 5
            + usize::from(px[2]) * 7
            + usize::from(px[3]) * 11)
            % 64;
        index[hash] = px;
        for _ in 0..run.min(count - out.len() / 4) {
            out.extend_from_slice(&px);
        }
    }
    Ok(out)
}

fn corrupt() -> UserError {
    UserError::Corrupt {
        format: "QOI".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_stream_without_its_end_marker() {
        let mut file = b"qoif".to_vec();
        file.extend_from_slice(&2u32.to_be_bytes());
        file.extend_from_slice(&1u32.to_be_bytes());
        file.extend_from_slice(&[4, 0]);
        file.extend_from_slice(&[0xFF, 10, 20, 30, 255, 0xC0]);
        let image = decode(&file, &Limits::default()).unwrap().to_rgba8();
        assert_eq!(image.as_raw(), &[10, 20, 30, 255, 10, 20, 30, 255]);
        assert!(decode(&file[..16], &Limits::default()).is_err());
    }
}
