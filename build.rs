//! Finds the system libheif (HEIC/HEIF and AVIF decoding) and links it when
//! present. pixdrop declares the few libheif functions it calls itself, so
//! only the shared library is needed, not its headers. The `heif` feature
//! makes a missing library a build error instead of a quiet omission. It
//! also has the crate rebuilt when the history's migration files change.

use std::path::Path;

const LIB_DIRS: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/usr/lib64",
    "/usr/lib",
    "/usr/local/lib",
];

fn main() {
    println!("cargo::rustc-check-cfg=cfg(pixdrop_heif)");
    println!("cargo::rerun-if-env-changed=PIXDROP_NO_HEIF");
    // `sqlx::migrate!` embeds `migrations/`; a file added there must
    // rebuild the crate, which the macro alone can't ask for.
    println!("cargo::rerun-if-changed=migrations");
    let required = std::env::var_os("CARGO_FEATURE_HEIF").is_some();
    let opted_out = std::env::var_os("PIXDROP_NO_HEIF").is_some() && !required;
    if opted_out {
        return;
    }
    match find_libheif() {
        Some((dir, link)) => {
            println!("cargo::rustc-link-search=native={dir}");
            if link == "libheif.so" {
                println!("cargo::rustc-link-lib=dylib=heif");
            } else {
                println!("cargo::rustc-link-lib=dylib:+verbatim={link}");
            }
            println!("cargo::rustc-cfg=pixdrop_heif");
        }
        None if required => {
            panic!("feature `heif` needs the system libheif (Debian: apt-get install libheif-dev)")
        }
        None => println!(
            "cargo::warning=libheif not found: HEIC and AVIF input will be refused (apt-get install libheif1)"
        ),
    }
}

fn find_libheif() -> Option<(String, String)> {
    for dir in LIB_DIRS {
        if Path::new(dir).is_dir() {
            println!("cargo::rerun-if-changed={dir}");
        }
        for name in ["libheif.so", "libheif.so.1"] {
            if Path::new(dir).join(name).exists() {
                return Some((dir.to_string(), name.to_string()));
            }
        }
    }
    None
}
