//! Fixed JPEG tables: the zigzag order coefficients travel in, and the
//! example quantisation tables of T.81 Annex K scaled by quality the way
//! libjpeg (and the `jpeg-encoder` crate the pixel path uses) scales them,
//! so a recoded file at quality q is quantised exactly like an encoded one.

/// `ZIGZAG[i]` is the natural (row-major) index of the i-th coefficient
/// in stream order.
pub const ZIGZAG: [u8; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// Annex K.1 luminance table, natural order.
const LUMA: [u16; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
    92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/// Annex K.1 chrominance table, natural order.
const CHROMA: [u16; 64] = [
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/// The quantisation table for `quality` (1-100), in zigzag order.
pub fn quantisation(quality: u8, luma: bool) -> [u16; 64] {
    let quality = u32::from(quality.clamp(1, 100));
    let scale = if quality < 50 {
        5000 / quality
    } else {
        200 - quality * 2
    };
    let base = if luma { &LUMA } else { &CHROMA };
    let mut table = [0u16; 64];
    for (entry, &natural) in table.iter_mut().zip(&ZIGZAG) {
        let scaled = (u32::from(base[usize::from(natural)]) * scale + 50) / 100;
        *entry = scaled.clamp(1, 255) as u16;
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zigzag_visits_every_coefficient_once() {
        let mut seen = [false; 64];
        for &n in &ZIGZAG {
            assert!(!seen[usize::from(n)]);
            seen[usize::from(n)] = true;
        }
    }

    #[test]
    fn quality_scales_like_libjpeg() {
        assert_eq!(quantisation(50, true)[0], 16);
        assert_eq!(quantisation(100, true), [1; 64]);
        assert_eq!(quantisation(85, true)[0], 5);
        assert_eq!(quantisation(85, false)[63], 30);
        assert_eq!(quantisation(1, false)[63], 255);
    }
}
