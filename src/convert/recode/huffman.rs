//! Huffman tables of baseline JPEG: the lookups that read a file's own
//! tables, and optimal tables built from the symbols an image really uses
//! (T.81 Annex K.2, code lengths limited to 16 bits as K.3 does). Optimal
//! tables are what makes a re-encoded JPEG as small as libjpeg's
//! `optimize_coding` output without touching a single coefficient.

/// A table as a DHT segment carries it: how many codes have each length
/// from 1 to 16 bits, then the symbols in code order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub counts: [u8; 16],
    pub symbols: Vec<u8>,
}

/// Bits the fast decoding lookup resolves at once; longer codes take the
/// slow path, which real tables use for rare symbols only.
pub const LOOKUP_BITS: u32 = 9;

/// The decoding side of one table.
pub struct Decoder {
    /// Indexed by the next `LOOKUP_BITS` bits: `length << 8 | symbol`, or
    /// 0 when the code is longer.
    fast: Box<[u16; 1 << LOOKUP_BITS]>,
    /// Per length, the largest code of that length (-1 when none).
    max_code: [i32; 17],
    /// Per length, what to add to a code to get its index in `symbols`.
    offset: [i32; 17],
    symbols: Vec<u8>,
}

impl Decoder {
    /// The decoder for `spec`, or `None` when its counts describe more codes
    /// than the lengths can hold.
    pub fn new(spec: &Spec) -> Option<Self> {
        let total: usize = spec.counts.iter().map(|&n| usize::from(n)).sum();
        if total == 0 || total > 256 || total != spec.symbols.len() {
            return None;
        }
        let mut fast = Box::new([0u16; 1 << LOOKUP_BITS]);
        let mut max_code = [-1i32; 17];
        let mut offset = [0i32; 17];
        let mut code: u32 = 0;
        let mut index = 0usize;
        for length in 1..=16u32 {
            let count = u32::from(spec.counts[length as usize - 1]);
            if code + count > 1 << length {
                return None;
            }
            if count > 0 {
                offset[length as usize] = index as i32 - code as i32;
                for _ in 0..count {
                    if length <= LOOKUP_BITS {
                        let shift = LOOKUP_BITS - length;
                        let first = (code << shift) as usize;
                        let entry = (length as u16) << 8 | u16::from(spec.symbols[index]);
                        fast[first..first + (1 << shift)].fill(entry);
                    }
                    code += 1;
                    index += 1;
                }
                max_code[length as usize] = code as i32 - 1;
            }
            code <<= 1;
        }
        Some(Self {
            fast,
            max_code,
            offset,
            symbols: spec.symbols.clone(),
        })
    }

    /// The symbol whose code starts `window` (the next 16 bits, first bit
    /// highest) and its length, or `None` for a code the table lacks.
    #[inline]
    pub fn decode(&self, window: u16) -> Option<(u8, u32)> {
        let entry = self.fast[usize::from(window >> (16 - LOOKUP_BITS))];
        if entry != 0 {
            return Some((entry as u8, u32::from(entry >> 8)));
        }
        for length in LOOKUP_BITS + 1..=16 {
            let code = i32::from(window >> (16 - length));
            if code <= self.max_code[length as usize] {
                let at = (code + self.offset[length as usize]) as usize;
                return self.symbols.get(at).map(|&symbol| (symbol, length));
            }
        }
        None
    }
}

/// The encoding side of one table: each symbol's code, right-aligned, and
/// its length (0 for a symbol the table lacks).
pub struct Encoder {
    pub codes: [(u16, u8); 256],
}

impl Encoder {
    pub fn new(spec: &Spec) -> Self {
        let mut codes = [(0u16, 0u8); 256];
        let mut code: u32 = 0;
        let mut symbols = spec.symbols.iter();
        for length in 1..=16u8 {
            for _ in 0..spec.counts[usize::from(length) - 1] {
                if let Some(&symbol) = symbols.next() {
                    codes[usize::from(symbol)] = (code as u16, length);
                }
                code += 1;
            }
            code <<= 1;
        }
        Self { codes }
    }
}

/// The optimal table for symbols used `counts` times each, with code
/// lengths of at most 16 bits and no code of all ones (which a decoder
/// could mistake for fill bits). Every symbol used at least once gets a
/// code; a table of no symbols gets one code so it stays valid.
pub fn optimal(counts: &[u32; 256]) -> Spec {
    let mut counts = *counts;
    loop {
        if let Some(spec) = optimal_within_32_bits(&counts) {
            return spec;
        }
        for count in counts.iter_mut().filter(|c| **c > 0) {
            *count = (*count / 2).max(1);
        }
    }
}

