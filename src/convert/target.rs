//! Encoding to a byte target (`max=500KB`): first a binary search on the
//! encoder quality, then, if even the lowest quality is too big (or the
//! format has no quality), downscaling from the untouched frames until the
//! output fits or the image would become uselessly small.

use super::decode::Frame;
use super::encode::{self, Settings};
use super::{Format, Note, ops};
use crate::UserError;
use crate::limits::{Deadline, Limits};
use crate::size::ByteSize;

/// Below this quality JPEG and WebP fall apart visibly.
const MIN_QUALITY: u8 = 10;
/// The quality used while shrinking, once quality alone was not enough.
const SHRINK_QUALITY: u8 = 50;
const MAX_SHRINK_STEPS: usize = 10;
/// Shrinking stops before the long side drops under this, or under a tenth
/// of the original: past that the picture is no longer what was sent.
const MIN_SIDE: u32 = 64;

pub struct Encoded {
    pub bytes: Vec<u8>,
    pub quality: u8,
    pub notes: Vec<Note>,
}

pub fn encode(
    frames: &mut Vec<Frame>,
    format: Format,
    settings: Settings,
    max_bytes: Option<ByteSize>,
    limits: &Limits,
    deadline: &Deadline,
) -> Result<Encoded, UserError> {
    let bytes = encode::encode(frames, format, &settings)?;
    let fits = |bytes: &[u8]| max_bytes.is_none_or(|max| bytes.len() as u64 <= max.bytes());
    if fits(&bytes) {
        return Ok(Encoded {
            bytes,
            quality: settings.quality,
            notes: Vec::new(),
        });
    }
    let max = max_bytes.expect("checked by `fits`");
    let searchable = format.lossy() && !settings.lossless;
    if searchable
        && let Some((quality, bytes)) = search_quality(frames, format, settings, max, deadline)?
    {
        return Ok(Encoded {
            bytes,
            quality,
            notes: vec![Note::QualityLowered { quality }],
        });
    }
    let quality = if searchable {
        settings.quality.min(SHRINK_QUALITY)
    } else {
        settings.quality
    };
    shrink(
        frames,
        format,
        Settings {
            quality,
            ..settings
        },
        max,
        limits,
        deadline,
    )
}

fn search_quality(
    frames: &[Frame],
    format: Format,
    settings: Settings,
    max: ByteSize,
    deadline: &Deadline,
) -> Result<Option<(u8, Vec<u8>)>, UserError> {
    let (mut low, mut high) = (MIN_QUALITY, settings.quality.saturating_sub(1));
    let mut best = None;
    while low <= high {
        deadline.check()?;
        let quality = low + (high - low) / 2;
        let bytes = encode::encode(
            frames,
            format,
            &Settings {
                quality,
                ..settings
            },
        )?;
        if bytes.len() as u64 <= max.bytes() {
            best = Some((quality, bytes));
            low = quality + 1;
        } else if quality == MIN_QUALITY {
            break;
        } else {
            high = quality - 1;
        }
    }
    Ok(best)
}

fn shrink(
    frames: &mut Vec<Frame>,
    format: Format,
    settings: Settings,
    max: ByteSize,
    limits: &Limits,
    deadline: &Deadline,
) -> Result<Encoded, UserError> {
    let original = frames.clone();
    let (width, height) = (original[0].image.width(), original[0].image.height());
    let mut scale = 1.0_f64;
    let mut last_len = None::<usize>;
    for _ in 0..MAX_SHRINK_STEPS {
        deadline.check()?;
        let ratio = last_len.map_or(0.7, |len| (max.bytes() as f64 / len as f64).sqrt() * 0.92);
        scale *= ratio.clamp(0.3, 0.9);
        let size = (
            ((f64::from(width) * scale).round() as u32).max(1),
            ((f64::from(height) * scale).round() as u32).max(1),
        );
        if size.0.max(size.1) < MIN_SIDE.max(width.max(height) / 10) {
            break;
        }
        let mut shrunk = original.clone();
        ops::resize(&mut shrunk, size, limits, deadline)?;
        let bytes = encode::encode(&shrunk, format, &settings)?;
        if bytes.len() as u64 <= max.bytes() {
            *frames = shrunk;
            let mut notes = vec![Note::ShrunkToFit {
                width: size.0,
                height: size.1,
            }];
            if format.lossy() && !settings.lossless {
                notes.push(Note::QualityLowered {
                    quality: settings.quality,
                });
            }
            return Ok(Encoded {
                bytes,
                quality: settings.quality,
                notes,
            });
        }
        last_len = Some(bytes.len());
    }
    Err(UserError::TargetUnreachable { target: max })
}
