//! The command line: `convert`, `info` and `formats`. Turns flags into the
//! shared option words, runs the core, and writes the result. Every user
//! error leaves as exactly one line on stderr and exit status 2.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use pixdrop::convert::Format;
use pixdrop::options::Presets;
use pixdrop::{Limits, Options, UserError};

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Input file, or `-` for standard input.
    pub input: PathBuf,
    /// Output file, or `-` for standard output.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Target format (default: from the output's extension, else the preset's).
    #[arg(long)]
    pub to: Option<String>,
    /// A preset: sticker, emoji, avatar, thumbnail, web, email, or the
    /// operator's; the other flags override its settings.
    #[arg(long)]
    pub preset: Option<String>,
    /// Encoder quality, 1-100.
    #[arg(long, short)]
    pub quality: Option<String>,
    /// Fit the long side to N pixels, or inside a WxH box.
    #[arg(long)]
    pub resize: Option<String>,
    /// Allow --resize to make the image bigger.
    #[arg(long)]
    pub enlarge: bool,
    /// Crop to WxH+X+Y before rotating.
    #[arg(long)]
    pub crop: Option<String>,
    /// Rotate clockwise by 90, 180 or 270 degrees.
    #[arg(long)]
    pub rotate: Option<String>,
    /// Mirror: h (left-right) or v (top-bottom).
    #[arg(long)]
    pub flip: Option<String>,
    /// Largest output size, e.g. 500KB or 2MB.
    #[arg(long)]
    pub max_bytes: Option<String>,
    /// Lossless encoding where the format allows it.
    #[arg(long)]
    pub lossless: bool,
    /// Progressive JPEG.
    #[arg(long)]
    pub progressive: bool,
    /// Colour under transparency when the target has none (default white).
    #[arg(long)]
    pub background: Option<String>,
    /// Keep ICC and EXIF where the target can hold them.
    #[arg(long)]
    pub keep_metadata: bool,
    /// Do not turn the image upright by its EXIF orientation.
    #[arg(long)]
    pub no_orient: bool,
}

/// What went wrong in a CLI command: the user's error, or an I/O problem
/// with the named file.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    User(#[from] UserError),
    #[error("{0}")]
    Io(String),
}

impl ConvertArgs {
    fn option_words(&self) -> Result<Vec<String>, CliError> {
        let mut words: Vec<String> = self.preset.iter().map(|p| format!("preset={p}")).collect();
        let to = match (&self.to, self.output.to_str()) {
            (Some(to), _) => Some(to.clone()),
            (None, Some("-")) => None,
            (None, _) => match format_from_extension(&self.output) {
                Ok(format) => Some(format),
                Err(_) if self.preset.is_some() => None,
                Err(error) => return Err(error),
            },
        };
        let valued = [
            ("to", to.as_ref()),
            ("quality", self.quality.as_ref()),
            ("resize", self.resize.as_ref()),
            ("crop", self.crop.as_ref()),
            ("rotate", self.rotate.as_ref()),
            ("flip", self.flip.as_ref()),
            ("max-bytes", self.max_bytes.as_ref()),
            ("background", self.background.as_ref()),
        ];
        for (key, value) in valued {
            if let Some(value) = value {
                words.push(format!("{key}={value}"));
            }
        }
        let flags = [
            ("enlarge", self.enlarge),
            ("lossless", self.lossless),
            ("progressive", self.progressive),
            ("keep-metadata", self.keep_metadata),
            ("no-orient", self.no_orient),
        ];
        words.extend(
            flags
                .iter()
                .filter(|(_, on)| *on)
                .map(|(word, _)| word.to_string()),
        );
        Ok(words)
    }
}

fn format_from_extension(path: &Path) -> Result<String, CliError> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match extension.parse::<Format>() {
        Ok(format) => Ok(format.name().to_string()),
        Err(()) => Err(CliError::Io(format!(
            "I can't tell the output format from `{}`; add --to FORMAT (one of: {}).",
            path.display(),
            Format::writable_names()
        ))),
    }
}

pub fn convert(args: &ConvertArgs, limits: &Limits, presets: &Presets) -> Result<(), CliError> {
    let words = args.option_words()?;
    let options = Options::parse_with(words.iter().map(String::as_str), presets)?;
    let input = read_input(&args.input, limits)?;
    let output = pixdrop::pool::guard(|| pixdrop::convert(&input, &options, limits))?;
    write_output(&args.output, &output.bytes)
}

pub fn info(input: &Path, limits: &Limits) -> Result<String, CliError> {
    let bytes = read_input(input, limits)?;
    let info = pixdrop::pool::guard(|| pixdrop::info(&bytes, limits))?;
    let mut metadata = Vec::new();
    if let Some(icc) = info.icc_bytes {
        metadata.push(format!("ICC profile ({icc} bytes)"));
    }
    if let Some(exif) = info.exif_bytes {
        metadata.push(format!("EXIF ({exif} bytes)"));
    }
    if let Some(orientation) = info.orientation {
        metadata.push(format!("orientation {orientation}"));
    }
    if metadata.is_empty() {
        metadata.push("none".into());
    }
    Ok(format!(
        "{} {}x{}\nframes: {}\nbytes: {}\ncolor: {}\nmetadata: {}\n",
        info.format,
        info.width,
        info.height,
        info.frames,
        info.bytes,
        info.color,
        metadata.join(", ")
    ))
}

pub fn formats() -> String {
    let mut out = String::new();
    for format in Format::ALL {
        let yes = |can: bool| if can { "yes" } else { "no" };
        out.push_str(&format!(
            "{:<5} read: {:<3} write: {}\n",
            format.name(),
            yes(format.readable()),
            yes(format.writable())
        ));
    }
    out
}

fn read_input(path: &Path, limits: &Limits) -> Result<Vec<u8>, CliError> {
    let cap = limits.max_input_bytes;
    let mut bytes = Vec::new();
    let result = if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(cap + 1)
            .read_to_end(&mut bytes)
    } else {
        let file = std::fs::File::open(path)
            .map_err(|e| CliError::Io(format!("Can't open {}: {}.", path.display(), plain(&e))))?;
        let declared = file.metadata().map(|m| m.len()).unwrap_or(0);
        limits.check_input_bytes(declared)?;
        bytes.reserve_exact(usize::try_from(declared).unwrap_or(0));
        file.take(cap + 1).read_to_end(&mut bytes)
    };
    result.map_err(|e| CliError::Io(format!("Can't read {}: {}.", path.display(), plain(&e))))?;
    limits.check_input_bytes(bytes.len() as u64)?;
    Ok(bytes)
}

fn write_output(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let result = if path.as_os_str() == "-" {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(bytes).and_then(|()| stdout.flush())
    } else {
        std::fs::write(path, bytes)
    };
    result.map_err(|e| CliError::Io(format!("Can't write {}: {}.", path.display(), plain(&e))))
}

/// An I/O error as a short phrase, without the OS error number.
fn plain(error: &std::io::Error) -> String {
    let text = error.to_string();
    text.split(" (os error")
        .next()
        .unwrap_or(&text)
        .to_lowercase()
}
