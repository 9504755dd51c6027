//! The languages pixdrop speaks, and how a platform's hint picks one: a
//! Telegram `language_code`, a Discord `locale`, a browser's
//! `Accept-Language`. A region falls back to its base language (`de-AT` is
//! German, `es-419` Spanish) and anything else to English, so every user
//! gets a whole sentence in one language. What each language says lives
//! in Fluent resources (`locales/<code>/*.ftl`), read through [`Catalog`];
//! this module knows nothing of any platform.

mod catalog;
mod check;

pub use catalog::{Arg, Catalog};

/// A language with a full set of translations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    De,
    Es,
    Ru,
}

impl Lang {
    /// Every language, English (the reference every other must match) first.
    pub const ALL: [Self; 4] = [Self::En, Self::De, Self::Es, Self::Ru];

    /// The base language subtag (`de`), also the folder under `locales/`.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
            Self::Es => "es",
            Self::Ru => "ru",
        }
    }

    /// The language a BCP 47 tag (`de`, `de-AT`, `es_419`, `pt-BR`) names by
    /// its base language, if it is one of ours.
    pub fn supported(tag: &str) -> Option<Self> {
        let base = tag.trim().split(['-', '_']).next()?;
        Self::ALL
            .into_iter()
            .find(|lang| base.eq_ignore_ascii_case(lang.code()))
    }

    /// The language of a platform's tag, English when there is none or it
    /// isn't ours.
    pub fn from_tag(tag: Option<&str>) -> Self {
        tag.and_then(Self::supported).unwrap_or_default()
    }

    /// The most wanted of our languages in an `Accept-Language` header
    /// (`ru-RU,ru;q=0.9,en;q=0.8`): the highest weight wins, the first
    /// listed among equals; `q=0` means "not this one". English when none fits.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(Self, u16)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Self::supported) else {
                continue;
            };
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(1000, weight);
            if weight > 0 && best.is_none_or(|(_, seen)| weight > seen) {
                best = Some((lang, weight));
            }
        }
        best.map(|(lang, _)| lang).unwrap_or_default()
    }
}

/// A quality value (`0.8`) in thousandths; anything unreadable counts as 0.
fn weight(q: &str) -> u16 {
    let q = q.trim();
    let (whole, fraction) = q.split_once('.').unwrap_or((q, ""));
    let whole: u16 = match whole {
        "0" => 0,
        "1" => 1000,
        _ => return 0,
    };
    let digits: String = fraction.chars().take(3).collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return 0;
    }
    let thousandths = format!("{digits:0<3}").parse::<u16>().unwrap_or(0);
    (whole + thousandths).min(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_fall_back_to_their_base_language_and_the_rest_to_english() {
        for (tag, lang) in [
            ("de", Lang::De),
            ("de-AT", Lang::De),
            ("es-419", Lang::Es),
            ("es-ES", Lang::Es),
            ("ES_mx", Lang::Es),
            ("ru", Lang::Ru),
            ("en-GB", Lang::En),
            ("pt-BR", Lang::En),
            ("", Lang::En),
            ("zh-CN", Lang::En),
        ] {
            assert_eq!(Lang::from_tag(Some(tag)), lang, "{tag}");
        }
        assert_eq!(Lang::from_tag(None), Lang::En);
    }

    #[test]
    fn accept_language_picks_the_heaviest_supported_language() {
        for (header, lang) in [
            ("ru", Lang::Ru),
            ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", Lang::Ru),
            ("fr-FR, fr;q=0.9, de;q=0.8, en;q=0.7", Lang::De),
            ("en;q=0.5, es;q=0.9", Lang::Es),
            ("de;q=0, es;q=0.1", Lang::Es),
            ("de;q=0", Lang::En),
            ("fr, pt", Lang::En),
            ("*", Lang::En),
            ("es;q=0.500, ru;q=0.5", Lang::Es),
            ("de;q=banana, ru;q=0.2", Lang::Ru),
            ("", Lang::En),
        ] {
            assert_eq!(Lang::from_accept_language(header), lang, "{header}");
        }
    }
}
