//! TIFF layouts the image crate's TIFF reader cannot take: palette images
//! and planar (one plane per channel) images, whose whole-image path in the
//! tiff crate asserts and panics on tiled files. Here every strip or tile is
//! read on its own and placed into the output by this code, with every index
//! checked; and 12-bit gray images (Pillow reads them), which the tiff crate
//! refuses: their packed rows are read as bytes and unpacked here, scaled to
//! 16 bits. Other TIFFs go through the image crate as usual.

use std::io::Cursor;

use image::{DynamicImage, ImageBuffer, Luma, Rgb, Rgba};
use tiff::ColorType;
use tiff::decoder::{ChunkType, Decoder, DecodingResult};
use tiff::tags::Tag;

use crate::UserError;
use crate::limits::Limits;

const PHOTOMETRIC_PALETTE: u16 = 3;
const PHOTOMETRIC_BLACK_IS_ZERO: u16 = 1;
const TAG_IMAGE_WIDTH: u16 = 256;
const TAG_BITS_PER_SAMPLE: u16 = 258;
const TAG_PHOTOMETRIC: u16 = 262;
const TAG_SAMPLES_PER_PIXEL: u16 = 277;
const TAG_PREDICTOR: u16 = 317;
const TAG_TILE_WIDTH: u16 = 322;

/// Whether this file needs the chunk-by-chunk path below.
pub fn needs_own_path(bytes: &[u8]) -> bool {
    let Ok(mut decoder) = Decoder::new(Cursor::new(bytes)) else {
        return false;
    };
    let tag = |decoder: &mut Decoder<_>, tag| {
        decoder
            .find_tag(tag)
            .ok()
            .flatten()
            .and_then(|v| v.into_u16().ok())
    };
    tag(&mut decoder, Tag::PlanarConfiguration) == Some(2)
        || tag(&mut decoder, Tag::PhotometricInterpretation) == Some(PHOTOMETRIC_PALETTE)
        || tag(&mut decoder, Tag::BitsPerSample) == Some(12)
}

pub fn decode(bytes: &[u8], limits: &Limits) -> Result<DynamicImage, UserError> {
    if let Some((relabelled, width)) = twelve_bit_as_bytes(bytes) {
        return decode_12_bit(&relabelled, width, limits);
    }
    let relabelled = palette_as_gray(bytes);
    let is_palette = relabelled.is_some();
    let bytes = relabelled.as_deref().unwrap_or(bytes);
    let mut decoder = Decoder::new(Cursor::new(bytes))
        .map_err(corrupt)?
        .with_limits(tiff_limits(limits));
    let (width, height) = decoder.dimensions().map_err(corrupt)?;
    limits.check_canvas(width, height, 1)?;
    let color = decoder.colortype().map_err(corrupt)?;
    let (samples, depth) = match color {
        ColorType::Gray(d) => (1, d),
        ColorType::GrayA(d) => (2, d),
        ColorType::RGB(d) => (3, d),
        ColorType::RGBA(d) => (4, d),
        _ => return Err(unsupported()),
    };
    let palette = match depth {
        1 | 2 | 4 | 8 if is_palette && samples == 1 => Some(colormap(&mut decoder, depth)?),
        _ if is_palette => return Err(unsupported()),
        8 | 16 => None,
        _ => return Err(unsupported()),
    };
    let planar = matches!(
        decoder
            .find_tag(Tag::PlanarConfiguration)
            .ok()
            .flatten()
            .and_then(|v| v.into_u16().ok()),
        Some(2)
    );
    let layout = Layout {
        width: width as usize,
        height: height as usize,
        samples,
        depth,
        planar,
    };
    let samples_out = assemble(&mut decoder, &layout)?;
    if let Some(palette) = palette {
        return Ok(expand_palette(&samples_out, &layout, &palette));
    }
    let image = match (samples, depth) {
        (1, 8) => ImageBuffer::<Luma<u8>, _>::from_raw(width, height, to_u8(samples_out))
            .map(DynamicImage::ImageLuma8),
        (2, 8) => {
            ImageBuffer::from_raw(width, height, to_u8(samples_out)).map(DynamicImage::ImageLumaA8)
        }
        (3, 8) => ImageBuffer::<Rgb<u8>, _>::from_raw(width, height, to_u8(samples_out))
            .map(DynamicImage::ImageRgb8),
        (4, 8) => ImageBuffer::<Rgba<u8>, _>::from_raw(width, height, to_u8(samples_out))
            .map(DynamicImage::ImageRgba8),
        (1, _) => ImageBuffer::from_raw(width, height, samples_out).map(DynamicImage::ImageLuma16),
        (2, _) => ImageBuffer::from_raw(width, height, samples_out).map(DynamicImage::ImageLumaA16),
        (3, _) => ImageBuffer::from_raw(width, height, samples_out).map(DynamicImage::ImageRgb16),
        _ => ImageBuffer::from_raw(width, height, samples_out).map(DynamicImage::ImageRgba16),
    };
    image.ok_or_else(|| corrupt("sample count"))
}

