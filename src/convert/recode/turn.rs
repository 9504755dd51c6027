//! Orientation and requantisation in the DCT domain. Turning or mirroring
//! an image moves whole 8×8 blocks and, inside each block, transposes the
//! coefficients or flips the sign of the odd frequencies along a mirrored
//! axis; a new quality divides every dequantised coefficient by the new
//! table. Both happen in one pass over the blocks where they lie; where
//! each block goes is left to the plane's `order`, read by the writer.

use super::super::orient::Layout;
use super::block::nonzero;
use super::tables::ZIGZAG;
use super::{Image, Plane};

/// Where each output block of an image comes from.
#[derive(Debug, Clone, Copy)]
pub struct Turn(pub Layout);

impl Turn {
    /// The output's width and height.
    pub fn size(self, width: u16, height: u16) -> (u16, u16) {
        self.0.size(width, height)
    }

    /// The output's block grid of a plane whose grid is `blocks_w` × `blocks_h`.
    pub fn grid(self, blocks_w: usize, blocks_h: usize) -> (usize, usize) {
        self.0.size(blocks_w, blocks_h)
    }

    /// The source block of output block (`bx`, `by`) in an output `grid`.
    #[inline]
    pub fn source(self, (grid_w, grid_h): (usize, usize), bx: usize, by: usize) -> (usize, usize) {
        let a = if self.0.mirror_x { grid_w - 1 - bx } else { bx };
        let b = if self.0.mirror_y { grid_h - 1 - by } else { by };
        if self.0.swap { (b, a) } else { (a, b) }
    }

    /// Whether blocks can move this way: the partial blocks along the right
    /// and bottom edges must stay there, so a source side that ends up
    /// mirrored must be a whole number of MCUs.
    pub fn fits(self, image: &Image) -> bool {
        let side = if image.planes.len() == 1 { 8 } else { 16 };
        let (source_for_x, source_for_y) = self.0.size(image.width, image.height);
        let whole = |length: u16| usize::from(length) % side == 0;
        (!self.0.mirror_x || whole(source_for_x)) && (!self.0.mirror_y || whole(source_for_y))
    }
}

/// `plane` as `turn` places it, every coefficient requantised from the
/// plane's table to `target` (zigzag order), rounded to the nearest step.
/// Each block is rewritten where it lies; the plane's `order` says where
/// the writer finds it.
pub fn recode(mut plane: Plane, turn: Turn, target: &[u16; 64]) -> Plane {
    debug_assert_eq!(plane.order, Layout::IDENTITY, "a plane is turned once");
    if turn.0 == Layout::IDENTITY && plane.quant == *target {
        return plane;
    }
    let map = Map::new(turn, &plane.quant, target);
    for block in &mut plane.blocks {
        let source = *block;
        map.apply(&source, block);
    }
    let (blocks_w, blocks_h) = turn.grid(plane.blocks_w, plane.blocks_h);
    let (h, v) = turn.0.size(plane.h, plane.v);
    Plane {
        h,
        v,
        blocks_w,
        blocks_h,
        order: turn.0,
        quant: *target,
        ..plane
    }
}

/// Where each coefficient of a source block goes in the output block, and
/// what it is multiplied by there (sign and the ratio of the two steps).
struct Map {
    to: [u8; 64],
    factor: [f32; 64],
}

impl Map {
    fn new(turn: Turn, source: &[u16; 64], target: &[u16; 64]) -> Self {
        let mut natural_to_zigzag = [0u8; 64];
        for (z, &n) in ZIGZAG.iter().enumerate() {
            natural_to_zigzag[usize::from(n)] = z as u8;
        }
        let mut map = Self {
            to: [0; 64],
            factor: [0.0; 64],
        };
        for (z, &n) in ZIGZAG.iter().enumerate() {
            let (row, column) = turn.0.size(usize::from(n) / 8, usize::from(n) % 8);
            let odd_x = turn.0.mirror_x && column % 2 == 1;
            let odd_y = turn.0.mirror_y && row % 2 == 1;
            let sign = if odd_x ^ odd_y { -1.0 } else { 1.0 };
            let to = natural_to_zigzag[row * 8 + column];
            map.to[z] = to;
            map.factor[z] = sign * f32::from(source[z]) / f32::from(target[usize::from(to)]);
        }
        map
    }

