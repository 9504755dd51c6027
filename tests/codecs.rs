//! Decoders and colour management checked pixel by pixel against values
//! another implementation gives, so a file that converts but comes out
//! wrong still fails: the Pillow test-suite TIFFs of `tests/corpus` (values
//! read with Pillow 13.0.0), and images tagged with the ICC profiles of
//! `tests/fixtures` (sRGB values from LittleCMS, printed by
//! `tests/fixtures/make_icc.py`).

use std::io::Cursor;
use std::path::Path;

use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageEncoder};
use pixdrop::convert::Format;
use pixdrop::{Limits, Options};

fn corpus_file(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("cannot read {}: {e}", full.display()))
}

/// `bytes` converted to PNG by pixdrop and decoded back.
fn to_png(bytes: &[u8]) -> DynamicImage {
    let options = Options {
        to: Some(Format::Png),
        ..Default::default()
    };
    let out = pixdrop::convert(bytes, &options, &Limits::default()).expect("converts");
    image::load_from_memory(&out.bytes).expect("the PNG decodes")
}

/// Pillow reads 12-bit gray as `I;16` holding the raw 0..4095 values; pixdrop
/// keeps 16-bit gray, each value scaled to the full 16-bit range.
#[test]
fn a_12_bit_tiff_converts_with_its_samples_scaled_to_16_bits() {
    let image = to_png(&corpus_file("valid/tiff/pillow-12bit.cropped.tif"));
    assert_eq!((image.width(), image.height()), (100, 100));
    assert!(
        matches!(image, DynamicImage::ImageLuma16(_)),
        "16-bit gray kept"
    );
    let gray = image.to_luma16();
    let scaled = |raw: u16| raw << 4 | raw >> 8;
    let first_row: Vec<u16> = (0..8).map(|x| gray.get_pixel(x, 0).0[0]).collect();
    let pillow_first_row = [8, 9, 0, 0, 2, 11, 0, 4].map(scaled);
    assert_eq!(first_row, pillow_first_row);
    let middle: Vec<u16> = (40..48).map(|x| gray.get_pixel(x, 50).0[0]).collect();
    assert_eq!(middle, [1, 7, 9, 18, 0, 6, 9, 5].map(scaled));
    // The brightest sample (Pillow: 30 at x 22, y 68), in the second strip.
    assert_eq!(gray.get_pixel(22, 68).0[0], scaled(30));
    assert_eq!(gray.pixels().map(|p| p.0[0]).max(), Some(scaled(30)));
}

#[test]
fn a_g4_fax_tiff_converts_to_pillows_pixels() {
    let image = to_png(&corpus_file("valid/tiff/pillow-hopper_g4.tif")).to_luma8();
    let row = |y| -> Vec<u8> {
        (0..128)
            .step_by(16)
            .map(|x| image.get_pixel(x, y).0[0])
            .collect()
    };
    assert_eq!(row(0), [0, 0, 255, 255, 255, 255, 0, 0]);
    assert_eq!(row(64), [255, 0, 255, 255, 255, 255, 0, 255]);
}

#[test]
fn plain_and_lzw_strip_tiffs_convert_to_pillows_pixels() {
    let pillow_row_0 = [
        [20, 21, 67],
        [29, 29, 93],
        [216, 171, 142],
        [255, 245, 244],
        [68, 101, 182],
        [67, 103, 177],
        [63, 101, 176],
        [65, 102, 180],
    ];
    let pillow_row_64 = [
        [245, 215, 207],
        [16, 15, 49],
        [223, 155, 110],
        [216, 142, 103],
        [173, 70, 55],
        [175, 117, 93],
        [108, 145, 200],
        [108, 143, 201],
    ];
    for path in [
        "valid/tiff/pillow-hopper.tif",
        "valid/tiff/pillow-hopper_lzw.tif",
    ] {
        let image = to_png(&corpus_file(path)).to_rgb8();
        let row = |y| {
            (0..128)
                .step_by(16)
                .map(|x| image.get_pixel(x, y).0)
                .collect::<Vec<_>>()
        };
        assert_eq!(row(0), pillow_row_0, "{path}, row 0");
        assert_eq!(row(64), pillow_row_64, "{path}, row 64");
    }
}

const GREY_LINEAR_ICC: &[u8] = include_bytes!("fixtures/grey-linear.icc");
const WIDE_GAMUT_RGB_ICC: &[u8] = include_bytes!("fixtures/wide-gamut-rgb.icc");

fn png_with_profile(image: &DynamicImage, icc: &[u8]) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let mut encoder = PngEncoder::new(&mut out);
    encoder
        .set_icc_profile(icc.to_vec())
        .expect("PNG takes a profile");
    encoder
        .write_image(
            image.as_bytes(),
            image.width(),
            image.height(),
            image.color().into(),
        )
        .expect("encodes");
    out.into_inner()
}

fn assert_within(got: &[u8], want: &[u8], what: &str) {
    let close = got.len() == want.len()
        && got
            .iter()
            .zip(want)
            .all(|(g, w)| (i16::from(*g) - i16::from(*w)).abs() <= 2);
    assert!(close, "{what}: got {got:?}, LittleCMS gives {want:?}");
}

#[test]
fn a_grey_image_with_a_grey_profile_is_converted_to_srgb() {
    let grey = image::GrayImage::from_fn(3, 1, |x, _| image::Luma([[64, 128, 200][x as usize]]));
    let input = png_with_profile(&DynamicImage::ImageLuma8(grey), GREY_LINEAR_ICC);
    let out = to_png(&input);
    assert!(matches!(out, DynamicImage::ImageLuma8(_)), "stays grey");
    let values: Vec<u8> = out.to_luma8().pixels().map(|p| p.0[0]).collect();
    assert_within(&values, &[137, 188, 229], "linear grey in sRGB");
}

#[test]
fn a_16_bit_rgb_png_with_a_wide_gamut_profile_is_converted_to_srgb() {
    let pixels: [[u8; 3]; 3] = [[200, 120, 60], [100, 150, 200], [128, 128, 128]];
    let wide = image::ImageBuffer::from_fn(3, 1, |x, _| {
        image::Rgb(pixels[x as usize].map(|c| u16::from(c) * 257))
    });
    let input = png_with_profile(&DynamicImage::ImageRgb16(wide), WIDE_GAMUT_RGB_ICC);
    let out = to_png(&input).to_rgb8();
    let srgb = [[224, 121, 53], [66, 151, 203], [129, 129, 129]];
    for (x, want) in srgb.iter().enumerate() {
        let got = out.get_pixel(x as u32, 0).0;
        assert_within(&got, want, &format!("{:?}", pixels[x]));
    }
}