/// The entries of a classic TIFF's first IFD, to relabel a file so that the
/// tiff crate hands out samples it would refuse: raw palette indices, or the
/// packed bytes of 12-bit rows. Only inline SHORT/LONG values are edited.
struct FirstIfd<'a> {
    bytes: &'a [u8],
    little: bool,
    /// Offset of each entry, by tag.
    entries: Vec<(u16, usize)>,
}

impl<'a> FirstIfd<'a> {
    fn read(bytes: &'a [u8]) -> Option<Self> {
        let little = bytes.starts_with(b"II*\0");
        if !little && !bytes.starts_with(b"MM\0*") {
            return None;
        }
        let mut ifd = Self {
            bytes,
            little,
            entries: Vec::new(),
        };
        let start = ifd.u32_at(4)? as usize;
        let count = usize::from(ifd.u16_at(start)?);
        for entry in (0..count).map(|i| start + 2 + i * 12) {
            ifd.entries.push((ifd.u16_at(entry)?, entry));
        }
        Some(ifd)
    }

    fn u16_at(&self, at: usize) -> Option<u16> {
        let b: [u8; 2] = self.bytes.get(at..at + 2)?.try_into().ok()?;
        Some(if self.little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    }

    fn u32_at(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.bytes.get(at..at + 4)?.try_into().ok()?;
        Some(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    /// The single inline SHORT or LONG value of `tag`.
    fn value(&self, tag: u16) -> Option<u32> {
        let (_, entry) = self.entries.iter().find(|(t, _)| *t == tag)?;
        if self.u32_at(entry + 4)? != 1 {
            return None;
        }
        match self.u16_at(entry + 2)? {
            3 => self.u16_at(entry + 8).map(u32::from),
            4 => self.u32_at(entry + 8),
            _ => None,
        }
    }

    /// A copy with each `(tag, value)` written over the tag's inline value;
    /// `None` when a tag is absent or not a single SHORT/LONG.
    fn edited(&self, edits: &[(u16, u32)]) -> Option<Vec<u8>> {
        let mut copy = self.bytes.to_vec();
        for &(tag, value) in edits {
            self.value(tag)?;
            let (_, entry) = self.entries.iter().find(|(t, _)| *t == tag)?;
            let at = entry + 8;
            match (self.u16_at(entry + 2)?, self.little) {
                (3, true) => {
                    copy[at..at + 2].copy_from_slice(&u16::try_from(value).ok()?.to_le_bytes())
                }
                (3, false) => {
                    copy[at..at + 2].copy_from_slice(&u16::try_from(value).ok()?.to_be_bytes())
                }
                (_, true) => copy[at..at + 4].copy_from_slice(&value.to_le_bytes()),
                (_, false) => copy[at..at + 4].copy_from_slice(&value.to_be_bytes()),
            }
        }
        Some(copy)
    }
}

/// A palette TIFF relabelled as gray, so the tiff crate (which refuses
/// palette images) hands out the raw indices; `None` for other files.
fn palette_as_gray(bytes: &[u8]) -> Option<Vec<u8>> {
    let ifd = FirstIfd::read(bytes)?;
    if ifd.value(TAG_PHOTOMETRIC)? != u32::from(PHOTOMETRIC_PALETTE) {
        return None;
    }
    ifd.edited(&[(TAG_PHOTOMETRIC, u32::from(PHOTOMETRIC_BLACK_IS_ZERO))])
}

/// A one-sample 12-bit TIFF (what Pillow reads as `I;16`) relabelled as
/// 8-bit gray whose rows are the packed 12-bit rows, byte for byte, so the
/// tiff crate (which refuses 12-bit samples) decompresses the chunks and
/// `unpack_12_bit` takes the samples apart. A horizontal predictor works on
/// samples, not bytes, so those files are left alone (and refused).
/// Returns the copy and the image's true width.
fn twelve_bit_as_bytes(bytes: &[u8]) -> Option<(Vec<u8>, u32)> {
    let ifd = FirstIfd::read(bytes)?;
    if ifd.value(TAG_BITS_PER_SAMPLE)? != 12
        || ifd.value(TAG_SAMPLES_PER_PIXEL).unwrap_or(1) != 1
        || ifd.value(TAG_PREDICTOR).unwrap_or(1) != 1
    {
        return None;
    }
    let packed = |width: u32| width.checked_mul(3).map(|w| w.div_ceil(2));
    let width = ifd.value(TAG_IMAGE_WIDTH)?;
    let mut edits = vec![(TAG_BITS_PER_SAMPLE, 8), (TAG_IMAGE_WIDTH, packed(width)?)];
    if let Some(tile_width) = ifd.value(TAG_TILE_WIDTH) {
        // Tiles are a multiple of 16 wide, so a tile's packed row is whole.
        edits.push((TAG_TILE_WIDTH, packed(tile_width)?));
    }
    Some((ifd.edited(&edits)?, width))
}

/// Packed 12-bit rows (two samples in three bytes, most significant first,
/// each row padded to a whole byte) as samples scaled to 16 bits.
fn unpack_12_bit(packed: &[u16], packed_width: usize, width: usize) -> Vec<u16> {
    let mut out = Vec::with_capacity(packed.len() / packed_width.max(1) * width);
    for row in packed.chunks_exact(packed_width) {
        for x in 0..width {
            let at = x / 2 * 3;
            let (a, b, c) = (row[at], row[at + 1], row.get(at + 2).copied().unwrap_or(0));
            let value = if x % 2 == 0 {
                a << 4 | b >> 4
            } else {
                (b & 0x0f) << 8 | c
            };
            out.push(value << 4 | value >> 8);
        }
    }
    out
}

fn decode_12_bit(bytes: &[u8], width: u32, limits: &Limits) -> Result<DynamicImage, UserError> {
    let mut decoder = Decoder::new(Cursor::new(bytes))
        .map_err(corrupt)?
        .with_limits(tiff_limits(limits));
    let (packed_width, height) = decoder.dimensions().map_err(corrupt)?;
    if packed_width == 0 || width == 0 || height == 0 {
        return Err(corrupt("no pixels"));
    }
    limits.check_canvas(width, height, 1)?;
    let layout = Layout {
        width: packed_width as usize,
        height: height as usize,
        samples: 1,
        depth: 8,
        planar: false,
    };
    let packed = assemble(&mut decoder, &layout)?;
    let samples = unpack_12_bit(&packed, layout.width, width as usize);
    ImageBuffer::from_raw(width, height, samples)
        .map(DynamicImage::ImageLuma16)
        .ok_or_else(|| corrupt("sample count"))
}

struct Layout {
    width: usize,
    height: usize,
    samples: usize,
    depth: u8,
    planar: bool,
}

/// Reads every chunk into one interleaved buffer of samples (u16 wide, so
/// 8- and 16-bit share the code; palette indices are unpacked to one each).
fn assemble(decoder: &mut Decoder<Cursor<&[u8]>>, layout: &Layout) -> Result<Vec<u16>, UserError> {
    let count = match decoder.get_chunk_type() {
        ChunkType::Strip => decoder.strip_count(),
        ChunkType::Tile => decoder.tile_count(),
    }
    .map_err(corrupt)? as usize;
    let planes = if layout.planar { layout.samples } else { 1 };
    let per_plane = count / planes;
    let (chunk_w, chunk_h) = decoder.chunk_dimensions();
    let (chunk_w, chunk_h) = (chunk_w as usize, chunk_h as usize);
    if per_plane == 0 || chunk_w == 0 || chunk_h == 0 {
        return Err(corrupt("no chunks"));
    }
    let across = layout.width.div_ceil(chunk_w);
    let stride_samples = if layout.planar { 1 } else { layout.samples };
    let mut out = vec![0u16; layout.width * layout.height * layout.samples];
    for chunk in 0..per_plane * planes {
        let (plane, index) = (chunk / per_plane, chunk % per_plane);
        let (x0, y0) = ((index % across) * chunk_w, (index / across) * chunk_h);
        let (data_w, data_h) = decoder.chunk_data_dimensions(chunk as u32);
        let (data_w, data_h) = (data_w as usize, data_h as usize);
        let values = widen(
            decoder.read_chunk(chunk as u32).map_err(corrupt)?,
            data_w * stride_samples,
            layout.depth,
        )?;
        let row_len = values.len().checked_div(data_h).unwrap_or(0);
        for row in 0..data_h {
            let y = y0 + row;
            if y >= layout.height {
                break;
            }
            for col in 0..data_w.min(layout.width.saturating_sub(x0)) {
                for s in 0..stride_samples {
                    let source = row * row_len + col * stride_samples + s;
                    let target = (y * layout.width + x0 + col) * layout.samples + plane + s;
                    let value = *values.get(source).ok_or_else(|| corrupt("short chunk"))?;
                    *out.get_mut(target)
                        .ok_or_else(|| corrupt("chunk outside image"))? = value;
                }
            }
        }
    }
    Ok(out)
}

/// Chunk samples as u16, with packed sub-byte rows unpacked to one value each.
fn widen(result: DecodingResult, row_values: usize, depth: u8) -> Result<Vec<u16>, UserError> {
    match result {
        DecodingResult::U8(bytes) if depth < 8 => {
            let row_bytes = (row_values * usize::from(depth)).div_ceil(8);
            if row_bytes == 0 {
                return Err(corrupt("empty row"));
            }
            let per_byte = 8 / usize::from(depth);
            let mask = (1u16 << depth) - 1;
            let mut out = Vec::with_capacity(bytes.len() / row_bytes * row_values);
            for row in bytes.chunks(row_bytes) {
                for i in 0..row_values {
                    let byte = u16::from(*row.get(i / per_byte).unwrap_or(&0));
                    let shift = 8 - usize::from(depth) * (i % per_byte + 1);
                    out.push((byte >> shift) & mask);
                }
            }
            Ok(out)
        }
        DecodingResult::U8(bytes) => Ok(bytes.into_iter().map(u16::from).collect()),
        DecodingResult::U16(words) => Ok(words),
        _ => Err(unsupported()),
    }
}

fn colormap(decoder: &mut Decoder<Cursor<&[u8]>>, bits: u8) -> Result<Vec<[u8; 3]>, UserError> {
    let map = decoder.get_tag_u16_vec(Tag::ColorMap).map_err(corrupt)?;
    let entries = 1usize << bits;
    if map.len() < entries * 3 {
        return Err(corrupt("short colour map"));
    }
    Ok((0..entries)
        .map(|i| [map[i], map[entries + i], map[2 * entries + i]].map(|c| (c >> 8) as u8))
        .collect())
}

fn expand_palette(indices: &[u16], layout: &Layout, palette: &[[u8; 3]]) -> DynamicImage {
    let rgb: Vec<u8> = indices
        .iter()
        .flat_map(|i| palette.get(usize::from(*i)).copied().unwrap_or([0, 0, 0]))
        .collect();
    let image = ImageBuffer::from_raw(layout.width as u32, layout.height as u32, rgb)
        .expect("three bytes per index");
    DynamicImage::ImageRgb8(image)
}

fn to_u8(values: Vec<u16>) -> Vec<u8> {
    values.into_iter().map(|v| v as u8).collect()
}

fn tiff_limits(limits: &Limits) -> tiff::decoder::Limits {
    let mut out = tiff::decoder::Limits::default();
    let budget = usize::try_from(limits.max_pixels.saturating_mul(8)).unwrap_or(usize::MAX);
    out.decoding_buffer_size = budget;
    out.intermediate_buffer_size = budget;
    out
}

fn corrupt(detail: impl std::fmt::Display) -> UserError {
    tracing::debug!("tiff decode failed: {detail}");
    UserError::Corrupt {
        format: "TIFF".into(),
    }
}

fn unsupported() -> UserError {
    UserError::UnsupportedFormat {
        what: "a kind of TIFF I can't read".into(),
    }
}
