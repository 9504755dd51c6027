//! The one question every pass over coefficient blocks asks first: which
//! of the 64 coefficients are not zero. Most are zero, so passes walk the
//! set bits of this mask instead of all 64 entries. And a hint that a
//! block will be read soon, for walks the hardware can't predict.

/// Bit k is set when coefficient k of `block` is not zero.
#[inline]
pub fn nonzero(block: &[i16; 64]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        nonzero_sse2(block)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        block
            .iter()
            .enumerate()
            .fold(0, |mask, (k, &c)| mask | u64::from(c != 0) << k)
    }
}

/// Asks the CPU to bring `block` (two cache lines) into cache ahead of use.
#[inline]
pub fn prefetch(block: &[i16; 64]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let bytes = block.as_ptr().cast::<i8>();
        // SAFETY: a prefetch reads nothing and cannot fault; both addresses
        // are inside `block`. SSE is part of x86-64.
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(bytes);
            _mm_prefetch::<_MM_HINT_T0>(bytes.add(64));
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = block;
}

/// SSE2 is part of x86-64, so this needs no run-time check: eight
/// coefficients compared with zero per instruction, packed to bytes, and
/// their top bits gathered into the mask.
#[cfg(target_arch = "x86_64")]
#[inline]
fn nonzero_sse2(block: &[i16; 64]) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi16, _mm_loadu_si128, _mm_movemask_epi8, _mm_packs_epi16,
        _mm_setzero_si128,
    };
    let mut zero_bits = 0u64;
    let lanes = block.as_ptr().cast::<__m128i>();
    // SAFETY: `block` is 128 bytes, read as eight unaligned 16-byte lanes;
    // the intrinsics are SSE2, which every x86-64 CPU has.
    unsafe {
        let zero = _mm_setzero_si128();
        for quarter in 0..4 {
            let low = _mm_cmpeq_epi16(_mm_loadu_si128(lanes.add(2 * quarter)), zero);
            let high = _mm_cmpeq_epi16(_mm_loadu_si128(lanes.add(2 * quarter + 1)), zero);
            let bytes = _mm_packs_epi16(low, high);
            let bits = _mm_movemask_epi8(bytes) as u32 as u64;
            zero_bits |= bits << (16 * quarter);
        }
    }
    !zero_bits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mask_marks_exactly_the_nonzero_coefficients() {
        let mut block = [0i16; 64];
        assert_eq!(nonzero(&block), 0);
        for (k, value) in [(0, 5), (1, -1), (17, 300), (40, -32768), (63, 1)] {
            block[k] = value;
        }
        assert_eq!(nonzero(&block), 1 | 1 << 1 | 1 << 17 | 1 << 40 | 1 << 63);
    }
}
