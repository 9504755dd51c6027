//! Reads a baseline JPEG down to its quantised DCT coefficients: markers,
//! tables, and the entropy-coded scan, but no inverse DCT, no colour and no
//! chroma upsampling. Only the shapes recoding handles are read (8-bit
//! Huffman baseline, one interleaved scan, grey or 4:2:0 YCbCr); anything
//! else, and anything damaged, is `None`, and the pixel path takes the file.

use std::ops::Range;

use super::super::orient::Layout;
use super::huffman::{Decoder, Spec};
use super::{Image, Plane};

/// What recoding keeps of a file besides its coefficients.
pub struct Parsed<'a> {
    pub image: Image,
    /// APPn and COM segments in file order: marker byte and payload.
    pub segments: Vec<(u8, &'a [u8])>,
}

impl Parsed<'_> {
    /// The EXIF block (after `Exif\0\0`) of the first APP1 that has one.
    pub fn exif(&self) -> Option<&[u8]> {
        self.segments.iter().find_map(|(marker, payload)| {
            (*marker == 0xE1)
                .then_some(*payload)?
                .strip_prefix(b"Exif\0\0")
        })
    }

    pub fn has_icc(&self) -> bool {
        self.segments
            .iter()
            .any(|(marker, payload)| *marker == 0xE2 && payload.starts_with(b"ICC_PROFILE\0"))
    }
}

/// One frame component as SOF declares it.
struct Component {
    id: u8,
    h: u8,
    v: u8,
    quant: usize,
}

#[derive(Default)]
struct Tables {
    quant: [Option<[u16; 64]>; 4],
    dc: [Option<Spec>; 4],
    ac: [Option<Spec>; 4],
    restart: usize,
}

/// The coefficients of `bytes`, if it is a JPEG recoding handles with at
/// most `max_pixels` pixels.
pub fn read(bytes: &[u8], max_pixels: u64) -> Option<Parsed<'_>> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut segments = Vec::new();
    let mut tables = Tables::default();
    let mut frame: Option<(u16, u16, Vec<Component>)> = None;
    let mut at = 2;
    loop {
        let (marker, payload, next) = segment(bytes, at)?;
        at = next;
        match marker {
            0xE0..=0xED | 0xEF | 0xFE => segments.push((marker, payload)),
            0xDB => quantisation(payload, &mut tables)?,
            0xC4 => huffman(payload, &mut tables)?,
            0xDD => {
                tables.restart = usize::from(u16::from_be_bytes(payload.get(..2)?.try_into().ok()?))
            }
            0xC0 | 0xC1 if frame.is_none() => frame = Some(start_of_frame(payload)?),
            0xDA => {
                let (width, height, components) = frame?;
                if u64::from(width) * u64::from(height) > max_pixels {
                    return None;
                }
                let image = scan(bytes, at, payload, width, height, &components, &tables)?;
                return Some(Parsed { image, segments });
            }
            _ => return None,
        }
    }
}

/// The segment whose marker is at `at`: its marker byte, payload and the
/// offset after it. Fill bytes before a marker are skipped.
fn segment(bytes: &[u8], mut at: usize) -> Option<(u8, &[u8], usize)> {
    while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
        at += 1;
    }
    if *bytes.get(at)? != 0xFF {
        return None;
    }
    let marker = *bytes.get(at + 1)?;
    let length = usize::from(u16::from_be_bytes(
        bytes.get(at + 2..at + 4)?.try_into().ok()?,
    ));
    let payload = bytes.get(at + 4..(at + 2 + length).max(at + 4))?;
    if length < 2 {
        return None;
    }
    Some((marker, payload, at + 2 + length))
}

fn quantisation(mut payload: &[u8], tables: &mut Tables) -> Option<()> {
    while let Some((&precision_and_id, rest)) = payload.split_first() {
        if precision_and_id >> 4 != 0 {
            return None;
        }
        let values = rest.get(..64)?;
        let mut table = [0u16; 64];
        for (entry, &value) in table.iter_mut().zip(values) {
            *entry = u16::from(value.max(1));
        }
        *tables.quant.get_mut(usize::from(precision_and_id & 15))? = Some(table);
        payload = &rest[64..];
    }
    Some(())
}

fn huffman(mut payload: &[u8], tables: &mut Tables) -> Option<()> {
    while let Some((&class_and_id, rest)) = payload.split_first() {
        let counts: [u8; 16] = rest.get(..16)?.try_into().ok()?;
        let total: usize = counts.iter().map(|&n| usize::from(n)).sum();
        let symbols = rest.get(16..16 + total)?.to_vec();
        let spec = Some(Spec { counts, symbols });
        let id = usize::from(class_and_id & 15);
        match class_and_id >> 4 {
            0 => *tables.dc.get_mut(id)? = spec,
            1 => *tables.ac.get_mut(id)? = spec,
            _ => return None,
        }
        payload = &rest[16 + total..];
    }
    Some(())
}

