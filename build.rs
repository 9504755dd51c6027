//! Links the system libheif (HEIC/HEIF and AVIF input, AVIF output) when the
//! `heif` feature is on, found through pkg-config like any system library
//! (Debian: `libheif-dev` and `pkg-config`); a missing or too old libheif is
//! a build error that says what to install. Without the feature nothing is
//! linked, so a default build needs no libheif at all, and HEIC/AVIF input
//! is refused with the usual unsupported-format error. It also has the crate
//! rebuilt when the history's migration files change.

/// The oldest libheif whose API `src/convert/heif.rs` uses (Debian 12's):
/// `heif_decoding_options` version 4, with `decoder_id`.
const MIN_LIBHEIF: &str = "1.15";

fn main() {
    // `sqlx::migrate!` embeds `migrations/`; a file added there must
    // rebuild the crate, which the macro alone can't ask for.
    println!("cargo::rerun-if-changed=migrations");
    if std::env::var_os("CARGO_FEATURE_HEIF").is_none() {
        return;
    }
    if let Err(error) = pkg_config::Config::new()
        .atleast_version(MIN_LIBHEIF)
        .probe("libheif")
    {
        panic!(
            "feature `heif` needs libheif >= {MIN_LIBHEIF} and its pkg-config file \
             (Debian: apt-get install libheif-dev pkg-config): {error}"
        );
    }
}
