//! Recoding checked against the pixel path's meaning: every orientation,
//! rotation and flip lands the same pixels where decoding and turning
//! would, grey and restart-interval files read, optimised tables change no
//! pixel, and whatever recoding can't do is left to the pixel path.

use image::{DynamicImage, GenericImageView, RgbImage};
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

use super::*;

/// A TIFF-in-EXIF block holding only an orientation tag.
fn exif_with_orientation(value: u16) -> Vec<u8> {
    let mut exif = b"MM\0\x2a\0\0\0\x08\0\x01".to_vec();
    exif.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    exif.extend_from_slice(&value.to_be_bytes());
    exif.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    exif
}

fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 255 / width) as u8,
            (y * 255 / height) as u8,
            ((x + y) * 255 / (width + height)) as u8,
        ])
    })
}

fn jpeg(image: &RgbImage, orientation: Option<u16>, restart: u16, grey: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, 92);
    encoder.set_sampling_factor(SamplingFactor::R_4_2_0);
    encoder.set_restart_interval(restart);
    if let Some(value) = orientation {
        encoder
            .add_exif_metadata(&exif_with_orientation(value))
            .unwrap();
    }
    let (w, h) = (image.width() as u16, image.height() as u16);
    if grey {
        let luma = DynamicImage::ImageRgb8(image.clone()).to_luma8();
        encoder
            .encode(luma.as_raw(), w, h, ColorType::Luma)
            .unwrap();
    } else {
        encoder
            .encode(image.as_raw(), w, h, ColorType::Rgb)
            .unwrap();
    }
    out
}

fn run(bytes: &[u8], words: &[&str]) -> Option<Output> {
    let options = Options::parse(words.iter().copied()).unwrap();
    let limits = Limits::default();
    let deadline = limits.deadline(std::time::Instant::now());
    convert(bytes, &options, &limits, &deadline).unwrap()
}

/// Mean absolute difference per channel between two images of one size.
fn difference(a: &DynamicImage, b: &DynamicImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let (a, b) = (a.to_rgb8(), b.to_rgb8());
    let total: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    total as f64 / a.as_raw().len() as f64
}

const ORIENTATIONS: [(u16, Orientation); 8] = [
    (1, Orientation::NoTransforms),
    (2, Orientation::FlipHorizontal),
    (3, Orientation::Rotate180),
    (4, Orientation::FlipVertical),
    (5, Orientation::Rotate90FlipH),
    (6, Orientation::Rotate90),
    (7, Orientation::Rotate270FlipH),
    (8, Orientation::Rotate270),
];

#[test]
fn every_orientation_lands_pixels_where_turning_the_decoded_image_would() {
    let source = picture(64, 48);
    for (tag, orientation) in ORIENTATIONS {
        let bytes = jpeg(&source, Some(tag), 0, false);
        let output = run(&bytes, &["jpg", "q=90"]).expect("recoded");
        let mut expected = image::load_from_memory(&bytes).unwrap();
        expected.apply_orientation(orientation);
        let got = image::load_from_memory(&output.bytes).unwrap();
        assert_eq!((output.width, output.height), got.dimensions());
        let off = difference(&got, &expected);
        assert!(off < 2.0, "orientation {tag}: {off}");
        assert_eq!(
            output.notes.contains(&Note::Oriented),
            tag != 1,
            "orientation {tag}"
        );
    }
}

#[test]
fn rotation_and_flip_follow_the_orientation_in_order() {
    let source = picture(48, 32);
    let bytes = jpeg(&source, Some(6), 0, false);
    let output = run(&bytes, &["jpg", "rotate=90", "flip=h"]).expect("recoded");
    let mut expected = image::load_from_memory(&bytes).unwrap();
    expected.apply_orientation(Orientation::Rotate90);
    expected.apply_orientation(Orientation::Rotate90);
    expected.apply_orientation(Orientation::FlipHorizontal);
    let got = image::load_from_memory(&output.bytes).unwrap();
    let off = difference(&got, &expected);
    assert!(off < 2.0, "{off}");
}

#[test]
fn grey_files_and_restart_intervals_are_read() {
    let source = picture(48, 32);
    for (restart, grey) in [(3, false), (0, true), (2, true)] {
        let bytes = jpeg(&source, Some(3), restart, grey);
        let output = run(&bytes, &["jpg", "q=90"]).expect("recoded");
        let mut expected = image::load_from_memory(&bytes).unwrap();
        expected.apply_orientation(Orientation::Rotate180);
        let got = image::load_from_memory(&output.bytes).unwrap();
        assert_eq!(got.color().has_color(), !grey);
        let off = difference(&got, &expected);
        assert!(off < 2.0, "restart {restart}: {off}");
    }
}

#[test]
fn a_lower_quality_makes_a_smaller_file() {
    let bytes = jpeg(&picture(128, 96), None, 0, false);
    let high = run(&bytes, &["jpg", "q=90"]).unwrap();
    let low = run(&bytes, &["jpg", "q=40"]).unwrap();
    assert!(low.bytes.len() < high.bytes.len() * 3 / 4);
    assert_eq!(low.quality, Some(40));
}

#[test]
fn kept_metadata_loses_only_the_applied_orientation() {
    let bytes = jpeg(&picture(32, 32), Some(6), 0, false);
    let kept = run(&bytes, &["jpg", "keep-metadata"]).unwrap();
    let parsed = read::read(&kept.bytes, u64::MAX).unwrap();
    let exif = parsed.exif().expect("EXIF kept");
    assert_ne!(
        Orientation::from_exif_chunk(exif),
        Some(Orientation::Rotate90)
    );
    let stripped = run(&bytes, &["jpg"]).unwrap();
    assert!(
        read::read(&stripped.bytes, u64::MAX)
            .unwrap()
            .exif()
            .is_none()
    );
    assert!(stripped.notes.contains(&Note::MetadataRemoved));
}

#[test]
fn what_recoding_cannot_do_is_left_to_the_pixel_path() {
    let bytes = jpeg(&picture(40, 24), Some(2), 0, false);
    assert!(run(&bytes, &["jpg", "resize=50%"]).is_none());
    assert!(run(&bytes, &["jpg", "progressive"]).is_none());
    // Mirroring a width of 40 would move a partial MCU to the left edge.
    assert!(run(&bytes, &["jpg"]).is_none());
    let mut cut = jpeg(&picture(64, 64), None, 0, false);
    cut.truncate(cut.len() / 2);
    cut.extend_from_slice(&[0xFF, 0xD9]);
    assert!(run(&cut, &["jpg"]).is_none());
}

#[test]
fn optimised_tables_change_no_pixel_and_save_bytes() {
    let bytes = jpeg(&picture(200, 120), None, 0, false);
    let smaller = optimise(&bytes).expect("smaller");
    assert!(smaller.len() < bytes.len());
    let before = image::load_from_memory(&bytes).unwrap();
    let after = image::load_from_memory(&smaller).unwrap();
    assert_eq!(before.as_bytes(), after.as_bytes());
}