fn start_of_frame(payload: &[u8]) -> Option<(u16, u16, Vec<Component>)> {
    let [8, h1, h0, w1, w0, count, ref rest @ ..] = *payload else {
        return None;
    };
    let (height, width) = (u16::from_be_bytes([h1, h0]), u16::from_be_bytes([w1, w0]));
    if width == 0 || height == 0 || rest.len() < 3 * usize::from(count) {
        return None;
    }
    let components: Vec<Component> = rest
        .chunks_exact(3)
        .take(usize::from(count))
        .map(|c| Component {
            id: c[0],
            h: c[1] >> 4,
            v: c[1] & 15,
            quant: usize::from(c[2]),
        })
        .collect();
    let supported = match components.as_slice() {
        [_] => true,
        [y, cb, cr] => (y.h, y.v, cb.h, cb.v, cr.h, cr.v) == (2, 2, 1, 1, 1, 1),
        _ => false,
    };
    supported.then_some((width, height, components))
}

/// Decodes the one scan, which must hold every component in frame order
/// and be followed by the end of the image.
fn scan(
    bytes: &[u8],
    data_start: usize,
    header: &[u8],
    width: u16,
    height: u16,
    components: &[Component],
    tables: &Tables,
) -> Option<Image> {
    let (&count, rest) = header.split_first()?;
    if usize::from(count) != components.len() || rest.len() != 2 * components.len() + 3 {
        return None;
    }
    if rest[2 * components.len()..] != [0, 63, 0] {
        return None;
    }
    let mut decoders = Vec::with_capacity(components.len());
    let mut planes = Vec::with_capacity(components.len());
    let (mcu_side, grey) = if components.len() == 1 {
        (8, true)
    } else {
        (16, false)
    };
    let mcus_x = usize::from(width).div_ceil(mcu_side);
    let mcus_y = usize::from(height).div_ceil(mcu_side);
    for (component, selector) in components.iter().zip(rest.chunks_exact(2)) {
        if selector[0] != component.id {
            return None;
        }
        let dc = tables.dc.get(usize::from(selector[1] >> 4))?.as_ref()?;
        let ac = tables.ac.get(usize::from(selector[1] & 15))?.as_ref()?;
        decoders.push((Decoder::new(dc)?, Decoder::new(ac)?));
        let (h, v) = if grey {
            (1, 1)
        } else {
            (usize::from(component.h), usize::from(component.v))
        };
        let (blocks_w, blocks_h) = (mcus_x * h, mcus_y * v);
        planes.push(Plane {
            id: component.id,
            h: h as u8,
            v: v as u8,
            blocks_w,
            blocks_h,
            blocks: vec![[0i16; 64]; blocks_w * blocks_h],
            order: Layout::IDENTITY,
            quant: (*tables.quant.get(component.quant)?)?,
        });
    }
    let (data, intervals, end) = unstuff(bytes, data_start)?;
    if segment_marker(bytes, end)? != 0xD9 {
        return None;
    }
    let mcus = mcus_x * mcus_y;
    let per_interval = if tables.restart == 0 {
        mcus
    } else {
        tables.restart
    };
    if intervals.len() < mcus.div_ceil(per_interval) {
        return None;
    }
    for (index, range) in intervals.into_iter().enumerate() {
        let first = index * per_interval;
        if first >= mcus {
            break;
        }
        let mut bits = Bits::new(&data[range]);
        let mut predictions = [0i32; 3];
        for mcu in first..(first + per_interval).min(mcus) {
            let (mx, my) = (mcu % mcus_x, mcu / mcus_x);
            for (p, plane) in planes.iter_mut().enumerate() {
                let (dc, ac) = &decoders[p];
                let (h, v) = (usize::from(plane.h), usize::from(plane.v));
                for by in my * v..(my + 1) * v {
                    for bx in mx * h..(mx + 1) * h {
                        let block = &mut plane.blocks[by * plane.blocks_w + bx];
                        decode_block(&mut bits, dc, ac, &mut predictions[p], block)?;
                    }
                }
            }
            if bits.overran() {
                return None;
            }
        }
    }
    Some(Image {
        width,
        height,
        planes,
    })
}

/// The marker byte at `at` (after fill bytes), where a scan ended.
fn segment_marker(bytes: &[u8], mut at: usize) -> Option<u8> {
    while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
        at += 1;
    }
    (*bytes.get(at)? == 0xFF).then(|| bytes.get(at + 1).copied())?
}

