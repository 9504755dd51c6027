//! Structural checks the decoders are lenient about, run before decoding:
//! truncated JPEG and WebP files, impossible PNG headers, and compressed
//! PNG metadata that would inflate to far more than any real file carries,
//! and TIFF text tags longer than the file.
//! A file that fails here is refused as damaged or too complex.

use std::io::Read;

use flate2::read::ZlibDecoder;

use super::Format;
use crate::UserError;

/// Largest inflated text chunk (zTXt, compressed iTXt) accepted.
const MAX_TEXT_BYTES: u64 = 1 << 20;
/// Largest inflated ICC profile (iCCP) accepted.
const MAX_ICC_BYTES: u64 = 16 << 20;
/// Most bytes all of a file's compressed metadata may inflate to together.
const MAX_TOTAL_INFLATED: u64 = 32 << 20;
/// Most compressed metadata chunks one file may carry; real files carry a
/// handful, and each costs a fresh inflater however small it is.
const MAX_COMPRESSED_CHUNKS: usize = 256;

pub fn check(bytes: &[u8], format: Format) -> Result<(), UserError> {
    let corrupt = || UserError::Corrupt {
        format: format.name().to_uppercase(),
    };
    match format {
        Format::Jpeg if !jpeg_has_end(bytes) => Err(corrupt()),
        Format::Webp if !riff_complete(bytes) => Err(corrupt()),
        Format::Tiff if !tiff_text_fits(bytes) => Err(corrupt()),
        Format::Png => png_chunks(bytes).map_err(|problem| match problem {
            PngProblem::Malformed => corrupt(),
            PngProblem::Bomb => UserError::TooComplex,
        }),
        _ => Ok(()),
    }
}

/// A JPEG whose scan data never reaches an end-of-image marker was cut off.
fn jpeg_has_end(bytes: &[u8]) -> bool {
    let Some(scan) = find(bytes, &[0xFF, 0xDA], 2) else {
        return false;
    };
    find(bytes, &[0xFF, 0xD9], scan).is_some()
}

/// The RIFF header's size must fit inside the file.
fn riff_complete(bytes: &[u8]) -> bool {
    let Some(size) = bytes.get(4..8) else {
        return false;
    };
    let size = u32::from_le_bytes(size.try_into().expect("4 bytes")) as usize;
    size.checked_add(8).is_some_and(|end| end <= bytes.len())
}

/// Most IFDs followed along a TIFF's chain; real files have a few pages.
const MAX_TIFF_IFDS: usize = 64;

/// No text (ASCII) tag in the chain of IFDs may claim more bytes than the
/// whole file has: such a tag is damage, and the `tiff` crate meets one
/// with a stray `dbg!` that writes to stderr past every log setting.
fn tiff_text_fits(bytes: &[u8]) -> bool {
    const ASCII: u64 = 2;
    let big = bytes.get(2) == Some(&b'+') || bytes.get(3) == Some(&b'+');
    let little = bytes.starts_with(b"II");
    let int = |at: usize, len: usize| -> Option<u64> {
        let field = bytes.get(at..at.checked_add(len)?)?;
        let fold = |n: u64, b: &u8| n << 8 | u64::from(*b);
        Some(if little {
            field.iter().rev().fold(0, fold)
        } else {
            field.iter().fold(0, fold)
        })
    };
    // Classic TIFF: 2-byte entry count, 12-byte entries, 4-byte counts and
    // offsets. BigTIFF: 8-byte count, 20-byte entries, 8-byte fields.
    let (word, first, count_len, entry_len) = if big { (8, 8, 8, 20) } else { (4, 4, 2, 12) };
    let mut offset = int(first, word);
    let mut seen = Vec::new();
    while let Some(at) = offset.and_then(|o| usize::try_from(o).ok()) {
        if at == 0 || seen.contains(&at) || seen.len() == MAX_TIFF_IFDS {
            break;
        }
        seen.push(at);
        let Some(entries) = int(at, count_len).and_then(|n| usize::try_from(n).ok()) else {
            break;
        };
        let start = at + count_len;
        for entry in (0..entries).map(|i| start.saturating_add(i.saturating_mul(entry_len))) {
            let (Some(kind), Some(count)) = (int(entry + 2, 2), int(entry + 4, word)) else {
                return true;
            };
            if kind == ASCII && count > bytes.len() as u64 {
                return false;
            }
        }
        offset = int(
            start.saturating_add(entries.saturating_mul(entry_len)),
            word,
        );
    }
    true
}

enum PngProblem {
    Malformed,
    Bomb,
}

fn png_chunks(bytes: &[u8]) -> Result<(), PngProblem> {
    let ihdr = bytes.get(8..33).ok_or(PngProblem::Malformed)?;
    if &ihdr[4..8] != b"IHDR" || ihdr[18] != 0 || ihdr[19] != 0 || ihdr[20] > 1 {
        return Err(PngProblem::Malformed);
    }
    let mut at = 8;
    let mut budget = MAX_TOTAL_INFLATED;
    let mut compressed = 0usize;
    while let Some(header) = bytes.get(at..at + 8) {
        let length = u32::from_be_bytes(header[..4].try_into().expect("4 bytes")) as usize;
        let kind = &header[4..8];
        let Some(data) = bytes.get(at + 8..at + 8 + length) else {
            return Ok(());
        };
        let inflated = match kind {
            b"zTXt" => compressed_after_name(data).map(|z| (z, MAX_TEXT_BYTES)),
            b"iCCP" => compressed_after_name(data).map(|z| (z, MAX_ICC_BYTES)),
            b"iTXt" => compressed_itxt(data).map(|z| (z, MAX_TEXT_BYTES)),
            b"IEND" => return Ok(()),
            _ => None,
        };
        match inflated {
            Some(([], _)) => return Err(PngProblem::Malformed),
            Some((stream, cap)) => {
                compressed += 1;
                if compressed > MAX_COMPRESSED_CHUNKS {
                    return Err(PngProblem::Bomb);
                }
                let size = inflated_size(stream, cap.min(budget));
                if size > cap.min(budget) {
                    return Err(PngProblem::Bomb);
                }
                budget -= size;
            }
            None => {}
        }
        at += 12 + length;
    }
    Ok(())
}

