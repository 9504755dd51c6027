//! `Catalog`: one Fluent bundle per [`Lang`], built from resources compiled
//! into the binary, and the one way to say a message in a language. A
//! message missing in a language is said in English rather than not at
//! all; the tests (`Catalog::problems`) keep that from happening.

use std::borrow::Cow;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use super::Lang;

/// A value for a message's placeable (`{ $seconds }`). Numbers stay numbers
/// so a translation can choose its plural form by them.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg<'a> {
    Text(Cow<'a, str>),
    Number(u64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(text: &'a str) -> Self {
        Self::Text(Cow::Borrowed(text))
    }
}

impl From<String> for Arg<'_> {
    fn from(text: String) -> Self {
        Self::Text(Cow::Owned(text))
    }
}

impl From<u64> for Arg<'_> {
    fn from(number: u64) -> Self {
        Self::Number(number)
    }
}

impl From<u32> for Arg<'_> {
    fn from(number: u32) -> Self {
        Self::Number(number.into())
    }
}

/// The resources of one language, as compiled in.
pub(super) type Sources = Vec<(Lang, Vec<&'static str>)>;

/// Every language's messages of one part of pixdrop (the core's errors,
/// the bots' texts).
pub struct Catalog {
    /// In the order of `Lang::ALL`.
    bundles: Vec<FluentBundle<FluentResource>>,
    /// Kept for `problems`, which reads them as syntax trees.
    pub(super) sources: Sources,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").finish_non_exhaustive()
    }
}

impl Catalog {
    /// A catalog of `resources(lang)` for every language. A resource that
    /// doesn't parse keeps what did parse and is logged (and fails the tests).
    pub fn new(resources: impl Fn(Lang) -> Vec<&'static str>) -> Self {
        let sources: Sources = Lang::ALL.iter().map(|&l| (l, resources(l))).collect();
        let bundles = sources
            .iter()
            .map(|(lang, texts)| bundle(*lang, texts))
            .collect();
        Self { bundles, sources }
    }

    /// Message `id` in `lang`, its placeables filled from `args`.
    pub fn text(&self, lang: Lang, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let wanted = &self.bundles[index(lang)];
        let (bundle, message) = match wanted.get_message(id) {
            Some(message) => (wanted, message),
            None => {
                tracing::warn!(lang = lang.code(), id, "message missing; said in English");
                let english = &self.bundles[0];
                match english.get_message(id) {
                    Some(message) => (english, message),
                    None => return id.to_string(),
                }
            }
        };
        let Some(pattern) = message.value() else {
            return id.to_string();
        };
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            let value = match value {
                Arg::Text(text) => FluentValue::from(text.clone()),
                Arg::Number(number) => FluentValue::from(*number),
            };
            fluent_args.set(*name, value);
        }
        let mut errors = Vec::new();
        let said = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(lang = lang.code(), id, ?errors, "message said with errors");
        }
        said.into_owned()
    }
}

fn index(lang: Lang) -> usize {
    Lang::ALL
        .iter()
        .position(|&l| l == lang)
        .expect("Lang::ALL lists every language")
}

fn bundle(lang: Lang, texts: &[&'static str]) -> FluentBundle<FluentResource> {
    let id = lang
        .code()
        .parse()
        .expect("every Lang code is a valid language tag");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Isolation marks around placeables would make English differ from
    // `UserError`'s Display, and chats show them as stray characters.
    bundle.set_use_isolating(false);
    for text in texts {
        let resource = FluentResource::try_new(text.to_string()).unwrap_or_else(|(partial, e)| {
            tracing::error!(lang = lang.code(), errors = ?e, "a Fluent resource doesn't parse");
            partial
        });
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(
                lang = lang.code(),
                ?errors,
                "a Fluent message is defined twice"
            );
        }
    }
    bundle
}