/// The scan's entropy-coded bytes with the stuffed zero after each 0xFF
/// removed, split at restart markers, and the offset of the marker that
/// ended the scan.
fn unstuff(bytes: &[u8], mut at: usize) -> Option<(Vec<u8>, Vec<Range<usize>>, usize)> {
    let mut data = Vec::with_capacity(bytes.len().saturating_sub(at));
    let mut intervals = Vec::new();
    let mut begin = 0;
    loop {
        let rest = bytes.get(at..)?;
        let ff = memchr::memchr(0xFF, rest)?;
        data.extend_from_slice(&rest[..ff]);
        at += ff;
        match *bytes.get(at + 1)? {
            0x00 => {
                data.push(0xFF);
                at += 2;
            }
            0xFF => at += 1,
            0xD0..=0xD7 => {
                intervals.push(begin..data.len());
                begin = data.len();
                at += 2;
            }
            _ => {
                intervals.push(begin..data.len());
                return Some((data, intervals, at));
            }
        }
    }
}

/// Reads the DC and AC codes of one block into `block` (zigzag order),
/// the DC as its value rather than its difference.
#[inline]
fn decode_block(
    bits: &mut Bits,
    dc: &Decoder,
    ac: &Decoder,
    prediction: &mut i32,
    block: &mut [i16; 64],
) -> Option<()> {
    bits.fill();
    let (size, length) = dc.decode(bits.peek())?;
    bits.skip(length);
    if size > 11 {
        return None;
    }
    *prediction += bits.value(u32::from(size));
    block[0] = i16::try_from(*prediction).ok()?;
    let mut k = 1;
    while k < 64 {
        bits.fill();
        let (symbol, length) = ac.decode(bits.peek())?;
        bits.skip(length);
        let (run, size) = (usize::from(symbol >> 4), u32::from(symbol & 15));
        if size == 0 {
            if run != 15 {
                break;
            }
            k += 16;
            continue;
        }
        k += run;
        *block.get_mut(k)? = bits.value(size) as i16;
        k += 1;
    }
    Some(())
}

/// A big-endian bit reader over unstuffed scan bytes. Past the end it reads
/// zeros and remembers it did, so a scan cut short is caught.
struct Bits<'a> {
    data: &'a [u8],
    at: usize,
    /// Unread bits, first bit highest.
    window: u64,
    count: u32,
}

impl<'a> Bits<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self {
            data,
            at: 0,
            window: 0,
            count: 0,
        }
    }

    /// Makes at least 32 bits available: a code and its extra bits.
    #[inline]
    fn fill(&mut self) {
        if self.count >= 32 {
            return;
        }
        if let Some(next) = self.data.get(self.at..self.at + 8) {
            let word = u64::from_be_bytes(next.try_into().expect("eight bytes"));
            let take = (63 - self.count) / 8;
            let bits = take * 8;
            self.window |= (word >> (64 - bits)) << (64 - self.count - bits);
            self.at += take as usize;
            self.count += bits;
        } else {
            while self.count <= 56 {
                let byte = self.data.get(self.at).copied().unwrap_or(0);
                self.window |= u64::from(byte) << (56 - self.count);
                self.at += 1;
                self.count += 8;
            }
        }
    }

    #[inline]
    fn peek(&self) -> u16 {
        (self.window >> 48) as u16
    }

    #[inline]
    fn skip(&mut self, bits: u32) {
        self.window <<= bits;
        self.count -= bits;
    }

    /// The next `size` bits as a coefficient (T.81's EXTEND).
    #[inline]
    fn value(&mut self, size: u32) -> i32 {
        if size == 0 {
            return 0;
        }
        let raw = (self.window >> (64 - size)) as i32;
        self.skip(size);
        if raw < 1 << (size - 1) {
            raw - (1 << size) + 1
        } else {
            raw
        }
    }

    /// Whether more bits were read than the scan holds.
    fn overran(&self) -> bool {
        self.at * 8 > self.data.len() * 8 + self.count as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stuffed_bytes_and_restart_markers_are_taken_out() {
        let bytes = [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xFF, 0xD9];
        let (data, intervals, end) = unstuff(&bytes, 0).unwrap();
        assert_eq!(data, [0x12, 0xFF, 0x34, 0x56]);
        assert_eq!(intervals, [0..3, 3..4]);
        assert_eq!(segment_marker(&bytes, end), Some(0xD9));
    }

    #[test]
    fn bits_read_past_the_end_are_noticed() {
        let data = [0b1010_0000];
        let mut bits = Bits::new(&data);
        bits.fill();
        assert_eq!(bits.value(3), 0b101);
        assert!(!bits.overran());
        bits.skip(6);
        assert!(bits.overran());
    }

    #[test]
    fn a_file_that_is_not_a_jpeg_is_not_read() {
        assert!(read(b"\x89PNG\r\n\x1a\n", u64::MAX).is_none());
        assert!(read(&[0xFF, 0xD8, 0xFF, 0xD9], u64::MAX).is_none());
    }
}
