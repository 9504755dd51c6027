//! Writes coefficients as a baseline JPEG with Huffman tables made for
//! them: a first pass counts the symbols every block will need, the
//! optimal tables are built from the counts, and a second pass writes the
//! scan.

use super::Image;
use super::block::{nonzero, prefetch};
use super::huffman::{self, Encoder, Spec};

/// The JPEG of `image`, with `segments` (marker byte and payload: APPn,
/// COM) after SOI.
pub fn write(image: &Image, segments: &[(u8, &[u8])]) -> Vec<u8> {
    let mut counts = Counts([[0; 256]; 4]);
    walk(image, &mut counts);
    let specs: Vec<Spec> = counts.0.iter().map(huffman::optimal).collect();
    let tables = if image.planes.len() == 1 { 2 } else { 4 };
    let (width, height) = (image.width, image.height);
    let mut out = Vec::with_capacity(estimated_size(image));
    out.extend_from_slice(&[0xFF, 0xD8]);
    for (marker, payload) in segments {
        put_segment(&mut out, *marker, &[payload]);
    }
    let quant = quantisation_tables(image);
    for (id, table) in quant.iter().enumerate() {
        let mut payload = vec![id as u8];
        payload.extend(table.iter().map(|&q| q.min(255) as u8));
        put_segment(&mut out, 0xDB, &[&payload]);
    }
    let mut frame = vec![8];
    frame.extend_from_slice(&height.to_be_bytes());
    frame.extend_from_slice(&width.to_be_bytes());
    frame.push(image.planes.len() as u8);
    for plane in &image.planes {
        let table = quant
            .iter()
            .position(|table| *table == plane.quant)
            .unwrap_or(0);
        frame.extend_from_slice(&[plane.id, plane.h << 4 | plane.v, table as u8]);
    }
    put_segment(&mut out, 0xC0, &[&frame]);
    let mut dht = Vec::new();
    for (index, spec) in specs.iter().take(tables).enumerate() {
        let (class, id) = (index % 2, index / 2);
        dht.push((class << 4 | id) as u8);
        dht.extend_from_slice(&spec.counts);
        dht.extend_from_slice(&spec.symbols);
    }
    put_segment(&mut out, 0xC4, &[&dht]);
    let mut scan = vec![image.planes.len() as u8];
    for (index, plane) in image.planes.iter().enumerate() {
        let id = index.min(1) as u8;
        scan.extend_from_slice(&[plane.id, id << 4 | id]);
    }
    scan.extend_from_slice(&[0, 63, 0]);
    put_segment(&mut out, 0xDA, &[&scan]);
    let encoders: Vec<Encoder> = specs.iter().map(Encoder::new).collect();
    let mut bits = BitWriter {
        out,
        window: 0,
        count: 0,
        codes: [
            &encoders[0].codes,
            &encoders[1].codes,
            &encoders[2].codes,
            &encoders[3].codes,
        ],
    };
    walk(image, &mut bits);
    let mut out = bits.finish();
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

/// The distinct quantisation tables of the planes, luma's first.
fn quantisation_tables(image: &Image) -> Vec<[u16; 64]> {
    let mut tables: Vec<[u16; 64]> = Vec::new();
    for plane in &image.planes {
        if !tables.contains(&plane.quant) {
            tables.push(plane.quant);
        }
    }
    tables
}

fn estimated_size(image: &Image) -> usize {
    image.planes.iter().map(|p| p.blocks.len() * 16).sum()
}

fn put_segment(out: &mut Vec<u8>, marker: u8, parts: &[&[u8]]) {
    let length: usize = 2 + parts.iter().map(|p| p.len()).sum::<usize>();
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&(length.min(usize::from(u16::MAX)) as u16).to_be_bytes());
    for part in parts {
        out.extend_from_slice(part);
    }
}

/// Where the symbols of a block go: counted, or written.
trait Sink {
    /// Symbol `symbol` of table `table` (0/1: luma DC/AC, 2/3: chroma),
    /// followed by `size` extra bits `extra`.
    fn symbol(&mut self, table: usize, symbol: u8, extra: u32, size: u32);
}

struct Counts([[u32; 256]; 4]);

impl Sink for Counts {
    #[inline]
    fn symbol(&mut self, table: usize, symbol: u8, _: u32, _: u32) {
        self.0[table][usize::from(symbol)] += 1;
    }
}

/// MCUs between a block's prefetch and its use: a turned plane is read
/// down its columns, a stride the hardware prefetcher does not follow.
const AHEAD: usize = 4;