/// K.2's construction, or `None` when some code would be longer than the
/// 32 bits K.3's limiting starts from (only very skewed counts do that).
fn optimal_within_32_bits(counts: &[u32; 256]) -> Option<Spec> {
    const RESERVED: usize = 256;
    let mut freq = [0u64; 257];
    for (f, &c) in freq.iter_mut().zip(counts) {
        *f = u64::from(c);
    }
    if freq[..256].iter().all(|&f| f == 0) {
        freq[0] = 1;
    }
    freq[RESERVED] = 1;
    let mut size = [0u32; 257];
    let mut chain = [usize::MAX; 257];
    while let Some(first) = least(&freq, usize::MAX) {
        let Some(second) = least(&freq, first) else {
            break;
        };
        freq[first] += freq[second];
        freq[second] = 0;
        for start in [first, second] {
            let mut at = start;
            size[at] += 1;
            while chain[at] != usize::MAX {
                at = chain[at];
                size[at] += 1;
            }
        }
        let mut end = first;
        while chain[end] != usize::MAX {
            end = chain[end];
        }
        chain[end] = second;
    }
    let mut lengths = [0u32; 33];
    for &s in &size {
        if s > 32 {
            return None;
        }
        if s > 0 {
            lengths[s as usize] += 1;
        }
    }
    limit_to_16_bits(&mut lengths);
    let mut spec = Spec {
        counts: [0; 16],
        symbols: Vec::new(),
    };
    for (count, &n) in spec.counts.iter_mut().zip(&lengths[1..=16]) {
        *count = n as u8;
    }
    for length in 1..=32 {
        for (symbol, &s) in size[..256].iter().enumerate() {
            if s == length {
                spec.symbols.push(symbol as u8);
            }
        }
    }
    spec.symbols
        .truncate(spec.counts.iter().map(|&n| usize::from(n)).sum());
    Some(spec)
}

/// The index of the smallest non-zero frequency other than `skip`; among
/// equals the highest index, as K.2 breaks ties.
fn least(freq: &[u64; 257], skip: usize) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, &f) in freq.iter().enumerate() {
        if f == 0 || i == skip {
            continue;
        }
        if best.is_none_or(|b| f <= freq[b]) {
            best = Some(i);
        }
    }
    best
}

/// Moves codes longer than 16 bits up the tree (K.3's procedure), then
/// drops the reserved all-ones code from the longest length.
fn limit_to_16_bits(lengths: &mut [u32; 33]) {
    for i in (17..=32).rev() {
        while lengths[i] > 0 {
            let mut j = i - 2;
            while lengths[j] == 0 {
                j -= 1;
            }
            lengths[i] -= 2;
            lengths[i - 1] += 1;
            lengths[j + 1] += 2;
            lengths[j] -= 1;
        }
    }
    let mut i = 16;
    while lengths[i] == 0 {
        i -= 1;
    }
    lengths[i] -= 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_lengths(spec: &Spec) -> Vec<(u8, u8)> {
        let encoder = Encoder::new(spec);
        spec.symbols
            .iter()
            .map(|&s| (s, encoder.codes[usize::from(s)].1))
            .collect()
    }

    #[test]
    fn frequent_symbols_get_short_codes_and_every_used_symbol_a_code() {
        let mut counts = [0u32; 256];
        counts[0x00] = 1000;
        counts[0x11] = 300;
        counts[0x22] = 10;
        counts[0xF0] = 1;
        let spec = optimal(&counts);
        let lengths = code_lengths(&spec);
        assert_eq!(lengths.len(), 4);
        assert_eq!(lengths[0], (0x00, 1));
        let length_of = |s: u8| lengths.iter().find(|(x, _)| *x == s).unwrap().1;
        assert!(length_of(0x11) <= length_of(0x22));
        assert!(length_of(0x22) <= length_of(0xF0));
    }

    #[test]
    fn skewed_counts_stay_within_16_bits_and_decode_back() {
        let mut counts = [0u32; 256];
        let mut f = 1u32;
        for count in counts.iter_mut().take(40) {
            *count = f;
            f = f.saturating_mul(2).min(1 << 30);
        }
        let spec = optimal(&counts);
        assert_eq!(spec.symbols.len(), 40);
        let encoder = Encoder::new(&spec);
        let decoder = Decoder::new(&spec).expect("a valid table");
        for symbol in 0..40u8 {
            let (code, length) = encoder.codes[usize::from(symbol)];
            assert!((1..=16).contains(&length), "{symbol}: {length}");
            let window = code << (16 - length);
            assert_eq!(decoder.decode(window), Some((symbol, u32::from(length))));
        }
    }

    #[test]
    fn no_code_is_all_ones() {
        let mut counts = [0u32; 256];
        counts[1] = 5;
        counts[2] = 5;
        let spec = optimal(&counts);
        let encoder = Encoder::new(&spec);
        for &s in &spec.symbols {
            let (code, length) = encoder.codes[usize::from(s)];
            assert_ne!(u32::from(code), (1u32 << length) - 1, "symbol {s}");
        }
    }

    #[test]
    fn overfull_counts_are_refused() {
        let mut counts = [0u8; 16];
        counts[0] = 3;
        let spec = Spec {
            counts,
            symbols: vec![1, 2, 3],
        };
        assert!(Decoder::new(&spec).is_none());
    }
}
