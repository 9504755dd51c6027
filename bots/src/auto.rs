//! Where auto-convert is on, for both bots: an admin's `/auto` setting per
//! chat or channel. It lives in the history database under a keyed hash of
//! the place, so it survives restarts without the raw id being stored, and
//! is cached in memory (misses too), so a place costs one lookup per run.

use dashmap::DashMap;
use pixdrop::history::Settings;
use pixdrop::{Core, Options, Platform};

/// Places remembered before the cache starts over.
const CACHE_LIMIT: usize = 50_000;

pub struct AutoConvert {
    core: Core,
    platform: Platform,
    /// By raw place id, in memory only: the option words, or `None` for off.
    cache: DashMap<String, Option<Vec<String>>>,
}

impl AutoConvert {
    pub fn new(core: Core, platform: Platform) -> Self {
        Self {
            core,
            platform,
            cache: DashMap::new(),
        }
    }

    /// The option words for images posted in `place`, when auto-convert is on.
    pub async fn words(&self, place: &str) -> Option<Vec<String>> {
        if let Some(cached) = self.cache.get(place) {
            return cached.clone();
        }
        let history = self.core.history()?;
        let key = self.core.place(self.platform, place);
        match history.auto(&key).await {
            Ok(settings) => {
                let words =
                    settings.map(|s| s.as_str().split_whitespace().map(str::to_string).collect());
                self.remember(place, words.clone());
                words
            }
            Err(error) => {
                tracing::warn!("auto-convert lookup failed: {error}");
                None
            }
        }
    }

    /// Turns auto-convert on in `place` with `options`, or off with `None`.
    /// Returns false when the setting holds only until the next restart.
    pub async fn set(&self, place: &str, options: Option<&Options>) -> bool {
        self.remember(place, options.map(Options::to_words));
        let Some(history) = self.core.history() else {
            return false;
        };
        let key = self.core.place(self.platform, place);
        let settings = options.map(Settings::from);
        match history.set_auto(&key, settings.as_ref()).await {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!("auto-convert setting not saved: {error}");
                false
            }
        }
    }

    fn remember(&self, place: &str, words: Option<Vec<String>>) {
        if self.cache.len() >= CACHE_LIMIT {
            self.cache.clear();
        }
        self.cache.insert(place.to_string(), words);
    }
}