/// Visits every block in MCU order.
fn walk<S: Sink>(image: &Image, sink: &mut S) {
    let side = if image.planes.len() == 1 { 8 } else { 16 };
    let mcus_x = usize::from(image.width).div_ceil(side);
    let mcus_y = usize::from(image.height).div_ceil(side);
    let mut predictions = [0i16; 3];
    for my in 0..mcus_y {
        for mx in 0..mcus_x {
            for (p, plane) in image.planes.iter().enumerate() {
                let (h, v) = (usize::from(plane.h), usize::from(plane.v));
                let ahead = mx + AHEAD;
                if plane.order.swap && ahead < mcus_x {
                    for by in my * v..(my + 1) * v {
                        for bx in ahead * h..(ahead + 1) * h {
                            prefetch(plane.block(bx, by));
                        }
                    }
                }
                let chroma = p.min(1) * 2;
                for by in my * v..(my + 1) * v {
                    for bx in mx * h..(mx + 1) * h {
                        let block = plane.block(bx, by);
                        encode_block(sink, block, &mut predictions[p], chroma);
                    }
                }
            }
        }
    }
}

/// The size category of a coefficient and its extra bits (T.81 F.1.2).
#[inline]
fn magnitude(value: i32) -> (u32, u32) {
    if value == 0 {
        return (0, 0);
    }
    let size = 32 - value.unsigned_abs().leading_zeros();
    let extra = if value < 0 { value - 1 } else { value } as u32 & ((1 << size) - 1);
    (size, extra)
}

#[inline]
fn encode_block<S: Sink>(sink: &mut S, block: &[i16; 64], prediction: &mut i16, table: usize) {
    let (size, extra) = magnitude(i32::from(block[0]) - i32::from(*prediction));
    *prediction = block[0];
    sink.symbol(table, size as u8, extra, size);
    let mut nonzero = nonzero(block) & !1;
    let mut last = 0;
    while nonzero != 0 {
        let k = nonzero.trailing_zeros();
        nonzero &= nonzero - 1;
        let mut run = k - last - 1;
        while run > 15 {
            sink.symbol(table + 1, 0xF0, 0, 0);
            run -= 16;
        }
        let (size, extra) = magnitude(i32::from(block[k as usize]));
        sink.symbol(table + 1, (run << 4 | size) as u8, extra, size);
        last = k;
    }
    if last != 63 {
        sink.symbol(table + 1, 0x00, 0, 0);
    }
}

/// Appends codes to the scan, stuffing a zero after every 0xFF byte.
struct BitWriter<'a> {
    out: Vec<u8>,
    /// Pending bits, the newest lowest; only the low `count` are pending.
    window: u64,
    count: u32,
    codes: [&'a [(u16, u8); 256]; 4],
}

impl BitWriter<'_> {
    #[inline]
    fn put(&mut self, bits: u32, length: u32) {
        self.window = self.window << length | u64::from(bits);
        self.count += length;
        if self.count >= 32 {
            self.count -= 32;
            self.emit((self.window >> self.count) as u32);
        }
    }

    #[inline]
    fn emit(&mut self, word: u32) {
        let inverted = !word;
        let has_ff = inverted.wrapping_sub(0x0101_0101) & !inverted & 0x8080_8080 != 0;
        if has_ff {
            for byte in word.to_be_bytes() {
                self.out.push(byte);
                if byte == 0xFF {
                    self.out.push(0);
                }
            }
        } else {
            self.out.extend_from_slice(&word.to_be_bytes());
        }
    }

    /// Pads the last byte with ones, as T.81 asks, and returns the bytes.
    fn finish(mut self) -> Vec<u8> {
        let pad = (8 - self.count % 8) % 8;
        if pad > 0 {
            self.put((1 << pad) - 1, pad);
        }
        while self.count >= 8 {
            self.count -= 8;
            let byte = (self.window >> self.count) as u8;
            self.out.push(byte);
            if byte == 0xFF {
                self.out.push(0);
            }
        }
        self.out
    }
}

impl Sink for BitWriter<'_> {
    #[inline]
    fn symbol(&mut self, table: usize, symbol: u8, extra: u32, size: u32) {
        let (code, length) = self.codes[table][usize::from(symbol)];
        self.put(u32::from(code) << size | extra, u32::from(length) + size);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magnitudes_follow_the_standard() {
        assert_eq!(magnitude(0), (0, 0));
        assert_eq!(magnitude(1), (1, 1));
        assert_eq!(magnitude(-1), (1, 0));
        assert_eq!(magnitude(-3), (2, 0));
        assert_eq!(magnitude(5), (3, 5));
        assert_eq!(magnitude(-1023), (10, 0));
    }

    #[test]
    fn every_ff_byte_is_followed_by_a_stuffed_zero() {
        let codes = [(0u16, 0u8); 256];
        let mut bits = BitWriter {
            out: Vec::new(),
            window: 0,
            count: 0,
            codes: [&codes; 4],
        };
        bits.put(0xFF12_FFFF, 32);
        bits.put(0b1, 1);
        assert_eq!(bits.finish(), [0xFF, 0, 0x12, 0xFF, 0, 0xFF, 0, 0xFF, 0]);
    }
}
