//! `plan`: what a conversion will cost, worked out from the header and the
//! options before anything is decoded. It refuses results far beyond any
//! sensible one (enlarged past the pixel limit, or more uncompressed bytes
//! than `max_output_bytes`), and prices the rest in memory, work and threads
//! so the pool can admit jobs by cost rather than by count.

use super::header::Header;
use super::{Format, for_frames, ops, target_format};
use crate::UserError;
use crate::limits::Limits;
use crate::options::Options;
use crate::size::ByteSize;

/// What one job is expected to take while it runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    /// Peak bytes of working memory: input, decoded frames, result, buffers.
    pub memory: u64,
    /// Relative amount of CPU work, in megapixel-passes weighted by encoder.
    pub work: f64,
    /// Threads the encoder uses (AVIF encoders run several).
    pub threads: usize,
}

impl Cost {
    /// The cost of a job whose header could not be read: it fails in decode
    /// within milliseconds, so it is priced as small.
    pub fn unknown(input_bytes: u64) -> Self {
        Self {
            memory: input_bytes.saturating_mul(2),
            work: 0.1,
            threads: 1,
        }
    }

    /// The cost of running `self` and `other` as one job.
    pub fn plus(self, other: Self) -> Self {
        Self {
            memory: self.memory.saturating_add(other.memory),
            work: self.work + other.work,
            threads: self.threads.max(other.threads),
        }
    }
}

/// Checks the result `options` would make of the image `header` describes,
/// and prices the conversion.
pub fn plan(
    header: &Header,
    input_bytes: u64,
    options: &Options,
    limits: &Limits,
) -> Result<Cost, UserError> {
    let target = target_format(options, header.format)?;
    let target = for_frames(target, options, header.frames)?;
    let out_frames = if target.animates() || target == Format::Pdf {
        header.frames.max(1)
    } else {
        1
    };
    let (mut width, mut height) = (header.width, header.height);
    if let Some(crop) = options.crop
        && crop.x < width
        && crop.y < height
    {
        width = crop.width.min(width - crop.x);
        height = crop.height.min(height - crop.y);
    }
    if options.square {
        let side = width.min(height);
        (width, height) = (side, side);
    }
    if let Some(resize) = options.resize
        && let Some(size) = ops::target_size((width, height), resize, options.enlarge)
    {
        (width, height) = size;
    }
    let per_pixel = header.bytes_per_pixel;
    let result = check_result(
        width,
        height,
        u64::from(out_frames),
        result_bytes_per_pixel(target, per_pixel),
        limits,
    )?;
    let decoded = header.decoded_bytes();
    let frame = |w: u32, h: u32| u64::from(w) * u64::from(h) * u64::from(per_pixel);
    let scratch = frame(header.width, header.height).max(frame(width, height));
    let searches = if options.max_bytes.is_some() {
        3.0
    } else {
        1.0
    };
    let copies_for_search = if options.max_bytes.is_some() {
        decoded
    } else {
        0
    };
    let megapixels = (u64::from(header.width) * u64::from(header.height) * u64::from(header.frames)
        + u64::from(width) * u64::from(height) * u64::from(out_frames)) as f64
        / 1e6;
    let (weight, threads) = match target {
        Format::Avif => (5.0, usize::MAX),
        _ => (1.0, 1),
    };
    Ok(Cost {
        memory: input_bytes
            .saturating_add(decoded)
            .saturating_add(copies_for_search)
            .saturating_add(result.saturating_mul(2))
            .saturating_add(scratch),
        work: megapixels * weight * searches,
        threads,
    })
}

/// Bytes a result pixel takes: formats that keep 16 bits keep the source's
/// depth; the rest are written at 8 bits a channel.
pub fn result_bytes_per_pixel(target: Format, source: u8) -> u8 {
    match target {
        Format::Png | Format::Tiff | Format::Pnm => source,
        _ => source.min(4),
    }
}

/// Refuses a result of `frames` frames of `width`×`height` that would
/// exceed the pixel limit or, uncompressed, the output limit; otherwise
/// returns its uncompressed size.
pub fn check_result(
    width: u32,
    height: u32,
    frames: u64,
    bytes_per_pixel: u8,
    limits: &Limits,
) -> Result<u64, UserError> {
    let pixels = limits.check_pixels(width, height, frames).map_err(|over| {
        UserError::ResultTooManyPixels {
            width: over.width,
            height: over.height,
            frames_note: over.frames_note,
            limit: over.limit,
        }
    })?;
    let bytes = pixels.saturating_mul(u64::from(bytes_per_pixel));
    if bytes > limits.max_output_bytes {
        return Err(UserError::ResultTooLarge {
            size: ByteSize(bytes),
            limit: ByteSize(limits.max_output_bytes),
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(width: u32, height: u32, bytes_per_pixel: u8) -> Header {
        Header {
            format: Format::Png,
            width,
            height,
            frames: 1,
            bytes_per_pixel,
        }
    }

    #[test]
    fn enlarging_past_the_pixel_limit_is_refused_before_any_work() {
        let options = Options::parse(["tiff", "resize=1000%"]).unwrap();
        let refused = plan(&header(3000, 3000, 8), 6_000, &options, &Limits::default());
        assert!(matches!(
            refused,
            Err(UserError::ResultTooManyPixels {
                width: 30000,
                height: 30000,
                ..
            })
        ));
    }

    #[test]
    fn a_result_over_the_output_limit_is_refused() {
        let limits = Limits {
            max_output_bytes: 100_000_000,
            ..Limits::default()
        };
        let options = Options::parse(["tiff", "resize=400%", "enlarge"]).unwrap();
        let refused = plan(&header(2000, 1500, 8), 6_000, &options, &limits);
        assert!(matches!(refused, Err(UserError::ResultTooLarge { .. })));
    }

    #[test]
    fn memory_grows_with_the_result_and_avif_takes_threads() {
        let small = Options::parse(["webp", "resize=50%"]).unwrap();
        let large = Options::parse(["webp", "resize=200%"]).unwrap();
        let limits = Limits::default();
        let a = plan(&header(1000, 1000, 4), 1_000, &small, &limits).unwrap();
        let b = plan(&header(1000, 1000, 4), 1_000, &large, &limits).unwrap();
        assert!(b.memory > a.memory * 2, "{b:?} vs {a:?}");
        assert!(b.work > a.work);
        let avif = Options::parse(["avif"]).unwrap();
        assert!(
            plan(&header(100, 100, 4), 100, &avif, &limits)
                .unwrap()
                .threads
                > 1
        );
    }
}