/// The zlib stream after a NUL-terminated keyword and a compression method
/// byte; an empty stream stands for a method other than zlib's 0.
fn compressed_after_name(data: &[u8]) -> Option<&[u8]> {
    let nul = data.iter().position(|b| *b == 0)?;
    match data.get(nul + 1)? {
        0 => data.get(nul + 2..),
        _ => Some(&[]),
    }
}

fn compressed_itxt(data: &[u8]) -> Option<&[u8]> {
    let nul = data.iter().position(|b| *b == 0)?;
    if *data.get(nul + 1)? != 1 {
        return None;
    }
    let rest = data.get(nul + 3..)?;
    let language_end = rest.iter().position(|b| *b == 0)?;
    let rest = rest.get(language_end + 1..)?;
    let translated_end = rest.iter().position(|b| *b == 0)?;
    rest.get(translated_end + 1..)
}

/// How many bytes `stream` inflates to, counting no further than `cap + 1`.
fn inflated_size(stream: &[u8], cap: u64) -> u64 {
    let mut inflated = 0u64;
    let mut decoder = ZlibDecoder::new(stream).take(cap + 1);
    let mut buffer = [0u8; 16 * 1024];
    while let Ok(n) = decoder.read(&mut buffer) {
        if n == 0 {
            break;
        }
        inflated += n as u64;
    }
    inflated
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|at| at + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jpeg_cut_before_its_end_marker_is_refused() {
        let whole = [0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9];
        assert!(check(&whole, Format::Jpeg).is_ok());
        assert!(check(&whole[..10], Format::Jpeg).is_err());
    }

    fn png_with_text_chunks(count: usize, inflated_each: usize) -> Vec<u8> {
        use std::io::Write;
        let mut text = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        text.write_all(&vec![b'a'; inflated_each]).unwrap();
        let mut data = b"note\0\0".to_vec();
        data.extend(text.finish().unwrap());
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut chunk = |kind: &[u8], body: &[u8]| {
            png.extend((body.len() as u32).to_be_bytes());
            png.extend(kind);
            png.extend(body);
            png.extend([0; 4]);
        };
        chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
        for _ in 0..count {
            chunk(b"zTXt", &data);
        }
        chunk(b"IEND", &[]);
        png
    }

    #[test]
    fn compressed_metadata_has_one_budget_for_the_whole_file() {
        let few = png_with_text_chunks(4, 1 << 20);
        assert!(
            check(&few, Format::Png).is_ok(),
            "4 MiB of text in all is fine"
        );
        let many = png_with_text_chunks(40, 1 << 20);
        assert_eq!(check(&many, Format::Png), Err(UserError::TooComplex));
        let countless = png_with_text_chunks(300, 10);
        assert_eq!(check(&countless, Format::Png), Err(UserError::TooComplex));
    }

    /// A TIFF with one IFD holding one ASCII (type 2) entry of `count`.
    fn tiff_with_text(order: &str, count: u64) -> Vec<u8> {
        let (big, le) = (order.contains("big"), order.starts_with("II"));
        let int = |n: u64, len: usize| -> Vec<u8> {
            let bytes = n.to_le_bytes()[..len].to_vec();
            if le {
                bytes
            } else {
                bytes.into_iter().rev().collect()
            }
        };
        let word = if big { 8 } else { 4 };
        let mut tiff = order.as_bytes()[..2].to_vec();
        if big {
            tiff.extend(int(43, 2));
            tiff.extend(int(8, 2));
            tiff.extend(int(0, 2));
            tiff.extend(int(16, 8));
        } else {
            tiff.extend(int(42, 2));
            tiff.extend(int(8, 4));
        }
        tiff.extend(int(1, if big { 8 } else { 2 }));
        tiff.extend(int(270, 2));
        tiff.extend(int(2, 2));
        tiff.extend(int(count, word));
        tiff.extend(int(0, word));
        tiff.extend(int(0, word));
        tiff
    }

    #[test]
    fn a_tiff_text_tag_longer_than_the_file_is_refused_in_every_layout() {
        for order in ["II", "MM", "II big", "MM big"] {
            assert!(
                check(&tiff_with_text(order, 4), Format::Tiff).is_ok(),
                "{order}"
            );
            let long = tiff_with_text(order, 1 << 30);
            assert!(check(&long, Format::Tiff).is_err(), "{order}");
        }
    }

    #[test]
    fn a_riff_size_past_the_end_is_refused() {
        let mut webp = b"RIFF\x04\0\0\0WEBP".to_vec();
        assert!(check(&webp, Format::Webp).is_ok());
        webp[4] = 0xFF;
        assert!(check(&webp, Format::Webp).is_err());
    }
}
