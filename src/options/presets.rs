//! Presets: a name standing for several option words (`sticker` is
//! `webp 512 enlarge max=512KB`), the same on every front end. The built-in
//! ones are fixed here; an operator adds more in a TOML file, which
//! `Presets::with_file` checks in full before the service starts. A preset
//! is only words, so it can do nothing the grammar can't, and anything it
//! sets a later word overrides. Reading the file from disk is the caller's
//! job: the core touches no file system.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use super::Options;
use crate::UserError;
use crate::error::OptionError;

/// The built-in presets: name, option words, and the line that describes them.
const BUILT_IN: [(&str, &str, &str); 6] = [
    (
        "sticker",
        "webp 512 enlarge max=512KB",
        "Telegram sticker: WebP, long side exactly 512 px, at most 512 KB",
    ),
    (
        "emoji",
        "png animated=gif 128x128 max=256KB",
        "Discord emoji: PNG (an animation stays GIF), fits 128x128, at most 256 KB",
    ),
    (
        "avatar",
        "png square 512 enlarge",
        "Profile picture: the centre square, 512x512 PNG",
    ),
    ("thumbnail", "webp 320", "Thumbnail: WebP, fits 320 px"),
    (
        "web",
        "webp q80 2048",
        "For web pages: WebP quality 80, fits 2048 px, never enlarged",
    ),
    (
        "email",
        "jpeg q75 1600 max=1MB",
        "For email: JPEG quality 75, fits 1600 px, at most 1 MB",
    ),
];

/// One named set of option words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preset {
    name: String,
    description: String,
    /// Canonical words of `options`, applied where the preset is named.
    words: Vec<String>,
    options: Options,
}

impl Preset {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// One line saying what the preset makes.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// What the preset sets, as canonical option words.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    fn new(name: &str, words: &str, description: &str, known: &Presets) -> Result<Self, UserError> {
        let options = Options::parse_with(words.split_whitespace(), known)?;
        Ok(Self {
            name: name.to_string(),
            description: description.to_string(),
            words: options.to_words(),
            options,
        })
    }
}

/// The presets a server knows: the built-in ones, then the operator's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presets {
    all: Vec<Preset>,
}

static BUILT_IN_PRESETS: LazyLock<Presets> = LazyLock::new(|| {
    let none = Presets { all: Vec::new() };
    let all = BUILT_IN
        .iter()
        .map(|(name, words, description)| {
            // The table above is ours and its words are tested to parse.
            Preset::new(name, words, description, &none).expect("built-in preset words parse")
        })
        .collect();
    Presets { all }
});

impl Default for Presets {
    fn default() -> Self {
        Self::built_in().clone()
    }
}

