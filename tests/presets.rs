//! Each built-in preset on realistic inputs (a 2560x1600 photo, a small
//! WebP and an animated GIF from the corpus, and noise made here that no
//! encoder can squeeze): the format, the pixel size and the byte cap of
//! what comes out, read back from the output bytes themselves.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};
use pixdrop::convert::{Format, Info};
use pixdrop::{Limits, Options, UserError};

fn corpus(path: &str) -> Vec<u8> {
    let path = format!("{}/tests/corpus/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn photo() -> Vec<u8> {
    corpus("photos/jpeg/plasma-Kite_2560x1600.jpg")
}

/// 300x225.
fn small_webp() -> Vec<u8> {
    corpus("valid/webp/pillow-flower2.webp")
}

/// 320x240, 31 frames.
fn animation() -> Vec<u8> {
    corpus("valid/gif/pillow-chi.gif")
}

/// Seeded noise: every byte costs a byte to encode, so caps must bite.
fn noise(width: u32, height: u32) -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    let image = RgbImage::from_fn(width, height, |_, _| {
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        };
        Rgb([next(), next(), next()])
    });
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Converts `input` with `words` and describes the output's bytes.
fn made(input: &[u8], words: &str) -> Result<(Info, Vec<u8>), UserError> {
    let options = Options::parse(words.split_whitespace())?;
    let output = pixdrop::convert(input, &options, &Limits::default())?;
    let info = pixdrop::info(&output.bytes, &Limits::default()).expect("output reads back");
    Ok((info, output.bytes))
}

fn shape(info: &Info) -> (Format, u32, u32) {
    (info.format, info.width, info.height)
}

#[test]
fn sticker_is_webp_with_a_long_side_of_exactly_512_under_512_kb() {
    let (info, bytes) = made(&photo(), "sticker").unwrap();
    assert_eq!(shape(&info), (Format::Webp, 512, 320));
    assert!(bytes.len() <= 512_000, "{}", bytes.len());

    let (info, _) = made(&small_webp(), "sticker").unwrap();
    assert_eq!(shape(&info), (Format::Webp, 512, 384), "enlarged");

    let (info, bytes) = made(&noise(1024, 1024), "sticker").unwrap();
    assert_eq!(shape(&info), (Format::Webp, 512, 512));
    assert!(bytes.len() <= 512_000, "{}", bytes.len());
}

#[test]
fn emoji_is_png_within_128_under_256_kb_and_an_animation_stays_gif() {
    let (info, bytes) = made(&photo(), "emoji").unwrap();
    assert_eq!(shape(&info), (Format::Png, 128, 80));
    assert!(bytes.len() <= 256_000);

    let (info, bytes) = made(&animation(), "emoji").unwrap();
    assert_eq!(shape(&info), (Format::Gif, 128, 96));
    assert_eq!(info.frames, 31);
    assert!(bytes.len() <= 256_000, "{}", bytes.len());

    let (info, _) = made(&small_webp(), "emoji").unwrap();
    assert_eq!(shape(&info), (Format::Png, 128, 96), "a still stays PNG");
}

#[test]
fn avatar_is_the_centre_square_at_512_png() {
    let (info, _) = made(&photo(), "avatar").unwrap();
    assert_eq!(shape(&info), (Format::Png, 512, 512));

    // Red | green | blue thirds: the centre square is all green.
    let thirds = RgbImage::from_fn(300, 100, |x, _| match x / 100 {
        0 => Rgb([255, 0, 0]),
        1 => Rgb([0, 255, 0]),
        _ => Rgb([0, 0, 255]),
    });
    let mut input = Cursor::new(Vec::new());
    thirds.write_to(&mut input, ImageFormat::Png).unwrap();
    let (info, bytes) = made(&input.into_inner(), "avatar").unwrap();
    assert_eq!(shape(&info), (Format::Png, 512, 512), "enlarged");
    let out = image::load_from_memory(&bytes).unwrap().to_rgb8();
    for (x, y) in [(0, 0), (511, 0), (0, 511), (511, 511), (256, 256)] {
        let [r, g, b] = out.get_pixel(x, y).0;
        assert!(g > 200 && r < 40 && b < 40, "({x},{y}) is {r},{g},{b}");
    }
}

#[test]
fn thumbnail_is_webp_within_320() {
    let (info, _) = made(&photo(), "thumbnail").unwrap();
    assert_eq!(shape(&info), (Format::Webp, 320, 200));
}

#[test]
fn web_is_webp_q80_within_2048_and_never_enlarged() {
    let options = Options::parse(["web"]).unwrap();
    let output = pixdrop::convert(&photo(), &options, &Limits::default()).unwrap();
    assert_eq!(
        (output.format, output.width, output.height, output.quality),
        (Format::Webp, 2048, 1280, Some(80))
    );
    let (info, _) = made(&small_webp(), "web").unwrap();
    assert_eq!(shape(&info), (Format::Webp, 300, 225));
}

#[test]
fn email_is_jpeg_q75_within_1600_under_1_mb() {
    let options = Options::parse(["email"]).unwrap();
    let output = pixdrop::convert(&photo(), &options, &Limits::default()).unwrap();
    assert_eq!(
        (output.format, output.width, output.height, output.quality),
        (Format::Jpeg, 1600, 1000, Some(75))
    );
    let (info, bytes) = made(&noise(2000, 2000), "email").unwrap();
    assert_eq!(shape(&info), (Format::Jpeg, 1600, 1600));
    assert!(bytes.len() <= 1_000_000, "{}", bytes.len());
}

#[test]
fn words_after_a_preset_change_the_result() {
    // A PNG of the photo at 1600 is over email's 1 MB, so it shrinks to fit.
    let (info, bytes) = made(&photo(), "email png").unwrap();
    assert_eq!(info.format, Format::Png);
    assert!(info.width < 1600 && bytes.len() <= 1_000_000, "{info:?}");
    let (info, _) = made(&photo(), "email png max=20MB").unwrap();
    assert_eq!(shape(&info), (Format::Png, 1600, 1000));
    let (info, _) = made(&photo(), "sticker 256").unwrap();
    assert_eq!(shape(&info), (Format::Webp, 256, 160));
    let (info, _) = made(&animation(), "emoji webp").unwrap();
    assert_eq!(info.format, Format::Webp);
    assert!(info.frames > 1, "still animated: {info:?}");
}

#[test]
fn an_unknown_preset_is_refused_before_any_work() {
    let error = made(&photo(), "preset=stcker").unwrap_err();
    assert_eq!(error.code(), "unknown-preset");
    assert!(
        error.to_string().contains("sticker, emoji, avatar"),
        "{error}"
    );
}
