//! `Limits`: what one conversion may cost, and the checks that enforce it.
//! Every check runs on sizes read from headers, before any pixel buffer is
//! allocated, so a decompression bomb costs only the bytes of its header.

use std::time::{Duration, Instant};

use crate::UserError;
use crate::size::ByteSize;

/// 256 MiB: a 64-megapixel RGBA image, or 48 megapixels of 16-bit RGB.
/// Nothing a chat or a browser can use is bigger.
pub const DEFAULT_MAX_OUTPUT_BYTES: u64 = 256 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_input_bytes: u64,
    /// Width × height, times frames for animations.
    pub max_pixels: u64,
    pub max_frames: u64,
    /// Largest result, uncompressed, a conversion may make; checked on the
    /// planned size before any pixels are decoded or resized.
    pub max_output_bytes: u64,
    /// Wall time one conversion may take, checked between pipeline steps.
    pub time_budget: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_bytes: 52_428_800,
            max_pixels: 64_000_000,
            max_frames: 1_000,
            max_output_bytes: DEFAULT_MAX_OUTPUT_BYTES,
            time_budget: Duration::from_secs(60),
        }
    }
}

impl Limits {
    pub fn check_input_bytes(&self, size: u64) -> Result<(), UserError> {
        if size > self.max_input_bytes {
            return Err(UserError::TooLarge {
                size: ByteSize(size),
                limit: ByteSize(self.max_input_bytes),
            });
        }
        Ok(())
    }

    /// Checks a canvas of `frames` frames of `width`×`height` against the
    /// pixel and frame limits.
    pub fn check_canvas(&self, width: u32, height: u32, frames: u64) -> Result<(), UserError> {
        if frames > self.max_frames {
            return Err(UserError::TooManyFrames {
                limit: self.max_frames,
            });
        }
        self.check_pixels(width, height, frames)
            .map_err(|over| UserError::TooManyPixels {
                width: over.width,
                height: over.height,
                frames_note: over.frames_note,
                limit: over.limit,
            })?;
        Ok(())
    }

    /// The pixels of all of an album's `images` together against the pixel
    /// limit: one PDF holds no more than one image may.
    pub fn check_album(&self, images: usize, pixels: u64) -> Result<(), UserError> {
        if pixels > self.max_pixels {
            return Err(UserError::AlbumTooLarge {
                images: images as u64,
                limit: self.max_pixels.div_ceil(1_000_000),
            });
        }
        Ok(())
    }

    /// Width × height × frames against the pixel limit; what went over, in
    /// the words both the input and the result refusals use.
    pub(crate) fn check_pixels(&self, width: u32, height: u32, frames: u64) -> Result<u64, Over> {
        let pixels = u64::from(width)
            .saturating_mul(u64::from(height))
            .saturating_mul(frames.max(1));
        if pixels <= self.max_pixels {
            return Ok(pixels);
        }
        Err(Over {
            width: width.into(),
            height: height.into(),
            frames_note: if frames > 1 {
                format!(" x {frames} frames")
            } else {
                String::new()
            },
            limit: self.max_pixels.div_ceil(1_000_000),
        })
    }

    pub fn deadline(&self, started: Instant) -> Deadline {
        Deadline {
            at: started + self.time_budget,
            budget: self.time_budget,
        }
    }
}

/// A canvas over the pixel limit, as its refusal describes it.
pub(crate) struct Over {
    pub width: u64,
    pub height: u64,
    pub frames_note: String,
    /// The limit in megapixels.
    pub limit: u64,
}

/// The moment a conversion must be done by; checked between steps because a
/// running codec call cannot be interrupted.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    at: Instant,
    budget: Duration,
}

impl Deadline {
    pub fn check(&self) -> Result<(), UserError> {
        if Instant::now() > self.at {
            return Err(UserError::Timeout {
                seconds: self.budget.as_secs().max(1),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixel_limit_counts_frames_and_never_overflows() {
        let limits = Limits::default();
        assert!(limits.check_canvas(8000, 8000, 1).is_ok());
        assert!(limits.check_canvas(8192, 8192, 1).is_err());
        assert!(limits.check_canvas(480, 270, 60).is_ok());
        assert!(limits.check_canvas(1000, 1000, 65).is_err());
        assert!(limits.check_canvas(u32::MAX, u32::MAX, u64::MAX).is_err());
        assert_eq!(
            limits.check_canvas(1, 1, 1001),
            Err(UserError::TooManyFrames { limit: 1000 })
        );
    }

    #[test]
    fn input_bytes_limit_is_inclusive() {
        let limits = Limits::default();
        assert!(limits.check_input_bytes(52_428_800).is_ok());
        assert!(limits.check_input_bytes(52_428_801).is_err());
    }

    #[test]
    fn an_expired_deadline_is_a_timeout() {
        let limits = Limits {
            time_budget: Duration::ZERO,
            ..Limits::default()
        };
        let deadline = limits.deadline(Instant::now() - Duration::from_millis(5));
        assert_eq!(deadline.check(), Err(UserError::Timeout { seconds: 1 }));
    }
}