impl Presets {
    /// The six presets every pixdrop has.
    pub fn built_in() -> &'static Self {
        &BUILT_IN_PRESETS
    }

    /// The built-in presets plus those an operator's TOML file defines:
    ///
    /// ```toml
    /// [presets.banner]
    /// words = "webp 1500x500 q85"
    /// description = "Profile banner: WebP, fits 1500x500"   # optional
    /// ```
    ///
    /// Refuses the whole file, naming the preset, when a name is not a
    /// plain word, is already a built-in preset or an option word, or when
    /// its words don't parse.
    pub fn with_file(text: &str) -> Result<Self, PresetError> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| PresetError::Syntax(e.message().to_string()))?;
        let mut presets = Self::built_in().clone();
        for (key, value) in table {
            if key != "presets" {
                return Err(PresetError::UnknownTable(key));
            }
            let toml::Value::Table(entries) = value else {
                return Err(PresetError::UnknownTable(key));
            };
            for (name, entry) in entries {
                let preset = operator_preset(&name, entry, &presets)?;
                presets.all.push(preset);
            }
        }
        Ok(presets)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Preset> {
        self.all.iter()
    }

    pub fn get(&self, name: &str) -> Option<&Preset> {
        self.all.iter().find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// The preset `word` names: bare (`sticker`) or as `preset=NAME`. A
    /// `preset=` word naming none is an error listing the known ones; any
    /// other word is `None`, for the rest of the grammar to read.
    pub(super) fn named_by(&self, word: &str) -> Result<Option<&Preset>, UserError> {
        let asked = word
            .split_once(['=', ':'])
            .filter(|(key, _)| key.trim().eq_ignore_ascii_case("preset"));
        let Some((_, name)) = asked else {
            return Ok(self.get(word));
        };
        match self.get(name.trim()) {
            Some(preset) => Ok(Some(preset)),
            None => Err(OptionError::UnknownPreset {
                word: word.into(),
                known: self.names(),
            }
            .into()),
        }
    }

    /// Every name, comma-separated, for error sentences.
    pub fn names(&self) -> String {
        self.all
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn operator_preset(name: &str, entry: toml::Value, known: &Presets) -> Result<Preset, PresetError> {
    let refuse = |problem: String| PresetError::Preset {
        name: name.to_string(),
        problem,
    };
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !plain {
        return Err(refuse(
            "a name is lowercase letters, digits, `-` and `_`, starting with a letter".into(),
        ));
    }
    if known.get(name).is_some() {
        return Err(refuse("that name is already a preset".into()));
    }
    if Options::parse_with([name], &Presets { all: Vec::new() }).is_ok() {
        return Err(refuse(
            "that name is already an option word, so it would mean two things".into(),
        ));
    }
    let toml::Value::Table(fields) = entry else {
        return Err(refuse(
            "expected a table with `words` (and `description`)".into(),
        ));
    };
    let fields: BTreeMap<String, toml::Value> = fields.into_iter().collect();
    if let Some(field) = fields
        .keys()
        .find(|k| !matches!(k.as_str(), "words" | "description"))
    {
        return Err(refuse(format!(
            "unknown field `{field}`; a preset has `words` and `description`"
        )));
    }
    let text = |field: &str| match fields.get(field) {
        None => Ok(None),
        Some(toml::Value::String(text)) => Ok(Some(text.trim().to_string())),
        Some(_) => Err(refuse(format!("`{field}` must be a string"))),
    };
    let words = text("words")?
        .filter(|w| !w.is_empty())
        .ok_or_else(|| refuse("`words` is missing or empty".into()))?;
    let description = text("description")?.unwrap_or_else(|| words.clone());
    Preset::new(name, &words, &description, known).map_err(|error| refuse(error.to_string()))
}

/// Why an operator's preset file was refused; each names what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PresetError {
    #[error("not valid TOML: {0}")]
    Syntax(String),
    #[error("unexpected `{0}`; presets go in [presets.NAME] tables")]
    UnknownTable(String),
    #[error("preset `{name}`: {problem}")]
    Preset { name: String, problem: String },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;
    use crate::options::Resize;
    use crate::size::ByteSize;

    #[test]
    fn the_built_in_presets_are_the_contracts() {
        let presets = Presets::built_in();
        let names: Vec<_> = presets.iter().map(Preset::name).collect();
        assert_eq!(
            names,
            ["sticker", "emoji", "avatar", "thumbnail", "web", "email"]
        );
        let sticker = presets.get("sticker").unwrap().options();
        assert_eq!(sticker.to, Some(Format::Webp));
        assert_eq!(sticker.resize, Some(Resize::LongSide(512)));
        assert!(sticker.enlarge);
        assert_eq!(sticker.max_bytes, Some(ByteSize(512_000)));
        let emoji = presets.get("emoji").unwrap().options();
        assert_eq!(
            (emoji.to, emoji.animated_to),
            (Some(Format::Png), Some(Format::Gif))
        );
        let avatar = presets.get("avatar").unwrap().options();
        assert!(avatar.square && avatar.enlarge);
        let web = presets.get("web").unwrap().options();
        assert_eq!((web.quality, web.enlarge), (Some(80), false));
    }

    #[test]
    fn an_operator_file_adds_presets_after_the_built_in_ones() {
        let presets = Presets::with_file(
            "[presets.banner]\nwords = \"webp 1500x500 q85\"\ndescription = \"Banner\"\n\
             [presets.big-sticker]\nwords = \"sticker q95\"\n",
        )
        .unwrap();
        let banner = presets.get("banner").unwrap();
        assert_eq!(banner.description(), "Banner");
        assert_eq!(banner.options().quality, Some(85));
        let big = presets.get("big-sticker").unwrap();
        assert_eq!(big.description(), "sticker q95");
        assert_eq!(big.options().to, Some(Format::Webp));
        assert_eq!(big.options().quality, Some(95));
        assert_eq!(presets.iter().count(), 8);
    }

    #[test]
    fn a_bad_operator_file_is_refused_naming_the_preset() {
        let cases = [
            ("[presets.banner\n", "not valid TOML"),
            ("[banner]\nwords = \"webp\"\n", "unexpected `banner`"),
            (
                "[presets.sticker]\nwords = \"png\"\n",
                "preset `sticker`: that name is already a preset",
            ),
            (
                "[presets.webp]\nwords = \"png\"\n",
                "preset `webp`: that name is already an option word",
            ),
            (
                "[presets.q80]\nwords = \"png\"\n",
                "preset `q80`: that name is already an option word",
            ),
            (
                "[presets.left]\nwords = \"png\"\n",
                "preset `left`: that name is already an option word",
            ),
            (
                "[presets.\"Big One\"]\nwords = \"png\"\n",
                "preset `Big One`: a name is lowercase",
            ),
            (
                "[presets.banner]\nwords = \"webp banana\"\n",
                "preset `banner`: I don't understand `banana`",
            ),
            (
                "[presets.banner]\ndescription = \"x\"\n",
                "preset `banner`: `words` is missing",
            ),
            (
                "[presets.banner]\nwords = 3\n",
                "preset `banner`: `words` must be a string",
            ),
            (
                "[presets.banner]\nwords = \"png\"\nsize = 3\n",
                "preset `banner`: unknown field `size`",
            ),
        ];
        for (text, expected) in cases {
            let error = Presets::with_file(text).unwrap_err().to_string();
            assert!(error.starts_with(expected), "{text:?}: {error}");
        }
    }
}