    /// Writes `source` moved and requantised into `out`, which is all zeros
    /// or `source` itself.
    #[inline]
    fn apply(&self, source: &[i16; 64], out: &mut [i16; 64]) {
        let mut nonzero = nonzero(source);
        let source = *source;
        *out = [0; 64];
        while nonzero != 0 {
            let z = nonzero.trailing_zeros() as usize;
            nonzero &= nonzero - 1;
            let value = f32::from(source[z]) * self.factor[z];
            let to = usize::from(self.to[z]);
            let low = if to == 0 { -1024.0 } else { -1023.0 };
            out[to] = (value + 0.5f32.copysign(value)).clamp(low, 1023.0) as i16;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plane(blocks: Vec<[i16; 64]>, quant: u16) -> Plane {
        Plane {
            id: 1,
            h: 1,
            v: 1,
            blocks_w: blocks.len(),
            blocks_h: 1,
            blocks,
            order: Layout::IDENTITY,
            quant: [quant; 64],
        }
    }

    #[test]
    fn a_coarser_table_divides_and_rounds_to_nearest() {
        let mut block = [0i16; 64];
        block[0] = 10;
        block[1] = -3;
        block[2] = 1;
        let p = recode(plane(vec![block], 4), Turn(Layout::IDENTITY), &[6; 64]);
        assert_eq!(&p.blocks[0][..3], &[7, -2, 1]);
        assert_eq!(p.quant, [6; 64]);
    }

    #[test]
    fn a_transpose_swaps_frequencies_and_a_mirror_flips_odd_ones() {
        let mut block = [0i16; 64];
        block[1] = 5;
        block[2] = 7;
        let transpose = Turn(Layout {
            swap: true,
            mirror_x: false,
            mirror_y: false,
        });
        let p = recode(plane(vec![block], 1), transpose, &[1; 64]);
        assert_eq!(&p.blocks[0][..3], &[0, 7, 5]);
        let mirror = Turn(Layout {
            swap: false,
            mirror_x: true,
            mirror_y: false,
        });
        let p = recode(plane(vec![block], 1), mirror, &[1; 64]);
        assert_eq!(&p.blocks[0][..3], &[0, -5, 7]);
    }

    #[test]
    fn a_quarter_turn_reads_the_blocks_in_their_new_places() {
        let blocks = (1..=6)
            .map(|dc| {
                let mut block = [0i16; 64];
                block[0] = dc;
                block
            })
            .collect();
        let source = Plane {
            blocks_w: 3,
            blocks_h: 2,
            ..plane(blocks, 1)
        };
        let quarter = Turn(Layout::of(image::metadata::Orientation::Rotate90).expect("a move"));
        let turned = recode(source, quarter, &[1; 64]);
        assert_eq!((turned.blocks_w, turned.blocks_h), (2, 3));
        let dc = |bx, by| turned.block(bx, by)[0];
        let rows: Vec<[i16; 2]> = (0..3).map(|by| [dc(0, by), dc(1, by)]).collect();
        assert_eq!(rows, [[4, 1], [5, 2], [6, 3]]);
    }

    #[test]
    fn a_mirrored_partial_mcu_does_not_fit() {
        let image = Image {
            width: 20,
            height: 16,
            planes: vec![plane(vec![[0; 64]; 6], 1)],
        };
        let flip_x = Turn(Layout {
            swap: false,
            mirror_x: true,
            mirror_y: false,
        });
        let flip_y = Turn(Layout {
            swap: false,
            mirror_x: false,
            mirror_y: true,
        });
        assert!(!flip_x.fits(&image));
        assert!(flip_y.fits(&image));
    }
}
