//! GIF decoding with the limits applied before any pixels. A first pass
//! walks the frame headers without decompressing them: it counts frames and
//! finds the canvas, which grows to hold frames that reach past the logical
//! screen (as browsers and Pillow show them). Only then are frames
//! decompressed and composited with their disposal methods.

use std::io::Cursor;

use gif::{ColorOutput, DecodeOptions, DisposalMethod, MemoryLimit};
use image::{DynamicImage, RgbaImage};

use super::decode::Frame;
use crate::UserError;
use crate::limits::{Deadline, Limits};

/// Browsers show frames with a delay of 0 or 10 ms at 100 ms; so do we.
const DEFAULT_DELAY_MS: u32 = 100;

pub fn decode(bytes: &[u8], limits: &Limits, deadline: &Deadline) -> Result<Vec<Frame>, UserError> {
    let (width, height, _) = header(bytes, limits)?;
    let mut decoder = options(limits, false)
        .read_info(Cursor::new(bytes))
        .map_err(corrupt)?;
    let row = width as usize * 4;
    let mut canvas = vec![0u8; row * height as usize];
    let mut frames = Vec::new();
    while let Some(frame) = decoder.read_next_frame().map_err(corrupt)? {
        deadline.check()?;
        let (left, top) = (usize::from(frame.left), usize::from(frame.top));
        let (w, h) = (usize::from(frame.width), usize::from(frame.height));
        let saved = (frame.dispose == DisposalMethod::Previous).then(|| canvas.clone());
        for y in 0..h {
            let source = &frame.buffer[y * w * 4..(y + 1) * w * 4];
            let target = &mut canvas[(top + y) * row + left * 4..][..w * 4];
            for (dst, src) in target.chunks_exact_mut(4).zip(source.chunks_exact(4)) {
                if src[3] != 0 {
                    dst.copy_from_slice(src);
                }
            }
        }
        let delay_ms = match u32::from(frame.delay) * 10 {
            0..=10 => DEFAULT_DELAY_MS,
            ms => ms,
        };
        let image =
            RgbaImage::from_raw(width, height, canvas.clone()).expect("canvas is width*height*4");
        frames.push(Frame {
            image: DynamicImage::ImageRgba8(image),
            delay_ms,
        });
        match (frame.dispose, saved) {
            (DisposalMethod::Background, _) => {
                for y in 0..h {
                    canvas[(top + y) * row + left * 4..][..w * 4].fill(0);
                }
            }
            (DisposalMethod::Previous, Some(saved)) => canvas = saved,
            _ => {}
        }
    }
    if frames.is_empty() {
        return Err(corrupt("no frames"));
    }
    Ok(frames)
}

/// Walks the frame headers only: the canvas size and the frame count, with
/// frames and pixels (canvas × frames) checked against the limits.
pub fn header(bytes: &[u8], limits: &Limits) -> Result<(u32, u32, u32), UserError> {
    let mut decoder = options(limits, true)
        .read_info(Cursor::new(bytes))
        .map_err(corrupt)?;
    let (mut width, mut height) = (u32::from(decoder.width()), u32::from(decoder.height()));
    limits.check_canvas(width, height, 1)?;
    let mut count = 0u64;
    while let Some(frame) = decoder.next_frame_info().map_err(corrupt)? {
        if frame.width == 0 || frame.height == 0 {
            return Err(corrupt("empty frame"));
        }
        count += 1;
        width = width.max(u32::from(frame.left) + u32::from(frame.width));
        height = height.max(u32::from(frame.top) + u32::from(frame.height));
        limits.check_canvas(width, height, count)?;
    }
    if count == 0 {
        return Err(corrupt("no frames"));
    }
    Ok((width, height, u32::try_from(count).unwrap_or(u32::MAX)))
}

fn options(limits: &Limits, headers_only: bool) -> DecodeOptions {
    let mut options = DecodeOptions::new();
    options.set_color_output(ColorOutput::RGBA);
    let frame_bytes = limits.max_pixels.saturating_mul(4).max(1);
    options.set_memory_limit(MemoryLimit::Bytes(
        std::num::NonZeroU64::new(frame_bytes).expect("at least 1"),
    ));
    options.check_frame_consistency(false);
    options.allow_unknown_blocks(true);
    options.skip_frame_decoding(headers_only);
    options
}

fn corrupt(detail: impl std::fmt::Display) -> UserError {
    tracing::debug!("gif decode failed: {detail}");
    UserError::Corrupt {
        format: "GIF".into(),
    }
}
