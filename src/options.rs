//! The option words, one grammar for every front end: chat (`/convert webp 80
//! 1600`), the CLI (each flag becomes a `key=value` word) and the HTTP query
//! (`?to=webp&quality=80`). Everything parses into one typed `Options`;
//! an unknown word is an error that lists what is allowed. A preset
//! (`sticker`, `preset=email`) stands for several words; see `presets`.

mod presets;

pub use presets::{Preset, PresetError, Presets};

use crate::UserError;
use crate::color::Rgb;
use crate::convert::Format;
use crate::error::OptionError;
use crate::size::ByteSize;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Options {
    /// Target format; `None` keeps the input's format when it can be written.
    pub to: Option<Format>,
    /// Encoder quality 1-100 for lossy formats.
    pub quality: Option<u8>,
    pub resize: Option<Resize>,
    /// Allow `resize` to make the image bigger.
    pub enlarge: bool,
    pub crop: Option<Crop>,
    pub rotate: Rotate,
    pub flip: Option<Flip>,
    /// Largest acceptable output, reached by quality search then downscaling.
    pub max_bytes: Option<ByteSize>,
    pub lossless: bool,
    /// Progressive JPEG (loads blurry-to-sharp; often a little smaller).
    pub progressive: bool,
    /// Colour under transparent pixels when the target has no alpha.
    pub background: Option<Rgb>,
    pub keep_metadata: bool,
    /// Turn the image upright by its EXIF orientation (on unless `no-orient`).
    pub no_orient: bool,
    /// Cut the largest centred square (after `crop`, before rotating): avatars.
    pub square: bool,
    /// The format for an input with several frames, in place of `to`, so an
    /// animated emoji stays GIF while a still one becomes PNG.
    pub animated_to: Option<Format>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resize {
    /// Fit the long side to this many pixels.
    LongSide(u32),
    /// Fit inside a box, keeping the aspect ratio.
    Fit { width: u32, height: u32 },
    /// Scale both sides by this percentage.
    Percent(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crop {
    pub width: u32,
    pub height: u32,
    pub x: u32,
    pub y: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rotate {
    #[default]
    None,
    Cw90,
    Cw180,
    Cw270,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flip {
    Horizontal,
    Vertical,
}

impl Options {
    /// Parses chat words, CLI words or query pairs joined as `key=value`,
    /// knowing the built-in presets only.
    pub fn parse<'a>(words: impl IntoIterator<Item = &'a str>) -> Result<Self, UserError> {
        Self::parse_with(words, Presets::built_in())
    }

    /// Parses option words where `presets` are known. A preset sets its
    /// words where it stands; later words override them, and a format word
    /// replaces a preset's format rather than clashing with it.
    pub fn parse_with<'a>(
        words: impl IntoIterator<Item = &'a str>,
        presets: &Presets,
    ) -> Result<Self, UserError> {
        let mut options = Self::default();
        let mut format_from_preset = false;
        for word in words {
            let word = word.trim();
            if word.is_empty() {
                continue;
            }
            if let Some(preset) = presets.named_by(word)? {
                options.take_preset(preset)?;
                format_from_preset |= preset.options().to.is_some();
                continue;
            }
            let preset_format = options.to.take_if(|_| format_from_preset);
            options.apply(word)?;
            if options.to.is_none() {
                options.to = preset_format;
            } else if format_from_preset {
                format_from_preset = false;
                options.animated_to = None;
            }
        }
        Ok(options)
    }

    /// Parses HTTP query pairs with the built-in presets; see `parse_pairs_with`.
    pub fn parse_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, UserError> {
        Self::parse_pairs_with(pairs, Presets::built_in())
    }

    /// Parses HTTP query pairs; a flag may come as `lossless=1` or `lossless=true`.
    pub fn parse_pairs_with<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        presets: &Presets,
    ) -> Result<Self, UserError> {
        let words: Vec<String> = pairs
            .into_iter()
            .filter(|(key, _)| !matches!(*key, "download"))
            .filter_map(|(key, value)| match value {
                "" | "1" | "true" | "yes" | "on" => Some(key.to_string()),
                "0" | "false" | "no" | "off" => None,
                _ => Some(format!("{key}={value}")),
            })
            .collect();
        Self::parse_with(words.iter().map(String::as_str), presets)
    }

    /// Sets what `preset` sets, its format replacing any named before it.
    fn take_preset(&mut self, preset: &Preset) -> Result<(), UserError> {
        if preset.options().to.is_some() {
            self.to = None;
            self.animated_to = None;
        }
        for word in preset.words() {
            self.apply(word)?;
        }
        Ok(())
    }

    fn apply(&mut self, word: &str) -> Result<(), UserError> {
        let lower = word.to_ascii_lowercase();
        let (key, value) = match lower.split_once(['=', ':']) {
            Some((key, value)) => (key.trim(), Some(value.trim())),
            None => (lower.as_str(), None),
        };
        match (key, value) {
            ("to" | "format" | "f", Some(value)) => self.set_format(value, word),
            ("q" | "quality", Some(value)) => self.set_quality(value, word),
            ("resize" | "size" | "s", Some(value)) => self.set_resize(value, word),
            ("crop", Some(value)) => self.set_crop(value, word),
            ("rotate" | "rot", Some(value)) => self.set_rotate(value, word),
            ("flip", Some(value)) => self.set_flip(value, word),
            ("max" | "max-bytes" | "maxbytes" | "target" | "compress", Some(value)) => {
                self.set_max_bytes(value, word)
            }
            ("bg" | "background", Some(value)) => self.set_background(value, word),
            ("animated" | "anim", Some(value)) => self.set_animated(value, word),
            ("lossless", None) => set(&mut self.lossless, true),
            ("progressive", None) => set(&mut self.progressive, true),
            ("enlarge" | "upscale", None) => set(&mut self.enlarge, true),
            ("keep-metadata" | "keep_metadata" | "keepmeta" | "keep", None) => {
                set(&mut self.keep_metadata, true)
            }
            ("strip", None) => set(&mut self.keep_metadata, false),
            ("no-orient" | "noorient", None) => set(&mut self.no_orient, true),
            ("square", None) => set(&mut self.square, true),
            ("fliph" | "mirror", None) => self.set_flip("h", word),
            ("flipv", None) => self.set_flip("v", word),
            ("left", None) => self.set_rotate("270", word),
            ("right", None) => self.set_rotate("90", word),
            (bare, None) => self.apply_bare(bare, word),
            _ => Err(unknown(word)),
        }
    }

    fn apply_bare(&mut self, bare: &str, word: &str) -> Result<(), UserError> {
        if bare.parse::<Format>().is_ok() {
            return self.set_format(bare, word);
        }
        if let Some(rest) = bare
            .strip_prefix("rotate")
            .or_else(|| bare.strip_prefix('r'))
            && matches!(rest, "90" | "180" | "270")
        {
            return self.set_rotate(rest, word);
        }
        if let Some(rest) = bare.strip_prefix('q')
            && !rest.is_empty()
            && rest.bytes().all(|b| b.is_ascii_digit())
        {
            return self.set_quality(rest, word);
        }
        for prefix in ["<=", "≤", "<"] {
            if let Some(rest) = bare.strip_prefix(prefix) {
                return self.set_max_bytes(rest, word);
            }
        }
        if let Ok(number) = bare.parse::<u32>() {
            return if (1..=100).contains(&number) {
                self.set_quality(bare, word)
            } else {
                self.set_resize(bare, word)
            };
        }
        if bare.contains('+') {
            return self.set_crop(bare, word);
        }
        if bare.ends_with('%')
            || bare.contains('x') && bare.bytes().next().is_some_and(|b| b.is_ascii_digit())
        {
            return self.set_resize(bare, word);
        }
        if bare.bytes().next().is_some_and(|b| b.is_ascii_digit())
            && bare.parse::<ByteSize>().is_ok()
        {
            return self.set_max_bytes(bare, word);
        }
        Err(unknown(word))
    }

    fn set_format(&mut self, value: &str, word: &str) -> Result<(), UserError> {
        let format = value
            .parse::<Format>()
            .map_err(|()| OptionError::UnknownFormat { word: word.into() })?;
        if self.to.is_some_and(|old| old != format) {
            return Err(OptionError::TwoFormats.into());
        }
        self.to = Some(format);
        Ok(())
    }

    fn set_animated(&mut self, value: &str, word: &str) -> Result<(), UserError> {
        let format = value
            .parse::<Format>()
            .map_err(|()| OptionError::UnknownFormat { word: word.into() })?;
        self.animated_to = Some(format);
        Ok(())
    }

    fn set_quality(&mut self, value: &str, word: &str) -> Result<(), UserError> {
        match value.parse::<u8>() {
            Ok(quality @ 1..=100) => {
                self.quality = Some(quality);
                Ok(())
            }
            _ => Err(OptionError::QualityOutOfRange { word: word.into() }.into()),
        }
    }

    fn set_resize(&mut self, value: &str, word: &str) -> Result<(), UserError> {
        let bad = || UserError::from(OptionError::BadResize { word: word.into() });
        let resize = if let Some(percent) = value.strip_suffix('%') {
            let percent: u32 = percent.parse().map_err(|_| bad())?;
            if !(1..=1000).contains(&percent) {
                return Err(bad());
            }
            Resize::Percent(percent)
        } else if let Some((w, h)) = value.split_once(['x', '*']) {
            let width = side(w).ok_or_else(bad)?;
            let height = side(h).ok_or_else(bad)?;
            Resize::Fit { width, height }
        } else {
            Resize::LongSide(side(value).ok_or_else(bad)?)
        };
        self.resize = Some(resize);
        Ok(())
    }

    fn set_crop(&mut self, value: &str, word: &str) -> Result<(), UserError> {
        let bad = || UserError::from(OptionError::BadCrop { word: word.into() });
        let (size, offsets) = value.split_once('+').ok_or_else(bad)?;
        let (x, y) = offsets.split_once('+').ok_or_else(bad)?;
        let (w, h) = size.split_once('x').ok_or_else(bad)?;
        self.crop = Some(Crop {
            width: side(w).ok_or_else(bad)?,
            height: side(h).ok_or_else(bad)?,
            x: x.parse().map_err(|_| bad())?,
            y: y.parse().map_err(|_| bad())?,
        });
        Ok(())
    }

    fn set_rotate(&mut self, value: &str, word: &str) -> Result<(), UserError> {
        self.rotate = match value.trim_end_matches('°') {
            "0" | "360" => Rotate::None,
            "90" | "-270" => Rotate::Cw90,
            "180" | "-180" => Rotate::Cw180,
            "270" | "-90" => Rotate::Cw270,
            _ => {
                return Err(OptionError::BadRotation { word: word.into() }.into());
            }
        };
        Ok(())
    }

    fn set_flip(&mut self, value: &str, word: &str) -> Result<(), UserError> {
        self.flip = Some(match value {
            "h" | "horizontal" | "x" => Flip::Horizontal,
            "v" | "vertical" | "y" => Flip::Vertical,
            _ => {
                return Err(OptionError::BadFlip { word: word.into() }.into());
            }
        });
        Ok(())
    }

    fn set_max_bytes(&mut self, value: &str, word: &str) -> Result<(), UserError> {
        let size = value
            .parse::<ByteSize>()
            .map_err(|_| OptionError::BadSizeTarget { word: word.into() })?;
        if size.bytes() < 1_000 {
            return Err(OptionError::SizeTargetTooSmall { word: word.into() }.into());
        }
        self.max_bytes = Some(size);
        Ok(())
    }

    fn set_background(&mut self, value: &str, word: &str) -> Result<(), UserError> {
        let color = value
            .parse::<Rgb>()
            .map_err(|()| OptionError::UnknownColour { word: word.into() })?;
        self.background = Some(color);
        Ok(())
    }
}

impl Options {
    /// The options as canonical words that parse back to the same value;
    /// only numbers, format names and fixed words, never user text.
    pub fn to_words(&self) -> Vec<String> {
        let mut words = Vec::new();
        if let Some(to) = self.to {
            words.push(format!("to={to}"));
        }
        if let Some(quality) = self.quality {
            words.push(format!("quality={quality}"));
        }
        match self.resize {
            Some(Resize::LongSide(side)) => words.push(format!("resize={side}")),
            Some(Resize::Fit { width, height }) => words.push(format!("resize={width}x{height}")),
            Some(Resize::Percent(percent)) => words.push(format!("resize={percent}%")),
            None => {}
        }
        if let Some(Crop {
            width,
            height,
            x,
            y,
        }) = self.crop
        {
            words.push(format!("crop={width}x{height}+{x}+{y}"));
        }
        match self.rotate {
            Rotate::None => {}
            Rotate::Cw90 => words.push("rotate=90".into()),
            Rotate::Cw180 => words.push("rotate=180".into()),
            Rotate::Cw270 => words.push("rotate=270".into()),
        }
        match self.flip {
            Some(Flip::Horizontal) => words.push("flip=h".into()),
            Some(Flip::Vertical) => words.push("flip=v".into()),
            None => {}
        }
        if let Some(max) = self.max_bytes {
            words.push(format!("max={}", max.bytes()));
        }
        if let Some(animated) = self.animated_to {
            words.push(format!("animated={animated}"));
        }
        if let Some(Rgb([r, g, b])) = self.background {
            words.push(format!("bg=#{r:02x}{g:02x}{b:02x}"));
        }
        let flags = [
            ("enlarge", self.enlarge),
            ("lossless", self.lossless),
            ("progressive", self.progressive),
            ("keep-metadata", self.keep_metadata),
            ("no-orient", self.no_orient),
            ("square", self.square),
        ];
        words.extend(
            flags
                .iter()
                .filter(|(_, on)| *on)
                .map(|(w, _)| (*w).to_string()),
        );
        words
    }
}

fn set(flag: &mut bool, value: bool) -> Result<(), UserError> {
    *flag = value;
    Ok(())
}

fn side(text: &str) -> Option<u32> {
    text.trim()
        .parse()
        .ok()
        .filter(|n| (1..=65_535).contains(n))
}

fn unknown(word: &str) -> UserError {
    OptionError::UnknownWord { word: word.into() }.into()
}

#[cfg(test)]
mod tests;
