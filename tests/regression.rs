//! Named regression cases for inputs the fuzz targets (`fuzz/`) found: one
//! test per defect, named after what broke, each input a small file in
//! `tests/regression/`. A case stays here after its fix so the defect
//! can't come back unnoticed.

use std::path::Path;
use std::process::Command;

use pixdrop::{Limits, Options, UserError};

fn input(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/regression")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn convert(name: &str, words: &str) -> Result<pixdrop::Output, UserError> {
    let options = Options::parse(words.split_whitespace()).expect("valid options");
    pixdrop::convert(&input(name), &options, &Limits::default())
}

/// Set in the child process `in_child` starts: run the case's body only.
const CHILD: &str = "PIXDROP_REGRESSION_CHILD";

/// Runs the test named `test` again in a child process with `CHILD` set,
/// and returns what the child wrote to stderr, uncaptured. A C library
/// writes to the process's stderr directly, past the test harness, so only
/// a separate process shows it.
fn stderr_of_child(test: &str) -> String {
    let output = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            test,
            "--exact",
            "--nocapture",
            "--test-threads=1",
            "--quiet",
        ])
        .env(CHILD, "1")
        .output()
        .expect("run the test binary");
    assert!(output.status.success(), "the child run failed: {output:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A damaged AV1 payload (found by the `convert` target) made dav1d print
/// `Unknown OBU type 13 of size 10` and `Error parsing OBU data` on stderr,
/// so the CLI's one error line came with two lines of noise; dav1d also
/// leaked on such input. AV1 now goes through libaom's quiet decoder.
#[test]
fn damaged_avif_is_refused_without_decoder_noise_on_stderr() {
    if !pixdrop::convert::heif::AVAILABLE {
        println!("SKIPPED: this build has no libheif");
        return;
    }
    if std::env::var_os(CHILD).is_some() {
        let error = convert("avif-damaged-obu.avif", "to=png").unwrap_err();
        assert_eq!(error.code(), "corrupt", "{error:?}");
        return;
    }
    let stderr = stderr_of_child("damaged_avif_is_refused_without_decoder_noise_on_stderr");
    assert_eq!(stderr, "", "a C decoder wrote to stderr");
}

/// A PNM header of 160x0 (found by the `convert` target) decoded to an
/// image with no pixels, and the encoders then failed with an internal
/// error ("Something went wrong") instead of saying the file is damaged.
#[test]
fn zero_height_pnm_is_refused_as_damaged() {
    for words in ["to=qoi", "to=png", "to=jpeg", "to=webp resize=50%"] {
        let error = convert("pnm-zero-height.pgm", words).unwrap_err();
        assert_eq!(error.code(), "corrupt", "{words}: {error:?}");
    }
}

/// A TIFF whose ImageLength tag claims to be text of 4 GB (found by the
/// `convert` target) reached a `dbg!` in the `tiff` crate, which wrote
/// `[…/ifd.rs:723:32] TiffError::LimitsExceeded` to stderr three times
/// before the CLI's one line. Such a file is now refused before decoding.
#[test]
fn tiff_text_tag_longer_than_the_file_is_refused_without_noise_on_stderr() {
    if std::env::var_os(CHILD).is_some() {
        let error = convert("tiff-ascii-tag-longer-than-file.tif", "to=png").unwrap_err();
        assert_eq!(error.code(), "corrupt", "{error:?}");
        return;
    }
    let stderr =
        stderr_of_child("tiff_text_tag_longer_than_the_file_is_refused_without_noise_on_stderr");
    assert_eq!(stderr, "", "a decoder wrote to stderr");
}
