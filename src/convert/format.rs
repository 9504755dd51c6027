//! `Format`: every image format pixdrop knows, with what it can do with each
//! (read, write, hold alpha, animate) and how it is named to users.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Jpeg,
    Png,
    Gif,
    Webp,
    Avif,
    Heic,
    Bmp,
    Tiff,
    Ico,
    Qoi,
    Tga,
    Pnm,
    Pdf,
}

impl Format {
    pub const ALL: [Self; 13] = [
        Self::Jpeg,
        Self::Png,
        Self::Gif,
        Self::Webp,
        Self::Avif,
        Self::Heic,
        Self::Bmp,
        Self::Tiff,
        Self::Ico,
        Self::Qoi,
        Self::Tga,
        Self::Pnm,
        Self::Pdf,
    ];

    /// The short name users type and see (`webp`, `jpeg`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Gif => "gif",
            Self::Webp => "webp",
            Self::Avif => "avif",
            Self::Heic => "heic",
            Self::Bmp => "bmp",
            Self::Tiff => "tiff",
            Self::Ico => "ico",
            Self::Qoi => "qoi",
            Self::Tga => "tga",
            Self::Pnm => "pnm",
            Self::Pdf => "pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Tiff => "tif",
            Self::Pnm => "ppm",
            other => other.name(),
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Avif => "image/avif",
            Self::Heic => "image/heic",
            Self::Bmp => "image/bmp",
            Self::Tiff => "image/tiff",
            Self::Ico => "image/vnd.microsoft.icon",
            Self::Qoi => "image/qoi",
            Self::Tga => "image/x-tga",
            Self::Pnm => "image/x-portable-anymap",
            Self::Pdf => "application/pdf",
        }
    }

    /// Whether this build can decode the format.
    pub fn readable(self) -> bool {
        match self {
            Self::Pdf => false,
            Self::Heic | Self::Avif => crate::convert::heif::AVAILABLE,
            _ => true,
        }
    }

    pub fn writable(self) -> bool {
        !matches!(self, Self::Heic)
    }

    pub fn has_alpha(self) -> bool {
        matches!(
            self,
            Self::Png
                | Self::Gif
                | Self::Webp
                | Self::Avif
                | Self::Tiff
                | Self::Ico
                | Self::Qoi
                | Self::Tga
                | Self::Bmp
        )
    }

    pub fn animates(self) -> bool {
        matches!(self, Self::Gif | Self::Webp | Self::Png)
    }

    /// Lossy formats, where a quality setting and a size target mean something.
    pub fn lossy(self) -> bool {
        matches!(self, Self::Jpeg | Self::Webp | Self::Avif | Self::Pdf)
    }

    pub fn writable_names() -> String {
        Self::ALL
            .iter()
            .filter(|f| f.writable())
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = ();

    fn from_str(word: &str) -> Result<Self, ()> {
        let word = word.trim().trim_start_matches('.').to_ascii_lowercase();
        Ok(match word.as_str() {
            "jpeg" | "jpg" | "jpe" | "jfif" => Self::Jpeg,
            "png" | "apng" => Self::Png,
            "gif" => Self::Gif,
            "webp" => Self::Webp,
            "avif" => Self::Avif,
            "heic" | "heif" => Self::Heic,
            "bmp" | "dib" => Self::Bmp,
            "tiff" | "tif" => Self::Tiff,
            "ico" | "icon" => Self::Ico,
            "qoi" => Self::Qoi,
            "tga" => Self::Tga,
            "pnm" | "ppm" | "pgm" | "pbm" | "pam" => Self::Pnm,
            "pdf" => Self::Pdf,
            _ => return Err(()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_aliases_resolve() {
        for format in Format::ALL {
            assert_eq!(format.name().parse::<Format>(), Ok(format));
            assert_eq!(format.extension().parse::<Format>(), Ok(format));
        }
        assert_eq!("JPG".parse::<Format>(), Ok(Format::Jpeg));
        assert_eq!(".tif".parse::<Format>(), Ok(Format::Tiff));
        assert!("svg".parse::<Format>().is_err());
    }
}
